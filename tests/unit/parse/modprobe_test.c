/* modprobe_test.c - modprobe.d directives (continuation lines, alias, unknown directives),
 * modules lists and loaded-module listings, and how their sniffers tell them apart. Lines are from
 * the seeds, a vfio.conf in a public guide, lsmod output on a VFIO host and /proc/modules on LKML.
 * The continuation case splits the seed's real directive with '\' as modprobe.d(5) allows. */
#include "parse/parse.h"
#include "parse/parsers_all.h"
#include "test.h"

static void test_continued_line_is_joined(void)
{
	struct parse_out out;
	struct error err = { 0 };

	parse_out_init(&out);
	CHECK_INT(
		modprobe_parse(
			STR_LIT("options vfio-pci \\\n ids=10de:2206,10de:10f0 disable_vga=1\nblacklist nouveau\n"),
			&out, &err),
		0);
	CHECK_INT(out.modules.n, 2);
	CHECK_VIEW(out.modules.v[0].directive, "options");
	CHECK_VIEW(out.modules.v[0].module, "vfio-pci");
	CHECK_VIEW(out.modules.v[0].args, "ids=10de:2206,10de:10f0 disable_vga=1");
	CHECK_INT(out.modules.v[0].lineno, 1);
	CHECK_INT(out.modules.v[1].lineno, 3);
	CHECK_INT(out.lines.n, 3);
	parse_out_release(&out);
}

static void test_alias_names_target_module(void)
{
	struct parse_out out;
	struct error err = { 0 };

	parse_out_init(&out);
	CHECK_INT(
		modprobe_parse(
			STR_LIT("alias pci:v000010DEd00002206sv*sd*bc*sc*i* vfio-pci\nfrobnicate x\n"),
			&out, &err),
		0);
	CHECK_INT(out.modules.n, 1);
	CHECK_VIEW(out.modules.v[0].module, "vfio-pci");
	CHECK_VIEW(out.modules.v[0].args, "pci:v000010DEd00002206sv*sd*bc*sc*i*");
	CHECK_INT(out.warnings.n, 1);
	parse_out_release(&out);
}

static void test_sniffers_tell_module_files_apart(void)
{
	struct str conf = STR_LIT(
		"options vfio-pci ids=1002:67df,1002:aaf0 disable_vga=1\nsoftdep radeon pre: vfio-pci\n");
	struct str list = STR_LIT("vfio\nvfio_iommu_type1\nvfio_pci\nvfio_virqfd\n");
	struct str lsmod = STR_LIT(
		"vfio_pci               16384  0\nvfio_pci_core          73728  1 vfio_pci\nvfio_virqfd            16384  1 vfio_pci_core\n");
	struct str procmod = STR_LIT(
		"i2c_i801 40960 0 - Live 0x0000000000000000\ni2c_smbus 20480 1 i2c_i801, Live 0x0000000000000000\ni2c_mux 16384 1 i2c_i801, Live 0x0000000000000000\n");

	CHECK(modprobe_sniff(conf) > modules_load_sniff(conf));
	CHECK(modules_load_sniff(list) > modprobe_sniff(list));
	CHECK(modules_load_sniff(list) > cmdline_sniff(list));
	CHECK(proc_modules_sniff(lsmod) > modules_load_sniff(lsmod));
	CHECK(proc_modules_sniff(procmod) > modules_load_sniff(procmod));
	CHECK_INT(modules_load_sniff(procmod), 0);
}

static void test_modules_load_keeps_args(void)
{
	struct parse_out out;
	struct error err = { 0 };

	parse_out_init(&out);
	CHECK_INT(modules_load_parse(
			  STR_LIT("# comment\n; other comment\nvfio_pci ids=10de:2206\n\n"), &out,
			  &err),
		  0);
	CHECK_INT(out.modules.n, 1);
	CHECK_VIEW(out.modules.v[0].directive, "load");
	CHECK_VIEW(out.modules.v[0].args, "ids=10de:2206");
	parse_out_release(&out);
}

TEST_MAIN(test_continued_line_is_joined, test_alias_names_target_module,
	  test_sniffers_tell_module_files_apart, test_modules_load_keeps_args)
