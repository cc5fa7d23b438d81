/* SPDX-License-Identifier: ISC */
/*
 * rcli host: the HostSystem (ha-host).  info reads summary and runtime;
 * time is ServiceInstance.CurrentTime; backup and restore are the ESXi
 * configuration bundle through HostFirmwareSystem
 * (BackupFirmwareConfiguration gives a URL to download;
 * QueryFirmwareConfigUploadURL a URL to PUT the bundle to, then
 * RestoreFirmwareConfiguration); restart-agents is
 * HostServiceSystem.RestartService.  The manager ids come from the host's
 * configManager, or are ESXi's when the host does not list them, so a
 * host without the manager answers with its own fault.
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

static int	cmd_host_info(struct rcli *, struct args *);
static int	cmd_host_time(struct rcli *, struct args *);
static int	cmd_host_backup(struct rcli *, struct args *);
static int	cmd_host_restore(struct rcli *, struct args *);
static int	cmd_host_restart(struct rcli *, struct args *);
static char	*cmd_host_manager(struct viclient *, const char *,
		    const char *);
static char	*cmd_host_fwurl(struct viclient *, const char *,
		    const char *);

static const char cmd_host_usage[] =
    "usage: rcli host <verb> ...\n"
    "  info                         product, hardware, state\n"
    "  time                         the host's clock (UTC)\n"
    "  backup FILE                  save the configuration bundle\n"
    "  restore FILE                 restore a configuration bundle\n"
    "  restart-agents [--service ID]  restart the management agents\n"
    "                               (default service: hostd)\n";

static const struct rcli_verb cmd_host_verbs[] = {
	{ "info", cmd_host_info },
	{ "time", cmd_host_time },
	{ "backup", cmd_host_backup },
	{ "restore", cmd_host_restore },
	{ "restart-agents", cmd_host_restart },
	{ NULL, NULL }
};

const struct rcli_noun cmd_host_noun = {
	"host", "the host: info, time, configuration backup, agents",
	cmd_host_usage, cmd_host_verbs
};

static int
cmd_host_info(struct rcli *r, struct args *a)
{
	static const char *const cols[] = { "name", "product", "version",
	    "build", "vendor", "model", "cpuModel", "cpuCores:n",
	    "cpuMhz:n", "memoryBytes:n", "connectionState", "powerState",
	    "maintenanceMode", "bootTime", NULL };
	static const char *const paths[] = { "name", "summary", NULL };
	static const char *const ids[] = { "ha-host" };
	struct viclient	*c;
	struct viprops	 p;
	struct table	*t;
	xmlNodePtr	 s;
	char		*v[14];
	size_t		 i;

	if (args_done(a) == -1)
		return (RCLI_EXIT_USAGE);
	if ((c = main_conn(r)) == NULL)
		return (RCLI_EXIT_FAULT);
	if (viprops_get(c, "HostSystem", ids, 1, paths, &p) == -1)
		return (conn_perror(c));
	t = table_create(cols);
	table_vertical(t);
	for (i = 0; i < p.p_n; i++) {
		s = viprops_val(&p.p_obj[i], "summary");
		v[0] = viprops_text(&p.p_obj[i], "name");
		v[1] = viprops_path(s, "config/product/fullName");
		v[2] = viprops_path(s, "config/product/version");
		v[3] = viprops_path(s, "config/product/build");
		v[4] = viprops_path(s, "hardware/vendor");
		v[5] = viprops_path(s, "hardware/model");
		v[6] = viprops_path(s, "hardware/cpuModel");
		v[7] = viprops_path(s, "hardware/numCpuCores");
		v[8] = viprops_path(s, "hardware/cpuMhz");
		v[9] = viprops_path(s, "hardware/memorySize");
		v[10] = viprops_path(s, "runtime/connectionState");
		v[11] = viprops_path(s, "runtime/powerState");
		v[12] = viprops_path(s, "runtime/inMaintenanceMode");
		v[13] = viprops_path(s, "runtime/bootTime");
		table_add_free(t, v, 14);
	}
	viprops_free(&p);
	return (main_output(r, t));
}

static int
cmd_host_time(struct rcli *r, struct args *a)
{
	static const char *const cols[] = { "time", NULL };
	struct viclient	*c;
	struct vireply	 rep;
	struct table	*t;
	char		*v[1];

	if (args_done(a) == -1)
		return (RCLI_EXIT_USAGE);
	if ((c = main_conn(r)) == NULL)
		return (RCLI_EXIT_FAULT);
	if (viclient_call(c, "CurrentTime", "ServiceInstance",
	    "ServiceInstance", NULL, &rep) == -1)
		return (conn_perror(c));
	v[0] = xml_text(vireply_returnval(&rep));
	vireply_clear(&rep);
	t = table_create(cols);
	table_add(t, (const char *const *)v);
	free(v[0]);
	return (main_output(r, t));
}

/* ha-host's configManager.<field>, else the ESXi id. */
static char *
cmd_host_manager(struct viclient *c, const char *field, const char *esx)
{
	static const char *const ids[] = { "ha-host" };
	const char	*paths[2] = { NULL, NULL };
	struct viprops	 p;
	char		*path, *id = NULL;

	xasprintf(&path, "configManager.%s", field);
	paths[0] = path;
	if (viprops_get(c, "HostSystem", ids, 1, paths, &p) == 0) {
		if (p.p_n > 0)
			id = viprops_text(&p.p_obj[0], path);
		viprops_free(&p);
	}
	free(path);
	if (id == NULL || id[0] == '\0') {
		free(id);
		id = xstrdup(esx);
	}
	return (id);
}

/* The URL method of firmware system fw answers ("" if none), heap; NULL
 * with the error set. */
static char *
cmd_host_fwurl(struct viclient *c, const char *fw, const char *method)
{
	struct vireply	 rep;
	char		*url;

	if (viclient_call(c, method, "HostFirmwareSystem", fw, NULL,
	    &rep) == -1)
		return (NULL);
	url = xml_text(vireply_returnval(&rep));
	vireply_clear(&rep);
	return (url != NULL ? url : xstrdup(""));
}

static int
cmd_host_backup(struct rcli *r, struct args *a)
{
	struct viclient	*c;
	const char	*file;
	char		*fw, *url;
	int		 fd, rc;

	if ((file = args_next(a)) == NULL)
		return (args_usage(a, "where to save the bundle?"));
	if (args_done(a) == -1)
		return (RCLI_EXIT_USAGE);
	if ((c = main_conn(r)) == NULL)
		return (RCLI_EXIT_FAULT);
	fw = cmd_host_manager(c, "firmwareSystem", "ha-firmwareSystem");
	url = cmd_host_fwurl(c, fw, "BackupFirmwareConfiguration");
	free(fw);
	if (url == NULL)
		return (conn_perror(c));
	if ((fd = open(file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0600)) == -1) {
		fprintf(stderr, "rcli: %s: %s\n", file, strerror(errno));
		free(url);
		return (RCLI_EXIT_FAULT);
	}
	rc = viclient_get_url(c, url, fd, "backup");
	free(url);
	if (close(fd) == -1 && rc == 0) {
		fprintf(stderr, "rcli: %s: %s\n", file, strerror(errno));
		return (RCLI_EXIT_FAULT);
	}
	if (rc == -1) {
		unlink(file);
		return (conn_perror(c));
	}
	return (RCLI_EXIT_OK);
}

static int
cmd_host_restore(struct rcli *r, struct args *a)
{
	struct viclient	*c;
	const char	*file;
	char		*fw, *url;
	int		 rc;

	if ((file = args_next(a)) == NULL)
		return (args_usage(a, "which bundle?"));
	if (args_done(a) == -1)
		return (RCLI_EXIT_USAGE);
	if (access(file, R_OK) == -1) {
		fprintf(stderr, "rcli: %s: %s\n", file, strerror(errno));
		return (RCLI_EXIT_FAULT);
	}
	if ((c = main_conn(r)) == NULL)
		return (RCLI_EXIT_FAULT);
	fw = cmd_host_manager(c, "firmwareSystem", "ha-firmwareSystem");
	if ((url = cmd_host_fwurl(c, fw, "QueryFirmwareConfigUploadURL")) ==
	    NULL) {
		free(fw);
		return (conn_perror(c));
	}
	rc = viclient_put_url(c, url, file, "restore");
	free(url);
	if (rc == 0)
		rc = viclient_do(c, "RestoreFirmwareConfiguration",
		    "HostFirmwareSystem", fw, "<force>true</force>");
	free(fw);
	return (rc == -1 ? conn_perror(c) : RCLI_EXIT_OK);
}

static int
cmd_host_restart(struct rcli *r, struct args *a)
{
	struct viclient	*c;
	struct buf	 b;
	const char	*svc = "hostd";
	char		*ss;
	int		 rc;

	if (args_opt(a, "--service", &svc) == -1 || args_done(a) == -1)
		return (RCLI_EXIT_USAGE);
	if ((c = main_conn(r)) == NULL)
		return (RCLI_EXIT_FAULT);
	ss = cmd_host_manager(c, "serviceSystem", "serviceSystem");
	buf_init(&b);
	buf_elem(&b, "id", svc);
	rc = viclient_do(c, "RestartService", "HostServiceSystem", ss,
	    b.b_data);
	buf_free(&b);
	free(ss);
	return (rc == -1 ? conn_perror(c) : RCLI_EXIT_OK);
}
