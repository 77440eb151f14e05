/* fuse_hang.c - mount a FUSE filesystem whose daemon never answers, for
 * collect_fuse_hang.sh: the stand-in for a wedged pmxcfs (/etc/pve). It opens /dev/fuse,
 * mounts it on argv[1], prints "mounted" and then never reads the device, so every request
 * (the mount's first opendir, lookup, open) sleeps in the kernel until the mount is
 * detached or this process dies. Exit 77 (skip) when FUSE cannot be mounted here. */
#include <fcntl.h>
#include <stdio.h>
#include <sys/mount.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	char opts[128];
	int fd;

	if (argc != 2) {
		fprintf(stderr, "usage: fuse_hang MOUNTPOINT\n");
		return 2;
	}
	fd = open("/dev/fuse", O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		perror("fuse_hang: /dev/fuse");
		return 77;
	}
	snprintf(opts, sizeof(opts), "fd=%d,rootmode=40000,user_id=0,group_id=0", fd);
	if (mount("vd-hang", argv[1], "fuse", MS_NOSUID | MS_NODEV, opts) < 0) {
		perror("fuse_hang: mount");
		return 77;
	}
	printf("mounted\n");
	fflush(stdout);
	for (;;)
		pause();
}
