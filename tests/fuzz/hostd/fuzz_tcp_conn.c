/*
 * Fuzz target: hostd's TCP as a whole, receive and send paths together,
 * driven as a sequence of events against one host.
 *
 * Each input gets a fresh host at 10.0.0.1/24 on an in-memory port whose
 * peer 10.0.0.2 has a confirmed ARP entry, a listener on port 80 and one
 * connection from us to 10.0.0.2:80 whose SYN has just left. The fuzz
 * owner keeps the sockets it opens or accepts in slots: slot 0 is the
 * listener, slot 1 the connection, then every socket accepted, connected
 * or listening later, in order (at most FUZZ_SLOTS).
 *
 * The input is two bytes of settings, then records.
 *
 *   byte 0: bits 0-1 receive buffer, 2-3 send buffer (1 MB, 64 KB, 8 KB,
 *           2 KB), 4-5 the port's MTU (1500, 576, 9000, 296), 6 Reno
 *           instead of CUBIC, 7 TCP_NODELAY on every socket of ours
 *   byte 1: what the owner does inside callbacks: bit 0 reads all that is
 *           readable, 1 also writes as many bytes back, 2 accepts at
 *           once, 3 closes a socket that was closed, 4 writes 3000 more
 *           bytes when there is room; bits 5-7 the backlog less one
 *
 * A record is an operation byte (bits 0-3 the operation, bits 4-7 the
 * target) and the operation's arguments; numbers are big-endian. A
 * "conn" target counts the stack's connections from the oldest (the
 * listener is 0, the connection 1, then children and later sockets), a
 * "slot" target counts the owner's slots; both wrap around.
 *
 *   0 SEG    conn: a segment from the peer. flags; base; seq, ack (signed
 *            offsets, 2 bytes each); window (2); payload length (2, at
 *            most 4095); options; option value; SACK mask.
 *            base: bits 0-1 what ack counts from (snd_una, snd_max,
 *            snd_nxt, iss); bits 2-3 what seq counts from (rcv_nxt, or
 *            the peer's ISN before there is one; rcv_adv; irs; the peer's
 *            ISN); bit 4 the window the connection has now instead of the
 *            window field; bits 5-7, with the SACK mask as the low byte,
 *            the peer's port towards a listener (40000 + that).
 *            options: bit 0 MSS (value bits 0-2 pick it), 1 window scale
 *            (value bits 3-6), 2 SACK permitted, 3 timestamps, 4 an old
 *            timestamp, 5 SACK blocks over the segments in flight that
 *            the mask picks, 6 an unknown option first, 7 a malformed
 *            option last.
 *            Payload byte i of a segment at seq is that of stream offset
 *            seq + i - irs - 1, so the data always agrees with itself.
 *   1 RAW    repairs (fuzz_pkt.h), length (2), a frame delivered as it is
 *   2 SEND   slot: tcp_send() of n (2) bytes
 *   3 RESERVE slot: tcp_send_reserve() and tcp_send_commit() of n (2)
 *   4 RECV   slot: tcp_recv() of up to n (2) bytes
 *   5 PEEK   slot: tcp_recv_peek(), then tcp_recv_consume() of n (2)
 *   6 SHUTDOWN slot
 *   7 CLOSE  slot
 *   8 ABORT  slot
 *   9 ACCEPT slot
 *  10 CONNECT where: bits 0-2 pick the destination (see op_connect),
 *            bits 4-7 a port
 *  11 LISTEN which: port 8000 + bits 0-3, bit 4 on 10.0.0.1 alone
 *  12 TIME   how long: 1 ms * 200000^(n / 255), up to 200 s; timers run
 *            as they fall due
 *  13 ICMP   conn: an error from the peer about a segment of ours. kind
 *            (bits 0-2: frag needed, port, protocol, host, net
 *            unreachable, time exceeded, parameter problem, prohibited;
 *            bit 3 quotes 4 bytes of TCP only); MTU (2); seq, a signed
 *            offset from snd_una (2)
 *  14 SET    slot: bit 0 Reno (else CUBIC) for the stack, bit 1 sets
 *            TCP_NODELAY on the slot's socket to bit 2
 *  15 DUPACK conn: count (1-8 ACKs at snd_una with the window as it is);
 *            SACK mask
 *
 * Every byte a socket of ours sends is byte (stream offset % 251); so is
 * every byte the peer sends. After every record the target checks every
 * connection (sequence space, buffers, queues, timers, the congestion
 * window), every frame the host sent (it parses, checksums, carries the
 * right bytes) and every byte the owner read; owner callbacks never come
 * for a socket after it was closed. At the end the owner closes all it
 * has, hours pass without a word from the peer, and no connection may be
 * left: each must end by itself. The sanitizers find leaks.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checksum.h"
#include "fuzz_pkt.h"
#include "host.h"
#include "icmp.h"
#include "tcp.h"

#define US 0x0a000001u	 /* 10.0.0.1, the host */
#define PEER 0x0a000002u /* 10.0.0.2 */
#define PEER_ISS 1000000u
#define FUZZ_SLOTS 16
#define FUZZ_PAYLOAD_MAX 4095
#define FUZZ_STEPS_MAX 2000 /* timer expiries one TIME record may run */
#define FUZZ_DRAIN 14400.0  /* seconds the end waits for orphans */
#define FUZZ_CB_WRITES 16   /* writes a socket's callbacks may make */
#define FUZZ_ROUNDS 256	    /* turns of the loopback at one instant */

enum fuzz_op {
	OP_SEG,
	OP_RAW,
	OP_SEND,
	OP_RESERVE,
	OP_RECV,
	OP_PEEK,
	OP_SHUTDOWN,
	OP_CLOSE,
	OP_ABORT,
	OP_ACCEPT,
	OP_CONNECT,
	OP_LISTEN,
	OP_TIME,
	OP_ICMP,
	OP_SET,
	OP_DUPACK,
};

/* What the owner does inside callbacks (settings byte 1). */
enum {
	OWN_READ = 1 << 0,
	OWN_ECHO = 1 << 1,
	OWN_ACCEPT = 1 << 2,
	OWN_CLOSE = 1 << 3,
	OWN_REFILL = 1 << 4,
};

/* A socket the owner holds. */
struct fuzz_sock {
	struct tcp_conn *c;
	bool listener;
	bool active;	  /* opened by tcp_connect() */
	bool gone;	  /* the owner closed or aborted it */
	bool told_closed; /* closed() came */
	bool connected;	  /* connected() came */
	uint32_t rx_off;  /* stream offset of the next byte to read */
	uint32_t tx_off;  /* and to write */
	int cb_left;	  /* writes callbacks may still make: two sockets
			     of ours that echo each other stop some time */
};

static struct fuzz {
	struct host h;
	struct port_set ports;
	struct port wire;
	struct fuzz_sock sock[FUZZ_SLOTS];
	int nsocks;
	unsigned own;
	int backlog;
	bool nodelay;
	uint32_t peer_ts; /* the peer's timestamp clock */
	bool raw_seen;	  /* raw frames may carry any data */
} fz;

static const uint8_t peer_mac[6] = {0x02, 0xee, 0, 0, 0, 2};
static uint8_t
    frame[ETHER_HDR_LEN + IPV4_HDR_LEN + TCP_HDR_MAX + FUZZ_PAYLOAD_MAX + 1];
static uint8_t raw[PORT_FRAME_MAX];
static uint8_t scratch[65536];

static void
check(bool ok)
{
	if (!ok)
		__builtin_trap();
}

/* The byte at a stream offset, in either direction. */
static uint8_t
fuzz_byte(uint32_t off)
{
	return (uint8_t)(off % 251);
}

static void
fuzz_fill(uint8_t *to, uint32_t off, size_t len)
{
	for (size_t i = 0; i < len; i++)
		to[i] = fuzz_byte(off + (uint32_t)i);
}

static struct tcp_stack *
fuzz_stack(void)
{
	return &fz.h.tcp;
}

/* --- the input ------------------------------------------------------------ */

struct fuzz_in {
	const uint8_t *p;
	size_t n;
};

static bool
fuzz_take(struct fuzz_in *in, size_t n)
{
	return in->n >= n;
}

static uint8_t
get8(struct fuzz_in *in)
{
	uint8_t v = in->p[0];

	in->p++;
	in->n--;
	return v;
}

static uint16_t
get16(struct fuzz_in *in)
{
	uint16_t hi = get8(in);

	return (uint16_t)(hi << 8 | get8(in));
}

/* --- the owner ------------------------------------------------------------ */

static struct fuzz_sock *fuzz_new_slot(void);
static void fuzz_read(struct fuzz_sock *o, size_t max, bool peek);
static void fuzz_write(struct fuzz_sock *o, size_t n, bool reserve);
static void fuzz_cb_write(struct fuzz_sock *o, size_t n);

/* A callback for o: never after the owner let it go or heard it end. */
static struct fuzz_sock *
fuzz_owner(struct sock *s)
{
	struct fuzz_sock *o = s->owner;

	check(o && o >= fz.sock && o < fz.sock + FUZZ_SLOTS);
	check(!o->gone && !o->told_closed && &o->c->sock == s);
	return o;
}

static void
own_connected(struct sock *s)
{
	struct fuzz_sock *o = fuzz_owner(s);

	check(o->active && !o->connected);
	o->connected = true;
}

static void
own_readable(struct sock *s)
{
	struct fuzz_sock *o = fuzz_owner(s);
	size_t before = o->rx_off;

	/* Data comes on an established connection: one we opened has
	 * been told so first. */
	check(!o->listener && (o->connected || !o->active));
	if (!(fz.own & (OWN_READ | OWN_ECHO)))
		return;
	fuzz_read(o, SIZE_MAX, true);
	if (fz.own & OWN_ECHO)
		fuzz_cb_write(o, o->rx_off - before);
}

static void
own_writable(struct sock *s)
{
	struct fuzz_sock *o = fuzz_owner(s);

	check(!o->listener && (o->connected || !o->active));
	if (fz.own & OWN_REFILL)
		fuzz_cb_write(o, 3000);
}

static const struct sock_ops own_ops;

/* Takes the next connection waiting on listener o, if a slot is free. */
static void
fuzz_accept(struct fuzz_sock *o)
{
	struct fuzz_sock *child;

	if (!o->c->accept_head || fz.nsocks == FUZZ_SLOTS)
		return;
	child = fuzz_new_slot();
	child->c = tcp_accept(o->c, &own_ops, child);
	check(child->c != NULL);
	check(!child->c->listener && child->c->state != TCP_LISTEN);
	if (fz.nodelay)
		child->c->nodelay = true;
}

static void
own_accept(struct sock *s, struct sock *child)
{
	struct fuzz_sock *o = fuzz_owner(s);
	struct tcp_conn *c = (struct tcp_conn *)child;

	check(o->listener && c->listener == o->c && !c->sock.ops);
	if (fz.own & OWN_ACCEPT)
		fuzz_accept(o);
}

static void
own_closed(struct sock *s, int err)
{
	struct fuzz_sock *o = fuzz_owner(s);

	check(!o->listener && o->c->state == TCP_CLOSED);
	check(err == 0 || err == ECONNREFUSED || err == ECONNRESET ||
	      err == ETIMEDOUT);
	o->told_closed = true;
	if (fz.own & OWN_CLOSE) {
		tcp_close(o->c);
		o->gone = true;
	}
}

static const struct sock_ops own_ops = {
    .connected = own_connected,
    .readable = own_readable,
    .writable = own_writable,
    .accept = own_accept,
    .closed = own_closed,
};

static struct fuzz_sock *
fuzz_new_slot(void)
{
	struct fuzz_sock *o = &fz.sock[fz.nsocks++];

	memset(o, 0, sizeof(*o));
	o->cb_left = FUZZ_CB_WRITES;
	return o;
}

/* The owner's socket a record names, or NULL when it has none there. */
static struct fuzz_sock *
fuzz_slot(uint8_t target)
{
	struct fuzz_sock *o = &fz.sock[target % fz.nsocks];

	return o->gone ? NULL : o;
}

/* Reads up to max bytes and checks each is the one the peer sent. */
static void
fuzz_read(struct fuzz_sock *o, size_t max, bool peek)
{
	while (max > 0) {
		size_t n, avail = tcp_recv_avail(o->c);
		const uint8_t *data;

		if (peek) {
			data = tcp_recv_peek(o->c, &n);
			check(n <= avail && (n > 0 || avail == 0));
			if (n > max)
				n = max;
		} else {
			n = tcp_recv(o->c, scratch,
				     max < sizeof(scratch) ? max
							   : sizeof(scratch));
			check(n <= avail);
			data = scratch;
		}
		if (n == 0)
			return;
		for (size_t i = 0; i < n && !fz.raw_seen; i++)
			check(data[i] == fuzz_byte(o->rx_off + (uint32_t)i));
		o->rx_off += (uint32_t)n;
		max -= n;
		if (peek) {
			tcp_recv_consume(o->c, n);
			check(tcp_recv_avail(o->c) == avail - n);
		}
	}
	check(!tcp_recv_eof(o->c) || tcp_recv_avail(o->c) == 0);
}

/* Writes up to n bytes of the stream. */
static void
fuzz_write(struct fuzz_sock *o, size_t n, bool reserve)
{
	size_t done, space = tcp_send_space(o->c);

	if (n > sizeof(scratch))
		n = sizeof(scratch);
	if (reserve) {
		size_t room;
		uint8_t *to = tcp_send_reserve(o->c, &room);

		check(room <= space);
		done = n < room ? n : room;
		fuzz_fill(to, o->tx_off, done);
		o->tx_off += (uint32_t)done;
		tcp_send_commit(o->c, done);
		return;
	}
	fuzz_fill(scratch, o->tx_off, n);
	done = tcp_send(o->c, scratch, n);
	check(done <= n && done <= space);
	o->tx_off += (uint32_t)done;
}

/* Writes from a callback, within the socket's budget. */
static void
fuzz_cb_write(struct fuzz_sock *o, size_t n)
{
	if (o->cb_left == 0 || n == 0)
		return;
	o->cb_left--;
	fuzz_write(o, n, false);
}

/* --- what the host sends -------------------------------------------------- */

/* The connection of ours that sent a segment, if it is still there. */
static struct tcp_conn *
fuzz_sender(const struct tcp_seg *s)
{
	for (struct tcp_conn *c = fuzz_stack()->conns; c; c = c->next_conn)
		if (c->state != TCP_LISTEN && c->state != TCP_CLOSED &&
		    c->sock.laddr == s->src && c->sock.lport == s->sport &&
		    c->sock.raddr == s->dst && c->sock.rport == s->dport)
			return c;
	return NULL;
}

/* A TCP segment the host sent: sound, and carrying the stream's bytes. */
static void
fuzz_check_tcp(const struct ipv4_pkt *p)
{
	struct tcp_seg s;
	struct tcp_conn *c;

	check(tcp_parse(p, &s) == TCP_ok);
	c = fuzz_sender(&s);
	if (!c)
		return;
	check(s.len <= c->mss);
	for (size_t i = 0; i < s.len; i++)
		check(s.data[i] ==
		      fuzz_byte(s.seq - (c->iss + 1) + (uint32_t)i));
}

/* Every frame the host sends comes through here: ARP, or an IPv4
 * datagram from the host with ICMP or TCP that checks. */
static int
wire_send(struct port *port, const uint8_t *f, size_t len)
{
	struct ipv4_pkt p;
	struct icmp_msg m;
	uint16_t type;

	(void)port;
	check(len >= ETHER_HDR_LEN);
	type = (uint16_t)(f[12] << 8 | f[13]);
	if (type == ETHERTYPE_ARP)
		return 0;
	check(type == ETHERTYPE_IPV4);
	check(ipv4_parse(f + ETHER_HDR_LEN, len - ETHER_HDR_LEN, &p) ==
	      IPV4_ok);
	check(!ipv4_is_fragment(&p) && p.src == US);
	if (p.proto == IPV4_PROTO_TCP)
		fuzz_check_tcp(&p);
	else
		check(p.proto == IPV4_PROTO_ICMP &&
		      icmp_parse(p.payload, p.payload_len, &m) == ICMP_ok);
	return 0;
}

static const struct port_ops wire_ops = {.send = wire_send};

/* --- what holds after every record ---------------------------------------- */

/* Bytes of the send ring that [snd_una, seq) covers: SYN and FIN have
 * none. */
static uint32_t
fuzz_ring_bytes(const struct tcp_conn *c, uint32_t seq)
{
	uint32_t n = seq - c->snd_una;

	if (n > 0 && c->snd_una == c->iss)
		n--;
	if (c->fin_sent && SEQ_GEQ(c->fin_seq, c->snd_una) &&
	    SEQ_LT(c->fin_seq, seq))
		n--;
	return n;
}

static void
fuzz_check_listener(const struct tcp_conn *l)
{
	int queued = 0, half_open = 0;
	const struct tcp_conn *last = NULL;

	for (const struct tcp_conn *x = l->accept_head; x; x = x->accept_next) {
		check(x->listener == l && !x->sock.ops);
		check(x->state != TCP_SYN_RECEIVED && x->state != TCP_LISTEN &&
		      x->state != TCP_CLOSED);
		check(++queued <= l->backlog);
		last = x;
	}
	check(l->accept_tail == last && l->accept_count == queued);
	for (const struct tcp_conn *x = fuzz_stack()->conns; x;
	     x = x->next_conn)
		if (x->listener == l && x->state == TCP_SYN_RECEIVED)
			half_open++;
	check(l->syn_count == half_open);
}

/* The out-of-order ranges: in order, apart, beyond rcv_nxt and inside
 * the ring's free space. */
static void
fuzz_check_ooo(const struct tcp_conn *c)
{
	uint32_t room = (uint32_t)(c->rcv.size - c->rcv.len);

	check(c->nooo >= 0 && c->nooo <= TCP_OOO_RANGES);
	for (int i = 0; i < c->nooo; i++) {
		check(SEQ_LT(c->rcv_nxt, c->ooo[i][0]));
		check(SEQ_LT(c->ooo[i][0], c->ooo[i][1]));
		check(c->ooo[i][1] - c->rcv_nxt <= room);
		if (i > 0)
			check(SEQ_LT(c->ooo[i - 1][1], c->ooo[i][0]));
	}
	if (SEQ_GT(c->rcv_adv, c->rcv_nxt))
		check(c->rcv_adv - c->rcv_nxt <= room);
}

/* The segments in flight follow each other from snd_una to snd_nxt. */
static void
fuzz_check_sent(const struct tcp_conn *c)
{
	uint32_t seq = c->snd_una;

	check(c->sent_len <= c->sent_cap);
	for (size_t i = 0; i < c->sent_len; i++) {
		const struct tcp_sent *s = tcp_sent_at(c, i);

		check(s->seq == seq && s->len > 0);
		seq += s->len;
	}
	if (c->sent_len > 0)
		check(seq == c->snd_nxt);
}

static bool
fuzz_sending_state(enum tcp_state s)
{
	return s == TCP_ESTABLISHED || s == TCP_CLOSE_WAIT ||
	       s == TCP_FIN_WAIT_1 || s == TCP_CLOSING || s == TCP_LAST_ACK;
}

static void
fuzz_check_conn(const struct tcp_conn *c)
{
	bool waiting;

	check(c->stack == fuzz_stack() && c->state < TCP_STATE_COUNT);
	check(!isnan(c->rto_at) && !isnan(c->dack_at) && !isnan(c->tw_at));
	if (c->listener) {
		bool found = false;

		for (const struct tcp_conn *x = fuzz_stack()->conns; x;
		     x = x->next_conn)
			found |= x == c->listener;
		check(found && c->listener->state == TCP_LISTEN);
	}
	if (c->state == TCP_LISTEN) {
		fuzz_check_listener(c);
		return;
	}
	check(SEQ_LEQ(c->snd_una, c->snd_nxt) &&
	      SEQ_LEQ(c->snd_nxt, c->snd_max));
	check(c->snd.len <= c->snd.size && c->rcv.len <= c->rcv.size);
	check(c->mss > 0 && c->cwnd >= c->mss);
	check(c->rto >= TCP_RTO_MIN && c->rto <= TCP_RTO_MAX);
	fuzz_check_ooo(c);
	fuzz_check_sent(c);
	if (c->state == TCP_CLOSED)
		return;
	check(fuzz_ring_bytes(c, c->snd_nxt) <= c->snd.len);
	if (c->state == TCP_TIME_WAIT)
		check(isfinite(c->tw_at));
	/* An orphan waits for the peer's FIN no longer than 2 MSL. */
	if (c->state == TCP_FIN_WAIT_2 && c->user_closed)
		check(isfinite(c->tw_at));
	/* What is in flight has a retransmission timer (RFC 6298 5.1). */
	if (c->snd_una != c->snd_max && c->state != TCP_TIME_WAIT)
		check(isfinite(c->rto_at));
	/* Data (or the FIN) waiting while nothing is in flight: no ACK
	 * will come to send it, so a timer must (a probe of the window). */
	waiting = fuzz_ring_bytes(c, c->snd_max) < c->snd.len ||
		  (c->fin_queued && !c->fin_sent);
	if (fuzz_sending_state(c->state) && waiting && c->snd_una == c->snd_max)
		check(isfinite(c->rto_at));
}

static void
fuzz_check_stack(void)
{
	struct tcp_stack *st = fuzz_stack();
	double first = INFINITY;
	int n = 0;

	for (const struct tcp_conn *c = st->conns; c; c = c->next_conn) {
		check(++n < 10000);
		fuzz_check_conn(c);
		if (tcp_next_deadline(c) < first)
			first = tcp_next_deadline(c);
	}
	/* The stack's one timer is never later than a deadline. */
	check(st->timer_at <= first);
	/* Every TCP socket in the node's table is a live connection. */
	for (const struct sock *s = fz.h.node.socks.list; s; s = s->next) {
		bool found = false;

		for (const struct tcp_conn *c = st->conns; c; c = c->next_conn)
			found |= &c->sock == s;
		check(s->proto != IPV4_PROTO_TCP || found);
	}
	/* No segment was too big for the port. */
	check(fz.wire.cnt.tx_dropped == 0);
	check(fz.h.node.stats[IPNODE_ip_frag_df] == 0);
}

/* --- the host and its peer ------------------------------------------------ */

static void
fuzz_loopback(void)
{
	/* Datagrams to the host itself go round until none is left. Two
	 * connections of ours still talking after FUZZ_ROUNDS turns with
	 * no time passing answer each other for ever. */
	for (int i = 0; i < FUZZ_ROUNDS && fz.h.node.loopback.count; i++)
		ipnode_loopback_run(&fz.h.node);
	check(fz.h.node.loopback.count == 0);
}

static void
fuzz_deliver(const uint8_t *f, size_t len)
{
	ipnode_ether_input(&fz.h.node, &fz.wire, f, len);
	fuzz_loopback();
}

/* Moves the clock on by dt, stopping at each deadline as a loop would. */
static void
fuzz_advance(double dt, int steps)
{
	struct tcp_stack *st = fuzz_stack();
	double end = fz.h.node.clock + dt;

	while (st->timer_at <= end && steps-- > 0) {
		if (st->timer_at > fz.h.node.clock)
			fz.h.node.clock = st->timer_at;
		tcp_timer_run(st);
		fuzz_loopback();
		/* What ran is not due again at once: no busy loop. */
		check(st->timer_at > fz.h.node.clock);
	}
	fz.h.node.clock = end;
	tcp_timer_run(st);
	fuzz_loopback();
}

/* The connection a record names, counting from the oldest. */
static struct tcp_conn *
fuzz_conn(uint8_t target)
{
	struct tcp_conn *c;
	int n = 0, i;

	for (c = fuzz_stack()->conns; c; c = c->next_conn)
		n++;
	if (n == 0)
		return NULL;
	i = n - 1 - target % n;
	for (c = fuzz_stack()->conns; i > 0; i--)
		c = c->next_conn;
	return c;
}

static bool
fuzz_synced(const struct tcp_conn *c)
{
	return c->state != TCP_LISTEN && c->state != TCP_SYN_SENT;
}

/* The SACK blocks of mask: bit i SACKs the i-th segment in flight,
 * neighbours merged; an empty mask gives a block below snd_una. */
static void
fuzz_sack(const struct tcp_conn *c, uint8_t mask, struct tcp_opts *o)
{
	o->nsack = 0;
	if (!mask) {
		o->sack[0][0] = c->snd_una - 100;
		o->sack[0][1] = c->snd_una;
		o->nsack = 1;
		return;
	}
	for (size_t i = 0; i < 8 && i < c->sent_len; i++) {
		const struct tcp_sent *s = tcp_sent_at(c, i);

		if (!(mask & 1u << i))
			continue;
		if (o->nsack > 0 && o->sack[o->nsack - 1][1] == s->seq) {
			o->sack[o->nsack - 1][1] = s->seq + s->len;
		} else if (o->nsack < TCP_SACK_BLOCKS) {
			o->sack[o->nsack][0] = s->seq;
			o->sack[o->nsack][1] = s->seq + s->len;
			o->nsack++;
		}
	}
}

static const uint16_t fuzz_mss[8] = {1460, 536, 1, 0, 9000, 65535, 1200, 100};

/* The option bytes of a segment to c: at most 40. */
static size_t
fuzz_options(const struct tcp_conn *c, uint8_t sel, uint8_t val, uint8_t mask,
	     uint8_t *buf)
{
	struct tcp_opts o = {0};
	uint8_t known[TCP_OPT_MAX];
	size_t n = 0, k;

	o.mss_ok = sel & 1;
	o.mss = fuzz_mss[val & 7];
	o.ws_ok = sel & 2;
	o.ws = (val >> 3) & 15;
	o.sack_ok = sel & 4;
	o.ts_ok = sel & 8;
	o.tsval = fz.peer_ts++;
	if (sel & 16)
		o.tsval -= 0x10000;
	o.tsecr = (uint32_t)(uint64_t)(fz.h.node.clock * 1000.0);
	if (sel & 32)
		fuzz_sack(c, mask, &o);
	k = tcp_opts_build(known, &o);
	if ((sel & 64) && k + 4 <= TCP_OPT_MAX) {
		memcpy(buf, "\x1e\x04\xab\xcd", 4);
		n = 4;
	}
	memcpy(buf + n, known, k);
	n += k;
	if ((sel & 128) && n + 4 <= TCP_OPT_MAX) {
		/* An MSS option three bytes long: the segment is dropped. */
		memcpy(buf + n, "\x02\x03\x05\x01", 4);
		n += 4;
	}
	return n;
}

/* A segment from the peer to c. */
static void
fuzz_segment(struct tcp_conn *c, uint8_t flags, uint32_t seq, uint32_t ack,
	     uint16_t win, size_t len, const uint8_t *opt, size_t optlen,
	     uint16_t pport)
{
	uint8_t *ip = frame + ETHER_HDR_LEN, *tcp = ip + IPV4_HDR_LEN;
	struct tcp_hdr *h = (struct tcp_hdr *)tcp;
	uint32_t src = c->state == TCP_LISTEN ? PEER : c->sock.raddr;
	uint32_t dst = c->sock.laddr ? c->sock.laddr : US;
	size_t seglen = TCP_HDR_LEN + optlen + len;
	/* SYN data is never taken: its offsets do not matter. */
	uint32_t off = (flags & TCP_FLAG_SYN) ? 0 : seq - (c->irs + 1);

	ether_build(frame, fz.wire.mac, peer_mac, ETHERTYPE_IPV4);
	memset(h, 0, sizeof(*h));
	h->sport = htons(c->state == TCP_LISTEN ? pport : c->sock.rport);
	h->dport = htons(c->sock.lport);
	h->seq = htonl(seq);
	h->ack = htonl(ack);
	h->off = (uint8_t)((TCP_HDR_LEN + optlen + 3) / 4 << 4);
	h->flags = flags;
	h->win = htons(win);
	memcpy(tcp + TCP_HDR_LEN, opt, optlen);
	fuzz_fill(tcp + TCP_HDR_LEN + optlen, off, len);
	h->check = htons(tcp_checksum(src, dst, tcp, seglen));
	ipv4_build(ip, 0, 7, 0, 64, IPV4_PROTO_TCP, src, dst, seglen);
	fuzz_deliver(frame, ETHER_HDR_LEN + IPV4_HDR_LEN + seglen);
}

/* The window c has now, as the peer would write it. */
static uint16_t
fuzz_window_now(const struct tcp_conn *c)
{
	uint32_t w = c->snd_wnd >> c->snd_wscale;

	return (uint16_t)(w > 0xffff ? 0xffff : w);
}

static void
op_seg(uint8_t target, struct fuzz_in *in)
{
	uint8_t flags = get8(in), base = get8(in);
	int16_t seq_off = (int16_t)get16(in), ack_off = (int16_t)get16(in);
	uint16_t win = get16(in), len = get16(in) & FUZZ_PAYLOAD_MAX;
	uint8_t sel = get8(in), val = get8(in), mask = get8(in);
	struct tcp_conn *c = fuzz_conn(target);
	uint8_t opt[TCP_OPT_MAX];
	uint32_t seq, ack, seq_base[4], ack_base[4];
	size_t optlen;

	if (!c)
		return;
	seq_base[0] = fuzz_synced(c) ? c->rcv_nxt : PEER_ISS;
	seq_base[1] = c->rcv_adv;
	seq_base[2] = c->irs;
	seq_base[3] = PEER_ISS;
	ack_base[0] = c->snd_una;
	ack_base[1] = c->snd_max;
	ack_base[2] = c->snd_nxt;
	ack_base[3] = c->iss;
	seq = seq_base[(base >> 2) & 3] + (uint32_t)(int32_t)seq_off;
	ack = ack_base[base & 3] + (uint32_t)(int32_t)ack_off;
	if (base & 16)
		win = fuzz_window_now(c);
	optlen = fuzz_options(c, sel, val, mask, opt);
	while (optlen % 4)
		opt[optlen++] = 0;
	fuzz_segment(c, flags, seq, ack, win, len, opt, optlen,
		     (uint16_t)(40000 + (base >> 5 << 8) + mask));
}

static void
op_dupack(uint8_t target, struct fuzz_in *in)
{
	uint8_t count = (get8(in) & 7) + 1, mask = get8(in);
	struct tcp_conn *c = fuzz_conn(target);

	for (int i = 0; i < count && c && fuzz_synced(c); i++) {
		uint8_t opt[TCP_OPT_MAX];
		size_t optlen =
		    fuzz_options(c, c->ts_ok ? 8 | 32 : 32, 0, mask, opt);

		fuzz_segment(c, TCP_FLAG_ACK, c->rcv_nxt, c->snd_una,
			     fuzz_window_now(c), 0, opt, optlen, 0);
		c = fuzz_conn(target);
	}
}

static void
op_raw(struct fuzz_in *in)
{
	uint8_t fix = get8(in);
	size_t len = get16(in);

	if (len > in->n)
		len = in->n;
	if (len > sizeof(raw))
		len = sizeof(raw);
	memcpy(raw, in->p, len);
	in->p += len;
	in->n -= len;
	fuzz_fix_frame(raw, len, fix & FUZZ_FIX_ALL);
	fz.raw_seen = true;
	fuzz_deliver(raw, len);
}

/* An ICMP error from the peer quoting a segment of c's at seq. */
static void
op_icmp(uint8_t target, struct fuzz_in *in)
{
	static const uint8_t kinds[8][2] = {
	    {ICMP_TYPE_DEST_UNREACH, ICMP_CODE_FRAG_NEEDED},
	    {ICMP_TYPE_DEST_UNREACH, ICMP_CODE_PORT_UNREACH},
	    {ICMP_TYPE_DEST_UNREACH, ICMP_CODE_PROTO_UNREACH},
	    {ICMP_TYPE_DEST_UNREACH, ICMP_CODE_HOST_UNREACH},
	    {ICMP_TYPE_DEST_UNREACH, ICMP_CODE_NET_UNREACH},
	    {ICMP_TYPE_TIME_EXCEEDED, ICMP_CODE_TTL_EXCEEDED},
	    {ICMP_TYPE_PARAM_PROBLEM, 0},
	    {ICMP_TYPE_DEST_UNREACH, 13},
	};
	uint8_t kind = get8(in);
	uint16_t mtu = get16(in);
	int16_t seq_off = (int16_t)get16(in);
	struct tcp_conn *c = fuzz_conn(target);
	uint8_t quoted[IPV4_HDR_LEN + TCP_HDR_LEN] = {0};
	uint8_t *tcp = quoted + IPV4_HDR_LEN;
	struct tcp_hdr *h = (struct tcp_hdr *)tcp;
	size_t tcplen = (kind & 8) ? 4 : TCP_HDR_LEN, dglen;
	struct ipv4_pkt orig;

	if (!c)
		return;
	h->sport = htons(c->sock.lport);
	h->dport = htons(c->sock.rport);
	h->seq = htonl(c->snd_una + (uint32_t)(int32_t)seq_off);
	h->off = (TCP_HDR_LEN / 4) << 4;
	h->flags = TCP_FLAG_ACK;
	ipv4_build(quoted, 0, 1, IPV4_FLAG_DF, 64, IPV4_PROTO_TCP,
		   c->sock.laddr ? c->sock.laddr : US,
		   c->sock.raddr ? c->sock.raddr : PEER, tcplen);
	check(ipv4_parse(quoted, IPV4_HDR_LEN + tcplen, &orig) == IPV4_ok);
	dglen =
	    icmp_build_error(frame + ETHER_HDR_LEN, PEER, 9, kinds[kind & 7][0],
			     kinds[kind & 7][1], mtu, &orig);
	/* From the peer to the host: the builder answers orig's source. */
	ether_build(frame, fz.wire.mac, peer_mac, ETHERTYPE_IPV4);
	fuzz_deliver(frame, ETHER_HDR_LEN + dglen);
}

/* Where a new connection goes: the peer, the host itself (to a listener
 * or not), an unroutable address, or a four-tuple already in use. */
static void
op_connect(struct fuzz_in *in)
{
	uint8_t where = get8(in);
	uint16_t port = (uint16_t)(8000 + (where >> 4));
	struct tcp_stack *st = fuzz_stack();
	uint32_t laddr = 0, raddr = PEER;
	uint16_t lport = 0, rport = 80;
	struct fuzz_sock *o;

	if (fz.nsocks == FUZZ_SLOTS)
		return;
	switch (where & 7) {
	case 1:
		rport = port;
		break;
	case 2:
		raddr = US;
		break;
	case 3:
		raddr = US;
		rport = port;
		break;
	case 4:
		raddr = 0x7f000001u;
		break;
	case 5:
		raddr = 0xc0000201u; /* 192.0.2.1: no route */
		break;
	case 6:
		laddr = US;
		lport = 80;
		break;
	case 7:
		laddr = US;
		lport = fz.sock[1].c && !fz.sock[1].gone
			    ? fz.sock[1].c->sock.lport
			    : 80;
		break;
	default:
		break;
	}
	o = fuzz_new_slot();
	o->active = true;
	o->c = tcp_connect(st, laddr, lport, raddr, rport, &own_ops, o);
	if (!o->c) {
		fz.nsocks--;
		return;
	}
	if (fz.nodelay)
		o->c->nodelay = true;
}

static void
op_listen(struct fuzz_in *in)
{
	uint8_t which = get8(in);
	struct fuzz_sock *o;

	if (fz.nsocks == FUZZ_SLOTS)
		return;
	o = fuzz_new_slot();
	o->listener = true;
	o->c = tcp_listen(fuzz_stack(), (which & 16) ? US : 0,
			  (uint16_t)(8000 + (which & 15)), fz.backlog, &own_ops,
			  o);
	if (!o->c)
		fz.nsocks--;
}

static void
op_set(uint8_t target, struct fuzz_in *in)
{
	uint8_t what = get8(in);
	struct fuzz_sock *o = fuzz_slot(target);

	fuzz_stack()->cc = (what & 1) ? TCP_CC_RENO : TCP_CC_CUBIC;
	if ((what & 2) && o && !o->listener)
		o->c->nodelay = what & 4;
}

/* The owner's calls on a slot. */
static void
op_owner(enum fuzz_op op, uint8_t target, struct fuzz_in *in)
{
	size_t n = 0;
	struct fuzz_sock *o;

	if (op >= OP_SEND && op <= OP_PEEK)
		n = get16(in);
	o = fuzz_slot(target);
	if (!o)
		return;
	switch (op) {
	case OP_CLOSE:
		o->gone = true;
		tcp_close(o->c);
		return;
	case OP_ABORT:
		o->gone = true;
		tcp_abort(o->c);
		return;
	case OP_ACCEPT:
		if (o->listener)
			fuzz_accept(o);
		return;
	case OP_SHUTDOWN:
		tcp_shutdown(o->c);
		return;
	default:
		break;
	}
	if (o->listener)
		return;
	switch (op) {
	case OP_SEND:
	case OP_RESERVE:
		fuzz_write(o, n, op == OP_RESERVE);
		break;
	case OP_RECV:
	case OP_PEEK:
		fuzz_read(o, n, op == OP_PEEK);
		break;
	default:
		break;
	}
}

/* The settings and the argument bytes of each operation. */
static const size_t fuzz_args[16] = {
    [OP_SEG] = 13, [OP_RAW] = 3,  [OP_SEND] = 2,    [OP_RESERVE] = 2,
    [OP_RECV] = 2, [OP_PEEK] = 2, [OP_CONNECT] = 1, [OP_LISTEN] = 1,
    [OP_TIME] = 1, [OP_ICMP] = 5, [OP_SET] = 1,	    [OP_DUPACK] = 2,
};

static void
fuzz_record(struct fuzz_in *in)
{
	uint8_t byte = get8(in);
	enum fuzz_op op = (enum fuzz_op)(byte & 15);
	uint8_t target = byte >> 4;

	switch (op) {
	case OP_SEG:
		op_seg(target, in);
		break;
	case OP_RAW:
		op_raw(in);
		break;
	case OP_CONNECT:
		op_connect(in);
		break;
	case OP_LISTEN:
		op_listen(in);
		break;
	case OP_TIME:
		fuzz_advance(0.001 * pow(200000.0, get8(in) / 255.0),
			     FUZZ_STEPS_MAX);
		break;
	case OP_ICMP:
		op_icmp(target, in);
		break;
	case OP_SET:
		op_set(target, in);
		break;
	case OP_DUPACK:
		op_dupack(target, in);
		break;
	default:
		op_owner(op, target, in);
		break;
	}
	fuzz_loopback();
}

static void
fuzz_setup(uint8_t s0, uint8_t s1)
{
	static const size_t bufs[4] = {TCP_BUF_DEFAULT, 65536, 8192, 2048};
	static const unsigned mtus[4] = {1500, 576, 9000, 296};
	uint8_t f[ETHER_MIN_FRAME];
	struct tcp_stack *st;
	char err[128];
	size_t len;

	memset(&fz.ports, 0, sizeof(fz.ports));
	memset(&fz.wire, 0, sizeof(fz.wire));
	snprintf(fz.wire.name, sizeof(fz.wire.name), "eth0");
	fz.wire.mac[0] = 0x02;
	fz.wire.mac[5] = 1;
	fz.wire.mtu = mtus[(s0 >> 4) & 3];
	fz.wire.up = true;
	fz.wire.ops = &wire_ops;
	if (host_init(&fz.h, NULL, &fz.ports) < 0)
		abort();
	fz.h.node.clock = 1000.0;
	st = fuzz_stack();
	/* Ephemeral ports the same on every run. */
	memset(st->secret, 0, sizeof(st->secret));
	st->port_offset = 0;
	st->rcvbuf = bufs[s0 & 3];
	st->sndbuf = bufs[(s0 >> 2) & 3];
	st->cc = (s0 & 64) ? TCP_CC_RENO : TCP_CC_CUBIC;
	fz.nodelay = s0 & 128;
	fz.own = s1 & 31;
	fz.backlog = 1 + (s1 >> 5);
	fz.nsocks = 0;
	fz.peer_ts = 0x1000;
	fz.raw_seen = false;
	port_set_add(&fz.ports, &fz.wire);
	if (ipnode_addr_add(&fz.h.node, &fz.wire, US, 24, err, sizeof(err)) < 0)
		abort();
	/* The peer's MAC, confirmed: segments leave at once. */
	len = arp_build(f, ether_broadcast, ARP_OP_REQUEST, peer_mac, PEER,
			NULL, US);
	ipnode_ether_input(&fz.h.node, &fz.wire, f, len);
	len = arp_build(f, fz.wire.mac, ARP_OP_REPLY, peer_mac, PEER,
			fz.wire.mac, US);
	ipnode_ether_input(&fz.h.node, &fz.wire, f, len);
	fz.sock[0] = (struct fuzz_sock){.listener = true};
	fz.sock[1] =
	    (struct fuzz_sock){.active = true, .cb_left = FUZZ_CB_WRITES};
	fz.sock[0].c = tcp_listen(st, 0, 80, fz.backlog, &own_ops, &fz.sock[0]);
	fz.sock[1].c = tcp_connect(st, 0, 0, PEER, 80, &own_ops, &fz.sock[1]);
	check(fz.sock[0].c && fz.sock[1].c);
	fz.nsocks = 2;
	if (fz.nodelay)
		fz.sock[1].c->nodelay = true;
}

/* The owner lets everything go; the peer says nothing more; every
 * connection must end by itself. */
static void
fuzz_teardown(void)
{
	json_t *shown;

	/* What `show tcp` and `show sockets` make of it all. */
	shown = tcp_stats_json(fuzz_stack());
	check(shown != NULL);
	json_decref(shown);
	shown = sock_table_json(&fz.h.node.socks, tcp_sock_json);
	check(shown != NULL);
	json_decref(shown);
	for (int i = 0; i < fz.nsocks; i++) {
		if (fz.sock[i].gone)
			continue;
		fz.sock[i].gone = true;
		tcp_close(fz.sock[i].c);
	}
	fuzz_loopback();
	fuzz_check_stack();
	fuzz_advance(FUZZ_DRAIN, 100000);
	fuzz_check_stack();
	check(fuzz_stack()->conns == NULL);
	host_destroy(&fz.h);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = {data, size};

	if (size < 2)
		return 0;
	fuzz_setup(data[0], data[1]);
	in.p += 2;
	in.n -= 2;
	fuzz_check_stack();
	while (in.n > 0 && fuzz_take(&in, 1 + fuzz_args[in.p[0] & 15])) {
		fuzz_record(&in);
		fuzz_check_stack();
	}
	fuzz_teardown();
	return 0;
}
