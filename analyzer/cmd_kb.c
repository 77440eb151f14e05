/* cmd_kb.c - `analyze kb list|lint|test`: the knowledge base for curators (docs/knowledge.md).
 *
 *   analyze kb list [--format text|json] [--kb DIR]
 *   analyze kb lint [--kb DIR]
 *   analyze kb test [--kb DIR] [--id ID] [-v]   (-v: one line per passing example too)
 *
 * Without --kb the knowledge embedded at build time is used. lint and test exit EXIT_KB when
 * they find a problem, after listing every problem (one per line, "file: message").
 */
#include <stdio.h>
#include <string.h>

#include "cmds.h"
#include "common/error.h"
#include "common/json_write.h"
#include "common/limits.h"
#include "common/log.h"
#include "common/sbuf.h"
#include "facts/factstore.h"
#include "input/ingest.h"
#include "kb/kb.h"
#include "kb/kb_test.h"
#include "match/matcher.h"
#include "parse/parse.h"
#include "rank/diagnose.h"
#include "rank/result.h"

struct kb_args {
	const char *action;
	const char *kb_dir;
	const char *format;
	const char *id;
	bool verbose;
};

static void kb_usage(FILE *f)
{
	fprintf(f,
		"usage: analyze kb list [--format text|json] [--kb DIR]\n"
		"       analyze kb lint [--kb DIR]\n"
		"       analyze kb test [--kb DIR] [--id ID] [-v]\n\n"
		"list: the causes the knowledge base knows; lint: check every file (schema,\n"
		"patterns, backtracking, SQL, templates); test: run every file's examples.\n"
		"--kb DIR reads DIR/*.json instead of the embedded knowledge (docs/knowledge.md).\n");
}

static int parse_args(int argc, char **argv, struct kb_args *a)
{
	memset(a, 0, sizeof(*a));
	a->format = "text";
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];
		const char **slot = NULL;

		if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
			kb_usage(stdout);
			return 1;
		}
		if (strcmp(arg, "-v") == 0 || strcmp(arg, "--verbose") == 0) {
			a->verbose = true;
			continue;
		}
		if (strcmp(arg, "--kb") == 0)
			slot = &a->kb_dir;
		else if (strcmp(arg, "--format") == 0)
			slot = &a->format;
		else if (strcmp(arg, "--id") == 0)
			slot = &a->id;
		if (slot) {
			if (i + 1 >= argc) {
				log_error("option '%s' needs a value", arg);
				return -1;
			}
			*slot = argv[++i];
		} else if (!a->action && arg[0] != '-') {
			a->action = arg;
		} else {
			log_error("unknown argument '%s'", arg);
			return -1;
		}
	}
	if (!a->action) {
		kb_usage(stderr);
		return -1;
	}
	if (strcmp(a->format, "text") != 0 && strcmp(a->format, "json") != 0) {
		log_error("unknown format '%s' (text or json)", a->format);
		return -1;
	}
	return 0;
}

static size_t count_type(const struct signature *sig, enum clause_type t)
{
	size_t n = 0;

	for (size_t i = 0; i < sig->n_clauses; i++)
		n += sig->clauses[i].type == t;
	return n;
}

static int kb_list(const struct kb *kb, const char *format)
{
	struct sbuf sb;
	bool first = true;
	int ret = EXIT_OK;

	sbuf_init(&sb, MAX_OUTPUT_BYTES);
	if (strcmp(format, "json") == 0) {
		sbuf_addstr(&sb, "{\"schema\": \"vfio-doctor/kb-list/1\", \"signatures\": [");
		for (size_t i = 0; i < kb->n; i++) {
			const struct signature *s = &kb->sigs[i];
			bool f2 = true;

			json_sep(&sb, &first);
			sbuf_addch(&sb, '{');
			json_key(&sb, &f2, "id");
			json_write_cstr(&sb, s->id);
			json_key(&sb, &f2, "title");
			json_write_cstr(&sb, s->title);
			json_key(&sb, &f2, "category");
			json_write_cstr(&sb, s->category);
			json_key(&sb, &f2, "severity");
			json_write_cstr(&sb, severity_name(s->severity));
			json_key(&sb, &f2, "subject");
			json_write_cstr(&sb, subject_kind_name(s->subject));
			json_key(&sb, &f2, "patterns");
			json_write_u64(&sb, count_type(s, CLAUSE_PATTERN));
			json_key(&sb, &f2, "sql");
			json_write_u64(&sb, count_type(s, CLAUSE_SQL));
			json_key(&sb, &f2, "tests");
			json_write_u64(&sb, s->n_examples);
			sbuf_addch(&sb, '}');
		}
		sbuf_addstr(&sb, "]}\n");
	} else {
		sbuf_addf(&sb, "%-30s %-8s %-7s %-4s %-4s %s\n", "ID", "SEVERITY", "SUBJECT", "PAT",
			  "SQL", "TITLE");
		for (size_t i = 0; i < kb->n; i++) {
			const struct signature *s = &kb->sigs[i];
			sbuf_addf(&sb, "%-30s %-8s %-7s %-4zu %-4zu %s\n", s->id,
				  severity_name(s->severity), subject_kind_name(s->subject),
				  count_type(s, CLAUSE_PATTERN), count_type(s, CLAUSE_SQL),
				  s->title);
		}
	}
	if (sbuf_failed(&sb) || fwrite(sb.buf, 1, sb.len, stdout) != sb.len || fflush(stdout)) {
		log_error("cannot write the list");
		ret = EXIT_OUTPUT;
	}
	sbuf_release(&sb);
	return ret;
}

static void print_issues(const struct kb_issues *is)
{
	for (size_t i = 0; i < is->n; i++)
		printf("%s: %s\n", is->v[i].file ? is->v[i].file : "kb", is->v[i].msg);
}

static int kb_lint_main(const struct kb *kb)
{
	struct error err = { 0 };
	struct kb_issues is;
	struct factstore *fs = factstore_open(NULL, &err);
	int ret;

	if (!fs) {
		log_error("%s", err.msg);
		return err.code;
	}
	kb_issues_init(&is);
	if (kb_lint(kb, fs, &is, &err) < 0) {
		log_error("%s", err.msg);
		ret = err.code;
		goto out;
	}
	matcher_lint(kb, &is);
	print_issues(&is);
	printf("%zu signatures, %zu problems\n", kb->n, is.n);
	ret = is.n ? EXIT_KB : EXIT_OK;
out:
	kb_issues_release(&is);
	factstore_close(fs);
	return ret;
}

/* The example's inputs through the real input layer (ingest_buffer: normalisation, paste
 * splitting, classification by content and by name, parsers, fact store), exactly as loose
 * files would go; an input named by a bundle path ("proc/cmdline", "roms/0000:01:00.0.rom")
 * goes in as that bundle member (ingest_member). A declared kind is what the author expects;
 * when the input layer recognises something else, note says so (shown only if the example
 * fails). */
static int load_example(struct factstore *fs, const struct kb_example *ex, struct sbuf *note,
			struct error *err)
{
	struct ingest ing;
	int ret = -1;

	ingest_init(&ing, fs);
	for (size_t i = 0; i < ex->n_inputs; i++) {
		const struct kb_input *in = &ex->inputs[i];
		size_t first = ing.records.n;
		struct str data = str_from_mem(in->text, in->len);
		int member = ingest_member(&ing, in->name, data, err);

		if (member < 0 || (member == 0 && ingest_buffer(&ing, in->name, data, err) < 0))
			goto out;
		for (size_t r = first; in->kind && r < ing.records.n; r++) {
			const char *got = source_kind_name(ing.records.v[r].kind);
			if (strcmp(got, in->kind) != 0)
				sbuf_addf(
					note,
					"; note: input '%s' lines %u-%u are read as '%s', not '%s'",
					in->name, ing.records.v[r].first_line,
					ing.records.v[r].last_line, got, in->kind);
		}
	}
	if (ingest_flush(&ing, err) < 0)
		goto out;
	ret = 0;
out:
	ingest_release(&ing);
	return ret;
}

static int run_example(void *ctx, const struct kb *kb, const struct signature *sig,
		       const struct kb_example *ex, bool *passed, double *conf, char *why,
		       size_t why_len, struct error *err)
{
	struct factstore *fs = factstore_open(NULL, err);
	struct diagnose_options opt = { .kb = kb, .matcher = ctx };
	struct result res;
	struct sbuf note;
	int ret = -1;

	if (!fs)
		return -1;
	result_init(&res);
	sbuf_init(&note, 2048);
	if (load_example(fs, ex, &note, err) < 0)
		goto out;
	if (diagnose(fs, &opt, &res, err) < 0)
		goto out;
	*passed = kb_test_judge(sig, ex, &res, conf, why, why_len);
	if (!*passed && note.len && strlen(why) + note.len < why_len)
		memcpy(why + strlen(why), note.buf, note.len + 1);
	ret = 0;
out:
	sbuf_release(&note);
	result_release(&res);
	factstore_close(fs);
	return ret;
}

static int kb_test_main(const struct kb *kb, const char *id, bool verbose)
{
	struct kb_issues is, ok;
	struct kb_test_counts counts = { 0 };
	struct error err = { 0 };
	struct matcher *matcher;

	if (id && !kb_find(kb, id)) {
		log_error("no signature with id '%s'", id);
		return EXIT_USAGE;
	}
	/* one compiled matcher for every example: patterns are compiled once per run */
	matcher = matcher_new(kb, &err);
	if (!matcher) {
		log_error("%s", err.msg);
		return err.code;
	}
	kb_issues_init(&is);
	kb_issues_init(&ok);
	kb_test_run(kb, id, run_example, matcher, &counts, &is, verbose ? &ok : NULL);
	print_issues(&ok);
	kb_issues_release(&ok);
	matcher_free(matcher);
	print_issues(&is);
	printf("%zu passed, %zu failed\n", counts.passed, counts.failed);
	kb_issues_release(&is);
	return counts.failed ? EXIT_KB : EXIT_OK;
}

int cmd_kb_main(int argc, char **argv)
{
	struct kb_args a;
	struct error err = { 0 };
	struct kb *kb;
	int r = parse_args(argc, argv, &a), ret;

	if (r != 0)
		return r > 0 ? EXIT_OK : EXIT_USAGE;
	if (strcmp(a.action, "list") != 0 && strcmp(a.action, "lint") != 0 &&
	    strcmp(a.action, "test") != 0) {
		log_error("unknown kb action '%s' (list, lint or test)", a.action);
		return EXIT_USAGE;
	}
	kb = a.kb_dir ? kb_load_dir(a.kb_dir, &err) : kb_load_embedded(&err);
	if (!kb) {
		if (strcmp(a.action, "lint") == 0 && err.code == EXIT_KB) {
			printf("%s\n1 problem (the file does not load)\n", err.msg);
			return EXIT_KB;
		}
		log_error("%s", err.msg);
		return err.code ? err.code : EXIT_KB;
	}
	if (strcmp(a.action, "list") == 0)
		ret = kb_list(kb, a.format);
	else if (strcmp(a.action, "lint") == 0)
		ret = kb_lint_main(kb);
	else
		ret = kb_test_main(kb, a.id, a.verbose);
	kb_free(kb);
	return ret;
}
