/*
 * Rows for Linux nodes, whose kernel keeps no trace: each frame of a
 * capture on one of the node's interfaces becomes a row, described as the
 * daemons describe theirs. A frame whose source MAC is the interface's own
 * was sent by the node (in null, out the interface); any other was
 * received (in the interface, out null). The node is an endpoint: what its
 * kernel does with a frame between receiving and sending is not seen.
 */
#ifndef HOPLAB_JOURNEY_PCAP_H
#define HOPLAB_JOURNEY_PCAP_H

#include <stddef.h>
#include <stdint.h>

#include "journey.h"

#define JOURNEY_DECISION_SENT "sent by the Linux kernel"
#define JOURNEY_DECISION_RECEIVED "received by the Linux kernel"
#define JOURNEY_DECISION_OTHER                                                 \
	"received by the Linux kernel; addressed to another MAC"

/*
 * The row of one frame of len bytes seen at time on node's interface
 * ifname, whose own MAC is mac ("aa:bb:cc:dd:ee:ff"); seq numbers the
 * rows of a capture. Returns as journey_add_row.
 */
int journey_add_frame(struct journey *j, const char *node, const char *ifname,
		      const char *mac, unsigned seq, double time,
		      const uint8_t *frame, size_t len);

/*
 * Every frame of the pcap file at path, captured on node:ifname; the
 * interface's MAC comes from the topology. Returns 0, or -1 with j->err
 * (the file cannot be read, is not Ethernet, or the topology has no MAC
 * for the interface). A capture cut short keeps the frames before the
 * cut, with a warning.
 */
int journey_load_pcap(struct journey *j, const char *node, const char *ifname,
		      const char *path);

#endif
