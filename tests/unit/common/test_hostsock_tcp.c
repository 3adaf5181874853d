/*
 * hostsock's TCP connect and the connection's status channel, against a
 * fake hostd (tests/unit/support/fake_hostd) answering `socket tcp
 * connect` the way hostd does: the connection's line with its descriptor,
 * then, on the same control connection, how the connection ended.
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

/* hostsock_tcp_connect to 10.0.0.9:7000 on the fake's node. */
static int
connect_fake(struct fake_hostd *f, const struct fake_step *steps,
	     struct sockaddr_in *local, int *status_fd)
{
	struct sockaddr_in peer = fake_addr("10.0.0.9:7000");
	int fd, err;

	assert_int_equal(fake_hostd_start(f, steps), 0);
	fd = hostsock_tcp_connect(FAKE_NODE, NULL, &peer, 0, local, status_fd);
	err = errno;
	if (!status_fd || fd < 0)
		fake_hostd_finish(f);
	errno = err;
	return fd;
}

#define ESTABLISHED                                                            \
	FAKE_LINE_FD(                                                          \
	    "{\"local\":\"10.0.0.2:40000\",\"remote\":\"10.0.0.9:7000\"}", 1)

static void
test_connect_gives_the_connection(void **state)
{
	struct fake_hostd *f = *state;
	const struct fake_step steps[] = {ESTABLISHED, FAKE_DO(FAKE_CLOSED),
					  FAKE_DO(FAKE_END)};
	struct sockaddr_in bind_to = fake_addr("10.0.0.2:0"),
			   peer = fake_addr("10.0.0.9:7000"), local = {0};
	int before = fake_hostd_open_fds(), fd;
	char c;

	assert_int_equal(fake_hostd_start(f, steps), 0);
	fd = hostsock_tcp_connect(FAKE_NODE, &bind_to, &peer, 2500, &local,
				  NULL);
	fake_hostd_finish(f);
	assert_true(fd >= 0);
	assert_string_equal(f->request, "socket tcp connect -b 10.0.0.2:0 "
					"-w 3 10.0.0.9:7000\n");
	assert_int_equal(f->status, 0); /* the request was closed */
	assert_string_equal(fake_addr_text(&local), "10.0.0.2:40000");
	assert_true(fake_joined(fd, f->conn[0][0]));
	assert_int_equal(shutdown(fd, SHUT_WR), 0);
	assert_int_equal(read(f->conn[0][0], &c, 1), 0); /* our FIN */
	assert_int_equal(shutdown(f->conn[0][0], SHUT_WR), 0);
	assert_int_equal(read(fd, &c, 1), 0); /* the peer's FIN */
	close(fd);
	assert_int_equal(fake_hostd_open_fds(), before);
}

static void
test_connect_request_without_options(void **state)
{
	struct fake_hostd *f = *state;
	const struct fake_step steps[] = {ESTABLISHED, FAKE_DO(FAKE_END)};
	int fd = connect_fake(f, steps, NULL, NULL);

	assert_true(fd >= 0);
	assert_string_equal(f->request, "socket tcp connect 10.0.0.9:7000\n");
	close(fd);
}

/* hostsock_tcp_connect fails with err and why, leaving nothing open. */
static void
expect_connect_failure(struct fake_hostd *f, const struct fake_step *steps,
		       int err, const char *why)
{
	int before = fake_hostd_open_fds(), status_fd = -1;

	errno = 0;
	assert_int_equal(connect_fake(f, steps, NULL, &status_fd), -1);
	assert_int_equal(errno, err);
	assert_string_equal(hostsock_error(), why);
	assert_int_equal(status_fd, -1);
	assert_int_equal(fake_hostd_open_fds(), before);
}

static void
test_connect_errors_keep_their_errno(void **state)
{
	static const struct {
		const char *name, *message;
		int err;
	} cases[] = {
	    {"ECONNREFUSED", "Connection refused", ECONNREFUSED},
	    {"ETIMEDOUT", "Connection timed out", ETIMEDOUT},
	    {"ENETUNREACH", "Network is unreachable", ENETUNREACH},
	    {"EHOSTUNREACH", "No route to host", EHOSTUNREACH},
	    {"EADDRINUSE", "Address already in use", EADDRINUSE},
	    {"EADDRNOTAVAIL", "Cannot assign requested address", EADDRNOTAVAIL},
	    {"ENOSUCHTHING", "Something new", EIO},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char named[64], failed[128];
		struct fake_step steps[] = {
		    FAKE_RAW(named, 0), FAKE_RAW(failed, 0), FAKE_DO(FAKE_END)};

		snprintf(named, sizeof(named), "{\"errno\":\"%s\"}\n",
			 cases[i].name);
		snprintf(failed, sizeof(failed),
			 "{\"ok\":false,\"error\":\"%s\"}\n", cases[i].message);
		expect_connect_failure(*state, steps, cases[i].err,
				       cases[i].message);
	}
}

static void
test_connect_failure_without_errno(void **state)
{
	const struct fake_step usage[] = {
	    FAKE_LINE(
		"{\"ok\":false,\"error\":\"bad peer 'x'\",\"usage\":true}"),
	    FAKE_DO(FAKE_END)};
	const struct fake_step unnamed[] = {FAKE_LINE("{\"ok\":false}"),
					    FAKE_DO(FAKE_END)};

	expect_connect_failure(*state, usage, EINVAL, "bad peer 'x'");
	expect_connect_failure(*state, unnamed, EIO, "request failed");
}

static void
test_connect_refuses_malformed_replies(void **state)
{
	static char longline[9000];
	const struct fake_step no_fd[] = {FAKE_LINE("{\"ok\":true}"),
					  FAKE_DO(FAKE_END)};
	const struct fake_step bad_local[] = {
	    FAKE_LINE_FD("{\"local\":\"10.0.0.2\",\"remote\":\"nowhere\"}", 1),
	    FAKE_DO(FAKE_END)};
	const struct fake_step no_remote[] = {
	    FAKE_LINE_FD("{\"local\":\"10.0.0.2:1\"}", 1), FAKE_DO(FAKE_END)};
	const struct fake_step garbage[] = {FAKE_LINE("hello"),
					    FAKE_DO(FAKE_END)};
	const struct fake_step two_errnos[] = {
	    FAKE_LINE("{\"errno\":\"ETIMEDOUT\"}"),
	    FAKE_LINE("{\"errno\":\"ETIMEDOUT\"}"), FAKE_DO(FAKE_END)};
	const struct fake_step fd_at_the_end[] = {
	    FAKE_LINE("{\"errno\":\"ETIMEDOUT\"}"),
	    FAKE_LINE_FD("{\"ok\":false,\"error\":\"x\"}", 1),
	    FAKE_DO(FAKE_END)};
	const struct fake_step cut[] = {FAKE_LINE("{\"errno\":\"ETIMEDOUT\"}"),
					FAKE_DO(FAKE_END)};
	const struct fake_step cut_mid_line[] = {FAKE_RAW("{\"local\":", 0),
						 FAKE_DO(FAKE_END)};
	const struct fake_step silent[] = {FAKE_DO(FAKE_END)};
	const struct fake_step too_long[] = {FAKE_RAW(longline, 0),
					     FAKE_DO(FAKE_END)};

	memset(longline, 'x', sizeof(longline) - 1);
	expect_connect_failure(*state, no_fd, EPROTO, "no descriptor in reply");
	expect_connect_failure(*state, bad_local, EPROTO,
			       "malformed reply from hostd: {\"local\":"
			       "\"10.0.0.2\",\"remote\":\"nowhere\"}");
	expect_connect_failure(*state, no_remote, EPROTO,
			       "malformed reply from hostd: "
			       "{\"local\":\"10.0.0.2:1\"}");
	expect_connect_failure(*state, garbage, EPROTO,
			       "malformed reply from hostd: hello");
	expect_connect_failure(*state, two_errnos, EPROTO,
			       "malformed reply from hostd: "
			       "{\"errno\":\"ETIMEDOUT\"}");
	expect_connect_failure(*state, fd_at_the_end, EPROTO,
			       "malformed reply from hostd: "
			       "{\"ok\":false,\"error\":\"x\"}");
	expect_connect_failure(*state, cut, EPROTO,
			       "hostd closed the connection early");
	expect_connect_failure(*state, cut_mid_line, EPROTO,
			       "hostd closed the connection early");
	expect_connect_failure(*state, silent, EPROTO,
			       "hostd closed the connection early");
	expect_connect_failure(*state, too_long, EPROTO, "reply line too long");
}

static void
test_connect_unreachable_node(void **state)
{
	struct fake_hostd *f = *state;
	struct sockaddr_in peer = fake_addr("10.0.0.9:7000");
	char path[sizeof(f->path) + 16];

	snprintf(path, sizeof(path), "%s/lab1/gone.sock", f->dir);
	assert_int_equal(hostsock_tcp_connect(path, NULL, &peer, 0, NULL, NULL),
			 -1);
	assert_int_equal(errno, ENOENT);
	assert_non_null(strstr(hostsock_error(), "cannot reach"));
	assert_int_equal(hostsock_tcp_listen(path, NULL, 0, NULL), -1);
	assert_int_equal(errno, ENOENT);
	assert_int_equal(
	    hostsock_tcp_connect(f->path, NULL, NULL, 0, NULL, NULL), -1);
	assert_int_equal(errno, EINVAL);
}

/* Connects through the fake, keeping the status channel. */
static int
connect_with_status(struct fake_hostd *f, const struct fake_step *steps,
		    int *status_fd)
{
	int fd = connect_fake(f, steps, NULL, status_fd);

	assert_true(fd >= 0);
	assert_true(*status_fd >= 0);
	assert_true(*status_fd != fd);
	return fd;
}

static void
test_status_after_an_orderly_close(void **state)
{
	struct fake_hostd *f = *state;
	/* One write: the status line must stay queued behind the first. */
	const struct fake_step steps[] = {
	    FAKE_RAW(
		"{\"local\":\"10.0.0.2:40000\",\"remote\":\"10.0.0.9:7000\"}"
		"\n{\"ok\":true}\n",
		1),
	    FAKE_DO(FAKE_END)};
	int status_fd, fd = connect_with_status(f, steps, &status_fd);

	assert_int_equal(hostsock_tcp_status(status_fd), 0);
	fake_hostd_finish(f);
	close(fd);
	close(status_fd);
}

static void
test_status_tells_a_reset(void **state)
{
	struct fake_hostd *f = *state;
	const struct fake_step steps[] = {
	    ESTABLISHED, FAKE_DO(FAKE_GO),
	    FAKE_LINE("{\"errno\":\"ECONNRESET\"}"),
	    FAKE_LINE("{\"ok\":false,\"error\":\"Connection reset by peer\"}"),
	    FAKE_DO(FAKE_END)};
	int status_fd, fd = connect_with_status(f, steps, &status_fd);
	struct pollfd p = {.fd = status_fd, .events = POLLIN};

	assert_int_equal(poll(&p, 1, 0), 0); /* quiet while it lives */
	fake_hostd_go(f);
	assert_int_equal(poll(&p, 1, FAKE_WAIT_MS), 1);
	assert_int_equal(hostsock_tcp_status(status_fd), ECONNRESET);
	assert_string_equal(hostsock_error(), "Connection reset by peer");
	fake_hostd_finish(f);
	close(fd);
	close(status_fd);
}

static void
test_status_tells_a_timeout(void **state)
{
	struct fake_hostd *f = *state;
	const struct fake_step steps[] = {
	    ESTABLISHED, FAKE_LINE("{\"errno\":\"ETIMEDOUT\"}"),
	    FAKE_LINE("{\"ok\":false,\"error\":\"Connection timed out\"}"),
	    FAKE_DO(FAKE_END)};
	int status_fd, fd = connect_with_status(f, steps, &status_fd);

	assert_int_equal(hostsock_tcp_status(status_fd), ETIMEDOUT);
	fake_hostd_finish(f);
	close(fd);
	close(status_fd);
}

/* The status channel ends in something else than a closing line. */
static void
expect_status_broken(struct fake_hostd *f, const struct fake_step *steps,
		     const char *why)
{
	int status_fd, fd = connect_with_status(f, steps, &status_fd);
	int before = fake_hostd_open_fds();

	errno = 0;
	assert_int_equal(hostsock_tcp_status(status_fd), -1);
	assert_int_equal(errno, EPROTO);
	assert_string_equal(hostsock_error(), why);
	assert_int_equal(fake_hostd_open_fds(), before);
	fake_hostd_finish(f);
	close(fd);
	close(status_fd);
}

static void
test_status_channel_broken(void **state)
{
	const struct fake_step gone[] = {ESTABLISHED, FAKE_DO(FAKE_END)};
	const struct fake_step garbage[] = {
	    ESTABLISHED, FAKE_LINE("{\"state\":1}"), FAKE_DO(FAKE_END)};
	const struct fake_step with_fd[] = {
	    ESTABLISHED, FAKE_LINE_FD("{\"ok\":true}", 2), FAKE_DO(FAKE_END)};

	expect_status_broken(*state, gone, "hostd closed the connection early");
	expect_status_broken(*state, garbage,
			     "malformed reply from hostd: {\"state\":1}");
	expect_status_broken(*state, with_fd,
			     "malformed reply from hostd: {\"ok\":true}");
}

/* hostsock_tcp_connect_start to 10.0.0.9:7000: the descriptor at once. */
static int
start_fake(struct fake_hostd *f, const struct fake_step *steps, int *status_fd)
{
	struct sockaddr_in peer = fake_addr("10.0.0.9:7000"), local = {0};
	int fd;

	assert_int_equal(fake_hostd_start(f, steps), 0);
	fd = hostsock_tcp_connect_start(FAKE_NODE, NULL, &peer, 0, &local,
					status_fd);
	assert_true(fd >= 0);
	assert_string_equal(fake_addr_text(&local), "10.0.0.2:40000");
	return fd;
}

/* -n: the descriptor before the handshake, its outcome on the channel,
 * not known until it comes; then the channel goes on as before. */
static void
test_connect_start_then_established(void **state)
{
	struct fake_hostd *f = *state;
	const struct fake_step steps[] = {ESTABLISHED,
					  FAKE_DO(FAKE_GO),
					  FAKE_LINE("{\"established\":true}"),
					  FAKE_DO(FAKE_GO),
					  FAKE_LINE("{\"ok\":true}"),
					  FAKE_DO(FAKE_END)};
	int status_fd = -1, fd = start_fake(f, steps, &status_fd);

	assert_int_equal(hostsock_tcp_connect_result(status_fd, 0), -1);
	assert_int_equal(errno, EAGAIN);
	fake_hostd_go(f);
	assert_int_equal(hostsock_tcp_connect_result(status_fd, 1), 0);
	fake_hostd_go(f);
	assert_int_equal(hostsock_tcp_status(status_fd), 0);
	fake_hostd_finish(f);
	assert_string_equal(f->request,
			    "socket tcp connect -n 10.0.0.9:7000\n");
	close(fd);
	close(status_fd);
}

static void
test_connect_start_refused(void **state)
{
	struct fake_hostd *f = *state;
	const struct fake_step steps[] = {
	    ESTABLISHED, FAKE_LINE("{\"errno\":\"ECONNREFUSED\"}"),
	    FAKE_LINE("{\"ok\":false,\"error\":\"Connection refused\"}"),
	    FAKE_DO(FAKE_END)};
	int status_fd = -1, fd = start_fake(f, steps, &status_fd);

	assert_int_equal(hostsock_tcp_connect_result(status_fd, 1),
			 ECONNREFUSED);
	assert_string_equal(hostsock_error(), "Connection refused");
	fake_hostd_finish(f);
	close(fd);
	close(status_fd);
}

static void
test_connect_start_malformed(void **state)
{
	struct fake_hostd *f = *state;
	const struct fake_step ok_unestablished[] = {
	    ESTABLISHED, FAKE_LINE("{\"ok\":true}"), FAKE_DO(FAKE_END)};
	const struct fake_step gone[] = {ESTABLISHED, FAKE_DO(FAKE_END)};
	const struct fake_step *scripts[] = {ok_unestablished, gone};
	struct sockaddr_in peer = fake_addr("10.0.0.9:7000");

	for (size_t i = 0; i < 2; i++) {
		int status_fd = -1, fd = start_fake(f, scripts[i], &status_fd);

		errno = 0;
		assert_int_equal(hostsock_tcp_connect_result(status_fd, 1), -1);
		assert_int_equal(errno, EPROTO);
		fake_hostd_finish(f);
		close(fd);
		close(status_fd);
	}
	/* The status channel is not optional. */
	assert_int_equal(
	    hostsock_tcp_connect_start(FAKE_NODE, NULL, &peer, 0, NULL, NULL),
	    -1);
	assert_int_equal(errno, EINVAL);
}

#define TEST(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    TEST(test_connect_gives_the_connection),
	    TEST(test_connect_request_without_options),
	    TEST(test_connect_errors_keep_their_errno),
	    TEST(test_connect_failure_without_errno),
	    TEST(test_connect_refuses_malformed_replies),
	    TEST(test_connect_unreachable_node),
	    TEST(test_status_after_an_orderly_close),
	    TEST(test_status_tells_a_reset),
	    TEST(test_status_tells_a_timeout),
	    TEST(test_status_channel_broken),
	    TEST(test_connect_start_then_established),
	    TEST(test_connect_start_refused),
	    TEST(test_connect_start_malformed),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
