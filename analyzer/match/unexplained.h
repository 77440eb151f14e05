/* unexplained.h - which log lines look like passthrough errors (for "unexplained evidence").
 *
 * A line that looks like a VFIO/IOMMU/PCI error but that no clause of any signature matched
 * is listed in the result as unexplained evidence, so a curator sees what to add next. The
 * definition (docs/knowledge.md, "Unexplained evidence"):
 *   - the line comes from kernel_log, journal, qemu_log, libvirt_log or pve_task;
 *   - it names a passthrough topic: vfio VFIO DMAR AMD-Vi IOMMU iommu BAR "PCI ROM"
 *     "header type" reset FLR D3 "TASK ERROR" "kvm:" qemu-system (case as written);
 *   - it has an error word (any case, at the start of a word: "fault" takes IO_PAGE_FAULT but
 *     not "default"): error fail can't cannot unable invalid (whole word, not "invalidation")
 *     refused timeout "timed out" fault denied "not ready" busy;
 *   - it is not one of the catalog's benign messages (unexplained_benign()).
 */
#pragma once

#include <stdbool.h>

#include "common/str.h"
#include "parse/parse.h"

/* The kinds whose lines are considered (mask bit 1ull << kind). */
#define UNEXPLAINED_KINDS                                                                     \
	((1ull << SOURCE_KERNEL_LOG) | (1ull << SOURCE_JOURNAL) | (1ull << SOURCE_QEMU_LOG) | \
	 (1ull << SOURCE_LIBVIRT_LOG) | (1ull << SOURCE_PVE_TASK))

/* Topic word and error word, and not benign. */
bool unexplained_looks_like(struct str text);

/* One of the catalog's known-benign messages: K-IOMMU-19, K-IOMMU-20, K-VFIO-08, K-PCI-07,
 * and the others listed in unexplained.c. */
bool unexplained_benign(struct str text);
