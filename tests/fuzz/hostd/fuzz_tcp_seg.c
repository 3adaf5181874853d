/*
 * Fuzz target: TCP segment parsing and option building (tcp_seg.c).
 *
 * The input is a control byte and an IPv4 datagram. The datagram's
 * protocol is set to TCP; the control byte's bits 0-2 are the repairs
 * made to it (fuzz_pkt.h: the IPv4 total length and header checksum, the
 * TCP checksum), so that most inputs reach the option parser and broken
 * ones are still tried.
 *
 * A datagram that tcp_parse() accepts must give a segment whose data lies
 * inside the datagram and whose options are in range; the options built
 * again by tcp_opts_build() must parse back to the same, SACK blocks cut
 * to what fits the 40 bytes as the builder promises. A datagram it refuses
 * must be refused for the first reason in the order tcp_parse() checks.
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <string.h>

#include "fuzz_pkt.h"
#include "ipv4.h"
#include "tcp.h"

#define FUZZ_DGRAM_MAX 65535

static uint8_t dgram[FUZZ_DGRAM_MAX];
static uint8_t again[FUZZ_DGRAM_MAX];

static void
check(bool ok)
{
	if (!ok)
		__builtin_trap();
}

/* The options a parse may give: in range, and only what the flags allow. */
static void
check_opts(const struct tcp_opts *o, uint8_t flags)
{
	check(o->nsack >= 0 && o->nsack <= TCP_SACK_BLOCKS);
	check(!o->ws_ok || o->ws <= TCP_WSCALE_MAX);
	check(o->ws_ok || o->ws == 0);
	check(o->mss_ok || o->mss == 0);
	check(o->ts_ok || (o->tsval == 0 && o->tsecr == 0));
	/* MSS, window scale and SACK permitted mean something on a SYN
	 * only, and are not taken from another segment. */
	if (!(flags & TCP_FLAG_SYN))
		check(!o->mss_ok && !o->ws_ok && !o->sack_ok);
	for (int b = o->nsack; b < TCP_SACK_BLOCKS; b++)
		check(o->sack[b][0] == 0 && o->sack[b][1] == 0);
}

/* The SACK blocks tcp_opts_build() keeps: as many as fit in 40 bytes
 * after the other options, with two NOPs and the kind and length. */
static int
blocks_that_fit(const struct tcp_opts *o)
{
	struct tcp_opts rest = *o;
	uint8_t buf[TCP_OPT_MAX];
	size_t used;
	int blocks = o->nsack;

	rest.nsack = 0;
	used = tcp_opts_build(buf, &rest);
	while (blocks > 0 && used + 4 + (size_t)blocks * 8 > TCP_OPT_MAX)
		blocks--;
	return blocks;
}

static bool
same_opts(const struct tcp_opts *a, const struct tcp_opts *b, int nsack)
{
	if (a->mss_ok != b->mss_ok || a->ws_ok != b->ws_ok ||
	    a->sack_ok != b->sack_ok || a->ts_ok != b->ts_ok ||
	    a->mss != b->mss || a->ws != b->ws || a->tsval != b->tsval ||
	    a->tsecr != b->tsecr || b->nsack != nsack)
		return false;
	for (int i = 0; i < nsack; i++)
		if (a->sack[i][0] != b->sack[i][0] ||
		    a->sack[i][1] != b->sack[i][1])
			return false;
	return true;
}

/*
 * The segment s again with the options tcp_opts_build() makes of its own:
 * it must parse, carry the same header fields and data, and the same
 * options up to the SACK blocks that fit.
 */
static void
check_round_trip(const struct ipv4_pkt *pkt, const struct tcp_seg *s)
{
	uint8_t opt[TCP_OPT_MAX], opt2[TCP_OPT_MAX];
	size_t optlen = tcp_opts_build(opt, &s->opt), seglen;
	uint8_t *tcp = again + IPV4_HDR_LEN;
	struct tcp_hdr *h = (struct tcp_hdr *)tcp;
	struct ipv4_pkt pkt2;
	struct tcp_seg s2;

	check(optlen <= TCP_OPT_MAX && optlen % 4 == 0);
	seglen = TCP_HDR_LEN + optlen + s->len;
	if (IPV4_HDR_LEN + seglen > sizeof(again))
		return;
	memcpy(tcp, pkt->payload, TCP_HDR_LEN);
	memcpy(tcp + TCP_HDR_LEN, opt, optlen);
	memcpy(tcp + TCP_HDR_LEN + optlen, s->data, s->len);
	h->off = (uint8_t)((TCP_HDR_LEN + optlen) / 4 << 4);
	h->check = 0;
	h->check = htons(tcp_checksum(s->src, s->dst, tcp, seglen));
	ipv4_build(again, s->tos, 1, 0, 64, IPV4_PROTO_TCP, s->src, s->dst,
		   seglen);
	check(ipv4_parse(again, IPV4_HDR_LEN + seglen, &pkt2) == IPV4_ok);
	check(tcp_parse(&pkt2, &s2) == TCP_ok);
	check(s2.src == s->src && s2.dst == s->dst && s2.sport == s->sport &&
	      s2.dport == s->dport && s2.seq == s->seq && s2.ack == s->ack &&
	      s2.flags == s->flags && s2.win == s->win && s2.len == s->len);
	check(memcmp(s2.data, s->data, s->len) == 0);
	check(same_opts(&s->opt, &s2.opt, blocks_that_fit(&s->opt)));
	/* Built once more from what came back: the same bytes. */
	check(tcp_opts_build(opt2, &s2.opt) == optlen);
	check(memcmp(opt, opt2, optlen) == 0);
}

/* A datagram tcp_parse() took: where the data is, what the fields say. */
static void
check_segment(const struct ipv4_pkt *pkt, const struct tcp_seg *s, size_t len)
{
	const struct tcp_hdr *h = (const struct tcp_hdr *)pkt->payload;
	const uint8_t *end = pkt->payload + pkt->payload_len;

	check(pkt->payload_len >= TCP_HDR_LEN);
	check(s->data == pkt->payload + (size_t)(h->off >> 4) * 4);
	check(s->data >= pkt->payload + TCP_HDR_LEN && s->data <= end);
	check(s->data + s->len == end && end <= dgram + len);
	check(s->src == pkt->src && s->dst == pkt->dst);
	check(s->sport == ntohs(h->sport) && s->dport == ntohs(h->dport));
	check(s->seq == ntohl(h->seq) && s->ack == ntohl(h->ack));
	check(s->flags == h->flags && s->win == ntohs(h->win));
	check(tcp_checksum(pkt->src, pkt->dst, pkt->payload,
			   pkt->payload_len) == 0);
	check_opts(&s->opt, s->flags);
	check_round_trip(pkt, s);
}

/* A datagram tcp_parse() refused: for the first reason it checks. */
static void
check_refusal(const struct ipv4_pkt *pkt, enum tcp_check rc)
{
	size_t off;

	check(rc > TCP_ok && rc < TCP_CHECK_COUNT);
	if (pkt->payload_len < TCP_HDR_LEN) {
		check(rc == TCP_truncated);
		return;
	}
	off = (size_t)(pkt->payload[12] >> 4) * 4;
	if (off < TCP_HDR_LEN || off > pkt->payload_len) {
		check(rc == TCP_bad_offset);
		return;
	}
	if (tcp_checksum(pkt->src, pkt->dst, pkt->payload, pkt->payload_len)) {
		check(rc == TCP_bad_checksum);
		return;
	}
	check(rc == TCP_bad_options);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ipv4_pkt pkt;
	struct tcp_seg s;
	enum tcp_check rc;
	size_t len;

	if (size < 1)
		return 0;
	len = size - 1 < sizeof(dgram) ? size - 1 : sizeof(dgram);
	memcpy(dgram, data + 1, len);
	if (len > 9)
		dgram[9] = IPV4_PROTO_TCP;
	fuzz_fix_ipv4(dgram, len, data[0] & FUZZ_FIX_ALL);
	if (ipv4_parse(dgram, len, &pkt) != IPV4_ok)
		return 0;
	memset(&s, 0, sizeof(s));
	rc = tcp_parse(&pkt, &s);
	if (rc == TCP_ok)
		check_segment(&pkt, &s, len);
	else
		check_refusal(&pkt, rc);
	return 0;
}
