/*
 * TCP's connection life, segment by segment through an in-memory port
 * with a test clock: the handshakes, every state transition, data and
 * delayed ACKs, the closes, TIME-WAIT, RSTs for closed ports, and the
 * hardening of RFC 5961 and PAWS.
 */
#include "tcp_harness.h"

#define PAYLOAD 1000

static const struct tcp_opts all_opts = {.mss_ok = true,
					 .mss = 1460,
					 .ws_ok = true,
					 .ws = 2,
					 .sack_ok = true,
					 .ts_ok = true,
					 .tsval = 5000};

static void
test_active_open_negotiates_options(void **state)
{
	struct fixture *f = *state;
	struct tcp_conn *c =
	    tcp_connect(&f->h.tcp, 0, 0, PEER, 80, &own_ops, &f->o);
	struct tcp_opts o = all_opts;
	struct tcp_seg s;

	assert_non_null(c);
	assert_int_equal(c->state, TCP_SYN_SENT);
	assert_true(c->sock.lport >= SOCK_EPHEMERAL_MIN);
	s = next_seg(f);
	assert_int_equal(s.flags, TCP_FLAG_SYN);
	assert_true(s.opt.mss_ok);
	assert_int_equal(s.opt.mss, 1460);
	assert_true(s.opt.ws_ok);
	assert_int_equal(s.opt.ws, TCP_WSCALE);
	assert_true(s.opt.sack_ok);
	assert_true(s.opt.ts_ok);
	f->pport = 80;
	f->uport = c->sock.lport;
	o.tsecr = s.opt.tsval;
	peer_send_opts(f, TCP_FLAG_SYN | TCP_FLAG_ACK, PEER_ISS, s.seq + 1,
		       1000, NULL, 0, &o);
	assert_int_equal(c->state, TCP_ESTABLISHED);
	assert_int_equal(f->o.connected, 1);
	assert_true(c->ws_ok && c->sack_ok && c->ts_ok);
	assert_int_equal(c->snd_wscale, 2);
	/* The SYN-ACK's window is never scaled. */
	assert_int_equal(c->snd_wnd, 1000);
	assert_int_equal(c->mss, 1460 - 12);
	s = next_seg(f);
	assert_int_equal(s.flags, TCP_FLAG_ACK);
	assert_int_equal(s.ack, PEER_ISS + 1);
	assert_int_equal(s.opt.tsecr, 5000);
	assert_int_equal(f->h.tcp.stats[STAT_active_opens], 1);
	tcp_close(c);
}

static void
test_passive_open_and_accept(void **state)
{
	struct fixture *f = *state;
	struct owner lo = {0};
	struct tcp_conn *l = tcp_listen(&f->h.tcp, 0, 80, 2, &own_ops, &lo);
	struct tcp_opts o = {.mss_ok = true, .mss = 1000};
	struct tcp_conn *c;
	struct tcp_seg s;

	assert_non_null(l);
	assert_int_equal(l->state, TCP_LISTEN);
	/* A second listener on the port is refused. */
	assert_null(tcp_listen(&f->h.tcp, US, 80, 2, &own_ops, &lo));
	assert_int_equal(errno, EADDRINUSE);
	f->pport = PEER_PORT;
	f->uport = 80;
	peer_send_opts(f, TCP_FLAG_SYN, PEER_ISS, 0, 8000, NULL, 0, &o);
	s = next_seg(f);
	assert_int_equal(s.flags, TCP_FLAG_SYN | TCP_FLAG_ACK);
	assert_int_equal(s.ack, PEER_ISS + 1);
	/* Only what the peer offered is answered. */
	assert_true(s.opt.mss_ok);
	assert_false(s.opt.ws_ok);
	assert_false(s.opt.sack_ok);
	assert_false(s.opt.ts_ok);
	assert_int_equal(l->syn_count, 1);
	/* The peer's SYN again (our SYN-ACK was lost): the SYN-ACK again,
	 * the same one. */
	peer_send_opts(f, TCP_FLAG_SYN, PEER_ISS, 0, 8000, NULL, 0, &o);
	assert_int_equal(next_seg(f).flags, TCP_FLAG_SYN | TCP_FLAG_ACK);
	assert_int_equal(l->syn_count, 1);
	assert_int_equal(f->h.tcp.stats[STAT_challenge_acks], 0);
	assert_int_equal(lo.accepted, 0);
	peer_send(f, TCP_FLAG_ACK, PEER_ISS + 1, s.seq + 1, 8000, 0);
	assert_int_equal(lo.accepted, 1);
	assert_int_equal(l->syn_count, 0);
	assert_int_equal(l->accept_count, 1);
	/* A new connected socket, the listener stays as it was. */
	c = tcp_accept(l, &own_ops, &f->o);
	assert_non_null(c);
	assert_ptr_not_equal(c, l);
	assert_int_equal(c->state, TCP_ESTABLISHED);
	assert_int_equal(c->mss, 1000);
	assert_int_equal(l->state, TCP_LISTEN);
	assert_null(tcp_accept(l, &own_ops, &f->o));
	assert_int_equal(f->h.tcp.stats[STAT_passive_opens], 1);
	tcp_close(c);
	tcp_close(l);
}

static void
test_data_both_ways_and_delayed_ack(void **state)
{
	struct fixture *f = *state;
	struct tcp_conn *c = establish(f, NULL);
	uint8_t buf[4000];
	struct tcp_seg s;

	memset(buf, 'x', sizeof(buf));
	assert_int_equal(tcp_send(c, buf, 3000), 3000);
	/* Three segments of the peer's MSS at most, within the window. */
	assert_int_equal(news(f), 3);
	s = next_seg(f);
	assert_int_equal(s.len, 1460);
	assert_int_equal(s.seq, c->iss + 1);
	s = next_seg(f);
	s = next_seg(f);
	assert_int_equal(s.len, 80);
	assert_true(s.flags & TCP_FLAG_PSH);
	peer_send(f, TCP_FLAG_ACK, PEER_ISS + 1, c->iss + 3001, 65535, 0);
	assert_int_equal(c->snd_una, c->iss + 3001);
	assert_int_equal(c->snd.len, 0);
	assert_true(f->o.writable > 0);
	/* One segment from the peer: the ACK waits, at most 40 ms. */
	peer_send(f, TCP_FLAG_ACK, PEER_ISS + 1, c->iss + 3001, 65535, PAYLOAD);
	assert_int_equal(f->o.readable, 1);
	assert_int_equal(news(f), 0);
	advance(f, 0.05);
	s = next_seg(f);
	assert_int_equal(s.ack, PEER_ISS + 1 + PAYLOAD);
	/* Two segments: acknowledged at once. */
	peer_send(f, TCP_FLAG_ACK, PEER_ISS + 1 + PAYLOAD, c->iss + 3001, 65535,
		  PAYLOAD);
	assert_int_equal(news(f), 0);
	peer_send(f, TCP_FLAG_ACK, PEER_ISS + 1 + 2 * PAYLOAD, c->iss + 3001,
		  65535, PAYLOAD);
	assert_int_equal(news(f), 1);
	s = next_seg(f);
	assert_int_equal(s.ack, PEER_ISS + 1 + 3 * PAYLOAD);
	assert_int_equal(tcp_recv(c, buf, sizeof(buf)), 3 * PAYLOAD);
	assert_int_equal(buf[0], 0);
	assert_int_equal(buf[PAYLOAD - 1], (PAYLOAD - 1) % 251);
	tcp_close(c);
}

/* Active close: FIN-WAIT-1, FIN-WAIT-2, TIME-WAIT for 2 MSL, CLOSED. */
static void
test_active_close_and_time_wait(void **state)
{
	struct fixture *f = *state;
	struct tcp_conn *c = establish(f, NULL);
	uint32_t fin_seq = c->snd_nxt;
	struct tcp_seg s;

	f->h.tcp.msl = 1.0;
	tcp_shutdown(c);
	assert_int_equal(c->state, TCP_FIN_WAIT_1);
	s = next_seg(f);
	assert_true(s.flags & TCP_FLAG_FIN);
	assert_int_equal(s.seq, fin_seq);
	peer_send(f, TCP_FLAG_ACK, PEER_ISS + 1, fin_seq + 1, 65535, 0);
	assert_int_equal(c->state, TCP_FIN_WAIT_2);
	/* Data still flows the other way (half-close). */
	peer_send(f, TCP_FLAG_ACK | TCP_FLAG_PSH, PEER_ISS + 1, fin_seq + 1,
		  65535, 100);
	assert_int_equal(tcp_recv_avail(c), 100);
	peer_send(f, TCP_FLAG_ACK | TCP_FLAG_FIN, PEER_ISS + 101, fin_seq + 1,
		  65535, 0);
	assert_int_equal(c->state, TCP_TIME_WAIT);
	s = next_seg(f);
	assert_int_equal(s.ack, PEER_ISS + 102);
	assert_int_equal(f->o.closed, 0);
	/* A retransmitted FIN, a second on: acknowledged again, and 2 MSL
	 * start anew. */
	advance(f, 1.0);
	peer_send(f, TCP_FLAG_ACK | TCP_FLAG_FIN, PEER_ISS + 101, fin_seq + 1,
		  65535, 0);
	assert_int_equal(news(f), 1);
	advance(f, 1.9);
	assert_int_equal(c->state, TCP_TIME_WAIT);
	advance(f, 0.2);
	assert_int_equal(c->state, TCP_CLOSED);
	assert_int_equal(f->o.closed, 1);
	assert_int_equal(f->o.err, 0);
	tcp_close(c);
}

/* Passive close: CLOSE-WAIT, then LAST-ACK, then CLOSED. */
static void
test_passive_close(void **state)
{
	struct fixture *f = *state;
	struct tcp_conn *c = establish(f, NULL);
	struct tcp_seg s;

	peer_send(f, TCP_FLAG_ACK | TCP_FLAG_FIN, PEER_ISS + 1, c->snd_nxt,
		  65535, 0);
	assert_int_equal(c->state, TCP_CLOSE_WAIT);
	assert_true(tcp_recv_eof(c));
	s = next_seg(f);
	assert_int_equal(s.ack, PEER_ISS + 2);
	tcp_close(c); /* the owner lets go: FIN, then the stack finishes */
	assert_int_equal(c->state, TCP_LAST_ACK);
	s = next_seg(f);
	assert_true(s.flags & TCP_FLAG_FIN);
	peer_send(f, TCP_FLAG_ACK, PEER_ISS + 2, s.seq + 1, 65535, 0);
	/* Freed: nothing is left of it. */
	assert_null(f->h.tcp.conns);
	assert_null(f->h.node.socks.list);
}

/* Both close at once: FIN-WAIT-1, CLOSING, TIME-WAIT. */
static void
test_simultaneous_close(void **state)
{
	struct fixture *f = *state;
	struct tcp_conn *c = establish(f, NULL);
	uint32_t fin_seq = c->snd_nxt;

	tcp_shutdown(c);
	peer_send(f, TCP_FLAG_ACK | TCP_FLAG_FIN, PEER_ISS + 1, fin_seq, 65535,
		  0);
	assert_int_equal(c->state, TCP_CLOSING);
	peer_send(f, TCP_FLAG_ACK, PEER_ISS + 2, fin_seq + 1, 65535, 0);
	assert_int_equal(c->state, TCP_TIME_WAIT);
	tcp_close(c);
}

/* Both open at once: SYN-SENT, SYN-RECEIVED, ESTABLISHED. */
static void
test_simultaneous_open(void **state)
{
	struct fixture *f = *state;
	struct tcp_conn *c =
	    tcp_connect(&f->h.tcp, 0, 0, PEER, 80, &own_ops, &f->o);
	struct tcp_opts o = {.mss_ok = true, .mss = 1460};
	struct tcp_seg syn, s;

	f->pport = 80;
	f->uport = c->sock.lport;
	syn = next_seg(f);
	peer_send_opts(f, TCP_FLAG_SYN, PEER_ISS, 0, 65535, NULL, 0, &o);
	assert_int_equal(c->state, TCP_SYN_RECEIVED);
	s = next_seg(f);
	assert_int_equal(s.flags, TCP_FLAG_SYN | TCP_FLAG_ACK);
	assert_int_equal(s.seq, syn.seq);
	assert_int_equal(s.ack, PEER_ISS + 1);
	peer_send(f, TCP_FLAG_ACK, PEER_ISS + 1, syn.seq + 1, 65535, 0);
	assert_int_equal(c->state, TCP_ESTABLISHED);
	assert_int_equal(f->o.connected, 1);
	tcp_close(c);
}

/* A segment to a port nobody listens on gets a RST (RFC 9293 3.10.7.1);
 * a RST to it, nothing. */
static void
test_reset_for_closed_port(void **state)
{
	struct fixture *f = *state;
	struct tcp_seg s;

	f->pport = PEER_PORT;
	f->uport = 9;
	peer_send(f, TCP_FLAG_SYN, PEER_ISS, 0, 65535, 0);
	s = next_seg(f);
	assert_int_equal(s.flags, TCP_FLAG_RST | TCP_FLAG_ACK);
	assert_int_equal(s.seq, 0);
	assert_int_equal(s.ack, PEER_ISS + 1);
	peer_send(f, TCP_FLAG_ACK, PEER_ISS, 777, 65535, 10);
	s = next_seg(f);
	assert_int_equal(s.flags, TCP_FLAG_RST);
	assert_int_equal(s.seq, 777);
	peer_send(f, TCP_FLAG_RST, PEER_ISS, 0, 0, 0);
	assert_int_equal(news(f), 0);
	assert_int_equal(f->h.tcp.stats[STAT_out_rsts], 2);
}

/* A connect answered with a RST: refused. */
static void
test_connect_refused(void **state)
{
	struct fixture *f = *state;
	struct tcp_conn *c =
	    tcp_connect(&f->h.tcp, 0, 0, PEER, 80, &own_ops, &f->o);
	struct tcp_seg syn = next_seg(f);

	f->pport = 80;
	f->uport = c->sock.lport;
	/* A RST whose ACK does not acknowledge our SYN means nothing. */
	peer_send(f, TCP_FLAG_RST | TCP_FLAG_ACK, 0, syn.seq + 5, 0, 0);
	assert_int_equal(c->state, TCP_SYN_SENT);
	peer_send(f, TCP_FLAG_RST | TCP_FLAG_ACK, 0, syn.seq + 1, 0, 0);
	assert_int_equal(c->state, TCP_CLOSED);
	assert_int_equal(f->o.closed, 1);
	assert_int_equal(f->o.err, ECONNREFUSED);
	assert_int_equal(f->h.tcp.stats[STAT_attempt_fails], 1);
	tcp_close(c);
}

/* RFC 5961: a RST elsewhere in the window and a SYN get a challenge ACK
 * and change nothing; only a RST at rcv_nxt resets; an ACK for data never
 * sent is answered and dropped. */
static void
test_rfc5961_hardening(void **state)
{
	struct fixture *f = *state;
	struct tcp_conn *c = establish(f, NULL);
	struct tcp_seg s;

	peer_send(f, TCP_FLAG_RST, PEER_ISS + 100, 0, 0, 0);
	assert_int_equal(c->state, TCP_ESTABLISHED);
	s = next_seg(f);
	assert_int_equal(s.flags, TCP_FLAG_ACK);
	assert_int_equal(s.ack, PEER_ISS + 1);
	peer_send(f, TCP_FLAG_SYN, PEER_ISS + 5, 0, 65535, 0);
	assert_int_equal(c->state, TCP_ESTABLISHED);
	assert_int_equal(news(f), 1);
	skip_sent(f);
	assert_int_equal(f->h.tcp.stats[STAT_challenge_acks], 2);
	/* A SYN far outside the window: a challenge ACK all the same. */
	peer_send(f, TCP_FLAG_SYN, PEER_ISS + 0x40000000u, 0, 65535, 0);
	assert_int_equal(c->state, TCP_ESTABLISHED);
	s = next_seg(f);
	assert_int_equal(s.flags, TCP_FLAG_ACK);
	assert_int_equal(s.ack, PEER_ISS + 1);
	assert_int_equal(f->h.tcp.stats[STAT_challenge_acks], 3);
	assert_int_equal(f->h.tcp.stats[STAT_out_of_window], 0);
	/* Outside the window: dropped, answered with a plain ACK. */
	peer_send(f, TCP_FLAG_RST, PEER_ISS + 200000, 0, 0, 0);
	assert_int_equal(c->state, TCP_ESTABLISHED);
	assert_int_equal(f->h.tcp.stats[STAT_out_of_window], 1);
	peer_send(f, TCP_FLAG_ACK, PEER_ISS + 1, c->snd_nxt + 1000, 65535, 0);
	assert_int_equal(f->h.tcp.stats[STAT_ack_unsent], 1);
	assert_int_equal(c->snd_una, c->snd_nxt);
	skip_sent(f);
	peer_send(f, TCP_FLAG_RST, PEER_ISS + 1, 0, 0, 0);
	assert_int_equal(c->state, TCP_CLOSED);
	assert_int_equal(f->o.err, ECONNRESET);
	assert_int_equal(f->h.tcp.stats[STAT_estab_resets], 1);
	tcp_close(c);
}

/* Challenge ACKs are rate-limited. */
static void
test_challenge_ack_limit(void **state)
{
	struct fixture *f = *state;

	establish(f, NULL);
	for (int i = 0; i < 1500; i++)
		peer_send(f, TCP_FLAG_SYN, PEER_ISS + 7, 0, 65535, 0);
	assert_int_equal(f->h.tcp.stats[STAT_challenge_acks],
			 (uint64_t)TCP_CHALLENGE_RATE);
	assert_int_equal(f->h.tcp.stats[STAT_challenge_acks_limited], 500);
	tcp_close(f->c);
}

/* PAWS (RFC 7323 5): an older timestamp is an old duplicate, dropped. */
static void
test_paws(void **state)
{
	struct fixture *f = *state;
	struct tcp_opts o = all_opts;
	struct tcp_conn *c = establish(f, &all_opts);

	o.mss_ok = o.ws_ok = o.sack_ok = false;
	o.tsval = 6000;
	peer_send_opts(f, TCP_FLAG_ACK, PEER_ISS + 1, c->snd_nxt, 65535, NULL,
		       100, &o);
	assert_int_equal(tcp_recv_avail(c), 100);
	assert_int_equal(c->ts_recent, 6000);
	o.tsval = 5999;
	peer_send_opts(f, TCP_FLAG_ACK, PEER_ISS + 101, c->snd_nxt, 65535, NULL,
		       100, &o);
	assert_int_equal(tcp_recv_avail(c), 100);
	assert_int_equal(f->h.tcp.stats[STAT_paws_rejected], 1);
	tcp_close(c);
}

/* A SYN to a TIME-WAIT connection with a higher sequence number starts a
 * new connection with the listener. */
static void
test_time_wait_reuse(void **state)
{
	struct fixture *f = *state;
	struct owner lo = {0};
	struct tcp_conn *l = tcp_listen(&f->h.tcp, 0, 80, 4, &own_ops, &lo);
	struct tcp_conn *c;
	struct tcp_seg s;

	f->pport = PEER_PORT;
	f->uport = 80;
	peer_send(f, TCP_FLAG_SYN, PEER_ISS, 0, 65535, 0);
	s = next_seg(f);
	peer_send(f, TCP_FLAG_ACK, PEER_ISS + 1, s.seq + 1, 65535, 0);
	c = tcp_accept(l, &own_ops, &f->o);
	tcp_shutdown(c);
	s = next_seg(f);
	peer_send(f, TCP_FLAG_ACK | TCP_FLAG_FIN, PEER_ISS + 1, s.seq + 1,
		  65535, 0);
	assert_int_equal(c->state, TCP_TIME_WAIT);
	tcp_close(c);
	skip_sent(f);
	peer_send(f, TCP_FLAG_SYN, PEER_ISS + 100000, 0, 65535, 0);
	s = next_seg(f);
	assert_int_equal(s.flags, TCP_FLAG_SYN | TCP_FLAG_ACK);
	assert_int_equal(s.ack, PEER_ISS + 100001);
	assert_int_equal(f->h.tcp.stats[STAT_time_wait_reused], 1);
	tcp_close(l);
}

/* The SYN queue is bounded: the oldest half-open connection gives way. */
static void
test_syn_flood_keeps_listener_serving(void **state)
{
	struct fixture *f = *state;
	struct owner lo = {0};
	struct tcp_conn *l = tcp_listen(&f->h.tcp, 0, 80, 4, &own_ops, &lo);
	struct tcp_seg s;

	f->uport = 80;
	for (int i = 0; i < 200; i++) {
		f->pport = (uint16_t)(1000 + i);
		peer_send(f, TCP_FLAG_SYN, PEER_ISS + (uint32_t)i, 0, 65535, 0);
	}
	assert_true(l->syn_count <= 64);
	assert_int_equal(f->h.tcp.stats[STAT_syn_queue_overflow], 200 - 64);
	/* A real client still gets in. */
	skip_sent(f);
	f->pport = 5555;
	peer_send(f, TCP_FLAG_SYN, 42, 0, 65535, 0);
	s = next_seg(f);
	peer_send(f, TCP_FLAG_ACK, 43, s.seq + 1, 65535, 0);
	assert_int_equal(lo.accepted, 1);
	assert_non_null(tcp_accept(l, &own_ops, &f->o));
	tcp_close(l);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn)                                                                  \
	cmocka_unit_test_setup_teardown(fn, harness_setup, harness_teardown)
	    T(test_active_open_negotiates_options),
	    T(test_passive_open_and_accept),
	    T(test_data_both_ways_and_delayed_ack),
	    T(test_active_close_and_time_wait),
	    T(test_passive_close),
	    T(test_simultaneous_close),
	    T(test_simultaneous_open),
	    T(test_reset_for_closed_port),
	    T(test_connect_refused),
	    T(test_rfc5961_hardening),
	    T(test_challenge_ack_limit),
	    T(test_paws),
	    T(test_time_wait_reuse),
	    T(test_syn_flood_keeps_listener_serving),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
