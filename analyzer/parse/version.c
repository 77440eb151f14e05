/* version.c - parse /proc/version ("Linux version <release> (<builder>) (<compiler>) #<version>")
 * or `uname -a` ("Linux <node> <release> #<version> <machine> ... GNU/Linux") into kv rows of
 * scope "kernel": release, version (from the '#' on), machine (uname -a only), and pve = 1 or 0
 * (the release ends in -pve, as Proxmox kernels' do). The node name is not kept.
 * Pure: no I/O; values view the text.
 *
 * Real input lines (linuxhw 0002, cut at "..."; `uname -a` on this machine):
 *   Linux version 5.11.22-2-pve (XXX@XXX) (gcc (Debian 10.2.1-6) 10.2.1 20210110, ...
 *   Linux vm 6.18.44-fc-v595 #1 SMP PREEMPT_DYNAMIC @0 x86_64 GNU/Linux
 */
#include <string.h>

#include "common/limits.h"
#include "parse/kernel_version.h"
#include "parse/parsers_all.h"

static const char *const machines[] = { "x86_64",  "i686",    "i586",	   "i386",
					"aarch64", "armv7l",  "ppc64le",   "s390x",
					"riscv64", "unknown", "GNU/Linux", NULL };

static bool is_machine(struct str w)
{
	for (const char *const *m = machines; *m; m++)
		if (str_eq_cstr(w, *m))
			return true;
	return false;
}

static void add_kv(struct parse_out *out, uint32_t lineno, const char *key, struct str value)
{
	struct kv_row *kv = VEC_PUSH(&out->kvs);

	kv->lineno = lineno;
	kv->scope = STR_LIT("kernel");
	kv->key = str_from_cstr(key);
	kv->value = value;
}

static bool release_is_pve(struct str release)
{
	return release.len > 4 && str_ieq_cstr(str_sub(release, release.len - 4, 4), "-pve");
}

/* "Linux version R (...) ... #1 SMP ..." (also the kernel log's banner: kernel_version.h) */
bool version_banner_rows(struct str line, uint32_t lineno, struct parse_out *out)
{
	struct str t = str_trim(line), release;
	long hash;

	if (!str_starts_with(t, "Linux version "))
		return false;
	t = str_sub(t, 14, t.len);
	if (!str_next_word(&t, &release))
		return false;
	add_kv(out, lineno, "release", release);
	hash = str_find(t, " #");
	if (hash >= 0)
		add_kv(out, lineno, "version", str_trim(str_sub(t, (size_t)hash + 1, t.len)));
	add_kv(out, lineno, "pve", release_is_pve(release) ? STR_LIT("1") : STR_LIT("0"));
	return true;
}

/* "Linux node R #1 SMP ... x86_64 GNU/Linux" */
static bool uname_a(struct str line, uint32_t lineno, struct parse_out *out)
{
	struct str t = str_trim(line), w, node, release, version, machine = STR_NULL;
	const char *vend;

	if (!str_next_word(&t, &w) || !str_eq_cstr(w, "Linux") || !str_next_word(&t, &node) ||
	    !str_next_word(&t, &release))
		return false;
	t = str_trim(t);
	if (!t.len || t.ptr[0] != '#')
		return false;
	version = t;
	vend = t.ptr + t.len;
	/* machine, processor, platform and OS close the line: peel them off from the end */
	for (;;) {
		struct str head = str_rtrim(str_sub(t, 0, (size_t)(vend - t.ptr)));
		long sp = -1;

		for (size_t i = head.len; i > 0; i--)
			if (head.ptr[i - 1] == ' ') {
				sp = (long)i - 1;
				break;
			}
		if (sp < 0)
			break;
		w = str_sub(head, (size_t)sp + 1, head.len);
		if (!is_machine(w))
			break;
		if (!str_eq_cstr(w, "GNU/Linux") && !str_eq_cstr(w, "unknown"))
			machine = w;
		vend = head.ptr + sp;
	}
	version.len = (size_t)(vend - version.ptr);
	add_kv(out, lineno, "release", release);
	add_kv(out, lineno, "version", str_rtrim(version));
	if (machine.len)
		add_kv(out, lineno, "machine", machine);
	add_kv(out, lineno, "pve", release_is_pve(release) ? STR_LIT("1") : STR_LIT("0"));
	(void)node;
	return true;
}

/* 0 none, 1 "Linux version ...", 2 "Linux <node> <release> #..." */
static int version_shape(struct str line)
{
	struct str t = line, w;

	if (str_starts_with(line, "Linux version "))
		return 1;
	if (str_next_word(&t, &w) && str_eq_cstr(w, "Linux") && str_next_word(&t, &w) &&
	    str_next_word(&t, &w) && str_next_word(&t, &w) && w.ptr[0] == '#')
		return 2;
	return 0;
}

int version_sniff(struct str text)
{
	struct str line, head = text;
	unsigned n = 0;
	int shape = 0;

	if (head.len > MAX_SNIFF_BYTES)
		head.len = MAX_SNIFF_BYTES;
	while (n < 4 && str_next_line(&head, &line)) {
		if (!str_trim(line).len)
			continue;
		if (++n == 1)
			shape = version_shape(line);
	}
	if (!shape)
		return 0;
	/* /proc/version and uname -a are one line; a log opening with the banner (dmesg -t) is not
	 */
	if (n > 2)
		return 10;
	return shape == 1 ? 95 : 90;
}

int version_parse(struct str text, struct parse_out *out, struct error *err)
{
	size_t first = out->lines.n;
	bool done = false;

	if (lines_split(text, SOURCE_VERSION, out, err) < 0)
		return -1;
	for (size_t i = first; i < out->lines.n && !done; i++) {
		const struct line_row *row = &out->lines.v[i];

		if (!str_trim(row->text).len)
			continue;
		done = version_banner_rows(row->text, row->lineno, out) ||
		       uname_a(row->text, row->lineno, out);
		if (!done)
			parse_warn(out, row->lineno, "not a kernel version line, skipping");
	}
	return 0;
}
