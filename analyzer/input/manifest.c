/* manifest.c - manifest.json into kv rows (scope "manifest"), and the cross-check of what it
 * claims against the bundle's members. The input stage's one use of cJSON and of libmd's
 * SHA-256 (docs/architecture.md); everything it reads is bounded by limits.h. */
#include "input/manifest.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <sha2.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/limits.h"
#include "common/sbuf.h"

#define MANIFEST_KEY_MAX 256
#define STRINGIFY_(x)	 #x
#define STRINGIFY(x)	 STRINGIFY_(x)

struct flat {
	struct parse_out *out;
	struct str subject;
	int rows;
};

static void add_row(struct flat *f, const char *key, const char *value)
{
	struct kv_row *kv;

	if (f->out->kvs.n >= MAX_ROWS)
		return;
	kv = VEC_PUSH(&f->out->kvs);
	kv->scope = STR_LIT("manifest");
	kv->subject = f->subject;
	kv->key = arena_str(&f->out->arena, str_from_cstr(key));
	kv->value = arena_str(&f->out->arena, str_from_cstr(value));
	f->rows++;
}

/* Whole numbers that a long long holds exactly (2^53); checked before any conversion, since
 * converting an out-of-range double (6e111 in a hostile manifest) is undefined. NaN fails. */
static bool is_integral(double d)
{
	return d >= -9007199254740992.0 && d <= 9007199254740992.0 && d == (double)(long long)d;
}

static bool scalar_text(const cJSON *v, char *buf, size_t cap)
{
	if (cJSON_IsString(v))
		snprintf(buf, cap, "%s", v->valuestring ? v->valuestring : "");
	else if (cJSON_IsBool(v))
		snprintf(buf, cap, "%s", cJSON_IsTrue(v) ? "true" : "false");
	else if (cJSON_IsNumber(v) && is_integral(v->valuedouble))
		snprintf(buf, cap, "%lld", (long long)v->valuedouble);
	else if (cJSON_IsNumber(v))
		snprintf(buf, cap, "%g", v->valuedouble);
	else if (cJSON_IsNull(v))
		snprintf(buf, cap, "null");
	else
		return false;
	return true;
}

static const cJSON *subject_of(const cJSON *obj)
{
	static const char *const names[] = { "path", "bundle_path", "dest", "source", "name" };

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, names[i]);

		if (cJSON_IsString(v) && v->valuestring && *v->valuestring)
			return v;
	}
	return NULL;
}

/* Why path is not a clean relative path, or NULL when it is one. */
static const char *path_problem(const char *path)
{
	const char *c = path;

	if (!path || !*path)
		return "empty";
	if (*path == '/')
		return "absolute";
	if (strlen(path) > MAX_PATH_BYTES)
		return "longer than " STRINGIFY(MAX_PATH_BYTES) " bytes";
	for (const char *p = path; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return "a control character";
	for (;;) {
		const char *end = strchr(c, '/');
		size_t n = end ? (size_t)(end - c) : strlen(c);

		if (n == 2 && c[0] == '.' && c[1] == '.')
			return "a '..' component";
		if (n == 0 || (n == 1 && c[0] == '.'))
			return "an empty or '.' component";
		if (!end)
			return NULL;
		c = end + 1;
	}
}

bool manifest_path_is_clean(const char *path)
{
	return path_problem(path) == NULL;
}

/* The object's bundle path members ("path", "bundle_path", "dest"): false when one of them is
 * a string that is not a clean relative path. */
static bool paths_clean(const cJSON *obj)
{
	static const char *const names[] = { "path", "bundle_path", "dest" };

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, names[i]);

		if (cJSON_IsString(v) &&
		    (!v->valuestring || !manifest_path_is_clean(v->valuestring)))
			return false;
	}
	return true;
}

static void flatten(struct flat *f, const cJSON *v, const char *prefix, int depth);

static void flatten_array(struct flat *f, const cJSON *arr, const char *key, int depth)
{
	struct sbuf joined;
	const cJSON *e;
	char buf[1024];
	bool scalars = false;

	sbuf_init(&joined, MAX_LINE_BYTES);
	cJSON_ArrayForEach(e, arr)
	{
		if (cJSON_IsObject(e)) {
			/* an item record: its own subject */
			struct flat sub = { .out = f->out, .subject = f->subject };
			const cJSON *s = subject_of(e);

			if (!paths_clean(e))
				continue; /* warned about by manifest_check */
			if (s)
				sub.subject =
					arena_str(&f->out->arena, str_from_cstr(s->valuestring));
			flatten(&sub, e, "", depth + 1);
			f->rows += sub.rows;
		} else if (scalar_text(e, buf, sizeof(buf))) {
			if (scalars)
				sbuf_addch(&joined, ' ');
			sbuf_addstr(&joined, buf);
			scalars = true;
		}
	}
	if (scalars)
		add_row(f, key, joined.buf);
	sbuf_release(&joined);
}

static void flatten(struct flat *f, const cJSON *v, const char *prefix, int depth)
{
	const cJSON *m;

	if (depth > MAX_JSON_DEPTH)
		return;
	cJSON_ArrayForEach(m, v)
	{
		char key[MANIFEST_KEY_MAX], buf[4096];

		if (!m->string)
			continue;
		snprintf(key, sizeof(key), "%s%s%s", prefix, *prefix ? "." : "", m->string);
		if (cJSON_IsObject(m))
			flatten(f, m, key, depth + 1);
		else if (cJSON_IsArray(m))
			flatten_array(f, m, key, depth + 1);
		else if (scalar_text(m, buf, sizeof(buf)))
			add_row(f, key, buf);
	}
}

/* cJSON recurses on nesting; refuse deep documents before parsing them. */
static bool nesting_ok(struct str json)
{
	int depth = 0;
	bool in_string = false;

	for (size_t i = 0; i < json.len; i++) {
		char c = json.ptr[i];

		if (in_string) {
			if (c == '\\')
				i++;
			else if (c == '"')
				in_string = false;
		} else if (c == '"') {
			in_string = true;
		} else if (c == '{' || c == '[') {
			if (++depth > MAX_JSON_DEPTH)
				return false;
		} else if (c == '}' || c == ']') {
			depth--;
		}
	}
	return true;
}

static const char *const status_names[MANIFEST_STATUS_COUNT] = {
	"ok", "missing", "denied", "timeout", "truncated", "skipped", "error",
};

static int status_index(const char *s)
{
	for (int i = 0; s && i < MANIFEST_STATUS_COUNT; i++)
		if (strcmp(s, status_names[i]) == 0)
			return i;
	return -1;
}

void manifest_claims_init(struct manifest_claims *m)
{
	memset(m, 0, sizeof(*m));
	arena_init(&m->arena);
}

void manifest_claims_release(struct manifest_claims *m)
{
	VEC_FREE(&m->items);
	arena_release(&m->arena);
	memset(m, 0, sizeof(*m));
}

static const char *claim_str(struct manifest_claims *m, const cJSON *obj, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);

	return cJSON_IsString(v) && v->valuestring ? arena_strdup(&m->arena, v->valuestring) : NULL;
}

/* What the top-level "items" and "counts" claim. */
static void read_claims(struct manifest_claims *m, const cJSON *root)
{
	const cJSON *items = cJSON_GetObjectItemCaseSensitive(root, "items");
	const cJSON *counts = cJSON_GetObjectItemCaseSensitive(root, "counts");
	const cJSON *e;

	if (!cJSON_IsArray(items))
		items = NULL;
	cJSON_ArrayForEach(e, items)
	{
		struct manifest_item *it;
		const cJSON *b;

		if (!cJSON_IsObject(e) || m->items.n >= MAX_ROWS)
			continue;
		it = VEC_PUSH(&m->items);
		it->unclean = !paths_clean(e);
		it->path = claim_str(m, e, "path");
		if (!it->path)
			it->path = claim_str(m, e, "bundle_path");
		if (!it->path)
			it->path = claim_str(m, e, "dest");
		it->status = claim_str(m, e, "status");
		it->sha256 = claim_str(m, e, "sha256");
		b = cJSON_GetObjectItemCaseSensitive(e, "bytes");
		it->has_bytes = b && !cJSON_IsNull(b);
		it->bytes_whole = cJSON_IsNumber(b) && is_integral(b->valuedouble);
		if (it->bytes_whole)
			it->bytes = (long long)b->valuedouble;
	}
	if (!cJSON_IsObject(counts))
		return;
	m->has_counts = true;
	for (int s = 0; s < MANIFEST_STATUS_COUNT; s++) {
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(counts, status_names[s]);

		m->count_present[s] = v != NULL;
		m->count_whole[s] = cJSON_IsNumber(v) && is_integral(v->valuedouble);
		if (m->count_whole[s])
			m->count[s] = (long long)v->valuedouble;
	}
}

int manifest_rows(struct str json, struct parse_out *out, struct manifest_claims *claims,
		  struct error *err)
{
	struct flat f = { .out = out, .subject = STR_NULL };
	cJSON *root;

	if (claims) {
		manifest_claims_release(claims);
		manifest_claims_init(claims);
	}

	if (json.len > MAX_JSON_BYTES)
		return error_set(err, EXIT_LIMIT, "manifest.json: larger than %u bytes",
				 MAX_JSON_BYTES);
	if (!nesting_ok(json))
		return error_set(err, EXIT_LIMIT, "manifest.json: nested deeper than %d levels",
				 MAX_JSON_DEPTH);
	root = cJSON_ParseWithLength(json.ptr, json.len);
	if (!root)
		return error_set(err, EXIT_INPUT, "manifest.json: not valid JSON");
	if (!cJSON_IsObject(root)) {
		cJSON_Delete(root);
		return error_set(err, EXIT_INPUT, "manifest.json: not a JSON object");
	}
	flatten(&f, root, "", 0);
	if (claims)
		read_claims(claims, root);
	cJSON_Delete(root);
	return f.rows;
}

void manifest_member_set(struct manifest_member *m, const char *path, struct str data)
{
	m->path = path;
	m->bytes = data.len;
	SHA256Data((const uint8_t *)data.ptr, data.len, m->sha256);
}

/* ---- the cross-check ---- */

enum problem {
	PROBLEM_PATH,	/* not a clean relative path */
	PROBLEM_ABSENT, /* stored by its status, not a member */
	PROBLEM_SHA256, /* differs from the member's, or not a SHA-256 */
	PROBLEM_BYTES,	/* negative, not a number, or not the member's size */
	PROBLEM_COUNTS, /* "counts" disagrees with the items */
	PROBLEM_COUNT
};

static const char *const problem_names[PROBLEM_COUNT] = {
	"item paths that are not clean relative paths",
	"items stored by their status but absent from the bundle",
	"sha256 sums that do not match their member",
	"byte counts that are wrong",
	"counts that disagree with the items",
};

struct checker {
	void (*warn)(void *ctx, const char *msg);
	void *ctx;
	size_t n[PROBLEM_COUNT];
};

static void report(struct checker *c, enum problem k, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void report(struct checker *c, enum problem k, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	if (c->n[k]++ >= MAX_MANIFEST_WARNINGS)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	c->warn(c->ctx, msg);
}

/* A manifest string as shown in a warning: printable ASCII, at most 120 bytes. */
static const char *shown(const char *s, char *buf, size_t cap)
{
	size_t n = 0, max = cap < 124 ? cap - 4 : 120;

	for (; s && s[n] && n < max; n++)
		buf[n] = s[n] >= 0x20 && s[n] < 0x7f ? s[n] : '?';
	snprintf(buf + n, cap - n, "%s", s && s[n] ? "..." : "");
	return buf;
}

static int member_cmp(const void *a, const void *b)
{
	return strcmp(((const struct manifest_member *)a)->path,
		      ((const struct manifest_member *)b)->path);
}

static bool is_sha256_hex(const char *s)
{
	size_t n = 0;

	for (; s[n]; n++)
		if (!isxdigit((unsigned char)s[n]))
			return false;
	return n == 64;
}

static void check_item(struct checker *c, const struct manifest_item *it,
		       const struct manifest_member *members, size_t n)
{
	struct manifest_member key = { .path = it->path };
	const struct manifest_member *m = NULL;
	char p[128], v[128];
	int s = status_index(it->status);

	if (!it->path)
		return;
	if (it->unclean) {
		report(c, PROBLEM_PATH,
		       "manifest.json: item path '%s' is not a clean relative path (%s): the item "
		       "is not stored",
		       shown(it->path, p, sizeof(p)), path_problem(it->path));
		return;
	}
	if (n)
		m = bsearch(&key, members, n, sizeof(*members), member_cmp);
	if (!m && (s == MANIFEST_OK || s == MANIFEST_TRUNCATED))
		report(c, PROBLEM_ABSENT,
		       "manifest.json: item '%s' has status %s but the bundle has no such member",
		       shown(it->path, p, sizeof(p)), status_names[s]);
	if (it->sha256 && !is_sha256_hex(it->sha256))
		report(c, PROBLEM_SHA256,
		       "manifest.json: item '%s': sha256 '%s' is not 64 hex digits",
		       shown(it->path, p, sizeof(p)), shown(it->sha256, v, 80));
	else if (it->sha256 && m && strcasecmp(it->sha256, m->sha256) != 0)
		report(c, PROBLEM_SHA256,
		       "manifest.json: item '%s': sha256 %.16s... differs from the member's "
		       "%.16s...",
		       shown(it->path, p, sizeof(p)), it->sha256, m->sha256);
	if (it->has_bytes && !it->bytes_whole)
		report(c, PROBLEM_BYTES, "manifest.json: item '%s': bytes is not a whole number",
		       shown(it->path, p, sizeof(p)));
	else if (it->has_bytes && it->bytes < 0)
		report(c, PROBLEM_BYTES, "manifest.json: item '%s': bytes %lld is negative",
		       shown(it->path, p, sizeof(p)), it->bytes);
	else if (it->has_bytes && m && (uint64_t)it->bytes != m->bytes)
		report(c, PROBLEM_BYTES,
		       "manifest.json: item '%s': bytes %lld, but the member holds %llu",
		       shown(it->path, p, sizeof(p)), it->bytes, (unsigned long long)m->bytes);
}

static void check_counts(struct checker *c, const struct manifest_claims *claims)
{
	size_t tally[MANIFEST_STATUS_COUNT] = { 0 };

	if (!claims->has_counts)
		return;
	for (size_t i = 0; i < claims->items.n; i++) {
		int s = status_index(claims->items.v[i].status);

		if (s >= 0)
			tally[s]++;
	}
	for (int s = 0; s < MANIFEST_STATUS_COUNT; s++) {
		if (!claims->count_present[s]) {
			if (tally[s])
				report(c, PROBLEM_COUNTS,
				       "manifest.json: counts has no '%s', but %zu item%s status %s",
				       status_names[s], tally[s], tally[s] == 1 ? " has" : "s have",
				       status_names[s]);
		} else if (!claims->count_whole[s] || claims->count[s] < 0) {
			report(c, PROBLEM_COUNTS,
			       "manifest.json: counts.%s is not a whole number of at least 0",
			       status_names[s]);
		} else if ((unsigned long long)claims->count[s] != tally[s]) {
			report(c, PROBLEM_COUNTS,
			       "manifest.json: counts.%s is %lld, but %zu item%s status %s",
			       status_names[s], claims->count[s], tally[s],
			       tally[s] == 1 ? " has" : "s have", status_names[s]);
		}
	}
}

size_t manifest_check(const struct manifest_claims *claims, struct manifest_member *members,
		      size_t n, void (*warn)(void *ctx, const char *msg), void *ctx)
{
	struct checker c = { .warn = warn, .ctx = ctx };
	size_t total = 0;

	if (n)
		qsort(members, n, sizeof(*members), member_cmp);
	for (size_t i = 0; i < claims->items.n; i++)
		check_item(&c, &claims->items.v[i], members, n);
	check_counts(&c, claims);
	for (int k = 0; k < PROBLEM_COUNT; k++) {
		total += c.n[k];
		if (c.n[k] > MAX_MANIFEST_WARNINGS) {
			char msg[200];

			snprintf(msg, sizeof(msg),
				 "manifest.json: %zu more %s, not listed (limit %d)",
				 c.n[k] - MAX_MANIFEST_WARNINGS, problem_names[k],
				 MAX_MANIFEST_WARNINGS);
			warn(ctx, msg);
		}
	}
	return total;
}
