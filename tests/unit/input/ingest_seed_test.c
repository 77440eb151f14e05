/* ingest_seed_test.c - the seed documents (real forum posts) through ingest: seed 001 as one
 * paste yields its 0xcffa line on device 0000:00:02.0 and VM 103 with hostpci0 at 00:02.0
 * and romfile 12-n100-q10.rom; the same facts when its parts are given as loose files; and
 * every seed ingests without error. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "facts/factstore.h"
#include "input/ingest.h"
#include "test.h"

#define SEED001 "seeds/001_08cfc1e37197bab7.txt"

static int on_text(void *ctx, int ncols, const char *const *names, const struct fs_value *v)
{
	(void)names;
	if (ncols > 0 && v[0].type == FS_TEXT)
		snprintf(ctx, 256, "%.*s", (int)v[0].s.len, v[0].s.ptr);
	else if (ncols > 0 && v[0].type == FS_INT)
		snprintf(ctx, 256, "%lld", (long long)v[0].i);
	return 0;
}

static const char *q(struct factstore *fs, const char *sql)
{
	static char out[256];
	struct error err = { 0 };

	out[0] = '\0';
	if (factstore_query(fs, sql, NULL, 0, on_text, out, &err) < 0)
		fprintf(stderr, "query failed: %s\n", err.msg);
	return out;
}

static void check_seed001_facts(struct factstore *fs)
{
	CHECK_STR(q(fs,
		    "SELECT l.bdf FROM lines l WHERE l.kind = 'kernel_log' AND "
		    "l.msg LIKE '%Invalid PCI ROM header signature: expecting 0xaa55, got 0xcffa'"),
		  "0000:00:02.0");
	CHECK_STR(q(fs, "SELECT h.romfile FROM vm_hostdevs h JOIN vms v ON v.id = h.vm_id "
			"WHERE v.vmid = '103' AND h.name = 'hostpci0' AND h.bdf = '0000:00:02.0'"),
		  "12-n100-q10.rom");
	CHECK_STR(q(fs, "SELECT value FROM vm_options o JOIN vms v ON v.id = o.vm_id "
			"WHERE v.vmid = '103' AND o.key = 'machine'"),
		  "pc-q35-10.0+pve1");
}

static void test_seed001_as_one_paste_yields_its_facts(void)
{
	struct error err = { 0 };
	struct factstore *fs = factstore_open(NULL, &err);
	struct ingest ing;

	ingest_init(&ing, fs);
	CHECK_INT(ingest_add(&ing, test_path("VD_SHARED_DIR", SEED001), &err), 0);
	check_seed001_facts(fs);
	/* the paste keeps the file's line numbers: the 0xcffa line is line 18 of the post */
	CHECK_STR(q(fs, "SELECT lineno FROM lines WHERE kind = 'kernel_log' AND text LIKE "
			"'%got 0xcffa'"),
		  "18");
	CHECK_STR(
		q(fs, "SELECT first_line || '-' || last_line FROM inputs WHERE kind = 'pve_conf'"),
		"39-63");
	ingest_release(&ing);
	factstore_close(fs);
}

static void test_seed001_parts_as_loose_files_yield_the_same_facts(void)
{
	size_t len;
	char *seed = test_read_file(test_path("VD_SHARED_DIR", SEED001), &len);
	struct error err = { 0 };
	struct factstore *fs = factstore_open(NULL, &err);
	struct ingest ing;
	struct str text = str_from_mem(seed, len), line;
	struct str dmesg = { 0 }, conf = { 0 };
	uint32_t n = 0;

	/* lines 8-18: the dmesg output; lines 39-63: /etc/pve/qemu-server/103.conf */
	while (str_next_line(&text, &line)) {
		n++;
		if (n == 8)
			dmesg.ptr = line.ptr;
		if (n == 18)
			dmesg.len = (size_t)(line.ptr + line.len - dmesg.ptr);
		if (n == 39)
			conf.ptr = line.ptr;
		if (n == 63)
			conf.len = (size_t)(line.ptr + line.len - conf.ptr);
	}
	ingest_init(&ing, fs);
	CHECK_INT(ingest_buffer(&ing, "dmesg.txt", dmesg, &err), 0);
	CHECK_INT(ingest_buffer(&ing, "/etc/pve/qemu-server/103.conf", conf, &err), 0);
	check_seed001_facts(fs);
	CHECK_STR(q(fs, "SELECT kind FROM inputs WHERE path = 'dmesg.txt'"), "kernel_log");
	ingest_release(&ing);
	factstore_close(fs);
	free(seed);
}

static void test_every_seed_ingests_without_error(void)
{
	static const char *const seeds[] = {
		"seeds/000_32b539c6373478b1.txt", "seeds/001_08cfc1e37197bab7.txt",
		"seeds/002_352eabad9f967e48.txt", "seeds/003_a3093cee4319a564.txt",
		"seeds/004_d9beef6cfd738058.txt",
	};

	for (size_t i = 0; i < sizeof(seeds) / sizeof(seeds[0]); i++) {
		struct error err = { 0 };
		struct factstore *fs = factstore_open(NULL, &err);
		struct ingest ing;
		size_t len;
		char *buf = test_read_file(test_path("VD_SHARED_DIR", seeds[i]), &len);
		long long lines = 0;

		for (size_t k = 0; k < len; k++)
			lines += buf[k] == '\n';
		lines += len && buf[len - 1] != '\n';
		ingest_init(&ing, fs);
		CHECK_INT(ingest_add(&ing, test_path("VD_SHARED_DIR", seeds[i]), &err), 0);
		CHECK(ing.records.n >= 2); /* each seed is a paste of several parts */
		/* prose and blank lines between parts are not stored; the rest is */
		CHECK(atoll(q(fs, "SELECT count(*) FROM lines")) <= lines);
		CHECK(atoll(q(fs, "SELECT max(lineno) FROM lines")) <= lines);
		ingest_release(&ing);
		factstore_close(fs);
		free(buf);
	}
}

static void test_seed004_commands_decide_the_kinds(void)
{
	struct error err = { 0 };
	struct factstore *fs = factstore_open(NULL, &err);
	struct ingest ing;

	ingest_init(&ing, fs);
	CHECK_INT(ingest_add(&ing, test_path("VD_SHARED_DIR", "seeds/004_d9beef6cfd738058.txt"),
			     &err),
		  0);
	/* "cr0x@server:~$ qm config 110" */
	CHECK_STR(q(fs, "SELECT vmid FROM vms"), "110");
	/* "cr0x@server:~$ cat /proc/cmdline" is lines 66-69 of the post */
	CHECK_STR(q(fs, "SELECT kind FROM inputs WHERE first_line = 66"), "cmdline");
	CHECK_STR(q(fs, "SELECT kind FROM inputs WHERE first_line = 195"), "lspci_tree");
	ingest_release(&ing);
	factstore_close(fs);
}

TEST_MAIN(test_seed001_as_one_paste_yields_its_facts,
	  test_seed001_parts_as_loose_files_yield_the_same_facts,
	  test_every_seed_ingests_without_error, test_seed004_commands_decide_the_kinds)
