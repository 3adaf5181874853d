/*
 * hostd's HTTP/1.1 server: listeners, the service's counters and the
 * `http` commands; one connection's work is http_conn.c.
 */
#include "http_int.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ctl.h"
#include "ctl_opt.h"
#include "host.h"
#include "log.h"
#include "tcp.h"

const char *const http_stat_names[HTTP_STAT_COUNT] = {
    HTTP_COUNTERS(STATS_NAME)};

/* --- servers ----------------------------------------------------------- */

static void
http_listener_accept(struct sock *s, struct sock *child)
{
	struct http_server *srv = s->owner;

	(void)child;
	srv->accept_pending = true;
	http_kick(srv);
}

static const struct sock_ops http_listener_ops = {
    .accept = http_listener_accept,
};

/* The server's work: new connections, then every connection told
 * something. */
static void
http_server_run(struct http_server *srv)
{
	if (srv->accept_pending)
		http_conn_accept_all(srv);
	for (struct http_conn *c = srv->conns, *next; c; c = next) {
		next = c->next;
		if (!c->pending)
			continue;
		c->pending = false;
		if (!http_conn_work(c))
			http_conn_free(c);
	}
}

static void
http_server_expire(struct http_server *srv, double now)
{
	for (struct http_conn *c = srv->conns, *next; c; c = next) {
		next = c->next;
		if (!http_conn_expire(c, now))
			http_conn_free(c);
	}
}

static void
http_kick_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	(void)loop;
	(void)revents;
	http_server_run(w->data);
}

static void
http_tick_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct http_server *srv = w->data;

	(void)revents;
	http_server_run(srv);
	http_server_expire(srv, ev_now(loop));
}

static void
http_server_free(struct http_server *srv)
{
	struct ev_loop *loop = http_loop(srv);

	if (loop) {
		ev_timer_stop(loop, &srv->kick);
		ev_timer_stop(loop, &srv->tick);
	}
	while (srv->conns)
		http_conn_free(srv->conns);
	if (srv->listener)
		tcp_close(srv->listener);
	if (srv->dirfd >= 0)
		close(srv->dirfd);
	free(srv->dir);
	free(srv);
}

static struct http_server *
http_server_find(struct host *h, uint16_t port)
{
	for (struct http_server *s = h->http.servers; s; s = s->next)
		if (s->port == port)
			return s;
	return NULL;
}

int
http_server_start(struct host *h, uint16_t port, const char *dir, char *err,
		  size_t errlen)
{
	struct http_server *srv;
	char real[PATH_MAX];

	if (!port)
		port = HTTP_PORT_DEFAULT;
	if ((srv = http_server_find(h, port))) {
		snprintf(err, errlen, "port %u is served already (%s)", port,
			 srv->dir);
		return -1;
	}
	srv = calloc(1, sizeof(*srv));
	if (!srv) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	srv->h = h;
	srv->port = port;
	srv->dirfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	srv->dir = strdup(realpath(dir, real) ? real : dir);
	if (srv->dirfd < 0 || !srv->dir) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		http_server_free(srv);
		return -1;
	}
	srv->listener =
	    tcp_listen(&h->tcp, 0, port, HTTP_BACKLOG, &http_listener_ops, srv);
	if (!srv->listener) {
		snprintf(err, errlen, "port %u: %s", port, strerror(errno));
		http_server_free(srv);
		return -1;
	}
	ev_timer_init(&srv->kick, http_kick_cb, 0, 0);
	ev_timer_init(&srv->tick, http_tick_cb, HTTP_TICK, HTTP_TICK);
	srv->kick.data = srv->tick.data = srv;
	if (http_loop(srv))
		ev_timer_start(http_loop(srv), &srv->tick);
	srv->next = h->http.servers;
	h->http.servers = srv;
	log_info("http_server_start: serving %s on port %u", srv->dir, port);
	return 0;
}

int
http_server_stop(struct host *h, uint16_t port)
{
	int n = 0;

	for (struct http_server **pp = &h->http.servers; *pp;) {
		struct http_server *srv = *pp;

		if (port && srv->port != port) {
			pp = &srv->next;
			continue;
		}
		*pp = srv->next;
		log_info("http_server_stop: port %u", srv->port);
		http_server_free(srv);
		n++;
	}
	return n;
}

void
http_service_run(struct host *h)
{
	double now = ipnode_now(&h->node);

	for (struct http_server *srv = h->http.servers; srv; srv = srv->next) {
		http_server_run(srv);
		http_server_expire(srv, now);
	}
}

void
http_service_destroy(struct host *h)
{
	http_server_stop(h, 0);
}

json_t *
http_service_json(const struct host *h)
{
	json_t *rows = json_array();

	for (const struct http_server *s = h->http.servers; s; s = s->next) {
		size_t states[HTTP_CONN_COUNT] = {0};

		for (const struct http_conn *c = s->conns; c; c = c->next)
			states[c->state]++;
		json_array_append_new(
		    rows, json_pack("{s:i, s:s, s:I, s:I, s:I, s:I, s:I}",
				    "port", s->port, "dir", s->dir,
				    "connections", (json_int_t)s->nconns,
				    http_conn_state_names[HTTP_C_send],
				    (json_int_t)states[HTTP_C_send],
				    http_conn_state_names[HTTP_C_idle],
				    (json_int_t)states[HTTP_C_idle], "requests",
				    (json_int_t)s->requests, "bytes_sent",
				    (json_int_t)s->bytes_sent));
	}
	return rows;
}

json_t *
http_service_stats_json(const struct host *h)
{
	const struct http_service *svc = &h->http;
	json_t *obj = stats_json(svc->stats, http_stat_names, HTTP_STAT_COUNT);
	char name[64];

	for (int e = 1; e < HTTP_ERROR_COUNT; e++) {
		snprintf(name, sizeof(name), "parse_%s", http_error_names[e]);
		json_object_set_new(
		    obj, name, json_integer((json_int_t)svc->parse_errors[e]));
	}
	for (int r = 1; r < HTTP_FILE_COUNT; r++) {
		snprintf(name, sizeof(name), "path_%s", http_file_names[r]);
		json_object_set_new(
		    obj, name, json_integer((json_int_t)svc->path_results[r]));
	}
	return obj;
}

/* --- commands ------------------------------------------------------------ */

int
http_serve_cmd(struct host *h, struct ctl_req *req, int argc, char **argv)
{
	long port = HTTP_PORT_DEFAULT;
	const struct ctl_opt opts[] = {{'p', CTL_OPT_INT, 1, 65535, &port}};
	char err[PATH_MAX + 64];
	int n = ctl_opt_parse(argc, argv, opts, 1, err, sizeof(err));

	if (n < 0)
		return ctl_usage(req, "http serve: %s", err);
	if (n != 1)
		return ctl_usage(req, "usage: http serve [-p PORT] DIR");
	if (http_server_start(h, (uint16_t)port, argv[0], err, sizeof(err)) < 0)
		return ctl_fail(req, "http serve: %s", err);
	return CTL_DONE;
}

int
http_stop_cmd(struct host *h, struct ctl_req *req, int argc, char **argv)
{
	double port = 0;

	if (argc > 1 ||
	    (argc == 1 && ctl_opt_number(argv[0], 1, 65535, true, &port) < 0))
		return ctl_usage(req, "usage: http stop [PORT]");
	if (http_server_stop(h, (uint16_t)port) == 0 && port)
		return ctl_fail(req, "http stop: no server on port %u",
				(unsigned)port);
	return CTL_DONE;
}

int
http_show_cmd(struct host *h, struct ctl_req *req, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	ctl_reply(req, http_service_json(h));
	ctl_reply(req, http_service_stats_json(h));
	return CTL_DONE;
}
