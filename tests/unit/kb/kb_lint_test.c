/* kb_lint_test.c - lint without a regex engine: the embedded knowledge is clean, and each kind
 * of mistake is reported once with the file and clause named: an id that is not the file name,
 * suppressing an unknown id, SQL that writes or does not prepare, a :param or template variable
 * no clause binds, a parameter in the opening clause, and a literal whose words are not in the
 * pattern. The log line in the pattern is the catalog's K-PCI-05 wording. */
#include <stdio.h>
#include <string.h>

#include "common/sbuf.h"
#include "facts/factstore.h"
#include "kb/kb.h"
#include "test.h"

static char *file_with(const char *id, const char *second_clause, const char *fix,
		       const char *suppresses)
{
	struct sbuf sb;

	sbuf_init(&sb, 1 << 16);
	sbuf_addf(
		&sb,
		"{\"id\": \"%s\", \"title\": \"t\", \"category\": \"rom\", \"severity\": \"error\","
		" \"subject\": \"device\", \"prior\": 0, \"symptoms\": [\"code-43\"], \"needs\": [],"
		" \"suppresses\": [%s], \"clauses\": ["
		"{\"name\": \"rom_line\", \"type\": \"pattern\", \"sources\": [\"kernel_log\"], "
		"\"literal\": \"Invalid PCI ROM header signature\", \"required\": true, \"weight\": 2,"
		" \"pattern\": \"(?<bdf>[0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\\\\.[0-7]): Invalid PCI ROM "
		"header signature: expecting 0xaa55, got (?<got>0x[0-9a-f]+)\"}, %s],"
		" \"fix\": \"%s\", \"references\": [\"https://example.org\"],"
		" \"tests\": {\"positive\": [{\"name\": \"p\", \"inputs\": [{\"name\": \"a\", "
		"\"text\": \"a\"}]}], \"negative\": [{\"name\": \"n\", \"inputs\": [{\"name\": "
		"\"a\", \"text\": \"a\"}]}]}}",
		id, suppresses, second_clause, fix);
	return sbuf_detach(&sb, NULL);
}

/* Lints one file called name; returns the issues joined by '\n' (yours, free()). */
static char *lint1(const char *name, char *text, int *count)
{
	const char *t = text;
	size_t len = strlen(text);
	struct error err = { 0 };
	struct kb *kb = kb_load_mem(&name, &t, &len, 1, &err);
	struct factstore *fs = factstore_open(NULL, &err);
	struct kb_issues is;
	struct sbuf sb;

	sbuf_init(&sb, 1 << 16);
	kb_issues_init(&is);
	*count = -1;
	if (!kb)
		fprintf(stderr, "load: %s\n", err.msg);
	if (kb && fs)
		*count = kb_lint(kb, fs, &is, &err);
	for (size_t i = 0; i < is.n; i++)
		sbuf_addf(&sb, "%s: %s\n", is.v[i].file, is.v[i].msg);
	kb_issues_release(&is);
	factstore_close(fs);
	kb_free(kb);
	free(text);
	return sbuf_detach(&sb, NULL);
}

static const char ok_clause[] =
	"{\"name\": \"romfile_set\", \"type\": \"sql\", \"weight\": -3, \"against\": true, "
	"\"reason\": \"VM {{vmid}} sets romfile={{romfile}}\", \"sql\": \"SELECT v.vmid AS vmid, "
	"h.romfile AS romfile FROM vm_hostdevs h JOIN vms v ON v.id = h.vm_id WHERE h.bdf = "
	":bdf\"}";

static void expect(const char *name, char *text, int n, const char *want)
{
	int count;
	char *msgs = lint1(name, text, &count);

	CHECK_INT(count, n);
	if (want && !strstr(msgs, want)) {
		fprintf(stderr, "issues:\n%s(expected '%s')\n", msgs, want);
		CHECK(strstr(msgs, want) != NULL);
	}
	free(msgs);
}

static void test_a_clean_file_has_no_issues(void)
{
	expect("rom-invalid-signature.json",
	       file_with("rom-invalid-signature", ok_clause,
			 "hostpci0: {{bdf}},romfile={{romfile}}", ""),
	       0, NULL);
}

static void test_id_must_equal_the_file_name(void)
{
	expect("rom.json", file_with("rom-invalid-signature", ok_clause, "{{bdf}}", ""), 1,
	       "rom.json: id 'rom-invalid-signature' does not match the file name");
}

static void test_suppresses_must_name_known_ids(void)
{
	expect("rom-invalid-signature.json",
	       file_with("rom-invalid-signature", ok_clause, "{{bdf}}", "\"rom-unreadablee\""), 1,
	       "suppresses unknown id 'rom-unreadablee'");
}

static void test_sql_must_be_read_only_and_prepare(void)
{
	expect("rom-invalid-signature.json",
	       file_with("rom-invalid-signature",
			 "{\"name\": \"wipe\", \"type\": \"sql\", \"weight\": 1, \"sql\": \"DELETE "
			 "FROM devices WHERE bdf = :bdf\"}",
			 "{{bdf}}", ""),
	       1, "clause 'wipe': SQL refused");
	expect("rom-invalid-signature.json",
	       file_with("rom-invalid-signature",
			 "{\"name\": \"typo\", \"type\": \"sql\", \"weight\": 1, \"sql\": \"SELECT "
			 "romfil FROM vm_hostdevs WHERE bdf = :bdf\"}",
			 "{{bdf}}", ""),
	       1, "clause 'typo': SQL does not prepare");
}

static void test_params_and_template_variables_must_be_bound(void)
{
	expect("rom-invalid-signature.json",
	       file_with(
		       "rom-invalid-signature",
		       "{\"name\": \"vm\", \"type\": \"sql\", \"weight\": 1, \"sql\": \"SELECT vmid "
		       "FROM vms WHERE vmid = :vm_id\"}",
		       "{{bdf}}", ""),
	       1, "clause 'vm' uses ':vm_id' but no clause captures or selects it");
	expect("rom-invalid-signature.json",
	       file_with("rom-invalid-signature", ok_clause,
			 "{{bdf}} {{rom_file}} {{vmid|<vmid>}} {{#gpu}}{{gpu}}{{/gpu}} {{subject}}",
			 ""),
	       1, "fix uses '{{rom_file}}'");
}

static void test_opening_sql_cannot_use_parameters(void)
{
	/* the pattern is no longer required, so the SQL clause after it opens candidates */
	char *t = file_with("rom-invalid-signature",
			    "{\"name\": \"open\", \"type\": \"sql\", \"weight\": 1, \"required\": "
			    "true, \"enumerate\": true, \"sql\": \"SELECT bdf FROM device WHERE "
			    "bdf = :got\"}",
			    "{{bdf}}", "");
	char *at = strstr(t, "\"required\": true, \"weight\": 2");
	memcpy(at, "\"required\":false", 16);
	expect("rom-invalid-signature.json", t, 1,
	       "clause 'open' uses ':got' but runs before any variable is bound");
}

static void test_literal_words_must_come_from_the_pattern(void)
{
	char *t = file_with("rom-invalid-signature", ok_clause, "{{bdf}}", "");
	char *at = strstr(t, "\"literal\": \"Invalid PCI ROM header signature\"");
	const char *typo = "\"literal\": \"Invalid PCI ROM header signatura\"";
	memcpy(at, typo, strlen(typo));
	expect("rom-invalid-signature.json", t, 1, "literal 'Invalid PCI ROM header signatura'");
}

static void test_embedded_knowledge_is_clean(void)
{
	struct error err = { 0 };
	struct kb *kb = kb_load_embedded(&err);
	struct factstore *fs = factstore_open(NULL, &err);
	struct kb_issues is;

	kb_issues_init(&is);
	CHECK(kb != NULL && fs != NULL);
	if (kb && fs)
		CHECK_INT(kb_lint(kb, fs, &is, &err), 0);
	for (size_t i = 0; i < is.n; i++)
		fprintf(stderr, "%s: %s\n", is.v[i].file, is.v[i].msg);
	kb_issues_release(&is);
	factstore_close(fs);
	kb_free(kb);
}

TEST_MAIN(test_a_clean_file_has_no_issues, test_id_must_equal_the_file_name,
	  test_suppresses_must_name_known_ids, test_sql_must_be_read_only_and_prepare,
	  test_params_and_template_variables_must_be_bound, test_opening_sql_cannot_use_parameters,
	  test_literal_words_must_come_from_the_pattern, test_embedded_knowledge_is_clean)
