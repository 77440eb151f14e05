/* cmdline_split.h - private to cmdline.c, grub.c and kernel_log.c: the kernel command-line
 * tokenizer.
 *
 * Views returned point into the caller's text; nothing is copied.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "parse/parse.h"

/* Takes the next parameter off *in as the kernel's next_arg() does ("key", "key=value",
 * `key="a b"`, `"foo bar"`), quotes dropped. Returns false when only blanks are left. */
bool cmdline_next_param(struct str *in, struct str *key, struct str *value, bool *has_value);

/* Appends one param row per parameter of line, numbering them from *order on. Returns -1 (with
 * a warning recorded) when MAX_ROWS is reached. */
int cmdline_add_params(struct str line, uint32_t lineno, struct str origin, uint32_t *order,
		       struct parse_out *out);
