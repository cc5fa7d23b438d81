/* SPDX-License-Identifier: ISC */
/*
 * Fuzz target for hostd's SOAP side without a network: the envelope
 * parser, the dispatcher, the parameter reader (hostd/val.c) and the
 * handlers, through hostd_soap_process.  Each input is handled twice:
 * without a session and with a logged-in root session's cookie.  The
 * answer must always be a well-formed envelope with HTTP 200 or 500, and
 * a Set-Cookie only on a successful answer.
 */

#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>

#include "hostd.h"
#include "xmalloc.h"
#include "xml.h"

int		LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void	fuzz_soap_one(struct hostd_soap *, const uint8_t *, size_t,
		    const char *);

static void
fuzz_soap_one(struct hostd_soap *hs, const uint8_t *data, size_t size,
    const char *cookie)
{
	struct hostd_call_info	 ci;
	struct evbuffer		*out;
	xmlDocPtr		 doc;
	char			*setcookie = NULL, *cause = NULL;
	unsigned char		*resp;
	size_t			 len;
	int			 status = 0;

	memset(&ci, 0, sizeof ci);
	ci.ci_cookie = cookie;
	ci.ci_peer = "192.0.2.1:1";
	if ((out = evbuffer_new()) == NULL)
		abort();
	hostd_soap_process(hs, (const char *)data, size, &ci, &status, out,
	    &setcookie);
	if (status != 200 && status != 500)
		abort();
	if (setcookie != NULL && status != 200)
		abort();
	free(setcookie);
	len = evbuffer_get_length(out);
	if ((resp = evbuffer_pullup(out, -1)) == NULL)
		abort();
	if ((doc = xml_parse((const char *)resp, len, NULL, &cause)) == NULL)
		abort();
	xmlFreeDoc(doc);
	evbuffer_free(out);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hostd_soap	*hs;
	struct hostd_session	*s;
	char			*cause = NULL, *cookie;

	log_init("fuzz_soap", 0);
	hs = hostd_soap_create(NULL, "/nonexistent", NULL, &cause);
	if (hs == NULL)
		abort();
	fuzz_soap_one(hs, data, size, NULL);
	s = hostd_session_new(hostd_soap_sessions(hs), "root", NULL, NULL,
	    NULL, NULL);
	cookie = hostd_session_set_cookie(s, 1);
	fuzz_soap_one(hs, data, size, cookie);
	free(cookie);
	hostd_soap_free(hs);
	return (0);
}
