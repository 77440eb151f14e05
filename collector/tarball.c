/* tarball.c - a minimal ustar writer over zlib's gzip stream (POSIX.1-1988 ustar headers, a
 * pax extended header for long names). GNU tar, bsdtar and libarchive read what it writes. */
#include "tarball.h"

#include <errno.h>
#include <stdio.h>
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

int tarball_open(struct tarball *t, int fd, int level, time_t mtime, struct error *err)
{
	char mode[8];

	memset(t, 0, sizeof(*t));
	snprintf(mode, sizeof(mode), "wb%d", level < 1 || level > 9 ? 6 : level);
	t->gz = gzdopen(fd, mode);
	if (!t->gz) {
		close(fd);
		return error_set(err, EXIT_OUTPUT, "cannot start gzip stream: %s", strerror(errno));
	}
	t->mtime = mtime;
	return 0;
}

static int put(struct tarball *t, const void *data, size_t len, struct error *err)
{
	const char *p = data;

	while (!t->failed && len > 0) {
		unsigned chunk = len > (1u << 30) ? (1u << 30) : (unsigned)len;
		int w = gzwrite((gzFile)t->gz, p, chunk);
		int zerr;

		if (w <= 0) {
			const char *msg = gzerror((gzFile)t->gz, &zerr);

			t->failed = 1;
			return error_set(err, EXIT_OUTPUT, "cannot write archive: %s",
					 zerr == Z_ERRNO ? strerror(errno) : msg);
		}
		p += w;
		len -= (size_t)w;
		t->bytes_in += (uint64_t)w;
	}
	return t->failed ? error_set(err, EXIT_OUTPUT, "cannot write archive") : 0;
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
	int z = gzclose((gzFile)t->gz);

	t->gz = NULL;
	if (ret < 0)
		return -1;
	if (z != Z_OK)
		return error_set(err, EXIT_OUTPUT, "cannot finish archive: %s",
				 z == Z_ERRNO ? strerror(errno) : "zlib error");
	return 0;
}

void tarball_abort(struct tarball *t)
{
	if (t->gz)
		gzclose((gzFile)t->gz);
	t->gz = NULL;
}
