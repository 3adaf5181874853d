/*
 * TCP when things go wrong, segment by segment with a test clock:
 * retransmission and its backoff (RFC 6298), fast retransmit and NewReno
 * (RFC 5681, 6582), SACK recovery (RFC 2018, 6675), a zero window and
 * its probes, path MTU discovery (RFC 1191), and the receiver's
 * out-of-order queue with its SACK blocks.
 */
#include "tcp_harness.h"

#define MSS 1460

/* Queues n full segments and returns the seq of the first. */
static uint32_t
send_segments(struct fixture *f, struct tcp_conn *c, int n)
{
	static uint8_t buf[100 * MSS];
	uint32_t first = c->snd_nxt;

	assert_int_equal(tcp_send(c, buf, (size_t)n * MSS), (size_t)n * MSS);
	skip_sent(f);
	return first;
}

/* An ACK from the peer for ack, with SACK blocks [s, e) (nsack of them). */
static void
peer_ack(struct fixture *f, uint32_t ack, int nsack, const uint32_t *blocks)
{
	struct tcp_opts o = {0};

	o.nsack = nsack;
	for (int i = 0; i < nsack; i++) {
		o.sack[i][0] = blocks[2 * i];
		o.sack[i][1] = blocks[2 * i + 1];
	}
	peer_send_opts(f, TCP_FLAG_ACK, PEER_ISS + 1, ack, 65535, NULL, 0,
		       nsack ? &o : NULL);
}

static void
test_syn_retransmission_gives_up_like_linux(void **state)
{
	struct fixture *f = *state;
	struct tcp_conn *c =
	    tcp_connect(&f->h.tcp, 0, 0, PEER, 80, &own_ops, &f->o);
	double waits[] = {1, 2, 4, 8, 16, 32};
	double total = 0;

	skip_sent(f);
	for (size_t i = 0; i < 6; i++) {
		advance(f, waits[i] - 0.01);
		assert_int_equal(news(f), 0);
		advance(f, 0.02);
		assert_int_equal(news(f), 1);
		assert_int_equal(next_seg(f).flags, TCP_FLAG_SYN);
		total += waits[i];
	}
	/* After the sixth, 64 s more: 127 s in all. */
	advance(f, 63.9);
	assert_int_equal(c->state, TCP_SYN_SENT);
	advance(f, 0.2);
	assert_int_equal(c->state, TCP_CLOSED);
	assert_int_equal(f->o.err, ETIMEDOUT);
	assert_true(total + 64 > 126 && total + 64 < 128);
	assert_int_equal(f->h.tcp.stats[STAT_syn_retrans], 6);
	tcp_close(c);
}

static void
test_rto_backoff_and_karn(void **state)
{
	struct fixture *f = *state;
	struct tcp_conn *c = establish(f, NULL);
	uint32_t first;
	double rto;
	struct tcp_seg s;

	/* The handshake took no time: srtt 0, rttvar 0, and the RTO is
	 * held at its floor. */
	assert_true(c->rtt_valid);
	assert_true(c->rto > TCP_RTO_MIN - 1e-9 && c->rto < TCP_RTO_MIN + 1e-9);
	/* A sample of 190 ms, inside that floor: rttvar 0.0475, srtt
	 * 0.02375, RTO 0.02375 + 4 * 0.0475. */
	first = send_segments(f, c, 1);
	advance(f, 0.19);
	peer_ack(f, first + MSS, 0, NULL);
	assert_true(c->srtt > 0.0237 && c->srtt < 0.0238);
	assert_true(c->rto > 0.2137 && c->rto < 0.2138);
	first = send_segments(f, c, 2);
	rto = c->rto;
	advance(f, rto - 0.01);
	assert_int_equal(news(f), 0);
	advance(f, 0.02);
	/* Timed out: the oldest again, from one segment's window. */
	s = next_seg(f);
	assert_int_equal(s.seq, first);
	assert_int_equal(news(f), 0);
	assert_int_equal(c->cwnd, c->mss);
	assert_true(c->rto > 2 * rto - 0.01);
	advance(f, 2 * rto + 0.01);
	s = next_seg(f);
	assert_int_equal(s.seq, first);
	assert_int_equal(f->h.tcp.stats[STAT_timeouts], 2);
	/* An ACK of a retransmission gives no sample (Karn). */
	rto = c->rto;
	advance(f, 0.5);
	peer_ack(f, first + MSS, 0, NULL);
	assert_true(c->srtt > 0.0237 && c->srtt < 0.0238);
	tcp_close(c);
}

/* Without SACK: three duplicate ACKs, the hole goes again at once, and
 * NewReno repairs a second hole on a partial ACK. */
static void
test_fast_retransmit_newreno(void **state)
{
	struct fixture *f = *state;
	struct tcp_conn *c = establish(f, NULL);
	uint32_t first = send_segments(f, c, 10);
	uint32_t cwnd_before = c->cwnd;
	struct tcp_seg s;

	/* Segments 2 and 5 are lost: the peer acknowledges segment 1, then
	 * repeats it for 3 and 4. */
	peer_ack(f, first + MSS, 0, NULL);
	skip_sent(f);
	peer_ack(f, first + MSS, 0, NULL);
	peer_ack(f, first + MSS, 0, NULL);
	assert_int_equal(news(f), 0);
	peer_ack(f, first + MSS, 0, NULL);
	s = next_seg(f);
	assert_int_equal(s.seq, first + MSS);
	assert_true(c->in_recovery);
	assert_true(c->ssthresh < cwnd_before);
	assert_int_equal(f->h.tcp.stats[STAT_fast_retrans], 1);
	assert_int_equal(f->h.tcp.stats[STAT_reno_recoveries], 1);
	skip_sent(f);
	/* A partial ACK (up to the second hole): that one goes too. */
	peer_ack(f, first + 4 * MSS, 0, NULL);
	s = next_seg(f);
	assert_int_equal(s.seq, first + 4 * MSS);
	assert_true(c->in_recovery);
	/* All acknowledged: recovery ends. */
	peer_ack(f, first + 10 * MSS, 0, NULL);
	assert_false(c->in_recovery);
	assert_true(c->cwnd <= c->ssthresh);
	tcp_close(c);
}

/* With SACK: the blocks show which segments are missing; those go again,
 * and only those. */
static void
test_sack_recovery(void **state)
{
	struct fixture *f = *state;
	struct tcp_opts o = {.mss_ok = true, .mss = MSS, .sack_ok = true};
	struct tcp_conn *c = establish(f, &o);
	uint32_t first = send_segments(f, c, 10);
	uint32_t b[4];
	struct tcp_seg s;

	/* Segments 3 and 6 lost; the peer has 1-2, 4-5, 7-10. */
	peer_ack(f, first + 2 * MSS, 0, NULL);
	b[0] = first + 3 * MSS;
	b[1] = first + 5 * MSS;
	peer_ack(f, first + 2 * MSS, 1, b);
	b[0] = first + 6 * MSS;
	b[1] = first + 10 * MSS;
	b[2] = first + 3 * MSS;
	b[3] = first + 5 * MSS;
	skip_sent(f);
	peer_ack(f, first + 2 * MSS, 2, b);
	/* IsLost(): three segments SACKed above each hole. */
	assert_true(c->in_recovery);
	assert_int_equal(f->h.tcp.stats[STAT_sack_recoveries], 1);
	s = next_seg(f);
	assert_int_equal(s.seq, first + 2 * MSS);
	s = next_seg(f);
	assert_int_equal(s.seq, first + 5 * MSS);
	assert_int_equal(news(f), 0);
	assert_int_equal(f->h.tcp.stats[STAT_retrans_segs], 2);
	peer_ack(f, first + 10 * MSS, 0, NULL);
	assert_false(c->in_recovery);
	assert_int_equal(c->snd_una, c->snd_max);
	tcp_close(c);
}

/* A closed window: nothing goes but probes, backing off, until it opens. */
static void
test_zero_window_probes(void **state)
{
	struct fixture *f = *state;
	struct tcp_conn *c = establish(f, NULL);
	uint8_t buf[100] = {0};
	double rto = c->rto;
	struct tcp_seg s;

	peer_send(f, TCP_FLAG_ACK, PEER_ISS + 1, c->snd_nxt, 0, 0);
	assert_int_equal(c->snd_wnd, 0);
	tcp_send(c, buf, sizeof(buf));
	assert_int_equal(news(f), 0);
	assert_true(c->persist);
	advance(f, rto - 0.01);
	assert_int_equal(news(f), 0);
	advance(f, 0.02);
	s = next_seg(f);
	assert_int_equal(s.len, 0);
	assert_int_equal(s.seq, c->snd_una - 1);
	assert_int_equal(f->h.tcp.stats[STAT_persist_probes], 1);
	/* Still closed: each probe waits twice as long as the last. */
	peer_send(f, TCP_FLAG_ACK, PEER_ISS + 1, c->snd_una, 0, 0);
	advance(f, 2 * rto - 0.02);
	assert_int_equal(news(f), 0);
	advance(f, 0.02);
	assert_int_equal(news(f), 1);
	skip_sent(f);
	advance(f, 4 * rto - 0.02);
	assert_int_equal(news(f), 0);
	advance(f, 0.02);
	assert_int_equal(news(f), 1);
	skip_sent(f);
	/* Probing leaves the RTO of the data as it was. */
	assert_true(c->rto > rto - 1e-9 && c->rto < rto + 1e-9);
	/* The window opens: the data goes. */
	peer_send(f, TCP_FLAG_ACK, PEER_ISS + 1, c->snd_una, 65535, 0);
	assert_false(c->persist);
	s = next_seg(f);
	assert_int_equal(s.len, 100);
	tcp_close(c);
}

/* The receiver: a segment out of order is acknowledged at once with a
 * SACK block; the hole filled, one ACK covers it all. */
static void
test_out_of_order_and_sack_blocks(void **state)
{
	struct fixture *f = *state;
	struct tcp_opts o = {.mss_ok = true, .mss = MSS, .sack_ok = true};
	struct tcp_conn *c = establish(f, &o);
	uint8_t buf[3000];
	struct tcp_seg s;

	peer_send(f, TCP_FLAG_ACK, PEER_ISS + 1 + 1000, c->snd_nxt, 65535,
		  1000);
	s = next_seg(f);
	assert_int_equal(s.ack, PEER_ISS + 1);
	assert_int_equal(s.opt.nsack, 1);
	assert_int_equal(s.opt.sack[0][0], PEER_ISS + 1001);
	assert_int_equal(s.opt.sack[0][1], PEER_ISS + 2001);
	assert_int_equal(tcp_recv_avail(c), 0);
	assert_int_equal(f->o.readable, 0);
	peer_send(f, TCP_FLAG_ACK, PEER_ISS + 1, c->snd_nxt, 65535, 1000);
	s = next_seg(f);
	assert_int_equal(s.ack, PEER_ISS + 2001);
	assert_int_equal(s.opt.nsack, 0);
	assert_int_equal(tcp_recv(c, buf, sizeof(buf)), 2000);
	/* Byte i of each segment is i % 251, wherever it landed. */
	assert_int_equal(buf[1000 + 250], 250 % 251);
	assert_int_equal(buf[1000 + 251], 0);
	tcp_close(c);
}

/* Fragmentation needed from a router: a smaller MSS, and what is in
 * flight goes again in segments that fit. */
static void
test_path_mtu_discovery(void **state)
{
	struct fixture *f = *state;
	struct tcp_conn *c = establish(f, NULL);
	uint32_t first = send_segments(f, c, 3);
	const struct mem_frame *fr = mem_port_frame(f->mp, f->seen - 3);
	uint8_t frame[ETHER_HDR_LEN + 600];
	struct ipv4_pkt orig;
	struct tcp_seg s;
	size_t len;

	assert_int_equal(ipv4_parse(fr->data + ETHER_HDR_LEN,
				    fr->len - ETHER_HDR_LEN, &orig),
			 IPV4_ok);
	ether_build(frame, f->mp->port.mac, harness_peer_mac, ETHERTYPE_IPV4);
	len = icmp_build_error(frame + ETHER_HDR_LEN, PEER, 9,
			       ICMP_TYPE_DEST_UNREACH, ICMP_CODE_FRAG_NEEDED,
			       1000, &orig);
	ipnode_ether_input(&f->h.node, &f->mp->port, frame,
			   ETHER_HDR_LEN + len);
	assert_int_equal(c->mss, 1000 - 40);
	assert_int_equal(f->h.tcp.stats[STAT_pmtu_updates], 1);
	s = next_seg(f);
	assert_int_equal(s.seq, first);
	assert_int_equal(s.len, 960);
	assert_true(news(f) >= 1);
	tcp_close(c);
}

/* The window grows only while it is what holds the sender back: not for
 * an application that sends a little at a time. */
static void
test_cwnd_grows_only_when_it_limits(void **state)
{
	struct fixture *f = *state;
	struct tcp_conn *c = establish(f, NULL);
	uint32_t initial = c->cwnd, first;

	assert_int_equal(initial, TCP_INIT_CWND * MSS);
	for (int i = 0; i < 50; i++) {
		first = send_segments(f, c, 1);
		peer_ack(f, first + MSS, 0, NULL);
	}
	assert_int_equal(c->cwnd, initial);
	/* A full window's worth: slow start, a segment per segment. */
	first = send_segments(f, c, TCP_INIT_CWND);
	peer_ack(f, first + TCP_INIT_CWND * MSS, 0, NULL);
	assert_true(c->cwnd > initial);
	tcp_close(c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn)                                                                  \
	cmocka_unit_test_setup_teardown(fn, harness_setup, harness_teardown)
	    T(test_syn_retransmission_gives_up_like_linux),
	    T(test_rto_backoff_and_karn),
	    T(test_fast_retransmit_newreno),
	    T(test_sack_recovery),
	    T(test_zero_window_probes),
	    T(test_out_of_order_and_sack_blocks),
	    T(test_path_mtu_discovery),
	    T(test_cwnd_grows_only_when_it_limits),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
