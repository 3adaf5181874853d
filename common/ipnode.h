/*
 * The IPv4 node: what a host and a router have alike, written once.
 *
 *   addresses   the node's addresses on its ports (find, on-link,
 *               broadcast, the source to use towards a peer);
 *   routes      connected routes that follow the addresses, static routes
 *               whose gateway must be on-link (pruned when it no longer
 *               is), one longest-prefix-match table;
 *   input       Ethernet demultiplexing, ARP, IPv4 validation, local
 *               delivery with reassembly to the registered protocols;
 *               datagrams for others go to the node's forward hook (a
 *               router) or are dropped (a host);
 *   output      routing, source selection, fragmentation to the MTU, ARP
 *               resolution, and the loopback: a datagram to one of the
 *               node's own addresses or to 127/8 is queued and fed back
 *               to input from the event loop, never by a nested call;
 *   ICMP        echo replies, errors sent under RFC 1812's rules and a
 *               rate limit, errors received handed to the protocol (and
 *               socket) they concern, and ICMP sockets for ping.
 *
 * Every frame the ports hand in is delivered, forwarded, or counted under
 * one named reason; the counter names are the same in every daemon.
 * Packets that outlive a call live in pbufs. Unit tests build a node over
 * in-memory ports without a loop: time is then n->clock, and the loopback
 * runs when they call ipnode_loopback_run().
 */
#ifndef HOPLAB_IPNODE_H
#define HOPLAB_IPNODE_H

#include <ev.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arp.h"
#include "icmp.h"
#include "ip_reass.h"
#include "ipv4.h"
#include "pbuf.h"
#include "port.h"
#include "route.h"
#include "sock.h"
#include "stats.h"
#include "trace.h"

#define IPNODE_ADDRS_MAX 256
#define IPNODE_PROTOS_MAX 8
#define IPNODE_ICMP_RATE 100.0 /* errors a second, as Linux */
#define IPNODE_ICMP_BURST 50.0
#define IPNODE_LOOPBACK_MAX 1024 /* datagrams waiting to loop back */

#define IPNODE_COUNTERS(X)                                                     \
	X(eth_truncated)                                                       \
	X(eth_length_field)                                                    \
	X(eth_vlan_tagged)                                                     \
	X(eth_other_host)                                                      \
	X(eth_unknown_type)                                                    \
	X(ip_rx)                                                               \
	X(ip_truncated)                                                        \
	X(ip_bad_version)                                                      \
	X(ip_bad_ihl)                                                          \
	X(ip_bad_total_length)                                                 \
	X(ip_bad_checksum)                                                     \
	X(ip_martian_src)                                                      \
	X(ip_not_for_us)                                                       \
	X(ip_delivered)                                                        \
	X(ip_unknown_proto)                                                    \
	X(ip_tx)                                                               \
	X(ip_loopback)                                                         \
	X(ip_loopback_full)                                                    \
	X(ip_no_route)                                                         \
	X(ip_no_source)                                                        \
	X(ip_too_long)                                                         \
	X(ip_port_down)                                                        \
	X(ip_frag_created)                                                     \
	X(ip_frag_df)                                                          \
	X(ip_unresolved)                                                       \
	X(ip_no_memory)                                                        \
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
	X(tx_failed)

#define IPNODE_STAT_ENUM(name) IPNODE_##name,
enum ipnode_stat { IPNODE_COUNTERS(IPNODE_STAT_ENUM) IPNODE_STAT_COUNT };
#undef IPNODE_STAT_ENUM

extern const char *const ipnode_stat_names[IPNODE_STAT_COUNT];

struct ipnode;

/* An address of the node's: addr/len on port. */
struct ipnode_addr {
	struct port *port;
	uint32_t addr; /* host order */
	unsigned len;
};

/* A protocol above IPv4 that the node delivers to. */
struct ipnode_proto {
	uint8_t num; /* IPV4_PROTO_... */
	/* A whole datagram for the node; pkt is lent for the call. */
	void (*input)(struct ipnode *n, const struct ipv4_pkt *pkt,
		      bool link_multicast);
	/*
	 * An error about a datagram the node sent with this protocol (e's
	 * quote starts at that datagram's transport header); 0 when a
	 * socket took it, -1 when none did.
	 */
	int (*error)(struct ipnode *n, const struct sock_error *e);
	/* May be NULL. Notes, for a trace, who sends pkt, a datagram of
	 * this protocol the node is sending ("sent by UDP ..."). */
	void (*describe_tx)(struct ipnode *n, const struct ipv4_pkt *pkt);
};

/* A datagram to send: the header fields ipnode_output() fills in. */
struct ipnode_out {
	uint32_t src; /* 0: the node's address towards dst */
	uint32_t dst;
	uint8_t proto;
	uint8_t ttl; /* 0: IPV4_DEFAULT_TTL */
	uint8_t tos;
	bool df;
};

/*
 * A router's forwarding path, for datagrams that are not for the node
 * (neither its addresses nor, on a host, a broadcast it hears); pkt is
 * lent. Returns false when the datagram was dropped at once (counted by
 * the router).
 */
typedef bool (*ipnode_forward_fn)(struct ipnode *n, struct port *in,
				  const struct ipv4_pkt *pkt,
				  bool link_multicast);

struct ipnode {
	struct ev_loop *loop; /* NULL in unit tests: time is clock */
	double clock;
	struct port_set *ports; /* the daemon's */
	struct ipnode_addr addrs[IPNODE_ADDRS_MAX];
	int naddrs;
	struct route_table *routes;
	struct arp_cache arp;
	ev_timer arp_timer;
	struct ip_reass reass;
	ev_timer tick; /* expires reassembly, once a second */
	struct icmp_ratelimit icmp_rl;
	uint16_t ip_id;
	struct sock_table socks;
	struct pbuf_queue loopback;
	ev_timer loopback_timer;
	const struct ipnode_proto *protos[IPNODE_PROTOS_MAX];
	int nprotos;
	ipnode_forward_fn forward; /* NULL: a host */
	uint64_t stats[IPNODE_STAT_COUNT];
	struct trace *trace; /* the ports' recorder, or NULL */
};

/* ipnode.c: the node, its addresses and routes. */

/* A node over ports with ICMP as its only protocol; loop may be NULL.
 * It reports to the ports' trace recorder. -1 when memory ran out. */
int ipnode_init(struct ipnode *n, struct ev_loop *loop, struct port_set *ports);
void ipnode_destroy(struct ipnode *n);
/* The loop's time, or n->clock without a loop. */
double ipnode_now(const struct ipnode *n);
/* Counts a dropped frame or datagram under stat and says why in the
 * trace; returns false, for `return ipnode_drop(...)`. */
bool ipnode_drop(struct ipnode *n, enum ipnode_stat stat);
/* Adds a protocol to deliver to; -1 when there are too many. */
int ipnode_register(struct ipnode *n, const struct ipnode_proto *proto);
/* A port went up (its connected routes come back, its addresses are
 * announced) or down (its connected routes are withdrawn, its neighbours
 * forgotten). */
void ipnode_port_changed(struct ipnode *n, struct port *port);

/*
 * Adds addr/len on port with its connected route; -1 with a message in
 * err when refused (not a host address, the subnet's network or broadcast
 * address, in use, a route of another kind for the subnet, too many).
 */
int ipnode_addr_add(struct ipnode *n, struct port *port, uint32_t addr,
		    unsigned len, char *err, size_t errlen);
/* Removes it; its connected route goes with the subnet's last address,
 * and static routes whose gateway is no longer on-link go too. */
int ipnode_addr_del(struct ipnode *n, struct port *port, uint32_t addr,
		    unsigned len, char *err, size_t errlen);
/* The address addr when it is the node's (on port, or any port if NULL). */
const struct ipnode_addr *ipnode_addr_find(const struct ipnode *n,
					   const struct port *port,
					   uint32_t addr);
/* Is addr the limited broadcast or the broadcast of one of the subnets? */
bool ipnode_is_broadcast(const struct ipnode *n, uint32_t addr);
/* Is addr inside a subnet of port? */
bool ipnode_on_link(const struct ipnode *n, const struct port *port,
		    uint32_t addr);
/* The node's address on port facing peer (in its subnet, else the port's
 * first), or 0 when port has none. */
uint32_t ipnode_port_addr(const struct ipnode *n, const struct port *port,
			  uint32_t peer);
/* Is dst the node itself: one of its addresses, or 127/8? */
bool ipnode_is_self(const struct ipnode *n, uint32_t dst);
/* The address the node sends from towards dst (dst itself when dst is
 * the node), or 0 without a route. */
uint32_t ipnode_source(const struct ipnode *n, uint32_t dst);

/*
 * route add PREFIX via GATEWAY (port NULL) or dev PORT (gateway 0): -1
 * with a message when the prefix has host bits set, the gateway is one of
 * the node's addresses or on no connected subnet, or the prefix has a
 * route already.
 */
int ipnode_route_add(struct ipnode *n, uint32_t prefix, unsigned len,
		     uint32_t gateway, struct port *port, char *err,
		     size_t errlen);
/* route replace PREFIX ...: the same, but a static route of the prefix
 * takes the new gateway and port (a connected one is refused). */
int ipnode_route_replace(struct ipnode *n, uint32_t prefix, unsigned len,
			 uint32_t gateway, struct port *port, char *err,
			 size_t errlen);
/* route del PREFIX: -1 with a message when there is none or it is a
 * connected route (which goes with its address). */
int ipnode_route_del(struct ipnode *n, uint32_t prefix, unsigned len, char *err,
		     size_t errlen);

/* ipnode_input.c: frames and datagrams in. */

/* A frame the port accepted; false when it was dropped (counted). */
bool ipnode_ether_input(struct ipnode *n, struct port *port,
			const uint8_t *frame, size_t len);
/* Runs the datagrams waiting to loop back; the loop does it by itself. */
void ipnode_loopback_run(struct ipnode *n);

/* ipnode_output.c: datagrams out. */

/*
 * Sends the payload p (taking it) in a datagram with the header o asks
 * for. 0, or -1 with errno: ENETUNREACH (no route), EADDRNOTAVAIL (no
 * source address), EMSGSIZE (too long, or DF set and over the MTU),
 * ENETDOWN (the port is down), ENOBUFS (it could not be queued).
 */
int ipnode_output(struct ipnode *n, struct pbuf *p, const struct ipnode_out *o);
/* The same for a complete datagram (the node's own, header built). */
int ipnode_output_datagram(struct ipnode *n, struct pbuf *p);
/* Sends the datagram p (taking it) to mac on port in an Ethernet frame. */
void ipnode_ether_output(struct ipnode *n, struct port *port,
			 const uint8_t *mac, struct pbuf *p);
/*
 * Sends the datagram p (taking it) to nexthop on port: fragmented to the
 * port's MTU unless DF forbids it (then -1 with errno EMSGSIZE), to the
 * broadcast MAC when nexthop is a broadcast of the port's subnets, else
 * through ARP. Returns the number of frames it became, or -1.
 */
int ipnode_output_hop(struct ipnode *n, struct port *port, uint32_t nexthop,
		      struct pbuf *p);

/* ipnode_icmp.c: ICMP. */

/*
 * Sends an ICMP error about the datagram orig received (or sent), unless
 * RFC 1812 forbids one (errors about errors, broadcasts, later fragments)
 * or the rate limit says no; mtu for fragmentation needed only.
 */
void ipnode_icmp_error(struct ipnode *n, const struct ipv4_pkt *orig,
		       bool link_multicast, uint8_t type, uint8_t code,
		       uint16_t mtu);
/*
 * Hands an error about one of the node's own datagrams (quote: its start,
 * quote_len bytes) to the protocol and socket that sent it. 0 when one
 * took it.
 */
int ipnode_icmp_notify(struct ipnode *n, uint8_t type, uint8_t code,
		       uint16_t mtu, uint32_t from, const uint8_t *quote,
		       size_t quote_len);

/* ICMP sockets, for ping: echo replies and errors about echo requests
 * sent with the socket's identifier (its lport) reach it. */
int ipnode_icmp_open(struct ipnode *n, struct sock *s);
void ipnode_icmp_close(struct ipnode *n, struct sock *s);
/* Sends the ICMP message msg (len bytes) to dst from s, with s->ttl. */
int ipnode_icmp_send(struct ipnode *n, struct sock *s, uint32_t dst,
		     const uint8_t *msg, size_t len);

#endif
