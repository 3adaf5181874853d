/*
 * hostsock's TCP, client side. A connect request stays open as the
 * connection's status channel; a listen request gives a SOCK_SEQPACKET
 * descriptor that carries one message per accepted connection, with the
 * connection's descriptor and its own status channel.
 */
#include "hostsock.h"

#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "hostsock_int.h"

/* The errno an {"errno":"NAME"} line names; -1 for another line. */
static int
hostsock_errno_line(const char *line)
{
	char name[32];

	if (strncmp(line, "{\"errno\":", 9) ||
	    hostsock_json_str(line, "errno", name, sizeof(name)) < 0)
		return -1;
	return hostsock_errno_value(name);
}

/*
 * Follows a request to its closing line from line (read already, with no
 * descriptor): an {"errno":"NAME"} line names the error, {"ok":...}
 * closes. The request's result: 0, or an errno (EINVAL for a usage error,
 * EIO when none was named), also in errno, with hostd's message in
 * hostsock_error(); -1 with errno when the channel broke or said something
 * else (EPROTO).
 */
static int
hostsock_tcp_result(int ctl, char *line, size_t cap)
{
	int named = 0;

	for (;;) {
		char msg[256];

		if (!strncmp(line, "{\"ok\":true", 10))
			return 0;
		if (!strncmp(line, "{\"ok\":false", 11)) {
			if (strstr(line, "\"usage\":true"))
				named = EINVAL;
			if (hostsock_json_str(line, "error", msg, sizeof(msg)))
				snprintf(msg, sizeof(msg), "request failed");
			hostsock_fail(named ? named : EIO, "%s", msg);
			return errno;
		}
		if (named || (named = hostsock_errno_line(line)) < 0)
			return hostsock_malformed(line);
		if (hostsock_next_line(ctl, line, cap, NULL) < 0)
			return -1;
	}
}

/*
 * The end of a request that ended before it gave what it should: -1 with
 * errno, the one it named, or err with message what when it ended well.
 */
static int
hostsock_tcp_ended(int ctl, char *line, size_t cap, int err, const char *what)
{
	int r = hostsock_tcp_result(ctl, line, cap);

	if (r == 0)
		return hostsock_fail(err, "%s", what);
	if (r > 0)
		errno = r;
	return -1;
}

/*
 * The connected line, {"local":"A:P","remote":"A:P"} with the
 * connection's descriptor fd: fd, or -1 (and fd closed) when the line is
 * malformed.
 */
static int
hostsock_tcp_conn_line(const char *line, int fd, struct sockaddr_in *local)
{
	if (strncmp(line, "{\"local\":", 9) ||
	    hostsock_json_addr(line, "local", local) < 0 ||
	    hostsock_json_addr(line, "remote", NULL) < 0) {
		close(fd);
		return hostsock_malformed(line);
	}
	return fd;
}

/*
 * Sends `socket tcp connect` (with -n when early: the descriptor before
 * the handshake) and reads the line that brings the descriptor.
 */
static int
hostsock_tcp_request(const char *node, const struct sockaddr_in *bind_to,
		     const struct sockaddr_in *peer, int timeout_ms, bool early,
		     struct sockaddr_in *local, int *status_fd)
{
	char req[256], b[64] = "", w[32] = "", p[32];
	char line[HOSTSOCK_REPLY_MAX];
	int ctl, fd;

	if (!peer)
		return hostsock_fail(EINVAL, "no peer to connect to");
	if (bind_to)
		hostsock_addr_arg(b, sizeof(b), "-b", bind_to);
	if (timeout_ms > 0)
		snprintf(w, sizeof(w), " -w %d",
			 timeout_ms / 1000 + (timeout_ms % 1000 != 0));
	hostsock_addr_arg(p, sizeof(p), "", peer);
	snprintf(req, sizeof(req), "socket tcp connect%s%s%s%s\n",
		 early ? " -n" : "", b, w, p);
	ctl = hostsock_request(node, req);
	if (ctl < 0)
		return -1;
	if (hostsock_next_line(ctl, line, sizeof(line), &fd) < 0)
		fd = -1;
	else if (fd >= 0)
		fd = hostsock_tcp_conn_line(line, fd, local);
	else
		fd = hostsock_tcp_ended(ctl, line, sizeof(line), EPROTO,
					"no descriptor in reply");
	if (fd >= 0 && status_fd)
		*status_fd = ctl;
	else
		hostsock_drop(&ctl);
	return fd;
}

int
hostsock_tcp_connect(const char *node, const struct sockaddr_in *bind_to,
		     const struct sockaddr_in *peer, int timeout_ms,
		     struct sockaddr_in *local, int *status_fd)
{
	return hostsock_tcp_request(node, bind_to, peer, timeout_ms, false,
				    local, status_fd);
}

int
hostsock_tcp_connect_start(const char *node, const struct sockaddr_in *bind_to,
			   const struct sockaddr_in *peer, int timeout_ms,
			   struct sockaddr_in *local, int *status_fd)
{
	if (!status_fd)
		return hostsock_fail(EINVAL, "no place for the status channel");
	return hostsock_tcp_request(node, bind_to, peer, timeout_ms, true,
				    local, status_fd);
}

int
hostsock_tcp_connect_result(int status_fd, int block)
{
	char line[HOSTSOCK_REPLY_MAX];
	struct pollfd p = {.fd = status_fd, .events = POLLIN};
	int r;

	if (!block && poll(&p, 1, 0) == 0)
		return hostsock_fail(EAGAIN, "still connecting");
	if (hostsock_next_line(status_fd, line, sizeof(line), NULL) < 0)
		return -1;
	if (!strcmp(line, "{\"established\":true}"))
		return 0;
	r = hostsock_tcp_result(status_fd, line, sizeof(line));
	if (r == 0)
		return hostsock_fail(EPROTO, "connection ended unestablished");
	return r;
}

int
hostsock_tcp_status(int status_fd)
{
	char line[HOSTSOCK_REPLY_MAX];

	if (hostsock_next_line(status_fd, line, sizeof(line), NULL) < 0)
		return -1;
	return hostsock_tcp_result(status_fd, line, sizeof(line));
}

/*
 * Reads a listen request's reply to its closing line: the listening
 * descriptor, or -1.
 */
static int
hostsock_tcp_listening(int ctl, struct sockaddr_in *bound)
{
	char line[HOSTSOCK_REPLY_MAX];
	int lfd;

	if (hostsock_next_line(ctl, line, sizeof(line), &lfd) < 0)
		return -1;
	if (lfd < 0)
		return hostsock_tcp_ended(ctl, line, sizeof(line), EPROTO,
					  "no listening descriptor in reply");
	if (strncmp(line, "{\"local\":", 9) ||
	    hostsock_json_addr(line, "local", bound) < 0)
		hostsock_malformed(line);
	else if (hostsock_next_line(ctl, line, sizeof(line), NULL) > 0 &&
		 hostsock_tcp_result(ctl, line, sizeof(line)) == 0)
		return lfd;
	hostsock_drop(&lfd);
	return -1;
}

int
hostsock_tcp_listen(const char *node, const struct sockaddr_in *bind_to,
		    int backlog, struct sockaddr_in *bound)
{
	const struct sockaddr_in any = {.sin_family = AF_INET};
	char req[256], q[32] = "", a[32];
	int ctl, lfd;

	if (backlog > 0)
		snprintf(q, sizeof(q), " -q %d", backlog);
	hostsock_addr_arg(a, sizeof(a), "", bind_to ? bind_to : &any);
	snprintf(req, sizeof(req), "socket tcp listen%s%s\n", q, a);
	ctl = hostsock_request(node, req);
	if (ctl < 0)
		return -1;
	lfd = hostsock_tcp_listening(ctl, bound);
	hostsock_drop(&ctl); /* the request is done */
	return lfd;
}

/*
 * Takes the descriptors msg carried into fds (up to max of them, the rest
 * closed); how many came.
 */
static int
hostsock_take_fds(struct msghdr *msg, int *fds, int max)
{
	int n = 0;

	for (struct cmsghdr *c = CMSG_FIRSTHDR(msg); c;
	     c = CMSG_NXTHDR(msg, c)) {
		size_t count;

		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (size_t i = 0; i < count; i++, n++) {
			int fd;

			memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(fd));
			if (n < max)
				fds[n] = fd;
			else
				close(fd);
		}
	}
	return n;
}

/*
 * Acknowledges one message taken from lfd, so that hostd may pass
 * another; it waits for room even on a non-blocking lfd, since a lost
 * acknowledgement would shrink the backlog for good. A listener already
 * gone (EPIPE) shows at the next accept.
 */
static void
hostsock_ack(int lfd)
{
	const char ack = 'a';
	int err = errno;

	while (send(lfd, &ack, 1, MSG_NOSIGNAL) < 0) {
		struct pollfd p = {.fd = lfd, .events = POLLOUT};

		if (errno == EAGAIN || errno == EWOULDBLOCK)
			poll(&p, 1, -1);
		else if (errno != EINTR)
			break;
	}
	errno = err;
}

/* A struct sockaddr_in of an address and port in network byte order. */
static void
hostsock_sin(struct sockaddr_in *sin, uint32_t addr, uint16_t port)
{
	if (!sin)
		return;
	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_addr.s_addr = addr;
	sin->sin_port = port;
}

int
hostsock_accept(int lfd, struct sockaddr_in *peer, struct sockaddr_in *local,
		int *status_fd)
{
	struct hostsock_accepted a;
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(2 * sizeof(int))];
	} cbuf;
	struct iovec iov = {.iov_base = &a, .iov_len = sizeof(a)};
	struct msghdr msg = {.msg_iov = &iov,
			     .msg_iovlen = 1,
			     .msg_control = cbuf.buf,
			     .msg_controllen = sizeof(cbuf.buf)};
	int fds[2] = {-1, -1}, nfds;
	ssize_t n;

	/* MSG_TRUNC: n is the message's whole length, even when cut. */
	do
		n = recvmsg(lfd, &msg, MSG_CMSG_CLOEXEC | MSG_TRUNC);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return hostsock_fail(errno, "recv: %s", strerror(errno));
	nfds = hostsock_take_fds(&msg, fds, 2);
	if (n == 0 && nfds == 0 && hostsock_at_eof(lfd))
		return hostsock_fail(ECONNABORTED, "hostd closed the listener");
	hostsock_ack(lfd);
	if ((size_t)n != sizeof(a) || nfds != 2 ||
	    (msg.msg_flags & MSG_CTRUNC)) {
		hostsock_drop(&fds[0]);
		hostsock_drop(&fds[1]);
		return hostsock_fail(EPROTO,
				     "bad connection message from hostd: %zd "
				     "bytes, %d descriptors",
				     n, nfds);
	}
	hostsock_sin(peer, a.raddr, a.rport);
	hostsock_sin(local, a.laddr, a.lport);
	if (status_fd)
		*status_fd = fds[1];
	else
		close(fds[1]);
	return fds[0];
}
