/* The learning bridge: what switchd does with each frame it receives. */
#ifndef HOPLAB_SWITCH_H
#define HOPLAB_SWITCH_H

#include <stdint.h>

#include "mactable.h"
#include "port.h"
#include "stats.h"

#define SWITCH_PORTS_MAX 64

/* Every frame received is counted once under rx_frames and then either
 * forwarded, flooded, or dropped under exactly one named reason. */
#define SWITCH_COUNTERS(X)                                                     \
	X(rx_frames)                                                           \
	X(forwarded)                                                           \
	X(flooded)                                                             \
	X(truncated)                                                           \
	X(oversize)                                                            \
	X(invalid_source_mac)                                                  \
	X(link_local)                                                          \
	X(same_port)                                                           \
	X(port_down)                                                           \
	X(mac_learned)                                                         \
	X(mac_refreshed)                                                       \
	X(station_moves)                                                       \
	X(mac_table_full)                                                      \
	X(mac_aged)                                                            \
	X(mac_flushed)

enum switch_stat { SWITCH_COUNTERS(STATS_ENUM) SWITCH_STAT_COUNT };

extern const char *const switch_stat_names[SWITCH_STAT_COUNT];

struct switch_state {
	struct port *ports[SWITCH_PORTS_MAX];
	int nports;
	struct mactable macs;
	uint64_t stats[SWITCH_STAT_COUNT];
};

int switch_init(struct switch_state *sw, size_t mac_capacity, double aging);
void switch_destroy(struct switch_state *sw);
/* Adds a port (its index becomes its position); -1 when full. */
int switch_add_port(struct switch_state *sw, struct port *port);
struct port *switch_port_by_name(struct switch_state *sw, const char *name);
/* Learns from, and forwards or floods, one frame received on in. */
void switch_input(struct switch_state *sw, struct port *in,
		  const uint8_t *frame, size_t len, double now);
/* A port went up or down: a port that is down loses its stations. */
void switch_port_changed(struct switch_state *sw, struct port *port);
/* Removes aged entries; called from a periodic timer. */
void switch_age(struct switch_state *sw, double now);

#endif
