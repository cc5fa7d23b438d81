/* SPDX-License-Identifier: ISC */
/*
 * Log lines look like
 *	2026-11-21T05:40:01.123Z hostd[812]: warning: message: cause
 * on stderr and in the log file; syslog gets the message alone, with the
 * process name as ident.  Each line is formatted into one buffer and written
 * with one write(2), so lines from several threads (vmx's vCPUs) never
 * interleave in an O_APPEND file.
 *
 * A single-threaded daemon answering many requests (hostd logs one line
 * per HTTP request) may buffer: info, debug and trace lines then collect
 * in memory and reach stderr and the file when the buffer fills, when a
 * warning or an error comes (after them, in order), and at log_flush(),
 * which such a daemon calls from a timer.  Never an fsync.  A child
 * forked later starts with an empty buffer, so no line is written twice.
 */

#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <pthread.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include "fmt.h"
#include "log.h"

#define LOG_LINE_MAX	4096

/*
 * The one process-wide log state.  A process has one stderr and one
 * syslog connection, so this is a genuine singleton; everything else in
 * lib/ keeps its state in context structs.
 */
static struct {
	char		name[64];
	int		dest;
	enum log_level	level;
	int		fd;		/* file target, -1 if none */
	char		path[4096];	/* of fd, for log_reopen */
	char		*buf;		/* log_set_buffered, or NULL */
	size_t		 bufsize;
	size_t		 buflen;
	long		 pid;		/* getpid() while buffering */
	int		 atfork;	/* the fork handler is registered */
} log_state = { "vireo", LOG_TO_STDERR, LOG_LEVEL_INFO, -1, "", NULL, 0, 0,
    0, 0 };

static const char *const log_level_names[] = {
	"error", "warning", "info", "debug", "trace"
};

static const int log_syslog_prio[] = {
	LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG, LOG_DEBUG
};

void
log_init(const char *procname, int dest)
{
	log_procname(procname);
	log_state.dest = dest;
	log_state.level = LOG_LEVEL_INFO;
	if (dest & LOG_TO_SYSLOG)
		openlog(log_state.name, LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

void
log_procname(const char *procname)
{
	if (procname == NULL)
		procname = "vireo";
	snprintf(log_state.name, sizeof log_state.name, "%s", procname);
}

const char *
log_get_procname(void)
{
	return (log_state.name);
}

int
log_open_file(const char *path)
{
	int	fd;

	if (strlen(path) >= sizeof log_state.path) {
		errno = ENAMETOOLONG;
		return (-1);
	}
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
	if (fd == -1)
		return (-1);
	log_flush();
	if (log_state.fd != -1)
		close(log_state.fd);
	log_state.fd = fd;
	snprintf(log_state.path, sizeof log_state.path, "%s", path);
	log_state.dest |= LOG_TO_FILE;
	return (0);
}

int
log_reopen(void)
{
	log_flush();
	if (log_state.fd == -1)
		return (0);
	return (log_open_file(log_state.path));
}

void
log_close(void)
{
	log_flush();
	if (log_state.fd != -1)
		close(log_state.fd);
	log_state.fd = -1;
	log_state.path[0] = '\0';
	log_state.dest &= ~LOG_TO_FILE;
	if (log_state.dest & LOG_TO_SYSLOG)
		closelog();
}

int
log_get_dest(void)
{
	return (log_state.dest);
}

void
log_set_dest(int dest)
{
	if ((dest & LOG_TO_SYSLOG) && !(log_state.dest & LOG_TO_SYSLOG))
		openlog(log_state.name, LOG_PID | LOG_NDELAY, LOG_DAEMON);
	log_state.dest = dest;
}

void
log_set_level(enum log_level level)
{
	if (level > LOG_LEVEL_TRACE)
		level = LOG_LEVEL_TRACE;
	log_state.level = level;
}

enum log_level
log_get_level(void)
{
	return (log_state.level);
}

int
log_level_parse(const char *s, enum log_level *level)
{
	size_t	i;

	for (i = 0; i < sizeof log_level_names / sizeof log_level_names[0];
	    i++) {
		if (strcasecmp(s, log_level_names[i]) == 0) {
			*level = (enum log_level)i;
			return (0);
		}
	}
	return (-1);
}

const char *
log_level_name(enum log_level level)
{
	if (level > LOG_LEVEL_TRACE)
		return ("unknown");
	return (log_level_names[level]);
}

int
log_is_enabled(enum log_level level)
{
	return (level <= log_state.level);
}

/* Write all of buf, retrying short writes and EINTR; errors are dropped
 * because there is nowhere left to report them. */
static void
log_write_all(int fd, const char *buf, size_t len)
{
	ssize_t	n;

	while (len > 0) {
		n = write(fd, buf, len);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			return;
		}
		buf += n;
		len -= (size_t)n;
	}
}

/* Write a formatted line (or several) to stderr and the file. */
static void
log_emit(const char *line, size_t len)
{
	if (log_state.dest & LOG_TO_STDERR)
		log_write_all(STDERR_FILENO, line, len);
	if ((log_state.dest & LOG_TO_FILE) && log_state.fd != -1)
		log_write_all(log_state.fd, line, len);
}

void
log_flush(void)
{
	if (log_state.buflen == 0)
		return;
	log_emit(log_state.buf, log_state.buflen);
	log_state.buflen = 0;
}

/* In a new child: the parent's lines are the parent's to write. */
static void
log_atfork_child(void)
{
	free(log_state.buf);
	log_state.buf = NULL;
	log_state.bufsize = log_state.buflen = 0;
}

int
log_set_buffered(size_t size)
{
	log_flush();
	free(log_state.buf);
	log_state.buf = NULL;
	log_state.bufsize = 0;
	if (size == 0)
		return (0);
	if (!log_state.atfork) {
		if ((errno = pthread_atfork(NULL, NULL,
		    log_atfork_child)) != 0)
			return (-1);
		log_state.atfork = 1;
	}
	if ((log_state.buf = malloc(size)) == NULL)
		return (-1);
	log_state.bufsize = size;
	log_state.pid = (long)getpid();
	return (0);
}

/*
 * "YYYY-MM-DDTHH:MM:SS" of t (as "%04d-%02d-%02dT%02d:%02d:%02d") into
 * p, which has room for 32 bytes; returns its length.  No cache of the
 * second: hostd's snapshot worker thread logs too.
 */
static size_t
log_stamp(char *p, time_t t)
{
	struct tm	tm;
	int		n;

	if (gmtime_r(&t, &tm) != NULL && tm.tm_year >= -1900 &&
	    tm.tm_year <= 9999 - 1900)
		return ((size_t)(fmt_datetime(p, &tm) - p));
	if (gmtime_r(&t, &tm) == NULL)
		memset(&tm, 0, sizeof tm);
	n = snprintf(p, 32, "%04d-%02d-%02dT%02d:%02d:%02d",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec);
	return (n < 0 ? 0 : n >= 32 ? 31 : (size_t)n);
}

/*
 * One line for msg (len bytes, no NUL needed), cleaned: a line is one
 * line, so control characters from untrusted strings must not forge
 * further log lines.  No format is parsed: this is where every line
 * goes, and what a daemon's per-request line calls directly.
 */
void
log_str(enum log_level level, const char *msg, size_t len)
{
	char		 line[LOG_LINE_MAX + 256], *p, *m;
	struct timespec	 ts;
	const char	*name;
	size_t		 i, n;
	int		 saved_errno = errno;

	if (!log_is_enabled(level))
		return;
	name = log_level_names[level];
	if (len > LOG_LINE_MAX - 1)
		len = LOG_LINE_MAX - 1;
	p = line;
	if (log_state.dest & (LOG_TO_STDERR | LOG_TO_FILE)) {
		clock_gettime(CLOCK_REALTIME, &ts);
		p += log_stamp(p, ts.tv_sec);
		*p++ = '.';
		p = fmt_uint(p, (unsigned long long)ts.tv_nsec / 1000000,
		    3);
		*p++ = 'Z';
		*p++ = ' ';
		n = strlen(log_state.name);
		memcpy(p, log_state.name, n);
		p += n;
		*p++ = '[';
		p = fmt_uint(p, (unsigned long long)(log_state.buf !=
		    NULL ? log_state.pid : (long)getpid()), 0);
		*p++ = ']';
		*p++ = ':';
		*p++ = ' ';
	}
	n = strlen(name);
	memcpy(p, name, n);
	p += n;
	*p++ = ':';
	*p++ = ' ';
	m = p;
	for (i = 0; i < len && msg[i] != '\0'; i++) {
		if ((unsigned char)msg[i] < 0x20 && msg[i] != '\t')
			*p++ = '?';
		else
			*p++ = msg[i];
	}
	*p = '\0';

	if (log_state.dest & LOG_TO_SYSLOG)
		syslog(log_syslog_prio[level], "%s: %s", name, m);
	if (log_state.dest & (LOG_TO_STDERR | LOG_TO_FILE)) {
		*p++ = '\n';
		n = (size_t)(p - line);
		if (log_state.buf != NULL && level >= LOG_LEVEL_INFO &&
		    n <= log_state.bufsize) {
			if (log_state.buflen + n > log_state.bufsize)
				log_flush();
			memcpy(log_state.buf + log_state.buflen, line, n);
			log_state.buflen += n;
		} else {
			log_flush();
			log_emit(line, n);
		}
	}
	errno = saved_errno;
}

void
log_vlog(enum log_level level, int with_errno, const char *fmt, va_list ap)
{
	char		 msg[LOG_LINE_MAX];
	int		 saved_errno = errno;
	size_t		 len;

	if (!log_is_enabled(level))
		return;
	vsnprintf(msg, sizeof msg, fmt, ap);
	if (with_errno) {
		len = strlen(msg);
		snprintf(msg + len, sizeof msg - len, ": %s",
		    strerror(saved_errno));
	}
	log_str(level, msg, strlen(msg));
	errno = saved_errno;
}

void
log_warn(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_vlog(LOG_LEVEL_WARNING, 1, fmt, ap);
	va_end(ap);
}

void
log_warnx(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_vlog(LOG_LEVEL_WARNING, 0, fmt, ap);
	va_end(ap);
}

void
log_info(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_vlog(LOG_LEVEL_INFO, 0, fmt, ap);
	va_end(ap);
}

void
log_debug(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_vlog(LOG_LEVEL_DEBUG, 0, fmt, ap);
	va_end(ap);
}

void
log_trace(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_vlog(LOG_LEVEL_TRACE, 0, fmt, ap);
	va_end(ap);
}

void
fatal(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_vlog(LOG_LEVEL_ERROR, 1, fmt, ap);
	va_end(ap);
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_vlog(LOG_LEVEL_ERROR, 0, fmt, ap);
	va_end(ap);
	exit(1);
}

void
log_event_cb(int severity, const char *msg)
{
	switch (severity) {
	case EVENT_LOG_DEBUG:
		log_debug("libevent: %s", msg);
		break;
	case EVENT_LOG_MSG:
		log_info("libevent: %s", msg);
		break;
	default:
		log_warnx("libevent: %s", msg);
		break;
	}
}
