/* bundle.c - read a bundle archive (.tar.gz .tar.zst .tar.xz .tar .zip) with libarchive from
 * a file stream or memory, never extracting: each regular entry is read into memory under
 * the entry, total and compression-ratio caps and handed to the sink. The only file that
 * includes archive.h. A single compressed file that is not an archive (kern.log.1.gz) is
 * read as one entry through libarchive's raw format. */
#include <archive.h>
#include <archive_entry.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/limits.h"
#include "common/xalloc.h"
#include "input/reader.h"

#define READ_CHUNK 65536

bool bundle_is_archive(struct str h)
{
	const unsigned char *p = (const unsigned char *)h.ptr;

	if (h.len >= 2 && p[0] == 0x1f && p[1] == 0x8b)
		return true; /* gzip */
	if (h.len >= 4 && p[0] == 0x28 && p[1] == 0xb5 && p[2] == 0x2f && p[3] == 0xfd)
		return true; /* zstd */
	if (h.len >= 6 && memcmp(p,
				 "\xfd"
				 "7zXZ\0",
				 6) == 0)
		return true; /* xz */
	if (h.len >= 4 && memcmp(p, "BZh", 3) == 0 && p[3] >= '1' && p[3] <= '9')
		return true; /* bzip2 */
	if (h.len >= 4 && (memcmp(p, "PK\3\4", 4) == 0 || memcmp(p, "PK\5\6", 4) == 0))
		return true; /* zip */
	if (h.len >= 262 && memcmp(p + 257, "ustar", 5) == 0)
		return true; /* tar */
	return false;
}

static bool is_bundle_root(const char *comp, size_t len)
{
	static const char *const roots[] = { "cmd",  "proc", "sys", "etc",	    "var",
					     "roms", "usr",  "lib", "manifest.json" };

	for (size_t i = 0; i < sizeof(roots) / sizeof(roots[0]); i++)
		if (strlen(roots[i]) == len && memcmp(roots[i], comp, len) == 0)
			return true;
	return false;
}

bool bundle_path_clean(const char *raw, char *out, size_t cap, const char **why)
{
	const char *comps[MAX_PATH_BYTES / 2];
	size_t lens[MAX_PATH_BYTES / 2], n = 0, o = 0, first = 0;
	const char *p = raw;

	if (!raw || !*raw) {
		*why = "empty path";
		return false;
	}
	if (strlen(raw) > MAX_PATH_BYTES) {
		*why = "path too long";
		return false;
	}
	if (raw[0] == '/') {
		*why = "absolute path";
		return false;
	}
	for (const char *q = raw; *q; q++)
		if ((unsigned char)*q < 0x20 || *q == 0x7f) {
			*why = "control character in path";
			return false;
		}
	while (*p) {
		const char *s = p;
		size_t len = 0;

		while (*p && *p != '/')
			p++;
		len = (size_t)(p - s);
		if (*p)
			p++;
		if (len == 0 || (len == 1 && s[0] == '.'))
			continue;
		if (len == 2 && s[0] == '.' && s[1] == '.') {
			*why = "'..' in path";
			return false;
		}
		if (n == sizeof(comps) / sizeof(comps[0])) {
			*why = "path too long";
			return false;
		}
		comps[n] = s;
		lens[n++] = len;
	}
	if (n == 0) {
		*why = "empty path";
		return false;
	}
	if (n >= 2 && !is_bundle_root(comps[0], lens[0]))
		first = 1;
	for (size_t i = first; i < n; i++) {
		if (o + lens[i] + 2 > cap) {
			*why = "path too long";
			return false;
		}
		if (o)
			out[o++] = '/';
		memcpy(out + o, comps[i], lens[i]);
		o += lens[i];
	}
	out[o] = '\0';
	return true;
}

struct reader {
	struct archive *a;
	const char *name;
	const struct file_sink *sink;
	char *buf;
	size_t cap;
	uint64_t entries, uncompressed;
};

static int archive_fail(struct reader *r, struct error *err)
{
	const char *msg = archive_error_string(r->a);
	size_t n;

	if (!msg)
		msg = "unknown error";
	/* libarchive ends some messages with a newline (zip: "ZIP uncompressed data is wrong
	 * size ...\n"); the error stays one line (tests/hostile/archive_corrupt.sh, flip.zip) */
	n = strlen(msg);
	while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == '\r' || msg[n - 1] == ' '))
		n--;
	return error_set(err, EXIT_INPUT, "'%s': corrupt or unreadable archive: %.*s", r->name,
			 (int)n, msg);
}

static int read_entry(struct reader *r, const char *path, size_t *len, struct error *err)
{
	size_t n = 0;

	for (;;) {
		la_ssize_t got;

		r->buf = xgrow(r->buf, &r->cap, n + READ_CHUNK + 1, 1);
		got = archive_read_data(r->a, r->buf + n, READ_CHUNK);
		if (got < 0)
			return archive_fail(r, err);
		if (got == 0)
			break;
		n += (size_t)got;
		r->uncompressed += (uint64_t)got;
		if (n > MAX_ENTRY_BYTES)
			return error_set(err, EXIT_LIMIT,
					 "'%s': entry '%s' is larger than %u bytes, refusing",
					 r->name, path, MAX_ENTRY_BYTES);
		if (*r->sink->total_bytes + n > MAX_TOTAL_BYTES)
			return error_set(err, EXIT_LIMIT,
					 "'%s': inputs hold more than %u bytes in all, refusing",
					 r->name, MAX_TOTAL_BYTES);
		if (r->uncompressed > MAX_ENTRY_BYTES &&
		    r->uncompressed / MAX_COMPRESS_RATIO > (uint64_t)archive_filter_bytes(r->a, -1))
			return error_set(
				err, EXIT_LIMIT,
				"'%s': expands more than %d times (an archive bomb?), refusing",
				r->name, MAX_COMPRESS_RATIO);
	}
	r->buf[n] = '\0';
	*len = n;
	return 0;
}

static void warnf(struct reader *r, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void warnf(struct reader *r, const char *path, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	r->sink->warn(r->sink->ctx, path, msg);
}

static const char *type_name(mode_t type)
{
	switch (type) {
	case AE_IFLNK:
		return "symbolic link";
	case AE_IFCHR:
		return "character device";
	case AE_IFBLK:
		return "block device";
	case AE_IFIFO:
		return "FIFO";
	case AE_IFSOCK:
		return "socket";
	default:
		return "special file";
	}
}

static const char *raw_name(const char *name)
{
	const char *base = strrchr(name, '/');

	return base ? base + 1 : name;
}

/* libarchive inflates a member it is told to skip, so a skipped member is read through the
 * same caps as a kept one: '..' members cannot hide a bomb (tests/hostile/archive_bomb.sh,
 * skipped.tar.zst: 234 GiB of zeros in 8 MB ran 93 s before this). */
static int skip_entry(struct reader *r, const char *path, struct error *err)
{
	size_t len = 0;

	return read_entry(r, path, &len, err);
}

static int read_all(struct reader *r, struct error *err)
{
	struct archive_entry *e;
	char path[MAX_PATH_BYTES + 1];
	int rc;

	while ((rc = archive_read_next_header(r->a, &e)) != ARCHIVE_EOF) {
		const char *raw = archive_entry_pathname(e);
		const char *why = NULL;
		mode_t type = archive_entry_filetype(e);
		size_t len = 0;

		if (rc != ARCHIVE_OK && rc != ARCHIVE_WARN)
			return archive_fail(r, err);
		if (++r->entries > MAX_ENTRIES)
			return error_set(err, EXIT_LIMIT, "'%s': more than %d entries, refusing",
					 r->name, MAX_ENTRIES);
		if (archive_format(r->a) == ARCHIVE_FORMAT_RAW)
			raw = raw_name(r->name);
		if (type == AE_IFDIR) {
			if (skip_entry(r, raw ? raw : "", err) < 0)
				return -1;
			continue;
		}
		if (!bundle_path_clean(raw, path, sizeof(path), &why)) {
			warnf(r, raw ? raw : "", "%s, skipping", why);
			if (skip_entry(r, raw ? raw : "", err) < 0)
				return -1;
			continue;
		}
		if (archive_entry_hardlink(e)) {
			warnf(r, path, "%s", "hard link, skipping");
			if (skip_entry(r, path, err) < 0)
				return -1;
			continue;
		}
		if (type != AE_IFREG) {
			warnf(r, path, "%s, skipping", type_name(type));
			if (skip_entry(r, path, err) < 0)
				return -1;
			continue;
		}
		/* a declared size is never trusted for allocation, only for refusing early */
		if (archive_entry_size_is_set(e) &&
		    archive_entry_size(e) > (la_int64_t)MAX_ENTRY_BYTES)
			return error_set(err, EXIT_LIMIT,
					 "'%s': entry '%s' is larger than %u bytes, refusing",
					 r->name, path, MAX_ENTRY_BYTES);
		if (read_entry(r, path, &len, err) < 0)
			return -1;
		*r->sink->total_bytes += len;
		if (r->sink->file(r->sink->ctx, path, str_from_mem(r->buf, len), err) < 0)
			return -1;
	}
	return 0;
}

static struct archive *new_reader(void)
{
	struct archive *a = archive_read_new();

	if (!a)
		return NULL;
	archive_read_support_filter_all(a);
	archive_read_support_format_tar(a);
	archive_read_support_format_gnutar(a);
	archive_read_support_format_zip(a);
	archive_read_support_format_raw(a);
	return a;
}

static int run(struct reader *r, int open_rc, struct error *err)
{
	int ret;

	if (open_rc != ARCHIVE_OK)
		ret = archive_fail(r, err);
	else
		ret = read_all(r, err);
	archive_read_free(r->a);
	free(r->buf);
	return ret;
}

int bundle_read_file(const char *file, const struct file_sink *sink, struct error *err)
{
	struct reader r = { .name = file, .sink = sink };

	r.a = new_reader();
	if (!r.a)
		return error_set(err, EXIT_OOM, "out of memory");
	return run(&r, archive_read_open_filename(r.a, file, READ_CHUNK), err);
}

int bundle_read_memory(struct str data, const char *name, const struct file_sink *sink,
		       struct error *err)
{
	struct reader r = { .name = name, .sink = sink };

	r.a = new_reader();
	if (!r.a)
		return error_set(err, EXIT_OOM, "out of memory");
	return run(&r, archive_read_open_memory(r.a, data.ptr, data.len), err);
}
