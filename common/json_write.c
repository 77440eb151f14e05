/* json_write.c - JSON text output with strict escaping. */
#include "json_write.h"

#include <inttypes.h>
#include <math.h>

/* Length of a valid UTF-8 sequence at p (1..4), or 0 when invalid. */
static size_t utf8_len(const unsigned char *p, size_t n)
{
	unsigned c = p[0];
	size_t len;
	unsigned cp;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		len = 2, cp = c & 0x1f;
	else if (c >= 0xe0 && c <= 0xef)
		len = 3, cp = c & 0x0f;
	else if (c >= 0xf0 && c <= 0xf4)
		len = 4, cp = c & 0x07;
	else
		return 0;
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	if ((len == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
	    (len == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;
	return len;
}

void json_write_str(struct sbuf *sb, struct str s)
{
	const unsigned char *p = (const unsigned char *)s.ptr;
	size_t i = 0;

	sbuf_addch(sb, '"');
	while (i < s.len) {
		unsigned char c = p[i];
		size_t n;

		switch (c) {
		case '"':
			sbuf_addstr(sb, "\\\"");
			i++;
			continue;
		case '\\':
			sbuf_addstr(sb, "\\\\");
			i++;
			continue;
		case '\n':
			sbuf_addstr(sb, "\\n");
			i++;
			continue;
		case '\r':
			sbuf_addstr(sb, "\\r");
			i++;
			continue;
		case '\t':
			sbuf_addstr(sb, "\\t");
			i++;
			continue;
		default:
			break;
		}
		if (c < 0x20 || c == 0x7f) {
			sbuf_addf(sb, "\\u%04x", c);
			i++;
			continue;
		}
		n = utf8_len(p + i, s.len - i);
		if (n == 0) {
			sbuf_addstr(sb, "\\ufffd");
			i++;
			continue;
		}
		sbuf_add(sb, p + i, n);
		i += n;
	}
	sbuf_addch(sb, '"');
}

void json_write_cstr(struct sbuf *sb, const char *s)
{
	if (!s)
		sbuf_addstr(sb, "null");
	else
		json_write_str(sb, str_from_cstr(s));
}

void json_write_u64(struct sbuf *sb, uint64_t v)
{
	sbuf_addf(sb, "%" PRIu64, v);
}

void json_write_i64(struct sbuf *sb, int64_t v)
{
	sbuf_addf(sb, "%" PRId64, v);
}

void json_write_double(struct sbuf *sb, double v)
{
	if (!isfinite(v))
		sbuf_addstr(sb, "null");
	else
		sbuf_addf(sb, "%.6g", v);
}

void json_write_bool(struct sbuf *sb, bool v)
{
	sbuf_addstr(sb, v ? "true" : "false");
}

void json_sep(struct sbuf *sb, bool *first)
{
	if (!*first)
		sbuf_addch(sb, ',');
	*first = false;
}

void json_key(struct sbuf *sb, bool *first, const char *key)
{
	json_sep(sb, first);
	json_write_cstr(sb, key);
	sbuf_addch(sb, ':');
}
