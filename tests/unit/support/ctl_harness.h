/*
 * For unit tests of the control socket: a real server in a private
 * temporary directory on a loop of its own, and clients that talk to it
 * over real connections as hopctl does. A client reads reply lines while
 * the server's loop is pumped, and every wait has a deadline, so a test
 * that goes wrong fails instead of hanging. Nothing here asserts: the
 * calls return NULL or -1 and the test decides.
 */
#ifndef HOPLAB_CTL_HARNESS_H
#define HOPLAB_CTL_HARNESS_H

#include <ev.h>
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/un.h>

#include "ctl.h"

#define CTL_HARNESS_DEADLINE_MS 3000

struct ctl_harness {
	struct ev_loop *loop;
	struct ctl_server *srv;
	const struct ctl_cmd *table;
	size_t n;
	void *arg;
	char dir[80]; /* short enough for the socket's path in sun_path */
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
};

struct ctl_client {
	int fd;
	int passed_fd; /* the last descriptor received by SCM_RIGHTS, or -1 */
	bool eof;
	size_t len; /* bytes in buf not yet taken as lines */
	char buf[64 * 1024];
};

/*
 * Makes the directory and opens a server for table there, with arg for
 * its handlers; -1 with the reason on stderr.
 */
int ctl_harness_open(struct ctl_harness *h, const struct ctl_cmd *table,
		     size_t n, void *arg);
/* Opens the server at h->path again, after h->srv was closed. */
struct ctl_server *ctl_harness_reopen(struct ctl_harness *h, char *err,
				      size_t errlen);
/* Closes the server if it is open, removes the directory and the loop. */
void ctl_harness_close(struct ctl_harness *h);
/* path inside the directory, as DIR/name. */
void ctl_harness_file(const struct ctl_harness *h, const char *name, char *path,
		      size_t len);

/* One turn of the server's loop, then what client c (may be NULL) can read
 * after waiting a few milliseconds for it. */
void ctl_harness_pump(struct ctl_harness *h, struct ctl_client *c);
void ctl_harness_pump_for(struct ctl_harness *h, struct ctl_client *c, int ms);
/* Pumps until *counter reaches want or the deadline passes; *counter. */
int ctl_harness_pump_until(struct ctl_harness *h, struct ctl_client *c,
			   const int *counter, int want);

/* A client connected to the server; NULL on failure. */
struct ctl_client *ctl_client_open(const struct ctl_harness *h);
void ctl_client_close(struct ctl_client *c);
/* Sends all of data; -1 when it could not. */
int ctl_client_send(struct ctl_client *c, const void *data, size_t len);
/* The next reply line, parsed; NULL at end of file, past the deadline or
 * for a line that is not JSON. */
json_t *ctl_client_line(struct ctl_harness *h, struct ctl_client *c);
/* The lines of the next reply as an array, through its closing
 * {"ok":...}; NULL if the reply never closes. */
json_t *ctl_client_reply(struct ctl_harness *h, struct ctl_client *c);
/* Sends text and returns its reply, as ctl_client_reply. */
json_t *ctl_client_request(struct ctl_harness *h, struct ctl_client *c,
			   const char *text);
/* The same on a connection of its own, closed afterwards. */
json_t *ctl_harness_request(struct ctl_harness *h, const char *text);

/* A reply's closing line, and what it says. */
json_t *ctl_reply_end(json_t *reply);
bool ctl_reply_ok(json_t *reply);
/* The error of a failed reply, or NULL. */
const char *ctl_reply_error(json_t *reply);
bool ctl_reply_usage(json_t *reply);
/* The "text" of line i, or NULL. */
const char *ctl_reply_text(json_t *reply, size_t i);

#endif
