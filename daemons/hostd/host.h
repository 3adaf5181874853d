/*
 * The host stack: ports with addresses, a routing table, ARP, IPv4 with
 * reassembly, ICMP, UDP and the socket table. Everything a received frame
 * or an application's datagram goes through hangs off struct host, which
 * the unit tests build over in-memory ports without a loop.
 */
#ifndef HOPLAB_HOST_H
#define HOPLAB_HOST_H

#include <ev.h>
#include <stdbool.h>
#include <stdint.h>

#include "arp.h"
#include "icmp.h"
#include "ip_reass.h"
#include "ipv4.h"
#include "port.h"
#include "route.h"
#include "sock.h"
#include "stats.h"

#define HOST_PORTS_MAX 16
#define HOST_ADDRS_MAX 32
#define HOST_ICMP_RATE 100.0 /* ICMP errors a second, as Linux */
#define HOST_ICMP_BURST 50.0

/*
 * Every frame received is counted under rx_frames and then delivered or
 * dropped under one named reason; likewise for what the stack sends.
 */
#define HOST_COUNTERS(X)                                                       \
	X(rx_frames)                                                           \
	X(eth_truncated)                                                       \
	X(eth_length_field)                                                    \
	X(eth_not_for_us)                                                      \
	X(eth_vlan_tagged)                                                     \
	X(eth_unknown_type)                                                    \
	X(ip_rx)                                                               \
	X(ip_truncated)                                                        \
	X(ip_bad_version)                                                      \
	X(ip_bad_ihl)                                                          \
	X(ip_bad_total_length)                                                 \
	X(ip_bad_checksum)                                                     \
	X(ip_martian_src)                                                      \
	X(ip_not_for_us)                                                       \
	X(ip_unknown_proto)                                                    \
	X(ip_delivered)                                                        \
	X(ip_tx)                                                               \
	X(ip_loopback)                                                         \
	X(ip_no_route)                                                         \
	X(ip_no_source)                                                        \
	X(ip_frag_created)                                                     \
	X(ip_frag_df)                                                          \
	X(ip_too_long)                                                         \
	X(icmp_rx)                                                             \
	X(icmp_truncated)                                                      \
	X(icmp_bad_checksum)                                                   \
	X(icmp_echo_replied)                                                   \
	X(icmp_echo_to_broadcast)                                              \
	X(icmp_unknown_type)                                                   \
	X(icmp_errors_rx)                                                      \
	X(icmp_errors_bad_quote)                                               \
	X(icmp_errors_delivered)                                               \
	X(icmp_errors_unmatched)                                               \
	X(icmp_errors_sent)                                                    \
	X(icmp_errors_not_allowed)                                             \
	X(icmp_errors_rate_limited)                                            \
	X(udp_rx)                                                              \
	X(udp_truncated)                                                       \
	X(udp_bad_length)                                                      \
	X(udp_bad_checksum)                                                    \
	X(udp_no_port)                                                         \
	X(udp_delivered)                                                       \
	X(udp_rcvbuf_full)                                                     \
	X(udp_tx)                                                              \
	X(tx_failed)

enum host_stat { HOST_COUNTERS(STATS_ENUM) HOST_STAT_COUNT };

extern const char *const host_stat_names[HOST_STAT_COUNT];

/* An address of the host: addr/len on port. */
struct host_addr {
	struct port *port;
	uint32_t addr; /* host order */
	unsigned len;
};

struct ping;

/* A running ping, in the host's list of them. */
struct host_ping {
	struct host_ping *next;
	struct ping *ping;
};

struct sock_pair;

struct host {
	struct ev_loop *loop; /* NULL in unit tests: time is `now` */
	double now;
	struct port *ports[HOST_PORTS_MAX];
	int nports;
	struct host_addr addrs[HOST_ADDRS_MAX];
	int naddrs;
	struct route_table *routes;
	struct arp_cache arp;
	struct ip_reass reass;
	struct icmp_ratelimit icmp_rl;
	struct sock_table socks;
	struct sock_pair *sock_pairs; /* hostsock descriptors handed out */
	uint16_t ip_id;
	uint64_t stats[HOST_STAT_COUNT];
	struct host_ping *pings; /* running pings, offered every ICMP message */
	uint8_t frame[PORT_FRAME_MAX]; /* scratch: the frame being sent */
	uint8_t dgram[65536];	       /* scratch: the datagram being sent */
	uint8_t l4[65536];	       /* scratch: the transport payload */
	ev_timer tick;		       /* reassembly expiry */
	ev_timer arp_timer;	       /* when the ARP cache asked to be run */
};

/* Sets h up with no ports; loop may be NULL (then set h->now). */
int host_init(struct host *h, struct ev_loop *loop);
void host_destroy(struct host *h);
int host_add_port(struct host *h, struct port *port);
struct port *host_port_by_name(struct host *h, const char *name);
/* The time now, in seconds. */
double host_now(const struct host *h);

/* Adds addr/len on port with its connected route; -1 with a message. */
int host_addr_add(struct host *h, struct port *port, uint32_t addr,
		  unsigned len, char *err, size_t errlen);
int host_addr_del(struct host *h, struct port *port, uint32_t addr,
		  unsigned len, char *err, size_t errlen);
/* The address addr, when it is one of the host's; NULL if not. */
const struct host_addr *host_addr_find(const struct host *h, uint32_t addr);
/* The first address on port, or NULL. */
const struct host_addr *host_addr_of_port(const struct host *h,
					  const struct port *port);
/* True when addr is a broadcast address of one of the host's subnets. */
bool host_addr_is_broadcast(const struct host *h, uint32_t addr);

/* host_ether.c: a frame received on port. */
void host_ether_input(struct host *h, struct port *port, const uint8_t *frame,
		      size_t len);
/* Sends payload of EtherType type to dst_mac out of port. */
int host_ether_output(struct host *h, struct port *port, const uint8_t *dst_mac,
		      uint16_t type, const uint8_t *payload, size_t len);

/* host_arp.c: the shared ARP cache, wired to the host. */
int host_arp_init(struct host *h);
void host_arp_input(struct host *h, struct port *port, const uint8_t *buf,
		    size_t len);
/* Sends the IPv4 datagram pkt to nexthop on port, resolving it first. */
int host_arp_output(struct host *h, struct port *port, uint32_t nexthop,
		    const uint8_t *pkt, size_t len);

#endif
