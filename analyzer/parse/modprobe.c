/* modprobe.c - parse modprobe.d files into module rows: blacklist, options, softdep, weakdep,
 * install, remove and alias directives with their module and the rest of the line as args
 * (for alias: module = the module the alias resolves to, args = the wildcard). Lines starting
 * with '#' are comments; a line ending in '\' continues on the next one, and such a joined line
 * is copied into out->arena. Module names are kept as written ('-' and '_' not folded).
 * Pure: no I/O; other fields view the text.
 *
 * Real input lines (seeds 000 and 002):
 *   options vfio-pci ids=10de:2206,10de:10f0 disable_vga=1
 *   blacklist nouveau
 *   options vfio_iommu_type1 allow_unsafe_interrupts=1
 */
#include "common/limits.h"
#include "common/sbuf.h"
#include "parse/parsers_all.h"

static const char *const directives[] = { "blacklist", "options", "softdep", "weakdep",
					  "install",   "remove",  "alias",   NULL };

static bool is_directive(struct str w)
{
	for (const char *const *d = directives; *d; d++)
		if (str_eq_cstr(w, *d))
			return true;
	return false;
}

static bool ends_with_backslash(struct str line)
{
	line = str_rtrim(line);
	return line.len && line.ptr[line.len - 1] == '\\';
}

static void add_directive(struct parse_out *out, uint32_t lineno, struct str line)
{
	struct str rest = str_trim(line), dir, module, wildcard;
	struct module_row *m;

	if (!rest.len || rest.ptr[0] == '#')
		return;
	if (!str_next_word(&rest, &dir) || !is_directive(dir)) {
		parse_warn(out, lineno, "unknown modprobe directive '%.*s', skipping",
			   (int)(dir.len > 64 ? 64 : dir.len), dir.ptr);
		return;
	}
	if (!str_next_word(&rest, &module)) {
		parse_warn(out, lineno, "'%.*s' without a module, skipping", (int)dir.len, dir.ptr);
		return;
	}
	if (out->modules.n >= MAX_ROWS)
		return;
	rest = str_trim(rest);
	m = VEC_PUSH(&out->modules);
	m->lineno = lineno;
	m->directive = dir;
	if (str_eq_cstr(dir, "alias")) {
		wildcard = module;
		if (!str_next_word(&rest, &module))
			module = STR_NULL;
		m->module = module;
		m->args = wildcard;
		return;
	}
	m->module = module;
	m->args = rest;
}

int modprobe_sniff(struct str text)
{
	struct str line, head = text, w;
	unsigned n = 0, lines = 0, ok = 0;

	if (head.len > MAX_SNIFF_BYTES)
		head.len = MAX_SNIFF_BYTES;
	while (n++ < MAX_SNIFF_LINES && str_next_line(&head, &line)) {
		struct str t = str_trim(line);

		if (!t.len || t.ptr[0] == '#')
			continue;
		lines++;
		if (str_next_word(&t, &w) && is_directive(w) && str_next_word(&t, &w))
			ok++;
	}
	if (!ok)
		return 0;
	if (ok == lines)
		return 90;
	return (int)(20 + 50 * ok / lines);
}

int modprobe_parse(struct str text, struct parse_out *out, struct error *err)
{
	size_t first = out->lines.n;
	struct sbuf join;

	if (lines_split(text, SOURCE_MODPROBE, out, err) < 0)
		return -1;
	sbuf_init(&join, MAX_LINE_BYTES);
	for (size_t i = first; i < out->lines.n; i++) {
		const struct line_row *row = &out->lines.v[i];
		uint32_t lineno = row->lineno;
		struct str t = str_trim(row->text);

		if (!t.len || t.ptr[0] == '#' || !ends_with_backslash(row->text)) {
			add_directive(out, lineno, row->text);
			continue;
		}
		sbuf_reset(&join);
		for (; i < out->lines.n; i++) {
			struct str part = str_rtrim(out->lines.v[i].text);
			bool more = ends_with_backslash(part);

			if (more)
				part.len--;
			sbuf_add_str(&join, part);
			if (!more)
				break;
			sbuf_addch(&join, ' ');
		}
		if (sbuf_failed(&join)) {
			parse_warn(out, lineno, "continued line longer than %d bytes, skipping",
				   MAX_LINE_BYTES);
			continue;
		}
		add_directive(out, lineno, arena_str(&out->arena, sbuf_view(&join)));
	}
	sbuf_release(&join);
	return 0;
}
