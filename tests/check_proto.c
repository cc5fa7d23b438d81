/* SPDX-License-Identifier: ISC */
/*
 * Pins the wire layout of lib/proto.h: the number of every message type
 * and the size and member offsets of the frame header and every payload.
 * Two processes built from different trees must agree on all of it or
 * refuse each other by version, so any change here fails this test until
 * PROTO_VERSION is bumped and the pins below are updated with it.
 */

#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <check.h>

#include "proto.h"

static Suite	*check_proto_suite(void);

/*
 * The layout these pins describe is that of version 1.  Changing a pin
 * without bumping PROTO_VERSION (and this number with it) fails here.
 */
#define CHECK_PROTO_PINNED_VERSION	3

START_TEST(check_proto_version)
{
	ck_assert_int_eq(PROTO_VERSION, CHECK_PROTO_PINNED_VERSION);
	ck_assert_int_eq(PROTO_MAX_FRAME, 256 * 1024);
	ck_assert_uint_eq(PROTO_MAX_PAYLOAD,
	    PROTO_MAX_FRAME - sizeof(struct proto_hdr));
	ck_assert_int_eq(PROTO_F_FD, 0x1);
	ck_assert_int_eq(PROTO_F_MASK, 0x1);
}
END_TEST

START_TEST(check_proto_header)
{
	ck_assert_uint_eq(sizeof(struct proto_hdr), 24);
	ck_assert_uint_eq(offsetof(struct proto_hdr, ph_type), 0);
	ck_assert_uint_eq(offsetof(struct proto_hdr, ph_len), 4);
	ck_assert_uint_eq(offsetof(struct proto_hdr, ph_peerid), 8);
	ck_assert_uint_eq(offsetof(struct proto_hdr, ph_pid), 12);
	ck_assert_uint_eq(offsetof(struct proto_hdr, ph_version), 16);
	ck_assert_uint_eq(offsetof(struct proto_hdr, ph_flags), 20);
	/* A multiple of 8, so the first payload in a buffer is aligned. */
	ck_assert_uint_eq(sizeof(struct proto_hdr) % 8, 0);
}
END_TEST

START_TEST(check_proto_types)
{
	ck_assert_int_eq(MSG_VERSION, 1);
	ck_assert_int_eq(MSG_OK, 2);
	ck_assert_int_eq(MSG_FAIL, 3);
	ck_assert_int_eq(MSG_PING, 4);
	ck_assert_int_eq(MSG_PONG, 5);
	ck_assert_int_eq(MSG_SHUTDOWN, 6);
	ck_assert_int_eq(MSG_EOF, 99);
	ck_assert_int_eq(MSG_VMX_STATE_REQ, 100);
	ck_assert_int_eq(MSG_VMX_STATE_RESP, 101);
	ck_assert_int_eq(MSG_VMX_STATE_EVENT, 102);
	ck_assert_int_eq(MSG_VMX_POWER_REQ, 103);
	ck_assert_int_eq(MSG_VMX_STATS_REQ, 104);
	ck_assert_int_eq(MSG_VMX_STATS_RESP, 105);
	ck_assert_int_eq(MSG_VMX_CONSOLE_ATTACH, 106);
	ck_assert_int_eq(MSG_VMX_CONSOLE_DETACH, 107);
	ck_assert_int_eq(MSG_VMX_CONSOLE_DATA, 108);
	ck_assert_int_eq(MSG_VMX_EVENT, 109);
	ck_assert_int_eq(MSG_VMX_SNAPSHOT_REQ, 110);
	ck_assert_int_eq(PROTO_VMX_SNAPSHOT_DISKS, 64);

	ck_assert_int_eq(PROTO_VMX_POWERED_OFF, 0);
	ck_assert_int_eq(PROTO_VMX_POWERED_ON, 1);
	ck_assert_int_eq(PROTO_VMX_SUSPENDED, 2);
	ck_assert_int_eq(PROTO_VMX_POWER_ON, 1);
	ck_assert_int_eq(PROTO_VMX_POWER_OFF, 2);
	ck_assert_int_eq(PROTO_VMX_POWER_RESET, 3);
	ck_assert_int_eq(PROTO_VMX_POWER_SUSPEND, 4);
	ck_assert_int_eq(PROTO_VMX_POWER_SHUTDOWN, 5);
	ck_assert_int_eq(PROTO_VMX_POWER_PAUSE, 6);
	ck_assert_int_eq(PROTO_VMX_POWER_RESUME, 7);
	ck_assert_int_eq(PROTO_VMX_STATE_PAUSED, 1);
	ck_assert_int_eq(PROTO_VMX_EVENT_POWERED_OFF, 1);
	ck_assert_int_eq(PROTO_VMX_EVENT_ERROR, 2);
	ck_assert_int_eq(PROTO_VMX_EVENT_RESET, 3);
	ck_assert_int_eq(PROTO_VMX_EVENT_BUTTON, 4);
	ck_assert_int_eq(PROTO_VMX_STAT_NAME, 24);
	ck_assert_int_eq(PROTO_VMX_CONSOLE_MAX, 4096);
}
END_TEST

START_TEST(check_proto_payloads)
{
	ck_assert_uint_eq(sizeof(struct proto_version), 4);
	ck_assert_uint_eq(offsetof(struct proto_version, pv_version), 0);

	ck_assert_uint_eq(sizeof(struct proto_fail), 4);
	ck_assert_uint_eq(offsetof(struct proto_fail, pf_errno), 0);

	ck_assert_uint_eq(sizeof(struct proto_ping), 8);
	ck_assert_uint_eq(offsetof(struct proto_ping, pp_cookie), 0);

	ck_assert_uint_eq(sizeof(struct proto_eof), 4);
	ck_assert_uint_eq(offsetof(struct proto_eof, pe_errno), 0);

	ck_assert_uint_eq(sizeof(struct proto_vmx_state), 32);
	ck_assert_uint_eq(offsetof(struct proto_vmx_state, vs_power), 0);
	ck_assert_uint_eq(offsetof(struct proto_vmx_state, vs_ncpus), 4);
	ck_assert_uint_eq(offsetof(struct proto_vmx_state, vs_memsize), 8);
	ck_assert_uint_eq(offsetof(struct proto_vmx_state, vs_boottime), 16);
	ck_assert_uint_eq(offsetof(struct proto_vmx_state, vs_flags), 24);
	ck_assert_uint_eq(offsetof(struct proto_vmx_state, vs_reserved), 28);

	ck_assert_uint_eq(sizeof(struct proto_vmx_power), 8);
	ck_assert_uint_eq(offsetof(struct proto_vmx_power, vp_op), 0);
	ck_assert_uint_eq(offsetof(struct proto_vmx_power, vp_flags), 4);

	ck_assert_uint_eq(sizeof(struct proto_vmx_stats), 64);
	ck_assert_uint_eq(offsetof(struct proto_vmx_stats, vt_power), 0);
	ck_assert_uint_eq(offsetof(struct proto_vmx_stats, vt_flags), 4);
	ck_assert_uint_eq(offsetof(struct proto_vmx_stats, vt_ncpus), 8);
	ck_assert_uint_eq(offsetof(struct proto_vmx_stats, vt_nentries), 12);
	ck_assert_uint_eq(offsetof(struct proto_vmx_stats, vt_memsize), 16);
	ck_assert_uint_eq(offsetof(struct proto_vmx_stats, vt_uptime), 24);
	ck_assert_uint_eq(offsetof(struct proto_vmx_stats, vt_exits_io), 32);
	ck_assert_uint_eq(offsetof(struct proto_vmx_stats, vt_exits_mmio),
	    40);
	ck_assert_uint_eq(offsetof(struct proto_vmx_stats, vt_exits_other),
	    48);
	ck_assert_uint_eq(offsetof(struct proto_vmx_stats,
	    vt_console_dropped), 56);

	ck_assert_uint_eq(sizeof(struct proto_vmx_stat_entry), 56);
	ck_assert_uint_eq(offsetof(struct proto_vmx_stat_entry, se_dev), 0);
	ck_assert_uint_eq(offsetof(struct proto_vmx_stat_entry, se_name), 24);
	ck_assert_uint_eq(offsetof(struct proto_vmx_stat_entry, se_value),
	    48);

	ck_assert_uint_eq(sizeof(struct proto_vmx_snapshot), 8);
	ck_assert_uint_eq(offsetof(struct proto_vmx_snapshot, vn_ndisks), 0);
	ck_assert_uint_eq(offsetof(struct proto_vmx_snapshot, vn_flags), 4);

	ck_assert_uint_eq(sizeof(struct proto_vmx_event), 8);
	ck_assert_uint_eq(offsetof(struct proto_vmx_event, ev_kind), 0);
	ck_assert_uint_eq(offsetof(struct proto_vmx_event, ev_code), 4);
}
END_TEST

static Suite *
check_proto_suite(void)
{
	Suite	*s;
	TCase	*tc;

	s = suite_create("proto");
	tc = tcase_create("core");
	tcase_add_test(tc, check_proto_version);
	tcase_add_test(tc, check_proto_header);
	tcase_add_test(tc, check_proto_types);
	tcase_add_test(tc, check_proto_payloads);
	suite_add_tcase(s, tc);
	return (s);
}

int
main(void)
{
	SRunner	*sr;
	int	 failed;

	sr = srunner_create(check_proto_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return (failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE);
}
