/* matcher_test.c - knowledge clauses against a real fact store: captures become variables, the
 * literal prefilter keeps lines away from PCRE2, the match limit turns a catastrophic pattern
 * into a warning, SQL clauses bind variables and cite file:line, pattern clauses agree with the
 * candidate's device, required clauses drop candidates, and the device graph names the VM.
 * Inputs are real: catalog examples (K-PCI-01, K-PCI-05), seed 001's VM 103 config and
 * linuxhw probe 0002's boot log; only the limit test generates its hostile line. */
#include <stdio.h>
#include <string.h>

#include "common/sbuf.h"
#include "facts/factstore.h"
#include "input/ingest.h"
#include "kb/kb.h"
#include "match/matcher.h"
#include "rank/diagnose.h"
#include "test.h"

#define BDF_RE "(?<bdf>[0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\\\\.[0-7])"

static const char k_pci_01[] =
	"[  150.123456] vfio-pci 0000:01:00.0: BAR 1: can't reserve [mem 0xc0000000-0xcfffffff "
	"64bit pref]\n";
static const char k_pci_05[] = "[  123.660367] vfio-pci 0000:00:02.0: Invalid PCI ROM header "
			       "signature: expecting 0xaa55, got 0xcffa\n";
/* seed 001, lines 39-50: the VM 103 config that passes the N100 iGPU through */
static const char seed001_conf[] = "agent: 1\n"
				   "bios: ovmf\n"
				   "cpu: host,hidden=1\n"
				   "hostpci0: 0000:00:02.0,romfile=12-n100-q10.rom,pcie=1,x-vga=1\n"
				   "machine: pc-q35-10.0+pve1\n"
				   "memory: 8192\n";

/* A signature around one clause list; tests fill in the clauses and subject. */
static char *sig_json(const char *id, const char *subject, const char *clauses)
{
	struct sbuf sb;

	sbuf_init(&sb, 1 << 16);
	sbuf_addf(
		&sb,
		"{\"id\": \"%s\", \"title\": \"t\", \"category\": \"bar\", \"severity\": \"error\","
		" \"subject\": \"%s\", \"prior\": 0, \"symptoms\": [\"code-43\"], \"needs\": [],"
		" \"clauses\": [%s], \"fix\": \"x\", \"references\": [\"https://example.org\"],"
		" \"tests\": {\"positive\": [{\"name\": \"p\", \"inputs\": [{\"name\": \"a\", "
		"\"text\": \"a\"}]}], \"negative\": [{\"name\": \"n\", \"inputs\": [{\"name\": "
		"\"a\", \"text\": \"a\"}]}]}}",
		id, subject, clauses);
	return sbuf_detach(&sb, NULL);
}

static struct kb *kb_of(const char *json)
{
	const char *name = "t.json";
	size_t len = strlen(json);
	struct error err = { 0 };
	struct kb *kb = kb_load_mem(&name, &json, &len, 1, &err);

	if (!kb)
		fprintf(stderr, "kb: %s\n", err.msg);
	return kb;
}

static void add_input(struct ingest *ing, const char *name, const char *text, size_t len)
{
	struct error err = { 0 };

	if (ingest_buffer(ing, name, str_from_mem(text, len), &err) < 0)
		fprintf(stderr, "ingest '%s': %s\n", name, err.msg);
}

struct run {
	struct factstore *fs;
	struct ingest ing;
	struct kb *kb;
	struct matcher *m;
	struct match_out out;
	struct diagnose_stats stats;
};

static bool run_start(struct run *r, const char *json)
{
	struct error err = { 0 };
	char *j = (char *)json;

	memset(r, 0, sizeof(*r));
	r->fs = factstore_open(NULL, &err);
	ingest_init(&r->ing, r->fs);
	match_out_init(&r->out);
	r->kb = kb_of(j);
	r->m = r->kb ? matcher_new(r->kb, &err) : NULL;
	free(j);
	return r->m != NULL;
}

static int run_match(struct run *r)
{
	struct error err = { 0 };
	int rc = matcher_run(r->m, r->fs, &r->out, &r->stats, &err);

	if (rc < 0)
		fprintf(stderr, "matcher_run: %s\n", err.msg);
	return rc;
}

static void run_end(struct run *r)
{
	match_out_release(&r->out);
	matcher_free(r->m);
	kb_free(r->kb);
	ingest_release(&r->ing);
	factstore_close(r->fs);
}

static const char bar_clause[] =
	"{\"name\": \"bar_line\", \"type\": \"pattern\", \"sources\": [\"kernel_log\"], "
	"\"literal\": \"t reserve [\", \"required\": true, \"weight\": 2, "
	"\"pattern\": \"" BDF_RE
	": BAR (?<bar>\\\\d+): can't reserve (?<res>\\\\[[^\\\\]]+\\\\])\"}";

static void test_captures_become_candidate_variables(void)
{
	struct run r;

	if (!run_start(&r, sig_json("bar-reserve-conflict", "device", bar_clause)))
		CHECK(0);
	add_input(&r.ing, "dmesg.txt", k_pci_01, strlen(k_pci_01));
	CHECK_INT(run_match(&r), 0);
	CHECK_INT(r.out.n_cands, 1);
	if (r.out.n_cands == 1) {
		const struct candidate *c = &r.out.cands[0];
		CHECK_STR(c->subject, "0000:01:00.0");
		CHECK_STR(candidate_var(c, "bar"), "1");
		CHECK_STR(candidate_var(c, "res"), "[mem 0xc0000000-0xcfffffff 64bit pref]");
		CHECK(c->matched[0]);
		CHECK_INT(c->n_ev, 1);
		CHECK_STR(c->ev[0].path, "dmesg.txt");
		CHECK_INT(c->ev[0].line, 1);
	}
	run_end(&r);
}

static void test_prefilter_keeps_lines_without_the_literal_from_pcre2(void)
{
	struct run r;
	char path[1024];
	size_t len = 0, with_literal = 0;
	char *dmesg;

	snprintf(path, sizeof(path), "%s/corpus/linuxhw/0002/dmesg.txt", test_env("VD_SHARED_DIR"));
	dmesg = test_read_file(path, &len);
	for (struct str rest = str_from_mem(dmesg, len), line; str_next_line(&rest, &line);)
		with_literal += memmem(line.ptr, line.len, "t reserve [", 11) != NULL;
	if (!run_start(&r, sig_json("bar-reserve-conflict", "device", bar_clause)))
		CHECK(0);
	add_input(&r.ing, "dmesg.txt", dmesg, len);
	CHECK_INT(run_match(&r), 0);
	CHECK(r.stats.lines_scanned > 1000);
	/* one clause: every scanned line either reached PCRE2 or was skipped by memmem */
	CHECK_INT(r.stats.pattern_calls, with_literal);
	CHECK_INT(r.stats.prefilter_skips, r.stats.lines_scanned - with_literal);
	CHECK_INT(r.out.n_cands, 0); /* a healthy boot: no BAR conflict */
	run_end(&r);
	free(dmesg);
}

static void test_match_limit_turns_into_a_warning(void)
{
	static const char bad[] =
		"{\"name\": \"bad\", \"type\": \"pattern\", \"sources\": "
		"[\"kernel_log\", \"text\", \"cmdline\"], \"literal\": \"aaaa\", \"required\": true, "
		"\"weight\": 1, \"pattern\": \"(?:(?:a|a)+)+x\"}";
	struct run r;
	struct sbuf line;

	if (!run_start(&r, sig_json("bad-pattern", "host", bad)))
		CHECK(0);
	/* hostile input, generated: a's, then a character the pattern cannot take, then x */
	sbuf_init(&line, 8192);
	for (int i = 0; i < 4000; i++)
		sbuf_addch(&line, 'a');
	sbuf_addstr(&line, "b x\n");
	add_input(&r.ing, "hostile.txt", line.buf, line.len);
	CHECK_INT(run_match(&r), 0);
	CHECK(r.stats.match_limit_hits >= 1);
	CHECK(r.out.n_warnings >= 1);
	if (r.out.n_warnings)
		CHECK(strstr(r.out.warnings[0].message, "match limit") != NULL);
	CHECK_INT(r.out.n_cands, 0);
	run_end(&r);
	sbuf_release(&line);
}

static const char rom_clauses[] =
	"{\"name\": \"rom_line\", \"type\": \"pattern\", \"sources\": [\"kernel_log\"], "
	"\"literal\": \"Invalid PCI ROM header signature\", \"required\": true, \"weight\": 2, "
	"\"pattern\": \"" BDF_RE ": Invalid PCI ROM header signature: expecting (?:0x)?aa55, got "
	"(?<got>0x[0-9a-f]+)\"},"
	"{\"name\": \"romfile_set\", \"type\": \"sql\", \"weight\": -3, \"against\": true, "
	"\"reason\": \"r\", \"sql\": \"SELECT v.vmid AS vmid, h.romfile AS romfile, 'vm ' || "
	"v.vmid || ': ' || h.name || ' = ' || h.raw AS evidence, h.input_id, h.lineno FROM "
	"vm_hostdevs h JOIN vms v ON v.id = h.vm_id WHERE h.bdf = :bdf AND h.romfile IS NOT "
	"NULL\"}";

static void test_sql_clause_binds_variables_and_cites_file_and_line(void)
{
	struct run r;

	if (!run_start(&r, sig_json("rom-invalid-signature", "device", rom_clauses)))
		CHECK(0);
	add_input(&r.ing, "dmesg.txt", k_pci_05, strlen(k_pci_05));
	add_input(&r.ing, "103.conf", seed001_conf, strlen(seed001_conf));
	CHECK_INT(run_match(&r), 0);
	CHECK_INT(r.out.n_cands, 1);
	if (r.out.n_cands == 1) {
		const struct candidate *c = &r.out.cands[0];
		CHECK_STR(c->subject, "0000:00:02.0");
		CHECK(c->matched[1]);
		CHECK_STR(candidate_var(c, "vmid"), "103");
		CHECK_STR(candidate_var(c, "romfile"), "12-n100-q10.rom");
		CHECK_INT(c->n_ev, 2);
		if (c->n_ev == 2) {
			CHECK_STR(c->ev[1].path, "103.conf");
			CHECK_INT(c->ev[1].line, 4);
			CHECK_STR(c->ev[1].text,
				  "vm 103: hostpci0 = "
				  "0000:00:02.0,romfile=12-n100-q10.rom,pcie=1,x-vga=1");
		}
		CHECK(candidate_var(c, "input_id") == NULL); /* provenance, not a variable */
	}
	CHECK(r.stats.sql_queries >= 1);
	run_end(&r);
}

static void test_pattern_clause_only_takes_lines_of_the_candidates_device(void)
{
	static const char clauses[] =
		"{\"name\": \"bar_line\", \"type\": \"pattern\", \"sources\": [\"kernel_log\"], "
		"\"literal\": \"t reserve [\", \"required\": true, \"weight\": 2, \"pattern\": "
		"\"" BDF_RE ": BAR (?<bar>\\\\d+): can't reserve\"},"
		"{\"name\": \"rom_line\", \"type\": \"pattern\", \"sources\": [\"kernel_log\"], "
		"\"literal\": \"Invalid PCI ROM header\", \"weight\": 1, \"pattern\": \"" BDF_RE
		": Invalid PCI ROM header signature: expecting 0xaa55, got (?<got>0x[0-9a-f]+)\"}";
	struct run r;
	char text[512];

	if (!run_start(&r, sig_json("bar-reserve-conflict", "device", clauses)))
		CHECK(0);
	/* the ROM line names 00:02.0, the BAR line 01:00.0: they must not meet */
	snprintf(text, sizeof(text), "%s%s", k_pci_01, k_pci_05);
	add_input(&r.ing, "dmesg.txt", text, strlen(text));
	CHECK_INT(run_match(&r), 0);
	CHECK_INT(r.out.n_cands, 1);
	if (r.out.n_cands == 1) {
		CHECK_STR(r.out.cands[0].subject, "0000:01:00.0");
		CHECK(!r.out.cands[0].matched[1]);
		CHECK(candidate_var(&r.out.cands[0], "got") == NULL);
	}
	run_end(&r);
}

static void test_unmatched_required_clause_drops_the_candidate(void)
{
	static const char clauses[] =
		"{\"name\": \"bar_line\", \"type\": \"pattern\", \"sources\": [\"kernel_log\"], "
		"\"literal\": \"t reserve [\", \"required\": true, \"weight\": 2, \"pattern\": "
		"\"" BDF_RE ": BAR (?<bar>\\\\d+): can't reserve\"},"
		"{\"name\": \"in_vm\", \"type\": \"sql\", \"required\": true, \"weight\": 1, "
		"\"sql\": \"SELECT vm_id FROM vm_hostdevs WHERE bdf = :bdf\"}";
	struct run r;

	if (!run_start(&r, sig_json("bar-reserve-conflict", "device", clauses)))
		CHECK(0);
	add_input(&r.ing, "dmesg.txt", k_pci_01, strlen(k_pci_01));
	CHECK_INT(run_match(&r), 0);
	CHECK_INT(r.out.n_cands, 0);
	run_end(&r);
}

static void test_device_graph_names_the_vm_of_a_device_line(void)
{
	static const char clauses[] =
		"{\"name\": \"rom_line\", \"type\": \"pattern\", \"sources\": [\"kernel_log\"], "
		"\"literal\": \"Invalid PCI ROM header\", \"required\": true, \"weight\": 2, "
		"\"pattern\": \"" BDF_RE ": Invalid PCI ROM header signature\"}";
	struct run r;

	if (!run_start(&r, sig_json("vm-rom", "vm", clauses)))
		CHECK(0);
	add_input(&r.ing, "dmesg.txt", k_pci_05, strlen(k_pci_05));
	add_input(&r.ing, "103.conf", seed001_conf, strlen(seed001_conf));
	CHECK_INT(run_match(&r), 0);
	CHECK_INT(r.out.n_cands, 1);
	if (r.out.n_cands == 1) {
		CHECK_STR(r.out.cands[0].subject, "103");
		CHECK_STR(candidate_var(&r.out.cands[0], "vmid"), "103");
	}
	run_end(&r);
}

static void test_lint_passes_the_embedded_kb_and_flags_backtracking(void)
{
	static const char bad[] =
		"{\"name\": \"bad\", \"type\": \"pattern\", \"sources\": "
		"[\"kernel_log\"], \"literal\": \"Cannot read device rom at\", "
		"\"required\": true, \"weight\": 1, \"pattern\": \"vfio-pci: Cannot "
		"read device rom at (?:(?:a|a)+)+x\"}";
	struct error err = { 0 };
	struct kb *kb = kb_load_embedded(&err);
	struct kb_issues is;
	char *json = sig_json("bad-pattern", "host", bad);
	struct kb *badkb = kb_of(json);

	kb_issues_init(&is);
	CHECK(kb != NULL);
	if (kb) {
		CHECK_INT(matcher_lint(kb, &is), 0);
		for (size_t i = 0; i < is.n; i++)
			fprintf(stderr, "%s: %s\n", is.v[i].file, is.v[i].msg);
	}
	CHECK(badkb != NULL);
	if (badkb) {
		CHECK_INT(matcher_lint(badkb, &is), 1);
		if (is.n)
			CHECK(strstr(is.v[is.n - 1].msg, "catastrophic backtracking") != NULL);
	}
	kb_issues_release(&is);
	kb_free(kb);
	kb_free(badkb);
	free(json);
}

TEST_MAIN(test_captures_become_candidate_variables,
	  test_prefilter_keeps_lines_without_the_literal_from_pcre2,
	  test_match_limit_turns_into_a_warning,
	  test_sql_clause_binds_variables_and_cites_file_and_line,
	  test_pattern_clause_only_takes_lines_of_the_candidates_device,
	  test_unmatched_required_clause_drops_the_candidate,
	  test_device_graph_names_the_vm_of_a_device_line,
	  test_lint_passes_the_embedded_kb_and_flags_backtracking)
