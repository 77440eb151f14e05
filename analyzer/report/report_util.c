/* report_util.c - safe text output and small helpers shared by the reporters. */
#include "report_util.h"

#include <math.h>
#include <string.h>

#include "common/limits.h"
#include "common/sbuf.h"
#include "rank/result.h"

/* Length of the valid UTF-8 sequence at p (1..4), or 0 when invalid; *cp gets the code point. */
static size_t utf8_seq(const unsigned char *p, size_t n, unsigned *cp)
{
	unsigned c = p[0];
	size_t len;
	unsigned v;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf)
		len = 2, v = c & 0x1f;
	else if (c >= 0xe0 && c <= 0xef)
		len = 3, v = c & 0x0f;
	else if (c >= 0xf0 && c <= 0xf4)
		len = 4, v = c & 0x07;
	else
		return 0;
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		v = (v << 6) | (p[i] & 0x3f);
	}
	if ((len == 3 && (v < 0x800 || (v >= 0xd800 && v <= 0xdfff))) ||
	    (len == 4 && (v < 0x10000 || v > 0x10ffff)))
		return 0;
	*cp = v;
	return len;
}

static void put_hex_bytes(struct sbuf *sb, const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		sbuf_addf(sb, "\\x%02x", p[i]);
}

static bool put_html_entity(struct sbuf *sb, unsigned char c)
{
	switch (c) {
	case '&':
		sbuf_addstr(sb, "&amp;");
		return true;
	case '<':
		sbuf_addstr(sb, "&lt;");
		return true;
	case '>':
		sbuf_addstr(sb, "&gt;");
		return true;
	case '"':
		sbuf_addstr(sb, "&quot;");
		return true;
	case '\'':
		sbuf_addstr(sb, "&#39;");
		return true;
	default:
		return false;
	}
}

/* Characters that open or close Markdown (CommonMark + GitHub) syntax in the middle of a line:
 * emphasis, code spans, links ('(' and '!' only act next to an escaped bracket), raw HTML,
 * entities, table cells, strikethrough and GitHub's '$' math. Line-start markers ('#', '-',
 * '1.', '>') cannot occur: reporters flatten user text to one line and never start a line
 * with it. */
static bool is_markdown_special(unsigned char c)
{
	return c && strchr("\\`*_[]<>|~$&", c) != NULL;
}

/* Bytes copied as they are, in bulk: printable ASCII the flags do not escape. */
static bool is_plain(unsigned char c, unsigned flags)
{
	if (c < 0x20 || c >= 0x7f)
		return false;
	if ((flags & PUT_HTML) && strchr("&<>\"'", c))
		return false;
	if ((flags & PUT_MARKDOWN) && is_markdown_special(c))
		return false;
	return true;
}

void report_util_put(struct sbuf *sb, const char *s, unsigned flags, const char *indent)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = s ? strlen(s) : 0;
	size_t i = 0;

	while (i < n) {
		unsigned char c = p[i];
		unsigned cp = 0;
		size_t len, run = 0;

		while (i + run < n && is_plain(p[i + run], flags))
			run++;
		if (run) {
			sbuf_add(sb, p + i, run);
			i += run;
			continue;
		}
		if (c == '\n') {
			if (flags & PUT_NEWLINES) {
				sbuf_addch(sb, '\n');
				if ((flags & PUT_INDENT) && indent && i + 1 < n)
					sbuf_addstr(sb, indent);
			} else {
				sbuf_addch(sb, ' ');
			}
			i++;
			continue;
		}
		if (c == '\t') {
			sbuf_addch(sb, (flags & PUT_NEWLINES) ? '\t' : ' ');
			i++;
			continue;
		}
		if (c == '\r' && i + 1 < n && p[i + 1] == '\n') {
			i++; /* CRLF: the '\n' is handled next round */
			continue;
		}
		len = utf8_seq(p + i, n - i, &cp);
		if (len == 0 || cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f)) {
			/* invalid byte, C0, DEL, or C1 control: show it, do not send it */
			put_hex_bytes(sb, p + i, len ? len : 1);
			i += len ? len : 1;
			continue;
		}
		if (len == 1 && (flags & PUT_HTML) && put_html_entity(sb, c)) {
			i++;
			continue;
		}
		if (len == 1 && (flags & PUT_MARKDOWN) && is_markdown_special(c))
			sbuf_addch(sb, '\\');
		sbuf_add(sb, p + i, len);
		i += len;
	}
}

int report_util_percent(double confidence)
{
	int pct;

	if (!(confidence > 0)) /* also NaN */
		return 0;
	if (confidence >= 1)
		return 100;
	/* a probability short of 1 never shows as 100% (nor a non-zero one as 0%) */
	pct = (int)lround(confidence * 100.0);
	return pct > 99 ? 99 : pct < 1 ? 1 : pct;
}

size_t report_util_longest_run(const char *s, char c)
{
	size_t best = 0, run = 0;

	if (!s)
		return 0;
	for (; *s; s++) {
		run = (*s == c) ? run + 1 : 0;
		if (run > best)
			best = run;
	}
	return best;
}

size_t report_util_evidence_shown(const struct finding *f)
{
	return f->n_evidence < MAX_EVIDENCE ? f->n_evidence : MAX_EVIDENCE;
}

size_t report_util_evidence_hidden(const struct finding *f)
{
	size_t total = f->n_evidence_total > f->n_evidence ? f->n_evidence_total : f->n_evidence;

	return total - report_util_evidence_shown(f);
}

size_t report_util_unchecked_causes(const struct result *res)
{
	size_t n = 0;

	for (size_t i = 0; i < res->n_unchecked; i++) {
		const char *id = res->unchecked[i].id ? res->unchecked[i].id : "";
		bool seen = false;

		for (size_t j = 0; j < i && !seen; j++)
			seen = strcmp(res->unchecked[j].id ? res->unchecked[j].id : "", id) == 0;
		n += !seen;
	}
	return n;
}

void report_util_put_evidence(struct sbuf *sb, const struct evidence *e, unsigned flags)
{
	flags &= ~(unsigned)(PUT_NEWLINES | PUT_INDENT);
	if (e->path && *e->path) {
		report_util_put(sb, e->path, flags, NULL);
		if (e->line)
			sbuf_addf(sb, ":%u", (unsigned)e->line);
		sbuf_addstr(sb, ": ");
	}
	report_util_put(sb, e->text ? e->text : "", flags, NULL);
}

void report_util_put_subject(struct sbuf *sb, const struct finding *f, unsigned flags)
{
	const struct subject *s = &f->subject;

	flags &= ~(unsigned)(PUT_NEWLINES | PUT_INDENT);
	report_util_put(sb, s->kind && *s->kind ? s->kind : "host", flags, NULL);
	if (s->id && *s->id && !(s->kind && strcmp(s->kind, s->id) == 0)) {
		sbuf_addch(sb, ' ');
		report_util_put(sb, s->id, flags, NULL);
	}
	if (s->name && *s->name) {
		sbuf_addstr(sb, " (");
		report_util_put(sb, s->name, flags, NULL);
		sbuf_addch(sb, ')');
	}
}
