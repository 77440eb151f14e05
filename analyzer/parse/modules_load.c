/* modules_load.c - parse /etc/modules, modules-load.d/<name>.conf and initramfs-tools/modules into
 * one "load" module row per listed module (args: what follows the name, as initramfs-tools
 * allows). Comments start with '#' or ';'. Pure: no I/O; rows view the text.
 *
 * Real input lines (seed 000, /etc/modules for VFIO):
 *   vfio
 *   vfio_iommu_type1
 *   vfio_pci
 */
#include "common/limits.h"
#include "parse/parsers_all.h"

static bool module_name(struct str w)
{
	if (!w.len || w.len > 64)
		return false;
	for (size_t i = 0; i < w.len; i++) {
		char c = w.ptr[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '-'))
			return false;
	}
	return true;
}

static bool is_comment(struct str t)
{
	return t.len && (t.ptr[0] == '#' || t.ptr[0] == ';');
}

int modules_load_sniff(struct str text)
{
	static const char *const known[] = {
		"vfio", "vfio_pci", "vfio-pci", "vfio_iommu_type1", "vfio_virqfd", "kvmgt",
		"loop", "lp",	    NULL
	};
	struct str line, head = text, w, args;
	unsigned n = 0, mods = 0, hits = 0, with_args = 0;
	bool header = false;

	if (head.len > MAX_SNIFF_BYTES)
		head.len = MAX_SNIFF_BYTES;
	while (n++ < MAX_SNIFF_LINES && str_next_line(&head, &line)) {
		struct str t = str_trim(line);

		if (!t.len)
			continue;
		if (is_comment(t)) {
			header |= str_contains(t, "/etc/modules") ||
				  str_contains(t, "modules-load") ||
				  str_contains(t, "kernel modules to load");
			continue;
		}
		if (!str_next_word(&t, &w) || !module_name(w))
			return 0;
		args = str_trim(t);
		/* "vfio_pci 16384 0 - Live 0x0" is /proc/modules, not a list to load */
		if (args.len && args.ptr[0] >= '0' && args.ptr[0] <= '9')
			return 0;
		if (args.len) {
			if (str_find_char(args, '=') < 0)
				return 0;
			with_args++;
		}
		mods++;
		for (const char *const *k = known; *k; k++)
			hits += str_eq_cstr(w, *k);
	}
	if (!mods)
		return header ? 50 : 0;
	if (header)
		return 90;
	if (with_args * 2 > mods)
		return 15;
	return hits ? 70 : 30;
}

int modules_load_parse(struct str text, struct parse_out *out, struct error *err)
{
	size_t first = out->lines.n;

	if (lines_split(text, SOURCE_MODULES_LOAD, out, err) < 0)
		return -1;
	for (size_t i = first; i < out->lines.n; i++) {
		const struct line_row *row = &out->lines.v[i];
		struct str t = str_trim(row->text), w;
		struct module_row *m;

		if (!t.len || is_comment(t))
			continue;
		str_next_word(&t, &w);
		if (!module_name(w)) {
			parse_warn(out, row->lineno, "'%.*s' is not a module name, skipping",
				   (int)(w.len > 64 ? 64 : w.len), w.ptr);
			continue;
		}
		if (out->modules.n >= MAX_ROWS)
			break;
		m = VEC_PUSH(&out->modules);
		m->lineno = row->lineno;
		m->directive = STR_LIT("load");
		m->module = w;
		m->args = str_trim(t);
	}
	return 0;
}
