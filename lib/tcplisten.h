/* SPDX-License-Identifier: ISC */
/*
 * Listening TCP sockets for the daemons' HTTP servers (hostd, cimom).
 */
#ifndef VIREO_TCPLISTEN_H
#define VIREO_TCPLISTEN_H

/*
 * A listening TCP socket on address (NULL: every interface, IPv6 and
 * IPv4 when the host has IPv6, else IPv4 only; otherwise a numeric
 * address) and port (0: any free port), non-blocking and close-on-exec,
 * with SO_REUSEADDR and TCP_NODELAY (accepted sockets inherit it).
 *
 * Return values: the descriptor, with the bound port in *bound; or -1
 * with errno and *cause (heap, the caller frees) naming the port.
 */
int	tcplisten_open(const char *address, int port, int backlog, int *bound,
	    char **cause);

#endif
