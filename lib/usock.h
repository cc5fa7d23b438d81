/* SPDX-License-Identifier: ISC */
/*
 * Unix-domain stream sockets: the listening side every daemon opens under
 * run/vireo/, the connecting side its clients use, and the peer credentials
 * the kernel vouches for.  Every descriptor returned here is close-on-exec.
 */
#ifndef VIREO_USOCK_H
#define VIREO_USOCK_H

#include <sys/types.h>

/*
 * The longest socket path that fits sun_path with its terminating NUL on
 * Linux (108 - 1).  Longer paths fail with ENAMETOOLONG.
 */
#define USOCK_PATH_MAX	107

/*
 * Create a listening socket bound at path.
 *
 * Parameters: path is the socket file to create (borrowed); mode is applied
 * with chmod(2) after bind, which runs under a umask that lets nobody but
 * the owner in, so the socket is never reachable with looser permissions
 * than asked; backlog goes to listen(2).
 *
 * A socket file left behind by a dead process (connect(2) to it is refused)
 * is removed and the bind retried once.  If a live server answers on path,
 * nothing is touched.
 *
 * Return values: a bound, listening descriptor with SOCK_CLOEXEC and
 * SOCK_NONBLOCK; or -1 with errno and *cause set (heap string, the caller
 * frees it):
 *	ENAMETOOLONG	path longer than USOCK_PATH_MAX bytes
 *	EADDRINUSE	another instance is serving on path
 *	EEXIST		path exists and is not a socket
 *	other		from socket(2), bind(2), chmod(2), listen(2)
 * The process umask is restored before returning.  Not thread-safe while
 * another thread creates files (the umask is process-wide).
 */
int	usock_listen(const char *path, mode_t mode, int backlog, char **cause);

/*
 * Connect to the stream socket at path (borrowed), blocking until the
 * server accepts or refuses.
 *
 * Return values: a connected, blocking, close-on-exec descriptor; or -1 with
 * errno (ENAMETOOLONG, ENOENT, ECONNREFUSED, EACCES, ...) and *cause set
 * (heap string, the caller frees it).
 */
int	usock_connect(const char *path, char **cause);

/*
 * Accept one connection on the listening descriptor lfd with accept4(2),
 * the new descriptor close-on-exec and non-blocking.
 *
 * Return values: the descriptor, or -1 with errno from accept4 (EAGAIN when
 * nothing is pending, EMFILE/ENFILE when out of descriptors: back off).
 */
int	usock_accept(int lfd);

/*
 * The credentials of the process at the other end of the connected Unix
 * socket fd, as the kernel recorded them at connect(2) or socketpair(2)
 * time (SO_PEERCRED).  Any of pid, uid, gid may be NULL.
 *
 * Return values: 0, or -1 with errno from getsockopt (ENOTSOCK, ...).
 */
int	usock_peercred(int fd, pid_t *pid, uid_t *uid, gid_t *gid);

#endif
