/*
 * libhostsock-preload's internals: what the library knows of each socket
 * it serves, and the parts of the translation that do no I/O (addresses,
 * options, the descriptor table and its form in the environment across
 * exec), so that they can be tested alone. preload.c has the interposed
 * calls.
 */
#ifndef HOPLAB_PRELOAD_H
#define HOPLAB_PRELOAD_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/time.h>

/* Descriptors at or above this number are never the library's. */
#define PL_FD_MAX 65536

/* The environment variable that carries the table across exec. */
#define PL_ENV_FDS "HOSTSOCK_PRELOAD_FDS"

enum pl_state {
	PL_FRESH,      /* socket(): a placeholder holds the number */
	PL_CONNECTING, /* TCP: hostd's descriptor, the handshake under way */
	PL_CONNECTED,  /* TCP: connected or accepted */
	PL_FAILED,     /* TCP: the connect failed; it may connect again */
	PL_LISTENING,  /* TCP: hostd's listening descriptor */
	PL_UDP,	       /* UDP: hostd's framed descriptor */
};

/* Options kept by the library; applied to the descriptor when passed. */
struct pl_opts {
	int reuseaddr, reuseport, keepalive, broadcast;
	int nodelay, quickack, keepidle, keepintvl, keepcnt;
	int tos, ttl, v6only, tclass;
	struct linger linger;
	/* given to the descriptor, and again to hostd's when it comes */
	int rcvbuf, sndbuf; /* 0: not set */
	struct timeval rcvtimeo, sndtimeo;
};

struct pl_sock {
	int refs;   /* descriptors naming it, and callers holding it */
	int family; /* AF_INET or AF_INET6, as the application sees it */
	int type;   /* SOCK_STREAM or SOCK_DGRAM */
	int protocol;
	enum pl_state state;
	int status_fd; /* TCP: the connection's status channel, or -1 */
	int err;       /* the error SO_ERROR reports next */
	bool bound;    /* local was given by bind() */
	bool has_peer; /* peer is set: TCP connected, UDP connect() */
	bool ended;    /* TCP: the status channel told the end already */
	struct sockaddr_in local, peer;
	struct pl_opts opt;
};

/* --- addresses (preload_addr.c) --- */

enum pl_use { PL_BIND, PL_CONNECT };

#define PL_ADDR_UNSPEC (-1) /* connect() to AF_UNSPEC: dissolve */

/*
 * The IPv4 address and port of an application's address sa (len bytes)
 * for a socket of family (AF_INET6 sockets: v4-mapped addresses, or ::
 * for any when binding): 0, PL_ADDR_UNSPEC, or the errno the kernel would
 * give (EFAULT, EINVAL, EAFNOSUPPORT; EADDRNOTAVAIL for an IPv6 address
 * to bind, ENETUNREACH for one to connect to: hostd has no IPv6).
 */
int pl_addr_from_app(int family, bool v6only, const struct sockaddr *sa,
		     socklen_t len, enum pl_use use, struct sockaddr_in *out);

/*
 * Writes sin as an address of family (AF_INET6: v4-mapped, 0.0.0.0 as
 * ::) into sa, cut to *len bytes as the kernel cuts it, and sets *len to
 * the whole length. Nothing when sa or len is NULL.
 */
void pl_addr_to_app(int family, const struct sockaddr_in *sin,
		    struct sockaddr *sa, socklen_t *len);

/* --- options (preload_opt.c) --- */

/* pl_opt_set also gives the option to the descriptor. */
#define PL_OPT_PASS (-1)

/*
 * setsockopt on s: 0 (kept), PL_OPT_PASS (kept, and to be given to the
 * descriptor as well), or the errno the call fails with (ENOPROTOOPT for
 * what the library does not support, EINVAL, EFAULT).
 */
int pl_opt_set(struct pl_sock *s, int level, int name, const void *val,
	       socklen_t len);

/*
 * getsockopt on s for what the library keeps or knows (SO_TYPE,
 * SO_DOMAIN, SO_PROTOCOL, SO_ACCEPTCONN; SO_ERROR as s->err, cleared):
 * 0, PL_OPT_PASS (ask the descriptor), or the errno.
 */
int pl_opt_get(struct pl_sock *s, int level, int name, void *val,
	       socklen_t *len);

/*
 * TCP_INFO for the connection local -> peer from hostd's `show sockets`
 * reply line rows: its state, MSS, congestion window (in segments), smoothed
 * RTT, RTO and retransmissions so far; the rest 0. 0, or -1 (ti says
 * TCP_CLOSE) when rows has no such connection.
 */
struct tcp_info;
int pl_tcp_info_parse(const char *rows, const struct sockaddr_in *local,
		      const struct sockaddr_in *peer, struct tcp_info *ti);

/* --- the table (preload_table.c); the caller holds the lock --- */

/* A new socket of no descriptor yet, or NULL. */
struct pl_sock *pl_sock_new(int family, int type, int protocol);
/* Holds s for a while (s->refs++). */
void pl_sock_hold(struct pl_sock *s);
/* Lets go of s: at the last reference its status channel is closed with
 * close_fd and it is freed. */
void pl_sock_drop(struct pl_sock *s);

/* How the table closes status channels (libc's close by default). */
void pl_table_set_close(int (*close_fd)(int));
/* The socket of fd, or NULL. */
struct pl_sock *pl_table_get(int fd);
/* fd names s from now on (one more reference); what it named before is
 * dropped. -1 with EMFILE when fd is out of range. */
int pl_table_put(int fd, struct pl_sock *s);
/* fd names nothing any more. */
void pl_table_clear(int fd);
/* to names what from names (or nothing). */
void pl_table_dup(int from, int to);
/* The type of fd's socket (SOCK_STREAM, SOCK_DGRAM), 0 for none; safe
 * without the lock, for the data path. */
int pl_table_type(int fd);
/* The highest descriptor that may name a socket, plus one. */
int pl_table_end(void);
/* Empties the table (for tests). */
void pl_table_reset(void);

/*
 * The table as the value of PL_ENV_FDS for a new program: the sockets of
 * the descriptors for which inherited(fd, arg) is true. Length written
 * (without the NUL), or -1 when it does not fit in len.
 */
int pl_env_format(char *buf, size_t len, bool (*inherited)(int fd, void *arg),
		  void *arg);
/*
 * Fills the table from a value of PL_ENV_FDS, taking the descriptors for
 * which usable(fd, arg) is true. The number of descriptors taken, or -1
 * at the first malformed entry (those before it are taken).
 */
int pl_env_parse(const char *text, bool (*usable)(int fd, void *arg),
		 void *arg);

#endif
