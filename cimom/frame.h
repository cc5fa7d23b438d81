/* SPDX-License-Identifier: ISC */
/*
 * The framed protocol between cimom and its provider host, over a
 * socketpair: a 12-byte header (payload length, request id, status code,
 * host byte order: both ends are the same machine) and the payload.
 * cimom -> host: principal, NUL, the CIM-XML request body.
 * host -> cimom: the whole CIM-XML response, code = its CIM status.
 */
#ifndef VIREO_CIMOM_FRAME_H
#define VIREO_CIMOM_FRAME_H

#include <stddef.h>
#include <stdint.h>

#define FRAME_MAX_PAYLOAD	(64U * 1024 * 1024)

struct frame_hdr {
	uint32_t	fh_len;
	uint32_t	fh_id;
	uint32_t	fh_code;
};

/* Write a whole frame to a blocking fd.  0 or -1 with errno. */
int	frame_write(int fd, uint32_t id, uint32_t code, const void *a,
	    size_t alen, const void *b, size_t blen);
/* Read a whole frame from a blocking fd into *payload (heap, NUL
 * terminated).  1, 0 at end of stream, -1 with errno (EMSGSIZE). */
int	frame_read(int fd, struct frame_hdr *, char **payload);
/* Parse a frame at buf: 1 whole (payload at buf + sizeof hdr), 0 need
 * more, -1 too large. */
int	frame_parse(const void *buf, size_t len, struct frame_hdr *);

#endif
