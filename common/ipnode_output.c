/*
 * Datagrams out: the header, the route, the source address, the loopback,
 * fragmentation to the egress MTU (RFC 791, RFC 1812 4.2.2.7), and the
 * next hop's MAC through ARP.
 */
#include "ipnode.h"

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

/* Where the fragments of one datagram go. */
struct ipnode_hop {
	struct ipnode *n;
	struct port *port;
	uint32_t nexthop;
	bool broadcast;
	int frames;
};

void
ipnode_ether_output(struct ipnode *n, struct port *port, const uint8_t *mac,
		    struct pbuf *p)
{
	uint8_t *eth = pbuf_push(p, ETHER_HDR_LEN);
	int rc;

	if (!eth) {
		n->stats[IPNODE_tx_failed]++;
		pbuf_free(p);
		return;
	}
	ether_build(eth, mac, port->mac, ETHERTYPE_IPV4);
	if (p->len < ETHER_MIN_FRAME) {
		/* Padded with zeros to Ethernet's minimum. */
		uint8_t frame[ETHER_MIN_FRAME] = {0};

		memcpy(frame, p->data, p->len);
		rc = port_send(port, frame, sizeof(frame));
	} else {
		rc = port_send(port, p->data, p->len);
	}
	if (rc < 0)
		n->stats[IPNODE_tx_failed]++;
	pbuf_free(p);
}

/* One datagram (whole or a fragment) to the next hop. */
static int
ipnode_hop_send(struct ipnode_hop *hop, struct pbuf *p)
{
	struct ipnode *n = hop->n;

	hop->frames++;
	if (hop->broadcast) {
		ipnode_ether_output(n, hop->port, ether_broadcast, p);
		return 0;
	}
	/* A packet that is to wait for ARP carries its row along. */
	if (!arp_cache_known(&n->arp, hop->port, hop->nexthop)) {
		if (trace_noting(n->trace)) {
			char ip[IPV4_ADDR_STRLEN];

			trace_note(n->trace, "next hop %s: waiting for ARP",
				   ipv4_ntoa(hop->nexthop, ip));
		}
		p->trace_row = trace_hold(n->trace, hop->port, p->data, p->len);
	}
	if (arp_cache_output(&n->arp, hop->port, hop->nexthop, p,
			     ipnode_now(n)) < 0) {
		n->stats[IPNODE_tx_failed]++;
		errno = ENOBUFS;
		return -1;
	}
	return 0;
}

static int
ipnode_hop_fragment(const uint8_t *frag, size_t len, void *arg)
{
	struct ipnode_hop *hop = arg;
	struct pbuf *p = pbuf_copy(frag, len, PBUF_HEADROOM);

	if (!p) {
		hop->n->stats[IPNODE_ip_no_memory]++;
		errno = ENOBUFS;
		return -1;
	}
	hop->n->stats[IPNODE_ip_frag_created]++;
	return ipnode_hop_send(hop, p);
}

int
ipnode_output_hop(struct ipnode *n, struct port *port, uint32_t nexthop,
		  struct pbuf *p)
{
	struct ipnode_hop hop = {n, port, nexthop, false, 0};
	struct ipv4_pkt pkt;
	int rc;

	if (!port->up) {
		n->stats[IPNODE_ip_port_down]++;
		pbuf_free(p);
		errno = ENETDOWN;
		return -1;
	}
	hop.broadcast = ipnode_is_broadcast(n, nexthop);
	if (p->len <= port->mtu)
		return ipnode_hop_send(&hop, p) < 0 ? -1 : 1;
	if (ipv4_parse(p->data, p->len, &pkt) != IPV4_ok) {
		pbuf_free(p);
		errno = EINVAL;
		return -1;
	}
	rc = ipv4_fragment(&pkt, port->mtu, ipnode_hop_fragment, &hop);
	pbuf_free(p);
	if (rc < 0 && errno == EMSGSIZE)
		n->stats[IPNODE_ip_frag_df]++;
	return rc < 0 ? -1 : hop.frames;
}

/* To itself, a datagram waits for the loop to bring it back to input. */
static int
ipnode_loopback(struct ipnode *n, struct pbuf *p)
{
	if (n->loopback.count >= IPNODE_LOOPBACK_MAX) {
		n->stats[IPNODE_ip_loopback_full]++;
		pbuf_free(p);
		errno = ENOBUFS;
		return -1;
	}
	n->stats[IPNODE_ip_loopback]++;
	pbuf_queue_push(&n->loopback, p);
	if (n->loop && !ev_is_active(&n->loopback_timer)) {
		ev_timer_set(&n->loopback_timer, 0, 0);
		ev_timer_start(n->loop, &n->loopback_timer);
	}
	return 0;
}

/* Words for a datagram the node sends: its protocol says who sent it. */
static void
ipnode_trace_origin(struct ipnode *n, const struct pbuf *p)
{
	char dst[IPV4_ADDR_STRLEN];
	struct ipv4_pkt pkt;

	if (ipv4_parse(p->data, p->len, &pkt) != IPV4_ok)
		return;
	for (int i = 0; i < n->nprotos; i++) {
		if (n->protos[i]->num == pkt.proto &&
		    n->protos[i]->describe_tx) {
			n->protos[i]->describe_tx(n, &pkt);
			return;
		}
	}
	trace_note(n->trace, "sent: IPv4 protocol %u to %s", pkt.proto,
		   ipv4_ntoa(pkt.dst, dst));
}

/* Routes the node's own datagram p to the loopback or a next hop. */
static int
ipnode_route_datagram(struct ipnode *n, struct pbuf *p)
{
	const struct ipv4_hdr *ip = (const struct ipv4_hdr *)p->data;
	uint32_t dst = ntohl(ip->dst);
	const struct route *r;

	n->stats[IPNODE_ip_tx]++;
	if (ipnode_is_self(n, dst))
		return ipnode_loopback(n, p);
	r = route_lookup(n->routes, dst);
	if (!r) {
		n->stats[IPNODE_ip_no_route]++;
		pbuf_free(p);
		errno = ENETUNREACH;
		return -1;
	}
	return ipnode_output_hop(n, r->port, r->gateway ? r->gateway : dst, p) <
		       0
		   ? -1
		   : 0;
}

int
ipnode_output_datagram(struct ipnode *n, struct pbuf *p)
{
	struct trace_ctx saved;
	int rc;

	if (p->len < IPV4_HDR_LEN) {
		pbuf_free(p);
		errno = EINVAL;
		return -1;
	}
	/* Whatever the node was handling, this frame has a row of its own. */
	saved = trace_origin_begin(n->trace);
	if (trace_noting(n->trace))
		ipnode_trace_origin(n, p);
	rc = ipnode_route_datagram(n, p);
	trace_restore(n->trace, saved);
	return rc;
}

/* p with room for an IPv4 header in front: itself, or a copy. */
static struct pbuf *
ipnode_make_room(struct pbuf *p)
{
	struct pbuf *q;

	if (pbuf_headroom(p) >= IPV4_HDR_LEN + ETHER_HDR_LEN)
		return p;
	q = pbuf_copy(p->data, p->len, PBUF_HEADROOM);
	pbuf_free(p);
	return q;
}

int
ipnode_output(struct ipnode *n, struct pbuf *p, const struct ipnode_out *o)
{
	uint32_t src = o->src ? o->src : ipnode_source(n, o->dst);
	uint8_t *hdr;

	if (p->len > 0xffff - IPV4_HDR_LEN) {
		n->stats[IPNODE_ip_too_long]++;
		pbuf_free(p);
		errno = EMSGSIZE;
		return -1;
	}
	if (!ipnode_is_self(n, o->dst) && !route_lookup(n->routes, o->dst)) {
		n->stats[IPNODE_ip_no_route]++;
		pbuf_free(p);
		errno = ENETUNREACH;
		return -1;
	}
	if (!src) {
		n->stats[IPNODE_ip_no_source]++;
		pbuf_free(p);
		errno = EADDRNOTAVAIL;
		return -1;
	}
	p = ipnode_make_room(p);
	if (!p) {
		n->stats[IPNODE_ip_no_memory]++;
		errno = ENOBUFS;
		return -1;
	}
	hdr = pbuf_push(p, IPV4_HDR_LEN);
	ipv4_build(hdr, o->tos, n->ip_id++, o->df ? IPV4_FLAG_DF : 0,
		   o->ttl ? o->ttl : IPV4_DEFAULT_TTL, o->proto, src, o->dst,
		   p->len - IPV4_HDR_LEN);
	return ipnode_output_datagram(n, p);
}
