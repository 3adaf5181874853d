/*
 * hostsock's TCP listen and accept, against a fake hostd
 * (tests/unit/support/fake_hostd) answering `socket tcp listen` the way
 * hostd does: the listening address with the listening descriptor (a
 * SOCK_SEQPACKET end), then {"ok":true}; on the listening descriptor, one
 * message per accepted connection with its data descriptor and its status
 * channel, at most the backlog of them unacknowledged.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "fake_hostd.h"
#include "hostsock.h"

static int
setup(void **state)
{
	struct fake_hostd *f = malloc(sizeof(*f));

	if (!f || fake_hostd_open(f, SOCK_STREAM) < 0)
		return -1;
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	fake_hostd_close(*state);
	free(*state);
	return 0;
}

#define LISTENING                                                              \
	FAKE_LISTENING("{\"local\":\"0.0.0.0:7000\"}"),                        \
	    FAKE_LINE("{\"ok\":true}")
#define FIRST FAKE_ACCEPTED("10.0.0.2:7000 10.0.0.9:5001", 1)
#define SECOND FAKE_ACCEPTED("10.0.0.3:7000 10.0.0.8:5002", 2)
#define RESET                                                                  \
	"{\"errno\":\"ECONNRESET\"}\n"                                         \
	"{\"ok\":false,\"error\":\"Connection reset by peer\"}\n"

/* Writes how connection i ended on the status channel the fake passed. */
static void
end_connection(struct fake_hostd *f, int i, const char *lines)
{
	ssize_t len = (ssize_t)strlen(lines);

	assert_int_equal(write(f->status_ch[i][0], lines, (size_t)len), len);
}

/* Takes a connection, which must come from peer to local. */
static int
expect_accept(int lfd, const char *peer, const char *local, int *status_fd)
{
	struct sockaddr_in p = {0}, l = {0};
	int fd = hostsock_accept(lfd, &p, &l, status_fd);

	assert_true(fd >= 0);
	assert_string_equal(fake_addr_text(&p), peer);
	assert_string_equal(fake_addr_text(&l), local);
	return fd;
}

static void
test_listen_and_accept_two(void **state)
{
	struct fake_hostd *f = *state;
	const struct fake_step steps[] = {LISTENING,
					  FAKE_DO(FAKE_CLOSED),
					  FAKE_DO(FAKE_GO),
					  FIRST,
					  SECOND,
					  FAKE_DO(FAKE_ACKED),
					  FAKE_DO(FAKE_UNLISTENED),
					  FAKE_DO(FAKE_END)};
	struct sockaddr_in bind_to = fake_addr("0.0.0.0:7000"), bound = {0};
	int before = fake_hostd_open_fds(), lfd, one, two, st1, st2;
	struct pollfd p;

	assert_int_equal(fake_hostd_start(f, steps), 0);
	lfd = hostsock_tcp_listen(FAKE_NODE, &bind_to, 4, &bound);
	assert_true(lfd >= 0);
	assert_string_equal(fake_addr_text(&bound), "0.0.0.0:7000");
	/* The request is done: the control connection is closed. */
	assert_int_equal(fake_hostd_open_fds(), before + 1);
	p = (struct pollfd){.fd = lfd, .events = POLLIN};
	assert_int_equal(poll(&p, 1, 0), 0);
	fake_hostd_go(f);
	assert_int_equal(poll(&p, 1, FAKE_WAIT_MS), 1);
	one = expect_accept(lfd, "10.0.0.9:5001", "10.0.0.2:7000", &st1);
	two = expect_accept(lfd, "10.0.0.8:5002", "10.0.0.3:7000", &st2);
	close(lfd); /* closes the listener, not the connections */
	fake_hostd_finish(f);
	assert_string_equal(f->request,
			    "socket tcp listen -q 4 0.0.0.0:7000\n");
	assert_int_equal(f->status, 0);
	assert_int_equal(f->acks, 2); /* one byte per connection taken */
	/* Each data descriptor came with its own addresses. */
	assert_true(fake_joined(one, f->conn[0][0]));
	assert_true(fake_joined(two, f->conn[1][0]));
	/* And each status channel tells its own connection's end. */
	end_connection(f, 1, RESET);
	end_connection(f, 0, "{\"ok\":true}\n");
	assert_int_equal(hostsock_tcp_status(st1), 0);
	assert_int_equal(hostsock_tcp_status(st2), ECONNRESET);
	assert_string_equal(hostsock_error(), "Connection reset by peer");
	close(one);
	close(two);
	close(st1);
	close(st2);
	assert_int_equal(fake_hostd_open_fds(), before);
}

static void
test_listen_request_with_defaults(void **state)
{
	struct fake_hostd *f = *state;
	const struct fake_step steps[] = {LISTENING, FAKE_DO(FAKE_END)};
	int lfd;

	assert_int_equal(fake_hostd_start(f, steps), 0);
	lfd = hostsock_tcp_listen(FAKE_NODE, NULL, 0, NULL);
	fake_hostd_finish(f);
	assert_true(lfd >= 0);
	assert_string_equal(f->request, "socket tcp listen 0.0.0.0:0\n");
	close(lfd);
}

/* hostsock_tcp_listen fails with err and why, leaving nothing open. */
static void
expect_listen_failure(struct fake_hostd *f, const struct fake_step *steps,
		      int err, const char *why)
{
	int before = fake_hostd_open_fds();

	assert_int_equal(fake_hostd_start(f, steps), 0);
	errno = 0;
	assert_int_equal(hostsock_tcp_listen(FAKE_NODE, NULL, 0, NULL), -1);
	assert_int_equal(errno, err);
	fake_hostd_finish(f);
	assert_string_equal(hostsock_error(), why);
	assert_int_equal(fake_hostd_open_fds(), before);
}

static void
test_listen_failures(void **state)
{
	const struct fake_step in_use[] = {
	    FAKE_LINE("{\"errno\":\"EADDRINUSE\"}"),
	    FAKE_LINE("{\"ok\":false,\"error\":\"Address already in use\"}"),
	    FAKE_DO(FAKE_END)};
	const struct fake_step usage[] = {
	    FAKE_LINE(
		"{\"ok\":false,\"error\":\"bad backlog\",\"usage\":true}"),
	    FAKE_DO(FAKE_END)};
	const struct fake_step done[] = {FAKE_LINE("{\"ok\":true}"),
					 FAKE_DO(FAKE_END)};
	const struct fake_step no_fd[] = {
	    FAKE_LINE("{\"local\":\"0.0.0.0:7000\"}"), FAKE_DO(FAKE_END)};
	const struct fake_step bad_local[] = {
	    FAKE_LISTENING("{\"local\":\"0.0.0.0:x\"}"),
	    FAKE_LINE("{\"ok\":true}"), FAKE_DO(FAKE_END)};
	const struct fake_step unclosed[] = {
	    FAKE_LISTENING("{\"local\":\"0.0.0.0:7000\"}"), FAKE_DO(FAKE_END)};
	const struct fake_step failed_late[] = {
	    FAKE_LISTENING("{\"local\":\"0.0.0.0:7000\"}"),
	    FAKE_LINE("{\"errno\":\"EADDRNOTAVAIL\"}"),
	    FAKE_LINE("{\"ok\":false,\"error\":\"late\"}"), FAKE_DO(FAKE_END)};
	const struct fake_step two_fds[] = {
	    FAKE_LISTENING("{\"local\":\"0.0.0.0:7000\"}"),
	    FAKE_LINE_FD("{\"ok\":true}", 1), FAKE_DO(FAKE_END)};
	const struct fake_step silent[] = {FAKE_DO(FAKE_END)};

	expect_listen_failure(*state, in_use, EADDRINUSE,
			      "Address already in use");
	expect_listen_failure(*state, usage, EINVAL, "bad backlog");
	expect_listen_failure(*state, done, EPROTO,
			      "no listening descriptor in reply");
	expect_listen_failure(*state, no_fd, EPROTO,
			      "malformed reply from hostd: "
			      "{\"local\":\"0.0.0.0:7000\"}");
	expect_listen_failure(*state, bad_local, EPROTO,
			      "malformed reply from hostd: "
			      "{\"local\":\"0.0.0.0:x\"}");
	expect_listen_failure(*state, unclosed, EPROTO,
			      "hostd closed the connection early");
	expect_listen_failure(*state, failed_late, EADDRNOTAVAIL, "late");
	expect_listen_failure(*state, two_fds, EPROTO,
			      "malformed reply from hostd: {\"ok\":true}");
	expect_listen_failure(*state, silent, EPROTO,
			      "hostd closed the connection early");
}

/* Listens through the fake, which then plays the rest of steps. */
static int
listen_fake(struct fake_hostd *f, const struct fake_step *steps, int backlog)
{
	int lfd;

	assert_int_equal(fake_hostd_start(f, steps), 0);
	lfd = hostsock_tcp_listen(FAKE_NODE, NULL, backlog, NULL);
	assert_true(lfd >= 0);
	return lfd;
}

static void
expect_accept_failure(int lfd, int err, const char *why)
{
	int before = fake_hostd_open_fds(), status_fd = -1;

	errno = 0;
	assert_int_equal(hostsock_accept(lfd, NULL, NULL, &status_fd), -1);
	assert_int_equal(errno, err);
	assert_string_equal(hostsock_error(), why);
	assert_int_equal(status_fd, -1);
	assert_int_equal(fake_hostd_open_fds(), before);
}

static void
test_accept_when_hostd_goes_away(void **state)
{
	struct fake_hostd *f = *state;
	const struct fake_step gone[] = {LISTENING, FAKE_DO(FAKE_END)};
	const struct fake_step after_one[] = {LISTENING, FIRST,
					      FAKE_DO(FAKE_END)};
	int lfd = listen_fake(f, gone, 0), fd;

	expect_accept_failure(lfd, ECONNABORTED, "hostd closed the listener");
	expect_accept_failure(lfd, ECONNABORTED, "hostd closed the listener");
	close(lfd);
	fake_hostd_finish(f);
	assert_int_equal(f->acks, 0);
	/* What was passed before the end is still taken. */
	lfd = listen_fake(f, after_one, 0);
	fake_hostd_finish(f);
	fd = expect_accept(lfd, "10.0.0.9:5001", "10.0.0.2:7000", NULL);
	assert_true(fake_joined(fd, f->conn[0][0]));
	close(fd);
	expect_accept_failure(lfd, ECONNABORTED, "hostd closed the listener");
	close(lfd);
}

/* A connection in a bad message is refused, and the listener goes on. */
static void
test_accept_refuses_a_bad_message(void **state)
{
	struct fake_hostd *f = *state;
	const size_t size = sizeof(struct hostsock_accepted);
	const struct fake_step steps[] = {LISTENING,
					  FAKE_MISPASSED(1, size - 1, 2),
					  FAKE_MISPASSED(1, size + 4, 2),
					  FAKE_MISPASSED(1, size, 1),
					  FAKE_MISPASSED(1, size, 0),
					  FAKE_MISPASSED(1, size, 3),
					  FAKE_MISPASSED(1, 0, 0),
					  SECOND,
					  FAKE_DO(FAKE_UNLISTENED),
					  FAKE_DO(FAKE_END)};
	int lfd = listen_fake(f, steps, 0), fd, status_fd;
	char why[128];

	for (int i = 0; i < 6; i++) {
		static const int bytes[] = {11, 16, 12, 12, 12, 0},
				 fds[] = {2, 2, 1, 0, 2, 0};

		snprintf(why, sizeof(why),
			 "bad connection message from hostd: %d bytes, %d "
			 "descriptors",
			 bytes[i], fds[i]);
		expect_accept_failure(lfd, EPROTO, why);
	}
	fd = expect_accept(lfd, "10.0.0.8:5002", "10.0.0.3:7000", &status_fd);
	assert_true(fake_joined(fd, f->conn[1][0]));
	close(fd);
	close(status_fd);
	close(lfd);
	fake_hostd_finish(f);
	assert_int_equal(f->status, 0);
	assert_int_equal(f->acks, 7); /* the bad messages too */
}

/*
 * With a backlog of 1, the fake passes the second connection only once
 * the first is acknowledged; taking it is what acknowledges it.
 */
static void
test_accept_acknowledges_within_the_backlog(void **state)
{
	struct fake_hostd *f = *state;
	const struct fake_step steps[] = {LISTENING,	    FIRST,
					  SECOND,	    FAKE_DO(FAKE_ACKED),
					  FAKE_DO(FAKE_GO), FAKE_DO(FAKE_END)};
	int lfd = listen_fake(f, steps, 1), one, two;
	struct pollfd p = {.fd = lfd, .events = POLLIN};

	assert_int_equal(fcntl(lfd, F_SETFL, O_NONBLOCK), 0);
	assert_int_equal(poll(&p, 1, FAKE_WAIT_MS), 1);
	one = expect_accept(lfd, "10.0.0.9:5001", "10.0.0.2:7000", NULL);
	assert_int_equal(poll(&p, 1, FAKE_WAIT_MS), 1);
	two = expect_accept(lfd, "10.0.0.8:5002", "10.0.0.3:7000", NULL);
	fake_hostd_go(f);
	fake_hostd_finish(f);
	assert_string_equal(f->request, "socket tcp listen -q 1 0.0.0.0:0\n");
	assert_int_equal(f->status, 0); /* both were acknowledged */
	assert_int_equal(f->acks, 2);
	close(one);
	close(two);
	close(lfd);
}

/* A non-blocking listener: nothing to accept is EAGAIN. */
static void
test_accept_on_a_non_blocking_listener(void **state)
{
	struct fake_hostd *f = *state;
	const struct fake_step steps[] = {LISTENING, FAKE_DO(FAKE_GO), FIRST,
					  FAKE_DO(FAKE_UNLISTENED),
					  FAKE_DO(FAKE_END)};
	int lfd = listen_fake(f, steps, 0), fd;
	struct pollfd p = {.fd = lfd, .events = POLLIN};

	assert_int_equal(fcntl(lfd, F_SETFL, O_NONBLOCK), 0);
	expect_accept_failure(lfd, EAGAIN,
			      "recv: Resource temporarily "
			      "unavailable");
	fake_hostd_go(f);
	assert_int_equal(poll(&p, 1, FAKE_WAIT_MS), 1);
	fd = expect_accept(lfd, "10.0.0.9:5001", "10.0.0.2:7000", NULL);
	assert_true(fake_joined(fd, f->conn[0][0]));
	close(fd);
	close(lfd);
	fake_hostd_finish(f);
	assert_int_equal(f->status, 0);
	assert_int_equal(f->acks, 1);
}

#define TEST(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    TEST(test_listen_and_accept_two),
	    TEST(test_listen_request_with_defaults),
	    TEST(test_listen_failures),
	    TEST(test_accept_when_hostd_goes_away),
	    TEST(test_accept_refuses_a_bad_message),
	    TEST(test_accept_acknowledges_within_the_backlog),
	    TEST(test_accept_on_a_non_blocking_listener),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
