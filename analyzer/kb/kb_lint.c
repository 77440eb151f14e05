/* kb_lint.c - checks on a loaded knowledge base that need no regex engine: ids against file
 * names, suppresses naming known ids, literals occurring in their patterns, SQL that prepares
 * read-only against the real schema, :params and template variables that some clause binds.
 * Pattern compilation and the catastrophic-backtracking check live in match/ (matcher_lint),
 * next to the only user of pcre2.h.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "common/limits.h"
#include "common/sbuf.h"
#include "common/xalloc.h"
#include "facts/factstore.h"
#include "kb/kb.h"

void kb_issues_init(struct kb_issues *is)
{
	memset(is, 0, sizeof(*is));
	arena_init(&is->arena);
}

void kb_issues_release(struct kb_issues *is)
{
	free(is->v);
	arena_release(&is->arena);
	memset(is, 0, sizeof(*is));
}

void kb_issue_add(struct kb_issues *is, const char *file, const char *fmt, ...)
{
	struct sbuf sb;
	va_list ap;

	sbuf_init(&sb, 1024);
	va_start(ap, fmt);
	sbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	is->v = xgrow(is->v, &is->cap, is->n + 1, sizeof(*is->v));
	is->v[is->n].file = file ? arena_strdup(&is->arena, file) : NULL;
	is->v[is->n].msg = arena_strdup(&is->arena, sb.buf);
	is->n++;
	sbuf_release(&sb);
}

static bool sig_binds(const struct signature *sig, const char *name)
{
	bool has_pattern = false;

	for (size_t i = 0; i < sig->n_clauses; i++) {
		const struct clause *cl = &sig->clauses[i];
		has_pattern |= cl->type == CLAUSE_PATTERN;
		for (size_t j = 0; j < cl->n_vars; j++)
			if (strcmp(cl->vars[j], name) == 0)
				return true;
	}
	/* lines bind their own bdf and vm */
	return has_pattern && (strcmp(name, "bdf") == 0 || strcmp(name, "vmid") == 0);
}

static bool is_builtin(const char *name)
{
	return strcmp(name, "subject") == 0 || strcmp(name, "subject_name") == 0 ||
	       strcmp(name, "id") == 0;
}

struct var_check {
	const struct signature *sig;
	struct kb_issues *out;
	const char *where;
	bool no_params; /* the opening clause: nothing is bound yet */
};

static void check_template_var(void *ctx, const char *name, bool has_default)
{
	struct var_check *vc = ctx;

	if (has_default || is_builtin(name) || sig_binds(vc->sig, name))
		return;
	kb_issue_add(vc->out, vc->sig->file,
		     "%s uses '{{%s}}' but no clause captures or selects it (add a |default)",
		     vc->where, name);
}

static void check_param(void *ctx, const char *name)
{
	struct var_check *vc = ctx;

	if (vc->no_params) {
		kb_issue_add(vc->out, vc->sig->file,
			     "%s uses ':%s' but runs before any variable is bound", vc->where,
			     name);
		return;
	}
	if (!sig_binds(vc->sig, name))
		kb_issue_add(vc->out, vc->sig->file,
			     "%s uses ':%s' but no clause captures or selects it", vc->where, name);
}

static void count_tag(void *ctx, const char *name, bool has_default)
{
	(void)name;
	(void)has_default;
	(*(size_t *)ctx)++;
}

/* A template's output is its text plus every variable's value (each up to MAX_LINE_BYTES):
 * text past MAX_FIX_BYTES, or more than MAX_TEMPLATE_TAGS tags, could only emit output the
 * renderer has to cut (tests/hostile/kb_lint.sh: fix_repeat, fix_huge). */
static void check_template_size(const struct signature *sig, const char *where, const char *tmpl,
				struct kb_issues *out)
{
	size_t len = strlen(tmpl), tags = 0;

	if (len > MAX_FIX_BYTES)
		kb_issue_add(out, sig->file,
			     "%s: template of %zu bytes could emit unbounded output (more than %u)",
			     where, len, MAX_FIX_BYTES);
	kb_template_vars(tmpl, count_tag, &tags);
	if (tags > MAX_TEMPLATE_TAGS)
		kb_issue_add(out, sig->file,
			     "%s: %zu template tags could emit unbounded output (more than %d)",
			     where, tags, MAX_TEMPLATE_TAGS);
}

/* Every word of the literal (a run of letters, digits and '_') occurs in the pattern text:
 * a literal cannot come from nowhere. Whether every line the pattern matches contains a
 * literal is checked on the examples by matcher_lint(). */
static bool literal_in_pattern(const char *lit, const char *pattern, bool caseless)
{
	const char *p = lit;

	for (;;) {
		char word[128];
		size_t n = 0;

		while (*p && !(isalnum((unsigned char)*p) || *p == '_'))
			p++;
		if (!*p)
			return true;
		while (*p && (isalnum((unsigned char)*p) || *p == '_') && n + 1 < sizeof(word))
			word[n++] = *p++;
		word[n] = '\0';
		if (!(caseless ? strcasestr(pattern, word) : strstr(pattern, word)))
			return false;
	}
}

static void lint_clause(const struct signature *sig, const struct clause *cl, bool opening,
			struct factstore *fs, struct kb_issues *out)
{
	char where[128];
	struct var_check vc = { .sig = sig, .out = out, .where = where, .no_params = opening };
	struct error e = { 0 };

	snprintf(where, sizeof(where), "clause '%s'", cl->name);
	if (cl->type == CLAUSE_PATTERN) {
		for (size_t i = 0; i < cl->n_literals; i++)
			if (!literal_in_pattern(cl->literals[i], cl->pattern, cl->caseless))
				kb_issue_add(out, sig->file,
					     "%s: literal '%s' does not occur in the pattern",
					     where, cl->literals[i]);
	} else if (factstore_check_sql(fs, cl->sql, check_param, &vc, &e) < 0) {
		kb_issue_add(out, sig->file, "%s: %s", where, e.msg);
	}
	if (cl->reason) {
		snprintf(where, sizeof(where), "clause '%s' reason", cl->name);
		kb_template_vars(cl->reason, check_template_var, &vc);
		check_template_size(sig, where, cl->reason, out);
	}
}

int kb_lint(const struct kb *kb, struct factstore *fs, struct kb_issues *out, struct error *err)
{
	size_t before = out->n;

	(void)err;
	for (size_t s = 0; s < kb->n; s++) {
		const struct signature *sig = &kb->sigs[s];
		size_t idlen = strlen(sig->id);
		bool opened = false;

		if (strncmp(sig->file, sig->id, idlen) != 0 ||
		    strcmp(sig->file + idlen, ".json") != 0)
			kb_issue_add(out, sig->file, "id '%s' does not match the file name",
				     sig->id);
		for (size_t i = 0; i < sig->n_suppresses; i++) {
			if (strcmp(sig->suppresses[i], sig->id) == 0)
				kb_issue_add(out, sig->file, "suppresses itself");
			else if (!kb_find(kb, sig->suppresses[i]))
				kb_issue_add(out, sig->file, "suppresses unknown id '%s'",
					     sig->suppresses[i]);
		}
		for (size_t i = 0; i < sig->n_clauses; i++) {
			bool opening = !opened && sig->clauses[i].required;
			lint_clause(sig, &sig->clauses[i], opening, fs, out);
			opened |= opening;
		}
		if (sig->relevant_when) {
			struct var_check vc = {
				.sig = sig, .out = out, .where = "relevant_when", .no_params = true
			};
			struct error e = { 0 };
			if (factstore_check_sql(fs, sig->relevant_when, check_param, &vc, &e) < 0)
				kb_issue_add(out, sig->file, "relevant_when: %s", e.msg);
		}
		struct var_check vc = { .sig = sig, .out = out, .where = "fix" };
		kb_template_vars(sig->fix, check_template_var, &vc);
		check_template_size(sig, "fix", sig->fix, out);
		if (sig->subject_var && !sig_binds(sig, sig->subject_var))
			kb_issue_add(out, sig->file,
				     "subject_var '%s' is not captured or selected by any clause",
				     sig->subject_var);
	}
	return (int)(out->n - before);
}
