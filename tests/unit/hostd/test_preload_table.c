/*
 * libhostsock-preload's descriptor table: dup'd descriptors name one
 * socket, which goes (closing its status channel) with the last of them;
 * and the table's form in the environment across exec, with the sockets
 * the new program inherits only.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "preload/preload.h"

/* The status channels the table closed, instead of closing them. */
static int closed[8], nclosed;

static int
record_close(int fd)
{
	if (nclosed < 8)
		closed[nclosed++] = fd;
	return 0;
}

static int
setup(void **state)
{
	(void)state;
	nclosed = 0;
	pl_table_set_close(record_close);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	pl_table_reset();
	return 0;
}

static struct pl_sock *
tcp_conn(int status_fd)
{
	struct pl_sock *s = pl_sock_new(AF_INET6, SOCK_STREAM, 0);

	assert_non_null(s);
	s->state = PL_CONNECTED;
	s->status_fd = status_fd;
	s->bound = s->has_peer = true;
	s->local.sin_addr.s_addr = htonl(0x0a00010a);
	s->local.sin_port = htons(40000);
	s->peer.sin_addr.s_addr = htonl(0x0a00021e);
	s->peer.sin_port = htons(80);
	return s;
}

static void
test_dup_and_close(void **state)
{
	struct pl_sock *s = tcp_conn(40);

	(void)state;
	assert_int_equal(pl_table_put(5, s), 0);
	pl_table_dup(5, 9);
	assert_ptr_equal(pl_table_get(9), s);
	assert_int_equal(pl_table_type(9), SOCK_STREAM);
	assert_int_equal(s->refs, 2);
	pl_table_clear(5);
	assert_null(pl_table_get(5));
	assert_int_equal(pl_table_type(5), 0);
	assert_int_equal(nclosed, 0); /* fd 9 still names it */
	/* dup2 onto a socket's last descriptor lets that socket go. */
	pl_table_dup(3, 9);
	assert_null(pl_table_get(9));
	assert_int_equal(nclosed, 1);
	assert_int_equal(closed[0], 40);
	/* Out of range, or nothing: no harm. */
	pl_table_clear(-1);
	pl_table_clear(PL_FD_MAX);
	assert_null(pl_table_get(PL_FD_MAX + 7));
	assert_int_equal(pl_table_type(-3), 0);
}

static void
test_put_out_of_range(void **state)
{
	struct pl_sock *s = tcp_conn(-1);

	(void)state;
	assert_int_equal(pl_table_put(PL_FD_MAX, s), -1);
	assert_int_equal(errno, EMFILE);
	assert_int_equal(s->refs, 0);
	pl_sock_hold(s);
	pl_sock_drop(s); /* freed */
}

/* Which descriptors a test says are inherited (or usable). */
static bool
listed(int fd, void *arg)
{
	for (const int *p = arg; *p >= 0; p++)
		if (*p == fd)
			return true;
	return false;
}

static void
test_env_round_trip(void **state)
{
	struct pl_sock *conn = tcp_conn(40),
		       *udp = pl_sock_new(AF_INET, SOCK_DGRAM, 0),
		       *hidden = tcp_conn(41), *got;
	const int inherited[] = {3, 4, 6, 7, 40, -1};
	char env[512];
	int n;

	(void)state;
	udp->state = PL_UDP;
	udp->has_peer = true;
	udp->opt.reuseaddr = 1;
	udp->peer.sin_addr.s_addr = htonl(0x0a000001);
	udp->peer.sin_port = htons(53);
	pl_table_put(3, conn);
	pl_table_put(4, udp);
	pl_table_dup(3, 6);
	pl_table_put(5, hidden); /* close-on-exec: not passed */
	n = pl_env_format(env, sizeof(env), listed, (void *)inherited);
	assert_true(n > 0);
	assert_int_equal((size_t)n, strlen(env));
	assert_string_equal(env, "3:e:10:1:40:0a01000a.40000:1e02000a.80:3,"
				 "4:u:2:2:-1:00000000.0:0100000a.53:a,6@3");

	pl_table_reset();
	nclosed = 0;
	assert_int_equal(pl_env_parse(env, listed, (void *)inherited), 3);
	got = pl_table_get(3);
	assert_non_null(got);
	assert_ptr_equal(pl_table_get(6), got);
	assert_int_equal(got->refs, 2);
	assert_int_equal(got->state, PL_CONNECTED);
	assert_int_equal(got->family, AF_INET6);
	assert_int_equal(got->status_fd, 40);
	assert_true(got->has_peer);
	assert_int_equal(ntohl(got->peer.sin_addr.s_addr), 0x0a00021e);
	assert_int_equal(ntohs(got->local.sin_port), 40000);
	got = pl_table_get(4);
	assert_int_equal(got->state, PL_UDP);
	assert_int_equal(got->type, SOCK_DGRAM);
	assert_int_equal(got->opt.reuseaddr, 1);
	assert_int_equal(ntohs(got->peer.sin_port), 53);
	assert_null(pl_table_get(5));
}

static void
test_env_takes_only_what_is_there(void **state)
{
	const int usable[] = {3, 8, -1};

	(void)state;
	/* fd 4 is not open in the new program; nor is status channel 41. */
	assert_int_equal(pl_env_parse("3:c:2:1:41:00000000.0:0100000a.80:2,"
				      "4:l:2:1:-1:00000000.80:00000000.0:1,"
				      "8@4",
				      listed, (void *)usable),
			 1);
	assert_int_equal(pl_table_get(3)->state, PL_CONNECTING);
	assert_int_equal(pl_table_get(3)->status_fd, -1);
	assert_null(pl_table_get(4));
	assert_null(pl_table_get(8));
	assert_int_equal(nclosed, 0);
}

static void
test_env_malformed(void **state)
{
	const int all[] = {1, 2, 3, 4, 5, -1};
	static const char *bad[] = {
	    "x",
	    "3",
	    "3:",
	    "3:q:2:1:-1:00000000.0:00000000.0:0",     /* no such state */
	    "3:e:7:1:-1:00000000.0:00000000.0:0",     /* no such family */
	    "3:e:2:5:-1:00000000.0:00000000.0:0",     /* no such type */
	    "3:e:2:1:-1:00000000.70000:00000000.0:0", /* port too large */
	    "3:e:2:1:-1:00000000.0:00000000.0",	      /* no flags */
	    "3:e:2:1:-1:00000000.0:00000000.0:0x",    /* trailing bytes */
	    "3:e:2:1:-9:00000000.0:00000000.0:0",     /* no such descriptor */
	    "-3:e:2:1:-1:00000000.0:00000000.0:0",
	    "99999999:e:2:1:-1:00000000.0:00000000.0:0",
	    "4@x",
	};
	char longer[300];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(pl_env_parse(bad[i], listed, (void *)all), -1);
		assert_null(pl_table_get(3));
	}
	memset(longer, '1', sizeof(longer) - 1);
	longer[sizeof(longer) - 1] = '\0';
	assert_int_equal(pl_env_parse(longer, listed, (void *)all), -1);
	/* Entries before a bad one are taken. */
	assert_int_equal(pl_env_parse("2:f:2:2:-1:00000000.0:00000000.0:0,junk",
				      listed, (void *)all),
			 -1);
	assert_non_null(pl_table_get(2));
	assert_int_equal(pl_env_parse("", listed, (void *)all), 0);
}

static void
test_env_too_long_for_its_room(void **state)
{
	const int all[] = {3, -1};
	char env[16];

	(void)state;
	pl_table_put(3, tcp_conn(40));
	assert_int_equal(pl_env_format(env, sizeof(env), listed, (void *)all),
			 -1);
	assert_int_equal(pl_env_format(env, 0, listed, (void *)all), -1);
}

#define TEST(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    TEST(test_dup_and_close),  TEST(test_put_out_of_range),
	    TEST(test_env_round_trip), TEST(test_env_takes_only_what_is_there),
	    TEST(test_env_malformed),  TEST(test_env_too_long_for_its_room),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
