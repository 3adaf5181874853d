/*
 * ICMP of the node (RFC 792, RFC 1122 3.2.2, RFC 1812 4.3): echo replies,
 * the errors it sends, the errors it receives handed to the protocol and
 * socket they concern, and ICMP sockets for ping.
 */
#include "ipnode.h"

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

/* An ICMP message's kind in words, for traces. */
static const char *
ipnode_icmp_words(uint8_t type, uint8_t code)
{
	static const char *const unreach[] = {
	    [ICMP_CODE_NET_UNREACH] = "net unreachable",
	    [ICMP_CODE_HOST_UNREACH] = "host unreachable",
	    [ICMP_CODE_PROTO_UNREACH] = "protocol unreachable",
	    [ICMP_CODE_PORT_UNREACH] = "port unreachable",
	    [ICMP_CODE_FRAG_NEEDED] = "fragmentation needed",
	};

	switch (type) {
	case ICMP_TYPE_ECHO:
		return "echo request";
	case ICMP_TYPE_ECHO_REPLY:
		return "echo reply";
	case ICMP_TYPE_TIME_EXCEEDED:
		return code == ICMP_CODE_REASSEMBLY_EXCEEDED
			   ? "reassembly time exceeded"
			   : "time exceeded";
	case ICMP_TYPE_DEST_UNREACH:
		return code < sizeof(unreach) / sizeof(unreach[0])
			   ? unreach[code]
			   : "destination unreachable";
	case ICMP_TYPE_PARAM_PROBLEM:
		return "parameter problem";
	default:
		return "message";
	}
}

static void
ipnode_icmp_echo(struct ipnode *n, const struct ipv4_pkt *pkt,
		 const struct icmp_msg *m)
{
	/* From the address the request was for (RFC 1122 3.2.2.6). */
	struct ipnode_out o = {.src = pkt->dst,
			       .dst = pkt->src,
			       .proto = IPV4_PROTO_ICMP,
			       .tos = pkt->tos};
	struct pbuf *p;

	if (ipnode_is_broadcast(n, pkt->dst)) {
		ipnode_drop(n, IPNODE_icmp_echo_to_broadcast);
		return;
	}
	p = pbuf_alloc(PBUF_HEADROOM, ICMP_HDR_LEN + m->body_len);
	if (!p) {
		ipnode_drop(n, IPNODE_ip_no_memory);
		return;
	}
	icmp_build_echo(p->data, ICMP_TYPE_ECHO_REPLY, m->id, m->seq, m->body,
			m->body_len);
	if (ipnode_output(n, p, &o) == 0) {
		n->stats[IPNODE_icmp_echo_replied]++;
		trace_note(n->trace, "ICMP echo request: reply sent");
	} else {
		trace_note(n->trace, "ICMP echo request: the reply could not "
				     "be sent");
	}
}

/* An echo reply to the ICMP socket whose identifier it carries. */
static void
ipnode_icmp_reply(struct ipnode *n, const struct ipv4_pkt *pkt,
		  const struct icmp_msg *m)
{
	struct sock *s = sock_lookup(&n->socks, IPV4_PROTO_ICMP, pkt->dst,
				     m->id, pkt->src, 0);
	struct sock_dgram d = {.src = pkt->src,
			       .ttl = pkt->ttl,
			       .data = pkt->payload,
			       .len = pkt->payload_len};

	if (!s) {
		trace_note(n->trace, "ICMP echo reply: no socket for id %u",
			   m->id);
		return;
	}
	trace_note(n->trace,
		   "ICMP echo reply: delivered to the ICMP socket "
		   "of id %u",
		   m->id);
	if (s->ops->recv)
		s->ops->recv(s, &d);
}

static void
ipnode_icmp_input(struct ipnode *n, const struct ipv4_pkt *pkt,
		  bool link_multicast)
{
	struct icmp_msg m;

	(void)link_multicast;
	n->stats[IPNODE_icmp_rx]++;
	switch (icmp_parse(pkt->payload, pkt->payload_len, &m)) {
	case ICMP_ok:
		break;
	case ICMP_truncated:
		ipnode_drop(n, IPNODE_icmp_truncated);
		return;
	default:
		ipnode_drop(n, IPNODE_icmp_bad_checksum);
		return;
	}
	switch (m.type) {
	case ICMP_TYPE_ECHO:
		ipnode_icmp_echo(n, pkt, &m);
		break;
	case ICMP_TYPE_ECHO_REPLY:
		ipnode_icmp_reply(n, pkt, &m);
		break;
	case ICMP_TYPE_DEST_UNREACH:
	case ICMP_TYPE_TIME_EXCEEDED:
	case ICMP_TYPE_PARAM_PROBLEM:
		n->stats[IPNODE_icmp_errors_rx]++;
		trace_note(n->trace,
			   "ICMP %s:", ipnode_icmp_words(m.type, m.code));
		ipnode_icmp_notify(n, m.type, m.code, m.mtu, pkt->src, m.body,
				   m.body_len);
		break;
	default:
		if (icmp_type_is_error(m.type)) {
			n->stats[IPNODE_icmp_errors_rx]++;
			trace_note(n->trace, "ICMP error of type %u: ignored",
				   m.type);
		} else {
			ipnode_drop(n, IPNODE_icmp_unknown_type);
		}
	}
}

/* An error about an echo request of ours: to the ICMP socket of its id. */
static int
ipnode_icmp_sock_error(struct ipnode *n, const struct sock_error *e)
{
	struct sock_error err = *e;
	struct sock *s;

	if (e->quote_len < ICMP_HDR_LEN || e->quote[0] != ICMP_TYPE_ECHO)
		return -1;
	err.sport = (uint16_t)(e->quote[4] << 8 | e->quote[5]);
	s = sock_lookup(&n->socks, IPV4_PROTO_ICMP, e->src, err.sport, e->dst,
			0);
	if (!s || !s->ops->error)
		return -1;
	s->ops->error(s, &err);
	return 0;
}

/* Who sends an ICMP message, for a trace: the node, to whom. */
static void
ipnode_icmp_describe_tx(struct ipnode *n, const struct ipv4_pkt *pkt)
{
	char dst[IPV4_ADDR_STRLEN];

	if (pkt->payload_len < ICMP_HDR_LEN)
		return;
	trace_note(n->trace, "ICMP %s to %s",
		   ipnode_icmp_words(pkt->payload[0], pkt->payload[1]),
		   ipv4_ntoa(pkt->dst, dst));
}

const struct ipnode_proto ipnode_icmp_proto = {
    .num = IPV4_PROTO_ICMP,
    .input = ipnode_icmp_input,
    .error = ipnode_icmp_sock_error,
    .describe_tx = ipnode_icmp_describe_tx,
};

int
ipnode_icmp_notify(struct ipnode *n, uint8_t type, uint8_t code, uint16_t mtu,
		   uint32_t from, const uint8_t *quote, size_t quote_len)
{
	const struct ipv4_hdr *ip = (const struct ipv4_hdr *)quote;
	struct sock_error e = {
	    .type = type, .code = code, .mtu = mtu, .from = from};
	size_t hl;
	int rc = -1;

	if (quote_len < IPV4_HDR_LEN || (quote[0] >> 4) != 4) {
		n->stats[IPNODE_icmp_errors_bad_quote]++;
		return -1;
	}
	hl = (size_t)(quote[0] & 0x0f) * 4;
	if (hl < IPV4_HDR_LEN || hl > quote_len ||
	    !ipnode_is_self(n, ntohl(ip->src))) {
		n->stats[IPNODE_icmp_errors_bad_quote]++;
		return -1;
	}
	e.src = ntohl(ip->src);
	e.dst = ntohl(ip->dst);
	e.quote = quote + hl;
	e.quote_len = quote_len - hl;
	for (int i = 0; i < n->nprotos; i++)
		if (n->protos[i]->num == ip->proto && n->protos[i]->error)
			rc = n->protos[i]->error(n, &e);
	n->stats[rc == 0 ? IPNODE_icmp_errors_delivered
			 : IPNODE_icmp_errors_unmatched]++;
	trace_note(n->trace, "%s",
		   rc == 0 ? "told the socket that sent it"
			   : "no socket it concerns");
	return rc;
}

/*
 * The source of an error about orig: the address orig was sent to when
 * it is the node's, the node's own source when it sent orig, else the
 * node's address on the port that leads back to orig's source (so that
 * traceroute shows the interface facing it).
 */
static uint32_t
ipnode_icmp_source(const struct ipnode *n, const struct ipv4_pkt *orig)
{
	const struct route *rt;

	if (ipnode_is_self(n, orig->dst))
		return orig->dst;
	if (ipnode_is_self(n, orig->src))
		return orig->src;
	rt = route_lookup(n->routes, orig->src);
	if (!rt)
		return 0;
	return ipnode_port_addr(n, rt->port,
				rt->gateway ? rt->gateway : orig->src);
}

void
ipnode_icmp_error(struct ipnode *n, const struct ipv4_pkt *orig,
		  bool link_multicast, uint8_t type, uint8_t code, uint16_t mtu)
{
	struct pbuf *p;
	uint32_t src;

	if (!icmp_error_allowed(orig, link_multicast) ||
	    ipnode_is_broadcast(n, orig->dst) ||
	    !(src = ipnode_icmp_source(n, orig))) {
		n->stats[IPNODE_icmp_errors_not_allowed]++;
		trace_note(n->trace, "no ICMP %s (not allowed: RFC 1812)",
			   ipnode_icmp_words(type, code));
		return;
	}
	if (!icmp_ratelimit_allow(&n->icmp_rl, ipnode_now(n))) {
		n->stats[IPNODE_icmp_errors_rate_limited]++;
		trace_note(n->trace, "no ICMP %s (rate limited)",
			   ipnode_icmp_words(type, code));
		return;
	}
	p = pbuf_alloc(PBUF_HEADROOM, ICMP_ERROR_MAX_LEN);
	if (!p) {
		n->stats[IPNODE_ip_no_memory]++;
		return;
	}
	pbuf_trim(p, icmp_build_error(p->data, src, n->ip_id++, type, code, mtu,
				      orig));
	if (ipnode_output_datagram(n, p) == 0) {
		n->stats[IPNODE_icmp_errors_sent]++;
		if (trace_noting(n->trace)) {
			char to[IPV4_ADDR_STRLEN];

			trace_note(n->trace, "ICMP %s sent to %s",
				   ipnode_icmp_words(type, code),
				   ipv4_ntoa(orig->src, to));
		}
	}
}

int
ipnode_icmp_open(struct ipnode *n, struct sock *s)
{
	s->proto = IPV4_PROTO_ICMP;
	s->raddr = 0;
	s->rport = 0;
	return sock_bind(&n->socks, s, 0, 0);
}

void
ipnode_icmp_close(struct ipnode *n, struct sock *s)
{
	sock_unbind(&n->socks, s);
}

int
ipnode_icmp_send(struct ipnode *n, struct sock *s, uint32_t dst,
		 const uint8_t *msg, size_t len)
{
	struct ipnode_out o = {
	    .dst = dst, .proto = IPV4_PROTO_ICMP, .ttl = s->ttl};
	struct pbuf *p = pbuf_copy(msg, len, PBUF_HEADROOM);

	if (!p) {
		errno = ENOBUFS;
		return -1;
	}
	return ipnode_output(n, p, &o);
}
