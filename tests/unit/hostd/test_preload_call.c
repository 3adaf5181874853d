/*
 * libhostsock-preload's translation of the calls, without interposing
 * anything: the application's addresses to hostd's IPv4 and back (AF_INET
 * and dual-stack AF_INET6, lengths cut as the kernel cuts them), and the
 * socket options it keeps, passes on or refuses.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/tcp.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "preload/preload.h"

static struct sockaddr_in
sin4(const char *ip, uint16_t port)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};

	assert_int_equal(inet_pton(AF_INET, ip, &a.sin_addr), 1);
	return a;
}

static struct sockaddr_in6
sin6(const char *ip, uint16_t port)
{
	struct sockaddr_in6 a = {.sin6_family = AF_INET6,
				 .sin6_port = htons(port)};

	assert_int_equal(inet_pton(AF_INET6, ip, &a.sin6_addr), 1);
	return a;
}

/* The IPv4 address and port of out, as text. */
static const char *
text(const struct sockaddr_in *a)
{
	static char buf[64];
	char ip[INET_ADDRSTRLEN];

	assert_int_equal(a->sin_family, AF_INET);
	inet_ntop(AF_INET, &a->sin_addr, ip, sizeof(ip));
	snprintf(buf, sizeof(buf), "%s:%u", ip, ntohs(a->sin_port));
	return buf;
}

static void
test_inet_addresses(void **state)
{
	struct sockaddr_in a = sin4("10.0.1.20", 80), out;
	struct sockaddr_in6 six = sin6("::ffff:10.0.1.20", 80);

	(void)state;
	assert_int_equal(pl_addr_from_app(AF_INET, false, (void *)&a, sizeof(a),
					  PL_CONNECT, &out),
			 0);
	assert_string_equal(text(&out), "10.0.1.20:80");
	/* Too short, none, or of another family. */
	assert_int_equal(pl_addr_from_app(AF_INET, false, (void *)&a,
					  sizeof(a) - 1, PL_BIND, &out),
			 EINVAL);
	assert_int_equal(
	    pl_addr_from_app(AF_INET, false, NULL, sizeof(a), PL_BIND, &out),
	    EFAULT);
	assert_int_equal(pl_addr_from_app(AF_INET, false, (void *)&six,
					  sizeof(six), PL_CONNECT, &out),
			 EAFNOSUPPORT);
	assert_int_equal(
	    pl_addr_from_app(AF_INET, false, (void *)&a, 4096, PL_BIND, &out),
	    EINVAL);
	/* AF_UNSPEC: any address to bind (old programs), dissolve to connect.
	 */
	a = sin4("0.0.0.0", 9);
	a.sin_family = AF_UNSPEC;
	assert_int_equal(pl_addr_from_app(AF_INET, false, (void *)&a, sizeof(a),
					  PL_BIND, &out),
			 0);
	assert_string_equal(text(&out), "0.0.0.0:9");
	assert_int_equal(pl_addr_from_app(AF_INET, false, (void *)&a, sizeof(a),
					  PL_CONNECT, &out),
			 PL_ADDR_UNSPEC);
	a = sin4("10.0.0.1", 9);
	a.sin_family = AF_UNSPEC;
	assert_int_equal(pl_addr_from_app(AF_INET, false, (void *)&a, sizeof(a),
					  PL_BIND, &out),
			 EAFNOSUPPORT);
}

static void
test_dual_stack_addresses(void **state)
{
	struct sockaddr_in6 mapped = sin6("::ffff:10.0.2.30", 5201),
			    any = sin6("::", 8000),
			    v6 = sin6("2001:db8::1", 80),
			    loop = sin6("::1", 80);
	struct sockaddr_in v4 = sin4("10.0.2.30", 5201), out;

	(void)state;
	assert_int_equal(pl_addr_from_app(AF_INET6, false, (void *)&mapped,
					  sizeof(mapped), PL_CONNECT, &out),
			 0);
	assert_string_equal(text(&out), "10.0.2.30:5201");
	/* RFC 2133's shorter sockaddr_in6 (no scope id) is taken. */
	assert_int_equal(pl_addr_from_app(AF_INET6, false, (void *)&mapped, 24,
					  PL_BIND, &out),
			 0);
	assert_int_equal(pl_addr_from_app(AF_INET6, false, (void *)&mapped, 23,
					  PL_BIND, &out),
			 EINVAL);
	assert_int_equal(pl_addr_from_app(AF_INET6, false, (void *)&any,
					  sizeof(any), PL_BIND, &out),
			 0);
	assert_string_equal(text(&out), "0.0.0.0:8000");
	/* hostd has no IPv6. */
	assert_int_equal(pl_addr_from_app(AF_INET6, false, (void *)&v6,
					  sizeof(v6), PL_CONNECT, &out),
			 ENETUNREACH);
	assert_int_equal(pl_addr_from_app(AF_INET6, false, (void *)&v6,
					  sizeof(v6), PL_BIND, &out),
			 EADDRNOTAVAIL);
	assert_int_equal(pl_addr_from_app(AF_INET6, false, (void *)&loop,
					  sizeof(loop), PL_CONNECT, &out),
			 ENETUNREACH);
	assert_int_equal(pl_addr_from_app(AF_INET6, false, (void *)&any,
					  sizeof(any), PL_CONNECT, &out),
			 ENETUNREACH);
	/* An IPv6-only socket has nothing IPv4. */
	assert_int_equal(pl_addr_from_app(AF_INET6, true, (void *)&mapped,
					  sizeof(mapped), PL_BIND, &out),
			 EINVAL);
	assert_int_equal(pl_addr_from_app(AF_INET6, true, (void *)&mapped,
					  sizeof(mapped), PL_CONNECT, &out),
			 ENETUNREACH);
	assert_int_equal(pl_addr_from_app(AF_INET6, true, (void *)&any,
					  sizeof(any), PL_BIND, &out),
			 EADDRNOTAVAIL);
	/* An AF_INET address on an AF_INET6 socket. */
	assert_int_equal(pl_addr_from_app(AF_INET6, false, (void *)&v4,
					  sizeof(struct sockaddr_in6),
					  PL_CONNECT, &out),
			 EAFNOSUPPORT);
}

static void
test_addresses_to_the_application(void **state)
{
	struct sockaddr_in a = sin4("10.0.1.20", 40000),
			   any = sin4("0.0.0.0", 80);
	struct sockaddr_storage ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
	struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
	char ip[INET6_ADDRSTRLEN];
	socklen_t len = sizeof(ss);

	(void)state;
	pl_addr_to_app(AF_INET6, &a, (struct sockaddr *)&ss, &len);
	assert_int_equal(len, sizeof(struct sockaddr_in6));
	assert_int_equal(s6->sin6_family, AF_INET6);
	assert_int_equal(ntohs(s6->sin6_port), 40000);
	inet_ntop(AF_INET6, &s6->sin6_addr, ip, sizeof(ip));
	assert_string_equal(ip, "::ffff:10.0.1.20");
	len = sizeof(ss);
	pl_addr_to_app(AF_INET6, &any, (struct sockaddr *)&ss, &len);
	inet_ntop(AF_INET6, &s6->sin6_addr, ip, sizeof(ip));
	assert_string_equal(ip, "::");
	len = sizeof(ss);
	pl_addr_to_app(AF_INET, &a, (struct sockaddr *)&ss, &len);
	assert_int_equal(len, sizeof(struct sockaddr_in));
	assert_string_equal(text(s4), "10.0.1.20:40000");
	/* Cut to the room given, the whole length told. */
	memset(&ss, 0x55, sizeof(ss));
	len = 4;
	pl_addr_to_app(AF_INET6, &a, (struct sockaddr *)&ss, &len);
	assert_int_equal(len, sizeof(struct sockaddr_in6));
	assert_int_equal(s6->sin6_family, AF_INET6);
	assert_int_equal(ntohs(s6->sin6_port), 40000);
	assert_int_equal(((unsigned char *)&ss)[4], 0x55);
	/* No room at all: nothing written, nothing to crash on. */
	pl_addr_to_app(AF_INET, &a, NULL, &len);
	pl_addr_to_app(AF_INET, &a, (struct sockaddr *)&ss, NULL);
}

static void
test_options_kept(void **state)
{
	struct pl_sock *s = pl_sock_new(AF_INET6, SOCK_STREAM, 0);
	int one = 1, v = -1, big = 5;
	socklen_t len = sizeof(v);
	struct linger l = {1, 7}, got;

	(void)state;
	assert_non_null(s);
	assert_int_equal(
	    pl_opt_set(s, SOL_SOCKET, SO_REUSEADDR, &big, sizeof(big)), 0);
	assert_int_equal(pl_opt_get(s, SOL_SOCKET, SO_REUSEADDR, &v, &len), 0);
	assert_int_equal(v, 1);
	assert_int_equal(len, sizeof(int));
	assert_int_equal(
	    pl_opt_set(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)), 0);
	assert_int_equal(s->opt.nodelay, 1);
	assert_int_equal(
	    pl_opt_set(s, IPPROTO_IPV6, IPV6_V6ONLY, &(int){0}, sizeof(int)),
	    0);
	assert_int_equal(
	    pl_opt_set(s, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one)), 0);
	assert_int_equal(
	    pl_opt_set(s, IPPROTO_TCP, TCP_KEEPIDLE, &(int){30}, sizeof(int)),
	    0);
	len = sizeof(v);
	assert_int_equal(pl_opt_get(s, IPPROTO_TCP, TCP_KEEPIDLE, &v, &len), 0);
	assert_int_equal(v, 30);
	assert_int_equal(pl_opt_set(s, SOL_SOCKET, SO_LINGER, &l, sizeof(l)),
			 0);
	len = sizeof(got);
	assert_int_equal(pl_opt_get(s, SOL_SOCKET, SO_LINGER, &got, &len), 0);
	assert_int_equal(got.l_linger, 7);
	/* Buffer sizes and timeouts are the descriptor's: passed on. */
	assert_int_equal(
	    pl_opt_set(s, SOL_SOCKET, SO_SNDBUF, &(int){65536}, sizeof(int)),
	    PL_OPT_PASS);
	assert_int_equal(s->opt.sndbuf, 65536);
	assert_int_equal(pl_opt_get(s, SOL_SOCKET, SO_SNDBUF, &v, &len),
			 PL_OPT_PASS);
	free(s);
}

static void
test_options_known_by_the_library(void **state)
{
	struct pl_sock *s = pl_sock_new(AF_INET6, SOCK_DGRAM, 0);
	int v = 0;
	socklen_t len = sizeof(v);
	char c;

	(void)state;
	assert_int_equal(pl_opt_get(s, SOL_SOCKET, SO_TYPE, &v, &len), 0);
	assert_int_equal(v, SOCK_DGRAM);
	assert_int_equal(pl_opt_get(s, SOL_SOCKET, SO_DOMAIN, &v, &len), 0);
	assert_int_equal(v, AF_INET6);
	assert_int_equal(pl_opt_get(s, SOL_SOCKET, SO_PROTOCOL, &v, &len), 0);
	assert_int_equal(v, IPPROTO_UDP);
	s->err = ECONNREFUSED; /* read once */
	assert_int_equal(pl_opt_get(s, SOL_SOCKET, SO_ERROR, &v, &len), 0);
	assert_int_equal(v, ECONNREFUSED);
	assert_int_equal(pl_opt_get(s, SOL_SOCKET, SO_ERROR, &v, &len), 0);
	assert_int_equal(v, 0);
	/* A shorter room gets the int cut, as the kernel cuts it. */
	s->opt.ttl = 9;
	len = 1;
	assert_int_equal(pl_opt_get(s, IPPROTO_IP, IP_TTL, &c, &len), 0);
	assert_int_equal(len, 1);
	assert_int_equal(c, 9);
	assert_int_equal(pl_opt_set(s, SOL_SOCKET, SO_TYPE, &v, sizeof(v)),
			 ENOPROTOOPT);
	free(s);
}

static void
test_options_refused(void **state)
{
	struct pl_sock *s = pl_sock_new(AF_INET, SOCK_STREAM, 0),
		       *u = pl_sock_new(AF_INET, SOCK_DGRAM, 0);
	char md5[216] = {0}, info[256];
	int v = 1;
	socklen_t len = sizeof(info);

	(void)state;
	/* What hostd cannot do fails, rather than being pretended. */
	assert_int_equal(
	    pl_opt_set(s, IPPROTO_TCP, TCP_MD5SIG, md5, sizeof(md5)),
	    ENOPROTOOPT);
	assert_int_equal(pl_opt_get(s, IPPROTO_TCP, TCP_MAXSEG, info, &len),
			 ENOPROTOOPT);
	assert_int_equal(
	    pl_opt_set(s, IPPROTO_TCP, TCP_FASTOPEN, &v, sizeof(v)),
	    ENOPROTOOPT);
	assert_int_equal(pl_opt_set(s, SOL_SOCKET, SO_BINDTODEVICE, "eth0", 5),
			 ENOPROTOOPT);
	/* Options of another protocol or family. */
	assert_int_equal(pl_opt_set(u, IPPROTO_TCP, TCP_NODELAY, &v, sizeof(v)),
			 ENOPROTOOPT);
	assert_int_equal(
	    pl_opt_set(s, IPPROTO_IPV6, IPV6_V6ONLY, &v, sizeof(v)),
	    ENOPROTOOPT);
	/* Values and lengths checked as the kernel checks them. */
	assert_int_equal(pl_opt_set(s, SOL_SOCKET, SO_REUSEADDR, &v, 2),
			 EINVAL);
	assert_int_equal(pl_opt_set(s, SOL_SOCKET, SO_REUSEADDR, NULL, 4),
			 EFAULT);
	assert_int_equal(
	    pl_opt_set(s, IPPROTO_TCP, TCP_KEEPCNT, &(int){0}, sizeof(int)),
	    EINVAL);
	assert_int_equal(
	    pl_opt_set(s, IPPROTO_IP, IP_TTL, &(int){256}, sizeof(int)),
	    EINVAL);
	assert_int_equal(
	    pl_opt_set(s, IPPROTO_IP, IP_TTL, &(int){-1}, sizeof(int)), 0);
	assert_int_equal(s->opt.ttl, 64);
	len = (socklen_t)-1;
	assert_int_equal(pl_opt_get(s, SOL_SOCKET, SO_REUSEADDR, &v, &len),
			 EINVAL);
	free(s);
	free(u);
}

static void
test_tcp_info_from_show_sockets(void **state)
{
	const char *rows =
	    "[{\"proto\":\"tcp\",\"state\":\"LISTEN\",\"local\":"
	    "\"0.0.0.0:5201\",\"remote\":\"0.0.0.0:0\",\"send_q\":16,"
	    "\"recv_q\":0},{\"proto\":\"tcp\",\"state\":\"ESTABLISHED\","
	    "\"local\":\"10.0.1.10:5201\",\"remote\":\"10.0.1.20:41634\","
	    "\"send_q\":0,\"recv_q\":0,\"cwnd\":14600,\"srtt_us\":398,"
	    "\"rto_ms\":200,\"retrans\":7,\"mss\":1460},{\"proto\":"
	    "\"tcp\",\"state\":\"CLOSE-WAIT\",\"local\":\"10.0.1.10:5201\","
	    "\"remote\":\"10.0.1.20:41635\",\"cwnd\":2920,\"mss\":1460}]";
	struct sockaddr_in local = sin4("10.0.1.10", 5201),
			   peer = sin4("10.0.1.20", 41634),
			   other = sin4("10.0.1.20", 41635),
			   gone = sin4("10.0.1.20", 1);
	struct tcp_info ti;

	(void)state;
	assert_int_equal(pl_tcp_info_parse(rows, &local, &peer, &ti), 0);
	assert_int_equal(ti.tcpi_state, TCP_ESTABLISHED);
	assert_int_equal(ti.tcpi_snd_mss, 1460);
	assert_int_equal(ti.tcpi_snd_cwnd, 10);
	assert_int_equal(ti.tcpi_rtt, 398);
	assert_int_equal(ti.tcpi_rto, 200000);
	assert_int_equal(ti.tcpi_total_retrans, 7);
	assert_int_equal(pl_tcp_info_parse(rows, &local, &other, &ti), 0);
	assert_int_equal(ti.tcpi_state, TCP_CLOSE_WAIT);
	assert_int_equal(ti.tcpi_snd_cwnd, 2);
	assert_int_equal(ti.tcpi_rtt, 0);
	assert_int_equal(ti.tcpi_total_retrans, 0);
	assert_int_equal(pl_tcp_info_parse(rows, &local, &gone, &ti), -1);
	assert_int_equal(ti.tcpi_state, TCP_CLOSE);
	assert_int_equal(ti.tcpi_snd_mss, 0);
	assert_int_equal(pl_tcp_info_parse("{\"local\":\"10.0.1.10:5201\","
					   "\"remote\":\"10.0.1.20:41634\"",
					   &local, &peer, &ti),
			 -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_inet_addresses),
	    cmocka_unit_test(test_dual_stack_addresses),
	    cmocka_unit_test(test_addresses_to_the_application),
	    cmocka_unit_test(test_options_kept),
	    cmocka_unit_test(test_options_known_by_the_library),
	    cmocka_unit_test(test_options_refused),
	    cmocka_unit_test(test_tcp_info_from_show_sockets),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
