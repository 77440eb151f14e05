/* lspci.c - parse lspci output at any verbosity (plain, -n/-nn, -D, -k, -v/-vv/-vvv and the
 * -x/-xxx/-xxxx hex dumps) into one device row per device block plus a line row per line.
 *
 * Real input (linuxhw corpus 0002 and 0007, lspci -vvnn -k):
 *   00:00.0 Host bridge [0600]: Intel Corporation Xeon E5/Core i7 DMI2 [8086:3c00] (rev 07)
 *   	Capabilities: [90] Express (v2) Root Port (Slot-), MSI 00
 *   		BAR 1: current size: 256MB, supported: 64MB 128MB 256MB
 *   		<error in resizable BAR: num_bars=0 is out of specification>
 * and pciutils' own test dumps, where the text is followed by `00: 86 80 10 9d 07 00 ...`.
 *
 * A block starts at a line that begins with a PCI address and runs to the next blank line.
 * Capability sub-lines are read in the context of the last `Capabilities:` line and of the
 * last register key (`DevCap:`, `LnkSta:`...), so `FLReset+` counts only under DevCap (DevCtl
 * prints an FLReset bit too). Hex dumps are decoded with pci_config_decode() when the block
 * ends; what the text said wins field group by field group (tests/unit/parse/lspci_corpus_test.c
 * checks that both agree on pciutils' dumps). Lines that are not understood are kept as line
 * rows only: stderr spliced into a line, VPD text, future lspci wording. Pure: no I/O; rows
 * point into the caller's text.
 */
#include <stdlib.h>
#include <string.h>

#include "common/limits.h"
#include "common/pci_config.h"
#include "common/xalloc.h"
#include "parse/parsers_all.h"
#include "parse/pci_text.h"

enum cap_ctx {
	CTX_NONE,
	CTX_PM,
	CTX_EXP,
	CTX_AF,
	CTX_ACS,
	CTX_REBAR,
	CTX_OTHER,
};

struct block {
	bool open;
	size_t dev; /* index into out->devices */
	struct pciaddr bdf;
	enum cap_ctx cap; /* the capability the current sub-lines belong to */
	struct str reg;	  /* the last register key inside it ("DevCap", "LnkSta"...) */
	int next_region;  /* for -v output, which prints regions without their index */
	size_t cfg_len;	  /* bytes of cfg filled from a hex dump (0: none) */
	uint8_t cfg[PCI_CONFIG_BYTES];
};

/* ---- small text helpers ---- */

static bool is_hex_str(struct str s)
{
	for (size_t i = 0; i < s.len; i++)
		if (pci_text_hexval(s.ptr[i]) < 0)
			return false;
	return s.len > 0;
}

static bool hex_u16(struct str s, uint16_t *v)
{
	uint64_t x;

	if (s.len != 4 || !str_to_u64(s, 16, 0, 0xffff, &x))
		return false;
	*v = (uint16_t)x;
	return true;
}

/* "10de:2504" */
static bool parse_id_pair(struct str s, uint16_t *a, uint16_t *b)
{
	return s.len == 9 && s.ptr[4] == ':' && hex_u16(str_sub(s, 0, 4), a) &&
	       hex_u16(str_sub(s, 5, 4), b);
}

/* Leading tabs count one level each, eight spaces too (some dumps were re-indented). */
static unsigned indent_depth(struct str line)
{
	unsigned depth = 0, spaces = 0;

	for (size_t i = 0; i < line.len; i++) {
		if (line.ptr[i] == '\t') {
			depth++;
			spaces = 0;
		} else if (line.ptr[i] == ' ') {
			if (++spaces == 8) {
				depth++;
				spaces = 0;
			}
		} else {
			break;
		}
	}
	return depth;
}

/* "Foo+" in s: 1; "Foo-": 0; absent: -1. The flag must start s or follow a blank. */
static int find_flag(struct str s, const char *name)
{
	size_t n = strlen(name);

	for (size_t i = 0; i + n < s.len; i++) {
		if (i > 0 && s.ptr[i - 1] != ' ' && s.ptr[i - 1] != '\t')
			continue;
		if (memcmp(s.ptr + i, name, n) != 0)
			continue;
		if (s.ptr[i + n] == '+')
			return 1;
		if (s.ptr[i + n] == '-')
			return 0;
	}
	return -1;
}

/* ---- the first line of a block ---- */

/* Vendor names from pci.ids that carry no company suffix, and one that has words after it. */
static const char *const bare_vendors[] = {
	"Broadcom Inc. and subsidiaries",
	"Broadcom / LSI",
	"Texas Instruments",
	"Qualcomm Atheros",
	"Qualcomm Technologies, Inc",
	"Mellanox Technologies",
	"Fresco Logic",
	"SK hynix",
	"Western Digital",
	"Micron/Crucial Technology",
	"Solarflare Communications",
	"LSI Logic / Symbios Logic",
	"Creative Labs",
	"Cirrus Logic",
	"VMware",
	"Red Hat, Inc.",
	"Silicon Motion, Inc.",
};

/* Words that end a company name ("Intel Corporation", "Realtek Semiconductor Co., Ltd."). */
static const char *const vendor_suffixes[] = {
	"Corporation", "Corp.", "Corp", "Inc.",	   "Inc", "Incorporated", "Ltd.", "Ltd",
	"Limited",     "GmbH",	"AG",	"Company", "LLC", "PLC",	  "Co.",  "S.A.",
};

static bool word_is_suffix(struct str w)
{
	for (size_t i = 0; i < sizeof(vendor_suffixes) / sizeof(vendor_suffixes[0]); i++)
		if (str_eq_cstr(w, vendor_suffixes[i]))
			return true;
	return false;
}

/* lspci prints "<vendor> <device>" with nothing between them; pci.ids is not at hand, so the
 * vendor ends after its company suffix (and a following "[AMD/ATI]"-style tag). When nothing
 * fits, "<vendor> Device 46d1" still splits at " Device "; else all of it is the vendor. */
static void split_names(struct str names, struct str *vendor, struct str *device)
{
	struct str rest = names, w;
	long at;

	*vendor = names;
	*device = STR_NULL;
	for (size_t i = 0; i < sizeof(bare_vendors) / sizeof(bare_vendors[0]); i++) {
		size_t n = strlen(bare_vendors[i]);

		if (str_starts_with(names, bare_vendors[i]) &&
		    (names.len == n || names.ptr[n] == ' ')) {
			*vendor = str_sub(names, 0, n);
			*device = str_trim(str_sub(names, n, names.len));
			return;
		}
	}
	while (str_next_word(&rest, &w)) {
		if (!word_is_suffix(w))
			continue;
		struct str after = str_ltrim(rest);

		if (after.len && after.ptr[0] == '[') {
			long close = str_find_char(after, ']');

			if (close > 0 &&
			    (close + 1 == (long)after.len || after.ptr[close + 1] == ' '))
				rest = str_sub(after, (size_t)close + 1, after.len);
		}
		*vendor = str_sub(names, 0, (size_t)(rest.ptr - names.ptr));
		*device = str_trim(rest);
		return;
	}
	at = str_find(names, " Device ");
	if (at > 0) {
		*vendor = str_sub(names, 0, (size_t)at);
		*device = str_sub(names, (size_t)at + 1, names.len);
	}
}

/* Subclass names as lspci prints them without -n (pci.ids "C" section; names used by one
 * subclass only), so plain `lspci -k` still gives a class code. */
static const struct {
	const char *name;
	uint16_t code;
} class_names[] = {
	{ "Non-VGA unclassified device", 0x0000 },
	{ "VGA compatible unclassified device", 0x0001 },
	{ "Image coprocessor", 0x0005 },
	{ "SCSI storage controller", 0x0100 },
	{ "IDE interface", 0x0101 },
	{ "Floppy disk controller", 0x0102 },
	{ "IPI bus controller", 0x0103 },
	{ "RAID bus controller", 0x0104 },
	{ "ATA controller", 0x0105 },
	{ "SATA controller", 0x0106 },
	{ "Serial Attached SCSI controller", 0x0107 },
	{ "Non-Volatile memory controller", 0x0108 },
	{ "Universal Flash Storage controller", 0x0109 },
	{ "Mass storage controller", 0x0180 },
	{ "Ethernet controller", 0x0200 },
	{ "Token ring network controller", 0x0201 },
	{ "FDDI network controller", 0x0202 },
	{ "ATM network controller", 0x0203 },
	{ "ISDN controller", 0x0204 },
	{ "WorldFip controller", 0x0205 },
	{ "PICMG controller", 0x0206 },
	{ "Infiniband controller", 0x0207 },
	{ "Fabric controller", 0x0208 },
	{ "Network controller", 0x0280 },
	{ "VGA compatible controller", 0x0300 },
	{ "XGA compatible controller", 0x0301 },
	{ "3D controller", 0x0302 },
	{ "Display controller", 0x0380 },
	{ "Multimedia video controller", 0x0400 },
	{ "Multimedia audio controller", 0x0401 },
	{ "Computer telephony device", 0x0402 },
	{ "Audio device", 0x0403 },
	{ "Multimedia controller", 0x0480 },
	{ "RAM memory", 0x0500 },
	{ "FLASH memory", 0x0501 },
	{ "CXL", 0x0502 },
	{ "Memory controller", 0x0580 },
	{ "Host bridge", 0x0600 },
	{ "ISA bridge", 0x0601 },
	{ "EISA bridge", 0x0602 },
	{ "MicroChannel bridge", 0x0603 },
	{ "PCI bridge", 0x0604 },
	{ "PCMCIA bridge", 0x0605 },
	{ "NuBus bridge", 0x0606 },
	{ "CardBus bridge", 0x0607 },
	{ "RACEway bridge", 0x0608 },
	{ "Semi-transparent PCI-to-PCI bridge", 0x0609 },
	{ "InfiniBand to PCI host bridge", 0x060a },
	{ "Bridge", 0x0680 },
	{ "Serial controller", 0x0700 },
	{ "Parallel controller", 0x0701 },
	{ "Multiport serial controller", 0x0702 },
	{ "Modem", 0x0703 },
	{ "GPIB controller", 0x0704 },
	{ "Smard Card controller", 0x0705 },
	{ "Communication controller", 0x0780 },
	{ "PIC", 0x0800 },
	{ "DMA controller", 0x0801 },
	{ "Timer", 0x0802 },
	{ "RTC", 0x0803 },
	{ "PCI Hot-plug controller", 0x0804 },
	{ "SD Host controller", 0x0805 },
	{ "IOMMU", 0x0806 },
	{ "System peripheral", 0x0880 },
	{ "Timing Card", 0x0899 },
	{ "Keyboard controller", 0x0900 },
	{ "Digitizer Pen", 0x0901 },
	{ "Mouse controller", 0x0902 },
	{ "Scanner controller", 0x0903 },
	{ "Gameport controller", 0x0904 },
	{ "Input device controller", 0x0980 },
	{ "Generic Docking Station", 0x0a00 },
	{ "Docking Station", 0x0a80 },
	{ "386", 0x0b00 },
	{ "486", 0x0b01 },
	{ "Pentium", 0x0b02 },
	{ "Alpha", 0x0b10 },
	{ "Power PC", 0x0b20 },
	{ "MIPS", 0x0b30 },
	{ "Co-processor", 0x0b40 },
	{ "FireWire (IEEE 1394)", 0x0c00 },
	{ "ACCESS Bus", 0x0c01 },
	{ "SSA", 0x0c02 },
	{ "USB controller", 0x0c03 },
	{ "Fibre Channel", 0x0c04 },
	{ "SMBus", 0x0c05 },
	{ "InfiniBand", 0x0c06 },
	{ "IPMI Interface", 0x0c07 },
	{ "SERCOS interface", 0x0c08 },
	{ "CANBUS", 0x0c09 },
	{ "Serial bus controller", 0x0c80 },
	{ "IRDA controller", 0x0d00 },
	{ "Consumer IR controller", 0x0d01 },
	{ "RF controller", 0x0d10 },
	{ "Bluetooth", 0x0d11 },
	{ "Broadband", 0x0d12 },
	{ "802.1a controller", 0x0d20 },
	{ "802.1b controller", 0x0d21 },
	{ "Wireless controller", 0x0d80 },
	{ "I2O", 0x0e00 },
	{ "Satellite TV controller", 0x0f01 },
	{ "Satellite audio communication controller", 0x0f02 },
	{ "Satellite voice communication controller", 0x0f03 },
	{ "Satellite data communication controller", 0x0f04 },
	{ "Network and computing encryption device", 0x1000 },
	{ "Entertainment encryption device", 0x1010 },
	{ "Encryption controller", 0x1080 },
	{ "DPIO module", 0x1100 },
	{ "Performance counters", 0x1101 },
	{ "Communication synchronizer", 0x1110 },
	{ "Signal processing management", 0x1120 },
	{ "Signal processing controller", 0x1180 },
	{ "Processing accelerators", 0x1200 },
	{ "SNIA Smart Data Accelerator Interface (SDXI) controller", 0x1201 },
};

static bool class_from_name(struct str name, uint16_t *code)
{
	for (size_t i = 0; i < sizeof(class_names) / sizeof(class_names[0]); i++) {
		if (str_ieq_cstr(name, class_names[i].name)) {
			*code = class_names[i].code;
			return true;
		}
	}
	return false;
}

/* Strips "(rev a1)" and "(prog-if 00 [VGA controller])" off the end of names. */
static struct str strip_trailers(struct str names, struct device_row *d)
{
	for (int guard = 0; guard < 4; guard++) {
		long open;
		struct str inner;
		uint64_t rev;

		names = str_rtrim(names);
		if (!str_ends_with(names, ")"))
			break;
		open = -1;
		/* the matching '(': "(prog-if 20 [IO(X)-APIC])" nests */
		for (size_t i = names.len, depth = 0; i-- > 0;) {
			if (names.ptr[i] == ')') {
				depth++;
			} else if (names.ptr[i] == '(' && --depth == 0) {
				open = (long)i;
				break;
			}
		}
		if (open < 0)
			break;
		inner = str_sub(names, (size_t)open + 1, names.len - (size_t)open - 2);
		if (str_starts_with(inner, "rev ") &&
		    str_to_u64(str_sub(inner, 4, inner.len), 16, 0, 0xff, &rev)) {
			d->rev = (int16_t)rev;
		} else if (!str_starts_with(inner, "prog-if ")) {
			break;
		}
		names = str_sub(names, 0, (size_t)open);
	}
	return str_rtrim(names);
}

static void parse_header(struct str rest, struct device_row *d)
{
	struct str cls, names;
	long colon = str_find(rest, ": ");
	uint16_t code;

	if (colon < 0) {
		cls = str_trim(rest);
		names = STR_NULL;
	} else {
		cls = str_sub(rest, 0, (size_t)colon);
		names = str_sub(rest, (size_t)colon + 2, rest.len);
	}
	/* "VGA compatible controller [0300]", or a bare "0300" from lspci -n */
	if (str_ends_with(cls, "]") && cls.len >= 7 && cls.ptr[cls.len - 7] == ' ' &&
	    cls.ptr[cls.len - 6] == '[' && hex_u16(str_sub(cls, cls.len - 5, 4), &code)) {
		d->class_code = code;
		d->has_class = true;
		cls = str_sub(cls, 0, cls.len - 7);
	} else if (hex_u16(cls, &code)) {
		d->class_code = code;
		d->has_class = true;
		cls = STR_NULL;
	} else if (str_starts_with(cls, "Class ") && hex_u16(str_sub(cls, 6, cls.len), &code)) {
		d->class_code = code; /* "Class 0604": pci.ids lacks the name */
		d->has_class = true;
	} else if (class_from_name(cls, &code)) {
		d->class_code = code;
		d->has_class = true;
	}
	d->class_name = cls;
	names = strip_trailers(names, d);
	if (parse_id_pair(names, &d->vendor, &d->device)) {
		d->has_ids = true; /* lspci -n: ids only */
		return;
	}
	if (str_starts_with(names, "Device ") &&
	    parse_id_pair(str_sub(names, 7, names.len), &d->vendor, &d->device)) {
		d->has_ids = true; /* "Device 10b5:9716": pci.ids knows neither */
		d->device_name = names;
		return;
	}
	if (str_ends_with(names, "]") && names.len >= 12 && names.ptr[names.len - 12] == ' ' &&
	    names.ptr[names.len - 11] == '[' &&
	    parse_id_pair(str_sub(names, names.len - 10, 9), &d->vendor, &d->device)) {
		d->has_ids = true;
		names = str_sub(names, 0, names.len - 12);
	}
	split_names(names, &d->vendor_name, &d->device_name);
}

/* ---- device-level lines ---- */

static uint64_t parse_size(struct str s)
{
	uint64_t v;
	int shift = 0;

	if (!str_take_u64(&s, 10, UINT32_MAX, &v))
		return 0;
	if (s.len == 1) {
		switch (s.ptr[0]) {
		case 'K':
			shift = 10;
			break;
		case 'M':
			shift = 20;
			break;
		case 'G':
			shift = 30;
			break;
		case 'T':
			shift = 40;
			break;
		default:
			return 0;
		}
	} else if (s.len) {
		return 0;
	}
	return v << shift;
}

/* "Memory at f6000000 (32-bit, non-prefetchable) [size=16M]", "I/O ports at e000 [size=128]",
 * "Expansion ROM at <ignored> [disabled]": everything after the optional "Region N: ". */
static void parse_region(struct str s, struct pci_region *g)
{
	struct str addr;
	long at = str_find(s, " at "), size;
	uint64_t v;

	g->present = true;
	g->is_io = str_starts_with(s, "I/O ports") || str_contains(s, "] I/O ports");
	g->is_64 = str_contains(s, "(64-bit");
	g->is_pref = str_contains(s, ", prefetchable)");
	g->disabled = str_contains(s, "[disabled]");
	g->virtual_ = str_contains(s, "[virtual]");
	g->unassigned = str_contains(s, "<unassigned>");
	if (at >= 0) {
		struct str rest = str_sub(s, (size_t)at + 4, s.len);

		if (!str_take_until(&rest, ' ', &addr))
			addr = rest;
		if (is_hex_str(addr) && str_to_u64(addr, 16, 0, UINT64_MAX, &v)) {
			g->has_addr = true;
			g->addr = v;
		}
	}
	size = str_find(s, "[size=");
	if (size >= 0) {
		struct str sz = str_sub(s, (size_t)size + 6, s.len);
		struct str num;

		if (str_take_until(&sz, ']', &num))
			g->size = parse_size(num);
	}
}

static void parse_region_line(struct str t, struct block *b, struct device_row *d)
{
	uint64_t idx;
	int index;

	if (str_starts_with(t, "Region ")) {
		struct str rest = str_sub(t, 7, t.len), num;

		/* the explicit bound: str_to_u64() lets a single digit above max through */
		if (!str_take_until(&rest, ':', &num) || !str_to_u64(num, 10, 0, 5, &idx) ||
		    idx > 5)
			return;
		index = (int)idx;
		t = str_ltrim(rest);
	} else if (str_starts_with(t, "Expansion ROM at ")) {
		index = 6;
	} else {
		index = b->next_region; /* lspci -v: in BAR order, without the index */
		if (index > 5)
			return;
	}
	parse_region(t, &d->regions[index]);
	d->regions[index].index = (uint8_t)index;
	if (index < 6)
		b->next_region = index + (d->regions[index].is_64 ? 2 : 1);
}

/* ---- capability lines ---- */

static const struct {
	const char *name;
	uint8_t type;
} pcie_types[] = {
	{ "Endpoint", 0 },
	{ "Legacy Endpoint", 1 },
	{ "Root Port", 4 },
	{ "Upstream Port", 5 },
	{ "Downstream Port", 6 },
	{ "PCI-Express to PCI/PCI-X Bridge", 7 },
	{ "PCI/PCI-X to PCI-Express Bridge", 8 },
	{ "Root Complex Integrated Endpoint", 9 },
	{ "Root Complex Event Collector", 10 },
};

/* "Express (v2) Root Port (Slot+), MSI 00", "Express Endpoint, MSI 00" */
static void parse_express_head(struct str s, struct pci_caps *c)
{
	uint64_t v;

	c->has_pcie = true;
	s = str_sub(s, strlen("Express "), s.len);
	if (str_starts_with(s, "(v")) {
		long close = str_find_char(s, ')');

		s = str_ltrim(str_sub(s, close > 0 ? (size_t)close + 1 : 0, s.len));
	}
	for (size_t i = 0; i < sizeof(pcie_types) / sizeof(pcie_types[0]); i++) {
		size_t n = strlen(pcie_types[i].name);

		if (str_starts_with(s, pcie_types[i].name) &&
		    (s.len == n || s.ptr[n] == ' ' || s.ptr[n] == ',')) {
			c->pcie_type = pcie_types[i].type;
			return;
		}
	}
	if (str_starts_with(s, "Unknown type ")) {
		struct str num = str_sub(s, 13, s.len);

		if (str_take_u64(&num, 10, 15, &v))
			c->pcie_type = (uint8_t)v;
	}
}

static void parse_cap_head(struct str t, struct block *b, struct device_row *d)
{
	struct pci_caps *c = &d->caps;
	struct str s = str_ltrim(str_sub(t, strlen("Capabilities:"), t.len));
	long close;

	b->cap = CTX_OTHER;
	b->reg = STR_NULL;
	if (str_starts_with(s, "<access denied>")) {
		d->caps_denied = true;
		return;
	}
	if (!str_starts_with(s, "["))
		return;
	close = str_find_char(s, ']');
	if (close < 0)
		return;
	c->known = true;
	s = str_ltrim(str_sub(s, (size_t)close + 1, s.len));
	if (str_starts_with(s, "Power Management")) {
		b->cap = CTX_PM;
		c->has_pm = true;
	} else if (str_starts_with(s, "MSI:")) {
		c->has_msi = true;
		c->msi_enabled = find_flag(s, "Enable") == 1;
	} else if (str_starts_with(s, "Message Signalled Interrupts:")) {
		c->has_msi = true; /* pciutils 2.x wording of the MSI capability */
		c->msi_enabled = find_flag(s, "Enable") == 1;
	} else if (str_starts_with(s, "MSI-X:")) {
		c->has_msix = true;
		c->msix_enabled = find_flag(s, "Enable") == 1;
	} else if (str_starts_with(s, "Express ")) {
		b->cap = CTX_EXP;
		parse_express_head(s, c);
	} else if (str_starts_with(s, "PCI Advanced Features")) {
		b->cap = CTX_AF;
		c->has_af = true;
	} else if (str_starts_with(s, "Access Control Services")) {
		b->cap = CTX_ACS;
		c->has_acs = true;
	} else if (str_starts_with(s, "Physical Resizable BAR")) {
		b->cap = CTX_REBAR;
		c->has_rebar = true;
	} else if (str_starts_with(s, "Single Root I/O Virtualization")) {
		c->has_sriov = true;
	}
}

static uint8_t speed_code(struct str s)
{
	static const char *const speeds[] = { "2.5GT/s", "5GT/s",  "8GT/s",
					      "16GT/s",	 "32GT/s", "64GT/s" };

	for (size_t i = 0; i < sizeof(speeds) / sizeof(speeds[0]); i++)
		if (str_starts_with(s, speeds[i]))
			return (uint8_t)(i + 1);
	return 0;
}

/* "Port #0, Speed 2.5GT/s, Width x4, ASPM ..." or "Speed 5GT/s (ok), Width x1 (ok)" */
static void parse_link(struct str s, uint8_t *speed, uint8_t *width)
{
	long at = str_find(s, "Speed ");
	uint64_t w;

	if (at >= 0)
		*speed = speed_code(str_sub(s, (size_t)at + 6, s.len));
	at = str_find(s, "Width x");
	if (at >= 0) {
		struct str num = str_sub(s, (size_t)at + 7, s.len);

		if (str_take_u64(&num, 10, 63, &w))
			*width = (uint8_t)w;
	}
}

static uint16_t acs_flags(struct str s)
{
	static const char *const names[] = { "SrcValid",   "TransBlk",	  "ReqRedir",
					     "CmpltRedir", "UpstreamFwd", "EgressCtrl",
					     "DirectTrans" };
	uint16_t v = 0;

	for (unsigned i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (find_flag(s, names[i]) == 1)
			v |= (uint16_t)(1u << i);
	return v;
}

/* "16MB", "256MB", "16GB", "1TB" (pciutils' rebar sizes) */
static bool rebar_bytes(struct str s, uint64_t *bytes)
{
	uint64_t v;
	int shift;

	if (!str_take_u64(&s, 10, 1u << 20, &v))
		return false;
	if (str_eq_cstr(s, "MB"))
		shift = 20;
	else if (str_eq_cstr(s, "GB"))
		shift = 30;
	else if (str_eq_cstr(s, "TB"))
		shift = 40;
	else if (str_eq_cstr(s, "PB"))
		shift = 50;
	else if (str_eq_cstr(s, "EB"))
		shift = 60;
	else
		return false;
	if (v == 0 || (v & (v - 1)) || (shift + 20 < 64 && v >= (1ull << (63 - shift))))
		return false;
	*bytes = v << shift;
	return true;
}

/* "BAR 1: current size: 256MB, supported: 64MB 128MB 256MB" */
static void parse_rebar(struct str t, struct pci_caps *c, struct parse_out *out, uint32_t lineno)
{
	struct str s = str_sub(t, 4, t.len), num, word;
	struct pci_rebar *r;
	uint64_t bar, bytes;
	long at;

	if (!str_take_until(&s, ':', &num) || !str_to_u64(num, 10, 0, 7, &bar) || bar > 7)
		return;
	if (c->n_rebar >= PCI_MAX_REBAR) {
		parse_warn(out, lineno, "more than %d resizable BARs, skipping", PCI_MAX_REBAR);
		return;
	}
	r = &c->rebar[c->n_rebar++];
	r->bar = (uint8_t)bar;
	at = str_find(s, "current size: ");
	if (at >= 0) {
		struct str sz = str_sub(s, (size_t)at + 14, s.len), cur;

		if (!str_take_until(&sz, ',', &cur))
			cur = sz;
		if (rebar_bytes(str_trim(cur), &bytes))
			r->current = bytes;
	}
	at = str_find(s, "supported:");
	if (at < 0)
		return;
	s = str_sub(s, (size_t)at + 10, s.len);
	while (str_next_word(&s, &word)) {
		if (!rebar_bytes(word, &bytes))
			continue;
		for (unsigned n = 0; n < 64; n++)
			if (n + 20 < 64 && ((uint64_t)1 << (n + 20)) == bytes)
				r->supported |= (uint64_t)1 << n;
	}
}

static void parse_cap_sub(struct str t, struct block *b, struct device_row *d,
			  struct parse_out *out, uint32_t lineno)
{
	struct pci_caps *c = &d->caps;
	struct str probe = t, key;
	bool keyed = false;

	/* "Key:\tvalue" starts a register; anything else continues the last one */
	if (str_take_until(&probe, ':', &key) && key.len && str_find_char(key, ' ') < 0 &&
	    str_find_char(key, '\t') < 0 && !str_starts_with(t, "<")) {
		b->reg = key;
		keyed = true;
	}
	switch (b->cap) {
	case CTX_PM:
		probe = str_ltrim(probe);
		if (keyed && str_eq_cstr(key, "Status") && probe.len >= 2 && probe.ptr[0] == 'D' &&
		    probe.ptr[1] >= '0' && probe.ptr[1] <= '3') {
			c->pm_state = (int8_t)(probe.ptr[1] - '0');
			c->pm_no_soft_reset = find_flag(probe, "NoSoftRst") == 1;
		}
		break;
	case CTX_EXP:
		if (str_eq_cstr(b->reg, "DevCap") && find_flag(t, "FLReset") == 1)
			c->flr = true;
		else if (keyed && str_eq_cstr(b->reg, "LnkCap"))
			parse_link(t, &c->link_speed_cap, &c->link_width_cap);
		else if (keyed && str_eq_cstr(b->reg, "LnkSta"))
			parse_link(t, &c->link_speed, &c->link_width);
		break;
	case CTX_AF:
		if (keyed && str_eq_cstr(b->reg, "AFCap"))
			c->af_flr = find_flag(t, "FLR") == 1;
		break;
	case CTX_ACS:
		if (keyed && str_eq_cstr(b->reg, "ACSCap"))
			c->acs_cap = acs_flags(t);
		else if (keyed && str_eq_cstr(b->reg, "ACSCtl"))
			c->acs_ctrl = acs_flags(t);
		break;
	case CTX_REBAR:
		if (str_starts_with(t, "<error in resizable BAR"))
			c->rebar_invalid = true;
		else if (str_starts_with(t, "BAR "))
			parse_rebar(t, c, out, lineno);
		break;
	default:
		break;
	}
}

/* ---- blocks ---- */

/* "00: 86 80 10 9d 07 00 10 00 f1 00 04 06 00 00 81 00" (lspci -x..-xxxx): true when the
 * line is one, with its bytes stored in b->cfg. */
static bool parse_hex_line(struct str line, struct block *b)
{
	struct str off_s, rest = line;
	uint64_t off;
	size_t n = 0;

	if (!str_take_until(&rest, ':', &off_s) || off_s.len < 2 || off_s.len > 3 ||
	    !is_hex_str(off_s) || !str_to_u64(off_s, 16, 0, PCI_CONFIG_BYTES - 16, &off) ||
	    off % 16 != 0)
		return false;
	while (rest.len >= 3 && rest.ptr[0] == ' ' && n < 16) {
		int hi = pci_text_hexval(rest.ptr[1]), lo = pci_text_hexval(rest.ptr[2]);

		if (hi < 0 || lo < 0 || (rest.len > 3 && rest.ptr[3] != ' '))
			return false;
		b->cfg[off + n++] = (uint8_t)(hi << 4 | lo);
		rest = str_sub(rest, 3, rest.len);
	}
	if (n == 0 || str_trim(rest).len)
		return false;
	if (off + n > b->cfg_len)
		b->cfg_len = (size_t)(off + n);
	return true;
}

/* Text wins: each capability group the text described replaces the decoded one. */
static void merge_caps(struct pci_caps *m, const struct pci_caps *t)
{
	if (t->has_pm) {
		m->has_pm = true;
		m->pm_state = t->pm_state;
		m->pm_no_soft_reset = t->pm_no_soft_reset;
	}
	if (t->has_msi) {
		m->has_msi = true;
		m->msi_enabled = t->msi_enabled;
	}
	if (t->has_msix) {
		m->has_msix = true;
		m->msix_enabled = t->msix_enabled;
	}
	if (t->has_pcie) {
		m->has_pcie = true;
		m->pcie_type = t->pcie_type;
		m->flr = t->flr;
		m->link_speed_cap = t->link_speed_cap;
		m->link_width_cap = t->link_width_cap;
		m->link_speed = t->link_speed;
		m->link_width = t->link_width;
	}
	if (t->has_af) {
		m->has_af = true;
		m->af_flr = t->af_flr;
	}
	if (t->has_acs) {
		m->has_acs = true;
		m->acs_cap = t->acs_cap;
		m->acs_ctrl = t->acs_ctrl;
	}
	if (t->has_rebar) {
		m->has_rebar = true;
		m->rebar_invalid = t->rebar_invalid;
		m->n_rebar = t->n_rebar;
		memcpy(m->rebar, t->rebar, sizeof(m->rebar));
	}
	m->has_sriov = m->has_sriov || t->has_sriov;
}

static void finish_block(struct block *b, struct parse_out *out, uint32_t lineno)
{
	struct device_row *d;
	struct pci_caps dec;
	bool ok;

	if (!b->open)
		return;
	b->open = false;
	if (!b->cfg_len)
		return;
	d = &out->devices.v[b->dev];
	ok = pci_config_decode(b->cfg, b->cfg_len, &dec);
	/* hand the next block a zeroed buffer: every byte written lies below cfg_len */
	memset(b->cfg, 0, b->cfg_len);
	if (!ok) {
		parse_warn(out, lineno, "hex dump of %zu bytes is too short to decode, skipping",
			   b->cfg_len);
		return;
	}
	if (!d->has_ids) {
		d->vendor = dec.vendor;
		d->device = dec.device;
		d->has_ids = true;
	}
	if (!d->has_class) {
		d->class_code = dec.class_code >> 8;
		d->has_class = true;
	}
	if (d->rev < 0)
		d->rev = dec.revision;
	if (!d->has_subsys && (dec.subsys_vendor || dec.subsys_device)) {
		d->subsys_vendor = dec.subsys_vendor;
		d->subsys_device = dec.subsys_device;
		d->has_subsys = true;
	}
	merge_caps(&dec, &d->caps);
	d->caps = dec;
}

static void start_block(struct block *b, struct parse_out *out, uint32_t lineno, struct pciaddr bdf,
			struct str rest)
{
	struct device_row *d = VEC_PUSH(&out->devices);

	d->lineno = lineno;
	d->bdf = bdf;
	d->rev = -1;
	d->iommu_group = -1;
	d->caps.pm_state = -1;
	d->source = STR_LIT("lspci");
	parse_header(rest, d);
	b->open = true;
	b->dev = out->devices.n - 1;
	b->bdf = bdf;
	b->cap = CTX_NONE;
	b->reg = STR_NULL;
	b->next_region = 0;
	b->cfg_len = 0; /* cfg is all zeroes here (xcalloc, then finish_block) */
}

/* A block's first line: "00:02.0 VGA ..." or "0000:00:02.0 VGA ..." at column 0. */
static bool header_addr(struct str line, struct pciaddr *bdf, struct str *rest)
{
	struct str r = line, word;

	if (!line.len || pci_text_hexval(line.ptr[0]) < 0)
		return false;
	if (!str_take_until(&r, ' ', &word))
		return false;
	if (!pciaddr_parse(word, false, bdf))
		return false;
	*rest = r;
	return true;
}

static void parse_device_line(struct str t, struct block *b, struct device_row *d)
{
	struct str v;
	uint64_t n;

	b->cap = CTX_NONE;
	b->reg = STR_NULL;
	if (str_starts_with(t, "Capabilities:")) {
		return; /* the caller handles these with the parse_out at hand */
	} else if (str_starts_with(t, "Subsystem:")) {
		v = str_rtrim(t);
		if (str_ends_with(v, "]") && v.len >= 11 && v.ptr[v.len - 11] == '[' &&
		    parse_id_pair(str_sub(v, v.len - 10, 9), &d->subsys_vendor, &d->subsys_device))
			d->has_subsys = true;
	} else if (str_starts_with(t, "Kernel driver in use:")) {
		d->driver = str_trim(str_sub(t, strlen("Kernel driver in use:"), t.len));
	} else if (str_starts_with(t, "Kernel modules:")) {
		d->modules = str_trim(str_sub(t, strlen("Kernel modules:"), t.len));
	} else if (str_starts_with(t, "Status: Cap-")) {
		d->caps.known = true; /* -vv: the device has no capability list at all */
	} else if (str_starts_with(t, "Flags:")) {
		/* lspci -v: "Flags: bus master, fast devsel, latency 0, IRQ 16, IOMMU group 14" */
		long at = str_find(t, "IOMMU group ");

		if (at >= 0) {
			v = str_sub(t, (size_t)at + strlen("IOMMU group "), t.len);
			if (str_take_u64(&v, 10, INT32_MAX, &n))
				d->iommu_group = (int32_t)n;
		}
	} else if (str_starts_with(t, "IOMMU group:")) {
		v = str_trim(str_sub(t, strlen("IOMMU group:"), t.len));
		if (str_to_u64(v, 10, 0, INT32_MAX, &n))
			d->iommu_group = (int32_t)n;
	} else if (str_starts_with(t, "Region ") || str_starts_with(t, "Memory at ") ||
		   str_starts_with(t, "I/O ports at ") || str_starts_with(t, "[virtual] ") ||
		   str_starts_with(t, "Expansion ROM at ")) {
		parse_region_line(t, b, d);
	} else if (str_starts_with(t, "!!! Unknown header type ")) {
		v = str_trim(str_sub(t, strlen("!!! Unknown header type "), t.len));
		if (str_to_u64(v, 16, 0, 0xff, &n)) {
			d->caps.header_type = (uint8_t)(n & 0x7f);
			d->caps.multifunction = n & 0x80;
		}
	}
}

static bool is_device_key(struct str t)
{
	static const char *const keys[] = { "Subsystem:",      "Kernel driver in use:",
					    "Kernel modules:", "IOMMU group:",
					    "Capabilities:",   "Flags:" };

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (str_starts_with(t, keys[i]))
			return true;
	return false;
}

static void parse_block_line(struct str line, struct block *b, struct parse_out *out,
			     uint32_t lineno)
{
	struct device_row *d = &out->devices.v[b->dev];
	unsigned depth = indent_depth(line);
	struct str t = str_trim(line);

	if (depth == 0 && parse_hex_line(line, b))
		return;
	if (depth == 0 && is_device_key(t)) {
		depth = 1; /* a paste that lost its indentation (seed 004's lspci -k) */
	} else if (depth == 0) {
		/* stderr spliced into the output (linuxhw 0001): it does not change the context */
		if (b->cfg_len)
			parse_warn(out, lineno, "unexpected line inside a hex dump, skipping");
		return;
	}
	if (depth == 1) {
		parse_device_line(t, b, d);
		if (str_starts_with(t, "Capabilities:"))
			parse_cap_head(t, b, d);
		return;
	}
	if (b->cap != CTX_NONE)
		parse_cap_sub(t, b, d, out, lineno);
}

int lspci_sniff(struct str text)
{
	struct str line;
	int headers = 0, keys = 0, seen = 0;
	bool first = true, first_is_header = false;

	text = str_sub(text, 0, 16384);
	while (seen < 64 && str_next_line(&text, &line)) {
		struct pciaddr bdf;
		struct str rest;

		if (!str_trim(line).len)
			continue;
		seen++;
		if (header_addr(line, &bdf, &rest) && str_contains(rest, ": ")) {
			headers++;
			if (first)
				first_is_header = true;
		} else if (str_starts_with(line, "\tKernel driver in use:") ||
			   str_starts_with(line, "\tSubsystem:") ||
			   str_starts_with(line, "\tCapabilities:") ||
			   str_starts_with(line, "\tKernel modules:")) {
			keys++;
		}
		first = false;
	}
	if (first_is_header)
		return headers > 1 || keys ? 90 : 80;
	if (headers && keys)
		return 70;
	return headers ? 40 : 0;
}

int lspci_parse(struct str text, struct parse_out *out, struct error *err)
{
	struct block *b = xcalloc(1, sizeof(*b));
	struct str line;
	uint32_t lineno = 0;

	while (str_next_line(&text, &line)) {
		struct pciaddr bdf;
		struct str rest;

		if (++lineno > MAX_LINES) {
			parse_warn(out, lineno, "more than %d lines, ignoring the rest", MAX_LINES);
			break;
		}
		if (header_addr(line, &bdf, &rest)) {
			finish_block(b, out, lineno);
			if (out->devices.n >= MAX_ROWS) {
				parse_warn(out, lineno, "more than %d devices, ignoring the rest",
					   MAX_ROWS);
				break;
			}
			pci_text_push_line(out, lineno, &line, SOURCE_LSPCI, &bdf);
			start_block(b, out, lineno, bdf,
				    str_sub(line, (size_t)(rest.ptr - line.ptr),
					    line.len - (size_t)(rest.ptr - line.ptr)));
			continue;
		}
		if (!str_trim(line).len)
			finish_block(b, out, lineno);
		pci_text_push_line(out, lineno, &line, SOURCE_LSPCI, b->open ? &b->bdf : NULL);
		if (b->open)
			parse_block_line(line, b, out, lineno);
	}
	finish_block(b, out, lineno);
	free(b);
	(void)err;
	return 0;
}
