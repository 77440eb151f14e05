/* ingest.c - tie the readers, classification, normalisation, paste splitting, parsers and
 * the fact store together: every INPUT argument becomes input rows plus their parsed rows.
 *
 * Data flow per file: reader (bundle/dir/loose) -> classify (path table, else content) ->
 * normalize (text) -> paste_split (loose text only) -> parser of the kind (or lines only)
 * -> fix-ups the path knows (boot, VM id, BDF) -> factstore_load (one transaction).
 */
#include "input/ingest.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/clock.h"
#include "common/limits.h"
#include "common/sbuf.h"
#include "facts/factstore.h"
#include "input/classify.h"
#include "input/manifest.h"
#include "input/paste.h"
#include "input/reader.h"
#include "input/sysfs.h"

struct pending_dev {
	struct pciaddr bdf;
	VEC(struct sysfs_attr) attrs;
};

struct sysfs_pending {
	struct arena arena;
	VEC(struct pending_dev) devs;
};

/* One bundle (archive or directory) at a time: its members and what its manifest claims,
 * compared once the whole bundle is read (manifest_check). */
struct bundle_check {
	bool active, has_manifest;
	struct arena arena; /* member paths */
	VEC(struct manifest_member) members;
	struct manifest_claims claims;
};

void ingest_init(struct ingest *ing, struct factstore *fs)
{
	memset(ing, 0, sizeof(*ing));
	arena_init(&ing->arena);
	ing->fs = fs;
	ing->pending = xcalloc(1, sizeof(*ing->pending));
	arena_init(&ing->pending->arena);
	ing->check = xcalloc(1, sizeof(*ing->check));
	arena_init(&ing->check->arena);
	manifest_claims_init(&ing->check->claims);
}

static void check_clear(struct bundle_check *bc)
{
	VEC_FREE(&bc->members);
	arena_release(&bc->arena);
	arena_init(&bc->arena);
	manifest_claims_release(&bc->claims);
	manifest_claims_init(&bc->claims);
	bc->active = bc->has_manifest = false;
}

static void pending_clear(struct sysfs_pending *p)
{
	for (size_t i = 0; i < p->devs.n; i++)
		VEC_FREE(&p->devs.v[i].attrs);
	VEC_FREE(&p->devs);
	arena_release(&p->arena);
	arena_init(&p->arena);
}

void ingest_release(struct ingest *ing)
{
	if (ing->pending) {
		pending_clear(ing->pending);
		free(ing->pending);
	}
	if (ing->check) {
		check_clear(ing->check);
		manifest_claims_release(&ing->check->claims);
		arena_release(&ing->check->arena);
		free(ing->check);
	}
	VEC_FREE(&ing->records);
	VEC_FREE(&ing->warnings);
	arena_release(&ing->arena);
	memset(ing, 0, sizeof(*ing));
}

static void add_warning(struct ingest *ing, const char *path, uint32_t line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void add_warning(struct ingest *ing, const char *path, uint32_t line, const char *fmt, ...)
{
	struct ingest_warning *w;
	struct error ignored = { 0 };
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (ing->warnings.n >= MAX_WARNINGS)
		return;
	w = VEC_PUSH(&ing->warnings);
	w->path = path ? arena_strdup(&ing->arena, path) : NULL;
	w->line = line;
	w->message = arena_strdup(&ing->arena, msg);
	/* a store failure here would also fail the next load, which reports it */
	factstore_add_warning(ing->fs, 0, line, msg, &ignored);
}

/* Everything a part needs besides its text. */
struct part {
	const char *path;
	struct classification c;
	uint32_t first_line, last_line;
	const char *marker; /* paste marker name or NULL */
	struct str command; /* prompt command */
	uint64_t bytes;
	const struct normalize_stats *norm; /* report normalisation on this part (first only) */
};

static void norm_warnings(struct parse_out *out, const struct normalize_stats *n)
{
	struct sbuf sb;

	if (!n || !normalize_changes(n))
		return;
	if (n->nuls)
		parse_warn(out, 0, "%u NUL bytes replaced by spaces", n->nuls);
	if (normalize_changes(n) == n->nuls)
		return;
	sbuf_init(&sb, 512);
	sbuf_addstr(&sb, "text normalised:");
	if (n->bom)
		sbuf_addstr(&sb, " byte-order mark dropped;");
	if (n->crlf)
		sbuf_addf(&sb, " %u CRLF line ends;", n->crlf);
	if (n->quotes)
		sbuf_addf(&sb, " %u typographic quotes;", n->quotes);
	if (n->spaces)
		sbuf_addf(&sb, " %u non-breaking or Unicode spaces;", n->spaces);
	if (n->zero_width)
		sbuf_addf(&sb, " %u zero-width characters;", n->zero_width);
	if (n->ansi)
		sbuf_addf(&sb, " %u terminal colour sequences;", n->ansi);
	sb.buf[--sb.len] = '\0';
	parse_warn(out, 0, "%s", sb.buf);
	sbuf_release(&sb);
}

/* What the path or command knows and the parser cannot: boot, VM, the device's address. */
static void fixup(struct parse_out *out, const struct classification *c)
{
	if (c->boot)
		for (size_t i = 0; i < out->lines.n; i++)
			out->lines.v[i].boot = (int8_t)c->boot;
	if (c->vm[0]) {
		struct str vm = arena_str(&out->arena, str_from_cstr(c->vm));

		for (size_t i = 0; i < out->vms.n; i++)
			if (!out->vms.v[i].id.len)
				out->vms.v[i].id = vm;
		if (c->kind == SOURCE_LIBVIRT_LOG || c->kind == SOURCE_QEMU_LOG ||
		    c->kind == SOURCE_PVE_TASK)
			for (size_t i = 0; i < out->lines.n; i++)
				if (!out->lines.v[i].vm.len)
					out->lines.v[i].vm = vm;
	}
	if (c->has_bdf && c->kind == SOURCE_PCI_CONFIG)
		for (size_t i = 0; i < out->devices.n; i++) {
			out->devices.v[i].bdf = c->bdf;
			if (!out->devices.v[i].source.len)
				out->devices.v[i].source = STR_LIT("config");
		}
	/* config space bytes do not say whose they are: without an address from the path
	 * the device row would claim 0000:00:00.0 */
	if (!c->has_bdf && c->kind == SOURCE_PCI_CONFIG && out->devices.n) {
		out->devices.n = 0;
		parse_warn(out, 0,
			   "PCI config space of unknown address (name the file after "
			   "its device, e.g. 0000:01:00.0-config): its device row is left out");
	}
}

/* Records, dumps and loads a parsed part. */
static int store_part(struct ingest *ing, const struct part *p, struct parse_out *out,
		      struct error *err)
{
	struct ingest_record *rec;
	uint64_t before = factstore_row_count(ing->fs);
	double t0;
	int64_t id;

	if (ing->records.n >= (size_t)MAX_ROWS)
		return error_set(err, EXIT_LIMIT, "more than %d inputs and parts, refusing",
				 MAX_ROWS);
	norm_warnings(out, p->norm);
	rec = VEC_PUSH(&ing->records);
	rec->path = arena_strdup(&ing->arena, p->path);
	rec->origin = ing->origin;
	rec->kind = p->c.kind;
	rec->confidence = p->c.confidence;
	rec->how = p->c.how ? p->c.how : "default";
	rec->command = p->command.len ? arena_str(&ing->arena, p->command).ptr : NULL;
	rec->part = p->marker;
	rec->first_line = p->first_line;
	rec->last_line = p->last_line;
	rec->bytes = p->bytes;
	rec->boot = p->c.boot;
	rec->runner_up = p->c.runner_up;
	rec->runner_up_confidence = p->c.runner_up_confidence;
	if (ing->on_part)
		ing->on_part(ing->on_part_ctx, rec, out);
	t0 = clock_ms();
	id = factstore_add_input(ing->fs, p->path, p->c.kind, p->c.confidence, p->first_line,
				 p->last_line, p->bytes, p->c.boot, ing->origin, err);
	if (id < 0 || factstore_load(ing->fs, id, p->path, p->first_line ? p->first_line - 1 : 0,
				     out, err) < 0)
		return -1;
	ing->stats.store_ms += clock_ms() - t0;
	/* records may move as the vector grows: index again */
	rec = &ing->records.v[ing->records.n - 1];
	rec->input_id = id;
	rec->rows = factstore_row_count(ing->fs) - before;
	ing->stats.parts++;
	return 0;
}

/* Parses text (or binary bytes) as p->c.kind and loads it. */
static int parse_part(struct ingest *ing, const struct part *p, struct str text, bool binary,
		      struct error *err)
{
	const struct parser *parser = parser_for_kind(p->c.kind);
	struct parse_out out;
	struct error perr = { 0 };
	double t0 = clock_ms();
	int ret;

	parse_out_init(&out);
	if (parser && parser->parse) {
		if (parser->parse(text, &out, &perr) < 0) {
			/* one input a parser gives up on does not end the run: keep its lines */
			parse_out_release(&out);
			parse_out_init(&out);
			if (!binary)
				lines_split(text, p->c.kind, &out, &perr);
			parse_warn(&out, 0, "%s parser failed (%s): kept as plain lines",
				   source_kind_name(p->c.kind), perr.msg);
		}
	} else if (!binary) {
		/* no parser for this kind yet: its lines still reach the matcher */
		lines_split(text, p->c.kind, &out, &perr);
	}
	fixup(&out, &p->c);
	ing->stats.parse_ms += clock_ms() - t0;
	ret = store_part(ing, p, &out, err);
	parse_out_release(&out);
	return ret;
}

static uint32_t count_lines(struct str text)
{
	struct str line;
	uint32_t n = 0;

	while (str_next_line(&text, &line))
		n++;
	return n;
}

/* A loose file's name may be a bundle-layout path ("/sys/bus/pci/devices/0000:01:00.0/config",
 * "/etc/pve/qemu-server/103.conf"): when the content agrees with the path's kind, the path
 * adds what it knows (address, VM, boot). */
static void ids_from_name(const char *name, struct classification *c)
{
	for (const char *p = name; p && *p; p = strchr(p, '/') ? strchr(p, '/') + 1 : NULL) {
		struct classification by_path;

		if (*p == '/' || !classify_path(p, &by_path) || by_path.kind != c->kind)
			continue;
		if (by_path.has_bdf && !c->has_bdf) {
			c->has_bdf = true;
			c->bdf = by_path.bdf;
		}
		if (by_path.vm[0] && !c->vm[0])
			memcpy(c->vm, by_path.vm, sizeof(c->vm));
		if (by_path.boot && !c->boot)
			c->boot = by_path.boot;
		return;
	}
}

/* A loose file named like its kind says more: "103.conf" is VM 103. */
static void vm_from_name(const char *name, struct classification *c)
{
	const char *base = strrchr(name, '/');
	size_t n;

	base = base ? base + 1 : name;
	n = strspn(base, "0123456789");
	if (c->kind == SOURCE_PVE_CONF && !c->vm[0] && n > 0 && n < 12 &&
	    strcmp(base + n, ".conf") == 0)
		snprintf(c->vm, sizeof(c->vm), "%.*s", (int)n, base);
}

static void classify_part(const struct paste_part *pp, struct classification *c)
{
	struct classification by_sniff, mention;

	if (pp->command.len && classify_command(pp->command, c)) {
		if (c->kind != SOURCE_TEXT)
			return;
	}
	memset(&by_sniff, 0, sizeof(by_sniff));
	classify_content(pp->text, &by_sniff);
	if (pp->marker == PASTE_PROSE && by_sniff.confidence < 80) {
		memset(c, 0, sizeof(*c));
		c->kind = SOURCE_TEXT;
		c->how = "prose";
		return;
	}
	if (pp->context.len && classify_mentioned_path(pp->context, &mention) &&
	    (mention.kind == by_sniff.kind || by_sniff.confidence < 50)) {
		*c = mention;
		if (by_sniff.kind == mention.kind && by_sniff.confidence > c->confidence)
			c->confidence = by_sniff.confidence;
		return;
	}
	*c = by_sniff;
}

/* Text of unknown origin: normalise, split when it is a paste, classify each part. */
static int load_text(struct ingest *ing, const char *name, struct str data,
		     const struct classification *by_path, struct arena *scratch, struct error *err)
{
	struct normalize_stats norm;
	struct paste paste;
	double t0 = clock_ms();
	struct str text = normalize_text(scratch, data, &norm);
	int ret = 0;

	ing->stats.norm.bom += norm.bom;
	ing->stats.norm.crlf += norm.crlf;
	ing->stats.norm.quotes += norm.quotes;
	ing->stats.norm.spaces += norm.spaces;
	ing->stats.norm.zero_width += norm.zero_width;
	ing->stats.norm.nuls += norm.nuls;
	ing->stats.norm.ansi += norm.ansi;
	if (by_path) {
		struct part p = { .path = name, .c = *by_path, .bytes = data.len, .norm = &norm };

		p.first_line = text.len ? 1 : 0;
		p.last_line = count_lines(text);
		ing->stats.parse_ms += clock_ms() - t0;
		return parse_part(ing, &p, text, false, err);
	}
	paste_split(text, &paste);
	ing->stats.parse_ms += clock_ms() - t0;
	if (paste.merged)
		add_warning(ing, name, 0, "more than %d paste parts, the rest merged into the last",
			    MAX_PASTE_PARTS);
	for (size_t i = 0; i < paste.parts.n && ret == 0; i++) {
		const struct paste_part *pp = &paste.parts.v[i];
		struct part p = { .path = name,
				  .first_line = pp->first_line,
				  .last_line = pp->last_line,
				  .bytes = pp->text.len,
				  .norm = i == 0 ? &norm : NULL };

		t0 = clock_ms();
		if (paste.split) {
			classify_part(pp, &p.c);
			p.marker = paste_marker_name(pp->marker);
			p.command = pp->command;
		} else {
			classify_content(pp->text, &p.c);
		}
		if (!paste.split)
			ids_from_name(name, &p.c);
		vm_from_name(name, &p.c);
		if (p.c.kind == SOURCE_UNKNOWN || p.c.confidence == 0) {
			if (!paste.split && data.len > 0)
				add_warning(
					ing, name, 0,
					"not a recognised kind of file, kept as plain text lines");
			p.c.kind = SOURCE_TEXT;
			p.c.confidence = 0;
		}
		ing->stats.parse_ms += clock_ms() - t0;
		ret = parse_part(ing, &p, pp->text, false, err);
	}
	paste_release(&paste);
	return ret;
}

/* A ROM whose header is the problem (0xcffa, 0xffff) has no signature to sniff: "vbios.rom",
 * "12-n100-q10.rom" by name; "gpu-3060.bin" (a name many other files have) only when it opens
 * with the 55 aa signature and only its PCIR structure is damaged. */
static bool rom_named(const char *name, struct str data)
{
	size_t n = strlen(name);

	if (data.len > MAX_ROM_BYTES || (data.len >= 4 && memcmp(data.ptr,
								 "\x7f"
								 "ELF",
								 4) == 0))
		return false;
	if (n > 4 && strcasecmp(name + n - 4, ".rom") == 0)
		return true;
	return n > 4 && strcasecmp(name + n - 4, ".bin") == 0 && data.len >= 2 &&
	       (uint8_t)data.ptr[0] == 0x55 && (uint8_t)data.ptr[1] == 0xaa;
}

/* Content of no known path: binary (ROM, config space) or text (file, paste). */
static int load_by_content(struct ingest *ing, const char *name, struct str data, bool fatal,
			   struct arena *scratch, struct error *err)
{
	struct part p = { .path = name, .bytes = data.len };

	if (!classify_is_binary(data))
		return load_text(ing, name, data, NULL, scratch, err);
	classify_content(data, &p.c);
	ids_from_name(name, &p.c);
	if (!p.c.has_bdf && p.c.kind == SOURCE_PCI_CONFIG) {
		const char *base = strrchr(name, '/');

		/* "0000:01:00.0-config", "01:00.0.cfg": an address in the file name */
		p.c.has_bdf = pciaddr_find(str_from_cstr(base ? base + 1 : name), &p.c.bdf, NULL);
	}
	if ((p.c.kind == SOURCE_UNKNOWN || p.c.confidence == 0) && rom_named(name, data)) {
		p.c.kind = SOURCE_ROM;
		p.c.confidence = 50;
		p.c.how = "name";
	}
	if (p.c.kind == SOURCE_UNKNOWN || p.c.confidence == 0) {
		if (fatal)
			return error_set(
				err, EXIT_INPUT,
				"'%s': binary data of no known kind (not a bundle, option ROM or PCI config space)",
				name);
		add_warning(ing, name, 0, "binary data of no known kind, skipping");
		return 0;
	}
	return parse_part(ing, &p, data, true, err);
}

static int load_kv(struct ingest *ing, const char *path, struct str data,
		   const struct classification *c, struct error *err)
{
	struct part p = { .path = path, .c = *c, .bytes = data.len };
	struct parse_out out;
	struct str value = str_trim(data);
	struct kv_row *kv;
	int ret;

	parse_out_init(&out);
	if (value.len > MAX_LINE_BYTES)
		value.len = MAX_LINE_BYTES;
	kv = VEC_PUSH(&out.kvs);
	kv->lineno = 1;
	kv->scope = str_from_cstr(c->scope);
	kv->subject = str_from_cstr(c->subject);
	kv->key = str_from_cstr(c->key);
	kv->value = value;
	p.first_line = data.len ? 1 : 0;
	p.last_line = count_lines(data);
	ret = store_part(ing, &p, &out, err);
	parse_out_release(&out);
	return ret;
}

/* cmd/vfio-holders: "/dev/vfio/14 pid=1234 comm=kvm" or "/dev/vfio/14 free", one a line. */
static int load_holders(struct ingest *ing, const char *path, struct str data,
			const struct classification *c, struct error *err)
{
	struct part p = { .path = path, .c = *c, .bytes = data.len };
	struct parse_out out;
	struct error ignored = { 0 };
	int ret;

	parse_out_init(&out);
	lines_split(data, SOURCE_KV, &out, &ignored);
	for (size_t i = 0; i < out.lines.n && out.kvs.n < MAX_ROWS; i++) {
		struct str rest = out.lines.v[i].text, dev;
		struct kv_row *kv;

		if (!str_next_word(&rest, &dev) || !str_starts_with(dev, "/dev/vfio/"))
			continue;
		kv = VEC_PUSH(&out.kvs);
		kv->lineno = out.lines.v[i].lineno;
		kv->scope = STR_LIT("vfio");
		kv->subject = dev;
		kv->key = STR_LIT("holder");
		kv->value = str_trim(rest);
	}
	p.first_line = data.len ? 1 : 0;
	p.last_line = (uint32_t)out.lines.n;
	ret = store_part(ing, &p, &out, err);
	parse_out_release(&out);
	return ret;
}

static int load_manifest(struct ingest *ing, const char *path, struct str data,
			 const struct classification *c, struct error *err)
{
	struct part p = { .path = path, .c = *c, .bytes = data.len };
	struct parse_out out;
	struct error merr = { 0 };
	int ret;

	parse_out_init(&out);
	if (manifest_rows(data, &out, ing->check->active ? &ing->check->claims : NULL, &merr) < 0)
		parse_warn(&out, 0, "%s, its item statuses are unknown", merr.msg);
	else
		ing->check->has_manifest = ing->check->active;
	p.first_line = data.len ? 1 : 0;
	p.last_line = count_lines(data);
	ret = store_part(ing, &p, &out, err);
	parse_out_release(&out);
	return ret;
}

static int load_group(struct ingest *ing, const char *path, struct str data,
		      const struct classification *c, struct error *err)
{
	struct part p = { .path = path, .c = *c, .bytes = data.len };
	struct parse_out out;
	uint64_t group;
	int ret;

	if (!str_to_u64(str_from_cstr(c->group), 10, 0, INT32_MAX, &group)) {
		add_warning(ing, path, 0, "IOMMU group directory is not a number, skipping");
		return 0;
	}
	parse_out_init(&out);
	sysfs_group_rows((int32_t)group, data, &out);
	p.first_line = data.len ? 1 : 0;
	p.last_line = count_lines(data);
	ret = store_part(ing, &p, &out, err);
	parse_out_release(&out);
	return ret;
}

static void pend_attr(struct ingest *ing, const struct classification *c, struct str data)
{
	struct sysfs_pending *pd = ing->pending;
	struct pending_dev *dev = NULL;
	struct sysfs_attr *a;

	for (size_t i = pd->devs.n; i-- > 0;)
		if (pciaddr_eq(&pd->devs.v[i].bdf, &c->bdf)) {
			dev = &pd->devs.v[i];
			break;
		}
	if (!dev) {
		dev = VEC_PUSH(&pd->devs);
		dev->bdf = c->bdf;
	}
	a = VEC_PUSH(&dev->attrs);
	a->name = arena_strdup(&pd->arena, c->attr);
	a->value = arena_str(&pd->arena, data);
}

static int flush_sysfs(struct ingest *ing, struct error *err)
{
	struct sysfs_pending *pd = ing->pending;
	int ret = 0;

	for (size_t i = 0; i < pd->devs.n && ret == 0; i++) {
		struct pending_dev *dev = &pd->devs.v[i];
		char bdf[PCIADDR_STR_MAX], path[64];
		struct part p = { .path = path };
		struct parse_out out;

		snprintf(path, sizeof(path), "sys/bus/pci/devices/%s",
			 pciaddr_format(&dev->bdf, bdf));
		p.c.kind = SOURCE_SYSFS_ATTR;
		p.c.confidence = 100;
		p.c.how = "path";
		for (size_t k = 0; k < dev->attrs.n; k++)
			p.bytes += dev->attrs.v[k].value.len;
		parse_out_init(&out);
		sysfs_device_rows(&dev->bdf, dev->attrs.v, dev->attrs.n, &out);
		ret = store_part(ing, &p, &out, err);
		parse_out_release(&out);
	}
	pending_clear(pd);
	return ret;
}

/* One file of a bundle or bundle directory. */
static int sink_file(void *ctx, const char *path, struct str data, struct error *err)
{
	struct ingest *ing = ctx;
	struct classification c;
	struct arena scratch;
	int ret;

	ing->stats.files++;
	ing->stats.bytes += data.len;
	if (ing->check->active && ing->check->members.n < MAX_ENTRIES)
		manifest_member_set(VEC_PUSH(&ing->check->members),
				    arena_strdup(&ing->check->arena, path), data);
	if (!classify_path(path, &c)) {
		arena_init(&scratch);
		ret = load_by_content(ing, path, data, false, &scratch, err);
		arena_release(&scratch);
		return ret;
	}
	switch (c.role) {
	case ROLE_SYSFS_ATTR:
		pend_attr(ing, &c, data);
		return 0;
	case ROLE_IOMMU_GROUP:
		return load_group(ing, path, data, &c, err);
	case ROLE_KV:
		return load_kv(ing, path, data, &c, err);
	case ROLE_VFIO_HOLDERS:
		return load_holders(ing, path, data, &c, err);
	case ROLE_MANIFEST:
		return load_manifest(ing, path, data, &c, err);
	case ROLE_PARSE:
		break;
	}
	if (c.kind == SOURCE_ROM || c.kind == SOURCE_PCI_CONFIG) {
		struct part p = { .path = path, .c = c, .bytes = data.len };

		return parse_part(ing, &p, data, true, err);
	}
	arena_init(&scratch);
	ret = load_text(ing, path, data, &c, &scratch, err);
	arena_release(&scratch);
	return ret;
}

/* Archive member names are hostile: control characters are shown as '?', length capped. */
static void sink_warn(void *ctx, const char *path, const char *msg)
{
	struct ingest *ing = ctx;
	char name[256];
	size_t n = 0;

	for (; path && path[n] && n + 1 < sizeof(name); n++)
		name[n] = (unsigned char)path[n] < 0x20 || path[n] == 0x7f ? '?' : path[n];
	name[n] = '\0';
	add_warning(ing, ing->origin, 0, "'%s'%s: %s", name, path && path[n] ? "..." : "", msg);
}

static void check_warn(void *ctx, const char *msg)
{
	struct ingest *ing = ctx;

	add_warning(ing, ing->origin, 0, "%s", msg);
}

static void check_begin(struct ingest *ing)
{
	check_clear(ing->check);
	ing->check->active = true;
}

/* After a bundle was read whole: its manifest's claims against its members. */
static void check_end(struct ingest *ing, int ret)
{
	struct bundle_check *bc = ing->check;

	if (ret == 0 && bc->has_manifest)
		manifest_check(&bc->claims, bc->members.v, bc->members.n, check_warn, ing);
	check_clear(bc);
}

static int read_bundle(struct ingest *ing, const char *file, const struct str *mem,
		       struct error *err)
{
	struct file_sink sink = {
		.file = sink_file, .warn = sink_warn, .ctx = ing, .total_bytes = &ing->total_bytes
	};
	int ret;

	check_begin(ing);
	ret = mem ? bundle_read_memory(*mem, file, &sink, err) : bundle_read_file(file, &sink, err);
	if (ret == 0)
		ret = flush_sysfs(ing, err);
	else
		pending_clear(ing->pending);
	check_end(ing, ret);
	return ret;
}

static int load_loose(struct ingest *ing, const char *name, struct str data, struct error *err)
{
	struct arena scratch;
	int ret;

	if (bundle_is_archive(data))
		return read_bundle(ing, name, &data, err);
	/* standard input is read up to MAX_TOTAL_BYTES since it may be an archive; as a text it
	 * is one file, and gets the cap of one */
	if (data.len > MAX_ENTRY_BYTES)
		return error_set(err, EXIT_LIMIT, "'%s' is larger than %u bytes, refusing",
				 strcmp(name, "-") == 0 ? "standard input" : name, MAX_ENTRY_BYTES);
	ing->total_bytes += data.len;
	if (ing->total_bytes > MAX_TOTAL_BYTES)
		return error_set(err, EXIT_LIMIT,
				 "'%s': inputs hold more than %u bytes in all, refusing", name,
				 MAX_TOTAL_BYTES);
	ing->stats.files++;
	ing->stats.bytes += data.len;
	arena_init(&scratch);
	ret = load_by_content(ing, name, data, true, &scratch, err);
	arena_release(&scratch);
	return ret;
}

int ingest_buffer(struct ingest *ing, const char *name, struct str data, struct error *err)
{
	double t0 = clock_ms(), parse0 = ing->stats.parse_ms, store0 = ing->stats.store_ms;
	int ret;

	ing->origin = arena_strdup(&ing->arena, name);
	ret = load_loose(ing, name, data, err);
	ing->stats.read_ms +=
		(clock_ms() - t0) - (ing->stats.parse_ms - parse0) - (ing->stats.store_ms - store0);
	return ret;
}

int ingest_member(struct ingest *ing, const char *path, struct str data, struct error *err)
{
	double t0 = clock_ms(), parse0 = ing->stats.parse_ms, store0 = ing->stats.store_ms;
	struct classification c;
	int ret;

	if (!classify_path(path, &c))
		return 0;
	if (data.len > MAX_ENTRY_BYTES)
		return error_set(err, EXIT_LIMIT, "'%s': more than %u bytes, refusing", path,
				 MAX_ENTRY_BYTES);
	ing->total_bytes += data.len;
	if (ing->total_bytes > MAX_TOTAL_BYTES)
		return error_set(err, EXIT_LIMIT,
				 "'%s': inputs hold more than %u bytes in all, refusing", path,
				 MAX_TOTAL_BYTES);
	ing->origin = arena_strdup(&ing->arena, path);
	ret = sink_file(ing, path, data, err);
	ing->stats.read_ms +=
		(clock_ms() - t0) - (ing->stats.parse_ms - parse0) - (ing->stats.store_ms - store0);
	return ret < 0 ? -1 : 1;
}

int ingest_flush(struct ingest *ing, struct error *err)
{
	return flush_sysfs(ing, err);
}

static bool peek_archive(const char *path)
{
	char head[512];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return false;
	n = read(fd, head, sizeof(head));
	close(fd);
	return n > 0 && bundle_is_archive(str_from_mem(head, (size_t)n));
}

static int add_path(struct ingest *ing, const char *arg, struct error *err)
{
	struct file_sink sink = {
		.file = sink_file, .warn = sink_warn, .ctx = ing, .total_bytes = &ing->total_bytes
	};
	struct stat st;
	char *buf = NULL;
	size_t len = 0;
	int ret;

	if (strcmp(arg, "-") != 0 && stat(arg, &st) != 0)
		return error_set(err, EXIT_INPUT, "cannot open '%s': %s", arg, strerror(errno));
	if (strcmp(arg, "-") != 0 && S_ISDIR(st.st_mode)) {
		check_begin(ing);
		ret = dir_read(arg, &sink, err);
		if (ret == 0)
			ret = flush_sysfs(ing, err);
		else
			pending_clear(ing->pending);
		check_end(ing, ret);
		return ret;
	}
	if (strcmp(arg, "-") != 0 && S_ISREG(st.st_mode) && peek_archive(arg))
		return read_bundle(ing, arg, NULL, err);
	if (loose_read(arg, strcmp(arg, "-") == 0 ? MAX_TOTAL_BYTES : MAX_ENTRY_BYTES, &buf, &len,
		       err) < 0)
		return -1;
	ret = load_loose(ing, strcmp(arg, "-") == 0 ? "-" : arg, str_from_mem(buf, len), err);
	free(buf);
	return ret;
}

int ingest_add(struct ingest *ing, const char *arg, struct error *err)
{
	double t0 = clock_ms(), parse0 = ing->stats.parse_ms, store0 = ing->stats.store_ms;
	int ret;

	size_t first = ing->records.n;
	uint64_t bytes = 0;

	ing->origin = arena_strdup(&ing->arena, arg);
	ret = add_path(ing, arg, err);
	for (size_t i = first; i < ing->records.n; i++)
		bytes += ing->records.v[i].bytes;
	if (ret == 0 && bytes == 0) {
		ing->empty_inputs++;
		add_warning(ing, strcmp(arg, "-") == 0 ? "standard input" : arg, 0,
			    "holds nothing to read (an empty file, directory or archive)");
	}
	ing->stats.read_ms +=
		(clock_ms() - t0) - (ing->stats.parse_ms - parse0) - (ing->stats.store_ms - store0);
	return ret;
}
