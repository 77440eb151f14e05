/* factstore_test.c - facts/factstore.c: rows in with their line base, read-only SQL out,
 * lines in input order, and --db refusing to overwrite what is not a fact store.
 * Row texts are real lines: seed 001 (a Proxmox forum post) and linuxhw/0001. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "facts/factstore.h"
#include "parse/parse.h"
#include "test.h"

static const char seed_line[] =
	"[ 123.660367] vfio-pci 0000:00:02.0: Invalid PCI ROM header signature: expecting 0xaa55, "
	"got 0xcffa";
static const char other_line[] = "[ 0.565099] pci 0000:00:02.0: Adding to iommu group 0";

struct rows {
	int n;
	char first[256];
	long long ival;
};

static int on_row(void *ctx, int ncols, const char *const *names, const struct fs_value *v)
{
	struct rows *r = ctx;

	(void)names;
	if (r->n++ == 0 && ncols > 0) {
		if (v[0].type == FS_TEXT)
			snprintf(r->first, sizeof(r->first), "%.*s", (int)v[0].s.len, v[0].s.ptr);
		else if (v[0].type == FS_INT)
			r->ival = v[0].i;
		else if (v[0].type == FS_NULL)
			snprintf(r->first, sizeof(r->first), "NULL");
	}
	return 0;
}

static struct factstore *store_with_lines(void)
{
	struct error err = { 0 };
	struct factstore *fs = factstore_open(NULL, &err);
	struct parse_out out;
	int64_t id;

	CHECK(fs != NULL);
	parse_out_init(&out);
	lines_split(str_from_cstr(other_line), SOURCE_KERNEL_LOG, &out, &err);
	lines_split(str_from_cstr(seed_line), SOURCE_KERNEL_LOG, &out, &err);
	out.lines.v[1].lineno = 2;
	id = factstore_add_input(fs, "seed001.txt", SOURCE_KERNEL_LOG, 90, 17, 18, 200, 0,
				 "seed001.txt", &err);
	CHECK(id > 0);
	CHECK_INT(factstore_load(fs, id, "seed001.txt", 16, &out, &err), 0);
	parse_out_release(&out);
	return fs;
}

static void test_lines_keep_the_file_line_numbers_through_line_base(void)
{
	struct factstore *fs = store_with_lines();
	struct error err = { 0 };
	struct rows r = { 0 };

	CHECK_INT(factstore_query(fs, "SELECT lineno FROM lines WHERE text LIKE '%0xcffa%'", NULL,
				  0, on_row, &r, &err),
		  1);
	CHECK_INT(r.ival, 18);
	memset(&r, 0, sizeof(r));
	CHECK_INT(factstore_query(fs, "SELECT bdf FROM lines WHERE lineno = 18", NULL, 0, on_row,
				  &r, &err),
		  1);
	CHECK_STR(r.first, "0000:00:02.0");
	factstore_close(fs);
}

static void test_named_parameters_are_bound_as_text(void)
{
	struct factstore *fs = store_with_lines();
	struct error err = { 0 };
	struct rows r = { 0 };
	struct fs_param p = { .name = "bdf", .value = STR_LIT("0000:00:02.0") };

	CHECK_INT(factstore_query(fs, "SELECT count(*) FROM lines WHERE bdf = :bdf", &p, 1, on_row,
				  &r, &err),
		  1);
	CHECK_INT(r.ival, 2);
	factstore_close(fs);
}

static void test_writes_attach_and_pragmas_are_refused(void)
{
	struct factstore *fs = store_with_lines();
	static const char *const bad[] = {
		"DELETE FROM lines",	      "INSERT INTO facts (scope, key) VALUES ('a', 'b')",
		"DROP TABLE lines",	      "ATTACH DATABASE '/tmp/x.db' AS x",
		"PRAGMA journal_mode=WAL",    "SELECT 1; DELETE FROM lines",
		"UPDATE lines SET text = ''", "CREATE TABLE t (a)",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct error err = { 0 };

		CHECK_INT(factstore_query(fs, bad[i], NULL, 0, NULL, NULL, &err), -1);
		CHECK_INT(err.code, EXIT_USAGE);
	}
	{
		struct error err = { 0 };
		struct rows r = { 0 };

		CHECK_INT(factstore_query(fs, "SELECT count(*) FROM lines", NULL, 0, on_row, &r,
					  &err),
			  1);
		CHECK_INT(r.ival, 2);
	}
	factstore_close(fs);
}

static void test_runaway_query_hits_the_step_cap(void)
{
	struct factstore *fs = store_with_lines();
	struct error err = { 0 };

	CHECK_INT(factstore_query(fs,
				  "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) "
				  "SELECT count(*) FROM c",
				  NULL, 0, NULL, NULL, &err),
		  -1);
	CHECK_INT(err.code, EXIT_LIMIT);
	factstore_close(fs);
}

static void on_param(void *ctx, const char *name)
{
	char *seen = ctx;

	snprintf(seen + strlen(seen), 64 - strlen(seen), "%s;", name);
}

static void test_check_sql_reports_parameter_names(void)
{
	struct factstore *fs = store_with_lines();
	struct error err = { 0 };
	char seen[64] = "";

	CHECK_INT(factstore_check_sql(fs, "SELECT * FROM device WHERE bdf = :bdf OR driver = $drv",
				      on_param, seen, &err),
		  0);
	CHECK_STR(seen, "bdf;drv;");
	CHECK_INT(factstore_check_sql(fs, "SELECT nope FROM nowhere", NULL, NULL, &err), -1);
	CHECK_INT(err.code, EXIT_USAGE);
	factstore_close(fs);
}

struct order {
	int n;
	uint32_t linenos[8];
	int kinds_ok;
};

static int on_line(void *ctx, const struct fs_line *l)
{
	struct order *o = ctx;

	if (o->n < 8)
		o->linenos[o->n] = l->lineno;
	o->n++;
	o->kinds_ok += l->kind == SOURCE_KERNEL_LOG && strcmp(l->path, "seed001.txt") == 0;
	return 0;
}

static void test_each_line_walks_in_input_and_line_order(void)
{
	struct factstore *fs = store_with_lines();
	struct error err = { 0 };
	struct order o = { 0 };

	CHECK_INT(factstore_each_line(fs, 1u << SOURCE_KERNEL_LOG, on_line, &o, &err), 0);
	CHECK_INT(o.n, 2);
	CHECK_INT(o.linenos[0], 17);
	CHECK_INT(o.linenos[1], 18);
	CHECK_INT(o.kinds_ok, 2);
	memset(&o, 0, sizeof(o));
	CHECK_INT(factstore_each_line(fs, 1u << SOURCE_LSPCI, on_line, &o, &err), 0);
	CHECK_INT(o.n, 0);
	factstore_close(fs);
}

/* Inputs loaded out of order, and a part whose rows are not in line order: the walk still
 * goes by input id, then line. */
static void test_each_line_sorts_what_was_loaded_out_of_order(void)
{
	struct error err = { 0 };
	struct factstore *fs = factstore_open(NULL, &err);
	struct parse_out a, b;
	struct order o = { 0 };
	int64_t ia, ib;

	parse_out_init(&a);
	parse_out_init(&b);
	lines_split(str_from_cstr(other_line), SOURCE_KERNEL_LOG, &a, &err);
	lines_split(str_from_cstr(seed_line), SOURCE_KERNEL_LOG, &b, &err);
	lines_split(str_from_cstr(other_line), SOURCE_KERNEL_LOG, &b, &err);
	b.lines.v[0].lineno = 9; /* seed line first, as line 9; other_line as line 1 */
	ia = factstore_add_input(fs, "seed001.txt", SOURCE_KERNEL_LOG, 90, 1, 1, 60, 0, "a", &err);
	ib = factstore_add_input(fs, "seed001.txt", SOURCE_KERNEL_LOG, 90, 1, 9, 90, 0, "b", &err);
	CHECK_INT(factstore_load(fs, ib, "seed001.txt", 0, &b, &err), 0);
	CHECK_INT(factstore_load(fs, ia, "seed001.txt", 0, &a, &err), 0);
	CHECK_INT(factstore_each_line(fs, 0, on_line, &o, &err), 0);
	CHECK_INT(o.n, 3);
	CHECK_INT(o.linenos[0], 1); /* input a */
	CHECK_INT(o.linenos[1], 1); /* input b, line 1 */
	CHECK_INT(o.linenos[2], 9);
	parse_out_release(&a);
	parse_out_release(&b);
	factstore_close(fs);
}

static void test_db_file_replaces_only_a_fact_store(void)
{
	char path[] = "/tmp/vd-factstore-test-XXXXXX";
	int fd = mkstemp(path);
	struct error err = { 0 };
	struct factstore *fs;

	CHECK(fd >= 0);
	CHECK(write(fd, "not a database\n", 15) == 15);
	close(fd);
	fs = factstore_open(path, &err);
	CHECK(fs == NULL);
	CHECK_INT(err.code, EXIT_OUTPUT);
	CHECK(strstr(err.msg, "not a vfio-doctor fact store") != NULL);
	unlink(path);

	memset(&err, 0, sizeof(err));
	fs = factstore_open(path, &err); /* new file */
	CHECK(fs != NULL);
	factstore_close(fs);
	fs = factstore_open(path, &err); /* a fact store: replaced */
	CHECK(fs != NULL);
	factstore_close(fs);
	unlink(path);
}

static void test_vm_rows_keep_their_hostdevs(void)
{
	struct error err = { 0 };
	struct factstore *fs = factstore_open(NULL, &err);
	struct parse_out out;
	struct vm_row *vm;
	struct hostdev_row *h;
	struct rows r = { 0 };
	int64_t id;

	parse_out_init(&out);
	vm = VEC_PUSH(&out.vms);
	vm->lineno = 1;
	vm->id = STR_LIT("103");
	vm->flavour = STR_LIT("pve");
	h = VEC_PUSH(&out.hostdevs);
	h->lineno = 9;
	h->vm = 0;
	h->name = STR_LIT("hostpci0");
	h->has_bdf = pciaddr_parse(STR_LIT("0000:00:02.0"), false, &h->bdf);
	h->romfile = STR_LIT("12-n100-q10.rom");
	h->rombar = h->pcie = h->x_vga = h->multifunction = -1;
	id = factstore_add_input(fs, "103.conf", SOURCE_PVE_CONF, 90, 39, 63, 948, 0, "seed", &err);
	CHECK_INT(factstore_load(fs, id, "103.conf", 38, &out, &err), 0);
	CHECK_INT(
		factstore_query(fs,
				"SELECT h.romfile FROM vm_hostdevs h JOIN vms v ON v.id = h.vm_id "
				"WHERE v.vmid = '103' AND h.bdf = '0000:00:02.0' AND h.lineno = 47 "
				"AND h.pcie IS NULL",
				NULL, 0, on_row, &r, &err),
		1);
	CHECK_STR(r.first, "12-n100-q10.rom");
	parse_out_release(&out);
	factstore_close(fs);
}

/* Loads one lspci-sourced device at bdf, bound to driver. */
static void load_device(struct factstore *fs, const char *bdf, const char *driver)
{
	struct error err = { 0 };
	struct parse_out out;
	struct device_row *d;
	int64_t id;

	parse_out_init(&out);
	d = VEC_PUSH(&out.devices);
	memset(d, 0, sizeof(*d));
	d->lineno = 1;
	CHECK(pciaddr_parse(str_from_cstr(bdf), false, &d->bdf));
	d->rev = -1;
	d->iommu_group = -1;
	d->driver = str_from_cstr(driver);
	d->source = STR_LIT("lspci");
	id = factstore_add_input(fs, "lspci.txt", SOURCE_LSPCI, 90, 1, 1, 100, 0, "lspci.txt",
				 &err);
	CHECK(id > 0);
	CHECK_INT(factstore_load(fs, id, "lspci.txt", 0, &out, &err), 0);
	parse_out_release(&out);
}

/* `device` is built at the first read; a load after a read must be in it at the next one. */
static void test_device_table_follows_loads_after_a_read(void)
{
	struct error err = { 0 };
	struct factstore *fs = factstore_open(NULL, &err);
	struct rows r = { 0 };

	load_device(fs, "0000:01:00.0", "nvidia");
	CHECK_INT(factstore_query(fs, "SELECT driver FROM device WHERE bdf = '0000:01:00.0'", NULL,
				  0, on_row, &r, &err),
		  1);
	CHECK_STR(r.first, "nvidia");
	load_device(fs, "0000:01:00.1", "snd_hda_intel");
	memset(&r, 0, sizeof(r));
	CHECK_INT(factstore_query(fs, "SELECT count(*) FROM device", NULL, 0, on_row, &r, &err), 1);
	CHECK_INT(r.ival, 2);
	factstore_close(fs);
}

TEST_MAIN(test_lines_keep_the_file_line_numbers_through_line_base,
	  test_named_parameters_are_bound_as_text, test_writes_attach_and_pragmas_are_refused,
	  test_runaway_query_hits_the_step_cap, test_check_sql_reports_parameter_names,
	  test_each_line_walks_in_input_and_line_order,
	  test_each_line_sorts_what_was_loaded_out_of_order,
	  test_db_file_replaces_only_a_fact_store, test_vm_rows_keep_their_hostdevs,
	  test_device_table_follows_loads_after_a_read)
