/* str.c - borrowed byte views and cursor helpers. */
#include "str.h"

#include <string.h>

#include "xalloc.h"

struct str str_from_cstr(const char *s)
{
	if (!s)
		return STR_NULL;
	return (struct str){ .ptr = s, .len = strlen(s) };
}

struct str str_from_mem(const void *p, size_t len)
{
	if (!p)
		return STR_NULL;
	return (struct str){ .ptr = p, .len = len };
}

bool str_next_line(struct str *in, struct str *line)
{
	const char *nl;
	size_t n;

	if (in->len == 0)
		return false;
	nl = memchr(in->ptr, '\n', in->len);
	n = nl ? (size_t)(nl - in->ptr) : in->len;
	*line = (struct str){ .ptr = in->ptr, .len = n };
	if (line->len && line->ptr[line->len - 1] == '\r')
		line->len--;
	if (nl)
		n++;
	in->ptr += n;
	in->len -= n;
	return true;
}

bool str_take_until(struct str *in, char c, struct str *field)
{
	const char *p = in->len ? memchr(in->ptr, c, in->len) : NULL;
	size_t n;

	if (!p)
		return false;
	n = (size_t)(p - in->ptr);
	*field = (struct str){ .ptr = in->ptr, .len = n };
	in->ptr += n + 1;
	in->len -= n + 1;
	return true;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

bool str_next_word(struct str *in, struct str *word)
{
	size_t i = 0;
	size_t start;

	if (in->len == 0)
		return false;
	while (i < in->len && is_blank(in->ptr[i]))
		i++;
	if (i == in->len) {
		in->ptr += i;
		in->len = 0;
		return false;
	}
	start = i;
	while (i < in->len && !is_blank(in->ptr[i]))
		i++;
	*word = (struct str){ .ptr = in->ptr + start, .len = i - start };
	in->ptr += i;
	in->len -= i;
	return true;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

struct str str_ltrim(struct str s)
{
	while (s.len && is_space(s.ptr[0])) {
		s.ptr++;
		s.len--;
	}
	return s;
}

struct str str_rtrim(struct str s)
{
	while (s.len && is_space(s.ptr[s.len - 1]))
		s.len--;
	return s;
}

struct str str_trim(struct str s)
{
	return str_rtrim(str_ltrim(s));
}

struct str str_sub(struct str s, size_t off, size_t len)
{
	if (s.len == 0)
		return s; /* also keeps a zeroed view's NULL pointer unmoved */
	if (off > s.len)
		off = s.len;
	if (len > s.len - off)
		len = s.len - off;
	return (struct str){ .ptr = s.ptr + off, .len = len };
}

bool str_eq(struct str a, struct str b)
{
	return a.len == b.len && (a.len == 0 || memcmp(a.ptr, b.ptr, a.len) == 0);
}

bool str_eq_cstr(struct str a, const char *b)
{
	return str_eq(a, str_from_cstr(b));
}

static char lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

bool str_ieq_cstr(struct str a, const char *b)
{
	size_t n = strlen(b);

	if (n != a.len)
		return false;
	for (size_t i = 0; i < n; i++)
		if (lower(a.ptr[i]) != lower(b[i]))
			return false;
	return true;
}

bool str_starts_with(struct str s, const char *prefix)
{
	size_t n = strlen(prefix);

	return s.len >= n && memcmp(s.ptr, prefix, n) == 0;
}

bool str_ends_with(struct str s, const char *suffix)
{
	size_t n = strlen(suffix);

	return s.len >= n && memcmp(s.ptr + s.len - n, suffix, n) == 0;
}

long str_find(struct str s, const char *needle)
{
	size_t n = strlen(needle);
	const char *p;

	if (n == 0)
		return 0;
	if (s.len < n)
		return -1;
	p = memmem(s.ptr, s.len, needle, n);
	return p ? (long)(p - s.ptr) : -1;
}

long str_find_char(struct str s, char c)
{
	const char *p = s.len ? memchr(s.ptr, c, s.len) : NULL;

	return p ? (long)(p - s.ptr) : -1;
}

bool str_contains(struct str s, const char *needle)
{
	return str_find(s, needle) >= 0;
}

static int digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'Z')
		return c - 'A' + 10;
	return 99;
}

bool str_take_u64(struct str *s, int base, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;
	size_t i = 0;

	if (base == 0) {
		base = 10;
		if (s->len > 2 && s->ptr[0] == '0' && (s->ptr[1] == 'x' || s->ptr[1] == 'X') &&
		    digit_value(s->ptr[2]) < 16) {
			base = 16;
			i = 2;
		}
	}
	if (i >= s->len || digit_value(s->ptr[i]) >= base)
		return false;
	for (; i < s->len; i++) {
		int d = digit_value(s->ptr[i]);

		if (d >= base)
			break;
		if ((uint64_t)d > max || v > (max - (uint64_t)d) / (uint64_t)base)
			return false;
		v = v * (uint64_t)base + (uint64_t)d;
	}
	*out = v;
	s->ptr += i;
	s->len -= i;
	return true;
}

bool str_to_u64(struct str s, int base, uint64_t min, uint64_t max, uint64_t *out)
{
	uint64_t v;

	if (!str_take_u64(&s, base, max, &v) || s.len != 0 || v < min)
		return false;
	*out = v;
	return true;
}

bool str_to_i64(struct str s, int base, int64_t min, int64_t max, int64_t *out)
{
	bool neg = false;
	uint64_t v;

	if (s.len && (s.ptr[0] == '-' || s.ptr[0] == '+')) {
		neg = s.ptr[0] == '-';
		s.ptr++;
		s.len--;
	}
	if (!str_take_u64(&s, base, (uint64_t)INT64_MAX + 1, &v) || s.len != 0)
		return false;
	if (!neg && v > (uint64_t)INT64_MAX)
		return false;
	{
		int64_t r =
			neg ? (v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)v) : (int64_t)v;

		if (r < min || r > max)
			return false;
		*out = r;
	}
	return true;
}

char *str_dup(struct str s)
{
	char *p = xmalloc(s.len + 1);

	if (s.len)
		memcpy(p, s.ptr, s.len);
	p[s.len] = '\0';
	return p;
}
