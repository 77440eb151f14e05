/* matcher.h - knowledge clauses against the fact store: candidates with variables, matched
 * clauses and evidence, one candidate per (signature, subject).
 *
 * The only module that includes pcre2.h. matcher_new() compiles every pattern of a kb once
 * (JIT when available); matcher_run() makes one pass over the lines of the fact store, where a
 * line reaches pcre2_match() only if it contains one of the clause's literals (memmem), with
 * MAX_MATCH_LIMIT / MAX_DEPTH_LIMIT on every call. SQL clauses run through factstore_query()
 * with the candidate's variables as named text parameters. Scoring is the ranker's job: a
 * candidate only says which clauses matched and with what evidence.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/arena.h"
#include "common/error.h"

struct factstore;
struct kb;
struct kb_issues;
struct signature;
struct diagnose_stats;

struct match_var {
	const char *name;
	const char *value;
};

struct match_evidence {
	const char *path; /* NULL for a fact without an input */
	uint32_t line;	  /* 0 when unknown */
	const char *text;
	size_t clause; /* index into sig->clauses */
};

struct candidate {
	const struct signature *sig;
	const char *subject; /* the subject_var's value, "host", or "unknown" */
	const char *subject_name;
	struct match_var *vars;
	size_t n_vars, cap_vars;
	bool *matched; /* per clause */
	struct match_evidence *ev;
	size_t n_ev, cap_ev;
	size_t n_ev_total; /* before the per-clause cap */
};

/* A message for result warnings (a limit hit, a query that failed). */
struct match_warning {
	const char *path;
	uint32_t line;
	const char *message;
};

/* A line that looks like a passthrough error (match/unexplained.h) that no pattern clause of
 * any signature matched. */
struct match_unexplained {
	const char *path;
	uint32_t line;
	const char *text;
};

struct match_out {
	struct arena arena; /* all strings of candidates and warnings */
	struct candidate *cands;
	size_t n_cands, cap_cands;
	struct match_warning *warnings;
	size_t n_warnings, cap_warnings;
	struct match_unexplained *unexplained; /* in line order, at most MAX_UNEXPLAINED_SEEN */
	size_t n_unexplained, cap_unexplained;
	size_t n_unexplained_seen; /* all of them, also beyond the cap */
};

void match_out_init(struct match_out *out);
void match_out_release(struct match_out *out);

struct matcher;

/* Compiles every pattern of kb (which must outlive the matcher). NULL with err (EXIT_KB) when a
 * pattern does not compile, naming the file and clause. */
struct matcher *matcher_new(const struct kb *kb, struct error *err);
void matcher_free(struct matcher *m);

/* Matches every signature against fs into out. Candidates whose required clauses did not all
 * match are dropped. stats may be NULL. Returns 0, or -1 with err for store failures. */
int matcher_run(struct matcher *m, struct factstore *fs, struct match_out *out,
		struct diagnose_stats *stats, struct error *err);

/* The value of a candidate's variable, or NULL. */
const char *candidate_var(const struct candidate *c, const char *name);

/* Lint for patterns: they compile, and none hits the match or depth limit on adversarial
 * subjects of MAX_LINT_BYTES (repeated literal text, 'a's, spaces, digits). Adds issues and
 * returns their number. */
int matcher_lint(const struct kb *kb, struct kb_issues *out);
