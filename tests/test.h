/* test.h - the unit-test harness: CHECK macros, a failure count, and helpers to find the
 * repository and shared/ data. A test file defines test functions and ends with
 * TEST_MAIN(test_a, test_b, ...). The summary line "N passed, M failed" is what CI reads. */
#pragma once

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int test_checks_failed __attribute__((unused));
static int test_current_failed;

#define CHECK(cond)                                                                              \
	do {                                                                                     \
		if (!(cond)) {                                                                   \
			fprintf(stderr, "%s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #cond); \
			test_checks_failed++;                                                    \
			test_current_failed = 1;                                                 \
		}                                                                                \
	} while (0)

#define CHECK_INT(a, b)                                                                       \
	do {                                                                                  \
		long long va_ = (long long)(a), vb_ = (long long)(b);                         \
		if (va_ != vb_) {                                                             \
			fprintf(stderr, "%s:%d: %s == %lld, expected %s == %lld\n", __FILE__, \
				__LINE__, #a, va_, #b, vb_);                                  \
			test_checks_failed++;                                                 \
			test_current_failed = 1;                                              \
		}                                                                             \
	} while (0)

#define CHECK_STR(a, b)                                                                     \
	do {                                                                                \
		const char *sa_ = (a), *sb_ = (b);                                          \
		if (!sa_ || !sb_ || strcmp(sa_, sb_) != 0) {                                \
			fprintf(stderr, "%s:%d: %s == \"%s\", expected \"%s\"\n", __FILE__, \
				__LINE__, #a, sa_ ? sa_ : "(null)", sb_ ? sb_ : "(null)");  \
			test_checks_failed++;                                               \
			test_current_failed = 1;                                            \
		}                                                                           \
	} while (0)

/* Compares a struct str view with a C string. */
#define CHECK_VIEW(view, cstr)                                                                \
	do {                                                                                  \
		struct str v_ = (view);                                                       \
		const char *c_ = (cstr);                                                      \
		if (v_.len != strlen(c_) || memcmp(v_.ptr, c_, v_.len) != 0) {                \
			fprintf(stderr, "%s:%d: %s == \"%.*s\", expected \"%s\"\n", __FILE__, \
				__LINE__, #view, (int)v_.len, v_.ptr, c_);                    \
			test_checks_failed++;                                                 \
			test_current_failed = 1;                                              \
		}                                                                             \
	} while (0)

typedef void (*test_fn)(void);

static inline int test_run_all(const char *const *names, const test_fn *fns, size_t n)
{
	int passed = 0, failed = 0;

	for (size_t i = 0; i < n; i++) {
		test_current_failed = 0;
		fns[i]();
		if (test_current_failed) {
			fprintf(stderr, "FAIL %s\n", names[i]);
			failed++;
		} else {
			passed++;
		}
	}
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}

#define TEST_STRINGIFY_EACH_(...) #__VA_ARGS__
#define TEST_MAIN(...)                                                             \
	int main(void)                                                             \
	{                                                                          \
		static const test_fn fns_[] = { __VA_ARGS__ };                     \
		static char names_buf_[] = TEST_STRINGIFY_EACH_(__VA_ARGS__);      \
		const char *names_[sizeof(fns_) / sizeof(fns_[0])];                \
		char *p_ = names_buf_;                                             \
		for (size_t i_ = 0; i_ < sizeof(fns_) / sizeof(fns_[0]); i_++) {   \
			while (*p_ == ' ' || *p_ == ',')                           \
				p_++;                                              \
			names_[i_] = p_;                                           \
			while (*p_ && *p_ != ',')                                  \
				p_++;                                              \
			if (*p_)                                                   \
				*p_++ = '\0';                                      \
		}                                                                  \
		return test_run_all(names_, fns_, sizeof(fns_) / sizeof(fns_[0])); \
	}

/* Directory helpers: the environment ctest sets (tests/CMakeLists.txt). */
static inline const char *test_env(const char *name)
{
	const char *v = getenv(name);

	if (!v || !*v) {
		fprintf(stderr, "environment variable %s is not set (run through ctest)\n", name);
		exit(2);
	}
	return v;
}

/* Reads a whole file; yours, free(). Exits the test on failure (missing test data is a
 * broken test, not a skipped one). */
static inline char *test_read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t n = 0, cap = 0;

	if (!f) {
		fprintf(stderr, "cannot open test data '%s'\n", path);
		exit(2);
	}
	for (;;) {
		if (n + 65536 + 1 > cap) {
			cap = (n + 65536 + 1) * 2;
			buf = realloc(buf, cap);
			if (!buf)
				exit(2);
		}
		size_t r = fread(buf + n, 1, 65536, f);
		n += r;
		if (r == 0)
			break;
	}
	fclose(f);
	buf[n] = '\0';
	if (len)
		*len = n;
	return buf;
}

/* Builds "<env dir>/<rel>" into a static buffer (valid until the next call). */
static inline const char *test_path(const char *env, const char *rel)
{
	static char buf[4096];

	snprintf(buf, sizeof(buf), "%s/%s", test_env(env), rel);
	return buf;
}
