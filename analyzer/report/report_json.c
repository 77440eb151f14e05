/* report_json.c - the JSON report: the stable contract "vfio-doctor/report/1" documented in
 * docs/output-json.md and checked against docs/report-schema.json by
 * tests/integration/report_schema.sh. Keys come in a fixed order, findings by rank, best first.
 * Strings go through common/json_write.h, so the output is valid UTF-8 JSON whatever the
 * evidence held. Indented two spaces per level so that a diff of two reports reads well.
 */
#include "common/json_write.h"
#include "common/limits.h"
#include "common/sbuf.h"
#include "rank/result.h"
#include "report.h"

#define REPORT_SCHEMA "vfio-doctor/report/1"

/* A pretty-printing cursor over json_write.h: one `first` flag per open level. */
struct jw {
	struct sbuf *sb;
	int depth;
	bool first[MAX_JSON_DEPTH];
};

static void newline(struct jw *w)
{
	sbuf_addch(w->sb, '\n');
	for (int i = 0; i < w->depth; i++)
		sbuf_addstr(w->sb, "  ");
}

/* Separator and indentation before a value in an array or a key in an object. */
static void item(struct jw *w)
{
	if (w->depth > 0) {
		if (!w->first[w->depth])
			sbuf_addch(w->sb, ',');
		w->first[w->depth] = false;
		newline(w);
	}
}

static void key(struct jw *w, const char *k)
{
	item(w);
	json_write_cstr(w->sb, k);
	sbuf_addstr(w->sb, ": ");
}

static void jopen(struct jw *w, char c)
{
	sbuf_addch(w->sb, c);
	w->depth++;
	w->first[w->depth] = true;
}

static void jclose(struct jw *w, char c)
{
	bool empty = w->first[w->depth];

	w->depth--;
	if (!empty)
		newline(w);
	sbuf_addch(w->sb, c);
}

static void kv_str(struct jw *w, const char *k, const char *v)
{
	key(w, k);
	json_write_cstr(w->sb, v);
}

static void kv_u64(struct jw *w, const char *k, uint64_t v)
{
	key(w, k);
	json_write_u64(w->sb, v);
}

static void kv_double(struct jw *w, const char *k, double v)
{
	key(w, k);
	json_write_double(w->sb, v);
}

static void kv_str_array(struct jw *w, const char *k, const char *const *v, size_t n)
{
	key(w, k);
	jopen(w, '[');
	for (size_t i = 0; i < n; i++) {
		item(w);
		json_write_cstr(w->sb, v[i] ? v[i] : "");
	}
	jclose(w, ']');
}

static void put_evidence(struct jw *w, const struct evidence *e)
{
	item(w);
	jopen(w, '{');
	kv_str(w, "path", e->path);
	kv_u64(w, "line", e->line);
	kv_str(w, "text", e->text ? e->text : "");
	kv_str(w, "clause", e->clause);
	kv_double(w, "weight", e->weight);
	jclose(w, '}');
}

static void put_finding(struct jw *w, const struct finding *f, size_t rank, bool ruled_out)
{
	item(w);
	jopen(w, '{');
	kv_u64(w, "rank", rank);
	kv_str(w, "id", f->id ? f->id : "");
	kv_str(w, "title", f->title ? f->title : (f->id ? f->id : ""));
	kv_str(w, "category", f->category);
	kv_str(w, "severity", severity_name(f->severity));
	kv_double(w, "confidence", f->confidence);
	kv_str(w, "label", f->label);
	kv_double(w, "score", f->score);
	key(w, "subject");
	jopen(w, '{');
	kv_str(w, "kind", f->subject.kind ? f->subject.kind : "host");
	kv_str(w, "id", f->subject.id ? f->subject.id : "host");
	kv_str(w, "name", f->subject.name);
	jclose(w, '}');
	kv_str_array(w, "symptoms", f->symptoms, f->n_symptoms);
	key(w, "evidence");
	jopen(w, '[');
	for (size_t i = 0; i < f->n_evidence && i < MAX_EVIDENCE; i++)
		put_evidence(w, &f->evidence[i]);
	jclose(w, ']');
	kv_u64(w, "evidence_total",
	       f->n_evidence_total > f->n_evidence ? f->n_evidence_total : f->n_evidence);
	kv_str(w, "fix", f->fix);
	kv_str_array(w, "references", f->references, f->n_references);
	kv_str(w, "suppressed_by", f->suppressed_by);
	if (ruled_out)
		kv_str(w, "reason", f->ruled_out_reason);
	jclose(w, '}');
}

static void put_unchecked(struct jw *w, const struct unchecked *u)
{
	item(w);
	jopen(w, '{');
	kv_str(w, "id", u->id ? u->id : "");
	kv_str(w, "title", u->title ? u->title : (u->id ? u->id : ""));
	kv_str(w, "missing", u->missing);
	kv_str(w, "command", u->command);
	jclose(w, '}');
}

static void put_input(struct jw *w, const struct input_info *in)
{
	item(w);
	jopen(w, '{');
	kv_str(w, "path", in->path ? in->path : "");
	kv_str(w, "kind", in->kind ? in->kind : "unknown");
	key(w, "confidence");
	json_write_i64(w->sb, in->confidence);
	kv_u64(w, "first_line", in->first_line);
	kv_u64(w, "last_line", in->last_line);
	kv_u64(w, "bytes", in->bytes);
	jclose(w, '}');
}

static void put_warning(struct jw *w, const struct result_warning *rw)
{
	item(w);
	jopen(w, '{');
	kv_str(w, "path", rw->path);
	kv_u64(w, "line", rw->line);
	kv_str(w, "message", rw->message ? rw->message : "");
	jclose(w, '}');
}

static void put_unexplained(struct jw *w, const struct unexplained *u)
{
	item(w);
	jopen(w, '{');
	kv_str(w, "path", u->path);
	kv_u64(w, "line", u->line);
	kv_str(w, "text", u->text ? u->text : "");
	jclose(w, '}');
}

static void put_readiness(struct jw *w, const struct readiness *r)
{
	item(w);
	jopen(w, '{');
	kv_str(w, "bdf", r->bdf ? r->bdf : "");
	kv_str(w, "name", r->name ? r->name : (r->bdf ? r->bdf : ""));
	kv_str(w, "kind", r->kind ? r->kind : "other");
	key(w, "iommu_group");
	if (r->iommu_group >= 0)
		json_write_i64(w->sb, r->iommu_group);
	else
		json_write_cstr(w->sb, NULL);
	kv_str_array(w, "group_peers", r->peers, r->n_peers);
	kv_str(w, "reset", r->reset ? r->reset : "unknown");
	kv_str(w, "driver", r->driver);
	kv_str(w, "rom", r->rom);
	key(w, "boot_vga");
	if (r->boot_vga >= 0)
		json_write_bool(w->sb, r->boot_vga == 1);
	else
		json_write_cstr(w->sb, NULL);
	kv_str(w, "vm", r->vm);
	kv_str(w, "verdict", readiness_verdict_name(r->verdict));
	kv_str(w, "fix", r->fix);
	kv_str(w, "why", r->why);
	jclose(w, '}');
}

void report_json_render(const struct result *res, struct sbuf *sb)
{
	struct jw w = { .sb = sb };

	jopen(&w, '{');
	kv_str(&w, "schema", REPORT_SCHEMA);
	key(&w, "generator");
	jopen(&w, '{');
	kv_str(&w, "name", "vfio-doctor");
	kv_str(&w, "version", VD_VERSION);
	jclose(&w, '}');
	key(&w, "host");
	jopen(&w, '{');
	kv_str(&w, "summary", res->host_summary);
	jclose(&w, '}');
	key(&w, "findings");
	jopen(&w, '[');
	for (size_t i = 0; i < res->n_findings && !sbuf_failed(sb); i++)
		put_finding(&w, &res->findings[i], i + 1, false);
	jclose(&w, ']');
	key(&w, "ruled_out");
	jopen(&w, '[');
	for (size_t i = 0; i < res->n_ruled_out && !sbuf_failed(sb); i++)
		put_finding(&w, &res->ruled_out[i], i + 1, true);
	jclose(&w, ']');
	key(&w, "unchecked");
	jopen(&w, '[');
	for (size_t i = 0; i < res->n_unchecked; i++)
		put_unchecked(&w, &res->unchecked[i]);
	jclose(&w, ']');
	key(&w, "inputs");
	jopen(&w, '[');
	for (size_t i = 0; i < res->n_inputs; i++)
		put_input(&w, &res->inputs[i]);
	jclose(&w, ']');
	key(&w, "warnings");
	jopen(&w, '[');
	for (size_t i = 0; i < res->n_warnings; i++)
		put_warning(&w, &res->warnings[i]);
	jclose(&w, ']');
	key(&w, "readiness");
	jopen(&w, '[');
	for (size_t i = 0; i < res->n_readiness && !sbuf_failed(sb); i++)
		put_readiness(&w, &res->readiness[i]);
	jclose(&w, ']');
	key(&w, "unexplained");
	jopen(&w, '[');
	for (size_t i = 0; i < res->n_unexplained && !sbuf_failed(sb); i++)
		put_unexplained(&w, &res->unexplained[i]);
	jclose(&w, ']');
	kv_u64(&w, "unexplained_total", res->n_unexplained_total);
	jclose(&w, '}');
	sbuf_addch(sb, '\n');
}
