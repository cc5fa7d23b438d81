/* SPDX-License-Identifier: ISC */
/*
 * HostNetworkSystem networkSystem (HostSystem.configManager
 * .networkSystem): the management network as ESX models it.  vmk0, the
 * management VMkernel NIC, stands for one Linux interface (its portgroup
 * is that interface's name); the physical NICs are the Linux interfaces
 * with a device.  networkInfo (also HostSystem.config.network) shows the
 * live state: vmk0's address read from the kernel (getifaddrs), the
 * default gateway from /proc/net/route, the name servers of
 * etc/resolv.conf.  UpdateVirtualNic, UpdateIpRouteConfig and
 * UpdateDnsConfig change etc/vireo/network.conf through netconf.c: the
 * change is applied first and saved only if it applied, so the file
 * always holds a configuration that worked, and hostd applies it again at
 * start (hostd_mo_hostnetworksystem_setup).  RefreshNetworkSystem applies
 * the saved configuration again (the console's "Restart Management
 * Network").  Changes need Host.Config.Network.
 */

#include "config.h"

#include <sys/types.h>

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cfg.h"
#include "hostd.h"
#include "log.h"
#include "xmalloc.h"

#define HOSTD_MO_HOSTNETWORKSYSTEM_PRIV	"Host.Config.Network"
#define HOSTD_MO_HOSTNETWORKSYSTEM_VMK	"vmk0"

static char	*hostd_mo_hostnetworksystem_device(const char *,
		    const struct cfg *);
static int	 hostd_mo_hostnetworksystem_gateway(char *, size_t, char *,
		    size_t);
static struct hostd_val *hostd_mo_hostnetworksystem_pnics(void);
static struct hostd_val *hostd_mo_hostnetworksystem_vnic(const char *,
		    const struct cfg *);
static struct hostd_val *hostd_mo_hostnetworksystem_dns(const char *,
		    const struct cfg *);
static struct hostd_val *hostd_mo_hostnetworksystem_route(void);
static struct hostd_val *hostd_mo_hostnetworksystem_get_info(
		    const struct hostd_inventory_ctx *);
static struct hostd_val *hostd_mo_hostnetworksystem_get_dns(
		    const struct hostd_inventory_ctx *);
static struct hostd_val *hostd_mo_hostnetworksystem_get_route(
		    const struct hostd_inventory_ctx *);
static struct cfg *hostd_mo_hostnetworksystem_load(struct hostd_soap_req *);
static int	 hostd_mo_hostnetworksystem_change(struct hostd_soap_req *,
		    struct cfg *, int, const char *);
static int	 hostd_mo_hostnetworksystem_update_vnic(
		    struct hostd_soap_req *);
static int	 hostd_mo_hostnetworksystem_update_route(
		    struct hostd_soap_req *);
static int	 hostd_mo_hostnetworksystem_update_dns(
		    struct hostd_soap_req *);
static int	 hostd_mo_hostnetworksystem_refresh(struct hostd_soap_req *);

static const struct hostd_soap_param hostd_mo_hostnetworksystem_vnic_p[] = {
	{ "device", "string", 0 },
	{ "nic", "HostVirtualNicSpec", 0 },
	{ NULL, NULL, 0 }
};
static const struct hostd_soap_param hostd_mo_hostnetworksystem_route_p[] = {
	{ "config", "HostIpRouteConfig", 0 },
	{ NULL, NULL, 0 }
};
static const struct hostd_soap_param hostd_mo_hostnetworksystem_dns_p[] = {
	{ "config", "HostDnsConfig", 0 },
	{ NULL, NULL, 0 }
};
static const struct hostd_soap_param hostd_mo_hostnetworksystem_none[] = {
	{ NULL, NULL, 0 }
};

const struct hostd_soap_method hostd_mo_hostnetworksystem_methods[] = {
	{ "UpdateVirtualNic", "HostNetworkSystem",
	  HOSTD_MO_HOSTNETWORKSYSTEM_PRIV, 0,
	  hostd_mo_hostnetworksystem_update_vnic,
	  hostd_mo_hostnetworksystem_vnic_p },
	{ "UpdateIpRouteConfig", "HostNetworkSystem",
	  HOSTD_MO_HOSTNETWORKSYSTEM_PRIV, 0,
	  hostd_mo_hostnetworksystem_update_route,
	  hostd_mo_hostnetworksystem_route_p },
	{ "UpdateDnsConfig", "HostNetworkSystem",
	  HOSTD_MO_HOSTNETWORKSYSTEM_PRIV, 0,
	  hostd_mo_hostnetworksystem_update_dns,
	  hostd_mo_hostnetworksystem_dns_p },
	{ "RefreshNetworkSystem", "HostNetworkSystem",
	  HOSTD_MO_HOSTNETWORKSYSTEM_PRIV, 0,
	  hostd_mo_hostnetworksystem_refresh,
	  hostd_mo_hostnetworksystem_none },
	{ NULL, NULL, NULL, 0, NULL, NULL }
};

const struct hostd_inventory_prop hostd_mo_hostnetworksystem_props[] = {
	{ "networkInfo", hostd_mo_hostnetworksystem_get_info, "System.Read",
	  NULL },
	{ "dnsConfig", hostd_mo_hostnetworksystem_get_dns, "System.Read",
	  NULL },
	{ "ipRouteConfig", hostd_mo_hostnetworksystem_get_route,
	  "System.Read", NULL },
	{ NULL, NULL, NULL, NULL }
};

void
hostd_mo_hostnetworksystem_setup(const char *root)
{
	struct cfg	*c;
	char		*cause = NULL;

	if ((c = hostd_netconf_load(root, &cause)) == NULL) {
		log_warnx("network configuration: %s", cause);
		free(cause);
		return;
	}
	if (cfg_count(c) > 0) {
		if (hostd_netconf_apply(root, c, HOSTD_NETCONF_ALL,
		    &cause) == -1) {
			log_warnx("applying the network configuration: %s",
			    cause);
			free(cause);
		} else
			log_info("network configuration applied (%s)",
			    cfg_get(c, "net.device") != NULL ?
			    cfg_get(c, "net.device") : "no device");
	}
	cfg_free(c);
}

/* The default gateway and its interface, from /proc/net/route.  0 or -1. */
static int
hostd_mo_hostnetworksystem_gateway(char *gw, size_t gwlen, char *dev,
    size_t devlen)
{
	FILE		*f;
	char		 line[512], ifn[64];
	unsigned int	 dst, via, flags;
	struct in_addr	 a;

	if ((f = fopen("/proc/net/route", "re")) == NULL)
		return (-1);
	while (fgets(line, sizeof line, f) != NULL) {
		if (sscanf(line, "%63s %x %x %x", ifn, &dst, &via,
		    &flags) != 4 || dst != 0 || (flags & 0x2) == 0)
			continue;
		a.s_addr = via;
		inet_ntop(AF_INET, &a, gw, gwlen);
		snprintf(dev, devlen, "%s", ifn);
		fclose(f);
		return (0);
	}
	fclose(f);
	return (-1);
}

/* The Linux interface of vmk0 (new): the configured one, else the one of
 * the default route, else the first one with an IPv4 address. */
static char *
hostd_mo_hostnetworksystem_device(const char *root, const struct cfg *c)
{
	struct ifaddrs	*ifa, *i;
	char		 gw[64], dev[64];
	char		*found = NULL;

	(void)root;
	if (c != NULL && cfg_get(c, "net.device") != NULL)
		return (xstrdup(cfg_get(c, "net.device")));
	if (hostd_mo_hostnetworksystem_gateway(gw, sizeof gw, dev,
	    sizeof dev) == 0)
		return (xstrdup(dev));
	if (getifaddrs(&ifa) == -1)
		return (NULL);
	for (i = ifa; i != NULL && found == NULL; i = i->ifa_next)
		if (i->ifa_addr != NULL && i->ifa_addr->sa_family == AF_INET &&
		    (i->ifa_flags & IFF_LOOPBACK) == 0)
			found = xstrdup(i->ifa_name);
	freeifaddrs(ifa);
	return (found);
}

static struct hostd_val *
hostd_mo_hostnetworksystem_pnics(void)
{
	struct ifaddrs		*ifa, *i;
	struct hostd_val	*arr, *p, *spec;
	char			 path[256], mac[64], key[128];
	FILE			*f;

	arr = hostd_val_array("PhysicalNic");
	if (getifaddrs(&ifa) == -1)
		return (arr);
	for (i = ifa; i != NULL; i = i->ifa_next) {
		/* One AF_PACKET entry per link. */
		if (i->ifa_addr == NULL || i->ifa_addr->sa_family != AF_PACKET ||
		    (i->ifa_flags & IFF_LOOPBACK))
			continue;
		*mac = '\0';
		snprintf(path, sizeof path, "/sys/class/net/%s/address",
		    i->ifa_name);
		if ((f = fopen(path, "re")) != NULL) {
			if (fgets(mac, sizeof mac, f) == NULL)
				*mac = '\0';
			mac[strcspn(mac, "\n")] = '\0';
			fclose(f);
		}
		snprintf(key, sizeof key, "key-vim.host.PhysicalNic-%s",
		    i->ifa_name);
		p = hostd_val_object("PhysicalNic");
		hostd_val_add_str(p, "key", key);
		hostd_val_add_str(p, "device", i->ifa_name);
		hostd_val_add_str(p, "pci", "");
		spec = hostd_val_object("PhysicalNicSpec");
		hostd_val_add(p, "spec", spec);
		hostd_val_add_bool(p, "wakeOnLanSupported", 0);
		hostd_val_add_str(p, "mac", mac);
		hostd_val_push(arr, p);
	}
	freeifaddrs(ifa);
	return (arr);
}

static struct hostd_val *
hostd_mo_hostnetworksystem_vnic(const char *root, const struct cfg *c)
{
	struct ifaddrs		*ifa, *i;
	struct hostd_val	*arr, *v, *spec, *ip;
	char			*dev, addr[64] = "", mask[64] = "";

	arr = hostd_val_array("HostVirtualNic");
	if ((dev = hostd_mo_hostnetworksystem_device(root, c)) == NULL)
		return (arr);
	if (getifaddrs(&ifa) == 0) {
		for (i = ifa; i != NULL; i = i->ifa_next) {
			if (i->ifa_addr == NULL || i->ifa_netmask == NULL ||
			    i->ifa_addr->sa_family != AF_INET ||
			    strcmp(i->ifa_name, dev) != 0)
				continue;
			inet_ntop(AF_INET, &((struct sockaddr_in *)
			    (void *)i->ifa_addr)->sin_addr, addr, sizeof addr);
			inet_ntop(AF_INET, &((struct sockaddr_in *)
			    (void *)i->ifa_netmask)->sin_addr, mask,
			    sizeof mask);
			break;
		}
		freeifaddrs(ifa);
	}
	v = hostd_val_object("HostVirtualNic");
	hostd_val_add_str(v, "device", HOSTD_MO_HOSTNETWORKSYSTEM_VMK);
	hostd_val_add_str(v, "key", "key-vim.host.VirtualNic-"
	    HOSTD_MO_HOSTNETWORKSYSTEM_VMK);
	hostd_val_add_str(v, "portgroup", dev);
	spec = hostd_val_object("HostVirtualNicSpec");
	ip = hostd_val_object("HostIpConfig");
	hostd_val_add_bool(ip, "dhcp", c != NULL &&
	    cfg_get_bool(c, "net.dhcp", 0));
	hostd_val_add_str(ip, "ipAddress", addr);
	hostd_val_add_str(ip, "subnetMask", mask);
	hostd_val_add(spec, "ip", ip);
	hostd_val_add_str(spec, "portgroup", dev);
	hostd_val_add(v, "spec", spec);
	hostd_val_push(arr, v);
	free(dev);
	return (arr);
}

static struct hostd_val *
hostd_mo_hostnetworksystem_dns(const char *root, const struct cfg *c)
{
	struct hostd_val	*v, *addrs, *search;
	char			 host[256], path[4096], line[512], word[256];
	char			 arg[256];
	const char		*dom = "";
	FILE			*f;

	v = hostd_val_object("HostDnsConfig");
	hostd_val_add_bool(v, "dhcp", c != NULL &&
	    cfg_get_bool(c, "net.dhcp", 0));
	if (gethostname(host, sizeof host) != 0)
		snprintf(host, sizeof host, "localhost");
	host[sizeof host - 1] = '\0';
	hostd_val_add_str(v, "hostName", host);
	addrs = hostd_val_array("string");
	search = hostd_val_array("string");
	snprintf(path, sizeof path, "%s/etc/resolv.conf", root);
	if ((f = fopen(path, "re")) != NULL) {
		while (fgets(line, sizeof line, f) != NULL) {
			if (sscanf(line, "%255s %255s", word, arg) != 2)
				continue;
			if (strcmp(word, "nameserver") == 0)
				hostd_val_push(addrs, hostd_val_string(arg));
			else if (strcmp(word, "search") == 0 ||
			    strcmp(word, "domain") == 0)
				hostd_val_push(search, hostd_val_string(arg));
		}
		fclose(f);
	}
	if (c != NULL && cfg_get(c, "net.domain") != NULL)
		dom = cfg_get(c, "net.domain");
	else if (search->v_nitems > 0)
		dom = search->v_items[0]->v_str;
	hostd_val_add_str(v, "domainName", dom);
	hostd_val_add(v, "address", addrs);
	hostd_val_add(v, "searchDomain", search);
	return (v);
}

static struct hostd_val *
hostd_mo_hostnetworksystem_route(void)
{
	struct hostd_val	*v;
	char			 gw[64], dev[64];

	v = hostd_val_object("HostIpRouteConfig");
	if (hostd_mo_hostnetworksystem_gateway(gw, sizeof gw, dev,
	    sizeof dev) == 0) {
		hostd_val_add_str(v, "defaultGateway", gw);
		hostd_val_add_str(v, "gatewayDevice",
		    HOSTD_MO_HOSTNETWORKSYSTEM_VMK);
	}
	return (v);
}

struct hostd_val *
hostd_mo_hostnetworksystem_info(struct hostd_inventory *inv)
{
	struct hostd_val	*v;
	struct cfg		*c;
	const char		*root = hostd_inventory_rootdir(inv);
	char			*cause = NULL;

	if ((c = hostd_netconf_load(root, &cause)) == NULL) {
		log_warnx("network configuration: %s", cause);
		free(cause);
	}
	v = hostd_val_object("HostNetworkInfo");
	hostd_val_add(v, "pnic", hostd_mo_hostnetworksystem_pnics());
	hostd_val_add(v, "vnic", hostd_mo_hostnetworksystem_vnic(root, c));
	hostd_val_add(v, "dnsConfig", hostd_mo_hostnetworksystem_dns(root, c));
	hostd_val_add(v, "ipRouteConfig", hostd_mo_hostnetworksystem_route());
	cfg_free(c);
	return (v);
}

static struct hostd_val *
hostd_mo_hostnetworksystem_get_info(const struct hostd_inventory_ctx *ctx)
{
	return (hostd_mo_hostnetworksystem_info(ctx->ic_inv));
}

static struct hostd_val *
hostd_mo_hostnetworksystem_get_dns(const struct hostd_inventory_ctx *ctx)
{
	struct hostd_val	*v;
	struct cfg		*c;
	const char		*root = hostd_inventory_rootdir(ctx->ic_inv);
	char			*cause = NULL;

	c = hostd_netconf_load(root, &cause);
	free(cause);
	v = hostd_mo_hostnetworksystem_dns(root, c);
	cfg_free(c);
	return (v);
}

static struct hostd_val *
hostd_mo_hostnetworksystem_get_route(const struct hostd_inventory_ctx *ctx)
{
	(void)ctx;
	return (hostd_mo_hostnetworksystem_route());
}

/* Check, apply (what) and then save c; answer what.  Takes c. */
static int
hostd_mo_hostnetworksystem_change(struct hostd_soap_req *req, struct cfg *c,
    int what, const char *label)
{
	struct hostd_inventory	*inv = hostd_soap_inventory(req->r_soap);
	const char		*root = hostd_inventory_rootdir(inv);
	const char		*user = req->r_session->s_user;
	char			*cause = NULL;

	if (hostd_netconf_check(c, &cause) == -1) {
		req->r_fault = hostd_fault_create("InvalidArgument",
		    "A specified parameter was not correct: %s", cause);
		free(cause);
		cfg_free(c);
		return (0);
	}
	if (hostd_netconf_apply(root, c, what, &cause) == -1 ||
	    hostd_netconf_save(root, c, &cause) == -1) {
		log_warnx("%s by %s: %s", label, user, cause);
		req->r_fault = hostd_fault_system_error(cause);
		free(cause);
		cfg_free(c);
		return (0);
	}
	cfg_free(c);
	log_info("%s by %s", label, user);
	hostd_event_post(req->r_soap, "GeneralUserEvent", NULL, user,
	    "%s by %s", label, user);
	hostd_inventory_changed(inv, hostd_inventory_find(inv,
	    "HostNetworkSystem", HOSTD_MO_NETWORKSYSTEM, NULL), "networkInfo");
	hostd_inventory_changed(inv, hostd_inventory_find(inv, "HostSystem",
	    HOSTD_MO_HOST, NULL), "config");
	return (0);
}

/* The saved configuration for a change, or NULL with r_fault set. */
static struct cfg *
hostd_mo_hostnetworksystem_load(struct hostd_soap_req *req)
{
	struct cfg	*c;
	char		*cause = NULL;

	c = hostd_netconf_load(hostd_inventory_rootdir(hostd_soap_inventory(
	    req->r_soap)), &cause);
	if (c == NULL) {
		req->r_fault = hostd_fault_system_error(cause);
		free(cause);
	}
	return (c);
}

static int
hostd_mo_hostnetworksystem_update_vnic(struct hostd_soap_req *req)
{
	const struct hostd_val	*nic, *ip;
	const char		*dev, *pg, *addr, *mask;
	struct cfg		*c;
	int			 dhcp = 0;

	dev = hostd_val_str(hostd_val_field(req->r_params, "device"));
	nic = hostd_val_field(req->r_params, "nic");
	if (strcmp(dev, HOSTD_MO_HOSTNETWORKSYSTEM_VMK) != 0) {
		req->r_fault = hostd_fault_create("NotFound",
		    "No virtual NIC %.32s: this host has only %s.", dev,
		    HOSTD_MO_HOSTNETWORKSYSTEM_VMK);
		return (0);
	}
	if ((c = hostd_mo_hostnetworksystem_load(req)) == NULL)
		return (0);
	if ((pg = hostd_val_str(hostd_val_field(nic, "portgroup"))) != NULL &&
	    *pg != '\0')
		cfg_set(c, "net.device", pg);
	else if (cfg_get(c, "net.device") == NULL) {
		cfg_free(c);
		req->r_fault = hostd_fault_invalid_argument("nic.portgroup");
		return (0);
	}
	if ((ip = hostd_val_field(nic, "ip")) != NULL) {
		if (hostd_val_field(ip, "dhcp") != NULL &&
		    hostd_val_get_bool(hostd_val_field(ip, "dhcp"),
		    &dhcp) == -1) {
			cfg_free(c);
			req->r_fault = hostd_fault_invalid_argument(
			    "nic.ip.dhcp");
			return (0);
		}
		addr = hostd_val_str(hostd_val_field(ip, "ipAddress"));
		mask = hostd_val_str(hostd_val_field(ip, "subnetMask"));
		if (!dhcp && (addr == NULL || *addr == '\0' ||
		    mask == NULL || *mask == '\0')) {
			cfg_free(c);
			req->r_fault = hostd_fault_invalid_argument(
			    "nic.ip.ipAddress");
			return (0);
		}
		cfg_set(c, "net.dhcp", dhcp ? "true" : "false");
		if (!dhcp) {
			cfg_set(c, "net.ip", addr);
			cfg_set(c, "net.netmask", mask);
		} else {
			cfg_unset(c, "net.ip");
			cfg_unset(c, "net.netmask");
		}
	}
	return (hostd_mo_hostnetworksystem_change(req, c, HOSTD_NETCONF_ADDR,
	    "management network address changed"));
}

static int
hostd_mo_hostnetworksystem_update_route(struct hostd_soap_req *req)
{
	const struct hostd_val	*conf;
	const char		*gw;
	struct cfg		*c;

	conf = hostd_val_field(req->r_params, "config");
	if ((c = hostd_mo_hostnetworksystem_load(req)) == NULL)
		return (0);
	gw = hostd_val_str(hostd_val_field(conf, "defaultGateway"));
	if (gw != NULL && *gw != '\0')
		cfg_set(c, "net.gateway", gw);
	else
		cfg_unset(c, "net.gateway");
	return (hostd_mo_hostnetworksystem_change(req, c, HOSTD_NETCONF_ROUTE,
	    "management network gateway changed"));
}

static int
hostd_mo_hostnetworksystem_update_dns(struct hostd_soap_req *req)
{
	const struct hostd_val	*conf;
	const char		*s;
	struct cfg		*c;
	char			*list = NULL, *t;
	size_t			 i, n;

	conf = hostd_val_field(req->r_params, "config");
	if ((c = hostd_mo_hostnetworksystem_load(req)) == NULL)
		return (0);
	if ((s = hostd_val_str(hostd_val_field(conf, "hostName"))) != NULL &&
	    *s != '\0')
		cfg_set(c, "net.hostname", s);
	if ((s = hostd_val_str(hostd_val_field(conf, "domainName"))) != NULL)
		cfg_set(c, "net.domain", s);
	n = hostd_val_field_count(conf, "address");
	for (i = 0; i < n; i++) {
		s = hostd_val_str(hostd_val_field_nth(conf, "address", i));
		if (s == NULL || *s == '\0' || strchr(s, ',') != NULL) {
			free(list);
			cfg_free(c);
			req->r_fault = hostd_fault_invalid_argument(
			    "config.address");
			return (0);
		}
		xasprintf(&t, "%s%s%s", list != NULL ? list : "",
		    list != NULL ? "," : "", s);
		free(list);
		list = t;
	}
	if (list != NULL)
		cfg_set(c, "net.dns", list);
	else
		cfg_unset(c, "net.dns");
	free(list);
	return (hostd_mo_hostnetworksystem_change(req, c, HOSTD_NETCONF_DNS,
	    "DNS configuration changed"));
}

static int
hostd_mo_hostnetworksystem_refresh(struct hostd_soap_req *req)
{
	struct cfg	*c;

	if ((c = hostd_mo_hostnetworksystem_load(req)) == NULL)
		return (0);
	return (hostd_mo_hostnetworksystem_change(req, c, HOSTD_NETCONF_ALL,
	    "management network restarted"));
}
