/*
 * IPv4 reassembly (RFC 791, RFC 815): fragments are collected per
 * datagram (source, destination, protocol, id) until the datagram is
 * whole, its timer runs out, or it is found bad. Memory for all pending
 * datagrams together is bounded; when it runs short the oldest pending
 * datagram is evicted. A fragment that overlaps data already received
 * drops the whole datagram (as RFC 5722 requires for IPv6 and Linux does
 * for IPv4), so overlapping-fragment attacks never reach a socket.
 */
#ifndef HOPLAB_IP_REASS_H
#define HOPLAB_IP_REASS_H

#include <stddef.h>
#include <stdint.h>

#include "ipv4.h"
#include "pbuf.h"

#define IP_REASS_TIMEOUT 30.0	     /* seconds, as Linux */
#define IP_REASS_MAX_DATAGRAMS 64    /* pending at once */
#define IP_REASS_MAX_BYTES (1 << 20) /* buffers of all pending datagrams */
#define IP_REASS_DATAGRAM_MAX 65535

/* Why reassembly dropped something; counted by the caller. */
#define IP_REASS_COUNTERS(X)                                                   \
	X(reass_fragments)                                                     \
	X(reass_ok)                                                            \
	X(reass_timeout)                                                       \
	X(reass_overlap)                                                       \
	X(reass_too_long)                                                      \
	X(reass_bad_fragment)                                                  \
	X(reass_evicted)                                                       \
	X(reass_no_memory)

#define IP_REASS_STAT_ENUM(name) IP_REASS_##name,
enum ip_reass_stat {
	IP_REASS_COUNTERS(IP_REASS_STAT_ENUM) IP_REASS_STAT_COUNT
};
#undef IP_REASS_STAT_ENUM

struct ip_reass_dgram {
	struct ip_reass_dgram *next;
	uint32_t src, dst;
	uint16_t id;
	uint8_t proto;
	double deadline;
	uint8_t hdr[IPV4_HDR_MAX]; /* the first fragment's header */
	size_t hdr_len;		   /* 0 until the first fragment came */
	struct pbuf *data;	   /* payload so far, cap bytes */
	size_t cap;
	size_t total;	 /* payload length, once the last fragment came */
	size_t received; /* payload bytes held */
	uint8_t *blocks; /* one bit per 8-byte block received */
	uint8_t head[IPV4_HDR_MAX + 8]; /* first fragment's start, for ICMP */
	size_t head_len;
};

/*
 * Called for a datagram whose timer ran out after its first fragment came
 * (RFC 1122 3.3.2: ICMP time exceeded, code 1). first describes the start
 * of that fragment: its header and up to 8 bytes of payload, as an ICMP
 * error quotes it; its frag field is zero, so the rules for errors treat it
 * as the first fragment it was.
 */
typedef void (*ip_reass_timeout_fn)(const struct ipv4_pkt *first, void *arg);

struct ip_reass {
	struct ip_reass_dgram *list; /* oldest first */
	size_t count;
	size_t bytes;
	size_t max_datagrams;
	size_t max_bytes;
	double timeout;
	uint64_t stats[IP_REASS_STAT_COUNT];
	ip_reass_timeout_fn on_timeout;
	void *arg;
};

extern const char *const ip_reass_stat_names[IP_REASS_STAT_COUNT];

void ip_reass_init(struct ip_reass *r);
void ip_reass_destroy(struct ip_reass *r);

/*
 * Adds the fragment pkt (validated by ipv4_parse; copied, so it is only
 * lent). Returns 1 when it completed its datagram: *out then holds the
 * whole datagram (header with the first fragment's options, total length
 * and checksum fixed), the caller's, with headroom for the headers below.
 * Returns 0 when more fragments are needed and -1 when the fragment was
 * dropped.
 */
int ip_reass_input(struct ip_reass *r, const struct ipv4_pkt *pkt, double now,
		   struct pbuf **out);

/* Drops datagrams whose timer ran out; call about once a second. */
void ip_reass_expire(struct ip_reass *r, double now);

#endif
