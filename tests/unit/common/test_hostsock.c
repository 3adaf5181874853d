/*
 * The hostsock client library: address parsing, node name resolution, and
 * hostsock_udp against a fake hostd, a child process that takes one
 * connection, records the request and answers from a script the way
 * hostd's `socket udp` does (a reply line carrying a descriptor by
 * SCM_RIGHTS, then the closing line).
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
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

#include "hostsock.h"

#define DIR_MAX 80 /* leaves room for LAB/NODE.sock in sun_path */
#define PATH_LEN 160
#define OVERSIZE_REPLY 9000 /* past the client's 8192-byte reply buffer */

/* One write of the fake's answer, with the descriptor attached or not. */
struct step {
	const char *text;
	bool with_fd;
};

struct fixture {
	char dir[DIR_MAX];
	/* The fake's socket, DIR/lab1/h1.sock: node "lab1/h1". */
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	int listen_fd;
	int pair[2];	     /* the fake passes pair[1]; pair[0] checks it */
	int request_pipe[2]; /* the request as the fake read it */
	pid_t fake;
	char request[512];
};

static void
fake_send(int conn, const struct step *s, int fd)
{
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(int))];
	} cbuf;
	struct iovec iov = {(void *)s->text, strlen(s->text)};
	struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1};
	struct cmsghdr *c;

	if (s->with_fd) {
		msg.msg_control = cbuf.buf;
		msg.msg_controllen = sizeof(cbuf.buf);
		c = CMSG_FIRSTHDR(&msg);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &fd, sizeof(int));
	}
	sendmsg(conn, &msg, MSG_NOSIGNAL);
}

/* The child: one connection, one request, the script, then gone. */
static void __attribute__((noreturn))
fake_serve(struct fixture *f, const struct step *steps)
{
	char req[sizeof(f->request)];
	size_t len = 0;
	int conn = accept(f->listen_fd, NULL, NULL);

	while (conn >= 0 && len < sizeof(req) && !memchr(req, '\n', len)) {
		ssize_t n = read(conn, req + len, sizeof(req) - len);

		if (n <= 0)
			break;
		len += (size_t)n;
	}
	if (write(f->request_pipe[1], req, len) < 0)
		_exit(1);
	for (const struct step *s = steps; s->text; s++)
		fake_send(conn, s, f->pair[1]);
	_exit(0); /* not exit: the parent's buffered output is not ours */
}

static void
fake_start(struct fixture *f, const struct step *steps)
{
	f->fake = fork();
	assert_true(f->fake >= 0);
	if (f->fake == 0)
		fake_serve(f, steps);
}

/* Waits for the fake, killing it past a deadline, and takes its request. */
static void
fake_finish(struct fixture *f)
{
	struct timespec pause = {0, 5 * 1000 * 1000};
	pid_t done = 0;
	ssize_t n;

	if (f->fake <= 0)
		return;
	for (int i = 0; i < 600 && done == 0; i++) {
		done = waitpid(f->fake, NULL, WNOHANG);
		if (done == 0)
			nanosleep(&pause, NULL);
	}
	if (done == 0) {
		kill(f->fake, SIGKILL);
		waitpid(f->fake, NULL, 0);
	}
	f->fake = 0;
	n = read(f->request_pipe[0], f->request, sizeof(f->request) - 1);
	f->request[n > 0 ? n : 0] = '\0';
}

static void
path_in(const struct fixture *f, const char *name, char *path, size_t len)
{
	snprintf(path, len, "%s/%s", f->dir, name);
}

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	const char *tmp = getenv("TMPDIR");
	char lab[PATH_LEN];

	if (!tmp || !*tmp || strlen(tmp) > 48)
		tmp = "/tmp";
	snprintf(f->dir, sizeof(f->dir), "%s/hostsock-XXXXXX", tmp);
	if (!mkdtemp(f->dir))
		return -1;
	path_in(f, "lab1", lab, sizeof(lab));
	path_in(f, "lab1/h1.sock", f->path, sizeof(f->path));
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", f->path);
	f->listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (mkdir(lab, 0700) < 0 ||
	    bind(f->listen_fd, (struct sockaddr *)&sun, sizeof(sun)) < 0 ||
	    listen(f->listen_fd, 4) < 0 ||
	    socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, f->pair) <
		0 ||
	    pipe2(f->request_pipe, O_NONBLOCK | O_CLOEXEC) < 0)
		return -1;
	setenv("HOPLAB_RUN_DIR", f->dir, 1);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;
	const char *files[] = {"lab1/h1.sock", "lab2/h1.sock", "lab2/h2.sock"};
	char path[PATH_LEN];

	fake_finish(f);
	close(f->listen_fd);
	close(f->pair[0]);
	close(f->pair[1]);
	close(f->request_pipe[0]);
	close(f->request_pipe[1]);
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		path_in(f, files[i], path, sizeof(path));
		unlink(path);
	}
	path_in(f, "lab1", path, sizeof(path));
	rmdir(path);
	path_in(f, "lab2", path, sizeof(path));
	rmdir(path);
	rmdir(f->dir);
	unsetenv("HOPLAB_RUN_DIR");
	free(f);
	return 0;
}

static int
open_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;

	assert_non_null(d);
	while (readdir(d))
		n++;
	closedir(d);
	return n;
}

static struct sockaddr_in
addr(const char *text)
{
	struct sockaddr_in sin;

	assert_int_equal(hostsock_parse_addr(text, &sin), 0);
	return sin;
}

static void
test_parse_addr_reads_address_and_port(void **state)
{
	struct sockaddr_in sin = addr("10.1.2.3:5353");

	(void)state;
	assert_int_equal(sin.sin_family, AF_INET);
	assert_int_equal(sin.sin_addr.s_addr, htonl(0x0a010203));
	assert_int_equal(sin.sin_port, htons(5353));
	sin = addr("10.1.2.3");
	assert_int_equal(sin.sin_port, 0);
	sin = addr("0.0.0.0:65535");
	assert_int_equal(sin.sin_addr.s_addr, 0);
	assert_int_equal(sin.sin_port, htons(65535));
}

static void
test_parse_addr_refuses_malformed(void **state)
{
	const char *bad[] = {"",
			     ":80",
			     "10.1.2.3:",
			     "10.1.2.3:65536",
			     "10.1.2.3:-1",
			     "10.1.2.3:80x",
			     "10.1.2:80",
			     "300.1.2.3:80",
			     "host:80",
			     "10.1.2.3.10.1.2.3.10.1.2.3:80"};
	struct sockaddr_in sin;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(hostsock_parse_addr(bad[i], &sin), -1);
	}
}

static void
expect_resolved(const char *node, const char *want)
{
	char path[PATH_LEN];

	assert_int_equal(hostsock_resolve(node, path, sizeof(path)), 0);
	assert_string_equal(path, want);
}

static void
expect_unresolved(const char *node, int err, const char *why)
{
	char path[PATH_LEN];

	errno = 0;
	assert_int_equal(hostsock_resolve(node, path, sizeof(path)), -1);
	assert_int_equal(errno, err);
	assert_non_null(strstr(hostsock_error(), why));
}

static void
test_resolve_takes_paths_as_given(void **state)
{
	(void)state;
	expect_resolved("/somewhere/else", "/somewhere/else");
	expect_resolved("./h1", "./h1");
	expect_resolved("h1.sock", "h1.sock");
}

static void
test_resolve_lab_and_node_under_run_dir(void **state)
{
	struct fixture *f = *state;
	char want[PATH_LEN];

	path_in(f, "lab9/r1.sock", want, sizeof(want));
	expect_resolved("lab9/r1", want); /* need not exist yet */
	expect_unresolved("lab9/", EINVAL, "bad node name 'lab9/'");
	expect_unresolved("a/b/c", EINVAL, "bad node name");
}

static void
touch(const struct fixture *f, const char *name)
{
	char path[PATH_LEN];
	FILE *fp;

	path_in(f, name, path, sizeof(path));
	fp = fopen(path, "w");
	assert_non_null(fp);
	fclose(fp);
}

static void
test_resolve_node_alone_searches_every_lab(void **state)
{
	struct fixture *f = *state;
	char lab2[PATH_LEN], want[PATH_LEN];

	path_in(f, "lab2", lab2, sizeof(lab2));
	assert_int_equal(mkdir(lab2, 0700), 0);
	touch(f, "lab2/h2.sock");
	path_in(f, "lab2/h2.sock", want, sizeof(want));
	expect_resolved("h2", want);
	expect_resolved("h1", f->path);
	touch(f, "lab2/h1.sock");
	expect_unresolved("h1", EINVAL, "node 'h1' is in several labs");
	expect_unresolved("h3", ENOENT, "no lab has a node 'h3'");
}

static void
test_resolve_default_run_dir(void **state)
{
	(void)state;
	unsetenv("HOPLAB_RUN_DIR");
	expect_resolved("lab/h1", "/run/hoplab/lab/h1.sock");
	setenv("HOPLAB_RUN_DIR", "", 1);
	expect_resolved("lab/h1", "/run/hoplab/lab/h1.sock");
}

/* hostsock_udp on the fake's node; the descriptor, or -1. */
static int
udp_from_fake(struct fixture *f, const struct step *steps,
	      struct sockaddr_in *bound)
{
	struct sockaddr_in local = addr("10.0.0.2:0"),
			   peer = addr("10.0.0.9:7000");
	int fd, err;

	fake_start(f, steps);
	fd = hostsock_udp("lab1/h1", &local, &peer, HOSTSOCK_FRAMED, bound);
	err = errno;
	fake_finish(f);
	errno = err;
	return fd;
}

/* The descriptor is the fake's pair[1]: what goes in comes out of pair[0]. */
static void
assert_reaches_pair(const struct fixture *f, int fd)
{
	char got[16] = "";

	assert_int_equal(write(fd, "datagram", 8), 8);
	assert_int_equal(recv(f->pair[0], got, sizeof(got) - 1, MSG_DONTWAIT),
			 8);
	assert_string_equal(got, "datagram");
}

static void
test_udp_returns_working_descriptor(void **state)
{
	struct fixture *f = *state;
	const struct step steps[] = {{"{\"local\":\"10.0.0.2:40000\"}\n", true},
				     {"{\"ok\":true}\n", 0},
				     {0}};
	struct sockaddr_in bound = {0};
	int before = open_fds(), fd = udp_from_fake(f, steps, &bound);

	assert_true(fd >= 0);
	assert_string_equal(f->request,
			    "socket udp -b 10.0.0.2:0 -c 10.0.0.9:7000 -f\n");
	assert_int_equal(bound.sin_addr.s_addr, htonl(0x0a000002));
	assert_int_equal(bound.sin_port, htons(40000));
	assert_reaches_pair(f, fd);
	close(fd);
	assert_int_equal(open_fds(), before);
}

static void
test_udp_reads_a_reply_longer_than_its_buffer(void **state)
{
	struct fixture *f = *state;
	char note[200];
	struct step steps[64] = {{"{\"local\":\"0.0.0.0:9\"}\n", true}};
	int fd, n = 1;

	snprintf(note, sizeof(note), "{\"note\":\"%0180d\"}\n", 0);
	while (n < 62)
		steps[n++] = (struct step){note, false};
	steps[n] = (struct step){"{\"ok\":true}\n", false};
	fake_start(f, steps);
	fd = hostsock_udp(f->path, NULL, NULL, 0, NULL);
	fake_finish(f);
	assert_true(fd >= 0);
	assert_string_equal(f->request, "socket udp\n");
	assert_reaches_pair(f, fd);
	close(fd);
}

/* hostsock_udp fails with err and why, leaving no descriptor open. */
static void
expect_udp_failure(struct fixture *f, const struct step *steps, int err,
		   const char *why)
{
	int before = open_fds();

	errno = 0;
	assert_int_equal(udp_from_fake(f, steps, NULL), -1);
	assert_int_equal(errno, err);
	assert_string_equal(hostsock_error(), why);
	assert_int_equal(open_fds(), before);
}

static void
test_udp_error_reply_gives_errno_and_message(void **state)
{
	const struct step steps[] = {
	    {"{\"ok\":false,\"error\":\"bad peer '10.0.0.9:0'\",\"usage\":true}"
	     "\n",
	     false},
	    {0}};

	expect_udp_failure(*state, steps, ECONNREFUSED,
			   "bad peer '10.0.0.9:0'");
	assert_int_equal(hostsock_named_errno(), 0);
}

/* An errno line names the error, told apart from the refusal; and -r
 * asks for a shared port. */
static void
test_udp_error_names_its_errno(void **state)
{
	struct fixture *f = *state;
	const struct step steps[] = {
	    {"{\"errno\":\"EADDRINUSE\"}\n", false},
	    {"{\"ok\":false,\"error\":\"Address already in use\"}\n", false},
	    {0}};
	struct sockaddr_in local = addr("0.0.0.0:5201");

	fake_start(f, steps);
	errno = 0;
	assert_int_equal(hostsock_udp("lab1/h1", &local, NULL,
				      HOSTSOCK_FRAMED | HOSTSOCK_REUSE, NULL),
			 -1);
	assert_int_equal(errno, ECONNREFUSED); /* hostd refused */
	assert_int_equal(hostsock_named_errno(), EADDRINUSE);
	assert_string_equal(hostsock_error(), "Address already in use");
	fake_finish(f);
	assert_string_equal(f->request, "socket udp -b 0.0.0.0:5201 -f -r\n");
}

/* hostsock_udp_connect: a header alone, of kind HOSTSOCK_CONNECT. */
static void
test_udp_connect_message(void **state)
{
	struct fixture *f = *state;
	struct sockaddr_in peer = addr("10.0.0.9:53"),
			   noport = addr("10.0.0.9");
	struct hostsock_hdr h;

	assert_int_equal(hostsock_udp_connect(f->pair[1], &peer), 0);
	assert_int_equal(recv(f->pair[0], &h, sizeof(h) + 1, MSG_DONTWAIT),
			 (ssize_t)sizeof(h));
	assert_int_equal(h.kind, HOSTSOCK_CONNECT);
	assert_int_equal(h.addr, htonl(0x0a000009));
	assert_int_equal(h.port, htons(53));
	assert_int_equal(hostsock_udp_connect(f->pair[1], NULL), 0);
	assert_int_equal(recv(f->pair[0], &h, sizeof(h), MSG_DONTWAIT),
			 (ssize_t)sizeof(h));
	assert_int_equal(h.kind, HOSTSOCK_CONNECT);
	assert_int_equal(h.addr, 0);
	assert_int_equal(hostsock_udp_connect(f->pair[1], &noport), -1);
	assert_int_equal(errno, EINVAL);
}

static void
test_udp_error_after_descriptor_closes_it(void **state)
{
	const struct step steps[] = {{"{\"local\":\"10.0.0.2:1\"}\n", true},
				     {"{\"ok\":false}\n", false},
				     {0}};

	expect_udp_failure(*state, steps, ECONNREFUSED, "request failed");
}

static void
test_udp_ok_without_descriptor_is_refused(void **state)
{
	const struct step steps[] = {{"{\"ok\":true}\n", false}, {0}};

	expect_udp_failure(*state, steps, EPROTO, "no descriptor in reply");
}

static void
test_udp_server_closing_early(void **state)
{
	const struct step steps[] = {
	    {"{\"local\":\"10.0.0.2:1\"}\n", true}, {"{\"ok\":tr", false}, {0}};

	expect_udp_failure(*state, steps, EPROTO,
			   "hostd closed the connection early");
}

static void
test_udp_reply_too_long(void **state)
{
	static char line[OVERSIZE_REPLY + 1];
	const struct step steps[] = {{line, true}, {0}};

	memset(line, 'x', OVERSIZE_REPLY);
	expect_udp_failure(*state, steps, EPROTO, "reply line too long");
}

static void
test_udp_unreachable_node(void **state)
{
	struct fixture *f = *state;
	char path[PATH_LEN];

	path_in(f, "lab1/gone.sock", path, sizeof(path));
	assert_int_equal(hostsock_udp(path, NULL, NULL, 0, NULL), -1);
	assert_int_equal(errno, ENOENT);
	assert_non_null(strstr(hostsock_error(), "cannot reach"));
	assert_int_equal(hostsock_udp("lab1/", NULL, NULL, 0, NULL), -1);
	assert_int_equal(errno, EINVAL);
	memset(path, 'p', sizeof(path) - 1);
	path[0] = '/';
	path[sizeof(path) - 1] = '\0';
	assert_int_equal(hostsock_udp(path, NULL, NULL, 0, NULL), -1);
	assert_int_equal(errno, ENAMETOOLONG);
}

static void
test_framed_send_and_receive(void **state)
{
	struct fixture *f = *state;
	struct sockaddr_in to = addr("10.0.0.7:53"), from;
	struct hostsock_hdr hdr = {.kind = HOSTSOCK_ERROR,
				   .icmp_type = 3,
				   .icmp_code = 3,
				   .addr = htonl(0x0a000008),
				   .port = htons(99),
				   .icmp_from = htonl(0x0a0000fe)};
	uint8_t msg[HOSTSOCK_HDR_LEN + 4];
	char payload[8] = "";

	assert_int_equal(hostsock_sendto(f->pair[0], "abc", 3, &to), 3);
	assert_int_equal(recv(f->pair[1], msg, sizeof(msg), 0),
			 HOSTSOCK_HDR_LEN + 3);
	assert_int_equal(msg[0], HOSTSOCK_DATA);
	assert_memory_equal(msg + 4, &to.sin_addr.s_addr, 4);
	assert_memory_equal(msg + 8, &to.sin_port, 2);
	assert_memory_equal(msg + HOSTSOCK_HDR_LEN, "abc", 3);
	memcpy(msg, &hdr, sizeof(hdr));
	memcpy(msg + HOSTSOCK_HDR_LEN, "wxyz", 4);
	assert_int_equal(send(f->pair[1], msg, sizeof(msg), 0), sizeof(msg));
	memset(&hdr, 0, sizeof(hdr));
	assert_int_equal(hostsock_recvfrom(f->pair[0], payload, 2, &from, &hdr),
			 2); /* cut to the room given */
	assert_string_equal(payload, "wx");
	assert_int_equal(from.sin_addr.s_addr, htonl(0x0a000008));
	assert_int_equal(from.sin_port, htons(99));
	assert_int_equal(hdr.kind, HOSTSOCK_ERROR);
	assert_int_equal(hdr.icmp_from, htonl(0x0a0000fe));
}

static void
test_framed_refuses_bad_messages(void **state)
{
	struct fixture *f = *state;
	static char big[HOSTSOCK_PAYLOAD_MAX + 1];
	char buf[8];

	assert_int_equal(hostsock_sendto(f->pair[0], big, sizeof(big), NULL),
			 -1);
	assert_int_equal(errno, EMSGSIZE);
	assert_int_equal(send(f->pair[1], "abc", 3, 0), 3);
	assert_int_equal(hostsock_recvfrom(f->pair[0], buf, 8, NULL, NULL), -1);
	assert_int_equal(errno, EPROTO);
	close(f->pair[1]);
	f->pair[1] = -1;
	assert_int_equal(hostsock_recvfrom(f->pair[0], buf, 8, NULL, NULL), -1);
	assert_int_equal(errno, ECONNRESET);
}

static void
test_recv_tells_empty_datagram_from_end(void **state)
{
	struct fixture *f = *state;
	char buf[8];

	assert_int_equal(send(f->pair[1], "", 0, 0), 0);
	assert_int_equal(hostsock_recv(f->pair[0], buf, sizeof(buf)), 0);
	assert_int_equal(send(f->pair[1], "hi", 2, 0), 2);
	assert_int_equal(hostsock_recv(f->pair[0], buf, sizeof(buf)), 2);
	close(f->pair[1]);
	f->pair[1] = -1;
	assert_int_equal(hostsock_recv(f->pair[0], buf, sizeof(buf)), -1);
	assert_int_equal(errno, ECONNRESET);
}

#define TEST(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    TEST(test_parse_addr_reads_address_and_port),
	    TEST(test_parse_addr_refuses_malformed),
	    TEST(test_resolve_takes_paths_as_given),
	    TEST(test_resolve_lab_and_node_under_run_dir),
	    TEST(test_resolve_node_alone_searches_every_lab),
	    TEST(test_resolve_default_run_dir),
	    TEST(test_udp_returns_working_descriptor),
	    TEST(test_udp_reads_a_reply_longer_than_its_buffer),
	    TEST(test_udp_error_reply_gives_errno_and_message),
	    TEST(test_udp_error_after_descriptor_closes_it),
	    TEST(test_udp_error_names_its_errno),
	    TEST(test_udp_connect_message),
	    TEST(test_udp_ok_without_descriptor_is_refused),
	    TEST(test_udp_server_closing_early),
	    TEST(test_udp_reply_too_long),
	    TEST(test_udp_unreachable_node),
	    TEST(test_framed_send_and_receive),
	    TEST(test_framed_refuses_bad_messages),
	    TEST(test_recv_tells_empty_datagram_from_end),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
