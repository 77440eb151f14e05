/* ingest_corpus_test.c - every file of every linuxhw/NNNN/ directory (real dmesg, lspci -vvnn
 * and lscpu of real machines) ingested as loose files into one store per directory: no
 * error, every line in `lines`, and one lspci device row per device block. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "facts/factstore.h"
#include "input/ingest.h"
#include "test.h"

static int on_int(void *ctx, int ncols, const char *const *names, const struct fs_value *v)
{
	(void)names;
	if (ncols > 0 && v[0].type == FS_INT)
		*(long long *)ctx = v[0].i;
	return 0;
}

static long long q(struct factstore *fs, const char *sql, const char *path)
{
	struct error err = { 0 };
	struct fs_param p = { .name = "path", .value = str_from_cstr(path) };
	long long v = -1;

	if (factstore_query(fs, sql, &p, 1, on_int, &v, &err) < 0)
		fprintf(stderr, "query failed: %s\n", err.msg);
	return v;
}

static long long count_lines(const char *buf, size_t len)
{
	long long n = 0;

	for (size_t i = 0; i < len; i++)
		n += buf[i] == '\n';
	return n + (len && buf[len - 1] != '\n');
}

/* lspci device blocks start at column 0 with "bb:dd.f " or "dddd:bb:dd.f ". */
static long long count_device_blocks(const char *buf, size_t len)
{
	long long n = 0;
	struct str text = str_from_mem(buf, len), line;

	while (str_next_line(&text, &line)) {
		struct str w;
		struct pciaddr a;

		if (line.len && line.ptr[0] != '\t' && line.ptr[0] != ' ' &&
		    str_next_word(&line, &w) && pciaddr_parse(w, false, &a))
			n++;
	}
	return n;
}

static void ingest_dir(const char *dir)
{
	static const char *const files[] = { "dmesg.txt", "lspci.txt", "lscpu.txt" };
	struct error err = { 0 };
	struct factstore *fs = factstore_open(NULL, &err);
	struct ingest ing;

	ingest_init(&ing, fs);
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		char path[4500];
		size_t len;
		char *buf;
		FILE *f;

		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		f = fopen(path, "rb");
		if (!f)
			continue; /* lscpu.txt exists for two probes only */
		fclose(f);
		buf = test_read_file(path, &len);
		if (ingest_add(&ing, path, &err) < 0) {
			fprintf(stderr, "%s: %s\n", path, err.msg);
			CHECK(!"ingest failed");
			free(buf);
			continue;
		}
		long long lines = q(fs,
				    "SELECT count(*) FROM lines l JOIN inputs i ON "
				    "i.id = l.input_id WHERE i.path = :path",
				    path);
		if (lines != count_lines(buf, len))
			fprintf(stderr, "%s: %lld lines stored\n", path, lines);
		CHECK_INT(lines, count_lines(buf, len));
		if (strcmp(files[i], "lspci.txt") == 0) {
			long long kind_ok = q(fs,
					      "SELECT count(*) FROM inputs WHERE path = :path "
					      "AND kind = 'lspci'",
					      path);
			long long devs = q(fs,
					   "SELECT count(*) FROM devices d JOIN inputs i ON "
					   "i.id = d.input_id WHERE i.path = :path",
					   path);

			if (!kind_ok || devs != count_device_blocks(buf, len))
				fprintf(stderr, "%s: kind lspci %lld, %lld devices\n", path,
					kind_ok, devs);
			CHECK_INT(kind_ok, 1);
			CHECK_INT(devs, count_device_blocks(buf, len));
		}
		free(buf);
	}
	ingest_release(&ing);
	factstore_close(fs);
}

static void test_every_linuxhw_probe_ingests_completely(void)
{
	const char *root = test_path("VD_SHARED_DIR", "corpus/linuxhw");
	char rootbuf[4096];
	struct dirent **names;
	int n, dirs = 0;

	snprintf(rootbuf, sizeof(rootbuf), "%s", root);
	n = scandir(rootbuf, &names, NULL, alphasort);
	CHECK(n > 0);
	for (int i = 0; i < n; i++) {
		char dir[4400];

		if (strlen(names[i]->d_name) == 4 && names[i]->d_name[0] >= '0' &&
		    names[i]->d_name[0] <= '9') {
			snprintf(dir, sizeof(dir), "%s/%s", rootbuf, names[i]->d_name);
			ingest_dir(dir);
			dirs++;
		}
		free(names[i]);
	}
	free(names);
	CHECK(dirs >= 7);
}

TEST_MAIN(test_every_linuxhw_probe_ingests_completely)
