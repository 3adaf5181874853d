/* ICMP messages and the RFC 1812 rules for errors. */
#include "icmp.h"

#include <arpa/inet.h>
#include <string.h>

#include "checksum.h"

#define ICMP_CHECK_NAME(name) #name,
const char *const icmp_check_names[ICMP_CHECK_COUNT] = {
    ICMP_CHECKS(ICMP_CHECK_NAME)};
#undef ICMP_CHECK_NAME

#define ICMP_ERROR_TOS 0xc0

enum icmp_check
icmp_parse(const uint8_t *buf, size_t len, struct icmp_msg *out)
{
	if (len < ICMP_HDR_LEN)
		return ICMP_truncated;
	if (checksum(buf, len) != 0)
		return ICMP_bad_checksum;
	out->type = buf[0];
	out->code = buf[1];
	out->id = (uint16_t)(buf[4] << 8 | buf[5]);
	out->seq = (uint16_t)(buf[6] << 8 | buf[7]);
	out->mtu = 0;
	if (out->type == ICMP_TYPE_DEST_UNREACH &&
	    out->code == ICMP_CODE_FRAG_NEEDED)
		out->mtu = out->seq;
	out->body = buf + ICMP_HDR_LEN;
	out->body_len = len - ICMP_HDR_LEN;
	return ICMP_ok;
}

bool
icmp_type_is_error(uint8_t type)
{
	switch (type) {
	case ICMP_TYPE_DEST_UNREACH:
	case ICMP_TYPE_SOURCE_QUENCH:
	case ICMP_TYPE_REDIRECT:
	case ICMP_TYPE_TIME_EXCEEDED:
	case ICMP_TYPE_PARAM_PROBLEM:
		return true;
	default:
		return false;
	}
}

size_t
icmp_build_echo(uint8_t *buf, uint8_t type, uint16_t id, uint16_t seq,
		const uint8_t *data, size_t len)
{
	struct icmp_hdr *h = (struct icmp_hdr *)buf;

	h->type = type;
	h->code = 0;
	h->check = 0;
	h->un.echo.id = htons(id);
	h->un.echo.seq = htons(seq);
	if (len)
		memmove(buf + ICMP_HDR_LEN, data, len);
	h->check = htons(checksum(buf, ICMP_HDR_LEN + len));
	return ICMP_HDR_LEN + len;
}

bool
icmp_error_allowed(const struct ipv4_pkt *orig, bool link_multicast)
{
	if (link_multicast)
		return false;
	if ((orig->frag & IPV4_OFFSET_MASK) != 0)
		return false;
	if (ipv4_is_multicast(orig->dst) ||
	    ipv4_is_limited_broadcast(orig->dst))
		return false;
	/* 127/8 reaches here only on the loopback (input drops it from a
	 * wire as a martian): the node's own datagram, which may be told. */
	if (ipv4_martian_src(orig->src) && (orig->src >> 24) != 127)
		return false;
	if (orig->proto == IPV4_PROTO_ICMP) {
		/* The type of an ICMP message is its payload's first byte;
		 * one too short to tell is no error message either. */
		if (orig->payload_len < 1 ||
		    icmp_type_is_error(orig->payload[0]))
			return false;
	}
	return true;
}

size_t
icmp_build_error(uint8_t *buf, uint32_t src, uint16_t id, uint8_t type,
		 uint8_t code, uint16_t mtu, const struct ipv4_pkt *orig)
{
	uint8_t *icmp = buf + IPV4_HDR_LEN;
	struct icmp_hdr *h = (struct icmp_hdr *)icmp;
	size_t quote = orig->len;

	if (quote > ICMP_ERROR_MAX_LEN - IPV4_HDR_LEN - ICMP_HDR_LEN)
		quote = ICMP_ERROR_MAX_LEN - IPV4_HDR_LEN - ICMP_HDR_LEN;
	h->type = type;
	h->code = code;
	h->check = 0;
	h->un.gateway = 0;
	if (type == ICMP_TYPE_DEST_UNREACH && code == ICMP_CODE_FRAG_NEEDED)
		h->un.frag.mtu = htons(mtu);
	memcpy(icmp + ICMP_HDR_LEN, orig->data, quote);
	h->check = htons(checksum(icmp, ICMP_HDR_LEN + quote));
	ipv4_build(buf, ICMP_ERROR_TOS, id, 0, IPV4_DEFAULT_TTL,
		   IPV4_PROTO_ICMP, src, orig->src, ICMP_HDR_LEN + quote);
	return IPV4_HDR_LEN + ICMP_HDR_LEN + quote;
}

void
icmp_ratelimit_init(struct icmp_ratelimit *rl, double rate, double burst)
{
	rl->rate = rate;
	rl->burst = burst;
	rl->tokens = burst;
	rl->last = 0;
}

bool
icmp_ratelimit_allow(struct icmp_ratelimit *rl, double now)
{
	if (now > rl->last) {
		rl->tokens += (now - rl->last) * rl->rate;
		if (rl->tokens > rl->burst)
			rl->tokens = rl->burst;
		rl->last = now;
	}
	if (rl->tokens < 1)
		return false;
	rl->tokens -= 1;
	return true;
}
