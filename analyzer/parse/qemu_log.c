/* qemu_log.c - parse QEMU stderr (as Proxmox task logs, libvirt domain logs and virsh errors
 * carry it) into line rows: the optional ISO-8601 stamp libvirt's `-msg timestamp=on` adds, the
 * program name as source (kvm, qemu-system-x86_64, ...) and the first PCI address. The message
 * keeps the program prefix, since the catalog's QPFX patterns include it. Pure: no I/O.
 *
 * Real input lines (catalog ):
 *   kvm: vfio: Cannot reset device 0000:01:00.1, depends on group 15 which is not owned.
 *   qemu-system-x86_64: vfio: Unable to power on device, stuck in D3
 *   kvm: warning: vfio 0000:00:1f.3: Could not enable error recovery for the device
 */
#include "parse/logline.h"
#include "parse/parsers_all.h"

bool qemu_prog_take(struct str body, struct str *prog)
{
	static const char *const names[] = { "kvm", "qemu", "qemu-kvm", NULL };
	size_t n = 0;
	struct str w;

	while (n < body.len && n < 128 && body.ptr[n] != ':' && body.ptr[n] != ' ' &&
	       body.ptr[n] != '\t')
		n++;
	if (!n || n + 1 >= body.len || body.ptr[n] != ':' || body.ptr[n + 1] != ' ')
		return false;
	w = str_sub(body, 0, n);
	for (const char *const *p = names; *p; p++)
		if (str_eq_cstr(w, *p))
			goto found;
	/* qemu-system-x86_64, /usr/bin/qemu-system-x86_64, /usr/libexec/qemu-kvm */
	if (!str_contains(w, "qemu-system-") && !str_ends_with(w, "/qemu-kvm") &&
	    !str_ends_with(w, "/kvm"))
		return false;
found:
	*prog = w;
	return true;
}

static bool qemu_line(struct str line, const struct logline *ll)
{
	struct str prog;

	(void)line;
	return qemu_prog_take(ll->body, &prog);
}

int qemu_log_sniff(struct str text)
{
	struct logline_stats st;

	logline_sniff_stats(text, qemu_line, &st);
	if (!st.lines || !st.accepted)
		return 0;
	/* journal lines "QEMU[pid]: kvm: ..." are counted as syslog: the journal wins those */
	if (st.syslog * 2 >= st.lines)
		return 20;
	return (int)(30 + 65 * st.accepted / st.lines);
}

void qemu_log_refine(struct line_row *row, enum source_kind dflt)
{
	struct logline ll;
	struct str prog;

	logline_scan(row->text, &ll);
	logline_fill_row(row, &ll, dflt);
	if (!ll.kernel && !ll.syslog && qemu_prog_take(row->msg, &prog)) {
		row->kind = dflt;
		row->source = prog;
	}
}

int qemu_log_parse(struct str text, struct parse_out *out, struct error *err)
{
	size_t first = out->lines.n;

	if (lines_split(text, SOURCE_QEMU_LOG, out, err) < 0)
		return -1;
	for (size_t i = first; i < out->lines.n; i++)
		qemu_log_refine(&out->lines.v[i], SOURCE_QEMU_LOG);
	return 0;
}
