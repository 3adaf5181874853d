/* Ports over AF_PACKET: one raw socket bound to one interface. */
#ifndef HOPLAB_PORT_PACKET_H
#define HOPLAB_PORT_PACKET_H

#include <ev.h>
#include <stdbool.h>

#include "netlink.h"
#include "port.h"

/*
 * Opens ifname as a port on loop: brings the link up, binds a packet socket
 * to it (promiscuous when promisc is set) that receives into a mapped ring
 * and ignores the port's own transmissions, and a second one that sends
 * from a mapped ring in batches. rx is called for each frame received.
 * Returns NULL with a message in err on failure.
 */
struct port *port_packet_open(struct ev_loop *loop, const char *ifname,
			      bool promisc, port_rx_fn rx, void *arg, char *err,
			      size_t errlen);

/*
 * Applies a link event to the port it concerns; returns 1 when the port's
 * up state changed, 0 otherwise.
 */
int port_packet_link_event(struct port *port, const struct nl_link *link);

/*
 * Applies a link event (from nl_monitor) to whichever of ports it concerns:
 * a deleted link is a link that is down. changed(port, arg) is called for
 * each port whose up state changed.
 */
void port_packet_link_apply(struct port **ports, int nports,
			    const struct nl_link *link, bool deleted,
			    void (*changed)(struct port *port, void *arg),
			    void *arg);

/* Sends every queued frame now (also done before the loop blocks). */
void port_packet_flush(struct port *port);

/*
 * Low latency: after a frame arrives, the loop busy-polls every packet
 * port's receive ring for usec microseconds before it sleeps, instead of
 * waiting to be woken (0, the default: never). Ports, open or opened
 * later, get the receive ring that suits. -1 when a port's ring could not
 * be changed (it is logged).
 */
int port_packet_busy_poll(unsigned usec);
/*
 * Receive rings of TPACKET_V3 blocks instead of V2 frames (for ports
 * opened after the call, while busy polling is off): fewer wake-ups under
 * a heavy load, but the kernel shows a block when it is full or after
 * 1 ms, so a lone frame waits up to that long at every hop. Off by
 * default.
 */
void port_packet_bulk_rings(bool bulk);
unsigned port_packet_busy_poll_usec(void);

#endif
