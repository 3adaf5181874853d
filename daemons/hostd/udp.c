/* UDP (RFC 768) over the host's IPv4 node. */
#include "udp.h"

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "checksum.h"

uint16_t
udp_checksum(uint32_t src, uint32_t dst, const uint8_t *udp, size_t len)
{
	return checksum_pseudo(src, dst, IPV4_PROTO_UDP, udp, len);
}

static void
udp_input(struct ipnode *n, const struct ipv4_pkt *pkt, bool link_multicast)
{
	struct host *h = (struct host *)n;
	const struct udp_hdr *u = (const struct udp_hdr *)pkt->payload;
	struct sock_dgram d = {.src = pkt->src, .ttl = pkt->ttl};
	size_t len;
	struct sock *s;

	h->stats[STAT_udp_rx]++;
	if (pkt->payload_len < UDP_HDR_LEN) {
		h->stats[STAT_udp_truncated]++;
		trace_drop(n->trace, "truncated UDP header");
		return;
	}
	len = ntohs(u->len);
	if (len < UDP_HDR_LEN || len > pkt->payload_len) {
		h->stats[STAT_udp_bad_length]++;
		trace_drop(n->trace, "bad UDP length");
		return;
	}
	if (u->check &&
	    udp_checksum(pkt->src, pkt->dst, pkt->payload, len) != 0) {
		h->stats[STAT_udp_bad_checksum]++;
		trace_drop(n->trace, "bad checksum");
		return;
	}
	s = sock_lookup(&n->socks, IPV4_PROTO_UDP, pkt->dst, ntohs(u->dport),
			pkt->src, ntohs(u->sport));
	if (!s) {
		h->stats[STAT_udp_no_port]++;
		trace_note(n->trace,
			   "no UDP socket on port %u:", ntohs(u->dport));
		ipnode_icmp_error(n, pkt, link_multicast,
				  ICMP_TYPE_DEST_UNREACH,
				  ICMP_CODE_PORT_UNREACH, 0);
		return;
	}
	h->stats[STAT_udp_delivered]++;
	if (trace_noting(n->trace)) {
		char addr[IPV4_ADDR_STRLEN];

		trace_note(n->trace, "delivered to UDP %s:%u, %zu bytes",
			   ipv4_ntoa(pkt->dst, addr), ntohs(u->dport),
			   len - UDP_HDR_LEN);
	}
	d.sport = ntohs(u->sport);
	d.data = pkt->payload + UDP_HDR_LEN;
	d.len = len - UDP_HDR_LEN;
	if (s->ops->recv)
		s->ops->recv(s, &d);
}

/* An ICMP error about a datagram of ours: to the socket that sent it. */
static int
udp_error(struct ipnode *n, const struct sock_error *e)
{
	struct sock_error err = *e;
	struct sock *s;

	if (e->quote_len < 4)
		return -1;
	err.sport = (uint16_t)(e->quote[0] << 8 | e->quote[1]);
	err.dport = (uint16_t)(e->quote[2] << 8 | e->quote[3]);
	s = sock_lookup(&n->socks, IPV4_PROTO_UDP, e->src, err.sport, e->dst,
			err.dport);
	if (!s || !s->ops->error)
		return -1;
	s->ops->error(s, &err);
	return 0;
}

/* Who sends a UDP datagram, for a trace. */
static void
udp_describe_tx(struct ipnode *n, const struct ipv4_pkt *pkt)
{
	const struct udp_hdr *u = (const struct udp_hdr *)pkt->payload;
	char src[IPV4_ADDR_STRLEN], dst[IPV4_ADDR_STRLEN];

	if (pkt->payload_len < UDP_HDR_LEN)
		return;
	trace_note(n->trace, "sent by UDP %s:%u -> %s:%u",
		   ipv4_ntoa(pkt->src, src), ntohs(u->sport),
		   ipv4_ntoa(pkt->dst, dst), ntohs(u->dport));
}

const struct ipnode_proto udp_proto = {
    .num = IPV4_PROTO_UDP,
    .input = udp_input,
    .error = udp_error,
    .describe_tx = udp_describe_tx,
};

int
udp_open(struct host *h, struct sock *s, uint32_t laddr, uint16_t lport)
{
	if (laddr && !ipnode_addr_find(&h->node, NULL, laddr)) {
		errno = EADDRNOTAVAIL;
		return -1;
	}
	s->proto = IPV4_PROTO_UDP;
	s->raddr = 0;
	s->rport = 0;
	return sock_bind(&h->node.socks, s, laddr, lport);
}

int
udp_connect(struct host *h, struct sock *s, uint32_t raddr, uint16_t rport)
{
	(void)h;
	if (!raddr || !rport) {
		errno = EINVAL;
		return -1;
	}
	s->raddr = raddr;
	s->rport = rport;
	return 0;
}

void
udp_close(struct host *h, struct sock *s)
{
	sock_unbind(&h->node.socks, s);
}

int
udp_send(struct host *h, struct sock *s, uint32_t dst, uint16_t dport,
	 struct pbuf *p)
{
	struct ipnode_out o = {.dst = dst ? dst : s->raddr,
			       .proto = IPV4_PROTO_UDP,
			       .ttl = s->ttl};
	struct udp_hdr *u;
	uint16_t check;
	int err;

	if (!dst)
		dport = s->rport;
	err = !o.dst || !dport		       ? ENOTCONN
	      : p->len > UDP_PAYLOAD_MAX       ? EMSGSIZE
	      : pbuf_headroom(p) < UDP_HDR_LEN ? ENOBUFS
					       : 0;
	if (err) {
		h->stats[STAT_udp_tx_failed]++;
		pbuf_free(p);
		errno = err;
		return -1;
	}
	o.src = s->laddr ? s->laddr : ipnode_source(&h->node, o.dst);
	u = (struct udp_hdr *)pbuf_push(p, UDP_HDR_LEN);
	u->sport = htons(s->lport);
	u->dport = htons(dport);
	u->len = htons((uint16_t)p->len);
	u->check = 0;
	check = udp_checksum(o.src, o.dst, p->data, p->len);
	u->check = htons(check ? check : 0xffff);
	h->stats[STAT_udp_tx]++;
	return ipnode_output(&h->node, p, &o);
}

int
udp_send_copy(struct host *h, struct sock *s, uint32_t dst, uint16_t dport,
	      const uint8_t *data, size_t len)
{
	struct pbuf *p = pbuf_copy(data, len, PBUF_HEADROOM);

	if (!p) {
		errno = ENOBUFS;
		return -1;
	}
	return udp_send(h, s, dst, dport, p);
}
