/* pve_task.c - parse a Proxmox VE task log (/var/log/pve/tasks/<x>/UPID:...) into line rows:
 * the UPID header (its start time as a wall-clock stamp), QEMU's stderr (source kvm), the
 * final "TASK OK" / "TASK ERROR: ..." / "TASK WARNINGS: n" line (source "pve"). A task log is
 * about one VM: its id comes from the UPID's id field of a qm* task, else from the first
 * "VM 100" / "qmstart:100:" / "-id 100" the log names, and is set on every row.
 * Pure: no I/O; rows view the text.
 *
 * Real input lines (catalog P-01, P-04; `qm start` output on the Proxmox forum):
 *   kvm: vfio: Cannot reset device 0000:66:00.2, depends on group 19 which is not owned.
 *   TASK ERROR: can't unbind/bind PCI group to VFIO '0000:01:00.0'
 *   TASK ERROR: start failed: QEMU exited with code 1
 */
#include <string.h>

#include "common/limits.h"
#include "parse/logline.h"
#include "parse/parsers_all.h"

/* "UPID:node:pid:pstart:starttime:type:id:user:"; on success *type and *id view the fields. */
static bool parse_upid(struct str line, double *start, struct str *type, struct str *id)
{
	struct str f[8], t;
	uint64_t v;

	line = str_trim(line);
	if (!str_starts_with(line, "UPID:"))
		return false;
	t = str_sub(line, 5, line.len);
	for (int i = 0; i < 7; i++)
		if (!str_take_until(&t, ':', &f[i]))
			return false;
	if (t.len || !f[0].len || !str_to_u64(f[3], 16, 0, UINT32_MAX, &v) || !f[4].len ||
	    !f[6].len)
		return false;
	*start = (double)v;
	*type = f[4];
	*id = f[5];
	return true;
}

static bool task_status(struct str line)
{
	return str_eq_cstr(str_rtrim(line), "TASK OK") || str_starts_with(line, "TASK ERROR: ") ||
	       str_starts_with(line, "TASK WARNINGS: ");
}

/* "-id 100" on a kvm command line a TASK ERROR quotes */
static bool find_kvm_id(struct str s, struct str *vm)
{
	long at = str_find(s, " -id ");
	size_t n = 0;

	if (at < 0)
		return false;
	s = str_sub(s, (size_t)at + 5, s.len);
	while (n < s.len && n < 10 && s.ptr[n] >= '0' && s.ptr[n] <= '9')
		n++;
	if (!n || (n < s.len && s.ptr[n] != ' '))
		return false;
	*vm = str_sub(s, 0, n);
	return true;
}

int pve_task_sniff(struct str text)
{
	struct str line, prog;
	unsigned n = 0, qemu = 0;
	unsigned upid_at = 0;
	bool status = false;

	if (text.len > MAX_SNIFF_BYTES)
		text.len = MAX_SNIFF_BYTES;
	while (n < MAX_SNIFF_LINES && str_next_line(&text, &line)) {
		double ts;
		struct str type, id;

		n++;
		if (parse_upid(line, &ts, &type, &id))
			upid_at = upid_at ? upid_at : n;
		else if (task_status(line))
			status = true;
		else if (qemu_prog_take(line, &prog))
			qemu++;
	}
	/* the UPID heads a task log; further down it is a line of some paste */
	if (upid_at && upid_at <= 3)
		return 95;
	if (upid_at)
		return status ? 90 : 40;
	if (status)
		return qemu ? 92 : 85;
	return 0;
}

int pve_task_parse(struct str text, struct parse_out *out, struct error *err)
{
	size_t first = out->lines.n;
	struct str vm = STR_NULL;

	if (lines_split(text, SOURCE_PVE_TASK, out, err) < 0)
		return -1;
	for (size_t i = first; i < out->lines.n; i++) {
		struct line_row *row = &out->lines.v[i];
		struct str type, id;
		double start;

		if (parse_upid(row->text, &start, &type, &id)) {
			row->has_ts = row->ts_wall = true;
			row->ts = start;
			row->source = STR_LIT("pve");
			if (!vm.len && id.len && str_starts_with(type, "qm"))
				vm = id;
			continue;
		}
		qemu_log_refine(row, SOURCE_PVE_TASK);
		if (task_status(row->text))
			row->source = STR_LIT("pve");
		if (!logline_find_vmid(row->msg, &row->vm))
			find_kvm_id(row->msg, &row->vm);
		if (!vm.len)
			vm = row->vm;
	}
	for (size_t i = first; vm.len && i < out->lines.n; i++)
		if (!out->lines.v[i].vm.len)
			out->lines.v[i].vm = vm;
	return 0;
}
