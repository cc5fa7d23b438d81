/* SPDX-License-Identifier: ISC */
/*
 * Vireo_VirtualComputerSystem: hostd's virtual machines, read through
 * hostd's Unix socket (run/vireo/hostd.sock) with the same SOAP any VI
 * client sends (Login, RetrievePropertiesEx, PowerOnVM_Task,
 * PowerOffVM_Task), and RequestStateChange(2 enabled, 3 disabled)
 * powering them on and off.  hostd wants a Login on its socket too: the
 * account comes from etc/vireo/cimom/hostd.cred ("user:password", mode
 * 0600, never logged) when the administrator made one, else from a local
 * ticket for root (SessionManager.AcquireLocalTicket).  Without hostd there are no VMs: an empty
 * enumeration, not an error, so CIM_ComputerSystem still enumerates.
 *
 * Only the CMPI API and libc: the HTTP and SOAP here are deliberately
 * small (one request per connection, read by Content-Length; answers are
 * searched for the few elements needed, and entities decoded).
 */

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "provutil.h"

#define VM_CLASS	"Vireo_VirtualComputerSystem"
#define VM_MAX_REPLY	(4 * 1024 * 1024)
#define VM_TIMEOUT	30	/* s, a power operation */
#define VM_ENVELOPE_HEAD						\
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>"			\
	"<soapenv:Envelope "						\
	"xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\" "	\
	"xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "	\
	"xmlns:urn=\"urn:vim25\"><soapenv:Body>"
#define VM_ENVELOPE_TAIL "</soapenv:Body></soapenv:Envelope>"

struct vm_conn {
	char	 vc_sock[108];
	char	 vc_cookie[512];
};

struct vm_info {
	char	 vi_id[64];
	char	 vi_name[256];
	char	 vi_state[32];
	char	 vi_path[1024];
	long	 vi_mem;
	long	 vi_cpus;
};

#define VM_MAX	256

static const CMPIBroker *vm_broker;

static int	vm_request(struct vm_conn *, const char *, char **, int *);
static int	vm_ticket(struct vm_conn *, char *, size_t, char *, size_t);
static int	vm_login(struct vm_conn *);
static char	*vm_element(const char *, const char *, const char **);
static void	vm_unescape(char *);
static void	vm_escape(const char *, char *, size_t);
static size_t	vm_list(struct vm_conn *, struct vm_info *, size_t);
static int	vm_connect(struct vm_conn *);
static size_t	vm_instances(const CMPIBroker *, const char *,
		    CMPIInstance **, size_t);
static int	vm_power(struct vm_conn *, const char *, int);

/* The text of the first <name ...>text</name> at or after s (heap,
 * decoded); *end after it. */
static char *
vm_element(const char *s, const char *name, const char **end)
{
	char		 open[80], close[80];
	const char	*p, *q, *gt;
	char		*v;
	size_t		 n = strlen(name);

	snprintf(open, sizeof open, "<%s", name);
	snprintf(close, sizeof close, "</%s>", name);
	for (p = s; (p = strstr(p, open)) != NULL; p += n + 1)
		if (p[n + 1] == '>' || p[n + 1] == ' ')
			break;
	if (p == NULL || (gt = strchr(p, '>')) == NULL)
		return (NULL);
	if (gt[-1] == '/') {
		if (end != NULL)
			*end = gt + 1;
		return (strdup(""));
	}
	if ((q = strstr(gt + 1, close)) == NULL)
		return (NULL);
	if ((v = strndup(gt + 1, (size_t)(q - gt - 1))) == NULL)
		return (NULL);
	vm_unescape(v);
	if (end != NULL)
		*end = q + strlen(close);
	return (v);
}

static void
vm_unescape(char *s)
{
	static const struct {
		const char	*e;
		char		 c;
	} ents[] = {
		{ "&lt;", '<' }, { "&gt;", '>' }, { "&quot;", '"' },
		{ "&apos;", '\'' }, { "&amp;", '&' },
	};
	char	*r = s, *w = s;
	size_t	 i, n;
	int	 done;

	while (*r != '\0') {
		done = 0;
		for (i = 0; *r == '&' && i < sizeof ents / sizeof ents[0];
		    i++) {
			n = strlen(ents[i].e);
			if (strncmp(r, ents[i].e, n) == 0) {
				*w++ = ents[i].c;
				r += n;
				done = 1;
				break;
			}
		}
		if (!done)
			*w++ = *r++;
	}
	*w = '\0';
}

static void
vm_escape(const char *s, char *out, size_t len)
{
	size_t	o = 0;

	for (; *s != '\0' && o + 7 < len; s++) {
		switch (*s) {
		case '<': o += (size_t)snprintf(out + o, len - o, "&lt;"); break;
		case '>': o += (size_t)snprintf(out + o, len - o, "&gt;"); break;
		case '&': o += (size_t)snprintf(out + o, len - o, "&amp;"); break;
		case '"': o += (size_t)snprintf(out + o, len - o, "&quot;");
			break;
		default: out[o++] = *s;
		}
	}
	out[o] = '\0';
}

static int
vm_connect(struct vm_conn *c)
{
	struct sockaddr_un	sun;
	struct timeval		tv = { VM_TIMEOUT, 0 };
	int			fd;

	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof sun.sun_path, "%s", c->vc_sock);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return (-1);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
	if (connect(fd, (struct sockaddr *)&sun, sizeof sun) == -1) {
		close(fd);
		return (-1);
	}
	return (fd);
}

/* POST body (the Body's content) to /sdk; the reply (heap) and status. */
static int
vm_request(struct vm_conn *c, const char *body, char **reply, int *status)
{
	char	*req, *buf, *cookie, *end, *cl;
	size_t	 len = 0, cap = 65536, hdrlen, want;
	ssize_t	 n;
	int	 fd, rlen;

	*reply = NULL;
	if ((fd = vm_connect(c)) == -1)
		return (-1);
	rlen = asprintf(&req, "POST /sdk HTTP/1.1\r\nHost: localhost\r\n"
	    "Content-Type: text/xml; charset=utf-8\r\n"
	    "SOAPAction: \"urn:vim25/6.7\"\r\n"
	    "%s%s%sContent-Length: %zu\r\n\r\n%s%s%s",
	    c->vc_cookie[0] != '\0' ? "Cookie: " : "", c->vc_cookie,
	    c->vc_cookie[0] != '\0' ? "\r\n" : "",
	    strlen(VM_ENVELOPE_HEAD) + strlen(body) + strlen(VM_ENVELOPE_TAIL),
	    VM_ENVELOPE_HEAD, body, VM_ENVELOPE_TAIL);
	if (rlen == -1 || write(fd, req, (size_t)rlen) != rlen) {
		if (rlen != -1)
			free(req);
		close(fd);
		return (-1);
	}
	explicit_bzero(req, (size_t)rlen);
	free(req);
	if ((buf = malloc(cap + 1)) == NULL) {
		close(fd);
		return (-1);
	}
	buf[0] = '\0';
	/* Read the head, then exactly Content-Length bytes: the request is
	 * sent without "Connection: close" (hostd's Unix socket mishandles
	 * it, see the report), so the reply does not end the stream. */
	hdrlen = 0;
	want = 0;
	for (;;) {
		if (hdrlen == 0 && (end = strstr(buf, "\r\n\r\n")) != NULL) {
			hdrlen = (size_t)(end - buf) + 4;
			if ((cl = strcasestr(buf, "\r\nContent-Length:")) ==
			    NULL || cl > end)
				break;
			want = hdrlen + strtoul(cl + 17, NULL, 10);
		}
		if (hdrlen != 0 && len >= want)
			break;
		if (len == cap) {
			if (cap >= VM_MAX_REPLY ||
			    (end = realloc(buf, cap * 2 + 1)) == NULL)
				break;
			buf = end;
			cap *= 2;
		}
		if ((n = read(fd, buf + len, cap - len)) <= 0)
			break;
		len += (size_t)n;
		buf[len] = '\0';
	}
	close(fd);
	buf[len] = '\0';
	if (sscanf(buf, "HTTP/1.%*d %d", status) != 1) {
		free(buf);
		return (-1);
	}
	if ((cookie = strcasestr(buf, "\r\nSet-Cookie: ")) != NULL) {
		cookie += 14;
		snprintf(c->vc_cookie, sizeof c->vc_cookie, "%.*s",
		    (int)strcspn(cookie, ";\r\n"), cookie);
	}
	*reply = buf;
	return (0);
}

/*
 * Without a credentials file: a local ticket for root, as any local
 * client of ESX's hostd does (SessionManager.AcquireLocalTicket; the
 * provider host runs as root, and reading the ticket's file is the proof
 * of being local).  The one-time password goes into *user and *pass.
 */
static int
vm_ticket(struct vm_conn *c, char *user, size_t ulen, char *pass,
    size_t plen)
{
	static const char body[] =
	    "<urn:AcquireLocalTicket><urn:_this type=\"SessionManager\">"
	    "ha-sessionmgr</urn:_this><urn:userName>root</urn:userName>"
	    "</urn:AcquireLocalTicket>";
	char	*reply, *path, *pw;
	int	 status;

	if (vm_request(c, body, &reply, &status) == -1)
		return (-1);
	path = status == 200 ? vm_element(reply, "passwordFilePath", NULL) :
	    NULL;
	free(reply);
	if (path == NULL)
		return (-1);
	pw = provutil_file(path);
	free(path);
	if (pw == NULL)
		return (-1);
	pw[strcspn(pw, "\r\n")] = '\0';
	snprintf(user, ulen, "root");
	vm_escape(pw, pass, plen);
	explicit_bzero(pw, strlen(pw));
	free(pw);
	return (0);
}

/* Log in with etc/vireo/cimom/hostd.cred, or else a local ticket. */
static int
vm_login(struct vm_conn *c)
{
	struct stat	 st;
	const char	*root = getenv("VIREO_ROOT");
	char		 path[1024], user[256], pass[512], body[2048];
	char		*cred, *colon, *reply;
	int		 status, rc;

	snprintf(path, sizeof path, "%s/etc/vireo/cimom/hostd.cred",
	    root != NULL ? root : "");
	if (stat(path, &st) == -1) {
		if (errno != ENOENT ||
		    vm_ticket(c, user, sizeof user, pass, sizeof pass) == -1)
			return (-1);
	} else {
		/* A readable-by-others password file is refused, not used. */
		if ((st.st_mode & 077) != 0 ||
		    (cred = provutil_file(path)) == NULL)
			return (-1);
		if ((colon = strchr(cred, ':')) == NULL) {
			free(cred);
			return (-1);
		}
		*colon = '\0';
		vm_escape(cred, user, sizeof user);
		vm_escape(colon + 1, pass, sizeof pass);
		explicit_bzero(colon + 1, strlen(colon + 1));
		free(cred);
	}
	snprintf(body, sizeof body, "<urn:Login><urn:_this type=\""
	    "SessionManager\">ha-sessionmgr</urn:_this><urn:userName>%s"
	    "</urn:userName><urn:password>%s</urn:password></urn:Login>",
	    user, pass);
	explicit_bzero(pass, sizeof pass);
	rc = vm_request(c, body, &reply, &status);
	explicit_bzero(body, sizeof body);
	if (rc == -1)
		return (-1);
	free(reply);
	return (status == 200 && c->vc_cookie[0] != '\0' ? 0 : -1);
}

static size_t
vm_list(struct vm_conn *c, struct vm_info *v, size_t max)
{
	static const char body[] =
	    "<urn:RetrievePropertiesEx><urn:_this type=\"PropertyCollector\">"
	    "ha-property-collector</urn:_this><urn:specSet><urn:propSet>"
	    "<urn:type>VirtualMachine</urn:type>"
	    "<urn:pathSet>name</urn:pathSet>"
	    "<urn:pathSet>runtime.powerState</urn:pathSet>"
	    "<urn:pathSet>config.hardware.memoryMB</urn:pathSet>"
	    "<urn:pathSet>config.hardware.numCPU</urn:pathSet>"
	    "<urn:pathSet>config.files.vmPathName</urn:pathSet>"
	    "</urn:propSet><urn:objectSet>"
	    "<urn:obj type=\"Folder\">ha-folder-vm</urn:obj>"
	    "<urn:skip>true</urn:skip>"
	    "<urn:selectSet xsi:type=\"urn:TraversalSpec\"><urn:name>vms"
	    "</urn:name><urn:type>Folder</urn:type><urn:path>childEntity"
	    "</urn:path><urn:skip>false</urn:skip></urn:selectSet>"
	    "</urn:objectSet></urn:specSet><urn:options></urn:options>"
	    "</urn:RetrievePropertiesEx>";
	const char	*p, *q, *end;
	char		*reply, *obj, *ps, *name, *val;
	size_t		 n = 0;
	int		 status;

	if (vm_request(c, body, &reply, &status) == -1)
		return (0);
	for (p = reply; n < max && (obj = vm_element(p, "objects", &end)) !=
	    NULL; p = end) {
		memset(&v[n], 0, sizeof v[n]);
		if ((name = vm_element(obj, "obj", NULL)) != NULL) {
			snprintf(v[n].vi_id, sizeof v[n].vi_id, "%s", name);
			free(name);
		}
		for (q = obj; (ps = vm_element(q, "propSet", &q)) != NULL;) {
			name = vm_element(ps, "name", NULL);
			val = vm_element(ps, "val", NULL);
			if (name != NULL && val != NULL) {
				if (strcmp(name, "name") == 0)
					snprintf(v[n].vi_name,
					    sizeof v[n].vi_name, "%s", val);
				else if (strcmp(name, "runtime.powerState") == 0)
					snprintf(v[n].vi_state,
					    sizeof v[n].vi_state, "%s", val);
				else if (strcmp(name,
				    "config.files.vmPathName") == 0)
					snprintf(v[n].vi_path,
					    sizeof v[n].vi_path, "%s", val);
				else if (strcmp(name,
				    "config.hardware.memoryMB") == 0)
					v[n].vi_mem = strtol(val, NULL, 10);
				else if (strcmp(name,
				    "config.hardware.numCPU") == 0)
					v[n].vi_cpus = strtol(val, NULL, 10);
			}
			free(name);
			free(val);
			free(ps);
		}
		free(obj);
		if (v[n].vi_id[0] != '\0')
			n++;
	}
	free(reply);
	return (n);
}

static size_t
vm_instances(const CMPIBroker *b, const char *ns, CMPIInstance **out,
    size_t max)
{
	static const unsigned short ok[] = { 2 }, dedicated[] = { 0 };
	struct vm_conn	 c;
	struct vm_info	*v;
	CMPIObjectPath	*op;
	CMPIInstance	*i;
	const char	*root = getenv("VIREO_ROOT");
	size_t		 n, k;
	unsigned int	 state;

	memset(&c, 0, sizeof c);
	snprintf(c.vc_sock, sizeof c.vc_sock, "%s/run/vireo/hostd.sock",
	    root != NULL ? root : "");
	if (vm_login(&c) == -1)
		return (0);
	if ((v = calloc(VM_MAX, sizeof *v)) == NULL)
		return (0);
	n = vm_list(&c, v, max < VM_MAX ? max : VM_MAX);
	for (k = 0; k < n; k++) {
		op = CMNewObjectPath(b, ns, VM_CLASS, NULL);
		CMAddKey(op, "CreationClassName", VM_CLASS, CMPI_chars);
		CMAddKey(op, "Name", v[k].vi_id, CMPI_chars);
		i = CMNewInstance(b, op, NULL);
		provutil_str(i, "ElementName", v[k].vi_name);
		provutil_str(i, "VMId", v[k].vi_id);
		provutil_str(i, "VmxPath", v[k].vi_path);
		provutil_str(i, "NameFormat", "Other");
		provutil_u32(i, "MemorySizeMB", (unsigned long)v[k].vi_mem);
		provutil_u16(i, "NumCPUs", (unsigned int)v[k].vi_cpus);
		/* poweredOn: Enabled; suspended: Enabled but Offline. */
		state = strcmp(v[k].vi_state, "poweredOn") == 0 ? 2 :
		    strcmp(v[k].vi_state, "suspended") == 0 ? 6 : 3;
		provutil_u16(i, "EnabledState", state);
		provutil_u16(i, "RequestedState", 12);
		provutil_u16a(b, i, "Dedicated", dedicated, 1);
		provutil_u16a(b, i, "OperationalStatus", ok, 1);
		provutil_u16(i, "HealthState", 5);
		out[k] = i;
	}
	free(v);
	return (n);
}

/*
 * Power VM id on (on) or off through hostd and wait for the task.
 * 0 done, 4097 invalid state transition, 4 failed.
 */
static int
vm_power(struct vm_conn *c, const char *id, int on)
{
	char		 body[1024], eid[256], *reply, *task, *state;
	const char	*op = on ? "PowerOnVM_Task" : "PowerOffVM_Task";
	time_t		 deadline = time(NULL) + VM_TIMEOUT;
	int		 status, rc = 4;

	vm_escape(id, eid, sizeof eid);
	snprintf(body, sizeof body, "<urn:%s><urn:_this type=\"VirtualMachine"
	    "\">%s</urn:_this></urn:%s>", op, eid, op);
	if (vm_request(c, body, &reply, &status) == -1)
		return (4);
	if (status != 200) {
		rc = strstr(reply, "InvalidPowerState") != NULL ? 4097 : 4;
		free(reply);
		return (rc);
	}
	task = vm_element(reply, "returnval", NULL);
	free(reply);
	if (task == NULL)
		return (4);
	vm_escape(task, eid, sizeof eid);
	free(task);
	while (time(NULL) < deadline) {
		snprintf(body, sizeof body, "<urn:RetrievePropertiesEx>"
		    "<urn:_this type=\"PropertyCollector\">ha-property-"
		    "collector</urn:_this><urn:specSet><urn:propSet><urn:type>"
		    "Task</urn:type><urn:pathSet>info</urn:pathSet>"
		    "</urn:propSet><urn:objectSet><urn:obj type=\"Task\">%s"
		    "</urn:obj></urn:objectSet></urn:specSet><urn:options>"
		    "</urn:options></urn:RetrievePropertiesEx>", eid);
		if (vm_request(c, body, &reply, &status) == -1)
			return (4);
		state = vm_element(reply, "state", NULL);
		rc = state == NULL ? 4 : strcmp(state, "success") == 0 ? 0 :
		    strcmp(state, "error") == 0 ? (strstr(reply,
		    "InvalidPowerState") != NULL ? 4097 : 4) : -1;
		free(state);
		free(reply);
		if (rc != -1)
			return (rc);
		usleep(100000);
	}
	return (4);
}

PROVUTIL_INSTANCE_MI(VireoVirtualSystem, vm_instances)

static CMPIStatus
vm_mcleanup(CMPIMethodMI *mi, const CMPIContext *ctx, CMPIBoolean t)
{
	CMReturn(CMPI_RC_OK);
}

static CMPIStatus
vm_invoke(CMPIMethodMI *mi, const CMPIContext *ctx, const CMPIResult *r,
    const CMPIObjectPath *op, const char *method, const CMPIArgs *in,
    CMPIArgs *out)
{
	struct vm_conn	 c;
	const char	*root = getenv("VIREO_ROOT"), *id;
	CMPIData	 d;
	CMPIUint32	 rc;

	if (strcasecmp(method, "RequestStateChange") != 0)
		CMReturn(CMPI_RC_ERR_METHOD_NOT_FOUND);
	if ((id = provutil_key(op, "Name")) == NULL)
		CMReturnWithChars(vm_broker, CMPI_RC_ERR_INVALID_PARAMETER,
		    "the VM's Name key is required");
	d = CMGetArg(in, "RequestedState", NULL);
	if (d.type != CMPI_uint16 || (d.state & CMPI_nullValue))
		CMReturnWithChars(vm_broker, CMPI_RC_ERR_INVALID_PARAMETER,
		    "RequestedState is required");
	memset(&c, 0, sizeof c);
	snprintf(c.vc_sock, sizeof c.vc_sock, "%s/run/vireo/hostd.sock",
	    root != NULL ? root : "");
	if (d.value.uint16 != 2 && d.value.uint16 != 3)
		rc = 1;		/* Not Supported: only on and off */
	else if (vm_login(&c) == -1)
		CMReturnWithChars(vm_broker, CMPI_RC_ERR_FAILED,
		    "cannot log in to hostd");
	else
		rc = (CMPIUint32)vm_power(&c, id, d.value.uint16 == 2);
	CMReturnData(r, &rc, CMPI_uint32);
	CMReturnDone(r);
	CMReturn(CMPI_RC_OK);
}

static const CMPIMethodMIFT vm_mft = {
	CMPIVersion200, CMPIVersion200, "VireoVirtualSystem",
	vm_mcleanup, vm_invoke
};
static CMPIMethodMI vm_mmi = { (void *)&vm_mft, &vm_mft };

CMPI_MI_FACTORY(Method, VireoVirtualSystem);

CMPIMethodMI *
VireoVirtualSystem_Create_MethodMI(const CMPIBroker *b, const CMPIContext *c,
    CMPIStatus *rc)
{
	vm_broker = b;
	CMSetStatus(rc, CMPI_RC_OK);
	return (&vm_mmi);
}
