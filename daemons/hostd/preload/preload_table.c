/*
 * The library's descriptor table: each descriptor number names a socket
 * (struct pl_sock), as each names an open file in the kernel; dup'd
 * descriptors name the same one, which goes with the last of them. A
 * forked child has a copy of it with its memory. Across exec it travels
 * in the environment (PL_ENV_FDS) as a list of entries separated by ',':
 *
 *   FD:STATE:FAMILY:TYPE:STATUS:LOCAL:PEER:FLAGS   a socket
 *   FD@FIRST                                       FD names FIRST's socket
 *
 * STATE is one letter (f c e x l u: fresh, connecting, established,
 * failed, listening, udp), STATUS the status channel's descriptor or -1,
 * LOCAL and PEER are HEXADDR.PORT (address in network byte order as hex,
 * port in decimal), FLAGS a hex mask of PL_ENV_* below.
 */
#include "preload.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PL_ENV_BOUND 0x1
#define PL_ENV_PEER 0x2
#define PL_ENV_V6ONLY 0x4
#define PL_ENV_REUSE 0x8
#define PL_ENV_NODELAY 0x10
#define PL_ENV_KEEPALIVE 0x20

static struct pl_sock *pl_fds[PL_FD_MAX];
/* Each descriptor's socket type, read without the lock on the data path. */
static _Atomic unsigned char pl_types[PL_FD_MAX];
static int pl_fd_end; /* above the highest descriptor ever put */
static int (*pl_close_fd)(int) = close;

static const char pl_state_letters[] = "fcexlu"; /* by enum pl_state */

struct pl_sock *
pl_sock_new(int family, int type, int protocol)
{
	struct pl_sock *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->family = family;
	s->type = type;
	s->protocol = protocol;
	s->state = PL_FRESH;
	s->status_fd = -1;
	s->local.sin_family = s->peer.sin_family = AF_INET;
	s->opt.keepidle = 7200;
	s->opt.keepintvl = 75;
	s->opt.keepcnt = 9;
	s->opt.ttl = 64;
	return s;
}

void
pl_sock_hold(struct pl_sock *s)
{
	s->refs++;
}

void
pl_sock_drop(struct pl_sock *s)
{
	if (--s->refs > 0)
		return;
	if (s->status_fd >= 0)
		pl_close_fd(s->status_fd);
	free(s);
}

void
pl_table_set_close(int (*close_fd)(int))
{
	pl_close_fd = close_fd;
}

struct pl_sock *
pl_table_get(int fd)
{
	return fd >= 0 && fd < PL_FD_MAX ? pl_fds[fd] : NULL;
}

int
pl_table_put(int fd, struct pl_sock *s)
{
	if (fd < 0 || fd >= PL_FD_MAX) {
		errno = EMFILE;
		return -1;
	}
	pl_sock_hold(s);
	pl_table_clear(fd);
	pl_fds[fd] = s;
	atomic_store_explicit(&pl_types[fd], (unsigned char)s->type,
			      memory_order_relaxed);
	if (fd >= pl_fd_end)
		pl_fd_end = fd + 1;
	return 0;
}

void
pl_table_clear(int fd)
{
	struct pl_sock *s = pl_table_get(fd);

	if (!s)
		return;
	pl_fds[fd] = NULL;
	atomic_store_explicit(&pl_types[fd], 0, memory_order_relaxed);
	pl_sock_drop(s);
}

void
pl_table_dup(int from, int to)
{
	struct pl_sock *s = pl_table_get(from);

	if (from == to)
		return;
	if (s)
		pl_table_put(to, s);
	else
		pl_table_clear(to);
}

int
pl_table_type(int fd)
{
	if (fd < 0 || fd >= PL_FD_MAX)
		return 0;
	return atomic_load_explicit(&pl_types[fd], memory_order_relaxed);
}

int
pl_table_end(void)
{
	return pl_fd_end;
}

void
pl_table_reset(void)
{
	for (int fd = 0; fd < pl_fd_end; fd++)
		pl_table_clear(fd);
	pl_fd_end = 0;
}

/* --- across exec ---------------------------------------------------------- */

static unsigned
pl_env_flags(const struct pl_sock *s)
{
	return (s->bound ? PL_ENV_BOUND : 0) | (s->has_peer ? PL_ENV_PEER : 0) |
	       (s->opt.v6only ? PL_ENV_V6ONLY : 0) |
	       (s->opt.reuseaddr || s->opt.reuseport ? PL_ENV_REUSE : 0) |
	       (s->opt.nodelay ? PL_ENV_NODELAY : 0) |
	       (s->opt.keepalive ? PL_ENV_KEEPALIVE : 0);
}

/* The first descriptor before fd that names fd's socket, or -1. */
static int
pl_env_first(int fd, bool (*inherited)(int, void *), void *arg)
{
	for (int i = 0; i < fd; i++)
		if (pl_fds[i] == pl_fds[fd] && inherited(i, arg))
			return i;
	return -1;
}

int
pl_env_format(char *buf, size_t len, bool (*inherited)(int fd, void *arg),
	      void *arg)
{
	size_t used = 0;

	if (len == 0)
		return -1;
	buf[0] = '\0';
	for (int fd = 0; fd < pl_fd_end; fd++) {
		const struct pl_sock *s = pl_fds[fd];
		int first, n;

		if (!s || !inherited(fd, arg))
			continue;
		first = pl_env_first(fd, inherited, arg);
		if (first >= 0)
			n = snprintf(buf + used, len - used, "%s%d@%d",
				     used ? "," : "", fd, first);
		else
			n = snprintf(buf + used, len - used,
				     "%s%d:%c:%d:%d:%d:%08x.%u:%08x.%u:%x",
				     used ? "," : "", fd,
				     pl_state_letters[s->state], s->family,
				     s->type, s->status_fd,
				     (unsigned)s->local.sin_addr.s_addr,
				     ntohs(s->local.sin_port),
				     (unsigned)s->peer.sin_addr.s_addr,
				     ntohs(s->peer.sin_port), pl_env_flags(s));
		if (n < 0 || (size_t)n >= len - used) {
			buf[used] = '\0';
			return -1;
		}
		used += (size_t)n;
	}
	return (int)used;
}

/* HEXADDR.PORT at *p into sin; false when malformed. */
static bool
pl_env_addr(const char **p, struct sockaddr_in *sin)
{
	char *end;
	unsigned long addr = strtoul(*p, &end, 16), port;

	if (end == *p || *end != '.' || addr > 0xffffffffUL)
		return false;
	*p = end + 1;
	port = strtoul(*p, &end, 10);
	if (end == *p || port > 65535)
		return false;
	*p = end;
	sin->sin_family = AF_INET;
	sin->sin_addr.s_addr = (uint32_t)addr;
	sin->sin_port = htons((uint16_t)port);
	return true;
}

/* A decimal int at *p, followed by sep; false when malformed. */
static bool
pl_env_int(const char **p, int *v, char sep)
{
	char *end;
	long n = strtol(*p, &end, 10);

	if (end == *p || *end != sep || n < -1 || n >= PL_FD_MAX)
		return false;
	*v = (int)n;
	*p = end + 1;
	return true;
}

/* One socket entry after "FD:", into a new socket; NULL when malformed. */
static struct pl_sock *
pl_env_sock(const char **p)
{
	const char *letter;
	int family, type, status;
	unsigned long flags;
	struct pl_sock *s;
	char *end;

	letter = **p ? strchr(pl_state_letters, **p) : NULL;
	if (!letter || (*p)[1] != ':')
		return NULL;
	*p += 2;
	if (!pl_env_int(p, &family, ':') || !pl_env_int(p, &type, ':') ||
	    !pl_env_int(p, &status, ':') ||
	    (family != AF_INET && family != AF_INET6) ||
	    (type != SOCK_STREAM && type != SOCK_DGRAM))
		return NULL;
	s = pl_sock_new(family, type, 0);
	if (!s)
		return NULL;
	s->state = (enum pl_state)(letter - pl_state_letters);
	if (!pl_env_addr(p, &s->local) || *(*p)++ != ':' ||
	    !pl_env_addr(p, &s->peer) || *(*p)++ != ':') {
		free(s);
		return NULL;
	}
	flags = strtoul(*p, &end, 16);
	if (end == *p) {
		free(s);
		return NULL;
	}
	*p = end;
	s->status_fd = status;
	s->bound = flags & PL_ENV_BOUND;
	s->has_peer = flags & PL_ENV_PEER;
	s->opt.v6only = !!(flags & PL_ENV_V6ONLY);
	s->opt.reuseaddr = !!(flags & PL_ENV_REUSE);
	s->opt.nodelay = !!(flags & PL_ENV_NODELAY);
	s->opt.keepalive = !!(flags & PL_ENV_KEEPALIVE);
	return s;
}

/* One entry (NUL-terminated) into the table; false when malformed. */
static bool
pl_env_entry(const char *e, bool (*usable)(int, void *), void *arg, int *taken)
{
	struct pl_sock *s;
	char *end;
	long fd = strtol(e, &end, 10), first;

	if (end == e || fd < 0 || fd >= PL_FD_MAX)
		return false;
	if (*end == '@') {
		e = end + 1;
		first = strtol(e, &end, 10);
		if (end == e || *end || first < 0 || first >= PL_FD_MAX)
			return false;
		if (pl_fds[first] && usable((int)fd, arg)) {
			pl_table_put((int)fd, pl_fds[first]);
			++*taken;
		}
		return true;
	}
	if (*end != ':')
		return false;
	e = end + 1;
	s = pl_env_sock(&e);
	if (!s)
		return false;
	if (*e) {
		free(s);
		return false;
	}
	if (s->status_fd >= 0 && !usable(s->status_fd, arg))
		s->status_fd = -1;
	if (!usable((int)fd, arg)) {
		s->status_fd = -1; /* not ours to close */
		free(s);
		return true;
	}
	pl_table_put((int)fd, s);
	++*taken;
	return true;
}

int
pl_env_parse(const char *text, bool (*usable)(int fd, void *arg), void *arg)
{
	int taken = 0;

	while (*text) {
		const char *comma = strchr(text, ',');
		size_t n = comma ? (size_t)(comma - text) : strlen(text);
		char entry[128];

		if (n >= sizeof(entry))
			return -1;
		memcpy(entry, text, n);
		entry[n] = '\0';
		if (!pl_env_entry(entry, usable, arg, &taken))
			return -1;
		text += n + (comma != NULL);
	}
	return taken;
}
