/* logline.h - private to the log parsers (kernel_log.c, journal.c, qemu_log.c,
 * libvirt_log.c, pve_task.c): the line-prefix scanner and small shared helpers.
 *
 * The scanner is plain C, no regex. It takes the prefixes of the catalog's KPFX convention off
 * one line: an optional `<N>` level, an optional stamp (syslog `Nov 21 11:50:00[.frac]`,
 * ISO-8601 `2024-11-21T11:50:00[.frac][Z|+01:00|+0100]`, dmesg -T `[Thu Nov 21 11:50:00 2024]`,
 * boot-relative `[    4.088924]`, dmesg -H `[Feb14 10:35]` or its `[  +0.000052]` deltas, which
 * carry no stamp), an optional syslog header `host prog[pid]: `, the dmesg -x
 * `kern  :warn  : ` facility/level, a second (inner) `[ts]`, a `<N>` after the stamp and a
 * printk caller id `[ T123]`.
 *
 * Wall-clock stamps become seconds since the epoch, UTC (an ISO offset is applied; syslog and
 * dmesg -T stamps have no zone and are taken as UTC). Syslog stamps carry no year: they are
 * placed in 1970, so they order correctly within one year and are flagged wall-clock. When a
 * line has both a wall-clock stamp and a boot-relative one (kern.log), the outer wall-clock one
 * is kept, so that one file stays on one clock.
 */
#pragma once

#include <stdbool.h>

#include "parse/parse.h"

struct logline {
	struct str body; /* what follows every prefix */
	struct str host; /* syslog header host, empty without a header */
	struct str prog; /* syslog header program ("kernel", "pvedaemon", "QEMU") */
	struct str pid;	 /* digits inside prog[...], empty without */
	bool has_ts;
	bool ts_wall;
	double ts;
	bool kernel; /* a kernel shape: [ts], <N>, kern:level:, or a "kernel:" header */
	bool syslog; /* a "host prog:" header was read */
};

/* Scans the prefixes of one line (never fails; an unprefixed line gives body == line). */
void logline_scan(struct str line, struct logline *ll);

/* Takes an ISO-8601 stamp off the front of *s ("2024-11-21T11:50:00.123456+01:00",
 * "2024-11-21 11:50:00.123+0000", "2025-08-30T21:38:26.333149Z"); on success sets *epoch
 * (UTC seconds) and advances *s past the stamp only. */
bool logline_take_iso(struct str *s, double *epoch);

/* Finds the VM a line is about: a Proxmox id ("VM 100", "qmstart:100:", "100.scope",
 * "/qemu-server/100.conf") or a libvirt domain ("(vm='win11')"). *vm views s. */
bool logline_find_vmid(struct str s, struct str *vm);

/* Short address forms of DMAR fault records ("Request device [01:00.0]"), AMD-Vi events of
 * 5.10 ("device=0a:00.0") and QEMU's "-device vfio-pci,host=07:00.0"; used when a line names no
 * full address. */
bool logline_find_short_bdf(struct str s, struct pciaddr *out);

/* Fills the log fields of one line row from a scan: ts, msg, source (the syslog program, or
 * "kernel" for kernel-shaped lines), and kind (kernel_log for kernel-shaped lines, journal for
 * other syslog programs, dflt otherwise). */
void logline_fill_row(struct line_row *row, const struct logline *ll, enum source_kind dflt);

/* The prefix checks sniffers share: counts, over a bounded prefix of text (MAX_SNIFF_LINES,
 * MAX_SNIFF_BYTES), the non-empty lines, kernel-shaped lines, syslog lines of other programs, and
 * lines that accept(body) says are ours. */
struct logline_stats {
	unsigned lines;	   /* non-empty lines looked at */
	unsigned kernel;   /* kernel-shaped */
	unsigned syslog;   /* with a syslog header of a program other than the kernel */
	unsigned accepted; /* accept() returned true */
};

void logline_sniff_stats(struct str text, bool (*accept)(struct str line, const struct logline *ll),
			 struct logline_stats *st);

/* qemu_log.c: true when body starts with a QEMU program name and ": " ("kvm: ",
 * "qemu-system-x86_64: ", "/usr/libexec/qemu-kvm: "); *prog views the name. */
bool qemu_prog_take(struct str body, struct str *prog);
/* qemu_log.c: fills one line row of QEMU stderr (stamp, program as source); lines that are not
 * kernel or syslog lines get kind dflt. */
void qemu_log_refine(struct line_row *row, enum source_kind dflt);
