/* base64.c - the bounded base64 decoder of base64.h. */
#include "common/base64.h"

static int value_of(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

size_t base64_decoded_max(struct str in)
{
	return in.len / 4 * 3 + 3;
}

long base64_decode(struct str in, unsigned char *out, size_t cap)
{
	unsigned long acc = 0;
	size_t n = 0, pad = 0;
	unsigned bits = 0, chars = 0;

	for (size_t i = 0; i < in.len; i++) {
		char c = in.ptr[i];
		int v;

		if (is_blank(c))
			continue;
		if (c == '=') {
			pad++;
			continue;
		}
		if (pad)
			return -1; /* data after padding */
		v = value_of(c);
		if (v < 0)
			return -1;
		acc = (acc << 6) | (unsigned)v;
		bits += 6;
		chars++;
		if (bits >= 8) {
			bits -= 8;
			if (n >= cap)
				return -1;
			out[n++] = (unsigned char)(acc >> bits);
			acc &= (1ul << bits) - 1;
		}
	}
	/* a group of 4 ends the text, or 2-3 characters with their 2-1 padding (or none) */
	if (chars % 4 == 1 || pad > 2 || (pad && (chars + pad) % 4 != 0))
		return -1;
	return (long)n;
}
