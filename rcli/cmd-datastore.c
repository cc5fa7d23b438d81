/* SPDX-License-Identifier: ISC */
/*
 * rcli datastore: list reads each Datastore's summary; browse is
 * HostDatastoreBrowser.SearchDatastore_Task on the datastore's browser;
 * upload and download are /folder PUT and GET (streamed, with a progress
 * bar on a tty); mkdir is FileManager.MakeDirectory and rm
 * FileManager.DeleteDatastoreFile_Task.  Files are named "DS PATH", two
 * operands, so no shell quoting of "[ds] path" is needed.
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rcli.h"
#include "xmalloc.h"
#include "xml.h"

static char	*cmd_datastore_browser(struct viclient *, const char *);
static int	cmd_datastore_list(struct rcli *, struct args *);
static int	cmd_datastore_browse(struct rcli *, struct args *);
static int	cmd_datastore_upload(struct rcli *, struct args *);
static int	cmd_datastore_download(struct rcli *, struct args *);
static int	cmd_datastore_mkdir(struct rcli *, struct args *);
static int	cmd_datastore_rm(struct rcli *, struct args *);

static const char cmd_datastore_usage[] =
    "usage: rcli datastore <verb> ...\n"
    "  list                            datastores, capacity, free space\n"
    "  browse DS [DIR]                 files in a datastore directory\n"
    "  upload LOCAL DS PATH            copy a local file to the datastore\n"
    "  download DS PATH LOCAL          copy a datastore file here\n"
    "  mkdir DS PATH [--parents]       make a directory\n"
    "  rm DS PATH                      delete a file or a directory tree\n";

static const struct rcli_verb cmd_datastore_verbs[] = {
	{ "list", cmd_datastore_list },
	{ "browse", cmd_datastore_browse },
	{ "upload", cmd_datastore_upload },
	{ "download", cmd_datastore_download },
	{ "mkdir", cmd_datastore_mkdir },
	{ "rm", cmd_datastore_rm },
	{ NULL, NULL }
};

const struct rcli_noun cmd_datastore_noun = {
	"datastore", "datastores: list, browse, upload, download, mkdir, rm",
	cmd_datastore_usage, cmd_datastore_verbs
};

static int
cmd_datastore_list(struct rcli *r, struct args *a)
{
	static const char *const cols[] = { "id", "name", "type",
	    "capacityBytes:n", "freeBytes:n", "accessible", "url", NULL };
	static const char *const paths[] = { "name", "summary", NULL };
	struct viclient	*c;
	struct viprops	 p;
	struct table	*t;
	xmlNodePtr	 s;
	char		*v[7];
	size_t		 i;

	if (args_done(a) == -1)
		return (RCLI_EXIT_USAGE);
	if ((c = main_conn(r)) == NULL)
		return (RCLI_EXIT_FAULT);
	if (viprops_all(c, "Datastore", paths, &p) == -1)
		return (conn_perror(c));
	t = table_create(cols);
	for (i = 0; i < p.p_n; i++) {
		s = viprops_val(&p.p_obj[i], "summary");
		v[0] = xstrdup(p.p_obj[i].po_id);
		v[1] = viprops_text(&p.p_obj[i], "name");
		v[2] = viprops_path(s, "type");
		v[3] = viprops_path(s, "capacity");
		v[4] = viprops_path(s, "freeSpace");
		v[5] = viprops_path(s, "accessible");
		v[6] = viprops_path(s, "url");
		table_add_free(t, v, 7);
	}
	viprops_free(&p);
	return (main_output(r, t));
}

/* The HostDatastoreBrowser of datastore ds (caller frees); NULL with
 * the error set. */
static char *
cmd_datastore_browser(struct viclient *c, const char *ds)
{
	static const char *const paths[] = { "browser", NULL };
	struct viprops	 p;
	const char	*ids[1];
	char		*id, *browser;
	int		 rc;

	if (viprops_find(c, "Datastore", ds, &id) == -1)
		return (NULL);
	ids[0] = id;
	rc = viprops_get(c, "Datastore", ids, 1, paths, &p);
	if (rc == -1) {
		free(id);
		return (NULL);
	}
	browser = p.p_n > 0 ? viprops_text(&p.p_obj[0], "browser") :
	    xstrdup("");
	viprops_free(&p);
	if (browser[0] == '\0') {
		/* ESXi 6.7's id: the host then answers for itself. */
		free(browser);
		xasprintf(&browser, "%s-datastorebrowser", id);
	}
	free(id);
	return (browser);
}

int
cmd_datastore_search(struct viclient *c, const char *ds, const char *dir,
    const char *details, const char *pattern, struct viprops *p,
    xmlNodePtr *res)
{
	struct buf	 b;
	char		*browser;
	int		 rc;

	if ((browser = cmd_datastore_browser(c, ds)) == NULL)
		return (-1);
	buf_init(&b);
	buf_dspath(&b, "datastorePath", ds, dir);
	buf_str(&b, "<searchSpec>");
	buf_str(&b, details);
	buf_elem(&b, "matchPattern", pattern);
	buf_str(&b, "</searchSpec>");
	rc = task_run_info(c, "SearchDatastore_Task", "HostDatastoreBrowser",
	    browser, b.b_data, p);
	buf_free(&b);
	free(browser);
	if (rc == -1)
		return (-1);
	*res = xml_child(viprops_val(&p->p_obj[0], "info"), NULL, "result");
	return (0);
}

static int
cmd_datastore_browse(struct rcli *r, struct args *a)
{
	static const char *const cols[] = { "path", "type", "sizeBytes:n",
	    "modified", NULL };
	const char	*ds, *dir;
	struct viclient	*c;
	struct viprops	 p;
	struct table	*t;
	xmlNodePtr	 res, f;
	char		*v[4], *type;

	if ((ds = args_next(a)) == NULL)
		return (args_usage(a, "which datastore?"));
	if ((dir = args_next(a)) == NULL)
		dir = "";
	if (args_done(a) == -1)
		return (RCLI_EXIT_USAGE);
	if ((c = main_conn(r)) == NULL)
		return (RCLI_EXIT_FAULT);
	if (cmd_datastore_search(c, ds, dir, "<details>"
	    "<fileType>true</fileType><fileSize>true</fileSize>"
	    "<modification>true</modification><fileOwner>false</fileOwner>"
	    "</details>", NULL, &p, &res) == -1)
		return (conn_perror(c));
	t = table_create(cols);
	for (f = xml_child(res, NULL, "file"); f != NULL;
	    f = xml_next(f, NULL, "file")) {
		v[0] = viprops_path(f, "path");
		type = vireply_xsitype(f);
		v[1] = type != NULL ? type : xstrdup("FileInfo");
		v[2] = viprops_path(f, "fileSize");
		v[3] = viprops_path(f, "modification");
		table_add_free(t, v, 4);
	}
	viprops_free(&p);
	return (main_output(r, t));
}

static int
cmd_datastore_upload(struct rcli *r, struct args *a)
{
	const char	*local, *ds, *path;
	struct viclient	*c;

	if ((local = args_next(a)) == NULL || (ds = args_next(a)) == NULL ||
	    (path = args_next(a)) == NULL)
		return (args_usage(a, "give LOCAL DS PATH"));
	if (args_done(a) == -1)
		return (RCLI_EXIT_USAGE);
	if (access(local, R_OK) == -1) {
		fprintf(stderr, "rcli: %s: %s\n", local, strerror(errno));
		return (RCLI_EXIT_FAULT);
	}
	if ((c = main_conn(r)) == NULL)
		return (RCLI_EXIT_FAULT);
	if (viclient_upload(c, local, ds, path, "upload") == -1)
		return (conn_perror(c));
	return (RCLI_EXIT_OK);
}

static int
cmd_datastore_download(struct rcli *r, struct args *a)
{
	const char	*local, *ds, *path;
	struct viclient	*c;
	long long	 off = 0;
	int		 fd, rc;

	if ((ds = args_next(a)) == NULL || (path = args_next(a)) == NULL ||
	    (local = args_next(a)) == NULL)
		return (args_usage(a, "give DS PATH LOCAL"));
	if (args_done(a) == -1)
		return (RCLI_EXIT_USAGE);
	if ((c = main_conn(r)) == NULL)
		return (RCLI_EXIT_FAULT);
	if (strcmp(local, "-") == 0)
		fd = STDOUT_FILENO;
	else if ((fd = open(local, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0644)) == -1) {
		fprintf(stderr, "rcli: %s: %s\n", local, strerror(errno));
		return (RCLI_EXIT_FAULT);
	}
	rc = viclient_download(c, ds, path, fd, &off, "download");
	if (fd != STDOUT_FILENO && close(fd) == -1 && rc == 0) {
		fprintf(stderr, "rcli: %s: %s\n", local, strerror(errno));
		return (RCLI_EXIT_FAULT);
	}
	if (rc == -1) {
		/* No half file left behind under the name asked for. */
		if (fd != STDOUT_FILENO)
			unlink(local);
		return (conn_perror(c));
	}
	return (RCLI_EXIT_OK);
}

static int
cmd_datastore_mkdir(struct rcli *r, struct args *a)
{
	const char	*ds, *path;
	struct viclient	*c;
	struct buf	 b;
	int		 parents, rc;

	parents = args_flag(a, "--parents");
	if ((ds = args_next(a)) == NULL || (path = args_next(a)) == NULL)
		return (args_usage(a, "give DS PATH"));
	if (args_done(a) == -1)
		return (RCLI_EXIT_USAGE);
	if ((c = main_conn(r)) == NULL)
		return (RCLI_EXIT_FAULT);
	buf_init(&b);
	buf_dspath(&b, "name", ds, path);
	buf_moref(&b, "datacenter", "Datacenter", "ha-datacenter");
	buf_printf(&b, "<createParentDirectories>%s</createParentDirectories>",
	    parents ? "true" : "false");
	rc = viclient_do(c, "MakeDirectory", "FileManager",
	    "ha-nfc-file-manager", b.b_data);
	buf_free(&b);
	return (rc == -1 ? conn_perror(c) : RCLI_EXIT_OK);
}

static int
cmd_datastore_rm(struct rcli *r, struct args *a)
{
	const char	*ds, *path;
	struct viclient	*c;
	struct buf	 b;
	int		 rc;

	if ((ds = args_next(a)) == NULL || (path = args_next(a)) == NULL)
		return (args_usage(a, "give DS PATH"));
	if (args_done(a) == -1)
		return (RCLI_EXIT_USAGE);
	if (path[0] == '\0')
		return (args_usage(a, "refusing to delete a whole datastore"));
	if ((c = main_conn(r)) == NULL)
		return (RCLI_EXIT_FAULT);
	buf_init(&b);
	buf_dspath(&b, "name", ds, path);
	buf_moref(&b, "datacenter", "Datacenter", "ha-datacenter");
	rc = task_run(c, "DeleteDatastoreFile_Task", "FileManager",
	    "ha-nfc-file-manager", b.b_data, NULL);
	buf_free(&b);
	return (rc == -1 ? conn_perror(c) : RCLI_EXIT_OK);
}
