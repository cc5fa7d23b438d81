/* SPDX-License-Identifier: ISC */
/*
 * Suspend files (.vmss): the stream devices write their state into
 * (dt_save) and read it back from (dt_restore), and the whole-VM save and
 * load vmm_suspend and vmm_create_resume are built on.  The file format is
 * described at the top of snapshot.c and in vmx.conf(5).
 *
 * A struct snap is either a writer (growing memory buffer of sections) or
 * a reader over borrowed bytes.  Writers never fail (xmalloc).  Readers
 * treat their bytes as untrusted: every get is bounds-checked and the
 * first failure sticks, so a device may read all its fields and check
 * once, with snap_get_end(), which also refuses bytes left over (a state
 * from another version of the device).  All integers are little-endian.
 *
 * Not thread-safe: one thread uses a snap at a time.
 */
#ifndef VIREO_SNAPSHOT_H
#define VIREO_SNAPSHOT_H

#include <stddef.h>
#include <stdint.h>

struct snap;
struct vmm;

/* Section types (snapshot.c's comment has their layout). */
#define SNAP_SEC_DEVICES	1	/* the device list, first */
#define SNAP_SEC_VCPU		2	/* id: vCPU index */
#define SNAP_SEC_IRQCHIP	3	/* version 1 only: KVM's PICs, IOAPIC */
#define SNAP_SEC_PIT		4	/* version 1 only: KVM's PIT */
#define SNAP_SEC_CLOCK		5	/* kvmclock */
#define SNAP_SEC_DEVICE		6	/* id: index in the device list */
#define SNAP_SEC_END		7	/* last, empty */

/* Largest section payload a reader accepts (RAM is not a section). */
#define SNAP_SECTION_MAX	(16U << 20)

/* A writer: an empty buffer.  Freed (deferred calls run) by snap_free. */
struct snap	*snap_writer_create(void);
/*
 * Start section type/id in a writer; everything put until snap_close
 * becomes its payload.  snap_close fills in its length and CRC.
 */
void		 snap_open(struct snap *, uint32_t type, uint32_t id);
void		 snap_close(struct snap *);
/* Append to the open section (or, with none open, to the raw buffer). */
void		 snap_put_u8(struct snap *, uint8_t);
void		 snap_put_u16(struct snap *, uint16_t);
void		 snap_put_u32(struct snap *, uint32_t);
void		 snap_put_u64(struct snap *, uint64_t);
void		 snap_put_bytes(struct snap *, const void *, size_t);
/* A writer's bytes so far (borrowed until the next put or snap_free). */
const void	*snap_data(const struct snap *, size_t *len);

/*
 * A reader over len bytes at buf (borrowed; must outlive the snap).  Each
 * get returns 0, or -1 with errno EINVAL once the bytes run out (or an
 * earlier get failed: errors stick).  snap_get_end is 0 only when no get
 * failed and every byte was read.
 */
struct snap	*snap_reader_create(const void *buf, size_t len);
int		 snap_get_u8(struct snap *, uint8_t *);
int		 snap_get_u16(struct snap *, uint16_t *);
int		 snap_get_u32(struct snap *, uint32_t *);
int		 snap_get_u64(struct snap *, uint64_t *);
int		 snap_get_bytes(struct snap *, void *, size_t);
int		 snap_get_end(struct snap *);
/* Bytes not yet read. */
size_t		 snap_remaining(const struct snap *);
/*
 * The next section of a reader: its type, id and a new reader over its
 * payload (freed by the caller), after checking its length and CRC.  1 on
 * a section, 0 when the reader is exhausted, -1 with errno EINVAL (and
 * *cause) for a truncated or corrupt section.
 */
int		 snap_get_section(struct snap *, uint32_t *type, uint32_t *id,
		    struct snap **payload, char **cause);

/*
 * Have fn(arg) called when the snap at the top of this save or load is
 * freed, after every section was written or read: a device that stopped
 * its I/O thread to save restarts it, one being restored kicks its queues
 * once the vCPUs and interrupt controllers have their state.  Calls run
 * in reverse order of registration.  A payload reader forwards to the
 * snap it was cut from.
 */
void		 snap_defer(struct snap *, void (*fn)(void *), void *arg);
/* Run the deferred calls (if any) and free.  NULL is fine. */
void		 snap_free(struct snap *);

/* CRC-32 (IEEE 802.3, as zlib's crc32) of len bytes, continuing crc. */
uint32_t	 snap_crc32(uint32_t crc, const void *, size_t);

/*
 * Whole-VM save and load (the file layout in snapshot.c).  snap_save_vm
 * writes the VM's state to fd at its current offset: the vCPUs must be out
 * of KVM_RUN.  snap_load_vm reads a file written by it into a VM just
 * created with the same parameters (devices created, no guest loaded),
 * checking first that the file's shape (memory size, vCPUs, devices)
 * matches; on a fake VM (tests, fuzzing) the KVM sections are checked but
 * not applied.  0, or -1 with *cause for a person (caller frees).
 */
int		 snap_save_vm(struct vmm *, int fd, char **cause);
int		 snap_load_vm(struct vmm *, int fd, char **cause);

#endif
