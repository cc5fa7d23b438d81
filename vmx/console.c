/* SPDX-License-Identifier: ISC */
/*
 * COM1 as vmx sees it, through libvmm's console tap: the serial0 file
 * (serial0.fileType "file") with rotation at serial0.fileMaxSize, and the
 * output and input of the viewers attached over the control socket.
 *
 * Threads: the tap runs on the vCPU that writes to the UART, holding the
 * UART's mutex.  It appends to the file and, while viewers are attached,
 * to a bounded ring (VMX_CONSOLE_RING bytes: what does not fit is dropped
 * and counted, so a slow viewer never stalls a vCPU), then wakes the event
 * thread with event_active.  The event thread empties the ring into the
 * viewers (control.c) and feeds viewers' input to the guest, keeping what
 * the UART's FIFO cannot take yet and retrying on a short timer.  cn_mtx
 * guards the file and the ring; it is taken inside the UART's mutex, never
 * the other way round.
 */

#include "config.h"

#include <sys/time.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "log.h"
#include "proto.h"
#include "xmalloc.h"
#include "vmx.h"

#define VMX_CONSOLE_RING	(64 * 1024)	/* output for the viewers */
#define VMX_CONSOLE_IN_MAX	4096		/* input not yet taken */
#define VMX_CONSOLE_RETRY_US	10000		/* input retry period */

struct vmx_console {
	struct vmx	*cn_vx;		/* borrowed */
	pthread_mutex_t	 cn_mtx;	/* the members down to cn_dropped */
	int		 cn_fd;		/* serial0 file, -1 if none */
	const char	*cn_path;	/* its name, borrowed from the conf */
	uint64_t	 cn_size;	/* bytes in cn_fd */
	uint64_t	 cn_maxsize;	/* rotate beyond this, 0 never */
	unsigned int	 cn_keepold;	/* rotated files kept */
	uint8_t		*cn_ring;	/* VMX_CONSOLE_RING bytes, owned */
	size_t		 cn_head;	/* oldest byte */
	size_t		 cn_len;	/* bytes in the ring */
	int		 cn_viewers;	/* attached viewers */
	int		 cn_wake;	/* cn_ev_out activated, not run yet */
	uint64_t	 cn_dropped;	/* bytes viewers never got */

	struct event	*cn_ev_out;	/* delivers the ring */
	struct event	*cn_ev_in;	/* retries pending input */
	uint8_t		 cn_in[VMX_CONSOLE_IN_MAX]; /* event thread only */
	size_t		 cn_inlen;
};

static void	vmx_console_tap(void *, const void *, size_t);
static void	vmx_console_write(struct vmx_console *, const uint8_t *,
		    size_t);
static void	vmx_console_rotate(struct vmx_console *);
static void	vmx_console_out_cb(evutil_socket_t, short, void *);
static void	vmx_console_in_cb(evutil_socket_t, short, void *);
static void	vmx_console_feed(struct vmx_console *);

/*
 * The console of vx.  fd, when not -1, is the serial0 file just opened
 * (empty); the console takes it over.  0, or -1 with *cause.
 */
int
vmx_console_create(struct vmx *vx, int fd, char **cause)
{
	struct vmx_console	*cn;

	cn = xcalloc(1, sizeof *cn);
	cn->cn_vx = vx;
	cn->cn_fd = fd;
	cn->cn_path = vx->vx_conf->vc_serial_file;
	cn->cn_maxsize = vx->vx_conf->vc_serial_maxsize;
	cn->cn_keepold = vx->vx_conf->vc_serial_keepold;
	cn->cn_ring = xmalloc(VMX_CONSOLE_RING);
	if (pthread_mutex_init(&cn->cn_mtx, NULL) != 0) {
		xasprintf(cause, "console: cannot create a mutex");
		free(cn->cn_ring);
		free(cn);
		return (-1);
	}
	vx->vx_console = cn;
	return (0);
}

/* Events on vx_base and the tap on the VM.  0, or -1 with *cause. */
int
vmx_console_start(struct vmx *vx, char **cause)
{
	struct vmx_console	*cn = vx->vx_console;

	cn->cn_ev_out = event_new(vx->vx_base, -1, 0, vmx_console_out_cb, cn);
	cn->cn_ev_in = evtimer_new(vx->vx_base, vmx_console_in_cb, cn);
	if (cn->cn_ev_out == NULL || cn->cn_ev_in == NULL) {
		xasprintf(cause, "console: cannot create events");
		return (-1);
	}
	vmm_set_console_tap(vx->vx_vmm, vmx_console_tap, cn);
	return (0);
}

void
vmx_console_free(struct vmx *vx)
{
	struct vmx_console	*cn = vx->vx_console;

	if (cn == NULL)
		return;
	if (vx->vx_vmm != NULL)
		vmm_set_console_tap(vx->vx_vmm, NULL, NULL);
	if (cn->cn_ev_out != NULL)
		event_free(cn->cn_ev_out);
	if (cn->cn_ev_in != NULL)
		event_free(cn->cn_ev_in);
	if (cn->cn_fd != -1 && close(cn->cn_fd) == -1)
		log_warn("serial0: %s", cn->cn_path);
	pthread_mutex_destroy(&cn->cn_mtx);
	free(cn->cn_ring);
	free(cn);
	vx->vx_console = NULL;
}

/* A viewer attached (delta 1) or left (-1); the ring runs while any is. */
void
vmx_console_viewers(struct vmx *vx, int delta)
{
	struct vmx_console	*cn = vx->vx_console;

	pthread_mutex_lock(&cn->cn_mtx);
	cn->cn_viewers += delta;
	if (cn->cn_viewers <= 0) {
		cn->cn_viewers = 0;
		cn->cn_len = 0;
	}
	pthread_mutex_unlock(&cn->cn_mtx);
}

uint64_t
vmx_console_dropped(struct vmx *vx)
{
	struct vmx_console	*cn = vx->vx_console;
	uint64_t		 n;

	pthread_mutex_lock(&cn->cn_mtx);
	n = cn->cn_dropped;
	pthread_mutex_unlock(&cn->cn_mtx);
	return (n);
}

/* Bytes a slow viewer missed (control.c). */
void
vmx_console_add_dropped(struct vmx *vx, uint64_t n)
{
	struct vmx_console	*cn = vx->vx_console;

	pthread_mutex_lock(&cn->cn_mtx);
	cn->cn_dropped += n;
	pthread_mutex_unlock(&cn->cn_mtx);
}

/* The tap: on a vCPU thread, inside the UART's mutex. */
static void
vmx_console_tap(void *arg, const void *buf, size_t len)
{
	struct vmx_console	*cn = arg;
	const uint8_t		*p = buf;
	size_t			 i;

	pthread_mutex_lock(&cn->cn_mtx);
	if (cn->cn_fd != -1)
		vmx_console_write(cn, p, len);
	if (cn->cn_viewers > 0) {
		for (i = 0; i < len; i++) {
			if (cn->cn_len == VMX_CONSOLE_RING) {
				cn->cn_dropped += len - i;
				break;
			}
			cn->cn_ring[(cn->cn_head + cn->cn_len) %
			    VMX_CONSOLE_RING] = p[i];
			cn->cn_len++;
		}
		if (!cn->cn_wake && cn->cn_ev_out != NULL) {
			cn->cn_wake = 1;
			event_active(cn->cn_ev_out, EV_TIMEOUT, 0);
		}
	}
	pthread_mutex_unlock(&cn->cn_mtx);
}

/* Append to the serial0 file, rotating it first when it is full. */
static void
vmx_console_write(struct vmx_console *cn, const uint8_t *p, size_t len)
{
	ssize_t	n;

	if (cn->cn_maxsize != 0 && cn->cn_size + len > cn->cn_maxsize &&
	    cn->cn_size > 0)
		vmx_console_rotate(cn);
	while (len > 0 && cn->cn_fd != -1) {
		n = write(cn->cn_fd, p, len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		cn->cn_size += (uint64_t)n;
		p += n;
		len -= (size_t)n;
	}
}

/*
 * serial.txt becomes serial-0.txt and so on (vmx_log_rotate), and a new
 * empty file takes its place.  If that fails the old file is kept and
 * rotation stops: the output goes on, unbounded, with a warning.
 */
static void
vmx_console_rotate(struct vmx_console *cn)
{
	char	*why = NULL;
	int	 fd;

	if (vmx_log_rotate(cn->cn_path, cn->cn_keepold, &why) != 0) {
		log_warnx("serial0: %s; not rotating any more", why);
		free(why);
		cn->cn_maxsize = 0;
		return;
	}
	fd = open(cn->cn_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0644);
	if (fd == -1) {
		log_warn("serial0: %s; output to the rotated file",
		    cn->cn_path);
		cn->cn_maxsize = 0;
		return;
	}
	close(cn->cn_fd);
	cn->cn_fd = fd;
	cn->cn_size = 0;
	log_info("serial0: %s rotated", cn->cn_path);
}

/* Event thread: hand the ring to the viewers, a frame at a time. */
static void
vmx_console_out_cb(evutil_socket_t fd, short what, void *arg)
{
	struct vmx_console	*cn = arg;
	uint8_t			 buf[PROTO_VMX_CONSOLE_MAX];
	size_t			 n, first;

	for (;;) {
		pthread_mutex_lock(&cn->cn_mtx);
		n = cn->cn_len < sizeof buf ? cn->cn_len : sizeof buf;
		first = VMX_CONSOLE_RING - cn->cn_head;
		if (first > n)
			first = n;
		memcpy(buf, cn->cn_ring + cn->cn_head, first);
		memcpy(buf + first, cn->cn_ring, n - first);
		cn->cn_head = (cn->cn_head + n) % VMX_CONSOLE_RING;
		cn->cn_len -= n;
		if (n == 0)
			cn->cn_wake = 0;
		pthread_mutex_unlock(&cn->cn_mtx);
		if (n == 0)
			break;
		vmx_control_console(cn->cn_vx, buf, n);
	}
}

/*
 * Event thread: a viewer typed len bytes.  Keeps what fits in the input
 * buffer (returns that count; the rest is lost, as on a real line without
 * flow control) and feeds the guest.
 */
size_t
vmx_console_input(struct vmx *vx, const void *buf, size_t len)
{
	struct vmx_console	*cn = vx->vx_console;

	if (len > sizeof cn->cn_in - cn->cn_inlen)
		len = sizeof cn->cn_in - cn->cn_inlen;
	memcpy(cn->cn_in + cn->cn_inlen, buf, len);
	cn->cn_inlen += len;
	vmx_console_feed(cn);
	return (len);
}

/* Give the UART what its FIFO takes; retry the rest shortly. */
static void
vmx_console_feed(struct vmx_console *cn)
{
	struct timeval	tv;
	size_t		n;

	if (cn->cn_inlen == 0)
		return;
	n = vmm_console_input(cn->cn_vx->vx_vmm, cn->cn_in, cn->cn_inlen);
	memmove(cn->cn_in, cn->cn_in + n, cn->cn_inlen - n);
	cn->cn_inlen -= n;
	if (cn->cn_inlen > 0 && !evtimer_pending(cn->cn_ev_in, NULL)) {
		tv.tv_sec = 0;
		tv.tv_usec = VMX_CONSOLE_RETRY_US;
		evtimer_add(cn->cn_ev_in, &tv);
	}
}

static void
vmx_console_in_cb(evutil_socket_t fd, short what, void *arg)
{
	vmx_console_feed(arg);
}
