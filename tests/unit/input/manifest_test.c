/* manifest_test.c - input/manifest.c on the manifest.json `collect` wrote on this machine
 * (tests/fuzz/corpus/manifest/live.json): top-level fields, nested objects, and item records
 * keyed by their bundle path, or by their source when they have none. */
#include <stdlib.h>
#include <string.h>

#include "input/manifest.h"
#include "test.h"

static const struct kv_row *find(const struct parse_out *out, const char *subject, const char *key)
{
	for (size_t i = 0; i < out->kvs.n; i++)
		if (str_eq_cstr(out->kvs.v[i].subject, subject) &&
		    str_eq_cstr(out->kvs.v[i].key, key))
			return &out->kvs.v[i];
	return NULL;
}

static void test_live_manifest_becomes_facts(void)
{
	size_t len;
	char *buf = test_read_file(
		test_path("VD_SOURCE_DIR", "tests/fuzz/corpus/manifest/live.json"), &len);
	struct parse_out out;
	struct error err = { 0 };
	const struct kv_row *kv;

	parse_out_init(&out);
	CHECK(manifest_rows(str_from_mem(buf, len), &out, &err) > 100);
	kv = find(&out, "", "format_version");
	CHECK(kv && str_eq_cstr(kv->value, "1"));
	kv = find(&out, "cmd/dmesg", "status");
	CHECK(kv && str_eq_cstr(kv->value, "ok"));
	kv = find(&out, "cmd/dmesg", "source");
	CHECK(kv && str_eq_cstr(kv->value, "dmesg"));
	/* an item that was not written has no path: its source is the subject */
	kv = find(&out, "journalctl -k -b -1 --no-pager", "status");
	CHECK(kv && str_eq_cstr(kv->value, "missing"));
	kv = find(&out, "journalctl -k -b -1 --no-pager", "reason");
	CHECK(kv && str_eq_cstr(kv->value, "exit 1: No journal files were found."));
	kv = find(&out, "journalctl -k -b -1 --no-pager", "path");
	CHECK(kv && str_eq_cstr(kv->value, "null"));
	for (size_t i = 0; i < out.kvs.n; i++)
		CHECK_VIEW(out.kvs.v[i].scope, "manifest");
	parse_out_release(&out);
	free(buf);
}

static void test_bad_manifests_are_refused(void)
{
	struct parse_out out;
	struct error err = { 0 };
	size_t len;
	char *buf = test_read_file(
		test_path("VD_SOURCE_DIR", "tests/fuzz/corpus/manifest/live-truncated.json"), &len);
	char deep[200];

	parse_out_init(&out);
	CHECK_INT(manifest_rows(str_from_mem(buf, len), &out, &err), -1);
	CHECK_INT(err.code, EXIT_INPUT);
	memset(&err, 0, sizeof(err));
	memset(deep, '[', sizeof(deep));
	CHECK_INT(manifest_rows(str_from_mem(deep, sizeof(deep)), &out, &err), -1);
	CHECK_INT(err.code, EXIT_LIMIT);
	/* found by fuzz_manifest: a number no long long holds */
	memset(&err, 0, sizeof(err));
	CHECK_INT(manifest_rows(STR_LIT("{\"duration_ms\":6e111}"), &out, &err), 1);
	CHECK_VIEW(out.kvs.v[out.kvs.n - 1].value, "6e+111");
	parse_out_release(&out);
	free(buf);
}

TEST_MAIN(test_live_manifest_becomes_facts, test_bad_manifests_are_refused)
