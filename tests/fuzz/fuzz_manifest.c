/* fuzz_manifest.c - bytes as manifest.json: the bounded cJSON reader into kv rows and claims,
 * then the claims checked against two members (a clean bundle's dmesg and an empty file). */
#include <stdint.h>

#include "input/manifest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void ignore(void *ctx, const char *msg)
{
	(void)ctx;
	(void)msg;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct parse_out out;
	struct error err = { 0 };
	struct manifest_claims claims;
	struct manifest_member members[2];

	parse_out_init(&out);
	manifest_claims_init(&claims);
	if (manifest_rows(str_from_mem(data, size), &out, &claims, &err) >= 0) {
		manifest_member_set(&members[0], "cmd/dmesg", STR_LIT("[    0.000000] Linux\n"));
		manifest_member_set(&members[1], "proc/cmdline", STR_LIT(""));
		manifest_check(&claims, members, 2, ignore, NULL);
	}
	manifest_claims_release(&claims);
	parse_out_release(&out);
	return 0;
}
