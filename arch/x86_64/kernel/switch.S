/* SPDX-License-Identifier: MIT */
/*
 * switch.S - the context switch of the cooperative scheduler (sched.c).
 *
 * A switch happens only inside a function call (thread_yield(), a blocking
 * call), so it saves just what the SysV x86-64 ABI says a callee must
 * preserve: rbx, rbp, r12-r15, the stack pointer, MXCSR's control bits and
 * the x87 control word (System V ABI AMD64 supplement, §3.2.1 and §3.2.3).
 * The frame on a switched-out stack, from its saved stack pointer up:
 *
 *   +0  MXCSR (4 bytes), x87 control word (2 bytes), padding
 *   +8  r15, r14, r13, r12, rbx, rbp
 *   +56 return address
 */
#define MXCSR_DEFAULT 0x1f80 /* all exceptions masked, round to nearest */
#define FCW_DEFAULT 0x037f   /* all exceptions masked, 64-bit precision */
#define SWITCH_FRAME 72	     /* 8 + 6 * 8 + return address + a null frame word */

	.text
	.globl arch_switch
	.type arch_switch, @function
/* void arch_switch(uint64_t *save_sp, uint64_t new_sp) */
arch_switch:
	pushq %rbp
	pushq %rbx
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	subq $8, %rsp
	stmxcsr (%rsp)
	fnstcw 4(%rsp)
	movq %rsp, (%rdi)
	movq %rsi, %rsp
	ldmxcsr (%rsp)
	fldcw 4(%rsp)
	addq $8, %rsp
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbx
	popq %rbp
	ret
	.size arch_switch, . - arch_switch

/*
 * A new thread's first "return" from arch_switch lands here with the thread
 * in r12 and rbp = 0 (backtraces stop); the stack is aligned as after a call.
 */
	.type thread_entry, @function
thread_entry:
	movq %r12, %rdi
	jmp thread_start
	.size thread_entry, . - thread_entry

	.globl arch_thread_stack_init
	.type arch_thread_stack_init, @function
/* uint64_t arch_thread_stack_init(void *stack_top, struct thread *t) */
arch_thread_stack_init:
	andq $-16, %rdi
	leaq -SWITCH_FRAME(%rdi), %rax
	movl $MXCSR_DEFAULT, (%rax)
	movw $FCW_DEFAULT, 4(%rax)
	movw $0, 6(%rax)
	movq $0, 8(%rax)		/* r15 */
	movq $0, 16(%rax)		/* r14 */
	movq $0, 24(%rax)		/* r13 */
	movq %rsi, 32(%rax)		/* r12 = t */
	movq $0, 40(%rax)		/* rbx */
	movq $0, 48(%rax)		/* rbp: the end of the frame chain */
	leaq thread_entry(%rip), %rcx
	movq %rcx, 56(%rax)		/* return address */
	movq $0, 64(%rax)		/* where thread_start "returns": nowhere */
	ret
	.size arch_thread_stack_init, . - arch_thread_stack_init
