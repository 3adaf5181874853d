/*
 * hopctl's `tcp connect` and `tcp listen`, run in a child process with
 * stdin, stdout and stderr on pipes, against a fake hostd played by the
 * test itself: it takes the request on a control socket, passes one end
 * of a socketpair as the connection and acts as the peer on the other
 * end, then says on the status channel how the connection ended. For
 * listen it passes a listener (a SOCK_SEQPACKET end) and, down it, each
 * connection with its own status channel, as hostd does.
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
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "hopctl_tcp.h"
#include "hostsock.h"

#define NODE "lab1/h1"
#define WAIT_MS 5000
#define ARGS_MAX 16

struct fixture {
	char dir[80];
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	int listen_fd;		   /* the fake hostd's control socket */
	int ctl;		   /* the request's control connection */
	int in[2], out[2], err[2]; /* hopctl's stdin, stdout and stderr */
	/* Connections: hopctl gets [i][1], the peer is [i][0]. */
	int peer[2][2];
	int status[2][2]; /* accepted connections' status channels, alike */
	int lsn[2];	  /* the listener: hopctl gets [1] */
	pid_t child;
	char request[256];
};

static void
close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	const char *tmp = getenv("TMPDIR");
	char lab[160];

	if (!tmp || !*tmp || strlen(tmp) > 48)
		tmp = "/tmp";
	snprintf(f->dir, sizeof(f->dir), "%s/hopctl-tcp-XXXXXX", tmp);
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(lab, sizeof(lab), "%s/lab1", f->dir);
	snprintf(f->path, sizeof(f->path), "%s/lab1/h1.sock", f->dir);
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", f->path);
	f->listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	f->ctl = -1;
	if (mkdir(lab, 0700) < 0 ||
	    bind(f->listen_fd, (struct sockaddr *)&sun, sizeof(sun)) < 0 ||
	    listen(f->listen_fd, 4) < 0 || pipe2(f->in, O_CLOEXEC) < 0 ||
	    pipe2(f->out, O_CLOEXEC) < 0 || pipe2(f->err, O_CLOEXEC) < 0)
		return -1;
	for (int i = 0; i < 2; i++)
		if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0,
			       f->peer[i]) < 0 ||
		    socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0,
			       f->status[i]) < 0)
			return -1;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, f->lsn) < 0)
		return -1;
	setenv("HOPLAB_RUN_DIR", f->dir, 1);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;
	char lab[160];

	if (f->child > 0) {
		kill(f->child, SIGKILL);
		waitpid(f->child, NULL, 0);
	}
	close_fd(&f->listen_fd);
	close_fd(&f->ctl);
	for (int i = 0; i < 2; i++) {
		close_fd(&f->in[i]);
		close_fd(&f->out[i]);
		close_fd(&f->err[i]);
		close_fd(&f->peer[i][0]);
		close_fd(&f->peer[i][1]);
		close_fd(&f->status[i][0]);
		close_fd(&f->status[i][1]);
		close_fd(&f->lsn[i]);
	}
	unlink(f->path);
	snprintf(lab, sizeof(lab), "%s/lab1", f->dir);
	rmdir(lab);
	rmdir(f->dir);
	unsetenv("HOPLAB_RUN_DIR");
	free(f);
	return 0;
}

/* Runs `hopctl NODE words` (blank-separated) in a child. */
static void
hopctl_start(struct fixture *f, const char *words)
{
	static char copy[256];
	char *argv[ARGS_MAX], *save;
	int argc = 0;

	snprintf(copy, sizeof(copy), "%s", words);
	for (char *w = strtok_r(copy, " ", &save); w && argc < ARGS_MAX;
	     w = strtok_r(NULL, " ", &save))
		argv[argc++] = w;
	fflush(stdout); /* the child must not print the parent's output */
	fflush(stderr);
	f->child = fork();
	assert_true(f->child >= 0);
	if (f->child == 0) {
		/* Only the child's own ends: EOF must reach it and the peer. */
		close(f->in[1]);
		close(f->out[0]);
		close(f->err[0]);
		close(f->listen_fd);
		for (int i = 0; i < 2; i++) {
			close(f->peer[i][0]);
			close(f->peer[i][1]);
			close(f->status[i][0]);
			close(f->status[i][1]);
			close(f->lsn[i]);
		}
		dup2(f->in[0], STDIN_FILENO);
		dup2(f->out[1], STDOUT_FILENO);
		dup2(f->err[1], STDERR_FILENO);
		signal(SIGPIPE, SIG_IGN);
		_exit(hopctl_tcp(NODE, f->path, argc, argv));
	}
	close_fd(&f->in[0]);
	close_fd(&f->out[1]);
	close_fd(&f->err[1]);
}

/* hopctl's exit status, or -1 when it did not end in time. */
static int
hopctl_wait(struct fixture *f)
{
	struct timespec pause = {0, 5 * 1000 * 1000};
	int status;

	for (int i = 0; i < WAIT_MS / 5; i++) {
		if (waitpid(f->child, &status, WNOHANG) == f->child) {
			f->child = 0;
			return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
		}
		nanosleep(&pause, NULL);
	}
	return -1;
}

/* Everything fd gives until its end, as a string. */
static const char *
read_all(int fd)
{
	static char buf[4][1024];
	static int next;
	char *b = buf[next++ % 4];
	size_t len = 0;

	for (;;) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		ssize_t n;

		assert_int_equal(poll(&p, 1, WAIT_MS), 1);
		n = read(fd, b + len, sizeof(buf[0]) - 1 - len);
		assert_true(n >= 0);
		if (n == 0)
			break;
		len += (size_t)n;
	}
	b[len] = '\0';
	return b;
}

/* Takes hopctl's request, skipping connections that carry none. */
static void
hostd_take_request(struct fixture *f)
{
	size_t len = 0;

	while (len == 0) {
		struct pollfd p = {.fd = f->listen_fd, .events = POLLIN};

		assert_int_equal(poll(&p, 1, WAIT_MS), 1);
		close_fd(&f->ctl);
		f->ctl = accept(f->listen_fd, NULL, NULL);
		assert_true(f->ctl >= 0);
		while (!memchr(f->request, '\n', len)) {
			ssize_t n = read(f->ctl, f->request + len,
					 sizeof(f->request) - 1 - len);

			assert_true(n >= 0);
			if (n == 0)
				break;
			len += (size_t)n;
		}
	}
	f->request[len] = '\0';
}

static void
send_text(int fd, const char *text)
{
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
}

/* Sends len bytes of buf on sock with the n descriptors of fds, which
 * are then ours no more. */
static void
hostd_send(int sock, const void *buf, size_t len, int *fds, int n)
{
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(2 * sizeof(int))];
	} cbuf;
	struct iovec iov = {(void *)buf, len};
	struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1};
	struct cmsghdr *c;

	if (n > 0) {
		msg.msg_control = cbuf.buf;
		msg.msg_controllen = CMSG_SPACE((size_t)n * sizeof(int));
		c = CMSG_FIRSTHDR(&msg);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN((size_t)n * sizeof(int));
		memcpy(CMSG_DATA(c), fds, (size_t)n * sizeof(int));
	}
	assert_int_equal(sendmsg(sock, &msg, MSG_NOSIGNAL), (ssize_t)len);
	for (int i = 0; i < n; i++)
		close_fd(&fds[i]);
}

/* A reply line, with connection i's end (-1: none). */
static void
hostd_reply(struct fixture *f, const char *text, int i)
{
	hostd_send(f->ctl, text, strlen(text), i >= 0 ? &f->peer[i][1] : NULL,
		   i >= 0 ? 1 : 0);
}

/* Answers a listen request as hostd does: the listener, then the end of
 * the request. */
static void
hostd_listening(struct fixture *f)
{
	const char *text = "{\"local\":\"0.0.0.0:7000\"}\n";

	hostd_send(f->ctl, text, strlen(text), &f->lsn[1], 1);
	hostd_reply(f, "{\"ok\":true}\n", -1);
	close_fd(&f->ctl);
}

/*
 * Passes connection i from peer down the listener, with its status
 * channel, as hostd does, and waits for hopctl to acknowledge it.
 */
static void
hostd_accepted(struct fixture *f, int i, const char *peer)
{
	struct sockaddr_in local, remote;
	struct hostsock_accepted a;
	int fds[2] = {f->peer[i][1], f->status[i][1]};
	struct pollfd p = {.fd = f->lsn[0], .events = POLLIN};
	char ack;

	assert_int_equal(hostsock_parse_addr("10.0.0.2:7000", &local), 0);
	assert_int_equal(hostsock_parse_addr(peer, &remote), 0);
	a = (struct hostsock_accepted){
	    .laddr = local.sin_addr.s_addr,
	    .raddr = remote.sin_addr.s_addr,
	    .lport = local.sin_port,
	    .rport = remote.sin_port,
	};
	hostd_send(f->lsn[0], &a, sizeof(a), fds, 2);
	f->peer[i][1] = f->status[i][1] = -1;
	assert_int_equal(poll(&p, 1, WAIT_MS), 1);
	assert_int_equal(recv(f->lsn[0], &ack, 1, 0), 1);
}

/* Says on connection i's status channel how it ended. */
static void
hostd_ended(struct fixture *f, int i, const char *lines)
{
	send_text(f->status[i][0], lines);
	close_fd(&f->status[i][0]);
}

/* Reads exactly what `want` holds from fd, and checks it. */
static void
expect_read(int fd, const char *want)
{
	char buf[256] = "";
	size_t len = 0;

	while (len < strlen(want)) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		ssize_t n;

		assert_int_equal(poll(&p, 1, WAIT_MS), 1);
		n = read(fd, buf + len, strlen(want) - len);
		assert_true(n > 0);
		len += (size_t)n;
	}
	assert_string_equal(buf, want);
}

#define CONNECTED                                                              \
	"{\"local\":\"10.0.0.2:40000\",\"remote\":\"10.0.0.9:7000\"}\n"

static void
test_connect_relays_both_ways(void **state)
{
	struct fixture *f = *state;

	hopctl_start(f, "tcp connect 10.0.0.9 7000 -w 2");
	hostd_take_request(f);
	assert_string_equal(f->request,
			    "socket tcp connect -w 2 10.0.0.9:7000\n");
	hostd_reply(f, CONNECTED, 0);
	send_text(f->in[1], "ping\n");
	close_fd(&f->in[1]); /* hopctl sends a FIN after the data */
	assert_string_equal(read_all(f->peer[0][0]), "ping\n");
	/* The other way still flows after ours has closed. */
	send_text(f->peer[0][0], "pong\n");
	shutdown(f->peer[0][0], SHUT_WR);
	hostd_reply(f, "{\"ok\":true}\n", -1);
	assert_int_equal(hopctl_wait(f), 0);
	assert_string_equal(read_all(f->out[0]), "pong\n");
	assert_string_equal(read_all(f->err[0]), "");
}

static void
test_connect_sends_after_the_peer_closed(void **state)
{
	struct fixture *f = *state;

	hopctl_start(f, "tcp connect 10.0.0.9 7000");
	hostd_take_request(f);
	assert_string_equal(f->request, "socket tcp connect 10.0.0.9:7000\n");
	hostd_reply(f, CONNECTED, 0);
	send_text(f->peer[0][0], "bye\n");
	shutdown(f->peer[0][0], SHUT_WR);
	expect_read(f->out[0], "bye\n");
	send_text(f->in[1], "late\n");
	close_fd(&f->in[1]);
	assert_string_equal(read_all(f->peer[0][0]), "late\n");
	hostd_reply(f, "{\"ok\":true}\n", -1);
	assert_int_equal(hopctl_wait(f), 0);
}

static void
test_connect_refused(void **state)
{
	struct fixture *f = *state;

	hopctl_start(f, "tcp connect 10.0.0.9 7000");
	hostd_take_request(f);
	hostd_reply(f,
		    "{\"errno\":\"ECONNREFUSED\"}\n"
		    "{\"ok\":false,\"error\":\"Connection refused\"}\n",
		    -1);
	assert_int_equal(hopctl_wait(f), 1);
	assert_string_equal(read_all(f->err[0]),
			    "hopctl: " NODE ": Connection refused\n");
}

/* A reset ends the command at once, stdin open or not. */
static void
test_connect_reset(void **state)
{
	struct fixture *f = *state;

	hopctl_start(f, "tcp connect 10.0.0.9 7000");
	hostd_take_request(f);
	hostd_reply(f, CONNECTED, 0);
	send_text(f->peer[0][0], "partial\n");
	expect_read(f->out[0], "partial\n");
	close_fd(&f->peer[0][0]);
	hostd_reply(f,
		    "{\"errno\":\"ECONNRESET\"}\n"
		    "{\"ok\":false,\"error\":\"Connection reset by peer\"}\n",
		    -1);
	assert_int_equal(hopctl_wait(f), 1);
	assert_string_equal(read_all(f->err[0]),
			    "hopctl: " NODE ": Connection reset by peer\n");
}

static void
expect_usage(struct fixture *f, const char *words, const char *why)
{
	struct pollfd p = {.fd = f->listen_fd, .events = POLLIN};

	hopctl_start(f, words);
	assert_int_equal(hopctl_wait(f), 2);
	assert_non_null(strstr(read_all(f->err[0]), why));
	assert_int_equal(poll(&p, 1, 0), 0); /* hostd was not asked */
	close_fd(&f->in[1]);
	close_fd(&f->out[0]);
	close_fd(&f->err[0]);
	assert_int_equal(pipe2(f->in, O_CLOEXEC), 0);
	assert_int_equal(pipe2(f->out, O_CLOEXEC), 0);
	assert_int_equal(pipe2(f->err, O_CLOEXEC), 0);
}

static void
test_usage_errors(void **state)
{
	struct fixture *f = *state;

	expect_usage(f, "tcp connect 10.0.0.9", "usage: tcp connect");
	expect_usage(f, "tcp connect 10.0.0.9 0", "usage: tcp connect");
	expect_usage(f, "tcp connect host 80", "usage: tcp connect");
	expect_usage(f, "tcp connect -w 0 10.0.0.9 80", "-w: 1 to 3600");
	expect_usage(f, "tcp connect -k 10.0.0.9 80", "unknown option '-k'");
	expect_usage(f, "tcp listen", "usage: tcp listen");
	expect_usage(f, "tcp listen 70000", "usage: tcp listen");
	expect_usage(f, "tcp listen 7000 -b", "-b needs a value");
}

static void
test_unreachable_daemon(void **state)
{
	struct fixture *f = *state;

	close_fd(&f->listen_fd);
	unlink(f->path);
	hopctl_start(f, "tcp connect 10.0.0.9 7000");
	assert_int_equal(hopctl_wait(f), 2);
	assert_non_null(strstr(read_all(f->err[0]), "cannot reach " NODE));
}

#define RESET                                                                  \
	"{\"errno\":\"ECONNRESET\"}\n"                                         \
	"{\"ok\":false,\"error\":\"Connection reset by peer\"}\n"

/* hopctl's stderr says the listener went away, and it ends with 1. */
static void
expect_listener_gone(struct fixture *f, const char *before)
{
	char want[256];

	close_fd(&f->lsn[0]); /* hostd goes away */
	assert_int_equal(hopctl_wait(f), 1);
	snprintf(want, sizeof(want),
		 "%shopctl: " NODE ": hostd closed the listener\n", before);
	assert_string_equal(read_all(f->err[0]), want);
}

static void
test_listen_serves_one_connection(void **state)
{
	struct fixture *f = *state;
	char c;

	hopctl_start(f, "tcp listen -b 3 7000");
	hostd_take_request(f);
	assert_string_equal(f->request,
			    "socket tcp listen -q 3 0.0.0.0:7000\n");
	hostd_listening(f);
	hostd_accepted(f, 0, "10.0.0.9:5001");
	/* The listener closes once it has its connection. */
	assert_int_equal(recv(f->lsn[0], &c, 1, 0), 0);
	send_text(f->peer[0][0], "hello\n");
	shutdown(f->peer[0][0], SHUT_WR);
	close_fd(&f->in[1]);
	assert_string_equal(read_all(f->peer[0][0]), "");
	hostd_ended(f, 0, "{\"ok\":true}\n");
	assert_int_equal(hopctl_wait(f), 0);
	assert_string_equal(read_all(f->out[0]), "hello\n");
	assert_string_equal(read_all(f->err[0]), "");
}

/* A reset of the accepted connection ends the command at once. */
static void
test_listen_reset(void **state)
{
	struct fixture *f = *state;

	hopctl_start(f, "tcp listen 7000");
	hostd_take_request(f);
	hostd_listening(f);
	hostd_accepted(f, 0, "10.0.0.9:5001");
	send_text(f->peer[0][0], "partial\n");
	expect_read(f->out[0], "partial\n");
	close_fd(&f->peer[0][0]);
	hostd_ended(f, 0, RESET);
	assert_int_equal(hopctl_wait(f), 1);
	assert_string_equal(read_all(f->err[0]),
			    "hopctl: " NODE ": Connection reset by peer\n");
}

static void
test_listen_keeps_accepting(void **state)
{
	struct fixture *f = *state;

	hopctl_start(f, "tcp listen 7000 -k");
	hostd_take_request(f);
	assert_string_equal(f->request, "socket tcp listen 0.0.0.0:7000\n");
	close_fd(&f->in[1]);
	hostd_listening(f);
	for (int i = 0; i < 2; i++) {
		hostd_accepted(f, i, i ? "10.0.0.8:5002" : "10.0.0.9:5001");
		send_text(f->peer[i][0], i ? "two\n" : "one\n");
		shutdown(f->peer[i][0], SHUT_WR);
		assert_string_equal(read_all(f->peer[i][0]), "");
		hostd_ended(f, i, "{\"ok\":true}\n");
	}
	expect_listener_gone(f, "");
	assert_string_equal(read_all(f->out[0]), "one\ntwo\n");
}

/* With -k, a reset is reported and the next connection taken. */
static void
test_listen_keeps_accepting_after_a_reset(void **state)
{
	struct fixture *f = *state;

	hopctl_start(f, "tcp listen -k 7000");
	hostd_take_request(f);
	close_fd(&f->in[1]);
	hostd_listening(f);
	hostd_accepted(f, 0, "10.0.0.9:5001");
	send_text(f->peer[0][0], "cut\n");
	close_fd(&f->peer[0][0]);
	hostd_ended(f, 0, RESET);
	hostd_accepted(f, 1, "10.0.0.8:5002");
	send_text(f->peer[1][0], "whole\n");
	shutdown(f->peer[1][0], SHUT_WR);
	assert_string_equal(read_all(f->peer[1][0]), "");
	hostd_ended(f, 1, "{\"ok\":true}\n");
	expect_listener_gone(f, "hopctl: " NODE ": Connection reset by peer\n");
	assert_string_equal(read_all(f->out[0]), "cut\nwhole\n");
}

static void
test_listen_port_in_use(void **state)
{
	struct fixture *f = *state;

	hopctl_start(f, "tcp listen 7000");
	hostd_take_request(f);
	hostd_reply(f,
		    "{\"errno\":\"EADDRINUSE\"}\n"
		    "{\"ok\":false,\"error\":\"Address already in use\"}\n",
		    -1);
	assert_int_equal(hopctl_wait(f), 1);
	assert_string_equal(read_all(f->err[0]),
			    "hopctl: " NODE ": Address already in use\n");
}

static void
test_wants_only_tcp_connect_and_listen(void **state)
{
	char *connect[] = {"tcp", "connect"}, *listen[] = {"tcp", "listen"},
	     *other[] = {"tcp", "send"}, *udp[] = {"udp", "listen"};

	(void)state;
	assert_true(hopctl_tcp_wants(2, connect));
	assert_true(hopctl_tcp_wants(2, listen));
	assert_false(hopctl_tcp_wants(2, other));
	assert_false(hopctl_tcp_wants(2, udp));
	assert_false(hopctl_tcp_wants(1, connect));
}

#define TEST(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    TEST(test_connect_relays_both_ways),
	    TEST(test_connect_sends_after_the_peer_closed),
	    TEST(test_connect_refused),
	    TEST(test_connect_reset),
	    TEST(test_usage_errors),
	    TEST(test_unreachable_daemon),
	    TEST(test_listen_serves_one_connection),
	    TEST(test_listen_reset),
	    TEST(test_listen_keeps_accepting),
	    TEST(test_listen_keeps_accepting_after_a_reset),
	    TEST(test_listen_port_in_use),
	    TEST(test_wants_only_tcp_connect_and_listen),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
