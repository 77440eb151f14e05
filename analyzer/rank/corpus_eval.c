/* corpus_eval.c - judge regression cases, count per-cause TP/FN/FP, render the corpus table as
 * text or JSON. Pure: the cases arrive filled in by cmd_corpus.c. The rules are in
 * corpus_eval.h and docs/corpus.md. */
#include "rank/corpus_eval.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/json_write.h"
#include "common/sbuf.h"

const char *corpus_status_name(enum corpus_status st)
{
	switch (st) {
	case CORPUS_RAN:
		return "ran";
	case CORPUS_BAD_EXPECTED:
		return "bad-expected";
	case CORPUS_ERROR:
		return "error";
	case CORPUS_CRASHED:
		return "crashed";
	case CORPUS_TIMEOUT:
		return "timeout";
	}
	return "error";
}

static bool subject_matches(const char *want, const char *got)
{
	return !want || strcasecmp(want, got) == 0;
}

static void add_problem(struct corpus_case *c, size_t cap, const char *msg)
{
	if (c->n_problems < cap)
		c->problems[c->n_problems++] = msg;
}

static void judge_expect(struct corpus_case *c, size_t i, struct arena *a, size_t cap)
{
	const struct corpus_expect *x = &c->exp.expect[i];
	struct corpus_expect_result *r = &c->results[i];
	const char *on = x->subject ? x->subject : "any subject";

	for (size_t k = 0; k < c->n_findings; k++) {
		const struct corpus_finding *f = &c->findings[k];

		if (strcmp(f->id, x->id) != 0)
			continue;
		if (subject_matches(x->subject, f->subject)) {
			r->rank = (int)k + 1;
			break;
		}
		if (!r->other_rank) {
			r->other_rank = (int)k + 1;
			r->other_subject = f->subject;
		}
	}
	r->met = r->rank > 0 && (x->max_rank == 0 || r->rank <= x->max_rank);
	if (r->met)
		return;
	if (r->rank > 0)
		add_problem(c, cap,
			    arena_printf(a, "'%s' on '%s' at rank %d, expected rank %d or better",
					 x->id, on, r->rank, x->max_rank));
	else if (r->other_rank > 0)
		add_problem(c, cap,
			    arena_printf(a,
					 "'%s' not reported on '%s' (reported on '%s' at rank %d)",
					 x->id, on, r->other_subject, r->other_rank));
	else
		add_problem(c, cap, arena_printf(a, "'%s' not reported on '%s'", x->id, on));
}

static void judge_finding(struct corpus_case *c, size_t k, struct arena *a, size_t cap)
{
	const struct corpus_finding *f = &c->findings[k];
	const struct corpus_expected *e = &c->exp;

	for (size_t j = 0; j < e->n_forbid; j++) {
		if (strcmp(e->forbid[j].id, f->id) != 0 ||
		    !subject_matches(e->forbid[j].subject, f->subject))
			continue;
		c->violates[k] = true;
		add_problem(c, cap,
			    arena_printf(a, "forbidden '%s' reported on '%s' at rank %zu", f->id,
					 f->subject, k + 1));
		break;
	}
	if (e->has_max_severity && f->severity > (int)e->max_severity) {
		c->violates[k] = true;
		add_problem(c, cap,
			    arena_printf(a, "'%s' on '%s' is '%s', above max_severity '%s'", f->id,
					 f->subject, severity_name((enum severity)f->severity),
					 severity_name(e->max_severity)));
	}
}

void corpus_judge(struct corpus_case *c, struct arena *a)
{
	size_t n_exp = c->status == CORPUS_BAD_EXPECTED ? 0 : c->exp.n_expect;
	size_t cap = n_exp + 2 * c->n_findings + 1;

	c->results = arena_alloc(a, (n_exp + 1) * sizeof(*c->results));
	c->violates = arena_alloc(a, (c->n_findings + 1) * sizeof(*c->violates));
	c->problems = arena_alloc(a, cap * sizeof(*c->problems));
	c->n_problems = 0;
	if (c->status != CORPUS_RAN) {
		add_problem(c, cap,
			    arena_printf(a, "%s: %s", corpus_status_name(c->status),
					 c->message ? c->message : "no result"));
		c->passed = false;
		return;
	}
	for (size_t i = 0; i < n_exp; i++)
		judge_expect(c, i, a, cap);
	for (size_t k = 0; k < c->n_findings; k++)
		judge_finding(c, k, a, cap);
	c->passed = c->n_problems == 0;
}

/* ---- per-cause counts ---- */

struct cause_set {
	struct corpus_cause *v;
	size_t n, cap;
	struct arena *a;
};

static struct corpus_cause *cause_get(struct cause_set *s, const char *id)
{
	struct corpus_cause *grown;

	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->v[i].id, id) == 0)
			return &s->v[i];
	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 32;
		grown = arena_alloc(s->a, s->cap * sizeof(*grown));
		if (s->n)
			memcpy(grown, s->v, s->n * sizeof(*grown));
		s->v = grown;
	}
	s->v[s->n] = (struct corpus_cause){ .id = arena_strdup(s->a, id) };
	return &s->v[s->n++];
}

static int cmp_cause(const void *x, const void *y)
{
	return strcmp(((const struct corpus_cause *)x)->id, ((const struct corpus_cause *)y)->id);
}

static bool finding_is_expected(const struct corpus_case *c, size_t k)
{
	for (size_t i = 0; c->status == CORPUS_RAN && i < c->exp.n_expect; i++)
		if (c->results[i].rank == (int)k + 1)
			return true;
	return false;
}

static void count_case(const struct corpus_case *c, struct cause_set *set)
{
	size_t n_exp = c->status == CORPUS_BAD_EXPECTED ? 0 : c->exp.n_expect;

	for (size_t i = 0; i < n_exp; i++) {
		struct corpus_cause *cc = cause_get(set, c->exp.expect[i].id);

		cc->expected++;
		if (c->status == CORPUS_RAN && c->results[i].met)
			cc->tp++;
		else
			cc->fn++;
	}
	if (c->status != CORPUS_RAN)
		return;
	for (size_t k = 0; k < c->n_findings; k++) {
		struct corpus_cause *cc;

		if (finding_is_expected(c, k))
			continue;
		cc = cause_get(set, c->findings[k].id);
		if (c->violates[k])
			cc->fp++;
		else
			cc->other++;
	}
}

void corpus_summarize(const struct corpus_case *cases, size_t n, struct corpus_summary *s,
		      struct arena *a)
{
	struct cause_set set = { .a = a };

	memset(s, 0, sizeof(*s));
	s->cases = n;
	for (size_t i = 0; i < n; i++) {
		if (cases[i].passed)
			s->passed++;
		else
			s->failed++;
		count_case(&cases[i], &set);
	}
	if (set.n)
		qsort(set.v, set.n, sizeof(*set.v), cmp_cause);
	s->causes = set.v;
	s->n_causes = set.n;
	for (size_t i = 0; i < set.n; i++) {
		s->tp += set.v[i].tp;
		s->fn += set.v[i].fn;
		s->fp += set.v[i].fp;
	}
}

double corpus_precision(unsigned tp, unsigned fp)
{
	return tp + fp ? (double)tp / (double)(tp + fp) : -1;
}

double corpus_recall(unsigned tp, unsigned fn)
{
	return tp + fn ? (double)tp / (double)(tp + fn) : -1;
}

/* ---- text ---- */

static const char *verdict(const struct corpus_case *c)
{
	if (c->passed)
		return "pass";
	switch (c->status) {
	case CORPUS_RAN:
		return "FAIL";
	case CORPUS_TIMEOUT:
		return "TIMEOUT";
	case CORPUS_CRASHED:
		return "CRASH";
	case CORPUS_BAD_EXPECTED:
	case CORPUS_ERROR:
		break;
	}
	return "ERROR";
}

static void expected_cell(const struct corpus_case *c, struct sbuf *sb)
{
	const struct corpus_expected *e = &c->exp;

	if (c->status == CORPUS_BAD_EXPECTED) {
		sbuf_addch(sb, '?');
		return;
	}
	for (size_t i = 0; i < e->n_expect; i++) {
		sbuf_addf(sb, "%s%s", i ? ", " : "", e->expect[i].id);
		if (e->expect[i].subject)
			sbuf_addf(sb, " on %s", e->expect[i].subject);
		if (e->expect[i].max_rank)
			sbuf_addf(sb, " <=%d", e->expect[i].max_rank);
	}
	if (e->has_max_severity)
		sbuf_addf(sb, "%snothing above %s", e->n_expect ? "; " : "",
			  severity_name(e->max_severity));
	else if (!e->n_expect)
		sbuf_addstr(sb, "-");
}

static void found_cell(const struct corpus_case *c, struct sbuf *sb)
{
	size_t shown = 0;

	if (c->status != CORPUS_RAN) {
		sbuf_addch(sb, '-');
		return;
	}
	for (size_t i = 0; i < c->exp.n_expect; i++) {
		const struct corpus_expect_result *r = &c->results[i];

		sbuf_addf(sb, "%s%s", shown++ ? ", " : "", c->exp.expect[i].id);
		if (r->rank)
			sbuf_addf(sb, "@%d", r->rank);
		else if (r->other_rank)
			sbuf_addf(sb, "@%d on %s", r->other_rank, r->other_subject);
		else
			sbuf_addstr(sb, " missing");
	}
	for (size_t k = 0; k < c->n_findings; k++)
		if (c->violates[k])
			sbuf_addf(sb, "%s%s@%zu", shown++ ? ", " : "", c->findings[k].id, k + 1);
	if (!shown)
		sbuf_addf(sb, c->n_findings ? "%zu other" : "nothing", c->n_findings);
}

static void ratio(struct sbuf *sb, double v)
{
	if (v < 0)
		sbuf_addf(sb, "%9s", "-");
	else
		sbuf_addf(sb, "%9.2f", v);
}

static void causes_text(const struct corpus_summary *s, struct sbuf *sb)
{
	int w = 5;

	for (size_t i = 0; i < s->n_causes; i++)
		if ((int)strlen(s->causes[i].id) > w)
			w = (int)strlen(s->causes[i].id);
	sbuf_addf(sb, "\n%-*s  %8s  %4s  %4s  %4s  %5s  %9s  %9s\n", w, "CAUSE", "EXPECTED", "TP",
		  "FN", "FP", "OTHER", "PRECISION", "RECALL");
	for (size_t i = 0; i < s->n_causes; i++) {
		const struct corpus_cause *cc = &s->causes[i];

		sbuf_addf(sb, "%-*s  %8u  %4u  %4u  %4u  %5u  ", w, cc->id, cc->expected, cc->tp,
			  cc->fn, cc->fp, cc->other);
		ratio(sb, corpus_precision(cc->tp, cc->fp));
		sbuf_addstr(sb, "  ");
		ratio(sb, corpus_recall(cc->tp, cc->fn));
		sbuf_addch(sb, '\n');
	}
	sbuf_addf(sb, "%-*s  %8u  %4u  %4u  %4u  %5s  ", w, "all", s->tp + s->fn, s->tp, s->fn,
		  s->fp, "");
	ratio(sb, corpus_precision(s->tp, s->fp));
	sbuf_addstr(sb, "  ");
	ratio(sb, corpus_recall(s->tp, s->fn));
	sbuf_addch(sb, '\n');
}

void corpus_render_text(const struct corpus_case *cases, size_t n, const struct corpus_summary *s,
			struct sbuf *sb)
{
	struct sbuf cell;
	int wc = 4, we = 8;

	sbuf_init(&cell, 4096);
	for (size_t i = 0; i < n; i++) {
		int len = (int)strlen(cases[i].name);

		wc = len > wc ? (len < 48 ? len : 48) : wc;
		sbuf_reset(&cell);
		expected_cell(&cases[i], &cell);
		len = (int)cell.len;
		we = len > we ? (len < 56 ? len : 56) : we;
	}
	sbuf_addf(sb, "%-*s  %-*s  %-7s  %s\n", wc, "CASE", we, "EXPECTED", "VERDICT", "FOUND");
	for (size_t i = 0; i < n; i++) {
		sbuf_reset(&cell);
		expected_cell(&cases[i], &cell);
		sbuf_addf(sb, "%-*s  %-*s  %-7s  ", wc, cases[i].name, we, cell.buf,
			  verdict(&cases[i]));
		sbuf_reset(&cell);
		found_cell(&cases[i], &cell);
		sbuf_addf(sb, "%s\n", cell.buf);
	}
	sbuf_release(&cell);
	if (s->failed) {
		sbuf_addstr(sb, "\nFailures:\n");
		for (size_t i = 0; i < n; i++)
			for (size_t k = 0; k < cases[i].n_problems; k++)
				sbuf_addf(sb, "  %s: %s\n", cases[i].name, cases[i].problems[k]);
	}
	causes_text(s, sb);
	sbuf_addf(sb, "\n%zu cases: %zu passed, %zu failed\n", s->cases, s->passed, s->failed);
}

/* ---- JSON ---- */

static void json_ratio(struct sbuf *sb, double v)
{
	if (v < 0)
		sbuf_addstr(sb, "null");
	else
		json_write_double(sb, v);
}

static void case_expect_json(const struct corpus_case *c, struct sbuf *sb)
{
	bool first = true;

	for (size_t i = 0; c->status != CORPUS_BAD_EXPECTED && i < c->exp.n_expect; i++) {
		const struct corpus_expect *x = &c->exp.expect[i];
		const struct corpus_expect_result *r = &c->results[i];
		bool f = true;

		json_sep(sb, &first);
		sbuf_addch(sb, '{');
		json_key(sb, &f, "id");
		json_write_cstr(sb, x->id);
		json_key(sb, &f, "subject");
		json_write_cstr(sb, x->subject);
		json_key(sb, &f, "max_rank");
		if (x->max_rank)
			json_write_i64(sb, x->max_rank);
		else
			sbuf_addstr(sb, "null");
		json_key(sb, &f, "rank");
		if (r->rank)
			json_write_i64(sb, r->rank);
		else
			sbuf_addstr(sb, "null");
		json_key(sb, &f, "met");
		json_write_bool(sb, c->status == CORPUS_RAN && r->met);
		sbuf_addch(sb, '}');
	}
}

static void case_forbid_json(const struct corpus_case *c, struct sbuf *sb)
{
	bool first = true;

	for (size_t i = 0; c->status != CORPUS_BAD_EXPECTED && i < c->exp.n_forbid; i++) {
		bool f = true;

		json_sep(sb, &first);
		sbuf_addch(sb, '{');
		json_key(sb, &f, "id");
		json_write_cstr(sb, c->exp.forbid[i].id);
		json_key(sb, &f, "subject");
		json_write_cstr(sb, c->exp.forbid[i].subject);
		sbuf_addch(sb, '}');
	}
}

static void case_findings_json(const struct corpus_case *c, struct sbuf *sb)
{
	bool first = true;

	for (size_t k = 0; c->status == CORPUS_RAN && k < c->n_findings; k++) {
		const struct corpus_finding *f = &c->findings[k];
		bool fi = true;

		json_sep(sb, &first);
		sbuf_addch(sb, '{');
		json_key(sb, &fi, "rank");
		json_write_u64(sb, k + 1);
		json_key(sb, &fi, "id");
		json_write_cstr(sb, f->id);
		json_key(sb, &fi, "subject");
		json_write_cstr(sb, f->subject);
		json_key(sb, &fi, "severity");
		json_write_cstr(sb, severity_name((enum severity)f->severity));
		json_key(sb, &fi, "confidence");
		json_write_double(sb, f->confidence);
		json_key(sb, &fi, "label");
		json_write_cstr(sb, f->label);
		json_key(sb, &fi, "violates");
		json_write_bool(sb, c->violates[k]);
		sbuf_addch(sb, '}');
	}
}

static void case_json(const struct corpus_case *c, struct sbuf *sb)
{
	bool first = true, fp = true;

	sbuf_addch(sb, '{');
	json_key(sb, &first, "name");
	json_write_cstr(sb, c->name);
	json_key(sb, &first, "status");
	json_write_cstr(sb, corpus_status_name(c->status));
	json_key(sb, &first, "passed");
	json_write_bool(sb, c->passed);
	json_key(sb, &first, "ms");
	json_write_double(sb, c->ms);
	json_key(sb, &first, "description");
	json_write_cstr(sb, c->status == CORPUS_BAD_EXPECTED ? NULL : c->exp.description);
	json_key(sb, &first, "max_severity");
	if (c->status != CORPUS_BAD_EXPECTED && c->exp.has_max_severity)
		json_write_cstr(sb, severity_name(c->exp.max_severity));
	else
		sbuf_addstr(sb, "null");
	json_key(sb, &first, "expect");
	sbuf_addch(sb, '[');
	case_expect_json(c, sb);
	sbuf_addch(sb, ']');
	json_key(sb, &first, "forbid");
	sbuf_addch(sb, '[');
	case_forbid_json(c, sb);
	sbuf_addch(sb, ']');
	json_key(sb, &first, "findings");
	sbuf_addch(sb, '[');
	case_findings_json(c, sb);
	sbuf_addch(sb, ']');
	json_key(sb, &first, "problems");
	sbuf_addch(sb, '[');
	for (size_t k = 0; k < c->n_problems; k++) {
		json_sep(sb, &fp);
		json_write_cstr(sb, c->problems[k]);
	}
	sbuf_addstr(sb, "]}");
}

static void cause_json(const struct corpus_cause *cc, struct sbuf *sb)
{
	bool f = true;

	sbuf_addch(sb, '{');
	json_key(sb, &f, "id");
	json_write_cstr(sb, cc->id);
	json_key(sb, &f, "expected");
	json_write_u64(sb, cc->expected);
	json_key(sb, &f, "tp");
	json_write_u64(sb, cc->tp);
	json_key(sb, &f, "fn");
	json_write_u64(sb, cc->fn);
	json_key(sb, &f, "fp");
	json_write_u64(sb, cc->fp);
	json_key(sb, &f, "other");
	json_write_u64(sb, cc->other);
	json_key(sb, &f, "precision");
	json_ratio(sb, corpus_precision(cc->tp, cc->fp));
	json_key(sb, &f, "recall");
	json_ratio(sb, corpus_recall(cc->tp, cc->fn));
	sbuf_addch(sb, '}');
}

void corpus_render_json(const struct corpus_case *cases, size_t n, const struct corpus_summary *s,
			struct sbuf *sb)
{
	bool first = true, fc = true, fs = true;

	sbuf_addstr(sb, "{\"corpus_version\":1,\"cases\":[");
	for (size_t i = 0; i < n; i++) {
		json_sep(sb, &fc);
		case_json(&cases[i], sb);
	}
	sbuf_addstr(sb, "],\"causes\":[");
	for (size_t i = 0; i < s->n_causes; i++) {
		json_sep(sb, &fs);
		cause_json(&s->causes[i], sb);
	}
	sbuf_addstr(sb, "],\"summary\":{");
	json_key(sb, &first, "cases");
	json_write_u64(sb, s->cases);
	json_key(sb, &first, "passed");
	json_write_u64(sb, s->passed);
	json_key(sb, &first, "failed");
	json_write_u64(sb, s->failed);
	json_key(sb, &first, "tp");
	json_write_u64(sb, s->tp);
	json_key(sb, &first, "fn");
	json_write_u64(sb, s->fn);
	json_key(sb, &first, "fp");
	json_write_u64(sb, s->fp);
	json_key(sb, &first, "precision");
	json_ratio(sb, corpus_precision(s->tp, s->fp));
	json_key(sb, &first, "recall");
	json_ratio(sb, corpus_recall(s->tp, s->fn));
	sbuf_addstr(sb, "}}\n");
}
