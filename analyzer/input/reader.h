/* reader.h - what the bundle, directory and loose-file readers hand to the ingest: one call
 * per regular file, with a sanitised bundle-relative path and the file's bytes.
 *
 * Readers never extract to disk, never follow links, and never trust a size or a path from
 * the input: every byte count is checked against common/limits.h as it is read.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/error.h"
#include "common/str.h"

struct file_sink {
	/* One regular file: path is sanitised and relative to the bundle's top directory;
	 * data is valid only during the call. A -1 return stops the reader. */
	int (*file)(void *ctx, const char *path, struct str data, struct error *err);
	/* A skipped entry (link, device, bad path) or another problem the run survives. */
	void (*warn)(void *ctx, const char *path, const char *msg);
	void *ctx;
	uint64_t *total_bytes; /* bytes read so far by every reader, capped at MAX_TOTAL_BYTES */
};

/* Sanitises a path from an archive or directory walk into out (cap bytes): drops "./" and
 * empty components, then the one top directory (vfio-bundle-.../) unless the first component
 * is already a bundle root (cmd, proc, sys, etc, var, roms, manifest.json). Returns false,
 * with *why set, for absolute paths, ".." components, control characters, or paths longer
 * than MAX_PATH_BYTES. */
bool bundle_path_clean(const char *raw, char *out, size_t cap, const char **why);

/* True when the first bytes are an archive or compressed stream libarchive reads here
 * (gzip, zstd, xz, bzip2, zip, tar). */
bool bundle_is_archive(struct str head);

/* Reads an archive from a file, streaming; name is how messages name it. Returns 0, or -1
 * with err: EXIT_INPUT (unreadable, corrupt), EXIT_LIMIT (entry, entry count, total bytes or
 * compression ratio over its limit). */
int bundle_read_file(const char *file, const struct file_sink *sink, struct error *err);
/* The same from bytes in memory (standard input, fuzzing). */
int bundle_read_memory(struct str data, const char *name, const struct file_sink *sink,
		       struct error *err);

/* Walks a directory in the bundle layout with openat(O_NOFOLLOW): links, devices and FIFOs
 * are skipped with a warning; depth is capped at MAX_DIR_DEPTH, entries at MAX_ENTRIES. */
int dir_read(const char *dir, const struct file_sink *sink, struct error *err);

/* Reads a whole file ("-" is standard input) into *buf (yours, free()), at most max bytes;
 * more is an EXIT_LIMIT error naming the file. */
int loose_read(const char *path, size_t max, char **buf, size_t *len, struct error *err);
