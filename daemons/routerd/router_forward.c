/*
 * The forwarding path (RFC 1812 5.2, 5.3): what may be forwarded at all,
 * the TTL, the route lookup, and the ICMP errors for datagrams that
 * cannot go on.
 */
#include "router.h"

#include <arpa/inet.h>
#include <errno.h>

#include <string.h>

/* The refusals in words, for traces. */
static const char *const router_refusal_words[ROUTER_STAT_COUNT] = {
    [STAT_multicast] = "multicast destination: not forwarded",
    [STAT_broadcast] = "broadcast destination: not forwarded",
    [STAT_link_broadcast] = "unicast datagram in a link-layer broadcast",
    [STAT_martian_destination] = "martian destination",
};

/* Words for the route a datagram takes. */
static void
router_trace_route(struct router *r, const struct route *rt)
{
	char prefix[IPV4_ADDR_STRLEN], gw[IPV4_ADDR_STRLEN];

	if (!trace_noting(r->node.trace))
		return;
	ipv4_ntoa(rt->prefix, prefix);
	if (rt->gateway)
		trace_note(r->node.trace, "route %s/%u (%s) via %s on %s",
			   prefix, rt->len, route_kind_names[rt->kind],
			   ipv4_ntoa(rt->gateway, gw), rt->port->name);
	else
		trace_note(r->node.trace, "route %s/%u (%s) via %s", prefix,
			   rt->len, route_kind_names[rt->kind], rt->port->name);
}

/* Why a datagram may not be forwarded at all, or -1 when it may. */
static int
router_forward_refusal(const struct router *r, const struct ipv4_pkt *pkt,
		       bool link_multicast)
{
	if (ipv4_is_multicast(pkt->dst))
		return STAT_multicast;
	if (ipnode_is_broadcast(&r->node, pkt->dst))
		return STAT_broadcast;
	/* RFC 1812 5.3.4: a unicast datagram in a link-layer broadcast. */
	if (link_multicast)
		return STAT_link_broadcast;
	if (ipv4_martian_dst(pkt->dst))
		return STAT_martian_destination;
	return -1;
}

/*
 * The fast way on, for a datagram that fits the egress MTU and whose next
 * hop's MAC is known: its frame, still in the port's receive ring, is
 * rewritten where it lies (new MACs, TTL one less, the checksum updated
 * incrementally, padding cleared) and sent from there. False when it
 * cannot be taken (the frame is not writable, the next hop needs ARP, a
 * broadcast, fragmentation, a trace being written): the general way
 * decides then, with the same outcome.
 */
static bool
router_forward_fast(struct router *r, struct port *in,
		    const struct ipv4_pkt *pkt, const struct route *rt)
{
	struct ipnode *n = &r->node;
	struct port *out = rt->port;
	uint32_t nexthop = rt->gateway ? rt->gateway : pkt->dst;
	size_t len = ETHER_HDR_LEN + pkt->len;
	size_t frame_len = len < ETHER_MIN_FRAME ? ETHER_MIN_FRAME : len;
	const uint8_t *mac;
	uint8_t *frame;

	if (trace_noting(n->trace) || !out->up || pkt->len > out->mtu ||
	    ipnode_is_broadcast(n, nexthop))
		return false;
	mac = arp_cache_ready(&n->arp, out, nexthop);
	/* The datagram follows an untagged Ethernet header (tagged frames
	 * never get here). */
	frame = mac ? port_rx_writable(in, pkt->data - ETHER_HDR_LEN, frame_len)
		    : NULL;
	if (!frame)
		return false;
	ether_build(frame, mac, out->mac, ETHERTYPE_IPV4);
	memset(frame + len, 0, frame_len - len);
	ipv4_ttl_decrement(frame + ETHER_HDR_LEN);
	if (port_send(out, frame, frame_len) < 0)
		n->stats[IPNODE_tx_failed]++;
	r->stats[STAT_forwarded]++;
	return true;
}

bool
router_forward(struct ipnode *n, struct port *in, const struct ipv4_pkt *pkt,
	       bool link_multicast)
{
	struct router *r = (struct router *)n;
	int refusal = router_forward_refusal(r, pkt, link_multicast);
	const struct route *rt;
	struct pbuf *p;
	int frames;

	if (refusal >= 0) {
		r->stats[refusal]++;
		trace_drop(n->trace, router_refusal_words[refusal]);
		return false;
	}
	if (pkt->ttl <= 1) {
		r->stats[STAT_ttl_exceeded]++;
		trace_note(n->trace, "TTL expired:");
		ipnode_icmp_error(n, pkt, link_multicast,
				  ICMP_TYPE_TIME_EXCEEDED,
				  ICMP_CODE_TTL_EXCEEDED, 0);
		return true;
	}
	rt = route_lookup(n->routes, pkt->dst);
	if (!rt) {
		r->stats[STAT_no_route]++;
		if (trace_noting(n->trace)) {
			char dst[IPV4_ADDR_STRLEN];

			trace_note(n->trace,
				   "no route to %s:", ipv4_ntoa(pkt->dst, dst));
		}
		ipnode_icmp_error(n, pkt, link_multicast,
				  ICMP_TYPE_DEST_UNREACH, ICMP_CODE_NET_UNREACH,
				  0);
		return true;
	}
	if (router_forward_fast(r, in, pkt, rt))
		return true;
	router_trace_route(r, rt);
	p = pbuf_copy(pkt->data, pkt->len, PBUF_HEADROOM);
	if (!p) {
		r->stats[STAT_forward_failed]++;
		trace_drop(n->trace, "out of memory");
		return true;
	}
	ipv4_ttl_decrement(p->data);
	frames = ipnode_output_hop(n, rt->port,
				   rt->gateway ? rt->gateway : pkt->dst, p);
	if (frames < 0 && errno == EMSGSIZE) {
		r->stats[STAT_frag_needed]++;
		trace_note(n->trace, "too big for %s (MTU %u) with DF set:",
			   rt->port->name, rt->port->mtu);
		ipnode_icmp_error(n, pkt, link_multicast,
				  ICMP_TYPE_DEST_UNREACH, ICMP_CODE_FRAG_NEEDED,
				  (uint16_t)rt->port->mtu);
		return true;
	}
	if (frames < 0) {
		r->stats[STAT_forward_failed]++;
		trace_drop(n->trace, "could not be sent on");
		return true;
	}
	if (frames > 1) {
		r->stats[STAT_fragmented]++;
		trace_note(n->trace, "fragmented into %d", frames);
	}
	r->stats[STAT_forwarded]++;
	trace_note(n->trace, "TTL %d -> %d", pkt->ttl, pkt->ttl - 1);
	return true;
}
