/* topology.h - the PCI picture of the result model: every PCI device the inputs know, its
 * upstream bridge, the IOMMU groups and their members, the VM that claims each device and the
 * findings that name it; then readiness (readiness.h) over that picture.
 *
 * Reads the fact store through factstore_query() only. Parents come from lspci -t rows
 * (pci_tree) when present, else from bridge bus windows ("Bus: primary=00, secondary=01,
 * subordinate=01" in lspci -vv, "PCI bridge to [bus 01]" in the kernel log); a device whose
 * bus no known bridge leads to is drawn on its own root bus (docs/html-report.md).
 */
#pragma once

struct factstore;
struct result;

/* Fills res->devices, groups, tree_source and (through readiness_fill) res->readiness, after
 * the findings are ranked (problem devices are the findings' device subjects). Everything
 * lives in res->arena. A query that fails becomes a warning in res, never a failure of the
 * diagnosis; returns 0, or -1 when such a warning was recorded. */
int topology_fill(struct factstore *fs, struct result *res);
