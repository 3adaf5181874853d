/*
 * ICMP (RFC 792) with the rules of RFC 1812 4.3.2 for errors: parsing,
 * echo messages, error construction, and a token-bucket rate limiter.
 */
#ifndef HOPLAB_ICMP_H
#define HOPLAB_ICMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ipv4.h"

#define ICMP_HDR_LEN 8
/* RFC 1812 4.3.2.3: an error datagram is at most 576 bytes. */
#define ICMP_ERROR_MAX_LEN 576

#define ICMP_TYPE_ECHO_REPLY 0
#define ICMP_TYPE_DEST_UNREACH 3
#define ICMP_TYPE_SOURCE_QUENCH 4
#define ICMP_TYPE_REDIRECT 5
#define ICMP_TYPE_ECHO 8
#define ICMP_TYPE_TIME_EXCEEDED 11
#define ICMP_TYPE_PARAM_PROBLEM 12

/* Codes of destination unreachable. */
#define ICMP_CODE_NET_UNREACH 0
#define ICMP_CODE_HOST_UNREACH 1
#define ICMP_CODE_PROTO_UNREACH 2
#define ICMP_CODE_PORT_UNREACH 3
#define ICMP_CODE_FRAG_NEEDED 4
/* Codes of time exceeded. */
#define ICMP_CODE_TTL_EXCEEDED 0
#define ICMP_CODE_REASSEMBLY_EXCEEDED 1

/* The header on the wire: multi-byte fields in network byte order. */
struct icmp_hdr {
	uint8_t type;
	uint8_t code;
	uint16_t check;
	union {
		struct {
			uint16_t id;
			uint16_t seq;
		} echo;
		struct {
			uint16_t unused;
			uint16_t mtu;
		} frag;
		uint32_t gateway;
	} un;
} __attribute__((packed));

#define ICMP_CHECKS(X)                                                         \
	X(ok)                                                                  \
	X(truncated)                                                           \
	X(bad_checksum)

#define ICMP_CHECK_ENUM(name) ICMP_##name,
enum icmp_check { ICMP_CHECKS(ICMP_CHECK_ENUM) ICMP_CHECK_COUNT };
#undef ICMP_CHECK_ENUM

extern const char *const icmp_check_names[ICMP_CHECK_COUNT];

/* What icmp_parse() found, fields in host order. */
struct icmp_msg {
	uint8_t type;
	uint8_t code;
	uint16_t id;	     /* echo and echo reply */
	uint16_t seq;	     /* echo and echo reply */
	uint16_t mtu;	     /* fragmentation needed: the next-hop MTU, or 0 */
	const uint8_t *body; /* after the 8-byte header: echo data, or the
				offending datagram's start for errors */
	size_t body_len;
};

/* Validates an ICMP message (the payload of an IPv4 datagram). */
enum icmp_check icmp_parse(const uint8_t *buf, size_t len,
			   struct icmp_msg *out);

/* Destination unreachable, source quench, redirect, time exceeded,
 * parameter problem: the types that report on another datagram. */
bool icmp_type_is_error(uint8_t type);

/*
 * Writes an echo request or reply (type) with data at buf, which must hold
 * ICMP_HDR_LEN + len bytes; returns the message length.
 */
size_t icmp_build_echo(uint8_t *buf, uint8_t type, uint16_t id, uint16_t seq,
		       const uint8_t *data, size_t len);

/*
 * RFC 1812 4.3.2.7: may an error be sent about orig? Never about an ICMP
 * error, a datagram sent to a link-layer broadcast or multicast
 * (link_multicast), an IP broadcast or multicast destination, a source
 * that is not a unique host (zero, broadcast, multicast, class E; 127/8
 * only when it is not the node's own datagram on its loopback, which the
 * caller ensures by dropping 127/8 from a wire), or a fragment other than
 * the first.
 */
bool icmp_error_allowed(const struct ipv4_pkt *orig, bool link_multicast);

/*
 * Builds a complete IPv4 datagram carrying an ICMP error about orig at buf
 * (ICMP_ERROR_MAX_LEN bytes): from src to orig's source, TTL 64, TOS 0xc0
 * (internetwork control), id as given; mtu is the next-hop MTU of
 * fragmentation needed and ignored otherwise. The error quotes orig's
 * header and as much of its data as keeps the datagram within 576 bytes.
 * Returns the datagram's length.
 */
size_t icmp_build_error(uint8_t *buf, uint32_t src, uint16_t id, uint8_t type,
			uint8_t code, uint16_t mtu,
			const struct ipv4_pkt *orig);

/* A token bucket: rate tokens a second, at most burst saved up. */
struct icmp_ratelimit {
	double rate;
	double burst;
	double tokens;
	double last; /* when tokens was last brought up to date */
};

void icmp_ratelimit_init(struct icmp_ratelimit *rl, double rate, double burst);
/* Takes a token if there is one at time now (seconds); false if not. */
bool icmp_ratelimit_allow(struct icmp_ratelimit *rl, double now);

#endif
