/*
 * libhostsock-preload: an unmodified, dynamically linked program's
 * AF_INET and AF_INET6 sockets (SOCK_STREAM and SOCK_DGRAM) served by a
 * running hostd instead of the kernel, through hostsock.
 *
 *   LD_PRELOAD=.../libhostsock-preload.so HOSTSOCK_NODE=NODE program ...
 *
 * HOSTSOCK_NODE names the hostd: the path of its control socket, LAB/NODE
 * or NODE, as hostsock_resolve() takes them. Unset or empty, the library
 * passes every call to the C library, as if it were not there. Other
 * families (AF_UNIX, AF_NETLINK, ...) always go to the kernel; so do the
 * sockets the C library opens for itself (its DNS resolver among them).
 *
 * A socket keeps its descriptor number for life: socket() reserves it
 * with a placeholder (an AF_UNIX socket, whose O_NONBLOCK and FD_CLOEXEC
 * the program may set), and when hostd's descriptor comes (connect,
 * listen, UDP's bind or first use) it is dup3'd onto the number, keeping
 * both flags. A TCP connection is then hostd's SOCK_STREAM socketpair:
 * read, write, poll, epoll, sendfile and splice work on it as they are.
 * UDP datagrams carry hostsock's framing header, so every call that reads
 * or writes a UDP descriptor (read and write included) is translated.
 *
 * connect() asks hostd for the connection's descriptor before the
 * handshake (socket tcp connect -n): the descriptor is in place when
 * connect returns EINPROGRESS on a non-blocking socket, so that poll and
 * epoll watch the right one. It polls writable at once, and data written
 * waits in it until the connection is established; getsockopt(SO_ERROR)
 * waits for the handshake's outcome on the connection's status channel
 * when that is not known yet. A refused or failed connect also reads as
 * end of file and polls hung up. A blocking connect waits for the outcome
 * and returns it. The status channel also tells SO_ERROR a reset.
 *
 * An AF_INET6 socket is dual-stack as on Linux: bound to :: it takes IPv4
 * peers, which it sees as ::ffff:a.b.c.d, and it connects to v4-mapped
 * addresses; other IPv6 addresses fail (EADDRNOTAVAIL to bind,
 * ENETUNREACH to connect), as IPV6_V6ONLY sockets do for any address.
 *
 * fork needs nothing: the child has the table with its memory. exec
 * (execve, execv, execvp, execvpe, execl, execlp, execle, fexecve) passes
 * the state of the sockets the new program inherits (those without
 * FD_CLOEXEC) in the environment variable HOSTSOCK_PRELOAD_FDS, which
 * the library reads and removes when it starts in the new program; their
 * status channels are inherited for that. posix_spawn, system and popen
 * pass none: a socket inherited that way is a bare socketpair.
 *
 * TCP_INFO asks hostd (show sockets) for the connection's state, MSS,
 * congestion window, smoothed RTT, RTO and retransmissions; its other
 * fields are 0.
 *
 * Not supported, and failing rather than pretending: other socket types
 * (SOCK_RAW: EOPNOTSUPP), options beyond those preload_opt.c lists
 * (ENOPROTOOPT; TCP_MAXSEG, TCP_MD5SIG, TCP_CONGESTION among them),
 * MSG_OOB.
 * Options kept but without effect in hostd: SO_KEEPALIVE and the
 * TCP_KEEP* knobs, TCP_NODELAY, SO_LINGER, IP_TOS, IP_TTL. A TCP bind()
 * is checked by hostd only at listen or connect (EADDRINUSE shows there);
 * listen on port 0 picks a port in the library, after bind() returned.
 * Descriptors numbered PL_FD_MAX or above are never served (EMFILE).
 */
#include "preload_sys.h"

#include <dlfcn.h>
#include <fcntl.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "hostsock.h"
#include "hostsock_int.h"

struct pl_real pl_real;
char pl_node[4096];
__thread int pl_inside __attribute__((tls_model("initial-exec")));
volatile int pl_ready;

static pthread_mutex_t pl_mutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t pl_once = PTHREAD_ONCE_INIT;

#define PL_BACKLOG_MAX 4096 /* hostd's limit */
#define PL_PORT_MIN 49152   /* where listen picks a port for port 0 */
#define PL_PORT_TRIES 32
#define PL_ROWS_MAX (1024 * 1024) /* the longest show sockets we read */

void
pl_lock(void)
{
	pthread_mutex_lock(&pl_mutex);
}

void
pl_unlock(void)
{
	pthread_mutex_unlock(&pl_mutex);
}

/* A fork must not leave the child a lock held by another thread. */
static void
pl_fork_child(void)
{
	pthread_mutex_init(&pl_mutex, NULL);
}

#define PL_SYM(name) pl_sym((void **)&pl_real.name, #name)

static void
pl_sym(void **slot, const char *name)
{
	*slot = dlsym(RTLD_NEXT, name);
}

/* The inherited descriptor fd is usable if it is open and a socket. */
static bool
pl_usable(int fd, void *arg)
{
	int type;
	socklen_t len = sizeof(type);

	(void)arg;
	return pl_real.getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) == 0;
}

static void
pl_init_once(void)
{
	const char *node = getenv("HOSTSOCK_NODE"), *fds;

	PL_SYM(socket), PL_SYM(bind), PL_SYM(listen), PL_SYM(accept);
	PL_SYM(accept4), PL_SYM(connect), PL_SYM(getsockname);
	PL_SYM(getpeername), PL_SYM(shutdown), PL_SYM(setsockopt);
	PL_SYM(getsockopt), PL_SYM(send), PL_SYM(sendto), PL_SYM(sendmsg);
	PL_SYM(sendmmsg), PL_SYM(recv), PL_SYM(recvfrom), PL_SYM(recvmsg);
	PL_SYM(recvmmsg), PL_SYM(read), PL_SYM(readv), PL_SYM(write);
	PL_SYM(writev), PL_SYM(close), PL_SYM(close_range), PL_SYM(closefrom);
	PL_SYM(dup), PL_SYM(dup2), PL_SYM(dup3), PL_SYM(fcntl);
	PL_SYM(fcntl64), PL_SYM(execve), PL_SYM(execvpe), PL_SYM(fexecve);
	pl_sym((void **)&pl_real.read_chk, "__read_chk");
	pl_sym((void **)&pl_real.recv_chk, "__recv_chk");
	pl_sym((void **)&pl_real.recvfrom_chk, "__recvfrom_chk");
	if (!pl_real.fcntl64)
		pl_real.fcntl64 = pl_real.fcntl;
	pl_table_set_close(pl_real.close);
	pthread_atfork(NULL, NULL, pl_fork_child);
	if (node && *node) {
		pl_inside++;
		if (hostsock_resolve(node, pl_node, sizeof(pl_node)) < 0)
			snprintf(pl_node, sizeof(pl_node), "%s", node);
		pl_inside--;
	}
	fds = getenv(PL_ENV_FDS);
	if (fds && pl_node[0]) {
		pl_lock();
		pl_env_parse(fds, pl_usable, NULL);
		pl_unlock();
	}
	if (fds)
		unsetenv(PL_ENV_FDS);
	pl_ready = 1;
}

void
pl_init(void)
{
	pthread_once(&pl_once, pl_init_once);
}

__attribute__((constructor)) static void
pl_start(void)
{
	pl_init();
}

struct pl_sock *
pl_hold(int fd)
{
	struct pl_sock *s;

	if (fd < 0 || fd >= PL_FD_MAX)
		return NULL;
	pl_lock();
	s = pl_table_get(fd);
	if (s)
		pl_sock_hold(s);
	pl_unlock();
	return s;
}

void
pl_release(struct pl_sock *s)
{
	pl_lock();
	pl_sock_drop(s);
	pl_unlock();
}

/* The buffer sizes and timeouts given to the descriptor, again. */
static void
pl_reapply(const struct pl_sock *s, int fd)
{
	const struct timeval zero = {0};

	if (s->opt.rcvbuf)
		pl_real.setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &s->opt.rcvbuf,
				   sizeof(int));
	if (s->opt.sndbuf)
		pl_real.setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &s->opt.sndbuf,
				   sizeof(int));
	if (memcmp(&s->opt.rcvtimeo, &zero, sizeof(zero)))
		pl_real.setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO,
				   &s->opt.rcvtimeo, sizeof(zero));
	if (memcmp(&s->opt.sndtimeo, &zero, sizeof(zero)))
		pl_real.setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO,
				   &s->opt.sndtimeo, sizeof(zero));
}

/* The caller holds the lock. */
int
pl_install(struct pl_sock *s, int nfd)
{
	int placed = 0, nonblock = 0, err = EBADF;

	pl_reapply(s, nfd);
	for (int fd = 0; fd < pl_table_end(); fd++) {
		int fl, fdfl;

		if (pl_table_get(fd) != s)
			continue;
		fl = pl_real.fcntl(fd, F_GETFL);
		fdfl = pl_real.fcntl(fd, F_GETFD);
		if (fl < 0 || fdfl < 0)
			continue;
		nonblock |= fl & O_NONBLOCK;
		if (pl_real.dup3(nfd, fd, (fdfl & FD_CLOEXEC) ? O_CLOEXEC : 0) <
		    0) {
			err = errno;
			continue;
		}
		placed++;
	}
	/* O_NONBLOCK belongs to the open file: hostd's is a new one. */
	if (nonblock)
		pl_real.fcntl(nfd, F_SETFL,
			      pl_real.fcntl(nfd, F_GETFL) | O_NONBLOCK);
	pl_real.close(nfd);
	return placed ? 0 : pl_fail(err);
}

/* --- socket --------------------------------------------------------------- */

PL_EXPORT int
socket(int domain, int type, int protocol)
{
	int base = type & ~(SOCK_NONBLOCK | SOCK_CLOEXEC), fd;
	int want = base == SOCK_STREAM ? IPPROTO_TCP : IPPROTO_UDP;
	struct pl_sock *s;

	if (!pl_on() || (domain != AF_INET && domain != AF_INET6))
		return pl_real.socket(domain, type, protocol);
	if (base == SOCK_RAW)
		return pl_fail(EOPNOTSUPP);
	if (base != SOCK_STREAM && base != SOCK_DGRAM)
		return pl_fail(ESOCKTNOSUPPORT);
	if (protocol != 0 && protocol != want)
		return pl_fail(EPROTONOSUPPORT);
	fd = pl_real.socket(AF_UNIX, base | (type & ~base), 0);
	if (fd < 0)
		return -1;
	s = pl_sock_new(domain, base, protocol);
	pl_lock();
	if (!s || pl_table_put(fd, s) < 0) {
		pl_unlock();
		free(s);
		pl_real.close(fd);
		return pl_fail(s ? EMFILE : ENOBUFS);
	}
	pl_unlock();
	return fd;
}

/* --- TCP: connect, and what the status channel says ------------------------
 */

/*
 * Brings a connecting socket up to date from its status channel, waiting
 * for the outcome when wait is set: 0, or EINTR when a signal came first.
 */
static int
pl_tcp_settle(struct pl_sock *s, bool wait)
{
	struct pollfd p = {.events = POLLIN};
	int r;

	pl_lock();
	p.fd = s->state == PL_CONNECTING ? s->status_fd : -1;
	pl_unlock();
	if (p.fd < 0)
		return 0;
	if (wait && poll(&p, 1, -1) < 0)
		return errno;
	r = hostsock_tcp_connect_result(p.fd, 0);
	if (r < 0 && errno == EAGAIN)
		return 0;
	pl_lock();
	if (s->state == PL_CONNECTING && s->status_fd == p.fd) {
		s->state = r == 0 ? PL_CONNECTED : PL_FAILED;
		s->err = r > 0 ? r : r < 0 ? ECONNABORTED : 0;
	}
	pl_unlock();
	return 0;
}

/* How a connected socket's connection ended, for SO_ERROR, once told. */
static void
pl_tcp_check_end(struct pl_sock *s)
{
	struct pollfd p = {.events = POLLIN};
	int r;

	pl_lock();
	p.fd = s->state == PL_CONNECTED && !s->ended ? s->status_fd : -1;
	pl_unlock();
	if (p.fd < 0 || poll(&p, 1, 0) != 1)
		return;
	r = hostsock_tcp_status(p.fd);
	pl_lock();
	s->ended = true;
	if (r > 0)
		s->err = r;
	pl_unlock();
}

/* The outcome of a connect that is under way: EALREADY, 0 or the errno. */
static int
pl_tcp_outcome(struct pl_sock *s)
{
	int err;

	pl_lock();
	err = s->state == PL_CONNECTING	 ? EALREADY
	      : s->state == PL_CONNECTED ? 0
	      : s->err			 ? s->err
					 : ECONNABORTED;
	if (s->state == PL_FAILED)
		s->err = 0;
	pl_unlock();
	return err;
}

static int
pl_tcp_connect(struct pl_sock *s, int fd, const struct sockaddr *sa,
	       socklen_t len)
{
	struct sockaddr_in peer, local = {0}, bind_to;
	enum pl_state state;
	int err, nfd, status = -1;
	bool bound;

	pl_lock();
	err = pl_addr_from_app(s->family, s->opt.v6only, sa, len, PL_CONNECT,
			       &peer);
	state = s->state;
	bound = s->bound;
	bind_to = s->local;
	pl_unlock();
	if (err)
		return err == PL_ADDR_UNSPEC ? EOPNOTSUPP : err;
	if (state == PL_CONNECTING) {
		pl_tcp_settle(s, false);
		return pl_tcp_outcome(s);
	}
	if (state == PL_CONNECTED || state == PL_LISTENING)
		return EISCONN;
	if (!peer.sin_port)
		return ECONNREFUSED;
	if (!peer.sin_addr.s_addr) /* as Linux: 0.0.0.0 is this host */
		peer.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	nfd = hostsock_tcp_connect_start(pl_node, bound ? &bind_to : NULL,
					 &peer, 0, &local, &status);
	if (nfd < 0)
		return errno;
	pl_lock();
	if (s->status_fd >= 0)
		pl_real.close(s->status_fd);
	s->status_fd = status;
	s->state = PL_CONNECTING;
	s->local = local;
	s->peer = peer;
	s->has_peer = true;
	s->ended = false;
	s->err = 0;
	err = pl_install(s, nfd) < 0 ? errno : 0;
	pl_unlock();
	if (err)
		return err;
	if (pl_real.fcntl(fd, F_GETFL) & O_NONBLOCK)
		return EINPROGRESS;
	err = pl_tcp_settle(s, true);
	return err ? err : pl_tcp_outcome(s);
}

static int
pl_udp_connect(struct pl_sock *s, int fd, const struct sockaddr *sa,
	       socklen_t len)
{
	struct sockaddr_in peer;
	int err;

	pl_lock();
	err = pl_addr_from_app(s->family, s->opt.v6only, sa, len, PL_CONNECT,
			       &peer);
	pl_unlock();
	if (err && err != PL_ADDR_UNSPEC)
		return err;
	if (err == PL_ADDR_UNSPEC) {
		memset(&peer, 0, sizeof(peer));
	} else {
		if (!peer.sin_port)
			return EINVAL;
		if (!peer.sin_addr.s_addr)
			peer.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	}
	err = pl_udp_open(s);
	if (err)
		return err;
	if (hostsock_udp_connect(fd, peer.sin_port ? &peer : NULL) < 0)
		return errno;
	pl_lock();
	s->peer = peer;
	s->has_peer = peer.sin_port != 0;
	pl_unlock();
	return 0;
}

PL_EXPORT int
connect(int fd, __CONST_SOCKADDR_ARG addr, socklen_t len)
{
	struct pl_sock *s;
	int err;

	if (!pl_on() || !(s = pl_hold(fd)))
		return pl_real.connect(fd, addr.__sockaddr__, len);
	pl_inside++;
	err = s->type == SOCK_STREAM
		  ? pl_tcp_connect(s, fd, addr.__sockaddr__, len)
		  : pl_udp_connect(s, fd, addr.__sockaddr__, len);
	pl_release(s);
	pl_inside--;
	return pl_fail(err);
}

/* --- bind, listen, accept ----------------------------------------------------
 */

int
pl_udp_open(struct pl_sock *s)
{
	struct sockaddr_in bind_to, bound = {0};
	int flags = HOSTSOCK_FRAMED, nfd, err = 0;

	pl_lock();
	if (s->state == PL_UDP) {
		pl_unlock();
		return 0;
	}
	bind_to = s->local;
	if (s->opt.reuseaddr || s->opt.reuseport)
		flags |= HOSTSOCK_REUSE;
	pl_unlock();
	nfd = hostsock_udp(pl_node, &bind_to, NULL, flags, &bound);
	if (nfd < 0 && errno == ECONNREFUSED && hostsock_named_errno())
		return hostsock_named_errno();
	if (nfd < 0)
		return errno;
	pl_lock();
	if (s->state == PL_UDP) {
		pl_real.close(nfd); /* another thread was first */
	} else {
		s->state = PL_UDP;
		s->local = bound;
		err = pl_install(s, nfd) < 0 ? errno : 0;
	}
	pl_unlock();
	return err;
}

static int
pl_bind(struct pl_sock *s, const struct sockaddr *sa, socklen_t len)
{
	struct sockaddr_in a;
	int err;

	pl_lock();
	err = pl_addr_from_app(s->family, s->opt.v6only, sa, len, PL_BIND, &a);
	if (!err && (s->bound || s->state != PL_FRESH))
		err = EINVAL;
	if (!err) {
		s->bound = true;
		s->local = a;
	}
	pl_unlock();
	if (err || s->type == SOCK_STREAM)
		return err;
	err = pl_udp_open(s);
	if (err) {
		pl_lock();
		s->bound = false;
		memset(&s->local.sin_addr, 0, sizeof(s->local.sin_addr));
		s->local.sin_port = 0;
		pl_unlock();
	}
	return err;
}

PL_EXPORT int
bind(int fd, __CONST_SOCKADDR_ARG addr, socklen_t len)
{
	struct pl_sock *s;
	int err;

	if (!pl_on() || !(s = pl_hold(fd)))
		return pl_real.bind(fd, addr.__sockaddr__, len);
	pl_inside++;
	err = pl_bind(s, addr.__sockaddr__, len);
	pl_release(s);
	pl_inside--;
	return pl_fail(err);
}

/* A port for a listener bound to port 0, from the ephemeral range. */
static uint16_t
pl_pick_port(void)
{
	static unsigned seed;
	struct timespec t;

	if (!seed) {
		clock_gettime(CLOCK_MONOTONIC, &t);
		seed = (unsigned)t.tv_nsec ^ (unsigned)getpid() << 16;
	}
	seed = seed * 1103515245u + 12345u;
	return (uint16_t)(PL_PORT_MIN + (seed >> 8) % (65536 - PL_PORT_MIN));
}

static int
pl_listen(struct pl_sock *s, int backlog)
{
	struct sockaddr_in a, got = {0};
	enum pl_state state;
	int lfd = -1, err;

	pl_lock();
	state = s->state;
	a = s->local;
	pl_unlock();
	if (s->type != SOCK_STREAM)
		return EOPNOTSUPP;
	if (state == PL_LISTENING)
		return 0;
	if (state != PL_FRESH)
		return EINVAL;
	backlog = backlog < 1		     ? 1
		  : backlog > PL_BACKLOG_MAX ? PL_BACKLOG_MAX
					     : backlog;
	if (a.sin_port) {
		lfd = hostsock_tcp_listen(pl_node, &a, backlog, &got);
	} else {
		for (int i = 0; i < PL_PORT_TRIES; i++) {
			a.sin_port = htons(pl_pick_port());
			lfd = hostsock_tcp_listen(pl_node, &a, backlog, &got);
			if (lfd >= 0 || errno != EADDRINUSE)
				break;
		}
	}
	if (lfd < 0)
		return errno;
	pl_lock();
	s->state = PL_LISTENING;
	s->local = got;
	s->bound = true;
	err = pl_install(s, lfd) < 0 ? errno : 0;
	pl_unlock();
	return err;
}

PL_EXPORT int
listen(int fd, int backlog)
{
	struct pl_sock *s;
	int err;

	if (!pl_on() || !(s = pl_hold(fd)))
		return pl_real.listen(fd, backlog);
	pl_inside++;
	err = pl_listen(s, backlog);
	pl_release(s);
	pl_inside--;
	return pl_fail(err);
}

/* The accepted connection cfd (status channel status) as a socket of the
 * table, like the listener's; 0 or errno. */
static int
pl_accepted(struct pl_sock *l, int cfd, int status,
	    const struct sockaddr_in *local, const struct sockaddr_in *peer)
{
	struct pl_sock *c = pl_sock_new(l->family, SOCK_STREAM, l->protocol);
	int err = 0;

	pl_lock();
	if (!c || pl_table_put(cfd, c) < 0) {
		err = c ? EMFILE : ENOBUFS;
		free(c);
	} else {
		c->opt = l->opt; /* as Linux, the listener's options */
		c->state = PL_CONNECTED;
		c->status_fd = status;
		c->local = *local;
		c->peer = *peer;
		c->bound = c->has_peer = true;
	}
	pl_unlock();
	return err;
}

/* accept4 on a listener: the new descriptor, or -errno. */
static int
pl_accept(struct pl_sock *s, int fd, struct sockaddr *sa, socklen_t *len,
	  int flags)
{
	struct sockaddr_in peer, local;
	struct pollfd p = {.fd = fd, .events = POLLIN};
	int cfd, status = -1, err;

	if (flags & ~(SOCK_NONBLOCK | SOCK_CLOEXEC))
		return -EINVAL;
	if (s->state != PL_LISTENING)
		return -EINVAL;
	if (sa && (!len || (int)*len < 0))
		return len ? -EINVAL : -EFAULT;
	/* Wait here, where a signal may interrupt it as accept's wait. */
	if (!(pl_real.fcntl(fd, F_GETFL) & O_NONBLOCK) && poll(&p, 1, -1) < 0)
		return -errno;
	cfd = hostsock_accept(fd, &peer, &local, &status);
	if (cfd < 0)
		return -errno;
	if (!(flags & SOCK_CLOEXEC))
		pl_real.fcntl(cfd, F_SETFD, 0);
	if (flags & SOCK_NONBLOCK)
		pl_real.fcntl(cfd, F_SETFL, O_NONBLOCK);
	err = pl_accepted(s, cfd, status, &local, &peer);
	if (err) {
		pl_real.close(cfd);
		pl_real.close(status);
		return -err;
	}
	pl_addr_to_app(s->family, &peer, sa, len);
	return cfd;
}

PL_EXPORT int
accept4(int fd, __SOCKADDR_ARG addr, socklen_t *len, int flags)
{
	struct pl_sock *s;
	int r;

	if (!pl_on() || !(s = pl_hold(fd)))
		return pl_real.accept4(fd, addr.__sockaddr__, len, flags);
	pl_inside++;
	r = pl_accept(s, fd, addr.__sockaddr__, len, flags);
	pl_release(s);
	pl_inside--;
	return r < 0 ? pl_fail(-r) : r;
}

PL_EXPORT int
accept(int fd, __SOCKADDR_ARG addr, socklen_t *len)
{
	return accept4(fd, addr, len, 0);
}

/* --- names, options, shutdown ------------------------------------------------
 */

static int
pl_name(struct pl_sock *s, struct sockaddr *sa, socklen_t *len, bool peer)
{
	struct sockaddr_in a;
	int err = 0;

	if (!sa || !len)
		return EFAULT;
	if ((int)*len < 0)
		return EINVAL;
	if (peer && s->type == SOCK_STREAM)
		pl_tcp_settle(s, false);
	pl_lock();
	if (peer && (!s->has_peer ||
		     (s->type == SOCK_STREAM && s->state != PL_CONNECTED)))
		err = ENOTCONN;
	a = peer ? s->peer : s->local;
	pl_unlock();
	if (!err)
		pl_addr_to_app(s->family, &a, sa, len);
	return err;
}

PL_EXPORT int
getsockname(int fd, __SOCKADDR_ARG addr, socklen_t *len)
{
	struct pl_sock *s;
	int err;

	if (!pl_on() || !(s = pl_hold(fd)))
		return pl_real.getsockname(fd, addr.__sockaddr__, len);
	pl_inside++;
	err = pl_name(s, addr.__sockaddr__, len, false);
	pl_release(s);
	pl_inside--;
	return pl_fail(err);
}

PL_EXPORT int
getpeername(int fd, __SOCKADDR_ARG addr, socklen_t *len)
{
	struct pl_sock *s;
	int err;

	if (!pl_on() || !(s = pl_hold(fd)))
		return pl_real.getpeername(fd, addr.__sockaddr__, len);
	pl_inside++;
	err = pl_name(s, addr.__sockaddr__, len, true);
	pl_release(s);
	pl_inside--;
	return pl_fail(err);
}

PL_EXPORT int
setsockopt(int fd, int level, int name, const void *val, socklen_t len)
{
	struct pl_sock *s;
	int r;

	if (!pl_on() || !(s = pl_hold(fd)))
		return pl_real.setsockopt(fd, level, name, val, len);
	pl_lock();
	r = pl_opt_set(s, level, name, val, len);
	pl_unlock();
	pl_release(s);
	if (r == PL_OPT_PASS)
		return pl_real.setsockopt(fd, level, name, val, len);
	return pl_fail(r);
}

/*
 * TCP_INFO, from hostd's row of the connection in show sockets (see
 * pl_tcp_info_parse): 0, or ENOPROTOOPT when hostd did not answer.
 */
static int
pl_tcp_info(struct pl_sock *s, void *val, socklen_t *len)
{
	struct sockaddr_in local, peer;
	struct tcp_info ti = {.tcpi_state = TCP_CLOSE};
	char *rows = NULL;
	bool connected;
	int ctl = -1, err = 0;

	if (!val || !len)
		return EFAULT;
	if ((int)*len < 0)
		return EINVAL;
	pl_lock();
	local = s->local;
	peer = s->peer;
	connected = s->has_peer && s->state != PL_FAILED;
	pl_unlock();
	if (connected) {
		rows = malloc(PL_ROWS_MAX);
		if (rows)
			ctl = hostsock_request(pl_node, "show sockets\n");
		if (ctl < 0 ||
		    hostsock_read_line(ctl, rows, PL_ROWS_MAX, NULL) != 1)
			err = ENOPROTOOPT;
		else
			pl_tcp_info_parse(rows, &local, &peer, &ti);
		if (ctl >= 0)
			pl_real.close(ctl);
		free(rows);
	}
	if (!err) {
		*len = *len < sizeof(ti) ? *len : (socklen_t)sizeof(ti);
		memcpy(val, &ti, *len);
	}
	return err;
}

PL_EXPORT int
getsockopt(int fd, int level, int name, void *val, socklen_t *len)
{
	struct pl_sock *s;
	int r;

	if (!pl_on() || !(s = pl_hold(fd)))
		return pl_real.getsockopt(fd, level, name, val, len);
	pl_inside++;
	if (level == SOL_SOCKET && name == SO_ERROR && s->type == SOCK_STREAM) {
		/* The outcome of a connect, waited for if need be. */
		while (pl_tcp_settle(s, true) == EINTR)
			;
		pl_tcp_check_end(s);
	}
	if (level == IPPROTO_TCP && name == TCP_INFO &&
	    s->type == SOCK_STREAM) {
		r = pl_tcp_info(s, val, len);
	} else {
		pl_lock();
		r = pl_opt_get(s, level, name, val, len);
		pl_unlock();
	}
	pl_release(s);
	pl_inside--;
	if (r == PL_OPT_PASS)
		return pl_real.getsockopt(fd, level, name, val, len);
	return pl_fail(r);
}

static int
pl_shutdown(struct pl_sock *s, int fd, int how)
{
	enum pl_state state;
	bool peer;

	if (how != SHUT_RD && how != SHUT_WR && how != SHUT_RDWR)
		return EINVAL;
	pl_lock();
	state = s->state;
	peer = s->has_peer;
	pl_unlock();
	switch (state) {
	case PL_LISTENING:
		return pl_real.shutdown(fd, how) < 0 ? errno : 0;
	case PL_CONNECTING:
	case PL_CONNECTED:
		/* Reading stops at the application: hostd's side must not
		 * see its sends fail. Writing ends with our FIN. */
		if (how == SHUT_RD)
			return 0;
		return pl_real.shutdown(fd, SHUT_WR) < 0 ? errno : 0;
	case PL_UDP:
		return peer ? 0 : ENOTCONN;
	default:
		return ENOTCONN;
	}
}

PL_EXPORT int
shutdown(int fd, int how)
{
	struct pl_sock *s;
	int err;

	if (!pl_on() || !(s = pl_hold(fd)))
		return pl_real.shutdown(fd, how);
	pl_inside++;
	err = pl_shutdown(s, fd, how);
	pl_release(s);
	pl_inside--;
	return pl_fail(err);
}
