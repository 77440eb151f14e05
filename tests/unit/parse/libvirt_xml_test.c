/* libvirt_xml_test.c - tests for analyzer/parse/libvirt_xml.c on libvirt's own test domains and
 * the Arch wiki fragments (tests/golden/libvirt_xml/), and on hostile variants made here. */
#include <stdlib.h>
#include <string.h>

#include "common/limits.h"
#include "parse/parsers_all.h"
#include "test.h"

struct fixture {
	char *text;
	size_t len;
	struct parse_out out;
};

static void parse_golden(struct fixture *f, const char *name)
{
	char rel[256];
	struct error err = { 0 };

	snprintf(rel, sizeof(rel), "tests/golden/libvirt_xml/%s", name);
	f->text = test_read_file(test_path("VD_SOURCE_DIR", rel), &f->len);
	parse_out_init(&f->out);
	CHECK_INT(libvirt_xml_parse(str_from_mem(f->text, f->len), &f->out, &err), 0);
}

static void release(struct fixture *f)
{
	parse_out_release(&f->out);
	free(f->text);
}

static const struct vm_opt_row *opt(const struct parse_out *out, const char *key)
{
	for (size_t i = 0; i < out->vm_opts.n; i++)
		if (str_eq_cstr(out->vm_opts.v[i].key, key))
			return &out->vm_opts.v[i];
	return NULL;
}

static bool opt_is(const struct parse_out *out, const char *key, const char *value)
{
	const struct vm_opt_row *o = opt(out, key);

	return o && str_eq_cstr(o->value, value);
}

static void test_pci_hostdevs_with_rom_settings(void)
{
	struct fixture f;
	const struct hostdev_row *h;

	parse_golden(&f, "libvirt_pci_rom.in");
	CHECK_INT(f.out.vms.n, 1);
	CHECK_VIEW(f.out.vms.v[0].id, "QEMUGuest2");
	CHECK_VIEW(f.out.vms.v[0].flavour, "libvirt");
	CHECK_INT(f.out.hostdevs.n, 2); /* the <interface><rom> elements are not hostdevs */
	h = &f.out.hostdevs.v[0];
	CHECK_VIEW(h->name, "hostdev0");
	CHECK(h->has_bdf && h->bdf.bus == 6 && h->bdf.dev == 0x12 && h->bdf.func == 5);
	CHECK(h->managed);
	CHECK_INT(h->rombar, 0);
	CHECK_INT(h->romfile.len, 0);
	CHECK_INT(h->lineno, 37);
	h = &f.out.hostdevs.v[1];
	CHECK_INT(h->bdf.func, 6);
	CHECK_INT(h->rombar, 1);
	CHECK_VIEW(h->romfile, "/etc/fake/bootrom.bin");
	CHECK(opt_is(&f.out, "machine.type", "i440fx"));
	CHECK(opt_is(&f.out, "bios", "seabios"));
	CHECK(opt_is(&f.out, "memory_mib", "213"));
	CHECK_INT(f.out.warnings.n, 0);
	release(&f);
}

static void test_kvm_hidden_hyperv_vendor_and_ioapic(void)
{
	struct fixture a, b, c;

	parse_golden(&a, "libvirt_kvm_features.in");
	parse_golden(&b, "libvirt_hyperv.in");
	parse_golden(&c, "libvirt_intel_iommu_aw_bits.in");
	CHECK(opt_is(&a.out, "features.kvm.hidden", "on"));
	CHECK_INT(opt(&a.out, "features.kvm.hidden")->lineno, 14);
	CHECK(opt_is(&a.out, "cpu.mode", "host-passthrough"));
	CHECK(opt_is(&b.out, "features.hyperv.vendor_id", "KVM Hv"));
	CHECK(opt_is(&c.out, "features.ioapic.driver", "qemu"));
	CHECK(opt_is(&c.out, "iommu.model", "intel"));
	CHECK(opt_is(&c.out, "iommu.driver.aw_bits", "48"));
	CHECK(opt_is(&c.out, "iommu.driver.intremap", "on"));
	CHECK(opt_is(&c.out, "machine.type", "q35"));
	CHECK(opt_is(&c.out, "cpu.model", "qemu64"));
	release(&a);
	release(&b);
	release(&c);
}

static void test_qemu_args_in_order_and_ovmf_loader(void)
{
	struct fixture f, g;
	size_t n = 0;

	parse_golden(&f, "libvirt_qemu_ns.in");
	for (size_t i = 0; i < f.out.vm_opts.n; i++) {
		if (!str_eq_cstr(f.out.vm_opts.v[i].key, "qemu.arg"))
			continue;
		CHECK_VIEW(f.out.vm_opts.v[i].value, n == 0 ? "-unknown" : "parameter");
		n++;
	}
	CHECK_INT(n, 2);
	parse_golden(&g, "libvirt_firmware_manual_efi.in");
	CHECK(opt_is(&g.out, "bios", "ovmf"));
	CHECK(opt_is(&g.out, "loader", "/usr/share/edk2/ovmf/OVMF_CODE.fd"));
	CHECK(opt_is(&g.out, "machine.type", "i440fx"));
	CHECK(opt_is(&g.out, "memory_mib", "1024"));
	release(&f);
	release(&g);
}

/* Pasted without xmlns:qemu, libxml2 keeps "qemu:arg" as the element's name. */
static void test_qemu_args_without_namespace_declaration(void)
{
	struct fixture f;
	size_t n = 0;

	parse_golden(&f, "blog_qemu_commandline_no_xmlns.in");
	for (size_t i = 0; i < f.out.vm_opts.n; i++)
		n += str_eq_cstr(f.out.vm_opts.v[i].key, "qemu.arg");
	CHECK_INT(n, 2);
	CHECK_VIEW(f.out.vm_opts.v[1].value, "device.hostdev0.x-vga=on");
	CHECK_INT(f.out.vm_opts.v[1].lineno, 3);
	CHECK_INT(libvirt_xml_sniff(str_from_mem(f.text, f.len)), 60);
	release(&f);
}

static void test_wiki_fragments_are_read_as_domain_parts(void)
{
	struct fixture f, g;

	parse_golden(&f, "seed003_maxphysaddr_fragment.in");
	CHECK(opt_is(&f.out, "cpu.maxphysaddr.mode", "passthrough"));
	CHECK(opt_is(&f.out, "cpu.maxphysaddr.limit", "40"));
	CHECK_INT(f.out.warnings.n, 1);
	CHECK_INT(libvirt_xml_sniff(str_from_mem(f.text, f.len)), 60);
	parse_golden(&g, "seed003_iommu_fragment.in");
	CHECK(opt_is(&g.out, "iommu.driver.caching_mode", "on"));
	CHECK(opt_is(&g.out, "iommu.driver.aw_bits", "39"));
	CHECK(!opt(&g.out, "bios")); /* no <os>: nothing said about firmware */
	release(&f);
	release(&g);
}

static void test_memory_units_and_memtune_limits(void)
{
	struct fixture f, g;

	parse_golden(&f, "libvirt_memtune.in");
	CHECK(opt_is(&f.out, "memory", "214 MiB"));
	CHECK(opt_is(&f.out, "memory_mib", "214"));
	CHECK(opt_is(&f.out, "memtune.hard_limit", "512000 KiB"));
	CHECK(opt_is(&f.out, "memtune.hard_limit_mib", "500"));
	CHECK(opt_is(&f.out, "memtune.soft_limit_mib", "0"));
	CHECK(opt_is(&f.out, "memtune.swap_hard_limit_mib", "1000")); /* KB is 1000 bytes */
	CHECK_INT(f.out.warnings.n, 0);
	parse_golden(&g, "libvirt_hugepages_default.in");
	CHECK(opt_is(&g.out, "hugepages", "on"));
	CHECK_INT(opt(&g.out, "hugepages")->lineno, 7);
	release(&f);
	release(&g);
}

/* Two <hostdev> elements pasted one after the other: not one XML document, read anyway. */
static void test_several_pasted_elements_are_read_together(void)
{
	struct fixture f, g;

	parse_golden(&f, "unraid_blog_two_hostdevs.in");
	CHECK_INT(f.out.vms.n, 1);
	CHECK_INT(f.out.hostdevs.n, 2);
	CHECK_INT(f.out.hostdevs.v[0].multifunction, 1);
	CHECK_INT(f.out.hostdevs.v[1].multifunction, -1);
	CHECK_INT(f.out.hostdevs.v[1].bdf.func, 1);
	CHECK_INT(f.out.hostdevs.v[1].lineno, 9);
	CHECK_INT(f.out.warnings.n, 1);
	parse_golden(&g, "amd_igpu_readme_hostdevs_romfiles.in");
	CHECK_INT(g.out.hostdevs.n, 2);
	CHECK_VIEW(g.out.hostdevs.v[1].romfile,
		   "/var/lib/libvirt/images/AMDGopDriver_13C0+reset.rom");
	release(&f);
	release(&g);
}

static void test_feature_attributes_and_cpu_features(void)
{
	struct fixture f, g;

	parse_golden(&f, "amd_igpu_readme_features.in");
	CHECK(opt_is(&f.out, "features.msrs.unknown", "ignore"));
	CHECK(!opt(&f.out, "features.msrs"));
	CHECK(opt_is(&f.out, "features.smm", "on"));
	CHECK(opt_is(&f.out, "features.ioapic.driver", "kvm"));
	CHECK(opt_is(&f.out, "features.hyperv.mode", "custom"));
	CHECK(opt_is(&f.out, "features.hyperv.vendor_id", "notavm"));
	CHECK(opt_is(&f.out, "features.kvm.hidden", "on"));
	parse_golden(&g, "libvirt_cpu_exact1.in");
	CHECK(opt_is(&g.out, "cpu.feature.svm", "disable"));
	CHECK(opt_is(&g.out, "cpu.feature.mca", "disable"));
	CHECK(!opt(&g.out, "cpu.mode"));
	release(&f);
	release(&g);
}

/* seed 003's "<cpu mode='host-passthrough' ...>": the elided attribute breaks the tag */
static void test_elided_paste_keeps_what_precedes_the_damage(void)
{
	struct fixture f;

	parse_golden(&f, "seed003_cpu_feature_elided.in");
	CHECK_INT(f.out.warnings.n, 2); /* malformed, and a fragment */
	CHECK(strstr(f.out.warnings.v[0].msg, "reading what can be recovered") != NULL);
	CHECK(opt_is(&f.out, "cpu.mode", "host-passthrough"));
	release(&f);
}

static void test_pasted_hostdev_without_type_keeps_its_romfile(void)
{
	struct fixture f;

	parse_golden(&f, "seed003_hostdev_rom_fragment.in");
	CHECK_INT(f.out.hostdevs.n, 1);
	CHECK(!f.out.hostdevs.v[0].has_bdf);
	CHECK_VIEW(f.out.hostdevs.v[0].romfile, "/path/to/your/gpu/bios.bin");
	CHECK_INT(f.out.hostdevs.v[0].rombar, -1);
	release(&f);
}

static void test_truncated_document_keeps_lines_and_warns(void)
{
	struct fixture f;
	struct parse_out out;
	struct error err = { 0 };

	parse_golden(&f, "libvirt_pci_rom.in");
	parse_out_init(&out);
	CHECK_INT(libvirt_xml_parse(str_from_mem(f.text, f.len / 2), &out, &err), 0);
	CHECK(out.lines.n > 10);
	CHECK_INT(out.warnings.n, 1);
	CHECK(strstr(out.warnings.v[0].msg, "malformed XML") != NULL);
	/* recover mode keeps what precedes the cut: the domain, not the hostdevs after it */
	CHECK_INT(out.vms.n, 1);
	CHECK_VIEW(out.vms.v[0].id, "QEMUGuest2");
	CHECK(opt_is(&out, "machine.type", "i440fx"));
	CHECK_INT(out.hostdevs.n, 0);
	parse_out_release(&out);
	release(&f);
}

/* Entity declarations (billion laughs, external entities) are never parsed. */
static void test_entity_declarations_are_refused(void)
{
	struct fixture f;
	struct parse_out out;
	struct error err = { 0 };
	const char *dtd =
		"<!DOCTYPE domain [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;\">]>\n";
	size_t dlen = strlen(dtd);
	char *doc;

	parse_golden(&f, "libvirt_pci_rom.in");
	doc = malloc(dlen + f.len);
	memcpy(doc, dtd, dlen);
	memcpy(doc + dlen, f.text, f.len);
	parse_out_init(&out);
	CHECK_INT(libvirt_xml_parse(str_from_mem(doc, dlen + f.len), &out, &err), 0);
	CHECK_INT(out.vms.n, 0);
	CHECK_INT(out.hostdevs.n, 0);
	CHECK_INT(out.warnings.n, 1);
	parse_out_release(&out);
	free(doc);
	release(&f);
}

static void test_oversized_document_is_not_parsed(void)
{
	struct fixture f;
	struct parse_out out;
	struct error err = { 0 };
	size_t n = (size_t)MAX_XML_BYTES + 1;
	char *big = malloc(n);

	parse_golden(&f, "libvirt_pci_rom.in");
	memset(big, '\n', n);
	memcpy(big, f.text, f.len);
	parse_out_init(&out);
	CHECK_INT(libvirt_xml_parse(str_from_mem(big, n), &out, &err), 0);
	CHECK_INT(out.vms.n, 0);
	CHECK(out.warnings.n >= 1);
	parse_out_release(&out);
	free(big);
	release(&f);
}

static void test_sniff(void)
{
	struct fixture f;

	parse_golden(&f, "libvirt_qemu_ns.in");
	CHECK_INT(libvirt_xml_sniff(str_from_mem(f.text, f.len)), 95);
	CHECK_INT(libvirt_xml_sniff(STR_LIT("hostpci0: 01:00,x-vga=on,romfile=vbios.bin\n")), 0);
	CHECK_INT(libvirt_xml_sniff(
			  STR_LIT("<?xml version=\"1.0\"?>\n<!-- x -->\n<domain type='kvm'>")),
		  95);
	release(&f);
}

TEST_MAIN(test_pci_hostdevs_with_rom_settings, test_kvm_hidden_hyperv_vendor_and_ioapic,
	  test_qemu_args_in_order_and_ovmf_loader, test_memory_units_and_memtune_limits,
	  test_several_pasted_elements_are_read_together,
	  test_qemu_args_without_namespace_declaration, test_feature_attributes_and_cpu_features,
	  test_wiki_fragments_are_read_as_domain_parts,
	  test_elided_paste_keeps_what_precedes_the_damage,
	  test_pasted_hostdev_without_type_keeps_its_romfile,
	  test_truncated_document_keeps_lines_and_warns, test_entity_declarations_are_refused,
	  test_oversized_document_is_not_parsed, test_sniff)
