/*
 * One connection of hostd's HTTP server: reading requests, choosing and
 * sending responses, the access log, and its timeouts (the states are in
 * http_server.h).
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

#include "log.h"

#define HTTP_READ_MAX (256 * 1024) /* file bytes read at once */
#define HTTP_ALLOW "GET, HEAD"

#define HTTP_CONN_NAME(name) #name,
const char *const http_conn_state_names[HTTP_CONN_COUNT] = {
    HTTP_CONN_STATES(HTTP_CONN_NAME)};
#undef HTTP_CONN_NAME

/* --- the stack's callbacks: mark and kick ------------------------------- */

static void
http_conn_mark(struct sock *s)
{
	struct http_conn *c = s->owner;

	c->pending = true;
	http_kick(c->srv);
}

static void
http_conn_closed(struct sock *s, int err)
{
	struct http_conn *c = s->owner;

	c->peer_gone = true;
	c->err = err;
	http_conn_mark(s);
}

static const struct sock_ops http_conn_ops = {
    .readable = http_conn_mark,
    .writable = http_conn_mark,
    .closed = http_conn_closed,
};

static void
http_refused_closed(struct sock *s, int err)
{
	(void)s;
	(void)err;
}

/* A connection answered 503 and let go at once. */
static const struct sock_ops http_refused_ops = {
    .closed = http_refused_closed,
};

/* --- connections -----------------------------------------------------------
 */

/* Whatever arrived is read and dropped, so that closing sends a FIN,
 * not a reset that could overtake the response. */
static void
http_conn_drain(struct tcp_conn *tcp)
{
	size_t n;

	while (tcp_recv_peek(tcp, &n) && n > 0)
		tcp_recv_consume(tcp, n);
}

void
http_conn_free(struct http_conn *c)
{
	struct http_server *srv = c->srv;

	for (struct http_conn **pp = &srv->conns; *pp; pp = &(*pp)->next) {
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	}
	srv->nconns--;
	if (c->tcp) {
		if (c->peer_gone && c->err)
			srv->h->http.stats[STAT_connections_reset]++;
		http_conn_drain(c->tcp);
		tcp_close(c->tcp);
	}
	if (c->fd >= 0)
		close(c->fd);
	free(c->out);
	http_parser_free(&c->parser);
	free(c);
}

void
http_stat_status(struct http_service *svc, int status)
{
	static const struct {
		int status;
		enum http_stat stat;
	} reasons[] = {
	    {400, STAT_bad_request},
	    {403, STAT_forbidden},
	    {404, STAT_not_found},
	    {405, STAT_method_not_allowed},
	    {408, STAT_request_timeout},
	    {414, STAT_uri_too_long},
	    {431, STAT_header_fields_too_large},
	    {500, STAT_internal_error},
	    {501, STAT_not_implemented},
	    {503, STAT_service_unavailable},
	    {505, STAT_version_not_supported},
	};

	if (status >= 200 && status < 600)
		svc->stats[STAT_responses_2xx + status / 100 - 2]++;
	for (size_t i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++)
		if (reasons[i].status == status)
			svc->stats[reasons[i].stat]++;
}

/* Date and Last-Modified (RFC 9110 5.6.7) */
static void
http_date(time_t t, char *buf, size_t len)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, len, "%a, %d %b %Y %H:%M:%S GMT", &tm);
}

/*
 * Builds a response's head (and, for an error, its small body) into
 * c->out: status, the file's type and size when f is given, Location
 * for a redirect, Allow for 405. -1 without memory.
 */
static int
http_conn_build(struct http_conn *c, int status, const struct http_file *f,
		const char *location, bool head_only)
{
	const struct http_msg *m = &c->parser.msg;
	const char *reason = http_reason(status);
	char date[64], modified[96] = "", extra[64] = "", body[256] = "";
	char *loc = NULL;
	uint64_t length;
	const char *type;
	int n;

	http_date((time_t)http_now(c->srv), date, sizeof(date));
	if (f) {
		char when[64];

		http_date(f->mtime, when, sizeof(when));
		snprintf(modified, sizeof(modified), "Last-Modified: %s\r\n",
			 when);
		length = f->size;
		type = f->type;
	} else {
		n = snprintf(body, sizeof(body),
			     "<html><head><title>%d %s</title></head>"
			     "<body><h1>%d %s</h1></body></html>\n",
			     status, reason, status, reason);
		length = (uint64_t)n;
		type = "text/html; charset=utf-8";
	}
	if (status == 405)
		snprintf(extra, sizeof(extra), "Allow: " HTTP_ALLOW "\r\n");
	if (location && asprintf(&loc, "Location: %s\r\n", location) < 0)
		return -1;
	n = asprintf(&c->out,
		     "HTTP/1.1 %d %s\r\n"
		     "Server: " HTTP_SERVER_NAME "\r\n"
		     "Date: %s\r\n"
		     "%s%s%s"
		     "Content-Type: %s\r\n"
		     "Content-Length: %" PRIu64 "\r\n"
		     "%s"
		     "\r\n"
		     "%s",
		     status, reason, date, loc ? loc : "", extra, modified,
		     type, length,
		     c->close_after  ? "Connection: close\r\n"
		     : m->minor == 0 ? "Connection: keep-alive\r\n"
				     : "",
		     head_only ? "" : body);
	free(loc);
	if (n < 0) {
		c->out = NULL;
		return -1;
	}
	c->out_len = (size_t)n;
	c->out_off = 0;
	/* An error's body goes with its head. */
	c->body_sent = f || head_only ? 0 : length;
	return 0;
}

/* The response begins: from now on it only has to be sent. */
static void
http_conn_respond(struct http_conn *c, int status, struct http_file *f,
		  const char *location, bool head_only)
{
	struct http_service *svc = &c->srv->h->http;

	if (status >= 400 && status != 404 && status != 403 && status != 405)
		c->close_after = true;
	c->status = status;
	c->fd = -1;
	c->file_left = 0;
	if (http_conn_build(c, status, f, location, head_only) < 0) {
		svc->stats[STAT_no_memory]++;
		c->close_after = true;
		c->status = 500;
		if (f && f->fd >= 0)
			close(f->fd);
		return;
	}
	if (f && !head_only) {
		c->fd = f->fd;
		c->file_off = 0;
		c->file_left = f->size;
	} else if (f && f->fd >= 0) {
		close(f->fd);
	}
	http_stat_status(svc, status);
}

/* What a complete request head asks for. */
static void
http_conn_request(struct http_conn *c)
{
	static const char *const known[] = {
	    "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "CONNECT"};
	const struct http_msg *m = &c->parser.msg;
	struct http_service *svc = &c->srv->h->http;
	bool get = !strcmp(m->method, "GET"), head = !strcmp(m->method, "HEAD");
	struct http_file f;
	enum http_file_result r;
	char *location = NULL;
	size_t plen;
	const char *path, *query;

	snprintf(c->reqline, sizeof(c->reqline), "%s %s HTTP/%d.%d", m->method,
		 m->target, m->major, m->minor);
	c->close_after = !m->keep_alive || m->has_body;
	if (!get && !head) {
		int status = 501;

		for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
			if (!strcmp(m->method, known[i]))
				status = 405;
		http_conn_respond(c, status, NULL, NULL, false);
		return;
	}
	r = http_file_open(c->srv->dirfd, m->target, &f);
	if (r != HTTP_FILE_ok)
		svc->path_results[r]++;
	if (r == HTTP_FILE_redirect) {
		path = http_file_path(m->target, &plen);
		query = path + plen;
		if (asprintf(&location, "%.*s/%s", (int)plen, path, query) < 0)
			location = NULL;
	}
	http_conn_respond(c, http_file_status(r), r == HTTP_FILE_ok ? &f : NULL,
			  location, head);
	free(location);
}

/* One line per response in the log, as a common log format line. */
static void
http_conn_log(const struct http_conn *c)
{
	char when[64];
	time_t t = (time_t)http_now(c->srv);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(when, sizeof(when), "%d/%b/%Y:%H:%M:%S +0000", &tm);
	log_info("http_access: %s - - [%s] \"%s\" %d %" PRIu64, c->peer, when,
		 c->reqline[0] ? c->reqline : "-", c->status, c->body_sent);
}

/*
 * Sends what fits of the response: its head, then the file as the send
 * buffer drains. True once everything is in the send buffer.
 */
static bool
http_conn_pump(struct http_conn *c)
{
	struct http_service *svc = &c->srv->h->http;
	bool moved = false;

	while (c->out_off < c->out_len) {
		size_t n =
		    tcp_send(c->tcp, (const uint8_t *)c->out + c->out_off,
			     c->out_len - c->out_off);

		if (n == 0)
			break;
		c->out_off += n;
		moved = true;
	}
	while (c->out_off == c->out_len && c->file_left > 0) {
		size_t room;
		uint8_t *to = tcp_send_reserve(c->tcp, &room);
		ssize_t n;

		if (room == 0)
			break;
		if (room > c->file_left)
			room = (size_t)c->file_left;
		if (room > HTTP_READ_MAX)
			room = HTTP_READ_MAX;
		n = pread(c->fd, to, room, (off_t)c->file_off);
		if (n <= 0) {
			/* Shrunk or unreadable: the promised length cannot
			 * be kept, so the connection ends short of it. */
			svc->stats[STAT_read_errors]++;
			c->file_left = 0;
			c->close_after = true;
			break;
		}
		tcp_send_commit(c->tcp, (size_t)n);
		c->file_off += (uint64_t)n;
		c->file_left -= (uint64_t)n;
		c->body_sent += (uint64_t)n;
		svc->stats[STAT_bytes_sent] += (uint64_t)n;
		c->srv->bytes_sent += (uint64_t)n;
		moved = true;
	}
	if (moved)
		c->since = http_now(c->srv);
	return c->out_off == c->out_len && c->file_left == 0;
}

/* The response is in the send buffer: the next request, or the end. */
static void
http_conn_sent(struct http_conn *c)
{
	http_conn_log(c);
	free(c->out);
	c->out = NULL;
	c->out_len = c->out_off = 0;
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	if (c->close_after) {
		/* Our FIN goes now; what the peer still sends is read and
		 * dropped until its FIN, so that no reset overtakes the
		 * response (a lingering close). */
		tcp_shutdown(c->tcp);
		c->state = HTTP_C_linger;
		c->since = http_now(c->srv);
		http_conn_drain(c->tcp);
		return;
	}
	http_parser_reset(&c->parser, false);
	c->reqline[0] = '\0';
	c->state = HTTP_C_idle;
	c->since = http_now(c->srv);
}

/* A parse failure or a timeout: an error, then the end. */
static void
http_conn_fail(struct http_conn *c, int status)
{
	c->close_after = true;
	http_conn_respond(c, status, NULL, NULL, false);
	c->state = HTTP_C_send;
	c->since = http_now(c->srv);
}

/* Reads and parses what arrived, as far as a response to send. */
static void
http_conn_read(struct http_conn *c)
{
	struct http_service *svc = &c->srv->h->http;

	while (c->state != HTTP_C_send) {
		size_t len, used, dlen;
		const uint8_t *in = tcp_recv_peek(c->tcp, &len), *data;
		enum http_result r;

		if (len == 0) {
			if (!tcp_recv_eof(c->tcp) && !c->peer_gone)
				return;
			r = http_parse_eof(&c->parser);
			if (r == HTTP_FAIL) {
				svc->parse_errors[c->parser.error]++;
				http_conn_fail(
				    c, http_error_status(c->parser.error));
			} else {
				c->close_after = true;
			}
			return;
		}
		r = http_parse(&c->parser, in, len, &used, &data, &dlen);
		tcp_recv_consume(c->tcp, used);
		switch (r) {
		case HTTP_AGAIN:
		case HTTP_DATA:
			if (c->state == HTTP_C_idle &&
			    http_parser_started(&c->parser))
				c->state = HTTP_C_head;
			break;
		case HTTP_HEAD:
			svc->stats[STAT_requests]++;
			c->srv->requests++;
			if (c->requests++ > 0)
				svc->stats[STAT_keepalive_requests]++;
			http_conn_request(c);
			c->state = HTTP_C_send;
			c->since = http_now(c->srv);
			break;
		case HTTP_DONE:
			break;
		case HTTP_FAIL:
			svc->parse_errors[c->parser.error]++;
			http_conn_fail(c, http_error_status(c->parser.error));
			break;
		}
	}
}

/* Everything a connection can do now; false when it is to be freed. */
bool
http_conn_work(struct http_conn *c)
{
	for (;;) {
		if (c->peer_gone)
			return false;
		if (c->state == HTTP_C_linger) {
			http_conn_drain(c->tcp);
			return !tcp_recv_eof(c->tcp);
		}
		if (c->state != HTTP_C_send) {
			http_conn_read(c);
			if (c->state != HTTP_C_send)
				return !c->close_after;
		}
		/* A request with a body is answered at its head, and the
		 * connection ends: the body is not waited for. */
		if (!http_conn_pump(c))
			return !c->peer_gone;
		http_conn_sent(c);
		if (c->state == HTTP_C_linger)
			return !tcp_recv_eof(c->tcp);
	}
}

/* --- timeouts ------------------------------------------------------------- */

/* False when c is to be freed. */
bool
http_conn_expire(struct http_conn *c, double now)
{
	struct http_service *svc = &c->srv->h->http;
	double waited = now - c->since;

	switch (c->state) {
	case HTTP_C_idle:
		if (waited <
		    (c->requests ? HTTP_IDLE_TIMEOUT : HTTP_HEADER_TIMEOUT))
			return true;
		svc->stats[STAT_idle_timeouts]++;
		return false;
	case HTTP_C_head:
		if (waited < HTTP_HEADER_TIMEOUT)
			return true;
		svc->stats[STAT_header_timeouts]++;
		snprintf(c->reqline, sizeof(c->reqline), "-");
		http_conn_fail(c, 408);
		return http_conn_work(c);
	case HTTP_C_send:
		if (waited < HTTP_SEND_TIMEOUT)
			return true;
		svc->stats[STAT_send_timeouts]++;
		tcp_abort(c->tcp);
		c->tcp = NULL;
		return false;
	case HTTP_C_linger:
		return waited < HTTP_LINGER_TIMEOUT;
	default:
		return true;
	}
}

static void
http_conn_refuse(struct http_server *srv, struct tcp_conn *tcp)
{
	static const char busy[] =
	    "HTTP/1.1 503 Service Unavailable\r\n"
	    "Server: " HTTP_SERVER_NAME "\r\n"
	    "Content-Type: text/html; charset=utf-8\r\n"
	    "Content-Length: 95\r\n"
	    "Connection: close\r\n\r\n"
	    "<html><head><title>503 Service Unavailable</title></head>"
	    "<body><h1>503</h1></body></html>\n";
	struct http_service *svc = &srv->h->http;

	svc->stats[STAT_connections_refused]++;
	http_stat_status(svc, 503);
	tcp_send(tcp, (const uint8_t *)busy, sizeof(busy) - 1);
	http_conn_drain(tcp);
	tcp_close(tcp);
}

/* Takes every connection waiting on srv's listener. */
void
http_conn_accept_all(struct http_server *srv)
{
	struct http_service *svc = &srv->h->http;
	char ip[IPV4_ADDR_STRLEN];

	srv->accept_pending = false;
	while (srv->listener->accept_head) {
		struct http_conn *c = NULL;

		if (srv->nconns >= HTTP_CONN_MAX ||
		    !(c = calloc(1, sizeof(*c)))) {
			if (srv->nconns < HTTP_CONN_MAX)
				svc->stats[STAT_no_memory]++;
			http_conn_refuse(
			    srv,
			    tcp_accept(srv->listener, &http_refused_ops, NULL));
			continue;
		}
		c->srv = srv;
		c->fd = -1;
		c->state = HTTP_C_idle;
		c->since = http_now(srv);
		c->pending = true;
		http_parser_init(&c->parser, false);
		c->next = srv->conns;
		srv->conns = c;
		srv->nconns++;
		c->tcp = tcp_accept(srv->listener, &http_conn_ops, c);
		snprintf(c->peer, sizeof(c->peer), "%s",
			 ipv4_ntoa(c->tcp->sock.raddr, ip));
		svc->stats[STAT_connections]++;
	}
}
