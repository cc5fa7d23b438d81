/* SPDX-License-Identifier: ISC */
/*
 * DiagnosticManager ha-diagnosticmgr (ServiceContent.diagnosticManager):
 * the host's logs for people, as ESX serves them to its console and to
 * clients.  QueryDescriptions lists the logs: "hostd" and "cimom" (the
 * daemon logs under var/log/vireo) and one "vmware.log:<moid>" per
 * registered VM (the vmware.log beside its .vmx).  BrowseDiagnosticLog
 * answers a window of lines of one of them; without start it is the last
 * lines, as ESX does, so a console shows the newest entries first.  Both
 * need Global.Diagnostics.  Only files named here can be read: a key is
 * never taken as a path.
 */

#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hostd.h"
#include "log.h"
#include "xmalloc.h"

#define HOSTD_MO_DIAGNOSTICMANAGER_PRIV		"Global.Diagnostics"
#define HOSTD_MO_DIAGNOSTICMANAGER_VMKEY	"vmware.log:"
/* ESX's default window and our ceiling for one answer. */
#define HOSTD_MO_DIAGNOSTICMANAGER_LINES	1000
#define HOSTD_MO_DIAGNOSTICMANAGER_MAXLINES	10000
/* A line longer than this is cut: the answer stays bounded. */
#define HOSTD_MO_DIAGNOSTICMANAGER_LINELEN	4096

/* The daemon logs: key, file under --root, creator, label. */
static const char *const hostd_mo_diagnosticmanager_logs[][4] = {
	{ "hostd", "var/log/vireo/hostd.log", "hostd", "Host agent log" },
	{ "cimom", "var/log/vireo/cimom.log", "serverd", "CIM server log" },
	{ "vpxa", "var/log/vireo/vpxa.log", "vpxa", "vCenter agent log" },
};
#define HOSTD_MO_DIAGNOSTICMANAGER_NLOGS \
	(sizeof hostd_mo_diagnosticmanager_logs / \
	sizeof hostd_mo_diagnosticmanager_logs[0])

static int	hostd_mo_diagnosticmanager_query(struct hostd_soap_req *);
static int	hostd_mo_diagnosticmanager_browse(struct hostd_soap_req *);
static struct hostd_val *hostd_mo_diagnosticmanager_desc(const char *,
		    const char *, const char *, const char *);
static char	*hostd_mo_diagnosticmanager_path(struct hostd_inventory *,
		    const char *);

static const struct hostd_soap_param hostd_mo_diagnosticmanager_query_p[] = {
	{ "host", "ManagedObjectReference", HOSTD_SOAP_OPTIONAL },
	{ NULL, NULL, 0 }
};

static const struct hostd_soap_param hostd_mo_diagnosticmanager_browse_p[] = {
	{ "host", "ManagedObjectReference", HOSTD_SOAP_OPTIONAL },
	{ "key", "string", 0 },
	{ "start", "int", HOSTD_SOAP_OPTIONAL },
	{ "lines", "int", HOSTD_SOAP_OPTIONAL },
	{ NULL, NULL, 0 }
};

const struct hostd_soap_method hostd_mo_diagnosticmanager_methods[] = {
	{ "QueryDescriptions", "DiagnosticManager",
	  HOSTD_MO_DIAGNOSTICMANAGER_PRIV, 0,
	  hostd_mo_diagnosticmanager_query,
	  hostd_mo_diagnosticmanager_query_p },
	{ "BrowseDiagnosticLog", "DiagnosticManager",
	  HOSTD_MO_DIAGNOSTICMANAGER_PRIV, 0,
	  hostd_mo_diagnosticmanager_browse,
	  hostd_mo_diagnosticmanager_browse_p },
	{ NULL, NULL, NULL, 0, NULL, NULL }
};

/* No properties. */
const struct hostd_inventory_prop hostd_mo_diagnosticmanager_props[] = {
	{ NULL, NULL, NULL, NULL }
};

static struct hostd_val *
hostd_mo_diagnosticmanager_desc(const char *key, const char *file,
    const char *creator, const char *label)
{
	struct hostd_val	*d, *info;

	d = hostd_val_object("DiagnosticManagerLogDescriptor");
	hostd_val_add_str(d, "key", key);
	hostd_val_add_str(d, "fileName", file);
	hostd_val_add_str(d, "creator", creator);
	hostd_val_add_str(d, "format", "plain");
	hostd_val_add_str(d, "mimeType", "text/plain");
	info = hostd_val_object("Description");
	hostd_val_add_str(info, "label", label);
	hostd_val_add_str(info, "summary", label);
	hostd_val_add(d, "info", info);
	return (d);
}

static int
hostd_mo_diagnosticmanager_query(struct hostd_soap_req *req)
{
	struct hostd_inventory		*inv;
	struct hostd_mo			*mo = NULL;
	struct hostd_mo_virtualmachine	*vm;
	struct hostd_val		*arr;
	char				*key, *file, *label, *slash;
	size_t				 i;

	inv = hostd_soap_inventory(req->r_soap);
	arr = hostd_val_array("DiagnosticManagerLogDescriptor");
	for (i = 0; i < HOSTD_MO_DIAGNOSTICMANAGER_NLOGS; i++) {
		xasprintf(&file, "/%s", hostd_mo_diagnosticmanager_logs[i][1]);
		hostd_val_push(arr, hostd_mo_diagnosticmanager_desc(
		    hostd_mo_diagnosticmanager_logs[i][0], file,
		    hostd_mo_diagnosticmanager_logs[i][2],
		    hostd_mo_diagnosticmanager_logs[i][3]));
		free(file);
	}
	while ((mo = hostd_inventory_next(inv, mo)) != NULL) {
		if (strcmp(mo->mo_type, "VirtualMachine") != 0 ||
		    (vm = mo->mo_data) == NULL)
			continue;
		xasprintf(&key, "%s%s", HOSTD_MO_DIAGNOSTICMANAGER_VMKEY,
		    mo->mo_id);
		file = xstrdup(vm->vm_path);
		if ((slash = strrchr(file, '/')) != NULL)
			slash[1] = '\0';
		xasprintf(&label, "%s%s", file, "vmware.log");
		free(file);
		file = label;
		xasprintf(&label, "Log of virtual machine %s", vm->vm_name);
		hostd_val_push(arr, hostd_mo_diagnosticmanager_desc(key, file,
		    "recordLog", label));
		free(label);
		free(file);
		free(key);
	}
	req->r_result = arr;
	req->r_result_decl = "DiagnosticManagerLogDescriptor";
	return (0);
}

/* The file of log key (a new string), or NULL: no such log. */
static char *
hostd_mo_diagnosticmanager_path(struct hostd_inventory *inv, const char *key)
{
	struct hostd_mo			*mo;
	struct hostd_mo_virtualmachine	*vm;
	char				*path, *slash;
	size_t				 i;

	for (i = 0; i < HOSTD_MO_DIAGNOSTICMANAGER_NLOGS; i++) {
		if (strcmp(key, hostd_mo_diagnosticmanager_logs[i][0]) != 0)
			continue;
		xasprintf(&path, "%s/%s", hostd_inventory_rootdir(inv),
		    hostd_mo_diagnosticmanager_logs[i][1]);
		return (path);
	}
	if (strncmp(key, HOSTD_MO_DIAGNOSTICMANAGER_VMKEY,
	    strlen(HOSTD_MO_DIAGNOSTICMANAGER_VMKEY)) != 0)
		return (NULL);
	mo = hostd_inventory_find(inv, "VirtualMachine",
	    key + strlen(HOSTD_MO_DIAGNOSTICMANAGER_VMKEY), NULL);
	if (mo == NULL || (vm = mo->mo_data) == NULL)
		return (NULL);
	path = xstrdup(vm->vm_path);
	if ((slash = strrchr(path, '/')) == NULL) {
		free(path);
		return (NULL);
	}
	slash[1] = '\0';
	xasprintf(&slash, "%svmware.log", path);
	free(path);
	return (slash);
}

static int
hostd_mo_diagnosticmanager_browse(struct hostd_soap_req *req)
{
	const struct hostd_val	*v;
	struct hostd_val	*hdr, *text;
	const char		*key;
	char			*path, *line = NULL;
	FILE			*f;
	size_t			 cap = 0;
	ssize_t			 len;
	int64_t			 start = 0, lines = HOSTD_MO_DIAGNOSTICMANAGER_LINES;
	int64_t			 total = 0, n, first;

	key = hostd_val_str(hostd_val_field(req->r_params, "key"));
	if ((v = hostd_val_field(req->r_params, "start")) != NULL &&
	    hostd_val_get_int(v, 1, INT32_MAX, &start) == -1) {
		req->r_fault = hostd_fault_invalid_argument("start");
		return (0);
	}
	if ((v = hostd_val_field(req->r_params, "lines")) != NULL &&
	    hostd_val_get_int(v, 1, HOSTD_MO_DIAGNOSTICMANAGER_MAXLINES,
	    &lines) == -1) {
		req->r_fault = hostd_fault_invalid_argument("lines");
		return (0);
	}
	path = hostd_mo_diagnosticmanager_path(hostd_soap_inventory(
	    req->r_soap), key);
	if (path == NULL) {
		req->r_fault = hostd_fault_invalid_argument("key");
		return (0);
	}
	if ((f = fopen(path, "re")) == NULL) {
		if (errno == ENOENT) {
			/* A log not written yet is empty, as on ESX. */
			hdr = hostd_val_object("DiagnosticManagerLogHeader");
			hostd_val_add_int(hdr, "lineStart", 0);
			hostd_val_add_int(hdr, "lineEnd", 0);
			req->r_result = hdr;
			free(path);
			return (0);
		}
		log_warn("BrowseDiagnosticLog %s", path);
		req->r_fault = hostd_fault_create("FileFault",
		    "Cannot read log %s", key);
		free(path);
		return (0);
	}
	/* Two passes: the window of "the last lines" needs the count. */
	while (getline(&line, &cap, f) != -1)
		total++;
	first = start != 0 ? start : (total > lines ? total - lines + 1 : 1);
	rewind(f);
	text = hostd_val_array("string");
	n = 0;
	while ((len = getline(&line, &cap, f)) != -1) {
		n++;
		if (n < first)
			continue;
		if (n >= first + lines)
			break;
		if (len > 0 && line[len - 1] == '\n')
			line[--len] = '\0';
		if (len > HOSTD_MO_DIAGNOSTICMANAGER_LINELEN)
			len = HOSTD_MO_DIAGNOSTICMANAGER_LINELEN;
		hostd_val_push(text, hostd_val_stringn(line, len));
	}
	free(line);
	fclose(f);
	free(path);
	hdr = hostd_val_object("DiagnosticManagerLogHeader");
	hostd_val_add_int(hdr, "lineStart", text->v_nitems > 0 ? first : 0);
	hostd_val_add_int(hdr, "lineEnd", text->v_nitems > 0 ?
	    first + (int64_t)text->v_nitems - 1 : 0);
	if (text->v_nitems > 0)
		hostd_val_add(hdr, "lineText", text);
	else
		hostd_val_free(text);
	req->r_result = hdr;
	return (0);
}
