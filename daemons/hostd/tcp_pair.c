/*
 * hostsock's stream sockets: a TCP connection joined to one end of a
 * SOCK_STREAM socketpair whose other end an application holds. Bytes move
 * between the socket and the connection's rings without an extra copy;
 * bounded rings on both sides make a slow reader slow the sender through
 * the advertised window. The application's EOF becomes our FIN, the
 * peer's FIN its EOF.
 *
 * `socket tcp connect` answers with the connection's descriptor once it
 * is established and stays open as its status channel; with -n it
 * answers at once, before the handshake, says {"established":true} on
 * the status channel when the handshake is done, and lets the
 * application's data wait in the socketpair until then (a handshake that
 * fails ends the channel with its errno and closes our end of the
 * descriptor, as for a connection that ends). `socket tcp
 * listen` answers with a listening descriptor (SOCK_SEQPACKET) on which
 * every accepted connection arrives as a struct hostsock_accepted with two
 * descriptors, its data and its status channel, at most BACKLOG of them
 * unacknowledged (the application acknowledges each with one byte), the
 * rest waiting established in the listener's accept queue. A status
 * channel ends with {"ok":true} after an orderly end, or with the errno
 * that ended the connection, once all the data before the end was given
 * to the application.
 */
#include "tcp_pair.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "ctl_opt.h"
#include "hostsock.h"
#include "log.h"
#include "tcp.h"

#define TCP_PAIR_BUF (256 * 1024) /* each socketpair's socket buffers */

struct tcp_pair {
	struct tcp_pair *next;
	struct host *h;
	struct tcp_conn *conn; /* NULL once the connection was let go */
	int fd;		       /* our end; -1 before connected */
	ev_io rw, ww;
	bool app_done;	     /* the application sent its EOF */
	bool eof_given;	     /* we gave the application the peer's */
	bool ended;	     /* the connection is over: data left to give */
	bool established;    /* the handshake is done */
	int end_err;	     /* and why it ended */
	bool dying;	     /* to be freed from the loop */
	struct ctl_req *req; /* connect: its status channel, while open */
	int status_fd;	     /* accepted: its status channel, or -1 */
	struct tcp_passed *passed; /* accepted: until the application took it */
	ev_timer deadline;	   /* connect: -w */
	ev_timer reap;		   /* frees a dying pair from the loop */
};

struct tcp_lpair {
	struct tcp_lpair *next;
	struct host *h;
	struct tcp_conn *conn;
	int fd; /* our end of the listening descriptor */
	ev_io rw, ww;
	int unacked; /* connections passed and not yet acknowledged */
	int backlog;
	/* those connections, oldest first: each acknowledgment takes one */
	struct tcp_passed *passed_head, *passed_tail;
	/* one accepted that did not fit into the descriptor yet */
	struct tcp_passed *held;
};

/*
 * A connection on its way to the application: passed down the listening
 * descriptor and not yet acknowledged, or held until there is room. The
 * pair may end before that; then p is NULL.
 */
struct tcp_passed {
	struct tcp_passed *next;
	struct tcp_pair *p;
	struct hostsock_accepted msg;
	int fds[2]; /* the application's ends, until passed */
};

static const struct sock_ops tcp_pair_ops;

static struct ev_loop *
tcp_pair_loop(const struct host *h)
{
	return h->node.loop;
}

/* --- a connection's pair ------------------------------------------------- */

static void
tcp_pair_free(struct tcp_pair *p)
{
	struct ev_loop *loop = tcp_pair_loop(p->h);

	for (struct tcp_pair **pp = &p->h->tcp_pairs; *pp; pp = &(*pp)->next) {
		if (*pp == p) {
			*pp = p->next;
			break;
		}
	}
	if (p->passed)
		p->passed->p = NULL;
	if (loop) {
		ev_io_stop(loop, &p->rw);
		ev_io_stop(loop, &p->ww);
		ev_timer_stop(loop, &p->deadline);
		ev_timer_stop(loop, &p->reap);
	}
	if (p->fd >= 0)
		close(p->fd);
	if (p->status_fd >= 0)
		close(p->status_fd);
	if (p->conn)
		tcp_close(p->conn);
	free(p);
}

/* Ends the status channel: ok, or the error that ended the connection. */
static void
tcp_pair_report(struct tcp_pair *p, int err)
{
	struct ctl_req *req = p->req;

	if (p->status_fd >= 0) {
		char line[160];
		int n = err ? snprintf(line, sizeof(line),
				       "{\"errno\":\"%s\"}\n{\"ok\":false,"
				       "\"error\":\"%s\"}\n",
				       hostsock_errno_name(err), strerror(err))
			    : snprintf(line, sizeof(line), "{\"ok\":true}\n");

		/* A few bytes into an empty socket: they fit. */
		if (send(p->status_fd, line, (size_t)n,
			 MSG_DONTWAIT | MSG_NOSIGNAL) < 0)
			log_debug("tcp: status channel: %s", strerror(errno));
		close(p->status_fd);
		p->status_fd = -1;
	}
	if (!req)
		return;
	p->req = NULL;
	ctl_set_cancel(req, NULL, NULL);
	if (err) {
		ctl_reply(
		    req, json_pack("{s:s}", "errno", hostsock_errno_name(err)));
		ctl_fail(req, "%s", strerror(err));
	}
	ctl_finish(req);
}

/*
 * Lets the pair go from the loop, not from under the stack: the calls
 * that decide it come from inside the connection's own processing, which
 * must not see its connection freed.
 */
static void
tcp_pair_release(struct tcp_pair *p)
{
	struct ev_loop *loop = tcp_pair_loop(p->h);

	if (p->dying)
		return;
	p->dying = true;
	if (loop) {
		ev_io_stop(loop, &p->rw);
		ev_io_stop(loop, &p->ww);
		ev_timer_start(loop, &p->reap);
	}
}

static void
tcp_pair_reap_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	(void)loop;
	(void)revents;
	tcp_pair_free(w->data);
}

/* Both directions are over: the connection goes on without us. */
static void
tcp_pair_maybe_done(struct tcp_pair *p)
{
	if (p->app_done && p->eof_given) {
		tcp_pair_report(p, 0);
		tcp_pair_release(p);
	}
}

/* What arrived, from the ring straight into the socket; the peer's FIN
 * once all is in. */
static void
tcp_pair_to_app(struct tcp_pair *p)
{
	struct ev_loop *loop = tcp_pair_loop(p->h);

	while (p->conn && !p->dying) {
		size_t len;
		const uint8_t *data = tcp_recv_peek(p->conn, &len);
		ssize_t n;

		if (len == 0)
			break;
		n = send(p->fd, data, len, MSG_DONTWAIT | MSG_NOSIGNAL);
		if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
			if (loop)
				ev_io_start(loop, &p->ww);
			return;
		}
		if (n < 0) {
			/* The application is gone altogether. */
			tcp_pair_report(p, 0);
			tcp_pair_release(p);
			return;
		}
		tcp_recv_consume(p->conn, (size_t)n);
	}
	if (p->dying)
		return;
	if (loop)
		ev_io_stop(loop, &p->ww);
	if (p->ended) {
		/* Everything before the end is with the application. An
		 * error hangs up both ways first, as a kernel socket polls
		 * POLLHUP by the time SO_ERROR tells the error. */
		shutdown(p->fd, p->end_err ? SHUT_RDWR : SHUT_WR);
		tcp_pair_report(p, p->end_err);
		tcp_pair_release(p);
		return;
	}
	if (p->conn && tcp_recv_eof(p->conn) && !p->eof_given) {
		shutdown(p->fd, SHUT_WR);
		p->eof_given = true;
		tcp_pair_maybe_done(p);
	}
}

/* What the application wrote, from the socket straight into the ring. */
static void
tcp_pair_from_app(struct tcp_pair *p)
{
	struct ev_loop *loop = tcp_pair_loop(p->h);

	while (p->conn && !p->app_done && !p->dying && !p->ended) {
		size_t room;
		uint8_t *to = tcp_send_reserve(p->conn, &room);
		ssize_t n;

		if (room == 0) {
			/* Full: the socket fills and the writer blocks
			 * until the peer acknowledges. */
			if (loop)
				ev_io_stop(loop, &p->rw);
			return;
		}
		n = recv(p->fd, to, room, MSG_DONTWAIT);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		if (n <= 0) {
			p->app_done = true;
			if (loop)
				ev_io_stop(loop, &p->rw);
			tcp_shutdown(p->conn);
			tcp_pair_maybe_done(p);
			return;
		}
		tcp_send_commit(p->conn, (size_t)n);
	}
}

static void
tcp_pair_read_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	(void)loop;
	(void)revents;
	tcp_pair_from_app(w->data);
}

static void
tcp_pair_write_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	(void)loop;
	(void)revents;
	tcp_pair_to_app(w->data);
}

static void
tcp_pair_readable(struct sock *s)
{
	tcp_pair_to_app(s->owner);
}

static void
tcp_pair_writable(struct sock *s)
{
	struct tcp_pair *p = s->owner;

	if (p->established && !p->app_done && !p->dying && !p->ended &&
	    tcp_pair_loop(p->h))
		ev_io_start(tcp_pair_loop(p->h), &p->rw);
}

/*
 * The socketpair; we read the application's end once the connection is
 * established.
 */
static int
tcp_pair_open(struct tcp_pair *p)
{
	int fds[2], size = TCP_PAIR_BUF;
	struct ev_loop *loop = tcp_pair_loop(p->h);

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) < 0)
		return -1;
	fcntl(fds[0], F_SETFL, O_NONBLOCK);
	setsockopt(fds[0], SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
	setsockopt(fds[1], SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
	p->fd = fds[0];
	ev_io_init(&p->rw, tcp_pair_read_cb, p->fd, EV_READ);
	ev_io_init(&p->ww, tcp_pair_write_cb, p->fd, EV_WRITE);
	p->rw.data = p->ww.data = p;
	if (loop && p->established)
		ev_io_start(loop, &p->rw);
	return fds[1];
}

static void
tcp_pair_endpoints(const struct tcp_conn *c, char *local, char *remote,
		   size_t len)
{
	char ip[IPV4_ADDR_STRLEN];

	snprintf(local, len, "%s:%u", ipv4_ntoa(c->sock.laddr, ip),
		 c->sock.lport);
	snprintf(remote, len, "%s:%u", ipv4_ntoa(c->sock.raddr, ip),
		 c->sock.rport);
}

static void
tcp_pair_connected(struct sock *s)
{
	struct tcp_pair *p = s->owner;
	char local[32], remote[32];
	int app;

	ev_timer_stop(tcp_pair_loop(p->h), &p->deadline);
	p->established = true;
	if (p->fd >= 0) {
		/* -n: the application has the descriptor already. */
		if (p->req)
			ctl_reply(p->req, json_pack("{s:b}", "established", 1));
		if (tcp_pair_loop(p->h))
			ev_io_start(tcp_pair_loop(p->h), &p->rw);
		tcp_pair_to_app(p);
		return;
	}
	app = tcp_pair_open(p);
	tcp_pair_endpoints(p->conn, local, remote, sizeof(local));
	if (app < 0 || !p->req ||
	    ctl_reply_fd(
		p->req,
		json_pack("{s:s, s:s}", "local", local, "remote", remote),
		app) < 0) {
		if (app >= 0)
			close(app);
		tcp_pair_report(p, EIO);
		tcp_pair_release(p);
		return;
	}
	close(app);
	/* Data may have come with the handshake already. */
	tcp_pair_to_app(p);
}

/*
 * The connection is over (an orderly end, a reset, retransmissions that
 * gave up). What it received is still in its ring: that goes to the
 * application first, as fast as it reads, and only then its status says
 * how the connection ended (as a kernel socket gives queued data before
 * the error).
 */
static void
tcp_pair_closed(struct sock *s, int err)
{
	struct tcp_pair *p = s->owner;

	if (p->dying)
		return;
	if (p->fd < 0) {
		/* Never established: no data, just the error. */
		tcp_pair_report(p, err);
		tcp_pair_release(p);
		return;
	}
	p->ended = true;
	p->end_err = err;
	if (tcp_pair_loop(p->h))
		ev_io_stop(tcp_pair_loop(p->h), &p->rw);
	tcp_pair_to_app(p);
}

static const struct sock_ops tcp_pair_ops = {
    .connected = tcp_pair_connected,
    .readable = tcp_pair_readable,
    .writable = tcp_pair_writable,
    .closed = tcp_pair_closed,
};

/* The client of `socket tcp connect` went away before the connection
 * was made: nobody would get it (or, with -n, nobody would use it). */
static void
tcp_pair_cancel(void *arg)
{
	struct tcp_pair *p = arg;

	p->req = NULL;
	if (!p->established) {
		tcp_abort(p->conn);
		p->conn = NULL;
		tcp_pair_free(p);
	}
}

static void
tcp_pair_deadline_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct tcp_pair *p = w->data;

	(void)loop;
	(void)revents;
	tcp_abort(p->conn);
	p->conn = NULL;
	p->h->tcp.stats[STAT_attempt_fails]++;
	tcp_pair_report(p, ETIMEDOUT);
	tcp_pair_free(p);
}

static struct tcp_pair *
tcp_pair_new(struct host *h)
{
	struct tcp_pair *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	p->h = h;
	p->fd = p->status_fd = -1;
	ev_init(&p->deadline, tcp_pair_deadline_cb);
	p->deadline.data = p;
	ev_timer_init(&p->reap, tcp_pair_reap_cb, 0, 0);
	p->reap.data = p;
	p->next = h->tcp_pairs;
	h->tcp_pairs = p;
	return p;
}

/* A.B.C.D:PORT in host order; -1 when it is not one. */
static int
tcp_pair_endpoint(const char *s, uint32_t *addr, uint16_t *port)
{
	struct sockaddr_in sin;

	if (hostsock_parse_addr(s, &sin) < 0)
		return -1;
	*addr = ntohl(sin.sin_addr.s_addr);
	*port = ntohs(sin.sin_port);
	return 0;
}

static int
tcp_pair_fail(struct ctl_req *req, int err)
{
	ctl_reply(req, json_pack("{s:s}", "errno", hostsock_errno_name(err)));
	return ctl_fail(req, "%s", strerror(err));
}

/*
 * -n: the descriptor goes now, with the connection's endpoints; 0, or -1
 * when it could not (the connection aborted, the request failed).
 */
static int
tcp_pair_give_early(struct tcp_pair *p, struct ctl_req *req)
{
	char local[32], remote[32];
	int app = tcp_pair_open(p);

	tcp_pair_endpoints(p->conn, local, remote, sizeof(local));
	if (app < 0 ||
	    ctl_reply_fd(
		req, json_pack("{s:s, s:s}", "local", local, "remote", remote),
		app) < 0) {
		int e = app < 0 ? errno : EIO;

		if (app >= 0)
			close(app);
		tcp_abort(p->conn);
		p->conn = NULL;
		tcp_pair_free(p);
		tcp_pair_fail(req, e);
		return -1;
	}
	close(app);
	return 0;
}

int
tcp_pair_connect_cmd(struct host *h, struct ctl_req *req, int argc, char **argv)
{
	const char *bind_to = NULL;
	double wait = 0;
	bool early = false;
	const struct ctl_opt opts[] = {
	    {'b', CTL_OPT_STRING, 0, 0, &bind_to},
	    {'w', CTL_OPT_REAL, 0.001, 3600, &wait},
	    {'n', CTL_OPT_FLAG, 0, 0, &early},
	};
	uint32_t laddr = 0, raddr;
	uint16_t lport = 0, rport;
	struct tcp_pair *p;
	char err[128];
	int n = ctl_opt_parse(argc, argv, opts, 3, err, sizeof(err));

	if (n < 0)
		return ctl_usage(req, "socket tcp connect: %s", err);
	if (n != 1 || tcp_pair_endpoint(argv[0], &raddr, &rport) < 0 ||
	    !raddr || !rport)
		return ctl_usage(req, "usage: socket tcp connect [-n] "
				      "[-b A.B.C.D:PORT] [-w SECONDS] "
				      "A.B.C.D:PORT");
	if (bind_to && tcp_pair_endpoint(bind_to, &laddr, &lport) < 0)
		return ctl_usage(req, "bad address '%s'", bind_to);
	if (!h->node.loop)
		return ctl_fail(req, "tcp needs the event loop");
	p = tcp_pair_new(h);
	if (!p)
		return tcp_pair_fail(req, ENOMEM);
	p->conn =
	    tcp_connect(&h->tcp, laddr, lport, raddr, rport, &tcp_pair_ops, p);
	if (!p->conn) {
		int e = errno;

		tcp_pair_free(p);
		return tcp_pair_fail(req, e);
	}
	if (early && tcp_pair_give_early(p, req) < 0)
		return CTL_DONE;
	p->req = req;
	ctl_set_cancel(req, tcp_pair_cancel, p);
	if (wait > 0) {
		ev_timer_set(&p->deadline, wait, 0);
		ev_timer_start(h->node.loop, &p->deadline);
	}
	return CTL_ASYNC;
}

/* --- a listener's descriptor ---------------------------------------------- */

static void
tcp_passed_free(struct tcp_passed *t)
{
	if (t->p)
		t->p->passed = NULL;
	for (int i = 0; i < 2; i++)
		if (t->fds[i] >= 0)
			close(t->fds[i]);
	free(t);
}

/*
 * The listener goes. Connections it passed that the application never
 * took (their descriptors closed in flight, or never sent) are reset, as
 * a kernel resets what waits in the accept queue of a socket closed.
 */
static void
tcp_lpair_free(struct tcp_lpair *l)
{
	struct ev_loop *loop = tcp_pair_loop(l->h);

	for (struct tcp_lpair **pp = &l->h->tcp_lpairs; *pp;
	     pp = &(*pp)->next) {
		if (*pp == l) {
			*pp = l->next;
			break;
		}
	}
	if (l->held) {
		l->held->next = l->passed_head;
		l->passed_head = l->held;
	}
	while (l->passed_head) {
		struct tcp_passed *t = l->passed_head;

		l->passed_head = t->next;
		if (t->p && t->p->conn && !t->p->dying) {
			l->h->tcp.stats[STAT_listen_drops]++;
			tcp_abort(t->p->conn);
			t->p->conn = NULL;
			tcp_pair_release(t->p);
		}
		tcp_passed_free(t);
	}
	if (loop) {
		ev_io_stop(loop, &l->rw);
		ev_io_stop(loop, &l->ww);
	}
	close(l->fd);
	tcp_close(l->conn);
	free(l);
}

/*
 * Passes one accepted connection down the listening descriptor: its
 * addresses, its data descriptor and its status channel. 0 when it went,
 * 1 when the descriptor has no room now, -1 when it never will.
 */
static int
tcp_lpair_pass(struct tcp_lpair *l, struct tcp_passed *t)
{
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(2 * sizeof(int))];
	} ctrl;
	struct iovec iov = {&t->msg, sizeof(t->msg)};
	struct msghdr msg = {.msg_iov = &iov,
			     .msg_iovlen = 1,
			     .msg_control = ctrl.buf,
			     .msg_controllen = sizeof(ctrl.buf)};
	struct cmsghdr *cm;

	memset(&ctrl, 0, sizeof(ctrl));
	cm = CMSG_FIRSTHDR(&msg);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(2 * sizeof(int));
	memcpy(CMSG_DATA(cm), t->fds, 2 * sizeof(int));
	if (sendmsg(l->fd, &msg, MSG_DONTWAIT | MSG_NOSIGNAL) < 0)
		return errno == EAGAIN || errno == ENOBUFS ? 1 : -1;
	/* The application holds them now (or the kernel, in flight). */
	close(t->fds[0]);
	close(t->fds[1]);
	t->fds[0] = t->fds[1] = -1;
	t->next = NULL;
	if (l->passed_tail)
		l->passed_tail->next = t;
	else
		l->passed_head = t;
	l->passed_tail = t;
	l->unacked++;
	return 0;
}

/* The status channel of an accepted connection: our end into the pair,
 * the application's returned; -1 on failure. */
static int
tcp_pair_status_open(struct tcp_pair *p)
{
	int fds[2];

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) < 0)
		return -1;
	shutdown(fds[0], SHUT_RD);
	p->status_fd = fds[0];
	return fds[1];
}

/* Takes the next established connection off the listener's queue and
 * makes its pair and descriptors; NULL when that fails (it is reset). */
static struct tcp_passed *
tcp_lpair_take(struct tcp_lpair *l)
{
	struct tcp_pair *p = tcp_pair_new(l->h);
	struct tcp_passed *t = calloc(1, sizeof(*t));

	if (!p || !t) {
		free(p);
		free(t);
		return NULL;
	}
	p->conn = tcp_accept(l->conn, &tcp_pair_ops, p);
	t->p = p;
	p->passed = t;
	t->msg.laddr = htonl(p->conn->sock.laddr);
	t->msg.raddr = htonl(p->conn->sock.raddr);
	t->msg.lport = htons(p->conn->sock.lport);
	t->msg.rport = htons(p->conn->sock.rport);
	p->established = true;
	t->fds[0] = tcp_pair_open(p);
	t->fds[1] = t->fds[0] < 0 ? -1 : tcp_pair_status_open(p);
	if (t->fds[1] < 0) {
		/* Nobody can have it: reset, as a kernel does. */
		l->h->tcp.stats[STAT_listen_drops]++;
		tcp_abort(p->conn);
		p->conn = NULL;
		tcp_pair_release(p);
		tcp_passed_free(t);
		return NULL;
	}
	return t;
}

/*
 * Hands the application what waits, as long as it keeps up: at most
 * BACKLOG unacknowledged; one held back while the descriptor is full,
 * until it has room.
 */
static void
tcp_lpair_accept(struct tcp_lpair *l)
{
	struct ev_loop *loop = tcp_pair_loop(l->h);

	while (l->unacked < l->backlog) {
		struct tcp_passed *t = l->held;
		struct tcp_pair *p;
		int r;

		l->held = NULL;
		if (!t) {
			if (!l->conn->accept_head)
				break;
			t = tcp_lpair_take(l);
			if (!t)
				continue;
		}
		p = t->p;
		r = tcp_lpair_pass(l, t);
		if (r > 0) {
			l->held = t;
			if (loop)
				ev_io_start(loop, &l->ww);
			return;
		}
		if (r < 0) {
			if (p && p->conn && !p->dying) {
				l->h->tcp.stats[STAT_listen_drops]++;
				tcp_abort(p->conn);
				p->conn = NULL;
				tcp_pair_release(p);
			}
			tcp_passed_free(t);
			continue;
		}
		/* Data may have come with the handshake already. */
		if (p)
			tcp_pair_to_app(p);
	}
	if (loop)
		ev_io_stop(loop, &l->ww);
}

static void
tcp_lpair_accept_cb(struct sock *s, struct sock *child)
{
	(void)child;
	tcp_lpair_accept(s->owner);
}

static const struct sock_ops tcp_lpair_ops = {
    .accept = tcp_lpair_accept_cb,
};

/* The application acknowledged connections (one byte, one message each),
 * or closed the listener. */
static void
tcp_lpair_read_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct tcp_lpair *l = w->data;

	(void)loop;
	(void)revents;
	for (;;) {
		uint8_t ack[16];
		ssize_t n = recv(l->fd, ack, sizeof(ack), MSG_DONTWAIT);
		struct tcp_passed *t = l->passed_head;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			break;
		if (n <= 0) {
			tcp_lpair_free(l);
			return;
		}
		if (!t)
			continue; /* an acknowledgment of nothing */
		l->passed_head = t->next;
		if (!l->passed_head)
			l->passed_tail = NULL;
		tcp_passed_free(t);
		l->unacked--;
	}
	tcp_lpair_accept(l);
}

static void
tcp_lpair_write_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	(void)loop;
	(void)revents;
	tcp_lpair_accept(w->data);
}

int
tcp_pair_listen_cmd(struct host *h, struct ctl_req *req, int argc, char **argv)
{
	long backlog = TCP_BACKLOG_DEFAULT;
	const struct ctl_opt opts[] = {{'q', CTL_OPT_INT, 1, 4096, &backlog}};
	struct tcp_lpair *l;
	uint32_t laddr;
	uint16_t lport;
	char err[128], local[32], ip[IPV4_ADDR_STRLEN];
	int fds[2], n = ctl_opt_parse(argc, argv, opts, 1, err, sizeof(err));

	if (n < 0)
		return ctl_usage(req, "socket tcp listen: %s", err);
	if (n != 1 || tcp_pair_endpoint(argv[0], &laddr, &lport) < 0 || !lport)
		return ctl_usage(req, "usage: socket tcp listen [-q BACKLOG] "
				      "A.B.C.D:PORT");
	if (!h->node.loop)
		return ctl_fail(req, "tcp needs the event loop");
	l = calloc(1, sizeof(*l));
	if (!l)
		return tcp_pair_fail(req, ENOMEM);
	l->h = h;
	l->backlog = (int)backlog;
	l->conn =
	    tcp_listen(&h->tcp, laddr, lport, (int)backlog, &tcp_lpair_ops, l);
	if (!l->conn) {
		int e = errno;

		free(l);
		return tcp_pair_fail(req, e);
	}
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fds) < 0) {
		int e = errno;

		tcp_close(l->conn);
		free(l);
		return tcp_pair_fail(req, e);
	}
	fcntl(fds[0], F_SETFL, O_NONBLOCK);
	l->fd = fds[0];
	ev_io_init(&l->rw, tcp_lpair_read_cb, l->fd, EV_READ);
	ev_io_init(&l->ww, tcp_lpair_write_cb, l->fd, EV_WRITE);
	l->rw.data = l->ww.data = l;
	ev_io_start(h->node.loop, &l->rw);
	l->next = h->tcp_lpairs;
	h->tcp_lpairs = l;
	snprintf(local, sizeof(local), "%s:%u", ipv4_ntoa(laddr, ip), lport);
	if (ctl_reply_fd(req, json_pack("{s:s}", "local", local), fds[1]) < 0) {
		close(fds[1]);
		tcp_lpair_free(l);
		return ctl_fail(req, "cannot pass the descriptor");
	}
	close(fds[1]);
	return CTL_DONE;
}

void
tcp_pair_close_all(struct host *h)
{
	while (h->tcp_lpairs)
		tcp_lpair_free(h->tcp_lpairs);
	while (h->tcp_pairs) {
		tcp_pair_report(h->tcp_pairs, ECONNABORTED);
		tcp_pair_free(h->tcp_pairs);
	}
}
