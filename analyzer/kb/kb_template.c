/* kb_template.c - fix and reason templates: {{var}}, {{var|default}}, {{#var}}..{{/var}} and
 * {{^var}}..{{/var}} (docs/knowledge.md). Unset variables without a default render as <var>.
 * Output is written to a capped sbuf; malformed markup is copied through literally.
 */
#include <ctype.h>
#include <stdbool.h>
#include <string.h>

#include "common/limits.h"
#include "common/sbuf.h"
#include "kb/kb.h"

struct tag {
	char kind; /* 0 variable, '#', '^', '/' */
	char name[MAX_VAR_NAME];
	const char *def; /* after '|' (variables only), or NULL */
	size_t def_len;
	const char *end; /* just past "}}" */
};

/* Parses "{{...}}" at p; false when it is not a well-formed tag. */
static bool parse_tag(const char *p, struct tag *t)
{
	const char *q = p + 2, *close = strstr(q, "}}");
	size_t n = 0;

	if (!close)
		return false;
	t->kind = 0;
	t->def = NULL;
	if (*q == '#' || *q == '^' || *q == '/')
		t->kind = *q++;
	while (q < close && *q == ' ')
		q++;
	while (q < close && (isalnum((unsigned char)*q) || *q == '_')) {
		if (n + 1 >= MAX_VAR_NAME)
			return false;
		t->name[n++] = *q++;
	}
	t->name[n] = '\0';
	if (!n)
		return false;
	while (q < close && *q == ' ')
		q++;
	if (q < close) {
		if (*q != '|' || t->kind)
			return false;
		t->def = q + 1;
		t->def_len = (size_t)(close - q - 1);
	}
	t->end = close + 2;
	return true;
}

/* The matching {{/name}} after p, or NULL. */
static const char *find_close(const char *p, const char *name, const char **after)
{
	for (const char *s = strstr(p, "{{/"); s; s = strstr(s + 3, "{{/")) {
		struct tag t;
		if (parse_tag(s, &t) && strcmp(t.name, name) == 0) {
			*after = t.end;
			return s;
		}
	}
	return NULL;
}

static void fill_range(const char *p, const char *end, kb_var_fn lookup, void *ctx, struct sbuf *sb,
		       int depth)
{
	while (p < end && !sbuf_failed(sb)) {
		const char *open = strstr(p, "{{");
		struct tag t;

		if (!open || open >= end) {
			sbuf_add(sb, p, (size_t)(end - p));
			return;
		}
		sbuf_add(sb, p, (size_t)(open - p));
		if (!parse_tag(open, &t) || t.end > end || t.kind == '/') {
			sbuf_add(sb, "{{", 2);
			p = open + 2;
			continue;
		}
		if (t.kind == 0) {
			const char *v = lookup(ctx, t.name);
			if (v && *v)
				sbuf_addstr(sb, v);
			else if (t.def)
				sbuf_add(sb, t.def, t.def_len);
			else
				sbuf_addf(sb, "<%s>", t.name);
			p = t.end;
			continue;
		}
		const char *after, *close = find_close(t.end, t.name, &after);
		if (!close || close > end || depth > 8) {
			sbuf_add(sb, "{{", 2);
			p = open + 2;
			continue;
		}
		const char *v = lookup(ctx, t.name);
		bool set = v && *v;
		if (set == (t.kind == '#'))
			fill_range(t.end, close, lookup, ctx, sb, depth + 1);
		p = after;
	}
}

void kb_template_fill(const char *tmpl, kb_var_fn lookup, void *ctx, struct sbuf *sb)
{
	fill_range(tmpl, tmpl + strlen(tmpl), lookup, ctx, sb, 0);
}

void kb_template_vars(const char *tmpl, void (*fn)(void *ctx, const char *name, bool has_default),
		      void *ctx)
{
	/* Variables inside {{#x}}..{{/x}} named x count as defaulted: the section guards them. */
	char guard[16][MAX_VAR_NAME];
	const char *guard_end[16];
	size_t ng = 0;

	for (const char *p = strstr(tmpl, "{{"); p; p = strstr(p, "{{")) {
		struct tag t;

		while (ng && p >= guard_end[ng - 1])
			ng--;
		if (!parse_tag(p, &t)) {
			p += 2;
			continue;
		}
		if (t.kind == '#' || t.kind == '^') {
			const char *after;
			fn(ctx, t.name, true);
			if (find_close(t.end, t.name, &after) && ng < 16 && t.kind == '#') {
				memcpy(guard[ng], t.name, sizeof(t.name));
				guard_end[ng] = after;
				ng++;
			}
		} else if (t.kind == 0) {
			bool guarded = t.def != NULL;
			for (size_t i = 0; i < ng; i++)
				if (strcmp(guard[i], t.name) == 0)
					guarded = true;
			fn(ctx, t.name, guarded);
		}
		p = t.end;
	}
}
