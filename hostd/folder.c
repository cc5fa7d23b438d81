/* SPDX-License-Identifier: ISC */
/*
 * GET/HEAD /folder/<path>?dcPath=ha-datacenter&dsName=<datastore>
 * (vi-api.md §7.1), read side only: a file of a datastore, for a client
 * with a session cookie.  libvirt's ESX driver reads a VM's .vmx this way
 * for `virsh dumpxml`.  PUT and DELETE are not handled here yet.
 *
 * Invariants: the path is URL-decoded once, must be relative and free of
 * "." and ".." components and NUL bytes, and is opened below the
 * datastore's directory with O_NOFOLLOW on the last component; only
 * regular files are served.  Nothing here blocks for long: the file is
 * handed to the buffer by descriptor (evbuffer_add_file).
 */

#include "config.h"

#include <sys/queue.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include "hostd.h"
#include "xmalloc.h"

static int	hostd_folder_path_ok(const char *);

/* 1 if p is a relative path with no empty, "." or ".." component. */
static int
hostd_folder_path_ok(const char *p)
{
	const char	*c;
	size_t		 n;

	if (*p == '\0' || *p == '/')
		return (0);
	for (c = p; *c != '\0'; c += n + (c[n] == '/')) {
		n = strcspn(c, "/");
		if (n == 0 || (n == 1 && c[0] == '.') ||
		    (n == 2 && c[0] == '.' && c[1] == '.'))
			return (0);
		if (c[n] == '/' && c[n + 1] == '\0')
			return (0);
	}
	return (1);
}

int
hostd_folder_get(struct hostd *h, const char *path, const char *query,
    const char *cookie, struct evbuffer *out, const char **reason)
{
	struct hostd_inventory		*inv;
	struct hostd_mo			*mo;
	struct hostd_mo_datastore	*ds = NULL;
	struct evkeyvalq		 q;
	struct stat			 st;
	const char			*dsname, *dcpath;
	char				*rel = NULL, *full = NULL;
	size_t				 rlen;
	int				 fd, status;

	if (hostd_session_find(hostd_soap_sessions(h->h_soap), cookie) ==
	    NULL) {
		*reason = "Unauthorized";
		return (401);
	}
	TAILQ_INIT(&q);
	if (query == NULL || evhttp_parse_query_str(query, &q) != 0) {
		*reason = "Bad Request";
		return (400);
	}
	dsname = evhttp_find_header(&q, "dsName");
	dcpath = evhttp_find_header(&q, "dcPath");
	status = 404;
	*reason = "Not Found";
	if (dsname == NULL || (dcpath != NULL &&
	    strcmp(dcpath + (*dcpath == '/'), HOSTD_MO_DATACENTER) != 0))
		goto out;
	rel = evhttp_uridecode(path, 0, &rlen);
	if (rel == NULL || strlen(rel) != rlen || !hostd_folder_path_ok(rel))
		goto out;
	inv = hostd_soap_inventory(h->h_soap);
	for (mo = hostd_inventory_next(inv, NULL); mo != NULL;
	    mo = hostd_inventory_next(inv, mo)) {
		if (strcmp(mo->mo_type, "Datastore") == 0 &&
		    mo->mo_data != NULL && strcmp(((struct
		    hostd_mo_datastore *)mo->mo_data)->ds_name, dsname) == 0) {
			ds = mo->mo_data;
			break;
		}
	}
	if (ds == NULL)
		goto out;
	xasprintf(&full, "%s/%s", ds->ds_path, rel);
	if ((fd = open(full, O_RDONLY | O_CLOEXEC | O_NOFOLLOW |
	    O_NONBLOCK)) == -1)
		goto out;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		goto out;
	}
	if (st.st_size > 0) {
		if (evbuffer_add_file(out, fd, 0, st.st_size) != 0) {
			status = 500;
			*reason = "Internal Server Error";
			goto out;
		}
	} else
		close(fd);
	status = 200;
	*reason = "OK";
out:
	evhttp_clear_headers(&q);
	free(rel);
	free(full);
	return (status);
}
