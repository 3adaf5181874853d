/*
 * Segment arrival (RFC 9293 3.10.7), in the RFC's order: LISTEN,
 * SYN-SENT, then the synchronized states with their sequence check
 * (and PAWS, RFC 7323 5), RST and SYN (hardened after RFC 5961), ACK
 * (new data acknowledged, duplicate ACKs, recovery), data and FIN. ICMP
 * errors about our segments come in here too (RFC 5927, RFC 1191).
 */
#include "tcp.h"

#include <errno.h>
#include <math.h>

#include "host.h"

static const enum tcp_stat tcp_check_stat[TCP_CHECK_COUNT] = {
    [TCP_ok] = STAT_in_segs,
    [TCP_truncated] = STAT_truncated,
    [TCP_bad_offset] = STAT_bad_offset,
    [TCP_bad_checksum] = STAT_bad_checksum,
    [TCP_bad_options] = STAT_bad_options,
};

/* The failed checks in words, for traces. */
static const char *const tcp_check_words[TCP_CHECK_COUNT] = {
    [TCP_truncated] = "truncated TCP header",
    [TCP_bad_offset] = "bad TCP data offset",
    [TCP_bad_checksum] = "bad checksum",
    [TCP_bad_options] = "bad TCP options",
};

static struct tcp_stack *
tcp_stack_of(struct ipnode *n)
{
	return &((struct host *)n)->tcp;
}

/* Sends a challenge ACK (RFC 5961 3.2, 4.2, 5.2) if the rate allows. */
static void
tcp_challenge_ack(struct tcp_conn *c)
{
	struct tcp_stack *st = c->stack;
	double now = tcp_now(st);

	st->challenge_tokens += (now - st->challenge_last) * TCP_CHALLENGE_RATE;
	if (st->challenge_tokens > TCP_CHALLENGE_RATE)
		st->challenge_tokens = TCP_CHALLENGE_RATE;
	st->challenge_last = now;
	if (st->challenge_tokens < 1) {
		st->stats[STAT_challenge_acks_limited]++;
		return;
	}
	st->challenge_tokens -= 1;
	st->stats[STAT_challenge_acks]++;
	tcp_send_ack(c);
}

/*
 * Answers a segment that the connection cannot take (out of the window,
 * too old for PAWS, acknowledging what was never sent) with an ACK, as RFC
 * 9293 asks. A pure ACK is answered once in TCP_STRAY_ACK_GAP at most, as
 * Linux does: two ends that disagree about the sequence space would
 * otherwise answer each other's ACKs for ever.
 */
static void
tcp_stray_ack(struct tcp_conn *c, const struct tcp_seg *seg)
{
	double now = tcp_now(c->stack);

	if (seg->len == 0 && !(seg->flags & (TCP_FLAG_SYN | TCP_FLAG_FIN))) {
		if (now - c->stray_acked < TCP_STRAY_ACK_GAP)
			return;
		c->stray_acked = now;
	}
	tcp_send_ack(c);
}

/* What a SYN (or SYN-ACK) offered. */
static void
tcp_take_syn_options(struct tcp_conn *c, const struct tcp_seg *seg)
{
	c->peer_mss = seg->opt.mss_ok ? seg->opt.mss : TCP_DEFAULT_MSS;
	c->ws_ok = seg->opt.ws_ok;
	c->snd_wscale = seg->opt.ws_ok ? seg->opt.ws : 0;
	if (!c->ws_ok)
		c->rcv_wscale = 0;
	c->sack_ok = seg->opt.sack_ok;
	c->ts_ok = seg->opt.ts_ok;
	if (c->ts_ok)
		c->ts_recent = seg->opt.tsval;
	c->irs = seg->seq;
	c->rcv_nxt = seg->seq + 1;
	c->rcv_adv = c->rcv_nxt;
	tcp_mss_init(c);
}

static void
tcp_tell_readable(struct tcp_conn *c)
{
	if (c->sock.ops && c->sock.ops->readable)
		c->sock.ops->readable(&c->sock);
}

/* --- LISTEN -------------------------------------------------------------- */

/* The SYN queue is full: the oldest half-open connection gives way, so a
 * flood of SYNs from nowhere cannot lock out real clients for long. */
static void
tcp_evict_oldest(struct tcp_conn *l)
{
	struct tcp_conn *oldest = NULL;

	for (struct tcp_conn *x = l->stack->conns; x; x = x->next_conn)
		if (x->listener == l && x->state == TCP_SYN_RECEIVED &&
		    (!oldest || x->born < oldest->born))
			oldest = x;
	if (oldest)
		tcp_conn_free(oldest);
}

static void
tcp_listen_input(struct tcp_conn *l, const struct tcp_seg *seg)
{
	struct tcp_stack *st = l->stack;
	struct tcp_conn *c;
	int syn_limit = l->backlog * 2 > 64 ? l->backlog * 2 : 64;

	if (seg->flags & TCP_FLAG_RST)
		return;
	if (seg->flags & TCP_FLAG_ACK) {
		tcp_send_reset(st, seg);
		return;
	}
	if (!(seg->flags & TCP_FLAG_SYN)) {
		st->stats[STAT_listen_drops]++;
		return;
	}
	if (l->syn_count >= syn_limit) {
		st->stats[STAT_syn_queue_overflow]++;
		tcp_evict_oldest(l);
	}
	c = tcp_conn_new(st);
	if (!c) {
		st->stats[STAT_listen_drops]++;
		return;
	}
	c->sock.laddr = seg->dst;
	c->sock.lport = seg->dport;
	c->sock.raddr = seg->src;
	c->sock.rport = seg->sport;
	if (tcp_conn_buffers(c) < 0) {
		tcp_conn_free(c);
		st->stats[STAT_listen_drops]++;
		return;
	}
	c->listener = l;
	l->syn_count++;
	sock_insert(&st->node->socks, &c->sock);
	tcp_take_syn_options(c, seg);
	c->snd_wnd = seg->win; /* never scaled in a SYN (RFC 7323 2.2) */
	c->max_snd_wnd = c->snd_wnd;
	c->snd_wl1 = seg->seq;
	c->iss = tcp_isn(st, c->sock.laddr, c->sock.lport, c->sock.raddr,
			 c->sock.rport);
	c->snd_una = c->snd_nxt = c->snd_max = c->snd_sml = c->iss;
	tcp_cc_init(c);
	c->state = TCP_LISTEN;
	tcp_set_state(c, TCP_EV_rcv_syn);
	st->stats[STAT_passive_opens]++;
	tcp_output(c);
}

/* --- SYN-SENT ----------------------------------------------------------------
 */

/* Forgets the segments up to ack that were in flight. */
static void tcp_ack_sent(struct tcp_conn *c, uint32_t ack);

static void
tcp_syn_sent_input(struct tcp_conn *c, const struct tcp_seg *seg)
{
	struct tcp_stack *st = c->stack;
	bool ack_ok = false;

	if (seg->flags & TCP_FLAG_ACK) {
		if (SEQ_LEQ(seg->ack, c->iss) || SEQ_GT(seg->ack, c->snd_max)) {
			tcp_send_reset(st, seg);
			return;
		}
		ack_ok = true;
	}
	if (seg->flags & TCP_FLAG_RST) {
		if (ack_ok) {
			st->stats[STAT_in_rsts]++;
			st->stats[STAT_attempt_fails]++;
			tcp_set_state(c, TCP_EV_reset);
			tcp_conn_ended(c, ECONNREFUSED);
		}
		return;
	}
	if (!(seg->flags & TCP_FLAG_SYN))
		return;
	tcp_take_syn_options(c, seg);
	if (!ack_ok) {
		/* Both opened at once (RFC 9293 3.5, figure 7). */
		tcp_set_state(c, TCP_EV_rcv_syn);
		c->snd_wnd = seg->win;
		c->snd_wl1 = seg->seq;
		tcp_send_ctl(c, TCP_FLAG_SYN | TCP_FLAG_ACK, c->iss);
		return;
	}
	tcp_ack_sent(c, seg->ack);
	c->snd_una = seg->ack;
	c->snd_wnd = seg->win;
	c->max_snd_wnd = c->snd_wnd;
	c->snd_wl1 = seg->seq;
	c->snd_wl2 = seg->ack;
	c->backoff = 0;
	c->rto_at = INFINITY;
	tcp_cc_init(c);
	tcp_set_state(c, TCP_EV_rcv_syn_ack);
	c->ack_now = true;
	if (c->sock.ops && c->sock.ops->connected)
		c->sock.ops->connected(&c->sock);
	tcp_output(c);
}

/* --- the synchronized states
 * --------------------------------------------------- */

/* RFC 9293 3.10.7.4 first: is any of the segment inside the window? */
static bool
tcp_acceptable(const struct tcp_conn *c, uint32_t seq, uint32_t span)
{
	uint32_t wnd =
	    SEQ_GT(c->rcv_adv, c->rcv_nxt) ? c->rcv_adv - c->rcv_nxt : 0;

	if (span == 0 && wnd == 0)
		return seq == c->rcv_nxt;
	if (span == 0)
		return SEQ_LEQ(c->rcv_nxt, seq) &&
		       SEQ_LT(seq, c->rcv_nxt + wnd);
	if (wnd == 0)
		return false;
	return (SEQ_LEQ(c->rcv_nxt, seq) && SEQ_LT(seq, c->rcv_nxt + wnd)) ||
	       (SEQ_LEQ(c->rcv_nxt, seq + span - 1) &&
		SEQ_LT(seq + span - 1, c->rcv_nxt + wnd));
}

static void
tcp_ack_sent(struct tcp_conn *c, uint32_t ack)
{
	double now = tcp_clock(c->stack), sample = -1;

	while (c->sent_len > 0) {
		struct tcp_sent *s = tcp_sent_at(c, 0);

		if (SEQ_GT(s->seq + s->len, ack))
			break;
		/* Karn: only a segment sent once times the path. */
		if (!s->retrans)
			sample = now - s->xmit;
		c->sent_head = (c->sent_head + 1) % c->sent_cap;
		c->sent_len--;
	}
	/* Part of a segment (cut by a smaller MSS after it left). */
	if (c->sent_len > 0) {
		struct tcp_sent *s = tcp_sent_at(c, 0);

		if (SEQ_GT(ack, s->seq)) {
			s->len -= ack - s->seq;
			s->seq = ack;
		}
	}
	if (sample >= 0)
		tcp_rtt_sample(c, sample);
}

/* New data acknowledged: the ring, the RTT, the timer, the window. */
static void
tcp_ack_new(struct tcp_conn *c, const struct tcp_seg *seg)
{
	uint32_t acked = seg->ack - c->snd_una;
	uint32_t ring = acked;

	/* The SYN and the FIN have no byte in the ring. */
	if (c->snd_una == c->iss)
		ring--;
	if (c->fin_sent && SEQ_GT(seg->ack, c->fin_seq) &&
	    SEQ_LEQ(c->snd_una, c->fin_seq))
		ring--;
	tcp_ack_sent(c, seg->ack);
	if (ring > c->snd.len)
		ring = (uint32_t)c->snd.len;
	c->snd.head = (c->snd.head + ring) % c->snd.size;
	c->snd.len -= ring;
	c->snd_una = seg->ack;
	if (SEQ_LT(c->snd_nxt, c->snd_una))
		c->snd_nxt = c->snd_una;
	c->backoff = 0;
	c->persist = false;
	if (c->in_recovery) {
		if (SEQ_GEQ(seg->ack, c->recover)) {
			tcp_cc_exit_recovery(c);
		} else if (!c->sack_ok) {
			/* NewReno's partial ACK (RFC 6582 3.2 (5)): the next
			 * hole goes now, the window deflates. */
			tcp_retransmit_head(c);
			c->cwnd = c->cwnd > acked ? c->cwnd - acked : c->mss;
			c->cwnd += c->mss;
		}
	} else {
		tcp_cc_ack(c, acked);
	}
	c->dupacks = 0;
	/* RFC 6298 5.2, 5.3: off when all is acknowledged, else again. */
	if (c->snd_una == c->snd_max)
		c->rto_at = INFINITY;
	else
		tcp_rto_arm(c);
	/* Last, once snd_una matches the ring again: an owner that writes
	 * at once must find the data in flight where the ring says. */
	if (ring > 0 && c->sock.ops && c->sock.ops->writable)
		c->sock.ops->writable(&c->sock);
}

/* A duplicate ACK (RFC 5681 2): perhaps a loss to recover from. */
static void
tcp_dupack(struct tcp_conn *c, const struct tcp_seg *seg)
{
	struct tcp_stack *st = c->stack;
	bool lost;

	st->stats[STAT_dup_acks]++;
	c->dupacks++;
	lost = c->sack_ok && seg->opt.nsack > 0 && tcp_sack_detect_loss(c);
	if (c->in_recovery) {
		if (!c->sack_ok)
			c->cwnd += c->mss; /* inflation, RFC 6582 3.2 (4) */
		return;
	}
	if (c->dupacks < 3 && !(lost && tcp_sent_at(c, 0)->lost))
		return;
	/* RFC 6582 3.2 (1): not twice for the same window. */
	if (!c->sack_ok && SEQ_LEQ(c->snd_una, c->recover) &&
	    c->recover != c->snd_una && c->recover != 0)
		return;
	tcp_cc_enter_recovery(c);
	st->stats[STAT_fast_retrans]++;
	if (c->sack_ok) {
		st->stats[STAT_sack_recoveries]++;
		tcp_sent_at(c, 0)->lost = 1;
		tcp_sack_detect_loss(c);
		tcp_sack_retransmit(c);
	} else {
		st->stats[STAT_reno_recoveries]++;
		tcp_retransmit_head(c);
		c->cwnd = c->ssthresh + 3u * c->mss;
	}
}

/* The ACK field (RFC 9293 3.10.7.4 fifth, RFC 5961 5). False when the
 * segment is to be dropped. */
static bool
tcp_ack_input(struct tcp_conn *c, const struct tcp_seg *seg)
{
	struct tcp_stack *st = c->stack;
	uint32_t win = (uint32_t)seg->win << c->snd_wscale;

	if (!(seg->flags & TCP_FLAG_ACK))
		return false;
	if (SEQ_GT(seg->ack, c->snd_max)) {
		st->stats[STAT_ack_unsent]++;
		tcp_stray_ack(c, seg);
		return false;
	}
	if (SEQ_LT(seg->ack, c->snd_una - c->max_snd_wnd)) {
		st->stats[STAT_ack_too_old]++;
		tcp_challenge_ack(c);
		return false;
	}
	c->probes = 0; /* the peer is there: it answers */
	if (c->state == TCP_SYN_RECEIVED) {
		struct tcp_conn *l = c->listener;

		if (!SEQ_GT(seg->ack, c->snd_una)) {
			tcp_send_reset(st, seg);
			return false;
		}
		/* The accept queue is full: as Linux, the ACK is dropped
		 * and the peer's retransmission tries again. */
		if (l && l->accept_count >= l->backlog) {
			st->stats[STAT_accept_queue_overflow]++;
			return false;
		}
		c->snd_wnd = win;
		c->snd_wl1 = seg->seq;
		c->snd_wl2 = seg->ack;
		tcp_ack_new(c, seg);
		if (l)
			l->syn_count--;
		tcp_set_state(c, TCP_EV_rcv_ack_of_syn);
		if (l) {
			c->accept_next = NULL;
			if (l->accept_tail)
				l->accept_tail->accept_next = c;
			else
				l->accept_head = c;
			l->accept_tail = c;
			l->accept_count++;
			if (l->sock.ops && l->sock.ops->accept)
				l->sock.ops->accept(&l->sock, &c->sock);
		} else if (c->sock.ops && c->sock.ops->connected) {
			c->sock.ops->connected(&c->sock);
		}
	}
	if (c->sack_ok && seg->opt.nsack > 0)
		tcp_sack_mark(c, &seg->opt);
	if (SEQ_GT(seg->ack, c->snd_una)) {
		tcp_ack_new(c, seg);
		if (c->in_recovery && c->sack_ok)
			tcp_sack_detect_loss(c);
	} else if (seg->ack == c->snd_una && seg->len == 0 &&
		   !(seg->flags & (TCP_FLAG_SYN | TCP_FLAG_FIN)) &&
		   win == c->snd_wnd && c->snd_una != c->snd_max) {
		tcp_dupack(c, seg);
	}
	/* The send window (RFC 9293 3.10.7.4): only from newer segments. */
	if (SEQ_LT(c->snd_wl1, seg->seq) ||
	    (c->snd_wl1 == seg->seq && SEQ_LEQ(c->snd_wl2, seg->ack))) {
		c->snd_wnd = win;
		c->snd_wl1 = seg->seq;
		c->snd_wl2 = seg->ack;
		if (win > c->max_snd_wnd)
			c->max_snd_wnd = win;
		if (win > 0 && c->persist) {
			c->persist = false;
			c->backoff = 0;
			c->rto_at = INFINITY;
		}
	}
	return true;
}

/* Our FIN is acknowledged. */
static bool
tcp_fin_acked(const struct tcp_conn *c)
{
	return c->fin_sent && SEQ_GT(c->snd_una, c->fin_seq);
}

static void
tcp_enter_time_wait(struct tcp_conn *c)
{
	c->rto_at = c->dack_at = INFINITY;
	c->tw_at = tcp_now(c->stack) + 2 * c->stack->msl;
}

/* States that our FIN's acknowledgment moves on; true when the
 * connection ended (and may be gone). */
static bool
tcp_closing_states(struct tcp_conn *c)
{
	if (!tcp_fin_acked(c))
		return false;
	switch (c->state) {
	case TCP_FIN_WAIT_1:
		tcp_set_state(c, TCP_EV_rcv_ack_of_fin);
		/* An orphan waits for the peer's FIN no longer than 2 MSL. */
		if (c->user_closed)
			c->tw_at = tcp_now(c->stack) + 2 * c->stack->msl;
		break;
	case TCP_CLOSING:
		tcp_set_state(c, TCP_EV_rcv_ack_of_fin);
		tcp_enter_time_wait(c);
		break;
	case TCP_LAST_ACK:
		tcp_set_state(c, TCP_EV_rcv_ack_of_fin);
		tcp_conn_ended(c, 0);
		return true;
	default:
		break;
	}
	return false;
}

/* Data and FIN (RFC 9293 3.10.7.4 seventh, eighth). False when the
 * connection went. */
static bool
tcp_data_input(struct tcp_conn *c, uint32_t seq, const uint8_t *data,
	       size_t len, bool fin)
{
	bool in_order = seq == c->rcv_nxt, holes = c->nooo > 0;

	if (len > 0 &&
	    (c->state == TCP_ESTABLISHED || c->state == TCP_FIN_WAIT_1 ||
	     c->state == TCP_FIN_WAIT_2)) {
		/* Nobody will read it: the peer must know (RFC 9293
		 * 3.10.4, as Linux). */
		if (c->user_closed) {
			tcp_abort(c);
			return false;
		}
		if (tcp_rcv_data(c, seq, data, len) > 0)
			tcp_tell_readable(c);
		/* Out of order, or filling a hole: acknowledge at once, so
		 * the sender sees its loss (RFC 5681 4.2). */
		if (!in_order || holes)
			c->ack_now = true;
		else
			tcp_ack_later(c);
	}
	if (!fin || seq + (uint32_t)len != c->rcv_nxt)
		return true;
	c->rcv_nxt++;
	c->fin_rcvd = true;
	c->ack_now = true;
	/* What came out of order from beyond the end of the stream is no
	 * data: forgotten, as Linux does. */
	c->nooo = 0;
	switch (c->state) {
	case TCP_ESTABLISHED:
	case TCP_FIN_WAIT_1:
		tcp_set_state(c, TCP_EV_rcv_fin);
		if (c->state == TCP_CLOSING && tcp_fin_acked(c)) {
			tcp_set_state(c, TCP_EV_rcv_ack_of_fin);
			tcp_enter_time_wait(c);
		}
		break;
	case TCP_FIN_WAIT_2:
		tcp_set_state(c, TCP_EV_rcv_fin);
		tcp_enter_time_wait(c);
		break;
	case TCP_TIME_WAIT:
		tcp_enter_time_wait(c); /* its FIN again: 2 MSL anew */
		break;
	default:
		break;
	}
	tcp_tell_readable(c);
	return true;
}

/* A SYN for a connection in TIME-WAIT with a higher sequence number
 * starts a new one (RFC 6191's rule without timestamps, as Linux). */
static bool
tcp_time_wait_reuse(struct tcp_conn *c, const struct tcp_seg *seg)
{
	struct tcp_stack *st = c->stack;
	struct tcp_conn *l;

	if (c->state != TCP_TIME_WAIT || !(seg->flags & TCP_FLAG_SYN) ||
	    (seg->flags & TCP_FLAG_ACK) || !SEQ_GT(seg->seq, c->rcv_nxt))
		return false;
	/* It ends as if 2 MSL had passed: an owner that still holds it
	 * hears so, and keeps it until it lets go. */
	tcp_set_state(c, TCP_EV_timeout);
	tcp_conn_ended(c, 0);
	st->stats[STAT_time_wait_reused]++;
	l = tcp_lookup(st, seg->dst, seg->dport, seg->src, seg->sport);
	if (l && l->state == TCP_LISTEN)
		tcp_listen_input(l, seg);
	else
		tcp_send_reset(st, seg);
	return true;
}

static void
tcp_sync_input(struct tcp_conn *c, struct tcp_seg *seg)
{
	struct tcp_stack *st = c->stack;
	uint32_t seq = seg->seq;
	const uint8_t *data = seg->data;
	size_t len = seg->len;
	bool fin = seg->flags & TCP_FLAG_FIN, syn = seg->flags & TCP_FLAG_SYN;
	uint32_t span = (uint32_t)len + fin + syn;

	if (tcp_time_wait_reuse(c, seg))
		return;
	/* PAWS (RFC 7323 5.3): an older timestamp is an old duplicate. */
	if (c->ts_ok && seg->opt.ts_ok && !(seg->flags & TCP_FLAG_RST) &&
	    SEQ_LT(seg->opt.tsval, c->ts_recent)) {
		st->stats[STAT_paws_rejected]++;
		tcp_stray_ack(c, seg);
		return;
	}
	/* SYN (RFC 5961 4.2): a retransmitted SYN gets its SYN-ACK again;
	 * any other, wherever it falls, in the window or not, a challenge
	 * ACK. */
	if (syn && !(seg->flags & TCP_FLAG_RST)) {
		if (c->state == TCP_SYN_RECEIVED && seq == c->irs)
			tcp_retransmit_head(c);
		else
			tcp_challenge_ack(c);
		return;
	}
	if (!tcp_acceptable(c, seq, span)) {
		st->stats[STAT_out_of_window]++;
		/* The peer's FIN again in TIME-WAIT: our last ACK was lost;
		 * it is sent again below and 2 MSL start anew (RFC 9293
		 * 3.10.7.4, as Linux). */
		if (c->state == TCP_TIME_WAIT && fin &&
		    seq + (uint32_t)len + 1 == c->rcv_nxt)
			tcp_enter_time_wait(c);
		if (!(seg->flags & TCP_FLAG_RST))
			tcp_stray_ack(c, seg);
		return;
	}
	/* RST (RFC 5961 3.2): only at exactly rcv_nxt; in the window but
	 * elsewhere it may be blind, and gets a challenge ACK. */
	if (seg->flags & TCP_FLAG_RST) {
		st->stats[STAT_in_rsts]++;
		if (seq != c->rcv_nxt) {
			tcp_challenge_ack(c);
			return;
		}
		tcp_set_state(c, TCP_EV_reset);
		tcp_conn_ended(c, c->state == TCP_TIME_WAIT ? 0 : ECONNRESET);
		return;
	}
	/* Timestamps: the most recent of what is in order (RFC 7323 4.3). */
	if (c->ts_ok && seg->opt.ts_ok && SEQ_LEQ(seq, c->last_ack_sent))
		c->ts_recent = seg->opt.tsval;
	/* What falls before rcv_nxt or past the window is cut away. */
	if (SEQ_LT(seq, c->rcv_nxt)) {
		uint32_t dup = c->rcv_nxt - seq;

		if (dup > len) {
			fin = fin && dup == len + 1;
			dup = (uint32_t)len;
		}
		data += dup;
		len -= dup;
		seq += dup;
	}
	if (len > 0 && SEQ_GT(seq + (uint32_t)len, c->rcv_adv)) {
		len = c->rcv_adv - seq;
		fin = false;
	}
	if (!tcp_ack_input(c, seg)) {
		tcp_output(c);
		return;
	}
	if (tcp_closing_states(c))
		return;
	if (!tcp_data_input(c, seq, data, len, fin))
		return;
	tcp_output(c);
}

void
tcp_input(struct ipnode *n, const struct ipv4_pkt *pkt, bool link_multicast)
{
	struct tcp_stack *st = tcp_stack_of(n);
	struct tcp_seg seg;
	enum tcp_check check = tcp_parse(pkt, &seg);
	struct tcp_conn *c;

	st->stats[tcp_check_stat[check]]++;
	if (check != TCP_ok) {
		st->stats[STAT_in_errs]++;
		trace_drop(n->trace, tcp_check_words[check]);
		return;
	}
	/* TCP is between two hosts only (RFC 1122 4.2.3.10). */
	if (link_multicast || ipnode_is_broadcast(n, seg.dst) ||
	    ipv4_is_multicast(seg.dst)) {
		st->stats[STAT_in_errs]++;
		trace_drop(n->trace, "TCP to a broadcast or multicast address");
		return;
	}
	c = tcp_lookup(st, seg.dst, seg.dport, seg.src, seg.sport);
	if (!c || c->state == TCP_CLOSED) {
		st->stats[STAT_no_socket]++;
		trace_note(n->trace, "no TCP socket for port %u: reset",
			   seg.dport);
		tcp_send_reset(st, &seg);
		return;
	}
	/* The transitions it causes are appended (tcp_set_state). */
	if (trace_noting(n->trace)) {
		char addr[IPV4_ADDR_STRLEN];

		trace_note(n->trace, "delivered to TCP %s:%u (%s",
			   ipv4_ntoa(seg.dst, addr), seg.dport,
			   tcp_state_names[c->state]);
	}
	switch (c->state) {
	case TCP_LISTEN:
		tcp_listen_input(c, &seg);
		break;
	case TCP_SYN_SENT:
		tcp_syn_sent_input(c, &seg);
		break;
	default:
		tcp_sync_input(c, &seg);
		break;
	}
	if (seg.len)
		trace_append(n->trace, "), %zu bytes", seg.len);
	else
		trace_append(n->trace, ")");
}

/* Go back to snd_una and send everything again in segments that fit the
 * path now (a smaller MSS after a path MTU drop). */
static void
tcp_go_back(struct tcp_conn *c)
{
	c->sent_len = 0;
	c->snd_nxt = c->snd_una;
	tcp_output(c);
}

int
tcp_icmp_error(struct ipnode *n, const struct sock_error *e)
{
	struct tcp_stack *st = tcp_stack_of(n);
	struct tcp_conn *c;
	uint16_t sport, dport;
	uint32_t seq;

	if (e->quote_len < 8)
		return -1;
	sport = (uint16_t)(e->quote[0] << 8 | e->quote[1]);
	dport = (uint16_t)(e->quote[2] << 8 | e->quote[3]);
	seq = (uint32_t)e->quote[4] << 24 | (uint32_t)e->quote[5] << 16 |
	      (uint32_t)e->quote[6] << 8 | e->quote[7];
	c = tcp_lookup(st, e->src, sport, e->dst, dport);
	if (!c || c->state == TCP_LISTEN || c->sock.raddr != e->dst)
		return -1;
	/* Only about a segment still in flight (RFC 5927 4.1). */
	if (SEQ_LT(seq, c->snd_una) || SEQ_GEQ(seq, c->snd_max))
		return -1;
	if (e->type == ICMP_TYPE_DEST_UNREACH &&
	    e->code == ICMP_CODE_FRAG_NEEDED) {
		uint32_t mtu = e->mtu ? e->mtu : 576;
		uint32_t mss =
		    mtu - IPV4_HDR_LEN - TCP_HDR_LEN - (c->ts_ok ? 12 : 0);

		/* RFC 1191: a smaller MSS, and what was lost goes again. */
		if (mtu >= 68 + 40 && mss < c->mss) {
			c->mss = (uint16_t)mss;
			st->stats[STAT_pmtu_updates]++;
			tcp_go_back(c);
		}
		return 0;
	}
	/* Protocol and port unreachable are hard errors (RFC 1122
	 * 4.2.3.9); the rest are soft: the timers decide. */
	if (e->type == ICMP_TYPE_DEST_UNREACH &&
	    (e->code == ICMP_CODE_PROTO_UNREACH ||
	     e->code == ICMP_CODE_PORT_UNREACH)) {
		if (c->state == TCP_SYN_SENT)
			st->stats[STAT_attempt_fails]++;
		tcp_set_state(c, TCP_EV_reset);
		tcp_conn_ended(c, ECONNREFUSED);
	}
	return 0;
}

const struct ipnode_proto tcp_proto = {
    .num = IPV4_PROTO_TCP,
    .input = tcp_input,
    .error = tcp_icmp_error,
    .describe_tx = tcp_describe_tx,
};
