/* plan_test.c - collector/plan.c expands its table against a sysroot built here (directory
 * names only: PCI devices, IOMMU groups, module parameters, Proxmox task logs, /etc files);
 * item_rom.c finds passthrough addresses in seed 001's VM config and the message catalog's
 * libvirt <hostdev>; item_file.c formats this machine's /dev/kmsg records like dmesg. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "child.h"
#include "item_file.h"
#include "item_rom.h"
#include "plan.h"
#include "test.h"

static char root[64];

static void touch(const char *rel)
{
	char path[512], cmd[600];
	FILE *f;

	snprintf(path, sizeof(path), "%s%s", root, rel);
	snprintf(cmd, sizeof(cmd), "mkdir -p \"$(dirname '%s')\"", path);
	CHECK_INT(system(cmd), 0);
	f = fopen(path, "w");
	CHECK(f != NULL);
	if (f) {
		fputs("0\n", f);
		fclose(f);
	}
}

static const struct item *find(const struct plan *p, const char *path)
{
	for (size_t i = 0; i < p->items.n; i++)
		if (strcmp(p->items.v[i].path, path) == 0)
			return &p->items.v[i];
	return NULL;
}

static void test_table_expands_against_a_sysroot(void)
{
	struct plan p;
	struct plan_ctx ctx = { .is_root = true };
	const struct item *it;
	char cmd[256];

	snprintf(root, sizeof(root), "/tmp/plan_test.XXXXXX");
	CHECK(mkdtemp(root) != NULL);
	ctx.sysroot = root;
	touch("/sys/bus/pci/devices/0000:01:00.0/config");
	touch("/sys/bus/pci/devices/0000:01:00.0/class");
	touch("/sys/bus/pci/devices/0000:01:00.0/resource1_resize");
	touch("/sys/bus/pci/devices/0000:01:00.0/uevent"); /* not in the layout: left out */
	touch("/sys/bus/pci/devices/0000:01:00.0/driver");
	touch("/sys/kernel/iommu_groups/14/devices/0000:01:00.0");
	touch("/sys/module/vfio_pci/parameters/disable_vga");
	touch("/sys/module/kvm/parameters/ignore_msrs");
	touch("/etc/modprobe.d/vfio.conf");
	touch("/etc/modprobe.d/README"); /* no .conf: left out */
	touch("/var/log/pve/tasks/A/UPID:pve1:00004A2C:0001D2B1:676D5B2A:qmstart:110:root@pam:");
	touch("/var/log/pve/tasks/B/UPID:pve1:00004A2D:0001D2B1:676D5B2B:vzdump:110:root@pam:");
	touch("/var/log/pve/tasks/C/UPID:pve1:00004A2E:0001D2B1:676D5C00:qmstart:111:root@pam:");

	plan_init(&p);
	plan_build(&p, &ctx);
	it = find(&p, "cmd/dmesg");
	CHECK(it && it->kind == ITEM_CMD && it->kmsg_fallback);
	CHECK(find(&p, "cmd/lspci-nnkvv") != NULL);
	CHECK(find(&p, "cmd/vfio-holders") != NULL);
	CHECK(find(&p, "proc/cmdline") != NULL);
	it = find(&p, "sys/bus/pci/devices/0000:01:00.0/config");
	CHECK(it && (it->flags & ITEM_F_BINARY) && (it->flags & ITEM_F_CONFIG) &&
	      it->max_bytes == 4096);
	it = find(&p, "sys/bus/pci/devices/0000:01:00.0/driver");
	CHECK(it && it->kind == ITEM_LINK);
	it = find(&p, "sys/bus/pci/devices/0000:01:00.0/class");
	CHECK(it && (it->flags & ITEM_F_CLASS));
	CHECK(find(&p, "sys/bus/pci/devices/0000:01:00.0/resource1_resize") != NULL);
	CHECK(find(&p, "sys/bus/pci/devices/0000:01:00.0/uevent") == NULL);
	it = find(&p, "sys/kernel/iommu_groups/14/devices");
	CHECK(it && it->kind == ITEM_DIRLIST);
	CHECK(find(&p, "sys/module/vfio_pci/parameters/disable_vga") != NULL);
	CHECK(find(&p, "sys/module/kvm/parameters/ignore_msrs") != NULL);
	CHECK(find(&p, "etc/modprobe.d/vfio.conf") != NULL);
	CHECK(find(&p, "etc/modprobe.d/README") == NULL);
	/* qmstart tasks only, newest first */
	CHECK(find(&p,
		   "var/log/pve/tasks/A/UPID:pve1:00004A2C:0001D2B1:676D5B2A:qmstart:110:root@pam:") !=
	      NULL);
	CHECK(find(&p,
		   "var/log/pve/tasks/B/UPID:pve1:00004A2D:0001D2B1:676D5B2B:vzdump:110:root@pam:") ==
	      NULL);
	for (size_t i = 0, seen = 0; i < p.items.n; i++) {
		if (!strstr(p.items.v[i].path, ":qmstart:"))
			continue;
		if (seen++ == 0)
			CHECK(strstr(p.items.v[i].path, ":qmstart:111:") != NULL);
	}
	/* every item is bounded */
	for (size_t i = 0; i < p.items.n; i++) {
		CHECK(p.items.v[i].max_bytes > 0);
		CHECK(p.items.v[i].max_ms > 0);
	}
	plan_release(&p);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
	CHECK_INT(system(cmd), 0);
}

static struct str seed_vm_config(char **owned)
{
	size_t len;
	char *seed =
		test_read_file(test_path("VD_SHARED_DIR", "seeds/001_08cfc1e37197bab7.txt"), &len);
	char *start = strstr(seed, "agent: 1\n");
	char *end = start ? strstr(start, "vmgenid:") : NULL;

	*owned = seed;
	CHECK(start && end);
	if (!start || !end)
		return STR_NULL;
	end += strcspn(end, "\n");
	return str_from_mem(start, (size_t)(end - start));
}

static void test_proxmox_hostpci_and_romfile(void)
{
	char *seed;
	struct str conf = seed_vm_config(&seed);
	struct strlist addrs = { 0 }, roms = { 0 };

	rom_scan_vm_config(conf, &addrs, &roms);
	CHECK_INT(addrs.n, 1);
	if (addrs.n)
		CHECK_STR(addrs.v[0], "0000:00:02.0");
	CHECK_INT(roms.n, 1);
	if (roms.n)
		CHECK_STR(roms.v[0], "12-n100-q10.rom");
	/* seed 004: "hostpci0: 01:00,x-vga=on,romfile=vbios.bin" names the whole slot */
	rom_scan_vm_config(STR_LIT("hostpci0: 01:00,x-vga=on,romfile=vbios.bin\n"), &addrs, &roms);
	CHECK_INT(addrs.n, 2);
	if (addrs.n == 2)
		CHECK_STR(addrs.v[1], "0000:01:00");
	strlist_free(&addrs);
	strlist_free(&roms);
	free(seed);
}

static void test_libvirt_hostdev_address_and_rom(void)
{
	size_t len;
	char *cat = test_read_file(
		test_path("VD_SHARED_DIR", "knowledge-research/message-catalog.md"), &len);
	struct strlist addrs = { 0 }, roms = { 0 };
	/* the catalog's <hostdev> shape with seed 003's <rom file=...> and a real address */
	static const char xml[] =
		"<hostdev mode='subsystem' type='pci' managed='yes'><source><address "
		"domain='0x0000' bus='0x03' slot='0x00' function='0x0'/></source>"
		"<rom file='/path/to/your/gpu/bios.bin'/></hostdev>";

	CHECK(strstr(cat, "<hostdev mode='subsystem' type='pci' managed='yes'><source><address") !=
	      NULL);
	rom_scan_vm_config(STR_LIT(xml), &addrs, &roms);
	CHECK_INT(addrs.n, 1);
	if (addrs.n)
		CHECK_STR(addrs.v[0], "0000:03:00.0");
	CHECK_INT(roms.n, 1);
	if (roms.n)
		CHECK_STR(roms.v[0], "/path/to/your/gpu/bios.bin");
	strlist_free(&addrs);
	strlist_free(&roms);
	free(cat);
}

static void test_rom_plan_picks_display_and_passthrough(void)
{
	struct plan p;
	struct plan_ctx ctx = { .sysroot = "/nonexistent", .is_root = true };
	struct strlist devices = { 0 }, display = { 0 }, passthru = { 0 }, romfiles = { 0 };
	struct holders h = { 0 };
	struct rom_choice c = { &devices, &display, &passthru, &romfiles, &h };

	strlist_push(&devices, "0000:00:02.0");
	strlist_push(&devices, "0000:01:00.0");
	strlist_push(&devices, "0000:01:00.1");
	strlist_push(&devices, "0000:02:00.0");
	strlist_push(&display, "0000:00:02.0");
	strlist_push(&passthru, "0000:01:00");
	strlist_push(&romfiles, "12-n100-q10.rom");
	strlist_push(&romfiles, "../../etc/shadow");
	plan_init(&p);
	rom_plan(&p, &ctx, &c);
	CHECK(find(&p, "roms/0000:00:02.0.rom") != NULL);
	CHECK(find(&p, "roms/0000:01:00.0.rom") != NULL);
	CHECK(find(&p, "roms/0000:01:00.1.rom") != NULL);
	CHECK(find(&p, "roms/0000:02:00.0.rom") == NULL);
	CHECK(find(&p, "roms/romfile/12-n100-q10.rom") != NULL);
	CHECK(find(&p, "roms/romfile/shadow") == NULL); /* a relative path with '/' is refused */
	plan_release(&p);
	/* libvirt's absolute <rom file=...>: a real ROM path is read, private trees are not */
	strlist_free(&romfiles);
	strlist_push(&romfiles, "/path/to/your/gpu/bios.bin"); /* seed 003 */
	strlist_push(&romfiles, "/etc/shadow");
	strlist_push(&romfiles, "/usr/share/../../root/secret.rom");
	plan_init(&p);
	rom_plan(&p, &ctx, &c);
	CHECK(find(&p, "roms/romfile/bios.bin") != NULL);
	CHECK(find(&p, "roms/romfile/shadow") == NULL);
	CHECK(find(&p, "roms/romfile/secret.rom") == NULL);
	plan_release(&p);
	ctx.is_root = false;
	plan_init(&p);
	rom_plan(&p, &ctx, &c);
	CHECK(find(&p, "roms/0000:00:02.0.rom") && find(&p, "roms/0000:00:02.0.rom")->skip_reason);
	plan_release(&p);
	strlist_free(&devices);
	strlist_free(&display);
	strlist_free(&passthru);
	strlist_free(&romfiles);
}

static void test_kmsg_records_format_like_dmesg(void)
{
	char buf[8192];
	struct sbuf raw, out;
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK);
	struct str in, line;
	int lines = 0;

	sbuf_init(&raw, 1 << 20);
	sbuf_init(&out, 1 << 20);
	for (int i = 0; fd >= 0 && i < 50; i++) {
		ssize_t n = read(fd, buf, sizeof(buf));

		if (n <= 0)
			break;
		sbuf_add(&raw, buf, (size_t)n);
	}
	if (fd >= 0)
		close(fd);
	if (raw.len == 0) {
		/* not root, or no kmsg: the format is still checked on kmsg(4)'s own example */
		sbuf_addstr(&raw, "6,339,5140900,-;NET: Registered protocol family 10\n"
				  " SUBSYSTEM=net\n");
	}
	item_file_format_kmsg(sbuf_view(&raw), &out);
	in = sbuf_view(&out);
	while (str_next_line(&in, &line)) {
		lines++;
		CHECK(line.len > 15 && line.ptr[0] == '[' && line.ptr[13] == ']');
		CHECK(line.ptr[6] == '.');
	}
	CHECK(lines > 0);
	sbuf_release(&raw);
	sbuf_release(&out);
}

/* Listings run in a child: a FIFO where a directory should be is "missing" (ENOTDIR, no
 * hang), a directory is listed sorted, and a listing with no time left is not tried but
 * recorded as an item of the plan. */
static void test_listings_record_their_status(void)
{
	struct plan p;
	struct plan_ctx ctx = { .is_root = true };
	struct strlist names = { 0 };
	struct item_result r;
	char dir[64], path[128];

	snprintf(dir, sizeof(dir), "/tmp/plan_list.XXXXXX");
	CHECK(mkdtemp(dir) != NULL);
	ctx.sysroot = dir;
	snprintf(path, sizeof(path), "%s/fifo", dir);
	CHECK_INT(mkfifo(path, 0600), 0);
	snprintf(path, sizeof(path), "%s/b", dir);
	CHECK_INT(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/a", dir);
	CHECK_INT(mkdir(path, 0700), 0);

	plan_init(&p);
	CHECK(!plan_list(&p, &ctx, "/fifo", "fifo", &names, 10));
	CHECK_INT((int)p.items.n, 0); /* no such directory is not a failure to record */
	CHECK(plan_list(&p, &ctx, "", "top", &names, 10));
	CHECK_INT((int)names.n, 3);
	if (names.n == 3) {
		CHECK_STR(names.v[0], "a");
		CHECK_STR(names.v[2], "fifo");
	}
	ctx.end_ms = child_now_ms() - 1;
	CHECK(!plan_list(&p, &ctx, "/a", "a", &names, 10));
	CHECK_INT((int)p.items.n, 1);
	if (p.items.n == 1) {
		CHECK_STR(p.items.v[0].source, "/a");
		CHECK(p.items.v[0].skip_reason && strstr(p.items.v[0].skip_reason, "deadline"));
		CHECK_INT((int)p.items.v[0].skip_status, (int)STATUS_OK); /* recorded as skipped */
	}
	plan_release(&p);

	snprintf(path, sizeof(path), "%s/fifo", dir);
	item_result_init(&r, 4096);
	item_file_dirlist(path, 1000, &r);
	CHECK_INT((int)r.status, (int)STATUS_MISSING);
	CHECK(strstr(r.reason, "Not a directory") != NULL);
	item_result_release(&r);
	item_result_init(&r, 4096);
	item_file_dirlist(dir, 1000, &r);
	CHECK_INT((int)r.status, (int)STATUS_OK);
	CHECK_VIEW(sbuf_view(&r.data), "a\nb\nfifo\n");
	item_result_release(&r);
	strlist_free(&names);
	snprintf(path, sizeof(path), "rm -rf '%s'", dir);
	CHECK_INT(system(path), 0);
}

TEST_MAIN(test_table_expands_against_a_sysroot, test_proxmox_hostpci_and_romfile,
	  test_libvirt_hostdev_address_and_rom, test_rom_plan_picks_display_and_passthrough,
	  test_kmsg_records_format_like_dmesg, test_listings_record_their_status)
