/* SPDX-License-Identifier: ISC */
/*
 * The home screen: the product, the host's name, how to manage it (its
 * management addresses and URL), CPU, memory and the VMs running, all
 * read from hostd; F2 and F12 lead on.  It is drawn again every few
 * seconds (halfdelay) so that it follows the host, and on KEY_RESIZE.
 */

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curses.h>

#include "buf.h"
#include "dcui.h"
#include "viclient.h"
#include "viprops.h"
#include "vireply.h"
#include "xmalloc.h"

/* Tenths of a second between redraws. */
#define SCREEN_HOME_REFRESH	30

static const char *const screen_home_paths[] = {
	"name",
	"summary.config.product.fullName",
	"summary.hardware.cpuModel",
	"summary.hardware.numCpuThreads",
	"summary.hardware.memorySize",
};
#define SCREEN_HOME_NPATHS \
	(sizeof screen_home_paths / sizeof screen_home_paths[0])

static int	screen_home_vms(struct dcui *, int *, int *);
static char	*screen_home_ips(struct dcui *);
static void	screen_home_draw(struct dcui *);

/* Count VMs (and those powered on) with one PropertyCollector call. */
static int
screen_home_vms(struct dcui *d, int *all, int *on)
{
	struct buf	 a;
	struct vireply	 r;
	xmlNodePtr	 oc;
	char		*cause = NULL, *ps;

	*all = *on = 0;
	buf_init(&a);
	buf_str(&a, "<specSet><propSet><type>VirtualMachine</type>"
	    "<pathSet>runtime.powerState</pathSet></propSet><objectSet>");
	buf_moref(&a, "obj", "Folder", "ha-folder-vm");
	buf_str(&a, "<skip>true</skip><selectSet xsi:type=\"TraversalSpec\">"
	    "<type>Folder</type><path>childEntity</path><skip>false</skip>"
	    "</selectSet></objectSet></specSet>");
	if (host_call(d, "RetrieveProperties", "PropertyCollector",
	    "ha-property-collector", a.b_data, &r, &cause) == -1) {
		buf_free(&a);
		free(cause);
		return (-1);
	}
	buf_free(&a);
	for (oc = vireply_returnval(&r); oc != NULL; oc = vireply_next(oc)) {
		(*all)++;
		if ((ps = viprops_path(oc, "propSet/val")) != NULL &&
		    strcmp(ps, "poweredOn") == 0)
			(*on)++;
		free(ps);
	}
	vireply_clear(&r);
	return (0);
}

/* The management addresses, "addr|DHCP addr|STATIC" (new), from the
 * vmk NICs. */
static char *
screen_home_ips(struct dcui *d)
{
	struct buf	 out;
	struct vireply	 r;
	xmlNodePtr	 v;
	char		*cause = NULL, *ip, *dhcp;

	buf_init(&out);
	if (host_prop_val(d, "HostNetworkSystem", "networkSystem",
	    "networkInfo.vnic", &r, &v, &cause) == -1) {
		free(cause);
		return (buf_take(&out));
	}
	for (v = v != NULL ? v->children : NULL; v != NULL; v = v->next) {
		ip = viprops_path(v, "spec/ip/ipAddress");
		dhcp = viprops_path(v, "spec/ip/dhcp");
		if (ip != NULL && *ip != '\0')
			buf_printf(&out, "%s%s|%s", out.b_len > 0 ? " " : "",
			    ip, strcmp(dhcp, "true") == 0 ? "DHCP" : "STATIC");
		free(dhcp);
		free(ip);
	}
	vireply_clear(&r);
	return (buf_take(&out));
}

static void
screen_home_draw(struct dcui *d)
{
	char		*v[SCREEN_HOME_NPATHS], *cause = NULL, *ips, *ip, *sp;
	char		*how;
	int		 all, on;
	size_t		 i;
	long long	 mem;

	ui_frame(d, "Vireo host console",
	    "<F2> Customize System/View Logs            "
	    "<F12> Shut Down/Restart");
	if (host_props(d, "HostSystem", "ha-host", screen_home_paths,
	    SCREEN_HOME_NPATHS, v, &cause) == -1) {
		ui_text(2, 1, "hostd is not answering:");
		ui_text(3, 0, "%s", cause);
		ui_text(5, 0, "The screen retries every few seconds.");
		free(cause);
		refresh();
		return;
	}
	ui_text(1, 1, "%s", v[1]);
	ui_text(2, 0, "Vireo %s (VMware ESXi compatible)", VERSION);
	ui_text(4, 1, "Host name: %s", v[0]);
	ips = screen_home_ips(d);
	ui_text(6, 0, "To manage this host, go to:");
	if (*ips == '\0')
		ui_text(7, 1, "https://%s/ (no management address "
		    "configured)", v[0]);
	else {
		ip = ips;
		for (i = 0; ip != NULL && i < 3; i++, ip = sp) {
			if ((sp = strchr(ip, ' ')) != NULL)
				*sp++ = '\0';
			if ((how = strchr(ip, '|')) != NULL)
				*how++ = '\0';
			ui_text(7 + (int)i, 1, "https://%s/ (%s)", ip,
			    how != NULL ? how : "STATIC");
		}
	}
	free(ips);
	mem = strtoll(v[4], NULL, 10);
	ui_text(11, 0, "CPU: %s x %s", v[3], v[2]);
	ui_text(12, 0, "Memory: %.1f GiB", (double)mem / (1024.0 * 1024.0 *
	    1024.0));
	if (screen_home_vms(d, &all, &on) == 0)
		ui_text(13, 0, "Virtual machines: %d running of %d", on, all);
	for (i = 0; i < SCREEN_HOME_NPATHS; i++)
		free(v[i]);
	refresh();
}

enum dcui_screen
screen_home_run(struct dcui *d)
{
	int	ch;

	halfdelay(SCREEN_HOME_REFRESH);
	for (;;) {
		screen_home_draw(d);
		if (d->d_once)
			return (DCUI_QUIT);
		ch = getch();
		switch (ch) {
		case KEY_F(2):
			cbreak();
			return (DCUI_LOGIN);
		case KEY_F(12):
			cbreak();
			return (DCUI_SHUTDOWN);
		default:
			break;
		}
	}
}
