/* SPDX-License-Identifier: ISC */
/*
 * Logging for every Vireo process: stderr, a log file and syslog, with a
 * level threshold and a process name.  One process-wide state (the only
 * kind of file static lib/ allows).
 */
#ifndef VIREO_LOG_H
#define VIREO_LOG_H

#include <stdarg.h>
#include <stddef.h>

/* Where lines go; any combination. */
#define LOG_TO_STDERR	0x1
#define LOG_TO_FILE	0x2
#define LOG_TO_SYSLOG	0x4

/* Levels, most severe first; a line is written when its level <= the
 * threshold. */
enum log_level {
	LOG_LEVEL_ERROR = 0,
	LOG_LEVEL_WARNING,
	LOG_LEVEL_INFO,
	LOG_LEVEL_DEBUG,
	LOG_LEVEL_TRACE
};

#define printflike(a, b) __attribute__((format(printf, a, b)))
#define __dead __attribute__((__noreturn__))

/*
 * Start logging as procname (copied) to the targets in dest (LOG_TO_*, the
 * file target needs log_open_file), at LOG_LEVEL_INFO.  May be called again
 * to change the name or targets.
 */
void		 log_init(const char *procname, int dest);
/* Change the name printed on every line (copied), e.g. "vmx:web01". */
void		 log_procname(const char *procname);
const char	*log_get_procname(void);
/* Open (append, create 0640) path as the file target and enable it; closes
 * the previous one.  Returns 0, or -1 with errno and the old file kept. */
int		 log_open_file(const char *path);
/* Reopen the current file (after rotation, on SIGHUP).  0 or -1/errno. */
int		 log_reopen(void);
void		 log_close(void);
/* Targets in use (LOG_TO_*) and switching them. */
int		 log_get_dest(void);
void		 log_set_dest(int dest);
void		 log_set_level(enum log_level);
enum log_level	 log_get_level(void);
/* Parse "error", "warning", "info", "debug", "trace".  0 or -1. */
int		 log_level_parse(const char *, enum log_level *);
const char	*log_level_name(enum log_level);
/*
 * Single-threaded processes only: keep info, debug and trace lines for
 * stderr and the file in a buffer of size bytes (0: write each line at
 * once, the default), written when full, before any warning or error,
 * and by log_flush.  0, or -1 with errno (the previous mode is gone:
 * unbuffered).
 */
int		 log_set_buffered(size_t size);
/* Write the buffered lines now. */
void		 log_flush(void);
/* 1 if a line at this level would be written. */
int		 log_is_enabled(enum log_level);

void		 log_warn(const char *, ...) printflike(1, 2);
void		 log_warnx(const char *, ...) printflike(1, 2);
void		 log_info(const char *, ...) printflike(1, 2);
void		 log_debug(const char *, ...) printflike(1, 2);
void		 log_trace(const char *, ...) printflike(1, 2);
void		 log_vlog(enum log_level, int with_errno, const char *,
		     va_list) printflike(3, 0);
/* A line saying msg (len bytes at most, up to a NUL), with no format to
 * parse: for a line written at every request. */
void		 log_str(enum log_level, const char *msg, size_t len);
/* Start-up failures and broken invariants in executables only. */
__dead void	 fatal(const char *, ...) printflike(1, 2);
__dead void	 fatalx(const char *, ...) printflike(1, 2);

/* Route libevent's internal messages through us (event_set_log_callback). */
void		 log_event_cb(int severity, const char *msg);

#endif
