/*
 * Datagrams out: to a next hop through the neighbour cache, cut to the
 * egress MTU (RFC 791, RFC 1812 4.2.2.7), and the router's own datagrams.
 */
#include "router.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct router_out {
	struct router *r;
	struct port *port;
	uint32_t nexthop;
	double now;
	unsigned n;
};

static int
router_output_one(const uint8_t *frag, size_t len, void *arg)
{
	struct router_out *o = arg;

	o->n++;
	arp_cache_output(&o->r->arp, o->port, o->nexthop, frag, len, o->now);
	return 0;
}

int
router_output(struct router *r, struct port *port, uint32_t nexthop,
	      const struct ipv4_pkt *pkt, double now)
{
	struct router_out o = {r, port, nexthop, now, 0};

	if (!port->up) {
		port->cnt.tx_dropped++;
		errno = ENETDOWN;
		return -1;
	}
	if (ipv4_fragment(pkt, port->mtu, router_output_one, &o) < 0)
		return -1;
	if (o.n > 1) {
		r->stats[STAT_fragmented]++;
		r->stats[STAT_fragments_out] += o.n;
	}
	return 0;
}

int
router_output_local(struct router *r, const uint8_t *buf, size_t len,
		    double now)
{
	const struct route *rt;
	struct ipv4_pkt pkt;

	if (ipv4_parse(buf, len, &pkt) != IPV4_ok) {
		errno = EINVAL;
		return -1;
	}
	r->stats[STAT_local_out]++;
	if (router_is_local(r, NULL, pkt.dst)) {
		router_local_input(r, &pkt, now);
		return 0;
	}
	rt = route_lookup(r->routes, pkt.dst);
	if (!rt) {
		r->stats[STAT_local_out_no_route]++;
		errno = ENETUNREACH;
		return -1;
	}
	return router_output(r, rt->port, rt->gateway ? rt->gateway : pkt.dst,
			     &pkt, now);
}

/* The router's address to send from towards dst, or 0 without a route. */
static uint32_t
router_source_for(const struct router *r, uint32_t dst)
{
	const struct route *rt;

	if (router_is_local(r, NULL, dst))
		return dst;
	rt = route_lookup(r->routes, dst);
	if (!rt)
		return 0;
	return router_port_addr(r, rt->port, rt->gateway ? rt->gateway : dst);
}

int
router_send_local(struct router *r, uint32_t src, uint32_t dst, uint8_t ttl,
		  uint8_t proto, const uint8_t *payload, size_t len, double now)
{
	uint8_t *buf;
	int rc;

	if (!src)
		src = router_source_for(r, dst);
	if (!src) {
		r->stats[STAT_local_out_no_route]++;
		errno = ENETUNREACH;
		return -1;
	}
	if (len > 0xffff - IPV4_HDR_LEN) {
		errno = EMSGSIZE;
		return -1;
	}
	/* Not static: delivering to itself, the router may send again. */
	buf = malloc(IPV4_HDR_LEN + len);
	if (!buf)
		return -1;
	ipv4_build(buf, 0, r->ip_id++, 0, ttl, proto, src, dst, len);
	memcpy(buf + IPV4_HDR_LEN, payload, len);
	rc = router_output_local(r, buf, IPV4_HDR_LEN + len, now);
	free(buf);
	return rc;
}
