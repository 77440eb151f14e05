/* parsers_all.h - entry points of every parser, and the table rows parsers.c assembles.
 *
 * Each group below belongs to one set of parser files; add a parser by declaring its two
 * functions and adding its row to the group's PARSERS_* macro. Kinds whose text has nothing
 * to offer beyond lines use text_sniff_never/text_parse (lines only).
 */
#pragma once

#include "parse/parse.h"

/* text.c: lines only, for SOURCE_TEXT and kinds not yet parsed beyond lines */
int text_sniff_never(struct str text);
int text_parse(struct str text, struct parse_out *out, struct error *err);

/* ---- logs ---- */
int kernel_log_sniff(struct str text);
int kernel_log_parse(struct str text, struct parse_out *out, struct error *err);
int journal_sniff(struct str text);
int journal_parse(struct str text, struct parse_out *out, struct error *err);
int qemu_log_sniff(struct str text);
int qemu_log_parse(struct str text, struct parse_out *out, struct error *err);
int libvirt_log_sniff(struct str text);
int libvirt_log_parse(struct str text, struct parse_out *out, struct error *err);
int pve_task_sniff(struct str text);
int pve_task_parse(struct str text, struct parse_out *out, struct error *err);
#define PARSERS_LOGS                                                                         \
	{ SOURCE_KERNEL_LOG, "kernel_log", kernel_log_sniff, kernel_log_parse },             \
		{ SOURCE_JOURNAL, "journal", journal_sniff, journal_parse },                 \
		{ SOURCE_QEMU_LOG, "qemu_log", qemu_log_sniff, qemu_log_parse },             \
		{ SOURCE_LIBVIRT_LOG, "libvirt_log", libvirt_log_sniff, libvirt_log_parse }, \
		{ SOURCE_PVE_TASK, "pve_task", pve_task_sniff, pve_task_parse },

/* ---- host text ---- */
int cmdline_sniff(struct str text);
int cmdline_parse(struct str text, struct parse_out *out, struct error *err);
int grub_sniff(struct str text);
int grub_parse(struct str text, struct parse_out *out, struct error *err);
int cpuinfo_sniff(struct str text);
int cpuinfo_parse(struct str text, struct parse_out *out, struct error *err);
int lscpu_sniff(struct str text);
int lscpu_parse(struct str text, struct parse_out *out, struct error *err);
int iomem_sniff(struct str text);
int iomem_parse(struct str text, struct parse_out *out, struct error *err);
int modprobe_sniff(struct str text);
int modprobe_parse(struct str text, struct parse_out *out, struct error *err);
int modules_load_sniff(struct str text);
int modules_load_parse(struct str text, struct parse_out *out, struct error *err);
int proc_modules_sniff(struct str text);
int proc_modules_parse(struct str text, struct parse_out *out, struct error *err);
int version_sniff(struct str text);
int version_parse(struct str text, struct parse_out *out, struct error *err);
#define PARSERS_HOST                                                                             \
	{ SOURCE_CMDLINE, "cmdline", cmdline_sniff, cmdline_parse },                             \
		{ SOURCE_GRUB, "grub", grub_sniff, grub_parse },                                 \
		{ SOURCE_CPUINFO, "cpuinfo", cpuinfo_sniff, cpuinfo_parse },                     \
		{ SOURCE_LSCPU, "lscpu", lscpu_sniff, lscpu_parse },                             \
		{ SOURCE_IOMEM, "iomem", iomem_sniff, iomem_parse },                             \
		{ SOURCE_MODPROBE, "modprobe", modprobe_sniff, modprobe_parse },                 \
		{ SOURCE_MODULES_LOAD, "modules_load", modules_load_sniff, modules_load_parse }, \
		{ SOURCE_PROC_MODULES, "proc_modules", proc_modules_sniff, proc_modules_parse }, \
		{ SOURCE_VERSION, "version", version_sniff, version_parse },

/* ---- PCI ---- */
/* lspci.c: lspci at any verbosity, hex dumps decoded into the device's caps */
int lspci_sniff(struct str text);
int lspci_parse(struct str text, struct parse_out *out, struct error *err);

/* lspci_tree.c: lspci -t / -tv into tree rows */
int lspci_tree_sniff(struct str text);
int lspci_tree_parse(struct str text, struct parse_out *out, struct error *err);
/* iommu_groups.c: group listings (shell loops, sysfs paths, Arch wiki script, pvesh) */
int iommu_groups_sniff(struct str text);
int iommu_groups_parse(struct str text, struct parse_out *out, struct error *err);
/* pci_config_parse.c: binary config space; pci_config_parse.h has the helper with an address */
int pci_config_sniff(struct str text);
int pci_config_parse(struct str text, struct parse_out *out, struct error *err);

#define PARSERS_PCI                                                                              \
	{ SOURCE_LSPCI, "lspci", lspci_sniff, lspci_parse },                                     \
		{ SOURCE_LSPCI_TREE, "lspci_tree", lspci_tree_sniff, lspci_tree_parse },         \
		{ SOURCE_IOMMU_GROUPS, "iommu_groups", iommu_groups_sniff, iommu_groups_parse }, \
		{ SOURCE_PCI_CONFIG, "pci_config", pci_config_sniff, pci_config_parse },

/* ---- VMs and ROMs ---- */
int pve_conf_sniff(struct str text);
int pve_conf_parse(struct str text, struct parse_out *out, struct error *err);
int pve_cpu_models_sniff(struct str text);
int pve_cpu_models_parse(struct str text, struct parse_out *out, struct error *err);
int libvirt_xml_sniff(struct str text);
int libvirt_xml_parse(struct str text, struct parse_out *out, struct error *err);
int rom_sniff(struct str text);
int rom_parse(struct str text, struct parse_out *out, struct error *err);
#define PARSERS_VM                                                                           \
	{ SOURCE_PVE_CONF, "pve_conf", pve_conf_sniff, pve_conf_parse },                     \
		{ SOURCE_PVE_CPU_MODELS, "pve_cpu_models", pve_cpu_models_sniff,             \
		  pve_cpu_models_parse },                                                    \
		{ SOURCE_LIBVIRT_XML, "libvirt_xml", libvirt_xml_sniff, libvirt_xml_parse }, \
		{ SOURCE_ROM, "rom", rom_sniff, rom_parse },

/* ---- bundle files ---- */
#define PARSERS_BUNDLE { SOURCE_TEXT, "text", text_sniff_never, text_parse },
