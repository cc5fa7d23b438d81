/* SPDX-License-Identifier: ISC */
/*
 * The COM1 UART on a fake VM: what a guest's driver sees through the
 * ports (Linux's 16550A detection, DLAB, FIFOs, LSR, loopback, the
 * interrupt priorities and the IRQ line) and what reaches the output fd.
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "devtest.h"

#define COM1	VMM_COM1_PORT
#define THR	0
#define IER	1
#define IIR	2
#define FCR	2
#define LCR	3
#define MCR	4
#define LSR	5
#define MSR	6
#define SCR	7

struct check_ns8250 {
	struct devtest	 dt;		/* the UART on a fake VM */
	int		 pipe[2];	/* vp_serial_out is pipe[1] */
};

static void	check_ns8250_setup(struct check_ns8250 *);
static void	check_ns8250_teardown(struct check_ns8250 *);
static uint64_t	check_ns8250_io(struct check_ns8250 *, unsigned int,
		    uint32_t, int, uint64_t);
static uint8_t	check_ns8250_in(struct check_ns8250 *, unsigned int);
static void	check_ns8250_out(struct check_ns8250 *, unsigned int, uint8_t);
static int	check_ns8250_irq(struct check_ns8250 *);
static void	check_ns8250_fill(struct check_ns8250 *);
static Suite	*check_ns8250_suite(void);

static void
check_ns8250_setup(struct check_ns8250 *t)
{
	ck_assert_int_eq(pipe(t->pipe), 0);
	devtest_init(&t->dt, &ns8250_devtype);
	t->dt.dv_params.vp_serial_out = t->pipe[1];
	devtest_vm(&t->dt);
	devtest_dev(&t->dt);
	ck_assert_ptr_nonnull(t->dt.dv_dev);
}

static void
check_ns8250_teardown(struct check_ns8250 *t)
{
	devtest_teardown(&t->dt);
	close(t->pipe[0]);
	close(t->pipe[1]);
}

static uint64_t
check_ns8250_io(struct check_ns8250 *t, unsigned int reg, uint32_t len,
    int write, uint64_t data)
{
	return (devtest_io(&t->dt, IOTRAP_PIO, COM1 + reg, len, write, data));
}

static uint8_t
check_ns8250_in(struct check_ns8250 *t, unsigned int reg)
{
	return ((uint8_t)check_ns8250_io(t, reg, 1, 0, 0));
}

static void
check_ns8250_out(struct check_ns8250 *t, unsigned int reg, uint8_t v)
{
	check_ns8250_io(t, reg, 1, 1, v);
}

static int
check_ns8250_irq(struct check_ns8250 *t)
{
	return (vmm_fake_irq_level(t->dt.dv_vmm, VMM_COM1_IRQ));
}

/* Fill the output pipe, left non-blocking, so the UART finds it full. */
static void
check_ns8250_fill(struct check_ns8250 *t)
{
	char	buf[4096];
	ssize_t	n;

	ck_assert_int_eq(fcntl(t->pipe[1], F_SETFL, O_NONBLOCK), 0);
	memset(buf, 'x', sizeof buf);
	do
		n = write(t->pipe[1], buf, sizeof buf);
	while (n > 0);
	ck_assert_int_eq(errno, EAGAIN);
}

START_TEST(ns8250_output)
{
	struct check_ns8250	t;
	char			buf[8];

	check_ns8250_setup(&t);
	check_ns8250_out(&t, THR, 'h');
	check_ns8250_out(&t, THR, 'i');
	ck_assert_int_eq(read(t.pipe[0], buf, sizeof buf), 2);
	ck_assert_int_eq(memcmp(buf, "hi", 2), 0);
	/* Instant transmitter: always empty. */
	ck_assert_uint_eq(check_ns8250_in(&t, LSR) & 0x60, 0x60);
	ck_assert_int_eq(check_ns8250_irq(&t), 0);
	check_ns8250_teardown(&t);
}
END_TEST

START_TEST(ns8250_dlab)
{
	struct check_ns8250	t;
	char			buf[8];

	check_ns8250_setup(&t);
	check_ns8250_out(&t, LCR, 0x83);
	check_ns8250_out(&t, 0, 0x0c);		/* 9600 baud */
	check_ns8250_out(&t, 1, 0x00);
	ck_assert_uint_eq(check_ns8250_in(&t, 0), 0x0c);
	ck_assert_uint_eq(check_ns8250_in(&t, 1), 0x00);
	check_ns8250_out(&t, LCR, 0x03);
	/* Divisor writes are not output and did not touch IER. */
	ck_assert_int_eq(fcntl(t.pipe[0], F_SETFL, O_NONBLOCK), 0);
	ck_assert_int_eq(read(t.pipe[0], buf, sizeof buf), -1);
	ck_assert_uint_eq(check_ns8250_in(&t, IER), 0);
	check_ns8250_out(&t, IER, 0x05);
	check_ns8250_out(&t, LCR, 0x83);
	ck_assert_uint_eq(check_ns8250_in(&t, 0), 0x0c);
	ck_assert_uint_eq(check_ns8250_in(&t, LCR), 0x83);
	check_ns8250_out(&t, LCR, 0x03);
	ck_assert_uint_eq(check_ns8250_in(&t, IER), 0x05);
	check_ns8250_teardown(&t);
}
END_TEST

/* The checks of Linux's 8250 autoconfig, in its order. */
START_TEST(ns8250_linux_detect)
{
	struct check_ns8250	t;

	check_ns8250_setup(&t);
	check_ns8250_out(&t, IER, 0);
	ck_assert_uint_eq(check_ns8250_in(&t, IER) & 0x0f, 0);
	check_ns8250_out(&t, IER, 0x0f);
	ck_assert_uint_eq(check_ns8250_in(&t, IER) & 0x0f, 0x0f);
	check_ns8250_out(&t, IER, 0);
	/* Loopback with RTS and OUT2: CTS and DCD. */
	check_ns8250_out(&t, MCR, 0x10 | 0x0a);
	ck_assert_uint_eq(check_ns8250_in(&t, MSR) & 0xf0, 0x90);
	check_ns8250_out(&t, MCR, 0x00);
	check_ns8250_out(&t, FCR, 0x01);
	ck_assert_uint_eq(check_ns8250_in(&t, IIR) >> 6, 3);	/* 16550A */
	/* No EFR with DLAB or LCR 0xbf: offset 2 reads IIR, not zero. */
	check_ns8250_out(&t, LCR, 0x80);
	ck_assert_uint_ne(check_ns8250_in(&t, IIR), 0);
	check_ns8250_out(&t, LCR, 0xbf);
	ck_assert_uint_ne(check_ns8250_in(&t, IIR), 0);
	/* Not a 16750: bit 5 of IIR never sets. */
	check_ns8250_out(&t, LCR, 0);
	check_ns8250_out(&t, FCR, 0x21);
	ck_assert_uint_eq(check_ns8250_in(&t, IIR) >> 5, 6);
	/* No UUE bit in IER. */
	check_ns8250_out(&t, IER, 0x40);
	ck_assert_uint_eq(check_ns8250_in(&t, IER), 0);
	/* Scratch register. */
	check_ns8250_out(&t, SCR, 0xa5);
	ck_assert_uint_eq(check_ns8250_in(&t, SCR), 0xa5);
	ck_assert_uint_ne(check_ns8250_in(&t, LSR), 0xff);
	check_ns8250_teardown(&t);
}
END_TEST

START_TEST(ns8250_fifo)
{
	struct check_ns8250	t;
	uint8_t			in[20];
	unsigned int		i;

	check_ns8250_setup(&t);
	for (i = 0; i < sizeof in; i++)
		in[i] = (uint8_t)('a' + i);
	/* Without FIFOs the receiver holds one byte. */
	ck_assert_uint_eq(ns8250_input(t.dt.dv_dev, in, sizeof in), 1);
	ck_assert_uint_eq(check_ns8250_in(&t, THR), 'a');
	check_ns8250_out(&t, FCR, 0x07);
	ck_assert_uint_eq(check_ns8250_in(&t, IIR) & 0xc0, 0xc0);
	ck_assert_uint_eq(ns8250_input_room(t.dt.dv_dev), 16);
	ck_assert_uint_eq(ns8250_input(t.dt.dv_dev, in, sizeof in), 16);
	ck_assert_uint_eq(ns8250_input(t.dt.dv_dev, in, sizeof in), 0);
	for (i = 0; i < 16; i++) {
		ck_assert_uint_eq(check_ns8250_in(&t, LSR) & 0x01, 1);
		ck_assert_uint_eq(check_ns8250_in(&t, THR), 'a' + i);
	}
	ck_assert_uint_eq(check_ns8250_in(&t, LSR) & 0x01, 0);
	/* FCR's RX reset empties the FIFO. */
	ck_assert_uint_eq(ns8250_input(t.dt.dv_dev, in, 3), 3);
	check_ns8250_out(&t, FCR, 0x03);
	ck_assert_uint_eq(check_ns8250_in(&t, LSR) & 0x01, 0);
	check_ns8250_teardown(&t);
}
END_TEST

START_TEST(ns8250_irq_rx)
{
	struct check_ns8250	t;

	check_ns8250_setup(&t);
	/* Data with the interrupt disabled: no IRQ. */
	ck_assert_uint_eq(ns8250_input(t.dt.dv_dev, "x", 1), 1);
	ck_assert_int_eq(check_ns8250_irq(&t), 0);
	ck_assert_uint_eq(check_ns8250_in(&t, IIR), 0x01);
	check_ns8250_out(&t, IER, 0x01);
	ck_assert_int_eq(check_ns8250_irq(&t), 1);
	ck_assert_uint_eq(check_ns8250_in(&t, IIR), 0x04);
	ck_assert_uint_eq(check_ns8250_in(&t, THR), 'x');
	ck_assert_int_eq(check_ns8250_irq(&t), 0);
	ck_assert_uint_eq(check_ns8250_in(&t, IIR), 0x01);
	/* FIFO, trigger 4: below it, the character time-out reports. */
	check_ns8250_out(&t, FCR, 0x41);
	ck_assert_uint_eq(ns8250_input(t.dt.dv_dev, "ab", 2), 2);
	ck_assert_int_eq(check_ns8250_irq(&t), 1);
	ck_assert_uint_eq(check_ns8250_in(&t, IIR), 0xcc);
	ck_assert_uint_eq(ns8250_input(t.dt.dv_dev, "cd", 2), 2);
	ck_assert_uint_eq(check_ns8250_in(&t, IIR), 0xc4);
	check_ns8250_teardown(&t);
}
END_TEST

START_TEST(ns8250_irq_thre)
{
	struct check_ns8250	t;
	unsigned int		edges;

	check_ns8250_setup(&t);
	edges = vmm_fake_irq_edges(t.dt.dv_vmm, VMM_COM1_IRQ);
	/* Enabling THRE with THR empty raises it (Linux tests this). */
	check_ns8250_out(&t, IER, 0x02);
	ck_assert_int_eq(check_ns8250_irq(&t), 1);
	ck_assert_uint_eq(vmm_fake_irq_edges(t.dt.dv_vmm, VMM_COM1_IRQ),
	    edges + 1);
	/* Reading IIR acknowledges it and the line drops. */
	ck_assert_uint_eq(check_ns8250_in(&t, IIR), 0x02);
	ck_assert_int_eq(check_ns8250_irq(&t), 0);
	ck_assert_uint_eq(check_ns8250_in(&t, IIR), 0x01);
	/* A transmitted byte empties THR again. */
	check_ns8250_out(&t, THR, '.');
	ck_assert_int_eq(check_ns8250_irq(&t), 1);
	/* Re-enable after disable re-raises. */
	check_ns8250_out(&t, IER, 0);
	ck_assert_int_eq(check_ns8250_irq(&t), 0);
	check_ns8250_out(&t, IER, 0x02);
	ck_assert_int_eq(check_ns8250_irq(&t), 1);
	/* Priority: received data beats THRE. */
	check_ns8250_out(&t, IER, 0x03);
	ck_assert_uint_eq(ns8250_input(t.dt.dv_dev, "z", 1), 1);
	ck_assert_uint_eq(check_ns8250_in(&t, IIR), 0x04);
	ck_assert_uint_eq(check_ns8250_in(&t, THR), 'z');
	ck_assert_uint_eq(check_ns8250_in(&t, IIR), 0x02);
	ck_assert_int_eq(check_ns8250_irq(&t), 0);
	check_ns8250_teardown(&t);
}
END_TEST

START_TEST(ns8250_loopback)
{
	struct check_ns8250	t;
	char			buf[4];

	check_ns8250_setup(&t);
	check_ns8250_out(&t, MCR, 0x10);
	check_ns8250_out(&t, THR, 'L');
	ck_assert_uint_eq(check_ns8250_in(&t, LSR) & 0x01, 1);
	ck_assert_uint_eq(check_ns8250_in(&t, THR), 'L');
	/* Nothing went to the line, and the line cannot feed us. */
	ck_assert_int_eq(fcntl(t.pipe[0], F_SETFL, O_NONBLOCK), 0);
	ck_assert_int_eq(read(t.pipe[0], buf, sizeof buf), -1);
	ck_assert_uint_eq(ns8250_input(t.dt.dv_dev, "q", 1), 0);
	/* A second byte into the one-byte holding register overruns. */
	check_ns8250_out(&t, THR, '1');
	check_ns8250_out(&t, THR, '2');
	ck_assert_uint_eq(check_ns8250_in(&t, LSR) & 0x03, 0x03);
	ck_assert_uint_eq(check_ns8250_in(&t, LSR) & 0x02, 0);
	/* RLS interrupt for the overrun when enabled. */
	check_ns8250_out(&t, THR, '3');
	check_ns8250_out(&t, IER, 0x04);
	ck_assert_uint_eq(check_ns8250_in(&t, IIR), 0x06);
	ck_assert_int_eq(check_ns8250_irq(&t), 1);
	check_ns8250_in(&t, LSR);
	ck_assert_int_eq(check_ns8250_irq(&t), 0);
	/* Modem status deltas from toggling DTR in loopback. */
	check_ns8250_in(&t, MSR);
	check_ns8250_out(&t, IER, 0x08);
	ck_assert_int_eq(check_ns8250_irq(&t), 0);
	check_ns8250_out(&t, MCR, 0x11);
	ck_assert_int_eq(check_ns8250_irq(&t), 1);
	ck_assert_uint_eq(check_ns8250_in(&t, IIR), 0x00);
	ck_assert_uint_eq(check_ns8250_in(&t, MSR), 0x22);
	ck_assert_int_eq(check_ns8250_irq(&t), 0);
	check_ns8250_teardown(&t);
}
END_TEST

START_TEST(ns8250_nonblocking_full)
{
	struct check_ns8250	t;

	check_ns8250_setup(&t);
	check_ns8250_fill(&t);
	check_ns8250_out(&t, THR, 'y');
	check_ns8250_out(&t, THR, 'y');
	ck_assert_uint_eq(ns8250_dropped(t.dt.dv_dev), 2);
	check_ns8250_teardown(&t);
}
END_TEST

START_TEST(ns8250_blocking_stuck)
{
	struct check_ns8250	t;

	check_ns8250_setup(&t);
	/* Fill the pipe behind the UART's back, then leave it blocking. */
	check_ns8250_fill(&t);
	ck_assert_int_eq(fcntl(t.pipe[1], F_SETFL, 0), 0);
	/* Nobody reads: the byte is dropped after a bounded wait. */
	check_ns8250_out(&t, THR, 'y');
	ck_assert_uint_eq(ns8250_dropped(t.dt.dv_dev), 1);
	/* No reader at all: dropped, no SIGPIPE. */
	close(t.pipe[0]);
	t.pipe[0] = open("/dev/null", O_RDONLY);
	ck_assert_int_ge(t.pipe[0], 0);
	check_ns8250_out(&t, THR, 'z');
	ck_assert_uint_eq(ns8250_dropped(t.dt.dv_dev), 2);
	check_ns8250_teardown(&t);
}
END_TEST

START_TEST(ns8250_odd_access)
{
	struct check_ns8250	t;
	uint64_t		v;

	check_ns8250_setup(&t);
	/* A dword read at LCR covers LCR, MCR, LSR, MSR. */
	v = check_ns8250_io(&t, LCR, 4, 0, 0);
	ck_assert_uint_eq(v & 0xff, 0x03);
	ck_assert_uint_eq((v >> 16) & 0x60, 0x60);
	check_ns8250_io(&t, 7, 8, 1, ~0ULL);
	check_ns8250_io(&t, 7, 8, 0, 0);
	check_ns8250_out(&t, LCR, 0x03);
	check_ns8250_out(&t, MCR, 0x00);
	check_ns8250_io(&t, 0, 2, 1, 0x0f41);	/* 'A', then IER = 0x0f */
	ck_assert_uint_eq(check_ns8250_in(&t, IER), 0x0f);
	ns8250_devtype.dt_reset(t.dt.dv_dev);
	ck_assert_uint_eq(check_ns8250_in(&t, IER), 0);
	ck_assert_int_eq(check_ns8250_irq(&t), 0);
	check_ns8250_teardown(&t);
}
END_TEST

static Suite *
check_ns8250_suite(void)
{
	Suite	*s = suite_create("ns8250");
	TCase	*tc;

	tc = tcase_create("registers");
	tcase_add_test(tc, ns8250_output);
	tcase_add_test(tc, ns8250_dlab);
	tcase_add_test(tc, ns8250_linux_detect);
	tcase_add_test(tc, ns8250_fifo);
	tcase_add_test(tc, ns8250_loopback);
	tcase_add_test(tc, ns8250_odd_access);
	suite_add_tcase(s, tc);
	tc = tcase_create("interrupts");
	tcase_add_test(tc, ns8250_irq_rx);
	tcase_add_test(tc, ns8250_irq_thre);
	suite_add_tcase(s, tc);
	tc = tcase_create("output");
	tcase_add_test(tc, ns8250_nonblocking_full);
	tcase_add_test(tc, ns8250_blocking_stuck);
	suite_add_tcase(s, tc);
	return (s);
}

int
main(void)
{
	SRunner	*sr;
	int	 failed;

	sr = srunner_create(check_ns8250_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return (failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE);
}
