/* corpus_expected_test.c - tests for analyzer/rank/corpus_expected.c: the samples' own
 * expected.json files, and the strictness that keeps a typo from weakening a case. Bad inputs
 * are derived from real sample files by one substitution each. */
#include <dirent.h>
#include <stdio.h>
#include <string.h>

#include "common/limits.h"
#include "common/sbuf.h"
#include "rank/corpus_expected.h"
#include "test.h"

static char *read_sample(const char *name, size_t *len)
{
	char rel[256];

	snprintf(rel, sizeof(rel), "samples/%s/expected.json", name);
	return test_read_file(test_path("VD_SOURCE_DIR", rel), len);
}

/* The sample's text with the first `from` replaced by `to`; yours, free(). */
static char *sample_with(const char *name, const char *from, const char *to)
{
	size_t len;
	char *text = read_sample(name, &len);
	char *at = strstr(text, from);
	struct sbuf sb;

	if (!at) {
		fprintf(stderr, "'%s' not in samples/%s/expected.json\n", from, name);
		exit(2);
	}
	sbuf_init(&sb, MAX_JSON_BYTES);
	sbuf_add(&sb, text, (size_t)(at - text));
	sbuf_addstr(&sb, to);
	sbuf_addstr(&sb, at + strlen(from));
	free(text);
	return sbuf_detach(&sb, NULL);
}

static int parse_text(const char *text, struct corpus_expected *e, struct error *err)
{
	return corpus_expected_parse(str_from_cstr(text), "expected.json", e, err);
}

static void test_rom_sample_has_subject_rank_and_forbids(void)
{
	struct corpus_expected e;
	struct error err = { 0 };
	size_t len;
	char *text = read_sample("n100-igpu-rom-cffa", &len);

	CHECK_INT(corpus_expected_parse(str_from_mem(text, len), "x", &e, &err), 0);
	CHECK_INT(e.n_expect, 1);
	CHECK_STR(e.expect[0].id, "rom-invalid-signature");
	CHECK_STR(e.expect[0].subject, "0000:00:02.0");
	CHECK_INT(e.expect[0].max_rank, 1);
	CHECK_INT(e.n_forbid, 3);
	CHECK_STR(e.forbid[0].id, "iommu-disabled");
	CHECK(e.forbid[0].subject == NULL);
	CHECK(!e.has_max_severity);
	CHECK(e.description && strstr(e.description, "0xcffa"));
	corpus_expected_release(&e);
	free(text);
}

static void test_healthy_sample_caps_severity_at_warning(void)
{
	struct corpus_expected e;
	struct error err = { 0 };
	size_t len;
	char *text = read_sample("healthy-linuxhw-0001", &len);

	CHECK_INT(corpus_expected_parse(str_from_mem(text, len), "x", &e, &err), 0);
	CHECK_INT(e.n_expect, 0);
	CHECK_INT(e.n_forbid, 0);
	CHECK(e.has_max_severity);
	CHECK_INT(e.max_severity, SEV_WARNING);
	corpus_expected_release(&e);
	free(text);
}

static void test_expectation_without_subject_matches_any(void)
{
	struct corpus_expected e;
	struct error err = { 0 };
	size_t len;
	char *text = read_sample("laptop-dma-map-beyond-39-bits", &len);

	CHECK_INT(corpus_expected_parse(str_from_mem(text, len), "x", &e, &err), 0);
	CHECK_INT(e.n_expect, 1);
	CHECK_STR(e.expect[0].id, "dma-mapping-failed-phys-bits");
	CHECK(e.expect[0].subject == NULL);
	corpus_expected_release(&e);
	free(text);
}

static void test_every_sample_parses(void)
{
	const char *dir = test_path("VD_SOURCE_DIR", "samples");
	DIR *d = opendir(dir);
	struct dirent *ent;
	int n = 0;

	CHECK(d != NULL);
	while (d && (ent = readdir(d))) {
		char path[1024];
		struct corpus_expected e;
		struct error err = { 0 };
		FILE *f;
		size_t len;
		char *text;

		snprintf(path, sizeof(path), "%s/samples/%s/expected.json",
			 test_env("VD_SOURCE_DIR"), ent->d_name);
		f = fopen(path, "rb");
		if (!f)
			continue;
		fclose(f);
		text = test_read_file(path, &len);
		if (corpus_expected_parse(str_from_mem(text, len), path, &e, &err) != 0) {
			fprintf(stderr, "%s\n", err.msg);
			CHECK(!"a sample's expected.json does not parse");
		}
		corpus_expected_release(&e);
		free(text);
		n++;
	}
	if (d)
		closedir(d);
	CHECK(n >= 20);
}

static void test_unknown_key_is_an_error(void)
{
	char *text = sample_with("n100-igpu-rom-cffa", "\"max_rank\"", "\"max_rnk\"");
	struct corpus_expected e;
	struct error err = { 0 };

	CHECK_INT(parse_text(text, &e, &err), -1);
	CHECK_INT(err.code, EXIT_INPUT);
	CHECK(strstr(err.msg, "unknown key 'max_rnk' in expect[0]") != NULL);
	corpus_expected_release(&e);
	free(text);
}

static void test_unknown_top_level_key_is_an_error(void)
{
	char *text = sample_with("healthy-linuxhw-0001", "\"max_severity\"", "\"max_sev\"");
	struct corpus_expected e;
	struct error err = { 0 };

	CHECK_INT(parse_text(text, &e, &err), -1);
	CHECK(strstr(err.msg, "unknown key 'max_sev'") != NULL);
	corpus_expected_release(&e);
	free(text);
}

static void test_unknown_severity_is_an_error(void)
{
	char *text = sample_with("healthy-linuxhw-0001", "\"warning\"", "\"warn\"");
	struct corpus_expected e;
	struct error err = { 0 };

	CHECK_INT(parse_text(text, &e, &err), -1);
	CHECK(strstr(err.msg, "unknown max_severity 'warn'") != NULL);
	corpus_expected_release(&e);
	free(text);
}

static void test_rank_must_be_a_whole_positive_number(void)
{
	const char *bad[] = { "0", "1.5", "\"1\"", "-3", "100000" };

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char to[32];
		char *text;
		struct corpus_expected e;
		struct error err = { 0 };

		snprintf(to, sizeof(to), "\"max_rank\": %s", bad[i]);
		text = sample_with("n100-igpu-rom-cffa", "\"max_rank\": 1", to);
		CHECK_INT(parse_text(text, &e, &err), -1);
		CHECK(strstr(err.msg, "'max_rank' of expect[0]") != NULL);
		corpus_expected_release(&e);
		free(text);
	}
}

static void test_empty_id_is_an_error(void)
{
	char *text = sample_with("n100-igpu-rom-cffa", "\"rom-invalid-signature\"", "\"\"");
	struct corpus_expected e;
	struct error err = { 0 };

	CHECK_INT(parse_text(text, &e, &err), -1);
	CHECK(strstr(err.msg, "'id' of expect[0] is not a non-empty string") != NULL);
	corpus_expected_release(&e);
	free(text);
}

static void test_a_case_that_checks_nothing_is_an_error(void)
{
	char *text = sample_with("healthy-linuxhw-0001", "\"max_severity\": \"warning\"",
				 "\"forbid\": []");
	struct corpus_expected e;
	struct error err = { 0 };

	CHECK_INT(parse_text(text, &e, &err), -1);
	CHECK(strstr(err.msg, "the case checks nothing") != NULL);
	corpus_expected_release(&e);
	free(text);
}

static void test_not_json_and_not_an_object(void)
{
	struct corpus_expected e;
	struct error err = { 0 };
	size_t len;
	char *text = read_sample("n100-igpu-rom-cffa", &len);

	/* truncated in the middle: not JSON */
	CHECK_INT(corpus_expected_parse(str_from_mem(text, len / 2), "x", &e, &err), -1);
	CHECK(strstr(err.msg, "not valid JSON") != NULL);
	corpus_expected_release(&e);
	error_clear(&err);
	CHECK_INT(parse_text("[]", &e, &err), -1);
	CHECK(strstr(err.msg, "not a JSON object") != NULL);
	corpus_expected_release(&e);
	free(text);
}

static void test_deep_nesting_and_too_many_entries_hit_limits(void)
{
	struct corpus_expected e;
	struct error err = { 0 };
	struct sbuf sb;

	sbuf_init(&sb, MAX_JSON_BYTES);
	sbuf_addstr(&sb, "{\"forbid\": ");
	for (int i = 0; i < MAX_JSON_DEPTH + 1; i++)
		sbuf_addch(&sb, '[');
	CHECK_INT(parse_text(sb.buf, &e, &err), -1);
	CHECK_INT(err.code, EXIT_LIMIT);
	corpus_expected_release(&e);

	error_clear(&err);
	sbuf_reset(&sb);
	sbuf_addstr(&sb, "{\"forbid\": [");
	for (int i = 0; i <= CORPUS_MAX_EXPECT; i++)
		sbuf_addf(&sb, "%s{\"id\": \"iommu-disabled\"}", i ? "," : "");
	sbuf_addstr(&sb, "]}");
	CHECK_INT(parse_text(sb.buf, &e, &err), -1);
	CHECK_INT(err.code, EXIT_LIMIT);
	corpus_expected_release(&e);
	sbuf_release(&sb);
}

TEST_MAIN(test_rom_sample_has_subject_rank_and_forbids,
	  test_healthy_sample_caps_severity_at_warning,
	  test_expectation_without_subject_matches_any, test_every_sample_parses,
	  test_unknown_key_is_an_error, test_unknown_top_level_key_is_an_error,
	  test_unknown_severity_is_an_error, test_rank_must_be_a_whole_positive_number,
	  test_empty_id_is_an_error, test_a_case_that_checks_nothing_is_an_error,
	  test_not_json_and_not_an_object, test_deep_nesting_and_too_many_entries_hit_limits)
