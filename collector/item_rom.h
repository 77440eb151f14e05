/* item_rom.h - option ROMs: which devices to dump, and dumping one safely.
 *
 * A ROM is read through sysfs: "1\n" is written to the device's rom file, the image is read in a
 * child with a deadline, and "0\n" is written back, always: after the read, after a failure, and
 * from the signal handler (cleanup.h) if collect is interrupted in between. This toggle is the
 * only write collect ever makes to the system. Under --sysroot the toggle goes to
 * <device>/rom_enable, since a plain directory cannot make one file both the switch and the
 * image.
 */
#pragma once

#include <stdbool.h>

#include "common/str.h"
#include "item_sysfs.h"
#include "plan.h"

/* Finds the PCI addresses a VM config passes through and the ROM files it names. Proxmox:
 * "hostpciN: [host=]0000:01:00.0[;...],romfile=vbios.bin,..." ("01:00" means every function of
 * the slot; "mapping=" entries have no address here). libvirt: <hostdev> ... <source><address
 * domain= bus= slot= function=/> ... <rom file='/path'/>. Addresses are appended as
 * "dddd:bb:dd.f", or "dddd:bb:dd" for a whole slot; rom files as written. Pure. */
void rom_scan_vm_config(struct str text, struct strlist *addrs, struct strlist *romfiles);

struct rom_choice {
	const struct strlist *devices;	/* every BDF under /sys/bus/pci/devices */
	const struct strlist *display;	/* BDFs whose class is 0x03xxxx */
	const struct strlist *passthru; /* from rom_scan_vm_config */
	const struct strlist *romfiles; /* from rom_scan_vm_config */
	const struct holders *holders;
};

/* Appends ROM items (roms/<bdf>.rom) for display and passed-through devices, and romfile
 * items (roms/romfile/<name>; libvirt paths under /etc, /root, /home, /proc, /sys, /dev,
 * /run, /boot, /var/log or with "." or ".." components are refused). A device whose VFIO
 * group a running process holds, or any device when not root, gets an item marked skipped
 * with the reason. */
void rom_plan(struct plan *p, const struct plan_ctx *ctx, const struct rom_choice *c);

/* Dumps the ROM of the device directory devdir (real path) into r. */
void item_rom_read(const char *devdir, bool sysroot, size_t cap, long timeout_ms,
		   struct item_result *r);
