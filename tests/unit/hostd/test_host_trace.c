/*
 * hostd's trace rows, with the stack driven through an in-memory port's
 * port layer as hostd wires it: delivery to a TCP socket with the state
 * it moved to, what the host sends and for whom, a datagram that waits
 * for ARP and is completed when it leaves, and drops with their reasons.
 */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "frame.h"
#include "host.h"
#include "mem_port.h"
#include "trace.h"
#include "udp.h"

#define US 0x0a000001u	  /* 10.0.0.1, the host */
#define PEER 0x0a000002u  /* 10.0.0.2, a neighbour it knows */
#define OTHER 0x0a000003u /* 10.0.0.3, one it does not */

static const uint8_t peer_mac[6] = {0x02, 0xee, 0, 0, 0, 2};
static const uint8_t other_mac[6] = {0x02, 0xee, 0, 0, 0, 3};

struct fixture {
	struct host h;
	struct trace tr;
	struct port_set ports;
	struct mem_port *mp;
};

static bool
rx_to_host(struct port *port, const uint8_t *frame, size_t len, void *arg)
{
	struct fixture *f = arg;

	return ipnode_ether_input(&f->h.node, port, frame, len);
}

static void
feed_arp(struct fixture *f, uint16_t op, const uint8_t *mac, uint32_t ip)
{
	uint8_t frame[ETHER_MIN_FRAME];

	arp_build(frame,
		  op == ARP_OP_REQUEST ? ether_broadcast : f->mp->port.mac, op,
		  mac, ip, op == ARP_OP_REPLY ? f->mp->port.mac : NULL, US);
	port_deliver(&f->mp->port, frame, sizeof(frame));
}

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	char err[128];

	if (!f)
		return -1;
	trace_init(&f->tr, "hB", 64);
	f->ports.trace = &f->tr;
	if (host_init(&f->h, NULL, &f->ports) < 0)
		return -1;
	f->h.node.clock = 100.0;
	f->mp = mem_port_new("eth0", 1);
	f->mp->port.rx = rx_to_host;
	f->mp->port.rx_arg = f;
	port_set_add(&f->ports, &f->mp->port);
	if (ipnode_addr_add(&f->h.node, &f->mp->port, US, 24, err,
			    sizeof(err)) < 0)
		return -1;
	/* The peer's MAC, confirmed, before tracing starts. */
	feed_arp(f, ARP_OP_REQUEST, peer_mac, PEER);
	feed_arp(f, ARP_OP_REPLY, peer_mac, PEER);
	mem_port_clear(f->mp);
	assert_int_equal(trace_start(&f->tr, "", err, sizeof(err)), 0);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	host_destroy(&f->h);
	trace_destroy(&f->tr);
	mem_port_free(f->mp);
	free(f);
	return 0;
}

/* Feeds a TCP segment from PEER:40000 to US:dport. */
static void
feed_tcp(struct fixture *f, uint16_t dport, uint8_t flags, uint32_t seq)
{
	uint8_t frame[ETHER_HDR_LEN + IPV4_HDR_LEN + TCP_HDR_LEN];
	uint8_t *ip = frame + ETHER_HDR_LEN, *tcp = ip + IPV4_HDR_LEN;
	struct tcp_hdr *h = (struct tcp_hdr *)tcp;

	ether_build(frame, f->mp->port.mac, peer_mac, ETHERTYPE_IPV4);
	memset(h, 0, sizeof(*h));
	h->sport = htons(40000);
	h->dport = htons(dport);
	h->seq = htonl(seq);
	h->off = (TCP_HDR_LEN / 4) << 4;
	h->flags = flags;
	h->win = htons(65535);
	h->check = htons(tcp_checksum(PEER, US, tcp, TCP_HDR_LEN));
	ipv4_build(ip, 0, 7, 0, 64, IPV4_PROTO_TCP, PEER, US, TCP_HDR_LEN);
	port_deliver(&f->mp->port, frame, sizeof(frame));
}

static json_t *
rows_of(struct fixture *f)
{
	return trace_json(&f->tr);
}

static const char *
field(json_t *rows, size_t i, const char *key)
{
	json_t *v = json_object_get(json_array_get(rows, i), key);

	assert_non_null(v);
	return json_is_null(v) ? NULL : json_string_value(v);
}

static const struct sock_ops no_ops;

static void
test_tcp_delivery_and_state_change(void **state)
{
	struct fixture *f = *state;
	struct tcp_conn *l;
	int owner;
	json_t *rows;

	l = tcp_listen(&f->h.tcp, 0, 80, 4, &no_ops, &owner);
	assert_non_null(l);
	feed_tcp(f, 80, TCP_FLAG_SYN, 5000);
	rows = rows_of(f);
	assert_int_equal(json_array_size(rows), 2);
	assert_string_equal(field(rows, 0, "in"), "eth0");
	assert_string_equal(field(rows, 0, "flags"), "S");
	assert_null(field(rows, 0, "out"));
	assert_string_equal(field(rows, 0, "decision"),
			    "delivered to TCP 10.0.0.1:80 (LISTEN -> "
			    "SYN-RECEIVED)");
	/* The SYN-ACK: a row of its own, sent by that connection. */
	assert_null(field(rows, 1, "in"));
	assert_string_equal(field(rows, 1, "out"), "eth0");
	assert_string_equal(field(rows, 1, "flags"), "S.");
	assert_string_equal(field(rows, 1, "out_dst_mac"), "02:ee:00:00:00:02");
	assert_string_equal(field(rows, 1, "decision"),
			    "sent by TCP 10.0.0.1:80 -> 10.0.0.2:40000 "
			    "(SYN-RECEIVED); next hop 10.0.0.2 is "
			    "02:ee:00:00:00:02 (ARP)");
	json_decref(rows);

	/* No socket on port 81: a reset, said so. */
	feed_tcp(f, 81, TCP_FLAG_SYN, 6000);
	rows = rows_of(f);
	assert_string_equal(field(rows, 2, "decision"),
			    "no TCP socket for port 81: reset");
	assert_string_equal(field(rows, 3, "flags"), "R.");
	json_decref(rows);
	tcp_abort(l);
}

/* A datagram to a neighbour not yet resolved: its row is completed when
 * it leaves, after the ARP reply. */
static void
test_queued_for_arp_completed_when_it_leaves(void **state)
{
	struct fixture *f = *state;
	struct sock s = {.ops = &no_ops};
	const struct mem_frame *out;
	char key[FRAME_KEY_STRLEN];
	json_t *rows;

	assert_int_equal(udp_open(&f->h, &s, 0, 5000), 0);
	assert_int_equal(
	    udp_send_copy(&f->h, &s, OTHER, 7000, (const uint8_t *)"hi", 2), 0);
	rows = rows_of(f);
	assert_int_equal(json_array_size(rows), 2); /* the datagram, ARP */
	assert_null(field(rows, 0, "in"));
	assert_null(field(rows, 0, "out"));
	assert_string_equal(field(rows, 0, "proto"), "udp");
	assert_non_null(strstr(field(rows, 0, "decision"),
			       "next hop 10.0.0.3: waiting for ARP"));
	assert_string_equal(field(rows, 1, "decision"),
			    "ARP request for 10.0.0.3");
	json_decref(rows);

	feed_arp(f, ARP_OP_REPLY, other_mac, OTHER);
	out = mem_port_frame(f->mp, 1);
	assert_non_null(out);
	frame_key_str(frame_key(out->data, out->len), key);
	rows = rows_of(f);
	assert_string_equal(field(rows, 0, "out"), "eth0");
	assert_string_equal(field(rows, 0, "out_dst_mac"), "02:ee:00:00:00:03");
	assert_string_equal(field(rows, 0, "key"), key);
	assert_string_equal(field(rows, 0, "decision"),
			    "sent by UDP 10.0.0.1:5000 -> 10.0.0.3:7000; next "
			    "hop 10.0.0.3: waiting for ARP; next hop 10.0.0.3 "
			    "is 02:ee:00:00:00:03 (ARP)");
	assert_string_equal(field(rows, 2, "decision"),
			    "ARP reply: learned 10.0.0.3 is 02:ee:00:00:00:03");
	json_decref(rows);
	udp_close(&f->h, &s);
}

static void
test_drops_say_why(void **state)
{
	struct fixture *f = *state;
	uint8_t frame[ETHER_HDR_LEN + IPV4_HDR_LEN + 8] = {0};
	json_t *rows;

	ether_build(frame, other_mac, peer_mac, ETHERTYPE_IPV4);
	ipv4_build(frame + ETHER_HDR_LEN, 0, 1, 0, 64, IPV4_PROTO_UDP, PEER, US,
		   8);
	port_deliver(&f->mp->port, frame, sizeof(frame));
	ether_build(frame, f->mp->port.mac, peer_mac, ETHERTYPE_IPV4);
	frame[ETHER_HDR_LEN + 10] ^= 0xff; /* the header checksum */
	port_deliver(&f->mp->port, frame, sizeof(frame));
	rows = rows_of(f);
	assert_string_equal(field(rows, 0, "decision"),
			    "dropped: not for this host");
	assert_string_equal(field(rows, 1, "decision"),
			    "dropped: bad checksum");
	json_decref(rows);
}

int
main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
	    T(test_tcp_delivery_and_state_change),
	    T(test_queued_for_arp_completed_when_it_leaves),
	    T(test_drops_say_why),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}
