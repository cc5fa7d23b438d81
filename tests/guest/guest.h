/* SPDX-License-Identifier: ISC */
/*
 * The Vireo test guest: one header for the whole freestanding kernel, with a
 * section per file.  The guest boots through the PVH entry (entry.S), runs
 * its ring-0 code under emulation on PVM hosts (about 0.5 us an
 * instruction), so ring-0 paths are kept short and heavy loops run in ring 3
 * (user.c).  Only one CPU runs guest code except in the smp scenario, whose
 * APs only touch smp.c's counter, so nothing here takes a lock.
 *
 * The constants are shared with the assembly files.
 */
#ifndef VIREO_GUEST_H
#define VIREO_GUEST_H

/* Segment selectors (GDT built in cpu.c, loaded first by entry.S). */
#define SEL_KCODE	0x08
#define SEL_KDATA	0x10
#define SEL_UDATA	0x1b	/* 0x18 | RPL 3 */
#define SEL_UCODE	0x23	/* 0x20 | RPL 3 */
#define SEL_TSS		0x28	/* 16 bytes */
#define SEL_KCODE32	0x38	/* 32-bit code for the AP trampoline */

/* Vectors. */
#define VEC_TIMER	0x40
#define VEC_SPURIOUS	0xff
#define VEC_IRQ_FIRST	0x20	/* device interrupts (PIC bases, IOAPIC) */
#define VEC_IRQ_LAST	0x4f

/* The AP trampoline is copied here (below 1 MiB, page aligned). */
#define TRAMP_BASE	0x10000

#define BOOT_STACK_SIZE	16384

#ifndef __ASSEMBLER__

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#define nitems(a)	(sizeof(a) / sizeof((a)[0]))
#define MIB		(1024UL * 1024)

/* Image bounds from guest.ld. */
extern char	__image_start[], __image_end[];

/* entry.S / trap.S */
extern uint64_t	boot_pml4[512], boot_pdpt[512], gdt[8];
extern char	tramp_start[], tramp_end[], tramp_gdtr[], tramp_cr3[];
extern char	tramp_stack[];
extern const char trap_stubs[], trap_user_ud2[];	/* see trap.S */
extern const char trap_idt[], trap_idt_end[];	/* prebuilt IDT */
void		 trap_user_ret(uint64_t) __attribute__((noreturn));
uint64_t	 trap_user_enter(uint64_t fn, uint64_t arg, uint64_t rsp,
		    uint64_t rflags);

/* Saved by the common trap path (trap.S), lowest address first. */
struct trapframe {
	uint64_t	tf_r15, tf_r14, tf_r13, tf_r12, tf_r11, tf_r10, tf_r9;
	uint64_t	tf_r8, tf_rbp, tf_rdi, tf_rsi, tf_rdx, tf_rcx, tf_rbx;
	uint64_t	tf_rax;
	uint64_t	tf_vector, tf_err;	/* err is 0 if the CPU pushed none */
	uint64_t	tf_rip, tf_cs, tf_rflags, tf_rsp, tf_ss;
};

/* io.h-style inline port and register access. */
static inline void
outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline void
outw(uint16_t port, uint16_t v)
{
	__asm__ volatile("outw %0, %1" : : "a"(v), "Nd"(port));
}

static inline void
outl(uint16_t port, uint32_t v)
{
	__asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint8_t
inb(uint16_t port)
{
	uint8_t v;

	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return (v);
}

static inline uint16_t
inw(uint16_t port)
{
	uint16_t v;

	__asm__ volatile("inw %1, %0" : "=a"(v) : "Nd"(port));
	return (v);
}

static inline uint32_t
inl(uint16_t port)
{
	uint32_t v;

	__asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
	return (v);
}

static inline uint64_t
rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (((uint64_t)hi << 32) | lo);
}

static inline void
cpu_pause(void)
{
	__asm__ volatile("pause" ::: "memory");
}

static inline uint32_t
mmio_read32(uint64_t addr)
{
	return (*(volatile uint32_t *)addr);
}

static inline void
mmio_write32(uint64_t addr, uint32_t v)
{
	*(volatile uint32_t *)addr = v;
}

/* mem.c: what the compiler may call even with -fno-builtin. */
void		*memset(void *, int, size_t);
void		*memcpy(void *, const void *, size_t);
int		 memcmp(const void *, const void *, size_t);
size_t		 strlen(const char *);

/* uart.c: COM1, polled. */
void		 uart_init(void);
void		 uart_putc(int);
void		 uart_write(const char *, size_t);

/* kprintf.c: %s %c %d %u %x %p with l/ll, width and 0 flag. */
void		 kprintf(const char *, ...)
		    __attribute__((format(printf, 1, 2)));
void		 kvprintf(const char *, va_list);
int		 ksnprintf(char *, size_t, const char *, ...)
		    __attribute__((format(printf, 3, 4)));
int		 kvsnprintf(char *, size_t, const char *, va_list);

/* start.c: what the boot loader handed over, copied out of its memory. */
#define BOOT_MEMMAP_MAX	64
struct boot_memmap {
	uint64_t	bm_addr;
	uint64_t	bm_size;
	uint32_t	bm_type;	/* e820 numbering, 1 = RAM */
};
struct boot_info {
	char		bi_cmdline[1024];
	uint64_t	bi_rsdp;	/* 0 if the loader gave none */
	struct boot_memmap bi_memmap[BOOT_MEMMAP_MAX];
	unsigned int	bi_nmemmap;
};
extern struct boot_info boot_info;
void		 start(uint32_t start_info) __attribute__((noreturn));

/* cpu.c: GDT, TSS, IDT, trap dispatch. */
typedef void	(*cpu_handler)(struct trapframe *);
void		 cpu_init(void);
void		 cpu_load_idt(void);
void		 cpu_set_handler(int vector, cpu_handler);
void		 cpu_trap(struct trapframe *);	/* called by trap.S */

/* cmdline.c */
const char	*cmdline_test(char *, size_t);
int		 cmdline_get(const char *key, char *, size_t);
uint64_t	 cmdline_u64(const char *key, uint64_t dflt);

/* test.c: the verdict, then the exit protocol; neither returns. */
extern const char *test_name;
void		 test_pass(void) __attribute__((noreturn));
void		 test_fail(const char *, ...)
		    __attribute__((noreturn, format(printf, 1, 2)));
void		 test_exit(uint32_t code) __attribute__((noreturn));

/* main.c: the scenario table. */
void		 main_run(void) __attribute__((noreturn));

/* acpi.c */
struct acpi_sdt {
	char		s_sig[4];
	uint32_t	s_len;
	uint8_t		s_rev;
	uint8_t		s_sum;
	char		s_oem[6];
	char		s_oemtab[8];
	uint32_t	s_oemrev;
	uint32_t	s_creator;
	uint32_t	s_creatorrev;
} __attribute__((packed));
uint64_t	 acpi_rsdp(void);
const struct acpi_sdt *acpi_table(const char *sig);
int		 acpi_s5_type(const struct acpi_sdt *dsdt);

/* apic.c: the local APIC (xAPIC MMIO). */
#define APIC_TIMER_HZ	1000000000UL	/* KVM's APIC bus: 1 ns a cycle */
void		 apic_init(void);
uint32_t	 apic_id(void);
uint32_t	 apic_read(uint32_t reg);
void		 apic_write(uint32_t reg, uint32_t);
void		 apic_eoi(void);
int		 apic_ipi(uint32_t apicid, uint32_t icrlo);
void		 apic_timer_start(uint32_t count, int periodic);
void		 apic_timer_stop(void);
uint32_t	 apic_timer_count(void);

/* time.c: TSC-based time, calibrated against the APIC timer. */
void		 time_init(void);
uint64_t	 time_tsc_hz(void);
uint64_t	 time_ms(uint64_t tscdelta);
uint64_t	 time_deadline(uint64_t ms);
int		 time_expired(uint64_t deadline);
void		 time_delay_us(uint64_t us);

/* paging.c */
int		 paging_map_ram(uint64_t end);
int		 paging_uncached(uint64_t addr, uint64_t size);

/* pci.c */
int		 pci_has_mech1(void);
uint32_t	 pci_mech1_read(int bus, int dev, int fn, int off);
uint64_t	 pci_ecam_base(void);
uint32_t	 pci_ecam_read(uint64_t base, int dev, int fn, int off);
void		 pci_mech1_write(int bus, int dev, int fn, int off, uint32_t);
void		 pci_ecam_write(uint64_t base, int dev, int fn, int off,
		    uint32_t);
uint32_t	 pci_conf_read(int dev, int fn, int off);	/* bus 0 */
void		 pci_conf_write(int dev, int fn, int off, uint32_t);

/* smp.c */
int		 smp_start(int *ncpus, uint64_t *ms);
void		 smp_ap_main(void) __attribute__((noreturn));

/* user.c: run fn(arg) in ring 3 and return its result. */
uint64_t	 user_call(uint64_t (*)(uint64_t), uint64_t);

/* Scenarios (scenario-*.c); each ends the test. */
void		 scenario_hello(void) __attribute__((noreturn));
void		 scenario_diskmark(void) __attribute__((noreturn));
void		 scenario_pio(void) __attribute__((noreturn));
void		 scenario_memtest(void) __attribute__((noreturn));
void		 scenario_smp(void) __attribute__((noreturn));
void		 scenario_timer(void) __attribute__((noreturn));
void		 scenario_irq(void) __attribute__((noreturn));
void		 scenario_counter(void) __attribute__((noreturn));
void		 scenario_button(void) __attribute__((noreturn));
void		 scenario_rtc(void) __attribute__((noreturn));
void		 scenario_poweroff(void) __attribute__((noreturn));
void		 scenario_reset(void) __attribute__((noreturn));
void		 scenario_pciscan(void) __attribute__((noreturn));
void		 scenario_virtio_blk(void) __attribute__((noreturn));
void		 scenario_virtio_net(void) __attribute__((noreturn));
void		 scenario_virtio_rng(void) __attribute__((noreturn));

#endif /* !__ASSEMBLER__ */
#endif
