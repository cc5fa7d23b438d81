/* SPDX-License-Identifier: ISC */
/*
 * Password authentication for Login (vi-api.md §3.3, §6) against the
 * host's own account files under --root: etc/vireo/passwd (name, GECOS,
 * primary group), etc/vireo/shadow (crypt(3) hashes, SHA-512 "$6$") and
 * etc/vireo/group (membership).  The files are read at every call, so
 * HostLocalAccountManager changes apply at once.
 *
 * Rules: an empty hash field means an empty password and accepts only the
 * empty password (a fresh host's root); a hash starting with '!' or '*'
 * is a locked account.  After a number of consecutive failures a user
 * name is locked for a while (ESX's Security.AccountLockFailures and
 * Security.AccountUnlockTime); unknown names are counted too, and every
 * refusal looks the same to the client, so it cannot tell whether an
 * account exists.  Passwords are never logged.
 *
 * Changes (account_user_add and the others) read a whole file into lines,
 * edit them and write the file back atomically; hostd is the one writer,
 * readers (cimom, a second hostd call) see the old or the new file.
 *
 * Reading the files at every call is right for logins but too dear for
 * hostd's privilege checks, which need a user's groups once per object
 * and property; they cache them and ask account_refresh, a stat of the
 * two files, whether to read them again.  An operator may edit a file in
 * place, so the stamp is not only the inode: a rewrite of the same size
 * in the same timestamp tick would look unchanged, hence a file changed
 * less than ACCOUNT_RACY_SEC ago never counts as unchanged (git's "racy
 * clean" rule).
 */

#include "config.h"

#include <sys/stat.h>
#include <sys/types.h>

#include <crypt.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "account.h"
#include "atomicfile.h"
#include "log.h"
#include "xmalloc.h"

/* Failure records kept at most; the oldest is dropped beyond this. */
#define ACCOUNT_MAX_RECORDS	1024
/* Longest line read from the account files. */
#define ACCOUNT_LINE_MAX	4096
/*
 * A SHA-512 setting a refused login is hashed with, so the time taken does
 * not tell whether the user exists (crypt computes a full hash for it,
 * which can never equal the setting itself).
 */
#define ACCOUNT_DUMMY_HASH	"$6$vireodummysalt$"
/*
 * Seconds after its mtime during which a file's stamp proves nothing:
 * more than the coarsest timestamp granularity of the file systems an
 * etc/ lives on (FAT: 2 s).
 */
#define ACCOUNT_RACY_SEC	3

/* What account_refresh compares; as_ok 0: missing or unreadable. */
struct account_stamp {
	int		 as_ok;
	dev_t		 as_dev;
	ino_t		 as_ino;
	off_t		 as_size;
	struct timespec	 as_mtim;
};

struct account_record {
	char		*ar_user;
	unsigned int	 ar_failures;	/* consecutive */
	time_t		 ar_until;	/* monotonic s; locked until then */
	time_t		 ar_last;	/* monotonic s of the last failure */
};

struct account {
	char				*au_dir;	/* <root>/etc/vireo */
	unsigned int			 au_lock_failures;
	unsigned int			 au_unlock_time;
	struct account_record	*au_records;
	size_t				 au_nrecords;
	struct account_stamp		 au_stamp[2];	/* passwd, group */
	unsigned long long		 au_gen;	/* never 0 */
};

static time_t	account_now(void);
static int	account_field(const char *, const char *, unsigned int,
		    char **);
static int	account_lookup(struct account *, const char *,
		    const char *, unsigned int, char **);
static struct account_record *account_record(struct account *,
		    const char *, int);
static int	account_check(const char *, const char *);
static char	*account_safe(const char *);

/* A whole account file as lines, for editing. */
struct account_file {
	char	**af_lines;
	size_t	  af_n;
};

/* Longest description (GECOS) and password accepted. */
#define ACCOUNT_DESC_MAX	256
#define ACCOUNT_PASSWORD_MAX	512
/* First uid/gid handed out, and the primary group of new users. */
#define ACCOUNT_FIRST_ID	1001
#define ACCOUNT_USERS_GID	100
#define ACCOUNT_SHELL		"/bin/sh"
#define ACCOUNT_NOSHELL		"/sbin/nologin"

static int	account_file_read(struct account *, const char *,
		    struct account_file *, char **);
static int	account_file_write(struct account *, const char *, mode_t,
		    struct account_file *, char **);
static void	account_file_free(struct account_file *);
static ssize_t	account_file_find(const struct account_file *,
		    const char *);
static void	account_file_add(struct account_file *, char *);
static void	account_file_del(struct account_file *, size_t);
static long	account_file_next_id(const struct account_file *, long);
static int	account_file_id_used(const struct account_file *, long);
static int	account_name_ok(const char *, char **);
static int	account_password_ok(const char *, char **);
static int	account_desc_ok(const char *, char **);
static char	*account_hash(const char *, char **);
static char	*account_members_edit(const char *, const char *, int);
static int	account_members_has(const char *, const char *);
static int	account_passwd_field(struct account *, const char *,
		    unsigned int, const char *, char **);
static int	account_fail(int, char **, const char *, ...)
		    __attribute__((format(printf, 3, 4)));

static time_t
account_now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (ts.tv_sec);
}

struct account *
account_create(const char *root, unsigned int lock_failures,
    unsigned int unlock_time)
{
	struct account	*au;
	size_t			 len;

	au = xcalloc(1, sizeof *au);
	len = strlen(root);
	while (len > 1 && root[len - 1] == '/')
		len--;
	xasprintf(&au->au_dir, "%.*s/etc/vireo", (int)len,
	    strcmp(root, "/") == 0 ? "" : root);
	au->au_lock_failures = lock_failures;
	au->au_unlock_time = unlock_time;
	au->au_gen = 1;
	return (au);
}

void
account_free(struct account *au)
{
	size_t	i;

	if (au == NULL)
		return;
	for (i = 0; i < au->au_nrecords; i++)
		free(au->au_records[i].ar_user);
	free(au->au_records);
	free(au->au_dir);
	free(au);
}

unsigned long long
account_generation(const struct account *au)
{
	return (au->au_gen);
}

void
account_invalidate(struct account *au)
{
	if (++au->au_gen == 0)
		au->au_gen = 1;
}

unsigned long long
account_refresh(struct account *au)
{
	static const char *const files[2] = { "passwd", "group" };
	struct account_stamp	 st;
	struct stat		 sb;
	struct timespec		 now;
	char			*path;
	size_t			 i;
	int			 changed = 0;

	clock_gettime(CLOCK_REALTIME, &now);
	for (i = 0; i < 2; i++) {
		memset(&st, 0, sizeof st);
		xasprintf(&path, "%s/%s", au->au_dir, files[i]);
		if (stat(path, &sb) == 0) {
			st.as_ok = 1;
			st.as_dev = sb.st_dev;
			st.as_ino = sb.st_ino;
			st.as_size = sb.st_size;
			st.as_mtim = sb.st_mtim;
			/* Too recent (or in the future): may change unseen. */
			if (now.tv_sec - sb.st_mtim.tv_sec < ACCOUNT_RACY_SEC)
				changed = 1;
		} else if (errno != ENOENT)
			changed = 1;	/* cannot tell: read again */
		free(path);
		if (st.as_ok != au->au_stamp[i].as_ok ||
		    st.as_dev != au->au_stamp[i].as_dev ||
		    st.as_ino != au->au_stamp[i].as_ino ||
		    st.as_size != au->au_stamp[i].as_size ||
		    st.as_mtim.tv_sec != au->au_stamp[i].as_mtim.tv_sec ||
		    st.as_mtim.tv_nsec != au->au_stamp[i].as_mtim.tv_nsec)
			changed = 1;
		au->au_stamp[i] = st;
	}
	if (changed)
		account_invalidate(au);
	return (au->au_gen);
}

/* Field number n (0-based) of a ':'-separated line, copied. */
static int
account_field(const char *line, const char *sep, unsigned int n,
    char **out)
{
	const char	*p = line, *end;

	while (n-- > 0) {
		if ((p = strpbrk(p, sep)) == NULL)
			return (-1);
		p++;
	}
	end = p + strcspn(p, sep);
	*out = xstrndup(p, end - p);
	return (0);
}

/*
 * Field n of the line for name in file (under au_dir).  0 and *out set,
 * -1 with errno ENOENT when there is no such line, or another errno.
 */
static int
account_lookup(struct account *au, const char *file, const char *name,
    unsigned int n, char **out)
{
	FILE	*f;
	char	*path, *line;
	size_t	 len = strlen(name);
	int	 rc = -1, saved;

	xasprintf(&path, "%s/%s", au->au_dir, file);
	f = fopen(path, "re");
	saved = errno;
	free(path);
	if (f == NULL) {
		errno = saved;
		return (-1);
	}
	line = xmalloc(ACCOUNT_LINE_MAX);
	errno = ENOENT;
	while (fgets(line, ACCOUNT_LINE_MAX, f) != NULL) {
		line[strcspn(line, "\r\n")] = '\0';
		if (strncmp(line, name, len) != 0 || line[len] != ':')
			continue;
		if (account_field(line, ":", n, out) == 0) {
			rc = 0;
			break;
		}
	}
	saved = errno;
	explicit_bzero(line, ACCOUNT_LINE_MAX);
	free(line);
	fclose(f);
	errno = saved;
	return (rc);
}

/*
 * The failure record for user, created when create is set.  When the
 * table is full the oldest record that is not locked is reused, so that
 * failures under many other names cannot flush a lock.
 */
static struct account_record *
account_record(struct account *au, const char *user, int create)
{
	struct account_record	*r, *o;
	size_t				 i, oldest = 0;
	time_t				 now = account_now();
	int				 rl, ol;

	for (i = 0; i < au->au_nrecords; i++) {
		r = &au->au_records[i];
		if (strcmp(r->ar_user, user) == 0)
			return (r);
		o = &au->au_records[oldest];
		rl = r->ar_until > now;
		ol = o->ar_until > now;
		if ((!rl && ol) || (rl == ol && r->ar_last < o->ar_last))
			oldest = i;
	}
	if (!create)
		return (NULL);
	if (au->au_nrecords == ACCOUNT_MAX_RECORDS) {
		r = &au->au_records[oldest];
		free(r->ar_user);
	} else {
		au->au_records = xreallocarray(au->au_records,
		    au->au_nrecords + 1, sizeof *au->au_records);
		r = &au->au_records[au->au_nrecords++];
	}
	memset(r, 0, sizeof *r);
	r->ar_user = xstrdup(user);
	return (r);
}

/* 1 if password matches hash (crypt(3) form, or empty). */
static int
account_check(const char *hash, const char *password)
{
	struct crypt_data	*cd;
	const char		*out;
	size_t			 i, len;
	unsigned char		 d = 0;
	int			 ok;

	if (*hash == '\0')
		return (*password == '\0');
	cd = xcalloc(1, sizeof *cd);
	out = crypt_r(password, hash, cd);
	ok = 0;
	if (out != NULL && out[0] != '*' && (len = strlen(out)) ==
	    strlen(hash)) {
		for (i = 0; i < len; i++)
			d |= (unsigned char)out[i] ^ (unsigned char)hash[i];
		ok = d == 0;
	}
	explicit_bzero(cd, sizeof *cd);
	free(cd);
	return (ok);
}

/* A user name fit for the log: printable, shortened. */
static char *
account_safe(const char *s)
{
	char	*out;
	size_t	 i;

	out = xstrndup(s, 64);
	for (i = 0; out[i] != '\0'; i++) {
		if ((unsigned char)out[i] < 0x20 || out[i] == 0x7f)
			out[i] = '?';
	}
	return (out);
}

int
account_is_locked(struct account *au, const char *user)
{
	struct account_record	*r;

	r = account_record(au, user, 0);
	return (r != NULL && r->ar_until > account_now());
}

int
account_login(struct account *au, const char *user,
    const char *password, const char *peer, char **fullname)
{
	struct account_record	*r;
	char				*hash = NULL, *gecos = NULL, *safe;
	time_t				 now = account_now();
	int				 ok, exists, locked, saved;

	if (fullname != NULL)
		*fullname = NULL;
	safe = account_safe(user);
	if (peer == NULL)
		peer = "?";
	exists = *user != '\0' && strchr(user, ':') == NULL &&
	    strchr(user, '\n') == NULL &&
	    account_lookup(au, "shadow", user, 1, &hash) == 0;
	if (!exists && errno != ENOENT) {
		saved = errno;
		log_warn("login of %s: cannot read %s/shadow", safe,
		    au->au_dir);
		free(safe);
		errno = saved;
		return (-1);
	}
	r = account_record(au, user, 0);
	locked = r != NULL && r->ar_until > now;

	/* Always pay for one hash, so timing does not reveal the user. */
	if (!exists || hash[0] == '!' || hash[0] == '*') {
		account_check(ACCOUNT_DUMMY_HASH, password);
		ok = 0;
	} else
		ok = account_check(hash, password);
	if (hash != NULL) {
		explicit_bzero(hash, strlen(hash));
		free(hash);
	}

	if (ok && !locked) {
		if (r != NULL)
			r->ar_failures = 0;
		if (fullname != NULL) {
			if (account_lookup(au, "passwd", user, 4,
			    &gecos) == 0) {
				gecos[strcspn(gecos, ",")] = '\0';
				if (*gecos == '\0') {
					free(gecos);
					gecos = NULL;
				}
			}
			*fullname = gecos != NULL ? gecos : xstrdup(user);
		}
		log_info("user %s logged in from %s", safe, peer);
		free(safe);
		return (0);
	}

	if (locked)
		log_info("login of %s from %s refused: locked", safe, peer);
	else {
		r = account_record(au, user, 1);
		r->ar_last = now;
		r->ar_failures++;
		log_info("login of %s from %s failed (%u in a row)", safe,
		    peer, r->ar_failures);
		if (au->au_lock_failures != 0 &&
		    r->ar_failures >= au->au_lock_failures) {
			r->ar_until = now + au->au_unlock_time;
			r->ar_failures = 0;
			log_warnx("user %s locked for %u s after %u failed "
			    "logins", safe, au->au_unlock_time,
			    au->au_lock_failures);
		}
	}
	free(safe);
	errno = EACCES;
	return (-1);
}

char **
account_groups(struct account *au, const char *user)
{
	FILE	*f;
	char	**groups, *gid = NULL, *line, *name, *members, *gidf, *m;
	char	*path, *save;
	size_t	 n = 0;
	int	 member;

	if (*user == '\0' || strchr(user, ':') != NULL ||
	    account_lookup(au, "passwd", user, 3, &gid) != 0) {
		if (errno == 0)
			errno = ENOENT;
		return (NULL);
	}
	groups = xcalloc(1, sizeof *groups);
	xasprintf(&path, "%s/group", au->au_dir);
	f = fopen(path, "re");
	free(path);
	if (f == NULL) {
		free(gid);
		/* No group file: no groups.  Any other failure is no answer. */
		if (errno == ENOENT)
			return (groups);
		free(groups);
		return (NULL);
	}
	line = xmalloc(ACCOUNT_LINE_MAX);
	while (fgets(line, ACCOUNT_LINE_MAX, f) != NULL) {
		line[strcspn(line, "\r\n")] = '\0';
		if (account_field(line, ":", 0, &name) != 0)
			continue;
		if (account_field(line, ":", 2, &gidf) != 0) {
			free(name);
			continue;
		}
		if (account_field(line, ":", 3, &members) != 0)
			members = xstrdup("");
		member = strcmp(gidf, gid) == 0;
		for (m = strtok_r(members, ",", &save); m != NULL && !member;
		    m = strtok_r(NULL, ",", &save))
			member = strcmp(m, user) == 0;
		if (member && *name != '\0') {
			groups = xreallocarray(groups, n + 2, sizeof *groups);
			groups[n++] = name;
			groups[n] = NULL;
			name = NULL;
		}
		free(name);
		free(gidf);
		free(members);
	}
	free(line);
	fclose(f);
	free(gid);
	return (groups);
}

void
account_groups_free(char **groups)
{
	size_t	i;

	if (groups == NULL)
		return;
	for (i = 0; groups[i] != NULL; i++)
		free(groups[i]);
	free(groups);
}

int
account_exists(struct account *au, const char *name, int group)
{
	char	*out = NULL;
	int	 rc;

	if (*name == '\0' || strchr(name, ':') != NULL ||
	    strchr(name, '\n') != NULL)
		return (0);
	rc = account_lookup(au, group ? "group" : "passwd", name, 0,
	    &out) == 0;
	free(out);
	return (rc);
}

/* Set *cause from fmt and errno to err; returns -1. */
static int
account_fail(int err, char **cause, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	if (vasprintf(cause, fmt, ap) == -1)
		*cause = xstrdup("out of memory");
	va_end(ap);
	errno = err;
	return (-1);
}

static int
account_file_read(struct account *au, const char *file,
    struct account_file *af, char **cause)
{
	FILE	*f;
	char	*path, *line;

	memset(af, 0, sizeof *af);
	xasprintf(&path, "%s/%s", au->au_dir, file);
	if ((f = fopen(path, "re")) == NULL) {
		if (errno == ENOENT) {
			free(path);
			return (0);
		}
		account_fail(errno, cause, "%s: %s", path, strerror(errno));
		free(path);
		return (-1);
	}
	free(path);
	line = xmalloc(ACCOUNT_LINE_MAX);
	while (fgets(line, ACCOUNT_LINE_MAX, f) != NULL) {
		line[strcspn(line, "\r\n")] = '\0';
		if (*line != '\0')
			account_file_add(af, xstrdup(line));
	}
	explicit_bzero(line, ACCOUNT_LINE_MAX);
	free(line);
	fclose(f);
	return (0);
}

static int
account_file_write(struct account *au, const char *file, mode_t mode,
    struct account_file *af, char **cause)
{
	char	*path, *data;
	size_t	 i, len = 0, off = 0, l;
	int	 rc;

	for (i = 0; i < af->af_n; i++)
		len += strlen(af->af_lines[i]) + 1;
	data = xmalloc(len + 1);
	for (i = 0; i < af->af_n; i++) {
		l = strlen(af->af_lines[i]);
		memcpy(data + off, af->af_lines[i], l);
		off += l;
		data[off++] = '\n';
	}
	xasprintf(&path, "%s/%s", au->au_dir, file);
	rc = atomicfile_write(path, data, len, mode, cause);
	/* Even a failed write may have replaced the file. */
	account_invalidate(au);
	explicit_bzero(data, len);
	free(data);
	free(path);
	return (rc);
}

static void
account_file_free(struct account_file *af)
{
	size_t	i;

	for (i = 0; i < af->af_n; i++) {
		explicit_bzero(af->af_lines[i], strlen(af->af_lines[i]));
		free(af->af_lines[i]);
	}
	free(af->af_lines);
	memset(af, 0, sizeof *af);
}

/* The index of name's line, or -1. */
static ssize_t
account_file_find(const struct account_file *af, const char *name)
{
	size_t	i, len = strlen(name);

	for (i = 0; i < af->af_n; i++) {
		if (strncmp(af->af_lines[i], name, len) == 0 &&
		    af->af_lines[i][len] == ':')
			return ((ssize_t)i);
	}
	return (-1);
}

/* Append line (taken). */
static void
account_file_add(struct account_file *af, char *line)
{
	af->af_lines = xreallocarray(af->af_lines, af->af_n + 1,
	    sizeof *af->af_lines);
	af->af_lines[af->af_n++] = line;
}

static void
account_file_del(struct account_file *af, size_t i)
{
	explicit_bzero(af->af_lines[i], strlen(af->af_lines[i]));
	free(af->af_lines[i]);
	memmove(&af->af_lines[i], &af->af_lines[i + 1],
	    (af->af_n - i - 1) * sizeof *af->af_lines);
	af->af_n--;
}

/* 1 if the third field (uid or gid) of some line is id. */
static int
account_file_id_used(const struct account_file *af, long id)
{
	char	*f;
	size_t	 i;
	int	 used = 0;

	for (i = 0; i < af->af_n && !used; i++) {
		if (account_field(af->af_lines[i], ":", 2, &f) != 0)
			continue;
		used = strtol(f, NULL, 10) == id;
		free(f);
	}
	return (used);
}

/* One more than the highest id at or above first. */
static long
account_file_next_id(const struct account_file *af, long first)
{
	char	*f;
	size_t	 i;
	long	 id, next = first;

	for (i = 0; i < af->af_n; i++) {
		if (account_field(af->af_lines[i], ":", 2, &f) != 0)
			continue;
		id = strtol(f, NULL, 10);
		free(f);
		if (id >= next && id < 60000)
			next = id + 1;
	}
	return (next);
}

static int
account_name_ok(const char *name, char **cause)
{
	size_t	len = strlen(name);

	if (len == 0 || len > 32 || name[0] == '-' || name[0] == '.' ||
	    strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789_.-") != len)
		return (account_fail(EINVAL, cause, "id: \"%.40s\" is not a "
		    "valid name (1 to 32 of a-z 0-9 _ . -)", name));
	return (0);
}

static int
account_password_ok(const char *password, char **cause)
{
	if (strlen(password) < ACCOUNT_PASSWORD_MIN)
		return (account_fail(EINVAL, cause, "password: shorter than "
		    "%d characters", ACCOUNT_PASSWORD_MIN));
	if (strlen(password) > ACCOUNT_PASSWORD_MAX)
		return (account_fail(EINVAL, cause, "password: longer than "
		    "%d characters", ACCOUNT_PASSWORD_MAX));
	return (0);
}

static int
account_desc_ok(const char *desc, char **cause)
{
	if (strlen(desc) > ACCOUNT_DESC_MAX || strpbrk(desc, ":,\n\r") !=
	    NULL)
		return (account_fail(EINVAL, cause, "description: at most %d "
		    "characters, without ':' ',' or line breaks",
		    ACCOUNT_DESC_MAX));
	return (0);
}

/* A SHA-512 crypt(3) hash of password with a fresh random salt. */
static char *
account_hash(const char *password, char **cause)
{
	struct crypt_data	*cd;
	char			 salt[CRYPT_GENSALT_OUTPUT_SIZE];
	const char		*out;
	char			*hash = NULL;

	/* No random bytes given: libxcrypt takes them from getrandom. */
	if (crypt_gensalt_rn("$6$", 0, NULL, 0, salt, sizeof salt) == NULL) {
		account_fail(errno != 0 ? errno : EIO, cause, "cannot make a "
		    "password salt");
		return (NULL);
	}
	cd = xcalloc(1, sizeof *cd);
	out = crypt_r(password, salt, cd);
	if (out == NULL || out[0] == '*')
		account_fail(EIO, cause, "cannot hash the password");
	else
		hash = xstrdup(out);
	explicit_bzero(cd, sizeof *cd);
	free(cd);
	return (hash);
}

/* 1 if the ','-separated list members holds user. */
static int
account_members_has(const char *members, const char *user)
{
	const char	*p = members;
	size_t		 n, len = strlen(user);

	while (*p != '\0') {
		n = strcspn(p, ",");
		if (n == len && strncmp(p, user, len) == 0)
			return (1);
		p += n;
		p += strspn(p, ",");
	}
	return (0);
}

/* The member list without user, or with it appended (add). */
static char *
account_members_edit(const char *members, const char *user, int add)
{
	const char	*p = members;
	char		*out;
	size_t		 n, len = strlen(user), off = 0;

	out = xmalloc(strlen(members) + len + 2);
	while (*p != '\0') {
		n = strcspn(p, ",");
		if (n != 0 && !(n == len && strncmp(p, user, len) == 0)) {
			if (off != 0)
				out[off++] = ',';
			memcpy(out + off, p, n);
			off += n;
		}
		p += n;
		p += strspn(p, ",");
	}
	if (add) {
		if (off != 0)
			out[off++] = ',';
		memcpy(out + off, user, len);
		off += len;
	}
	out[off] = '\0';
	return (out);
}

int
account_user_add(struct account *au, const char *user,
    const char *password, const char *description, long uid, int shell,
    char **cause)
{
	struct account_file	 pw, sh;
	char			*hash = NULL, *line;
	int			 rc = -1;

	if (account_name_ok(user, cause) == -1 ||
	    (password != NULL && account_password_ok(password, cause) == -1) ||
	    (description != NULL && account_desc_ok(description, cause) == -1))
		return (-1);
	if (uid != -1 && (uid < 1 || uid > 60000))
		return (account_fail(EINVAL, cause, "posixId: %ld is not "
		    "between 1 and 60000", uid));
	if (account_file_read(au, "passwd", &pw, cause) == -1)
		return (-1);
	if (account_file_read(au, "shadow", &sh, cause) == -1) {
		account_file_free(&pw);
		return (-1);
	}
	if (account_file_find(&pw, user) != -1 ||
	    account_file_find(&sh, user) != -1) {
		account_fail(EEXIST, cause, "user %s already exists", user);
		goto out;
	}
	if (uid == -1)
		uid = account_file_next_id(&pw, ACCOUNT_FIRST_ID);
	else if (account_file_id_used(&pw, uid)) {
		account_fail(EEXIST, cause, "posixId: %ld is taken", uid);
		goto out;
	}
	if (password != NULL && (hash = account_hash(password, cause)) ==
	    NULL)
		goto out;
	xasprintf(&line, "%s:x:%ld:%d:%s:/:%s", user, uid, ACCOUNT_USERS_GID,
	    description != NULL ? description : "",
	    shell ? ACCOUNT_SHELL : ACCOUNT_NOSHELL);
	account_file_add(&pw, line);
	xasprintf(&line, "%s:%s:%lld:0:99999:7:::", user,
	    hash != NULL ? hash : "!", (long long)(time(NULL) / 86400));
	account_file_add(&sh, line);
	if (account_file_write(au, "passwd", 0644, &pw, cause) == 0 &&
	    account_file_write(au, "shadow", 0600, &sh, cause) == 0)
		rc = 0;
out:
	if (hash != NULL) {
		explicit_bzero(hash, strlen(hash));
		free(hash);
	}
	account_file_free(&pw);
	account_file_free(&sh);
	return (rc);
}

int
account_user_set_password(struct account *au, const char *user,
    const char *password, char **cause)
{
	struct account_file	 sh;
	ssize_t			 i;
	char			*hash, *rest, *line;
	int			 rc;

	if (account_password_ok(password, cause) == -1)
		return (-1);
	if (!account_exists(au, user, 0))
		return (account_fail(ENOENT, cause, "no user %.40s", user));
	if (account_file_read(au, "shadow", &sh, cause) == -1)
		return (-1);
	if ((hash = account_hash(password, cause)) == NULL) {
		account_file_free(&sh);
		return (-1);
	}
	if ((i = account_file_find(&sh, user)) == -1) {
		xasprintf(&line, "%s:%s:%lld:0:99999:7:::", user, hash,
		    (long long)(time(NULL) / 86400));
		account_file_add(&sh, line);
	} else {
		/* Keep the aging fields after the hash and the date. */
		rest = strchr(sh.af_lines[i], ':');
		rest = rest != NULL ? strchr(rest + 1, ':') : NULL;
		rest = rest != NULL ? strchr(rest + 1, ':') : NULL;
		xasprintf(&line, "%s:%s:%lld%s", user, hash,
		    (long long)(time(NULL) / 86400), rest != NULL ? rest :
		    ":0:99999:7:::");
		explicit_bzero(sh.af_lines[i], strlen(sh.af_lines[i]));
		free(sh.af_lines[i]);
		sh.af_lines[i] = line;
	}
	explicit_bzero(hash, strlen(hash));
	free(hash);
	rc = account_file_write(au, "shadow", 0600, &sh, cause);
	account_file_free(&sh);
	return (rc);
}

/* Replace field n (4: GECOS, 6: shell) of user's passwd line. */
static int
account_passwd_field(struct account *au, const char *user, unsigned int n,
    const char *value, char **cause)
{
	struct account_file	 pw;
	char			*f[7], *line;
	ssize_t			 i;
	unsigned int		 k;
	int			 rc;

	if (account_file_read(au, "passwd", &pw, cause) == -1)
		return (-1);
	if ((i = account_file_find(&pw, user)) == -1) {
		account_file_free(&pw);
		return (account_fail(ENOENT, cause, "no user %.40s", user));
	}
	for (k = 0; k < 7; k++) {
		if (account_field(pw.af_lines[i], ":", k, &f[k]) != 0)
			f[k] = xstrdup("");
	}
	free(f[n]);
	f[n] = xstrdup(value);
	xasprintf(&line, "%s:%s:%s:%s:%s:%s:%s", f[0], f[1], f[2], f[3],
	    f[4], f[5], f[6]);
	for (k = 0; k < 7; k++)
		free(f[k]);
	free(pw.af_lines[i]);
	pw.af_lines[i] = line;
	rc = account_file_write(au, "passwd", 0644, &pw, cause);
	account_file_free(&pw);
	return (rc);
}

int
account_user_set_description(struct account *au, const char *user,
    const char *description, char **cause)
{
	if (account_desc_ok(description, cause) == -1)
		return (-1);
	return (account_passwd_field(au, user, 4, description, cause));
}

int
account_user_set_shell(struct account *au, const char *user, int shell,
    char **cause)
{
	return (account_passwd_field(au, user, 6, shell ? ACCOUNT_SHELL :
	    ACCOUNT_NOSHELL, cause));
}

int
account_user_remove(struct account *au, const char *user, char **cause)
{
	struct account_file	 pw, sh, gr;
	ssize_t			 i;
	size_t			 k;
	char			*f[3], *members, *edited;
	int			 rc = -1;

	if (strcmp(user, "root") == 0)
		return (account_fail(EPERM, cause, "root cannot be removed"));
	if (!account_exists(au, user, 0))
		return (account_fail(ENOENT, cause, "no user %.40s", user));
	if (account_file_read(au, "passwd", &pw, cause) == -1)
		return (-1);
	if (account_file_read(au, "shadow", &sh, cause) == -1) {
		account_file_free(&pw);
		return (-1);
	}
	if (account_file_read(au, "group", &gr, cause) == -1)
		goto out;
	if ((i = account_file_find(&sh, user)) != -1)
		account_file_del(&sh, (size_t)i);
	if ((i = account_file_find(&pw, user)) != -1)
		account_file_del(&pw, (size_t)i);
	for (k = 0; k < gr.af_n; k++) {
		if (account_field(gr.af_lines[k], ":", 3, &members) != 0)
			continue;
		if (account_members_has(members, user) &&
		    account_field(gr.af_lines[k], ":", 0, &f[0]) == 0) {
			if (account_field(gr.af_lines[k], ":", 1, &f[1]) != 0)
				f[1] = xstrdup("x");
			if (account_field(gr.af_lines[k], ":", 2, &f[2]) != 0)
				f[2] = xstrdup("");
			edited = account_members_edit(members, user, 0);
			free(gr.af_lines[k]);
			xasprintf(&gr.af_lines[k], "%s:%s:%s:%s", f[0], f[1],
			    f[2], edited);
			free(edited);
			free(f[0]);
			free(f[1]);
			free(f[2]);
		}
		free(members);
	}
	/* Shadow first: no moment with a password but no user. */
	if (account_file_write(au, "shadow", 0600, &sh, cause) == 0 &&
	    account_file_write(au, "passwd", 0644, &pw, cause) == 0 &&
	    account_file_write(au, "group", 0644, &gr, cause) == 0)
		rc = 0;
out:
	account_file_free(&pw);
	account_file_free(&sh);
	account_file_free(&gr);
	return (rc);
}

int
account_group_add(struct account *au, const char *group, long gid,
    char **cause)
{
	struct account_file	 gr;
	char			*line;
	int			 rc;

	if (account_name_ok(group, cause) == -1)
		return (-1);
	if (gid != -1 && (gid < 1 || gid > 60000))
		return (account_fail(EINVAL, cause, "posixId: %ld is not "
		    "between 1 and 60000", gid));
	if (account_file_read(au, "group", &gr, cause) == -1)
		return (-1);
	if (account_file_find(&gr, group) != -1) {
		account_file_free(&gr);
		return (account_fail(EEXIST, cause, "group %s already exists",
		    group));
	}
	if (gid == -1)
		gid = account_file_next_id(&gr, ACCOUNT_FIRST_ID);
	else if (account_file_id_used(&gr, gid)) {
		account_file_free(&gr);
		return (account_fail(EEXIST, cause, "posixId: %ld is taken",
		    gid));
	}
	xasprintf(&line, "%s:x:%ld:", group, gid);
	account_file_add(&gr, line);
	rc = account_file_write(au, "group", 0644, &gr, cause);
	account_file_free(&gr);
	return (rc);
}

int
account_group_remove(struct account *au, const char *group, char **cause)
{
	struct account_file	 gr;
	ssize_t			 i;
	int			 rc;

	if (strcmp(group, ACCOUNT_CONSOLE_GROUP) == 0 ||
	    strcmp(group, "root") == 0)
		return (account_fail(EPERM, cause, "group %s cannot be "
		    "removed", group));
	if (account_file_read(au, "group", &gr, cause) == -1)
		return (-1);
	if ((i = account_file_find(&gr, group)) == -1) {
		account_file_free(&gr);
		return (account_fail(ENOENT, cause, "no group %.40s", group));
	}
	account_file_del(&gr, (size_t)i);
	rc = account_file_write(au, "group", 0644, &gr, cause);
	account_file_free(&gr);
	return (rc);
}

int
account_group_member(struct account *au, const char *user,
    const char *group, int add, char **cause)
{
	struct account_file	 gr;
	ssize_t			 i;
	char			*f[4], *edited;
	unsigned int		 k;
	int			 rc, has;

	if (!account_exists(au, user, 0))
		return (account_fail(ENOENT, cause, "no user %.40s", user));
	if (account_file_read(au, "group", &gr, cause) == -1)
		return (-1);
	if ((i = account_file_find(&gr, group)) == -1) {
		account_file_free(&gr);
		return (account_fail(ENOENT, cause, "no group %.40s", group));
	}
	for (k = 0; k < 4; k++) {
		if (account_field(gr.af_lines[i], ":", k, &f[k]) != 0)
			f[k] = xstrdup("");
	}
	has = account_members_has(f[3], user);
	if (has == add) {
		for (k = 0; k < 4; k++)
			free(f[k]);
		account_file_free(&gr);
		if (add)
			return (account_fail(EEXIST, cause, "%s is already a "
			    "member of %s", user, group));
		return (account_fail(ESRCH, cause, "%s is not a member of %s",
		    user, group));
	}
	edited = account_members_edit(f[3], user, add);
	free(gr.af_lines[i]);
	xasprintf(&gr.af_lines[i], "%s:%s:%s:%s", f[0], f[1], f[2], edited);
	free(edited);
	for (k = 0; k < 4; k++)
		free(f[k]);
	rc = account_file_write(au, "group", 0644, &gr, cause);
	account_file_free(&gr);
	return (rc);
}

int
account_is_console_admin(struct account *au, const char *user)
{
	char	**groups;
	size_t	  i;
	int	  ok = 0;

	if (!account_exists(au, user, 0))
		return (0);
	if (strcmp(user, "root") == 0)
		return (1);
	if ((groups = account_groups(au, user)) == NULL)
		return (0);
	for (i = 0; groups[i] != NULL; i++) {
		if (strcmp(groups[i], ACCOUNT_CONSOLE_GROUP) == 0)
			ok = 1;
	}
	account_groups_free(groups);
	return (ok);
}

struct account_entry *
account_list(struct account *au, int group, size_t *n)
{
	struct account_file	 af;
	struct account_entry	*out, *e;
	char			*cause = NULL, *f;
	size_t			 i;

	*n = 0;
	if (account_file_read(au, group ? "group" : "passwd", &af,
	    &cause) == -1) {
		free(cause);
		return (NULL);
	}
	out = xcalloc(af.af_n + 1, sizeof *out);
	for (i = 0; i < af.af_n; i++) {
		e = &out[*n];
		if (account_field(af.af_lines[i], ":", 0, &e->ae_name) != 0)
			continue;
		if (*e->ae_name == '\0') {
			free(e->ae_name);
			continue;
		}
		if (account_field(af.af_lines[i], ":", 2, &f) == 0) {
			e->ae_id = strtol(f, NULL, 10);
			free(f);
		}
		e->ae_fullname = NULL;
		if (!group && account_field(af.af_lines[i], ":", 4, &f) == 0) {
			f[strcspn(f, ",")] = '\0';
			if (*f != '\0')
				e->ae_fullname = f;
			else
				free(f);
		}
		if (e->ae_fullname == NULL)
			e->ae_fullname = xstrdup(e->ae_name);
		if (!group && account_field(af.af_lines[i], ":", 6, &f) == 0) {
			e->ae_shell = *f != '\0' &&
			    strcmp(f, ACCOUNT_NOSHELL) != 0 &&
			    strcmp(f, "/bin/false") != 0;
			free(f);
		}
		(*n)++;
	}
	account_file_free(&af);
	return (out);
}

void
account_list_free(struct account_entry *list, size_t n)
{
	size_t	i;

	if (list == NULL)
		return;
	for (i = 0; i < n; i++) {
		free(list[i].ae_name);
		free(list[i].ae_fullname);
	}
	free(list);
}
