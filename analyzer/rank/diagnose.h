/* diagnose.h - the one call from facts to a ranked result: load (or reuse) the knowledge
 * base, match every signature against the fact store, rank, suppress, and fill the result.
 *
 * cmd_analyze (and corpus/diff) call diagnose() once per fact store after ingest. It reads
 * the store only (factstore_query / factstore_each_line); it adds findings, ruled_out,
 * unchecked and warnings to res (which the caller has result_init()ed and may already have
 * filled with inputs/warnings); everything it adds lives in res->arena.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "common/error.h"
#include "rank/result.h"

struct factstore;
struct kb;
struct matcher;

/* Counters and times of one diagnose() run, for --timings and bench/. */
#define SLOW_SQL_SHOWN 5 /* the slowest knowledge SQL clause runs `--timings` names */

struct sql_timing {
	const char *sig;    /* signature id */
	const char *clause; /* clause name */
	double ms;
};

struct diagnose_stats {
	double load_ms;	 /* knowledge load + compile (0 when opt->kb was given) */
	double match_ms; /* line patterns + SQL clauses */
	double rank_ms;	 /* scoring, suppression, ordering, rendering */
	uint64_t lines_scanned;
	uint64_t pattern_calls;	  /* pcre2_match calls that passed the literal prefilter */
	uint64_t prefilter_skips; /* (line, clause) pairs the literal prefilter rejected */
	uint64_t sql_queries;	  /* factstore_query calls */
	double sql_ms;		  /* time in the knowledge's SQL clauses (part of match_ms) */
	struct sql_timing slowest_sql[SLOW_SQL_SHOWN]; /* slowest single runs, slowest first */
	uint64_t match_limit_hits; /* pattern calls stopped by MAX_MATCH_LIMIT/MAX_DEPTH_LIMIT */
	size_t signatures;
	size_t candidates;
};

struct diagnose_options {
	const char *kb_dir;  /* NULL: the knowledge embedded at build time; else load this dir */
	const struct kb *kb; /* already loaded knowledge (kb test, corpus); wins over kb_dir */
	struct matcher *matcher;      /* matcher_new(kb), reused across runs; NULL: compiled here */
	bool timings;		      /* fill *stats with times (counters are always filled) */
	bool keep_unlikely;	      /* also report findings below 'possible' (default: dropped) */
	struct diagnose_stats *stats; /* may be NULL */
};

/* Diagnoses the facts in fs into res. Returns 0, or -1 with err set when the knowledge
 * cannot be loaded (EXIT_KB) or the store fails (EXIT_INTERNAL). A pattern that hits the
 * match limit or a query that does too much work is a warning in res, not a failure. */
int diagnose(struct factstore *fs, const struct diagnose_options *opt, struct result *res,
	     struct error *err);
