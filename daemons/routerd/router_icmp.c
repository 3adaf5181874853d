/*
 * Datagrams for the router itself (echo requests, replies and errors for
 * its pings, UDP and others refused), and the ICMP errors it sends
 * (RFC 1812 4.3).
 */
#include "router.h"

#include <stdlib.h>
#include <string.h>

#include "ctl.h"
#include "log.h"
#include "ping.h"

static void
router_echo_reply(struct router *r, const struct ipv4_pkt *pkt,
		  const struct icmp_msg *m, double now)
{
	uint8_t *reply = malloc(pkt->payload_len);

	if (!reply)
		return;
	r->stats[STAT_echo_requests]++;
	icmp_build_echo(reply, ICMP_TYPE_ECHO_REPLY, m->id, m->seq, m->body,
			m->body_len);
	/* From the address the request was for (RFC 1122 3.2.2.6). */
	if (router_send_local(r, pkt->dst, pkt->src, IPV4_DEFAULT_TTL,
			      IPV4_PROTO_ICMP, reply, pkt->payload_len,
			      now) == 0)
		r->stats[STAT_echo_replies_sent]++;
	free(reply);
}

/* Offers an ICMP message to the running pings. */
static void
router_icmp_to_pings(struct router *r, const struct ipv4_pkt *pkt,
		     const struct icmp_msg *m)
{
	for (int i = 0; i < r->npings; i++)
		if (ping_input(r->pings[i], pkt->src, pkt->ttl, m))
			return; /* it may have ended, changing the list */
}

static void
router_icmp_input(struct router *r, const struct ipv4_pkt *pkt, double now)
{
	struct icmp_msg m;

	if (icmp_parse(pkt->payload, pkt->payload_len, &m) != ICMP_ok) {
		r->stats[STAT_icmp_bad]++;
		return;
	}
	if (m.type == ICMP_TYPE_ECHO) {
		/* RFC 1122 3.2.2.6: a request to a broadcast needs no answer;
		 * those never get here. */
		router_echo_reply(r, pkt, &m, now);
		return;
	}
	router_icmp_to_pings(r, pkt, &m);
}

/* A fragment for the router itself: delivered once its datagram is whole. */
static void
router_local_fragment(struct router *r, const struct ipv4_pkt *pkt, double now)
{
	struct ipv4_pkt whole;
	uint8_t *buf;
	size_t len;

	if (ip_reass_input(&r->reass, pkt, now, &buf, &len) != 1)
		return;
	if (ipv4_parse(buf, len, &whole) == IPV4_ok)
		router_local_input(r, &whole, now);
	free(buf);
}

void
router_reass_timeout(const struct ipv4_pkt *first, void *arg)
{
	struct router *r = arg;

	router_icmp_error(r, first, false, ICMP_TYPE_TIME_EXCEEDED,
			  ICMP_CODE_REASSEMBLY_EXCEEDED, 0, router_now(r));
}

void
router_local_input(struct router *r, const struct ipv4_pkt *pkt, double now)
{
	if (ipv4_is_fragment(pkt)) {
		router_local_fragment(r, pkt, now);
		return;
	}
	r->stats[STAT_local_delivered]++;
	switch (pkt->proto) {
	case IPV4_PROTO_ICMP:
		router_icmp_input(r, pkt, now);
		break;
	case IPV4_PROTO_UDP:
		/* No UDP service: traceroute's probes end here. */
		router_icmp_error(r, pkt, false, ICMP_TYPE_DEST_UNREACH,
				  ICMP_CODE_PORT_UNREACH, 0, now);
		break;
	case IPV4_PROTO_TCP:
		r->stats[STAT_local_unknown_protocol]++;
		break;
	default:
		r->stats[STAT_local_unknown_protocol]++;
		router_icmp_error(r, pkt, false, ICMP_TYPE_DEST_UNREACH,
				  ICMP_CODE_PROTO_UNREACH, 0, now);
	}
}

/*
 * The source of an error about orig: the router's address on the port
 * that leads back to orig's source (so traceroute shows the interface
 * facing it), or the address orig was sent to when that was the router's.
 */
static uint32_t
router_icmp_source(const struct router *r, const struct ipv4_pkt *orig)
{
	const struct route *rt;

	if (router_is_local(r, NULL, orig->dst))
		return orig->dst;
	if (router_is_local(r, NULL, orig->src))
		return orig->src;
	rt = route_lookup(r->routes, orig->src);
	if (!rt)
		return 0;
	return router_port_addr(r, rt->port,
				rt->gateway ? rt->gateway : orig->src);
}

void
router_icmp_error(struct router *r, const struct ipv4_pkt *orig,
		  bool link_multicast, uint8_t type, uint8_t code, uint16_t mtu,
		  double now)
{
	uint8_t buf[ICMP_ERROR_MAX_LEN];
	uint32_t src;
	size_t len;

	if (!icmp_error_allowed(orig, link_multicast)) {
		r->stats[STAT_icmp_errors_suppressed]++;
		return;
	}
	src = router_icmp_source(r, orig);
	if (!src) {
		r->stats[STAT_icmp_errors_suppressed]++;
		return;
	}
	if (!icmp_ratelimit_allow(&r->icmp_rl, now)) {
		r->stats[STAT_icmp_rate_limited]++;
		return;
	}
	if (type == ICMP_TYPE_DEST_UNREACH && code == ICMP_CODE_HOST_UNREACH)
		r->stats[STAT_host_unreachable]++;
	len = icmp_build_error(buf, src, r->ip_id++, type, code, mtu, orig);
	if (router_output_local(r, buf, len, now) == 0)
		r->stats[STAT_icmp_errors_sent]++;
}

static int
router_ping_send(void *arg, uint32_t dst, uint8_t ttl, const uint8_t *icmp,
		 size_t len)
{
	struct router *r = arg;

	return router_send_local(r, 0, dst, ttl, IPV4_PROTO_ICMP, icmp, len,
				 router_now(r));
}

static void
router_ping_finished(void *arg, struct ping *p)
{
	struct router *r = arg;

	for (int i = 0; i < r->npings; i++) {
		if (r->pings[i] == p) {
			r->pings[i] = r->pings[--r->npings];
			return;
		}
	}
}

int
router_ping_cmd(struct router *r, struct ctl_req *req, int argc, char **argv)
{
	const struct ping_owner owner = {router_ping_send, router_ping_finished,
					 r};
	struct ping *p;
	int rc;

	if (!r->loop)
		return ctl_fail(req, "ping needs the event loop");
	if (r->npings == ROUTER_PINGS_MAX)
		return ctl_fail(req, "too many pings running");
	rc = ping_cmd(req, argc, argv, r->loop, &owner, &p);
	if (rc == CTL_ASYNC)
		r->pings[r->npings++] = p;
	return rc;
}
