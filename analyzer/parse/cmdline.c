/* cmdline.c - parse a kernel command line (/proc/cmdline, /etc/kernel/cmdline) into param rows
 * (key, value, order), splitting and unquoting the way the kernel's next_arg() does: blanks
 * separate parameters except inside double quotes, a quote at the start of a parameter or of
 * its value is dropped, and so is a quote at its end. Also the tokenizer grub.c uses.
 * Pure: no I/O; keys and values view the text.
 *
 * Real input lines (linuxhw 0006, cut at "..."; seed 000):
 *   BOOT_IMAGE=/boot/vmlinuz-4.18.0-12-generic root=/dev/mapper/XXXXXXXXXXXXXXX ro quiet ...
 *   quiet intel_iommu=on iommu=pt initcall_blacklist=sysfb_init video=efifb:off
 */
#include "common/limits.h"
#include "parse/cmdline_split.h"
#include "parse/parsers_all.h"

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static struct str strip_quotes(struct str s)
{
	if (s.len && s.ptr[0] == '"') {
		s.ptr++;
		s.len--;
	}
	if (s.len && s.ptr[s.len - 1] == '"')
		s.len--;
	return s;
}

bool cmdline_next_param(struct str *in, struct str *key, struct str *value, bool *has_value)
{
	struct str s = *in, arg;
	bool quoted = false;
	size_t i = 0;
	long eq;

	while (s.len && is_space(s.ptr[0])) {
		s.ptr++;
		s.len--;
	}
	if (!s.len) {
		*in = s;
		return false;
	}
	for (; i < s.len; i++) {
		if (s.ptr[i] == '"')
			quoted = !quoted;
		else if (!quoted && is_space(s.ptr[i]))
			break;
	}
	arg = str_sub(s, 0, i);
	in->ptr = s.ptr + i;
	in->len = s.len - i;
	if (arg.ptr[0] == '"') {
		/* "foo bar" or "key=a b": the whole parameter quoted */
		arg = strip_quotes(arg);
	}
	eq = str_find_char(arg, '=');
	if (eq < 0) {
		*key = strip_quotes(arg);
		*value = STR_NULL;
		*has_value = false;
		return true;
	}
	*key = str_sub(arg, 0, (size_t)eq);
	*value = strip_quotes(str_sub(arg, (size_t)eq + 1, arg.len));
	*has_value = true;
	return true;
}

int cmdline_add_params(struct str line, uint32_t lineno, struct str origin, uint32_t *order,
		       struct parse_out *out)
{
	struct str key, value;
	bool has_value;

	while (cmdline_next_param(&line, &key, &value, &has_value)) {
		struct param_row *p;

		if (out->params.n >= MAX_ROWS) {
			parse_warn(out, lineno, "more than %d parameters, ignoring the rest",
				   MAX_ROWS);
			return -1;
		}
		p = VEC_PUSH(&out->params);
		p->lineno = lineno;
		p->order = (*order)++;
		p->key = key;
		p->value = value;
		p->has_value = has_value;
		p->origin = origin;
	}
	return 0;
}

/* A token that looks like a kernel parameter: [A-Za-z0-9_.-]+ optionally followed by "=". */
static bool param_shaped(struct str key)
{
	if (!key.len)
		return false;
	for (size_t i = 0; i < key.len; i++) {
		char c = key.ptr[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '-' || c == '.'))
			return false;
	}
	return true;
}

/* A command line is words with '=' values: "BOOT_IMAGE=/boot/vmlinuz-6.8.12-4-pve
 * root=ZFS=rpool/ROOT/pve-1 ro quiet intel_iommu=on". Keys count only in their own shape (root
 * with a value, ro as a bare flag), so that prose ("Potential root causes include:") and QEMU
 * or virsh messages, which are words without values, are not taken for one. */
int cmdline_sniff(struct str text)
{
	static const char *const strong[] = { "BOOT_IMAGE", "root", "initrd", NULL };
	static const char *const known[] = {
		"intel_iommu",	     "amd_iommu",	   "iommu", "video", "vfio-pci.ids",
		"pcie_acs_override", "initcall_blacklist", NULL
	};
	static const char *const flags[] = { "quiet", "splash", "nomodeset", "ro", "rw", NULL };
	struct str line, key, value, head = text;
	unsigned nonempty = 0, params = 0, valued = 0, odd = 0, hits = 0;
	bool has_value;

	if (head.len > MAX_SNIFF_BYTES)
		head.len = MAX_SNIFF_BYTES;
	while (str_next_line(&head, &line)) {
		if (!str_trim(line).len)
			continue;
		if (++nonempty > 2)
			return 0;
		while (cmdline_next_param(&line, &key, &value, &has_value)) {
			params++;
			valued += has_value;
			if (!param_shaped(key))
				odd++;
			for (const char *const *p = strong; *p; p++)
				hits += has_value && str_eq_cstr(key, *p) ? 3 : 0;
			for (const char *const *p = known; *p; p++)
				hits += has_value && str_eq_cstr(key, *p) ? 2 : 0;
			for (const char *const *p = flags; *p; p++)
				hits += !has_value && str_eq_cstr(key, *p) ? 1 : 0;
		}
	}
	if (!params || !valued || odd * 4 > params)
		return 0;
	if (hits >= 3)
		return 90;
	if (hits >= 2)
		return 70;
	return valued * 2 >= params ? 25 : 5;
}

int cmdline_parse(struct str text, struct parse_out *out, struct error *err)
{
	size_t first = out->lines.n;
	uint32_t order = 0;

	if (lines_split(text, SOURCE_CMDLINE, out, err) < 0)
		return -1;
	for (size_t i = first; i < out->lines.n; i++)
		if (cmdline_add_params(out->lines.v[i].text, out->lines.v[i].lineno,
				       STR_LIT("cmdline"), &order, out) < 0)
			break;
	return 0;
}
