/*
 * The IPv4 router (RFC 1812): its ports and addresses, routing table,
 * neighbour cache and counters, and the paths a packet takes through it.
 * Nothing here opens a socket: frames come in through router_input() and
 * leave through port_send(), so unit tests drive it over memory ports.
 */
#ifndef HOPLAB_ROUTER_H
#define HOPLAB_ROUTER_H

#include <ev.h>
#include <stdbool.h>
#include <stdint.h>

#include "arp.h"
#include "icmp.h"
#include "ip_reass.h"
#include "ipv4.h"
#include "port.h"
#include "route.h"
#include "stats.h"

#define ROUTER_PORTS_MAX 64
#define ROUTER_ADDRS_MAX 256
#define ROUTER_PINGS_MAX 16
#define ROUTER_ICMP_RATE 100.0 /* errors a second, RFC 1812 4.3.2.8 */
#define ROUTER_ICMP_BURST 50.0

/*
 * Every frame received is counted under rx_frames, and every datagram
 * that is not forwarded or delivered under one named reason.
 */
#define ROUTER_COUNTERS(X)                                                     \
	X(rx_frames)                                                           \
	X(port_down)                                                           \
	X(oversize)                                                            \
	X(truncated)                                                           \
	X(not_ethernet_ii)                                                     \
	X(vlan_tagged)                                                         \
	X(unknown_ethertype)                                                   \
	X(other_host)                                                          \
	X(ip_rx)                                                               \
	X(bad_version)                                                         \
	X(bad_ihl)                                                             \
	X(bad_total_length)                                                    \
	X(bad_checksum)                                                        \
	X(martian_source)                                                      \
	X(martian_destination)                                                 \
	X(link_broadcast)                                                      \
	X(multicast)                                                           \
	X(broadcast)                                                           \
	X(ttl_exceeded)                                                        \
	X(no_route)                                                            \
	X(frag_needed)                                                         \
	X(host_unreachable)                                                    \
	X(arp_failed)                                                          \
	X(forwarded)                                                           \
	X(fragmented)                                                          \
	X(fragments_out)                                                       \
	X(local_delivered)                                                     \
	X(local_unknown_protocol)                                              \
	X(icmp_bad)                                                            \
	X(echo_requests)                                                       \
	X(echo_replies_sent)                                                   \
	X(icmp_errors_sent)                                                    \
	X(icmp_errors_suppressed)                                              \
	X(icmp_rate_limited)                                                   \
	X(local_out)                                                           \
	X(local_out_no_route)

enum router_stat { ROUTER_COUNTERS(STATS_ENUM) ROUTER_STAT_COUNT };

extern const char *const router_stat_names[ROUTER_STAT_COUNT];

/* An address of the router's: addr/len on port. */
struct router_addr {
	uint32_t addr;
	unsigned len;
	struct port *port;
};

struct ping;
struct ctl_req;

struct router {
	struct ev_loop *loop; /* NULL in unit tests: no timers, no ping */
	double clock;	      /* the time without a loop: tests set it */
	struct port *ports[ROUTER_PORTS_MAX];
	int nports;
	struct router_addr addrs[ROUTER_ADDRS_MAX];
	int naddrs;
	struct route_table *routes;
	struct arp_cache arp;
	ev_timer arp_timer;
	struct ip_reass reass; /* datagrams to the router itself */
	ev_timer tick;	       /* expires reassembly, once a second */
	struct icmp_ratelimit icmp_rl;
	uint16_t ip_id; /* of the datagrams the router originates */
	struct ping *pings[ROUTER_PINGS_MAX];
	int npings;
	uint64_t stats[ROUTER_STAT_COUNT];
};

/* router.c: the router's state, its ports and the neighbour cache. */
int router_init(struct router *r, struct ev_loop *loop);
void router_destroy(struct router *r);
int router_add_port(struct router *r, struct port *port);
struct port *router_port_by_name(struct router *r, const char *name);
/* A port went up or down. */
void router_port_changed(struct router *r, struct port *port);
/* The loop's time, or r->clock without a loop. */
double router_now(const struct router *r);

/* router_addr.c: addresses and the routes that follow from them. */
/* -1 with a message in err when refused. */
int router_addr_add(struct router *r, struct port *port, uint32_t addr,
		    unsigned len, char *err, size_t errlen);
int router_addr_del(struct router *r, struct port *port, uint32_t addr,
		    unsigned len, char *err, size_t errlen);
/* Is addr one of the router's addresses (on port, or on any if NULL)? */
bool router_is_local(const struct router *r, const struct port *port,
		     uint32_t addr);
/* Is addr the broadcast address of one of the router's subnets? */
bool router_is_subnet_broadcast(const struct router *r, uint32_t addr);
/* Is addr inside a subnet of port? */
bool router_on_link(const struct router *r, const struct port *port,
		    uint32_t addr);
/* The router's address on port facing peer (same subnet, else the
 * port's first), or 0 when port has none. */
uint32_t router_port_addr(const struct router *r, const struct port *port,
			  uint32_t peer);
/* route add PREFIX via GW | dev PORT; route del PREFIX. */
int router_route_add(struct router *r, uint32_t prefix, unsigned len,
		     uint32_t gateway, struct port *port, char *err,
		     size_t errlen);
int router_route_del(struct router *r, uint32_t prefix, unsigned len, char *err,
		     size_t errlen);

/* router_input.c: frames in; IPv4 validation; forward or deliver. */
void router_input(struct router *r, struct port *in, const uint8_t *frame,
		  size_t len, double now);

/* router_forward.c: the forwarding path. */
void router_forward(struct router *r, struct port *in,
		    const struct ipv4_pkt *pkt, bool link_multicast,
		    double now);

/* router_output.c: datagrams out to a next hop, fragmenting. */
/*
 * Sends the datagram pkt out of port towards nexthop, fragmenting it to
 * the port's MTU; -1 with errno EMSGSIZE when DF forbids that.
 */
int router_output(struct router *r, struct port *port, uint32_t nexthop,
		  const struct ipv4_pkt *pkt, double now);
/*
 * Sends a datagram the router built itself: looked up in the routing
 * table, or delivered locally when addressed to the router. -1 with errno
 * ENETUNREACH when there is no route.
 */
int router_output_local(struct router *r, const uint8_t *pkt, size_t len,
			double now);
/* Builds a datagram from src, or when src is 0 from the router's address
 * facing dst, and sends it with router_output_local(). */
int router_send_local(struct router *r, uint32_t src, uint32_t dst, uint8_t ttl,
		      uint8_t proto, const uint8_t *payload, size_t len,
		      double now);

/* router_icmp.c: local delivery, ICMP errors and ping. */
void router_local_input(struct router *r, const struct ipv4_pkt *pkt,
			double now);
/* A datagram to the router that never came whole: time exceeded. */
void router_reass_timeout(const struct ipv4_pkt *first, void *arg);
/*
 * Sends an ICMP error about orig (when RFC 1812 allows one and the rate
 * limit has a token); mtu only for fragmentation needed.
 */
void router_icmp_error(struct router *r, const struct ipv4_pkt *orig,
		       bool link_multicast, uint8_t type, uint8_t code,
		       uint16_t mtu, double now);
/* The `ping` command's glue. */
int router_ping_cmd(struct router *r, struct ctl_req *req, int argc,
		    char **argv);

#endif
