/* SPDX-License-Identifier: ISC */
/*
 * Local tickets (SessionManager.AcquireLocalTicket, as on ESX): a client
 * on the Unix socket asks for a ticket for a user and gets the path of a
 * file, readable only by the peer's uid, holding a one-time password that
 * Login accepts for that user within HOSTD_TICKET_TTL seconds.  Being
 * able to read the file is the proof of being local; the socket (mode
 * 0600) already limits callers to root and hostd's own user, and only
 * those get tickets.  This is how dcui logs in as its own principal
 * HOSTD_DCUI_USER, which has no password at all and holds Admin on
 * ha-folder-root (both made on the first ticket, as ESX's first boot makes
 * its dcui user).  The tickets hang off the SessionManager object; the
 * passwords never reach a log.
 */

#include "config.h"

#include <sys/random.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "hostd.h"
#include "log.h"
#include "xmalloc.h"

#define HOSTD_TICKET_MAX	16	/* outstanding tickets */

struct hostd_ticket {
	char		tk_user[64];
	char		tk_pw[41];
	char		tk_path[4096];
	time_t		tk_expires;	/* monotonic */
};

struct hostd_ticket_store {
	struct hostd_ticket	ts_t[HOSTD_TICKET_MAX];
	size_t			ts_n;
};

static struct hostd_ticket_store *hostd_ticket_store(struct hostd_soap *);
static void	hostd_ticket_store_free(void *);
static void	hostd_ticket_drop(struct hostd_ticket_store *, size_t);
static void	hostd_ticket_expire(struct hostd_ticket_store *);
static time_t	hostd_ticket_now(void);
static int	hostd_ticket_principal(struct hostd_soap *, char **);

static time_t
hostd_ticket_now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (ts.tv_sec);
}

static void
hostd_ticket_store_free(void *arg)
{
	struct hostd_ticket_store	*st = arg;

	while (st->ts_n > 0)
		hostd_ticket_drop(st, 0);
	free(st);
}

static struct hostd_ticket_store *
hostd_ticket_store(struct hostd_soap *hs)
{
	struct hostd_mo	*mo;

	mo = hostd_inventory_find(hostd_soap_inventory(hs), "SessionManager",
	    "ha-sessionmgr", NULL);
	if (mo == NULL)
		return (NULL);
	if (mo->mo_data == NULL) {
		mo->mo_data = xcalloc(1, sizeof(struct hostd_ticket_store));
		mo->mo_data_free = hostd_ticket_store_free;
	}
	return (mo->mo_data);
}

/* Forget ticket i: its file goes, its password is wiped. */
static void
hostd_ticket_drop(struct hostd_ticket_store *st, size_t i)
{
	if (unlink(st->ts_t[i].tk_path) == -1 && errno != ENOENT)
		log_warn("unlink %s", st->ts_t[i].tk_path);
	explicit_bzero(&st->ts_t[i], sizeof st->ts_t[i]);
	memmove(&st->ts_t[i], &st->ts_t[i + 1],
	    (st->ts_n - i - 1) * sizeof st->ts_t[0]);
	st->ts_n--;
}

static void
hostd_ticket_expire(struct hostd_ticket_store *st)
{
	size_t	i = 0;
	time_t	now = hostd_ticket_now();

	while (i < st->ts_n) {
		if (st->ts_t[i].tk_expires <= now)
			hostd_ticket_drop(st, i);
		else
			i++;
	}
}

/* Make the dcui principal if it is missing: a user without a password
 * and Admin on the root folder.  0, or -1 with *cause. */
static int
hostd_ticket_principal(struct hostd_soap *hs, char **cause)
{
	struct account			*au = hostd_soap_auth(hs);
	struct hostd_authz		*az = hostd_soap_authz(hs);
	const struct hostd_authz_perm	*p = NULL;

	if (!account_exists(au, HOSTD_DCUI_USER, 0)) {
		if (account_user_add(au, HOSTD_DCUI_USER, NULL,
		    "DCUI User", -1, 0, cause) == -1)
			return (-1);
		log_info("created the console principal %s", HOSTD_DCUI_USER);
	}
	while ((p = hostd_authz_perm_next(az, p)) != NULL) {
		if (!p->pe_group && strcmp(p->pe_principal,
		    HOSTD_DCUI_USER) == 0 && strcmp(p->pe_id,
		    HOSTD_MO_ROOT) == 0)
			return (0);
	}
	if (hostd_authz_perm_set(az, "Folder", HOSTD_MO_ROOT, HOSTD_DCUI_USER,
	    0, HOSTD_AUTHZ_ADMIN, 1) == -1) {
		xasprintf(cause, "permission for %s: %s", HOSTD_DCUI_USER,
		    strerror(errno));
		return (-1);
	}
	return (hostd_authz_save(az, cause));
}

int
hostd_ticket_acquire(struct hostd_soap_req *req)
{
	const struct hostd_call_info	*ci;
	struct hostd_ticket_store	*st;
	struct hostd_ticket		*t;
	struct hostd_val		*v;
	const char			*user, *root;
	unsigned char			 rnd[20];
	char				*cause = NULL, dir[4000], name[17];
	size_t				 i;
	int				 fd;

	user = hostd_val_str(hostd_val_field(req->r_params, "userName"));
	ci = req->r_call != NULL ? hostd_call_info(req->r_call) : NULL;
	if (ci == NULL || !ci->ci_local || ci->ci_uid < 0 ||
	    (ci->ci_uid != 0 && (uid_t)ci->ci_uid != geteuid())) {
		req->r_fault = hostd_fault_no_permission("SessionManager",
		    "ha-sessionmgr", "System.Anonymous");
		return (0);
	}
	if ((st = hostd_ticket_store(req->r_soap)) == NULL) {
		req->r_fault = hostd_fault_system_error("no session manager");
		return (0);
	}
	if (strcmp(user, HOSTD_DCUI_USER) == 0) {
		if (hostd_ticket_principal(req->r_soap, &cause) == -1) {
			log_warnx("AcquireLocalTicket: %s", cause);
			req->r_fault = hostd_fault_system_error(cause);
			free(cause);
			return (0);
		}
	} else if (strlen(user) >= sizeof st->ts_t[0].tk_user ||
	    !account_exists(hostd_soap_auth(req->r_soap), user, 0)) {
		req->r_fault = hostd_fault_invalid_login();
		return (0);
	}
	hostd_ticket_expire(st);
	if (st->ts_n == HOSTD_TICKET_MAX)
		hostd_ticket_drop(st, 0);
	if (getrandom(rnd, sizeof rnd, 0) != sizeof rnd) {
		req->r_fault = hostd_fault_system_error("no random bytes");
		return (0);
	}
	t = &st->ts_t[st->ts_n];
	memset(t, 0, sizeof *t);
	snprintf(t->tk_user, sizeof t->tk_user, "%s", user);
	for (i = 0; i < sizeof rnd; i++)
		snprintf(t->tk_pw + 2 * i, 3, "%02x", rnd[i]);
	explicit_bzero(rnd, sizeof rnd);
	root = hostd_inventory_rootdir(hostd_soap_inventory(req->r_soap));
	snprintf(dir, sizeof dir, "%s/run/vireo/ticket", root);
	if (mkdir(dir, 0711) == -1 && errno != EEXIST)
		log_warn("mkdir %s", dir);
	/* The name is public; what the file holds is the secret. */
	memcpy(name, t->tk_pw + 24, 16);
	name[16] = '\0';
	snprintf(t->tk_path, sizeof t->tk_path, "%s/%s", dir, name);
	fd = open(t->tk_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC |
	    O_NOFOLLOW, 0400);
	if (fd == -1 || (geteuid() == 0 && fchown(fd, (uid_t)ci->ci_uid,
	    (gid_t)-1) == -1) || write(fd, t->tk_pw, 40) != 40) {
		log_warn("AcquireLocalTicket: %s", t->tk_path);
		if (fd != -1) {
			close(fd);
			unlink(t->tk_path);
		}
		explicit_bzero(t, sizeof *t);
		req->r_fault = hostd_fault_system_error(
		    "cannot write the ticket file");
		return (0);
	}
	close(fd);
	t->tk_expires = hostd_ticket_now() + HOSTD_TICKET_TTL;
	st->ts_n++;
	log_info("local ticket for %s issued to uid %ld", user, ci->ci_uid);
	v = hostd_val_object("SessionManagerLocalTicket");
	hostd_val_add_str(v, "userName", user);
	hostd_val_add_str(v, "passwordFilePath", t->tk_path);
	req->r_result = v;
	return (0);
}

int
hostd_ticket_login(struct hostd_soap *hs, const char *user,
    const char *password, char **fullname)
{
	struct hostd_ticket_store	*st;
	size_t				 i, j;
	unsigned char			 diff;

	if ((st = hostd_ticket_store(hs)) == NULL)
		return (-1);
	hostd_ticket_expire(st);
	if (strlen(password) != 40)
		return (-1);
	for (i = 0; i < st->ts_n; i++) {
		if (strcmp(st->ts_t[i].tk_user, user) != 0)
			continue;
		diff = 0;
		for (j = 0; j < 40; j++)
			diff |= st->ts_t[i].tk_pw[j] ^ password[j];
		if (diff != 0)
			continue;
		hostd_ticket_drop(st, i);
		*fullname = xstrdup(user);
		return (0);
	}
	return (-1);
}
