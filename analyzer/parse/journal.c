/* journal.c - parse syslog/journal lines of any program (journalctl, /var/log/syslog) into line
 * rows: wall-clock stamp, the program as source, the body, and the Proxmox VM the line is about.
 * Kernel lines of a mixed journal keep kind kernel_log. Pure: no I/O; rows view the text.
 *
 * Real input lines (a Proxmox forum journal of a qmstart; catalog Q-15):
 *   Feb 26 10:12:17 pve qm[5310]: pre-start: VM 101
 *   Feb 26 10:12:18 pve systemd[1]: Started 101.scope.
 *   Feb 26 14:08:34 pve QEMU[2616]: kvm: vfio: Cannot reset device 0000:66:00.6, depends on group
 *     22 which is not owned.    (one line, wrapped here)
 */
#include "parse/logline.h"
#include "parse/parsers_all.h"

/* journalctl's own lines: "-- Boot 0123abcd... --", "-- Logs begin at ...", "-- No entries --" */
static bool journal_marker(struct str line, const struct logline *ll)
{
	(void)ll;
	return str_starts_with(line, "-- ") && str_ends_with(str_rtrim(line), " --");
}

int journal_sniff(struct str text)
{
	struct logline_stats st;

	logline_sniff_stats(text, journal_marker, &st);
	if (!st.lines || (!st.syslog && !st.accepted))
		return 0;
	if (st.syslog * 10 < st.lines)
		return st.syslog ? 20 : 15;
	return (int)(30 + 69 * (st.syslog + st.kernel + st.accepted) / st.lines);
}

int journal_parse(struct str text, struct parse_out *out, struct error *err)
{
	size_t first = out->lines.n;

	if (lines_split(text, SOURCE_JOURNAL, out, err) < 0)
		return -1;
	for (size_t i = first; i < out->lines.n; i++) {
		struct line_row *row = &out->lines.v[i];
		struct logline ll;

		logline_scan(row->text, &ll);
		logline_fill_row(row, &ll, SOURCE_JOURNAL);
		if (row->kind == SOURCE_JOURNAL)
			logline_find_vmid(row->msg, &row->vm);
	}
	return 0;
}
