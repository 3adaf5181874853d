/*
 * The host stack: an IPv4 node (common/ipnode.h: addresses, routes, ARP,
 * IPv4 with reassembly and the loopback, ICMP) with the transport
 * protocols a host has (UDP, TCP), their sockets, the hostsock
 * descriptors handed to applications, and the built-in HTTP server. The unit
 * tests build it over in-memory ports without a loop.
 */
#ifndef HOPLAB_HOST_H
#define HOPLAB_HOST_H

#include <ev.h>

#include "http_server.h"
#include "ipnode.h"
#include "stats.h"
#include "tcp.h"

/* Every UDP datagram received is delivered or dropped under one reason. */
#define HOST_COUNTERS(X)                                                       \
	X(udp_rx)                                                              \
	X(udp_truncated)                                                       \
	X(udp_bad_length)                                                      \
	X(udp_bad_checksum)                                                    \
	X(udp_no_port)                                                         \
	X(udp_delivered)                                                       \
	X(udp_rcvbuf_full)                                                     \
	X(udp_tx)                                                              \
	X(udp_tx_failed)

enum host_stat { HOST_COUNTERS(STATS_ENUM) HOST_STAT_COUNT };

extern const char *const host_stat_names[HOST_STAT_COUNT];

struct sock_pair;
struct tcp_pair;
struct tcp_lpair;

struct host {
	struct ipnode node; /* first: the node's callbacks reach the host */
	uint64_t stats[HOST_STAT_COUNT];
	struct tcp_stack tcp;
	/* hostsock descriptors handed out: UDP sockets, TCP connections,
	 * TCP listeners */
	struct sock_pair *sock_pairs;
	struct tcp_pair *tcp_pairs;
	struct tcp_lpair *tcp_lpairs;
	struct http_service http; /* `http serve` */
};

/* A host over ports (loop may be NULL: time is h->node.clock); -1 when
 * memory ran out. */
int host_init(struct host *h, struct ev_loop *loop, struct port_set *ports);
void host_destroy(struct host *h);

#endif
