/* child.c - fork, a pipe, poll with a deadline, kill the process group: the one place the
 * collector waits for anything. */
#include "child.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cleanup.h"
#include "common/banned.h"

#define ERR_CAP	   4096
#define REAP_MS	   200 /* how long to wait for a killed child before leaving it */
#define CHILD_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

long child_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int child_write_all(int fd, const void *p, size_t n)
{
	const char *c = p;

	while (n > 0) {
		ssize_t w = write(fd, c, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		c += w;
		n -= (size_t)w;
	}
	return 0;
}

void child_out_init(struct child_out *co)
{
	memset(co, 0, sizeof(*co));
	sbuf_init(&co->out, 1);
	sbuf_init(&co->err, ERR_CAP);
}

void child_out_release(struct child_out *co)
{
	sbuf_release(&co->out);
	sbuf_release(&co->err);
}

static void sleep_ms(long ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000 };

	nanosleep(&ts, NULL);
}

static void kill_group(pid_t pid)
{
	kill(-pid, SIGKILL);
	kill(pid, SIGKILL);
}

/* Reaps pid, waiting until deadline; kills the group at the deadline and waits REAP_MS more. */
static void reap(pid_t pid, long deadline, struct child_out *co)
{
	int status;
	bool killed = false;

	for (;;) {
		pid_t r = waitpid(pid, &status, WNOHANG);

		if (r == pid) {
			if (WIFEXITED(status))
				co->exit_code = WEXITSTATUS(status);
			else if (WIFSIGNALED(status))
				co->term_signal = WTERMSIG(status);
			break;
		}
		if (r < 0 && errno != EINTR)
			break;
		if (child_now_ms() >= deadline) {
			if (killed)
				break; /* stuck in the kernel: leave it */
			kill_group(pid);
			killed = true;
			co->timed_out = co->timed_out || !co->truncated;
			deadline = child_now_ms() + REAP_MS;
		}
		sleep_ms(1);
	}
	if (killed || co->term_signal)
		co->exit_code = -1;
	kill(-pid, SIGKILL); /* grandchildren that outlived their parent */
	cleanup_child_remove(pid);
}

/* The parent's side: read out and err until EOF, the cap or the deadline. */
static void collect(pid_t pid, int ofd, int efd, size_t cap, long start, long timeout_ms,
		    struct child_out *co)
{
	long deadline = start + timeout_ms;
	char buf[65536];

	sbuf_init(&co->out, cap + 1);
	while (ofd >= 0 || efd >= 0) {
		struct pollfd p[2];
		nfds_t np = 0;
		long left = deadline - child_now_ms();
		int r;

		if (left <= 0) {
			co->timed_out = true;
			kill_group(pid);
			break;
		}
		if (ofd >= 0)
			p[np++] = (struct pollfd){ .fd = ofd, .events = POLLIN };
		if (efd >= 0)
			p[np++] = (struct pollfd){ .fd = efd, .events = POLLIN };
		r = poll(p, np, (int)left);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			break;
		for (nfds_t i = 0; i < np; i++) {
			ssize_t n;

			if (!(p[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			n = read(p[i].fd, buf, sizeof(buf));
			if (n < 0 && (errno == EINTR || errno == EAGAIN))
				continue;
			if (n <= 0) {
				close(p[i].fd);
				if (p[i].fd == ofd)
					ofd = -1;
				else
					efd = -1;
				continue;
			}
			if (p[i].fd == efd) {
				size_t room = ERR_CAP - 1 - co->err.len;

				sbuf_add(&co->err, buf, (size_t)n < room ? (size_t)n : room);
				continue;
			}
			if (co->out.len + (size_t)n > cap) {
				sbuf_add(&co->out, buf, cap - co->out.len);
				co->truncated = true;
				kill_group(pid);
				close(ofd);
				ofd = -1;
				if (efd >= 0)
					close(efd);
				efd = -1;
				break;
			}
			sbuf_add(&co->out, buf, (size_t)n);
		}
	}
	if (ofd >= 0)
		close(ofd);
	if (efd >= 0)
		close(efd);
	reap(pid, co->timed_out || co->truncated ? child_now_ms() : deadline, co);
	co->duration_ms = child_now_ms() - start;
}

int child_spawn_exec(const char *path, char *const argv[], struct child_proc *p)
{
	int op[2], ep[2];
	pid_t pid;

	p->t0 = child_now_ms();
	if (pipe2(op, O_CLOEXEC) < 0)
		return -1;
	if (pipe2(ep, O_CLOEXEC) < 0) {
		close(op[0]);
		close(op[1]);
		return -1;
	}
	pid = fork();
	if (pid < 0) {
		close(op[0]);
		close(op[1]);
		close(ep[0]);
		close(ep[1]);
		return -1;
	}
	if (pid == 0) {
		static const char *const envp[] = { "PATH=" CHILD_PATH, "LC_ALL=C",
						    "LANG=C",		"TERM=dumb",
						    "SYSTEMD_PAGER=",	"PAGER=cat",
						    "SYSTEMD_COLORS=0", NULL };
		struct sigaction dfl;
		int null = open("/dev/null", O_RDONLY | O_CLOEXEC);

		memset(&dfl, 0, sizeof(dfl));
		dfl.sa_handler = SIG_DFL;
		for (int s = 1; s < 32; s++)
			if (s != SIGKILL && s != SIGSTOP)
				sigaction(s, &dfl, NULL);
		setpgid(0, 0);
		if (null >= 0)
			dup2(null, 0);
		dup2(op[1], 1);
		dup2(ep[1], 2);
		execve(path, argv, (char *const *)envp);
		_exit(127);
	}
	setpgid(pid, pid);
	cleanup_child_add(pid);
	close(op[1]);
	close(ep[1]);
	p->pid = pid;
	p->ofd = op[0];
	p->efd = ep[0];
	return 0;
}

void child_collect(struct child_proc *p, size_t cap, long timeout_ms, struct child_out *co)
{
	co->exit_code = -1;
	collect(p->pid, p->ofd, p->efd, cap, p->t0, timeout_ms, co);
	p->pid = 0;
	p->ofd = p->efd = -1;
}

int child_run_exec(const char *path, char *const argv[], size_t cap, long timeout_ms,
		   struct child_out *co)
{
	struct child_proc p;

	if (child_spawn_exec(path, argv, &p) < 0)
		return -1;
	child_collect(&p, cap, timeout_ms, co);
	return 0;
}

pid_t child_spawn_fn(int (*fn)(void *arg, int fd), void *arg, int *fd)
{
	int op[2];
	pid_t pid;

	if (pipe2(op, O_CLOEXEC) < 0)
		return -1;
	pid = fork();
	if (pid < 0) {
		close(op[0]);
		close(op[1]);
		return -1;
	}
	if (pid == 0) {
		struct sigaction dfl;

		memset(&dfl, 0, sizeof(dfl));
		dfl.sa_handler = SIG_DFL;
		for (int s = 1; s < 32; s++)
			if (s != SIGKILL && s != SIGSTOP)
				sigaction(s, &dfl, NULL);
		setpgid(0, 0);
		close(op[0]);
		_exit(fn(arg, op[1]) & 0xff);
	}
	setpgid(pid, pid);
	cleanup_child_add(pid);
	close(op[1]);
	*fd = op[0];
	return pid;
}

void child_stop(pid_t pid, bool kill_it)
{
	struct child_out co;

	memset(&co, 0, sizeof(co));
	if (kill_it)
		kill_group(pid);
	reap(pid, child_now_ms() + (kill_it ? 0 : REAP_MS), &co);
}
