/* UDP (RFC 768) of the host: checksums, demultiplexing to sockets,
 * sending. */
#ifndef HOPLAB_UDP_H
#define HOPLAB_UDP_H

#include <stddef.h>
#include <stdint.h>

#include "host.h"
#include "ipnode.h"
#include "pbuf.h"
#include "sock.h"

#define UDP_HDR_LEN 8
#define UDP_PAYLOAD_MAX (65535 - IPV4_HDR_LEN - UDP_HDR_LEN)

struct udp_hdr {
	uint16_t sport;
	uint16_t dport;
	uint16_t len;
	uint16_t check;
} __attribute__((packed));

/* UDP as a protocol of the host's node. */
extern const struct ipnode_proto udp_proto;

/*
 * Opens s (owner and ops set by the caller) as a UDP socket bound to
 * laddr:lport (0: any address, an ephemeral port). -1 with errno.
 */
int udp_open(struct host *h, struct sock *s, uint32_t laddr, uint16_t lport);
/* Sets s's peer; later sends without a destination go there. */
int udp_connect(struct host *h, struct sock *s, uint32_t raddr, uint16_t rport);
void udp_close(struct host *h, struct sock *s);

/*
 * Sends the payload p (taking it; headroom for the headers saves a copy)
 * from s to dst:dport (dst 0: the connected peer). 0, or -1 with errno
 * (ENOTCONN, EMSGSIZE, and those of ipnode_output).
 */
int udp_send(struct host *h, struct sock *s, uint32_t dst, uint16_t dport,
	     struct pbuf *p);
/* The same for len bytes at data. */
int udp_send_copy(struct host *h, struct sock *s, uint32_t dst, uint16_t dport,
		  const uint8_t *data, size_t len);

/* The UDP checksum of a datagram (header and data) from src to dst. */
uint16_t udp_checksum(uint32_t src, uint32_t dst, const uint8_t *udp,
		      size_t len);

#endif
