/*
 * hostsock's server side: a UDP socket of the stack joined to a
 * socketpair, driven from the application's end of the pair with the
 * event loop turning, and from the wire through an in-memory port.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "hostsock.h"
#include "mem_port.h"
#include "sock_pair.h"
#include "udp.h"

#define US 0x0a000001u	 /* 10.0.0.1, the host */
#define PEER 0x0a000002u /* 10.0.0.2, a neighbour */
#define OTHER 0x0a000003u

static const uint8_t peer_mac[6] = {0x02, 0xee, 0, 0, 0, 2};

struct fixture {
	struct host h;
	struct port_set ports;
	struct mem_port *mp;
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	uint8_t frame[ETHER_MIN_FRAME];
	char err[128];
	size_t len;

	if (!f || host_init(&f->h, EV_DEFAULT, &f->ports) < 0)
		return -1;
	f->mp = mem_port_new("eth0", 1);
	port_set_add(&f->ports, &f->mp->port);
	if (ipnode_addr_add(&f->h.node, &f->mp->port, US, 24, err,
			    sizeof(err)) < 0)
		return -1;
	/* The peer and the other station are known and confirmed (a request
	 * then a reply): sends leave at once, alone. */
	for (uint32_t ip = PEER; ip <= OTHER; ip++) {
		len = arp_build(frame, ether_broadcast, ARP_OP_REQUEST,
				peer_mac, ip, NULL, US);
		ipnode_ether_input(&f->h.node, &f->mp->port, frame, len);
		len = arp_build(frame, f->mp->port.mac, ARP_OP_REPLY, peer_mac,
				ip, f->mp->port.mac, US);
		ipnode_ether_input(&f->h.node, &f->mp->port, frame, len);
	}
	mem_port_clear(f->mp);
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

/* Lets the loop see what the application wrote. */
static void
turn(void)
{
	for (int i = 0; i < 4; i++)
		ev_run(EV_DEFAULT, EVRUN_NOWAIT);
}

/* A UDP datagram from src:sport to US:dport arrives on the wire. */
static void
arrive(struct fixture *f, uint32_t src, uint16_t sport, uint16_t dport,
       const char *text)
{
	uint8_t frame[ETHER_HDR_LEN + IPV4_HDR_LEN + UDP_HDR_LEN + 64];
	uint8_t *ip = frame + ETHER_HDR_LEN;
	struct udp_hdr *u = (struct udp_hdr *)(ip + IPV4_HDR_LEN);
	size_t len = strlen(text);

	ether_build(frame, f->mp->port.mac, peer_mac, ETHERTYPE_IPV4);
	u->sport = htons(sport);
	u->dport = htons(dport);
	u->len = htons((uint16_t)(UDP_HDR_LEN + len));
	u->check = 0;
	memcpy((uint8_t *)u + UDP_HDR_LEN, text, len);
	u->check =
	    htons(udp_checksum(src, US, (uint8_t *)u, UDP_HDR_LEN + len));
	ipv4_build(ip, 0, 1, 0, 64, IPV4_PROTO_UDP, src, US, UDP_HDR_LEN + len);
	ipnode_ether_input(&f->h.node, &f->mp->port, frame,
			   ETHER_HDR_LEN + IPV4_HDR_LEN + UDP_HDR_LEN + len);
}

/* The UDP datagram in sent frame i: its addresses and payload. */
static void
sent_udp(struct fixture *f, size_t i, uint32_t dst, uint16_t sport,
	 uint16_t dport, const char *text)
{
	const struct mem_frame *fr = mem_port_frame(f->mp, i);
	struct ipv4_pkt p;
	const struct udp_hdr *u;

	assert_non_null(fr);
	assert_int_equal(
	    ipv4_parse(fr->data + ETHER_HDR_LEN, fr->len - ETHER_HDR_LEN, &p),
	    IPV4_ok);
	assert_int_equal(p.proto, IPV4_PROTO_UDP);
	assert_int_equal(p.src, US);
	assert_int_equal(p.dst, dst);
	u = (const struct udp_hdr *)p.payload;
	assert_int_equal(ntohs(u->sport), sport);
	assert_int_equal(ntohs(u->dport), dport);
	assert_int_equal(ntohs(u->len), UDP_HDR_LEN + strlen(text));
	assert_memory_equal(p.payload + UDP_HDR_LEN, text, strlen(text));
	assert_int_equal(udp_checksum(p.src, p.dst, p.payload, ntohs(u->len)),
			 0);
}

/* The next message on the application's end, header and all. */
static ssize_t
app_read(int fd, uint8_t *buf, size_t len)
{
	return recv(fd, buf, len, MSG_DONTWAIT);
}

static void
test_framed_both_ways(void **state)
{
	struct fixture *f = *state;
	struct hostsock_hdr hdr = {
	    .kind = HOSTSOCK_DATA, .addr = htonl(PEER), .port = htons(9)};
	uint8_t msg[HOSTSOCK_HDR_LEN + 16];
	uint16_t lport = 0;
	int fd = sock_pair_udp(&f->h, 0, &lport, 0, 0, true, false);

	assert_true(fd >= 0);
	assert_true(lport >= SOCK_EPHEMERAL_MIN);
	memcpy(msg, &hdr, sizeof(hdr));
	memcpy(msg + sizeof(hdr), "hello", 5);
	assert_int_equal(send(fd, msg, sizeof(hdr) + 5, 0),
			 (ssize_t)(sizeof(hdr) + 5));
	turn();
	assert_int_equal(f->mp->nsent, 1);
	sent_udp(f, 0, PEER, lport, 9, "hello");

	arrive(f, OTHER, 4000, lport, "back");
	assert_int_equal(app_read(fd, msg, sizeof(msg)),
			 (ssize_t)(sizeof(hdr) + 4));
	memcpy(&hdr, msg, sizeof(hdr));
	assert_int_equal(hdr.kind, HOSTSOCK_DATA);
	assert_int_equal(ntohl(hdr.addr), OTHER);
	assert_int_equal(ntohs(hdr.port), 4000);
	assert_memory_equal(msg + sizeof(hdr), "back", 4);
	close(fd);
}

/* An ICMP error about a datagram the socket sent reaches a framed
 * descriptor as a HOSTSOCK_ERROR message. */
static void
test_icmp_error_reported(void **state)
{
	struct fixture *f = *state;
	struct hostsock_hdr hdr = {
	    .kind = HOSTSOCK_DATA, .addr = htonl(PEER), .port = htons(9)};
	uint8_t msg[HOSTSOCK_HDR_LEN + 8], icmp[ICMP_ERROR_MAX_LEN];
	uint8_t frame[ETHER_HDR_LEN + ICMP_ERROR_MAX_LEN];
	const struct mem_frame *fr;
	struct ipv4_pkt sent;
	uint16_t lport = 0;
	size_t len;
	int fd = sock_pair_udp(&f->h, 0, &lport, 0, 0, true, false);

	memcpy(msg, &hdr, sizeof(hdr));
	memcpy(msg + sizeof(hdr), "probe", 5);
	send(fd, msg, sizeof(hdr) + 5, 0);
	turn();
	fr = mem_port_frame(f->mp, 0);
	assert_non_null(fr);
	assert_int_equal(ipv4_parse(fr->data + ETHER_HDR_LEN,
				    fr->len - ETHER_HDR_LEN, &sent),
			 IPV4_ok);
	/* The peer answers: port unreachable, quoting it. */
	len = icmp_build_error(icmp, PEER, 7, ICMP_TYPE_DEST_UNREACH,
			       ICMP_CODE_PORT_UNREACH, 0, &sent);
	/* icmp_build_error addresses it to the quoted source: us. */
	ether_build(frame, f->mp->port.mac, peer_mac, ETHERTYPE_IPV4);
	memcpy(frame + ETHER_HDR_LEN, icmp, len);
	ipnode_ether_input(&f->h.node, &f->mp->port, frame,
			   ETHER_HDR_LEN + len);
	assert_int_equal(app_read(fd, msg, sizeof(msg)), (ssize_t)sizeof(hdr));
	memcpy(&hdr, msg, sizeof(hdr));
	assert_int_equal(hdr.kind, HOSTSOCK_ERROR);
	assert_int_equal(hdr.icmp_type, ICMP_TYPE_DEST_UNREACH);
	assert_int_equal(hdr.icmp_code, ICMP_CODE_PORT_UNREACH);
	assert_int_equal(ntohl(hdr.addr), PEER);
	assert_int_equal(ntohs(hdr.port), 9);
	assert_int_equal(ntohl(hdr.icmp_from), PEER);
	close(fd);
}

/* Connected and bare: payloads as they are, only the peer's come in. */
static void
test_connected_bare(void **state)
{
	struct fixture *f = *state;
	uint16_t lport = 5000;
	uint8_t buf[64];
	int fd = sock_pair_udp(&f->h, US, &lport, PEER, 53, false, false);

	assert_true(fd >= 0);
	assert_int_equal(lport, 5000);
	assert_int_equal(send(fd, "query", 5, 0), 5);
	turn();
	sent_udp(f, 0, PEER, 5000, 53, "query");
	arrive(f, OTHER, 53, 5000, "spoof"); /* not the peer: refused */
	arrive(f, PEER, 53, 5000, "answer");
	assert_int_equal(app_read(fd, buf, sizeof(buf)), 6);
	assert_memory_equal(buf, "answer", 6);
	assert_int_equal(app_read(fd, buf, sizeof(buf)), -1);
	assert_int_equal(errno, EAGAIN);
	assert_int_equal(f->h.stats[STAT_udp_no_port], 1);
	close(fd);
}

/* A framed message that is not a datagram is dropped and counted. */
static void
test_bad_framed_message(void **state)
{
	struct fixture *f = *state;
	uint8_t msg[HOSTSOCK_HDR_LEN + 4] = {HOSTSOCK_ERROR};
	uint16_t lport = 0;
	int fd = sock_pair_udp(&f->h, 0, &lport, 0, 0, true, false);

	send(fd, msg, 3, 0);	       /* shorter than a header */
	send(fd, msg, sizeof(msg), 0); /* the wrong kind */
	turn();
	assert_int_equal(f->mp->nsent, 0);
	assert_int_equal(f->h.stats[STAT_udp_tx_failed], 2);
	close(fd);
}

/* The application closing its end closes the stack's socket. */
static void
test_close_unbinds(void **state)
{
	struct fixture *f = *state;
	uint16_t lport = 7000;
	int fd = sock_pair_udp(&f->h, 0, &lport, 0, 0, true, false);

	assert_non_null(
	    sock_lookup(&f->h.node.socks, IPV4_PROTO_UDP, US, 7000, PEER, 1));
	close(fd);
	turn();
	assert_null(f->h.node.socks.list);
	assert_null(f->h.sock_pairs);
	/* The port is free again, and a datagram to it is refused. */
	arrive(f, PEER, 1, 7000, "late");
	assert_int_equal(f->h.stats[STAT_udp_no_port], 1);
}

/* Binding to an address the host does not have is refused. */
static void
test_bind_refused(void **state)
{
	struct fixture *f = *state;
	uint16_t lport = 0;

	assert_int_equal(sock_pair_udp(&f->h, OTHER, &lport, 0, 0, true, false),
			 -1);
	assert_int_equal(errno, EADDRNOTAVAIL);
	assert_null(f->h.node.socks.list);
}

/* A header of kind HOSTSOCK_CONNECT connects a framed socket later: only
 * the peer's datagrams come in, and sends to 0:0 go to it; address 0
 * undoes it. */
static void
test_connect_message(void **state)
{
	struct fixture *f = *state;
	struct hostsock_hdr conn = {.kind = HOSTSOCK_CONNECT,
				    .addr = htonl(PEER),
				    .port = htons(53)},
			    data = {.kind = HOSTSOCK_DATA};
	uint8_t msg[HOSTSOCK_HDR_LEN + 16];
	uint16_t lport = 5300;
	int fd = sock_pair_udp(&f->h, 0, &lport, 0, 0, true, false);

	assert_int_equal(send(fd, &conn, sizeof(conn), 0),
			 (ssize_t)sizeof(conn));
	memcpy(msg, &data, sizeof(data));
	memcpy(msg + sizeof(data), "query", 5);
	assert_int_equal(send(fd, msg, sizeof(data) + 5, 0),
			 (ssize_t)(sizeof(data) + 5));
	turn();
	assert_int_equal(f->mp->nsent, 1);
	sent_udp(f, 0, PEER, 5300, 53, "query");
	arrive(f, OTHER, 53, 5300, "spoof");
	arrive(f, PEER, 53, 5300, "answer");
	assert_int_equal(app_read(fd, msg, sizeof(msg)),
			 (ssize_t)(sizeof(data) + 6));
	assert_memory_equal(msg + sizeof(data), "answer", 6);
	assert_int_equal(app_read(fd, msg, sizeof(msg)), -1);
	assert_int_equal(f->h.stats[STAT_udp_no_port], 1);

	conn.addr = 0;
	conn.port = 0;
	send(fd, &conn, sizeof(conn), 0);
	turn();
	arrive(f, OTHER, 53, 5300, "other");
	assert_int_equal(app_read(fd, msg, sizeof(msg)),
			 (ssize_t)(sizeof(data) + 5));
	assert_int_equal(f->h.stats[STAT_udp_tx_failed], 0);
	close(fd);
}

/* Sockets opened with reuse share a port, and a connected one gets its
 * peer's datagrams; without reuse on both, the port is taken. */
static void
test_reuse_shares_the_port(void **state)
{
	struct fixture *f = *state;
	struct hostsock_hdr conn = {.kind = HOSTSOCK_CONNECT,
				    .addr = htonl(PEER),
				    .port = htons(4000)},
			    hdr;
	uint8_t msg[HOSTSOCK_HDR_LEN + 16];
	uint16_t p1 = 5201, p2 = 5201, p3 = 5201;
	int a = sock_pair_udp(&f->h, 0, &p1, 0, 0, true, true), b;

	assert_true(a >= 0);
	assert_int_equal(sock_pair_udp(&f->h, 0, &p3, 0, 0, true, false), -1);
	assert_int_equal(errno, EADDRINUSE);
	send(a, &conn, sizeof(conn), 0);
	turn();
	b = sock_pair_udp(&f->h, 0, &p2, 0, 0, true, true);
	assert_true(b >= 0);
	assert_int_equal(p2, 5201);
	arrive(f, PEER, 4000, 5201, "mine");
	arrive(f, OTHER, 4000, 5201, "new");
	assert_int_equal(app_read(a, msg, sizeof(msg)),
			 (ssize_t)(sizeof(hdr) + 4));
	assert_memory_equal(msg + sizeof(hdr), "mine", 4);
	assert_int_equal(app_read(b, msg, sizeof(msg)),
			 (ssize_t)(sizeof(hdr) + 3));
	memcpy(&hdr, msg, sizeof(hdr));
	assert_int_equal(ntohl(hdr.addr), OTHER);
	close(a);
	close(b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	    T(test_framed_both_ways), T(test_icmp_error_reported),
	    T(test_connected_bare),   T(test_bad_framed_message),
	    T(test_close_unbinds),    T(test_bind_refused),
	    T(test_connect_message),  T(test_reuse_shares_the_port),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
