/* SPDX-License-Identifier: ISC */
/*
 * hostd: the host agent.  One header for the whole component, one section
 * per source file (tmux.h style).  Everything hostd knows hangs off one
 * struct hostd, created in main.c; there are no globals.
 *
 * The parts and who calls whom:
 *	http.c	libevent evhttp on TLS (TCP) and plain HTTP (the Unix
 *		socket); static endpoints; POST /sdk becomes a struct
 *		hostd_call handed to soap.c
 *	soap.c	parses the envelope, finds the method in the dispatch table,
 *		checks the session, runs the handler, serializes the reply
 *		or the fault, and answers the call (hostd_call_reply), at
 *		once or later (WaitForUpdates, long tasks)
 */
#ifndef VIREO_HOSTD_H
#define VIREO_HOSTD_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "account.h"

struct evbuffer;
struct event_base;
struct hostd;
struct hostd_call;

/* Defaults; the embedded quick-start configuration overrides the ports. */
#define HOSTD_HTTPS_PORT	443
#define HOSTD_HTTP_PORT		80
#define HOSTD_IDLE_TIMEOUT	1800	/* s; pyVmomi pools for 900 s */
#define HOSTD_MAX_BODY		(16 * 1024 * 1024)
#define HOSTD_MAX_CONNS		1024
#define HOSTD_SESSION_COOKIE	"vmware_soap_session"
#define HOSTD_MAX_HEADERS	(64 * 1024)
#define HOSTD_BUSY_POLL		100	/* us; daemon_loop */
#define HOSTD_BACKLOG		128

/* hostd.c ------------------------------------------------------------- */

/*
 * The configuration, from etc/vireo/hostd.conf (see hostd.conf(5)); every
 * member has its default when the file or the key is missing.
 */
struct hostd_conf {
	int		 hc_https_port;		/* https.port; -p overrides */
	int		 hc_http_port;		/* http.port; -P overrides */
	int		 hc_http_enabled;	/* http.enabled */
	char		*hc_address;		/* listen.address, or NULL: any */
	int		 hc_log_level;		/* log.level (enum log_level) */
	char		*hc_ds_name;		/* datastore.name */
	char		*hc_ds_path;		/* datastore.path, under --root */
	int		 hc_max_conns;		/* http.maxConnections */
	size_t		 hc_max_body;		/* http.maxBodySize, bytes */
	size_t		 hc_max_headers;	/* http.maxHeaderSize, bytes */
	char		*hc_vmx_path;		/* vmx.path: the vmx program */
	char		*hc_state_dir;		/* state.dir, absolute, or
						 * NULL: no persistent copy */
	unsigned int	 hc_state_interval;	/* state.interval, s */
	unsigned int	 hc_busy_poll;		/* http.busyPoll, us */
};

struct cfg;
struct daemon;
struct hostd_http;
struct hostd_soap;
struct hostd_vmxlink;
struct hostd_dsjob;

/*
 * Everything hostd knows.  Created by main.c (hostd_create), set up in
 * the order of hostd_open and hostd_start, freed in reverse by hostd_free.
 */
struct hostd {
	struct daemon		*h_daemon;	/* borrowed from main.c */
	struct event_base	*h_base;	/* borrowed, NULL before start */
	struct hostd_conf	 h_conf;
	struct cfg		*h_cfg;		/* hostd.conf as loaded, owned */
	int			 h_port_arg;	/* -p, or -1 */
	int			 h_init_only;	/* -I: create files, exit */
	int			 h_http_port_arg; /* -P, or -1 */
	char			*h_hostname;	/* for the certificate, owned */
	char			*h_certpath;	/* etc/vireo/ssl/rui.crt */
	char			*h_keypath;	/* etc/vireo/ssl/rui.key */
	char			*h_portpath;	/* run/vireo/hostd.port */
	char			 h_thumbprint[64];	/* SHA-1, "AA:BB:.." */
	struct hostd_http	*h_http;	/* http.c, owned */
	struct hostd_soap	*h_soap;	/* hostd_soap_create, owned */
	struct hostd_vmxlink	*h_vmxlink;	/* vmxlink.c, owned */
	struct hostd_dsfile	*h_dsfile;	/* dsfile.c, owned */
	char			*h_state_arg;	/* -s, or NULL */
	struct hostd_statesync	*h_statesync;	/* statesync.c, or NULL */
	int			 h_restart;	/* exec again after the loop
						 * (restore, factory reset) */
};

struct hostd	*hostd_create(struct daemon *);
void		 hostd_free(struct hostd *);
/* Load etc/vireo/hostd.conf (or -f); a missing file gives the defaults.
 * 0, or -1 with *cause "path:line:col: message". */
int		 hostd_config(struct hostd *, const char *path, char **cause);
/* -n: also check the TLS identity if there is one.  0 or -1 with *cause. */
int		 hostd_check(struct hostd *, char **cause);
/* Still privileged: first-boot files, TLS identity, listening sockets. */
int		 hostd_open(struct hostd *, char **cause);
/* In the daemon, on h_base: serve, and write run/vireo/hostd.port. */
int		 hostd_start(struct hostd *, struct event_base *, char **cause);
/* SIGTERM/SIGINT: stop accepting and leave the event loop. */
void		 hostd_shutdown(struct hostd *);
/* Leave the loop shortly (answers in flight still go out) with
 * h_restart set: main.c then runs hostd again on the same arguments. */
void		 hostd_restart(void *h);
/*
 * Before the configuration is read: take the state files missing under
 * --root from the persistent copy (-s, else state.dir of the root's
 * hostd.conf, if it has one).  0, or -1 with *cause.
 */
int		 hostd_state_restore(struct hostd *, const char *conf,
		     char **cause);
/* Parse a datastore path from the configuration: relative to --root,
 * no ".." component.  1 if acceptable. */
int		 hostd_ds_path_ok(const char *);

/* firstboot.c --------------------------------------------------------- */

/* The embedded default etc/vireo/hostd.conf (data/hostd.conf). */
extern const char	hostd_firstboot_conf[];
/* The welcome page served on GET / (data/welcome.html). */
extern const char	hostd_firstboot_welcome[];

/*
 * Create what a fresh host lacks under the root: etc/vireo/hostd.conf,
 * passwd, shadow (root with an empty password), group, the TLS identity
 * ssl/rui.crt and rui.key, var/lib/vireo/inventory.xml, the datastore
 * directory, var/log/vireo and run/vireo.  Existing files are kept.
 * Every file is written atomically with its final mode.  0, or -1 with
 * errno and *cause.
 */
int		 hostd_firstboot(struct hostd *, char **cause);
/* hostd -I: hostd_firstboot under --root without starting the daemon. */
int		 hostd_init(struct hostd *, char **cause);

/* http.c -------------------------------------------------------------- */

/*
 * One POST /sdk (or /sdk/, /sdk/vimService) request, owned by http.c until
 * it is answered.  soap.c reads the fields and must answer every call
 * exactly once with hostd_call_reply, possibly from a later loop turn;
 * hostd_call_is_gone tells a deferred handler the client went away (the
 * call must still be answered or dropped with hostd_call_drop).
 */
struct hostd_call_info {
	const char	*ci_body;	/* request body, NUL-terminated */
	size_t		 ci_len;	/* its length */
	const char	*ci_cookie;	/* Cookie header, or NULL */
	const char	*ci_soapaction;	/* SOAPAction header, or NULL */
	const char	*ci_peer;	/* "203.0.113.5:51234" or "unix" */
	int		 ci_local;	/* 1 over the Unix socket */
	const char	*ci_agent;	/* User-Agent header, or NULL (added
					 * for UserSession.userAgent) */
	long		 ci_uid;	/* Unix socket peer's uid, or -1
					 * (added for AcquireLocalTicket) */
};

const struct hostd_call_info *hostd_call_info(struct hostd_call *);
/*
 * Answer with HTTP status (200 or 500), the body (moved out of the buffer)
 * and an optional Set-Cookie header value (copied; NULL for none).  The
 * call is freed.
 */
void	hostd_call_reply(struct hostd_call *, int status, struct evbuffer *,
	    const char *set_cookie);
int	hostd_call_is_gone(struct hostd_call *);
void	hostd_call_drop(struct hostd_call *);

/* Listeners (hl_kind), each on its own evhttp (libevent 2.1 cannot pick
 * the bufferevent type per listener). */
#define HOSTD_HTTP_TLS		0	/* HTTPS on https.port */
#define HOSTD_HTTP_UNIX		1	/* plain HTTP on run/vireo/hostd.sock */
#define HOSTD_HTTP_REDIRECT	2	/* plain HTTP on http.port: welcome
					   page and 301 to HTTPS */
#define HOSTD_HTTP_NLISTENERS	3

/* Allocate; nothing is opened.  Never NULL. */
struct hostd_http *hostd_http_create(struct hostd *);
/* Still privileged: the TLS context and the listening sockets.  0 or
 * -1 with *cause. */
int		 hostd_http_open(struct hostd_http *, char **cause);
/* Serve on base.  0 or -1 with *cause. */
int		 hostd_http_start(struct hostd_http *, struct event_base *,
		     char **cause);
/* The bound port of a TCP listener, or -1 when it is not open. */
int		 hostd_http_port(const struct hostd_http *, int kind);
/* Stop accepting new connections (shutdown). */
void		 hostd_http_stop(struct hostd_http *);
/* Close everything, unlink the socket; calls still pending are gone. */
void		 hostd_http_free(struct hostd_http *);

/* soap.c -------------------------------------------------------------- */

/* Handle one SOAP call (entry point from http.c). */
void	hostd_soap_handle(struct hostd *, struct hostd_call *);

/*
 * ---- SOAP side (val.c fault.c session.c auth.c soap.c mo-*.c) ----------
 * Owned by the SOAP engineer.  Everything below hangs off one
 * struct hostd_soap, reached from struct hostd through one pointer.
 */

struct _xmlNode;
struct cfg;
struct hostd_soap;
struct hostd_session;

#define HOSTD_NS_SOAPENV	"http://schemas.xmlsoap.org/soap/envelope/"
#define HOSTD_NS_XSI		"http://www.w3.org/2001/XMLSchema-instance"
#define HOSTD_NS_XSD		"http://www.w3.org/2001/XMLSchema"
#define HOSTD_NS_VIM25		"urn:vim25"

/* val.c --------------------------------------------------------------- */

/*
 * The value model: a small typed tree for vim25 values, built by handlers
 * and the PropertyCollector, written by hostd_val_write, and read back
 * from requests by hostd_val_parse.  A value owns everything below it.
 */
enum hostd_val_kind {
	HOSTD_VAL_STRING,	/* v_str (v_len bytes, NUL-terminated) */
	HOSTD_VAL_INT,		/* v_int, 32-bit range */
	HOSTD_VAL_LONG,		/* v_int */
	HOSTD_VAL_SHORT,	/* v_int, 16-bit range */
	HOSTD_VAL_BYTE,		/* v_int, 8-bit signed range */
	HOSTD_VAL_BOOLEAN,	/* v_int 0 or 1 */
	HOSTD_VAL_DATETIME,	/* v_int seconds since the epoch, v_nsec */
	HOSTD_VAL_BASE64,	/* v_str/v_len: the raw bytes */
	HOSTD_VAL_ENUM,		/* v_type enum type, v_str the literal */
	HOSTD_VAL_MOREF,	/* v_type managed type, v_str the moid */
	HOSTD_VAL_OBJECT,	/* v_type data object type, v_fields */
	HOSTD_VAL_ARRAY,	/* v_type item type, v_items */
	HOSTD_VAL_XML		/* v_type data object type, v_str its
				 * content as written (hostd_val_buf) */
};

/* The declared type of an xsd:anyType slot (DynamicProperty.val...). */
#define HOSTD_VAL_ANYTYPE	"anyType"

struct hostd_val_field {
	char			*vf_name;	/* wire name of the field */
	char			*vf_decl;	/* declared type, or NULL when
						 * it is the value's own type */
	struct hostd_val	*vf_val;	/* owned */
};

struct hostd_val {
	enum hostd_val_kind	 v_kind;
	char			*v_type;	/* see the kinds; NULL for
						 * primitives and for a
						 * request object whose type
						 * was not given */
	char			*v_str;		/* see the kinds, else NULL */
	size_t			 v_len;		/* bytes at v_str */
	int64_t			 v_int;		/* see the kinds */
	long			 v_nsec;	/* dateTime fraction, ns */
	struct hostd_val_field	*v_fields;	/* object fields, in order;
						 * a name may repeat (an
						 * array field) */
	size_t			 v_nfields;
	struct hostd_val	**v_items;	/* array items, owned */
	size_t			 v_nitems;
};

/*
 * Constructors; never NULL, strings are copied.  Item types of arrays and
 * the types given to hostd_val_add_decl are bare names: "string", "int",
 * "long", "short", "byte", "boolean", "dateTime", "base64Binary",
 * "ManagedObjectReference", HOSTD_VAL_ANYTYPE, or a vim25 data object or
 * enum type name ("VirtualDevice", "VirtualMachinePowerState").
 */
struct hostd_val	*hostd_val_string(const char *);
struct hostd_val	*hostd_val_stringn(const char *, size_t);
struct hostd_val	*hostd_val_int(int32_t);
struct hostd_val	*hostd_val_long(int64_t);
struct hostd_val	*hostd_val_short(int16_t);
struct hostd_val	*hostd_val_byte(int8_t);
struct hostd_val	*hostd_val_bool(int);
struct hostd_val	*hostd_val_datetime(const struct timespec *);
struct hostd_val	*hostd_val_base64(const void *, size_t);
struct hostd_val	*hostd_val_enum(const char *type, const char *literal);
struct hostd_val	*hostd_val_moref(const char *type, const char *id);
struct hostd_val	*hostd_val_object(const char *type);
struct hostd_val	*hostd_val_array(const char *itemtype);
struct hostd_val	*hostd_val_copy(const struct hostd_val *);
void			 hostd_val_free(struct hostd_val *);

/*
 * Append field name to data object obj, taking ownership of val (a NULL
 * val is ignored: unset fields are left out).  hostd_val_add_decl gives
 * the field's declared type when it differs from the value's own type: an
 * abstract or base type ("VirtualDevice", "MethodFault") or
 * HOSTD_VAL_ANYTYPE; the writer then adds xsi:type.  An array value is
 * written as repeated elements (field) or an ArrayOfX wrapper (anyType).
 */
void	hostd_val_add(struct hostd_val *obj, const char *name,
	    struct hostd_val *val);
void	hostd_val_add_decl(struct hostd_val *obj, const char *name,
	    const char *decl, struct hostd_val *val);
void	hostd_val_add_str(struct hostd_val *, const char *, const char *);
void	hostd_val_add_int(struct hostd_val *, const char *, int32_t);
void	hostd_val_add_long(struct hostd_val *, const char *, int64_t);
void	hostd_val_add_bool(struct hostd_val *, const char *, int);
void	hostd_val_add_moref(struct hostd_val *, const char *,
	    const char *type, const char *id);
/* Append item to array arr, taking ownership. */
void	hostd_val_push(struct hostd_val *arr, struct hostd_val *item);

/*
 * Readers.  hostd_val_field is the first field called name of an object
 * (NULL if none, or if obj is not an object); hostd_val_field_count and
 * hostd_val_field_nth walk repeated (array) fields.  hostd_val_str gives
 * the text of a string, enum or untyped request leaf (NULL otherwise).
 * hostd_val_get_int accepts any integer kind or the decimal text of a
 * string, within [min, max]; hostd_val_get_bool accepts a boolean or the
 * text true/false/1/0.  Both return 0, or -1 with errno EINVAL/ERANGE.
 */
const struct hostd_val	*hostd_val_field(const struct hostd_val *obj,
			    const char *name);
size_t			 hostd_val_field_count(const struct hostd_val *,
			    const char *);
const struct hostd_val	*hostd_val_field_nth(const struct hostd_val *,
			    const char *, size_t);
const char		*hostd_val_str(const struct hostd_val *);
int			 hostd_val_get_int(const struct hostd_val *,
			    int64_t min, int64_t max, int64_t *);
int			 hostd_val_get_bool(const struct hostd_val *, int *);
/* 1 if v is a MoRef of managed type type (any type for NULL). */
int			 hostd_val_is_moref(const struct hostd_val *,
			    const char *type);
/*
 * The type name written in xsi:type for v: "xsd:string", "xsd:int"...,
 * "ManagedObjectReference", "ArrayOfString", "ArrayOfVirtualDevice", or
 * the object/enum type.  Stored in buf (size len) when it must be built;
 * the result is buf or a constant.
 */
const char		*hostd_val_xsi_type(const struct hostd_val *,
			    char *buf, size_t len);

/*
 * Write v as element name, in a slot declared as decl (NULL: the value's
 * own type, so no xsi:type; HOSTD_VAL_ANYTYPE: always xsi:type and
 * ArrayOfX wrappers; another type: xsi:type when v's type differs).  Text
 * and attributes are escaped; the xsi prefix must be in scope (the
 * envelope declares it).  hostd_val_write_fields writes only the field
 * elements of an object (the body of a fault detail).
 */
void	hostd_val_write(struct evbuffer *, const char *name,
	    const char *decl, const struct hostd_val *v);
void	hostd_val_write_fields(struct evbuffer *, const struct hostd_val *);
/* Escaped text (XML 1.0 safe: invalid UTF-8 and control bytes replaced). */
void	hostd_val_write_text(struct evbuffer *, const char *, size_t);
/* The dateTime text of ts, ESX style (6 fraction digits, Z); buf >= 40. */
void	hostd_val_format_datetime(const struct timespec *, char *, size_t);

/*
 * A data object written ahead: the PropertyCollector renders each
 * ObjectContent of a large result into one HOSTD_VAL_XML value rather
 * than a tree of a dozen values.  hostd_val_buf_markup appends markup as
 * it is, hostd_val_buf_text escaped text, hostd_val_buf_val an element
 * as hostd_val_write writes it; hostd_val_buf_take makes a value of type
 * of the content so far (written as an object of that type would be),
 * hostd_val_buf_data shows it, and both _take and _reset empty the
 * buffer.  A HOSTD_VAL_XML value has no fields to read.
 */
struct hostd_val_buf;
struct hostd_val_buf	*hostd_val_buf_new(void);
void			 hostd_val_buf_free(struct hostd_val_buf *);
void			 hostd_val_buf_markup(struct hostd_val_buf *,
			    const char *, size_t);
void			 hostd_val_buf_text(struct hostd_val_buf *,
			    const char *, size_t);
void			 hostd_val_buf_val(struct hostd_val_buf *,
			    const char *name, const char *decl,
			    const struct hostd_val *);
const char		*hostd_val_buf_data(const struct hostd_val_buf *,
			    size_t *);
void			 hostd_val_buf_reset(struct hostd_val_buf *);
struct hostd_val	*hostd_val_buf_take(struct hostd_val_buf *,
			    const char *type);

/*
 * Read the request element node into a value.  decl is the declared type
 * of the slot (as for hostd_val_write; NULL: unknown, read generically).
 * xsi:type is resolved as a QName by namespace (XMLSchema primitives,
 * urn:vim25 or unprefixed vim25 types, ArrayOfX).  Without xsi:type: a
 * `type` attribute makes a MoRef, element children a data object (of
 * type decl), otherwise a primitive of type decl or an untyped string.
 * Returns the value, or NULL with errno EINVAL and *cause (caller frees)
 * naming what was wrong; *badtype is set to 1 when the cause is an
 * xsi:type that does not fit decl (fault InvalidType, not InvalidArgument).
 */
struct hostd_val	*hostd_val_parse(struct _xmlNode *, const char *decl,
			    int *badtype, char **cause);

/* fault.c ------------------------------------------------------------- */

/*
 * A vim25 fault: its data object (type = the fault type, fields = its
 * wire fields) and the ESX-worded message (faultstring, or
 * localizedMessage inside data).  Only real vim25 6.7 fault types.
 */
struct hostd_fault {
	struct hostd_val	*f_obj;		/* owned data object */
	char			*f_msg;		/* owned */
};

/* A fault of type with the message printf'd from fmt (NULL: ESX's). */
struct hostd_fault	*hostd_fault_create(const char *type,
			    const char *fmt, ...)
			    __attribute__((format(printf, 2, 3)));
void			 hostd_fault_free(struct hostd_fault *);
struct hostd_fault	*hostd_fault_invalid_login(void);
struct hostd_fault	*hostd_fault_not_authenticated(const char *type,
			    const char *id, const char *priv);
struct hostd_fault	*hostd_fault_no_permission(const char *type,
			    const char *id, const char *priv);
struct hostd_fault	*hostd_fault_not_found_mo(const char *type,
			    const char *id);
struct hostd_fault	*hostd_fault_method_not_found(const char *type,
			    const char *id, const char *method);
struct hostd_fault	*hostd_fault_invalid_argument(const char *prop);
struct hostd_fault	*hostd_fault_invalid_type(const char *argument);
struct hostd_fault	*hostd_fault_invalid_request(const char *reason);
struct hostd_fault	*hostd_fault_invalid_property(const char *name);
struct hostd_fault	*hostd_fault_not_implemented(void);
struct hostd_fault	*hostd_fault_system_error(const char *reason);
/* <soapenv:Fault>...</soapenv:Fault>, §2.5 (xsi in scope). */
void			 hostd_fault_write(struct evbuffer *,
			    const struct hostd_fault *);
/* A new LocalizedMethodFault data object (task error, missingSet). */
struct hostd_val	*hostd_fault_localized(const struct hostd_fault *);

/* session.c ----------------------------------------------------------- */

#define HOSTD_SESSION_IDLE	1800	/* s, ESX's default idle expiry */
#define HOSTD_SESSION_MAX	500	/* ESX's default maxSessionCount */

/*
 * One logged-in session.  The cookie (40 hex digits) is the secret the
 * client sends back; the key (a UUID starting "52") is the public
 * UserSession.key.  s_slot is the per-session state of the
 * PropertyCollector/ViewManager: hostd_session_end calls s_slot_free on
 * it, which must cancel pending WaitForUpdates of the session.  s_groups
 * is authz.c's cache of the user's groups (hostd_authz_groups).
 */
struct hostd_session {
	char			 s_cookie[41];	/* secret; never logged */
	char			 s_key[37];
	char			*s_user;	/* owned */
	char			*s_fullname;	/* owned */
	char			*s_locale;	/* owned */
	char			*s_ip;		/* owned, or NULL */
	char			*s_agent;	/* owned, or NULL */
	struct timespec		 s_login;	/* realtime */
	struct timespec		 s_active;	/* realtime, last call */
	time_t			 s_idle_since;	/* monotonic seconds */
	int64_t			 s_calls;
	void			*s_slot;
	void			(*s_slot_free)(void *);
	char			**s_groups;	/* owned, or NULL */
	unsigned long long	 s_groups_gen;	/* account gen; 0: none */
	int64_t			 s_groups_call;	/* s_calls at last refresh */
	time_t			 s_groups_when;	/* monotonic s of it */
	int			 s_groups_retry; /* last read failed */
	struct hostd_session	*s_next;	/* table list */
	struct hostd_session	*s_hnext;	/* table cookie hash chain */
};

struct hostd_sessions;

/*
 * A table with idle expiry after idle seconds (0: never) holding at most
 * max sessions (0: no limit; beyond it the least recently active session
 * is ended, as scripts that never log out are the usual cause).  Never
 * NULL.
 */
struct hostd_sessions	*hostd_session_table_create(unsigned int idle,
			    unsigned int max);
/* Ends every session (slot destructors run). Accepts NULL. */
void			 hostd_session_table_free(struct hostd_sessions *);
/* A new session for user; ip and agent may be NULL.  Never NULL. */
struct hostd_session	*hostd_session_new(struct hostd_sessions *,
			    const char *user, const char *fullname,
			    const char *locale, const char *ip,
			    const char *agent);
/*
 * The session named by a Cookie header (lenient, rule 7), or NULL when
 * there is none, it is unknown or it has expired (expired ones are ended).
 */
struct hostd_session	*hostd_session_find(struct hostd_sessions *,
			    const char *cookie_header);
/* By UserSession.key; NULL if unknown. */
struct hostd_session	*hostd_session_find_key(struct hostd_sessions *,
			    const char *key);
/* Walk: first with prev NULL; NULL at the end. */
struct hostd_session	*hostd_session_next(struct hostd_sessions *,
			    struct hostd_session *prev);
size_t			 hostd_session_count(struct hostd_sessions *);
/* Mark a call: lastActiveTime, callCount, idle clock. */
void			 hostd_session_touch(struct hostd_session *);
/* Remove and free s (slot destructor first). */
void			 hostd_session_end(struct hostd_sessions *,
			    struct hostd_session *);
/* End sessions idle for too long; returns how many. */
size_t			 hostd_session_expire(struct hostd_sessions *);
/*
 * Extract the session cookie value from a Cookie header into buf (size
 * len): parts split on ';', trimmed, quotes stripped.  0, or -1 if absent
 * or too long.
 */
int			 hostd_session_cookie_parse(const char *header,
			    char *buf, size_t len);
/* The Set-Cookie value for s (caller frees); Secure when secure. */
char			*hostd_session_set_cookie(
			    const struct hostd_session *, int secure);
/* A new UserSession data object for s. */
struct hostd_val	*hostd_session_to_val(const struct hostd_session *);

/* soap.c -------------------------------------------------------------- */

/*
 * One SOAP call being handled.  Handlers read r_this_*, r_params (an
 * object whose fields are the parameters, already checked against the
 * method's parameter table) and r_session (NULL for public methods
 * without a login); they set r_result (and r_result_decl) or r_fault,
 * and may set r_setcookie (Login only).  A handler returns 0 to answer at
 * once, or 1 when it keeps req and later calls hostd_soap_req_finish
 * (only when hostd_soap_req_can_defer).
 */
struct hostd_soap_method;

struct hostd_soap_req {
	struct hostd_soap		*r_soap;
	struct hostd_call		*r_call;	/* NULL: synchronous */
	const struct hostd_soap_method	*r_method;
	struct hostd_session		*r_session;
	char				*r_this_type;	/* owned */
	char				*r_this_id;	/* owned */
	struct hostd_val		*r_params;	/* owned */
	const char			*r_peer;	/* borrowed */
	const char			*r_agent;	/* borrowed, or NULL */
	int				 r_secure;	/* TLS listener */
	struct hostd_val		*r_result;	/* owned, or NULL */
	const char			*r_result_decl;	/* declared type */
	struct hostd_fault		*r_fault;	/* owned, or NULL */
	char				*r_setcookie;	/* owned, or NULL */
};

/* A parameter of a method: name, declared type, flags. */
#define HOSTD_SOAP_OPTIONAL	0x1
#define HOSTD_SOAP_ARRAY	0x2
struct hostd_soap_param {
	const char	*sp_name;
	const char	*sp_type;	/* as for hostd_val_parse */
	int		 sp_flags;
};

/* Method flags: callable without a session. */
#define HOSTD_SOAP_PUBLIC	0x1
struct hostd_soap_method {
	const char			*sm_name;	/* WSDL name */
	const char			*sm_this;	/* managed type */
	const char			*sm_priv;	/* privilege, or NULL */
	int				 sm_flags;
	int				(*sm_handler)(struct hostd_soap_req *);
	const struct hostd_soap_param	*sm_params;	/* {NULL} ended */
};

/*
 * Create the SOAP state: sessions, authentication from <root>/etc/vireo,
 * options from conf (may be NULL): Security.AccountLockFailures,
 * Security.AccountUnlockTime (s),
 * Config.HostAgent.vmacore.soap.sessionTimeout (session idle minutes, 0:
 * never) and Config.HostAgent.vmacore.soap.maxSessionCount.  base may be
 * NULL (no expiry timer: sessions expire lazily).  NULL with *cause on a
 * bad option.
 */
struct hostd_soap	*hostd_soap_create(struct event_base *,
			    const char *root, const struct cfg *conf,
			    char **cause);
void			 hostd_soap_free(struct hostd_soap *);
struct hostd_sessions	*hostd_soap_sessions(struct hostd_soap *);
struct account	*hostd_soap_auth(struct hostd_soap *);
/*
 * Handle one request body without the network: the HTTP status (200 or
 * 500) in *status, the response appended to out, and the Set-Cookie
 * value (caller frees) or NULL in *setcookie.  info's ci_body/ci_len are
 * ignored (body and len are used).  hostd_soap_req_can_defer is 0 here:
 * a handler that would defer must answer at once instead.
 */
void			 hostd_soap_process(struct hostd_soap *,
			    const char *body, size_t len,
			    const struct hostd_call_info *info, int *status,
			    struct evbuffer *out, char **setcookie);
int			 hostd_soap_req_can_defer(struct hostd_soap_req *);
/* Answer a deferred request (r_result or r_fault set) and free it. */
void			 hostd_soap_req_finish(struct hostd_soap_req *);

/* mo-serviceinstance.c ------------------------------------------------ */

extern const struct hostd_soap_method hostd_mo_serviceinstance_methods[];
/* A new ServiceContent (also ServiceInstance.content for the collector). */
struct hostd_val	*hostd_mo_serviceinstance_content(void);

/* mo-sessionmanager.c ------------------------------------------------- */

extern const struct hostd_soap_method hostd_mo_sessionmanager_methods[];
/* SessionManager.currentSession for s (NULL: unset), sessionList. */
struct hostd_val	*hostd_mo_sessionmanager_current(
			    struct hostd_session *);
struct hostd_val	*hostd_mo_sessionmanager_list(struct hostd_soap *);

/* inventory.c --------------------------------------------------------- */

/*
 * The managed-object registry of the standalone host (vi-api.md §4.1):
 * every object the PropertyCollector can read, inventory entities and
 * managers alike, by (type, id).  Types form a table {name, supertype,
 * property table}; a property is a getter producing a new hostd_val (NULL:
 * unset).  Session-scoped objects (views, filters, created collectors)
 * carry the owning session's key and are invisible to other sessions.
 * Whoever changes something a property shows calls hostd_inventory_changed
 * so that pending WaitForUpdates are re-evaluated.
 */
struct hostd_inventory;
struct hostd_mo;

/* What a getter sees. */
struct hostd_inventory_ctx {
	struct hostd_inventory	*ic_inv;
	struct hostd_soap	*ic_soap;	/* may be NULL (unit tests) */
	struct hostd_mo		*ic_mo;
	struct hostd_session	*ic_session;	/* the caller, or NULL */
	const struct hostd_inventory_prop *ic_prop;	/* being read */
};

struct hostd_inventory_prop {
	const char		*ip_name;	/* top-level property */
	struct hostd_val	*(*ip_get)(const struct hostd_inventory_ctx *);
	const char		*ip_priv;	/* privilege, or NULL */
	/*
	 * Optional: the value at sub (the path below the property,
	 * "powerState" for "runtime.powerState") without building the
	 * whole property, for the leaves clients poll across many objects.
	 * 1 with *out (new, or NULL: unset), or 0 when sub is not one of
	 * them (the whole value is built and walked).  Must agree with the
	 * walk of ip_get's value.
	 */
	int			 (*ip_sub)(const struct hostd_inventory_ctx *,
				    const char *sub, struct hostd_val **out);
};

struct hostd_inventory_type {
	const char			*it_name;
	const char			*it_parent;	/* supertype, or NULL */
	/* Own properties, {NULL} ended; NULL: not modelled yet (any path
	 * is accepted and reads unset). */
	const struct hostd_inventory_prop *it_props;
};

struct hostd_mo {
	char				*mo_type;	/* concrete type */
	char				*mo_id;
	const struct hostd_inventory_type *mo_t;
	struct hostd_mo			*mo_parent;	/* entity parent */
	char				*mo_owner;	/* session key, or NULL */
	void				*mo_data;	/* the owner's */
	void				(*mo_data_free)(void *);
	struct hostd_mo			*mo_next;	/* registry order */
};

/* Fixed moids of a standalone host. */
#define HOSTD_MO_ROOT		"ha-folder-root"
#define HOSTD_MO_DATACENTER	"ha-datacenter"
#define HOSTD_MO_VMFOLDER	"ha-folder-vm"
#define HOSTD_MO_HOSTFOLDER	"ha-folder-host"
#define HOSTD_MO_DSFOLDER	"ha-folder-datastore"
#define HOSTD_MO_NETFOLDER	"ha-folder-network"
#define HOSTD_MO_COMPUTE	"ha-compute-res"
#define HOSTD_MO_HOST		"ha-host"
#define HOSTD_MO_POOL		"ha-root-pool"
#define HOSTD_MO_PC		"ha-property-collector"

/*
 * The registry with the fixed tree, the managers (ServiceInstance,
 * SessionManager, ha-property-collector, ViewManager, ha-searchindex),
 * the datastore of conf (datastore.name, datastore.path under root) and
 * the networks ("VM Network", one per Linux bridge).  base may be NULL
 * (no deferred change notification).  Never NULL.
 */
struct hostd_inventory	*hostd_inventory_create(struct event_base *,
			    const char *root, const struct cfg *conf);
void			 hostd_inventory_free(struct hostd_inventory *);
struct event_base	*hostd_inventory_base(struct hostd_inventory *);
/* The head of dsjob.c's list of running jobs. */
struct hostd_dsjob	**hostd_inventory_dsjobs(struct hostd_inventory *);
const char		*hostd_inventory_rootdir(struct hostd_inventory *);
/* The type named name, or NULL. */
const struct hostd_inventory_type *hostd_inventory_type(const char *name);
/* 1 if type is super or one of its subtypes. */
int			 hostd_inventory_is_a(const char *type,
			    const char *super);
/* The property name of t or a supertype; NULL if none. */
const struct hostd_inventory_prop *hostd_inventory_prop(
			    const struct hostd_inventory_type *,
			    const char *name);
/*
 * The same for a registered object, through the registry's index (no
 * walk of the type table: what per-object loops should call).
 * hostd_inventory_mo_is_a is 1 if mo's type is super or a subtype of it.
 */
int			 hostd_inventory_mo_is_a(
			    const struct hostd_inventory *,
			    const struct hostd_mo *, const char *super);
const struct hostd_inventory_prop *hostd_inventory_mo_prop(
			    const struct hostd_inventory *,
			    const struct hostd_mo *, const char *name);
/*
 * Type matching for loops over many objects: hostd_inventory_type_mask
 * is the bit of type super (0 if unknown), and mo is a super exactly
 * when hostd_inventory_mo_isa(inv, mo) & that bit is not 0.
 */
uint64_t		 hostd_inventory_type_mask(
			    const struct hostd_inventory *,
			    const char *super);
uint64_t		 hostd_inventory_mo_isa(
			    const struct hostd_inventory *,
			    const struct hostd_mo *);
/*
 * Register an object of a type in the type table under parent (an entity
 * parent, or NULL), owned by session key owner (NULL: global).  data is
 * freed with data_free (may be NULL) when the object goes.  NULL with
 * errno EEXIST (id taken) or EINVAL (unknown type).  Call
 * hostd_inventory_changed(inv, parent, "childEntity") after adding an entity.
 */
struct hostd_mo		*hostd_inventory_register(struct hostd_inventory *,
			    const char *type, const char *id,
			    struct hostd_mo *parent, const char *owner,
			    void *data, void (*data_free)(void *));
/* Remove mo (children lose their parent) and notify a change. */
void			 hostd_inventory_unregister(struct hostd_inventory *,
			    struct hostd_mo *);
/* Remove every object owned by session key owner. */
void			 hostd_inventory_unregister_owner(
			    struct hostd_inventory *, const char *owner);
/*
 * The object id whose type is type or a subtype (type NULL: any), visible
 * to session s (NULL: global objects only); NULL if none.
 */
struct hostd_mo		*hostd_inventory_find(struct hostd_inventory *,
			    const char *type, const char *id,
			    const struct hostd_session *s);
/* Walk in registration order: first with prev NULL. */
struct hostd_mo		*hostd_inventory_next(struct hostd_inventory *,
			    struct hostd_mo *prev);
/* All objects of type (or a subtype) visible to s, as a MoRef array of
 * item type "ManagedObjectReference". */
struct hostd_val	*hostd_inventory_list(struct hostd_inventory *,
			    const char *type, const struct hostd_session *s);
/* Entities whose parent is mo, as a MoRef array. */
struct hostd_val	*hostd_inventory_children(struct hostd_inventory *,
			    struct hostd_mo *mo);
/*
 * Read dotted path on mo for session s: a new value, or NULL when unset
 * (or when a component is unset).  *invalid is set to 1 when the first
 * component is not a property of mo's type.
 */
struct hostd_val	*hostd_inventory_get(struct hostd_inventory *,
			    struct hostd_soap *, struct hostd_mo *,
			    struct hostd_session *, const char *path,
			    int *invalid);
/*
 * Something mo shows under path changed (mo and path may be NULL: "some
 * object").  Bumps the version and wakes the watchers (PropertyCollector
 * waits) on the next loop turn, or at once without an event base.
 */
void			 hostd_inventory_changed(struct hostd_inventory *,
			    struct hostd_mo *mo, const char *path);
uint64_t		 hostd_inventory_version(struct hostd_inventory *);
/* Watchers: cb(arg) runs after changes.  unwatch is safe from cb. */
void			 hostd_inventory_watch(struct hostd_inventory *,
			    void (*cb)(void *), void *arg);
void			 hostd_inventory_unwatch(struct hostd_inventory *,
			    void (*cb)(void *), void *arg);
/* The registry of hs (soap.c). */
struct hostd_inventory	*hostd_soap_inventory(struct hostd_soap *);

/* ManagedEntity properties every entity type shares (inventory.c). */
struct hostd_val	*hostd_inventory_get_name(
			    const struct hostd_inventory_ctx *);
struct hostd_val	*hostd_inventory_get_parent(
			    const struct hostd_inventory_ctx *);

/* mo-hostsystem.c, mo-datastore.c, mo-network.c ----------------------- */

extern const struct hostd_inventory_prop hostd_mo_hostsystem_props[];
extern const struct hostd_inventory_prop hostd_mo_datastore_props[];
extern const struct hostd_inventory_prop hostd_mo_network_props[];
/* The host's facts (from /proc and /sys; each call reads them again). */
struct hostd_mo_hostsystem_facts {
	int64_t		hf_memsize;	/* bytes */
	int		hf_pkgs, hf_cores, hf_threads;
	int64_t		hf_hz;
	char		hf_model[128];	/* CPU model name */
	char		hf_vendor[32];	/* "intel", "amd"... */
	int		hf_nics, hf_hbas;
	time_t		hf_boot;	/* realtime seconds */
};
void	hostd_mo_hostsystem_facts(struct hostd_mo_hostsystem_facts *);
/* The host's name (FQDN if known), for HostSystem and ComputeResource. */
void	hostd_mo_hostsystem_name(char *, size_t);
/* Data of a Datastore object: name and the directory it serves. */
struct hostd_mo_datastore {
	char	*ds_name;
	char	*ds_path;	/* absolute */
};
struct hostd_mo_datastore *hostd_mo_datastore_create(const char *name,
			    const char *path);
void			 hostd_mo_datastore_free(void *);
/* The moid of a datastore: a stable VMFS-UUID-like string (buf >= 40). */
void			 hostd_mo_datastore_id(const char *name,
			    const char *path, char *buf, size_t len);

/* mo-autostartmanager.c ----------------------------------------------- */

#define HOSTD_MO_AUTOSTART	"ha-autostart-mgr"
extern const struct hostd_inventory_prop hostd_mo_autostartmanager_props[];

/* propfilter.c -------------------------------------------------------- */

/*
 * The retrieval algorithm of vi-api.md §3.4 for one PropertyFilterSpec,
 * used by RetrieveProperties and by filters.  Specs are normalized first
 * into a typed, validated copy (booleans as booleans, TraversalSpecs
 * typed, names resolved).
 */
struct hostd_propfilter_prop {
	char			*pp_name;	/* path as requested */
	struct hostd_val	*pp_val;	/* value, or the
						 * LocalizedMethodFault of a
						 * missing property */
	char			*pp_ser;	/* serialized, for diffs */
};

struct hostd_propfilter_obj {
	char				*po_type;
	char				*po_id;		/* in po_type's block */
	struct hostd_propfilter_prop	*po_props;
	size_t				 po_nprops;
	struct hostd_propfilter_prop	*po_missing;
	size_t				 po_nmissing;
};

struct hostd_propfilter_result {
	struct hostd_propfilter_obj	*pr_objs;
	size_t				 pr_nobjs;
};

/* Most objects one evaluation may visit or report. */
#define HOSTD_PROPFILTER_MAX_OBJECTS	100000

/*
 * A typed copy of the request value spec (a PropertyFilterSpec), or NULL
 * with *fault (InvalidArgument, InvalidProperty).
 */
struct hostd_val	*hostd_propfilter_normalize(const struct hostd_val *,
			    struct hostd_fault **);
/*
 * Add the objects of normalized spec to res (merged by MoRef).  lenient:
 * starting objects that do not exist are skipped (filters) instead of
 * failing with ManagedObjectNotFound.  ser: also fill pp_ser.  0, or -1
 * with *fault.
 */
int			 hostd_propfilter_eval(struct hostd_inventory *,
			    struct hostd_soap *, struct hostd_session *,
			    const struct hostd_val *spec, int lenient, int ser,
			    struct hostd_propfilter_result *,
			    struct hostd_fault **);
void			 hostd_propfilter_result_clear(
			    struct hostd_propfilter_result *);
/* The ObjectContent of o, written ahead through b (a HOSTD_VAL_XML). */
struct hostd_val	*hostd_propfilter_content(
			    struct hostd_propfilter_obj *,
			    struct hostd_val_buf *);
/* v serialized (as an anyType value) in a new string. */
char			*hostd_propfilter_serialize(const struct hostd_val *);

/* mo-propertycollector.c, mo-propertyfilter.c ------------------------- */

extern const struct hostd_soap_method hostd_mo_propertycollector_methods[];
extern const struct hostd_soap_method hostd_mo_propertyfilter_methods[];
extern const struct hostd_inventory_prop hostd_mo_propertycollector_props[];
extern const struct hostd_inventory_prop hostd_mo_propertyfilter_props[];
/*
 * The session's PropertyCollector/ViewManager state (the session slot),
 * created on first use; its destructor cancels pending waits and removes
 * the session's views, filters and collectors.
 */
void	hostd_mo_propertycollector_slot(struct hostd_soap *,
	    struct hostd_session *);
/* DestroyPropertyFilter: remove the filter mo (a PropertyFilter). */
void	hostd_mo_propertycollector_filter_destroy(struct hostd_mo *);
/* A filter's spec (spec 1) or partialUpdates (spec 0), new values. */
struct hostd_val *hostd_mo_propertycollector_filter_prop(struct hostd_mo *,
	    int spec);

/* mo-viewmanager.c, mo-containerview.c, mo-listview.c ----------------- */

extern const struct hostd_soap_method hostd_mo_viewmanager_methods[];
extern const struct hostd_soap_method hostd_mo_containerview_methods[];
extern const struct hostd_soap_method hostd_mo_listview_methods[];
extern const struct hostd_inventory_prop hostd_mo_viewmanager_props[];
extern const struct hostd_inventory_prop hostd_mo_containerview_props[];
extern const struct hostd_inventory_prop hostd_mo_listview_props[];
/* Most views a session may hold. */
#define HOSTD_VIEW_MAX		256
/* A new session-scoped moid "session[<key>]<uuid>" (caller frees). */
char	*hostd_mo_viewmanager_newid(const struct hostd_session *);
/* ContainerView data. */
struct hostd_mo_containerview {
	char	*cv_type;	/* container's */
	char	*cv_id;
	char	**cv_types;	/* NULL-terminated; empty: all */
	int	 cv_recursive;
};
void	hostd_mo_containerview_free(void *);
/* A ListView's objects: a MoRef array (the data of a ListView mo). */

/* view.c -------------------------------------------------------------- */

/*
 * DestroyView for the method tables of both views: unregisters the view
 * of the row's type (sm_this) named by _this, or sets ManagedObjectNotFound.
 * Its parameter list is hostd_view_none.
 */
int	hostd_view_destroy(struct hostd_soap_req *);
extern const struct hostd_soap_param hostd_view_none[];

/* mo-searchindex.c ---------------------------------------------------- */

extern const struct hostd_soap_method hostd_mo_searchindex_methods[];
/* The entity children FindChild and FindByInventoryPath look at. */
struct hostd_val	*hostd_mo_searchindex_children(
			    struct hostd_inventory *, struct hostd_mo *);

/* task.c, mo-task.c, mo-taskmanager.c --------------------------------- */

/*
 * Tasks (vi-api.md §5.1): a Task managed object per *_Task call, moid
 * "haTask-<entity>-vim.<descriptionId>-<n>", its TaskInfo as mo_data,
 * moving queued -> running -> success | error; every change is notified
 * as "info" (the whole TaskInfo, rule 15).  Finished tasks stay readable
 * for HOSTD_TASK_KEEP seconds, then go.  The TaskManager ha-taskmgr
 * (registered by hostd_task_setup) lists them in recentTask.  Functions
 * taking a task id do nothing when the task is gone.
 */
#define HOSTD_TASK_KEEP		600	/* s, ESX's recent-task window */

enum hostd_task_state {
	HOSTD_TASK_QUEUED,
	HOSTD_TASK_RUNNING,
	HOSTD_TASK_SUCCESS,
	HOSTD_TASK_ERROR
};

struct hostd_task {
	char			*t_id;
	char			*t_name;	/* WSDL method name */
	char			*t_descid;	/* "VirtualMachine.powerOn" */
	char			*t_etype;	/* entity, or NULL */
	char			*t_eid;
	char			*t_ename;
	char			*t_user;	/* TaskReasonUser.userName */
	enum hostd_task_state	 t_state;
	struct hostd_val	*t_result;	/* anyType, or NULL */
	struct hostd_val	*t_error;	/* LocalizedMethodFault */
	struct timespec		 t_queued, t_started, t_completed;
	time_t			 t_done;	/* monotonic, when finished */
	int32_t			 t_chain;	/* eventChainId */
	int32_t			 t_progress;	/* 0-100 while running */
};

/* Register ha-taskmgr (with the retention timer on the inventory's
 * base, if any).  Called once, after hostd_inventory_create. */
void		 hostd_task_setup(struct hostd_inventory *);
/*
 * A new queued task for method (WSDL name) with descriptionId descid on
 * entity (a ManagedEntity, or NULL), for user.  Returns its moid
 * (borrowed from the task; copy it to keep it across loop turns).
 */
const char	*hostd_task_create(struct hostd_inventory *,
		    const char *method, const char *descid,
		    struct hostd_mo *entity, const char *user);
void		 hostd_task_start(struct hostd_inventory *, const char *id);
/* Finish with result (taken, may be NULL), or with fault f (taken). */
void		 hostd_task_succeed(struct hostd_inventory *, const char *id,
		    struct hostd_val *result);
void		 hostd_task_fail(struct hostd_inventory *, const char *id,
		    struct hostd_fault *f);
/* Report progress pct (0-100) of a running task; notifies on change. */
void		 hostd_task_progress(struct hostd_inventory *,
		    const char *id, int pct);
/* The task's TaskInfo, a new value. */
struct hostd_val *hostd_task_info(const struct hostd_task *);
/* Remove finished tasks older than HOSTD_TASK_KEEP; how many went. */
size_t		 hostd_task_expire(struct hostd_inventory *, time_t now);

extern const struct hostd_inventory_prop hostd_mo_task_props[];
extern const struct hostd_soap_method hostd_mo_task_methods[];
extern const struct hostd_inventory_prop hostd_mo_taskmanager_props[];

/* mo-virtualmachine.c ------------------------------------------------- */

/*
 * VirtualMachine objects (vi-api.md §4.3, §5.5), one per entry of
 * var/lib/vireo/inventory.xml:
 *	<ConfigRoot><ConfigEntry id="0001"><objID>1</objID>
 *	<vmxCfgPath>/abs/path/demo.vmx</vmxCfgPath></ConfigEntry>...
 * (ESX's vmInventory.xml), the moid being objID.  The data below is the
 * object's mo_data; the power state is vmx's, set by vmxlink.c.
 */
struct hostd_mo_virtualmachine {
	char			*vm_id;
	char			*vm_path;	/* absolute .vmx path */
	char			*vm_dspath;	/* "[datastore1] demo/demo.vmx"
						   or the absolute path */
	char			*vm_dsid;	/* its Datastore, or NULL */
	char			*vm_name;
	char			*vm_guestos;	/* the .vmx guestOS */
	char			*vm_hwversion;	/* "vmx-19" */
	char			*vm_uuid;	/* uuid.bios, formatted */
	char			*vm_instuuid;	/* vc.uuid, or derived */
	int32_t			 vm_ncpus;
	int32_t			 vm_memmb;
	int32_t			 vm_nnics;
	int32_t			 vm_ndisks;
	int			 vm_power;	/* PROTO_VMX_POWERED_* */
	time_t			 vm_boottime;	/* realtime, while on */
	time_t			 vm_suspendtime;
	struct timespec		 vm_modified;
	struct hostd_vmxlink	*vm_vl;		/* borrowed */
	struct cfg		*vm_cfg;	/* the .vmx as last read */
	struct hostd_val	*vm_devices;	/* config.hardware.device */
	int			 vm_devpower;	/* vm_power it was built at */
	int			 vm_snapbusy;	/* a snapshot operation runs
						   (mo-virtualmachinesnapshot.c) */
	int			 vm_diskbusy;	/* ReconfigVM_Task zeroes a
						   new disk (TaskInProgress) */
};

extern const struct hostd_inventory_prop hostd_mo_virtualmachine_props[];
extern const struct hostd_soap_method hostd_mo_virtualmachine_methods[];
/*
 * Read <root>/var/lib/vireo/inventory.xml and register its VMs under
 * ha-folder-vm (a VM whose .vmx cannot be read is logged and skipped).
 * 0, or -1 with *cause when the file cannot be parsed (missing: 0).
 */
int	hostd_mo_virtualmachine_load(struct hostd_inventory *,
	    struct hostd_vmxlink *, char **cause);
/* Write inventory.xml from the registered VMs, atomically.  0 or -1. */
int	hostd_mo_virtualmachine_save(struct hostd_inventory *, char **cause);
/* Re-read the .vmx of vm (name, memory...).  0, or -1 with *cause. */
int	hostd_mo_virtualmachine_reload(struct hostd_mo_virtualmachine *,
	    char **cause);
/* Set the power state (PROTO_VMX_POWERED_*), boot time (0: now) and
 * notify runtime, summary and guest. */
void	hostd_mo_virtualmachine_set_power(struct hostd_inventory *,
	    struct hostd_mo *, int power, time_t boottime);
/* The vim25 name of a PROTO_VMX_POWERED_* state. */
const char *hostd_mo_virtualmachine_power_name(int);
/* The .vmss of vm if it has one (caller frees), else NULL. */
char	*hostd_mo_virtualmachine_vmss(const struct hostd_mo_virtualmachine *);

/* vmxlink.c ----------------------------------------------------------- */

/*
 * hostd's side of vmx (DESIGN.md): power on forks and execs vmx, waits
 * (on a timer) for its control socket run/vireo/vmx/<id>.sock, links to
 * it and follows its state; the other operations are requests on the
 * link.  At start every live socket is re-attached.  The task of an
 * operation is finished when vmx's state shows it done.
 */
#define HOSTD_VMXLINK_ON	1	/* PowerOnVM_Task */
#define HOSTD_VMXLINK_OFF	2	/* PowerOffVM_Task */
#define HOSTD_VMXLINK_RESET	3	/* ResetVM_Task */
#define HOSTD_VMXLINK_SUSPEND	4	/* SuspendVM_Task */
#define HOSTD_VMXLINK_SHUTDOWN	5	/* ShutdownGuest: ACPI power button */
#define HOSTD_VMXLINK_REBOOT	6	/* RebootGuest: hard reset */

/* Seconds a new vmx has to open its control socket. */
#define HOSTD_VMXLINK_START_TIMEOUT	60

/*
 * Load the VMs of hs's inventory (hostd_mo_virtualmachine_load), watch
 * SIGCHLD on base and re-attach to the live vmx sockets under root.  vmx
 * is the program to run.  Power events go to hs's event log.  NULL with
 * *cause.
 */
struct hostd_vmxlink *hostd_vmxlink_create(struct event_base *,
	    struct hostd_soap *, const char *root, const char *vmx,
	    char **cause);
/* Close the links; the vmx processes run on.  Accepts NULL. */
void	hostd_vmxlink_free(struct hostd_vmxlink *);
/* 1 while an operation with a task is in progress on VM id. */
int	hostd_vmxlink_busy(struct hostd_vmxlink *, const char *id);
/*
 * Start operation op (HOSTD_VMXLINK_*) on VM id; task (may be NULL) is
 * finished when it is done.  0, or -1 with *cause (nothing started).
 */
int	hostd_vmxlink_power(struct hostd_vmxlink *, const char *id, int op,
	    const char *task, char **cause);

/* ServiceInstance and SessionManager properties (inventory.c). */
extern const struct hostd_inventory_prop hostd_inventory_si_props[];
extern const struct hostd_inventory_prop hostd_inventory_sm_props[];

/* event.c ------------------------------------------------------------- */

/*
 * The host's event log: a bounded ring (HOSTD_EVENT_MAX, oldest dropped)
 * of vim25 Event objects, read by the EventManager (mo-eventmanager.c).
 * Keys grow from 1; an event is its own chain (chainId = key).
 */
#define HOSTD_EVENT_MAX		1000	/* events kept */

struct hostd_event {
	int32_t			 ev_key;
	const char		*ev_type;	/* "VmPoweredOnEvent" (table) */
	struct timespec		 ev_time;	/* realtime */
	char			*ev_user;	/* owned, "" for the system */
	char			*ev_vm;		/* VM moid, owned, or NULL */
	char			*ev_vmname;	/* owned, or NULL */
	char			*ev_msg;	/* fullFormattedMessage, owned */
	char			*ev_ip;		/* session events, or NULL */
	char			*ev_agent;	/* session events, or NULL */
	char			*ev_locale;	/* session events, or NULL */
	char			*ev_session;	/* UserSession key, or NULL */
	int64_t			 ev_calls;	/* logout: callCount */
	struct timespec		 ev_login;	/* logout: loginTime */
	struct hostd_val	*ev_extra;	/* owned, or NULL: the fields
						 * of account events */
};

struct hostd_event_log;

struct hostd_event_log	*hostd_event_log_create(size_t max);
void			 hostd_event_log_free(struct hostd_event_log *);
/* The log of hs (soap.c). */
struct hostd_event_log	*hostd_soap_events(struct hostd_soap *);
/*
 * Record an event of type type (a vim25 Event subtype from the table in
 * event.c: VmPoweredOnEvent, VmPoweredOffEvent, VmSuspendedEvent,
 * VmResettingEvent, VmStartingEvent, VmStoppingEvent, VmCreatedEvent,
 * VmRegisteredEvent, VmRemovedEvent, VmGuestShutdownEvent, ...) about
 * VirtualMachine vm (NULL for host events) by user (NULL: the system);
 * the message is printf'd from fmt.  Returns the event key, or -1 (errno
 * EINVAL) for an unknown type, which is logged.  Wakes property waits on
 * ha-eventmgr latestEvent.
 */
int32_t			 hostd_event_post(struct hostd_soap *,
			    const char *type, struct hostd_mo *vm,
			    const char *user, const char *fmt, ...)
			    __attribute__((format(printf, 5, 6)));
/*
 * An event whose type-specific fields are those of object extra (taken,
 * written after Event's fields): AccountCreatedEvent (spec, group),
 * AccountRemovedEvent (account, group), AccountUpdatedEvent (spec, group,
 * prevDescription), UserPasswordChanged (userLogin).  As hostd_event_post.
 */
int32_t			 hostd_event_post_extra(struct hostd_soap *,
			    const char *type, struct hostd_val *extra,
			    const char *user, const char *fmt, ...)
			    __attribute__((format(printf, 5, 6)));
/*
 * A VmEvent about vm with its type's own fields from object extra (taken,
 * written after VmEvent's with their declared types): VmReconfiguredEvent
 * (configSpec).  As hostd_event_post.
 */
int32_t			 hostd_event_post_vm(struct hostd_soap *,
			    const char *type, struct hostd_mo *vm,
			    struct hostd_val *extra, const char *user,
			    const char *fmt, ...)
			    __attribute__((format(printf, 6, 7)));
/* UserLoginSessionEvent / UserLogoutSessionEvent for s. */
void			 hostd_event_post_session(struct hostd_soap *,
			    const struct hostd_session *, int login);
/* Walk, newest first: first with prev NULL; NULL at the end. */
const struct hostd_event *hostd_event_prev(struct hostd_event_log *,
			    const struct hostd_event *);
/* The event with key key, or NULL. */
const struct hostd_event *hostd_event_find(struct hostd_event_log *,
			    int32_t key);
/* A new Event data object (of the event's own type) for ev. */
struct hostd_val	*hostd_event_to_val(const struct hostd_event *);

/* mo-eventmanager.c --------------------------------------------------- */

extern const struct hostd_soap_method hostd_mo_eventmanager_methods[];
extern const struct hostd_soap_method hostd_mo_eventcollector_methods[];
extern const struct hostd_inventory_prop hostd_mo_eventmanager_props[];
extern const struct hostd_inventory_prop hostd_mo_eventcollector_props[];

/* authz.c ------------------------------------------------------------- */

/*
 * Roles, privileges and permissions (vi-api.md §6.3).  The privileges
 * and the system roles are fixed tables; custom roles (ids from 10) and
 * the permissions live in <root>/etc/vireo/authorization.xml, loaded at
 * start and replaced atomically on every change.  Evaluation: the
 * nearest permission up the entity parent chain (the entity's own, or an
 * ancestor's with propagate), a user's permission before its groups'
 * (whose roles are united); no permission: no privilege at all, except
 * System.Anonymous, which every caller holds.  root is always Admin.
 * Objects that are not entities (managers) take the root folder's
 * permissions.
 */
#define HOSTD_AUTHZ_ADMIN	(-1)
#define HOSTD_AUTHZ_READONLY	(-2)
#define HOSTD_AUTHZ_VIEW	(-3)
#define HOSTD_AUTHZ_ANONYMOUS	(-4)
#define HOSTD_AUTHZ_NOACCESS	(-5)
#define HOSTD_AUTHZ_NOCRYPTO	(-6)
#define HOSTD_AUTHZ_FIRST_ID	10	/* first custom role id */
#define HOSTD_AUTHZ_MAX_ROLES	1000
#define HOSTD_AUTHZ_MAX_PERMS	10000

struct hostd_authz;

struct hostd_authz_priv {
	const char	*ap_id;		/* "VirtualMachine.Interact.PowerOn" */
	int		 ap_onparent;
};

struct hostd_authz_role {
	int32_t		  ar_id;
	int		  ar_system;
	char		 *ar_name;
	char		 *ar_label;
	char		 *ar_summary;
	char		**ar_privs;	/* sorted, NULL-terminated */
	size_t		  ar_nprivs;
};

struct hostd_authz_perm {
	char		*pe_type;	/* entity type */
	char		*pe_id;		/* entity moid */
	char		*pe_principal;
	int		 pe_group;
	int32_t		 pe_role;
	int		 pe_propagate;
};

/* The privilege table, {NULL} ended. */
extern const struct hostd_authz_priv hostd_authz_privileges[];

/*
 * Load <root>/etc/vireo/authorization.xml (root NULL: in memory only,
 * for tests; a missing file: no permissions).  NULL with *cause
 * "path:line:col: message" on a bad file.
 */
struct hostd_authz	*hostd_authz_create(const char *root, char **cause);
void			 hostd_authz_free(struct hostd_authz *);
/* The contents of a fresh file: root is Admin on the root folder. */
const char		*hostd_authz_default(void);
/* 1 if priv is a known privilege id. */
int			 hostd_authz_priv_known(const char *);
/* Role id, or NULL; walk with hostd_authz_role_next (prev NULL: first). */
const struct hostd_authz_role *hostd_authz_role(struct hostd_authz *,
			    int32_t);
const struct hostd_authz_role *hostd_authz_role_by_name(
			    struct hostd_authz *, const char *);
const struct hostd_authz_role *hostd_authz_role_next(struct hostd_authz *,
			    const struct hostd_authz_role *);
/* 1 if role r holds priv. */
int			 hostd_authz_role_has(const struct hostd_authz_role *,
			    const char *priv);
/*
 * Add a custom role (privs NULL-terminated, validated; the System.*
 * three are added): the new id, or -1 with errno EEXIST (name taken),
 * EINVAL (bad privilege: *badpriv points to it, or bad name), ENOSPC.
 */
int32_t			 hostd_authz_role_add(struct hostd_authz *,
			    const char *name, char *const *privs,
			    const char **badpriv);
/* newname NULL: keep; privs NULL: keep.  0 or -1 errno ENOENT, EINVAL
 * (system role, bad privilege), EEXIST. */
int			 hostd_authz_role_update(struct hostd_authz *,
			    int32_t id, const char *newname,
			    char *const *privs, const char **badpriv);
/* 0 or -1 errno ENOENT, EINVAL (system role), EBUSY (in use and
 * failifused; otherwise its permissions go too). */
int			 hostd_authz_role_remove(struct hostd_authz *,
			    int32_t id, int failifused);
/* Walk every permission (prev NULL: first). */
const struct hostd_authz_perm *hostd_authz_perm_next(struct hostd_authz *,
			    const struct hostd_authz_perm *);
/* Add or replace the permission of (principal, group) on the entity.
 * 0 or -1 errno ENOENT (role), ENOSPC. */
int			 hostd_authz_perm_set(struct hostd_authz *,
			    const char *type, const char *id,
			    const char *principal, int group, int32_t role,
			    int propagate);
/* 0 or -1 errno ENOENT. */
int			 hostd_authz_perm_remove(struct hostd_authz *,
			    const char *id, const char *principal, int group);
/* Write the file atomically (no-op without a root).  0 or -1 + *cause. */
int			 hostd_authz_save(struct hostd_authz *, char **cause);
/*
 * The roles in effect for user (member of groups, NULL-terminated, may be
 * NULL) on mo: up to max ids into roles; returns how many (0: none).
 */
size_t			 hostd_authz_effective(struct hostd_authz *,
			    struct hostd_mo *, const char *user,
			    char *const *groups, int32_t *roles, size_t max);
/* 1 if user (with groups) holds priv on mo (NULL: the root folder). */
int			 hostd_authz_check(struct hostd_authz *,
			    struct hostd_inventory *, struct hostd_mo *,
			    const char *user, char *const *groups,
			    const char *priv);
/* The authorization state of hs (soap.c). */
struct hostd_authz	*hostd_soap_authz(struct hostd_soap *);
/*
 * The groups of s's user (NULL-terminated, or NULL: none, no such user),
 * cached in s and valid until the next call of this for s.  The account
 * files are looked at (a stat, lib/account.c's account_refresh) at most
 * once per call of the session and once a second between calls (pending
 * WaitForUpdates), and read again only when they changed; hostd's own
 * account changes are seen at once.
 */
char *const		*hostd_authz_groups(struct hostd_soap *,
			    struct hostd_session *);
/*
 * 1 if session s (NULL: anonymous) holds priv on mo (NULL: the root
 * folder); groups from hostd_authz_groups.  The check for handlers.
 */
int			 hostd_authz_allowed(struct hostd_soap *,
			    struct hostd_session *, struct hostd_mo *,
			    const char *priv);
/*
 * The check for a handler acting on entity mo (NULL: the root folder):
 * 0 if allowed, else -1 with req->r_fault a NoPermission fault naming
 * the object and the privilege.
 */
int			 hostd_authz_req_check(struct hostd_soap_req *,
			    struct hostd_mo *, const char *priv);

/* mo-authorizationmanager.c ------------------------------------------- */

extern const struct hostd_soap_method hostd_mo_authorizationmanager_methods[];
extern const struct hostd_inventory_prop hostd_mo_authorizationmanager_props[];
/* ManagedEntity.effectiveRole and .permission of ctx's object. */
struct hostd_val	*hostd_mo_authorizationmanager_effective(
			    const struct hostd_inventory_ctx *);
struct hostd_val	*hostd_mo_authorizationmanager_entity_perms(
			    const struct hostd_inventory_ctx *);

/* vmstats.c (performance and statistics) ---------------------------- */

struct hostd_vmstats;

/* The per-VM CPU samples of quickStats; never NULL. */
struct hostd_vmstats	*hostd_vmstats_create(void);
void			 hostd_vmstats_free(struct hostd_vmstats *);
/* The table of hs (soap.c). */
struct hostd_vmstats	*hostd_soap_vmstats(struct hostd_soap *);
/*
 * A new VirtualMachineQuickStats for vm, from its vmx process (zeros
 * while it is not powered on).  c->ic_soap may be NULL (no CPU rate).
 */
struct hostd_val	*hostd_vmstats_quick(const struct hostd_inventory_ctx *,
			    const struct hostd_mo_virtualmachine *);
/* The pid of VM id's vmx (the linked peer, else our child), or -1. */
pid_t			 hostd_vmxlink_pid(struct hostd_vmxlink *,
			    const char *id);

/* dspath.c, dsfile.c, mo-filemanager.c, mo-virtualdiskmanager.c,
 * mo-hostdatastorebrowser.c (datastore files) ----------------------- */

/*
 * Datastore paths "[ds] dir/file" (vi-api.md section 7.2).
 * hostd_dspath_rel_ok: 1 if rel is "" or a relative path with no empty,
 * "." or ".." component, no backslash and no control byte.
 * hostd_dspath_parse: split s into the datastore name and the relative
 * path (trailing slashes dropped), both new strings; 0, or -1 with errno
 * EINVAL (malformed: fault InvalidDatastorePath).
 * hostd_dspath_datastore: the Datastore object named name, or NULL.
 * hostd_dspath_join: ds_path "/" rel, a new string.
 * hostd_dspath_resolve: the absolute path of dspath inside its datastore
 * (a new string), *ds its Datastore and *rel (new, may be NULL) the
 * relative path; NULL with errno EINVAL (malformed), ENXIO (no such
 * datastore) or ELOOP (a component is a symbolic link).  The last
 * component need not exist.
 * hostd_dspath_open: open rel under the datastore walking with
 * openat(O_NOFOLLOW) (no link anywhere, no TOCTOU); -1 with errno.
 * hostd_dspath_fault: the ESX fault for errno error on dspath
 * (FileNotFound, FileAlreadyExists, InvalidDatastorePath,
 * InvalidDatastore, CannotDeleteFile when deleting, FileFault, NoDiskSpace).
 */
struct hostd_mo_datastore;
int			 hostd_dspath_rel_ok(const char *rel);
int			 hostd_dspath_parse(const char *s, char **ds,
			    char **rel);
struct hostd_mo		*hostd_dspath_datastore(struct hostd_inventory *,
			    const char *name);
char			*hostd_dspath_join(const struct hostd_mo_datastore *,
			    const char *rel);
char			*hostd_dspath_resolve(struct hostd_inventory *,
			    const char *dspath, struct hostd_mo **ds,
			    char **rel);
int			 hostd_dspath_open(const struct hostd_mo_datastore *,
			    const char *rel, int flags, unsigned int mode);
struct hostd_fault	*hostd_dspath_fault(int error, const char *dspath,
			    int deleting);
/*
 * For a SOAP handler: resolve dspath and check that the caller holds priv
 * (NULL: none) on its datastore.  The absolute path (new), *ds and *rel
 * (new, may be NULL) as hostd_dspath_resolve, or NULL with req->r_fault
 * set (InvalidArgument, InvalidDatastorePath, InvalidDatastore,
 * NoPermission).
 */
struct hostd_soap_req;
char			*hostd_dspath_req(struct hostd_soap_req *,
			    const char *dspath, const char *priv,
			    struct hostd_mo **ds, char **rel);

/*
 * /folder and /host (dsfile.c).  hostd_dsfile_wrap puts the upload filter
 * on a new connection's bufferevent (TLS or Unix listener) and returns
 * the bufferevent evhttp must use; hostd_dsfile_handle answers a request
 * whose path is /folder, /folder/..., /host or /host/... (possibly later:
 * uploads and downloads are streamed) and returns the HTTP status;
 * hostd_dsfile_free drops the connection registry (hostd_http_free).
 */
/*
 * Long datastore work (dsjob.c): start task (queued) and run step(arg)
 * once per loop turn until it returns 0 (done; *result, may stay NULL,
 * is the task's result) or -1 (*fault, the task's error); 1 means more,
 * with *pct the progress so far.  freefn(arg) runs once at the end.
 */
void			 hostd_dsjob_start(struct hostd_inventory *,
			    const char *task,
			    int (*step)(void *, int *, struct hostd_fault **,
			    struct hostd_val **), void (*freefn)(void *),
			    void *arg);
/* Free the jobs still running (hostd stops): their tasks stay running. */
void			 hostd_dsjob_abort_all(struct hostd_inventory *);
/* A range of a disk to write zeros over (eagerZeroedThick). */
struct hostd_dsjob_zero {
	char		*dz_path;	/* the disk's descriptor, absolute */
	uint64_t	 dz_off;	/* bytes */
	uint64_t	 dz_len;
};
/*
 * Write zeros over the n ranges (the array and its paths become the
 * job's) as the dsjob of task, a bounded amount per loop turn, each disk
 * flushed; then done(arg, &f, &result) runs once, with f NULL when every
 * range was written, else the fault that stopped the zeroing: done
 * returns 0 for the task to succeed with *result, or -1 with *f (kept,
 * replaced or set) for it to fail.  freefn(arg) runs after done.
 */
void			 hostd_dsjob_zero_start(struct hostd_inventory *,
			    const char *task, struct hostd_dsjob_zero *,
			    size_t n, int (*done)(void *,
			    struct hostd_fault **, struct hostd_val **),
			    void (*freefn)(void *), void *arg);
void			 hostd_dsjob_zero_free(struct hostd_dsjob_zero *,
			    size_t n);
/* The method tables and properties of the three managers. */
extern const struct hostd_soap_method hostd_mo_filemanager_methods[];
extern const struct hostd_soap_method hostd_mo_virtualdiskmanager_methods[];
extern const struct hostd_soap_method hostd_mo_hostdatastorebrowser_methods[];
extern const struct hostd_inventory_prop hostd_mo_hostdatastorebrowser_props[];
/* HostSystem.datastoreBrowser and Datastore.browser: the one browser. */
struct hostd_val	*hostd_mo_hostdatastorebrowser_ref(
			    const struct hostd_inventory_ctx *);
#define HOSTD_MO_FILEMANAGER	"ha-nfc-file-manager"
#define HOSTD_MO_VDISKMANAGER	"ha-vdiskmanager"
#define HOSTD_MO_DSBROWSER	"ha-host-datastorebrowser"

struct bufferevent;
struct evhttp_request;
struct bufferevent	*hostd_dsfile_wrap(struct hostd *, struct bufferevent *);
int			 hostd_dsfile_handle(struct hostd *,
			    struct evhttp_request *, const char *peer);
void			 hostd_dsfile_free(struct hostd *);

/* mo-folder.c, vmconfig.c, VM provisioning (mo-virtualmachine.c) ------ */

/* Folder methods: CreateVM_Task, RegisterVM_Task (vi-api.md §5.3, §5.4). */
extern const struct hostd_soap_method hostd_mo_folder_methods[];

/*
 * What applying a VirtualMachineConfigSpec did to files: the disk files
 * it created (removed by hostd_vmconfig_rollback when the change is
 * abandoned) and those it destroys (deleted by hostd_vmconfig_finish,
 * after the caller saved the new .vmx).
 */
struct hostd_vmconfig_change {
	char	**vc_created;
	size_t	  vc_ncreated;
	char	**vc_doomed;
	size_t	  vc_ndoomed;
	int	  vc_devices;	/* the device list changed */
	int	  vc_resized;	/* a disk grew */
	/* eagerZeroedThick disks, made DISK_PREALLOC_ZEROED: the caller
	 * writes their zeros (hostd_dsjob_zero_start) before saving */
	struct hostd_dsjob_zero	*vc_zero;
	size_t	  vc_nzero;
};

/*
 * Apply spec (a VirtualMachineConfigSpec) to cfg, the .vmx of vmpath held
 * in memory: name, guestId, memoryMB, numCPUs, numCoresPerSocket,
 * annotation, version, extraConfig (an empty value deletes the key) and
 * deviceChange (controllers, disks, NICs, serial ports; add, remove,
 * edit).  New disks are created at once and listed in chg.  0, or -1
 * with *f (InvalidArgument, InvalidDeviceSpec, InvalidDatastorePath,
 * FileAlreadyExists, ...); chg must then be rolled back.
 */
int	hostd_vmconfig_apply(struct hostd_inventory *, struct cfg *,
	    const char *vmpath, const struct hostd_val *spec,
	    struct hostd_vmconfig_change *chg, struct hostd_fault **f);
void	hostd_vmconfig_rollback(struct hostd_vmconfig_change *);
void	hostd_vmconfig_finish(struct hostd_vmconfig_change *);
/*
 * Write the zeros of chg's eagerZeroedThick ranges as task's dsjob
 * (hostd_dsjob_zero_start), which ends with done and freefn on arg.
 * The job may end before this returns: the caller must not touch arg
 * (nor chg, if arg holds it) afterwards.
 */
void	hostd_vmconfig_zero_start(struct hostd_inventory *, const char *task,
	    struct hostd_vmconfig_change *chg, int (*done)(void *,
	    struct hostd_fault **, struct hostd_val **),
	    void (*freefn)(void *), void *arg);
/* 1 if spec changes what ESX without hot-add refuses while powered on. */
int	hostd_vmconfig_needs_off(const struct hostd_val *spec);
/* The privileges spec needs on the VM (at most max); *space is set when
 * it allocates datastore space.  Returns how many. */
size_t	hostd_vmconfig_privs(const struct hostd_val *spec,
	    const char **privs, size_t max, int *space);
/*
 * config.hardware.device of a .vmx (ESX's keys and fixed devices); on: the
 * VM runs (connectable.connected); the disk and NIC counts are stored.
 */
/*
 * A copy of a parsed VirtualMachineConfigSpec that writes back with every
 * xsi:type pyVmomi needs (VmReconfiguredEvent.configSpec).
 */
struct hostd_val *hostd_vmconfig_spec_echo(const struct hostd_val *spec);
struct hostd_val *hostd_vmconfig_devices(struct hostd_inventory *,
	    const struct cfg *, const char *vmpath, int on, int *ndisks,
	    int *nnics);
/* "[ds] rel" for an absolute path inside a datastore (*ds set, may be
 * NULL), else a copy of abs (*ds NULL). */
char	*hostd_vmconfig_to_dspath(struct hostd_inventory *, const char *abs,
	    struct hostd_mo **ds);
/* A VM name as a file name (ESX's %xx escapes for '/', '%'...). */
char	*hostd_vmconfig_filename(const char *name);
/* A disk's files: the descriptor (or sparse file) and its extents. */
int	hostd_vmconfig_disk_files(const char *path, char ***files,
	    size_t *n);
void	hostd_vmconfig_free_list(char **, size_t);

/* The .vmx guestOS of a vim25 guestId ("otherGuest64"), or NULL. */
const char *hostd_mo_virtualmachine_guest_vmx(const char *guestid);
/*
 * Register the VM whose .vmx is path (absolute) under ha-folder-vm with a
 * new moid, and save inventory.xml.  The VM's object, or NULL with
 * *cause.
 */
struct hostd_mo *hostd_mo_virtualmachine_register(struct hostd_inventory *,
	    const char *path, char **cause);
/* The VM registered with .vmx path, or NULL. */
struct hostd_mo *hostd_mo_virtualmachine_by_path(struct hostd_inventory *,
	    const char *path);
/* The VM called name, or NULL. */
struct hostd_mo *hostd_mo_virtualmachine_by_name(struct hostd_inventory *,
	    const char *name);
/* The DuplicateName fault for name, which mo already has. */
struct hostd_fault *hostd_mo_virtualmachine_dupfault(const char *name,
	    struct hostd_mo *mo);
/*
 * A VM being created (CreateVM_Task zeroing its disks) is not registered
 * yet: hold keeps its name and .vmx path from other creations and
 * registrations until unhold.  held: the task holding name or path
 * (either may be NULL), or NULL.
 */
void	hostd_mo_virtualmachine_hold(struct hostd_inventory *,
	    const char *name, const char *path, const char *task);
void	hostd_mo_virtualmachine_unhold(struct hostd_inventory *,
	    const char *path);
const char *hostd_mo_virtualmachine_held(struct hostd_inventory *,
	    const char *name, const char *path);
/* The fault for name or path held by a creation (task). */
struct hostd_fault *hostd_mo_virtualmachine_heldfault(const char *name,
	    const char *task);
/* Datastore.vm and Network.vm: the VMs whose files live on of, or whose
 * NICs use of (a Datastore or a Network), as a MoRef array. */
struct hostd_val *hostd_mo_virtualmachine_using(struct hostd_inventory *,
	    struct hostd_mo *of);

/* ---- Accounts, configuration backup, persistent state ---------------
 * mo-hostlocalaccountmanager.c mo-userdirectory.c mo-hostfirmwaresystem.c
 * backup.c statesync.c
 */

extern const struct hostd_soap_method hostd_mo_hostlocalaccountmanager_methods[];
extern const struct hostd_inventory_prop hostd_mo_hostlocalaccountmanager_props[];
extern const struct hostd_soap_method hostd_mo_userdirectory_methods[];
extern const struct hostd_inventory_prop hostd_mo_userdirectory_props[];
extern const struct hostd_soap_method hostd_mo_hostfirmwaresystem_methods[];
extern const struct hostd_inventory_prop hostd_mo_hostfirmwaresystem_props[];

#define HOSTD_MO_FIRMWARE	"ha-firmwareSystem"

/* backup.c: the host's state files and the configuration bundle. */
#define HOSTD_BACKUP_FORMAT	1		/* Manifest.txt "format" */
#define HOSTD_BACKUP_FILE_MAX	(1024 * 1024)	/* bytes per state file */
#define HOSTD_BACKUP_MAX	(8 * 1024 * 1024)	/* bytes per bundle */
/* The state files, relative to --root, NULL-terminated. */
extern const char *const hostd_backup_files[];
/* Read a whole file of at most HOSTD_BACKUP_FILE_MAX bytes into *data
 * (caller frees).  0, or -1 with errno (ENOENT: missing) and *cause. */
int	hostd_backup_read_file(const char *path, char **data, size_t *len,
	    char **cause);
/* Mode a state file is written with (0600 for secrets, else 0644). */
int	hostd_backup_mode(const char *relpath);
/*
 * The bundle (gzip'd ustar: Manifest.txt, then the state files that
 * exist) of root's state for host, in *data (caller frees) and *len.  0,
 * or -1 with *cause.
 */
int	hostd_backup_create(const char *root, const char *host, void **data,
	    size_t *len, char **cause);
/*
 * Check the bundle (format, names, sizes, SHA-256 of every file, the
 * host name unless force) and only then write its files under root,
 * each atomically.  0, or -1 with errno EINVAL (bad bundle: nothing was
 * written) or an I/O errno, and *cause.
 */
int	hostd_backup_restore(const char *root, const void *data, size_t len,
	    const char *host, int force, char **cause);

/* statesync.c: the persistent copy of the state files (state.dir). */
#define HOSTD_STATESYNC_INTERVAL	60	/* s, state.interval default */
struct hostd_statesync;
/*
 * Copy every state file missing under root from dir (start-up, before
 * first boot fills the gaps).  The number copied, or -1 with *cause.
 */
int	hostd_statesync_restore(const char *root, const char *dir,
	    char **cause);
/* Copy root's state files that differ into dir every interval seconds
 * (base may be NULL: only on request).  Never NULL. */
struct hostd_statesync *hostd_statesync_create(struct event_base *,
	    const char *root, const char *dir, unsigned int interval);
/* Also copy a second after inventory changes (needs a base). */
void	hostd_statesync_watch(struct hostd_statesync *,
	    struct hostd_inventory *);
/* Copy now.  0, or -1 with *cause. */
int	hostd_statesync_now(struct hostd_statesync *, char **cause);
/* Remove the copies in dir (factory reset).  0 or -1 with *cause. */
int	hostd_statesync_clear(struct hostd_statesync *, char **cause);
/* A last copy, then free.  Accepts NULL. */
void	hostd_statesync_free(struct hostd_statesync *);

/* mo-hostfirmwaresystem.c */
/*
 * Give ha-firmwareSystem what it acts with: the persistent copy (may be
 * NULL) and restart(arg), which makes hostd start again on the restored
 * or reset files once the answer has left.
 */
void	hostd_mo_hostfirmwaresystem_setup(struct hostd_inventory *,
	    struct hostd_statesync *, void (*restart)(void *), void *arg);
/*
 * GET /downloads/<token>/<name> (path after "/downloads/") for the
 * session of Cookie header cookie: the bundle appended to out.  PUT
 * /tmp/configBundle.tgz: body kept for RestoreFirmwareConfiguration.
 * The HTTP status with *reason.
 */
int	hostd_mo_hostfirmwaresystem_download(struct hostd_soap *,
	    const char *path, const char *cookie, struct evbuffer *out,
	    const char **reason);
int	hostd_mo_hostfirmwaresystem_upload(struct hostd_soap *,
	    const char *cookie, struct evbuffer *in, const char **reason);

/* snapshot.c, mo-virtualmachinesnapshot.c (snapshots) ----------------- */

/*
 * vmxlink.c: operations without a task of their own, for snapshots: power
 * off (HOSTD_VMXLINK_OFF) or switch the disks named by units ("scsi0:0")
 * to the new deltas paths (HOSTD_VMXLINK_SNAPSHOT, MSG_VMX_SNAPSHOT_REQ).
 * done(arg, error) runs once when it is over (error NULL) or failed.
 * 0, or -1 with *cause (nothing started, done not called).
 */
#define HOSTD_VMXLINK_SNAPSHOT	7
int	hostd_vmxlink_request(struct hostd_vmxlink *, const char *id, int op,
	    const char *const *units, const char *const *paths, size_t n,
	    void (*done)(void *, const char *), void *arg, char **cause);

/* One disk of a snapshot, as the .vmsd has it. */
struct hostd_snapshot_disk {
	char		*sd_node;	/* "scsi0:0" */
	char		*sd_file;	/* its image then (relative to the
					   VM's directory, or absolute) */
};

/* One snapshot (snapshotN.* of the .vmsd). */
struct hostd_snapshot {
	uint32_t		 sn_uid;	/* the tree's id */
	uint32_t		 sn_parent;	/* uid, 0 for a root */
	char			*sn_name;
	char			*sn_desc;
	char			*sn_vmsn;	/* .vmx copy then, or NULL */
	struct timespec		 sn_time;	/* createTimeHigh/Low */
	int			 sn_memory;	/* type 1: with memory */
	int			 sn_quiesced;
	struct hostd_snapshot_disk *sn_disks;
	size_t			 sn_ndisks;
};

/* A .vmsd. */
struct hostd_snapshot_db {
	char			*db_path;
	uint32_t		 db_lastuid;
	uint32_t		 db_current;	/* uid, 0: none */
	struct hostd_snapshot	*db_snaps;
	size_t			 db_n;
};

/*
 * Read the .vmsd of the VM whose .vmx is vmx (none: no snapshots).  0, or
 * -1 with *cause (may be NULL).  hostd_snapshot_clear frees.
 */
int	hostd_snapshot_load(const char *vmx, struct hostd_snapshot_db *,
	    char **cause);
int	hostd_snapshot_save(const struct hostd_snapshot_db *, char **cause);
void	hostd_snapshot_clear(struct hostd_snapshot_db *);
struct hostd_snapshot *hostd_snapshot_find(struct hostd_snapshot_db *,
	    uint32_t uid);
/*
 * The operations on the files of a VM that vmx does not run (see
 * snapshot.c for the order that keeps a crash harmless).  0, or -1 with
 * errno (ENOENT: no such snapshot) and *cause.  Safe on any thread.
 */
int	hostd_snapshot_create(const char *vmx, const char *name,
	    const char *desc, int quiesced, uint32_t *uid, char **cause);
int	hostd_snapshot_revert(const char *vmx, uint32_t uid, char **cause);
/* uid 0: every snapshot; children: the snapshot's subtree too. */
int	hostd_snapshot_remove(const char *vmx, uint32_t uid, int children,
	    char **cause);
int	hostd_snapshot_rename(const char *vmx, uint32_t uid,
	    const char *name, const char *desc, char **cause);
/*
 * Live snapshot: the units and the names of their new deltas (arrays of
 * *n, caller frees), for vmx; then, once vmx answered (ok), record the
 * snapshot, pointing the .vmx at the deltas vmx took into use.
 */
int	hostd_snapshot_live_plan(const char *vmx, char ***units,
	    char ***paths, size_t *n, char **cause);
int	hostd_snapshot_live_done(const char *vmx, char *const *units,
	    char *const *paths, size_t n, int ok, const char *name,
	    const char *desc, int quiesced, uint32_t *uid, char **cause);

extern const struct hostd_inventory_prop
    hostd_mo_virtualmachinesnapshot_props[];
extern const struct hostd_soap_method
    hostd_mo_virtualmachinesnapshot_methods[];
/* Register the VirtualMachineSnapshot objects of a VM from its .vmsd
 * (and drop those that are gone), and notify its snapshot properties. */
void	hostd_mo_virtualmachinesnapshot_sync(struct hostd_inventory *,
	    struct hostd_mo *vm);
/* VirtualMachine.snapshot (unset without snapshots), .rootSnapshot. */
struct hostd_val *hostd_mo_virtualmachinesnapshot_vm_info(
	    const struct hostd_inventory_ctx *);
struct hostd_val *hostd_mo_virtualmachinesnapshot_vm_roots(
	    const struct hostd_inventory_ctx *);

/* ---- Console support: mo-diagnosticmanager.c, mo-hostservicesystem.c,
 * the local tickets of mo-sessionmanager.c (dcui) ------------------- */

#define HOSTD_MO_DIAGNOSTICMGR	"ha-diagnosticmgr"
#define HOSTD_MO_SERVICESYSTEM	"serviceSystem"	/* ESX's moid */
extern const struct hostd_soap_method hostd_mo_diagnosticmanager_methods[];
extern const struct hostd_inventory_prop hostd_mo_diagnosticmanager_props[];
extern const struct hostd_soap_method hostd_mo_hostservicesystem_methods[];
extern const struct hostd_inventory_prop hostd_mo_hostservicesystem_props[];
/* Give serviceSystem restart(arg), which restarts hostd in place once
 * the answer has left (hostd_restart). */
void	hostd_mo_hostservicesystem_setup(struct hostd_inventory *,
	    void (*restart)(void *), void *arg);
/* The console's principal: Admin on ha-folder-root, logs in only with a
 * one-time local ticket (SessionManager.AcquireLocalTicket). */
#define HOSTD_DCUI_USER		"dcui"
#define HOSTD_MO_NETWORKSYSTEM	"networkSystem"
extern const struct hostd_soap_method hostd_mo_hostnetworksystem_methods[];
extern const struct hostd_inventory_prop hostd_mo_hostnetworksystem_props[];
/* At start: apply etc/vireo/network.conf under root, if there is one. */
void	hostd_mo_hostnetworksystem_setup(const char *root);
/* HostNetworkInfo of the host (also HostSystem.config.network). */
struct hostd_val *hostd_mo_hostnetworksystem_info(struct hostd_inventory *);
/*
 * netconf.c: etc/vireo/network.conf (net.device, net.dhcp, net.ip,
 * net.netmask, net.gateway, net.dns, net.domain, net.hostname).  load: an
 * empty cfg when the file is missing, NULL with *cause when it is bad.
 * check: every value well formed and the device present.  apply: the
 * parts in what (HOSTD_NETCONF_*) with `ip`, the DHCP client,
 * <root>/etc/resolv.conf and sethostname.  0, or -1 with *cause.
 */
#define HOSTD_NETCONF_ADDR	0x1
#define HOSTD_NETCONF_ROUTE	0x2
#define HOSTD_NETCONF_DNS	0x4
#define HOSTD_NETCONF_ALL	0x7
char		*hostd_netconf_path(const char *root);
struct cfg	*hostd_netconf_load(const char *root, char **cause);
int		 hostd_netconf_save(const char *root, const struct cfg *,
		    char **cause);
int		 hostd_netconf_check(const struct cfg *, char **cause);
int		 hostd_netconf_apply(const char *root, const struct cfg *,
		    int what, char **cause);
/* HostSystem's methods (mo-hostsystem.c): ShutdownHost_Task and
 * RebootHost_Task, which hostpower.c runs (the handler's answer is the
 * Task; reboot 1 for RebootHost_Task). */
extern const struct hostd_soap_method hostd_mo_hostsystem_methods[];
int	hostd_hostpower_run(struct hostd_soap_req *, int reboot);
/* Seconds a local ticket stays valid. */
#define HOSTD_TICKET_TTL	60
/* ticket.c: the AcquireLocalTicket handler; and for Login, 0 (ticket used
 * up, *fullname new) if password is a live ticket of user, else -1. */
int	hostd_ticket_acquire(struct hostd_soap_req *);
int	hostd_ticket_login(struct hostd_soap *, const char *user,
	    const char *password, char **fullname);

#endif
