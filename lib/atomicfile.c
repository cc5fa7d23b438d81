/* SPDX-License-Identifier: ISC */
/*
 * Atomic replacement of a file (every piece of host state is written this
 * way).  The temporary file lives in the target's own directory, because
 * rename(2) is atomic only within one file system; it is created with
 * O_EXCL (mkostemp) and mode 0600, and only gets its final mode once its
 * contents are complete and synced.  The order is: write, fsync, fchmod,
 * close, rename, fsync(directory): after a crash the target holds either the
 * old or the new contents in full.
 */

#include "config.h"

#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "atomicfile.h"
#include "xmalloc.h"

/* Longest part of the target's name copied into the temporary name, so
 * that ".name.XXXXXX" stays under NAME_MAX for any valid name. */
#define ATOMICFILE_BASE_MAX	200

struct atomicfile {
	char	*af_path;	/* target (owned) */
	char	*af_dir;	/* its directory, for the final fsync (owned) */
	char	*af_tmp;	/* temporary file (owned) */
	int	 af_fd;		/* temporary file, -1 once closed */
	mode_t	 af_mode;	/* final permission bits */
	int	 af_errno;	/* first failed append's errno, or 0 */
};

static void	atomicfile_close(struct atomicfile *);
static void	atomicfile_destroy(struct atomicfile *);
static int	atomicfile_fail(struct atomicfile *, char **, const char *);
static int	atomicfile_sync_dir(const char *);

/* Close the temporary descriptor once; the error is not interesting when
 * the file is being thrown away. */
static void
atomicfile_close(struct atomicfile *af)
{
	if (af->af_fd != -1) {
		close(af->af_fd);
		af->af_fd = -1;
	}
}

/* Remove the temporary file (if still there) and free the handle. */
static void
atomicfile_destroy(struct atomicfile *af)
{
	int	saved = errno;

	atomicfile_close(af);
	if (af->af_tmp != NULL)
		unlink(af->af_tmp);
	free(af->af_tmp);
	free(af->af_dir);
	free(af->af_path);
	free(af);
	errno = saved;
}

/* Build "path: what: strerror" from the current errno; returns -1. */
static int
atomicfile_fail(struct atomicfile *af, char **cause, const char *what)
{
	int	saved = errno;

	if (cause != NULL)
		xasprintf(cause, "%s: %s: %s", af->af_path, what,
		    strerror(saved));
	errno = saved;
	return (-1);
}

/* fsync a directory so that a rename inside it survives a crash. */
static int
atomicfile_sync_dir(const char *dir)
{
	int	fd, saved;

	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return (-1);
	if (fsync(fd) == -1) {
		saved = errno;
		close(fd);
		errno = saved;
		return (-1);
	}
	return (close(fd));
}

struct atomicfile *
atomicfile_open(const char *path, mode_t mode, char **cause)
{
	struct atomicfile	*af;
	const char		*slash, *base;
	size_t			 baselen;

	if (cause != NULL)
		*cause = NULL;
	if (path == NULL || *path == '\0' ||
	    path[strlen(path) - 1] == '/') {
		if (cause != NULL)
			xasprintf(cause, "%s: not a file name",
			    path == NULL ? "(null)" : path);
		errno = EINVAL;
		return (NULL);
	}

	af = xcalloc(1, sizeof *af);
	af->af_fd = -1;
	af->af_mode = mode & 07777;
	af->af_path = xstrdup(path);

	if ((slash = strrchr(path, '/')) == NULL) {
		af->af_dir = xstrdup(".");
		base = path;
	} else {
		if (slash == path)
			af->af_dir = xstrdup("/");
		else
			af->af_dir = xstrndup(path, slash - path);
		base = slash + 1;
	}
	baselen = strlen(base);
	if (baselen > ATOMICFILE_BASE_MAX)
		baselen = ATOMICFILE_BASE_MAX;
	/* A dot file, so directory listings and globs skip it. */
	xasprintf(&af->af_tmp, "%s/.%.*s.XXXXXX", af->af_dir, (int)baselen,
	    base);

	/* mkostemp creates with O_EXCL and mode 0600. */
	if ((af->af_fd = mkostemp(af->af_tmp, O_CLOEXEC)) == -1) {
		atomicfile_fail(af, cause, "creating temporary file");
		/* Nothing was created, so nothing must be unlinked. */
		free(af->af_tmp);
		af->af_tmp = NULL;
		atomicfile_destroy(af);
		return (NULL);
	}
	return (af);
}

int
atomicfile_fd(const struct atomicfile *af)
{
	return (af->af_fd);
}

int
atomicfile_append(struct atomicfile *af, const void *data, size_t len,
    char **cause)
{
	const char	*p = data;
	ssize_t		 n;

	if (cause != NULL)
		*cause = NULL;
	if (af->af_errno != 0) {
		errno = af->af_errno;
		return (atomicfile_fail(af, cause, "writing"));
	}
	while (len > 0) {
		if ((n = write(af->af_fd, p, len)) == -1) {
			if (errno == EINTR)
				continue;
			af->af_errno = errno;
			return (atomicfile_fail(af, cause, "writing"));
		}
		if (n == 0) {
			/* Not expected from a regular file; never spin. */
			af->af_errno = errno = EIO;
			return (atomicfile_fail(af, cause, "writing"));
		}
		p += n;
		len -= (size_t)n;
	}
	return (0);
}

int
atomicfile_commit(struct atomicfile *af, char **cause)
{
	int	fd;

	if (cause != NULL)
		*cause = NULL;
	if (af->af_errno != 0) {
		errno = af->af_errno;
		atomicfile_fail(af, cause, "writing");
		goto fail;
	}
	/* Durable contents first, then the final mode, then the name. */
	if (fsync(af->af_fd) == -1) {
		atomicfile_fail(af, cause, "syncing");
		goto fail;
	}
	if (fchmod(af->af_fd, af->af_mode) == -1) {
		atomicfile_fail(af, cause, "setting mode");
		goto fail;
	}
	/* close can report a delayed write error (NFS); do not ignore it. */
	fd = af->af_fd;
	af->af_fd = -1;
	if (close(fd) == -1) {
		atomicfile_fail(af, cause, "closing");
		goto fail;
	}
	if (rename(af->af_tmp, af->af_path) == -1) {
		atomicfile_fail(af, cause, "replacing");
		goto fail;
	}
	/* The temporary name no longer exists: nothing to unlink. */
	free(af->af_tmp);
	af->af_tmp = NULL;

	if (atomicfile_sync_dir(af->af_dir) == -1) {
		atomicfile_fail(af, cause,
		    "new contents in place, but syncing the directory");
		goto fail;
	}
	atomicfile_destroy(af);
	return (0);

fail:
	atomicfile_destroy(af);
	return (-1);
}

void
atomicfile_abort(struct atomicfile *af)
{
	if (af != NULL)
		atomicfile_destroy(af);
}

int
atomicfile_write(const char *path, const void *data, size_t len, mode_t mode,
    char **cause)
{
	struct atomicfile	*af;

	if ((af = atomicfile_open(path, mode, cause)) == NULL)
		return (-1);
	if (atomicfile_append(af, data, len, cause) == -1) {
		atomicfile_abort(af);
		return (-1);
	}
	return (atomicfile_commit(af, cause));
}
