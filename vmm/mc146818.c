/* SPDX-License-Identifier: ISC */
/*
 * The Motorola MC146818 real-time clock and CMOS RAM at ports 0x70
 * (index) and 0x71 (data).  The clock reads the host's UTC time (plus an
 * offset once the guest sets the clock), in BCD or binary and 12 or 24
 * hour format as register B says; century lives at 0x32 as on PCs.  The
 * 114 bytes of NVRAM are plain storage.  No periodic, alarm or update
 * interrupt is generated (IRQ 8 stays low), which Linux copes with.
 *
 * Update-in-progress: the real chip sets UIP 244 us before it updates the
 * time registers once a second.  We show UIP during the last 244 us of
 * each host second, so a guest that waits for UIP to clear has 244 us to
 * read a consistent time, as on hardware.
 *
 * Threads: any vCPU may touch the ports, so state sits behind a mutex.
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
#include "vmm-dev.h"
#include "snapshot.h"

#define MC146818_SEC		0x00
#define MC146818_SEC_ALARM	0x01
#define MC146818_MIN		0x02
#define MC146818_MIN_ALARM	0x03
#define MC146818_HOUR		0x04
#define MC146818_HOUR_ALARM	0x05
#define MC146818_WDAY		0x06
#define MC146818_MDAY		0x07
#define MC146818_MONTH		0x08
#define MC146818_YEAR		0x09
#define MC146818_REG_A		0x0a
#define MC146818_REG_B		0x0b
#define MC146818_REG_C		0x0c
#define MC146818_REG_D		0x0d
#define MC146818_CENTURY	0x32
#define MC146818_NREGS		0x80

#define MC146818_A_UIP		0x80
#define MC146818_A_DV		0x70	/* divider select */
#define MC146818_A_DV_RESET	0x60	/* 110 and 111 hold the divider */
#define MC146818_B_SET		0x80	/* halt updates, guest sets time */
#define MC146818_B_DM		0x04	/* 1: binary, 0: BCD */
#define MC146818_B_24H		0x02	/* 1: 24 hour */
#define MC146818_D_VRT		0x80	/* battery good */
#define MC146818_HOUR_PM	0x80	/* 12 hour mode: PM flag */

#define MC146818_UIP_NS		244000	/* UIP lead time before an update */
#define MC146818_INDEX_MASK	0x7f	/* bit 7 of 0x70 is the NMI mask */

struct mc146818 {
	pthread_mutex_t	 mc_mtx;	/* everything below */
	struct vmm	*mc_vmm;	/* borrowed */
	uint8_t		 mc_index;	/* selected register, 0-0x7f */
	uint8_t		 mc_ram[MC146818_NREGS]; /* A, B, alarms, NVRAM */
	uint8_t		 mc_set[10];	/* time registers while B.SET is on */
	uint8_t		 mc_set_century; /* century register while B.SET */
	int64_t		 mc_offset;	/* guest time - host time, seconds */
};

static int	mc146818_create(struct vmm *, const struct vmm_params *,
		    void **, char **);
static void	mc146818_reset(void *);
static void	mc146818_free(void *);
static void	mc146818_io(void *, struct iotrap_access *);
static uint8_t	mc146818_read(struct mc146818 *, uint8_t);
static void	mc146818_write(struct mc146818 *, uint8_t, uint8_t);
static void	mc146818_snapshot(struct mc146818 *, uint8_t *, uint8_t *);
static void	mc146818_commit(struct mc146818 *);
static uint8_t	mc146818_encode(struct mc146818 *, int);
static int	mc146818_decode(struct mc146818 *, uint8_t);
static uint8_t	mc146818_encode_hour(struct mc146818 *, int);
static int	mc146818_decode_hour(struct mc146818 *, uint8_t);
static void	mc146818_reset_locked(struct mc146818 *);
static int	mc146818_save(void *, struct snap *);
static int	mc146818_restore(void *, struct snap *);

const struct vmm_devtype mc146818_devtype = {
	"mc146818",
	mc146818_create,
	mc146818_reset,
	mc146818_free,
	mc146818_save,
	mc146818_restore
};

static int
mc146818_create(struct vmm *vmm, const struct vmm_params *params,
    void **devp, char **cause)
{
	struct mc146818	*mc;

	mc = xcalloc(1, sizeof *mc);
	mc->mc_vmm = vmm;
	if (pthread_mutex_init(&mc->mc_mtx, NULL) != 0) {
		free(mc);
		xasprintf(cause, "mc146818: mutex");
		return (-1);
	}
	mc146818_reset_locked(mc);
	if (iotrap_register(vmm, IOTRAP_PIO, VMM_RTC_PORT, 2, mc146818_io, mc,
	    "mc146818") == -1) {
		xasprintf(cause, "mc146818: port 0x%x: %s", VMM_RTC_PORT,
		    strerror(errno));
		pthread_mutex_destroy(&mc->mc_mtx);
		free(mc);
		return (-1);
	}
	*devp = mc;
	return (0);
}

static void
mc146818_free(void *dev)
{
	struct mc146818	*mc = dev;

	if (mc == NULL)
		return;
	iotrap_unregister(mc->mc_vmm, IOTRAP_PIO, VMM_RTC_PORT);
	pthread_mutex_destroy(&mc->mc_mtx);
	free(mc);
}

/* A reset keeps NVRAM and the clock, as the battery-backed chip does. */
static void
mc146818_reset(void *dev)
{
	struct mc146818	*mc = dev;

	if (mc == NULL)
		return;
	pthread_mutex_lock(&mc->mc_mtx);
	mc->mc_ram[MC146818_REG_B] &= ~MC146818_B_SET;
	mc->mc_ram[MC146818_REG_C] = 0;
	pthread_mutex_unlock(&mc->mc_mtx);
}

/* Power-on: 32.768 kHz time base, 1024 Hz rate, BCD, 24 hour. */
static void
mc146818_reset_locked(struct mc146818 *mc)
{
	memset(mc->mc_ram, 0, sizeof mc->mc_ram);
	mc->mc_ram[MC146818_REG_A] = 0x26;
	mc->mc_ram[MC146818_REG_B] = MC146818_B_24H;
	mc->mc_index = 0;
	mc->mc_offset = 0;
}

/*
 * Wider accesses are split into bytes of consecutive ports, so a word
 * write to 0x70 selects a register and writes it, as the ISA bus would.
 */
static void
mc146818_io(void *dev, struct iotrap_access *ia)
{
	struct mc146818	*mc = dev;
	uint64_t	 data = 0;
	uint32_t	 i, len;
	uint8_t		 b;

	len = ia->ia_len > 8 ? 8 : ia->ia_len;
	pthread_mutex_lock(&mc->mc_mtx);
	for (i = 0; i < len; i++) {
		b = (uint8_t)(ia->ia_data >> (8 * i));
		if ((ia->ia_off + i) % 2 == 0) {
			/* The index port is write-only; reads see it anyway. */
			if (ia->ia_write)
				mc->mc_index = b & MC146818_INDEX_MASK;
			else
				data |= (uint64_t)mc->mc_index << (8 * i);
		} else if (ia->ia_write)
			mc146818_write(mc, mc->mc_index, b);
		else
			data |= (uint64_t)mc146818_read(mc, mc->mc_index) <<
			    (8 * i);
	}
	pthread_mutex_unlock(&mc->mc_mtx);
	if (!ia->ia_write)
		ia->ia_data = data;
}

/* Binary value in the guest's chosen format (BCD unless B.DM). */
static uint8_t
mc146818_encode(struct mc146818 *mc, int v)
{
	if (mc->mc_ram[MC146818_REG_B] & MC146818_B_DM)
		return ((uint8_t)v);
	return ((uint8_t)(((v / 10) << 4) | (v % 10)));
}

static int
mc146818_decode(struct mc146818 *mc, uint8_t v)
{
	if (mc->mc_ram[MC146818_REG_B] & MC146818_B_DM)
		return (v);
	return ((v >> 4) * 10 + (v & 0x0f));
}

/* Hours 0-23 to the register: 24 h, or 1-12 with bit 7 for PM. */
static uint8_t
mc146818_encode_hour(struct mc146818 *mc, int h)
{
	int	pm;

	if (mc->mc_ram[MC146818_REG_B] & MC146818_B_24H)
		return (mc146818_encode(mc, h));
	pm = h >= 12;
	h %= 12;
	if (h == 0)
		h = 12;
	return (mc146818_encode(mc, h) | (pm ? MC146818_HOUR_PM : 0));
}

static int
mc146818_decode_hour(struct mc146818 *mc, uint8_t v)
{
	int	h;

	if (mc->mc_ram[MC146818_REG_B] & MC146818_B_24H)
		return (mc146818_decode(mc, v));
	h = mc146818_decode(mc, v & ~MC146818_HOUR_PM) % 12;
	return ((v & MC146818_HOUR_PM) ? h + 12 : h);
}

/* The time registers 0-9 (alarms from RAM) and the century, right now. */
static void
mc146818_snapshot(struct mc146818 *mc, uint8_t *regs, uint8_t *century)
{
	struct timespec	ts;
	struct tm	tm;
	time_t		t;

	clock_gettime(CLOCK_REALTIME, &ts);
	t = (time_t)(ts.tv_sec + mc->mc_offset);
	if (gmtime_r(&t, &tm) == NULL)
		memset(&tm, 0, sizeof tm);
	regs[MC146818_SEC] = mc146818_encode(mc, tm.tm_sec % 60);
	regs[MC146818_SEC_ALARM] = mc->mc_ram[MC146818_SEC_ALARM];
	regs[MC146818_MIN] = mc146818_encode(mc, tm.tm_min);
	regs[MC146818_MIN_ALARM] = mc->mc_ram[MC146818_MIN_ALARM];
	regs[MC146818_HOUR] = mc146818_encode_hour(mc, tm.tm_hour);
	regs[MC146818_HOUR_ALARM] = mc->mc_ram[MC146818_HOUR_ALARM];
	regs[MC146818_WDAY] = mc146818_encode(mc, tm.tm_wday + 1);
	regs[MC146818_MDAY] = mc146818_encode(mc, tm.tm_mday);
	regs[MC146818_MONTH] = mc146818_encode(mc, tm.tm_mon + 1);
	regs[MC146818_YEAR] = mc146818_encode(mc, (tm.tm_year + 1900) % 100);
	*century = mc146818_encode(mc, ((tm.tm_year + 1900) / 100) % 100);
}

/* B.SET cleared: the time the guest wrote becomes the new offset. */
static void
mc146818_commit(struct mc146818 *mc)
{
	struct tm	tm;
	time_t		t;

	memset(&tm, 0, sizeof tm);
	tm.tm_sec = mc146818_decode(mc, mc->mc_set[MC146818_SEC]);
	tm.tm_min = mc146818_decode(mc, mc->mc_set[MC146818_MIN]);
	tm.tm_hour = mc146818_decode_hour(mc, mc->mc_set[MC146818_HOUR]);
	tm.tm_mday = mc146818_decode(mc, mc->mc_set[MC146818_MDAY]);
	tm.tm_mon = mc146818_decode(mc, mc->mc_set[MC146818_MONTH]) - 1;
	tm.tm_year = mc146818_decode(mc, mc->mc_set_century) * 100 +
	    mc146818_decode(mc, mc->mc_set[MC146818_YEAR]) - 1900;
	/* Garbage from the guest just gives a strange time, never a fault. */
	if (tm.tm_sec > 59 || tm.tm_min > 59 || tm.tm_hour > 23 ||
	    tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_mon < 0 ||
	    tm.tm_mon > 11) {
		log_debug("mc146818: guest set an invalid time, ignored");
		return;
	}
	t = timegm(&tm);
	if (t == (time_t)-1)
		return;
	mc->mc_offset = (int64_t)t - (int64_t)time(NULL);
}

static uint8_t
mc146818_read(struct mc146818 *mc, uint8_t reg)
{
	struct timespec	ts;
	uint8_t		regs[10], century, v;

	if (reg <= MC146818_YEAR || reg == MC146818_CENTURY) {
		if (mc->mc_ram[MC146818_REG_B] & MC146818_B_SET) {
			if (reg == MC146818_CENTURY)
				return (mc->mc_set_century);
			return (mc->mc_set[reg]);
		}
		mc146818_snapshot(mc, regs, &century);
		return (reg == MC146818_CENTURY ? century : regs[reg]);
	}
	switch (reg) {
	case MC146818_REG_A:
		v = mc->mc_ram[MC146818_REG_A] & ~MC146818_A_UIP;
		if ((mc->mc_ram[MC146818_REG_B] & MC146818_B_SET) ||
		    (v & MC146818_A_DV_RESET) == MC146818_A_DV_RESET)
			return (v);
		clock_gettime(CLOCK_REALTIME, &ts);
		if (ts.tv_nsec >= 1000000000L - MC146818_UIP_NS)
			v |= MC146818_A_UIP;
		return (v);
	case MC146818_REG_C:
		/* Interrupt flags clear on read; we never set any. */
		v = mc->mc_ram[MC146818_REG_C];
		mc->mc_ram[MC146818_REG_C] = 0;
		return (v);
	case MC146818_REG_D:
		return (MC146818_D_VRT);
	}
	return (mc->mc_ram[reg]);
}

static void
mc146818_write(struct mc146818 *mc, uint8_t reg, uint8_t v)
{
	uint8_t	old;

	if (reg <= MC146818_YEAR || reg == MC146818_CENTURY) {
		/* Alarms are plain storage. */
		if (reg == MC146818_SEC_ALARM || reg == MC146818_MIN_ALARM ||
		    reg == MC146818_HOUR_ALARM)
			mc->mc_ram[reg] = v;
		/*
		 * Time registers take writes while B.SET holds the clock;
		 * otherwise a write would be overwritten by the next update
		 * anyway, so it is dropped.
		 */
		if (!(mc->mc_ram[MC146818_REG_B] & MC146818_B_SET))
			return;
		if (reg == MC146818_CENTURY)
			mc->mc_set_century = v;
		else
			mc->mc_set[reg] = v;
		return;
	}
	switch (reg) {
	case MC146818_REG_A:
		/* UIP is read-only. */
		mc->mc_ram[reg] = v & ~MC146818_A_UIP;
		return;
	case MC146818_REG_B:
		old = mc->mc_ram[reg];
		if ((v & MC146818_B_SET) && !(old & MC146818_B_SET)) {
			/*
			 * Freeze: the guest edits a copy of the current time,
			 * in the format the new value of B asks for.
			 */
			mc->mc_ram[reg] = v;
			mc146818_snapshot(mc, mc->mc_set, &mc->mc_set_century);
			return;
		}
		if (!(v & MC146818_B_SET) && (old & MC146818_B_SET)) {
			/* Decode in the format the time was written in. */
			mc146818_commit(mc);
		}
		mc->mc_ram[reg] = v;
		return;
	case MC146818_REG_C:
	case MC146818_REG_D:
		/* Read-only. */
		return;
	}
	mc->mc_ram[reg] = v;
}

/*
 * Suspend state: the index, all 128 bytes of registers and NVRAM, the
 * time being set (B.SET) and the guest's offset from host time.  The
 * offset, not the time, is kept: like the battery-backed chip, the clock
 * ran on while the VM was suspended.
 */
static int
mc146818_save(void *dev, struct snap *s)
{
	struct mc146818	*mc = dev;

	pthread_mutex_lock(&mc->mc_mtx);
	snap_put_u8(s, mc->mc_index);
	snap_put_bytes(s, mc->mc_ram, sizeof mc->mc_ram);
	snap_put_bytes(s, mc->mc_set, sizeof mc->mc_set);
	snap_put_u8(s, mc->mc_set_century);
	snap_put_u64(s, (uint64_t)mc->mc_offset);
	pthread_mutex_unlock(&mc->mc_mtx);
	return (0);
}

static int
mc146818_restore(void *dev, struct snap *s)
{
	struct mc146818	*mc = dev;
	uint8_t		 index, ram[MC146818_NREGS], set[10], century;
	uint64_t	 off;

	if (snap_get_u8(s, &index) != 0 ||
	    snap_get_bytes(s, ram, sizeof ram) != 0 ||
	    snap_get_bytes(s, set, sizeof set) != 0 ||
	    snap_get_u8(s, &century) != 0 || snap_get_u64(s, &off) != 0)
		return (-1);
	/* More than a few centuries either way is not a clock offset. */
	if (index > MC146818_INDEX_MASK || (int64_t)off > (1LL << 40) ||
	    (int64_t)off < -(1LL << 40)) {
		errno = EINVAL;
		return (-1);
	}
	pthread_mutex_lock(&mc->mc_mtx);
	mc->mc_index = index;
	memcpy(mc->mc_ram, ram, sizeof mc->mc_ram);
	mc->mc_ram[MC146818_REG_A] &= ~MC146818_A_UIP;
	memcpy(mc->mc_set, set, sizeof mc->mc_set);
	mc->mc_set_century = century;
	mc->mc_offset = (int64_t)off;
	pthread_mutex_unlock(&mc->mc_mtx);
	return (0);
}
