/* prefilter_test.c - the matcher's literal prefilter (one scan of a line for every literal)
 * lets exactly the lines through that memmem (or, for caseless clauses, a caseless search)
 * finds a literal in: for clauses whose literals share anchors, sit at the start or the end of
 * lines, come in sets, are one byte long or caseless. Input: linuxhw probe 0002's boot log. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "common/sbuf.h"
#include "facts/factstore.h"
#include "input/ingest.h"
#include "kb/kb.h"
#include "match/matcher.h"
#include "rank/diagnose.h"
#include "test.h"

struct shape {
	const char *literals[3];
	bool caseless;
};

/* literals taken from the log's own lines ("[    0.000000] Linux version ...",
 * "pci 0000:00:1c.0: PCI bridge to [bus 02]", "ACPI: ..."), chosen for the prefilter's cases */
static const struct shape shapes[] = {
	{ .literals = { "pci 0000:" } }, /* common text, anchors on frequent pairs */
	{ .literals = { "[    0.0" } },	 /* at the start of lines */
	{ .literals = { "pref]" } },	 /* anchor "f]" ends lines ("... 64bit pref]") */
	{ .literals = { "Command line", "Kernel command line" } }, /* one inside the other */
	{ .literals = { "BAR ", "bridge window", "PCI bridge to" } },
	{ .literals = { "0000:00:", "0000:0" } },     /* the same anchor for both */
	{ .literals = { "=" } },		      /* one byte: the memmem path */
	{ .literals = { "acpi" }, .caseless = true }, /* caseless: every case of the anchor */
	{ .literals = { "]\n" } },		      /* never in a stored line */
};

static bool has_any(struct str line, const struct shape *s)
{
	for (int i = 0; i < 3 && s->literals[i]; i++) {
		size_t n = strlen(s->literals[i]);

		if (s->caseless) {
			for (size_t j = 0; j + n <= line.len; j++)
				if (strncasecmp(line.ptr + j, s->literals[i], n) == 0)
					return true;
		} else if (memmem(line.ptr, line.len, s->literals[i], n)) {
			return true;
		}
	}
	return false;
}

static char *clause_json(const struct shape *s)
{
	struct sbuf sb;

	sbuf_init(&sb, 1 << 16);
	sbuf_addstr(&sb,
		    "{\"id\": \"prefilter\", \"title\": \"t\", \"category\": \"bar\", "
		    "\"severity\": \"error\", \"subject\": \"host\", \"prior\": 0, "
		    "\"symptoms\": [\"code-43\"], \"needs\": [], \"clauses\": [{\"name\": \"c\", "
		    "\"type\": \"pattern\", \"sources\": [\"kernel_log\"], \"literal\": [");
	for (int i = 0; i < 3 && s->literals[i]; i++) {
		sbuf_addstr(&sb, i ? ", \"" : "\"");
		for (const char *p = s->literals[i]; *p; p++)
			if (*p == '\n')
				sbuf_addstr(&sb, "\\n");
			else
				sbuf_addch(&sb, *p);
		sbuf_addch(&sb, '"');
	}
	sbuf_addf(&sb,
		  "], \"caseless\": %s, \"required\": true, \"weight\": 1, \"pattern\": \"^$\"}], "
		  "\"fix\": \"x\", \"references\": [\"https://example.org\"], \"tests\": "
		  "{\"positive\": [{\"name\": \"p\", \"inputs\": [{\"name\": \"a\", \"text\": "
		  "\"a\"}]}], \"negative\": [{\"name\": \"n\", \"inputs\": [{\"name\": \"a\", "
		  "\"text\": \"a\"}]}]}}",
		  s->caseless ? "true" : "false");
	return sbuf_detach(&sb, NULL);
}

static void check_shape(const struct shape *s, const char *dmesg, size_t len)
{
	struct error err = { 0 };
	struct factstore *fs = factstore_open(NULL, &err);
	struct diagnose_stats stats = { 0 };
	struct match_out out;
	struct ingest ing;
	char *json = clause_json(s);
	const char *name = "t.json", *j = json;
	size_t jlen = strlen(json), want = 0, lines = 0;
	struct kb *kb = kb_load_mem(&name, &j, &jlen, 1, &err);
	struct matcher *m = kb ? matcher_new(kb, &err) : NULL;

	for (struct str rest = str_from_mem(dmesg, len), line; str_next_line(&rest, &line);) {
		want += has_any(line, s);
		lines++;
	}
	CHECK(m != NULL);
	ingest_init(&ing, fs);
	match_out_init(&out);
	if (m) {
		CHECK_INT(ingest_buffer(&ing, "dmesg.txt", str_from_mem(dmesg, len), &err), 0);
		CHECK_INT(matcher_run(m, fs, &out, &stats, &err), 0);
		CHECK_INT(stats.lines_scanned, lines);
		CHECK_INT(stats.pattern_calls, want);
		CHECK_INT(stats.prefilter_skips, lines - want);
	} else {
		fprintf(stderr, "literal '%s': %s\n", s->literals[0], err.msg);
	}
	match_out_release(&out);
	ingest_release(&ing);
	matcher_free(m);
	kb_free(kb);
	factstore_close(fs);
	free(json);
}

static void test_prefilter_passes_the_lines_memmem_finds(void)
{
	char path[1024];
	size_t len = 0;
	char *dmesg;

	snprintf(path, sizeof(path), "%s/corpus/linuxhw/0002/dmesg.txt", test_env("VD_SHARED_DIR"));
	dmesg = test_read_file(path, &len);
	CHECK(dmesg != NULL);
	for (size_t i = 0; dmesg && i < sizeof(shapes) / sizeof(shapes[0]); i++)
		check_shape(&shapes[i], dmesg, len);
	free(dmesg);
}

TEST_MAIN(test_prefilter_passes_the_lines_memmem_finds)
