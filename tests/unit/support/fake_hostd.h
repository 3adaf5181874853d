/*
 * A fake hostd for tests of hostsock's clients: a child process that
 * takes one connection on a control socket (DIR/lab1/h1.sock, node
 * "lab1/h1" under $HOPLAB_RUN_DIR), records the request line and plays a
 * script of replies, passing connection ends by SCM_RIGHTS; between
 * replies it can wait for the test's go-ahead, or for the client to close
 * the control connection. For `socket tcp listen` it makes a listener as
 * hostd does (one end of a SOCK_SEQPACKET pair) and passes connections
 * down it, at most the request's backlog (-q, 16 by default) of them
 * unacknowledged. No cmocka here: every test links this file.
 */
#ifndef HOPLAB_FAKE_HOSTD_H
#define HOPLAB_FAKE_HOSTD_H

#include <netinet/in.h>
#include <stdbool.h>
#include <sys/types.h>
#include <sys/un.h>

#include "hostsock.h"

#define FAKE_NODE "lab1/h1"
#define FAKE_CONNS 2
#define FAKE_WAIT_MS 5000 /* how long the fake waits for the test */
#define FAKE_TIMED_OUT 3  /* its exit status when it waited in vain */

enum fake_act {
	FAKE_END,    /* the fake exits, closing the control connection */
	FAKE_SEND,   /* writes text, with connection end `pass` when not 0 */
	FAKE_GO,     /* waits for fake_hostd_go() */
	FAKE_PAUSE,  /* sleeps 50 ms */
	FAKE_CLOSED, /* waits for the client to close the control connection */
	FAKE_LISTEN, /* makes the listener, writes text with its descriptor */
	FAKE_ACCEPT, /* passes connection `pass` down the listener (below) */
	FAKE_ACKED,  /* waits until all it passed there is acknowledged */
	FAKE_UNLISTENED, /* waits for the client to close the listener */
};

struct fake_step {
	enum fake_act act;
	const char *text;
	int pass; /* 1..FAKE_CONNS: conn[pass - 1][1] goes with the text */
	/*
	 * FAKE_ACCEPT: once fewer than the backlog are unacknowledged, a
	 * message of len bytes, a struct hostsock_accepted of text's
	 * "LOCAL REMOTE" (zero-padded or cut), with the first fds of
	 * conn[pass - 1][1] (the data), status_ch[pass - 1][1] (the status
	 * channel) and the other connection's conn[][1].
	 */
	size_t len;
	int fds;
};

/* Steps of a script, as table rows. */
#define FAKE_DO(a)                                                             \
	{                                                                      \
		.act = (a)                                                     \
	}
#define FAKE_RAW(t, i)                                                         \
	{                                                                      \
		.act = FAKE_SEND, .text = (t), .pass = (i)                     \
	}
#define FAKE_LINE(t) FAKE_RAW(t "\n", 0)
#define FAKE_LINE_FD(t, i) FAKE_RAW(t "\n", i)
#define FAKE_LISTENING(t)                                                      \
	{                                                                      \
		.act = FAKE_LISTEN, .text = t "\n"                             \
	}
/* Connection i, from REMOTE to LOCAL ("LOCAL REMOTE"), as hostd passes it. */
#define FAKE_ACCEPTED(addrs, i)                                                \
	{                                                                      \
		.act = FAKE_ACCEPT, .text = (addrs), .pass = (i),              \
		.len = sizeof(struct hostsock_accepted), .fds = 2              \
	}
/* Connection i in a message of l bytes with n descriptors. */
#define FAKE_MISPASSED(i, l, n)                                                \
	{                                                                      \
		.act = FAKE_ACCEPT, .text = "10.0.0.2:7000 10.0.0.7:5000",     \
		.pass = (i), .len = (l), .fds = (n)                            \
	}

struct fake_hostd {
	char dir[80];
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	int listen_fd;
	/* The fake passes conn[i][1]; the test checks it through conn[i][0]. */
	int conn[FAKE_CONNS][2];
	/*
	 * FAKE_ACCEPT passes status_ch[i][1] as connection i's status channel;
	 * the test writes how the connection ended into status_ch[i][0].
	 */
	int status_ch[FAKE_CONNS][2];
	int request_pipe[2];
	int go_pipe[2];
	int acks_pipe[2];
	pid_t pid;
	int status; /* the fake's exit status, -1 when it was killed */
	int acks;   /* acknowledgement bytes it read on the listener */
	char request[512];
};

/*
 * Makes the control socket in a new directory, set as $HOPLAB_RUN_DIR,
 * and FAKE_CONNS socketpairs of conn_type; -1 on failure.
 */
int fake_hostd_open(struct fake_hostd *f, int conn_type);
/* Stops the fake and removes everything fake_hostd_open made. */
void fake_hostd_close(struct fake_hostd *f);
/* Starts the fake on steps (ending with FAKE_END); -1 on failure. */
int fake_hostd_start(struct fake_hostd *f, const struct fake_step *steps);
/* Lets a fake waiting at FAKE_GO go on. */
void fake_hostd_go(struct fake_hostd *f);
/*
 * Waits for the fake (killing it after twice FAKE_WAIT_MS) and takes the
 * request it read into f->request, its exit status into f->status, the
 * acknowledgements it read into f->acks (-1: none told).
 */
void fake_hostd_finish(struct fake_hostd *f);
/* How many descriptors this process has open. */
int fake_hostd_open_fds(void);

/* "A.B.C.D:PORT" as a struct sockaddr_in; aborts on a mistyped one. */
struct sockaddr_in fake_addr(const char *text);
/* sin as "A.B.C.D:PORT" (in one of a few static buffers), to compare. */
const char *fake_addr_text(const struct sockaddr_in *sin);
/* True when bytes written to fd come out of other, and back. */
bool fake_joined(int fd, int other);

#endif
