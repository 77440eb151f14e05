/* report_test.c - report_write(): format names, the output cap, write errors, and the HTML
 * reporter's escaping. Evidence text is real (report_fixture.h; seed 003's libvirt XML). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "report_fixture.h"

static void test_format_names(void)
{
	CHECK(report_format_known("text"));
	CHECK(report_format_known("json"));
	CHECK(report_format_known("markdown"));
	CHECK(report_format_known("md"));
	CHECK(report_format_known("html"));
	CHECK(!report_format_known("yaml"));
	CHECK(!report_format_known(""));
	CHECK(!report_format_known(NULL));
	CHECK_STR(report_format_list(), "text, json, markdown, html");
}

static void test_unknown_format_is_a_usage_error(void)
{
	struct result r;
	struct error err = { 0 };
	FILE *f = tmpfile();

	CHECK(f != NULL);
	if (!f)
		return;
	result_init(&r);
	CHECK_INT(report_write(&r, "yaml", f, &err), -1);
	CHECK_INT(err.code, EXIT_USAGE);
	CHECK_STR(err.msg, "unknown report format 'yaml' (expected text, json, markdown, html)");
	CHECK_INT(ftell(f), 0);
	fclose(f);
	result_release(&r);
}

/* /dev/full accepts the open and fails every write with ENOSPC. */
static void test_write_error_names_the_output(void)
{
	struct result r;
	struct error err = { 0 };
	FILE *f = fopen("/dev/full", "w");

	CHECK(f != NULL);
	if (!f)
		return;
	fixture_build(&r);
	CHECK_INT(report_write_named(&r, "json", f, "report.json", &err), -1);
	CHECK_INT(err.code, EXIT_OUTPUT);
	CHECK(strstr(err.msg, "cannot write report to 'report.json': ") == err.msg);
	CHECK(strstr(err.msg, "No space left on device") != NULL);
	fclose(f);
	result_release(&r);
}

/* A report over MAX_OUTPUT_BYTES is refused as a whole: nothing is written. The fix text is
 * the real hostpci line of seed 001 repeated (generated at test time, shared by every finding
 * so the test itself stays small). */
static void test_report_over_the_cap_is_refused_and_not_written(void)
{
	struct result r;
	struct error err = { 0 };
	FILE *f = tmpfile();
	size_t line_len = strlen(SEED001_HOSTPCI_LINE) + 1;
	size_t reps = (1u << 20) / line_len;
	size_t n = MAX_OUTPUT_BYTES / (reps * line_len) + 2;
	char *fix;

	CHECK(f != NULL);
	if (!f)
		return;
	fixture_build(&r);
	fix = arena_alloc(&r.arena, reps * line_len + 1);
	for (size_t i = 0; i < reps; i++) {
		memcpy(fix + i * line_len, SEED001_HOSTPCI_LINE, line_len - 1);
		fix[i * line_len + line_len - 1] = '\n';
	}
	r.findings = arena_alloc(&r.arena, n * sizeof(*r.findings));
	for (size_t i = 0; i < n; i++) {
		r.findings[i].id = "romfile-missing";
		r.findings[i].fix = fix;
	}
	r.n_findings = n;
	/* the cap is checked in report_write() for every format alike; text is the cheapest */
	CHECK_INT(report_write(&r, "text", f, &err), -1);
	CHECK_INT(err.code, EXIT_OUTPUT);
	CHECK(strstr(err.msg,
		     "text report is larger than 67108864 bytes, not written to 'output'") ==
	      err.msg);
	CHECK_INT(ftell(f), 0);
	fclose(f);
	result_release(&r);
}

static void test_html_is_self_contained_and_escaped(void)
{
	struct result r;
	char *out;

	fixture_build(&r);
	/* seed 003 (ArchWiki): libvirt XML a user pastes */
	r.findings[1].evidence[0].text = "<qemu:arg value=\"file=/path/to/your/SSDT1.dat\"/>";
	r.findings[1].subject.name = "<script>alert(1)</script>";
	out = fixture_render(&r, "html", false);
	CHECK(strncmp(out, "<!DOCTYPE html>", 15) == 0);
	CHECK(strstr(out, "<style>") != NULL);
	CHECK(strstr(out, "<script") == NULL);
	CHECK(strstr(out, "http://") == NULL);
	CHECK(strstr(out, "src=") == NULL);
	CHECK(strstr(out, "&lt;script&gt;alert(1)&lt;/script&gt;") != NULL);
	CHECK(strstr(out, "&lt;qemu:arg value=&quot;file=/path/to/your/SSDT1.dat&quot;/&gt;") !=
	      NULL);
	CHECK(strstr(out, "dmesg:14: " SEED001_ROM_LINE) != NULL);
	CHECK(fixture_find(out, "1. Intel iGPU ROM") < fixture_find(out, "2. A host framebuffer"));
	CHECK(strstr(out, "<h2>Could not check</h2>") != NULL);
	CHECK(strstr(out,
		     "<p>2 possible causes, 1 ruled out, 1 could not be checked (2 inputs).</p>") !=
	      NULL);
	CHECK(strstr(out, "<p><b>Explains:</b> Code 43</p>") != NULL);
	CHECK(strstr(out, "<h2>Ruled out</h2>") != NULL);
	CHECK(strstr(out, "</html>\n") != NULL);
	CHECK(strstr(out,
		     "<li><a href=\"https://pve.proxmox.com/wiki/PCI_Passthrough\" "
		     "rel=\"noreferrer\">https://pve.proxmox.com/wiki/PCI_Passthrough</a></li>") !=
	      NULL);
	free(out);
	/* only plain http(s) URLs become links */
	r.findings[0].references[0] = "javascript:alert(1)";
	out = fixture_render(&r, "html", false);
	CHECK(strstr(out, "<li>javascript:alert(1)</li>") != NULL);
	CHECK(strstr(out, "href=\"javascript") == NULL);
	free(out);
	result_release(&r);
}

TEST_MAIN(test_format_names, test_unknown_format_is_a_usage_error,
	  test_write_error_names_the_output, test_report_over_the_cap_is_refused_and_not_written,
	  test_html_is_self_contained_and_escaped)
