/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for suspend files (vmm/snapshot.c) and the devices' dt_save
 * and dt_restore, on fake VMs (no KVM): the section stream and its bounds,
 * the CRC, deferred calls; a whole fake VM with every platform device, a
 * virtio-rng in use and a virtio-blk disk saved, loaded into a second VM
 * and saved again, each device's state coming back byte for byte and the
 * virtio queue going on where it was; and the file refused cleanly when it
 * is truncated, corrupt, foreign or from another configuration, with
 * every prefix of every device's state refused by its dt_restore.
 */

#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "vmm-int.h"
#include "snapshot.h"
#include "virtio-driver.h"

#define TS_RING_GPA	0x200000ULL
#define TS_BUF_GPA	0x300000ULL
#define TS_ACPI_PM	"acpi-pm"

struct tsnap {
	struct vmm_params	 params;
	struct vmm_disk_params	 disk;
	char			 diskpath[64];
	char			 file[64];
	struct vmm		*vmm;
};

static void	ts_params(struct tsnap *, unsigned int, int);
static struct vmm *ts_vm(struct tsnap *);
static void	ts_free(struct tsnap *);
static int	ts_save(struct vmm *, const char *);
static int	ts_load(struct vmm *, const char *, char **);
static void	*ts_read_file(const char *, size_t *);
static void	ts_write_file(const char *, const void *, size_t);
static void	*ts_state(const char *, size_t *);
static int	ts_find_rng(struct vmm *);
static void	ts_rng_read(struct virtio_driver *, unsigned int);
static void	ts_count(void *);
static Suite	*check_snapshot_suite(void);

/* Parameters of a small VM with a 1 MiB raw disk. */
static void
ts_params(struct tsnap *t, unsigned int mib, int rng)
{
	int	fd;

	memset(t, 0, sizeof *t);
	snprintf(t->diskpath, sizeof t->diskpath, "/tmp/ck-snap-disk.XXXXXX");
	ck_assert_int_ne((fd = mkstemp(t->diskpath)), -1);
	ck_assert_int_eq(ftruncate(fd, 1 << 20), 0);
	close(fd);
	snprintf(t->file, sizeof t->file, "/tmp/ck-snap.XXXXXX");
	ck_assert_int_ne((fd = mkstemp(t->file)), -1);
	close(fd);
	t->disk.vd_name = "scsi0:0";
	t->disk.vd_path = t->diskpath;
	t->params.vp_name = "snap";
	t->params.vp_memsize = (uint64_t)mib << 20;
	t->params.vp_ncpus = 1;
	t->params.vp_serial_out = -1;
	t->params.vp_serial_in = -1;
	t->params.vp_debug_exit = 1;
	t->params.vp_virtio_rng = rng;
	t->params.vp_disks = &t->disk;
	t->params.vp_ndisks = 1;
}

/* A fake VM with every device of the table its parameters ask for. */
static struct vmm *
ts_vm(struct tsnap *t)
{
	struct vmm	*vmm;
	char		*cause = NULL;
	void		*dev;
	size_t		 i;

	vmm = vmm_create_fake(&t->params, &cause);
	ck_assert_msg(vmm != NULL, "fake VM: %s", cause);
	vmm->vm_devs = calloc(vmm_ndevtypes, sizeof *vmm->vm_devs);
	ck_assert_ptr_nonnull(vmm->vm_devs);
	for (i = 0; i < vmm_ndevtypes; i++) {
		dev = NULL;
		ck_assert_msg(vmm_devtypes[i]->dt_create(vmm, &vmm->vm_params,
		    &dev, &cause) == 0, "%s: %s", vmm_devtypes[i]->dt_name,
		    cause);
		if (dev == NULL)
			continue;
		vmm->vm_devs[vmm->vm_ndevs].di_type = vmm_devtypes[i];
		vmm->vm_devs[vmm->vm_ndevs].di_dev = dev;
		vmm->vm_ndevs++;
	}
	return (vmm);
}

static void
ts_free(struct tsnap *t)
{
	unlink(t->diskpath);
	unlink(t->file);
}

static int
ts_save(struct vmm *vmm, const char *path)
{
	char	*cause = NULL;
	int	 fd, rc;

	ck_assert_int_ne((fd = open(path, O_RDWR|O_TRUNC|O_CREAT, 0600)), -1);
	rc = snap_save_vm(vmm, fd, &cause);
	ck_assert_msg(rc == 0, "save: %s", cause);
	close(fd);
	return (rc);
}

static int
ts_load(struct vmm *vmm, const char *path, char **cause)
{
	int	fd, rc;

	ck_assert_int_ne((fd = open(path, O_RDONLY)), -1);
	rc = snap_load_vm(vmm, fd, cause);
	close(fd);
	return (rc);
}

static void *
ts_read_file(const char *path, size_t *len)
{
	struct stat	 st;
	void		*p;
	int		 fd;

	ck_assert_int_ne((fd = open(path, O_RDONLY)), -1);
	ck_assert_int_eq(fstat(fd, &st), 0);
	p = malloc((size_t)st.st_size + 1);
	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(read(fd, p, (size_t)st.st_size), st.st_size);
	close(fd);
	*len = (size_t)st.st_size;
	return (p);
}

static void
ts_write_file(const char *path, const void *p, size_t len)
{
	int	fd;

	ck_assert_int_ne((fd = open(path, O_WRONLY|O_TRUNC|O_CREAT, 0600)),
	    -1);
	ck_assert_int_eq(write(fd, p, len), (ssize_t)len);
	close(fd);
}

/* The sections of a suspend file (after its 64-byte header). */
static void *
ts_state(const char *path, size_t *len)
{
	uint8_t		*buf, *state;
	size_t		 n;
	uint64_t	 slen = 0;
	int		 i;

	buf = ts_read_file(path, &n);
	ck_assert_uint_ge(n, 64);
	for (i = 0; i < 8; i++)
		slen |= (uint64_t)buf[32 + i] << (8 * i);
	ck_assert_uint_le(64 + slen, n);
	state = malloc(slen + 1);
	memcpy(state, buf + 64, slen);
	free(buf);
	*len = slen;
	return (state);
}

static int
ts_find_rng(struct vmm *vmm)
{
	struct iotrap_access	ia;
	int			slot;

	for (slot = 0; slot < 32; slot++) {
		memset(&ia, 0, sizeof ia);
		ia.ia_addr = VMM_ECAM_BASE + ((uint64_t)slot << 15);
		ia.ia_len = 4;
		ia.ia_vcpu = -1;
		ck_assert_int_eq(iotrap_dispatch(vmm, IOTRAP_MMIO, &ia), 0);
		if (ia.ia_data == 0x10441af4)
			return (slot);
	}
	ck_abort_msg("no virtio-rng");
	return (-1);
}

/* One 64-byte request as descriptor d; the device answers at once. */
static void
ts_rng_read(struct virtio_driver *vd, unsigned int d)
{
	uint16_t	before = virtio_driver_used_idx(vd);

	virtio_driver_desc(vd, d, TS_BUF_GPA + 64 * d, 64, VIRTQ_DESC_F_WRITE,
	    0);
	virtio_driver_add(vd, (uint16_t)d);
	virtio_driver_notify(vd);
	ck_assert_uint_eq(virtio_driver_used_idx(vd), (uint16_t)(before + 1));
}

static void
ts_count(void *arg)
{
	int	*n = arg;

	*n = *n * 10 + 1 + (*n % 10);
}

START_TEST(snapshot_stream)
{
	struct snap	*w, *r, *p;
	const void	*data;
	size_t		 len;
	uint64_t	 v64;
	uint32_t	 v32, type, id;
	uint16_t	 v16;
	uint8_t		 v8, b[3];
	char		*cause = NULL;

	ck_assert_uint_eq(snap_crc32(0, "123456789", 9), 0xcbf43926U);
	w = snap_writer_create();
	snap_open(w, SNAP_SEC_DEVICE, 7);
	snap_put_u8(w, 0xab);
	snap_put_u16(w, 0x1234);
	snap_put_u32(w, 0xdeadbeef);
	snap_put_u64(w, 0x0102030405060708ULL);
	snap_put_bytes(w, "xyz", 3);
	snap_open(w, SNAP_SEC_END, 0);
	snap_close(w);
	data = snap_data(w, &len);
	ck_assert_uint_eq(len, 16 + 18 + 16);
	/* Little-endian on the wire. */
	ck_assert_uint_eq(((const uint8_t *)data)[17], 0x34);

	r = snap_reader_create(data, len);
	ck_assert_int_eq(snap_get_section(r, &type, &id, &p, &cause), 1);
	ck_assert_uint_eq(type, SNAP_SEC_DEVICE);
	ck_assert_uint_eq(id, 7);
	ck_assert_int_eq(snap_get_u8(p, &v8), 0);
	ck_assert_uint_eq(v8, 0xab);
	ck_assert_int_eq(snap_get_u16(p, &v16), 0);
	ck_assert_uint_eq(v16, 0x1234);
	ck_assert_int_eq(snap_get_u32(p, &v32), 0);
	ck_assert_uint_eq(v32, 0xdeadbeef);
	ck_assert_int_eq(snap_get_end(p), -1);	/* bytes left */
	ck_assert_int_eq(snap_get_u64(p, &v64), 0);
	ck_assert_uint_eq(v64, 0x0102030405060708ULL);
	ck_assert_int_eq(snap_get_bytes(p, b, 3), 0);
	ck_assert_int_eq(memcmp(b, "xyz", 3), 0);
	ck_assert_int_eq(snap_get_end(p), 0);
	snap_free(p);
	ck_assert_int_eq(snap_get_section(r, &type, &id, &p, &cause), 1);
	ck_assert_uint_eq(type, SNAP_SEC_END);
	ck_assert_uint_eq(snap_remaining(p), 0);
	snap_free(p);
	ck_assert_int_eq(snap_get_section(r, &type, &id, &p, &cause), 0);
	snap_free(r);
	snap_free(w);
}
END_TEST

START_TEST(snapshot_defer)
{
	struct snap	*w, *r, *p;
	const void	*data;
	size_t		 len;
	uint32_t	 type, id;
	char		*cause = NULL;
	int		 n = 0;

	/* Calls run at the top snap's free, last registered first, also
	 * when registered through a payload reader. */
	w = snap_writer_create();
	snap_open(w, SNAP_SEC_END, 0);
	snap_close(w);
	data = snap_data(w, &len);
	r = snap_reader_create(data, len);
	ck_assert_int_eq(snap_get_section(r, &type, &id, &p, &cause), 1);
	snap_defer(p, ts_count, &n);	/* n: 0 -> 1 */
	snap_defer(r, ts_count, &n);
	snap_free(p);
	ck_assert_int_eq(n, 0);
	snap_free(r);
	/* Second registered runs first: 0 -> 1 -> 12. */
	ck_assert_int_eq(n, 12);
	snap_free(w);
}
END_TEST

START_TEST(snapshot_vm_round_trip)
{
	struct tsnap		 t;
	struct vmm		*a, *b;
	struct virtio_driver	 vd, vd2;
	struct snap		*ra, *rb, *pa, *pb;
	uint8_t			*sa, *sb;
	size_t			 la, lb, i;
	uint32_t		 ta, tb, ia, ib;
	char			*cause = NULL;
	const char		*name;
	int			 slot;

	ts_params(&t, 16, 1);
	a = ts_vm(&t);
	/* Device state a guest would leave behind. */
	iotrap_dispatch(a, IOTRAP_PIO, &(struct iotrap_access){
	    .ia_addr = VMM_COM1_PORT + 7, .ia_len = 1, .ia_write = 1,
	    .ia_data = 0x5a, .ia_vcpu = -1 });
	iotrap_dispatch(a, IOTRAP_PIO, &(struct iotrap_access){
	    .ia_addr = VMM_RTC_PORT, .ia_len = 1, .ia_write = 1,
	    .ia_data = 0x40, .ia_vcpu = -1 });
	iotrap_dispatch(a, IOTRAP_PIO, &(struct iotrap_access){
	    .ia_addr = VMM_RTC_PORT + 1, .ia_len = 1, .ia_write = 1,
	    .ia_data = 0x77, .ia_vcpu = -1 });
	iotrap_dispatch(a, IOTRAP_PIO, &(struct iotrap_access){
	    .ia_addr = VMM_PM_BASE + 2, .ia_len = 2, .ia_write = 1,
	    .ia_data = 0x0100, .ia_vcpu = -1 });
	ck_assert_int_eq(mem_write(a, 0x5000, "guest data", 10), 0);
	/* The virtio-rng driven through one request. */
	slot = ts_find_rng(a);
	virtio_driver_attach(&vd, a, slot);
	ck_assert_uint_ne(virtio_driver_init(&vd,
	    VIRTIO_BIT(VIRTIO_F_VERSION_1)) & VIRTIO_STATUS_FEATURES_OK, 0);
	ck_assert_uint_eq(virtio_driver_queue(&vd, 0, 8, TS_RING_GPA,
	    VIRTIO_PCI_NO_VECTOR), 1);
	virtio_driver_driver_ok(&vd);
	ts_rng_read(&vd, 0);
	ts_save(a, t.file);

	b = ts_vm(&t);
	ck_assert_msg(ts_load(b, t.file, &cause) == 0, "load: %s", cause);
	ck_assert_int_eq(memcmp(mem_gpa(b, 0x5000, 10), "guest data", 10), 0);
	ck_assert_int_eq(memcmp(mem_gpa(a, 0, t.params.vp_memsize),
	    mem_gpa(b, 0, t.params.vp_memsize), t.params.vp_memsize), 0);

	/* Saving the restored VM gives the same state, section by section
	 * (only the PM timer has moved on, by a little). */
	sa = ts_state(t.file, &la);
	ts_save(b, t.file);
	sb = ts_state(t.file, &lb);
	ck_assert_uint_eq(la, lb);
	ra = snap_reader_create(sa, la);
	rb = snap_reader_create(sb, lb);
	while (snap_get_section(ra, &ta, &ia, &pa, &cause) == 1) {
		ck_assert_int_eq(snap_get_section(rb, &tb, &ib, &pb, &cause),
		    1);
		ck_assert_uint_eq(ta, tb);
		ck_assert_uint_eq(ia, ib);
		ck_assert_uint_eq(snap_remaining(pa), snap_remaining(pb));
		name = ta == SNAP_SEC_DEVICE ? a->vm_devs[ia].di_type->dt_name :
		    "";
		la = snap_remaining(pa);
		if (strcmp(name, TS_ACPI_PM) == 0)
			la -= 4;
		for (i = 0; i < la; i++) {
			uint8_t	x, y;

			snap_get_u8(pa, &x);
			snap_get_u8(pb, &y);
			ck_assert_msg(x == y, "%s: byte %zu differs", name, i);
		}
		snap_free(pa);
		snap_free(pb);
	}
	snap_free(ra);
	snap_free(rb);
	free(sa);
	free(sb);

	/* The restored queue goes on: one more request is the second. */
	vd2 = vd;
	virtio_driver_attach(&vd2, b, slot);
	vd2.vd_q = vd.vd_q;
	vd2.vd_qsize = vd.vd_qsize;
	vd2.vd_desc = vd.vd_desc;
	vd2.vd_avail = vd.vd_avail;
	vd2.vd_used = vd.vd_used;
	vd2.vd_avail_idx = vd.vd_avail_idx;
	ck_assert_uint_eq(virtio_driver_common_read(&vd2, VD_STATUS, 1) &
	    VIRTIO_STATUS_DRIVER_OK, VIRTIO_STATUS_DRIVER_OK);
	ts_rng_read(&vd2, 1);
	ck_assert_uint_eq(virtio_driver_used_idx(&vd2), 2);

	vmm_free(a);
	vmm_free(b);
	ts_free(&t);
}
END_TEST

START_TEST(snapshot_reader_limits)
{
	struct snap	*r;
	uint8_t		 buf[4] = { 1, 2, 3, 4 }, b[8];
	uint32_t	 v32;
	uint16_t	 v16;

	r = snap_reader_create(buf, sizeof buf);
	ck_assert_int_eq(snap_get_u16(r, &v16), 0);
	ck_assert_int_eq(snap_get_u32(r, &v32), -1);
	ck_assert_int_eq(errno, EINVAL);
	/* Errors stick: even a get that would fit fails now. */
	ck_assert_int_eq(snap_get_u16(r, &v16), -1);
	ck_assert_int_eq(snap_get_end(r), -1);
	snap_free(r);
	r = snap_reader_create(buf, sizeof buf);
	ck_assert_int_eq(snap_get_bytes(r, b, 5), -1);
	ck_assert_uint_eq(snap_remaining(r), 0);
	snap_free(r);
	r = snap_reader_create(NULL, 100);
	ck_assert_int_eq(snap_get_u8(r, b), -1);
	snap_free(r);
}
END_TEST

START_TEST(snapshot_device_prefixes)
{
	struct tsnap		 t;
	struct vmm		*a, *b;
	struct snap		*r, *p, *q;
	uint8_t			*state;
	const uint8_t		*pl;
	size_t			 len, n, cut, total;
	uint32_t		 type, id;
	char			*cause = NULL;
	int			 rc;

	/* Every device's saved state cut short is refused by dt_restore
	 * (or leaves bytes unread: caught the same way) without a crash. */
	ts_params(&t, 16, 1);
	a = ts_vm(&t);
	ts_save(a, t.file);
	b = ts_vm(&t);
	state = ts_state(t.file, &len);
	r = snap_reader_create(state, len);
	n = 0;
	while (snap_get_section(r, &type, &id, &p, &cause) == 1) {
		if (type != SNAP_SEC_DEVICE) {
			snap_free(p);
			continue;
		}
		n++;
		total = snap_remaining(p);
		pl = (const uint8_t *)state + (len - snap_remaining(r)) - total;
		for (cut = 0; cut < total; cut++) {
			q = snap_reader_create(pl, cut);
			rc = b->vm_devs[id].di_type->dt_restore(
			    b->vm_devs[id].di_dev, q);
			ck_assert_msg(rc != 0 || snap_get_end(q) != 0,
			    "%s accepted %zu of %zu bytes",
			    b->vm_devs[id].di_type->dt_name, cut, total);
			snap_free(q);
		}
		snap_free(p);
	}
	/* i8259, ioapic, i8254, pci, ns8250, i8042, mc146818, acpi-pm,
	 * virtio-rng, virtio-blk */
	ck_assert_uint_eq(n, 10);
	snap_free(r);
	free(state);
	vmm_free(a);
	vmm_free(b);
	ts_free(&t);
}
END_TEST

START_TEST(snapshot_file_errors)
{
	struct tsnap	 t, t2;
	struct vmm	*a, *b;
	uint8_t		*buf;
	uint32_t	 crc;
	size_t		 len, cuts[6], i;
	char		*cause;

	ts_params(&t, 16, 1);
	a = ts_vm(&t);
	ts_save(a, t.file);
	buf = ts_read_file(t.file, &len);

	/* Truncated anywhere: header, sections, memory. */
	cuts[0] = 0;
	cuts[1] = 10;
	cuts[2] = 63;
	cuts[3] = 64 + 20;
	cuts[4] = len - 20;
	cuts[5] = len - 1;
	for (i = 0; i < 6; i++) {
		ts_write_file(t.file, buf, cuts[i]);
		b = ts_vm(&t);
		cause = NULL;
		ck_assert_int_eq(ts_load(b, t.file, &cause), -1);
		ck_assert_int_eq(errno, ENOEXEC);
		ck_assert_msg(cause != NULL && (strstr(cause, "truncated") !=
		    NULL || strstr(cause, "too short") != NULL),
		    "cut at %zu: %s", cuts[i], cause);
		free(cause);
		vmm_free(b);
	}

	/* A flipped byte in the sections: the checksum. */
	buf[64 + 30] ^= 0x40;
	ts_write_file(t.file, buf, len);
	b = ts_vm(&t);
	cause = NULL;
	ck_assert_int_eq(ts_load(b, t.file, &cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, "corrupt"));
	free(cause);
	vmm_free(b);
	buf[64 + 30] ^= 0x40;

	/* Not ours. */
	memcpy(buf, "KDMV", 4);
	ts_write_file(t.file, buf, len);
	b = ts_vm(&t);
	cause = NULL;
	ck_assert_int_eq(ts_load(b, t.file, &cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, "not a Vireo suspend file"));
	free(cause);
	vmm_free(b);
	memcpy(buf, "VIRE", 4);

	/* Version 1 (KVM's irqchip and PIT in their own sections), with a
	 * correct header checksum: refused by name. */
	buf[8] = 1;
	crc = snap_crc32(0, buf, 60);
	memcpy(buf + 60, &crc, 4);
	ts_write_file(t.file, buf, len);
	b = ts_vm(&t);
	cause = NULL;
	ck_assert_int_eq(ts_load(b, t.file, &cause), -1);
	ck_assert_int_eq(errno, ENOEXEC);
	ck_assert_msg(strstr(cause, "format version 1 is not supported") !=
	    NULL, "%s", cause);
	free(cause);
	vmm_free(b);
	buf[8] = 2;
	crc = snap_crc32(0, buf, 60);
	memcpy(buf + 60, &crc, 4);
	ts_write_file(t.file, buf, len);

	/* Another memory size, another device set. */
	ts_params(&t2, 32, 1);
	b = ts_vm(&t2);
	cause = NULL;
	ck_assert_int_eq(ts_load(b, t.file, &cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, "16 MiB of memory, this one has "
	    "32 MiB"));
	free(cause);
	vmm_free(b);
	ts_free(&t2);
	ts_params(&t2, 16, 0);
	b = ts_vm(&t2);
	cause = NULL;
	ck_assert_int_eq(ts_load(b, t.file, &cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, "devices"));
	free(cause);
	vmm_free(b);
	ts_free(&t2);

	/* And the intact file still loads. */
	b = ts_vm(&t);
	cause = NULL;
	ck_assert_msg(ts_load(b, t.file, &cause) == 0, "%s", cause);
	vmm_free(b);
	free(buf);
	vmm_free(a);
	ts_free(&t);
}
END_TEST

static Suite *
check_snapshot_suite(void)
{
	Suite	*s = suite_create("snapshot");
	TCase	*tc;

	tc = tcase_create("core");
	tcase_add_test(tc, snapshot_stream);
	tcase_add_test(tc, snapshot_defer);
	tcase_add_test(tc, snapshot_vm_round_trip);
	suite_add_tcase(s, tc);
	tc = tcase_create("limits");
	tcase_add_test(tc, snapshot_reader_limits);
	tcase_add_test(tc, snapshot_device_prefixes);
	suite_add_tcase(s, tc);
	tc = tcase_create("errors");
	tcase_add_test(tc, snapshot_file_errors);
	suite_add_tcase(s, tc);
	return (s);
}

int
main(void)
{
	SRunner	*sr;
	int	 failed;

	sr = srunner_create(check_snapshot_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return (failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE);
}
