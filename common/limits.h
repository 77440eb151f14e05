/* limits.h - every cap on hostile input, in one place (docs/limits.md explains each).
 *
 * Reaching a limit is a warning kept in the result and the run goes on with what was read,
 * or one clear error (EXIT_LIMIT) where nothing useful is left.
 */
#pragma once

/* input: archives and files */
#define MAX_TOTAL_BYTES	   (256u * 1024 * 1024) /* uncompressed bytes read, all inputs */
#define MAX_ENTRY_BYTES	   (64u * 1024 * 1024)	/* one file or archive entry */
#define MAX_ENTRIES	   20000		/* entries in one archive or directory walk */
#define MAX_PATH_BYTES	   1024			/* a path inside a bundle */
#define MAX_DIR_DEPTH	   16			/* directory nesting in a bundle */
#define MAX_INPUTS	   256			/* INPUT arguments on one command line */
#define MAX_COMPRESS_RATIO 1000			/* uncompressed/compressed beyond this is a bomb */

/* text */
#define MAX_LINE_BYTES	8192		   /* longer lines are truncated with a warning */
#define MAX_LINES	2000000		   /* lines per input file */
#define MAX_PASTE_PARTS 512		   /* parts one paste may split into */
#define MAX_ROWS	1000000		   /* rows of one kind from one input */
#define MAX_WARNINGS	1000		   /* warnings kept per input; more are counted */
#define MAX_JSON_BYTES	(4u * 1024 * 1024) /* manifest.json, knowledge files */
#define MAX_JSON_DEPTH	64

/* binary */
#define MAX_ROM_BYTES	 (16u * 1024 * 1024) /* an option ROM image */
#define MAX_ROM_IMAGES	 32
#define PCI_CONFIG_BYTES 4096
#define PCI_MAX_CAPS	 48  /* standard capabilities walked: (256 - 64) / 4 */
#define PCI_MAX_ECAPS	 960 /* extended capabilities walked: (4096 - 256) / 4 */

/* matching */
#define MAX_MATCH_LIMIT	 100000	 /* PCRE2 match limit per call */
#define MAX_DEPTH_LIMIT	 10000	 /* PCRE2 depth limit per call */
#define MAX_SQL_STEPS	 5000000 /* SQLite VM steps per knowledge query (progress handler) */
#define MAX_EVIDENCE	 20	 /* evidence lines shown per finding */
#define MAX_FINDINGS	 500
#define MAX_FIX_BYTES	 8192
#define MAX_OUTPUT_BYTES (64u * 1024 * 1024)
