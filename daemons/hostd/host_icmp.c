/* ICMP (RFC 792, RFC 1122 3.2.2) of the host. */
#include "host_icmp.h"

#include <arpa/inet.h>
#include <string.h>

#include "host.h"
#include "ip.h"
#include "ping.h"

static void
host_icmp_echo(struct host *h, const struct ipv4_pkt *pkt,
	       const struct icmp_msg *m)
{
	struct ip_out o = {.src = pkt->dst,
			   .dst = pkt->src,
			   .proto = IPV4_PROTO_ICMP,
			   .tos = pkt->tos};
	size_t len;

	if (host_addr_is_broadcast(h, pkt->dst)) {
		h->stats[STAT_icmp_echo_to_broadcast]++;
		return;
	}
	len = icmp_build_echo(h->l4, ICMP_TYPE_ECHO_REPLY, m->id, m->seq,
			      m->body, m->body_len);
	if (ip_output(h, &o, h->l4, len) == 0)
		h->stats[STAT_icmp_echo_replied]++;
}

/* Offers a message to the running pings; true when one took it. */
static bool
host_icmp_to_pings(struct host *h, uint32_t src, uint8_t ttl,
		   const struct icmp_msg *m)
{
	for (struct host_ping *hp = h->pings; hp; hp = hp->next)
		if (ping_input(hp->ping, src, ttl, m))
			return true;
	return false;
}

/* The UDP socket that sent the datagram quoted in an error. */
static int
host_icmp_to_socket(struct host *h, uint8_t type, uint8_t code, uint32_t from,
		    const uint8_t *quote, size_t len)
{
	const struct ipv4_hdr *ip = (const struct ipv4_hdr *)quote;
	size_t hl = (size_t)(quote[0] & 0x0f) * 4;
	uint16_t sport, dport;
	struct sock *s;

	if (ip->proto != IPV4_PROTO_UDP || len < hl + 4)
		return -1;
	memcpy(&sport, quote + hl, 2);
	memcpy(&dport, quote + hl + 2, 2);
	s = sock_lookup(&h->socks, IPV4_PROTO_UDP, ntohl(ip->src), ntohs(sport),
			ntohl(ip->dst), ntohs(dport));
	if (!s || !s->ops->error)
		return -1;
	s->ops->error(s, type, code, from, ntohl(ip->dst), ntohs(dport));
	return 0;
}

int
host_icmp_notify(struct host *h, uint8_t type, uint8_t code, uint32_t from,
		 const uint8_t *quote, size_t len)
{
	const struct ipv4_hdr *ip = (const struct ipv4_hdr *)quote;
	int rc = -1;

	if (len < IPV4_HDR_LEN || (quote[0] >> 4) != 4 ||
	    (size_t)(quote[0] & 0x0f) * 4 < IPV4_HDR_LEN ||
	    (size_t)(quote[0] & 0x0f) * 4 > len ||
	    !host_addr_find(h, ntohl(ip->src))) {
		h->stats[STAT_icmp_errors_bad_quote]++;
		return -1;
	}
	if (ip->proto == IPV4_PROTO_ICMP) {
		/* A ping's request: hand it the error as if received. */
		size_t qlen = len < IPV4_HDR_MAX + 8 ? len : IPV4_HDR_MAX + 8;
		struct icmp_msg m = {.type = type,
				     .code = code,
				     .body = quote,
				     .body_len = qlen};

		rc = host_icmp_to_pings(h, from, 0, &m) ? 0 : -1;
	} else {
		rc = host_icmp_to_socket(h, type, code, from, quote, len);
	}
	h->stats[rc == 0 ? STAT_icmp_errors_delivered
			 : STAT_icmp_errors_unmatched]++;
	return rc;
}

void
host_icmp_input(struct host *h, const struct ipv4_pkt *pkt, bool link_multicast)
{
	struct icmp_msg m;

	(void)link_multicast;
	h->stats[STAT_icmp_rx]++;
	switch (icmp_parse(pkt->payload, pkt->payload_len, &m)) {
	case ICMP_ok:
		break;
	case ICMP_truncated:
		h->stats[STAT_icmp_truncated]++;
		return;
	default:
		h->stats[STAT_icmp_bad_checksum]++;
		return;
	}
	if (m.type == ICMP_TYPE_ECHO) {
		host_icmp_echo(h, pkt, &m);
	} else if (m.type == ICMP_TYPE_ECHO_REPLY) {
		host_icmp_to_pings(h, pkt->src, pkt->ttl, &m);
	} else if (icmp_type_is_error(m.type)) {
		h->stats[STAT_icmp_errors_rx]++;
		if (m.type == ICMP_TYPE_DEST_UNREACH ||
		    m.type == ICMP_TYPE_TIME_EXCEEDED)
			host_icmp_notify(h, m.type, m.code, pkt->src, m.body,
					 m.body_len);
	} else {
		h->stats[STAT_icmp_unknown_type]++;
	}
}

void
host_icmp_send_error(struct host *h, uint8_t type, uint8_t code,
		     const struct ipv4_pkt *orig, bool link_multicast)
{
	uint8_t buf[ICMP_ERROR_MAX_LEN];
	uint32_t src;
	size_t len;

	if (!icmp_error_allowed(orig, link_multicast) ||
	    host_addr_is_broadcast(h, orig->dst)) {
		h->stats[STAT_icmp_errors_not_allowed]++;
		return;
	}
	if (!icmp_ratelimit_allow(&h->icmp_rl, host_now(h))) {
		h->stats[STAT_icmp_errors_rate_limited]++;
		return;
	}
	src = host_addr_find(h, orig->dst) ? orig->dst
					   : ip_output_source(h, orig->src);
	if (!src)
		return;
	len = icmp_build_error(buf, src, h->ip_id++, type, code, 0, orig);
	if (ip_output_datagram(h, buf, len) == 0)
		h->stats[STAT_icmp_errors_sent]++;
}
