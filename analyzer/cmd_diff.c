/* cmd_diff.c - `analyze diff A B`: what changed between two inputs of one host (before and
 * after a change). Each side is ingested into its own fact store; fixed read-only queries
 * (through factstore_query) read the facts a change is about into two struct diff_facts, both
 * sides are diagnosed, and report/diff_report.c compares and renders. Facts that differ
 * between any two collects (bundle time, durations, checksums: the manifest; line numbers;
 * link speed and power state) are left out by design (docs/diff.md). */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cmds.h"
#include "common/error.h"
#include "common/limits.h"
#include "common/log.h"
#include "common/sbuf.h"
#include "facts/factstore.h"
#include "input/ingest.h"
#include "kb/kb.h"
#include "rank/diagnose.h"
#include "rank/result.h"
#include "report/diff_report.h"

struct diff_opts {
	const char *format;
	const char *kb_dir;
	const char *output;
	const char *a, *b;
};

/* One fixed query per section: it returns (key, value) rows in a stable order. */
struct section_query {
	enum diff_section section;
	const char *sql;
};

static const struct section_query queries[] = {
	/* the running kernel's parameters come from proc/cmdline and from the boot log's
	 * "Command line:" (origin dmesg): one row each, not two */
	{ DIFF_CMDLINE, "SELECT CASE WHEN origin IS NULL OR origin IN ('cmdline', 'dmesg') THEN key"
			"            ELSE origin || ': ' || key END AS k, value"
			" FROM cmdline GROUP BY k, value ORDER BY min(rowid)" },
	{ DIFF_MODULES,
	  "SELECT DISTINCT module, NULL FROM modules WHERE directive = 'loaded' AND module IS NOT NULL"
	  " ORDER BY module" },
	{ DIFF_MODCONF,
	  "SELECT directive || ' ' || coalesce(module, ''), nullif(args, '') FROM modules"
	  " WHERE directive <> 'loaded' GROUP BY directive, module, args ORDER BY min(rowid)" },
	{ DIFF_MODPARAM,
	  "SELECT coalesce(subject, '') || '.' || key, value FROM facts WHERE scope = 'modparam'"
	  " GROUP BY subject, key, value ORDER BY subject, key" },
	{ DIFF_DEVICES,
	  "SELECT bdf, nullif(trim(coalesce(vendor_device, '') || ' ' || coalesce(vendor_name, '')"
	  "                 || ' ' || coalesce(device_name, '')), '') FROM device ORDER BY bdf" },
	{ DIFF_DRIVERS, "SELECT bdf, driver FROM device WHERE driver IS NOT NULL ORDER BY bdf" },
	/* sysfs's group layout, and the group lspci -v prints per device (a bundle without the
	 * sysfs copy, or two pasted lspci outputs) */
	{ DIFF_GROUPS, "SELECT 'group ' || grp, bdf FROM (SELECT grp, bdf FROM iommu_groups"
		       "  UNION SELECT iommu_group, bdf FROM devices WHERE iommu_group >= 0)"
		       " GROUP BY grp, bdf ORDER BY grp, bdf" },
	/* Proxmox options derived from another line of the config (machine.type from machine)
	 * share its line number; the first row of a line is the line as written. */
	{ DIFF_VMS,
	  "SELECT 'vm ' || v.vmid || coalesce(' [' || o.snapshot || ']', '') || ': ' || o.key,"
	  "       o.value"
	  " FROM vm_options o JOIN vms v ON v.id = o.vm_id"
	  " WHERE v.flavour IS NOT 'pve' OR o.lineno IS NULL OR o.rowid = (SELECT min(p.rowid)"
	  "   FROM vm_options p WHERE p.vm_id = o.vm_id AND p.input_id IS o.input_id"
	  "   AND p.lineno = o.lineno AND p.snapshot IS o.snapshot)"
	  " ORDER BY v.vmid, o.snapshot, o.rowid" },
	{ DIFF_ROMS,
	  "SELECT path || ' image ' || coalesce(image, 0),"
	  "       printf('signature 0x%04x%s, %04x:%04x, code type %s, %s bytes%s%s',"
	  "              coalesce(signature, 0), CASE WHEN sig_ok THEN '' ELSE ' (invalid)' END,"
	  "              coalesce(vendor, 0), coalesce(device, 0), coalesce(code_type, '?'),"
	  "              coalesce(length, '?'), CASE WHEN is_efi THEN ', EFI' ELSE '' END,"
	  "              CASE WHEN checksum_ok = 0 THEN ', bad checksum' ELSE '' END)"
	  " FROM roms ORDER BY path, image" },
	{ DIFF_KERNEL, "SELECT key, value FROM facts WHERE scope = 'kernel' GROUP BY key, value"
		       " ORDER BY key" },
	{ DIFF_FIRMWARE,
	  "SELECT key, value FROM facts WHERE scope = 'dmi' GROUP BY key, value ORDER BY key" },
	{ DIFF_SYSTEM, "SELECT scope || ' ' || key, value FROM facts"
		       " WHERE scope IN ('sysctl', 'clocksource', 'grub')"
		       " GROUP BY scope, key, value ORDER BY scope, key" },
	{ DIFF_SYSTEM,
	  "SELECT 'cpu ' || name, value FROM ("
	  "  SELECT 'model' AS name, model_name AS value FROM cpu WHERE model_name IS NOT NULL"
	  "  UNION SELECT 'vendor', vendor FROM cpu WHERE vendor IS NOT NULL"
	  "  UNION SELECT 'address sizes', phys_bits || ' bits physical, ' || virt_bits"
	  "        || ' bits virtual' FROM cpu WHERE phys_bits IS NOT NULL"
	  "  UNION SELECT 'hypervisor', coalesce(hypervisor_vendor, 'yes') FROM cpu"
	  "        WHERE hypervisor) ORDER BY name, value" },
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: analyze diff A B [--format text|json|markdown] [--kb DIR] [-o FILE]\n\n"
		"Shows what changed between two inputs of one host, A before and B after a\n"
		"change: kernel command line, modules and their options, drivers, IOMMU groups,\n"
		"VM configuration, ROMs, kernel and firmware versions; and which findings\n"
		"appeared, went away or changed confidence (docs/diff.md). A and B are each a\n"
		"bundle, a bundle directory or a file.\n\n"
		"  --format FMT       text (default), json or markdown\n"
		"  --kb DIR           use the knowledge files in DIR instead of the built-in ones\n"
		"  -o, --output FILE  write to FILE instead of standard output\n"
		"  -q, --quiet        only errors on standard error\n"
		"  -h, --help         this help\n");
}

static int parse_args(int argc, char **argv, struct diff_opts *o, struct error *err)
{
	enum { OPT_FORMAT = 256, OPT_KB };
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "kb", required_argument, NULL, OPT_KB },
		{ "output", required_argument, NULL, 'o' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":o:qh", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_FORMAT:
			o->format = optarg;
			break;
		case OPT_KB:
			o->kb_dir = optarg;
			break;
		case 'o':
			o->output = optarg;
			break;
		case 'q':
			log_init(log_program_name(), LOG_ERROR);
			break;
		case 'h':
			usage(stdout);
			return 1;
		case ':':
			return error_set(err, EXIT_USAGE,
					 "option '%s' needs a value (see 'analyze diff --help')",
					 argv[optind - 1]);
		default:
			return error_set(err, EXIT_USAGE,
					 "unknown option '%s' (see 'analyze diff --help')",
					 argv[optind - 1]);
		}
	}
	if (argc - optind != 2)
		return error_set(err, EXIT_USAGE,
				 "diff takes two inputs, A and B (see 'analyze diff --help')");
	o->a = argv[optind];
	o->b = argv[optind + 1];
	if (!diff_format_known(o->format))
		return error_set(err, EXIT_USAGE, "diff writes text, json or markdown, not '%s'",
				 o->format);
	return 0;
}

/* ---- one side ---- */

struct side {
	const char *name;
	struct factstore *fs;
	struct ingest ing;
	bool ing_ready;
	struct diff_facts facts;
	struct result res;
};

struct row_ctx {
	struct diff_facts *facts;
	enum diff_section section;
};

static const char *value_text(const struct fs_value *v, char *num, size_t cap, struct sbuf *sb)
{
	switch (v->type) {
	case FS_NULL:
		return NULL;
	case FS_INT:
		snprintf(num, cap, "%" PRId64, v->i);
		return num;
	case FS_REAL:
		snprintf(num, cap, "%g", v->d);
		return num;
	case FS_TEXT:
		break;
	}
	sbuf_reset(sb);
	sbuf_add_str(sb, v->s);
	return sb->buf;
}

static int on_row(void *ctx, int ncols, const char *const *names, const struct fs_value *values)
{
	struct row_ctx *r = ctx;
	char kbuf[32], vbuf[32];
	struct sbuf ks, vs;
	const char *key, *value;

	(void)names;
	if (ncols < 2)
		return 1;
	sbuf_init(&ks, MAX_LINE_BYTES);
	sbuf_init(&vs, MAX_LINE_BYTES);
	key = value_text(&values[0], kbuf, sizeof(kbuf), &ks);
	value = value_text(&values[1], vbuf, sizeof(vbuf), &vs);
	if (key)
		diff_facts_add(r->facts, r->section, key, value);
	sbuf_release(&ks);
	sbuf_release(&vs);
	return 0;
}

static int read_facts(struct side *s, struct error *err)
{
	for (size_t i = 0; i < sizeof(queries) / sizeof(queries[0]); i++) {
		struct row_ctx r = { .facts = &s->facts, .section = queries[i].section };

		if (factstore_query(s->fs, queries[i].sql, NULL, 0, on_row, &r, err) < 0)
			return error_set(err, EXIT_INTERNAL, "%s: diff query of %s failed", s->name,
					 diff_section_name(queries[i].section));
	}
	return 0;
}

static int load_side(struct side *s, const struct kb *kb, struct error *err)
{
	struct diagnose_options dopt = { .kb = kb };

	s->fs = factstore_open(NULL, err);
	if (!s->fs)
		return -1;
	ingest_init(&s->ing, s->fs);
	s->ing_ready = true;
	if (ingest_add(&s->ing, s->name, err) < 0)
		return -1;
	for (size_t i = 0; i < s->ing.warnings.n; i++) {
		const struct ingest_warning *w = &s->ing.warnings.v[i];

		log_debug("%s: %s%s%s", s->name, w->path ? w->path : "", w->path ? ": " : "",
			  w->message);
	}
	if (read_facts(s, err) < 0)
		return -1;
	return diagnose(s->fs, &dopt, &s->res, err);
}

static void side_release(struct side *s)
{
	if (s->ing_ready)
		ingest_release(&s->ing);
	factstore_close(s->fs);
	diff_facts_release(&s->facts);
	result_release(&s->res);
}

static int write_output(const char *path, const struct sbuf *sb, struct error *err)
{
	FILE *f = path ? fopen(path, "w") : stdout;
	bool ok;

	if (!f)
		return error_set(err, EXIT_OUTPUT, "cannot write '%s': %s", path, strerror(errno));
	ok = fwrite(sb->buf, 1, sb->len, f) == sb->len;
	ok = (path ? fclose(f) == 0 : fflush(f) == 0) && ok;
	if (!ok)
		return error_set(err, EXIT_OUTPUT, "cannot write '%s'",
				 path ? path : "standard output");
	return 0;
}

int cmd_diff_main(int argc, char **argv)
{
	struct diff_opts o = { 0 };
	struct error err = { 0 };
	struct side a = { 0 }, b = { 0 };
	struct kb *kb = NULL;
	struct diff d;
	struct sbuf sb;
	int rc, code = EXIT_OK;

	rc = parse_args(argc, argv, &o, &err);
	if (rc > 0)
		return EXIT_OK;
	if (rc < 0) {
		log_error("%s", err.msg);
		return err.code;
	}
	a.name = o.a;
	b.name = o.b;
	diff_facts_init(&a.facts);
	diff_facts_init(&b.facts);
	result_init(&a.res);
	result_init(&b.res);
	sbuf_init(&sb, MAX_OUTPUT_BYTES);
	kb = o.kb_dir ? kb_load_dir(o.kb_dir, &err) : kb_load_embedded(&err);
	if (!kb || load_side(&a, kb, &err) < 0 || load_side(&b, kb, &err) < 0)
		goto fail;
	diff_compute(&d, o.a, o.b, &a.facts, &b.facts, &a.res, &b.res);
	diff_render(&d, o.format, &sb);
	diff_release(&d);
	if (sbuf_failed(&sb)) {
		error_set(&err, EXIT_OUTPUT, "output longer than %u bytes", MAX_OUTPUT_BYTES);
		goto fail;
	}
	if (write_output(o.output, &sb, &err) < 0)
		goto fail;
	goto done;
fail:
	log_error("%s", err.msg);
	code = err.code ? err.code : EXIT_INTERNAL;
done:
	sbuf_release(&sb);
	side_release(&a);
	side_release(&b);
	kb_free(kb);
	return code;
}
