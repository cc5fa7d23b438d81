/* SPDX-License-Identifier: ISC */
/*
 * Unix-domain stream sockets for the daemons' control and VI API sockets
 * and for the hostd <-> vmx link.  Listening takes care of the two ways a
 * socket path goes wrong on a host: a file left behind by a crashed daemon
 * (removed, since nobody answers on it) and a second instance started by
 * mistake (refused, since the first one still answers).  The socket is
 * created under a restrictive umask and only then given its real mode, so
 * there is no window in which it is more open than asked.
 */

#include "config.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/un.h>

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "usock.h"
#include "xmalloc.h"

_Static_assert(USOCK_PATH_MAX + 1 ==
    sizeof(((struct sockaddr_un *)0)->sun_path),
    "USOCK_PATH_MAX does not match sun_path");

static int	usock_addr(struct sockaddr_un *, const char *, char **);
static int	usock_clear_stale(const char *, char **);
static void	usock_close(int *);
static int	usock_socket(int, char **);

/* Fill sun for path, or fail with a cause a person can act on. */
static int
usock_addr(struct sockaddr_un *sun, const char *path, char **cause)
{
	size_t	len;

	len = strlen(path);
	if (len == 0) {
		xasprintf(cause, "empty socket path");
		errno = EINVAL;
		return (-1);
	}
	if (len > USOCK_PATH_MAX) {
		xasprintf(cause, "socket path %s is too long: %zu bytes, the "
		    "limit for a Unix socket is %d", path, len, USOCK_PATH_MAX);
		errno = ENAMETOOLONG;
		return (-1);
	}
	memset(sun, 0, sizeof *sun);
	sun->sun_family = AF_UNIX;
	memcpy(sun->sun_path, path, len + 1);
	return (0);
}

static void
usock_close(int *fd)
{
	int	saved;

	if (*fd != -1) {
		saved = errno;
		close(*fd);
		errno = saved;
		*fd = -1;
	}
}

/*
 * bind(2) found path in use.  Decide whether it is a leftover (nobody
 * accepts: remove it, return 0 so the caller binds again) or a live server
 * or a file that is not ours to remove (return -1).
 */
/* A Unix stream socket, close-on-exec, with more flags (SOCK_NONBLOCK);
 * -1 with *cause and errno kept. */
static int
usock_socket(int flags, char **cause)
{
	int	fd, saved;

	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | flags,
	    0)) == -1) {
		saved = errno;
		xasprintf(cause, "socket: %s", strerror(saved));
		errno = saved;
	}
	return (fd);
}

static int
usock_clear_stale(const char *path, char **cause)
{
	struct sockaddr_un	 sun;
	struct stat		 st;
	int			 fd, rc, saved;

	if (lstat(path, &st) == -1) {
		if (errno == ENOENT)
			return (0);	/* gone meanwhile: just bind again */
		saved = errno;
		xasprintf(cause, "%s: %s", path, strerror(saved));
		errno = saved;
		return (-1);
	}
	if (!S_ISSOCK(st.st_mode)) {
		xasprintf(cause, "%s exists and is not a socket", path);
		errno = EEXIST;
		return (-1);
	}
	if (usock_addr(&sun, path, cause) == -1)
		return (-1);
	/*
	 * Non-blocking, so a live server with a full backlog (EAGAIN) counts
	 * as live instead of stalling us.
	 */
	if ((fd = usock_socket(SOCK_NONBLOCK, cause)) == -1)
		return (-1);
	rc = connect(fd, (struct sockaddr *)&sun, sizeof sun);
	saved = errno;
	usock_close(&fd);
	if (rc == 0 || saved == EAGAIN || saved == EINPROGRESS) {
		xasprintf(cause, "%s: another instance is already running "
		    "(the socket accepts connections)", path);
		errno = EADDRINUSE;
		return (-1);
	}
	if (saved == ENOENT)
		return (0);
	if (saved != ECONNREFUSED) {
		xasprintf(cause, "checking %s: %s", path, strerror(saved));
		errno = saved;
		return (-1);
	}
	if (unlink(path) == -1 && errno != ENOENT) {
		saved = errno;
		xasprintf(cause, "removing stale socket %s: %s", path,
		    strerror(saved));
		errno = saved;
		return (-1);
	}
	return (0);
}

int
usock_listen(const char *path, mode_t mode, int backlog, char **cause)
{
	struct sockaddr_un	 sun;
	mode_t			 omask;
	int			 fd, rc, saved, tries;

	if (usock_addr(&sun, path, cause) == -1)
		return (-1);
	if ((fd = usock_socket(SOCK_NONBLOCK, cause)) == -1)
		return (-1);
	for (tries = 0;; tries++) {
		/* Owner read/write only until chmod says otherwise. */
		omask = umask(S_IXUSR | S_IRWXG | S_IRWXO);
		rc = bind(fd, (struct sockaddr *)&sun, sizeof sun);
		saved = errno;
		umask(omask);
		if (rc == 0)
			break;
		if (saved != EADDRINUSE || tries > 0) {
			xasprintf(cause, "bind %s: %s", path, strerror(saved));
			usock_close(&fd);
			errno = saved;
			return (-1);
		}
		if (usock_clear_stale(path, cause) == -1) {
			usock_close(&fd);
			return (-1);
		}
	}
	if (chmod(path, mode) == -1) {
		saved = errno;
		xasprintf(cause, "chmod %s: %s", path, strerror(saved));
		goto fail;
	}
	if (listen(fd, backlog) == -1) {
		saved = errno;
		xasprintf(cause, "listen %s: %s", path, strerror(saved));
		goto fail;
	}
	return (fd);

fail:
	/* We created the file; do not leave a dead socket behind. */
	unlink(path);
	usock_close(&fd);
	errno = saved;
	return (-1);
}

int
usock_connect(const char *path, char **cause)
{
	struct sockaddr_un	 sun;
	int			 fd, saved;

	if (usock_addr(&sun, path, cause) == -1)
		return (-1);
	if ((fd = usock_socket(0, cause)) == -1)
		return (-1);
	if (connect(fd, (struct sockaddr *)&sun, sizeof sun) == -1) {
		saved = errno;
		xasprintf(cause, "connect %s: %s", path, strerror(saved));
		usock_close(&fd);
		errno = saved;
		return (-1);
	}
	return (fd);
}

int
usock_accept(int lfd)
{
	return (accept4(lfd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK));
}

int
usock_peercred(int fd, pid_t *pid, uid_t *uid, gid_t *gid)
{
	struct ucred	 uc;
	socklen_t	 len = sizeof uc;

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &uc, &len) == -1)
		return (-1);
	if (len != sizeof uc) {
		errno = EPROTO;
		return (-1);
	}
	if (pid != NULL)
		*pid = uc.pid;
	if (uid != NULL)
		*uid = uc.uid;
	if (gid != NULL)
		*gid = uc.gid;
	return (0);
}
