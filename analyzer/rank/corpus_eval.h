/* corpus_eval.h - judge regression cases against their expected.json, count per-cause true
 * and false positives, and render the corpus table (text or JSON). Pure: no I/O; the caller
 * (cmd_corpus.c) runs the cases and fills in what each one reported.
 *
 * Rules (docs/corpus.md):
 * - an expectation is met when a finding of its id (on its subject, when given) is reported
 *   at a rank <= max_rank (any rank when absent); rank is 1-based in the reported order;
 * - a forbid entry is violated by any reported finding of its id (on its subject, when given);
 * - max_severity is violated by any reported finding more severe than it;
 * - a case passes when it ran, every expectation is met and nothing is violated.
 * Per cause: TP = expectations met, FN = expectations not met, FP = reported findings that
 * violate a forbid entry or the max_severity of their case; findings a case neither expects
 * nor forbids are counted as "other" and judge nothing. precision = TP / (TP + FP), recall =
 * TP / (TP + FN), undefined (-1) when the denominator is 0.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "common/arena.h"
#include "rank/corpus_expected.h"
#include "rank/result.h"

struct sbuf;

#define CORPUS_ID_BYTES	     64
#define CORPUS_SUBJECT_BYTES 96
#define CORPUS_LABEL_BYTES   16

/* One reported finding, in rank order (a fixed-size record: workers send these over a pipe). */
struct corpus_finding {
	char id[CORPUS_ID_BYTES];
	char subject[CORPUS_SUBJECT_BYTES];
	char label[CORPUS_LABEL_BYTES];
	int severity; /* enum severity */
	double confidence;
};

enum corpus_status {
	CORPUS_RAN,	     /* analyzed; judged against expected.json */
	CORPUS_BAD_EXPECTED, /* expected.json unreadable or invalid */
	CORPUS_ERROR,	     /* the analysis failed with a message (bad input, limit) */
	CORPUS_CRASHED,	     /* the worker died (signal) or sent a malformed result */
	CORPUS_TIMEOUT,	     /* the worker passed the time cap */
};

/* What happened to one expectation. */
struct corpus_expect_result {
	int rank;		   /* rank of the matching finding, 0 when not reported */
	int other_rank;		   /* same id on another subject: its rank, else 0 */
	const char *other_subject; /* that subject */
	bool met;
};

struct corpus_case {
	const char *name; /* the case directory's name */
	enum corpus_status status;
	const char *message;	    /* for CORPUS_ERROR, CRASHED, TIMEOUT, BAD_EXPECTED */
	double ms;		    /* wall time of the worker */
	struct corpus_expected exp; /* valid unless status is CORPUS_BAD_EXPECTED */
	struct corpus_finding *findings;
	size_t n_findings;
	/* filled by corpus_judge() */
	struct corpus_expect_result *results; /* one per exp.expect */
	const char **problems;		      /* one line each: why the case failed */
	size_t n_problems;
	bool *violates; /* per finding: forbidden or above max_severity (a false positive) */
	bool passed;
};

/* Judges c (status, findings and exp filled in); allocations go to a. */
void corpus_judge(struct corpus_case *c, struct arena *a);

struct corpus_cause {
	const char *id;
	unsigned expected; /* expect entries naming the id */
	unsigned tp, fn, fp;
	unsigned other; /* reported in cases that neither expect nor forbid it */
};

struct corpus_summary {
	size_t cases, passed, failed;
	struct corpus_cause *causes; /* sorted by id */
	size_t n_causes;
	unsigned tp, fn, fp; /* over every cause */
};

/* Counts per cause over judged cases; allocations go to a. Cases that did not run count
 * their expectations as false negatives. */
void corpus_summarize(const struct corpus_case *cases, size_t n, struct corpus_summary *s,
		      struct arena *a);

/* tp / (tp + fp) and tp / (tp + fn); -1 when the denominator is 0. */
double corpus_precision(unsigned tp, unsigned fp);
double corpus_recall(unsigned tp, unsigned fn);

const char *corpus_status_name(enum corpus_status st); /* "ran", "error", "crashed", ... */

/* Appends the case table, the failures and the per-cause table (text), or the same content
 * as one JSON document (docs/corpus.md) to sb. */
void corpus_render_text(const struct corpus_case *cases, size_t n, const struct corpus_summary *s,
			struct sbuf *sb);
void corpus_render_json(const struct corpus_case *cases, size_t n, const struct corpus_summary *s,
			struct sbuf *sb);
