/* SPDX-License-Identifier: ISC */
/*
 * The CMPI broker of the provider host: the broker function tables, the
 * encapsulated types providers see, and the bookkeeping behind them.
 *
 * Every encapsulated object starts with struct cmpiobj, whose first
 * member has the {hdl, ft} layout of the CMPI type, so the CMPI pointer
 * and ours are the same address.  hdl is never NULL (2.0 providers test
 * CMIsNullObject by reading it) and for CMPIString it is the text itself
 * (2.0 CMGetCharPtr reads it directly).
 *
 * Ownership (cim.md §3.10): an object created on the thread that runs an
 * MI call, while the call runs, belongs to the call's arena and is freed
 * when the call returns; release() on it does nothing.  Clones and
 * objects made outside a call belong to whoever made them.  Values
 * stored in a container are deep copies the container owns.
 */
#ifndef VIREO_CIMOM_BROKER_H
#define VIREO_CIMOM_BROKER_H

#include <pthread.h>
#include <stddef.h>

#include "cmpi/cmpidt.h"
#include "cmpi/cmpift.h"

struct repository;
struct provider;

struct cmpiobj {
	struct {
		void		*hdl;
		const void	*ft;
	}		 co_pub;
	struct broker	*co_br;
	struct cmpiobj	*co_next;	/* arena chain */
	struct cmpiobj	*co_prev;
	int		 co_tracked;
	void		(*co_free)(struct cmpiobj *);
};

struct broker {
	CMPIBroker		 b_cmpi;
	struct repository	*b_repo;
	struct provider		*b_prov;	/* registrations, loaded MIs */
	const char		*b_host;	/* for returned paths */
	struct cmpiobj		*b_arena;
	int			 b_depth;	/* nested MI calls (up-calls) */
	pthread_t		 b_thread;	/* the thread running them */
	pthread_mutex_t		 b_lock;
};

/* A name/value list: instances, keys, args, context entries. */
struct cmpivalue_entry {
	char		*ve_name;
	CMPIData	 ve_data;
	char		*ve_origin;
};
struct cmpivalue_list {
	struct cmpivalue_entry	*vl_v;
	size_t			 vl_n;
};

struct broker	*broker_create(struct repository *, struct provider *,
		    const char *host);
void		 broker_free(struct broker *);
/* Bracket an MI call made by the broker. */
void		 broker_call_begin(struct broker *);
void		 broker_call_end(struct broker *);
struct broker	*broker_of(const CMPIBroker *);

void		 cmpiobj_init(struct cmpiobj *, struct broker *,
		    const void *ft, void (*)(struct cmpiobj *));
CMPIStatus	 cmpiobj_release(struct cmpiobj *);
/* Take obj out of the arena: its creator (a container, a clone's
 * caller) now owns it. */
void		*cmpiobj_own(void *obj);
CMPIStatus	 cmpiobj_status(CMPIrc);
void		 cmpiobj_rc(CMPIStatus *, CMPIrc);

/* Values (cmpivalue.c). */
int		 cmpivalue_copy(struct broker *, CMPIData *,
		    const CMPIValue *, CMPIType);
int		 cmpivalue_dup(struct broker *, CMPIData *, const CMPIData *);
void		 cmpivalue_free(CMPIData *);
CMPIData	 cmpivalue_notfound(void);
struct cmpivalue_entry *cmpivalue_find(const struct cmpivalue_list *,
		    const char *);
CMPIrc		 cmpivalue_set(struct broker *, struct cmpivalue_list *,
		    const char *, const CMPIValue *, CMPIType, CMPIValueState);
void		 cmpivalue_list_free(struct cmpivalue_list *);
void		 cmpivalue_list_copy(struct broker *, struct cmpivalue_list *,
		    const struct cmpivalue_list *);
int		 cmpivalue_is_simple(CMPIType);
CMPIData	 cmpivalue_get(const struct cmpivalue_list *, const char *,
		    CMPIrc notfound, CMPIStatus *);
CMPIData	 cmpivalue_getat(struct broker *, const struct cmpivalue_list *,
		    CMPICount, CMPIString **, CMPIrc notfound, CMPIStatus *);

/* Constructors and internals of the encapsulated types. */
CMPIString	*cmpi_string_new(struct broker *, const char *);
const char	*cmpi_string_chars(const CMPIString *);

CMPIArray	*cmpi_array_new(struct broker *, CMPICount, CMPIType);

CMPIObjectPath	*cmpi_objectpath_new(struct broker *, const char *ns,
		    const char *cn);
const char	*cmpi_objectpath_ns(const CMPIObjectPath *);
const char	*cmpi_objectpath_host(const CMPIObjectPath *);
const char	*cmpi_objectpath_class(const CMPIObjectPath *);
struct cmpivalue_list *cmpi_objectpath_keys(const CMPIObjectPath *);
char		*cmpi_objectpath_string(const CMPIObjectPath *);

CMPIInstance	*cmpi_instance_new(struct broker *, const CMPIObjectPath *);
struct cmpivalue_list *cmpi_instance_props(const CMPIInstance *);
const char	*cmpi_instance_class(const CMPIInstance *);
const char	*cmpi_instance_ns(const CMPIInstance *);
/* The instance's path: the one set, else built from key properties. */
CMPIObjectPath	*cmpi_instance_path(const CMPIInstance *);
char *const	*cmpi_instance_filter(const CMPIInstance *);

CMPIArgs	*cmpi_args_new(struct broker *);
struct cmpivalue_list *cmpi_args_list(const CMPIArgs *);

CMPIContext	*cmpi_context_new(struct broker *);
struct cmpivalue_list *cmpi_context_list(const CMPIContext *);

CMPIDateTime	*cmpi_datetime_new(struct broker *, CMPIUint64, int interval);
CMPIDateTime	*cmpi_datetime_parse(struct broker *, const char *);
CMPIDateTime	*cmpi_datetime_now(struct broker *);
void		 cmpi_datetime_format(const CMPIDateTime *, char buf[26]);

/* A result collects what a provider returns. */
CMPIResult	*cmpi_result_new(struct broker *);
CMPIData	*cmpi_result_items(const CMPIResult *, size_t *n);
CMPIrc		 cmpi_result_error(const CMPIResult *, char **desc);

CMPIEnumeration	*cmpi_enumeration_new(struct broker *, const CMPIResult *);

CMPIError	*cmpi_error_new(struct broker *, const char *owner,
		    const char *msgid, const char *msg, CMPIErrorSeverity,
		    CMPIErrorProbableCause, CMPIrc);
CMPIPropertyList *cmpi_proplist_new(struct broker *, const char **);

#endif
