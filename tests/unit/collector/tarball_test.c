/* tarball_test.c - collector/tarball.c: write an archive, read it back with the system's tar
 * (GNU tar) and compare names, sizes and bytes; long names go through a pax header. The
 * payload is real: linuxhw 0001's dmesg and a pciutils config dump line. */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/error.h"
#include "tarball.h"
#include "test.h"

static char *run(const char *cmd, size_t *len)
{
	FILE *p = popen(cmd, "r");
	char *buf = calloc(1, 1 << 20);
	size_t n = 0;

	if (!p || !buf)
		exit(2);
	n = fread(buf, 1, (1 << 20) - 1, p);
	buf[n] = '\0';
	pclose(p);
	if (len)
		*len = n;
	return buf;
}

static void test_archive_reads_back_with_tar(void)
{
	char dir[] = "/tmp/tarball_test.XXXXXX", path[256], cmd[1024];
	size_t dlen, got_len;
	char *dmesg =
		test_read_file(test_path("VD_SHARED_DIR", "corpus/linuxhw/0001/dmesg.txt"), &dlen);
	static const char long_name[] =
		"vfio-bundle-host0-20261121T131340Z/var/log/pve/tasks/5/"
		"UPID:host0:00004A2C:0001D2B1:676D5B2A:qmstart:110:root@pam:"
		"-and-a-component-long-enough-to-need-a-pax-header-xxxxxxxxxxxxxxxxxxxxxxxxx";
	struct tarball t;
	struct error err = { 0 };
	char *list, *got;
	int fd;

	CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/b.tar.gz", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	CHECK(fd >= 0);
	CHECK_INT(tarball_open(&t, fd, 6, 1763730000, &err), 0);
	CHECK_INT(tarball_add_dir(&t, "vfio-bundle-host0-20261121T131340Z", &err), 0);
	CHECK_INT(tarball_add_file(&t, "vfio-bundle-host0-20261121T131340Z/cmd/dmesg", dmesg, dlen,
				   &err),
		  0);
	CHECK_INT(tarball_add_file(&t,
				   "vfio-bundle-host0-20261121T131340Z/sys/bus/pci/devices/"
				   "0000:00:02.0/empty",
				   "", 0, &err),
		  0);
	CHECK_INT(tarball_add_file(&t, long_name, "00: 02 10 00 73 07 04 10 00\n", 28, &err), 0);
	CHECK_INT(tarball_close(&t, &err), 0);

	snprintf(cmd, sizeof(cmd), "tar -tzf %s", path);
	list = run(cmd, NULL);
	CHECK(strstr(list, "vfio-bundle-host0-20261121T131340Z/\n") != NULL);
	CHECK(strstr(list, "vfio-bundle-host0-20261121T131340Z/cmd/dmesg\n") != NULL);
	CHECK(strstr(list, "devices/0000:00:02.0/empty\n") != NULL);
	CHECK(strstr(list, long_name) != NULL);
	free(list);

	snprintf(cmd, sizeof(cmd), "tar -xzOf %s vfio-bundle-host0-20261121T131340Z/cmd/dmesg",
		 path);
	got = run(cmd, &got_len);
	CHECK_INT(got_len, dlen);
	CHECK(memcmp(got, dmesg, dlen) == 0);
	free(got);

	snprintf(cmd, sizeof(cmd), "tar -xzOf %s '%s'", path, long_name);
	got = run(cmd, &got_len);
	CHECK_STR(got, "00: 02 10 00 73 07 04 10 00\n");
	free(got);

	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	CHECK_INT(system(cmd), 0);
	free(dmesg);
}

static void test_write_to_closed_fd_fails(void)
{
	int p[2];
	struct tarball t;
	struct error err = { 0 };
	static char big[1 << 20];

	CHECK_INT(pipe(p), 0);
	close(p[0]); /* nobody reads: every write fails with EPIPE (SIGPIPE ignored below) */
	signal(SIGPIPE, SIG_IGN);
	CHECK_INT(tarball_open(&t, p[1], 1, 0, &err), 0);
	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (char)(i * 2654435761u >> 24); /* incompressible enough to flush */
	tarball_add_file(&t, "x/a", big, sizeof(big), &err);
	CHECK_INT(tarball_close(&t, &err), -1);
	CHECK_INT(err.code, EXIT_OUTPUT);
}

TEST_MAIN(test_archive_reads_back_with_tar, test_write_to_closed_fd_fails)
