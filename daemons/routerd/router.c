/* The router: an IPv4 node that forwards, and refuses local services. */
#include "router.h"

#include <string.h>

const char *const router_stat_names[ROUTER_STAT_COUNT] = {
    ROUTER_COUNTERS(STATS_NAME)};

/* No UDP service: traceroute's probes end here, port unreachable. */
static void
router_udp_input(struct ipnode *n, const struct ipv4_pkt *pkt,
		 bool link_multicast)
{
	trace_note(n->trace, "no UDP service:");
	ipnode_icmp_error(n, pkt, link_multicast, ICMP_TYPE_DEST_UNREACH,
			  ICMP_CODE_PORT_UNREACH, 0);
}

/* No TCP service either; dropped without an answer, counted. */
static void
router_tcp_input(struct ipnode *n, const struct ipv4_pkt *pkt,
		 bool link_multicast)
{
	(void)pkt;
	(void)link_multicast;
	((struct router *)n)->stats[STAT_local_tcp_dropped]++;
	trace_drop(n->trace, "no TCP service on a router");
}

static const struct ipnode_proto router_udp = {
    .num = IPV4_PROTO_UDP,
    .input = router_udp_input,
};

static const struct ipnode_proto router_tcp = {
    .num = IPV4_PROTO_TCP,
    .input = router_tcp_input,
};

int
router_init(struct router *r, struct ev_loop *loop, struct port_set *ports)
{
	if (ipnode_init(&r->node, loop, ports) < 0)
		return -1;
	memset(r->stats, 0, sizeof(r->stats));
	r->node.forward = router_forward;
	ipnode_register(&r->node, &router_udp);
	ipnode_register(&r->node, &router_tcp);
	return 0;
}

void
router_destroy(struct router *r)
{
	ipnode_destroy(&r->node);
}
