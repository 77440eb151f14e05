/* manifest.c - render manifest.json: run facts, redaction summary, one record per item. */
#include "manifest.h"

#include <stdlib.h>
#include <string.h>

#include "common/banned.h"
#include "common/json_write.h"
#include "common/xalloc.h"
#include "redact.h"

void manifest_init(struct manifest *m)
{
	memset(m, 0, sizeof(*m));
}

void manifest_release(struct manifest *m)
{
	for (size_t i = 0; i < m->items.n; i++) {
		free(m->items.v[i].source);
		free(m->items.v[i].path);
		free(m->items.v[i].reason);
	}
	VEC_FREE(&m->items);
	free(m->created_utc);
	free(m->kernel_release);
	free(m->hostname_token);
}

struct manifest_item *manifest_add(struct manifest *m, const char *source, const char *path,
				   enum item_status status, const char *reason)
{
	struct manifest_item *it = VEC_PUSH(&m->items);

	it->source = xstrdup(source);
	it->path = path ? xstrdup(path) : NULL;
	it->status = status;
	it->reason = reason && *reason ? xstrdup(reason) : NULL;
	it->exit_code = -1;
	return it;
}

size_t manifest_count(const struct manifest *m, enum item_status status)
{
	size_t n = 0;

	for (size_t i = 0; i < m->items.n; i++)
		n += m->items.v[i].status == status;
	return n;
}

static void write_item(struct sbuf *out, const struct manifest_item *it)
{
	bool first = true;

	sbuf_addch(out, '{');
	json_key(out, &first, "source");
	json_write_cstr(out, it->source);
	json_key(out, &first, "path");
	json_write_cstr(out, it->path);
	json_key(out, &first, "status");
	json_write_cstr(out, item_status_name(it->status));
	json_key(out, &first, "reason");
	json_write_cstr(out, it->reason);
	json_key(out, &first, "exit_code");
	if (it->exit_code >= 0)
		json_write_i64(out, it->exit_code);
	else
		sbuf_addstr(out, "null");
	json_key(out, &first, "duration_ms");
	json_write_i64(out, it->duration_ms);
	json_key(out, &first, "bytes");
	json_write_u64(out, it->bytes);
	json_key(out, &first, "sha256");
	json_write_cstr(out, it->sha256[0] ? it->sha256 : NULL);
	sbuf_addch(out, '}');
}

/* A top-level key on its own line: ,\n  "key": */
static void top_key(struct sbuf *out, bool *first, const char *key)
{
	json_sep(out, first);
	sbuf_addstr(out, "\n  ");
	json_write_cstr(out, key);
	sbuf_addch(out, ':');
}

void manifest_write(const struct manifest *m, const struct redact *r, struct sbuf *out)
{
	bool first = true, f2;

	sbuf_addch(out, '{');
	top_key(out, &first, "format_version");
	json_write_u64(out, MANIFEST_FORMAT);
	top_key(out, &first, "collector_version");
	json_write_cstr(out, VD_VERSION);
	top_key(out, &first, "created_utc");
	json_write_cstr(out, m->created_utc);
	top_key(out, &first, "kernel_release");
	json_write_cstr(out, m->kernel_release);
	top_key(out, &first, "hostname");
	json_write_cstr(out, m->hostname_token);
	top_key(out, &first, "root");
	json_write_bool(out, m->is_root);
	top_key(out, &first, "sysroot");
	json_write_bool(out, m->sysroot);
	top_key(out, &first, "roms");
	json_write_bool(out, m->roms);
	top_key(out, &first, "deadline_s");
	json_write_i64(out, m->deadline_s);
	top_key(out, &first, "duration_ms");
	json_write_i64(out, m->duration_ms);
	top_key(out, &first, "redaction");
	f2 = true;
	sbuf_addch(out, '{');
	json_key(out, &f2, "enabled");
	json_write_bool(out, r->enabled);
	json_key(out, &f2, "counts");
	{
		bool f3 = true;

		sbuf_addch(out, '{');
		for (int k = 0; k < REDACT_KIND_COUNT; k++) {
			json_key(out, &f3, redact_kind_name((enum redact_kind)k));
			json_write_u64(out, r->count[k]);
		}
		sbuf_addch(out, '}');
	}
	sbuf_addch(out, '}');
	top_key(out, &first, "counts");
	f2 = true;
	sbuf_addch(out, '{');
	for (int s = 0; s < STATUS_COUNT; s++) {
		json_key(out, &f2, item_status_name((enum item_status)s));
		json_write_u64(out, manifest_count(m, (enum item_status)s));
	}
	sbuf_addch(out, '}');
	top_key(out, &first, "items");
	sbuf_addstr(out, "[\n");
	for (size_t i = 0; i < m->items.n; i++) {
		sbuf_addstr(out, "    ");
		write_item(out, &m->items.v[i]);
		sbuf_addstr(out, i + 1 < m->items.n ? ",\n" : "\n");
	}
	sbuf_addstr(out, "  ]\n}\n");
}
