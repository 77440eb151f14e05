/* factstore_reprepare_test.c - factstore_query() when SQLite re-prepares the statement.
 *
 * A statement is prepared against the schema the connection has cached; when another
 * connection changed the schema meanwhile, the first sqlite3_step() notices, re-prepares and
 * frees the column names of the old statement. factstore_query() used to read the names (and
 * the column count) before that step: a use-after-free that ASan caught once, and a stale
 * column count. Here a second connection (this test is the one place outside facts/ that opens
 * SQLite itself: it plays another process writing the same --db file) adds a column to the
 * meta table between two queries; the second query must see three named columns. The row
 * texts are real: seed 001's ROM line. */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "facts/factstore.h"
#include "parse/parse.h"
#include "test.h"

static const char seed_line[] =
	"[ 123.660367] vfio-pci 0000:00:02.0: Invalid PCI ROM header signature: expecting 0xaa55, "
	"got 0xcffa";

struct cols {
	int rows;
	int ncols;
	char names[8][32];
};

static int on_row(void *ctx, int ncols, const char *const *names, const struct fs_value *v)
{
	struct cols *c = ctx;

	(void)v;
	c->rows++;
	c->ncols = ncols;
	for (int i = 0; i < ncols && i < 8; i++)
		snprintf(c->names[i], sizeof(c->names[i]), "%s", names[i]);
	return 0;
}

static void test_names_survive_a_reprepare(void)
{
	char path[] = "/tmp/vd-reprepare-XXXXXX";
	char db[64];
	struct error err = { 0 };
	struct factstore *fs;
	struct parse_out out;
	struct cols c = { 0 };
	sqlite3 *other = NULL;
	int fd = mkstemp(path);
	int64_t id;

	CHECK(fd >= 0);
	close(fd);
	unlink(path);
	snprintf(db, sizeof(db), "%s.db", path);
	fs = factstore_open(db, &err);
	CHECK(fs != NULL);
	if (!fs)
		return;
	parse_out_init(&out);
	lines_split(str_from_cstr(seed_line), SOURCE_KERNEL_LOG, &out, &err);
	id = factstore_add_input(fs, "seed001.txt", SOURCE_KERNEL_LOG, 90, 1, 1, 100, 0,
				 "seed001.txt", &err);
	CHECK(id > 0);
	CHECK_INT(factstore_load(fs, id, "seed001.txt", 0, &out, &err), 0);
	parse_out_release(&out);

	/* the store's connection caches the schema with meta(key, value) */
	CHECK(factstore_query(fs, "SELECT * FROM meta LIMIT 1", NULL, 0, on_row, &c, &err) == 1);
	CHECK_INT(c.ncols, 2);

	/* another writer changes the schema */
	CHECK_INT(sqlite3_open(db, &other), SQLITE_OK);
	CHECK_INT(sqlite3_exec(other, "ALTER TABLE meta ADD COLUMN note TEXT", NULL, NULL, NULL),
		  SQLITE_OK);
	sqlite3_close(other);

	memset(&c, 0, sizeof(c));
	CHECK(factstore_query(fs, "SELECT * FROM meta LIMIT 1", NULL, 0, on_row, &c, &err) == 1);
	CHECK_INT(c.ncols, 3);
	CHECK_STR(c.names[0], "key");
	CHECK_STR(c.names[1], "value");
	CHECK_STR(c.names[2], "note");

	/* a query with no rows calls nothing and frees nothing it did not allocate */
	memset(&c, 0, sizeof(c));
	CHECK(factstore_query(fs, "SELECT * FROM meta WHERE 0", NULL, 0, on_row, &c, &err) == 0);
	CHECK_INT(c.rows, 0);

	factstore_close(fs);
	unlink(db);
}

TEST_MAIN(test_names_survive_a_reprepare)
