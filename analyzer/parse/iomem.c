/* iomem.c - parse /proc/iomem into nested ranges: start, end, depth (two spaces of indent per
 * level), the index of the enclosing range, and the name (efifb, BOOTFB, "PCI Bus 0000:00",
 * "0000:01:00.0"...). Without root the kernel prints every range as 00000000-00000000: those
 * rows are kept as they are. Pure: no I/O; names view the text.
 *
 * Real input lines (this machine's /proc/iomem):
 *   00000000-00000fff : Reserved
 *   00100000-bffdffff : System RAM
 *     01000000-01ffffff : Kernel code
 */
#include "common/limits.h"
#include "parse/parsers_all.h"

/* "  start-end : name"; *depth from the indentation. */
static bool iomem_line(struct str line, uint32_t *depth, uint64_t *start, uint64_t *end,
		       struct str *name)
{
	size_t sp = 0;

	while (sp < line.len && line.ptr[sp] == ' ')
		sp++;
	line = str_sub(line, sp, line.len);
	if (!str_take_u64(&line, 16, UINT64_MAX, start) || !line.len || line.ptr[0] != '-')
		return false;
	line = str_sub(line, 1, line.len);
	if (!str_take_u64(&line, 16, UINT64_MAX, end) || !str_starts_with(line, " : "))
		return false;
	*name = str_rtrim(str_sub(line, 3, line.len));
	*depth = (uint32_t)(sp / 2);
	return true;
}

int iomem_sniff(struct str text)
{
	struct str line, head = text, name;
	unsigned n = 0, lines = 0, ok = 0, named = 0;

	if (head.len > MAX_SNIFF_BYTES)
		head.len = MAX_SNIFF_BYTES;
	while (n++ < MAX_SNIFF_LINES && str_next_line(&head, &line)) {
		uint32_t depth;
		uint64_t s, e;

		if (!str_trim(line).len)
			continue;
		lines++;
		if (!iomem_line(line, &depth, &s, &e, &name))
			continue;
		ok++;
		if (str_eq_cstr(name, "System RAM") || str_eq_cstr(name, "Reserved") ||
		    str_starts_with(name, "PCI Bus") || str_eq_cstr(name, "Kernel code"))
			named++;
	}
	if (!ok || ok * 10 < lines * 8)
		return ok ? 10 : 0;
	return named ? 95 : 60;
}

int iomem_parse(struct str text, struct parse_out *out, struct error *err)
{
	size_t first = out->lines.n;
	int32_t stack[MAX_IOMEM_DEPTH];
	uint32_t top = 0; /* entries of stack in use: stack[d] is the last row at depth d */

	if (lines_split(text, SOURCE_IOMEM, out, err) < 0)
		return -1;
	for (size_t i = first; i < out->lines.n; i++) {
		const struct line_row *row = &out->lines.v[i];
		struct iomem_row *m;
		uint32_t depth;
		uint64_t start, end;
		struct str name;

		if (!str_trim(row->text).len)
			continue;
		if (!iomem_line(row->text, &depth, &start, &end, &name)) {
			parse_warn(out, row->lineno, "not an iomem range, skipping");
			continue;
		}
		if (out->iomem.n >= MAX_ROWS) {
			parse_warn(out, row->lineno, "more than %d ranges, ignoring the rest",
				   MAX_ROWS);
			break;
		}
		if (depth > top) {
			parse_warn(out, row->lineno,
				   "range nested %u levels below its parent, taking it as one",
				   depth - top);
			depth = top;
		}
		if (depth >= MAX_IOMEM_DEPTH) {
			parse_warn(out, row->lineno, "ranges nested deeper than %d, skipping",
				   MAX_IOMEM_DEPTH);
			continue;
		}
		m = VEC_PUSH(&out->iomem);
		m->lineno = row->lineno;
		m->start = start;
		m->end = end;
		m->depth = depth;
		m->parent = depth ? stack[depth - 1] : -1;
		m->name = name;
		stack[depth] = (int32_t)(out->iomem.n - 1);
		top = depth + 1;
	}
	return 0;
}
