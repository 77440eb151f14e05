/* pci_config_parse.c - binary PCI configuration space (sysfs `config`, 64 bytes for non-root
 * readers, 256 or 4096 for root) into one device row with source "config".
 *
 * Real input: the machine's own /sys/bus/pci/devices/<bdf>/config files, e.g. (first bytes of
 * an Intel host bridge as `od -An -tx1` shows them)
 *   86 80 05 34 00 00 10 00 12 00 00 06 00 00 00 00
 * The address is not in the bytes; see pci_config_parse.h. Pure: no I/O.
 */
#include "parse/pci_config_parse.h"

#include "common/limits.h"
#include "common/pci_config.h"
#include "parse/parsers_all.h"

int pci_config_parse_bytes(const uint8_t *buf, size_t len, const struct pciaddr *bdf,
			   struct parse_out *out)
{
	struct device_row *d;
	struct pci_caps caps;

	if (len > PCI_CONFIG_BYTES) {
		parse_warn(out, 0, "configuration space of %zu bytes, decoding the first %d", len,
			   PCI_CONFIG_BYTES);
		len = PCI_CONFIG_BYTES;
	}
	if (!pci_config_decode(buf, len, &caps)) {
		parse_warn(out, 0, "configuration space of %zu bytes is shorter than 64, skipping",
			   len);
		return 0;
	}
	if (out->devices.n >= MAX_ROWS)
		return 0;
	d = VEC_PUSH(&out->devices);
	if (bdf)
		d->bdf = *bdf;
	d->source = STR_LIT("config");
	d->vendor = caps.vendor;
	d->device = caps.device;
	d->has_ids = true;
	d->class_code = caps.class_code >> 8;
	d->has_class = true;
	d->rev = caps.revision;
	d->iommu_group = -1;
	if (caps.subsys_vendor || caps.subsys_device) {
		d->subsys_vendor = caps.subsys_vendor;
		d->subsys_device = caps.subsys_device;
		d->has_subsys = true;
	}
	d->caps = caps;
	return 1;
}

/* Config bytes are binary: sizes sysfs gives, a header type that exists, and no text shape. */
int pci_config_sniff(struct str text)
{
	const uint8_t *p = (const uint8_t *)text.ptr;
	unsigned hdr;

	if (text.len != 64 && text.len != 256 && text.len != PCI_CONFIG_BYTES)
		return 0;
	hdr = p[0x0e] & 0x7f;
	if (p[0] == 0xff && p[1] == 0xff)
		return 30; /* all-ones: a dead device, or anything else */
	if (hdr > 2 || (p[0] == 0 && p[1] == 0))
		return 0;
	for (size_t i = 0; i < 16; i++)
		if (p[i] == '\n')
			return 10;
	return 80;
}

int pci_config_parse(struct str text, struct parse_out *out, struct error *err)
{
	(void)err;
	pci_config_parse_bytes((const uint8_t *)text.ptr, text.len, NULL, out);
	return 0;
}
