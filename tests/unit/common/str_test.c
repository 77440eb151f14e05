/* str_test.c - tests for common/str.c and common/pciaddr.c. */
#include "common/pciaddr.h"
#include "common/sbuf.h"
#include "common/str.h"
#include "test.h"

static void test_next_line_strips_crlf_and_keeps_last_line(void)
{
	struct str in = str_from_cstr("a\r\nb\n\nc");
	struct str line;

	CHECK(str_next_line(&in, &line));
	CHECK_VIEW(line, "a");
	CHECK(str_next_line(&in, &line));
	CHECK_VIEW(line, "b");
	CHECK(str_next_line(&in, &line));
	CHECK_VIEW(line, "");
	CHECK(str_next_line(&in, &line));
	CHECK_VIEW(line, "c");
	CHECK(!str_next_line(&in, &line));
}

static void test_numbers_are_range_checked(void)
{
	uint64_t v = 7;
	int64_t s = 0;

	CHECK(str_to_u64(str_from_cstr("0x1f"), 0, 0, 100, &v));
	CHECK_INT(v, 31);
	CHECK(!str_to_u64(str_from_cstr("101"), 10, 0, 100, &v));
	CHECK(!str_to_u64(str_from_cstr("12x"), 10, 0, 100, &v));
	CHECK(!str_to_u64(str_from_cstr("18446744073709551616"), 10, 0, UINT64_MAX, &v));
	/* a single digit above a max smaller than the base (found by fuzz_lspci: "Region 8:") */
	CHECK(!str_to_u64(str_from_cstr("8"), 10, 0, 5, &v));
	CHECK(str_to_u64(str_from_cstr("5"), 10, 0, 5, &v));
	CHECK(str_to_i64(str_from_cstr("-5"), 10, -10, 10, &s));
	CHECK_INT(s, -5);
}

static void test_pciaddr_spellings(void)
{
	struct pciaddr a;
	char buf[PCIADDR_STR_MAX];
	size_t at;

	CHECK(pciaddr_parse(str_from_cstr("0000:00:02.0"), false, &a));
	CHECK_STR(pciaddr_format(&a, buf), "0000:00:02.0");
	CHECK(pciaddr_parse(str_from_cstr("0B:00.1"), false, &a));
	CHECK_STR(pciaddr_format(&a, buf), "0000:0b:00.1");
	CHECK(!pciaddr_parse(str_from_cstr("01:00"), false, &a));
	CHECK(pciaddr_parse(str_from_cstr("01:00"), true, &a));
	CHECK_STR(pciaddr_format(&a, buf), "0000:01:00");
	CHECK(!pciaddr_parse(str_from_cstr("00:20.0"), false, &a)); /* device > 31 */
	/* a line from seed 001 */
	CHECK(pciaddr_find(
		str_from_cstr("[ 123.660367] vfio-pci 0000:00:02.0: Invalid PCI ROM header "
			      "signature: expecting 0xaa55, got 0xcffa"),
		&a, &at));
	CHECK_STR(pciaddr_format(&a, buf), "0000:00:02.0");
	CHECK_INT(at, 23);
}

static void test_sbuf_caps_and_sticks(void)
{
	struct sbuf sb;

	sbuf_init(&sb, 8);
	sbuf_addstr(&sb, "12345");
	CHECK(!sbuf_failed(&sb));
	sbuf_addf(&sb, "%s", "6789");
	CHECK(sbuf_failed(&sb));
	CHECK_STR(sb.buf, "12345");
	sbuf_release(&sb);
}

TEST_MAIN(test_next_line_strips_crlf_and_keeps_last_line, test_numbers_are_range_checked,
	  test_pciaddr_spellings, test_sbuf_caps_and_sticks)
