/* manifest_test.c - input/manifest.c on the manifest.json `collect` wrote on this machine
 * (tests/fuzz/corpus/manifest/live.json): top-level fields, nested objects, and item records
 * keyed by their bundle path, or by their source when they have none; and the cross-check of
 * a manifest's claims against the members: each kind of lie warned about, a few per kind. */
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
	CHECK(manifest_rows(str_from_mem(buf, len), &out, NULL, &err) > 100);
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
	CHECK_INT(manifest_rows(str_from_mem(buf, len), &out, NULL, &err), -1);
	CHECK_INT(err.code, EXIT_INPUT);
	memset(&err, 0, sizeof(err));
	memset(deep, '[', sizeof(deep));
	CHECK_INT(manifest_rows(str_from_mem(deep, sizeof(deep)), &out, NULL, &err), -1);
	CHECK_INT(err.code, EXIT_LIMIT);
	/* found by fuzz_manifest: a number no long long holds */
	memset(&err, 0, sizeof(err));
	CHECK_INT(manifest_rows(STR_LIT("{\"duration_ms\":6e111}"), &out, NULL, &err), 1);
	CHECK_VIEW(out.kvs.v[out.kvs.n - 1].value, "6e+111");
	parse_out_release(&out);
	free(buf);
}

struct warnings {
	char text[8192];
	int n;
};

static void collect_warning(void *ctx, const char *msg)
{
	struct warnings *w = ctx;
	size_t len = strlen(w->text);

	snprintf(w->text + len, sizeof(w->text) - len, "%s\n", msg);
	w->n++;
}

static void test_clean_paths(void)
{
	CHECK(manifest_path_is_clean("cmd/dmesg"));
	CHECK(manifest_path_is_clean("sys/bus/pci/devices/0000:01:00.0/config"));
	CHECK(manifest_path_is_clean("etc/..hidden"));
	CHECK(!manifest_path_is_clean(""));
	CHECK(!manifest_path_is_clean("/etc/shadow"));
	CHECK(!manifest_path_is_clean("../etc/shadow"));
	CHECK(!manifest_path_is_clean("cmd/../../x"));
	CHECK(!manifest_path_is_clean("cmd/.."));
	CHECK(!manifest_path_is_clean("./cmd/dmesg"));
	CHECK(!manifest_path_is_clean("cmd//dmesg"));
	CHECK(!manifest_path_is_clean("cmd/dmesg/"));
	CHECK(!manifest_path_is_clean("cmd/a\tb"));
}

/* The live manifest against members made to match it: no warning. */
static void test_live_manifest_checks_clean(void)
{
	size_t len;
	char *buf = test_read_file(
		test_path("VD_SOURCE_DIR", "tests/fuzz/corpus/manifest/live.json"), &len);
	struct parse_out out;
	struct error err = { 0 };
	struct manifest_claims claims;
	struct manifest_member *m;
	struct warnings w = { .n = 0 };
	size_t n = 0;

	parse_out_init(&out);
	manifest_claims_init(&claims);
	CHECK(manifest_rows(str_from_mem(buf, len), &out, &claims, &err) > 100);
	CHECK(claims.items.n > 20);
	CHECK(claims.has_counts);
	m = calloc(claims.items.n, sizeof(*m));
	for (size_t i = 0; i < claims.items.n; i++) {
		const struct manifest_item *it = &claims.items.v[i];

		if (!it->path || !it->sha256)
			continue;
		m[n].path = it->path;
		m[n].bytes = (uint64_t)it->bytes;
		snprintf(m[n].sha256, sizeof(m[n].sha256), "%s", it->sha256);
		n++;
	}
	CHECK(n > 10);
	CHECK_INT(manifest_check(&claims, m, n, collect_warning, &w), 0);
	CHECK_INT(w.n, 0);
	free(m);
	manifest_claims_release(&claims);
	parse_out_release(&out);
	free(buf);
}

static void test_lies_are_warned_about(void)
{
	/* sha256("hello\n") */
	static const char json[] =
		"{\"counts\": {\"ok\": 9, \"missing\": -1, \"truncated\": 1},"
		" \"items\": ["
		"{\"path\": \"cmd/a\", \"status\": \"ok\", \"bytes\": 6, \"sha256\":"
		" \"5891B5B522D5DF086D0FF0B110FBD9D21BB4FC7163AF34D08286A2E846F6BE03\"},"
		"{\"path\": \"cmd/b\", \"status\": \"ok\", \"bytes\": 7, \"sha256\":"
		" \"0000000000000000000000000000000000000000000000000000000000000000\"},"
		"{\"path\": \"cmd/c\", \"status\": \"missing\", \"bytes\": -5, \"sha256\": \"zz\"},"
		"{\"path\": \"cmd/gone1\", \"status\": \"ok\"},"
		"{\"path\": \"cmd/gone2\", \"status\": \"truncated\"},"
		"{\"path\": \"cmd/gone3\", \"status\": \"ok\"},"
		"{\"path\": \"cmd/gone4\", \"status\": \"ok\"},"
		"{\"path\": \"cmd/gone5\", \"status\": \"ok\"},"
		"{\"path\": \"cmd/gone6\", \"status\": \"missing\"},"
		"{\"path\": \"../../etc/shadow\", \"status\": \"ok\", \"bytes\": 1},"
		"{\"path\": \"/etc/\\u202eshadow\", \"status\": \"ok\"},"
		"{\"source\": \"dmesg\", \"path\": null, \"status\": \"timeout\"}"
		"]}";
	struct parse_out out;
	struct error err = { 0 };
	struct manifest_claims claims;
	struct manifest_member m[3];
	struct warnings w = { .n = 0 };

	parse_out_init(&out);
	manifest_claims_init(&claims);
	CHECK(manifest_rows(STR_LIT(json), &out, &claims, &err) > 0);
	/* unclean paths are not stored as facts */
	for (size_t i = 0; i < out.kvs.n; i++)
		CHECK(!str_contains(out.kvs.v[i].subject, "shadow"));
	CHECK(find(&out, "cmd/a", "status") != NULL);
	manifest_member_set(&m[0], "cmd/c", STR_LIT("xx"));
	manifest_member_set(&m[1], "cmd/b", STR_LIT("goodbye\n"));
	manifest_member_set(&m[2], "cmd/a", STR_LIT("hello\n"));
	CHECK_INT(manifest_check(&claims, m, 3, collect_warning, &w), 14);
	CHECK(strstr(w.text, "item path '../../etc/shadow' is not a clean relative path"));
	CHECK(strstr(w.text, "item path '/etc/???shadow' is not a clean"));
	CHECK(strstr(w.text, "item 'cmd/gone1' has status ok but the bundle has no such member"));
	CHECK(strstr(w.text, "item 'cmd/gone2' has status truncated but"));
	CHECK(!strstr(w.text, "cmd/gone4'"));
	CHECK(!strstr(w.text, "cmd/gone6"));
	CHECK(strstr(w.text, "2 more items stored by their status but absent from the bundle"));
	CHECK(strstr(w.text, "item 'cmd/b': sha256 0000000000000000... differs from the member's"));
	CHECK(strstr(w.text, "item 'cmd/c': sha256 'zz' is not 64 hex digits"));
	CHECK(!strstr(w.text, "item 'cmd/a'"));
	CHECK(strstr(w.text, "item 'cmd/b': bytes 7, but the member holds 8"));
	CHECK(strstr(w.text, "item 'cmd/c': bytes -5 is negative"));
	CHECK(strstr(w.text, "counts.ok is 9, but 8 items have status ok"));
	CHECK(strstr(w.text, "counts.missing is not a whole number of at least 0"));
	CHECK(strstr(w.text, "counts has no 'timeout', but 1 item has status timeout"));
	CHECK(!strstr(w.text, "counts.truncated"));
	CHECK(!strstr(w.text, "more counts"));
	manifest_claims_release(&claims);
	parse_out_release(&out);
}

TEST_MAIN(test_live_manifest_becomes_facts, test_bad_manifests_are_refused, test_clean_paths,
	  test_live_manifest_checks_clean, test_lies_are_warned_about)
