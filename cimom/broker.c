/* SPDX-License-Identifier: ISC */
/*
 * The broker's four function tables (cim.md §3.6) and the call arena
 * (broker.h).  Up-calls re-enter dispatch.c in this process; a provider
 * calling itself only nests the arena, there is no lock to deadlock on.
 * Thread services map onto pthreads; a thread key is written as 4 bytes
 * so providers built with 8-byte (2.0) keys read the same value.
 * Selection expressions (queries) are not supported: newSelectExp and
 * execQuery answer CMPI_RC_ERR_NOT_SUPPORTED.
 */

#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "broker.h"
#include "dispatch.h"
#include "log.h"
#include "provider.h"
#include "repository.h"
#include "xmalloc.h"

#define BROKER_NAME	"Vireo cimom"

static CMPIContext *broker_prepare_attach(const CMPIBroker *,
		    const CMPIContext *);
static CMPIStatus broker_attach(const CMPIBroker *, const CMPIContext *);
static CMPIStatus broker_detach(const CMPIBroker *, const CMPIContext *);
static CMPIStatus broker_deliver(const CMPIBroker *, const CMPIContext *,
		    const char *, const CMPIInstance *);
static CMPIEnumeration *broker_enum_names(const CMPIBroker *,
		    const CMPIContext *, const CMPIObjectPath *, CMPIStatus *);
static CMPIInstance *broker_get_instance(const CMPIBroker *,
		    const CMPIContext *, const CMPIObjectPath *, const char **,
		    CMPIStatus *);
static CMPIObjectPath *broker_create_instance(const CMPIBroker *,
		    const CMPIContext *, const CMPIObjectPath *,
		    const CMPIInstance *, CMPIStatus *);
static CMPIStatus broker_modify_instance(const CMPIBroker *,
		    const CMPIContext *, const CMPIObjectPath *,
		    const CMPIInstance *, const char **);
static CMPIStatus broker_delete_instance(const CMPIBroker *,
		    const CMPIContext *, const CMPIObjectPath *);
static CMPIEnumeration *broker_exec_query(const CMPIBroker *,
		    const CMPIContext *, const CMPIObjectPath *, const char *,
		    const char *, CMPIStatus *);
static CMPIEnumeration *broker_enum_instances(const CMPIBroker *,
		    const CMPIContext *, const CMPIObjectPath *, const char **,
		    CMPIStatus *);
static CMPIEnumeration *broker_associators(const CMPIBroker *,
		    const CMPIContext *, const CMPIObjectPath *, const char *,
		    const char *, const char *, const char *, const char **,
		    CMPIStatus *);
static CMPIEnumeration *broker_associator_names(const CMPIBroker *,
		    const CMPIContext *, const CMPIObjectPath *, const char *,
		    const char *, const char *, const char *, CMPIStatus *);
static CMPIEnumeration *broker_references(const CMPIBroker *,
		    const CMPIContext *, const CMPIObjectPath *, const char *,
		    const char *, const char **, CMPIStatus *);
static CMPIEnumeration *broker_reference_names(const CMPIBroker *,
		    const CMPIContext *, const CMPIObjectPath *, const char *,
		    const char *, CMPIStatus *);
static CMPIData	broker_invoke(const CMPIBroker *, const CMPIContext *,
		    const CMPIObjectPath *, const char *, const CMPIArgs *,
		    CMPIArgs *, CMPIStatus *);
static CMPIStatus broker_set_property(const CMPIBroker *,
		    const CMPIContext *, const CMPIObjectPath *, const char *,
		    const CMPIValue *, CMPIType);
static CMPIData	broker_get_property(const CMPIBroker *, const CMPIContext *,
		    const CMPIObjectPath *, const char *, CMPIStatus *);
static CMPIEnumeration *broker_enum_instances_f(const CMPIBroker *,
		    const CMPIContext *, const CMPIObjectPath *, const char **,
		    const char *, const char *, CMPIStatus *);
static CMPIEnumeration *broker_associators_f(const CMPIBroker *,
		    const CMPIContext *, const CMPIObjectPath *, const char *,
		    const char *, const char *, const char *, const char **,
		    const char *, const char *, CMPIStatus *);
static CMPIEnumeration *broker_references_f(const CMPIBroker *,
		    const CMPIContext *, const CMPIObjectPath *, const char *,
		    const char *, const char **, const char *, const char *,
		    CMPIStatus *);
static CMPIEnumeration *broker_enum_result(struct broker *, CMPIrc, char *,
		    const CMPIResult *, CMPIStatus *);
static CMPIEnumeration *broker_enum(const CMPIBroker *, const CMPIContext *,
		    const CMPIObjectPath *, const char **, int, CMPIStatus *);
static CMPIEnumeration *broker_assoc(const CMPIBroker *, const CMPIContext *,
		    const CMPIObjectPath *, int, const char *, const char *,
		    const char *, const char *, const char **, CMPIStatus *);
static int	broker_filtered(const char *, CMPIStatus *);
static void	broker_set_rc(struct broker *, CMPIStatus *, CMPIrc, char *);

static CMPIInstance *broker_new_instance(const CMPIBroker *,
		    const CMPIObjectPath *, CMPIStatus *);
static CMPIObjectPath *broker_new_objectpath(const CMPIBroker *,
		    const char *, const char *, CMPIStatus *);
static CMPIArgs	*broker_new_args(const CMPIBroker *, CMPIStatus *);
static CMPIString *broker_new_string(const CMPIBroker *, const char *,
		    CMPIStatus *);
static CMPIArray *broker_new_array(const CMPIBroker *, CMPICount, CMPIType,
		    CMPIStatus *);
static CMPIDateTime *broker_new_datetime(const CMPIBroker *, CMPIStatus *);
static CMPIDateTime *broker_new_datetime_bin(const CMPIBroker *, CMPIUint64,
		    CMPIBoolean, CMPIStatus *);
static CMPIDateTime *broker_new_datetime_chars(const CMPIBroker *,
		    const char *, CMPIStatus *);
static CMPISelectExp *broker_new_selectexp(const CMPIBroker *, const char *,
		    const char *, CMPIArray **, CMPIStatus *);
static CMPIBoolean broker_classpath_isa(const CMPIBroker *,
		    const CMPIObjectPath *, const char *, CMPIStatus *);
static CMPIString *broker_tostring(const CMPIBroker *, const void *,
		    CMPIStatus *);
static CMPIBoolean broker_isoftype(const CMPIBroker *, const void *,
		    const char *, CMPIStatus *);
static CMPIString *broker_gettype(const CMPIBroker *, const void *,
		    CMPIStatus *);
static CMPIString *broker_getmessage(const CMPIBroker *, const char *,
		    const char *, CMPIStatus *, CMPICount, ...);
static CMPIStatus broker_logmessage(const CMPIBroker *, int, const char *,
		    const char *, const CMPIString *);
static CMPIStatus broker_trace(const CMPIBroker *, CMPILevel, const char *,
		    const char *, const CMPIString *);
static CMPIError *broker_new_error(const CMPIBroker *, const char *,
		    const char *, const char *, const CMPIErrorSeverity,
		    const CMPIErrorProbableCause, const CMPIrc, CMPIStatus *);
static CMPIStatus broker_open_msgfile(const CMPIBroker *, const char *,
		    CMPIMsgFileHandle *);
static CMPIStatus broker_close_msgfile(const CMPIBroker *,
		    const CMPIMsgFileHandle);
static CMPIString *broker_getmessage2(const CMPIBroker *, const char *,
		    const CMPIMsgFileHandle, const char *, CMPIStatus *,
		    CMPICount, ...);
static CMPIPropertyList *broker_new_proplist(const CMPIBroker *,
		    const char **, CMPIStatus *);
static CMPIString *broker_new_string_cp(const CMPIBroker *, const char *,
		    CMPICodepageID, CMPIStatus *);
static CMPIEnumerationFilter *broker_new_filter(const CMPIBroker *,
		    const char *, const char *, CMPIStatus *);
static CMPIString *broker_format_message(const CMPIBroker *, const char *,
		    CMPICount, va_list);

static char	*broker_resolve(const char *);
static CMPI_THREAD_TYPE broker_new_thread(CMPIThreadFunc, void *, int);
static int	broker_join_thread(CMPI_THREAD_TYPE, CMPI_THREAD_RETURN *);
static int	broker_exit_thread(CMPI_THREAD_RETURN);
static int	broker_cancel_thread(CMPI_THREAD_TYPE);
static int	broker_sleep(CMPIUint32);
static int	broker_once(int *, CMPIThreadOnceFunc);
static int	broker_create_key(CMPI_THREAD_KEY_TYPE *,
		    CMPIThreadKeyCleanupFunc);
static int	broker_destroy_key(CMPI_THREAD_KEY_TYPE);
static void	*broker_get_specific(CMPI_THREAD_KEY_TYPE);
static int	broker_set_specific(CMPI_THREAD_KEY_TYPE, void *);
static CMPI_MUTEX_TYPE broker_new_mutex(int);
static void	broker_destroy_mutex(CMPI_MUTEX_TYPE);
static void	broker_lock_mutex(CMPI_MUTEX_TYPE);
static void	broker_unlock_mutex(CMPI_MUTEX_TYPE);
static CMPI_COND_TYPE broker_new_cond(int);
static void	broker_destroy_cond(CMPI_COND_TYPE);
static int	broker_cond_wait(CMPI_COND_TYPE, CMPI_MUTEX_TYPE);
static int	broker_timed_wait(CMPI_COND_TYPE, CMPI_MUTEX_TYPE,
		    struct timespec *);
static int	broker_signal_cond(CMPI_COND_TYPE);
static int	broker_destroy_mutex2(CMPI_MUTEX_TYPE);
static int	broker_lock_mutex2(CMPI_MUTEX_TYPE);
static int	broker_unlock_mutex2(CMPI_MUTEX_TYPE);
static int	broker_destroy_cond2(CMPI_COND_TYPE);

static CMPIGcStat *broker_mark(const CMPIBroker *, CMPIStatus *);
static CMPIStatus broker_release(const CMPIBroker *, const CMPIGcStat *);
static void	*broker_malloc(const CMPIBroker *, size_t);
static void	*broker_calloc(const CMPIBroker *, size_t, size_t);
static void	*broker_realloc(const CMPIBroker *, void *, size_t);
static char	*broker_strdup(const CMPIBroker *, const char *);
static void	 broker_free_mem(const CMPIBroker *, void *);
static void	 broker_free_obj(const CMPIBroker *, void *);
static void	 broker_free_instance(const CMPIBroker *, CMPIInstance *);
static void	 broker_free_objectpath(const CMPIBroker *, CMPIObjectPath *);
static void	 broker_free_args(const CMPIBroker *, CMPIArgs *);
static void	 broker_free_string(const CMPIBroker *, CMPIString *);
static void	 broker_free_array(const CMPIBroker *, CMPIArray *);
static void	 broker_free_datetime(const CMPIBroker *, CMPIDateTime *);
static void	 broker_free_selectexp(const CMPIBroker *, CMPISelectExp *);
static void	 broker_free_chars(const CMPIBroker *, char *);

static const CMPIBrokerFT broker_ft = {
	CMPI_MB_InstanceManipulation | CMPI_MB_AssociationTraversal |
	    CMPI_MB_OSEncapsulationSupport | CMPI_MB_Supports_MemEnhancements |
	    CMPI_MB_Supports_Extended_Error,
	CMPICurrentVersion,
	BROKER_NAME,
	broker_prepare_attach, broker_attach, broker_detach, broker_deliver,
	broker_enum_names, broker_get_instance, broker_create_instance,
	broker_modify_instance, broker_delete_instance, broker_exec_query,
	broker_enum_instances, broker_associators, broker_associator_names,
	broker_references, broker_reference_names, broker_invoke,
	broker_set_property, broker_get_property, broker_enum_instances_f,
	broker_associators_f, broker_references_f,
};

static const CMPIBrokerEncFT broker_eft = {
	CMPICurrentVersion,
	broker_new_instance, broker_new_objectpath, broker_new_args,
	broker_new_string, broker_new_array, broker_new_datetime,
	broker_new_datetime_bin, broker_new_datetime_chars,
	broker_new_selectexp, broker_classpath_isa, broker_tostring,
	broker_isoftype, broker_gettype, broker_getmessage,
	broker_logmessage, broker_trace, broker_new_error,
	broker_open_msgfile, broker_close_msgfile, broker_getmessage2,
	broker_new_proplist, broker_new_string_cp, broker_new_filter,
};

static const CMPIBrokerExtFT broker_xft = {
	CMPICurrentVersion,
	broker_resolve, broker_new_thread, broker_join_thread,
	broker_exit_thread, broker_cancel_thread, broker_sleep, broker_once,
	broker_create_key, broker_destroy_key, broker_get_specific,
	broker_set_specific, broker_new_mutex, broker_destroy_mutex,
	broker_lock_mutex, broker_unlock_mutex, broker_new_cond,
	broker_destroy_cond, broker_cond_wait, broker_timed_wait,
	broker_signal_cond, broker_destroy_mutex2, broker_lock_mutex2,
	broker_unlock_mutex2, broker_destroy_cond2,
};

static const CMPIBrokerMemFT broker_mft = {
	CMPICurrentVersion,
	broker_mark, broker_release, broker_malloc, broker_calloc,
	broker_realloc, broker_strdup, broker_free_mem, broker_free_instance,
	broker_free_objectpath, broker_free_args, broker_free_string,
	broker_free_array, broker_free_datetime, broker_free_selectexp,
	broker_free_chars,
};

/* Where resolveFileName looks: its signature has no broker to ask, so
 * the provider host's one search path is kept here, set once at start. */
static char *const *broker_dirs;

struct broker *
broker_create(struct repository *repo, struct provider *prov,
    const char *host)
{
	struct broker	*br = xcalloc(1, sizeof *br);

	br->b_cmpi.hdl = br;
	br->b_cmpi.bft = &broker_ft;
	br->b_cmpi.eft = &broker_eft;
	br->b_cmpi.xft = &broker_xft;
	br->b_cmpi.mft = &broker_mft;
	br->b_repo = repo;
	br->b_prov = prov;
	br->b_host = host;
	pthread_mutex_init(&br->b_lock, NULL);
	if (prov != NULL) {
		prov->p_br = br;
		broker_dirs = prov->p_dirs;
	}
	return (br);
}

void
broker_free(struct broker *br)
{
	if (br == NULL)
		return;
	pthread_mutex_destroy(&br->b_lock);
	free(br);
}

struct broker *
broker_of(const CMPIBroker *mb)
{
	return (mb->hdl);
}

void
broker_call_begin(struct broker *br)
{
	pthread_mutex_lock(&br->b_lock);
	if (br->b_depth++ == 0)
		br->b_thread = pthread_self();
	pthread_mutex_unlock(&br->b_lock);
}

void
broker_call_end(struct broker *br)
{
	struct cmpiobj	*o, *next;

	pthread_mutex_lock(&br->b_lock);
	if (--br->b_depth > 0) {
		pthread_mutex_unlock(&br->b_lock);
		return;
	}
	o = br->b_arena;
	br->b_arena = NULL;
	pthread_mutex_unlock(&br->b_lock);
	for (; o != NULL; o = next) {
		next = o->co_next;
		o->co_free(o);
	}
}

void
cmpiobj_init(struct cmpiobj *o, struct broker *br, const void *ft,
    void (*fn)(struct cmpiobj *))
{
	o->co_pub.ft = ft;
	if (o->co_pub.hdl == NULL)
		o->co_pub.hdl = o;
	o->co_br = br;
	o->co_free = fn;
	o->co_tracked = 0;
	o->co_next = o->co_prev = NULL;
	pthread_mutex_lock(&br->b_lock);
	if (br->b_depth > 0 && pthread_equal(br->b_thread, pthread_self())) {
		o->co_tracked = 1;
		o->co_next = br->b_arena;
		if (br->b_arena != NULL)
			br->b_arena->co_prev = o;
		br->b_arena = o;
	}
	pthread_mutex_unlock(&br->b_lock);
}

void *
cmpiobj_own(void *obj)
{
	struct cmpiobj	*o = obj;
	struct broker	*br;

	if (o == NULL || !o->co_tracked)
		return (obj);
	br = o->co_br;
	pthread_mutex_lock(&br->b_lock);
	if (o->co_prev != NULL)
		o->co_prev->co_next = o->co_next;
	else
		br->b_arena = o->co_next;
	if (o->co_next != NULL)
		o->co_next->co_prev = o->co_prev;
	o->co_next = o->co_prev = NULL;
	o->co_tracked = 0;
	pthread_mutex_unlock(&br->b_lock);
	return (obj);
}

CMPIStatus
cmpiobj_release(struct cmpiobj *o)
{
	/* The arena frees tracked objects; releasing one early is allowed
	 * and harmless. */
	if (o != NULL && !o->co_tracked)
		o->co_free(o);
	return (cmpiobj_status(CMPI_RC_OK));
}

CMPIStatus
cmpiobj_status(CMPIrc rc)
{
	CMPIStatus	st = { rc, NULL };

	return (st);
}

void
cmpiobj_rc(CMPIStatus *st, CMPIrc rc)
{
	if (st != NULL) {
		st->rc = rc;
		st->msg = NULL;
	}
}

/* Failure of an up-call: the message, as an arena string. */
static void
broker_set_rc(struct broker *br, CMPIStatus *st, CMPIrc rc, char *desc)
{
	if (st != NULL) {
		st->rc = rc;
		st->msg = rc != CMPI_RC_OK && desc != NULL ?
		    cmpi_string_new(br, desc) : NULL;
	}
	free(desc);
}

static CMPIEnumeration *
broker_enum_result(struct broker *br, CMPIrc rc, char *desc,
    const CMPIResult *r, CMPIStatus *st)
{
	CMPIEnumeration	*e = NULL;

	if (rc == CMPI_RC_OK)
		e = cmpi_enumeration_new(br, r);
	broker_set_rc(br, st, rc, desc);
	return (e);
}

static CMPIContext *
broker_prepare_attach(const CMPIBroker *mb, const CMPIContext *ctx)
{
	return (ctx->ft->clone(ctx, NULL));
}

static CMPIStatus
broker_attach(const CMPIBroker *mb, const CMPIContext *ctx)
{
	return (cmpiobj_status(ctx != NULL ? CMPI_RC_OK :
	    CMPI_RC_ERR_INVALID_PARAMETER));
}

static CMPIStatus
broker_detach(const CMPIBroker *mb, const CMPIContext *ctx)
{
	return (cmpiobj_status(ctx != NULL ? CMPI_RC_OK :
	    CMPI_RC_ERR_INVALID_PARAMETER));
}

/* No indication subscriptions exist to deliver to. */
static CMPIStatus
broker_deliver(const CMPIBroker *mb, const CMPIContext *ctx, const char *ns,
    const CMPIInstance *ind)
{
	return (cmpiobj_status(CMPI_RC_ERR_NOT_SUPPORTED));
}

/* An enumeration of instances (names 0) or of their paths (names 1). */
static CMPIEnumeration *
broker_enum(const CMPIBroker *mb, const CMPIContext *ctx,
    const CMPIObjectPath *op, const char **props, int names, CMPIStatus *st)
{
	struct broker	*br = broker_of(mb);
	CMPIResult	*r = cmpi_result_new(br);
	char		*desc = NULL;
	CMPIrc		 rc;

	rc = dispatch_enum(br, ctx, op, props, names, r, &desc);
	return (broker_enum_result(br, rc, desc, r, st));
}

static CMPIEnumeration *
broker_enum_names(const CMPIBroker *mb, const CMPIContext *ctx,
    const CMPIObjectPath *op, CMPIStatus *st)
{
	return (broker_enum(mb, ctx, op, NULL, 1, st));
}

static CMPIEnumeration *
broker_enum_instances(const CMPIBroker *mb, const CMPIContext *ctx,
    const CMPIObjectPath *op, const char **props, CMPIStatus *st)
{
	return (broker_enum(mb, ctx, op, props, 0, st));
}

static CMPIInstance *
broker_get_instance(const CMPIBroker *mb, const CMPIContext *ctx,
    const CMPIObjectPath *op, const char **props, CMPIStatus *st)
{
	struct broker	*br = broker_of(mb);
	CMPIResult	*r = cmpi_result_new(br);
	CMPIData	*v;
	char		*desc = NULL;
	size_t		 n;
	CMPIrc		 rc;

	rc = dispatch_get(br, ctx, op, props, r, &desc);
	v = cmpi_result_items(r, &n);
	if (rc == CMPI_RC_OK && (n == 0 || v[0].type != CMPI_instance)) {
		rc = CMPI_RC_ERR_NOT_FOUND;
		desc = xstrdup("no such instance");
	}
	broker_set_rc(br, st, rc, desc);
	return (rc == CMPI_RC_OK ? v[0].value.inst : NULL);
}

/* Nothing we serve can be created, modified or deleted. */
static CMPIObjectPath *
broker_create_instance(const CMPIBroker *mb, const CMPIContext *ctx,
    const CMPIObjectPath *op, const CMPIInstance *inst, CMPIStatus *st)
{
	cmpiobj_rc(st, CMPI_RC_ERR_NOT_SUPPORTED);
	return (NULL);
}

static CMPIStatus
broker_modify_instance(const CMPIBroker *mb, const CMPIContext *ctx,
    const CMPIObjectPath *op, const CMPIInstance *inst, const char **props)
{
	return (cmpiobj_status(CMPI_RC_ERR_NOT_SUPPORTED));
}

static CMPIStatus
broker_delete_instance(const CMPIBroker *mb, const CMPIContext *ctx,
    const CMPIObjectPath *op)
{
	return (cmpiobj_status(CMPI_RC_ERR_NOT_SUPPORTED));
}

static CMPIEnumeration *
broker_exec_query(const CMPIBroker *mb, const CMPIContext *ctx,
    const CMPIObjectPath *op, const char *q, const char *lang, CMPIStatus *st)
{
	cmpiobj_rc(st, CMPI_RC_ERR_QUERY_LANGUAGE_NOT_SUPPORTED);
	return (NULL);
}

/* One of the four association walks (kind: DISPATCH_ASSOCIATORS...). */
static CMPIEnumeration *
broker_assoc(const CMPIBroker *mb, const CMPIContext *ctx,
    const CMPIObjectPath *op, int kind, const char *assoc, const char *result,
    const char *role, const char *rrole, const char **props, CMPIStatus *st)
{
	struct broker	*br = broker_of(mb);
	CMPIResult	*r = cmpi_result_new(br);
	char		*desc = NULL;
	CMPIrc		 rc;

	rc = dispatch_assoc(br, ctx, op, kind, assoc, result, role, rrole,
	    props, r, &desc);
	return (broker_enum_result(br, rc, desc, r, st));
}

static CMPIEnumeration *
broker_associators(const CMPIBroker *mb, const CMPIContext *ctx,
    const CMPIObjectPath *op, const char *assoc, const char *result,
    const char *role, const char *rrole, const char **props, CMPIStatus *st)
{
	return (broker_assoc(mb, ctx, op, DISPATCH_ASSOCIATORS, assoc, result,
	    role, rrole, props, st));
}

static CMPIEnumeration *
broker_associator_names(const CMPIBroker *mb, const CMPIContext *ctx,
    const CMPIObjectPath *op, const char *assoc, const char *result,
    const char *role, const char *rrole, CMPIStatus *st)
{
	return (broker_assoc(mb, ctx, op, DISPATCH_ASSOCNAMES, assoc, result,
	    role, rrole, NULL, st));
}

static CMPIEnumeration *
broker_references(const CMPIBroker *mb, const CMPIContext *ctx,
    const CMPIObjectPath *op, const char *result, const char *role,
    const char **props, CMPIStatus *st)
{
	return (broker_assoc(mb, ctx, op, DISPATCH_REFERENCES, NULL, result,
	    role, NULL, props, st));
}

static CMPIEnumeration *
broker_reference_names(const CMPIBroker *mb, const CMPIContext *ctx,
    const CMPIObjectPath *op, const char *result, const char *role,
    CMPIStatus *st)
{
	return (broker_assoc(mb, ctx, op, DISPATCH_REFNAMES, NULL, result,
	    role, NULL, NULL, st));
}

static CMPIData
broker_invoke(const CMPIBroker *mb, const CMPIContext *ctx,
    const CMPIObjectPath *op, const char *method, const CMPIArgs *in,
    CMPIArgs *out, CMPIStatus *st)
{
	struct broker	*br = broker_of(mb);
	CMPIResult	*r = cmpi_result_new(br);
	CMPIArgs	*empty = NULL;
	CMPIData	*v, d;
	char		*desc = NULL;
	size_t		 n;
	CMPIrc		 rc;

	if (in == NULL)
		in = empty = cmpi_args_new(br);
	if (out == NULL)
		out = cmpi_args_new(br);
	rc = dispatch_invoke(br, ctx, op, method, in, out, r, &desc);
	v = cmpi_result_items(r, &n);
	d = rc == CMPI_RC_OK && n > 0 ? v[0] : cmpivalue_notfound();
	broker_set_rc(br, st, rc, desc);
	(void)empty;
	return (d);
}

static CMPIStatus
broker_set_property(const CMPIBroker *mb, const CMPIContext *ctx,
    const CMPIObjectPath *op, const char *name, const CMPIValue *v,
    CMPIType t)
{
	return (cmpiobj_status(CMPI_RC_ERR_NOT_SUPPORTED));
}

/* GetProperty is a GetInstance limited to the one property (§3.9). */
static CMPIData
broker_get_property(const CMPIBroker *mb, const CMPIContext *ctx,
    const CMPIObjectPath *op, const char *name, CMPIStatus *st)
{
	const char	*props[2] = { name, NULL };
	CMPIInstance	*i;

	if ((i = broker_get_instance(mb, ctx, op, props, st)) == NULL)
		return (cmpivalue_notfound());
	return (i->ft->getProperty(i, name, st));
}

/* The filtered forms accept no filter: with one they are refused (1). */
static int
broker_filtered(const char *query, CMPIStatus *st)
{
	if (query != NULL && *query != '\0') {
		cmpiobj_rc(st, CMPI_RC_ERR_QUERY_LANGUAGE_NOT_SUPPORTED);
		return (1);
	}
	return (0);
}

static CMPIEnumeration *
broker_enum_instances_f(const CMPIBroker *mb, const CMPIContext *ctx,
    const CMPIObjectPath *op, const char **props, const char *lang,
    const char *query, CMPIStatus *st)
{
	if (broker_filtered(query, st))
		return (NULL);
	return (broker_enum_instances(mb, ctx, op, props, st));
}

static CMPIEnumeration *
broker_associators_f(const CMPIBroker *mb, const CMPIContext *ctx,
    const CMPIObjectPath *op, const char *assoc, const char *result,
    const char *role, const char *rrole, const char **props,
    const char *lang, const char *query, CMPIStatus *st)
{
	if (broker_filtered(query, st))
		return (NULL);
	return (broker_associators(mb, ctx, op, assoc, result, role, rrole,
	    props, st));
}

static CMPIEnumeration *
broker_references_f(const CMPIBroker *mb, const CMPIContext *ctx,
    const CMPIObjectPath *op, const char *result, const char *role,
    const char **props, const char *lang, const char *query, CMPIStatus *st)
{
	if (broker_filtered(query, st))
		return (NULL);
	return (broker_references(mb, ctx, op, result, role, props, st));
}

static CMPIInstance *
broker_new_instance(const CMPIBroker *mb, const CMPIObjectPath *op,
    CMPIStatus *st)
{
	if (op == NULL) {
		cmpiobj_rc(st, CMPI_RC_ERR_INVALID_PARAMETER);
		return (NULL);
	}
	cmpiobj_rc(st, CMPI_RC_OK);
	return (cmpi_instance_new(broker_of(mb), op));
}

static CMPIObjectPath *
broker_new_objectpath(const CMPIBroker *mb, const char *ns, const char *cn,
    CMPIStatus *st)
{
	cmpiobj_rc(st, CMPI_RC_OK);
	return (cmpi_objectpath_new(broker_of(mb), ns, cn));
}

static CMPIArgs *
broker_new_args(const CMPIBroker *mb, CMPIStatus *st)
{
	cmpiobj_rc(st, CMPI_RC_OK);
	return (cmpi_args_new(broker_of(mb)));
}

static CMPIString *
broker_new_string(const CMPIBroker *mb, const char *s, CMPIStatus *st)
{
	cmpiobj_rc(st, CMPI_RC_OK);
	return (cmpi_string_new(broker_of(mb), s));
}

static CMPIArray *
broker_new_array(const CMPIBroker *mb, CMPICount n, CMPIType t,
    CMPIStatus *st)
{
	CMPIArray	*a = cmpi_array_new(broker_of(mb), n, t);

	cmpiobj_rc(st, a != NULL ? CMPI_RC_OK :
	    CMPI_RC_ERR_SERVER_LIMITS_EXCEEDED);
	return (a);
}

static CMPIDateTime *
broker_new_datetime(const CMPIBroker *mb, CMPIStatus *st)
{
	cmpiobj_rc(st, CMPI_RC_OK);
	return (cmpi_datetime_now(broker_of(mb)));
}

static CMPIDateTime *
broker_new_datetime_bin(const CMPIBroker *mb, CMPIUint64 us,
    CMPIBoolean interval, CMPIStatus *st)
{
	cmpiobj_rc(st, CMPI_RC_OK);
	return (cmpi_datetime_new(broker_of(mb), us, interval));
}

static CMPIDateTime *
broker_new_datetime_chars(const CMPIBroker *mb, const char *s,
    CMPIStatus *st)
{
	CMPIDateTime	*d = cmpi_datetime_parse(broker_of(mb), s);

	cmpiobj_rc(st, d != NULL ? CMPI_RC_OK : CMPI_RC_ERR_INVALID_PARAMETER);
	return (d);
}

static CMPISelectExp *
broker_new_selectexp(const CMPIBroker *mb, const char *q, const char *lang,
    CMPIArray **proj, CMPIStatus *st)
{
	cmpiobj_rc(st, CMPI_RC_ERR_QUERY_LANGUAGE_NOT_SUPPORTED);
	return (NULL);
}

static CMPIBoolean
broker_classpath_isa(const CMPIBroker *mb, const CMPIObjectPath *op,
    const char *cn, CMPIStatus *st)
{
	struct broker		*br = broker_of(mb);
	const struct repo_ns	*ns;

	if (op == NULL || cn == NULL) {
		cmpiobj_rc(st, CMPI_RC_ERR_INVALID_PARAMETER);
		return (0);
	}
	cmpiobj_rc(st, CMPI_RC_OK);
	ns = repository_ns(br->b_repo, cmpi_objectpath_ns(op), 0);
	if (ns == NULL)
		return (strcasecmp(cmpi_objectpath_class(op), cn) == 0);
	return (repository_is_a(ns, cmpi_objectpath_class(op), cn));
}

static CMPIString *
broker_tostring(const CMPIBroker *mb, const void *obj, CMPIStatus *st)
{
	const char	*type;
	CMPIString	*s;
	char		*t;

	if (obj == NULL) {
		cmpiobj_rc(st, CMPI_RC_ERR_INVALID_PARAMETER);
		return (NULL);
	}
	s = broker_gettype(mb, obj, st);
	type = cmpi_string_chars(s);
	if (strcmp(type, "CMPIObjectPath") == 0) {
		t = cmpi_objectpath_string(obj);
		s = cmpi_string_new(broker_of(mb), t);
		free(t);
		return (s);
	}
	if (strcmp(type, "CMPIString") == 0)
		return (cmpi_string_new(broker_of(mb),
		    cmpi_string_chars(obj)));
	if (strcmp(type, "CMPIInstance") == 0) {
		xasprintf(&t, "instance of %s", cmpi_instance_class(obj));
		s = cmpi_string_new(broker_of(mb), t);
		free(t);
		return (s);
	}
	return (s);
}

static CMPIBoolean
broker_isoftype(const CMPIBroker *mb, const void *obj, const char *type,
    CMPIStatus *st)
{
	CMPIString	*s = broker_gettype(mb, obj, st);

	return (s != NULL && type != NULL &&
	    strcmp(cmpi_string_chars(s), type) == 0);
}

static CMPIString *
broker_gettype(const CMPIBroker *mb, const void *obj, CMPIStatus *st)
{
	struct broker		*br = broker_of(mb);
	const struct cmpiobj	*o = obj;
	const char		*name = "unknown";
	struct {
		const char	*n;
		void		*probe;
	} probes[] = {
		{ "CMPIString", NULL }, { "CMPIObjectPath", NULL },
		{ "CMPIInstance", NULL }, { "CMPIArgs", NULL },
		{ "CMPIArray", NULL }, { "CMPIDateTime", NULL },
		{ "CMPIContext", NULL }, { "CMPIResult", NULL },
		{ "CMPIError", NULL },
	};
	CMPIObjectPath		*op;
	size_t			 i;

	if (o == NULL) {
		cmpiobj_rc(st, CMPI_RC_ERR_INVALID_PARAMETER);
		return (NULL);
	}
	/* A probe object of every type tells the tables apart. */
	op = cmpi_objectpath_new(br, "", "");
	probes[0].probe = cmpi_string_new(br, "");
	probes[1].probe = op;
	probes[2].probe = cmpi_instance_new(br, op);
	probes[3].probe = cmpi_args_new(br);
	probes[4].probe = cmpi_array_new(br, 0, CMPI_uint8);
	probes[5].probe = cmpi_datetime_new(br, 0, 0);
	probes[6].probe = cmpi_context_new(br);
	probes[7].probe = cmpi_result_new(br);
	probes[8].probe = cmpi_error_new(br, "", "", "", 0, 0, 0);
	for (i = 0; i < sizeof probes / sizeof probes[0]; i++) {
		if (((const struct cmpiobj *)probes[i].probe)->co_pub.ft ==
		    o->co_pub.ft)
			name = probes[i].n;
	}
	for (i = 0; i < sizeof probes / sizeof probes[0]; i++)
		cmpiobj_release(probes[i].probe);
	cmpiobj_rc(st, CMPI_RC_OK);
	return (cmpi_string_new(br, name));
}

/* "$0", "$1"... in the default message take the (type, value) pairs. */
static CMPIString *
broker_format_message(const CMPIBroker *mb, const char *def, CMPICount n,
    va_list ap)
{
	char		 args[10][64], *out, *o;
	const char	*p;
	CMPICount	 i;
	CMPIType	 t;
	size_t		 len = 0, cap;
	CMPIString	*s;

	memset(args, 0, sizeof args);
	for (i = 0; i < n && i < 10; i++) {
		t = (CMPIType)va_arg(ap, int);
		switch (t) {
		case CMPI_chars:
		case CMPI_string:
			if (t == CMPI_chars)
				snprintf(args[i], 64, "%s", va_arg(ap, char *));
			else
				snprintf(args[i], 64, "%s", cmpi_string_chars(
				    va_arg(ap, CMPIString *)));
			break;
		case CMPI_sint32:
		case CMPI_sint16:
		case CMPI_sint8:
			snprintf(args[i], 64, "%d", va_arg(ap, int));
			break;
		case CMPI_uint32:
		case CMPI_uint16:
		case CMPI_uint8:
			snprintf(args[i], 64, "%u", va_arg(ap, unsigned int));
			break;
		case CMPI_sint64:
			snprintf(args[i], 64, "%lld", va_arg(ap, long long));
			break;
		case CMPI_uint64:
			snprintf(args[i], 64, "%llu",
			    va_arg(ap, unsigned long long));
			break;
		case CMPI_real32:
		case CMPI_real64:
			snprintf(args[i], 64, "%g", va_arg(ap, double));
			break;
		case CMPI_boolean:
			snprintf(args[i], 64, "%s", va_arg(ap, int) ?
			    "true" : "false");
			break;
		default:
			(void)va_arg(ap, void *);
		}
	}
	cap = strlen(def != NULL ? def : "") + 10 * 64 + 1;
	o = out = xmalloc(cap);
	for (p = def != NULL ? def : ""; *p != '\0'; p++) {
		if (p[0] == '$' && p[1] >= '0' && p[1] <= '9') {
			len = strlen(args[p[1] - '0']);
			memcpy(o, args[p[1] - '0'], len);
			o += len;
			p++;
		} else
			*o++ = *p;
	}
	*o = '\0';
	s = cmpi_string_new(broker_of(mb), out);
	free(out);
	return (s);
}

/* No message catalogs: the default message, with its inserts. */
static CMPIString *
broker_getmessage(const CMPIBroker *mb, const char *id, const char *def,
    CMPIStatus *st, CMPICount n, ...)
{
	CMPIString	*s;
	va_list		 ap;

	va_start(ap, n);
	s = broker_format_message(mb, def, n, ap);
	va_end(ap);
	cmpiobj_rc(st, CMPI_RC_OK);
	return (s);
}

static CMPIStatus
broker_logmessage(const CMPIBroker *mb, int sev, const char *id,
    const char *text, const CMPIString *s)
{
	const char	*msg = text != NULL ? text : cmpi_string_chars(s);

	if (msg == NULL)
		return (cmpiobj_status(CMPI_RC_ERR_INVALID_PARAMETER));
	switch (sev) {
	case CMPI_SEV_ERROR:
	case CMPI_SEV_WARNING:
		log_warnx("provider %s: %s", id != NULL ? id : "?", msg);
		break;
	case CMPI_DEV_DEBUG:
		log_debug("provider %s: %s", id != NULL ? id : "?", msg);
		break;
	default:
		log_info("provider %s: %s", id != NULL ? id : "?", msg);
	}
	return (cmpiobj_status(CMPI_RC_OK));
}

static CMPIStatus
broker_trace(const CMPIBroker *mb, CMPILevel level, const char *comp,
    const char *text, const CMPIString *s)
{
	const char	*msg = text != NULL ? text : cmpi_string_chars(s);

	if (msg == NULL)
		return (cmpiobj_status(CMPI_RC_ERR_INVALID_PARAMETER));
	log_debug("trace %s: %s", comp != NULL ? comp : "?", msg);
	return (cmpiobj_status(CMPI_RC_OK));
}

static CMPIError *
broker_new_error(const CMPIBroker *mb, const char *owner, const char *msgid,
    const char *msg, const CMPIErrorSeverity sev,
    const CMPIErrorProbableCause cause, const CMPIrc code, CMPIStatus *st)
{
	cmpiobj_rc(st, CMPI_RC_OK);
	return (cmpi_error_new(broker_of(mb), owner, msgid, msg, sev, cause,
	    code));
}

/* Message files are not read; a handle that only means "defaults". */
static CMPIStatus
broker_open_msgfile(const CMPIBroker *mb, const char *file,
    CMPIMsgFileHandle *h)
{
	if (h == NULL)
		return (cmpiobj_status(CMPI_RC_ERR_INVALID_PARAMETER));
	*h = (CMPIMsgFileHandle)broker_of(mb);
	return (cmpiobj_status(CMPI_RC_OK));
}

static CMPIStatus
broker_close_msgfile(const CMPIBroker *mb, const CMPIMsgFileHandle h)
{
	return (cmpiobj_status(h == (CMPIMsgFileHandle)broker_of(mb) ?
	    CMPI_RC_OK : CMPI_RC_ERR_INVALID_HANDLE));
}

static CMPIString *
broker_getmessage2(const CMPIBroker *mb, const char *id,
    const CMPIMsgFileHandle h, const char *def, CMPIStatus *st,
    CMPICount n, ...)
{
	CMPIString	*s;
	va_list		 ap;

	va_start(ap, n);
	s = broker_format_message(mb, def, n, ap);
	va_end(ap);
	cmpiobj_rc(st, CMPI_RC_OK);
	return (s);
}

static CMPIPropertyList *
broker_new_proplist(const CMPIBroker *mb, const char **props, CMPIStatus *st)
{
	cmpiobj_rc(st, props != NULL ? CMPI_RC_OK :
	    CMPI_RC_ERR_INVALID_PARAMETER);
	return (cmpi_proplist_new(broker_of(mb), props));
}

static CMPIString *
broker_new_string_cp(const CMPIBroker *mb, const char *s, CMPICodepageID cp,
    CMPIStatus *st)
{
	if (cp != CMPI_CPID_SYSTEM && cp != CMPI_CPID_USASCII) {
		cmpiobj_rc(st, CMPI_RC_ERR_NOT_SUPPORTED);
		return (NULL);
	}
	cmpiobj_rc(st, CMPI_RC_OK);
	return (cmpi_string_new(broker_of(mb), s));
}

static CMPIEnumerationFilter *
broker_new_filter(const CMPIBroker *mb, const char *lang, const char *q,
    CMPIStatus *st)
{
	cmpiobj_rc(st, CMPI_RC_ERR_QUERY_LANGUAGE_NOT_SUPPORTED);
	return (NULL);
}

static char *
broker_resolve(const char *name)
{
	char	*path;
	size_t	 i;

	if (name == NULL || strchr(name, '/') != NULL)
		return (NULL);
	for (i = 0; broker_dirs != NULL && broker_dirs[i] != NULL; i++) {
		xasprintf(&path, "%s/lib%s.so", broker_dirs[i], name);
		if (access(path, R_OK) == 0)
			return (path);
		free(path);
	}
	xasprintf(&path, "lib%s.so", name);
	return (path);
}

static CMPI_THREAD_TYPE
broker_new_thread(CMPIThreadFunc fn, void *arg, int detached)
{
	pthread_t	*t = xmalloc(sizeof *t);

	if (pthread_create(t, NULL, fn, arg) != 0) {
		free(t);
		return (NULL);
	}
	if (detached) {
		pthread_detach(*t);
		free(t);
		/* A detached thread has no handle to join; non-NULL says
		 * it started. */
		return ((CMPI_THREAD_TYPE)1);
	}
	return (t);
}

static int
broker_join_thread(CMPI_THREAD_TYPE t, CMPI_THREAD_RETURN *ret)
{
	pthread_t	*p = t;
	int		 rc;

	if (p == NULL || p == (CMPI_THREAD_TYPE)1)
		return (EINVAL);
	rc = pthread_join(*p, ret);
	free(p);
	return (rc);
}

static int
broker_exit_thread(CMPI_THREAD_RETURN ret)
{
	pthread_exit(ret);
}

static int
broker_cancel_thread(CMPI_THREAD_TYPE t)
{
	pthread_t	*p = t;

	if (p == NULL || p == (CMPI_THREAD_TYPE)1)
		return (EINVAL);
	return (pthread_cancel(*p));
}

static int
broker_sleep(CMPIUint32 ms)
{
	struct timespec	ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
	return (0);
}

/* CMPI's once flag is an int; a mutex makes the first caller win. */
static int
broker_once(int *once, CMPIThreadOnceFunc fn)
{
	static pthread_mutex_t	lock = PTHREAD_MUTEX_INITIALIZER;

	pthread_mutex_lock(&lock);
	if (*once == 0) {
		*once = 1;
		fn();
	}
	pthread_mutex_unlock(&lock);
	return (0);
}

static int
broker_create_key(CMPI_THREAD_KEY_TYPE *key, CMPIThreadKeyCleanupFunc fn)
{
	pthread_key_t	k;
	int		rc;

	if ((rc = pthread_key_create(&k, fn)) == 0)
		memcpy(key, &(unsigned int){ (unsigned int)k },
		    sizeof(unsigned int));
	return (rc);
}

static int
broker_destroy_key(CMPI_THREAD_KEY_TYPE key)
{
	return (pthread_key_delete((pthread_key_t)key));
}

static void *
broker_get_specific(CMPI_THREAD_KEY_TYPE key)
{
	return (pthread_getspecific((pthread_key_t)key));
}

static int
broker_set_specific(CMPI_THREAD_KEY_TYPE key, void *v)
{
	return (pthread_setspecific((pthread_key_t)key, v));
}

/* Recursive: providers re-enter through up-calls on one thread. */
static CMPI_MUTEX_TYPE
broker_new_mutex(int opt)
{
	pthread_mutex_t		*m = xmalloc(sizeof *m);
	pthread_mutexattr_t	 a;

	pthread_mutexattr_init(&a);
	pthread_mutexattr_settype(&a, PTHREAD_MUTEX_RECURSIVE);
	pthread_mutex_init(m, &a);
	pthread_mutexattr_destroy(&a);
	return (m);
}

static int
broker_destroy_mutex2(CMPI_MUTEX_TYPE m)
{
	int	rc;

	if (m == NULL)
		return (EINVAL);
	rc = pthread_mutex_destroy(m);
	free(m);
	return (rc);
}

static void
broker_destroy_mutex(CMPI_MUTEX_TYPE m)
{
	(void)broker_destroy_mutex2(m);
}

static int
broker_lock_mutex2(CMPI_MUTEX_TYPE m)
{
	return (m == NULL ? EINVAL : pthread_mutex_lock(m));
}

static void
broker_lock_mutex(CMPI_MUTEX_TYPE m)
{
	(void)broker_lock_mutex2(m);
}

static int
broker_unlock_mutex2(CMPI_MUTEX_TYPE m)
{
	return (m == NULL ? EINVAL : pthread_mutex_unlock(m));
}

static void
broker_unlock_mutex(CMPI_MUTEX_TYPE m)
{
	(void)broker_unlock_mutex2(m);
}

static CMPI_COND_TYPE
broker_new_cond(int opt)
{
	pthread_cond_t	*c = xmalloc(sizeof *c);

	pthread_cond_init(c, NULL);
	return (c);
}

static int
broker_destroy_cond2(CMPI_COND_TYPE c)
{
	int	rc;

	if (c == NULL)
		return (EINVAL);
	rc = pthread_cond_destroy(c);
	free(c);
	return (rc);
}

static void
broker_destroy_cond(CMPI_COND_TYPE c)
{
	(void)broker_destroy_cond2(c);
}

static int
broker_cond_wait(CMPI_COND_TYPE c, CMPI_MUTEX_TYPE m)
{
	return (pthread_cond_wait(c, m));
}

static int
broker_timed_wait(CMPI_COND_TYPE c, CMPI_MUTEX_TYPE m, struct timespec *ts)
{
	return (pthread_cond_timedwait(c, m, ts));
}

static int
broker_signal_cond(CMPI_COND_TYPE c)
{
	return (pthread_cond_signal(c));
}

/* The arena already frees call objects; mark/release bracket nothing. */
static CMPIGcStat *
broker_mark(const CMPIBroker *mb, CMPIStatus *st)
{
	cmpiobj_rc(st, CMPI_RC_OK);
	return (broker_of(mb));
}

static CMPIStatus
broker_release(const CMPIBroker *mb, const CMPIGcStat *gc)
{
	return (cmpiobj_status(gc == broker_of(mb) ? CMPI_RC_OK :
	    CMPI_RC_ERR_INVALID_HANDLE));
}

static void *
broker_malloc(const CMPIBroker *mb, size_t n)
{
	return (xmalloc(n != 0 ? n : 1));
}

static void *
broker_calloc(const CMPIBroker *mb, size_t n, size_t s)
{
	return (xcalloc(n != 0 ? n : 1, s != 0 ? s : 1));
}

static void *
broker_realloc(const CMPIBroker *mb, void *p, size_t n)
{
	return (xrealloc(p, n != 0 ? n : 1));
}

static char *
broker_strdup(const CMPIBroker *mb, const char *s)
{
	return (s != NULL ? xstrdup(s) : NULL);
}

static void
broker_free_mem(const CMPIBroker *mb, void *p)
{
	free(p);
}

static void
broker_free_obj(const CMPIBroker *mb, void *o)
{
	if (o != NULL)
		cmpiobj_release(o);
}

static void
broker_free_instance(const CMPIBroker *mb, CMPIInstance *o)
{
	broker_free_obj(mb, o);
}

static void
broker_free_objectpath(const CMPIBroker *mb, CMPIObjectPath *o)
{
	broker_free_obj(mb, o);
}

static void
broker_free_args(const CMPIBroker *mb, CMPIArgs *o)
{
	broker_free_obj(mb, o);
}

static void
broker_free_string(const CMPIBroker *mb, CMPIString *o)
{
	broker_free_obj(mb, o);
}

static void
broker_free_array(const CMPIBroker *mb, CMPIArray *o)
{
	broker_free_obj(mb, o);
}

static void
broker_free_datetime(const CMPIBroker *mb, CMPIDateTime *o)
{
	broker_free_obj(mb, o);
}

static void
broker_free_selectexp(const CMPIBroker *mb, CMPISelectExp *o)
{
	broker_free_obj(mb, o);
}

static void
broker_free_chars(const CMPIBroker *mb, char *p)
{
	free(p);
}
