/* cmd_analyze.c - the default mode: `analyze [OPTIONS] INPUT...`. Ingests every input into
 * one fact store, then diagnoses it and writes the report; or, with --classify or --dump,
 * shows how the inputs were read and stops there. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cmds.h"
#include "common/clock.h"
#include "common/error.h"
#include "common/json_write.h"
#include "common/limits.h"
#include "common/log.h"
#include "common/sbuf.h"
#include "facts/factstore.h"
#include "input/ingest.h"
#include "rank/diagnose.h"
#include "rank/result.h"
#include "report/report.h"

struct analyze_opts {
	const char *output;
	const char *format;
	const char *kb_dir;
	const char *db;
	bool classify, dump, timings, verbose_classify;
	char **inputs;
	int n_inputs;
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: analyze [OPTIONS] INPUT...\n\n"
		"INPUT is a bundle (.tar.gz .tar.zst .tar.xz .tar .zip), a bundle directory, any\n"
		"loose file or forum paste (recognised by content), or '-' for standard input.\n\n"
		"  -o, --output FILE   write the report to FILE instead of standard output\n"
		"      --format FMT    text (default), json, markdown or html; --classify and\n"
		"                      query take text or json, --dump text only\n"
		"      --kb DIR        use the knowledge files in DIR instead of the built-in ones\n"
		"      --db FILE       also keep the fact store in FILE (docs/factstore.md)\n"
		"      --classify      show how each input and paste part was classified, then stop\n"
		"      --dump          print the rows parsed from each input (debugging), then stop\n"
		"      --timings       print the time of each stage to standard error\n"
		"  -q, --quiet         only errors on standard error\n"
		"  -v, --verbose       debug messages; with --classify also the runner-up kind\n"
		"  -h, --help          this help\n\n"
		"Exit codes: docs/exit-codes.md (0 ran, 2 usage, 3 bad input, 4 limit, ...).\n");
}

static int parse_args(int argc, char **argv, struct analyze_opts *o, struct error *err)
{
	enum { OPT_FORMAT = 256, OPT_KB, OPT_DB, OPT_CLASSIFY, OPT_DUMP, OPT_TIMINGS };
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "kb", required_argument, NULL, OPT_KB },
		{ "db", required_argument, NULL, OPT_DB },
		{ "classify", no_argument, NULL, OPT_CLASSIFY },
		{ "dump", no_argument, NULL, OPT_DUMP },
		{ "timings", no_argument, NULL, OPT_TIMINGS },
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:o:qvh", longopts, NULL)) != -1) {
		switch (c) {
		case 'o':
			o->output = optarg;
			break;
		case OPT_FORMAT:
			o->format = optarg;
			break;
		case OPT_KB:
			o->kb_dir = optarg;
			break;
		case OPT_DB:
			o->db = optarg;
			break;
		case OPT_CLASSIFY:
			o->classify = true;
			break;
		case OPT_DUMP:
			o->dump = true;
			break;
		case OPT_TIMINGS:
			o->timings = true;
			break;
		case 'q':
			log_init(log_program_name(), LOG_ERROR);
			break;
		case 'v':
			log_init(log_program_name(), LOG_DEBUG);
			o->verbose_classify = true;
			break;
		case 'h':
			usage(stdout);
			return 1;
		case ':':
			return error_set(err, EXIT_USAGE,
					 "option '%s' needs a value (see 'analyze --help')",
					 argv[optind - 1]);
		default:
			return error_set(err, EXIT_USAGE,
					 "unknown option '%s' (see 'analyze --help')",
					 argv[optind - 1]);
		}
	}
	o->inputs = argv + optind;
	o->n_inputs = argc - optind;
	if (o->n_inputs == 0)
		return error_set(err, EXIT_USAGE, "no INPUT given (see 'analyze --help')");
	if (o->n_inputs > MAX_INPUTS)
		return error_set(err, EXIT_USAGE, "more than %d INPUTs", MAX_INPUTS);
	if (o->dump && o->format && strcmp(o->format, "text") != 0) {
		return error_set(err, EXIT_USAGE, "--dump writes text only, not '%s'", o->format);
	} else if (o->classify || o->dump) {
		if (o->format && strcmp(o->format, "text") != 0 && strcmp(o->format, "json") != 0)
			return error_set(err, EXIT_USAGE,
					 "--classify takes --format text or json, not '%s'",
					 o->format);
	} else if (o->format && !report_format_known(o->format)) {
		return error_set(err, EXIT_USAGE, "unknown format '%s' (one of: %s)", o->format,
				 report_format_list());
	}
	return 0;
}

/* ---- --classify ---- */

static void classify_text(const struct ingest *ing, bool verbose, struct sbuf *sb)
{
	size_t w = 5;

	for (size_t i = 0; i < ing->records.n; i++) {
		size_t n = strlen(ing->records.v[i].path);

		if (n > w)
			w = n < 60 ? n : 60;
	}
	sbuf_addf(sb, "%-*s  %-14s %4s  %-13s %s\n", (int)w, "INPUT", "KIND", "CONF", "LINES",
		  "HOW");
	for (size_t i = 0; i < ing->records.n; i++) {
		const struct ingest_record *r = &ing->records.v[i];
		char lines[32] = "-";

		if (r->first_line)
			snprintf(lines, sizeof(lines), "%u-%u", r->first_line, r->last_line);
		sbuf_addf(sb, "%-*s  %-14s %3d%%  %-13s %s", (int)w, r->path,
			  source_kind_name(r->kind), r->confidence, lines, r->how);
		if (r->part)
			sbuf_addf(sb, " (%s part)", r->part);
		if (r->command)
			sbuf_addf(sb, ": %s", r->command);
		if (r->boot)
			sbuf_addf(sb, ", boot %d", r->boot);
		if (verbose && r->runner_up_confidence > 0)
			sbuf_addf(sb, "; next best %s %d%%", source_kind_name(r->runner_up),
				  r->runner_up_confidence);
		sbuf_addch(sb, '\n');
	}
}

static void classify_json(const struct ingest *ing, struct sbuf *sb)
{
	bool first_rec = true;

	sbuf_addstr(sb, "{\"inputs\":[");
	for (size_t i = 0; i < ing->records.n; i++) {
		const struct ingest_record *r = &ing->records.v[i];
		bool first = true;

		json_sep(sb, &first_rec);
		sbuf_addch(sb, '{');
		json_key(sb, &first, "path");
		json_write_cstr(sb, r->path);
		json_key(sb, &first, "origin");
		json_write_cstr(sb, r->origin);
		json_key(sb, &first, "kind");
		json_write_cstr(sb, source_kind_name(r->kind));
		json_key(sb, &first, "confidence");
		json_write_i64(sb, r->confidence);
		json_key(sb, &first, "how");
		json_write_cstr(sb, r->how);
		json_key(sb, &first, "part");
		json_write_cstr(sb, r->part);
		json_key(sb, &first, "command");
		json_write_cstr(sb, r->command);
		json_key(sb, &first, "first_line");
		json_write_u64(sb, r->first_line);
		json_key(sb, &first, "last_line");
		json_write_u64(sb, r->last_line);
		json_key(sb, &first, "bytes");
		json_write_u64(sb, r->bytes);
		json_key(sb, &first, "boot");
		json_write_i64(sb, r->boot);
		json_key(sb, &first, "rows");
		json_write_u64(sb, r->rows);
		sbuf_addch(sb, '}');
	}
	sbuf_addstr(sb, "]}\n");
}

/* ---- --dump ---- */

struct dump_ctx {
	struct sbuf *sb;
};

static void on_part_dump(void *ctx, const struct ingest_record *rec, const struct parse_out *out)
{
	struct dump_ctx *d = ctx;

	sbuf_addf(d->sb, "== %s [%s %d%%", rec->path, source_kind_name(rec->kind), rec->confidence);
	if (rec->first_line)
		sbuf_addf(d->sb, " lines %u-%u", rec->first_line, rec->last_line);
	sbuf_addstr(d->sb, "]\n");
	if (rec->first_line > 1)
		sbuf_addf(d->sb, "(row line numbers count from the part: its line 1 is line %u)\n",
			  rec->first_line);
	parse_out_dump(out, d->sb);
}

static int write_all(const char *path, struct str bytes, struct error *err)
{
	FILE *f = path ? fopen(path, "w") : stdout;
	bool ok;

	if (!f)
		return error_set(err, EXIT_OUTPUT, "cannot write '%s': %s", path, strerror(errno));
	ok = fwrite(bytes.ptr, 1, bytes.len, f) == bytes.len;
	ok = (path ? fclose(f) == 0 : fflush(f) == 0) && ok;
	if (!ok)
		return error_set(err, EXIT_OUTPUT, "cannot write '%s'",
				 path ? path : "standard output");
	return 0;
}

/* ---- diagnosis ---- */

struct parser_warnings {
	struct result *res;
	VEC(struct result_warning) v;
};

static int parser_warning_row(void *ctx, int ncols, const char *const *names,
			      const struct fs_value *values)
{
	struct parser_warnings *pw = ctx;
	struct result_warning *w;

	(void)names;
	if (ncols < 3)
		return 1;
	w = VEC_PUSH(&pw->v);
	*w = (struct result_warning){
		.path = arena_str(&pw->res->arena, values[0].s).ptr,
		.line = values[1].i > 0 && values[1].i <= UINT32_MAX ? (uint32_t)values[1].i : 0,
		.message = arena_str(&pw->res->arena, values[2].s).ptr,
	};
	return 0;
}

static void fill_result(const struct ingest *ing, struct result *res)
{
	res->n_inputs = ing->records.n;
	res->inputs = arena_alloc(&res->arena, (ing->records.n + 1) * sizeof(*res->inputs));
	for (size_t i = 0; i < ing->records.n; i++) {
		const struct ingest_record *r = &ing->records.v[i];

		res->inputs[i] = (struct input_info){
			.path = arena_strdup(&res->arena, r->path),
			.kind = source_kind_name(r->kind),
			.confidence = r->confidence,
			.first_line = r->first_line,
			.last_line = r->last_line,
			.bytes = r->bytes,
		};
	}
	/* the parsers' own warnings (a cut line, MAX_LINES, NUL bytes replaced: docs/limits.md)
	 * are in the fact store under their input; the report carries them too
	 * (tests/hostile/text_hostile.sh, long_line) */
	struct parser_warnings pw = { .res = res };
	struct error qerr = { 0 };
	char sql[256];

	snprintf(sql, sizeof(sql),
		 "SELECT i.path, w.lineno, w.message FROM warnings w JOIN inputs i "
		 "ON i.id = w.input_id ORDER BY w.rowid LIMIT %d",
		 MAX_WARNINGS);
	if (factstore_query(ing->fs, sql, NULL, 0, parser_warning_row, &pw, &qerr) < 0)
		pw.v.n = 0;
	res->n_warnings = ing->warnings.n + pw.v.n;
	res->warnings = arena_alloc(&res->arena, (res->n_warnings + 1) * sizeof(*res->warnings));
	for (size_t i = 0; i < ing->warnings.n; i++) {
		const struct ingest_warning *w = &ing->warnings.v[i];

		res->warnings[i] = (struct result_warning){
			.path = w->path ? arena_strdup(&res->arena, w->path) : NULL,
			.line = w->line,
			.message = arena_strdup(&res->arena, w->message),
		};
	}
	for (size_t i = 0; i < pw.v.n; i++)
		res->warnings[ing->warnings.n + i] = pw.v.v[i];
	VEC_FREE(&pw.v);
}

/* `--timings`: where the SQL part of "match" went, for knowledge authors. */
static void print_slowest_sql(const struct diagnose_stats *st)
{
	fprintf(stderr,
		"%s: knowledge SQL %.1f ms in %" PRIu64 " queries; slowest:", log_program_name(),
		st->sql_ms, st->sql_queries);
	for (size_t i = 0; i < SLOW_SQL_SHOWN && st->slowest_sql[i].sig; i++)
		fprintf(stderr, "%s %s/%s %.1f ms", i ? "," : "", st->slowest_sql[i].sig,
			st->slowest_sql[i].clause, st->slowest_sql[i].ms);
	fputc('\n', stderr);
}

static int diagnose_and_report(const struct analyze_opts *o, struct ingest *ing, struct error *err)
{
	struct diagnose_stats stats = { 0 };
	struct diagnose_options dopt = { .kb_dir = o->kb_dir,
					 .timings = o->timings,
					 .stats = &stats };
	struct result res;
	FILE *out = stdout;
	double report_ms;
	int ret = -1;

	result_init(&res);
	fill_result(ing, &res);
	if (diagnose(ing->fs, &dopt, &res, err) < 0)
		goto out;
	if (o->output && !(out = fopen(o->output, "w"))) {
		error_set(err, EXIT_OUTPUT, "cannot write '%s': %s", o->output, strerror(errno));
		goto out;
	}
	report_ms = clock_ms();
	ret = report_write_named(&res, o->format, out, o->output ? o->output : "standard output",
				 err);
	if (o->output && fclose(out) != 0 && ret == 0)
		ret = error_set(err, EXIT_OUTPUT, "cannot write '%s': %s", o->output,
				strerror(errno));
	report_ms = clock_ms() - report_ms;
	if (o->timings)
		fprintf(stderr,
			"%s: knowledge %.1f ms, match %.1f ms, rank %.1f ms, report %.1f ms (%zu "
			"signatures, %" PRIu64 " lines scanned, %" PRIu64 " pattern calls, %" PRIu64
			" SQL queries)\n",
			log_program_name(), stats.load_ms, stats.match_ms, stats.rank_ms, report_ms,
			stats.signatures, stats.lines_scanned, stats.pattern_calls,
			stats.sql_queries);
	if (o->timings)
		print_slowest_sql(&stats);
out:
	result_release(&res);
	return ret;
}

/* Ingests every input into fs; logs ingest warnings. Shared with `analyze query`. */
int cmd_ingest_all(struct ingest *ing, char **inputs, int n, struct error *err)
{
	for (int i = 0; i < n; i++)
		if (ingest_add(ing, inputs[i], err) < 0)
			return -1;
	/* nothing at all to analyze is bad input, not a healthy host */
	if (n > 0 && ing->empty_inputs == (unsigned)n)
		return n == 1 ? error_set(err, EXIT_INPUT,
					  "'%s' holds nothing to read (an empty file, directory "
					  "or archive)",
					  strcmp(inputs[0], "-") == 0 ? "standard input"
								      : inputs[0])
			      : error_set(err, EXIT_INPUT,
					  "none of the %d INPUTs holds anything to read (empty "
					  "files, directories or archives)",
					  n);
	for (size_t i = 0; i < ing->warnings.n; i++) {
		const struct ingest_warning *w = &ing->warnings.v[i];

		log_warn("%s%s%s", w->path ? w->path : "", w->path ? ": " : "", w->message);
	}
	return 0;
}

void cmd_print_ingest_timings(const struct ingest *ing, struct factstore *fs)
{
	fprintf(stderr,
		"%s: read %.1f ms, parse %.1f ms, store %.1f ms (%" PRIu64 " files, %" PRIu64
		" parts, %" PRIu64 " bytes, %" PRIu64 " rows)\n",
		log_program_name(), ing->stats.read_ms, ing->stats.parse_ms, ing->stats.store_ms,
		ing->stats.files, ing->stats.parts, ing->stats.bytes, factstore_row_count(fs));
}

int cmd_analyze_main(int argc, char **argv)
{
	struct analyze_opts o = { 0 };
	struct error err = { 0 };
	struct factstore *fs = NULL;
	struct ingest ing;
	struct sbuf sb;
	struct dump_ctx dump = { .sb = &sb };
	int rc, code = EXIT_OK;

	rc = parse_args(argc, argv, &o, &err);
	if (rc > 0)
		return EXIT_OK;
	if (rc < 0) {
		log_error("%s", err.msg);
		return err.code;
	}
	fs = factstore_open(o.db, &err);
	if (!fs) {
		log_error("%s", err.msg);
		return err.code;
	}
	sbuf_init(&sb, MAX_OUTPUT_BYTES);
	ingest_init(&ing, fs);
	if (o.dump) {
		ing.on_part = on_part_dump;
		ing.on_part_ctx = &dump;
	}
	if (cmd_ingest_all(&ing, o.inputs, o.n_inputs, &err) < 0)
		goto fail;
	if (o.timings)
		cmd_print_ingest_timings(&ing, fs);
	if (o.classify || o.dump) {
		if (o.classify && o.format && strcmp(o.format, "json") == 0)
			classify_json(&ing, &sb);
		else if (o.classify)
			classify_text(&ing, o.verbose_classify, &sb);
		if (sbuf_failed(&sb)) {
			error_set(&err, EXIT_OUTPUT, "output longer than %u bytes",
				  MAX_OUTPUT_BYTES);
			goto fail;
		}
		if (write_all(o.output, sbuf_view(&sb), &err) < 0)
			goto fail;
		goto done;
	}
	if (diagnose_and_report(&o, &ing, &err) < 0)
		goto fail;
	goto done;
fail:
	log_error("%s", err.msg);
	code = err.code ? err.code : EXIT_INTERNAL;
done:
	ingest_release(&ing);
	sbuf_release(&sb);
	factstore_close(fs);
	return code;
}
