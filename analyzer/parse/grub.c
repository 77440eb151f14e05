/* grub.c - parse /etc/default/grub: GRUB_CMDLINE_LINUX and GRUB_CMDLINE_LINUX_DEFAULT become param
 * rows (origin = the variable), every other GRUB_ variable a kv row (scope "grub"). Shell rules
 * that matter here: '#' comments, "double" and 'single' quotes, a later assignment replaces an
 * earlier one unless it expands the variable itself ("$GRUB_CMDLINE_LINUX_DEFAULT ..."), whose
 * $-words are skipped. Pure: no I/O; keys and values view the text.
 *
 * Real input lines (seed 000):
 *   GRUB_CMDLINE_LINUX_DEFAULT="quiet intel_iommu=on iommu=pt initcall_blacklist=sysfb_init
 * video=efifb:off" GRUB_CMDLINE_LINUX_DEFAULT="quiet intel_iommu=on iommu=pt
 * pcie_acs_override=downstream,multifunction vfio-pci.ids=10de:2504,10de:228e"
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

/* Drops the param rows of origin from index first on (a later assignment replaces them). */
static void drop_params(struct parse_out *out, size_t first, struct str origin)
{
	size_t w = first;

	for (size_t i = first; i < out->params.n; i++)
		if (!str_eq(out->params.v[i].origin, origin))
			out->params.v[w++] = out->params.v[i];
	out->params.n = w;
}

static void add_cmdline(struct parse_out *out, size_t first_param, const struct line_row *row,
			struct str name, struct str value)
{
	struct str key, val, rest = value;
	bool has_value, self = false;
	uint32_t order = 0;

	while (cmdline_next_param(&rest, &key, &val, &has_value))
		if (key.len > 1 && key.ptr[0] == '$')
			self = true;
	if (!self)
		drop_params(out, first_param, name);
	for (size_t i = first_param; i < out->params.n; i++)
		if (str_eq(out->params.v[i].origin, name))
			order++;
	rest = value;
	while (cmdline_next_param(&rest, &key, &val, &has_value)) {
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
		p->order = order++;
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

int grub_parse(struct str text, struct parse_out *out, struct error *err)
{
	size_t first = out->lines.n, first_param = out->params.n;

	if (lines_split(text, SOURCE_GRUB, out, err) < 0)
		return -1;
	for (size_t i = first; i < out->lines.n; i++) {
		const struct line_row *row = &out->lines.v[i];
		struct str name, value, t = str_trim(row->text);
		bool closed;

		if (!t.len || t.ptr[0] == '#' || !take_assignment(t, &name, &value))
			continue;
		value = unquote_value(value, &closed);
		if (!closed)
			parse_warn(out, row->lineno,
				   "unterminated quote in '%.*s', taking the rest of the line",
				   (int)name.len, name.ptr);
		if (str_eq_cstr(name, "GRUB_CMDLINE_LINUX") ||
		    str_eq_cstr(name, "GRUB_CMDLINE_LINUX_DEFAULT"))
			add_cmdline(out, first_param, row, name, value);
		else if (str_starts_with(name, "GRUB_"))
			add_kv(out, row, name, value);
	}
	return 0;
}
