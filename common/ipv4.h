/*
 * IPv4 (RFC 791): the header as it sits in a buffer, validation with a
 * named reason for each way a header can be wrong, building, address and
 * prefix helpers, martian checks (RFC 1812 5.3.7), and fragmentation.
 *
 * Addresses passed to and returned by these functions are host-order
 * uint32_t; headers in buffers stay in network byte order.
 */
#ifndef HOPLAB_IPV4_H
#define HOPLAB_IPV4_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define IPV4_HDR_LEN 20	    /* without options */
#define IPV4_HDR_MAX 60	    /* with 40 bytes of options */
#define IPV4_MIN_MTU 68	    /* RFC 791: every link carries this */
#define IPV4_ADDR_STRLEN 16 /* "255.255.255.255" */
#define IPV4_CIDR_STRLEN 19 /* "255.255.255.255/32" */
#define IPV4_DEFAULT_TTL 64

#define IPV4_FLAG_DF 0x4000
#define IPV4_FLAG_MF 0x2000
#define IPV4_OFFSET_MASK 0x1fff /* in units of 8 bytes */

#define IPV4_PROTO_ICMP 1
#define IPV4_PROTO_TCP 6
#define IPV4_PROTO_UDP 17

/* The header on the wire: multi-byte fields in network byte order. */
struct ipv4_hdr {
	uint8_t ver_ihl; /* version << 4 | header length in 32-bit words */
	uint8_t tos;
	uint16_t total_len;
	uint16_t id;
	uint16_t frag; /* flags << 13 | offset */
	uint8_t ttl;
	uint8_t proto;
	uint16_t check;
	uint32_t src;
	uint32_t dst;
} __attribute__((packed));

/* Every way ipv4_parse() finds a header wrong, in the order it checks. */
#define IPV4_CHECKS(X)                                                         \
	X(ok)                                                                  \
	X(truncated)                                                           \
	X(bad_version)                                                         \
	X(bad_ihl)                                                             \
	X(bad_total_length)                                                    \
	X(bad_checksum)

#define IPV4_CHECK_ENUM(name) IPV4_##name,
enum ipv4_check { IPV4_CHECKS(IPV4_CHECK_ENUM) IPV4_CHECK_COUNT };
#undef IPV4_CHECK_ENUM

/* "ok", "truncated", ...: usable as counter names. */
extern const char *const ipv4_check_names[IPV4_CHECK_COUNT];

/* What ipv4_parse() found, fields converted to host order. */
struct ipv4_pkt {
	const uint8_t *data; /* the header's first byte */
	size_t len;	     /* total length: header, options and payload */
	size_t hdr_len;	     /* 20 to 60 */
	const uint8_t *payload;
	size_t payload_len;
	uint8_t tos;
	uint16_t id;
	uint16_t frag; /* flags and offset */
	uint8_t ttl;
	uint8_t proto;
	uint32_t src;
	uint32_t dst;
};

/*
 * Validates the datagram at buf, of which len bytes were received (a frame
 * may carry padding beyond the total length, which is then ignored), and
 * fills out. Checks, in order: room for the fixed header, version 4, IHL at
 * least 5 and within len, total length at least the header and at most
 * len, header checksum. Only IPV4_ok fills out.
 */
enum ipv4_check ipv4_parse(const uint8_t *buf, size_t len,
			   struct ipv4_pkt *out);

/*
 * Writes a 20-byte header without options at buf, checksum included, for a
 * datagram of payload_len bytes of payload; returns IPV4_HDR_LEN.
 */
size_t ipv4_build(uint8_t *buf, uint8_t tos, uint16_t id, uint16_t frag,
		  uint8_t ttl, uint8_t proto, uint32_t src, uint32_t dst,
		  size_t payload_len);

/*
 * Decrements the TTL of the header at buf (which must be at least 1),
 * updating its checksum incrementally (RFC 1624): TTL and protocol share
 * one 16-bit word.
 */
void ipv4_ttl_decrement(uint8_t *buf);

static inline bool
ipv4_is_fragment(const struct ipv4_pkt *p)
{
	return (p->frag & (IPV4_FLAG_MF | IPV4_OFFSET_MASK)) != 0;
}

/* The netmask of a prefix length 0..32, host order. */
static inline uint32_t
ipv4_mask(unsigned len)
{
	return len == 0 ? 0 : 0xffffffffu << (32 - len);
}

/* Strict dotted quad "A.B.C.D"; 0 on success, -1 otherwise. */
int ipv4_aton(const char *s, uint32_t *addr);
/*
 * "A.B.C.D/LEN" (LEN 0..32) or "default" (0.0.0.0/0); 0 on success, -1
 * otherwise. The address is returned as written: host bits may be set.
 */
int ipv4_cidr_aton(const char *s, uint32_t *addr, unsigned *len);
/* Formats into buf (IPV4_ADDR_STRLEN bytes) and returns buf. */
char *ipv4_ntoa(uint32_t addr, char *buf);
/* "A.B.C.D/LEN" into buf (IPV4_CIDR_STRLEN bytes); returns buf. */
char *ipv4_cidr_ntoa(uint32_t addr, unsigned len, char *buf);

static inline bool
ipv4_is_multicast(uint32_t addr)
{
	return (addr >> 28) == 0xe; /* 224.0.0.0/4 */
}

static inline bool
ipv4_is_limited_broadcast(uint32_t addr)
{
	return addr == 0xffffffffu;
}

/*
 * RFC 1812 5.3.7: never a valid destination to forward to: 0.0.0.0/8,
 * 127.0.0.0/8, 240.0.0.0/4 (class E) and 255.255.255.255.
 */
bool ipv4_martian_dst(uint32_t addr);
/* The same as a source, and also any multicast address. */
bool ipv4_martian_src(uint32_t addr);

/* Called with each fragment, a complete datagram with its own header. */
typedef int (*ipv4_frag_fn)(const uint8_t *frag, size_t len, void *arg);

/*
 * Cuts the valid datagram pkt into fragments of at most mtu bytes and
 * passes each to fn in order (RFC 791 3.2): every fragment's payload but
 * the last is a multiple of 8 bytes; the first carries all options, the
 * others only those whose copied flag is set; offsets and MF continue
 * those of pkt when it is itself a fragment. A datagram that fits goes to
 * fn whole. Returns 0, the first non-zero value fn returned, or -1 with
 * errno EMSGSIZE when DF is set and it does not fit, or EINVAL when mtu
 * cannot hold a header and 8 bytes or pkt's data reaches past the 65535
 * bytes that fragment offsets can address.
 */
int ipv4_fragment(const struct ipv4_pkt *pkt, unsigned mtu, ipv4_frag_fn fn,
		  void *arg);

#endif
