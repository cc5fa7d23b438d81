/* SPDX-License-Identifier: ISC */
/*
 * COM1 (8250/16550 at 0x3f8), transmit only, polled.  Every register access
 * is an exit and every instruction here is emulated on PVM hosts, so the
 * line status is read once per transmit FIFO load: THRE says the FIFO is
 * empty, after which it takes 16 bytes (one, on a UART without a FIFO:
 * IIR bits 7:6 clear after enabling it).  The wait for THRE is bounded and
 * skipped when the line status says it is ready (always, on emulated
 * UARTs).  Ring 0 only.
 */
#include "guest.h"

#define UART_BASE	0x3f8
#define UART_THR	0	/* transmit holding */
#define UART_IER	1
#define UART_IIR	2	/* read */
#define UART_FCR	2	/* write */
#define UART_LCR	3
#define UART_MCR	4
#define UART_LSR	5
#define UART_DLL	0	/* with LCR.DLAB */
#define UART_DLM	1
#define IIR_FIFO	0xc0	/* FIFOs enabled */
#define LSR_THRE	0x20
#define UART_FIFO	16
#define UART_SPIN_MAX	100000	/* ~0.5 s of emulated polling */

static unsigned int	uart_fifo = 1;	/* bytes THR takes after THRE */
static unsigned int	uart_room;	/* bytes it takes before the next wait */

static inline void	uart_tx(int);

void
uart_init(void)
{
	outb(UART_BASE + UART_IER, 0);
	outb(UART_BASE + UART_LCR, 0x80);	/* DLAB */
	outb(UART_BASE + UART_DLL, 1);		/* 115200 baud */
	outb(UART_BASE + UART_DLM, 0);
	outb(UART_BASE + UART_LCR, 0x03);	/* 8N1 */
	outb(UART_BASE + UART_FCR, 0x07);	/* FIFO on, cleared */
	outb(UART_BASE + UART_MCR, 0x03);	/* DTR, RTS */
	if ((inb(UART_BASE + UART_IIR) & IIR_FIFO) == IIR_FIFO)
		uart_fifo = UART_FIFO;
	uart_room = 0;
}

static inline void
uart_tx(int c)
{
	int i;

	if (uart_room == 0) {
		for (i = 0; i < UART_SPIN_MAX; i++) {
			if (inb(UART_BASE + UART_LSR) & LSR_THRE)
				break;
		}
		uart_room = uart_fifo;
	}
	uart_room--;
	outb(UART_BASE + UART_THR, (uint8_t)c);
}

void
uart_putc(int c)
{
	uart_tx(c);
}

void
uart_write(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (s[i] == '\n')
			uart_tx('\r');
		uart_tx(s[i]);
	}
}
