/*
 * hostsock's internals, shared by hostsock.c (resolving, requests, reply
 * lines, UDP) and hostsock_tcp.c (TCP). Not installed: applications see
 * hostsock.h alone.
 */
#ifndef HOPLAB_HOSTSOCK_INT_H
#define HOPLAB_HOSTSOCK_INT_H

#include <stddef.h>

#include "hostsock.h"

#define HOSTSOCK_REPLY_MAX 8192 /* the longest reply line */

/* Sets errno to err and hostsock_error() to the message; returns -1. */
int hostsock_fail(int err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Closes *fd if open and sets it to -1, keeping errno. */
void hostsock_drop(int *fd);

/* Sends the request line req to node's hostd; its control connection. */
int hostsock_request(const char *node, const char *req);

/*
 * Reads one reply line into buf (newline dropped) and the descriptor it
 * carried into *passed (-1: none; passed NULL: a descriptor makes the line
 * malformed). Takes nothing past the newline. 1 for a line, 0 at end of
 * file, -1 with errno.
 */
int hostsock_read_line(int ctl, char *buf, size_t cap, int *passed);

/* hostsock_read_line where the end of file is premature (EPROTO). */
int hostsock_next_line(int ctl, char *buf, size_t cap, int *passed);

/* Fails with EPROTO, naming the reply line not understood. */
int hostsock_malformed(const char *line);

/* The string value of "key" in a compact JSON line, into out; 0 or -1. */
int hostsock_json_str(const char *line, const char *key, char *out, size_t len);

/* The "A.B.C.D:PORT" of "key" (port not 0) in line, into sin (NULL: only
 * checked); 0 or -1. */
int hostsock_json_addr(const char *line, const char *key,
		       struct sockaddr_in *sin);

/* The request's words " OPT A.B.C.D:PORT", or " A.B.C.D:PORT" (opt ""). */
void hostsock_addr_arg(char *buf, size_t len, const char *opt,
		       const struct sockaddr_in *sin);

/* After a 0-byte read from fd: true at end of file, false for an empty
 * message. */
int hostsock_at_eof(int fd);

#endif
