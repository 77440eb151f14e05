/* lspci_test.c - parse/lspci.c details the golden files do not spell out: which text wins over
 * the hex dump, the sniffer against the other PCI kinds, line rows naming their block, the
 * line-length cap, and the pure helpers of lspci_tree.c, iommu_groups.c and
 * pci_config_parse.c. Inputs are real: linuxhw, pciutils' dumps and the seeds. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/limits.h"
#include "parse/parse.h"
#include "parse/parsers_all.h"
#include "parse/pci_config_parse.h"
#include "test.h"

static char *read_shared(const char *rel, size_t *len)
{
	return test_read_file(test_path("VD_SHARED_DIR", rel), len);
}

static char *read_golden(const char *rel, size_t *len)
{
	char path[512];

	snprintf(path, sizeof(path), "tests/golden/%s", rel);
	return test_read_file(test_path("VD_SOURCE_DIR", path), len);
}

/* pciutils' cap-aer-hdr: text and bytes agree that MSI is off ("MSI: Enable-"). With the text
 * changed to "Enable+", the text wins (text-derived fields win, by design); the header type
 * and the multifunction bit, which the text does not print, still come from the bytes. */
static void test_text_wins_over_hex_dump(void)
{
	size_t len;
	char *text = read_shared("corpus/pciutils-tests/cap-aer-hdr", &len);
	char *at = strstr(text, "MSI: Enable-");
	struct parse_out out;
	struct error err = { 0 };

	CHECK(at != NULL);
	parse_out_init(&out);
	CHECK_INT(lspci_parse(str_from_mem(text, len), &out, &err), 0);
	CHECK_INT(out.devices.n, 1);
	CHECK(out.devices.v[0].caps.has_msi && !out.devices.v[0].caps.msi_enabled);
	CHECK(out.devices.v[0].caps.multifunction);
	CHECK_INT(out.devices.v[0].caps.header_type, 1);
	parse_out_release(&out);
	if (at)
		at[strlen("MSI: Enable")] = '+';
	parse_out_init(&out);
	CHECK_INT(lspci_parse(str_from_mem(text, len), &out, &err), 0);
	CHECK(out.devices.v[0].caps.msi_enabled);
	parse_out_release(&out);
	free(text);
}

/* cap-rebar is a first line and a hex dump only: ids, class and caps come from the bytes. */
static void test_ids_from_dump_when_text_has_none(void)
{
	size_t len;
	char *text = read_shared("corpus/pciutils-tests/cap-rebar", &len);
	struct parse_out out;
	struct error err = { 0 };
	const struct device_row *d;

	parse_out_init(&out);
	CHECK_INT(lspci_parse(str_from_mem(text, len), &out, &err), 0);
	d = &out.devices.v[0];
	CHECK(d->has_ids && d->vendor == 0x1002 && d->device == 0x7300);
	CHECK(d->has_class && d->class_code == 0x0300);
	CHECK_INT(d->rev, 0xca);
	CHECK_VIEW(d->vendor_name, "Advanced Micro Devices, Inc. [AMD/ATI]");
	CHECK_VIEW(d->device_name, "Fiji [Radeon R9 FURY / NANO Series]");
	CHECK(d->caps.has_rebar && d->caps.n_rebar == 1);
	parse_out_release(&out);
	free(text);
}

static void test_sniffers_tell_the_pci_kinds_apart(void)
{
	static const struct {
		const char *rel;
		int lspci_min, tree_max, groups_max;
	} cases[] = {
		{ "lspci/linuxhw0002-gtx1050-vfio-pci.in", 80, 0, 0 },
		{ "lspci/pciutils-cap-aer-hdr.in", 80, 0, 0 },
		{ "lspci/lspci39-F-tree-fujitsu-p8010-Dnn.in", 80, 0, 0 },
	};
	size_t len;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *t = read_golden(cases[i].rel, &len);
		struct str s = str_from_mem(t, len);

		CHECK(lspci_sniff(s) >= cases[i].lspci_min);
		CHECK(lspci_tree_sniff(s) <= cases[i].tree_max);
		CHECK(iommu_groups_sniff(s) <= cases[i].groups_max);
		CHECK(pci_config_sniff(s) == 0);
		free(t);
	}
	{
		char *t = read_golden("lspci_tree/lspci39-F-tree-asus-p6t6-tv.in", &len);
		struct str s = str_from_mem(t, len);

		CHECK(lspci_tree_sniff(s) > lspci_sniff(s));
		CHECK(lspci_tree_sniff(s) > iommu_groups_sniff(s));
		free(t);
	}
	for (int k = 0; k < 4; k++) {
		static const char *const g[] = { "iommu_groups/seed002-pvesh-table.in",
						 "iommu_groups/seed004-group-loop.in",
						 "iommu_groups/linuxhw0002-archwiki-script.in",
						 "iommu_groups/linuxhw0002-find-sysfs.in" };
		char *t = read_golden(g[k], &len);
		struct str s = str_from_mem(t, len);

		CHECK(iommu_groups_sniff(s) > lspci_sniff(s));
		CHECK(iommu_groups_sniff(s) > lspci_tree_sniff(s));
		free(t);
	}
	{
		char *t = read_golden("pci_config/pciutils-cap-rebar-fiji-gpu.in", &len);
		struct str s = str_from_mem(t, len);

		CHECK(pci_config_sniff(s) >= 80);
		CHECK(lspci_sniff(s) == 0);
		free(t);
	}
}

/* linuxhw 0001 line 329: stderr spliced in; the next line sits at column 0 but stays in the
 * block, and its line row still names the block's device. */
static void test_spliced_stderr_stays_in_its_block(void)
{
	size_t len;
	char *text = read_shared("corpus/linuxhw/0001/lspci.txt", &len);
	struct parse_out out;
	struct error err = { 0 };
	int found = 0;

	parse_out_init(&out);
	CHECK_INT(lspci_parse(str_from_mem(text, len), &out, &err), 0);
	for (size_t i = 0; i < out.lines.n; i++) {
		const struct line_row *l = &out.lines.v[i];

		if (l->lineno == 330) {
			CHECK(str_starts_with(l->text, "PATOffset=00"));
			CHECK(l->has_bdf);
			found = 1;
		}
	}
	CHECK(found);
	/* 00:00.0 prints "Status: Cap-": no capability list, which is known, not unknown */
	CHECK(out.devices.v[0].caps.known);
	CHECK(!out.devices.v[0].caps.has_pm && !out.devices.v[0].caps.has_pcie);
	CHECK(!out.devices.v[0].caps_denied);
	parse_out_release(&out);
	free(text);
}

static void test_overlong_line_is_truncated_with_warning(void)
{
	size_t len;
	char *text = read_golden("lspci/seed004-lspci-nn.in", &len);
	size_t big = len + MAX_LINE_BYTES + 100;
	char *buf = malloc(big);
	struct parse_out out;
	struct error err = { 0 };

	/* the real lines, then one line longer than the cap (a repeated real device name) */
	memcpy(buf, text, len);
	for (size_t i = len; i < big - 1; i++)
		buf[i] = "GeForce RTX 2080 "[(i - len) % 17];
	buf[big - 1] = '\n';
	parse_out_init(&out);
	CHECK_INT(lspci_parse(str_from_mem(buf, big), &out, &err), 0);
	CHECK(out.lines.n > 0 && out.lines.v[out.lines.n - 1].truncated);
	CHECK_INT(out.lines.v[out.lines.n - 1].text.len, MAX_LINE_BYTES);
	CHECK_INT(out.warnings.n, 1);
	CHECK_INT(out.devices.n, 4);
	parse_out_release(&out);
	free(buf);
	free(text);
}

/* The input layer knows the address from the sysfs path and passes it in. */
static void test_config_bytes_take_the_address_from_the_caller(void)
{
	size_t len;
	char *bytes = read_golden("pci_config/pciutils-cap-pcie-2-sriov-nic.in", &len);
	struct parse_out out;
	struct pciaddr bdf;
	const struct device_row *d;

	CHECK(pciaddr_parse(STR_LIT("0000:01:00.0"), false, &bdf));
	parse_out_init(&out);
	CHECK_INT(pci_config_parse_bytes((const uint8_t *)bytes, len, &bdf, &out), 1);
	CHECK_INT(out.devices.n, 1);
	d = &out.devices.v[0];
	CHECK(pciaddr_eq(&d->bdf, &bdf));
	CHECK_VIEW(d->source, "config");
	CHECK(d->caps.has_sriov && d->caps.flr);
	CHECK_INT(d->iommu_group, -1);
	/* too short: a warning, no row */
	CHECK_INT(pci_config_parse_bytes((const uint8_t *)bytes, 40, &bdf, &out), 0);
	CHECK_INT(out.devices.n, 1);
	CHECK_INT(out.warnings.n, 1);
	parse_out_release(&out);
	free(bytes);
}

/* pvesh columns are found by the header, so a reordered table still maps (seed 002's rows). */
static void test_groups_rows_keep_line_numbers_and_addresses(void)
{
	size_t len;
	char *text = read_golden("iommu_groups/seed002-pvesh-table.in", &len);
	struct parse_out out;
	struct error err = { 0 };

	parse_out_init(&out);
	CHECK_INT(iommu_groups_parse(str_from_mem(text, len), &out, &err), 0);
	CHECK_INT(out.groups.n, 5);
	CHECK_INT(out.groups.v[4].group, 1);
	CHECK_INT(out.groups.v[4].bdf.bus, 1);
	CHECK_VIEW(out.groups.v[4].desc, "GP108 [GeForce GT 1030]");
	CHECK(out.lines.v[out.groups.v[4].lineno - 1].has_bdf);
	parse_out_release(&out);
	free(text);
}

TEST_MAIN(test_text_wins_over_hex_dump, test_ids_from_dump_when_text_has_none,
	  test_sniffers_tell_the_pci_kinds_apart, test_spliced_stderr_stays_in_its_block,
	  test_overlong_line_is_truncated_with_warning,
	  test_config_bytes_take_the_address_from_the_caller,
	  test_groups_rows_keep_line_numbers_and_addresses)
