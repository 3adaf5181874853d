/*
 * The forwarding path (RFC 1812 5.2, 5.3): TTL, route lookup, and the
 * ICMP errors for datagrams that cannot go on.
 */
#include "router.h"

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "checksum.h"

/*
 * Decrements the TTL of the datagram copied into buf, updating the header
 * checksum incrementally (RFC 1624): TTL and protocol share a 16-bit word.
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

void
router_forward(struct router *r, struct port *in, const struct ipv4_pkt *pkt,
	       bool link_multicast, double now)
{
	uint8_t buf[65536];
	const struct route *rt;
	struct ipv4_pkt out;
	uint32_t nexthop;

	(void)in;
	if (pkt->ttl <= 1) {
		r->stats[STAT_ttl_exceeded]++;
		router_icmp_error(r, pkt, link_multicast,
				  ICMP_TYPE_TIME_EXCEEDED,
				  ICMP_CODE_TTL_EXCEEDED, 0, now);
		return;
	}
	rt = route_lookup(r->routes, pkt->dst);
	if (!rt) {
		r->stats[STAT_no_route]++;
		router_icmp_error(r, pkt, link_multicast,
				  ICMP_TYPE_DEST_UNREACH, ICMP_CODE_NET_UNREACH,
				  0, now);
		return;
	}
	nexthop = rt->gateway ? rt->gateway : pkt->dst;
	memcpy(buf, pkt->data, pkt->len);
	router_ttl_decrement(buf);
	out = *pkt;
	out.data = buf;
	out.payload = buf + pkt->hdr_len;
	out.ttl--;
	if (router_output(r, rt->port, nexthop, &out, now) < 0) {
		if (errno == EMSGSIZE) {
			r->stats[STAT_frag_needed]++;
			router_icmp_error(r, pkt, link_multicast,
					  ICMP_TYPE_DEST_UNREACH,
					  ICMP_CODE_FRAG_NEEDED,
					  (uint16_t)rt->port->mtu, now);
		}
		return;
	}
	r->stats[STAT_forwarded]++;
}
