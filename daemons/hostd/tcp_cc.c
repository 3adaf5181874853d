/*
 * Congestion control, byte-counted: slow start and congestion avoidance
 * with NewReno's reaction to loss (RFC 5681, RFC 6582), or CUBIC's window
 * growth (RFC 9438, the default, as in Linux). Recovery itself (which
 * segments to resend) is in tcp_input.c and tcp_sack.c; here is only how
 * the window moves.
 */
#include "tcp.h"

#include <math.h>

#define TCP_CWND_MAX (64u * 1024 * 1024)
#define CUBIC_C 0.4    /* RFC 9438 4.1 */
#define CUBIC_BETA 0.7 /* RFC 9438 4.6 */

static uint32_t
tcp_flight(const struct tcp_conn *c)
{
	return c->snd_max - c->snd_una;
}

static uint32_t
tcp_at_least_two(const struct tcp_conn *c, double bytes)
{
	double two = 2.0 * c->mss;

	return (uint32_t)(bytes > two ? bytes : two);
}

void
tcp_cc_init(struct tcp_conn *c)
{
	c->cwnd = TCP_INIT_CWND * (uint32_t)c->mss;
	c->ssthresh = UINT32_MAX;
	c->bytes_acked = 0;
	c->cubic_wmax = 0;
	c->cubic_epoch = -1;
}

/* CUBIC's window in segments t seconds into the epoch (RFC 9438 4.2). */
static double
tcp_cubic_w(const struct tcp_conn *c, double t)
{
	double d = t - c->cubic_k;

	return CUBIC_C * d * d * d + c->cubic_wmax;
}

static void
tcp_cubic_ack(struct tcp_conn *c, uint32_t acked)
{
	double now = tcp_now(c->stack), mss = c->mss;
	double cwnd = c->cwnd / mss, rtt = c->rtt_valid ? c->srtt : 0.1;
	double target, w_cubic;

	if (c->cubic_epoch < 0) {
		/* A new epoch: from the window at the last loss, or, with
		 * none yet, from where the window is now. */
		c->cubic_epoch = now;
		if (c->cubic_wmax < cwnd) {
			c->cubic_wmax = cwnd;
			c->cubic_k = 0;
		} else {
			c->cubic_k =
			    cbrt(c->cubic_wmax * (1 - CUBIC_BETA) / CUBIC_C);
		}
		c->cubic_west = cwnd;
	}
	/* The Reno-friendly estimate (RFC 9438 4.3). */
	c->cubic_west +=
	    3 * (1 - CUBIC_BETA) / (1 + CUBIC_BETA) * (acked / mss) / cwnd;
	w_cubic = tcp_cubic_w(c, now - c->cubic_epoch);
	if (w_cubic < c->cubic_west) {
		c->cwnd = (uint32_t)(c->cubic_west * mss);
		return;
	}
	/* Concave and convex regions: toward the window one RTT ahead,
	 * at most half as much again (RFC 9438 4.4, 4.5). */
	target = tcp_cubic_w(c, now - c->cubic_epoch + rtt);
	if (target < cwnd)
		target = cwnd;
	if (target > 1.5 * cwnd)
		target = 1.5 * cwnd;
	c->bytes_acked += (uint32_t)((target - cwnd) / cwnd * acked);
	if (c->bytes_acked >= c->mss) {
		c->cwnd += c->bytes_acked / c->mss * c->mss;
		c->bytes_acked %= c->mss;
	}
}

/*
 * Whether the window was what held the sender back (RFC 7661's idea, as
 * Linux's tcp_is_cwnd_limited): a window the application or the peer's
 * receive window leaves unused is not grown, or it would balloon with
 * nothing to show for it and flood the path once the data is there. In
 * slow start, a flight of half the window is enough.
 */
static bool
tcp_cwnd_limited(const struct tcp_conn *c, uint32_t acked)
{
	uint64_t flight = (uint64_t)tcp_flight(c) + acked; /* before the ACK */

	if (c->cwnd < c->ssthresh)
		return 2 * flight >= c->cwnd;
	return flight + 3u * c->mss >= c->cwnd;
}

void
tcp_cc_ack(struct tcp_conn *c, uint32_t acked)
{
	if (!tcp_cwnd_limited(c, acked))
		return;
	if (c->cwnd < c->ssthresh) {
		/* Slow start, counting bytes (RFC 3465, L = 2). */
		c->cwnd += acked < 2u * c->mss ? acked : 2u * c->mss;
	} else if (c->stack->cc == TCP_CC_CUBIC) {
		tcp_cubic_ack(c, acked);
	} else {
		/* One segment per window's worth acknowledged. */
		c->bytes_acked += acked;
		if (c->bytes_acked >= c->cwnd) {
			c->bytes_acked -= c->cwnd;
			c->cwnd += c->mss;
		}
	}
	if (c->cwnd > TCP_CWND_MAX)
		c->cwnd = TCP_CWND_MAX;
}

/* The window after a loss: half the flight (Reno), or beta of the window
 * with CUBIC's fast convergence (RFC 9438 4.6, 4.7). */
static uint32_t
tcp_cc_reduced(struct tcp_conn *c)
{
	double cwnd = c->cwnd / (double)c->mss;

	if (c->stack->cc == TCP_CC_RENO)
		return tcp_at_least_two(c, tcp_flight(c) / 2.0);
	if (cwnd < c->cubic_wmax)
		c->cubic_wmax = cwnd * (1 + CUBIC_BETA) / 2;
	else
		c->cubic_wmax = cwnd;
	c->cubic_k = cbrt(c->cubic_wmax * (1 - CUBIC_BETA) / CUBIC_C);
	c->cubic_epoch = -1;
	c->bytes_acked = 0;
	return tcp_at_least_two(c, c->cwnd * CUBIC_BETA);
}

void
tcp_cc_enter_recovery(struct tcp_conn *c)
{
	c->ssthresh = tcp_cc_reduced(c);
	c->cwnd = c->ssthresh;
	c->in_recovery = true;
	c->recover = c->snd_max;
	c->high_rxt = c->snd_una;
}

void
tcp_cc_exit_recovery(struct tcp_conn *c)
{
	uint32_t flight = tcp_flight(c);
	uint32_t deflated = (flight > c->mss ? flight : c->mss) + c->mss;

	/* RFC 6582 3.2 (3): no burst out of recovery. */
	c->cwnd = c->ssthresh < deflated ? c->ssthresh : deflated;
	c->in_recovery = false;
	c->dupacks = 0;
}

void
tcp_cc_timeout(struct tcp_conn *c)
{
	/* The loss window is one segment (RFC 5681 3.1). */
	c->ssthresh = tcp_cc_reduced(c);
	c->cwnd = c->mss;
	c->in_recovery = false;
	c->dupacks = 0;
	c->bytes_acked = 0;
}
