/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for rcli/table.c, what rcli prints: columns fitted to the
 * widest cell (UTF-8 counted by characters), the vertical form of one
 * record, JSON with numbers only in numeric fields and every string
 * escaped, RFC 4180 CSV, XML with markup escaped, the streaming forms
 * (JSON Lines, no repeated header), and control characters from a
 * hostile host never reaching the terminal raw.
 */

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "rcli.h"

static char	*check_rcli_table_print(const struct table *,
		    enum table_format);
static struct table *check_rcli_table_vms(void);
static Suite	*check_rcli_table_suite(void);

static char *
check_rcli_table_print(const struct table *t, enum table_format f)
{
	FILE	*fp;
	char	*s = NULL;
	size_t	 len = 0;

	fp = open_memstream(&s, &len);
	ck_assert_ptr_nonnull(fp);
	ck_assert_int_eq(table_print(t, fp, f), 0);
	fclose(fp);
	return (s);
}

static struct table *
check_rcli_table_vms(void)
{
	static const char *const cols[] = { "id", "name", "memoryMB:n",
	    NULL };
	static const char *const r1[] = { "1", "web01", "64" };
	static const char *const r2[] = { "12", "db \"main\", eu", "" };
	struct table	*t;

	t = table_create(cols);
	table_add(t, r1);
	table_add(t, r2);
	return (t);
}

START_TEST(check_rcli_table_text)
{
	struct table	*t;
	char		*s;

	t = check_rcli_table_vms();
	s = check_rcli_table_print(t, TABLE_TEXT);
	ck_assert_str_eq(s,
	    "id  name           memoryMB\n"
	    "1   web01          64\n"
	    "12  db \"main\", eu  \n");
	free(s);
	table_free(t);
}
END_TEST

START_TEST(check_rcli_table_utf8)
{
	static const char *const cols[] = { "name", "x", NULL };
	static const char *const r1[] = { "caf\xc3\xa9", "1" };
	static const char *const r2[] = { "abcde", "2" };
	struct table	*t;
	char		*s;

	t = table_create(cols);
	table_add(t, r1);
	table_add(t, r2);
	s = check_rcli_table_print(t, TABLE_TEXT);
	/* "café" is 4 columns wide, not 5 bytes. */
	ck_assert_str_eq(s, "name   x\ncaf\xc3\xa9   1\nabcde  2\n");
	free(s);
	table_free(t);
}
END_TEST

START_TEST(check_rcli_table_vertical_form)
{
	static const char *const cols[] = { "name", "powerState", NULL };
	static const char *const r1[] = { "web01", "poweredOn" };
	struct table	*t;
	char		*s;

	t = table_create(cols);
	table_add(t, r1);
	table_vertical(t);
	s = check_rcli_table_print(t, TABLE_TEXT);
	ck_assert_str_eq(s, "name:       web01\npowerState: poweredOn\n");
	free(s);
	/* Scripts get the same fields as a normal record. */
	s = check_rcli_table_print(t, TABLE_JSON);
	ck_assert_str_eq(s, "[\n  {\"name\": \"web01\", \"powerState\": "
	    "\"poweredOn\"}\n]\n");
	free(s);
	table_free(t);
}
END_TEST

START_TEST(check_rcli_table_json)
{
	struct table	*t;
	char		*s;

	t = check_rcli_table_vms();
	s = check_rcli_table_print(t, TABLE_JSON);
	ck_assert_str_eq(s, "[\n"
	    "  {\"id\": \"1\", \"name\": \"web01\", \"memoryMB\": 64},\n"
	    "  {\"id\": \"12\", \"name\": \"db \\\"main\\\", eu\", "
	    "\"memoryMB\": null}\n]\n");
	free(s);
	table_free(t);
}
END_TEST

START_TEST(check_rcli_table_json_empty)
{
	static const char *const cols[] = { "id", NULL };
	struct table	*t;
	char		*s;

	t = table_create(cols);
	s = check_rcli_table_print(t, TABLE_JSON);
	ck_assert_str_eq(s, "[]\n");
	free(s);
	table_free(t);
}
END_TEST

START_TEST(check_rcli_table_csv)
{
	struct table	*t;
	char		*s;

	t = check_rcli_table_vms();
	s = check_rcli_table_print(t, TABLE_CSV);
	ck_assert_str_eq(s, "id,name,memoryMB\r\n1,web01,64\r\n"
	    "12,\"db \"\"main\"\", eu\",\r\n");
	free(s);
	table_free(t);
}
END_TEST

START_TEST(check_rcli_table_xml)
{
	static const char *const cols[] = { "name", NULL };
	static const char *const r1[] = { "<a&b>" };
	struct table	*t;
	char		*s;

	t = table_create(cols);
	table_add(t, r1);
	s = check_rcli_table_print(t, TABLE_XML);
	ck_assert_str_eq(s, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<rcli>\n  <row><name>&lt;a&amp;b&gt;</name></row>\n</rcli>\n");
	free(s);
	table_free(t);
}
END_TEST

START_TEST(check_rcli_table_stream)
{
	struct table	*t;
	char		*s;

	t = check_rcli_table_vms();
	table_stream(t, 1);
	s = check_rcli_table_print(t, TABLE_JSON);
	ck_assert_str_eq(s, "{\"id\": \"1\", \"name\": \"web01\", "
	    "\"memoryMB\": 64}\n{\"id\": \"12\", \"name\": "
	    "\"db \\\"main\\\", eu\", \"memoryMB\": null}\n");
	free(s);
	table_stream(t, 0);
	s = check_rcli_table_print(t, TABLE_TEXT);
	ck_assert_ptr_null(strstr(s, "memoryMB"));
	ck_assert_ptr_nonnull(strstr(s, "web01"));
	free(s);
	s = check_rcli_table_print(t, TABLE_CSV);
	ck_assert_str_eq(s, "1,web01,64\r\n12,\"db \"\"main\"\", eu\",\r\n");
	free(s);
	table_free(t);
}
END_TEST

START_TEST(check_rcli_table_controls)
{
	static const char *const cols[] = { "name", NULL };
	static const char *const r1[] = { "evil\033[2J\r\nvm" };
	struct table	*t;
	char		*s;

	t = table_create(cols);
	table_add(t, r1);
	s = check_rcli_table_print(t, TABLE_TEXT);
	ck_assert_ptr_null(strchr(s, '\033'));
	ck_assert_ptr_null(strchr(s, '\r'));
	ck_assert_str_eq(s, "name\nevil?[2J??vm\n");
	free(s);
	s = check_rcli_table_print(t, TABLE_JSON);
	ck_assert_str_eq(s, "[\n  {\"name\": \"evil\\u001b[2J\\u000d\\nvm\"}"
	    "\n]\n");
	free(s);
	s = check_rcli_table_print(t, TABLE_XML);
	ck_assert_ptr_null(strchr(s, '\033'));
	free(s);
	table_free(t);
}
END_TEST

START_TEST(check_rcli_table_formats)
{
	enum table_format	 f;

	ck_assert_int_eq(table_format_parse("json", &f), 0);
	ck_assert_int_eq(f, TABLE_JSON);
	ck_assert_int_eq(table_format_parse("csv", &f), 0);
	ck_assert_int_eq(f, TABLE_CSV);
	ck_assert_int_eq(table_format_parse("xml", &f), 0);
	ck_assert_int_eq(f, TABLE_XML);
	ck_assert_int_eq(table_format_parse("table", &f), 0);
	ck_assert_int_eq(f, TABLE_TEXT);
	ck_assert_int_eq(table_format_parse("yaml", &f), -1);
	ck_assert_int_eq(table_format_parse("", &f), -1);
}
END_TEST

static Suite *
check_rcli_table_suite(void)
{
	Suite	*s;
	TCase	*tc;

	s = suite_create("rcli_table");
	tc = tcase_create("core");
	tcase_add_test(tc, check_rcli_table_text);
	tcase_add_test(tc, check_rcli_table_utf8);
	tcase_add_test(tc, check_rcli_table_vertical_form);
	tcase_add_test(tc, check_rcli_table_json);
	tcase_add_test(tc, check_rcli_table_csv);
	tcase_add_test(tc, check_rcli_table_xml);
	tcase_add_test(tc, check_rcli_table_stream);
	suite_add_tcase(s, tc);
	tc = tcase_create("errors");
	tcase_add_test(tc, check_rcli_table_json_empty);
	tcase_add_test(tc, check_rcli_table_controls);
	tcase_add_test(tc, check_rcli_table_formats);
	suite_add_tcase(s, tc);
	return (s);
}

int
main(void)
{
	SRunner	*sr;
	int	 failed;

	sr = srunner_create(check_rcli_table_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return (failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE);
}
