/* SPDX-License-Identifier: ISC */
/*
 * vim25 faults (vi-api.md §2.5): a fault is a data object of a real vim25
 * fault type plus an ESX-worded message.  On the wire it is either a SOAP
 * fault (HTTP 500, <detail><XFault xmlns="urn:vim25" xsi:type="X">) or,
 * inside data (task errors, missingSet), a LocalizedMethodFault.
 *
 * Only types from the table below may be created: an unknown fault type
 * makes pyVmomi raise ParserError instead of an exception the caller can
 * catch, so an unknown type is a bug and becomes SystemError.
 */

#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>

#include "hostd.h"
#include "xmalloc.h"

struct hostd_fault_type {
	const char	*ft_type;
	const char	*ft_msg;	/* ESX wording; %s: see the callers */
};

static const struct hostd_fault_type hostd_fault_types[] = {
	{ "AlreadyExists",
	  "The specified key, name, or identifier already exists." },
	{ "CannotDeleteFile", "Cannot delete file" },
	{ "DuplicateName", "The name already exists." },
	{ "FileAlreadyExists", "Cannot complete the operation because the "
	  "file or folder already exists" },
	{ "FileFault", "Error caused by file" },
	{ "FileNotFound", "File was not found" },
	{ "InvalidArgument", "A specified parameter was not correct: " },
	{ "InvalidBundle", "The provided bundle is not valid." },
	{ "InvalidDatastore", "Invalid datastore." },
	{ "InvalidDatastorePath", "Invalid datastore path." },
	{ "InvalidDeviceSpec", "Invalid configuration for device." },
	{ "InvalidLogin", "Cannot complete login due to an incorrect user "
	  "name or password." },
	{ "InvalidPowerState", "The attempted operation cannot be performed "
	  "in the current state." },
	{ "InvalidProperty", "" },
	{ "InvalidRequest", "" },
	{ "InvalidState", "The operation is not allowed in the current "
	  "state." },
	{ "InvalidType", "" },
	{ "ManagedObjectNotFound", "The object has already been deleted or "
	  "has not been completely created" },
	{ "MethodNotFound", "" },
	{ "NoDiskSpace", "There is not enough space on the file system "
	  "for the selected operation." },
	{ "NoPermission", "Permission to perform this operation was "
	  "denied." },
	{ "NotAuthenticated", "The session is not authenticated." },
	{ "NotFound", "The object or item referred to could not be found." },
	{ "NotImplemented", "The requested operation is not implemented by "
	  "the server." },
	{ "NotSupported", "The operation is not supported on the object." },
	{ "RemoveFailed", "The remove operation failed." },
	{ "RequestCanceled", "The task was canceled by a user." },
	{ "SnapshotFault", "An error occurred during the snapshot "
	  "operation." },
	{ "SystemError", "A general system error occurred: " },
	{ "TaskInProgress", "The operation is not allowed in the current "
	  "state." },
	{ "ToolsUnavailable", "Cannot complete operation because VMware "
	  "Tools is not running in this virtual machine." },
	{ "UserNotFound", "The user or group does not exist." },
};

static const struct hostd_fault_type *hostd_fault_find(const char *);
static struct hostd_fault *hostd_fault_new(const char *, char *);

static const struct hostd_fault_type *
hostd_fault_find(const char *type)
{
	size_t	i;

	for (i = 0; i < sizeof hostd_fault_types /
	    sizeof hostd_fault_types[0]; i++) {
		if (strcmp(hostd_fault_types[i].ft_type, type) == 0)
			return (&hostd_fault_types[i]);
	}
	return (NULL);
}

/* Takes msg. */
static struct hostd_fault *
hostd_fault_new(const char *type, char *msg)
{
	struct hostd_fault	*f;

	f = xcalloc(1, sizeof *f);
	f->f_obj = hostd_val_object(type);
	f->f_msg = msg;
	return (f);
}

struct hostd_fault *
hostd_fault_create(const char *type, const char *fmt, ...)
{
	const struct hostd_fault_type	*ft;
	va_list				 ap;
	char				*msg;

	if ((ft = hostd_fault_find(type)) == NULL) {
		log_warnx("bug: unknown fault type %s", type);
		return (hostd_fault_system_error("unknown fault"));
	}
	if (fmt == NULL)
		return (hostd_fault_new(type, xstrdup(ft->ft_msg)));
	va_start(ap, fmt);
	xvasprintf(&msg, fmt, ap);
	va_end(ap);
	return (hostd_fault_new(type, msg));
}

void
hostd_fault_free(struct hostd_fault *f)
{
	if (f == NULL)
		return;
	hostd_val_free(f->f_obj);
	free(f->f_msg);
	free(f);
}

struct hostd_fault *
hostd_fault_invalid_login(void)
{
	return (hostd_fault_create("InvalidLogin", NULL));
}

struct hostd_fault *
hostd_fault_not_authenticated(const char *type, const char *id,
    const char *priv)
{
	struct hostd_fault	*f;

	f = hostd_fault_create("NotAuthenticated", NULL);
	hostd_val_add_moref(f->f_obj, "object", type, id);
	hostd_val_add_str(f->f_obj, "privilegeId", priv);
	return (f);
}

struct hostd_fault *
hostd_fault_no_permission(const char *type, const char *id, const char *priv)
{
	struct hostd_fault	*f;

	f = hostd_fault_create("NoPermission", NULL);
	hostd_val_add_moref(f->f_obj, "object", type, id);
	hostd_val_add_str(f->f_obj, "privilegeId", priv);
	return (f);
}

struct hostd_fault *
hostd_fault_not_found_mo(const char *type, const char *id)
{
	struct hostd_fault	*f;

	f = hostd_fault_create("ManagedObjectNotFound", "The object "
	    "'vim.%s:%s' has already been deleted or has not been completely "
	    "created", type, id);
	hostd_val_add_moref(f->f_obj, "obj", type, id);
	return (f);
}

struct hostd_fault *
hostd_fault_method_not_found(const char *type, const char *id,
    const char *method)
{
	struct hostd_fault	*f;

	f = hostd_fault_create("MethodNotFound", "The method %s is not "
	    "supported on %s", method, type);
	hostd_val_add_moref(f->f_obj, "receiver", type, id);
	hostd_val_add_str(f->f_obj, "method", method);
	return (f);
}

struct hostd_fault *
hostd_fault_invalid_argument(const char *prop)
{
	struct hostd_fault	*f;

	f = hostd_fault_create("InvalidArgument", "A specified parameter was "
	    "not correct: %s", prop != NULL ? prop : "");
	hostd_val_add_str(f->f_obj, "invalidProperty", prop);
	return (f);
}

struct hostd_fault *
hostd_fault_invalid_type(const char *argument)
{
	struct hostd_fault	*f;

	f = hostd_fault_create("InvalidType", "Invalid type for argument: %s",
	    argument != NULL ? argument : "");
	hostd_val_add_str(f->f_obj, "argument", argument);
	return (f);
}

struct hostd_fault *
hostd_fault_invalid_request(const char *reason)
{
	return (hostd_fault_create("InvalidRequest", "Invalid request: %s",
	    reason != NULL ? reason : "malformed"));
}

struct hostd_fault *
hostd_fault_invalid_property(const char *name)
{
	struct hostd_fault	*f;

	f = hostd_fault_create("InvalidProperty", "Property '%s' is not "
	    "defined", name);
	hostd_val_add_str(f->f_obj, "name", name);
	return (f);
}

struct hostd_fault *
hostd_fault_not_implemented(void)
{
	return (hostd_fault_create("NotImplemented", NULL));
}

struct hostd_fault *
hostd_fault_system_error(const char *reason)
{
	struct hostd_fault	*f;

	f = hostd_fault_new("SystemError", NULL);
	xasprintf(&f->f_msg, "A general system error occurred: %s", reason);
	hostd_val_add_str(f->f_obj, "reason", reason);
	return (f);
}

void
hostd_fault_write(struct evbuffer *out, const struct hostd_fault *f)
{
	const char	*type = f->f_obj->v_type;

	evbuffer_add_printf(out, "<soapenv:Fault><faultcode>ServerFaultCode"
	    "</faultcode><faultstring>");
	hostd_val_write_text(out, f->f_msg, strlen(f->f_msg));
	evbuffer_add_printf(out, "</faultstring><detail><%sFault "
	    "xmlns=\"" HOSTD_NS_VIM25 "\" xsi:type=\"%s\">", type, type);
	hostd_val_write_fields(out, f->f_obj);
	evbuffer_add_printf(out, "</%sFault></detail></soapenv:Fault>", type);
}

struct hostd_val *
hostd_fault_localized(const struct hostd_fault *f)
{
	struct hostd_val	*lmf;

	lmf = hostd_val_object("LocalizedMethodFault");
	hostd_val_add_decl(lmf, "fault", "MethodFault",
	    hostd_val_copy(f->f_obj));
	hostd_val_add_str(lmf, "localizedMessage", f->f_msg);
	return (lmf);
}
