/* IPv4 input (local delivery and reassembly) and output (routing and
 * fragmentation) of the host. */
#ifndef HOPLAB_IP_H
#define HOPLAB_IP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ipv4.h"

struct host;
struct port;

/* What ip_output() needs besides the payload. */
struct ip_out {
	uint32_t src; /* 0: the address of the outgoing port */
	uint32_t dst;
	uint8_t proto;
	uint8_t ttl; /* 0: IPV4_DEFAULT_TTL */
	uint8_t tos;
	bool df;
};

/*
 * A datagram received on port (NULL: from the host itself, through the
 * loopback); link_multicast when its frame went to a broadcast or
 * multicast MAC.
 */
void ip_input(struct host *h, struct port *port, const uint8_t *buf, size_t len,
	      bool link_multicast);
/* ip_reass's timeout callback: ICMP time exceeded in reassembly. */
void ip_input_reass_timeout(const struct ipv4_pkt *first, void *arg);

/*
 * Sends payload in a datagram: routes it, fragments it to the port's MTU
 * and resolves the next hop. 0, or -1 with errno ENETUNREACH (no route),
 * EADDRNOTAVAIL (no source address), EMSGSIZE (too long, or DF set and
 * over the MTU), ENOBUFS (could not be queued).
 */
int ip_output(struct host *h, const struct ip_out *o, const uint8_t *payload,
	      size_t len);
/* The same for a complete datagram (header built), as ICMP errors are. */
int ip_output_datagram(struct host *h, const uint8_t *dgram, size_t len);
/*
 * The source address the host uses towards dst (dst itself when that is
 * the host), or 0 without a route.
 */
uint32_t ip_output_source(const struct host *h, uint32_t dst);

#endif
