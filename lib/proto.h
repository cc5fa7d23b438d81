/* SPDX-License-Identifier: ISC */
/*
 * The internal message protocol: every frame exchanged over Vireo's private
 * Unix sockets (hostd <-> vmx today, later hostd <-> vpxa/dcui/cimom) is a
 * struct proto_hdr followed by ph_len payload bytes.  This header alone
 * defines the message types and their payloads; lib/peer.c moves frames
 * and checks them against each process's dispatch table.
 *
 * The link never leaves the host, so every field is in host byte order.
 * Payloads are fixed-layout structs of uint32_t/uint64_t members (no bool,
 * enum or pointer: their size depends on the compiler), laid out without
 * padding, optionally followed by a trailer that the struct's comment
 * describes.  Strings are NUL-terminated; the dispatcher checks that the
 * terminator is there (PEER_F_STRING).
 *
 * tests/check_proto.c pins the number of every type and the size and
 * offsets of every struct below.
 */
#ifndef VIREO_PROTO_H
#define VIREO_PROTO_H

#include <stdint.h>

/*
 * Don't forget to bump PROTO_VERSION on any change to a number, a struct or
 * a trailer in this file, and to update the pins in tests/check_proto.c.
 * Peers with different versions refuse each other: a frame whose
 * ph_version differs is answered with MSG_VERSION and the link dropped.
 */
#define PROTO_VERSION		3

/*
 * The largest frame, header included.  A peer can never make us buffer or
 * allocate more than this for one message; anything bigger (config text,
 * disk images) travels through a passed descriptor.
 */
#define PROTO_MAX_FRAME		(256 * 1024)
#define PROTO_MAX_PAYLOAD	(PROTO_MAX_FRAME - sizeof(struct proto_hdr))

/* ph_flags bits. */
#define PROTO_F_FD		0x1	/* a descriptor comes with the frame */
#define PROTO_F_MASK		0x1	/* all defined bits, others refused */

struct proto_hdr {
	uint32_t	ph_type;	/* enum msg_type */
	uint32_t	ph_len;		/* payload bytes after the header */
	uint32_t	ph_peerid;	/* request id, echoed in the reply */
	uint32_t	ph_pid;		/* sender's pid (informational only) */
	uint32_t	ph_version;	/* PROTO_VERSION of the sender */
	uint32_t	ph_flags;	/* PROTO_F_* */
};

/*
 * Message types, in ranges per link.  Requests are *_REQ and answered by
 * the matching *_RESP, or by MSG_OK / MSG_FAIL where the reply carries no
 * data, with the request's ph_peerid echoed.  Type 0 is never valid, so a
 * zeroed buffer is never mistaken for a message.
 */
enum msg_type {
	/* 0-99: common control, on every link. */
	MSG_VERSION = 1,	/* struct proto_version; sent before dropping a
				   peer that speaks another version */
	MSG_OK = 2,		/* no payload: the request succeeded */
	MSG_FAIL = 3,		/* struct proto_fail + cause */
	MSG_PING = 4,		/* struct proto_ping */
	MSG_PONG = 5,		/* struct proto_ping, the cookie echoed */
	MSG_SHUTDOWN = 6,	/* no payload: stop in an orderly way */
	MSG_EOF = 99,		/* struct proto_eof + reason; synthetic, see
				   below: never valid on the wire */

	/* 100-199: hostd <-> vmx. */
	MSG_VMX_STATE_REQ = 100,	/* no payload */
	MSG_VMX_STATE_RESP = 101,	/* struct proto_vmx_state */
	MSG_VMX_STATE_EVENT = 102,	/* struct proto_vmx_state, unsolicited
					   on every power state change */
	MSG_VMX_POWER_REQ = 103,	/* struct proto_vmx_power; answered
					   with MSG_OK or MSG_FAIL */
	MSG_VMX_STATS_REQ = 104,	/* no payload */
	MSG_VMX_STATS_RESP = 105,	/* struct proto_vmx_stats, then
					   vt_nentries struct
					   proto_vmx_stat_entry */
	MSG_VMX_CONSOLE_ATTACH = 106,	/* no payload: send me COM1's
					   output; MSG_OK or MSG_FAIL */
	MSG_VMX_CONSOLE_DETACH = 107,	/* no payload; MSG_OK */
	MSG_VMX_CONSOLE_DATA = 108,	/* 1..PROTO_VMX_CONSOLE_MAX raw
					   bytes: guest output to an
					   attached viewer, or a viewer's
					   input for the guest (no reply) */
	MSG_VMX_EVENT = 109,		/* struct proto_vmx_event + text,
					   unsolicited, to every peer */
	MSG_VMX_SNAPSHOT_REQ = 110,	/* struct proto_vmx_snapshot + pairs:
					   pause, switch the disks to new
					   deltas, resume; MSG_OK once every
					   one writes to its delta, MSG_FAIL
					   if not (see below) */
	/* 150-159: suspend/resume. */
	MSG_VMX_SUSPEND_REQ = 150,	/* no payload: write the VM's state
					   to its .vmss and end vmx; MSG_OK
					   once the file is complete (the
					   VM then stops), MSG_FAIL if not
					   (the VM runs on) */

	/* 200-299: reserved for hostd <-> vpxa (event push, heartbeats). */
	/* 300-399: reserved for hostd <-> dcui (console-only operations). */
	/* 400-499: reserved for hostd <-> cimom (host data for providers). */
};

/* MSG_VERSION. */
struct proto_version {
	uint32_t	pv_version;	/* the sender's PROTO_VERSION */
};

/* MSG_FAIL: followed by a NUL-terminated cause ("" if none). */
struct proto_fail {
	uint32_t	pf_errno;	/* errno value explaining the failure */
};

/* MSG_PING, MSG_PONG. */
struct proto_ping {
	uint64_t	pp_cookie;	/* chosen by the pinger, echoed */
};

/*
 * MSG_EOF: followed by a NUL-terminated reason.  Never sent: lib/peer.c
 * delivers it through the receiving process's own dispatch table when the
 * link ends (remote closed, read or write error, protocol violation), so a
 * "peer lost" handler exists in exactly one place.
 */
struct proto_eof {
	uint32_t	pe_errno;	/* 0: the remote closed in order */
};

/* vs_power values: vim25 VirtualMachinePowerState. */
#define PROTO_VMX_POWERED_OFF	0
#define PROTO_VMX_POWERED_ON	1
#define PROTO_VMX_SUSPENDED	2

/* vs_flags bits. */
#define PROTO_VMX_STATE_PAUSED	0x1	/* powered on, vCPUs paused */

/* MSG_VMX_STATE_RESP, MSG_VMX_STATE_EVENT. */
struct proto_vmx_state {
	uint32_t	vs_power;	/* PROTO_VMX_POWERED_* */
	uint32_t	vs_ncpus;	/* configured vCPUs */
	uint64_t	vs_memsize;	/* configured guest memory, MiB */
	uint64_t	vs_boottime;	/* power-on time, seconds since the
					   epoch; 0 while powered off */
	uint32_t	vs_flags;	/* PROTO_VMX_STATE_* */
	uint32_t	vs_reserved;	/* 0 */
};

/* vp_op values: the vim25 power operations vmx performs itself. */
#define PROTO_VMX_POWER_ON	1	/* PowerOnVM_Task */
#define PROTO_VMX_POWER_OFF	2	/* PowerOffVM_Task: immediate */
#define PROTO_VMX_POWER_RESET	3	/* ResetVM_Task */
#define PROTO_VMX_POWER_SUSPEND	4	/* SuspendVM_Task */
#define PROTO_VMX_POWER_SHUTDOWN 5	/* ShutdownGuest: ACPI power button */
#define PROTO_VMX_POWER_PAUSE	6	/* not vim25: stop the vCPUs */
#define PROTO_VMX_POWER_RESUME	7	/* not vim25: restart them */

/* MSG_VMX_POWER_REQ. */
struct proto_vmx_power {
	uint32_t	vp_op;		/* PROTO_VMX_POWER_* */
	uint32_t	vp_flags;	/* none defined yet, must be 0 */
};

/* MSG_VMX_STATS_RESP: followed by vt_nentries entries. */
struct proto_vmx_stats {
	uint32_t	vt_power;	/* PROTO_VMX_POWERED_* */
	uint32_t	vt_flags;	/* PROTO_VMX_STATE_* */
	uint32_t	vt_ncpus;	/* vCPUs */
	uint32_t	vt_nentries;	/* entries after this struct */
	uint64_t	vt_memsize;	/* guest memory, MiB */
	uint64_t	vt_uptime;	/* seconds since power-on */
	uint64_t	vt_exits_io;	/* exits to vmx: port I/O */
	uint64_t	vt_exits_mmio;	/* MMIO */
	uint64_t	vt_exits_other;	/* everything else */
	uint64_t	vt_console_dropped; /* console bytes not delivered to
					   slow viewers */
};

/* One device counter in MSG_VMX_STATS_RESP.  Names are NUL-terminated. */
#define PROTO_VMX_STAT_NAME	24
struct proto_vmx_stat_entry {
	char		se_dev[PROTO_VMX_STAT_NAME];	/* "virtio-blk" */
	char		se_name[PROTO_VMX_STAT_NAME];	/* "read_ops" */
	uint64_t	se_value;
};

/*
 * MSG_VMX_SNAPSHOT_REQ: followed by vn_ndisks pairs of NUL-terminated
 * strings: a disk's unit as the .vmx names it ("scsi0:0") and the
 * absolute path of the delta to create for it.  Disks not named stay as
 * they are.  On MSG_FAIL the disks before the one that failed have been
 * switched; a delta not taken into use does not exist afterwards.
 */
#define PROTO_VMX_SNAPSHOT_DISKS 64	/* most disks in one request */
struct proto_vmx_snapshot {
	uint32_t	vn_ndisks;	/* paths after this struct */
	uint32_t	vn_flags;	/* none defined yet, must be 0 */
};

/* The most bytes in one MSG_VMX_CONSOLE_DATA. */
#define PROTO_VMX_CONSOLE_MAX	4096

/* ev_kind values of MSG_VMX_EVENT. */
#define PROTO_VMX_EVENT_POWERED_OFF 1	/* the VM ended: ev_code is vmx's
					   exit status, the text says why */
#define PROTO_VMX_EVENT_ERROR	2	/* the VM ended in error (emulation
					   failure, triple fault, KVM) */
#define PROTO_VMX_EVENT_RESET	3	/* reset by request */
#define PROTO_VMX_EVENT_BUTTON	4	/* ACPI power button pressed */

/* MSG_VMX_EVENT: followed by a NUL-terminated text for people. */
struct proto_vmx_event {
	uint32_t	ev_kind;	/* PROTO_VMX_EVENT_* */
	uint32_t	ev_code;	/* kind-specific, see above */
};

#endif
