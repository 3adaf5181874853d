/*
 * The data calls. A TCP descriptor is a byte stream already: only what a
 * socketpair would do differently from TCP is caught (addresses given to
 * sendto and asked of recvfrom, control messages, MSG_OOB, MSG_ERRQUEUE).
 * A UDP descriptor carries hostsock's framing header on every message,
 * so each call that reads or writes one adds or strips it: send, sendto,
 * sendmsg, sendmmsg, write, writev; recv, recvfrom, recvmsg, recvmmsg,
 * read, readv, and the fortified __read_chk, __recv_chk, __recvfrom_chk.
 * Every other descriptor goes straight to the C library.
 *
 * As on Linux without IP_RECVERR, an ICMP error reaches a connected UDP
 * socket only when it is a hard one (port or protocol unreachable), as
 * the errno of its next receive; recvmmsg ignores its timeout.
 */
#include "preload_sys.h"

#include <limits.h>
#include <string.h>

#include "hostsock.h"

/* The number of iovecs a call may give, as the kernel's UIO_MAXIOV. */
#define PL_IOV_MAX 1024

extern void __chk_fail(void) __attribute__((noreturn));

/* The UDP socket of fd, held, or NULL for any other descriptor. */
static struct pl_sock *
pl_udp_of(int fd)
{
	if (pl_table_type(fd) != SOCK_DGRAM || !pl_on())
		return NULL;
	return pl_hold(fd);
}

static bool
pl_is_stream(int fd)
{
	return pl_table_type(fd) == SOCK_STREAM && pl_on();
}

/* Returns r, or -1 with errno -r when r is negative. */
static ssize_t
pl_result(ssize_t r)
{
	if (r >= 0)
		return r;
	errno = (int)-r;
	return -1;
}

/* --- UDP ------------------------------------------------------------------ */

/*
 * Sends one datagram of iov to `to` (NULL: the connected peer): its
 * length, or -errno.
 */
static ssize_t
pl_udp_send(struct pl_sock *s, int fd, const struct iovec *iov, size_t iovcnt,
	    int flags, const struct sockaddr *to, socklen_t tolen)
{
	struct hostsock_hdr h = {.kind = HOSTSOCK_DATA};
	struct iovec v[PL_IOV_MAX + 1];
	struct msghdr m = {.msg_iov = v, .msg_iovlen = iovcnt + 1};
	struct sockaddr_in dst;
	size_t total = 0;
	ssize_t n;
	int err;

	if (iovcnt > PL_IOV_MAX)
		return -EMSGSIZE;
	if (flags & (MSG_OOB | MSG_MORE))
		return -EOPNOTSUPP;
	for (size_t i = 0; i < iovcnt; i++) {
		if (iov[i].iov_len > HOSTSOCK_PAYLOAD_MAX)
			return -EMSGSIZE;
		total += iov[i].iov_len;
		v[i + 1] = iov[i];
	}
	if (total > HOSTSOCK_PAYLOAD_MAX)
		return -EMSGSIZE;
	pl_lock();
	err = to ? pl_addr_from_app(s->family, s->opt.v6only, to, tolen,
				    PL_CONNECT, &dst)
		 : PL_ADDR_UNSPEC;
	if (err == PL_ADDR_UNSPEC) {
		err = s->has_peer ? 0 : EDESTADDRREQ;
		dst = s->peer;
	}
	pl_unlock();
	if (err)
		return -err;
	if (!dst.sin_port)
		return -EINVAL;
	if (!dst.sin_addr.s_addr)
		dst.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	err = pl_udp_open(s);
	if (err)
		return -err;
	h.addr = dst.sin_addr.s_addr;
	h.port = dst.sin_port;
	v[0].iov_base = &h;
	v[0].iov_len = sizeof(h);
	n = pl_real.sendmsg(fd, &m, (flags & MSG_DONTWAIT) | MSG_NOSIGNAL);
	if (n < 0)
		return -errno;
	return n < (ssize_t)sizeof(h) ? 0 : n - (ssize_t)sizeof(h);
}

/* The errno of an ICMP error that a connected socket reports, or 0. */
static int
pl_icmp_errno(const struct hostsock_hdr *h)
{
	if (h->icmp_type != 3) /* destination unreachable */
		return 0;
	return h->icmp_code == 3   ? ECONNREFUSED
	       : h->icmp_code == 2 ? ENOPROTOOPT
				   : 0;
}

/*
 * Receives one datagram into iov: its length (the whole length with
 * MSG_TRUNC), the sender into from, MSG_TRUNC into *mflags when it was
 * cut; or -errno.
 */
static ssize_t
pl_udp_recv(struct pl_sock *s, int fd, const struct iovec *iov, size_t iovcnt,
	    int flags, struct sockaddr *from, socklen_t *fromlen, int *mflags)
{
	const int passed = MSG_DONTWAIT | MSG_PEEK | MSG_TRUNC | MSG_WAITALL |
			   MSG_CMSG_CLOEXEC;
	struct iovec v[PL_IOV_MAX + 1];
	int err;

	if (flags & MSG_ERRQUEUE)
		return -EAGAIN;
	if (flags & MSG_OOB)
		return -EOPNOTSUPP;
	if (iovcnt > PL_IOV_MAX)
		return -EMSGSIZE;
	if (from && fromlen && (int)*fromlen < 0)
		return -EINVAL;
	/* Receiving on a socket never bound binds it, to get anything. */
	err = pl_udp_open(s);
	if (err)
		return -err;
	if (iovcnt)
		memcpy(v + 1, iov, iovcnt * sizeof(*iov));
	for (;;) {
		struct hostsock_hdr h;
		struct msghdr m = {.msg_iov = v, .msg_iovlen = iovcnt + 1};
		struct sockaddr_in peer;
		bool connected;
		ssize_t n;

		v[0].iov_base = &h;
		v[0].iov_len = sizeof(h);
		n = pl_real.recvmsg(fd, &m, flags & passed);
		if (n < 0)
			return -errno;
		if (n == 0)
			return -ECONNRESET; /* hostd closed the socket */
		if ((size_t)n < sizeof(h) || h.kind != HOSTSOCK_DATA) {
			if (flags & MSG_PEEK) /* take it out of the way */
				pl_real.recv(fd, &h, sizeof(h), MSG_DONTWAIT);
			if ((size_t)n < sizeof(h) || h.kind != HOSTSOCK_ERROR)
				continue;
			pl_lock();
			connected = s->has_peer;
			peer = s->peer;
			pl_unlock();
			err = pl_icmp_errno(&h);
			if (connected && err &&
			    h.addr == peer.sin_addr.s_addr &&
			    h.port == peer.sin_port)
				return -err;
			continue;
		}
		if (mflags)
			*mflags = m.msg_flags & MSG_TRUNC;
		peer.sin_family = AF_INET;
		peer.sin_addr.s_addr = h.addr;
		peer.sin_port = h.port;
		pl_addr_to_app(s->family, &peer, from, fromlen);
		return n - (ssize_t)sizeof(h);
	}
}

/* One buffer as an iovec. */
static struct iovec
pl_iov(const void *buf, size_t len)
{
	return (struct iovec){.iov_base = (void *)buf, .iov_len = len};
}

static ssize_t
pl_udp_sendmsg(struct pl_sock *s, int fd, const struct msghdr *msg, int flags)
{
	if (msg->msg_controllen && CMSG_FIRSTHDR(msg))
		return -EOPNOTSUPP; /* IP_PKTINFO and the like */
	return pl_udp_send(s, fd, msg->msg_iov, msg->msg_iovlen, flags,
			   msg->msg_name, msg->msg_namelen);
}

static ssize_t
pl_udp_recvmsg(struct pl_sock *s, int fd, struct msghdr *msg, int flags)
{
	socklen_t namelen = msg->msg_namelen;
	int mflags = 0;
	ssize_t n = pl_udp_recv(s, fd, msg->msg_iov, msg->msg_iovlen, flags,
				msg->msg_name, &namelen, &mflags);

	if (n >= 0) {
		if (msg->msg_name)
			msg->msg_namelen = namelen;
		msg->msg_controllen = 0;
		msg->msg_flags = mflags;
	}
	return n;
}

/* --- TCP: what a socketpair would do otherwise ------------------------------
 */

/* sendmsg without an address or control messages, as TCP ignores them. */
static ssize_t
pl_stream_sendmsg(int fd, const struct msghdr *msg, int flags)
{
	struct msghdr m = *msg;
	ssize_t n;

	if (flags & MSG_OOB)
		return -EOPNOTSUPP;
	m.msg_name = NULL;
	m.msg_namelen = 0;
	m.msg_control = NULL;
	m.msg_controllen = 0;
	n = pl_real.sendmsg(fd, &m, flags);
	return n < 0 ? -errno : n;
}

/* recvmsg that gives no address and no control messages, as TCP. */
static ssize_t
pl_stream_recvmsg(int fd, struct msghdr *msg, int flags)
{
	struct msghdr m = *msg;
	ssize_t n;

	if (flags & MSG_ERRQUEUE)
		return -EAGAIN;
	if (flags & MSG_OOB)
		return -EINVAL;
	m.msg_name = NULL;
	m.msg_namelen = 0;
	m.msg_control = NULL;
	m.msg_controllen = 0;
	n = pl_real.recvmsg(fd, &m, flags & ~MSG_CMSG_CLOEXEC);
	if (n < 0)
		return -errno;
	msg->msg_namelen = 0;
	msg->msg_controllen = 0;
	msg->msg_flags = m.msg_flags;
	return n;
}

/* --- the calls ---------------------------------------------------------------
 */

PL_EXPORT ssize_t
sendmsg(int fd, const struct msghdr *msg, int flags)
{
	struct pl_sock *s;
	ssize_t r;

	if (pl_is_stream(fd))
		return pl_result(pl_stream_sendmsg(fd, msg, flags));
	if (!(s = pl_udp_of(fd)))
		return pl_real.sendmsg(fd, msg, flags);
	pl_inside++;
	r = pl_udp_sendmsg(s, fd, msg, flags);
	pl_release(s);
	pl_inside--;
	return pl_result(r);
}

PL_EXPORT ssize_t
sendto(int fd, const void *buf, size_t len, int flags, __CONST_SOCKADDR_ARG to,
       socklen_t tolen)
{
	struct iovec v = pl_iov(buf, len);
	struct msghdr m = {.msg_name = (void *)to.__sockaddr__,
			   .msg_namelen = tolen,
			   .msg_iov = &v,
			   .msg_iovlen = 1};

	if (pl_table_type(fd) && pl_on())
		return sendmsg(fd, &m, flags);
	return pl_real.sendto(fd, buf, len, flags, to.__sockaddr__, tolen);
}

PL_EXPORT ssize_t
send(int fd, const void *buf, size_t len, int flags)
{
	if (pl_table_type(fd) == SOCK_DGRAM && pl_on())
		return sendto(fd, buf, len, flags, NULL, 0);
	if ((flags & MSG_OOB) && pl_is_stream(fd))
		return pl_result(-EOPNOTSUPP);
	return pl_real.send(fd, buf, len, flags);
}

PL_EXPORT ssize_t
writev(int fd, const struct iovec *iov, int iovcnt)
{
	struct msghdr m = {.msg_iov = (struct iovec *)iov,
			   .msg_iovlen = iovcnt < 0 ? 0 : (size_t)iovcnt};

	if (pl_table_type(fd) != SOCK_DGRAM || !pl_on())
		return pl_real.writev(fd, iov, iovcnt);
	if (iovcnt < 0)
		return pl_result(-EINVAL);
	return sendmsg(fd, &m, 0);
}

PL_EXPORT ssize_t
write(int fd, const void *buf, size_t len)
{
	struct iovec v = pl_iov(buf, len);

	if (pl_table_type(fd) != SOCK_DGRAM || !pl_on())
		return pl_real.write(fd, buf, len);
	return writev(fd, &v, 1);
}

PL_EXPORT int
sendmmsg(int fd, struct mmsghdr *vec, unsigned int n, int flags)
{
	unsigned int i;

	if (!pl_table_type(fd) || !pl_on())
		return pl_real.sendmmsg(fd, vec, n, flags);
	for (i = 0; i < n && i < PL_IOV_MAX; i++) {
		ssize_t r = sendmsg(fd, &vec[i].msg_hdr, flags);

		if (r < 0)
			return i ? (int)i : -1;
		vec[i].msg_len = (unsigned int)r;
	}
	return (int)i;
}

PL_EXPORT ssize_t
recvmsg(int fd, struct msghdr *msg, int flags)
{
	struct pl_sock *s;
	ssize_t r;

	if (pl_is_stream(fd))
		return pl_result(pl_stream_recvmsg(fd, msg, flags));
	if (!(s = pl_udp_of(fd)))
		return pl_real.recvmsg(fd, msg, flags);
	pl_inside++;
	r = pl_udp_recvmsg(s, fd, msg, flags);
	pl_release(s);
	pl_inside--;
	return pl_result(r);
}

PL_EXPORT ssize_t
recvfrom(int fd, void *buf, size_t len, int flags, __SOCKADDR_ARG from,
	 socklen_t *fromlen)
{
	struct iovec v = pl_iov(buf, len);
	struct msghdr m = {.msg_name = from.__sockaddr__,
			   .msg_namelen = fromlen ? *fromlen : 0,
			   .msg_iov = &v,
			   .msg_iovlen = 1};
	ssize_t r;

	if (!pl_table_type(fd) || !pl_on())
		return pl_real.recvfrom(fd, buf, len, flags, from.__sockaddr__,
					fromlen);
	if (!fromlen)
		m.msg_name = NULL;
	r = recvmsg(fd, &m, flags);
	if (r >= 0 && fromlen)
		*fromlen = m.msg_name ? m.msg_namelen : 0;
	return r;
}

PL_EXPORT ssize_t
recv(int fd, void *buf, size_t len, int flags)
{
	if (pl_table_type(fd) == SOCK_DGRAM && pl_on())
		return recvfrom(fd, buf, len, flags, NULL, NULL);
	if ((flags & (MSG_OOB | MSG_ERRQUEUE)) && pl_is_stream(fd))
		return pl_result(flags & MSG_ERRQUEUE ? -EAGAIN : -EINVAL);
	return pl_real.recv(fd, buf, len, flags);
}

PL_EXPORT ssize_t
readv(int fd, const struct iovec *iov, int iovcnt)
{
	struct msghdr m = {.msg_iov = (struct iovec *)iov,
			   .msg_iovlen = iovcnt < 0 ? 0 : (size_t)iovcnt};

	if (pl_table_type(fd) != SOCK_DGRAM || !pl_on())
		return pl_real.readv(fd, iov, iovcnt);
	if (iovcnt < 0)
		return pl_result(-EINVAL);
	return recvmsg(fd, &m, 0);
}

PL_EXPORT ssize_t
read(int fd, void *buf, size_t len)
{
	if (pl_table_type(fd) != SOCK_DGRAM || !pl_on())
		return pl_real.read(fd, buf, len);
	return recvfrom(fd, buf, len, 0, NULL, NULL);
}

PL_EXPORT int
recvmmsg(int fd, struct mmsghdr *vec, unsigned int n, int flags,
	 struct timespec *timeout)
{
	unsigned int i;

	if (!pl_table_type(fd) || !pl_on())
		return pl_real.recvmmsg(fd, vec, n, flags, timeout);
	for (i = 0; i < n && i < PL_IOV_MAX; i++) {
		ssize_t r =
		    recvmsg(fd, &vec[i].msg_hdr, flags & ~MSG_WAITFORONE);

		if (r < 0)
			return i ? (int)i : -1;
		vec[i].msg_len = (unsigned int)r;
		if (flags & MSG_WAITFORONE)
			flags |= MSG_DONTWAIT;
	}
	return (int)i;
}

/* The fortified forms (_FORTIFY_SOURCE) check the buffer, then are ours. */

PL_EXPORT ssize_t
__read_chk(int fd, void *buf, size_t len, size_t buflen)
{
	if (pl_table_type(fd) != SOCK_DGRAM || !pl_on())
		return pl_real.read_chk(fd, buf, len, buflen);
	if (len > buflen)
		__chk_fail();
	return read(fd, buf, len);
}

PL_EXPORT ssize_t
__recv_chk(int fd, void *buf, size_t len, size_t buflen, int flags)
{
	if (!pl_table_type(fd) || !pl_on())
		return pl_real.recv_chk(fd, buf, len, buflen, flags);
	if (len > buflen)
		__chk_fail();
	return recv(fd, buf, len, flags);
}

PL_EXPORT ssize_t
__recvfrom_chk(int fd, void *buf, size_t len, size_t buflen, int flags,
	       struct sockaddr *from, socklen_t *fromlen)
{
	if (!pl_table_type(fd) || !pl_on())
		return pl_real.recvfrom_chk(fd, buf, len, buflen, flags, from,
					    fromlen);
	if (len > buflen)
		__chk_fail();
	return recvfrom(fd, buf, len, flags, from, fromlen);
}
