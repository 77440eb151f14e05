/* lscpu.c - parse lscpu output into one cpu row: vendor, family, model, stepping, model name,
 * flags, address sizes, hypervisor vendor and CPU(s). Pure: no I/O; strings view the text.
 *
 * Real input lines (linuxhw 0005):
 *   Vendor ID:             AuthenticAMD
 *   CPU family:            21
 *   Model name:            AMD Opteron(tm) X3216 APU
 */
#include "common/limits.h"
#include "parse/cpu_fields.h"
#include "parse/parsers_all.h"

static void set_int(struct str v, int32_t *out)
{
	uint64_t n;

	if (str_to_u64(v, 10, 0, INT32_MAX, &n))
		*out = (int32_t)n;
}

/* "Key:   value", the key starting at column 0 (newer lscpu indents sub-keys by two). */
static bool split_field(struct str line, struct str *key, struct str *value)
{
	long colon = str_find_char(line, ':');

	if (colon <= 0)
		return false;
	*key = str_trim(str_sub(line, 0, (size_t)colon));
	*value = str_trim(str_sub(line, (size_t)colon + 1, line.len));
	return true;
}

int lscpu_sniff(struct str text)
{
	static const char *const keys[] = {
		"Architecture", "CPU op-mode(s)",     "Byte Order", "CPU(s)",	     "Vendor ID",
		"Model name",	"Thread(s) per core", "Flags",	    "Address sizes", NULL
	};
	struct str line, head = text, key, value;
	unsigned n = 0, known = 0, fields = 0, seen = 0;

	if (head.len > MAX_SNIFF_BYTES)
		head.len = MAX_SNIFF_BYTES;
	while (n++ < 80 && str_next_line(&head, &line)) {
		if (!str_trim(line).len || !split_field(line, &key, &value))
			continue;
		fields++;
		for (unsigned k = 0; keys[k]; k++)
			if (str_eq_cstr(key, keys[k]))
				seen |= 1u << k;
	}
	/* distinct keys: lspci -vv repeats "Flags:" once per device */
	for (; seen; seen &= seen - 1)
		known++;
	if (known >= 4)
		return 95;
	if (known >= 2 && known * 2 >= fields)
		return 60;
	return 0;
}

int lscpu_parse(struct str text, struct parse_out *out, struct error *err)
{
	size_t first = out->lines.n;
	struct cpu_row cpu = { 0 };
	bool have = false;

	if (lines_split(text, SOURCE_LSCPU, out, err) < 0)
		return -1;
	for (size_t i = first; i < out->lines.n; i++) {
		const struct line_row *row = &out->lines.v[i];
		struct str key, value;

		if (!split_field(row->text, &key, &value))
			continue;
		if (!have) {
			cpu_row_init(&cpu, row->lineno);
			have = true;
		}
		if (str_eq_cstr(key, "Vendor ID"))
			cpu.vendor = value;
		else if (str_eq_cstr(key, "CPU family"))
			set_int(value, &cpu.family);
		else if (str_eq_cstr(key, "Model"))
			set_int(value, &cpu.model);
		else if (str_eq_cstr(key, "Stepping"))
			set_int(value, &cpu.stepping);
		else if (str_eq_cstr(key, "Model name"))
			cpu.model_name = value;
		else if (str_eq_cstr(key, "Flags"))
			cpu.flags = value;
		else if (str_eq_cstr(key, "CPU(s)"))
			set_int(value, &cpu.ncpus);
		else if (str_eq_cstr(key, "Hypervisor vendor"))
			cpu.hypervisor_vendor = value;
		else if (str_eq_cstr(key, "Address sizes") && !cpu_take_address_sizes(value, &cpu))
			parse_warn(out, row->lineno, "cannot read address sizes '%.*s', skipping",
				   (int)value.len, value.ptr);
	}
	if (!have)
		return 0;
	cpu.hypervisor = cpu.hypervisor_vendor.len || cpu_flags_have(cpu.flags, "hypervisor");
	*VEC_PUSH(&out->cpus) = cpu;
	return 0;
}
