/* report_text_test.c - the terminal report: order, evidence, fix, folding, colour and hostile
 * bytes. Evidence lines are real (seed 001, the message catalog; see report_fixture.h). */
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report/report_util.h"
#include "report_fixture.h"

/* seed 001: the vfio-pci reset lines of the failing start, in order */
static const char *const seed001_resets[] = {
	"[ 120.442320] vfio-pci 0000:00:02.0: resetting",
	"[ 120.546424] vfio-pci 0000:00:02.0: reset done",
	"[ 122.333493] vfio-pci 0000:00:02.0: resetting",
	"[ 122.434371] vfio-pci 0000:00:02.0: reset done",
	"[ 122.448472] vfio-pci 0000:00:02.0: resetting",
	"[ 122.554368] vfio-pci 0000:00:02.0: reset done",
};

static void test_findings_come_in_rank_order_with_evidence_and_fix(void)
{
	struct result r;
	char *out;
	long first, second, ruled, unchecked, inputs, warnings;

	fixture_build(&r);
	out = fixture_render(&r, "text", false);
	first = fixture_find(out, "#1 Intel iGPU ROM has no valid 0xaa55 signature");
	second = fixture_find(out, "#2 A host framebuffer holds the GPU's BAR");
	ruled = fixture_find(out, "\nRuled out\n");
	unchecked = fixture_find(out, "\nCould not check\n");
	inputs = fixture_find(out, "\nInputs\n");
	warnings = fixture_find(out, "\nWarnings\n");
	CHECK(first > 0);
	CHECK(second > first);
	CHECK(ruled > second);
	CHECK(unchecked > ruled);
	CHECK(inputs > unchecked);
	CHECK(warnings > inputs);
	CHECK(fixture_find(out, "confidence: 92% (certain)  severity: blocker") > first);
	CHECK(fixture_find(out,
			   "subject: device 0000:00:02.0 (Intel Alder Lake-N [UHD Graphics])") >
	      first);
	CHECK(fixture_find(out, "        dmesg:14: " SEED001_ROM_LINE "\n") > first);
	CHECK(fixture_find(out, "      rom-signature (+3.0)\n") > first);
	CHECK(fixture_find(out, "      romfile-set (-0.5)\n") > first);
	CHECK(fixture_find(out, "etc/pve/qemu-server/103.conf:9: " SEED001_HOSTPCI_LINE) > first);
	/* every line of a multi-line fix is indented under "fix:" */
	CHECK(fixture_find(out,
			   "    fix:\n        cp 12-n100-q10.rom /usr/share/kvm/\n        qm set "
			   "103 --hostpci0") > first);
	CHECK(fixture_find(out, "    explains: Code 43\n") > first);
	CHECK(fixture_find(out, "      https://pve.proxmox.com/wiki/PCI_Passthrough\n") > first);
	CHECK(fixture_find(out, "because: no RMRR message in the kernel log of the failing boot") >
	      ruled);
	CHECK(fixture_find(out, "run: cat /var/log/libvirt/qemu/<domain>.log") > unchecked);
	CHECK(fixture_find(out, "missing: the QEMU log of the failing start") > unchecked);
	CHECK(fixture_find(out, "  etc/pve/qemu-server/103.conf  pve_conf  lines 1-22  870 bytes") >
	      inputs);
	CHECK(fixture_find(out, "  dmesg:12: line longer than 8192 bytes, truncated") > warnings);
	CHECK(strchr(out, '\033') == NULL);
	free(out);
	result_release(&r);
}

static void test_colour_only_when_asked(void)
{
	struct result r;
	char *plain, *coloured;

	fixture_build(&r);
	plain = fixture_render(&r, "text", false);
	coloured = fixture_render(&r, "text", true);
	CHECK(strchr(plain, '\033') == NULL);
	CHECK(strstr(coloured, "\033[1m") != NULL);
	CHECK(strstr(coloured, "\033[31mblocker\033[0m") != NULL);
	free(plain);
	free(coloured);
	result_release(&r);
}

/* report_write() decides on colour from the stream: a file is not a TTY, so no escapes even
 * with NO_COLOR unset. */
static void test_report_write_to_a_file_has_no_ansi_escapes(void)
{
	struct result r;
	struct error err = { 0 };
	FILE *f = tmpfile();
	char buf[65536];
	size_t n;

	CHECK(f != NULL);
	if (!f)
		return;
	unsetenv("NO_COLOR");
	fixture_build(&r);
	CHECK_INT(report_write(&r, "text", f, &err), 0);
	rewind(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	CHECK(n > 100);
	CHECK(memchr(buf, '\033', n) == NULL);
	CHECK(strstr(buf, "#1 Intel iGPU") != NULL);
	fclose(f);
	setenv("NO_COLOR", "1", 1);
	result_release(&r);
}

static void test_evidence_is_folded_at_max_evidence(void)
{
	struct result r;
	struct finding *f;
	char *out;
	size_t n_lines = 0;
	const char *p;

	fixture_build(&r);
	f = &r.findings[0];
	f->n_evidence = MAX_EVIDENCE + 4; /* a ranker that kept too many still gets folded */
	f->n_evidence_total = 37;
	f->evidence = fixture_evidence(&r, f->n_evidence);
	for (size_t i = 0; i < f->n_evidence; i++)
		f->evidence[i] = (struct evidence){ "cmd/dmesg", (uint32_t)(100 + i),
						    seed001_resets[i % 6], "reset-loop", 0.5 };
	out = fixture_render(&r, "text", false);
	for (p = out; (p = strstr(p, "        cmd/dmesg:")) != NULL; p++)
		n_lines++;
	CHECK_INT(n_lines, MAX_EVIDENCE);
	CHECK(fixture_find(out, "        ... and 17 more\n") > 0);
	/* one clause header for the whole consecutive group */
	CHECK(fixture_find(out, "      reset-loop (+0.5)\n") > 0);
	CHECK(strstr(strstr(out, "reset-loop (+0.5)") + 1, "reset-loop (+0.5)") == NULL);
	CHECK(fixture_find(out, "cmd/dmesg:100: [ 120.442320] vfio-pci 0000:00:02.0: resetting\n") >
	      0);
	free(out);
	result_release(&r);
}

/* A hostile line (the real 0xcffa line with terminal escapes and invalid UTF-8 spliced in)
 * must not reach the terminal raw. */
static void test_control_bytes_in_evidence_are_shown_not_sent(void)
{
	struct result r;
	char *out;

	fixture_build(&r);
	r.findings[0].evidence[0].text =
		"[ 123.660367] vfio-pci 0000:00:02.0: \033[2J\033]0;owned\007"
		"Invalid PCI ROM header \xff\xfe signature\r\x85";
	out = fixture_render(&r, "text", false);
	CHECK(strchr(out, '\033') == NULL);
	CHECK(strchr(out, '\007') == NULL);
	CHECK(strchr(out, '\r') == NULL);
	CHECK(fixture_find(out, "\\x1b[2J\\x1b]0;owned\\x07Invalid PCI ROM header \\xff\\xfe "
				"signature\\x0d\\x85") > 0);
	free(out);
	result_release(&r);
}

static void test_nothing_found_says_so_then_what_could_not_be_checked(void)
{
	struct result r;
	char *out;
	long none, unchecked;

	fixture_build(&r);
	r.n_findings = 0;
	out = fixture_render(&r, "text", false);
	none = fixture_find(out,
			    "No known cause of a passthrough problem was found in the inputs.");
	unchecked = fixture_find(out, "\nCould not check\n");
	CHECK(fixture_find(out, "vfio-doctor " VD_VERSION ": no known cause found") == 0);
	CHECK(none > 0);
	CHECK(unchecked > none);
	CHECK(fixture_find(out, "\nRuled out\n") > unchecked);
	CHECK(strstr(out, "#1 ") == NULL);
	free(out);
	result_release(&r);
}

/* UTF-8 from a real post (seed 000 is in Chinese) passes through unchanged. */
static void test_valid_utf8_passes_through(void)
{
	struct result r;
	char *seed =
		test_read_file(test_path("VD_SHARED_DIR", "seeds/000_32b539c6373478b1.txt"), NULL);
	char *line = strstr(seed, "pve 显卡直通");
	char *out;

	CHECK(line != NULL);
	if (!line) {
		free(seed);
		return;
	}
	*strchr(line, '\n') = '\0';
	fixture_build(&r);
	r.findings[1].evidence[0] = (struct evidence){ "paste.txt", 7, line, "symptom", 0.2 };
	out = fixture_render(&r, "text", false);
	CHECK(strstr(out, line) != NULL);
	free(out);
	free(seed);
	result_release(&r);
}

/* A ruled-out cause shows three lines, counter-evidence first. */
static void test_ruled_out_shows_counter_evidence_first(void)
{
	struct result r;
	struct finding *f;
	char *out;
	long because, counter, first_reset;

	fixture_build(&r);
	f = &r.ruled_out[0];
	f->n_evidence = f->n_evidence_total = 5;
	f->evidence = fixture_evidence(&r, 5);
	for (size_t i = 0; i < 4; i++)
		f->evidence[i] = (struct evidence){ "dmesg", (uint32_t)(20 + i), seed001_resets[i],
						    "reset-loop", 0.5 };
	f->evidence[4] = (struct evidence){ "etc/pve/qemu-server/103.conf", 9, SEED001_HOSTPCI_LINE,
					    "romfile-set", -3.0 };
	out = fixture_render(&r, "text", false);
	because = fixture_find(out, "      because: no RMRR message");
	counter = fixture_find(
		out, "      (-3.0) etc/pve/qemu-server/103.conf:9: " SEED001_HOSTPCI_LINE "\n");
	first_reset =
		fixture_find(out, "      (+0.5) dmesg:20: [ 120.442320] vfio-pci 0000:00:02.0: "
				  "resetting\n      (+0.5) dmesg:21: ");
	CHECK(because > 0);
	CHECK(counter > because);
	CHECK(first_reset > counter);
	CHECK(strstr(out, "dmesg:22:") == NULL);
	CHECK(fixture_find(out, "      ... and 2 more\n") > first_reset);
	free(out);
	result_release(&r);
}

/* Two unmet needs of one cause: one heading, both commands. */
static void test_unchecked_needs_of_one_cause_share_a_heading(void)
{
	struct result r;
	char *out;
	long head, run1, run2;

	fixture_build(&r);
	r.n_unchecked = 2;
	r.unchecked = arena_alloc(&r.arena, 2 * sizeof(*r.unchecked));
	r.unchecked[0] = (struct unchecked){ "rom-invalid-signature", "Option ROM signature",
					     "the PCI device list", "lspci -nnk" };
	r.unchecked[1] = (struct unchecked){ "rom-invalid-signature", "Option ROM signature",
					     "the VM configuration",
					     "cat /etc/pve/qemu-server/<vmid>.conf" };
	out = fixture_render(&r, "text", false);
	head = fixture_find(out, "  - Option ROM signature (rom-invalid-signature)\n");
	run1 = fixture_find(out, "      run: lspci -nnk\n");
	run2 = fixture_find(out, "      missing: the VM configuration\n      run: cat "
				 "/etc/pve/qemu-server/<vmid>.conf\n");
	CHECK(strstr(out, ", 1 could not be checked (2 inputs)\n") != NULL);
	CHECK(head > 0);
	CHECK(run1 > head);
	CHECK(run2 > run1);
	CHECK(run1 > 0 && strstr(out + run1, "(rom-invalid-signature)\n") == NULL);
	free(out);
	result_release(&r);
}

/* On a real terminal (a pseudo-terminal here) report_write() colours, unless NO_COLOR is set. */
static void test_report_write_colours_a_terminal_unless_no_color(void)
{
	for (int no_color = 0; no_color < 2; no_color++) {
		struct result r;
		struct error err = { 0 };
		int master = posix_openpt(O_RDWR | O_NOCTTY);
		int slave = -1;
		FILE *tty = NULL;
		char buf[16384];
		ssize_t n;

		CHECK(master >= 0);
		if (master < 0)
			return;
		if (grantpt(master) == 0 && unlockpt(master) == 0)
			slave = open(ptsname(master), O_RDWR | O_NOCTTY);
		CHECK(slave >= 0);
		tty = slave >= 0 ? fdopen(slave, "w") : NULL;
		CHECK(tty != NULL);
		if (!tty) {
			close(master);
			return;
		}
		if (no_color)
			setenv("NO_COLOR", "1", 1);
		else
			unsetenv("NO_COLOR");
		result_init(&r);
		CHECK_INT(report_write(&r, "text", tty, &err), 0);
		n = read(master, buf, sizeof(buf) - 1);
		CHECK(n > 0);
		buf[n > 0 ? n : 0] = '\0';
		CHECK(strstr(buf, "vfio-doctor") != NULL);
		if (no_color)
			CHECK(strchr(buf, '\033') == NULL);
		else
			CHECK(strstr(buf, "\033[1mvfio-doctor") != NULL);
		fclose(tty);
		close(master);
		result_release(&r);
	}
	setenv("NO_COLOR", "1", 1);
}

static void test_percent_never_rounds_to_certainty(void)
{
	CHECK_INT(report_util_percent(0.998), 99);
	CHECK_INT(report_util_percent(1.0), 100);
	CHECK_INT(report_util_percent(0.92), 92);
	CHECK_INT(report_util_percent(0.004), 1);
	CHECK_INT(report_util_percent(0.0), 0);
	CHECK_INT(report_util_percent(-0.5), 0);
	CHECK_INT(report_util_percent(NAN), 0);
}

TEST_MAIN(test_percent_never_rounds_to_certainty,
	  test_report_write_colours_a_terminal_unless_no_color,
	  test_unchecked_needs_of_one_cause_share_a_heading,
	  test_ruled_out_shows_counter_evidence_first,
	  test_findings_come_in_rank_order_with_evidence_and_fix, test_colour_only_when_asked,
	  test_report_write_to_a_file_has_no_ansi_escapes, test_evidence_is_folded_at_max_evidence,
	  test_control_bytes_in_evidence_are_shown_not_sent,
	  test_nothing_found_says_so_then_what_could_not_be_checked, test_valid_utf8_passes_through)
