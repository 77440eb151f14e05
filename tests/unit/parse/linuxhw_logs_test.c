/* linuxhw_logs_test.c - every dmesg.txt and lscpu.txt of the linuxhw corpus parses without error,
 * with one line row per input line, and the sniffers pick the right kind for each. */
#include <stdio.h>
#include <string.h>

#include "parse/parse.h"
#include "parse/parsers_all.h"
#include "test.h"

static size_t count_lines(const char *buf, size_t len)
{
	size_t n = 0;

	for (size_t i = 0; i < len; i++)
		if (buf[i] == '\n')
			n++;
	if (len && buf[len - 1] != '\n')
		n++;
	return n;
}

static void check_file(const char *rel,
		       int (*parse)(struct str, struct parse_out *, struct error *),
		       int (*sniff)(struct str), size_t *rows, size_t *cpus)
{
	struct parse_out out;
	struct error err = { 0 };
	size_t len;
	char *buf = test_read_file(test_path("VD_SHARED_DIR", rel), &len);
	struct str text = str_from_mem(buf, len);

	parse_out_init(&out);
	CHECK_INT(parse(text, &out, &err), 0);
	CHECK_INT(out.lines.n, count_lines(buf, len));
	CHECK_INT(out.warnings.n, 0);
	CHECK(sniff(text) >= 90);
	for (size_t i = 0; i < out.lines.n; i++)
		CHECK_INT(out.lines.v[i].lineno, i + 1);
	*rows += out.lines.n;
	*cpus += out.cpus.n;
	parse_out_release(&out);
	free(buf);
}

static void test_every_dmesg_parses(void)
{
	size_t rows = 0, cpus = 0;
	char rel[64];

	for (int i = 1; i <= 7; i++) {
		snprintf(rel, sizeof(rel), "corpus/linuxhw/%04d/dmesg.txt", i);
		check_file(rel, kernel_log_parse, kernel_log_sniff, &rows, &cpus);
	}
	CHECK_INT(rows, 65 + 1754 + 1788 + 1143 + 1 + 970 + 1326);
}

static void test_dmesg_stamps_and_sources(void)
{
	struct parse_out out;
	struct error err = { 0 };
	size_t len, stamped = 0;
	char *buf =
		test_read_file(test_path("VD_SHARED_DIR", "corpus/linuxhw/0003/dmesg.txt"), &len);

	parse_out_init(&out);
	CHECK_INT(kernel_log_parse(str_from_mem(buf, len), &out, &err), 0);
	for (size_t i = 0; i < out.lines.n; i++) {
		CHECK(out.lines.v[i].kind == SOURCE_KERNEL_LOG);
		stamped += out.lines.v[i].has_ts;
	}
	/* line 229 is the only line without a stamp */
	CHECK_INT(stamped, out.lines.n - 1);
	CHECK(!out.lines.v[228].has_ts);
	parse_out_release(&out);
	free(buf);
}

static void test_every_lscpu_parses(void)
{
	size_t rows = 0, cpus = 0;

	check_file("corpus/linuxhw/0005/lscpu.txt", lscpu_parse, lscpu_sniff, &rows, &cpus);
	check_file("corpus/linuxhw/0006/lscpu.txt", lscpu_parse, lscpu_sniff, &rows, &cpus);
	CHECK_INT(rows, 48);
	CHECK_INT(cpus, 2);
}

/* lspci -vv repeats "Flags:" per device and prints "00: 02 10 ..." hex dumps: neither lscpu nor
 * proc_modules may claim it (both once did). */
static void test_lspci_is_nobody_elses(void)
{
	static int (*const sniffers[])(struct str) = {
		kernel_log_sniff,   journal_sniff, qemu_log_sniff, libvirt_log_sniff,
		pve_task_sniff,	    cmdline_sniff, grub_sniff,	   cpuinfo_sniff,
		lscpu_sniff,	    iomem_sniff,   modprobe_sniff, modules_load_sniff,
		proc_modules_sniff, version_sniff,
	};
	char rel[64];

	for (int i = 1; i <= 7; i++) {
		size_t len;
		char *buf;

		snprintf(rel, sizeof(rel), "corpus/linuxhw/%04d/lspci.txt", i);
		buf = test_read_file(test_path("VD_SHARED_DIR", rel), &len);
		for (size_t k = 0; k < sizeof(sniffers) / sizeof(sniffers[0]); k++)
			CHECK(sniffers[k](str_from_mem(buf, len)) < 50);
		free(buf);
	}
}

/* dmesg -t opens with the "Linux version" banner that /proc/version holds alone */
static void test_banner_first_log_is_not_proc_version(void)
{
	size_t len;
	char *buf = test_read_file(
		test_path("VD_SOURCE_DIR", "tests/golden/kernel_log/host_dmesg_notime.in"), &len);
	struct str text = str_from_mem(buf, len);

	CHECK(kernel_log_sniff(text) > version_sniff(text));
	free(buf);
	buf = test_read_file(
		test_path("VD_SOURCE_DIR", "tests/golden/version/host_proc_version.in"), &len);
	text = str_from_mem(buf, len);
	CHECK(version_sniff(text) > kernel_log_sniff(text));
	free(buf);
}

TEST_MAIN(test_every_dmesg_parses, test_dmesg_stamps_and_sources, test_every_lscpu_parses,
	  test_lspci_is_nobody_elses, test_banner_first_log_is_not_proc_version)
