/* SPDX-License-Identifier: ISC */
/*
 * cimom's link to its provider host (provhost.c): started on first use,
 * fed one request at a time, restarted when it dies.  A request that was
 * running when the host died (a provider crashed) completes with code -1
 * (the caller answers CIM_ERR_FAILED); requests queued behind it go to
 * the next host.  A request running longer than PROVLINK_TIMEOUT seconds
 * kills the host the same way.
 */
#ifndef VIREO_CIMOM_PROVLINK_H
#define VIREO_CIMOM_PROVLINK_H

#include <stddef.h>

struct event_base;
struct provlink;
struct provlink_call;

#define PROVLINK_TIMEOUT	60

/* code: the CIM status of the response, or -1 (host failed, no xml). */
typedef void (*provlink_cb)(void *arg, int code, const char *xml,
    size_t len);

/* argv: the host's command line (copied; argv[0] is the program). */
struct provlink	*provlink_create(struct event_base *, char *const *argv);
void		 provlink_free(struct provlink *);
struct provlink_call *provlink_call(struct provlink *, const char *principal,
		    const char *body, size_t len, provlink_cb, void *arg);
/* The caller lost interest (client gone): no callback will come. */
void		 provlink_cancel(struct provlink_call *);
/* The host's pid, 0 when none runs. */
int		 provlink_pid(const struct provlink *);

#endif
