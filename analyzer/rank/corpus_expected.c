/* corpus_expected.c - read a regression case's expected.json strictly (unknown keys are
 * errors) into struct corpus_expected. Uses cJSON like kb/ and input/manifest.c; the text is
 * bounded by MAX_JSON_BYTES and its nesting checked against MAX_JSON_DEPTH before cJSON
 * recurses. */
#include "rank/corpus_expected.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/limits.h"

struct ctx {
	struct corpus_expected *e;
	const char *name;
	struct error *err;
};

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

static int only_keys(struct ctx *c, const cJSON *obj, const char *where, const char *const *keys)
{
	const cJSON *m;

	cJSON_ArrayForEach(m, obj)
	{
		size_t i = 0;

		while (keys[i] && strcmp(keys[i], m->string ? m->string : "") != 0)
			i++;
		if (!keys[i])
			return error_set(c->err, EXIT_INPUT, "%s: unknown key '%s' in %s", c->name,
					 m->string ? m->string : "", where);
	}
	return 0;
}

/* A non-empty string member, or NULL when absent; -1 on a wrong type. */
static int get_string(struct ctx *c, const cJSON *obj, const char *key, const char *where,
		      bool required, const char **out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	*out = NULL;
	if (!v) {
		if (required)
			return error_set(c->err, EXIT_INPUT, "%s: %s has no '%s'", c->name, where,
					 key);
		return 0;
	}
	if (!cJSON_IsString(v) || !v->valuestring || !*v->valuestring)
		return error_set(c->err, EXIT_INPUT, "%s: '%s' of %s is not a non-empty string",
				 c->name, key, where);
	*out = arena_strdup(&c->e->arena, v->valuestring);
	return 0;
}

static int read_expect(struct ctx *c, const cJSON *o, size_t i)
{
	static const char *const keys[] = { "id", "subject", "max_rank", NULL };
	struct corpus_expect *x = &c->e->expect[i];
	char where[48];
	const cJSON *r;

	snprintf(where, sizeof(where), "expect[%zu]", i);
	if (!cJSON_IsObject(o))
		return error_set(c->err, EXIT_INPUT, "%s: %s is not an object", c->name, where);
	if (only_keys(c, o, where, keys) < 0 || get_string(c, o, "id", where, true, &x->id) < 0 ||
	    get_string(c, o, "subject", where, false, &x->subject) < 0)
		return -1;
	r = cJSON_GetObjectItemCaseSensitive(o, "max_rank");
	if (!r)
		return 0;
	if (!cJSON_IsNumber(r) || r->valuedouble < 1 || r->valuedouble > MAX_FINDINGS ||
	    floor(r->valuedouble) != r->valuedouble)
		return error_set(c->err, EXIT_INPUT,
				 "%s: 'max_rank' of %s is not a whole number from 1 to %d", c->name,
				 where, MAX_FINDINGS);
	x->max_rank = (int)r->valuedouble;
	return 0;
}

static int read_forbid(struct ctx *c, const cJSON *o, size_t i)
{
	static const char *const keys[] = { "id", "subject", NULL };
	struct corpus_forbid *f = &c->e->forbid[i];
	char where[48];

	snprintf(where, sizeof(where), "forbid[%zu]", i);
	if (!cJSON_IsObject(o))
		return error_set(c->err, EXIT_INPUT, "%s: %s is not an object", c->name, where);
	if (only_keys(c, o, where, keys) < 0 || get_string(c, o, "id", where, true, &f->id) < 0 ||
	    get_string(c, o, "subject", where, false, &f->subject) < 0)
		return -1;
	return 0;
}

/* The array member key (absent: empty); *n its size. */
static int get_array(struct ctx *c, const cJSON *root, const char *key, const cJSON **arr,
		     size_t *n)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, key);
	int size;

	*arr = NULL;
	*n = 0;
	if (!v)
		return 0;
	if (!cJSON_IsArray(v))
		return error_set(c->err, EXIT_INPUT, "%s: '%s' is not an array", c->name, key);
	size = cJSON_GetArraySize(v);
	if (size > CORPUS_MAX_EXPECT)
		return error_set(c->err, EXIT_LIMIT, "%s: '%s' has more than %d entries", c->name,
				 key, CORPUS_MAX_EXPECT);
	*arr = v;
	*n = (size_t)size;
	return 0;
}

static int read_root(struct ctx *c, const cJSON *root)
{
	static const char *const keys[] = { "description", "expect", "forbid", "max_severity",
					    NULL };
	struct corpus_expected *e = c->e;
	const cJSON *expect, *forbid, *m;
	const char *sev;
	size_t i;

	if (!cJSON_IsObject(root))
		return error_set(c->err, EXIT_INPUT, "%s: not a JSON object", c->name);
	if (only_keys(c, root, "the top level", keys) < 0 ||
	    get_string(c, root, "description", "the top level", false, &e->description) < 0 ||
	    get_array(c, root, "expect", &expect, &e->n_expect) < 0 ||
	    get_array(c, root, "forbid", &forbid, &e->n_forbid) < 0 ||
	    get_string(c, root, "max_severity", "the top level", false, &sev) < 0)
		return -1;
	if (e->n_expect + e->n_forbid > CORPUS_MAX_EXPECT)
		return error_set(c->err, EXIT_LIMIT, "%s: more than %d expect and forbid entries",
				 c->name, CORPUS_MAX_EXPECT);
	e->expect = arena_alloc(&e->arena, (e->n_expect + 1) * sizeof(*e->expect));
	e->forbid = arena_alloc(&e->arena, (e->n_forbid + 1) * sizeof(*e->forbid));
	i = 0;
	cJSON_ArrayForEach(m, expect)
	{
		if (read_expect(c, m, i++) < 0)
			return -1;
	}
	i = 0;
	cJSON_ArrayForEach(m, forbid)
	{
		if (read_forbid(c, m, i++) < 0)
			return -1;
	}
	if (sev) {
		if (!severity_from_name(sev, &e->max_severity))
			return error_set(
				c->err, EXIT_INPUT,
				"%s: unknown max_severity '%s' (info, warning, error, blocker)",
				c->name, sev);
		e->has_max_severity = true;
	}
	if (e->n_expect == 0 && e->n_forbid == 0 && !e->has_max_severity)
		return error_set(
			c->err, EXIT_INPUT,
			"%s: no 'expect', 'forbid' or 'max_severity': the case checks nothing",
			c->name);
	return 0;
}

int corpus_expected_parse(struct str json, const char *name, struct corpus_expected *out,
			  struct error *err)
{
	struct ctx c = { .e = out, .name = name, .err = err };
	cJSON *root;
	int ret;

	memset(out, 0, sizeof(*out));
	arena_init(&out->arena);
	if (json.len > MAX_JSON_BYTES)
		return error_set(err, EXIT_LIMIT, "%s: larger than %u bytes", name, MAX_JSON_BYTES);
	if (!nesting_ok(json))
		return error_set(err, EXIT_LIMIT, "%s: nested deeper than %d levels", name,
				 MAX_JSON_DEPTH);
	root = cJSON_ParseWithLength(json.ptr, json.len);
	if (!root)
		return error_set(err, EXIT_INPUT, "%s: not valid JSON", name);
	ret = read_root(&c, root);
	cJSON_Delete(root);
	return ret;
}

void corpus_expected_release(struct corpus_expected *e)
{
	arena_release(&e->arena);
	memset(e, 0, sizeof(*e));
}
