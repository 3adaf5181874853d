/*
 * The IPv4 router (RFC 1812): an IPv4 node (common/ipnode.h: addresses,
 * routes, ARP, local delivery, ICMP) with a forwarding path. Nothing here
 * opens a socket: frames come in through ipnode_ether_input() and leave
 * through port_send(), so unit tests drive it over memory ports.
 */
#ifndef HOPLAB_ROUTER_H
#define HOPLAB_ROUTER_H

#include <ev.h>
#include <stdbool.h>
#include <stdint.h>

#include "ipnode.h"
#include "stats.h"

/*
 * What became of the datagrams that were not for the router: forwarded,
 * or dropped under one named reason.
 */
#define ROUTER_COUNTERS(X)                                                     \
	X(martian_destination)                                                 \
	X(link_broadcast)                                                      \
	X(multicast)                                                           \
	X(broadcast)                                                           \
	X(ttl_exceeded)                                                        \
	X(no_route)                                                            \
	X(frag_needed)                                                         \
	X(forward_failed)                                                      \
	X(forwarded)                                                           \
	X(fragmented)                                                          \
	X(local_tcp_dropped)

enum router_stat { ROUTER_COUNTERS(STATS_ENUM) ROUTER_STAT_COUNT };

extern const char *const router_stat_names[ROUTER_STAT_COUNT];

struct router {
	struct ipnode node; /* first: the node's callbacks reach the router */
	uint64_t stats[ROUTER_STAT_COUNT];
};

/* router.c: a router over ports (loop may be NULL); -1 without memory. */
int router_init(struct router *r, struct ev_loop *loop, struct port_set *ports);
void router_destroy(struct router *r);

/* router_forward.c: the forwarding path, the node's forward hook. */
bool router_forward(struct ipnode *n, struct port *in,
		    const struct ipv4_pkt *pkt, bool link_multicast);

#endif
