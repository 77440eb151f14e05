/* dir.c - walk a directory in the bundle layout without following links: openat with
 * O_NOFOLLOW at every level, entries sorted by name for a stable input order, depth and entry
 * counts capped. Regular files are read whole (capped) and handed to the sink. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/limits.h"
#include "common/vec.h"
#include "common/xalloc.h"
#include "input/reader.h"

struct walk {
	const char *root;
	const struct file_sink *sink;
	uint64_t entries;
	char *buf;
	size_t cap;
};

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void warn_entry(struct walk *w, const char *rel, const char *msg)
{
	w->sink->warn(w->sink->ctx, rel, msg);
}

static int read_fd(struct walk *w, int fd, const char *rel, size_t *len, struct error *err)
{
	size_t n = 0;

	for (;;) {
		ssize_t got;

		w->buf = xgrow(w->buf, &w->cap, n + 65536 + 1, 1);
		got = read(fd, w->buf + n, 65536);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			return error_set(err, EXIT_INPUT, "cannot read '%s/%s': %s", w->root, rel,
					 strerror(errno));
		if (got == 0)
			break;
		n += (size_t)got;
		if (n > MAX_ENTRY_BYTES)
			return error_set(err, EXIT_LIMIT,
					 "'%s/%s' is larger than %u bytes, refusing", w->root, rel,
					 MAX_ENTRY_BYTES);
		if (*w->sink->total_bytes + n > MAX_TOTAL_BYTES)
			return error_set(err, EXIT_LIMIT,
					 "'%s': inputs hold more than %u bytes in all, refusing",
					 w->root, MAX_TOTAL_BYTES);
	}
	w->buf[n] = '\0';
	*len = n;
	return 0;
}

static int visit_file(struct walk *w, int dirfd, const char *name, const char *rel,
		      struct error *err)
{
	char path[MAX_PATH_BYTES + 1];
	const char *why = NULL;
	struct stat st;
	size_t len = 0;
	int fd, ret;

	if (!bundle_path_clean(rel, path, sizeof(path), &why)) {
		char msg[128];

		snprintf(msg, sizeof(msg), "%s, skipping", why);
		warn_entry(w, rel, msg);
		return 0;
	}
	fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		char msg[160];

		snprintf(msg, sizeof(msg), "cannot open: %s, skipping", strerror(errno));
		warn_entry(w, path, msg);
		return 0;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		warn_entry(w, path, "not a regular file, skipping");
		return 0;
	}
	ret = read_fd(w, fd, rel, &len, err);
	close(fd);
	if (ret < 0)
		return -1;
	*w->sink->total_bytes += len;
	return w->sink->file(w->sink->ctx, path, str_from_mem(w->buf, len), err);
}

static int walk_dir(struct walk *w, int fd, const char *rel, int depth, struct error *err);

/* Files at the top of a regression case (samples/<case>/, docs/samples.md) describe the case;
 * they are not evidence about the host, so a directory input never reads them. */
static bool is_case_metadata(const char *name)
{
	static const char *const names[] = { "expected.json", "SOURCES.md", "README.md" };

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(name, names[i]) == 0)
			return true;
	return false;
}

static int visit(struct walk *w, int dirfd, const char *name, const char *rel, int depth,
		 struct error *err)
{
	struct stat st;

	if (++w->entries > MAX_ENTRIES)
		return error_set(err, EXIT_LIMIT, "'%s': more than %d entries, refusing", w->root,
				 MAX_ENTRIES);
	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
		warn_entry(w, rel, "cannot stat, skipping");
		return 0;
	}
	if (S_ISREG(st.st_mode))
		return visit_file(w, dirfd, name, rel, err);
	if (S_ISDIR(st.st_mode)) {
		int sub;

		if (depth + 1 > MAX_DIR_DEPTH) {
			warn_entry(w, rel, "directory nested too deep, skipping");
			return 0;
		}
		sub = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (sub < 0) {
			warn_entry(w, rel, "cannot open directory, skipping");
			return 0;
		}
		return walk_dir(w, sub, rel, depth + 1, err);
	}
	warn_entry(w, rel,
		   S_ISLNK(st.st_mode)	  ? "symbolic link, skipping"
		   : S_ISFIFO(st.st_mode) ? "FIFO, skipping"
		   : S_ISSOCK(st.st_mode) ? "socket, skipping"
					  : "device, skipping");
	return 0;
}

/* Takes ownership of fd. */
static int walk_dir(struct walk *w, int fd, const char *rel, int depth, struct error *err)
{
	DIR *d = fdopendir(fd);
	VEC(char *) names = { 0 };
	struct dirent *e;
	int ret = 0;

	if (!d) {
		close(fd);
		return error_set(err, EXIT_INPUT, "cannot read directory '%s/%s': %s", w->root, rel,
				 strerror(errno));
	}
	while ((e = readdir(d))) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (depth == 0 && is_case_metadata(e->d_name))
			continue;
		if (names.n >= MAX_ENTRIES) {
			ret = error_set(err, EXIT_LIMIT, "'%s': more than %d entries, refusing",
					w->root, MAX_ENTRIES);
			goto out;
		}
		*VEC_PUSH(&names) = xstrdup(e->d_name);
	}
	/* an empty directory leaves names.v NULL, which qsort must not get (UBSan stops there:
	 * tests/hostile/dir_hostile.sh, empty_subdir) */
	if (names.n > 1)
		qsort(names.v, names.n, sizeof(names.v[0]), cmp_names);
	for (size_t i = 0; i < names.n && ret == 0; i++) {
		char child[MAX_PATH_BYTES * 2];

		if (snprintf(child, sizeof(child), "%s%s%s", rel, *rel ? "/" : "", names.v[i]) >=
		    (int)sizeof(child)) {
			warn_entry(w, rel, "path too long, skipping");
			continue;
		}
		ret = visit(w, dirfd(d), names.v[i], child, depth, err);
	}
out:
	for (size_t i = 0; i < names.n; i++)
		free(names.v[i]);
	VEC_FREE(&names);
	closedir(d);
	return ret;
}

int dir_read(const char *dir, const struct file_sink *sink, struct error *err)
{
	struct walk w = { .root = dir, .sink = sink };
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int ret;

	if (fd < 0)
		return error_set(err, EXIT_INPUT, "cannot open directory '%s': %s", dir,
				 strerror(errno));
	ret = walk_dir(&w, fd, "", 0, err);
	free(w.buf);
	return ret;
}
