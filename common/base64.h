/* base64.h - a small, bounded base64 decoder (RFC 4648, standard alphabet) for binary data
 * carried in JSON (knowledge examples: option ROMs, config space).
 *
 * Blanks and line breaks between groups are skipped; '=' padding is optional at the end and
 * nothing but blanks may follow it. The URL-safe alphabet, stray characters and a dangling
 * single character are errors. libc only; no allocation: the caller gives the output buffer.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "common/str.h"

/* The most bytes the base64 text in can decode to (3 per 4 characters, rounded up). */
size_t base64_decoded_max(struct str in);

/* Decodes in into out (cap bytes). Returns the decoded length, or -1 when in is not base64
 * or would decode to more than cap bytes; out's contents are then unspecified. */
long base64_decode(struct str in, unsigned char *out, size_t cap);
