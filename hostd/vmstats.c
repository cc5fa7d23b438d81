/* SPDX-License-Identifier: ISC */
/*
 * VirtualMachine summary.quickStats from the VM's vmx process, the way
 * ESX fills them from its world's accounting:
 *	overallCpuUsage, overallCpuDemand
 *		MHz: the share of one host CPU the vmx process used since the
 *		previous sample (user + system time in /proc/<pid>/stat, all
 *		threads, so every vCPU counts) times the host's clock rate.
 *		With no earlier sample, the average since vmx started.  No
 *		CPU scheduler contention is modelled, so demand = usage.
 *	hostMemoryUsage
 *		MB resident for the VM (VmRSS of vmx: guest pages touched
 *		plus vmx itself), ESX's "consumed" memory.
 *	guestMemoryUsage
 *		MB of guest RAM the guest touched (RssAnon, where guest RAM
 *		lives), bounded by the configured size.  Without tools there
 *		is no better "active" estimate.
 *	uptimeSeconds	since the power-on time vmx reported.
 *	guestHeartbeatStatus	gray: there are no guest tools.
 * A powered-off or suspended VM shows zeros, as on ESX.
 *
 * Samples are kept per VM (by moid and vmx pid) so a rate covers the
 * time between two reads; a sample younger than HOSTD_VMSTATS_MIN_NS is
 * reused rather than giving a rate over a few microseconds.  The host's
 * clock rate is read once.
 */

#include "config.h"

#include <sys/types.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "hostd.h"
#include "proto.h"
#include "xmalloc.h"

#define HOSTD_VMSTATS_MIN_NS	500000000LL	/* shortest rate window */

struct hostd_vmstats_sample {
	char		*sa_id;		/* VM moid */
	pid_t		 sa_pid;	/* vmx */
	uint64_t	 sa_ticks;	/* utime + stime, clock ticks */
	int64_t		 sa_when;	/* CLOCK_MONOTONIC, ns */
	int32_t		 sa_mhz;	/* the last rate given */
};

struct hostd_vmstats {
	int64_t				 vs_hz;		/* host CPU clock */
	long				 vs_tck;	/* clock ticks/s */
	struct hostd_vmstats_sample	*vs_samples;
	size_t				 vs_nsamples;
};

/* What /proc says about one vmx. */
struct hostd_vmstats_proc {
	uint64_t	pr_ticks;	/* utime + stime */
	uint64_t	pr_start;	/* start after boot, clock ticks */
	int64_t		pr_rss_kb;	/* VmRSS */
	int64_t		pr_anon_kb;	/* RssAnon */
};

static int	 hostd_vmstats_read(pid_t, struct hostd_vmstats_proc *);
static int64_t	 hostd_vmstats_now(clockid_t);
static int32_t	 hostd_vmstats_cpu(struct hostd_vmstats *, const char *,
		    pid_t, const struct hostd_vmstats_proc *);
static int32_t	 hostd_vmstats_mb(int64_t);

struct hostd_vmstats *
hostd_vmstats_create(void)
{
	struct hostd_vmstats		*vs;
	struct hostd_mo_hostsystem_facts f;

	vs = xcalloc(1, sizeof *vs);
	hostd_mo_hostsystem_facts(&f);
	vs->vs_hz = f.hf_hz;
	vs->vs_tck = sysconf(_SC_CLK_TCK);
	if (vs->vs_tck <= 0)
		vs->vs_tck = 100;
	return (vs);
}

void
hostd_vmstats_free(struct hostd_vmstats *vs)
{
	size_t	i;

	if (vs == NULL)
		return;
	for (i = 0; i < vs->vs_nsamples; i++)
		free(vs->vs_samples[i].sa_id);
	free(vs->vs_samples);
	free(vs);
}

static int64_t
hostd_vmstats_now(clockid_t clk)
{
	struct timespec	ts;

	clock_gettime(clk, &ts);
	return ((int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec);
}

/* Rounded up: a VM holding a few hundred KiB does use memory. */
static int32_t
hostd_vmstats_mb(int64_t kb)
{
	if (kb <= 0)
		return (0);
	if (kb / 1024 >= INT32_MAX)
		return (INT32_MAX);
	return ((int32_t)((kb + 1023) / 1024));
}

/*
 * /proc/<pid>/stat (fields 14, 15 and 22 after the command, which may hold
 * spaces and parentheses, hence the last ')') and /proc/<pid>/status.
 * 0, or -1 when the process is gone or unreadable.
 */
static int
hostd_vmstats_read(pid_t pid, struct hostd_vmstats_proc *pr)
{
	char			 path[64], buf[1024], line[256], *p;
	FILE			*fp;
	size_t			 n;
	int			 field;
	unsigned long long	 v;

	memset(pr, 0, sizeof *pr);
	snprintf(path, sizeof path, "/proc/%ld/stat", (long)pid);
	if ((fp = fopen(path, "re")) == NULL)
		return (-1);
	n = fread(buf, 1, sizeof buf - 1, fp);
	fclose(fp);
	buf[n] = '\0';
	if ((p = strrchr(buf, ')')) == NULL)
		return (-1);
	/* p + 2 is field 3 (state). */
	p += 2;
	for (field = 3; *p != '\0' && field <= 22; field++) {
		v = strtoull(p, NULL, 10);
		if (field == 14 || field == 15)
			pr->pr_ticks += v;
		else if (field == 22)
			pr->pr_start = v;
		if ((p = strchr(p, ' ')) == NULL)
			break;
		p++;
	}
	if (field <= 22)
		return (-1);

	snprintf(path, sizeof path, "/proc/%ld/status", (long)pid);
	if ((fp = fopen(path, "re")) == NULL)
		return (-1);
	while (fgets(line, sizeof line, fp) != NULL) {
		if (strncmp(line, "VmRSS:", 6) == 0)
			pr->pr_rss_kb = strtoll(line + 6, NULL, 10);
		else if (strncmp(line, "RssAnon:", 8) == 0)
			pr->pr_anon_kb = strtoll(line + 8, NULL, 10);
	}
	fclose(fp);
	return (0);
}

/* The CPU rate in MHz of VM id's vmx pid, updating its sample. */
static int32_t
hostd_vmstats_cpu(struct hostd_vmstats *vs, const char *id, pid_t pid,
    const struct hostd_vmstats_proc *pr)
{
	struct hostd_vmstats_sample	*sa = NULL;
	int64_t				 now, dt, boot;
	double				 busy, secs;
	size_t				 i;

	now = hostd_vmstats_now(CLOCK_MONOTONIC);
	for (i = 0; i < vs->vs_nsamples; i++) {
		if (strcmp(vs->vs_samples[i].sa_id, id) == 0) {
			sa = &vs->vs_samples[i];
			break;
		}
	}
	if (sa != NULL && sa->sa_pid == pid) {
		dt = now - sa->sa_when;
		if (dt < HOSTD_VMSTATS_MIN_NS)
			return (sa->sa_mhz);
		busy = (double)(pr->pr_ticks - sa->sa_ticks) / vs->vs_tck;
		secs = (double)dt / 1e9;
	} else {
		/* Since vmx started: /proc counts from the boot clock. */
		boot = hostd_vmstats_now(CLOCK_BOOTTIME);
		busy = (double)pr->pr_ticks / vs->vs_tck;
		secs = (double)boot / 1e9 - (double)pr->pr_start / vs->vs_tck;
		if (sa == NULL) {
			vs->vs_samples = xreallocarray(vs->vs_samples,
			    vs->vs_nsamples + 1, sizeof *vs->vs_samples);
			sa = &vs->vs_samples[vs->vs_nsamples++];
			sa->sa_id = xstrdup(id);
		}
	}
	sa->sa_pid = pid;
	sa->sa_ticks = pr->pr_ticks;
	sa->sa_when = now;
	if (secs <= 0 || busy <= 0)
		sa->sa_mhz = 0;
	else
		sa->sa_mhz = (int32_t)(busy / secs * (double)vs->vs_hz / 1e6 +
		    0.5);
	return (sa->sa_mhz);
}

struct hostd_val *
hostd_vmstats_quick(const struct hostd_inventory_ctx *c,
    const struct hostd_mo_virtualmachine *vm)
{
	struct hostd_vmstats		*vs = NULL;
	struct hostd_vmstats_proc	 pr;
	struct hostd_val		*qs;
	pid_t				 pid = -1;
	int32_t				 mhz = 0, host = 0, guest = 0, up = 0;
	time_t				 now;

	if (c->ic_soap != NULL)
		vs = hostd_soap_vmstats(c->ic_soap);
	if (vm->vm_power == PROTO_VMX_POWERED_ON) {
		now = time(NULL);
		if (vm->vm_boottime != 0 && now > vm->vm_boottime)
			up = (int32_t)(now - vm->vm_boottime);
		if (vm->vm_vl != NULL)
			pid = hostd_vmxlink_pid(vm->vm_vl, vm->vm_id);
		if (pid > 0 && hostd_vmstats_read(pid, &pr) == 0) {
			host = hostd_vmstats_mb(pr.pr_rss_kb);
			guest = hostd_vmstats_mb(pr.pr_anon_kb);
			if (guest > vm->vm_memmb)
				guest = vm->vm_memmb;
			if (vs != NULL)
				mhz = hostd_vmstats_cpu(vs, vm->vm_id, pid,
				    &pr);
		}
	}
	/* Field order of the vim25 VirtualMachineQuickStats sequence. */
	qs = hostd_val_object("VirtualMachineQuickStats");
	hostd_val_add_int(qs, "overallCpuUsage", mhz);
	hostd_val_add_int(qs, "overallCpuDemand", mhz);
	hostd_val_add_int(qs, "guestMemoryUsage", guest);
	hostd_val_add_int(qs, "hostMemoryUsage", host);
	hostd_val_add(qs, "guestHeartbeatStatus",
	    hostd_val_enum("ManagedEntityStatus", "gray"));
	hostd_val_add_int(qs, "uptimeSeconds", up);
	return (qs);
}
