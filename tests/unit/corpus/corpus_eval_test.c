/* corpus_eval_test.c - tests for analyzer/rank/corpus_eval.c: judging a case against its
 * expected.json, the per-cause TP/FN/FP counts and the precision/recall arithmetic, and the
 * text and JSON renderings. Expectations come from the samples' own expected.json files;
 * findings are the ids and subjects those samples report. */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "common/limits.h"
#include "common/sbuf.h"
#include "rank/corpus_eval.h"
#include "test.h"

#define NEAR(a, b) (fabs((a) - (b)) < 1e-9)

static void load_exp(const char *sample, struct corpus_expected *e)
{
	char rel[256];
	size_t len;
	char *text;
	struct error err = { 0 };

	snprintf(rel, sizeof(rel), "samples/%s/expected.json", sample);
	text = test_read_file(test_path("VD_SOURCE_DIR", rel), &len);
	if (corpus_expected_parse(str_from_mem(text, len), rel, e, &err) != 0) {
		fprintf(stderr, "%s\n", err.msg);
		exit(2);
	}
	free(text);
}

static struct corpus_finding finding(const char *id, const char *subject, enum severity sev,
				     double conf)
{
	struct corpus_finding f = { .severity = (int)sev, .confidence = conf };

	snprintf(f.id, sizeof(f.id), "%s", id);
	snprintf(f.subject, sizeof(f.subject), "%s", subject);
	snprintf(f.label, sizeof(f.label), "%s", conf >= 0.9 ? "certain" : "likely");
	return f;
}

static void test_precision_and_recall_arithmetic(void)
{
	CHECK(NEAR(corpus_precision(3, 1), 0.75));
	CHECK(NEAR(corpus_precision(0, 2), 0.0));
	CHECK(NEAR(corpus_precision(5, 0), 1.0));
	CHECK(NEAR(corpus_precision(0, 0), -1.0)); /* undefined */
	CHECK(NEAR(corpus_recall(2, 2), 0.5));
	CHECK(NEAR(corpus_recall(1, 2), 1.0 / 3.0));
	CHECK(NEAR(corpus_recall(0, 0), -1.0));
	CHECK(NEAR(corpus_recall(0, 4), 0.0));
}

static void test_expected_finding_at_rank_one_passes(void)
{
	struct arena a;
	struct corpus_finding f[] = {
		finding("rom-invalid-signature", "0000:00:02.0", SEV_ERROR, 0.88),
	};
	struct corpus_case c = { .name = "n100-igpu-rom-cffa", .findings = f, .n_findings = 1 };

	arena_init(&a);
	load_exp("n100-igpu-rom-cffa", &c.exp);
	corpus_judge(&c, &a);
	CHECK(c.passed);
	CHECK_INT(c.n_problems, 0);
	CHECK_INT(c.results[0].rank, 1);
	CHECK(c.results[0].met);
	corpus_expected_release(&c.exp);
	arena_release(&a);
}

static void test_rank_below_max_rank_fails(void)
{
	struct arena a;
	struct corpus_finding f[] = {
		finding("host-driver-bound", "0000:00:02.0", SEV_WARNING, 0.7),
		finding("rom-invalid-signature", "0000:00:02.0", SEV_ERROR, 0.6),
	};
	struct corpus_case c = { .name = "n100-igpu-rom-cffa", .findings = f, .n_findings = 2 };

	arena_init(&a);
	load_exp("n100-igpu-rom-cffa", &c.exp);
	corpus_judge(&c, &a);
	CHECK(!c.passed);
	CHECK_INT(c.results[0].rank, 2);
	CHECK(!c.results[0].met);
	CHECK_INT(c.n_problems, 1);
	CHECK_STR(c.problems[0],
		  "'rom-invalid-signature' on '0000:00:02.0' at rank 2, expected rank 1 or better");
	corpus_expected_release(&c.exp);
	arena_release(&a);
}

static void test_wrong_subject_is_not_found_but_shown(void)
{
	struct arena a;
	struct corpus_finding f[] = {
		finding("rom-invalid-signature", "0000:01:00.0", SEV_ERROR, 0.9),
	};
	struct corpus_case c = { .name = "n100-igpu-rom-cffa", .findings = f, .n_findings = 1 };

	arena_init(&a);
	load_exp("n100-igpu-rom-cffa", &c.exp);
	corpus_judge(&c, &a);
	CHECK(!c.passed);
	CHECK_INT(c.results[0].rank, 0);
	CHECK_INT(c.results[0].other_rank, 1);
	CHECK_STR(c.results[0].other_subject, "0000:01:00.0");
	CHECK(strstr(c.problems[0], "(reported on '0000:01:00.0' at rank 1)") != NULL);
	corpus_expected_release(&c.exp);
	arena_release(&a);
}

static void test_forbidden_finding_fails_and_is_a_false_positive(void)
{
	struct arena a;
	struct corpus_finding f[] = {
		finding("rom-invalid-signature", "0000:00:02.0", SEV_ERROR, 0.9),
		finding("bar-reserve-conflict", "0000:00:02.0", SEV_BLOCKER, 0.5),
	};
	struct corpus_case c = { .name = "n100-igpu-rom-cffa", .findings = f, .n_findings = 2 };
	struct corpus_summary s;

	arena_init(&a);
	load_exp("n100-igpu-rom-cffa", &c.exp);
	corpus_judge(&c, &a);
	CHECK(!c.passed);
	CHECK(c.results[0].met);
	CHECK(!c.violates[0]);
	CHECK(c.violates[1]);
	CHECK_STR(c.problems[0],
		  "forbidden 'bar-reserve-conflict' reported on '0000:00:02.0' at rank 2");
	corpus_summarize(&c, 1, &s, &a);
	CHECK_INT(s.n_causes, 2);
	CHECK_STR(s.causes[0].id, "bar-reserve-conflict"); /* sorted by id */
	CHECK_INT(s.causes[0].fp, 1);
	CHECK_INT(s.causes[0].expected, 0);
	CHECK_STR(s.causes[1].id, "rom-invalid-signature");
	CHECK_INT(s.causes[1].tp, 1);
	CHECK_INT(s.tp, 1);
	CHECK_INT(s.fp, 1);
	CHECK(NEAR(corpus_precision(s.tp, s.fp), 0.5));
	corpus_expected_release(&c.exp);
	arena_release(&a);
}

static void test_healthy_case_fails_above_max_severity_only(void)
{
	struct arena a;
	struct corpus_finding f[] = {
		finding("host-driver-bound", "0000:01:00.1", SEV_WARNING, 0.73),
		finding("iommu-disabled", "host", SEV_BLOCKER, 0.98),
	};
	struct corpus_case c = { .name = "healthy-linuxhw-0001", .findings = f, .n_findings = 1 };
	struct corpus_summary s;

	arena_init(&a);
	load_exp("healthy-linuxhw-0001", &c.exp);
	corpus_judge(&c, &a);
	CHECK(c.passed); /* a warning is allowed */
	c.n_findings = 2;
	corpus_judge(&c, &a);
	CHECK(!c.passed);
	CHECK(!c.violates[0]);
	CHECK(c.violates[1]);
	CHECK_STR(c.problems[0],
		  "'iommu-disabled' on 'host' is 'blocker', above max_severity 'warning'");
	corpus_summarize(&c, 1, &s, &a);
	CHECK_INT(s.n_causes, 2);
	CHECK_STR(s.causes[0].id, "host-driver-bound");
	CHECK_INT(s.causes[0].other, 1);
	CHECK_INT(s.causes[0].fp, 0);
	CHECK_STR(s.causes[1].id, "iommu-disabled");
	CHECK_INT(s.causes[1].fp, 1);
	CHECK(NEAR(corpus_precision(s.causes[1].tp, s.causes[1].fp), 0.0));
	CHECK(NEAR(corpus_recall(s.causes[1].tp, s.causes[1].fn), -1.0));
	corpus_expected_release(&c.exp);
	arena_release(&a);
}

/* Two cases expect no-flr-reset; one meets it, one crashed: recall 1/2, the crash a failure. */
static void test_crashed_case_counts_its_expectations_as_missed(void)
{
	struct arena a;
	struct corpus_finding f[] = {
		finding("no-flr-reset", "0000:0c:00.3", SEV_ERROR, 0.95),
	};
	struct corpus_case c[2] = {
		{ .name = "amd-usb-flr-timeout", .findings = f, .n_findings = 1 },
		{ .name = "pve-reset-blocked-by-group",
		  .status = CORPUS_CRASHED,
		  .message = "worker killed by signal 11 (Segmentation fault)" },
	};
	struct corpus_summary s;

	arena_init(&a);
	load_exp("amd-usb-flr-timeout", &c[0].exp);
	load_exp("pve-reset-blocked-by-group", &c[1].exp);
	corpus_judge(&c[0], &a);
	corpus_judge(&c[1], &a);
	CHECK(c[0].passed);
	CHECK(!c[1].passed);
	CHECK_STR(c[1].problems[0], "crashed: worker killed by signal 11 (Segmentation fault)");
	corpus_summarize(c, 2, &s, &a);
	CHECK_INT(s.cases, 2);
	CHECK_INT(s.passed, 1);
	CHECK_INT(s.failed, 1);
	CHECK_INT(s.n_causes, 1);
	CHECK_STR(s.causes[0].id, "no-flr-reset");
	CHECK_INT(s.causes[0].expected, 2);
	CHECK_INT(s.causes[0].tp, 1);
	CHECK_INT(s.causes[0].fn, 1);
	CHECK(NEAR(corpus_recall(s.tp, s.fn), 0.5));
	CHECK(NEAR(corpus_precision(s.tp, s.fp), 1.0));
	corpus_expected_release(&c[0].exp);
	corpus_expected_release(&c[1].exp);
	arena_release(&a);
}

static void test_renderings_name_the_failed_case(void)
{
	struct arena a;
	struct corpus_finding f[] = {
		finding("bar-no-space", "0000:01:00.0", SEV_BLOCKER, 0.99),
	};
	struct corpus_case c[2] = {
		{ .name = "gpu-bar-no-space", .findings = f, .n_findings = 1 },
		{ .name = "n100-igpu-rom-cffa" },
	};
	struct corpus_summary s;
	struct sbuf sb;
	cJSON *root, *cases, *sum;

	arena_init(&a);
	load_exp("gpu-bar-no-space", &c[0].exp);
	load_exp("n100-igpu-rom-cffa", &c[1].exp);
	corpus_judge(&c[0], &a);
	corpus_judge(&c[1], &a);
	corpus_summarize(c, 2, &s, &a);
	sbuf_init(&sb, MAX_OUTPUT_BYTES);
	corpus_render_text(c, 2, &s, &sb);
	CHECK(strstr(sb.buf, "gpu-bar-no-space    bar-no-space on 0000:01:00.0 <=1") != NULL);
	CHECK(strstr(sb.buf, " pass     bar-no-space@1\n") != NULL);
	CHECK(strstr(sb.buf, " FAIL     rom-invalid-signature missing\n") != NULL);
	CHECK(strstr(sb.buf,
		     "  n100-igpu-rom-cffa: 'rom-invalid-signature' not reported on '0000:00:02.0'\n") !=
	      NULL);
	CHECK(strstr(sb.buf, "\n2 cases: 1 passed, 1 failed\n") != NULL);
	sbuf_reset(&sb);
	corpus_render_json(c, 2, &s, &sb);
	root = cJSON_Parse(sb.buf);
	CHECK(root != NULL);
	cases = cJSON_GetObjectItem(root, "cases");
	sum = cJSON_GetObjectItem(root, "summary");
	CHECK_INT(cJSON_GetArraySize(cases), 2);
	CHECK(cJSON_IsFalse(cJSON_GetObjectItem(cJSON_GetArrayItem(cases, 1), "passed")));
	CHECK_INT(cJSON_GetObjectItem(sum, "tp")->valueint, 1);
	CHECK_INT(cJSON_GetObjectItem(sum, "fn")->valueint, 1);
	CHECK(NEAR(cJSON_GetObjectItem(sum, "recall")->valuedouble, 0.5));
	cJSON_Delete(root);
	sbuf_release(&sb);
	corpus_expected_release(&c[0].exp);
	corpus_expected_release(&c[1].exp);
	arena_release(&a);
}

TEST_MAIN(test_precision_and_recall_arithmetic, test_expected_finding_at_rank_one_passes,
	  test_rank_below_max_rank_fails, test_wrong_subject_is_not_found_but_shown,
	  test_forbidden_finding_fails_and_is_a_false_positive,
	  test_healthy_case_fails_above_max_severity_only,
	  test_crashed_case_counts_its_expectations_as_missed, test_renderings_name_the_failed_case)
