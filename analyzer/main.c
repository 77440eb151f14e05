/* main.c - `analyze`: dispatch to a mode. The default mode (no mode word) is diagnosis of
 * the INPUTs; see `analyze --help` and docs/. */
#include <stdio.h>
#include <string.h>

#include "cmds.h"
#include "common/error.h"
#include "common/log.h"

struct mode {
	const char *name;
	int (*main)(int argc, char **argv);
	const char *help;
};

/* Add a mode here when its cmd_<mode>.c exists. */
static const struct mode modes[] = {
	{ "corpus", cmd_corpus_main,
	  "run the regression cases in DIR against their expected.json" },
	{ "diff", cmd_diff_main,
	  "what changed between two inputs of one host (A before, B after)" },
	{ "kb", cmd_kb_main, "list, lint and test the knowledge base (docs/knowledge.md)" },
	{ "query", cmd_query_main, "run a read-only SQL query on the fact store of INPUTs" },
	{ NULL, NULL, NULL },
};

static void usage(FILE *f)
{
	fprintf(f, "usage: analyze [OPTIONS] INPUT...\n"
		   "       analyze MODE [ARGS...]\n\n"
		   "Diagnose PCI/GPU passthrough (VFIO/IOMMU) problems from a collect bundle,\n"
		   "a bundle directory, or loose files and pastes ('-' reads standard input).\n\n"
		   "Modes:\n");
	for (size_t i = 0; modes[i].name; i++)
		fprintf(f, "  %-8s %s\n", modes[i].name, modes[i].help);
	fprintf(f, "\nRun 'analyze MODE --help' for a mode's options. A file named like a mode\n"
		   "is given as ./NAME.\n");
}

int main(int argc, char **argv)
{
	log_init("analyze", LOG_INFO);
	if (argc < 2)
		return cmd_analyze_main(argc, argv); /* "no INPUT given", one line */
	for (size_t i = 0; modes[i].name; i++)
		if (strcmp(argv[1], modes[i].name) == 0)
			return modes[i].main(argc - 1, argv + 1);
	if (strcmp(argv[1], "--version") == 0) {
		printf("analyze (vfio-doctor) %s\n", VD_VERSION);
		return EXIT_OK;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage(stdout);
		putchar('\n');
	}
	return cmd_analyze_main(argc, argv);
}
