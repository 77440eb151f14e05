/* manifest.h - the collector's manifest.json as facts (scope "manifest"), so the knowledge
 * base can say "lspci timed out" or "ran without root", and cross-checked against the members
 * of the bundle it came in (a hostile or damaged manifest may lie; docs/bundle-format.md).
 *
 * Top-level scalars become rows with an empty subject ("format_version" -> "1"); nested
 * objects flatten with dots ("redaction.hostname"); every object of an array (the items)
 * becomes rows whose subject is its "path" (or "bundle_path", "source", "name") and whose
 * keys are its members ("status" -> "timeout", "reason", "exit", "bytes"...). An object whose
 * "path" (or "bundle_path", "dest") is not a clean relative path (manifest_path_is_clean) is
 * not stored. Uses cJSON, capped by MAX_JSON_BYTES and MAX_JSON_DEPTH. Values are copied into
 * out->arena.
 *
 * The cross-check: manifest_rows also fills a struct manifest_claims with what the top-level
 * "items" and "counts" claim; the ingest records every member it is handed
 * (manifest_member_set: its path, size and SHA-256) and, once the whole bundle is read,
 * manifest_check compares the two and reports each problem through a callback, at most
 * MAX_MANIFEST_WARNINGS of each kind and then one line with the number left out.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/arena.h"
#include "common/error.h"
#include "common/str.h"
#include "common/vec.h"
#include "parse/parse.h"

/* One record of "items", as claimed; strings live in the claims' arena. */
struct manifest_item {
	const char *path;   /* NULL when null, absent or not a string */
	const char *status; /* NULL when not a string */
	const char *sha256; /* as written; NULL when null, absent or not a string */
	bool unclean;	    /* path is not a clean relative path (the item is not stored) */
	bool has_bytes;	    /* "bytes" is present and not null */
	bool bytes_whole;   /* ... and a whole number (then bytes holds it) */
	long long bytes;
};

/* The documented statuses, in the order of docs/bundle-format.md. */
enum manifest_status {
	MANIFEST_OK,
	MANIFEST_MISSING,
	MANIFEST_DENIED,
	MANIFEST_TIMEOUT,
	MANIFEST_TRUNCATED,
	MANIFEST_SKIPPED,
	MANIFEST_ERROR,
	MANIFEST_STATUS_COUNT
};

struct manifest_claims {
	struct arena arena;
	VEC(struct manifest_item) items;
	bool has_counts; /* a top-level "counts" object was there */
	/* per documented status: present in "counts", a whole number, its value */
	bool count_present[MANIFEST_STATUS_COUNT], count_whole[MANIFEST_STATUS_COUNT];
	long long count[MANIFEST_STATUS_COUNT];
};

/* One member of a bundle as read: path (borrowed; must outlive manifest_check), size and
 * lowercase hex SHA-256 of its bytes. */
struct manifest_member {
	const char *path;
	uint64_t bytes;
	char sha256[65];
};

void manifest_claims_init(struct manifest_claims *m);
void manifest_claims_release(struct manifest_claims *m);

/* Adds rows to out; when claims is not NULL it is emptied and refilled from this manifest.
 * Returns the number of rows added, or -1 (EXIT_INPUT: not JSON; EXIT_LIMIT: too large or
 * too deep), claims then empty. */
int manifest_rows(struct str json, struct parse_out *out, struct manifest_claims *claims,
		  struct error *err);

/* True for a non-empty relative path of at most MAX_PATH_BYTES bytes without a leading or
 * doubled '/', a "." or ".." component, or a byte below 0x20 or 0x7f. */
bool manifest_path_is_clean(const char *path);

/* Fills m for a member: path is borrowed, the bytes are hashed (libmd). */
void manifest_member_set(struct manifest_member *m, const char *path, struct str data);

/* Compares claims with the n members (sorted in place by path) and calls warn once per
 * problem, at most MAX_MANIFEST_WARNINGS per kind, then once with how many more of that kind
 * there were. Messages begin "manifest.json: "; strings from the manifest are shown as
 * printable ASCII ('?' for anything else) and cut to 120 bytes. Returns the number of
 * problems found (all of them, listed or not). */
size_t manifest_check(const struct manifest_claims *claims, struct manifest_member *members,
		      size_t n, void (*warn)(void *ctx, const char *msg), void *ctx);
