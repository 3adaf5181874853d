/*
 * For fuzz targets of packet input: repairs what mutation breaks first, so
 * that mutated packets get past the checksums and length checks to the
 * code behind them. Which repairs are made is itself part of the input,
 * so that broken packets are fuzzed as well.
 */
#ifndef HOPLAB_FUZZ_PKT_H
#define HOPLAB_FUZZ_PKT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
	FUZZ_FIX_IP_LEN = 1 << 0, /* IPv4 total length: the bytes there */
	FUZZ_FIX_IP_SUM = 1 << 1, /* IPv4 header checksum */
	FUZZ_FIX_L4 = 1 << 2,	  /* ICMP checksum; UDP length and checksum;
				     TCP checksum */
	FUZZ_FIX_ALL = 7,
};

/*
 * Repairs the IPv4 datagram in buf[0..len) as flags ask. Transport
 * checksums are left alone in fragments, whose checksum covers data they
 * do not hold.
 */
void fuzz_fix_ipv4(uint8_t *buf, size_t len, unsigned flags);

/* The same for the IPv4 datagram of an Ethernet frame (untagged). */
void fuzz_fix_frame(uint8_t *frame, size_t len, unsigned flags);

struct trace;

#define FUZZ_TRACE_ROWS 16 /* small, so that the ring overwrites */
#define FUZZ_TRACE_FILTER "ip or arp"

/*
 * Turns tracing on (with FUZZ_TRACE_FILTER when filtered, else for every
 * frame) or off, so that the packet targets run both ways; a recorder
 * that is stopped shows its rows once, as `show trace` would.
 */
void fuzz_trace_toggle(struct trace *tr, bool filtered);

#endif
