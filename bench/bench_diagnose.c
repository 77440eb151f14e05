/* bench_diagnose.c - diagnose() time on every linuxhw dmesg+lspci pair loaded into one store,
 * repeated 1, 8 and 32 times, with the matcher's counters: lines scanned, (line, clause) pairs
 * the literal prefilter rejected, pcre2_match calls, SQL queries. CPU time (clock()) is printed
 * next to wall time because the build machine is shared. Asserts nothing about time.
 *
 * usage: bench_diagnose [SHARED_DIR]   (default: $VD_SHARED_DIR, else ../shared) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "facts/factstore.h"
#include "input/ingest.h"
#include "rank/diagnose.h"
#include "rank/result.h"

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int load(struct ingest *ing, const char *shared, int copies)
{
	static const char *const files[] = { "dmesg.txt", "lspci.txt" };
	struct error err = { 0 };

	for (int c = 0; c < copies; c++)
		for (int m = 1; m <= 7; m++)
			for (size_t f = 0; f < 2; f++) {
				char path[2048];
				snprintf(path, sizeof(path), "%s/corpus/linuxhw/%04d/%s", shared, m,
					 files[f]);
				if (ingest_add(ing, path, &err) < 0) {
					fprintf(stderr, "bench_diagnose: %s\n", err.msg);
					return -1;
				}
			}
	return 0;
}

static int count_line(void *ctx, const struct fs_line *line)
{
	(void)line;
	(*(unsigned long long *)ctx)++;
	return 0;
}

int main(int argc, char **argv)
{
	const char *shared = argc > 1 ? argv[1] : getenv("VD_SHARED_DIR");
	static const int copies[] = { 1, 8, 32 };

	if (!shared || !*shared)
		shared = "../shared";
	printf("%-7s %9s %9s %9s %12s %10s %6s %9s\n", "copies", "lines", "wall_ms", "cpu_ms",
	       "prefiltered", "pcre2", "sql", "findings");
	for (size_t i = 0; i < sizeof(copies) / sizeof(copies[0]); i++) {
		struct error err = { 0 };
		struct factstore *fs = factstore_open(NULL, &err);
		struct ingest ing;
		struct result res;
		struct diagnose_stats st;
		struct diagnose_options opt = { .stats = &st, .timings = true };
		double t0;
		clock_t c0;
		unsigned long long walked = 0;

		if (!fs)
			return 1;
		ingest_init(&ing, fs);
		result_init(&res);
		if (load(&ing, shared, copies[i]) < 0)
			return 1;
		t0 = now_ms();
		c0 = clock();
		factstore_each_line(fs, 0, count_line, &walked, &err);
		fprintf(stderr, "  walking %llu lines alone: %.1f ms cpu\n", walked,
			(double)(clock() - c0) * 1000.0 / CLOCKS_PER_SEC);
		t0 = now_ms();
		c0 = clock();
		if (diagnose(fs, &opt, &res, &err) < 0) {
			fprintf(stderr, "bench_diagnose: %s\n", err.msg);
			return 1;
		}
		fprintf(stderr, "  load %.1f ms, match %.1f ms, rank %.1f ms\n", st.load_ms,
			st.match_ms, st.rank_ms);
		printf("%-7d %9llu %9.1f %9.1f %12llu %10llu %6llu %9zu\n", copies[i],
		       (unsigned long long)st.lines_scanned, now_ms() - t0,
		       (double)(clock() - c0) * 1000.0 / CLOCKS_PER_SEC,
		       (unsigned long long)st.prefilter_skips, (unsigned long long)st.pattern_calls,
		       (unsigned long long)st.sql_queries, res.n_findings);
		result_release(&res);
		ingest_release(&ing);
		factstore_close(fs);
	}
	return 0;
}
