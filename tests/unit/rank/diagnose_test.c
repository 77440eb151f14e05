/* diagnose_test.c - the one call from facts to a result, with the embedded knowledge: a pasted
 * snippet gives "likely X; to confirm, post Y" (unchecked lists only what that cause needs), a
 * collector item that timed out is named, the host summary comes from the facts, --kb DIR is
 * honoured, and a missing knowledge directory is one clear error. Inputs: seed 001's dmesg paste,
 * linuxhw 0006's lscpu, and a collector manifest from samples/ with one item set to timeout. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/sbuf.h"
#include "facts/factstore.h"
#include "input/ingest.h"
#include "rank/diagnose.h"
#include "rank/result.h"
#include "test.h"

/* seed 001 lines 11-18: the user's `dmesg | grep -i vfio` */
static const char seed001_paste[] =
	"[ 4.075646] VFIO - User Level meta-driver version: 0.3\n"
	"[ 4.088924] vfio-pci 0000:00:02.0: vgaarb: deactivate vga console\n"
	"[ 120.442320] vfio-pci 0000:00:02.0: resetting\n"
	"[ 120.546424] vfio-pci 0000:00:02.0: reset done\n"
	"[ 123.660367] vfio-pci 0000:00:02.0: Invalid PCI ROM header signature: expecting 0xaa55, "
	"got 0xcffa\n";

struct env {
	struct factstore *fs;
	struct ingest ing;
	struct result res;
};

static void env_init(struct env *e)
{
	struct error err = { 0 };

	e->fs = factstore_open(NULL, &err);
	ingest_init(&e->ing, e->fs);
	result_init(&e->res);
}

static void env_add(struct env *e, const char *name, const char *text, size_t len)
{
	struct error err = { 0 };

	if (ingest_buffer(&e->ing, name, str_from_mem(text, len), &err) < 0) {
		fprintf(stderr, "ingest '%s': %s\n", name, err.msg);
		CHECK(0);
	}
}

static void env_release(struct env *e)
{
	result_release(&e->res);
	ingest_release(&e->ing);
	factstore_close(e->fs);
}

static const struct unchecked *find_unchecked(const struct result *r, const char *id,
					      const char *command_part)
{
	for (size_t i = 0; i < r->n_unchecked; i++)
		if (strcmp(r->unchecked[i].id, id) == 0 &&
		    strstr(r->unchecked[i].command, command_part))
			return &r->unchecked[i];
	return NULL;
}

static void test_snippet_gives_likely_cause_and_what_to_post(void)
{
	struct env e;
	struct error err = { 0 };
	struct diagnose_stats st;
	struct diagnose_options opt = { .timings = true, .stats = &st };

	env_init(&e);
	env_add(&e, "dmesg.txt", seed001_paste, strlen(seed001_paste));
	CHECK_INT(diagnose(e.fs, &opt, &e.res, &err), 0);
	CHECK(e.res.n_findings >= 1);
	if (e.res.n_findings) {
		CHECK_STR(e.res.findings[0].id, "rom-invalid-signature");
		CHECK_STR(e.res.findings[0].subject.id, "0000:00:02.0");
		CHECK(e.res.findings[0].confidence >= 0.7);
	}
	/* to confirm: which GPU (lspci) and the VM config */
	CHECK(find_unchecked(&e.res, "rom-invalid-signature", "lspci -nnk") != NULL);
	CHECK(find_unchecked(&e.res, "rom-invalid-signature", "qemu-server") != NULL);
	/* not a list of everything: causes without evidence are not named */
	for (size_t i = 0; i < e.res.n_unchecked; i++)
		CHECK_STR(e.res.unchecked[i].id, "rom-invalid-signature");
	CHECK(st.signatures >= 7);
	CHECK(st.lines_scanned == 5);
	CHECK(st.prefilter_skips > st.pattern_calls);
	env_release(&e);
}

static void test_timed_out_collector_item_is_named(void)
{
	struct env e;
	struct error err = { 0 };
	struct diagnose_options opt = { 0 };
	char path[1024];
	size_t len;
	char *manifest, *at;
	struct sbuf sb;
	const struct unchecked *u;

	snprintf(path, sizeof(path), "%s/samples/healthy-pve-r720-bundle/manifest.json",
		 test_env("VD_SOURCE_DIR"));
	manifest = test_read_file(path, &len);
	/* the collector's record of a command that timed out: no path, status timeout */
	at = strstr(manifest, "\"path\": \"cmd/dmesg\",\n      \"status\": \"ok\"");
	CHECK(at != NULL);
	if (!at) {
		free(manifest);
		return;
	}
	sbuf_init(&sb, 1 << 20);
	sbuf_add(&sb, manifest, (size_t)(at - manifest));
	sbuf_addstr(&sb, "\"path\": null,\n      \"status\": \"timeout\"");
	sbuf_addstr(&sb, at + strlen("\"path\": \"cmd/dmesg\",\n      \"status\": \"ok\""));
	/* a bundle directory holding only that manifest (manifest.json is known by its path) */
	char dir[] = "/tmp/diagnose_test.XXXXXX", file[1100];
	CHECK(mkdtemp(dir) != NULL);
	snprintf(file, sizeof(file), "%s/manifest.json", dir);
	FILE *f = fopen(file, "wb");
	CHECK(f != NULL);
	if (f) {
		fwrite(sb.buf, 1, sb.len, f);
		fclose(f);
	}
	env_init(&e);
	if (ingest_add(&e.ing, dir, &err) < 0)
		fprintf(stderr, "ingest: %s\n", err.msg);
	remove(file);
	rmdir(dir);
	CHECK_INT(diagnose(e.fs, &opt, &e.res, &err), 0);
	CHECK_INT(e.res.n_findings, 0);
	u = find_unchecked(&e.res, "rom-invalid-signature", "journalctl -k -b 0");
	CHECK(u != NULL);
	if (u)
		CHECK(strstr(u->missing, "timeout") != NULL);
	env_release(&e);
	sbuf_release(&sb);
	free(manifest);
}

static void test_host_summary_comes_from_the_facts(void)
{
	struct env e;
	struct error err = { 0 };
	struct diagnose_options opt = { 0 };
	char path[1024];
	size_t len;
	char *lscpu;

	snprintf(path, sizeof(path), "%s/corpus/linuxhw/0006/lscpu.txt", test_env("VD_SHARED_DIR"));
	lscpu = test_read_file(path, &len);
	env_init(&e);
	env_add(&e, "lscpu.txt", lscpu, len);
	CHECK_INT(diagnose(e.fs, &opt, &e.res, &err), 0);
	CHECK(e.res.host_summary != NULL);
	if (e.res.host_summary)
		CHECK(strstr(e.res.host_summary, "AMD Opteron(tm) X3216 APU") != NULL);
	CHECK_INT(e.res.n_findings, 0);
	CHECK_INT(e.res.n_unchecked, 0);
	env_release(&e);
	free(lscpu);
}

static void test_kb_dir_is_loaded_and_a_missing_one_is_an_error(void)
{
	struct env e;
	struct error err = { 0 };
	char dir[1024];
	struct diagnose_options opt = { .kb_dir = dir };

	snprintf(dir, sizeof(dir), "%s/knowledge", test_env("VD_SOURCE_DIR"));
	env_init(&e);
	env_add(&e, "dmesg.txt", seed001_paste, strlen(seed001_paste));
	CHECK_INT(diagnose(e.fs, &opt, &e.res, &err), 0);
	CHECK(e.res.n_findings >= 1);
	snprintf(dir, sizeof(dir), "%s/no-such-knowledge-dir", test_env("VD_SOURCE_DIR"));
	CHECK_INT(diagnose(e.fs, &opt, &e.res, &err), -1);
	CHECK_INT(err.code, EXIT_INPUT);
	CHECK(strstr(err.msg, "no-such-knowledge-dir") != NULL);
	env_release(&e);
}

TEST_MAIN(test_snippet_gives_likely_cause_and_what_to_post, test_timed_out_collector_item_is_named,
	  test_host_summary_comes_from_the_facts,
	  test_kb_dir_is_loaded_and_a_missing_one_is_an_error)
