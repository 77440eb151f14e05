/* report_hostile_test.c - every reporter on real kernel-log lines (linuxhw probe 0002: a Proxmox VE
 * host's dmesg) mutated at test time with arbitrary bytes, backtick runs and markup: the JSON still
 * parses and is valid UTF-8, no format lets a control byte through, and Markdown code blocks close
 * only at their own fence. A deterministic generator keeps failures reproducible (the iteration
 * number is printed). */
#include <cjson/cJSON.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "report_fixture.h"

#define ITERATIONS 400

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint32_t rnd(uint32_t n)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)(rng_state % n);
}

static bool valid_utf8(const unsigned char *p, size_t n)
{
	size_t i = 0;

	while (i < n) {
		unsigned c = p[i];
		size_t len = c < 0x80			? 1
			     : (c >= 0xc2 && c <= 0xdf) ? 2
			     : (c >= 0xe0 && c <= 0xef) ? 3
			     : (c >= 0xf0 && c <= 0xf4) ? 4
							: 0;

		if (len == 0 || i + len > n)
			return false;
		for (size_t k = 1; k < len; k++)
			if ((p[i + k] & 0xc0) != 0x80)
				return false;
		if ((c == 0xe0 && p[i + 1] < 0xa0) || (c == 0xed && p[i + 1] > 0x9f) ||
		    (c == 0xf0 && p[i + 1] < 0x90) || (c == 0xf4 && p[i + 1] > 0x8f))
			return false;
		i += len;
	}
	return true;
}

/* No C0 control except '\n' and '\t' (kept in multi-line fixes), no DEL, and (c1) no C1 control
 * (U+0080..U+009F). JSON may carry C1 characters as themselves (RFC 8259 only requires escaping
 * C0), so it is checked without. */
static bool no_controls_c1(const unsigned char *p, size_t n, bool c1)
{
	for (size_t i = 0; i < n; i++) {
		if ((p[i] < 0x20 && p[i] != '\n' && p[i] != '\t') || p[i] == 0x7f)
			return false;
		if (c1 && p[i] == 0xc2 && i + 1 < n && p[i + 1] >= 0x80 && p[i + 1] <= 0x9f)
			return false;
	}
	return true;
}

/* A copy of line (in the arena) with a few mutations: random bytes, a backtick run, markup. */
static const char *mutate(struct arena *a, const char *line, size_t len)
{
	static const char *const inserts[] = { "```",		"````````",   "\033[2J",
					       "<script>",	"</details>", "\r\n",
					       "\xff\xfe",	"\xc2\x85",   "\xed\xa0\x80",
					       "*_[x](y)_*",	"&amp;",      "\\",
					       "\n# heading\n", "$x$" };
	size_t cap = len + 64;
	char *out = arena_alloc(a, cap + 1);
	size_t n = 0;

	for (size_t i = 0; i <= len && n < cap - 16; i++) {
		if (rnd(8) == 0) {
			if (rnd(2)) {
				const char *ins =
					inserts[rnd(sizeof(inserts) / sizeof(inserts[0]))];
				size_t il = strlen(ins);

				memcpy(out + n, ins, il);
				n += il;
			} else {
				char c = (char)(1 + rnd(255)); /* any byte but NUL */

				out[n++] = c;
			}
		}
		if (i < len)
			out[n++] = line[i];
	}
	out[n] = '\0';
	return out;
}

/* In Markdown output, every fenced block that opens must close on a line of its own fence, and
 * the evidence block must end right before "</details>". */
static bool fences_hold(const char *md)
{
	const char *p = md;

	while ((p = strstr(p, "<details><summary>")) != NULL) {
		const char *open = strstr(p, "\n\n");
		size_t len = 0;
		const char *line;

		if (!open)
			return false;
		open += 2;
		while (open[len] == '`')
			len++;
		if (len < 3)
			return false;
		for (line = strchr(open, '\n'); line; line = strchr(line, '\n')) {
			size_t k = 0;

			line++;
			while (line[k] == '`')
				k++;
			if (k >= len && (line[k] == '\n' || line[k] == '\0'))
				break;
		}
		if (!line || strncmp(line + len, "\n\n</details>", 12) != 0)
			return false;
		p = line;
	}
	return true;
}

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;

	for (const char *p = hay; (p = strstr(p, needle)) != NULL; p++)
		n++;
	return n;
}

/* The first cause's heading is one line however its title was mangled. */
static bool heading_intact(const char *md)
{
	const char *h = strstr(md, "\n### 1. ");
	const char *nl = h ? strchr(h + 1, '\n') : NULL;

	return nl && nl - h > 16 && strncmp(nl - 14, "(92%, certain)", 14) == 0;
}

static bool no_controls(const unsigned char *p, size_t n)
{
	return no_controls_c1(p, n, true);
}

static void test_mutated_real_lines_stay_safe_in_every_format(void)
{
	size_t len;
	char *dmesg =
		test_read_file(test_path("VD_SHARED_DIR", "corpus/linuxhw/0002/dmesg.txt"), &len);
	const char *lines[512];
	size_t n_lines = 0;

	for (char *p = dmesg; *p && n_lines < 512;) {
		char *nl = strchr(p, '\n');

		if (nl)
			*nl = '\0';
		if (*p)
			lines[n_lines++] = p;
		if (!nl)
			break;
		p = nl + 1;
	}
	CHECK(n_lines >= 100);
	for (int it = 0; it < ITERATIONS && n_lines; it++) {
		struct result r;
		struct finding *f;
		char *text, *json, *md, *html;
		cJSON *root;
		int before = test_checks_failed;

		fixture_build(&r);
		f = &r.findings[0];
		f->n_evidence = f->n_evidence_total = 1 + rnd(6);
		f->evidence = fixture_evidence(&r, f->n_evidence);
		for (size_t i = 0; i < f->n_evidence; i++) {
			const char *l = lines[rnd((uint32_t)n_lines)];

			f->evidence[i] = (struct evidence){ mutate(&r.arena, "cmd/dmesg", 9), 1 + i,
							    mutate(&r.arena, l, strlen(l)),
							    mutate(&r.arena, "clause", 6), 1.0 };
		}
		f->title = mutate(&r.arena, f->title, strlen(f->title));
		f->subject.name =
			mutate(&r.arena, lines[it % n_lines], strlen(lines[it % n_lines]));
		f->fix = mutate(&r.arena, f->fix, strlen(f->fix));
		r.unchecked[0].command =
			mutate(&r.arena, r.unchecked[0].command, strlen(r.unchecked[0].command));
		r.warnings[0].message =
			mutate(&r.arena, r.warnings[0].message, strlen(r.warnings[0].message));

		text = fixture_render(&r, "text", false);
		json = fixture_render(&r, "json", false);
		md = fixture_render(&r, "markdown", false);
		html = fixture_render(&r, "html", false);
		CHECK(valid_utf8((const unsigned char *)text, strlen(text)));
		CHECK(no_controls((const unsigned char *)text, strlen(text)));
		CHECK(valid_utf8((const unsigned char *)json, strlen(json)));
		CHECK(no_controls_c1((const unsigned char *)json, strlen(json), false));
		root = cJSON_Parse(json);
		CHECK(root != NULL);
		CHECK(cJSON_GetArraySize(cJSON_GetObjectItem(root, "findings")) == 2);
		cJSON_Delete(root);
		CHECK(valid_utf8((const unsigned char *)md, strlen(md)));
		CHECK(no_controls((const unsigned char *)md, strlen(md)));
		CHECK(fences_hold(md));
		CHECK(heading_intact(md));
		CHECK(valid_utf8((const unsigned char *)html, strlen(html)));
		CHECK(no_controls((const unsigned char *)html, strlen(html)));
		CHECK(strstr(html, "<script") == NULL);
		CHECK_INT(count(html, "<details"), count(html, "</details>"));
		CHECK_INT(count(html, "<pre>"), count(html, "</pre>"));
		CHECK_INT(count(html, "<section"), 2);
		if (test_checks_failed != before)
			fprintf(stderr, "iteration %d failed\n", it);
		free(text);
		free(json);
		free(md);
		free(html);
		result_release(&r);
	}
	free(dmesg);
}

TEST_MAIN(test_mutated_real_lines_stay_safe_in_every_format)
