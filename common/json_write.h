/* json_write.h - append JSON text to a struct sbuf (for the collector's manifest and reports).
 *
 * Strings are escaped per RFC 8259; bytes that are not valid UTF-8 are written as U+FFFD so
 * the output is always valid JSON whatever the input held. The caller arranges commas with
 * json_sep(), which writes one before every member but the first of an object or array.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "sbuf.h"
#include "str.h"

void json_write_str(struct sbuf *sb, struct str s);
void json_write_cstr(struct sbuf *sb, const char *s); /* NULL writes null */
void json_write_u64(struct sbuf *sb, uint64_t v);
void json_write_i64(struct sbuf *sb, int64_t v);
void json_write_double(struct sbuf *sb, double v); /* non-finite writes null */
void json_write_bool(struct sbuf *sb, bool v);
/* Writes ',' when *first is false, then sets it false. */
void json_sep(struct sbuf *sb, bool *first);
/* Writes ,"key": with json_sep(). */
void json_key(struct sbuf *sb, bool *first, const char *key);
