/* iomem_test.c - /proc/iomem nesting (parents, depth jumps, non-root zero ranges) and the one
 * cpu row of cpuinfo/lscpu. Inputs: the catalog's S-IOMEM example, this machine's /proc/iomem
 * and /proc/cpuinfo lines (its flags line cut to five flags), linuxhw 0005 lscpu. */
#include <string.h>

#include "parse/parse.h"
#include "parse/parsers_all.h"
#include "test.h"

static void test_catalog_framebuffer_nesting(void)
{
	struct parse_out out;
	struct error err = { 0 };

	parse_out_init(&out);
	CHECK_INT(iomem_parse(STR_LIT("c0000000-cfffffff : PCI Bus 0000:01\n"
				      "  c0000000-cfffffff : 0000:01:00.0\n"
				      "    c0000000-c07e8fff : BOOTFB\n"),
			      &out, &err),
		  0);
	CHECK_INT(out.iomem.n, 3);
	CHECK_INT(out.iomem.v[2].depth, 2);
	CHECK_INT(out.iomem.v[2].parent, 1);
	CHECK_INT(out.iomem.v[1].parent, 0);
	CHECK_INT(out.iomem.v[0].parent, -1);
	CHECK(out.iomem.v[2].start == 0xc0000000u && out.iomem.v[2].end == 0xc07e8fffu);
	CHECK_VIEW(out.iomem.v[2].name, "BOOTFB");
	parse_out_release(&out);
}

static void test_parent_indexes_are_absolute(void)
{
	struct parse_out out;
	struct error err = { 0 };

	/* two inputs into one parse_out: the second's parents point past the first's rows */
	parse_out_init(&out);
	CHECK_INT(iomem_parse(STR_LIT("00000000-00000fff : Reserved\n"), &out, &err), 0);
	CHECK_INT(
		iomem_parse(
			STR_LIT("00100000-bfffffff : System RAM\n  01000000-022090c7 : Kernel code\n"),
			&out, &err),
		0);
	CHECK_INT(out.iomem.n, 3);
	CHECK_INT(out.iomem.v[2].parent, 1);
	parse_out_release(&out);
}

static void test_depth_jump_is_clamped_with_warning(void)
{
	struct parse_out out;
	struct error err = { 0 };

	parse_out_init(&out);
	CHECK_INT(iomem_parse(STR_LIT("    03000000-0327c03f : Kernel data\nnot a range\n"), &out,
			      &err),
		  0);
	CHECK_INT(out.iomem.n, 1);
	CHECK_INT(out.iomem.v[0].depth, 0);
	CHECK_INT(out.iomem.v[0].parent, -1);
	CHECK_INT(out.warnings.n, 2);
	CHECK_INT(out.lines.n, 2);
	parse_out_release(&out);
}

static void test_non_root_zero_ranges_are_kept(void)
{
	struct parse_out out;
	struct error err = { 0 };

	parse_out_init(&out);
	CHECK_INT(
		iomem_parse(
			STR_LIT("00000000-00000000 : System RAM\n  00000000-00000000 : Kernel code\n"),
			&out, &err),
		0);
	CHECK_INT(out.iomem.n, 2);
	CHECK(out.iomem.v[1].start == 0 && out.iomem.v[1].end == 0);
	CHECK_INT(out.iomem.v[1].parent, 0);
	parse_out_release(&out);
}

static void test_cpuinfo_first_processor_and_count(void)
{
	struct parse_out out;
	struct error err = { 0 };

	parse_out_init(&out);
	CHECK_INT(
		cpuinfo_parse(
			STR_LIT("processor\t: 0\nvendor_id\t: AuthenticAMD\ncpu family\t: 25\nmodel\t\t: 1\nmodel name\t: AMD EPYC\nstepping\t: 1\nflags\t\t: fpu vme de hypervisor lahf_lm\naddress sizes\t: 48 bits physical, 48 bits virtual\n\nprocessor\t: 1\nvendor_id\t: AuthenticAMD\nmodel\t\t: 1\n"),
			&out, &err),
		0);
	CHECK_INT(out.cpus.n, 1);
	CHECK_INT(out.cpus.v[0].ncpus, 2);
	CHECK_INT(out.cpus.v[0].family, 25);
	CHECK_INT(out.cpus.v[0].phys_bits, 48);
	CHECK(out.cpus.v[0].hypervisor);
	CHECK_VIEW(out.cpus.v[0].model_name, "AMD EPYC");
	parse_out_release(&out);
}

static void test_lscpu_without_address_sizes(void)
{
	struct parse_out out;
	struct error err = { 0 };

	/* linuxhw 0005 (kernel 4.15) prints no "Address sizes" and no hypervisor */
	parse_out_init(&out);
	CHECK_INT(
		lscpu_parse(
			STR_LIT("Architecture:          x86_64\nCPU(s):                2\nVendor ID:             AuthenticAMD\nCPU family:            21\nModel:                 96\nModel name:            AMD Opteron(tm) X3216 APU\nStepping:              1\n"),
			&out, &err),
		0);
	CHECK_INT(out.cpus.n, 1);
	CHECK_INT(out.cpus.v[0].phys_bits, -1);
	CHECK_INT(out.cpus.v[0].model, 96);
	CHECK(!out.cpus.v[0].hypervisor);
	CHECK(lscpu_sniff(STR_LIT(
		      "Architecture:          x86_64\nCPU(s):                2\nVendor ID:             AuthenticAMD\nModel name:            AMD Opteron(tm) X3216 APU\n")) >
	      cpuinfo_sniff(STR_LIT(
		      "Architecture:          x86_64\nCPU(s):                2\nVendor ID:             AuthenticAMD\nModel name:            AMD Opteron(tm) X3216 APU\n")));
	parse_out_release(&out);
}

TEST_MAIN(test_catalog_framebuffer_nesting, test_parent_indexes_are_absolute,
	  test_depth_jump_is_clamped_with_warning, test_non_root_zero_ranges_are_kept,
	  test_cpuinfo_first_processor_and_count, test_lscpu_without_address_sizes)
