/* str.h - borrowed byte views and cursor helpers.
 *
 * A struct str never owns its bytes and is never NUL-terminated by contract: it views text
 * that someone else keeps alive (a file read from a bundle, a line of it). Cursor helpers take
 * a view by pointer, consume a prefix of it and return what they consumed.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct str {
	const char *ptr;
	size_t len;
};

#define STR_NULL ((struct str){ .ptr = "", .len = 0 })
/* A view of a string literal, usable in initialisers. */
#define STR_LIT(s) ((struct str){ .ptr = (s), .len = sizeof(s) - 1 })

/* A view of a NUL-terminated C string (NULL gives the empty view). */
struct str str_from_cstr(const char *s);
struct str str_from_mem(const void *p, size_t len);

/* Takes the next line off *in into *line, without its '\n' (and a '\r' before it).
 * Returns false when *in is empty. A final line without '\n' is still a line. */
bool str_next_line(struct str *in, struct str *line);

/* Splits *in at the first c: *field gets what is before it, *in what follows it.
 * Returns false (and leaves both alone) when c does not occur. */
bool str_take_until(struct str *in, char c, struct str *field);

/* Takes the next run of non-blank bytes, skipping blanks (space, tab) before it. */
bool str_next_word(struct str *in, struct str *word);

struct str str_trim(struct str s);
struct str str_ltrim(struct str s);
struct str str_rtrim(struct str s);
struct str str_sub(struct str s, size_t off, size_t len); /* clamped to s */

bool str_eq(struct str a, struct str b);
bool str_eq_cstr(struct str a, const char *b);
bool str_ieq_cstr(struct str a, const char *b); /* ASCII case-insensitive */
bool str_starts_with(struct str s, const char *prefix);
bool str_ends_with(struct str s, const char *suffix);

/* Offset of the first occurrence of needle in s, or -1. */
long str_find(struct str s, const char *needle);
long str_find_char(struct str s, char c);
bool str_contains(struct str s, const char *needle);

/* Range-checked number parsing in the manner of OpenBSD's strtonum: the whole view must be the
 * number; base 0 accepts 0x for hex; false on anything else or when out of [min,max]. */
bool str_to_u64(struct str s, int base, uint64_t min, uint64_t max, uint64_t *out);
bool str_to_i64(struct str s, int base, int64_t min, int64_t max, int64_t *out);
/* Leading-number variant: parses digits at the start of *s and advances past them. */
bool str_take_u64(struct str *s, int base, uint64_t max, uint64_t *out);

/* Copies s into a newly allocated NUL-terminated string: yours, free(). */
char *str_dup(struct str s);
