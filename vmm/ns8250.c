/* SPDX-License-Identifier: ISC */
/*
 * The COM1 UART: a National Semiconductor 16550A (ns8250 family) at
 * VMM_COM1_PORT on VMM_COM1_IRQ, enough for Linux's 8250 driver to detect a
 * 16550A and for polled early consoles.  The transmitter is infinitely
 * fast: a byte written to THR goes straight to vp_serial_out, so THRE and
 * TEMT always read 1.  Received bytes come from ns8250_input(), which the
 * caller's event loop (vmx's console code reading vp_serial_in) calls; this
 * file starts no thread.  A console tap (ns8250_set_tap) sees every byte
 * the guest transmits as well, for vmx's console viewers.
 *
 * Threads: vCPU threads trap on the ports and the event thread feeds
 * input, so all state sits behind the device's mutex.  The IRQ is a level:
 * it is recomputed after every change and follows "an interrupt is
 * pending" as the INTR pin of the real chip does.
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "xmalloc.h"
#include "vmm-dev.h"
#include "snapshot.h"

/* Register offsets (DLAB selects DLL/DLM at 0 and 1). */
#define NS8250_RBR	0	/* read: receive buffer */
#define NS8250_THR	0	/* write: transmit holding */
#define NS8250_IER	1
#define NS8250_IIR	2	/* read: interrupt identification */
#define NS8250_FCR	2	/* write: FIFO control */
#define NS8250_LCR	3
#define NS8250_MCR	4
#define NS8250_LSR	5
#define NS8250_MSR	6
#define NS8250_SCR	7
#define NS8250_NPORTS	8

#define NS8250_IER_RDA	0x01	/* received data available */
#define NS8250_IER_THRE	0x02	/* THR empty */
#define NS8250_IER_RLS	0x04	/* receiver line status */
#define NS8250_IER_MS	0x08	/* modem status */
#define NS8250_IER_MASK	0x0f	/* the 16550A keeps the low nibble only */

#define NS8250_IIR_NONE	0x01	/* no interrupt pending */
#define NS8250_IIR_MS	0x00
#define NS8250_IIR_THRE	0x02
#define NS8250_IIR_RDA	0x04
#define NS8250_IIR_RLS	0x06
#define NS8250_IIR_CTO	0x0c	/* character time-out (FIFO mode) */
#define NS8250_IIR_FIFO	0xc0	/* FIFOs enabled */

#define NS8250_FCR_ENABLE 0x01
#define NS8250_FCR_CLR_RX 0x02
#define NS8250_FCR_CLR_TX 0x04
#define NS8250_FCR_TRIG	0xc0	/* RX trigger level: 1, 4, 8, 14 */

#define NS8250_LCR_DLAB	0x80

#define NS8250_MCR_DTR	0x01
#define NS8250_MCR_RTS	0x02
#define NS8250_MCR_OUT1	0x04
#define NS8250_MCR_OUT2	0x08
#define NS8250_MCR_LOOP	0x10
#define NS8250_MCR_MASK	0x1f

#define NS8250_LSR_DR	0x01	/* data ready */
#define NS8250_LSR_OE	0x02	/* overrun */
#define NS8250_LSR_BI	0x10
#define NS8250_LSR_THRE	0x20
#define NS8250_LSR_TEMT	0x40
#define NS8250_LSR_ERR	0x1e	/* OE PE FE BI: the RLS interrupt sources */

#define NS8250_MSR_DCTS	0x01
#define NS8250_MSR_DDSR	0x02
#define NS8250_MSR_TERI	0x04
#define NS8250_MSR_DDCD	0x08
#define NS8250_MSR_CTS	0x10
#define NS8250_MSR_DSR	0x20
#define NS8250_MSR_RI	0x40
#define NS8250_MSR_DCD	0x80
#define NS8250_MSR_DELTA 0x0f

#define NS8250_FIFO_SIZE 16
#define NS8250_TX_WAIT_MS 1000	/* longest wait on a blocking output fd */

struct ns8250 {
	pthread_mutex_t	 ns_mtx;	/* everything below */
	struct vmm	*ns_vmm;	/* borrowed, outlives us */
	int		 ns_out;	/* vp_serial_out, borrowed, -1 none */
	uint8_t		 ns_ier;	/* interrupt enable, low nibble */
	uint8_t		 ns_fcr;	/* last FCR (enable, trigger bits) */
	uint8_t		 ns_lcr;	/* line control */
	uint8_t		 ns_mcr;	/* modem control, low 5 bits */
	uint8_t		 ns_lsr;	/* sticky LSR bits: OE, BI */
	uint8_t		 ns_msr;	/* modem status incl. delta bits */
	uint8_t		 ns_scr;	/* scratch */
	uint8_t		 ns_dll;	/* divisor latch, low */
	uint8_t		 ns_dlm;	/* divisor latch, high */
	int		 ns_thre_pending; /* THRE interrupt not yet acked */
	uint8_t		 ns_rx[NS8250_FIFO_SIZE]; /* RX FIFO ring */
	unsigned int	 ns_rx_head;	/* index of the oldest byte */
	unsigned int	 ns_rx_count;	/* bytes in ns_rx (1 max, no FIFO) */
	int		 ns_irq;	/* level last driven on the IRQ */
	uint64_t	 ns_tx_bytes;	/* bytes written to ns_out */
	uint64_t	 ns_tx_dropped;	/* bytes lost: full or broken fd */
	uint64_t	 ns_tx_total;	/* bytes the guest transmitted */
	uint64_t	 ns_rx_bytes;	/* bytes taken by ns8250_input */
	void		(*ns_tap)(void *, const void *, size_t);
	void		*ns_tap_arg;	/* borrowed, for ns_tap */
};

static int	ns8250_create(struct vmm *, const struct vmm_params *, void **,
		    char **);
static void	ns8250_reset(void *);
static void	ns8250_free(void *);
static void	ns8250_io(void *, struct iotrap_access *);
static uint8_t	ns8250_read(struct ns8250 *, unsigned int);
static void	ns8250_write(struct ns8250 *, unsigned int, uint8_t);
static void	ns8250_transmit(struct ns8250 *, uint8_t);
static int	ns8250_rx_push(struct ns8250 *, uint8_t);
static uint8_t	ns8250_rx_pop(struct ns8250 *);
static unsigned int ns8250_rx_capacity(struct ns8250 *);
static unsigned int ns8250_rx_trigger(struct ns8250 *);
static uint8_t	ns8250_iir(struct ns8250 *);
static uint8_t	ns8250_loop_msr(uint8_t);
static void	ns8250_set_mcr(struct ns8250 *, uint8_t);
static void	ns8250_update_irq(struct ns8250 *);
static void	ns8250_reset_locked(struct ns8250 *);
static int	ns8250_save(void *, struct snap *);
static int	ns8250_restore(void *, struct snap *);
static void	ns8250_stats(void *, void (*)(void *, const char *, uint64_t),
		    void *);

const struct vmm_devtype ns8250_devtype = {
	"ns8250",
	ns8250_create,
	ns8250_reset,
	ns8250_free,
	ns8250_save,
	ns8250_restore,
	ns8250_stats
};

static int
ns8250_create(struct vmm *vmm, const struct vmm_params *params, void **devp,
    char **cause)
{
	struct ns8250	*ns;

	ns = xcalloc(1, sizeof *ns);
	ns->ns_vmm = vmm;
	ns->ns_out = params->vp_serial_out;
	if (pthread_mutex_init(&ns->ns_mtx, NULL) != 0) {
		free(ns);
		xasprintf(cause, "ns8250: mutex");
		return (-1);
	}
	ns8250_reset_locked(ns);
	if (iotrap_register(vmm, IOTRAP_PIO, VMM_COM1_PORT, NS8250_NPORTS,
	    ns8250_io, ns, "ns8250") == -1) {
		xasprintf(cause, "ns8250: port 0x%x: %s", VMM_COM1_PORT,
		    strerror(errno));
		pthread_mutex_destroy(&ns->ns_mtx);
		free(ns);
		return (-1);
	}
	*devp = ns;
	return (0);
}

static void
ns8250_free(void *dev)
{
	struct ns8250	*ns = dev;

	if (ns == NULL)
		return;
	iotrap_unregister(ns->ns_vmm, IOTRAP_PIO, VMM_COM1_PORT);
	log_debug("ns8250: %llu bytes out, %llu dropped",
	    (unsigned long long)ns->ns_tx_bytes,
	    (unsigned long long)ns->ns_tx_dropped);
	pthread_mutex_destroy(&ns->ns_mtx);
	free(ns);
}

static void
ns8250_reset(void *dev)
{
	struct ns8250	*ns = dev;

	if (ns == NULL)
		return;
	pthread_mutex_lock(&ns->ns_mtx);
	ns8250_reset_locked(ns);
	ns8250_update_irq(ns);
	pthread_mutex_unlock(&ns->ns_mtx);
}

/* Power-on values; 115200 baud (divisor 1) as firmware would leave it. */
static void
ns8250_reset_locked(struct ns8250 *ns)
{
	ns->ns_ier = 0;
	ns->ns_fcr = 0;
	ns->ns_lcr = 0x03;	/* 8N1 */
	ns->ns_mcr = NS8250_MCR_OUT2;
	ns->ns_lsr = 0;
	/* A terminal is attached: carrier, data set ready, clear to send. */
	ns->ns_msr = NS8250_MSR_DCD | NS8250_MSR_DSR | NS8250_MSR_CTS;
	ns->ns_scr = 0;
	ns->ns_dll = 1;
	ns->ns_dlm = 0;
	ns->ns_thre_pending = 0;
	ns->ns_rx_head = 0;
	ns->ns_rx_count = 0;
}

/*
 * Port handler.  Wider accesses than a byte are split into byte accesses
 * of consecutive registers, which is what the ISA bus does with them.
 */
static void
ns8250_io(void *dev, struct iotrap_access *ia)
{
	struct ns8250	*ns = dev;
	uint64_t	 data = 0;
	uint32_t	 i, len;
	unsigned int	 reg;

	len = ia->ia_len > 8 ? 8 : ia->ia_len;
	pthread_mutex_lock(&ns->ns_mtx);
	for (i = 0; i < len; i++) {
		/* Bytes past the UART belong to nobody. */
		if (ia->ia_off + i >= NS8250_NPORTS) {
			data |= (uint64_t)0xff << (8 * i);
			continue;
		}
		reg = (unsigned int)(ia->ia_off + i);
		if (ia->ia_write)
			ns8250_write(ns, reg, (uint8_t)(ia->ia_data >> (8 * i)));
		else
			data |= (uint64_t)ns8250_read(ns, reg) << (8 * i);
	}
	ns8250_update_irq(ns);
	pthread_mutex_unlock(&ns->ns_mtx);
	if (!ia->ia_write)
		ia->ia_data = data;
}

static uint8_t
ns8250_read(struct ns8250 *ns, unsigned int reg)
{
	uint8_t	v;

	switch (reg) {
	case NS8250_RBR:
		if (ns->ns_lcr & NS8250_LCR_DLAB)
			return (ns->ns_dll);
		return (ns8250_rx_pop(ns));
	case NS8250_IER:
		if (ns->ns_lcr & NS8250_LCR_DLAB)
			return (ns->ns_dlm);
		return (ns->ns_ier);
	case NS8250_IIR:
		v = ns8250_iir(ns);
		/* Reading IIR while it reports THRE acknowledges it. */
		if ((v & 0x0f) == NS8250_IIR_THRE)
			ns->ns_thre_pending = 0;
		return (v);
	case NS8250_LCR:
		return (ns->ns_lcr);
	case NS8250_MCR:
		return (ns->ns_mcr);
	case NS8250_LSR:
		v = ns->ns_lsr | NS8250_LSR_THRE | NS8250_LSR_TEMT;
		if (ns->ns_rx_count > 0)
			v |= NS8250_LSR_DR;
		/* Error bits clear on read. */
		ns->ns_lsr = 0;
		return (v);
	case NS8250_MSR:
		if (ns->ns_mcr & NS8250_MCR_LOOP)
			v = (ns->ns_msr & NS8250_MSR_DELTA) |
			    ns8250_loop_msr(ns->ns_mcr);
		else
			v = ns->ns_msr;
		ns->ns_msr &= ~NS8250_MSR_DELTA;
		return (v);
	case NS8250_SCR:
		return (ns->ns_scr);
	}
	return (0xff);
}

static void
ns8250_write(struct ns8250 *ns, unsigned int reg, uint8_t v)
{
	uint8_t	old;

	switch (reg) {
	case NS8250_THR:
		if (ns->ns_lcr & NS8250_LCR_DLAB) {
			ns->ns_dll = v;
			break;
		}
		if (ns->ns_mcr & NS8250_MCR_LOOP) {
			/* Loopback: the shift register feeds the receiver. */
			if (ns8250_rx_push(ns, v) == -1)
				ns->ns_lsr |= NS8250_LSR_OE;
		} else
			ns8250_transmit(ns, v);
		/* Sent at once, so THR is empty again: a new THRE event. */
		ns->ns_thre_pending = 1;
		break;
	case NS8250_IER:
		if (ns->ns_lcr & NS8250_LCR_DLAB) {
			ns->ns_dlm = v;
			break;
		}
		old = ns->ns_ier;
		ns->ns_ier = v & NS8250_IER_MASK;
		/*
		 * Enabling the THRE interrupt while THR is empty (always,
		 * here) raises it: Linux's startup tests exactly this.
		 */
		if ((ns->ns_ier & NS8250_IER_THRE) &&
		    !(old & NS8250_IER_THRE))
			ns->ns_thre_pending = 1;
		break;
	case NS8250_FCR:
		if ((v & NS8250_FCR_ENABLE) !=
		    (ns->ns_fcr & NS8250_FCR_ENABLE)) {
			/* Switching FIFO mode empties both FIFOs. */
			ns->ns_rx_count = 0;
			ns->ns_rx_head = 0;
		}
		if (v & NS8250_FCR_CLR_RX) {
			ns->ns_rx_count = 0;
			ns->ns_rx_head = 0;
		}
		/* TX FIFO: always empty. */
		ns->ns_fcr = v & (NS8250_FCR_ENABLE | NS8250_FCR_TRIG);
		break;
	case NS8250_LCR:
		ns->ns_lcr = v;
		break;
	case NS8250_MCR:
		ns8250_set_mcr(ns, v & NS8250_MCR_MASK);
		break;
	case NS8250_LSR:
		/* Factory test register on the real part: ignored. */
		break;
	case NS8250_MSR:
		break;
	case NS8250_SCR:
		ns->ns_scr = v;
		break;
	}
}

/*
 * In loopback the modem outputs drive the modem inputs: RTS->CTS,
 * DTR->DSR, OUT1->RI, OUT2->DCD.
 */
static uint8_t
ns8250_loop_msr(uint8_t mcr)
{
	uint8_t	msr = 0;

	if (mcr & NS8250_MCR_RTS)
		msr |= NS8250_MSR_CTS;
	if (mcr & NS8250_MCR_DTR)
		msr |= NS8250_MSR_DSR;
	if (mcr & NS8250_MCR_OUT1)
		msr |= NS8250_MSR_RI;
	if (mcr & NS8250_MCR_OUT2)
		msr |= NS8250_MSR_DCD;
	return (msr);
}

/* New MCR; the delta bits of MSR record what the change did to inputs. */
static void
ns8250_set_mcr(struct ns8250 *ns, uint8_t mcr)
{
	uint8_t	before, after, delta = 0;

	before = (ns->ns_mcr & NS8250_MCR_LOOP) ?
	    ns8250_loop_msr(ns->ns_mcr) : (ns->ns_msr & ~NS8250_MSR_DELTA);
	after = (mcr & NS8250_MCR_LOOP) ?
	    ns8250_loop_msr(mcr) : (ns->ns_msr & ~NS8250_MSR_DELTA);
	if (!(ns->ns_mcr & NS8250_MCR_LOOP) && !(mcr & NS8250_MCR_LOOP)) {
		ns->ns_mcr = mcr;
		return;
	}
	if ((before ^ after) & NS8250_MSR_CTS)
		delta |= NS8250_MSR_DCTS;
	if ((before ^ after) & NS8250_MSR_DSR)
		delta |= NS8250_MSR_DDSR;
	if ((before ^ after) & NS8250_MSR_DCD)
		delta |= NS8250_MSR_DDCD;
	/* TERI: trailing edge of RI only. */
	if ((before & NS8250_MSR_RI) && !(after & NS8250_MSR_RI))
		delta |= NS8250_MSR_TERI;
	ns->ns_msr |= delta;
	ns->ns_mcr = mcr;
}

/*
 * Write one byte to the output fd without ever blocking the vCPU for
 * good: a non-blocking fd that is full drops the byte at once; a blocking
 * one (a terminal stopped with ^S, a pipe nobody reads) gets up to
 * NS8250_TX_WAIT_MS to drain before the byte is dropped.  Drops and
 * errors are counted, never reported to the guest.
 */
static void
ns8250_transmit(struct ns8250 *ns, uint8_t v)
{
	struct pollfd	pfd;
	ssize_t		n;
	int		flags, wait = 0;

	ns->ns_tx_total++;
	if (ns->ns_tap != NULL)
		ns->ns_tap(ns->ns_tap_arg, &v, 1);
	if (ns->ns_out == -1)
		return;
	for (;;) {
		pfd.fd = ns->ns_out;
		pfd.events = POLLOUT;
		pfd.revents = 0;
		n = poll(&pfd, 1, wait);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == 0 && wait == 0) {
			flags = fcntl(ns->ns_out, F_GETFL);
			if (flags != -1 && !(flags & O_NONBLOCK)) {
				wait = NS8250_TX_WAIT_MS;
				continue;
			}
		}
		/* POLLERR: a pipe without reader; writing would raise SIGPIPE. */
		if (n != 1 || !(pfd.revents & POLLOUT) ||
		    (pfd.revents & (POLLERR | POLLNVAL)))
			break;
		n = write(ns->ns_out, &v, 1);
		if (n == 1) {
			ns->ns_tx_bytes++;
			return;
		}
		if (n == -1 && errno == EINTR)
			continue;
		break;
	}
	ns->ns_tx_dropped++;
}

static unsigned int
ns8250_rx_capacity(struct ns8250 *ns)
{
	return ((ns->ns_fcr & NS8250_FCR_ENABLE) ? NS8250_FIFO_SIZE : 1);
}

/* FCR bits 7-6: 1, 4, 8 or 14 bytes before the RDA interrupt. */
static unsigned int
ns8250_rx_trigger(struct ns8250 *ns)
{
	static const unsigned int	levels[4] = { 1, 4, 8, 14 };

	if (!(ns->ns_fcr & NS8250_FCR_ENABLE))
		return (1);
	return (levels[(ns->ns_fcr & NS8250_FCR_TRIG) >> 6]);
}

/* Append to the RX FIFO; -1 when it is full. */
static int
ns8250_rx_push(struct ns8250 *ns, uint8_t v)
{
	if (ns->ns_rx_count >= ns8250_rx_capacity(ns))
		return (-1);
	ns->ns_rx[(ns->ns_rx_head + ns->ns_rx_count) % NS8250_FIFO_SIZE] = v;
	ns->ns_rx_count++;
	return (0);
}

/* Oldest received byte, or 0 from an empty FIFO. */
static uint8_t
ns8250_rx_pop(struct ns8250 *ns)
{
	uint8_t	v;

	if (ns->ns_rx_count == 0)
		return (0);
	v = ns->ns_rx[ns->ns_rx_head];
	ns->ns_rx_head = (ns->ns_rx_head + 1) % NS8250_FIFO_SIZE;
	ns->ns_rx_count--;
	return (v);
}

/*
 * The highest-priority pending interrupt: line status, then received
 * data (or the FIFO's character time-out when below the trigger level;
 * our time-out has already elapsed, as the caller delivers input in
 * bursts), then THR empty, then modem status.
 */
static uint8_t
ns8250_iir(struct ns8250 *ns)
{
	uint8_t	fifo;

	fifo = (ns->ns_fcr & NS8250_FCR_ENABLE) ? NS8250_IIR_FIFO : 0;
	if ((ns->ns_ier & NS8250_IER_RLS) && (ns->ns_lsr & NS8250_LSR_ERR))
		return (fifo | NS8250_IIR_RLS);
	if ((ns->ns_ier & NS8250_IER_RDA) && ns->ns_rx_count > 0) {
		if (ns->ns_rx_count >= ns8250_rx_trigger(ns))
			return (fifo | NS8250_IIR_RDA);
		return (fifo | NS8250_IIR_CTO);
	}
	if ((ns->ns_ier & NS8250_IER_THRE) && ns->ns_thre_pending)
		return (fifo | NS8250_IIR_THRE);
	if ((ns->ns_ier & NS8250_IER_MS) && (ns->ns_msr & NS8250_MSR_DELTA))
		return (fifo | NS8250_IIR_MS);
	return (fifo | NS8250_IIR_NONE);
}

/* Drive the IRQ line to "an interrupt is pending"; only changes reach irq. */
static void
ns8250_update_irq(struct ns8250 *ns)
{
	int	level;

	level = !(ns8250_iir(ns) & NS8250_IIR_NONE);
	if (level == ns->ns_irq)
		return;
	ns->ns_irq = level;
	irq_set_level(ns->ns_vmm, VMM_COM1_IRQ, level);
}

/*
 * Feed bytes typed on vp_serial_in into the receiver, as the event loop
 * reads them.  Takes as many as the RX FIFO has room for and returns that
 * count; the caller keeps the rest and offers them again later (a real
 * line would overrun instead: we prefer flow control).  In loopback mode
 * the line is disconnected and nothing is taken.  Thread-safe.
 */
size_t
ns8250_input(struct ns8250 *ns, const void *buf, size_t len)
{
	const uint8_t	*p = buf;
	size_t		 n = 0;

	if (ns == NULL)
		return (0);
	pthread_mutex_lock(&ns->ns_mtx);
	if (!(ns->ns_mcr & NS8250_MCR_LOOP)) {
		while (n < len && ns8250_rx_push(ns, p[n]) == 0)
			n++;
	}
	ns->ns_rx_bytes += n;
	ns8250_update_irq(ns);
	pthread_mutex_unlock(&ns->ns_mtx);
	return (n);
}

/* Bytes the RX FIFO can take now (0 in loopback).  Thread-safe. */
size_t
ns8250_input_room(struct ns8250 *ns)
{
	size_t	room = 0;

	if (ns == NULL)
		return (0);
	pthread_mutex_lock(&ns->ns_mtx);
	if (!(ns->ns_mcr & NS8250_MCR_LOOP))
		room = ns8250_rx_capacity(ns) - ns->ns_rx_count;
	pthread_mutex_unlock(&ns->ns_mtx);
	return (room);
}

/* Bytes dropped on output since creation (full non-blocking fd, errors). */
uint64_t
ns8250_dropped(struct ns8250 *ns)
{
	uint64_t	n;

	pthread_mutex_lock(&ns->ns_mtx);
	n = ns->ns_tx_dropped;
	pthread_mutex_unlock(&ns->ns_mtx);
	return (n);
}

/*
 * The tap: fn(arg, byte, 1) for every byte the guest transmits, on the
 * transmitting vCPU's thread with the device's mutex held (so fn must not
 * call back into this device); fn NULL removes it.  NULL ns: no-op.
 */
void
ns8250_set_tap(struct ns8250 *ns, void (*fn)(void *, const void *, size_t),
    void *arg)
{
	if (ns == NULL)
		return;
	pthread_mutex_lock(&ns->ns_mtx);
	ns->ns_tap = fn;
	ns->ns_tap_arg = fn != NULL ? arg : NULL;
	pthread_mutex_unlock(&ns->ns_mtx);
}

static void
ns8250_stats(void *dev, void (*emit)(void *, const char *, uint64_t),
    void *arg)
{
	struct ns8250	*ns = dev;
	uint64_t	 tx, rx, dropped;

	pthread_mutex_lock(&ns->ns_mtx);
	tx = ns->ns_tx_total;
	rx = ns->ns_rx_bytes;
	dropped = ns->ns_tx_dropped;
	pthread_mutex_unlock(&ns->ns_mtx);
	emit(arg, "tx_bytes", tx);
	emit(arg, "rx_bytes", rx);
	emit(arg, "tx_dropped", dropped);
}

/*
 * Suspend state: the registers, the THRE latch and the received bytes in
 * FIFO order.  The IRQ level is not saved: restore drives the line from
 * the registers, as the chip's INTR pin follows them.
 */
static int
ns8250_save(void *dev, struct snap *s)
{
	struct ns8250	*ns = dev;
	unsigned int	 i;

	pthread_mutex_lock(&ns->ns_mtx);
	snap_put_u8(s, ns->ns_ier);
	snap_put_u8(s, ns->ns_fcr);
	snap_put_u8(s, ns->ns_lcr);
	snap_put_u8(s, ns->ns_mcr);
	snap_put_u8(s, ns->ns_lsr);
	snap_put_u8(s, ns->ns_msr);
	snap_put_u8(s, ns->ns_scr);
	snap_put_u8(s, ns->ns_dll);
	snap_put_u8(s, ns->ns_dlm);
	snap_put_u8(s, (uint8_t)ns->ns_thre_pending);
	snap_put_u8(s, (uint8_t)ns->ns_rx_count);
	for (i = 0; i < ns->ns_rx_count; i++)
		snap_put_u8(s, ns->ns_rx[(ns->ns_rx_head + i) %
		    NS8250_FIFO_SIZE]);
	pthread_mutex_unlock(&ns->ns_mtx);
	return (0);
}

static int
ns8250_restore(void *dev, struct snap *s)
{
	struct ns8250	*ns = dev;
	uint8_t		 r[9], thre, count;
	int		 rc = -1;

	if (snap_get_bytes(s, r, sizeof r) != 0 ||
	    snap_get_u8(s, &thre) != 0 || snap_get_u8(s, &count) != 0)
		return (-1);
	pthread_mutex_lock(&ns->ns_mtx);
	ns->ns_ier = r[0] & NS8250_IER_MASK;
	ns->ns_fcr = r[1] & (NS8250_FCR_ENABLE | NS8250_FCR_TRIG);
	ns->ns_lcr = r[2];
	ns->ns_mcr = r[3] & NS8250_MCR_MASK;
	ns->ns_lsr = r[4] & NS8250_LSR_ERR;
	ns->ns_msr = r[5];
	ns->ns_scr = r[6];
	ns->ns_dll = r[7];
	ns->ns_dlm = r[8];
	ns->ns_thre_pending = thre != 0;
	ns->ns_rx_head = 0;
	ns->ns_rx_count = 0;
	if (thre <= 1 && count <= ns8250_rx_capacity(ns) &&
	    snap_get_bytes(s, ns->ns_rx, count) == 0) {
		ns->ns_rx_count = count;
		rc = 0;
	} else
		errno = EINVAL;
	ns8250_update_irq(ns);
	pthread_mutex_unlock(&ns->ns_mtx);
	return (rc);
}
