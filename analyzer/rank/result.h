/* result.h - the result model: what a diagnosis produced, in the order it is reported.
 *
 * The ranker fills it; every reporter (text, JSON, Markdown, HTML) reads only this, never
 * SQLite. All strings and arrays belong to result->arena and live until result_release().
 * Findings are ordered by rank, best first: confidence, then severity, then id.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/arena.h"

enum severity { SEV_INFO, SEV_WARNING, SEV_ERROR, SEV_BLOCKER };

const char *severity_name(enum severity s); /* "info", "warning", "error", "blocker" */
bool severity_from_name(const char *name, enum severity *out);

struct evidence {
	const char *path;   /* bundle path or loose file name */
	uint32_t line;	    /* 1-based; 0 for facts that have no line */
	const char *text;   /* the line, or a rendering of the fact */
	const char *clause; /* the knowledge clause that matched */
	double weight;	    /* its weight (negative for counter-evidence) */
};

struct subject {
	const char *kind; /* "host", "device", "vm" */
	const char *id;	  /* "host", "0000:01:00.0", "103" */
	const char *name; /* "NVIDIA GA106 [GeForce RTX 3060]", "win11", or NULL */
};

struct finding {
	const char *id; /* root-cause id (taxonomy.md) */
	const char *title;
	const char *category;
	enum severity severity;
	double score;	   /* log-odds: prior + clause weights */
	double confidence; /* 0..1 */
	const char *label; /* "certain", "likely", "possible", "unlikely" */
	struct subject subject;
	const char **symptoms;
	size_t n_symptoms;
	struct evidence *evidence;
	size_t n_evidence;
	size_t n_evidence_total; /* before MAX_EVIDENCE cut */
	const char *fix;	 /* filled template; may hold several lines */
	const char **references;
	size_t n_references;
	const char *ruled_out_reason; /* set for findings in result->ruled_out */
	const char *suppressed_by;    /* id of the finding that explains this one, or NULL */
};

/* A cause that could not be evaluated because the input lacks what it needs. */
struct unchecked {
	const char *id;
	const char *title;
	const char *missing; /* what is missing, e.g. "a VM configuration" */
	const char *
		command; /* what to run to supply it, e.g. "cat /etc/pve/qemu-server/<vmid>.conf" */
};

/* One input as classified, for --classify and the reports' input list. */
struct input_info {
	const char *path;
	const char *kind;
	int confidence;
	uint32_t first_line, last_line;
	uint64_t bytes;
};

/* Something that did not stop the run but the user should know (limits, skipped entries). */
struct result_warning {
	const char *path; /* may be NULL */
	uint32_t line;
	const char *message;
};

/* One PCI device as the inputs show it (topology.c). Unknown numbers are -1, unknown
 * strings NULL. */
struct pci_device {
	const char *bdf;	   /* "0000:01:00.0" */
	const char *vendor_device; /* "10de:2504" */
	const char *vendor_name;
	const char *device_name;
	const char *class_name;
	int class_code;		  /* base<<8 | sub, e.g. 0x0300 */
	const char *driver;	  /* bound driver ("vfio-pci"), NULL when none or unknown */
	int64_t iommu_group;	  /* -1 unknown */
	int boot_vga;		  /* 1, 0, -1 */
	int flr;		  /* FLR in DevCap (or AF FLR): 1, 0, -1 */
	int pm_no_soft_reset;	  /* PM NoSoftRst: 1 (no PM reset), 0 (PM reset works), -1 */
	const char *reset_method; /* sysfs reset_method ("flr bus"), or NULL */
	const char *parent;	  /* upstream bridge's bdf; NULL on a root bus or when unknown */
	int depth;		  /* 0 on a root bus */
	int secondary_bus;	  /* bridges: the bus behind it, else -1 */
	int subordinate_bus;
	bool is_bridge;
	bool passthrough; /* a VM config or QEMU command line hands it to a guest, or it is
			   * bound to vfio-pci (vm NULL then) */
	const char *vm;	  /* the claiming VM's id ("110", "win11"), or NULL */
	const char *vm_name;
	const char **problems; /* ids of the findings whose subject is this device */
	size_t n_problems;
	const char *source; /* "lspci", "sysfs", "log": where the device row came from */
};

/* One IOMMU group and its members (bdfs, sorted). */
struct iommu_group_info {
	int64_t id;
	const char **members;
	size_t n_members;
};

enum readiness_verdict {
	READINESS_READY,	  /* can be passed through as it is */
	READINESS_AFTER_FIX,	  /* ready after the named fix */
	READINESS_NOT_ISOLATABLE, /* its IOMMU group holds devices the host needs */
	READINESS_UNKNOWN,	  /* the input lacks IOMMU group data */
};

const char *readiness_verdict_name(enum readiness_verdict v); /* "ready", "ready-after-fix", ... */

/* One device's passthrough readiness (readiness.c). */
struct readiness {
	const char *bdf;
	const char *name;    /* "NVIDIA ... [10de:2504]" or the bdf */
	const char *kind;    /* "gpu", "nic", "storage", "usb", "audio", "other" */
	int64_t iommu_group; /* -1 unknown */
	const char **peers;  /* the group's other members, "bdf (class name)"; at most
			      * MAX_READINESS_PEERS, then "and N more" */
	size_t n_peers;
	const char *reset;  /* "flr", "pm", "bus", "none", "sysfs: flr bus", "unknown" */
	const char *driver; /* or NULL */
	const char *rom;    /* "dumped, valid", "romfile x.rom", "no ROM dump", ... */
	int boot_vga;	    /* 1, 0, -1 */
	const char *vm;	    /* claiming VM or NULL */
	enum readiness_verdict verdict;
	const char *fix; /* the named fix (READINESS_AFTER_FIX), else NULL */
	const char *why; /* one sentence: why this verdict */
};

/* A line that looks like a passthrough error (a topic word such as vfio/DMAR/BAR and an error
 * word such as failed/can't/timeout, match/unexplained.h) but that no signature explains: what
 * a curator should add knowledge for next. */
struct unexplained {
	const char *path; /* input path, or NULL */
	uint32_t line;	  /* 1-based line in that input */
	const char *text;
};

struct result {
	struct arena arena;
	struct finding *findings; /* ranked, best first */
	size_t n_findings;
	struct finding *ruled_out; /* causes with counter-evidence, and why */
	size_t n_ruled_out;
	struct unchecked *unchecked;
	size_t n_unchecked;
	struct input_info *inputs;
	size_t n_inputs;
	struct result_warning *warnings;
	size_t n_warnings;
	const char *host_summary; /* one line: kernel, CPU, board, when known; or NULL */

	/* The PCI picture (topology.c) and readiness (readiness.c); empty when the input
	 * names no device. */
	struct pci_device *devices; /* in tree order: each parent before its children */
	size_t n_devices;
	size_t n_devices_dropped; /* rows naming devices beyond MAX_TOPOLOGY_DEVICES (not listed) */
	const char *tree_source;  /* how parents were found: "lspci -t", ...; NULL: not found */
	struct iommu_group_info *groups; /* by group number */
	size_t n_groups;
	struct readiness *readiness; /* VM devices first, then GPUs, NICs, storage, USB */
	size_t n_readiness;
	size_t n_readiness_dropped; /* devices beyond MAX_READINESS_ROWS, not rated */

	/* Unexplained evidence, in input order: at most MAX_UNEXPLAINED listed, all counted. */
	struct unexplained *unexplained;
	size_t n_unexplained;
	size_t n_unexplained_total;
};

void result_init(struct result *r);
void result_release(struct result *r);
