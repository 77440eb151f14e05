/* item_sysfs.h - directory listings, link targets and the /dev/vfio holder scan: the reads
 * that see only names, never file contents.
 *
 * A listing can still block: opendir/getdents on a FUSE filesystem whose daemon is wedged
 * (Proxmox's /etc/pve is pmxcfs) sleeps in the kernel for ever. dir_list() runs in the
 * calling process and is only for use inside a child (or on trees that cannot hang);
 * the main process lists through dir_list_bounded(), which does it in a child with a deadline.
 *
 * struct strlist owns its strings. Listings are sorted (byte order) and capped, and skip "."
 * and "..".
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "common/sbuf.h"
#include "common/vec.h"

struct strlist {
	char **v;
	size_t n, cap;
};

void strlist_free(struct strlist *l);
void strlist_push(struct strlist *l, const char *s); /* copies s */

/* Lists dir into out (appending, at most max names). Returns 0, or -1 with errno set. */
int dir_list(const char *dir, struct strlist *out, size_t max);

/* dir_list() in a child process (child.h) that is killed after timeout_ms: -1 with errno
 * ETIMEDOUT when it did not answer in time (also when timeout_ms <= 0, without trying), or with
 * the errno of opendir. A child stuck in the kernel is left behind, not waited for. */
int dir_list_bounded(const char *dir, struct strlist *out, size_t max, long timeout_ms);

/* The target of the symlink at path (yours, free()), or NULL with errno set. */
char *link_target(const char *path);

struct vfio_holder {
	char *entry; /* name under /dev/vfio: "14", "vfio", "devices", "devices/vfio3" ... */
	int pid;     /* 0: nobody holds it */
	char *comm;  /* the holder's /proc/<pid>/comm, or NULL */
};

struct holders {
	VEC(struct vfio_holder) v; /* one per (entry, holder) pair; entries nobody holds once */
	bool have_dev_vfio;	   /* /dev/vfio exists */
	bool complete;		   /* every process's fds could be read (root) */
	bool timed_out;		   /* holders_scan_bounded gave up: nothing is known */
};

/* Lists root/dev/vfio and finds every process (root/proc/<pid>/fd/<n>) whose fd points at an
 * entry of it, or at an iommufd device /dev/vfio/devices/vfioN (entry "devices/vfioN"). root is the
 * sysroot ("" for the live system). */
void holders_scan(const char *root, struct holders *h);
/* holders_scan() in a child killed after timeout_ms. When it does not finish, h says
 * have_dev_vfio, not complete and timed_out, so that every group counts as possibly held. */
void holders_scan_bounded(const char *root, struct holders *h, long timeout_ms);
void holders_release(struct holders *h);
/* One line per entry: "/dev/vfio/14 pid=1234 comm=kvm" or "/dev/vfio/14 free". */
void holders_format(const struct holders *h, struct sbuf *out);
/* The first process holding /dev/vfio/<group> (or "devices/vfioN"), or NULL. */
const struct vfio_holder *holders_find(const struct holders *h, const char *group);
