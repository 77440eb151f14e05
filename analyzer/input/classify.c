/* classify.c - the bundle path table, shell-command classification for pastes, and the
 * content sniff over every parser in parse/parsers.c. docs/inputs.md lists the table. */
#include "input/classify.h"

#include <fnmatch.h>
#include <stdio.h>
#include <string.h>

enum capture {
	CAP_NONE,
	CAP_BOOT,     /* cmd/journalctl-k-b<N>: N from the name */
	CAP_BDF_DIR,  /* sys/bus/pci/devices/<bdf>/<attr> */
	CAP_BDF_NAME, /* roms/<bdf>.rom */
	CAP_VM_NAME,  /* <dir>/<vm>.<ext> */
	CAP_GROUP,    /* sys/kernel/iommu_groups/<n>/devices */
	CAP_KEY_BASE, /* key = basename */
	CAP_MODPARAM, /* sys/module/<module>/parameters/<param> */
	CAP_SYSCTL,   /* proc/sys/a/b -> a.b */
};

struct path_rule {
	const char *pattern; /* fnmatch with FNM_PATHNAME */
	enum source_kind kind;
	enum path_role role;
	enum capture cap;
	const char *scope; /* ROLE_KV */
};

/* First match wins; keep specific patterns before general ones. */
static const struct path_rule rules[] = {
	{ "manifest.json", SOURCE_MANIFEST, ROLE_MANIFEST, CAP_NONE, NULL },
	{ "cmd/dmesg", SOURCE_KERNEL_LOG, ROLE_PARSE, CAP_NONE, NULL },
	{ "cmd/journalctl-k-b*", SOURCE_KERNEL_LOG, ROLE_PARSE, CAP_BOOT, NULL },
	{ "cmd/lspci-t*", SOURCE_LSPCI_TREE, ROLE_PARSE, CAP_NONE, NULL },
	{ "cmd/lspci*", SOURCE_LSPCI, ROLE_PARSE, CAP_NONE, NULL },
	{ "cmd/uname-a", SOURCE_VERSION, ROLE_PARSE, CAP_NONE, NULL },
	{ "cmd/vfio-holders", SOURCE_KV, ROLE_VFIO_HOLDERS, CAP_NONE, NULL },
	{ "cmd/lscpu", SOURCE_LSCPU, ROLE_PARSE, CAP_NONE, NULL },
	{ "cmd/lsmod", SOURCE_PROC_MODULES, ROLE_PARSE, CAP_NONE, NULL },
	{ "proc/cmdline", SOURCE_CMDLINE, ROLE_PARSE, CAP_NONE, NULL },
	{ "proc/cpuinfo", SOURCE_CPUINFO, ROLE_PARSE, CAP_NONE, NULL },
	{ "proc/iomem", SOURCE_IOMEM, ROLE_PARSE, CAP_NONE, NULL },
	{ "proc/modules", SOURCE_PROC_MODULES, ROLE_PARSE, CAP_NONE, NULL },
	{ "proc/version", SOURCE_VERSION, ROLE_PARSE, CAP_NONE, NULL },
	{ "proc/interrupts", SOURCE_TEXT, ROLE_PARSE, CAP_NONE, NULL },
	{ "proc/sys/*", SOURCE_KV, ROLE_KV, CAP_SYSCTL, "sysctl" },
	{ "proc/sys/*/*", SOURCE_KV, ROLE_KV, CAP_SYSCTL, "sysctl" },
	{ "proc/sys/*/*/*", SOURCE_KV, ROLE_KV, CAP_SYSCTL, "sysctl" },
	{ "sys/bus/pci/devices/*/config", SOURCE_PCI_CONFIG, ROLE_PARSE, CAP_BDF_DIR, NULL },
	{ "sys/bus/pci/devices/*/*", SOURCE_SYSFS_ATTR, ROLE_SYSFS_ATTR, CAP_BDF_DIR, NULL },
	{ "sys/kernel/iommu_groups/*/devices", SOURCE_IOMMU_GROUPS, ROLE_IOMMU_GROUP, CAP_GROUP,
	  NULL },
	{ "sys/class/dmi/id/*", SOURCE_KV, ROLE_KV, CAP_KEY_BASE, "dmi" },
	{ "sys/module/*/parameters/*", SOURCE_KV, ROLE_KV, CAP_MODPARAM, "modparam" },
	{ "sys/devices/system/clocksource/*/*", SOURCE_KV, ROLE_KV, CAP_KEY_BASE, "clocksource" },
	{ "etc/pve/qemu-server/*.conf", SOURCE_PVE_CONF, ROLE_PARSE, CAP_VM_NAME, NULL },
	{ "etc/pve/nodes/*/qemu-server/*.conf", SOURCE_PVE_CONF, ROLE_PARSE, CAP_VM_NAME, NULL },
	{ "etc/pve/virtual-guest/cpu-models.conf", SOURCE_PVE_CPU_MODELS, ROLE_PARSE, CAP_NONE,
	  NULL },
	{ "etc/libvirt/qemu/*.xml", SOURCE_LIBVIRT_XML, ROLE_PARSE, CAP_VM_NAME, NULL },
	{ "etc/modprobe.d/*", SOURCE_MODPROBE, ROLE_PARSE, CAP_NONE, NULL },
	{ "lib/modprobe.d/*", SOURCE_MODPROBE, ROLE_PARSE, CAP_NONE, NULL },
	{ "etc/modules", SOURCE_MODULES_LOAD, ROLE_PARSE, CAP_NONE, NULL },
	{ "etc/modules-load.d/*", SOURCE_MODULES_LOAD, ROLE_PARSE, CAP_NONE, NULL },
	{ "etc/initramfs-tools/modules", SOURCE_MODULES_LOAD, ROLE_PARSE, CAP_NONE, NULL },
	{ "etc/default/grub", SOURCE_GRUB, ROLE_PARSE, CAP_NONE, NULL },
	{ "etc/kernel/cmdline", SOURCE_CMDLINE, ROLE_PARSE, CAP_NONE, NULL },
	{ "var/log/libvirt/qemu/*.log", SOURCE_LIBVIRT_LOG, ROLE_PARSE, CAP_VM_NAME, NULL },
	{ "var/log/pve/tasks/*/*", SOURCE_PVE_TASK, ROLE_PARSE, CAP_NONE, NULL },
	{ "var/log/kern.log*", SOURCE_KERNEL_LOG, ROLE_PARSE, CAP_NONE, NULL },
	{ "roms/romfile/*", SOURCE_ROM, ROLE_PARSE, CAP_NONE, NULL },
	{ "usr/share/kvm/*.rom", SOURCE_ROM, ROLE_PARSE, CAP_NONE, NULL },
	{ "roms/*.rom", SOURCE_ROM, ROLE_PARSE, CAP_BDF_NAME, NULL },
};

static void copy_id(char *dst, size_t cap, const char *src, size_t len)
{
	if (len >= cap)
		len = cap - 1;
	memcpy(dst, src, len);
	dst[len] = '\0';
}

/* The n-th '/'-separated component of path (0-based), as a view. */
static struct str component(const char *path, int n)
{
	struct str s = str_from_cstr(path), field;

	for (int i = 0; i < n; i++)
		if (!str_take_until(&s, '/', &field))
			return STR_NULL;
	if (str_take_until(&s, '/', &field))
		return field;
	return s;
}

static const char *basename_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

static bool capture(const struct path_rule *r, const char *path, struct classification *c)
{
	const char *base = basename_of(path);
	const char *dot = strrchr(base, '.');
	struct str s;

	switch (r->cap) {
	case CAP_NONE:
		return true;
	case CAP_BOOT: {
		int64_t boot;

		s = str_from_cstr(path + strlen("cmd/journalctl-k-b"));
		if (!str_to_i64(s, 10, -99, 0, &boot))
			return false;
		c->boot = (int)boot;
		return true;
	}
	case CAP_BDF_DIR:
		c->has_bdf = pciaddr_parse(component(path, 4), false, &c->bdf);
		copy_id(c->attr, sizeof(c->attr), base, strlen(base));
		return c->has_bdf;
	case CAP_BDF_NAME:
		c->has_bdf = dot && pciaddr_parse(str_from_mem(base, (size_t)(dot - base)), false,
						  &c->bdf);
		return true; /* a ROM named otherwise is still a ROM */
	case CAP_VM_NAME:
		copy_id(c->vm, sizeof(c->vm), base, dot ? (size_t)(dot - base) : strlen(base));
		return true;
	case CAP_GROUP:
		s = component(path, 3);
		copy_id(c->group, sizeof(c->group), s.ptr, s.len);
		return true;
	case CAP_KEY_BASE:
		copy_id(c->key, sizeof(c->key), base, strlen(base));
		return true;
	case CAP_MODPARAM:
		s = component(path, 2);
		copy_id(c->subject, sizeof(c->subject), s.ptr, s.len);
		copy_id(c->key, sizeof(c->key), base, strlen(base));
		return true;
	case CAP_SYSCTL:
		copy_id(c->key, sizeof(c->key), path + strlen("proc/sys/"),
			strlen(path + strlen("proc/sys/")));
		for (char *p = c->key; *p; p++)
			if (*p == '/')
				*p = '.';
		return true;
	}
	return false;
}

static void reset(struct classification *c)
{
	memset(c, 0, sizeof(*c));
	c->kind = SOURCE_UNKNOWN;
	c->runner_up = SOURCE_UNKNOWN;
}

bool classify_path(const char *path, struct classification *c)
{
	reset(c);
	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
		const struct path_rule *r = &rules[i];

		if (fnmatch(r->pattern, path, FNM_PATHNAME) != 0)
			continue;
		if (!capture(r, path, c)) {
			reset(c);
			continue;
		}
		c->kind = r->kind;
		c->role = r->role;
		c->scope = r->scope;
		c->confidence = 100;
		c->how = "path";
		return true;
	}
	reset(c);
	return false;
}

void classify_content(struct str text, struct classification *c)
{
	const struct parser *p;
	int best = 0, second = 0;

	c->kind = SOURCE_UNKNOWN;
	c->runner_up = SOURCE_UNKNOWN;
	for (size_t i = 0; (p = parser_at(i)); i++) {
		int score = p->sniff ? p->sniff(text) : 0;

		if (score < 0)
			score = 0;
		if (score > 100)
			score = 100;
		if (score > best) {
			c->runner_up = c->kind;
			second = best;
			c->kind = p->kind;
			best = score;
		} else if (score > second && p->kind != c->kind) {
			c->runner_up = p->kind;
			second = score;
		}
	}
	c->confidence = best;
	c->runner_up_confidence = second;
	c->how = "content";
}

/* ---- shell commands ---- */

static bool word_is(struct str w, const char *s)
{
	return str_eq_cstr(w, s);
}

/* The command's basename: "/usr/bin/lspci" -> "lspci". */
static struct str cmd_name(struct str w)
{
	long slash;

	while ((slash = str_find_char(w, '/')) >= 0)
		w = str_sub(w, (size_t)slash + 1, w.len);
	return w;
}

/* Classifies by a path argument ("/proc/cmdline", "qemu-server/100.conf"). */
static bool classify_arg_path(struct str arg, struct classification *c)
{
	char path[512];

	if (arg.len && (arg.ptr[0] == '"' || arg.ptr[0] == '\'')) {
		arg = str_sub(arg, 1, arg.len - 1);
		if (arg.len && (arg.ptr[arg.len - 1] == '"' || arg.ptr[arg.len - 1] == '\''))
			arg.len--;
	}
	while (arg.len && arg.ptr[0] == '/')
		arg = str_sub(arg, 1, arg.len);
	if (!arg.len || arg.len >= sizeof(path))
		return false;
	memcpy(path, arg.ptr, arg.len);
	path[arg.len] = '\0';
	if (classify_path(path, c))
		return c->role == ROLE_PARSE;
	/* relative forms people type: qemu-server/100.conf, 100.conf inside /etc/pve/qemu-server */
	if (strncmp(path, "qemu-server/", 12) == 0 || strncmp(path, "nodes/", 6) == 0) {
		char full[600];

		snprintf(full, sizeof(full), "etc/pve/%s", path);
		return classify_path(full, c) && c->role == ROLE_PARSE;
	}
	return false;
}

static bool set_kind(struct classification *c, enum source_kind kind)
{
	c->kind = kind;
	c->role = ROLE_PARSE;
	return true;
}

/* One simple command of the pipeline (words up to '|', ';', '&&'). */
static bool classify_simple(struct str cmd, struct classification *c)
{
	struct str w, name, rest;

	if (!str_next_word(&cmd, &w))
		return false;
	while (word_is(w, "sudo") || word_is(w, "doas") || word_is(w, "command") ||
	       word_is(w, "time") || word_is(w, "env")) {
		if (!str_next_word(&cmd, &w))
			return false;
	}
	name = cmd_name(w);
	rest = cmd;
	if (str_contains(rest, "iommu_groups") || str_eq_cstr(name, "iommu_groups") ||
	    str_starts_with(name, "iommu-group") || str_starts_with(name, "iommu_group") ||
	    str_starts_with(name, "ls-iommu"))
		return set_kind(c, SOURCE_IOMMU_GROUPS);
	if (str_eq_cstr(name, "dmesg"))
		return set_kind(c, SOURCE_KERNEL_LOG);
	if (str_eq_cstr(name, "journalctl")) {
		struct str r = rest;
		bool kernel = false;

		while (str_next_word(&r, &w)) {
			if (word_is(w, "-k") || word_is(w, "--dmesg") || str_starts_with(w, "-k") ||
			    word_is(w, "_TRANSPORT=kernel"))
				kernel = true;
			if ((word_is(w, "-b") || word_is(w, "--boot")) && str_next_word(&r, &w)) {
				int64_t b;

				if (str_to_i64(w, 10, -99, 0, &b))
					c->boot = (int)b;
			}
		}
		return set_kind(c, kernel ? SOURCE_KERNEL_LOG : SOURCE_JOURNAL);
	}
	if (str_eq_cstr(name, "lspci")) {
		struct str r = rest;

		while (str_next_word(&r, &w))
			if (w.len > 1 && w.ptr[0] == '-' && w.ptr[1] != '-' &&
			    str_find_char(w, 't') > 0)
				return set_kind(c, SOURCE_LSPCI_TREE);
		return set_kind(c, SOURCE_LSPCI);
	}
	if (str_eq_cstr(name, "lscpu"))
		return set_kind(c, SOURCE_LSCPU);
	if (str_eq_cstr(name, "lsmod"))
		return set_kind(c, SOURCE_PROC_MODULES);
	if (str_eq_cstr(name, "uname"))
		return set_kind(c, SOURCE_VERSION);
	if (str_eq_cstr(name, "virsh")) {
		if (str_contains(rest, "dumpxml") || str_contains(rest, "edit"))
			return set_kind(c, SOURCE_LIBVIRT_XML);
		return false;
	}
	if (str_eq_cstr(name, "qm")) {
		struct str r = rest;

		if (str_next_word(&r, &w) && (word_is(w, "config") || word_is(w, "showcmd"))) {
			if (word_is(w, "showcmd"))
				return set_kind(c, SOURCE_TEXT);
			if (str_next_word(&r, &w))
				copy_id(c->vm, sizeof(c->vm), w.ptr, w.len);
			return set_kind(c, SOURCE_PVE_CONF);
		}
		if (word_is(w, "start"))
			return set_kind(c, SOURCE_QEMU_LOG);
		return false;
	}
	if (str_eq_cstr(name, "cat") || str_eq_cstr(name, "less") || str_eq_cstr(name, "more") ||
	    str_eq_cstr(name, "tail") || str_eq_cstr(name, "head") || str_eq_cstr(name, "grep") ||
	    str_eq_cstr(name, "egrep") || str_eq_cstr(name, "zcat") || str_eq_cstr(name, "nano") ||
	    str_eq_cstr(name, "vi") || str_eq_cstr(name, "vim") || str_eq_cstr(name, "bat")) {
		struct str r = rest;

		while (str_next_word(&r, &w))
			if (w.len && w.ptr[0] != '-' && classify_arg_path(w, c))
				return true;
		return false;
	}
	return false;
}

bool classify_command(struct str command, struct classification *c)
{
	struct str cmd = str_trim(command);
	long bar = str_find_char(cmd, '|');
	long semi = str_find_char(cmd, ';');
	long amp = str_find(cmd, "&&");
	long cut = bar;

	reset(c);
	if (semi >= 0 && (cut < 0 || semi < cut))
		cut = semi;
	if (amp >= 0 && (cut < 0 || amp < cut))
		cut = amp;
	/* a loop or find over iommu_groups anywhere in the line decides */
	if (str_contains(cmd, "/sys/kernel/iommu_groups")) {
		c->kind = SOURCE_IOMMU_GROUPS;
	} else {
		struct str first = cut >= 0 ? str_sub(cmd, 0, (size_t)cut) : cmd;

		if (!classify_simple(first, c)) {
			reset(c);
			return false;
		}
	}
	c->role = ROLE_PARSE;
	c->confidence = 90;
	c->how = "command";
	return true;
}

bool classify_mentioned_path(struct str text, struct classification *c)
{
	static const char *const anchors[] = { "/etc/pve/qemu-server/", "/etc/libvirt/qemu/",
					       "/etc/default/grub", "/etc/modprobe.d/",
					       "/proc/cmdline" };

	for (size_t i = 0; i < sizeof(anchors) / sizeof(anchors[0]); i++) {
		long at = str_find(text, anchors[i]);
		size_t end;

		if (at < 0)
			continue;
		end = (size_t)at;
		while (end < text.len && text.ptr[end] != ' ' && text.ptr[end] != '`' &&
		       text.ptr[end] != '\'' && text.ptr[end] != '"' && text.ptr[end] != ')' &&
		       text.ptr[end] != ',' && text.ptr[end] != '\t')
			end++;
		struct str arg = str_sub(text, (size_t)at, end - (size_t)at);

		while (arg.len && (arg.ptr[arg.len - 1] == '.' || arg.ptr[arg.len - 1] == ':'))
			if (str_ends_with(arg, ".conf") || str_ends_with(arg, ".xml"))
				break;
			else
				arg.len--;
		if (classify_arg_path(arg, c)) {
			c->confidence = 60;
			c->how = "mentioned path";
			return true;
		}
	}
	return false;
}

bool classify_is_binary(struct str data)
{
	size_t n = data.len < 8192 ? data.len : 8192, ctrl = 0, nul = 0;
	const unsigned char *p = (const unsigned char *)data.ptr;

	if (n >= 2 && p[0] == 0x55 && p[1] == 0xaa)
		return true;
	for (size_t i = 0; i < n; i++) {
		if (p[i] == 0)
			nul++;
		else if (p[i] < 0x20 && p[i] != '\t' && p[i] != '\n' && p[i] != '\r' &&
			 p[i] != '\f' && p[i] != '\v' && p[i] != 0x1b)
			ctrl++;
	}
	/* a few NULs in text are a paste accident; binary data is full of control bytes */
	return (nul + ctrl) * 10 > n;
}
