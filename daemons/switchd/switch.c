/* The learning bridge's forwarding path (IEEE 802.1D 7.7, 7.8). */
#include "switch.h"

#include <string.h>

#include "log.h"

const char *const switch_stat_names[SWITCH_STAT_COUNT] = {
    SWITCH_COUNTERS(STATS_NAME)};

int
switch_init(struct switch_state *sw, size_t mac_capacity, double aging)
{
	memset(sw, 0, sizeof(*sw));
	return mactable_init(&sw->macs, mac_capacity, aging);
}

void
switch_destroy(struct switch_state *sw)
{
	for (int i = 0; i < sw->nports; i++)
		port_close(sw->ports[i]);
	mactable_destroy(&sw->macs);
}

int
switch_add_port(struct switch_state *sw, struct port *port)
{
	if (sw->nports == SWITCH_PORTS_MAX)
		return -1;
	port->index = sw->nports;
	sw->ports[sw->nports++] = port;
	return 0;
}

struct port *
switch_port_by_name(struct switch_state *sw, const char *name)
{
	for (int i = 0; i < sw->nports; i++)
		if (strcmp(sw->ports[i]->name, name) == 0)
			return sw->ports[i];
	return NULL;
}

static void
switch_learn(struct switch_state *sw, struct port *in, const uint8_t *src,
	     uint16_t vlan, double now)
{
	char mac[ETHER_ADDR_STRLEN];

	switch (mactable_learn(&sw->macs, src, vlan, in->index, now)) {
	case MACTABLE_NEW:
		sw->stats[STAT_mac_learned]++;
		break;
	case MACTABLE_REFRESHED:
		sw->stats[STAT_mac_refreshed]++;
		break;
	case MACTABLE_MOVED:
		sw->stats[STAT_station_moves]++;
		log_info("switch_learn: station %s moved to %s",
			 ether_ntoa_buf(src, mac), in->name);
		break;
	case MACTABLE_FULL:
		sw->stats[STAT_mac_table_full]++;
		break;
	}
}

static void
switch_flood(struct switch_state *sw, struct port *in, const uint8_t *frame,
	     size_t len)
{
	for (int i = 0; i < sw->nports; i++) {
		struct port *out = sw->ports[i];

		if (out != in && out->up)
			port_send(out, frame, len);
	}
}

/*
 * Learns from a frame and sends it on; returns what became of it: forwarded,
 * flooded, or the reason it was dropped.
 */
static enum switch_stat
switch_process(struct switch_state *sw, struct port *in, const uint8_t *frame,
	       size_t len, double now)
{
	struct ether_frame eth;
	int out;

	if (!in->up)
		return STAT_port_down;
	if (ether_parse(frame, len, &eth) == ETHER_TRUNCATED)
		return STAT_truncated;
	if (len > port_frame_max(in))
		return STAT_oversize;
	/* A group or all-zero source is no station: never learned, dropped. */
	if (ether_is_multicast(eth.src) || ether_is_zero(eth.src))
		return STAT_invalid_source_mac;
	switch_learn(sw, in, eth.src, eth.vlan, now);
	/* Reserved for the link's own protocols; bridges never relay them. */
	if (ether_is_link_local(eth.dst))
		return STAT_link_local;
	out = ether_is_multicast(eth.dst)
		  ? -1
		  : mactable_lookup(&sw->macs, eth.dst, eth.vlan, now);
	if (out < 0) {
		switch_flood(sw, in, frame, len);
		return STAT_flooded;
	}
	if (out == in->index)
		return STAT_same_port;
	if (!sw->ports[out]->up)
		return STAT_port_down;
	port_send(sw->ports[out], frame, len);
	return STAT_forwarded;
}

void
switch_input(struct switch_state *sw, struct port *in, const uint8_t *frame,
	     size_t len, double now)
{
	enum switch_stat fate = switch_process(sw, in, frame, len, now);

	sw->stats[STAT_rx_frames]++;
	sw->stats[fate]++;
	if (fate != STAT_forwarded && fate != STAT_flooded)
		in->cnt.rx_dropped++;
}

void
switch_port_changed(struct switch_state *sw, struct port *port)
{
	log_info("switch_port_changed: %s is %s", port->name,
		 port->up ? "up" : "down");
	if (!port->up)
		sw->stats[STAT_mac_flushed] +=
		    mactable_flush(&sw->macs, port->index);
}

void
switch_age(struct switch_state *sw, double now)
{
	sw->stats[STAT_mac_aged] += mactable_age(&sw->macs, now);
}
