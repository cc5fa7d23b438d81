/* SPDX-License-Identifier: ISC */
/*
 * cimom: the CIM object manager daemon.  The context every part of the
 * daemon reaches through (no globals), and the parts' entry points.
 */
#ifndef VIREO_CIMOM_H
#define VIREO_CIMOM_H

#include <stddef.h>

struct account;
struct cimhttp;
struct daemon;
struct event_base;
struct provlink;
struct repository;

#define CIMOM_HTTPS_PORT	5989
#define CIMOM_HTTP_PORT		5988
#define CIMOM_BACKLOG		128
#define CIMOM_MAX_CONNS		256
#define CIMOM_IDLE_TIMEOUT	60	/* s; SFCB keeps 15 */
#define CIMOM_MAX_HEADERS	(16 * 1024)
#define CIMOM_MAX_DIRS		16

struct cimom {
	struct daemon		*c_daemon;
	int			 c_port_arg;	/* -p, -1: default */
	int			 c_http_port_arg; /* -P, -1: off */
	char			*c_schemadir;
	char			*c_provdirs[CIMOM_MAX_DIRS + 1];
	int			 c_nprovdirs;
	char			*c_provhost;	/* the helper's path */
	char			 c_hostname[256];
	char			*c_certpath;
	char			*c_keypath;
	char			*c_portpath;
	struct repository	*c_repo;
	struct account		*c_account;
	struct provlink		*c_link;
	struct cimhttp		*c_http;
};

struct cimom	*cimom_create(struct daemon *);
void		 cimom_free(struct cimom *);
/* Before the fork: schema, registrations, TLS identity, sockets. */
int		 cimom_open(struct cimom *, char **cause);
/* After it: listeners on base, the port file, the provider host link. */
int		 cimom_start(struct cimom *, struct event_base *, char **);
void		 cimom_shutdown(struct cimom *);

/* cimhttp.c: HTTPS, the Unix socket and optional plain HTTP. */
struct cimhttp	*cimhttp_create(struct cimom *);
void		 cimhttp_free(struct cimhttp *);
int		 cimhttp_open(struct cimhttp *, int port, int http_port,
		    char **cause);
int		 cimhttp_start(struct cimhttp *, struct event_base *,
		    char **cause);
int		 cimhttp_port(const struct cimhttp *);

#endif
