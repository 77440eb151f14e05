/* run_golden.c - runs every parser over tests/golden/<parser>/<case>.in and compares the
 * dump (parse/dump.c) with <case>.out. UPDATE_GOLDEN=1 rewrites the .out files instead.
 * Inputs are real (seeds, linuxhw corpus, knowledge research), never invented. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/limits.h"
#include "common/sbuf.h"
#include "parse/parse.h"
#include "test.h"

static int names_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Runs one case; returns 0 when it matches (or was rewritten). */
static int run_case(const struct parser *p, const char *dir, const char *base, bool update)
{
	char in_path[4096], out_path[4096];
	struct parse_out out;
	struct error err = { 0 };
	struct sbuf sb;
	size_t len;
	char *in, *want;
	int ret = 0;

	if (snprintf(in_path, sizeof(in_path), "%s/%s.in", dir, base) >= (int)sizeof(in_path) ||
	    snprintf(out_path, sizeof(out_path), "%s/%s.out", dir, base) >= (int)sizeof(out_path)) {
		fprintf(stderr, "path too long: '%s/%s'\n", dir, base);
		return 1;
	}
	in = test_read_file(in_path, &len);
	parse_out_init(&out);
	sbuf_init(&sb, MAX_OUTPUT_BYTES);
	if (p->parse(str_from_mem(in, len), &out, &err) < 0)
		sbuf_addf(&sb, "error %d %s\n", err.code, err.msg);
	parse_out_dump(&out, &sb);
	if (update) {
		FILE *f = fopen(out_path, "wb");

		if (!f || fwrite(sb.buf, 1, sb.len, f) != sb.len) {
			fprintf(stderr, "cannot write '%s'\n", out_path);
			ret = 1;
		}
		if (f)
			fclose(f);
	} else {
		struct stat st;

		if (stat(out_path, &st) != 0) {
			fprintf(stderr, "%s: no .out file (run with UPDATE_GOLDEN=1)\n", in_path);
			ret = 1;
		} else {
			want = test_read_file(out_path, NULL);
			if (strcmp(want, sb.buf) != 0) {
				fprintf(stderr, "FAIL %s: output differs from %s\n--- got:\n%s\n",
					in_path, out_path, sb.buf);
				ret = 1;
			}
			free(want);
		}
	}
	sbuf_release(&sb);
	parse_out_release(&out);
	free(in);
	return ret;
}

static void run_parser_dir(const char *root, const char *name, bool update, int *passed,
			   int *failed)
{
	const struct parser *p = parser_by_name(name);
	char dir[4096];
	char *cases[4096];
	size_t n = 0;
	struct dirent *e;
	DIR *d;

	if (snprintf(dir, sizeof(dir), "%s/%s", root, name) >= (int)sizeof(dir)) {
		fprintf(stderr, "FAIL path too long: '%s/%s'\n", root, name);
		(*failed)++;
		return;
	}
	if (!p) {
		fprintf(stderr, "FAIL %s: no parser named '%s'\n", dir, name);
		(*failed)++;
		return;
	}
	d = opendir(dir);
	if (!d)
		return;
	while ((e = readdir(d)) && n < 4096) {
		size_t l = strlen(e->d_name);

		if (l > 3 && strcmp(e->d_name + l - 3, ".in") == 0)
			cases[n++] = strndup(e->d_name, l - 3);
	}
	closedir(d);
	qsort(cases, n, sizeof(cases[0]), names_cmp);
	for (size_t i = 0; i < n; i++) {
		if (run_case(p, dir, cases[i], update) == 0)
			(*passed)++;
		else
			(*failed)++;
		free(cases[i]);
	}
}

int main(int argc, char **argv)
{
	const char *update_env = getenv("UPDATE_GOLDEN");
	bool update = update_env && *update_env && strcmp(update_env, "0") != 0;
	int passed = 0, failed = 0;
	struct dirent *e;
	DIR *d;

	if (argc != 2) {
		fprintf(stderr, "usage: golden_runner GOLDEN_DIR\n");
		return 2;
	}
	d = opendir(argv[1]);
	if (!d) {
		fprintf(stderr, "cannot open '%s'\n", argv[1]);
		return 2;
	}
	while ((e = readdir(d))) {
		char path[4096];
		struct stat st;

		if (e->d_name[0] == '.')
			continue;
		if (snprintf(path, sizeof(path), "%s/%s", argv[1], e->d_name) >= (int)sizeof(path))
			continue;
		if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
			run_parser_dir(argv[1], e->d_name, update, &passed, &failed);
	}
	closedir(d);
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
