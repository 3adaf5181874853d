/* Frames described for people: header fields, tcpdump's words, identity. */
#include "frame.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "icmp.h"
#include "ipv4.h"

#define FNV_OFFSET 0xcbf29ce484222325ull
#define FNV_PRIME 0x100000001b3ull

#define TCP_HDR_MIN 20
#define UDP_HDR_LEN 8
#define TCP_FIN 0x01
#define TCP_SYN 0x02
#define TCP_RST 0x04
#define TCP_PSH 0x08
#define TCP_ACK 0x10
#define TCP_URG 0x20
#define TCP_ECE 0x40
#define TCP_CWR 0x80

/* A summary being written: appends never overflow, and stop when full. */
struct text {
	char *buf;
	size_t size;
	size_t len;
};

static void __attribute__((format(printf, 2, 3)))
text_add(struct text *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!t->buf || t->len + 1 >= t->size)
		return;
	va_start(ap, fmt);
	n = vsnprintf(t->buf + t->len, t->size - t->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		t->len += (size_t)n < t->size - t->len ? (size_t)n
						       : t->size - t->len - 1;
}

static uint16_t
get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t
get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static void
ip_str(uint32_t a, char buf[IPV4_ADDR_STRLEN])
{
	snprintf(buf, IPV4_ADDR_STRLEN, "%u.%u.%u.%u", a >> 24, a >> 16 & 0xff,
		 a >> 8 & 0xff, a & 0xff);
}

static uint64_t
fnv(uint64_t h, const uint8_t *p, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		h ^= p[i];
		h *= FNV_PRIME;
	}
	return h;
}

void
frame_tcp_flags(uint8_t flags, char buf[FRAME_FLAGS_MAX])
{
	static const struct {
		uint8_t bit;
		char c;
	} order[] = {{TCP_FIN, 'F'}, {TCP_SYN, 'S'}, {TCP_RST, 'R'},
		     {TCP_PSH, 'P'}, {TCP_URG, 'U'}, {TCP_ECE, 'E'},
		     {TCP_CWR, 'W'}, {TCP_ACK, '.'}};
	size_t n = 0;

	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++)
		if (flags & order[i].bit)
			buf[n++] = order[i].c;
	buf[n] = '\0';
	if (n == 0)
		snprintf(buf, FRAME_FLAGS_MAX, "none"); /* as tcpdump says */
}

/* Where the Ethernet payload starts (after one 802.1Q tag), or 0. */
static size_t
l3_offset(const uint8_t *frame, size_t len, uint16_t *type, uint16_t *vlan)
{
	size_t off = ETHER_HDR_LEN;

	*vlan = 0;
	if (len < ETHER_HDR_LEN)
		return 0;
	*type = get16(frame + 12);
	if (*type == ETHERTYPE_VLAN) {
		if (len < ETHER_HDR_LEN + ETHER_VLAN_HDR_LEN)
			return 0;
		*vlan = get16(frame + 14) & 0x0fff;
		*type = get16(frame + 16);
		off += ETHER_VLAN_HDR_LEN;
	}
	return off;
}

/* The IPv4 header's length and the datagram's bytes present, or 0 when
 * not even the fixed header is there. */
static size_t
ipv4_extent(const uint8_t *ip, size_t avail, size_t *hdr_len)
{
	size_t total;

	if (avail < IPV4_HDR_LEN || ip[0] >> 4 != 4)
		return 0;
	*hdr_len = (size_t)(ip[0] & 0x0f) * 4;
	total = get16(ip + 2);
	if (*hdr_len < IPV4_HDR_LEN || *hdr_len > total || *hdr_len > avail)
		return 0;
	return total < avail ? total : avail;
}

uint64_t
frame_key(const uint8_t *frame, size_t len)
{
	uint16_t type = 0, vlan;
	size_t off = l3_offset(frame, len, &type, &vlan), hlen, n;
	uint64_t h = FNV_OFFSET;

	if (off == 0)
		return fnv(h, frame, len);
	if (type == ETHERTYPE_IPV4 &&
	    (n = ipv4_extent(frame + off, len - off, &hlen)) != 0) {
		const uint8_t *ip = frame + off;

		h = fnv(h, ip + 12, 8); /* addresses */
		h = fnv(h, ip + 9, 1);	/* protocol */
		h = fnv(h, ip + 4, 4);	/* identification, flags, offset */
		return fnv(h, ip + hlen, n - hlen);
	}
	return fnv(h, frame + off - 2, len - off + 2);
}

void
frame_key_str(uint64_t key, char *buf)
{
	snprintf(buf, FRAME_KEY_STRLEN, "%016llx", (unsigned long long)key);
}

static void
describe_arp(const uint8_t *p, size_t avail, struct frame_desc *d,
	     struct text *t)
{
	char spa[IPV4_ADDR_STRLEN], tpa[IPV4_ADDR_STRLEN];
	uint16_t op;

	d->proto = "arp";
	if (avail < 28 || get16(p) != 1 || get16(p + 2) != ETHERTYPE_IPV4 ||
	    p[4] != 6 || p[5] != 4) {
		text_add(t, "ARP, unsupported or truncated, length %zu", avail);
		return;
	}
	op = get16(p + 6);
	d->has_ip = true;
	d->src_ip = get32(p + 14);
	d->dst_ip = get32(p + 24);
	ip_str(d->src_ip, spa);
	ip_str(d->dst_ip, tpa);
	if (op == 1) {
		text_add(t, "ARP, Request who-has %s tell %s, length 28", tpa,
			 spa);
	} else if (op == 2) {
		char mac[ETHER_ADDR_STRLEN];

		ether_ntoa_buf(p + 8, mac);
		text_add(t, "ARP, Reply %s is-at %s, length 28", spa, mac);
	} else {
		text_add(t, "ARP, opcode %u, length 28", op);
	}
}

static void
describe_tcp(const uint8_t *p, size_t avail, const char *src, const char *dst,
	     struct frame_desc *d, struct text *t)
{
	size_t doff, plen;
	uint32_t seq;

	d->proto = "tcp";
	if (avail < TCP_HDR_MIN) {
		text_add(t, "IP %s > %s: tcp [|tcp]", src, dst);
		return;
	}
	frame_tcp_flags(p[13], d->flags);
	doff = (size_t)(p[12] >> 4) * 4;
	plen = doff >= TCP_HDR_MIN && doff <= avail ? avail - doff : 0;
	seq = get32(p + 4);
	text_add(t, "IP %s.%u > %s.%u: Flags [%s], seq %u", src, get16(p), dst,
		 get16(p + 2), d->flags, seq);
	if (plen)
		text_add(t, ":%u", seq + (uint32_t)plen);
	if (p[13] & TCP_ACK)
		text_add(t, ", ack %u", get32(p + 8));
	text_add(t, ", win %u, length %zu", get16(p + 14), plen);
}

static void
describe_udp(const uint8_t *p, size_t avail, const char *src, const char *dst,
	     struct frame_desc *d, struct text *t)
{
	d->proto = "udp";
	if (avail < UDP_HDR_LEN) {
		text_add(t, "IP %s > %s: udp [|udp]", src, dst);
		return;
	}
	text_add(t, "IP %s.%u > %s.%u: UDP, length %zu", src, get16(p), dst,
		 get16(p + 2), avail - UDP_HDR_LEN);
}

/* ICMP errors in tcpdump's words; the quoted datagram is at q. */
static void
describe_icmp_unreach(uint8_t code, const uint8_t *q, size_t qlen,
		      const uint8_t *p, struct text *t)
{
	char qdst[IPV4_ADDR_STRLEN] = "?";
	/* The quote may be cut short: read the header fields it has. */
	bool quoted = qlen >= IPV4_HDR_LEN && q[0] >> 4 == 4;
	size_t qhlen = quoted ? (size_t)(q[0] & 0x0f) * 4 : 0;

	if (quoted)
		ip_str(get32(q + 16), qdst);
	switch (code) {
	case ICMP_CODE_NET_UNREACH:
		text_add(t, "ICMP net %s unreachable", qdst);
		break;
	case ICMP_CODE_HOST_UNREACH:
		text_add(t, "ICMP host %s unreachable", qdst);
		break;
	case ICMP_CODE_PROTO_UNREACH:
		text_add(t, "ICMP %s protocol %u unreachable", qdst,
			 quoted ? q[9] : 0);
		break;
	case ICMP_CODE_PORT_UNREACH:
		if (qhlen >= IPV4_HDR_LEN && qlen >= qhlen + 4)
			text_add(t, "ICMP %s %s port %u unreachable", qdst,
				 q[9] == IPV4_PROTO_TCP ? "tcp" : "udp",
				 get16(q + qhlen + 2));
		else
			text_add(t, "ICMP %s port unreachable", qdst);
		break;
	case ICMP_CODE_FRAG_NEEDED:
		text_add(t, "ICMP %s unreachable - need to frag (mtu %u)", qdst,
			 get16(p + 6));
		break;
	default:
		text_add(t, "ICMP %s unreachable, code %u", qdst, code);
	}
}

static void
describe_icmp(const uint8_t *p, size_t avail, const char *src, const char *dst,
	      struct frame_desc *d, struct text *t)
{
	d->proto = "icmp";
	text_add(t, "IP %s > %s: ", src, dst);
	if (avail < ICMP_HDR_LEN) {
		text_add(t, "ICMP [|icmp]");
		return;
	}
	switch (p[0]) {
	case ICMP_TYPE_ECHO:
	case ICMP_TYPE_ECHO_REPLY:
		text_add(t, "ICMP echo %s, id %u, seq %u",
			 p[0] == ICMP_TYPE_ECHO ? "request" : "reply",
			 get16(p + 4), get16(p + 6));
		break;
	case ICMP_TYPE_DEST_UNREACH:
		describe_icmp_unreach(p[1], p + ICMP_HDR_LEN,
				      avail - ICMP_HDR_LEN, p, t);
		break;
	case ICMP_TYPE_TIME_EXCEEDED:
		text_add(t, "ICMP time exceeded %s",
			 p[1] == ICMP_CODE_TTL_EXCEEDED ? "in-transit"
							: "reassembly");
		break;
	default:
		text_add(t, "ICMP type-#%u", p[0]);
	}
	text_add(t, ", length %zu", avail);
}

static void
describe_ipv4(const uint8_t *ip, size_t avail, struct frame_desc *d,
	      struct text *t)
{
	char src[IPV4_ADDR_STRLEN], dst[IPV4_ADDR_STRLEN];
	size_t hlen = 0, n = ipv4_extent(ip, avail, &hlen);
	uint16_t frag;

	d->proto = "ipv4";
	if (n == 0) {
		text_add(t, "IP truncated or bad header, length %zu", avail);
		return;
	}
	d->has_ip = true;
	d->ttl = ip[8];
	d->ip_proto = ip[9];
	d->src_ip = get32(ip + 12);
	d->dst_ip = get32(ip + 16);
	ip_str(d->src_ip, src);
	ip_str(d->dst_ip, dst);
	frag = get16(ip + 6);
	if ((frag & IPV4_OFFSET_MASK) != 0) {
		text_add(t, "IP %s > %s: ip-proto-%u", src, dst, ip[9]);
	} else if (ip[9] == IPV4_PROTO_TCP) {
		describe_tcp(ip + hlen, n - hlen, src, dst, d, t);
	} else if (ip[9] == IPV4_PROTO_UDP) {
		describe_udp(ip + hlen, n - hlen, src, dst, d, t);
	} else if (ip[9] == IPV4_PROTO_ICMP) {
		describe_icmp(ip + hlen, n - hlen, src, dst, d, t);
	} else {
		text_add(t, "IP %s > %s: ip-proto-%u, length %zu", src, dst,
			 ip[9], n - hlen);
	}
	if (frag & (IPV4_FLAG_MF | IPV4_OFFSET_MASK))
		text_add(t, " (frag %u:%zu@%u%s)", get16(ip + 4), n - hlen,
			 (frag & IPV4_OFFSET_MASK) * 8u,
			 frag & IPV4_FLAG_MF ? "+" : "");
}

void
frame_describe(const uint8_t *frame, size_t len, struct frame_desc *d,
	       char *summary, size_t size)
{
	struct text t = {summary, size, 0};
	uint16_t type = 0;
	size_t off;

	memset(d, 0, sizeof(*d));
	d->ttl = -1;
	d->proto = "ether";
	if (summary && size)
		summary[0] = '\0';
	d->key = frame_key(frame, len);
	off = l3_offset(frame, len, &type, &d->vlan);
	if (off == 0) {
		text_add(&t, "truncated frame, length %zu", len);
		return;
	}
	memcpy(d->dst_mac, frame, ETHER_ADDR_LEN);
	memcpy(d->src_mac, frame + ETHER_ADDR_LEN, ETHER_ADDR_LEN);
	d->ethertype = type;
	if (d->vlan)
		text_add(&t, "vlan %u, ", d->vlan);
	if (type == ETHERTYPE_IPV4) {
		describe_ipv4(frame + off, len - off, d, &t);
	} else if (type == ETHERTYPE_ARP) {
		describe_arp(frame + off, len - off, d, &t);
	} else if (type == ETHERTYPE_IPV6) {
		d->proto = "ipv6";
		text_add(&t, "IP6, length %zu", len - off);
	} else {
		text_add(&t, "ethertype 0x%04x, length %zu", type, len);
	}
}
