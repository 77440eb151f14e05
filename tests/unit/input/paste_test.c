/* paste_test.c - input/paste.c on real forum pastes: seed 001 (`Code:` blocks, the two-line
 * "root@node-home ~" / "➤ dmesg | grep -i vfio" prompt, prose between), seed 004
 * ("cr0x@server:~$ cmd" prompts), seed 000 (``` fences), and a real dmesg with no marker. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "input/paste.h"
#include "test.h"

static char *seed(const char *rel, struct str *text)
{
	size_t len;
	char *buf = test_read_file(test_path("VD_SHARED_DIR", rel), &len);

	*text = str_from_mem(buf, len);
	return buf;
}

static const struct paste_part *part_at(const struct paste *p, uint32_t first_line)
{
	for (size_t i = 0; i < p->parts.n; i++)
		if (p->parts.v[i].first_line == first_line)
			return &p->parts.v[i];
	return NULL;
}

static void test_seed001_splits_at_code_markers_and_two_line_prompts(void)
{
	struct str text;
	char *buf = seed("seeds/001_08cfc1e37197bab7.txt", &text);
	struct paste p;
	const struct paste_part *vfio, *iommu, *conf;

	paste_split(text, &p);
	CHECK(p.split);
	vfio = part_at(&p, 8);
	iommu = part_at(&p, 21);
	conf = part_at(&p, 39);
	CHECK(vfio && iommu && conf);
	if (vfio && iommu && conf) {
		CHECK_INT(vfio->marker, PASTE_PROMPT);
		CHECK_VIEW(vfio->command, "dmesg | grep -i vfio");
		CHECK_INT(vfio->last_line, 18);
		CHECK(str_starts_with(vfio->text, "[ 4.075646] VFIO - User Level meta-driver"));
		CHECK(str_ends_with(str_rtrim(vfio->text), "expecting 0xaa55, got 0xcffa"));
		CHECK_VIEW(iommu->command, "dmesg | grep -i iommu");
		/* "# ... (Other IOMMU Groups) ..." is output, not a prompt */
		CHECK_INT(iommu->last_line, 26);
		CHECK_INT(conf->marker, PASTE_CODE);
		CHECK_INT(conf->last_line, 63);
		CHECK(str_starts_with(conf->text, "agent: 1\n"));
		CHECK(str_contains(conf->context, "/etc/pve/qemu-server/103.conf"));
	}
	/* the prose parts hold the sentences, the blocks never do */
	for (size_t i = 0; i < p.parts.n; i++)
		if (p.parts.v[i].marker != PASTE_PROSE)
			CHECK(!str_contains(p.parts.v[i].text, "The error message"));
	paste_release(&p);
	free(buf);
}

static void test_seed004_splits_at_every_user_host_prompt(void)
{
	struct str text;
	char *buf = seed("seeds/004_d9beef6cfd738058.txt", &text);
	struct paste p;
	const struct paste_part *qm, *cmdline;
	size_t prompts = 0;

	paste_split(text, &p);
	for (size_t i = 0; i < p.parts.n; i++)
		prompts += p.parts.v[i].marker == PASTE_PROMPT;
	CHECK(prompts >= 20);
	qm = part_at(&p, 166);
	cmdline = part_at(&p, 66);
	CHECK(qm && cmdline);
	if (qm && cmdline) {
		CHECK_VIEW(qm->command, "qm config 110");
		CHECK_VIEW(cmdline->command, "cat /proc/cmdline");
	}
	paste_release(&p);
	free(buf);
}

static void test_seed000_fenced_blocks_are_parts(void)
{
	struct str text;
	char *buf = seed("seeds/000_32b539c6373478b1.txt", &text);
	struct paste p;
	size_t fences = 0;

	paste_split(text, &p);
	CHECK(p.split);
	for (size_t i = 0; i < p.parts.n; i++) {
		fences += p.parts.v[i].marker == PASTE_FENCE;
		CHECK(!str_contains(p.parts.v[i].text, "```"));
	}
	CHECK(fences >= 10);
	paste_release(&p);
	free(buf);
}

static void test_a_real_dmesg_is_one_part(void)
{
	struct str text;
	char *buf = seed("corpus/linuxhw/0002/dmesg.txt", &text);
	struct paste p;

	paste_split(text, &p);
	CHECK(!p.split);
	CHECK_INT(p.parts.n, 1);
	CHECK_INT(p.parts.v[0].first_line, 1);
	CHECK(p.parts.v[0].text.len == text.len);
	paste_release(&p);
	free(buf);
}

/* linuxhw 0002's dmesg as `dmesg -t` prints it (timestamps cut here), after seed 001's
 * prompt: English-like kernel lines without a full stop do not end the block. */
static void test_untimed_kernel_lines_stay_in_their_block(void)
{
	struct str text;
	char *buf = seed("corpus/linuxhw/0002/dmesg.txt", &text);
	struct paste p;
	size_t cap = text.len + 64, n = 0;
	char *paste = malloc(cap);
	struct str in = text, line;

	n += (size_t)snprintf(paste, cap, "root@node-home ~\n\xe2\x9e\xa4 dmesg -t\n");
	while (str_next_line(&in, &line)) {
		long close = str_find(line, "] ");

		if (close > 0)
			line = str_sub(line, (size_t)close + 2, line.len);
		memcpy(paste + n, line.ptr, line.len);
		n += line.len;
		paste[n++] = '\n';
	}
	CHECK(str_contains(str_from_mem(paste, n), "\nCalibrating delay loop (skipped), value"));
	paste_split(str_from_mem(paste, n), &p);
	CHECK(p.split);
	CHECK_INT(p.parts.n, 1);
	if (p.parts.n == 1) {
		CHECK_INT(p.parts.v[0].first_line, 3);
		CHECK_VIEW(p.parts.v[0].command, "dmesg -t");
	}
	paste_release(&p);
	free(paste);
	free(buf);
}

static void test_prompt_shapes(void)
{
	struct str cmd;

	/* from the issue and seeds 001, 004 */
	CHECK(paste_is_prompt(STR_LIT("root@pve:~# dmesg | grep -i vfio"), &cmd));
	CHECK_VIEW(cmd, "dmesg | grep -i vfio");
	CHECK(paste_is_prompt(STR_LIT("$ lspci -nnk"), &cmd));
	CHECK_VIEW(cmd, "lspci -nnk");
	CHECK(paste_is_prompt(STR_LIT("# cat /etc/pve/qemu-server/100.conf"), &cmd));
	CHECK(paste_is_prompt(STR_LIT("\xe2\x9e\xa4 dmesg | grep -i iommu"), &cmd));
	CHECK_VIEW(cmd, "dmesg | grep -i iommu");
	CHECK(paste_is_prompt(STR_LIT("cr0x@server:~$ lspci -t"), &cmd));
	CHECK(paste_is_prompt(STR_LIT("[root@host ~]# lspci -nnk"), &cmd));
	/* not prompts: a modprobe.d comment, seed 001's "# ..." line, a kernel line naming build@
	 */
	CHECK(!paste_is_prompt(STR_LIT("# blacklist nouveau for vfio"), &cmd));
	CHECK(!paste_is_prompt(STR_LIT("# ... (Other IOMMU Groups) ..."), &cmd));
	CHECK(!paste_is_prompt(STR_LIT("# for the GPU"), &cmd));
	CHECK(!paste_is_prompt(STR_LIT("[    0.000000] Linux version 6.8.12-4-pve (build@proxmox) "
				       "(gcc (Debian 12.2.0-14) 12.2.0) #1 SMP"),
			       &cmd));
}

static void test_prose_and_output_lines(void)
{
	/* seed 001 prose */
	CHECK(paste_is_prose(STR_LIT("Here are the relevant `dmesg` log snippets:")));
	CHECK(paste_is_prose(STR_LIT("The error message `Invalid PCI ROM header signature: "
				     "expecting 0xaa55, got 0xcffa` clearly indicates that the")));
	/* output: seed 001's config and dmesg, linuxhw lspci and lscpu (0005) */
	CHECK(!paste_is_prose(STR_LIT("args: -set device.hostpci0.bus=pcie.0")));
	CHECK(!paste_is_prose(STR_LIT("[ 0.509108] iommu: Default domain type: Translated")));
	CHECK(!paste_is_prose(STR_LIT("\tKernel driver in use: vfio-pci")));
	CHECK(!paste_is_prose(STR_LIT("Model name:            AMD Opteron(tm) X3216 APU")));
	/* seed 004 line 184, a journal line */
	CHECK(!paste_is_prose(
		STR_LIT("Dec 26 09:20:11 server pvedaemon[1324]: VM 110 qmp command "
			"failed - unable to open /dev/vfio/7: Device or resource busy")));
}

/* Web pages copied as text lose their code blocks: seed 003 (the Arch wiki) quotes
 * "vfio-pci 0000:09:00.0: BAR 3: cannot reserve [mem ...]" on line 67 and the RMRR refusal on
 * line 363 as single lines between sentences, seed 002 (the Proxmox wiki) the BAR 3 line on
 * 183. Each must be a part of its own, not a line of the prose around it. */
static void test_log_lines_quoted_in_prose_are_parts(void)
{
	static const struct {
		const char *seed;
		uint32_t line;
		const char *text;
	} quoted[] = {
		{ "seeds/003_a3093cee4319a564.txt", 67,
		  "vfio-pci 0000:09:00.0: BAR 3: cannot reserve" },
		{ "seeds/003_a3093cee4319a564.txt", 363, "platform RMRR requirement" },
		{ "seeds/002_352eabad9f967e48.txt", 183,
		  "vfio-pci 0000:04:00.0: BAR 3: can't reserve" },
	};

	for (size_t i = 0; i < sizeof(quoted) / sizeof(quoted[0]); i++) {
		struct str text;
		char *buf = seed(quoted[i].seed, &text);
		struct paste p;
		const struct paste_part *part;

		paste_split(text, &p);
		part = part_at(&p, quoted[i].line);
		CHECK(part != NULL);
		if (part) {
			CHECK_INT(part->marker, PASTE_BLOCK);
			CHECK(str_starts_with(part->text, quoted[i].text) ||
			      str_contains(part->text, quoted[i].text));
		}
		paste_release(&p);
		free(buf);
	}
	/* prose that names an address is still prose; an address without the driver's ": " is
	 * not a quoted message */
	CHECK(paste_is_prose(STR_LIT("I encountered a Code 43 error with the graphics driver "
				     "(Intel UHD Graphics, PCI ID `0000:00:02.0`) on a host.")));
}

TEST_MAIN(test_seed001_splits_at_code_markers_and_two_line_prompts,
	  test_seed004_splits_at_every_user_host_prompt, test_seed000_fenced_blocks_are_parts,
	  test_a_real_dmesg_is_one_part, test_untimed_kernel_lines_stay_in_their_block,
	  test_prompt_shapes, test_prose_and_output_lines, test_log_lines_quoted_in_prose_are_parts)
