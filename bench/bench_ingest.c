/* bench_ingest.c - ingest time and throughput for the largest linuxhw dmesg+lspci pair
 * (by bytes; 0003 at the time of writing), and for that pair repeated 8 and 64 times in one
 * store to show the cost is linear. Prints figures; asserts nothing about time.
 *
 * usage: bench_ingest [SHARED_DIR]   (default: $VD_SHARED_DIR, else ../shared) */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "facts/factstore.h"
#include "input/ingest.h"

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static long long file_size(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? (long long)st.st_size : -1;
}

static void pick_largest(const char *root, char *dmesg, char *lspci, size_t cap)
{
	DIR *d = opendir(root);
	struct dirent *e;
	long long best = -1;

	while (d && (e = readdir(d))) {
		char a[2048], b[2048];
		long long n;

		if (e->d_name[0] == '.')
			continue;
		snprintf(a, sizeof(a), "%s/%s/dmesg.txt", root, e->d_name);
		snprintf(b, sizeof(b), "%s/%s/lspci.txt", root, e->d_name);
		if (file_size(a) < 0 || file_size(b) < 0)
			continue;
		n = file_size(a) + file_size(b);
		if (n > best && strlen(a) < cap) {
			best = n;
			snprintf(dmesg, cap, "%s", a);
			snprintf(lspci, cap, "%s", b);
		}
	}
	if (d)
		closedir(d);
}

static int run(const char *dmesg, const char *lspci, int reps, double bytes)
{
	struct error err = { 0 };
	struct factstore *fs = factstore_open(NULL, &err);
	struct ingest ing;
	double t0, t;

	if (!fs) {
		fprintf(stderr, "bench_ingest: %s\n", err.msg);
		return 1;
	}
	ingest_init(&ing, fs);
	t0 = now_ms();
	for (int i = 0; i < reps; i++)
		if (ingest_add(&ing, dmesg, &err) < 0 || ingest_add(&ing, lspci, &err) < 0) {
			fprintf(stderr, "bench_ingest: %s\n", err.msg);
			return 1;
		}
	t = now_ms() - t0;
	/* the first read builds the indexes: part of the cost of an ingest */
	t0 = now_ms();
	if (factstore_query(fs, "SELECT count(*) FROM lines WHERE bdf IS NOT NULL", NULL, 0, NULL,
			    NULL, &err) < 0) {
		fprintf(stderr, "bench_ingest: %s\n", err.msg);
		return 1;
	}
	t += now_ms() - t0;
	printf("%3d x pair: %8.2f ms  %7.1f MB/s  (read %.2f, parse %.2f, store %.2f, "
	       "index+query %.2f ms; %llu rows)\n",
	       reps, t, bytes * reps / 1e6 / (t / 1e3), ing.stats.read_ms, ing.stats.parse_ms,
	       ing.stats.store_ms, now_ms() - t0, (unsigned long long)factstore_row_count(fs));
	ingest_release(&ing);
	factstore_close(fs);
	return 0;
}

int main(int argc, char **argv)
{
	const char *shared = argc > 1 ? argv[1] : getenv("VD_SHARED_DIR");
	char root[1024], dmesg[2048] = "", lspci[2048] = "";
	double bytes;

	snprintf(root, sizeof(root), "%s/corpus/linuxhw", shared ? shared : "../shared");
	pick_largest(root, dmesg, lspci, sizeof(dmesg));
	if (!*dmesg) {
		fprintf(stderr, "bench_ingest: no dmesg.txt/lspci.txt pair under %s\n", root);
		return 1;
	}
	bytes = (double)(file_size(dmesg) + file_size(lspci));
	printf("largest pair: %s + lspci.txt, %.0f bytes\n", dmesg, bytes);
	for (int reps = 1; reps <= 64; reps *= 8)
		if (run(dmesg, lspci, reps, bytes) != 0)
			return 1;
	return 0;
}
