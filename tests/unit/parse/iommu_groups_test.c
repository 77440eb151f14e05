/* iommu_groups_test.c - the group listings against the lspci parser on the same machine
 * (linuxhw 0002), the bundle's per-group devices file, and seed 004's prose after a listing. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/sbuf.h"
#include "parse/iommu_groups.h"
#include "parse/parse.h"
#include "parse/parsers_all.h"
#include "test.h"

static char *read_golden(const char *rel, size_t *len)
{
	char path[512];

	snprintf(path, sizeof(path), "tests/golden/iommu_groups/%s", rel);
	return test_read_file(test_path("VD_SOURCE_DIR", path), len);
}

/* The devices of linuxhw 0002 as lspci -vvnn describes them (group from "IOMMU group: N"). */
static void parse_linuxhw0002(struct parse_out *out, char **text)
{
	size_t len;
	struct error err = { 0 };

	*text = test_read_file(test_path("VD_SHARED_DIR", "corpus/linuxhw/0002/lspci.txt"), &len);
	parse_out_init(out);
	CHECK_INT(lspci_parse(str_from_mem(*text, len), out, &err), 0);
}

static int32_t lspci_group_of(const struct parse_out *lspci, const struct pciaddr *bdf)
{
	for (size_t i = 0; i < lspci->devices.n; i++)
		if (pciaddr_eq(&lspci->devices.v[i].bdf, bdf))
			return lspci->devices.v[i].iommu_group;
	return -2;
}

/* The three script listings rebuilt from linuxhw 0002 (see the golden README) must give the
 * groups lspci printed for the same devices, each device once. */
static void test_listings_agree_with_lspci(void)
{
	static const char *const cases[] = { "linuxhw0002-seed000-loop.in",
					     "linuxhw0002-find-sysfs.in",
					     "linuxhw0002-archwiki-script.in" };
	struct parse_out lspci;
	char *lspci_text;

	parse_linuxhw0002(&lspci, &lspci_text);
	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		size_t len;
		char *text = read_golden(cases[c], &len);
		struct parse_out out;
		struct error err = { 0 };

		parse_out_init(&out);
		CHECK_INT(iommu_groups_parse(str_from_mem(text, len), &out, &err), 0);
		CHECK_INT(out.groups.n, 14);
		CHECK_INT(out.warnings.n, 0);
		for (size_t i = 0; i < out.groups.n; i++) {
			CHECK_INT(out.groups.v[i].group,
				  lspci_group_of(&lspci, &out.groups.v[i].bdf));
			for (size_t j = 0; j < i; j++)
				CHECK(!pciaddr_eq(&out.groups.v[i].bdf, &out.groups.v[j].bdf));
		}
		parse_out_release(&out);
		free(text);
	}
	parse_out_release(&lspci);
	free(lspci_text);
}

/* sys/kernel/iommu_groups/<n>/devices in a bundle: the members, one per line. Built here from
 * linuxhw 0002's group 69 (the GTX 1050 and its audio function) as the collector writes it. */
static void test_bundle_devices_file_gives_one_row_per_member(void)
{
	struct parse_out lspci, out;
	struct error err = { 0 };
	char *lspci_text;
	struct sbuf sb;
	size_t members = 0;

	parse_linuxhw0002(&lspci, &lspci_text);
	sbuf_init(&sb, 1 << 16);
	for (size_t i = 0; i < lspci.devices.n; i++) {
		char buf[PCIADDR_STR_MAX];

		if (lspci.devices.v[i].iommu_group != 69)
			continue;
		sbuf_addf(&sb, "%s\n", pciaddr_format(&lspci.devices.v[i].bdf, buf));
		members++;
	}
	CHECK_INT(members, 2);
	parse_out_init(&out);
	CHECK_INT(iommu_groups_parse_devices(str_from_mem(sb.buf, sb.len), 69, &out, &err), 0);
	CHECK_INT(out.groups.n, members);
	for (size_t i = 0; i < out.groups.n; i++) {
		CHECK_INT(out.groups.v[i].group, 69);
		CHECK_INT(lspci_group_of(&lspci, &out.groups.v[i].bdf), 69);
		CHECK(out.lines.v[i].has_bdf);
	}
	CHECK_INT(out.warnings.n, 0);
	parse_out_release(&out);
	sbuf_release(&sb);
	parse_out_release(&lspci);
	free(lspci_text);
}

/* Seed 004: "Group 8" then the NVMe line, then "What it means: ..." which must end group 8. */
static void test_prose_after_a_listing_ends_the_group(void)
{
	size_t len;
	char *text = read_golden("seed004-group-loop.in", &len);
	struct parse_out out;
	struct error err = { 0 };

	parse_out_init(&out);
	CHECK_INT(iommu_groups_parse(str_from_mem(text, len), &out, &err), 0);
	CHECK_INT(out.groups.n, 4);
	CHECK_INT(out.groups.v[1].group, 7);
	CHECK_INT(out.groups.v[2].group, 7);
	CHECK_INT(out.groups.v[3].group, 8);
	CHECK_INT(out.groups.v[3].bdf.bus, 2);
	CHECK(str_starts_with(out.groups.v[1].desc, "VGA compatible controller [0300]"));
	parse_out_release(&out);
	free(text);
}

TEST_MAIN(test_listings_agree_with_lspci, test_bundle_devices_file_gives_one_row_per_member,
	  test_prose_after_a_listing_ends_the_group)
