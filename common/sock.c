/* The socket table: binding, ephemeral ports and demultiplexing. */
#include "sock.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "ipv4.h"

void
sock_table_init(struct sock_table *t)
{
	t->list = NULL;
	t->next_ephemeral =
	    (uint16_t)(SOCK_EPHEMERAL_MIN +
		       (unsigned)random() %
			   (SOCK_EPHEMERAL_MAX - SOCK_EPHEMERAL_MIN + 1));
}

/*
 * True when a socket of proto already holds laddr:lport, and does not
 * share it (reuse set on both sides).
 */
static int
sock_in_use(const struct sock_table *t, uint8_t proto, uint32_t laddr,
	    uint16_t lport, bool reuse)
{
	for (const struct sock *s = t->list; s; s = s->next)
		if (s->proto == proto && s->lport == lport &&
		    (!s->laddr || !laddr || s->laddr == laddr) &&
		    !(reuse && s->reuse))
			return 1;
	return 0;
}

static uint16_t
sock_ephemeral(struct sock_table *t, uint8_t proto, uint32_t laddr)
{
	unsigned range = SOCK_EPHEMERAL_MAX - SOCK_EPHEMERAL_MIN + 1;

	for (unsigned i = 0; i < range; i++) {
		uint16_t port = t->next_ephemeral;

		t->next_ephemeral = port == SOCK_EPHEMERAL_MAX
					? SOCK_EPHEMERAL_MIN
					: (uint16_t)(port + 1);
		if (!sock_in_use(t, proto, laddr, port, false))
			return port;
	}
	return 0;
}

int
sock_bind(struct sock_table *t, struct sock *s, uint32_t laddr, uint16_t lport)
{
	if (lport == 0) {
		lport = sock_ephemeral(t, s->proto, laddr);
		if (!lport) {
			errno = EAGAIN;
			return -1;
		}
	} else if (sock_in_use(t, s->proto, laddr, lport, s->reuse)) {
		errno = EADDRINUSE;
		return -1;
	}
	s->laddr = laddr;
	s->lport = lport;
	s->next = t->list;
	t->list = s;
	return 0;
}

void
sock_insert(struct sock_table *t, struct sock *s)
{
	s->next = t->list;
	t->list = s;
}

void
sock_unbind(struct sock_table *t, struct sock *s)
{
	for (struct sock **pp = &t->list; *pp; pp = &(*pp)->next) {
		if (*pp == s) {
			*pp = s->next;
			s->next = NULL;
			return;
		}
	}
}

struct sock *
sock_lookup(const struct sock_table *t, uint8_t proto, uint32_t dst,
	    uint16_t dport, uint32_t src, uint16_t sport)
{
	struct sock *best = NULL;
	int best_score = -1;

	for (struct sock *s = t->list; s; s = s->next) {
		int score = 0;

		if (s->proto != proto || s->lport != dport)
			continue;
		if (s->laddr && s->laddr != dst)
			continue;
		if (s->raddr && (s->raddr != src || s->rport != sport))
			continue;
		score = (s->raddr ? 2 : 0) + (s->laddr ? 1 : 0);
		if (score > best_score) {
			best = s;
			best_score = score;
		}
	}
	return best;
}

static const char *
sock_proto_name(uint8_t proto)
{
	switch (proto) {
	case IPV4_PROTO_UDP:
		return "udp";
	case IPV4_PROTO_TCP:
		return "tcp";
	case IPV4_PROTO_ICMP:
		return "icmp";
	default:
		return "?";
	}
}

static void
sock_endpoint(char *buf, size_t len, uint32_t addr, uint16_t port)
{
	char ip[IPV4_ADDR_STRLEN];

	if (!addr && !port)
		snprintf(buf, len, "*:*");
	else
		snprintf(buf, len, "%s:%u", ipv4_ntoa(addr, ip), port);
}

json_t *
sock_table_json(const struct sock_table *t,
		void (*describe)(const struct sock *s, json_t *row))
{
	json_t *rows = json_array();

	for (const struct sock *s = t->list; s; s = s->next) {
		char local[32], remote[32];
		size_t send_q = 0, recv_q = 0;
		json_t *row;

		sock_endpoint(local, sizeof(local), s->laddr, s->lport);
		sock_endpoint(remote, sizeof(remote), s->raddr, s->rport);
		if (s->ops && s->ops->queues)
			s->ops->queues(s, &send_q, &recv_q);
		row =
		    json_pack("{s:s, s:s, s:s, s:s, s:I, s:I}", "proto",
			      sock_proto_name(s->proto), "state",
			      s->raddr ? "connected" : "bound", "local", local,
			      "remote", remote, "send_q", (json_int_t)send_q,
			      "recv_q", (json_int_t)recv_q);
		if (describe)
			describe(s, row);
		json_array_append_new(rows, row);
	}
	return rows;
}
