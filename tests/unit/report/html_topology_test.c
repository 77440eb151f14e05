/* html_topology_test.c - the PCI picture and readiness from real inputs, end to end (ingest ->
 * diagnose -> topology_fill -> report_html_render): the samples' Dell R720 (parents from lspci -vv
 * "Bus: primary=" lines, group 24 shared with the ISA bridge), the Proxmox task log whose QEMU
 * line names group 1, linuxhw 0003's dmesg alone (parents from "PCI bridge to [bus ..]", groups
 * from "Adding to iommu group", ids and class from "[102b:0533] type 00 class 0x030000"), pciutils'
 * lspci -tv of an ASUS P6T6 (parents from the tree), and a VM config with hostpci entries
 * (samples/amd-desktop-iommu-off).
 */
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "facts/factstore.h"
#include "input/ingest.h"
#include "rank/diagnose.h"
#include "report_fixture.h"

/* Ingests every path (relative to env's directory), diagnoses into res; false on failure. */
static bool analyze(struct result *res, const char *env, const char *const *rel, size_t n)
{
	struct error err = { 0 };
	struct factstore *fs = factstore_open(NULL, &err);
	struct ingest ing;
	bool ok = fs != NULL;

	result_init(res);
	if (!fs)
		return false;
	ingest_init(&ing, fs);
	for (size_t i = 0; i < n && ok; i++)
		ok = ingest_add(&ing, test_path(env, rel[i]), &err) >= 0;
	if (ok)
		ok = diagnose(fs, &(struct diagnose_options){ 0 }, res, &err) >= 0;
	if (!ok)
		fprintf(stderr, "analyze: %s\n", err.msg);
	ingest_release(&ing);
	factstore_close(fs);
	return ok;
}

static const struct pci_device *device(const struct result *r, const char *bdf)
{
	for (size_t i = 0; i < r->n_devices; i++)
		if (strcmp(r->devices[i].bdf, bdf) == 0)
			return &r->devices[i];
	return NULL;
}

static const struct readiness *ready(const struct result *r, const char *bdf)
{
	for (size_t i = 0; i < r->n_readiness; i++)
		if (strcmp(r->readiness[i].bdf, bdf) == 0)
			return &r->readiness[i];
	return NULL;
}

static const char *parent_of(const struct result *r, const char *bdf)
{
	const struct pci_device *d = device(r, bdf);

	return d && d->parent ? d->parent : "(none)";
}

static void test_r720_parents_from_bus_numbers_and_group_24_not_isolatable(void)
{
	static const char *const in[] = { "samples/pve-gpu-bar3-efifb" };
	struct result r;
	const struct readiness *sata, *gtx;
	char *html;

	CHECK(analyze(&r, "VD_SOURCE_DIR", in, 1));
	CHECK_STR(r.tree_source, "bridge bus numbers");
	CHECK_INT(r.n_devices, 134);
	/* the GPU only dmesg and sysfs know, behind root port 2a (secondary=04) */
	CHECK_STR(parent_of(&r, "0000:04:00.0"), "0000:00:02.0");
	CHECK(device(&r, "0000:04:00.0") && device(&r, "0000:04:00.0")->n_problems == 1);
	CHECK(device(&r, "0000:04:00.0") && device(&r, "0000:04:00.0")->passthrough);
	/* the Matrox behind the SH7757 switch: 00:1c.7 -> 09:00.0 -> 0a:00.0 -> 0b:00.0 -> 0c */
	CHECK_STR(parent_of(&r, "0000:0c:00.0"), "0000:0b:00.0");
	CHECK_STR(parent_of(&r, "0000:0b:00.0"), "0000:0a:00.0");
	CHECK_STR(parent_of(&r, "0000:09:00.0"), "0000:00:1c.7");
	CHECK(device(&r, "0000:0c:00.0") && device(&r, "0000:0c:00.0")->depth == 4);
	CHECK_STR(parent_of(&r, "0000:42:00.0"), "0000:40:02.0");
	CHECK_STR(parent_of(&r, "0000:00:1f.0"), "(none)");
	/* tree order: a parent comes before its children */
	for (size_t i = 0; i < r.n_devices; i++)
		for (size_t j = i + 1; r.devices[i].parent && j < r.n_devices; j++)
			CHECK(strcmp(r.devices[j].bdf, r.devices[i].parent) != 0);
	sata = ready(&r, "0000:00:1f.2");
	CHECK(sata && sata->verdict == READINESS_NOT_ISOLATABLE);
	CHECK(sata && sata->n_peers == 1 &&
	      strcmp(sata->peers[0], "0000:00:1f.0 (ISA bridge)") == 0);
	CHECK(sata && strstr(sata->why, "group 24 shared with 0000:00:1f.0 ISA bridge") != NULL);
	gtx = ready(&r, "0000:42:00.0");
	/* ready, unless an error or blocker finding names it (then "fix finding ... first") */
	bool blocked = false;
	for (size_t i = 0; i < r.n_findings; i++)
		blocked |= strcmp(r.findings[i].subject.id, "0000:42:00.0") == 0 &&
			   r.findings[i].severity >= SEV_ERROR;
	CHECK(gtx && gtx->iommu_group == 69 &&
	      gtx->verdict == (blocked ? READINESS_AFTER_FIX : READINESS_READY));
	CHECK(gtx && strcmp(gtx->kind, "gpu") == 0 && strcmp(gtx->driver, "vfio-pci") == 0);
	CHECK(ready(&r, "0000:0a:00.0") == NULL); /* bridges are not rated */
	/* VM devices first: the vfio-pci ones, then GPUs (the Matrox), then NICs */
	CHECK(r.n_readiness > 4 && r.readiness[0].vm == NULL &&
	      strcmp(r.readiness[0].bdf, "0000:04:00.0") == 0);
	html = fixture_render(&r, "html", false);
	CHECK(strstr(html, "<g class=\"group not-isolatable\" data-group=\"24\">") != NULL);
	CHECK(strstr(html, "data-bdf=\"0000:04:00.0\"") != NULL);
	free(html);
	result_release(&r);
}

static void test_qemu_group_line_gives_group_and_passthrough(void)
{
	static const char *const in[] = { "samples/pve-group-not-viable" };
	struct result r;
	const struct pci_device *d;

	CHECK(analyze(&r, "VD_SOURCE_DIR", in, 1));
	d = device(&r, "0000:01:00.0");
	CHECK(d != NULL);
	CHECK(d && d->iommu_group == 1 && d->passthrough && d->n_problems == 1);
	CHECK(d && d->n_problems && strcmp(d->problems[0], "iommu-group-not-viable") == 0);
	CHECK_INT(r.n_groups, 1);
	CHECK(r.tree_source == NULL);
	result_release(&r);
}

static void test_dmesg_alone_gives_parents_and_groups(void)
{
	static const char *const in[] = { "corpus/linuxhw/0003/dmesg.txt" };
	struct result r;

	CHECK(analyze(&r, "VD_SHARED_DIR", in, 1));
	CHECK_INT(r.n_devices, 159);
	CHECK_STR(r.tree_source, "bridge bus numbers");
	CHECK_STR(parent_of(&r, "0000:07:00.0"), "0000:00:01.0");
	CHECK(device(&r, "0000:07:00.0") && device(&r, "0000:07:00.0")->iommu_group == 34);
	CHECK(r.n_groups > 100);
	/* "pci 0000:01:00.1: [102b:0533] type 00 class 0x030000": ids and class from the log */
	CHECK(device(&r, "0000:01:00.1") && device(&r, "0000:01:00.1")->class_code == 0x0300);
	CHECK(device(&r, "0000:01:00.1") &&
	      strcmp(device(&r, "0000:01:00.1")->vendor_device, "102b:0533") == 0);
	CHECK(ready(&r, "0000:01:00.1") && strcmp(ready(&r, "0000:01:00.1")->kind, "gpu") == 0);
	/* its group holds the iLO's system peripherals: not isolatable */
	CHECK(ready(&r, "0000:01:00.1") &&
	      ready(&r, "0000:01:00.1")->verdict == READINESS_NOT_ISOLATABLE);
	result_release(&r);
}

static void test_lspci_tree_wins_for_parents(void)
{
	static const char *const in[] = {
		"tests/golden/lspci_tree/lspci39-F-tree-asus-p6t6-tv.in"
	};
	struct result r;

	CHECK(analyze(&r, "VD_SOURCE_DIR", in, 1));
	CHECK_STR(r.tree_source, "lspci -t");
	/* " |           +-03.0-[02-05]----00.0-[03-05]--+-00.0-[04]----00.0  Broadcom / LSI ..." */
	CHECK_STR(parent_of(&r, "0000:02:00.0"), "0000:00:03.0");
	CHECK_STR(parent_of(&r, "0000:03:00.0"), "0000:02:00.0");
	CHECK_STR(parent_of(&r, "0000:04:00.0"), "0000:03:00.0");
	CHECK(device(&r, "0000:04:00.0") && device(&r, "0000:04:00.0")->depth == 3);
	result_release(&r);
}

static void test_vm_config_claims_its_devices(void)
{
	static const char *const in[] = { "samples/amd-desktop-iommu-off" };
	struct result r;
	const struct readiness *gpu;

	CHECK(analyze(&r, "VD_SOURCE_DIR", in, 1));
	/* 110.conf: "hostpci0: 01:00.0,pcie=1,x-vga=1" and "hostpci1: 01:00.1,pcie=1" */
	CHECK(device(&r, "0000:01:00.0") && device(&r, "0000:01:00.0")->vm &&
	      strcmp(device(&r, "0000:01:00.0")->vm, "110") == 0);
	CHECK(device(&r, "0000:01:00.1") && device(&r, "0000:01:00.1")->passthrough);
	gpu = ready(&r, "0000:01:00.0");
	CHECK(gpu && gpu == &r.readiness[0]);
	CHECK(gpu && gpu->verdict == READINESS_UNKNOWN && strstr(gpu->why, "IOMMU is off"));
	result_release(&r);
}

TEST_MAIN(test_r720_parents_from_bus_numbers_and_group_24_not_isolatable,
	  test_qemu_group_line_gives_group_and_passthrough,
	  test_dmesg_alone_gives_parents_and_groups, test_lspci_tree_wins_for_parents,
	  test_vm_config_claims_its_devices)
