/* tarball.c - a minimal ustar writer over zlib's gzip stream (POSIX.1-1988 ustar headers, a
 * pax extended header for long names). GNU tar, bsdtar and libarchive read what it writes. */
#include "tarball.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "common/banned.h"
#include "common/error.h"

#define BLOCK 512

struct ustar_header {
	char name[100];
	char mode[8];
	char uid[8];
	char gid[8];
	char size[12];
	char mtime[12];
	char chksum[8];
	char typeflag;
	char linkname[100];
	char magic[6];
	char version[2];
	char uname[32];
	char gname[32];
	char devmajor[8];
	char devminor[8];
	char prefix[155];
	char pad[12];
};

_Static_assert(sizeof(struct ustar_header) == BLOCK, "ustar header is one block");

#define ZCHUNK 65536

int tarball_open(struct tarball *t, int fd, int level, time_t mtime, struct error *err)
{
	z_stream *z = calloc(1, sizeof(*z));

	memset(t, 0, sizeof(*t));
	t->fd = fd;
	t->mtime = mtime;
	if (!z) {
		close(fd);
		return error_set(err, EXIT_OOM, "out of memory");
	}
	/* windowBits 15 + 16: a gzip header and trailer around the deflate stream */
	if (deflateInit2(z, level < 1 || level > 9 ? 6 : level, Z_DEFLATED, 15 + 16, 8,
			 Z_DEFAULT_STRATEGY) != Z_OK) {
		free(z);
		close(fd);
		return error_set(err, EXIT_OUTPUT, "cannot start gzip stream");
	}
	t->z = z;
	return 0;
}

static int write_fd(struct tarball *t, const unsigned char *p, size_t n, struct error *err)
{
	while (n > 0) {
		ssize_t w = write(t->fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			t->failed = 1;
			return error_set(err, EXIT_OUTPUT, "cannot write archive: %s",
					 w < 0 ? strerror(errno) : "short write");
		}
		p += w;
		n -= (size_t)w;
		t->bytes_out += (uint64_t)w;
	}
	return 0;
}

/* Feeds len bytes to deflate (flush: Z_NO_FLUSH or Z_FINISH) and writes what comes out. */
static int deflate_some(struct tarball *t, const void *data, size_t len, int flush,
			struct error *err)
{
	z_stream *z = t->z;
	unsigned char out[ZCHUNK];
	const unsigned char *p = data;

	if (t->failed)
		return error_set(err, EXIT_OUTPUT, "cannot write archive");
	for (;;) {
		size_t chunk = len > (1u << 30) ? (1u << 30) : len;
		int r;

		z->next_in = (unsigned char *)(uintptr_t)p;
		z->avail_in = (unsigned)chunk;
		do {
			z->next_out = out;
			z->avail_out = sizeof(out);
			r = deflate(z, len == chunk ? flush : Z_NO_FLUSH);
			if (r == Z_STREAM_ERROR) {
				t->failed = 1;
				return error_set(err, EXIT_INTERNAL, "deflate failed");
			}
			if (write_fd(t, out, sizeof(out) - z->avail_out, err) < 0)
				return -1;
		} while (z->avail_out == 0 ||
			 (flush == Z_FINISH && len == chunk && r != Z_STREAM_END));
		p += chunk;
		len -= chunk;
		if (len == 0)
			return 0;
	}
}

static int put(struct tarball *t, const void *data, size_t len, struct error *err)
{
	if (deflate_some(t, data, len, Z_NO_FLUSH, err) < 0)
		return -1;
	t->bytes_in += len;
	return 0;
}

static int pad(struct tarball *t, size_t len, struct error *err)
{
	static const char zeros[BLOCK];
	size_t rem = len % BLOCK;

	return rem ? put(t, zeros, BLOCK - rem, err) : 0;
}

static void octal(char *field, size_t size, uint64_t v)
{
	/* size-1 octal digits and a NUL, as ustar wants */
	field[size - 1] = '\0';
	for (size_t i = size - 1; i-- > 0;) {
		field[i] = (char)('0' + (v & 7));
		v >>= 3;
	}
}

/* Splits path into ustar's prefix and name; false when it does not fit. */
static bool split_name(struct ustar_header *h, const char *path)
{
	size_t len = strlen(path);

	if (len <= sizeof(h->name)) {
		memcpy(h->name, path, len);
		return true;
	}
	for (size_t i = len; i-- > 0;) {
		if (path[i] != '/')
			continue;
		if (i <= sizeof(h->prefix) && len - i - 1 <= sizeof(h->name) && len - i - 1 > 0) {
			memcpy(h->prefix, path, i);
			memcpy(h->name, path + i + 1, len - i - 1);
			return true;
		}
		if (len - i - 1 > sizeof(h->name))
			return false;
	}
	return false;
}

static int header(struct tarball *t, const char *path, char type, uint64_t size, struct error *err)
{
	struct ustar_header h;
	unsigned sum = 0;
	const unsigned char *b = (const unsigned char *)&h;

	memset(&h, 0, sizeof(h));
	if (!split_name(&h, path)) {
		/* pax extended header: "<len> path=<path>\n", len counting itself */
		char rec[4200];
		size_t plen = strlen(path), total = plen + 7, digits;
		int n;

		if (plen > 4096)
			return error_set(err, EXIT_INTERNAL, "archive path too long: '%.64s...'",
					 path);
		for (digits = 1;; digits++) {
			size_t want = total + digits;
			size_t d = want < 10 ? 1 : want < 100 ? 2 : want < 1000 ? 3 : 4;

			if (d == digits)
				break;
		}
		n = snprintf(rec, sizeof(rec), "%zu path=%s\n", total + digits, path);
		if (header(t, "././@PaxHeader", 'x', (uint64_t)n, err) < 0 ||
		    put(t, rec, (size_t)n, err) < 0 || pad(t, (size_t)n, err) < 0)
			return -1;
		memset(&h, 0, sizeof(h));
		{
			const char *base = strrchr(path, '/');

			base = base ? base + 1 : path;
			memcpy(h.name, base, strnlen(base, sizeof(h.name)));
		}
	}
	octal(h.mode, sizeof(h.mode), type == '5' ? 0755 : 0644);
	octal(h.uid, sizeof(h.uid), 0);
	octal(h.gid, sizeof(h.gid), 0);
	octal(h.size, sizeof(h.size), size);
	octal(h.mtime, sizeof(h.mtime), (uint64_t)(t->mtime > 0 ? t->mtime : 0));
	h.typeflag = type;
	memcpy(h.magic, "ustar", 6);
	memcpy(h.version, "00", 2);
	memcpy(h.uname, "root", 4);
	memcpy(h.gname, "root", 4);
	memset(h.chksum, ' ', sizeof(h.chksum));
	for (size_t i = 0; i < BLOCK; i++)
		sum += b[i];
	snprintf(h.chksum, sizeof(h.chksum), "%06o", sum & 0777777);
	h.chksum[7] = ' ';
	return put(t, &h, sizeof(h), err);
}

int tarball_add_dir(struct tarball *t, const char *path, struct error *err)
{
	char buf[4200];

	snprintf(buf, sizeof(buf), "%s/", path);
	return header(t, buf, '5', 0, err);
}

int tarball_add_file(struct tarball *t, const char *path, const void *data, size_t len,
		     struct error *err)
{
	if (header(t, path, '0', len, err) < 0 || put(t, data, len, err) < 0 ||
	    pad(t, len, err) < 0)
		return -1;
	return 0;
}

int tarball_close(struct tarball *t, struct error *err)
{
	static const char zeros[2 * BLOCK];
	int ret = put(t, zeros, sizeof(zeros), err);

	if (ret == 0)
		ret = deflate_some(t, NULL, 0, Z_FINISH, err);
	if (ret == 0 && fsync(t->fd) < 0 && errno != EINVAL && errno != EROFS)
		ret = error_set(err, EXIT_OUTPUT, "cannot write archive: %s", strerror(errno));
	if (close(t->fd) < 0 && ret == 0)
		ret = error_set(err, EXIT_OUTPUT, "cannot write archive: %s", strerror(errno));
	t->fd = -1;
	deflateEnd(t->z);
	free(t->z);
	t->z = NULL;
	return ret;
}

void tarball_abort(struct tarball *t)
{
	if (t->z) {
		deflateEnd(t->z);
		free(t->z);
		close(t->fd);
	}
	t->z = NULL;
	t->fd = -1;
}
