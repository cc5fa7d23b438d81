/* SPDX-License-Identifier: ISC */
/*
 * vmxctl: a small client of one vmx's control socket, for people and
 * scripts debugging a VM: its state and statistics, the power operations
 * (poweroff, reset, pause, resume, shutdown), the serial console and the
 * stream of events.  It speaks lib/proto.h through lib/peer.c on an
 * event_base of its own, like hostd will.
 *
 * Exit status: 0 success, 1 the request failed (MSG_FAIL, its cause on
 * stderr) or the link did, 2 usage.  The console and events commands run
 * until the VM powers off, the user detaches (^] on the console) or a
 * signal; the others give up after -t seconds.
 */

#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include "log.h"
#include "peer.h"
#include "proto.h"
#include "usock.h"
#include "xmalloc.h"

#define VMXCTL_USAGE		2
#define VMXCTL_FAILED		1
#define VMXCTL_TIMEOUT		30	/* seconds, default for -t */
#define VMXCTL_ESCAPE		0x1d	/* ^] detaches the console */
#define VMXCTL_PEERID		1	/* our one request */
#define VMXCTL_OPT_ROOT		0x1000

/* What a command sends and how it goes on. */
struct vmxctl_cmd {
	const char	*cm_name;
	uint32_t	 cm_type;	/* request */
	uint32_t	 cm_op;		/* PROTO_VMX_POWER_* for POWER_REQ */
	int		 cm_stream;	/* runs on after MSG_OK: console and
					   events */
	const char	*cm_help;
};

struct vmxctl {
	const struct vmxctl_cmd	*vc_cmd;
	struct event_base	*vc_base;
	struct peer		*vc_peer;
	struct event		*vc_ev_stdin;
	struct event		*vc_ev_timeout;
	struct event		*vc_ev_sig;
	int			 vc_status;	/* exit status */
	int			 vc_raw;	/* stdin's terminal is raw */
	struct termios		 vc_tio;	/* stdin's settings before */
};

static const struct vmxctl_cmd vmxctl_cmds[] = {
	{ "state", MSG_VMX_STATE_REQ, 0, 0,
	  "power state, vCPUs, memory, power-on time" },
	{ "stats", MSG_VMX_STATS_REQ, 0, 0,
	  "state, uptime, exits by kind, device counters" },
	{ "poweroff", MSG_VMX_POWER_REQ, PROTO_VMX_POWER_OFF, 0,
	  "hard power off (vmx exits 0)" },
	{ "reset", MSG_VMX_POWER_REQ, PROTO_VMX_POWER_RESET, 0,
	  "hard reset; the guest boots again" },
	{ "pause", MSG_VMX_POWER_REQ, PROTO_VMX_POWER_PAUSE, 0,
	  "stop every vCPU" },
	{ "resume", MSG_VMX_POWER_REQ, PROTO_VMX_POWER_RESUME, 0,
	  "restart the vCPUs" },
	{ "shutdown", MSG_VMX_POWER_REQ, PROTO_VMX_POWER_SHUTDOWN, 0,
	  "press the ACPI power button" },
	{ "suspend", MSG_VMX_SUSPEND_REQ, 0, 0,
	  "save the VM to its .vmss, then stop (vmx exits 0)" },
	{ "console", MSG_VMX_CONSOLE_ATTACH, 0, 1,
	  "attach to COM1 (^] detaches)" },
	{ "events", MSG_VMX_STATE_REQ, 0, 1,
	  "print the state, then every event" },
};

static void	vmxctl_usage(FILE *);
static char	*vmxctl_sockpath(const char *, const char *);
static void	vmxctl_done(struct vmxctl *, int);
static const char *vmxctl_power_name(uint32_t, uint32_t);
static void	vmxctl_print_state(const struct proto_vmx_state *,
		    const char *);
static void	vmxctl_raw(struct vmxctl *);
static void	vmxctl_restore(struct vmxctl *);
static void	vmxctl_stdin_cb(evutil_socket_t, short, void *);
static void	vmxctl_timeout_cb(evutil_socket_t, short, void *);
static void	vmxctl_signal_cb(evutil_socket_t, short, void *);
static void	vmxctl_on_ok(struct peer *, struct peer_msg *, void *);
static void	vmxctl_on_fail(struct peer *, struct peer_msg *, void *);
static void	vmxctl_on_version(struct peer *, struct peer_msg *, void *);
static void	vmxctl_on_state(struct peer *, struct peer_msg *, void *);
static void	vmxctl_on_stats(struct peer *, struct peer_msg *, void *);
static void	vmxctl_on_data(struct peer *, struct peer_msg *, void *);
static void	vmxctl_on_event(struct peer *, struct peer_msg *, void *);
static void	vmxctl_on_eof(struct peer *, struct peer_msg *, void *);

/* What vmx may send us; anything else ends the link. */
static const struct peer_handler vmxctl_table[] = {
	{ MSG_OK, 0, 0, 0, vmxctl_on_ok },
	{ MSG_FAIL, sizeof(struct proto_fail) + 1, PROTO_MAX_PAYLOAD,
	  PEER_F_STRING, vmxctl_on_fail },
	{ MSG_VERSION, sizeof(struct proto_version),
	  sizeof(struct proto_version), 0, vmxctl_on_version },
	{ MSG_VMX_STATE_RESP, sizeof(struct proto_vmx_state),
	  sizeof(struct proto_vmx_state), 0, vmxctl_on_state },
	{ MSG_VMX_STATE_EVENT, sizeof(struct proto_vmx_state),
	  sizeof(struct proto_vmx_state), 0, vmxctl_on_state },
	{ MSG_VMX_STATS_RESP, sizeof(struct proto_vmx_stats),
	  PROTO_MAX_PAYLOAD, 0, vmxctl_on_stats },
	{ MSG_VMX_CONSOLE_DATA, 1, PROTO_VMX_CONSOLE_MAX, 0, vmxctl_on_data },
	{ MSG_VMX_EVENT, sizeof(struct proto_vmx_event) + 1,
	  PROTO_MAX_PAYLOAD, PEER_F_STRING, vmxctl_on_event },
	{ MSG_EOF, 0, 0, 0, vmxctl_on_eof },
};

static void
vmxctl_usage(FILE *f)
{
	size_t	i;

	fprintf(f,
	    "usage: vmxctl [-h] [-t seconds] -S socket command\n"
	    "       vmxctl [-h] [-t seconds] [--root dir] -i id command\n"
	    "Talk to the vmx running one VM through its control socket.\n"
	    "  -S socket   the socket (vmx -S)\n"
	    "  --root dir  with -i: dir/run/vireo/vmx/<id>.sock (default /)\n"
	    "  -i id       the VM's id (vmx -i, or its .vmx name)\n"
	    "  -t seconds  give up waiting for an answer (default %d)\n"
	    "  -h, --help  print this help and exit\n"
	    "Commands:\n", VMXCTL_TIMEOUT);
	for (i = 0; i < sizeof vmxctl_cmds / sizeof vmxctl_cmds[0]; i++)
		fprintf(f, "  %-9s %s\n", vmxctl_cmds[i].cm_name,
		    vmxctl_cmds[i].cm_help);
	fprintf(f, "Exit status: 0 success, 1 failure (reason on stderr), "
	    "2 usage.  See vmxctl(8).\n");
}

static char *
vmxctl_sockpath(const char *root, const char *id)
{
	char	*path;

	while (root[0] == '/' && root[1] == '/')
		root++;
	xasprintf(&path, "%s/run/vireo/vmx/%s.sock",
	    strcmp(root, "/") == 0 ? "" : root, id);
	return (path);
}

static void
vmxctl_done(struct vmxctl *vc, int status)
{
	vc->vc_status = status;
	event_base_loopbreak(vc->vc_base);
}

static const char *
vmxctl_power_name(uint32_t power, uint32_t flags)
{
	if (power == PROTO_VMX_POWERED_ON)
		return ((flags & PROTO_VMX_STATE_PAUSED) ? "paused" :
		    "poweredOn");
	if (power == PROTO_VMX_POWERED_OFF)
		return ("poweredOff");
	if (power == PROTO_VMX_SUSPENDED)
		return ("suspended");
	return ("unknown");
}

static void
vmxctl_print_state(const struct proto_vmx_state *vs, const char *prefix)
{
	char		 when[64] = "-";
	time_t		 t = (time_t)vs->vs_boottime;
	struct tm	 tm;

	if (vs->vs_boottime != 0 && gmtime_r(&t, &tm) != NULL)
		strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
	printf("%sstate: %s\n", prefix, vmxctl_power_name(vs->vs_power,
	    vs->vs_flags));
	if (*prefix != '\0') {
		fflush(stdout);
		return;
	}
	printf("vcpus: %u\n", vs->vs_ncpus);
	printf("memory: %llu MiB\n", (unsigned long long)vs->vs_memsize);
	printf("powered on: %s\n", when);
}

/* Raw terminal for the console: every key goes to the guest. */
static void
vmxctl_raw(struct vmxctl *vc)
{
	struct termios	tio;

	if (!isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, &vc->vc_tio) != 0)
		return;
	tio = vc->vc_tio;
	cfmakeraw(&tio);
	if (tcsetattr(STDIN_FILENO, TCSANOW, &tio) == 0)
		vc->vc_raw = 1;
}

static void
vmxctl_restore(struct vmxctl *vc)
{
	if (vc->vc_raw)
		tcsetattr(STDIN_FILENO, TCSANOW, &vc->vc_tio);
	vc->vc_raw = 0;
}

static void
vmxctl_stdin_cb(evutil_socket_t fd, short what, void *arg)
{
	struct vmxctl	*vc = arg;
	uint8_t		 buf[PROTO_VMX_CONSOLE_MAX], *esc;
	ssize_t		 n;
	size_t		 len;

	n = read(fd, buf, sizeof buf);
	if (n == -1 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n <= 0) {
		/* No more input; keep showing the output. */
		event_del(vc->vc_ev_stdin);
		return;
	}
	len = (size_t)n;
	if (vc->vc_raw && (esc = memchr(buf, VMXCTL_ESCAPE, len)) != NULL)
		len = (size_t)(esc - buf);
	if (len > 0 && peer_send(vc->vc_peer, MSG_VMX_CONSOLE_DATA, 0, -1,
	    buf, len) != 0) {
		fprintf(stderr, "vmxctl: %s\n", strerror(errno));
		vmxctl_done(vc, VMXCTL_FAILED);
		return;
	}
	if (len != (size_t)n) {
		peer_send(vc->vc_peer, MSG_VMX_CONSOLE_DETACH, 0, -1, NULL, 0);
		peer_flush(vc->vc_peer, 1000);
		vmxctl_done(vc, 0);
	}
}

static void
vmxctl_timeout_cb(evutil_socket_t fd, short what, void *arg)
{
	fprintf(stderr, "vmxctl: no answer from vmx\n");
	vmxctl_done(arg, VMXCTL_FAILED);
}

static void
vmxctl_signal_cb(evutil_socket_t fd, short what, void *arg)
{
	vmxctl_done(arg, 0);
}

static void
vmxctl_on_ok(struct peer *peer, struct peer_msg *msg, void *arg)
{
	struct vmxctl	*vc = arg;

	if (msg->pm_peerid != VMXCTL_PEERID)
		return;
	if (!vc->vc_cmd->cm_stream)
		vmxctl_done(vc, 0);
	else if (isatty(STDIN_FILENO))
		fprintf(stderr, "vmxctl: attached; ^] detaches\r\n");
}

static void
vmxctl_on_fail(struct peer *peer, struct peer_msg *msg, void *arg)
{
	const struct proto_fail	*pf = msg->pm_data;
	const char		*cause;

	cause = peer_msg_string(msg, sizeof *pf);
	fprintf(stderr, "vmxctl: %s: %s\n", ((struct vmxctl *)arg)->vc_cmd->
	    cm_name, cause != NULL && *cause != '\0' ? cause :
	    strerror((int)pf->pf_errno));
	vmxctl_done(arg, VMXCTL_FAILED);
}

static void
vmxctl_on_version(struct peer *peer, struct peer_msg *msg, void *arg)
{
	const struct proto_version	*pv = msg->pm_data;

	fprintf(stderr, "vmxctl: vmx speaks protocol version %u, we speak "
	    "%u\n", pv->pv_version, PROTO_VERSION);
	vmxctl_done(arg, VMXCTL_FAILED);
}

static void
vmxctl_on_state(struct peer *peer, struct peer_msg *msg, void *arg)
{
	struct vmxctl	*vc = arg;

	if (msg->pm_type == MSG_VMX_STATE_EVENT) {
		if (vc->vc_cmd->cm_stream &&
		    vc->vc_cmd->cm_type == MSG_VMX_STATE_REQ)
			vmxctl_print_state(msg->pm_data, "event: ");
		return;
	}
	if (msg->pm_peerid != VMXCTL_PEERID)
		return;
	vmxctl_print_state(msg->pm_data, "");
	fflush(stdout);
	if (!vc->vc_cmd->cm_stream)
		vmxctl_done(vc, 0);
}

static void
vmxctl_on_stats(struct peer *peer, struct peer_msg *msg, void *arg)
{
	const struct proto_vmx_stats		*vt = msg->pm_data;
	const struct proto_vmx_stat_entry	*se;
	char					 dev[PROTO_VMX_STAT_NAME];
	char					 name[PROTO_VMX_STAT_NAME];
	uint32_t				 i;

	if (msg->pm_peerid != VMXCTL_PEERID)
		return;
	if ((msg->pm_len - sizeof *vt) / sizeof *se < vt->vt_nentries ||
	    (msg->pm_len - sizeof *vt) % sizeof *se != 0) {
		fprintf(stderr, "vmxctl: malformed statistics\n");
		vmxctl_done(arg, VMXCTL_FAILED);
		return;
	}
	printf("state: %s\n", vmxctl_power_name(vt->vt_power, vt->vt_flags));
	printf("uptime: %llu s\n", (unsigned long long)vt->vt_uptime);
	printf("vcpus: %u\n", vt->vt_ncpus);
	printf("memory: %llu MiB\n", (unsigned long long)vt->vt_memsize);
	printf("exits.io: %llu\n", (unsigned long long)vt->vt_exits_io);
	printf("exits.mmio: %llu\n", (unsigned long long)vt->vt_exits_mmio);
	printf("exits.other: %llu\n", (unsigned long long)vt->vt_exits_other);
	printf("console.dropped: %llu\n",
	    (unsigned long long)vt->vt_console_dropped);
	se = (const struct proto_vmx_stat_entry *)(vt + 1);
	for (i = 0; i < vt->vt_nentries; i++, se++) {
		memcpy(dev, se->se_dev, sizeof dev);
		dev[sizeof dev - 1] = '\0';
		memcpy(name, se->se_name, sizeof name);
		name[sizeof name - 1] = '\0';
		printf("%s.%s: %llu\n", dev, name,
		    (unsigned long long)se->se_value);
	}
	fflush(stdout);
	vmxctl_done(arg, 0);
}

static void
vmxctl_on_data(struct peer *peer, struct peer_msg *msg, void *arg)
{
	const uint8_t	*p = msg->pm_data;
	size_t		 left = msg->pm_len;
	ssize_t		 n;

	while (left > 0) {
		n = write(STDOUT_FILENO, p, left);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0) {
			vmxctl_done(arg, VMXCTL_FAILED);
			return;
		}
		p += n;
		left -= (size_t)n;
	}
}

static void
vmxctl_on_event(struct peer *peer, struct peer_msg *msg, void *arg)
{
	struct vmxctl			*vc = arg;
	const struct proto_vmx_event	*ev = msg->pm_data;
	const char			*text, *kind;

	text = peer_msg_string(msg, sizeof *ev);
	switch (ev->ev_kind) {
	case PROTO_VMX_EVENT_POWERED_OFF:
		kind = "powered-off";
		break;
	case PROTO_VMX_EVENT_ERROR:
		kind = "error";
		break;
	case PROTO_VMX_EVENT_RESET:
		kind = "reset";
		break;
	case PROTO_VMX_EVENT_BUTTON:
		kind = "power-button";
		break;
	default:
		kind = "unknown";
		break;
	}
	if (vc->vc_cmd->cm_stream && vc->vc_cmd->cm_type == MSG_VMX_STATE_REQ) {
		printf("event: %s code %u: %s\n", kind, ev->ev_code,
		    text != NULL ? text : "");
		fflush(stdout);
	} else if (ev->ev_kind == PROTO_VMX_EVENT_ERROR ||
	    (vc->vc_cmd->cm_stream &&
	    ev->ev_kind == PROTO_VMX_EVENT_POWERED_OFF)) {
		vmxctl_restore(vc);
		fprintf(stderr, "\nvmxctl: the VM ended: %s\n",
		    text != NULL ? text : kind);
	}
}

static void
vmxctl_on_eof(struct peer *peer, struct peer_msg *msg, void *arg)
{
	struct vmxctl	*vc = arg;
	const char	*why;

	/* The streams end when vmx does; a request wanted an answer. */
	if (vc->vc_cmd->cm_stream) {
		vmxctl_done(vc, 0);
		return;
	}
	why = peer_msg_string(msg, sizeof(struct proto_eof));
	fprintf(stderr, "vmxctl: %s: connection lost%s%s\n",
	    vc->vc_cmd->cm_name, why != NULL ? ": " : "",
	    why != NULL ? why : "");
	vmxctl_done(vc, VMXCTL_FAILED);
}

int
main(int argc, char **argv)
{
	static const struct option	 longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "root", required_argument, NULL, VMXCTL_OPT_ROOT },
		{ NULL, 0, NULL, 0 }
	};
	struct vmxctl		 vc;
	struct proto_vmx_power	 vp;
	struct timeval		 tv;
	struct stat		 st;
	const char		*sock = NULL, *root = "/", *id = NULL;
	char			*path, *cause = NULL, *end;
	size_t			 i;
	long			 timeout = VMXCTL_TIMEOUT;
	int			 ch, fd, rc;

	log_init("vmxctl", LOG_TO_STDERR);
	log_set_level(LOG_LEVEL_WARNING);
	memset(&vc, 0, sizeof vc);
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":hi:S:t:", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'h':
			vmxctl_usage(stdout);
			return (0);
		case 'i':
			id = optarg;
			break;
		case 'S':
			sock = optarg;
			break;
		case 't':
			errno = 0;
			timeout = strtol(optarg, &end, 10);
			if (errno != 0 || *end != '\0' || timeout < 1 ||
			    timeout > 86400) {
				fprintf(stderr, "vmxctl: -t %s: not a number "
				    "of seconds\n", optarg);
				return (VMXCTL_USAGE);
			}
			break;
		case VMXCTL_OPT_ROOT:
			root = optarg;
			break;
		default:
			fprintf(stderr, "vmxctl: bad option %s (see vmxctl "
			    "--help)\n", argv[optind - 1]);
			return (VMXCTL_USAGE);
		}
	}
	if (optind + 1 != argc) {
		fprintf(stderr, "vmxctl: one command expected (see vmxctl "
		    "--help)\n");
		return (VMXCTL_USAGE);
	}
	for (i = 0; i < sizeof vmxctl_cmds / sizeof vmxctl_cmds[0]; i++) {
		if (strcmp(argv[optind], vmxctl_cmds[i].cm_name) == 0)
			vc.vc_cmd = &vmxctl_cmds[i];
	}
	if (vc.vc_cmd == NULL) {
		fprintf(stderr, "vmxctl: unknown command %s (see vmxctl "
		    "--help)\n", argv[optind]);
		return (VMXCTL_USAGE);
	}
	if ((sock == NULL) == (id == NULL)) {
		fprintf(stderr, "vmxctl: give either -S socket or -i id (see "
		    "vmxctl --help)\n");
		return (VMXCTL_USAGE);
	}
	path = sock != NULL ? xstrdup(sock) : vmxctl_sockpath(root, id);

	signal(SIGPIPE, SIG_IGN);
	if ((fd = usock_connect(path, &cause)) == -1) {
		fprintf(stderr, "vmxctl: %s\n", cause);
		free(cause);
		free(path);
		return (VMXCTL_FAILED);
	}
	free(path);
	if ((vc.vc_base = event_base_new()) == NULL ||
	    (vc.vc_peer = peer_create(vc.vc_base, fd, vmxctl_table,
	    sizeof vmxctl_table / sizeof vmxctl_table[0], &vc)) == NULL) {
		fprintf(stderr, "vmxctl: cannot set up the event loop\n");
		return (VMXCTL_FAILED);
	}
	vc.vc_ev_sig = evsignal_new(vc.vc_base, SIGINT, vmxctl_signal_cb, &vc);
	if (vc.vc_ev_sig != NULL)
		evsignal_add(vc.vc_ev_sig, NULL);

	memset(&vp, 0, sizeof vp);
	vp.vp_op = vc.vc_cmd->cm_op;
	rc = peer_send(vc.vc_peer, vc.vc_cmd->cm_type, VMXCTL_PEERID, -1,
	    &vp, vc.vc_cmd->cm_type == MSG_VMX_POWER_REQ ? sizeof vp : 0);
	if (rc != 0) {
		fprintf(stderr, "vmxctl: %s\n", strerror(errno));
		return (VMXCTL_FAILED);
	}
	/* epoll cannot watch a regular file or /dev/null: no input then. */
	if (vc.vc_cmd->cm_type == MSG_VMX_CONSOLE_ATTACH &&
	    fstat(STDIN_FILENO, &st) == 0 && !S_ISREG(st.st_mode) &&
	    (!S_ISCHR(st.st_mode) || isatty(STDIN_FILENO))) {
		vmxctl_raw(&vc);
		vc.vc_ev_stdin = event_new(vc.vc_base, STDIN_FILENO,
		    EV_READ | EV_PERSIST, vmxctl_stdin_cb, &vc);
		if (vc.vc_ev_stdin != NULL)
			event_add(vc.vc_ev_stdin, NULL);
	}
	if (!vc.vc_cmd->cm_stream) {
		vc.vc_ev_timeout = evtimer_new(vc.vc_base, vmxctl_timeout_cb,
		    &vc);
		tv.tv_sec = timeout;
		tv.tv_usec = 0;
		if (vc.vc_ev_timeout != NULL)
			evtimer_add(vc.vc_ev_timeout, &tv);
	}
	vc.vc_status = VMXCTL_FAILED;
	event_base_dispatch(vc.vc_base);
	vmxctl_restore(&vc);

	peer_free(vc.vc_peer);
	if (vc.vc_ev_stdin != NULL)
		event_free(vc.vc_ev_stdin);
	if (vc.vc_ev_timeout != NULL)
		event_free(vc.vc_ev_timeout);
	if (vc.vc_ev_sig != NULL)
		event_free(vc.vc_ev_sig);
	/* peer_free may have deferred its free to one more turn. */
	event_base_loop(vc.vc_base, EVLOOP_NONBLOCK);
	event_base_free(vc.vc_base);
	return (vc.vc_status);
}
