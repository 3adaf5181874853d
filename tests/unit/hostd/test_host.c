/*
 * hostd's stack driven through an in-memory port: what it transmits for
 * ARP, ICMP, UDP and reassembly, with a clock the test moves.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <cmocka.h>

#include "checksum.h"
#include "host.h"
#include "mem_port.h"
#include "udp.h"

#define US 0x0a000001u	 /* 10.0.0.1, the host */
#define PEER 0x0a000002u /* 10.0.0.2, a neighbour */

static const uint8_t peer_mac[6] = {0x02, 0xee, 0, 0, 0, 2};

struct fixture {
	struct host h;
	struct port_set ports;
	struct mem_port *mp;
};

struct sink {
	struct sock sock;
	int datagrams;
	uint32_t src;
	uint16_t sport;
	uint8_t data[4096];
	size_t len;
	int errors;
	uint8_t err_type, err_code;
	uint32_t err_from;
	uint16_t err_dport;
};

static void
sink_recv(struct sock *s, const struct sock_dgram *d)
{
	struct sink *k = (struct sink *)s;

	k->datagrams++;
	k->src = d->src;
	k->sport = d->sport;
	k->len = d->len < sizeof(k->data) ? d->len : sizeof(k->data);
	memcpy(k->data, d->data, k->len);
}

static void
sink_error(struct sock *s, const struct sock_error *e)
{
	struct sink *k = (struct sink *)s;

	k->errors++;
	k->err_type = e->type;
	k->err_code = e->code;
	k->err_from = e->from;
	k->err_dport = e->dport;
}

static const struct sock_ops sink_ops = {.recv = sink_recv,
					 .error = sink_error};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	char err[128];

	if (!f || host_init(&f->h, NULL, &f->ports) < 0)
		return -1;
	f->h.node.clock = 100.0;
	f->mp = mem_port_new("eth0", 1);
	port_set_add(&f->ports, &f->mp->port);
	if (ipnode_addr_add(&f->h.node, &f->mp->port, US, 24, err,
			    sizeof(err)) < 0)
		return -1;
	mem_port_clear(f->mp); /* the gratuitous ARP */
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	host_destroy(&f->h);
	mem_port_free(f->mp);
	free(f);
	return 0;
}

/* Feeds a frame from the peer carrying an IPv4 datagram. */
static void
feed_ip(struct fixture *f, const uint8_t *dgram, size_t len)
{
	uint8_t frame[ETHER_HDR_LEN + 65536];

	ether_build(frame, f->mp->port.mac, peer_mac, ETHERTYPE_IPV4);
	memcpy(frame + ETHER_HDR_LEN, dgram, len);
	ipnode_ether_input(&f->h.node, &f->mp->port, frame,
			   ETHER_HDR_LEN + len);
}

/* A UDP datagram from PEER:sport to US:dport; returns its length. */
static size_t
build_udp(uint8_t *buf, uint16_t sport, uint16_t dport, const char *text,
	  uint16_t id, uint16_t frag)
{
	size_t len = strlen(text);
	struct udp_hdr *u = (struct udp_hdr *)(buf + IPV4_HDR_LEN);

	u->sport = htons(sport);
	u->dport = htons(dport);
	u->len = htons((uint16_t)(UDP_HDR_LEN + len));
	u->check = 0;
	memcpy(buf + IPV4_HDR_LEN + UDP_HDR_LEN, text, len);
	u->check =
	    htons(udp_checksum(PEER, US, (uint8_t *)u, UDP_HDR_LEN + len));
	return ipv4_build(buf, 0, id, frag, 64, IPV4_PROTO_UDP, PEER, US,
			  UDP_HDR_LEN + len) +
	       UDP_HDR_LEN + len;
}

/*
 * Makes the host know the peer's MAC as reachable: a request from it
 * creates the entry, a reply confirms it.
 */
static void
learn_peer(struct fixture *f)
{
	uint8_t frame[ETHER_MIN_FRAME];
	size_t len = arp_build(frame, ether_broadcast, ARP_OP_REQUEST, peer_mac,
			       PEER, NULL, US);

	ipnode_ether_input(&f->h.node, &f->mp->port, frame, len);
	len = arp_build(frame, f->mp->port.mac, ARP_OP_REPLY, peer_mac, PEER,
			f->mp->port.mac, US);
	ipnode_ether_input(&f->h.node, &f->mp->port, frame, len);
	mem_port_clear(f->mp);
}

/* The IPv4 datagram of sent frame i, checked to be for the peer's MAC. */
static const uint8_t *
sent_ip(struct fixture *f, size_t i, size_t *len)
{
	const struct mem_frame *fr = mem_port_frame(f->mp, i);

	assert_non_null(fr);
	assert_memory_equal(fr->data, peer_mac, 6);
	assert_int_equal(fr->data[12] << 8 | fr->data[13], ETHERTYPE_IPV4);
	*len = fr->len - ETHER_HDR_LEN;
	return fr->data + ETHER_HDR_LEN;
}

static void
test_arp_resolves_and_queues(void **state)
{
	struct fixture *f = *state;
	struct sink k = {.sock.ops = &sink_ops};
	const struct mem_frame *fr;
	uint8_t reply[ETHER_MIN_FRAME];
	size_t len;

	assert_int_equal(udp_open(&f->h, &k.sock, 0, 0), 0);
	assert_int_equal(
	    udp_send_copy(&f->h, &k.sock, PEER, 9, (uint8_t *)"a", 1), 0);
	assert_int_equal(
	    udp_send_copy(&f->h, &k.sock, PEER, 9, (uint8_t *)"b", 1), 0);
	/* One broadcast request; both datagrams wait. */
	assert_int_equal(f->mp->nsent, 1);
	fr = mem_port_frame(f->mp, 0);
	assert_true(ether_is_broadcast(fr->data));
	assert_int_equal(fr->data[12] << 8 | fr->data[13], ETHERTYPE_ARP);
	mem_port_clear(f->mp);
	len = arp_build(reply, f->mp->port.mac, ARP_OP_REPLY, peer_mac, PEER,
			f->mp->port.mac, US);
	ipnode_ether_input(&f->h.node, &f->mp->port, reply, len);
	assert_int_equal(f->mp->nsent, 2);
	sent_ip(f, 0, &len);
	sent_ip(f, 1, &len);
	udp_close(&f->h, &k.sock);
}

static void
test_arp_request_answered(void **state)
{
	struct fixture *f = *state;
	uint8_t req[ETHER_MIN_FRAME];
	const struct mem_frame *fr;
	struct arp_msg m;
	size_t len = arp_build(req, ether_broadcast, ARP_OP_REQUEST, peer_mac,
			       PEER, NULL, US);

	ipnode_ether_input(&f->h.node, &f->mp->port, req, len);
	assert_int_equal(f->mp->nsent, 1);
	fr = mem_port_frame(f->mp, 0);
	assert_int_equal(
	    arp_parse(fr->data + ETHER_HDR_LEN, fr->len - ETHER_HDR_LEN, &m),
	    ARP_ok);
	assert_int_equal(m.op, ARP_OP_REPLY);
	assert_int_equal(m.spa, US);
	assert_memory_equal(m.sha, f->mp->port.mac, 6);
}

static void
test_echo_request_answered(void **state)
{
	struct fixture *f = *state;
	uint8_t dgram[128];
	const uint8_t *out;
	struct ipv4_pkt pkt;
	struct icmp_msg m;
	size_t icmp_len, len;

	learn_peer(f);
	icmp_len = icmp_build_echo(dgram + IPV4_HDR_LEN, ICMP_TYPE_ECHO, 7, 3,
				   (const uint8_t *)"hello", 5);
	len = ipv4_build(dgram, 0, 1, 0, 64, IPV4_PROTO_ICMP, PEER, US,
			 icmp_len) +
	      icmp_len;
	feed_ip(f, dgram, len);
	assert_int_equal(f->mp->nsent, 1);
	out = sent_ip(f, 0, &len);
	assert_int_equal(ipv4_parse(out, len, &pkt), IPV4_ok);
	assert_int_equal(pkt.src, US);
	assert_int_equal(pkt.dst, PEER);
	assert_int_equal(icmp_parse(pkt.payload, pkt.payload_len, &m), ICMP_ok);
	assert_int_equal(m.type, ICMP_TYPE_ECHO_REPLY);
	assert_int_equal(m.id, 7);
	assert_int_equal(m.seq, 3);
	assert_memory_equal(m.body, "hello", 5);
}

static void
test_closed_port_unreachable(void **state)
{
	struct fixture *f = *state;
	uint8_t dgram[128];
	const uint8_t *out;
	struct ipv4_pkt pkt;
	struct icmp_msg m;
	size_t len;

	learn_peer(f);
	len = build_udp(dgram, 1234, 4321, "knock", 5, 0);
	feed_ip(f, dgram, len);
	assert_int_equal(f->h.stats[STAT_udp_no_port], 1);
	assert_int_equal(f->mp->nsent, 1);
	out = sent_ip(f, 0, &len);
	assert_int_equal(ipv4_parse(out, len, &pkt), IPV4_ok);
	assert_int_equal(icmp_parse(pkt.payload, pkt.payload_len, &m), ICMP_ok);
	assert_int_equal(m.type, ICMP_TYPE_DEST_UNREACH);
	assert_int_equal(m.code, ICMP_CODE_PORT_UNREACH);
	/* It quotes the datagram: its header and the UDP header. */
	assert_memory_equal(m.body, dgram, IPV4_HDR_LEN + UDP_HDR_LEN);
}

static void
test_bad_udp_checksum_dropped(void **state)
{
	struct fixture *f = *state;
	struct sink k = {.sock.ops = &sink_ops};
	uint8_t dgram[128];
	size_t len;

	assert_int_equal(udp_open(&f->h, &k.sock, 0, 5000), 0);
	len = build_udp(dgram, 1234, 5000, "data", 5, 0);
	dgram[len - 1] ^= 0xff;
	feed_ip(f, dgram, len);
	assert_int_equal(f->h.stats[STAT_udp_bad_checksum], 1);
	assert_int_equal(k.datagrams, 0);
	assert_int_equal(f->mp->nsent, 0);
	udp_close(&f->h, &k.sock);
}

static void
test_udp_demultiplexing(void **state)
{
	struct fixture *f = *state;
	struct sink any = {.sock.ops = &sink_ops};
	struct sink conn = {.sock.ops = &sink_ops};
	struct sink other = {.sock.ops = &sink_ops};
	uint8_t dgram[128];
	size_t len;

	assert_int_equal(udp_open(&f->h, &any.sock, 0, 5000), 0);
	assert_int_equal(udp_open(&f->h, &other.sock, 0, 5001), 0);
	/* The same port twice is refused. */
	assert_int_equal(udp_open(&f->h, &conn.sock, 0, 5000), -1);
	len = build_udp(dgram, 1234, 5000, "to-any", 5, 0);
	feed_ip(f, dgram, len);
	assert_int_equal(any.datagrams, 1);
	assert_int_equal(other.datagrams, 0);
	assert_int_equal(any.src, PEER);
	assert_int_equal(any.sport, 1234);
	assert_int_equal(any.len, 6);
	assert_memory_equal(any.data, "to-any", 6);
	/* A connected socket on an address wins over the wildcard. */
	udp_close(&f->h, &other.sock);
	assert_int_equal(udp_open(&f->h, &other.sock, US, 5001), 0);
	assert_int_equal(udp_connect(&f->h, &other.sock, PEER, 1234), 0);
	len = build_udp(dgram, 1234, 5001, "to-conn", 6, 0);
	feed_ip(f, dgram, len);
	assert_int_equal(other.datagrams, 1);
	len = build_udp(dgram, 1235, 5001, "stranger", 7, 0);
	feed_ip(f, dgram, len);
	assert_int_equal(other.datagrams, 1);
	assert_int_equal(f->h.stats[STAT_udp_no_port], 1);
	udp_close(&f->h, &any.sock);
	udp_close(&f->h, &other.sock);
}

static void
test_ephemeral_ports(void **state)
{
	struct fixture *f = *state;
	struct sink k[4];

	for (int i = 0; i < 4; i++) {
		memset(&k[i], 0, sizeof(k[i]));
		k[i].sock.ops = &sink_ops;
		assert_int_equal(udp_open(&f->h, &k[i].sock, 0, 0), 0);
		assert_true(k[i].sock.lport >= SOCK_EPHEMERAL_MIN);
		for (int j = 0; j < i; j++)
			assert_int_not_equal(k[i].sock.lport, k[j].sock.lport);
	}
	for (int i = 0; i < 4; i++)
		udp_close(&f->h, &k[i].sock);
}

static void
test_icmp_error_reaches_socket(void **state)
{
	struct fixture *f = *state;
	struct sink k = {.sock.ops = &sink_ops};
	uint8_t err[ICMP_ERROR_MAX_LEN];
	const uint8_t *out;
	struct ipv4_pkt sent;
	size_t len;

	learn_peer(f);
	assert_int_equal(udp_open(&f->h, &k.sock, 0, 0), 0);
	assert_int_equal(
	    udp_send_copy(&f->h, &k.sock, PEER, 53, (uint8_t *)"q", 1), 0);
	out = sent_ip(f, 0, &len);
	assert_int_equal(ipv4_parse(out, len, &sent), IPV4_ok);
	len = icmp_build_error(err, PEER, 9, ICMP_TYPE_DEST_UNREACH,
			       ICMP_CODE_PORT_UNREACH, 0, &sent);
	feed_ip(f, err, len);
	assert_int_equal(k.errors, 1);
	assert_int_equal(k.err_type, ICMP_TYPE_DEST_UNREACH);
	assert_int_equal(k.err_code, ICMP_CODE_PORT_UNREACH);
	assert_int_equal(k.err_from, PEER);
	assert_int_equal(k.err_dport, 53);
	udp_close(&f->h, &k.sock);
}

static void
test_output_fragments_to_mtu(void **state)
{
	struct fixture *f = *state;
	struct sink k = {.sock.ops = &sink_ops};
	static uint8_t data[3000];
	size_t total = 0, len;

	learn_peer(f);
	assert_int_equal(udp_open(&f->h, &k.sock, 0, 0), 0);
	assert_int_equal(
	    udp_send_copy(&f->h, &k.sock, PEER, 9, data, sizeof(data)), 0);
	assert_int_equal(f->mp->nsent, 3);
	for (size_t i = 0; i < 3; i++) {
		struct ipv4_pkt p;
		const uint8_t *out = sent_ip(f, i, &len);

		assert_true(len <= f->mp->port.mtu);
		assert_int_equal(ipv4_parse(out, len, &p), IPV4_ok);
		assert_int_equal(p.frag & IPV4_OFFSET_MASK, total / 8);
		assert_int_equal(!!(p.frag & IPV4_FLAG_MF), i < 2);
		total += p.payload_len;
	}
	assert_int_equal(total, UDP_HDR_LEN + sizeof(data));
	udp_close(&f->h, &k.sock);
}

/* Cuts a UDP datagram of payload text into fragments at byte offsets. */
static size_t
fragment(uint8_t *out, const uint8_t *whole, size_t off, size_t len, bool more,
	 uint16_t id)
{
	memcpy(out + IPV4_HDR_LEN, whole + IPV4_HDR_LEN + off, len);
	return ipv4_build(out, 0, id,
			  (uint16_t)((more ? IPV4_FLAG_MF : 0) | off / 8), 64,
			  IPV4_PROTO_UDP, PEER, US, len) +
	       len;
}

static void
test_reassembly_out_of_order(void **state)
{
	struct fixture *f = *state;
	struct sink k = {.sock.ops = &sink_ops};
	char text[100];
	uint8_t whole[256], frag[256];
	size_t len;

	memset(text, 'x', sizeof(text) - 1);
	text[sizeof(text) - 1] = '\0';
	text[0] = 'A';
	text[98] = 'Z';
	assert_int_equal(udp_open(&f->h, &k.sock, 0, 6000), 0);
	build_udp(whole, 1, 6000, text, 42, 0);
	/* 107 bytes of UDP: fragments at 96, 48, 0 (last first). */
	feed_ip(f, frag, fragment(frag, whole, 96, 11, false, 42));
	feed_ip(f, frag, fragment(frag, whole, 48, 48, true, 42));
	assert_int_equal(k.datagrams, 0);
	assert_int_equal(f->h.node.reass.count, 1);
	feed_ip(f, frag, fragment(frag, whole, 0, 48, true, 42));
	assert_int_equal(k.datagrams, 1);
	assert_int_equal(k.len, 99);
	assert_memory_equal(k.data, text, 99);
	assert_int_equal(f->h.node.reass.count, 0);
	assert_int_equal(f->h.node.reass.stats[IP_REASS_reass_ok], 1);
	(void)len;
	udp_close(&f->h, &k.sock);
}

static void
test_reassembly_overlap_dropped(void **state)
{
	struct fixture *f = *state;
	struct sink k = {.sock.ops = &sink_ops};
	uint8_t whole[256], frag[256];
	char text[100];

	memset(text, 'y', sizeof(text) - 1);
	text[sizeof(text) - 1] = '\0';
	assert_int_equal(udp_open(&f->h, &k.sock, 0, 6000), 0);
	build_udp(whole, 1, 6000, text, 43, 0);
	feed_ip(f, frag, fragment(frag, whole, 0, 56, true, 43));
	/* Overlaps bytes 48..55 of the first. */
	feed_ip(f, frag, fragment(frag, whole, 48, 59, false, 43));
	assert_int_equal(f->h.node.reass.stats[IP_REASS_reass_overlap], 1);
	assert_int_equal(f->h.node.reass.count, 0);
	/* What arrives after is a new, incomplete datagram: nothing out. */
	feed_ip(f, frag, fragment(frag, whole, 56, 51, false, 43));
	assert_int_equal(k.datagrams, 0);
	udp_close(&f->h, &k.sock);
}

static void
test_reassembly_timeout(void **state)
{
	struct fixture *f = *state;
	uint8_t whole[256], frag[256];
	const uint8_t *out;
	struct ipv4_pkt p;
	struct icmp_msg m;
	char text[100];
	size_t len;

	learn_peer(f);
	memset(text, 'z', sizeof(text) - 1);
	text[sizeof(text) - 1] = '\0';
	build_udp(whole, 1, 6000, text, 44, 0);
	feed_ip(f, frag, fragment(frag, whole, 0, 48, true, 44));
	f->h.node.clock += IP_REASS_TIMEOUT - 1;
	ip_reass_expire(&f->h.node.reass, f->h.node.clock);
	assert_int_equal(f->h.node.reass.count, 1);
	f->h.node.clock += 2;
	ip_reass_expire(&f->h.node.reass, f->h.node.clock);
	assert_int_equal(f->h.node.reass.count, 0);
	assert_int_equal(f->h.node.reass.stats[IP_REASS_reass_timeout], 1);
	/* RFC 1122: time exceeded in reassembly, to the sender. */
	assert_int_equal(f->mp->nsent, 1);
	out = sent_ip(f, 0, &len);
	assert_int_equal(ipv4_parse(out, len, &p), IPV4_ok);
	assert_int_equal(icmp_parse(p.payload, p.payload_len, &m), ICMP_ok);
	assert_int_equal(m.type, ICMP_TYPE_TIME_EXCEEDED);
	assert_int_equal(m.code, ICMP_CODE_REASSEMBLY_EXCEEDED);
}

static void
test_reassembly_memory_bounded(void **state)
{
	struct fixture *f = *state;
	uint8_t whole[256], frag[256];
	char text[100];

	memset(text, 'w', sizeof(text) - 1);
	text[sizeof(text) - 1] = '\0';
	for (uint16_t id = 0; id < 3 * IP_REASS_MAX_DATAGRAMS; id++) {
		build_udp(whole, 1, 6000, text, id, 0);
		feed_ip(f, frag, fragment(frag, whole, 0, 48, true, id));
		assert_true(f->h.node.reass.count <= IP_REASS_MAX_DATAGRAMS);
		assert_true(f->h.node.reass.bytes <= IP_REASS_MAX_BYTES);
	}
	assert_int_equal(f->h.node.reass.stats[IP_REASS_reass_evicted],
			 2 * IP_REASS_MAX_DATAGRAMS);
}

static void
test_bad_headers_counted(void **state)
{
	struct fixture *f = *state;
	uint8_t dgram[128];
	size_t len = build_udp(dgram, 1, 2, "x", 1, 0);

	dgram[10] ^= 0x55; /* the header checksum */
	feed_ip(f, dgram, len);
	feed_ip(f, dgram, 10);
	assert_int_equal(f->h.node.stats[IPNODE_ip_bad_checksum], 1);
	assert_int_equal(f->h.node.stats[IPNODE_ip_truncated], 1);
	assert_int_equal(f->mp->nsent, 0);
}

/*
 * The loopback is deferred: a datagram to 127.0.0.1 or to the host's own
 * address is queued by the send, and only the loopback's turn delivers
 * it; the port unreachable that input answers with waits for the next
 * turn in its turn. Input is never entered from inside output.
 */
static void
test_udp_loopback_is_deferred(void **state)
{
	struct fixture *f = *state;
	const uint32_t selves[2] = {0x7f000001u, US};

	for (size_t i = 0; i < 2; i++) {
		struct sink rx = {.sock.ops = &sink_ops};
		struct sink tx = {.sock.ops = &sink_ops};

		rx.sock.owner = &rx;
		tx.sock.owner = &tx;
		assert_int_equal(udp_open(&f->h, &rx.sock, 0, 7000), 0);
		assert_int_equal(udp_open(&f->h, &tx.sock, 0, 0), 0);
		assert_int_equal(udp_send_copy(&f->h, &tx.sock, selves[i], 7000,
					       (uint8_t *)"ab", 2),
				 0);
		assert_int_equal(rx.datagrams, 0);
		assert_int_equal(f->h.node.loopback.count, 1);
		ipnode_loopback_run(&f->h.node);
		assert_int_equal(rx.datagrams, 1);
		assert_int_equal(rx.src, selves[i]);
		assert_int_equal(rx.sport, tx.sock.lport);
		assert_memory_equal(rx.data, "ab", 2);

		/* To a closed port: the error comes a turn later. */
		assert_int_equal(udp_send_copy(&f->h, &tx.sock, selves[i], 7001,
					       (uint8_t *)"x", 1),
				 0);
		ipnode_loopback_run(&f->h.node);
		assert_int_equal(tx.errors, 0);
		assert_int_equal(f->h.node.loopback.count, 1);
		ipnode_loopback_run(&f->h.node);
		assert_int_equal(tx.errors, 1);
		assert_int_equal(tx.err_type, ICMP_TYPE_DEST_UNREACH);
		assert_int_equal(tx.err_code, ICMP_CODE_PORT_UNREACH);
		assert_int_equal(tx.err_dport, 7001);
		udp_close(&f->h, &rx.sock);
		udp_close(&f->h, &tx.sock);
	}
	assert_int_equal(f->mp->nsent, 0); /* nothing went to the wire */
}

/* An ICMP socket pings 127.0.0.1 and the host's own address: request,
 * then reply, each on a loopback turn of its own. */
static void
test_ping_loopback_is_deferred(void **state)
{
	struct fixture *f = *state;
	const uint32_t selves[2] = {0x7f000001u, US};
	struct sink k = {.sock.ops = &sink_ops};
	uint8_t echo[ICMP_HDR_LEN + 4];
	struct icmp_msg m;

	k.sock.owner = &k;
	assert_int_equal(ipnode_icmp_open(&f->h.node, &k.sock), 0);
	for (size_t i = 0; i < 2; i++) {
		icmp_build_echo(echo, ICMP_TYPE_ECHO, k.sock.lport,
				(uint16_t)(i + 1), (const uint8_t *)"ping", 4);
		assert_int_equal(ipnode_icmp_send(&f->h.node, &k.sock,
						  selves[i], echo,
						  sizeof(echo)),
				 0);
		ipnode_loopback_run(&f->h.node); /* the request */
		assert_int_equal(k.datagrams, (int)i);
		ipnode_loopback_run(&f->h.node); /* the reply */
		assert_int_equal(k.datagrams, (int)i + 1);
		assert_int_equal(k.src, selves[i]);
		assert_int_equal(icmp_parse(k.data, k.len, &m), ICMP_ok);
		assert_int_equal(m.type, ICMP_TYPE_ECHO_REPLY);
		assert_int_equal(m.seq, i + 1);
	}
	ipnode_icmp_close(&f->h.node, &k.sock);
	assert_int_equal(f->h.node.stats[IPNODE_icmp_echo_replied], 2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	    T(test_arp_resolves_and_queues),
	    T(test_arp_request_answered),
	    T(test_echo_request_answered),
	    T(test_closed_port_unreachable),
	    T(test_bad_udp_checksum_dropped),
	    T(test_udp_demultiplexing),
	    T(test_ephemeral_ports),
	    T(test_icmp_error_reaches_socket),
	    T(test_output_fragments_to_mtu),
	    T(test_reassembly_out_of_order),
	    T(test_reassembly_overlap_dropped),
	    T(test_reassembly_timeout),
	    T(test_reassembly_memory_bounded),
	    T(test_bad_headers_counted),
	    T(test_udp_loopback_is_deferred),
	    T(test_ping_loopback_is_deferred),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
