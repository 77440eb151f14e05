/* pci_text.h - small helpers the PCI text parsers (lspci.c, lspci_tree.c, iommu_groups.c)
 * share: the line-row push with its length cap, and hex digits. Private to analyzer/parse.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "common/limits.h"
#include "parse/parse.h"

static inline int pci_text_hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Pushes a line row of the given kind, cutting it at MAX_LINE_BYTES with a warning; the
 * line's PCI address is bdf when given, else the first full address the text names. Returns
 * the row (valid until the next push) with *line shortened to what was kept. */
static inline struct line_row *pci_text_push_line(struct parse_out *out, uint32_t lineno,
						  struct str *line, enum source_kind kind,
						  const struct pciaddr *bdf)
{
	struct line_row *row = VEC_PUSH(&out->lines);

	row->lineno = lineno;
	row->kind = kind;
	if (line->len > MAX_LINE_BYTES) {
		parse_warn(out, lineno, "line of %zu bytes truncated to %d", line->len,
			   MAX_LINE_BYTES);
		line->len = MAX_LINE_BYTES;
		row->truncated = true;
	}
	row->text = *line;
	row->msg = *line;
	if (bdf) {
		row->has_bdf = true;
		row->bdf = *bdf;
	} else {
		row->has_bdf = pciaddr_find(*line, &row->bdf, NULL);
	}
	return row;
}
