/* matcher.c - knowledge clauses against the fact store (see matcher.h).
 *
 * One pass over the lines: each line is offered to the pattern clauses of its source kind;
 * a clause whose literals are all absent from the line is skipped without touching PCRE2. The
 * literals are found by one scan of the line for all of them at once (struct prefilter), not
 * by one memmem per clause and literal.
 * Hits are copied into the output arena. Then, per signature, the opening clause (the first
 * required one) opens candidates - one per subject - and every other clause is evaluated per
 * candidate: pattern hits whose captures agree with the candidate's variables, or SQL with
 * the variables bound as named parameters.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "match/matcher.h"

#include <ctype.h>
#include <pcre2.h>
#include <stdio.h>
#include <string.h>

#include "common/clock.h"
#include "common/limits.h"
#include "common/sbuf.h"
#include "common/xalloc.h"
#include "facts/factstore.h"
#include "kb/kb.h"
#include "match/unexplained.h"
#include "parse/parse.h"
#include "rank/diagnose.h"

struct hit {
	const char *path;
	uint32_t line;
	const char *text;
	const char *line_bdf; /* NULL when the line names no address */
	const char *line_vm;
	struct match_var *caps;
	size_t n_caps;
};

struct cpattern {
	const struct signature *sig;
	const struct clause *cl;
	pcre2_code *code;
	pcre2_match_data *md;
	/* named groups: number -> name */
	const char **group_names;
	uint32_t n_groups;
	struct hit *hits;
	size_t n_hits, cap_hits;
	bool hits_capped;
	bool prefiltered; /* every literal is in the prefilter; else has_literal() decides */
};

/* The literal prefilter. Each literal of two bytes or more is indexed by one byte pair inside
 * it (its anchor, chosen to be a rare pair); a 64 Kibit set of anchors rejects most positions
 * of a line with one bit test, and only where the pair is an anchor are literals compared.
 * A caseless literal is indexed under every case of its anchor pair and compared caselessly.
 * seen[p] == gen after a scan of a subject means pattern p has one of its literals in it. */
struct lit {
	const char *s;
	uint32_t len;
	uint32_t off; /* where the anchor starts in s */
	uint32_t pat; /* index into matcher.pats */
	uint16_t pair;
	bool caseless;
};

struct prefilter {
	uint64_t set[65536 / 64];
	struct lit *lits; /* sorted by pair */
	size_t n;
	uint32_t *seen_text, *seen_msg; /* per pattern */
	uint32_t gen_text, gen_msg;
};

struct matcher {
	const struct kb *kb;
	pcre2_match_context *mctx;
	struct cpattern *pats;
	size_t n_pats;
	struct cpattern **by_kind[SOURCE_COUNT]; /* pattern clauses per source kind */
	size_t n_by_kind[SOURCE_COUNT];
	uint64_t kind_mask;
	struct prefilter pf;
};

void match_out_init(struct match_out *out)
{
	memset(out, 0, sizeof(*out));
	arena_init(&out->arena);
}

void match_out_release(struct match_out *out)
{
	for (size_t i = 0; i < out->n_cands; i++) {
		free(out->cands[i].vars);
		free(out->cands[i].ev);
		free(out->cands[i].matched);
	}
	free(out->cands);
	free(out->warnings);
	free(out->unexplained);
	arena_release(&out->arena);
	memset(out, 0, sizeof(*out));
}

static void add_warning(struct match_out *out, const char *path, uint32_t line, const char *msg)
{
	if (out->n_warnings >= MAX_WARNINGS)
		return;
	out->warnings = xgrow(out->warnings, &out->cap_warnings, out->n_warnings + 1,
			      sizeof(*out->warnings));
	out->warnings[out->n_warnings++] = (struct match_warning){
		.path = path ? arena_strdup(&out->arena, path) : NULL,
		.line = line,
		.message = arena_strdup(&out->arena, msg),
	};
}

/* ---- compiling ---- */

static pcre2_code *compile(const struct clause *cl, char *msg, size_t msglen)
{
	int errcode;
	PCRE2_SIZE erroff;
	pcre2_code *code =
		pcre2_compile((PCRE2_SPTR)cl->pattern, PCRE2_ZERO_TERMINATED,
			      cl->caseless ? PCRE2_CASELESS : 0, &errcode, &erroff, NULL);

	if (!code) {
		PCRE2_UCHAR buf[160];
		pcre2_get_error_message(errcode, buf, sizeof(buf));
		snprintf(msg, msglen, "pattern does not compile at offset %zu: %s", (size_t)erroff,
			 (const char *)buf);
	}
	return code;
}

static void read_group_names(struct cpattern *p)
{
	uint32_t count = 0, entry = 0, top = 0;
	PCRE2_SPTR table = NULL;

	pcre2_pattern_info(p->code, PCRE2_INFO_CAPTURECOUNT, &top);
	pcre2_pattern_info(p->code, PCRE2_INFO_NAMECOUNT, &count);
	pcre2_pattern_info(p->code, PCRE2_INFO_NAMEENTRYSIZE, &entry);
	pcre2_pattern_info(p->code, PCRE2_INFO_NAMETABLE, &table);
	p->n_groups = top + 1;
	p->group_names = xcalloc(p->n_groups, sizeof(*p->group_names));
	for (uint32_t i = 0; i < count; i++) {
		PCRE2_SPTR e = table + (size_t)i * entry;
		uint32_t num = ((uint32_t)e[0] << 8) | e[1];
		if (num < p->n_groups)
			p->group_names[num] = (const char *)(e + 2);
	}
}

/* How rare a byte is in log text, 0 (space, digits, ':') to 2 (capitals, rare letters). */
static int byte_rarity(unsigned char c)
{
	if (c == ' ' || c == ':' || c == '.' || c == ',' || isdigit(c))
		return 0;
	if (c >= 'a' && c <= 'z')
		return strchr("etaoinsrlcdu", c) ? 1 : 2;
	return 2;
}

static int lit_cmp(const void *a, const void *b)
{
	const struct lit *x = a, *y = b;

	return (x->pair > y->pair) - (x->pair < y->pair);
}

static void prefilter_build(struct matcher *m)
{
	struct prefilter *pf = &m->pf;
	size_t cap = 0;

	for (size_t i = 0; i < m->n_pats; i++) {
		const struct clause *cl = m->pats[i].cl;
		bool ok = cl->n_literals > 0;

		for (size_t j = 0; ok && j < cl->n_literals; j++)
			ok = strlen(cl->literals[j]) >= 2;
		m->pats[i].prefiltered = ok;
		for (size_t j = 0; ok && j < cl->n_literals; j++) {
			const unsigned char *u = (const unsigned char *)cl->literals[j];
			struct lit l = { .s = cl->literals[j],
					 .len = (uint32_t)strlen(l.s),
					 .pat = (uint32_t)i };
			size_t first = pf->n;
			int best = -1;

			for (uint32_t k = 0; k + 1 < l.len; k++) {
				unsigned char a = u[k], b = u[k + 1];
				int r;

				if (cl->caseless) {
					a = (unsigned char)tolower(a);
					b = (unsigned char)tolower(b);
				}
				r = byte_rarity(a) + byte_rarity(b);
				if (r > best) {
					best = r;
					l.off = k;
				}
			}
			l.caseless = cl->caseless;
			for (int v = 0; v < (cl->caseless ? 4 : 1); v++) {
				unsigned a = u[l.off], b = u[l.off + 1];
				bool dup = false;

				if (cl->caseless) { /* v: bit 0 upper-cases a, bit 1 b */
					a = (unsigned)(v & 1 ? toupper((int)a) : tolower((int)a));
					b = (unsigned)(v & 2 ? toupper((int)b) : tolower((int)b));
				}
				l.pair = (uint16_t)(a | b << 8);
				for (size_t k = first; !dup && k < pf->n; k++)
					dup = pf->lits[k].pair == l.pair; /* no letter: same pair */
				if (dup)
					continue;
				pf->set[l.pair >> 6] |= 1ull << (l.pair & 63);
				pf->lits = xgrow(pf->lits, &cap, pf->n + 1, sizeof(*pf->lits));
				pf->lits[pf->n++] = l;
			}
		}
	}
	if (pf->n)
		qsort(pf->lits, pf->n, sizeof(*pf->lits), lit_cmp);
	pf->seen_text = xcalloc(m->n_pats + 1, sizeof(*pf->seen_text));
	pf->seen_msg = xcalloc(m->n_pats + 1, sizeof(*pf->seen_msg));
}

/* Marks seen[p] = gen for every pattern p with a prefiltered literal in s. */
static void prefilter_scan(const struct prefilter *pf, struct str s, uint32_t *seen, uint32_t gen)
{
	const unsigned char *u = (const unsigned char *)s.ptr;

	for (size_t i = 0; i + 1 < s.len; i++) {
		uint16_t pair = (uint16_t)(u[i] | (unsigned)u[i + 1] << 8);
		size_t lo = 0, hi = pf->n;

		if (!((pf->set[pair >> 6] >> (pair & 63)) & 1))
			continue;
		while (lo < hi) { /* the first literal anchored on this pair */
			size_t mid = lo + (hi - lo) / 2;
			if (pf->lits[mid].pair < pair)
				lo = mid + 1;
			else
				hi = mid;
		}
		for (; lo < pf->n && pf->lits[lo].pair == pair; lo++) {
			const struct lit *l = &pf->lits[lo];

			if (i >= l->off && i - l->off + l->len <= s.len &&
			    (l->caseless ? strncasecmp(s.ptr + i - l->off, l->s, l->len)
					 : memcmp(s.ptr + i - l->off, l->s, l->len)) == 0)
				seen[l->pat] = gen;
		}
	}
}

/* Starts a new scan generation; clears the marks when the counter wraps. */
static uint32_t next_gen(uint32_t *gen, uint32_t *seen, size_t n)
{
	if (++*gen == 0) {
		memset(seen, 0, n * sizeof(*seen));
		*gen = 1;
	}
	return *gen;
}

struct matcher *matcher_new(const struct kb *kb, struct error *err)
{
	struct matcher *m = xcalloc(1, sizeof(*m));
	size_t n = 0;

	m->kb = kb;
	m->mctx = pcre2_match_context_create(NULL);
	pcre2_set_match_limit(m->mctx, MAX_MATCH_LIMIT);
	pcre2_set_depth_limit(m->mctx, MAX_DEPTH_LIMIT);
	for (size_t s = 0; s < kb->n; s++)
		for (size_t c = 0; c < kb->sigs[s].n_clauses; c++)
			n += kb->sigs[s].clauses[c].type == CLAUSE_PATTERN;
	m->pats = xcalloc(n + 1, sizeof(*m->pats));
	for (size_t s = 0; s < kb->n; s++) {
		for (size_t c = 0; c < kb->sigs[s].n_clauses; c++) {
			const struct clause *cl = &kb->sigs[s].clauses[c];
			struct cpattern *p = &m->pats[m->n_pats];
			char msg[200];

			if (cl->type != CLAUSE_PATTERN)
				continue;
			p->sig = &kb->sigs[s];
			p->cl = cl;
			p->code = compile(cl, msg, sizeof(msg));
			if (!p->code) {
				error_set(err, EXIT_KB, "%s: clause '%s': %s", kb->sigs[s].file,
					  cl->name, msg);
				matcher_free(m);
				return NULL;
			}
			pcre2_jit_compile(p->code, PCRE2_JIT_COMPLETE); /* interpreter if no JIT */
			p->md = pcre2_match_data_create_from_pattern(p->code, NULL);
			read_group_names(p);
			m->n_pats++;
			m->kind_mask |= cl->sources;
		}
	}
	for (int k = 0; k < SOURCE_COUNT; k++) {
		m->by_kind[k] = xcalloc(m->n_pats + 1, sizeof(*m->by_kind[k]));
		for (size_t i = 0; i < m->n_pats; i++)
			if (m->pats[i].cl->sources & (1ull << k))
				m->by_kind[k][m->n_by_kind[k]++] = &m->pats[i];
	}
	prefilter_build(m);
	return m;
}

static void reset_hits(struct matcher *m)
{
	for (size_t i = 0; i < m->n_pats; i++) {
		free(m->pats[i].hits);
		m->pats[i].hits = NULL;
		m->pats[i].n_hits = m->pats[i].cap_hits = 0;
		m->pats[i].hits_capped = false;
	}
}

void matcher_free(struct matcher *m)
{
	if (!m)
		return;
	reset_hits(m);
	for (size_t i = 0; i < m->n_pats; i++) {
		pcre2_match_data_free(m->pats[i].md);
		pcre2_code_free(m->pats[i].code);
		free(m->pats[i].group_names);
	}
	for (int k = 0; k < SOURCE_COUNT; k++)
		free(m->by_kind[k]);
	free(m->pf.lits);
	free(m->pf.seen_text);
	free(m->pf.seen_msg);
	free(m->pats);
	pcre2_match_context_free(m->mctx);
	free(m);
}

/* ---- the line pass ---- */

struct line_pass {
	struct matcher *m;
	struct match_out *out;
	struct diagnose_stats *stats;
	bool limit_warned;
};

static bool has_literal(const struct clause *cl, struct str s)
{
	for (size_t i = 0; i < cl->n_literals; i++) {
		const char *lit = cl->literals[i];
		size_t l = strlen(lit);

		if (cl->caseless) {
			/* lines are short and caseless clauses rare: a bounded scan */
			for (size_t j = 0; j + l <= s.len; j++)
				if (strncasecmp(s.ptr + j, lit, l) == 0)
					return true;
		} else if (memmem(s.ptr, s.len, lit, l)) {
			return true;
		}
	}
	return false;
}

static void record_hit(struct line_pass *lp, struct cpattern *p, const struct fs_line *line,
		       struct str subj)
{
	PCRE2_SIZE *ov = pcre2_get_ovector_pointer(p->md);
	struct arena *a = &lp->out->arena;
	struct hit *h;

	if (p->n_hits >= MAX_HITS_PER_CLAUSE) {
		p->hits_capped = true;
		return;
	}
	p->hits = xgrow(p->hits, &p->cap_hits, p->n_hits + 1, sizeof(*p->hits));
	h = &p->hits[p->n_hits++];
	memset(h, 0, sizeof(*h));
	h->path = line->path ? arena_strdup(a, line->path) : NULL;
	h->line = line->lineno;
	h->text = arena_str(a, line->text).ptr;
	h->line_bdf = line->bdf && *line->bdf ? arena_strdup(a, line->bdf) : NULL;
	h->line_vm = line->vm && *line->vm ? arena_strdup(a, line->vm) : NULL;
	h->caps = arena_alloc(a, sizeof(*h->caps) * (p->n_groups + 1));
	for (uint32_t g = 1; g < p->n_groups; g++) {
		if (!p->group_names[g] || ov[2 * g] == PCRE2_UNSET || ov[2 * g + 1] <= ov[2 * g])
			continue; /* unset or empty: binds nothing */
		h->caps[h->n_caps].name = p->group_names[g];
		h->caps[h->n_caps].value =
			arena_str(a, str_from_mem(subj.ptr + ov[2 * g], ov[2 * g + 1] - ov[2 * g]))
				.ptr;
		h->n_caps++;
	}
}

static void add_unexplained(struct match_out *out, const struct fs_line *line)
{
	struct match_unexplained *u;

	if (out->n_unexplained_seen++ >= MAX_UNEXPLAINED_SEEN)
		return;
	out->unexplained = xgrow(out->unexplained, &out->cap_unexplained, out->n_unexplained + 1,
				 sizeof(*out->unexplained));
	u = &out->unexplained[out->n_unexplained++];
	u->path = line->path ? arena_strdup(&out->arena, line->path) : NULL;
	u->line = line->lineno;
	u->text = arena_str(&out->arena, line->text).ptr;
}

static int on_line(void *ctx, const struct fs_line *line)
{
	struct line_pass *lp = ctx;
	struct matcher *m = lp->m;

	if ((unsigned)line->kind >= SOURCE_COUNT)
		return 0;
	uint32_t gen_text = 0, gen_msg = 0; /* 0: that subject is not scanned yet */
	bool any_hit = false;

	if (lp->stats)
		lp->stats->lines_scanned++;
	for (size_t i = 0; i < m->n_by_kind[line->kind]; i++) {
		struct cpattern *p = m->by_kind[line->kind][i];
		bool use_msg = p->cl->use_msg && line->msg.len;
		struct str subj = use_msg ? line->msg : line->text;
		uint32_t *seen = use_msg ? m->pf.seen_msg : m->pf.seen_text;
		uint32_t *gen = use_msg ? &gen_msg : &gen_text;
		int rc;

		if (p->prefiltered && !*gen) {
			*gen = next_gen(use_msg ? &m->pf.gen_msg : &m->pf.gen_text, seen,
					m->n_pats);
			prefilter_scan(&m->pf, subj, seen, *gen);
		}
		if (p->prefiltered ? seen[p - m->pats] != *gen : !has_literal(p->cl, subj)) {
			if (lp->stats)
				lp->stats->prefilter_skips++;
			continue;
		}
		if (lp->stats)
			lp->stats->pattern_calls++;
		rc = pcre2_match(p->code, (PCRE2_SPTR)subj.ptr, subj.len, 0, 0, p->md, m->mctx);
		if (rc == PCRE2_ERROR_JIT_STACKLIMIT) /* the interpreter has its own limits */
			rc = pcre2_match(p->code, (PCRE2_SPTR)subj.ptr, subj.len, 0, PCRE2_NO_JIT,
					 p->md, m->mctx);
		if (rc >= 0) {
			any_hit = true;
			record_hit(lp, p, line, subj);
		} else if (rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT) {
			char msg[256];
			if (lp->stats)
				lp->stats->match_limit_hits++;
			snprintf(msg, sizeof(msg),
				 "pattern '%s' of %s hit the match limit on this line, skipping",
				 p->cl->name, p->sig->id);
			add_warning(lp->out, line->path, line->lineno, msg);
		}
	}
	if (!any_hit && (UNEXPLAINED_KINDS >> line->kind & 1) && unexplained_looks_like(line->text))
		add_unexplained(lp->out, line);
	return 0;
}

/* ---- candidates ---- */

const char *candidate_var(const struct candidate *c, const char *name)
{
	for (size_t i = 0; i < c->n_vars; i++)
		if (strcmp(c->vars[i].name, name) == 0)
			return c->vars[i].value;
	return NULL;
}

/* Sets a variable unless it is already set (the first, most specific value wins). */
static void set_var(struct candidate *c, struct arena *a, const char *name, const char *value)
{
	if (!value || !*value || candidate_var(c, name))
		return;
	c->vars = xgrow(c->vars, &c->cap_vars, c->n_vars + 1, sizeof(*c->vars));
	c->vars[c->n_vars++] = (struct match_var){ .name = arena_strdup(a, name),
						   .value = arena_strdup(a, value) };
}

static void add_ev(struct candidate *c, size_t clause, const char *path, uint32_t line,
		   const char *text)
{
	size_t in_clause = 0;

	for (size_t i = 0; i < c->n_ev; i++) {
		if (c->ev[i].clause != clause)
			continue;
		in_clause++;
		if (c->ev[i].line == line && line && c->ev[i].path && path &&
		    strcmp(c->ev[i].path, path) == 0 && strcmp(c->ev[i].text, text) == 0)
			return; /* the same line through two routes */
	}
	c->n_ev_total++;
	if (in_clause >= MAX_EV_PER_CLAUSE)
		return;
	c->ev = xgrow(c->ev, &c->cap_ev, c->n_ev + 1, sizeof(*c->ev));
	c->ev[c->n_ev++] = (struct match_evidence){
		.path = path, .line = line, .text = text, .clause = clause
	};
}

static struct candidate *new_candidate(struct match_out *out, const struct signature *sig,
				       const char *subject)
{
	struct candidate *c;

	out->cands = xgrow(out->cands, &out->cap_cands, out->n_cands + 1, sizeof(*out->cands));
	c = &out->cands[out->n_cands++];
	memset(c, 0, sizeof(*c));
	c->sig = sig;
	c->subject = subject ? arena_strdup(&out->arena, subject) : NULL;
	c->matched = xcalloc(sig->n_clauses + 1, sizeof(*c->matched));
	return c;
}

/* Run state for one signature. */
struct sig_run {
	struct matcher *m;
	struct factstore *fs;
	struct match_out *out;
	struct diagnose_stats *stats;
	const struct signature *sig;
	size_t first; /* index of this signature's first candidate in out->cands */
	struct error *err;
	/* inputs.id -> inputs.path, read once per run */
	int64_t *input_ids;
	const char **input_paths;
	size_t n_inputs;
};

static struct cpattern *pattern_of(struct matcher *m, const struct clause *cl)
{
	for (size_t i = 0; i < m->n_pats; i++)
		if (m->pats[i].cl == cl)
			return &m->pats[i];
	return NULL;
}

/* ---- SQL ---- */

static struct fs_param *params_of(const struct candidate *c, size_t *n)
{
	struct fs_param *p = xcalloc(c->n_vars + 4, sizeof(*p));
	size_t k = 0;

	for (size_t i = 0; i < c->n_vars; i++)
		p[k++] = (struct fs_param){ .name = c->vars[i].name,
					    .value = str_from_cstr(c->vars[i].value) };
	if (c->subject) {
		p[k++] = (struct fs_param){ .name = "subject", .value = str_from_cstr(c->subject) };
	}
	*n = k;
	return p;
}

/* One SQL row as variables and evidence. */
struct row_ctx {
	struct sig_run *r;
	struct candidate *c; /* NULL: opening clause, candidates made per row */
	size_t clause;
	long rows;
	bool enumerate;
	struct sbuf render;
};

static void value_text(const struct fs_value *v, struct sbuf *sb)
{
	switch (v->type) {
	case FS_NULL:
		break;
	case FS_INT:
		sbuf_addf(sb, "%lld", (long long)v->i);
		break;
	case FS_REAL:
		sbuf_addf(sb, "%g", v->d);
		break;
	case FS_TEXT:
		sbuf_add_str(sb, v->s);
		break;
	}
}

static const char *input_path(struct sig_run *r, int64_t id);

static struct candidate *find_candidate(struct sig_run *r, const char *subject)
{
	for (size_t i = r->first; i < r->out->n_cands; i++)
		if (subject && r->out->cands[i].subject &&
		    strcmp(r->out->cands[i].subject, subject) == 0)
			return &r->out->cands[i];
		else if (!subject && !r->out->cands[i].subject)
			return &r->out->cands[i];
	return NULL;
}

static int on_row(void *ctx, int ncols, const char *const *names, const struct fs_value *vals)
{
	struct row_ctx *rc = ctx;
	struct arena *a = &rc->r->out->arena;
	const struct signature *sig = rc->r->sig;
	const char *path = NULL, *evidence = NULL;
	uint32_t lineno = 0;
	struct candidate *c = rc->c;
	struct sbuf val;
	bool first_field = true;

	sbuf_init(&val, MAX_LINE_BYTES);
	sbuf_reset(&rc->render);
	/* the row's subject when this clause opens candidates */
	if (!c) {
		const char *subject = sig->subject == SUBJECT_HOST ? "host" : NULL;
		for (int i = 0; i < ncols && !subject; i++)
			if (strcmp(names[i], sig->subject_var) == 0 && vals[i].type != FS_NULL) {
				sbuf_reset(&val);
				value_text(&vals[i], &val);
				subject = val.len ? arena_strdup(a, val.buf) : NULL;
			}
		c = find_candidate(rc->r, subject);
		if (!c) {
			if (rc->r->out->n_cands - rc->r->first >= MAX_CANDIDATES) {
				sbuf_release(&val);
				return 1;
			}
			c = new_candidate(rc->r->out, sig, subject);
		}
	}
	for (int i = 0; i < ncols; i++) {
		sbuf_reset(&val);
		value_text(&vals[i], &val);
		if (strcmp(names[i], "input_id") == 0) {
			if (vals[i].type == FS_INT)
				path = input_path(rc->r, vals[i].i);
		} else if (strcmp(names[i], "lineno") == 0) {
			if (vals[i].type == FS_INT && vals[i].i > 0 && vals[i].i <= UINT32_MAX)
				lineno = (uint32_t)vals[i].i;
		} else if (strcmp(names[i], "path") == 0) {
			if (!path && vals[i].type != FS_NULL)
				path = arena_strdup(a, val.buf);
		} else if (strcmp(names[i], "evidence") == 0) {
			evidence = arena_strdup(a, val.buf);
		} else {
			if ((rc->rows == 0 || rc->enumerate) && vals[i].type != FS_NULL)
				set_var(c, a, names[i], val.buf);
			if (vals[i].type == FS_NULL)
				continue; /* absent: nothing to show */
			if (!first_field)
				sbuf_addstr(&rc->render, ", ");
			first_field = false;
			sbuf_addf(&rc->render, "%s = %s", names[i], val.buf);
		}
	}
	c->matched[rc->clause] = true;
	if (sig->clauses[rc->clause].show)
		add_ev(c, rc->clause, path, lineno,
		       evidence ? evidence : arena_strdup(a, rc->render.buf));
	rc->rows++;
	if (!rc->enumerate)
		rc->c = c; /* later rows add evidence to the first row's candidate */
	sbuf_release(&val);
	/* a non-enumerating clause: rows beyond what evidence shows add nothing */
	return !rc->enumerate && rc->rows >= MAX_EV_PER_CLAUSE;
}

static const char *input_path(struct sig_run *r, int64_t id)
{
	for (size_t i = 0; i < r->n_inputs; i++)
		if (r->input_ids[i] == id)
			return r->input_paths[i];
	return NULL;
}

struct inputs_ctx {
	struct sig_run *r;
	size_t cap;
};

static int on_input_row(void *ctx, int ncols, const char *const *names, const struct fs_value *vals)
{
	struct inputs_ctx *ic = ctx;
	struct sig_run *r = ic->r;
	size_t cap = ic->cap;

	(void)names;
	if (ncols < 2 || vals[0].type != FS_INT || vals[1].type != FS_TEXT)
		return 0;
	r->input_ids = xgrow(r->input_ids, &cap, r->n_inputs + 1, sizeof(*r->input_ids));
	r->input_paths = xrealloc(r->input_paths, cap * sizeof(*r->input_paths));
	ic->cap = cap;
	r->input_ids[r->n_inputs] = vals[0].i;
	r->input_paths[r->n_inputs] = arena_str(&r->out->arena, vals[1].s).ptr;
	r->n_inputs++;
	return 0;
}

/* Counts one SQL clause run and keeps it among the slowest when it is one of them. */
static void note_sql_time(struct diagnose_stats *st, const char *sig, const char *clause, double ms)
{
	size_t i = SLOW_SQL_SHOWN;

	st->sql_queries++;
	st->sql_ms += ms;
	while (i > 0 && (!st->slowest_sql[i - 1].sig || st->slowest_sql[i - 1].ms < ms))
		i--;
	if (i == SLOW_SQL_SHOWN)
		return;
	memmove(&st->slowest_sql[i + 1], &st->slowest_sql[i],
		(SLOW_SQL_SHOWN - 1 - i) * sizeof(st->slowest_sql[0]));
	st->slowest_sql[i] = (struct sql_timing){ .sig = sig, .clause = clause, .ms = ms };
}

/* Runs an SQL clause for candidate c (or, with c NULL, as the opening clause). Returns the
 * number of rows, or -1 after recording a warning. */
static long run_sql(struct sig_run *r, struct candidate *c, size_t clause, bool enumerate)
{
	const struct clause *cl = &r->sig->clauses[clause];
	struct row_ctx rc = { .r = r, .c = c, .clause = clause, .enumerate = enumerate };
	struct fs_param *params = NULL;
	size_t np = 0;
	struct error e = { 0 };
	long n;

	sbuf_init(&rc.render, MAX_LINE_BYTES);
	if (c)
		params = params_of(c, &np);
	double start = clock_ms();
	n = factstore_query(r->fs, cl->sql, params, np, on_row, &rc, &e);
	if (r->stats)
		note_sql_time(r->stats, r->sig->id, cl->name, clock_ms() - start);
	if (n < 0) {
		char msg[400];
		snprintf(msg, sizeof(msg), "%s: clause '%s': %s, skipping", r->sig->id, cl->name,
			 e.msg);
		add_warning(r->out, NULL, 0, msg);
	}
	free(params);
	sbuf_release(&rc.render);
	return n;
}

/* ---- patterns per candidate ---- */

/* Does hit h agree with the candidate's variables? Its captures must equal the values of
 * variables of the same name; the line's own address and VM must equal bdf / vmid. */
static const char *var_before(const struct candidate *c, size_t n_before, const char *name)
{
	for (size_t i = 0; i < n_before && i < c->n_vars; i++)
		if (strcmp(c->vars[i].name, name) == 0)
			return c->vars[i].value;
	return NULL;
}

/* Only variables bound before this clause count (n_before): the clause's own first hit must
 * not hide its other lines. */
static bool hit_agrees(const struct candidate *c, size_t n_before, const struct hit *h)
{
	bool has_bdf = false, has_vm = false;

	for (size_t i = 0; i < h->n_caps; i++) {
		const char *v = var_before(c, n_before, h->caps[i].name);
		if (v && strcmp(v, h->caps[i].value) != 0)
			return false;
		has_bdf |= strcmp(h->caps[i].name, "bdf") == 0;
		has_vm |= strcmp(h->caps[i].name, "vmid") == 0;
	}
	if (!has_bdf && h->line_bdf) {
		const char *v = var_before(c, n_before, "bdf");
		if (v && strcmp(v, h->line_bdf) != 0)
			return false;
	}
	if (!has_vm && h->line_vm) {
		const char *v = var_before(c, n_before, "vmid");
		if (v && strcmp(v, h->line_vm) != 0)
			return false;
	}
	return true;
}

static void take_hit(struct sig_run *r, struct candidate *c, size_t clause, const struct hit *h)
{
	struct arena *a = &r->out->arena;

	for (size_t i = 0; i < h->n_caps; i++)
		set_var(c, a, h->caps[i].name, h->caps[i].value);
	set_var(c, a, "bdf", h->line_bdf);
	set_var(c, a, "vmid", h->line_vm);
	c->matched[clause] = true;
	if (r->sig->clauses[clause].show)
		add_ev(c, clause, h->path, h->line, h->text);
}

/* The subject value a hit names: its capture of subject_var, else the line's own address or
 * VM. NULL when it names none (the device graph decides later). */
static const char *hit_subject(const struct signature *sig, const struct hit *h)
{
	if (sig->subject == SUBJECT_HOST)
		return "host";
	for (size_t i = 0; i < h->n_caps; i++)
		if (strcmp(h->caps[i].name, sig->subject_var) == 0)
			return h->caps[i].value;
	if (strcmp(sig->subject_var, "bdf") == 0)
		return h->line_bdf;
	if (strcmp(sig->subject_var, "vmid") == 0)
		return h->line_vm;
	return NULL;
}

static void open_from_pattern(struct sig_run *r, size_t clause)
{
	struct cpattern *p = pattern_of(r->m, &r->sig->clauses[clause]);

	if (!p)
		return;
	for (size_t i = 0; i < p->n_hits; i++) {
		const char *subject = hit_subject(r->sig, &p->hits[i]);
		struct candidate *c = find_candidate(r, subject);

		if (!c) {
			if (r->out->n_cands - r->first >= MAX_CANDIDATES)
				break;
			c = new_candidate(r->out, r->sig, subject);
		}
		take_hit(r, c, clause, &p->hits[i]);
	}
}

static void eval_pattern(struct sig_run *r, struct candidate *c, size_t clause)
{
	struct cpattern *p = pattern_of(r->m, &r->sig->clauses[clause]);
	size_t n_before = c->n_vars;

	for (size_t i = 0; p && i < p->n_hits; i++)
		if (hit_agrees(c, n_before, &p->hits[i]))
			take_hit(r, c, clause, &p->hits[i]);
}

/* ---- the device graph ---- */

struct one_ctx {
	struct arena *a;
	const char *value;
	size_t n;
};

static int on_one(void *ctx, int ncols, const char *const *names, const struct fs_value *vals)
{
	struct one_ctx *oc = ctx;

	(void)names;
	if (ncols < 1 || vals[0].type != FS_TEXT)
		return 0;
	if (oc->n == 0)
		oc->value = arena_str(oc->a, vals[0].s).ptr;
	oc->n++;
	return oc->n > 1;
}

/* The only value the query returns, or NULL when it returns none or several. */
static const char *only_value(struct sig_run *r, const char *sql, const char *name,
			      const char *value)
{
	struct one_ctx oc = { .a = &r->out->arena };
	struct fs_param p = { .name = name, .value = str_from_cstr(value) };
	struct error e = { 0 };

	if (factstore_query(r->fs, sql, &p, value ? 1 : 0, on_one, &oc, &e) < 0 || oc.n != 1)
		return NULL;
	return oc.value;
}

/* VM config -> PCI address: fills the subject of a candidate the evidence did not name. */
static void resolve_subject(struct sig_run *r, struct candidate *c)
{
	const char *v = NULL;

	if (c->subject)
		return;
	if (r->sig->subject == SUBJECT_DEVICE && candidate_var(c, "vmid")) {
		v = only_value(
			r,
			"SELECT DISTINCT CASE WHEN length(h.bdf) = 10 THEN h.bdf || '.0' "
			"ELSE h.bdf END FROM vm_hostdevs h JOIN vms v ON v.id = h.vm_id "
			"WHERE v.vmid = :vmid AND h.bdf IS NOT NULL AND coalesce(h.snapshot, '') = ''",
			"vmid", candidate_var(c, "vmid"));
	} else if (r->sig->subject == SUBJECT_VM && candidate_var(c, "bdf")) {
		v = only_value(r,
			       "SELECT DISTINCT v.vmid FROM vm_hostdevs h JOIN vms v ON v.id = "
			       "h.vm_id WHERE (h.bdf = :bdf OR h.bdf = substr(:bdf, 1, 10)) AND "
			       "coalesce(h.snapshot, '') = ''",
			       "bdf", candidate_var(c, "bdf"));
	}
	if (!v && r->sig->subject == SUBJECT_DEVICE && candidate_var(c, "group")) {
		/* IOMMU group -> the device of that group a VM passes through, or its only device
		 */
		v = only_value(
			r,
			"SELECT DISTINCT d.bdf FROM device d WHERE d.iommu_group = CAST(:group "
			"AS INTEGER) AND EXISTS (SELECT 1 FROM vm_hostdevs h WHERE h.bdf = d.bdf "
			"OR h.bdf = substr(d.bdf, 1, 10))",
			"group", candidate_var(c, "group"));
		if (!v)
			v = only_value(
				r,
				"SELECT DISTINCT bdf FROM device WHERE iommu_group = CAST(:group "
				"AS INTEGER)",
				"group", candidate_var(c, "group"));
	}
	if (!v && r->sig->subject == SUBJECT_VM)
		v = only_value(r,
			       "SELECT DISTINCT v.vmid FROM vms v JOIN vm_hostdevs h ON h.vm_id = "
			       "v.id WHERE coalesce(h.snapshot, '') = ''",
			       NULL, NULL);
	if (!v && r->sig->subject == SUBJECT_DEVICE)
		v = only_value(r,
			       "SELECT DISTINCT CASE WHEN length(h.bdf) = 10 THEN h.bdf || '.0' "
			       "ELSE h.bdf END FROM vm_hostdevs h WHERE h.bdf IS NOT NULL AND "
			       "coalesce(h.snapshot, '') = ''",
			       NULL, NULL);
	if (v) {
		c->subject = v;
		set_var(c, &r->out->arena, r->sig->subject_var, v);
	} else {
		c->subject = "unknown";
	}
}

static void name_subject(struct sig_run *r, struct candidate *c)
{
	if (r->sig->subject == SUBJECT_DEVICE && strcmp(c->subject, "unknown") != 0)
		c->subject_name = only_value(
			r,
			"SELECT trim(coalesce(vendor_name, '') || ' ' || coalesce(device_name, '')) "
			"FROM device WHERE bdf = :bdf AND (vendor_name IS NOT NULL OR device_name IS "
			"NOT NULL)",
			"bdf", c->subject);
	else if (r->sig->subject == SUBJECT_VM && strcmp(c->subject, "unknown") != 0)
		c->subject_name = only_value(
			r, "SELECT DISTINCT name FROM vms WHERE vmid = :vmid AND name IS NOT NULL",
			"vmid", c->subject);
}

/* ---- one signature ---- */

static void drop_candidate(struct match_out *out, size_t i)
{
	free(out->cands[i].vars);
	free(out->cands[i].ev);
	free(out->cands[i].matched);
	memmove(&out->cands[i], &out->cands[i + 1], (out->n_cands - i - 1) * sizeof(*out->cands));
	out->n_cands--;
}

static void run_signature(struct sig_run *r)
{
	const struct signature *sig = r->sig;
	size_t open = sig->n_clauses;

	for (size_t i = 0; i < sig->n_clauses; i++)
		if (sig->clauses[i].required) {
			open = i;
			break;
		}
	if (open == sig->n_clauses)
		return;
	r->first = r->out->n_cands;
	if (sig->clauses[open].type == CLAUSE_PATTERN)
		open_from_pattern(r, open);
	else
		run_sql(r, NULL, open, sig->clauses[open].enumerate);
	for (size_t ci = r->first; ci < r->out->n_cands;) {
		struct candidate *c = &r->out->cands[ci];
		bool keep = true;

		resolve_subject(r, c);
		for (size_t k = 0; k < sig->n_clauses; k++) {
			if (k == open)
				continue;
			if (sig->clauses[k].type == CLAUSE_PATTERN)
				eval_pattern(r, c, k);
			else
				run_sql(r, c, k, false);
			c = &r->out->cands[ci]; /* (no reallocation happens here, but be safe) */
		}
		for (size_t k = 0; k < sig->n_clauses; k++)
			if (sig->clauses[k].required && !c->matched[k])
				keep = false;
		if (!keep) {
			drop_candidate(r->out, ci);
			continue;
		}
		name_subject(r, c);
		ci++;
	}
	if (r->stats)
		r->stats->candidates += r->out->n_cands - r->first;
}

int matcher_run(struct matcher *m, struct factstore *fs, struct match_out *out,
		struct diagnose_stats *stats, struct error *err)
{
	struct line_pass lp = { .m = m, .out = out, .stats = stats };
	struct sig_run r = { .m = m, .fs = fs, .out = out, .stats = stats, .err = err };
	struct inputs_ctx ic = { .r = &r };
	int ret = -1;

	reset_hits(m);
	/* the kinds of unexplained evidence are walked even where no pattern searches them */
	if (factstore_each_line(fs, m->kind_mask | UNEXPLAINED_KINDS, on_line, &lp, err) < 0)
		goto out;
	for (size_t i = 0; i < m->n_pats; i++)
		if (m->pats[i].hits_capped) {
			char msg[200];
			snprintf(msg, sizeof(msg),
				 "%s: clause '%s' matched more than %d lines; the rest are ignored",
				 m->pats[i].sig->id, m->pats[i].cl->name, MAX_HITS_PER_CLAUSE);
			add_warning(out, NULL, 0, msg);
		}
	if (factstore_query(fs, "SELECT id, path FROM inputs", NULL, 0, on_input_row, &ic, err) < 0)
		goto out;
	for (size_t s = 0; s < m->kb->n; s++) {
		r.sig = &m->kb->sigs[s];
		run_signature(&r);
	}
	ret = 0;
out:
	free(r.input_ids);
	free(r.input_paths);
	reset_hits(m);
	return ret;
}

/* ---- lint ---- */

static void adversarial(struct sbuf *sb, const char *head, const char *unit, size_t unit_len,
			const char *tail)
{
	sbuf_reset(sb);
	if (head)
		sbuf_addstr(sb, head);
	while (sb->len + unit_len <= MAX_LINT_BYTES)
		sbuf_add(sb, unit, unit_len);
	if (tail)
		sbuf_addstr(sb, tail);
}

/* The pattern's leading literal text ("vfio-pci: Cannot read device rom at " of
 * "vfio-pci: Cannot read device rom at (?:...)"): what a line must start with to get past it. */
static void literal_prefix(const char *pattern, char *out, size_t size)
{
	const char *p = pattern;
	size_t n = 0;

	for (; *p && n + 1 < size; p++) {
		if (strchr("()[]{}.*+?|^$", *p))
			break;
		if (*p == '\\') {
			if (!p[1] || isalnum((unsigned char)p[1]))
				break; /* a class such as \d: stop */
			p++;
		}
		out[n++] = *p;
	}
	/* a quantifier applies to the last character: drop it */
	if (n && *p && strchr("*+?{", *p))
		n--;
	out[n] = '\0';
}

/* JIT when available (as at run time, and fast enough for 50 KB subjects); it honours the
 * match limit, which is what catastrophic patterns hit. */
static int lint_subject(pcre2_code *code, pcre2_match_data *md, pcre2_match_context *mctx,
			const struct sbuf *sb)
{
	return pcre2_match(code, (PCRE2_SPTR)sb->buf, sb->len, 0, 0, md, mctx);
}

/* The prefilter is sound only if every line the pattern matches holds a literal: check it on
 * every line of the signature's positive examples. */
static void lint_examples(const struct signature *sig, const struct clause *cl, pcre2_code *code,
			  pcre2_match_data *md, pcre2_match_context *mctx, struct kb_issues *out)
{
	for (size_t e = 0; e < sig->n_examples; e++) {
		const struct kb_example *ex = &sig->examples[e];
		for (size_t i = 0; i < ex->n_inputs; i++) {
			struct str rest = str_from_mem(ex->inputs[i].text, ex->inputs[i].len), line;
			while (str_next_line(&rest, &line)) {
				if (pcre2_match(code, (PCRE2_SPTR)line.ptr, line.len, 0, 0, md,
						mctx) < 0 ||
				    has_literal(cl, line))
					continue;
				kb_issue_add(
					out, sig->file,
					"clause '%s': the pattern matches a line of test '%s' that holds none of its literals, so the prefilter would skip it: %.80s",
					cl->name, ex->name, line.ptr);
				return;
			}
		}
	}
}

int matcher_lint(const struct kb *kb, struct kb_issues *out)
{
	pcre2_match_context *mctx = pcre2_match_context_create(NULL);
	struct sbuf sb;
	size_t before = out->n;

	pcre2_set_match_limit(mctx, MAX_MATCH_LIMIT);
	pcre2_set_depth_limit(mctx, MAX_DEPTH_LIMIT);
	sbuf_init(&sb, MAX_LINT_BYTES + 4096);
	for (size_t s = 0; s < kb->n; s++) {
		for (size_t k = 0; k < kb->sigs[s].n_clauses; k++) {
			const struct clause *cl = &kb->sigs[s].clauses[k];
			char msg[200];
			pcre2_code *code;
			pcre2_match_data *md;

			if (cl->type != CLAUSE_PATTERN)
				continue;
			code = compile(cl, msg, sizeof(msg));
			if (!code) {
				kb_issue_add(out, kb->sigs[s].file, "clause '%s': %s", cl->name,
					     msg);
				continue;
			}
			md = pcre2_match_data_create_from_pattern(code, NULL);
			/* units: the literals (alone and doubled), 'a', ' ', '0', "0:", and a word
			 * character before each separator the pattern names ("a," against
			 * "(?:.*?,){9}": backtracking that one repeated character cannot show) */
			static const char *const separated[] = { "a,", "a;", "a=", "a/",
								 "a.", "a-", "a|", NULL };
			const char *units[8 + 2 * 8 + 8];
			size_t nu = 0;
			units[nu++] = "a";
			units[nu++] = " ";
			units[nu++] = "0";
			units[nu++] = "0:";
			for (size_t i = 0; separated[i]; i++)
				if (strchr(cl->pattern, separated[i][1]))
					units[nu++] = separated[i];
			for (size_t l = 0;
			     l < cl->n_literals && nu + 1 < sizeof(units) / sizeof(*units); l++)
				units[nu++] = cl->literals[l];
			pcre2_jit_compile(code, PCRE2_JIT_COMPLETE);
			char prefix[256];
			literal_prefix(cl->pattern, prefix, sizeof(prefix));
			for (size_t u = 0; u < nu; u++) {
				/* repeated units alone, before a literal, and after one (a real
				 * line must hold the literal, then anything) */
				const char *heads[] = {
					NULL, NULL, cl->literals[0], cl->literals[0], prefix, prefix
				};
				/* the pattern's own text as a tail supplies the characters a
				 * required-character check looks for, so the engine cannot reject
				 * the subject before backtracking */
				const char *tails[] = { NULL, cl->literals[0], NULL, cl->pattern,
							NULL, cl->pattern };
				for (size_t t = 0; t < 6; t++) {
					int rc;
					adversarial(&sb, heads[t], units[u], strlen(units[u]),
						    tails[t]);
					rc = lint_subject(code, md, mctx, &sb);
					if (rc == PCRE2_ERROR_MATCHLIMIT ||
					    rc == PCRE2_ERROR_DEPTHLIMIT ||
					    rc == PCRE2_ERROR_JIT_STACKLIMIT) {
						kb_issue_add(
							out, kb->sigs[s].file,
							"clause '%s': catastrophic backtracking: "
							"%s on %u bytes of repeated '%.40s'",
							cl->name,
							rc == PCRE2_ERROR_MATCHLIMIT ? "match limit"
							: rc == PCRE2_ERROR_DEPTHLIMIT
								? "depth limit"
								: "JIT stack limit",
							(unsigned)sb.len, units[u]);
						goto next_clause;
					}
				}
			}
		next_clause:
			lint_examples(&kb->sigs[s], cl, code, md, mctx, out);
			pcre2_match_data_free(md);
			pcre2_code_free(code);
		}
	}
	sbuf_release(&sb);
	pcre2_match_context_free(mctx);
	return (int)(out->n - before);
}
