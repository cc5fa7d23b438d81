/* SPDX-License-Identifier: ISC */
/*
 * The Intel 8042 keyboard controller at ports 0x60 (data) and 0x64
 * (status/command).  Guests use it to reset the machine (command 0xFE
 * pulses the CPU reset line, as does clearing bit 0 of the output port),
 * and Linux probes it at boot, so the controller commands and the few
 * keyboard commands of that probe are answered.  There is no keyboard
 * input and no auxiliary (mouse) port: the AUX commands say so.
 *
 * Threads: any vCPU may touch the ports, so state sits behind a mutex.
 * Bytes for the guest wait in a small output queue; IRQ 1 is raised while
 * a keyboard byte sits in the output buffer and interrupts are enabled in
 * the command byte, and dropped between bytes so an edge-triggered PIC
 * sees each one.
 */

#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "xmalloc.h"
#include "vmm-dev.h"
#include "snapshot.h"

#define I8042_DATA_PORT	VMM_I8042_PORT		/* 0x60 */
#define I8042_CMD_PORT	(VMM_I8042_PORT + 4)	/* 0x64 */
#define I8042_KBD_IRQ	1

/* Status register (read 0x64). */
#define I8042_STR_OBF		0x01	/* output buffer full */
#define I8042_STR_IBF		0x02	/* input buffer full (never: instant) */
#define I8042_STR_SYS		0x04	/* system flag, from the command byte */
#define I8042_STR_CMD		0x08	/* last write was to 0x64 */
#define I8042_STR_KEYLOCK	0x10	/* 1: keyboard not inhibited */
#define I8042_STR_AUXDATA	0x20	/* output byte is from AUX */

/* Command byte ("CTR"). */
#define I8042_CTR_KBDINT	0x01
#define I8042_CTR_AUXINT	0x02
#define I8042_CTR_SYS		0x04
#define I8042_CTR_KBDDIS	0x10
#define I8042_CTR_AUXDIS	0x20
#define I8042_CTR_XLATE		0x40

/* Controller commands (write 0x64). */
#define I8042_CMD_READ_CTR	0x20
#define I8042_CMD_WRITE_CTR	0x60
#define I8042_CMD_AUX_DISABLE	0xa7
#define I8042_CMD_AUX_ENABLE	0xa8
#define I8042_CMD_AUX_TEST	0xa9
#define I8042_CMD_SELF_TEST	0xaa
#define I8042_CMD_KBD_TEST	0xab
#define I8042_CMD_KBD_DISABLE	0xad
#define I8042_CMD_KBD_ENABLE	0xae
#define I8042_CMD_READ_INPUT	0xc0
#define I8042_CMD_READ_OUTPUT	0xd0
#define I8042_CMD_WRITE_OUTPUT	0xd1
#define I8042_CMD_WRITE_KBD_OBUF 0xd2
#define I8042_CMD_WRITE_AUX_OBUF 0xd3
#define I8042_CMD_WRITE_AUX	0xd4
#define I8042_CMD_PULSE_FIRST	0xf0	/* 0xf0-0xff: pulse output lines */

/* Output port: bit 0 low holds the CPU in reset, bit 1 is A20. */
#define I8042_OUT_RESET		0x01
#define I8042_OUT_A20		0x02

/* Keyboard commands (write 0x60) and replies. */
#define I8042_KBD_SET_LEDS	0xed
#define I8042_KBD_ECHO		0xee
#define I8042_KBD_SCANSET	0xf0
#define I8042_KBD_GETID		0xf2
#define I8042_KBD_TYPEMATIC	0xf3
#define I8042_KBD_RESET		0xff
#define I8042_KBD_ACK		0xfa
#define I8042_KBD_RESEND	0xfe
#define I8042_KBD_BAT_OK	0xaa

#define I8042_SELF_TEST_OK	0x55
#define I8042_AUX_TEST_NOAUX	0x01	/* "clock line stuck low" */
#define I8042_QUEUE		16

struct i8042 {
	pthread_mutex_t	 ik_mtx;	/* everything below */
	struct vmm	*ik_vmm;	/* borrowed */
	uint8_t		 ik_ctr;	/* command byte */
	uint8_t		 ik_outport;	/* output port (reset, A20) */
	uint8_t		 ik_status_cmd;	/* I8042_STR_CMD or 0 */
	uint8_t		 ik_pending;	/* controller command awaiting data */
	uint8_t		 ik_kbd_pending; /* keyboard command awaiting data */
	uint8_t		 ik_scanset;	/* keyboard scan code set, 1-3 */
	uint8_t		 ik_q[I8042_QUEUE]; /* bytes for the guest */
	uint8_t		 ik_qaux[I8042_QUEUE]; /* 1 if that byte is AUX */
	unsigned int	 ik_qhead;	/* oldest byte in ik_q */
	unsigned int	 ik_qcount;	/* bytes queued */
	int		 ik_irq;	/* level last driven on IRQ 1 */
};

static int	i8042_create(struct vmm *, const struct vmm_params *, void **,
		    char **);
static void	i8042_reset(void *);
static void	i8042_free(void *);
static void	i8042_io(void *, struct iotrap_access *);
static uint8_t	i8042_read_data(struct i8042 *);
static uint8_t	i8042_read_status(struct i8042 *);
static void	i8042_write_data(struct i8042 *, uint8_t);
static void	i8042_write_cmd(struct i8042 *, uint8_t);
static void	i8042_kbd(struct i8042 *, uint8_t);
static void	i8042_push(struct i8042 *, uint8_t, int);
static void	i8042_set_outport(struct i8042 *, uint8_t);
static void	i8042_update_irq(struct i8042 *, int);
static void	i8042_reset_locked(struct i8042 *);
static int	i8042_save(void *, struct snap *);
static int	i8042_restore(void *, struct snap *);

const struct vmm_devtype i8042_devtype = {
	"i8042",
	i8042_create,
	i8042_reset,
	i8042_free,
	i8042_save,
	i8042_restore
};

static int
i8042_create(struct vmm *vmm, const struct vmm_params *params, void **devp,
    char **cause)
{
	struct i8042	*ik;

	ik = xcalloc(1, sizeof *ik);
	ik->ik_vmm = vmm;
	if (pthread_mutex_init(&ik->ik_mtx, NULL) != 0) {
		free(ik);
		xasprintf(cause, "i8042: mutex");
		return (-1);
	}
	i8042_reset_locked(ik);
	if (iotrap_register(vmm, IOTRAP_PIO, I8042_DATA_PORT, 1, i8042_io, ik,
	    "i8042") == -1) {
		xasprintf(cause, "i8042: port 0x%x: %s", I8042_DATA_PORT,
		    strerror(errno));
		goto fail;
	}
	if (iotrap_register(vmm, IOTRAP_PIO, I8042_CMD_PORT, 1, i8042_io, ik,
	    "i8042") == -1) {
		xasprintf(cause, "i8042: port 0x%x: %s", I8042_CMD_PORT,
		    strerror(errno));
		iotrap_unregister(vmm, IOTRAP_PIO, I8042_DATA_PORT);
		goto fail;
	}
	*devp = ik;
	return (0);

fail:
	pthread_mutex_destroy(&ik->ik_mtx);
	free(ik);
	return (-1);
}

static void
i8042_free(void *dev)
{
	struct i8042	*ik = dev;

	if (ik == NULL)
		return;
	iotrap_unregister(ik->ik_vmm, IOTRAP_PIO, I8042_DATA_PORT);
	iotrap_unregister(ik->ik_vmm, IOTRAP_PIO, I8042_CMD_PORT);
	pthread_mutex_destroy(&ik->ik_mtx);
	free(ik);
}

static void
i8042_reset(void *dev)
{
	struct i8042	*ik = dev;

	if (ik == NULL)
		return;
	pthread_mutex_lock(&ik->ik_mtx);
	i8042_reset_locked(ik);
	i8042_update_irq(ik, 0);
	pthread_mutex_unlock(&ik->ik_mtx);
}

/* State as a BIOS leaves it: translation on, keyboard interrupt on. */
static void
i8042_reset_locked(struct i8042 *ik)
{
	ik->ik_ctr = I8042_CTR_KBDINT | I8042_CTR_SYS | I8042_CTR_AUXDIS |
	    I8042_CTR_XLATE;
	ik->ik_outport = I8042_OUT_RESET | I8042_OUT_A20;
	ik->ik_status_cmd = 0;
	ik->ik_pending = 0;
	ik->ik_kbd_pending = 0;
	ik->ik_scanset = 2;
	ik->ik_qhead = 0;
	ik->ik_qcount = 0;
}

/* Either port; only the low byte of a wider access means anything. */
static void
i8042_io(void *dev, struct iotrap_access *ia)
{
	struct i8042	*ik = dev;
	int		 popped = 0;

	pthread_mutex_lock(&ik->ik_mtx);
	if (ia->ia_addr == I8042_DATA_PORT) {
		if (ia->ia_write)
			i8042_write_data(ik, (uint8_t)ia->ia_data);
		else {
			ia->ia_data = i8042_read_data(ik);
			popped = 1;
		}
	} else {
		if (ia->ia_write)
			i8042_write_cmd(ik, (uint8_t)ia->ia_data);
		else
			ia->ia_data = i8042_read_status(ik);
	}
	i8042_update_irq(ik, popped);
	pthread_mutex_unlock(&ik->ik_mtx);
}

static uint8_t
i8042_read_status(struct i8042 *ik)
{
	uint8_t	v;

	v = ik->ik_status_cmd | I8042_STR_KEYLOCK;
	if (ik->ik_ctr & I8042_CTR_SYS)
		v |= I8042_STR_SYS;
	if (ik->ik_qcount > 0) {
		v |= I8042_STR_OBF;
		if (ik->ik_qaux[ik->ik_qhead])
			v |= I8042_STR_AUXDATA;
	}
	return (v);
}

/* Take the oldest byte; an empty buffer repeats the last one, like hw. */
static uint8_t
i8042_read_data(struct i8042 *ik)
{
	uint8_t	v;

	if (ik->ik_qcount == 0)
		return (ik->ik_q[(ik->ik_qhead + I8042_QUEUE - 1) %
		    I8042_QUEUE]);
	v = ik->ik_q[ik->ik_qhead];
	ik->ik_qhead = (ik->ik_qhead + 1) % I8042_QUEUE;
	ik->ik_qcount--;
	return (v);
}

/* Queue a byte for the guest; a full queue drops it (guest not reading). */
static void
i8042_push(struct i8042 *ik, uint8_t v, int aux)
{
	unsigned int	i;

	if (ik->ik_qcount >= I8042_QUEUE)
		return;
	i = (ik->ik_qhead + ik->ik_qcount) % I8042_QUEUE;
	ik->ik_q[i] = v;
	ik->ik_qaux[i] = aux ? 1 : 0;
	ik->ik_qcount++;
}

static void
i8042_write_cmd(struct i8042 *ik, uint8_t cmd)
{
	ik->ik_status_cmd = I8042_STR_CMD;
	ik->ik_pending = 0;
	if (cmd >= I8042_CMD_PULSE_FIRST) {
		/*
		 * Pulse the output lines whose bits are 0 in the low nibble;
		 * bit 0 is the CPU reset line, so 0xfe resets the machine.
		 */
		if (!(cmd & I8042_OUT_RESET)) {
			log_debug("i8042: reset pulse (0x%02x)", cmd);
			vmm_request(ik->ik_vmm, VMM_REQ_RESET, 0);
		}
		return;
	}
	switch (cmd) {
	case I8042_CMD_READ_CTR:
		i8042_push(ik, ik->ik_ctr, 0);
		break;
	case I8042_CMD_WRITE_CTR:
	case I8042_CMD_WRITE_OUTPUT:
	case I8042_CMD_WRITE_KBD_OBUF:
	case I8042_CMD_WRITE_AUX_OBUF:
	case I8042_CMD_WRITE_AUX:
		ik->ik_pending = cmd;
		break;
	case I8042_CMD_AUX_DISABLE:
	case I8042_CMD_AUX_ENABLE:
		/* No AUX port: the disable bit does not move. */
		break;
	case I8042_CMD_AUX_TEST:
		i8042_push(ik, I8042_AUX_TEST_NOAUX, 0);
		break;
	case I8042_CMD_SELF_TEST:
		i8042_push(ik, I8042_SELF_TEST_OK, 0);
		break;
	case I8042_CMD_KBD_TEST:
		i8042_push(ik, 0x00, 0);
		break;
	case I8042_CMD_KBD_DISABLE:
		ik->ik_ctr |= I8042_CTR_KBDDIS;
		break;
	case I8042_CMD_KBD_ENABLE:
		ik->ik_ctr &= ~I8042_CTR_KBDDIS;
		break;
	case I8042_CMD_READ_INPUT:
		/* Bit 7: keyboard not inhibited; bit 5: no jumper. */
		i8042_push(ik, 0xa0, 0);
		break;
	case I8042_CMD_READ_OUTPUT:
		i8042_push(ik, ik->ik_outport, 0);
		break;
	default:
		log_debug("i8042: command 0x%02x ignored", cmd);
		break;
	}
}

static void
i8042_write_data(struct i8042 *ik, uint8_t v)
{
	uint8_t	cmd;

	ik->ik_status_cmd = 0;
	cmd = ik->ik_pending;
	ik->ik_pending = 0;
	switch (cmd) {
	case I8042_CMD_WRITE_CTR:
		ik->ik_ctr = v;
		break;
	case I8042_CMD_WRITE_OUTPUT:
		i8042_set_outport(ik, v);
		break;
	case I8042_CMD_WRITE_KBD_OBUF:
		i8042_push(ik, v, 0);
		break;
	case I8042_CMD_WRITE_AUX_OBUF:
	case I8042_CMD_WRITE_AUX:
		/* No AUX port: the byte goes nowhere. */
		break;
	default:
		i8042_kbd(ik, v);
		break;
	}
}

/* A new output port; bit 0 going low holds the CPUs in reset. */
static void
i8042_set_outport(struct i8042 *ik, uint8_t v)
{
	ik->ik_outport = v;
	if (!(v & I8042_OUT_RESET)) {
		log_debug("i8042: reset through the output port");
		vmm_request(ik->ik_vmm, VMM_REQ_RESET, 0);
	}
}

/*
 * A byte for the keyboard: the commands of Linux's atkbd probe, answered
 * as an MF2 keyboard would (identify 0xab 0x83, or 0xab 0x41 when the
 * controller translates to set 1).
 */
static void
i8042_kbd(struct i8042 *ik, uint8_t v)
{
	uint8_t	cmd;

	cmd = ik->ik_kbd_pending;
	ik->ik_kbd_pending = 0;
	if (cmd == I8042_KBD_SET_LEDS || cmd == I8042_KBD_TYPEMATIC) {
		i8042_push(ik, I8042_KBD_ACK, 0);
		return;
	}
	if (cmd == I8042_KBD_SCANSET) {
		i8042_push(ik, I8042_KBD_ACK, 0);
		if (v == 0)
			i8042_push(ik, ik->ik_scanset, 0);
		else if (v <= 3)
			ik->ik_scanset = v;
		return;
	}
	switch (v) {
	case I8042_KBD_SET_LEDS:
	case I8042_KBD_TYPEMATIC:
	case I8042_KBD_SCANSET:
		ik->ik_kbd_pending = v;
		i8042_push(ik, I8042_KBD_ACK, 0);
		break;
	case I8042_KBD_ECHO:
		i8042_push(ik, I8042_KBD_ECHO, 0);
		break;
	case I8042_KBD_GETID:
		i8042_push(ik, I8042_KBD_ACK, 0);
		i8042_push(ik, 0xab, 0);
		i8042_push(ik, (ik->ik_ctr & I8042_CTR_XLATE) ? 0x41 : 0x83, 0);
		break;
	case I8042_KBD_RESET:
		ik->ik_scanset = 2;
		i8042_push(ik, I8042_KBD_ACK, 0);
		i8042_push(ik, I8042_KBD_BAT_OK, 0);
		break;
	case 0xf4:	/* enable scanning */
	case 0xf5:	/* disable scanning, defaults */
	case 0xf6:	/* defaults */
	case 0xf7: case 0xf8: case 0xf9: case 0xfa:	/* set-3 modes */
	case 0xfb: case 0xfc: case 0xfd:
		i8042_push(ik, I8042_KBD_ACK, 0);
		break;
	case I8042_KBD_RESEND:
		break;
	default:
		i8042_push(ik, I8042_KBD_RESEND, 0);
		break;
	}
}

/*
 * IRQ 1 follows "a keyboard byte is waiting and KBDINT is on".  After the
 * guest took a byte the line drops, and rises again for the next one, so
 * an edge-triggered PIC sees one edge per byte.
 */
static void
i8042_update_irq(struct i8042 *ik, int popped)
{
	int	level;

	level = ik->ik_qcount > 0 && !ik->ik_qaux[ik->ik_qhead] &&
	    (ik->ik_ctr & I8042_CTR_KBDINT);
	if (popped && ik->ik_irq && level) {
		irq_set_level(ik->ik_vmm, I8042_KBD_IRQ, 0);
		ik->ik_irq = 0;
	}
	if (level == ik->ik_irq)
		return;
	ik->ik_irq = level;
	irq_set_level(ik->ik_vmm, I8042_KBD_IRQ, level);
}

/*
 * Suspend state: command byte, output port, pending commands, the byte an
 * empty buffer repeats, and the queue in order with each byte's source.
 */
static int
i8042_save(void *dev, struct snap *s)
{
	struct i8042	*ik = dev;
	unsigned int	 i, j;

	pthread_mutex_lock(&ik->ik_mtx);
	snap_put_u8(s, ik->ik_ctr);
	snap_put_u8(s, ik->ik_outport);
	snap_put_u8(s, ik->ik_status_cmd);
	snap_put_u8(s, ik->ik_pending);
	snap_put_u8(s, ik->ik_kbd_pending);
	snap_put_u8(s, ik->ik_scanset);
	snap_put_u8(s, ik->ik_q[(ik->ik_qhead + I8042_QUEUE - 1) %
	    I8042_QUEUE]);
	snap_put_u8(s, (uint8_t)ik->ik_qcount);
	for (i = 0; i < ik->ik_qcount; i++) {
		j = (ik->ik_qhead + i) % I8042_QUEUE;
		snap_put_u8(s, ik->ik_q[j]);
		snap_put_u8(s, ik->ik_qaux[j]);
	}
	pthread_mutex_unlock(&ik->ik_mtx);
	return (0);
}

static int
i8042_restore(void *dev, struct snap *s)
{
	struct i8042	*ik = dev;
	uint8_t		 r[8], v, aux;
	unsigned int	 i;
	int		 rc = 0;

	if (snap_get_bytes(s, r, sizeof r) != 0)
		return (-1);
	if ((r[2] != 0 && r[2] != I8042_STR_CMD) || r[5] < 1 || r[5] > 3 ||
	    r[7] > I8042_QUEUE) {
		errno = EINVAL;
		return (-1);
	}
	pthread_mutex_lock(&ik->ik_mtx);
	ik->ik_ctr = r[0];
	ik->ik_outport = r[1];
	ik->ik_status_cmd = r[2];
	ik->ik_pending = r[3];
	ik->ik_kbd_pending = r[4];
	ik->ik_scanset = r[5];
	/* The repeated byte sits just before the head. */
	ik->ik_qhead = 0;
	ik->ik_qcount = 0;
	ik->ik_q[I8042_QUEUE - 1] = r[6];
	for (i = 0; i < r[7]; i++) {
		if (snap_get_u8(s, &v) != 0 || snap_get_u8(s, &aux) != 0 ||
		    aux > 1) {
			errno = EINVAL;
			rc = -1;
			break;
		}
		ik->ik_q[i] = v;
		ik->ik_qaux[i] = aux;
		ik->ik_qcount++;
	}
	i8042_update_irq(ik, 0);
	pthread_mutex_unlock(&ik->ik_mtx);
	return (rc);
}
