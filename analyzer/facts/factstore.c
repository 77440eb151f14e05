/* factstore.c - the SQLite fact store: parse_out rows in with bound parameters, read-only SQL
 * out under an authorizer and a work cap.
 *
 * The schema is schema.sql, embedded at build time (vd_schema_sql). In memory the store runs
 * with journal_mode=OFF and synchronous=OFF: it is a scratch database rebuilt on every run.
 * Every insert statement is prepared once at open and reused; each factstore_load() is one
 * transaction. The only file that includes sqlite3.h.
 */
#include "facts/factstore.h"

#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/embedded.h"
#include "common/limits.h"
#include "common/sbuf.h"
#include "common/xalloc.h"

extern const struct embedded_file vd_schema_sql[];

#define FACTSTORE_FORMAT "vfio-doctor-facts"
#define SCHEMA_VERSION	 "1"

enum stmt_id {
	ST_INPUT,
	ST_LINE,
	ST_DEVICE,
	ST_REGION,
	ST_REBAR,
	ST_GROUP,
	ST_TREE,
	ST_PARAM,
	ST_CPU,
	ST_IOMEM,
	ST_MODULE,
	ST_VM,
	ST_VM_OPT,
	ST_HOSTDEV,
	ST_ROM,
	ST_FACT,
	ST_WARNING,
	ST_COUNT
};

static const char *const stmt_sql[ST_COUNT] = {
	[ST_INPUT] = "INSERT INTO inputs (path, kind, confidence, first_line, last_line, bytes, "
		     "boot, origin) VALUES (?,?,?,?,?,?,?,?)",
	[ST_LINE] =
		"INSERT INTO lines (input_id, lineno, kind, boot, ts, ts_wall, bdf, source, vm, "
		"text, msg) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
	[ST_DEVICE] =
		"INSERT INTO devices (input_id, lineno, bdf, source, class, class_name, "
		"vendor_name, device_name, vendor, device, subsys_vendor, subsys_device, "
		"vendor_device, rev, driver, modules, iommu_group, boot_vga, caps_known, "
		"caps_denied, header_type, multifunction, pm, pm_state, pm_no_soft_reset, msi, "
		"msi_enabled, msix, msix_enabled, pcie, pcie_type, flr, af_flr, link_speed, "
		"link_width, link_speed_cap, link_width_cap, acs, acs_cap, acs_ctrl, rebar, "
		"sriov) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,"
		"?,?,?,?,?,?,?,?,?,?)",
	[ST_REGION] =
		"INSERT INTO regions (device_id, bdf, idx, addr, size, is_io, is_64, is_pref, "
		"disabled, unassigned) VALUES (?,?,?,?,?,?,?,?,?,?)",
	[ST_REBAR] = "INSERT INTO rebar (device_id, bdf, bar, current_size, supported) "
		     "VALUES (?,?,?,?,?)",
	[ST_GROUP] = "INSERT INTO iommu_groups (input_id, lineno, grp, bdf) VALUES (?,?,?,?)",
	[ST_TREE] = "INSERT INTO pci_tree (input_id, lineno, parent, child) VALUES (?,?,?,?)",
	[ST_PARAM] = "INSERT INTO cmdline (input_id, lineno, origin, ord, key, value) "
		     "VALUES (?,?,?,?,?,?)",
	[ST_CPU] =
		"INSERT INTO cpu (input_id, lineno, vendor, family, model, stepping, model_name, "
		"flags, phys_bits, virt_bits, hypervisor, hypervisor_vendor, ncpus) "
		"VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
	[ST_IOMEM] = "INSERT INTO iomem (input_id, lineno, start, \"end\", depth, parent_id, name) "
		     "VALUES (?,?,?,?,?,?,?)",
	[ST_MODULE] = "INSERT INTO modules (input_id, lineno, path, directive, module, args) "
		      "VALUES (?,?,?,?,?,?)",
	[ST_VM] = "INSERT INTO vms (input_id, lineno, vmid, name, flavour) VALUES (?,?,?,?,?)",
	[ST_VM_OPT] = "INSERT INTO vm_options (vm_id, input_id, lineno, snapshot, key, value) "
		      "VALUES (?,?,?,?,?,?)",
	[ST_HOSTDEV] = "INSERT INTO vm_hostdevs (vm_id, input_id, lineno, snapshot, name, bdf, "
		       "all_functions, mapping, mdev, romfile, rombar, pcie, x_vga, multifunction, "
		       "managed, raw) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
	[ST_ROM] = "INSERT INTO roms (input_id, path, bdf, image, \"offset\", signature, sig_ok, "
		   "has_pcir, vendor, device, class, code_type, revision, last, length, is_efi, "
		   "efi_subsystem, efi_machine, efi_compressed, checksum_ok) "
		   "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
	[ST_FACT] = "INSERT INTO facts (input_id, lineno, scope, subject, key, value) "
		    "VALUES (?,?,?,?,?,?)",
	[ST_WARNING] = "INSERT INTO warnings (input_id, lineno, message) VALUES (?,?,?)",
};

struct factstore {
	sqlite3 *db;
	sqlite3_stmt *st[ST_COUNT];
	uint64_t rows;
	uint64_t steps;	      /* progress-handler ticks of the running query */
	bool indexed;	      /* the schema's indexes exist (built before the first read) */
	bool lines_unordered; /* lines were not loaded in (input, line) order */
	int64_t last_loaded;  /* input id of the latest factstore_load() */
	bool query_running;   /* the progress handler caps only user queries */
};

/* SQLite's memory is capped (MAX_SQL_HEAP_BYTES, set in factstore_open): running out of it is
 * a limit of the input, not an internal failure. */
static int nomem_error(struct error *err, const char *what)
{
	return error_set(err, EXIT_LIMIT,
			 "fact store: %s: more than %u MiB of SQLite memory (limit)", what,
			 MAX_SQL_HEAP_BYTES >> 20);
}

static int db_error(struct factstore *fs, struct error *err, const char *what)
{
	if (sqlite3_errcode(fs->db) == SQLITE_NOMEM)
		return nomem_error(err, what);
	return error_set(err, EXIT_INTERNAL, "fact store: %s: %s", what, sqlite3_errmsg(fs->db));
}

static int exec(struct factstore *fs, const char *sql, struct error *err)
{
	char *msg = NULL;
	int rc = sqlite3_exec(fs->db, sql, NULL, NULL, &msg);

	if (rc != SQLITE_OK) {
		if ((rc & 0xff) == SQLITE_NOMEM)
			nomem_error(err, "building the indexes");
		else
			error_set(err, EXIT_INTERNAL, "fact store: %s", msg ? msg : "exec failed");
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

#define PROGRESS_TICK 1000

static int progress_cb(void *ctx)
{
	struct factstore *fs = ctx;

	if (!fs->query_running)
		return 0;
	fs->steps += PROGRESS_TICK;
	return fs->steps > MAX_SQL_STEPS;
}

/* True when path names an existing SQLite file whose meta says it is a fact store. */
static bool is_factstore_file(const char *path)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	bool ok = false;

	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
		goto out;
	if (sqlite3_prepare_v2(db, "SELECT value FROM meta WHERE key = 'format'", -1, &st, NULL) !=
	    SQLITE_OK)
		goto out;
	if (sqlite3_step(st) == SQLITE_ROW) {
		const unsigned char *v = sqlite3_column_text(st, 0);

		ok = v && strcmp((const char *)v, FACTSTORE_FORMAT) == 0;
	}
out:
	sqlite3_finalize(st);
	sqlite3_close(db);
	return ok;
}

static int prepare_file(const char *path, struct error *err)
{
	struct stat st;

	if (lstat(path, &st) != 0) {
		if (errno == ENOENT)
			return 0;
		return error_set(err, EXIT_OUTPUT, "cannot write fact store '%s': %s", path,
				 strerror(errno));
	}
	if (!S_ISREG(st.st_mode))
		return error_set(err, EXIT_OUTPUT,
				 "'%s' exists and is not a regular file, refusing to overwrite it",
				 path);
	if (st.st_size > 0 && !is_factstore_file(path))
		return error_set(
			err, EXIT_OUTPUT,
			"'%s' exists and is not a vfio-doctor fact store, refusing to overwrite it",
			path);
	if (unlink(path) != 0)
		return error_set(err, EXIT_OUTPUT, "cannot replace fact store '%s': %s", path,
				 strerror(errno));
	return 0;
}

#define INDEX_MARKER "-- @indexes"

static char *xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

/* Builds the indexes after the last load, before the first read. */
static int ensure_indexes(struct factstore *fs, struct error *err)
{
	const char *marker = strstr((const char *)vd_schema_sql[0].data, INDEX_MARKER);

	if (fs->indexed)
		return 0;
	fs->indexed = true;
	return marker ? exec(fs, marker, err) : 0;
}

static int create_schema(struct factstore *fs, struct error *err)
{
	sqlite3_stmt *st = NULL;
	int ret = -1, rc;

	const char *schema = (const char *)vd_schema_sql[0].data;
	const char *marker = strstr(schema, INDEX_MARKER);
	char *tables = marker ? xstrndup(schema, (size_t)(marker - schema)) : xstrdup(schema);

	rc = exec(fs, tables, err);
	free(tables);
	if (rc < 0)
		return -1;
	if (sqlite3_prepare_v2(fs->db, "INSERT INTO meta (key, value) VALUES (?, ?)", -1, &st,
			       NULL) != SQLITE_OK)
		return db_error(fs, err, "meta");
	static const char *const meta[][2] = {
		{ "format", FACTSTORE_FORMAT },
		{ "schema_version", SCHEMA_VERSION },
		{ "analyzer_version", VD_VERSION },
	};
	for (size_t i = 0; i < sizeof(meta) / sizeof(meta[0]); i++) {
		sqlite3_bind_text(st, 1, meta[i][0], -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, meta[i][1], -1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE) {
			db_error(fs, err, "meta");
			goto out;
		}
		sqlite3_reset(st);
	}
	ret = 0;
out:
	sqlite3_finalize(st);
	return ret;
}

struct factstore *factstore_open(const char *path, struct error *err)
{
	struct factstore *fs;
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;

	if (path && prepare_file(path, err) < 0)
		return NULL;
	fs = xcalloc(1, sizeof(*fs));
	/* process-wide; every store of a run (diff has two) shares it */
	sqlite3_hard_heap_limit64(MAX_SQL_HEAP_BYTES);
	if (sqlite3_open_v2(path ? path : ":memory:", &fs->db, flags, NULL) != SQLITE_OK) {
		error_set(err, path ? EXIT_OUTPUT : EXIT_INTERNAL,
			  "cannot open fact store '%s': %s",
			  path ? path : ":memory:", fs->db ? sqlite3_errmsg(fs->db) : "no memory");
		goto fail;
	}
	sqlite3_extended_result_codes(fs->db, 1);
	sqlite3_progress_handler(fs->db, PROGRESS_TICK, progress_cb, fs);
	if (exec(fs, "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA foreign_keys=OFF;",
		 err) < 0)
		goto fail;
	if (create_schema(fs, err) < 0)
		goto fail;
	for (int i = 0; i < ST_COUNT; i++)
		if (sqlite3_prepare_v3(fs->db, stmt_sql[i], -1, SQLITE_PREPARE_PERSISTENT,
				       &fs->st[i], NULL) != SQLITE_OK) {
			db_error(fs, err, stmt_sql[i]);
			goto fail;
		}
	return fs;
fail:
	factstore_close(fs);
	return NULL;
}

void factstore_close(struct factstore *fs)
{
	struct error ignored = { 0 };

	if (!fs)
		return;
	/* a --db file gets its indexes even when nobody queried it */
	if (fs->db && !fs->indexed && sqlite3_db_filename(fs->db, "main") &&
	    *sqlite3_db_filename(fs->db, "main"))
		ensure_indexes(fs, &ignored);
	for (int i = 0; i < ST_COUNT; i++)
		sqlite3_finalize(fs->st[i]);
	sqlite3_close(fs->db);
	free(fs);
}

/* ---- binding helpers: positions are 1-based, as in SQLite ---- */

static void bind_int(sqlite3_stmt *st, int i, int64_t v)
{
	sqlite3_bind_int64(st, i, v);
}

static void bind_cstr(sqlite3_stmt *st, int i, const char *s)
{
	if (s)
		sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, i);
}

/* A view as text; the view outlives the step, so SQLITE_STATIC is safe. */
static void bind_str(sqlite3_stmt *st, int i, struct str s)
{
	sqlite3_bind_text64(st, i, s.len ? s.ptr : "", s.len, SQLITE_STATIC, SQLITE_UTF8);
}

/* An empty view is NULL: "not given". */
static void bind_opt(sqlite3_stmt *st, int i, struct str s)
{
	if (s.len)
		bind_str(st, i, s);
	else
		sqlite3_bind_null(st, i);
}

static void bind_opt_int(sqlite3_stmt *st, int i, bool has, int64_t v)
{
	if (has)
		sqlite3_bind_int64(st, i, v);
	else
		sqlite3_bind_null(st, i);
}

static void bind_bdf(sqlite3_stmt *st, int i, bool has, const struct pciaddr *a)
{
	char buf[PCIADDR_STR_MAX];

	if (!has) {
		sqlite3_bind_null(st, i);
		return;
	}
	sqlite3_bind_text(st, i, pciaddr_format(a, buf), -1, SQLITE_TRANSIENT);
}

static int step(struct factstore *fs, sqlite3_stmt *st, struct error *err)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc != SQLITE_DONE)
		return db_error(fs, err, "insert");
	fs->rows++;
	return 0;
}

int64_t factstore_add_input(struct factstore *fs, const char *path, enum source_kind kind,
			    int confidence, uint32_t first_line, uint32_t last_line, uint64_t bytes,
			    int boot, const char *origin, struct error *err)
{
	sqlite3_stmt *st = fs->st[ST_INPUT];

	bind_cstr(st, 1, path ? path : "");
	bind_cstr(st, 2, source_kind_name(kind));
	bind_int(st, 3, confidence);
	bind_opt_int(st, 4, first_line > 0, first_line);
	bind_opt_int(st, 5, first_line > 0, last_line);
	bind_int(st, 6, (int64_t)bytes);
	bind_int(st, 7, boot);
	bind_cstr(st, 8, origin);
	if (step(fs, st, err) < 0)
		return -1;
	return sqlite3_last_insert_rowid(fs->db);
}

int factstore_add_fact(struct factstore *fs, int64_t input_id, const char *scope,
		       const char *subject, const char *key, const char *value, struct error *err)
{
	sqlite3_stmt *st = fs->st[ST_FACT];

	bind_opt_int(st, 1, input_id > 0, input_id);
	sqlite3_bind_null(st, 2);
	bind_cstr(st, 3, scope);
	bind_cstr(st, 4, subject && *subject ? subject : NULL);
	bind_cstr(st, 5, key);
	bind_cstr(st, 6, value);
	return step(fs, st, err);
}

int factstore_add_warning(struct factstore *fs, int64_t input_id, uint32_t lineno,
			  const char *message, struct error *err)
{
	sqlite3_stmt *st = fs->st[ST_WARNING];

	bind_opt_int(st, 1, input_id > 0, input_id);
	bind_opt_int(st, 2, lineno > 0, lineno);
	bind_cstr(st, 3, message);
	return step(fs, st, err);
}

/* ---- factstore_load: one function per row type ---- */

struct load_ctx {
	struct factstore *fs;
	int64_t input_id;
	const char *path;
	uint32_t base;
	const struct parse_out *out;
	struct error *err;
};

static int64_t ln(const struct load_ctx *c, uint32_t lineno)
{
	return lineno ? (int64_t)lineno + c->base : 0;
}

static void bind_lineno(const struct load_ctx *c, sqlite3_stmt *st, int i, uint32_t lineno)
{
	bind_opt_int(st, i, lineno > 0, ln(c, lineno));
}

static int load_lines(const struct load_ctx *c)
{
	sqlite3_stmt *st = c->fs->st[ST_LINE];

	for (size_t i = 0; i < c->out->lines.n; i++) {
		const struct line_row *r = &c->out->lines.v[i];

		if (i && r->lineno < c->out->lines.v[i - 1].lineno)
			c->fs->lines_unordered = true;

		bind_int(st, 1, c->input_id);
		bind_int(st, 2, ln(c, r->lineno));
		bind_cstr(st, 3, source_kind_name(r->kind));
		bind_int(st, 4, r->boot);
		if (r->has_ts)
			sqlite3_bind_double(st, 5, r->ts);
		bind_int(st, 6, r->ts_wall);
		bind_bdf(st, 7, r->has_bdf, &r->bdf);
		bind_opt(st, 8, r->source);
		bind_opt(st, 9, r->vm);
		bind_str(st, 10, r->text);
		bind_str(st, 11, r->msg.ptr ? r->msg : r->text);
		if (step(c->fs, st, c->err) < 0)
			return -1;
	}
	return 0;
}

static int load_device_caps(sqlite3_stmt *st, const struct device_row *d)
{
	const struct pci_caps *k = &d->caps;
	int i = 19;

	bind_int(st, i++, k->known);
	bind_int(st, i++, d->caps_denied);
	if (!k->known) {
		for (; i <= 42; i++)
			sqlite3_bind_null(st, i);
		return 0;
	}
	bind_int(st, i++, k->header_type);
	bind_int(st, i++, k->multifunction);
	bind_int(st, i++, k->has_pm);
	bind_opt_int(st, i++, k->has_pm && k->pm_state >= 0, k->pm_state);
	bind_opt_int(st, i++, k->has_pm, k->pm_no_soft_reset);
	bind_int(st, i++, k->has_msi);
	bind_opt_int(st, i++, k->has_msi, k->msi_enabled);
	bind_int(st, i++, k->has_msix);
	bind_opt_int(st, i++, k->has_msix, k->msix_enabled);
	bind_int(st, i++, k->has_pcie);
	bind_opt_int(st, i++, k->has_pcie, k->pcie_type);
	bind_opt_int(st, i++, k->has_pcie, k->flr);
	bind_opt_int(st, i++, k->has_af, k->af_flr);
	bind_opt_int(st, i++, k->has_pcie && k->link_speed, k->link_speed);
	bind_opt_int(st, i++, k->has_pcie && k->link_width, k->link_width);
	bind_opt_int(st, i++, k->has_pcie && k->link_speed_cap, k->link_speed_cap);
	bind_opt_int(st, i++, k->has_pcie && k->link_width_cap, k->link_width_cap);
	bind_int(st, i++, k->has_acs);
	bind_opt_int(st, i++, k->has_acs, k->acs_cap);
	bind_opt_int(st, i++, k->has_acs, k->acs_ctrl);
	bind_int(st, i++, k->has_rebar);
	bind_int(st, i++, k->has_sriov);
	return 0;
}

static int load_regions(const struct load_ctx *c, const struct device_row *d, int64_t dev_id)
{
	sqlite3_stmt *st = c->fs->st[ST_REGION];

	for (int i = 0; i < MAX_REGIONS; i++) {
		const struct pci_region *r = &d->regions[i];

		if (!r->present)
			continue;
		bind_int(st, 1, dev_id);
		bind_bdf(st, 2, true, &d->bdf);
		bind_int(st, 3, r->index);
		bind_opt_int(st, 4, r->has_addr, (int64_t)r->addr);
		bind_opt_int(st, 5, r->size > 0, (int64_t)r->size);
		bind_int(st, 6, r->is_io);
		bind_int(st, 7, r->is_64);
		bind_int(st, 8, r->is_pref);
		bind_int(st, 9, r->disabled);
		bind_int(st, 10, r->unassigned);
		if (step(c->fs, st, c->err) < 0)
			return -1;
	}
	st = c->fs->st[ST_REBAR];
	for (int i = 0; d->caps.known && i < d->caps.n_rebar && i < PCI_MAX_REBAR; i++) {
		const struct pci_rebar *r = &d->caps.rebar[i];

		bind_int(st, 1, dev_id);
		bind_bdf(st, 2, true, &d->bdf);
		bind_int(st, 3, r->bar);
		bind_opt_int(st, 4, r->current > 0, (int64_t)r->current);
		bind_int(st, 5, (int64_t)r->supported);
		if (step(c->fs, st, c->err) < 0)
			return -1;
	}
	return 0;
}

static int load_devices(const struct load_ctx *c)
{
	sqlite3_stmt *st = c->fs->st[ST_DEVICE];

	for (size_t i = 0; i < c->out->devices.n; i++) {
		const struct device_row *d = &c->out->devices.v[i];
		bool sysfs = str_eq_cstr(d->source, "sysfs");
		char vd[16];

		bind_int(st, 1, c->input_id);
		bind_lineno(c, st, 2, d->lineno);
		bind_bdf(st, 3, true, &d->bdf);
		bind_str(st, 4, d->source.len ? d->source : STR_LIT("lspci"));
		bind_opt_int(st, 5, d->has_class, d->class_code);
		bind_opt(st, 6, d->class_name);
		bind_opt(st, 7, d->vendor_name);
		bind_opt(st, 8, d->device_name);
		bind_opt_int(st, 9, d->has_ids, d->vendor);
		bind_opt_int(st, 10, d->has_ids, d->device);
		bind_opt_int(st, 11, d->has_subsys, d->subsys_vendor);
		bind_opt_int(st, 12, d->has_subsys, d->subsys_device);
		snprintf(vd, sizeof(vd), "%04x:%04x", d->vendor, d->device);
		bind_cstr(st, 13, d->has_ids ? vd : NULL);
		bind_opt_int(st, 14, d->rev >= 0, d->rev);
		bind_opt(st, 15, d->driver);
		bind_opt(st, 16, d->modules);
		bind_opt_int(st, 17, d->iommu_group >= 0, d->iommu_group);
		bind_opt_int(st, 18, sysfs || d->boot_vga, d->boot_vga);
		load_device_caps(st, d);
		if (step(c->fs, st, c->err) < 0)
			return -1;
		if (load_regions(c, d, sqlite3_last_insert_rowid(c->fs->db)) < 0)
			return -1;
	}
	return 0;
}

static int load_groups_tree_params(const struct load_ctx *c)
{
	sqlite3_stmt *st = c->fs->st[ST_GROUP];

	for (size_t i = 0; i < c->out->groups.n; i++) {
		const struct group_row *r = &c->out->groups.v[i];

		bind_int(st, 1, c->input_id);
		bind_lineno(c, st, 2, r->lineno);
		bind_int(st, 3, r->group);
		bind_bdf(st, 4, true, &r->bdf);
		if (step(c->fs, st, c->err) < 0)
			return -1;
	}
	st = c->fs->st[ST_TREE];
	for (size_t i = 0; i < c->out->tree.n; i++) {
		const struct tree_row *r = &c->out->tree.v[i];

		bind_int(st, 1, c->input_id);
		bind_lineno(c, st, 2, r->lineno);
		bind_bdf(st, 3, r->has_parent, &r->parent);
		bind_bdf(st, 4, true, &r->child);
		if (step(c->fs, st, c->err) < 0)
			return -1;
	}
	st = c->fs->st[ST_PARAM];
	for (size_t i = 0; i < c->out->params.n; i++) {
		const struct param_row *r = &c->out->params.v[i];

		bind_int(st, 1, c->input_id);
		bind_lineno(c, st, 2, r->lineno);
		bind_str(st, 3, r->origin.len ? r->origin : STR_LIT("cmdline"));
		bind_int(st, 4, r->order);
		bind_str(st, 5, r->key);
		if (r->has_value)
			bind_str(st, 6, r->value);
		if (step(c->fs, st, c->err) < 0)
			return -1;
	}
	return 0;
}

/* Flags as ' a b c ': single spaces, with a leading and trailing one, so that
 * `flags LIKE '% avx %'` works. */
static void join_flags(struct str flags, struct sbuf *sb)
{
	struct str w;

	sbuf_reset(sb);
	sbuf_addch(sb, ' ');
	if (!flags.len) /* a zeroed view: no pointer to step over */
		return;
	while (str_next_word(&flags, &w)) {
		sbuf_add_str(sb, w);
		sbuf_addch(sb, ' ');
	}
}

static int load_cpus(const struct load_ctx *c)
{
	sqlite3_stmt *st = c->fs->st[ST_CPU];
	struct sbuf sb;
	int ret = -1;

	sbuf_init(&sb, MAX_LINE_BYTES * 4);
	for (size_t i = 0; i < c->out->cpus.n; i++) {
		const struct cpu_row *r = &c->out->cpus.v[i];

		bind_int(st, 1, c->input_id);
		bind_lineno(c, st, 2, r->lineno);
		bind_opt(st, 3, r->vendor);
		bind_opt_int(st, 4, r->family >= 0, r->family);
		bind_opt_int(st, 5, r->model >= 0, r->model);
		bind_opt_int(st, 6, r->stepping >= 0, r->stepping);
		bind_opt(st, 7, r->model_name);
		join_flags(r->flags, &sb);
		bind_cstr(st, 8, r->flags.len ? sb.buf : NULL);
		bind_opt_int(st, 9, r->phys_bits >= 0, r->phys_bits);
		bind_opt_int(st, 10, r->virt_bits >= 0, r->virt_bits);
		bind_int(st, 11, r->hypervisor);
		bind_opt(st, 12, r->hypervisor_vendor);
		bind_opt_int(st, 13, r->ncpus >= 0, r->ncpus);
		if (step(c->fs, st, c->err) < 0)
			goto out;
	}
	ret = 0;
out:
	sbuf_release(&sb);
	return ret;
}

static int load_iomem(const struct load_ctx *c)
{
	sqlite3_stmt *st = c->fs->st[ST_IOMEM];
	int64_t *ids = NULL;
	int ret = -1;

	if (c->out->iomem.n)
		ids = xcalloc(c->out->iomem.n, sizeof(*ids));
	for (size_t i = 0; i < c->out->iomem.n; i++) {
		const struct iomem_row *r = &c->out->iomem.v[i];
		bool has_parent = r->parent >= 0 && (size_t)r->parent < i;

		bind_int(st, 1, c->input_id);
		bind_lineno(c, st, 2, r->lineno);
		bind_int(st, 3, (int64_t)r->start);
		bind_int(st, 4, (int64_t)r->end);
		bind_int(st, 5, r->depth);
		bind_opt_int(st, 6, has_parent, has_parent ? ids[r->parent] : 0);
		bind_opt(st, 7, r->name);
		if (step(c->fs, st, c->err) < 0)
			goto out;
		ids[i] = sqlite3_last_insert_rowid(c->fs->db);
	}
	ret = 0;
out:
	free(ids);
	return ret;
}

static int load_modules(const struct load_ctx *c)
{
	sqlite3_stmt *st = c->fs->st[ST_MODULE];

	for (size_t i = 0; i < c->out->modules.n; i++) {
		const struct module_row *r = &c->out->modules.v[i];

		bind_int(st, 1, c->input_id);
		bind_lineno(c, st, 2, r->lineno);
		bind_cstr(st, 3, c->path);
		bind_str(st, 4, r->directive);
		bind_opt(st, 5, r->module);
		bind_opt(st, 6, r->args);
		if (step(c->fs, st, c->err) < 0)
			return -1;
	}
	return 0;
}

static int load_vm_children(const struct load_ctx *c, const int64_t *ids)
{
	sqlite3_stmt *st = c->fs->st[ST_VM_OPT];
	size_t nvms = c->out->vms.n;

	for (size_t i = 0; i < c->out->vm_opts.n; i++) {
		const struct vm_opt_row *r = &c->out->vm_opts.v[i];

		if (r->vm >= nvms)
			continue;
		bind_int(st, 1, ids[r->vm]);
		bind_int(st, 2, c->input_id);
		bind_lineno(c, st, 3, r->lineno);
		bind_opt(st, 4, r->snapshot);
		bind_str(st, 5, r->key);
		bind_str(st, 6, r->value);
		if (step(c->fs, st, c->err) < 0)
			return -1;
	}
	st = c->fs->st[ST_HOSTDEV];
	for (size_t i = 0; i < c->out->hostdevs.n; i++) {
		const struct hostdev_row *r = &c->out->hostdevs.v[i];

		if (r->vm >= nvms)
			continue;
		bind_int(st, 1, ids[r->vm]);
		bind_int(st, 2, c->input_id);
		bind_lineno(c, st, 3, r->lineno);
		bind_opt(st, 4, r->snapshot);
		bind_opt(st, 5, r->name);
		bind_bdf(st, 6, r->has_bdf, &r->bdf);
		bind_opt_int(st, 7, r->has_bdf, r->bdf.func == PCIADDR_ALL_FUNCS);
		bind_opt(st, 8, r->mapping);
		bind_opt(st, 9, r->mdev);
		bind_opt(st, 10, r->romfile);
		bind_opt_int(st, 11, r->rombar >= 0, r->rombar);
		bind_opt_int(st, 12, r->pcie >= 0, r->pcie);
		bind_opt_int(st, 13, r->x_vga >= 0, r->x_vga);
		bind_opt_int(st, 14, r->multifunction >= 0, r->multifunction);
		bind_int(st, 15, r->managed);
		bind_opt(st, 16, r->raw);
		if (step(c->fs, st, c->err) < 0)
			return -1;
	}
	return 0;
}

static int load_vms(const struct load_ctx *c)
{
	sqlite3_stmt *st = c->fs->st[ST_VM];
	int64_t *ids;
	int ret = -1;

	if (!c->out->vms.n)
		return 0;
	ids = xcalloc(c->out->vms.n, sizeof(*ids));
	for (size_t i = 0; i < c->out->vms.n; i++) {
		const struct vm_row *r = &c->out->vms.v[i];

		bind_int(st, 1, c->input_id);
		bind_lineno(c, st, 2, r->lineno);
		bind_str(st, 3, r->id);
		bind_opt(st, 4, r->name);
		bind_opt(st, 5, r->flavour);
		if (step(c->fs, st, c->err) < 0)
			goto out;
		ids[i] = sqlite3_last_insert_rowid(c->fs->db);
	}
	ret = load_vm_children(c, ids);
out:
	free(ids);
	return ret;
}

static int load_roms(const struct load_ctx *c)
{
	sqlite3_stmt *st = c->fs->st[ST_ROM];
	struct pciaddr bdf;
	const char *base = c->path ? strrchr(c->path, '/') : NULL;
	/* roms/<dddd:bb:dd.f>.rom names its device; a romfile or loose image does not */
	bool has_bdf = base && pciaddr_find(str_from_cstr(base + 1), &bdf, NULL) &&
		       strncmp(c->path, "roms/", 5) == 0 && !strchr(c->path + 5, '/');

	for (size_t i = 0; i < c->out->roms.n; i++) {
		const struct rom_row *r = &c->out->roms.v[i];
		int k = 1;

		bind_int(st, k++, c->input_id);
		bind_cstr(st, k++, c->path);
		bind_bdf(st, k++, has_bdf, &bdf);
		bind_int(st, k++, r->image);
		bind_int(st, k++, (int64_t)r->offset);
		bind_int(st, k++, r->signature);
		bind_int(st, k++, r->sig_ok);
		bind_int(st, k++, r->has_pcir);
		bind_opt_int(st, k++, r->has_pcir, r->vendor);
		bind_opt_int(st, k++, r->has_pcir, r->device);
		bind_opt_int(st, k++, r->has_pcir, r->class_code);
		bind_opt_int(st, k++, r->has_pcir, r->code_type);
		bind_opt_int(st, k++, r->has_pcir, r->revision);
		bind_opt_int(st, k++, r->has_pcir, r->last);
		bind_opt_int(st, k++, r->has_pcir, (int64_t)r->length);
		bind_int(st, k++, r->is_efi);
		bind_opt_int(st, k++, r->is_efi, r->efi_subsystem);
		bind_opt_int(st, k++, r->is_efi, r->efi_machine);
		bind_opt_int(st, k++, r->is_efi, r->efi_compressed);
		bind_int(st, k++, r->checksum_ok);
		if (step(c->fs, st, c->err) < 0)
			return -1;
	}
	return 0;
}

static int load_kvs_warnings(const struct load_ctx *c)
{
	sqlite3_stmt *st = c->fs->st[ST_FACT];

	for (size_t i = 0; i < c->out->kvs.n; i++) {
		const struct kv_row *r = &c->out->kvs.v[i];

		bind_int(st, 1, c->input_id);
		bind_lineno(c, st, 2, r->lineno);
		bind_str(st, 3, r->scope);
		bind_opt(st, 4, r->subject);
		bind_str(st, 5, r->key);
		bind_str(st, 6, r->value);
		if (step(c->fs, st, c->err) < 0)
			return -1;
	}
	st = c->fs->st[ST_WARNING];
	for (size_t i = 0; i < c->out->warnings.n; i++) {
		const struct warning_row *r = &c->out->warnings.v[i];

		bind_int(st, 1, c->input_id);
		bind_lineno(c, st, 2, r->lineno);
		bind_cstr(st, 3, r->msg);
		if (step(c->fs, st, c->err) < 0)
			return -1;
	}
	if (c->out->warnings_dropped) {
		char msg[96];

		snprintf(msg, sizeof(msg), "%u more warnings not kept (limit %d)",
			 c->out->warnings_dropped, MAX_WARNINGS);
		bind_int(st, 1, c->input_id);
		bind_cstr(st, 3, msg);
		if (step(c->fs, st, c->err) < 0)
			return -1;
	}
	return 0;
}

int factstore_load(struct factstore *fs, int64_t input_id, const char *path, uint32_t line_base,
		   const struct parse_out *out, struct error *err)
{
	struct load_ctx c = { .fs = fs,
			      .input_id = input_id,
			      .path = path,
			      .base = line_base,
			      .out = out,
			      .err = err };
	int (*const steps[])(const struct load_ctx *) = {
		load_lines, load_devices, load_groups_tree_params,
		load_cpus,  load_iomem,	  load_modules,
		load_vms,   load_roms,	  load_kvs_warnings,
	};

	/* a read built the indexes and the `device` table from what was loaded then: the next
	 * read builds them again (the schema's part after INDEX_MARKER can be run twice) */
	fs->indexed = false;
	if (input_id < fs->last_loaded)
		fs->lines_unordered = true;
	fs->last_loaded = input_id;
	if (exec(fs, "BEGIN", err) < 0)
		return -1;
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++)
		if (steps[i](&c) < 0) {
			sqlite3_exec(fs->db, "ROLLBACK", NULL, NULL, NULL);
			return -1;
		}
	return exec(fs, "COMMIT", err);
}

/* ---- read-only queries ---- */

/* Allows reading and nothing else: no writes, ATTACH, PRAGMA, transactions or schema
 * changes, whatever the statement is. */
static int authorizer(void *ctx, int action, const char *a, const char *b, const char *c,
		      const char *d)
{
	(void)ctx;
	(void)a;
	(void)b;
	(void)c;
	(void)d;
	switch (action) {
	case SQLITE_SELECT:
	case SQLITE_READ:
	case SQLITE_FUNCTION:
	case SQLITE_RECURSIVE:
		return SQLITE_OK;
	default:
		return SQLITE_DENY;
	}
}

static bool only_blanks(const char *s)
{
	for (; s && *s; s++)
		if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r' && *s != ';')
			return false;
	return true;
}

static int prepare_readonly(struct factstore *fs, const char *sql, sqlite3_stmt **out,
			    struct error *err)
{
	sqlite3_stmt *st = NULL;
	const char *tail = NULL;
	int rc;

	if (strlen(sql) > MAX_LINE_BYTES * 8)
		return error_set(err, EXIT_USAGE, "SQL longer than %d bytes", MAX_LINE_BYTES * 8);
	sqlite3_set_authorizer(fs->db, authorizer, NULL);
	rc = sqlite3_prepare_v2(fs->db, sql, -1, &st, &tail);
	sqlite3_set_authorizer(fs->db, NULL, NULL);
	if (rc != SQLITE_OK) {
		if (rc == SQLITE_AUTH)
			return error_set(err, EXIT_USAGE, "SQL refused: only reading is allowed");
		return error_set(err, EXIT_USAGE, "SQL does not prepare: %s",
				 sqlite3_errmsg(fs->db));
	}
	if (!st)
		return error_set(err, EXIT_USAGE, "SQL is empty");
	if (!sqlite3_stmt_readonly(st) || !only_blanks(tail)) {
		sqlite3_finalize(st);
		return error_set(err, EXIT_USAGE, "SQL refused: %s",
				 only_blanks(tail) ? "only reading is allowed"
						   : "only one statement is allowed");
	}
	*out = st;
	return 0;
}

static int bind_params(struct factstore *fs, sqlite3_stmt *st, const struct fs_param *params,
		       size_t nparams, struct error *err)
{
	static const char prefixes[] = ":$@";

	for (size_t i = 0; i < nparams; i++) {
		int idx = 0;

		for (int p = 0; !idx && prefixes[p]; p++) {
			char name[128];

			snprintf(name, sizeof(name), "%c%s", prefixes[p], params[i].name);
			idx = sqlite3_bind_parameter_index(st, name);
		}
		if (!idx)
			continue; /* the query does not use it */
		if (sqlite3_bind_text64(st, idx, params[i].value.len ? params[i].value.ptr : "",
					params[i].value.len, SQLITE_STATIC,
					SQLITE_UTF8) != SQLITE_OK)
			return db_error(fs, err, "bind");
	}
	return 0;
}

static void column_value(sqlite3_stmt *st, int i, struct fs_value *v)
{
	memset(v, 0, sizeof(*v));
	switch (sqlite3_column_type(st, i)) {
	case SQLITE_INTEGER:
		v->type = FS_INT;
		v->i = sqlite3_column_int64(st, i);
		break;
	case SQLITE_FLOAT:
		v->type = FS_REAL;
		v->d = sqlite3_column_double(st, i);
		break;
	case SQLITE_NULL:
		v->type = FS_NULL;
		v->s = STR_NULL;
		break;
	default: {
		const unsigned char *t = sqlite3_column_text(st, i);

		v->type = FS_TEXT;
		v->s = str_from_mem(t ? (const char *)t : "", (size_t)sqlite3_column_bytes(st, i));
		break;
	}
	}
}

long factstore_query(struct factstore *fs, const char *sql, const struct fs_param *params,
		     size_t nparams, fs_row_fn row, void *ctx, struct error *err)
{
	sqlite3_stmt *st = NULL;
	char **names = NULL; /* copies: sqlite3_step() may re-prepare and free the originals */
	struct fs_value *vals = NULL;
	long n = -1;
	int ncols = 0, rc;

	if (ensure_indexes(fs, err) < 0 || prepare_readonly(fs, sql, &st, err) < 0)
		return -1;
	if (bind_params(fs, st, params, nparams, err) < 0)
		goto out;
	fs->steps = 0;
	fs->query_running = true;
	n = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (!names) {
			/* after the first step: a schema change re-prepares the statement there,
			 * which can change the columns and frees the names read before it */
			ncols = sqlite3_column_count(st);
			names = xcalloc((size_t)ncols + 1, sizeof(*names));
			vals = xcalloc((size_t)ncols + 1, sizeof(*vals));
			for (int i = 0; i < ncols; i++) {
				const char *name = sqlite3_column_name(st, i);

				names[i] = xstrdup(name ? name : "");
			}
		}
		for (int i = 0; i < ncols; i++)
			column_value(st, i, &vals[i]);
		n++;
		if (row && row(ctx, ncols, (const char *const *)names, vals) != 0)
			break;
	}
	fs->query_running = false;
	if (rc == SQLITE_INTERRUPT) {
		n = error_set(err, EXIT_LIMIT, "SQL stopped after about %d steps (limit)",
			      MAX_SQL_STEPS);
	} else if ((rc & 0xff) == SQLITE_NOMEM) {
		n = nomem_error(err, "query");
	} else if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		n = error_set(err, EXIT_USAGE, "SQL failed: %s", sqlite3_errmsg(fs->db));
	}
out:
	fs->query_running = false;
	for (int i = 0; names && i < ncols; i++)
		free(names[i]);
	free(names);
	free(vals);
	sqlite3_finalize(st);
	return n;
}

int factstore_check_sql(struct factstore *fs, const char *sql,
			void (*param)(void *ctx, const char *name), void *ctx, struct error *err)
{
	sqlite3_stmt *st = NULL;

	if (ensure_indexes(fs, err) < 0 || prepare_readonly(fs, sql, &st, err) < 0)
		return -1;
	for (int i = 1; param && i <= sqlite3_bind_parameter_count(st); i++) {
		const char *name = sqlite3_bind_parameter_name(st, i);

		if (name && name[0] && name[1])
			param(ctx, name + 1);
	}
	sqlite3_finalize(st);
	return 0;
}

/* ---- lines in order ---- */

static enum source_kind kind_of(const unsigned char *name, enum source_kind *cache_kind,
				const char **cache_name)
{
	if (!name)
		return SOURCE_UNKNOWN;
	if (*cache_name && strcmp(*cache_name, (const char *)name) == 0)
		return *cache_kind;
	*cache_kind = source_kind_from_name((const char *)name);
	*cache_name = source_kind_name(*cache_kind);
	return *cache_kind;
}

static struct str column_str(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	return str_from_mem(t ? (const char *)t : "", (size_t)sqlite3_column_bytes(st, i));
}

int factstore_each_line(struct factstore *fs, uint64_t kind_mask, fs_line_fn fn, void *ctx,
			struct error *err)
{
	struct sbuf sql;
	sqlite3_stmt *st = NULL;
	enum source_kind ck = SOURCE_UNKNOWN;
	const char *cn = NULL;
	int rc, nbind = 0, ret = -1;

	if (ensure_indexes(fs, err) < 0)
		return -1;
	sbuf_init(&sql, 4096);
	sbuf_addstr(&sql, "SELECT l.id, l.input_id, i.path, l.lineno, l.kind, l.boot, l.ts, l.bdf, "
			  "l.vm, l.text, l.msg FROM lines l JOIN inputs i ON i.id = l.input_id");
	if (kind_mask) {
		/* "+": not through lines_kind, which would read the rows out of id order and
		 * sort them all again; a scan in id order filters them as cheaply */
		sbuf_addstr(&sql, " WHERE +l.kind IN (");
		for (int k = 0; k < SOURCE_COUNT && k < 64; k++)
			if (kind_mask & (1ull << k))
				sbuf_addstr(&sql, nbind++ ? ",?" : "?");
		sbuf_addch(&sql, ')');
	}
	/* rows are inserted input by input; within one input in line order unless a parser
	 * emitted them otherwise, and only then is a sort needed */
	sbuf_addstr(&sql, fs->lines_unordered ? " ORDER BY l.input_id, l.lineno, l.id"
					      : " ORDER BY l.id");
	if (sqlite3_prepare_v2(fs->db, sql.buf, -1, &st, NULL) != SQLITE_OK) {
		db_error(fs, err, "lines");
		goto out;
	}
	for (int k = 0, b = 1; kind_mask && k < SOURCE_COUNT && k < 64; k++)
		if (kind_mask & (1ull << k))
			sqlite3_bind_text(st, b++, source_kind_name((enum source_kind)k), -1,
					  SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct fs_line l = {
			.id = sqlite3_column_int64(st, 0),
			.input_id = sqlite3_column_int64(st, 1),
			.path = (const char *)sqlite3_column_text(st, 2),
			.lineno = (uint32_t)sqlite3_column_int64(st, 3),
			.kind = kind_of(sqlite3_column_text(st, 4), &ck, &cn),
			.boot = sqlite3_column_int(st, 5),
			.has_ts = sqlite3_column_type(st, 6) != SQLITE_NULL,
			.ts = sqlite3_column_double(st, 6),
			.bdf = (const char *)sqlite3_column_text(st, 7),
			.vm = (const char *)sqlite3_column_text(st, 8),
		};

		l.text = column_str(st, 9);
		l.msg = column_str(st, 10);
		if (fn(ctx, &l) != 0)
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		db_error(fs, err, "lines");
		goto out;
	}
	ret = 0;
out:
	sqlite3_finalize(st);
	sbuf_release(&sql);
	return ret;
}

uint64_t factstore_row_count(struct factstore *fs)
{
	return fs->rows;
}
