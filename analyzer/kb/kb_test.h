/* kb_test.h - runs the positive and negative examples of knowledge files and judges them.
 *
 * kb/ sits below the input layer and diagnose() in the link order, so the pipeline itself is
 * passed in: run() must load the example's inputs as a real run would (input layer, parsers,
 * fact store), diagnose them, and judge the result with kb_test_judge() (cmd_kb.c does).
 * A positive example passes when its signature's id is among the findings at confidence
 * 'possible' or better (on expect_subject when given); a negative example passes when it is
 * not. Failures are added to `failures` as "<kind> test '<name>': <why>" under the file.
 */
#pragma once

#include <stddef.h>

#include "common/error.h"
#include "kb/kb.h"
#include "rank/result.h"

struct kb_test_counts {
	size_t passed;
	size_t failed;
};

/* Returns 0 with *passed, *conf and why filled by kb_test_judge(), or -1 with err. */
typedef int (*kb_example_fn)(void *ctx, const struct kb *kb, const struct signature *sig,
			     const struct kb_example *ex, bool *passed, double *conf, char *why,
			     size_t why_len, struct error *err);

/* Runs the examples of every signature (or only of id, when not NULL). A run that fails
 * counts as a failed example with its error message. passes (may be NULL) gets one line per
 * passing example, for -v. Returns 0. */
int kb_test_run(const struct kb *kb, const char *id, kb_example_fn run, void *ctx,
		struct kb_test_counts *counts, struct kb_issues *failures,
		struct kb_issues *passes);

/* Judges one example's result: true when it passes. *conf gets the best confidence of a
 * finding of sig (on expect_subject when set), -1 when none; why gets what came out
 * instead (the top findings, and sig's ruled-out reasons). */
bool kb_test_judge(const struct signature *sig, const struct kb_example *ex,
		   const struct result *res, double *conf, char *why, size_t why_len);
