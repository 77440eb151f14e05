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
#define PARSERS_LOGS

/* ---- host text ---- */
#define PARSERS_HOST

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

#define PARSERS_PCI                                                                  \
	{ SOURCE_LSPCI, "lspci", lspci_sniff, lspci_parse },                         \
		{ SOURCE_LSPCI_TREE, "lspci_tree", lspci_tree_sniff, lspci_tree_parse }, \
		{ SOURCE_IOMMU_GROUPS, "iommu_groups", iommu_groups_sniff,          \
		  iommu_groups_parse },                                              \
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
#define PARSERS_VM                                                                          \
	{ SOURCE_PVE_CONF, "pve_conf", pve_conf_sniff, pve_conf_parse },                    \
		{ SOURCE_PVE_CPU_MODELS, "pve_cpu_models", pve_cpu_models_sniff,            \
		  pve_cpu_models_parse },                                                   \
		{ SOURCE_LIBVIRT_XML, "libvirt_xml", libvirt_xml_sniff, libvirt_xml_parse }, \
		{ SOURCE_ROM, "rom", rom_sniff, rom_parse },

/* ---- bundle files ---- */
#define PARSERS_BUNDLE { SOURCE_TEXT, "text", text_sniff_never, text_parse },
