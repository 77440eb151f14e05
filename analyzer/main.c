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
	{ "kb", cmd_kb_main, "list, lint and test the knowledge base (docs/knowledge.md)" },
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
	fprintf(f, "\nRun 'analyze --help' for the options of the default mode and\n"
		   "'analyze MODE --help' for a mode's options.\n");
}

int main(int argc, char **argv)
{
	log_init("analyze", LOG_INFO);
	if (argc >= 2) {
		for (size_t i = 0; modes[i].name; i++)
			if (strcmp(argv[1], modes[i].name) == 0)
				return modes[i].main(argc - 1, argv + 1);
		if (strcmp(argv[1], "--version") == 0) {
			printf("analyze (vfio-doctor) %s\n", VD_VERSION);
			return EXIT_OK;
		}
	}
	usage(argc >= 2 && strcmp(argv[1], "--help") == 0 ? stdout : stderr);
	return argc >= 2 && strcmp(argv[1], "--help") == 0 ? EXIT_OK : EXIT_USAGE;
}
