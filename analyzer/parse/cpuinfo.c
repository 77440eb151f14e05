/* cpuinfo.c - parse /proc/cpuinfo into one cpu row: the first processor's vendor, family,
 * model, stepping, model name, flags and address sizes, the hypervisor flag, and the number of
 * "processor" entries as ncpus. Pure: no I/O; strings view the text.
 *
 * Real input lines (this machine's /proc/cpuinfo):
 *   vendor_id	: AuthenticAMD
 *   model name	: AMD EPYC
 *   address sizes	: 48 bits physical, 48 bits virtual
 */
#include "common/limits.h"
#include "parse/cpu_fields.h"
#include "parse/parsers_all.h"

static void set_int(struct str v, int32_t *out)
{
	uint64_t n;

	if (str_to_u64(str_trim(v), 0, 0, INT32_MAX, &n))
		*out = (int32_t)n;
}

bool cpu_take_address_sizes(struct str v, struct cpu_row *cpu)
{
	uint64_t phys, virt;

	v = str_trim(v);
	if (!str_take_u64(&v, 10, 1024, &phys) || !str_starts_with(v, " bits physical, "))
		return false;
	v = str_sub(v, 16, v.len);
	if (!str_take_u64(&v, 10, 1024, &virt) || !str_starts_with(v, " bits virtual"))
		return false;
	cpu->phys_bits = (int32_t)phys;
	cpu->virt_bits = (int32_t)virt;
	return true;
}

bool cpu_flags_have(struct str flags, const char *flag)
{
	struct str w;

	if (!flags.len)
		return false; /* a zeroed view may have a NULL pointer */
	while (str_next_word(&flags, &w))
		if (str_eq_cstr(w, flag))
			return true;
	return false;
}

void cpu_row_init(struct cpu_row *cpu, uint32_t lineno)
{
	cpu->lineno = lineno;
	cpu->family = cpu->model = cpu->stepping = -1;
	cpu->phys_bits = cpu->virt_bits = -1;
	cpu->ncpus = -1;
}

/* "key<tabs>: value"; false for lines without the colon. */
static bool split_field(struct str line, struct str *key, struct str *value)
{
	long colon = str_find_char(line, ':');

	if (colon <= 0)
		return false;
	*key = str_trim(str_sub(line, 0, (size_t)colon));
	*value = str_trim(str_sub(line, (size_t)colon + 1, line.len));
	return true;
}

int cpuinfo_sniff(struct str text)
{
	struct str line, head = text, key, value;
	unsigned n = 0, fields = 0, known = 0;
	bool processor = false;

	if (head.len > MAX_SNIFF_BYTES)
		head.len = MAX_SNIFF_BYTES;
	while (n++ < 60 && str_next_line(&head, &line)) {
		if (!split_field(line, &key, &value))
			continue;
		fields++;
		if (str_eq_cstr(key, "processor") && str_find_char(line, '\t') >= 0)
			processor = true;
		if (str_eq_cstr(key, "vendor_id") || str_eq_cstr(key, "cpu family") ||
		    str_eq_cstr(key, "model name") || str_eq_cstr(key, "flags") ||
		    str_eq_cstr(key, "bogomips") || str_eq_cstr(key, "cpu MHz"))
			known++;
	}
	if (processor && known >= 2)
		return 95;
	if (known >= 3 && str_find_char(text, '\t') >= 0)
		return 70;
	return 0;
}

int cpuinfo_parse(struct str text, struct parse_out *out, struct error *err)
{
	size_t first = out->lines.n;
	struct cpu_row cpu = { 0 };
	int32_t ncpus = 0;
	bool have = false, in_first = true;

	if (lines_split(text, SOURCE_CPUINFO, out, err) < 0)
		return -1;
	for (size_t i = first; i < out->lines.n; i++) {
		const struct line_row *row = &out->lines.v[i];
		struct str key, value;

		if (!split_field(row->text, &key, &value))
			continue;
		if (str_eq_cstr(key, "processor")) {
			if (ncpus++ > 0)
				in_first = false;
		}
		if (!have) {
			cpu_row_init(&cpu, row->lineno);
			have = true;
		}
		if (!in_first)
			continue;
		if (str_eq_cstr(key, "vendor_id"))
			cpu.vendor = value;
		else if (str_eq_cstr(key, "cpu family"))
			set_int(value, &cpu.family);
		else if (str_eq_cstr(key, "model"))
			set_int(value, &cpu.model);
		else if (str_eq_cstr(key, "stepping"))
			set_int(value, &cpu.stepping);
		else if (str_eq_cstr(key, "model name"))
			cpu.model_name = value;
		else if (str_eq_cstr(key, "flags"))
			cpu.flags = value;
		else if (str_eq_cstr(key, "address sizes") && !cpu_take_address_sizes(value, &cpu))
			parse_warn(out, row->lineno, "cannot read address sizes '%.*s', skipping",
				   (int)value.len, value.ptr);
	}
	if (!have)
		return 0;
	cpu.ncpus = ncpus ? ncpus : -1;
	cpu.hypervisor = cpu_flags_have(cpu.flags, "hypervisor");
	*VEC_PUSH(&out->cpus) = cpu;
	return 0;
}
