/* Matching trace rows into packets across the hops of a lab. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "frame.h"
#include "ipv4.h"
#include "journey.h"
#include "journey_harness.h"
#include "journey_render.h"

#define ECHO_REQ "IP 10.0.1.10 > 10.0.2.20: ICMP echo request, id 7, seq 1"
#define ECHO_REP "IP 10.0.2.20 > 10.0.1.10: ICMP echo reply, id 7, seq 1"
#define ARP_REQ "ARP, Request who-has 10.0.1.1 tell 10.0.1.10, length 28"
#define ARP_REP "ARP, Reply 10.0.1.1 is-at 02:00:00:00:00:01, length 28"

/* Every row loaded is a hop of exactly one packet. */
static void
assert_every_row_once(const struct journey *j)
{
	size_t real = 0, hops = 0;

	for (size_t i = 0; i < j->n_rows; i++)
		real += !j->rows[i].inferred;
	for (size_t p = 0; p < j->n_packets; p++)
		for (size_t h = 0; h < j->packets[p].n_hops; h++) {
			const struct journey_row *r = j->packets[p].hops[h].row;

			hops += !r->inferred;
			for (size_t q = 0; q < j->n_packets; q++)
				for (size_t k = 0; k < j->packets[q].n_hops;
				     k++)
					if (q != p || k != h)
						assert_ptr_not_equal(
						    r,
						    j->packets[q].hops[k].row);
		}
	assert_int_equal(hops, real);
}

static void
assert_hop(const struct journey *j, size_t p, size_t h, const char *node,
	   const char *src_mac, int ttl)
{
	struct journey_view v;

	assert_true(h < j->packets[p].n_hops);
	journey_view(j->packets[p].hops[h].row, &v);
	assert_string_equal(v.node, node);
	assert_string_equal(v.src_mac, src_mac);
	assert_int_equal(v.ttl, ttl);
}

/* An echo request and its reply, each through hA sw1 r1 sw2 hB in path
 * order, the rows loaded node by node as the daemons give them. */
static void
test_echo_request_and_reply(void **state)
{
	struct trow rows[10];
	struct journey j;
	char buf[128];

	(void)state;
	seed_path(rows, true, 100.0, "00000000000000aa", ECHO_REQ, "icmp", "");
	seed_path(rows + 5, false, 100.001, "00000000000000bb", ECHO_REP,
		  "icmp", "");
	journey_on(&j, TOPO_SEED);
	assert_int_equal(load_nodes(&j, rows, 10, seed_nodes_reversed), 0);
	assert_int_equal(journey_match(&j), 0);
	assert_int_equal(j.n_packets, 2);
	assert_string_equal(hop_nodes(&j, 0, buf, sizeof(buf)),
			    "hA sw1 r1 sw2 hB");
	assert_string_equal(hop_nodes(&j, 1, buf, sizeof(buf)),
			    "hB sw2 r1 sw1 hA");
	assert_string_equal(j.packets[0].hops[0].row->summary, ECHO_REQ);
	assert_string_equal(j.packets[1].hops[0].row->summary, ECHO_REP);
	for (size_t h = 1; h < 5; h++)
		assert_int_equal(j.packets[0].hops[h].parent, (long)h - 1);
	assert_every_row_once(&j);
	journey_free(&j);
}

/* The router gives the frame new MACs, a lower TTL and a new checksum,
 * but not a new key: one packet, with no special case for routers. The
 * keys here are frame_key() of the frame before and after r1. */
static void
test_router_rewrite_keeps_key(void **state)
{
	static const uint8_t a[6] = {2, 0, 0, 0, 0, 0xa},
			     r0[6] = {2, 0, 0, 0, 0, 1};
	static const uint8_t r1[6] = {2, 0, 0, 0, 0, 2},
			     b[6] = {2, 0, 0, 0, 0, 0xb};
	uint8_t before[64] = {0}, after[64] = {0};
	char kb[FRAME_KEY_STRLEN], ka[FRAME_KEY_STRLEN];
	struct trow rows[5];
	struct journey j;

	(void)state;
	ether_build(before, r0, a, ETHERTYPE_IPV4);
	ipv4_build(before + 14, 0, 99, 0, 64, 17, 0x0a00010a, 0x0a000214, 30);
	ether_build(after, b, r1, ETHERTYPE_IPV4);
	ipv4_build(after + 14, 0, 99, 0, 63, 17, 0x0a00010a, 0x0a000214, 30);
	assert_memory_not_equal(before, after, 34);
	frame_key_str(frame_key(before, 64), kb);
	frame_key_str(frame_key(after, 64), ka);
	assert_string_equal(kb, ka);

	seed_path(rows, true, 5.0, kb, "IP 10.0.1.10.5 > 10.0.2.20.7: UDP",
		  "udp", "");
	rows[3].key = rows[4].key = ka;
	journey_on(&j, TOPO_SEED);
	assert_int_equal(load_nodes(&j, rows, 5, seed_nodes), 0);
	assert_int_equal(journey_match(&j), 0);
	assert_int_equal(j.n_packets, 1);
	assert_hop(&j, 0, 0, "hA", MAC_A, 64);
	assert_hop(&j, 0, 1, "sw1", MAC_A, 64);
	assert_hop(&j, 0, 2, "r1", MAC_R1, 63); /* as it left r1 */
	assert_hop(&j, 0, 3, "sw2", MAC_R1, 63);
	assert_hop(&j, 0, 4, "hB", MAC_R1, 63); /* as it arrived */
	journey_free(&j);
}

/* A handshake, a GET and its response, in the order they happened,
 * though the files come in any order and sw1's clock reads a little
 * earlier than hA's. */
static void
test_tcp_handshake_get_response(void **state)
{
	static const struct {
		bool a_to_b;
		const char *flags, *key;
	} seg[] = {{true, "S", "0000000000000001"},
		   {false, "S.", "0000000000000002"},
		   {true, ".", "0000000000000003"},
		   {true, "P.", "0000000000000004"},
		   {false, "P.", "0000000000000005"}};
	struct trow rows[25];
	struct journey j;
	char buf[128];

	(void)state;
	for (size_t i = 0; i < 5; i++)
		seed_path(rows + 5 * i, seg[i].a_to_b, 10.0 + i * 0.0002,
			  seg[i].key, "IP tcp segment", "tcp", seg[i].flags);
	rows[1].t = rows[0].t - 0.0002; /* sw1 saw the SYN "before" hA sent */
	journey_on(&j, TOPO_SEED);
	assert_int_equal(load_nodes(&j, rows, 25, seed_nodes_reversed), 0);
	assert_int_equal(journey_match(&j), 0);
	assert_int_equal(j.n_packets, 5);
	for (size_t i = 0; i < 5; i++) {
		assert_string_equal(j.packets[i].hops[0].row->flags,
				    seg[i].flags);
		assert_string_equal(j.packets[i].hops[0].row->key, seg[i].key);
		assert_string_equal(hop_nodes(&j, i, buf, sizeof(buf)),
				    seg[i].a_to_b ? "hA sw1 r1 sw2 hB"
						  : "hB sw2 r1 sw1 hA");
	}
	assert_every_row_once(&j);
	journey_free(&j);
}

/* hA's ARP request, flooded by sw1 to r1 and hC; r1's reply comes back
 * as a packet of its own. */
static void
test_arp_broadcast_flooded(void **state)
{
	const struct trow rows[] = {
	    {1.0, "hA", NULL, "eth0", "00000000000000a1", ARP_REQ, "arp", "",
	     "10.0.1.10", "10.0.1.1", NULL, NULL, MAC_A, MAC_BCAST, 0, 0,
	     "ARP request for 10.0.1.1"},
	    {1.00001, "sw1", "p1", "p2,p3", "00000000000000a1", ARP_REQ, "arp",
	     "", "10.0.1.10", "10.0.1.1", MAC_A, MAC_BCAST, MAC_A, MAC_BCAST, 0,
	     0, "flooded: broadcast"},
	    {1.00002, "r1", "eth0", NULL, "00000000000000a1", ARP_REQ, "arp",
	     "", "10.0.1.10", "10.0.1.1", MAC_A, MAC_BCAST, NULL, NULL, 0, 0,
	     "ARP request for 10.0.1.1: replied"},
	    {1.00002, "hC", "eth0", NULL, "00000000000000a1", ARP_REQ, "arp",
	     "", "10.0.1.10", "10.0.1.1", MAC_A, MAC_BCAST, NULL, NULL, 0, 0,
	     "dropped: not for this host"},
	    {1.00003, "r1", NULL, "eth0", "00000000000000a2", ARP_REP, "arp",
	     "", "10.0.1.1", "10.0.1.10", NULL, NULL, MAC_R0, MAC_A, 0, 0,
	     "ARP reply to 10.0.1.10"},
	    {1.00004, "sw1", "p2", "p1", "00000000000000a2", ARP_REP, "arp", "",
	     "10.0.1.1", "10.0.1.10", MAC_R0, MAC_A, MAC_R0, MAC_A, 0, 0,
	     "forwarded to p1 by the MAC table"},
	    {1.00005, "hA", "eth0", NULL, "00000000000000a2", ARP_REP, "arp",
	     "", "10.0.1.1", "10.0.1.10", MAC_R0, MAC_A, NULL, NULL, 0, 0,
	     "ARP reply: learned 10.0.1.1"},
	};
	struct journey j;
	struct journey_view v;
	char buf[128];

	(void)state;
	journey_on(&j, TOPO_WIDE);
	assert_int_equal(load_nodes(&j, rows, 7, seed_nodes), 0);
	assert_int_equal(journey_match(&j), 0);
	assert_int_equal(j.n_packets, 2);
	assert_string_equal(hop_nodes(&j, 0, buf, sizeof(buf)), "hA sw1 r1 hC");
	journey_view(j.packets[0].hops[1].row, &v);
	assert_string_equal(v.out, "p2,p3");
	assert_int_equal(v.ttl, -1);
	assert_int_equal(j.packets[0].hops[2].parent, 1);
	assert_int_equal(j.packets[0].hops[3].parent, 1);
	assert_string_equal(hop_nodes(&j, 1, buf, sizeof(buf)), "r1 sw1 hA");
	assert_every_row_once(&j);
	journey_free(&j);
}

/* The same bytes sent twice (a second ARP request) are two packets, each
 * with its own rows, even when the copies overlap on the way. */
static void
test_same_key_twice(void **state)
{
	struct trow rows[6];
	const double sent[2][3] = {{1.0, 1.00002, 1.00004},
				   {1.00001, 1.00003, 1.00005}};
	const char *nodes[3] = {"hA", "sw1", "r1"};
	const char *in[3] = {NULL, "p1", "eth0"},
		   *out[3] = {"eth0", "p2", NULL};
	struct journey j;

	(void)state;
	for (int k = 0; k < 2; k++)
		for (int i = 0; i < 3; i++)
			rows[3 * k + i] = (struct trow){
			    .t = sent[k][i],
			    .node = nodes[i],
			    .in = in[i],
			    .out = out[i],
			    .key = "00000000000000a1",
			    .summary = ARP_REQ,
			    .proto = "arp",
			    .decision = k ? "second" : "first",
			};
	journey_on(&j, TOPO_SEED);
	assert_int_equal(load_nodes(&j, rows, 6, seed_nodes_reversed), 0);
	assert_int_equal(journey_match(&j), 0);
	assert_int_equal(j.n_packets, 2);
	for (size_t p = 0; p < 2; p++) {
		assert_int_equal(j.packets[p].n_hops, 3);
		for (size_t h = 0; h < 3; h++)
			assert_string_equal(j.packets[p].hops[h].row->decision,
					    p ? "second" : "first");
	}
	assert_true(j.packets[0].time < j.packets[1].time);
	assert_every_row_once(&j);
	journey_free(&j);
}

/* sw1 left no trace at all: the packet goes through it anyway, with an
 * inferred hop whose fields are what r1 saw arrive. hB left none either:
 * the packet ends with an inferred hop there, as sw2 sent it. */
static void
test_untraced_node_walked_through(void **state)
{
	struct trow rows[5];
	struct journey j;
	struct journey_view v;
	char buf[128];

	(void)state;
	seed_path(rows, true, 100.0, "00000000000000aa", ECHO_REQ, "icmp", "");
	journey_on(&j, TOPO_SEED);
	assert_int_equal(
	    load_nodes(&j, rows, 5,
		       (const char *const[]){"hA", "r1", "sw2", NULL}),
	    0);
	assert_int_equal(journey_match(&j), 0);
	assert_int_equal(j.n_packets, 1);
	assert_string_equal(hop_nodes(&j, 0, buf, sizeof(buf)),
			    "hA sw1 r1 sw2 hB");
	assert_true(j.packets[0].hops[1].row->inferred);
	journey_view(j.packets[0].hops[1].row, &v);
	assert_string_equal(v.in, "p1");
	assert_string_equal(v.out, "p2");
	assert_string_equal(v.src_mac, MAC_A);
	assert_string_equal(v.dst_mac, MAC_R0);
	assert_int_equal(v.ttl, 64);
	assert_string_equal(v.decision, JOURNEY_UNTRACED_PASSED);
	journey_view(j.packets[0].hops[4].row, &v);
	assert_string_equal(v.in, "eth0");
	assert_null(v.out);
	assert_string_equal(v.src_mac, MAC_R1);
	assert_int_equal(v.ttl, 63);
	assert_string_equal(v.decision, JOURNEY_UNTRACED_SENT);
	assert_every_row_once(&j);
	journey_free(&j);
}

/* Through an untraced switch the frame is looked for on every other
 * port; the way it did not go (to hC, untraced too) is not shown. */
static void
test_untraced_guess_pruned(void **state)
{
	struct trow rows[5];
	struct journey j;
	struct journey_view v;
	char buf[128];

	(void)state;
	seed_path(rows, true, 100.0, "00000000000000aa", ECHO_REQ, "icmp", "");
	journey_on(&j, TOPO_WIDE);
	assert_int_equal(
	    load_nodes(&j, rows, 5,
		       (const char *const[]){"hA", "r1", "sw2", "hB", NULL}),
	    0);
	assert_int_equal(journey_match(&j), 0);
	assert_int_equal(j.n_packets, 1);
	assert_string_equal(hop_nodes(&j, 0, buf, sizeof(buf)),
			    "hA sw1 r1 sw2 hB");
	journey_view(j.packets[0].hops[1].row, &v);
	assert_string_equal(v.out, "p2");
	assert_every_row_once(&j);
	journey_free(&j);
}

/* sw2 traced, but has no row for this frame (its trace missed it): the
 * chain stops at r1, and hB's row starts a packet of its own. */
static void
test_missing_row_splits_packet(void **state)
{
	struct trow rows[6];
	struct journey j;
	char buf[128];

	(void)state;
	seed_path(rows, true, 100.0, "00000000000000aa", ECHO_REQ, "icmp", "");
	rows[3].key = "00000000000000ff"; /* sw2 saw another frame */
	rows[3].t = 99.0;
	journey_on(&j, TOPO_SEED);
	assert_int_equal(load_nodes(&j, rows, 5, seed_nodes), 0);
	assert_int_equal(journey_match(&j), 0);
	assert_int_equal(j.n_packets, 3);
	assert_string_equal(hop_nodes(&j, 0, buf, sizeof(buf)), "sw2");
	assert_string_equal(hop_nodes(&j, 1, buf, sizeof(buf)), "hA sw1 r1");
	assert_string_equal(hop_nodes(&j, 2, buf, sizeof(buf)), "hB");
	assert_every_row_once(&j);
	journey_free(&j);
}

/* Two rows that would each continue the other (a frame bounced between
 * sw1 and r1) make one packet, not a loop that loses both. */
static void
test_rows_never_loop(void **state)
{
	const struct trow rows[] = {
	    {2.0, "sw1", "p2", "p2", "00000000000000cc", "x", "ether", "", NULL,
	     NULL, NULL, NULL, NULL, NULL, 0, 0, "reflected"},
	    {2.0, "r1", "eth0", "eth0", "00000000000000cc", "x", "ether", "",
	     NULL, NULL, NULL, NULL, NULL, NULL, 0, 0, "reflected"},
	};
	struct journey j;

	(void)state;
	journey_on(&j, TOPO_SEED);
	assert_int_equal(load_nodes(&j, rows, 2, seed_nodes), 0);
	assert_int_equal(journey_match(&j), 0);
	assert_int_equal(j.n_packets, 1);
	assert_int_equal(j.packets[0].n_hops, 2);
	assert_every_row_once(&j);
	journey_free(&j);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_echo_request_and_reply),
	    cmocka_unit_test(test_router_rewrite_keeps_key),
	    cmocka_unit_test(test_tcp_handshake_get_response),
	    cmocka_unit_test(test_arp_broadcast_flooded),
	    cmocka_unit_test(test_same_key_twice),
	    cmocka_unit_test(test_untraced_node_walked_through),
	    cmocka_unit_test(test_untraced_guess_pruned),
	    cmocka_unit_test(test_missing_row_splits_packet),
	    cmocka_unit_test(test_rows_never_loop),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
