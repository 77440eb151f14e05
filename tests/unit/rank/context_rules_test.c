/* context_rules_test.c - issue 5's "context decides severity" rules, through the real pipeline
 * with the shipped knowledge: what the finding's severity and fix say depends on the rest of
 * the input, not on the error line alone.
 *
 *   rom-invalid-signature  Intel iGPU 0xcffa: blocker when a VM passes it without a romfile,
 *                          info when VM configs are given and none passes it
 *   bar-reserve-conflict   blocker for a device a VM uses (vfio-pci asked for the BAR),
 *                          warning for a host driver's BAR
 *   iommu-disabled         no "add intel_iommu=on" on a Proxmox VE 8.2+ (6.8+) kernel; on a
 *                          host that is itself a VM, "add a vIOMMU to this VM" instead of BIOS
 *   interrupt-remapping-missing  on a host that is a VM: the outer vIOMMU's intremap=on
 *   no-flr-reset           (the FLR notice) ruled out when every device on the bus goes to a VM
 *
 * Real text: seed 001 (N100, VM 103; its hostpci0 line once with romfile= taken out, i.e. the
 * configuration before the post's fix, as samples/igd-passthrough-config-n100-before-fix),
 * linuxhw 0007's iGPU lspci stanza, an i915 boot line from a public intel-gvt-dev thread, seed 002
 * line 183, seed 004 (cmdline, lspci -nn, dmesg, qm config 110), catalog P-03, the
 * nested-virtualization sample's 'Hypervisor detected' line, samples/pve-gpu-bar3-efifb's
 * proc/cmdline, and an ixgbe line from a public linux-pci mailing-list report ("ixgbe: probe of
 * 0000:02:00.0 failed with error -16"). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "facts/factstore.h"
#include "input/ingest.h"
#include "rank/diagnose.h"
#include "rank/result.h"
#include "test.h"

static const char rom_line[] = "[ 123.660367] vfio-pci 0000:00:02.0: Invalid PCI ROM header "
			       "signature: expecting 0xaa55, got 0xcffa\n";
static const char igpu_lspci[] =
	"00:02.0 VGA compatible controller [0300]: Intel Corporation Alder Lake-P Integrated "
	"Graphics Controller [8086:46a6] (rev 0c) (prog-if 00 [VGA controller])\n"
	"\tSubsystem: Lenovo Device [17aa:22e7]\n"
	"\tIOMMU group: 0\n"
	"\tRegion 0: Memory at 603c000000 (64-bit, non-prefetchable) [size=16M]\n"
	"\tRegion 2: Memory at 4000000000 (64-bit, prefetchable) [size=512M]\n"
	"\tExpansion ROM at 000c0000 [virtual] [disabled] [size=128K]\n";
static const char vm103_before_fix[] = "bios: ovmf\n"
				       "hostpci0: 0000:00:02.0,pcie=1,x-vga=1\n"
				       "machine: pc-q35-10.0+pve1\n"
				       "name: win11-iot\n"
				       "vga: none\n";
static const char vm110_seed004[] = "bios: ovmf\n"
				    "machine: q35\n"
				    "memory: 16384\n"
				    "name: win11-gpu\n"
				    "hostpci0: 01:00.0,pcie=1,x-vga=1\n"
				    "hostpci1: 01:00.1,pcie=1\n";
static const char lspci_seed004[] =
	"00:00.0 Host bridge [0600]: Intel Corporation Device [8086:3e0f]\n"
	"01:00.0 VGA compatible controller [0300]: NVIDIA Corporation TU104 [GeForce RTX 2080] "
	"[10de:1e87]\n"
	"01:00.1 Audio device [0403]: NVIDIA Corporation TU104 HD Audio Controller [10de:10f8]\n"
	"02:00.0 Non-Volatile memory controller [0108]: Samsung Electronics Co Ltd NVMe SSD "
	"Controller [144d:a808]\n";
static const char flr_notice[] = "[ 112.334455] vfio-pci 0000:01:00.0: enabling device (0000 -> "
				 "0003)\n"
				 "[ 112.334890] vfio-pci 0000:01:00.0: not capable of FLR, device "
				 "reset may be unreliable\n";
static const char task_p03[] = "TASK ERROR: start failed: IOMMU not present\n";

struct env {
	struct factstore *fs;
	struct ingest ing;
	struct result res;
};

static void env_init(struct env *e)
{
	struct error err = { 0 };

	e->fs = factstore_open(NULL, &err);
	ingest_init(&e->ing, e->fs);
	result_init(&e->res);
}

static void env_add(struct env *e, const char *name, const char *text)
{
	struct error err = { 0 };

	if (ingest_buffer(&e->ing, name, str_from_cstr(text), &err) < 0) {
		fprintf(stderr, "ingest '%s': %s\n", name, err.msg);
		CHECK(0);
	}
}

static void env_diagnose(struct env *e)
{
	struct error err = { 0 };
	struct diagnose_options opt = { 0 };

	CHECK_INT(diagnose(e->fs, &opt, &e->res, &err), 0);
}

static void env_release(struct env *e)
{
	result_release(&e->res);
	ingest_release(&e->ing);
	factstore_close(e->fs);
}

/* The finding (or, with ruled_out, the ruled-out entry) of id on subject (NULL: any). */
static const struct finding *find(const struct result *r, const char *id, const char *subject,
				  bool ruled_out)
{
	const struct finding *v = ruled_out ? r->ruled_out : r->findings;
	size_t n = ruled_out ? r->n_ruled_out : r->n_findings;

	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i].id, id) == 0 && (!subject || strcmp(v[i].subject.id, subject) == 0))
			return &v[i];
	return NULL;
}

static const char *sev(const struct finding *f)
{
	return f ? severity_name(f->severity) : "(none)";
}

static void test_igpu_rom_is_a_blocker_when_a_vm_passes_it(void)
{
	struct env e;
	const struct finding *f;

	env_init(&e);
	env_add(&e, "dmesg.txt", rom_line);
	env_add(&e, "lspci.txt", igpu_lspci);
	env_add(&e, "103.conf", vm103_before_fix);
	env_diagnose(&e);
	f = find(&e.res, "rom-invalid-signature", "0000:00:02.0", false);
	CHECK(f != NULL);
	CHECK_STR(sev(f), "blocker");
	env_release(&e);
}

static void test_igpu_rom_is_info_when_no_vm_passes_it(void)
{
	struct env e;
	const struct finding *f;

	env_init(&e);
	env_add(&e, "dmesg.txt", rom_line);
	env_add(&e, "lspci.txt", igpu_lspci);
	env_add(&e, "110.conf", vm110_seed004); /* passes 01:00.0 and 01:00.1, not the iGPU */
	env_diagnose(&e);
	f = find(&e.res, "rom-invalid-signature", "0000:00:02.0", false);
	CHECK(f != NULL);
	CHECK_STR(sev(f), "info");
	env_release(&e);
}

static void test_igpu_rom_read_by_the_host_driver_is_info(void)
{
	struct env e;
	const struct finding *f;

	env_init(&e);
	/* i915 itself reads the iGPU's ROM at boot (a public intel-gvt-dev thread); no VM config,
	 * no vfio-pci line */
	env_add(&e, "dmesg.txt",
		"[    0.656088] i915 0000:00:02.0: Invalid PCI ROM header signature: expecting "
		"0xaa55, got 0x0000\n"
		"[    0.656462] i915 0000:00:02.0: [drm] Failed to find VBIOS tables (VBT)\n");
	env_add(&e, "lspci.txt", igpu_lspci);
	env_diagnose(&e);
	f = find(&e.res, "rom-invalid-signature", "0000:00:02.0", false);
	CHECK(f != NULL);
	CHECK_STR(sev(f), "info");
	env_release(&e);

	env_init(&e); /* the same iGPU read by vfio-pci (seed 001): passthrough, so not info */
	env_add(&e, "dmesg.txt", rom_line);
	env_add(&e, "lspci.txt", igpu_lspci);
	env_diagnose(&e);
	f = find(&e.res, "rom-invalid-signature", "0000:00:02.0", false);
	CHECK(f != NULL);
	CHECK(f && f->severity >= SEV_ERROR);
	env_release(&e);
}

static void test_bar_reserve_matters_for_a_device_a_vm_uses(void)
{
	struct env e;
	const struct finding *f;

	env_init(&e);
	/* seed 002 line 183: vfio-pci asks for the BAR when QEMU opens the device */
	env_add(&e, "dmesg.txt",
		"vfio-pci 0000:04:00.0: BAR 3: can't reserve [mem 0xca000000-0xcbffffff 64bit]\n");
	env_diagnose(&e);
	f = find(&e.res, "bar-reserve-conflict", "0000:04:00.0", false);
	CHECK(f != NULL);
	CHECK_STR(sev(f), "blocker");
	env_release(&e);

	env_init(&e);
	/* a host NIC driver's BAR; no VM config names the device */
	env_add(&e, "dmesg.txt",
		"ixgbe 0000:02:00.0: enabling device (0140 -> 0142)\n"
		"ixgbe 0000:02:00.0: BAR 0: can't reserve [mem 0x80000000-0x8007ffff 64bit]\n"
		"ixgbe 0000:02:00.0: pci_request_selected_regions failed 0xfffffff0\n"
		"ixgbe: probe of 0000:02:00.0 failed with error -16\n");
	env_add(&e, "110.conf", vm110_seed004);
	env_diagnose(&e);
	f = find(&e.res, "bar-reserve-conflict", "0000:02:00.0", false);
	CHECK(f != NULL);
	CHECK_STR(sev(f), "warning");
	env_release(&e);
}

static void test_no_intel_iommu_on_advice_on_a_pve_6_8_kernel(void)
{
	struct env e;
	const struct finding *f;

	env_init(&e);
	/* seed 004 Task 2: a Proxmox VE 8.2+ kernel */
	env_add(&e, "cmdline",
		"BOOT_IMAGE=/boot/vmlinuz-6.8.12-4-pve root=ZFS=rpool/ROOT/pve-1 "
		"ro quiet intel_iommu=on iommu=pt\n");
	env_add(&e, "task.log", task_p03);
	env_diagnose(&e);
	f = find(&e.res, "iommu-disabled", NULL, false);
	CHECK(f != NULL);
	if (f) {
		CHECK(strstr(f->fix, "also need intel_iommu=on") == NULL);
		CHECK(strstr(f->fix, "intel_iommu=on is not needed") != NULL);
	}
	env_release(&e);

	env_init(&e);
	/* samples/pve-gpu-bar3-efifb proc/cmdline (systemd-boot, kernel 5.11): no 6.8 kernel in
	 * sight, so the advice stays */
	env_add(&e, "cmdline",
		"initrd=\\EFI\\proxmox\\5.11.22-2-pve\\initrd.img-5.11.22-2-pve "
		"root=ZFS=rpool/ROOT/pve-1 boot=zfs rootdelay=15 intel_iommu=on\n");
	env_add(&e, "task.log", task_p03);
	env_diagnose(&e);
	f = find(&e.res, "iommu-disabled", NULL, false);
	CHECK(f != NULL);
	if (f) {
		CHECK(strstr(f->fix, "also need intel_iommu=on") != NULL);
		CHECK(strstr(f->fix, "is not needed") == NULL);
	}
	env_release(&e);
}

static void test_a_host_that_is_a_vm_gets_vimmu_advice(void)
{
	struct env e;
	const struct finding *f;

	env_init(&e);
	env_add(&e, "dmesg.txt", "[    0.000000] Hypervisor detected: KVM\n");
	env_add(&e, "task.log", task_p03);
	env_diagnose(&e);
	f = find(&e.res, "iommu-disabled", NULL, false);
	if (!f)
		f = find(&e.res, "iommu-disabled", NULL, true);
	CHECK(f != NULL);
	if (f) {
		CHECK(strstr(f->fix, "virtual IOMMU") != NULL);
		CHECK(strstr(f->fix, "Firmware setup") == NULL);
	}
	env_release(&e);

	env_init(&e); /* without the hypervisor line: firmware advice, no vIOMMU */
	env_add(&e, "task.log", task_p03);
	env_diagnose(&e);
	f = find(&e.res, "iommu-disabled", NULL, false);
	CHECK(f != NULL);
	if (f) {
		CHECK(strstr(f->fix, "virtual IOMMU") == NULL);
		CHECK(strstr(f->fix, "Firmware setup") != NULL);
	}
	env_release(&e);
}

static void test_interrupt_remapping_on_a_vm_host_names_the_vimmu(void)
{
	/* catalog K-VFIO-01 */
	static const char ir_line[] =
		"[   97.521005] vfio_iommu_type1_attach_group: No interrupt remapping support.  Use "
		"the module param \"allow_unsafe_interrupts\" to enable VFIO IOMMU support on this "
		"platform\n";
	struct env e;
	const struct finding *f;

	env_init(&e);
	env_add(&e, "dmesg.txt", "[    0.000000] Hypervisor detected: KVM\n");
	env_add(&e, "kern.log", ir_line);
	env_diagnose(&e);
	f = find(&e.res, "interrupt-remapping-missing", NULL, false);
	CHECK(f != NULL);
	if (f) {
		CHECK(strstr(f->fix, "intremap=on") != NULL);
		CHECK(strstr(f->fix, "update the firmware") == NULL);
	}
	env_release(&e);

	env_init(&e);
	env_add(&e, "kern.log", ir_line);
	env_diagnose(&e);
	f = find(&e.res, "interrupt-remapping-missing", NULL, false);
	CHECK(f != NULL);
	if (f) {
		CHECK(strstr(f->fix, "intremap=on") == NULL);
		CHECK(strstr(f->fix, "update the firmware") != NULL);
	}
	env_release(&e);
}

static void test_flr_notice_matters_only_without_another_reset(void)
{
	struct env e;
	const struct finding *f;

	env_init(&e);
	env_add(&e, "dmesg.txt", flr_notice);
	env_diagnose(&e);
	CHECK(find(&e.res, "no-flr-reset", "0000:01:00.0", false) != NULL);
	env_release(&e);

	env_init(&e);
	env_add(&e, "lspci-nn.txt", lspci_seed004);
	env_add(&e, "dmesg.txt", flr_notice);
	env_add(&e, "110.conf", vm110_seed004);
	env_diagnose(&e);
	CHECK(find(&e.res, "no-flr-reset", "0000:01:00.0", false) == NULL);
	f = find(&e.res, "no-flr-reset", "0000:01:00.0", true);
	CHECK(f != NULL);
	if (f)
		CHECK(f->ruled_out_reason && strstr(f->ruled_out_reason, "bus reset") != NULL);
	env_release(&e);
}

TEST_MAIN(test_igpu_rom_is_a_blocker_when_a_vm_passes_it,
	  test_igpu_rom_is_info_when_no_vm_passes_it, test_igpu_rom_read_by_the_host_driver_is_info,
	  test_bar_reserve_matters_for_a_device_a_vm_uses,
	  test_no_intel_iommu_on_advice_on_a_pve_6_8_kernel,
	  test_a_host_that_is_a_vm_gets_vimmu_advice,
	  test_interrupt_remapping_on_a_vm_host_names_the_vimmu,
	  test_flr_notice_matters_only_without_another_reset)
