/* ingest_loose_test.c - loose files through ingest: this machine's own sysfs config space
 * (its address taken from the path), the same bytes under a name without one (no device row,
 * a warning), a real option ROM (SeaBIOS's bochs-display VGA BIOS from the fuzz corpus),
 * this machine's /proc/interrupts (text no parser claims) and an empty file. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "facts/factstore.h"
#include "input/ingest.h"
#include "test.h"

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

static void first_device(char *bdf, size_t cap)
{
	DIR *d = opendir("/sys/bus/pci/devices");
	struct dirent *e;

	*bdf = '\0';
	while (d && (e = readdir(d)))
		if (e->d_name[0] != '.' && (!*bdf || strcmp(e->d_name, bdf) < 0) &&
		    strlen(e->d_name) < cap)
			memcpy(bdf, e->d_name, strlen(e->d_name) + 1);
	if (d)
		closedir(d);
}

static void test_config_space_takes_its_address_from_the_path(void)
{
	char bdf[64], path[128], sql[256];
	struct error err = { 0 };
	struct factstore *fs = factstore_open(NULL, &err);
	struct ingest ing;
	size_t len;
	char *bytes;

	first_device(bdf, sizeof(bdf));
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/config", bdf);
	ingest_init(&ing, fs);
	CHECK_INT(ingest_add(&ing, path, &err), 0);
	CHECK_STR(q(fs, "SELECT kind FROM inputs"), "pci_config");
	snprintf(sql, sizeof(sql),
		 "SELECT count(*) FROM devices WHERE bdf = '%s' AND source = 'config'", bdf);
	CHECK_STR(q(fs, sql), "1");
	/* the same bytes under a name that holds no address: no row claims 0000:00:00.0 */
	bytes = test_read_file(path, &len);
	CHECK_INT(ingest_buffer(&ing, "config.bin", str_from_mem(bytes, len), &err), 0);
	CHECK_STR(q(fs, "SELECT count(*) FROM devices"), "1");
	CHECK(strstr(q(fs, "SELECT message FROM warnings w JOIN inputs i ON i.id = w.input_id "
			   "WHERE i.path = 'config.bin'"),
		     "unknown address") != NULL);
	/* ... and one that does */
	CHECK_INT(ingest_buffer(&ing, "0000:07:00.0-config", str_from_mem(bytes, len), &err), 0);
	CHECK_STR(q(fs, "SELECT count(*) FROM devices WHERE bdf = '0000:07:00.0'"), "1");
	free(bytes);
	ingest_release(&ing);
	factstore_close(fs);
}

static void test_option_rom_is_recognised_by_content(void)
{
	struct error err = { 0 };
	struct factstore *fs = factstore_open(NULL, &err);
	struct ingest ing;

	ingest_init(&ing, fs);
	CHECK_INT(ingest_add(&ing,
			     test_path("VD_SOURCE_DIR",
				       "tests/fuzz/corpus/rom/seabios_vgabios_bochs_display.rom"),
			     &err),
		  0);
	CHECK_STR(q(fs, "SELECT kind FROM inputs"), "rom");
	CHECK_STR(q(fs, "SELECT printf('%04x:%04x', vendor, device) FROM roms WHERE image = 0"),
		  "1234:1111");
	CHECK_STR(q(fs, "SELECT count(*) FROM lines"), "0");
	ingest_release(&ing);
	factstore_close(fs);
}

static void test_text_no_parser_claims_is_kept_as_lines(void)
{
	struct error err = { 0 };
	struct factstore *fs = factstore_open(NULL, &err);
	struct ingest ing;
	size_t len;
	char *buf = test_read_file("/proc/interrupts", &len);
	long long lines = 0;
	char want[32];

	for (size_t i = 0; i < len; i++)
		lines += buf[i] == '\n';
	ingest_init(&ing, fs);
	CHECK_INT(ingest_buffer(&ing, "interrupts.txt", str_from_mem(buf, len), &err), 0);
	CHECK_STR(q(fs, "SELECT kind FROM inputs"), "text");
	snprintf(want, sizeof(want), "%lld", lines);
	CHECK_STR(q(fs, "SELECT count(*) FROM lines"), want);
	CHECK_INT(ing.warnings.n, 1);
	CHECK(strstr(ing.warnings.v[0].message, "not a recognised kind") != NULL);
	/* an empty file is an input with no lines and no warning */
	CHECK_INT(ingest_buffer(&ing, "empty.txt", STR_NULL, &err), 0);
	CHECK_STR(q(fs, "SELECT count(*) FROM inputs WHERE path = 'empty.txt'"), "1");
	CHECK_INT(ing.warnings.n, 1);
	ingest_release(&ing);
	factstore_close(fs);
	free(buf);
}

TEST_MAIN(test_config_space_takes_its_address_from_the_path,
	  test_option_rom_is_recognised_by_content, test_text_no_parser_claims_is_kept_as_lines)
