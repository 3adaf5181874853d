/*
 * A frame described for people: its Ethernet and IPv4 header fields, a
 * one-line summary in tcpdump's words, and an identity that stays the same
 * from hop to hop. Tracing and the journey describe every frame this way,
 * whether a daemon saw it or a capture on a Linux node did.
 *
 * Nothing here validates: a truncated or corrupt frame is described as far
 * as its bytes go, so that a trace can show what was dropped and why.
 */
#ifndef HOPLAB_FRAME_H
#define HOPLAB_FRAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ether.h"

#define FRAME_SUMMARY_MAX 160
#define FRAME_FLAGS_MAX 12 /* "FSRPUEW." and more room than it needs */
#define FRAME_KEY_STRLEN 17

/* What a frame carries, as far as it could be read. */
struct frame_desc {
	uint8_t dst_mac[ETHER_ADDR_LEN];
	uint8_t src_mac[ETHER_ADDR_LEN];
	uint16_t ethertype; /* after any 802.1Q tag; 0 when truncated */
	uint16_t vlan;	    /* 0 when untagged */
	/* IPv4 (and, for ARP, the sender's and target's protocol
	 * addresses); host order. */
	bool has_ip;
	uint32_t src_ip;
	uint32_t dst_ip;
	int ttl;	   /* -1 when the frame has no IPv4 header */
	uint8_t ip_proto;  /* when has_ip and the frame is IPv4 */
	const char *proto; /* "tcp", "udp", "icmp", "arp", "ipv4", "ipv6",
			      "ether" */
	char flags[FRAME_FLAGS_MAX]; /* TCP flags as tcpdump writes them
					("S", "S.", "P.", "F.", "R"); "" */
	uint64_t key;		     /* see frame_key() */
};

/*
 * Describes the frame of len bytes at frame; never reads past len. The
 * summary, when summary is not NULL, is written into size bytes.
 */
void frame_describe(const uint8_t *frame, size_t len, struct frame_desc *d,
		    char *summary, size_t size);

/*
 * The frame's identity across hops: a 64-bit hash of what no router or
 * switch on the way changes. For IPv4, the addresses, protocol,
 * identification, flags and fragment offset and the whole payload (not
 * the TTL, the header checksum, options or the MACs); for anything else,
 * every byte from the EtherType on. Two copies of one packet seen on
 * different hops have the same key; a retransmission usually does not
 * (its identification differs).
 */
uint64_t frame_key(const uint8_t *frame, size_t len);

/* The key as 16 lower-case hex digits into buf (FRAME_KEY_STRLEN bytes). */
void frame_key_str(uint64_t key, char *buf);

/* TCP flags as tcpdump writes them between brackets, from the flags
 * byte: S F R P U E W, then '.' for ACK. */
void frame_tcp_flags(uint8_t flags, char buf[FRAME_FLAGS_MAX]);

#endif
