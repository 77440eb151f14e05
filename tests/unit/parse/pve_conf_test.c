/* pve_conf_test.c - tests for analyzer/parse/pve_conf.c and pve_cpu_models.c on real configs
 * (seeds, Proxmox qemu-server's test configs, user posts; kept in tests/golden/pve_conf/). */
#include <stdlib.h>
#include <string.h>

#include "parse/parsers_all.h"
#include "test.h"

struct fixture {
	char *text;
	size_t len;
	struct parse_out out;
};

static void parse_golden(struct fixture *f, const char *dir, const char *name)
{
	char rel[256];
	struct error err = { 0 };

	snprintf(rel, sizeof(rel), "tests/golden/%s/%s", dir, name);
	f->text = test_read_file(test_path("VD_SOURCE_DIR", rel), &f->len);
	parse_out_init(&f->out);
	if (strcmp(dir, "pve_cpu_models") == 0)
		CHECK_INT(pve_cpu_models_parse(str_from_mem(f->text, f->len), &f->out, &err), 0);
	else
		CHECK_INT(pve_conf_parse(str_from_mem(f->text, f->len), &f->out, &err), 0);
}

static void release(struct fixture *f)
{
	parse_out_release(&f->out);
	free(f->text);
}

/* The value of key in the current config (no snapshot), or NULL. */
static const struct vm_opt_row *opt(const struct parse_out *out, const char *key)
{
	for (size_t i = 0; i < out->vm_opts.n; i++)
		if (!out->vm_opts.v[i].snapshot.len && str_eq_cstr(out->vm_opts.v[i].key, key))
			return &out->vm_opts.v[i];
	return NULL;
}

static void test_seed001_hostpci_carries_romfile_pcie_and_x_vga(void)
{
	struct fixture f;
	const struct hostdev_row *h;

	parse_golden(&f, "pve_conf", "seed001_vm103.in");
	CHECK_INT(f.out.vms.n, 1);
	CHECK_VIEW(f.out.vms.v[0].name, "win11-iot");
	CHECK_INT(f.out.vms.v[0].id.len, 0); /* set by the input layer from the file name */
	CHECK_VIEW(f.out.vms.v[0].flavour, "pve");
	CHECK_INT(f.out.hostdevs.n, 1);
	h = &f.out.hostdevs.v[0];
	CHECK_VIEW(h->name, "hostpci0");
	CHECK(h->has_bdf);
	CHECK_INT(h->bdf.bus, 0);
	CHECK_INT(h->bdf.dev, 2);
	CHECK_INT(h->bdf.func, 0);
	CHECK_VIEW(h->romfile, "12-n100-q10.rom");
	CHECK_INT(h->pcie, 1);
	CHECK_INT(h->x_vga, 1);
	CHECK_INT(h->rombar, -1);
	CHECK_INT(h->multifunction, -1);
	CHECK_INT(h->lineno, 9);
	CHECK_VIEW(h->raw, "0000:00:02.0,romfile=12-n100-q10.rom,pcie=1,x-vga=1");
	release(&f);
}

static void test_seed001_derived_keys(void)
{
	struct fixture f;

	parse_golden(&f, "pve_conf", "seed001_vm103.in");
	CHECK(opt(&f.out, "cpu.type") && str_eq_cstr(opt(&f.out, "cpu.type")->value, "host"));
	CHECK(opt(&f.out, "cpu.hidden") && str_eq_cstr(opt(&f.out, "cpu.hidden")->value, "1"));
	CHECK(!opt(&f.out, "cpu.flags"));
	CHECK(opt(&f.out, "machine.type") &&
	      str_eq_cstr(opt(&f.out, "machine.type")->value, "q35"));
	CHECK(opt(&f.out, "memory_mib") && str_eq_cstr(opt(&f.out, "memory_mib")->value, "8192"));
	CHECK(opt(&f.out, "bios") && str_eq_cstr(opt(&f.out, "bios")->value, "ovmf"));
	CHECK(opt(&f.out, "args") &&
	      str_starts_with(opt(&f.out, "args")->value, "-set device.hostpci0.bus=pcie.0 "));
	CHECK_INT(f.out.warnings.n, 0);
	CHECK_INT(f.out.lines.n, 25);
	release(&f);
}

static void test_two_addresses_give_two_rows(void)
{
	struct fixture f;

	parse_golden(&f, "pve_conf", "blog_dgpu_two_functions.in");
	CHECK_INT(f.out.hostdevs.n, 2);
	CHECK_INT(f.out.hostdevs.v[0].bdf.func, 0);
	CHECK_INT(f.out.hostdevs.v[1].bdf.func, 1);
	CHECK_INT(f.out.hostdevs.v[1].bdf.bus, 3);
	CHECK_VIEW(f.out.hostdevs.v[1].name, "hostpci0");
	CHECK_INT(f.out.hostdevs.v[1].x_vga, 1);
	CHECK(!opt(&f.out, "bios")); /* nothing invented */
	CHECK(!opt(&f.out, "machine.type"));
	release(&f);
}

static void test_slot_without_function_means_all_functions(void)
{
	struct fixture f;

	parse_golden(&f, "pve_conf", "seed002_hostpci_all_functions.in");
	CHECK_INT(f.out.hostdevs.n, 1);
	CHECK_INT(f.out.hostdevs.v[0].bdf.func, PCIADDR_ALL_FUNCS);
	CHECK_INT(f.out.hostdevs.v[0].multifunction, 1);
	CHECK_INT(f.out.hostdevs.v[0].x_vga, 1); /* x-vga=on */
	CHECK_VIEW(f.out.hostdevs.v[0].romfile, "vbios.bin");
	release(&f);
}

static void test_mapping_gives_row_without_address(void)
{
	struct fixture f;

	parse_golden(&f, "pve_conf", "blog_opnsense_mapping_101.in");
	CHECK_INT(f.out.hostdevs.n, 2);
	CHECK(!f.out.hostdevs.v[0].has_bdf);
	CHECK_VIEW(f.out.hostdevs.v[0].mapping, "enp0_vf");
	CHECK_VIEW(f.out.hostdevs.v[1].mapping, "enp1_vf");
	CHECK(opt(&f.out, "cpu.flags") && str_eq_cstr(opt(&f.out, "cpu.flags")->value, "+aes"));
	CHECK_INT(f.out.warnings.n, 0);
	release(&f);
}

static void test_snapshot_sections_stay_apart(void)
{
	struct fixture f;
	size_t snap = 0, special = 0;

	parse_golden(&f, "pve_conf", "qemu_server_cloudinit_snapshot.in");
	CHECK_VIEW(f.out.vms.v[0].name, "deb1223"); /* not [special:cloudinit]'s deb122 */
	for (size_t i = 0; i < f.out.vm_opts.n; i++) {
		snap += str_eq_cstr(f.out.vm_opts.v[i].snapshot, "cloudinit");
		special += str_eq_cstr(f.out.vm_opts.v[i].snapshot, "special:cloudinit");
	}
	CHECK_INT(special, 2);
	CHECK_INT(snap, 19); /* 17 lines plus cpu.type and memory_mib */
	CHECK(opt(&f.out, "numa") && str_eq_cstr(opt(&f.out, "numa")->value, "0"));
	release(&f);
}

static void test_description_and_viommu(void)
{
	struct fixture f;

	parse_golden(&f, "pve_conf", "qemu_server_q35_viommu_intel_aw_bits.in");
	CHECK(opt(&f.out, "description") &&
	      str_starts_with(opt(&f.out, "description")->value, " TEST: Check if aw-bits"));
	CHECK(opt(&f.out, "machine.type") &&
	      str_eq_cstr(opt(&f.out, "machine.type")->value, "q35"));
	CHECK(opt(&f.out, "machine.viommu") &&
	      str_eq_cstr(opt(&f.out, "machine.viommu")->value, "intel"));
	release(&f);
}

/* Proxmox's own test uses device numbers over 0x1f: kept as rows without an address. */
static void test_impossible_address_warns_and_keeps_row(void)
{
	struct fixture f;

	parse_golden(&f, "pve_conf", "qemu_server_q35_hostpci_driver_keep.in");
	CHECK_INT(f.out.hostdevs.n, 6);
	CHECK(!f.out.hostdevs.v[0].has_bdf);
	CHECK(f.out.hostdevs.v[1].has_bdf);
	CHECK_INT(f.out.hostdevs.v[4].rombar, 0);
	CHECK_INT(f.out.warnings.n, 2);
	release(&f);
}

static void test_prose_after_config_is_a_warning(void)
{
	/* seed 001 lines 62-64: the config's end and the forum post going on */
	size_t len;
	char *seed =
		test_read_file(test_path("VD_SHARED_DIR", "seeds/001_08cfc1e37197bab7.txt"), &len);
	const char *start = strstr(seed, "vga: none\n");
	const char *end = start ? strstr(start, "resolved") : NULL;
	struct parse_out out;
	struct error err = { 0 };

	CHECK(start && end);
	if (!start || !end) {
		free(seed);
		return;
	}
	parse_out_init(&out);
	CHECK_INT(pve_conf_parse(str_from_mem(start, (size_t)(end - start) + 8), &out, &err), 0);
	CHECK_INT(out.vm_opts.n, 2);
	CHECK_INT(out.warnings.n, 1);
	CHECK_INT(out.warnings.v[0].lineno, 3);
	parse_out_release(&out);
	free(seed);
}

static void test_sniffers_tell_conf_from_cpu_models(void)
{
	struct fixture a, b;

	parse_golden(&a, "pve_conf", "seed004_qm_config_110.in");
	parse_golden(&b, "pve_cpu_models", "qemu_server_mock.in");
	CHECK_INT(pve_conf_sniff(str_from_mem(a.text, a.len)), 90);
	CHECK_INT(pve_cpu_models_sniff(str_from_mem(a.text, a.len)), 0);
	CHECK_INT(pve_conf_sniff(str_from_mem(b.text, b.len)), 0);
	CHECK_INT(pve_cpu_models_sniff(str_from_mem(b.text, b.len)), 95);
	CHECK_INT(pve_conf_sniff(STR_LIT("[    0.000000] Linux version 6.8.12-4-pve\n")), 0);
	/* QEMU's stderr under Proxmox (samples/laptop-viommu-aw-bits/qemu.log) */
	CHECK_INT(
		pve_conf_sniff(STR_LIT(
			"kvm: -device vfio-pci,host=0000:01:00.0,id=hostpci0,bus=ich9-pcie-port-1,addr=0x0: vfio 0000:01:00.0: Failed to set vIOMMU: aw-bits 48 > host aw-bits 39\n")),
		0);
	release(&a);
	release(&b);
}

static void test_cpu_models_rows(void)
{
	struct fixture f;

	parse_golden(&f, "pve_cpu_models", "qemu_server_mock.in");
	CHECK_INT(f.out.kvs.n, 6);
	CHECK_VIEW(f.out.kvs.v[0].scope, "cpu-model");
	CHECK_VIEW(f.out.kvs.v[0].subject, "qemu64");
	CHECK_VIEW(f.out.kvs.v[2].key, "flags");
	CHECK_VIEW(f.out.kvs.v[2].value, "+aes;+avx;-kvm_pv_unhalt");
	CHECK_VIEW(f.out.kvs.v[4].key, "phys-bits");
	CHECK_VIEW(f.out.kvs.v[4].value, "40");
	CHECK_VIEW(f.out.kvs.v[5].subject, "alldefault");
	CHECK_INT(f.out.kvs.v[5].lineno, 9);
	release(&f);
}

TEST_MAIN(test_seed001_hostpci_carries_romfile_pcie_and_x_vga, test_seed001_derived_keys,
	  test_two_addresses_give_two_rows, test_slot_without_function_means_all_functions,
	  test_mapping_gives_row_without_address, test_snapshot_sections_stay_apart,
	  test_description_and_viommu, test_impossible_address_warns_and_keeps_row,
	  test_prose_after_config_is_a_warning, test_sniffers_tell_conf_from_cpu_models,
	  test_cpu_models_rows)
