/* pciaddr.c - parse, find and print PCI addresses. */
#include "pciaddr.h"

#include <assert.h>
#include <stdio.h>

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Reads exactly n hex digits at *p. */
static bool hexn(const char **p, const char *end, int n, unsigned *out)
{
	unsigned v = 0;

	if (end - *p < n)
		return false;
	for (int i = 0; i < n; i++) {
		int d = hexval((*p)[i]);

		if (d < 0)
			return false;
		v = v * 16 + (unsigned)d;
	}
	*p += n;
	*out = v;
	return true;
}

bool pciaddr_parse(struct str s, bool allow_slot, struct pciaddr *out)
{
	const char *p = s.ptr, *end = s.ptr + s.len;
	unsigned dom = 0, bus, dev, fn = PCIADDR_ALL_FUNCS;
	const char *q = p;
	unsigned tmp;

	/* with a domain: 4 hex digits then ':' then 2 hex ':' */
	if (hexn(&q, end, 4, &tmp) && q < end && *q == ':') {
		dom = tmp;
		p = q + 1;
	}
	if (!hexn(&p, end, 2, &bus) || p == end || *p++ != ':' || !hexn(&p, end, 2, &dev))
		return false;
	if (dev > 31)
		return false;
	if (p < end && *p == '.') {
		p++;
		if (p == end || *p < '0' || *p > '7')
			return false;
		fn = (unsigned)(*p++ - '0');
	} else if (!allow_slot) {
		return false;
	}
	if (p != end)
		return false;
	*out = (struct pciaddr){ .domain = (uint16_t)dom,
				 .bus = (uint8_t)bus,
				 .dev = (uint8_t)dev,
				 .func = (uint8_t)fn };
	return true;
}

bool pciaddr_find(struct str s, struct pciaddr *out, size_t *at)
{
	/* "dddd:bb:dd.f" is 12 bytes */
	for (size_t i = 0; i + 12 <= s.len; i++) {
		struct pciaddr a;

		if (s.ptr[i + 4] != ':' || s.ptr[i + 7] != ':' || s.ptr[i + 10] != '.')
			continue;
		if (i > 0 && hexval(s.ptr[i - 1]) >= 0)
			continue;
		if (i + 12 < s.len && hexval(s.ptr[i + 12]) >= 0)
			continue;
		if (pciaddr_parse(str_sub(s, i, 12), false, &a)) {
			*out = a;
			if (at)
				*at = i;
			return true;
		}
	}
	return false;
}

static char *put_hex(char *p, unsigned v, int digits)
{
	while (digits-- > 0)
		*p++ = "0123456789abcdef"[(v >> (4 * digits)) & 0xf];
	return p;
}

/* By hand rather than snprintf: the fact store formats one address per line it loads, and
 * snprintf was 4% of analyzing a typical bundle. Same text as "%04x:%02x:%02x.%u". */
const char *pciaddr_format(const struct pciaddr *a, char buf[PCIADDR_STR_MAX])
{
	char *p = buf;

	static_assert(PCIADDR_STR_MAX >= sizeof("dddd:bb:dd.255"), "room for any address");
	p = put_hex(p, a->domain, 4);
	*p++ = ':';
	p = put_hex(p, a->bus, 2);
	*p++ = ':';
	p = put_hex(p, a->dev, 2);
	if (a->func != PCIADDR_ALL_FUNCS) {
		*p++ = '.';
		if (a->func >= 100)
			*p++ = (char)('0' + a->func / 100);
		if (a->func >= 10)
			*p++ = (char)('0' + a->func / 10 % 10);
		*p++ = (char)('0' + a->func % 10);
	}
	*p = '\0';
	return buf;
}

bool pciaddr_eq(const struct pciaddr *a, const struct pciaddr *b)
{
	return a->domain == b->domain && a->bus == b->bus && a->dev == b->dev && a->func == b->func;
}

bool pciaddr_covers(const struct pciaddr *a, const struct pciaddr *b)
{
	return a->domain == b->domain && a->bus == b->bus && a->dev == b->dev &&
	       (a->func == b->func || a->func == PCIADDR_ALL_FUNCS);
}
