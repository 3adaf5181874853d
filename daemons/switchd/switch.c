/* The learning bridge's forwarding path (IEEE 802.1D 7.7, 7.8). */
#include "switch.h"

#include <string.h>

#include "log.h"

const char *const switch_stat_names[SWITCH_STAT_COUNT] = {
    SWITCH_COUNTERS(STATS_NAME)};

/* The drops in words, for traces. */
static const char *const switch_drop_words[SWITCH_STAT_COUNT] = {
    [STAT_truncated] = "truncated frame",
    [STAT_invalid_source_mac] = "the source is a group or zero MAC",
    [STAT_link_local] = "802.1D link-local frame: bridges never relay it",
    [STAT_same_port] = "destination is on the port it came from",
    [STAT_out_port_down] = "the destination's port is down",
    [STAT_vlan_not_allowed] = "its VLAN is not carried by the port",
    [STAT_vlan_bad_tag] = "802.1Q tag with the reserved VLAN 4095",
    [STAT_vlan_no_native] = "untagged on a trunk without a native VLAN",
};

/* What the VLAN classifier's verdicts count as. */
static const enum switch_stat switch_vlan_fates[] = {
    [VLAN_NOT_ALLOWED] = STAT_vlan_not_allowed,
    [VLAN_BAD_TAG] = STAT_vlan_bad_tag,
    [VLAN_NO_NATIVE] = STAT_vlan_no_native,
};

int
switch_init(struct switch_state *sw, struct port_set *ports,
	    size_t mac_capacity, double aging)
{
	memset(sw, 0, sizeof(*sw));
	sw->ports = ports;
	sw->trace = ports->trace;
	if (vlan_table_init(&sw->vlans) < 0)
		return -1;
	if (mactable_init(&sw->macs, mac_capacity, aging) < 0) {
		vlan_table_destroy(&sw->vlans);
		return -1;
	}
	return 0;
}

void
switch_destroy(struct switch_state *sw)
{
	mactable_destroy(&sw->macs);
	vlan_table_destroy(&sw->vlans);
}

static void
switch_learn(struct switch_state *sw, struct port *in, const uint8_t *src,
	     uint16_t vlan, double now)
{
	enum mactable_learn_result learned =
	    mactable_learn(&sw->macs, src, vlan, in->index, now);
	char mac[ETHER_ADDR_STRLEN];

	/* The common case, a known station, costs no words. */
	if (learned == MACTABLE_REFRESHED) {
		sw->stats[STAT_mac_refreshed]++;
		return;
	}
	ether_ntoa_buf(src, mac);
	switch (learned) {
	case MACTABLE_NEW:
		sw->stats[STAT_mac_learned]++;
		trace_note(sw->trace, "learned %s on %s", mac, in->name);
		break;
	case MACTABLE_REFRESHED:
		break;
	case MACTABLE_MOVED:
		sw->stats[STAT_station_moves]++;
		log_info("switch_learn: station %s moved to %s", mac, in->name);
		trace_note(sw->trace, "station %s moved to %s", mac, in->name);
		break;
	case MACTABLE_FULL:
		sw->stats[STAT_mac_table_full]++;
		trace_note(sw->trace, "MAC table full: %s not learned", mac);
		break;
	}
}

/* Sends a frame of VLAN vf->vid out of a port, tagged as the port wants. */
static void
switch_send(struct switch_state *sw, struct port *out, struct vlan_frame *vf,
	    const uint8_t *frame, size_t len)
{
	size_t out_len;
	const uint8_t *f =
	    vlan_egress(&sw->vlans, out->index, vf, frame, len, &out_len);

	if (!f) {
		sw->stats[STAT_vlan_no_room]++;
		return;
	}
	if (f != frame && trace_noting(sw->trace))
		trace_note(sw->trace, "%s on %s, vlan %u",
			   vlan_egress_tagged(&sw->vlans, out->index, vf)
			       ? "tagged"
			       : "untagged",
			   out->name, vf->vid);
	port_send(out, f, out_len);
}

static void
switch_flood(struct switch_state *sw, struct port *in, struct vlan_frame *vf,
	     const uint8_t *frame, size_t len)
{
	for (int i = 0; i < sw->ports->n; i++) {
		struct port *out = sw->ports->port[i];

		if (out != in && out->up &&
		    vlan_is_member(&sw->vlans, i, vf->vid))
			switch_send(sw, out, vf, frame, len);
	}
}

/* Why a frame is flooded, in words. */
static void
switch_trace_flood(struct switch_state *sw, const uint8_t *dst)
{
	char mac[ETHER_ADDR_STRLEN];

	if (ether_is_broadcast(dst))
		trace_note(sw->trace, "flooded: broadcast");
	else if (ether_is_multicast(dst))
		trace_note(sw->trace, "flooded: multicast");
	else
		trace_note(sw->trace, "flooded: %s not in the MAC table",
			   ether_ntoa_buf(dst, mac));
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
	struct vlan_frame vf;
	enum vlan_verdict verdict;
	int out;

	if (ether_parse(frame, len, &eth) == ETHER_TRUNCATED)
		return STAT_truncated;
	/* A group or all-zero source is no station: never learned, dropped. */
	if (ether_is_multicast(eth.src) || ether_is_zero(eth.src))
		return STAT_invalid_source_mac;
	verdict = vlan_classify(&sw->vlans, in->index, frame, len, &vf);
	if (verdict != VLAN_PASS)
		return switch_vlan_fates[verdict];
	switch_learn(sw, in, eth.src, vf.vid, now);
	/* Reserved for the link's own protocols; bridges never relay them. */
	if (ether_is_link_local(eth.dst))
		return STAT_link_local;
	out = ether_is_multicast(eth.dst)
		  ? -1
		  : mactable_lookup(&sw->macs, eth.dst, vf.vid, now);
	if (out < 0) {
		if (trace_noting(sw->trace))
			switch_trace_flood(sw, eth.dst);
		switch_flood(sw, in, &vf, frame, len);
		return STAT_flooded;
	}
	if (out == in->index)
		return STAT_same_port;
	if (!sw->ports->port[out]->up)
		return STAT_out_port_down;
	if (!vlan_is_member(&sw->vlans, out, vf.vid))
		return STAT_vlan_not_allowed;
	trace_note(sw->trace, "forwarded to %s by the MAC table",
		   sw->ports->port[out]->name);
	switch_send(sw, sw->ports->port[out], &vf, frame, len);
	return STAT_forwarded;
}

bool
switch_input(struct switch_state *sw, struct port *in, const uint8_t *frame,
	     size_t len, double now)
{
	enum switch_stat fate = switch_process(sw, in, frame, len, now);

	sw->stats[fate]++;
	if (switch_drop_words[fate])
		trace_drop(sw->trace, switch_drop_words[fate]);
	return fate == STAT_forwarded || fate == STAT_flooded;
}

void
switch_port_changed(struct switch_state *sw, struct port *port)
{
	if (!port->up)
		sw->stats[STAT_mac_flushed] +=
		    mactable_flush(&sw->macs, port->index);
}

void
switch_vlan_changed(struct switch_state *sw, struct port *port)
{
	sw->stats[STAT_mac_flushed] += mactable_flush(&sw->macs, port->index);
}

void
switch_age(struct switch_state *sw, double now)
{
	sw->stats[STAT_mac_aged] += mactable_age(&sw->macs, now);
}
