/* kb_test.c - judging the examples of knowledge files (kb_test.h). */
#include "kb/kb_test.h"

#include <stdio.h>
#include <string.h>

bool kb_test_judge(const struct signature *sig, const struct kb_example *ex,
		   const struct result *res, double *conf, char *why, size_t why_len)
{
	size_t off = 0;

	*conf = -1;
	why[0] = '\0';
	for (size_t i = 0; i < res->n_findings; i++) {
		const struct finding *f = &res->findings[i];
		if (strcmp(f->id, sig->id) != 0)
			continue;
		if (ex->expect_subject && strcmp(f->subject.id, ex->expect_subject) != 0)
			continue;
		if (f->confidence > *conf)
			*conf = f->confidence;
	}
	for (size_t i = 0; i < res->n_findings && i < 4 && off + 1 < why_len; i++) {
		int n = snprintf(why + off, why_len - off, "%s%s on %s (%.2f)", i ? ", " : "",
				 res->findings[i].id, res->findings[i].subject.id,
				 res->findings[i].confidence);
		if (n < 0)
			break;
		off += (size_t)n;
	}
	for (size_t i = 0; i < res->n_ruled_out && off + 1 < why_len; i++) {
		const struct finding *f = &res->ruled_out[i];
		if (strcmp(f->id, sig->id) != 0)
			continue;
		int n = snprintf(why + off, why_len - off, "%sruled out on %s: %s", off ? "; " : "",
				 f->subject.id, f->ruled_out_reason ? f->ruled_out_reason : "?");
		if (n < 0)
			break;
		off += (size_t)n;
	}
	return ex->positive ? *conf >= 0.4 : *conf < 0.4;
}

int kb_test_run(const struct kb *kb, const char *id, kb_example_fn run, void *ctx,
		struct kb_test_counts *counts, struct kb_issues *failures, struct kb_issues *passes)
{
	for (size_t s = 0; s < kb->n; s++) {
		const struct signature *sig = &kb->sigs[s];

		if (id && strcmp(id, sig->id) != 0)
			continue;
		for (size_t e = 0; e < sig->n_examples; e++) {
			const struct kb_example *ex = &sig->examples[e];
			const char *kind = ex->positive ? "positive" : "negative";
			struct error err = { 0 };
			char why[1024];
			double conf = -1;
			bool passed = false;

			if (run(ctx, kb, sig, ex, &passed, &conf, why, sizeof(why), &err) < 0) {
				kb_issue_add(failures, sig->file, "%s test '%s': %s", kind,
					     ex->name, err.msg);
				counts->failed++;
			} else if (passed) {
				counts->passed++;
				if (passes)
					kb_issue_add(passes, sig->file, "%s test '%s': ok (%s)",
						     kind, ex->name,
						     conf < 0	   ? "not found"
						     : conf >= 0.9 ? "certain"
						     : conf >= 0.7 ? "likely"
						     : conf >= 0.4 ? "possible"
								   : "unlikely");
			} else if (ex->positive) {
				kb_issue_add(
					failures, sig->file,
					"positive test '%s': no '%s' finding%s%s at 'possible' or better (got: %s)",
					ex->name, sig->id, ex->expect_subject ? " on " : "",
					ex->expect_subject ? ex->expect_subject : "",
					why[0] ? why : "nothing");
				counts->failed++;
			} else {
				kb_issue_add(failures, sig->file,
					     "negative test '%s': '%s' found at confidence %.2f",
					     ex->name, sig->id, conf);
				counts->failed++;
			}
		}
	}
	return 0;
}
