/* bundle_test.c - input/bundle.c and dir.c through ingest: a bundle directory built at test
 * time from real files (linuxhw/0001 dmesg and lspci, seed 001's VM config, this machine's
 * /proc/cmdline and one PCI device's sysfs attributes, seed 004's IOMMU group 7), packed
 * with the tar/zip/zstd/xz commands as every supported archive type and read back: each
 * gives the same rows. Also links skipped with a warning and a truncated archive refused. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "facts/factstore.h"
#include "input/ingest.h"
#include "test.h"

static char tmp[64];
static char top[128];
static char bdf[32];

static void run(const char *cmd)
{
	int rc = system(cmd);

	if (rc != 0) {
		fprintf(stderr, "command failed (%d): %s\n", rc, cmd);
		exit(2);
	}
}

static void put(const char *rel, const char *data, size_t len)
{
	char path[512], cmd[600];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", top, rel);
	snprintf(cmd, sizeof(cmd), "mkdir -p \"$(dirname '%s')\"", path);
	run(cmd);
	f = fopen(path, "wb");
	if (!f || fwrite(data, 1, len, f) != len) {
		fprintf(stderr, "cannot write %s\n", path);
		exit(2);
	}
	fclose(f);
}

static void copy(const char *src, const char *rel)
{
	size_t len;
	char *buf = test_read_file(src, &len);

	put(rel, buf, len);
	free(buf);
}

/* The first PCI device of this machine whose sysfs has vendor and class. */
static void copy_sysfs_device(void)
{
	static const char *const attrs[] = { "vendor",	 "device",	     "class",
					     "revision", "subsystem_vendor", "subsystem_device",
					     "resource", "d3cold_allowed",   "power_state",
					     "enable",	 "boot_vga",	     "reset_method" };
	FILE *p = popen("ls /sys/bus/pci/devices | head -1", "r");
	char link[512], rel[256], src[256];
	ssize_t n;

	if (!p || !fgets(bdf, sizeof(bdf), p)) {
		fprintf(stderr, "this machine has no PCI devices in sysfs\n");
		exit(2);
	}
	pclose(p);
	bdf[strcspn(bdf, "\n")] = '\0';
	for (size_t i = 0; i < sizeof(attrs) / sizeof(attrs[0]); i++) {
		snprintf(src, sizeof(src), "/sys/bus/pci/devices/%s/%s", bdf, attrs[i]);
		if (access(src, R_OK) != 0)
			continue;
		snprintf(rel, sizeof(rel), "sys/bus/pci/devices/%s/%s", bdf, attrs[i]);
		copy(src, rel);
	}
	snprintf(src, sizeof(src), "/sys/bus/pci/devices/%s/driver", bdf);
	n = readlink(src, link, sizeof(link) - 2);
	if (n > 0) {
		link[n++] = '\n';
		snprintf(rel, sizeof(rel), "sys/bus/pci/devices/%s/driver", bdf);
		put(rel, link, (size_t)n);
	}
}

static void build_bundle_dir(void)
{
	char cmd[8192];

	snprintf(tmp, sizeof(tmp), "/tmp/vd-bundle-test-XXXXXX");
	if (!mkdtemp(tmp))
		exit(2);
	snprintf(top, sizeof(top), "%s/vfio-bundle-h1-20261121T000000Z", tmp);
	copy(test_path("VD_SHARED_DIR", "corpus/linuxhw/0001/dmesg.txt"), "cmd/dmesg");
	copy(test_path("VD_SHARED_DIR", "corpus/linuxhw/0001/lspci.txt"), "cmd/lspci-nnkvv");
	copy("/proc/cmdline", "proc/cmdline");
	/* seed 001's VM config (its "Code:" block, lines 39-63) */
	snprintf(cmd, sizeof(cmd),
		 "mkdir -p %s/etc/pve/qemu-server && sed -n 39,63p %s > "
		 "%s/etc/pve/qemu-server/103.conf",
		 top, test_path("VD_SHARED_DIR", "seeds/001_08cfc1e37197bab7.txt"), top);
	run(cmd);
	/* seed 004: "Group 7" holds 01:00.0 and 01:00.1 */
	put("sys/kernel/iommu_groups/7/devices", "0000:01:00.0\n0000:01:00.1\n", 26);
	copy_sysfs_device();
	/* the collector's manifest records, as DESIGN.md lists their fields */
	static const char manifest[] =
		"{\"format_version\":1,\"root\":true,\"items\":["
		"{\"source\":\"lspci -nnkvv\",\"path\":\"cmd/lspci-nnkvv\",\"status\":\"ok\",\"bytes\":24804},"
		"{\"source\":\"/sys/kernel/iommu_groups\",\"path\":\"sys/kernel/iommu_groups\","
		"\"status\":\"timeout\",\"reason\":\"2000 ms\"}]}";
	put("manifest.json", manifest, sizeof(manifest) - 1);
}

struct counts {
	long long inputs, lines, lspci_devices, sysfs_devices, groups, hostdevs, manifest_timeout,
		cmdline_lines;
};

static int on_int(void *ctx, int ncols, const char *const *names, const struct fs_value *v)
{
	(void)names;
	if (ncols > 0 && v[0].type == FS_INT)
		*(long long *)ctx = v[0].i;
	return 0;
}

static long long q(struct factstore *fs, const char *sql)
{
	struct error err = { 0 };
	long long v = -1;

	if (factstore_query(fs, sql, NULL, 0, on_int, &v, &err) < 0)
		fprintf(stderr, "query failed: %s\n", err.msg);
	return v;
}

static int ingest_one(const char *path, struct counts *c, struct ingest *keep_warnings)
{
	struct error err = { 0 };
	struct factstore *fs = factstore_open(NULL, &err);
	struct ingest ing;
	int rc;

	ingest_init(&ing, fs);
	rc = ingest_add(&ing, path, &err);
	if (rc < 0)
		fprintf(stderr, "%s: %s\n", path, err.msg);
	c->inputs = q(fs, "SELECT count(*) FROM inputs");
	c->lines = q(fs, "SELECT count(*) FROM lines l JOIN inputs i ON i.id = l.input_id "
			 "WHERE i.path IN ('cmd/dmesg', 'cmd/lspci-nnkvv')");
	c->lspci_devices = q(fs, "SELECT count(*) FROM devices WHERE source = 'lspci'");
	c->sysfs_devices = q(fs, "SELECT count(*) FROM devices WHERE source = 'sysfs' AND "
				 "vendor IS NOT NULL AND class IS NOT NULL");
	c->groups = q(fs, "SELECT count(*) FROM iommu_groups WHERE grp = 7");
	c->hostdevs = q(fs, "SELECT count(*) FROM vm_hostdevs h JOIN vms v ON v.id = h.vm_id "
			    "WHERE v.vmid = '103' AND h.bdf = '0000:00:02.0'");
	c->manifest_timeout = q(fs, "SELECT count(*) FROM facts WHERE scope = 'manifest' AND "
				    "subject = 'sys/kernel/iommu_groups' AND key = 'status' AND "
				    "value = 'timeout'");
	c->cmdline_lines = q(fs, "SELECT count(*) FROM inputs WHERE path = 'proc/cmdline' AND "
				 "kind = 'cmdline' AND confidence = 100");
	if (keep_warnings) {
		*keep_warnings = ing;
	} else {
		ingest_release(&ing);
	}
	factstore_close(fs);
	return rc;
}

static long long lines_of(const char *rel)
{
	size_t len;
	char *buf = test_read_file(test_path("VD_SHARED_DIR", rel), &len);
	long long n = 0;

	for (size_t i = 0; i < len; i++)
		n += buf[i] == '\n';
	if (len && buf[len - 1] != '\n')
		n++;
	free(buf);
	return n;
}

static struct counts dir_counts;

static void test_bundle_directory_yields_every_kind_of_row(void)
{
	long long want = lines_of("corpus/linuxhw/0001/dmesg.txt") +
			 lines_of("corpus/linuxhw/0001/lspci.txt");

	CHECK_INT(ingest_one(top, &dir_counts, NULL), 0);
	CHECK_INT(dir_counts.lines, want);
	CHECK_INT(dir_counts.sysfs_devices, 1);
	CHECK_INT(dir_counts.groups, 2);
	CHECK_INT(dir_counts.hostdevs, 1);
	CHECK_INT(dir_counts.manifest_timeout, 1);
	CHECK_INT(dir_counts.cmdline_lines, 1);
	/* dmesg, lspci, cmdline, 103.conf, group 7, manifest, the sysfs device */
	CHECK_INT(dir_counts.inputs, 7);
}

static void check_archive(const char *name, const char *pack)
{
	char cmd[1024], path[256];
	struct counts c = { 0 };

	snprintf(path, sizeof(path), "%s/%s", tmp, name);
	snprintf(cmd, sizeof(cmd), "cd %s && %s %s vfio-bundle-h1-20261121T000000Z >/dev/null", tmp,
		 pack, name);
	run(cmd);
	CHECK_INT(ingest_one(path, &c, NULL), 0);
	if (memcmp(&c, &dir_counts, sizeof(c)) != 0)
		fprintf(stderr, "%s differs from the directory\n", name);
	CHECK(memcmp(&c, &dir_counts, sizeof(c)) == 0);
}

static void test_every_archive_type_reads_like_the_directory(void)
{
	check_archive("b.tar.gz", "tar czf");
	check_archive("b.tar.xz", "tar cJf");
	check_archive("b.tar.zst", "tar --zstd -cf");
	check_archive("b.tar", "tar cf");
	check_archive("b.zip", "zip -qr");
}

static void test_symlinks_are_skipped_with_a_warning(void)
{
	char cmd[1024], path[256];
	struct counts c = { 0 };
	struct ingest ing;
	bool warned = false;

	snprintf(cmd, sizeof(cmd),
		 "cd %s && ln -s /etc/passwd vfio-bundle-h1-20261121T000000Z/cmd/uname-a && "
		 "tar czf links.tar.gz vfio-bundle-h1-20261121T000000Z && "
		 "rm vfio-bundle-h1-20261121T000000Z/cmd/uname-a",
		 tmp);
	run(cmd);
	snprintf(path, sizeof(path), "%s/links.tar.gz", tmp);
	CHECK_INT(ingest_one(path, &c, &ing), 0);
	for (size_t i = 0; i < ing.warnings.n; i++)
		warned |= ing.warnings.v[i].path && strcmp(ing.warnings.v[i].path, path) == 0 &&
			  strcmp(ing.warnings.v[i].message,
				 "'cmd/uname-a': symbolic link, skipping") == 0;
	CHECK(warned);
	CHECK_INT(c.inputs, dir_counts.inputs);
	ingest_release(&ing);
}

static void test_truncated_archive_is_one_input_error(void)
{
	char cmd[1024], path[256];
	struct error err = { 0 };
	struct factstore *fs = factstore_open(NULL, &err);
	struct ingest ing;

	snprintf(cmd, sizeof(cmd), "cd %s && head -c 6000 b.tar.gz > cut.tar.gz", tmp);
	run(cmd);
	snprintf(path, sizeof(path), "%s/cut.tar.gz", tmp);
	ingest_init(&ing, fs);
	CHECK_INT(ingest_add(&ing, path, &err), -1);
	CHECK_INT(err.code, EXIT_INPUT);
	CHECK(strstr(err.msg, "cut.tar.gz") != NULL);
	ingest_release(&ing);
	factstore_close(fs);
}

static void test_cleanup(void)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmp);
	run(cmd);
}

static void test_setup(void)
{
	build_bundle_dir();
}

TEST_MAIN(test_setup, test_bundle_directory_yields_every_kind_of_row,
	  test_every_archive_type_reads_like_the_directory,
	  test_symlinks_are_skipped_with_a_warning, test_truncated_archive_is_one_input_error,
	  test_cleanup)
