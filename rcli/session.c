/* SPDX-License-Identifier: ISC */
/*
 * The saved session: one file per server under $XDG_CONFIG_HOME/vireo
 * (else ~/.vireo), mode 0600 in a 0700 directory, holding the session
 * cookie, the user name and the certificate thumbprint the user trusted.
 * Never a password: a stolen file is worth one session, which
 * `rcli session logout` or the host's idle timeout ends.  Lines are
 * "key value"; unknown keys are ignored so later versions can add some.
 */

#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "atomicfile.h"
#include "rcli.h"
#include "xmalloc.h"

static char	*session_dir(void);

static char *
session_dir(void)
{
	const char	*x, *home;
	char		*d;

	if ((x = getenv("XDG_CONFIG_HOME")) != NULL && x[0] == '/')
		xasprintf(&d, "%s/vireo", x);
	else if ((home = getenv("HOME")) != NULL && home[0] == '/')
		xasprintf(&d, "%s/.vireo", home);
	else
		return (NULL);
	return (d);
}

/* The file of server; the name keeps only safe characters. */
char *
session_path(const char *server)
{
	char	*d, *p, *name, *q;

	if ((d = session_dir()) == NULL)
		return (NULL);
	name = xstrdup(server);
	for (q = name; *q != '\0'; q++)
		if (strchr("abcdefghijklmnopqrstuvwxyz"
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_", *q) == NULL)
			*q = '_';
	xasprintf(&p, "%s/session-%s", d, name);
	free(name);
	free(d);
	return (p);
}

int
session_load(const char *server, struct session *s)
{
	FILE		*f;
	char		*path, line[4096], *v;
	struct stat	 st;

	memset(s, 0, sizeof *s);
	if ((path = session_path(server)) == NULL)
		return (-1);
	f = fopen(path, "re");
	free(path);
	if (f == NULL)
		return (-1);
	/* A file others could read is not trusted to be ours. */
	if (fstat(fileno(f), &st) == -1 || (st.st_mode & 077) != 0 ||
	    st.st_uid != geteuid()) {
		fclose(f);
		errno = EPERM;
		return (-1);
	}
	while (fgets(line, sizeof line, f) != NULL) {
		line[strcspn(line, "\r\n")] = '\0';
		if ((v = strchr(line, ' ')) == NULL)
			continue;
		*v++ = '\0';
		if (strcmp(line, "cookie") == 0 && s->s_cookie == NULL)
			s->s_cookie = xstrdup(v);
		else if (strcmp(line, "user") == 0 && s->s_user == NULL)
			s->s_user = xstrdup(v);
		else if (strcmp(line, "thumbprint") == 0 &&
		    s->s_thumbprint == NULL)
			s->s_thumbprint = xstrdup(v);
	}
	fclose(f);
	if (s->s_cookie == NULL) {
		session_clear(s);
		errno = ENOENT;
		return (-1);
	}
	return (0);
}

int
session_save(const char *server, const struct session *s, char **cause)
{
	char	*d, *path, *text;
	int	 rc;

	if ((d = session_dir()) == NULL) {
		*cause = xstrdup("neither XDG_CONFIG_HOME nor HOME is set");
		return (-1);
	}
	if (mkdir(d, 0700) == -1 && errno != EEXIST) {
		xasprintf(cause, "%s: %s", d, strerror(errno));
		free(d);
		return (-1);
	}
	free(d);
	path = session_path(server);
	xasprintf(&text, "server %s\nuser %s\ncookie %s\n%s%s%s", server,
	    s->s_user != NULL ? s->s_user : "", s->s_cookie,
	    s->s_thumbprint != NULL ? "thumbprint " : "",
	    s->s_thumbprint != NULL ? s->s_thumbprint : "",
	    s->s_thumbprint != NULL ? "\n" : "");
	rc = atomicfile_write(path, text, strlen(text), 0600, cause);
	explicit_bzero(text, strlen(text));
	free(text);
	free(path);
	return (rc);
}

int
session_remove(const char *server)
{
	char	*path;
	int	 rc;

	if ((path = session_path(server)) == NULL)
		return (-1);
	rc = unlink(path);
	free(path);
	return (rc);
}

void
session_clear(struct session *s)
{
	if (s->s_cookie != NULL)
		explicit_bzero(s->s_cookie, strlen(s->s_cookie));
	free(s->s_cookie);
	free(s->s_user);
	free(s->s_thumbprint);
	memset(s, 0, sizeof *s);
}
