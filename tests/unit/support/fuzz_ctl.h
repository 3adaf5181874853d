/*
 * For fuzz targets of the control socket: a real control server in a
 * private directory and clients that talk to it over real connections, as
 * hopctl does. Replies are read and checked to be JSON, one value per
 * line; descriptors passed with them (hostsock) are used once and closed.
 *
 * fuzz_ctl_run() is the whole of a command target: each line of the input
 * is the request of its own client. A request that streams (ping,
 * traceroute, udp listen) keeps its client while the lines after it run,
 * and is cancelled by the client going away at the end; nothing outlives
 * the input.
 */
#ifndef HOPLAB_FUZZ_CTL_H
#define HOPLAB_FUZZ_CTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ctl.h"

#define FUZZ_CTL_LINES_MAX 32  /* requests run from one input */
#define FUZZ_CTL_CLIENTS_MAX 8 /* connections open at once */

/*
 * A private temporary directory, removed at exit, for the control socket
 * and for anything a command writes (captures).
 */
const char *fuzz_ctl_dir(void);

/* Opens a server for table on the default loop; one at a time. */
struct ctl_server *fuzz_ctl_open(const struct ctl_cmd *table, size_t n,
				 void *arg);
/* Hangs up every client, lets the server see it, and closes the server. */
void fuzz_ctl_close(struct ctl_server *srv);

/*
 * Connects a new client; returns its number, or -1 when all are in use or
 * the server accepts no more.
 */
int fuzz_ctl_connect(void);
/* Sends bytes from client c as they are (what fits without blocking). */
void fuzz_ctl_send(int c, const void *buf, size_t len);
/* Ends client c's input, as a client whose stdin ran out. */
void fuzz_ctl_shutdown(int c);
/* Reads what the server sent client c; false once it has closed. */
bool fuzz_ctl_read(int c);
/* The number of requests client c has seen end ({"ok": ...} lines). */
unsigned fuzz_ctl_answers(int c);
/* Closes client c: a request of its that still runs gets cancelled. */
void fuzz_ctl_hang_up(int c);
/* One turn of the loop, without reading. */
void fuzz_ctl_turn(void);

/*
 * Runs each line of data as a request of its own client to a server for
 * table (see above).
 */
void fuzz_ctl_run(const struct ctl_cmd *table, size_t n, void *arg,
		  const uint8_t *data, size_t size);

/* Where fuzz_ctl_connect() connects: for a server opened elsewhere. */
const char *fuzz_ctl_path(void);
/*
 * The same as fuzz_ctl_run() for a server already open on fuzz_ctl_path()
 * (a daemon's, with all its tables); closes it at the end.
 */
void fuzz_ctl_serve(struct ctl_server *srv, const uint8_t *data, size_t size);

/*
 * Open sockets, and files in fuzz_ctl_dir(), to check that an input left
 * none behind.
 */
int fuzz_ctl_open_fds(void);

#endif
