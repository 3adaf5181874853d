/* The control socket server on libev. */
#include "ctl.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "log.h"

#define CTL_CONN_MAX 64
#define CTL_TABLES_MAX 4
#define CTL_OUT_MAX (16 * 1024 * 1024) /* a client that never reads */
#define CTL_ERR_MAX 512
#define CTL_DRAIN_MAX (1024 * 1024) /* input discarded before a close */
#define CTL_DRAIN_SECONDS 2.0
/* A connection that sends no complete request for this long is closed. */
#define CTL_IDLE_SECONDS 5.0

struct ctl_req {
	struct ctl_server *srv;
	struct ctl_conn *conn; /* NULL while replaying a config file */
	int failed;	       /* 0, or 1 failure, 2 usage error */
	char error[CTL_ERR_MAX];
	void (*cancel)(void *);
	void *cancel_arg;
};

struct ctl_conn {
	struct ctl_server *srv;
	struct ctl_conn *next;
	int fd;
	ev_io rw, ww;
	ev_timer drain_timer;
	ev_timer idle_timer; /* runs while no request is running */
	double since;	     /* when it last started waiting for a request */
	char in[CTL_LINE_MAX + 1]; /* the longest request and its newline */
	size_t in_len;
	char *out;
	size_t out_len, out_cap;
	int busy;	 /* a request is running */
	int in_handler;	 /* its handler has not returned yet */
	int ended_early; /* and it called ctl_finish already */
	int peer_eof;	 /* nothing more will arrive */
	int closing;	 /* close once out is flushed */
	int draining;	 /* replies sent; reading to EOF so none is lost */
	size_t drained;
	struct ctl_req req;
};

struct ctl_server {
	struct ev_loop *loop;
	char *path;
	int fd;
	ev_io accept_watcher;
	struct ctl_table {
		const struct ctl_cmd *cmds;
		size_t n;
		void *arg;
	} tables[CTL_TABLES_MAX];
	int ntables;
	struct ctl_conn *conns;
	int nconns;
	double idle_seconds;
	struct ctl_stats stats;
};

static void ctl_conn_process(struct ctl_conn *conn);

static void
ctl_conn_free(struct ctl_conn *conn)
{
	struct ctl_server *srv = conn->srv;
	struct ctl_conn **pp;

	if (conn->busy && conn->req.cancel)
		conn->req.cancel(conn->req.cancel_arg);
	for (pp = &srv->conns; *pp; pp = &(*pp)->next) {
		if (*pp == conn) {
			*pp = conn->next;
			break;
		}
	}
	srv->nconns--;
	ev_io_stop(srv->loop, &conn->rw);
	ev_io_stop(srv->loop, &conn->ww);
	ev_timer_stop(srv->loop, &conn->drain_timer);
	ev_timer_stop(srv->loop, &conn->idle_timer);
	close(conn->fd);
	free(conn->out);
	free(conn);
}

/*
 * Closing a socket with unread input makes the kernel send a reset, which
 * can destroy the reply still on its way. So the write side is shut down
 * first and input is read and discarded until the client closes too.
 */
static void
ctl_conn_linger(struct ctl_conn *conn)
{
	if (conn->peer_eof) {
		ctl_conn_free(conn);
		return;
	}
	if (!conn->draining) {
		conn->draining = 1;
		shutdown(conn->fd, SHUT_WR);
		ev_io_start(conn->srv->loop, &conn->rw);
		ev_timer_start(conn->srv->loop, &conn->drain_timer);
	}
}

static void
ctl_conn_drain_timeout(struct ev_loop *loop, ev_timer *w, int revents)
{
	(void)loop;
	(void)revents;
	ctl_conn_free(w->data);
}

/* Starts (again) the wait for conn's next request. */
static void
ctl_conn_idle_restart(struct ctl_conn *conn)
{
	struct ev_loop *loop = conn->srv->loop;

	conn->since = ev_now(loop);
	ev_timer_stop(loop, &conn->idle_timer);
	ev_timer_set(&conn->idle_timer, conn->srv->idle_seconds, 0);
	ev_timer_start(loop, &conn->idle_timer);
}

static void ctl_conn_flush(struct ctl_conn *conn);
static void ctl_req_end(struct ctl_req *req);

/*
 * A client that sent no complete request in time is told so and closed:
 * it holds one of the few connections for nothing.
 */
static void
ctl_conn_idle_timeout(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct ctl_conn *conn = w->data;

	(void)loop;
	(void)revents;
	if (conn->busy || conn->closing || conn->draining)
		return;
	conn->srv->stats.idle_closed++;
	memset(&conn->req, 0, sizeof(conn->req));
	conn->req.srv = conn->srv;
	conn->req.conn = conn;
	ctl_usage(&conn->req, "no complete request within %g seconds",
		  conn->srv->idle_seconds);
	ctl_req_end(&conn->req);
	conn->closing = 1;
	ctl_conn_flush(conn);
}

/*
 * The connection that has waited longest for a request and has nothing
 * on its way out, or NULL: the one that gives way when the server is
 * full. Streams and replies being sent are never cut.
 */
static struct ctl_conn *
ctl_conn_oldest_idle(const struct ctl_server *srv)
{
	struct ctl_conn *oldest = NULL;

	for (struct ctl_conn *c = srv->conns; c; c = c->next) {
		if (c->busy || c->closing || c->draining || c->out_len > 0)
			continue;
		if (!oldest || c->since <= oldest->since)
			oldest = c;
	}
	return oldest;
}

/* Tries to write what is queued; frees conn when it is done with. */
static void
ctl_conn_flush(struct ctl_conn *conn)
{
	while (conn->out_len > 0) {
		ssize_t n = send(conn->fd, conn->out, conn->out_len,
				 MSG_NOSIGNAL | MSG_DONTWAIT);

		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				break;
			ctl_conn_free(conn);
			return;
		}
		memmove(conn->out, conn->out + n, conn->out_len - (size_t)n);
		conn->out_len -= (size_t)n;
	}
	if (conn->out_len > 0) {
		ev_io_start(conn->srv->loop, &conn->ww);
		return;
	}
	ev_io_stop(conn->srv->loop, &conn->ww);
	if (conn->closing && !conn->busy)
		ctl_conn_linger(conn);
}

static void
ctl_conn_write_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	(void)loop;
	(void)revents;
	ctl_conn_flush(w->data);
}

/* Queues one line; a client that lets more than CTL_OUT_MAX pile up is cut. */
static void
ctl_conn_queue(struct ctl_conn *conn, const char *line, size_t len)
{
	if (conn->out_len + len + 1 > CTL_OUT_MAX) {
		log_warnx("ctl_conn_queue: client not reading, dropping it");
		conn->closing = 1;
		conn->out_len = 0;
		if (conn->busy && conn->req.cancel)
			conn->req.cancel(conn->req.cancel_arg);
		conn->busy = 0;
		return;
	}
	if (conn->out_len + len + 1 > conn->out_cap) {
		size_t cap = conn->out_cap ? conn->out_cap : 4096;
		char *out;

		while (cap < conn->out_len + len + 1)
			cap *= 2;
		out = realloc(conn->out, cap);
		if (!out) {
			log_warnx("ctl_conn_queue: out of memory");
			return;
		}
		conn->out = out;
		conn->out_cap = cap;
	}
	memcpy(conn->out + conn->out_len, line, len);
	conn->out[conn->out_len + len] = '\n';
	conn->out_len += len + 1;
	/* A streaming request replies from timers: nothing else would flush. */
	ev_io_start(conn->srv->loop, &conn->ww);
}

void
ctl_reply(struct ctl_req *req, json_t *value)
{
	char *line;

	if (!value)
		return;
	line = json_dumps(value, JSON_COMPACT | JSON_ENCODE_ANY);
	json_decref(value);
	if (!line)
		return;
	if (req->conn && !req->conn->closing)
		ctl_conn_queue(req->conn, line, strlen(line));
	else if (!req->conn)
		log_debug("ctl: %s", line);
	free(line);
}

int
ctl_reply_fd(struct ctl_req *req, json_t *value, int fd)
{
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(int))];
	} cbuf;
	struct ctl_conn *conn = req->conn;
	struct iovec iov;
	struct msghdr msg = {.msg_iov = &iov,
			     .msg_iovlen = 1,
			     .msg_control = cbuf.buf,
			     .msg_controllen = sizeof(cbuf.buf)};
	struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
	char *line = json_dumps(value, JSON_COMPACT | JSON_ENCODE_ANY);
	size_t len;
	ssize_t n;

	json_decref(value);
	if (!line || !conn || conn->closing || conn->out_len > 0) {
		free(line);
		return -1;
	}
	len = strlen(line);
	line[len] = '\n'; /* the reply goes out in one piece with its fd */
	iov.iov_base = line;
	iov.iov_len = len + 1;
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof(int));
	n = sendmsg(conn->fd, &msg, MSG_NOSIGNAL | MSG_DONTWAIT);
	if (n > 0 && (size_t)n < len + 1)
		ctl_conn_queue(conn, line + n, len - (size_t)n);
	free(line);
	return n > 0 ? 0 : -1;
}

void
ctl_printf(struct ctl_req *req, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	ctl_reply(req, json_pack("{s:s}", "text", buf));
}

/* How much of s fits in max bytes without cutting a UTF-8 character. */
static int
ctl_clip(const char *s, size_t max)
{
	size_t len = strlen(s);

	if (len <= max)
		return (int)len;
	while (max > 0 && ((unsigned char)s[max] & 0xc0) == 0x80)
		max--;
	return (int)max;
}

static int
ctl_vfail(struct ctl_req *req, int kind, const char *fmt, va_list ap)
{
	size_t len;

	req->failed = kind;
	vsnprintf(req->error, sizeof(req->error), fmt, ap);
	/* A message cut short may end inside a UTF-8 character: trim it. */
	len = strlen(req->error);
	if (len == sizeof(req->error) - 1)
		req->error[ctl_clip(req->error, len - 1)] = '\0';
	return CTL_DONE;
}

int
ctl_fail(struct ctl_req *req, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ctl_vfail(req, 1, fmt, ap);
	va_end(ap);
	return CTL_DONE;
}

int
ctl_usage(struct ctl_req *req, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ctl_vfail(req, 2, fmt, ap);
	va_end(ap);
	return CTL_DONE;
}

void
ctl_set_cancel(struct ctl_req *req, void (*fn)(void *), void *arg)
{
	req->cancel = fn;
	req->cancel_arg = arg;
}

/* Sends the closing line of a request. */
static void
ctl_req_end(struct ctl_req *req)
{
	json_t *end;

	if (!req->failed)
		end = json_pack("{s:b}", "ok", 1);
	else if (req->failed == 2)
		end = json_pack("{s:b, s:s, s:b}", "ok", 0, "error", req->error,
				"usage", 1);
	else
		end = json_pack("{s:b, s:s}", "ok", 0, "error", req->error);
	if (!end) /* an error text cut inside a UTF-8 sequence */
		end =
		    json_pack("{s:b, s:s}", "ok", 0, "error", "request failed");
	ctl_reply(req, end);
}

void
ctl_finish(struct ctl_req *req)
{
	struct ctl_conn *conn = req->conn;

	ctl_req_end(req);
	if (!conn)
		return;
	conn->busy = 0;
	req->cancel = NULL;
	ctl_conn_idle_restart(conn);
	/* A handler that ends its own request before returning: the loop
	 * that called it goes on once it returns, not from in here. */
	if (conn->in_handler) {
		conn->ended_early = 1;
		return;
	}
	ctl_conn_process(conn);
}

static int
ctl_help(struct ctl_req *req, const struct ctl_server *srv)
{
	json_t *rows = json_array();

	for (int t = 0; t < srv->ntables; t++) {
		for (size_t i = 0; i < srv->tables[t].n; i++) {
			char cmd[256];
			const struct ctl_cmd *c = &srv->tables[t].cmds[i];

			snprintf(cmd, sizeof(cmd), "%s%s%s", c->words,
				 c->usage && *c->usage ? " " : "",
				 c->usage ? c->usage : "");
			json_array_append_new(rows,
					      json_pack("{s:s, s:s}", "command",
							cmd, "help", c->help));
		}
	}
	json_array_append_new(rows, json_pack("{s:s, s:s}", "command", "help",
					      "help", "list the commands"));
	ctl_reply(req, rows);
	return CTL_DONE;
}

/*
 * Runs one request line of len bytes; returns CTL_DONE or CTL_ASYNC.
 * Streaming commands are refused when the line comes from a config file.
 */
static int
ctl_dispatch(struct ctl_server *srv, struct ctl_req *req, struct ctl_conn *conn,
	     char *line, size_t len, int from_file)
{
	char *argv[CTL_ARGS_MAX];
	const struct ctl_cmd *cmd = NULL;
	const char *err;
	int argc, nwords, t;

	memset(req, 0, sizeof(*req));
	req->srv = srv;
	req->conn = conn;
	if (memchr(line, '\0', len))
		return ctl_usage(req, "request contains a NUL byte");
	argc = ctl_split(line, argv, CTL_ARGS_MAX, &err);
	if (argc < 0)
		return ctl_usage(req, "%s", err);
	if (argc == 0)
		return ctl_usage(req, "empty request (try 'help')");
	if (argc == 1 && strcmp(argv[0], "help") == 0)
		return ctl_help(req, srv);
	for (t = 0; t < srv->ntables; t++) {
		cmd = ctl_lookup(srv->tables[t].cmds, srv->tables[t].n, argc,
				 argv, &nwords);
		if (cmd)
			break;
	}
	if (!cmd)
		return ctl_usage(req, "unknown command '%.*s' (try 'help')",
				 ctl_clip(argv[0], 64), argv[0]);
	/* A command declared without arguments takes none. */
	if (cmd->usage && !*cmd->usage && argc > nwords)
		return ctl_usage(req, "usage: %s", cmd->words);
	if (!cmd->fn)
		return ctl_usage(req,
				 "'%s' runs in the client: send it with hopctl",
				 cmd->words);
	if (cmd->stream && from_file)
		return ctl_usage(req, "'%s' cannot run from a config file",
				 cmd->words);
	return cmd->fn(req, argc - nwords, argv + nwords, srv->tables[t].arg);
}

/*
 * Finds the next request in conn's input: its length without the line end
 * in *len and the bytes it takes in *consumed. 0 when none is complete.
 */
static int
ctl_conn_next_line(struct ctl_conn *conn, size_t *len, size_t *consumed)
{
	char *nl = memchr(conn->in, '\n', conn->in_len);

	if (nl) {
		*len = (size_t)(nl - conn->in);
		*consumed = *len + 1;
	} else if (conn->peer_eof && conn->in_len > 0 &&
		   conn->in_len <= CTL_LINE_MAX) {
		*len = *consumed = conn->in_len;
	} else {
		return 0;
	}
	if (*len > 0 && conn->in[*len - 1] == '\r')
		(*len)--;
	return 1;
}

/* Runs complete requests until one goes async or the input runs out. */
static void
ctl_conn_process(struct ctl_conn *conn)
{
	char line[CTL_LINE_MAX + 1];
	size_t len, consumed;
	int rc;

	while (!conn->busy && !conn->closing &&
	       ctl_conn_next_line(conn, &len, &consumed)) {
		memcpy(line, conn->in, len);
		line[len] = '\0';
		memmove(conn->in, conn->in + consumed, conn->in_len - consumed);
		conn->in_len -= consumed;
		conn->in_handler = 1;
		conn->ended_early = 0;
		rc = ctl_dispatch(conn->srv, &conn->req, conn, line, len, 0);
		conn->in_handler = 0;
		if (rc == CTL_ASYNC && conn->ended_early)
			continue;
		if (rc == CTL_ASYNC) {
			conn->busy = 1;
			ev_timer_stop(conn->srv->loop, &conn->idle_timer);
			break;
		}
		ctl_req_end(&conn->req);
		ctl_conn_idle_restart(conn);
	}
	if (conn->in_len == sizeof(conn->in) && !conn->busy && !conn->closing) {
		memset(&conn->req, 0, sizeof(conn->req));
		conn->req.srv = conn->srv;
		conn->req.conn = conn;
		ctl_usage(&conn->req, "request longer than %d bytes",
			  CTL_LINE_MAX);
		ctl_req_end(&conn->req);
		conn->closing = 1;
	}
	if (conn->peer_eof && !conn->busy)
		conn->closing = 1;
	if (!conn->peer_eof && !conn->closing &&
	    conn->in_len < sizeof(conn->in))
		ev_io_start(conn->srv->loop, &conn->rw);
	ctl_conn_flush(conn);
}

static void
ctl_conn_read_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct ctl_conn *conn = w->data;
	ssize_t n;

	(void)revents;
	if (conn->draining) {
		char sink[4096];

		n = recv(conn->fd, sink, sizeof(sink), MSG_DONTWAIT);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		conn->drained += n > 0 ? (size_t)n : 0;
		if (n <= 0 || conn->drained > CTL_DRAIN_MAX)
			ctl_conn_free(conn);
		return;
	}
	if (conn->in_len == sizeof(conn->in)) {
		/* Full: the running request must end before more is read. */
		ev_io_stop(loop, w);
		return;
	}
	n = recv(conn->fd, conn->in + conn->in_len,
		 sizeof(conn->in) - conn->in_len, MSG_DONTWAIT);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		ev_io_stop(loop, w);
		conn->peer_eof = 1;
		if (conn->busy) {
			/* The client went away while its request ran. */
			ctl_conn_free(conn);
			return;
		}
	} else {
		conn->in_len += (size_t)n;
	}
	if (!conn->busy)
		ctl_conn_process(conn);
}

static void
ctl_accept_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct ctl_server *srv = w->data;
	struct ctl_conn *conn;
	int fd;

	(void)revents;
	fd = accept4(srv->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd < 0)
		return;
	if (srv->nconns >= CTL_CONN_MAX) {
		struct ctl_conn *oldest = ctl_conn_oldest_idle(srv);

		if (!oldest) {
			log_warnx("ctl_accept: %d control connections busy, "
				  "refusing another",
				  srv->nconns);
			srv->stats.refused++;
			close(fd);
			return;
		}
		srv->stats.evicted++;
		ctl_conn_free(oldest);
	}
	if (!(conn = calloc(1, sizeof(*conn)))) {
		log_warnx("ctl_accept: out of memory");
		srv->stats.refused++;
		close(fd);
		return;
	}
	srv->stats.accepted++;
	conn->srv = srv;
	conn->fd = fd;
	conn->next = srv->conns;
	srv->conns = conn;
	srv->nconns++;
	ev_io_init(&conn->rw, ctl_conn_read_cb, fd, EV_READ);
	ev_io_init(&conn->ww, ctl_conn_write_cb, fd, EV_WRITE);
	ev_timer_init(&conn->drain_timer, ctl_conn_drain_timeout,
		      CTL_DRAIN_SECONDS, 0);
	ev_timer_init(&conn->idle_timer, ctl_conn_idle_timeout,
		      srv->idle_seconds, 0);
	conn->rw.data = conn->ww.data = conn->drain_timer.data = conn;
	conn->idle_timer.data = conn;
	ev_io_start(loop, &conn->rw);
	ctl_conn_idle_restart(conn);
}

struct ctl_server *
ctl_server_open(struct ev_loop *loop, const char *path,
		const struct ctl_cmd *table, size_t n, void *arg, char *err,
		size_t errlen)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	struct ctl_server *srv;
	mode_t old_mask;

	if (strlen(path) >= sizeof(sun.sun_path)) {
		snprintf(err, errlen, "%s: socket path too long", path);
		return NULL;
	}
	srv = calloc(1, sizeof(*srv));
	if (!srv || !(srv->path = strdup(path))) {
		free(srv);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	srv->loop = loop;
	srv->idle_seconds = CTL_IDLE_SECONDS;
	ctl_server_add(srv, table, n, arg);
	memcpy(sun.sun_path, path, strlen(path) + 1);
	srv->fd =
	    socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	unlink(path);
	/* Created 0600 from the start: there is no window with wider rights. */
	old_mask = umask(0177);
	if (srv->fd < 0 ||
	    bind(srv->fd, (struct sockaddr *)&sun, sizeof(sun)) < 0 ||
	    listen(srv->fd, 16) < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		umask(old_mask);
		if (srv->fd >= 0)
			close(srv->fd);
		free(srv->path);
		free(srv);
		return NULL;
	}
	umask(old_mask);
	ev_io_init(&srv->accept_watcher, ctl_accept_cb, srv->fd, EV_READ);
	srv->accept_watcher.data = srv;
	ev_io_start(loop, &srv->accept_watcher);
	return srv;
}

int
ctl_server_add(struct ctl_server *srv, const struct ctl_cmd *table, size_t n,
	       void *arg)
{
	if (srv->ntables == CTL_TABLES_MAX)
		return -1;
	srv->tables[srv->ntables++] = (struct ctl_table){table, n, arg};
	return 0;
}

void
ctl_server_set_idle(struct ctl_server *srv, double seconds)
{
	srv->idle_seconds = seconds > 0 ? seconds : CTL_IDLE_SECONDS;
}

struct ctl_stats
ctl_server_stats(const struct ctl_server *srv)
{
	struct ctl_stats s = srv->stats;

	s.connections = (unsigned)srv->nconns;
	s.connections_max = CTL_CONN_MAX;
	return s;
}

void
ctl_server_close(struct ctl_server *srv)
{
	if (!srv)
		return;
	while (srv->conns)
		ctl_conn_free(srv->conns);
	ev_io_stop(srv->loop, &srv->accept_watcher);
	close(srv->fd);
	unlink(srv->path);
	free(srv->path);
	free(srv);
}

int
ctl_exec(struct ctl_server *srv, const char *line, size_t len, char *err,
	 size_t errlen)
{
	char buf[CTL_LINE_MAX + 1];
	struct ctl_req req;

	if (len > CTL_LINE_MAX) {
		snprintf(err, errlen, "request longer than %d bytes",
			 CTL_LINE_MAX);
		return -1;
	}
	memcpy(buf, line, len);
	buf[len] = '\0';
	ctl_dispatch(srv, &req, NULL, buf, len, 1);
	if (req.failed) {
		snprintf(err, errlen, "%s", req.error);
		return -1;
	}
	return 0;
}

int
ctl_run_file(struct ctl_server *srv, const char *path, char *err, size_t errlen)
{
	char line[CTL_LINE_MAX + 2], why[CTL_ERR_MAX];
	unsigned lineno = 0;
	FILE *f = fopen(path, "r");

	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		char *p = line + strspn(line, " \t");

		lineno++;
		line[strcspn(line, "\r\n")] = '\0';
		if (*p == '\0' || *p == '#')
			continue;
		if (ctl_exec(srv, p, strlen(p), why, sizeof(why)) < 0) {
			snprintf(err, errlen, "%s:%u: %s", path, lineno, why);
			fclose(f);
			return -1;
		}
	}
	fclose(f);
	return 0;
}
