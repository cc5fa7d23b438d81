/* SPDX-License-Identifier: ISC */
/*
 * The control socket: a Unix socket (run/vireo/vmx/<id>.sock under --root,
 * or -S) where hostd, vmxctl or a test asks for the VM's state and
 * statistics, powers it off, resets, pauses, resumes or shuts it down
 * through the ACPI power button, attaches to COM1, and switches the
 * disks to new deltas (a live snapshot: hostd names the files, vmx makes
 * them, since only vmx may touch an image it has open).  Frames are
 * lib/proto.h's, moved by lib/peer.c and checked against one dispatch
 * table (vmx_control_table); a frame the table refuses drops that peer
 * and nothing else.
 *
 * Access: the socket is mode 0600 and at accept the kernel's credentials
 * of the caller (SO_PEERCRED) must be root or the socket's owner; anyone
 * else is logged and closed before a byte is read.
 *
 * Events (MSG_VMX_STATE_EVENT, MSG_VMX_EVENT) go to every connected peer.
 * Console output goes to the peers that attached, each with its own bound
 * (VMX_CONTROL_QUEUE_MAX bytes queued): beyond it a viewer misses output
 * (counted in the statistics) instead of holding up the guest or vmx.
 *
 * Threads: everything here runs on the event thread, except
 * vmx_control_finish and vmx_control_free, which the main thread calls
 * once the event thread has ended.
 */

#include "config.h"

#include <sys/queue.h>
#include <sys/stat.h>
#include <sys/time.h>

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include "log.h"
#include "peer.h"
#include "proto.h"
#include "usock.h"
#include "xmalloc.h"
#include "vmx.h"

#define VMX_CONTROL_BACKLOG	16
#define VMX_CONTROL_QUEUE_MAX	(256 * 1024)	/* per viewer, bytes */
#define VMX_CONTROL_STATS_MAX	64		/* device counters */
#define VMX_CONTROL_FLUSH_MS	1000		/* last words at exit */

struct vmx_control_client {
	struct vmx_control	*cc_ctl;	/* borrowed */
	struct peer		*cc_peer;	/* owned */
	int			 cc_console;	/* attached to COM1 */
	TAILQ_ENTRY(vmx_control_client) cc_entry;
};

struct vmx_control {
	struct vmx		*ct_vx;		/* borrowed */
	int			 ct_fd;		/* listener, owned */
	uid_t			 ct_owner;	/* the socket file's owner */
	struct event		*ct_ev_accept;
	struct event		*ct_ev_retry;	/* accept after EMFILE */
	TAILQ_HEAD(, vmx_control_client) ct_clients;
};

/* Filled by vmx_control_stats_cb for MSG_VMX_STATS_RESP. */
struct vmx_control_stats {
	struct proto_vmx_stats		 cs_hdr;
	struct proto_vmx_stat_entry	 cs_ent[VMX_CONTROL_STATS_MAX];
};

static void	vmx_control_accept_cb(evutil_socket_t, short, void *);
static void	vmx_control_retry_cb(evutil_socket_t, short, void *);
static void	vmx_control_state(struct vmx *, struct proto_vmx_state *);
static void	vmx_control_broadcast(struct vmx_control *, uint32_t,
		    const void *, size_t);
static void	vmx_control_state_event(struct vmx_control *);
static void	vmx_control_event(struct vmx_control *, uint32_t, uint32_t,
		    const char *);
static void	vmx_control_stats_cb(void *, const char *, const char *,
		    uint64_t);
static void	vmx_control_client_free(struct vmx_control_client *);
static void	vmx_control_on_state(struct peer *, struct peer_msg *,
		    void *);
static void	vmx_control_on_stats(struct peer *, struct peer_msg *,
		    void *);
static void	vmx_control_on_power(struct peer *, struct peer_msg *,
		    void *);
static void	vmx_control_on_attach(struct peer *, struct peer_msg *,
		    void *);
static void	vmx_control_on_detach(struct peer *, struct peer_msg *,
		    void *);
static void	vmx_control_on_data(struct peer *, struct peer_msg *,
		    void *);
static void	vmx_control_on_ping(struct peer *, struct peer_msg *,
		    void *);
static void	vmx_control_on_eof(struct peer *, struct peer_msg *,
		    void *);
static void	vmx_control_on_suspend(struct peer *, struct peer_msg *,
		    void *);
static int	vmx_control_suspend(struct vmx_control *, struct peer *,
		    uint32_t);
static void	vmx_control_on_snapshot(struct peer *, struct peer_msg *,
		    void *);

/* Every message a control peer may send; anything else drops it. */
static const struct peer_handler vmx_control_table[] = {
	{ MSG_PING, sizeof(struct proto_ping), sizeof(struct proto_ping), 0,
	  vmx_control_on_ping },
	{ MSG_VMX_STATE_REQ, 0, 0, 0, vmx_control_on_state },
	{ MSG_VMX_POWER_REQ, sizeof(struct proto_vmx_power),
	  sizeof(struct proto_vmx_power), 0, vmx_control_on_power },
	{ MSG_VMX_STATS_REQ, 0, 0, 0, vmx_control_on_stats },
	{ MSG_VMX_SUSPEND_REQ, 0, 0, 0, vmx_control_on_suspend },
	{ MSG_VMX_SNAPSHOT_REQ, sizeof(struct proto_vmx_snapshot) + 1,
	  PROTO_MAX_PAYLOAD, PEER_F_STRING, vmx_control_on_snapshot },
	{ MSG_VMX_CONSOLE_ATTACH, 0, 0, 0, vmx_control_on_attach },
	{ MSG_VMX_CONSOLE_DETACH, 0, 0, 0, vmx_control_on_detach },
	{ MSG_VMX_CONSOLE_DATA, 1, PROTO_VMX_CONSOLE_MAX, 0,
	  vmx_control_on_data },
	{ MSG_EOF, 0, 0, 0, vmx_control_on_eof },
};

/*
 * Create the listening socket at vx_sockpath (mode 0600), before the VM
 * exists, so that a second vmx for the same VM fails at once.  0, or -1
 * with *cause.
 */
int
vmx_control_listen(struct vmx *vx, char **cause)
{
	char	*why = NULL;

	vx->vx_listen_fd = usock_listen(vx->vx_sockpath, 0600,
	    VMX_CONTROL_BACKLOG, &why);
	if (vx->vx_listen_fd == -1) {
		xasprintf(cause, "control socket: %s", why);
		free(why);
		return (-1);
	}
	return (0);
}

/* Accept connections on vx_base (before the event thread starts). */
int
vmx_control_start(struct vmx *vx, char **cause)
{
	struct vmx_control	*ct;
	struct stat		 st;

	ct = xcalloc(1, sizeof *ct);
	ct->ct_vx = vx;
	ct->ct_fd = vx->vx_listen_fd;
	vx->vx_listen_fd = -1;
	TAILQ_INIT(&ct->ct_clients);
	ct->ct_owner = fstat(ct->ct_fd, &st) == 0 &&
	    stat(vx->vx_sockpath, &st) == 0 ? st.st_uid : geteuid();
	vx->vx_control = ct;
	ct->ct_ev_accept = event_new(vx->vx_base, ct->ct_fd,
	    EV_READ | EV_PERSIST, vmx_control_accept_cb, ct);
	ct->ct_ev_retry = evtimer_new(vx->vx_base, vmx_control_retry_cb, ct);
	if (ct->ct_ev_accept == NULL || ct->ct_ev_retry == NULL ||
	    event_add(ct->ct_ev_accept, NULL) != 0) {
		xasprintf(cause, "control socket: cannot create events");
		return (-1);
	}
	log_info("control socket %s", vx->vx_sockpath);
	return (0);
}

/*
 * The main thread, after the event thread ended: tell every peer how the
 * VM ended (exit status, the log's last line; error 1 for an error end),
 * wait a little for the words to leave, then close.
 */
void
vmx_control_finish(struct vmx *vx, int status, const char *line, int error)
{
	struct vmx_control		*ct = vx->vx_control;
	struct vmx_control_client	*cc;

	if (ct == NULL)
		return;
	vmx_control_event(ct, error ? PROTO_VMX_EVENT_ERROR :
	    PROTO_VMX_EVENT_POWERED_OFF, (uint32_t)status, line);
	vmx_control_state_event(ct);
	TAILQ_FOREACH(cc, &ct->ct_clients, cc_entry)
		peer_flush(cc->cc_peer, VMX_CONTROL_FLUSH_MS);
}

/* Close every peer and the listener, remove the socket file. */
void
vmx_control_free(struct vmx *vx)
{
	struct vmx_control		*ct = vx->vx_control;
	struct vmx_control_client	*cc;

	if (vx->vx_listen_fd != -1) {
		close(vx->vx_listen_fd);
		vx->vx_listen_fd = -1;
		unlink(vx->vx_sockpath);
	}
	if (ct == NULL)
		return;
	while ((cc = TAILQ_FIRST(&ct->ct_clients)) != NULL)
		vmx_control_client_free(cc);
	if (ct->ct_ev_accept != NULL)
		event_free(ct->ct_ev_accept);
	if (ct->ct_ev_retry != NULL)
		event_free(ct->ct_ev_retry);
	close(ct->ct_fd);
	unlink(vx->vx_sockpath);
	free(ct);
	vx->vx_control = NULL;
}

/*
 * Forget a client.  Its peer is freed at once when called outside its
 * handlers and deferred by peer.c otherwise.
 */
static void
vmx_control_client_free(struct vmx_control_client *cc)
{
	struct vmx_control	*ct = cc->cc_ctl;

	TAILQ_REMOVE(&ct->ct_clients, cc, cc_entry);
	if (cc->cc_console)
		vmx_console_viewers(ct->ct_vx, -1);
	peer_free(cc->cc_peer);
	free(cc);
}

static void
vmx_control_accept_cb(evutil_socket_t lfd, short what, void *arg)
{
	struct vmx_control		*ct = arg;
	struct vmx_control_client	*cc;
	struct timeval			 tv;
	uid_t				 uid;
	pid_t				 pid;
	int				 fd;

	if ((fd = usock_accept(ct->ct_fd)) == -1) {
		if (errno == EMFILE || errno == ENFILE) {
			/* Out of descriptors: stop accepting for a second. */
			log_warn("control socket: accept");
			event_del(ct->ct_ev_accept);
			tv.tv_sec = 1;
			tv.tv_usec = 0;
			evtimer_add(ct->ct_ev_retry, &tv);
		}
		return;
	}
	if (usock_peercred(fd, &pid, &uid, NULL) == -1) {
		log_warn("control socket: refused a client whose credentials "
		    "are unknown");
		close(fd);
		return;
	}
	if (uid != 0 && uid != ct->ct_owner) {
		log_warnx("control socket: refused pid %ld, uid %lu (only "
		    "root and uid %lu may connect)", (long)pid,
		    (unsigned long)uid, (unsigned long)ct->ct_owner);
		close(fd);
		return;
	}
	cc = xcalloc(1, sizeof *cc);
	cc->cc_ctl = ct;
	cc->cc_peer = peer_create(ct->ct_vx->vx_base, fd, vmx_control_table,
	    sizeof vmx_control_table / sizeof vmx_control_table[0], cc);
	if (cc->cc_peer == NULL) {
		log_warn("control socket: peer");
		close(fd);
		free(cc);
		return;
	}
	TAILQ_INSERT_TAIL(&ct->ct_clients, cc, cc_entry);
	log_debug("control socket: pid %ld uid %lu connected", (long)pid,
	    (unsigned long)uid);
}

static void
vmx_control_retry_cb(evutil_socket_t fd, short what, void *arg)
{
	struct vmx_control	*ct = arg;

	event_add(ct->ct_ev_accept, NULL);
}

static void
vmx_control_state(struct vmx *vx, struct proto_vmx_state *vs)
{
	memset(vs, 0, sizeof *vs);
	vs->vs_power = PROTO_VMX_POWERED_ON;
	vs->vs_ncpus = vx->vx_conf->vc_ncpus;
	vs->vs_memsize = vx->vx_conf->vc_memsize;
	vs->vs_boottime = (uint64_t)vx->vx_boottime;
	if (vx->vx_vmm == NULL || vx->vx_thread_started == 0) {
		/* vmx_control_finish: the run is over. */
		vs->vs_power = atomic_load(&vx->vx_suspended) ?
		    PROTO_VMX_SUSPENDED : PROTO_VMX_POWERED_OFF;
		vs->vs_boottime = 0;
	} else if (vmm_is_paused(vx->vx_vmm))
		vs->vs_flags |= PROTO_VMX_STATE_PAUSED;
}

/* Queue one frame for every peer; one whose link is gone is skipped. */
static void
vmx_control_broadcast(struct vmx_control *ct, uint32_t type,
    const void *data, size_t len)
{
	struct vmx_control_client	*cc;

	TAILQ_FOREACH(cc, &ct->ct_clients, cc_entry) {
		if (!peer_is_lost(cc->cc_peer))
			peer_send(cc->cc_peer, type, 0, -1, data, len);
	}
}

static void
vmx_control_state_event(struct vmx_control *ct)
{
	struct proto_vmx_state	vs;

	vmx_control_state(ct->ct_vx, &vs);
	vmx_control_broadcast(ct, MSG_VMX_STATE_EVENT, &vs, sizeof vs);
}

static void
vmx_control_event(struct vmx_control *ct, uint32_t kind, uint32_t code,
    const char *text)
{
	struct proto_vmx_event	*ev;
	size_t			 tlen, len;

	tlen = strlen(text);
	if (tlen > 1024)
		tlen = 1024;
	len = sizeof *ev + tlen + 1;
	ev = xcalloc(1, len);
	ev->ev_kind = kind;
	ev->ev_code = code;
	memcpy(ev + 1, text, tlen);
	vmx_control_broadcast(ct, MSG_VMX_EVENT, ev, len);
	free(ev);
}

/* Guest output for the viewers (console.c, event thread). */
void
vmx_control_console(struct vmx *vx, const void *buf, size_t len)
{
	struct vmx_control		*ct = vx->vx_control;
	struct vmx_control_client	*cc;

	if (ct == NULL)
		return;
	TAILQ_FOREACH(cc, &ct->ct_clients, cc_entry) {
		if (!cc->cc_console || peer_is_lost(cc->cc_peer))
			continue;
		if (peer_get_queued(cc->cc_peer) + len >
		    VMX_CONTROL_QUEUE_MAX || peer_send(cc->cc_peer,
		    MSG_VMX_CONSOLE_DATA, 0, -1, buf, len) != 0)
			vmx_console_add_dropped(vx, len);
	}
}

static void
vmx_control_on_ping(struct peer *peer, struct peer_msg *msg, void *arg)
{
	peer_send(peer, MSG_PONG, msg->pm_peerid, -1, msg->pm_data,
	    msg->pm_len);
}

static void
vmx_control_on_state(struct peer *peer, struct peer_msg *msg, void *arg)
{
	struct vmx_control_client	*cc = arg;
	struct proto_vmx_state		 vs;

	vmx_control_state(cc->cc_ctl->ct_vx, &vs);
	peer_send(peer, MSG_VMX_STATE_RESP, msg->pm_peerid, -1, &vs,
	    sizeof vs);
}

static void
vmx_control_stats_cb(void *arg, const char *dev, const char *name,
    uint64_t value)
{
	struct vmx_control_stats	*cs = arg;
	struct proto_vmx_stat_entry	*se;

	if (cs->cs_hdr.vt_nentries >= VMX_CONTROL_STATS_MAX)
		return;
	se = &cs->cs_ent[cs->cs_hdr.vt_nentries++];
	snprintf(se->se_dev, sizeof se->se_dev, "%s", dev);
	snprintf(se->se_name, sizeof se->se_name, "%s", name);
	se->se_value = value;
}

static void
vmx_control_on_stats(struct peer *peer, struct peer_msg *msg, void *arg)
{
	struct vmx_control_client	*cc = arg;
	struct vmx			*vx = cc->cc_ctl->ct_vx;
	struct vmx_control_stats	*cs;
	struct proto_vmx_state		 vs;
	time_t				 now;

	cs = xcalloc(1, sizeof *cs);
	vmx_control_state(vx, &vs);
	cs->cs_hdr.vt_power = vs.vs_power;
	cs->cs_hdr.vt_flags = vs.vs_flags;
	cs->cs_hdr.vt_ncpus = vs.vs_ncpus;
	cs->cs_hdr.vt_memsize = vs.vs_memsize;
	now = time(NULL);
	if (now > vx->vx_boottime)
		cs->cs_hdr.vt_uptime = (uint64_t)(now - vx->vx_boottime);
	cs->cs_hdr.vt_exits_io = vmm_exit_stat(vx->vx_vmm, VMM_STAT_IO);
	cs->cs_hdr.vt_exits_mmio = vmm_exit_stat(vx->vx_vmm, VMM_STAT_MMIO);
	cs->cs_hdr.vt_exits_other = vmm_exit_stat(vx->vx_vmm,
	    VMM_STAT_OTHER);
	cs->cs_hdr.vt_console_dropped = vmx_console_dropped(vx);
	vmm_dev_stats(vx->vx_vmm, vmx_control_stats_cb, cs);
	peer_send(peer, MSG_VMX_STATS_RESP, msg->pm_peerid, -1, cs,
	    sizeof cs->cs_hdr + cs->cs_hdr.vt_nentries * sizeof cs->cs_ent[0]);
	free(cs);
}

static void
vmx_control_on_power(struct peer *peer, struct peer_msg *msg, void *arg)
{
	struct vmx_control_client	*cc = arg;
	struct vmx_control		*ct = cc->cc_ctl;
	struct vmx			*vx = ct->ct_vx;
	const struct proto_vmx_power	*vp = msg->pm_data;
	int				 rc = 0, state = 0;

	if (vp->vp_flags != 0) {
		peer_send_fail(peer, msg->pm_peerid, EINVAL,
		    "unknown power flags");
		return;
	}
	switch (vp->vp_op) {
	case PROTO_VMX_POWER_OFF:
		log_info("powering off by request (pid %ld)",
		    (long)peer_get_pid(peer));
		atomic_store(&vx->vx_poweroff_req, 1);
		/* The answer goes first; the end of the run follows. */
		peer_send(peer, MSG_OK, msg->pm_peerid, -1, NULL, 0);
		vmm_stop(vx->vx_vmm);
		return;
	case PROTO_VMX_POWER_RESET:
		log_info("reset by request (pid %ld)",
		    (long)peer_get_pid(peer));
		if ((rc = vmm_reset(vx->vx_vmm)) == 0)
			vmx_control_event(ct, PROTO_VMX_EVENT_RESET, 0,
			    "reset by request");
		break;
	case PROTO_VMX_POWER_SHUTDOWN:
		log_info("guest shutdown requested (ACPI power button)");
		if ((rc = vmm_power_button(vx->vx_vmm)) == 0)
			vmx_control_event(ct, PROTO_VMX_EVENT_BUTTON, 0,
			    "ACPI power button pressed");
		break;
	case PROTO_VMX_POWER_SUSPEND:
		if (vmx_control_suspend(ct, peer, msg->pm_peerid) == 0)
			vmx_control_state_event(ct);
		return;
	case PROTO_VMX_POWER_PAUSE:
		if ((rc = vmm_pause(vx->vx_vmm)) == 0) {
			log_info("paused by request");
			state = 1;
		}
		break;
	case PROTO_VMX_POWER_RESUME:
		if ((rc = vmm_resume(vx->vx_vmm)) == 0) {
			log_info("resumed by request");
			state = 1;
		}
		break;
	default:
		peer_send_fail(peer, msg->pm_peerid, ENOTSUP,
		    "power operation not supported by vmx");
		return;
	}
	if (rc != 0) {
		peer_send_fail(peer, msg->pm_peerid, errno, strerror(errno));
		return;
	}
	peer_send(peer, MSG_OK, msg->pm_peerid, -1, NULL, 0);
	if (state)
		vmx_control_state_event(ct);
}

static void
vmx_control_on_attach(struct peer *peer, struct peer_msg *msg, void *arg)
{
	struct vmx_control_client	*cc = arg;

	if (!cc->cc_console) {
		cc->cc_console = 1;
		vmx_console_viewers(cc->cc_ctl->ct_vx, 1);
	}
	peer_send(peer, MSG_OK, msg->pm_peerid, -1, NULL, 0);
}

static void
vmx_control_on_detach(struct peer *peer, struct peer_msg *msg, void *arg)
{
	struct vmx_control_client	*cc = arg;

	if (cc->cc_console) {
		cc->cc_console = 0;
		vmx_console_viewers(cc->cc_ctl->ct_vx, -1);
	}
	peer_send(peer, MSG_OK, msg->pm_peerid, -1, NULL, 0);
}

static void
vmx_control_on_data(struct peer *peer, struct peer_msg *msg, void *arg)
{
	struct vmx_control_client	*cc = arg;

	vmx_console_input(cc->cc_ctl->ct_vx, msg->pm_data, msg->pm_len);
}

static void
vmx_control_on_eof(struct peer *peer, struct peer_msg *msg, void *arg)
{
	struct vmx_control_client	*cc = arg;
	const struct proto_eof		*pe = msg->pm_data;
	const char			*why;

	why = peer_msg_string(msg, sizeof(struct proto_eof));
	if (pe != NULL && msg->pm_len >= sizeof *pe && pe->pe_errno != 0)
		log_warnx("control socket: dropped pid %ld: %s",
		    (long)peer_get_pid(peer), why != NULL ? why : "");
	else
		log_debug("control socket: pid %ld left",
		    (long)peer_get_pid(peer));
	vmx_control_client_free(cc);
}

/* Suspend (suspend.c), answered MSG_OK once the file is complete. */
static int
vmx_control_suspend(struct vmx_control *ct, struct peer *peer,
    uint32_t peerid)
{
	char	*why = NULL;
	int	 error;

	log_info("suspend requested (pid %ld)", (long)peer_get_pid(peer));
	if (vmx_suspend_request(ct->ct_vx, &why) != 0) {
		error = errno;
		peer_send_fail(peer, peerid, error, why != NULL ? why :
		    strerror(error));
		free(why);
		return (-1);
	}
	peer_send(peer, MSG_OK, peerid, -1, NULL, 0);
	return (0);
}

static void
vmx_control_on_suspend(struct peer *peer, struct peer_msg *msg, void *arg)
{
	struct vmx_control_client	*cc = arg;

	if (vmx_control_suspend(cc->cc_ctl, peer, msg->pm_peerid) == 0)
		vmx_control_state_event(cc->cc_ctl);
}

/*
 * Live snapshot: with the vCPUs paused (so the disks are switched at one
 * moment of the guest's time), each disk named gets its delta.  A disk
 * that fails stops the run; disks before it stay switched, and a delta
 * that was not taken into use is removed (disk_snapshot), so hostd tells
 * which disks switched by which files exist.
 */
static void
vmx_control_on_snapshot(struct peer *peer, struct peer_msg *msg, void *arg)
{
	struct vmx_control_client	*cc = arg;
	struct vmx			*vx = cc->cc_ctl->ct_vx;
	const struct proto_vmx_snapshot	*vn = msg->pm_data;
	const char			*p, *end, *unit;
	char				*why = NULL;
	unsigned int			 d;
	uint32_t			 i;
	int				 paused, error = 0, k;

	p = (const char *)msg->pm_data + sizeof *vn;
	end = (const char *)msg->pm_data + msg->pm_len;
	if (vn->vn_flags != 0 || vn->vn_ndisks == 0 ||
	    vn->vn_ndisks > PROTO_VMX_SNAPSHOT_DISKS) {
		peer_send_fail(peer, msg->pm_peerid, EINVAL,
		    "bad snapshot request");
		return;
	}
	/* Every unit must be ours and every path absolute, before work. */
	for (i = 0; i < vn->vn_ndisks; i++) {
		for (k = 0; k < 2; k++) {
			if (p >= end ||
			    memchr(p, '\0', (size_t)(end - p)) == NULL) {
				peer_send_fail(peer, msg->pm_peerid, EINVAL,
				    "snapshot request lacks disks");
				return;
			}
			if (k == 0) {
				for (d = 0; d < vx->vx_conf->vc_ndisks; d++) {
					if (strcasecmp(vx->vx_conf->
					    vc_disks[d].cd_name, p) == 0)
						break;
				}
				if (d == vx->vx_conf->vc_ndisks) {
					peer_send_fail(peer, msg->pm_peerid,
					    ENOENT, "no such disk");
					return;
				}
			} else if (*p != '/') {
				peer_send_fail(peer, msg->pm_peerid, EINVAL,
				    "snapshot paths must be absolute");
				return;
			}
			p += strlen(p) + 1;
		}
	}
	log_info("snapshot requested (pid %ld)", (long)peer_get_pid(peer));
	paused = vmm_pause(vx->vx_vmm) == 0;
	p = (const char *)msg->pm_data + sizeof *vn;
	for (i = 0; i < vn->vn_ndisks; i++) {
		unit = p;
		p += strlen(p) + 1;
		for (d = 0; d < vx->vx_conf->vc_ndisks; d++) {
			if (strcasecmp(vx->vx_conf->vc_disks[d].cd_name,
			    unit) == 0)
				break;
		}
		if (vmm_disk_snapshot(vx->vx_vmm, d, p, &why) != 0) {
			error = errno;
			log_warnx("snapshot of disk %s: %s", unit, why);
			break;
		}
		p += strlen(p) + 1;
	}
	if (paused)
		vmm_resume(vx->vx_vmm);
	if (error != 0) {
		peer_send_fail(peer, msg->pm_peerid, error, why);
		free(why);
		return;
	}
	peer_send(peer, MSG_OK, msg->pm_peerid, -1, NULL, 0);
}
