/* report_markdown_test.c - the forum reply: summary, headings in rank order, fix and evidence
 * in code blocks that content cannot break, escaping outside code, what to post next. Text
 * with backticks comes from seed 000 (a Proxmox forum answer full of ``` blocks). */
#include <stdlib.h>
#include <string.h>

#include "report_fixture.h"

/* Length of the backtick fence that opens a line at p (0 when the line is not a fence). */
static size_t fence_at(const char *p)
{
	size_t n = 0;

	while (p[n] == '`')
		n++;
	return n >= 3 ? n : 0;
}

/* Following CommonMark: from the opening fence at `open` (a line start), returns the start of
 * the line that closes the block (>= as many backticks, nothing else but spaces), or NULL. */
static const char *closing_fence(const char *open)
{
	size_t len = fence_at(open);
	const char *line = strchr(open, '\n');

	while (line && *++line) {
		size_t n = 0;

		while (line[n] == '`')
			n++;
		if (n >= len && (line[n] == '\n' || line[n] == ' ' || line[n] == '\0'))
			return line;
		line = strchr(line, '\n');
	}
	return NULL;
}

static void test_summary_headings_fix_and_footer(void)
{
	struct result r;
	char *out;
	long h1, h2, fix, details, confirm, ruled;

	fixture_build(&r);
	out = fixture_render(&r, "markdown", false);
	CHECK(fixture_find(out,
			   "Most likely: **Intel iGPU ROM has no valid 0xaa55 signature: give the "
			   "VM a romfile** on device 0000:00:02.0 (Intel Alder Lake-N \\[UHD "
			   "Graphics\\]) (92%, certain).") == 0);
	CHECK(fixture_find(
		      out,
		      "Also possible: **A host framebuffer holds the GPU's BAR** on device "
		      "0000:01:00.0 (61%, likely). 1 cause was ruled out. To confirm, please post the "
		      "output listed below.\n\n") > 0);
	h1 = fixture_find(out, "\n### 1. Intel iGPU ROM has no valid 0xaa55 signature");
	h2 = fixture_find(out, "\n### 2. A host framebuffer holds the GPU's BAR (61%, likely)\n");
	fix = fixture_find(out,
			   "Fix:\n\n```text\ncp 12-n100-q10.rom /usr/share/kvm/\nqm set 103 "
			   "--hostpci0 0000:00:02.0,romfile=12-n100-q10.rom,pcie=1,x-vga=1\n```\n");
	details = fixture_find(
		out,
		"<details><summary>Evidence (2 lines)</summary>\n\n```text\ndmesg:14: " SEED001_ROM_LINE
		"\n");
	confirm = fixture_find(out, "### To confirm, please post\n\n- `cat "
				    "/var/log/libvirt/qemu/<domain>.log` (to check vIOMMU address "
				    "width; missing: the QEMU log of the failing start)\n");
	ruled = fixture_find(out, "### Ruled out\n\n- Platform RMRR blocks IOMMU attach (host): no "
				  "RMRR message in the kernel log of the failing boot\n");
	CHECK(h1 > 0);
	CHECK(fix > h1);
	CHECK(details > fix);
	CHECK(h2 > details);
	CHECK(confirm > h2);
	CHECK(ruled > confirm);
	CHECK(fixture_find(out, "- <https://pve.proxmox.com/wiki/PCI_Passthrough>\n") > h1);
	CHECK(fixture_find(
		      out,
		      "- Severity: blocker\n- Subject: device 0000:00:02.0 (Intel Alder Lake-N \\[UHD Graphics\\])\n- Cause: `rom-invalid-signature`\n- Explains: Code 43\n\n") >
	      h1);
	CHECK(fixture_find(out, "\n---\n<sub>Generated offline by vfio-doctor " VD_VERSION
				" from 2 inputs.</sub>\n") > ruled);
	free(out);
	result_release(&r);
}

/* Lines of seed 000 that hold ``` fences become evidence; the evidence block must still close
 * only at its own fence, with every line inside it. */
static void test_fences_survive_content_with_backticks(void)
{
	struct result r;
	struct finding *f;
	char *seed =
		test_read_file(test_path("VD_SHARED_DIR", "seeds/000_32b539c6373478b1.txt"), NULL);
	const char *lines[8];
	size_t n = 0;
	char *out;
	const char *open, *close;

	for (char *p = seed; *p && n < 8;) {
		char *nl = strchr(p, '\n');

		if (nl)
			*nl = '\0';
		if (strstr(p, "```"))
			lines[n++] = p;
		if (!nl)
			break;
		p = nl + 1;
	}
	CHECK(n >= 4);
	fixture_build(&r);
	f = &r.findings[1];
	f->evidence = fixture_evidence(&r, n);
	for (size_t i = 0; i < n; i++)
		f->evidence[i] = (struct evidence){ "paste.txt", (uint32_t)(10 + i), lines[i],
						    "pasted", 0.1 };
	f->n_evidence = f->n_evidence_total = n;
	f->fix = lines[0]; /* a fix holding a fence too */
	out = fixture_render(&r, "markdown", false);

	open = strstr(out, "\n### 2. ");
	open = open ? strstr(open, "<details><summary>Evidence (") : NULL;
	open = open ? strstr(open, "\n````") : NULL;
	CHECK(open != NULL);
	if (open) {
		open++;
		CHECK_INT(fence_at(open), 4);
		close = closing_fence(open);
		CHECK(close != NULL);
		if (close) {
			CHECK(strncmp(close, "````\n\n</details>", 16) == 0);
			for (size_t i = 0; i < n; i++) {
				const char *hit = strstr(open, lines[i]);

				CHECK(hit != NULL && hit < close);
			}
		}
	}
	open = strstr(out, "\n### 2. ");
	open = open ? strstr(open, "Fix:\n\n") : NULL;
	CHECK(open != NULL);
	if (open) {
		open += 6;
		CHECK_INT(fence_at(open), 4);
		close = closing_fence(open);
		CHECK(close != NULL && strstr(open, lines[0]) < close);
	}
	free(out);
	free(seed);
	result_release(&r);
}

/* A command with backticks (seed 000: "- `lscpu` 或 `cat /proc/cpuinfo | grep avx`。") becomes
 * a code span with a longer fence; Markdown specials in names are escaped outside code. */
static void test_code_spans_and_escaping_outside_code(void)
{
	struct result r;
	char *out;

	fixture_build(&r);
	r.unchecked[0].command = "- `lscpu` 或 `cat /proc/cpuinfo | grep avx`。";
	r.unchecked[0].missing = NULL;
	r.findings[1].subject.name = "NVIDIA GA106 [GeForce RTX 3060] *rev a1* <b>_x_</b> $5 | a~b";
	out = fixture_render(&r, "markdown", false);
	CHECK(strstr(out, "- ``- `lscpu` 或 `cat /proc/cpuinfo | grep avx`。`` (to check vIOMMU "
			  "address width)\n") != NULL);
	CHECK(strstr(out, "NVIDIA GA106 \\[GeForce RTX 3060\\] \\*rev a1\\* \\<b\\>\\_x\\_\\</b\\> "
			  "\\$5 \\| a\\~b") != NULL);
	CHECK(strstr(out, "<b>") == NULL);
	free(out);
	result_release(&r);
}

static void test_host_findings_read_on_the_host(void)
{
	struct result r;
	char *out;

	fixture_build(&r);
	r.findings[0].subject = (struct subject){ "host", "host", NULL };
	out = fixture_render(&r, "markdown", false);
	CHECK(strstr(out, "give the VM a romfile** on the host (92%, certain).") != NULL);
	CHECK(strstr(out, "- Subject: host\n") != NULL);
	free(out);
	result_release(&r);
}

static void test_nothing_found_still_asks_for_what_is_missing(void)
{
	struct result r;
	char *out;

	fixture_build(&r);
	r.n_findings = 0;
	out = fixture_render(&r, "markdown", false);
	CHECK(fixture_find(out, "vfio-doctor found no known cause of a passthrough problem in what "
				"was posted.") == 0);
	CHECK(strstr(out, "### To confirm, please post") != NULL);
	CHECK(strstr(out, "### 1.") == NULL);
	free(out);
	result_release(&r);
}

static void test_control_bytes_never_reach_the_reply(void)
{
	struct result r;
	char *out;

	fixture_build(&r);
	r.findings[0].evidence[0].text = "[ 123.660367] vfio-pci 0000:00:02.0: \033[2J\x01"
					 "Invalid PCI ROM header signature\xff";
	r.findings[0].title = "ROM\nsignature\r\n# not a heading";
	out = fixture_render(&r, "markdown", false);
	CHECK(strchr(out, '\033') == NULL);
	CHECK(strchr(out, '\r') == NULL);
	CHECK(strstr(out, "\\x1b[2J\\x01Invalid PCI ROM header signature\\xff") != NULL);
	CHECK(strstr(out, "### 1. ROM signature # not a heading (92%, certain)") != NULL);
	CHECK(strstr(out, "\n# not") == NULL);
	free(out);
	result_release(&r);
}

/* The same command for two causes is asked for once. */
static void test_each_command_is_asked_for_once(void)
{
	struct result r;
	char *out;

	fixture_build(&r);
	r.n_unchecked = 3;
	r.unchecked = arena_alloc(&r.arena, 3 * sizeof(*r.unchecked));
	r.unchecked[0] = (struct unchecked){ "rom-invalid-signature", "Option ROM signature",
					     "the PCI device list", "lspci -nnk" };
	r.unchecked[1] = (struct unchecked){ "rom-invalid-signature", "Option ROM signature",
					     "the VM configuration",
					     "cat /etc/pve/qemu-server/<vmid>.conf" };
	r.unchecked[2] = (struct unchecked){ "bar-reserve-conflict", "BAR reserve conflict",
					     "the PCI device list", "lspci -nnk" };
	out = fixture_render(&r, "markdown", false);
	CHECK(strstr(out,
		     "### To confirm, please post\n\n- `lspci -nnk` (to check Option ROM "
		     "signature, BAR reserve conflict; missing: the PCI device list)\n- `cat "
		     "/etc/pve/qemu-server/<vmid>.conf` (to check Option ROM signature; missing: "
		     "the VM configuration)\n\n") != NULL);
	free(out);
	result_release(&r);
}

TEST_MAIN(test_host_findings_read_on_the_host, test_each_command_is_asked_for_once,
	  test_summary_headings_fix_and_footer, test_fences_survive_content_with_backticks,
	  test_code_spans_and_escaping_outside_code,
	  test_nothing_found_still_asks_for_what_is_missing,
	  test_control_bytes_never_reach_the_reply)
