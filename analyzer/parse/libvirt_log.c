/* libvirt_log.c - parse a libvirt domain log (/var/log/libvirt/qemu/<domain>.log) into line rows:
 * libvirt's own stamped lines ("starting up", "shutting down") with source "libvirt", the QEMU
 * command line it logs, and QEMU's stderr with its ISO stamps. Every row gets the domain name
 * from `-name guest=<name>,...` (or the older `-name <name>`) when the log shows it.
 * Pure: no I/O; rows view the text.
 *
 * Real input lines (a libvirt 6.0 domain log quoted in KubeVirt's tests; a forum paste):
 *   2020-07-02 09:04:39.037+0000: starting up libvirt version: 6.0.0, package: 16.fc31 ...
 *   -name guest=default_vmi-alpine-efi,debug-threads=on \ (continued on the next line)
 *   2018-11-23 23:37:59.352+0000: shutting down, reason=destroyed
 */
#include "common/limits.h"
#include "parse/logline.h"
#include "parse/parsers_all.h"

/* "-name guest=win10,debug-threads=on" or "-name win10": the domain name. */
static bool find_guest_name(struct str line, struct str *name)
{
	long at = str_find(line, "-name ");
	struct str t;
	size_t n = 0;

	if (at < 0 || (at > 0 && line.ptr[at - 1] != ' ' && line.ptr[at - 1] != '\t'))
		return false;
	t = str_sub(line, (size_t)at + 6, line.len);
	while (t.len && t.ptr[0] == ' ') {
		t.ptr++;
		t.len--;
	}
	if (str_starts_with(t, "guest="))
		t = str_sub(t, 6, t.len);
	while (n < t.len && t.ptr[n] != ',' && t.ptr[n] != ' ' && t.ptr[n] != '\t' &&
	       t.ptr[n] != '\\')
		n++;
	if (!n)
		return false;
	*name = str_sub(t, 0, n);
	return true;
}

/* libvirt's own line: "<iso stamp>: starting up libvirt version: ..." */
static bool libvirt_own(const struct logline *ll)
{
	return ll->has_ts && ll->body.len >= 2 && ll->body.ptr[0] == ':' && ll->body.ptr[1] == ' ';
}

static bool libvirt_line(struct str line, const struct logline *ll)
{
	struct str prog;

	return libvirt_own(ll) || str_starts_with(line, "LC_ALL=C") ||
	       (str_contains(line, "qemu-system-") && str_contains(line, "-name ")) ||
	       (ll->has_ts && !ll->syslog && qemu_prog_take(ll->body, &prog));
}

int libvirt_log_sniff(struct str text)
{
	struct logline_stats st;
	struct str head = text, line;
	bool start = false;

	/* the log of each start opens with libvirt's own line and the command line */
	for (int i = 0; i < MAX_SNIFF_LINES && str_next_line(&head, &line); i++) {
		struct logline ll;

		if (line.len > MAX_LINE_BYTES)
			line.len = MAX_LINE_BYTES;
		logline_scan(line, &ll);
		if ((libvirt_own(&ll) && str_contains(ll.body, "starting up")) ||
		    str_starts_with(line, "LC_ALL=C"))
			start = true;
	}
	logline_sniff_stats(text, libvirt_line, &st);
	if (!st.lines || !st.accepted)
		return 0;
	if (start)
		return 90;
	return (int)(25 + 40 * st.accepted / st.lines);
}

int libvirt_log_parse(struct str text, struct parse_out *out, struct error *err)
{
	size_t first = out->lines.n;
	struct str guest = STR_NULL;

	if (lines_split(text, SOURCE_LIBVIRT_LOG, out, err) < 0)
		return -1;
	for (size_t i = first; i < out->lines.n; i++) {
		struct line_row *row = &out->lines.v[i];
		struct logline ll;

		if (!guest.len)
			find_guest_name(row->text, &guest);
		logline_scan(row->text, &ll);
		if (libvirt_own(&ll)) {
			row->has_ts = row->ts_wall = true;
			row->ts = ll.ts;
			row->msg = str_sub(ll.body, 2, ll.body.len);
			row->source = STR_LIT("libvirt");
		} else {
			qemu_log_refine(row, SOURCE_LIBVIRT_LOG);
		}
	}
	for (size_t i = first; guest.len && i < out->lines.n; i++)
		out->lines.v[i].vm = guest;
	return 0;
}
