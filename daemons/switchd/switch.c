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
    [STAT_bpdu_bad] = "a malformed BPDU",
    [STAT_stp_blocked] = "the port is not forwarding (spanning tree)",
    [STAT_stp_learning] = "the port is learning, not yet forwarding",
    [STAT_stp_out_blocked] =
	"the destination's port is not forwarding (spanning tree)",
};

/* What the VLAN classifier's verdicts count as. */
static const enum switch_stat switch_vlan_fates[] = {
    [VLAN_NOT_ALLOWED] = STAT_vlan_not_allowed,
    [VLAN_BAD_TAG] = STAT_vlan_bad_tag,
    [VLAN_NO_NATIVE] = STAT_vlan_no_native,
};

static void
switch_stp_send(void *arg, int port, const uint8_t *frame, size_t len)
{
	struct switch_state *sw = arg;
	uint8_t out[STP_FRAME_MAX];

	if (port >= sw->ports->n || len > sizeof(out))
		return;
	/* Each port sends from its own address, as 802.1D asks. */
	memcpy(out, frame, len);
	memcpy(out + ETHER_ADDR_LEN, sw->ports->port[port]->mac,
	       ETHER_ADDR_LEN);
	port_send(sw->ports->port[port], out, len);
}

/* A port that no longer learns forgets what it learned. */
static void
switch_stp_state_changed(void *arg, int port, enum stp_state state)
{
	struct switch_state *sw = arg;

	if (port < sw->ports->n)
		log_info("switch_stp: port %s %s", sw->ports->port[port]->name,
			 stp_state_names[state]);
	if (state != STP_learning && state != STP_forwarding)
		sw->stats[STAT_mac_flushed] += mactable_flush(&sw->macs, port);
}

/* While the topology changes, stations are forgotten after forward_delay
 * (802.1D 8.3.5): they may have moved. */
static void
switch_stp_topology_change(void *arg, bool on, double forward_delay)
{
	struct switch_state *sw = arg;

	log_info("switch_stp: topology change %s", on ? "begins" : "ends");
	if (on && (sw->aging == 0 || forward_delay < sw->aging))
		sw->macs.aging = forward_delay;
	else
		sw->macs.aging = sw->aging;
}

static void
switch_stp_schedule(void *arg, double when)
{
	struct switch_state *sw = arg;

	if (sw->stp_schedule)
		sw->stp_schedule(sw->stp_schedule_arg, when);
}

static const struct stp_ops switch_stp_ops = {
    .send = switch_stp_send,
    .state_changed = switch_stp_state_changed,
    .topology_change = switch_stp_topology_change,
    .schedule = switch_stp_schedule,
};

int
switch_init(struct switch_state *sw, struct port_set *ports,
	    size_t mac_capacity, double aging)
{
	memset(sw, 0, sizeof(*sw));
	sw->ports = ports;
	sw->trace = ports->trace;
	sw->aging = aging;
	stp_init(&sw->stp, &switch_stp_ops, sw);
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
		    vlan_is_member(&sw->vlans, i, vf->vid) &&
		    stp_port_forwards(&sw->stp, out->index))
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

/* A frame to the spanning tree's group address, while it runs. */
static enum switch_stat
switch_stp_input(struct switch_state *sw, struct port *in, const uint8_t *frame,
		 size_t len, double now)
{
	enum stp_result r;

	if (sw->stp.nports < sw->ports->n)
		switch_stp_sync(sw, now);
	r = stp_input(&sw->stp, in->index, frame, len, now);
	if (r != STP_BPDU_ok && r != STP_BPDU_own) {
		trace_note(sw->trace, "BPDU: %s", stp_result_names[r]);
		return STAT_bpdu_bad;
	}
	trace_note(sw->trace, "BPDU handed to the spanning tree");
	return STAT_bpdu;
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
	/* Spanning tree's own frames, and its ports' states, come before
	 * VLANs: a BPDU is untagged whatever the port's mode. */
	if (sw->stp.enabled) {
		if (memcmp(eth.dst, stp_group_mac, ETHER_ADDR_LEN) == 0)
			return switch_stp_input(sw, in, frame, len, now);
		if (!stp_port_learns(&sw->stp, in->index))
			return STAT_stp_blocked;
	}
	verdict = vlan_classify(&sw->vlans, in->index, frame, len, &vf);
	if (verdict != VLAN_PASS)
		return switch_vlan_fates[verdict];
	switch_learn(sw, in, eth.src, vf.vid, now);
	/* Reserved for the link's own protocols; bridges never relay them. */
	if (ether_is_link_local(eth.dst))
		return STAT_link_local;
	if (!stp_port_forwards(&sw->stp, in->index))
		return STAT_stp_learning;
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
	if (!stp_port_forwards(&sw->stp, out))
		return STAT_stp_out_blocked;
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
	return fate == STAT_forwarded || fate == STAT_flooded ||
	       fate == STAT_bpdu;
}

void
switch_port_changed(struct switch_state *sw, struct port *port, double now)
{
	if (!port->up)
		sw->stats[STAT_mac_flushed] +=
		    mactable_flush(&sw->macs, port->index);
	switch_stp_sync(sw, now);
}

void
switch_set_aging(struct switch_state *sw, double aging)
{
	sw->aging = aging;
	switch_stp_topology_change(sw, sw->stp.topology_change,
				   sw->stp.forward_delay);
}

void
switch_stp_sync(struct switch_state *sw, double now)
{
	const uint8_t *lowest = NULL;

	while (sw->stp.nports < sw->ports->n &&
	       stp_port_add(&sw->stp, sw->stp.nports) == 0)
		;
	for (int i = 0; i < sw->ports->n; i++) {
		const struct port *p = sw->ports->port[i];

		if (!lowest || memcmp(p->mac, lowest, ETHER_ADDR_LEN) < 0)
			lowest = p->mac;
	}
	if (lowest && memcmp(lowest, sw->stp.mac, ETHER_ADDR_LEN) != 0)
		stp_set_mac(&sw->stp, lowest, now);
	for (int i = 0; i < sw->stp.nports; i++)
		stp_port_link(&sw->stp, i, sw->ports->port[i]->up, now);
}

void
switch_stp_enable(struct switch_state *sw, bool on, double now)
{
	switch_stp_sync(sw, now);
	stp_enable(&sw->stp, on, now);
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
