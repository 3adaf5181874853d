/*
 * The socket table: who receives a datagram that arrives for one of the
 * host's ports. A socket is owned by whoever opened it (a built-in app or
 * a hostsock descriptor) and reports to it through sock_ops.
 */
#ifndef HOPLAB_SOCK_H
#define HOPLAB_SOCK_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#define SOCK_EPHEMERAL_MIN 49152
#define SOCK_EPHEMERAL_MAX 65535

struct sock;

struct sock_ops {
	/* A datagram from src:sport (host order); NULL: discarded. */
	void (*recv)(struct sock *s, uint32_t src, uint16_t sport,
		     const uint8_t *data, size_t len);
	/*
	 * An ICMP error from `from` about a datagram this socket sent to
	 * dst:dport.
	 */
	void (*error)(struct sock *s, uint8_t type, uint8_t code, uint32_t from,
		      uint32_t dst, uint16_t dport);
	/* Bytes waiting to be sent and to be read by the owner. */
	void (*queues)(const struct sock *s, size_t *send_q, size_t *recv_q);
};

struct sock {
	struct sock *next;
	uint8_t proto;
	uint32_t laddr; /* host order; 0: any of the host's addresses */
	uint16_t lport;
	uint32_t raddr; /* 0: not connected */
	uint16_t rport;
	uint8_t ttl; /* 0: the default */
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
 * address is taken, EAGAIN when no ephemeral port is free.
 */
int sock_bind(struct sock_table *t, struct sock *s, uint32_t laddr,
	      uint16_t lport);
/* Removes s from the table (if it is there). */
void sock_unbind(struct sock_table *t, struct sock *s);

/*
 * The socket for a datagram from src:sport to dst:dport: a connected
 * socket matching all four first, then one bound to dst, then to any.
 */
struct sock *sock_lookup(const struct sock_table *t, uint8_t proto,
			 uint32_t dst, uint16_t dport, uint32_t src,
			 uint16_t sport);

/* Rows of `show sockets`. */
json_t *sock_table_json(const struct sock_table *t);

#endif
