/*
 * Packet capture and packet filters, through libpcap: a port's traffic,
 * both directions, into a pcap file (the classic format tcpdump and
 * Wireshark read), and tcpdump's filter expressions compiled to BPF and
 * run on frames, for captures and traces alike.
 */
#ifndef HOPLAB_CAPTURE_H
#define HOPLAB_CAPTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "port.h"

#define CAPTURE_SNAPLEN 65535
#define CAPTURE_FILTER_MAX 1024 /* longest filter expression */
#define CAPTURE_ERR_MAX 320	/* room for libpcap's messages */

struct capture_filter;

/*
 * Compiles expr, in tcpdump's syntax, for Ethernet frames; "" matches
 * every frame. NULL with libpcap's own message in err when it is not a
 * filter (or memory ran out).
 */
struct capture_filter *capture_filter_new(const char *expr, char *err,
					  size_t errlen);
void capture_filter_free(struct capture_filter *f);
/* Does the frame of len bytes pass the filter? (NULL passes all.) */
bool capture_filter_match(const struct capture_filter *f, const uint8_t *frame,
			  size_t len);
/* The expression it was compiled from. */
const char *capture_filter_expr(const struct capture_filter *f);

/*
 * Starts writing DIR/NODE-PORT.pcap with the frames that pass filter
 * (an expression that capture_filter_new() accepts; "" for all); the
 * path goes to path (len bytes). -1 with a message in err.
 */
int capture_start(struct port *port, const char *dir, const char *node,
		  const char *filter, char *path, size_t len, char *err,
		  size_t errlen);
void capture_stop(struct port *port);
/* Appends one frame seen now on port, when it passes the filter. */
void capture_write(struct port *port, const uint8_t *frame, size_t len);

#endif
