/* plan.c - the table of everything collect reads, and its expansion into items.
 *
 * Each row names a kind (one file, one command, the files of a directory, the PCI devices,
 * ...), the source, the place in the bundle (docs/bundle-format.md), a size cap and a time
 * cap. Expansion lists directories and nothing more, each in a child with a deadline, so a
 * wedged filesystem cannot hang it.
 */
#include "plan.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "child.h"
#include "common/banned.h"
#include "common/limits.h"
#include "common/xalloc.h"
#include "item_sysfs.h"

enum entry_kind {
	E_FILE,	    /* one file */
	E_CMD,	    /* one command */
	E_HOLDERS,  /* /dev/vfio holders */
	E_GLOB,	    /* files of a directory ending in suffix */
	E_NAMED,    /* the listed files of a directory */
	E_MODPARAM, /* /sys/module/<name>/parameters/<each> for the listed modules */
	E_PCI,	    /* every PCI device's attributes */
	E_IOMMU,    /* every IOMMU group's member list */
	E_PVE_TASK, /* the most recent Proxmox qmstart task logs */
};

struct plan_entry {
	enum entry_kind kind;
	const char *source; /* path, directory or command line */
	const char *path;   /* bundle path or directory */
	size_t max_bytes;
	long max_ms;
	unsigned flags;
	const char *suffix;	  /* E_GLOB */
	const char *const *names; /* E_NAMED, E_MODPARAM; E_CMD: argv */
	const char *fixture;	  /* E_CMD */
	bool kmsg_fallback;	  /* E_CMD */
};

static const char *const argv_dmesg[] = { "dmesg", NULL };
static const char *const argv_jk0[] = { "journalctl", "-k", "-b", "0", "--no-pager", NULL };
static const char *const argv_jk1[] = { "journalctl", "-k", "-b", "-1", "--no-pager", NULL };
static const char *const argv_lspci_v[] = { "lspci", "-nnkvv", NULL };
static const char *const argv_lspci_t[] = { "lspci", "-tv", NULL };
static const char *const argv_uname[] = { "uname", "-a", NULL };

static const char *const dmi_files[] = { "sys_vendor",	 "product_name",
					 "board_vendor", "board_name",
					 "bios_vendor",	 "bios_version",
					 "bios_date",	 NULL };
static const char *const modules[] = { "kvm",	   "kvm_intel",	       "kvm_amd", "vfio",
				       "vfio_pci", "vfio_iommu_type1", NULL };

/* The PCI device attributes kept (docs/bundle-format.md); resource<N>_resize matched apart. */
static const char *const pci_attrs[] = { "vendor",
					 "device",
					 "subsystem_vendor",
					 "subsystem_device",
					 "class",
					 "revision",
					 "boot_vga",
					 "reset_method",
					 "d3cold_allowed",
					 "resource",
					 "power_state",
					 "current_link_speed",
					 "current_link_width",
					 "max_link_speed",
					 "max_link_width",
					 "enable",
					 NULL };

#define F  COLLECT_FILE_MS
#define C  COLLECT_CMD_MS
#define CF COLLECT_CONF_BYTES

static const struct plan_entry table[] = {
	{ E_CMD, "dmesg", "cmd/dmesg", COLLECT_LOG_BYTES, C, 0, NULL, argv_dmesg, "dmesg", true },
	{ E_CMD, "journalctl -k -b 0 --no-pager", "cmd/journalctl-k-b0", COLLECT_LOG_BYTES, C,
	  ITEM_F_JOURNAL, NULL, argv_jk0, "journalctl-k-b0", false },
	{ E_CMD, "journalctl -k -b -1 --no-pager", "cmd/journalctl-k-b-1", COLLECT_LOG_BYTES, C,
	  ITEM_F_JOURNAL, NULL, argv_jk1, "journalctl-k-b-1", false },
	{ E_CMD, "lspci -nnkvv", "cmd/lspci-nnkvv", COLLECT_CMD_BYTES, C, 0, NULL, argv_lspci_v,
	  "lspci-nnkvv", false },
	{ E_CMD, "lspci -tv", "cmd/lspci-tv", COLLECT_CMD_BYTES, C, 0, NULL, argv_lspci_t,
	  "lspci-tv", false },
	{ E_CMD, "uname -a", "cmd/uname-a", 4096, C, ITEM_F_UNAME, NULL, argv_uname, "uname-a",
	  false },
	{ E_HOLDERS, "/dev/vfio", "cmd/vfio-holders", 0, F, 0, NULL, NULL, NULL, false },
	{ E_FILE, "/proc/cmdline", "proc/cmdline", CF, F, 0, NULL, NULL, NULL, false },
	{ E_FILE, "/proc/cpuinfo", "proc/cpuinfo", COLLECT_PROC_BYTES, F, 0, NULL, NULL, NULL,
	  false },
	{ E_FILE, "/proc/iomem", "proc/iomem", COLLECT_PROC_BYTES, F, 0, NULL, NULL, NULL, false },
	{ E_FILE, "/proc/modules", "proc/modules", COLLECT_PROC_BYTES, F, 0, NULL, NULL, NULL,
	  false },
	{ E_FILE, "/proc/version", "proc/version", CF, F, 0, NULL, NULL, NULL, false },
	{ E_FILE, "/proc/interrupts", "proc/interrupts", COLLECT_PROC_BYTES, F, 0, NULL, NULL, NULL,
	  false },
	{ E_FILE, "/proc/sys/kernel/split_lock_mitigate", "proc/sys/kernel/split_lock_mitigate",
	  COLLECT_ATTR_BYTES, F, 0, NULL, NULL, NULL, false },
	{ E_PCI, "/sys/bus/pci/devices", "sys/bus/pci/devices", 0, F, 0, NULL, NULL, NULL, false },
	{ E_IOMMU, "/sys/kernel/iommu_groups", "sys/kernel/iommu_groups", 0, F, 0, NULL, NULL, NULL,
	  false },
	{ E_NAMED, "/sys/class/dmi/id", "sys/class/dmi/id", COLLECT_ATTR_BYTES, F, 0, NULL,
	  dmi_files, NULL, false },
	{ E_MODPARAM, "/sys/module", "sys/module", COLLECT_ATTR_BYTES, F, 0, NULL, modules, NULL,
	  false },
	{ E_FILE, "/sys/devices/system/clocksource/clocksource0/current_clocksource",
	  "sys/devices/system/clocksource/clocksource0/current_clocksource", COLLECT_ATTR_BYTES, F,
	  0, NULL, NULL, NULL, false },
	{ E_GLOB, "/etc/pve/qemu-server", "etc/pve/qemu-server", CF, F, ITEM_F_VMCONF, ".conf",
	  NULL, NULL, false },
	{ E_FILE, "/etc/pve/virtual-guest/cpu-models.conf", "etc/pve/virtual-guest/cpu-models.conf",
	  CF, F, 0, NULL, NULL, NULL, false },
	{ E_GLOB, "/etc/libvirt/qemu", "etc/libvirt/qemu", CF, F, ITEM_F_VMCONF, ".xml", NULL, NULL,
	  false },
	{ E_GLOB, "/etc/modprobe.d", "etc/modprobe.d", CF, F, 0, ".conf", NULL, NULL, false },
	{ E_FILE, "/etc/modules", "etc/modules", CF, F, 0, NULL, NULL, NULL, false },
	{ E_GLOB, "/etc/modules-load.d", "etc/modules-load.d", CF, F, 0, ".conf", NULL, NULL,
	  false },
	{ E_FILE, "/etc/default/grub", "etc/default/grub", CF, F, 0, NULL, NULL, NULL, false },
	{ E_FILE, "/etc/kernel/cmdline", "etc/kernel/cmdline", CF, F, 0, NULL, NULL, NULL, false },
	{ E_FILE, "/etc/initramfs-tools/modules", "etc/initramfs-tools/modules", CF, F, 0, NULL,
	  NULL, NULL, false },
	{ E_GLOB, "/var/log/libvirt/qemu", "var/log/libvirt/qemu", COLLECT_TAIL_BYTES, F,
	  ITEM_F_TAIL | ITEM_F_QEMU_LOG, ".log", NULL, NULL, false },
	{ E_PVE_TASK, "/var/log/pve/tasks", "var/log/pve/tasks", COLLECT_TASK_BYTES, F, ITEM_F_TAIL,
	  NULL, NULL, NULL, false },
};

#undef F
#undef C
#undef CF

static const char *const status_names[STATUS_COUNT] = {
	[STATUS_OK] = "ok",
	[STATUS_MISSING] = "missing",
	[STATUS_DENIED] = "denied",
	[STATUS_TIMEOUT] = "timeout",
	[STATUS_TRUNCATED] = "truncated",
	[STATUS_SKIPPED] = "skipped",
	[STATUS_ERROR] = "error",
};

const char *item_status_name(enum item_status s)
{
	return s < STATUS_COUNT ? status_names[s] : "?";
}

void item_result_init(struct item_result *r, size_t max)
{
	memset(r, 0, sizeof(*r));
	r->status = STATUS_OK;
	r->exit_code = -1;
	sbuf_init(&r->data, max);
}

void item_result_release(struct item_result *r)
{
	sbuf_release(&r->data);
}

void item_result_set(struct item_result *r, enum item_status status, const char *fmt, ...)
{
	va_list ap;

	r->status = status;
	va_start(ap, fmt);
	vsnprintf(r->reason, sizeof(r->reason), fmt, ap);
	va_end(ap);
}

void item_result_errno(struct item_result *r, int err, const char *what)
{
	switch (err) {
	case ENOENT:
	case ENOTDIR:
	case ENODEV:
	case ENXIO:
		item_result_set(r, STATUS_MISSING, "%s: %s", what, strerror(err));
		break;
	case EACCES:
	case EPERM:
		item_result_set(r, STATUS_DENIED, "%s: %s", what, strerror(err));
		break;
	case ELOOP:
		item_result_set(r, STATUS_SKIPPED, "%s: is a symbolic link, not followed", what);
		break;
	default:
		item_result_set(r, STATUS_ERROR, "%s: %s", what, strerror(err));
		break;
	}
}

void plan_init(struct plan *p)
{
	memset(p, 0, sizeof(*p));
}

void plan_release(struct plan *p)
{
	for (size_t i = 0; i < p->items.n; i++) {
		free(p->items.v[i].source);
		free(p->items.v[i].path);
		free(p->items.v[i].skip_reason);
	}
	VEC_FREE(&p->items);
}

char *plan_real_path(const struct plan_ctx *ctx, const char *path)
{
	size_t a = strlen(ctx->sysroot), b = strlen(path);
	char *s = xmalloc(a + b + 1);

	memcpy(s, ctx->sysroot, a);
	memcpy(s + a, path, b + 1);
	return s;
}

struct item *plan_add(struct plan *p, enum item_kind kind, const char *source, const char *path,
		      size_t max_bytes, long max_ms, unsigned flags)
{
	struct item *it = VEC_PUSH(&p->items);

	it->kind = kind;
	it->source = xstrdup(source);
	it->path = xstrdup(path);
	it->max_bytes = max_bytes;
	it->max_ms = max_ms;
	it->flags = flags;
	return it;
}

static char *join(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	char *s = xmalloc(la + lb + 2);

	memcpy(s, a, la);
	s[la] = '/';
	memcpy(s + la + 1, b, lb + 1);
	return s;
}

bool plan_list(struct plan *p, const struct plan_ctx *ctx, const char *dir, const char *path,
	       struct strlist *out, size_t max)
{
	char *real = plan_real_path(ctx, dir);
	long timeout = COLLECT_LIST_MS;
	int r;

	if (ctx->end_ms && ctx->end_ms - child_now_ms() < timeout)
		timeout = ctx->end_ms - child_now_ms();
	r = dir_list_bounded(real, out, max, timeout);
	free(real);
	if (r < 0 && errno == ETIMEDOUT) {
		struct item *it = plan_add(p, ITEM_DIRLIST, dir, path, 0, 0, 0);
		char reason[128];

		if (timeout <= 0) {
			snprintf(reason, sizeof(reason),
				 "listing not tried: global deadline reached");
		} else {
			snprintf(reason, sizeof(reason),
				 "listing did not answer within %ld ms (readdir blocked)", timeout);
			it->skip_status = STATUS_TIMEOUT;
		}
		it->skip_reason = xstrdup(reason);
	}
	return r == 0;
}

static void add_file(struct plan *p, const char *src_dir, const char *dst_dir, const char *name,
		     const struct plan_entry *e, unsigned extra_flags)
{
	char *src = join(src_dir, name), *dst = join(dst_dir, name);

	plan_add(p, ITEM_FILE, src, dst, e->max_bytes, e->max_ms, e->flags | extra_flags);
	free(src);
	free(dst);
}

static void expand_glob(struct plan *p, const struct plan_ctx *ctx, const struct plan_entry *e)
{
	struct strlist names = { 0 };

	plan_list(p, ctx, e->source, e->path, &names, COLLECT_MAX_GLOB);
	for (size_t i = 0; i < names.n; i++) {
		size_t n = strlen(names.v[i]), s = strlen(e->suffix);

		if (n > s && strcmp(names.v[i] + n - s, e->suffix) == 0)
			add_file(p, e->source, e->path, names.v[i], e, 0);
	}
	strlist_free(&names);
}

static void expand_named(struct plan *p, const struct plan_ctx *ctx, const struct plan_entry *e)
{
	struct strlist names = { 0 };

	/* only what exists: a host without DMI has no /sys/class/dmi/id, that is not a failure */
	plan_list(p, ctx, e->source, e->path, &names, COLLECT_MAX_GLOB);
	for (const char *const *n = e->names; *n; n++)
		for (size_t i = 0; i < names.n; i++)
			if (strcmp(names.v[i], *n) == 0)
				add_file(p, e->source, e->path, *n, e, 0);
	strlist_free(&names);
}

static void expand_modparams(struct plan *p, const struct plan_ctx *ctx, const struct plan_entry *e)
{
	for (const char *const *m = e->names; *m; m++) {
		char src[256], dst[256];
		struct strlist params = { 0 };

		snprintf(src, sizeof(src), "%s/%s/parameters", e->source, *m);
		snprintf(dst, sizeof(dst), "%s/%s/parameters", e->path, *m);
		plan_list(p, ctx, src, dst, &params, COLLECT_MAX_GLOB);
		for (size_t i = 0; i < params.n; i++)
			add_file(p, src, dst, params.v[i], e, 0);
		strlist_free(&params);
	}
}

static bool is_resize_attr(const char *name)
{
	size_t n = strlen(name);

	if (strncmp(name, "resource", 8) != 0 || n < 16 || strcmp(name + n - 7, "_resize") != 0)
		return false;
	for (size_t i = 8; i < n - 7; i++)
		if (name[i] < '0' || name[i] > '9')
			return false;
	return true;
}

static void expand_pci(struct plan *p, const struct plan_ctx *ctx, const struct plan_entry *e)
{
	struct strlist devs = { 0 };

	plan_list(p, ctx, e->source, e->path, &devs, COLLECT_MAX_PCI);
	for (size_t d = 0; d < devs.n; d++) {
		char *src = join(e->source, devs.v[d]), *dst = join(e->path, devs.v[d]);
		struct strlist attrs = { 0 };

		plan_list(p, ctx, src, dst, &attrs, COLLECT_MAX_GLOB);
		for (size_t i = 0; i < attrs.n; i++) {
			const char *a = attrs.v[i];
			char *s = join(src, a), *t = join(dst, a);

			if (strcmp(a, "config") == 0)
				plan_add(p, ITEM_FILE, s, t, PCI_CONFIG_BYTES, e->max_ms,
					 ITEM_F_BINARY | ITEM_F_CONFIG);
			else if (strcmp(a, "driver") == 0 || strcmp(a, "iommu_group") == 0)
				plan_add(p, ITEM_LINK, s, t, 4096, e->max_ms, 0);
			else if (strcmp(a, "class") == 0)
				plan_add(p, ITEM_FILE, s, t, COLLECT_ATTR_BYTES, e->max_ms,
					 ITEM_F_CLASS);
			else if (is_resize_attr(a))
				plan_add(p, ITEM_FILE, s, t, COLLECT_ATTR_BYTES, e->max_ms, 0);
			else
				for (const char *const *n = pci_attrs; *n; n++)
					if (strcmp(a, *n) == 0)
						plan_add(p, ITEM_FILE, s, t, COLLECT_ATTR_BYTES,
							 e->max_ms, 0);
			free(s);
			free(t);
		}
		strlist_free(&attrs);
		free(src);
		free(dst);
	}
	strlist_free(&devs);
}

static void expand_iommu(struct plan *p, const struct plan_ctx *ctx, const struct plan_entry *e)
{
	struct strlist groups = { 0 };

	plan_list(p, ctx, e->source, e->path, &groups, COLLECT_MAX_PCI);
	for (size_t g = 0; g < groups.n; g++) {
		char src[256], dst[256];

		snprintf(src, sizeof(src), "%s/%s/devices", e->source, groups.v[g]);
		snprintf(dst, sizeof(dst), "%s/%s/devices", e->path, groups.v[g]);
		plan_add(p, ITEM_DIRLIST, src, dst, COLLECT_ATTR_BYTES, e->max_ms, 0);
	}
	strlist_free(&groups);
}

/* A task file name: UPID:<node>:<pid>:<pstart>:<starttime>:<type>:<id>:<user>: with hex
 * numbers. Returns the start time, or 0 when it is not a qmstart task. */
static unsigned long qmstart_time(const char *name)
{
	const char *f[8];
	int n = 0;

	if (strncmp(name, "UPID:", 5) != 0)
		return 0;
	for (const char *c = name + 5; *c && n < 8; c++)
		if (c == name + 5 || c[-1] == ':')
			f[n++] = c;
	if (n < 6 || strncmp(f[4], "qmstart:", 8) != 0)
		return 0;
	return strtoul(f[3], NULL, 16);
}

struct task {
	unsigned long time;
	char *src;
	char *dst;
};

static int cmp_task(const void *a, const void *b)
{
	const struct task *x = a, *y = b;

	return (x->time < y->time) - (x->time > y->time); /* newest first */
}

static void expand_pve_tasks(struct plan *p, const struct plan_ctx *ctx, const struct plan_entry *e)
{
	struct strlist subs = { 0 };
	VEC(struct task) tasks = { 0 };

	plan_list(p, ctx, e->source, e->path, &subs, 64);
	for (size_t s = 0; s < subs.n; s++) {
		char *sdir = join(e->source, subs.v[s]);
		struct strlist names = { 0 };

		if (strlen(subs.v[s]) == 1) { /* the 16 buckets 0..F; "index", "active" are files */
			char *ddir = join(e->path, subs.v[s]);

			plan_list(p, ctx, sdir, ddir, &names, MAX_ENTRIES);
			free(ddir);
		}
		for (size_t i = 0; i < names.n; i++) {
			unsigned long t = qmstart_time(names.v[i]);
			struct task *tk;
			char *ddir;

			if (!t)
				continue;
			tk = VEC_PUSH(&tasks);
			ddir = join(e->path, subs.v[s]);
			tk->time = t;
			tk->src = join(sdir, names.v[i]);
			tk->dst = join(ddir, names.v[i]);
			free(ddir);
		}
		strlist_free(&names);
		free(sdir);
	}
	if (tasks.n)
		qsort(tasks.v, tasks.n, sizeof(tasks.v[0]), cmp_task);
	for (size_t i = 0; i < tasks.n; i++) {
		if (i < COLLECT_MAX_TASKS)
			plan_add(p, ITEM_FILE, tasks.v[i].src, tasks.v[i].dst, e->max_bytes,
				 e->max_ms, e->flags);
		free(tasks.v[i].src);
		free(tasks.v[i].dst);
	}
	VEC_FREE(&tasks);
	strlist_free(&subs);
}

void plan_build(struct plan *p, const struct plan_ctx *ctx)
{
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		const struct plan_entry *e = &table[i];
		struct item *it;

		switch (e->kind) {
		case E_FILE:
			plan_add(p, ITEM_FILE, e->source, e->path, e->max_bytes, e->max_ms,
				 e->flags);
			break;
		case E_CMD:
			it = plan_add(p, ITEM_CMD, e->source, e->path, e->max_bytes, e->max_ms,
				      e->flags);
			it->argv = e->names;
			it->fixture = e->fixture;
			it->kmsg_fallback = e->kmsg_fallback;
			break;
		case E_HOLDERS:
			plan_add(p, ITEM_HOLDERS, e->source, e->path, COLLECT_ATTR_BYTES, e->max_ms,
				 0);
			break;
		case E_GLOB:
			expand_glob(p, ctx, e);
			break;
		case E_NAMED:
			expand_named(p, ctx, e);
			break;
		case E_MODPARAM:
			expand_modparams(p, ctx, e);
			break;
		case E_PCI:
			expand_pci(p, ctx, e);
			break;
		case E_IOMMU:
			expand_iommu(p, ctx, e);
			break;
		case E_PVE_TASK:
			expand_pve_tasks(p, ctx, e);
			break;
		}
	}
}
