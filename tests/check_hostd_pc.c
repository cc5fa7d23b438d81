/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for the inventory and the PropertyCollector (hostd/
 * inventory.c, propfilter.c, mo-propertycollector.c, mo-viewmanager.c,
 * mo-containerview.c, mo-searchindex.c) through hostd_soap_process, with
 * the request shapes pyVmomi and govmomi send (vi-api.md §3.4-3.8): the
 * full-inventory traversal finds every object, govmomi's parent walk and
 * children listing, a container view with RetrievePropertiesEx, paging
 * with maxObjects=1, ServiceInstance.content, filters with
 * CheckForUpdates/WaitForUpdatesEx (initial set, nothing, then enter,
 * modify and leave after objects are registered and removed), and the
 * faults of bad specs; cyclic specs end.
 */

#include "config.h"

#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>
#include <event2/buffer.h>

#include "hostd.h"
#include "xmalloc.h"
#include "xml.h"

#define HEAD "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<soapenv:Envelope " \
    "xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\" " \
    "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xmlns:xsd=" \
    "\"http://www.w3.org/2001/XMLSchema\"><soapenv:Body>"
#define TAIL "</soapenv:Body></soapenv:Envelope>"
#define PC "<_this type=\"PropertyCollector\">ha-property-collector</_this>"
#define TS(n, t, p, more) "<selectSet xsi:type=\"TraversalSpec\"><name>" n \
    "</name><type>" t "</type><path>" p "</path><skip>false</skip>" more \
    "</selectSet>"
#define REF(n) "<selectSet><name>" n "</name></selectSet>"

/* pyVmomi's classic full-inventory traversal (§3.4), all nine specs. */
#define FULL_SPEC \
    "<propSet><type>ManagedEntity</type><pathSet>name</pathSet></propSet>" \
    "<objectSet><obj type=\"Folder\">ha-folder-root</obj><skip>false</skip>" \
    TS("visitFolders", "Folder", "childEntity", REF("visitFolders") \
    REF("dcToVmf") REF("dcToHf") REF("dcToDs") REF("dcToNet") REF("crToH") \
    REF("crToRp") REF("hToVm") REF("rpToVm")) \
    TS("dcToVmf", "Datacenter", "vmFolder", REF("visitFolders")) \
    TS("dcToHf", "Datacenter", "hostFolder", REF("visitFolders")) \
    TS("dcToDs", "Datacenter", "datastore", REF("visitFolders")) \
    TS("dcToNet", "Datacenter", "network", REF("visitFolders")) \
    TS("crToH", "ComputeResource", "host", "") \
    TS("crToRp", "ComputeResource", "resourcePool", REF("rpToRp") \
    REF("rpToVm")) \
    TS("rpToRp", "ResourcePool", "resourcePool", REF("rpToRp") \
    REF("rpToVm")) \
    TS("hToVm", "HostSystem", "vm", REF("visitFolders")) \
    TS("rpToVm", "ResourcePool", "vm", "") \
    "</objectSet>"

struct check_hostd_pc_env {
	char			*dir;
	struct hostd_soap	*hs;
	char			*cookie;
};

static void
check_hostd_pc_write(const char *dir, const char *name, const char *text)
{
	FILE	*f;
	char	*path;

	xasprintf(&path, "%s/%s", dir, name);
	ck_assert_ptr_nonnull(f = fopen(path, "w"));
	fputs(text, f);
	fclose(f);
	free(path);
}

/* One call; the response (caller frees); *status 200 or 500. */
static char *
check_hostd_pc_call(struct check_hostd_pc_env *e, const char *call,
    const char *cookie, int *status)
{
	struct hostd_call_info	 ci;
	struct evbuffer		*out;
	xmlDocPtr		 doc;
	char			*body, *s, *sc = NULL, *cause = NULL;
	size_t			 n;

	xasprintf(&body, HEAD "%s" TAIL, call);
	memset(&ci, 0, sizeof ci);
	ci.ci_cookie = cookie;
	ci.ci_peer = "192.0.2.7:51234";
	out = evbuffer_new();
	hostd_soap_process(e->hs, body, strlen(body), &ci, status, out, &sc);
	free(body);
	n = evbuffer_get_length(out);
	s = xmalloc(n + 1);
	evbuffer_remove(out, s, n);
	s[n] = '\0';
	evbuffer_free(out);
	doc = xml_parse(s, n, NULL, &cause);
	ck_assert_msg(doc != NULL, "not well-formed: %s: %s", cause, s);
	xmlFreeDoc(doc);
	if (sc != NULL && e->cookie == NULL)
		e->cookie = sc;
	else
		free(sc);
	return (s);
}

/* A call that must succeed (HTTP 200). */
static char *
check_hostd_pc_ok(struct check_hostd_pc_env *e, const char *call)
{
	char	*s;
	int	 status;

	s = check_hostd_pc_call(e, call, e->cookie, &status);
	ck_assert_msg(status == 200, "%d for %.400s: %.600s", status, call, s);
	return (s);
}

/* A call that must fail with fault type. */
static void
check_hostd_pc_fault(struct check_hostd_pc_env *e, const char *call,
    const char *type)
{
	char	*s, *want;
	int	 status;

	s = check_hostd_pc_call(e, call, e->cookie, &status);
	xasprintf(&want, "xsi:type=\"%s\"", type);
	ck_assert_msg(status == 500 && strstr(s, want) != NULL,
	    "want %s for %.300s, got %d %.600s", type, call, status, s);
	free(want);
	free(s);
}

static int
check_hostd_pc_count(const char *s, const char *needle)
{
	int	n = 0;

	while ((s = strstr(s, needle)) != NULL) {
		n++;
		s += strlen(needle);
	}
	return (n);
}

/* The text of the first <tag>...</tag> in s (caller frees), or NULL. */
static char *
check_hostd_pc_text(const char *s, const char *tag)
{
	char		*open, *close;
	const char	*a, *b;

	xasprintf(&open, "<%s>", tag);
	xasprintf(&close, "</%s>", tag);
	a = strstr(s, open);
	b = a != NULL ? strstr(a, close) : NULL;
	free(open);
	free(close);
	if (a == NULL || b == NULL)
		return (NULL);
	a += strlen(tag) + 2;
	return (xstrndup(a, b - a));
}

static void
check_hostd_pc_setup(struct check_hostd_pc_env *e)
{
	char	*cause = NULL, *path, *s;

	memset(e, 0, sizeof *e);
	e->dir = xstrdup("/tmp/vt-pc.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(e->dir));
	xasprintf(&path, "%s/etc", e->dir);
	ck_assert_int_eq(mkdir(path, 0755), 0);
	free(path);
	xasprintf(&path, "%s/etc/vireo", e->dir);
	ck_assert_int_eq(mkdir(path, 0755), 0);
	free(path);
	check_hostd_pc_write(e->dir, "etc/vireo/passwd",
	    "root:x:0:0:Administrator:/:/bin/sh\n");
	check_hostd_pc_write(e->dir, "etc/vireo/shadow",
	    "root::19000:0:99999:7:::\n");
	check_hostd_pc_write(e->dir, "etc/vireo/group", "root:x:0:\n");
	e->hs = hostd_soap_create(NULL, e->dir, NULL, &cause);
	ck_assert_msg(e->hs != NULL, "%s", cause);
	s = check_hostd_pc_ok(e, "<Login xmlns=\"urn:vim25\"><_this type=\""
	    "SessionManager\">ha-sessionmgr</_this><userName>root</userName>"
	    "<password></password></Login>");
	free(s);
	ck_assert_ptr_nonnull(e->cookie);
}

static void
check_hostd_pc_teardown(struct check_hostd_pc_env *e)
{
	char	*cmd;

	hostd_soap_free(e->hs);
	xasprintf(&cmd, "rm -rf '%s'", e->dir);
	ck_assert_int_eq(system(cmd), 0);
	free(cmd);
	free(e->dir);
	free(e->cookie);
}

/* CreateContainerView of type under container; the moid (caller frees). */
static char *
check_hostd_pc_view(struct check_hostd_pc_env *e, const char *type,
    const char *ctype, const char *cid, int recursive)
{
	char	*call, *s, *id;

	xasprintf(&call, "<CreateContainerView xmlns=\"urn:vim25\"><_this "
	    "type=\"ViewManager\">ViewManager</_this><container type=\"%s\">"
	    "%s</container>%s%s%s<recursive>%s</recursive>"
	    "</CreateContainerView>", ctype, cid, type != NULL ? "<type>" : "",
	    type != NULL ? type : "", type != NULL ? "</type>" : "",
	    recursive ? "true" : "false");
	s = check_hostd_pc_ok(e, call);
	ck_assert_ptr_nonnull(strstr(s, "<returnval type=\"ContainerView\">"
	    "session["));
	id = check_hostd_pc_text(strstr(s, "<returnval"), "returnval");
	if (id == NULL) {
		const char *a = strstr(s, "\">session[") + 2;

		id = xstrndup(a, strstr(a, "</returnval>") - a);
	}
	free(call);
	free(s);
	return (id);
}

START_TEST(check_hostd_pc_full_inventory)
{
	struct check_hostd_pc_env	 e;
	const char			*ids[] = { "ha-folder-root",
					    "ha-datacenter", "ha-folder-vm",
					    "ha-folder-host", "ha-compute-res",
					    "ha-host", "ha-root-pool",
					    "HaNetwork-VM Network" };
	char				*s, *want;
	size_t				 i;

	check_hostd_pc_setup(&e);
	s = check_hostd_pc_ok(&e, "<RetrieveProperties xmlns=\"urn:vim25\">" PC
	    "<specSet>" FULL_SPEC "</specSet></RetrieveProperties>");
	for (i = 0; i < sizeof ids / sizeof ids[0]; i++) {
		xasprintf(&want, ">%s</obj>", ids[i]);
		ck_assert_msg(check_hostd_pc_count(s, want) == 1,
		    "%s once in %s", ids[i], s);
		free(want);
	}
	ck_assert_int_eq(check_hostd_pc_count(s, "<obj type=\"Datastore\">"),
	    1);
	ck_assert_ptr_nonnull(strstr(s, "<val xsi:type=\"xsd:string\">"
	    "datastore1</val>"));
	ck_assert_ptr_nonnull(strstr(s, "<val xsi:type=\"xsd:string\">"
	    "Resources</val>"));
	/* Reached through Datacenter.datastore/network, not the folders. */
	ck_assert_ptr_null(strstr(s, ">ha-folder-datastore</obj>"));
	ck_assert_int_eq(check_hostd_pc_count(s, "<returnval>"), 9);
	free(s);
	check_hostd_pc_teardown(&e);
}
END_TEST

/* The registry's type index answers as the walk of the type table. */
START_TEST(check_hostd_pc_type_index)
{
	struct check_hostd_pc_env	 e;
	struct hostd_inventory		*inv;
	struct hostd_mo			*mo;
	const char			*names[] = { "ManagedObject",
					    "ManagedEntity", "Folder",
					    "ComputeResource", "HostSystem",
					    "ResourcePool", "VirtualMachine",
					    "Datastore", "Network", "View",
					    "PropertyCollector", "NoSuchType",
					    "name", "parent", "childEntity",
					    "vm", "summary", "value", "runtime",
					    "content", "" };
	size_t				 i;

	check_hostd_pc_setup(&e);
	inv = hostd_soap_inventory(e.hs);
	for (mo = hostd_inventory_next(inv, NULL); mo != NULL;
	    mo = hostd_inventory_next(inv, mo)) {
		for (i = 0; i < sizeof names / sizeof names[0]; i++) {
			ck_assert_int_eq(hostd_inventory_mo_is_a(inv, mo,
			    names[i]), hostd_inventory_is_a(mo->mo_type,
			    names[i]));
			ck_assert_ptr_eq(hostd_inventory_mo_prop(inv, mo,
			    names[i]), hostd_inventory_prop(mo->mo_t,
			    names[i]));
		}
		ck_assert_int_eq(hostd_inventory_mo_is_a(inv, mo, NULL), 0);
	}
	check_hostd_pc_teardown(&e);
}
END_TEST

START_TEST(check_hostd_pc_govmomi)
{
	struct check_hostd_pc_env	 e;
	char				*s;

	check_hostd_pc_setup(&e);
	/* Parent walk: supertype match, anonymous spec, type mismatch. */
	s = check_hostd_pc_ok(&e, "<RetrieveProperties xmlns=\"urn:vim25\">"
	    PC "<specSet><propSet><type>ManagedEntity</type><pathSet>name"
	    "</pathSet><pathSet>parent</pathSet></propSet><propSet><type>"
	    "VirtualMachine</type><pathSet>parentVApp</pathSet></propSet>"
	    "<objectSet><obj type=\"Folder\">ha-folder-vm</obj><skip>false"
	    "</skip>" TS("traverseParent", "ManagedEntity", "parent",
	    "<selectSet xsi:type=\"SelectionSpec\"><name>traverseParent"
	    "</name></selectSet>") "<selectSet xsi:type=\"TraversalSpec\">"
	    "<type>VirtualMachine</type><path>parentVApp</path><skip>false"
	    "</skip><selectSet xsi:type=\"SelectionSpec\"><name>traverseParent"
	    "</name></selectSet></selectSet></objectSet></specSet>"
	    "</RetrieveProperties>");
	ck_assert_int_eq(check_hostd_pc_count(s, "<returnval>"), 3);
	ck_assert_ptr_nonnull(strstr(s, "<obj type=\"Folder\">ha-folder-vm"
	    "</obj><propSet><name>name</name><val xsi:type=\"xsd:string\">vm"
	    "</val></propSet><propSet><name>parent</name><val xsi:type=\""
	    "ManagedObjectReference\" type=\"Datacenter\">ha-datacenter</val>"));
	/* The root folder has no parent: only its name. */
	ck_assert_ptr_nonnull(strstr(s, "<obj type=\"Folder\">ha-folder-root"
	    "</obj><propSet><name>name</name><val xsi:type=\"xsd:string\">"
	    "ha-folder-root</val></propSet></returnval>"));
	free(s);
	/* Children listing: skip=true, anonymous childEntity spec. */
	s = check_hostd_pc_ok(&e, "<RetrieveProperties xmlns=\"urn:vim25\">"
	    PC "<specSet><propSet><type>Folder</type><pathSet>name</pathSet>"
	    "<pathSet>childType</pathSet></propSet><propSet><type>Datacenter"
	    "</type><pathSet>name</pathSet></propSet><propSet><type>"
	    "ClusterComputeResource</type><pathSet>name</pathSet><pathSet>"
	    "resourcePool</pathSet></propSet><propSet><type>"
	    "DistributedVirtualSwitch</type><pathSet>name</pathSet></propSet>"
	    "<objectSet><obj type=\"Folder\">ha-folder-root</obj><skip>true"
	    "</skip><selectSet xsi:type=\"TraversalSpec\"><type>Folder</type>"
	    "<path>childEntity</path><skip>false</skip></selectSet>"
	    "</objectSet></specSet></RetrieveProperties>");
	ck_assert_int_eq(check_hostd_pc_count(s, "<returnval>"), 1);
	ck_assert_ptr_nonnull(strstr(s, "<obj type=\"Datacenter\">"
	    "ha-datacenter</obj>"));
	free(s);
	/* pyVim's read of ServiceInstance.content (rule 19). */
	s = check_hostd_pc_ok(&e, "<RetrievePropertiesEx xmlns=\"urn:vim25\">"
	    PC "<specSet><propSet><type>ServiceInstance</type><all>false"
	    "</all><pathSet>content</pathSet></propSet><objectSet><obj type="
	    "\"ServiceInstance\">ServiceInstance</obj><skip>false</skip>"
	    "</objectSet></specSet><options><maxObjects>1</maxObjects>"
	    "</options></RetrievePropertiesEx>");
	ck_assert_ptr_nonnull(strstr(s, "<val xsi:type=\"ServiceContent\">"
	    "<rootFolder type=\"Folder\">ha-folder-root</rootFolder>"));
	free(s);
	/* An unset property still yields the object (rule 12). */
	s = check_hostd_pc_ok(&e, "<RetrievePropertiesEx xmlns=\"urn:vim25\">"
	    PC "<specSet><propSet><type>Folder</type><pathSet>parent</pathSet>"
	    "</propSet><objectSet><obj type=\"Folder\">ha-folder-root</obj>"
	    "</objectSet></specSet><options><maxObjects>1</maxObjects>"
	    "</options></RetrievePropertiesEx>");
	ck_assert_ptr_nonnull(strstr(s, "<returnval><objects><obj type=\""
	    "Folder\">ha-folder-root</obj></objects></returnval>"));
	free(s);
	/* Host facts. */
	s = check_hostd_pc_ok(&e, "<RetrievePropertiesEx xmlns=\"urn:vim25\">"
	    PC "<specSet><propSet><type>HostSystem</type><pathSet>"
	    "summary.hardware.numCpuCores</pathSet><pathSet>hardware."
	    "memorySize</pathSet><pathSet>runtime.connectionState</pathSet>"
	    "</propSet><objectSet><obj type=\"HostSystem\">ha-host</obj>"
	    "</objectSet></specSet><options></options></RetrievePropertiesEx>");
	ck_assert_ptr_nonnull(strstr(s, "<val xsi:type=\"xsd:short\">"));
	ck_assert_ptr_nonnull(strstr(s, "<val xsi:type=\"xsd:long\">"));
	ck_assert_ptr_nonnull(strstr(s, "<val xsi:type=\"HostSystemConnection"
	    "State\">connected</val>"));
	free(s);
	check_hostd_pc_teardown(&e);
}
END_TEST

START_TEST(check_hostd_pc_view_paging)
{
	struct check_hostd_pc_env	 e;
	char				*id, *call, *s, *tok;
	int				 n = 0, pages = 0;

	check_hostd_pc_setup(&e);
	id = check_hostd_pc_view(&e, "HostSystem", "Folder", "ha-folder-root",
	    1);
	xasprintf(&call, "<RetrievePropertiesEx xmlns=\"urn:vim25\">" PC
	    "<specSet><propSet><type>HostSystem</type><pathSet>name</pathSet>"
	    "</propSet><objectSet><obj type=\"ContainerView\">%s</obj><skip>"
	    "true</skip>" TS("traverseEntities", "ContainerView", "view", "")
	    "</objectSet></specSet><options></options></RetrievePropertiesEx>",
	    id);
	s = check_hostd_pc_ok(&e, call);
	ck_assert_int_eq(check_hostd_pc_count(s, "<objects>"), 1);
	ck_assert_ptr_nonnull(strstr(s, "<obj type=\"HostSystem\">ha-host"));
	free(s);
	free(call);
	free(id);

	/* Every entity (no type), one per page. */
	id = check_hostd_pc_view(&e, NULL, "Folder", "ha-folder-root", 1);
	xasprintf(&call, "<RetrievePropertiesEx xmlns=\"urn:vim25\">" PC
	    "<specSet><propSet><type>ManagedEntity</type><pathSet>name"
	    "</pathSet></propSet><objectSet><obj type=\"ContainerView\">%s"
	    "</obj><skip>true</skip><selectSet xsi:type=\"TraversalSpec\">"
	    "<type>ContainerView</type><path>view</path></selectSet>"
	    "</objectSet></specSet><options><maxObjects>1</maxObjects>"
	    "</options></RetrievePropertiesEx>", id);
	s = check_hostd_pc_ok(&e, call);
	free(call);
	for (;;) {
		pages++;
		n += check_hostd_pc_count(s, "<objects>");
		tok = check_hostd_pc_text(s, "token");
		free(s);
		if (tok == NULL)
			break;
		xasprintf(&call, "<ContinueRetrievePropertiesEx xmlns=\"urn:"
		    "vim25\">" PC "<token>%s</token>"
		    "</ContinueRetrievePropertiesEx>", tok);
		free(tok);
		s = check_hostd_pc_ok(&e, call);
		free(call);
		ck_assert_int_lt(pages, 100);
	}
	/* dc, 4 folders, compute res, host, pool, datastore, network. */
	ck_assert_int_eq(n, 10);
	ck_assert_int_eq(pages, 10);
	check_hostd_pc_fault(&e, "<ContinueRetrievePropertiesEx xmlns=\""
	    "urn:vim25\">" PC "<token>bogus</token>"
	    "</ContinueRetrievePropertiesEx>", "InvalidArgument");
	free(id);
	check_hostd_pc_teardown(&e);
}
END_TEST

START_TEST(check_hostd_pc_updates)
{
	struct check_hostd_pc_env	 e;
	struct hostd_inventory		*inv;
	struct hostd_mo			*vmf, *vm;
	char				*id, *call, *s, *ver, *ver2;

	check_hostd_pc_setup(&e);
	inv = hostd_soap_inventory(e.hs);
	id = check_hostd_pc_view(&e, "VirtualMachine", "Folder",
	    "ha-folder-root", 1);
	xasprintf(&call, "<CreateFilter xmlns=\"urn:vim25\">" PC "<spec>"
	    "<propSet><type>VirtualMachine</type><pathSet>name</pathSet>"
	    "</propSet><objectSet><obj type=\"ContainerView\">%s</obj><skip>"
	    "true</skip>" TS("tv", "ContainerView", "view", "") "</objectSet>"
	    "</spec><partialUpdates>true</partialUpdates></CreateFilter>", id);
	s = check_hostd_pc_ok(&e, call);
	ck_assert_ptr_nonnull(strstr(s, "<returnval type=\"PropertyFilter\">"
	    "session["));
	free(s);
	free(call);
	/* Initial set: no VM yet, but a version. */
	s = check_hostd_pc_ok(&e, "<WaitForUpdatesEx xmlns=\"urn:vim25\">" PC
	    "<version></version><options><maxWaitSeconds>0</maxWaitSeconds>"
	    "</options></WaitForUpdatesEx>");
	ver = check_hostd_pc_text(s, "version");
	ck_assert_ptr_nonnull(ver);
	ck_assert_ptr_null(strstr(s, "<filterSet>"));
	free(s);
	/* No change: null at once (the timeout of a synchronous call). */
	xasprintf(&call, "<WaitForUpdatesEx xmlns=\"urn:vim25\">" PC
	    "<version>%s</version><options><maxWaitSeconds>1</maxWaitSeconds>"
	    "</options></WaitForUpdatesEx>", ver);
	s = check_hostd_pc_ok(&e, call);
	ck_assert_ptr_null(strstr(s, "<returnval"));
	free(s);
	/* A VM appears (the next engineer's API): enter. */
	vmf = hostd_inventory_find(inv, "Folder", HOSTD_MO_VMFOLDER, NULL);
	vm = hostd_inventory_register(inv, "VirtualMachine", "1", vmf, NULL,
	    NULL, NULL);
	ck_assert_ptr_nonnull(vm);
	hostd_inventory_changed(inv, vmf, "childEntity");
	s = check_hostd_pc_ok(&e, call);
	/* A bare registration has no VM data behind it, so its name is
	 * unset: the entry is what matters here. */
	ck_assert_ptr_nonnull(strstr(s, "<objectSet><kind>enter</kind><obj "
	    "type=\"VirtualMachine\">1</obj>"));
	ver2 = check_hostd_pc_text(s, "version");
	ck_assert_str_ne(ver, ver2);
	free(s);
	free(call);
	/* It goes: leave. */
	hostd_inventory_unregister(inv, vm);
	xasprintf(&call, "<CheckForUpdates xmlns=\"urn:vim25\">" PC
	    "<version>%s</version></CheckForUpdates>", ver2);
	s = check_hostd_pc_ok(&e, call);
	ck_assert_ptr_nonnull(strstr(s, "<objectSet><kind>leave</kind><obj "
	    "type=\"VirtualMachine\">1</obj></objectSet>"));
	free(s);
	free(call);
	/* The filter is listed; DestroyPropertyFilter; created collectors. */
	s = check_hostd_pc_ok(&e, "<CreatePropertyCollector xmlns=\"urn:vim25"
	    "\">" PC "</CreatePropertyCollector>");
	ck_assert_ptr_nonnull(strstr(s, "<returnval type=\""
	    "PropertyCollector\">session["));
	free(s);
	check_hostd_pc_fault(&e, "<DestroyPropertyCollector xmlns=\"urn:"
	    "vim25\">" PC "</DestroyPropertyCollector>", "NotSupported");
	check_hostd_pc_fault(&e, "<CheckForUpdates xmlns=\"urn:vim25\">" PC
	    "<version>99</version></CheckForUpdates>", "InvalidArgument");
	free(ver);
	free(ver2);
	free(id);
	check_hostd_pc_teardown(&e);
}
END_TEST

START_TEST(check_hostd_pc_search)
{
	struct check_hostd_pc_env	 e;
	char				*s;

	check_hostd_pc_setup(&e);
	s = check_hostd_pc_ok(&e, "<FindByInventoryPath xmlns=\"urn:vim25\">"
	    "<_this type=\"SearchIndex\">ha-searchindex</_this><inventoryPath>"
	    "ha-datacenter/vm</inventoryPath></FindByInventoryPath>");
	ck_assert_ptr_nonnull(strstr(s, "<returnval type=\"Folder\">"
	    "ha-folder-vm</returnval>"));
	free(s);
	s = check_hostd_pc_ok(&e, "<FindByInventoryPath xmlns=\"urn:vim25\">"
	    "<_this type=\"SearchIndex\">ha-searchindex</_this><inventoryPath>"
	    "/ha-datacenter/network/VM Network</inventoryPath>"
	    "</FindByInventoryPath>");
	ck_assert_ptr_nonnull(strstr(s, "<returnval type=\"Network\">"
	    "HaNetwork-VM Network</returnval>"));
	free(s);
	s = check_hostd_pc_ok(&e, "<FindByInventoryPath xmlns=\"urn:vim25\">"
	    "<_this type=\"SearchIndex\">ha-searchindex</_this><inventoryPath>"
	    "ha-datacenter/vm/nope</inventoryPath></FindByInventoryPath>");
	ck_assert_ptr_null(strstr(s, "<returnval"));
	free(s);
	s = check_hostd_pc_ok(&e, "<FindChild xmlns=\"urn:vim25\"><_this "
	    "type=\"SearchIndex\">ha-searchindex</_this><entity type=\""
	    "Datacenter\">ha-datacenter</entity><name>host</name></FindChild>");
	ck_assert_ptr_nonnull(strstr(s, ">ha-folder-host</returnval>"));
	free(s);
	s = check_hostd_pc_ok(&e, "<FindByUuid xmlns=\"urn:vim25\"><_this "
	    "type=\"SearchIndex\">ha-searchindex</_this><uuid>4223-x</uuid>"
	    "<vmSearch>true</vmSearch></FindByUuid>");
	ck_assert_ptr_null(strstr(s, "<returnval"));
	free(s);
	check_hostd_pc_teardown(&e);
}
END_TEST

START_TEST(check_hostd_pc_errors)
{
	struct check_hostd_pc_env	 e;
	char				*s;
	int				 status;

	check_hostd_pc_setup(&e);
	check_hostd_pc_fault(&e, "<RetrieveProperties xmlns=\"urn:vim25\">" PC
	    "<specSet><propSet><type>Folder</type><pathSet>bogusProp</pathSet>"
	    "</propSet><objectSet><obj type=\"Folder\">ha-folder-root</obj>"
	    "</objectSet></specSet></RetrieveProperties>", "InvalidProperty");
	check_hostd_pc_fault(&e, "<RetrieveProperties xmlns=\"urn:vim25\">" PC
	    "<specSet><propSet><type>VirtualMachine</type><pathSet>name"
	    "</pathSet></propSet><objectSet><obj type=\"VirtualMachine\">99"
	    "</obj></objectSet></specSet></RetrieveProperties>",
	    "ManagedObjectNotFound");
	check_hostd_pc_fault(&e, "<RetrieveProperties xmlns=\"urn:vim25\">" PC
	    "<specSet><propSet><type>Folder</type><pathSet>name</pathSet>"
	    "</propSet><objectSet><obj type=\"Folder\">ha-folder-root</obj>"
	    REF("nowhere") "</objectSet></specSet></RetrieveProperties>",
	    "InvalidArgument");
	check_hostd_pc_fault(&e, "<RetrieveProperties xmlns=\"urn:vim25\">" PC
	    "</RetrieveProperties>", "InvalidArgument");
	check_hostd_pc_fault(&e, "<RetrieveProperties xmlns=\"urn:vim25\">"
	    "<_this type=\"PropertyCollector\">nope</_this><specSet><propSet>"
	    "<type>Folder</type></propSet><objectSet><obj type=\"Folder\">"
	    "ha-folder-root</obj></objectSet></specSet></RetrieveProperties>",
	    "ManagedObjectNotFound");
	check_hostd_pc_fault(&e, "<CreateContainerView xmlns=\"urn:vim25\">"
	    "<_this type=\"ViewManager\">ViewManager</_this><container type="
	    "\"Datastore\">x</container><recursive>true</recursive>"
	    "</CreateContainerView>", "ManagedObjectNotFound");
	check_hostd_pc_fault(&e, "<CreateContainerView xmlns=\"urn:vim25\">"
	    "<_this type=\"ViewManager\">ViewManager</_this><container type="
	    "\"Folder\">ha-folder-root</container><type>NoSuchType</type>"
	    "<recursive>true</recursive></CreateContainerView>",
	    "InvalidArgument");
	check_hostd_pc_fault(&e, "<WaitForUpdatesEx xmlns=\"urn:vim25\">" PC
	    "<version>x</version></WaitForUpdatesEx>", "InvalidArgument");
	/* Without a session: NotAuthenticated per property (§3.3). */
	s = check_hostd_pc_call(&e, "<RetrieveProperties xmlns=\"urn:vim25\">"
	    PC "<specSet><propSet><type>Folder</type><pathSet>name</pathSet>"
	    "</propSet><objectSet><obj type=\"Folder\">ha-folder-root</obj>"
	    "</objectSet></specSet></RetrieveProperties>", NULL, &status);
	ck_assert_int_eq(status, 200);
	ck_assert_ptr_nonnull(strstr(s, "<missingSet><path>name</path><fault>"
	    "<fault xsi:type=\"NotAuthenticated\">"));
	free(s);
	s = check_hostd_pc_call(&e, "<RetrieveProperties xmlns=\"urn:vim25\">"
	    PC "<specSet><propSet><type>SessionManager</type><pathSet>"
	    "currentSession</pathSet></propSet><objectSet><obj type=\""
	    "SessionManager\">ha-sessionmgr</obj></objectSet></specSet>"
	    "</RetrieveProperties>", NULL, &status);
	ck_assert_int_eq(status, 200);
	ck_assert_ptr_null(strstr(s, "<propSet>"));
	ck_assert_ptr_null(strstr(s, "<missingSet>"));
	free(s);
	check_hostd_pc_teardown(&e);
}
END_TEST

START_TEST(check_hostd_pc_cycles)
{
	struct check_hostd_pc_env	 e;
	char				*s;

	check_hostd_pc_setup(&e);
	/* parent and childEntity both ways, self-referencing: it ends. */
	s = check_hostd_pc_ok(&e, "<RetrieveProperties xmlns=\"urn:vim25\">" PC
	    "<specSet><propSet><type>ManagedEntity</type><all>true</all>"
	    "</propSet><objectSet><obj type=\"HostSystem\">ha-host</obj>"
	    TS("up", "ManagedEntity", "parent", REF("up") REF("down")
	    REF("dc")) TS("down", "Folder", "childEntity", REF("up")
	    REF("down") REF("dc")) TS("dc", "Datacenter", "hostFolder",
	    REF("down") REF("up")) "</objectSet></specSet>"
	    "</RetrieveProperties>");
	ck_assert_ptr_nonnull(strstr(s, ">ha-folder-root</obj>"));
	ck_assert_int_eq(check_hostd_pc_count(s, ">ha-host</obj>"), 1);
	/* all=true: supertype properties too, typed. */
	ck_assert_ptr_nonnull(strstr(s, "<name>overallStatus</name><val "
	    "xsi:type=\"ManagedEntityStatus\">green</val>"));
	free(s);
	check_hostd_pc_teardown(&e);
}
END_TEST

static Suite *
check_hostd_pc_suite(void)
{
	Suite	*s = suite_create("hostd_pc");
	TCase	*tc;

	tc = tcase_create("core");
	tcase_add_test(tc, check_hostd_pc_full_inventory);
	tcase_add_test(tc, check_hostd_pc_govmomi);
	tcase_add_test(tc, check_hostd_pc_view_paging);
	tcase_add_test(tc, check_hostd_pc_updates);
	tcase_add_test(tc, check_hostd_pc_search);
	tcase_add_test(tc, check_hostd_pc_type_index);
	suite_add_tcase(s, tc);
	tc = tcase_create("errors");
	tcase_add_test(tc, check_hostd_pc_errors);
	suite_add_tcase(s, tc);
	tc = tcase_create("limits");
	tcase_add_test(tc, check_hostd_pc_cycles);
	suite_add_tcase(s, tc);
	return (s);
}

int
main(void)
{
	SRunner	*sr;
	int	 failed;

	log_init("check_hostd_pc", LOG_TO_STDERR);
	log_set_level(LOG_LEVEL_WARNING);
	sr = srunner_create(check_hostd_pc_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return (failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE);
}
