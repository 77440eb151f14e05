/* iommu_groups.c - parse IOMMU group listings into (group, bdf, desc) rows, plus a line row
 * per line. The shapes people paste and scripts print:
 *
 *  (a) the one-line shell loop of seed 000 (`printf 'IOMMU group %s ' "$n"; lspci -nns ...`):
 *        IOMMU group 1 01:00.0 VGA compatible controller [0300]: NVIDIA ... [10de:1b80] (rev a1)
 *  (b) `find /sys/kernel/iommu_groups/ -type l` (or ls) paths:
 *        /sys/kernel/iommu_groups/14/devices/0000:01:00.0
 *  (c) a header per group, then its members, indented or not: the Arch wiki script prints
 *      "IOMMU Group 1:" and tab-indented `lspci -nns` lines; seed 004's loop prints
 *        Group 7
 *        01:00.0 VGA compatible controller [0300]: NVIDIA Corporation TU104 [GeForce RTX 2080]
 * [10de:1e87] (d) `pvesh get /nodes/<node>/hardware/pci` tables (seed 002), columns found by the
 * header: │ 0x030000 │ 0x5912 │ 0000:00:02.0 │          2 │ 0x8086 │ HD Graphics 630 │ and `ls -l
 * /sys/kernel/iommu_groups/<n>/devices` ("/sys/kernel/iommu_groups/10/devices:" then "lrwxrwxrwx
 * ... 0000:00:1f.0 -> ../../../../devices/pci0000:00/0000:00:1f.0"), and the kernel's "pci
 * 0000:00:02.0: Adding to iommu group 0" when it is pasted here. A header group lasts until a line
 * that is neither a member nor blank. Pure: no I/O.
 */
#include "parse/iommu_groups.h"

#include <string.h>

#include "common/limits.h"
#include "parse/parsers_all.h"
#include "parse/pci_text.h"

#define BOX_BAR "\xe2\x94\x82" /* U+2502, the column separator pvesh draws */

struct table {
	int id_col;    /* column of the address, -1 unknown */
	int group_col; /* column of "iommugroup" */
	int name_col;  /* column of "device_name" */
};

static bool take_int(struct str *s, int64_t min, int64_t max, int32_t *out)
{
	struct str t = str_ltrim(*s);
	bool neg = t.len && t.ptr[0] == '-';
	uint64_t v;

	if (neg)
		t = str_sub(t, 1, t.len);
	if (!str_take_u64(&t, 10, INT32_MAX, &v))
		return false;
	if ((neg ? -(int64_t)v : (int64_t)v) < min || (neg ? -(int64_t)v : (int64_t)v) > max)
		return false;
	*out = (int32_t)(neg ? -(int64_t)v : (int64_t)v);
	*s = t;
	return true;
}

/* A PCI address as the first word of s ("01:00.0" or "0000:01:00.0"); *rest gets the rest. */
static bool lead_addr(struct str s, struct pciaddr *bdf, struct str *rest)
{
	struct str r = s, word;

	if (!str_next_word(&r, &word))
		return false;
	if (!pciaddr_parse(word, false, bdf))
		return false;
	*rest = str_trim(r);
	return true;
}

static void push_group(struct parse_out *out, uint32_t lineno, int32_t group,
		       const struct pciaddr *bdf, struct str desc)
{
	struct group_row *g;

	if (out->groups.n >= MAX_ROWS) {
		if (out->groups.n == MAX_ROWS)
			parse_warn(out, lineno, "more than %d group rows, skipping", MAX_ROWS);
		return;
	}
	g = VEC_PUSH(&out->groups);
	g->lineno = lineno;
	g->group = group;
	g->bdf = *bdf;
	g->desc = desc;
}

/* "IOMMU group 1 01:00.0 VGA ..." (a) or the header forms "IOMMU Group 1:", "Group 7" (c).
 * Returns 1 for a member line, 2 for a header, 0 otherwise. */
static int parse_group_word(struct str t, int32_t *group, struct pciaddr *bdf, struct str *desc)
{
	struct str s = t;

	if (str_starts_with(s, "IOMMU "))
		s = str_sub(s, 6, s.len);
	if (!str_starts_with(s, "group ") && !str_starts_with(s, "Group "))
		return 0;
	s = str_sub(s, 6, s.len);
	if (!take_int(&s, 0, INT32_MAX, group))
		return 0;
	if (s.len && s.ptr[0] == ':')
		s = str_sub(s, 1, s.len);
	s = str_trim(s);
	if (!s.len)
		return 2;
	if (lead_addr(s, bdf, desc))
		return 1;
	return 0;
}

/* ".../iommu_groups/14/devices/0000:01:00.0" anywhere in the line (b). */
static bool parse_sysfs_path(struct str t, int32_t *group, struct pciaddr *bdf)
{
	long at = str_find(t, "iommu_groups/");
	struct str s, word;

	if (at < 0)
		return false;
	s = str_sub(t, (size_t)at + 13, t.len);
	if (!take_int(&s, 0, INT32_MAX, group) || !str_starts_with(s, "/devices/"))
		return false;
	s = str_sub(s, 9, s.len);
	word = s;
	for (size_t i = 0; i < s.len; i++) {
		if (s.ptr[i] == ' ' || s.ptr[i] == '\t' || s.ptr[i] == '/') {
			word.len = i;
			break;
		}
	}
	return pciaddr_parse(word, false, bdf);
}

/* "/sys/kernel/iommu_groups/10/devices:", the header `ls -l .../devices` prints per group. */
static bool parse_sysfs_header(struct str t, int32_t *group)
{
	long at = str_find(t, "iommu_groups/");
	struct str s;

	if (at < 0)
		return false;
	s = str_sub(t, (size_t)at + 13, t.len);
	return take_int(&s, 0, INT32_MAX, group) && str_eq_cstr(s, "/devices:");
}

/* A member under a header: "01:00.0 VGA ...", or ls -l's
 * "lrwxrwxrwx 1 root root 0 Feb 4 10:29 0000:00:1f.0 -> ../../../../devices/pci0000:00/...". */
static bool parse_member(struct str t, struct pciaddr *bdf, struct str *desc)
{
	long arrow;
	struct str before, word, last = STR_NULL;

	if (lead_addr(t, bdf, desc))
		return true;
	arrow = str_find(t, " -> ");
	if (arrow < 0)
		return false;
	before = str_sub(t, 0, (size_t)arrow);
	while (str_next_word(&before, &word))
		last = word;
	*desc = STR_NULL;
	return pciaddr_parse(last, false, bdf);
}

/* "pci 0000:00:02.0: Adding to iommu group 0" */
static bool parse_kernel_line(struct str t, int32_t *group, struct pciaddr *bdf)
{
	long at = str_find(t, ": Adding to iommu group ");
	struct str s;
	size_t off;

	if (at < 0 || !pciaddr_find(str_sub(t, 0, (size_t)at), bdf, &off))
		return false;
	s = str_sub(t, (size_t)at + strlen(": Adding to iommu group "), t.len);
	return take_int(&s, 0, INT32_MAX, group);
}

/* Splits a pvesh row at its bars; returns the number of cells (at most max). */
static int split_cells(struct str t, struct str *cells, int max)
{
	int n = 0;
	long at;

	at = str_find(t, BOX_BAR);
	if (at < 0)
		return 0;
	t = str_sub(t, (size_t)at + 3, t.len);
	while (n < max && (at = str_find(t, BOX_BAR)) >= 0) {
		cells[n++] = str_trim(str_sub(t, 0, (size_t)at));
		t = str_sub(t, (size_t)at + 3, t.len);
	}
	return n;
}

static bool parse_table_row(struct str t, struct table *tab, int32_t *group, struct pciaddr *bdf,
			    struct str *desc)
{
	struct str cells[MAX_CELLS];
	int n = split_cells(t, cells, MAX_CELLS);
	struct str g;

	if (n == 0)
		return false;
	for (int i = 0; i < n; i++) {
		if (str_eq_cstr(cells[i], "iommugroup")) {
			tab->group_col = i;
			tab->id_col = tab->name_col = -1;
			for (int j = 0; j < n; j++) {
				if (str_eq_cstr(cells[j], "id"))
					tab->id_col = j;
				else if (str_eq_cstr(cells[j], "device_name"))
					tab->name_col = j;
			}
			return false;
		}
	}
	if (tab->group_col < 0 || tab->id_col < 0 || tab->group_col >= n || tab->id_col >= n)
		return false;
	if (!pciaddr_parse(cells[tab->id_col], false, bdf))
		return false;
	g = cells[tab->group_col];
	if (!take_int(&g, -1, INT32_MAX, group) || g.len)
		return false;
	*desc = tab->name_col >= 0 && tab->name_col < n ? cells[tab->name_col] : STR_NULL;
	return true;
}

int iommu_groups_sniff(struct str text)
{
	struct str line;
	int seen = 0, strong = 0, headers = 0, members = 0;

	text = str_sub(text, 0, 16384);
	while (seen < 64 && str_next_line(&text, &line)) {
		struct str t = str_trim(line), desc;
		struct pciaddr bdf;
		int32_t group;
		int kind;

		if (!t.len)
			continue;
		seen++;
		kind = parse_group_word(t, &group, &bdf, &desc);
		if (kind == 1 || parse_sysfs_path(t, &group, &bdf) ||
		    (str_contains(t, BOX_BAR) && str_contains(t, "iommugroup")))
			strong++;
		else if (kind == 2 && (str_starts_with(t, "IOMMU") || str_ends_with(t, ":")))
			strong++;
		else if (kind == 2)
			headers++;
		else if (lead_addr(t, &bdf, &desc))
			members++;
	}
	if (strong)
		return 95;
	return headers && members ? 85 : 0;
}

int iommu_groups_parse(struct str text, struct parse_out *out, struct error *err)
{
	struct table tab = { .id_col = -1, .group_col = -1, .name_col = -1 };
	int32_t current = -1; /* the group a header opened, -1 none */
	struct str line;
	uint32_t lineno = 0;

	while (str_next_line(&text, &line)) {
		struct line_row *row;
		struct pciaddr bdf;
		struct str t, desc = STR_NULL;
		int32_t group;
		int kind;

		if (++lineno > MAX_LINES) {
			parse_warn(out, lineno, "more than %d lines, ignoring the rest", MAX_LINES);
			break;
		}
		row = pci_text_push_line(out, lineno, &line, SOURCE_IOMMU_GROUPS, NULL);
		t = str_trim(line);
		if (!t.len)
			continue;
		kind = parse_group_word(t, &group, &bdf, &desc);
		if (kind == 2 || parse_sysfs_header(t, &group)) {
			current = group;
			continue;
		}
		if (kind != 1 && !parse_sysfs_path(t, &group, &bdf) &&
		    !parse_kernel_line(t, &group, &bdf) &&
		    !parse_table_row(t, &tab, &group, &bdf, &desc)) {
			if (current < 0 || !parse_member(t, &bdf, &desc)) {
				current = -1; /* prose after a listing ends it */
				continue;
			}
			group = current;
		}
		row->has_bdf = true;
		row->bdf = bdf;
		push_group(out, lineno, group, &bdf, desc);
	}
	(void)err;
	return 0;
}

int iommu_groups_parse_devices(struct str text, int32_t group, struct parse_out *out,
			       struct error *err)
{
	struct str line;
	uint32_t lineno = 0;

	while (str_next_line(&text, &line)) {
		struct line_row *row;
		struct pciaddr bdf;
		struct str t;

		if (++lineno > MAX_LINES) {
			parse_warn(out, lineno, "more than %d lines, ignoring the rest", MAX_LINES);
			break;
		}
		row = pci_text_push_line(out, lineno, &line, SOURCE_IOMMU_GROUPS, NULL);
		t = str_trim(line);
		if (!t.len)
			continue;
		if (!pciaddr_parse(t, false, &bdf)) {
			parse_warn(out, lineno, "not a PCI address, skipping");
			continue;
		}
		row->has_bdf = true;
		row->bdf = bdf;
		push_group(out, lineno, group, &bdf, STR_NULL);
	}
	(void)err;
	return 0;
}
