/*
 * The forwarding path (RFC 1812 5.2, 5.3): what may be forwarded at all,
 * the TTL, the route lookup, and the ICMP errors for datagrams that
 * cannot go on.
 */
#include "router.h"

#include <arpa/inet.h>
#include <errno.h>

#include "checksum.h"

/*
 * Decrements the TTL of the datagram at buf, updating the header checksum
 * incrementally (RFC 1624): TTL and protocol share a 16-bit word.
 */
static void
router_ttl_decrement(uint8_t *buf)
{
	struct ipv4_hdr *h = (struct ipv4_hdr *)buf;
	uint16_t old_word = (uint16_t)(h->ttl << 8 | h->proto);
	uint16_t check;

	h->ttl--;
	check = checksum_update16(ntohs(h->check), old_word,
				  (uint16_t)(h->ttl << 8 | h->proto));
	h->check = htons(check);
}

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

bool
router_forward(struct ipnode *n, struct port *in, const struct ipv4_pkt *pkt,
	       bool link_multicast)
{
	struct router *r = (struct router *)n;
	int refusal = router_forward_refusal(r, pkt, link_multicast);
	const struct route *rt;
	struct pbuf *p;
	int frames;

	(void)in;
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
	router_trace_route(r, rt);
	p = pbuf_copy(pkt->data, pkt->len, PBUF_HEADROOM);
	if (!p) {
		r->stats[STAT_forward_failed]++;
		trace_drop(n->trace, "out of memory");
		return true;
	}
	router_ttl_decrement(p->data);
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
