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
 * to raddr:rport when raddr is not 0, sharing its port with other sockets
 * opened with reuse when reuse is set. Returns the application's end of
 * the pair (the caller passes it on and closes it), or -1 with errno;
 * *lport receives the port bound. On a framed pair, a header alone of
 * kind HOSTSOCK_CONNECT connects the socket later (address 0: undoes it).
 */
int sock_pair_udp(struct host *h, uint32_t laddr, uint16_t *lport,
		  uint32_t raddr, uint16_t rport, bool framed, bool reuse);

/* Closes every pair (at shutdown). */
void sock_pair_close_all(struct host *h);

#endif
