/*
 * traceroute: UDP probes to ports from 33434 up with growing TTLs; each
 * hop answers with time exceeded, the destination with port unreachable.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "traceroute.h"
#include "ctl_opt.h"
#include "udp.h"

struct traceroute {
	struct sock sock; /* first: the socket's owner is the trace */
	struct host *h;
	struct ctl_req *req;
	uint32_t dst;
	int max_hops;
	double wait;
	int ttl;
	int probe;	   /* of this hop, 0..TRACEROUTE_PROBES-1 */
	uint16_t dport;	   /* of the probe in flight */
	double sent;	   /* when it left */
	uint32_t hop_addr; /* who answered at this hop, 0 if none yet */
	bool reached;
	char line[512];
	size_t line_len;
	ev_timer timer;
};

static void traceroute_probe(struct traceroute *t);

static void
traceroute_free(struct traceroute *t)
{
	ev_timer_stop(t->h->node.loop, &t->timer);
	udp_close(t->h, &t->sock);
	free(t);
}

static void
traceroute_cancel(void *arg)
{
	traceroute_free(arg);
}

static void __attribute__((format(printf, 2, 3)))
traceroute_append(struct traceroute *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (t->line_len >= sizeof(t->line))
		return;
	va_start(ap, fmt);
	n = vsnprintf(t->line + t->line_len, sizeof(t->line) - t->line_len, fmt,
		      ap);
	va_end(ap);
	if (n > 0)
		t->line_len += (size_t)n;
}

/* The probe is answered or lost: the next one, the next hop, or the end. */
static void
traceroute_next(struct traceroute *t)
{
	if (++t->probe < TRACEROUTE_PROBES) {
		traceroute_probe(t);
		return;
	}
	ctl_printf(t->req, "%s", t->line);
	if (t->reached || t->ttl >= t->max_hops) {
		struct ctl_req *req = t->req;

		traceroute_free(t);
		ctl_finish(req);
		return;
	}
	t->ttl++;
	t->probe = 0;
	t->hop_addr = 0;
	t->line_len = 0;
	traceroute_append(t, "%2d ", t->ttl);
	traceroute_probe(t);
}

static void
traceroute_timeout(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct traceroute *t = w->data;

	(void)loop;
	(void)revents;
	traceroute_append(t, " *");
	traceroute_next(t);
}

static void
traceroute_probe(struct traceroute *t)
{
	static const uint8_t payload[32];

	t->dport = (uint16_t)(TRACEROUTE_PORT +
			      (t->ttl - 1) * TRACEROUTE_PROBES + t->probe);
	t->sock.ttl = (uint8_t)t->ttl;
	t->sent = ev_time();
	ev_timer_set(&t->timer, t->wait, 0.0);
	ev_timer_start(t->h->node.loop, &t->timer);
	/* A probe that cannot leave is reported like a lost one, by the
	 * timer, so that the request never ends inside its handler. */
	udp_send_copy(t->h, &t->sock, t->dst, t->dport, payload,
		      sizeof(payload));
}

/*
 * The first probe leaves from the loop rather than from the handler: to
 * the host itself its answer comes back at once and may end the request,
 * which must not happen before the handler has returned.
 */
static void
traceroute_start(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct traceroute *t = w->data;

	(void)loop;
	(void)revents;
	ev_set_cb(&t->timer, traceroute_timeout);
	traceroute_probe(t);
}

/* The annotation traceroute prints after an unreachable's time. */
static const char *
traceroute_flag(uint8_t type, uint8_t code)
{
	if (type != ICMP_TYPE_DEST_UNREACH || code == ICMP_CODE_PORT_UNREACH)
		return "";
	switch (code) {
	case ICMP_CODE_NET_UNREACH:
		return " !N";
	case ICMP_CODE_HOST_UNREACH:
		return " !H";
	case ICMP_CODE_PROTO_UNREACH:
		return " !P";
	default:
		return " !X";
	}
}

static void
traceroute_error(struct sock *s, const struct sock_error *e)
{
	struct traceroute *t = (struct traceroute *)s;
	char ip[IPV4_ADDR_STRLEN];
	uint32_t from = e->from;
	uint8_t type = e->type, code = e->code;

	if (e->dst != t->dst || e->dport != t->dport ||
	    !ev_is_active(&t->timer))
		return;
	ev_timer_stop(t->h->node.loop, &t->timer);
	if (from != t->hop_addr) {
		traceroute_append(t, " %s", ipv4_ntoa(from, ip));
		t->hop_addr = from;
	}
	traceroute_append(t, "  %.3f ms%s", (ev_time() - t->sent) * 1000.0,
			  traceroute_flag(type, code));
	if (type == ICMP_TYPE_DEST_UNREACH)
		t->reached = true;
	traceroute_next(t);
}

/* Probes go to closed ports: only the ICMP errors matter. */
static const struct sock_ops traceroute_ops = {
    .error = traceroute_error,
};

/* Parses `[-m MAXHOPS] [-w SEC] DEST`; -1 after a usage reply. */
static int
traceroute_parse(struct traceroute *t, struct ctl_req *req, int argc,
		 char **argv)
{
	long max_hops = 30;
	const struct ctl_opt opts[] = {
	    {'m', CTL_OPT_INT, 1, 255, &max_hops},
	    {'w', CTL_OPT_REAL, 0.01, 60, &t->wait},
	};
	char err[128];
	int n = ctl_opt_parse(argc, argv, opts, 2, err, sizeof(err));

	if (n < 0)
		return ctl_usage(req, "traceroute: %s", err), -1;
	if (n != 1 || ipv4_aton(argv[0], &t->dst) < 0)
		return ctl_usage(req, "usage: traceroute [-m MAXHOPS] [-w SEC] "
				      "A.B.C.D"),
		       -1;
	t->max_hops = (int)max_hops;
	return 0;
}

int
traceroute_cmd(struct host *h, struct ctl_req *req, int argc, char **argv)
{
	struct traceroute *t = calloc(1, sizeof(*t));
	char ip[IPV4_ADDR_STRLEN];

	if (!h->node.loop) {
		free(t);
		return ctl_fail(req, "traceroute needs the event loop");
	}
	if (!t)
		return ctl_fail(req, "out of memory");
	t->wait = TRACEROUTE_WAIT;
	if (traceroute_parse(t, req, argc, argv) < 0) {
		free(t);
		return CTL_DONE;
	}
	if (!ipnode_is_self(&h->node, t->dst) &&
	    !route_lookup(h->node.routes, t->dst)) {
		free(t);
		return ctl_fail(req, "%s: network unreachable", argv[0]);
	}
	t->sock.ops = &traceroute_ops;
	t->sock.owner = t;
	t->h = h;
	t->req = req;
	if (udp_open(h, &t->sock, 0, 0) < 0) {
		free(t);
		return ctl_fail(req, "no free port: %s", strerror(errno));
	}
	ev_timer_init(&t->timer, traceroute_start, 0.0, 0.0);
	t->timer.data = t;
	ctl_set_cancel(req, traceroute_cancel, t);
	ctl_printf(req, "traceroute to %s (%s), %d hops max, 60 byte packets",
		   ipv4_ntoa(t->dst, ip), ip, t->max_hops);
	t->ttl = 1;
	traceroute_append(t, "%2d ", t->ttl);
	ev_timer_start(h->node.loop, &t->timer);
	return CTL_ASYNC;
}
