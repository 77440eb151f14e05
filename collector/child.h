/* child.h - run bounded work in child processes: a command, or a function (a read that may
 * block on a wedged device or a FIFO), with a deadline and an output cap.
 *
 * The child gets its own process group; at the deadline or when the output passes the cap the
 * whole group is killed with SIGKILL, so a stuck read or a runaway command costs one item, not
 * the run. A child stuck in the kernel (uninterruptible sleep) cannot be reaped: it is left
 * behind, not waited for. Output arrives through a pipe into co->out (capped at cap bytes; one
 * byte more means truncated) and, for commands, stderr into co->err (first 4 KiB).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "common/sbuf.h"

struct child_out {
	struct sbuf out;
	struct sbuf err;
	int exit_code;	 /* exit status, or -1 when killed or not reaped */
	int term_signal; /* the signal that ended it, 0 if none */
	bool timed_out;
	bool truncated;
	long duration_ms;
};

/* Initialises co (both buffers empty); call child_out_release() after. */
void child_out_init(struct child_out *co);
void child_out_release(struct child_out *co);

/* Runs path with argv and a minimal environment (LC_ALL=C, fixed PATH), stdin /dev/null,
 * and collects it. 0, or -1 with errno when it could not be started. */
int child_run_exec(const char *path, char *const argv[], size_t cap, long timeout_ms,
		   struct child_out *co);

/* The same in two steps, so that several commands can run at once: child_spawn_exec()
 * starts the command (0, or -1 with errno); child_collect() reads its output until EOF, the
 * cap, or timeout_ms after it was started, then reaps it. A command whose output is not
 * collected yet blocks once its pipe (64 KiB) is full; that costs it time, not output. */
struct child_proc {
	pid_t pid;
	int ofd, efd;
	long t0;
};

int child_spawn_exec(const char *path, char *const argv[], struct child_proc *p);
void child_collect(struct child_proc *p, size_t cap, long timeout_ms, struct child_out *co);

/* The streaming form, for a caller that parses output as it arrives: starts fn(arg, fd) in a
 * child (own process group, registered with cleanup.h) and returns its pid, with the read end
 * of its pipe in *fd (the caller closes it); -1 on failure. child_stop() kills the group when
 * kill_it, then reaps the child, waiting at most a short grace period. */
pid_t child_spawn_fn(int (*fn)(void *arg, int fd), void *arg, int *fd);
void child_stop(pid_t pid, bool kill_it);

/* Milliseconds on the monotonic clock. */
long child_now_ms(void);
/* Writes all n bytes to fd (a child's pipe), retrying on EINTR; -1 when the reader is gone. */
int child_write_all(int fd, const void *p, size_t n);
