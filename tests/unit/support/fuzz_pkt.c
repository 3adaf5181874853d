/* Packet repairs for fuzz targets. */
#include "fuzz_pkt.h"

#include "checksum.h"
#include "ether.h"
#include "ipv4.h"
#include "trace.h"

static uint16_t
fuzz_read16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t
fuzz_read32(const uint8_t *p)
{
	return (uint32_t)fuzz_read16(p) << 16 | fuzz_read16(p + 2);
}

static void
fuzz_write16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* The UDP checksum with its pseudo-header; 0 is sent as 0xffff. */
static uint16_t
fuzz_udp_sum(const uint8_t *ip, const uint8_t *udp, size_t len)
{
	uint8_t pseudo[12];
	uint32_t sum;
	uint16_t check;

	for (int i = 0; i < 8; i++)
		pseudo[i] = ip[12 + i];
	pseudo[8] = 0;
	pseudo[9] = IPV4_PROTO_UDP;
	fuzz_write16(pseudo + 10, (uint16_t)len);
	sum = checksum_add(0, pseudo, sizeof(pseudo));
	check = checksum_fold(checksum_add(sum, udp, len));
	return check ? check : 0xffff;
}

static void
fuzz_fix_l4(uint8_t *ip, size_t hdr_len, size_t total)
{
	uint8_t *l4 = ip + hdr_len;
	size_t len = total - hdr_len;

	if (fuzz_read16(ip + 6) & (IPV4_FLAG_MF | IPV4_OFFSET_MASK))
		return;
	if (ip[9] == IPV4_PROTO_ICMP && len >= 8) {
		fuzz_write16(l4 + 2, 0);
		fuzz_write16(l4 + 2, checksum(l4, len));
	} else if (ip[9] == IPV4_PROTO_UDP && len >= 8 && len <= 0xffff) {
		fuzz_write16(l4 + 4, (uint16_t)len);
		fuzz_write16(l4 + 6, 0);
		fuzz_write16(l4 + 6, fuzz_udp_sum(ip, l4, len));
	} else if (ip[9] == IPV4_PROTO_TCP && len >= 20 && len <= 0xffff) {
		/* TCP has no length of its own: only the checksum. */
		fuzz_write16(l4 + 16, 0);
		fuzz_write16(l4 + 16, checksum_pseudo(fuzz_read32(ip + 12),
						      fuzz_read32(ip + 16),
						      IPV4_PROTO_TCP, l4, len));
	}
}

void
fuzz_fix_ipv4(uint8_t *buf, size_t len, unsigned flags)
{
	size_t hdr_len, total;

	if (len < IPV4_HDR_LEN || buf[0] >> 4 != 4)
		return;
	hdr_len = (size_t)(buf[0] & 0x0f) * 4;
	if (hdr_len < IPV4_HDR_LEN || hdr_len > len)
		return;
	if (flags & FUZZ_FIX_IP_LEN)
		fuzz_write16(buf + 2, (uint16_t)(len < 0xffff ? len : 0xffff));
	total = fuzz_read16(buf + 2);
	if ((flags & FUZZ_FIX_L4) && total >= hdr_len && total <= len)
		fuzz_fix_l4(buf, hdr_len, total);
	if (flags & FUZZ_FIX_IP_SUM) {
		fuzz_write16(buf + 10, 0);
		fuzz_write16(buf + 10, checksum(buf, hdr_len));
	}
}

void
fuzz_fix_frame(uint8_t *frame, size_t len, unsigned flags)
{
	if (len < ETHER_HDR_LEN || fuzz_read16(frame + 12) != ETHERTYPE_IPV4)
		return;
	fuzz_fix_ipv4(frame + ETHER_HDR_LEN, len - ETHER_HDR_LEN, flags);
}

void
fuzz_trace_toggle(struct trace *tr, bool filtered)
{
	char err[CAPTURE_ERR_MAX];

	if (tr->on) {
		trace_stop(tr);
		json_decref(trace_json(tr));
		return;
	}
	if (trace_start(tr, filtered ? FUZZ_TRACE_FILTER : "", err,
			sizeof(err)) < 0)
		__builtin_trap(); /* a filter of ours refused */
}
