/* manifest.h - the bundle's manifest.json (format 1, docs/bundle-format.md).
 *
 * One record per item in the order the items ran, plus what describes the run: format and
 * collector version, UTC time, kernel release, root or not, the redaction summary. Strings are
 * owned by the manifest; manifest_write() renders JSON with common/json_write.h.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "common/sbuf.h"
#include "common/vec.h"
#include "plan.h"

struct redact;

#define MANIFEST_FORMAT 1

struct manifest_item {
	char *source;
	char *path; /* NULL when nothing was stored */
	enum item_status status;
	char *reason;  /* NULL when empty */
	int exit_code; /* -1: not a command */
	long duration_ms;
	uint64_t bytes;
	char sha256[65]; /* "" when nothing was stored */
	bool covered;	 /* a skipped symlink to another item of the plan: not in the summary */
};

struct manifest {
	char *created_utc;    /* "2026-11-21T13:13:40Z" */
	char *kernel_release; /* may be NULL */
	char *hostname_token;
	bool is_root;
	bool redacted;
	bool sysroot;
	bool roms;
	long deadline_s;
	long duration_ms;
	VEC(struct manifest_item) items;
};

void manifest_init(struct manifest *m);
void manifest_release(struct manifest *m);
/* Appends a record; the strings are copied (reason "" becomes NULL). */
struct manifest_item *manifest_add(struct manifest *m, const char *source, const char *path,
				   enum item_status status, const char *reason);
/* Counts records of a status. */
size_t manifest_count(const struct manifest *m, enum item_status status);
/* Writes the whole manifest as JSON (pretty, one item per line) to out. */
void manifest_write(const struct manifest *m, const struct redact *r, struct sbuf *out);
