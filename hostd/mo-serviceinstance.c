/* SPDX-License-Identifier: ISC */
/*
 * ServiceInstance (vi-api.md §3.2): RetrieveServiceContent, the first
 * call of every client, and CurrentTime.  Both work without a session, as
 * on ESX.  The ServiceContent is that of a standalone ESXi 6.7 host, with
 * only fields pyVmomi 6.7.1 knows (never the 7.0-only ones), in WSDL
 * order, listing only managers this hostd implements or is about to.
 */

#include "config.h"

#include <stddef.h>
#include <string.h>
#include <time.h>

#include "hostd.h"
#include "xmalloc.h"

/* ServiceContent's MoRef fields, WSDL order; "about" follows viewManager. */
struct hostd_mo_serviceinstance_ref {
	const char	*sr_field;
	const char	*sr_type;
	const char	*sr_id;
};

static const struct hostd_mo_serviceinstance_ref
    hostd_mo_serviceinstance_refs[] = {
	{ "rootFolder", "Folder", "ha-folder-root" },
	{ "propertyCollector", "PropertyCollector", "ha-property-collector" },
	{ "viewManager", "ViewManager", "ViewManager" },
	/* about */
	{ "setting", "OptionManager", "HostAgentSettings" },
	{ "userDirectory", "UserDirectory", "ha-user-directory" },
	{ "sessionManager", "SessionManager", "ha-sessionmgr" },
	{ "authorizationManager", "AuthorizationManager", "ha-authmgr" },
	/* perfManager ha-perfmgr: when it exists. */
	{ "eventManager", "EventManager", "ha-eventmgr" },
	{ "taskManager", "TaskManager", "ha-taskmgr" },
	{ "accountManager", "HostLocalAccountManager", "ha-localacctmgr" },
	{ "diagnosticManager", "DiagnosticManager", "ha-diagnosticmgr" },
	{ "searchIndex", "SearchIndex", "ha-searchindex" },
	{ "fileManager", "FileManager", "ha-nfc-file-manager" },
	{ "virtualDiskManager", "VirtualDiskManager", "ha-vdiskmanager" },
};

/* AboutInfo of a real ESXi 6.7u3 (public govc dump), in WSDL order. */
static const char *const hostd_mo_serviceinstance_about[][2] = {
	{ "name", "VMware ESXi" },
	{ "fullName", "VMware ESXi 6.7.0 build-14320388" },
	{ "vendor", "VMware, Inc." },
	{ "version", "6.7.0" },
	{ "build", "14320388" },
	{ "localeVersion", "INTL" },
	{ "localeBuild", "000" },
	{ "osType", "vmnix-x86" },
	{ "productLineId", "embeddedEsx" },
	{ "apiType", "HostAgent" },
	{ "apiVersion", "6.7.3" },
	{ "licenseProductName", "VMware ESX Server" },
	{ "licenseProductVersion", "6.0" },
};

static int	hostd_mo_serviceinstance_retrieve(struct hostd_soap_req *);
static int	hostd_mo_serviceinstance_time(struct hostd_soap_req *);

static const struct hostd_soap_param hostd_mo_serviceinstance_none[] = {
	{ NULL, NULL, 0 }
};

const struct hostd_soap_method hostd_mo_serviceinstance_methods[] = {
	{ "RetrieveServiceContent", "ServiceInstance", NULL,
	  HOSTD_SOAP_PUBLIC, hostd_mo_serviceinstance_retrieve,
	  hostd_mo_serviceinstance_none },
	{ "CurrentTime", "ServiceInstance", NULL, HOSTD_SOAP_PUBLIC,
	  hostd_mo_serviceinstance_time, hostd_mo_serviceinstance_none },
	{ NULL, NULL, NULL, 0, NULL, NULL }
};

struct hostd_val *
hostd_mo_serviceinstance_content(void)
{
	const struct hostd_mo_serviceinstance_ref	*r;
	struct hostd_val				*sc, *about;
	size_t						 i, j;

	sc = hostd_val_object("ServiceContent");
	for (i = 0; i < sizeof hostd_mo_serviceinstance_refs /
	    sizeof hostd_mo_serviceinstance_refs[0]; i++) {
		r = &hostd_mo_serviceinstance_refs[i];
		hostd_val_add_moref(sc, r->sr_field, r->sr_type, r->sr_id);
		if (strcmp(r->sr_field, "viewManager") != 0)
			continue;
		about = hostd_val_object("AboutInfo");
		for (j = 0; j < sizeof hostd_mo_serviceinstance_about /
		    sizeof hostd_mo_serviceinstance_about[0]; j++) {
			hostd_val_add_str(about,
			    hostd_mo_serviceinstance_about[j][0],
			    hostd_mo_serviceinstance_about[j][1]);
		}
		hostd_val_add(sc, "about", about);
	}
	return (sc);
}

static int
hostd_mo_serviceinstance_retrieve(struct hostd_soap_req *req)
{
	req->r_result = hostd_mo_serviceinstance_content();
	return (0);
}

static int
hostd_mo_serviceinstance_time(struct hostd_soap_req *req)
{
	struct timespec	ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	req->r_result = hostd_val_datetime(&ts);
	return (0);
}
