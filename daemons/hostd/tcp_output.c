/*
 * What TCP sends and when (RFC 9293 3.8, RFC 1122 4.2.3): segments built
 * from the send ring with the options negotiated, Nagle's algorithm and
 * the sender's silly-window avoidance, the receiver's window without
 * silly updates, ACKs that piggyback, retransmissions, and RSTs.
 */
#include "tcp.h"

#include <arpa/inet.h>
#include <math.h>
#include <string.h>

#include "host.h"

static uint32_t
tcp_ts_now(const struct tcp_stack *st)
{
	return (uint32_t)(uint64_t)(tcp_now(st) * 1000.0);
}

/*
 * The window to advertise: what the receive ring has free, never less
 * than what was offered already (no shrinking), and not moved right by
 * less than a segment or half the buffer (receiver SWS avoidance).
 */
static uint32_t
tcp_adv_window(struct tcp_conn *c)
{
	uint32_t space = (uint32_t)tcp_rcv_window(c);
	uint32_t offered =
	    SEQ_GT(c->rcv_adv, c->rcv_nxt) ? c->rcv_adv - c->rcv_nxt : 0;
	uint32_t min_step =
	    c->mss < c->rcv.size / 2 ? c->mss : (uint32_t)c->rcv.size / 2;
	uint32_t max = (uint32_t)0xffff << (c->ws_ok ? c->rcv_wscale : 0);

	if (space > max)
		space = max;
	if (space < offered)
		return offered;
	if (space - offered < min_step && offered > 0)
		return offered;
	return space;
}

/* Copies len bytes starting off bytes after snd_una's out of the ring. */
static void
tcp_ring_copy(const struct tcp_ring *r, size_t off, uint8_t *to, size_t len)
{
	size_t pos = (r->head + off) % r->size;

	while (len > 0) {
		size_t chunk = r->size - pos;

		if (chunk > len)
			chunk = len;
		memcpy(to, r->buf + pos, chunk);
		to += chunk;
		len -= chunk;
		pos = 0;
	}
}

/* The options of a segment of c's with flags and len bytes of data. */
static void
tcp_segment_opts(const struct tcp_conn *c, uint8_t flags, size_t len,
		 struct tcp_opts *o)
{
	const struct tcp_stack *st = c->stack;

	memset(o, 0, sizeof(*o));
	if (flags & TCP_FLAG_SYN) {
		const struct route *r =
		    route_lookup(st->node->routes, c->sock.raddr);
		unsigned mtu = ipnode_is_self(st->node, c->sock.raddr) ? 65535
			       : r ? r->port->mtu
				   : 576;

		o->mss_ok = true;
		o->mss = (uint16_t)(mtu - IPV4_HDR_LEN - TCP_HDR_LEN);
		/* A SYN offers everything; a SYN-ACK answers what was
		 * offered (RFC 7323 1.3, 2.2, RFC 2018 2). */
		o->ws_ok = c->state == TCP_SYN_SENT || c->ws_ok;
		o->ws = c->rcv_wscale;
		o->sack_ok = c->state == TCP_SYN_SENT || c->sack_ok;
		o->ts_ok = c->state == TCP_SYN_SENT || c->ts_ok;
	} else {
		/* SACK blocks go in the room the data leaves within the
		 * MSS, which counts the timestamps out already: with them a
		 * full segment would not fit the path (RFC 6691). A pure
		 * ACK has room for all that the options take. */
		size_t room = c->mss > len ? c->mss - len : 0;
		int blocks = TCP_SACK_BLOCKS;

		while (blocks > 0 && 4 + 8 * (size_t)blocks > room)
			blocks--;
		o->ts_ok = c->ts_ok;
		if (c->sack_ok && !(flags & TCP_FLAG_RST))
			o->nsack = tcp_sack_blocks(c, o->sack, blocks);
	}
	if (o->ts_ok) {
		o->tsval = tcp_ts_now(st);
		o->tsecr = c->ts_recent;
	}
}

/*
 * Builds and sends one segment of c's at seq with len bytes of data from
 * the send ring (at offset off) and flags; ACK is added once the peer's
 * ISN is known. Returns 0 when it left.
 */
static int
tcp_xmit(struct tcp_conn *c, uint32_t seq, size_t off, size_t len,
	 uint8_t flags)
{
	struct tcp_stack *st = c->stack;
	struct ipnode_out out = {.src = c->sock.laddr,
				 .dst = c->sock.raddr,
				 .proto = IPV4_PROTO_TCP,
				 .df = true};
	uint8_t optbuf[TCP_OPT_MAX];
	struct tcp_opts o;
	struct tcp_hdr *h;
	struct pbuf *p;
	size_t optlen;
	uint32_t win;

	/* Every segment but the first SYN acknowledges (RFC 9293 3.10.7). */
	if (c->state != TCP_SYN_SENT)
		flags |= TCP_FLAG_ACK;
	tcp_segment_opts(c, flags, len, &o);
	optlen = tcp_opts_build(optbuf, &o);
	p = pbuf_alloc(PBUF_HEADROOM, len);
	if (!p)
		return -1;
	if (len)
		tcp_ring_copy(&c->snd, off, p->data, len);
	h = (struct tcp_hdr *)pbuf_push(p, TCP_HDR_LEN + optlen);
	memcpy((uint8_t *)h + TCP_HDR_LEN, optbuf, optlen);
	win = tcp_adv_window(c);
	if (!(flags & TCP_FLAG_SYN)) {
		if (SEQ_GT(c->rcv_nxt + win, c->rcv_adv))
			c->rcv_adv = c->rcv_nxt + win;
		if (win == 0)
			st->stats[STAT_zero_window_sent]++;
		win >>= c->ws_ok ? c->rcv_wscale : 0;
	} else {
		if (win > 0xffff)
			win = 0xffff;
		c->rcv_adv = c->rcv_nxt + win;
	}
	h->sport = htons(c->sock.lport);
	h->dport = htons(c->sock.rport);
	h->seq = htonl(seq);
	h->ack = htonl((flags & TCP_FLAG_ACK) ? c->rcv_nxt : 0);
	h->off = (uint8_t)(((TCP_HDR_LEN + optlen) / 4) << 4);
	h->flags = flags;
	h->win = htons((uint16_t)(win > 0xffff ? 0xffff : win));
	h->check = 0;
	h->urg = 0;
	h->check =
	    htons(tcp_checksum(c->sock.laddr, c->sock.raddr, p->data, p->len));
	if (flags & TCP_FLAG_ACK) {
		c->last_ack_sent = c->rcv_nxt;
		c->segs_unacked = 0;
		c->ack_now = false;
		c->dack_at = INFINITY;
	}
	st->stats[STAT_out_segs]++;
	return ipnode_output(st->node, p, &out) < 0 ? -1 : 0;
}

/* --- the queue of segments in flight
 * ------------------------------------------ */

struct tcp_sent *
tcp_sent_at(const struct tcp_conn *c, size_t i)
{
	return &c->sent[(c->sent_head + i) % c->sent_cap];
}

static struct tcp_sent *
tcp_sent_push(struct tcp_conn *c)
{
	if (c->sent_len == c->sent_cap) {
		size_t cap = c->sent_cap ? c->sent_cap * 2 : 64;
		struct tcp_sent *q = calloc(cap, sizeof(*q));

		if (!q)
			return NULL;
		for (size_t i = 0; i < c->sent_len; i++)
			q[i] = *tcp_sent_at(c, i);
		free(c->sent);
		c->sent = q;
		c->sent_cap = cap;
		c->sent_head = 0;
	}
	return tcp_sent_at(c, c->sent_len++);
}

/* Sends a new segment and remembers it in flight. */
static int
tcp_send_new(struct tcp_conn *c, size_t len, uint8_t flags)
{
	uint32_t seq = c->snd_nxt;
	size_t off = seq - c->snd_una;
	uint32_t span =
	    (uint32_t)len + ((flags & (TCP_FLAG_SYN | TCP_FLAG_FIN)) ? 1 : 0);
	struct tcp_sent *s;

	/* The SYN has no byte in the ring: data starts after it. */
	if (c->state == TCP_SYN_SENT || c->state == TCP_SYN_RECEIVED)
		off = 0;
	if (tcp_xmit(c, seq, off, len, flags) < 0 && !(flags & TCP_FLAG_SYN))
		return -1;
	s = tcp_sent_push(c);
	if (s) {
		*s = (struct tcp_sent){.seq = seq,
				       .len = span,
				       .flags = flags &
						(TCP_FLAG_SYN | TCP_FLAG_FIN),
				       .xmit = tcp_clock(c->stack)};
		/* Sent before (after a timeout): no RTT sample (Karn). */
		s->retrans = SEQ_LT(seq, c->snd_max);
	}
	if (flags & TCP_FLAG_FIN) {
		c->fin_sent = true;
		c->fin_seq = seq + (uint32_t)len;
	}
	if (len < c->mss)
		c->snd_sml = seq + span;
	c->snd_nxt = seq + span;
	if (SEQ_GT(c->snd_nxt, c->snd_max))
		c->snd_max = c->snd_nxt;
	if (isinf(c->rto_at))
		tcp_rto_arm(c);
	return 0;
}

/* Sends the segment s again; true when it left. */
static bool
tcp_resend(struct tcp_conn *c, struct tcp_sent *s)
{
	uint32_t len =
	    s->len - ((s->flags & (TCP_FLAG_SYN | TCP_FLAG_FIN)) ? 1 : 0);
	size_t off = (s->flags & TCP_FLAG_SYN) ? 0 : s->seq - c->snd_una;

	if (tcp_xmit(c, s->seq, off, len, s->flags | (len ? TCP_FLAG_PSH : 0)) <
	    0)
		return false;
	s->retrans = 1;
	s->xmit = tcp_clock(c->stack);
	c->retrans++;
	c->stack->stats[STAT_retrans_segs]++;
	return true;
}

void
tcp_retransmit_head(struct tcp_conn *c)
{
	if (c->sent_len > 0)
		tcp_resend(c, tcp_sent_at(c, 0));
}

void
tcp_sack_retransmit(struct tcp_conn *c)
{
	uint32_t pipe = tcp_pipe(c);

	/* RFC 6675 5 (C): NextSeg() rule 1, the first lost segment not yet
	 * retransmitted, while the pipe has room. */
	for (size_t i = 0; i < c->sent_len && pipe + c->mss <= c->cwnd; i++) {
		struct tcp_sent *s = tcp_sent_at(c, i);

		if (s->sacked || !s->lost || s->retrans)
			continue;
		if (!tcp_resend(c, s))
			return;
		pipe += s->len;
		if (SEQ_GT(s->seq + s->len, c->high_rxt))
			c->high_rxt = s->seq + s->len;
	}
}

/* --- deciding what to send
 * -------------------------------------------------------- */

/* Bytes the windows let leave now. */
static uint32_t
tcp_usable(const struct tcp_conn *c)
{
	uint32_t flight = c->in_recovery && c->sack_ok
			      ? tcp_pipe(c)
			      : c->snd_nxt - c->snd_una;
	uint32_t cwnd_room = c->cwnd > flight ? c->cwnd - flight : 0;
	uint32_t wnd_edge = c->snd_una + c->snd_wnd;
	uint32_t wnd_room =
	    SEQ_GT(wnd_edge, c->snd_nxt) ? wnd_edge - c->snd_nxt : 0;

	return cwnd_room < wnd_room ? cwnd_room : wnd_room;
}

/*
 * Sends new data and the FIN while the windows, Nagle (RFC 1122 4.2.3.4)
 * and the sender's silly-window avoidance (RFC 9293 3.8.6.2.1) allow.
 */
static void
tcp_output_data(struct tcp_conn *c)
{
	for (;;) {
		size_t off = c->snd_nxt - c->snd_una;
		size_t avail = c->snd.len > off ? c->snd.len - off : 0;
		uint32_t usable = tcp_usable(c);
		size_t len = avail;
		bool fin, send;

		if (len > c->mss)
			len = c->mss;
		if (len > usable)
			len = usable;
		/* The FIN rides on the segment that carries the last byte,
		 * or alone once all have gone; it needs no window. */
		fin = c->fin_queued && off + len == c->snd.len;
		if (len == 0 && !fin)
			return;
		/* A short segment goes when nothing short is still in
		 * flight: Nagle with Minshall's refinement, as Linux. */
		send = len == c->mss || fin ||
		       (c->max_snd_wnd && len >= c->max_snd_wnd / 2) ||
		       (len == avail &&
			(c->nodelay || SEQ_LEQ(c->snd_sml, c->snd_una)));
		/* What left once already (before a timeout, or a smaller
		 * MSS, sent us back) goes again at once: Nagle and the
		 * silly window hold back new data only. */
		send = send || SEQ_LT(c->snd_nxt, c->snd_max);
		if (!send)
			return;
		if (tcp_send_new(c, len,
				 (fin ? TCP_FLAG_FIN : 0) |
				     (len && len == avail ? TCP_FLAG_PSH : 0)) <
		    0)
			return;
		if (fin) {
			if (c->state == TCP_ESTABLISHED ||
			    c->state == TCP_SYN_RECEIVED ||
			    c->state == TCP_CLOSE_WAIT)
				tcp_set_state(c, TCP_EV_close);
			return;
		}
	}
}

void
tcp_output(struct tcp_conn *c)
{
	switch (c->state) {
	case TCP_SYN_SENT:
	case TCP_SYN_RECEIVED:
		if (c->snd_nxt == c->iss)
			tcp_send_new(c, 0, TCP_FLAG_SYN);
		/* The SYN's retransmission timer is the stack's to run: a
		 * lost SYN or SYN-ACK would otherwise never go again. */
		tcp_timer_update(c->stack);
		return;
	case TCP_ESTABLISHED:
	case TCP_CLOSE_WAIT:
	case TCP_FIN_WAIT_1:
	case TCP_CLOSING:
	case TCP_LAST_ACK:
		if (c->in_recovery && c->sack_ok)
			tcp_sack_retransmit(c);
		tcp_output_data(c);
		break;
	case TCP_FIN_WAIT_2:
	case TCP_TIME_WAIT:
		break; /* nothing more to send but ACKs */
	default:
		return;
	}
	/* Data waits and nothing is in flight, so no ACK will come to send
	 * it: the window is shut, or too small for silly-window avoidance
	 * to use. Probe it (RFC 9293 3.8.6.1; the override timeout of RFC
	 * 1122 4.2.3.4, as Linux's probe timer). */
	if (c->snd.len > c->snd_nxt - c->snd_una && c->snd_nxt == c->snd_una &&
	    isinf(c->rto_at)) {
		c->persist = true;
		tcp_rto_arm(c);
	}
	if (c->ack_now)
		tcp_send_ack(c);
	tcp_timer_update(c->stack);
}

void
tcp_send_ack(struct tcp_conn *c)
{
	tcp_xmit(c, c->snd_nxt, 0, 0, TCP_FLAG_ACK);
	tcp_timer_update(c->stack);
}

void
tcp_send_ctl(struct tcp_conn *c, uint8_t flags, uint32_t seq)
{
	tcp_xmit(c, seq, 0, 0, flags);
}

/*
 * A window probe (RFC 9293 3.8.6.1, RFC 1122 4.2.2.17), as Linux's: what
 * the window takes of the data waiting leaves, however small; a window
 * that is shut gets a segment just left of it, which the peer cannot
 * accept and so must answer with an ACK that carries its window.
 */
bool
tcp_persist_probe(struct tcp_conn *c)
{
	size_t off = c->snd_nxt - c->snd_una;
	size_t avail = c->snd.len > off ? c->snd.len - off : 0;
	size_t len = tcp_usable(c);

	c->stack->stats[STAT_persist_probes]++;
	if (len > avail)
		len = avail;
	if (len > c->mss)
		len = c->mss;
	if (len > 0 && tcp_send_new(c, len, TCP_FLAG_PSH) == 0)
		return true;
	tcp_xmit(c, c->snd_una - 1, 0, 0, TCP_FLAG_ACK);
	return false;
}

void
tcp_send_reset(struct tcp_stack *st, const struct tcp_seg *seg)
{
	struct ipnode_out out = {
	    .src = seg->dst, .dst = seg->src, .proto = IPV4_PROTO_TCP};
	struct pbuf *p;
	struct tcp_hdr *h;

	if (seg->flags & TCP_FLAG_RST)
		return;
	p = pbuf_alloc(PBUF_HEADROOM, 0);
	if (!p)
		return;
	h = (struct tcp_hdr *)pbuf_push(p, TCP_HDR_LEN);
	memset(h, 0, sizeof(*h));
	h->sport = htons(seg->dport);
	h->dport = htons(seg->sport);
	h->off = (TCP_HDR_LEN / 4) << 4;
	if (seg->flags & TCP_FLAG_ACK) {
		h->seq = htonl(seg->ack);
		h->flags = TCP_FLAG_RST;
	} else {
		uint32_t span = (uint32_t)seg->len +
				((seg->flags & TCP_FLAG_SYN) ? 1 : 0) +
				((seg->flags & TCP_FLAG_FIN) ? 1 : 0);

		h->ack = htonl(seg->seq + span);
		h->flags = TCP_FLAG_RST | TCP_FLAG_ACK;
	}
	h->check = htons(tcp_checksum(seg->dst, seg->src, p->data, p->len));
	st->stats[STAT_out_rsts]++;
	st->stats[STAT_out_segs]++;
	ipnode_output(st->node, p, &out);
}

void
tcp_describe_tx(struct ipnode *n, const struct ipv4_pkt *pkt)
{
	const struct tcp_hdr *h = (const struct tcp_hdr *)pkt->payload;
	struct tcp_stack *st = &((struct host *)n)->tcp;
	char src[IPV4_ADDR_STRLEN], dst[IPV4_ADDR_STRLEN];
	const struct tcp_conn *c;
	uint16_t sport, dport;

	if (pkt->payload_len < TCP_HDR_LEN)
		return;
	sport = ntohs(h->sport);
	dport = ntohs(h->dport);
	c = tcp_lookup(st, pkt->src, sport, pkt->dst, dport);
	trace_note(n->trace, "sent by TCP %s:%u -> %s:%u (%s)",
		   ipv4_ntoa(pkt->src, src), sport, ipv4_ntoa(pkt->dst, dst),
		   dport, c ? tcp_state_names[c->state] : "no connection");
}
