/* SPDX-License-Identifier: ISC */
/*
 * rcli, the administration CLI of a Vireo (or ESXi) host.  It speaks only
 * the public VI API: SOAP over HTTPS (or plain HTTP over hostd's Unix
 * socket) and the /folder file URLs, through lib/viclient.c (transport),
 * lib/vireply.c (responses) and lib/viprops.c (property reads).  This
 * header is the one interface between its files:
 *
 *	main.c		options, the noun dispatch table, connecting
 *	args.c		command-line options of one command
 *	conn.c		opening the connection: saved session, password prompt
 *	session.c	the saved session file (cookie only, mode 0600)
 *	task.c		waiting for a Task, progress bar
 *	prompt.c	reading a password from the terminal
 *	table.c		output: table, json, csv, xml
 *	cmd-*.c		one noun each (vm, host, datastore, ...)
 *
 * Exit status: 0 success, 1 an API fault or a connection failure (the
 * fault name and message on stderr), 2 a usage error.
 */
#ifndef RCLI_H
#define RCLI_H

#include <stddef.h>
#include <stdio.h>

#include <libxml/tree.h>

#include "buf.h"
#include "viclient.h"
#include "viprops.h"
#include "vireply.h"

#define RCLI_EXIT_OK		0
#define RCLI_EXIT_FAULT		1
#define RCLI_EXIT_USAGE		2

/* args.c: the options and operands of one command. */
struct args {
	int		 a_argc;
	char		**a_argv;
	const char	*a_prog;	/* "vm create": for messages */
};

/*
 * Remove "--name VALUE" or "--name=VALUE" from args and set *value (a
 * borrowed string).  0 found, 1 absent, -1 missing value (usage message
 * printed).
 */
int		 args_opt(struct args *, const char *, const char **);
/* Remove "--name"; 1 if it was there. */
int		 args_flag(struct args *, const char *);
/* The next operand (removed), or NULL.  Call after taking the options. */
const char	*args_next(struct args *);
/* 0 when nothing is left, else a usage message and -1. */
int		 args_done(struct args *);
/* Print "rcli: <prog>: <message>" and a hint; returns RCLI_EXIT_USAGE. */
int		 args_usage(const struct args *, const char *, ...)
		     __attribute__((format(printf, 2, 3)));
/* Parse a non-negative integer option value; -1 (message) when bad. */
int		 args_ulong(const struct args *, const char *, const char *,
		     unsigned long long *);

/* conn.c: rcli's connection (lib/viclient.c) to the host. */
struct conn_opts {
	const char	*co_server;	/* host[:port] */
	const char	*co_unix;	/* Unix socket path, or NULL */
	const char	*co_user;
	const char	*co_password;	/* NULL: saved session or prompt */
	const char	*co_thumbprint;	/* SHA-1 "AB:CD:..", pinned */
	const char	*co_cacert;
	int		 co_nosession;	/* do not use a saved session */
	int		 co_sessiononly; /* only the saved session */
	int		 co_nologin;	/* connect only: the caller logs in
					 * with viclient_login (dcui) */
};

/*
 * Connect and authenticate: the password when given, else the saved
 * session's cookie, else a password read from the tty without echo.
 * NULL with the reason printed on stderr.  Free with viclient_free (which
 * logs out unless the session is saved).
 */
struct viclient	*conn_open(const struct conn_opts *);
/* Keep the session at close, and write it to the session file. */
int		 conn_save_session(struct viclient *);
/* Log out and remove the session file. */
int		 conn_logout(struct viclient *);
/* Print "rcli: Fault: message" for the last error; RCLI_EXIT_FAULT. */
int		 conn_perror(struct viclient *);

/* prompt.c: a line from /dev/tty without echo (caller wipes, frees);
 * NULL without a terminal. */
char		*prompt_secret(const char *);

/* session.c: the saved session of one server. */
struct session {
	char		*s_cookie;
	char		*s_user;
	char		*s_thumbprint;
};

char		*session_path(const char *);
int		 session_load(const char *, struct session *);
int		 session_save(const char *, const struct session *, char **);
int		 session_remove(const char *);
void		 session_clear(struct session *);

/* task.c */
/*
 * Wait for Task id to end; label (the operation) is shown in a progress
 * bar when stderr is a tty.  0 on success with *result (if not NULL) the
 * text of info.result; -1 with the task's fault as the connection error.
 */
int		 task_wait(struct viclient *, const char *, const char *,
		    char **);
/* Call a *_Task method and wait for it. */
int		 task_run(struct viclient *, const char *, const char *,
		     const char *, const char *, char **);
/* The same, keeping the finished task's info in *p (viprops_val "info"). */
int		 task_run_info(struct viclient *, const char *, const char *,
		     const char *, const char *, struct viprops *);
/* Draw a progress bar on stderr if it is a tty (pct < 0: clear it). */
void		 task_progress(const char *, int);

/* table.c */
enum table_format {
	TABLE_TEXT,
	TABLE_JSON,
	TABLE_CSV,
	TABLE_XML
};

struct table;

/* cols: field names; a name ending in ":n" is numeric (JSON number). */
struct table	*table_create(const char *const *);
/* Add a row of strings (as many as columns; NULL is empty). */
void		 table_add(struct table *, const char *const *);
/* table_add, then free the n strings of row (heap strings or NULL). */
void		 table_add_free(struct table *, char **, size_t);
/* Print one record as "field: value" lines in text form. */
void		 table_vertical(struct table *);
/*
 * Part of an endless stream (event follow): text and CSV print the header
 * only for the first part, JSON becomes JSON Lines, XML bare <row>s.
 */
void		 table_stream(struct table *, int);
int		 table_print(const struct table *, FILE *, enum table_format);
void		 table_free(struct table *);
int		 table_format_parse(const char *, enum table_format *);

/* main.c: the state of one run, given to every command. */
struct rcli {
	struct conn_opts r_opts;
	enum table_format r_format;
	struct viclient	*r_conn;
};

/* Open the connection on first use; NULL (message printed). */
struct viclient	*main_conn(struct rcli *);
/* Print t in the chosen format and free it; RCLI_EXIT_OK. */
int		 main_output(struct rcli *, struct table *);

/* One verb of a noun. */
struct rcli_verb {
	const char	*v_name;
	int		(*v_run)(struct rcli *, struct args *);
};

/* One noun: its name, one-line summary, usage text and verbs. */
struct rcli_noun {
	const char	*n_name;
	const char	*n_summary;
	const char	*n_usage;
	const struct rcli_verb *n_verbs;
};

/* Dispatch args to the verb table of noun; help and usage errors too. */
int		 main_verb(struct rcli *, const struct rcli_noun *,
		     const struct rcli_verb *, struct args *);

/* cmd-user.c, shared with cmd-group.c: list users (1) or groups (0);
 * remove one account with method(param=NAME); call method on the account
 * manager with the parameters in a buf (wiped, freed): exit status. */
int		 cmd_user_search(struct rcli *, int);
int		 cmd_user_remove(struct rcli *, struct args *, const char *,
		     const char *);
int		 cmd_user_do(struct rcli *, const char *, struct buf *);
/* cmd-role.c, shared with cmd-permission.c: read roleList into *p; a
 * role's id from its name (or number), -1 with NotFound set; the name of
 * id in *p (caller frees; the number when unknown). */
int		 cmd_role_fetch(struct viclient *, struct viprops *);
int		 cmd_role_id(struct viclient *, const char *, long *);
char		*cmd_role_name(const struct viprops *, long);

/*
 * cmd-datastore.c, shared with cmd-disk.c: SearchDatastore_Task on the
 * browser of datastore ds for directory dir, with details (the
 * searchSpec's inner XML) and, if not NULL, a matchPattern.  0 with *p
 * (caller frees) and *res its HostDatastoreBrowserSearchResults, or -1
 * with the error set.
 */
int		 cmd_datastore_search(struct viclient *, const char *ds,
		    const char *dir, const char *details, const char *pattern,
		    struct viprops *p, xmlNodePtr *res);

/* cmd-snapshot.c: "vm snapshot ...", a verb of vm. */
int		 cmd_snapshot_run(struct rcli *, struct args *);

extern const struct rcli_noun cmd_vm_noun;
extern const struct rcli_noun cmd_host_noun;
extern const struct rcli_noun cmd_datastore_noun;
extern const struct rcli_noun cmd_disk_noun;
extern const struct rcli_noun cmd_user_noun;
extern const struct rcli_noun cmd_group_noun;
extern const struct rcli_noun cmd_permission_noun;
extern const struct rcli_noun cmd_role_noun;
extern const struct rcli_noun cmd_task_noun;
extern const struct rcli_noun cmd_event_noun;
extern const struct rcli_noun cmd_network_noun;
extern const struct rcli_noun cmd_session_noun;

#endif
