/* normalize.h - make text copied from web pages, terminals and Windows editors match what the
 * tools printed: one pass over the bytes, counting what it changed.
 *
 * BOM dropped; CRLF -> LF; typographic quotes (U+2018/2019 -> ', U+201C/201D -> ");
 * NBSP, narrow NBSP and the other Unicode spaces (U+2000..200A, U+205F, U+3000) -> ' ';
 * zero-width characters (U+200B..200D, U+2060, U+FEFF) dropped; NUL bytes -> ' '; ANSI
 * colour and cursor sequences (ESC [ ... final byte, as `dmesg --color=always` writes) dropped.
 * Line numbers never change (a lone CR is kept). The output is never longer than the input.
 */
#pragma once

#include <stdint.h>

#include "common/arena.h"
#include "common/str.h"

struct normalize_stats {
	uint32_t bom, crlf, quotes, spaces, zero_width, nuls, ansi;
};

/* Returns a normalised copy of in, NUL-terminated, allocated from a (lives as long as a).
 * stats (may be NULL) receives the counts of each change. */
struct str normalize_text(struct arena *a, struct str in, struct normalize_stats *stats);

/* Total number of changes in stats. */
uint32_t normalize_changes(const struct normalize_stats *stats);
