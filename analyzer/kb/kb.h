/* kb.h - the knowledge base: knowledge/<id>.json files loaded into struct signature.
 *
 * The format is documented for authors in docs/knowledge.md. kb_load_*() parse and validate
 * the JSON strictly (unknown keys are errors) but compile nothing: patterns are compiled by
 * match/ (once per run) and SQL is checked by kb_lint(). A struct kb owns everything it
 * points to in its arena; signatures are sorted by id. A loaded kb is read-only and may be
 * shared by many diagnose() runs.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/arena.h"
#include "common/error.h"
#include "rank/result.h"

struct factstore;

enum clause_type { CLAUSE_PATTERN, CLAUSE_SQL };
enum subject_kind { SUBJECT_HOST, SUBJECT_DEVICE, SUBJECT_VM };

struct clause {
	const char *name;
	enum clause_type type;
	double weight;
	bool required;
	bool against;
	bool rules_out;
	bool enumerate;
	bool show;
	bool caseless;
	bool use_msg; /* "field": "msg" */
	bool has_severity;
	enum severity set_severity;
	const char *reason; /* template, or NULL */
	/* pattern */
	uint64_t sources; /* bit (1 << source_kind) */
	const char **literals;
	size_t n_literals;
	const char *pattern;
	/* sql */
	const char *sql;
	/* names this clause can bind: named groups of the pattern, or the SQL select list */
	const char **vars;
	size_t n_vars;
};

struct need {
	const char *what;
	uint64_t kinds;
	const char **kind_names;
	size_t n_kinds;
	const char *command;
	const char **items; /* bundle path prefixes */
	size_t n_items;
};

struct kb_input {
	const char *name;
	const char *kind; /* NULL: recognise by content */
	const char *text; /* the bytes: text, or decoded "base64" (binary, may hold NULs) */
	size_t len;
};

struct kb_example {
	const char *name;
	bool positive;
	struct kb_input *inputs;
	size_t n_inputs;
	const char *expect_subject; /* NULL when any */
};

struct signature {
	const char *id;
	const char *file; /* file name it came from, for messages */
	const char *title;
	const char *category;
	enum severity severity;
	enum subject_kind subject;
	const char *subject_var; /* NULL for host */
	double prior;
	const char **symptoms;
	size_t n_symptoms;
	struct need *needs;
	size_t n_needs;
	const char *relevant_when; /* SQL or NULL */
	struct clause *clauses;
	size_t n_clauses;
	const char *fix;
	const char **references;
	size_t n_references;
	const char **suppresses;
	size_t n_suppresses;
	const char **catalog;
	size_t n_catalog;
	struct kb_example *examples;
	size_t n_examples;
};

struct kb {
	struct arena arena;
	struct signature *sigs; /* sorted by id */
	size_t n;
};

/* Loads the knowledge embedded at build time. NULL with err (EXIT_KB) when a file is invalid. */
struct kb *kb_load_embedded(struct error *err);
/* Loads every *.json in dir (not recursive, sorted by name). NULL with err on failure: an
 * unreadable dir is EXIT_INPUT, an invalid file EXIT_KB with 'file: what' in the message. */
struct kb *kb_load_dir(const char *dir, struct error *err);
/* Loads from memory: names[i]/texts[i]/lens[i] for n files (used by the two above, tests and
 * the fuzzer). Texts need not be NUL-terminated. */
struct kb *kb_load_mem(const char *const *names, const char *const *texts, const size_t *lens,
		       size_t n, struct error *err);
void kb_free(struct kb *kb);

/* The signature with that id, or NULL. */
const struct signature *kb_find(const struct kb *kb, const char *id);
const char *subject_kind_name(enum subject_kind k); /* "host", "device", "vm" */

/* One problem lint found. */
struct kb_issue {
	const char *file;
	const char *msg;
};
struct kb_issues {
	struct arena arena;
	struct kb_issue *v;
	size_t n, cap;
};
void kb_issues_init(struct kb_issues *is);
void kb_issues_release(struct kb_issues *is);
void kb_issue_add(struct kb_issues *is, const char *file, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Lint that needs no regex engine: suppresses/ids, SQL prepares read-only against fs (an empty
 * store), every :param is a variable some clause binds, templates use only known variables,
 * literals occur in their patterns. Adds issues; returns their number, -1 on internal error. */
int kb_lint(const struct kb *kb, struct factstore *fs, struct kb_issues *out, struct error *err);

/* Template filling. lookup(ctx, name) returns the value or NULL when unset. Writes into sb;
 * unset variables without a default render as <name>. */
struct sbuf;
typedef const char *(*kb_var_fn)(void *ctx, const char *name);
void kb_template_fill(const char *tmpl, kb_var_fn lookup, void *ctx, struct sbuf *sb);
/* Calls fn(ctx, name, has_default) for every variable a template uses; section names count
 * as having a default. */
void kb_template_vars(const char *tmpl, void (*fn)(void *ctx, const char *name, bool has_default),
		      void *ctx);
