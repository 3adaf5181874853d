/* ICMP of the host: echo, errors sent, and errors delivered to whom they
 * concern. */
#ifndef HOPLAB_HOST_ICMP_H
#define HOPLAB_HOST_ICMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ipv4.h"

struct host;

/* An ICMP message received in the (reassembled) datagram pkt. */
void host_icmp_input(struct host *h, const struct ipv4_pkt *pkt,
		     bool link_multicast);

/*
 * Sends an ICMP error about the received datagram orig, unless RFC 1812
 * forbids it (errors about errors, broadcasts, later fragments) or the
 * rate limit says no.
 */
void host_icmp_send_error(struct host *h, uint8_t type, uint8_t code,
			  const struct ipv4_pkt *orig, bool link_multicast);

/*
 * Hands an error that from reported about one of our datagrams (quote:
 * its start) to the socket or ping that sent it; 0 when one took it.
 */
int host_icmp_notify(struct host *h, uint8_t type, uint8_t code, uint32_t from,
		     const uint8_t *quote, size_t len);

#endif
