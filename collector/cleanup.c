/* cleanup.c - restore ROM enable bits, kill the child, remove the temporary archive on a
 * signal. Everything the handler touches is a fixed-size static, written before use. */
#include "cleanup.h"

#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "common/banned.h"

static volatile sig_atomic_t rom_fds[CLEANUP_MAX_ROMS] = { -1, -1, -1, -1, -1, -1, -1, -1 };
static volatile sig_atomic_t child_pgids[CLEANUP_MAX_CHILDREN];
static volatile sig_atomic_t have_temp;
static char temp_path[4096];

_Static_assert(CLEANUP_MAX_ROMS == 8, "rom_fds initialiser lists CLEANUP_MAX_ROMS entries");

/* Older kernels (drivers/pci/pci-sysfs.c, pci_write_rom) disable only on exactly "0\n" at
 * offset 0: `if ((off == 0) && (*buf == '0') && (count == 2))`, any other write enables;
 * newer ones parse it with kstrtobool(). "0\n" means off to both. */
int cleanup_rom_disable(int fd)
{
	return pwrite(fd, "0\n", 2, 0) == 2 ? 0 : -1;
}

static void on_signal(int sig)
{
	for (int i = 0; i < CLEANUP_MAX_ROMS; i++)
		if (rom_fds[i] >= 0)
			cleanup_rom_disable((int)rom_fds[i]);
	for (int i = 0; i < CLEANUP_MAX_CHILDREN; i++)
		if (child_pgids[i] > 0)
			kill(-(pid_t)child_pgids[i], SIGKILL);
	if (have_temp)
		unlink(temp_path);
	signal(sig, SIG_DFL);
	raise(sig);
}

void cleanup_install(void)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigfillset(&sa.sa_mask); /* nothing interrupts the handler */
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

void cleanup_set_temp(const char *path)
{
	have_temp = 0;
	if (!path)
		return;
	size_t n = strlen(path);
	if (n >= sizeof(temp_path))
		return;
	memcpy(temp_path, path, n + 1);
	have_temp = 1;
}

void cleanup_child_add(pid_t pgid)
{
	for (int i = 0; i < CLEANUP_MAX_CHILDREN; i++) {
		if (child_pgids[i] <= 0) {
			child_pgids[i] = pgid;
			return;
		}
	}
}

void cleanup_child_remove(pid_t pgid)
{
	for (int i = 0; i < CLEANUP_MAX_CHILDREN; i++)
		if (child_pgids[i] == pgid)
			child_pgids[i] = 0;
}

int cleanup_rom_push(int fd)
{
	for (int i = 0; i < CLEANUP_MAX_ROMS; i++) {
		if (rom_fds[i] < 0) {
			rom_fds[i] = fd;
			return i;
		}
	}
	return -1;
}

void cleanup_rom_pop(int slot)
{
	if (slot >= 0 && slot < CLEANUP_MAX_ROMS)
		rom_fds[slot] = -1;
}
