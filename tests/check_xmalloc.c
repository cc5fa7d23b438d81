/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for lib/xmalloc.c.  The wrappers' promise is "never NULL,
 * and impossible sizes end the process with status 1", so the fatal paths
 * run as Check exit tests: each one must exit(1), and a wrapper that
 * silently returned a short buffer instead would make the test fail.
 */

#include "config.h"

#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "xmalloc.h"

static Suite	*check_xmalloc_suite(void);

START_TEST(check_xmalloc_alloc)
{
	char		*p;
	int		*v;
	size_t		 i;

	p = xmalloc(100);
	memset(p, 'a', 100);
	free(p);

	v = xcalloc(64, sizeof *v);
	for (i = 0; i < 64; i++)
		ck_assert_int_eq(v[i], 0);
	v = xreallocarray(v, 1024, sizeof *v);
	v[1023] = 7;
	ck_assert_int_eq(v[0], 0);
	ck_assert_int_eq(v[1023], 7);
	v = xrealloc(v, 8 * sizeof *v);
	ck_assert_int_eq(v[0], 0);
	free(v);
}
END_TEST

START_TEST(check_xmalloc_strings)
{
	char	*s;
	int	 n;

	s = xstrdup("datastore1");
	ck_assert_str_eq(s, "datastore1");
	free(s);

	s = xstrndup("datastore1", 4);
	ck_assert_str_eq(s, "data");
	free(s);
	/* A limit past the end copies the whole string. */
	s = xstrndup("vm", 100);
	ck_assert_str_eq(s, "vm");
	free(s);

	n = xasprintf(&s, "%s-%03d", "web", 7);
	ck_assert_int_eq(n, 7);
	ck_assert_str_eq(s, "web-007");
	free(s);

	s = xmemdup("a\0b", 3);
	ck_assert_int_eq(memcmp(s, "a\0b", 3), 0);
	free(s);
}
END_TEST

START_TEST(check_xmalloc_recalloc)
{
	unsigned char	*p;
	size_t		 i;

	p = xmalloc(16);
	memset(p, 0xaa, 16);
	p = xrecallocarray(p, 16, 4096, 1);
	/* The old contents survive, and every new byte is zero even though
	 * realloc may hand back dirty memory. */
	for (i = 0; i < 16; i++)
		ck_assert_uint_eq(p[i], 0xaa);
	for (i = 16; i < 4096; i++)
		ck_assert_uint_eq(p[i], 0);
	/* Shrinking keeps the head. */
	p = xrecallocarray(p, 4096, 8, 1);
	ck_assert_uint_eq(p[7], 0xaa);
	free(p);
}
END_TEST

START_TEST(check_xmalloc_snprintf)
{
	char	buf[8];

	ck_assert_int_eq(xsnprintf(buf, sizeof buf, "%s", "1234567"), 7);
	ck_assert_str_eq(buf, "1234567");
	ck_assert_int_eq(xsnprintf(buf, sizeof buf, "%d", 0), 1);
	ck_assert_str_eq(buf, "0");
}
END_TEST

START_TEST(check_xmalloc_zero)
{
	void	*a, *b;
	char	*s;

	/* Zero sizes give distinct, freeable pointers, never NULL. */
	a = xmalloc(0);
	b = xmalloc(0);
	ck_assert_ptr_nonnull(a);
	ck_assert_ptr_nonnull(b);
	ck_assert_ptr_ne(a, b);
	free(a);
	free(b);

	a = xcalloc(0, 16);
	ck_assert_ptr_nonnull(a);
	a = xreallocarray(a, 0, 16);
	ck_assert_ptr_nonnull(a);
	a = xrealloc(a, 0);
	ck_assert_ptr_nonnull(a);
	free(a);

	a = xmemdup("", 0);
	ck_assert_ptr_nonnull(a);
	free(a);

	s = xstrdup("");
	ck_assert_str_eq(s, "");
	free(s);
	s = xstrndup("abc", 0);
	ck_assert_str_eq(s, "");
	free(s);
	ck_assert_int_eq(xasprintf(&s, "%s", ""), 0);
	ck_assert_str_eq(s, "");
	free(s);
}
END_TEST

START_TEST(check_xmalloc_large)
{
	char	*big, *s;
	size_t	 len = 1 << 20;

	/* xasprintf has no fixed buffer: a megabyte comes back whole. */
	big = xmalloc(len + 1);
	memset(big, 'q', len);
	big[len] = '\0';
	ck_assert_int_eq(xasprintf(&s, "<%s>", big), (int)len + 2);
	ck_assert_uint_eq(strlen(s), len + 2);
	ck_assert_int_eq(s[len + 1], '>');
	free(s);
	s = xstrndup(big, len - 1);
	ck_assert_uint_eq(strlen(s), len - 1);
	free(s);
	free(big);
}
END_TEST

START_TEST(check_xmalloc_overflow)
{
	log_init("txmalloc", 0);
	(void)xreallocarray(NULL, SIZE_MAX / 2 + 1, 2);
	/* Not reached.  Exit 2, as ck_abort() would exit 1 and pass. */
	exit(2);
}
END_TEST

START_TEST(check_xmalloc_calloc_overflow)
{
	log_init("txmalloc", 0);
	(void)xcalloc(SIZE_MAX / 8 + 1, 8);
	/* Not reached.  Exit 2, as ck_abort() would exit 1 and pass. */
	exit(2);
}
END_TEST

START_TEST(check_xmalloc_recalloc_overflow)
{
	log_init("txmalloc", 0);
	(void)xrecallocarray(NULL, 0, SIZE_MAX / 16 + 1, 16);
	/* Not reached.  Exit 2, as ck_abort() would exit 1 and pass. */
	exit(2);
}
END_TEST

START_TEST(check_xmalloc_snprintf_truncated)
{
	char	buf[8];

	log_init("txmalloc", 0);
	(void)xsnprintf(buf, sizeof buf, "%s", "12345678");
	/* Not reached.  Exit 2, as ck_abort() would exit 1 and pass. */
	exit(2);
}
END_TEST

static Suite *
check_xmalloc_suite(void)
{
	Suite	*s;
	TCase	*tc;

	s = suite_create("xmalloc");

	tc = tcase_create("core");
	tcase_add_test(tc, check_xmalloc_alloc);
	tcase_add_test(tc, check_xmalloc_strings);
	tcase_add_test(tc, check_xmalloc_recalloc);
	tcase_add_test(tc, check_xmalloc_snprintf);
	suite_add_tcase(s, tc);

	tc = tcase_create("limits");
	tcase_add_test(tc, check_xmalloc_zero);
	tcase_add_test(tc, check_xmalloc_large);
	suite_add_tcase(s, tc);

	tc = tcase_create("errors");
	tcase_add_exit_test(tc, check_xmalloc_overflow, 1);
	tcase_add_exit_test(tc, check_xmalloc_calloc_overflow, 1);
	tcase_add_exit_test(tc, check_xmalloc_recalloc_overflow, 1);
	tcase_add_exit_test(tc, check_xmalloc_snprintf_truncated, 1);
	suite_add_tcase(s, tc);

	return (s);
}

int
main(void)
{
	SRunner	*sr;
	int	 failed;

	sr = srunner_create(check_xmalloc_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return (failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE);
}
