/* SPDX-License-Identifier: ISC */
/*
 * The persistent copy of the host's state (hostd.conf state.dir): the
 * files of hostd_backup_files copied into a directory that survives what
 * the root does not (a tmpfs root after a reboot, ESXi's stateless
 * model).  Every state.interval seconds, a second after a change the
 * inventory hears of (accounts, permissions, VMs: comparing a handful of
 * small files is cheap), at a clean shutdown and when asked (after a
 * restore), each state file that differs from its copy is copied
 * atomically with its mode; at start-up, before first boot, every
 * state file missing under the root is taken back from the copy.
 *
 * Invariant: a copy is always a whole file (atomicfile_write), so a crash
 * during a copy leaves the previous one.  A file missing under the root
 * is never removed from the copy, except by hostd_statesync_clear (a
 * factory reset): a half-built root must not erase the last good state.
 */

#include "config.h"

#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "atomicfile.h"
#include "daemon.h"
#include "hostd.h"
#include "log.h"
#include "xmalloc.h"

/* Seconds between a change and its copy: a burst makes one copy. */
#define HOSTD_STATESYNC_SOON	1

struct hostd_statesync {
	char			*ss_root;
	char			*ss_dir;
	struct event		*ss_timer;	/* or NULL */
	struct event		*ss_soon;	/* one-shot, or NULL */
	struct hostd_inventory	*ss_inv;	/* watched, or NULL */
};

static char	*hostd_statesync_path(const char *, const char *);
static int	hostd_statesync_copy(const char *, const char *, const char *,
		    int, int *, char **);
static int	hostd_statesync_mkdirs(const char *, char **);
static void	hostd_statesync_timer_cb(evutil_socket_t, short, void *);
static void	hostd_statesync_changed(void *);

static char *
hostd_statesync_path(const char *dir, const char *rel)
{
	char	*path;

	xasprintf(&path, "%s/%s", strcmp(dir, "/") == 0 ? "" : dir, rel);
	return (path);
}

/* Make the directories above path. */
static int
hostd_statesync_mkdirs(const char *path, char **cause)
{
	char	*copy, *p;
	int	 saved;

	copy = xstrdup(path);
	for (p = copy + 1; (p = strchr(p, '/')) != NULL; p++) {
		*p = '\0';
		if (mkdir(copy, 0700) == -1 && errno != EEXIST) {
			saved = errno;
			xasprintf(cause, "%s: %s", copy, strerror(saved));
			free(copy);
			errno = saved;
			return (-1);
		}
		*p = '/';
	}
	free(copy);
	return (0);
}

/*
 * Copy rel from src to dst when it differs (or dst lacks it); with
 * missing_only, only when dst lacks it.  *copied set to 1 if written.
 * A missing source is not an error.
 */
static int
hostd_statesync_copy(const char *src, const char *dst, const char *rel,
    int missing_only, int *copied, char **cause)
{
	struct stat	 sb;
	char		*from, *to, *a = NULL, *b = NULL;
	size_t		 alen, blen;
	int		 rc = 0;

	*copied = 0;
	from = hostd_statesync_path(src, rel);
	to = hostd_statesync_path(dst, rel);
	if (missing_only && lstat(to, &sb) == 0)
		goto out;
	if (hostd_backup_read_file(from, &a, &alen, cause) != 0) {
		if (errno == ENOENT) {
			free(*cause);
			*cause = NULL;
		} else
			rc = -1;
		goto out;
	}
	if (!missing_only && hostd_backup_read_file(to, &b, &blen,
	    cause) == 0 && alen == blen && memcmp(a, b, alen) == 0)
		goto out;
	free(*cause);
	*cause = NULL;
	if (hostd_statesync_mkdirs(to, cause) != 0 ||
	    atomicfile_write(to, a, alen, (mode_t)hostd_backup_mode(rel),
	    cause) != 0)
		rc = -1;
	else
		*copied = 1;
out:
	if (a != NULL) {
		explicit_bzero(a, alen);
		free(a);
	}
	if (b != NULL) {
		explicit_bzero(b, blen);
		free(b);
	}
	free(from);
	free(to);
	return (rc);
}

int
hostd_statesync_restore(const char *root, const char *dir, char **cause)
{
	size_t	i;
	int	copied, n = 0;

	for (i = 0; hostd_backup_files[i] != NULL; i++) {
		if (hostd_statesync_copy(dir, root, hostd_backup_files[i], 1,
		    &copied, cause) != 0)
			return (-1);
		if (copied) {
			log_info("state: restored %s from %s",
			    hostd_backup_files[i], dir);
			n++;
		}
	}
	return (n);
}

struct hostd_statesync *
hostd_statesync_create(struct event_base *base, const char *root,
    const char *dir, unsigned int interval)
{
	struct hostd_statesync	*ss;
	struct timeval		 tv;

	ss = xcalloc(1, sizeof *ss);
	ss->ss_root = xstrdup(root);
	ss->ss_dir = xstrdup(dir);
	if (base != NULL && interval > 0) {
		tv.tv_sec = interval;
		tv.tv_usec = 0;
		ss->ss_timer = event_new(base, -1, EV_PERSIST,
		    hostd_statesync_timer_cb, ss);
		if (ss->ss_timer == NULL || event_add(ss->ss_timer, &tv) != 0)
			fatalx("state: cannot add the copy timer");
		ss->ss_soon = evtimer_new(base, hostd_statesync_timer_cb, ss);
		if (ss->ss_soon == NULL)
			fatalx("state: cannot make the copy timer");
		/* The state we start on is the first to keep: a new state
		 * dir must not wait for a change or a tick to hold it. */
		tv.tv_sec = 0;
		evtimer_add(ss->ss_soon, &tv);
	}
	return (ss);
}

void
hostd_statesync_watch(struct hostd_statesync *ss, struct hostd_inventory *inv)
{
	if (ss->ss_soon == NULL || ss->ss_inv != NULL)
		return;
	ss->ss_inv = inv;
	hostd_inventory_watch(inv, hostd_statesync_changed, ss);
}

/* Something changed: copy a moment later, once for a whole burst. */
static void
hostd_statesync_changed(void *arg)
{
	struct hostd_statesync	*ss = arg;
	struct timeval		 tv = { HOSTD_STATESYNC_SOON, 0 };

	if (!evtimer_pending(ss->ss_soon, NULL))
		evtimer_add(ss->ss_soon, &tv);
}

static void
hostd_statesync_timer_cb(evutil_socket_t fd, short events, void *arg)
{
	struct hostd_statesync	*ss = arg;
	char			*cause = NULL;

	(void)fd;
	(void)events;
	if (hostd_statesync_now(ss, &cause) != 0) {
		log_warnx("state: copy to %s: %s", ss->ss_dir, cause);
		free(cause);
	}
}

int
hostd_statesync_now(struct hostd_statesync *ss, char **cause)
{
	size_t	i;
	int	copied;

	for (i = 0; hostd_backup_files[i] != NULL; i++) {
		if (hostd_statesync_copy(ss->ss_root, ss->ss_dir,
		    hostd_backup_files[i], 0, &copied, cause) != 0)
			return (-1);
		if (copied)
			log_debug("state: copied %s to %s",
			    hostd_backup_files[i], ss->ss_dir);
	}
	return (0);
}

int
hostd_statesync_clear(struct hostd_statesync *ss, char **cause)
{
	char	*path;
	size_t	 i;
	int	 saved;

	for (i = 0; hostd_backup_files[i] != NULL; i++) {
		path = hostd_statesync_path(ss->ss_dir, hostd_backup_files[i]);
		if (unlink(path) == -1 && errno != ENOENT) {
			saved = errno;
			xasprintf(cause, "%s: %s", path, strerror(saved));
			free(path);
			errno = saved;
			return (-1);
		}
		free(path);
	}
	return (0);
}

void
hostd_statesync_free(struct hostd_statesync *ss)
{
	char	*cause = NULL;

	if (ss == NULL)
		return;
	if (ss->ss_inv != NULL)
		hostd_inventory_unwatch(ss->ss_inv, hostd_statesync_changed,
		    ss);
	if (ss->ss_timer != NULL)
		event_free(ss->ss_timer);
	if (ss->ss_soon != NULL)
		event_free(ss->ss_soon);
	if (hostd_statesync_now(ss, &cause) != 0) {
		log_warnx("state: last copy to %s: %s", ss->ss_dir, cause);
		free(cause);
	}
	free(ss->ss_root);
	free(ss->ss_dir);
	free(ss);
}
