/* IPv4 output: routing, source selection, fragmentation to the MTU. */
#include "ip.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "host.h"

struct ip_output_hop {
	struct host *h;
	struct port *port;
	uint32_t nexthop;
	bool broadcast;
	bool fragmenting;
};

/* Is dst the host itself: one of its addresses, or 127.0.0.0/8? */
static bool
ip_output_is_self(const struct host *h, uint32_t dst)
{
	return host_addr_find(h, dst) || (dst >> 24) == 127;
}

uint32_t
ip_output_source(const struct host *h, uint32_t dst)
{
	const struct route *r;
	const struct host_addr *a;

	/* To itself, the host speaks from the address it speaks to. */
	if (ip_output_is_self(h, dst))
		return dst;
	r = route_lookup(h->routes, dst);
	if (!r)
		return 0;
	a = host_addr_of_port(h, r->port);
	return a ? a->addr : 0;
}

/* Sends one datagram (a fragment or a whole one) to the next hop. */
static int
ip_output_hop(const uint8_t *pkt, size_t len, void *arg)
{
	struct ip_output_hop *hop = arg;
	struct host *h = hop->h;

	h->stats[STAT_ip_tx]++;
	if (hop->fragmenting)
		h->stats[STAT_ip_frag_created]++;
	if (hop->broadcast) {
		host_ether_output(h, hop->port, ether_broadcast, ETHERTYPE_IPV4,
				  pkt, len);
		return 0;
	}
	if (host_arp_output(h, hop->port, hop->nexthop, pkt, len) < 0) {
		h->stats[STAT_tx_failed]++;
		errno = ENOBUFS;
		return -1;
	}
	return 0;
}

/* Counts the fragments a datagram becomes, then sends them. */
static int
ip_output_fragment(struct ip_output_hop *hop, const uint8_t *dgram, size_t len)
{
	struct ipv4_pkt pkt;
	int rc;

	if (ipv4_parse(dgram, len, &pkt) != IPV4_ok) {
		errno = EINVAL;
		return -1;
	}
	hop->fragmenting = true;
	rc = ipv4_fragment(&pkt, hop->port->mtu, ip_output_hop, hop);
	if (rc < 0 && errno == EMSGSIZE)
		hop->h->stats[STAT_ip_frag_df]++;
	return rc < 0 ? -1 : 0;
}

/*
 * A datagram to the host itself goes straight back into IP input, as the
 * loopback interface of a kernel does. It is copied first: input may send
 * an answer, and output reuses the stack's datagram buffer.
 */
static int
ip_output_loopback(struct host *h, const uint8_t *dgram, size_t len)
{
	uint8_t *copy = malloc(len);

	if (!copy) {
		errno = ENOMEM;
		return -1;
	}
	memcpy(copy, dgram, len);
	h->stats[STAT_ip_loopback]++;
	ip_input(h, NULL, copy, len, false);
	free(copy);
	return 0;
}

int
ip_output_datagram(struct host *h, const uint8_t *dgram, size_t len)
{
	const struct ipv4_hdr *ip = (const struct ipv4_hdr *)dgram;
	uint32_t dst = ntohl(ip->dst);
	const struct route *r;
	struct ip_output_hop hop = {.h = h};

	if (ip_output_is_self(h, dst))
		return ip_output_loopback(h, dgram, len);
	r = route_lookup(h->routes, dst);
	if (!r) {
		h->stats[STAT_ip_no_route]++;
		errno = ENETUNREACH;
		return -1;
	}
	hop.port = r->port;
	hop.nexthop = r->gateway ? r->gateway : dst;
	hop.broadcast = !r->gateway && host_addr_is_broadcast(h, dst);
	if (len <= hop.port->mtu)
		return ip_output_hop(dgram, len, &hop);
	return ip_output_fragment(&hop, dgram, len);
}

int
ip_output(struct host *h, const struct ip_out *o, const uint8_t *payload,
	  size_t len)
{
	bool self = ip_output_is_self(h, o->dst);
	uint32_t src = o->src ? o->src : ip_output_source(h, o->dst);
	size_t hl;

	if (len > sizeof(h->dgram) - 1 - IPV4_HDR_LEN) {
		h->stats[STAT_ip_too_long]++;
		errno = EMSGSIZE;
		return -1;
	}
	if (!self && !route_lookup(h->routes, o->dst)) {
		h->stats[STAT_ip_no_route]++;
		errno = ENETUNREACH;
		return -1;
	}
	if (!src) {
		h->stats[STAT_ip_no_source]++;
		errno = EADDRNOTAVAIL;
		return -1;
	}
	hl = ipv4_build(h->dgram, o->tos, h->ip_id++, o->df ? IPV4_FLAG_DF : 0,
			o->ttl ? o->ttl : IPV4_DEFAULT_TTL, o->proto, src,
			o->dst, len);
	memmove(h->dgram + hl, payload, len);
	return ip_output_datagram(h, h->dgram, hl + len);
}
