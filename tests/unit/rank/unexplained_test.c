/* unexplained_test.c - "unexplained evidence": lines that look like passthrough errors (a topic
 * word and an error word, match/unexplained.h) that no signature matched are listed with their
 * path and line, capped at MAX_UNEXPLAINED and counted; lines a clause matched and the
 * catalog's benign messages are not; every reporter shows them.
 * Real lines: linuxhw 0002/0003/0006/0007 dmesg, seed 001, and the message catalog's K-PCI-11,
 * examples. The diagnosis runs with a one-file knowledge directory (a copy of
 * knowledge/rom-invalid-signature.json) so that what is "unexplained" does not move when the
 * shipped knowledge grows. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/limits.h"
#include "common/sbuf.h"
#include "facts/factstore.h"
#include "input/ingest.h"
#include "match/unexplained.h"
#include "rank/diagnose.h"
#include "rank/result.h"
#include "report/report.h"
#include "test.h"

/* linuxhw 0007 dmesg.txt:488 */
#define BAR_LINE                                                                              \
	"[    1.519335] pci 0000:00:1f.5: can't claim BAR 0 [mem 0xfe010000-0xfe010fff]: no " \
	"compatible bridge window"
/* seed 001 */
#define ROM_LINE                                                                                    \
	"[ 123.660367] vfio-pci 0000:00:02.0: Invalid PCI ROM header signature: expecting 0xaa55, " \
	"got 0xcffa"
/* linuxhw 0007 */
#define QI_LINE "[    1.549230] DMAR: dmar1: Using Queued invalidation"
/* catalog Q-25 */
#define Q25_LINE "kvm: warning: vfio 0000:00:1f.3: Could not enable error recovery for the device"

static bool looks(const char *s)
{
	return unexplained_looks_like(str_from_cstr(s));
}

static void test_topic_and_error_word_at_a_word_start(void)
{
	CHECK(looks(BAR_LINE));
	/* catalog K-PCI-11 */
	CHECK(looks(
		"[  300.000000] vfio-pci 0000:0b:00.0: Refused to change power state from D3hot "
		"to D0"));
	/* catalog Q-05 */
	CHECK(looks("kvm: -device vfio-pci,host=0000:01:00.0,id=hostpci0,bus=pci.0,addr=0x10: vfio "
		    "0000:01:00.0: failed to open /dev/vfio/1: No such file or directory"));
	/* linuxhw 0006: "FAULT" after an underscore starts a word */
	CHECK(looks("[    2.881615] ahci 0000:01:00.0: AMD-Vi: Event logged [IO_PAGE_FAULT "
		    "domain=0x0000 address=0x00000000ffefd840 flags=0x0050]"));
	/* "invalidation" is not "invalid", "Default" is not "fault" (linuxhw 0007) */
	CHECK(!looks(QI_LINE));
	CHECK(!looks("[    1.385381] iommu: Default domain type: Translated"));
	/* a topic without an error word (seed 001), an error word without a topic (linuxhw 0002) */
	CHECK(!looks("[ 120.442320] vfio-pci 0000:00:02.0: resetting"));
	CHECK(!looks("[   24.281422] ACPI Error: Region IPMI (ID=7) has no handler "
		     "(20201113/exfldio-261)"));
	/* catalog benign entries */
	CHECK(!looks(Q25_LINE));
	CHECK(unexplained_benign(str_from_cstr(Q25_LINE)));
	CHECK(unexplained_benign(
		str_from_cstr("[    5.000000] AMD-Vi: AMD IOMMUv2 functionality not "
			      "available on this system - This is not a bug.")));
	CHECK(unexplained_benign(
		str_from_cstr("[   60.000000] vfio-pci 0000:01:00.0: vfio_ecap_init: hiding ecap "
			      "0x19@0x900")));
	CHECK(!unexplained_benign(str_from_cstr(BAR_LINE)));
}

struct env {
	char dir[64];
	struct factstore *fs;
	struct ingest ing;
	struct result res;
};

static void env_init(struct env *e)
{
	struct error err = { 0 };
	size_t len;
	char *kb = test_read_file(
		test_path("VD_SOURCE_DIR", "knowledge/rom-invalid-signature.json"), &len);
	char path[128];
	FILE *f;

	snprintf(e->dir, sizeof(e->dir), "/tmp/vd-unexplained-XXXXXX");
	CHECK(mkdtemp(e->dir) != NULL);
	snprintf(path, sizeof(path), "%s/rom-invalid-signature.json", e->dir);
	f = fopen(path, "w");
	CHECK(f != NULL);
	if (f) {
		fwrite(kb, 1, len, f);
		fclose(f);
	}
	free(kb);
	e->fs = factstore_open(NULL, &err);
	ingest_init(&e->ing, e->fs);
	result_init(&e->res);
}

static void env_add(struct env *e, const char *name, const char *text)
{
	struct error err = { 0 };

	if (ingest_buffer(&e->ing, name, str_from_cstr(text), &err) < 0) {
		fprintf(stderr, "ingest '%s': %s\n", name, err.msg);
		CHECK(0);
	}
}

static void env_diagnose(struct env *e)
{
	struct error err = { 0 };
	struct diagnose_options opt = { .kb_dir = e->dir };

	CHECK_INT(diagnose(e->fs, &opt, &e->res, &err), 0);
}

static void env_release(struct env *e)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/rom-invalid-signature.json", e->dir);
	unlink(path);
	rmdir(e->dir);
	result_release(&e->res);
	ingest_release(&e->ing);
	factstore_close(e->fs);
}

static void test_only_unmatched_error_lines_are_listed(void)
{
	struct env e;

	env_init(&e);
	env_add(&e, "dmesg.txt", ROM_LINE "\n" BAR_LINE "\n" QI_LINE "\n");
	env_add(&e, "qemu.log", Q25_LINE "\n");
	env_diagnose(&e);
	CHECK(e.res.n_findings >= 1); /* the ROM line is explained */
	CHECK_INT(e.res.n_unexplained, 1);
	CHECK_INT(e.res.n_unexplained_total, 1);
	if (e.res.n_unexplained == 1) {
		CHECK_STR(e.res.unexplained[0].path, "dmesg.txt");
		CHECK_INT(e.res.unexplained[0].line, 2);
		CHECK_STR(e.res.unexplained[0].text, BAR_LINE);
	}
	env_release(&e);
}

static void test_list_is_capped_and_counted(void)
{
	struct env e;
	struct sbuf sb;

	sbuf_init(&sb, 1u << 20);
	for (int i = 0; i < MAX_UNEXPLAINED + 10; i++)
		sbuf_addstr(&sb, BAR_LINE "\n");
	env_init(&e);
	env_add(&e, "dmesg.txt", sb.buf);
	env_diagnose(&e);
	CHECK_INT(e.res.n_unexplained, MAX_UNEXPLAINED);
	CHECK_INT(e.res.n_unexplained_total, MAX_UNEXPLAINED + 10);
	CHECK_INT(e.res.unexplained[MAX_UNEXPLAINED - 1].line, MAX_UNEXPLAINED);
	sbuf_release(&sb);
	env_release(&e);
}

static void test_every_reporter_shows_them(void)
{
	static const char *const formats[] = { "text", "json", "markdown", "html" };
	struct env e;

	env_init(&e);
	env_add(&e, "dmesg.txt", ROM_LINE "\n" BAR_LINE "\n");
	env_diagnose(&e);
	for (size_t i = 0; i < sizeof(formats) / sizeof(*formats); i++) {
		struct error err = { 0 };
		char *buf = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&buf, &len);

		CHECK_INT(report_write(&e.res, formats[i], f, &err), 0);
		fclose(f);
		if (strcmp(formats[i], "json") == 0) {
			CHECK(strstr(buf, "\"unexplained\": [") != NULL);
			CHECK(strstr(buf, "\"unexplained_total\": 1") != NULL);
			CHECK(strstr(buf, "\"line\": 2") != NULL);
		} else {
			CHECK(strstr(buf, "Unexplained evidence") != NULL);
			CHECK(strstr(buf, "dmesg.txt:2: ") != NULL);
		}
		CHECK(strstr(buf,
			     "claim BAR 0 [mem 0xfe010000-0xfe010fff]: no compatible bridge") !=
		      NULL);
		free(buf);
	}
	env_release(&e);
}

TEST_MAIN(test_topic_and_error_word_at_a_word_start, test_only_unmatched_error_lines_are_listed,
	  test_list_is_capped_and_counted, test_every_reporter_shows_them)
