/* sysfs.h - rows from a bundle's sysfs copies: a PCI device directory's attribute files, and
 * the IOMMU group layout (sys/kernel/iommu_groups/<n>/devices).
 *
 * A device's attributes become kv rows (scope "sysfs", subject the BDF, key the attribute)
 * and one device row with source "sysfs" (ids, class, driver, IOMMU group, boot_vga, BAR
 * sizes from `resource`). driver and iommu_group hold the symlink target as text
 * ("../../../bus/pci/drivers/vfio-pci"); their value is its last component. Rows view the
 * attribute texts, which must outlive out. Pure: no I/O.
 */
#pragma once

#include <stddef.h>

#include "common/pciaddr.h"
#include "common/str.h"
#include "parse/parse.h"

struct sysfs_attr {
	const char *name; /* "vendor", "driver", "resource1_resize" */
	struct str value; /* the file's bytes */
};

/* Adds the kv rows and the device row for one device directory. */
void sysfs_device_rows(const struct pciaddr *bdf, const struct sysfs_attr *attrs, size_t n,
		       struct parse_out *out);

/* Adds one group row per BDF line of a sys/kernel/iommu_groups/<group>/devices file; lines
 * that are not a PCI address get a warning. Returns the number of rows added. */
size_t sysfs_group_rows(int32_t group, struct str text, struct parse_out *out);

/* The last '/'-separated component of a link target, trimmed: "vfio-pci". */
struct str sysfs_link_name(struct str target);
