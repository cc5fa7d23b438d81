/* SPDX-License-Identifier: ISC */
/*
 * The sandbox vmx enters once the VM is set up (VM created or resumed,
 * devices and backends open, vmware.log and serial0 open, the control
 * socket listening, the event thread running) and before the first vCPU
 * runs: an optional drop to an unprivileged user
 * (--user, through daemon_privdrop), then a seccomp filter that every
 * thread shares (SECCOMP_FILTER_FLAG_TSYNC) and every later thread
 * inherits.  It is vmx's analogue of vmd's pledge("stdio vmm recvfd").
 *
 * The filter is built from two explicit tables: vmx_sandbox_rules[], the
 * system calls, each with a reason and an action, and vmx_sandbox_ioctls[],
 * the ioctl requests allowed at run time.  Anything else fails with EPERM,
 * so a code path nobody foresaw gets an error it can report instead of
 * ending the VM; the calls only an attacker makes (exec, ptrace, another
 * process's memory, modules, mounts, namespaces) end the process at once
 * with SIGSYS.  Calls of another ABI (i386 through int 0x80, x32) end it
 * too: the tables speak x86-64 numbers only.
 *
 * Files stay reachable by path: openat, rename, unlink and fsync are
 * allowed because a rotated vmware.log is reopened on SIGHUP, the serial0
 * file rotates, and a suspend file is written at run time (temp file,
 * fsync, rename).  Pre-opening cannot serve those (the names are new each
 * time).  Confinement by path is the job of --user and the file modes (or
 * of Landlock, later).
 *
 * Built with AddressSanitizer the filter is left off (with a log line):
 * its run time needs calls the filter refuses (LeakSanitizer ptraces the
 * process at exit).  The privilege drop still happens.
 *
 * VIREO_SANDBOX_SELFTEST in the environment is a test hook: "1" makes the
 * event thread try forbidden calls once the filter is on and log how they
 * were refused, "kill" makes it try execve, which must end the process.
 */

#include "config.h"

#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/time.h>

#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/if_tun.h>
#include <linux/kvm.h>
#include <linux/seccomp.h>

#include <errno.h>
#include <pwd.h>
#include <sched.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "daemon.h"
#include "log.h"
#include "xmalloc.h"
#include "vmx.h"

/* Sanitizer run times: detected at compile time, gcc and clang. */
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define VMX_SANDBOX_SANITIZED	1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) || \
    __has_feature(memory_sanitizer)
#define VMX_SANDBOX_SANITIZED	1
#endif
#endif

#define VMX_SANDBOX_ENV		"VIREO_SANDBOX_SELFTEST"

/* Bit 30 marks the x32 ABI's system call numbers. */
#define VMX_SANDBOX_X32_BIT	0x40000000U

/* The actions. */
#define VMX_SANDBOX_ALLOW	SECCOMP_RET_ALLOW
#define VMX_SANDBOX_KILL	SECCOMP_RET_KILL_PROCESS
#define VMX_SANDBOX_EPERM	(SECCOMP_RET_ERRNO | EPERM)
#define VMX_SANDBOX_ENOSYS	(SECCOMP_RET_ERRNO | ENOSYS)

/*
 * What a rule looks at besides the call's number.  Every check reads the
 * low 32 bits of one argument, which is all the kernel reads of those
 * arguments (int or unsigned int parameters).  A call that fails its check
 * gets EPERM.
 */
enum vmx_sandbox_check {
	VMX_SANDBOX_ANY = 0,	/* no check */
	VMX_SANDBOX_IOCTL,	/* request in vmx_sandbox_ioctls[] */
	VMX_SANDBOX_THREAD,	/* clone: CLONE_THREAD set, so no fork */
	VMX_SANDBOX_NOEXEC,	/* mmap, mprotect: PROT_EXEC clear (W^X) */
	VMX_SANDBOX_NAME,	/* prctl: PR_SET_NAME only */
	VMX_SANDBOX_SELF	/* tgkill: thread group is this process */
};

struct vmx_sandbox_rule {
	int			 sr_nr;
	const char		*sr_name;
	enum vmx_sandbox_check	 sr_check;
	uint32_t		 sr_action;
};

/* One ioctl request allowed at run time. */
struct vmx_sandbox_ioctl {
	uint32_t		 si_request;
	const char		*si_name;
};

#define VMX_SANDBOX_RULE(name, check, action) \
	{ __NR_##name, #name, (check), (action) }
#define VMX_SANDBOX_IOCTL(request) \
	{ (uint32_t)(request), #request }

#ifdef __x86_64__
/*
 * The system calls, in the order the filter tests them (the busiest
 * first: a vCPU makes an ioctl per exit).  Each line says who needs it.
 */
static const struct vmx_sandbox_rule vmx_sandbox_rules[] = {
	/* vCPU threads (KVM_RUN, register and irq calls), TAP offloads when
	 * the guest acks features, tty attributes: by request number. */
	VMX_SANDBOX_RULE(ioctl, VMX_SANDBOX_IOCTL, VMX_SANDBOX_ALLOW),
	/* Guest I/O: serial0 output, vmware.log, eventfds, TAP frames,
	 * libevent's notification pipe and signal socket. */
	VMX_SANDBOX_RULE(read, VMX_SANDBOX_ANY, VMX_SANDBOX_ALLOW),
	VMX_SANDBOX_RULE(write, VMX_SANDBOX_ANY, VMX_SANDBOX_ALLOW),
	VMX_SANDBOX_RULE(readv, VMX_SANDBOX_ANY, VMX_SANDBOX_ALLOW),
	VMX_SANDBOX_RULE(writev, VMX_SANDBOX_ANY, VMX_SANDBOX_ALLOW),
	/* Disk backends (raw and VMDK): sector I/O, grain tables. */
	VMX_SANDBOX_RULE(pread64, VMX_SANDBOX_ANY, VMX_SANDBOX_ALLOW),
	VMX_SANDBOX_RULE(pwrite64, VMX_SANDBOX_ANY, VMX_SANDBOX_ALLOW),
	VMX_SANDBOX_RULE(preadv, VMX_SANDBOX_ANY, VMX_SANDBOX_ALLOW),
	VMX_SANDBOX_RULE(pwritev, VMX_SANDBOX_ANY, VMX_SANDBOX_ALLOW),
	VMX_SANDBOX_RULE(preadv2, VMX_SANDBOX_ANY, VMX_SANDBOX_ALLOW),
	VMX_SANDBOX_RULE(pwritev2, VMX_SANDBOX_ANY, VMX_SANDBOX_ALLOW),
	VMX_SANDBOX_RULE(lseek, VMX_SANDBOX_ANY, VMX_SANDBOX_ALLOW),
	/* Guest flushes (virtio-blk FLUSH), suspend files, directory sync
	 * after a rename (lib/atomicfile). */
	VMX_SANDBOX_RULE(fdatasync, VMX_SANDBOX_ANY, VMX_SANDBOX_ALLOW),
	VMX_SANDBOX_RULE(fsync, VMX_SANDBOX_ANY, VMX_SANDBOX_ALLOW),
	/* Discard (punch hole) and a sparse VMDK growing by a grain. */
	VMX_SANDBOX_RULE(fallocate, VMX_SANDBOX_ANY, VMX_SANDBOX_ALLOW),
	VMX_SANDBOX_RULE(ftruncate, VMX_SANDBOX_ANY, VMX_SANDBOX_ALLOW),
	/* Locks between vCPU, I/O and event threads (pthread mutexes and
	 * condition variables, vmm_run waiting for the vCPUs). */
	VMX_SANDBOX_RULE(futex, VMX_SANDBOX_ANY, VMX_SANDBOX_ALLOW),
	/* The virtio I/O threads wait on their epoll sets; libevent's loop
	 * too; ns8250 polls serial0 before writing. */
	VMX_SANDBOX_RULE(epoll_wait, VMX_SANDBOX_ANY, VMX_SANDBOX_ALLOW),
	VMX_SANDBOX_RULE(epoll_pwait, VMX_SANDBOX_ANY, VMX_SANDBOX_ALLOW),
	VMX_SANDBOX_RULE(epoll_pwait2, VMX_SANDBOX_ANY, VMX_SANDBOX_ALLOW),
	VMX_SANDBOX_RULE(epoll_ctl, VMX_SANDBOX_ANY, VMX_SANDBOX_ALLOW),
	VMX_SANDBOX_RULE(poll, VMX_SANDBOX_ANY, VMX_SANDBOX_ALLOW),
	VMX_SANDBOX_RULE(ppoll, VMX_SANDBOX_ANY, VMX_SANDBOX_ALLOW),
	/* An irqfd is made when the guest enables an MSI-X vector. */
	VMX_SANDBOX_RULE(eventfd2, VMX_SANDBOX_ANY, VMX_SANDBOX_ALLOW),
	/* Time: RTC, ACPI PM timer, log stamps (the vDSO's fallback), the
	 * I/O threads' timeouts. */
	VMX_SANDBOX_RULE(clock_gettime, VMX_SANDBOX_ANY, VMX_SANDBOX_ALLOW),
	VMX_SANDBOX_RULE(clock_getres, VMX_SANDBOX_ANY, VMX_SANDBOX_ALLOW),
	VMX_SANDBOX_RULE(gettimeofday, VMX_SANDBOX_ANY, VMX_SANDBOX_ALLOW),
	VMX_SANDBOX_RULE(time, VMX_SANDBOX_ANY, VMX_SANDBOX_ALLOW),
	VMX_SANDBOX_RULE(nanosleep, VMX_SANDBOX_ANY, VMX_SANDBOX_ALLOW),
	VMX_SANDBOX_RULE(clock_nanosleep, VMX_SANDBOX_ANY, VMX_SANDBOX_ALLOW),
	VMX_SANDBOX_RULE(sched_yield, VMX_SANDBOX_ANY, VMX_SANDBOX_ALLOW),
	/* virtio-rng, new VMDK grains' ids, temporary file names. */
	VMX_SANDBOX_RULE(getrandom, VMX_SANDBOX_ANY, VMX_SANDBOX_ALLOW),
	/* malloc (arenas, large blocks, trimming) and thread stacks; no new
	 * executable memory. */
	VMX_SANDBOX_RULE(brk, VMX_SANDBOX_ANY, VMX_SANDBOX_ALLOW),
	VMX_SANDBOX_RULE(mmap, VMX_SANDBOX_NOEXEC, VMX_SANDBOX_ALLOW),
	VMX_SANDBOX_RULE(mprotect, VMX_SANDBOX_NOEXEC, VMX_SANDBOX_ALLOW),
	VMX_SANDBOX_RULE(munmap, VMX_SANDBOX_ANY, VMX_SANDBOX_ALLOW),
	VMX_SANDBOX_RULE(mremap, VMX_SANDBOX_ANY, VMX_SANDBOX_ALLOW),
	VMX_SANDBOX_RULE(madvise, VMX_SANDBOX_ANY, VMX_SANDBOX_ALLOW),
	/* vmm_run starts the vCPU threads after the filter is on.  glibc
	 * tries clone3 first, whose flags a filter cannot read: ENOSYS sends
	 * it to clone, where CLONE_THREAD is checked. */
	VMX_SANDBOX_RULE(clone, VMX_SANDBOX_THREAD, VMX_SANDBOX_ALLOW),
	VMX_SANDBOX_RULE(clone3, VMX_SANDBOX_ANY, VMX_SANDBOX_ENOSYS),
	VMX_SANDBOX_RULE(set_robust_list, VMX_SANDBOX_ANY, VMX_SANDBOX_ALLOW),
	VMX_SANDBOX_RULE(rseq, VMX_SANDBOX_ANY, VMX_SANDBOX_ALLOW),
	VMX_SANDBOX_RULE(gettid, VMX_SANDBOX_ANY, VMX_SANDBOX_ALLOW),
	/* Thread names ("vcpu0"): pthread_setname_np on itself. */
	VMX_SANDBOX_RULE(prctl, VMX_SANDBOX_NAME, VMX_SANDBOX_ALLOW),
	VMX_SANDBOX_RULE(exit, VMX_SANDBOX_ANY, VMX_SANDBOX_ALLOW),
	VMX_SANDBOX_RULE(exit_group, VMX_SANDBOX_ANY, VMX_SANDBOX_ALLOW),
	/* Signals: the vCPU kick (pthread_kill of SIGRTMIN), libevent's
	 * handlers for TERM, INT and HUP and their removal at the end,
	 * glibc's set-id broadcast, abort(). */
	VMX_SANDBOX_RULE(rt_sigreturn, VMX_SANDBOX_ANY, VMX_SANDBOX_ALLOW),
	VMX_SANDBOX_RULE(rt_sigprocmask, VMX_SANDBOX_ANY, VMX_SANDBOX_ALLOW),
	VMX_SANDBOX_RULE(rt_sigaction, VMX_SANDBOX_ANY, VMX_SANDBOX_ALLOW),
	VMX_SANDBOX_RULE(tgkill, VMX_SANDBOX_SELF, VMX_SANDBOX_ALLOW),
	VMX_SANDBOX_RULE(restart_syscall, VMX_SANDBOX_ANY, VMX_SANDBOX_ALLOW),
	/* Log lines carry the pid; who we are (the control socket compares
	 * a peer's uid with ours).  Reading ids changes nothing. */
	VMX_SANDBOX_RULE(getpid, VMX_SANDBOX_ANY, VMX_SANDBOX_ALLOW),
	VMX_SANDBOX_RULE(getuid, VMX_SANDBOX_ANY, VMX_SANDBOX_ALLOW),
	VMX_SANDBOX_RULE(geteuid, VMX_SANDBOX_ANY, VMX_SANDBOX_ALLOW),
	VMX_SANDBOX_RULE(getgid, VMX_SANDBOX_ANY, VMX_SANDBOX_ALLOW),
	VMX_SANDBOX_RULE(getegid, VMX_SANDBOX_ANY, VMX_SANDBOX_ALLOW),
	/* Descriptors: closing, flags (O_NONBLOCK on accepted peers and
	 * ptys), fstat of images and files. */
	VMX_SANDBOX_RULE(close, VMX_SANDBOX_ANY, VMX_SANDBOX_ALLOW),
	VMX_SANDBOX_RULE(fcntl, VMX_SANDBOX_ANY, VMX_SANDBOX_ALLOW),
	VMX_SANDBOX_RULE(fstat, VMX_SANDBOX_ANY, VMX_SANDBOX_ALLOW),
	VMX_SANDBOX_RULE(newfstatat, VMX_SANDBOX_ANY, VMX_SANDBOX_ALLOW),
	VMX_SANDBOX_RULE(statx, VMX_SANDBOX_ANY, VMX_SANDBOX_ALLOW),
	/* Files by path at run time: vmware.log reopened on SIGHUP, the
	 * serial0 file rotated (rename, unlink, open), the suspend file and
	 * the .vmx naming it (lib/atomicfile: temp file, fchmod, fsync,
	 * rename, unlink on failure, the directory opened for its fsync),
	 * the kernel read again by a reset, the control socket's file
	 * removed at exit. */
	VMX_SANDBOX_RULE(openat, VMX_SANDBOX_ANY, VMX_SANDBOX_ALLOW),
	VMX_SANDBOX_RULE(open, VMX_SANDBOX_ANY, VMX_SANDBOX_ALLOW),
	VMX_SANDBOX_RULE(rename, VMX_SANDBOX_ANY, VMX_SANDBOX_ALLOW),
	VMX_SANDBOX_RULE(renameat, VMX_SANDBOX_ANY, VMX_SANDBOX_ALLOW),
	VMX_SANDBOX_RULE(renameat2, VMX_SANDBOX_ANY, VMX_SANDBOX_ALLOW),
	VMX_SANDBOX_RULE(unlink, VMX_SANDBOX_ANY, VMX_SANDBOX_ALLOW),
	VMX_SANDBOX_RULE(unlinkat, VMX_SANDBOX_ANY, VMX_SANDBOX_ALLOW),
	VMX_SANDBOX_RULE(fchmod, VMX_SANDBOX_ANY, VMX_SANDBOX_ALLOW),
	VMX_SANDBOX_RULE(access, VMX_SANDBOX_ANY, VMX_SANDBOX_ALLOW),
	VMX_SANDBOX_RULE(faccessat, VMX_SANDBOX_ANY, VMX_SANDBOX_ALLOW),
	/* The control socket: peers accepted, SO_PEERCRED read, framed
	 * messages and passed descriptors; libevent's signal socketpair
	 * (recv, send).  Listening sockets exist before the filter. */
	VMX_SANDBOX_RULE(accept4, VMX_SANDBOX_ANY, VMX_SANDBOX_ALLOW),
	VMX_SANDBOX_RULE(accept, VMX_SANDBOX_ANY, VMX_SANDBOX_ALLOW),
	VMX_SANDBOX_RULE(recvfrom, VMX_SANDBOX_ANY, VMX_SANDBOX_ALLOW),
	VMX_SANDBOX_RULE(recvmsg, VMX_SANDBOX_ANY, VMX_SANDBOX_ALLOW),
	VMX_SANDBOX_RULE(sendto, VMX_SANDBOX_ANY, VMX_SANDBOX_ALLOW),
	VMX_SANDBOX_RULE(sendmsg, VMX_SANDBOX_ANY, VMX_SANDBOX_ALLOW),
	VMX_SANDBOX_RULE(getsockopt, VMX_SANDBOX_ANY, VMX_SANDBOX_ALLOW),
	VMX_SANDBOX_RULE(setsockopt, VMX_SANDBOX_ANY, VMX_SANDBOX_ALLOW),
	VMX_SANDBOX_RULE(getsockname, VMX_SANDBOX_ANY, VMX_SANDBOX_ALLOW),
	VMX_SANDBOX_RULE(getpeername, VMX_SANDBOX_ANY, VMX_SANDBOX_ALLOW),
	VMX_SANDBOX_RULE(shutdown, VMX_SANDBOX_ANY, VMX_SANDBOX_ALLOW),

	/* Never needed, and the first things an attacker wants: new code
	 * (exec, modules, kexec), other processes (ptrace, their memory),
	 * the mount table, namespaces, kernel attack surface (bpf, perf,
	 * userfaultfd, keys), I/O ports.  They end the process. */
	VMX_SANDBOX_RULE(execve, VMX_SANDBOX_ANY, VMX_SANDBOX_KILL),
	VMX_SANDBOX_RULE(execveat, VMX_SANDBOX_ANY, VMX_SANDBOX_KILL),
	VMX_SANDBOX_RULE(ptrace, VMX_SANDBOX_ANY, VMX_SANDBOX_KILL),
	VMX_SANDBOX_RULE(process_vm_readv, VMX_SANDBOX_ANY, VMX_SANDBOX_KILL),
	VMX_SANDBOX_RULE(process_vm_writev, VMX_SANDBOX_ANY, VMX_SANDBOX_KILL),
	VMX_SANDBOX_RULE(pidfd_getfd, VMX_SANDBOX_ANY, VMX_SANDBOX_KILL),
	VMX_SANDBOX_RULE(kexec_load, VMX_SANDBOX_ANY, VMX_SANDBOX_KILL),
	VMX_SANDBOX_RULE(kexec_file_load, VMX_SANDBOX_ANY, VMX_SANDBOX_KILL),
	VMX_SANDBOX_RULE(init_module, VMX_SANDBOX_ANY, VMX_SANDBOX_KILL),
	VMX_SANDBOX_RULE(finit_module, VMX_SANDBOX_ANY, VMX_SANDBOX_KILL),
	VMX_SANDBOX_RULE(delete_module, VMX_SANDBOX_ANY, VMX_SANDBOX_KILL),
	VMX_SANDBOX_RULE(mount, VMX_SANDBOX_ANY, VMX_SANDBOX_KILL),
	VMX_SANDBOX_RULE(umount2, VMX_SANDBOX_ANY, VMX_SANDBOX_KILL),
	VMX_SANDBOX_RULE(pivot_root, VMX_SANDBOX_ANY, VMX_SANDBOX_KILL),
	VMX_SANDBOX_RULE(chroot, VMX_SANDBOX_ANY, VMX_SANDBOX_KILL),
	VMX_SANDBOX_RULE(setns, VMX_SANDBOX_ANY, VMX_SANDBOX_KILL),
	VMX_SANDBOX_RULE(unshare, VMX_SANDBOX_ANY, VMX_SANDBOX_KILL),
	VMX_SANDBOX_RULE(bpf, VMX_SANDBOX_ANY, VMX_SANDBOX_KILL),
	VMX_SANDBOX_RULE(perf_event_open, VMX_SANDBOX_ANY, VMX_SANDBOX_KILL),
	VMX_SANDBOX_RULE(userfaultfd, VMX_SANDBOX_ANY, VMX_SANDBOX_KILL),
	VMX_SANDBOX_RULE(add_key, VMX_SANDBOX_ANY, VMX_SANDBOX_KILL),
	VMX_SANDBOX_RULE(request_key, VMX_SANDBOX_ANY, VMX_SANDBOX_KILL),
	VMX_SANDBOX_RULE(keyctl, VMX_SANDBOX_ANY, VMX_SANDBOX_KILL),
	VMX_SANDBOX_RULE(open_by_handle_at, VMX_SANDBOX_ANY, VMX_SANDBOX_KILL),
	VMX_SANDBOX_RULE(iopl, VMX_SANDBOX_ANY, VMX_SANDBOX_KILL),
	VMX_SANDBOX_RULE(ioperm, VMX_SANDBOX_ANY, VMX_SANDBOX_KILL),
	VMX_SANDBOX_RULE(reboot, VMX_SANDBOX_ANY, VMX_SANDBOX_KILL),
	VMX_SANDBOX_RULE(swapon, VMX_SANDBOX_ANY, VMX_SANDBOX_KILL),
	VMX_SANDBOX_RULE(swapoff, VMX_SANDBOX_ANY, VMX_SANDBOX_KILL),
};

/*
 * The ioctl requests allowed at run time.  The ones only set-up makes
 * (KVM_CREATE_VM, KVM_CREATE_VCPU, KVM_SET_USER_MEMORY_REGION, the
 * split irqchip's KVM_ENABLE_CAP, TUNSETIFF, SIOC*) are not here: they
 * happen before the filter.
 */
static const struct vmx_sandbox_ioctl vmx_sandbox_ioctls[] = {
	/* vCPU threads: run, and read the registers on an emulation
	 * failure for vmware.log. */
	VMX_SANDBOX_IOCTL(KVM_RUN),
	VMX_SANDBOX_IOCTL(KVM_GET_REGS),
	VMX_SANDBOX_IOCTL(KVM_GET_SREGS),
	/* Interrupts (split irqchip): the IOAPIC's and devices' MSIs, the
	 * PIC's vector on vCPU 0, irqfds, and routes as the guest programs
	 * MSI-X or level-triggered IOAPIC entries; ioeventfds as it maps
	 * BARs. */
	VMX_SANDBOX_IOCTL(KVM_SIGNAL_MSI),
	VMX_SANDBOX_IOCTL(KVM_INTERRUPT),
	VMX_SANDBOX_IOCTL(KVM_IRQFD),
	VMX_SANDBOX_IOCTL(KVM_SET_GSI_ROUTING),
	VMX_SANDBOX_IOCTL(KVM_IOEVENTFD),
	VMX_SANDBOX_IOCTL(KVM_CHECK_EXTENSION),
	/* Reset puts every vCPU back at its entry; suspend reads the whole
	 * VM's state (vmm_reset, vmm_suspend). */
	VMX_SANDBOX_IOCTL(KVM_SET_REGS),
	VMX_SANDBOX_IOCTL(KVM_SET_SREGS),
	VMX_SANDBOX_IOCTL(KVM_GET_FPU),
	VMX_SANDBOX_IOCTL(KVM_SET_FPU),
	VMX_SANDBOX_IOCTL(KVM_GET_MSR_INDEX_LIST),
	VMX_SANDBOX_IOCTL(KVM_GET_MSRS),
	VMX_SANDBOX_IOCTL(KVM_SET_MSRS),
	VMX_SANDBOX_IOCTL(KVM_GET_LAPIC),
	VMX_SANDBOX_IOCTL(KVM_SET_LAPIC),
	VMX_SANDBOX_IOCTL(KVM_GET_MP_STATE),
	VMX_SANDBOX_IOCTL(KVM_SET_MP_STATE),
	VMX_SANDBOX_IOCTL(KVM_GET_VCPU_EVENTS),
	VMX_SANDBOX_IOCTL(KVM_SET_VCPU_EVENTS),
	VMX_SANDBOX_IOCTL(KVM_GET_XSAVE),
	VMX_SANDBOX_IOCTL(KVM_GET_XSAVE2),
	VMX_SANDBOX_IOCTL(KVM_SET_XSAVE),
	VMX_SANDBOX_IOCTL(KVM_GET_XCRS),
	VMX_SANDBOX_IOCTL(KVM_SET_XCRS),
	VMX_SANDBOX_IOCTL(KVM_GET_DEBUGREGS),
	VMX_SANDBOX_IOCTL(KVM_SET_DEBUGREGS),
	VMX_SANDBOX_IOCTL(KVM_GET_NESTED_STATE),
	VMX_SANDBOX_IOCTL(KVM_SET_NESTED_STATE),
	VMX_SANDBOX_IOCTL(KVM_GET_NESTED_STATE),
	VMX_SANDBOX_IOCTL(KVM_SET_NESTED_STATE),
	VMX_SANDBOX_IOCTL(KVM_GET_CPUID2),
	VMX_SANDBOX_IOCTL(KVM_SET_CPUID2),
	VMX_SANDBOX_IOCTL(KVM_GET_TSC_KHZ),
	VMX_SANDBOX_IOCTL(KVM_GET_CLOCK),
	VMX_SANDBOX_IOCTL(KVM_SET_CLOCK),
	VMX_SANDBOX_IOCTL(KVM_KVMCLOCK_CTRL),
	/* virtio-net: offloads follow the features the guest acks. */
	VMX_SANDBOX_IOCTL(TUNSETOFFLOAD),
	VMX_SANDBOX_IOCTL(TUNGETIFF),
	/* ttys (serial0 on a pty or device, stdio, a console relay):
	 * isatty, tcgetattr and tcsetattr, window size, bytes waiting
	 * (libevent's buffers ask FIONREAD), non-blocking mode. */
	VMX_SANDBOX_IOCTL(TCGETS),
	VMX_SANDBOX_IOCTL(TCSETS),
	VMX_SANDBOX_IOCTL(TCSETSW),
	VMX_SANDBOX_IOCTL(TCSETSF),
	VMX_SANDBOX_IOCTL(TCFLSH),
	VMX_SANDBOX_IOCTL(TIOCGWINSZ),
	VMX_SANDBOX_IOCTL(TIOCOUTQ),
	VMX_SANDBOX_IOCTL(FIONREAD),
	VMX_SANDBOX_IOCTL(FIONBIO),
};
#define VMX_SANDBOX_NRULES \
	(sizeof vmx_sandbox_rules / sizeof vmx_sandbox_rules[0])
#define VMX_SANDBOX_NIOCTLS \
	(sizeof vmx_sandbox_ioctls / sizeof vmx_sandbox_ioctls[0])
#else
#define VMX_SANDBOX_NRULES	0
#define VMX_SANDBOX_NIOCTLS	0
#endif

/* A filter being built. */
struct vmx_sandbox_prog {
	struct sock_filter	*sp_insns;
	size_t			 sp_len;
	size_t			 sp_size;
};

static void	vmx_sandbox_emit(struct vmx_sandbox_prog *, uint16_t,
		    uint32_t, uint8_t, uint8_t);
static void	vmx_sandbox_ret(struct vmx_sandbox_prog *, uint32_t);
static void	vmx_sandbox_load_arg(struct vmx_sandbox_prog *,
		    unsigned int);
static void	vmx_sandbox_arg_test(struct vmx_sandbox_prog *, unsigned int,
		    uint16_t, uint32_t, uint32_t, uint32_t);
static void	vmx_sandbox_rule_body(struct vmx_sandbox_prog *,
		    const struct vmx_sandbox_rule *, pid_t);
static char	*vmx_sandbox_user_name(const char *);
static void	vmx_sandbox_selftest_cb(evutil_socket_t, short, void *);

static void
vmx_sandbox_emit(struct vmx_sandbox_prog *sp, uint16_t code, uint32_t k,
    uint8_t jt, uint8_t jf)
{
	if (sp->sp_len == sp->sp_size) {
		sp->sp_size = sp->sp_size == 0 ? 256 : sp->sp_size * 2;
		sp->sp_insns = xreallocarray(sp->sp_insns, sp->sp_size,
		    sizeof *sp->sp_insns);
	}
	sp->sp_insns[sp->sp_len].code = code;
	sp->sp_insns[sp->sp_len].jt = jt;
	sp->sp_insns[sp->sp_len].jf = jf;
	sp->sp_insns[sp->sp_len].k = k;
	sp->sp_len++;
}

static void
vmx_sandbox_ret(struct vmx_sandbox_prog *sp, uint32_t action)
{
	vmx_sandbox_emit(sp, BPF_RET | BPF_K, action, 0, 0);
}

/* A = the low 32 bits of argument n (x86-64 is little-endian). */
static void
vmx_sandbox_load_arg(struct vmx_sandbox_prog *sp, unsigned int n)
{
	vmx_sandbox_emit(sp, BPF_LD | BPF_W | BPF_ABS,
	    (uint32_t)(offsetof(struct seccomp_data, args) +
	    n * sizeof(uint64_t)), 0, 0);
}

/* A = args[n]; if (A op k) return pass; else return fail. */
static void
vmx_sandbox_arg_test(struct vmx_sandbox_prog *sp, unsigned int n,
    uint16_t op, uint32_t k, uint32_t pass, uint32_t fail)
{
	vmx_sandbox_load_arg(sp, n);
	vmx_sandbox_emit(sp, BPF_JMP | op | BPF_K, k, 0, 1);
	vmx_sandbox_ret(sp, pass);
	vmx_sandbox_ret(sp, fail);
}

/*
 * The instructions run once a call matched rule sr: they always end in a
 * return, so the rules after need no jump back.  Short jumps only: the
 * longest body (the ioctl list) stays far below 255 instructions.
 */
static void
vmx_sandbox_rule_body(struct vmx_sandbox_prog *sp,
    const struct vmx_sandbox_rule *sr, pid_t pid)
{
	uint32_t	ok = sr->sr_action;
	size_t		i;

	switch (sr->sr_check) {
	case VMX_SANDBOX_ANY:
		vmx_sandbox_ret(sp, ok);
		break;
	case VMX_SANDBOX_IOCTL:
		vmx_sandbox_load_arg(sp, 1);
		for (i = 0; i < VMX_SANDBOX_NIOCTLS; i++) {
			vmx_sandbox_emit(sp, BPF_JMP | BPF_JEQ | BPF_K,
			    vmx_sandbox_ioctls[i].si_request, 0, 1);
			vmx_sandbox_ret(sp, ok);
		}
		vmx_sandbox_ret(sp, VMX_SANDBOX_EPERM);
		break;
	case VMX_SANDBOX_THREAD:
		vmx_sandbox_arg_test(sp, 0, BPF_JSET, CLONE_THREAD, ok,
		    VMX_SANDBOX_EPERM);
		break;
	case VMX_SANDBOX_NOEXEC:
		vmx_sandbox_arg_test(sp, 2, BPF_JSET, PROT_EXEC,
		    VMX_SANDBOX_EPERM, ok);
		break;
	case VMX_SANDBOX_NAME:
		vmx_sandbox_arg_test(sp, 0, BPF_JEQ, PR_SET_NAME, ok,
		    VMX_SANDBOX_EPERM);
		break;
	case VMX_SANDBOX_SELF:
		vmx_sandbox_arg_test(sp, 0, BPF_JEQ, (uint32_t)pid, ok,
		    VMX_SANDBOX_EPERM);
		break;
	}
}

size_t
vmx_sandbox_nallowed(void)
{
#ifdef __x86_64__
	size_t	i, n = 0;

	for (i = 0; i < VMX_SANDBOX_NRULES; i++) {
		if (vmx_sandbox_rules[i].sr_action == VMX_SANDBOX_ALLOW)
			n++;
	}
	return (n);
#else
	return (0);
#endif
}

size_t
vmx_sandbox_nioctls(void)
{
	return (VMX_SANDBOX_NIOCTLS);
}

/* 1 when vmx_sandbox_enter leaves the filter off (sanitizer build). */
int
vmx_sandbox_sanitized(void)
{
#ifdef VMX_SANDBOX_SANITIZED
	return (1);
#else
	return (0);
#endif
}

/*
 * Install the filter on every thread of the process (no privilege drop).
 * 0, or -1 with errno and *cause.
 */
int
vmx_sandbox_install(char **cause)
{
#ifdef __x86_64__
	struct vmx_sandbox_prog	 sp;
	struct sock_fprog	 prog;
	const struct vmx_sandbox_rule *sr;
	size_t			 i, mark, body;
	long			 rc;
	int			 saved;

	memset(&sp, 0, sizeof sp);
	/* Another ABI's numbers mean other calls: not ours to judge. */
	vmx_sandbox_emit(&sp, BPF_LD | BPF_W | BPF_ABS,
	    offsetof(struct seccomp_data, arch), 0, 0);
	vmx_sandbox_emit(&sp, BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64,
	    1, 0);
	vmx_sandbox_ret(&sp, VMX_SANDBOX_KILL);
	vmx_sandbox_emit(&sp, BPF_LD | BPF_W | BPF_ABS,
	    offsetof(struct seccomp_data, nr), 0, 0);
	vmx_sandbox_emit(&sp, BPF_JMP | BPF_JSET | BPF_K, VMX_SANDBOX_X32_BIT,
	    0, 1);
	vmx_sandbox_ret(&sp, VMX_SANDBOX_KILL);

	for (i = 0; i < VMX_SANDBOX_NRULES; i++) {
		sr = &vmx_sandbox_rules[i];
		/* A = nr here: bodies load arguments but always return. */
		mark = sp.sp_len;
		vmx_sandbox_emit(&sp, BPF_JMP | BPF_JEQ | BPF_K,
		    (uint32_t)sr->sr_nr, 0, 0);
		vmx_sandbox_rule_body(&sp, sr, getpid());
		body = sp.sp_len - mark - 1;
		if (body > 255) {
			free(sp.sp_insns);
			errno = E2BIG;
			xasprintf(cause, "sandbox: rule %s too long",
			    sr->sr_name);
			return (-1);
		}
		sp.sp_insns[mark].jf = (uint8_t)body;
	}
	vmx_sandbox_ret(&sp, VMX_SANDBOX_EPERM);

	prog.len = (unsigned short)sp.sp_len;
	prog.filter = sp.sp_insns;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1) {
		saved = errno;
		free(sp.sp_insns);
		xasprintf(cause, "sandbox: no_new_privs: %s", strerror(saved));
		errno = saved;
		return (-1);
	}
	rc = syscall(__NR_seccomp, SECCOMP_SET_MODE_FILTER,
	    SECCOMP_FILTER_FLAG_TSYNC, &prog);
	saved = errno;
	free(sp.sp_insns);
	if (rc != 0) {
		/* With TSYNC a positive value is a thread that cannot join. */
		if (rc > 0) {
			saved = EBUSY;
			xasprintf(cause, "sandbox: seccomp: thread %ld cannot "
			    "take the filter", rc);
		} else
			xasprintf(cause, "sandbox: seccomp: %s",
			    strerror(saved));
		errno = saved;
		return (-1);
	}
	return (0);
#else
	xasprintf(cause, "sandbox: no seccomp filter for this architecture");
	errno = ENOTSUP;
	return (-1);
#endif
}

/* The name vmx will run as: user, or the current user's (owned). */
static char *
vmx_sandbox_user_name(const char *user)
{
	struct passwd	*pw;
	char		*name;

	if (user != NULL)
		return (xstrdup(user));
	if ((pw = getpwuid(geteuid())) != NULL)
		return (xstrdup(pw->pw_name));
	xasprintf(&name, "uid %ld", (long)geteuid());
	return (name);
}

/*
 * --user is checked at start-up, so a typo is a usage error (status 2)
 * before the VM is built.  0, or -1 with *cause.
 */
int
vmx_sandbox_check_user(const char *user, char **cause)
{
	errno = 0;
	if (user != NULL && getpwnam(user) == NULL) {
		xasprintf(cause, "--user %s: %s", user, errno != 0 ?
		    strerror(errno) : "no such user");
		return (-1);
	}
	return (0);
}

/*
 * The test hook, on the event thread (so it also shows that a thread
 * which existed before the filter has it).  A forbidden call must fail
 * with EPERM while the guest runs on.
 */
static void
vmx_sandbox_selftest_cb(evutil_socket_t fd, short events, void *arg)
{
	const char	*mode = arg;
	char		*argv[] = { (char *)"/bin/true", NULL };
	int		 s, error;

	if (strcmp(mode, "kill") == 0) {
		log_info("sandbox self-test: execve, which must end vmx "
		    "with SIGSYS");
		execve(argv[0], argv, environ);
		log_warn("sandbox self-test: execve came back");
		return;
	}
	s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	error = errno;
	if (s != -1) {
		log_warnx("sandbox self-test: socket(AF_INET) was allowed");
		close(s);
	} else
		log_info("sandbox self-test: socket(AF_INET) refused: %s",
		    strerror(error));
	/* No descriptor: the filter answers EPERM before the kernel can
	 * answer EBADF, and without the filter nothing happens. */
	if (ioctl(-1, KVM_CREATE_VM, 0) == -1 && errno == EPERM)
		log_info("sandbox self-test: ioctl(KVM_CREATE_VM) refused: %s",
		    strerror(errno));
	else
		log_warnx("sandbox self-test: ioctl(KVM_CREATE_VM) was "
		    "allowed");
}

/*
 * Enter the sandbox: drop to vc->vc_user if set, then unless
 * vc->vc_no_sandbox install the filter on every thread.  base is the
 * event thread's base, where the self-test runs.  Logs what it did.
 * 0, or -1 with *cause.
 */
int
vmx_sandbox_enter(const struct vmx_conf *vc, struct event_base *base,
    char **cause)
{
	static const struct timeval	 now = { 0, 0 };
	const char			*mode;
	char				*name;

	name = vmx_sandbox_user_name(vc->vc_user);
	if (vc->vc_user != NULL && daemon_privdrop(vc->vc_user, cause) != 0) {
		free(name);
		return (-1);
	}
	if (vc->vc_no_sandbox)
		log_info("sandbox: off (--no-sandbox), user %s", name);
	else if (vmx_sandbox_sanitized())
		log_info("sandbox: seccomp filter off: built with a sanitizer "
		    "whose run time needs calls the filter refuses; user %s",
		    name);
	else {
		if (vmx_sandbox_install(cause) != 0) {
			free(name);
			return (-1);
		}
		log_info("sandbox: %zu system calls allowed, user %s",
		    vmx_sandbox_nallowed(), name);
	}
	free(name);

	mode = getenv(VMX_SANDBOX_ENV);
	if (mode != NULL && *mode != '\0' && base != NULL &&
	    event_base_once(base, -1, EV_TIMEOUT, vmx_sandbox_selftest_cb,
	    (void *)mode, &now) != 0)
		log_warnx("sandbox self-test: cannot schedule it");
	return (0);
}
