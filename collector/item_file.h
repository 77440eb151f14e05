/* item_file.h - read one file, link or directory listing for the bundle.
 *
 * item_file_read() opens and reads in a child process with a deadline (child.h): a sysfs or
 * /proc read that wedges, or a FIFO nobody writes, ends as status "timeout" after timeout_ms.
 * The open uses O_NOFOLLOW: a symlink in the last component is recorded as skipped, not
 * followed. With ITEM_F_TAIL only the last cap bytes of a regular file are kept. Results go
 * into r (item_result_init'ed by the caller with a max of at least cap).
 */
#pragma once

#include <stddef.h>

#include "plan.h"

void item_file_read(const char *path, size_t cap, long timeout_ms, unsigned flags,
		    struct item_result *r);

/* One file of a batch: where, how much, how long, and where the result goes. */
struct item_file_req {
	const char *path;
	size_t cap;
	long timeout_ms; /* from the moment the child starts on this file */
	unsigned flags;
	struct item_result *r;
};

/* Reads n files in order through one child (a fork per file is most of the cost of a sysfs
 * walk). A file whose read blocks past its timeout_ms ends as "timeout"; the child is killed
 * and a new one carries on with the next file, so a wedged file still costs only itself.
 * Files not started by end_ms (monotonic, child_now_ms()) are skipped. */
void item_file_read_batch(const struct item_file_req *reqs, size_t n, long end_ms);
/* Stores the target of the symlink at path, followed by '\n'. */
void item_file_link(const char *path, struct item_result *r);
/* Stores the entry names of directory path, one per line, listed in a child that is killed
 * after timeout_ms ("timeout"). */
void item_file_dirlist(const char *path, long timeout_ms, struct item_result *r);
/* Reads the kernel ring buffer from kmsg (the path of /dev/kmsg) without blocking and stores
 * it in dmesg's format "[    4.088924] message". */
void item_file_kmsg(const char *path, size_t cap, struct item_result *r);
/* Formats kmsg records ("6,339,4088924,-;message", continuation lines starting with ' ')
 * as dmesg does. Pure; used by item_file_kmsg and its tests. */
void item_file_format_kmsg(struct str records, struct sbuf *out);
