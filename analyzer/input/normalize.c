/* normalize.c - one pass over copied text: BOM, CRLF, typographic quotes, Unicode spaces,
 * zero-width characters and NUL bytes (see normalize.h for the table). */
#include "input/normalize.h"

#include <string.h>

uint32_t normalize_changes(const struct normalize_stats *s)
{
	return s->bom + s->crlf + s->quotes + s->spaces + s->zero_width + s->nuls + s->ansi;
}

enum replace { KEEP, DROP, QUOTE1, QUOTE2, SPACE };

/* Classifies the UTF-8 sequence at p (n bytes left, p[0] >= 0xc2) and sets *len. */
static enum replace classify_utf8(const unsigned char *p, size_t n, size_t *len)
{
	*len = 1;
	if (p[0] == 0xc2 && n >= 2 && p[1] == 0xa0) { /* U+00A0 NBSP */
		*len = 2;
		return SPACE;
	}
	if (n < 3)
		return KEEP;
	*len = 3;
	if (p[0] == 0xe2 && p[1] == 0x80) {
		unsigned c = p[2];

		if (c >= 0x80 && c <= 0x8a) /* U+2000..200A */
			return SPACE;
		if (c >= 0x8b && c <= 0x8d) /* U+200B..200D */
			return DROP;
		if (c == 0x98 || c == 0x99) /* U+2018, U+2019 */
			return QUOTE1;
		if (c == 0x9c || c == 0x9d) /* U+201C, U+201D */
			return QUOTE2;
		if (c == 0xaf) /* U+202F narrow NBSP */
			return SPACE;
	} else if (p[0] == 0xe2 && p[1] == 0x81) {
		if (p[2] == 0x9f) /* U+205F */
			return SPACE;
		if (p[2] == 0xa0) /* U+2060 word joiner */
			return DROP;
	} else if (p[0] == 0xe3 && p[1] == 0x80 && p[2] == 0x80) { /* U+3000 */
		return SPACE;
	} else if (p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf) { /* U+FEFF */
		return DROP;
	}
	*len = 1;
	return KEEP;
}

struct str normalize_text(struct arena *a, struct str in, struct normalize_stats *stats)
{
	struct normalize_stats st = { 0 };
	const unsigned char *p = (const unsigned char *)in.ptr;
	size_t n = in.len, i = 0, o = 0;
	char *out = arena_alloc(a, in.len + 1);

	if (n >= 3 && p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf) {
		st.bom++;
		i = 3;
	}
	while (i < n) {
		unsigned char c = p[i];
		size_t len;

		if (c >= 0x20 && c < 0x80) {
			out[o++] = (char)c;
			i++;
			continue;
		}
		if (c == '\r' && i + 1 < n && p[i + 1] == '\n') {
			st.crlf++;
			i++;
			continue;
		}
		if (c == 0x1b && i + 1 < n && p[i + 1] == '[') {
			/* CSI: parameter and intermediate bytes 0x20..0x3f, then a final byte
			 * 0x40..0x7e; a sequence cut short by a newline is kept as it is */
			size_t k = i + 2;

			while (k < n && p[k] >= 0x20 && p[k] <= 0x3f)
				k++;
			if (k < n && p[k] >= 0x40 && p[k] <= 0x7e) {
				st.ansi++;
				i = k + 1;
				continue;
			}
		}
		if (c == 0) {
			st.nuls++;
			out[o++] = ' ';
			i++;
			continue;
		}
		if (c < 0xc2) {
			out[o++] = (char)c;
			i++;
			continue;
		}
		switch (classify_utf8(p + i, n - i, &len)) {
		case KEEP:
			memcpy(out + o, p + i, len);
			o += len;
			break;
		case DROP:
			st.zero_width++;
			break;
		case QUOTE1:
			st.quotes++;
			out[o++] = '\'';
			break;
		case QUOTE2:
			st.quotes++;
			out[o++] = '"';
			break;
		case SPACE:
			st.spaces++;
			out[o++] = ' ';
			break;
		}
		i += len;
	}
	out[o] = '\0';
	if (stats)
		*stats = st;
	return (struct str){ .ptr = out, .len = o };
}
