/*
 * Sockets of an IPv4 node: who receives what arrives for one of its
 * protocols. A socket is owned by whoever opened it (a built-in app such
 * as ping or traceroute, or a hostsock descriptor) and reports to it
 * through sock_ops; the table only binds and demultiplexes.
 *
 * For ICMP sockets (ping), the "port" is the echo identifier.
 */
#ifndef HOPLAB_SOCK_H
#define HOPLAB_SOCK_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SOCK_EPHEMERAL_MIN 49152
#define SOCK_EPHEMERAL_MAX 65535

struct sock;

/* A datagram for a socket, lent for the call; addresses in host order. */
struct sock_dgram {
	uint32_t src;
	uint16_t sport;
	uint8_t ttl; /* of the datagram that carried it */
	const uint8_t *data;
	size_t len;
};

/*
 * An ICMP error about a datagram the socket sent, or a failure the node
 * found itself (the next hop never answered ARP: from is then the
 * node's own address).
 */
struct sock_error {
	uint8_t type;
	uint8_t code;
	uint16_t mtu;  /* fragmentation needed: the next-hop MTU, or 0 */
	uint32_t from; /* who reported it */
	/* The datagram: from src:sport (the socket's end) to dst:dport;
	 * the ports as its protocol reads them from the quote. */
	uint32_t src;
	uint16_t sport;
	uint32_t dst;
	uint16_t dport;
	const uint8_t *quote; /* its transport header and what follows, as
				 far as the error quoted it */
	size_t quote_len;
};

/*
 * What a socket tells its owner. Every callback may be NULL: what has no
 * callback is discarded. Datagram protocols call recv and error; stream
 * protocols (TCP) the others, so that an owner serves either through one
 * table.
 */
struct sock_ops {
	void (*recv)(struct sock *s, const struct sock_dgram *d);
	void (*error)(struct sock *s, const struct sock_error *e);
	/* Streams: the connection is established. */
	void (*connected)(struct sock *s);
	/* Streams: a listening socket has a new connection, child. */
	void (*accept)(struct sock *s, struct sock *child);
	/* Streams: data or the peer's end can be read / room to write. */
	void (*readable)(struct sock *s);
	void (*writable)(struct sock *s);
	/* Streams: the connection is gone; err 0 for an orderly close,
	 * else ECONNREFUSED, ECONNRESET, ETIMEDOUT, ... */
	void (*closed)(struct sock *s, int err);
	/* Bytes waiting to be sent and to be read by the owner. */
	void (*queues)(const struct sock *s, size_t *send_q, size_t *recv_q);
};

struct sock {
	struct sock *next;
	uint8_t proto;
	uint32_t laddr; /* host order; 0: any of the node's addresses */
	uint16_t lport;
	uint32_t raddr; /* 0: not connected */
	uint16_t rport;
	uint8_t ttl; /* 0: the default */
	bool reuse;  /* shares its port with other sockets that have it set */
	const struct sock_ops *ops;
	void *owner;
};

struct sock_table {
	struct sock *list;
	uint16_t next_ephemeral;
};

void sock_table_init(struct sock_table *t);

/*
 * Binds s (proto set, not yet in the table) to laddr:lport and adds it;
 * lport 0 picks a free ephemeral port. -1 with errno EADDRINUSE when the
 * address is taken (by a socket without reuse, or s has none), EAGAIN when no
 * ephemeral port is free.
 */
int sock_bind(struct sock_table *t, struct sock *s, uint32_t laddr,
	      uint16_t lport);
/* Adds s (proto and addresses set) without looking for a clash: for
 * protocols that check uniqueness their own way (TCP's four-tuples). */
void sock_insert(struct sock_table *t, struct sock *s);
/* Removes s from the table (if it is there). */
void sock_unbind(struct sock_table *t, struct sock *s);

/*
 * The socket for a datagram from src:sport to dst:dport: a connected
 * socket matching all four first, then one bound to dst, then to any.
 */
struct sock *sock_lookup(const struct sock_table *t, uint8_t proto,
			 uint32_t dst, uint16_t dport, uint32_t src,
			 uint16_t sport);

/*
 * Rows of `show sockets`: proto state local remote send_q recv_q;
 * describe (may be NULL) fills in or adds what a protocol knows more.
 */
json_t *sock_table_json(const struct sock_table *t,
			void (*describe)(const struct sock *s, json_t *row));

#endif
