/*
 * Socket options: one table row per option the library accepts, as the
 * kernel checks its value and length. Most are kept and read back, for
 * the programs that set them as a matter of course (hostd has one
 * behaviour: no keepalive probes, no Nagle switch); buffer sizes and
 * timeouts belong to the descriptor and are given to it. Anything else
 * fails with ENOPROTOOPT rather than pretending.
 */
#include "preload.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum pl_opt_kind {
	PL_KIND_FLAG,	/* an int, read back as 0 or 1 */
	PL_KIND_INT,	/* an int within [min, max]; -1 for the default */
	PL_KIND_LINGER, /* struct linger */
	PL_KIND_BUF,	/* an int, the descriptor's own */
	PL_KIND_TIMEO,	/* struct timeval, the descriptor's own */
	PL_KIND_INFO,	/* read only, from what the library knows */
};

enum pl_only {
	PL_ANY = 0,
	PL_STREAM = 1, /* TCP sockets only */
	PL_INET6 = 2,  /* AF_INET6 sockets only */
};

struct pl_opt_row {
	int level, name;
	enum pl_opt_kind kind;
	size_t offset; /* the value in struct pl_opts */
	int min, max, dflt;
	unsigned only;
};

#define PL_AT(field) offsetof(struct pl_opts, field)

static const struct pl_opt_row pl_opt_rows[] = {
    {SOL_SOCKET, SO_REUSEADDR, PL_KIND_FLAG, PL_AT(reuseaddr), 0, 0, 0, 0},
    {SOL_SOCKET, SO_REUSEPORT, PL_KIND_FLAG, PL_AT(reuseport), 0, 0, 0, 0},
    {SOL_SOCKET, SO_KEEPALIVE, PL_KIND_FLAG, PL_AT(keepalive), 0, 0, 0, 0},
    {SOL_SOCKET, SO_BROADCAST, PL_KIND_FLAG, PL_AT(broadcast), 0, 0, 0, 0},
    {SOL_SOCKET, SO_LINGER, PL_KIND_LINGER, PL_AT(linger), 0, 0, 0, 0},
    {SOL_SOCKET, SO_RCVBUF, PL_KIND_BUF, PL_AT(rcvbuf), 0, 0, 0, 0},
    {SOL_SOCKET, SO_SNDBUF, PL_KIND_BUF, PL_AT(sndbuf), 0, 0, 0, 0},
    {SOL_SOCKET, SO_RCVTIMEO, PL_KIND_TIMEO, PL_AT(rcvtimeo), 0, 0, 0, 0},
    {SOL_SOCKET, SO_SNDTIMEO, PL_KIND_TIMEO, PL_AT(sndtimeo), 0, 0, 0, 0},
    {SOL_SOCKET, SO_TYPE, PL_KIND_INFO, 0, 0, 0, 0, 0},
    {SOL_SOCKET, SO_DOMAIN, PL_KIND_INFO, 0, 0, 0, 0, 0},
    {SOL_SOCKET, SO_PROTOCOL, PL_KIND_INFO, 0, 0, 0, 0, 0},
    {SOL_SOCKET, SO_ACCEPTCONN, PL_KIND_INFO, 0, 0, 0, 0, 0},
    {SOL_SOCKET, SO_ERROR, PL_KIND_INFO, 0, 0, 0, 0, 0},
    {IPPROTO_TCP, TCP_NODELAY, PL_KIND_FLAG, PL_AT(nodelay), 0, 0, 0,
     PL_STREAM},
    {IPPROTO_TCP, TCP_QUICKACK, PL_KIND_FLAG, PL_AT(quickack), 0, 0, 0,
     PL_STREAM},
    {IPPROTO_TCP, TCP_KEEPIDLE, PL_KIND_INT, PL_AT(keepidle), 1, 32767, 7200,
     PL_STREAM},
    {IPPROTO_TCP, TCP_KEEPINTVL, PL_KIND_INT, PL_AT(keepintvl), 1, 32767, 75,
     PL_STREAM},
    {IPPROTO_TCP, TCP_KEEPCNT, PL_KIND_INT, PL_AT(keepcnt), 1, 127, 9,
     PL_STREAM},
    {IPPROTO_IP, IP_TOS, PL_KIND_INT, PL_AT(tos), 0, 255, 0, 0},
    {IPPROTO_IP, IP_TTL, PL_KIND_INT, PL_AT(ttl), 1, 255, 64, 0},
    {IPPROTO_IPV6, IPV6_V6ONLY, PL_KIND_FLAG, PL_AT(v6only), 0, 0, 0, PL_INET6},
    {IPPROTO_IPV6, IPV6_TCLASS, PL_KIND_INT, PL_AT(tclass), 0, 255, 0,
     PL_INET6},
};

#define PL_NOPTS (sizeof(pl_opt_rows) / sizeof(pl_opt_rows[0]))

static const struct pl_opt_row *
pl_opt_find(const struct pl_sock *s, int level, int name)
{
	for (size_t i = 0; i < PL_NOPTS; i++) {
		const struct pl_opt_row *r = &pl_opt_rows[i];

		if (r->level != level || r->name != name)
			continue;
		if (((r->only & PL_STREAM) && s->type != SOCK_STREAM) ||
		    ((r->only & PL_INET6) && s->family != AF_INET6))
			return NULL;
		return r;
	}
	return NULL;
}

static void *
pl_opt_field(struct pl_sock *s, const struct pl_opt_row *r)
{
	return (char *)&s->opt + r->offset;
}

/* The size of a row's value. */
static size_t
pl_opt_size(const struct pl_opt_row *r)
{
	switch (r->kind) {
	case PL_KIND_LINGER:
		return sizeof(struct linger);
	case PL_KIND_TIMEO:
		return sizeof(struct timeval);
	default:
		return sizeof(int);
	}
}

int
pl_opt_set(struct pl_sock *s, int level, int name, const void *val,
	   socklen_t len)
{
	const struct pl_opt_row *r = pl_opt_find(s, level, name);
	int v;

	if (!r || r->kind == PL_KIND_INFO)
		return ENOPROTOOPT;
	if (len < pl_opt_size(r))
		return EINVAL;
	if (!val)
		return EFAULT;
	if (r->kind == PL_KIND_LINGER || r->kind == PL_KIND_TIMEO) {
		memcpy(pl_opt_field(s, r), val, pl_opt_size(r));
		return r->kind == PL_KIND_TIMEO ? PL_OPT_PASS : 0;
	}
	memcpy(&v, val, sizeof(v));
	if (r->kind == PL_KIND_FLAG) {
		v = v != 0;
	} else if (r->kind == PL_KIND_INT) {
		if (v == -1 && r->level != IPPROTO_TCP)
			v = r->dflt;
		if (v < r->min || v > r->max)
			return EINVAL;
	} else if (v <= 0) {
		v = 0; /* PL_KIND_BUF: the kernel takes it as its minimum */
	}
	memcpy(pl_opt_field(s, r), &v, sizeof(v));
	return r->kind == PL_KIND_BUF ? PL_OPT_PASS : 0;
}

/* What the library knows of s for a PL_KIND_INFO row. */
static int
pl_opt_info(struct pl_sock *s, int name)
{
	int v;

	switch (name) {
	case SO_TYPE:
		return s->type;
	case SO_DOMAIN:
		return s->family;
	case SO_PROTOCOL:
		return s->type == SOCK_STREAM ? IPPROTO_TCP : IPPROTO_UDP;
	case SO_ACCEPTCONN:
		return s->state == PL_LISTENING;
	default: /* SO_ERROR, read once */
		v = s->err;
		s->err = 0;
		return v;
	}
}

int
pl_opt_get(struct pl_sock *s, int level, int name, void *val, socklen_t *len)
{
	const struct pl_opt_row *r = pl_opt_find(s, level, name);
	size_t size, n;
	int v;
	const void *from = &v;

	if (!r)
		return ENOPROTOOPT;
	if (!len || !val)
		return EFAULT;
	if ((int)*len < 0)
		return EINVAL;
	if (r->kind == PL_KIND_BUF || r->kind == PL_KIND_TIMEO)
		return PL_OPT_PASS;
	size = pl_opt_size(r);
	if (r->kind == PL_KIND_INFO)
		v = pl_opt_info(s, name);
	else if (r->kind == PL_KIND_LINGER)
		from = pl_opt_field(s, r);
	else
		memcpy(&v, pl_opt_field(s, r), sizeof(v));
	n = *len < size ? *len : size;
	memcpy(val, from, n);
	*len = (socklen_t)n;
	return 0;
}

/* --- TCP_INFO from hostd's show sockets ------------------------------------
 */

/* RFC 9293's state names, as hostd shows them, and Linux's numbers. */
static const struct {
	const char *name;
	unsigned char state;
} pl_tcp_states[] = {
    {"ESTABLISHED", TCP_ESTABLISHED},
    {"SYN-SENT", TCP_SYN_SENT},
    {"SYN-RECEIVED", TCP_SYN_RECV},
    {"FIN-WAIT-1", TCP_FIN_WAIT1},
    {"FIN-WAIT-2", TCP_FIN_WAIT2},
    {"TIME-WAIT", TCP_TIME_WAIT},
    {"CLOSED", TCP_CLOSE},
    {"CLOSE-WAIT", TCP_CLOSE_WAIT},
    {"LAST-ACK", TCP_LAST_ACK},
    {"LISTEN", TCP_LISTEN},
    {"CLOSING", TCP_CLOSING},
};

/* The number after "key": within [obj, end), or -1. */
static long
pl_row_num(const char *obj, const char *end, const char *key)
{
	char pat[32];
	const char *p;
	size_t n = (size_t)snprintf(pat, sizeof(pat), "\"%s\":", key);

	for (p = obj; p && p + n < end; p = strstr(p + 1, pat))
		if (!strncmp(p, pat, n))
			return strtol(p + n, NULL, 10);
	return -1;
}

static void
pl_addr_text(const struct sockaddr_in *a, char *buf, size_t len)
{
	char ip[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &a->sin_addr, ip, sizeof(ip));
	snprintf(buf, len, "%s:%u", ip, ntohs(a->sin_port));
}

int
pl_tcp_info_parse(const char *rows, const struct sockaddr_in *local,
		  const struct sockaddr_in *peer, struct tcp_info *ti)
{
	char l[32], r[32], pat[96];
	const char *at, *obj, *end;
	long mss, cwnd;

	memset(ti, 0, sizeof(*ti));
	ti->tcpi_state = TCP_CLOSE;
	pl_addr_text(local, l, sizeof(l));
	pl_addr_text(peer, r, sizeof(r));
	snprintf(pat, sizeof(pat), "\"local\":\"%s\",\"remote\":\"%s\"", l, r);
	at = strstr(rows, pat);
	if (!at)
		return -1;
	for (obj = at; obj > rows && *obj != '{'; obj--)
		;
	end = strchr(at, '}');
	if (*obj != '{' || !end)
		return -1;
	for (size_t i = 0; i < sizeof(pl_tcp_states) / sizeof(pl_tcp_states[0]);
	     i++) {
		char st[48];
		int n = snprintf(st, sizeof(st), "\"state\":\"%s\"",
				 pl_tcp_states[i].name);

		if (memmem(obj, (size_t)(end - obj), st, (size_t)n))
			ti->tcpi_state = pl_tcp_states[i].state;
	}
	mss = pl_row_num(obj, end, "mss");
	cwnd = pl_row_num(obj, end, "cwnd");
	if (mss > 0) {
		ti->tcpi_snd_mss = ti->tcpi_rcv_mss = (uint32_t)mss;
		ti->tcpi_advmss = (uint32_t)mss;
		if (cwnd > 0)
			ti->tcpi_snd_cwnd = (uint32_t)(cwnd / mss);
	}
	if (pl_row_num(obj, end, "srtt_us") > 0)
		ti->tcpi_rtt = (uint32_t)pl_row_num(obj, end, "srtt_us");
	if (pl_row_num(obj, end, "rto_ms") > 0)
		ti->tcpi_rto = (uint32_t)pl_row_num(obj, end, "rto_ms") * 1000;
	if (pl_row_num(obj, end, "retrans") > 0)
		ti->tcpi_total_retrans =
		    (uint32_t)pl_row_num(obj, end, "retrans");
	return 0;
}
