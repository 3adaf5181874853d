/*
 * routerd's forwarding decisions, fed frames through memory ports that
 * record what the router sends: TTL and MAC rewriting, ICMP errors, drops
 * with named reasons, fragmentation, and answers to its own addresses.
 */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "checksum.h"
#include "frame.h"
#include "mem_port.h"
#include "router.h"
#include "trace.h"

#define R_A 0x0a000101 /* 10.0.1.1/24 on a */
#define R_B 0x0a000201 /* 10.0.2.1/24 on b */
#define H_A 0x0a00010a /* 10.0.1.10 behind a */
#define H_B 0x0a000214 /* 10.0.2.20 behind b */

static const uint8_t mac_ha[6] = {0x02, 0, 0, 0, 0xa, 0x10};
static const uint8_t mac_hb[6] = {0x02, 0, 0, 0, 0xb, 0x20};

struct fixture {
	struct router r;
	struct trace tr; /* off unless a test starts it */
	struct port_set ports;
	struct mem_port *a, *b;
};

/* The port layer's hand-over to the router, as routerd wires it. */
static bool
rx_to_router(struct port *port, const uint8_t *frame, size_t len, void *arg)
{
	struct fixture *f = arg;

	return ipnode_ether_input(&f->r.node, port, frame, len);
}

/* A frame arriving on port mp, through the port layer. */
static void
feed(struct mem_port *mp, const uint8_t *frame, size_t len)
{
	port_deliver(&mp->port, frame, len);
}

static int
setup(void **state)
{
	static struct fixture f;
	char err[128];

	memset(&f, 0, sizeof(f));
	trace_init(&f.tr, "r1", 64);
	f.ports.trace = &f.tr;
	assert_int_equal(router_init(&f.r, NULL, &f.ports), 0);
	f.a = mem_port_new("a", 1);
	f.b = mem_port_new("b", 2);
	port_set_add(&f.ports, &f.a->port);
	port_set_add(&f.ports, &f.b->port);
	f.a->port.rx = f.b->port.rx = rx_to_router;
	f.a->port.rx_arg = f.b->port.rx_arg = &f;
	assert_int_equal(
	    ipnode_addr_add(&f.r.node, &f.a->port, R_A, 24, err, sizeof(err)),
	    0);
	assert_int_equal(
	    ipnode_addr_add(&f.r.node, &f.b->port, R_B, 24, err, sizeof(err)),
	    0);
	mem_port_clear(f.a);
	mem_port_clear(f.b);
	*state = &f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	router_destroy(&f->r);
	trace_destroy(&f->tr);
	mem_port_free(f->a);
	mem_port_free(f->b);
	return 0;
}

/* Feeds an ARP packet from a station on port mp. */
static void
feed_arp(struct mem_port *mp, uint16_t op, const uint8_t *mac, uint32_t ip,
	 uint32_t target)
{
	uint8_t frame[ETHER_MIN_FRAME];

	arp_build(frame, op == ARP_OP_REQUEST ? ether_broadcast : mp->port.mac,
		  op, mac, ip, NULL, target);
	feed(mp, frame, sizeof(frame));
}

/*
 * Teaches the router both hosts' MACs, confirmed (reachable), so that
 * nothing but the datagrams under test leaves.
 */
static void
know_hosts(struct fixture *f)
{
	feed_arp(f->a, ARP_OP_REQUEST, mac_ha, H_A, R_A);
	feed_arp(f->b, ARP_OP_REQUEST, mac_hb, H_B, R_B);
	feed_arp(f->a, ARP_OP_REPLY, mac_ha, H_A, R_A);
	feed_arp(f->b, ARP_OP_REPLY, mac_hb, H_B, R_B);
	mem_port_clear(f->a);
	mem_port_clear(f->b);
}

/*
 * An echo request frame from H_A (src_mac) to dst with ttl, size bytes of
 * data and the given fragment word, addressed to eth_dst; returns its
 * length.
 */
static size_t
echo_frame(uint8_t *frame, const uint8_t *eth_dst, uint32_t dst, uint8_t ttl,
	   size_t size, uint16_t frag)
{
	uint8_t data[2000];

	memset(data, 0x61, size);
	ether_build(frame, eth_dst, mac_ha, ETHERTYPE_IPV4);
	icmp_build_echo(frame + ETHER_HDR_LEN + IPV4_HDR_LEN, ICMP_TYPE_ECHO, 7,
			1, data, size);
	ipv4_build(frame + ETHER_HDR_LEN, 0, 99, frag, ttl, IPV4_PROTO_ICMP,
		   H_A, dst, ICMP_HDR_LEN + size);
	return ETHER_HDR_LEN + IPV4_HDR_LEN + ICMP_HDR_LEN + size;
}

/* The IPv4 datagram in the i-th frame sent on mp, checked as valid. */
static struct ipv4_pkt
sent_ip(const struct mem_port *mp, size_t i, struct ether_frame *eth)
{
	const struct mem_frame *fr = mem_port_frame(mp, i);
	struct ipv4_pkt p;

	assert_non_null(fr);
	assert_int_equal(ether_parse(fr->data, fr->len, eth), ETHER_OK);
	assert_int_equal(eth->type, ETHERTYPE_IPV4);
	assert_int_equal(ipv4_parse(eth->payload, eth->payload_len, &p),
			 IPV4_ok);
	return p;
}

/* The ICMP error in the i-th frame sent on mp. */
static struct icmp_msg
sent_icmp(const struct mem_port *mp, size_t i, uint32_t *src)
{
	struct ether_frame eth;
	struct ipv4_pkt p = sent_ip(mp, i, &eth);
	struct icmp_msg m;

	assert_int_equal(p.proto, IPV4_PROTO_ICMP);
	assert_int_equal(icmp_parse(p.payload, p.payload_len, &m), ICMP_ok);
	*src = p.src;
	return m;
}

static void
test_forward_rewrites_macs_and_ttl(void **state)
{
	struct fixture *f = *state;
	uint8_t frame[200], sent_hdr[20];
	struct ether_frame eth;
	struct ipv4_pkt p;
	size_t len = echo_frame(frame, f->a->port.mac, H_B, 64, 56, 0);

	/* Unknown next hop: the router asks, the datagram waits. */
	feed_arp(f->a, ARP_OP_REQUEST, mac_ha, H_A, R_A);
	mem_port_clear(f->a);
	feed(f->a, frame, len);
	assert_int_equal(f->b->nsent, 1);
	assert_int_equal(mem_port_frame(f->b, 0)->data[13], 0x06); /* ARP */
	feed_arp(f->b, ARP_OP_REPLY, mac_hb, H_B, R_B);
	assert_int_equal(f->b->nsent, 2);
	p = sent_ip(f->b, 1, &eth);
	assert_memory_equal(eth.src, f->b->port.mac, 6);
	assert_memory_equal(eth.dst, mac_hb, 6);
	assert_int_equal(p.src, H_A);
	assert_int_equal(p.dst, H_B);
	assert_int_equal(p.ttl, 63);
	/* Only the TTL and checksum changed. */
	memcpy(sent_hdr, p.data, 20);
	sent_hdr[8]++;
	memcpy(sent_hdr + 10, frame + ETHER_HDR_LEN + 10, 2);
	assert_memory_equal(sent_hdr, frame + ETHER_HDR_LEN, 20);
	assert_memory_equal(p.payload, frame + ETHER_HDR_LEN + 20, 64);
	assert_int_equal(f->r.stats[STAT_forwarded], 1);
	assert_int_equal(f->a->nsent, 0);
}

static void
test_ttl_exceeded(void **state)
{
	struct fixture *f = *state;
	uint8_t frame[200];
	struct icmp_msg m;
	uint32_t src;
	size_t len = echo_frame(frame, f->a->port.mac, H_B, 1, 56, 0);

	know_hosts(f);
	feed(f->a, frame, len);
	assert_int_equal(f->b->nsent, 0);
	assert_int_equal(f->a->nsent, 1);
	m = sent_icmp(f->a, 0, &src);
	assert_int_equal(m.type, ICMP_TYPE_TIME_EXCEEDED);
	assert_int_equal(src, R_A);
	/* The error quotes the datagram's header and first 8 bytes. */
	assert_memory_equal(m.body, frame + ETHER_HDR_LEN, 28);
	assert_int_equal(f->r.stats[STAT_ttl_exceeded], 1);
}

static void
test_no_route(void **state)
{
	struct fixture *f = *state;
	uint8_t frame[200];
	struct icmp_msg m;
	uint32_t src;
	size_t len = echo_frame(frame, f->a->port.mac, 0xc0000201, 64, 56, 0);

	know_hosts(f);
	feed(f->a, frame, len);
	m = sent_icmp(f->a, 0, &src);
	assert_int_equal(m.type, ICMP_TYPE_DEST_UNREACH);
	assert_int_equal(m.code, ICMP_CODE_NET_UNREACH);
	assert_int_equal(f->r.stats[STAT_no_route], 1);
}

static void
test_static_route(void **state)
{
	struct fixture *f = *state;
	uint8_t frame[200];
	struct ether_frame eth;
	char err[128];
	size_t len = echo_frame(frame, f->a->port.mac, 0xc0000201, 64, 56, 0);

	know_hosts(f);
	assert_int_equal(ipnode_route_add(&f->r.node, 0xc0000200, 24,
					  0x0a000299, NULL, err, sizeof(err)),
			 0);
	assert_int_equal(
	    ipnode_route_del(&f->r.node, 0xc0000200, 24, err, sizeof(err)), 0);
	assert_int_equal(ipnode_route_add(&f->r.node, 0xc0000200, 24, H_B, NULL,
					  err, sizeof(err)),
			 0);
	feed(f->a, frame, len);
	assert_int_equal(f->b->nsent, 1);
	sent_ip(f->b, 0, &eth);
	assert_memory_equal(eth.dst, mac_hb, 6); /* the gateway's MAC */
	/* Refused: off-subnet gateway, host bits, duplicate, connected. */
	assert_int_equal(ipnode_route_add(&f->r.node, 0xc6336400, 24,
					  0x0b000001, NULL, err, sizeof(err)),
			 -1);
	assert_int_equal(ipnode_route_add(&f->r.node, 0xc6336401, 24, H_B, NULL,
					  err, sizeof(err)),
			 -1);
	assert_int_equal(ipnode_route_add(&f->r.node, 0xc0000200, 24, H_B, NULL,
					  err, sizeof(err)),
			 -1);
	assert_int_equal(
	    ipnode_route_del(&f->r.node, 0x0a000100, 24, err, sizeof(err)), -1);
}

/* A port that loses its carrier takes its connected routes with it, and
 * gets them back with the carrier; an address added meanwhile too. */
static void
test_port_down_withdraws_connected_routes(void **state)
{
	struct fixture *f = *state;
	uint8_t frame[200];
	char err[128];
	size_t len = echo_frame(frame, f->a->port.mac, H_B, 64, 56, 0);

	know_hosts(f);
	f->b->port.up = false;
	ipnode_port_changed(&f->r.node, &f->b->port);
	assert_null(route_get(f->r.node.routes, 0x0a000200, 24));
	assert_non_null(route_get(f->r.node.routes, 0x0a000100, 24));
	assert_int_equal(ipnode_addr_add(&f->r.node, &f->b->port, 0x0a000301,
					 24, err, sizeof(err)),
			 0);
	assert_null(route_get(f->r.node.routes, 0x0a000300, 24));
	feed(f->a, frame, len);
	assert_int_equal(f->b->nsent, 0);
	assert_int_equal(f->r.stats[STAT_no_route], 1);

	f->b->port.up = true;
	ipnode_port_changed(&f->r.node, &f->b->port);
	assert_int_equal(route_get(f->r.node.routes, 0x0a000200, 24)->kind,
			 ROUTE_connected);
	assert_ptr_equal(route_get(f->r.node.routes, 0x0a000300, 24)->port,
			 &f->b->port);
	know_hosts(f);
	mem_port_clear(f->b);
	feed(f->a, frame, len);
	assert_int_equal(f->b->nsent, 1);
}

/* Past 256 routes lookups go through the DIR-24-8 index; when the subnet
 * of their gateway goes, every route through it goes too. */
static void
test_many_static_routes(void **state)
{
	struct fixture *f = *state;
	uint8_t frame[200];
	struct ether_frame eth;
	char err[128];
	size_t len = echo_frame(frame, f->a->port.mac, 0xc6120301, 64, 56, 0);

	know_hosts(f);
	for (uint32_t i = 0; i < 1000; i++)
		assert_int_equal(ipnode_route_add(&f->r.node,
						  0xc6120000 + (i << 8), 24,
						  H_B, NULL, err, sizeof(err)),
				 0);
	assert_int_equal(ipnode_route_add(&f->r.node, 0xcb007100, 24, H_A, NULL,
					  err, sizeof(err)),
			 0);
	assert_true(route_fib_bytes(f->r.node.routes) > 0);
	feed(f->a, frame, len);
	assert_int_equal(f->b->nsent, 1);
	sent_ip(f->b, 0, &eth);
	assert_memory_equal(eth.dst, mac_hb, 6);

	assert_int_equal(
	    ipnode_addr_del(&f->r.node, &f->b->port, R_B, 24, err, sizeof(err)),
	    0);
	/* a's connected route and the route through H_A are left. */
	assert_int_equal(route_count(f->r.node.routes), 2);
	assert_int_equal(route_fib_bytes(f->r.node.routes), 0);
	assert_null(route_lookup(f->r.node.routes, 0xc6120301));
	assert_int_equal(route_lookup(f->r.node.routes, 0xcb007101)->gateway,
			 H_A);
}

static void
test_drops_with_reasons(void **state)
{
	struct fixture *f = *state;
	uint8_t frame[200];
	size_t len;

	know_hosts(f);
	len = echo_frame(frame, f->a->port.mac, H_B, 64, 56, 0);
	frame[ETHER_HDR_LEN + 10] ^= 0x40;
	feed(f->a, frame, len);
	assert_int_equal(f->r.node.stats[IPNODE_ip_bad_checksum], 1);

	len = echo_frame(frame, f->a->port.mac, H_B, 64, 56, 0);
	feed(f->a, frame, ETHER_HDR_LEN + 30);
	assert_int_equal(f->r.node.stats[IPNODE_ip_truncated], 1);

	/* A unicast datagram in a link-layer broadcast is not routed. */
	len = echo_frame(frame, ether_broadcast, H_B, 64, 56, 0);
	feed(f->a, frame, len);
	assert_int_equal(f->r.stats[STAT_link_broadcast], 1);

	/* Martians. */
	len = echo_frame(frame, f->a->port.mac, 0x7f000001, 64, 56, 0);
	feed(f->a, frame, len);
	assert_int_equal(f->r.stats[STAT_martian_destination], 1);
	len = echo_frame(frame, f->a->port.mac, 0x0a0002ff, 64, 56, 0);
	feed(f->a, frame, len);
	assert_int_equal(f->r.stats[STAT_broadcast], 1);

	/* For another station (flooded by a switch). */
	len = echo_frame(frame, mac_hb, H_B, 64, 56, 0);
	feed(f->a, frame, len);
	assert_int_equal(f->r.node.stats[IPNODE_eth_other_host], 1);

	assert_int_equal(f->a->nsent, 0);
	assert_int_equal(f->b->nsent, 0);
	assert_int_equal(f->r.stats[STAT_forwarded], 0);
	assert_int_equal(f->a->port.cnt.rx_dropped, 6);
}

static void
test_fragmentation(void **state)
{
	struct fixture *f = *state;
	static uint8_t frame[1600];
	struct ether_frame eth;
	struct icmp_msg m;
	struct ipv4_pkt p;
	uint32_t src;
	size_t len, total = 0;

	know_hosts(f);
	f->b->port.mtu = 1000;
	/* DF and too big: fragmentation needed with the next-hop MTU. */
	len = echo_frame(frame, f->a->port.mac, H_B, 64, 1400, IPV4_FLAG_DF);
	feed(f->a, frame, len);
	assert_int_equal(f->b->nsent, 0);
	m = sent_icmp(f->a, 0, &src);
	assert_int_equal(m.type, ICMP_TYPE_DEST_UNREACH);
	assert_int_equal(m.code, ICMP_CODE_FRAG_NEEDED);
	assert_int_equal(m.mtu, 1000);
	assert_int_equal(f->r.stats[STAT_frag_needed], 1);
	/* Without DF: fragments that fit. */
	len = echo_frame(frame, f->a->port.mac, H_B, 64, 1400, 0);
	feed(f->a, frame, len);
	assert_int_equal(f->b->nsent, 2);
	for (size_t i = 0; i < 2; i++) {
		p = sent_ip(f->b, i, &eth);
		assert_true(p.len <= 1000);
		assert_int_equal(p.ttl, 63);
		total += p.payload_len;
	}
	assert_int_equal(total, 1408);
	assert_int_equal(f->r.stats[STAT_fragmented], 1);
}

static void
test_arp_failure_host_unreachable(void **state)
{
	struct fixture *f = *state;
	uint8_t frame[200];
	struct icmp_msg m;
	uint32_t src;
	size_t len = echo_frame(frame, f->a->port.mac, 0x0a000299, 64, 56, 0);

	know_hosts(f);
	feed(f->a, frame, len);
	for (int t = 1; t <= 3; t++) {
		f->r.node.clock = t;
		arp_cache_expire(&f->r.node.arp, t);
	}
	assert_int_equal(f->b->nsent, 3); /* three requests */
	assert_int_equal(f->a->nsent, 1);
	m = sent_icmp(f->a, 0, &src);
	assert_int_equal(m.type, ICMP_TYPE_DEST_UNREACH);
	assert_int_equal(m.code, ICMP_CODE_HOST_UNREACH);
	assert_int_equal(src, R_A);
}

static void
test_echo_reply_from_each_address(void **state)
{
	struct fixture *f = *state;
	uint8_t frame[200];
	struct ether_frame eth;
	struct ipv4_pkt p;
	struct icmp_msg m;
	size_t len;
	const uint32_t addrs[2] = {R_A, R_B};

	know_hosts(f);
	for (size_t i = 0; i < 2; i++) {
		len = echo_frame(frame, f->a->port.mac, addrs[i], 64, 56, 0);
		feed(f->a, frame, len);
		p = sent_ip(f->a, i, &eth);
		assert_memory_equal(eth.dst, mac_ha, 6);
		assert_int_equal(p.src, addrs[i]);
		assert_int_equal(p.dst, H_A);
		assert_int_equal(icmp_parse(p.payload, p.payload_len, &m),
				 ICMP_ok);
		assert_int_equal(m.type, ICMP_TYPE_ECHO_REPLY);
		assert_int_equal(m.id, 7);
		assert_int_equal(m.body_len, 56);
	}
	/* Never an error about an ICMP error. */
	len = echo_frame(frame, f->a->port.mac, 0xc0000201, 64, 56, 0);
	frame[ETHER_HDR_LEN + IPV4_HDR_LEN] = ICMP_TYPE_DEST_UNREACH;
	feed(f->a, frame, len);
	assert_int_equal(f->a->nsent, 2);
	assert_int_equal(f->r.node.stats[IPNODE_icmp_errors_not_allowed], 1);
}

/* --- traces ------------------------------------------------------------ */

static void
trace_on(struct fixture *f, const char *filter)
{
	char err[CAPTURE_ERR_MAX];

	assert_int_equal(trace_start(&f->tr, filter, err, sizeof(err)), 0);
}

/* The first row of the trace whose key is key, or NULL; a new ref. */
static json_t *
trace_row_of(struct fixture *f, uint64_t key)
{
	json_t *rows = trace_json(&f->tr), *r, *found = NULL;
	char k[FRAME_KEY_STRLEN];
	size_t i;

	frame_key_str(key, k);
	json_array_foreach(rows, i, r)
	{
		if (!found &&
		    !strcmp(json_string_value(json_object_get(r, "key")), k))
			found = json_incref(r);
	}
	json_decref(rows);
	return found;
}

static const char *
field(json_t *row, const char *key)
{
	json_t *v = json_object_get(row, key);

	assert_non_null(v);
	return json_is_null(v) ? NULL : json_string_value(v);
}

static void
test_trace_forwarded(void **state)
{
	struct fixture *f = *state;
	uint8_t frame[200];
	char mac_b[ETHER_ADDR_STRLEN];
	size_t len = echo_frame(frame, f->a->port.mac, H_B, 64, 56, 0);
	const struct mem_frame *out;
	json_t *row;

	know_hosts(f);
	trace_on(f, "icmp");
	feed(f->a, frame, len);
	out = mem_port_frame(f->b, 0);
	assert_non_null(out);
	/* The same packet at both sides, one row. */
	assert_int_equal(frame_key(out->data, out->len), frame_key(frame, len));
	row = trace_row_of(f, frame_key(frame, len));
	assert_non_null(row);
	assert_string_equal(field(row, "in"), "a");
	assert_string_equal(field(row, "out"), "b");
	assert_string_equal(field(row, "in_src_mac"), "02:00:00:00:0a:10");
	assert_string_equal(field(row, "out_src_mac"),
			    ether_ntoa_buf(f->b->port.mac, mac_b));
	assert_string_equal(field(row, "out_dst_mac"), "02:00:00:00:0b:20");
	assert_int_equal(json_integer_value(json_object_get(row, "in_ttl")),
			 64);
	assert_int_equal(json_integer_value(json_object_get(row, "out_ttl")),
			 63);
	assert_string_equal(field(row, "decision"),
			    "route 10.0.2.0/24 (connected) via b; next hop "
			    "10.0.2.20 is 02:00:00:00:0b:20 (ARP); TTL 64 -> "
			    "63");
	json_decref(row);
	assert_int_equal(f->tr.rows, 1); /* the filter kept ARP out */
}

/* A datagram that waits for ARP: its row is completed when it leaves. */
static void
test_trace_completed_after_arp(void **state)
{
	struct fixture *f = *state;
	uint8_t frame[200];
	size_t len = echo_frame(frame, f->a->port.mac, H_B, 64, 56, 0);
	json_t *row;

	feed_arp(f->a, ARP_OP_REQUEST, mac_ha, H_A, R_A);
	trace_on(f, "");
	feed(f->a, frame, len);
	row = trace_row_of(f, frame_key(frame, len));
	assert_non_null(row);
	assert_null(field(row, "out"));
	assert_null(field(row, "out_dst_mac"));
	assert_non_null(strstr(field(row, "decision"),
			       "next hop 10.0.2.20: waiting for ARP"));
	json_decref(row);

	f->r.node.clock = 0.5;
	feed_arp(f->b, ARP_OP_REPLY, mac_hb, H_B, R_B);
	row = trace_row_of(f, frame_key(frame, len));
	assert_string_equal(field(row, "out"), "b");
	assert_string_equal(field(row, "out_dst_mac"), "02:00:00:00:0b:20");
	assert_int_equal(json_integer_value(json_object_get(row, "out_ttl")),
			 63);
	assert_non_null(
	    strstr(field(row, "decision"),
		   "next hop 10.0.2.20 is 02:00:00:00:0b:20 (ARP)"));
	json_decref(row);
}

/* One that never leaves says why. */
static void
test_trace_never_sent(void **state)
{
	struct fixture *f = *state;
	uint8_t frame[200];
	size_t len = echo_frame(frame, f->a->port.mac, 0x0a000299, 64, 56, 0);
	json_t *row;

	know_hosts(f);
	trace_on(f, "");
	feed(f->a, frame, len);
	for (int t = 1; t <= 3; t++) {
		f->r.node.clock = t;
		arp_cache_expire(&f->r.node.arp, t);
	}
	row = trace_row_of(f, frame_key(frame, len));
	assert_null(field(row, "out"));
	assert_non_null(strstr(field(row, "decision"),
			       "never sent: the next hop did not answer ARP: "
			       "ICMP host unreachable sent to 10.0.1.10"));
	json_decref(row);
}

static void
test_trace_ttl_expired(void **state)
{
	struct fixture *f = *state;
	uint8_t frame[200];
	size_t len = echo_frame(frame, f->a->port.mac, H_B, 1, 56, 0);
	json_t *rows, *row;

	know_hosts(f);
	trace_on(f, "");
	feed(f->a, frame, len);
	row = trace_row_of(f, frame_key(frame, len));
	assert_null(field(row, "out"));
	assert_string_equal(
	    field(row, "decision"),
	    "TTL expired: ICMP time exceeded sent to 10.0.1.10");
	json_decref(row);
	/* The error is a row of its own, originated. */
	rows = trace_json(&f->tr);
	assert_int_equal(json_array_size(rows), 2);
	row = json_array_get(rows, 1);
	assert_null(field(row, "in"));
	assert_string_equal(field(row, "out"), "a");
	assert_string_equal(
	    field(row, "decision"),
	    "ICMP time exceeded to 10.0.1.10; next hop 10.0.1.10 "
	    "is 02:00:00:00:0a:10 (ARP)");
	json_decref(rows);
}

/*
 * A frame handed over as a ring hands it (port_deliver_mut) is forwarded
 * by rewriting it in place; byte for byte, what leaves is what the
 * general way sends for the same frame, over random datagrams, TTLs,
 * sizes and Ethernet padding, and the counters agree.
 */
static void
test_fast_path_same_frames(void **state)
{
	struct fixture *f = *state;
	uint32_t seed = 99;
	uint64_t tx;

	know_hosts(f);
	tx = f->b->port.cnt.tx_packets;
	for (int i = 0; i < 300; i++) {
		uint8_t general[1600], fast[1600];
		size_t size = (size_t)(i * 37 % 1400), len, wire;
		uint8_t ttl = (uint8_t)(2 + i % 254);
		const struct mem_frame *a, *b;

		len = echo_frame(general, f->a->port.mac, H_B, ttl, size,
				 i % 3 ? IPV4_FLAG_DF : 0);
		/* Short frames come padded, with whatever the sender had. */
		wire = len < ETHER_MIN_FRAME ? ETHER_MIN_FRAME : len;
		for (size_t j = len; j < wire + 8; j++) {
			seed = seed * 1103515245 + 12345;
			general[j] = (uint8_t)(seed >> 16);
		}
		wire += (size_t)(i % 2) * 8;
		memcpy(fast, general, wire);
		feed(f->a, general, wire);
		port_deliver_mut(&f->a->port, fast, wire);
		assert_int_equal(f->b->nsent, 2);
		a = mem_port_frame(f->b, 0);
		b = mem_port_frame(f->b, 1);
		assert_int_equal(a->len, b->len);
		assert_memory_equal(a->data, b->data, a->len);
		/* The fast way wrote over the frame it was given. */
		assert_memory_equal(fast, mac_hb, 6);
		mem_port_clear(f->b);
	}
	assert_int_equal(f->r.stats[STAT_forwarded], 600);
	assert_int_equal(f->a->port.cnt.rx_dropped, 0);
	assert_int_equal(f->b->port.cnt.tx_packets - tx, 600);
	assert_int_equal(f->a->nsent, 0);
}

/* Whatever the fast way cannot do, the general way does. */
static void
test_fast_path_falls_back(void **state)
{
	struct fixture *f = *state;
	uint8_t frame[200];
	size_t len = echo_frame(frame, f->a->port.mac, H_B, 64, 56, 0);

	/* The next hop is unknown: the datagram waits, the frame is kept. */
	feed_arp(f->a, ARP_OP_REQUEST, mac_ha, H_A, R_A);
	mem_port_clear(f->a);
	port_deliver_mut(&f->a->port, frame, len);
	assert_int_equal(f->b->nsent, 1);
	assert_int_equal(mem_port_frame(f->b, 0)->data[13], 0x06); /* ARP */
	assert_memory_equal(frame, f->a->port.mac, 6);
	feed_arp(f->b, ARP_OP_REPLY, mac_hb, H_B, R_B);
	assert_int_equal(f->b->nsent, 2);
	assert_int_equal(sent_ip(f->b, 1, &(struct ether_frame){0}).ttl, 63);
	/* TTL 1: time exceeded (after an ARP probe), the frame untouched. */
	mem_port_clear(f->a);
	len = echo_frame(frame, f->a->port.mac, H_B, 1, 56, 0);
	port_deliver_mut(&f->a->port, frame, len);
	assert_int_equal(f->a->nsent, 2);
	assert_int_equal(frame[ETHER_HDR_LEN + 8], 1);
	assert_memory_equal(frame, f->a->port.mac, 6);
	assert_int_equal(f->r.stats[STAT_forwarded], 1);
	assert_int_equal(f->r.stats[STAT_ttl_exceeded], 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_forward_rewrites_macs_and_ttl,
					    setup, teardown),
	    cmocka_unit_test_setup_teardown(test_ttl_exceeded, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_no_route, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_static_route, setup, teardown),
	    cmocka_unit_test_setup_teardown(
		test_port_down_withdraws_connected_routes, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_many_static_routes, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_drops_with_reasons, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_fragmentation, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_arp_failure_host_unreachable,
					    setup, teardown),
	    cmocka_unit_test_setup_teardown(test_echo_reply_from_each_address,
					    setup, teardown),
	    cmocka_unit_test_setup_teardown(test_trace_forwarded, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_trace_completed_after_arp,
					    setup, teardown),
	    cmocka_unit_test_setup_teardown(test_trace_never_sent, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_trace_ttl_expired, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_fast_path_same_frames, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_fast_path_falls_back, setup,
					    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
