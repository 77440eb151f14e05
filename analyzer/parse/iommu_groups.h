/* iommu_groups.h - the IOMMU group helper the input layer calls for bundle files.
 *
 * The bundle's sys/kernel/iommu_groups/<n>/devices is a text file of member addresses, one per
 * line; the group number is only in the path, so the input layer passes it here. The parser
 * table's entry (iommu_groups_parse) reads pasted listings, where the text names the group.
 */
#pragma once

#include <stdint.h>

#include "common/str.h"

struct parse_out;
struct error;

/* Adds a group row (group, address) for every line of text that is a PCI address
 * ("0000:01:00.0" or "01:00.0"), and a line row (kind iommu_groups) for every line; other
 * lines get a warning. Rows point into text. Returns 0; never fails. */
int iommu_groups_parse_devices(struct str text, int32_t group, struct parse_out *out,
			       struct error *err);
