/* SPDX-License-Identifier: ISC */
/*
 * Interrupt and exception entry, and the switch to and from ring 3.
 *
 * trap_stubs holds 256 stubs of 16 bytes; stub n pushes a zero error code
 * unless the CPU pushes one for vector n, pushes n and joins trap_common,
 * which saves the registers as struct trapframe (guest.h) and calls
 * cpu_trap().  The stack is 16-byte aligned at that call: the CPU aligns
 * it before pushing its 5 words, and we add 17 more.
 *
 * trap_user_enter() saves the callee-saved registers and RFLAGS, then irets
 * to ring 3 at user_start, which calls fn(arg) and returns its result with
 * a ud2 at trap_user_ud2: on this PVM host "int n" from ring 3 raises #UD
 * and "syscall" stays in ring 3, while exceptions are delivered properly.
 * cpu_trap() recognises that #UD and calls trap_user_ret(result), which
 * abandons the trap frame, restores the saved kernel stack and returns the
 * result from trap_user_enter().  Only one ring-3 call runs at a time.
 */
#include "guest.h"

	.text
	.code64
	.balign 4096			/* all 256 stubs share bits 16-63 */
	.globl	trap_stubs
trap_stubs:
	.set	vec, 0
	.rept	256
	.balign 16
	/* The CPU pushes an error code for 8, 10-14, 17, 21, 29, 30. */
	.if	vec == 8 || (vec >= 10 && vec <= 14) || vec == 17 || \
	    vec == 21 || vec == 29 || vec == 30
	.else
	pushq	$0
	.endif
	pushq	$vec
	jmp	trap_common
	.set	vec, vec + 1
	.endr

trap_common:
	pushq	%rax
	pushq	%rbx
	pushq	%rcx
	pushq	%rdx
	pushq	%rsi
	pushq	%rdi
	pushq	%rbp
	pushq	%r8
	pushq	%r9
	pushq	%r10
	pushq	%r11
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	cld
	movq	%rsp, %rdi
	call	cpu_trap
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%r11
	popq	%r10
	popq	%r9
	popq	%r8
	popq	%rbp
	popq	%rdi
	popq	%rsi
	popq	%rdx
	popq	%rcx
	popq	%rbx
	popq	%rax
	addq	$16, %rsp			/* vector, error code */
	iretq

/* uint64_t trap_user_enter(fn, arg, rsp, rflags) */
	.globl	trap_user_enter
trap_user_enter:
	pushq	%rbx
	pushq	%rbp
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	pushfq
	movq	%rsp, user_ksp(%rip)
	pushq	$SEL_UDATA			/* ss */
	pushq	%rdx				/* rsp */
	pushq	%rcx				/* rflags */
	pushq	$SEL_UCODE			/* cs */
	leaq	user_start(%rip), %rax
	pushq	%rax				/* rip */
	iretq

user_start:					/* ring 3 */
	movq	%rdi, %rax
	movq	%rsi, %rdi
	call	*%rax
	movq	%rax, %rdi
	.globl	trap_user_ud2
trap_user_ud2:
	ud2

/* void trap_user_ret(uint64_t result), from cpu_trap() */
	.globl	trap_user_ret
trap_user_ret:
	movq	%rdi, %rax
	movq	user_ksp(%rip), %rsp
	popfq
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbp
	popq	%rbx
	ret

/*
 * The IDT, prebuilt: the loader copies it in, no ring-0 loop builds it.
 * Interrupt gates (DPL 0) for the exceptions, VEC_IRQ_FIRST to VEC_IRQ_LAST
 * (VEC_TIMER among them) and VEC_SPURIOUS;
 * any other vector is not present and arrives as #NP.  A gate splits the
 * stub's address into bits 0-15, 16-31 and 32-63, which only the linker
 * knows: guest.ld defines trap_stubs_lo16 and trap_stubs_hi16 (and checks
 * that trap_stubs is 4 KiB aligned below 4 GiB).
 */
	.data
	.balign 16
	.globl	trap_idt
trap_idt:
	.set	vec, 0
	.rept	256
	.if	vec < 32 || (vec >= VEC_IRQ_FIRST && vec <= VEC_IRQ_LAST) || \
	    vec == VEC_SPURIOUS
	.word	trap_stubs_lo16 + 16 * vec
	.word	SEL_KCODE
	.byte	0, 0x8e				/* IST 0; P, DPL 0, intr gate */
	.word	trap_stubs_hi16
	.long	0, 0
	.else
	.quad	0, 0
	.endif
	.set	vec, vec + 1
	.endr
	.globl	trap_idt_end
trap_idt_end:

	.bss
	.balign 8
user_ksp:
	.quad	0

	.section .note.GNU-stack, "", @progbits
