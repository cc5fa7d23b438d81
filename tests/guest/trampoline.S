/* SPDX-License-Identifier: ISC */
/*
 * The AP start-up trampoline.  smp.c copies tramp_start..tramp_end to
 * TRAMP_BASE (the SIPI vector is TRAMP_BASE >> 12) and fills the slots at
 * the end.  An AP runs it in real mode at CS = TRAMP_BASE >> 4, IP = 0: it
 * loads the boot GDT, goes to 32-bit protected mode, enables PAE and long
 * mode with the boot page tables and jumps to ap_entry64.
 * Addresses are computed relative to TRAMP_BASE since the code runs there,
 * not where it was linked.  ap_entry64, at the end, runs where it was
 * linked.
 */
#include "guest.h"

#define T(x)	((x) - tramp_start)
#define A(x)	(TRAMP_BASE + (x) - tramp_start)

	.section .rodata.tramp, "a", @progbits
	.code16
	.globl	tramp_start
tramp_start:
	cli
	cld
	movw	%cs, %ax
	movw	%ax, %ds
	lgdtl	T(tramp_gdtr)
	movl	%cr0, %eax
	orl	$1, %eax
	movl	%eax, %cr0
	ljmpl	$SEL_KCODE32, $A(tramp_pm32)

	.code32
tramp_pm32:
	movl	$SEL_KDATA, %eax
	movl	%eax, %ds
	movl	%eax, %es
	movl	%eax, %ss
	movl	%cr4, %eax
	orl	$0x20, %eax			/* PAE */
	movl	%eax, %cr4
	movl	A(tramp_cr3), %eax
	movl	%eax, %cr3
	movl	$0xc0000080, %ecx		/* EFER */
	rdmsr
	orl	$0x100, %eax			/* LME */
	wrmsr
	movl	%cr0, %eax
	orl	$0x80010020, %eax		/* PG, WP, NE */
	movl	%eax, %cr0
	ljmp	$SEL_KCODE, $ap_entry64

	.balign 8
	.globl	tramp_gdtr
tramp_gdtr:					/* limit, 32-bit base */
	.word	0
	.long	0
	.balign 8
	.globl	tramp_cr3
tramp_cr3:
	.long	0
	.long	0
	.globl	tramp_stack
tramp_stack:					/* the next AP's stack top */
	.quad	0
	.globl	tramp_end
tramp_end:

/*
 * APs arrive here in 64-bit mode with the boot page tables; the stack slot
 * holds the stack the BSP gave this AP.  Runs at its link address.
 */
	.text
	.code64
	.globl	ap_entry64
ap_entry64:
	movl	$SEL_KDATA, %eax
	movl	%eax, %ds
	movl	%eax, %es
	movl	%eax, %ss
	movq	A(tramp_stack), %rsp
	call	smp_ap_main
	ud2

	.section .note.GNU-stack, "", @progbits
