/* report_json_test.c - the JSON contract (docs/output-json.md): it parses, keys come in the
 * documented order, findings by rank, and hostile evidence bytes still give valid UTF-8 JSON.
 * cJSON is used here only, to parse what the reporter wrote. */
#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "report_fixture.h"

static cJSON *parse(const char *text)
{
	cJSON *root = cJSON_Parse(text);

	CHECK(root != NULL);
	return root;
}

/* Checks that obj's members are exactly keys, in this order. */
static void check_keys(const cJSON *obj, const char *const *keys, size_t n)
{
	const cJSON *it = obj ? obj->child : NULL;
	size_t i = 0;

	CHECK(cJSON_IsObject(obj));
	for (; it && i < n; it = it->next, i++)
		CHECK_STR(it->string, keys[i]);
	CHECK(it == NULL);
	CHECK_INT(i, n);
}

static const char *const top_keys[] = { "schema",      "generator",	   "host",
					"findings",    "ruled_out",	   "unchecked",
					"inputs",      "warnings",	   "readiness",
					"unexplained", "unexplained_total" };
static const char *const finding_keys[] = {
	"rank",	 "id",	       "title",		"category", "severity", "confidence",
	"label", "score",      "subject",	"symptoms", "evidence", "evidence_total",
	"fix",	 "references", "suppressed_by",
};
static const char *const evidence_keys[] = { "path", "line", "text", "clause", "weight" };

/* RFC 3629 UTF-8 check of the raw output bytes (cJSON does not validate encoding). */
static bool is_valid_utf8(const unsigned char *p, size_t n)
{
	size_t i = 0;

	while (i < n) {
		unsigned c = p[i];
		size_t len = c < 0x80			? 1
			     : (c >= 0xc2 && c <= 0xdf) ? 2
			     : (c >= 0xe0 && c <= 0xef) ? 3
			     : (c >= 0xf0 && c <= 0xf4) ? 4
							: 0;

		if (len == 0 || i + len > n)
			return false;
		for (size_t k = 1; k < len; k++)
			if ((p[i + k] & 0xc0) != 0x80)
				return false;
		if ((c == 0xe0 && p[i + 1] < 0xa0) || (c == 0xed && p[i + 1] > 0x9f) ||
		    (c == 0xf0 && p[i + 1] < 0x90) || (c == 0xf4 && p[i + 1] > 0x8f))
			return false;
		i += len;
	}
	return true;
}

static void test_report_parses_with_keys_in_documented_order(void)
{
	struct result r;
	char *out;
	cJSON *root, *findings, *f0, *ev;

	fixture_build(&r);
	out = fixture_render(&r, "json", false);
	root = parse(out);
	check_keys(root, top_keys, sizeof(top_keys) / sizeof(top_keys[0]));
	CHECK_STR(cJSON_GetObjectItem(root, "schema")->valuestring, "vfio-doctor/report/1");
	CHECK_STR(
		cJSON_GetObjectItem(cJSON_GetObjectItem(root, "generator"), "version")->valuestring,
		VD_VERSION);
	CHECK_STR(cJSON_GetObjectItem(cJSON_GetObjectItem(root, "host"), "summary")->valuestring,
		  "Proxmox VE, Intel N100 (seed 001)");
	findings = cJSON_GetObjectItem(root, "findings");
	CHECK_INT(cJSON_GetArraySize(findings), 2);
	f0 = cJSON_GetArrayItem(findings, 0);
	check_keys(f0, finding_keys, sizeof(finding_keys) / sizeof(finding_keys[0]));
	CHECK_INT(cJSON_GetObjectItem(f0, "rank")->valueint, 1);
	CHECK_STR(cJSON_GetObjectItem(f0, "id")->valuestring, "rom-invalid-signature");
	CHECK_STR(cJSON_GetObjectItem(f0, "severity")->valuestring, "blocker");
	CHECK(cJSON_GetObjectItem(f0, "confidence")->valuedouble == 0.92);
	CHECK_STR(cJSON_GetObjectItem(cJSON_GetObjectItem(f0, "subject"), "id")->valuestring,
		  "0000:00:02.0");
	ev = cJSON_GetArrayItem(cJSON_GetObjectItem(f0, "evidence"), 0);
	check_keys(ev, evidence_keys, sizeof(evidence_keys) / sizeof(evidence_keys[0]));
	CHECK_STR(cJSON_GetObjectItem(ev, "text")->valuestring, SEED001_ROM_LINE);
	CHECK_STR(cJSON_GetObjectItem(ev, "path")->valuestring, "dmesg");
	CHECK_INT(cJSON_GetObjectItem(ev, "line")->valueint, 14);
	CHECK(cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(f0, "evidence"), 1),
				  "weight")
		      ->valuedouble == -0.5);
	CHECK(cJSON_IsNull(cJSON_GetObjectItem(f0, "suppressed_by")));
	CHECK_INT(cJSON_GetObjectItem(cJSON_GetArrayItem(findings, 1), "rank")->valueint, 2);
	CHECK_STR(cJSON_GetObjectItem(cJSON_GetArrayItem(findings, 1), "id")->valuestring,
		  "bar-reserve-conflict");
	CHECK(cJSON_IsNull(cJSON_GetObjectItem(
		cJSON_GetObjectItem(cJSON_GetArrayItem(findings, 1), "subject"), "name")));
	cJSON_Delete(root);
	free(out);
	result_release(&r);
}

static void test_ruled_out_unchecked_inputs_and_warnings_are_complete(void)
{
	struct result r;
	char *out;
	cJSON *root, *ro, *u, *in, *w;

	fixture_build(&r);
	out = fixture_render(&r, "json", false);
	root = parse(out);
	ro = cJSON_GetArrayItem(cJSON_GetObjectItem(root, "ruled_out"), 0);
	CHECK_STR(cJSON_GetObjectItem(ro, "id")->valuestring, "rmrr-conflict");
	CHECK_STR(cJSON_GetObjectItem(ro, "reason")->valuestring,
		  "no RMRR message in the kernel log of the failing boot");
	CHECK_STR(ro->child->string, "rank");
	CHECK_STR(cJSON_GetArrayItem(ro, 15)->string, "reason");
	u = cJSON_GetArrayItem(cJSON_GetObjectItem(root, "unchecked"), 0);
	CHECK_STR(cJSON_GetObjectItem(u, "command")->valuestring,
		  "cat /var/log/libvirt/qemu/<domain>.log");
	CHECK_STR(cJSON_GetObjectItem(u, "missing")->valuestring,
		  "the QEMU log of the failing start");
	in = cJSON_GetArrayItem(cJSON_GetObjectItem(root, "inputs"), 1);
	CHECK_STR(cJSON_GetObjectItem(in, "kind")->valuestring, "pve_conf");
	CHECK_INT(cJSON_GetObjectItem(in, "bytes")->valueint, 870);
	CHECK_INT(cJSON_GetObjectItem(in, "last_line")->valueint, 22);
	w = cJSON_GetArrayItem(cJSON_GetObjectItem(root, "warnings"), 0);
	CHECK_INT(cJSON_GetObjectItem(w, "line")->valueint, 12);
	cJSON_Delete(root);
	free(out);
	result_release(&r);
}

/* The real 0xcffa line with invalid UTF-8, NUL-free control bytes and a lone surrogate's
 * encoding spliced in: still valid JSON, valid UTF-8, and the controls round-trip. */
static void test_invalid_utf8_and_controls_stay_valid_json(void)
{
	struct result r;
	char *out;
	cJSON *root, *ev;
	const char *text;

	fixture_build(&r);
	r.findings[0].evidence[0].text =
		"[ 123.660367] vfio-pci 0000:00:02.0: \033[31m\x01\x7f"
		"Invalid PCI ROM \xff\xc3( header \xed\xa0\x80 \"0xcffa\"\\";
	r.findings[0].subject.name = "Intel \xe2\x80"; /* truncated sequence */
	out = fixture_render(&r, "json", false);
	CHECK(is_valid_utf8((const unsigned char *)out, strlen(out)));
	root = parse(out);
	ev = cJSON_GetArrayItem(
		cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(root, "findings"), 0),
				    "evidence"),
		0);
	text = cJSON_GetStringValue(cJSON_GetObjectItem(ev, "text"));
	CHECK(text != NULL);
	if (text) {
		CHECK(strstr(text, "\033[31m\x01\x7f"
				   "Invalid PCI ROM ") != NULL);
		CHECK(strstr(text, "\xef\xbf\xbd") != NULL); /* U+FFFD for the bad bytes */
		CHECK(strstr(text, "\"0xcffa\"\\") != NULL);
	}
	cJSON_Delete(root);
	free(out);
	result_release(&r);
}

static void test_empty_result_is_a_complete_document(void)
{
	struct result r;
	char *out;
	cJSON *root;

	result_init(&r);
	out = fixture_render(&r, "json", false);
	root = parse(out);
	check_keys(root, top_keys, sizeof(top_keys) / sizeof(top_keys[0]));
	CHECK_INT(cJSON_GetArraySize(cJSON_GetObjectItem(root, "findings")), 0);
	CHECK(cJSON_IsNull(cJSON_GetObjectItem(cJSON_GetObjectItem(root, "host"), "summary")));
	CHECK(strstr(out, "\"findings\": []") != NULL);
	cJSON_Delete(root);
	free(out);
	result_release(&r);
}

TEST_MAIN(test_report_parses_with_keys_in_documented_order,
	  test_ruled_out_unchecked_inputs_and_warnings_are_complete,
	  test_invalid_utf8_and_controls_stay_valid_json, test_empty_result_is_a_complete_document)
