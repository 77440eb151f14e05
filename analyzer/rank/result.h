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
};

void result_init(struct result *r);
void result_release(struct result *r);
