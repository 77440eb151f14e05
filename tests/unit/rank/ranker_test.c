/* ranker_test.c - candidates to findings: log-odds to confidence and labels, ordering
 * (confidence, severity, id), counter-evidence and rules_out into ruled_out with the filled
 * reason, dropping unlikely causes, suppression on the same subject or the host, severity
 * overrides, fix templates with variables and built-ins, and the evidence cap. Candidates are
 * built directly, as the matcher would leave them; the evidence texts are catalog examples. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "common/limits.h"
#include "common/sbuf.h"
#include "common/xalloc.h"
#include "kb/kb.h"
#include "match/matcher.h"
#include "rank/ranker.h"
#include "rank/result.h"
#include "test.h"

/* Signatures with two clauses: a required one (weight w) and an against one (-3, reason). */
static char *sig(const char *id, const char *severity, const char *subject, double prior, double w,
		 const char *suppresses, const char *extra_clause)
{
	struct sbuf sb;

	sbuf_init(&sb, 1 << 16);
	sbuf_addf(
		&sb,
		"{\"id\": \"%s\", \"title\": \"title of %s\", \"category\": \"bar\", "
		"\"severity\": \"%s\", \"subject\": \"%s\", \"prior\": %g, \"symptoms\": "
		"[\"code-43\"], \"needs\": [], \"suppresses\": [%s], \"clauses\": ["
		"{\"name\": \"open\", \"type\": \"sql\", \"required\": true, \"weight\": %g, "
		"\"sql\": \"SELECT 1 AS x\"},"
		"{\"name\": \"against\", \"type\": \"sql\", \"against\": true, \"weight\": -3, "
		"\"reason\": \"VM {{vmid}} already sets romfile={{romfile|?}}\", \"sql\": \"SELECT 1 "
		"AS y\"}%s%s],"
		" \"fix\": \"hostpci0: {{bdf}},romfile={{romfile|<file>.rom}} ({{subject}}, "
		"{{id}})\", \"references\": [\"https://example.org\"], \"tests\": {\"positive\": "
		"[{\"name\": \"p\", \"inputs\": [{\"name\": \"a\", \"text\": \"a\"}]}], "
		"\"negative\": [{\"name\": \"n\", \"inputs\": [{\"name\": \"a\", \"text\": "
		"\"a\"}]}]}}",
		id, id, severity, subject, prior, suppresses, w, extra_clause ? "," : "",
		extra_clause ? extra_clause : "");
	return sbuf_detach(&sb, NULL);
}

static struct kb *kb_of(char **files, size_t n)
{
	const char *names[8] = { 0 }, *texts[8] = { 0 };
	size_t lens[8] = { 0 };
	struct error err = { 0 };
	struct kb *kb;

	for (size_t i = 0; i < n; i++) {
		names[i] = "t.json";
		texts[i] = files[i];
		lens[i] = strlen(files[i]);
	}
	kb = kb_load_mem(names, texts, lens, n, &err);
	if (!kb)
		fprintf(stderr, "kb: %s\n", err.msg);
	for (size_t i = 0; i < n; i++)
		free(files[i]);
	return kb;
}

static struct candidate *cand(struct match_out *mo, const struct kb *kb, const char *id,
			      const char *subject, bool against, bool extra)
{
	const struct signature *s = kb_find(kb, id);
	struct candidate *c;

	mo->cands = xgrow(mo->cands, &mo->cap_cands, mo->n_cands + 1, sizeof(*mo->cands));
	c = &mo->cands[mo->n_cands++];
	memset(c, 0, sizeof(*c));
	c->sig = s;
	c->subject = subject;
	c->matched = xcalloc(s->n_clauses + 1, sizeof(*c->matched));
	c->matched[0] = true;
	c->matched[1] = against;
	if (s->n_clauses > 2)
		c->matched[2] = extra;
	return c;
}

static void var(struct candidate *c, const char *name, const char *value)
{
	c->vars = xgrow(c->vars, &c->cap_vars, c->n_vars + 1, sizeof(*c->vars));
	c->vars[c->n_vars++] = (struct match_var){ .name = name, .value = value };
}

static void test_confidence_and_labels_follow_log_odds(void)
{
	CHECK(fabs(rank_confidence(0) - 0.5) < 1e-9);
	CHECK(rank_confidence(2.2) > 0.9);
	CHECK(rank_confidence(-2.2) < 0.1);
	CHECK_STR(rank_label(0.9), "certain");
	CHECK_STR(rank_label(0.89), "likely");
	CHECK_STR(rank_label(0.7), "likely");
	CHECK_STR(rank_label(0.4), "possible");
	CHECK_STR(rank_label(0.39), "unlikely");
}

static void test_findings_order_by_confidence_then_severity_then_id(void)
{
	char *files[] = {
		sig("b-warn", "warning", "device", 0, 2, "", NULL),
		sig("a-error", "error", "device", 0, 2, "", NULL),
		sig("c-blocker", "blocker", "device", 0, 2, "", NULL),
		sig("d-top", "info", "device", 0, 4, "", NULL),
	};
	struct kb *kb = kb_of(files, 4);
	struct match_out mo;
	struct result res;
	struct error err = { 0 };

	CHECK(kb != NULL);
	if (!kb)
		return;
	match_out_init(&mo);
	result_init(&res);
	cand(&mo, kb, "b-warn", "0000:01:00.0", false, false);
	cand(&mo, kb, "a-error", "0000:01:00.0", false, false);
	cand(&mo, kb, "c-blocker", "0000:01:00.0", false, false);
	cand(&mo, kb, "d-top", "0000:01:00.0", false, false);
	CHECK_INT(rank_candidates(&mo, false, &res, &err), 0);
	CHECK_INT(res.n_findings, 4);
	if (res.n_findings == 4) {
		CHECK_STR(res.findings[0].id, "d-top");	    /* highest confidence */
		CHECK_STR(res.findings[1].id, "c-blocker"); /* same confidence: severity */
		CHECK_STR(res.findings[2].id, "a-error");
		CHECK_STR(res.findings[3].id, "b-warn");
		CHECK_STR(res.findings[0].label, "certain");
		CHECK_STR(res.findings[1].label, "likely");
		CHECK_STR(res.findings[0].subject.kind, "device");
	}
	result_release(&res);
	match_out_release(&mo);
	kb_free(kb);
}

static void test_counter_evidence_rules_out_with_the_filled_reason(void)
{
	char *files[] = {
		sig("rom-invalid-signature", "error", "device", 0, 2, "", NULL),
		sig("weak", "error", "device", 0, 0.5, "", NULL),
	};
	struct kb *kb = kb_of(files, 2);
	struct match_out mo;
	struct result res;
	struct error err = { 0 };
	struct candidate *c;

	CHECK(kb != NULL);
	if (!kb)
		return;
	match_out_init(&mo);
	result_init(&res);
	/* 2 - 3 = -1: below possible with counter-evidence -> ruled out */
	c = cand(&mo, kb, "rom-invalid-signature", "0000:00:02.0", true, false);
	var(c, "vmid", "103");
	var(c, "romfile", "12-n100-q10.rom");
	/* 0.5 alone: possible, kept */
	cand(&mo, kb, "weak", "0000:00:02.0", false, false);
	CHECK_INT(rank_candidates(&mo, false, &res, &err), 0);
	CHECK_INT(res.n_findings, 1);
	CHECK_INT(res.n_ruled_out, 1);
	if (res.n_ruled_out == 1) {
		CHECK_STR(res.ruled_out[0].id, "rom-invalid-signature");
		CHECK_STR(res.ruled_out[0].ruled_out_reason,
			  "VM 103 already sets romfile=12-n100-q10.rom");
		CHECK(res.ruled_out[0].suppressed_by == NULL);
	}
	result_release(&res);
	match_out_release(&mo);
	kb_free(kb);
}

static void test_rules_out_wins_over_a_high_score_and_unlikely_is_dropped(void)
{
	static const char rules_out[] =
		"{\"name\": \"not_amd\", \"type\": \"sql\", \"against\": "
		"true, \"rules_out\": true, \"weight\": -0.5, \"reason\": "
		"\"{{bdf}} is not an AMD GPU\", \"sql\": \"SELECT 1 AS z\"}";
	char *files[] = {
		sig("amd-reset-bug", "blocker", "device", 0, 4, "", rules_out),
		sig("faint", "warning", "device", -3, 1, "", NULL),
	};
	struct kb *kb = kb_of(files, 2);
	struct match_out mo;
	struct result res, res2;
	struct error err = { 0 };
	struct candidate *c;

	CHECK(kb != NULL);
	if (!kb)
		return;
	match_out_init(&mo);
	result_init(&res);
	result_init(&res2);
	c = cand(&mo, kb, "amd-reset-bug", "0000:0b:00.0", false, true);
	var(c, "bdf", "0000:0b:00.0");
	cand(&mo, kb, "faint", "0000:0b:00.0", false, false);
	CHECK_INT(rank_candidates(&mo, false, &res, &err), 0);
	CHECK_INT(res.n_findings, 0);
	CHECK_INT(res.n_ruled_out, 1);
	if (res.n_ruled_out == 1)
		CHECK_STR(res.ruled_out[0].ruled_out_reason, "0000:0b:00.0 is not an AMD GPU");
	/* keep_unlikely keeps the faint one */
	CHECK_INT(rank_candidates(&mo, true, &res2, &err), 0);
	CHECK_INT(res2.n_findings, 1);
	if (res2.n_findings == 1)
		CHECK_STR(res2.findings[0].label, "unlikely");
	result_release(&res);
	result_release(&res2);
	match_out_release(&mo);
	kb_free(kb);
}

static void test_specific_cause_suppresses_what_it_explains(void)
{
	char *files[] = {
		sig("bar-reserve-conflict", "blocker", "device", 0, 3,
		    "\"bar-no-space\", \"generic\"", NULL),
		sig("bar-no-space", "error", "device", 0, 1, "", NULL),
		sig("generic", "warning", "host", 0, 1, "", NULL),
	};
	struct kb *kb = kb_of(files, 3);
	struct match_out mo;
	struct result res;
	struct error err = { 0 };

	CHECK(kb != NULL);
	if (!kb)
		return;
	match_out_init(&mo);
	result_init(&res);
	cand(&mo, kb, "bar-reserve-conflict", "0000:04:00.0", false, false);
	cand(&mo, kb, "bar-no-space", "0000:04:00.0", false, false); /* same device: hidden */
	cand(&mo, kb, "bar-no-space", "0000:05:00.0", false, false); /* other device: kept */
	cand(&mo, kb, "generic", "host", false, false);		     /* host-wide: hidden */
	CHECK_INT(rank_candidates(&mo, false, &res, &err), 0);
	CHECK_INT(res.n_findings, 2);
	CHECK_INT(res.n_ruled_out, 2);
	if (res.n_findings == 2) {
		CHECK_STR(res.findings[0].id, "bar-reserve-conflict");
		CHECK_STR(res.findings[1].id, "bar-no-space");
		CHECK_STR(res.findings[1].subject.id, "0000:05:00.0");
	}
	for (size_t i = 0; i < res.n_ruled_out; i++) {
		CHECK_STR(res.ruled_out[i].suppressed_by, "bar-reserve-conflict");
		CHECK(strncmp(res.ruled_out[i].ruled_out_reason,
			      "explained by bar-reserve-conflict", 33) == 0);
	}
	result_release(&res);
	match_out_release(&mo);
	kb_free(kb);
}

static void test_a_less_confident_cause_suppresses_nothing(void)
{
	char *files[] = {
		sig("specific", "blocker", "device", 0, 0.5, "\"other\"", NULL),
		sig("other", "error", "device", 0, 3, "", NULL),
	};
	struct kb *kb = kb_of(files, 2);
	struct match_out mo;
	struct result res;
	struct error err = { 0 };

	CHECK(kb != NULL);
	if (!kb)
		return;
	match_out_init(&mo);
	result_init(&res);
	cand(&mo, kb, "specific", "0000:0b:00.0", false, false);
	cand(&mo, kb, "other", "0000:0b:00.0", false, false);
	CHECK_INT(rank_candidates(&mo, false, &res, &err), 0);
	CHECK_INT(res.n_findings, 2);
	CHECK_INT(res.n_ruled_out, 0);
	result_release(&res);
	match_out_release(&mo);
	kb_free(kb);
}

static void test_severity_override_fix_template_and_evidence_cap(void)
{
	static const char info[] = "{\"name\": \"not_passed\", \"type\": \"sql\", \"weight\": 0.1, "
				   "\"set_severity\": \"info\", \"sql\": \"SELECT 1 AS q\"}";
	static const char line[] = "[  123.660367] vfio-pci 0000:00:02.0: Invalid PCI ROM header "
				   "signature: expecting 0xaa55, got 0xcffa";
	char *files[] = { sig("rom-invalid-signature", "error", "device", 0, 2, "", info) };
	struct kb *kb = kb_of(files, 1);
	struct match_out mo;
	struct result res;
	struct error err = { 0 };
	struct candidate *c;

	CHECK(kb != NULL);
	if (!kb)
		return;
	match_out_init(&mo);
	result_init(&res);
	c = cand(&mo, kb, "rom-invalid-signature", "0000:00:02.0", false, true);
	var(c, "bdf", "0000:00:02.0");
	c->subject_name = "Intel Corporation Alder Lake-N [UHD Graphics]";
	for (uint32_t i = 0; i < MAX_EVIDENCE + 5; i++) {
		c->ev = xgrow(c->ev, &c->cap_ev, c->n_ev + 1, sizeof(*c->ev));
		c->ev[c->n_ev++] =
			(struct match_evidence){ .path = "dmesg", .line = i + 1, .text = line };
	}
	c->n_ev_total = c->n_ev;
	CHECK_INT(rank_candidates(&mo, false, &res, &err), 0);
	CHECK_INT(res.n_findings, 1);
	if (res.n_findings == 1) {
		const struct finding *f = &res.findings[0];
		CHECK_INT(f->severity, SEV_INFO);
		CHECK(fabs(f->score - 2.1) < 1e-9);
		CHECK_STR(f->fix, "hostpci0: 0000:00:02.0,romfile=<file>.rom (0000:00:02.0, "
				  "rom-invalid-signature)");
		CHECK_STR(f->subject.name, "Intel Corporation Alder Lake-N [UHD Graphics]");
		CHECK_INT(f->n_evidence, MAX_EVIDENCE);
		CHECK_INT(f->n_evidence_total, MAX_EVIDENCE + 5);
		CHECK_STR(f->evidence[0].clause, "open");
		CHECK_STR(f->evidence[0].text, line);
		CHECK_STR(severity_name(f->severity), "info");
	}
	result_release(&res);
	match_out_release(&mo);
	kb_free(kb);
}

TEST_MAIN(test_confidence_and_labels_follow_log_odds,
	  test_findings_order_by_confidence_then_severity_then_id,
	  test_counter_evidence_rules_out_with_the_filled_reason,
	  test_rules_out_wins_over_a_high_score_and_unlikely_is_dropped,
	  test_specific_cause_suppresses_what_it_explains,
	  test_a_less_confident_cause_suppresses_nothing,
	  test_severity_override_fix_template_and_evidence_cap)
