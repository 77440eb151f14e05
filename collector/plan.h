/* plan.h - what collect reads: a table of plan entries (kind, source, bundle path, size cap,
 * time cap) expanded against the machine into a flat list of items.
 *
 * The table in plan.c is the single list of everything the bundle may contain; expanding it
 * reads only directory listings (never a file's contents), each in a child with a deadline
 * (dir_list_bounded), so a wedged filesystem (a hung FUSE /etc/pve) costs one listing: it
 * becomes an item recorded as "timeout" and the plan goes on. Items own their strings;
 * plan_release() frees them. Paths in items are logical
 * ("/proc/cmdline"); the runner prefixes the sysroot. ROM items are added after the PCI
 * items have run (plan_add_roms), because choosing them needs the devices' class codes and
 * the VM configs.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "common/sbuf.h"
#include "common/vec.h"

struct strlist;

enum item_kind {
	ITEM_FILE,    /* read a file in a child, capped */
	ITEM_CMD,     /* run a command (or replay its fixture under --sysroot) */
	ITEM_LINK,    /* a symlink's target, stored as a text file */
	ITEM_DIRLIST, /* a directory's entry names, one per line */
	ITEM_HOLDERS, /* /dev/vfio entries and the processes holding them */
	ITEM_KMSG,    /* /dev/kmsg read non-blocking, formatted like dmesg */
	ITEM_ROM,     /* a PCI option ROM through sysfs, enable bit toggled and restored */
};

enum item_status {
	STATUS_OK,
	STATUS_MISSING,
	STATUS_DENIED,
	STATUS_TIMEOUT,
	STATUS_TRUNCATED,
	STATUS_SKIPPED,
	STATUS_ERROR,
	STATUS_COUNT
};

/* item flags */
#define ITEM_F_BINARY (1u << 0) /* stored as read: no redaction */
#define ITEM_F_TAIL   (1u << 1) /* keep the last max_bytes, not the first */
#define ITEM_F_CONFIG (1u << 2) /* PCI config space: clear the Device Serial Number */
#define ITEM_F_CLASS  (1u << 3) /* a device's class file: remembered for choosing ROMs */
#define ITEM_F_VMCONF (1u << 4) /* a VM config (Proxmox or libvirt): scanned for hostpci */
/* text whose format says where the host name stands (redact_text_as) */
#define ITEM_F_UNAME	(1u << 5) /* `uname -a`: REDACT_FMT_UNAME */
#define ITEM_F_JOURNAL	(1u << 6) /* journalctl/syslog lines: REDACT_FMT_JOURNAL */
#define ITEM_F_QEMU_LOG (1u << 7) /* libvirt's per-VM log: REDACT_FMT_QEMU_LOG */

struct item {
	enum item_kind kind;
	char *source; /* logical path or command line; owned */
	char *path;   /* path inside the bundle (below the top directory); owned */
	size_t max_bytes;
	long max_ms;
	unsigned flags;
	const char *const *argv;      /* ITEM_CMD: static argv */
	const char *fixture;	      /* ITEM_CMD: cmd-fixtures/<name> under --sysroot */
	bool kmsg_fallback;	      /* ITEM_CMD: read /dev/kmsg when the command is missing */
	char *skip_reason;	      /* set at plan time: the item is recorded as skipped; owned */
	enum item_status skip_status; /* with skip_reason: STATUS_TIMEOUT, else skipped */
};

/* What running an item gave: its status, why, the bytes to store. */
struct item_result {
	enum item_status status;
	char reason[256]; /* empty when there is nothing to say */
	int exit_code;	  /* commands: the exit status; -1 otherwise */
	struct sbuf data; /* the bytes to store (before redaction) */
	long duration_ms;
};

/* Initialises r as ok with no data, capped at max bytes. */
void item_result_init(struct item_result *r, size_t max);
void item_result_release(struct item_result *r);
/* Sets the status and a printf-style reason. */
void item_result_set(struct item_result *r, enum item_status status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Maps an errno from open/read to missing, denied, skipped (a symlink) or error. */
void item_result_errno(struct item_result *r, int err, const char *what);

struct plan_ctx {
	const char *sysroot; /* "" for the live system */
	bool is_root;
	long end_ms; /* child_now_ms() after which no listing is tried; 0: none */
};

struct plan {
	VEC(struct item) items;
};

void plan_init(struct plan *p);
void plan_release(struct plan *p);

/* Expands the table (everything but ROMs) into p->items. Never fails: an unreadable directory
 * gives no items, or one item that will report the failure. */
void plan_build(struct plan *p, const struct plan_ctx *ctx);

/* Appends an item (strings copied). Returns it. */
struct item *plan_add(struct plan *p, enum item_kind kind, const char *source, const char *path,
		      size_t max_bytes, long max_ms, unsigned flags);

/* Lists ctx's view of dir (logical) in a child, within COLLECT_LIST_MS and ctx->end_ms. A
 * listing that did not answer, or was not tried because end_ms passed, is appended to p as an
 * item of source dir and bundle path path that records the timeout (or the skip); other
 * failures (no such directory) add nothing. Returns true when out was filled. */
bool plan_list(struct plan *p, const struct plan_ctx *ctx, const char *dir, const char *path,
	       struct strlist *out, size_t max);

const char *item_status_name(enum item_status s);

/* Builds sysroot + path into a newly allocated string (yours, free()). */
char *plan_real_path(const struct plan_ctx *ctx, const char *path);
