/* manifest.c - manifest.json into kv rows (scope "manifest"). The input stage's one use of
 * cJSON (docs/architecture.md); everything it reads is bounded by limits.h. */
#include "input/manifest.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>

#include "common/limits.h"
#include "common/sbuf.h"

#define MANIFEST_KEY_MAX 256

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

int manifest_rows(struct str json, struct parse_out *out, struct error *err)
{
	struct flat f = { .out = out, .subject = STR_NULL };
	cJSON *root;

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
	cJSON_Delete(root);
	return f.rows;
}
