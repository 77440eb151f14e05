/* lspci_tree.c - parse the `lspci -t` / `lspci -tv` ASCII tree into tree rows (parent bridge
 * -> child address), plus a line row per line.
 *
 * Real input (pciutils 3.9 `lspci -F tree-asus-p6t6 -tv`, the pciutils test dump):
 *   -+-[0000:00]-+-00.0  Intel Corporation 5520/5500/X58 I/O Hub to ESI Port
 *    |           +-03.0-[02-05]----00.0-[03-05]--+-00.0-[04]----00.0  Broadcom / LSI SAS2008 ...
 *    |           |                               \-02.0-[05]--
 *    \-[0000:ff]-+-00.0  Intel Corporation Xeon 5500/Core i7 QuickPath Architecture ...
 *
 * pciutils' ls-tree.c prints each line as the previous line's prefix with every '+' and '|'
 * turned into '|' and everything else into blanks, then new branches. So a line is read left
 * to right: "[dddd:bb]" or "[bb]" sets the current bus (after a device: that device is the
 * bridge and the bus its secondary one), "dd.f" is a device on the current bus, and every '+'
 * or '\' records the context at its column, which a later line that starts its branch at the
 * same column takes up again. Devices on a root bus have no parent. Pure: no I/O.
 */
#include <stdlib.h>
#include <string.h>

#include "common/limits.h"
#include "common/xalloc.h"
#include "parse/parsers_all.h"
#include "parse/pci_text.h"

struct tree_ctx {
	bool recorded; /* a '+' or '\' was seen at this column */
	bool has_bus;
	bool has_parent;
	struct pciaddr parent;
	uint16_t domain;
	uint8_t bus;
};

/* "[0000:00]", "[01]" or "[02-05]" at *pos; updates ctx, moves *pos past ']'. */
static bool take_bus(struct str line, size_t *pos, struct tree_ctx *cur, const struct pciaddr *dev)
{
	struct str in = str_sub(line, *pos + 1, line.len), inner, dom, bus;
	uint64_t d, b;

	if (!str_take_until(&in, ']', &inner))
		return false;
	bus = inner;
	if (str_take_until(&bus, ':', &dom)) {
		if (!str_to_u64(dom, 16, 0, 0xffff, &d) || dom.len != 4)
			return false;
		cur->domain = (uint16_t)d;
	}
	if (bus.len == 5 && bus.ptr[2] == '-')
		bus.len = 2; /* secondary-subordinate: children sit on the secondary bus */
	if (!str_to_u64(bus, 16, 0, 0xff, &b) || bus.len != 2)
		return false;
	cur->bus = (uint8_t)b;
	cur->has_bus = true;
	if (dev) {
		cur->has_parent = true;
		cur->parent = *dev;
	}
	*pos += 1 + inner.len + 1;
	return true;
}

/* "1c.0" at *pos */
static bool take_devfn(struct str line, size_t pos, uint8_t *dev, uint8_t *fn)
{
	int hi, lo;

	if (pos + 4 > line.len || line.ptr[pos + 2] != '.')
		return false;
	hi = pci_text_hexval(line.ptr[pos]);
	lo = pci_text_hexval(line.ptr[pos + 1]);
	if (hi < 0 || lo < 0 || hi * 16 + lo > 31 || line.ptr[pos + 3] < '0' ||
	    line.ptr[pos + 3] > '7')
		return false;
	*dev = (uint8_t)(hi * 16 + lo);
	*fn = (uint8_t)(line.ptr[pos + 3] - '0');
	return true;
}

static bool looks_like_tree(struct str line)
{
	return line.len && line.ptr[0] && strchr("-+|\\ ", line.ptr[0]) && str_contains(line, "-[");
}

/* "   |   +-1c.0 ..." or "\\-00.1": a branch after blanks and bars */
static bool is_branch(struct str line)
{
	size_t i = 0;

	while (i < line.len && (line.ptr[i] == ' ' || line.ptr[i] == '|'))
		i++;
	return i + 1 < line.len && (line.ptr[i] == '+' || line.ptr[i] == '\\') &&
	       line.ptr[i + 1] == '-';
}

/* Reads one line; returns false when it is not tree syntax. *leaf gets the last device. */
static bool parse_tree_line(struct str line, uint32_t lineno, struct tree_ctx *ctx,
			    struct parse_out *out, struct pciaddr *leaf, bool *has_leaf)
{
	struct tree_ctx cur = { 0 };
	struct pciaddr last;
	bool have_dev = false;
	size_t pos = 0;

	while (pos < line.len && (line.ptr[pos] == ' ' || line.ptr[pos] == '|'))
		pos++;
	if (pos < line.len && (line.ptr[pos] == '+' || line.ptr[pos] == '\\')) {
		if (!ctx[pos].recorded)
			return false;
		cur = ctx[pos];
	} else if (pos > 0) {
		return false;
	}
	while (pos < line.len) {
		char c = line.ptr[pos];
		uint8_t dev, fn;

		if (c == '-') {
			pos++;
		} else if (c == '+' || c == '\\') {
			ctx[pos] = cur;
			ctx[pos].recorded = true;
			pos++;
		} else if (c == '[') {
			if (!take_bus(line, &pos, &cur, have_dev ? &last : NULL))
				return false;
			have_dev = false;
		} else if (take_devfn(line, pos, &dev, &fn)) {
			struct tree_row *t;

			if (!cur.has_bus)
				return false;
			if (out->tree.n >= MAX_ROWS) {
				parse_warn(out, lineno, "more than %d tree rows, skipping",
					   MAX_ROWS);
				return true;
			}
			last = (struct pciaddr){
				.domain = cur.domain, .bus = cur.bus, .dev = dev, .func = fn
			};
			t = VEC_PUSH(&out->tree);
			t->lineno = lineno;
			t->has_parent = cur.has_parent;
			t->parent = cur.parent;
			t->child = last;
			have_dev = true;
			*leaf = last;
			*has_leaf = true;
			pos += 4;
			if (pos + 2 <= line.len && line.ptr[pos] == ' ' &&
			    line.ptr[pos + 1] == ' ') {
				t->desc = str_trim(str_sub(line, pos, line.len));
				break;
			}
		} else {
			return false;
		}
	}
	return true;
}

int lspci_tree_sniff(struct str text)
{
	struct str line;
	int seen = 0, tree = 0;

	text = str_sub(text, 0, 16384);
	while (seen < 32 && str_next_line(&text, &line)) {
		if (!str_trim(line).len)
			continue;
		if (seen == 0 && (str_starts_with(line, "-[") || str_starts_with(line, "-+-[")))
			return 95;
		seen++;
		if (looks_like_tree(line) &&
		    (str_contains(line, "+-") || str_contains(line, "\\-")))
			tree++;
	}
	return tree >= 2 ? 70 : tree ? 40 : 0;
}

int lspci_tree_parse(struct str text, struct parse_out *out, struct error *err)
{
	struct tree_ctx *ctx = xcalloc(MAX_LINE_BYTES + 1, sizeof(*ctx));
	struct str line;
	uint32_t lineno = 0;

	while (str_next_line(&text, &line)) {
		struct pciaddr leaf;
		bool has_leaf = false;
		if (++lineno > MAX_LINES) {
			parse_warn(out, lineno, "more than %d lines, ignoring the rest", MAX_LINES);
			break;
		}
		pci_text_push_line(out, lineno, &line, SOURCE_LSPCI_TREE, NULL);
		if (!str_trim(line).len)
			continue;
		if (!parse_tree_line(line, lineno, ctx, out, &leaf, &has_leaf)) {
			if (looks_like_tree(line) || is_branch(line))
				parse_warn(out, lineno, "cannot follow the tree here, skipping");
			continue;
		}
		if (has_leaf) {
			out->lines.v[out->lines.n - 1].has_bdf = true;
			out->lines.v[out->lines.n - 1].bdf = leaf;
		}
	}
	free(ctx);
	(void)err;
	return 0;
}
