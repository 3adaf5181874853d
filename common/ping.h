/*
 * ping: ICMP echo requests and the iputils-style report of what came back,
 * run as a streaming control command (`ping [-c N] [-i SEC] [-s SIZE]
 * [-t TTL] [-W SEC] DEST`). The daemon that runs it (routerd, hostd)
 * supplies how an echo request leaves (ping_owner.send) and hands every
 * ICMP message it receives to ping_input() of its running pings.
 *
 *   PING 10.0.2.20 (10.0.2.20) 56(84) bytes of data.
 *   64 bytes from 10.0.2.20: icmp_seq=1 ttl=63 time=0.215 ms
 *   From 10.0.1.1 icmp_seq=2 Destination Host Unreachable
 *
 *   --- 10.0.2.20 ping statistics ---
 *   2 packets transmitted, 1 received, +1 errors, 50% packet loss, time 1001ms
 *   rtt min/avg/max/mdev = 0.215/0.215/0.215/0.000 ms
 *
 * The request fails (exit 1) when no reply came.
 */
#ifndef HOPLAB_PING_H
#define HOPLAB_PING_H

#include <ev.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ctl.h"
#include "icmp.h"

#define PING_SIZE_MAX 65507 /* 65535 - IPv4 header - ICMP header */

struct ping_opts {
	unsigned count;	 /* 0: until the client goes away */
	double interval; /* seconds between requests */
	size_t size;	 /* bytes of data after the ICMP header */
	uint8_t ttl;	 /* IPv4 TTL of the requests */
	double wait;	 /* seconds to wait for replies after the last one */
	uint32_t dst;	 /* host order */
	char dst_str[IPV4_ADDR_STRLEN];
};

/*
 * Parses `[-c N] [-i SEC] [-s SIZE] [-t TTL] [-W SEC] DEST` (options in any
 * order before DEST); -1 with a message in err when they are wrong.
 */
int ping_parse(int argc, char **argv, struct ping_opts *o, char *err,
	       size_t errlen);

struct ping;

struct ping_owner {
	/*
	 * Sends the ICMP message icmp (an echo request) to dst with the given
	 * TTL from the owner's best source address. Returns 0 when it left
	 * or waits for ARP, -1 with errno (ENETUNREACH: no route) when not.
	 */
	int (*send)(void *arg, uint32_t dst, uint8_t ttl, const uint8_t *icmp,
		    size_t len);
	/* The ping ended, or its client went away: forget it (it is freed
	 * once this returns). */
	void (*finished)(void *arg, struct ping *p);
	void *arg;
};

/*
 * The `ping` command: parses argv, and on success starts the ping on loop
 * for req and stores it in *out; returns CTL_ASYNC then, CTL_DONE (having
 * replied a usage error) otherwise. The owner keeps *out in its list of
 * running pings until owner->finished removes it.
 */
int ping_cmd(struct ctl_req *req, int argc, char **argv, struct ev_loop *loop,
	     const struct ping_owner *owner, struct ping **out);

/*
 * Offers the ping an ICMP message that came from src in a datagram with
 * the given TTL: an echo reply to one of its requests, or an error that
 * quotes one. Returns true when the message was the ping's.
 */
bool ping_input(struct ping *p, uint32_t src, uint8_t ttl,
		const struct icmp_msg *m);

/* The text iputils prints for an ICMP error: "Time to live exceeded". */
const char *ping_error_text(uint8_t type, uint8_t code, uint16_t mtu, char *buf,
			    size_t len);

#endif
