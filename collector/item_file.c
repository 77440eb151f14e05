/* item_file.c - files, links and directory listings, each bounded; file contents are read by
 * a child with a deadline so that a wedged read costs one item. */
#include "item_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "child.h"
#include "common/banned.h"
#include "common/limits.h"
#include "item_sysfs.h"

struct read_job {
	const char *path;
	size_t cap;
	unsigned flags;
};

/* What the child writes first: how the open went, and whether it skipped to the tail. */
struct read_header {
	int32_t open_errno;
	int32_t tailed;
};

static int write_all(int fd, const void *p, size_t n)
{
	const char *c = p;

	while (n > 0) {
		ssize_t w = write(fd, c, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		c += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Runs in the child: exit status 0, or the errno of a failed read. */
static int read_child(void *arg, int out)
{
	const struct read_job *job = arg;
	struct read_header h = { 0, 0 };
	char buf[65536];
	struct stat st;
	int fd = open(job->path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);

	if (fd < 0) {
		h.open_errno = errno;
		write_all(out, &h, sizeof(h));
		return 0;
	}
	if ((job->flags & ITEM_F_TAIL) && fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
	    (uint64_t)st.st_size > job->cap) {
		if (lseek(fd, st.st_size - (off_t)job->cap, SEEK_SET) >= 0)
			h.tailed = 1;
	}
	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		h.open_errno = EISDIR;
		write_all(out, &h, sizeof(h));
		return 0;
	}
	if (write_all(out, &h, sizeof(h)) < 0)
		return EPIPE;
	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno & 0xff;
		if (n == 0)
			break;
		if (write_all(out, buf, (size_t)n) < 0)
			return 0; /* the parent has what it wants */
	}
	close(fd);
	return 0;
}

void item_file_read(const char *path, size_t cap, long timeout_ms, unsigned flags,
		    struct item_result *r)
{
	struct read_job job = { .path = path, .cap = cap, .flags = flags };
	struct child_out co;
	struct read_header h;

	child_out_init(&co);
	if (child_run_fn(read_child, &job, cap + sizeof(h), timeout_ms, &co) < 0) {
		item_result_set(r, STATUS_ERROR, "cannot start a reader: %s", strerror(errno));
		goto out;
	}
	r->duration_ms = co.duration_ms;
	if (co.out.len < sizeof(h)) {
		if (co.timed_out)
			item_result_set(r, STATUS_TIMEOUT, "no answer within %ld ms (open blocked)",
					timeout_ms);
		else
			item_result_set(r, STATUS_ERROR, "reader failed (exit %d, signal %d)",
					co.exit_code, co.term_signal);
		goto out;
	}
	memcpy(&h, co.out.buf, sizeof(h));
	if (h.open_errno == ELOOP) {
		char *t = link_target(path);

		item_result_set(r, STATUS_SKIPPED, "symbolic link to '%s', not followed",
				t ? t : "?");
		free(t);
		goto out;
	}
	if (h.open_errno) {
		item_result_errno(r, h.open_errno, "open");
		goto out;
	}
	sbuf_add(&r->data, co.out.buf + sizeof(h), co.out.len - sizeof(h));
	if (co.timed_out)
		item_result_set(r, STATUS_TIMEOUT,
				"read blocked after %zu bytes; stopped at %ld ms", r->data.len,
				timeout_ms);
	else if (co.truncated)
		item_result_set(r, STATUS_TRUNCATED, "capped at %zu bytes", cap);
	else if (h.tailed)
		item_result_set(r, STATUS_TRUNCATED, "last %zu bytes kept", cap);
	else if (co.exit_code > 0 && r->data.len == 0)
		item_result_errno(r, co.exit_code, "read");
	else if (co.exit_code > 0)
		item_result_set(r, STATUS_TRUNCATED, "read failed after %zu bytes: %s", r->data.len,
				strerror(co.exit_code));
out:
	child_out_release(&co);
}

void item_file_link(const char *path, struct item_result *r)
{
	char *t = link_target(path);

	if (!t) {
		item_result_errno(r, errno == EINVAL ? ENOENT : errno, "readlink");
		return;
	}
	sbuf_addstr(&r->data, t);
	sbuf_addch(&r->data, '\n');
	free(t);
}

void item_file_dirlist(const char *path, struct item_result *r)
{
	struct strlist names = { 0 };

	if (dir_list(path, &names, MAX_ENTRIES) < 0) {
		item_result_errno(r, errno, "opendir");
		return;
	}
	for (size_t i = 0; i < names.n; i++) {
		sbuf_addstr(&r->data, names.v[i]);
		sbuf_addch(&r->data, '\n');
	}
	strlist_free(&names);
}

/* One record: "prio,seq,usec,flags[,...];text" then continuation lines " KEY=value". */
static void format_record(struct str line, struct sbuf *out)
{
	struct str head, field;
	uint64_t usec = 0;
	int k = 0;

	if (!str_take_until(&line, ';', &head)) {
		sbuf_add_str(out, line);
		sbuf_addch(out, '\n');
		return;
	}
	while (k < 3) {
		if (!str_take_until(&head, ',', &field)) {
			field = head;
			head = STR_NULL;
		}
		if (k == 2)
			str_to_u64(field, 10, 0, UINT64_MAX, &usec);
		k++;
	}
	sbuf_addf(out, "[%5llu.%06llu] ", (unsigned long long)(usec / 1000000),
		  (unsigned long long)(usec % 1000000));
	/* the kernel escapes non-printable bytes as \xNN already */
	sbuf_add_str(out, line);
	sbuf_addch(out, '\n');
}

void item_file_format_kmsg(struct str records, struct sbuf *out)
{
	struct str line;

	while (str_next_line(&records, &line)) {
		if (line.len && line.ptr[0] == ' ')
			continue; /* dictionary continuation: SUBSYSTEM=, DEVICE= */
		if (line.len == 0)
			continue;
		format_record(line, out);
	}
}

void item_file_kmsg(const char *path, size_t cap, struct item_result *r)
{
	struct sbuf raw;
	char buf[8192 + 1];
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY);
	struct stat st;

	if (fd < 0) {
		item_result_errno(r, errno, "open");
		return;
	}
	if (fstat(fd, &st) != 0 || S_ISFIFO(st.st_mode) || S_ISDIR(st.st_mode)) {
		close(fd);
		item_result_set(r, STATUS_SKIPPED, "not a kernel log device");
		return;
	}
	sbuf_init(&raw, cap);
	/* each read of /dev/kmsg returns one record; EAGAIN is the end, EPIPE a lost record */
	for (int guard = 0; guard < 10000000; guard++) {
		ssize_t n = read(fd, buf, sizeof(buf) - 1);

		if (n < 0 && (errno == EINTR || errno == EPIPE))
			continue;
		if (n <= 0)
			break;
		sbuf_add(&raw, buf, (size_t)n);
		if (S_ISCHR(st.st_mode) && buf[n - 1] != '\n')
			sbuf_addch(&raw, '\n');
		if (sbuf_failed(&raw))
			break;
	}
	close(fd);
	item_file_format_kmsg(sbuf_view(&raw), &r->data);
	if (sbuf_failed(&raw))
		item_result_set(r, STATUS_TRUNCATED, "capped at %zu bytes", cap);
	sbuf_release(&raw);
}
