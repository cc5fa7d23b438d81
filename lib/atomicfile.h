/* SPDX-License-Identifier: ISC */
/*
 * Atomic file replacement: the new contents go to a temporary file in the
 * target's directory, which is synced and then renamed over the target, and
 * the directory is synced.  A reader (or a crash) sees either the whole old
 * file or the whole new one, never a mixture or a truncated file.
 */
#ifndef VIREO_ATOMICFILE_H
#define VIREO_ATOMICFILE_H

#include <sys/types.h>

#include <stddef.h>

struct atomicfile;

/*
 * Replace path with the len bytes at data, created with exactly mode (the
 * umask is not applied: a 0600 secret stays 0600, a 0644 config is not
 * narrowed by a daemon's umask).  The temporary file is never more
 * permissive than 0600 before it is complete.
 *
 * Returns 0, or -1 with errno set and *cause (if cause is not NULL) set to
 * "path: what failed: strerror", which the caller frees.  On failure the old
 * file, if any, is untouched and no temporary file is left behind, with one
 * exception: if only the final directory sync fails, the new file is in
 * place but its durability across a crash is not known (the message says
 * so).
 */
int	atomicfile_write(const char *path, const void *data, size_t len,
	    mode_t mode, char **cause);

/*
 * Streaming variant.  atomicfile_open creates the temporary file for path
 * (same mode rules as atomicfile_write) and returns a handle, or NULL with
 * errno and *cause.  Data is added with atomicfile_append or written
 * directly to atomicfile_fd; then exactly one of atomicfile_commit (which
 * makes it the new path) or atomicfile_abort (which removes it and leaves
 * path untouched) must be called, and either one frees the handle.
 */
struct atomicfile	*atomicfile_open(const char *path, mode_t mode,
			    char **cause);
/* The temporary file's descriptor (O_CLOEXEC); owned by the handle. */
int			 atomicfile_fd(const struct atomicfile *);
/*
 * Write all len bytes (retrying short writes and EINTR).  0, or -1 with
 * errno and *cause; a failed append also makes the later commit fail, so a
 * writer may check only the commit.
 */
int			 atomicfile_append(struct atomicfile *, const void *,
			    size_t, char **cause);
/*
 * Sync, rename over the target and sync the directory.  0, or -1 with errno
 * and *cause as for atomicfile_write.  The handle is freed either way.
 */
int			 atomicfile_commit(struct atomicfile *, char **cause);
/* Remove the temporary file and free the handle; accepts NULL. */
void			 atomicfile_abort(struct atomicfile *);

#endif
