/* SPDX-License-Identifier: ISC */
/*
 * The PC/AT pair of Intel 8259A programmable interrupt controllers: the
 * master at ports 0x20-0x21 takes ISA IRQ 0-7, the slave at 0xa0-0xa1
 * takes IRQ 8-15 and drives the master's IR2, and the PIIX edge/level
 * control registers (ELCR) at 0x4d0-0x4d1 say which pins are
 * level-sensitive.  The master's INTR output goes to vCPU 0's LINT0
 * (irq_extint); the CPU's interrupt acknowledge is i8259_inta.
 *
 * What a chip does: ICW1-ICW4 initialisation (vector base, single or
 * cascade, auto-EOI), OCW1 the mask, OCW2 the EOIs (non-specific,
 * specific, with rotation) and priority setting, OCW3 the IRR/ISR read
 * select, poll command and special mask mode; special fully nested mode
 * on the master.  An edge-sensitive pin latches its IRR bit on a rising
 * edge; a level-sensitive pin's IRR bit follows the line.  The cascade
 * line IR2 follows the slave's output.  A spurious acknowledge (nothing
 * pending any more) gives IRQ 7's vector, as the part does.
 *
 * Power-on leaves every pin masked: a guest booted without firmware that
 * never initialises the PIC must not take interrupts at vectors 0-15.
 *
 * One lock guards both chips.  The output is signalled under it, so the
 * CPU side never sees changes out of order: irq_extint only takes vm_lock
 * to signal vCPU 0, and nothing holding vm_lock calls into a device.
 */

#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "xmalloc.h"
#include "snapshot.h"
#include "vmm-dev.h"

#define I8259_MASTER		0
#define I8259_SLAVE		1
#define I8259_CASCADE_IRQ	2

/* ICW1 and OCW bits. */
#define I8259_ICW1		0x10
#define I8259_ICW1_IC4		0x01
#define I8259_ICW1_SNGL		0x02
#define I8259_ICW4_AEOI		0x02
#define I8259_ICW4_SFNM		0x10
#define I8259_OCW3		0x08
#define I8259_OCW3_RIS		0x01
#define I8259_OCW3_RR		0x02
#define I8259_OCW3_POLL		0x04
#define I8259_OCW3_SMM		0x20
#define I8259_OCW3_ESMM		0x40

/* OCW2 commands, bits 7-5. */
#define I8259_OCW2_ROT_AEOI_CLR	0
#define I8259_OCW2_NS_EOI	1
#define I8259_OCW2_NOP		2
#define I8259_OCW2_S_EOI	3
#define I8259_OCW2_ROT_AEOI_SET	4
#define I8259_OCW2_ROT_NS_EOI	5
#define I8259_OCW2_SET_PRIO	6
#define I8259_OCW2_ROT_S_EOI	7

/* Initialisation steps: what the next data port write is. */
#define I8259_INIT_NONE		0
#define I8259_INIT_ICW2		1
#define I8259_INIT_ICW3		2
#define I8259_INIT_ICW4		3

/* Pins that must stay edge-triggered in the ELCR (PIIX). */
static const uint8_t i8259_elcr_mask[2] = { 0xf8, 0xde };

struct i8259_chip {
	uint8_t		pc_irr;
	uint8_t		pc_isr;
	uint8_t		pc_imr;
	uint8_t		pc_level;	/* input lines now */
	uint8_t		pc_elcr;	/* 1: level-sensitive */
	uint8_t		pc_base;	/* ICW2: vector of IR0 */
	uint8_t		pc_lowest;	/* IR with the lowest priority */
	uint8_t		pc_init;	/* I8259_INIT_* */
	uint8_t		pc_icw4;	/* ICW1 said ICW4 follows */
	uint8_t		pc_single;	/* no cascade */
	uint8_t		pc_aeoi;
	uint8_t		pc_rotate_aeoi;
	uint8_t		pc_sfnm;	/* special fully nested */
	uint8_t		pc_smm;		/* special mask mode */
	uint8_t		pc_read_isr;
	uint8_t		pc_poll;
	uint8_t		pc_icw3;
};

struct i8259 {
	struct vmm	*pi_vmm;
	pthread_mutex_t	 pi_lock;
	struct i8259_chip pi_chip[2];
	int		 pi_out;	/* master INTR as last signalled */
	uint64_t	 pi_acks;	/* INTA cycles, for stats */
	uint64_t	 pi_spurious;
};

static int	i8259_create(struct vmm *, const struct vmm_params *, void **,
		    char **);
static void	i8259_reset(void *);
static void	i8259_free(void *);
static int	i8259_save(void *, struct snap *);
static int	i8259_restore(void *, struct snap *);
static void	i8259_stats(void *, void (*)(void *, const char *, uint64_t),
		    void *);
static void	i8259_chip_reset(struct i8259_chip *);
static int	i8259_priority(const struct i8259_chip *, uint8_t);
static int	i8259_pending(const struct i8259_chip *, int);
static int	i8259_update(struct i8259 *);
static void	i8259_output(struct i8259 *);
static void	i8259_pin(struct i8259 *, int, unsigned int, int);
static int	i8259_ack(struct i8259 *, int);
static void	i8259_eoi(struct i8259_chip *, int, unsigned int);
static void	i8259_command(struct i8259 *, int, uint8_t);
static void	i8259_data(struct i8259 *, int, uint8_t);
static void	i8259_pio(void *, struct iotrap_access *);
static void	i8259_elcr_pio(void *, struct iotrap_access *);
static void	i8259_set_level(void *, uint32_t, int);
static int	i8259_inta(void *);

const struct vmm_devtype i8259_devtype = {
	.dt_name = "i8259",
	.dt_create = i8259_create,
	.dt_reset = i8259_reset,
	.dt_free = i8259_free,
	.dt_save = i8259_save,
	.dt_restore = i8259_restore,
	.dt_stats = i8259_stats
};

static const struct irq_chip_ops i8259_chip_ops = {
	.ico_set_level = i8259_set_level,
	.ico_eoi = NULL,
	.ico_inta = i8259_inta
};

static int
i8259_create(struct vmm *vmm, const struct vmm_params *params, void **devp,
    char **cause)
{
	struct i8259	*pi;

	(void)params;
	pi = xcalloc(1, sizeof *pi);
	pi->pi_vmm = vmm;
	pthread_mutex_init(&pi->pi_lock, NULL);
	i8259_chip_reset(&pi->pi_chip[I8259_MASTER]);
	i8259_chip_reset(&pi->pi_chip[I8259_SLAVE]);
	if (iotrap_register(vmm, IOTRAP_PIO, VMM_PIC_MASTER_PORT, 2,
	    i8259_pio, pi, "i8259 master") != 0 ||
	    iotrap_register(vmm, IOTRAP_PIO, VMM_PIC_SLAVE_PORT, 2,
	    i8259_pio, pi, "i8259 slave") != 0 ||
	    iotrap_register(vmm, IOTRAP_PIO, VMM_PIC_ELCR_PORT, 2,
	    i8259_elcr_pio, pi, "i8259 elcr") != 0) {
		xasprintf(cause, "ports: %s", strerror(errno));
		iotrap_unregister(vmm, IOTRAP_PIO, VMM_PIC_MASTER_PORT);
		iotrap_unregister(vmm, IOTRAP_PIO, VMM_PIC_SLAVE_PORT);
		pthread_mutex_destroy(&pi->pi_lock);
		free(pi);
		return (-1);
	}
	irq_attach(vmm, IRQ_CHIP_PIC, &i8259_chip_ops, pi);
	*devp = pi;
	return (0);
}

/* Power-on, and ICW1's effect on the parts it resets. */
static void
i8259_chip_reset(struct i8259_chip *pc)
{
	uint8_t	level = pc->pc_level, elcr = pc->pc_elcr;

	memset(pc, 0, sizeof *pc);
	pc->pc_level = level;
	pc->pc_elcr = elcr;
	pc->pc_imr = 0xff;
	pc->pc_lowest = 7;
	pc->pc_irr = level & elcr;
}

static void
i8259_reset(void *dev)
{
	struct i8259	*pi = dev;

	pthread_mutex_lock(&pi->pi_lock);
	pi->pi_chip[I8259_MASTER].pc_elcr = 0;
	pi->pi_chip[I8259_SLAVE].pc_elcr = 0;
	i8259_chip_reset(&pi->pi_chip[I8259_MASTER]);
	i8259_chip_reset(&pi->pi_chip[I8259_SLAVE]);
	i8259_output(pi);
	pthread_mutex_unlock(&pi->pi_lock);
}

static void
i8259_free(void *dev)
{
	struct i8259	*pi = dev;

	if (pi == NULL)
		return;
	irq_detach(pi->pi_vmm, IRQ_CHIP_PIC, pi);
	iotrap_unregister(pi->pi_vmm, IOTRAP_PIO, VMM_PIC_MASTER_PORT);
	iotrap_unregister(pi->pi_vmm, IOTRAP_PIO, VMM_PIC_SLAVE_PORT);
	iotrap_unregister(pi->pi_vmm, IOTRAP_PIO, VMM_PIC_ELCR_PORT);
	pthread_mutex_destroy(&pi->pi_lock);
	free(pi);
}

/* Priority of the best IR in bits (0 highest), or 8 if bits is empty. */
static int
i8259_priority(const struct i8259_chip *pc, uint8_t bits)
{
	int	p;

	for (p = 0; p < 8; p++) {
		if (bits & (1U << ((pc->pc_lowest + 1 + p) & 7)))
			return (p);
	}
	return (8);
}

/*
 * The IR this chip would raise INTR for, or -1: the best requested
 * unmasked one, if it beats everything in service.  master says whether
 * special fully nested mode applies to IR2.
 */
static int
i8259_pending(const struct i8259_chip *pc, int master)
{
	uint8_t	isr = pc->pc_isr;
	int	p;

	p = i8259_priority(pc, pc->pc_irr & ~pc->pc_imr);
	if (p == 8)
		return (-1);
	/* Special mask mode: masked IRs in service do not block others. */
	if (pc->pc_smm)
		isr &= ~pc->pc_imr;
	/* Special fully nested: the slave may interrupt its own service. */
	if (master && pc->pc_sfnm)
		isr &= ~(1U << I8259_CASCADE_IRQ);
	if (p < i8259_priority(pc, isr))
		return ((pc->pc_lowest + 1 + p) & 7);
	return (-1);
}

/* Propagate the slave's output to IR2 and return the master's.  pi_lock
 * held. */
static int
i8259_update(struct i8259 *pi)
{
	struct i8259_chip	*m = &pi->pi_chip[I8259_MASTER];
	uint8_t			 bit = 1U << I8259_CASCADE_IRQ;

	if (!m->pc_single) {
		if (i8259_pending(&pi->pi_chip[I8259_SLAVE], 0) >= 0) {
			m->pc_level |= bit;
			m->pc_irr |= bit;
		} else {
			m->pc_level &= ~bit;
			m->pc_irr &= ~bit;
		}
	}
	return (i8259_pending(m, 1) >= 0);
}

/* Recompute the output and tell the CPU side of a change.  pi_lock
 * held. */
static void
i8259_output(struct i8259 *pi)
{
	int	out = i8259_update(pi);

	if (pi->pi_out == out)
		return;
	pi->pi_out = out;
	irq_extint(pi->pi_vmm, out);
}

/* One input line of one chip.  pi_lock held. */
static void
i8259_pin(struct i8259 *pi, int which, unsigned int ir, int level)
{
	struct i8259_chip	*pc = &pi->pi_chip[which];
	uint8_t			 bit = 1U << ir;

	if (level) {
		if (!(pc->pc_level & bit) || (pc->pc_elcr & bit))
			pc->pc_irr |= bit;
		pc->pc_level |= bit;
	} else {
		if (pc->pc_elcr & bit)
			pc->pc_irr &= ~bit;
		pc->pc_level &= ~bit;
	}
}

static void
i8259_set_level(void *dev, uint32_t pin, int level)
{
	struct i8259	*pi = dev;

	if (pin >= 16 || pin == I8259_CASCADE_IRQ)
		return;
	pthread_mutex_lock(&pi->pi_lock);
	i8259_pin(pi, pin < 8 ? I8259_MASTER : I8259_SLAVE, pin & 7, level);
	i8259_output(pi);
	pthread_mutex_unlock(&pi->pi_lock);
}

/*
 * Acknowledge on one chip: the IR now in service, its IRR cleared if
 * edge-sensitive; 7 when nothing is pending (spurious, no ISR bit).
 * pi_lock held.
 */
static int
i8259_ack(struct i8259 *pi, int which)
{
	struct i8259_chip	*pc = &pi->pi_chip[which];
	int			 ir;

	if ((ir = i8259_pending(pc, which == I8259_MASTER)) < 0) {
		pi->pi_spurious++;
		return (7);
	}
	if (!(pc->pc_elcr & (1U << ir)))
		pc->pc_irr &= ~(1U << ir);
	if (!pc->pc_aeoi)
		pc->pc_isr |= 1U << ir;
	else if (pc->pc_rotate_aeoi)
		pc->pc_lowest = (uint8_t)ir;
	return (ir);
}

static int
i8259_inta(void *dev)
{
	struct i8259	*pi = dev;
	int		 ir, vector;

	pthread_mutex_lock(&pi->pi_lock);
	pi->pi_acks++;
	ir = i8259_ack(pi, I8259_MASTER);
	if (ir == I8259_CASCADE_IRQ && !pi->pi_chip[I8259_MASTER].pc_single) {
		ir = i8259_ack(pi, I8259_SLAVE);
		vector = pi->pi_chip[I8259_SLAVE].pc_base + ir;
	} else
		vector = pi->pi_chip[I8259_MASTER].pc_base + ir;
	i8259_output(pi);
	pthread_mutex_unlock(&pi->pi_lock);
	return (vector);
}

/* Clear in-service IR (non-specific: the best one) and maybe rotate. */
static void
i8259_eoi(struct i8259_chip *pc, int specific, unsigned int ir)
{
	int	p;

	if (!specific) {
		if ((p = i8259_priority(pc, pc->pc_isr)) == 8)
			return;
		ir = (unsigned int)(pc->pc_lowest + 1 + p) & 7;
	}
	pc->pc_isr &= ~(1U << ir);
}

/* A write to the command port (0x20, 0xa0).  pi_lock held. */
static void
i8259_command(struct i8259 *pi, int which, uint8_t v)
{
	struct i8259_chip	*pc = &pi->pi_chip[which];
	unsigned int		 ir = v & 7;
	int			 p;

	if (v & I8259_ICW1) {
		i8259_chip_reset(pc);
		pc->pc_imr = 0;
		pc->pc_init = I8259_INIT_ICW2;
		pc->pc_icw4 = (v & I8259_ICW1_IC4) != 0;
		pc->pc_single = (v & I8259_ICW1_SNGL) != 0;
		return;
	}
	if (v & I8259_OCW3) {
		if (v & I8259_OCW3_RR)
			pc->pc_read_isr = (v & I8259_OCW3_RIS) != 0;
		pc->pc_poll = (v & I8259_OCW3_POLL) != 0;
		if (v & I8259_OCW3_ESMM)
			pc->pc_smm = (v & I8259_OCW3_SMM) != 0;
		return;
	}
	switch (v >> 5) {
	case I8259_OCW2_ROT_AEOI_CLR:
		pc->pc_rotate_aeoi = 0;
		break;
	case I8259_OCW2_ROT_AEOI_SET:
		pc->pc_rotate_aeoi = 1;
		break;
	case I8259_OCW2_NS_EOI:
		i8259_eoi(pc, 0, 0);
		break;
	case I8259_OCW2_ROT_NS_EOI:
		if ((p = i8259_priority(pc, pc->pc_isr)) == 8)
			break;
		ir = (unsigned int)(pc->pc_lowest + 1 + p) & 7;
		i8259_eoi(pc, 1, ir);
		pc->pc_lowest = (uint8_t)ir;
		break;
	case I8259_OCW2_S_EOI:
		i8259_eoi(pc, 1, ir);
		break;
	case I8259_OCW2_ROT_S_EOI:
		i8259_eoi(pc, 1, ir);
		pc->pc_lowest = (uint8_t)ir;
		break;
	case I8259_OCW2_SET_PRIO:
		pc->pc_lowest = (uint8_t)ir;
		break;
	case I8259_OCW2_NOP:
		break;
	}
}

/* A write to the data port (0x21, 0xa1).  pi_lock held. */
static void
i8259_data(struct i8259 *pi, int which, uint8_t v)
{
	struct i8259_chip	*pc = &pi->pi_chip[which];

	switch (pc->pc_init) {
	case I8259_INIT_ICW2:
		pc->pc_base = v & 0xf8;
		pc->pc_init = !pc->pc_single ? I8259_INIT_ICW3 :
		    pc->pc_icw4 ? I8259_INIT_ICW4 : I8259_INIT_NONE;
		break;
	case I8259_INIT_ICW3:
		pc->pc_icw3 = v;
		pc->pc_init = pc->pc_icw4 ? I8259_INIT_ICW4 : I8259_INIT_NONE;
		break;
	case I8259_INIT_ICW4:
		pc->pc_aeoi = (v & I8259_ICW4_AEOI) != 0;
		pc->pc_sfnm = (v & I8259_ICW4_SFNM) != 0;
		pc->pc_init = I8259_INIT_NONE;
		break;
	default:
		pc->pc_imr = v;
		break;
	}
}

static void
i8259_pio(void *dev, struct iotrap_access *ia)
{
	struct i8259		*pi = dev;
	struct i8259_chip	*pc;
	int			 which, ir;

	which = ia->ia_addr >= VMM_PIC_SLAVE_PORT ? I8259_SLAVE :
	    I8259_MASTER;
	pc = &pi->pi_chip[which];
	pthread_mutex_lock(&pi->pi_lock);
	if (ia->ia_write) {
		if (ia->ia_off == 0)
			i8259_command(pi, which, (uint8_t)ia->ia_data);
		else
			i8259_data(pi, which, (uint8_t)ia->ia_data);
	} else if (pc->pc_poll) {
		/* Poll: an acknowledge without INTA, bit 7 = one was due. */
		pc->pc_poll = 0;
		if (i8259_pending(pc, which == I8259_MASTER) >= 0) {
			ir = i8259_ack(pi, which);
			ia->ia_data = 0x80 | (uint64_t)ir;
		} else
			ia->ia_data = 0;
	} else if (ia->ia_off == 0)
		ia->ia_data = pc->pc_read_isr ? pc->pc_isr : pc->pc_irr;
	else
		ia->ia_data = pc->pc_imr;
	i8259_output(pi);
	pthread_mutex_unlock(&pi->pi_lock);
}

static void
i8259_elcr_pio(void *dev, struct iotrap_access *ia)
{
	struct i8259		*pi = dev;
	struct i8259_chip	*pc;
	int			 which = ia->ia_off == 0 ? I8259_MASTER :
				    I8259_SLAVE;

	pc = &pi->pi_chip[which];
	pthread_mutex_lock(&pi->pi_lock);
	if (ia->ia_write) {
		pc->pc_elcr = (uint8_t)ia->ia_data & i8259_elcr_mask[which];
		/* A pin turned level-sensitive requests while it is high. */
		pc->pc_irr = (pc->pc_irr & ~pc->pc_elcr) |
		    (pc->pc_level & pc->pc_elcr);
	} else
		ia->ia_data = pc->pc_elcr;
	i8259_output(pi);
	pthread_mutex_unlock(&pi->pi_lock);
}

/* Saved per chip: its 17 state bytes, in struct order. */
static int
i8259_save(void *dev, struct snap *s)
{
	struct i8259		*pi = dev;
	const struct i8259_chip	*pc;
	int			 i;

	pthread_mutex_lock(&pi->pi_lock);
	for (i = 0; i < 2; i++) {
		pc = &pi->pi_chip[i];
		snap_put_u8(s, pc->pc_irr);
		snap_put_u8(s, pc->pc_isr);
		snap_put_u8(s, pc->pc_imr);
		snap_put_u8(s, pc->pc_level);
		snap_put_u8(s, pc->pc_elcr);
		snap_put_u8(s, pc->pc_base);
		snap_put_u8(s, pc->pc_lowest);
		snap_put_u8(s, pc->pc_init);
		snap_put_u8(s, pc->pc_icw4);
		snap_put_u8(s, pc->pc_single);
		snap_put_u8(s, pc->pc_aeoi);
		snap_put_u8(s, pc->pc_rotate_aeoi);
		snap_put_u8(s, pc->pc_sfnm);
		snap_put_u8(s, pc->pc_smm);
		snap_put_u8(s, pc->pc_read_isr);
		snap_put_u8(s, pc->pc_poll);
		snap_put_u8(s, pc->pc_icw3);
	}
	pthread_mutex_unlock(&pi->pi_lock);
	return (0);
}

static int
i8259_restore(void *dev, struct snap *s)
{
	struct i8259		*pi = dev;
	struct i8259_chip	 chip[2], *pc;
	uint8_t			*f[17];
	int			 i, k;

	for (i = 0; i < 2; i++) {
		pc = &chip[i];
		f[0] = &pc->pc_irr; f[1] = &pc->pc_isr; f[2] = &pc->pc_imr;
		f[3] = &pc->pc_level; f[4] = &pc->pc_elcr; f[5] = &pc->pc_base;
		f[6] = &pc->pc_lowest; f[7] = &pc->pc_init;
		f[8] = &pc->pc_icw4; f[9] = &pc->pc_single;
		f[10] = &pc->pc_aeoi; f[11] = &pc->pc_rotate_aeoi;
		f[12] = &pc->pc_sfnm; f[13] = &pc->pc_smm;
		f[14] = &pc->pc_read_isr; f[15] = &pc->pc_poll;
		f[16] = &pc->pc_icw3;
		for (k = 0; k < 17; k++) {
			if (snap_get_u8(s, f[k]) != 0)
				return (-1);
		}
		if (pc->pc_lowest > 7 || pc->pc_init > I8259_INIT_ICW4 ||
		    (pc->pc_base & 7) != 0 ||
		    (pc->pc_elcr & ~i8259_elcr_mask[i]) != 0) {
			errno = EINVAL;
			return (-1);
		}
	}
	pthread_mutex_lock(&pi->pi_lock);
	memcpy(pi->pi_chip, chip, sizeof chip);
	pi->pi_out = -1;	/* signal the output anew */
	i8259_output(pi);
	pthread_mutex_unlock(&pi->pi_lock);
	return (0);
}

static void
i8259_stats(void *dev, void (*emit)(void *, const char *, uint64_t),
    void *arg)
{
	struct i8259	*pi = dev;
	uint64_t	 acks, spurious;

	pthread_mutex_lock(&pi->pi_lock);
	acks = pi->pi_acks;
	spurious = pi->pi_spurious;
	pthread_mutex_unlock(&pi->pi_lock);
	emit(arg, "acknowledges", acks);
	emit(arg, "spurious", spurious);
}
