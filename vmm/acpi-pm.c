/* SPDX-License-Identifier: ISC */
/*
 * ACPI fixed hardware, the legacy (not hardware-reduced) way: the PM1a
 * event block (status, write 1 to clear; enable) at VMM_PM_BASE, the PM1a
 * control block at VMM_PM1A_CNT (SLP_TYP 5 with SLP_EN powers off: the
 * DSDT's _S5_ says 5), the 24-bit PM timer at VMM_PM_TMR running at
 * 3.579545 MHz from CLOCK_MONOTONIC, and a GPE0 block (no GPE sources yet)
 * at VMM_GPE0_BASE.  acpi.c's FADT points at exactly these ports.
 *
 * The SCI (VMM_SCI_IRQ, level, active high as the MADT override says) is
 * asserted while any enabled status bit is set and follows every change.
 * acpi_pm_power_button() is the fixed-feature power button vmx presses
 * for a graceful shutdown.
 *
 * The machine is always in ACPI mode (the FADT has no SMI_CMD), so SCI_EN
 * reads 1 and cannot be cleared.  TMR_STS (timer carry) is not generated.
 *
 * Threads: vCPUs and the event thread (power button); a mutex guards all.
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

/* Layout of the trapped range starting at VMM_PM_BASE. */
#define ACPI_PM_STS		0x0	/* PM1a_STS, 2 bytes */
#define ACPI_PM_EN		0x2	/* PM1a_EN, 2 bytes */
#define ACPI_PM_CNT		(VMM_PM1A_CNT - VMM_PM_BASE) /* 2 bytes */
#define ACPI_PM_TMR		(VMM_PM_TMR - VMM_PM_BASE)   /* 4 bytes */
#define ACPI_PM_LEN		(ACPI_PM_TMR + 4)
#define ACPI_PM_GPE0_LEN	4	/* GPE0_STS (2), GPE0_EN (2) */

/* PM1 status and enable bits (same positions in both). */
#define ACPI_PM1_TMR		0x0001
#define ACPI_PM1_BM_STS		0x0010	/* status only */
#define ACPI_PM1_GBL		0x0020
#define ACPI_PM1_PWRBTN		0x0100
#define ACPI_PM1_SLPBTN		0x0200
#define ACPI_PM1_RTC		0x0400
#define ACPI_PM1_WAK_STS	0x8000	/* status only */
#define ACPI_PM1_EN_MASK	(ACPI_PM1_TMR | ACPI_PM1_GBL | \
				    ACPI_PM1_PWRBTN | ACPI_PM1_SLPBTN | \
				    ACPI_PM1_RTC)

/* PM1 control. */
#define ACPI_PM1_SCI_EN		0x0001
#define ACPI_PM1_SLP_TYP_SHIFT	10
#define ACPI_PM1_SLP_TYP	0x1c00
#define ACPI_PM1_SLP_EN		0x2000	/* write-only */
#define ACPI_PM1_CNT_MASK	0x1c07	/* SCI_EN BM_RLD GBL_RLS SLP_TYP */
#define ACPI_PM_SLP_TYP_S5	5	/* matches _S5_ in acpi.c's DSDT */

#define ACPI_PM_TMR_HZ		3579545ULL
#define ACPI_PM_TMR_MASK	0xffffffU

struct acpi_pm {
	pthread_mutex_t	 pm_mtx;	/* everything below */
	struct vmm	*pm_vmm;	/* borrowed */
	uint16_t	 pm_sts;	/* PM1a_STS */
	uint16_t	 pm_en;		/* PM1a_EN */
	uint16_t	 pm_cnt;	/* PM1a_CNT without SLP_EN */
	uint16_t	 pm_gpe_sts;	/* GPE0_STS */
	uint16_t	 pm_gpe_en;	/* GPE0_EN */
	struct timespec	 pm_epoch;	/* CLOCK_MONOTONIC at timer zero */
	int		 pm_sci;	/* level last driven on the SCI */
};

static int	acpi_pm_create(struct vmm *, const struct vmm_params *,
		    void **, char **);
static void	acpi_pm_reset(void *);
static void	acpi_pm_free(void *);
static void	acpi_pm_io(void *, struct iotrap_access *);
static void	acpi_pm_gpe_io(void *, struct iotrap_access *);
static uint32_t	acpi_pm_timer(struct acpi_pm *);
static uint8_t	acpi_pm_read(struct acpi_pm *, unsigned int, uint32_t);
static void	acpi_pm_write(struct acpi_pm *, unsigned int, uint8_t);
static void	acpi_pm_update_sci(struct acpi_pm *);
static void	acpi_pm_reset_locked(struct acpi_pm *);
static int	acpi_pm_save(void *, struct snap *);
static int	acpi_pm_restore(void *, struct snap *);

const struct vmm_devtype acpi_pm_devtype = {
	"acpi-pm",
	acpi_pm_create,
	acpi_pm_reset,
	acpi_pm_free,
	acpi_pm_save,
	acpi_pm_restore
};

static int
acpi_pm_create(struct vmm *vmm, const struct vmm_params *params,
    void **devp, char **cause)
{
	struct acpi_pm	*pm;

	pm = xcalloc(1, sizeof *pm);
	pm->pm_vmm = vmm;
	if (pthread_mutex_init(&pm->pm_mtx, NULL) != 0) {
		free(pm);
		xasprintf(cause, "acpi-pm: mutex");
		return (-1);
	}
	acpi_pm_reset_locked(pm);
	if (iotrap_register(vmm, IOTRAP_PIO, VMM_PM_BASE, ACPI_PM_LEN,
	    acpi_pm_io, pm, "acpi-pm") == -1) {
		xasprintf(cause, "acpi-pm: ports 0x%x: %s", VMM_PM_BASE,
		    strerror(errno));
		goto fail;
	}
	if (iotrap_register(vmm, IOTRAP_PIO, VMM_GPE0_BASE, ACPI_PM_GPE0_LEN,
	    acpi_pm_gpe_io, pm, "acpi-gpe0") == -1) {
		xasprintf(cause, "acpi-pm: ports 0x%x: %s", VMM_GPE0_BASE,
		    strerror(errno));
		iotrap_unregister(vmm, IOTRAP_PIO, VMM_PM_BASE);
		goto fail;
	}
	*devp = pm;
	return (0);

fail:
	pthread_mutex_destroy(&pm->pm_mtx);
	free(pm);
	return (-1);
}

static void
acpi_pm_free(void *dev)
{
	struct acpi_pm	*pm = dev;

	if (pm == NULL)
		return;
	iotrap_unregister(pm->pm_vmm, IOTRAP_PIO, VMM_PM_BASE);
	iotrap_unregister(pm->pm_vmm, IOTRAP_PIO, VMM_GPE0_BASE);
	pthread_mutex_destroy(&pm->pm_mtx);
	free(pm);
}

static void
acpi_pm_reset(void *dev)
{
	struct acpi_pm	*pm = dev;

	if (pm == NULL)
		return;
	pthread_mutex_lock(&pm->pm_mtx);
	acpi_pm_reset_locked(pm);
	acpi_pm_update_sci(pm);
	pthread_mutex_unlock(&pm->pm_mtx);
}

static void
acpi_pm_reset_locked(struct acpi_pm *pm)
{
	pm->pm_sts = 0;
	pm->pm_en = 0;
	pm->pm_cnt = ACPI_PM1_SCI_EN;
	pm->pm_gpe_sts = 0;
	pm->pm_gpe_en = 0;
	clock_gettime(CLOCK_MONOTONIC, &pm->pm_epoch);
}

/* Ticks of the 3.579545 MHz clock since pm_epoch, 24 bits. */
static uint32_t
acpi_pm_timer(struct acpi_pm *pm)
{
	struct timespec	now;
	uint64_t	sec, nsec, ticks;

	clock_gettime(CLOCK_MONOTONIC, &now);
	if (now.tv_nsec < pm->pm_epoch.tv_nsec) {
		now.tv_sec--;
		now.tv_nsec += 1000000000L;
	}
	sec = (uint64_t)(now.tv_sec - pm->pm_epoch.tv_sec);
	nsec = (uint64_t)(now.tv_nsec - pm->pm_epoch.tv_nsec);
	ticks = sec * ACPI_PM_TMR_HZ + nsec * ACPI_PM_TMR_HZ / 1000000000ULL;
	return ((uint32_t)ticks & ACPI_PM_TMR_MASK);
}

/*
 * Accesses of any width at any offset are taken a byte at a time; the
 * timer is sampled once per access so a 4-byte read is consistent.
 */
static void
acpi_pm_io(void *dev, struct iotrap_access *ia)
{
	struct acpi_pm	*pm = dev;
	uint64_t	 data = 0;
	uint32_t	 i, len, tmr = 0;
	unsigned int	 off;

	len = ia->ia_len > 8 ? 8 : ia->ia_len;
	pthread_mutex_lock(&pm->pm_mtx);
	if (!ia->ia_write)
		tmr = acpi_pm_timer(pm);
	for (i = 0; i < len; i++) {
		off = (unsigned int)(ia->ia_off + i);
		if (ia->ia_write)
			acpi_pm_write(pm, off, (uint8_t)(ia->ia_data >> (8 * i)));
		else
			data |= (uint64_t)acpi_pm_read(pm, off, tmr) << (8 * i);
	}
	acpi_pm_update_sci(pm);
	pthread_mutex_unlock(&pm->pm_mtx);
	if (!ia->ia_write)
		ia->ia_data = data;
}

static uint8_t
acpi_pm_read(struct acpi_pm *pm, unsigned int off, uint32_t tmr)
{
	if (off < ACPI_PM_STS + 2)
		return ((uint8_t)(pm->pm_sts >> (8 * (off - ACPI_PM_STS))));
	if (off < ACPI_PM_EN + 2)
		return ((uint8_t)(pm->pm_en >> (8 * (off - ACPI_PM_EN))));
	if (off >= ACPI_PM_CNT && off < ACPI_PM_CNT + 2)
		return ((uint8_t)(pm->pm_cnt >> (8 * (off - ACPI_PM_CNT))));
	if (off >= ACPI_PM_TMR && off < ACPI_PM_TMR + 4)
		return ((uint8_t)(tmr >> (8 * (off - ACPI_PM_TMR))));
	return (0);
}

static void
acpi_pm_write(struct acpi_pm *pm, unsigned int off, uint8_t v)
{
	unsigned int	shift;
	uint16_t	cnt, typ;

	if (off < ACPI_PM_STS + 2) {
		/* Write 1 to clear. */
		shift = 8 * (off - ACPI_PM_STS);
		pm->pm_sts &= ~(uint16_t)(v << shift);
		return;
	}
	if (off < ACPI_PM_EN + 2) {
		shift = 8 * (off - ACPI_PM_EN);
		pm->pm_en = (pm->pm_en & ~(uint16_t)(0xff << shift)) |
		    (uint16_t)(v << shift);
		pm->pm_en &= ACPI_PM1_EN_MASK;
		return;
	}
	if (off < ACPI_PM_CNT || off >= ACPI_PM_CNT + 2)
		return;		/* the timer and the gap are read-only */
	shift = 8 * (off - ACPI_PM_CNT);
	cnt = (pm->pm_cnt & ~(uint16_t)(0xff << shift)) |
	    (uint16_t)(v << shift);
	/* Always in ACPI mode: SCI_EN stays set. */
	pm->pm_cnt = (cnt & ACPI_PM1_CNT_MASK) | ACPI_PM1_SCI_EN;
	if (!(cnt & ACPI_PM1_SLP_EN))
		return;
	/* SLP_TYP and SLP_EN share the high byte, so one write does both. */
	typ = (cnt & ACPI_PM1_SLP_TYP) >> ACPI_PM1_SLP_TYP_SHIFT;
	if (typ == ACPI_PM_SLP_TYP_S5) {
		log_debug("acpi-pm: S5, power off");
		vmm_request(pm->pm_vmm, VMM_REQ_POWEROFF, 0);
	} else
		log_debug("acpi-pm: sleep type %u not supported", typ);
}

/* GPE0: status (write 1 to clear) then enable, 2 bytes each. */
static void
acpi_pm_gpe_io(void *dev, struct iotrap_access *ia)
{
	struct acpi_pm	*pm = dev;
	uint64_t	 data = 0;
	uint32_t	 i, len;
	unsigned int	 off, shift;
	uint8_t		 v;

	len = ia->ia_len > 8 ? 8 : ia->ia_len;
	pthread_mutex_lock(&pm->pm_mtx);
	for (i = 0; i < len; i++) {
		off = (unsigned int)(ia->ia_off + i);
		if (off >= ACPI_PM_GPE0_LEN)
			continue;
		shift = 8 * (off % 2);
		v = (uint8_t)(ia->ia_data >> (8 * i));
		if (ia->ia_write && off < 2)
			pm->pm_gpe_sts &= ~(uint16_t)(v << shift);
		else if (ia->ia_write)
			pm->pm_gpe_en = (pm->pm_gpe_en &
			    ~(uint16_t)(0xff << shift)) | (uint16_t)(v << shift);
		else
			data |= (uint64_t)(uint8_t)((off < 2 ? pm->pm_gpe_sts :
			    pm->pm_gpe_en) >> shift) << (8 * i);
	}
	acpi_pm_update_sci(pm);
	pthread_mutex_unlock(&pm->pm_mtx);
	if (!ia->ia_write)
		ia->ia_data = data;
}

/* SCI: level, asserted while an enabled event is pending in ACPI mode. */
static void
acpi_pm_update_sci(struct acpi_pm *pm)
{
	int	level;

	level = (pm->pm_cnt & ACPI_PM1_SCI_EN) &&
	    ((pm->pm_sts & pm->pm_en & ACPI_PM1_EN_MASK) ||
	    (pm->pm_gpe_sts & pm->pm_gpe_en));
	if (level == pm->pm_sci)
		return;
	pm->pm_sci = level;
	irq_set_level(pm->pm_vmm, VMM_SCI_IRQ, level);
}

void
acpi_pm_power_button(struct acpi_pm *pm)
{
	if (pm == NULL)
		return;
	pthread_mutex_lock(&pm->pm_mtx);
	pm->pm_sts |= ACPI_PM1_PWRBTN;
	acpi_pm_update_sci(pm);
	pthread_mutex_unlock(&pm->pm_mtx);
}

/*
 * Suspend state: the PM1 and GPE0 registers and the timer's value, so the
 * guest's PM timer goes on from there after a resume instead of jumping
 * by the time the VM spent on disk.
 */
static int
acpi_pm_save(void *dev, struct snap *s)
{
	struct acpi_pm	*pm = dev;

	pthread_mutex_lock(&pm->pm_mtx);
	snap_put_u16(s, pm->pm_sts);
	snap_put_u16(s, pm->pm_en);
	snap_put_u16(s, pm->pm_cnt);
	snap_put_u16(s, pm->pm_gpe_sts);
	snap_put_u16(s, pm->pm_gpe_en);
	snap_put_u32(s, acpi_pm_timer(pm));
	pthread_mutex_unlock(&pm->pm_mtx);
	return (0);
}

static int
acpi_pm_restore(void *dev, struct snap *s)
{
	struct acpi_pm	*pm = dev;
	uint16_t	 r[5];
	uint32_t	 tmr;
	uint64_t	 ns;
	unsigned int	 i;

	for (i = 0; i < 5; i++) {
		if (snap_get_u16(s, &r[i]) != 0)
			return (-1);
	}
	if (snap_get_u32(s, &tmr) != 0)
		return (-1);
	if (tmr > ACPI_PM_TMR_MASK) {
		errno = EINVAL;
		return (-1);
	}
	pthread_mutex_lock(&pm->pm_mtx);
	pm->pm_sts = r[0];
	pm->pm_en = r[1] & ACPI_PM1_EN_MASK;
	pm->pm_cnt = (r[2] & ACPI_PM1_CNT_MASK) | ACPI_PM1_SCI_EN;
	pm->pm_gpe_sts = r[3];
	pm->pm_gpe_en = r[4];
	/* Move the epoch back by the saved count of ticks. */
	ns = (uint64_t)tmr * 1000000000ULL / ACPI_PM_TMR_HZ;
	clock_gettime(CLOCK_MONOTONIC, &pm->pm_epoch);
	pm->pm_epoch.tv_sec -= (time_t)(ns / 1000000000ULL);
	pm->pm_epoch.tv_nsec -= (long)(ns % 1000000000ULL);
	if (pm->pm_epoch.tv_nsec < 0) {
		pm->pm_epoch.tv_sec--;
		pm->pm_epoch.tv_nsec += 1000000000L;
	}
	acpi_pm_update_sci(pm);
	pthread_mutex_unlock(&pm->pm_mtx);
	return (0);
}
