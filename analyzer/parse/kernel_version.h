/* kernel_version.h - private to version.c and kernel_log.c: the kernel's "Linux version"
 * banner into kv rows, so /proc/version and a boot log's first line give the same facts.
 *
 * Values view the caller's text; nothing is copied.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "parse/parse.h"

/* When line (blanks around it ignored) is "Linux version <release> (...) ... #<version>",
 * appends kv rows of scope "kernel": release, version (from the '#' on, when there is one) and
 * pve (1 when the release ends in -pve, else 0), all at lineno, and returns true; otherwise
 * appends nothing and returns false. */
bool version_banner_rows(struct str line, uint32_t lineno, struct parse_out *out);
