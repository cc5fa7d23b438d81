/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for lib/cfg.c, the .vmx-style key/value parser and writer:
 * byte-exact round trips of a real-looking .vmx (tests/data/web01.vmx),
 * edits that touch only their own line, case-insensitive and duplicate
 * keys, |XX escapes both ways, every parse error with its exact position,
 * the size limits, and the boolean and integer accessors.
 */

#include "config.h"

#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "cfg.h"
#include "xmalloc.h"

struct check_cfg_bad {
	const char	*input;
	size_t		 len;		/* 0: strlen(input) */
	const char	*cause;
};

static char	*check_cfg_read(const char *, size_t *);
static char	*check_cfg_data(const char *);
static struct cfg *check_cfg_parse_ok(const char *);
static void	 check_cfg_expect_text(const struct cfg *, const char *);
static char	*check_cfg_tmpdir(void);
static int	 check_cfg_count_files(const char *);
static void	 check_cfg_rmdir(char *);
static Suite	*check_cfg_suite(void);

/* The whole file at path (NUL-terminated), or NULL. */
static char *
check_cfg_read(const char *path, size_t *lenp)
{
	FILE	*f;
	char	*buf;
	long	 len;

	if ((f = fopen(path, "rb")) == NULL)
		return (NULL);
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = xmalloc((size_t)len + 1);
	if (fread(buf, 1, (size_t)len, f) != (size_t)len) {
		fclose(f);
		free(buf);
		return (NULL);
	}
	buf[len] = '\0';
	fclose(f);
	if (lenp != NULL)
		*lenp = (size_t)len;
	return (buf);
}

/* Path of a file in tests/data. */
static char *
check_cfg_data(const char *name)
{
	const char	*top;
	char		*path;

	if ((top = getenv("TOP_SRCDIR")) == NULL)
		top = ".";
	xasprintf(&path, "%s/tests/data/%s", top, name);
	return (path);
}

static struct cfg *
check_cfg_parse_ok(const char *text)
{
	struct cfg	*cfg;
	char		*cause = NULL;

	cfg = cfg_parse(text, strlen(text), "t.vmx", &cause);
	ck_assert_msg(cfg != NULL, "parse failed: %s", cause);
	ck_assert_ptr_null(cause);
	return (cfg);
}

static void
check_cfg_expect_text(const struct cfg *cfg, const char *expected)
{
	char	*buf;
	size_t	 len;

	buf = cfg_write_buf(cfg, &len);
	ck_assert_str_eq(buf, expected);
	ck_assert_uint_eq(len, strlen(expected));
	free(buf);
}

static char *
check_cfg_tmpdir(void)
{
	char	*dir;

	dir = xstrdup("/tmp/check_cfg.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	return (dir);
}

/* Entries in dir other than . and .. */
static int
check_cfg_count_files(const char *dir)
{
	DIR		*d;
	struct dirent	*de;
	int		 n = 0;

	ck_assert_ptr_nonnull(d = opendir(dir));
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") != 0 &&
		    strcmp(de->d_name, "..") != 0)
			n++;
	}
	closedir(d);
	return (n);
}

static void
check_cfg_rmdir(char *dir)
{
	DIR		*d;
	struct dirent	*de;
	char		*path;

	if ((d = opendir(dir)) != NULL) {
		while ((de = readdir(d)) != NULL) {
			if (strcmp(de->d_name, ".") == 0 ||
			    strcmp(de->d_name, "..") == 0)
				continue;
			xasprintf(&path, "%s/%s", dir, de->d_name);
			unlink(path);
			free(path);
		}
		closedir(d);
	}
	rmdir(dir);
	free(dir);
}

START_TEST(check_cfg_vmx_roundtrip)
{
	struct cfg	*cfg;
	char		*path, *orig, *out, *cause = NULL;
	size_t		 len, outlen;
	long long	 n;

	path = check_cfg_data("web01.vmx");
	ck_assert_ptr_nonnull(orig = check_cfg_read(path, &len));
	cfg = cfg_load(path, &cause);
	ck_assert_msg(cfg != NULL, "%s", cause);

	out = cfg_write_buf(cfg, &outlen);
	ck_assert_uint_eq(outlen, len);
	ck_assert_mem_eq(out, orig, len);
	free(out);

	ck_assert_uint_eq(cfg_count(cfg), 56);
	ck_assert_str_eq(cfg_key(cfg, 0), ".encoding");
	ck_assert_str_eq(cfg_value(cfg, 0), "UTF-8");
	ck_assert_str_eq(cfg_get(cfg, "displayName"), "web01");
	ck_assert_str_eq(cfg_get(cfg, "scsi0:0.fileName"), "web01.vmdk");
	ck_assert_str_eq(cfg_get(cfg, "ethernet0.networkName"),
	    "VM Network");
	ck_assert_str_eq(cfg_get(cfg, "annotation"),
	    "Staging web server\nOwner: ops | web team\nQuote: \"hi\"");
	ck_assert_str_eq(cfg_get(cfg, "checkpoint.vmState"), "");
	ck_assert_int_eq(cfg_get_bool(cfg, "ethernet0.present", 0), 1);
	ck_assert_int_eq(cfg_get_bool(cfg, "floppy0.present", 1), 0);
	ck_assert_int_eq(cfg_get_int(cfg, "memsize", 4, 1 << 20, 0, &n, NULL),
	    0);
	ck_assert_int_eq(n, 2048);
	ck_assert_int_eq(cfg_get_int(cfg, "RemoteDisplay.maxConnections",
	    -1, 64, 0, &n, NULL), 0);
	ck_assert_int_eq(n, -1);
	ck_assert_ptr_null(cfg_get(cfg, "ide0:0.fileName"));
	ck_assert_ptr_null(cfg_key(cfg, 56));
	ck_assert_ptr_null(cfg_value(cfg, 56));
	cfg_free(cfg);
	free(orig);
	free(path);
}
END_TEST

START_TEST(check_cfg_set_in_place)
{
	struct cfg	*cfg;

	cfg = check_cfg_parse_ok(
	    "# header\n"
	    "displayName=\"a\"\n"
	    "\n"
	    "memsize   =   \"512\"   # small\n"
	    "numvcpus = \"1\"\n");
	/* Same value: the line keeps its odd spacing and comment. */
	cfg_set(cfg, "memsize", "512");
	check_cfg_expect_text(cfg,
	    "# header\n"
	    "displayName=\"a\"\n"
	    "\n"
	    "memsize   =   \"512\"   # small\n"
	    "numvcpus = \"1\"\n");
	/* New value: that line only is rewritten, where it was. */
	cfg_set(cfg, "memsize", "1024");
	cfg_set(cfg, "guestOS", "other-64");
	check_cfg_expect_text(cfg,
	    "# header\n"
	    "displayName=\"a\"\n"
	    "\n"
	    "memsize = \"1024\"\n"
	    "numvcpus = \"1\"\n"
	    "guestOS = \"other-64\"\n");
	ck_assert_str_eq(cfg_get(cfg, "memsize"), "1024");
	ck_assert_uint_eq(cfg_count(cfg), 4);
	ck_assert_str_eq(cfg_key(cfg, 3), "guestOS");
	cfg_free(cfg);
}
END_TEST

START_TEST(check_cfg_unset)
{
	struct cfg	*cfg;

	cfg = check_cfg_parse_ok(
	    "a = \"1\"\n"
	    "# keep me\n"
	    "B = \"2\"\n"
	    "c = \"3\"\n"
	    "b = \"4\"\n");
	ck_assert_int_eq(cfg_unset(cfg, "b"), 0);
	check_cfg_expect_text(cfg, "a = \"1\"\n# keep me\nc = \"3\"\n");
	ck_assert_ptr_null(cfg_get(cfg, "b"));
	ck_assert_uint_eq(cfg_count(cfg), 2);
	ck_assert_str_eq(cfg_key(cfg, 1), "c");
	errno = 0;
	ck_assert_int_eq(cfg_unset(cfg, "b"), -1);
	ck_assert_int_eq(errno, ENOENT);
	check_cfg_expect_text(cfg, "a = \"1\"\n# keep me\nc = \"3\"\n");
	cfg_free(cfg);
}
END_TEST

START_TEST(check_cfg_case_and_duplicates)
{
	struct cfg	*cfg;

	cfg = check_cfg_parse_ok(
	    "displayName = \"first\"\n"
	    "memSize = \"256\"\n"
	    "DISPLAYNAME = \"second\"\n");
	ck_assert_uint_eq(cfg_count(cfg), 3);
	ck_assert_str_eq(cfg_get(cfg, "displayname"), "second");
	ck_assert_str_eq(cfg_get(cfg, "DisplayName"), "second");
	ck_assert_str_eq(cfg_value(cfg, 0), "first");
	/* The winning (last) line is the one rewritten, spelling kept. */
	cfg_set(cfg, "DISPLAYname", "third");
	cfg_set(cfg, "MEMSIZE", "512");
	check_cfg_expect_text(cfg,
	    "displayName = \"first\"\n"
	    "memSize = \"512\"\n"
	    "DISPLAYNAME = \"third\"\n");
	ck_assert_str_eq(cfg_get(cfg, "displayName"), "third");
	cfg_free(cfg);
}
END_TEST

START_TEST(check_cfg_escapes_read)
{
	struct cfg	*cfg;

	cfg = check_cfg_parse_ok(
	    "a = \"x|22y|7cz|0Aw|0a|23\"\n"
	    "b = \"caf\xc3\xa9 #1\"\n"
	    "c = \"tab\there\"\n"
	    "d = bare|7Cvalue   # comment\n"
	    "e = \"\"\n"
	    "f =\n"
	    "g = \"v\"# tight comment\n");
	ck_assert_str_eq(cfg_get(cfg, "a"), "x\"y|z\nw\n#");
	ck_assert_str_eq(cfg_get(cfg, "b"), "caf\xc3\xa9 #1");
	ck_assert_str_eq(cfg_get(cfg, "c"), "tab\there");
	ck_assert_str_eq(cfg_get(cfg, "d"), "bare|value");
	ck_assert_str_eq(cfg_get(cfg, "e"), "");
	ck_assert_str_eq(cfg_get(cfg, "f"), "");
	ck_assert_str_eq(cfg_get(cfg, "g"), "v");
	cfg_free(cfg);
}
END_TEST

START_TEST(check_cfg_escapes_write)
{
	struct cfg	*cfg, *again;
	const char	*value = "q\"p|n\nt\tc\x01" "d\x7f#h\xc3\xa9";
	char		*buf;
	size_t		 len;

	cfg = cfg_create();
	cfg_set(cfg, ".encoding", "UTF-8");
	cfg_set(cfg, "annotation", value);
	check_cfg_expect_text(cfg,
	    ".encoding = \"UTF-8\"\n"
	    "annotation = \"q|22p|7Cn|0At|09c|01d|7F#h\xc3\xa9\"\n");
	buf = cfg_write_buf(cfg, &len);
	again = cfg_parse(buf, len, "again", NULL);
	ck_assert_ptr_nonnull(again);
	ck_assert_str_eq(cfg_get(again, "annotation"), value);
	free(buf);
	cfg_free(again);
	cfg_free(cfg);
}
END_TEST

START_TEST(check_cfg_crlf_and_last_line)
{
	struct cfg	*cfg;
	const char	*crlf = "a = \"1\"\r\n# c\r\nb = 2\r\n";

	cfg = check_cfg_parse_ok(crlf);
	check_cfg_expect_text(cfg, crlf);
	ck_assert_str_eq(cfg_get(cfg, "a"), "1");
	ck_assert_str_eq(cfg_get(cfg, "b"), "2");
	cfg_set(cfg, "c", "3");
	check_cfg_expect_text(cfg,
	    "a = \"1\"\r\n# c\r\nb = 2\r\nc = \"3\"\r\n");
	cfg_free(cfg);

	/* No line end on the last line: kept, and added before a new one. */
	cfg = check_cfg_parse_ok("a = \"1\"\nb = \"2\"");
	check_cfg_expect_text(cfg, "a = \"1\"\nb = \"2\"");
	cfg_set(cfg, "b", "3");
	check_cfg_expect_text(cfg, "a = \"1\"\nb = \"3\"");
	cfg_set(cfg, "c", "4");
	check_cfg_expect_text(cfg, "a = \"1\"\nb = \"3\"\nc = \"4\"\n");
	cfg_free(cfg);

	/* A byte order mark stays, and does not hide the first key. */
	cfg = check_cfg_parse_ok("\xef\xbb\xbf.encoding = \"UTF-8\"\n");
	ck_assert_str_eq(cfg_get(cfg, ".encoding"), "UTF-8");
	check_cfg_expect_text(cfg, "\xef\xbb\xbf.encoding = \"UTF-8\"\n");
	cfg_free(cfg);

	/* Empty input: no lines, and writing gives nothing. */
	cfg = cfg_parse(NULL, 0, "empty", NULL);
	ck_assert_ptr_nonnull(cfg);
	ck_assert_uint_eq(cfg_count(cfg), 0);
	check_cfg_expect_text(cfg, "");
	cfg_free(cfg);
	cfg_free(NULL);
}
END_TEST

START_TEST(check_cfg_bool)
{
	struct cfg	*cfg;

	cfg = check_cfg_parse_ok(
	    "t1 = \"TRUE\"\nt2 = \"yes\"\nt3 = \"On\"\nt4 = \"1\"\n"
	    "f1 = \"false\"\nf2 = \"NO\"\nf3 = \"off\"\nf4 = \"0\"\n"
	    "x1 = \"maybe\"\nx2 = \"\"\nx3 = \"2\"\nx4 = \" TRUE\"\n");
	ck_assert_int_eq(cfg_get_bool(cfg, "t1", 0), 1);
	ck_assert_int_eq(cfg_get_bool(cfg, "t2", 0), 1);
	ck_assert_int_eq(cfg_get_bool(cfg, "t3", 0), 1);
	ck_assert_int_eq(cfg_get_bool(cfg, "t4", 0), 1);
	ck_assert_int_eq(cfg_get_bool(cfg, "f1", 1), 0);
	ck_assert_int_eq(cfg_get_bool(cfg, "f2", 1), 0);
	ck_assert_int_eq(cfg_get_bool(cfg, "f3", 1), 0);
	ck_assert_int_eq(cfg_get_bool(cfg, "f4", 1), 0);
	ck_assert_int_eq(cfg_get_bool(cfg, "x1", 7), 7);
	ck_assert_int_eq(cfg_get_bool(cfg, "x2", 7), 7);
	ck_assert_int_eq(cfg_get_bool(cfg, "x3", 7), 7);
	ck_assert_int_eq(cfg_get_bool(cfg, "x4", 7), 7);
	ck_assert_int_eq(cfg_get_bool(cfg, "absent", -1), -1);
	cfg_free(cfg);
}
END_TEST

START_TEST(check_cfg_int)
{
	struct cfg	*cfg;
	char		*cause;
	long long	 n;

	cfg = check_cfg_parse_ok(
	    "a = \"42\"\nb = \"-7\"\nc = \"+3\"\n"
	    "d = \"12abc\"\ne = \" 12\"\nf = \"\"\n"
	    "g = \"99999999999999999999\"\n"
	    "h = \"4096\"\ni = \"x|0Ay\"\n");
	ck_assert_int_eq(cfg_get_int(cfg, "a", 0, 100, 5, &n, &cause), 0);
	ck_assert_int_eq(n, 42);
	ck_assert_ptr_null(cause);
	ck_assert_int_eq(cfg_get_int(cfg, "b", -10, 10, 5, &n, NULL), 0);
	ck_assert_int_eq(n, -7);
	ck_assert_int_eq(cfg_get_int(cfg, "c", 0, 10, 5, &n, NULL), 0);
	ck_assert_int_eq(n, 3);
	ck_assert_int_eq(cfg_get_int(cfg, "absent", 0, 10, 5, &n, NULL), 0);
	ck_assert_int_eq(n, 5);

	n = 1234;
	ck_assert_int_eq(cfg_get_int(cfg, "h", 4, 2048, 0, &n, &cause), -1);
	ck_assert_str_eq(cause, "h: '4096' is not a number between 4 and 2048");
	ck_assert_int_eq(n, 1234);
	free(cause);
	ck_assert_int_eq(cfg_get_int(cfg, "d", 0, 100, 0, &n, &cause), -1);
	ck_assert_str_eq(cause, "d: '12abc' is not a number between 0 and 100");
	free(cause);
	ck_assert_int_eq(cfg_get_int(cfg, "e", 0, 100, 0, &n, &cause), -1);
	free(cause);
	ck_assert_int_eq(cfg_get_int(cfg, "f", 0, 100, 0, &n, &cause), -1);
	ck_assert_str_eq(cause, "f: '' is not a number between 0 and 100");
	free(cause);
	ck_assert_int_eq(cfg_get_int(cfg, "g", 0, 100, 0, &n, &cause), -1);
	free(cause);
	/* A newline in a value never reaches the message. */
	ck_assert_int_eq(cfg_get_int(cfg, "i", 0, 100, 0, &n, &cause), -1);
	ck_assert_str_eq(cause, "i: 'x?y' is not a number between 0 and 100");
	free(cause);
	ck_assert_int_eq(n, 1234);
	cfg_free(cfg);
}
END_TEST

START_TEST(check_cfg_save_load)
{
	struct cfg	*cfg, *back;
	struct stat	 st;
	char		*dir, *path, *text, *cause = NULL;

	dir = check_cfg_tmpdir();
	xasprintf(&path, "%s/vm.vmx", dir);

	cfg = check_cfg_parse_ok("# vm\nmemsize = \"512\"\n");
	ck_assert_int_eq(cfg_save(cfg, path, &cause), 0);
	ck_assert_ptr_null(cause);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0644);
	text = check_cfg_read(path, NULL);
	ck_assert_str_eq(text, "# vm\nmemsize = \"512\"\n");
	free(text);

	/* An existing file's mode survives the replacement. */
	ck_assert_int_eq(chmod(path, 0600), 0);
	cfg_set(cfg, "memsize", "1024");
	ck_assert_int_eq(cfg_save(cfg, path, &cause), 0);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0600);
	ck_assert_int_eq(check_cfg_count_files(dir), 1);

	back = cfg_load(path, &cause);
	ck_assert_msg(back != NULL, "%s", cause);
	ck_assert_str_eq(cfg_get(back, "memsize"), "1024");
	cfg_free(back);
	cfg_free(cfg);

	free(path);
	xasprintf(&path, "%s/missing.vmx", dir);
	errno = 0;
	ck_assert_ptr_null(cfg_load(path, &cause));
	ck_assert_int_eq(errno, ENOENT);
	xasprintf(&text, "%s: %s", path, strerror(ENOENT));
	ck_assert_str_eq(cause, text);
	free(text);
	free(cause);
	free(path);
	check_cfg_rmdir(dir);
}
END_TEST

START_TEST(check_cfg_try_set)
{
	struct cfg	*cfg;
	char		*cause, *big;

	cfg = check_cfg_parse_ok("a = \"1\"\n");
	ck_assert_int_eq(cfg_key_is_valid("scsi0:0.fileName"), 1);
	ck_assert_int_eq(cfg_key_is_valid("guestinfo.a-b/c_d"), 1);
	ck_assert_int_eq(cfg_key_is_valid(""), 0);
	ck_assert_int_eq(cfg_key_is_valid("a b"), 0);
	ck_assert_int_eq(cfg_key_is_valid("a=b"), 0);
	ck_assert_int_eq(cfg_key_is_valid("a\"b"), 0);

	ck_assert_int_eq(cfg_try_set(cfg, "bad key", "x", &cause), -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_ptr_nonnull(strstr(cause, "'bad key' is not a valid key"));
	free(cause);
	cfg_set(cfg, "x\ny = \"evil", "1");
	check_cfg_expect_text(cfg, "a = \"1\"\n");

	big = xmalloc(CFG_LINE_MAX + 1);
	memset(big, 'v', CFG_LINE_MAX);
	big[CFG_LINE_MAX] = '\0';
	ck_assert_int_eq(cfg_try_set(cfg, "a", big, &cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, "value too long"));
	free(cause);
	check_cfg_expect_text(cfg, "a = \"1\"\n");
	/* The longest value that still fits: "a = \"" + value + "\"". */
	big[CFG_LINE_MAX - 6] = '\0';
	ck_assert_int_eq(cfg_try_set(cfg, "a", big, &cause), 0);
	ck_assert_str_eq(cfg_get(cfg, "a"), big);
	free(big);
	cfg_free(cfg);
}
END_TEST

static const struct check_cfg_bad check_cfg_bads[] = {
	{ "a = \"x\"\nfoo\n", 0, "t.vmx:2:4: missing '=' after key" },
	{ "foo   \n", 0, "t.vmx:1:7: missing '=' after key" },
	{ "= \"x\"\n", 0, "t.vmx:1:1: empty key" },
	{ "\t  = x\n", 0, "t.vmx:1:4: empty key" },
	{ "fo\"o = \"1\"\n", 0, "t.vmx:1:3: invalid character in key" },
	{ "k\xc3\xa9y = \"1\"\n", 0, "t.vmx:1:2: invalid character in key" },
	{ "foo bar = \"1\"\n", 0, "t.vmx:1:5: expected '=' after key" },
	{ "k = \"abc\n", 0, "t.vmx:1:5: unterminated quoted value" },
	{ "k = \"a|2\"\n", 0, "t.vmx:1:7: bad escape: '|' must be followed "
	    "by two hex digits" },
	{ "k = \"a|zz\"\n", 0, "t.vmx:1:7: bad escape: '|' must be followed "
	    "by two hex digits" },
	{ "k = a|\n", 0, "t.vmx:1:6: bad escape: '|' must be followed "
	    "by two hex digits" },
	{ "k = \"|00\"\n", 0, "t.vmx:1:6: escape |00 (NUL) is not allowed" },
	{ "k = \"v\" x\n", 0, "t.vmx:1:9: unexpected text after the "
	    "closing quote" },
	{ "k = \"v\"\"w\"\n", 0, "t.vmx:1:8: unexpected text after the "
	    "closing quote" },
	{ "k = \"a\0b\"\n", 10, "t.vmx:1:7: NUL byte" },
	{ "# ok\n# c\0\n", 10, "t.vmx:2:4: NUL byte" },
	{ "k = \"a\x01\"\n", 0, "t.vmx:1:7: control character 0x01 in value "
	    "(write it as |01)" },
	{ "k = \"a\rb\"\n", 0, "t.vmx:1:7: control character 0x0d in value "
	    "(write it as |0D)" },
	{ "k = \"a\x1b[31m\"\n", 0, "t.vmx:1:7: control character 0x1b in "
	    "value (write it as |1B)" },
	{ "k = a\"b\n", 0, "t.vmx:1:6: '\"' inside an unquoted value" },
	{ "a = 1\r\nb = 2\r\nc\r\n", 0, "t.vmx:3:2: missing '=' after key" },
	{ "a = 1\r\r\n", 0, "t.vmx:1:6: control character 0x0d in value "
	    "(write it as |0D)" },
};

START_TEST(check_cfg_errors)
{
	const struct check_cfg_bad	*b = &check_cfg_bads[_i];
	struct cfg			*cfg;
	char				*cause = NULL;
	size_t				 len;

	len = b->len != 0 ? b->len : strlen(b->input);
	errno = 0;
	cfg = cfg_parse(b->input, len, "t.vmx", &cause);
	ck_assert_msg(cfg == NULL, "case %d parsed", _i);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_msg(cause != NULL && strcmp(cause, b->cause) == 0,
	    "case %d: got \"%s\", want \"%s\"", _i, cause, b->cause);
	free(cause);
	/* Without a cause pointer it fails the same way, quietly. */
	ck_assert_ptr_null(cfg_parse(b->input, len, NULL, NULL));
}
END_TEST

START_TEST(check_cfg_error_noname)
{
	char	*cause;

	ck_assert_ptr_null(cfg_parse("=1", 2, NULL, &cause));
	ck_assert_str_eq(cause, "(config):1:1: empty key");
	free(cause);
}
END_TEST

START_TEST(check_cfg_line_limit)
{
	struct cfg	*cfg;
	char		*buf, *cause;
	size_t		 len;

	/* A comment line of exactly CFG_LINE_MAX bytes, then one more. */
	len = 6 + CFG_LINE_MAX + 1 + CFG_LINE_MAX + 1 + 1;
	buf = xmalloc(len);
	memcpy(buf, "a = 1\n", 6);
	memset(buf + 6, '#', CFG_LINE_MAX);
	buf[6 + CFG_LINE_MAX] = '\n';
	cfg = cfg_parse(buf, 6 + CFG_LINE_MAX + 1, "t", &cause);
	ck_assert_msg(cfg != NULL, "%s", cause);
	cfg_free(cfg);

	memset(buf + 6 + CFG_LINE_MAX + 1, '#', CFG_LINE_MAX + 1);
	buf[len - 1] = '\n';
	ck_assert_ptr_null(cfg_parse(buf, len, "t", &cause));
	ck_assert_str_eq(cause, "t:3:65537: line longer than 65536 bytes");
	free(cause);
	free(buf);
}
END_TEST

START_TEST(check_cfg_key_limit)
{
	char		 line[600];
	struct cfg	*cfg;
	char		*cause;

	memset(line, 'k', 256);
	memcpy(line + 256, " = 1\n", 6);
	cfg = cfg_parse(line, strlen(line), "t", &cause);
	ck_assert_ptr_nonnull(cfg);
	ck_assert_uint_eq(strlen(cfg_key(cfg, 0)), 256);
	cfg_free(cfg);

	memset(line, 'k', 257);
	memcpy(line + 257, " = 1\n", 6);
	ck_assert_ptr_null(cfg_parse(line, strlen(line), "t", &cause));
	ck_assert_str_eq(cause, "t:1:1: key longer than 256 bytes");
	free(cause);
}
END_TEST

START_TEST(check_cfg_file_limit)
{
	struct cfg	*cfg;
	char		*buf, *cause, *dir, *path, *want;
	size_t		 i, nlines = CFG_FILE_MAX / 64;
	int		 fd;

	/* 16384 comment lines of 64 bytes: exactly CFG_FILE_MAX. */
	buf = xmalloc(CFG_FILE_MAX + 64);
	for (i = 0; i < nlines + 1; i++) {
		memset(buf + i * 64, '#', 63);
		buf[i * 64 + 63] = '\n';
	}
	cfg = cfg_parse(buf, CFG_FILE_MAX, "big", &cause);
	ck_assert_msg(cfg != NULL, "%s", cause);
	ck_assert_uint_eq(cfg_count(cfg), 0);
	cfg_free(cfg);

	/* One byte more: the error points at that byte. */
	errno = 0;
	ck_assert_ptr_null(cfg_parse(buf, CFG_FILE_MAX + 1, "big", &cause));
	ck_assert_int_eq(errno, EFBIG);
	ck_assert_str_eq(cause, "big:16385:1: file larger than 1048576 bytes");
	free(cause);
	ck_assert_ptr_null(cfg_parse(buf, CFG_FILE_MAX + 10, "big", &cause));
	ck_assert_str_eq(cause, "big:16385:1: file larger than 1048576 bytes");
	free(cause);

	/* The same through cfg_load, which names the file. */
	dir = check_cfg_tmpdir();
	xasprintf(&path, "%s/big.vmx", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
	ck_assert_int_ne(fd, -1);
	ck_assert_int_eq(write(fd, buf, CFG_FILE_MAX + 64), CFG_FILE_MAX + 64);
	close(fd);
	ck_assert_ptr_null(cfg_load(path, &cause));
	ck_assert_int_eq(errno, EFBIG);
	xasprintf(&want, "%s:16385:1: file larger than 1048576 bytes", path);
	ck_assert_str_eq(cause, want);
	free(want);
	free(cause);

	/* And a cfg grown past the limit is not saved. */
	cfg = cfg_parse(buf, CFG_FILE_MAX, "big", NULL);
	ck_assert_ptr_nonnull(cfg);
	cfg_set(cfg, "annotation", "this line makes it too big");
	ck_assert_int_eq(cfg_save(cfg, path, &cause), -1);
	ck_assert_int_eq(errno, EFBIG);
	ck_assert_ptr_nonnull(strstr(cause, "more than the 1048576"));
	free(cause);
	cfg_free(cfg);

	free(path);
	free(buf);
	check_cfg_rmdir(dir);
}
END_TEST

static Suite *
check_cfg_suite(void)
{
	Suite	*s;
	TCase	*tc;

	s = suite_create("cfg");

	tc = tcase_create("core");
	tcase_add_test(tc, check_cfg_vmx_roundtrip);
	tcase_add_test(tc, check_cfg_set_in_place);
	tcase_add_test(tc, check_cfg_unset);
	tcase_add_test(tc, check_cfg_case_and_duplicates);
	tcase_add_test(tc, check_cfg_escapes_read);
	tcase_add_test(tc, check_cfg_escapes_write);
	tcase_add_test(tc, check_cfg_crlf_and_last_line);
	tcase_add_test(tc, check_cfg_bool);
	tcase_add_test(tc, check_cfg_int);
	tcase_add_test(tc, check_cfg_save_load);
	tcase_add_test(tc, check_cfg_try_set);
	suite_add_tcase(s, tc);

	tc = tcase_create("errors");
	tcase_add_loop_test(tc, check_cfg_errors, 0,
	    sizeof check_cfg_bads / sizeof check_cfg_bads[0]);
	tcase_add_test(tc, check_cfg_error_noname);
	suite_add_tcase(s, tc);

	tc = tcase_create("limits");
	tcase_add_test(tc, check_cfg_line_limit);
	tcase_add_test(tc, check_cfg_key_limit);
	tcase_add_test(tc, check_cfg_file_limit);
	suite_add_tcase(s, tc);

	return (s);
}

int
main(void)
{
	SRunner	*sr;
	int	 failed;

	sr = srunner_create(check_cfg_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return (failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE);
}
