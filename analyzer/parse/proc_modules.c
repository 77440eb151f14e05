/* proc_modules.c - parse /proc/modules and lsmod output into one "loaded" module row per module
 * (args: the rest of the line: size, use count, users, state, address). lsmod's header line is
 * skipped. Pure: no I/O; rows view the text.
 *
 * Real input lines (lsmod on a VFIO host; /proc/modules quoted on LKML):
 *   vfio_pci               16384  0
 *   vfio                   45056  2 vfio_pci_core,vfio_iommu_type1
 *   i2c_smbus 20480 1 i2c_i801, Live 0x0000000000000000
 */
#include "common/limits.h"
#include "parse/parsers_all.h"

/* "name size used ..." with numeric size and use count. */
static bool module_line(struct str line, struct str *name, struct str *rest)
{
	struct str t = line, size, used;
	uint64_t v;

	if (!str_next_word(&t, name) || !str_next_word(&t, &size) || !str_next_word(&t, &used))
		return false;
	/* module names are [A-Za-z0-9_-]; "00: 02 10 ..." is an lspci hex dump */
	for (size_t i = 0; i < name->len; i++) {
		char c = name->ptr[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '-'))
			return false;
	}
	if (!str_to_u64(size, 10, 0, UINT64_MAX, &v) || !str_to_u64(used, 10, 0, UINT64_MAX, &v))
		return false;
	*rest = str_trim(str_sub(line, (size_t)(size.ptr - line.ptr), line.len));
	return true;
}

static bool lsmod_header(struct str line)
{
	struct str t = line, w;

	return str_next_word(&t, &w) && str_eq_cstr(w, "Module") && str_next_word(&t, &w) &&
	       str_eq_cstr(w, "Size") && str_contains(t, "Used by");
}

int proc_modules_sniff(struct str text)
{
	struct str line, head = text, name, rest;
	unsigned n = 0, lines = 0, ok = 0;
	bool header = false;

	if (head.len > MAX_SNIFF_BYTES)
		head.len = MAX_SNIFF_BYTES;
	while (n++ < MAX_SNIFF_LINES && str_next_line(&head, &line)) {
		if (!str_trim(line).len)
			continue;
		lines++;
		if (lsmod_header(line))
			header = true;
		else if (module_line(line, &name, &rest))
			ok++;
	}
	if (header)
		return 95;
	if (!ok || ok * 10 < lines * 9)
		return 0;
	return ok >= 3 ? 85 : 50;
}

int proc_modules_parse(struct str text, struct parse_out *out, struct error *err)
{
	size_t first = out->lines.n;

	if (lines_split(text, SOURCE_PROC_MODULES, out, err) < 0)
		return -1;
	for (size_t i = first; i < out->lines.n; i++) {
		const struct line_row *row = &out->lines.v[i];
		struct str name, rest;
		struct module_row *m;

		if (!str_trim(row->text).len || lsmod_header(row->text))
			continue;
		if (!module_line(row->text, &name, &rest)) {
			parse_warn(out, row->lineno, "not a module line, skipping");
			continue;
		}
		if (out->modules.n >= MAX_ROWS)
			break;
		m = VEC_PUSH(&out->modules);
		m->lineno = row->lineno;
		m->directive = STR_LIT("loaded");
		m->module = name;
		m->args = rest;
	}
	return 0;
}
