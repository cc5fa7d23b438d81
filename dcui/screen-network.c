/* SPDX-License-Identifier: ISC */
/*
 * Configure Management Network: the interface vmk0 stands for, IPv4 by
 * DHCP or a static address, netmask and gateway, the DNS servers and the
 * host name, filled in from hostd's networkInfo, then applied through
 * HostNetworkSystem (UpdateVirtualNic, UpdateIpRouteConfig,
 * UpdateDnsConfig) after a confirmation.  hostd checks every value and
 * keeps what applied; each step's outcome is shown.  "Restart Management
 * Network" is RefreshNetworkSystem: hostd applies the saved settings again.
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

#define SCREEN_NETWORK_MAXNICS	16

struct screen_network_form {
	char	*nf_nics[SCREEN_NETWORK_MAXNICS];
	size_t	 nf_nnics;
	size_t	 nf_nic;
	int	 nf_dhcp;
	char	 nf_ip[64];
	char	 nf_mask[64];
	char	 nf_gw[64];
	char	 nf_dns[256];
	char	 nf_host[256];
	char	 nf_domain[256];
};

static int	screen_network_read(struct dcui *, struct screen_network_form *,
		    char **);
static void	screen_network_free(struct screen_network_form *);
static char	*screen_network_apply(struct dcui *,
		    const struct screen_network_form *);

static void
screen_network_copy(char *dst, size_t len, xmlNodePtr n, const char *path)
{
	char	*s = viprops_path(n, path);

	snprintf(dst, len, "%s", s);
	free(s);
}

/* The current settings, from HostNetworkSystem.networkInfo. */
static int
screen_network_read(struct dcui *d, struct screen_network_form *f,
    char **cause)
{
	static const char *const paths[] = { "networkInfo", NULL };
	static const char *const ids[] = { "networkSystem" };
	struct viprops	 p;
	xmlNodePtr	 info, n, a;
	char		*dev, *s, *pg;
	size_t		 i;

	memset(f, 0, sizeof *f);
	if (host_session(d, cause) == -1)
		return (-1);
	if (viprops_get(d->d_conn, "HostNetworkSystem", ids, 1, paths,
	    &p) == -1) {
		xasprintf(cause, "%s", viclient_errmsg(d->d_conn));
		return (-1);
	}
	if (p.p_n == 0 || (info = viprops_val(&p.p_obj[0], "networkInfo")) ==
	    NULL) {
		viprops_free(&p);
		xasprintf(cause, "hostd has no network information");
		return (-1);
	}
	pg = NULL;
	for (n = info->children; n != NULL; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (strcmp((const char *)n->name, "pnic") == 0 &&
		    f->nf_nnics < SCREEN_NETWORK_MAXNICS) {
			dev = viprops_path(n, "device");
			if (*dev != '\0')
				f->nf_nics[f->nf_nnics++] = dev;
			else
				free(dev);
		} else if (strcmp((const char *)n->name, "vnic") == 0 &&
		    pg == NULL) {
			pg = viprops_path(n, "portgroup");
			s = viprops_path(n, "spec/ip/dhcp");
			f->nf_dhcp = strcmp(s, "true") == 0;
			free(s);
			screen_network_copy(f->nf_ip, sizeof f->nf_ip, n,
			    "spec/ip/ipAddress");
			screen_network_copy(f->nf_mask, sizeof f->nf_mask, n,
			    "spec/ip/subnetMask");
		} else if (strcmp((const char *)n->name, "ipRouteConfig") ==
		    0)
			screen_network_copy(f->nf_gw, sizeof f->nf_gw, n,
			    "defaultGateway");
		else if (strcmp((const char *)n->name, "dnsConfig") == 0) {
			screen_network_copy(f->nf_host, sizeof f->nf_host, n,
			    "hostName");
			screen_network_copy(f->nf_domain, sizeof f->nf_domain,
			    n, "domainName");
			for (a = n->children; a != NULL; a = a->next) {
				if (a->type != XML_ELEMENT_NODE ||
				    strcmp((const char *)a->name,
				    "address") != 0)
					continue;
				s = viprops_path(a, "");
				if (strlen(f->nf_dns) + strlen(s) + 2 <
				    sizeof f->nf_dns)
					snprintf(f->nf_dns + strlen(f->nf_dns),
					    sizeof f->nf_dns -
					    strlen(f->nf_dns), "%s%s",
					    *f->nf_dns != '\0' ? "," : "", s);
				free(s);
			}
		}
	}
	for (i = 0; pg != NULL && i < f->nf_nnics; i++)
		if (strcmp(f->nf_nics[i], pg) == 0)
			f->nf_nic = i;
	free(pg);
	viprops_free(&p);
	if (f->nf_nnics == 0) {
		xasprintf(cause, "hostd sees no network interface");
		return (-1);
	}
	return (0);
}

static void
screen_network_free(struct screen_network_form *f)
{
	size_t	i;

	for (i = 0; i < f->nf_nnics; i++)
		free(f->nf_nics[i]);
}

/* Apply f; a report of each step (new). */
static char *
screen_network_apply(struct dcui *d, const struct screen_network_form *f)
{
	struct buf	 a, out;
	struct vireply	 r;
	char		*cause = NULL, *list, *s, *tok, *save = NULL;

	buf_init(&out);
	buf_init(&a);
	buf_elem(&a, "device", "vmk0");
	buf_str(&a, "<nic><ip><dhcp>");
	buf_str(&a, f->nf_dhcp ? "true" : "false");
	buf_str(&a, "</dhcp>");
	if (!f->nf_dhcp) {
		buf_elem(&a, "ipAddress", f->nf_ip);
		buf_elem(&a, "subnetMask", f->nf_mask);
	}
	buf_str(&a, "</ip>");
	buf_elem(&a, "portgroup", f->nf_nics[f->nf_nic]);
	buf_str(&a, "</nic>");
	if (host_call(d, "UpdateVirtualNic", "HostNetworkSystem",
	    "networkSystem", a.b_data, &r, &cause) == -1) {
		buf_printf(&out, "IP configuration: FAILED: %s\n", cause);
		free(cause);
		buf_free(&a);
		return (buf_take(&out));
	}
	vireply_clear(&r);
	buf_printf(&out, "IP configuration (%s, %s): OK\n",
	    f->nf_nics[f->nf_nic], f->nf_dhcp ? "DHCP" : f->nf_ip);
	buf_free(&a);
	if (!f->nf_dhcp) {
		buf_init(&a);
		buf_str(&a, "<config>");
		buf_elem(&a, "defaultGateway", f->nf_gw);
		buf_str(&a, "</config>");
		if (host_call(d, "UpdateIpRouteConfig", "HostNetworkSystem",
		    "networkSystem", a.b_data, &r, &cause) == -1) {
			buf_printf(&out, "Default gateway: FAILED: %s\n",
			    cause);
			free(cause);
			cause = NULL;
		} else {
			vireply_clear(&r);
			buf_printf(&out, "Default gateway %s: OK\n",
			    *f->nf_gw != '\0' ? f->nf_gw : "(none)");
		}
		buf_free(&a);
	}
	buf_init(&a);
	buf_str(&a, "<config><dhcp>false</dhcp>");
	buf_elem(&a, "hostName", f->nf_host);
	buf_elem(&a, "domainName", f->nf_domain);
	list = xstrdup(f->nf_dns);
	for (s = list; (tok = strtok_r(s, ", ", &save)) != NULL; s = NULL)
		buf_elem(&a, "address", tok);
	free(list);
	buf_str(&a, "</config>");
	if (host_call(d, "UpdateDnsConfig", "HostNetworkSystem",
	    "networkSystem", a.b_data, &r, &cause) == -1) {
		buf_printf(&out, "DNS and host name: FAILED: %s\n", cause);
		free(cause);
	} else {
		vireply_clear(&r);
		buf_printf(&out, "DNS and host name: OK\n");
	}
	buf_free(&a);
	return (buf_take(&out));
}

enum dcui_screen
screen_network_run(struct dcui *d)
{
	struct screen_network_form	 f;
	static const char *const	 modes[] = {
		"Use dynamic IPv4 address (DHCP)",
		"Set static IPv4 address and network configuration"
	};
	size_t				 mode;
	char				*cause = NULL, *report;
	int				 ch, step = 0;

	if (screen_network_read(d, &f, &cause) == -1) {
		ui_message(d, "Configure Management Network", "Cannot read "
		    "the network configuration:\n%s", cause);
		free(cause);
		screen_network_free(&f);
		return (DCUI_MENU);
	}
	while (step < 8) {
		ui_frame(d, "Configure Management Network",
		    "<Up/Down> Select   <Enter> Next   <Esc> Cancel");
		ch = '\n';
		switch (step) {
		case 0:
			ui_text(0, 1, "Network Adapter for the management "
			    "network (vmk0):");
			ch = ui_list(d, 2, (const char *const *)f.nf_nics,
			    f.nf_nnics, &f.nf_nic);
			break;
		case 1:
			ui_text(0, 1, "IPv4 Configuration:");
			mode = f.nf_dhcp ? 0 : 1;
			ch = ui_list(d, 2, modes, 2, &mode);
			f.nf_dhcp = mode == 0;
			break;
		case 2:
			if (!f.nf_dhcp)
				ch = ui_field(1, "IPv4 Address:   ", f.nf_ip,
				    sizeof f.nf_ip, 0);
			break;
		case 3:
			if (!f.nf_dhcp)
				ch = ui_field(2, "Subnet Mask:    ",
				    f.nf_mask, sizeof f.nf_mask, 0);
			break;
		case 4:
			if (!f.nf_dhcp)
				ch = ui_field(3, "Default Gateway:", f.nf_gw,
				    sizeof f.nf_gw, 0);
			break;
		case 5:
			ch = ui_field(4, "DNS Servers:    ", f.nf_dns,
			    sizeof f.nf_dns, 0);
			break;
		case 6:
			ch = ui_field(5, "Host Name:      ", f.nf_host,
			    sizeof f.nf_host, 0);
			break;
		case 7:
			ui_text(1, 0, "Adapter: %s   IPv4: %s",
			    f.nf_nics[f.nf_nic], f.nf_dhcp ? "DHCP" :
			    f.nf_ip);
			if (!f.nf_dhcp)
				ui_text(2, 0, "Netmask: %s   Gateway: %s",
				    f.nf_mask, f.nf_gw);
			ui_text(3, 0, "DNS: %s   Host name: %s", f.nf_dns,
			    f.nf_host);
			ui_text(5, 1, "Apply changes and restart management "
			    "network?  <Y> Yes  <N> No");
			refresh();
			ch = getch();
			if (ch == KEY_RESIZE)
				continue;
			if (ch != 'y' && ch != 'Y') {
				screen_network_free(&f);
				return (DCUI_MENU);
			}
			ch = '\n';
			break;
		}
		if (ch == KEY_RESIZE)
			continue;
		if (ch == UI_KEY_ESC) {
			screen_network_free(&f);
			return (DCUI_MENU);
		}
		if (ch == '\n')
			step++;
	}
	report = screen_network_apply(d, &f);
	ui_message(d, "Configure Management Network", "%s", report);
	free(report);
	screen_network_free(&f);
	return (DCUI_MENU);
}

enum dcui_screen
screen_network_restart(struct dcui *d)
{
	struct vireply	 r;
	char		*cause = NULL;

	if (!ui_confirm(d, "Restart Management Network",
	    "Restart the management network (apply its saved settings "
	    "again)?"))
		return (DCUI_MENU);
	if (host_call(d, "RefreshNetworkSystem", "HostNetworkSystem",
	    "networkSystem", NULL, &r, &cause) == -1) {
		ui_message(d, "Restart Management Network", "FAILED: %s",
		    cause);
		free(cause);
		return (DCUI_MENU);
	}
	vireply_clear(&r);
	ui_message(d, "Restart Management Network", "The management network "
	    "has been restarted.");
	return (DCUI_MENU);
}
