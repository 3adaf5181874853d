/* The learning bridge: what switchd does with each frame it receives. */
#ifndef HOPLAB_SWITCH_H
#define HOPLAB_SWITCH_H

#include <stdint.h>

#include "mactable.h"
#include "port.h"
#include "stats.h"
#include "stp.h"
#include "trace.h"
#include "vlan.h"

/* Every frame the ports accept is either forwarded, flooded, or dropped
 * under exactly one named reason (the ports count what they refuse). */
#define SWITCH_COUNTERS(X)                                                     \
	X(forwarded)                                                           \
	X(flooded)                                                             \
	X(truncated)                                                           \
	X(invalid_source_mac)                                                  \
	X(link_local)                                                          \
	X(same_port)                                                           \
	X(out_port_down)                                                       \
	X(bpdu)                                                                \
	X(bpdu_bad)                                                            \
	X(stp_blocked)                                                         \
	X(stp_learning)                                                        \
	X(stp_out_blocked)                                                     \
	X(mac_learned)                                                         \
	X(mac_refreshed)                                                       \
	X(station_moves)                                                       \
	X(mac_table_full)                                                      \
	X(mac_aged)                                                            \
	X(mac_flushed)                                                         \
	X(vlan_not_allowed)                                                    \
	X(vlan_bad_tag)                                                        \
	X(vlan_no_native)                                                      \
	X(vlan_no_room)

enum switch_stat { SWITCH_COUNTERS(STATS_ENUM) SWITCH_STAT_COUNT };

extern const char *const switch_stat_names[SWITCH_STAT_COUNT];

struct switch_state {
	struct port_set *ports; /* the daemon's; a port's index is its place */
	struct mactable macs;
	struct vlan_table vlans;
	uint64_t stats[SWITCH_STAT_COUNT];
	struct trace *trace; /* the ports' recorder, or NULL */
	struct stp stp;	     /* off unless `set stp on` */
	double aging;	     /* the MAC aging outside topology changes */
	/* Where the spanning tree asks for its next stp_tick(). */
	void (*stp_schedule)(void *arg, double when);
	void *stp_schedule_arg;
};

/* A bridge between the ports of ports (which may grow later), reporting
 * to their trace recorder. */
int switch_init(struct switch_state *sw, struct port_set *ports,
		size_t mac_capacity, double aging);
void switch_destroy(struct switch_state *sw);
/*
 * Learns from, and forwards or floods, one frame received on in; false
 * when it was dropped.
 */
bool switch_input(struct switch_state *sw, struct port *in,
		  const uint8_t *frame, size_t len, double now);
/* A port went up or down: a port that is down loses its stations. */
void switch_port_changed(struct switch_state *sw, struct port *port,
			 double now);
/* Sets the MAC aging time (a topology change shortens it meanwhile). */
void switch_set_aging(struct switch_state *sw, double aging);
/* Turns the spanning tree on or off. */
void switch_stp_enable(struct switch_state *sw, bool on, double now);
/* Tells the spanning tree of ports added since, and of the bridge's MAC
 * (the lowest of its ports'). */
void switch_stp_sync(struct switch_state *sw, double now);
/* The port's VLAN mode changed: its stations are forgotten. */
void switch_vlan_changed(struct switch_state *sw, struct port *port);
/* Removes aged entries; called from a periodic timer. */
void switch_age(struct switch_state *sw, double now);

#endif
