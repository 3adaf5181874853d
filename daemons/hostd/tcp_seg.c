/* The TCP segment (RFC 9293 3.1) and its options (RFC 9293 3.2, RFC 7323,
 * RFC 2018): parsing every length before it is read, and building. */
#include "tcp.h"

#include <arpa/inet.h>
#include <string.h>

#include "checksum.h"

#define TCP_OPT_EOL 0
#define TCP_OPT_NOP 1
#define TCP_OPT_MSS 2
#define TCP_OPT_WS 3
#define TCP_OPT_SACK_OK 4
#define TCP_OPT_SACK 5
#define TCP_OPT_TS 8

#define TCP_CHECK_NAME(name) #name,
const char *const tcp_check_names[TCP_CHECK_COUNT] = {
    TCP_CHECKS(TCP_CHECK_NAME)};

uint16_t
tcp_checksum(uint32_t src, uint32_t dst, const uint8_t *seg, size_t len)
{
	return checksum_pseudo(src, dst, IPV4_PROTO_TCP, seg, len);
}

static uint32_t
tcp_get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static void
tcp_put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/*
 * Reads the options at opt; -1 when one runs past the end or has a length
 * its kind does not allow. Unknown kinds are skipped by their length.
 */
static int
tcp_opts_parse(const uint8_t *opt, size_t len, uint8_t flags,
	       struct tcp_opts *o)
{
	size_t i = 0;

	memset(o, 0, sizeof(*o));
	while (i < len) {
		uint8_t kind = opt[i];
		size_t olen;

		if (kind == TCP_OPT_EOL)
			break;
		if (kind == TCP_OPT_NOP) {
			i++;
			continue;
		}
		if (i + 1 >= len)
			return -1;
		olen = opt[i + 1];
		if (olen < 2 || i + olen > len)
			return -1;
		switch (kind) {
		case TCP_OPT_MSS:
			if (olen != 4)
				return -1;
			/* Only a SYN carries MSS, window scale, SACK
			 * permitted (RFC 9293 3.7.1, RFC 7323 2.2). */
			if (flags & TCP_FLAG_SYN) {
				o->mss_ok = true;
				o->mss =
				    (uint16_t)(opt[i + 2] << 8 | opt[i + 3]);
			}
			break;
		case TCP_OPT_WS:
			if (olen != 3)
				return -1;
			if (flags & TCP_FLAG_SYN) {
				o->ws_ok = true;
				o->ws = opt[i + 2] > TCP_WSCALE_MAX
					    ? TCP_WSCALE_MAX
					    : opt[i + 2];
			}
			break;
		case TCP_OPT_SACK_OK:
			if (olen != 2)
				return -1;
			if (flags & TCP_FLAG_SYN)
				o->sack_ok = true;
			break;
		case TCP_OPT_TS:
			if (olen != 10)
				return -1;
			o->ts_ok = true;
			o->tsval = tcp_get32(opt + i + 2);
			o->tsecr = tcp_get32(opt + i + 6);
			break;
		case TCP_OPT_SACK:
			if (olen < 10 || (olen - 2) % 8)
				return -1;
			for (size_t b = i + 2; b < i + olen; b += 8) {
				if (o->nsack == TCP_SACK_BLOCKS)
					break;
				o->sack[o->nsack][0] = tcp_get32(opt + b);
				o->sack[o->nsack][1] = tcp_get32(opt + b + 4);
				o->nsack++;
			}
			break;
		default:
			break;
		}
		i += olen;
	}
	return 0;
}

enum tcp_check
tcp_parse(const struct ipv4_pkt *pkt, struct tcp_seg *s)
{
	const struct tcp_hdr *h = (const struct tcp_hdr *)pkt->payload;
	size_t off;

	if (pkt->payload_len < TCP_HDR_LEN)
		return TCP_truncated;
	off = (size_t)(h->off >> 4) * 4;
	if (off < TCP_HDR_LEN || off > pkt->payload_len)
		return TCP_bad_offset;
	if (tcp_checksum(pkt->src, pkt->dst, pkt->payload, pkt->payload_len))
		return TCP_bad_checksum;
	if (tcp_opts_parse(pkt->payload + TCP_HDR_LEN, off - TCP_HDR_LEN,
			   h->flags, &s->opt) < 0)
		return TCP_bad_options;
	s->src = pkt->src;
	s->dst = pkt->dst;
	s->sport = ntohs(h->sport);
	s->dport = ntohs(h->dport);
	s->seq = ntohl(h->seq);
	s->ack = ntohl(h->ack);
	s->flags = h->flags;
	s->win = ntohs(h->win);
	s->data = pkt->payload + off;
	s->len = pkt->payload_len - off;
	s->tos = pkt->tos;
	return TCP_ok;
}

size_t
tcp_opts_build(uint8_t *buf, const struct tcp_opts *o)
{
	size_t n = 0;

	if (o->mss_ok) {
		buf[n++] = TCP_OPT_MSS;
		buf[n++] = 4;
		buf[n++] = (uint8_t)(o->mss >> 8);
		buf[n++] = (uint8_t)o->mss;
	}
	/* SACK permitted and timestamps share 12 bytes, as Linux puts
	 * them; each alone is padded with NOPs to 4-byte alignment. */
	if (o->sack_ok && o->ts_ok) {
		buf[n++] = TCP_OPT_SACK_OK;
		buf[n++] = 2;
	} else if (o->ts_ok || o->sack_ok) {
		buf[n++] = TCP_OPT_NOP;
		buf[n++] = TCP_OPT_NOP;
		if (o->sack_ok) {
			buf[n++] = TCP_OPT_SACK_OK;
			buf[n++] = 2;
		}
	}
	if (o->ts_ok) {
		buf[n++] = TCP_OPT_TS;
		buf[n++] = 10;
		tcp_put32(buf + n, o->tsval);
		tcp_put32(buf + n + 4, o->tsecr);
		n += 8;
	}
	if (o->ws_ok) {
		buf[n++] = TCP_OPT_NOP;
		buf[n++] = TCP_OPT_WS;
		buf[n++] = 3;
		buf[n++] = o->ws;
	}
	if (o->nsack > 0) {
		int blocks = o->nsack;

		/* What fits in the 40 bytes left by the rest. */
		while (blocks > 0 && n + 4 + (size_t)blocks * 8 > TCP_OPT_MAX)
			blocks--;
		if (blocks > 0) {
			buf[n++] = TCP_OPT_NOP;
			buf[n++] = TCP_OPT_NOP;
			buf[n++] = TCP_OPT_SACK;
			buf[n++] = (uint8_t)(2 + blocks * 8);
			for (int b = 0; b < blocks; b++) {
				tcp_put32(buf + n, o->sack[b][0]);
				tcp_put32(buf + n + 4, o->sack[b][1]);
				n += 8;
			}
		}
	}
	return n;
}
