/* pve_cpu_models.c - parse Proxmox's custom CPU models (/etc/pve/virtual-guest/cpu-models.conf,
 * a PVE::SectionConfig file) into kv rows: scope "cpu-model", subject the model name, one row
 * per property plus one row key "cpu-model" for the section itself (so a model without
 * properties still shows). Pure: no I/O; rows point into the caller's text.
 *
 * Real input (the mocked config in Proxmox qemu-server's src/test/run_config2command_tests.pl):
 *   cpu-model: qemu64
 *       reported-model athlon
 *       flags +aes;+avx;-kvm_pv_unhalt
 *       phys-bits 40
 *
 * A VM uses a model as `cpu: custom-<name>`. Properties are kept as written (flags stay one
 * `;`-separated value, as in the VM config's cpu.flags).
 */
#include "common/limits.h"
#include "parse/parsers_all.h"

#define SNIFF_LINES 200

/* "cpu-model: name" -> name */
static bool section_header(struct str line, struct str *name)
{
	if (!str_starts_with(line, "cpu-model:"))
		return false;
	*name = str_trim(str_sub(line, 10, line.len));
	return name->len > 0;
}

int pve_cpu_models_sniff(struct str text)
{
	struct str line, name;
	int n = 0;

	while (n++ < SNIFF_LINES && str_next_line(&text, &line)) {
		line = str_trim(line);
		if (!line.len || line.ptr[0] == '#')
			continue;
		return section_header(line, &name) ? 95 : 0;
	}
	return 0;
}

static void add_kv(struct parse_out *out, uint32_t lineno, struct str subject, struct str key,
		   struct str value)
{
	struct kv_row *k;

	if (out->kvs.n >= MAX_ROWS) {
		if (out->kvs.n == MAX_ROWS)
			parse_warn(out, lineno, "more than %d rows, ignoring the rest", MAX_ROWS);
		return;
	}
	k = VEC_PUSH(&out->kvs);
	k->lineno = lineno;
	k->scope = STR_LIT("cpu-model");
	k->subject = subject;
	k->key = key;
	k->value = value;
}

int pve_cpu_models_parse(struct str text, struct parse_out *out, struct error *err)
{
	struct str line, model = STR_NULL;
	uint32_t lineno = 0;

	if (lines_split(text, SOURCE_PVE_CPU_MODELS, out, err) < 0)
		return -1;
	while (str_next_line(&text, &line)) {
		struct str t, key, name;

		if (++lineno > MAX_LINES)
			break;
		if (line.len > MAX_LINE_BYTES)
			line.len = MAX_LINE_BYTES; /* lines_split warned */
		t = str_trim(line);
		if (!t.len || t.ptr[0] == '#')
			continue;
		if (line.ptr[0] != ' ' && line.ptr[0] != '\t') {
			if (section_header(t, &name)) {
				model = name;
				add_kv(out, lineno, model, STR_LIT("cpu-model"), model);
			} else {
				model = STR_NULL;
				parse_warn(
					out, lineno,
					"not a 'cpu-model: <name>' section header, skipping the section");
			}
			continue;
		}
		if (!model.len)
			continue;
		if (!str_next_word(&t, &key)) /* cannot fail: t is not blank */
			continue;
		add_kv(out, lineno, model, key, str_trim(t));
	}
	return 0;
}
