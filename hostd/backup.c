/* SPDX-License-Identifier: ISC */
/*
 * The configuration bundle (HostFirmwareSystem, DESIGN.md "Files on a
 * host"): the host's state files in one gzip'd ustar archive,
 * configBundle-<host>.tgz.  The first member is Manifest.txt:
 *
 *	format 1
 *	host <name>
 *	file <sha256 hex> <size> <relative path>
 *	...
 *
 * then one member per file it lists.  A bundle is untrusted input: it is
 * read from memory through libarchive with size limits, every member must
 * be a regular file named in hostd_backup_files and in the manifest, and
 * every checksum must match, before the first file is written.  The VMs'
 * own files live on the datastores and are not in the bundle.
 */

#include "config.h"

#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <archive.h>
#include <archive_entry.h>
#include <openssl/evp.h>

#include "atomicfile.h"
#include "hostd.h"
#include "xmalloc.h"

#define HOSTD_BACKUP_MANIFEST	"Manifest.txt"

const char *const hostd_backup_files[] = {
	"etc/vireo/hostd.conf",
	"etc/vireo/passwd",
	"etc/vireo/shadow",
	"etc/vireo/group",
	"etc/vireo/authorization.xml",
	"etc/vireo/ssl/rui.crt",
	"etc/vireo/ssl/rui.key",
	"var/lib/vireo/inventory.xml",
	NULL
};

/* One file of a bundle being read. */
struct hostd_backup_member {
	const char	*bm_name;	/* an entry of hostd_backup_files */
	char		 bm_sum[65];	/* from the manifest */
	size_t		 bm_size;	/* from the manifest */
	char		*bm_data;	/* from the archive, or NULL */
	size_t		 bm_len;
};

static int	hostd_backup_known(const char *);
static char	*hostd_backup_path(const char *, const char *);
static void	hostd_backup_sha256(const void *, size_t, char *);
static int	hostd_backup_manifest(const char *, size_t, const char *,
		    int, struct hostd_backup_member *, char **);
static int	hostd_backup_add(struct archive *, const char *,
		    const void *, size_t, char **);

int
hostd_backup_mode(const char *relpath)
{
	if (strcmp(relpath, "etc/vireo/shadow") == 0 ||
	    strcmp(relpath, "etc/vireo/ssl/rui.key") == 0)
		return (0600);
	return (0644);
}

/* The index of name in hostd_backup_files, or -1. */
static int
hostd_backup_known(const char *name)
{
	int	i;

	for (i = 0; hostd_backup_files[i] != NULL; i++) {
		if (strcmp(hostd_backup_files[i], name) == 0)
			return (i);
	}
	return (-1);
}

static char *
hostd_backup_path(const char *root, const char *rel)
{
	char	*path;

	xasprintf(&path, "%s/%s", strcmp(root, "/") == 0 ? "" : root, rel);
	return (path);
}

int
hostd_backup_read_file(const char *path, char **data, size_t *len,
    char **cause)
{
	FILE	*f;
	size_t	 n;
	int	 saved;

	if ((f = fopen(path, "re")) == NULL) {
		saved = errno;
		xasprintf(cause, "%s: %s", path, strerror(saved));
		errno = saved;
		return (-1);
	}
	*data = xmalloc(HOSTD_BACKUP_FILE_MAX + 1);
	n = fread(*data, 1, HOSTD_BACKUP_FILE_MAX + 1, f);
	saved = ferror(f) ? EIO : 0;
	fclose(f);
	if (saved != 0 || n > HOSTD_BACKUP_FILE_MAX) {
		xasprintf(cause, "%s: %s", path, saved != 0 ?
		    "read error" : "too large");
		free(*data);
		*data = NULL;
		errno = saved != 0 ? saved : EFBIG;
		return (-1);
	}
	*len = n;
	return (0);
}

static void
hostd_backup_sha256(const void *data, size_t len, char *hex)
{
	unsigned char	md[32];
	unsigned int	mdlen = sizeof md, i;

	EVP_Digest(data, len, md, &mdlen, EVP_sha256(), NULL);
	for (i = 0; i < mdlen; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
}

static int
hostd_backup_add(struct archive *a, const char *name, const void *data,
    size_t len, char **cause)
{
	struct archive_entry	*e;
	int			 rc = 0;

	e = archive_entry_new();
	archive_entry_set_pathname(e, name);
	archive_entry_set_size(e, (la_int64_t)len);
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_perm(e, (mode_t)hostd_backup_mode(name));
	archive_entry_set_mtime(e, time(NULL), 0);
	if (archive_write_header(a, e) != ARCHIVE_OK ||
	    (len > 0 && archive_write_data(a, data, len) != (la_ssize_t)len)) {
		xasprintf(cause, "bundle: %s", archive_error_string(a));
		rc = -1;
	}
	archive_entry_free(e);
	return (rc);
}

int
hostd_backup_create(const char *root, const char *host, void **out,
    size_t *outlen, char **cause)
{
	struct archive	*a;
	char		*data[sizeof hostd_backup_files /
			    sizeof hostd_backup_files[0]];
	size_t		 len[sizeof hostd_backup_files /
			    sizeof hostd_backup_files[0]];
	char		*manifest, *line, *path, sum[65];
	size_t		 i, used = 0, cap = HOSTD_BACKUP_MAX;
	int		 rc = -1;

	memset(data, 0, sizeof data);
	xasprintf(&manifest, "format %d\nhost %s\n", HOSTD_BACKUP_FORMAT,
	    host);
	for (i = 0; hostd_backup_files[i] != NULL; i++) {
		path = hostd_backup_path(root, hostd_backup_files[i]);
		if (hostd_backup_read_file(path, &data[i], &len[i],
		    cause) != 0) {
			free(path);
			if (errno != ENOENT)
				goto out;
			free(*cause);
			*cause = NULL;
			continue;
		}
		free(path);
		hostd_backup_sha256(data[i], len[i], sum);
		xasprintf(&line, "%sfile %s %zu %s\n", manifest, sum, len[i],
		    hostd_backup_files[i]);
		free(manifest);
		manifest = line;
	}

	*out = xmalloc(cap);
	a = archive_write_new();
	if (archive_write_set_format_ustar(a) != ARCHIVE_OK ||
	    archive_write_add_filter_gzip(a) != ARCHIVE_OK ||
	    archive_write_set_bytes_in_last_block(a, 1) != ARCHIVE_OK ||
	    archive_write_open_memory(a, *out, cap, &used) != ARCHIVE_OK) {
		xasprintf(cause, "bundle: %s", archive_error_string(a));
		archive_write_free(a);
		goto fail;
	}
	if (hostd_backup_add(a, HOSTD_BACKUP_MANIFEST, manifest,
	    strlen(manifest), cause) != 0)
		goto fail_archive;
	for (i = 0; hostd_backup_files[i] != NULL; i++) {
		if (data[i] != NULL && hostd_backup_add(a,
		    hostd_backup_files[i], data[i], len[i], cause) != 0)
			goto fail_archive;
	}
	if (archive_write_close(a) != ARCHIVE_OK) {
		xasprintf(cause, "bundle: %s", archive_error_string(a));
		goto fail_archive;
	}
	archive_write_free(a);
	*outlen = used;
	rc = 0;
	goto out;

fail_archive:
	archive_write_free(a);
fail:
	free(*out);
	*out = NULL;
out:
	for (i = 0; hostd_backup_files[i] != NULL; i++) {
		if (data[i] != NULL) {
			explicit_bzero(data[i], len[i]);
			free(data[i]);
		}
	}
	free(manifest);
	return (rc);
}

/* Parse the manifest into members (indexed like hostd_backup_files). */
static int
hostd_backup_manifest(const char *text, size_t len, const char *host,
    int force, struct hostd_backup_member *m, char **cause)
{
	char	*copy, *line, *save, sum[65], name[256], word[16];
	char	 hostname[256];
	int	 format = -1, i, n, rc = -1, have_host = 0;
	size_t	 size;

	copy = xstrndup(text, len);
	if (strlen(copy) != len) {
		xasprintf(cause, "manifest: not text");
		goto out;
	}
	for (line = strtok_r(copy, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		if (sscanf(line, "%15s", word) != 1)
			continue;
		if (strcmp(word, "format") == 0 &&
		    sscanf(line, "format %d%n", &format, &n) == 1 &&
		    line[n] == '\0')
			continue;
		if (strcmp(word, "host") == 0 &&
		    sscanf(line, "host %255s%n", hostname, &n) == 1 &&
		    line[n] == '\0') {
			have_host = 1;
			continue;
		}
		if (strcmp(word, "file") == 0 &&
		    sscanf(line, "file %64[0-9a-f] %zu %255s%n", sum, &size,
		    name, &n) == 3 && line[n] == '\0' && strlen(sum) == 64) {
			if ((i = hostd_backup_known(name)) == -1 ||
			    m[i].bm_name != NULL ||
			    size > HOSTD_BACKUP_FILE_MAX) {
				xasprintf(cause, "manifest: unexpected file "
				    "%.64s", name);
				goto out;
			}
			m[i].bm_name = hostd_backup_files[i];
			memcpy(m[i].bm_sum, sum, sizeof m[i].bm_sum);
			m[i].bm_size = size;
			continue;
		}
		xasprintf(cause, "manifest: bad line \"%.40s\"", line);
		goto out;
	}
	if (format != HOSTD_BACKUP_FORMAT) {
		xasprintf(cause, "manifest: format %d, not %d", format,
		    HOSTD_BACKUP_FORMAT);
		goto out;
	}
	if (!have_host) {
		xasprintf(cause, "manifest: no host line");
		goto out;
	}
	if (!force && strcmp(hostname, host) != 0) {
		xasprintf(cause, "the bundle is from host %.64s, not %.64s "
		    "(force=true restores it anyway)", hostname, host);
		goto out;
	}
	rc = 0;
out:
	free(copy);
	return (rc);
}

int
hostd_backup_restore(const char *root, const void *data, size_t len,
    const char *host, int force, char **cause)
{
	struct hostd_backup_member	 m[sizeof hostd_backup_files /
					    sizeof hostd_backup_files[0]];
	struct archive			*a;
	struct archive_entry		*e;
	const char			*name;
	char				*manifest = NULL, *buf, *path, sum[65];
	size_t				 mlen = 0, i, size;
	la_ssize_t			 got;
	int				 k, r, rc = -1, nfiles = 0;

	memset(m, 0, sizeof m);
	a = archive_read_new();
	archive_read_support_filter_gzip(a);
	archive_read_support_format_tar(a);
	if (archive_read_open_memory(a, data, len) != ARCHIVE_OK) {
		xasprintf(cause, "not a configuration bundle: %s",
		    archive_error_string(a));
		goto out;
	}
	for (;;) {
		r = archive_read_next_header(a, &e);
		if (r == ARCHIVE_EOF)
			break;
		if (r != ARCHIVE_OK) {
			xasprintf(cause, "not a configuration bundle: %s",
			    archive_error_string(a));
			goto out;
		}
		name = archive_entry_pathname(e);
		if (name == NULL || archive_entry_filetype(e) != AE_IFREG ||
		    archive_entry_size(e) < 0 ||
		    archive_entry_size(e) > HOSTD_BACKUP_FILE_MAX) {
			xasprintf(cause, "bundle: unexpected member %.64s",
			    name != NULL ? name : "(no name)");
			goto out;
		}
		size = (size_t)archive_entry_size(e);
		buf = xmalloc(size + 1);
		got = size > 0 ? archive_read_data(a, buf, size) : 0;
		if (got < 0 || (size_t)got != size) {
			xasprintf(cause, "bundle: %.64s is truncated", name);
			free(buf);
			goto out;
		}
		buf[size] = '\0';
		if (manifest == NULL && nfiles == 0 &&
		    strcmp(name, HOSTD_BACKUP_MANIFEST) == 0) {
			manifest = buf;
			mlen = size;
			if (hostd_backup_manifest(manifest, mlen, host, force,
			    m, cause) != 0)
				goto out;
			continue;
		}
		if (manifest == NULL || (k = hostd_backup_known(name)) == -1 ||
		    m[k].bm_name == NULL || m[k].bm_data != NULL) {
			xasprintf(cause, "bundle: unexpected member %.64s%s",
			    name, manifest == NULL ? " before the manifest" :
			    "");
			free(buf);
			goto out;
		}
		hostd_backup_sha256(buf, size, sum);
		if (size != m[k].bm_size || strcmp(sum, m[k].bm_sum) != 0) {
			xasprintf(cause, "bundle: %.64s does not match its "
			    "checksum", name);
			free(buf);
			goto out;
		}
		m[k].bm_data = buf;
		m[k].bm_len = size;
		nfiles++;
	}
	if (manifest == NULL) {
		xasprintf(cause, "not a configuration bundle: no %s",
		    HOSTD_BACKUP_MANIFEST);
		goto out;
	}
	for (i = 0; hostd_backup_files[i] != NULL; i++) {
		if (m[i].bm_name != NULL && m[i].bm_data == NULL) {
			xasprintf(cause, "bundle: %s is missing",
			    m[i].bm_name);
			goto out;
		}
	}
	if (nfiles == 0) {
		xasprintf(cause, "bundle: no state file");
		goto out;
	}

	/* Everything checked: write. */
	for (i = 0; hostd_backup_files[i] != NULL; i++) {
		if (m[i].bm_data == NULL)
			continue;
		path = hostd_backup_path(root, m[i].bm_name);
		r = atomicfile_write(path, m[i].bm_data, m[i].bm_len,
		    (mode_t)hostd_backup_mode(m[i].bm_name), cause);
		free(path);
		if (r != 0) {
			errno = EIO;
			goto fail_io;
		}
	}
	rc = 0;
	goto done;
out:
	errno = EINVAL;
fail_io:
	rc = -1;
done:
	k = errno;
	archive_read_free(a);
	free(manifest);
	for (i = 0; hostd_backup_files[i] != NULL; i++) {
		if (m[i].bm_data != NULL) {
			explicit_bzero(m[i].bm_data, m[i].bm_len);
			free(m[i].bm_data);
		}
	}
	errno = rc == 0 ? 0 : k;
	return (rc);
}
