/*
 * The control socket: a Unix stream socket (mode 0600) on which a client
 * sends one line of words and gets newline-delimited JSON back, ending with
 * {"ok":true} or {"ok":false,"error":"..."}. Errors that are the client's
 * fault (unknown command, bad arguments) carry "usage":true, so hopctl can
 * exit 2 for them and 1 for failures.
 */
#ifndef HOPLAB_CTL_H
#define HOPLAB_CTL_H

#include <ev.h>
#include <jansson.h>
#include <stddef.h>

#include "ctl_parse.h"

struct ctl_server;

/*
 * Listens on path (replacing a stale socket there) with commands from
 * table; arg is passed to every handler. `help` is built in. NULL with a
 * message in err on failure.
 */
struct ctl_server *ctl_server_open(struct ev_loop *loop, const char *path,
				   const struct ctl_cmd *table, size_t n,
				   void *arg, char *err, size_t errlen);
/*
 * Adds the commands of another table, with their own arg (a daemon's
 * shell adds those every daemon has). A request is looked up in the
 * tables in the order they were added; -1 when there are too many.
 */
int ctl_server_add(struct ctl_server *srv, const struct ctl_cmd *table,
		   size_t n, void *arg);
/*
 * Limits: a connection that sends no complete request within the idle
 * time (5 seconds unless set) is answered with an error and closed; the
 * idle wait starts at accept and again after each request. Requests that
 * run on (streams, a passed socket) are never cut. When the server holds
 * its maximum of connections, the one that has waited longest for a
 * request gives way to a new one; only when every connection is running
 * a request is a new one refused.
 */
struct ctl_stats {
	unsigned long long accepted;	/* connections taken */
	unsigned long long idle_closed; /* closed for sending no request */
	unsigned long long evicted;	/* closed to make room for a new one */
	unsigned long long refused;	/* new ones turned away: all busy */
	unsigned connections;		/* open now */
	unsigned connections_max;
};

/* Sets the idle time in seconds (for tests; 0 restores the default). */
void ctl_server_set_idle(struct ctl_server *srv, double seconds);
struct ctl_stats ctl_server_stats(const struct ctl_server *srv);

/* Closes every connection (cancelling their requests) and unlinks path. */
void ctl_server_close(struct ctl_server *srv);

/*
 * Replays a file of command lines, as a daemon's config file. Blank lines
 * and '#' comments are skipped. Stops at the first failure with
 * "FILE:LINE: error" in err and returns -1.
 */
int ctl_run_file(struct ctl_server *srv, const char *path, char *err,
		 size_t errlen);

/*
 * Runs one request line without a client, its replies discarded, as for a
 * config file; -1 with the error in err when it failed.
 */
int ctl_exec(struct ctl_server *srv, const char *line, size_t len, char *err,
	     size_t errlen);

/* Sends one JSON value as a reply line; takes the reference. */
void ctl_reply(struct ctl_req *req, json_t *value);
/*
 * Sends one JSON value as a reply line with descriptor fd attached
 * (SCM_RIGHTS); takes the reference, leaves fd open. For the first reply
 * of a request, before anything else is queued; -1 when it cannot be sent.
 */
int ctl_reply_fd(struct ctl_req *req, json_t *value, int fd);
/* Sends {"text":"..."}: a line that hopctl prints as it is. */
void ctl_printf(struct ctl_req *req, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Marks the request failed; returns CTL_DONE for `return ctl_fail(...)`. */
int ctl_fail(struct ctl_req *req, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* As ctl_fail, for a request the client got wrong. */
int ctl_usage(struct ctl_req *req, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Ends a request whose handler returned CTL_ASYNC. */
void ctl_finish(struct ctl_req *req);
/*
 * For CTL_ASYNC handlers: fn(arg) is called, instead of any further use of
 * req, when the client goes away before ctl_finish.
 */
void ctl_set_cancel(struct ctl_req *req, void (*fn)(void *), void *arg);

#endif
