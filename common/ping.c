/* ping: echo requests out, iputils-style lines back. */
#include "ping.h"

#include "ctl_opt.h"

#include <stdbool.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PING_SENT_SLOTS 1024 /* send times remembered, by seq */

struct ping {
	struct sock sock; /* first: the socket's owner is the ping */
	struct ping_opts o;
	struct ipnode *n;
	struct ctl_req *req;
	ev_timer timer; /* the next request, then the wait for the last */
	unsigned sent;
	unsigned received;
	unsigned errors;
	double start;
	double sent_at[PING_SENT_SLOTS];
	double rtt_min, rtt_max, rtt_sum, rtt_sum2; /* milliseconds */
	uint8_t *msg; /* the echo request being built */
};

int
ping_parse(int argc, char **argv, struct ping_opts *o, char *err, size_t errlen)
{
	long count = 0, size = 56, ttl = IPV4_DEFAULT_TTL;
	double interval = 1.0, wait = 10.0;
	const struct ctl_opt opts[] = {
	    {'c', CTL_OPT_INT, 1, 1e9, &count},
	    {'i', CTL_OPT_REAL, 0.001, 3600, &interval},
	    {'s', CTL_OPT_INT, 0, PING_SIZE_MAX, &size},
	    {'t', CTL_OPT_INT, 1, 255, &ttl},
	    {'W', CTL_OPT_REAL, 0.001, 3600, &wait},
	};
	char why[128];
	int n = ctl_opt_parse(argc, argv, opts, sizeof(opts) / sizeof(opts[0]),
			      why, sizeof(why));

	if (n < 0) {
		snprintf(err, errlen, "ping: %s", why);
		return -1;
	}
	if (n != 1 || ipv4_aton(argv[0], &o->dst) < 0) {
		snprintf(err, errlen,
			 "usage: ping [-c N] [-i SEC] [-s SIZE] [-t TTL] "
			 "[-W SEC] A.B.C.D");
		return -1;
	}
	o->count = (unsigned)count;
	o->interval = interval;
	o->size = (size_t)size;
	o->ttl = (uint8_t)ttl;
	o->wait = wait;
	ipv4_ntoa(o->dst, o->dst_str);
	return 0;
}

const char *
ping_error_text(uint8_t type, uint8_t code, uint16_t mtu, char *buf, size_t len)
{
	static const char *const unreach[] = {
	    "Destination Net Unreachable",
	    "Destination Host Unreachable",
	    "Destination Protocol Unreachable",
	    "Destination Port Unreachable",
	    NULL,
	    "Source Route Failed",
	    "Destination Net Unknown",
	    "Destination Host Unknown",
	    "Source Host Isolated",
	    "Destination Net Prohibited",
	    "Destination Host Prohibited",
	    "Destination Net Unreachable for Type of Service",
	    "Destination Host Unreachable for Type of Service",
	    "Packet filtered",
	};

	if (type == ICMP_TYPE_DEST_UNREACH && code == ICMP_CODE_FRAG_NEEDED)
		snprintf(buf, len, "Frag needed and DF set (mtu = %u)", mtu);
	else if (type == ICMP_TYPE_DEST_UNREACH &&
		 code < sizeof(unreach) / sizeof(unreach[0]))
		snprintf(buf, len, "%s", unreach[code]);
	else if (type == ICMP_TYPE_DEST_UNREACH)
		snprintf(buf, len, "Dest Unreachable, Bad Code: %u", code);
	else if (type == ICMP_TYPE_TIME_EXCEEDED)
		snprintf(buf, len, "%s",
			 code == ICMP_CODE_TTL_EXCEEDED
			     ? "Time to live exceeded"
			     : "Frag reassembly time exceeded");
	else if (type == ICMP_TYPE_SOURCE_QUENCH)
		snprintf(buf, len, "Source Quench");
	else if (type == ICMP_TYPE_REDIRECT)
		snprintf(buf, len, "Redirect (code %u)", code);
	else if (type == ICMP_TYPE_PARAM_PROBLEM)
		snprintf(buf, len, "Parameter problem");
	else
		snprintf(buf, len, "Bad ICMP type: %u", type);
	return buf;
}

/* The square root by Newton's method: no libm for one call. */
static double
ping_sqrt(double x)
{
	double r = x > 1 ? x : 1;

	if (x <= 0)
		return 0;
	for (int i = 0; i < 64; i++)
		r = (r + x / r) / 2;
	return r;
}

static void
ping_free(struct ping *p)
{
	ev_timer_stop(p->n->loop, &p->timer);
	ipnode_icmp_close(p->n, &p->sock);
	free(p->msg);
	free(p);
}

static void
ping_cancel(void *arg)
{
	ping_free(arg);
}

static void
ping_finish(struct ping *p)
{
	struct ctl_req *req = p->req;
	double elapsed = (ev_time() - p->start) * 1000;
	char errors[32] = "";

	if (p->errors)
		snprintf(errors, sizeof(errors), "+%u errors, ", p->errors);
	ctl_printf(req, "%s", "");
	ctl_printf(req, "--- %s ping statistics ---", p->o.dst_str);
	ctl_printf(req,
		   "%u packets transmitted, %u received, %s%g%% packet loss, "
		   "time %.0fms",
		   p->sent, p->received, errors,
		   p->sent ? (double)(p->sent - p->received) * 100 / p->sent
			   : 0.0,
		   elapsed);
	if (p->received) {
		double avg = p->rtt_sum / p->received;
		double var = p->rtt_sum2 / p->received - avg * avg;

		ctl_printf(req, "rtt min/avg/max/mdev = %.3f/%.3f/%.3f/%.3f ms",
			   p->rtt_min, avg, p->rtt_max, ping_sqrt(var));
	} else {
		ctl_fail(req, "no reply from %s", p->o.dst_str);
	}
	ping_free(p);
	ctl_finish(req);
}

static bool
ping_all_sent(const struct ping *p)
{
	return p->o.count && p->sent >= p->o.count;
}

static void
ping_send(struct ping *p)
{
	uint16_t seq = (uint16_t)(p->sent + 1);
	size_t len;

	for (size_t i = 0; i < p->o.size; i++)
		p->msg[ICMP_HDR_LEN + i] = (uint8_t)(i + 8);
	len = icmp_build_echo(p->msg, ICMP_TYPE_ECHO, p->sock.lport, seq,
			      p->msg + ICMP_HDR_LEN, p->o.size);
	p->sent_at[seq % PING_SENT_SLOTS] = ev_time();
	p->sent++;
	if (ipnode_icmp_send(p->n, &p->sock, p->o.dst, p->msg, len) < 0) {
		ctl_printf(p->req, "ping: sendmsg: %s", strerror(errno));
		p->errors++;
	}
}

static void
ping_timer_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct ping *p = w->data;

	(void)revents;
	if (ping_all_sent(p)) {
		ping_finish(p); /* waited long enough for the last replies */
		return;
	}
	ping_send(p);
	ev_timer_set(&p->timer, ping_all_sent(p) ? p->o.wait : p->o.interval,
		     0);
	ev_timer_start(loop, &p->timer);
}

/* iputils' precision: three significant decimals below 100 ms. */
static void
ping_format_ms(double ms, char *buf, size_t len)
{
	if (ms >= 100)
		snprintf(buf, len, "%.0f", ms);
	else if (ms >= 10)
		snprintf(buf, len, "%.1f", ms);
	else if (ms >= 1)
		snprintf(buf, len, "%.2f", ms);
	else
		snprintf(buf, len, "%.3f", ms);
}

static bool
ping_seq_sent(const struct ping *p, uint16_t seq)
{
	return seq >= 1 && seq <= p->sent && p->sent - seq < PING_SENT_SLOTS;
}

/* Every request is answered, one way or the other: the report. */
static void
ping_maybe_done(struct ping *p)
{
	if (ping_all_sent(p) && p->received + p->errors >= p->sent)
		ping_finish(p);
}

static void
ping_recv(struct sock *s, const struct sock_dgram *d)
{
	struct ping *p = (struct ping *)s;
	char from[IPV4_ADDR_STRLEN], time[32];
	struct icmp_msg m;
	double ms;

	if (icmp_parse(d->data, d->len, &m) != ICMP_ok ||
	    m.type != ICMP_TYPE_ECHO_REPLY || !ping_seq_sent(p, m.seq))
		return;
	ms = (ev_time() - p->sent_at[m.seq % PING_SENT_SLOTS]) * 1000;
	if (p->received == 0 || ms < p->rtt_min)
		p->rtt_min = ms;
	if (ms > p->rtt_max)
		p->rtt_max = ms;
	p->rtt_sum += ms;
	p->rtt_sum2 += ms * ms;
	p->received++;
	ping_format_ms(ms, time, sizeof(time));
	ctl_printf(p->req, "%zu bytes from %s: icmp_seq=%u ttl=%u time=%s ms",
		   d->len, ipv4_ntoa(d->src, from), m.seq, d->ttl, time);
	ping_maybe_done(p);
}

/* An error that quotes one of our echo requests. */
static void
ping_error(struct sock *s, const struct sock_error *e)
{
	struct ping *p = (struct ping *)s;
	char from[IPV4_ADDR_STRLEN], text[64];
	uint16_t seq;

	if (e->quote_len < ICMP_HDR_LEN)
		return;
	seq = (uint16_t)(e->quote[6] << 8 | e->quote[7]);
	if (!ping_seq_sent(p, seq))
		return;
	p->errors++;
	ctl_printf(
	    p->req, "From %s icmp_seq=%u %s", ipv4_ntoa(e->from, from), seq,
	    ping_error_text(e->type, e->code, e->mtu, text, sizeof(text)));
	ping_maybe_done(p);
}

static const struct sock_ops ping_ops = {
    .recv = ping_recv,
    .error = ping_error,
};

int
ping_cmd(struct ctl_req *req, int argc, char **argv, struct ipnode *n)
{
	struct ping_opts o;
	struct ping *p;
	char err[160];

	if (ping_parse(argc, argv, &o, err, sizeof(err)) < 0)
		return ctl_usage(req, "%s", err);
	if (!n->loop)
		return ctl_fail(req, "ping needs the event loop");
	p = calloc(1, sizeof(*p));
	if (p)
		p->msg = malloc(ICMP_HDR_LEN + o.size);
	if (!p || !p->msg) {
		free(p);
		return ctl_fail(req, "out of memory");
	}
	p->sock.ops = &ping_ops;
	p->sock.owner = p;
	p->sock.ttl = o.ttl;
	if (ipnode_icmp_open(n, &p->sock) < 0) {
		free(p->msg);
		free(p);
		return ctl_fail(req, "no free ICMP identifier: %s",
				strerror(errno));
	}
	p->o = o;
	p->n = n;
	p->req = req;
	p->start = ev_time();
	ev_init(&p->timer, ping_timer_cb);
	p->timer.data = p;
	ctl_set_cancel(req, ping_cancel, p);
	ctl_printf(req, "PING %s (%s) %zu(%zu) bytes of data.", o.dst_str,
		   o.dst_str, o.size, o.size + IPV4_HDR_LEN + ICMP_HDR_LEN);
	ev_timer_set(&p->timer, 0, 0);
	ev_timer_start(n->loop, &p->timer);
	return CTL_ASYNC;
}
