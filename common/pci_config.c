/* pci_config.c - decode PCI configuration space bytes (sysfs `config`, lspci -xxx/-xxxx) into
 * struct pci_caps: ids, class, header type, and the capabilities passthrough diagnosis needs.
 *
 * Offsets follow Linux include/uapi/linux/pci_regs.h and pciutils ls-caps.c/ls-ecaps.c, so the
 * result can be compared field by field with what lspci printed for the same bytes. Every read
 * goes through read_u8/read_le16/read_le32, which refuse offsets outside the buffer; both
 * capability walks stop on loops, pointers into the header and a count limit.
 */
#include "common/pci_config.h"

#include <string.h>

#include "common/limits.h"

#define CFG_VENDOR	0x00
#define CFG_DEVICE	0x02
#define CFG_STATUS	0x06
#define CFG_REVISION	0x08
#define CFG_CLASS	0x09 /* prog-if, sub, base: 3 bytes */
#define CFG_HEADER	0x0e
#define CFG_SUBSYS0	0x2c /* header type 0 */
#define CFG_CAP_PTR	0x34 /* header types 0 and 1 */
#define CFG_CAP_PTR_CB	0x14 /* header type 2 (CardBus) */
#define CFG_SUBSYS_CB	0x40 /* header type 2 */
#define STATUS_CAP_LIST 0x10
#define EXT_CAP_START	0x100

enum cap_id {
	CAP_PM = 0x01,
	CAP_MSI = 0x05,
	CAP_PCIX = 0x07,
	CAP_SSVID = 0x0d,
	CAP_EXP = 0x10,
	CAP_MSIX = 0x11,
	CAP_AF = 0x13,
};

enum ecap_id {
	ECAP_ACS = 0x0d,
	ECAP_SRIOV = 0x10,
	ECAP_REBAR = 0x15,
};

static bool read_u8(const uint8_t *buf, size_t len, size_t off, uint8_t *v)
{
	if (off >= len)
		return false;
	*v = buf[off];
	return true;
}

static bool read_le16(const uint8_t *buf, size_t len, size_t off, uint16_t *v)
{
	if (off >= len || len - off < 2)
		return false;
	*v = (uint16_t)(buf[off] | (unsigned)buf[off + 1] << 8);
	return true;
}

static bool read_le32(const uint8_t *buf, size_t len, size_t off, uint32_t *v)
{
	if (off >= len || len - off < 4)
		return false;
	*v = (uint32_t)buf[off] | (uint32_t)buf[off + 1] << 8 | (uint32_t)buf[off + 2] << 16 |
	     (uint32_t)buf[off + 3] << 24;
	return true;
}

static void decode_pm(const uint8_t *buf, size_t len, size_t at, struct pci_caps *c)
{
	uint16_t pmcsr;

	if (!read_le16(buf, len, at + 4, &pmcsr))
		return;
	c->has_pm = true;
	c->pm_state = (int8_t)(pmcsr & 0x3);
	c->pm_no_soft_reset = pmcsr & 0x8;
}

static void decode_express(const uint8_t *buf, size_t len, size_t at, struct pci_caps *c)
{
	uint16_t flags, lnksta;
	uint32_t devcap, lnkcap;

	if (!read_le16(buf, len, at + 2, &flags) || !read_le32(buf, len, at + 4, &devcap))
		return;
	c->has_pcie = true;
	c->pcie_type = (flags >> 4) & 0xf;
	c->flr = devcap & (1u << 28);
	/* Root complex integrated endpoints and event collectors have no link (ls-caps.c). */
	if (c->pcie_type == 9 || c->pcie_type == 10)
		return;
	if (read_le32(buf, len, at + 0x0c, &lnkcap)) {
		c->link_speed_cap = lnkcap & 0xf;
		c->link_width_cap = (lnkcap >> 4) & 0x3f;
	}
	if (read_le16(buf, len, at + 0x12, &lnksta)) {
		c->link_speed = lnksta & 0xf;
		c->link_width = (lnksta >> 4) & 0x3f;
	}
}

static void decode_cap(const uint8_t *buf, size_t len, size_t at, uint8_t id, struct pci_caps *c)
{
	uint16_t w;
	uint8_t b;

	switch (id) {
	case CAP_PM:
		decode_pm(buf, len, at, c);
		break;
	case CAP_MSI:
		if (read_le16(buf, len, at + 2, &w)) {
			c->has_msi = true;
			c->msi_enabled = w & 0x1;
		}
		break;
	case CAP_MSIX:
		if (read_le16(buf, len, at + 2, &w)) {
			c->has_msix = true;
			c->msix_enabled = w & 0x8000;
		}
		break;
	case CAP_EXP:
		decode_express(buf, len, at, c);
		break;
	case CAP_AF:
		if (read_u8(buf, len, at + 3, &b)) {
			c->has_af = true;
			c->af_flr = b & 0x2;
		}
		break;
	case CAP_SSVID:
		/* Bridges carry their subsystem ids here rather than at 0x2c. */
		if (c->header_type == 1) {
			uint16_t sv, sd;

			if (read_le16(buf, len, at + 4, &sv) && read_le16(buf, len, at + 6, &sd)) {
				c->subsys_vendor = sv;
				c->subsys_device = sd;
			}
		}
		break;
	default:
		break;
	}
}

/* Returns true when the list has a PCIe or PCI-X capability (extended ones may follow). */
static bool walk_caps(const uint8_t *buf, size_t len, struct pci_caps *c)
{
	bool seen[256 / 4] = { false };
	bool pcix = false;
	uint16_t status;
	uint8_t ptr;
	size_t where;

	if (!read_le16(buf, len, CFG_STATUS, &status) || !(status & STATUS_CAP_LIST))
		return false;
	if (!read_u8(buf, len, c->header_type == 2 ? CFG_CAP_PTR_CB : CFG_CAP_PTR, &ptr))
		return false;
	where = ptr & ~3u;
	for (int n = 0; where; n++) {
		uint8_t id, next;

		if (n >= PCI_MAX_CAPS) {
			c->broken = "too many capabilities";
			break;
		}
		if (where < 0x40) {
			c->broken = "capability pointer into the header";
			break;
		}
		if (!read_u8(buf, len, where, &id) || !read_u8(buf, len, where + 1, &next)) {
			c->header_only =
				true; /* a 64-byte (non-root) read: the list is not there */
			break;
		}
		if (seen[where / 4]) {
			c->broken = "capability list loops";
			break;
		}
		seen[where / 4] = true;
		if (id == 0xff) {
			c->broken = "capability list broken (id ff)";
			break;
		}
		if (id == CAP_PCIX)
			pcix = true;
		decode_cap(buf, len, where, id, c);
		where = next & ~3u;
	}
	return c->has_pcie || pcix;
}

static uint64_t rebar_size(unsigned code)
{
	/* code n means 1 MiB << n; anything that does not fit 64 bits is unknown */
	return code < 44 ? (uint64_t)1 << (20 + code) : 0;
}

static void decode_rebar(const uint8_t *buf, size_t len, size_t at, struct pci_caps *c)
{
	uint32_t ctrl, capdw;
	unsigned nbars;

	if (!read_le32(buf, len, at + 8, &ctrl))
		return;
	c->has_rebar = true;
	c->n_rebar = 0;
	nbars = (ctrl >> 5) & 0x7;
	if (nbars < 1 || nbars > PCI_MAX_REBAR) {
		c->rebar_invalid = true;
		return;
	}
	for (unsigned i = 0; i < nbars; i++) {
		struct pci_rebar *r = &c->rebar[c->n_rebar];

		if (!read_le32(buf, len, at + 4 + 8 * i, &capdw) ||
		    !read_le32(buf, len, at + 8 + 8 * i, &ctrl))
			return;
		r->bar = ctrl & 0x7;
		r->current = rebar_size((ctrl >> 8) & 0x3f);
		r->supported = (uint64_t)(capdw >> 4) | (uint64_t)(ctrl >> 16) << 28;
		c->n_rebar++;
	}
}

static void decode_ecap(const uint8_t *buf, size_t len, size_t at, uint16_t id, struct pci_caps *c)
{
	uint16_t acs_cap, acs_ctrl;

	switch (id) {
	case ECAP_ACS:
		if (read_le16(buf, len, at + 4, &acs_cap) &&
		    read_le16(buf, len, at + 6, &acs_ctrl)) {
			c->has_acs = true;
			c->acs_cap = acs_cap;
			c->acs_ctrl = acs_ctrl;
		}
		break;
	case ECAP_REBAR:
		decode_rebar(buf, len, at, c);
		break;
	case ECAP_SRIOV:
		c->has_sriov = true;
		break;
	default:
		break;
	}
}

static void walk_ecaps(const uint8_t *buf, size_t len, struct pci_caps *c)
{
	bool seen[(PCI_CONFIG_BYTES - EXT_CAP_START) / 4] = { false };
	size_t where = EXT_CAP_START;

	for (int n = 0; where; n++) {
		uint32_t header;

		if (n >= PCI_MAX_ECAPS) {
			c->broken = "too many extended capabilities";
			return;
		}
		if (where < EXT_CAP_START || where >= PCI_CONFIG_BYTES) {
			c->broken = "extended capability pointer below 0x100";
			return;
		}
		if (!read_le32(buf, len, where, &header)) {
			c->broken = "extended capability beyond the bytes given";
			return;
		}
		if (header == 0 || header == 0xffffffffu)
			return; /* no (more) extended capabilities */
		if (seen[(where - EXT_CAP_START) / 4]) {
			c->broken = "extended capability list loops";
			return;
		}
		seen[(where - EXT_CAP_START) / 4] = true;
		decode_ecap(buf, len, where, (uint16_t)(header & 0xffff), c);
		where = (header >> 20) & ~3u;
	}
}

bool pci_config_decode(const uint8_t *buf, size_t len, struct pci_caps *caps)
{
	uint8_t hdr, rev, b;
	uint16_t w;

	memset(caps, 0, sizeof(*caps));
	caps->pm_state = -1;
	if (!buf || len < 64)
		return false;
	caps->known = true;
	read_le16(buf, len, CFG_VENDOR, &caps->vendor);
	read_le16(buf, len, CFG_DEVICE, &caps->device);
	read_u8(buf, len, CFG_REVISION, &rev);
	caps->revision = rev;
	for (int i = 2; i >= 0; i--) {
		read_u8(buf, len, CFG_CLASS + (size_t)i, &b);
		caps->class_code = caps->class_code << 8 | b;
	}
	read_u8(buf, len, CFG_HEADER, &hdr);
	caps->header_type = hdr & 0x7f;
	caps->multifunction = hdr & 0x80;
	if (caps->vendor == 0xffff && caps->device == 0xffff && hdr == 0xff) {
		caps->broken = "configuration space reads all-ones";
		return true;
	}
	if (caps->header_type == 0) {
		read_le16(buf, len, CFG_SUBSYS0, &caps->subsys_vendor);
		read_le16(buf, len, CFG_SUBSYS0 + 2, &caps->subsys_device);
	} else if (caps->header_type == 2 && read_le16(buf, len, CFG_SUBSYS_CB, &w)) {
		caps->subsys_vendor = w;
		if (read_le16(buf, len, CFG_SUBSYS_CB + 2, &w))
			caps->subsys_device = w;
	}
	if (caps->header_type > 2)
		return true; /* unknown layout: lspci walks no capabilities either */
	/* Like lspci, look for extended capabilities only behind a PCIe or PCI-X capability. */
	if (walk_caps(buf, len, caps) && len >= EXT_CAP_START + 4)
		walk_ecaps(buf, len, caps);
	return true;
}
