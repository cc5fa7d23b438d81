/* SPDX-License-Identifier: ISC */
/*
 * Reading a secret (a password) from the terminal with echo off.  Always
 * /dev/tty, never stdin, so a secret is never taken from a pipe by
 * accident and a script without a terminal gets a clear error instead of
 * a hang.
 */

#include "config.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "rcli.h"
#include "xmalloc.h"

char *
prompt_secret(const char *question)
{
	struct termios	 old, raw;
	char		 line[1024];
	FILE		*tty;
	int		 fd, restore = 0;

	if ((fd = open("/dev/tty", O_RDWR | O_CLOEXEC)) == -1)
		return (NULL);
	if ((tty = fdopen(fd, "r+")) == NULL) {
		close(fd);
		return (NULL);
	}
	fputs(question, tty);
	fflush(tty);
	/* TCSANOW, not TCSAFLUSH: a password typed ahead is kept. */
	if (tcgetattr(fd, &old) == 0) {
		raw = old;
		raw.c_lflag &= ~(tcflag_t)ECHO;
		restore = tcsetattr(fd, TCSANOW, &raw) == 0;
	}
	if (fgets(line, sizeof line, tty) == NULL) {
		if (restore)
			tcsetattr(fd, TCSANOW, &old);
		fputc('\n', tty);
		fclose(tty);
		return (NULL);
	}
	if (restore)
		tcsetattr(fd, TCSANOW, &old);
	fputc('\n', tty);
	fclose(tty);
	line[strcspn(line, "\r\n")] = '\0';
	return (xstrdup(line));
}
