/*
 * The spanning tree state machine, several bridges wired together in
 * memory and driven by a test clock: what each bridge sends is queued and
 * delivered to the port at the other end of its link.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "mem_port.h"
#include "stp.h"
#include "switch.h"

#define NBRIDGES 4
#define NPORTS 4
#define QUEUE_MAX 256
#define STEP 0.05

struct bridge {
	struct stp stp;
	struct net *net;
	int id;
	int tc_on, tc_off;   /* topology_change calls */
	double tc_fwd_delay; /* as the last one said */
};

struct end {
	int bridge, port;
};

struct queued {
	struct end to;
	uint8_t frame[STP_FRAME_MAX];
	size_t len;
};

struct net {
	struct bridge br[NBRIDGES];
	int nbridges;
	/* peer[b][p]: the other end of bridge b's port p; bridge -1: none. */
	struct end peer[NBRIDGES][NPORTS];
	bool cut[NBRIDGES][NPORTS]; /* frames sent here are lost */
	struct queued q[QUEUE_MAX];
	int nq;
	double now;
	int tcn_frames; /* TCN BPDUs seen on the wire */
};

static void
net_send(void *arg, int port, const uint8_t *frame, size_t len)
{
	struct bridge *b = arg;
	struct net *n = b->net;
	struct end to = n->peer[b->id][port];

	if (len > 17 + 3 && frame[17 + 3] == STP_TYPE_TCN)
		n->tcn_frames++;
	if (to.bridge < 0 || n->cut[b->id][port] || n->nq == QUEUE_MAX)
		return;
	n->q[n->nq].to = to;
	memcpy(n->q[n->nq].frame, frame, len);
	n->q[n->nq].len = len;
	n->nq++;
}

static void
net_topology_change(void *arg, bool on, double forward_delay)
{
	struct bridge *b = arg;

	if (on)
		b->tc_on++;
	else
		b->tc_off++;
	b->tc_fwd_delay = forward_delay;
}

static const struct stp_ops net_ops = {
    .send = net_send,
    .topology_change = net_topology_change,
};

/* Bridges 0..n-1 with MACs 02:00:00:00:00:(id+1), so bridge 0 wins. */
static struct net *
net_new(int nbridges)
{
	struct net *n = calloc(1, sizeof(*n));

	assert_non_null(n);
	n->nbridges = nbridges;
	n->now = 100;
	for (int b = 0; b < nbridges; b++) {
		uint8_t mac[6] = {2, 0, 0, 0, 0, (uint8_t)(b + 1)};

		n->br[b].net = n;
		n->br[b].id = b;
		stp_init(&n->br[b].stp, &net_ops, &n->br[b]);
		for (int p = 0; p < NPORTS; p++) {
			assert_int_equal(stp_port_add(&n->br[b].stp, p), 0);
			n->peer[b][p].bridge = -1;
		}
		stp_set_mac(&n->br[b].stp, mac, n->now);
		assert_int_equal(stp_set_timers(&n->br[b].stp, 1, 6, 4, n->now),
				 0);
	}
	return n;
}

static void
net_link(struct net *n, int b1, int p1, int b2, int p2)
{
	n->peer[b1][p1] = (struct end){b2, p2};
	n->peer[b2][p2] = (struct end){b1, p1};
	stp_port_link(&n->br[b1].stp, p1, true, n->now);
	stp_port_link(&n->br[b2].stp, p2, true, n->now);
}

/* Pulls the cable: both ends lose carrier. */
static void
net_unlink(struct net *n, int b1, int p1)
{
	struct end e = n->peer[b1][p1];

	n->peer[b1][p1].bridge = -1;
	n->peer[e.bridge][e.port].bridge = -1;
	stp_port_link(&n->br[b1].stp, p1, false, n->now);
	stp_port_link(&n->br[e.bridge].stp, e.port, false, n->now);
}

static void
net_on(struct net *n)
{
	for (int b = 0; b < n->nbridges; b++)
		stp_enable(&n->br[b].stp, true, n->now);
}

/* Delivers what is queued (and what that makes the bridges send). */
static void
net_deliver(struct net *n)
{
	for (int i = 0; i < n->nq; i++) {
		struct queued *q = &n->q[i];

		assert_int_equal(stp_input(&n->br[q->to.bridge].stp, q->to.port,
					   q->frame, q->len, n->now),
				 STP_BPDU_ok);
	}
	n->nq = 0;
}

/* Lets secs pass, in small steps, running every timer that expires. */
static void
net_run(struct net *n, double secs)
{
	double end = n->now + secs;

	net_deliver(n);
	while (n->now < end) {
		n->now += STEP;
		for (int b = 0; b < n->nbridges; b++) {
			double d = stp_next_deadline(&n->br[b].stp);

			if (d && d <= n->now)
				stp_tick(&n->br[b].stp, n->now);
		}
		while (n->nq)
			net_deliver(n);
	}
}

static enum stp_role
role(struct net *n, int b, int p)
{
	return stp_port_role(&n->br[b].stp, p);
}

static enum stp_state
state(struct net *n, int b, int p)
{
	return n->br[b].stp.port[p].state;
}

/* The triangle: 0.0-1.0, 1.1-2.0, 2.1-0.1. */
static struct net *
triangle(void)
{
	struct net *n = net_new(3);

	net_link(n, 0, 0, 1, 0);
	net_link(n, 1, 1, 2, 0);
	net_link(n, 2, 1, 0, 1);
	net_on(n);
	return n;
}

static void
test_bpdu_round_trip(void **state_)
{
	struct stp_bpdu b = {.type = STP_TYPE_CONFIG,
			     .flags = STP_FLAG_TC | STP_FLAG_TCA,
			     .root_id = 0x8000020000000001ull,
			     .root_cost = 0x01020304,
			     .bridge_id = 0x1000020000000002ull,
			     .port_id = 0x8003,
			     .message_age = 1,
			     .max_age = 20,
			     .hello_time = 2,
			     .forward_delay = 15.5};
	uint8_t mac[6] = {2, 0, 0, 0, 0, 9}, frame[STP_FRAME_MAX];
	struct stp_bpdu out;
	size_t len = stp_bpdu_build(frame, mac, &b);

	(void)state_;
	assert_int_equal(len, 60);
	assert_memory_equal(frame, stp_group_mac, 6);
	assert_int_equal(frame[12] << 8 | frame[13], 38);
	assert_int_equal(frame[14], 0x42);
	assert_int_equal(stp_bpdu_parse(frame, len, &out), STP_BPDU_ok);
	assert_int_equal(out.flags, b.flags);
	assert_true(out.root_id == b.root_id);
	assert_true(out.bridge_id == b.bridge_id);
	assert_int_equal(out.root_cost, b.root_cost);
	assert_int_equal(out.port_id, b.port_id);
	assert_true(out.forward_delay == 15.5 && out.max_age == 20);

	/* Every shorter frame is refused, never read past. */
	for (size_t n = 0; n < 14 + 3 + 35; n++)
		assert_int_not_equal(stp_bpdu_parse(frame, n, &out),
				     STP_BPDU_ok);
	b.type = STP_TYPE_TCN;
	len = stp_bpdu_build(frame, mac, &b);
	assert_int_equal(stp_bpdu_parse(frame, 21, &out), STP_BPDU_ok);
	assert_int_equal(out.type, STP_TYPE_TCN);
	assert_int_equal(stp_bpdu_parse(frame, 20, &out), STP_BPDU_truncated);
	frame[16] = 0x13;
	assert_int_equal(stp_bpdu_parse(frame, len, &out), STP_BPDU_not_llc);
	frame[16] = 0x03;
	frame[17] = 1;
	assert_int_equal(stp_bpdu_parse(frame, len, &out),
			 STP_BPDU_bad_protocol);
	frame[17] = 0;
	frame[20] = 0x55;
	assert_int_equal(stp_bpdu_parse(frame, len, &out), STP_BPDU_bad_type);
}

static void
test_bpdu_expired_timers_refused(void **state_)
{
	struct stp_bpdu b = {.type = STP_TYPE_CONFIG,
			     .message_age = 20,
			     .max_age = 20,
			     .hello_time = 2,
			     .forward_delay = 15};
	uint8_t mac[6] = {2, 0, 0, 0, 0, 9}, frame[STP_FRAME_MAX];
	struct stp_bpdu out;
	size_t len = stp_bpdu_build(frame, mac, &b);

	(void)state_;
	assert_int_equal(stp_bpdu_parse(frame, len, &out), STP_BPDU_bad_timers);
}

/* A lone bridge is root; its port listens, learns, then forwards. */
static void
test_timers_listening_learning_forwarding(void **state_)
{
	struct net *n = net_new(1);
	struct stp *s = &n->br[0].stp;

	(void)state_;
	stp_port_link(s, 0, true, n->now);
	assert_int_equal(state(n, 0, 0), STP_forwarding); /* STP off */
	net_on(n);
	assert_true(stp_is_root(s));
	assert_int_equal(role(n, 0, 0), STP_ROLE_designated);
	assert_int_equal(state(n, 0, 0), STP_listening);
	assert_false(stp_port_learns(s, 0));
	net_run(n, 3.9);
	assert_int_equal(state(n, 0, 0), STP_listening);
	net_run(n, 0.2);
	assert_int_equal(state(n, 0, 0), STP_learning);
	assert_true(stp_port_learns(s, 0));
	assert_false(stp_port_forwards(s, 0));
	net_run(n, 3.8);
	assert_int_equal(state(n, 0, 0), STP_learning);
	net_run(n, 0.2);
	assert_int_equal(state(n, 0, 0), STP_forwarding);
	assert_true(stp_port_forwards(s, 0));
	/* A port whose link is down is disabled. */
	assert_int_equal(role(n, 0, 1), STP_ROLE_disabled);
	assert_int_equal(state(n, 0, 1), STP_disabled);
	free(n);
}

static void
test_root_election_triangle(void **state_)
{
	struct net *n = triangle();

	(void)state_;
	net_run(n, 10);
	for (int b = 0; b < 3; b++)
		assert_true(n->br[b].stp.designated_root ==
			    n->br[0].stp.bridge_id);
	assert_true(stp_is_root(&n->br[0].stp));
	assert_int_equal(role(n, 0, 0), STP_ROLE_designated);
	assert_int_equal(role(n, 0, 1), STP_ROLE_designated);
	assert_int_equal(role(n, 1, 0), STP_ROLE_root);
	assert_int_equal(role(n, 2, 1), STP_ROLE_root);
	assert_int_equal(n->br[1].stp.root_path_cost, STP_PATH_COST_DEFAULT);
	/* On the link between 1 and 2, the lower bridge ID (1) forwards. */
	assert_int_equal(role(n, 1, 1), STP_ROLE_designated);
	assert_int_equal(role(n, 2, 0), STP_ROLE_alternate);
	assert_int_equal(state(n, 2, 0), STP_blocking);
	assert_int_equal(state(n, 1, 1), STP_forwarding);
	assert_int_equal(state(n, 1, 0), STP_forwarding);
	assert_int_equal(state(n, 2, 1), STP_forwarding);
	free(n);
}

/* Four bridges in a ring, the root chosen by priority, not MAC. */
static void
test_root_election_priority(void **state_)
{
	struct net *n = net_new(4);

	(void)state_;
	net_link(n, 0, 0, 1, 0);
	net_link(n, 1, 1, 2, 0);
	net_link(n, 2, 1, 3, 0);
	net_link(n, 3, 1, 0, 1);
	stp_set_priority(&n->br[2].stp, 4096, n->now);
	net_on(n);
	net_run(n, 10);
	for (int b = 0; b < 4; b++)
		assert_true(n->br[b].stp.designated_root ==
			    n->br[2].stp.bridge_id);
	assert_true(stp_is_root(&n->br[2].stp));
	/* Bridge 0 is two hops from the root both ways; it ties on cost
	 * and picks the lower designated bridge, 1; its port 1 blocks. */
	assert_int_equal(n->br[0].stp.root_path_cost,
			 2 * STP_PATH_COST_DEFAULT);
	assert_int_equal(role(n, 0, 0), STP_ROLE_root);
	assert_int_equal(role(n, 0, 1), STP_ROLE_alternate);
	assert_int_equal(state(n, 0, 1), STP_blocking);
	/* Exactly one port of the ring blocks. */
	int blocked = 0;
	for (int b = 0; b < 4; b++)
		for (int p = 0; p < 2; p++)
			blocked += state(n, b, p) == STP_blocking;
	assert_int_equal(blocked, 1);
	free(n);
}

/* Two ports of one bridge on the same link: one of them blocks. */
static void
test_self_loop_blocks(void **state_)
{
	struct net *n = net_new(1);

	(void)state_;
	net_link(n, 0, 0, 0, 1);
	net_on(n);
	net_run(n, 10);
	assert_int_equal(state(n, 0, 0), STP_forwarding);
	assert_int_equal(state(n, 0, 1), STP_blocking);
	assert_int_equal(role(n, 0, 1), STP_ROLE_alternate);
	free(n);
}

/* The root falls silent (no link event): after max_age its neighbour
 * no longer believes in it and takes over. */
static void
test_max_age_expiry(void **state_)
{
	struct net *n = net_new(2);

	(void)state_;
	net_link(n, 0, 0, 1, 0);
	net_on(n);
	net_run(n, 10);
	assert_int_equal(role(n, 1, 0), STP_ROLE_root);
	n->cut[0][0] = true;
	net_run(n, 5);
	assert_int_equal(role(n, 1, 0), STP_ROLE_root);
	assert_false(stp_is_root(&n->br[1].stp));
	net_run(n, 1.5);
	assert_true(stp_is_root(&n->br[1].stp));
	assert_int_equal(role(n, 1, 0), STP_ROLE_designated);
	free(n);
}

/* A forwarding link breaks: the blocked port takes over within max_age
 * plus twice forward_delay, and the topology change reaches every bridge,
 * which ages its MACs out after forward_delay until it ends. */
static void
test_link_failure_and_topology_change(void **state_)
{
	struct net *n = triangle();

	(void)state_;
	net_run(n, 30); /* past the topology change of the start */
	assert_int_equal(state(n, 2, 0), STP_blocking);
	for (int b = 0; b < 3; b++) {
		assert_false(n->br[b].stp.topology_change);
		n->br[b].tc_on = n->br[b].tc_off = 0;
	}
	n->tcn_frames = 0;
	net_unlink(n, 0, 0); /* root's link to bridge 1 */
	net_run(n, 0.5);
	/* Bridge 1 lost its root port and claims the root for itself. */
	assert_true(n->br[0].stp.topology_change);
	net_run(n, 6 + 8 + 1);
	assert_int_equal(role(n, 1, 1), STP_ROLE_root);
	assert_int_equal(role(n, 2, 0), STP_ROLE_designated);
	assert_int_equal(state(n, 2, 0), STP_forwarding);
	assert_int_equal(state(n, 1, 1), STP_forwarding);
	/* Bridge 2's port going to forwarding was told to the root. */
	assert_true(n->tcn_frames > 0);
	for (int b = 0; b < 3; b++) {
		assert_true(n->br[b].tc_on > 0);
		assert_true(n->br[b].tc_fwd_delay == 4);
	}
	net_run(n, 6 + 4 + 2);
	for (int b = 0; b < 3; b++) {
		assert_false(n->br[b].stp.topology_change);
		assert_true(n->br[b].tc_off > 0);
		assert_false(n->br[b].stp.topology_change_detected);
	}
	free(n);
}

/* A TCN on a designated port is acknowledged, and its sender stops. */
static void
test_tcn_acknowledged(void **state_)
{
	struct net *n = net_new(2);
	struct stp *s1 = &n->br[1].stp;

	(void)state_;
	net_link(n, 0, 0, 1, 0);
	net_on(n);
	net_run(n, 30);
	assert_false(s1->topology_change_detected);
	/* A host port of bridge 1 comes up and starts forwarding. */
	stp_port_link(s1, 2, true, n->now);
	net_run(n, 8.2);
	assert_int_equal(state(n, 1, 2), STP_forwarding);
	/* The root acknowledges once its hold time allows. */
	net_run(n, STP_HOLD_TIME + 0.1);
	assert_true(s1->tcn_sent > 0);
	assert_false(s1->topology_change_detected); /* acknowledged */
	assert_true(s1->tcn_timer == 0);
	assert_true(n->br[0].stp.topology_change);
	assert_true(s1->topology_change); /* from the root's BPDUs */
	free(n);
}

static void
test_off_forwards_everything(void **state_)
{
	struct net *n = triangle();
	struct stp *s = &n->br[2].stp;

	(void)state_;
	net_run(n, 10);
	assert_false(stp_port_forwards(s, 0));
	stp_enable(s, false, n->now);
	assert_true(stp_port_forwards(s, 0));
	assert_int_equal(state(n, 2, 0), STP_forwarding);
	assert_int_equal(state(n, 2, 3), STP_disabled);
	assert_true(stp_next_deadline(s) == 0);
	free(n);
}

static void
test_timer_ranges(void **state_)
{
	struct stp s;

	(void)state_;
	stp_init(&s, NULL, NULL);
	assert_int_equal(stp_set_timers(&s, 0.5, 20, 15, 0), -1);
	assert_int_equal(stp_set_timers(&s, 2, 41, 15, 0), -1);
	assert_int_equal(stp_set_timers(&s, 2, 20, 3, 0), -1);
	assert_int_equal(stp_set_timers(&s, 2, 20, 31, 0), -1);
	assert_int_equal(stp_set_timers(&s, 1, 6, 4, 0), 0);
	assert_true(s.forward_delay == 4 && s.hello_time == 1);
}

/* --- the bridge around it ------------------------------------------------- */

static bool
rx_to_switch(struct port *port, const uint8_t *frame, size_t len, void *arg)
{
	return switch_input(arg, port, frame, len, 0);
}

/* A blocked port neither forwards nor learns; a learning one learns. */
static void
test_switch_blocked_port(void **state_)
{
	struct port_set ports = {0};
	struct switch_state sw;
	struct mem_port *mp[2];
	uint8_t frame[60] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02,
			     0xaa, 0,	 0,    0,    1,	   0x08, 0x00};

	(void)state_;
	assert_int_equal(switch_init(&sw, &ports, 8, 300), 0);
	for (int i = 0; i < 2; i++) {
		char name[4] = {'p', (char)('1' + i), 0};

		mp[i] = mem_port_new(name, (uint8_t)(0x10 + i));
		mp[i]->port.rx = rx_to_switch;
		mp[i]->port.rx_arg = &sw;
		port_set_add(&ports, &mp[i]->port);
	}
	switch_stp_enable(&sw, true, 0);
	/* Both ports listen; each sent a BPDU to the group address. */
	assert_int_equal(mp[0]->nsent, 1);
	assert_memory_equal(mp[0]->sent[0].data, stp_group_mac, 6);
	mem_port_clear(mp[0]);
	mem_port_clear(mp[1]);
	port_deliver(&mp[0]->port, frame, sizeof(frame));
	assert_int_equal(sw.stats[STAT_stp_blocked], 1);
	assert_int_equal(mp[1]->nsent, 0);
	assert_int_equal(sw.macs.count, 0);
	stp_tick(&sw.stp, STP_FWD_DELAY_DEFAULT);
	assert_int_equal(sw.stp.port[0].state, STP_learning);
	mem_port_clear(mp[1]); /* the hello BPDUs */
	port_deliver(&mp[0]->port, frame, sizeof(frame));
	assert_int_equal(sw.stats[STAT_stp_learning], 1);
	assert_int_equal(sw.macs.count, 1);
	assert_int_equal(mp[1]->nsent, 0);
	stp_tick(&sw.stp, 2 * STP_FWD_DELAY_DEFAULT);
	mem_port_clear(mp[1]);
	port_deliver(&mp[0]->port, frame, sizeof(frame));
	assert_int_equal(sw.stats[STAT_flooded], 1);
	assert_int_equal(mp[1]->nsent, 1);
	/* The bridge is root: a topology change is on, and MACs age out
	 * after forward_delay meanwhile. */
	assert_true(sw.stp.topology_change);
	assert_true(sw.macs.aging == STP_FWD_DELAY_DEFAULT);
	/* A malformed BPDU is counted and goes nowhere. */
	memcpy(frame, stp_group_mac, 6);
	port_deliver(&mp[0]->port, frame, sizeof(frame));
	assert_int_equal(sw.stats[STAT_bpdu_bad], 1);
	switch_destroy(&sw);
	for (int i = 0; i < 2; i++)
		mem_port_free(mp[i]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_bpdu_round_trip),
	    cmocka_unit_test(test_bpdu_expired_timers_refused),
	    cmocka_unit_test(test_timers_listening_learning_forwarding),
	    cmocka_unit_test(test_root_election_triangle),
	    cmocka_unit_test(test_root_election_priority),
	    cmocka_unit_test(test_self_loop_blocks),
	    cmocka_unit_test(test_max_age_expiry),
	    cmocka_unit_test(test_link_failure_and_topology_change),
	    cmocka_unit_test(test_tcn_acknowledged),
	    cmocka_unit_test(test_off_forwards_everything),
	    cmocka_unit_test(test_timer_ranges),
	    cmocka_unit_test(test_switch_blocked_port),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
