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
 */

#include "config.h"

#include <crypt.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "account.h"
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
		return (groups);
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
