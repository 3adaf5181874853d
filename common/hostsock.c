/*
 * hostsock client side: one control-socket request ("socket udp ...",
 * "socket tcp ...") whose reply lines carry descriptors by SCM_RIGHTS;
 * finding the node, the reply lines and UDP. TCP is in hostsock_tcp.c.
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

#include "hostsock_int.h"

#define HOSTSOCK_RUN_DIR "/run/hoplab"

static _Thread_local char hostsock_errbuf[512];
static _Thread_local int hostsock_named;

int
hostsock_fail(int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(hostsock_errbuf, sizeof(hostsock_errbuf), fmt, ap);
	va_end(ap);
	errno = err;
	return -1;
}

/* The errno names hostd gives; the rest read as EIO. */
static const struct {
	const char *name;
	int value;
} hostsock_errnos[] = {
    {"ECONNREFUSED", ECONNREFUSED},   {"ECONNRESET", ECONNRESET},
    {"ETIMEDOUT", ETIMEDOUT},	      {"ENETUNREACH", ENETUNREACH},
    {"EHOSTUNREACH", EHOSTUNREACH},   {"EADDRINUSE", EADDRINUSE},
    {"EADDRNOTAVAIL", EADDRNOTAVAIL}, {"ECONNABORTED", ECONNABORTED},
};

#define HOSTSOCK_NERRNOS (sizeof(hostsock_errnos) / sizeof(hostsock_errnos[0]))

const char *
hostsock_errno_name(int err)
{
	for (size_t i = 0; i < HOSTSOCK_NERRNOS; i++)
		if (hostsock_errnos[i].value == err)
			return hostsock_errnos[i].name;
	return "EIO";
}

int
hostsock_errno_value(const char *name)
{
	for (size_t i = 0; i < HOSTSOCK_NERRNOS; i++)
		if (!strcmp(name, hostsock_errnos[i].name))
			return hostsock_errnos[i].value;
	return EIO;
}

int
hostsock_named_errno(void)
{
	return hostsock_named;
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

int
hostsock_request(const char *node, const char *req)
{
	size_t len = strlen(req);
	int ctl = hostsock_connect_ctl(node);

	if (ctl < 0)
		return -1;
	if (send(ctl, req, len, MSG_NOSIGNAL) != (ssize_t)len) {
		int err = errno;

		close(ctl);
		return hostsock_fail(err, "cannot send request: %s",
				     strerror(err));
	}
	return ctl;
}

void
hostsock_drop(int *fd)
{
	int err = errno;

	if (*fd >= 0)
		close(*fd);
	*fd = -1;
	errno = err;
}

/* Reads up to room bytes of a reply, keeping any descriptor passed. */
static ssize_t
hostsock_read_part(int ctl, char *buf, size_t room, int *passed)
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
			hostsock_drop(passed);
			memcpy(passed, CMSG_DATA(c), sizeof(*passed));
		}
	}
	return n;
}

int
hostsock_malformed(const char *line)
{
	return hostsock_fail(EPROTO, "malformed reply from hostd: %.80s", line);
}

/*
 * It peeks first and takes nothing past the newline, so the lines after
 * it stay queued in the socket: the status channel needs no state in the
 * library, and polls readable while a line waits. The kernel hands a
 * descriptor over with the first byte read of the write that carried it,
 * so it belongs to the line being read.
 */
int
hostsock_read_line(int ctl, char *buf, size_t cap, int *passed)
{
	size_t len = 0;
	int fd = -1;

	if (passed)
		*passed = -1;
	while (len < cap - 1) {
		ssize_t n = recv(ctl, buf + len, cap - 1 - len, MSG_PEEK);
		char *nl;

		if (n < 0 && len > 0 &&
		    (errno == EAGAIN || errno == EWOULDBLOCK)) {
			/* A line begun on a non-blocking socket is finished. */
			struct pollfd p = {.fd = ctl, .events = POLLIN};

			poll(&p, 1, -1);
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n > 0) {
			nl = memchr(buf + len, '\n', (size_t)n);
			n = hostsock_read_part(
			    ctl, buf + len,
			    nl ? (size_t)(nl + 1 - (buf + len)) : (size_t)n,
			    &fd);
		}
		if (n <= 0) {
			hostsock_drop(&fd);
			return n < 0 ? hostsock_fail(errno, "recv: %s",
						     strerror(errno))
				     : 0;
		}
		len += (size_t)n;
		if (buf[len - 1] != '\n')
			continue;
		buf[len - 1] = '\0';
		if (!passed && fd >= 0) {
			hostsock_drop(&fd);
			return hostsock_malformed(buf);
		}
		if (passed)
			*passed = fd;
		return 1;
	}
	hostsock_drop(&fd);
	return hostsock_fail(EPROTO, "reply line too long");
}

int
hostsock_next_line(int ctl, char *buf, size_t cap, int *passed)
{
	int r = hostsock_read_line(ctl, buf, cap, passed);

	return r ? r
		 : hostsock_fail(EPROTO, "hostd closed the connection early");
}

/*
 * The library reads hostd's few fixed replies without a JSON parser, so
 * that it stands alone.
 */
int
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

int
hostsock_json_addr(const char *line, const char *key, struct sockaddr_in *sin)
{
	struct sockaddr_in a;
	char text[64];

	if (hostsock_json_str(line, key, text, sizeof(text)) < 0 ||
	    hostsock_parse_addr(text, &a) < 0 || !a.sin_port)
		return -1;
	if (sin)
		*sin = a;
	return 0;
}

/*
 * Notes the closing line's status and error, an errno line's errno, or a
 * "local" address.
 */
static void
hostsock_reply_line(const char *line, struct sockaddr_in *bound, int *status,
		    int *named, char *err, size_t errlen)
{
	char name[32];

	if (!strncmp(line, "{\"ok\":true", 10)) {
		*status = 0;
	} else if (!strncmp(line, "{\"ok\":false", 11)) {
		*status = 1;
		if (hostsock_json_str(line, "error", err, errlen) < 0)
			snprintf(err, errlen, "request failed");
	} else if (!strncmp(line, "{\"errno\":", 9)) {
		if (hostsock_json_str(line, "errno", name, sizeof(name)) == 0)
			*named = hostsock_errno_value(name);
	} else if (bound) {
		hostsock_json_addr(line, "local", bound);
	}
}

/* Reads reply lines until the closing one; the descriptor or -1. */
static int
hostsock_await(int ctl, struct sockaddr_in *bound)
{
	char line[HOSTSOCK_REPLY_MAX], err[256] = "";
	int passed = -1, status = -1, named = 0;

	while (status < 0) {
		int fd;

		if (hostsock_next_line(ctl, line, sizeof(line), &fd) < 0) {
			hostsock_drop(&passed);
			return -1;
		}
		if (fd >= 0) {
			hostsock_drop(&passed);
			passed = fd;
		}
		hostsock_reply_line(line, bound, &status, &named, err,
				    sizeof(err));
	}
	hostsock_named = status > 0 ? named : 0;
	if (status != 0 || passed < 0) {
		hostsock_drop(&passed);
		return hostsock_fail(status ? ECONNREFUSED : EPROTO, "%s",
				     status ? err : "no descriptor in reply");
	}
	return passed;
}

void
hostsock_addr_arg(char *buf, size_t len, const char *opt,
		  const struct sockaddr_in *sin)
{
	char ip[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &sin->sin_addr, ip, sizeof(ip));
	snprintf(buf, len, " %s%s%s:%u", opt, *opt ? " " : "", ip,
		 ntohs(sin->sin_port));
}

int
hostsock_udp(const char *node, const struct sockaddr_in *bind_to,
	     const struct sockaddr_in *connect_to, int flags,
	     struct sockaddr_in *bound)
{
	char req[256], b[64] = "", c[64] = "";
	int ctl, fd;

	if (bind_to)
		hostsock_addr_arg(b, sizeof(b), "-b", bind_to);
	if (connect_to)
		hostsock_addr_arg(c, sizeof(c), "-c", connect_to);
	snprintf(req, sizeof(req), "socket udp%s%s%s%s\n", b, c,
		 (flags & HOSTSOCK_FRAMED) ? " -f" : "",
		 (flags & HOSTSOCK_REUSE) ? " -r" : "");
	ctl = hostsock_request(node, req);
	if (ctl < 0)
		return -1;
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

int
hostsock_udp_connect(int fd, const struct sockaddr_in *peer)
{
	struct hostsock_hdr h = {.kind = HOSTSOCK_CONNECT};

	if (peer && peer->sin_addr.s_addr) {
		if (!peer->sin_port)
			return hostsock_fail(EINVAL, "no port to connect to");
		h.addr = peer->sin_addr.s_addr;
		h.port = peer->sin_port;
	}
	if (send(fd, &h, sizeof(h), MSG_NOSIGNAL) != (ssize_t)sizeof(h))
		return hostsock_fail(errno, "send: %s", strerror(errno));
	return 0;
}

int
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
