/* item_sysfs.c - sorted directory listings, readlink, and who holds /dev/vfio: the
 * name-only reads of the collector. */
#include "item_sysfs.h"

#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "child.h"
#include "common/banned.h"
#include "common/limits.h"
#include "common/xalloc.h"

void strlist_free(struct strlist *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	VEC_FREE(l);
}

void strlist_push(struct strlist *l, const char *s)
{
	*VEC_PUSH(l) = xstrdup(s);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int dir_list(const char *dir, struct strlist *out, size_t max)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t first = out->n;

	if (!d)
		return -1;
	while ((e = readdir(d)) != NULL && out->n - first < max) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		strlist_push(out, e->d_name);
	}
	closedir(d);
	if (out->n - first > 1)
		qsort(out->v + first, out->n - first, sizeof(char *), cmp_str);
	return 0;
}

struct list_job {
	const char *dir;
	size_t max;
};

/* Runs in the child: the errno of opendir (0 when it opened), then each name and a NUL. */
static int list_child(void *arg, int fd)
{
	const struct list_job *job = arg;
	struct strlist names = { 0 };
	int32_t e = dir_list(job->dir, &names, job->max) < 0 ? errno : 0;
	struct sbuf sb;

	sbuf_init(&sb, SIZE_MAX / 2);
	sbuf_add(&sb, &e, sizeof(e));
	for (size_t i = 0; i < names.n; i++)
		sbuf_add(&sb, names.v[i], strlen(names.v[i]) + 1);
	child_write_all(fd, sb.buf, sb.len); /* a reader gone is its timeout */
	return 0;
}

/* Reads a child's pipe into sb until EOF or the deadline (child_now_ms() time); true when the
 * deadline came first. */
static bool read_until(int fd, long deadline, struct sbuf *sb)
{
	char buf[65536];

	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		long left = deadline - child_now_ms();
		ssize_t n;
		int r;

		if (left <= 0)
			return true;
		r = poll(&p, 1, (int)left);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			continue;
		n = read(fd, buf, sizeof(buf));
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n <= 0)
			return false;
		sbuf_add(sb, buf, (size_t)n);
	}
}

int dir_list_bounded(const char *dir, struct strlist *out, size_t max, long timeout_ms)
{
	struct list_job job = { .dir = dir, .max = max };
	long deadline = child_now_ms() + timeout_ms;
	struct sbuf sb;
	bool timed_out = false;
	int32_t e;
	int fd;
	pid_t pid;

	if (timeout_ms <= 0) {
		errno = ETIMEDOUT;
		return -1;
	}
	pid = child_spawn_fn(list_child, &job, &fd);
	if (pid < 0)
		return -1;
	sbuf_init(&sb, sizeof(e) + max * 257);
	timed_out = read_until(fd, deadline, &sb);
	close(fd);
	child_stop(pid, timed_out);
	if (timed_out || sb.len < sizeof(e)) {
		sbuf_release(&sb);
		errno = timed_out ? ETIMEDOUT : EIO;
		return -1;
	}
	memcpy(&e, sb.buf, sizeof(e));
	if (e) {
		sbuf_release(&sb);
		errno = e;
		return -1;
	}
	for (size_t off = sizeof(e); off < sb.len;) {
		const char *name = sb.buf + off;
		size_t len = strnlen(name, sb.len - off);

		if (off + len >= sb.len)
			break; /* no NUL: cut short, drop the partial name */
		strlist_push(out, name);
		off += len + 1;
	}
	sbuf_release(&sb);
	return 0;
}

char *link_target(const char *path)
{
	char buf[4096];
	ssize_t n = readlink(path, buf, sizeof(buf) - 1);

	if (n < 0)
		return NULL;
	buf[n] = '\0';
	return xstrdup(buf);
}

static bool all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

static char *read_comm(const char *root, const char *pid)
{
	char path[4200], buf[64];
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "%s/proc/%s/comm", root, pid);
	f = fopen(path, "re");
	if (!f)
		return xstrdup("?");
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	for (char *p = buf; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == ' ')
			*p = '_';
	return xstrdup(buf);
}

/* Adds every (entry, pid) pair where one of pid's fds points at root's /dev/vfio/<entry>. */
static void scan_pid(const char *root, const char *pid, const struct strlist *entries,
		     struct holders *h)
{
	char dir[4200];
	struct strlist fds = { 0 };

	snprintf(dir, sizeof(dir), "%s/proc/%s/fd", root, pid);
	if (dir_list(dir, &fds, COLLECT_MAX_FDS_PER_PROC) < 0) {
		if (errno == EACCES || errno == EPERM)
			h->complete = false;
		return;
	}
	for (size_t i = 0; i < fds.n; i++) {
		char path[4400];
		char *t;

		snprintf(path, sizeof(path), "%s/%s", dir, fds.v[i]);
		t = link_target(path);
		if (!t)
			continue;
		if (strncmp(t, "/dev/vfio/", 10) == 0) {
			for (size_t j = 0; j < entries->n; j++) {
				struct vfio_holder *v;
				bool dup = false;
				const char *entry = entries->v[j];

				/* /dev/vfio/devices/vfioN: an iommufd device cdev (kernel 6.6+,
				 * QEMU 8.2+), held per device, not per group */
				if (strcmp(entry, "devices") == 0 &&
				    strncmp(t + 10, "devices/vfio", 12) == 0 && all_digits(t + 22))
					entry = t + 10;
				else if (strcmp(t + 10, entry) != 0)
					continue;
				for (size_t k = 0; k < h->v.n; k++)
					dup = dup || (strcmp(h->v.v[k].entry, entry) == 0 &&
						      h->v.v[k].pid == (int)strtol(pid, NULL, 10));
				if (dup)
					continue;
				v = VEC_PUSH(&h->v);
				v->entry = xstrdup(entry);
				v->pid = (int)strtol(pid, NULL, 10);
				v->comm = read_comm(root, pid);
			}
		}
		free(t);
	}
	strlist_free(&fds);
}

void holders_scan(const char *root, struct holders *h)
{
	char dir[4200];
	struct strlist entries = { 0 }, procs = { 0 };

	memset(h, 0, sizeof(*h));
	h->complete = true;
	snprintf(dir, sizeof(dir), "%s/dev/vfio", root);
	if (dir_list(dir, &entries, COLLECT_MAX_GLOB) < 0)
		return;
	h->have_dev_vfio = true;
	snprintf(dir, sizeof(dir), "%s/proc", root);
	if (entries.n && dir_list(dir, &procs, COLLECT_MAX_PROCS) == 0) {
		for (size_t i = 0; i < procs.n; i++)
			if (all_digits(procs.v[i]))
				scan_pid(root, procs.v[i], &entries, h);
	}
	for (size_t j = 0; j < entries.n; j++) {
		bool held = false;

		for (size_t k = 0; k < h->v.n; k++)
			held = held || strcmp(h->v.v[k].entry, entries.v[j]) == 0;
		if (!held) {
			struct vfio_holder *v = VEC_PUSH(&h->v);

			v->entry = xstrdup(entries.v[j]);
		}
	}
	strlist_free(&entries);
	strlist_free(&procs);
}

/* Runs in the child: the scan, as "flags have_dev_vfio complete" then "entry pid comm" lines. */
static int holders_child(void *arg, int fd)
{
	struct holders h;
	struct sbuf sb;

	holders_scan(arg, &h);
	sbuf_init(&sb, (h.v.n + 1) * 600);
	sbuf_addf(&sb, "%d %d\n", h.have_dev_vfio, h.complete);
	for (size_t i = 0; i < h.v.n; i++)
		if (!strpbrk(h.v.v[i].entry, " \n"))
			sbuf_addf(&sb, "%s %d %s\n", h.v.v[i].entry, h.v.v[i].pid,
				  h.v.v[i].comm ? h.v.v[i].comm : "-");
	child_write_all(fd, sb.buf, sb.len); /* a reader gone is its timeout */
	return 0;
}

void holders_scan_bounded(const char *root, struct holders *h, long timeout_ms)
{
	long deadline = child_now_ms() + timeout_ms;
	struct sbuf sb;
	struct str in, line, w;
	bool timed_out = false;
	int fd;
	pid_t pid;

	memset(h, 0, sizeof(*h));
	pid = timeout_ms > 0 ? child_spawn_fn(holders_child, (void *)root, &fd) : -1;
	if (pid < 0) {
		h->timed_out = true; /* not known: everything counts as possibly held */
		h->have_dev_vfio = true;
		return;
	}
	sbuf_init(&sb, (size_t)64 << 20);
	timed_out = read_until(fd, deadline, &sb);
	close(fd);
	child_stop(pid, timed_out);
	in = sbuf_view(&sb);
	if (timed_out || !str_next_line(&in, &line) || line.len != 3) {
		h->timed_out = true;
		h->have_dev_vfio = true;
		sbuf_release(&sb);
		return;
	}
	h->have_dev_vfio = line.ptr[0] == '1';
	h->complete = line.ptr[2] == '1';
	while (str_next_line(&in, &line)) {
		struct vfio_holder *v;
		struct str entry, pid_s;

		if (!str_next_word(&line, &entry) || !str_next_word(&line, &pid_s) ||
		    !str_next_word(&line, &w))
			continue;
		v = VEC_PUSH(&h->v);
		v->entry = str_dup(entry);
		v->pid = (int)strtol(pid_s.ptr, NULL, 10);
		v->comm = v->pid ? str_dup(w) : NULL;
	}
	sbuf_release(&sb);
}

void holders_release(struct holders *h)
{
	for (size_t i = 0; i < h->v.n; i++) {
		free(h->v.v[i].entry);
		free(h->v.v[i].comm);
	}
	VEC_FREE(&h->v);
}

static int cmp_holder(const void *a, const void *b)
{
	const struct vfio_holder *x = a, *y = b;
	int c = strcmp(x->entry, y->entry);

	return c ? c : (x->pid > y->pid) - (x->pid < y->pid);
}

void holders_format(const struct holders *h, struct sbuf *out)
{
	if (h->v.n > 1)
		qsort(h->v.v, h->v.n, sizeof(h->v.v[0]), cmp_holder);
	if (h->timed_out) {
		sbuf_addstr(out, "# the scan of /proc did not finish in time: holders unknown\n");
		return;
	}
	if (!h->have_dev_vfio) {
		sbuf_addstr(out, "# /dev/vfio does not exist (vfio not loaded)\n");
		return;
	}
	if (!h->complete)
		sbuf_addstr(out, "# not root: processes of other users were not looked at\n");
	for (size_t i = 0; i < h->v.n; i++) {
		const struct vfio_holder *v = &h->v.v[i];

		if (v->pid)
			sbuf_addf(out, "/dev/vfio/%s pid=%d comm=%s\n", v->entry, v->pid, v->comm);
		else
			sbuf_addf(out, "/dev/vfio/%s free\n", v->entry);
	}
}

const struct vfio_holder *holders_find(const struct holders *h, const char *group)
{
	for (size_t i = 0; i < h->v.n; i++)
		if (h->v.v[i].pid && strcmp(h->v.v[i].entry, group) == 0)
			return &h->v.v[i];
	return NULL;
}
