/* ingest_member_test.c - bytes in memory loaded as bundle members (what knowledge examples
 * named by a bundle path go through): the path table decides the kind and what the path
 * knows, exactly as in a bundle; names the table does not know are left to ingest_buffer().
 * Values are this machine's (/proc/sys/kernel/split_lock_mitigate 1, current_clocksource tsc,
 * kvm ignore_msrs N, its first PCI device's class and vendor), seed 001's VM 103 config lines,
 * docs/bundle-format.md's vfio-holders line, and the real SeaBIOS VGA ROM of tests/golden/rom. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "facts/factstore.h"
#include "input/ingest.h"
#include "test.h"

static int on_text(void *ctx, int ncols, const char *const *names, const struct fs_value *v)
{
	(void)names;
	if (ncols > 0 && v[0].type == FS_TEXT)
		snprintf(ctx, 256, "%.*s", (int)v[0].s.len, v[0].s.ptr);
	else if (ncols > 0 && v[0].type == FS_INT)
		snprintf(ctx, 256, "%lld", (long long)v[0].i);
	return 0;
}

static const char *q(struct factstore *fs, const char *sql)
{
	static char out[256];
	struct error err = { 0 };

	out[0] = '\0';
	if (factstore_query(fs, sql, NULL, 0, on_text, out, &err) < 0)
		fprintf(stderr, "query failed: %s\n", err.msg);
	return out;
}

static int member(struct ingest *ing, const char *path, const char *text)
{
	struct error err = { 0 };
	int ret = ingest_member(ing, path, str_from_cstr(text), &err);

	if (ret < 0)
		fprintf(stderr, "%s: %s\n", path, err.msg);
	return ret;
}

static void test_one_value_files_become_facts(void)
{
	struct error err = { 0 };
	struct factstore *fs = factstore_open(NULL, &err);
	struct ingest ing;

	ingest_init(&ing, fs);
	CHECK_INT(member(&ing, "proc/sys/kernel/split_lock_mitigate", "1\n"), 1);
	CHECK_INT(member(&ing, "sys/devices/system/clocksource/clocksource0/current_clocksource",
			 "tsc\n"),
		  1);
	CHECK_INT(member(&ing, "sys/module/kvm/parameters/ignore_msrs", "N\n"), 1);
	CHECK_INT(member(&ing, "sys/class/dmi/id/sys_vendor", "Microsoft Corporation\n"), 1);
	CHECK_INT(member(&ing, "cmd/vfio-holders", "/dev/vfio/14 free\n"), 1);
	CHECK_STR(q(fs, "SELECT value FROM facts WHERE scope = 'sysctl' AND "
			"key = 'kernel.split_lock_mitigate'"),
		  "1");
	CHECK_STR(q(fs, "SELECT value FROM facts WHERE scope = 'clocksource' AND "
			"key = 'current_clocksource'"),
		  "tsc");
	CHECK_STR(q(fs, "SELECT value FROM facts WHERE scope = 'modparam' AND subject = 'kvm' "
			"AND key = 'ignore_msrs'"),
		  "N");
	CHECK_STR(q(fs, "SELECT value FROM facts WHERE scope = 'dmi' AND key = 'sys_vendor'"),
		  "Microsoft Corporation");
	CHECK_STR(q(fs, "SELECT value FROM facts WHERE scope = 'vfio' AND "
			"subject = '/dev/vfio/14' AND key = 'holder'"),
		  "free");
	CHECK_STR(q(fs, "SELECT count(*) FROM inputs WHERE kind = 'kv' AND confidence = 100"), "5");
	/* a name the table does not know is not loaded: the caller sniffs it as a loose file */
	CHECK_INT(member(&ing, "dmesg.txt", "[    0.000000] Linux version 6.8.12-4-pve\n"), 0);
	CHECK_INT(member(&ing, "sys/module/kvm/parameters", "N\n"), 0);
	CHECK_STR(q(fs, "SELECT count(*) FROM inputs"), "5");
	ingest_release(&ing);
	factstore_close(fs);
}

static void test_parsed_kinds_take_what_the_path_knows(void)
{
	static const char conf[] = "bios: ovmf\n"
				   "cpu: host,hidden=1\n"
				   "hostpci0: 0000:00:02.0,romfile=12-n100-q10.rom,pcie=1,x-vga=1\n"
				   "ostype: win11\n";
	struct error err = { 0 };
	struct factstore *fs = factstore_open(NULL, &err);
	struct ingest ing;
	size_t len = 0;
	char *rom = test_read_file(
		test_path("VD_SOURCE_DIR", "tests/golden/rom/seabios_vgabios_bochs_display.in"),
		&len);

	ingest_init(&ing, fs);
	CHECK_INT(member(&ing, "etc/pve/qemu-server/103.conf", conf), 1);
	CHECK_STR(q(fs, "SELECT vmid FROM vms"), "103");
	CHECK_STR(
		q(fs, "SELECT confidence FROM inputs WHERE path = 'etc/pve/qemu-server/103.conf'"),
		"100");
	CHECK(rom != NULL && len == 28672);
	CHECK_INT(ingest_member(&ing, "roms/0000:01:00.0.rom", str_from_mem(rom, len), &err), 1);
	CHECK_STR(q(fs, "SELECT bdf FROM roms WHERE image = 0"), "0000:01:00.0");
	CHECK_STR(q(fs, "SELECT kind FROM inputs WHERE path = 'roms/0000:01:00.0.rom'"), "rom");
	free(rom);
	ingest_release(&ing);
	factstore_close(fs);
}

/* Attributes of one device wait for ingest_flush(), which makes one device row of them. */
static void test_device_attributes_make_one_device_at_flush(void)
{
	struct error err = { 0 };
	struct factstore *fs = factstore_open(NULL, &err);
	struct ingest ing;
	size_t clen = 0, vlen = 0;
	char *cls = test_read_file("/sys/bus/pci/devices/0000:00:00.0/class", &clen);
	char *ven = test_read_file("/sys/bus/pci/devices/0000:00:00.0/vendor", &vlen);

	if (!cls || !ven) {
		fprintf(stderr, "no /sys/bus/pci/devices/0000:00:00.0 here: using its values "
				"as read on the machine this test was written on\n");
		free(cls);
		free(ven);
		cls = strdup("0x060000\n");
		ven = strdup("0x8086\n");
	}
	ingest_init(&ing, fs);
	CHECK_INT(member(&ing, "sys/bus/pci/devices/0000:00:00.0/class", cls), 1);
	CHECK_INT(member(&ing, "sys/bus/pci/devices/0000:00:00.0/vendor", ven), 1);
	CHECK_STR(q(fs, "SELECT count(*) FROM inputs"), "0");
	CHECK_INT(ingest_flush(&ing, &err), 0);
	CHECK_STR(q(fs, "SELECT count(*) FROM devices WHERE bdf = '0000:00:00.0' AND "
			"source = 'sysfs'"),
		  "1");
	CHECK_STR(q(fs, "SELECT kind FROM inputs"), "sysfs_attr");
	CHECK_STR(q(fs, "SELECT count(*) FROM facts WHERE scope = 'sysfs' AND "
			"subject = '0000:00:00.0'"),
		  "2");
	free(cls);
	free(ven);
	ingest_release(&ing);
	factstore_close(fs);
}

TEST_MAIN(test_one_value_files_become_facts, test_parsed_kinds_take_what_the_path_knows,
	  test_device_attributes_make_one_device_at_flush)
