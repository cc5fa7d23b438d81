/* SPDX-License-Identifier: ISC */
/*
 * rcli vm: virtual machines.  list/info read properties; power operations
 * are the PowerOnVM_Task family and ShutdownGuest/RebootGuest; create,
 * register, unregister, destroy and reconfigure map one to one onto
 * CreateVM_Task, RegisterVM_Task, UnregisterVM, Destroy_Task and
 * ReconfigVM_Task.  A VM is named by its display name (or its moid).
 *
 * console: VMware exposes a serial port with a file backing as a file in
 * the VM's datastore directory, so the console is that file read through
 * /folder, following it (HTTP Range from the last offset) while the VM is
 * powered on, like `tail -f`.  It is read-only: input to the guest needs a
 * network serial port, which the public API only configures.
 */

#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "rcli.h"
#include "xmalloc.h"
#include "xml.h"

static int	cmd_vm_target(struct rcli *, struct args *, struct viclient **,
		    char **);
static int	cmd_vm_list(struct rcli *, struct args *);
static int	cmd_vm_info(struct rcli *, struct args *);
static int	cmd_vm_power(struct rcli *, struct args *);
static int	cmd_vm_create(struct rcli *, struct args *);
static int	cmd_vm_register(struct rcli *, struct args *);
static int	cmd_vm_unregister(struct rcli *, struct args *);
static int	cmd_vm_destroy(struct rcli *, struct args *);
static int	cmd_vm_reconfigure(struct rcli *, struct args *);
static int	cmd_vm_console(struct rcli *, struct args *);
static int	cmd_vm_dspath(const char *, char **, char **);
static void	cmd_vm_onsig(int);

static const char cmd_vm_usage[] =
    "usage: rcli vm <verb> ...\n"
    "  list [--long]                      all virtual machines (--long:\n"
    "                                     with CPUs, memory, guest, path)\n"
    "  info VM                            one VM in detail\n"
    "  power on|off|reset|suspend VM      power tasks (waits for them)\n"
    "  power shutdown|reboot VM           ask the guest (ACPI)\n"
    "  create NAME [--datastore DS] [--memory MB] [--cpus N]\n"
    "         [--guest-id ID] [--disk-size GB] [--network PORTGROUP]\n"
    "  register '[DS] dir/name.vmx' [--name NAME]\n"
    "  unregister VM                      forget it, keep its files\n"
    "  destroy VM                         delete it and its files\n"
    "  reconfigure VM [--memory MB] [--cpus N] [--name NEW]\n"
    "         [--annotation TEXT]\n"
    "  console VM [--no-follow]           print the serial console\n"
    "  snapshot create VM SNAP [--description TEXT] [--memory]\n"
    "  snapshot list VM\n"
    "  snapshot revert VM SNAP\n"
    "  snapshot remove VM SNAP [--children]\n"
    "VM is a display name or a managed object id.\n";

static const struct rcli_verb cmd_vm_verbs[] = {
	{ "list", cmd_vm_list },
	{ "info", cmd_vm_info },
	{ "power", cmd_vm_power },
	{ "create", cmd_vm_create },
	{ "register", cmd_vm_register },
	{ "unregister", cmd_vm_unregister },
	{ "destroy", cmd_vm_destroy },
	{ "reconfigure", cmd_vm_reconfigure },
	{ "console", cmd_vm_console },
	{ "snapshot", cmd_snapshot_run },
	{ NULL, NULL }
};

const struct rcli_noun cmd_vm_noun = {
	"vm", "virtual machines: list, power, create, snapshots, console",
	cmd_vm_usage, cmd_vm_verbs
};

/* Power verbs: the method, and whether it is a task. */
static const struct {
	const char	*p_verb;
	const char	*p_method;
	int		 p_task;
} cmd_vm_powers[] = {
	{ "on", "PowerOnVM_Task", 1 },
	{ "off", "PowerOffVM_Task", 1 },
	{ "reset", "ResetVM_Task", 1 },
	{ "suspend", "SuspendVM_Task", 1 },
	{ "shutdown", "ShutdownGuest", 0 },
	{ "reboot", "RebootGuest", 0 },
	{ NULL, NULL, 0 }
};

static volatile sig_atomic_t cmd_vm_stop;

/* The one operand, a VM: connect and resolve it. */
static int
cmd_vm_target(struct rcli *r, struct args *a, struct viclient **c, char **id)
{
	const char	*name;

	if ((name = args_next(a)) == NULL)
		return (args_usage(a, "which virtual machine?"));
	if (args_done(a) == -1)
		return (RCLI_EXIT_USAGE);
	if ((*c = main_conn(r)) == NULL)
		return (RCLI_EXIT_FAULT);
	if (viprops_find(*c, "VirtualMachine", name, id) == -1)
		return (conn_perror(*c));
	return (RCLI_EXIT_OK);
}

static int
cmd_vm_list(struct rcli *r, struct args *a)
{
	static const char *const cols[] = { "id", "name", "powerState",
	    "cpus:n", "memoryMB:n", "guestId", "path", NULL };
	static const char *const paths[] = { "name", "runtime.powerState",
	    "summary.config", NULL };
	static const char *const brief[] = { "id", "name", "powerState",
	    NULL };
	static const char *const bpaths[] = { "name", "runtime.powerState",
	    NULL };
	struct viclient	*c;
	struct viprops	 p;
	struct table	*t;
	xmlNodePtr	 sc;
	char		*v[7];
	size_t		 i;
	int		 lng;

	/* The short form reads two cheap properties: listing a thousand
	 * VMs stays one small round trip.  --long adds the configuration
	 * summary. */
	lng = args_flag(a, "--long");
	if (args_done(a) == -1)
		return (RCLI_EXIT_USAGE);
	if ((c = main_conn(r)) == NULL)
		return (RCLI_EXIT_FAULT);
	if (viprops_all(c, "VirtualMachine", lng ? paths : bpaths, &p) == -1)
		return (conn_perror(c));
	t = table_create(lng ? cols : brief);
	for (i = 0; i < p.p_n; i++) {
		sc = viprops_val(&p.p_obj[i], "summary.config");
		v[0] = xstrdup(p.p_obj[i].po_id);
		v[1] = viprops_text(&p.p_obj[i], "name");
		v[2] = viprops_text(&p.p_obj[i], "runtime.powerState");
		v[3] = viprops_path(sc, "numCpu");
		v[4] = viprops_path(sc, "memorySizeMB");
		v[5] = viprops_path(sc, "guestId");
		v[6] = viprops_path(sc, "vmPathName");
		table_add_free(t, v, 7);
	}
	viprops_free(&p);
	return (main_output(r, t));
}

static int
cmd_vm_info(struct rcli *r, struct args *a)
{
	static const char *const cols[] = { "id", "name", "powerState",
	    "connectionState", "guestId", "guestFullName", "cpus:n",
	    "memoryMB:n", "path", "uuid", "bootTime", "annotation",
	    "currentSnapshot", NULL };
	static const char *const paths[] = { "name", "runtime", "config",
	    "snapshot", NULL };
	struct viclient	*c;
	struct viprops	 p;
	struct table	*t;
	xmlNodePtr	 rt, cf, sn;
	char		*id, *v[13], *cur;
	const char	*ids[1];
	size_t		 i;
	int		 rc;

	if ((rc = cmd_vm_target(r, a, &c, &id)) != RCLI_EXIT_OK)
		return (rc);
	ids[0] = id;
	rc = viprops_get(c, "VirtualMachine", ids, 1, paths, &p);
	free(id);
	if (rc == -1)
		return (conn_perror(c));
	t = table_create(cols);
	table_vertical(t);
	for (i = 0; i < p.p_n; i++) {
		rt = viprops_val(&p.p_obj[i], "runtime");
		cf = viprops_val(&p.p_obj[i], "config");
		sn = viprops_val(&p.p_obj[i], "snapshot");
		v[0] = xstrdup(p.p_obj[i].po_id);
		v[1] = viprops_text(&p.p_obj[i], "name");
		v[2] = viprops_path(rt, "powerState");
		v[3] = viprops_path(rt, "connectionState");
		v[4] = viprops_path(cf, "guestId");
		v[5] = viprops_path(cf, "guestFullName");
		v[6] = viprops_path(cf, "hardware/numCPU");
		v[7] = viprops_path(cf, "hardware/memoryMB");
		v[8] = viprops_path(cf, "files/vmPathName");
		v[9] = viprops_path(cf, "uuid");
		v[10] = viprops_path(rt, "bootTime");
		v[11] = viprops_path(cf, "annotation");
		/* The current snapshot's name, from the tree. */
		cur = viprops_path(sn, "currentSnapshot");
		v[12] = xstrdup(cur);
		free(cur);
		table_add_free(t, v, 13);
	}
	viprops_free(&p);
	return (main_output(r, t));
}

static int
cmd_vm_power(struct rcli *r, struct args *a)
{
	struct viclient	*c;
	const char	*op;
	char		*id;
	size_t		 i;
	int		 rc;

	if ((op = args_next(a)) == NULL)
		return (args_usage(a, "which operation? (on, off, reset, "
		    "suspend, shutdown, reboot)"));
	for (i = 0; cmd_vm_powers[i].p_verb != NULL; i++)
		if (strcmp(cmd_vm_powers[i].p_verb, op) == 0)
			break;
	if (cmd_vm_powers[i].p_verb == NULL)
		return (args_usage(a, "unknown operation '%s'", op));
	if ((rc = cmd_vm_target(r, a, &c, &id)) != RCLI_EXIT_OK)
		return (rc);
	if (cmd_vm_powers[i].p_task)
		rc = task_run(c, cmd_vm_powers[i].p_method, "VirtualMachine",
		    id, NULL, NULL);
	else
		rc = viclient_do(c, cmd_vm_powers[i].p_method, "VirtualMachine",
		    id, NULL);
	free(id);
	return (rc == -1 ? conn_perror(c) : RCLI_EXIT_OK);
}

static int
cmd_vm_create(struct rcli *r, struct args *a)
{
	static const char *const cols[] = { "id", "name", NULL };
	const char	*name, *ds = "datastore1", *mem = NULL, *cpus = NULL;
	const char	*guest = "otherGuest64", *disk = NULL, *net = NULL;
	const char	*row[2];
	unsigned long long n;
	struct viclient	*c;
	struct buf	 b;
	struct table	*t;
	char		*vm;
	int		 rc;

	if (args_opt(a, "--datastore", &ds) == -1 ||
	    args_opt(a, "--memory", &mem) == -1 ||
	    args_opt(a, "--cpus", &cpus) == -1 ||
	    args_opt(a, "--guest-id", &guest) == -1 ||
	    args_opt(a, "--disk-size", &disk) == -1 ||
	    args_opt(a, "--network", &net) == -1)
		return (RCLI_EXIT_USAGE);
	if ((name = args_next(a)) == NULL)
		return (args_usage(a, "the new virtual machine needs a name"));
	if (args_done(a) == -1 ||
	    (mem != NULL && args_ulong(a, "--memory", mem, &n) == -1) ||
	    (cpus != NULL && args_ulong(a, "--cpus", cpus, &n) == -1) ||
	    (disk != NULL && args_ulong(a, "--disk-size", disk, &n) == -1))
		return (RCLI_EXIT_USAGE);
	if ((c = main_conn(r)) == NULL)
		return (RCLI_EXIT_FAULT);
	buf_init(&b);
	buf_str(&b, "<config>");
	buf_elem(&b, "name", name);
	buf_elem(&b, "guestId", guest);
	buf_str(&b, "<files><vmPathName>[");
	buf_escape(&b, ds);
	buf_str(&b, "]</vmPathName></files>");
	buf_elem(&b, "numCPUs", cpus);
	buf_elem(&b, "memoryMB", mem);
	if (disk != NULL) {
		/* A controller and a thin disk, keys made up, as pyVmomi
		 * samples do: the host assigns the real ones. */
		buf_str(&b, "<deviceChange><operation>add</operation>"
		    "<device xsi:type=\"VirtualLsiLogicController\">"
		    "<key>-100</key><busNumber>0</busNumber>"
		    "<sharedBus>noSharing</sharedBus></device></deviceChange>"
		    "<deviceChange><operation>add</operation>"
		    "<fileOperation>create</fileOperation>"
		    "<device xsi:type=\"VirtualDisk\"><key>-101</key>"
		    "<backing xsi:type=\"VirtualDiskFlatVer2BackingInfo\">"
		    "<fileName></fileName><diskMode>persistent</diskMode>"
		    "<thinProvisioned>true</thinProvisioned></backing>"
		    "<controllerKey>-100</controllerKey>"
		    "<unitNumber>0</unitNumber>");
		buf_printf(&b, "<capacityInKB>%llu</capacityInKB>",
		    strtoull(disk, NULL, 10) * 1024 * 1024);
		buf_str(&b, "</device></deviceChange>");
	}
	if (net != NULL) {
		buf_str(&b, "<deviceChange><operation>add</operation>"
		    "<device xsi:type=\"VirtualE1000\"><key>-102</key>"
		    "<backing xsi:type=\"VirtualEthernetCardNetworkBackingInfo"
		    "\">");
		buf_elem(&b, "deviceName", net);
		buf_str(&b, "</backing><addressType>generated</addressType>"
		    "</device></deviceChange>");
	}
	buf_str(&b, "</config>");
	buf_moref(&b, "pool", "ResourcePool", "ha-root-pool");
	rc = task_run(c, "CreateVM_Task", "Folder", "ha-folder-vm", b.b_data,
	    &vm);
	buf_free(&b);
	if (rc == -1)
		return (conn_perror(c));
	t = table_create(cols);
	row[0] = vm;
	row[1] = name;
	table_add(t, row);
	free(vm);
	return (main_output(r, t));
}

static int
cmd_vm_register(struct rcli *r, struct args *a)
{
	static const char *const cols[] = { "id", "path", NULL };
	const char	*path, *name = NULL, *row[2];
	struct viclient	*c;
	struct buf	 b;
	struct table	*t;
	char		*vm;
	int		 rc;

	if (args_opt(a, "--name", &name) == -1)
		return (RCLI_EXIT_USAGE);
	if ((path = args_next(a)) == NULL)
		return (args_usage(a, "which .vmx? ('[datastore] dir/x.vmx')"));
	if (args_done(a) == -1)
		return (RCLI_EXIT_USAGE);
	if ((c = main_conn(r)) == NULL)
		return (RCLI_EXIT_FAULT);
	buf_init(&b);
	buf_elem(&b, "path", path);
	buf_elem(&b, "name", name);
	buf_str(&b, "<asTemplate>false</asTemplate>");
	buf_moref(&b, "pool", "ResourcePool", "ha-root-pool");
	rc = task_run(c, "RegisterVM_Task", "Folder", "ha-folder-vm",
	    b.b_data, &vm);
	buf_free(&b);
	if (rc == -1)
		return (conn_perror(c));
	t = table_create(cols);
	row[0] = vm;
	row[1] = path;
	table_add(t, row);
	free(vm);
	return (main_output(r, t));
}

static int
cmd_vm_unregister(struct rcli *r, struct args *a)
{
	struct viclient	*c;
	char		*id;
	int		 rc;

	if ((rc = cmd_vm_target(r, a, &c, &id)) != RCLI_EXIT_OK)
		return (rc);
	rc = viclient_do(c, "UnregisterVM", "VirtualMachine", id, NULL);
	free(id);
	return (rc == -1 ? conn_perror(c) : RCLI_EXIT_OK);
}

static int
cmd_vm_destroy(struct rcli *r, struct args *a)
{
	struct viclient	*c;
	char		*id;
	int		 rc;

	if ((rc = cmd_vm_target(r, a, &c, &id)) != RCLI_EXIT_OK)
		return (rc);
	rc = task_run(c, "Destroy_Task", "VirtualMachine", id, NULL, NULL);
	free(id);
	return (rc == -1 ? conn_perror(c) : RCLI_EXIT_OK);
}

static int
cmd_vm_reconfigure(struct rcli *r, struct args *a)
{
	const char	*mem = NULL, *cpus = NULL, *name = NULL, *note = NULL;
	unsigned long long n;
	struct viclient	*c;
	struct buf	 b;
	char		*id;
	int		 rc;

	if (args_opt(a, "--memory", &mem) == -1 ||
	    args_opt(a, "--cpus", &cpus) == -1 ||
	    args_opt(a, "--name", &name) == -1 ||
	    args_opt(a, "--annotation", &note) == -1)
		return (RCLI_EXIT_USAGE);
	if ((mem != NULL && args_ulong(a, "--memory", mem, &n) == -1) ||
	    (cpus != NULL && args_ulong(a, "--cpus", cpus, &n) == -1))
		return (RCLI_EXIT_USAGE);
	if (mem == NULL && cpus == NULL && name == NULL && note == NULL)
		return (args_usage(a, "nothing to change: give --memory, "
		    "--cpus, --name or --annotation"));
	if ((rc = cmd_vm_target(r, a, &c, &id)) != RCLI_EXIT_OK)
		return (rc);
	buf_init(&b);
	buf_str(&b, "<spec>");
	buf_elem(&b, "name", name);
	buf_elem(&b, "numCPUs", cpus);
	buf_elem(&b, "memoryMB", mem);
	buf_elem(&b, "annotation", note);
	buf_str(&b, "</spec>");
	rc = task_run(c, "ReconfigVM_Task", "VirtualMachine", id, b.b_data,
	    NULL);
	buf_free(&b);
	free(id);
	return (rc == -1 ? conn_perror(c) : RCLI_EXIT_OK);
}

/* "[ds] dir/file" -> ds, "dir/file"; -1 if it is not a datastore path. */
static int
cmd_vm_dspath(const char *path, char **ds, char **rel)
{
	const char	*e;

	if (path[0] != '[' || (e = strchr(path, ']')) == NULL)
		return (-1);
	*ds = xstrndup(path + 1, (size_t)(e - path - 1));
	e++;
	while (*e == ' ')
		e++;
	*rel = xstrdup(e);
	return (0);
}

static void
cmd_vm_onsig(int sig)
{
	cmd_vm_stop = 1;
}

static int
cmd_vm_console(struct rcli *r, struct args *a)
{
	static const char *const paths[] = { "config.hardware.device",
	    "runtime.powerState", NULL };
	struct viclient	*c;
	struct viprops	 p;
	struct sigaction sa;
	struct timespec	 ts = { 0, 300 * 1000 * 1000 };
	xmlNodePtr	 dev;
	const char	*ids[1];
	char		*id, *t, *bt, *file = NULL, *ds = NULL, *rel = NULL;
	char		*st;
	long long	 off = 0;
	int		 rc, follow, on;

	follow = !args_flag(a, "--no-follow");
	if ((rc = cmd_vm_target(r, a, &c, &id)) != RCLI_EXIT_OK)
		return (rc);
	ids[0] = id;
	if (viprops_get(c, "VirtualMachine", ids, 1, paths, &p) == -1) {
		free(id);
		return (conn_perror(c));
	}
	dev = p.p_n > 0 ? viprops_val(&p.p_obj[0], "config.hardware.device") :
	    NULL;
	for (dev = xml_child(dev, NULL, NULL); dev != NULL && file == NULL;
	    dev = xml_next(dev, NULL, NULL)) {
		/* A serial port whose backing is a file: by the backing's
		 * type, or, from a host that leaves that out, by its
		 * fileName (the other backings have none). */
		t = vireply_xsitype(xml_child(dev, NULL, "backing"));
		bt = vireply_xsitype(dev);
		if ((t != NULL && strcmp(t,
		    "VirtualSerialPortFileBackingInfo") == 0) ||
		    (t == NULL && bt != NULL && strcmp(bt,
		    "VirtualSerialPort") == 0 && xml_child(xml_child(dev, NULL,
		    "backing"), NULL, "fileName") != NULL))
			file = viprops_path(dev, "backing/fileName");
		free(t);
		free(bt);
	}
	viprops_free(&p);
	if (file == NULL || cmd_vm_dspath(file, &ds, &rel) == -1) {
		viclient_seterr(c, "NotFound",
		    "virtual machine %s has no serial "
		    "port with a file backing", id);
		free(file);
		free(id);
		return (conn_perror(c));
	}
	free(file);
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = cmd_vm_onsig;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	rc = RCLI_EXIT_OK;
	for (;;) {
		/* Read the state first: output written before a power-off
		 * is then always in the last read. */
		on = 0;
		if (follow) {
			if (viprops_get(c, "VirtualMachine", ids, 1, paths + 1,
			    &p) == -1) {
				rc = conn_perror(c);
				break;
			}
			st = p.p_n > 0 ? viprops_text(&p.p_obj[0],
			    "runtime.powerState") : xstrdup("");
			on = strcmp(st, "poweredOn") == 0;
			free(st);
			viprops_free(&p);
		}
		if (viclient_download(c, ds, rel, STDOUT_FILENO, &off, NULL) ==
		    -1) {
			/* No output yet is not an error while it runs. */
			if (!on || strcmp(viclient_errname(c),
			    "FileNotFound") != 0) {
				rc = conn_perror(c);
				break;
			}
		}
		if (!on || cmd_vm_stop)
			break;
		nanosleep(&ts, NULL);
		if (cmd_vm_stop)
			break;
	}
	free(ds);
	free(rel);
	free(id);
	return (rc);
}
