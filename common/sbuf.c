/* sbuf.c - owned, growable, capped string buffer. */
#include "sbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

static char empty_buf[1];

void sbuf_init(struct sbuf *sb, size_t max)
{
	sb->buf = empty_buf;
	sb->len = 0;
	sb->cap = 0;
	sb->max = max;
	sb->failed = false;
}

void sbuf_release(struct sbuf *sb)
{
	if (sb->cap)
		free(sb->buf);
	sbuf_init(sb, sb->max);
}

void sbuf_reset(struct sbuf *sb)
{
	sb->len = 0;
	sb->failed = false;
	if (sb->cap)
		sb->buf[0] = '\0';
}

/* Makes room for extra more bytes plus the NUL; false (and failed) past max. */
static bool sbuf_grow(struct sbuf *sb, size_t extra)
{
	size_t want;

	if (sb->failed)
		return false;
	if (extra > sb->max || sb->len > sb->max - extra) {
		sb->failed = true;
		return false;
	}
	want = sb->len + extra + 1;
	if (want <= sb->cap)
		return true;
	if (sb->cap == 0) {
		size_t cap = 0;

		sb->buf = xgrow(NULL, &cap, want < 64 ? 64 : want, 1);
		sb->cap = cap;
		sb->buf[0] = '\0';
	} else {
		sb->buf = xgrow(sb->buf, &sb->cap, want, 1);
	}
	return true;
}

void sbuf_add(struct sbuf *sb, const void *data, size_t len)
{
	if (len == 0 || !sbuf_grow(sb, len))
		return;
	memcpy(sb->buf + sb->len, data, len);
	sb->len += len;
	sb->buf[sb->len] = '\0';
}

void sbuf_addstr(struct sbuf *sb, const char *s)
{
	sbuf_add(sb, s, strlen(s));
}

void sbuf_addch(struct sbuf *sb, char c)
{
	sbuf_add(sb, &c, 1);
}

void sbuf_add_str(struct sbuf *sb, struct str s)
{
	sbuf_add(sb, s.ptr, s.len);
}

void sbuf_vaddf(struct sbuf *sb, const char *fmt, va_list ap)
{
	va_list cp;
	int n;

	if (sb->failed)
		return;
	va_copy(cp, ap);
	n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n <= 0 || !sbuf_grow(sb, (size_t)n))
		return;
	vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap);
	sb->len += (size_t)n;
}

void sbuf_addf(struct sbuf *sb, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	sbuf_vaddf(sb, fmt, ap);
	va_end(ap);
}

bool sbuf_failed(const struct sbuf *sb)
{
	return sb->failed;
}

struct str sbuf_view(const struct sbuf *sb)
{
	return (struct str){ .ptr = sb->buf, .len = sb->len };
}

char *sbuf_detach(struct sbuf *sb, size_t *len)
{
	char *p;

	if (len)
		*len = sb->len;
	if (sb->cap == 0) {
		p = xmalloc(1);
		p[0] = '\0';
	} else {
		p = sb->buf;
	}
	sbuf_init(sb, sb->max);
	return p;
}
