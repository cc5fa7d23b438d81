/* SPDX-License-Identifier: ISC */
/*
 * The host's event log (vi-api.md §3.8): a bounded ring of vim25 events,
 * newest last, oldest dropped when full.  Callers post by type name from
 * the explicit table below, which says which vim25 fields each type
 * needs (VmEvent's template, GeneralEvent's message, the session
 * events' fields), so no event is ever written that pyVmomi would refuse.
 *
 * Invariants: keys grow by one from 1 and are never reused; the ring
 * holds at most el_max events; a struct hostd_event pointer is valid only
 * until the next post.
 */

#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hostd.h"
#include "log.h"
#include "xmalloc.h"

/* What a type adds to Event. */
#define HOSTD_EVENT_K_HOST	0	/* nothing (HostEvent and others) */
#define HOSTD_EVENT_K_VM	1	/* VmEvent: template */
#define HOSTD_EVENT_K_VMMSG	2	/* VmMessageEvent: template, message */
#define HOSTD_EVENT_K_MSG	3	/* GeneralEvent: message */
#define HOSTD_EVENT_K_LOGIN	4	/* UserLoginSessionEvent */
#define HOSTD_EVENT_K_LOGOUT	5	/* UserLogoutSessionEvent */
#define HOSTD_EVENT_K_EXTRA	6	/* fields given by the poster
					   (account events) */
#define HOSTD_EVENT_K_VMEXTRA	7	/* VmEvent's template, then the
					   poster's fields */

struct hostd_event_type {
	const char	*et_name;
	int		 et_kind;
};

/* The event types hostd posts; all exist in vim25 6.7.1. */
static const struct hostd_event_type hostd_event_types[] = {
	{ "VmPoweredOnEvent", HOSTD_EVENT_K_VM },
	{ "VmPoweredOffEvent", HOSTD_EVENT_K_VM },
	{ "VmResettingEvent", HOSTD_EVENT_K_VM },
	{ "VmSuspendedEvent", HOSTD_EVENT_K_VM },
	{ "VmStartingEvent", HOSTD_EVENT_K_VM },
	{ "VmStoppingEvent", HOSTD_EVENT_K_VM },
	{ "VmSuspendingEvent", HOSTD_EVENT_K_VM },
	{ "VmResumingEvent", HOSTD_EVENT_K_VM },
	{ "VmCreatedEvent", HOSTD_EVENT_K_VM },
	{ "VmBeingCreatedEvent", HOSTD_EVENT_K_VM },
	{ "VmRegisteredEvent", HOSTD_EVENT_K_VM },
	{ "VmRemovedEvent", HOSTD_EVENT_K_VM },
	{ "VmReconfiguredEvent", HOSTD_EVENT_K_VMEXTRA },	/* configSpec */
	{ "VmGuestShutdownEvent", HOSTD_EVENT_K_VM },
	{ "VmGuestRebootEvent", HOSTD_EVENT_K_VM },
	{ "VmGuestStandbyEvent", HOSTD_EVENT_K_VM },
	{ "VmConnectedEvent", HOSTD_EVENT_K_VM },
	{ "VmDisconnectedEvent", HOSTD_EVENT_K_VM },
	{ "VmMessageEvent", HOSTD_EVENT_K_VMMSG },
	{ "HostConnectedEvent", HOSTD_EVENT_K_HOST },
	{ "EnteredMaintenanceModeEvent", HOSTD_EVENT_K_HOST },
	{ "ExitMaintenanceModeEvent", HOSTD_EVENT_K_HOST },
	{ "GeneralInfoEvent", HOSTD_EVENT_K_MSG },
	{ "GeneralWarningEvent", HOSTD_EVENT_K_MSG },
	{ "GeneralUserEvent", HOSTD_EVENT_K_MSG },
	{ "GeneralVmErrorEvent", HOSTD_EVENT_K_MSG },
	{ "AccountCreatedEvent", HOSTD_EVENT_K_EXTRA },
	{ "AccountRemovedEvent", HOSTD_EVENT_K_EXTRA },
	{ "AccountUpdatedEvent", HOSTD_EVENT_K_EXTRA },
	{ "UserPasswordChanged", HOSTD_EVENT_K_EXTRA },
	{ "UserLoginSessionEvent", HOSTD_EVENT_K_LOGIN },
	{ "UserLogoutSessionEvent", HOSTD_EVENT_K_LOGOUT },
	{ NULL, 0 }
};

struct hostd_event_log {
	struct hostd_event	*el_ring;	/* el_max slots */
	size_t			 el_max;
	size_t			 el_first;	/* oldest slot */
	size_t			 el_count;
	int32_t			 el_next;	/* next key */
};

static const struct hostd_event_type *hostd_event_type(const char *);
static void	hostd_event_clear(struct hostd_event *);
static struct hostd_event *hostd_event_new(struct hostd_event_log *);
static void	hostd_event_notify(struct hostd_soap *);
static struct hostd_val *hostd_event_arg(const char *, const char *,
		    const char *, const char *, const char *);
static int32_t	hostd_event_vpost(struct hostd_soap *, const char *,
		    struct hostd_mo *, struct hostd_val *, const char *,
		    const char *, va_list)
		    __attribute__((format(printf, 6, 0)));

static const struct hostd_event_type *
hostd_event_type(const char *name)
{
	const struct hostd_event_type	*t;

	for (t = hostd_event_types; name != NULL && t->et_name != NULL; t++) {
		if (strcmp(t->et_name, name) == 0)
			return (t);
	}
	return (NULL);
}

struct hostd_event_log *
hostd_event_log_create(size_t max)
{
	struct hostd_event_log	*el;

	if (max == 0)
		max = HOSTD_EVENT_MAX;
	el = xcalloc(1, sizeof *el);
	el->el_ring = xcalloc(max, sizeof *el->el_ring);
	el->el_max = max;
	el->el_next = 1;
	return (el);
}

static void
hostd_event_clear(struct hostd_event *ev)
{
	free(ev->ev_user);
	free(ev->ev_vm);
	free(ev->ev_vmname);
	free(ev->ev_msg);
	free(ev->ev_ip);
	free(ev->ev_agent);
	free(ev->ev_locale);
	free(ev->ev_session);
	hostd_val_free(ev->ev_extra);
	memset(ev, 0, sizeof *ev);
}

void
hostd_event_log_free(struct hostd_event_log *el)
{
	size_t	i;

	if (el == NULL)
		return;
	for (i = 0; i < el->el_max; i++)
		hostd_event_clear(&el->el_ring[i]);
	free(el->el_ring);
	free(el);
}

/* A cleared slot for a new event, with key and time set. */
static struct hostd_event *
hostd_event_new(struct hostd_event_log *el)
{
	struct hostd_event	*ev;

	if (el->el_count == el->el_max) {
		hostd_event_clear(&el->el_ring[el->el_first]);
		el->el_first = (el->el_first + 1) % el->el_max;
		el->el_count--;
	}
	ev = &el->el_ring[(el->el_first + el->el_count) % el->el_max];
	el->el_count++;
	ev->ev_key = el->el_next;
	if (el->el_next == INT32_MAX)	/* keep keys positive */
		el->el_next = 1;
	else
		el->el_next++;
	clock_gettime(CLOCK_REALTIME, &ev->ev_time);
	return (ev);
}

/* Wake PropertyCollector waits on EventManager.latestEvent. */
static void
hostd_event_notify(struct hostd_soap *hs)
{
	struct hostd_inventory	*inv = hostd_soap_inventory(hs);
	struct hostd_mo		*mo;

	mo = hostd_inventory_find(inv, "EventManager", "ha-eventmgr", NULL);
	hostd_inventory_changed(inv, mo, "latestEvent");
}

int32_t
hostd_event_post(struct hostd_soap *hs, const char *type,
    struct hostd_mo *vm, const char *user, const char *fmt, ...)
{
	va_list	ap;
	int32_t	key;

	va_start(ap, fmt);
	key = hostd_event_vpost(hs, type, vm, NULL, user, fmt, ap);
	va_end(ap);
	return (key);
}

int32_t
hostd_event_post_vm(struct hostd_soap *hs, const char *type,
    struct hostd_mo *vm, struct hostd_val *extra, const char *user,
    const char *fmt, ...)
{
	va_list	ap;
	int32_t	key;

	va_start(ap, fmt);
	key = hostd_event_vpost(hs, type, vm, extra, user, fmt, ap);
	va_end(ap);
	return (key);
}

int32_t
hostd_event_post_extra(struct hostd_soap *hs, const char *type,
    struct hostd_val *extra, const char *user, const char *fmt, ...)
{
	va_list	ap;
	int32_t	key;

	va_start(ap, fmt);
	key = hostd_event_vpost(hs, type, NULL, extra, user, fmt, ap);
	va_end(ap);
	return (key);
}

static int32_t
hostd_event_vpost(struct hostd_soap *hs, const char *type,
    struct hostd_mo *vm, struct hostd_val *extra, const char *user,
    const char *fmt, va_list ap)
{
	const struct hostd_event_type	*t;
	struct hostd_event		*ev;
	struct hostd_val		*name;
	int				 invalid;

	if ((t = hostd_event_type(type)) == NULL ||
	    t->et_kind == HOSTD_EVENT_K_LOGIN ||
	    t->et_kind == HOSTD_EVENT_K_LOGOUT ||
	    (t->et_kind == HOSTD_EVENT_K_EXTRA ||
	    t->et_kind == HOSTD_EVENT_K_VMEXTRA) != (extra != NULL) ||
	    (t->et_kind == HOSTD_EVENT_K_VMEXTRA && vm == NULL)) {
		log_warnx("event: unknown event type %s",
		    type != NULL ? type : "(null)");
		hostd_val_free(extra);
		errno = EINVAL;
		return (-1);
	}
	ev = hostd_event_new(hostd_soap_events(hs));
	ev->ev_type = t->et_name;
	ev->ev_user = xstrdup(user != NULL ? user : "");
	ev->ev_extra = extra;
	if (vasprintf(&ev->ev_msg, fmt, ap) == -1)
		fatalx("event: vasprintf");
	if (vm != NULL) {
		ev->ev_vm = xstrdup(vm->mo_id);
		name = hostd_inventory_get(hostd_soap_inventory(hs), hs, vm,
		    NULL, "name", &invalid);
		ev->ev_vmname = xstrdup(hostd_val_str(name) != NULL ?
		    hostd_val_str(name) : vm->mo_id);
		hostd_val_free(name);
	}
	log_info("event %d: %s: %s", ev->ev_key, ev->ev_type, ev->ev_msg);
	hostd_event_notify(hs);
	return (ev->ev_key);
}

void
hostd_event_post_session(struct hostd_soap *hs,
    const struct hostd_session *s, int login)
{
	struct hostd_event	*ev;

	ev = hostd_event_new(hostd_soap_events(hs));
	ev->ev_type = login ? "UserLoginSessionEvent" :
	    "UserLogoutSessionEvent";
	ev->ev_user = xstrdup(s->s_user);
	ev->ev_ip = xstrdup(s->s_ip != NULL ? s->s_ip : "127.0.0.1");
	if (s->s_agent != NULL)
		ev->ev_agent = xstrdup(s->s_agent);
	ev->ev_locale = xstrdup(s->s_locale != NULL ? s->s_locale : "en");
	ev->ev_session = xstrdup(s->s_key);
	ev->ev_calls = s->s_calls;
	ev->ev_login = s->s_login;
	if (login) {
		xasprintf(&ev->ev_msg, "User %s@%s logged in as %s",
		    s->s_user, ev->ev_ip, s->s_agent != NULL ? s->s_agent :
		    "unknown");
	} else {
		xasprintf(&ev->ev_msg, "User %s@%s logged out (login time: "
		    "%lld, number of API invocations: %lld, user agent: %s)",
		    s->s_user, ev->ev_ip, (long long)s->s_login.tv_sec,
		    (long long)s->s_calls, s->s_agent != NULL ? s->s_agent :
		    "unknown");
	}
	hostd_event_notify(hs);
}

const struct hostd_event *
hostd_event_prev(struct hostd_event_log *el, const struct hostd_event *prev)
{
	size_t	i;

	if (el->el_count == 0)
		return (NULL);
	if (prev == NULL)
		i = el->el_count - 1;
	else {
		/* prev's position from the oldest. */
		i = ((size_t)(prev - el->el_ring) + el->el_max -
		    el->el_first) % el->el_max;
		if (i == 0)
			return (NULL);
		i--;
	}
	return (&el->el_ring[(el->el_first + i) % el->el_max]);
}

const struct hostd_event *
hostd_event_find(struct hostd_event_log *el, int32_t key)
{
	const struct hostd_event	*ev = NULL;

	while ((ev = hostd_event_prev(el, ev)) != NULL) {
		if (ev->ev_key == key)
			return (ev);
		if (ev->ev_key < key)
			break;
	}
	return (NULL);
}

/* An XxxEventArgument {name, field: MoRef}. */
static struct hostd_val *
hostd_event_arg(const char *type, const char *name, const char *field,
    const char *motype, const char *id)
{
	struct hostd_val	*arg;

	arg = hostd_val_object(type);
	hostd_val_add_str(arg, "name", name);
	hostd_val_add_moref(arg, field, motype, id);
	return (arg);
}

struct hostd_val *
hostd_event_to_val(const struct hostd_event *ev)
{
	const struct hostd_event_type	*t;
	struct hostd_val		*v;
	char				 host[256];
	size_t				 i;

	t = hostd_event_type(ev->ev_type);
	v = hostd_val_object(ev->ev_type);
	hostd_val_add_int(v, "key", ev->ev_key);
	hostd_val_add_int(v, "chainId", ev->ev_key);
	hostd_val_add(v, "createdTime", hostd_val_datetime(&ev->ev_time));
	hostd_val_add_str(v, "userName", ev->ev_user);
	hostd_mo_hostsystem_name(host, sizeof host);
	hostd_val_add(v, "datacenter", hostd_event_arg(
	    "DatacenterEventArgument", HOSTD_MO_DATACENTER, "datacenter",
	    "Datacenter", HOSTD_MO_DATACENTER));
	hostd_val_add(v, "computeResource", hostd_event_arg(
	    "ComputeResourceEventArgument", host, "computeResource",
	    "ComputeResource", HOSTD_MO_COMPUTE));
	hostd_val_add(v, "host", hostd_event_arg("HostEventArgument", host,
	    "host", "HostSystem", HOSTD_MO_HOST));
	if (ev->ev_vm != NULL) {
		hostd_val_add(v, "vm", hostd_event_arg("VmEventArgument",
		    ev->ev_vmname, "vm", "VirtualMachine", ev->ev_vm));
	}
	hostd_val_add_str(v, "fullFormattedMessage", ev->ev_msg);
	switch (t != NULL ? t->et_kind : HOSTD_EVENT_K_HOST) {
	case HOSTD_EVENT_K_VM:
		hostd_val_add_bool(v, "template", 0);
		break;
	case HOSTD_EVENT_K_VMMSG:
		hostd_val_add_bool(v, "template", 0);
		hostd_val_add_str(v, "message", ev->ev_msg);
		break;
	case HOSTD_EVENT_K_MSG:
		hostd_val_add_str(v, "message", ev->ev_msg);
		break;
	case HOSTD_EVENT_K_VMEXTRA:
		hostd_val_add_bool(v, "template", 0);
		/* FALLTHROUGH */
	case HOSTD_EVENT_K_EXTRA:
		/* With their declared types: a subtype keeps its xsi:type. */
		for (i = 0; ev->ev_extra != NULL &&
		    i < ev->ev_extra->v_nfields; i++)
			hostd_val_add_decl(v, ev->ev_extra->v_fields[i].vf_name,
			    ev->ev_extra->v_fields[i].vf_decl,
			    hostd_val_copy(ev->ev_extra->v_fields[i].vf_val));
		break;
	case HOSTD_EVENT_K_LOGIN:
		hostd_val_add_str(v, "ipAddress", ev->ev_ip);
		if (ev->ev_agent != NULL)
			hostd_val_add_str(v, "userAgent", ev->ev_agent);
		hostd_val_add_str(v, "locale", ev->ev_locale);
		hostd_val_add_str(v, "sessionId", ev->ev_session);
		break;
	case HOSTD_EVENT_K_LOGOUT:
		hostd_val_add_str(v, "ipAddress", ev->ev_ip);
		if (ev->ev_agent != NULL)
			hostd_val_add_str(v, "userAgent", ev->ev_agent);
		hostd_val_add_long(v, "callCount", ev->ev_calls);
		hostd_val_add_str(v, "sessionId", ev->ev_session);
		hostd_val_add(v, "loginTime",
		    hostd_val_datetime(&ev->ev_login));
		break;
	}
	return (v);
}
