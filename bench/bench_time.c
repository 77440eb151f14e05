/* bench_time.c - run one command and append "wall_s cpu_s maxrss_kib" to a file: the
 * measuring tool of bench/run.sh. GNU time prints CPU time in hundredths of a second, too
 * coarse for a 20 ms floor; wait4()'s rusage has microseconds (user + system of the command
 * and of every descendant it waited for) and the same peak RSS as GNU time's %M.
 *
 * usage: bench_time OUTFILE COMMAND [ARG...]
 * The command's standard streams are inherited; its exit status is ignored (pcre2grep exits 1
 * when nothing matches, analyze corpus non-zero when a case fails) unless it could not run. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double tv_s(struct timeval tv)
{
	return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

int main(int argc, char **argv)
{
	struct rusage ru;
	double t0, wall;
	int status = 0;
	pid_t pid;
	FILE *f;

	if (argc < 3) {
		fprintf(stderr, "usage: bench_time OUTFILE COMMAND [ARG...]\n");
		return 2;
	}
	t0 = now_s();
	pid = fork();
	if (pid < 0) {
		fprintf(stderr, "bench_time: fork: %s\n", strerror(errno));
		return 1;
	}
	if (pid == 0) {
		execvp(argv[2], argv + 2);
		fprintf(stderr, "bench_time: cannot run '%s': %s\n", argv[2], strerror(errno));
		_exit(127);
	}
	while (wait4(pid, &status, 0, &ru) < 0) {
		if (errno != EINTR) {
			fprintf(stderr, "bench_time: wait4: %s\n", strerror(errno));
			return 1;
		}
	}
	wall = now_s() - t0;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
		return 1;
	f = fopen(argv[1], "a");
	if (!f) {
		fprintf(stderr, "bench_time: cannot write '%s': %s\n", argv[1], strerror(errno));
		return 1;
	}
	fprintf(f, "%.4f %.4f %ld\n", wall, tv_s(ru.ru_utime) + tv_s(ru.ru_stime), ru.ru_maxrss);
	return fclose(f) == 0 ? 0 : 1;
}
