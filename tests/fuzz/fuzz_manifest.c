/* fuzz_manifest.c - bytes as manifest.json: the bounded cJSON reader into kv rows. */
#include <stdint.h>

#include "input/manifest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct parse_out out;
	struct error err = { 0 };

	parse_out_init(&out);
	manifest_rows(str_from_mem(data, size), &out, &err);
	parse_out_release(&out);
	return 0;
}
