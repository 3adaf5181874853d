/* IPv4 headers: validation, building, addresses and fragmentation. */
#include "ipv4.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checksum.h"

#define IPV4_CHECK_NAME(name) #name,
const char *const ipv4_check_names[IPV4_CHECK_COUNT] = {
    IPV4_CHECKS(IPV4_CHECK_NAME)};
#undef IPV4_CHECK_NAME

/* Option types with the copied flag (RFC 791: "copied flag"). */
#define IPV4_OPT_EOL 0
#define IPV4_OPT_NOP 1
#define IPV4_OPT_COPIED 0x80

static uint16_t
ipv4_read16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t
ipv4_read32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static void
ipv4_write16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

enum ipv4_check
ipv4_parse(const uint8_t *buf, size_t len, struct ipv4_pkt *out)
{
	size_t hdr_len, total;

	if (len < IPV4_HDR_LEN)
		return IPV4_truncated;
	if (buf[0] >> 4 != 4)
		return IPV4_bad_version;
	hdr_len = (size_t)(buf[0] & 0x0f) * 4;
	if (hdr_len < IPV4_HDR_LEN)
		return IPV4_bad_ihl;
	if (hdr_len > len)
		return IPV4_truncated;
	total = ipv4_read16(buf + 2);
	if (total < hdr_len)
		return IPV4_bad_total_length;
	if (total > len)
		return IPV4_truncated;
	if (checksum(buf, hdr_len) != 0)
		return IPV4_bad_checksum;
	out->data = buf;
	out->len = total;
	out->hdr_len = hdr_len;
	out->payload = buf + hdr_len;
	out->payload_len = total - hdr_len;
	out->tos = buf[1];
	out->id = ipv4_read16(buf + 4);
	out->frag = ipv4_read16(buf + 6);
	out->ttl = buf[8];
	out->proto = buf[9];
	out->src = ipv4_read32(buf + 12);
	out->dst = ipv4_read32(buf + 16);
	return IPV4_ok;
}

size_t
ipv4_build(uint8_t *buf, uint8_t tos, uint16_t id, uint16_t frag, uint8_t ttl,
	   uint8_t proto, uint32_t src, uint32_t dst, size_t payload_len)
{
	struct ipv4_hdr *h = (struct ipv4_hdr *)buf;

	h->ver_ihl = 0x45;
	h->tos = tos;
	h->total_len = htons((uint16_t)(IPV4_HDR_LEN + payload_len));
	h->id = htons(id);
	h->frag = htons(frag);
	h->ttl = ttl;
	h->proto = proto;
	h->check = 0;
	h->src = htonl(src);
	h->dst = htonl(dst);
	h->check = htons(checksum(buf, IPV4_HDR_LEN));
	return IPV4_HDR_LEN;
}

void
ipv4_ttl_decrement(uint8_t *buf)
{
	uint16_t old_word = ipv4_read16(buf + 8), check;

	buf[8]--;
	check = checksum_update16(ipv4_read16(buf + 10), old_word,
				  ipv4_read16(buf + 8));
	ipv4_write16(buf + 10, check);
}

int
ipv4_aton(const char *s, uint32_t *addr)
{
	uint32_t a = 0;

	for (int i = 0; i < 4; i++) {
		unsigned v = 0;
		int digits = 0;

		while (*s >= '0' && *s <= '9' && digits < 4) {
			v = v * 10 + (unsigned)(*s++ - '0');
			digits++;
		}
		if (digits == 0 || digits > 3 || v > 255)
			return -1;
		a = a << 8 | v;
		if (i < 3 && *s++ != '.')
			return -1;
	}
	if (*s)
		return -1;
	*addr = a;
	return 0;
}

int
ipv4_cidr_aton(const char *s, uint32_t *addr, unsigned *len)
{
	char buf[IPV4_CIDR_STRLEN + 1];
	const char *slash = strchr(s, '/');
	char *end;
	long l;

	if (strcmp(s, "default") == 0) {
		*addr = 0;
		*len = 0;
		return 0;
	}
	if (!slash || (size_t)(slash - s) >= sizeof(buf) || !slash[1])
		return -1;
	memcpy(buf, s, (size_t)(slash - s));
	buf[slash - s] = '\0';
	if (slash[1] < '0' || slash[1] > '9')
		return -1;
	l = strtol(slash + 1, &end, 10);
	if (*end || l < 0 || l > 32 || end - slash > 3)
		return -1;
	if (ipv4_aton(buf, addr) < 0)
		return -1;
	*len = (unsigned)l;
	return 0;
}

char *
ipv4_ntoa(uint32_t addr, char *buf)
{
	snprintf(buf, IPV4_ADDR_STRLEN, "%u.%u.%u.%u", addr >> 24,
		 (addr >> 16) & 0xff, (addr >> 8) & 0xff, addr & 0xff);
	return buf;
}

char *
ipv4_cidr_ntoa(uint32_t addr, unsigned len, char *buf)
{
	char a[IPV4_ADDR_STRLEN];

	snprintf(buf, IPV4_CIDR_STRLEN, "%s/%u", ipv4_ntoa(addr, a), len);
	return buf;
}

bool
ipv4_martian_dst(uint32_t addr)
{
	uint8_t first = (uint8_t)(addr >> 24);

	return first == 0 || first == 127 || (first >> 4) == 0xf;
}

bool
ipv4_martian_src(uint32_t addr)
{
	return ipv4_martian_dst(addr) || ipv4_is_multicast(addr);
}

/*
 * The options that fragments after the first carry: those with the copied
 * flag, padded to a multiple of 4 with end-of-list. Returns their length.
 */
static size_t
ipv4_copied_options(const uint8_t *opt, size_t len, uint8_t *out)
{
	size_t i = 0, n = 0;

	while (i < len) {
		size_t optlen;

		if (opt[i] == IPV4_OPT_EOL)
			break;
		if (opt[i] == IPV4_OPT_NOP) {
			i++;
			continue;
		}
		if (i + 1 >= len || opt[i + 1] < 2 || i + opt[i + 1] > len)
			break; /* malformed: copy nothing more */
		optlen = opt[i + 1];
		if (opt[i] & IPV4_OPT_COPIED) {
			memcpy(out + n, opt + i, optlen);
			n += optlen;
		}
		i += optlen;
	}
	while (n % 4)
		out[n++] = IPV4_OPT_EOL;
	return n;
}

int
ipv4_fragment(const struct ipv4_pkt *pkt, unsigned mtu, ipv4_frag_fn fn,
	      void *arg)
{
	uint8_t hdr[IPV4_HDR_MAX];
	size_t off = 0, hdr_len = pkt->hdr_len;
	uint16_t base = pkt->frag & IPV4_OFFSET_MASK;
	bool more = (pkt->frag & IPV4_FLAG_MF) != 0;
	uint8_t *frag;
	int rc = 0;

	if (pkt->len <= mtu)
		return fn(pkt->data, pkt->len, arg);
	if (pkt->frag & IPV4_FLAG_DF) {
		errno = EMSGSIZE;
		return -1;
	}
	/* Data past 65535 bytes would get offsets that wrap around to the
	 * start of the datagram. */
	if (mtu < hdr_len + 8 || mtu > 0xffff ||
	    (size_t)base * 8 + pkt->payload_len > 0xffff) {
		errno = EINVAL;
		return -1;
	}
	frag = malloc(mtu);
	if (!frag)
		return -1;
	memcpy(hdr, pkt->data, hdr_len);
	while (off < pkt->payload_len && rc == 0) {
		size_t room = (mtu - hdr_len) & ~(size_t)7;
		size_t chunk = pkt->payload_len - off;
		bool last = chunk <= room;
		uint16_t flags;

		if (!last)
			chunk = room;
		memcpy(frag, hdr, hdr_len);
		memcpy(frag + hdr_len, pkt->payload + off, chunk);
		flags = (uint16_t)(base + off / 8) & IPV4_OFFSET_MASK;
		if (!last || more)
			flags |= IPV4_FLAG_MF;
		ipv4_write16(frag + 2, (uint16_t)(hdr_len + chunk));
		ipv4_write16(frag + 6, flags);
		ipv4_write16(frag + 10, 0);
		ipv4_write16(frag + 10, checksum(frag, hdr_len));
		rc = fn(frag, hdr_len + chunk, arg);
		if (off == 0) {
			/* Fragments after the first: copied options only. */
			hdr_len =
			    IPV4_HDR_LEN +
			    ipv4_copied_options(pkt->data + IPV4_HDR_LEN,
						pkt->hdr_len - IPV4_HDR_LEN,
						hdr + IPV4_HDR_LEN);
			hdr[0] = (uint8_t)(0x40 | hdr_len / 4);
		}
		off += chunk;
	}
	free(frag);
	return rc;
}
