/*
 * TCP's timers as deadlines in each connection (retransmission or persist,
 * delayed ACK, TIME-WAIT), served by one timer of the stack set to the
 * earliest; without a loop (unit tests) tcp_timer_run() is called by hand.
 * RTO after RFC 6298, with Linux's 200 ms minimum.
 */
#include "tcp.h"

#include <errno.h>
#include <math.h>

static void
tcp_timer_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	(void)loop;
	(void)revents;
	tcp_timer_run(w->data);
}

void
tcp_timer_init(struct tcp_stack *st)
{
	ev_init(&st->timer, tcp_timer_cb);
	st->timer.data = st;
	st->timer_at = INFINITY;
}

double
tcp_next_deadline(const struct tcp_conn *c)
{
	double at = c->rto_at;

	if (c->dack_at < at)
		at = c->dack_at;
	if (c->tw_at < at)
		at = c->tw_at;
	return at;
}

void
tcp_timer_update(struct tcp_stack *st)
{
	double at = INFINITY, after;

	for (const struct tcp_conn *c = st->conns; c; c = c->next_conn) {
		double d = tcp_next_deadline(c);

		if (d < at)
			at = d;
	}
	st->timer_at = at;
	if (!st->node->loop)
		return;
	ev_timer_stop(st->node->loop, &st->timer);
	if (isinf(at))
		return;
	after = at - ev_now(st->node->loop);
	ev_timer_set(&st->timer, after > 0 ? after : 0, 0);
	ev_timer_start(st->node->loop, &st->timer);
}

void
tcp_rto_arm(struct tcp_conn *c)
{
	c->rto_at = tcp_now(c->stack) + c->rto;
}

void
tcp_rtt_sample(struct tcp_conn *c, double rtt)
{
	if (rtt < 0)
		return;
	if (!c->rtt_valid) {
		c->srtt = rtt;
		c->rttvar = rtt / 2;
		c->rtt_valid = true;
	} else {
		c->rttvar = 0.75 * c->rttvar + 0.25 * fabs(c->srtt - rtt);
		c->srtt = 0.875 * c->srtt + 0.125 * rtt;
	}
	/* G, the clock granularity, is a microsecond here: negligible. */
	c->rto = c->srtt + 4 * c->rttvar;
	if (c->rto < TCP_RTO_MIN)
		c->rto = TCP_RTO_MIN;
	if (c->rto > TCP_RTO_MAX)
		c->rto = TCP_RTO_MAX;
}

void
tcp_ack_later(struct tcp_conn *c)
{
	/* Every second full-sized segment is acknowledged at once (RFC
	 * 1122 4.2.3.2), the rest within TCP_DELACK. */
	if (++c->segs_unacked >= 2 || c->ack_now) {
		tcp_send_ack(c);
		return;
	}
	if (isinf(c->dack_at)) {
		c->dack_at = tcp_now(c->stack) + TCP_DELACK;
		c->stack->stats[STAT_delayed_acks]++;
		tcp_timer_update(c->stack);
	}
}

/* The retransmission timer of a connection expired (RFC 6298 5.4-5.7). */
static void
tcp_rto_expired(struct tcp_conn *c)
{
	struct tcp_stack *st = c->stack;
	bool syn = c->state == TCP_SYN_SENT || c->state == TCP_SYN_RECEIVED;
	int limit = c->state == TCP_SYN_SENT	   ? TCP_SYN_RETRIES
		    : c->state == TCP_SYN_RECEIVED ? TCP_SYNACK_RETRIES
						   : TCP_DATA_RETRIES;

	c->rto_at = INFINITY;
	if (c->persist) {
		/* The window still keeps the data back: probe again,
		 * backing off from the RTO, which stays as it is for the
		 * data. Probing goes on as long as the peer answers (RFC
		 * 1122 4.2.2.17); unanswered, it gives up after as many
		 * probes as data gets retransmissions, as Linux does. */
		double wait;

		if (tcp_persist_probe(c)) {
			/* Data left: it has the retransmission timer. */
			c->persist = false;
			c->probes = 0;
			return;
		}
		if (++c->probes > TCP_DATA_RETRIES) {
			tcp_set_state(c, TCP_EV_timeout);
			tcp_conn_ended(c, ETIMEDOUT);
			return;
		}
		if (c->backoff < 16)
			c->backoff++;
		wait = ldexp(c->rto, c->backoff);
		c->rto_at =
		    tcp_now(st) + (wait > TCP_RTO_MAX ? TCP_RTO_MAX : wait);
		return;
	}
	if (c->sent_len == 0) {
		/* Nothing is in flight since a go-back stopped at a closed
		 * window: what waits goes now, or that window is probed. */
		tcp_output(c);
		return;
	}
	if (c->backoff >= limit) {
		if (c->state == TCP_SYN_SENT)
			st->stats[STAT_attempt_fails]++;
		tcp_set_state(c, TCP_EV_timeout);
		tcp_conn_ended(c, ETIMEDOUT);
		return;
	}
	c->backoff++;
	st->stats[syn ? STAT_syn_retrans : STAT_timeouts]++;
	c->rto = c->rto * 2 > TCP_RTO_MAX ? TCP_RTO_MAX : c->rto * 2;
	if (syn) {
		tcp_retransmit_head(c);
	} else {
		/* Start over from the oldest unacknowledged byte in slow
		 * start; what the peer already has it acknowledges. */
		tcp_cc_timeout(c);
		c->sent_len = 0;
		c->snd_nxt = c->snd_una;
		tcp_output(c);
	}
	tcp_rto_arm(c);
}

/* TIME-WAIT ran out, or an orphan waited in FIN-WAIT-2 long enough. */
static void
tcp_tw_expired(struct tcp_conn *c)
{
	c->tw_at = INFINITY;
	tcp_set_state(c, TCP_EV_timeout);
	tcp_conn_ended(c, 0);
}

void
tcp_timer_run(struct tcp_stack *st)
{
	double now = tcp_now(st);
	bool again = true;

	/* A timer may fire a hair before its deadline: allow a millisecond.
	 * What one expiry does can free other connections: rescan. */
	while (again) {
		again = false;
		for (struct tcp_conn *c = st->conns; c; c = c->next_conn) {
			if (c->tw_at <= now + 1e-3) {
				tcp_tw_expired(c);
				again = true;
				break;
			}
			if (c->dack_at <= now + 1e-3) {
				c->dack_at = INFINITY;
				tcp_send_ack(c);
			}
			if (c->rto_at <= now + 1e-3) {
				tcp_rto_expired(c);
				again = true;
				break;
			}
		}
	}
	tcp_timer_update(st);
}
