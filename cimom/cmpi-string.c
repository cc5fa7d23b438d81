/* SPDX-License-Identifier: ISC */
/*
 * CMPIString: hdl is the NUL-terminated UTF-8 text itself, so providers
 * built with 2.0 macros that read hdl directly see the same characters
 * getCharPtr returns.
 */

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "broker.h"
#include "xmalloc.h"

struct cmpi_string {
	struct cmpiobj	cs_obj;
};

static void		 cmpi_string_free(struct cmpiobj *);
static CMPIStatus	 cmpi_string_release(CMPIString *);
static CMPIString	*cmpi_string_clone(const CMPIString *, CMPIStatus *);
static const char	*cmpi_string_getcharptr(const CMPIString *,
			    CMPIStatus *);
static char		*cmpi_string_newcharscp(const CMPIString *,
			    const CMPICodepageID, CMPIStatus *);

static const CMPIStringFT cmpi_string_ft = {
	CMPICurrentVersion,
	cmpi_string_release,
	cmpi_string_clone,
	cmpi_string_getcharptr,
	cmpi_string_newcharscp,
};

static void
cmpi_string_free(struct cmpiobj *o)
{
	free(o->co_pub.hdl);
	free(o);
}

CMPIString *
cmpi_string_new(struct broker *br, const char *s)
{
	struct cmpi_string	*cs = xcalloc(1, sizeof *cs);

	cmpiobj_init(&cs->cs_obj, br, &cmpi_string_ft, cmpi_string_free);
	cs->cs_obj.co_pub.hdl = xstrdup(s != NULL ? s : "");
	return ((CMPIString *)cs);
}

const char *
cmpi_string_chars(const CMPIString *s)
{
	return (s != NULL ? s->hdl : NULL);
}

static CMPIStatus
cmpi_string_release(CMPIString *s)
{
	return (cmpiobj_release((struct cmpiobj *)s));
}

static CMPIString *
cmpi_string_clone(const CMPIString *s, CMPIStatus *rc)
{
	cmpiobj_rc(rc, CMPI_RC_OK);
	return (cmpiobj_own(cmpi_string_new(((struct cmpiobj *)s)->co_br,
	    s->hdl)));
}

static const char *
cmpi_string_getcharptr(const CMPIString *s, CMPIStatus *rc)
{
	cmpiobj_rc(rc, CMPI_RC_OK);
	return (s->hdl);
}

/* Only UTF-8 and its ASCII subset are stored; UTF-16 is not offered. */
static char *
cmpi_string_newcharscp(const CMPIString *s, const CMPICodepageID cp,
    CMPIStatus *rc)
{
	const unsigned char	*p;

	if (cp == CMPI_CPID_USASCII)
		for (p = s->hdl; *p != '\0'; p++)
			if (*p >= 0x80) {
				cmpiobj_rc(rc, CMPI_RC_ERR_NOT_IN_CODEPAGE);
				return (NULL);
			}
	if (cp != CMPI_CPID_SYSTEM && cp != CMPI_CPID_USASCII) {
		cmpiobj_rc(rc, CMPI_RC_ERR_NOT_SUPPORTED);
		return (NULL);
	}
	cmpiobj_rc(rc, CMPI_RC_OK);
	return (xstrdup(s->hdl));
}
