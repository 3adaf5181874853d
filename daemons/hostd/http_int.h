/*
 * Private to hostd's HTTP server: http_server.c (listeners, commands)
 * and http_conn.c (one connection's requests and responses).
 */
#ifndef HOPLAB_HTTP_INT_H
#define HOPLAB_HTTP_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "host.h"
#include "http_server.h"
#include "tcp.h"

#define HTTP_SERVER_NAME "hoplab"

#define HTTP_CONN_STATES(X)                                                    \
	X(idle)                                                                \
	X(head)                                                                \
	X(send)                                                                \
	X(linger)

#define HTTP_CONN_ENUM(name) HTTP_C_##name,
enum http_conn_state { HTTP_CONN_STATES(HTTP_CONN_ENUM) HTTP_CONN_COUNT };
extern const char *const http_conn_state_names[HTTP_CONN_COUNT];
#undef HTTP_CONN_ENUM

struct http_server {
	struct http_server *next;
	struct host *h;
	uint16_t port;
	char *dir;
	int dirfd; /* O_PATH */
	struct tcp_conn *listener;
	struct http_conn *conns;
	size_t nconns;
	uint64_t requests, bytes_sent;
	bool accept_pending;
	ev_timer kick; /* work to do from the loop */
	ev_timer tick; /* timeouts */
};

struct http_conn {
	struct http_conn *next;
	struct http_server *srv;
	struct tcp_conn *tcp;
	enum http_conn_state state;
	struct http_parser parser;
	double since; /* the wait for a request began; or the last
			 progress of a response */
	unsigned requests;
	bool pending;	/* the stack told us something */
	bool peer_gone; /* the connection is over */
	int err;
	char peer[24];
	/* the response being sent */
	char *out; /* its head, and the body of an error */
	size_t out_len, out_off;
	int fd; /* its file, or -1 */
	uint64_t file_off, file_left;
	uint64_t body_sent;
	int status;
	bool close_after;
	char reqline[160]; /* for the access log */
};

static inline struct ev_loop *
http_loop(const struct http_server *srv)
{
	return srv->h->node.loop;
}

static inline double
http_now(const struct http_server *srv)
{
	return ipnode_now(&srv->h->node);
}

/* Work for the server from the loop (its kick timer); here, so that a
 * connection asks for it without calling back up into http_server.c. */
static inline void
http_kick(struct http_server *srv)
{
	if (http_loop(srv) && !ev_is_active(&srv->kick))
		ev_timer_start(http_loop(srv), &srv->kick);
}

/* Connections: accepting them, working on one the stack told something
 * (false when it is over), its timeouts (false when it expired), letting
 * it go, and the counters of a response's status. */
void http_conn_accept_all(struct http_server *srv);
bool http_conn_work(struct http_conn *c);
bool http_conn_expire(struct http_conn *c, double now);
void http_conn_free(struct http_conn *c);
void http_stat_status(struct http_service *svc, int status);

#endif
