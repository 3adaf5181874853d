/* hostsock's server side: socketpairs joined to the stack's sockets. */
#include "sock_pair.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/sockios.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "host.h"
#include "hostsock.h"
#include "log.h"
#include "udp.h"

/* Each pair's socket buffer: room for a few large datagrams. */
#define SOCK_PAIR_BUF (256 * 1024)

struct sock_pair {
	struct sock sock; /* first: the socket's owner is the pair */
	struct sock_pair *next;
	struct host *h;
	int fd;
	bool framed;
	ev_io rw;
};

static void
sock_pair_free(struct sock_pair *sp)
{
	for (struct sock_pair **pp = &sp->h->sock_pairs; *pp;
	     pp = &(*pp)->next) {
		if (*pp == sp) {
			*pp = sp->next;
			break;
		}
	}
	if (sp->h->node.loop)
		ev_io_stop(sp->h->node.loop, &sp->rw);
	udp_close(sp->h, &sp->sock);
	close(sp->fd);
	free(sp);
}

/* Sends one message to the application; a full buffer drops it. */
static void
sock_pair_deliver(struct sock_pair *sp, const struct hostsock_hdr *hdr,
		  const uint8_t *data, size_t len)
{
	struct iovec iov[2] = {{(void *)hdr, sizeof(*hdr)},
			       {(void *)data, len}};
	struct msghdr msg = {.msg_iov = sp->framed ? iov : iov + 1,
			     .msg_iovlen = sp->framed ? 2 : 1};

	if (sendmsg(sp->fd, &msg, MSG_DONTWAIT | MSG_NOSIGNAL) < 0)
		sp->h->stats[STAT_udp_rcvbuf_full]++;
}

static void
sock_pair_recv(struct sock *s, const struct sock_dgram *d)
{
	struct hostsock_hdr hdr = {.kind = HOSTSOCK_DATA,
				   .addr = htonl(d->src),
				   .port = htons(d->sport)};

	sock_pair_deliver((struct sock_pair *)s, &hdr, d->data, d->len);
}

static void
sock_pair_error(struct sock *s, const struct sock_error *e)
{
	struct sock_pair *sp = (struct sock_pair *)s;
	struct hostsock_hdr hdr = {.kind = HOSTSOCK_ERROR,
				   .icmp_type = e->type,
				   .icmp_code = e->code,
				   .addr = htonl(e->dst),
				   .port = htons(e->dport),
				   .icmp_from = htonl(e->from)};

	if (sp->framed)
		sock_pair_deliver(sp, &hdr, NULL, 0);
}

static void
sock_pair_queues(const struct sock *s, size_t *send_q, size_t *recv_q)
{
	const struct sock_pair *sp = (const struct sock_pair *)s;
	int in = 0, out = 0;

	/* Written by the application and not yet sent; sent to it and not
	 * yet read. */
	if (ioctl(sp->fd, SIOCINQ, &in) == 0 && in > 0)
		*send_q = (size_t)in;
	if (ioctl(sp->fd, SIOCOUTQ, &out) == 0 && out > 0)
		*recv_q = (size_t)out;
}

static const struct sock_ops sock_pair_ops = {
    .recv = sock_pair_recv,
    .error = sock_pair_error,
    .queues = sock_pair_queues,
};

/* A connect message: the peer from now on, or none (addr 0). */
static void
sock_pair_connect(struct sock_pair *sp, uint32_t raddr, uint16_t rport)
{
	if (!raddr) {
		sp->sock.raddr = 0;
		sp->sock.rport = 0;
	} else if (udp_connect(sp->h, &sp->sock, raddr, rport) < 0) {
		sp->h->stats[STAT_udp_tx_failed]++;
	}
}

/*
 * One message from the application, received into p: a datagram to send,
 * after the header when the socket is framed.
 */
static void
sock_pair_send(struct sock_pair *sp, struct pbuf *p)
{
	struct hostsock_hdr hdr = {0};

	if (sp->framed) {
		if (p->len < sizeof(hdr) || (p->data[0] != HOSTSOCK_DATA &&
					     p->data[0] != HOSTSOCK_CONNECT)) {
			sp->h->stats[STAT_udp_tx_failed]++;
			pbuf_free(p);
			return;
		}
		memcpy(&hdr, p->data, sizeof(hdr));
		pbuf_pull(p, sizeof(hdr));
	}
	if (hdr.kind == HOSTSOCK_CONNECT) {
		sock_pair_connect(sp, ntohl(hdr.addr), ntohs(hdr.port));
		pbuf_free(p);
		return;
	}
	if (udp_send(sp->h, &sp->sock, ntohl(hdr.addr), ntohs(hdr.port), p) < 0)
		log_debug("sock_pair_send: port %u: %s", sp->sock.lport,
			  strerror(errno));
}

/* True when the application closed its end (a bare descriptor reads an
 * empty datagram and an end the same way). */
static bool
sock_pair_hung_up(const struct sock_pair *sp)
{
	struct pollfd p = {.fd = sp->fd, .events = POLLRDHUP};

	return poll(&p, 1, 0) == 1 && (p.revents & (POLLHUP | POLLRDHUP));
}

static void
sock_pair_read_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct sock_pair *sp = w->data;
	struct pbuf *p;
	ssize_t n;

	(void)loop;
	(void)revents;
	for (int i = 0; i < 64; i++) {
		/* Received straight behind the room for the headers. */
		p = pbuf_alloc(PBUF_HEADROOM, HOSTSOCK_MSG_MAX);
		if (!p)
			return;
		n = recv(sp->fd, p->data, p->len, MSG_DONTWAIT);
		if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
			pbuf_free(p);
			return;
		}
		if (n < 0 ||
		    (n == 0 && (sp->framed || sock_pair_hung_up(sp)))) {
			pbuf_free(p);
			sock_pair_free(sp);
			return;
		}
		pbuf_trim(p, (size_t)n);
		sock_pair_send(sp, p);
	}
}

int
sock_pair_udp(struct host *h, uint32_t laddr, uint16_t *lport, uint32_t raddr,
	      uint16_t rport, bool framed, bool reuse)
{
	struct sock_pair *sp = calloc(1, sizeof(*sp));
	int fds[2], size = SOCK_PAIR_BUF;

	if (!sp)
		return -1;
	sp->sock.reuse = reuse;
	if (udp_open(h, &sp->sock, laddr, *lport) < 0) {
		free(sp);
		return -1;
	}
	if ((raddr && udp_connect(h, &sp->sock, raddr, rport) < 0) ||
	    socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fds) < 0) {
		int err = errno;

		udp_close(h, &sp->sock);
		free(sp);
		errno = err;
		return -1;
	}
	/* Only hostd's end is non-blocking; the application's is ordinary. */
	fcntl(fds[0], F_SETFL, O_NONBLOCK);
	setsockopt(fds[0], SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
	setsockopt(fds[1], SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
	sp->sock.ops = &sock_pair_ops;
	sp->sock.owner = sp;
	sp->h = h;
	sp->fd = fds[0];
	sp->framed = framed || !raddr;
	ev_io_init(&sp->rw, sock_pair_read_cb, sp->fd, EV_READ);
	sp->rw.data = sp;
	if (h->node.loop)
		ev_io_start(h->node.loop, &sp->rw);
	sp->next = h->sock_pairs;
	h->sock_pairs = sp;
	*lport = sp->sock.lport;
	return fds[1];
}

void
sock_pair_close_all(struct host *h)
{
	while (h->sock_pairs)
		sock_pair_free(h->sock_pairs);
}
