/* bench_parse_logs.c - kernel_log parse throughput: the largest linuxhw dmesg.txt (by bytes)
 * repeated to about 50 MB in one buffer, parsed in one call (line rows, stamps, addresses), and
 * the same for journal_parse on that text. Prints figures; asserts nothing about time.
 *
 * usage: bench_parse_logs [SHARED_DIR]   (default: $VD_SHARED_DIR, else ../shared) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "parse/parse.h"
#include "parse/parsers_all.h"

#define TARGET_BYTES (50u * 1024 * 1024)

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static char *read_all(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	struct stat st;
	char *buf;

	if (!f || fstat(fileno(f), &st) != 0 || st.st_size <= 0) {
		if (f)
			fclose(f);
		return NULL;
	}
	buf = malloc((size_t)st.st_size);
	if (!buf || fread(buf, 1, (size_t)st.st_size, f) != (size_t)st.st_size) {
		free(buf);
		fclose(f);
		return NULL;
	}
	fclose(f);
	*len = (size_t)st.st_size;
	return buf;
}

static void run(const char *name, int (*parse)(struct str, struct parse_out *, struct error *),
		struct str text)
{
	struct parse_out out;
	struct error err = { 0 };
	double t0, t1;
	int rc;

	parse_out_init(&out);
	t0 = now_s();
	rc = parse(text, &out, &err);
	t1 = now_s();
	printf("%-10s %8.1f MB in %6.3f s = %7.1f MB/s, %zu lines, %zu warnings%s\n", name,
	       (double)text.len / 1e6, t1 - t0, (double)text.len / 1e6 / (t1 - t0), out.lines.n,
	       out.warnings.n, rc ? " (error)" : "");
	parse_out_release(&out);
}

int main(int argc, char **argv)
{
	const char *shared = argc > 1 ? argv[1] : getenv("VD_SHARED_DIR");
	char path[4096], best[4096] = "";
	size_t best_len = 0, len, total = 0;
	char *one = NULL, *big;

	if (!shared || !*shared)
		shared = "../shared";
	for (int i = 1; i <= 99; i++) {
		struct stat st;

		snprintf(path, sizeof(path), "%s/corpus/linuxhw/%04d/dmesg.txt", shared, i);
		if (stat(path, &st) == 0 && (size_t)st.st_size > best_len) {
			best_len = (size_t)st.st_size;
			snprintf(best, sizeof(best), "%s", path);
		}
	}
	if (!best_len || !(one = read_all(best, &len))) {
		fprintf(stderr, "bench_parse_logs: no linuxhw dmesg.txt under '%s'\n", shared);
		return 1;
	}
	big = malloc(TARGET_BYTES + len);
	if (!big) {
		free(one);
		return 1;
	}
	while (total < TARGET_BYTES) {
		memcpy(big + total, one, len);
		total += len;
	}
	printf("input: %s (%zu bytes) x %zu\n", best, len, total / len);
	run("kernel_log", kernel_log_parse, str_from_mem(big, total));
	run("journal", journal_parse, str_from_mem(big, total));
	free(big);
	free(one);
	return 0;
}
