/* UDP (RFC 768) over the host's IPv4. */
#include "udp.h"

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "checksum.h"
#include "host.h"
#include "host_icmp.h"
#include "ip.h"

uint16_t
udp_checksum(uint32_t src, uint32_t dst, const uint8_t *udp, size_t len)
{
	uint8_t pseudo[12];
	uint32_t sum;

	src = htonl(src);
	dst = htonl(dst);
	memcpy(pseudo, &src, 4);
	memcpy(pseudo + 4, &dst, 4);
	pseudo[8] = 0;
	pseudo[9] = IPV4_PROTO_UDP;
	pseudo[10] = (uint8_t)(len >> 8);
	pseudo[11] = (uint8_t)len;
	sum = checksum_add(0, pseudo, sizeof(pseudo));
	return checksum_fold(checksum_add(sum, udp, len));
}

void
udp_input(struct host *h, const struct ipv4_pkt *pkt, bool link_multicast)
{
	const struct udp_hdr *u = (const struct udp_hdr *)pkt->payload;
	size_t len;
	struct sock *s;

	h->stats[STAT_udp_rx]++;
	if (pkt->payload_len < UDP_HDR_LEN) {
		h->stats[STAT_udp_truncated]++;
		return;
	}
	len = ntohs(u->len);
	if (len < UDP_HDR_LEN || len > pkt->payload_len) {
		h->stats[STAT_udp_bad_length]++;
		return;
	}
	if (u->check &&
	    udp_checksum(pkt->src, pkt->dst, pkt->payload, len) != 0) {
		h->stats[STAT_udp_bad_checksum]++;
		return;
	}
	s = sock_lookup(&h->socks, IPV4_PROTO_UDP, pkt->dst, ntohs(u->dport),
			pkt->src, ntohs(u->sport));
	if (!s) {
		h->stats[STAT_udp_no_port]++;
		host_icmp_send_error(h, ICMP_TYPE_DEST_UNREACH,
				     ICMP_CODE_PORT_UNREACH, pkt,
				     link_multicast);
		return;
	}
	h->stats[STAT_udp_delivered]++;
	if (s->ops->recv)
		s->ops->recv(s, pkt->src, ntohs(u->sport),
			     pkt->payload + UDP_HDR_LEN, len - UDP_HDR_LEN);
}

int
udp_open(struct host *h, struct sock *s, uint32_t laddr, uint16_t lport)
{
	if (laddr && !host_addr_find(h, laddr)) {
		errno = EADDRNOTAVAIL;
		return -1;
	}
	s->proto = IPV4_PROTO_UDP;
	s->raddr = 0;
	s->rport = 0;
	return sock_bind(&h->socks, s, laddr, lport);
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
	sock_unbind(&h->socks, s);
}

int
udp_send(struct host *h, struct sock *s, uint32_t dst, uint16_t dport,
	 const uint8_t *data, size_t len)
{
	struct udp_hdr *u = (struct udp_hdr *)h->l4;
	struct ip_out o = {.dst = dst ? dst : s->raddr,
			   .proto = IPV4_PROTO_UDP,
			   .ttl = s->ttl};
	uint16_t check;

	if (!dst)
		dport = s->rport;
	if (!o.dst || !dport) {
		errno = ENOTCONN;
		return -1;
	}
	if (len > UDP_PAYLOAD_MAX) {
		errno = EMSGSIZE;
		return -1;
	}
	o.src = s->laddr ? s->laddr : ip_output_source(h, o.dst);
	u->sport = htons(s->lport);
	u->dport = htons(dport);
	u->len = htons((uint16_t)(UDP_HDR_LEN + len));
	u->check = 0;
	memmove(h->l4 + UDP_HDR_LEN, data, len);
	check = udp_checksum(o.src, o.dst, h->l4, UDP_HDR_LEN + len);
	u->check = htons(check ? check : 0xffff);
	h->stats[STAT_udp_tx]++;
	return ip_output(h, &o, h->l4, UDP_HDR_LEN + len);
}
