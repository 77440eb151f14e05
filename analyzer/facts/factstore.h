/* factstore.h - the SQLite fact store: rows in, read-only SQL out.
 *
 * The only module that includes sqlite3.h. Rows from parse_out enter with bound parameters
 * only. Readers (the matcher, reports, `analyze query`) go through factstore_query(), which
 * refuses any statement that is not read-only and bounds its work (MAX_SQL_STEPS).
 * The schema (schema.sql, embedded at build time) is a public interface: docs/factstore.md.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "common/error.h"
#include "parse/parse.h"

struct factstore;

/* A value handed to or returned from SQL. */
enum fs_type { FS_NULL, FS_INT, FS_REAL, FS_TEXT };
struct fs_value {
	enum fs_type type;
	int64_t i;
	double d;
	struct str s; /* valid only during the callback (FS_TEXT) */
};

/* Named parameter for a query: ":name" or "$name" in the SQL. */
struct fs_param {
	const char *name; /* without the ':' */
	struct str value; /* bound as text */
};

/* Opens an in-memory store (path NULL) or a new file at path (an existing file is replaced
 * only if it is a vfio-doctor fact store; anything else is refused). NULL on failure. */
struct factstore *factstore_open(const char *path, struct error *err);
void factstore_close(struct factstore *fs);

/* Records an input; returns its id (> 0) or -1. */
int64_t factstore_add_input(struct factstore *fs, const char *path, enum source_kind kind,
			    int confidence, uint32_t first_line, uint32_t last_line, uint64_t bytes,
			    int boot, const char *origin, struct error *err);

/* Loads every row of out, attributed to input_id; line numbers are offset by line_base
 * (for paste parts, so they stay numbered as in the whole file). One transaction. */
int factstore_load(struct factstore *fs, int64_t input_id, const char *path, uint32_t line_base,
		   const struct parse_out *out, struct error *err);

/* Adds one fact row directly (used by the input layer for things it knows from paths). */
int factstore_add_fact(struct factstore *fs, int64_t input_id, const char *scope,
		       const char *subject, const char *key, const char *value, struct error *err);

/* Records a warning about an input (input_id 0 for none) that is not a parser's: a skipped
 * archive entry, a limit reached by the input layer. */
int factstore_add_warning(struct factstore *fs, int64_t input_id, uint32_t lineno,
			  const char *message, struct error *err);

/* Runs a read-only query. For each result row calls row(ctx, ncols, names, values); a
 * non-zero return stops the query. Returns the number of rows seen, or -1 (not read-only,
 * does not prepare, too much work, or a bind failure). */
typedef int (*fs_row_fn)(void *ctx, int ncols, const char *const *names,
			 const struct fs_value *values);
long factstore_query(struct factstore *fs, const char *sql, const struct fs_param *params,
		     size_t nparams, fs_row_fn row, void *ctx, struct error *err);

/* Checks that sql prepares against the schema and is read-only, without running it.
 * Names of the named parameters it uses are reported through param(ctx, name). */
int factstore_check_sql(struct factstore *fs, const char *sql,
			void (*param)(void *ctx, const char *name), void *ctx, struct error *err);

/* Calls fn for every line of the given kinds (mask bit (1u << kind); 0 means all), in input
 * order. The line_row passed has text/msg views valid only during the call; path is the
 * input's path and lineno is its line number in that file. A non-zero return stops. */
struct fs_line {
	int64_t id;
	int64_t input_id;
	const char *path;
	uint32_t lineno;
	enum source_kind kind;
	int boot;
	bool has_ts;
	double ts;
	const char *bdf; /* NULL when none */
	const char *vm;	 /* NULL when none */
	struct str text;
	struct str msg;
};
typedef int (*fs_line_fn)(void *ctx, const struct fs_line *line);
int factstore_each_line(struct factstore *fs, uint64_t kind_mask, fs_line_fn fn, void *ctx,
			struct error *err);

/* Counts, for --timings and benchmarks. */
uint64_t factstore_row_count(struct factstore *fs);
