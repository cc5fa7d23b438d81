/* SPDX-License-Identifier: ISC */
/*
 * Ring 3.  On PVM hosts ring-0 code is emulated while ring-3 code runs
 * natively, so heavy loops (RAM patterns, checksums) run here.  All memory
 * is mapped user-accessible.  Ring 3 does no port I/O (PVM ignores IOPL
 * for ring 3: in/out raise #GP), so it cannot print either.  Interrupts
 * are enabled in ring 3 exactly when they were at the call.
 */
#include "guest.h"

#define USER_STACK_SIZE	65536
#define RFLAGS_FIXED	0x0002
#define RFLAGS_IF	0x0200

static uint8_t	user_stack[USER_STACK_SIZE] __attribute__((aligned(16)));

/* Run fn(arg) in ring 3 on the user stack and return what it returns. */
uint64_t
user_call(uint64_t (*fn)(uint64_t), uint64_t arg)
{
	uint64_t rflags;

	__asm__ volatile("pushfq; popq %0" : "=r"(rflags));
	rflags = RFLAGS_FIXED | (rflags & RFLAGS_IF);
	/* The stack pointer is 16-byte aligned before the call pushes. */
	return (trap_user_enter((uint64_t)fn, arg,
	    (uint64_t)(user_stack + USER_STACK_SIZE), rflags));
}
