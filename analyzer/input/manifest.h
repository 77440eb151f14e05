/* manifest.h - the collector's manifest.json as facts (scope "manifest"), so the knowledge
 * base can say "lspci timed out" or "ran without root".
 *
 * Top-level scalars become rows with an empty subject ("format_version" -> "1"); nested
 * objects flatten with dots ("redaction.hostname"); every object of an array (the items)
 * becomes rows whose subject is its "path" (or "bundle_path", "source", "name") and whose
 * keys are its members ("status" -> "timeout", "reason", "exit", "bytes"...). Uses cJSON,
 * capped by MAX_JSON_BYTES and MAX_JSON_DEPTH. Values are copied into out->arena.
 */
#pragma once

#include "common/error.h"
#include "common/str.h"
#include "parse/parse.h"

/* Returns the number of rows added, or -1 (EXIT_INPUT: not JSON; EXIT_LIMIT: too large). */
int manifest_rows(struct str json, struct parse_out *out, struct error *err);
