/*
 * TCP connections: the stack and its table, opening (with ISNs after
 * RFC 6528 and ephemeral ports after RFC 6056), listening with bounded
 * SYN and accept queues, and the calls of a connection's owner.
 */
#include "tcp.h"

#include <errno.h>
#include <math.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"

const char *const tcp_stat_names[TCP_STAT_COUNT] = {TCP_COUNTERS(STATS_NAME)};

/* --- the stack ------------------------------------------------------------ */

void
tcp_stack_init(struct tcp_stack *st, struct ipnode *node)
{
	memset(st, 0, sizeof(*st));
	st->node = node;
	st->cc = TCP_CC_CUBIC;
	st->msl = TCP_MSL_DEFAULT;
	st->sndbuf = TCP_BUF_DEFAULT;
	st->rcvbuf = TCP_BUF_DEFAULT;
	randombytes_buf(st->secret, sizeof(st->secret));
	randombytes_buf(&st->port_offset, sizeof(st->port_offset));
	st->challenge_tokens = TCP_CHALLENGE_RATE;
	tcp_timer_init(st);
}

void
tcp_stack_destroy(struct tcp_stack *st)
{
	if (st->node->loop)
		ev_timer_stop(st->node->loop, &st->timer);
	while (st->conns)
		tcp_conn_free(st->conns);
}

double
tcp_now(const struct tcp_stack *st)
{
	return ipnode_now(st->node);
}

double
tcp_clock(const struct tcp_stack *st)
{
	struct timespec ts;

	if (!st->node->loop)
		return st->node->clock;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* --- byte rings ------------------------------------------------------------
 */

static int
tcp_ring_init(struct tcp_ring *r, size_t size)
{
	r->buf = malloc(size);
	r->size = r->buf ? size : 0;
	r->head = 0;
	r->len = 0;
	return r->buf ? 0 : -1;
}

/* --- connections ------------------------------------------------------------
 */

struct tcp_conn *
tcp_conn_new(struct tcp_stack *st)
{
	struct tcp_conn *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->stack = st;
	c->sock.proto = IPV4_PROTO_TCP;
	c->state = TCP_CLOSED;
	c->rto = TCP_RTO_INIT;
	c->rto_at = c->dack_at = c->tw_at = INFINITY;
	c->ssthresh = UINT32_MAX;
	c->born = tcp_now(st);
	c->next_conn = st->conns;
	st->conns = c;
	return c;
}

/* Takes c out of its listener's queues. */
static void
tcp_unlink_child(struct tcp_conn *c)
{
	struct tcp_conn *l = c->listener, **pp;
	bool queued = false;

	if (!l)
		return;
	for (pp = &l->accept_head; *pp; pp = &(*pp)->accept_next) {
		if (*pp == c) {
			*pp = c->accept_next;
			l->accept_count--;
			queued = true;
			break;
		}
	}
	l->accept_tail = NULL;
	for (struct tcp_conn *x = l->accept_head; x; x = x->accept_next)
		l->accept_tail = x;
	/* Not yet in the accept queue, it was half-open: counted there
	 * still, whatever state a reset or a timeout left it in. */
	if (!queued)
		l->syn_count--;
	c->listener = NULL;
	c->accept_next = NULL;
}

void
tcp_conn_free(struct tcp_conn *c)
{
	struct tcp_stack *st = c->stack;

	for (struct tcp_conn **pp = &st->conns; *pp; pp = &(*pp)->next_conn) {
		if (*pp == c) {
			*pp = c->next_conn;
			break;
		}
	}
	tcp_unlink_child(c);
	/* A listener's children that were never accepted go with it. */
	while (c->accept_head)
		tcp_abort(c->accept_head);
	for (struct tcp_conn *x = st->conns; x;) {
		struct tcp_conn *next = x->next_conn;

		if (x->listener == c)
			tcp_abort(x);
		x = next;
	}
	sock_unbind(&st->node->socks, &c->sock);
	free(c->snd.buf);
	free(c->rcv.buf);
	free(c->sent);
	free(c);
	tcp_timer_update(st);
}

/* Is anyone else using the four-tuple? */
static bool
tcp_tuple_in_use(struct tcp_stack *st, uint32_t laddr, uint16_t lport,
		 uint32_t raddr, uint16_t rport)
{
	for (const struct sock *s = st->node->socks.list; s; s = s->next)
		if (s->proto == IPV4_PROTO_TCP && s->lport == lport &&
		    s->laddr == laddr && s->raddr == raddr && s->rport == rport)
			return true;
	return false;
}

struct tcp_conn *
tcp_lookup(struct tcp_stack *st, uint32_t laddr, uint16_t lport, uint32_t raddr,
	   uint16_t rport)
{
	return (struct tcp_conn *)sock_lookup(&st->node->socks, IPV4_PROTO_TCP,
					      laddr, lport, raddr, rport);
}

/* F() of RFC 6528 and RFC 6056: a keyed hash of the endpoints. */
static uint64_t
tcp_hash(const struct tcp_stack *st, uint32_t laddr, uint16_t lport,
	 uint32_t raddr, uint16_t rport)
{
	uint8_t in[12], out[crypto_shorthash_BYTES];
	uint64_t v;

	memcpy(in, &laddr, 4);
	memcpy(in + 4, &raddr, 4);
	memcpy(in + 8, &lport, 2);
	memcpy(in + 10, &rport, 2);
	crypto_shorthash(out, in, sizeof(in), st->secret);
	memcpy(&v, out, sizeof(v));
	return v;
}

uint32_t
tcp_isn(const struct tcp_stack *st, uint32_t laddr, uint16_t lport,
	uint32_t raddr, uint16_t rport)
{
	/* M: a clock that ticks every 4 microseconds (RFC 6528 3); the
	 * node's, so that tests with a test clock get the same numbers. */
	uint32_t m = (uint32_t)(uint64_t)(tcp_now(st) * 250000.0);

	return m + (uint32_t)tcp_hash(st, laddr, lport, raddr, rport);
}

/* RFC 6056 algorithm 3: a port that depends on the peer, and a counter. */
static uint16_t
tcp_ephemeral(struct tcp_stack *st, uint32_t laddr, uint32_t raddr,
	      uint16_t rport)
{
	uint32_t range = SOCK_EPHEMERAL_MAX - SOCK_EPHEMERAL_MIN + 1;
	uint32_t offset = (uint32_t)tcp_hash(st, laddr, 0, raddr, rport);

	for (uint32_t i = 0; i < range; i++) {
		uint16_t port =
		    (uint16_t)(SOCK_EPHEMERAL_MIN +
			       (offset + st->port_offset + i) % range);

		if (!tcp_tuple_in_use(st, laddr, port, raddr, rport)) {
			st->port_offset += i + 1;
			return port;
		}
	}
	return 0;
}

void
tcp_mss_init(struct tcp_conn *c)
{
	const struct ipnode *n = c->stack->node;
	const struct route *r = route_lookup(n->routes, c->sock.raddr);
	unsigned mtu = ipnode_is_self(n, c->sock.raddr) ? 65535
		       : r				? r->port->mtu
							: 576;
	uint32_t ours = mtu - IPV4_HDR_LEN - TCP_HDR_LEN;
	uint32_t mss = c->peer_mss && c->peer_mss < ours ? c->peer_mss : ours;

	/* The timestamp option rides on every segment (a peer's MSS below
	 * its 12 bytes must not wrap around). */
	if (c->ts_ok)
		mss = mss > 12 ? mss - 12 : 0;
	c->mss = (uint16_t)(mss < 64 ? 64 : mss);
}

size_t
tcp_rcv_window(const struct tcp_conn *c)
{
	return c->rcv.size - c->rcv.len;
}

/* The buffers of a connection about to be used. */
int
tcp_conn_buffers(struct tcp_conn *c)
{
	struct tcp_stack *st = c->stack;

	if (tcp_ring_init(&c->snd, st->sndbuf) < 0 ||
	    tcp_ring_init(&c->rcv, st->rcvbuf) < 0) {
		errno = ENOMEM;
		return -1;
	}
	c->rcv_wscale = TCP_WSCALE;
	return 0;
}

void
tcp_set_state(struct tcp_conn *c, enum tcp_event event)
{
	int next = tcp_fsm_next(c->state, event);
	char l[IPV4_ADDR_STRLEN], r[IPV4_ADDR_STRLEN];

	if (next < 0) {
		log_warnx("tcp_set_state: %s in %s: no transition",
			  tcp_event_names[event], tcp_state_names[c->state]);
		return;
	}
	log_debug("tcp %s:%u %s:%u: %s -> %s (%s)", ipv4_ntoa(c->sock.laddr, l),
		  c->sock.lport, ipv4_ntoa(c->sock.raddr, r), c->sock.rport,
		  tcp_state_names[c->state], tcp_state_names[next],
		  tcp_event_names[event]);
	if (event == TCP_EV_reset &&
	    (c->state == TCP_ESTABLISHED || c->state == TCP_CLOSE_WAIT))
		c->stack->stats[STAT_estab_resets]++;
	/* After "delivered to TCP A:P (STATE" when a segment caused it. */
	trace_append(c->stack->node->trace, " -> %s", tcp_state_names[next]);
	c->state = (enum tcp_state)next;
}

/*
 * The connection has ended (it is CLOSED): out of the table, and the owner
 * told why, once. A connection nobody owns any more is freed.
 */
void
tcp_conn_ended(struct tcp_conn *c, int err)
{
	struct tcp_stack *st = c->stack;

	if (c->state != TCP_CLOSED)
		c->state = TCP_CLOSED;
	c->err = err;
	c->rto_at = c->dack_at = c->tw_at = INFINITY;
	sock_unbind(&st->node->socks, &c->sock);
	if (c->user_closed || (!c->sock.ops && c->listener) ||
	    (!c->sock.ops && !c->listener)) {
		tcp_conn_free(c);
		return;
	}
	tcp_timer_update(st);
	if (!c->told_closed && c->sock.ops->closed) {
		c->told_closed = true;
		c->sock.ops->closed(&c->sock, err);
	}
}

/* --- the owner's calls
 * ---------------------------------------------------------- */

struct tcp_conn *
tcp_connect(struct tcp_stack *st, uint32_t laddr, uint16_t lport,
	    uint32_t raddr, uint16_t rport, const struct sock_ops *ops,
	    void *owner)
{
	struct tcp_conn *c;

	if (!laddr)
		laddr = ipnode_source(st->node, raddr);
	if (!laddr) {
		errno = ENETUNREACH;
		return NULL;
	}
	if (!ipnode_is_self(st->node, laddr) && !(laddr >> 24 == 127)) {
		errno = EADDRNOTAVAIL;
		return NULL;
	}
	if (!lport)
		lport = tcp_ephemeral(st, laddr, raddr, rport);
	if (!lport || tcp_tuple_in_use(st, laddr, lport, raddr, rport)) {
		errno = lport ? EADDRINUSE : EAGAIN;
		return NULL;
	}
	c = tcp_conn_new(st);
	if (!c || tcp_conn_buffers(c) < 0) {
		if (c)
			tcp_conn_free(c);
		errno = ENOMEM;
		return NULL;
	}
	c->sock.laddr = laddr;
	c->sock.lport = lport;
	c->sock.raddr = raddr;
	c->sock.rport = rport;
	c->sock.ops = ops;
	c->sock.owner = owner;
	sock_insert(&st->node->socks, &c->sock);
	c->iss = tcp_isn(st, laddr, lport, raddr, rport);
	c->snd_una = c->snd_nxt = c->snd_max = c->snd_sml = c->iss;
	tcp_mss_init(c);
	tcp_cc_init(c);
	st->stats[STAT_active_opens]++;
	tcp_set_state(c, TCP_EV_open_active);
	tcp_output(c);
	return c;
}

struct tcp_conn *
tcp_listen(struct tcp_stack *st, uint32_t laddr, uint16_t lport, int backlog,
	   const struct sock_ops *ops, void *owner)
{
	struct tcp_conn *c;

	if (!lport || (laddr && !ipnode_addr_find(st->node, NULL, laddr))) {
		errno = lport ? EADDRNOTAVAIL : EINVAL;
		return NULL;
	}
	for (const struct sock *s = st->node->socks.list; s; s = s->next) {
		const struct tcp_conn *x = (const struct tcp_conn *)s;

		if (s->proto == IPV4_PROTO_TCP && x->state == TCP_LISTEN &&
		    s->lport == lport &&
		    (!s->laddr || !laddr || s->laddr == laddr)) {
			errno = EADDRINUSE;
			return NULL;
		}
	}
	c = tcp_conn_new(st);
	if (!c) {
		errno = ENOMEM;
		return NULL;
	}
	c->sock.laddr = laddr;
	c->sock.lport = lport;
	c->sock.ops = ops;
	c->sock.owner = owner;
	c->backlog = backlog > 0 ? backlog : TCP_BACKLOG_DEFAULT;
	sock_insert(&st->node->socks, &c->sock);
	tcp_set_state(c, TCP_EV_open_passive);
	return c;
}

struct tcp_conn *
tcp_accept(struct tcp_conn *l, const struct sock_ops *ops, void *owner)
{
	struct tcp_conn *c = l->accept_head;

	if (!c)
		return NULL;
	tcp_unlink_child(c);
	c->sock.ops = ops;
	c->sock.owner = owner;
	/* What happened before it was accepted, the owner hears now. */
	if (c->state == TCP_CLOSED)
		c->sock.ops->closed(&c->sock, c->err);
	return c;
}

size_t
tcp_send_space(const struct tcp_conn *c)
{
	return c->fin_queued ? 0 : c->snd.size - c->snd.len;
}

uint8_t *
tcp_send_reserve(struct tcp_conn *c, size_t *room)
{
	struct tcp_ring *r = &c->snd;
	size_t tail = (r->head + r->len) % r->size;
	size_t space = tcp_send_space(c);

	if (c->state != TCP_ESTABLISHED && c->state != TCP_CLOSE_WAIT &&
	    c->state != TCP_SYN_SENT && c->state != TCP_SYN_RECEIVED)
		space = 0;
	*room = space < r->size - tail ? space : r->size - tail;
	return r->buf + tail;
}

void
tcp_send_commit(struct tcp_conn *c, size_t len)
{
	if (len == 0)
		return;
	c->snd.len += len;
	tcp_output(c);
}

size_t
tcp_send(struct tcp_conn *c, const uint8_t *data, size_t len)
{
	size_t done = 0;

	while (done < len) {
		size_t room;
		uint8_t *to = tcp_send_reserve(c, &room);

		if (room == 0)
			break;
		if (room > len - done)
			room = len - done;
		memcpy(to, data + done, room);
		c->snd.len += room;
		done += room;
	}
	if (done)
		tcp_output(c);
	return done;
}

size_t
tcp_recv_avail(const struct tcp_conn *c)
{
	return c->rcv.len;
}

bool
tcp_recv_eof(const struct tcp_conn *c)
{
	return c->fin_rcvd && c->rcv.len == 0;
}

const uint8_t *
tcp_recv_peek(const struct tcp_conn *c, size_t *len)
{
	const struct tcp_ring *r = &c->rcv;
	size_t chunk = r->size - r->head;

	*len = r->len < chunk ? r->len : chunk;
	return r->buf + r->head;
}

void
tcp_recv_consume(struct tcp_conn *c, size_t len)
{
	struct tcp_ring *r = &c->rcv;
	size_t before = tcp_rcv_window(c);

	if (len > r->len)
		len = r->len;
	if (len == 0)
		return;
	r->head = (r->head + len) % r->size;
	r->len -= len;
	/* A window that grows by enough is worth telling (RFC 9293
	 * 3.8.6.2.2): from zero, or by two segments or half the buffer. */
	if (c->state != TCP_CLOSED && c->state != TCP_LISTEN &&
	    c->state != TCP_SYN_SENT) {
		size_t grown = tcp_rcv_window(c) - before;
		uint32_t adv = SEQ_GT(c->rcv_adv, c->rcv_nxt)
				   ? c->rcv_adv - c->rcv_nxt
				   : 0;

		if (adv < c->mss || grown >= c->rcv.size / 2 ||
		    grown >= 2u * c->mss)
			tcp_send_ack(c);
	}
}

size_t
tcp_recv(struct tcp_conn *c, uint8_t *buf, size_t len)
{
	size_t done = 0;

	while (done < len) {
		size_t n;
		const uint8_t *from = tcp_recv_peek(c, &n);

		if (n == 0)
			break;
		if (n > len - done)
			n = len - done;
		memcpy(buf + done, from, n);
		tcp_recv_consume(c, n);
		done += n;
	}
	return done;
}

void
tcp_shutdown(struct tcp_conn *c)
{
	if (c->fin_queued)
		return;
	switch (c->state) {
	case TCP_SYN_SENT:
	case TCP_SYN_RECEIVED:
	case TCP_ESTABLISHED:
	case TCP_CLOSE_WAIT:
		c->fin_queued = true;
		tcp_output(c);
		break;
	default:
		break;
	}
}

void
tcp_abort(struct tcp_conn *c)
{
	if (c->state != TCP_CLOSED && c->state != TCP_LISTEN &&
	    c->state != TCP_SYN_SENT && c->state != TCP_TIME_WAIT) {
		tcp_send_ctl(c, TCP_FLAG_RST | TCP_FLAG_ACK, c->snd_nxt);
		c->stack->stats[STAT_out_rsts]++;
	}
	c->user_closed = true;
	if (c->state != TCP_CLOSED)
		tcp_set_state(c, TCP_EV_reset);
	tcp_conn_free(c);
}

void
tcp_close(struct tcp_conn *c)
{
	c->sock.ops = NULL;
	c->sock.owner = NULL;
	switch (c->state) {
	case TCP_CLOSED:
	case TCP_LISTEN:
	case TCP_SYN_SENT:
		tcp_conn_free(c);
		return;
	default:
		break;
	}
	/* Data the owner never read: the peer learns it was lost (RFC 9293
	 * 3.10.4, as Linux does). */
	if (c->rcv.len > 0) {
		tcp_abort(c);
		return;
	}
	c->user_closed = true;
	tcp_shutdown(c);
	/* Orphaned in FIN-WAIT-2, a connection waits for the peer's FIN no
	 * longer than 2 MSL; one that got there before the owner let go
	 * starts waiting now. */
	if (c->state == TCP_FIN_WAIT_2 && isinf(c->tw_at))
		c->tw_at = tcp_now(c->stack) + 2 * c->stack->msl;
	tcp_timer_update(c->stack);
}

/* --- shown to people --------------------------------------------------------
 */

void
tcp_sock_json(const struct sock *s, json_t *row)
{
	const struct tcp_conn *c = (const struct tcp_conn *)s;
	uint32_t send_q = c->snd.len;

	json_object_set_new(row, "state",
			    json_string(tcp_state_names[c->state]));
	if (c->state == TCP_LISTEN) {
		/* As ss: connections waiting to be accepted, and the bound. */
		json_object_set_new(row, "send_q",
				    json_integer((json_int_t)c->backlog));
		json_object_set_new(row, "recv_q",
				    json_integer((json_int_t)c->accept_count));
		return;
	}
	json_object_set_new(row, "send_q", json_integer((json_int_t)send_q));
	json_object_set_new(row, "recv_q",
			    json_integer((json_int_t)c->rcv.len));
	json_object_set_new(row, "cwnd", json_integer((json_int_t)c->cwnd));
	json_object_set_new(
	    row, "srtt_us",
	    json_integer((json_int_t)(c->rtt_valid ? c->srtt * 1e6 : 0)));
	json_object_set_new(row, "rto_ms",
			    json_integer((json_int_t)(c->rto * 1000)));
	json_object_set_new(row, "retrans",
			    json_integer((json_int_t)c->retrans));
	json_object_set_new(row, "mss", json_integer((json_int_t)c->mss));
}

json_t *
tcp_stats_json(const struct tcp_stack *st)
{
	json_t *obj = stats_json(st->stats, tcp_stat_names, TCP_STAT_COUNT);
	json_int_t estab = 0, conns = 0;

	for (const struct tcp_conn *c = st->conns; c; c = c->next_conn) {
		conns++;
		if (c->state == TCP_ESTABLISHED || c->state == TCP_CLOSE_WAIT)
			estab++;
	}
	/* tcpCurrEstab of RFC 4022: established or close-wait now. */
	json_object_set_new(obj, "curr_estab", json_integer(estab));
	json_object_set_new(obj, "connections", json_integer(conns));
	json_object_set_new(
	    obj, "congestion",
	    json_string(st->cc == TCP_CC_CUBIC ? "cubic" : "reno"));
	json_object_set_new(obj, "msl", json_real(st->msl));
	return obj;
}
