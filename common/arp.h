/*
 * ARP (RFC 826) for Ethernet and IPv4: the packet, and the neighbour cache
 * that routerd and hostd share.
 *
 * The cache is a state machine per entry, written as a table of
 * {state, event, action, next} rows:
 *
 *   none        no entry; a packet to send creates one (incomplete) and a
 *               broadcast request goes out; a request for one of the
 *               owner's addresses creates one (stale) from its sender.
 *   incomplete  resolving: packets wait in a small bounded queue (the
 *               oldest is dropped when it is full); the request is sent
 *               again every retrans seconds, and after `tries` requests
 *               without an answer (3 s by default, as Linux) every waiting
 *               packet is handed back through ops->unreachable and the
 *               entry goes.
 *   reachable   confirmed by a reply within `reachable` seconds.
 *   stale       not confirmed lately: still used, but the next packet sent
 *               starts a unicast probe; unused for `stale` seconds, it goes.
 *   probe       in use and probing: no reply after `tries` probes and it
 *               goes.
 *
 * The cache never learns from a broadcast, multicast or zero sender MAC,
 * from a sender outside the owner's subnets on that port (ops->on_link)
 * unless it has an entry for that sender there (the owner resolves an
 * address through a route to the port itself), or from a sender that
 * claims one of the owner's own addresses.
 *
 * The cache does no I/O and reads no clock: the owner passes `now` (in
 * seconds) to every call, sends frames and packets through ops, and keeps
 * one timer that it sets whenever ops->schedule asks, calling
 * arp_cache_expire() when it fires. A unit test drives it with its own
 * clock.
 */
#ifndef HOPLAB_ARP_H
#define HOPLAB_ARP_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ether.h"
#include "pbuf.h"
#include "stats.h"

struct pbuf;
struct port;
struct trace;

#define ARP_PKT_LEN 28
#define ARP_OP_REQUEST 1
#define ARP_OP_REPLY 2
#define ARP_HTYPE_ETHER 1

/* The packet on the wire: multi-byte fields in network byte order. */
struct arp_hdr {
	uint16_t htype;
	uint16_t ptype;
	uint8_t hlen;
	uint8_t plen;
	uint16_t op;
	uint8_t sha[ETHER_ADDR_LEN];
	uint8_t spa[4];
	uint8_t tha[ETHER_ADDR_LEN];
	uint8_t tpa[4];
} __attribute__((packed));

#define ARP_CHECKS(X)                                                          \
	X(ok)                                                                  \
	X(truncated)                                                           \
	X(bad_hardware)                                                        \
	X(bad_protocol)                                                        \
	X(bad_opcode)

#define ARP_CHECK_ENUM(name) ARP_##name,
enum arp_check { ARP_CHECKS(ARP_CHECK_ENUM) ARP_CHECK_COUNT };
#undef ARP_CHECK_ENUM

extern const char *const arp_check_names[ARP_CHECK_COUNT];

/* What arp_parse() found; addresses in host order. */
struct arp_msg {
	uint16_t op;
	uint8_t sha[ETHER_ADDR_LEN];
	uint32_t spa;
	uint8_t tha[ETHER_ADDR_LEN];
	uint32_t tpa;
};

/*
 * Validates an ARP packet (an Ethernet payload): Ethernet hardware with
 * 6-byte addresses, IPv4 with 4-byte addresses, request or reply.
 */
enum arp_check arp_parse(const uint8_t *buf, size_t len, struct arp_msg *out);

/*
 * Writes a whole Ethernet frame carrying an ARP packet at frame (which
 * must hold ETHER_MIN_FRAME bytes), padded to the minimum frame size; tha
 * NULL stands for zeros. Returns ETHER_MIN_FRAME.
 */
size_t arp_build(uint8_t *frame, const uint8_t *eth_dst, uint16_t op,
		 const uint8_t *sha, uint32_t spa, const uint8_t *tha,
		 uint32_t tpa);

#define ARP_STATES(X)                                                          \
	X(none)                                                                \
	X(incomplete)                                                          \
	X(reachable)                                                           \
	X(stale)                                                               \
	X(probe)

#define ARP_EVENTS(X)                                                          \
	X(send)	   /* a packet is to go to the entry's address */              \
	X(reply)   /* a reply from the address: confirmation */                \
	X(request) /* a request from the address: its MAC, unconfirmed */      \
	X(timeout)

#define ARP_STATE_ENUM(name) ARP_S_##name,
#define ARP_EVENT_ENUM(name) ARP_EV_##name,
enum arp_state { ARP_STATES(ARP_STATE_ENUM) ARP_STATE_COUNT };
enum arp_event { ARP_EVENTS(ARP_EVENT_ENUM) ARP_EVENT_COUNT };
#undef ARP_STATE_ENUM
#undef ARP_EVENT_ENUM

extern const char *const arp_state_names[ARP_STATE_COUNT];
extern const char *const arp_event_names[ARP_EVENT_COUNT];

/* What the cache counts; the owner shows these with its own counters. */
#define ARP_COUNTERS(X)                                                        \
	X(arp_rx)                                                              \
	X(arp_truncated)                                                       \
	X(arp_bad_format)                                                      \
	X(arp_bad_sender_mac)                                                  \
	X(arp_off_subnet)                                                      \
	X(arp_own_address)                                                     \
	X(arp_not_for_us)                                                      \
	X(arp_unsolicited_reply)                                               \
	X(arp_requests_sent)                                                   \
	X(arp_replies_sent)                                                    \
	X(arp_gratuitous_sent)                                                 \
	X(arp_learned)                                                         \
	X(arp_queued)                                                          \
	X(arp_queue_overflow)                                                  \
	X(arp_resolve_failed)                                                  \
	X(arp_cache_full)                                                      \
	X(arp_aged)

#define ARP_STAT_ENUM(name) ARP_STAT_##name,
enum arp_stat { ARP_COUNTERS(ARP_STAT_ENUM) ARP_STAT_COUNT };
#undef ARP_STAT_ENUM

extern const char *const arp_stat_names[ARP_STAT_COUNT];

struct arp_entry {
	uint32_t ip;
	struct port *port;
	uint8_t mac[ETHER_ADDR_LEN];
	enum arp_state state;
	int tries;	 /* requests sent in this round */
	double deadline; /* the next timeout */
	double updated;	 /* when the MAC was last learned or confirmed */
	struct pbuf_queue queue; /* packets waiting for the MAC */
	struct arp_entry *hash_next;
};

/* How the cache reaches its owner. Every callback gets the owner's arg. */
struct arp_ops {
	/* Sends a whole Ethernet frame (an ARP packet) out of port. */
	void (*send_frame)(void *arg, struct port *port, const uint8_t *frame,
			   size_t len);
	/* Sends the IPv4 packet pkt (taking it) to the station ip, whose
	 * MAC is mac, on port. */
	void (*xmit)(void *arg, struct port *port, uint32_t ip,
		     const uint8_t *mac, struct pbuf *pkt);
	/* A packet that waited for an address nobody resolved (for an ICMP
	 * host unreachable); the cache frees it afterwards. */
	void (*unreachable)(void *arg, struct port *port,
			    const struct pbuf *pkt);
	/* Is ip one of the owner's addresses on port? */
	bool (*is_local)(void *arg, struct port *port, uint32_t ip);
	/* Is ip inside one of the owner's subnets on port? */
	bool (*on_link)(void *arg, struct port *port, uint32_t ip);
	/* The owner's address to ask from for peer on port, or 0. */
	uint32_t (*source_addr)(void *arg, struct port *port, uint32_t peer);
	/* Call arp_cache_expire() at time when (replaces any earlier ask). */
	void (*schedule)(void *arg, double when);
	/* May be NULL. A waiting packet that will never be sent, for why
	 * (its queue overflowed, its entry went); the cache frees it. */
	void (*discard)(void *arg, struct port *port, const struct pbuf *pkt,
			const char *why);
};

struct arp_config {
	size_t capacity;  /* entries at most */
	size_t queue_len; /* packets waiting per entry at most */
	int tries;	  /* requests before giving up */
	double retrans;	  /* seconds between requests */
	double reachable; /* seconds a confirmation lasts */
	double stale;	  /* seconds an unused stale entry is kept */
};

#define ARP_DEFAULT_CONFIG                                                     \
	((struct arp_config){.capacity = 1024,                                 \
			     .queue_len = 8,                                   \
			     .tries = 3,                                       \
			     .retrans = 1.0,                                   \
			     .reachable = 30.0,                                \
			     .stale = 60.0})

struct arp_cache {
	struct arp_config cfg;
	struct arp_ops ops;
	void *arg;
	struct arp_entry *entries; /* cfg.capacity slots */
	struct arp_entry **buckets;
	size_t nbuckets;
	size_t count;
	double scheduled; /* the wake-up last asked for, or INFINITY */
	uint64_t stats[ARP_STAT_COUNT];
	struct trace *trace; /* the owner's, for words on what it did; may
				be NULL */
};

/* cfg NULL: ARP_DEFAULT_CONFIG. -1 when memory ran out. */
int arp_cache_init(struct arp_cache *c, const struct arp_config *cfg,
		   const struct arp_ops *ops, void *arg);
/* Frees every entry and waiting packet. */
void arp_cache_destroy(struct arp_cache *c);

/*
 * Handles an ARP packet (the Ethernet payload) received on port: learns
 * from it under the rules above and answers a request for one of the
 * owner's addresses on port.
 */
void arp_cache_input(struct arp_cache *c, struct port *port, const uint8_t *buf,
		     size_t len, double now);

/*
 * Sends the IPv4 packet pkt (taking it) to nexthop on port: through
 * ops->xmit at once when the MAC is known, else after resolution (it
 * waits in the entry's queue). Returns 0, or -1 when it cannot even wait
 * (the cache is full of busy entries) and was dropped.
 */
int arp_cache_output(struct arp_cache *c, struct port *port, uint32_t nexthop,
		     struct pbuf *pkt, double now);

/* Runs the timeouts due by now; the owner's timer calls it. */
void arp_cache_expire(struct arp_cache *c, double now);

/* Broadcasts a gratuitous ARP request for ip, the owner's, on port. */
void arp_cache_announce(struct arp_cache *c, struct port *port, uint32_t ip);

/* Removes the entries of port (of every port if NULL), dropping what
 * waits in them. */
void arp_cache_flush(struct arp_cache *c, struct port *port);

/* Is the MAC of ip on port known, so that a packet sent now leaves at
 * once rather than waiting? */
bool arp_cache_known(const struct arp_cache *c, const struct port *port,
		     uint32_t ip);

/*
 * The MAC of ip on port when a packet sent to it now leaves at once and
 * changes nothing in the cache (its entry is reachable, or already being
 * probed); NULL otherwise, when arp_cache_output() must decide.
 */
const uint8_t *arp_cache_ready(const struct arp_cache *c,
			       const struct port *port, uint32_t ip);

/* The entry for ip on port, or NULL. */
const struct arp_entry *arp_cache_find(const struct arp_cache *c,
				       const struct port *port, uint32_t ip);

/* Calls fn for each entry. */
void arp_cache_foreach(const struct arp_cache *c,
		       void (*fn)(const struct arp_entry *e, void *arg),
		       void *arg);

/* One row of `show arp`: ip mac port state age. */
json_t *arp_entry_json(const struct arp_entry *e, double now);

#endif
