/* item_file_test.c - collector/item_file.c reading real files of this machine and the corpus
 * through one reader child: a FIFO nobody writes in the middle of a batch times out alone, a
 * symlink is not followed, caps and tails are honoured, and the global end time skips the
 * rest. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "child.h"
#include "item_file.h"
#include "test.h"

static char dir[64];

static void setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/item_file_test.XXXXXX");
	CHECK(mkdtemp(dir) != NULL);
}

static void teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	CHECK_INT(system(cmd), 0);
}

static void test_fifo_in_a_batch_times_out_alone(void)
{
	char fifo[128], link[128];
	struct item_result r[5];
	const char *dmesg = test_path("VD_SHARED_DIR", "corpus/linuxhw/0002/dmesg.txt");
	char *dmesg_copy = strdup(dmesg);
	struct item_file_req q[5];
	long t0;

	setup();
	snprintf(fifo, sizeof(fifo), "%s/reset_method", dir);
	snprintf(link, sizeof(link), "%s/driver", dir);
	CHECK_INT(mkfifo(fifo, 0600), 0);
	CHECK_INT(symlink("../../../bus/pci/drivers/vfio-pci", link), 0);
	for (int i = 0; i < 5; i++)
		item_result_init(&r[i], 1 << 20);
	q[0] = (struct item_file_req){ "/proc/version", 4096, 1000, 0, &r[0] };
	q[1] = (struct item_file_req){ fifo, 4096, 300, 0, &r[1] };
	q[2] = (struct item_file_req){ dmesg_copy, 1000, 1000, ITEM_F_TAIL, &r[2] };
	q[3] = (struct item_file_req){ link, 4096, 1000, 0, &r[3] };
	q[4] = (struct item_file_req){ "/proc/cmdline", 10, 1000, 0, &r[4] };
	t0 = child_now_ms();
	item_file_read_batch(q, 5, child_now_ms() + 5000);
	CHECK(child_now_ms() - t0 < 2000);
	CHECK_INT(r[0].status, STATUS_OK);
	CHECK(strncmp(r[0].data.buf, "Linux version", 13) == 0);
	CHECK_INT(r[1].status, STATUS_TIMEOUT);
	CHECK_INT(r[1].data.len, 0);
	CHECK_INT(r[2].status, STATUS_TRUNCATED);
	CHECK_INT(r[2].data.len, 1000);
	{
		size_t len;
		char *all = test_read_file(dmesg, &len);

		CHECK(memcmp(r[2].data.buf, all + len - 1000, 1000) == 0);
		free(all);
	}
	CHECK_INT(r[3].status, STATUS_SKIPPED);
	CHECK(strstr(r[3].reason, "../../../bus/pci/drivers/vfio-pci") != NULL);
	CHECK_INT(r[4].status, STATUS_TRUNCATED);
	CHECK_INT(r[4].data.len, 10);
	for (int i = 0; i < 5; i++)
		item_result_release(&r[i]);
	free(dmesg_copy);
	teardown();
}

static void test_missing_file_and_directory(void)
{
	struct item_result r;

	item_result_init(&r, 4096);
	item_file_read("/proc/no-such-file", 4096, 1000, 0, &r);
	CHECK_INT(r.status, STATUS_MISSING);
	item_result_release(&r);
	item_result_init(&r, 4096);
	item_file_read("/proc", 4096, 1000, 0, &r);
	CHECK_INT(r.status, STATUS_ERROR);
	CHECK(strstr(r.reason, "directory") != NULL);
	item_result_release(&r);
}

static void test_end_time_skips_the_rest(void)
{
	char fifo[128];
	struct item_result r[3];
	struct item_file_req q[3];

	setup();
	snprintf(fifo, sizeof(fifo), "%s/wedged", dir);
	CHECK_INT(mkfifo(fifo, 0600), 0);
	for (int i = 0; i < 3; i++)
		item_result_init(&r[i], 4096);
	/* the FIFO's own limit (5 s) is longer than what is left of the run (400 ms) */
	q[0] = (struct item_file_req){ fifo, 4096, 5000, 0, &r[0] };
	q[1] = (struct item_file_req){ "/proc/version", 4096, 5000, 0, &r[1] };
	q[2] = (struct item_file_req){ "/proc/cmdline", 4096, 5000, 0, &r[2] };
	item_file_read_batch(q, 3, child_now_ms() + 400);
	CHECK_INT(r[0].status, STATUS_TIMEOUT);
	CHECK_INT(r[1].status, STATUS_SKIPPED);
	CHECK_INT(r[2].status, STATUS_SKIPPED);
	for (int i = 0; i < 3; i++)
		item_result_release(&r[i]);
	teardown();
}

TEST_MAIN(test_fifo_in_a_batch_times_out_alone, test_missing_file_and_directory,
	  test_end_time_skips_the_rest)
