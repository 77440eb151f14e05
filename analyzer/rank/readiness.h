/* readiness.h - passthrough readiness: for every device a VM references and every GPU, NIC,
 * storage and USB controller, its IOMMU group and the group's other members, reset method,
 * bound driver, ROM status, boot VGA and a verdict (ready, ready after a named fix, not
 * isolatable on this board, unknown) with the reason.
 *
 * Works on res->devices and res->groups (topology_fill() calls it once they are filled) plus
 * the fact store (ROM rows, VM romfiles) through factstore_query() only.
 */
#pragma once

struct factstore;
struct result;

/* Fills res->readiness (arena memory). A failing query leaves ROM status "unknown"; returns
 * 0, or -1 when a query failed (the caller records the warning). */
int readiness_fill(struct factstore *fs, struct result *res);
