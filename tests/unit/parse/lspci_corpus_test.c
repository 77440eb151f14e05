/* lspci_corpus_test.c - the lspci parser over every real lspci file in shared/corpus, and the
 * configuration-space decoder checked against lspci's own text for the same bytes.
 *
 * linuxhw: every lspci.txt parses, and the device count equals the number of block headers
 * counted here independently with a POSIX regex. pciutils-tests: every file parses; for each
 * device that has a hex dump, the text alone (hex lines removed) and the bytes alone
 * (pci_config_decode) must agree on FLR, AF FLR, ACS cap/ctrl, MSI/MSI-X enable, PM state and
 * No_Soft_Reset, PCIe type and link, Resizable BAR and SR-IOV. Known disagreements are listed
 * in known_disagreements[] with the reason; none are expected today.
 */
#include <ctype.h>
#include <dirent.h>
#include <regex.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/pci_config.h"
#include "common/sbuf.h"
#include "parse/parse.h"
#include "parse/parsers_all.h"
#include "test.h"

static const char *const linuxhw_probes[] = {
	"0001", "0002", "0003", "0004", "0005", "0006", "0007"
};

static size_t count_headers(const char *text)
{
	regex_t re;
	size_t n = 0;
	const char *p = text;

	if (regcomp(&re, "^([0-9a-f]{4}:)?[0-9a-f]{2}:[0-9a-f]{2}\\.[0-7] ",
		    REG_EXTENDED | REG_NOSUB | REG_NEWLINE) != 0)
		return (size_t)-1;
	for (;;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		char *line = strndup(p, len);

		if (regexec(&re, line, 0, NULL, 0) == 0)
			n++;
		free(line);
		if (!nl)
			break;
		p = nl + 1;
	}
	regfree(&re);
	return n;
}

static void test_linuxhw_lspci_files_parse_with_one_row_per_block(void)
{
	for (size_t i = 0; i < sizeof(linuxhw_probes) / sizeof(linuxhw_probes[0]); i++) {
		char rel[64];
		size_t len, want;
		char *text;
		struct parse_out out;
		struct error err = { 0 };

		snprintf(rel, sizeof(rel), "corpus/linuxhw/%s/lspci.txt", linuxhw_probes[i]);
		text = test_read_file(test_path("VD_SHARED_DIR", rel), &len);
		want = count_headers(text);
		parse_out_init(&out);
		CHECK_INT(lspci_parse(str_from_mem(text, len), &out, &err), 0);
		CHECK_INT(out.devices.n, want);
		CHECK(want > 0);
		CHECK_INT(out.warnings.n, 0);
		CHECK(lspci_sniff(str_from_mem(text, len)) >= 80);
		for (size_t d = 0; d < out.devices.n; d++) {
			CHECK(out.devices.v[d].has_ids);
			CHECK(out.devices.v[d].has_class);
		}
		/* every line is a row, and every row inside a block names the block's device */
		for (size_t l = 0; l < out.lines.n; l++)
			if (out.lines.v[l].text.len)
				CHECK(out.lines.v[l].has_bdf);
		parse_out_release(&out);
		free(text);
	}
}

/* 0002 binds a GTX 1050 to vfio-pci; 0007's Thunderbolt root ports print the rebar error. */
static void test_linuxhw_rows_carry_driver_group_and_rebar_error(void)
{
	size_t len;
	char *text =
		test_read_file(test_path("VD_SHARED_DIR", "corpus/linuxhw/0002/lspci.txt"), &len);
	struct parse_out out;
	struct error err = { 0 };
	int found = 0;

	parse_out_init(&out);
	CHECK_INT(lspci_parse(str_from_mem(text, len), &out, &err), 0);
	for (size_t d = 0; d < out.devices.n; d++) {
		const struct device_row *r = &out.devices.v[d];

		if (r->bdf.bus != 0x42 || r->bdf.dev != 0 || r->bdf.func != 0)
			continue;
		found++;
		CHECK_INT(r->class_code, 0x0300);
		CHECK_INT(r->vendor, 0x10de);
		CHECK_INT(r->device, 0x1c81);
		CHECK_INT(r->iommu_group, 69);
		CHECK_VIEW(r->driver, "vfio-pci");
		CHECK_VIEW(r->modules, "nvidiafb, nouveau");
		CHECK_VIEW(r->vendor_name, "NVIDIA Corporation");
		CHECK_VIEW(r->device_name, "GP107 [GeForce GTX 1050]");
		CHECK(r->regions[1].present && r->regions[1].is_64 && r->regions[1].is_pref);
		CHECK_INT(r->regions[1].size, 256u << 20);
		CHECK(r->regions[6].present && r->regions[6].disabled);
		CHECK(r->caps.has_pcie && r->caps.pcie_type == 1);
	}
	CHECK_INT(found, 1);
	parse_out_release(&out);
	free(text);

	text = test_read_file(test_path("VD_SHARED_DIR", "corpus/linuxhw/0007/lspci.txt"), &len);
	parse_out_init(&out);
	found = 0;
	CHECK_INT(lspci_parse(str_from_mem(text, len), &out, &err), 0);
	for (size_t d = 0; d < out.devices.n; d++)
		if (out.devices.v[d].caps.rebar_invalid)
			found++;
	CHECK_INT(found, 2);
	parse_out_release(&out);
	free(text);
}

/* ---- decoder cross-check on pciutils' dumps ---- */

struct cross {
	int devices, compared_groups, disagreements;
	int pm, msi, msix, pcie, flr, af, acs, rebar;
};

/* A disagreement the data explains; file and BDF as printed, what, and why. */
static const struct {
	const char *file, *bdf, *what, *why;
} known_disagreements[] = {
	{ NULL, NULL, NULL, NULL },
};

static bool is_known(const char *file, const char *bdf, const char *what)
{
	for (size_t i = 0; known_disagreements[i].file; i++)
		if (!strcmp(known_disagreements[i].file, file) &&
		    !strcmp(known_disagreements[i].bdf, bdf) &&
		    !strcmp(known_disagreements[i].what, what))
			return true;
	return false;
}

static void disagree(struct cross *x, const char *file, const char *bdf, const char *what, long t,
		     long b)
{
	if (is_known(file, bdf, what))
		return;
	fprintf(stderr, "%s %s: %s text=%ld bytes=%ld\n", file, bdf, what, t, b);
	x->disagreements++;
}

#define AGREE(field, name)                                                                \
	do {                                                                              \
		if ((long)(t->field) != (long)(b->field))                                 \
			disagree(x, file, bdf, name, (long)(t->field), (long)(b->field)); \
	} while (0)

static void compare_caps(struct cross *x, const char *file, const char *bdf,
			 const struct pci_caps *t, const struct pci_caps *b, bool extended)
{
	AGREE(has_pm, "has_pm");
	AGREE(has_msi, "has_msi");
	AGREE(has_msix, "has_msix");
	AGREE(has_pcie, "has_pcie");
	AGREE(has_af, "has_af");
	/* a 256-byte dump (lspci -xxx) has no extended capabilities to compare */
	if (extended) {
		AGREE(has_acs, "has_acs");
		AGREE(has_rebar, "has_rebar");
		AGREE(has_sriov, "has_sriov");
	}
	if (t->has_pm && b->has_pm) {
		AGREE(pm_state, "pm_state");
		AGREE(pm_no_soft_reset, "pm_no_soft_reset");
		x->compared_groups++;
		x->pm++;
	}
	if (t->has_msi && b->has_msi) {
		AGREE(msi_enabled, "msi_enabled");
		x->compared_groups++;
		x->msi++;
	}
	if (t->has_msix && b->has_msix) {
		AGREE(msix_enabled, "msix_enabled");
		x->compared_groups++;
		x->msix++;
	}
	if (t->has_pcie && b->has_pcie) {
		AGREE(pcie_type, "pcie_type");
		/* lspci prints FLReset in DevCap for endpoints (and legacy ones) only */
		if (t->pcie_type <= 1) {
			AGREE(flr, "flr");
			x->flr += t->flr;
		}
		x->pcie++;
		if (t->link_width_cap)
			AGREE(link_width_cap, "link_width_cap");
		if (t->link_speed_cap)
			AGREE(link_speed_cap, "link_speed_cap");
		if (t->link_width)
			AGREE(link_width, "link_width");
		if (t->link_speed)
			AGREE(link_speed, "link_speed");
		x->compared_groups++;
	}
	if (t->has_af && b->has_af) {
		AGREE(af_flr, "af_flr");
		x->compared_groups++;
		x->af++;
	}
	if (t->has_acs && b->has_acs) {
		AGREE(acs_cap, "acs_cap");
		AGREE(acs_ctrl, "acs_ctrl");
		x->compared_groups++;
		x->acs++;
	}
	if (t->has_rebar && b->has_rebar) {
		AGREE(rebar_invalid, "rebar_invalid");
		AGREE(n_rebar, "n_rebar");
		for (unsigned i = 0; i < t->n_rebar && i < b->n_rebar; i++) {
			AGREE(rebar[i].bar, "rebar.bar");
			AGREE(rebar[i].current, "rebar.current");
			AGREE(rebar[i].supported, "rebar.supported");
		}
		x->compared_groups++;
		x->rebar++;
	}
}

static bool is_hex_line(const char *p, size_t len)
{
	size_t i = 0;

	while (i < len && i < 3 && strchr("0123456789abcdef", p[i]) && p[i])
		i++;
	return i >= 2 && i < len && p[i] == ':' && i + 1 < len && p[i + 1] == ' ';
}

static int hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* One block: its text without hex lines goes to the parser, its hex lines to the decoder. */
static void cross_check_block(struct cross *x, const char *file, const char *blk, size_t len)
{
	struct sbuf txt;
	uint8_t cfg[4096] = { 0 };
	size_t cfg_len = 0;
	const char *p = blk, *end = blk + len;
	struct parse_out out;
	struct error err = { 0 };
	struct pci_caps dec;
	char bdf[32] = "";

	sbuf_init(&txt, 1 << 20);
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t l = nl ? (size_t)(nl - p) : (size_t)(end - p);

		if (is_hex_line(p, l)) {
			unsigned off = 0;
			const char *q = p;

			while (*q != ':')
				off = off * 16 + (unsigned)hexval(*q++);
			q += 1;
			for (unsigned i = 0; q + 3 <= p + l && off + i < sizeof(cfg); i++, q += 3) {
				cfg[off + i] = (uint8_t)(hexval(q[1]) * 16 + hexval(q[2]));
				if (off + i + 1 > cfg_len)
					cfg_len = off + i + 1;
			}
		} else {
			sbuf_add(&txt, p, l);
			sbuf_addch(&txt, '\n');
		}
		p = nl ? nl + 1 : end;
	}
	if (!cfg_len) {
		sbuf_release(&txt);
		return;
	}
	sscanf(blk, "%31s", bdf);
	parse_out_init(&out);
	CHECK_INT(lspci_parse(str_from_mem(txt.buf, txt.len), &out, &err), 0);
	CHECK_INT(out.devices.n, 1);
	CHECK(pci_config_decode(cfg, cfg_len, &dec));
	if (out.devices.n == 1) {
		const struct device_row *d = &out.devices.v[0];

		x->devices++;
		if (d->has_ids && (d->vendor != dec.vendor || d->device != dec.device))
			disagree(x, file, bdf, "ids", d->vendor << 16 | d->device,
				 dec.vendor << 16 | dec.device);
		if (d->rev >= 0 && d->rev != dec.revision)
			disagree(x, file, bdf, "rev", d->rev, dec.revision);
		/* the text alone never decodes; only compare what -vvv printed */
		if (d->caps.known && cfg_len >= 256)
			compare_caps(x, file, bdf, &d->caps, &dec, cfg_len >= 4096);
	}
	parse_out_release(&out);
	sbuf_release(&txt);
}

static void cross_check_file(struct cross *x, const char *name, const char *text, size_t len)
{
	regex_t re;
	const char *p = text, *end = text + len, *blk = NULL;

	CHECK(regcomp(&re, "^([0-9a-f]{4}:)?[0-9a-f]{2}:[0-9a-f]{2}\\.[0-7] ",
		      REG_EXTENDED | REG_NOSUB) == 0);
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t l = nl ? (size_t)(nl - p) : (size_t)(end - p);
		char *line = strndup(p, l);

		if (regexec(&re, line, 0, NULL, 0) == 0) {
			if (blk)
				cross_check_block(x, name, blk, (size_t)(p - blk));
			blk = p;
		}
		free(line);
		p = nl ? nl + 1 : end;
	}
	if (blk)
		cross_check_block(x, name, blk, (size_t)(end - blk));
	regfree(&re);
}

static void test_pciutils_dumps_parse_and_decoder_agrees_with_text(void)
{
	const char *dir = test_path("VD_SHARED_DIR", "corpus/pciutils-tests");
	char dirbuf[4096];
	struct cross x = { 0 };
	struct dirent *e;
	int files = 0;
	DIR *d;

	snprintf(dirbuf, sizeof(dirbuf), "%s", dir);
	d = opendir(dirbuf);
	CHECK(d != NULL);
	while (d && (e = readdir(d))) {
		char path[8192];
		struct parse_out out;
		struct error err = { 0 };
		size_t len;
		char *text;

		if (e->d_name[0] == '.' || !strcmp(e->d_name, "README.md"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dirbuf, e->d_name);
		text = test_read_file(path, &len);
		parse_out_init(&out);
		CHECK_INT(lspci_parse(str_from_mem(text, len), &out, &err), 0);
		CHECK_INT(out.devices.n, count_headers(text));
		CHECK_INT(out.warnings.n, 0);
		parse_out_release(&out);
		cross_check_file(&x, e->d_name, text, len);
		free(text);
		files++;
	}
	if (d)
		closedir(d);
	printf("pciutils-tests: %d files, %d devices with dumps, %d capability groups compared "
	       "(pm %d msi %d msix %d pcie %d flr+ %d af %d acs %d rebar %d), %d disagreements\n",
	       files, x.devices, x.compared_groups, x.pm, x.msi, x.msix, x.pcie, x.flr, x.af, x.acs,
	       x.rebar, x.disagreements);
	/* floors measured on the corpus as shipped, so that a parser losing a group fails */
	CHECK(files >= 38);
	CHECK(x.devices >= 160);
	CHECK(x.compared_groups >= 120);
	CHECK(x.pm && x.msi && x.msix && x.pcie && x.flr && x.af && x.acs && x.rebar);
	CHECK_INT(x.disagreements, 0);
}

/* The hex lines of the device bdf in a pciutils test file, appended to sb. */
static void append_dump_of(struct sbuf *sb, const char *text, const char *bdf)
{
	const char *p = text;
	bool in = false;
	size_t n = strlen(bdf);

	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t l = nl ? (size_t)(nl - p) : strlen(p);

		if (l > n && p[n] == ' ' && isxdigit((unsigned char)p[0]) &&
		    ((p[2] == ':' && p[5] == '.') || (p[4] == ':' && p[7] == ':' && p[10] == '.')))
			in = strncmp(p, bdf, n) == 0;
		else if (in && is_hex_line(p, l)) {
			sbuf_add(sb, p, l);
			sbuf_addch(sb, '\n');
		}
		if (!nl)
			break;
		p = nl + 1;
	}
}

/* Debian's lspci 3.9 re-reads the same dumps (tests/unit/parse/data/lspci39-vvv): its text
 * must agree with the decoder too. Each device block there is joined with its hex lines from
 * the original file and checked like the original text. */
static void test_lspci39_text_of_the_same_dumps_agrees_with_decoder(void)
{
	const char *dir = test_path("VD_SOURCE_DIR", "tests/unit/parse/data/lspci39-vvv");
	char dirbuf[4096];
	struct cross x = { 0 };
	struct dirent *e;
	DIR *d;

	snprintf(dirbuf, sizeof(dirbuf), "%s", dir);
	d = opendir(dirbuf);
	CHECK(d != NULL);
	while (d && (e = readdir(d))) {
		char path[8192], rel[512];
		char *text, *orig;
		const char *p;
		size_t len;

		if (e->d_name[0] == '.' || !strcmp(e->d_name, "README.md"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dirbuf, e->d_name);
		snprintf(rel, sizeof(rel), "corpus/pciutils-tests/%s", e->d_name);
		text = test_read_file(path, &len);
		orig = test_read_file(test_path("VD_SHARED_DIR", rel), NULL);
		/* blocks are separated by blank lines */
		for (p = text; *p;) {
			const char *end = strstr(p, "\n\n");
			size_t blen = end ? (size_t)(end - p) + 1 : strlen(p);
			struct sbuf blk;
			char bdf[32] = "";

			sbuf_init(&blk, 1 << 20);
			sbuf_add(&blk, p, blen);
			if (sscanf(p, "%31s", bdf) == 1)
				append_dump_of(&blk, orig, bdf);
			cross_check_block(&x, e->d_name, blk.buf, blk.len);
			sbuf_release(&blk);
			p += blen;
			while (*p == '\n')
				p++;
		}
		free(orig);
		free(text);
	}
	if (d)
		closedir(d);
	printf("lspci 3.9 text: %d devices with dumps, %d capability groups compared "
	       "(pm %d msi %d msix %d pcie %d flr+ %d af %d acs %d rebar %d), %d disagreements\n",
	       x.devices, x.compared_groups, x.pm, x.msi, x.msix, x.pcie, x.flr, x.af, x.acs,
	       x.rebar, x.disagreements);
	/* floors measured when the data was made */
	CHECK(x.devices >= 160);
	CHECK(x.compared_groups >= 265);
	CHECK_INT(x.disagreements, 0);
}

TEST_MAIN(test_linuxhw_lspci_files_parse_with_one_row_per_block,
	  test_linuxhw_rows_carry_driver_group_and_rebar_error,
	  test_pciutils_dumps_parse_and_decoder_agrees_with_text,
	  test_lspci39_text_of_the_same_dumps_agrees_with_decoder)
