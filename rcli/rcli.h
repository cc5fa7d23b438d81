/* SPDX-License-Identifier: ISC */
/*
 * rcli, the administration CLI of a Vireo (or ESXi) host.  It speaks only
 * the public VI API: SOAP over HTTPS (or plain HTTP over hostd's Unix
 * socket) and the /folder file URLs.  This header is the one interface
 * between its files:
 *
 *	main.c		options, the noun dispatch table, connecting
 *	args.c		command-line options of one command
 *	buf.c		growing strings and XML escaping for requests
 *	conn.c		libcurl transport: TLS trust, login, SOAP calls, /folder
 *	reply.c		SOAP response parsing (results and faults)
 *	session.c	the saved session file (cookie only, mode 0600)
 *	props.c		PropertyCollector reads
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

#define RCLI_EXIT_OK		0
#define RCLI_EXIT_FAULT		1
#define RCLI_EXIT_USAGE		2

#define RCLI_NS_VIM25	"urn:vim25"
#define RCLI_NS_SOAPENV	"http://schemas.xmlsoap.org/soap/envelope/"
#define RCLI_NS_XSI	"http://www.w3.org/2001/XMLSchema-instance"

/* buf.c: a NUL-terminated string that grows. */
struct buf {
	char		*b_data;
	size_t		 b_len;
	size_t		 b_size;
};

void		 buf_init(struct buf *);
void		 buf_add(struct buf *, const char *, size_t);
void		 buf_str(struct buf *, const char *);
void		 buf_printf(struct buf *, const char *, ...)
		     __attribute__((format(printf, 2, 3)));
/* Append s with &, <, >, " and ' escaped for XML text and attributes. */
void		 buf_escape(struct buf *, const char *);
/* Append <name>escaped value</name>; nothing when value is NULL. */
void		 buf_elem(struct buf *, const char *, const char *);
/* Append <name type="type">id</name>. */
void		 buf_moref(struct buf *, const char *, const char *,
		     const char *);
/* Append <name>[ds] path</name>, both escaped. */
void		 buf_dspath(struct buf *, const char *, const char *,
		     const char *);
char		*buf_take(struct buf *);
void		 buf_free(struct buf *);

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

/* reply.c: one parsed SOAP response. */
struct reply {
	xmlDocPtr	 r_doc;
	xmlNodePtr	 r_body;	/* <MethodResponse>, on success */
	char		*r_fault;	/* "InvalidLogin"..., or NULL */
	char		*r_msg;		/* faultstring */
};

/*
 * Parse a SOAP response body.  Success fills r_body; a SOAP fault fills
 * r_fault (the xsi:type or element name of the detail, else "SystemError")
 * and r_msg.  Returns 0 for either, -1 with *cause when the body is not a
 * SOAP envelope at all.
 */
int		 reply_parse(const char *, size_t, struct reply *, char **);
void		 reply_clear(struct reply *);
/* The first or next <returnval> of a successful reply. */
xmlNodePtr	 reply_returnval(const struct reply *);
xmlNodePtr	 reply_next(xmlNodePtr);
/* A child element's text (vim25 namespace or none), or NULL. */
char		*reply_field(xmlNodePtr, const char *);
/* The xsi:type attribute, local part only, or NULL. */
char		*reply_xsitype(xmlNodePtr);
/* A LocalizedMethodFault (task error): *name, *msg (caller frees). */
void		 reply_localized(xmlNodePtr, char **, char **);

/* conn.c: one connection to a host. */
struct conn;

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
					 * with conn_login (dcui) */
};

/*
 * Connect and authenticate: the password when given, else the saved
 * session's cookie, else a password read from the tty without echo.
 * NULL with the reason printed on stderr.
 */
struct conn	*conn_open(const struct conn_opts *);
/* Log out (unless the session is saved) and free. */
void		 conn_close(struct conn *);
/* Keep the session at close, and write it to the session file. */
int		 conn_save_session(struct conn *);
/* Log out and remove the session file. */
int		 conn_logout(struct conn *);
/*
 * Call method on _this (type, id) with args (XML of the parameters after
 * _this, may be NULL).  0 with *r holding the response; -1 on a fault or a
 * transport error, with the error remembered for conn_perror.
 */
int		 conn_call(struct conn *, const char *, const char *,
		     const char *, const char *, struct reply *);
/* conn_call for a method whose result is not needed: 0 or -1. */
int		 conn_do(struct conn *, const char *, const char *,
		     const char *, const char *);
/* Remember an error as a fault name and message (for commands). */
void		 conn_seterr(struct conn *, const char *, const char *, ...)
		     __attribute__((format(printf, 3, 4)));
/* Print "rcli: Fault: message" for the last error; RCLI_EXIT_FAULT. */
int		 conn_perror(struct conn *);
/* The name of the last fault ("" if it was not one), and its message. */
const char	*conn_errname(struct conn *);
const char	*conn_errmsg(struct conn *);
/* Login as user (NULL: the connection's) with password; 0 or -1 with
 * the error remembered.  A later call replaces the session. */
int		 conn_login(struct conn *, const char *, const char *);
/*
 * /folder transfers of datastore ds, path rel.  Download writes to fd
 * from offset *off (Range), advancing it; upload reads the file path.
 * label non-NULL shows a progress bar on a tty.  0 or -1 (error set).
 */
int		 conn_download(struct conn *, const char *, const char *,
		     int, long long *, const char *);
int		 conn_upload(struct conn *, const char *, const char *,
		     const char *, const char *);
/* GET or PUT an absolute URL path the host gave (firmware bundles). */
int		 conn_get_url(struct conn *, const char *, int, const char *);
int		 conn_put_url(struct conn *, const char *, const char *,
		     const char *);
const char	*conn_user(struct conn *);

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

/* props.c: property reads through the PropertyCollector. */
struct props_obj {
	char		*po_type;
	char		*po_id;
	size_t		 po_n;
	char		**po_name;
	xmlNodePtr	*po_val;
};

struct props {
	struct reply	*p_reply;
	size_t		 p_nreply;
	struct props_obj *p_obj;
	size_t		 p_n;
};

/* Every object of type below the root folder (a ContainerView). */
int		 props_all(struct conn *, const char *, const char *const *,
		     struct props *);
/* The given objects (ids[n] of one type). */
int		 props_get(struct conn *, const char *, const char *const *,
		     size_t, const char *const *, struct props *);
xmlNodePtr	 props_val(const struct props_obj *, const char *);
/* The text of a property, "" when unset; caller frees. */
char		*props_text(const struct props_obj *, const char *);
void		 props_free(struct props *);
/* The text of a path below a node, e.g. "hardware/memoryMB". */
char		*props_path(xmlNodePtr, const char *);
/* Find a VM by name (or moid): *id (caller frees); -1 NotFound set. */
int		 props_find(struct conn *, const char *, const char *, char **);

/* task.c */
/*
 * Wait for Task id to end; label (the operation) is shown in a progress
 * bar when stderr is a tty.  0 on success with *result (if not NULL) the
 * text of info.result; -1 with the task's fault as the connection error.
 */
int		 task_wait(struct conn *, const char *, const char *, char **);
/* Call a *_Task method and wait for it. */
int		 task_run(struct conn *, const char *, const char *,
		     const char *, const char *, char **);
/* The same, keeping the finished task's info in *p (props_val "info"). */
int		 task_run_info(struct conn *, const char *, const char *,
		     const char *, const char *, struct props *);
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
	struct conn	*r_conn;
};

/* Open the connection on first use; NULL (message printed). */
struct conn	*main_conn(struct rcli *);
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
int		 cmd_role_fetch(struct conn *, struct props *);
int		 cmd_role_id(struct conn *, const char *, long *);
char		*cmd_role_name(const struct props *, long);

/* cmd-datastore.c, shared with cmd-disk.c: the HostDatastoreBrowser of
 * datastore name (caller frees); NULL with the error set. */
char		*cmd_datastore_browser(struct conn *, const char *);

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
