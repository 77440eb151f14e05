/* corpus_expected.h - a regression case's expected.json (docs/corpus.md, docs/samples.md):
 * the causes that must be found, those that must not appear, and the highest severity a
 * finding may have.
 *
 *   {"description": "...",
 *    "expect": [{"id": "rom-invalid-signature", "subject": "0000:00:02.0", "max_rank": 1}],
 *    "forbid": [{"id": "bar-reserve-conflict"}],
 *    "max_severity": "warning"}
 *
 * Parsing is strict: an unknown key, a wrong type, an empty id or an unknown severity is an
 * error, so that a typo can never weaken a case silently. Everything the struct points to
 * lives in its arena until corpus_expected_release().
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "common/arena.h"
#include "common/error.h"
#include "common/str.h"
#include "rank/result.h"

struct corpus_expect {
	const char *id;
	const char *subject; /* NULL: any subject */
	int max_rank;	     /* 1-based; 0: any rank */
};

struct corpus_forbid {
	const char *id;
	const char *subject; /* NULL: any subject */
};

struct corpus_expected {
	struct arena arena;
	const char *description; /* NULL when absent */
	struct corpus_expect *expect;
	size_t n_expect;
	struct corpus_forbid *forbid;
	size_t n_forbid;
	bool has_max_severity;
	enum severity max_severity;
};

/* Parses json (name is used in messages, e.g. "samples/x/expected.json") into *out, which
 * the function initialises; call corpus_expected_release() whether it succeeds or not.
 * Returns 0, or -1 with err set (EXIT_INPUT: not JSON or not the format; EXIT_LIMIT: larger
 * than MAX_JSON_BYTES, nested deeper than MAX_JSON_DEPTH or more than CORPUS_MAX_EXPECT
 * entries). */
int corpus_expected_parse(struct str json, const char *name, struct corpus_expected *out,
			  struct error *err);
void corpus_expected_release(struct corpus_expected *e);
