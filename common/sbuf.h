/* sbuf.h - an owned, growable, capped string buffer.
 *
 * Invariants (git's strbuf): buf is never NULL and always NUL-terminated; len < cap.
 * Every buffer has a max: input is hostile, so nothing grows without bound. Appends never
 * return errors; an append that would pass max sets the sticky `failed` flag and is dropped,
 * so check sbuf_failed() once when done (SQLite's sticky error).
 */
#pragma once

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include "str.h"

struct sbuf {
	char *buf;
	size_t len;
	size_t cap;
	size_t max;
	bool failed;
};

void sbuf_init(struct sbuf *sb, size_t max);
void sbuf_release(struct sbuf *sb); /* frees; sb may be reused after sbuf_init */
void sbuf_reset(struct sbuf *sb);   /* empties, keeps memory and the failed flag cleared */
void sbuf_add(struct sbuf *sb, const void *data, size_t len);
void sbuf_addstr(struct sbuf *sb, const char *s);
void sbuf_addch(struct sbuf *sb, char c);
void sbuf_add_str(struct sbuf *sb, struct str s);
void sbuf_addf(struct sbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sbuf_vaddf(struct sbuf *sb, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
bool sbuf_failed(const struct sbuf *sb);
struct str sbuf_view(const struct sbuf *sb);
/* Hands the string over (yours, free()); sb is left empty and reusable. */
char *sbuf_detach(struct sbuf *sb, size_t *len);
