/* SPDX-License-Identifier: ISC */
/*
 * The PVH entry: the ELF note that names it and the 32-bit code that switches
 * to long mode and calls start() (start.c) on the boot stack.
 *
 * The loader starts us in flat 32-bit protected mode, paging off, with EBX
 * pointing at hvm_start_info.  Every instruction here is emulated on PVM
 * hosts, so the page tables (4 GiB identity map in 2 MiB pages, all user
 * accessible so ring 3 can test RAM and touch devices) and the GDT are
 * assembled as data instead of being built by a loop.  The loader zeroes
 * .bss (an ELF loader fills p_memsz beyond p_filesz with zeroes).
 */
#include "guest.h"

	.section .note.Xen, "a", @note
	.balign 4
	.long	4			/* namesz: "Xen\0" */
	.long	4			/* descsz */
	.long	18			/* XEN_ELFNOTE_PHYS32_ENTRY */
	.asciz	"Xen"
	.long	entry32

	.section .text.entry, "ax", @progbits
	.code32
	.globl	entry32
entry32:
	cli
	cld
	movl	%ebx, %esi			/* hvm_start_info */
	lgdt	gdt_ptr
	movl	$SEL_KDATA, %eax
	movl	%eax, %ds
	movl	%eax, %es
	movl	%eax, %ss
	movl	$(boot_stack + BOOT_STACK_SIZE), %esp

	movl	%cr4, %eax
	orl	$0x20, %eax			/* PAE */
	movl	%eax, %cr4
	movl	$boot_pml4, %eax
	movl	%eax, %cr3
	movl	$0xc0000080, %ecx		/* EFER */
	rdmsr
	orl	$0x100, %eax			/* LME */
	wrmsr
	movl	%cr0, %eax
	orl	$0x80010020, %eax		/* PG, WP, NE */
	movl	%eax, %cr0
	ljmp	$SEL_KCODE, $entry64

	.code64
entry64:
	xorl	%eax, %eax
	movl	%eax, %fs
	movl	%eax, %gs
	movq	$(boot_stack + BOOT_STACK_SIZE), %rsp
	movl	%esi, %edi
	call	start
	/* start() does not return; make sure a bug cannot run on. */
	movl	$1, %eax
	outl	%eax, $0xf4
	ud2

	.data
	.balign 16
	.globl	gdt
gdt:
	.quad	0
	.quad	0x00af9a000000ffff		/* 0x08 kernel code, 64-bit */
	.quad	0x00cf92000000ffff		/* 0x10 kernel data */
	.quad	0x00cff2000000ffff		/* 0x18 user data */
	.quad	0x00affa000000ffff		/* 0x20 user code, 64-bit */
	.quad	0, 0				/* 0x28 TSS, filled by cpu.c */
	.quad	0x00cf9a000000ffff		/* 0x38 kernel code, 32-bit */
gdt_end:
	.globl	gdt_ptr
gdt_ptr:
	.word	gdt_end - gdt - 1
	.quad	gdt

	.balign 4096
	.globl	boot_pml4
boot_pml4:
	.quad	boot_pdpt + 0x7			/* present, writable, user */
	.fill	511, 8, 0
	.globl	boot_pdpt
boot_pdpt:
	.quad	boot_pd + 0x7
	.quad	boot_pd + 0x1000 + 0x7
	.quad	boot_pd + 0x2000 + 0x7
	.quad	boot_pd + 0x3000 + 0x7
	.fill	508, 8, 0
boot_pd:
	.set	addr, 0
	.rept	2048
	.quad	addr + 0x87			/* 2 MiB page, user, writable */
	.set	addr, addr + 0x200000
	.endr

	.bss
	.balign 4096
	.globl	boot_stack
boot_stack:
	.skip	BOOT_STACK_SIZE

	.section .note.GNU-stack, "", @progbits
