/* SPDX-License-Identifier: ISC */
/*
 * HostSystem `ha-host` (vi-api.md §4.4): the properties of the one host,
 * filled from the real machine at each read: /proc/cpuinfo (packages,
 * cores, threads, model, MHz), /proc/meminfo (memory), /proc/stat (boot
 * time), /proc/uptime, /sys/class/net (physical NICs), /sys/class/scsi_host
 * (HBAs), DMI (/sys/class/dmi/id: vendor, model, UUID, serial) and CPUID
 * (hardware.cpuFeature, which libvirt reads).  Every
 * value is a vim25 6.7.1 field; subsystems not implemented yet
 * (configManager members, datastoreBrowser, capability) are left unset
 * so clients do not follow MoRefs to nothing.
 */

#include "config.h"

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif
#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "hostd.h"
#include "xmalloc.h"

/* Most CPU packages tracked when counting distinct physical ids. */
#define HOSTD_MO_HOSTSYSTEM_MAXPKG	64

/* The CPUID leaves ESX lists in HostHardwareInfo.cpuFeature. */
static const unsigned int hostd_mo_hostsystem_levels[] = {
	0x0, 0x1, 0x80000000U, 0x80000001U, 0x80000008U
};

static struct hostd_val	*hostd_mo_hostsystem_summary(
			    const struct hostd_inventory_ctx *);
static struct hostd_val	*hostd_mo_hostsystem_hardware(
			    const struct hostd_inventory_ctx *);
static struct hostd_val	*hostd_mo_hostsystem_runtime(
			    const struct hostd_inventory_ctx *);
static struct hostd_val	*hostd_mo_hostsystem_config(
			    const struct hostd_inventory_ctx *);
static struct hostd_val	*hostd_mo_hostsystem_configmgr(
			    const struct hostd_inventory_ctx *);
static struct hostd_val	*hostd_mo_hostsystem_vms(
			    const struct hostd_inventory_ctx *);
static struct hostd_val	*hostd_mo_hostsystem_datastores(
			    const struct hostd_inventory_ctx *);
static struct hostd_val	*hostd_mo_hostsystem_networks(
			    const struct hostd_inventory_ctx *);
static struct hostd_val	*hostd_mo_hostsystem_product(void);
static void		 hostd_mo_hostsystem_dmi(const char *, char *,
			    size_t, const char *);
static void		 hostd_mo_hostsystem_ident(struct hostd_val *);
static int		 hostd_mo_hostsystem_count(const char *, int);
static struct hostd_val	*hostd_mo_hostsystem_cpuid(unsigned int);
static struct hostd_val	*hostd_mo_hostsystem_runtime_val(
			    const struct hostd_mo_hostsystem_facts *);

static int	hostd_mo_hostsystem_shutdown(struct hostd_soap_req *);
static int	hostd_mo_hostsystem_reboot(struct hostd_soap_req *);

static const struct hostd_soap_param hostd_mo_hostsystem_force_p[] = {
	{ "force", "boolean", 0 },
	{ NULL, NULL, 0 }
};

/* Shutting down and restarting the host: hostpower.c. */
const struct hostd_soap_method hostd_mo_hostsystem_methods[] = {
	{ "ShutdownHost_Task", "HostSystem", "Host.Config.Maintenance", 0,
	  hostd_mo_hostsystem_shutdown, hostd_mo_hostsystem_force_p },
	{ "RebootHost_Task", "HostSystem", "Host.Config.Maintenance", 0,
	  hostd_mo_hostsystem_reboot, hostd_mo_hostsystem_force_p },
	{ NULL, NULL, NULL, 0, NULL, NULL }
};

static int
hostd_mo_hostsystem_shutdown(struct hostd_soap_req *req)
{
	return (hostd_hostpower_run(req, 0));
}

static int
hostd_mo_hostsystem_reboot(struct hostd_soap_req *req)
{
	return (hostd_hostpower_run(req, 1));
}

const struct hostd_inventory_prop hostd_mo_hostsystem_props[] = {
	{ "runtime", hostd_mo_hostsystem_runtime, "System.Read" },
	{ "summary", hostd_mo_hostsystem_summary, "System.Read" },
	{ "hardware", hostd_mo_hostsystem_hardware, "System.Read" },
	{ "capability", NULL, "System.Read" },
	{ "licensableResource", NULL, "System.Read" },
	{ "remediationState", NULL, "System.Read" },
	{ "precheckRemediationResult", NULL, "System.Read" },
	{ "remediationResult", NULL, "System.Read" },
	{ "complianceCheckState", NULL, "System.Read" },
	{ "complianceCheckResult", NULL, "System.Read" },
	{ "configManager", hostd_mo_hostsystem_configmgr, "System.Read" },
	{ "config", hostd_mo_hostsystem_config, "System.Read" },
	{ "vm", hostd_mo_hostsystem_vms, "System.Read" },
	{ "datastore", hostd_mo_hostsystem_datastores, "System.Read" },
	{ "network", hostd_mo_hostsystem_networks, "System.Read" },
	{ "datastoreBrowser", hostd_mo_hostdatastorebrowser_ref,
	  "System.Read" },
	{ "systemResources", NULL, "System.Read" },
	{ "answerFileValidationState", NULL, "System.Read" },
	{ "answerFileValidationResult", NULL, "System.Read" },
	{ NULL, NULL, NULL }
};

void
hostd_mo_hostsystem_name(char *buf, size_t len)
{
	/* No resolver call: it may block on DNS and this runs per read. */
	if (gethostname(buf, len) != 0 || *buf == '\0')
		snprintf(buf, len, "localhost.localdomain");
	buf[len - 1] = '\0';
}

/* Entries of directory dir; with phys, only those with a device link. */
static int
hostd_mo_hostsystem_count(const char *dir, int phys)
{
	DIR		*d;
	struct dirent	*de;
	char		 path[512];
	int		 n = 0;

	if ((d = opendir(dir)) == NULL)
		return (0);
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if (phys) {
			snprintf(path, sizeof path, "%s/%s/device", dir,
			    de->d_name);
			if (access(path, F_OK) != 0)
				continue;
		}
		n++;
	}
	closedir(d);
	return (n);
}

void
hostd_mo_hostsystem_facts(struct hostd_mo_hostsystem_facts *f)
{
	FILE		*fp;
	char		 line[512], *colon, *v;
	long		 ids[HOSTD_MO_HOSTSYSTEM_MAXPKG], id;
	int		 nids = 0, i, corespp = 0;
	double		 mhz = 0;
	long long	 kb, bt;

	memset(f, 0, sizeof *f);
	snprintf(f->hf_vendor, sizeof f->hf_vendor, "unknown");
	if ((fp = fopen("/proc/cpuinfo", "re")) != NULL) {
		while (fgets(line, sizeof line, fp) != NULL) {
			if ((colon = strchr(line, ':')) == NULL)
				continue;
			v = colon + 1;
			while (*v == ' ')
				v++;
			v[strcspn(v, "\n")] = '\0';
			if (strncmp(line, "processor", 9) == 0)
				f->hf_threads++;
			else if (strncmp(line, "physical id", 11) == 0) {
				id = strtol(v, NULL, 10);
				for (i = 0; i < nids && ids[i] != id; i++)
					;
				if (i == nids &&
				    nids < HOSTD_MO_HOSTSYSTEM_MAXPKG)
					ids[nids++] = id;
			} else if (strncmp(line, "cpu cores", 9) == 0)
				corespp = atoi(v);
			else if (strncmp(line, "model name", 10) == 0 &&
			    f->hf_model[0] == '\0')
				snprintf(f->hf_model, sizeof f->hf_model,
				    "%s", v);
			else if (strncmp(line, "cpu MHz", 7) == 0 && mhz == 0)
				mhz = strtod(v, NULL);
			else if (strncmp(line, "vendor_id", 9) == 0) {
				if (strstr(v, "Intel") != NULL)
					snprintf(f->hf_vendor,
					    sizeof f->hf_vendor, "intel");
				else if (strstr(v, "AMD") != NULL)
					snprintf(f->hf_vendor,
					    sizeof f->hf_vendor, "amd");
			}
		}
		fclose(fp);
	}
	if (f->hf_threads < 1)
		f->hf_threads = (int)sysconf(_SC_NPROCESSORS_ONLN);
	if (f->hf_threads < 1)
		f->hf_threads = 1;
	f->hf_pkgs = nids > 0 ? nids : 1;
	f->hf_cores = corespp > 0 ? corespp * f->hf_pkgs : f->hf_threads;
	if (f->hf_cores > f->hf_threads)
		f->hf_cores = f->hf_threads;
	f->hf_hz = (int64_t)(mhz * 1000000.0);
	if (f->hf_hz <= 0)
		f->hf_hz = 1000000000;
	if (f->hf_model[0] == '\0')
		snprintf(f->hf_model, sizeof f->hf_model, "Unknown CPU");

	if ((fp = fopen("/proc/meminfo", "re")) != NULL) {
		while (fgets(line, sizeof line, fp) != NULL) {
			if (sscanf(line, "MemTotal: %lld kB", &kb) == 1) {
				f->hf_memsize = (int64_t)kb * 1024;
				break;
			}
		}
		fclose(fp);
	}
	if ((fp = fopen("/proc/stat", "re")) != NULL) {
		while (fgets(line, sizeof line, fp) != NULL) {
			if (sscanf(line, "btime %lld", &bt) == 1) {
				f->hf_boot = (time_t)bt;
				break;
			}
		}
		fclose(fp);
	}
	f->hf_nics = hostd_mo_hostsystem_count("/sys/class/net", 1);
	f->hf_hbas = hostd_mo_hostsystem_count("/sys/class/scsi_host", 0);
}

/* One line of /sys/class/dmi/id/name, or def. */
static void
hostd_mo_hostsystem_dmi(const char *name, char *buf, size_t len,
    const char *def)
{
	FILE	*fp;
	char	 path[128];
	size_t	 n;

	snprintf(path, sizeof path, "/sys/class/dmi/id/%s", name);
	buf[0] = '\0';
	if ((fp = fopen(path, "re")) != NULL) {
		if (fgets(buf, (int)len, fp) == NULL)
			buf[0] = '\0';
		fclose(fp);
	}
	buf[strcspn(buf, "\n")] = '\0';
	for (n = 0; buf[n] != '\0'; n++) {
		if (!isprint((unsigned char)buf[n]))
			buf[n] = '?';
	}
	if (buf[0] == '\0')
		snprintf(buf, len, "%s", def);
}

/*
 * vendor, model and uuid of the machine into o, for HostHardwareSummary
 * and HostSystemInfo: both must show the same DMI strings and fallbacks.
 */
static void
hostd_mo_hostsystem_ident(struct hostd_val *o)
{
	char	buf[256];

	hostd_mo_hostsystem_dmi("sys_vendor", buf, sizeof buf, "Vireo");
	hostd_val_add_str(o, "vendor", buf);
	hostd_mo_hostsystem_dmi("product_name", buf, sizeof buf,
	    "Linux KVM host");
	hostd_val_add_str(o, "model", buf);
	hostd_mo_hostsystem_dmi("product_uuid", buf, sizeof buf,
	    "00000000-0000-0000-0000-000000000000");
	hostd_val_add_str(o, "uuid", buf);
}

static struct hostd_val *
hostd_mo_hostsystem_product(void)
{
	struct hostd_val	*sc, *about;

	sc = hostd_mo_serviceinstance_content();
	about = hostd_val_copy(hostd_val_field(sc, "about"));
	hostd_val_free(sc);
	return (about);
}

static struct hostd_val *
hostd_mo_hostsystem_runtime_val(const struct hostd_mo_hostsystem_facts *f)
{
	struct hostd_val	*v;
	struct timespec		 ts;

	v = hostd_val_object("HostRuntimeInfo");
	hostd_val_add(v, "connectionState",
	    hostd_val_enum("HostSystemConnectionState", "connected"));
	hostd_val_add(v, "powerState",
	    hostd_val_enum("HostSystemPowerState", "poweredOn"));
	hostd_val_add_str(v, "standbyMode", "none");
	hostd_val_add_bool(v, "inMaintenanceMode", 0);
	if (f->hf_boot > 0) {
		ts.tv_sec = f->hf_boot;
		ts.tv_nsec = 0;
		hostd_val_add(v, "bootTime", hostd_val_datetime(&ts));
	}
	/* 62 TB, ESX's limit for a VMDK. */
	hostd_val_add_long(v, "hostMaxVirtualDiskCapacity",
	    68169720922112LL);
	return (v);
}

static struct hostd_val *
hostd_mo_hostsystem_runtime(const struct hostd_inventory_ctx *c)
{
	struct hostd_mo_hostsystem_facts	f;

	(void)c;
	hostd_mo_hostsystem_facts(&f);
	return (hostd_mo_hostsystem_runtime_val(&f));
}

static struct hostd_val *
hostd_mo_hostsystem_summary(const struct hostd_inventory_ctx *c)
{
	struct hostd_mo_hostsystem_facts	 f;
	struct hostd_val			*v, *hw, *cfg, *qs;
	struct timespec				 now;
	char					 buf[256];
	long long				 up;

	hostd_mo_hostsystem_facts(&f);
	v = hostd_val_object("HostListSummary");
	hostd_val_add_moref(v, "host", c->ic_mo->mo_type, c->ic_mo->mo_id);

	hw = hostd_val_object("HostHardwareSummary");
	hostd_mo_hostsystem_ident(hw);
	hostd_val_add_long(hw, "memorySize", f.hf_memsize);
	hostd_val_add_str(hw, "cpuModel", f.hf_model);
	hostd_val_add_int(hw, "cpuMhz", (int32_t)(f.hf_hz / 1000000));
	hostd_val_add(hw, "numCpuPkgs", hostd_val_short((int16_t)f.hf_pkgs));
	hostd_val_add(hw, "numCpuCores",
	    hostd_val_short((int16_t)f.hf_cores));
	hostd_val_add(hw, "numCpuThreads",
	    hostd_val_short((int16_t)f.hf_threads));
	hostd_val_add_int(hw, "numNics", f.hf_nics);
	hostd_val_add_int(hw, "numHBAs", f.hf_hbas);
	hostd_val_add(v, "hardware", hw);

	hostd_val_add(v, "runtime", hostd_mo_hostsystem_runtime_val(&f));

	cfg = hostd_val_object("HostConfigSummary");
	hostd_mo_hostsystem_name(buf, sizeof buf);
	hostd_val_add_str(cfg, "name", buf);
	hostd_val_add_int(cfg, "port", HOSTD_HTTPS_PORT);
	hostd_val_add(cfg, "product", hostd_mo_hostsystem_product());
	hostd_val_add_bool(cfg, "vmotionEnabled", 0);
	hostd_val_add_bool(cfg, "faultToleranceEnabled", 0);
	hostd_val_add(v, "config", cfg);

	qs = hostd_val_object("HostListSummaryQuickStats");
	hostd_val_add_int(qs, "overallCpuUsage", 0);
	hostd_val_add_int(qs, "overallMemoryUsage", 0);
	clock_gettime(CLOCK_REALTIME, &now);
	up = f.hf_boot > 0 ? (long long)(now.tv_sec - f.hf_boot) : 0;
	hostd_val_add_int(qs, "uptime", (int32_t)(up > 0 && up < INT32_MAX ?
	    up : 0));
	hostd_val_add(v, "quickStats", qs);
	hostd_val_add(v, "overallStatus",
	    hostd_val_enum("ManagedEntityStatus", "green"));
	hostd_val_add_bool(v, "rebootRequired", 0);
	return (v);
}

static struct hostd_val *
hostd_mo_hostsystem_hardware(const struct hostd_inventory_ctx *c)
{
	struct hostd_mo_hostsystem_facts	 f;
	struct hostd_val			*v, *si, *ci, *pkg, *tids;
	char					 buf[256];
	int					 p, t, per;

	(void)c;
	hostd_mo_hostsystem_facts(&f);
	v = hostd_val_object("HostHardwareInfo");
	si = hostd_val_object("HostSystemInfo");
	hostd_mo_hostsystem_ident(si);
	hostd_mo_hostsystem_dmi("product_serial", buf, sizeof buf, "");
	if (buf[0] != '\0')
		hostd_val_add_str(si, "serialNumber", buf);
	hostd_val_add(v, "systemInfo", si);

	ci = hostd_val_object("HostCpuInfo");
	hostd_val_add(ci, "numCpuPackages",
	    hostd_val_short((int16_t)f.hf_pkgs));
	hostd_val_add(ci, "numCpuCores", hostd_val_short((int16_t)f.hf_cores));
	hostd_val_add(ci, "numCpuThreads",
	    hostd_val_short((int16_t)f.hf_threads));
	hostd_val_add_long(ci, "hz", f.hf_hz);
	hostd_val_add(v, "cpuInfo", ci);

	per = f.hf_threads / f.hf_pkgs;
	for (p = 0; p < f.hf_pkgs; p++) {
		pkg = hostd_val_object("HostCpuPackage");
		hostd_val_add(pkg, "index", hostd_val_short((int16_t)p));
		hostd_val_add_str(pkg, "vendor", f.hf_vendor);
		hostd_val_add_long(pkg, "hz", f.hf_hz);
		hostd_val_add_long(pkg, "busHz", 100000000);
		hostd_val_add_str(pkg, "description", f.hf_model);
		tids = hostd_val_array("short");
		for (t = 0; t < per; t++)
			hostd_val_push(tids, hostd_val_short(
			    (int16_t)(p * per + t)));
		hostd_val_add(pkg, "threadId", tids);
		hostd_val_add(v, "cpuPkg", pkg);
	}
	hostd_val_add_long(v, "memorySize", f.hf_memsize);
	/* One array value, so that the path hardware.cpuFeature reads it. */
	tids = hostd_val_array("HostCpuIdInfo");
	for (p = 0; p < (int)(sizeof hostd_mo_hostsystem_levels /
	    sizeof hostd_mo_hostsystem_levels[0]); p++) {
		if ((pkg = hostd_mo_hostsystem_cpuid(
		    hostd_mo_hostsystem_levels[p])) != NULL)
			hostd_val_push(tids, pkg);
	}
	hostd_val_add(v, "cpuFeature", tids);
	return (v);
}

/*
 * HostCpuIdInfo of one CPUID leaf, as ESX writes it: each register as 32
 * bits, most significant first, in groups of four joined by ':'.  libvirt's
 * ESX driver reads leaf 0x80000001 (long mode) and refuses to connect
 * without it.  NULL when the leaf is not available.
 */
static struct hostd_val *
hostd_mo_hostsystem_cpuid(unsigned int level)
{
#if defined(__x86_64__) || defined(__i386__)
	struct hostd_val	*v;
	unsigned int		 r[4], max;
	char			 buf[40];
	const char		*names[4] = { "eax", "ebx", "ecx", "edx" };
	int			 i, b, n;

	max = __get_cpuid_max(level & 0x80000000U, NULL);
	if (max == 0 || level > max ||
	    !__get_cpuid(level, &r[0], &r[1], &r[2], &r[3]))
		return (NULL);
	v = hostd_val_object("HostCpuIdInfo");
	hostd_val_add_int(v, "level", (int32_t)level);
	for (i = 0; i < 4; i++) {
		for (b = 31, n = 0; b >= 0; b--) {
			buf[n++] = (r[i] >> b) & 1 ? '1' : '0';
			if (b % 4 == 0 && b != 0)
				buf[n++] = ':';
		}
		buf[n] = '\0';
		hostd_val_add_str(v, names[i], buf);
	}
	return (v);
#else
	(void)level;
	return (NULL);
#endif
}

static struct hostd_val *
hostd_mo_hostsystem_config(const struct hostd_inventory_ctx *c)
{
	struct hostd_val	*v;

	v = hostd_val_object("HostConfigInfo");
	hostd_val_add_moref(v, "host", c->ic_mo->mo_type, c->ic_mo->mo_id);
	hostd_val_add(v, "product", hostd_mo_hostsystem_product());
	/* WSDL order: network follows product's unset siblings. */
	hostd_val_add(v, "network", hostd_mo_hostnetworksystem_info(c->ic_inv));
	return (v);
}

static struct hostd_val *
hostd_mo_hostsystem_configmgr(const struct hostd_inventory_ctx *c)
{
	struct hostd_val	*v;

	(void)c;
	/* Only subsystems hostd implements are listed. */
	v = hostd_val_object("HostConfigManager");
	/* WSDL order: networkSystem, serviceSystem, autoStartManager. */
	hostd_val_add_moref(v, "networkSystem", "HostNetworkSystem",
	    HOSTD_MO_NETWORKSYSTEM);
	hostd_val_add_moref(v, "serviceSystem", "HostServiceSystem",
	    HOSTD_MO_SERVICESYSTEM);
	hostd_val_add_moref(v, "autoStartManager", "HostAutoStartManager",
	    HOSTD_MO_AUTOSTART);
	/* WSDL order: after autoStartManager and snapshotManager. */
	hostd_val_add_moref(v, "firmwareSystem", "HostFirmwareSystem",
	    HOSTD_MO_FIRMWARE);
	return (v);
}

static struct hostd_val *
hostd_mo_hostsystem_vms(const struct hostd_inventory_ctx *c)
{
	return (hostd_inventory_list(c->ic_inv, "VirtualMachine", NULL));
}

static struct hostd_val *
hostd_mo_hostsystem_datastores(const struct hostd_inventory_ctx *c)
{
	return (hostd_inventory_list(c->ic_inv, "Datastore", NULL));
}

static struct hostd_val *
hostd_mo_hostsystem_networks(const struct hostd_inventory_ctx *c)
{
	return (hostd_inventory_list(c->ic_inv, "Network", NULL));
}
