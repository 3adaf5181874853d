/*
 * ping: ICMP echo requests and the iputils-style report of what came back,
 * run as a streaming control command (`ping [-c N] [-i SEC] [-s SIZE]
 * [-t TTL] [-W SEC] DEST`). A ping is a client of an ICMP socket of the
 * node that runs it (routerd, hostd): its requests carry the socket's
 * identifier, and the node hands the socket the replies and the errors
 * that quote its requests.
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
#include "ipnode.h"

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
 * order, before or after DEST; argv is reordered); -1 with a message in
 * err when they are wrong.
 */
int ping_parse(int argc, char **argv, struct ping_opts *o, char *err,
	       size_t errlen);

/*
 * The `ping` command on node n: parses argv, and on success starts the
 * ping for req; returns CTL_ASYNC then, CTL_DONE (having replied an error)
 * otherwise. The ping ends by itself, or when its client goes away.
 */
int ping_cmd(struct ctl_req *req, int argc, char **argv, struct ipnode *n);

/* The text iputils prints for an ICMP error: "Time to live exceeded". */
const char *ping_error_text(uint8_t type, uint8_t code, uint16_t mtu, char *buf,
			    size_t len);

#endif
