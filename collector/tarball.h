/* tarball.h - write a gzip-compressed ustar archive, one regular file at a time.
 *
 * The collector's only archive writer: ustar headers written here (with a pax "path" record
 * for names ustar cannot hold), compressed with zlib's deflate in gzip framing (no gz* file API: it
 * drags the inflate code into the static binary). Entries are written in the order they are added;
 * nothing is buffered beyond zlib's window, so memory stays small. After any failure every later
 * call fails too (sticky), and tarball_close() reports it.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct error;

struct tarball {
	void *z; /* z_stream; opaque here so that users need not include zlib.h */
	int fd;
	time_t mtime;
	uint64_t bytes_in;  /* uncompressed bytes written */
	uint64_t bytes_out; /* compressed bytes written to fd */
	int failed;
};

/* Takes over fd (closed by tarball_close). level is zlib's 1..9. */
int tarball_open(struct tarball *t, int fd, int level, time_t mtime, struct error *err);
/* Adds a directory entry (path without trailing '/'). */
int tarball_add_dir(struct tarball *t, const char *path, struct error *err);
/* Adds a regular file of len bytes with mode 0644. path is relative, '/'-separated. */
int tarball_add_file(struct tarball *t, const char *path, const void *data, size_t len,
		     struct error *err);
/* Writes the end-of-archive blocks and closes; returns -1 if anything failed. */
int tarball_close(struct tarball *t, struct error *err);
/* Closes without finishing (the file is about to be removed). */
void tarball_abort(struct tarball *t);
