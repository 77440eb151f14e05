/* cmd_query.c - `analyze query INPUT... --sql "SELECT ..."`: ingest the inputs, run one
 * read-only statement against the fact store (docs/factstore.md) and print its rows as an
 * aligned table or JSON. Writes are refused by factstore_query (authorizer, read-only check,
 * work cap). */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmds.h"
#include "common/error.h"
#include "common/json_write.h"
#include "common/limits.h"
#include "common/log.h"
#include "common/sbuf.h"
#include "common/vec.h"
#include "facts/factstore.h"
#include "input/ingest.h"

#define QUERY_MAX_ROWS	 100000
#define QUERY_CELL_WIDTH 60 /* text cells wider than this are cut with "..." */

struct cell {
	enum fs_type type;
	char *text; /* yours: the value as text ("NULL" for NULL) */
};

struct table {
	int ncols;
	char **names;
	VEC(struct cell) cells; /* row-major */
	size_t rows;
	bool truncated;
};

static void usage(FILE *f)
{
	fprintf(f, "usage: analyze query INPUT... --sql \"SELECT ...\" [--format text|json] "
		   "[-o FILE]\n\n"
		   "Runs one read-only SQL statement against the fact store built from the INPUTs\n"
		   "(tables and views: docs/factstore.md) and prints the rows.\n");
}

static char *value_text(const struct fs_value *v)
{
	char buf[64];

	switch (v->type) {
	case FS_NULL:
		return xstrdup("NULL");
	case FS_INT:
		snprintf(buf, sizeof(buf), "%" PRId64, v->i);
		return xstrdup(buf);
	case FS_REAL:
		snprintf(buf, sizeof(buf), "%.15g", v->d);
		return xstrdup(buf);
	case FS_TEXT:
		return str_dup(v->s);
	}
	return xstrdup("");
}

static int on_row(void *ctx, int ncols, const char *const *names, const struct fs_value *vals)
{
	struct table *t = ctx;

	if (!t->names) {
		t->ncols = ncols;
		t->names = xcalloc((size_t)ncols + 1, sizeof(*t->names));
		for (int i = 0; i < ncols; i++)
			t->names[i] = xstrdup(names[i]);
	}
	if (t->rows >= QUERY_MAX_ROWS) {
		t->truncated = true;
		return 1;
	}
	for (int i = 0; i < ncols; i++) {
		struct cell *c = VEC_PUSH(&t->cells);

		c->type = vals[i].type;
		c->text = value_text(&vals[i]);
	}
	t->rows++;
	return 0;
}

/* Display width in characters (UTF-8 continuation bytes do not count). */
static size_t width(const char *s)
{
	size_t w = 0;

	for (; *s; s++)
		w += ((unsigned char)*s & 0xc0) != 0x80;
	return w;
}

static void add_cell(struct sbuf *sb, const char *s, size_t w, bool right)
{
	size_t n = 0, shown = 0;

	/* one line per row: control characters show as '?' */
	if (right)
		for (size_t k = width(s) < w ? w - width(s) : 0; k > 0; k--)
			sbuf_addch(sb, ' ');
	for (; s[n] && shown < QUERY_CELL_WIDTH; n++) {
		unsigned char c = (unsigned char)s[n];

		sbuf_addch(sb, c < 0x20 || c == 0x7f ? '?' : (char)c);
		shown += (c & 0xc0) != 0x80;
	}
	if (s[n]) {
		sbuf_addstr(sb, "...");
		shown += 3;
	}
	if (!right)
		for (; shown < w; shown++)
			sbuf_addch(sb, ' ');
}

static void print_text(const struct table *t, struct sbuf *sb)
{
	size_t *w = xcalloc((size_t)t->ncols + 1, sizeof(*w));

	for (int c = 0; c < t->ncols; c++) {
		w[c] = width(t->names[c]);
		for (size_t r = 0; r < t->rows; r++) {
			size_t cw = width(t->cells.v[r * (size_t)t->ncols + (size_t)c].text);

			if (cw > QUERY_CELL_WIDTH)
				cw = QUERY_CELL_WIDTH + 3;
			if (cw > w[c])
				w[c] = cw;
		}
	}
	for (int c = 0; c < t->ncols; c++) {
		if (c)
			sbuf_addstr(sb, "  ");
		add_cell(sb, t->names[c], c + 1 < t->ncols ? w[c] : 0, false);
	}
	sbuf_addch(sb, '\n');
	for (int c = 0; c < t->ncols; c++) {
		if (c)
			sbuf_addstr(sb, "  ");
		for (size_t k = 0; k < w[c]; k++)
			sbuf_addch(sb, '-');
	}
	sbuf_addch(sb, '\n');
	for (size_t r = 0; r < t->rows; r++) {
		for (int c = 0; c < t->ncols; c++) {
			const struct cell *cell = &t->cells.v[r * (size_t)t->ncols + (size_t)c];
			bool num = cell->type == FS_INT || cell->type == FS_REAL;

			if (c)
				sbuf_addstr(sb, "  ");
			add_cell(sb, cell->text, c + 1 < t->ncols || num ? w[c] : 0, num);
		}
		sbuf_addch(sb, '\n');
	}
	sbuf_addf(sb, "(%zu row%s%s)\n", t->rows, t->rows == 1 ? "" : "s",
		  t->truncated ? ", more not shown" : "");
	free(w);
}

static void print_json(const struct table *t, struct sbuf *sb)
{
	bool first_row = true;

	sbuf_addch(sb, '[');
	for (size_t r = 0; r < t->rows; r++) {
		bool first = true;

		json_sep(sb, &first_row);
		sbuf_addch(sb, '{');
		for (int c = 0; c < t->ncols; c++) {
			const struct cell *cell = &t->cells.v[r * (size_t)t->ncols + (size_t)c];

			json_key(sb, &first, t->names[c]);
			if (cell->type == FS_NULL)
				sbuf_addstr(sb, "null");
			else if (cell->type == FS_INT || cell->type == FS_REAL)
				sbuf_addstr(sb, cell->text);
			else
				json_write_cstr(sb, cell->text);
		}
		sbuf_addch(sb, '}');
	}
	sbuf_addstr(sb, "]\n");
}

static void table_free(struct table *t)
{
	for (size_t i = 0; i < t->cells.n; i++)
		free(t->cells.v[i].text);
	VEC_FREE(&t->cells);
	for (int i = 0; t->names && i < t->ncols; i++)
		free(t->names[i]);
	free(t->names);
}

static int write_out(const char *path, const struct sbuf *sb, struct error *err)
{
	FILE *f = path ? fopen(path, "w") : stdout;
	bool ok;

	if (!f)
		return error_set(err, EXIT_OUTPUT, "cannot write '%s': %s", path, strerror(errno));
	ok = fwrite(sb->buf, 1, sb->len, f) == sb->len;
	ok = (path ? fclose(f) == 0 : fflush(f) == 0) && ok;
	return ok ? 0
		  : error_set(err, EXIT_OUTPUT, "cannot write '%s'",
			      path ? path : "standard output");
}

int cmd_query_main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "sql", required_argument, NULL, 's' },
		{ "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "db", required_argument, NULL, 'd' },
		{ "timings", no_argument, NULL, 't' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *sql = NULL, *format = "text", *output = NULL, *db = NULL;
	bool timings = false;
	struct error err = { 0 };
	struct factstore *fs = NULL;
	struct table t = { 0 };
	struct ingest ing;
	struct sbuf sb;
	int c, code = EXIT_OK;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":o:qh", longopts, NULL)) != -1) {
		switch (c) {
		case 's':
			sql = optarg;
			break;
		case 'f':
			format = optarg;
			break;
		case 'o':
			output = optarg;
			break;
		case 'd':
			db = optarg;
			break;
		case 't':
			timings = true;
			break;
		case 'q':
			log_init(log_program_name(), LOG_ERROR);
			break;
		case 'h':
			usage(stdout);
			return EXIT_OK;
		case ':':
			log_error("option '%s' needs a value (see 'analyze query --help')",
				  argv[optind - 1]);
			return EXIT_USAGE;
		default:
			log_error("unknown option '%s' (see 'analyze query --help')",
				  argv[optind - 1]);
			return EXIT_USAGE;
		}
	}
	if (!sql || optind >= argc) {
		log_error("%s (see 'analyze query --help')",
			  !sql ? "--sql \"SELECT ...\" is required" : "no INPUT given");
		return EXIT_USAGE;
	}
	if (strcmp(format, "text") != 0 && strcmp(format, "json") != 0) {
		log_error("query takes --format text or json, not '%s'", format);
		return EXIT_USAGE;
	}
	if (argc - optind > MAX_INPUTS) {
		log_error("more than %d INPUTs", MAX_INPUTS);
		return EXIT_USAGE;
	}
	fs = factstore_open(db, &err);
	if (!fs) {
		log_error("%s", err.msg);
		return err.code;
	}
	ingest_init(&ing, fs);
	sbuf_init(&sb, MAX_OUTPUT_BYTES);
	if (cmd_ingest_all(&ing, argv + optind, argc - optind, &err) < 0)
		goto fail;
	if (timings)
		cmd_print_ingest_timings(&ing, fs);
	if (factstore_query(fs, sql, NULL, 0, on_row, &t, &err) < 0)
		goto fail;
	if (!t.names) { /* no rows: still show the columns */
		if (factstore_check_sql(fs, sql, NULL, NULL, &err) < 0)
			goto fail;
	}
	if (strcmp(format, "json") == 0)
		print_json(&t, &sb);
	else
		print_text(&t, &sb);
	if (sbuf_failed(&sb)) {
		error_set(&err, EXIT_OUTPUT, "output longer than %u bytes", MAX_OUTPUT_BYTES);
		goto fail;
	}
	if (write_out(output, &sb, &err) < 0)
		goto fail;
	if (t.truncated)
		log_warn("more than %d rows, the rest not shown", QUERY_MAX_ROWS);
	goto done;
fail:
	log_error("%s", err.msg);
	code = err.code ? err.code : EXIT_INTERNAL;
done:
	table_free(&t);
	sbuf_release(&sb);
	ingest_release(&ing);
	factstore_close(fs);
	return code;
}
