/* SPDX-License-Identifier: ISC */
/*
 * The CPU tables after boot: the TSS (RSP0 for interrupts taken in ring 3),
 * the IDT and the trap dispatch.  The GDT itself is data in entry.S; here
 * only its TSS descriptor is filled in.
 *
 * Only the exception vectors and the vectors the guest uses get a gate;
 * any other vector arrives as #GP or #NP, which is reported like every
 * exception: vector, RIP and error code on the UART, then the test FAILs.
 * Ring-0 code is emulated on PVM hosts, so the IDT (trap.S) and the TSS
 * are prebuilt data: start-up only fills in the TSS descriptor and loads
 * the tables.
 */
#include "guest.h"

#define INTR_STACK_SIZE	16384

struct tss64 {
	uint32_t	t_rsvd0;
	uint64_t	t_rsp0;
	uint64_t	t_rsp1;
	uint64_t	t_rsp2;
	uint64_t	t_rsvd1;
	uint64_t	t_ist[7];
	uint64_t	t_rsvd2;
	uint16_t	t_rsvd3;
	uint16_t	t_iomap;	/* past the limit: no I/O bitmap */
} __attribute__((packed));

static void	cpu_spurious(struct trapframe *);

static uint8_t		cpu_intr_stack[INTR_STACK_SIZE]
			    __attribute__((aligned(16)));
static struct tss64	cpu_tss = {
	.t_rsp0 = (uint64_t)(cpu_intr_stack + INTR_STACK_SIZE),
	.t_iomap = sizeof(struct tss64),
};
static cpu_handler	cpu_handlers[256];

static const char *const cpu_exc_names[32] = {
	"#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM",
	"#DF", "CSO", "#TS", "#NP", "#SS", "#GP", "#PF", "15",
	"#MF", "#AC", "#MC", "#XM", "#VE", "#CP", "22", "23",
	"24", "25", "26", "27", "#HV", "#VC", "#SX", "31"
};

/* The APIC's spurious vector needs no EOI. */
static void
cpu_spurious(struct trapframe *tf)
{
}

void
cpu_init(void)
{
	uint64_t base = (uint64_t)&cpu_tss;
	uint64_t limit = sizeof(cpu_tss) - 1;

	/* 64-bit available TSS descriptor (type 9), 16 bytes. */
	gdt[SEL_TSS / 8] = (limit & 0xffff) | ((base & 0xffffff) << 16) |
	    (0x89ULL << 40) | (((limit >> 16) & 0xf) << 48) |
	    (((base >> 24) & 0xff) << 56);
	gdt[SEL_TSS / 8 + 1] = base >> 32;
	__asm__ volatile("ltr %w0" : : "r"(SEL_TSS));
	cpu_handlers[VEC_SPURIOUS] = cpu_spurious;
	cpu_load_idt();
}

/* Also run by each AP: the IDT is shared. */
void
cpu_load_idt(void)
{
	struct {
		uint16_t	limit;
		uint64_t	base;
	} __attribute__((packed)) idtr = { trap_idt_end - trap_idt - 1,
	    (uint64_t)trap_idt };

	__asm__ volatile("lidt %0" : : "m"(idtr));
}

void
cpu_set_handler(int vec, cpu_handler fn)
{
	cpu_handlers[vec] = fn;
}

void
cpu_trap(struct trapframe *tf)
{
	uint64_t cr2;
	int v = (int)tf->tf_vector;

	/* The way back from ring 3 (trap.S): the #UD at trap_user_ud2. */
	if (v == 6 && (tf->tf_cs & 3) == 3 &&
	    tf->tf_rip == (uint64_t)trap_user_ud2)
		trap_user_ret(tf->tf_rdi);
	if (cpu_handlers[v] != NULL) {
		cpu_handlers[v](tf);
		return;
	}
	if (v < 32) {
		__asm__ volatile("mov %%cr2, %0" : "=r"(cr2));
		kprintf("EXCEPTION %s (vector %d) rip=%016lx err=%lx "
		    "cs=%lx rsp=%016lx cr2=%016lx\n", cpu_exc_names[v], v,
		    tf->tf_rip, tf->tf_err, tf->tf_cs, tf->tf_rsp, cr2);
		test_fail("exception %s (vector %d) at rip %lx, error code "
		    "%lx", cpu_exc_names[v], v, tf->tf_rip, tf->tf_err);
	}
	test_fail("unexpected interrupt, vector %d", v);
}
