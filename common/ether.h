/* Ethernet II framing: parsing, building and MAC address helpers. */
#ifndef HOPLAB_ETHER_H
#define HOPLAB_ETHER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The same values as <net/ethernet.h>, which may be included as well. */
#ifndef ETHER_ADDR_LEN
#define ETHER_ADDR_LEN 6
#endif
#ifndef ETHER_HDR_LEN
#define ETHER_HDR_LEN 14
#endif
#define ETHER_VLAN_HDR_LEN 4
#define ETHER_MIN_FRAME 60 /* without the FCS, which AF_PACKET never shows */
#define ETHER_ADDR_STRLEN 18

#define ETHERTYPE_IPV4 0x0800
#define ETHERTYPE_ARP 0x0806
#define ETHERTYPE_VLAN 0x8100
#define ETHERTYPE_IPV6 0x86dd

struct ether_addr_s {
	uint8_t b[ETHER_ADDR_LEN];
};

/* The header as it sits on the wire: fields in network byte order. */
struct ether_hdr {
	uint8_t dst[ETHER_ADDR_LEN];
	uint8_t src[ETHER_ADDR_LEN];
	uint16_t type;
} __attribute__((packed));

/* What ether_parse found in a frame. */
struct ether_frame {
	const uint8_t *dst;
	const uint8_t *src;
	uint16_t type; /* host order, after any 802.1Q tag */
	uint16_t vlan; /* 0 when untagged */
	const uint8_t *payload;
	size_t payload_len;
};

enum ether_parse_result {
	ETHER_OK = 0,
	ETHER_TRUNCATED,    /* shorter than the header (or its VLAN tag) */
	ETHER_LENGTH_FIELD, /* an 802.3 length, not an EtherType */
};

enum ether_parse_result ether_parse(const uint8_t *frame, size_t len,
				    struct ether_frame *out);

/* Writes a header at buf (which must hold ETHER_HDR_LEN bytes). */
void ether_build(uint8_t *buf, const uint8_t *dst, const uint8_t *src,
		 uint16_t type);

extern const uint8_t ether_broadcast[ETHER_ADDR_LEN];
extern const uint8_t ether_zero[ETHER_ADDR_LEN];

static inline bool
ether_is_multicast(const uint8_t *mac)
{
	return (mac[0] & 0x01) != 0; /* includes broadcast */
}

static inline bool
ether_is_broadcast(const uint8_t *mac)
{
	return (mac[0] & mac[1] & mac[2] & mac[3] & mac[4] & mac[5]) == 0xff;
}

bool ether_is_zero(const uint8_t *mac);
/* 01:80:c2:00:00:0X, which 802.1D bridges never forward. */
bool ether_is_link_local(const uint8_t *mac);
/* Lower-case aa:bb:cc:dd:ee:ff into buf (ETHER_ADDR_STRLEN bytes). */
char *ether_ntoa_buf(const uint8_t *mac, char *buf);
/* The value of one hexadecimal digit, or -1. */
int ether_hexdigit(char c);
/* Parses aa:bb:cc:dd:ee:ff (either case); 0 on success, -1 otherwise. */
int ether_aton_buf(const char *s, uint8_t *mac);

#endif
