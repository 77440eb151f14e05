/* fuzz_pci_config_decode.c - libFuzzer target for common/pci_config.c: pci_config_decode() on
 * arbitrary bytes, at the input's own length and at the 64- and 256-byte cuts a non-root reader
 * or `lspci -xxx` gives. The decoder must never read outside the buffer, loop or leave
 * `broken` pointing at anything but static text. Seeded with the real config-space dumps of
 * tests/fuzz/corpus/pci_config/ (pciutils' tests and this machine's sysfs). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/limits.h"
#include "common/pci_config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void decode_copy(const uint8_t *data, size_t len)
{
	/* an exact-size heap copy, so ASan sees any read past len */
	uint8_t *buf = malloc(len ? len : 1);
	struct pci_caps caps;

	if (!buf)
		return;
	if (len)
		memcpy(buf, data, len);
	memset(&caps, 0xa5, sizeof(caps));
	if (pci_config_decode(buf, len, &caps) != caps.known)
		__builtin_trap();
	if (caps.known && len < 64)
		__builtin_trap();
	if (caps.known && caps.n_rebar > PCI_MAX_REBAR)
		__builtin_trap();
	if (caps.known && caps.broken && strlen(caps.broken) > 200)
		__builtin_trap();
	free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t len = size > PCI_CONFIG_BYTES ? PCI_CONFIG_BYTES : size;

	decode_copy(data, len);
	if (len > 256)
		decode_copy(data, 256);
	if (len > 64)
		decode_copy(data, 64);
	return 0;
}
