/* Frames described for people: fields, tcpdump's words, identity. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "arp.h"
#include "frame.h"
#include "icmp.h"
#include "ipv4.h"

#define A_IP 0x0a00010au /* 10.0.1.10 */
#define B_IP 0x0a000214u /* 10.0.2.20 */

static const uint8_t mac_a[ETHER_ADDR_LEN] = {2, 0, 0, 0, 0, 0xa};
static const uint8_t mac_r[ETHER_ADDR_LEN] = {2, 0, 0, 0, 0, 1};
static const uint8_t mac_r2[ETHER_ADDR_LEN] = {2, 0, 0, 0, 0, 2};
static const uint8_t mac_b[ETHER_ADDR_LEN] = {2, 0, 0, 0, 0, 0xb};

/* An IPv4 frame from A to B around payload; returns its length. */
static size_t
ip_frame(uint8_t *f, uint8_t proto, uint16_t id, uint8_t ttl,
	 const uint8_t *payload, size_t len)
{
	ether_build(f, mac_r, mac_a, ETHERTYPE_IPV4);
	ipv4_build(f + ETHER_HDR_LEN, 0, id, IPV4_FLAG_DF, ttl, proto, A_IP,
		   B_IP, len);
	memcpy(f + ETHER_HDR_LEN + IPV4_HDR_LEN, payload, len);
	return ETHER_HDR_LEN + IPV4_HDR_LEN + len;
}

/* A TCP segment's header (20 bytes) followed by data. */
static size_t
tcp_seg(uint8_t *s, uint8_t flags, uint32_t seq, uint32_t ack, const char *data)
{
	size_t dlen = data ? strlen(data) : 0;

	memset(s, 0, 20);
	s[0] = 49152 >> 8;
	s[1] = 49152 & 0xff;
	s[3] = 80;
	s[4] = (uint8_t)(seq >> 24);
	s[5] = (uint8_t)(seq >> 16);
	s[6] = (uint8_t)(seq >> 8);
	s[7] = (uint8_t)seq;
	s[8] = (uint8_t)(ack >> 24);
	s[9] = (uint8_t)(ack >> 16);
	s[10] = (uint8_t)(ack >> 8);
	s[11] = (uint8_t)ack;
	s[12] = 5 << 4;
	s[13] = flags;
	s[14] = 0xfa;
	s[15] = 0xf0;
	if (dlen)
		memcpy(s + 20, data, dlen);
	return 20 + dlen;
}

static void
test_tcp_summaries_and_flags(void **state)
{
	static const struct {
		uint8_t flags;
		const char *data;
		const char *want_flags;
		const char *want;
	} cases[] = {
	    {0x02, NULL, "S",
	     "IP 10.0.1.10.49152 > 10.0.2.20.80: Flags [S], seq 1000, win "
	     "64240, length 0"},
	    {0x12, NULL, "S.",
	     "IP 10.0.1.10.49152 > 10.0.2.20.80: Flags [S.], seq 1000, ack "
	     "77, win 64240, length 0"},
	    {0x10, NULL, ".",
	     "IP 10.0.1.10.49152 > 10.0.2.20.80: Flags [.], seq 1000, ack 77, "
	     "win 64240, length 0"},
	    {0x18, "GET /", "P.",
	     "IP 10.0.1.10.49152 > 10.0.2.20.80: Flags [P.], seq 1000:1005, "
	     "ack 77, win 64240, length 5"},
	    {0x11, NULL, "F.",
	     "IP 10.0.1.10.49152 > 10.0.2.20.80: Flags [F.], seq 1000, ack 77, "
	     "win 64240, length 0"},
	    {0x04, NULL, "R",
	     "IP 10.0.1.10.49152 > 10.0.2.20.80: Flags [R], seq 1000, win "
	     "64240, length 0"},
	    {0x19, "x", "FP.",
	     "IP 10.0.1.10.49152 > 10.0.2.20.80: Flags [FP.], seq 1000:1001, "
	     "ack 77, win 64240, length 1"},
	};
	uint8_t seg[64], f[128];
	char sum[FRAME_SUMMARY_MAX];
	struct frame_desc d;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t n =
		    tcp_seg(seg, cases[i].flags, 1000, 77, cases[i].data);
		size_t len = ip_frame(f, IPV4_PROTO_TCP, 7, 64, seg, n);

		frame_describe(f, len, &d, sum, sizeof(sum));
		assert_string_equal(d.flags, cases[i].want_flags);
		assert_string_equal(sum, cases[i].want);
		assert_string_equal(d.proto, "tcp");
		assert_int_equal(d.ttl, 64);
		assert_int_equal(d.src_ip, A_IP);
		assert_int_equal(d.dst_ip, B_IP);
		assert_memory_equal(d.src_mac, mac_a, ETHER_ADDR_LEN);
		assert_memory_equal(d.dst_mac, mac_r, ETHER_ADDR_LEN);
	}
}

static void
test_tcp_flags_none(void **state)
{
	char buf[FRAME_FLAGS_MAX];

	(void)state;
	frame_tcp_flags(0, buf);
	assert_string_equal(buf, "none");
	frame_tcp_flags(0xff, buf);
	assert_string_equal(buf, "FSRPUEW.");
}

static void
test_icmp_echo_and_udp(void **state)
{
	uint8_t msg[64], f[128];
	char sum[FRAME_SUMMARY_MAX];
	struct frame_desc d;
	size_t n, len;

	(void)state;
	n = icmp_build_echo(msg, ICMP_TYPE_ECHO, 4, 1, (const uint8_t *)"abcd",
			    4);
	len = ip_frame(f, IPV4_PROTO_ICMP, 9, 63, msg, n);
	frame_describe(f, len, &d, sum, sizeof(sum));
	assert_string_equal(sum, "IP 10.0.1.10 > 10.0.2.20: ICMP echo "
				 "request, id 4, seq 1, length 12");
	assert_string_equal(d.proto, "icmp");
	assert_string_equal(d.flags, "");
	assert_int_equal(d.ttl, 63);

	memset(msg, 0, 8);
	msg[0] = 0x9c;
	msg[1] = 0x40;
	msg[3] = 0x13;
	msg[4] = 0;
	msg[5] = 8 + 3;
	memcpy(msg + 8, "abc", 3);
	len = ip_frame(f, IPV4_PROTO_UDP, 9, 64, msg, 11);
	frame_describe(f, len, &d, sum, sizeof(sum));
	assert_string_equal(sum,
			    "IP 10.0.1.10.40000 > 10.0.2.20.19: UDP, length 3");
	assert_string_equal(d.proto, "udp");
}

/* An ICMP error about a UDP datagram to B's port 33434. */
static void
test_icmp_errors(void **state)
{
	static const struct {
		uint8_t type, code;
		uint16_t mtu;
		const char *want;
	} cases[] = {
	    {ICMP_TYPE_DEST_UNREACH, ICMP_CODE_PORT_UNREACH, 0,
	     "IP 10.0.2.20 > 10.0.1.10: ICMP 10.0.2.20 udp port 33434 "
	     "unreachable, length 36"},
	    {ICMP_TYPE_DEST_UNREACH, ICMP_CODE_HOST_UNREACH, 0,
	     "IP 10.0.2.20 > 10.0.1.10: ICMP host 10.0.2.20 unreachable, "
	     "length 36"},
	    {ICMP_TYPE_DEST_UNREACH, ICMP_CODE_NET_UNREACH, 0,
	     "IP 10.0.2.20 > 10.0.1.10: ICMP net 10.0.2.20 unreachable, "
	     "length 36"},
	    {ICMP_TYPE_DEST_UNREACH, ICMP_CODE_FRAG_NEEDED, 1400,
	     "IP 10.0.2.20 > 10.0.1.10: ICMP 10.0.2.20 unreachable - need to "
	     "frag (mtu 1400), length 36"},
	    {ICMP_TYPE_TIME_EXCEEDED, ICMP_CODE_TTL_EXCEEDED, 0,
	     "IP 10.0.2.20 > 10.0.1.10: ICMP time exceeded in-transit, length "
	     "36"},
	};
	uint8_t orig[64], udp[8] = {0x9c, 0x40, 0x82, 0x9a, 0, 8, 0, 0};
	uint8_t err[ICMP_ERROR_MAX_LEN], f[ICMP_ERROR_MAX_LEN + ETHER_HDR_LEN];
	char sum[FRAME_SUMMARY_MAX];
	struct ipv4_pkt pkt;
	struct frame_desc d;

	(void)state;
	ipv4_build(orig, 0, 1, 0, 1, IPV4_PROTO_UDP, A_IP, B_IP, sizeof(udp));
	memcpy(orig + IPV4_HDR_LEN, udp, sizeof(udp));
	assert_int_equal(ipv4_parse(orig, IPV4_HDR_LEN + sizeof(udp), &pkt),
			 IPV4_ok);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t n = icmp_build_error(err, B_IP, 3, cases[i].type,
					    cases[i].code, cases[i].mtu, &pkt);

		ether_build(f, mac_a, mac_r, ETHERTYPE_IPV4);
		memcpy(f + ETHER_HDR_LEN, err, n);
		frame_describe(f, ETHER_HDR_LEN + n, &d, sum, sizeof(sum));
		assert_string_equal(sum, cases[i].want);
	}
}

static void
test_arp(void **state)
{
	uint8_t f[ETHER_MIN_FRAME];
	char sum[FRAME_SUMMARY_MAX];
	struct frame_desc d;

	(void)state;
	arp_build(f, ether_broadcast, ARP_OP_REQUEST, mac_a, A_IP, NULL,
		  0x0a000101u);
	frame_describe(f, sizeof(f), &d, sum, sizeof(sum));
	assert_string_equal(
	    sum, "ARP, Request who-has 10.0.1.1 tell 10.0.1.10, length 28");
	assert_string_equal(d.proto, "arp");
	assert_true(d.has_ip);
	assert_int_equal(d.src_ip, A_IP);
	assert_int_equal(d.dst_ip, 0x0a000101u);
	assert_int_equal(d.ttl, -1);

	arp_build(f, mac_a, ARP_OP_REPLY, mac_r, 0x0a000101u, mac_a, A_IP);
	frame_describe(f, sizeof(f), &d, sum, sizeof(sum));
	assert_string_equal(sum, "ARP, Reply 10.0.1.1 is-at 02:00:00:00:00:01, "
				 "length 28");
}

/* What a router does to a packet leaves its key alone; anything that
 * makes it another packet changes the key. */
static void
test_key_survives_a_router(void **state)
{
	uint8_t seg[64], f[128], g[128];
	size_t n, len;
	uint64_t key;
	struct frame_desc d;

	(void)state;
	n = tcp_seg(seg, 0x18, 5, 6, "hello");
	len = ip_frame(f, IPV4_PROTO_TCP, 100, 64, seg, n);
	key = frame_key(f, len);

	/* New MACs, TTL one lower, checksum recomputed: the same packet. */
	ip_frame(g, IPV4_PROTO_TCP, 100, 63, seg, n);
	memcpy(g, mac_b, ETHER_ADDR_LEN);
	memcpy(g + ETHER_ADDR_LEN, mac_r2, ETHER_ADDR_LEN);
	assert_int_not_equal(memcmp(f, g, len), 0);
	assert_true(frame_key(g, len) == key);
	frame_describe(g, len, &d, NULL, 0);
	assert_true(d.key == key);
	assert_int_equal(d.ttl, 63);

	/* Padding past the total length is not the packet's. */
	memset(g + len, 0xee, 10);
	assert_true(frame_key(g, len + 10) == key);

	/* Another identification, or other data: another packet. */
	ip_frame(g, IPV4_PROTO_TCP, 101, 64, seg, n);
	assert_true(frame_key(g, len) != key);
	seg[n - 1] = '!';
	ip_frame(g, IPV4_PROTO_TCP, 100, 64, seg, n);
	assert_true(frame_key(g, len) != key);
}

static void
test_key_str(void **state)
{
	char buf[FRAME_KEY_STRLEN];

	(void)state;
	frame_key_str(0x0123456789abcdefull, buf);
	assert_string_equal(buf, "0123456789abcdef");
	frame_key_str(1, buf);
	assert_string_equal(buf, "0000000000000001");
}

static void
test_vlan_and_others(void **state)
{
	uint8_t f[64] = {0};
	char sum[FRAME_SUMMARY_MAX];
	struct frame_desc d;

	(void)state;
	ether_build(f, mac_b, mac_a, ETHERTYPE_VLAN);
	f[14] = 0x00;
	f[15] = 10;
	f[16] = 0x88;
	f[17] = 0xcc;
	frame_describe(f, sizeof(f), &d, sum, sizeof(sum));
	assert_int_equal(d.vlan, 10);
	assert_int_equal(d.ethertype, 0x88cc);
	assert_string_equal(sum, "vlan 10, ethertype 0x88cc, length 64");
	assert_string_equal(d.proto, "ether");

	ether_build(f, mac_b, mac_a, ETHERTYPE_IPV6);
	frame_describe(f, sizeof(f), &d, sum, sizeof(sum));
	assert_string_equal(sum, "IP6, length 50");
	assert_string_equal(d.proto, "ipv6");
}

/* Every prefix of a frame is described without reading past it (the
 * sanitizers watch), and a short summary buffer is never overrun. */
static void
test_truncated_frames(void **state)
{
	uint8_t seg[64], f[128];
	char sum[FRAME_SUMMARY_MAX], tiny[12];
	struct frame_desc d;
	size_t n, len;

	(void)state;
	n = tcp_seg(seg, 0x18, 5, 6, "hello");
	len = ip_frame(f, IPV4_PROTO_TCP, 100, 64, seg, n);
	for (size_t cut = 0; cut <= len; cut++) {
		uint8_t *copy = malloc(cut ? cut : 1);

		memcpy(copy, f, cut);
		frame_describe(copy, cut, &d, sum, sizeof(sum));
		assert_true(strlen(sum) > 0);
		frame_describe(copy, cut, &d, tiny, sizeof(tiny));
		assert_true(strlen(tiny) < sizeof(tiny));
		free(copy);
	}
	frame_describe(f, 10, &d, sum, sizeof(sum));
	assert_string_equal(sum, "truncated frame, length 10");
	frame_describe(f, ETHER_HDR_LEN + 10, &d, sum, sizeof(sum));
	assert_string_equal(sum, "IP truncated or bad header, length 10");
	assert_false(d.has_ip);
	frame_describe(f, ETHER_HDR_LEN + IPV4_HDR_LEN + 10, &d, sum,
		       sizeof(sum));
	assert_string_equal(sum, "IP 10.0.1.10 > 10.0.2.20: tcp [|tcp]");
}

static void
test_fragments(void **state)
{
	uint8_t f[128];
	char sum[FRAME_SUMMARY_MAX];
	struct frame_desc d;
	uint8_t data[24] = {0};

	(void)state;
	ether_build(f, mac_r, mac_a, ETHERTYPE_IPV4);
	ipv4_build(f + ETHER_HDR_LEN, 0, 55, 3, 64, IPV4_PROTO_UDP, A_IP, B_IP,
		   sizeof(data));
	memcpy(f + ETHER_HDR_LEN + IPV4_HDR_LEN, data, sizeof(data));
	frame_describe(f, ETHER_HDR_LEN + IPV4_HDR_LEN + sizeof(data), &d, sum,
		       sizeof(sum));
	assert_string_equal(
	    sum, "IP 10.0.1.10 > 10.0.2.20: ip-proto-17 (frag 55:24@24)");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_tcp_summaries_and_flags),
	    cmocka_unit_test(test_tcp_flags_none),
	    cmocka_unit_test(test_icmp_echo_and_udp),
	    cmocka_unit_test(test_icmp_errors),
	    cmocka_unit_test(test_arp),
	    cmocka_unit_test(test_key_survives_a_router),
	    cmocka_unit_test(test_key_str),
	    cmocka_unit_test(test_vlan_and_others),
	    cmocka_unit_test(test_truncated_frames),
	    cmocka_unit_test(test_fragments),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
