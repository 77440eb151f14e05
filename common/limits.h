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
#define MAX_MANIFEST_WARNINGS \
	3 /* manifest.json cross-check warnings of one kind; more are counted */
#define MAX_SNIFF_BYTES (64u * 1024) /* the prefix of an input a sniffer looks at */
#define MAX_SNIFF_LINES 200	     /* lines of that prefix a sniffer looks at */
#define MAX_IOMEM_DEPTH 32	     /* nesting levels of /proc/iomem */
#define MAX_CELLS	16	     /* cells read from one row of a boxed IOMMU group table */

/* binary */
#define MAX_ROM_BYTES	  (16u * 1024 * 1024) /* an option ROM image */
#define MAX_ROM_IMAGES	  32
#define MAX_XML_BYTES	  (4u * 1024 * 1024) /* a libvirt domain XML */
#define MAX_XML_KEY_BYTES 128 /* an element or attribute name in a libvirt option key */
#define PCI_CONFIG_BYTES  4096
#define PCI_MAX_CAPS	  48  /* standard capabilities walked: (256 - 64) / 4 */
#define PCI_MAX_ECAPS	  960 /* extended capabilities walked: (4096 - 256) / 4 */

/* matching */
#define MAX_MATCH_LIMIT 100000	/* PCRE2 match limit per call */
#define MAX_DEPTH_LIMIT 10000	/* PCRE2 depth limit per call */
#define MAX_SQL_STEPS	5000000 /* SQLite VM steps per knowledge query (progress handler) */
#define MAX_SQL_HEAP_BYTES \
	(448u * 1024 * 1024)	/* SQLite memory of a run: the fact store and queries */
#define MAX_EVIDENCE	     20 /* evidence lines shown per finding */
#define MAX_FINDINGS	     500
#define MAX_FIX_BYTES	     8192
#define MAX_OUTPUT_BYTES     (64u * 1024 * 1024)
#define MAX_UNEXPLAINED	     50	   /* unexplained error-like lines listed; more are counted */
#define MAX_UNEXPLAINED_SEEN 2000  /* kept by the matcher before evidence is subtracted */
#define MAX_HITS_PER_CLAUSE  10000 /* matching lines kept per pattern clause */
#define MAX_EV_PER_CLAUSE    (MAX_EVIDENCE * 2) /* evidence kept per clause of one candidate */

/* the PCI picture and readiness (rank/topology.c, report/report_html.c) */
#define MAX_TOPOLOGY_DEVICES 2048 /* PCI devices listed; more are counted, not listed */
#define MAX_TOPOLOGY_DEPTH   32	  /* bridge levels followed up from a device */
#define MAX_DRAWN_DEVICES    96	  /* device boxes in the HTML picture; the rest get a note */
#define MAX_READINESS_ROWS   256  /* devices rated for passthrough; more are counted */
#define MAX_READINESS_PEERS  16	  /* group members listed per rated device; more are counted */

/* knowledge */
#define MAX_KB_FILES	    1000	 /* knowledge files in one directory */
#define MAX_KB_CLAUSES	    64		 /* clauses in one signature */
#define MAX_CANDIDATES	    1000	 /* candidates of one signature per run */
#define MAX_LINT_BYTES	    (50u * 1024) /* adversarial subject length in kb lint */
#define MAX_TEMPLATE_TAGS   128		 /* {{...}} tags in one fix or reason template (kb lint) */
#define MAX_KB_BINARY_BYTES (64u * 1024) /* a knowledge example's "base64" input, decoded */
#define MAX_VAR_NAME	    64 /* a {{variable}} name in a fix or reason template, with its NUL */

/* collect: every item is bounded in time and size (docs/collect.md) */
#define COLLECT_DEADLINE_S	 30		    /* default global deadline (--deadline) */
#define COLLECT_DEADLINE_MAX_S	 3600		    /* the largest --deadline accepted */
#define COLLECT_MARGIN_MS	 700		    /* kept back from the deadline to finish */
#define COLLECT_FILE_MS		 3000		    /* one file or sysfs attribute */
#define COLLECT_LIST_MS		 3000		    /* one directory listing */
#define COLLECT_CMD_MS		 10000		    /* one command */
#define COLLECT_ROM_MS		 5000		    /* one option ROM read */
#define COLLECT_LOG_BYTES	 (8u * 1024 * 1024) /* dmesg, journalctl */
#define COLLECT_CMD_BYTES	 (4u * 1024 * 1024) /* lspci and other commands */
#define COLLECT_PROC_BYTES	 (4u * 1024 * 1024) /* cpuinfo, interrupts, iomem, modules */
#define COLLECT_CONF_BYTES	 (256u * 1024)	    /* a config file under /etc */
#define COLLECT_ATTR_BYTES	 (64u * 1024)	    /* a sysfs attribute */
#define COLLECT_TAIL_BYTES	 (256u * 1024)	    /* tail of a libvirt QEMU log */
#define COLLECT_TASK_BYTES	 (64u * 1024)	    /* tail of a Proxmox task log */
#define COLLECT_ROM_BYTES	 (4u * 1024 * 1024) /* an option ROM or romfile */
#define COLLECT_MAX_TASKS	 20		    /* most recent qmstart task logs */
#define COLLECT_MAX_GLOB	 256		    /* files taken from one directory */
#define COLLECT_MAX_PCI		 1024		    /* PCI devices walked */
#define COLLECT_MAX_ROMS	 16		    /* option ROMs dumped */
#define COLLECT_MAX_PROCS	 65536		    /* /proc/<pid> entries scanned for holders */
#define COLLECT_MAX_FDS_PER_PROC 4096		    /* fds looked at per process */

/* analyze corpus and analyze diff (docs/corpus.md, docs/diff.md) */
#define CORPUS_MAX_CASES   10000      /* case directories in one corpus */
#define CORPUS_MAX_EXPECT  256	      /* expect + forbid entries of one expected.json */
#define CORPUS_MAX_JOBS	   64	      /* -j workers */
#define CORPUS_CASE_S	   60	      /* default time cap of one case (--timeout) */
#define CORPUS_CASE_MAX_S  3600	      /* the largest --timeout accepted */
#define CORPUS_CASE_INPUTS MAX_INPUTS /* inputs of one loose case */
#define DIFF_MAX_FACTS	   200000     /* fact rows read from one side of a diff */
