/* diff_report.h - what changed between two inputs of one host (`analyze diff A B`): the facts
 * each side's store holds, compared section by section, and the findings that appeared, went
 * away or changed confidence; rendered as text, JSON or Markdown (docs/diff.md).
 *
 * Pure: cmd_diff.c reads the facts out of the two fact stores (fixed read-only queries) into
 * two struct diff_facts and diagnoses both; diff_compute() compares them. A side may hold a
 * key more than once (a repeated command-line parameter, an IOMMU group's members): the values
 * of one (section, key) are joined, in the order they were added, before comparing.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "common/arena.h"
#include "common/vec.h"
#include "rank/result.h"

struct sbuf;

/* The sections, in the order they are reported. */
enum diff_section {
	DIFF_CMDLINE,  /* kernel command line (running kernel, then config origins) */
	DIFF_MODULES,  /* loaded modules */
	DIFF_MODCONF,  /* modprobe.d / modules-load directives: options, blacklist, softdep */
	DIFF_MODPARAM, /* module parameters from sysfs */
	DIFF_DEVICES,  /* PCI devices present */
	DIFF_DRIVERS,  /* driver bound per device */
	DIFF_GROUPS,   /* IOMMU groups and their members */
	DIFF_VMS,      /* VM configuration lines */
	DIFF_ROMS,     /* option ROM images */
	DIFF_KERNEL,   /* kernel version */
	DIFF_FIRMWARE, /* DMI: vendor, board, BIOS version and date */
	DIFF_SYSTEM,   /* sysctl, clocksource, GRUB variables, CPU */
	DIFF_SECTION_COUNT,
};

const char *diff_section_name(enum diff_section s);  /* "cmdline", "drivers", ... (JSON) */
const char *diff_section_title(enum diff_section s); /* "kernel command line", ... */

struct diff_fact {
	enum diff_section section;
	const char *key;
	const char *value; /* NULL: present without a value (a bare command-line flag) */
	size_t seq;	   /* insertion order */
};

/* One side's facts. Strings are copied into arena. */
struct diff_facts {
	struct arena arena;
	VEC(struct diff_fact) v;
	size_t dropped; /* facts beyond DIFF_MAX_FACTS, not compared */
};

void diff_facts_init(struct diff_facts *f);
void diff_facts_release(struct diff_facts *f);
/* Copies key and value (NULL allowed) into the set; past DIFF_MAX_FACTS only counts. */
void diff_facts_add(struct diff_facts *f, enum diff_section s, const char *key, const char *value);

enum diff_change { DIFF_ADDED, DIFF_REMOVED, DIFF_CHANGED };

struct diff_fact_change {
	enum diff_section section;
	enum diff_change change;
	const char *key;
	const char *old_value;	 /* NULL when added (or a bare flag) */
	const char *new_value;	 /* NULL when removed (or a bare flag) */
	bool old_flag, new_flag; /* the side held the key as a bare flag */
};

struct diff_finding_change {
	enum diff_change change; /* ADDED: appeared; REMOVED: went away; CHANGED: confidence */
	const char *id;
	const char *subject;
	const struct finding *old; /* NULL when appeared */
	const struct finding *new; /* NULL when gone */
};

struct diff {
	struct arena arena;
	const char *a_name, *b_name;
	VEC(struct diff_fact_change) facts;
	VEC(struct diff_finding_change) findings;
	size_t unchanged_findings;
	size_t n_facts_a, n_facts_b; /* distinct (section, key) compared on each side */
	size_t dropped_a, dropped_b;
};

/* Compares a with b and ra with rb into d (which it initialises; call diff_release()). The
 * results must outlive d: finding changes point into them. A finding changes confidence when
 * its label or its confidence rounded to a percent differs. */
void diff_compute(struct diff *d, const char *a_name, const char *b_name,
		  const struct diff_facts *a, const struct diff_facts *b, const struct result *ra,
		  const struct result *rb);
void diff_release(struct diff *d);

/* True for "text", "json" and "markdown". */
bool diff_format_known(const char *format);
/* Appends d in the format (NULL: text) to sb. */
void diff_render(const struct diff *d, const char *format, struct sbuf *sb);
