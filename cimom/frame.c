/* SPDX-License-Identifier: ISC */
/* Frames between cimom and the provider host (frame.h). */

#include "config.h"

#include <sys/uio.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "frame.h"
#include "xmalloc.h"

static int	frame_readall(int, void *, size_t);

int
frame_write(int fd, uint32_t id, uint32_t code, const void *a, size_t alen,
    const void *b, size_t blen)
{
	struct frame_hdr	 h;
	struct iovec		 iov[3];
	ssize_t			 n;
	int			 i = 0;

	if (alen + blen > FRAME_MAX_PAYLOAD) {
		errno = EMSGSIZE;
		return (-1);
	}
	h.fh_len = (uint32_t)(alen + blen);
	h.fh_id = id;
	h.fh_code = code;
	iov[0].iov_base = &h;
	iov[0].iov_len = sizeof h;
	iov[1].iov_base = (void *)a;
	iov[1].iov_len = alen;
	iov[2].iov_base = (void *)b;
	iov[2].iov_len = blen;
	while (i < 3) {
		if (iov[i].iov_len == 0) {
			i++;
			continue;
		}
		n = writev(fd, &iov[i], 3 - i);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			return (-1);
		}
		while (i < 3 && (size_t)n >= iov[i].iov_len) {
			n -= (ssize_t)iov[i].iov_len;
			iov[i].iov_len = 0;
			i++;
		}
		if (i < 3) {
			iov[i].iov_base = (char *)iov[i].iov_base + n;
			iov[i].iov_len -= (size_t)n;
		}
	}
	return (0);
}

static int
frame_readall(int fd, void *buf, size_t len)
{
	ssize_t	n;
	size_t	off = 0;

	while (off < len) {
		n = read(fd, (char *)buf + off, len - off);
		if (n == 0)
			return (off == 0 ? 0 : (errno = EPROTO, -1));
		if (n == -1) {
			if (errno == EINTR)
				continue;
			return (-1);
		}
		off += (size_t)n;
	}
	return (1);
}

int
frame_read(int fd, struct frame_hdr *h, char **payload)
{
	int	rc;

	*payload = NULL;
	if ((rc = frame_readall(fd, h, sizeof *h)) <= 0)
		return (rc);
	if (h->fh_len > FRAME_MAX_PAYLOAD) {
		errno = EMSGSIZE;
		return (-1);
	}
	*payload = xmalloc(h->fh_len + 1);
	if (h->fh_len > 0 && (rc = frame_readall(fd, *payload,
	    h->fh_len)) <= 0) {
		free(*payload);
		*payload = NULL;
		if (rc == 0)
			errno = EPROTO;
		return (-1);
	}
	(*payload)[h->fh_len] = '\0';
	return (1);
}

int
frame_parse(const void *buf, size_t len, struct frame_hdr *h)
{
	if (len < sizeof *h)
		return (0);
	memcpy(h, buf, sizeof *h);
	if (h->fh_len > FRAME_MAX_PAYLOAD)
		return (-1);
	return (len - sizeof *h >= h->fh_len ? 1 : 0);
}
