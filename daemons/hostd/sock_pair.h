/*
 * The server side of hostsock: a UDP socket of the stack joined to one end
 * of a SOCK_SEQPACKET socketpair whose other end an application holds.
 * Datagrams move both ways one message each, with a struct hostsock_hdr
 * in front when the socket is framed.
 */
#ifndef HOPLAB_SOCK_PAIR_H
#define HOPLAB_SOCK_PAIR_H

#include <stdbool.h>
#include <stdint.h>

struct host;

/*
 * Opens a UDP socket bound to laddr:lport (0: any, ephemeral), connected
 * to raddr:rport when raddr is not 0. Returns the application's end of the
 * pair (the caller passes it on and closes it), or -1 with errno; *lport
 * receives the port bound.
 */
int sock_pair_udp(struct host *h, uint32_t laddr, uint16_t *lport,
		  uint32_t raddr, uint16_t rport, bool framed);

/* Closes every pair (at shutdown). */
void sock_pair_close_all(struct host *h);

#endif
