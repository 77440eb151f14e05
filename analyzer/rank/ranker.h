/* ranker.h - candidates to findings: scores, confidence and labels, severity, ruled out,
 * suppression, ordering and filled fix templates.
 *
 * score = prior + the weights of the clauses that matched; confidence = 1/(1+e^-score);
 * labels certain >= 0.9, likely >= 0.7, possible >= 0.4, else unlikely. A candidate where a
 * `rules_out` clause matched, or an `against` clause matched and the label fell below
 * possible, goes to ruled_out with the reason; other unlikely candidates are dropped unless
 * keep_unlikely. A finding whose signature `suppresses` another id moves that id's findings on
 * the same subject (or on the host) to ruled_out with suppressed_by set. Findings are ordered
 * by confidence, then severity, then id, then subject; at most MAX_FINDINGS are kept.
 */
#pragma once

#include <stdbool.h>

#include "common/error.h"
#include "rank/result.h"

struct match_out;

double rank_confidence(double score);
const char *rank_label(double confidence); /* "certain", "likely", "possible", "unlikely" */

/* Appends findings and ruled_out from the candidates in mo to res (strings copied into
 * res->arena, so mo and the kb may go away afterwards). Returns 0. */
int rank_candidates(const struct match_out *mo, bool keep_unlikely, struct result *res,
		    struct error *err);
