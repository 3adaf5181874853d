/*
 * hostsock client side: one control-socket request ("socket udp ...") whose
 * first reply line carries the descriptor by SCM_RIGHTS.
 */
#include "hostsock.h"

#include <arpa/inet.h>
#include <errno.h>
#include <glob.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>

#define HOSTSOCK_RUN_DIR "/run/hoplab"
#define HOSTSOCK_REPLY_MAX 8192

static _Thread_local char hostsock_errbuf[512];

static int __attribute__((format(printf, 2, 3)))
hostsock_fail(int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(hostsock_errbuf, sizeof(hostsock_errbuf), fmt, ap);
	va_end(ap);
	errno = err;
	return -1;
}

const char *
hostsock_error(void)
{
	return hostsock_errbuf;
}

int
hostsock_parse_addr(const char *s, struct sockaddr_in *sin)
{
	char ip[INET_ADDRSTRLEN];
	const char *colon = strchr(s, ':');
	size_t iplen = colon ? (size_t)(colon - s) : strlen(s);
	unsigned long port = 0;

	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	if (iplen == 0 || iplen >= sizeof(ip))
		return -1;
	memcpy(ip, s, iplen);
	ip[iplen] = '\0';
	if (inet_pton(AF_INET, ip, &sin->sin_addr) != 1)
		return -1;
	if (colon) {
		char *end;

		if (!colon[1])
			return -1;
		port = strtoul(colon + 1, &end, 10);
		if (*end || port > 65535)
			return -1;
	}
	sin->sin_port = htons((uint16_t)port);
	return 0;
}

int
hostsock_resolve(const char *node, char *path, size_t len)
{
	const char *root = getenv("HOPLAB_RUN_DIR");
	const char *slash = strchr(node, '/');
	size_t nlen = strlen(node);
	char pattern[4096];
	glob_t g;

	if (!root || !*root)
		root = HOSTSOCK_RUN_DIR;
	if (node[0] == '/' || node[0] == '.' ||
	    (nlen > 5 && !strcmp(node + nlen - 5, ".sock"))) {
		snprintf(path, len, "%s", node);
		return 0;
	}
	if (slash) {
		if (slash == node || !slash[1] || strchr(slash + 1, '/'))
			return hostsock_fail(EINVAL, "bad node name '%s'",
					     node);
		snprintf(path, len, "%s/%.*s/%s.sock", root,
			 (int)(slash - node), node, slash + 1);
		return 0;
	}
	snprintf(pattern, sizeof(pattern), "%s/*/%s.sock", root, node);
	if (glob(pattern, 0, NULL, &g) != 0)
		return hostsock_fail(ENOENT, "no lab has a node '%s'", node);
	if (g.gl_pathc > 1) {
		globfree(&g);
		return hostsock_fail(EINVAL, "node '%s' is in several labs",
				     node);
	}
	snprintf(path, len, "%s", g.gl_pathv[0]);
	globfree(&g);
	return 0;
}

static int
hostsock_connect_ctl(const char *node)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	char path[sizeof(sun.sun_path) + 1];
	int fd;

	if (hostsock_resolve(node, path, sizeof(path)) < 0)
		return -1;
	if (strlen(path) >= sizeof(sun.sun_path))
		return hostsock_fail(ENAMETOOLONG, "%s: path too long", path);
	memcpy(sun.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return hostsock_fail(errno, "socket: %s", strerror(errno));
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		int err = errno;

		close(fd);
		return hostsock_fail(err, "cannot reach %s: %s", path,
				     strerror(err));
	}
	return fd;
}

/* Reads more of the reply into buf, keeping any descriptor passed. */
static ssize_t
hostsock_read_reply(int ctl, char *buf, size_t room, int *passed)
{
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(int))];
	} cbuf;
	struct iovec iov = {.iov_base = buf, .iov_len = room};
	struct msghdr msg = {.msg_iov = &iov,
			     .msg_iovlen = 1,
			     .msg_control = cbuf.buf,
			     .msg_controllen = sizeof(cbuf.buf)};
	struct cmsghdr *c;
	ssize_t n;

	do
		n = recvmsg(ctl, &msg, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	for (c = CMSG_FIRSTHDR(&msg); n >= 0 && c; c = CMSG_NXTHDR(&msg, c)) {
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS &&
		    c->cmsg_len == CMSG_LEN(sizeof(int))) {
			int fd;

			memcpy(&fd, CMSG_DATA(c), sizeof(fd));
			if (*passed >= 0)
				close(*passed);
			*passed = fd;
		}
	}
	return n;
}

/*
 * The string value of "key" in a compact JSON line, into out; the
 * library reads hostd's few fixed replies without a JSON parser, so that
 * it stands alone.
 */
static int
hostsock_json_str(const char *line, const char *key, char *out, size_t len)
{
	char pat[64];
	const char *p, *end;

	snprintf(pat, sizeof(pat), "\"%s\":\"", key);
	p = strstr(line, pat);
	if (!p)
		return -1;
	p += strlen(pat);
	end = strchr(p, '"');
	if (!end)
		return -1;
	snprintf(out, len, "%.*s", (int)(end - p), p);
	return 0;
}

/* Notes the closing line's status and error, or a "local" address. */
static void
hostsock_reply_line(const char *line, struct sockaddr_in *bound, int *status,
		    char *err, size_t errlen)
{
	char local[64];

	if (!strncmp(line, "{\"ok\":true", 10)) {
		*status = 0;
	} else if (!strncmp(line, "{\"ok\":false", 11)) {
		*status = 1;
		if (hostsock_json_str(line, "error", err, errlen) < 0)
			snprintf(err, errlen, "request failed");
	} else if (bound && hostsock_json_str(line, "local", local,
					      sizeof(local)) == 0) {
		hostsock_parse_addr(local, bound);
	}
}

/* Reads reply lines until the closing one; the descriptor or -1. */
static int
hostsock_await(int ctl, struct sockaddr_in *bound)
{
	char buf[HOSTSOCK_REPLY_MAX + 1], err[256] = "";
	size_t len = 0;
	int passed = -1, status = -1;

	while (status < 0) {
		char *nl;
		ssize_t n;

		while (status < 0 && (nl = memchr(buf, '\n', len))) {
			*nl = '\0';
			hostsock_reply_line(buf, bound, &status, err,
					    sizeof(err));
			len -= (size_t)(nl + 1 - buf);
			memmove(buf, nl + 1, len);
		}
		if (status >= 0)
			break;
		if (len == HOSTSOCK_REPLY_MAX)
			n = -1, errno = EPROTO;
		else
			n = hostsock_read_reply(
			    ctl, buf + len, HOSTSOCK_REPLY_MAX - len, &passed);
		if (n <= 0) {
			if (passed >= 0)
				close(passed);
			return hostsock_fail(EPROTO, "%s",
					     len == HOSTSOCK_REPLY_MAX
						 ? "reply line too long"
						 : "hostd closed the "
						   "connection early");
		}
		len += (size_t)n;
	}
	if (status != 0 || passed < 0) {
		if (passed >= 0)
			close(passed);
		return hostsock_fail(status ? ECONNREFUSED : EPROTO, "%s",
				     status ? err : "no descriptor in reply");
	}
	return passed;
}

static void
hostsock_addr_arg(char *buf, size_t len, const char *opt,
		  const struct sockaddr_in *sin)
{
	char ip[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &sin->sin_addr, ip, sizeof(ip));
	snprintf(buf, len, " %s %s:%u", opt, ip, ntohs(sin->sin_port));
}

int
hostsock_udp(const char *node, const struct sockaddr_in *bind_to,
	     const struct sockaddr_in *connect_to, int flags,
	     struct sockaddr_in *bound)
{
	char req[256], b[64] = "", c[64] = "";
	int ctl, fd;
	size_t len;

	if (bind_to)
		hostsock_addr_arg(b, sizeof(b), "-b", bind_to);
	if (connect_to)
		hostsock_addr_arg(c, sizeof(c), "-c", connect_to);
	snprintf(req, sizeof(req), "socket udp%s%s%s\n", b, c,
		 (flags & HOSTSOCK_FRAMED) ? " -f" : "");
	ctl = hostsock_connect_ctl(node);
	if (ctl < 0)
		return -1;
	len = strlen(req);
	if (send(ctl, req, len, MSG_NOSIGNAL) != (ssize_t)len) {
		int err = errno;

		close(ctl);
		return hostsock_fail(err, "cannot send request: %s",
				     strerror(err));
	}
	fd = hostsock_await(ctl, bound);
	close(ctl);
	return fd;
}

ssize_t
hostsock_sendto(int fd, const void *buf, size_t len,
		const struct sockaddr_in *to)
{
	struct hostsock_hdr h = {.kind = HOSTSOCK_DATA};
	struct iovec iov[2] = {{&h, sizeof(h)}, {(void *)buf, len}};
	struct msghdr msg = {.msg_iov = iov, .msg_iovlen = 2};
	ssize_t n;

	if (len > HOSTSOCK_PAYLOAD_MAX)
		return hostsock_fail(EMSGSIZE, "datagram too long");
	if (to) {
		h.addr = to->sin_addr.s_addr;
		h.port = to->sin_port;
	}
	n = sendmsg(fd, &msg, MSG_NOSIGNAL);
	if (n < 0)
		return hostsock_fail(errno, "send: %s", strerror(errno));
	return n - (ssize_t)sizeof(h);
}

/* After a 0-byte read: end of file, or an empty message? */
static int
hostsock_at_eof(int fd)
{
	struct pollfd p = {.fd = fd, .events = POLLIN | POLLRDHUP};

	return poll(&p, 1, 0) == 1 && (p.revents & (POLLHUP | POLLRDHUP));
}

ssize_t
hostsock_recvfrom(int fd, void *buf, size_t len, struct sockaddr_in *from,
		  struct hostsock_hdr *hdr)
{
	struct hostsock_hdr h;
	struct iovec iov[2] = {{&h, sizeof(h)}, {buf, len}};
	struct msghdr msg = {.msg_iov = iov, .msg_iovlen = 2};
	ssize_t n = recvmsg(fd, &msg, 0);

	if (n < 0)
		return hostsock_fail(errno, "recv: %s", strerror(errno));
	if (n == 0)
		return hostsock_fail(ECONNRESET, "hostd closed the socket");
	if ((size_t)n < sizeof(h))
		return hostsock_fail(EPROTO, "short message from hostd");
	if (from) {
		memset(from, 0, sizeof(*from));
		from->sin_family = AF_INET;
		from->sin_addr.s_addr = h.addr;
		from->sin_port = h.port;
	}
	if (hdr)
		*hdr = h;
	return n - (ssize_t)sizeof(h);
}

ssize_t
hostsock_recv(int fd, void *buf, size_t len)
{
	ssize_t n = recv(fd, buf, len, 0);

	if (n < 0)
		return hostsock_fail(errno, "recv: %s", strerror(errno));
	if (n == 0 && hostsock_at_eof(fd))
		return hostsock_fail(ECONNRESET, "hostd closed the socket");
	return n;
}
