/* SPDX-License-Identifier: ISC */
/*
 * The monitor core on /dev/kvm with hand-assembled guests: a bare VM (no
 * devices, no loader) gets a few bytes of machine code and a boot state,
 * and the tests check what vmm_run reports and what the test's own port
 * and MMIO handlers saw: port and string I/O both ways, MMIO reads and
 * writes, 32- and 64-bit entry, triple fault, emulation failure (only on
 * PVM, where SSE arithmetic at CPL0 cannot be emulated), vmm_stop from
 * another thread, a vmm_stop before the run, and two VMs at once.
 *
 * The "fake" case needs no KVM: the irq recorder, request ordering and
 * exit names.  Without /dev/kvm only it runs, and the program exits 77
 * (skipped) if it passed.
 */

#include "config.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <check.h>

#include "vmm-int.h"

#define MiB		(1024ULL * 1024)
#define CODE_BASE	VMM_KERNEL_BASE		/* where guest code goes */
#define TEST_PORT	0x80			/* logged byte writes */
#define TEST_PORT32	0x84			/* logged 32-bit writes */
#define STR_PORT_OUT	0x88			/* rep outsb sink */
#define STR_PORT_IN	0x8a			/* rep insw source */
#define DONE_PORT	0xf4			/* ends the run */
#define TEST_MMIO	0xd0000000ULL		/* in the PCI hole */

/* What the test's devices saw. */
struct check_vmm_log {
	pthread_mutex_t	cl_lock;
	unsigned int	cl_nout;
	uint8_t		cl_out[64];	/* bytes written to TEST_PORT */
	uint32_t	cl_out32;	/* last write to TEST_PORT32 */
	unsigned int	cl_nstr;
	uint8_t		cl_str[64];	/* bytes from rep outsb */
	uint16_t	cl_next_in;	/* next word for rep insw */
	unsigned int	cl_nmmio_w;
	uint64_t	cl_mmio_addr;
	uint64_t	cl_mmio_data;
	uint32_t	cl_mmio_len;
	struct vmm	*cl_vmm;
};

/* A VM run on its own thread. */
struct check_vmm_runner {
	struct vmm	*cr_vmm;
	struct vmm_exit	 cr_exit;
	int		 cr_rc;
};

static void	 check_vmm_port(void *, struct iotrap_access *);
static void	 check_vmm_mmio(void *, struct iotrap_access *);
static struct vmm *check_vmm_new(unsigned int, struct check_vmm_log *);
static void	 check_vmm_load(struct vmm *, enum loader_mode,
		    const uint8_t *, size_t, uint64_t);
static void	 check_vmm_run(struct vmm *, struct vmm_exit *);
static void	*check_vmm_runner(void *);
static void	*check_vmm_stopper(void *);
static void	 check_vmm_pvh_image(const char *);
static Suite	*check_vmm_suite(int);

static void
check_vmm_port(void *arg, struct iotrap_access *ia)
{
	struct check_vmm_log	*cl = arg;

	pthread_mutex_lock(&cl->cl_lock);
	switch (ia->ia_addr) {
	case TEST_PORT:
		if (ia->ia_write && cl->cl_nout < sizeof cl->cl_out)
			cl->cl_out[cl->cl_nout++] = (uint8_t)ia->ia_data;
		break;
	case TEST_PORT32:
		if (ia->ia_write)
			cl->cl_out32 = (uint32_t)ia->ia_data;
		break;
	case STR_PORT_OUT:
		if (ia->ia_write && cl->cl_nstr < sizeof cl->cl_str)
			cl->cl_str[cl->cl_nstr++] = (uint8_t)ia->ia_data;
		break;
	case STR_PORT_IN:
		if (!ia->ia_write)
			ia->ia_data = 0x1100 + cl->cl_next_in++;
		break;
	case DONE_PORT:
		if (ia->ia_write)
			vmm_request(cl->cl_vmm, VMM_REQ_DEBUG_EXIT,
			    (int)ia->ia_data);
		break;
	}
	pthread_mutex_unlock(&cl->cl_lock);
}

static void
check_vmm_mmio(void *arg, struct iotrap_access *ia)
{
	struct check_vmm_log	*cl = arg;

	pthread_mutex_lock(&cl->cl_lock);
	if (ia->ia_write) {
		cl->cl_nmmio_w++;
		cl->cl_mmio_addr = ia->ia_addr;
		cl->cl_mmio_data = ia->ia_data;
		cl->cl_mmio_len = ia->ia_len;
	} else
		ia->ia_data = 0xabcd0000 | ia->ia_off;
	pthread_mutex_unlock(&cl->cl_lock);
}

/* A bare VM with the test's ports and MMIO page registered. */
static struct vmm *
check_vmm_new(unsigned int ncpus, struct check_vmm_log *cl)
{
	struct vmm_params	 p;
	struct vmm		*vmm;
	char			*cause = NULL;

	memset(&p, 0, sizeof p);
	p.vp_name = "check";
	p.vp_memsize = 16 * MiB;
	p.vp_ncpus = ncpus;
	p.vp_serial_in = p.vp_serial_out = -1;
	vmm = vmm_create_bare(&p, &cause);
	ck_assert_msg(vmm != NULL, "vmm_create_bare: %s", cause);

	memset(cl, 0, sizeof *cl);
	pthread_mutex_init(&cl->cl_lock, NULL);
	cl->cl_vmm = vmm;
	ck_assert_int_eq(iotrap_register(vmm, IOTRAP_PIO, TEST_PORT, 1,
	    check_vmm_port, cl, "test"), 0);
	ck_assert_int_eq(iotrap_register(vmm, IOTRAP_PIO, TEST_PORT32, 4,
	    check_vmm_port, cl, "test32"), 0);
	ck_assert_int_eq(iotrap_register(vmm, IOTRAP_PIO, STR_PORT_OUT, 1,
	    check_vmm_port, cl, "str-out"), 0);
	ck_assert_int_eq(iotrap_register(vmm, IOTRAP_PIO, STR_PORT_IN, 2,
	    check_vmm_port, cl, "str-in"), 0);
	ck_assert_int_eq(iotrap_register(vmm, IOTRAP_PIO, DONE_PORT, 4,
	    check_vmm_port, cl, "done"), 0);
	ck_assert_int_eq(iotrap_register(vmm, IOTRAP_MMIO, TEST_MMIO, 0x1000,
	    check_vmm_mmio, cl, "mmio"), 0);
	return (vmm);
}

/* Code at CODE_BASE, boot CPU there in mode. */
static void
check_vmm_load(struct vmm *vmm, enum loader_mode mode, const uint8_t *code,
    size_t len, uint64_t rbx)
{
	struct loader_entry	 le;
	char			*cause = NULL;

	ck_assert_int_eq(mem_write(vmm, CODE_BASE, code, len), 0);
	memset(&le, 0, sizeof le);
	le.le_mode = mode;
	le.le_rip = CODE_BASE;
	le.le_rsi = VMM_ZERO_PAGE;
	le.le_rbx = rbx;
	ck_assert_msg(vcpu_set_entry(vmm->vm_vcpus[0], &le, &cause) == 0,
	    "vcpu_set_entry: %s", cause);
}

static void
check_vmm_run(struct vmm *vmm, struct vmm_exit *ve)
{
	memset(ve, 0, sizeof *ve);
	ck_assert_int_eq(vmm_run(vmm, ve), 0);
}

static void *
check_vmm_runner(void *arg)
{
	struct check_vmm_runner	*r = arg;

	r->cr_rc = vmm_run(r->cr_vmm, &r->cr_exit);
	return (NULL);
}

static void *
check_vmm_stopper(void *arg)
{
	struct timespec	ts = { 0, 200 * 1000 * 1000 };

	nanosleep(&ts, NULL);
	vmm_stop(arg);
	return (NULL);
}

/* 64-bit: port and MMIO traffic both ways, then done. */
static const uint8_t check_vmm_code64[] = {
	0xb0, 0x42,				/* mov al, 0x42 */
	0xe6, TEST_PORT,			/* out 0x80, al */
	0xb0, 0x43,				/* mov al, 0x43 */
	0xe6, TEST_PORT,			/* out 0x80, al */
	0xb8, 0x10, 0x00, 0x00, 0xd0,		/* mov eax, 0xd0000010 */
	0xc7, 0x00, 0x78, 0x56, 0x34, 0x12,	/* mov dword [rax], ... */
	0x8b, 0x58, 0x04,			/* mov ebx, [rax + 4] */
	0x89, 0xd8,				/* mov eax, ebx */
	0xe7, TEST_PORT32,			/* out 0x84, eax */
	/* rep outsb of "hello" from CODE_BASE + 0x100 */
	0x48, 0xc7, 0xc6, 0x00, 0x01, 0x10, 0x00, /* mov rsi, 0x100100 */
	0xb9, 0x05, 0x00, 0x00, 0x00,		/* mov ecx, 5 */
	0x66, 0xba, STR_PORT_OUT, 0x00,		/* mov dx, 0x88 */
	0xf3, 0x6e,				/* rep outsb */
	/* rep insw of 3 words to CODE_BASE + 0x200 */
	0x48, 0xc7, 0xc7, 0x00, 0x02, 0x10, 0x00, /* mov rdi, 0x100200 */
	0xb9, 0x03, 0x00, 0x00, 0x00,		/* mov ecx, 3 */
	0x66, 0xba, STR_PORT_IN, 0x00,		/* mov dx, 0x8a */
	0xf3, 0x66, 0x6d,			/* rep insw */
	0xb0, 0x07,				/* mov al, 7 */
	0xe6, DONE_PORT,			/* out 0xf4, al */
	0xeb, 0xfe				/* jmp $ */
};

START_TEST(vmm_long64_io)
{
	struct check_vmm_log	 cl;
	struct vmm		*vmm = check_vmm_new(1, &cl);
	struct vmm_exit		 ve;
	uint16_t		 words[3];

	check_vmm_load(vmm, LOADER_MODE_LONG64, check_vmm_code64,
	    sizeof check_vmm_code64, 0);
	ck_assert_int_eq(mem_write(vmm, CODE_BASE + 0x100, "hello", 5), 0);
	check_vmm_run(vmm, &ve);
	ck_assert_msg(ve.ve_kind == VMM_EXIT_DEBUG, "ended with %s: %s",
	    vmm_exit_name(ve.ve_kind), ve.ve_detail);
	ck_assert_int_eq(ve.ve_code, 7);
	ck_assert_uint_eq(cl.cl_nout, 2);
	ck_assert_uint_eq(cl.cl_out[0], 0x42);
	ck_assert_uint_eq(cl.cl_out[1], 0x43);
	ck_assert_uint_eq(cl.cl_nmmio_w, 1);
	ck_assert_uint_eq(cl.cl_mmio_addr, TEST_MMIO + 0x10);
	ck_assert_uint_eq(cl.cl_mmio_len, 4);
	ck_assert_uint_eq(cl.cl_mmio_data, 0x12345678);
	ck_assert_uint_eq(cl.cl_out32, 0xabcd0014);
	ck_assert_uint_eq(cl.cl_nstr, 5);
	ck_assert_int_eq(memcmp(cl.cl_str, "hello", 5), 0);
	ck_assert_int_eq(mem_read(vmm, CODE_BASE + 0x200, words,
	    sizeof words), 0);
	ck_assert_uint_eq(words[0], 0x1100);
	ck_assert_uint_eq(words[1], 0x1101);
	ck_assert_uint_eq(words[2], 0x1102);
	ck_assert_uint_ge(vmm_exit_stat(vmm, VMM_STAT_IO), 5);
	ck_assert_uint_ge(vmm_exit_stat(vmm, VMM_STAT_MMIO), 2);
	ck_assert_uint_ge(vmm_exit_count(vmm), 7);
	/* A VM runs once. */
	ck_assert_int_eq(vmm_run(vmm, &ve), -1);
	ck_assert_int_eq(errno, EBUSY);
	vmm_free(vmm);
}
END_TEST

/* 32-bit protected mode (PVH): EBX arrives, port I/O works. */
START_TEST(vmm_prot32)
{
	static const uint8_t code[] = {
		0x89, 0xd8,			/* mov eax, ebx */
		0xe7, TEST_PORT32,		/* out 0x84, eax */
		0x0f, 0x20, 0xc0,		/* mov eax, cr0 */
		0xe6, TEST_PORT,		/* out 0x80, al */
		0xb0, 0x05,			/* mov al, 5 */
		0xe6, DONE_PORT,		/* out 0xf4, al */
		0xeb, 0xfe			/* jmp $ */
	};
	struct check_vmm_log	 cl;
	struct vmm		*vmm = check_vmm_new(1, &cl);
	struct vmm_exit		 ve;

	check_vmm_load(vmm, LOADER_MODE_PROT32, code, sizeof code,
	    VMM_PVH_INFO);
	check_vmm_run(vmm, &ve);
	ck_assert_msg(ve.ve_kind == VMM_EXIT_DEBUG, "ended with %s: %s",
	    vmm_exit_name(ve.ve_kind), ve.ve_detail);
	ck_assert_int_eq(ve.ve_code, 5);
	ck_assert_uint_eq(cl.cl_out32, VMM_PVH_INFO);
	ck_assert_uint_eq(cl.cl_nout, 1);
	/* PE set, PG clear (bit 31 is not in al, so check PE only). */
	ck_assert_uint_eq(cl.cl_out[0] & 1, 1);
	vmm_free(vmm);
}
END_TEST

START_TEST(vmm_triple_fault)
{
	static const uint8_t code[] = {
		0xb0, 0x01,			/* mov al, 1 */
		0xe6, TEST_PORT,		/* out 0x80, al */
		0x0f, 0x0b			/* ud2: no IDT, so a triple fault */
	};
	struct check_vmm_log	 cl;
	struct vmm		*vmm = check_vmm_new(1, &cl);
	struct vmm_exit		 ve;

	check_vmm_load(vmm, LOADER_MODE_LONG64, code, sizeof code, 0);
	check_vmm_run(vmm, &ve);
	ck_assert_msg(ve.ve_kind == VMM_EXIT_TRIPLE_FAULT, "ended with %s: %s",
	    vmm_exit_name(ve.ve_kind), ve.ve_detail);
	ck_assert_int_eq(ve.ve_vcpu, 0);
	ck_assert_ptr_nonnull(strstr(ve.ve_detail, "rip"));
	ck_assert_ptr_nonnull(strstr(ve.ve_detail, "cr3"));
	ck_assert_ptr_null(strchr(ve.ve_detail, '\n'));
	ck_assert_uint_eq(cl.cl_nout, 1);
	vmm_free(vmm);
}
END_TEST

/* SSE arithmetic at CPL0: emulation failure on PVM, runs on VT-x. */
START_TEST(vmm_emulation_failure)
{
	static const uint8_t code[] = {
		0x66, 0x0f, 0xef, 0xc0,		/* pxor xmm0, xmm0 */
		0xb0, 0x09,			/* mov al, 9 */
		0xe6, DONE_PORT,		/* out 0xf4, al */
		0xeb, 0xfe			/* jmp $ */
	};
	struct check_vmm_log	 cl;
	struct vmm		*vmm = check_vmm_new(1, &cl);
	struct vmm_exit		 ve;

	check_vmm_load(vmm, LOADER_MODE_LONG64, code, sizeof code, 0);
	check_vmm_run(vmm, &ve);
	if (vmm_host_is_pvm()) {
		ck_assert_msg(ve.ve_kind == VMM_EXIT_EMULATION,
		    "ended with %s: %s", vmm_exit_name(ve.ve_kind),
		    ve.ve_detail);
		ck_assert_int_eq(ve.ve_code, 1);	/* emulation suberror */
		ck_assert_ptr_nonnull(strstr(ve.ve_detail, "rip 0x100000"));
		ck_assert_ptr_nonnull(strstr(ve.ve_detail, "efer"));
	} else {
		ck_assert_msg(ve.ve_kind == VMM_EXIT_DEBUG,
		    "ended with %s: %s", vmm_exit_name(ve.ve_kind),
		    ve.ve_detail);
		ck_assert_int_eq(ve.ve_code, 9);
	}
	vmm_free(vmm);
}
END_TEST

/* Two vCPUs: the AP waits for INIT/SIPI, the run still ends cleanly. */
START_TEST(vmm_two_vcpus)
{
	struct check_vmm_log	 cl;
	struct vmm		*vmm = check_vmm_new(2, &cl);
	struct vmm_exit		 ve;

	ck_assert_uint_eq(vmm->vm_nvcpus, 2);
	check_vmm_load(vmm, LOADER_MODE_LONG64, check_vmm_code64,
	    sizeof check_vmm_code64, 0);
	check_vmm_run(vmm, &ve);
	ck_assert_msg(ve.ve_kind == VMM_EXIT_DEBUG, "ended with %s: %s",
	    vmm_exit_name(ve.ve_kind), ve.ve_detail);
	ck_assert_uint_eq(cl.cl_nout, 2);
	vmm_free(vmm);
}
END_TEST

/* A guest that never exits on its own: vmm_stop from another thread. */
START_TEST(vmm_stop_thread)
{
	static const uint8_t code[] = {
		0xb0, 0x01,			/* mov al, 1 */
		0xe6, TEST_PORT,		/* out 0x80, al */
		0xfa,				/* cli */
		0xf4,				/* hlt: sleeps in the kernel */
		0xeb, 0xfc			/* jmp back to cli */
	};
	struct check_vmm_log	 cl;
	struct vmm		*vmm = check_vmm_new(2, &cl);
	struct vmm_exit		 ve;
	pthread_t		 t;

	check_vmm_load(vmm, LOADER_MODE_LONG64, code, sizeof code, 0);
	ck_assert_int_eq(pthread_create(&t, NULL, check_vmm_stopper, vmm), 0);
	check_vmm_run(vmm, &ve);
	pthread_join(t, NULL);
	ck_assert_msg(ve.ve_kind == VMM_EXIT_STOPPED, "ended with %s: %s",
	    vmm_exit_name(ve.ve_kind), ve.ve_detail);
	ck_assert_int_eq(ve.ve_vcpu, -1);
	ck_assert_uint_eq(cl.cl_nout, 1);
	vmm_free(vmm);
}
END_TEST

/* A busy loop at CPL0 (emulated on PVM) stops as well. */
START_TEST(vmm_stop_spin)
{
	static const uint8_t code[] = { 0xeb, 0xfe };	/* jmp $ */
	struct check_vmm_log	 cl;
	struct vmm		*vmm = check_vmm_new(1, &cl);
	struct vmm_exit		 ve;
	pthread_t		 t;

	check_vmm_load(vmm, LOADER_MODE_LONG64, code, sizeof code, 0);
	ck_assert_int_eq(pthread_create(&t, NULL, check_vmm_stopper, vmm), 0);
	check_vmm_run(vmm, &ve);
	pthread_join(t, NULL);
	ck_assert_int_eq(ve.ve_kind, VMM_EXIT_STOPPED);
	vmm_free(vmm);
}
END_TEST

/* Stopped before it ran: vmm_run returns at once. */
START_TEST(vmm_stop_early)
{
	struct check_vmm_log	 cl;
	struct vmm		*vmm = check_vmm_new(1, &cl);
	struct vmm_exit		 ve;

	check_vmm_load(vmm, LOADER_MODE_LONG64, check_vmm_code64,
	    sizeof check_vmm_code64, 0);
	vmm_stop(vmm);
	/* The first reason wins. */
	vmm_request(vmm, VMM_REQ_POWEROFF, 0);
	check_vmm_run(vmm, &ve);
	ck_assert_int_eq(ve.ve_kind, VMM_EXIT_STOPPED);
	ck_assert_uint_eq(cl.cl_nout, 0);
	vmm_free(vmm);
}
END_TEST

/* Two VMs in one process, running at the same time. */
START_TEST(vmm_two_vms)
{
	static const uint8_t code_b[] = {
		0xb0, 0x0b,			/* mov al, 0xb */
		0xe6, TEST_PORT,		/* out 0x80, al */
		0xb0, 0x02,			/* mov al, 2 */
		0xe6, DONE_PORT,		/* out 0xf4, al */
		0xeb, 0xfe			/* jmp $ */
	};
	struct check_vmm_log	 la, lb;
	struct vmm		*a = check_vmm_new(1, &la);
	struct vmm		*b = check_vmm_new(1, &lb);
	struct check_vmm_runner	 ra;
	struct vmm_exit		 ve;
	pthread_t		 t;

	check_vmm_load(a, LOADER_MODE_LONG64, check_vmm_code64,
	    sizeof check_vmm_code64, 0);
	ck_assert_int_eq(mem_write(a, CODE_BASE + 0x100, "hello", 5), 0);
	check_vmm_load(b, LOADER_MODE_LONG64, code_b, sizeof code_b, 0);
	memset(&ra, 0, sizeof ra);
	ra.cr_vmm = a;
	ck_assert_int_eq(pthread_create(&t, NULL, check_vmm_runner, &ra), 0);
	check_vmm_run(b, &ve);
	pthread_join(t, NULL);

	ck_assert_int_eq(ra.cr_rc, 0);
	ck_assert_int_eq(ra.cr_exit.ve_kind, VMM_EXIT_DEBUG);
	ck_assert_int_eq(ra.cr_exit.ve_code, 7);
	ck_assert_int_eq(ve.ve_kind, VMM_EXIT_DEBUG);
	ck_assert_int_eq(ve.ve_code, 2);
	ck_assert_uint_eq(la.cl_nout, 2);
	ck_assert_uint_eq(lb.cl_nout, 1);
	ck_assert_uint_eq(lb.cl_out[0], 0x0b);
	/* Each VM's RAM is its own. */
	ck_assert_ptr_ne(mem_gpa(a, CODE_BASE, 1), mem_gpa(b, CODE_BASE, 1));
	vmm_free(b);
	vmm_free(a);
}
END_TEST

/*
 * A PVH ELF by hand: one PT_LOAD of 32-bit code at 1 MiB and a "Xen" note
 * of type 18 (XEN_ELFNOTE_PHYS32_ENTRY).  The code prints "OK" on COM1,
 * checks the hvm_start_info magic at [ebx] and writes 0x21 to the
 * debug-exit port (ud2, a triple fault, if the magic is wrong).
 */
static void
check_vmm_pvh_image(const char *path)
{
	static const uint8_t code[] = {
		0x66, 0xba, 0xf8, 0x03,		/* mov dx, 0x3f8 */
		0xb0, 'O', 0xee,		/* mov al, 'O'; out dx, al */
		0xb0, 'K', 0xee,		/* mov al, 'K'; out dx, al */
		0x81, 0x3b, 0x78, 0xc5, 0x6e, 0x33, /* cmp [ebx], magic */
		0x75, 0x04,			/* jne fail */
		0xb0, 0x21,			/* mov al, 0x21 */
		0xe6, DONE_PORT,		/* out 0xf4, al */
		0x0f, 0x0b			/* fail: ud2 */
	};
	struct {
		Elf64_Ehdr	eh;
		Elf64_Phdr	ph[2];
		Elf64_Nhdr	nh;
		char		name[4];
		uint32_t	entry;
		uint8_t		code[sizeof code];
	} __attribute__((packed)) img;
	int	fd;

	memset(&img, 0, sizeof img);
	memcpy(img.eh.e_ident, ELFMAG, SELFMAG);
	img.eh.e_ident[EI_CLASS] = ELFCLASS64;
	img.eh.e_ident[EI_DATA] = ELFDATA2LSB;
	img.eh.e_ident[EI_VERSION] = EV_CURRENT;
	img.eh.e_type = ET_EXEC;
	img.eh.e_machine = EM_X86_64;
	img.eh.e_version = EV_CURRENT;
	img.eh.e_entry = CODE_BASE;
	img.eh.e_phoff = offsetof(__typeof__(img), ph);
	img.eh.e_ehsize = sizeof img.eh;
	img.eh.e_phentsize = sizeof img.ph[0];
	img.eh.e_phnum = 2;
	img.ph[0].p_type = PT_LOAD;
	img.ph[0].p_flags = PF_R | PF_X;
	img.ph[0].p_offset = offsetof(__typeof__(img), code);
	img.ph[0].p_vaddr = img.ph[0].p_paddr = CODE_BASE;
	img.ph[0].p_filesz = img.ph[0].p_memsz = sizeof code;
	img.ph[0].p_align = 1;
	img.ph[1].p_type = PT_NOTE;
	img.ph[1].p_offset = offsetof(__typeof__(img), nh);
	img.ph[1].p_filesz = sizeof img.nh + 4 + 4;
	img.ph[1].p_align = 4;
	img.nh.n_namesz = 4;
	img.nh.n_descsz = 4;
	img.nh.n_type = 18;
	memcpy(img.name, "Xen", 4);
	img.entry = CODE_BASE;
	memcpy(img.code, code, sizeof code);

	fd = open(path, O_WRONLY|O_CREAT|O_TRUNC, 0600);
	ck_assert_int_ne(fd, -1);
	ck_assert_int_eq(write(fd, &img, sizeof img), (ssize_t)sizeof img);
	close(fd);
}

/* The whole machine: devices, ACPI, the PVH loader, boot CPU entry. */
START_TEST(vmm_create_pvh)
{
	struct vmm_params	 p;
	struct vmm		*vmm;
	struct vmm_exit		 ve;
	char			 path[] = "/tmp/check_vmm.XXXXXX", buf[16];
	char			*cause = NULL;
	int			 fds[2], fd;
	ssize_t			 n;

	fd = mkstemp(path);
	ck_assert_int_ne(fd, -1);
	close(fd);
	check_vmm_pvh_image(path);
	ck_assert_int_eq(pipe(fds), 0);

	memset(&p, 0, sizeof p);
	p.vp_name = "pvh";
	p.vp_memsize = 32 * MiB;
	p.vp_ncpus = 2;
	p.vp_serial_out = fds[1];
	p.vp_serial_in = -1;
	p.vp_debug_exit = 1;
	p.vp_kernel = path;
	p.vp_cmdline = "console=ttyS0";
	p.vp_boot = VMM_BOOT_AUTO;
	vmm = vmm_create(&p, &cause);
	unlink(path);
	ck_assert_msg(vmm != NULL, "vmm_create: %s", cause);
	ck_assert_uint_ge(vmm->vm_ndevs, 5);
	ck_assert_ptr_nonnull(vmm_pci_bus(vmm));

	check_vmm_run(vmm, &ve);
	ck_assert_msg(ve.ve_kind == VMM_EXIT_DEBUG, "ended with %s: %s",
	    vmm_exit_name(ve.ve_kind), ve.ve_detail);
	ck_assert_int_eq(ve.ve_code, 0x21);
	vmm_free(vmm);

	close(fds[1]);
	n = read(fds[0], buf, sizeof buf);
	ck_assert_int_eq(n, 2);
	ck_assert_int_eq(memcmp(buf, "OK", 2), 0);
	close(fds[0]);
}
END_TEST

/* A missing kernel is a cause a person can read, and nothing leaks. */
START_TEST(vmm_create_bad_kernel)
{
	struct vmm_params	 p;
	char			*cause = NULL;

	memset(&p, 0, sizeof p);
	p.vp_name = "bad";
	p.vp_memsize = 32 * MiB;
	p.vp_ncpus = 1;
	p.vp_serial_out = p.vp_serial_in = -1;
	p.vp_kernel = "/nonexistent/vmlinux";
	ck_assert_ptr_null(vmm_create(&p, &cause));
	ck_assert_ptr_nonnull(cause);
	ck_assert_ptr_nonnull(strstr(cause, "/nonexistent/vmlinux"));
	free(cause);
}
END_TEST

/* Fake VMs: the irq recorder, MSIs and requests. */
START_TEST(vmm_fake)
{
	struct vmm_params	 p;
	struct vmm		*vmm;
	struct vmm_exit		 ve;
	char			*cause = NULL;
	uint64_t		 addr;
	uint32_t		 data;
	int			 code;

	memset(&p, 0, sizeof p);
	p.vp_name = "fake";
	p.vp_memsize = 16 * MiB;
	p.vp_ncpus = 2;
	vmm = vmm_create_fake(&p, &cause);
	ck_assert_msg(vmm != NULL, "%s", cause);
	ck_assert_str_eq(vmm_params(vmm)->vp_name, "fake");
	ck_assert_ptr_ne(vmm_params(vmm)->vp_name, p.vp_name);
	ck_assert_uint_eq(vmm_params(vmm)->vp_ncpus, 2);
	ck_assert_ptr_null(vmm_pci_bus(vmm));
	vmm_set_pci_bus(vmm, (struct pci_bus *)&p);
	ck_assert_ptr_eq(vmm_pci_bus(vmm), (struct pci_bus *)&p);

	ck_assert_int_eq(vmm_fake_irq_level(vmm, 4), 0);
	ck_assert_int_eq(irq_set_level(vmm, 4, 1), 0);
	ck_assert_int_eq(irq_set_level(vmm, 4, 1), 0);
	ck_assert_int_eq(vmm_fake_irq_level(vmm, 4), 1);
	ck_assert_uint_eq(vmm_fake_irq_edges(vmm, 4), 1);
	ck_assert_int_eq(irq_set_level(vmm, 4, 0), 0);
	ck_assert_int_eq(irq_pulse(vmm, 4), 0);
	ck_assert_int_eq(irq_pulse(vmm, 23), 0);
	ck_assert_int_eq(vmm_fake_irq_level(vmm, 4), 0);
	ck_assert_uint_eq(vmm_fake_irq_edges(vmm, 4), 2);
	ck_assert_uint_eq(vmm_fake_irq_edges(vmm, 23), 1);
	ck_assert_int_eq(irq_set_level(vmm, VMM_IOAPIC_PINS, 1), -1);
	ck_assert_int_eq(errno, EINVAL);

	ck_assert_uint_eq(vmm_fake_msi(vmm, NULL, NULL), 0);
	ck_assert_int_eq(irq_msi(vmm, 0xfee01000, 0x4031), 0);
	ck_assert_uint_eq(vmm_fake_msi(vmm, &addr, &data), 1);
	ck_assert_uint_eq(addr, 0xfee01000);
	ck_assert_uint_eq(data, 0x4031);

	ck_assert_int_eq(vmm_fake_exit(vmm, &code), VMM_EXIT_NONE);
	vmm_request(vmm, VMM_REQ_DEBUG_EXIT, 3);
	vmm_request(vmm, VMM_REQ_POWEROFF, 0);
	ck_assert_int_eq(vmm_fake_exit(vmm, &code), VMM_EXIT_DEBUG);
	ck_assert_int_eq(code, 3);
	/* Nothing runs on a fake VM. */
	ck_assert_int_eq(vmm_run(vmm, &ve), -1);
	ck_assert_uint_eq(vmm_exit_count(vmm), 0);
	vmm_free(vmm);

	vmm = vmm_create_fake(&p, &cause);
	vmm_request(vmm, VMM_REQ_RESET, 0);
	ck_assert_int_eq(vmm_fake_exit(vmm, NULL), VMM_EXIT_RESET);
	vmm_free(vmm);

	ck_assert_str_eq(vmm_exit_name(VMM_EXIT_TRIPLE_FAULT), "triple fault");
	ck_assert_str_eq(vmm_exit_name(VMM_EXIT_POWEROFF), "powered off");
	ck_assert_str_eq(vmm_exit_name((enum vmm_exit_kind)99), "unknown");
}
END_TEST

static Suite *
check_vmm_suite(int kvm)
{
	Suite	*s = suite_create("vmm");
	TCase	*tc;

	tc = tcase_create("fake");
	tcase_add_test(tc, vmm_fake);
	suite_add_tcase(s, tc);
	if (!kvm)
		return (s);
	tc = tcase_create("run");
	tcase_add_test(tc, vmm_long64_io);
	tcase_add_test(tc, vmm_prot32);
	tcase_add_test(tc, vmm_triple_fault);
	tcase_add_test(tc, vmm_emulation_failure);
	tcase_add_test(tc, vmm_two_vcpus);
	suite_add_tcase(s, tc);
	tc = tcase_create("stop");
	tcase_add_test(tc, vmm_stop_thread);
	tcase_add_test(tc, vmm_stop_spin);
	tcase_add_test(tc, vmm_stop_early);
	tcase_add_test(tc, vmm_two_vms);
	suite_add_tcase(s, tc);
	tc = tcase_create("machine");
	tcase_add_test(tc, vmm_create_pvh);
	tcase_add_test(tc, vmm_create_bad_kernel);
	suite_add_tcase(s, tc);
	return (s);
}

int
main(void)
{
	SRunner	*sr;
	int	 failed, kvm;

	kvm = access("/dev/kvm", R_OK|W_OK) == 0;
	sr = srunner_create(check_vmm_suite(kvm));
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	if (failed != 0)
		return (EXIT_FAILURE);
	return (kvm ? EXIT_SUCCESS : 77);
}
