/* SPDX-License-Identifier: ISC */
/*
 * The Intel 8254 programmable interval timer at ports 0x40-0x43, clocked
 * at 1.193182 MHz, and the PC/AT system control port B at 0x61 that holds
 * channel 2's gate and the speaker enable and shows channel 2's output
 * (Linux calibrates the TSC by polling it).  Channel 0's output is ISA
 * IRQ 0, wired to VMM_PIT_GSI (PIC pin 0, IOAPIC pin 2); channel 1 (DRAM
 * refresh on the AT) only counts.
 *
 * Counters are not ticked: each channel keeps the time its count was
 * loaded (or its gate triggered it), and a read computes the count and
 * output from the clock, for every mode 0-5, binary or BCD, with the
 * counter latch and read-back commands and the LSB/MSB access modes.  A
 * gate held low suspends modes 0, 2, 3 and 4; a rising gate restarts
 * modes 2 and 3 and triggers modes 1 and 5.
 *
 * IRQ 0 is an edge per rising edge of channel 0's output (modes 0, 2, 3,
 * 4).  A timer thread, started the first time the guest loads channel 0,
 * sleeps until the next edge is due and pulses the line; edges it could
 * not deliver in time (a busy host) are merged into one, as a late timer
 * interrupt on real hardware is.  With a test clock set
 * (i8254_set_clock) no thread runs and i8254_tick delivers what is due.
 *
 * vCPU threads (port accesses) and the timer thread share the state:
 * pt_lock guards it; the timer pulses the IRQ line with it held (the
 * interrupt controllers never call back into the PIT).
 */

#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "xmalloc.h"
#include "snapshot.h"
#include "vmm-dev.h"

#define I8254_HZ		1193182ULL
#define I8254_NS		1000000000ULL
#define I8254_NCHAN		3
#define I8254_CONTROL		3	/* port offset of the control word */

/* Control word fields. */
#define I8254_CW_BCD		0x01
#define I8254_CW_MODE(v)	(((v) >> 1) & 7)
#define I8254_CW_RW(v)		(((v) >> 4) & 3)
#define I8254_CW_SC(v)		(((v) >> 6) & 3)
#define I8254_SC_READBACK	3
#define I8254_RB_NOCOUNT	0x20
#define I8254_RB_NOSTATUS	0x10

#define I8254_RW_LATCH		0
#define I8254_RW_LSB		1
#define I8254_RW_MSB		2
#define I8254_RW_WORD		3

/* Status byte of the read-back command. */
#define I8254_ST_OUT		0x80
#define I8254_ST_NULL		0x40

/* Port B bits. */
#define I8254_PORTB_GATE2	0x01
#define I8254_PORTB_SPEAKER	0x02
#define I8254_PORTB_REFRESH	0x10
#define I8254_PORTB_OUT2	0x20
#define I8254_REFRESH_NS	15085	/* the AT's refresh request period */

struct i8254_chan {
	uint8_t		ch_mode;	/* 0-5 */
	uint8_t		ch_rw;		/* I8254_RW_* */
	uint8_t		ch_bcd;
	uint8_t		ch_gate;
	uint8_t		ch_write_msb;	/* WORD: the MSB is written next */
	uint8_t		ch_read_msb;	/* WORD: the MSB is read next */
	uint8_t		ch_latched;	/* latched count bytes left: 0-2 */
	uint8_t		ch_status_latched;
	uint8_t		ch_status;
	uint8_t		ch_null;	/* written, not loaded */
	uint8_t		ch_lsb;		/* WORD: the LSB written */
	uint8_t		ch_armed;	/* counting from ch_start */
	uint8_t		ch_held;	/* gate low: stopped at ch_ticks */
	uint16_t	ch_latch;
	uint32_t	ch_reload;	/* 1-65536 (0 written: 65536) */
	uint64_t	ch_start;	/* clock when tick 0 began, ns */
	uint64_t	ch_ticks;	/* held: ticks counted */
	uint64_t	ch_edges;	/* channel 0: IRQ edges delivered */
};

struct i8254 {
	struct vmm	*pt_vmm;
	pthread_mutex_t	 pt_lock;
	pthread_cond_t	 pt_cond;	/* wakes the timer thread */
	pthread_t	 pt_thread;
	int		 pt_thread_up;
	int		 pt_quit;
	uint64_t	(*pt_clock)(void *);
	void		*pt_clock_arg;
	uint8_t		 pt_speaker;	/* port B bit 1 */
	uint64_t	 pt_irqs;	/* IRQ 0 edges, for stats */
	uint64_t	 pt_merged;	/* edges merged into a later one */
	struct i8254_chan pt_chan[I8254_NCHAN];
};

static int	i8254_create(struct vmm *, const struct vmm_params *, void **,
		    char **);
static void	i8254_reset(void *);
static void	i8254_free(void *);
static int	i8254_save(void *, struct snap *);
static int	i8254_restore(void *, struct snap *);
static void	i8254_stats(void *, void (*)(void *, const char *, uint64_t),
		    void *);
static uint64_t	i8254_monotonic(void *);
static uint64_t	i8254_now(struct i8254 *);
static uint64_t	i8254_ns_to_ticks(uint64_t);
static uint64_t	i8254_ticks_to_ns(uint64_t);
static uint64_t	i8254_elapsed(struct i8254 *, const struct i8254_chan *,
		    uint64_t);
static uint32_t	i8254_count(const struct i8254_chan *, uint64_t);
static int	i8254_out(const struct i8254_chan *, uint64_t);
static uint16_t	i8254_to_bcd(uint32_t);
static uint32_t	i8254_from_bcd(uint16_t);
static void	i8254_load(struct i8254 *, struct i8254_chan *, uint32_t);
static void	i8254_control(struct i8254 *, uint8_t);
static void	i8254_latch(struct i8254 *, struct i8254_chan *);
static uint8_t	i8254_read(struct i8254 *, struct i8254_chan *);
static void	i8254_write(struct i8254 *, struct i8254_chan *, uint8_t);
static void	i8254_set_gate(struct i8254 *, struct i8254_chan *, int);
static int	i8254_next_edge(struct i8254 *, uint64_t *);
static void	i8254_deliver(struct i8254 *);
static void	i8254_timer_start(struct i8254 *);
static void	*i8254_thread(void *);
static void	i8254_pio(void *, struct iotrap_access *);
static void	i8254_portb(void *, struct iotrap_access *);
static void	i8254_chan_reset(struct i8254_chan *, int);

const struct vmm_devtype i8254_devtype = {
	.dt_name = "i8254",
	.dt_create = i8254_create,
	.dt_reset = i8254_reset,
	.dt_free = i8254_free,
	.dt_save = i8254_save,
	.dt_restore = i8254_restore,
	.dt_stats = i8254_stats
};

static int
i8254_create(struct vmm *vmm, const struct vmm_params *params, void **devp,
    char **cause)
{
	struct i8254		*pt;
	pthread_condattr_t	 ca;
	int			 i;

	(void)params;
	pt = xcalloc(1, sizeof *pt);
	pt->pt_vmm = vmm;
	pt->pt_clock = i8254_monotonic;
	pthread_mutex_init(&pt->pt_lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&pt->pt_cond, &ca);
	pthread_condattr_destroy(&ca);
	for (i = 0; i < I8254_NCHAN; i++)
		i8254_chan_reset(&pt->pt_chan[i], i != 2);
	if (iotrap_register(vmm, IOTRAP_PIO, VMM_PIT_PORT, 4, i8254_pio, pt,
	    "i8254") != 0 || iotrap_register(vmm, IOTRAP_PIO, VMM_PORTB_PORT,
	    1, i8254_portb, pt, "port B") != 0) {
		xasprintf(cause, "ports: %s", strerror(errno));
		iotrap_unregister(vmm, IOTRAP_PIO, VMM_PIT_PORT);
		pthread_cond_destroy(&pt->pt_cond);
		pthread_mutex_destroy(&pt->pt_lock);
		free(pt);
		return (-1);
	}
	*devp = pt;
	return (0);
}

/* Power-on: no count loaded, gates of channels 0 and 1 tied high. */
static void
i8254_chan_reset(struct i8254_chan *ch, int gate)
{
	memset(ch, 0, sizeof *ch);
	ch->ch_rw = I8254_RW_WORD;
	ch->ch_reload = 0x10000;
	ch->ch_gate = (uint8_t)gate;
}

static void
i8254_reset(void *dev)
{
	struct i8254	*pt = dev;
	int		 i;

	pthread_mutex_lock(&pt->pt_lock);
	for (i = 0; i < I8254_NCHAN; i++)
		i8254_chan_reset(&pt->pt_chan[i], i != 2);
	pt->pt_speaker = 0;
	pthread_cond_signal(&pt->pt_cond);
	pthread_mutex_unlock(&pt->pt_lock);
}

static void
i8254_free(void *dev)
{
	struct i8254	*pt = dev;

	if (pt == NULL)
		return;
	pthread_mutex_lock(&pt->pt_lock);
	pt->pt_quit = 1;
	pthread_cond_signal(&pt->pt_cond);
	pthread_mutex_unlock(&pt->pt_lock);
	if (pt->pt_thread_up)
		pthread_join(pt->pt_thread, NULL);
	iotrap_unregister(pt->pt_vmm, IOTRAP_PIO, VMM_PIT_PORT);
	iotrap_unregister(pt->pt_vmm, IOTRAP_PIO, VMM_PORTB_PORT);
	pthread_cond_destroy(&pt->pt_cond);
	pthread_mutex_destroy(&pt->pt_lock);
	free(pt);
}

void
i8254_set_clock(struct i8254 *pt, uint64_t (*fn)(void *), void *arg)
{
	if (pt == NULL)
		return;
	pthread_mutex_lock(&pt->pt_lock);
	pt->pt_clock = fn != NULL ? fn : i8254_monotonic;
	pt->pt_clock_arg = fn != NULL ? arg : NULL;
	pthread_cond_signal(&pt->pt_cond);
	pthread_mutex_unlock(&pt->pt_lock);
}

void
i8254_tick(struct i8254 *pt)
{
	if (pt == NULL)
		return;
	pthread_mutex_lock(&pt->pt_lock);
	i8254_deliver(pt);
	pthread_mutex_unlock(&pt->pt_lock);
}

static uint64_t
i8254_monotonic(void *arg)
{
	struct timespec	ts;

	(void)arg;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((uint64_t)ts.tv_sec * I8254_NS + (uint64_t)ts.tv_nsec);
}

static uint64_t
i8254_now(struct i8254 *pt)
{
	return (pt->pt_clock(pt->pt_clock_arg));
}

/* Whole input clock periods in ns, without overflowing for years. */
static uint64_t
i8254_ns_to_ticks(uint64_t ns)
{
	return ((ns / I8254_NS) * I8254_HZ +
	    (ns % I8254_NS) * I8254_HZ / I8254_NS);
}

/* The first ns at which ticks periods have passed. */
static uint64_t
i8254_ticks_to_ns(uint64_t ticks)
{
	return ((ticks / I8254_HZ) * I8254_NS +
	    ((ticks % I8254_HZ) * I8254_NS + I8254_HZ - 1) / I8254_HZ);
}

/* Ticks counted since the channel started (held: where it stopped). */
static uint64_t
i8254_elapsed(struct i8254 *pt, const struct i8254_chan *ch, uint64_t now)
{
	(void)pt;
	if (ch->ch_held || !ch->ch_armed)
		return (ch->ch_ticks);
	if (now < ch->ch_start)
		return (0);
	return (i8254_ns_to_ticks(now - ch->ch_start));
}

/* The counting element after d ticks, 1-65536 (65536 reads as 0). */
static uint32_t
i8254_count(const struct i8254_chan *ch, uint64_t d)
{
	uint32_t	n = ch->ch_reload, half;

	if (!ch->ch_armed)
		return (n & 0xffff);
	switch (ch->ch_mode) {
	case 2:
		return (n - (uint32_t)(d % n));
	case 3:
		/* Down by two, reloading every half period. */
		half = n / 2 > 0 ? n / 2 : 1;
		return ((n & ~1U) - 2 * (uint32_t)(d % half));
	default:
		/* 0, 1, 4, 5: down from the count, wrapping past zero. */
		return ((uint32_t)((n - d) & 0xffff));
	}
}

/* The OUT pin after d ticks. */
static int
i8254_out(const struct i8254_chan *ch, uint64_t d)
{
	uint32_t	n = ch->ch_reload;

	if (!ch->ch_armed)
		return (ch->ch_mode == 0 ? 0 : 1);
	switch (ch->ch_mode) {
	case 0:
		return (d >= n);
	case 1:
		return (d >= n);
	case 2:
		if (!ch->ch_gate)
			return (1);
		return (d % n != n - 1);
	case 3:
		if (!ch->ch_gate)
			return (1);
		return (d % n < (n + 1) / 2);
	default:
		/* 4 and 5: a one-period strobe at the terminal count. */
		return (d != n);
	}
}

static uint16_t
i8254_to_bcd(uint32_t v)
{
	v %= 10000;
	return ((uint16_t)((v / 1000) << 12 | (v / 100 % 10) << 8 |
	    (v / 10 % 10) << 4 | (v % 10)));
}

/* A BCD count as a number; digits above 9 count as 9 (undefined). */
static uint32_t
i8254_from_bcd(uint16_t v)
{
	uint32_t	r = 0, d;
	int		shift;

	for (shift = 12; shift >= 0; shift -= 4) {
		d = (v >> shift) & 0xf;
		r = r * 10 + (d > 9 ? 9 : d);
	}
	return (r);
}

/* The guest wrote a whole count. */
static void
i8254_load(struct i8254 *pt, struct i8254_chan *ch, uint32_t v)
{
	uint32_t	n;

	n = ch->ch_bcd ? i8254_from_bcd((uint16_t)v) : v & 0xffff;
	if (n == 0)
		n = ch->ch_bcd ? 10000 : 0x10000;
	/* Modes 2 and 3 cannot divide by one. */
	if (n == 1 && (ch->ch_mode == 2 || ch->ch_mode == 3))
		n = 2;
	ch->ch_reload = n;
	ch->ch_null = 0;
	ch->ch_ticks = 0;
	ch->ch_held = 0;
	ch->ch_edges = 0;
	/* Modes 1 and 5 wait for a rising gate. */
	if (ch->ch_mode == 1 || ch->ch_mode == 5)
		return;
	ch->ch_armed = 1;
	ch->ch_start = i8254_now(pt);
	if (!ch->ch_gate) {
		ch->ch_held = 1;
		ch->ch_ticks = 0;
	}
	if (ch == &pt->pt_chan[0]) {
		i8254_timer_start(pt);
		pthread_cond_signal(&pt->pt_cond);
	}
}

static void
i8254_latch(struct i8254 *pt, struct i8254_chan *ch)
{
	uint32_t	c;

	if (ch->ch_latched)
		return;		/* the first latch holds until read */
	c = i8254_count(ch, i8254_elapsed(pt, ch, i8254_now(pt)));
	ch->ch_latch = ch->ch_bcd ? i8254_to_bcd(c) : (uint16_t)c;
	ch->ch_latched = ch->ch_rw == I8254_RW_WORD ? 2 : 1;
}

static void
i8254_control(struct i8254 *pt, uint8_t v)
{
	struct i8254_chan	*ch;
	uint64_t		 d;
	int			 i, mode;

	if (I8254_CW_SC(v) == I8254_SC_READBACK) {
		for (i = 0; i < I8254_NCHAN; i++) {
			if (!(v & (2 << i)))
				continue;
			ch = &pt->pt_chan[i];
			if (!(v & I8254_RB_NOCOUNT))
				i8254_latch(pt, ch);
			if (!(v & I8254_RB_NOSTATUS) &&
			    !ch->ch_status_latched) {
				d = i8254_elapsed(pt, ch, i8254_now(pt));
				ch->ch_status = (uint8_t)(
				    (i8254_out(ch, d) ? I8254_ST_OUT : 0) |
				    (ch->ch_null ? I8254_ST_NULL : 0) |
				    ch->ch_rw << 4 | ch->ch_mode << 1 |
				    ch->ch_bcd);
				ch->ch_status_latched = 1;
			}
		}
		return;
	}
	ch = &pt->pt_chan[I8254_CW_SC(v)];
	if (I8254_CW_RW(v) == I8254_RW_LATCH) {
		i8254_latch(pt, ch);
		return;
	}
	mode = I8254_CW_MODE(v);
	if (mode > 5)
		mode -= 4;	/* 6 and 7 are 2 and 3 */
	ch->ch_mode = (uint8_t)mode;
	ch->ch_rw = (uint8_t)I8254_CW_RW(v);
	ch->ch_bcd = v & I8254_CW_BCD;
	ch->ch_write_msb = 0;
	ch->ch_read_msb = 0;
	ch->ch_latched = 0;
	ch->ch_status_latched = 0;
	ch->ch_null = 1;
	ch->ch_armed = 0;
	ch->ch_held = 0;
	ch->ch_ticks = 0;
	if (ch == &pt->pt_chan[0])
		pthread_cond_signal(&pt->pt_cond);
}

static uint8_t
i8254_read(struct i8254 *pt, struct i8254_chan *ch)
{
	uint32_t	c;
	uint16_t	v;
	int		msb;

	if (ch->ch_status_latched) {
		ch->ch_status_latched = 0;
		return (ch->ch_status);
	}
	if (ch->ch_latched) {
		v = ch->ch_latch;
		msb = ch->ch_rw == I8254_RW_MSB ||
		    (ch->ch_rw == I8254_RW_WORD && ch->ch_latched == 1);
		ch->ch_latched--;
		return (msb ? (uint8_t)(v >> 8) : (uint8_t)v);
	}
	c = i8254_count(ch, i8254_elapsed(pt, ch, i8254_now(pt)));
	v = ch->ch_bcd ? i8254_to_bcd(c) : (uint16_t)c;
	switch (ch->ch_rw) {
	case I8254_RW_MSB:
		return ((uint8_t)(v >> 8));
	case I8254_RW_WORD:
		msb = ch->ch_read_msb;
		ch->ch_read_msb = !msb;
		return (msb ? (uint8_t)(v >> 8) : (uint8_t)v);
	default:
		return ((uint8_t)v);
	}
}

static void
i8254_write(struct i8254 *pt, struct i8254_chan *ch, uint8_t v)
{
	switch (ch->ch_rw) {
	case I8254_RW_LSB:
		i8254_load(pt, ch, v);
		break;
	case I8254_RW_MSB:
		i8254_load(pt, ch, (uint32_t)v << 8);
		break;
	case I8254_RW_WORD:
		if (!ch->ch_write_msb) {
			ch->ch_lsb = v;
			ch->ch_write_msb = 1;
			ch->ch_null = 1;
		} else {
			ch->ch_write_msb = 0;
			i8254_load(pt, ch, (uint32_t)v << 8 | ch->ch_lsb);
		}
		break;
	}
}

static void
i8254_set_gate(struct i8254 *pt, struct i8254_chan *ch, int gate)
{
	uint64_t	now = i8254_now(pt);

	gate = gate != 0;
	if (gate == ch->ch_gate)
		return;
	if (!gate) {
		/* 0, 2, 3, 4 stop counting while the gate is low. */
		if (ch->ch_armed && ch->ch_mode != 1 && ch->ch_mode != 5) {
			ch->ch_ticks = i8254_elapsed(pt, ch, now);
			ch->ch_held = 1;
		}
		ch->ch_gate = 0;
		return;
	}
	ch->ch_gate = 1;
	switch (ch->ch_mode) {
	case 1:
	case 5:
	case 2:
	case 3:
		/* A rising gate triggers 1 and 5 once a count was written,
		 * and restarts 2 and 3 if they were counting. */
		if (((ch->ch_mode == 1 || ch->ch_mode == 5) && ch->ch_null) ||
		    ((ch->ch_mode == 2 || ch->ch_mode == 3) && !ch->ch_armed))
			break;
		ch->ch_armed = 1;
		ch->ch_held = 0;
		ch->ch_ticks = 0;
		ch->ch_edges = 0;
		ch->ch_start = now;
		break;
	default:
		/* 0 and 4 go on from where they stopped. */
		if (ch->ch_held) {
			ch->ch_start = now - i8254_ticks_to_ns(ch->ch_ticks);
			ch->ch_held = 0;
			ch->ch_ticks = 0;
		}
		break;
	}
}

/*
 * When channel 0's next IRQ edge is due: 1 and *when (clock ns), or 0 if
 * none will come.  Rising edges of OUT: every period in modes 2 and 3 (at
 * k * N ticks), once at N in mode 0 and at N + 1 in mode 4.  pt_lock held.
 */
static int
i8254_next_edge(struct i8254 *pt, uint64_t *when)
{
	struct i8254_chan	*ch = &pt->pt_chan[0];
	uint64_t		 k = ch->ch_edges + 1, tick;

	if (!ch->ch_armed || ch->ch_held || !ch->ch_gate)
		return (0);
	switch (ch->ch_mode) {
	case 0:
	case 4:
		if (k > 1)
			return (0);
		tick = ch->ch_reload + (ch->ch_mode == 4 ? 1 : 0);
		break;
	case 2:
	case 3:
		tick = k * ch->ch_reload;
		break;
	default:
		return (0);
	}
	*when = ch->ch_start + i8254_ticks_to_ns(tick);
	return (1);
}

/* Pulse IRQ 0 once if edges are due, merging all that are.  pt_lock
 * held. */
static void
i8254_deliver(struct i8254 *pt)
{
	struct i8254_chan	*ch = &pt->pt_chan[0];
	uint64_t		 when, now, d, due;

	if (!i8254_next_edge(pt, &when))
		return;
	now = i8254_now(pt);
	if (now < when)
		return;
	if (ch->ch_mode == 2 || ch->ch_mode == 3) {
		d = i8254_ns_to_ticks(now - ch->ch_start);
		due = d / ch->ch_reload;
		pt->pt_merged += due - ch->ch_edges - 1;
		ch->ch_edges = due;
	} else
		ch->ch_edges = 1;
	pt->pt_irqs++;
	irq_pulse(pt->pt_vmm, VMM_PIT_GSI);
}

/* The timer thread, once: only the real clock needs one.  pt_lock held. */
static void
i8254_timer_start(struct i8254 *pt)
{
	int	error;

	if (pt->pt_thread_up || pt->pt_clock != i8254_monotonic)
		return;
	if ((error = pthread_create(&pt->pt_thread, NULL, i8254_thread,
	    pt)) != 0) {
		log_warnx("i8254: no timer thread, IRQ 0 stays quiet: %s",
		    strerror(error));
		return;
	}
	pt->pt_thread_up = 1;
}

static void *
i8254_thread(void *arg)
{
	struct i8254	*pt = arg;
	struct timespec	 ts;
	uint64_t	 when;

	pthread_setname_np(pthread_self(), "i8254");
	pthread_mutex_lock(&pt->pt_lock);
	while (!pt->pt_quit) {
		if (!i8254_next_edge(pt, &when)) {
			pthread_cond_wait(&pt->pt_cond, &pt->pt_lock);
			continue;
		}
		if (i8254_now(pt) < when) {
			ts.tv_sec = (time_t)(when / I8254_NS);
			ts.tv_nsec = (long)(when % I8254_NS);
			pthread_cond_timedwait(&pt->pt_cond, &pt->pt_lock,
			    &ts);
			continue;
		}
		i8254_deliver(pt);
	}
	pthread_mutex_unlock(&pt->pt_lock);
	return (NULL);
}

static void
i8254_pio(void *dev, struct iotrap_access *ia)
{
	struct i8254	*pt = dev;

	pthread_mutex_lock(&pt->pt_lock);
	if (ia->ia_off == I8254_CONTROL) {
		if (ia->ia_write)
			i8254_control(pt, (uint8_t)ia->ia_data);
		else
			ia->ia_data = 0xff;	/* write-only control word */
	} else if (ia->ia_write)
		i8254_write(pt, &pt->pt_chan[ia->ia_off], (uint8_t)ia->ia_data);
	else
		ia->ia_data = i8254_read(pt, &pt->pt_chan[ia->ia_off]);
	pthread_mutex_unlock(&pt->pt_lock);
}

static void
i8254_portb(void *dev, struct iotrap_access *ia)
{
	struct i8254		*pt = dev;
	struct i8254_chan	*ch = &pt->pt_chan[2];
	uint64_t		 now;
	uint8_t			 v;

	pthread_mutex_lock(&pt->pt_lock);
	if (ia->ia_write) {
		v = (uint8_t)ia->ia_data;
		pt->pt_speaker = (v & I8254_PORTB_SPEAKER) != 0;
		i8254_set_gate(pt, ch, v & I8254_PORTB_GATE2);
	} else {
		now = i8254_now(pt);
		v = (ch->ch_gate ? I8254_PORTB_GATE2 : 0) |
		    (pt->pt_speaker ? I8254_PORTB_SPEAKER : 0) |
		    ((now / I8254_REFRESH_NS) & 1 ? I8254_PORTB_REFRESH : 0) |
		    (i8254_out(ch, i8254_elapsed(pt, ch, now)) ?
		    I8254_PORTB_OUT2 : 0);
		ia->ia_data = v;
	}
	pthread_mutex_unlock(&pt->pt_lock);
}

/*
 * Saved: u8 speaker, then per channel the u8 fields in struct order, u16
 * latch, u32 reload, u64 ticks counted so far (the clock restarts on the
 * resuming host), u64 edges.
 */
static int
i8254_save(void *dev, struct snap *s)
{
	struct i8254		*pt = dev;
	struct i8254_chan	*ch;
	uint64_t		 now;
	int			 i;

	pthread_mutex_lock(&pt->pt_lock);
	now = i8254_now(pt);
	snap_put_u8(s, pt->pt_speaker);
	for (i = 0; i < I8254_NCHAN; i++) {
		ch = &pt->pt_chan[i];
		snap_put_u8(s, ch->ch_mode);
		snap_put_u8(s, ch->ch_rw);
		snap_put_u8(s, ch->ch_bcd);
		snap_put_u8(s, ch->ch_gate);
		snap_put_u8(s, ch->ch_write_msb);
		snap_put_u8(s, ch->ch_read_msb);
		snap_put_u8(s, ch->ch_latched);
		snap_put_u8(s, ch->ch_status_latched);
		snap_put_u8(s, ch->ch_status);
		snap_put_u8(s, ch->ch_null);
		snap_put_u8(s, ch->ch_lsb);
		snap_put_u8(s, ch->ch_armed);
		snap_put_u8(s, ch->ch_held);
		snap_put_u16(s, ch->ch_latch);
		snap_put_u32(s, ch->ch_reload);
		snap_put_u64(s, ch->ch_armed && !ch->ch_held &&
		    now >= ch->ch_start ? now - ch->ch_start : 0);
		snap_put_u64(s, ch->ch_ticks);
		snap_put_u64(s, ch->ch_edges);
	}
	pthread_mutex_unlock(&pt->pt_lock);
	return (0);
}

static int
i8254_restore(void *dev, struct snap *s)
{
	struct i8254		*pt = dev;
	struct i8254_chan	 chan[I8254_NCHAN], *ch;
	uint64_t		 since, now;
	uint8_t			 speaker, *f[13];
	int			 i, k;

	if (snap_get_u8(s, &speaker) != 0)
		return (-1);
	memset(chan, 0, sizeof chan);
	for (i = 0; i < I8254_NCHAN; i++) {
		ch = &chan[i];
		f[0] = &ch->ch_mode; f[1] = &ch->ch_rw; f[2] = &ch->ch_bcd;
		f[3] = &ch->ch_gate; f[4] = &ch->ch_write_msb;
		f[5] = &ch->ch_read_msb; f[6] = &ch->ch_latched;
		f[7] = &ch->ch_status_latched; f[8] = &ch->ch_status;
		f[9] = &ch->ch_null; f[10] = &ch->ch_lsb;
		f[11] = &ch->ch_armed; f[12] = &ch->ch_held;
		for (k = 0; k < 13; k++) {
			if (snap_get_u8(s, f[k]) != 0)
				return (-1);
		}
		if (snap_get_u16(s, &ch->ch_latch) != 0 ||
		    snap_get_u32(s, &ch->ch_reload) != 0 ||
		    snap_get_u64(s, &since) != 0 ||
		    snap_get_u64(s, &ch->ch_ticks) != 0 ||
		    snap_get_u64(s, &ch->ch_edges) != 0)
			return (-1);
		if (ch->ch_mode > 5 || ch->ch_rw > I8254_RW_WORD ||
		    ch->ch_latched > 2 || ch->ch_reload == 0 ||
		    ch->ch_reload > 0x10000 || ch->ch_gate > 1) {
			errno = EINVAL;
			return (-1);
		}
		ch->ch_start = since;	/* made absolute below */
	}
	pthread_mutex_lock(&pt->pt_lock);
	now = i8254_now(pt);
	for (i = 0; i < I8254_NCHAN; i++) {
		since = chan[i].ch_start;
		chan[i].ch_start = now >= since ? now - since : 0;
	}
	memcpy(pt->pt_chan, chan, sizeof chan);
	pt->pt_speaker = speaker != 0;
	if (pt->pt_chan[0].ch_armed)
		i8254_timer_start(pt);
	pthread_cond_signal(&pt->pt_cond);
	pthread_mutex_unlock(&pt->pt_lock);
	return (0);
}

static void
i8254_stats(void *dev, void (*emit)(void *, const char *, uint64_t),
    void *arg)
{
	struct i8254	*pt = dev;
	uint64_t	 irqs, merged;

	pthread_mutex_lock(&pt->pt_lock);
	irqs = pt->pt_irqs;
	merged = pt->pt_merged;
	pthread_mutex_unlock(&pt->pt_lock);
	emit(arg, "irq0_edges", irqs);
	emit(arg, "irq0_merged", merged);
}
