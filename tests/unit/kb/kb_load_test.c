/* kb_load_test.c - knowledge files in, struct signature out: valid files, every kind of
 * invalid file the loader must refuse (with a message naming the file and the problem),
 * capture/select-list variable extraction, templates, and the embedded knowledge. The log lines
 * inside the JSON are catalog examples (K-PCI-05, K-PCI-01). */
#include <stdio.h>
#include <string.h>

#include "common/sbuf.h"
#include "kb/kb.h"
#include "test.h"

/* A valid file; tests below break one thing at a time with replace(). */
static const char valid[] =
	"{\"id\": \"rom-invalid-signature\", \"title\": \"Option ROM has an invalid header "
	"signature\",\n"
	" \"category\": \"rom\", \"severity\": \"error\", \"subject\": \"device\", \"prior\": -0.5,\n"
	" \"symptoms\": [\"code-43\"],\n"
	" \"needs\": [{\"what\": \"the kernel log\", \"kinds\": [\"kernel_log\", \"journal\"], "
	"\"command\": \"dmesg\"}],\n"
	" \"clauses\": [\n"
	"  {\"name\": \"rom_header_line\", \"type\": \"pattern\", \"sources\": [\"kernel_log\"],\n"
	"   \"literal\": \"Invalid PCI ROM header signature\",\n"
	"   \"pattern\": \"(?<bdf>[0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\\\\.[0-7]): Invalid PCI ROM "
	"header signature: expecting (?:0x)?aa55, got (?<got>0x[0-9a-f]+)(?<=[0-9a-f])\",\n"
	"   \"weight\": 2.5, \"required\": true},\n"
	"  {\"name\": \"romfile_set\", \"type\": \"sql\", \"weight\": -3, \"against\": true,\n"
	"   \"reason\": \"VM {{vmid}} sets romfile={{romfile}}\",\n"
	"   \"sql\": \"SELECT v.vmid AS vmid, h.romfile, h.input_id, h.lineno, count(*) FROM "
	"vm_hostdevs h JOIN vms v ON v.id = h.vm_id WHERE h.bdf = :bdf\"}\n"
	" ],\n"
	" \"fix\": \"hostpci0: {{bdf}},romfile={{romfile|<file>.rom}}\",\n"
	" \"references\": [\"https://github.com/awilliam/rom-parser\"],\n"
	" \"tests\": {\"positive\": [{\"name\": \"catalog K-PCI-05\", \"inputs\": [{\"kind\": "
	"\"kernel_log\", \"name\": \"dmesg\",\n"
	"   \"lines\": [\"[  130.000000] vfio-pci 0000:01:00.0: Invalid PCI ROM header signature: "
	"expecting 0xaa55, got 0xffff\"]}], \"expect_subject\": \"0000:01:00.0\"}],\n"
	"  \"negative\": [{\"name\": \"catalog K-PCI-07\", \"inputs\": [{\"name\": \"dmesg\", \"text\": "
	"\"[  130.000000] vfio-pci 0000:01:00.0: No more image in the PCI ROM\\n\"}]}]}\n"
	"}\n";

static char *replace(const char *text, const char *from, const char *to)
{
	const char *at = strstr(text, from);
	struct sbuf sb;

	if (!at) {
		fprintf(stderr, "replace: '%s' not in the test file\n", from);
		exit(2);
	}
	sbuf_init(&sb, 1 << 20);
	sbuf_add(&sb, text, (size_t)(at - text));
	sbuf_addstr(&sb, to);
	sbuf_addstr(&sb, at + strlen(from));
	return sbuf_detach(&sb, NULL);
}

static struct kb *load1(const char *name, const char *text, struct error *err)
{
	size_t len = strlen(text);

	memset(err, 0, sizeof(*err));
	return kb_load_mem(&name, &text, &len, 1, err);
}

/* Loading must fail with EXIT_KB and a message containing want. */
static void check_refused(const char *text, const char *want)
{
	struct error err;
	struct kb *kb = load1("rom-invalid-signature.json", text, &err);

	CHECK(kb == NULL);
	CHECK_INT(err.code, EXIT_KB);
	if (!strstr(err.msg, want)) {
		fprintf(stderr, "message '%s' lacks '%s'\n", err.msg, want);
		CHECK(strstr(err.msg, want) != NULL);
	}
	CHECK(strstr(err.msg, "rom-invalid-signature.json") != NULL);
	kb_free(kb);
}

static void test_valid_file_loads_with_defaults(void)
{
	struct error err;
	struct kb *kb = load1("rom-invalid-signature.json", valid, &err);
	const struct signature *s;

	CHECK(kb != NULL);
	if (!kb) {
		fprintf(stderr, "%s\n", err.msg);
		return;
	}
	CHECK_INT(kb->n, 1);
	s = kb_find(kb, "rom-invalid-signature");
	CHECK(s != NULL);
	CHECK_STR(s->subject_var, "bdf");
	CHECK_INT(s->subject, SUBJECT_DEVICE);
	CHECK_INT(s->severity, SEV_ERROR);
	CHECK_INT(s->n_clauses, 2);
	CHECK_INT(s->clauses[0].type, CLAUSE_PATTERN);
	CHECK(s->clauses[0].required);
	CHECK(s->clauses[0].show);
	CHECK_INT(s->clauses[0].n_literals, 1);
	CHECK(s->clauses[0].sources != 0);
	CHECK(s->clauses[1].against);
	CHECK_INT(s->n_examples, 2);
	CHECK(s->examples[0].positive);
	CHECK(!s->examples[1].positive);
	CHECK_STR(s->examples[0].expect_subject, "0000:01:00.0");
	/* "lines" are joined with newlines; "text" is kept as is */
	CHECK(s->examples[0].inputs[0].text[s->examples[0].inputs[0].len - 1] == '\n');
	CHECK(kb_find(kb, "bar-reserve-conflict") == NULL);
	kb_free(kb);
}

static void test_capture_names_become_clause_variables(void)
{
	struct error err;
	struct kb *kb = load1("rom-invalid-signature.json", valid, &err);

	CHECK(kb != NULL);
	if (!kb)
		return;
	const struct clause *p = &kb->sigs[0].clauses[0], *q = &kb->sigs[0].clauses[1];
	/* (?<=...) is a lookbehind, not a name */
	CHECK_INT(p->n_vars, 2);
	CHECK_STR(p->vars[0], "bdf");
	CHECK_STR(p->vars[1], "got");
	/* AS aliases and plain columns; input_id/lineno are provenance, count(*) has no name */
	CHECK_INT(q->n_vars, 2);
	CHECK_STR(q->vars[0], "vmid");
	CHECK_STR(q->vars[1], "romfile");
	kb_free(kb);
}

/* A clause may open with WITH (a MATERIALIZED table the main query joins): the variables are
 * the main query's select list, not the common table expression's. */
static void test_with_clause_names_come_from_the_main_query(void)
{
	struct error err;
	char *t = replace(
		valid, "\"sql\": \"SELECT v.vmid AS vmid",
		"\"sql\": \"WITH x(a, b) AS MATERIALIZED (SELECT 1 AS no, 'select' AS not_this, "
		"(2) AS nor_this) SELECT v.vmid AS vmid");
	struct kb *kb = load1("rom-invalid-signature.json", t, &err);

	CHECK(kb != NULL);
	if (kb) {
		const struct clause *q = &kb->sigs[0].clauses[1];
		CHECK_INT(q->n_vars, 2);
		CHECK_STR(q->vars[0], "vmid");
		CHECK_STR(q->vars[1], "romfile");
	}
	kb_free(kb);
	free(t);
}

static void test_unknown_keys_are_errors(void)
{
	char *t = replace(valid, "\"prior\": -0.5", "\"prior\": -0.5, \"priority\": 1");
	check_refused(t, "unknown key 'priority'");
	free(t);
	t = replace(valid, "\"weight\": 2.5", "\"weight\": 2.5, \"requird\": true");
	check_refused(t, "clause 'rom_header_line': unknown key 'requird'");
	free(t);
	t = replace(valid, "\"command\": \"dmesg\"", "\"command\": \"dmesg\", \"cmd\": \"x\"");
	check_refused(t, "unknown key 'cmd'");
	free(t);
}

static void test_duplicate_key_is_an_error(void)
{
	char *t = replace(valid, "\"prior\": -0.5", "\"prior\": -0.5, \"prior\": 1");
	check_refused(t, "duplicate key 'prior'");
	free(t);
}

static void test_bad_values_are_refused(void)
{
	static const char *const cases[][3] = {
		{ "\"severity\": \"error\"", "\"severity\": \"fatal\"", "unknown severity" },
		{ "\"category\": \"rom\"", "\"category\": \"roms\"", "unknown category" },
		{ "\"subject\": \"device\"", "\"subject\": \"pci\"", "subject must be" },
		{ "\"sources\": [\"kernel_log\"]", "\"sources\": [\"dmesg\"]",
		  "unknown source kind" },
		{ "\"weight\": -3", "\"weight\": 3", "negative weight" },
		{ "\"weight\": 2.5", "\"weight\": \"2.5\"", "must be a number" },
		{ "\"weight\": 2.5", "\"weight\": 1e9", "must be a number" },
		{ "\"type\": \"sql\"", "\"type\": \"regex\"", "type must be" },
		{ "\"required\": true", "\"required\": false", "no clause is 'required'" },
		{ "\"reason\": \"VM {{vmid}} sets romfile={{romfile}}\",", "", "needs a 'reason'" },
		{ "\"id\": \"rom-invalid-signature\"", "\"id\": \"Rom_Invalid\"", "kebab-case" },
		{ "\"name\": \"romfile_set\"", "\"name\": \"rom_header_line\"",
		  "duplicate clause" },
		{ "\"references\": [\"https://github.com/awilliam/rom-parser\"]",
		  "\"references\": []", "'references' is empty" },
		{ "\"negative\": [", "\"negativ\": [", "unknown key 'negativ'" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *t = replace(valid, cases[i][0], cases[i][1]);
		check_refused(t, cases[i][2]);
		free(t);
	}
}

static void test_tests_need_both_kinds_of_example(void)
{
	char *t = replace(valid, "\"negative\": [", "\"positive2\": [");
	check_refused(t, "unknown key");
	free(t);
	t = replace(
		valid,
		",\n  \"negative\": [{\"name\": \"catalog K-PCI-07\", \"inputs\": [{\"name\": \"dmesg\", \"text\": \"[  130.000000] vfio-pci 0000:01:00.0: No more image in the PCI ROM\\n\"}]}]",
		"");
	check_refused(t, "at least one positive and one negative");
	free(t);
}

static void test_invalid_json_and_deep_nesting_are_refused(void)
{
	char deep[400];

	check_refused("{\"id\": ", "not valid JSON");
	memset(deep, '[', sizeof(deep) - 1);
	deep[sizeof(deep) - 1] = '\0';
	check_refused(deep, "nested deeper");
	check_refused("[1, 2]", "not an object");
}

static void test_duplicate_ids_across_files_are_refused(void)
{
	const char *names[] = { "a.json", "b.json" };
	const char *texts[] = { valid, valid };
	size_t lens[] = { strlen(valid), strlen(valid) };
	struct error err = { 0 };
	struct kb *kb = kb_load_mem(names, texts, lens, 2, &err);

	CHECK(kb == NULL);
	CHECK(strstr(err.msg, "already used by a.json") != NULL);
}

static const char *vars_lookup(void *ctx, const char *name)
{
	(void)ctx;
	if (strcmp(name, "bdf") == 0)
		return "0000:00:02.0";
	if (strcmp(name, "empty") == 0)
		return "";
	return NULL;
}

static void fill(const char *tmpl, const char *want)
{
	struct sbuf sb;

	sbuf_init(&sb, 4096);
	kb_template_fill(tmpl, vars_lookup, NULL, &sb);
	CHECK_STR(sb.buf, want);
	sbuf_release(&sb);
}

static void test_templates_fill_variables_defaults_and_sections(void)
{
	fill("hostpci0: {{bdf}},romfile={{romfile|<file>.rom}}",
	     "hostpci0: 0000:00:02.0,romfile=<file>.rom");
	fill("{{vmid}}", "<vmid>");
	fill("{{empty|none}}", "none");
	fill("a{{#bdf}} b={{bdf}}{{/bdf}}{{^bdf}} no{{/bdf}}", "a b=0000:00:02.0");
	fill("a{{#vmid}} vm{{/vmid}}{{^vmid}} no vm{{/vmid}}", "a no vm");
	fill("{{#empty}}x{{/empty}}y", "y");
	/* malformed markup is copied through */
	fill("{{ bdf", "{{ bdf");
	fill("{{#bdf}} never closed", "{{#bdf}} never closed");
	fill("{{/bdf}}", "{{/bdf}}");
}

static void collect_var(void *ctx, const char *name, bool has_default)
{
	struct sbuf *sb = ctx;

	sbuf_addf(sb, "%s%s;", name, has_default ? "=" : "");
}

static void test_template_vars_lists_guarded_and_bare_names(void)
{
	struct sbuf sb;

	sbuf_init(&sb, 4096);
	kb_template_vars("{{a}} {{b|x}} {{#c}}{{c}} {{d}}{{/c}} {{c}}", collect_var, &sb);
	CHECK_STR(sb.buf, "a;b=;c=;c=;d;c;");
	sbuf_release(&sb);
}

static void test_embedded_knowledge_loads(void)
{
	struct error err = { 0 };
	struct kb *kb = kb_load_embedded(&err);

	CHECK(kb != NULL);
	if (!kb) {
		fprintf(stderr, "%s\n", err.msg);
		return;
	}
	CHECK(kb->n >= 1);
	CHECK(kb_find(kb, "rom-invalid-signature") != NULL);
	for (size_t i = 1; i < kb->n; i++)
		CHECK(strcmp(kb->sigs[i - 1].id, kb->sigs[i].id) < 0);
	kb_free(kb);
}

/* "base64" inputs carry binary examples (a ROM that read as all 0xff: "//8=" is ff ff). */
static void test_base64_inputs_decode_and_are_checked(void)
{
	const char *neg =
		"{\"name\": \"dmesg\", \"text\": "
		"\"[  130.000000] vfio-pci 0000:01:00.0: No more image in the PCI ROM\\n\"}";
	char *t = replace(valid, neg,
			  "{\"kind\": \"rom\", \"name\": \"roms/0000:01:00.0.rom\", "
			  "\"base64\": \"Vao4\\n//8=\"}");
	struct error err;
	struct kb *kb = load1("rom-invalid-signature.json", t, &err);
	const struct kb_input *in;

	CHECK(kb != NULL);
	if (kb) {
		in = &kb->sigs[0].examples[1].inputs[0];
		CHECK_INT(in->len, 5);
		CHECK(memcmp(in->text, "\x55\xaa\x38\xff\xff", 5) == 0);
		CHECK_STR(in->name, "roms/0000:01:00.0.rom");
	}
	kb_free(kb);
	free(t);
	t = replace(valid, neg, "{\"name\": \"x.rom\", \"base64\": \"Vao4!\"}");
	check_refused(t, "'base64' is not valid base64");
	free(t);
	t = replace(valid, neg, "{\"name\": \"x.rom\", \"base64\": 7}");
	check_refused(t, "'base64' must be a string");
	free(t);
	t = replace(valid, neg, "{\"name\": \"x.rom\", \"base64\": \"Vao4\", \"text\": \"x\"}");
	check_refused(t, "needs exactly one of 'text', 'lines' and 'base64'");
	free(t);
}

TEST_MAIN(test_valid_file_loads_with_defaults, test_capture_names_become_clause_variables,
	  test_with_clause_names_come_from_the_main_query, test_unknown_keys_are_errors,
	  test_duplicate_key_is_an_error, test_bad_values_are_refused,
	  test_tests_need_both_kinds_of_example, test_invalid_json_and_deep_nesting_are_refused,
	  test_duplicate_ids_across_files_are_refused,
	  test_templates_fill_variables_defaults_and_sections,
	  test_template_vars_lists_guarded_and_bare_names, test_embedded_knowledge_loads,
	  test_base64_inputs_decode_and_are_checked)
