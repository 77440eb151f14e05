/* item_rom.c - choose and dump PCI option ROMs, restoring the enable bit whatever happens.
 *
 * Real config lines it reads (seeds 001 and 004):
 *   hostpci0: 0000:00:02.0,romfile=12-n100-q10.rom,pcie=1,x-vga=1
 *   hostpci0: 01:00,x-vga=on,romfile=vbios.bin
 */
#include "item_rom.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "common/banned.h"
#include "common/limits.h"
#include "common/pciaddr.h"
#include "item_file.h"

static void push_unique(struct strlist *l, const char *s)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->v[i], s) == 0)
			return;
	if (l->n < COLLECT_MAX_GLOB)
		strlist_push(l, s);
}

static void add_addr(struct strlist *addrs, struct str s)
{
	struct pciaddr a;
	char buf[PCIADDR_STR_MAX];

	s = str_trim(s);
	if (str_starts_with(s, "host="))
		s = str_sub(s, 5, s.len);
	if (pciaddr_parse(s, true, &a))
		push_unique(addrs, pciaddr_format(&a, buf));
}

static void add_romfile(struct strlist *romfiles, struct str s)
{
	char *name;

	s = str_trim(s);
	if (s.len == 0 || s.len > 255)
		return;
	name = str_dup(s);
	push_unique(romfiles, name);
	free(name);
}

static void scan_pve_line(struct str value, struct strlist *addrs, struct strlist *romfiles)
{
	struct str opt;
	bool first = true;

	while (value.len) {
		if (!str_take_until(&value, ',', &opt)) {
			opt = value;
			value = STR_NULL;
		}
		opt = str_trim(opt);
		if (str_starts_with(opt, "romfile=")) {
			add_romfile(romfiles, str_sub(opt, 8, opt.len));
		} else if (first || str_starts_with(opt, "host=")) {
			struct str one;

			if (str_starts_with(opt, "host="))
				opt = str_sub(opt, 5, opt.len);
			while (opt.len) {
				if (!str_take_until(&opt, ';', &one)) {
					one = opt;
					opt = STR_NULL;
				}
				add_addr(addrs, one);
			}
		}
		first = false;
	}
}

/* The value of attr='...' or attr="..." inside tag. */
static bool attr_value(struct str tag, const char *attr, struct str *val)
{
	char key[32];
	long at;

	for (int q = 0; q < 2; q++) {
		snprintf(key, sizeof(key), "%s=%c", attr, q ? '"' : '\'');
		at = str_find(tag, key);
		if (at >= 0) {
			struct str rest = str_sub(tag, (size_t)at + strlen(key), tag.len);

			return str_take_until(&rest, q ? '"' : '\'', val);
		}
	}
	return false;
}

static void scan_hostdev(struct str hd, struct strlist *addrs, struct strlist *romfiles)
{
	long src = str_find(hd, "<source"), at, end;
	struct str tag, d, b, s, f;

	if (src >= 0) {
		struct str rest = str_sub(hd, (size_t)src, hd.len);

		at = str_find(rest, "<address");
		end = at >= 0 ? str_find(str_sub(rest, (size_t)at, rest.len), ">") : -1;
		if (at >= 0 && end >= 0) {
			tag = str_sub(rest, (size_t)at, (size_t)end);
			if (attr_value(tag, "bus", &b) && attr_value(tag, "slot", &s) &&
			    attr_value(tag, "function", &f)) {
				uint64_t dv = 0, bv, sv, fv;
				char buf[32];

				if (attr_value(tag, "domain", &d))
					str_to_u64(d, 0, 0, 0xffff, &dv);
				if (str_to_u64(b, 0, 0, 0xff, &bv) &&
				    str_to_u64(s, 0, 0, 0x1f, &sv) && str_to_u64(f, 0, 0, 7, &fv)) {
					snprintf(buf, sizeof(buf), "%04x:%02x:%02x.%x",
						 (unsigned)dv, (unsigned)bv, (unsigned)sv,
						 (unsigned)fv);
					push_unique(addrs, buf);
				}
			}
		}
	}
	at = str_find(hd, "<rom");
	if (at >= 0) {
		struct str rest = str_sub(hd, (size_t)at, hd.len);

		end = str_find(rest, ">");
		if (end >= 0 && attr_value(str_sub(rest, 0, (size_t)end), "file", &f))
			add_romfile(romfiles, f);
	}
}

void rom_scan_vm_config(struct str text, struct strlist *addrs, struct strlist *romfiles)
{
	struct str in = text, line;
	long at;

	while (str_next_line(&in, &line)) {
		struct str key;

		line = str_trim(line);
		if (!str_starts_with(line, "hostpci") || !str_take_until(&line, ':', &key))
			continue;
		if (key.len < 8 || key.len > 10)
			continue;
		scan_pve_line(line, addrs, romfiles);
	}
	in = text;
	while ((at = str_find(in, "<hostdev")) >= 0) {
		struct str rest = str_sub(in, (size_t)at, in.len);
		long end = str_find(rest, "</hostdev>");
		size_t len = end >= 0 ? (size_t)end : rest.len;

		scan_hostdev(str_sub(rest, 0, len), addrs, romfiles);
		in = str_sub(rest, len, rest.len);
		if (end < 0)
			break;
	}
}

static bool in_list(const struct strlist *l, const char *s)
{
	for (size_t i = 0; l && i < l->n; i++)
		if (strcmp(l->v[i], s) == 0)
			return true;
	return false;
}

static void skip_reason_for(const struct plan_ctx *ctx, const struct rom_choice *c, const char *bdf,
			    char *reason, size_t size)
{
	char path[512];
	char *real, *group;
	const struct vfio_holder *h;

	reason[0] = '\0';
	if (!ctx->is_root) {
		snprintf(reason, size, "reading a ROM needs root");
		return;
	}
	/* iommufd: the device's cdev is /dev/vfio/devices/vfioN, N from <device>/vfio-dev/ */
	{
		struct strlist cdevs = { 0 };

		snprintf(path, sizeof(path), "%s/sys/bus/pci/devices/%s/vfio-dev", ctx->sysroot,
			 bdf);
		if (dir_list_bounded(path, &cdevs, 16, COLLECT_LIST_MS) < 0 && errno == ETIMEDOUT)
			snprintf(reason, size, "cannot tell whether the VFIO device is in use");
		for (size_t i = 0; i < cdevs.n && !reason[0]; i++) {
			char entry[300];

			snprintf(entry, sizeof(entry), "devices/%s", cdevs.v[i]);
			h = holders_find(c->holders, entry);
			if (h)
				snprintf(reason, size,
					 "VFIO device /dev/vfio/%.64s is held by pid %d (%s)",
					 entry, h->pid, h->comm ? h->comm : "?");
			else if (c->holders->have_dev_vfio && !c->holders->complete)
				snprintf(reason, size,
					 "cannot tell whether /dev/vfio/%.64s is in use", entry);
		}
		strlist_free(&cdevs);
		if (reason[0])
			return;
	}
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/iommu_group", bdf);
	real = plan_real_path(ctx, path);
	group = link_target(real);
	free(real);
	if (!group)
		return;
	{
		const char *g = strrchr(group, '/');

		g = g ? g + 1 : group;
		h = holders_find(c->holders, g);
		if (h)
			snprintf(reason, size, "VFIO group %s is held by pid %d (%s)", g, h->pid,
				 h->comm ? h->comm : "?");
		else if (c->holders->have_dev_vfio && !c->holders->complete)
			snprintf(reason, size, "cannot tell whether VFIO group %s is in use", g);
	}
	free(group);
}

/* A romfile path a libvirt config names is read only when it cannot be a private file: no
 * "." or ".." components and nothing under the system's private or virtual trees. */
static bool romfile_path_ok(const char *path)
{
	static const char *const refused[] = { "/etc/", "/root/", "/home/", "/proc/",	 "/sys/",
					       "/dev/", "/run/",  "/boot/", "/var/log/", NULL };

	if (strstr(path, "/../") || strstr(path, "/./") ||
	    str_ends_with(str_from_cstr(path), "/..") || strstr(path, "//"))
		return false;
	for (const char *const *r = refused; *r; r++)
		if (strncmp(path, *r, strlen(*r)) == 0)
			return false;
	return true;
}

void rom_plan(struct plan *p, const struct plan_ctx *ctx, const struct rom_choice *c)
{
	struct strlist want = { 0 };
	size_t roms = 0;

	for (size_t i = 0; c->display && i < c->display->n; i++)
		push_unique(&want, c->display->v[i]);
	for (size_t i = 0; c->passthru && i < c->passthru->n; i++) {
		const char *a = c->passthru->v[i];
		size_t la = strlen(a);

		for (size_t d = 0; c->devices && d < c->devices->n; d++) {
			const char *dev = c->devices->v[d];

			/* "0000:01:00" names every function of the slot */
			if (strcmp(dev, a) == 0 ||
			    (la == 10 && strncmp(dev, a, la) == 0 && dev[la] == '.'))
				push_unique(&want, dev);
		}
	}
	for (size_t i = 0; i < want.n && roms < COLLECT_MAX_ROMS; i++) {
		char src[512], dst[512], reason[256];
		struct item *it;

		if (!in_list(c->devices, want.v[i]))
			continue;
		snprintf(src, sizeof(src), "/sys/bus/pci/devices/%s/rom", want.v[i]);
		snprintf(dst, sizeof(dst), "roms/%s.rom", want.v[i]);
		it = plan_add(p, ITEM_ROM, src, dst, COLLECT_ROM_BYTES, COLLECT_ROM_MS,
			      ITEM_F_BINARY);
		skip_reason_for(ctx, c, want.v[i], reason, sizeof(reason));
		if (reason[0])
			it->skip_reason = strdup(reason);
		roms++;
	}
	for (size_t i = 0; c->romfiles && i < c->romfiles->n; i++) {
		const char *name = c->romfiles->v[i], *base = strrchr(name, '/');
		char src[512], dst[512];

		base = base ? base + 1 : name;
		if (!*base || strcmp(base, "..") == 0 || strcmp(base, ".") == 0)
			continue;
		/* Proxmox romfiles live in /usr/share/kvm; libvirt names absolute paths */
		if (name[0] == '/' && romfile_path_ok(name))
			snprintf(src, sizeof(src), "%s", name);
		else if (name[0] == '/')
			continue;
		else if (!strchr(name, '/'))
			snprintf(src, sizeof(src), "/usr/share/kvm/%s", name);
		else
			continue;
		snprintf(dst, sizeof(dst), "roms/romfile/%s", base);
		plan_add(p, ITEM_FILE, src, dst, COLLECT_ROM_BYTES, COLLECT_FILE_MS, ITEM_F_BINARY);
	}
	strlist_free(&want);
}

void item_rom_read(const char *devdir, bool sysroot, size_t cap, long timeout_ms,
		   struct item_result *r)
{
	char toggle[4200], image[4200];
	int fd, slot;

	snprintf(toggle, sizeof(toggle), "%s/%s", devdir, sysroot ? "rom_enable" : "rom");
	snprintf(image, sizeof(image), "%s/rom", devdir);
	fd = open(toggle, O_WRONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		item_result_errno(r, errno, "open rom");
		if (r->status == STATUS_MISSING)
			item_result_set(r, STATUS_MISSING, "the device has no ROM BAR");
		return;
	}
	slot = cleanup_rom_push(fd);
	if (slot < 0) {
		close(fd);
		item_result_set(r, STATUS_SKIPPED, "too many ROM toggles open");
		return;
	}
	if (pwrite(fd, "1\n", 2, 0) != 2) {
		int e = errno;

		cleanup_rom_disable(fd);
		cleanup_rom_pop(slot);
		close(fd);
		item_result_errno(r, e, "enable rom");
		return;
	}
	item_file_read(image, cap, timeout_ms, ITEM_F_BINARY, r);
	if (cleanup_rom_disable(fd) < 0 && cleanup_rom_disable(fd) < 0)
		item_result_set(r, STATUS_ERROR, "could not write 0 back to '%s': %s", toggle,
				strerror(errno));
	cleanup_rom_pop(slot);
	close(fd);
	if (r->status == STATUS_OK && r->data.len == 0)
		item_result_set(r, STATUS_MISSING, "empty ROM image");
}
