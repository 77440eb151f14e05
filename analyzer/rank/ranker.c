/* ranker.c - candidates to findings (see ranker.h): log-odds scores, confidence, labels,
 * severity overrides, counter-evidence and ruled out, suppression, ordering, templates.
 */
#include "rank/ranker.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/limits.h"
#include "common/sbuf.h"
#include "common/xalloc.h"
#include "kb/kb.h"
#include "match/matcher.h"

double rank_confidence(double score)
{
	return 1.0 / (1.0 + exp(-score));
}

const char *rank_label(double confidence)
{
	if (confidence >= 0.9)
		return "certain";
	if (confidence >= 0.7)
		return "likely";
	if (confidence >= 0.4)
		return "possible";
	return "unlikely";
}

struct lookup_ctx {
	const struct candidate *c;
};

static const char *lookup(void *ctx, const char *name)
{
	const struct candidate *c = ((struct lookup_ctx *)ctx)->c;
	const char *v = candidate_var(c, name);

	if (v)
		return v;
	if (strcmp(name, "subject") == 0)
		return c->subject;
	if (strcmp(name, "subject_name") == 0)
		return c->subject_name;
	if (strcmp(name, "id") == 0)
		return c->sig->id;
	return NULL;
}

static const char *fill(struct arena *a, const char *tmpl, const struct candidate *c)
{
	struct lookup_ctx lc = { .c = c };
	struct sbuf sb;
	const char *s;

	sbuf_init(&sb, MAX_FIX_BYTES);
	kb_template_fill(tmpl, lookup, &lc, &sb);
	s = arena_strdup(a, sb.buf);
	sbuf_release(&sb);
	return s;
}

static const char **copy_strs(struct arena *a, const char *const *v, size_t n)
{
	const char **out = arena_alloc(a, sizeof(*out) * (n + 1));

	for (size_t i = 0; i < n; i++)
		out[i] = arena_strdup(a, v[i]);
	return out;
}

/* Builds the finding of one candidate; the return says where it goes. */
enum fate { FATE_FINDING, FATE_RULED_OUT, FATE_DROP };

static enum fate build(struct arena *a, const struct candidate *c, bool keep_unlikely,
		       struct finding *f)
{
	const struct signature *sig = c->sig;
	double score = sig->prior;
	enum severity sev = sig->severity;
	const struct clause *against = NULL, *rules_out = NULL;

	for (size_t k = 0; k < sig->n_clauses; k++) {
		const struct clause *cl = &sig->clauses[k];
		if (!c->matched[k])
			continue;
		score += cl->weight;
		if (cl->has_severity)
			sev = cl->set_severity;
		if (cl->against && !against)
			against = cl;
		if (cl->rules_out && !rules_out)
			rules_out = cl;
	}
	memset(f, 0, sizeof(*f));
	f->id = arena_strdup(a, sig->id);
	f->title = arena_strdup(a, sig->title);
	f->category = arena_strdup(a, sig->category);
	f->severity = sev;
	f->score = score;
	f->confidence = rank_confidence(score);
	f->label = rank_label(f->confidence);
	f->subject.kind = subject_kind_name(sig->subject);
	f->subject.id = arena_strdup(a, c->subject ? c->subject : "unknown");
	f->subject.name = c->subject_name ? arena_strdup(a, c->subject_name) : NULL;
	f->symptoms = copy_strs(a, sig->symptoms, sig->n_symptoms);
	f->n_symptoms = sig->n_symptoms;
	f->references = copy_strs(a, sig->references, sig->n_references);
	f->n_references = sig->n_references;
	f->fix = fill(a, sig->fix, c);
	size_t n_ev = c->n_ev < MAX_EVIDENCE ? c->n_ev : MAX_EVIDENCE;
	f->evidence = arena_alloc(a, sizeof(*f->evidence) * (n_ev + 1));
	for (size_t i = 0; i < n_ev; i++) {
		const struct match_evidence *e = &c->ev[i];
		f->evidence[i] = (struct evidence){
			.path = e->path ? arena_strdup(a, e->path) : NULL,
			.line = e->line,
			.text = arena_strdup(a, e->text),
			.clause = arena_strdup(a, sig->clauses[e->clause].name),
			.weight = sig->clauses[e->clause].weight,
		};
	}
	f->n_evidence = n_ev;
	f->n_evidence_total = c->n_ev_total > c->n_ev ? c->n_ev_total : c->n_ev;
	if (rules_out || (against && f->confidence < 0.4)) {
		const struct clause *why = rules_out ? rules_out : against;
		f->ruled_out_reason = fill(a, why->reason, c);
		return FATE_RULED_OUT;
	}
	if (f->confidence < 0.4 && !keep_unlikely)
		return FATE_DROP;
	return FATE_FINDING;
}

static int cmp_finding(const void *pa, const void *pb)
{
	const struct finding *a = pa, *b = pb;
	int c;

	if (a->confidence != b->confidence)
		return a->confidence > b->confidence ? -1 : 1;
	if (a->severity != b->severity)
		return a->severity > b->severity ? -1 : 1;
	c = strcmp(a->id, b->id);
	return c ? c : strcmp(a->subject.id, b->subject.id);
}

static int cmp_ruled_out(const void *pa, const void *pb)
{
	const struct finding *a = pa, *b = pb;
	int c = strcmp(a->id, b->id);

	return c ? c : strcmp(a->subject.id, b->subject.id);
}

/* Appends n items to an arena array (arena arrays cannot grow in place). */
static void *append(struct arena *a, const void *old, size_t n_old, const void *add, size_t n_add,
		    size_t size)
{
	char *v = arena_alloc(a, size * (n_old + n_add + 1));

	if (n_old)
		memcpy(v, old, size * n_old);
	if (n_add)
		memcpy(v + size * n_old, add, size * n_add);
	return v;
}

int rank_candidates(const struct match_out *mo, bool keep_unlikely, struct result *res,
		    struct error *err)
{
	struct arena *a = &res->arena;
	struct finding *found = xcalloc(mo->n_cands + 1, sizeof(*found));
	struct finding *out = xcalloc(mo->n_cands + 1, sizeof(*out));
	bool *hidden = xcalloc(mo->n_cands + 1, sizeof(*hidden));
	size_t nf = 0, no = 0;

	(void)err;
	for (size_t i = 0; i < mo->n_cands; i++) {
		struct finding f;
		switch (build(a, &mo->cands[i], keep_unlikely, &f)) {
		case FATE_FINDING:
			found[nf++] = f;
			break;
		case FATE_RULED_OUT:
			out[no++] = f;
			break;
		case FATE_DROP:
			break;
		}
	}
	qsort(found, nf, sizeof(*found), cmp_finding);
	/* suppression, best first; a hidden finding hides nothing */
	for (size_t i = 0; i < nf; i++) {
		const struct signature *sa = NULL;
		if (hidden[i] || found[i].confidence < 0.4)
			continue;
		/* only a more confident cause explains another one away */
		for (size_t c = 0; c < mo->n_cands && !sa; c++)
			if (strcmp(mo->cands[c].sig->id, found[i].id) == 0)
				sa = mo->cands[c].sig;
		for (size_t j = 0; sa && j < nf; j++) {
			if (j == i || hidden[j] || found[j].confidence >= found[i].confidence)
				continue;
			bool hit = false;
			if (strcmp(found[j].subject.kind, "host") != 0 &&
			    strcmp(found[i].subject.id, found[j].subject.id) != 0)
				continue;
			for (size_t s = 0; s < sa->n_suppresses; s++)
				hit |= strcmp(sa->suppresses[s], found[j].id) == 0;
			if (!hit)
				continue;
			hidden[j] = true;
			found[j].suppressed_by = found[i].id;
			found[j].ruled_out_reason = arena_printf(a, "explained by %s (%s)",
								 found[i].id, found[i].title);
		}
	}
	size_t keep = 0;
	for (size_t i = 0; i < nf; i++) {
		if (hidden[i])
			out[no++] = found[i];
		else
			found[keep++] = found[i];
	}
	if (keep > MAX_FINDINGS) {
		struct result_warning w = {
			.message = arena_printf(a, "%zu findings, showing the first %d", keep,
						MAX_FINDINGS),
		};
		res->warnings = append(a, res->warnings, res->n_warnings, &w, 1, sizeof(w));
		res->n_warnings++;
		keep = MAX_FINDINGS;
	}
	qsort(out, no, sizeof(*out), cmp_ruled_out);
	res->findings = append(a, res->findings, res->n_findings, found, keep, sizeof(*found));
	res->n_findings += keep;
	qsort(res->findings, res->n_findings, sizeof(*res->findings), cmp_finding);
	res->ruled_out = append(a, res->ruled_out, res->n_ruled_out, out, no, sizeof(*out));
	res->n_ruled_out += no;
	free(found);
	free(out);
	free(hidden);
	return 0;
}
