/* parsers.c - the table of parsers (libarchive's bid(), git's commands[]) and kind names.
 *
 * Each parser lives in its own file and declares its entry points in parsers_all.h. The
 * order of this table is the order sniffers are tried in; ties go to the earlier entry.
 */
#include <string.h>

#include "parse/parse.h"
#include "parse/parsers_all.h"

static const char *const kind_names[SOURCE_COUNT] = {
	[SOURCE_UNKNOWN] = "unknown",
	[SOURCE_KERNEL_LOG] = "kernel_log",
	[SOURCE_JOURNAL] = "journal",
	[SOURCE_QEMU_LOG] = "qemu_log",
	[SOURCE_LIBVIRT_LOG] = "libvirt_log",
	[SOURCE_PVE_TASK] = "pve_task",
	[SOURCE_CMDLINE] = "cmdline",
	[SOURCE_GRUB] = "grub",
	[SOURCE_LSPCI] = "lspci",
	[SOURCE_LSPCI_TREE] = "lspci_tree",
	[SOURCE_IOMMU_GROUPS] = "iommu_groups",
	[SOURCE_PVE_CONF] = "pve_conf",
	[SOURCE_PVE_CPU_MODELS] = "pve_cpu_models",
	[SOURCE_LIBVIRT_XML] = "libvirt_xml",
	[SOURCE_CPUINFO] = "cpuinfo",
	[SOURCE_LSCPU] = "lscpu",
	[SOURCE_MODPROBE] = "modprobe",
	[SOURCE_MODULES_LOAD] = "modules_load",
	[SOURCE_PROC_MODULES] = "proc_modules",
	[SOURCE_IOMEM] = "iomem",
	[SOURCE_ROM] = "rom",
	[SOURCE_PCI_CONFIG] = "pci_config",
	[SOURCE_SYSFS_ATTR] = "sysfs_attr",
	[SOURCE_KV] = "kv",
	[SOURCE_VERSION] = "version",
	[SOURCE_MANIFEST] = "manifest",
	[SOURCE_TEXT] = "text",
};

static const struct parser parsers[] = {
	/* --- logs (kernel_log.c, journal.c, qemu_log.c, pve_task.c) --- */
	PARSERS_LOGS
		/* --- host text (cmdline.c, grub.c, cpuinfo.c, lscpu.c, iomem.c, modprobe.c,
		 *     modules_load.c, proc_modules.c, version.c) --- */
		PARSERS_HOST
			/* --- PCI (lspci.c, lspci_tree.c, iommu_groups.c, pci_config_parse.c,
			   sysfs_attr.c) --- */
			PARSERS_PCI
				/* --- VMs and ROMs (pve_conf.c, pve_cpu_models.c,
				   libvirt_xml.c, rom.c) --- */
				PARSERS_VM
					/* --- bundle files (kv.c, manifest.c,
					   text.c) --- */
					PARSERS_BUNDLE
};

const struct parser *parser_at(size_t i)
{
	return i < sizeof(parsers) / sizeof(parsers[0]) ? &parsers[i] : NULL;
}

const struct parser *parser_for_kind(enum source_kind kind)
{
	for (size_t i = 0; i < sizeof(parsers) / sizeof(parsers[0]); i++)
		if (parsers[i].kind == kind)
			return &parsers[i];
	return NULL;
}

const struct parser *parser_by_name(const char *name)
{
	for (size_t i = 0; i < sizeof(parsers) / sizeof(parsers[0]); i++)
		if (strcmp(parsers[i].name, name) == 0)
			return &parsers[i];
	return NULL;
}

const char *source_kind_name(enum source_kind kind)
{
	if ((unsigned)kind >= SOURCE_COUNT || !kind_names[kind])
		return "unknown";
	return kind_names[kind];
}

enum source_kind source_kind_from_name(const char *name)
{
	for (int k = 0; k < SOURCE_COUNT; k++)
		if (kind_names[k] && strcmp(kind_names[k], name) == 0)
			return (enum source_kind)k;
	return SOURCE_UNKNOWN;
}
