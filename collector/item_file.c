/* item_file.c - files, links and directory listings, each bounded; file contents are read by
 * a child with a deadline so that a wedged read costs one item. */
#include "item_file.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
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

/* The child streams records to the parent: a 16-byte header, then len bytes for DATA. */
enum rec_type { REC_START = 1, REC_OPEN_ERR, REC_DATA, REC_END };

struct rec {
	uint32_t type;
	uint32_t index;
	int32_t value; /* REC_OPEN_ERR: errno; REC_END: errno of a failed read, or 0 */
	uint32_t len;  /* REC_DATA: bytes that follow; REC_END: END_* flags */
};

#define END_TAILED    1u
#define END_TRUNCATED 2u

struct batch_job {
	const struct item_file_req *reqs;
	size_t n;
	size_t from;
};

static int put_rec(int out, uint32_t type, size_t i, int32_t value, uint32_t len)
{
	struct rec r = { .type = type, .index = (uint32_t)i, .value = value, .len = len };

	return child_write_all(out, &r, sizeof(r));
}

/* Reads one file into out as DATA records, at most cap bytes; returns END flags, and the errno
 * of a failed read in *read_errno. */
static uint32_t read_one(int out, size_t i, const struct item_file_req *q, int fd, int *read_errno)
{
	static char buf[65536];
	struct stat st;
	size_t total = 0;
	uint32_t flags = 0;

	*read_errno = 0;
	if ((q->flags & ITEM_F_TAIL) && fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
	    (uint64_t)st.st_size > q->cap && lseek(fd, st.st_size - (off_t)q->cap, SEEK_SET) >= 0)
		flags |= END_TAILED;
	for (;;) {
		size_t want = total < q->cap ? q->cap - total : 1;
		ssize_t n = read(fd, buf, want < sizeof(buf) ? want : sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			*read_errno = errno;
			break;
		}
		if (n == 0)
			break;
		if (total >= q->cap) {
			flags |= END_TRUNCATED; /* one byte past the cap exists */
			break;
		}
		if (put_rec(out, REC_DATA, i, 0, (uint32_t)n) < 0 ||
		    child_write_all(out, buf, (size_t)n) < 0)
			_exit(0); /* the parent is gone or killed us on purpose */
		total += (size_t)n;
	}
	return flags;
}

/* Runs in the child: every request from job->from on, in order. */
static int batch_child(void *arg, int out)
{
	const struct batch_job *job = arg;

	for (size_t i = job->from; i < job->n; i++) {
		const struct item_file_req *q = &job->reqs[i];
		struct stat st;
		int fd, rerr;
		uint32_t flags;

		if (put_rec(out, REC_START, i, 0, 0) < 0)
			return 0;
		fd = open(q->path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);
		if (fd >= 0 && fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
			close(fd);
			fd = -1;
			errno = EISDIR;
		}
		if (fd < 0) {
			if (put_rec(out, REC_OPEN_ERR, i, errno, 0) < 0)
				return 0;
			continue;
		}
		flags = read_one(out, i, q, fd, &rerr);
		close(fd);
		if (put_rec(out, REC_END, i, rerr, flags) < 0)
			return 0;
	}
	return 0;
}

static void open_failed(const struct item_file_req *q, int err)
{
	if (err == ELOOP) {
		char *t = link_target(q->path);

		item_result_set(q->r, STATUS_SKIPPED, "symbolic link to '%s', not followed",
				t ? t : "?");
		free(t);
		return;
	}
	item_result_errno(q->r, err, "open");
}

static void ended(const struct item_file_req *q, int rerr, uint32_t flags)
{
	struct item_result *r = q->r;

	if (flags & END_TRUNCATED)
		item_result_set(r, STATUS_TRUNCATED, "capped at %zu bytes", q->cap);
	else if (flags & END_TAILED)
		item_result_set(r, STATUS_TRUNCATED, "last %zu bytes kept", q->cap);
	else if (rerr && r->data.len == 0)
		item_result_errno(r, rerr, "read");
	else if (rerr)
		item_result_set(r, STATUS_TRUNCATED, "read failed after %zu bytes: %s", r->data.len,
				strerror(rerr));
}

static void timed_out(const struct item_file_req *q, long ms)
{
	if (q->r->data.len == 0)
		item_result_set(q->r, STATUS_TIMEOUT, "no answer within %ld ms (read blocked)", ms);
	else
		item_result_set(q->r, STATUS_TIMEOUT,
				"read blocked after %zu bytes; stopped at %ld ms", q->r->data.len,
				ms);
}

/* Parses the records of one child. Returns the index to restart from (n when done). */
static size_t drain(const struct item_file_req *reqs, size_t n, size_t from, int fd, long end_ms,
		    bool *killed)
{
	static char buf[65536 + sizeof(struct rec)];
	size_t have = 0, cur = (size_t)-1, next = from;
	long cur_start = child_now_ms(), cur_limit = reqs[from].timeout_ms;
	struct rec h;
	bool in_data = false, heard = false;
	size_t data_left = 0;

	*killed = false;
	for (;;) {
		long now = child_now_ms();
		long limit = cur_start + cur_limit;
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ssize_t got;
		size_t off = 0;
		int r;

		if (limit > end_ms)
			limit = end_ms;
		if (now >= limit) {
			size_t i = cur != (size_t)-1 ? cur : next;

			if (i < n)
				timed_out(&reqs[i], now - cur_start);
			*killed = true;
			return i + 1;
		}
		r = poll(&p, 1, (int)(limit - now));
		if (r < 0 && errno == EINTR)
			continue;
		if (r == 0)
			continue;
		got = read(fd, buf + have, sizeof(buf) - have);
		if (got < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (got <= 0) {
			/* the child is gone: a request it started and did not end failed */
			size_t i = cur != (size_t)-1 ? cur : next;

			if (cur != (size_t)-1 || (!heard && i < n)) {
				item_result_set(reqs[i].r, STATUS_ERROR, "reader died");
				return i + 1;
			}
			return next;
		}
		heard = true;
		have += (size_t)got;
		for (;;) {
			if (in_data) {
				size_t take = have - off < data_left ? have - off : data_left;

				if (cur < n) {
					struct item_result *res = reqs[cur].r;
					size_t room = reqs[cur].cap > res->data.len
							      ? reqs[cur].cap - res->data.len
							      : 0;

					sbuf_add(&res->data, buf + off, take < room ? take : room);
				}
				off += take;
				data_left -= take;
				if (data_left > 0)
					break;
				in_data = false;
				continue;
			}
			if (have - off < sizeof(h))
				break;
			memcpy(&h, buf + off, sizeof(h));
			off += sizeof(h);
			if (h.index >= n)
				return n; /* cannot happen: the child only names our indexes */
			switch (h.type) {
			case REC_START:
				cur = h.index;
				cur_start = child_now_ms();
				cur_limit = reqs[cur].timeout_ms;
				break;
			case REC_OPEN_ERR:
				open_failed(&reqs[h.index], h.value);
				reqs[h.index].r->duration_ms = child_now_ms() - cur_start;
				cur = (size_t)-1;
				next = h.index + 1;
				cur_start = child_now_ms();
				cur_limit = next < n ? reqs[next].timeout_ms : 1000;
				break;
			case REC_DATA:
				in_data = true;
				data_left = h.len;
				break;
			case REC_END:
				ended(&reqs[h.index], h.value, h.len);
				reqs[h.index].r->duration_ms = child_now_ms() - cur_start;
				cur = (size_t)-1;
				next = h.index + 1;
				cur_start = child_now_ms();
				cur_limit = next < n ? reqs[next].timeout_ms : 1000;
				break;
			default:
				return n;
			}
		}
		memmove(buf, buf + off, have - off);
		have -= off;
		if (next >= n && cur == (size_t)-1)
			return n;
	}
}

void item_file_read_batch(const struct item_file_req *reqs, size_t n, long end_ms)
{
	size_t from = 0;

	while (from < n) {
		struct batch_job job = { .reqs = reqs, .n = n, .from = from };
		bool killed;
		int fd;
		pid_t pid;

		if (child_now_ms() >= end_ms) {
			for (; from < n; from++)
				item_result_set(reqs[from].r, STATUS_SKIPPED,
						"global deadline reached");
			return;
		}
		pid = child_spawn_fn(batch_child, &job, &fd);
		if (pid < 0) {
			item_result_set(reqs[from].r, STATUS_ERROR, "cannot start a reader: %s",
					strerror(errno));
			from++;
			continue;
		}
		from = drain(reqs, n, from, fd, end_ms, &killed);
		close(fd);
		child_stop(pid, killed);
	}
}

void item_file_read(const char *path, size_t cap, long timeout_ms, unsigned flags,
		    struct item_result *r)
{
	struct item_file_req q = {
		.path = path, .cap = cap, .timeout_ms = timeout_ms, .flags = flags, .r = r
	};

	item_file_read_batch(&q, 1, child_now_ms() + timeout_ms);
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

void item_file_dirlist(const char *path, long timeout_ms, struct item_result *r)
{
	struct strlist names = { 0 };

	if (dir_list_bounded(path, &names, MAX_ENTRIES, timeout_ms) < 0) {
		if (errno == ETIMEDOUT)
			item_result_set(r, STATUS_TIMEOUT,
					"no answer within %ld ms (readdir blocked)", timeout_ms);
		else
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
	if (sbuf_failed(&raw) || sbuf_failed(&r->data))
		item_result_set(r, STATUS_TRUNCATED, "capped at %zu bytes", cap);
	sbuf_release(&raw);
}
