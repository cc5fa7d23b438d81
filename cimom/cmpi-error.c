/* SPDX-License-Identifier: ISC */
/*
 * CMPIError (CMPI 2.0 extended errors): the CIM_Error properties a
 * provider sets; the broker reads the status code and message when a
 * provider hands one to returnError.
 */

#include "config.h"

#include <stdlib.h>

#include "broker.h"
#include "xmalloc.h"

struct cmpi_error {
	struct cmpiobj		 er_obj;
	CMPIErrorType		 er_type;
	char			*er_othertype;
	char			*er_owner;
	char			*er_msgid;
	char			*er_msg;
	CMPIErrorSeverity	 er_sev;
	CMPIErrorProbableCause	 er_cause;
	char			*er_causedesc;
	CMPIArray		*er_actions;
	char			*er_source;
	CMPIErrorSrcFormat	 er_srcfmt;
	char			*er_othersrcfmt;
	CMPIrc			 er_code;
	char			*er_codedesc;
	CMPIArray		*er_args;
};

#define ER(p)	((struct cmpi_error *)(p))

static void	cmpi_error_free(struct cmpiobj *);
static void	cmpi_error_setstr(char **, const char *);
static CMPIString *cmpi_error_str(const CMPIError *, const char *,
		    CMPIStatus *);
static CMPIStatus cmpi_error_release(CMPIError *);
static CMPIError *cmpi_error_clone(const CMPIError *, CMPIStatus *);
static CMPIErrorType cmpi_error_gettype(const CMPIError *, CMPIStatus *);
static CMPIString *cmpi_error_getothertype(const CMPIError *, CMPIStatus *);
static CMPIString *cmpi_error_getowner(const CMPIError *, CMPIStatus *);
static CMPIString *cmpi_error_getmsgid(const CMPIError *, CMPIStatus *);
static CMPIString *cmpi_error_getmsg(const CMPIError *, CMPIStatus *);
static CMPIErrorSeverity cmpi_error_getsev(const CMPIError *, CMPIStatus *);
static CMPIErrorProbableCause cmpi_error_getcause(const CMPIError *,
		    CMPIStatus *);
static CMPIString *cmpi_error_getcausedesc(const CMPIError *, CMPIStatus *);
static CMPIArray *cmpi_error_getactions(const CMPIError *, CMPIStatus *);
static CMPIString *cmpi_error_getsource(const CMPIError *, CMPIStatus *);
static CMPIErrorSrcFormat cmpi_error_getsrcfmt(const CMPIError *,
		    CMPIStatus *);
static CMPIString *cmpi_error_getothersrcfmt(const CMPIError *,
		    CMPIStatus *);
static CMPIrc	cmpi_error_getcode(const CMPIError *, CMPIStatus *);
static CMPIString *cmpi_error_getcodedesc(const CMPIError *, CMPIStatus *);
static CMPIArray *cmpi_error_getargs(const CMPIError *, CMPIStatus *);
static CMPIStatus cmpi_error_settype(const CMPIError *, const CMPIErrorType);
static CMPIStatus cmpi_error_setothertype(const CMPIError *, const char *);
static CMPIStatus cmpi_error_setcausedesc(const CMPIError *, const char *);
static CMPIStatus cmpi_error_setactions(const CMPIError *, const CMPIArray *);
static CMPIStatus cmpi_error_setsource(const CMPIError *, const char *);
static CMPIStatus cmpi_error_setsrcfmt(const CMPIError *,
		    const CMPIErrorSrcFormat);
static CMPIStatus cmpi_error_setothersrcfmt(const CMPIError *, const char *);
static CMPIStatus cmpi_error_setcodedesc(const CMPIError *, const char *);
static CMPIStatus cmpi_error_setargs(const CMPIError *, const CMPIArray *);

static const CMPIErrorFT cmpi_error_ft = {
	CMPICurrentVersion,
	cmpi_error_release, cmpi_error_clone,
	cmpi_error_gettype, cmpi_error_getothertype, cmpi_error_getowner,
	cmpi_error_getmsgid, cmpi_error_getmsg, cmpi_error_getsev,
	cmpi_error_getcause, cmpi_error_getcausedesc, cmpi_error_getactions,
	cmpi_error_getsource, cmpi_error_getsrcfmt, cmpi_error_getothersrcfmt,
	cmpi_error_getcode, cmpi_error_getcodedesc, cmpi_error_getargs,
	cmpi_error_settype, cmpi_error_setothertype, cmpi_error_setcausedesc,
	cmpi_error_setactions, cmpi_error_setsource, cmpi_error_setsrcfmt,
	cmpi_error_setothersrcfmt, cmpi_error_setcodedesc, cmpi_error_setargs,
};

static void
cmpi_error_free(struct cmpiobj *o)
{
	struct cmpi_error	*e = ER(o);

	free(e->er_othertype);
	free(e->er_owner);
	free(e->er_msgid);
	free(e->er_msg);
	free(e->er_causedesc);
	free(e->er_source);
	free(e->er_othersrcfmt);
	free(e->er_codedesc);
	if (e->er_actions != NULL)
		e->er_actions->ft->release(e->er_actions);
	if (e->er_args != NULL)
		e->er_args->ft->release(e->er_args);
	free(e);
}

static void
cmpi_error_setstr(char **p, const char *s)
{
	free(*p);
	*p = s != NULL ? xstrdup(s) : NULL;
}

CMPIError *
cmpi_error_new(struct broker *br, const char *owner, const char *msgid,
    const char *msg, CMPIErrorSeverity sev, CMPIErrorProbableCause cause,
    CMPIrc code)
{
	struct cmpi_error	*e = xcalloc(1, sizeof *e);

	cmpiobj_init(&e->er_obj, br, &cmpi_error_ft, cmpi_error_free);
	cmpi_error_setstr(&e->er_owner, owner);
	cmpi_error_setstr(&e->er_msgid, msgid);
	cmpi_error_setstr(&e->er_msg, msg);
	e->er_sev = sev;
	e->er_cause = cause;
	e->er_code = code;
	return ((CMPIError *)e);
}

static CMPIString *
cmpi_error_str(const CMPIError *e, const char *s, CMPIStatus *rc)
{
	cmpiobj_rc(rc, CMPI_RC_OK);
	return (s == NULL ? NULL : cmpi_string_new(ER(e)->er_obj.co_br, s));
}

static CMPIStatus
cmpi_error_release(CMPIError *e)
{
	return (cmpiobj_release((struct cmpiobj *)e));
}

static CMPIError *
cmpi_error_clone(const CMPIError *ce, CMPIStatus *rc)
{
	struct cmpi_error	*e = ER(ce), *c;

	c = cmpiobj_own(cmpi_error_new(e->er_obj.co_br, e->er_owner,
	    e->er_msgid, e->er_msg, e->er_sev, e->er_cause, e->er_code));
	c->er_type = e->er_type;
	c->er_srcfmt = e->er_srcfmt;
	cmpi_error_setstr(&c->er_othertype, e->er_othertype);
	cmpi_error_setstr(&c->er_causedesc, e->er_causedesc);
	cmpi_error_setstr(&c->er_source, e->er_source);
	cmpi_error_setstr(&c->er_othersrcfmt, e->er_othersrcfmt);
	cmpi_error_setstr(&c->er_codedesc, e->er_codedesc);
	if (e->er_actions != NULL)
		c->er_actions = e->er_actions->ft->clone(e->er_actions, NULL);
	if (e->er_args != NULL)
		c->er_args = e->er_args->ft->clone(e->er_args, NULL);
	cmpiobj_rc(rc, CMPI_RC_OK);
	return ((CMPIError *)c);
}

static CMPIErrorType
cmpi_error_gettype(const CMPIError *e, CMPIStatus *rc)
{
	cmpiobj_rc(rc, CMPI_RC_OK);
	return (ER(e)->er_type);
}

static CMPIString *
cmpi_error_getothertype(const CMPIError *e, CMPIStatus *rc)
{
	return (cmpi_error_str(e, ER(e)->er_othertype, rc));
}

static CMPIString *
cmpi_error_getowner(const CMPIError *e, CMPIStatus *rc)
{
	return (cmpi_error_str(e, ER(e)->er_owner, rc));
}

static CMPIString *
cmpi_error_getmsgid(const CMPIError *e, CMPIStatus *rc)
{
	return (cmpi_error_str(e, ER(e)->er_msgid, rc));
}

static CMPIString *
cmpi_error_getmsg(const CMPIError *e, CMPIStatus *rc)
{
	return (cmpi_error_str(e, ER(e)->er_msg, rc));
}

static CMPIErrorSeverity
cmpi_error_getsev(const CMPIError *e, CMPIStatus *rc)
{
	cmpiobj_rc(rc, CMPI_RC_OK);
	return (ER(e)->er_sev);
}

static CMPIErrorProbableCause
cmpi_error_getcause(const CMPIError *e, CMPIStatus *rc)
{
	cmpiobj_rc(rc, CMPI_RC_OK);
	return (ER(e)->er_cause);
}

static CMPIString *
cmpi_error_getcausedesc(const CMPIError *e, CMPIStatus *rc)
{
	return (cmpi_error_str(e, ER(e)->er_causedesc, rc));
}

static CMPIArray *
cmpi_error_getactions(const CMPIError *e, CMPIStatus *rc)
{
	cmpiobj_rc(rc, CMPI_RC_OK);
	return (ER(e)->er_actions);
}

static CMPIString *
cmpi_error_getsource(const CMPIError *e, CMPIStatus *rc)
{
	return (cmpi_error_str(e, ER(e)->er_source, rc));
}

static CMPIErrorSrcFormat
cmpi_error_getsrcfmt(const CMPIError *e, CMPIStatus *rc)
{
	cmpiobj_rc(rc, CMPI_RC_OK);
	return (ER(e)->er_srcfmt);
}

static CMPIString *
cmpi_error_getothersrcfmt(const CMPIError *e, CMPIStatus *rc)
{
	return (cmpi_error_str(e, ER(e)->er_othersrcfmt, rc));
}

static CMPIrc
cmpi_error_getcode(const CMPIError *e, CMPIStatus *rc)
{
	cmpiobj_rc(rc, CMPI_RC_OK);
	return (ER(e)->er_code);
}

static CMPIString *
cmpi_error_getcodedesc(const CMPIError *e, CMPIStatus *rc)
{
	return (cmpi_error_str(e, ER(e)->er_codedesc, rc));
}

static CMPIArray *
cmpi_error_getargs(const CMPIError *e, CMPIStatus *rc)
{
	cmpiobj_rc(rc, CMPI_RC_OK);
	return (ER(e)->er_args);
}

static CMPIStatus
cmpi_error_settype(const CMPIError *e, const CMPIErrorType t)
{
	ER(e)->er_type = t;
	return (cmpiobj_status(CMPI_RC_OK));
}

static CMPIStatus
cmpi_error_setothertype(const CMPIError *e, const char *s)
{
	cmpi_error_setstr(&ER(e)->er_othertype, s);
	return (cmpiobj_status(CMPI_RC_OK));
}

static CMPIStatus
cmpi_error_setcausedesc(const CMPIError *e, const char *s)
{
	cmpi_error_setstr(&ER(e)->er_causedesc, s);
	return (cmpiobj_status(CMPI_RC_OK));
}

static CMPIStatus
cmpi_error_setactions(const CMPIError *e, const CMPIArray *a)
{
	if (ER(e)->er_actions != NULL)
		ER(e)->er_actions->ft->release(ER(e)->er_actions);
	ER(e)->er_actions = a != NULL ? a->ft->clone(a, NULL) : NULL;
	return (cmpiobj_status(CMPI_RC_OK));
}

static CMPIStatus
cmpi_error_setsource(const CMPIError *e, const char *s)
{
	cmpi_error_setstr(&ER(e)->er_source, s);
	return (cmpiobj_status(CMPI_RC_OK));
}

static CMPIStatus
cmpi_error_setsrcfmt(const CMPIError *e, const CMPIErrorSrcFormat f)
{
	ER(e)->er_srcfmt = f;
	return (cmpiobj_status(CMPI_RC_OK));
}

static CMPIStatus
cmpi_error_setothersrcfmt(const CMPIError *e, const char *s)
{
	cmpi_error_setstr(&ER(e)->er_othersrcfmt, s);
	return (cmpiobj_status(CMPI_RC_OK));
}

static CMPIStatus
cmpi_error_setcodedesc(const CMPIError *e, const char *s)
{
	cmpi_error_setstr(&ER(e)->er_codedesc, s);
	return (cmpiobj_status(CMPI_RC_OK));
}

static CMPIStatus
cmpi_error_setargs(const CMPIError *e, const CMPIArray *a)
{
	if (ER(e)->er_args != NULL)
		ER(e)->er_args->ft->release(ER(e)->er_args);
	ER(e)->er_args = a != NULL ? a->ft->clone(a, NULL) : NULL;
	return (cmpiobj_status(CMPI_RC_OK));
}
