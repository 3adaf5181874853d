/*
 * `tcp connect` and `tcp listen` through hostsock, like OpenBSD's `nc -N`:
 * stdin goes to the connection and the connection to stdout. The end of
 * stdin sends a FIN, the peer's FIN ends the output, and the command ends
 * when both directions are closed: data keeps flowing one way after the
 * other way has closed. A reset reads as end of file too: the
 * connection's status channel, connected or accepted, tells it apart.
 */
#include "hopctl_tcp.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ctl_opt.h"
#include "hopctl.h"
#include "hostsock.h"

#define HOPCTL_TCP_BUF 65536
#define HOPCTL_TCP_WAIT_MAX 3600 /* -w SECONDS */
#define HOPCTL_TCP_BACKLOG_MAX 1024
#define HOPCTL_TCP_LISTEN_USAGE                                                \
	"usage: tcp listen PORT [-k] [-b BACKLOG]\n"                           \
	"  -k  one connection after another: a reset is reported and the\n"    \
	"      next connection taken; ends (exit status 1) only when the\n"    \
	"      listener is gone"

/* How a relay ended; each failure was reported on stderr. */
enum hopctl_tcp_end {
	HOPCTL_TCP_DONE,   /* both ways closed in order */
	HOPCTL_TCP_BROKEN, /* the connection failed: reset, timeout, send */
	HOPCTL_TCP_FAILED, /* something of ours failed: poll, stdout */
};

/* One direction: what was read from `from` waits in buf for `to`. */
struct hopctl_flow {
	int from, to;
	char buf[HOPCTL_TCP_BUF];
	size_t off, len;
	bool eof;  /* from has nothing more */
	bool done; /* eof, buf flushed and the end passed on */
};

struct hopctl_relay {
	struct hopctl_flow up;	 /* stdin to the connection */
	struct hopctl_flow down; /* the connection to stdout */
	int conn;
	int status_fd;	    /* the connection's status channel */
	bool ended;	    /* the status channel told the connection's end */
	int status;	    /* what it told: 0, an errno, or -1 */
	int send_err;	    /* why the connection took no more data, or 0 */
	const char *failed; /* what failed here: "poll", "stdout" */
};

bool
hopctl_tcp_wants(int argc, char **argv)
{
	return argc >= 2 && !strcmp(argv[0], "tcp") &&
	       (!strcmp(argv[1], "connect") || !strcmp(argv[1], "listen"));
}

/* Reads into an empty buffer; end of file or an error ends the flow. */
static void
hopctl_flow_read(struct hopctl_flow *f)
{
	ssize_t n = read(f->from, f->buf, sizeof(f->buf));

	if (n > 0) {
		f->off = 0;
		f->len = (size_t)n;
	} else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
		f->eof = true;
	}
}

/* Writes what it can of the buffer; -1 with errno when `to` failed. */
static int
hopctl_flow_write(struct hopctl_flow *f)
{
	ssize_t n = write(f->to, f->buf + f->off, f->len - f->off);

	if (n < 0)
		return errno == EAGAIN || errno == EINTR ? 0 : -1;
	f->off += (size_t)n;
	if (f->off == f->len)
		f->off = f->len = 0;
	return 0;
}

/* Stops a flow, dropping what it holds. */
static void
hopctl_flow_stop(struct hopctl_flow *f)
{
	f->eof = true;
	f->off = f->len = 0;
}

/*
 * The status channel spoke: the connection is gone in hostd, which wrote
 * all it ever will to the connection before it said so. What waits there
 * is still read; stdin is not.
 */
static void
hopctl_relay_ended(struct hopctl_relay *r)
{
	r->status = hostsock_tcp_status(r->status_fd);
	r->ended = true;
	hopctl_flow_stop(&r->up);
}

/* One poll round; -1 with errno when something of ours failed. */
static int
hopctl_relay_step(struct hopctl_relay *r)
{
	struct hopctl_flow *up = &r->up, *down = &r->down;
	bool read_conn = !down->eof && !down->len;
	short conn_events = (read_conn ? POLLIN : 0) | (up->len ? POLLOUT : 0);
	struct pollfd p[] = {
	    {.fd = !up->eof && !up->len ? up->from : -1, .events = POLLIN},
	    {.fd = conn_events ? r->conn : -1, .events = conn_events},
	    {.fd = down->len ? down->to : -1, .events = POLLOUT},
	    {.fd = r->ended ? -1 : r->status_fd, .events = POLLIN},
	};

	/* Once ended, an empty connection has nothing more to come. */
	if (poll(p, 4, r->ended && read_conn ? 0 : -1) < 0) {
		if (errno == EINTR)
			return 0;
		r->failed = "poll";
		return -1;
	}
	if (p[3].revents)
		hopctl_relay_ended(r);
	if (p[0].revents && !up->eof)
		hopctl_flow_read(up);
	if ((p[1].revents & ~POLLIN) && up->len && hopctl_flow_write(up) < 0) {
		r->send_err = errno;
		hopctl_flow_stop(up);
	}
	if (read_conn &&
	    ((p[1].revents & (POLLIN | POLLHUP | POLLERR)) || r->ended)) {
		hopctl_flow_read(down);
		if (r->ended && !down->len)
			down->eof = true;
	}
	if (p[2].revents && hopctl_flow_write(down) < 0) {
		r->failed = "stdout";
		return -1;
	}
	if (!up->done && up->eof && !up->len) {
		shutdown(r->conn, SHUT_WR); /* our FIN */
		up->done = true;
	}
	down->done = down->eof && !down->len;
	return 0;
}

/*
 * Relays stdin and stdout over conn until both ways are closed, then
 * closes conn; status_fd stays open.
 */
static enum hopctl_tcp_end
hopctl_tcp_run(const char *node, int conn, int status_fd)
{
	static struct hopctl_relay r;
	int err = 0;

	memset(&r, 0, sizeof(r));
	r.up.from = STDIN_FILENO;
	r.up.to = r.down.from = r.conn = conn;
	r.down.to = STDOUT_FILENO;
	r.status_fd = status_fd;
	fcntl(conn, F_SETFL, fcntl(conn, F_GETFL) | O_NONBLOCK);
	while ((!r.up.done || !r.down.done) && !err)
		if (hopctl_relay_step(&r) < 0)
			err = errno;
	close(conn);
	if (err) {
		hopctl_error(HOPCTL_EXIT_FAIL, "%s: %s", r.failed,
			     strerror(err));
		return HOPCTL_TCP_FAILED;
	}
	if (!r.ended)
		r.status = hostsock_tcp_status(status_fd);
	if (r.status)
		hopctl_error(HOPCTL_EXIT_FAIL, "%s: %s", node,
			     hostsock_error());
	else if (r.send_err)
		hopctl_error(HOPCTL_EXIT_FAIL, "%s: send: %s", node,
			     strerror(r.send_err));
	return r.status || r.send_err ? HOPCTL_TCP_BROKEN : HOPCTL_TCP_DONE;
}

/* A.B.C.D and PORT (1 to 65535) into sin; -1 when either is bad. */
static int
hopctl_tcp_endpoint(const char *ip, const char *port, struct sockaddr_in *sin)
{
	char spec[64];

	snprintf(spec, sizeof(spec), "%s:%s", ip, port);
	return hostsock_parse_addr(spec, sin) < 0 || !sin->sin_port ? -1 : 0;
}

/*
 * Reaches hostd's control socket first, as every other command does: a
 * hostsock failure could not tell a dead hostd (its socket refuses) from
 * a refused connection, and the two exit differently.
 */
static void
hopctl_tcp_reach(const char *node, const char *path)
{
	close(hopctl_connect(node, path));
}

/* hostsock's failure to open a socket: its status and message. */
static int
hopctl_tcp_refused(const char *node)
{
	return hopctl_error(errno == EINVAL ? HOPCTL_EXIT_USAGE
					    : HOPCTL_EXIT_FAIL,
			    "%s: %s", node, hostsock_error());
}

static int
hopctl_tcp_connect(const char *node, const char *path, int argc, char **argv)
{
	long wait = 0;
	const struct ctl_opt opts[] = {
	    {'w', CTL_OPT_INT, 1, HOPCTL_TCP_WAIT_MAX, &wait},
	};
	struct sockaddr_in peer;
	char err[128];
	enum hopctl_tcp_end end;
	int conn, status_fd;

	argc = ctl_opt_parse(argc, argv, opts, 1, err, sizeof(err));
	if (argc < 0)
		return hopctl_error(HOPCTL_EXIT_USAGE, "tcp connect: %s", err);
	if (argc != 2 || hopctl_tcp_endpoint(argv[0], argv[1], &peer) < 0)
		return hopctl_error(HOPCTL_EXIT_USAGE,
				    "usage: tcp connect [-w SECONDS] A.B.C.D "
				    "PORT");
	hopctl_tcp_reach(node, path);
	conn = hostsock_tcp_connect(path, NULL, &peer, (int)wait * 1000, NULL,
				    &status_fd);
	if (conn < 0)
		return hopctl_tcp_refused(node);
	end = hopctl_tcp_run(node, conn, status_fd);
	close(status_fd);
	return end == HOPCTL_TCP_DONE ? 0 : HOPCTL_EXIT_FAIL;
}

/*
 * Serves the connections of lfd: one, or with keep one after another; a
 * broken connection is reported and the next one taken, so that only the
 * listener's end or a failure of ours ends it (exit status 1). Its exit
 * status.
 */
static int
hopctl_tcp_serve(const char *node, int lfd, bool keep)
{
	enum hopctl_tcp_end end;

	do {
		int status_fd,
		    conn = hostsock_accept(lfd, NULL, NULL, &status_fd);

		if (conn < 0) {
			close(lfd);
			return hopctl_error(HOPCTL_EXIT_FAIL, "%s: %s", node,
					    hostsock_error());
		}
		if (!keep) {
			/* Like nc: one connection, then no listener. */
			close(lfd);
			lfd = -1;
		}
		end = hopctl_tcp_run(node, conn, status_fd);
		close(status_fd);
	} while (keep && end != HOPCTL_TCP_FAILED);
	if (lfd >= 0)
		close(lfd);
	return end == HOPCTL_TCP_DONE ? 0 : HOPCTL_EXIT_FAIL;
}

static int
hopctl_tcp_listen(const char *node, const char *path, int argc, char **argv)
{
	long backlog = 0;
	bool keep = false;
	const struct ctl_opt opts[] = {
	    {'k', CTL_OPT_FLAG, 0, 0, &keep},
	    {'b', CTL_OPT_INT, 1, HOPCTL_TCP_BACKLOG_MAX, &backlog},
	};
	struct sockaddr_in local;
	char err[128];
	int lfd;

	argc = ctl_opt_parse(argc, argv, opts, 2, err, sizeof(err));
	if (argc < 0)
		return hopctl_error(HOPCTL_EXIT_USAGE, "tcp listen: %s", err);
	if (argc != 1 || hopctl_tcp_endpoint("0.0.0.0", argv[0], &local) < 0)
		return hopctl_error(HOPCTL_EXIT_USAGE, HOPCTL_TCP_LISTEN_USAGE);
	hopctl_tcp_reach(node, path);
	lfd = hostsock_tcp_listen(path, &local, (int)backlog, NULL);
	if (lfd < 0)
		return hopctl_tcp_refused(node);
	return hopctl_tcp_serve(node, lfd, keep);
}

int
hopctl_tcp(const char *node, const char *path, int argc, char **argv)
{
	if (!strcmp(argv[1], "connect"))
		return hopctl_tcp_connect(node, path, argc - 2, argv + 2);
	return hopctl_tcp_listen(node, path, argc - 2, argv + 2);
}
