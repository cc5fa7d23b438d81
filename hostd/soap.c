/* SPDX-License-Identifier: ISC */
/*
 * The SOAP dispatcher (vi-api.md §2): parse the envelope through
 * lib/xml.c, find the call and its _this, check the session, find the
 * method in the explicit tables of the mo-*.c files, check the object and
 * the parameters against the method's parameter table, run the handler
 * and write the response or the fault.
 *
 * Every request is untrusted.  Whatever the bytes, the answer is a
 * well-formed envelope: HTTP 200 with <XResponse>, or HTTP 500 with a
 * vim25 fault (InvalidRequest for what cannot be parsed, MethodNotFound,
 * NotAuthenticated, ManagedObjectNotFound, InvalidArgument, InvalidType).
 * Size, depth and node limits come from the parse; nothing here recurses
 * on input except hostd_val_parse, which the depth limit bounds.  Request
 * bodies are never logged (they hold passwords), nor are cookies.
 */

#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <libxml/tree.h>

#include "cfg.h"
#include "hostd.h"
#include "xmalloc.h"
#include "xml.h"

/* Session expiry sweep period, seconds. */
#define HOSTD_SOAP_SWEEP	60
/* Nesting accepted in a request; ReconfigVM specs need about 12. */
#define HOSTD_SOAP_MAX_DEPTH	48
/* Longest _this type or id accepted. */
#define HOSTD_SOAP_MAX_ID	1024

struct hostd_soap {
	struct event_base	*hs_base;	/* borrowed, may be NULL */
	struct hostd_sessions	*hs_sessions;
	struct account	*hs_auth;
	struct event		*hs_sweep;	/* session expiry, or NULL */
	struct hostd_inventory	*hs_inventory;	/* inventory.c */
	struct hostd_event_log	*hs_events;	/* event.c */
	struct hostd_authz	*hs_authz;	/* authz.c */
	struct hostd_vmstats	*hs_vmstats;	/* vmstats.c */
	struct xml_parser	*hs_parser;	/* every request's, reused */
};

/*
 * Managed objects whose existence soap.c checks before a method runs.  A
 * type with no line here is checked by its handlers.  Add a line when
 * adding a managed type.
 */
struct hostd_soap_motype {
	const char	*mt_type;
	const char	*mt_id;		/* the one moid of a singleton */
};

static const struct hostd_soap_motype hostd_soap_motypes[] = {
	{ "ServiceInstance", "ServiceInstance" },
	{ "SessionManager", "ha-sessionmgr" },
	{ "AuthorizationManager", "ha-authmgr" },
	{ "EventManager", "ha-eventmgr" },
	{ "FileManager", HOSTD_MO_FILEMANAGER },
	{ "VirtualDiskManager", HOSTD_MO_VDISKMANAGER },
	{ "HostDatastoreBrowser", HOSTD_MO_DSBROWSER },
	{ "HostLocalAccountManager", "ha-localacctmgr" },
	{ "UserDirectory", "ha-user-directory" },
	{ "HostFirmwareSystem", "ha-firmwareSystem" },
};

/* The method tables, one per mo-*.c file. */
static const struct hostd_soap_method *const hostd_soap_tables[] = {
	hostd_mo_serviceinstance_methods,
	hostd_mo_sessionmanager_methods,
	hostd_mo_propertycollector_methods,
	hostd_mo_propertyfilter_methods,
	hostd_mo_viewmanager_methods,
	hostd_mo_containerview_methods,
	hostd_mo_listview_methods,
	hostd_mo_searchindex_methods,
	hostd_mo_authorizationmanager_methods,
	hostd_mo_eventmanager_methods,
	hostd_mo_eventcollector_methods,
	hostd_mo_task_methods,
	hostd_mo_virtualmachine_methods,
	hostd_mo_virtualmachinesnapshot_methods,
	hostd_mo_filemanager_methods,
	hostd_mo_virtualdiskmanager_methods,
	hostd_mo_hostdatastorebrowser_methods,
	hostd_mo_folder_methods,
	hostd_mo_hostlocalaccountmanager_methods,
	hostd_mo_userdirectory_methods,
	hostd_mo_hostfirmwaresystem_methods,
	hostd_mo_diagnosticmanager_methods,
	hostd_mo_hostservicesystem_methods,
	hostd_mo_hostnetworksystem_methods,
	hostd_mo_hostsystem_methods,
};

static void	hostd_soap_sweep_cb(evutil_socket_t, short, void *);
static const struct hostd_soap_method *hostd_soap_find(const char *,
		    const char *);
static int	hostd_soap_object_exists(const char *, const char *);
static int	hostd_soap_params(struct hostd_soap_req *, xmlNodePtr,
		    xmlNodePtr);
static int	hostd_soap_run(struct hostd_soap_req *, const char *, size_t,
		    int, const char *);
static void	hostd_soap_write(struct hostd_soap_req *, const char *,
		    struct evbuffer *, int *);
static struct hostd_soap_req *hostd_soap_req_new(struct hostd_soap *,
		    const struct hostd_call_info *);
static void	hostd_soap_req_free(struct hostd_soap_req *);

static void
hostd_soap_sweep_cb(evutil_socket_t fd, short events, void *arg)
{
	struct hostd_soap	*hs = arg;

	(void)fd;
	(void)events;
	hostd_session_expire(hs->hs_sessions);
}

struct hostd_soap *
hostd_soap_create(struct event_base *base, const char *root,
    const struct cfg *conf, char **cause)
{
	struct hostd_soap	*hs;
	struct hostd_inventory	*inv;
	struct hostd_authz	*authz;
	struct cfg		*empty = NULL;
	struct timeval		 tv = { HOSTD_SOAP_SWEEP, 0 };
	long long		 fails, unlock, idle, max;
	int			 bad;

	xml_init();
	if (conf == NULL)
		conf = empty = cfg_create();
	bad = cfg_get_int(conf, "Security.AccountLockFailures", 0, 100,
	    ACCOUNT_LOCK_FAILURES, &fails, cause) != 0 ||
	    cfg_get_int(conf, "Security.AccountUnlockTime", 0, 86400 * 7,
	    ACCOUNT_UNLOCK_TIME, &unlock, cause) != 0 ||
	    cfg_get_int(conf, "Config.HostAgent.vmacore.soap.sessionTimeout",
	    0, 60 * 24 * 7, HOSTD_SESSION_IDLE / 60, &idle, cause) != 0 ||
	    cfg_get_int(conf, "Config.HostAgent.vmacore.soap.maxSessionCount",
	    0, 100000, HOSTD_SESSION_MAX, &max, cause) != 0;
	inv = bad ? NULL : hostd_inventory_create(base, root, conf);
	if (inv != NULL)
		hostd_task_setup(inv);
	cfg_free(empty);
	if (bad)
		return (NULL);
	if ((authz = hostd_authz_create(root, cause)) == NULL) {
		hostd_inventory_free(inv);
		return (NULL);
	}
	hs = xcalloc(1, sizeof *hs);
	hs->hs_base = base;
	hs->hs_inventory = inv;
	hs->hs_events = hostd_event_log_create(HOSTD_EVENT_MAX);
	hs->hs_authz = authz;
	hs->hs_vmstats = hostd_vmstats_create();
	hs->hs_parser = xml_parser_create();
	hs->hs_sessions = hostd_session_table_create((unsigned int)idle * 60,
	    (unsigned int)max);
	hs->hs_auth = account_create(root, (unsigned int)fails,
	    (unsigned int)unlock);
	if (base != NULL) {
		hs->hs_sweep = event_new(base, -1, EV_PERSIST,
		    hostd_soap_sweep_cb, hs);
		if (hs->hs_sweep == NULL ||
		    event_add(hs->hs_sweep, &tv) != 0) {
			xasprintf(cause, "cannot add the session timer");
			hostd_soap_free(hs);
			return (NULL);
		}
	}
	return (hs);
}

void
hostd_soap_free(struct hostd_soap *hs)
{
	if (hs == NULL)
		return;
	if (hs->hs_sweep != NULL)
		event_free(hs->hs_sweep);
	hostd_session_table_free(hs->hs_sessions);
	hostd_inventory_free(hs->hs_inventory);	/* after the sessions */
	hostd_event_log_free(hs->hs_events);
	hostd_authz_free(hs->hs_authz);
	hostd_vmstats_free(hs->hs_vmstats);
	xml_parser_free(hs->hs_parser);
	account_free(hs->hs_auth);
	free(hs);
}

struct hostd_sessions *
hostd_soap_sessions(struct hostd_soap *hs)
{
	return (hs->hs_sessions);
}

struct account *
hostd_soap_auth(struct hostd_soap *hs)
{
	return (hs->hs_auth);
}

struct hostd_inventory *
hostd_soap_inventory(struct hostd_soap *hs)
{
	return (hs->hs_inventory);
}

struct hostd_event_log *
hostd_soap_events(struct hostd_soap *hs)
{
	return (hs->hs_events);
}

struct hostd_authz *
hostd_soap_authz(struct hostd_soap *hs)
{
	return (hs->hs_authz);
}

struct hostd_vmstats *
hostd_soap_vmstats(struct hostd_soap *hs)
{
	return (hs->hs_vmstats);
}

/* The entry for method on managed type type, or NULL. */
static const struct hostd_soap_method *
hostd_soap_find(const char *method, const char *type)
{
	const struct hostd_soap_method	*m;
	size_t				 i;

	for (i = 0; i < sizeof hostd_soap_tables / sizeof
	    hostd_soap_tables[0]; i++) {
		for (m = hostd_soap_tables[i]; m->sm_name != NULL; m++) {
			if (strcmp(m->sm_name, method) == 0 &&
			    strcmp(m->sm_this, type) == 0)
				return (m);
		}
	}
	return (NULL);
}

static int
hostd_soap_object_exists(const char *type, const char *id)
{
	size_t	i;

	for (i = 0; i < sizeof hostd_soap_motypes /
	    sizeof hostd_soap_motypes[0]; i++) {
		if (strcmp(hostd_soap_motypes[i].mt_type, type) == 0)
			return (strcmp(hostd_soap_motypes[i].mt_id, id) == 0);
	}
	return (1);
}

/*
 * Read the parameters (the children of call after _this) into
 * req->r_params, by name, as the method's table declares them.  Unknown
 * parameters (a newer client's) are skipped.  0, or -1 with r_fault set.
 */
static int
hostd_soap_params(struct hostd_soap_req *req, xmlNodePtr call,
    xmlNodePtr this)
{
	const struct hostd_soap_param	*p;
	struct hostd_val		*v;
	xmlNodePtr			 node;
	char				*cause;
	int				 badtype;

	req->r_params = hostd_val_object(req->r_method->sm_name);
	for (node = xml_child(call, NULL, NULL); node != NULL;
	    node = xml_next(node, NULL, NULL)) {
		if (node == this)
			continue;
		for (p = req->r_method->sm_params; p != NULL &&
		    p->sp_name != NULL; p++) {
			if (strcmp(p->sp_name, (const char *)node->name) == 0)
				break;
		}
		if (p == NULL || p->sp_name == NULL) {
			log_debug("soap: %s: ignoring parameter %.64s",
			    req->r_method->sm_name, (const char *)node->name);
			continue;
		}
		if ((p->sp_flags & HOSTD_SOAP_ARRAY) == 0 &&
		    hostd_val_field(req->r_params, p->sp_name) != NULL) {
			req->r_fault = hostd_fault_invalid_argument(
			    p->sp_name);
			return (-1);
		}
		v = hostd_val_parse(node, p->sp_type, &badtype, &cause);
		if (v == NULL) {
			log_debug("soap: %s: parameter %s: %s",
			    req->r_method->sm_name, p->sp_name, cause);
			free(cause);
			req->r_fault = badtype ?
			    hostd_fault_invalid_type(p->sp_name) :
			    hostd_fault_invalid_argument(p->sp_name);
			return (-1);
		}
		hostd_val_add(req->r_params, p->sp_name, v);
	}
	for (p = req->r_method->sm_params; p != NULL && p->sp_name != NULL;
	    p++) {
		if ((p->sp_flags & (HOSTD_SOAP_OPTIONAL | HOSTD_SOAP_ARRAY)) ==
		    0 && hostd_val_field(req->r_params, p->sp_name) == NULL) {
			req->r_fault = hostd_fault_invalid_argument(
			    p->sp_name);
			return (-1);
		}
	}
	return (0);
}

static struct hostd_soap_req *
hostd_soap_req_new(struct hostd_soap *hs, const struct hostd_call_info *ci)
{
	struct hostd_soap_req	*req;

	req = xcalloc(1, sizeof *req);
	req->r_soap = hs;
	req->r_peer = ci != NULL && ci->ci_peer != NULL ? ci->ci_peer : "?";
	req->r_agent = ci != NULL ? ci->ci_agent : NULL;
	req->r_secure = ci != NULL && !ci->ci_local;
	return (req);
}

static void
hostd_soap_req_free(struct hostd_soap_req *req)
{
	free(req->r_this_type);
	free(req->r_this_id);
	hostd_val_free(req->r_params);
	hostd_val_free(req->r_result);
	hostd_fault_free(req->r_fault);
	free(req->r_setcookie);
	free(req);
}

/*
 * Everything up to and including the handler; nul says body[len] is a
 * NUL (xml_parser_parse_str).  Returns 1 if the handler kept the request
 * (it answers later), else 0 with r_result or r_fault.
 */
static int
hostd_soap_run(struct hostd_soap_req *req, const char *body, size_t len,
    int nul, const char *cookie)
{
	struct xml_limits	 lim = { HOSTD_MAX_BODY, HOSTD_SOAP_MAX_DEPTH,
				    0 };
	xmlDocPtr		 doc;
	xmlNodePtr		 root, soapbody, call, this;
	char			*cause = NULL;
	int			 rc = 0;

	/* libxml2 stops at a NUL byte; XML cannot contain one anyway. */
	if (len != 0 && memchr(body, '\0', len) != NULL) {
		req->r_fault = hostd_fault_invalid_request("NUL byte in the "
		    "body");
		return (0);
	}
	if ((doc = (nul ? xml_parser_parse_str : xml_parser_parse)(
	    req->r_soap->hs_parser, body, len, &lim, &cause)) == NULL) {
		req->r_fault = hostd_fault_invalid_request(cause);
		log_debug("soap: from %s: unparsable request: %s",
		    req->r_peer, cause);
		free(cause);
		return (0);
	}
	root = xmlDocGetRootElement(doc);
	if (root == NULL || root->ns == NULL || strcmp((const char *)root->name,
	    "Envelope") != 0 || strcmp((const char *)root->ns->href,
	    HOSTD_NS_SOAPENV) != 0) {
		req->r_fault = hostd_fault_invalid_request("not a SOAP 1.1 "
		    "envelope");
		goto out;
	}
	if ((soapbody = xml_child(root, HOSTD_NS_SOAPENV, "Body")) == NULL) {
		req->r_fault = hostd_fault_invalid_request("no SOAP Body");
		goto out;
	}
	call = xml_child(soapbody, NULL, NULL);
	if (call == NULL || call->ns == NULL ||
	    strcmp((const char *)call->ns->href, HOSTD_NS_VIM25) != 0) {
		req->r_fault = hostd_fault_invalid_request("no call in the "
		    "urn:vim25 namespace");
		goto out;
	}
	if ((this = xml_child(call, HOSTD_NS_VIM25, "_this")) == NULL ||
	    xml_child(this, NULL, NULL) != NULL ||
	    (req->r_this_type = xml_attr(this, NULL, "type")) == NULL) {
		req->r_fault = hostd_fault_invalid_request("no _this");
		goto out;
	}
	req->r_this_id = xml_text(this);
	if (*req->r_this_type == '\0' || *req->r_this_id == '\0' ||
	    strlen(req->r_this_type) > HOSTD_SOAP_MAX_ID ||
	    strlen(req->r_this_id) > HOSTD_SOAP_MAX_ID) {
		req->r_fault = hostd_fault_invalid_request("bad _this");
		goto out;
	}
	if (strchr(req->r_this_type, ':') != NULL)
		memmove(req->r_this_type, strrchr(req->r_this_type, ':') + 1,
		    strlen(strrchr(req->r_this_type, ':')));

	req->r_method = hostd_soap_find((const char *)call->name,
	    req->r_this_type);
	req->r_session = hostd_session_find(req->r_soap->hs_sessions, cookie);
	if (req->r_session != NULL)
		hostd_session_touch(req->r_session);
	if (req->r_session == NULL && (req->r_method == NULL ||
	    (req->r_method->sm_flags & HOSTD_SOAP_PUBLIC) == 0)) {
		req->r_fault = hostd_fault_not_authenticated(req->r_this_type,
		    req->r_this_id, "System.View");
		goto out;
	}
	if (req->r_method == NULL) {
		req->r_fault = hostd_fault_method_not_found(req->r_this_type,
		    req->r_this_id, (const char *)call->name);
		goto out;
	}
	if (!hostd_soap_object_exists(req->r_this_type, req->r_this_id)) {
		req->r_fault = hostd_fault_not_found_mo(req->r_this_type,
		    req->r_this_id);
		goto out;
	}
	/*
	 * The privilege of the table row on _this (authz.c); deny by
	 * default: a row without one is refused unless it is public.
	 */
	if ((req->r_method->sm_flags & HOSTD_SOAP_PUBLIC) == 0 &&
	    !hostd_authz_allowed(req->r_soap, req->r_session,
	    hostd_inventory_find(req->r_soap->hs_inventory, NULL,
	    req->r_this_id, req->r_session), req->r_method->sm_priv)) {
		if (req->r_method->sm_priv == NULL)
			log_warnx("soap: %s has no privilege: refused",
			    req->r_method->sm_name);
		req->r_fault = hostd_fault_no_permission(req->r_this_type,
		    req->r_this_id, req->r_method->sm_priv != NULL ?
		    req->r_method->sm_priv : "System.View");
		goto out;
	}
	if (hostd_soap_params(req, call, this) != 0)
		goto out;
	xmlFreeDoc(doc);
	doc = NULL;
	log_debug("soap: %s on %s:%s from %s (%s)", req->r_method->sm_name,
	    req->r_this_type, req->r_this_id, req->r_peer,
	    req->r_session != NULL ? req->r_session->s_user : "anonymous");
	rc = req->r_method->sm_handler(req);
out:
	if (doc != NULL)
		xmlFreeDoc(doc);
	return (rc);
}

/* Write the response (or fault) of req to out and its status. */
static void
hostd_soap_write(struct hostd_soap_req *req, const char *method,
    struct evbuffer *out, int *status)
{
	/* Constant parts go in whole: no format to parse per answer. */
	static const char	head[] = "<?xml version=\"1.0\" "
	    "encoding=\"UTF-8\"?>\n<soapenv:Envelope xmlns:soapenc=\""
	    "http://schemas.xmlsoap.org/soap/encoding/\" xmlns:soapenv=\""
	    HOSTD_NS_SOAPENV "\" xmlns:xsd=\"" HOSTD_NS_XSD "\" "
	    "xmlns:xsi=\"" HOSTD_NS_XSI "\"><soapenv:Body>";
	static const char	resp[] = "Response xmlns=\"" HOSTD_NS_VIM25
	    "\">";
	static const char	tail[] = "</soapenv:Body></soapenv:Envelope>";
	size_t			mlen;

	evbuffer_add(out, head, sizeof head - 1);
	if (req->r_fault != NULL) {
		hostd_fault_write(out, req->r_fault);
		*status = 500;
		log_debug("soap: %s from %s: fault %s", method != NULL ?
		    method : "request", req->r_peer,
		    req->r_fault->f_obj->v_type);
	} else {
		mlen = strlen(method);
		evbuffer_add(out, "<", 1);
		evbuffer_add(out, method, mlen);
		evbuffer_add(out, resp, sizeof resp - 1);
		hostd_val_write(out, "returnval", req->r_result_decl,
		    req->r_result);
		evbuffer_add(out, "</", 2);
		evbuffer_add(out, method, mlen);
		evbuffer_add(out, "Response>", 9);
		*status = 200;
	}
	evbuffer_add(out, tail, sizeof tail - 1);
}

void
hostd_soap_process(struct hostd_soap *hs, const char *body, size_t len,
    const struct hostd_call_info *info, int *status, struct evbuffer *out,
    char **setcookie)
{
	struct hostd_soap_req	*req;

	req = hostd_soap_req_new(hs, info);
	if (hostd_soap_run(req, body, len, 0, info != NULL ? info->ci_cookie :
	    NULL) != 0) {
		/* A handler must not defer when it cannot (see can_defer). */
		fatalx("soap: %s deferred a synchronous call",
		    req->r_method->sm_name);
	}
	hostd_soap_write(req, req->r_method != NULL ? req->r_method->sm_name :
	    NULL, out, status);
	*setcookie = req->r_fault == NULL ? req->r_setcookie : NULL;
	if (*setcookie != NULL)
		req->r_setcookie = NULL;
	hostd_soap_req_free(req);
}

int
hostd_soap_req_can_defer(struct hostd_soap_req *req)
{
	return (req->r_call != NULL);
}

void
hostd_soap_req_finish(struct hostd_soap_req *req)
{
	struct evbuffer	*out;
	int		 status;

	if ((out = evbuffer_new()) == NULL)
		fatalx("evbuffer_new");
	hostd_soap_write(req, req->r_method != NULL ?
	    req->r_method->sm_name : NULL, out, &status);
	hostd_call_reply(req->r_call, status, out,
	    req->r_fault == NULL ? req->r_setcookie : NULL);
	evbuffer_free(out);
	hostd_soap_req_free(req);
}

void
hostd_soap_handle(struct hostd *hd, struct hostd_call *call)
{
	const struct hostd_call_info	*ci = hostd_call_info(call);
	struct hostd_soap_req		*req;

	req = hostd_soap_req_new(hd->h_soap, ci);
	req->r_call = call;
	if (hostd_soap_run(req, ci->ci_body, ci->ci_len, 1, ci->ci_cookie) != 0)
		return;		/* the handler answers later */
	hostd_soap_req_finish(req);
}
