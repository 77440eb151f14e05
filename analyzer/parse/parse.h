/* parse.h - the row model every parser fills: typed arrays of rows, one struct parse_out per
 * input (or per part of a paste).
 *
 * Parsers are pure functions from bytes to rows: no files, clock, globals, SQLite or regex.
 * Rows keep `struct str` views into the caller's text, which must outlive the parse_out;
 * anything a parser has to build (a joined string, a warning) is copied into out->arena.
 * Every row carries the 1-based line number of the input line it came from (0 when it came
 * from binary data). facts/ loads these rows into SQLite with bound parameters only; the
 * mapping is documented in docs/factstore.md.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "common/arena.h"
#include "common/error.h"
#include "common/pci_config.h"
#include "common/pciaddr.h"
#include "common/str.h"
#include "common/vec.h"

/* What one input (or part of a paste) is. Names are in parsers.c (source_kind_name()) and are
 * the strings used in knowledge files, the fact store and --classify output. */
enum source_kind {
	SOURCE_UNKNOWN,
	SOURCE_KERNEL_LOG,   /* dmesg, dmesg -T, journalctl -k, kern.log, syslog kernel lines */
	SOURCE_JOURNAL,	     /* other journal/syslog lines (pvedaemon, QEMU[pid], libvirtd...) */
	SOURCE_QEMU_LOG,     /* QEMU stderr */
	SOURCE_LIBVIRT_LOG,  /* /var/log/libvirt/qemu/<domain>.log */
	SOURCE_PVE_TASK,     /* Proxmox task log (UPID, TASK ERROR) */
	SOURCE_CMDLINE,	     /* /proc/cmdline, /etc/kernel/cmdline */
	SOURCE_GRUB,	     /* /etc/default/grub */
	SOURCE_LSPCI,	     /* lspci at any verbosity */
	SOURCE_LSPCI_TREE,   /* lspci -t / -tv */
	SOURCE_IOMMU_GROUPS, /* IOMMU group listings (shell loops, find /sys/kernel/iommu_groups) */
	SOURCE_PVE_CONF,     /* /etc/pve/qemu-server/<vmid>.conf */
	SOURCE_PVE_CPU_MODELS, /* /etc/pve/virtual-guest/cpu-models.conf */
	SOURCE_LIBVIRT_XML,    /* libvirt domain XML */
	SOURCE_CPUINFO,	       /* /proc/cpuinfo */
	SOURCE_LSCPU,	       /* lscpu */
	SOURCE_MODPROBE,       /* modprobe.d contents */
	SOURCE_MODULES_LOAD,   /* /etc/modules, modules-load.d, initramfs-tools/modules */
	SOURCE_PROC_MODULES,   /* /proc/modules, lsmod */
	SOURCE_IOMEM,	       /* /proc/iomem */
	SOURCE_ROM,	       /* a PCI option ROM image (binary) */
	SOURCE_PCI_CONFIG,     /* PCI config space bytes (binary, sysfs `config`) */
	SOURCE_SYSFS_ATTR,     /* one sysfs attribute file of a PCI device (path tells which) */
	SOURCE_KV,	       /* key/value facts from a bundle file (DMI ids, module params...) */
	SOURCE_VERSION,	       /* /proc/version, uname -a */
	SOURCE_MANIFEST,       /* the collector's manifest.json */
	SOURCE_TEXT,	       /* a text file of no specific kind: lines only */
	SOURCE_COUNT
};

/* One line of a text input. Every text input yields line rows (so knowledge patterns can
 * match any source kind); log parsers fill the extra fields. */
struct line_row {
	uint32_t lineno;
	enum source_kind kind;
	struct str text; /* the whole line, normalised (see input/normalize) */
	struct str msg;	 /* the message body after timestamp/host/facility prefixes */
	bool has_ts;
	double ts;    /* seconds since boot, or since the epoch for wall-clock stamps */
	bool ts_wall; /* ts is wall-clock (dmesg -T, journal, syslog) */
	int8_t boot;  /* 0 this boot, -1 the previous one, ... ; set by the input layer */
	bool has_bdf;
	struct pciaddr bdf; /* the first PCI address the line names */
	struct str source;  /* emitter: "kernel", "QEMU", "pvedaemon", "kvm", "libvirt"... */
	struct str vm;	    /* VM id or domain name the line belongs to, when known */
	bool truncated;	    /* the line was longer than MAX_LINE_BYTES */
};

#define MAX_REGIONS 7 /* BAR 0..5 and the expansion ROM (index 6) */

struct pci_region {
	uint8_t index; /* 0..5, 6 = expansion ROM */
	bool present;
	bool is_io, is_64, is_pref, disabled, virtual_, unassigned;
	bool has_addr;
	uint64_t addr;
	uint64_t size; /* bytes, 0 when unknown */
};

/* A PCI device as lspci or sysfs describes it. */
struct device_row {
	uint32_t lineno;
	struct pciaddr bdf;
	uint32_t class_code; /* base<<8 | sub (lspci -nn's [0300]); 0 when unknown */
	bool has_class;
	struct str class_name;	 /* "VGA compatible controller" */
	struct str vendor_name;	 /* "NVIDIA Corporation" */
	struct str device_name;	 /* "GA106 [GeForce RTX 3060 Lite Hash Rate]" */
	uint16_t vendor, device; /* 0 when lspci ran without -n */
	bool has_ids;
	uint16_t subsys_vendor, subsys_device;
	bool has_subsys;
	int16_t rev;	     /* -1 when not printed */
	struct str driver;   /* "Kernel driver in use" */
	struct str modules;  /* "Kernel modules", as printed (comma-separated) */
	int32_t iommu_group; /* -1 when not printed */
	struct pci_region regions[MAX_REGIONS];
	struct pci_caps caps;
	bool caps_denied;  /* "Capabilities: <access denied>" */
	bool boot_vga;	   /* sysfs boot_vga is 1 */
	struct str source; /* "lspci", "sysfs", "config" */
};

struct group_row {
	uint32_t lineno;
	int32_t group;
	struct pciaddr bdf;
	struct str desc; /* what the listing printed after the address, if anything */
};

/* A kernel command-line parameter, from /proc/cmdline or GRUB_CMDLINE_LINUX*. */
struct param_row {
	uint32_t lineno;
	uint32_t order; /* 0-based position on the command line */
	struct str key;
	struct str value;
	bool has_value;
	struct str origin; /* "cmdline", "GRUB_CMDLINE_LINUX_DEFAULT", ... */
};

struct cpu_row {
	uint32_t lineno;
	struct str vendor;		 /* "GenuineIntel", "AuthenticAMD" */
	int32_t family, model, stepping; /* -1 unknown */
	struct str model_name;
	struct str flags;	      /* space-separated, as printed */
	int32_t phys_bits, virt_bits; /* -1 unknown */
	bool hypervisor;	      /* the hypervisor flag or lscpu "Hypervisor vendor" */
	struct str hypervisor_vendor;
	int32_t ncpus; /* logical CPUs, -1 unknown */
};

struct iomem_row {
	uint32_t lineno;
	uint64_t start, end; /* inclusive; 0-0 when printed without root */
	uint32_t depth;	     /* indentation level, 0 for top level */
	int32_t parent;	     /* index of the enclosing row in out->iomem, -1 for top level */
	struct str name;
};

/* modprobe.d directives, /etc/modules lines, and loaded modules. */
struct module_row {
	uint32_t lineno;
	struct str directive; /* "blacklist", "options", "softdep", "install", "alias", "load",
				 "loaded" (/proc/modules) */
	struct str module;
	struct str args; /* the rest of the line */
};

/* A virtual machine: Proxmox config or libvirt domain. */
struct vm_row {
	uint32_t lineno;
	struct str id; /* Proxmox VMID, libvirt domain name */
	struct str name;
	struct str flavour; /* "pve" or "libvirt" */
};

/* One setting of a VM. Keys are the Proxmox keys as written ("machine", "bios", "cpu",
 * "args", "hostpci0"...) and, for libvirt, dotted names documented in docs/factstore.md
 * ("machine", "bios", "cpu.mode", "cpu.maxphysaddr.mode", "features.kvm.hidden",
 * "features.hyperv.vendor_id", "iommu.model", "iommu.driver.aw_bits", "memory", "qemu.arg").
 * Derived keys ("cpu.type", "cpu.hidden", "cpu.flags", "memory_mib") are added by parsers. */
struct vm_opt_row {
	uint32_t lineno;
	uint32_t vm;	     /* index into out->vms */
	struct str snapshot; /* empty for the current config, else the [snapshot] name */
	struct str key;
	struct str value;
};

/* One passthrough entry: Proxmox hostpciN or a libvirt <hostdev type='pci'>. An entry naming
 * several functions ("01:00.0;01:00.1") yields one row per address with the same `name`. */
struct hostdev_row {
	uint32_t lineno;
	uint32_t vm; /* index into out->vms */
	struct str snapshot;
	struct str name; /* "hostpci0", or "hostdev0" in document order */
	bool has_bdf;
	struct pciaddr bdf; /* func PCIADDR_ALL_FUNCS for "01:00" (all functions) */
	struct str mapping; /* Proxmox mapping=<name> */
	struct str mdev;
	struct str romfile;
	int8_t rombar;			   /* -1 unset, 0, 1 */
	int8_t pcie, x_vga, multifunction; /* -1 unset, 0, 1 */
	bool managed;			   /* libvirt managed='yes' */
	struct str raw;			   /* the whole value as written */
};

/* One image of a PCI option ROM (rom-parser's view, and more). */
struct rom_row {
	uint32_t image; /* 0-based */
	uint64_t offset;
	uint16_t signature; /* as read: 0xaa55 when valid */
	bool sig_ok;
	bool has_pcir;
	uint16_t vendor, device;
	uint32_t class_code; /* 24-bit */
	uint8_t code_type;   /* 0 x86 BIOS, 1 OpenFirmware, 2 PA-RISC, 3 EFI */
	uint16_t revision;
	bool last;
	uint64_t length; /* bytes, from the PCIR image length */
	bool is_efi;
	uint16_t efi_subsystem, efi_machine;
	bool efi_compressed;
	bool checksum_ok;
};

/* Facts that are key/value by nature: DMI ids, module parameters, sysfs attributes of a
 * device, kernel version, clocksource, manifest item statuses. `scope` says which:
 * "dmi", "modparam", "sysfs", "kernel", "sysctl", "manifest", "host", "clocksource"...;
 * `subject` is the BDF, module or item it belongs to, empty for the host. */
struct kv_row {
	uint32_t lineno;
	struct str scope;
	struct str subject;
	struct str key;
	struct str value;
};

/* A PCI tree edge from lspci -t: parent bridge to child. */
struct tree_row {
	uint32_t lineno;
	struct pciaddr parent;
	bool has_parent; /* false for devices on a root bus */
	struct pciaddr child;
	struct str desc;
};

struct warning_row {
	uint32_t lineno;
	const char *msg; /* in out->arena */
};

struct parse_out {
	struct arena arena;
	VEC(struct line_row) lines;
	VEC(struct device_row) devices;
	VEC(struct group_row) groups;
	VEC(struct param_row) params;
	VEC(struct cpu_row) cpus;
	VEC(struct iomem_row) iomem;
	VEC(struct module_row) modules;
	VEC(struct vm_row) vms;
	VEC(struct vm_opt_row) vm_opts;
	VEC(struct hostdev_row) hostdevs;
	VEC(struct rom_row) roms;
	VEC(struct kv_row) kvs;
	VEC(struct tree_row) tree;
	VEC(struct warning_row) warnings;
	uint32_t warnings_dropped; /* warnings past MAX_WARNINGS */
};

void parse_out_init(struct parse_out *out);
void parse_out_release(struct parse_out *out);
/* Records a warning (copied into out->arena); counts rather than stores past MAX_WARNINGS. */
void parse_warn(struct parse_out *out, uint32_t lineno, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Splits text into line rows of the given kind (no log-specific fields beyond the first PCI
 * address); lines longer than MAX_LINE_BYTES are cut with a warning. The parsers of kinds
 * that have nothing to add beyond lines use it directly; log parsers call it and refine. */
int lines_split(struct str text, enum source_kind kind, struct parse_out *out, struct error *err);

/* A parser: a detector and a parse function (see parsers.c for the table). */
struct parser {
	enum source_kind kind;
	const char *name; /* "lspci", as in docs, knowledge files and --kind */
	/* 0..100: how sure this text is of this kind. Looks at a bounded prefix only. */
	int (*sniff)(struct str text);
	int (*parse)(struct str text, struct parse_out *out, struct error *err);
};

const struct parser *parser_for_kind(enum source_kind kind);
const struct parser *parser_by_name(const char *name);
const struct parser *parser_at(size_t i); /* NULL past the end */
const char *source_kind_name(enum source_kind kind);
/* SOURCE_UNKNOWN when no kind has that name. */
enum source_kind source_kind_from_name(const char *name);

/* Writes every row of out as stable text (the golden-test format and `analyze --dump`). */
struct sbuf;
void parse_out_dump(const struct parse_out *out, struct sbuf *sb);
