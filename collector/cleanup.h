/* cleanup.h - what must be undone if collect is interrupted, and the signal handler that
 * undoes it.
 *
 * This is the one module with file-scope state: a signal handler can reach nothing else. It
 * records the ROM enable files currently switched on, the process groups of the running
 * children and the temporary archive. On SIGINT, SIGTERM, SIGHUP or SIGQUIT the handler, using only
 * async-signal-safe calls, writes "0\n" to every recorded ROM enable file, kills the children's
 * process groups, removes the temporary archive, then re-raises the signal with the default
 * action, so the exit status shows the signal and nothing remains under the final name.
 */
#pragma once

#include <sys/types.h>

#define CLEANUP_MAX_ROMS 8

/* Installs the handlers (SIGPIPE is ignored: a closed pipe is an item's error, not ours). */
void cleanup_install(void);
/* Remembers the temporary archive (copied; NULL forgets it once it has been renamed). */
void cleanup_set_temp(const char *path);
#define CLEANUP_MAX_CHILDREN 16

/* Remembers the process group of a running child, or forgets it again. A child beyond
 * CLEANUP_MAX_CHILDREN is not remembered (callers run fewer). */
void cleanup_child_add(pid_t pgid);
void cleanup_child_remove(pid_t pgid);
/* Records an open ROM enable fd before "1\n" is written to it; returns a slot or -1 when full
 * (then the caller must not switch the ROM on). */
int cleanup_rom_push(int fd);
/* Forgets a slot after "0\n" was written back. */
void cleanup_rom_pop(int slot);
/* Writes "0\n" at offset 0 of fd (the only write the kernel takes as "disable"; a bare "0"
 * would enable the ROM); async-signal-safe; 0 on success. */
int cleanup_rom_disable(int fd);
