/* collect.h - one run of the collector: plan, read every item within the deadline, redact,
 * write the tar.gz under a temporary name, rename it into place.
 *
 * collect_run() returns the exit code to use (EXIT_OK, EXIT_PARTIAL, EXIT_TIMEOUT), or -1 with
 * err set when no bundle could be written (EXIT_OUTPUT). It prints the progress line and the
 * closing summary itself; it is main()'s one call.
 */
#pragma once

#include <stdbool.h>

struct error;

struct collect_opts {
	const char *output;	/* -o PATH; NULL: ./vfio-bundle-<host>-<UTC>.tar.gz */
	const char *sysroot;	/* --sysroot DIR; "" for the live system */
	const char *redact_map; /* --redact-map FILE; NULL: none */
	long deadline_s;	/* --deadline */
	bool redact;		/* false with --no-redact */
	bool roms;		/* false with --no-roms */
	bool quiet;		/* -q */
	bool verbose;		/* -v */
};

int collect_run(const struct collect_opts *o, struct error *err);
