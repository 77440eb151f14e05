/* diff_report.c - compare two sides' facts and findings (diff_report.h) and render the changes
 * as text, JSON or Markdown. Pure: the facts arrive already read from the fact stores. Values
 * come from strangers' bundles: control characters are shown as '?' in text and Markdown,
 * Markdown code spans are fenced longer than any backtick run inside, JSON is escaped by
 * json_write. */
#include "report/diff_report.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/json_write.h"
#include "common/limits.h"
#include "common/sbuf.h"

static const char *const section_names[DIFF_SECTION_COUNT] = {
	[DIFF_CMDLINE] = "cmdline",	[DIFF_MODULES] = "modules",   [DIFF_MODCONF] = "modprobe",
	[DIFF_MODPARAM] = "modparam",	[DIFF_DEVICES] = "devices",   [DIFF_DRIVERS] = "drivers",
	[DIFF_GROUPS] = "iommu_groups", [DIFF_VMS] = "vm_config",     [DIFF_ROMS] = "roms",
	[DIFF_KERNEL] = "kernel",	[DIFF_FIRMWARE] = "firmware", [DIFF_SYSTEM] = "system",
};

static const char *const section_titles[DIFF_SECTION_COUNT] = {
	[DIFF_CMDLINE] = "kernel command line",
	[DIFF_MODULES] = "loaded modules",
	[DIFF_MODCONF] = "module configuration",
	[DIFF_MODPARAM] = "module parameters",
	[DIFF_DEVICES] = "PCI devices",
	[DIFF_DRIVERS] = "drivers bound",
	[DIFF_GROUPS] = "IOMMU groups",
	[DIFF_VMS] = "VM configuration",
	[DIFF_ROMS] = "option ROMs",
	[DIFF_KERNEL] = "kernel",
	[DIFF_FIRMWARE] = "firmware (DMI)",
	[DIFF_SYSTEM] = "system settings",
};

const char *diff_section_name(enum diff_section s)
{
	return (unsigned)s < DIFF_SECTION_COUNT ? section_names[s] : "unknown";
}

const char *diff_section_title(enum diff_section s)
{
	return (unsigned)s < DIFF_SECTION_COUNT ? section_titles[s] : "unknown";
}

void diff_facts_init(struct diff_facts *f)
{
	memset(f, 0, sizeof(*f));
	arena_init(&f->arena);
}

void diff_facts_release(struct diff_facts *f)
{
	VEC_FREE(&f->v);
	arena_release(&f->arena);
}

void diff_facts_add(struct diff_facts *f, enum diff_section s, const char *key, const char *value)
{
	struct diff_fact *x;

	if (f->v.n >= DIFF_MAX_FACTS) {
		f->dropped++;
		return;
	}
	x = VEC_PUSH(&f->v);
	x->section = s;
	x->key = arena_strdup(&f->arena, key ? key : "");
	x->value = value ? arena_strdup(&f->arena, value) : NULL;
	x->seq = f->v.n;
}

/* ---- comparing ---- */

/* One (section, key) of one side with its values joined. */
struct merged {
	enum diff_section section;
	const char *key;
	const char *value; /* NULL for a bare flag */
};

static int cmp_fact(const void *x, const void *y)
{
	const struct diff_fact *a = *(const struct diff_fact *const *)x;
	const struct diff_fact *b = *(const struct diff_fact *const *)y;
	int c;

	if (a->section != b->section)
		return a->section < b->section ? -1 : 1;
	c = strcmp(a->key, b->key);
	if (c)
		return c;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

static struct merged *merge_side(const struct diff_facts *f, struct arena *a, size_t *n_out)
{
	const struct diff_fact **p = xcalloc(f->v.n + 1, sizeof(*p));
	struct merged *m = arena_alloc(a, (f->v.n + 1) * sizeof(*m));
	struct sbuf sb;
	size_t n = 0;

	for (size_t i = 0; i < f->v.n; i++)
		p[i] = &f->v.v[i];
	if (f->v.n)
		qsort(p, f->v.n, sizeof(*p), cmp_fact);
	sbuf_init(&sb, MAX_LINE_BYTES);
	for (size_t i = 0; i < f->v.n;) {
		size_t j = i + 1;
		bool any_value = p[i]->value != NULL;

		while (j < f->v.n && p[j]->section == p[i]->section &&
		       strcmp(p[j]->key, p[i]->key) == 0)
			any_value |= p[j++]->value != NULL;
		m[n] = (struct merged){ .section = p[i]->section, .key = p[i]->key };
		if (j == i + 1) {
			m[n].value = p[i]->value;
		} else if (any_value) {
			sbuf_reset(&sb);
			for (size_t k = i; k < j; k++)
				sbuf_addf(&sb, "%s%s", k > i ? ", " : "",
					  p[k]->value ? p[k]->value : "");
			m[n].value = arena_strdup(a, sb.buf);
		}
		n++;
		i = j;
	}
	sbuf_release(&sb);
	free(p);
	*n_out = n;
	return m;
}

static int cmp_merged(const struct merged *a, const struct merged *b)
{
	if (a->section != b->section)
		return a->section < b->section ? -1 : 1;
	return strcmp(a->key, b->key);
}

static bool same_value(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return strcmp(a, b) == 0;
}

static void add_fact_change(struct diff *d, const struct merged *old, const struct merged *new)
{
	struct diff_fact_change *c = VEC_PUSH(&d->facts);
	const struct merged *any = new ? new : old;

	c->section = any->section;
	c->key = any->key;
	c->change = !old ? DIFF_ADDED : !new ? DIFF_REMOVED : DIFF_CHANGED;
	c->old_value = old ? old->value : NULL;
	c->new_value = new ? new->value : NULL;
	c->old_flag = old && !old->value;
	c->new_flag = new && !new->value;
}

static void compare_facts(struct diff *d, const struct diff_facts *a, const struct diff_facts *b)
{
	size_t na, nb, i = 0, j = 0;
	struct merged *ma = merge_side(a, &d->arena, &na);
	struct merged *mb = merge_side(b, &d->arena, &nb);

	d->n_facts_a = na;
	d->n_facts_b = nb;

	while (i < na || j < nb) {
		int c = i == na ? 1 : j == nb ? -1 : cmp_merged(&ma[i], &mb[j]);

		if (c < 0) {
			add_fact_change(d, &ma[i++], NULL);
		} else if (c > 0) {
			add_fact_change(d, NULL, &mb[j++]);
		} else {
			if (!same_value(ma[i].value, mb[j].value))
				add_fact_change(d, &ma[i], &mb[j]);
			i++;
			j++;
		}
	}
}

static const struct finding *find_finding(const struct result *r, const struct finding *f)
{
	for (size_t i = 0; i < r->n_findings; i++) {
		const struct finding *g = &r->findings[i];

		if (strcmp(g->id, f->id) == 0 && same_value(g->subject.id ? g->subject.id : "",
							    f->subject.id ? f->subject.id : ""))
			return g;
	}
	return NULL;
}

static long percent(double confidence)
{
	return lround(confidence * 100.0);
}

static void add_finding_change(struct diff *d, enum diff_change ch, const struct finding *old,
			       const struct finding *new)
{
	struct diff_finding_change *c = VEC_PUSH(&d->findings);
	const struct finding *any = new ? new : old;

	c->change = ch;
	c->id = any->id;
	c->subject = any->subject.id ? any->subject.id : "unknown";
	c->old = old;
	c->new = new;
}

static void compare_findings(struct diff *d, const struct result *ra, const struct result *rb)
{
	for (size_t i = 0; i < rb->n_findings; i++)
		if (!find_finding(ra, &rb->findings[i]))
			add_finding_change(d, DIFF_ADDED, NULL, &rb->findings[i]);
	for (size_t i = 0; i < rb->n_findings; i++) {
		const struct finding *n = &rb->findings[i], *o = find_finding(ra, n);

		if (!o)
			continue;
		if (percent(o->confidence) != percent(n->confidence) ||
		    !same_value(o->label, n->label) || o->severity != n->severity)
			add_finding_change(d, DIFF_CHANGED, o, n);
		else
			d->unchanged_findings++;
	}
	for (size_t i = 0; i < ra->n_findings; i++)
		if (!find_finding(rb, &ra->findings[i]))
			add_finding_change(d, DIFF_REMOVED, &ra->findings[i], NULL);
}

void diff_compute(struct diff *d, const char *a_name, const char *b_name,
		  const struct diff_facts *a, const struct diff_facts *b, const struct result *ra,
		  const struct result *rb)
{
	memset(d, 0, sizeof(*d));
	arena_init(&d->arena);
	d->a_name = arena_strdup(&d->arena, a_name);
	d->b_name = arena_strdup(&d->arena, b_name);
	d->dropped_a = a->dropped;
	d->dropped_b = b->dropped;
	compare_facts(d, a, b);
	compare_findings(d, ra, rb);
}

void diff_release(struct diff *d)
{
	VEC_FREE(&d->facts);
	VEC_FREE(&d->findings);
	arena_release(&d->arena);
}

bool diff_format_known(const char *format)
{
	return !format || strcmp(format, "text") == 0 || strcmp(format, "json") == 0 ||
	       strcmp(format, "markdown") == 0;
}

/* ---- text ---- */

static void add_visible(struct sbuf *sb, const char *s)
{
	for (; s && *s; s++)
		sbuf_addch(sb, (unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s);
}

/* "key=value" on the command line, "key: value" elsewhere; a bare flag is its key. */
static void fact_text(struct sbuf *sb, enum diff_section s, const char *key, const char *value,
		      bool flag)
{
	add_visible(sb, key);
	if (flag)
		return;
	sbuf_addstr(sb, s == DIFF_CMDLINE ? "=" : ": ");
	add_visible(sb, value);
}

static void finding_state(struct sbuf *sb, const struct finding *f)
{
	sbuf_addf(sb, "%s, %s %ld%%", severity_name(f->severity), f->label ? f->label : "",
		  percent(f->confidence));
}

static void text_facts(const struct diff *d, struct sbuf *sb)
{
	int last = -1;

	sbuf_addstr(sb, "Facts:\n");
	if (d->facts.n == 0)
		sbuf_addstr(sb, "  no change\n");
	for (size_t i = 0; i < d->facts.n; i++) {
		const struct diff_fact_change *c = &d->facts.v[i];

		if ((int)c->section != last) {
			sbuf_addf(sb, "  %s:\n", diff_section_title(c->section));
			last = (int)c->section;
		}
		if (c->change == DIFF_ADDED) {
			sbuf_addstr(sb, "    + ");
			fact_text(sb, c->section, c->key, c->new_value, c->new_flag);
		} else if (c->change == DIFF_REMOVED) {
			sbuf_addstr(sb, "    - ");
			fact_text(sb, c->section, c->key, c->old_value, c->old_flag);
		} else {
			sbuf_addstr(sb, "    ~ ");
			fact_text(sb, c->section, c->key, c->old_value, c->old_flag);
			sbuf_addstr(sb, " -> ");
			if (c->section == DIFF_CMDLINE)
				fact_text(sb, c->section, c->key, c->new_value, c->new_flag);
			else
				add_visible(sb, c->new_flag ? "(no value)" : c->new_value);
		}
		sbuf_addch(sb, '\n');
	}
	if (d->dropped_a || d->dropped_b)
		sbuf_addf(sb, "  (not compared: %zu facts of A and %zu of B beyond %d)\n",
			  d->dropped_a, d->dropped_b, DIFF_MAX_FACTS);
}

static void text_findings(const struct diff *d, struct sbuf *sb)
{
	static const char *const verbs[] = {
		[DIFF_ADDED] = "appeared", [DIFF_REMOVED] = "gone", [DIFF_CHANGED] = "changed"
	};

	sbuf_addstr(sb, "\nFindings:\n");
	if (d->findings.n == 0)
		sbuf_addstr(sb, "  no change\n");
	for (size_t i = 0; i < d->findings.n; i++) {
		const struct diff_finding_change *c = &d->findings.v[i];

		sbuf_addf(sb, "  %-8s  ", verbs[c->change]);
		add_visible(sb, c->id);
		sbuf_addstr(sb, " on ");
		add_visible(sb, c->subject);
		sbuf_addstr(sb, " (");
		if (c->change == DIFF_CHANGED) {
			finding_state(sb, c->old);
			sbuf_addstr(sb, " -> ");
			finding_state(sb, c->new);
		} else {
			if (c->change == DIFF_REMOVED)
				sbuf_addstr(sb, "was ");
			finding_state(sb, c->new ? c->new : c->old);
		}
		sbuf_addstr(sb, ")\n");
	}
	sbuf_addf(sb, "  %zu finding%s unchanged\n", d->unchanged_findings,
		  d->unchanged_findings == 1 ? "" : "s");
}

static void render_text(const struct diff *d, struct sbuf *sb)
{
	sbuf_addstr(sb, "Changes from A ");
	add_visible(sb, d->a_name);
	sbuf_addstr(sb, " to B ");
	add_visible(sb, d->b_name);
	sbuf_addstr(sb, "\n\n");
	text_facts(d, sb);
	text_findings(d, sb);
}

/* ---- JSON ---- */

static const char *change_name(enum diff_change c)
{
	return c == DIFF_ADDED ? "added" : c == DIFF_REMOVED ? "removed" : "changed";
}

static void json_finding_state(struct sbuf *sb, const struct finding *f)
{
	bool first = true;

	if (!f) {
		sbuf_addstr(sb, "null");
		return;
	}
	sbuf_addch(sb, '{');
	json_key(sb, &first, "severity");
	json_write_cstr(sb, severity_name(f->severity));
	json_key(sb, &first, "confidence");
	json_write_double(sb, f->confidence);
	json_key(sb, &first, "label");
	json_write_cstr(sb, f->label);
	json_key(sb, &first, "title");
	json_write_cstr(sb, f->title);
	sbuf_addch(sb, '}');
}

static void render_json(const struct diff *d, struct sbuf *sb)
{
	bool first = true, ff = true;

	sbuf_addch(sb, '{');
	json_key(sb, &first, "diff_version");
	json_write_u64(sb, 1);
	json_key(sb, &first, "a");
	json_write_cstr(sb, d->a_name);
	json_key(sb, &first, "b");
	json_write_cstr(sb, d->b_name);
	json_key(sb, &first, "facts");
	sbuf_addch(sb, '[');
	for (size_t i = 0; i < d->facts.n; i++) {
		const struct diff_fact_change *c = &d->facts.v[i];
		bool f = true;

		json_sep(sb, &ff);
		sbuf_addch(sb, '{');
		json_key(sb, &f, "section");
		json_write_cstr(sb, diff_section_name(c->section));
		json_key(sb, &f, "key");
		json_write_cstr(sb, c->key);
		json_key(sb, &f, "change");
		json_write_cstr(sb, change_name(c->change));
		json_key(sb, &f, "old");
		if (c->old_flag)
			sbuf_addstr(sb, "true");
		else
			json_write_cstr(sb, c->old_value);
		json_key(sb, &f, "new");
		if (c->new_flag)
			sbuf_addstr(sb, "true");
		else
			json_write_cstr(sb, c->new_value);
		sbuf_addch(sb, '}');
	}
	sbuf_addch(sb, ']');
	ff = true;
	json_key(sb, &first, "findings");
	sbuf_addch(sb, '[');
	for (size_t i = 0; i < d->findings.n; i++) {
		const struct diff_finding_change *c = &d->findings.v[i];
		bool f = true;

		json_sep(sb, &ff);
		sbuf_addch(sb, '{');
		json_key(sb, &f, "id");
		json_write_cstr(sb, c->id);
		json_key(sb, &f, "subject");
		json_write_cstr(sb, c->subject);
		json_key(sb, &f, "change");
		json_write_cstr(sb, c->change == DIFF_ADDED	? "appeared"
				    : c->change == DIFF_REMOVED ? "gone"
								: "changed");
		json_key(sb, &f, "old");
		json_finding_state(sb, c->old);
		json_key(sb, &f, "new");
		json_finding_state(sb, c->new);
		sbuf_addch(sb, '}');
	}
	sbuf_addch(sb, ']');
	json_key(sb, &first, "unchanged_findings");
	json_write_u64(sb, d->unchanged_findings);
	json_key(sb, &first, "facts_a");
	json_write_u64(sb, d->n_facts_a);
	json_key(sb, &first, "facts_b");
	json_write_u64(sb, d->n_facts_b);
	json_key(sb, &first, "facts_not_compared");
	json_write_u64(sb, d->dropped_a + d->dropped_b);
	sbuf_addstr(sb, "}\n");
}

/* ---- Markdown ---- */

/* An inline code span holding s: fenced with one backtick more than its longest run. */
static void md_code(struct sbuf *sb, const char *s)
{
	size_t run = 0, longest = 0, len = s ? strlen(s) : 0;

	for (size_t i = 0; i < len; i++) {
		run = s[i] == '`' ? run + 1 : 0;
		longest = run > longest ? run : longest;
	}
	for (size_t i = 0; i <= longest; i++)
		sbuf_addch(sb, '`');
	if (len && (s[0] == '`' || s[len - 1] == '`'))
		sbuf_addch(sb, ' ');
	for (size_t i = 0; i < len; i++)
		sbuf_addch(sb, (unsigned char)s[i] < 0x20 || s[i] == 0x7f ? '?' : s[i]);
	if (len && (s[0] == '`' || s[len - 1] == '`'))
		sbuf_addch(sb, ' ');
	for (size_t i = 0; i <= longest; i++)
		sbuf_addch(sb, '`');
}

static void md_fact(struct sbuf *sb, enum diff_section s, const char *key, const char *value,
		    bool flag)
{
	struct sbuf t;

	sbuf_init(&t, MAX_LINE_BYTES * 2);
	sbuf_addstr(&t, key);
	if (!flag) {
		sbuf_addstr(&t, s == DIFF_CMDLINE ? "=" : ": ");
		sbuf_addstr(&t, value ? value : "");
	}
	md_code(sb, t.buf);
	sbuf_release(&t);
}

static void render_markdown(const struct diff *d, struct sbuf *sb)
{
	int last = -1;

	sbuf_addstr(sb, "### What changed\n\nFrom ");
	md_code(sb, d->a_name);
	sbuf_addstr(sb, " (before) to ");
	md_code(sb, d->b_name);
	sbuf_addstr(sb, " (after).\n\n#### Facts\n\n");
	if (d->facts.n == 0)
		sbuf_addstr(sb, "No change.\n");
	for (size_t i = 0; i < d->facts.n; i++) {
		const struct diff_fact_change *c = &d->facts.v[i];

		if ((int)c->section != last) {
			sbuf_addf(sb, "%s**%s**\n\n", last < 0 ? "" : "\n",
				  diff_section_title(c->section));
			last = (int)c->section;
		}
		sbuf_addf(sb, "- %s ", change_name(c->change));
		if (c->change != DIFF_ADDED)
			md_fact(sb, c->section, c->key, c->old_value, c->old_flag);
		if (c->change == DIFF_CHANGED)
			sbuf_addstr(sb, " → ");
		if (c->change != DIFF_REMOVED)
			md_fact(sb, c->section, c->key, c->new_value, c->new_flag);
		sbuf_addch(sb, '\n');
	}
	sbuf_addstr(sb, "\n#### Findings\n\n");
	for (size_t i = 0; i < d->findings.n; i++) {
		const struct diff_finding_change *c = &d->findings.v[i];

		sbuf_addf(sb, "- %s: ",
			  c->change == DIFF_ADDED     ? "appeared"
			  : c->change == DIFF_REMOVED ? "gone"
						      : "changed");
		md_code(sb, c->id);
		sbuf_addstr(sb, " on ");
		md_code(sb, c->subject);
		sbuf_addstr(sb, " (");
		if (c->change == DIFF_CHANGED) {
			finding_state(sb, c->old);
			sbuf_addstr(sb, " → ");
		}
		finding_state(sb, c->new ? c->new : c->old);
		sbuf_addstr(sb, ")\n");
	}
	sbuf_addf(sb, "%s%zu finding%s unchanged.\n", d->findings.n ? "\n" : "",
		  d->unchanged_findings, d->unchanged_findings == 1 ? "" : "s");
}

void diff_render(const struct diff *d, const char *format, struct sbuf *sb)
{
	if (format && strcmp(format, "json") == 0)
		render_json(d, sb);
	else if (format && strcmp(format, "markdown") == 0)
		render_markdown(d, sb);
	else
		render_text(d, sb);
}
