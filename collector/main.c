/* main.c - the `collect` command line: options, then one collect_run(). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collect.h"
#include "common/banned.h"
#include "common/error.h"
#include "common/limits.h"
#include "common/log.h"
#include "common/str.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: collect [options]\n"
		"\n"
		"Take a read-only snapshot of this host's PCI passthrough (VFIO/IOMMU) state and write\n"
		"it as a redacted tar.gz bundle to attach to a forum thread or support ticket.\n"
		"Run it as root (sudo ./collect) for a complete bundle.\n"
		"\n"
		"options:\n"
		"  -o, --output PATH      write the bundle to PATH (default:\n"
		"                         ./vfio-bundle-<host>-<UTC time>.tar.gz)\n"
		"      --deadline SECONDS stop reading after SECONDS and write what was read\n"
		"                         (default %d)\n"
		"      --no-roms          do not dump PCI option ROMs\n"
		"      --no-redact        keep host names, addresses, MACs, serials and UUIDs\n"
		"                         (for your own use; do not post such a bundle)\n"
		"      --redact-map FILE  write the token map (token -> original) to FILE, which\n"
		"                         stays on this machine; it is never put in the bundle\n"
		"      --sysroot DIR      read /proc, /sys, /etc, /var/log, /dev under DIR and replay\n"
		"                         commands from DIR/cmd-fixtures/<name> (for tests)\n"
		"  -q, --quiet            print nothing but errors\n"
		"  -v, --verbose          print every item's status\n"
		"  -h, --help             show this help\n"
		"  -V, --version          show the version\n"
		"\n"
		"exit status: 0 bundle complete; 10 bundle written but some items could not be read\n"
		"(see manifest.json); 11 the deadline passed, bundle written with what was read;\n"
		"2 usage; 7 the bundle could not be written; killed by SIGINT/SIGTERM (128+N) when\n"
		"interrupted, with nothing left under the final name.\n",
		COLLECT_DEADLINE_S);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "deadline", required_argument, NULL, 'd' },
		{ "no-roms", no_argument, NULL, 'R' },
		{ "no-redact", no_argument, NULL, 'N' },
		{ "redact-map", required_argument, NULL, 'm' },
		{ "sysroot", required_argument, NULL, 's' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct collect_opts o = {
		.sysroot = "",
		.deadline_s = COLLECT_DEADLINE_S,
		.redact = true,
		.roms = true,
	};
	struct error err = { 0 };
	char *sysroot = NULL;
	int c, ret;

	log_init("collect", LOG_INFO);
	while ((c = getopt_long(argc, argv, "o:qvhV", longopts, NULL)) != -1) {
		uint64_t v;

		switch (c) {
		case 'o':
			o.output = optarg;
			break;
		case 'd':
			if (!str_to_u64(str_from_cstr(optarg), 10, 1, COLLECT_DEADLINE_MAX_S, &v)) {
				log_error("--deadline '%s': expected whole seconds from 1 to %d",
					  optarg, COLLECT_DEADLINE_MAX_S);
				return EXIT_USAGE;
			}
			o.deadline_s = (long)v;
			break;
		case 'R':
			o.roms = false;
			break;
		case 'N':
			o.redact = false;
			break;
		case 'm':
			o.redact_map = optarg;
			break;
		case 's':
			free(sysroot);
			sysroot = strdup(optarg);
			break;
		case 'q':
			o.quiet = true;
			break;
		case 'v':
			o.verbose = true;
			break;
		case 'h':
			usage(stdout);
			return EXIT_OK;
		case 'V':
			printf("collect (vfio-doctor) %s\n", VD_VERSION);
			return EXIT_OK;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		log_error("unexpected argument '%s'", argv[optind]);
		usage(stderr);
		free(sysroot);
		return EXIT_USAGE;
	}
	if (sysroot) {
		size_t n = strlen(sysroot);

		while (n > 1 && sysroot[n - 1] == '/')
			sysroot[--n] = '\0';
		if (n == 0 || strcmp(sysroot, "/") == 0)
			sysroot[0] = '\0';
		o.sysroot = sysroot;
	}
	log_init("collect", o.quiet ? LOG_WARN : o.verbose ? LOG_DEBUG : LOG_INFO);
	ret = collect_run(&o, &err);
	if (ret < 0) {
		log_error("%s", err.msg);
		ret = err.code ? (int)err.code : EXIT_OUTPUT;
	}
	free(sysroot);
	return ret;
}
