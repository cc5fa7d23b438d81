/* SPDX-License-Identifier: ISC */
/*
 * Login sessions (vi-api.md §1.6, §3.3): a table of sessions, each named
 * by a secret cookie of 160 random bits (getrandom) and by a public
 * UserSession.key.  Cookies arrive in whatever form the client kept them
 * (`vmware_soap_session="v"; Path=/; HttpOnly; Secure;` echoed back by
 * pyVmomi, `vmware_soap_session=v` from Go's jar), so parsing is lenient.
 *
 * Sessions expire after an idle time (lazily on lookup, and whenever the
 * owner calls hostd_session_expire from a timer).  Cookies are secrets:
 * they are compared in constant time and never logged.  The table is
 * used from the event loop thread only.
 *
 * Every call looks its cookie up, so lookups must not cost a walk of
 * every session: sessions are also chained by a hash of the cookie (the
 * cookie is random, so its first characters are a good hash; which chain
 * a presented cookie picks depends on that cookie alone), and the expiry
 * walk only runs once the earliest possible expiry (st_check) is due.
 */

#include "config.h"

#include <sys/random.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hostd.h"
#include "xmalloc.h"

#define HOSTD_SESSION_BUCKETS	256	/* a power of two */

struct hostd_sessions {
	struct hostd_session	*st_first;	/* list, newest first */
	size_t			 st_count;
	unsigned int		 st_idle;	/* s; 0: never expire */
	unsigned int		 st_max;	/* sessions; 0: no limit */
	time_t			 st_check;	/* no session expires before */
	struct hostd_session	*st_hash[HOSTD_SESSION_BUCKETS];
};

static void	hostd_session_random(unsigned char *, size_t);
static time_t	hostd_session_mono(void);
static int	hostd_session_equal(const char *, const char *);
static void	hostd_session_destroy(struct hostd_session *);
static struct hostd_session **hostd_session_bucket(struct hostd_sessions *,
		    const char *);
static void	hostd_session_unhash(struct hostd_sessions *,
		    struct hostd_session *);

static void
hostd_session_random(unsigned char *buf, size_t len)
{
	ssize_t	n;
	size_t	done = 0;

	while (done < len) {
		n = getrandom(buf + done, len - done, 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			fatal("getrandom");
		}
		done += (size_t)n;
	}
}

static time_t
hostd_session_mono(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (ts.tv_sec);
}

/* Constant-time comparison of two cookies (the lengths are not secret). */
static int
hostd_session_equal(const char *a, const char *b)
{
	size_t		 i, la = strlen(a), lb = strlen(b);
	unsigned char	 d = 0;

	if (la != lb)
		return (0);
	for (i = 0; i < la; i++)
		d |= (unsigned char)a[i] ^ (unsigned char)b[i];
	return (d == 0);
}

/* The hash chain of cookie c (its first 8 bytes, or fewer). */
static struct hostd_session **
hostd_session_bucket(struct hostd_sessions *st, const char *c)
{
	unsigned int	h = 0;
	size_t		i;

	for (i = 0; i < 8 && c[i] != '\0'; i++)
		h = h * 31 + (unsigned char)c[i];
	return (&st->st_hash[h & (HOSTD_SESSION_BUCKETS - 1)]);
}

static void
hostd_session_unhash(struct hostd_sessions *st, struct hostd_session *s)
{
	struct hostd_session	**pp;

	for (pp = hostd_session_bucket(st, s->s_cookie); *pp != NULL;
	    pp = &(*pp)->s_hnext) {
		if (*pp == s) {
			*pp = s->s_hnext;
			break;
		}
	}
}

struct hostd_sessions *
hostd_session_table_create(unsigned int idle, unsigned int max)
{
	struct hostd_sessions	*st;

	st = xcalloc(1, sizeof *st);
	st->st_idle = idle;
	st->st_max = max;
	return (st);
}

void
hostd_session_table_free(struct hostd_sessions *st)
{
	if (st == NULL)
		return;
	while (st->st_first != NULL)
		hostd_session_end(st, st->st_first);
	free(st);
}

struct hostd_session *
hostd_session_new(struct hostd_sessions *st, const char *user,
    const char *fullname, const char *locale, const char *ip,
    const char *agent)
{
	struct hostd_session	*s, *lru, **bucket;
	unsigned char		 r[20];
	size_t			 i;

	hostd_session_expire(st);
	if (st->st_max != 0 && st->st_count >= st->st_max) {
		lru = st->st_first;
		for (s = st->st_first; s != NULL; s = s->s_next) {
			if (s->s_idle_since <= lru->s_idle_since)
				lru = s;
		}
		log_warnx("%u sessions: ending session %.8s of %s, the least "
		    "recently active", st->st_max, lru->s_key, lru->s_user);
		hostd_session_end(st, lru);
	}
	s = xcalloc(1, sizeof *s);
	hostd_session_random(r, sizeof r);
	for (i = 0; i < sizeof r; i++)
		snprintf(s->s_cookie + 2 * i, 3, "%02x", r[i]);
	hostd_session_random(r, 16);
	/* ESX keys look like UUIDs starting "52". */
	r[0] = 0x52;
	snprintf(s->s_key, sizeof s->s_key, "%02x%02x%02x%02x-%02x%02x-"
	    "%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", r[0], r[1], r[2],
	    r[3], r[4], r[5], r[6], r[7], r[8], r[9], r[10], r[11], r[12],
	    r[13], r[14], r[15]);
	s->s_user = xstrdup(user);
	s->s_fullname = xstrdup(fullname != NULL ? fullname : user);
	s->s_locale = xstrdup(locale != NULL && *locale != '\0' ? locale :
	    "en_US");
	s->s_ip = ip != NULL ? xstrdup(ip) : NULL;
	s->s_agent = agent != NULL ? xstrdup(agent) : NULL;
	clock_gettime(CLOCK_REALTIME, &s->s_login);
	s->s_active = s->s_login;
	s->s_idle_since = hostd_session_mono();
	s->s_next = st->st_first;
	st->st_first = s;
	bucket = hostd_session_bucket(st, s->s_cookie);
	s->s_hnext = *bucket;
	*bucket = s;
	st->st_count++;
	return (s);
}

static void
hostd_session_destroy(struct hostd_session *s)
{
	if (s->s_slot_free != NULL && s->s_slot != NULL)
		s->s_slot_free(s->s_slot);
	account_groups_free(s->s_groups);
	explicit_bzero(s->s_cookie, sizeof s->s_cookie);
	free(s->s_user);
	free(s->s_fullname);
	free(s->s_locale);
	free(s->s_ip);
	free(s->s_agent);
	free(s);
}

void
hostd_session_end(struct hostd_sessions *st, struct hostd_session *s)
{
	struct hostd_session	**pp;

	for (pp = &st->st_first; *pp != NULL; pp = &(*pp)->s_next) {
		if (*pp == s) {
			*pp = s->s_next;
			st->st_count--;
			break;
		}
	}
	hostd_session_unhash(st, s);
	hostd_session_destroy(s);
}

size_t
hostd_session_expire(struct hostd_sessions *st)
{
	struct hostd_session	**pp, *s;
	time_t			 now;
	size_t			 n = 0;

	if (st->st_idle == 0)
		return (0);
	now = hostd_session_mono();
	/*
	 * Touching a session only delays its expiry and a new one expires
	 * a full idle time from now, so the earliest expiry seen by the
	 * last walk is a safe time for the next one.
	 */
	if (now < st->st_check)
		return (0);
	st->st_check = now + (time_t)st->st_idle;
	pp = &st->st_first;
	while ((s = *pp) != NULL) {
		if (now - s->s_idle_since < (time_t)st->st_idle) {
			if (s->s_idle_since + (time_t)st->st_idle <
			    st->st_check)
				st->st_check = s->s_idle_since +
				    (time_t)st->st_idle;
			pp = &s->s_next;
			continue;
		}
		log_info("session %.8s of user %s expired after %u s idle",
		    s->s_key, s->s_user, st->st_idle);
		*pp = s->s_next;
		st->st_count--;
		hostd_session_unhash(st, s);
		hostd_session_destroy(s);
		n++;
	}
	return (n);
}

int
hostd_session_cookie_parse(const char *header, char *buf, size_t len)
{
	static const char	 name[] = HOSTD_SESSION_COOKIE "=";
	const char		*p, *end, *v;
	size_t			 n;

	if (header == NULL)
		return (-1);
	for (p = header; *p != '\0'; p = *end == ';' ? end + 1 : end) {
		while (*p == ' ' || *p == '\t')
			p++;
		end = strchr(p, ';');
		if (end == NULL)
			end = p + strlen(p);
		if ((size_t)(end - p) < sizeof name - 1 ||
		    strncmp(p, name, sizeof name - 1) != 0)
			continue;
		v = p + sizeof name - 1;
		n = end - v;
		while (n > 0 && (v[n - 1] == ' ' || v[n - 1] == '\t'))
			n--;
		if (n >= 2 && v[0] == '"' && v[n - 1] == '"') {
			v++;
			n -= 2;
		}
		if (n == 0 || n >= len)
			return (-1);
		memcpy(buf, v, n);
		buf[n] = '\0';
		return (0);
	}
	return (-1);
}

struct hostd_session *
hostd_session_find(struct hostd_sessions *st, const char *header)
{
	struct hostd_session	*s;
	char			 cookie[64];

	if (hostd_session_cookie_parse(header, cookie, sizeof cookie) != 0)
		return (NULL);
	hostd_session_expire(st);
	for (s = *hostd_session_bucket(st, cookie); s != NULL;
	    s = s->s_hnext) {
		if (hostd_session_equal(s->s_cookie, cookie))
			break;
	}
	explicit_bzero(cookie, sizeof cookie);
	return (s);
}

struct hostd_session *
hostd_session_find_key(struct hostd_sessions *st, const char *key)
{
	struct hostd_session	*s;

	hostd_session_expire(st);
	for (s = st->st_first; s != NULL; s = s->s_next) {
		if (strcmp(s->s_key, key) == 0)
			return (s);
	}
	return (NULL);
}

struct hostd_session *
hostd_session_next(struct hostd_sessions *st, struct hostd_session *prev)
{
	return (prev == NULL ? st->st_first : prev->s_next);
}

size_t
hostd_session_count(struct hostd_sessions *st)
{
	return (st->st_count);
}

void
hostd_session_touch(struct hostd_session *s)
{
	clock_gettime(CLOCK_REALTIME, &s->s_active);
	s->s_idle_since = hostd_session_mono();
	s->s_calls++;
}

char *
hostd_session_set_cookie(const struct hostd_session *s, int secure)
{
	char	*v;

	/* ESX's form: quoted, Path, HttpOnly, and Secure only over TLS. */
	xasprintf(&v, HOSTD_SESSION_COOKIE "=\"%s\"; Path=/; HttpOnly;%s",
	    s->s_cookie, secure ? " Secure;" : "");
	return (v);
}

struct hostd_val *
hostd_session_to_val(const struct hostd_session *s)
{
	struct hostd_val	*us;

	us = hostd_val_object("UserSession");
	hostd_val_add_str(us, "key", s->s_key);
	hostd_val_add_str(us, "userName", s->s_user);
	hostd_val_add_str(us, "fullName", s->s_fullname);
	hostd_val_add(us, "loginTime", hostd_val_datetime(&s->s_login));
	hostd_val_add(us, "lastActiveTime", hostd_val_datetime(&s->s_active));
	hostd_val_add_str(us, "locale", s->s_locale);
	hostd_val_add_str(us, "messageLocale", s->s_locale);
	hostd_val_add_bool(us, "extensionSession", 0);
	hostd_val_add_str(us, "ipAddress", s->s_ip);
	hostd_val_add_str(us, "userAgent", s->s_agent);
	hostd_val_add_long(us, "callCount", s->s_calls);
	return (us);
}
