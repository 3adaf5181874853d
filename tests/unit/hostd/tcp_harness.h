/*
 * For the TCP unit tests: a host at US on an in-memory port, a peer at
 * PEER that the test speaks for, segment by segment, and an owner that
 * records what the stack tells it. Time is the node's clock; advance()
 * moves it and runs the timers. Header-only: each test file includes it.
 */
#ifndef HOPLAB_TCP_HARNESS_H
#define HOPLAB_TCP_HARNESS_H

#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "checksum.h"
#include "host.h"
#include "mem_port.h"
#include "tcp.h"

#define US 0x0a000001u	 /* 10.0.0.1, the host */
#define PEER 0x0a000002u /* 10.0.0.2 */
#define PEER_PORT 40000
#define PEER_ISS 1000000u

static const uint8_t harness_peer_mac[6] = {0x02, 0xee, 0, 0, 0, 2};

/* What the stack told a connection's owner. */
struct owner {
	int connected, readable, writable, accepted, closed;
	int err;
	struct sock *child;
};

struct fixture {
	struct host h;
	struct port_set ports;
	struct mem_port *mp;
	struct owner o;
	struct tcp_conn *c; /* the connection under test */
	size_t seen;	    /* frames of mp already looked at */
	uint16_t pport;	    /* the peer's port */
	uint16_t uport;	    /* ours */
};

static void
own_connected(struct sock *s)
{
	((struct owner *)s->owner)->connected++;
}

static void
own_readable(struct sock *s)
{
	((struct owner *)s->owner)->readable++;
}

static void
own_writable(struct sock *s)
{
	((struct owner *)s->owner)->writable++;
}

static void
own_accept(struct sock *s, struct sock *child)
{
	((struct owner *)s->owner)->accepted++;
	((struct owner *)s->owner)->child = child;
}

static void
own_closed(struct sock *s, int err)
{
	((struct owner *)s->owner)->closed++;
	((struct owner *)s->owner)->err = err;
}

static const struct sock_ops own_ops = {
    .connected = own_connected,
    .readable = own_readable,
    .writable = own_writable,
    .accept = own_accept,
    .closed = own_closed,
};

static int
harness_setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	uint8_t frame[ETHER_MIN_FRAME];
	char err[128];
	size_t len;

	if (!f || host_init(&f->h, NULL, &f->ports) < 0)
		return -1;
	f->h.node.clock = 1000.0;
	f->mp = mem_port_new("eth0", 1);
	port_set_add(&f->ports, &f->mp->port);
	if (ipnode_addr_add(&f->h.node, &f->mp->port, US, 24, err,
			    sizeof(err)) < 0)
		return -1;
	/* The peer's MAC, confirmed: segments leave at once. */
	len = arp_build(frame, ether_broadcast, ARP_OP_REQUEST,
			harness_peer_mac, PEER, NULL, US);
	ipnode_ether_input(&f->h.node, &f->mp->port, frame, len);
	len = arp_build(frame, f->mp->port.mac, ARP_OP_REPLY, harness_peer_mac,
			PEER, f->mp->port.mac, US);
	ipnode_ether_input(&f->h.node, &f->mp->port, frame, len);
	mem_port_clear(f->mp);
	*state = f;
	return 0;
}

static int
harness_teardown(void **state)
{
	struct fixture *f = *state;

	host_destroy(&f->h);
	mem_port_free(f->mp);
	free(f);
	return 0;
}

/* Moves the clock on by dt seconds and runs what fell due. */
static void
advance(struct fixture *f, double dt)
{
	f->h.node.clock += dt;
	tcp_timer_run(&f->h.tcp);
	ipnode_loopback_run(&f->h.node);
}

/* A segment from PEER:pport to US:uport, with options o (NULL: none)
 * and len bytes of data (NULL: bytes i % 251). */
static void
peer_send_opts(struct fixture *f, uint8_t flags, uint32_t seq, uint32_t ack,
	       uint16_t win, const uint8_t *data, size_t len,
	       const struct tcp_opts *o)
{
	static uint8_t
	    frame[ETHER_HDR_LEN + IPV4_HDR_LEN + TCP_HDR_MAX + 65536];
	uint8_t *ip = frame + ETHER_HDR_LEN, *tcp = ip + IPV4_HDR_LEN;
	struct tcp_hdr *h = (struct tcp_hdr *)tcp;
	size_t optlen = o ? tcp_opts_build(tcp + TCP_HDR_LEN, o) : 0;
	size_t seglen = TCP_HDR_LEN + optlen + len;

	ether_build(frame, f->mp->port.mac, harness_peer_mac, ETHERTYPE_IPV4);
	memset(h, 0, sizeof(*h));
	h->sport = htons(f->pport);
	h->dport = htons(f->uport);
	h->seq = htonl(seq);
	h->ack = htonl(ack);
	h->off = (uint8_t)(((TCP_HDR_LEN + optlen) / 4) << 4);
	h->flags = flags;
	h->win = htons(win);
	for (size_t i = 0; i < len; i++)
		tcp[TCP_HDR_LEN + optlen + i] =
		    data ? data[i] : (uint8_t)(i % 251);
	h->check = htons(tcp_checksum(PEER, US, tcp, seglen));
	ipv4_build(ip, 0, 7, 0, 64, IPV4_PROTO_TCP, PEER, US, seglen);
	ipnode_ether_input(&f->h.node, &f->mp->port, frame,
			   ETHER_HDR_LEN + IPV4_HDR_LEN + seglen);
	ipnode_loopback_run(&f->h.node);
}

static void
peer_send(struct fixture *f, uint8_t flags, uint32_t seq, uint32_t ack,
	  uint16_t win, size_t len)
{
	peer_send_opts(f, flags, seq, ack, win, NULL, len, NULL);
}

/* Frames sent since the last look. */
static size_t
news(const struct fixture *f)
{
	return f->mp->nsent - f->seen;
}

/* The next segment the host sent, parsed; fails the test if there is
 * none or it is not TCP to the peer. */
static struct tcp_seg
next_seg(struct fixture *f)
{
	const struct mem_frame *fr = mem_port_frame(f->mp, f->seen);
	struct ipv4_pkt p;
	struct tcp_seg s;

	assert_non_null(fr);
	f->seen++;
	assert_int_equal(
	    ipv4_parse(fr->data + ETHER_HDR_LEN, fr->len - ETHER_HDR_LEN, &p),
	    IPV4_ok);
	assert_int_equal(p.proto, IPV4_PROTO_TCP);
	assert_int_equal(p.dst, PEER);
	assert_int_equal(tcp_parse(&p, &s), TCP_ok);
	return s;
}

/* Forgets what was sent so far. */
static void
skip_sent(struct fixture *f)
{
	f->seen = f->mp->nsent;
}

/* An established connection from US (an ephemeral port) to PEER:80; the
 * peer's SYN-ACK carries peer_opts (NULL: an MSS of 1460 alone). */
static struct tcp_conn *
establish(struct fixture *f, const struct tcp_opts *peer_opts)
{
	struct tcp_conn *c =
	    tcp_connect(&f->h.tcp, 0, 0, PEER, 80, &own_ops, &f->o);
	struct tcp_seg syn;
	struct tcp_opts o = {.mss_ok = true, .mss = 1460};

	assert_non_null(c);
	f->pport = 80;
	f->uport = c->sock.lport;
	syn = next_seg(f);
	if (peer_opts)
		o = *peer_opts;
	if (o.ts_ok)
		o.tsecr = syn.opt.tsval;
	peer_send_opts(f, TCP_FLAG_SYN | TCP_FLAG_ACK, PEER_ISS, syn.seq + 1,
		       65535, NULL, 0, &o);
	assert_int_equal(c->state, TCP_ESTABLISHED);
	skip_sent(f);
	f->c = c;
	return c;
}

#endif
