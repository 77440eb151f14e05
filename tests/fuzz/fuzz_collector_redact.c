/* fuzz_collector_redact.c - collector/redact.c on arbitrary bytes: the first line is taken as
 * a host name to register, the rest as text to redact (in each redact_format, the byte after
 * the first line choosing which one runs the idempotence check); the same bytes also go
 * through the config-space serial scrubber. Checks: no crash, no read past the input, output
 * capped, and a second pass over the output hands out no new tokens (tokens are never re-redacted).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "redact.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct redact r;
	struct sbuf out, again;
	struct str in = str_from_mem(data, size), name;
	uint8_t *copy;
	unsigned before[REDACT_KIND_COUNT];
	enum redact_format fmt;

	redact_init(&r, true);
	if (str_take_until(&in, '\n', &name))
		redact_add_name(&r, name);
	fmt = (enum redact_format)(in.len ? (unsigned char)in.ptr[0] % 4 : 0);
	for (int f = 0; f < 4; f++) {
		if (f == (int)fmt)
			continue;
		sbuf_init(&out, size * 4 + 4096);
		redact_text_as(&r, (enum redact_format)f, in, &out);
		if (sbuf_failed(&out))
			abort();
		sbuf_release(&out);
	}
	sbuf_init(&out, size * 4 + 4096);
	redact_text_as(&r, fmt, in, &out);
	if (sbuf_failed(&out))
		abort();
	memcpy(before, r.next, sizeof(before));
	sbuf_init(&again, out.len * 4 + 4096);
	redact_text_as(&r, fmt, sbuf_view(&out), &again);
	for (int k = 0; k < REDACT_KIND_COUNT; k++)
		if (k != REDACT_HOSTNAME && k != REDACT_DOMAIN && k != REDACT_SERIAL &&
		    k != REDACT_USER && r.next[k] != before[k])
			abort(); /* an address or UUID token was taken for a new value */
	copy = malloc(size ? size : 1);
	if (size)
		memcpy(copy, data, size);
	redact_pci_config(&r, copy, size);
	free(copy);
	sbuf_release(&out);
	sbuf_release(&again);
	redact_release(&r);
	return 0;
}
