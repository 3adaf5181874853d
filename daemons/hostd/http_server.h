/*
 * hostd's HTTP/1.1 server (`http serve`), an application over the
 * host's TCP sockets like any other: GET and HEAD of the files beneath a
 * directory, keep-alive and pipelining, bounded requests, connections and
 * time. The parser is common/http.c; what a target names is
 * http_file.c.
 *
 * A connection goes through these states:
 *
 *   idle     waiting for a request's first byte; closed quietly after
 *            HTTP_IDLE_TIMEOUT (keep-alive) or HTTP_HEADER_TIMEOUT (new)
 *   head     the request's head is coming: it has HTTP_HEADER_TIMEOUT
 *            from the start of the wait, then 408 and close (slowloris)
 *   send     a response goes into the send buffer as it drains; a file
 *            a chunk at a time, never whole; a peer that takes nothing
 *            for HTTP_SEND_TIMEOUT is reset
 *   linger   the response that ends the connection is sent, with our
 *            FIN: what the peer still sends is dropped until its FIN or
 *            HTTP_LINGER_TIMEOUT, so that no reset overtakes the response
 *
 * Requests that arrive while a response is sent wait in the receive
 * buffer, and are answered in order. The stack's callbacks only mark a
 * connection and kick the server; the work is done from the loop (or by
 * http_service_run in unit tests), never from inside the stack.
 */
#ifndef HOPLAB_HTTP_SERVER_H
#define HOPLAB_HTTP_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "http.h"
#include "http_file.h"
#include "stats.h"

#define HTTP_PORT_DEFAULT 80
#define HTTP_CONN_MAX 256 /* per server; more are answered 503 */
#define HTTP_BACKLOG 128
#define HTTP_HEADER_TIMEOUT 10.0 /* seconds for a request's head */
#define HTTP_IDLE_TIMEOUT 5.0	 /* between requests of a connection */
#define HTTP_SEND_TIMEOUT 60.0	 /* without any progress */
#define HTTP_LINGER_TIMEOUT 2.0	 /* reading after our FIN, at most */
#define HTTP_TICK 0.5		 /* how often timeouts are looked for */

/* What `show http` counts; parse errors and what targets came to are
 * counted besides, as parse_NAME and path_NAME. */
#define HTTP_COUNTERS(X)                                                       \
	X(connections)                                                         \
	X(connections_refused) /* over HTTP_CONN_MAX: 503 */                   \
	X(connections_reset)   /* the peer reset, or TCP gave up */            \
	X(requests)                                                            \
	X(keepalive_requests) /* after the first on a connection */            \
	X(responses_2xx)                                                       \
	X(responses_3xx)                                                       \
	X(responses_4xx)                                                       \
	X(responses_5xx)                                                       \
	X(bad_request)                                                         \
	X(forbidden)                                                           \
	X(not_found)                                                           \
	X(method_not_allowed)                                                  \
	X(request_timeout)                                                     \
	X(uri_too_long)                                                        \
	X(header_fields_too_large)                                             \
	X(not_implemented)                                                     \
	X(service_unavailable)                                                 \
	X(version_not_supported)                                               \
	X(internal_error)                                                      \
	X(idle_timeouts)                                                       \
	X(header_timeouts)                                                     \
	X(send_timeouts)                                                       \
	X(read_errors) /* a file that could not be read to its end */          \
	X(no_memory)                                                           \
	X(bytes_sent)

enum http_stat { HTTP_COUNTERS(STATS_ENUM) HTTP_STAT_COUNT };

extern const char *const http_stat_names[HTTP_STAT_COUNT];

struct http_server;
struct host;
struct ctl_req;

/* The host's HTTP servers and their counters. */
struct http_service {
	struct http_server *servers;
	uint64_t stats[HTTP_STAT_COUNT];
	uint64_t parse_errors[HTTP_ERROR_COUNT];
	uint64_t path_results[HTTP_FILE_COUNT];
};

/*
 * Serves dir on port (0: 80) on every address of the host; -1 with a
 * message in err when the port is served already or taken, or dir is
 * not a directory.
 */
int http_server_start(struct host *h, uint16_t port, const char *dir, char *err,
		      size_t errlen);
/* Stops the server on port (0: every one), closing its listener and its
 * connections; how many stopped. */
int http_server_stop(struct host *h, uint16_t port);
/* Accepts, reads, answers and times out whatever waits; the loop's
 * watchers call it, unit tests (without a loop) call it themselves. */
void http_service_run(struct host *h);
/* Stops every server (at shutdown). */
void http_service_destroy(struct host *h);
/* `show http`: rows port dir connections requests ... */
json_t *http_service_json(const struct host *h);
/* Its counters. */
json_t *http_service_stats_json(const struct host *h);

/* `http serve [-p PORT] DIR`, `http stop [PORT]`, `show http` */
int http_serve_cmd(struct host *h, struct ctl_req *req, int argc, char **argv);
int http_stop_cmd(struct host *h, struct ctl_req *req, int argc, char **argv);
int http_show_cmd(struct host *h, struct ctl_req *req, int argc, char **argv);

#endif
