/* normalize_test.c - input/normalize.c on real copied text: seed 003 (NBSPs and ‘ ’ from a
 * web page), seed 004 (’ “ ”), real lines given a BOM, CRLF ends and NUL bytes, and this
 * machine's dmesg with terminal colours. */
#include <stdlib.h>
#include <string.h>

#include "input/normalize.h"
#include "test.h"

static struct str seed_line(const char *rel, int want, char **keep)
{
	size_t len;
	struct str text, line = STR_NULL;

	*keep = test_read_file(test_path("VD_SHARED_DIR", rel), &len);
	text = str_from_mem(*keep, len);
	for (int n = 1; str_next_line(&text, &line) && n < want; n++)
		;
	return line;
}

static void test_typographic_quotes_become_ascii(void)
{
	struct arena a;
	struct normalize_stats st;
	char *keep;
	/* seed 003 line 289: ... "Error: internal error: Unknown PCI header type ‘127’" */
	struct str in = seed_line("seeds/003_a3093cee4319a564.txt", 289, &keep);
	struct str out;

	arena_init(&a);
	out = normalize_text(&a, in, &st);
	CHECK(str_contains(out, "Unknown PCI header type '127'"));
	CHECK_INT(st.quotes, 2);
	CHECK_INT(out.len, in.len - 4);
	arena_release(&a);
	free(keep);
}

static void test_double_quotes_and_apostrophes_of_seed004(void)
{
	struct arena a;
	struct normalize_stats st;
	char *keep;
	struct str in = seed_line("seeds/004_d9beef6cfd738058.txt", 2, &keep);
	struct str out;

	arena_init(&a);
	out = normalize_text(&a, in, &st);
	CHECK(str_contains(out,
			   "the device is \"in use\" by something that definitely isn't you."));
	CHECK_INT(st.quotes, 3);
	arena_release(&a);
	free(keep);
}

static void test_every_nbsp_of_seed003_becomes_a_space(void)
{
	struct arena a;
	struct normalize_stats st;
	size_t len;
	char *buf =
		test_read_file(test_path("VD_SHARED_DIR", "seeds/003_a3093cee4319a564.txt"), &len);
	struct str out;
	size_t nbsp = 0;

	for (size_t i = 0; i + 1 < len; i++)
		nbsp += (unsigned char)buf[i] == 0xc2 && (unsigned char)buf[i + 1] == 0xa0;
	CHECK(nbsp > 0);
	arena_init(&a);
	out = normalize_text(&a, str_from_mem(buf, len), &st);
	CHECK_INT(st.spaces, nbsp);
	CHECK(str_find(out, "\xc2\xa0") < 0);
	CHECK_INT(out.len, len - nbsp - 2 * st.quotes - 3 * st.zero_width);
	arena_release(&a);
	free(buf);
}

static void test_bom_crlf_and_nul_are_fixed_without_moving_lines(void)
{
	/* real dmesg lines (seed 001) given Windows line ends, a BOM and a NUL */
	static const char in[] =
		"\xef\xbb\xbf[ 4.075646] VFIO - User Level meta-driver version: 0.3\r\n"
		"[ 120.442320] vfio-pci 0000:00:02.0: resetting\r\n"
		"[ 120.546424] vfio-pci 0000:00:02.0: reset\0done\r\n";
	static const char want[] = "[ 4.075646] VFIO - User Level meta-driver version: 0.3\n"
				   "[ 120.442320] vfio-pci 0000:00:02.0: resetting\n"
				   "[ 120.546424] vfio-pci 0000:00:02.0: reset done\n";
	struct arena a;
	struct normalize_stats st;
	struct str out;

	arena_init(&a);
	out = normalize_text(&a, str_from_mem(in, sizeof(in) - 1), &st);
	CHECK_VIEW(out, want);
	CHECK_INT(st.bom, 1);
	CHECK_INT(st.crlf, 3);
	CHECK_INT(st.nuls, 1);
	CHECK_INT(normalize_changes(&st), 5);
	arena_release(&a);
}

static void test_zero_width_and_narrow_spaces(void)
{
	/* seed 001's command as a web page renders it: narrow NBSP and a zero-width space */
	static const char in[] = "dmesg\xe2\x80\xaf|\xe2\x80\x8b grep -i vfio";
	struct arena a;
	struct normalize_stats st;

	arena_init(&a);
	CHECK_VIEW(normalize_text(&a, str_from_cstr(in), &st), "dmesg | grep -i vfio");
	CHECK_INT(st.spaces, 1);
	CHECK_INT(st.zero_width, 1);
	arena_release(&a);
}

static void test_plain_ascii_and_other_utf8_are_untouched(void)
{
	/* seed 001's prompt: "➤" is not a space or a quote */
	static const char in[] = "root@node-home ~\n\xe2\x9e\xa4 dmesg | grep -i vfio\n";
	struct arena a;
	struct normalize_stats st;

	arena_init(&a);
	CHECK_VIEW(normalize_text(&a, str_from_cstr(in), &st), in);
	CHECK_INT(normalize_changes(&st), 0);
	/* a truncated sequence at the end is kept as is */
	CHECK_VIEW(normalize_text(&a, str_from_cstr("got 0xcffa\xe2\x80"), &st),
		   "got 0xcffa\xe2\x80");
	arena_release(&a);
}

static char *run(const char *cmd, size_t *len)
{
	FILE *p = popen(cmd, "r");
	char *buf = calloc(1, 65536);
	size_t n = p ? fread(buf, 1, 65535, p) : 0;

	if (p)
		pclose(p);
	*len = n;
	return buf;
}

/* This machine's own kernel log, with and without `dmesg --color=always`: the first lines
 * (boot messages, which do not change between the two reads) must come out the same. */
static void test_terminal_colours_are_dropped(void)
{
	size_t clen, plen;
	char *coloured = run("dmesg --color=always 2>/dev/null | head -n 20", &clen);
	char *plain = run("dmesg --color=never 2>/dev/null | head -n 20", &plen);
	struct arena a;
	struct normalize_stats st;
	struct str out;

	CHECK(plen > 0);
	CHECK(clen > plen);
	arena_init(&a);
	out = normalize_text(&a, str_from_mem(coloured, clen), &st);
	CHECK(out.len == plen && memcmp(out.ptr, plain, plen) == 0);
	CHECK(st.ansi > 0);
	/* an escape that is not a complete sequence stays */
	CHECK_VIEW(normalize_text(&a, STR_LIT("\x1b[32"), &st), "\x1b[32");
	CHECK_INT(st.ansi, 0);
	arena_release(&a);
	free(coloured);
	free(plain);
}

TEST_MAIN(test_typographic_quotes_become_ascii, test_double_quotes_and_apostrophes_of_seed004,
	  test_every_nbsp_of_seed003_becomes_a_space,
	  test_bom_crlf_and_nul_are_fixed_without_moving_lines, test_zero_width_and_narrow_spaces,
	  test_plain_ascii_and_other_utf8_are_untouched, test_terminal_colours_are_dropped)
