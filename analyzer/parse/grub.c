/* grub.c - parse /etc/default/grub: GRUB_CMDLINE_LINUX and GRUB_CMDLINE_LINUX_DEFAULT become param
 * rows (origin = the variable), every other GRUB_ variable a kv row (scope "grub"). Shell rules
 * that matter here: '#' comments, "double" and 'single' quotes, a later assignment replaces an
 * earlier one unless it expands the variable itself ("$GRUB_CMDLINE_LINUX_DEFAULT ..."), whose
 * $-words are skipped. Pure: no I/O; keys and values view the text.
 *
 * Real input lines (an Ubuntu /etc/default/grub pasted on a forum):
 *   GRUB_DISTRIBUTOR=`lsb_release -i -s 2> /dev/null || echo Debian`
 *   GRUB_CMDLINE_LINUX_DEFAULT="quiet splash"
 *   #GRUB_TERMINAL=console
 */
#include <string.h>

#include "common/limits.h"
#include "parse/cmdline_split.h"
#include "parse/parsers_all.h"

static bool is_name_char(char c, bool first)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' ||
	       (!first && c >= '0' && c <= '9');
}

/* "NAME=value" at the start of a (trimmed) line, optionally after "export ". */
static bool take_assignment(struct str line, struct str *name, struct str *value)
{
	size_t n = 0;

	line = str_trim(line);
	if (str_starts_with(line, "export "))
		line = str_ltrim(str_sub(line, 7, line.len));
	while (n < line.len && is_name_char(line.ptr[n], n == 0))
		n++;
	if (!n || n >= line.len || line.ptr[n] != '=')
		return false;
	*name = str_sub(line, 0, n);
	*value = str_sub(line, n + 1, line.len);
	return true;
}

/* The value of an assignment without its quotes: "..." (up to the closing quote), '...', a
 * `command` substitution (kept as the command), or a bare word ending at a blank. Sets *closed
 * false for a quote that does not close. */
static struct str unquote_value(struct str v, bool *closed)
{
	*closed = true;
	if (v.len && (v.ptr[0] == '"' || v.ptr[0] == '\'' || v.ptr[0] == '`')) {
		char q = v.ptr[0];

		for (size_t i = 1; i < v.len; i++) {
			if (q == '"' && v.ptr[i] == '\\') {
				i++;
				continue;
			}
			if (v.ptr[i] == q)
				return str_sub(v, 1, i - 1);
		}
		*closed = false;
		return str_sub(v, 1, v.len);
	}
	for (size_t i = 0; i < v.len; i++)
		if (v.ptr[i] == ' ' || v.ptr[i] == '\t')
			return str_sub(v, 0, i);
	return v;
}

/* The two command-line variables; each keeps its own parameter numbering. */
enum grub_var { GRUB_VAR_LINUX, GRUB_VAR_DEFAULT, GRUB_VAR_COUNT, GRUB_VAR_NONE = GRUB_VAR_COUNT };

static enum grub_var cmdline_var(struct str name)
{
	if (str_eq_cstr(name, "GRUB_CMDLINE_LINUX"))
		return GRUB_VAR_LINUX;
	if (str_eq_cstr(name, "GRUB_CMDLINE_LINUX_DEFAULT"))
		return GRUB_VAR_DEFAULT;
	return GRUB_VAR_NONE;
}

/* True when the value expands a variable ("$GRUB_CMDLINE_LINUX_DEFAULT intel_iommu=on"): the
 * assignment then adds to what came before instead of replacing it. */
static bool expands_variable(struct str value)
{
	struct str key, val;
	bool has_value;

	while (cmdline_next_param(&value, &key, &val, &has_value))
		if (key.len > 1 && key.ptr[0] == '$')
			return true;
	return false;
}

static void add_cmdline(struct parse_out *out, const struct line_row *row, struct str name,
			struct str value, uint32_t *order)
{
	struct str key, val;
	bool has_value;

	while (cmdline_next_param(&value, &key, &val, &has_value)) {
		struct param_row *p;

		if (key.len && key.ptr[0] == '$')
			continue;
		if (out->params.n >= MAX_ROWS) {
			parse_warn(out, row->lineno, "more than %d parameters, ignoring the rest",
				   MAX_ROWS);
			return;
		}
		p = VEC_PUSH(&out->params);
		p->lineno = row->lineno;
		p->order = (*order)++;
		p->key = key;
		p->value = val;
		p->has_value = has_value;
		p->origin = name;
	}
}

static void add_kv(struct parse_out *out, const struct line_row *row, struct str name,
		   struct str value)
{
	struct kv_row *kv;

	if (out->kvs.n >= MAX_ROWS)
		return;
	kv = VEC_PUSH(&out->kvs);
	kv->lineno = row->lineno;
	kv->scope = STR_LIT("grub");
	kv->key = name;
	kv->value = value;
}

int grub_sniff(struct str text)
{
	struct str line, head = text, name, value;
	unsigned n = 0, grub = 0, cmdline = 0, other = 0;

	if (head.len > MAX_SNIFF_BYTES)
		head.len = MAX_SNIFF_BYTES;
	while (n++ < MAX_SNIFF_LINES && str_next_line(&head, &line)) {
		struct str t = str_trim(line);

		if (!t.len || t.ptr[0] == '#')
			continue;
		if (take_assignment(t, &name, &value) && str_starts_with(name, "GRUB_")) {
			grub++;
			if (str_starts_with(name, "GRUB_CMDLINE_LINUX"))
				cmdline++;
		} else {
			other++;
		}
	}
	if (!grub)
		return 0;
	if (other > grub)
		return 20;
	return cmdline ? 95 : 80;
}

/* One assignment of a line, or false for comments, blank lines and other shell. */
static bool line_assignment(struct parse_out *out, const struct line_row *row, bool warn,
			    struct str *name, struct str *value)
{
	struct str t = str_trim(row->text);
	bool closed;

	if (!t.len || t.ptr[0] == '#' || !take_assignment(t, name, value))
		return false;
	*value = unquote_value(*value, &closed);
	if (!closed && warn)
		parse_warn(out, row->lineno,
			   "unterminated quote in '%.*s', taking the rest of the line",
			   (int)name->len, name->ptr);
	return true;
}

int grub_parse(struct str text, struct parse_out *out, struct error *err)
{
	size_t first = out->lines.n, from[GRUB_VAR_COUNT];
	uint32_t order[GRUB_VAR_COUNT] = { 0 };
	struct str name, value;

	if (lines_split(text, SOURCE_GRUB, out, err) < 0)
		return -1;
	/* pass 1: the last assignment of each variable that replaces rather than appends */
	for (int v = 0; v < GRUB_VAR_COUNT; v++)
		from[v] = first;
	for (size_t i = first; i < out->lines.n; i++) {
		enum grub_var v;

		if (!line_assignment(out, &out->lines.v[i], false, &name, &value))
			continue;
		v = cmdline_var(name);
		if (v != GRUB_VAR_NONE && !expands_variable(value))
			from[v] = i;
	}
	/* pass 2: rows from there on, kv rows for the other GRUB_ variables */
	for (size_t i = first; i < out->lines.n; i++) {
		const struct line_row *row = &out->lines.v[i];
		enum grub_var v;

		if (!line_assignment(out, row, true, &name, &value))
			continue;
		v = cmdline_var(name);
		if (v == GRUB_VAR_NONE) {
			if (str_starts_with(name, "GRUB_"))
				add_kv(out, row, name, value);
		} else if (i >= from[v]) {
			add_cmdline(out, row, name, value, &order[v]);
		}
	}
	return 0;
}
