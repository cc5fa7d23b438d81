/* SPDX-License-Identifier: ISC */
/*
 * irq: the platform's interrupt wiring as the MADT describes it.
 *  1. The PIT's IRQ 0 (channel 0, mode 2, 1 kHz) on IOAPIC pin 2, the
 *     interrupt source override, edge-triggered: at least ticks=N
 *     interrupts.
 *  2. The same IRQ 0 through the 8259A pair (bases 0x20/0x28, as Linux
 *     programs them) and LINT0 in ExtINT mode: at least N interrupts,
 *     each ended with an EOI to the PIC only.
 *  3. COM1's line (IRQ 4) as a level-triggered IOAPIC entry, with the
 *     THR-empty interrupt left pending: every EOI while the line is still
 *     asserted must bring the interrupt back (remote IRR), until the
 *     handler disables it on the third; then no more come.
 *
 * The PIT counts are "at least": a tick may land between the wait's last
 * look at the count and its cli (a host that deschedules the vCPU there
 * for a millisecond makes that likely), and it is rightly taken.  The
 * waits are bounded by time, not by a loop count, and generously: the
 * PIT merges ticks a busy host could not deliver, but one must come per
 * period once the vCPU runs, so only lost edges can exhaust them.
 *
 * On COM1, an interrupt that arrives after the handler dropped the line
 * is counted apart: at most one may, the one the IOAPIC may have sent
 * when an EOI was reported to it before the line dropped (seen on a
 * loaded PVM host, whose EOI exits can come early); a second means the
 * IOAPIC sent with the line low, and the 50 ms after must be quiet.
 *
 * No output while the UART's interrupt is armed: a byte sent would
 * re-arm it.
 */
#include "guest.h"

#define IOAPIC_BASE	0xfec00000ULL
#define IOAPIC_PIN_PIT	2
#define IOAPIC_PIN_COM1	4
#define RTE_LEVEL	0x8000U
#define RTE_MASKED	0x10000U
#define VEC_IOAPIC_PIT	0x41
#define VEC_PIC_BASE	0x20
#define VEC_UART	0x42
#define LVT_LINT0	0x350
#define LVT_EXTINT	0x700U
#define LVT_MASKED	0x10000U
#define COM1		0x3f8
#define UART_IRQS	3
#define UART_LATE_MAX	1

static volatile uint64_t irq_ioapic_ticks, irq_pic_ticks, irq_uart;
static volatile uint64_t irq_uart_late;

static void	irq_rte(unsigned int, uint32_t);
static void	irq_ioapic_tick(struct trapframe *);
static void	irq_pic_tick(struct trapframe *);
static void	irq_uart_intr(struct trapframe *);
static void	irq_wait(volatile uint64_t *, uint64_t, const char *);

static void
irq_rte(unsigned int pin, uint32_t lo)
{
	mmio_write32(IOAPIC_BASE, 0x11 + 2 * pin);
	mmio_write32(IOAPIC_BASE + 0x10, apic_id() << 24);
	mmio_write32(IOAPIC_BASE, 0x10 + 2 * pin);
	mmio_write32(IOAPIC_BASE + 0x10, lo);
}

static void
irq_ioapic_tick(struct trapframe *tf)
{
	irq_ioapic_ticks++;
	apic_eoi();
}

/* ExtINT does not go through the LAPIC's ISR: only the PIC gets an EOI. */
static void
irq_pic_tick(struct trapframe *tf)
{
	irq_pic_ticks++;
	outb(0x20, 0x20);
}

static void
irq_uart_intr(struct trapframe *tf)
{
	if (irq_uart >= UART_IRQS)
		irq_uart_late++;	/* the line was low already */
	else if (++irq_uart == UART_IRQS)
		outb(COM1 + 1, 0);	/* IER: the line drops */
	apic_eoi();
}

/* Interrupts on until *count reaches n or a generous deadline. */
static void
irq_wait(volatile uint64_t *count, uint64_t n, const char *what)
{
	uint64_t deadline;

	deadline = time_deadline(5000);
	__asm__ volatile("sti");
	while (*count < n && !time_expired(deadline))
		cpu_pause();
	__asm__ volatile("cli");
	if (*count < n)
		test_fail("irq: %s: %lu of %lu interrupts", what, *count, n);
}

void
scenario_irq(void)
{
	uint64_t n, late, deadline;

	n = cmdline_u64("ticks", 5);
	if (n == 0)
		n = 1;
	time_init();
	apic_init();
	cpu_set_handler(VEC_IOAPIC_PIT, irq_ioapic_tick);
	cpu_set_handler(VEC_PIC_BASE, irq_pic_tick);
	cpu_set_handler(VEC_UART, irq_uart_intr);

	/* The PICs as Linux sets them up, everything masked. */
	outb(0x20, 0x11); outb(0x21, VEC_PIC_BASE); outb(0x21, 0x04);
	outb(0x21, 0x01);
	outb(0xa0, 0x11); outb(0xa1, VEC_PIC_BASE + 8); outb(0xa1, 0x02);
	outb(0xa1, 0x01);
	outb(0x21, 0xff);
	outb(0xa1, 0xff);

	/* 1: PIT channel 0, rate generator, 1193 (1 kHz). */
	outb(0x43, 0x34);
	outb(0x40, 1193 & 0xff);
	outb(0x40, 1193 >> 8);
	irq_rte(IOAPIC_PIN_PIT, VEC_IOAPIC_PIT);
	irq_wait(&irq_ioapic_ticks, n, "PIT through the IOAPIC");
	irq_rte(IOAPIC_PIN_PIT, VEC_IOAPIC_PIT | RTE_MASKED);
	kprintf("irq: PIT through IOAPIC pin 2: %lu interrupts (%lu wanted)\n",
	    irq_ioapic_ticks, n);

	/* 2: the same line through the master PIC and LINT0 (ExtINT). */
	apic_write(LVT_LINT0, LVT_EXTINT);
	outb(0x21, 0xfe);
	irq_wait(&irq_pic_ticks, n, "PIT through the 8259A");
	outb(0x21, 0xff);
	apic_write(LVT_LINT0, LVT_MASKED);
	outb(0x43, 0x30);	/* mode 0, no count: channel 0 stops */
	kprintf("irq: PIT through the 8259A (ExtINT): %lu interrupts (%lu "
	    "wanted)\n", irq_pic_ticks, n);

	/* 3: COM1 level-triggered; THRE stays pending (IIR never read). */
	irq_rte(IOAPIC_PIN_COM1, VEC_UART | RTE_LEVEL);
	outb(COM1 + 1, 0x02);
	irq_wait(&irq_uart, UART_IRQS, "level-triggered COM1");
	/* The line is low now: past one in flight, nothing more may come. */
	deadline = time_deadline(5);
	__asm__ volatile("sti");
	while (!time_expired(deadline))
		cpu_pause();
	__asm__ volatile("cli");
	late = irq_uart_late;
	deadline = time_deadline(50);
	__asm__ volatile("sti");
	while (!time_expired(deadline))
		cpu_pause();
	__asm__ volatile("cli");
	irq_rte(IOAPIC_PIN_COM1, VEC_UART | RTE_MASKED);
	kprintf("irq: COM1 level-triggered: %lu interrupts, one per EOI, "
	    "%lu after the line dropped\n", irq_uart, irq_uart_late);
	if (irq_uart_late > UART_LATE_MAX || irq_uart_late != late)
		test_fail("irq: COM1: %lu interrupts after the line dropped, "
		    "%lu of them more than 5 ms later", irq_uart_late,
		    irq_uart_late - late);
	test_pass();
}
