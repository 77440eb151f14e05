/* kernel_log_test.c - the kernel-log prefix scanner: every KPFX stamp form, kinds in mixed
 * journals, short addresses, VM ids and the sniffer's choice. Lines are from the linuxhw corpus,
 * the seeds and the message catalog (KPFX prefixes and examples). */
#include <math.h>
#include <string.h>

#include "parse/parse.h"
#include "parse/parsers_all.h"
#include "test.h"

static struct parse_out out;

static const struct line_row *
parse_one(int (*parse)(struct str, struct parse_out *, struct error *), const char *text)
{
	struct error err = { 0 };

	parse_out_release(&out);
	parse_out_init(&out);
	CHECK_INT(parse(str_from_cstr(text), &out, &err), 0);
	CHECK(out.lines.n >= 1);
	return out.lines.n ? &out.lines.v[0] : NULL;
}

static bool near(double a, double b)
{
	return fabs(a - b) < 1e-6;
}

static void test_raw_dmesg_stamp_is_boot_relative(void)
{
	/* linuxhw 0003 */
	const struct line_row *r = parse_one(
		kernel_log_parse,
		"[    5.256942] DMAR: [INTR-REMAP] Request device [01:00.0] fault index 0x5e [fault reason 0x26] Blocked an interrupt request due to source-id verification failure");

	CHECK(r->has_ts && !r->ts_wall && near(r->ts, 5.256942));
	CHECK_VIEW(r->source, "kernel");
	CHECK(str_starts_with(r->msg, "DMAR: [INTR-REMAP]"));
	/* the DMAR fault record's short form counts as the line's address */
	CHECK(r->has_bdf && r->bdf.bus == 1 && r->bdf.dev == 0 && r->bdf.func == 0);
}

static void test_single_space_forum_stamp(void)
{
	/* seed 001 */
	const struct line_row *r = parse_one(
		kernel_log_parse,
		"[ 123.660367] vfio-pci 0000:00:02.0: Invalid PCI ROM header signature: expecting 0xaa55, got 0xcffa");

	CHECK(r->has_ts && near(r->ts, 123.660367));
	CHECK(r->has_bdf && r->bdf.dev == 2);
	CHECK(str_starts_with(r->msg, "vfio-pci 0000:00:02.0: Invalid"));
}

static void test_level_prefix_after_stamp(void)
{
	/* linuxhw 0004 */
	const struct line_row *r = parse_one(
		kernel_log_parse,
		"[    3.612697] <6>[fglrx] Maximum main memory to use for locked dma buffers: 7712 MBytes.");

	CHECK(near(r->ts, 3.612697));
	CHECK(str_starts_with(r->msg, "[fglrx] Maximum"));
}

static void test_dmesg_T_is_wall_clock(void)
{
	/* catalog KPFX: "[Thu Nov 21 11:50:00 2024] " */
	const struct line_row *r =
		parse_one(kernel_log_parse, "[Thu Nov 21 11:50:00 2024] DMAR: IOMMU enabled");

	CHECK(r->has_ts && r->ts_wall);
	CHECK(near(r->ts, 1732189800.0)); /* 2024-11-21T11:50:00Z */
	CHECK_VIEW(r->msg, "DMAR: IOMMU enabled");
}

static void test_dmesg_x_facility_and_level(void)
{
	/* catalog KPFX: "kern  :warn  : " before the boot stamp */
	const struct line_row *r = parse_one(
		kernel_log_parse,
		"kern  :warn  : [    0.000000] [Firmware Bug]: TSC doesn't count with P0 frequency!");

	CHECK(r->has_ts && near(r->ts, 0.0));
	CHECK_VIEW(r->msg, "[Firmware Bug]: TSC doesn't count with P0 frequency!");
}

static void test_journal_short_and_precise(void)
{
	const struct line_row *r = parse_one(
		kernel_log_parse, "Nov 21 11:50:00 pve kernel: DMAR: Host address width 46");

	CHECK(r->has_ts && r->ts_wall);
	/* yearless: placed in 1970, 21 Nov = day 324 */
	CHECK(near(r->ts, 324 * 86400.0 + 11 * 3600 + 50 * 60));
	CHECK_VIEW(r->msg, "DMAR: Host address width 46");
	CHECK(r->kind == SOURCE_KERNEL_LOG);

	r = parse_one(kernel_log_parse,
		      "Nov  1 11:50:00.123456 pve kernel: DMAR: Host address width 46");
	CHECK(near(r->ts, 304 * 86400.0 + 11 * 3600 + 50 * 60 + 0.123456));
}

static void test_iso_offsets_become_utc(void)
{
	/* catalog KPFX: rsyslog RFC3339 and journalctl short-iso */
	const struct line_row *r =
		parse_one(kernel_log_parse,
			  "2024-11-21T11:50:00.123456+01:00 pve kernel: DMAR: IOMMU enabled");

	CHECK(r->ts_wall && near(r->ts, 1732189800.0 - 3600 + 0.123456));
	CHECK_VIEW(r->msg, "DMAR: IOMMU enabled");
	r = parse_one(kernel_log_parse, "2024-11-21T11:50:00+0100 pve kernel: DMAR: IOMMU enabled");
	CHECK(near(r->ts, 1732189800.0 - 3600));
	r = parse_one(kernel_log_parse,
		      "2025-08-30T21:38:26.333149Z qemu-system-x86_64: -device vfio-pci");
	CHECK(near(r->ts, 1756589906.333149));
}

static void test_kern_log_with_both_stamps_keeps_wall_clock(void)
{
	const struct line_row *r = parse_one(
		kernel_log_parse,
		"2024-11-21T11:50:00.123456+01:00 pve kernel: [    4.088924] vfio-pci 0000:00:02.0: vgaarb: deactivate vga console");

	CHECK(r->ts_wall && near(r->ts, 1732189800.0 - 3600 + 0.123456));
	CHECK(str_starts_with(r->msg, "vfio-pci 0000:00:02.0: vgaarb"));
}

static void test_short_monotonic_header(void)
{
	/* journalctl -o short-monotonic: "[    4.088924] host kernel: " (catalog KPFX) */
	const struct line_row *r = parse_one(
		kernel_log_parse,
		"[    4.088924] pve kernel: vfio-pci 0000:00:02.0: vgaarb: deactivate vga console");

	CHECK(!r->ts_wall && near(r->ts, 4.088924));
	CHECK(str_starts_with(r->msg, "vfio-pci 0000:00:02.0:"));
	/* a dmesg line whose first words look like "word word:" is not a header */
	r = parse_one(
		kernel_log_parse,
		"[    2.937206] usb 1-1.4: New USB device found, idVendor=10c4, idProduct=8103, bcdDevice= 0.00");
	CHECK(str_starts_with(r->msg, "usb 1-1.4: New USB"));
}

static void test_lines_without_stamp_stay_kernel_lines(void)
{
	/* linuxhw 0003 line 229, 0004 continuation */
	const struct line_row *r = parse_one(
		kernel_log_parse, "               BIOS vendor: HP; Ver: P70; Product Version: ");

	CHECK(!r->has_ts);
	CHECK(r->kind == SOURCE_KERNEL_LOG);
	CHECK_VIEW(r->source, "kernel");
	CHECK(str_starts_with(r->msg, "BIOS vendor: HP"));
}

static void test_mixed_journal_kinds(void)
{
	/* catalog Q-20/K-KVM examples: one kernel line, one QEMU line */
	const char *text =
		"Feb 26 14:03:28 pve kernel: kvm_amd: kvm [2616]: vcpu7, guest rIP: 0xfffff85775adfd29 Unhandled WRMSR(0xc0010115) = 0x0\n"
		"Feb 26 14:08:34 pve QEMU[2616]: kvm: vfio: Cannot reset device 0000:66:00.6, depends on group 22 which is not owned.\n";

	parse_one(journal_parse, text);
	CHECK_INT(out.lines.n, 2);
	CHECK(out.lines.v[0].kind == SOURCE_KERNEL_LOG);
	CHECK(out.lines.v[1].kind == SOURCE_JOURNAL);
	CHECK_VIEW(out.lines.v[1].source, "QEMU");
	CHECK(str_starts_with(out.lines.v[1].msg, "kvm: vfio: Cannot reset"));
	CHECK(journal_sniff(str_from_cstr(text)) > kernel_log_sniff(str_from_cstr(text)));
}

static void test_vm_ids_from_journal(void)
{
	const struct line_row *r = parse_one(
		journal_parse,
		"Feb 26 10:12:17 pve qm[5306]: start VM 101: UPID:pve:000014BA:000211EA:67BECCE1:qmstart:101:root@pam:");

	CHECK_VIEW(r->vm, "101");
	CHECK_VIEW(r->source, "qm");
	r = parse_one(journal_parse,
		      "Feb 26 10:38:02 pve systemd[1]: 101.scope: Deactivated successfully.");
	CHECK_VIEW(r->vm, "101");
	/* catalog L-03: libvirt names the domain */
	r = parse_one(
		journal_parse,
		"error: internal error: QEMU unexpectedly closed the monitor (vm='win11'): 2025-01-01T00:00:00.000000Z qemu-system-x86_64: -device {\"driver\":\"vfio-pci\",\"host\":\"0000:01:00.0\",\"id\":\"hostdev0\",\"bus\":\"pci.5\",\"addr\":\"0x0\"}: vfio 0000:01:00.0: failed to setup container for group 1: Failed to set iommu for container: Operation not permitted");
	CHECK_VIEW(r->vm, "win11");
	CHECK(r->has_bdf && r->bdf.bus == 1);
}

static void test_sniff_prefers_kernel_log_for_dmesg(void)
{
	struct str dmesg = str_from_cstr(
		"[    0.000000] Linux version 5.11.22-2-pve (XXX@XXX) (gcc (Debian 10.2.1-6) 10.2.1 20210110, GNU ld (GNU Binutils for Debian) 2.35.2) #1 SMP PVE 5.11.22-3 (Sun, 11 Jul 2021 13:45:15 +0200) ()\n"
		"[    0.000000] Command line: initrd=\\EFI\\proxmox\\5.11.22-2-pve\\initrd.img-5.11.22-2-pve root=ZFS=rpool/ROOT/pve-1 boot=zfs rootdelay=15 intel_iommu=on\n");

	CHECK(kernel_log_sniff(dmesg) >= 90);
	CHECK(journal_sniff(dmesg) == 0);
	CHECK(qemu_log_sniff(dmesg) == 0);
	CHECK(cmdline_sniff(dmesg) == 0);
	CHECK(version_sniff(dmesg) < kernel_log_sniff(dmesg));
}

static void test_garbage_stamps_are_not_stamps(void)
{
	const struct line_row *r = parse_one(kernel_log_parse, "[ 12x.5] not a stamp");

	CHECK(!r->has_ts);
	r = parse_one(kernel_log_parse, "Nov 99 11:50:00 pve kernel: x");
	CHECK(!r->has_ts);
	r = parse_one(kernel_log_parse, "2024-13-21T11:50:00Z x");
	CHECK(!r->has_ts);
	r = parse_one(kernel_log_parse, "<6");
	CHECK(!r->has_ts);
}

static void test_release(void)
{
	parse_out_release(&out);
	CHECK(out.lines.n == 0);
}

/* Two boots in one log (linuxhw 0007, then 0002: each prints "Command line:" and later
 * "Kernel command line:" with the same parameters): one set of param rows per boot, origin
 * "dmesg", and each banner's kernel facts as /proc/version gives them. */
static void test_banner_gives_cmdline_once_per_boot_and_kernel_facts(void)
{
	static const char text[] =
		"[    0.000000] Linux version 6.1.9-200.fc37.x86_64 (XXX@XXX) (gcc (GCC) 12.2.1 20221121 (Red Hat 12.2.1-4), GNU ld version 2.38-25.fc37) #1 SMP PREEMPT_DYNAMIC Thu Feb  2 00:21:48 UTC 2023\n"
		"[    0.000000] Command line: BOOT_IMAGE=(hd0,gpt2)/vmlinuz-6.1.9-200.fc37.x86_64 root=UUID=XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX ro rootflags=subvol=root rhgb quiet\n"
		"[    0.067072] Kernel command line: BOOT_IMAGE=(hd0,gpt2)/vmlinuz-6.1.9-200.fc37.x86_64 root=UUID=XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX ro rootflags=subvol=root rhgb quiet\n"
		"[    0.000000] Linux version 5.11.22-2-pve (XXX@XXX) (gcc (Debian 10.2.1-6) 10.2.1 20210110, GNU ld (GNU Binutils for Debian) 2.35.2) #1 SMP PVE 5.11.22-3 (Sun, 11 Jul 2021 13:45:15 +0200) ()\n"
		"[    0.000000] Command line: initrd=\\EFI\\proxmox\\5.11.22-2-pve\\initrd.img-5.11.22-2-pve root=ZFS=rpool/ROOT/pve-1 boot=zfs rootdelay=15 intel_iommu=on\n"
		"[    0.484727] Kernel command line: initrd=\\EFI\\proxmox\\5.11.22-2-pve\\initrd.img-5.11.22-2-pve root=ZFS=rpool/ROOT/pve-1 boot=zfs rootdelay=15 intel_iommu=on\n";
	const struct param_row *p;

	parse_one(kernel_log_parse, text);
	CHECK_INT(out.params.n, 11);
	if (out.params.n != 11)
		return;
	p = &out.params.v[0];
	CHECK_VIEW(p->key, "BOOT_IMAGE");
	CHECK_VIEW(p->origin, "dmesg");
	CHECK_INT(p->lineno, 2);
	CHECK_INT(out.params.v[5].order, 5);
	CHECK_VIEW(out.params.v[5].key, "quiet");
	CHECK(!out.params.v[5].has_value);
	p = &out.params.v[10];
	CHECK_VIEW(p->key, "intel_iommu");
	CHECK_VIEW(p->value, "on");
	CHECK_INT(p->order, 4);
	CHECK_INT(p->lineno, 5);
	CHECK_INT(out.kvs.n, 6);
	if (out.kvs.n != 6)
		return;
	CHECK_VIEW(out.kvs.v[0].key, "release");
	CHECK_VIEW(out.kvs.v[0].value, "6.1.9-200.fc37.x86_64");
	CHECK_VIEW(out.kvs.v[2].value, "0");
	CHECK_VIEW(out.kvs.v[3].value, "5.11.22-2-pve");
	CHECK_VIEW(out.kvs.v[5].key, "pve");
	CHECK_VIEW(out.kvs.v[5].value, "1");
	/* a journal's kernel: line gives the same facts (LKML 2021-06, a Hyper-V guest) */
	parse_one(
		kernel_log_parse,
		"Jun 11 20:15:39 hyperv kernel: Linux version 5.13.0-rc5-next-20210611-llvm (nathan@hyperv) (ClangBuiltLinux clang version 13.0.0 (https://github.com/llvm/llvm-project 06c3d52aa2fa3b6a9aa019906ad8577813efe32a), LLD 13.0.0 (https://github.com/llvm/llvm-project 06c3d52aa2fa3b6a9aa019906ad8577813efe32a)) #1 SMP PREEMPT Fri Jun 11 20:10:16 MST 2021\n");
	CHECK(out.kvs.n >= 1 && str_eq_cstr(out.kvs.v[0].value, "5.13.0-rc5-next-20210611-llvm"));
	CHECK_INT(out.params.n, 0);
}

TEST_MAIN(test_raw_dmesg_stamp_is_boot_relative, test_single_space_forum_stamp,
	  test_level_prefix_after_stamp, test_dmesg_T_is_wall_clock,
	  test_dmesg_x_facility_and_level, test_journal_short_and_precise,
	  test_iso_offsets_become_utc, test_kern_log_with_both_stamps_keeps_wall_clock,
	  test_short_monotonic_header, test_lines_without_stamp_stay_kernel_lines,
	  test_mixed_journal_kinds, test_vm_ids_from_journal,
	  test_sniff_prefers_kernel_log_for_dmesg, test_garbage_stamps_are_not_stamps, test_release,
	  test_banner_gives_cmdline_once_per_boot_and_kernel_facts)
