/* pci_config_test.c - pci_config_decode() on real configuration space from pciutils' test
 * dumps (shared/corpus/pciutils-tests), and on those bytes cut short or with their capability
 * pointers bent into loops, the header and past the end. Expected values are what lspci
 * printed for the same bytes in the same files. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/pci_config.h"
#include "test.h"

/* The hex dump of the first device in a pciutils test file, as bytes; returns the length. */
static size_t load_dump(const char *name, uint8_t *cfg, size_t cap)
{
	char rel[256];
	char *text, *p;
	size_t len = 0;
	int blocks = 0;

	snprintf(rel, sizeof(rel), "corpus/pciutils-tests/%s", name);
	text = test_read_file(test_path("VD_SHARED_DIR", rel), NULL);
	memset(cfg, 0, cap);
	for (p = text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
		unsigned off, b;
		int n;
		char *q;

		/* "00:1c.0 PCI bridge..." starts a device; stop at the second one */
		if (p[0] && p[1] && p[2] == ':' && p[3] && p[4] && p[5] == '.' && ++blocks > 1)
			break;
		/* "00: 86 80 ..." or "100: 01 00 ..." */
		if (!((p[2] == ':' && p[3] == ' ') || (p[2] && p[3] == ':' && p[4] == ' ')))
			continue;
		if (sscanf(p, "%x: %n", &off, &n) != 1)
			continue;
		q = p + n;
		for (unsigned i = 0; i < 16 && off + i < cap; i++, q += 3) {
			if (sscanf(q, "%2x", &b) != 1)
				break;
			cfg[off + i] = (uint8_t)b;
			if (off + i + 1 > len)
				len = off + i + 1;
		}
	}
	free(text);
	return len;
}

static uint8_t cfg[4096];

static void test_fiji_gpu_rebar_pm_msi_express(void)
{
	struct pci_caps c;
	size_t len = load_dump("cap-rebar", cfg, sizeof(cfg));

	CHECK_INT(len, 4096);
	CHECK(pci_config_decode(cfg, len, &c));
	CHECK(c.known);
	CHECK_INT(c.vendor, 0x1002);
	CHECK_INT(c.device, 0x7300);
	CHECK_INT(c.class_code, 0x030000);
	CHECK_INT(c.revision, 0xca);
	CHECK_INT(c.header_type, 0);
	CHECK(c.multifunction);
	CHECK(c.has_pm && c.pm_state == 0 && c.pm_no_soft_reset);
	CHECK(c.has_msi && c.msi_enabled);
	CHECK(c.has_pcie);
	CHECK_INT(c.pcie_type, 1); /* lspci: Express (v2) Legacy Endpoint */
	CHECK(!c.flr);
	CHECK_INT(c.link_speed, 3);
	CHECK_INT(c.link_width, 16);
	/* lspci: BAR 0: current size: 256MB, supported: 256MB 512MB 1GB 2GB 4GB */
	CHECK(c.has_rebar && !c.rebar_invalid);
	CHECK_INT(c.n_rebar, 1);
	CHECK_INT(c.rebar[0].bar, 0);
	CHECK_INT(c.rebar[0].current, 256ull << 20);
	CHECK_INT(c.rebar[0].supported, 0x1f00);
	CHECK(c.broken == NULL);
}

static void test_root_port_acs_and_subsystem_from_ssvid(void)
{
	struct pci_caps c;
	size_t len = load_dump("cap-aer-hdr", cfg, sizeof(cfg));

	CHECK(pci_config_decode(cfg, len, &c));
	CHECK_INT(c.header_type, 1);
	CHECK_INT(c.pcie_type, 4); /* Root Port */
	/* ACSCap: SrcValid+ TransBlk+ ReqRedir+ CmpltRedir+ ..., ACSCtl: all - */
	CHECK(c.has_acs);
	CHECK_INT(c.acs_cap, 0x000f);
	CHECK_INT(c.acs_ctrl, 0x0000);
	/* Capabilities: [90] Subsystem: Lenovo Device 2238 */
	CHECK_INT(c.subsys_vendor, 0x17aa);
	CHECK_INT(c.subsys_device, 0x2238);
	CHECK_INT(c.link_speed_cap, 3);
	CHECK_INT(c.link_speed, 2);
}

static void test_af_flr_and_sriov(void)
{
	struct pci_caps c;
	size_t len = load_dump("cap-pci-af", cfg, sizeof(cfg));

	CHECK_INT(len, 256);
	CHECK(pci_config_decode(cfg, len, &c));
	CHECK(c.has_af && c.af_flr); /* AFCap: TP+ FLR+ */
	CHECK(!c.has_pcie);
	len = load_dump("cap-pcie-2", cfg, sizeof(cfg));
	CHECK(pci_config_decode(cfg, len, &c));
	CHECK(c.has_sriov);
	CHECK(c.flr);
	CHECK(c.has_msix && c.msix_enabled);
}

static void test_short_reads(void)
{
	struct pci_caps c;
	size_t len = load_dump("cap-rebar", cfg, sizeof(cfg));

	CHECK(!pci_config_decode(cfg, 63, &c));
	CHECK(!c.known);
	CHECK(!pci_config_decode(NULL, 0, &c));
	/* a non-root reader gets 64 bytes: ids, but no capability list */
	CHECK(pci_config_decode(cfg, 64, &c));
	CHECK(c.known && c.header_only && !c.has_pm && !c.has_pcie && c.vendor == 0x1002);
	/* 256 bytes: standard capabilities, no extended ones */
	CHECK(pci_config_decode(cfg, 256, &c));
	CHECK(c.has_pcie && !c.has_rebar && !c.header_only);
	/* every length in between must be safe (ASan runs this too) */
	for (size_t l = 0; l <= len; l++)
		pci_config_decode(cfg, l, &c);
}

static void test_all_ones_is_a_dead_device(void)
{
	struct pci_caps c;
	uint8_t ones[256];

	memset(ones, 0xff, sizeof(ones));
	CHECK(pci_config_decode(ones, sizeof(ones), &c));
	CHECK_INT(c.header_type, 0x7f);
	CHECK(c.multifunction);
	CHECK(c.broken != NULL);
	CHECK(!c.has_pm);
}

static void test_bent_pointers_stop_the_walk(void)
{
	struct pci_caps c;
	size_t len = load_dump("cap-aer-hdr", cfg, sizeof(cfg));
	uint8_t saved;

	/* the first capability (0x40) pointing at itself */
	saved = cfg[0x41];
	cfg[0x41] = 0x40;
	CHECK(pci_config_decode(cfg, len, &c));
	CHECK(c.broken && strstr(c.broken, "loops"));
	cfg[0x41] = saved;
	/* the list head pointing into the header */
	saved = cfg[0x34];
	cfg[0x34] = 0x10;
	CHECK(pci_config_decode(cfg, len, &c));
	CHECK(c.broken && strstr(c.broken, "header"));
	cfg[0x34] = saved;
	/* the extended list at 0x100 pointing at itself */
	saved = cfg[0x103];
	cfg[0x103] = 0x10;
	CHECK(pci_config_decode(cfg, len, &c));
	CHECK(c.broken && strstr(c.broken, "loops"));
	cfg[0x103] = saved;
	/* an extended pointer below 0x100 */
	cfg[0x103] = 0x08;
	CHECK(pci_config_decode(cfg, len, &c));
	CHECK(c.broken && strstr(c.broken, "below"));
	cfg[0x103] = saved;
	CHECK(pci_config_decode(cfg, len, &c));
	CHECK(c.broken == NULL);
}

static void test_rebar_with_no_bars_is_invalid(void)
{
	struct pci_caps c;
	size_t len = load_dump("cap-rebar", cfg, sizeof(cfg));
	size_t at = 0;

	for (size_t off = 0x100; off + 4 <= len; off += 4)
		if (cfg[off] == 0x15 && cfg[off + 1] == 0)
			at = off;
	CHECK(at != 0);
	/* what linuxhw 0007's Thunderbolt ports report: num_bars=0 */
	cfg[at + 8] &= (uint8_t)~0xe0;
	CHECK(pci_config_decode(cfg, len, &c));
	CHECK(c.has_rebar && c.rebar_invalid && c.n_rebar == 0);
}

static void test_random_bytes_never_crash(void)
{
	struct pci_caps c;
	uint32_t x = 12345;

	for (int round = 0; round < 2000; round++) {
		size_t len = 64 + (size_t)(round * 37) % (sizeof(cfg) - 63);

		for (size_t i = 0; i < len; i++) {
			x = x * 1103515245u + 12345u;
			cfg[i] = (uint8_t)(x >> 16);
		}
		cfg[0x06] |= 0x10; /* a capability list, so the walks run */
		CHECK(pci_config_decode(cfg, len, &c));
		CHECK(c.n_rebar <= PCI_MAX_REBAR);
	}
}

TEST_MAIN(test_fiji_gpu_rebar_pm_msi_express, test_root_port_acs_and_subsystem_from_ssvid,
	  test_af_flr_and_sriov, test_short_reads, test_all_ones_is_a_dead_device,
	  test_bent_pointers_stop_the_walk, test_rebar_with_no_bars_is_invalid,
	  test_random_bytes_never_crash)
