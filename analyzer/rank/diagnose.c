/* diagnose.c - the one call from a fact store to a ranked result (diagnose.h): knowledge ->
 * matcher -> ranker, plus "could not check" (what each cause needs that the input lacks) and
 * the host summary line.
 */
#include "rank/diagnose.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "common/clock.h"
#include "common/limits.h"
#include "common/sbuf.h"
#include "common/xalloc.h"
#include "facts/factstore.h"
#include "kb/kb.h"
#include "match/matcher.h"
#include "parse/parse.h"
#include "rank/ranker.h"
#include "rank/topology.h"

static void *append(struct arena *a, const void *old, size_t n_old, const void *add, size_t size)
{
	char *v = arena_alloc(a, size * (n_old + 2));

	if (n_old)
		memcpy(v, old, size * n_old);
	memcpy(v + size * n_old, add, size);
	return v;
}

static void add_warning(struct result *res, const char *path, uint32_t line, const char *msg)
{
	struct result_warning w = {
		.path = path ? arena_strdup(&res->arena, path) : NULL,
		.line = line,
		.message = arena_strdup(&res->arena, msg),
	};

	res->warnings = append(&res->arena, res->warnings, res->n_warnings, &w, sizeof(w));
	res->n_warnings++;
}

/* ---- what the input holds ---- */

struct present {
	uint64_t kinds;	       /* source kinds of the inputs */
	const char **failed;   /* manifest items whose status is not ok */
	const char **fail_why; /* their status */
	size_t n_failed, cap_failed;
	size_t cap_why;
	struct arena *a;
};

static int on_kind(void *ctx, int ncols, const char *const *names, const struct fs_value *vals)
{
	struct present *p = ctx;
	char name[64];

	(void)names;
	if (ncols < 1 || vals[0].type != FS_TEXT || vals[0].s.len >= sizeof(name))
		return 0;
	memcpy(name, vals[0].s.ptr, vals[0].s.len);
	name[vals[0].s.len] = '\0';
	enum source_kind k = source_kind_from_name(name);
	if (k != SOURCE_UNKNOWN)
		p->kinds |= 1ull << k;
	return 0;
}

static int on_failed(void *ctx, int ncols, const char *const *names, const struct fs_value *vals)
{
	struct present *p = ctx;

	(void)names;
	if (ncols < 2 || vals[0].type != FS_TEXT || p->n_failed >= 1000)
		return 0;
	p->failed = xgrow(p->failed, &p->cap_failed, p->n_failed + 1, sizeof(*p->failed));
	p->fail_why = xgrow(p->fail_why, &p->cap_why, p->n_failed + 1, sizeof(*p->fail_why));
	p->failed[p->n_failed] = arena_str(p->a, vals[0].s).ptr;
	p->fail_why[p->n_failed] =
		vals[1].type == FS_TEXT ? arena_str(p->a, vals[1].s).ptr : "failed";
	p->n_failed++;
	return 0;
}

static int read_present(struct factstore *fs, struct present *p, struct error *err)
{
	if (factstore_query(fs, "SELECT DISTINCT kind FROM inputs", NULL, 0, on_kind, p, err) < 0)
		return -1;
	/* collector items that did not complete: facts(scope 'manifest', subject = bundle path,
	 * key 'status') */
	if (factstore_query(fs,
			    "SELECT subject, value FROM facts WHERE scope = 'manifest' AND key = "
			    "'status' AND subject IS NOT NULL AND value NOT IN ('ok', 'truncated')",
			    NULL, 0, on_failed, p, err) < 0)
		return -1;
	return 0;
}

/* Letters and digits only: "journalctl -k -b 0 --no-pager" -> "journalctlkb0nopager". */
static void squash(const char *s, char *out, size_t size)
{
	size_t n = 0;

	for (; *s && n + 1 < size; s++)
		if ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		    (*s >= '0' && *s <= '9'))
			out[n++] = *s;
	out[n] = '\0';
}

/* Does a manifest item (its bundle path, or when it has none - a timeout - its source path or
 * command) belong to a need's item prefix ("cmd/lspci-nnkvv", "proc/iomem", "sys/class/dmi/id")? */
static bool item_matches(const char *subject, const char *item)
{
	char a[256], b[256];

	if (strncmp(subject, item, strlen(item)) == 0)
		return true;
	if (subject[0] == '/' && strncmp(subject + 1, item, strlen(item)) == 0)
		return true;
	if (strncmp(item, "cmd/", 4) != 0 || strchr(subject, '/'))
		return false;
	squash(subject, a, sizeof(a));
	squash(item + 4, b, sizeof(b));
	return b[0] && strncmp(a, b, strlen(b)) == 0;
}

/* Why a need is unmet: NULL when met, else "" (no input of its kinds) or the manifest status of
 * a needed item that failed. */
static const char *need_unmet(const struct need *nd, const struct present *p)
{
	for (size_t i = 0; i < nd->n_items; i++)
		for (size_t f = 0; f < p->n_failed; f++)
			if (item_matches(p->failed[f], nd->items[i]))
				return p->fail_why[f];
	return (nd->kinds & p->kinds) ? NULL : "";
}

static int on_any(void *ctx, int ncols, const char *const *names, const struct fs_value *vals)
{
	(void)ncols;
	(void)names;
	(void)vals;
	*(bool *)ctx = true;
	return 1;
}

static bool has_finding(const struct result *res, const char *id)
{
	for (size_t i = 0; i < res->n_findings; i++)
		if (strcmp(res->findings[i].id, id) == 0)
			return true;
	return false;
}

static bool has_candidate(const struct match_out *mo, const char *id)
{
	for (size_t i = 0; i < mo->n_cands; i++)
		if (strcmp(mo->cands[i].sig->id, id) == 0)
			return true;
	return false;
}

static uint64_t opening_sources(const struct signature *sig)
{
	for (size_t i = 0; i < sig->n_clauses; i++)
		if (sig->clauses[i].required)
			return sig->clauses[i].type == CLAUSE_PATTERN ? sig->clauses[i].sources : 0;
	return 0;
}

static void add_unchecked(struct result *res, const struct signature *sig, const struct need *nd,
			  const char *why)
{
	struct arena *a = &res->arena;
	struct unchecked u = {
		.id = arena_strdup(a, sig->id),
		.title = arena_strdup(a, sig->title),
		.missing = why && *why ? arena_printf(a, "%s (collector item %s)", nd->what, why)
				       : arena_strdup(a, nd->what),
		.command = arena_strdup(a, nd->command),
	};

	for (size_t i = 0; i < res->n_unchecked; i++)
		if (strcmp(res->unchecked[i].id, u.id) == 0 &&
		    strcmp(res->unchecked[i].command, u.command) == 0)
			return;
	res->unchecked = append(a, res->unchecked, res->n_unchecked, &u, sizeof(u));
	res->n_unchecked++;
}

/* "Could not check": only causes with partial evidence, causes whose needed collector item
 * failed, and causes whose opening evidence is missing while relevant_when says they matter. */
static int fill_unchecked(const struct kb *kb, struct factstore *fs, const struct match_out *mo,
			  struct result *res, struct error *err)
{
	struct present p = { .a = &res->arena };
	int ret = -1;

	if (read_present(fs, &p, err) < 0)
		goto out;
	for (size_t s = 0; s < kb->n; s++) {
		const struct signature *sig = &kb->sigs[s];
		bool partial = has_finding(res, sig->id);
		bool opening_blind = !(opening_sources(sig) & p.kinds) && opening_sources(sig);
		int relevant = -1; /* not asked yet */

		if (!partial && has_candidate(mo, sig->id))
			continue; /* evaluated: ruled out or unlikely */
		for (size_t n = 0; n < sig->n_needs; n++) {
			const char *why = need_unmet(&sig->needs[n], &p);
			if (!why)
				continue;
			/* partial evidence: "likely X; to confirm, post Y"; a collector item that
			 * failed for the cause's opening evidence: nothing could be seen */
			if (partial || (*why && opening_blind)) {
				add_unchecked(res, sig, &sig->needs[n], why);
				continue;
			}
			if (!sig->relevant_when || (!opening_blind && !*why))
				continue;
			if (relevant < 0) {
				bool any = false;
				struct error e = { 0 };
				relevant = factstore_query(fs, sig->relevant_when, NULL, 0, on_any,
							   &any, &e) >= 0 &&
					   any;
			}
			if (relevant)
				add_unchecked(res, sig, &sig->needs[n], why);
		}
	}
	ret = 0;
out:
	free(p.failed);
	free(p.fail_why);
	return ret;
}

/* ---- unexplained evidence ---- */

static bool is_evidence(const struct match_out *mo, const struct match_unexplained *u)
{
	for (size_t c = 0; c < mo->n_cands; c++)
		for (size_t e = 0; e < mo->cands[c].n_ev; e++) {
			const struct match_evidence *ev = &mo->cands[c].ev[e];

			if (ev->line == u->line && ev->path && u->path &&
			    strcmp(ev->path, u->path) == 0)
				return true;
		}
	return false;
}

/* The matcher's error-like lines that no pattern matched, minus those an SQL clause showed as
 * evidence; MAX_UNEXPLAINED listed, all counted (those beyond the matcher's own cap too). */
static void fill_unexplained(const struct match_out *mo, struct result *res)
{
	size_t dropped = 0;

	for (size_t i = 0; i < mo->n_unexplained; i++) {
		const struct match_unexplained *u = &mo->unexplained[i];

		if (is_evidence(mo, u)) {
			dropped++;
			continue;
		}
		if (res->n_unexplained < MAX_UNEXPLAINED) {
			struct unexplained x = {
				.path = u->path ? arena_strdup(&res->arena, u->path) : NULL,
				.line = u->line,
				.text = arena_strdup(&res->arena, u->text),
			};
			res->unexplained = append(&res->arena, res->unexplained, res->n_unexplained,
						  &x, sizeof(x));
			res->n_unexplained++;
		}
	}
	res->n_unexplained_total = mo->n_unexplained_seen - dropped;
}

/* ---- host summary ---- */

struct summary_ctx {
	struct sbuf *sb;
};

static int on_summary(void *ctx, int ncols, const char *const *names, const struct fs_value *vals)
{
	struct sbuf *sb = ((struct summary_ctx *)ctx)->sb;

	(void)names;
	for (int i = 0; i < ncols; i++) {
		if (vals[i].type != FS_TEXT || !vals[i].s.len)
			continue;
		if (sb->len)
			sbuf_addstr(sb, ", ");
		sbuf_add_str(sb, vals[i].s);
	}
	return 1;
}

static void fill_host_summary(struct factstore *fs, struct result *res)
{
	static const char *const queries[] = {
		"SELECT 'kernel ' || value FROM facts WHERE scope = 'kernel' AND key = 'release' "
		"LIMIT 1",
		"SELECT model_name FROM cpu WHERE model_name IS NOT NULL LIMIT 1",
		"SELECT trim(coalesce((SELECT value FROM facts WHERE scope = 'dmi' AND key = "
		"'board_vendor' LIMIT 1), '') || ' ' || coalesce((SELECT value FROM facts WHERE scope "
		"= 'dmi' AND key = 'board_name' LIMIT 1), ''))",
	};
	struct sbuf sb;
	struct summary_ctx sc = { .sb = &sb };

	if (res->host_summary)
		return;
	sbuf_init(&sb, 512);
	for (size_t i = 0; i < sizeof(queries) / sizeof(*queries); i++) {
		struct error e = { 0 };
		factstore_query(fs, queries[i], NULL, 0, on_summary, &sc, &e);
	}
	if (sb.len && !sbuf_failed(&sb))
		res->host_summary = arena_strdup(&res->arena, sb.buf);
	sbuf_release(&sb);
}

int diagnose(struct factstore *fs, const struct diagnose_options *opt, struct result *res,
	     struct error *err)
{
	struct diagnose_stats local = { 0 };
	struct diagnose_stats *st = opt && opt->stats ? opt->stats : &local;
	const struct kb *kb = opt ? opt->kb : NULL;
	struct kb *owned = NULL;
	struct matcher *m = NULL;
	struct match_out mo;
	double t0 = clock_ms(), t1, t2;
	int ret = -1;

	memset(st, 0, sizeof(*st));
	match_out_init(&mo);
	if (!kb) {
		owned = opt && opt->kb_dir ? kb_load_dir(opt->kb_dir, err) : kb_load_embedded(err);
		if (!owned)
			goto out;
		kb = owned;
	}
	if (opt && opt->matcher && opt->kb) {
		m = opt->matcher; /* compiled from opt->kb by the caller */
	} else {
		m = matcher_new(kb, err);
		if (!m)
			goto out;
	}
	st->signatures = kb->n;
	t1 = clock_ms();
	if (matcher_run(m, fs, &mo, st, err) < 0)
		goto out;
	t2 = clock_ms();
	for (size_t i = 0; i < mo.n_warnings; i++)
		add_warning(res, mo.warnings[i].path, mo.warnings[i].line, mo.warnings[i].message);
	if (rank_candidates(&mo, opt && opt->keep_unlikely, res, err) < 0 ||
	    fill_unchecked(kb, fs, &mo, res, err) < 0)
		goto out;
	fill_unexplained(&mo, res);
	fill_host_summary(fs, res);
	topology_fill(fs, res); /* a failed query is a warning in res */
	if (!opt || opt->timings) {
		st->load_ms = t1 - t0;
		st->match_ms = t2 - t1;
		st->rank_ms = clock_ms() - t2;
	}
	ret = 0;
out:
	match_out_release(&mo);
	if (!opt || m != opt->matcher)
		matcher_free(m);
	kb_free(owned);
	return ret;
}
