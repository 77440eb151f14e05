/* base64_test.c - tests for common/base64.c: the RFC 4648 section 10 vectors, the layouts
 * JSON writers produce (wrapped, unpadded) and the inputs it must refuse. */
#include <string.h>

#include "common/base64.h"
#include "test.h"

static long decode(const char *in, unsigned char *out, size_t cap)
{
	return base64_decode(str_from_cstr(in), out, cap);
}

static void test_rfc4648_vectors(void)
{
	static const char *const enc[] = { "",	       "Zg==",	   "Zm8=",    "Zm9v",
					   "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy" };
	static const char *const dec[] = { "", "f", "fo", "foo", "foob", "fooba", "foobar" };
	unsigned char out[16];

	for (size_t i = 0; i < sizeof(enc) / sizeof(enc[0]); i++) {
		long n = decode(enc[i], out, sizeof(out));

		CHECK_INT(n, (long)strlen(dec[i]));
		CHECK(n >= 0 && memcmp(out, dec[i], (size_t)n) == 0);
		CHECK(base64_decoded_max(str_from_cstr(enc[i])) >= strlen(dec[i]));
	}
}

static void test_binary_wrapped_and_unpadded(void)
{
	/* the first bytes of a PCI option ROM: 55 aa 38 ... and 512 bytes of 0xff, wrapped */
	unsigned char out[600];
	char ff[700];
	size_t n = 0;

	CHECK_INT(decode("Vao4", out, sizeof(out)), 3);
	CHECK_INT(out[0], 0x55);
	CHECK_INT(out[1], 0xaa);
	CHECK_INT(out[2], 0x38);
	CHECK_INT(decode("Zm9vYg", out, sizeof(out)), 4); /* padding left off */
	for (int i = 0; i < 170; i++) {
		memcpy(ff + n, "////\n", 5);
		n += i % 19 == 18 ? 5 : 4;
	}
	memcpy(ff + n, "//8=", 5);
	CHECK_INT(decode(ff, out, sizeof(out)), 512);
	CHECK_INT(out[0], 0xff);
	CHECK_INT(out[511], 0xff);
}

static void test_refuses_bad_input_and_overflow(void)
{
	unsigned char out[4];

	CHECK_INT(decode("Zm9v!", out, sizeof(out)), -1);    /* stray character */
	CHECK_INT(decode("Zm9v_-8", out, sizeof(out)), -1);  /* URL-safe alphabet */
	CHECK_INT(decode("Zm9vY", out, sizeof(out)), -1);    /* a dangling character */
	CHECK_INT(decode("Zg==Zg==", out, sizeof(out)), -1); /* data after padding */
	CHECK_INT(decode("Zg===", out, sizeof(out)), -1);    /* too much padding */
	CHECK_INT(decode("Zm9=", out, sizeof(out)), 2);	     /* 3 characters, 1 pad */
	CHECK_INT(decode("Zm9vYmFy", out, sizeof(out)), -1); /* 6 bytes into 4 */
	CHECK_INT(decode("Zm9vYg==", out, sizeof(out)), 4);  /* exactly 4 fits */
}

TEST_MAIN(test_rfc4648_vectors, test_binary_wrapped_and_unpadded,
	  test_refuses_bad_input_and_overflow)
