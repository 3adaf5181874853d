/*
 * Frames in: Ethernet demultiplexing, IPv4 header validation (RFC 1812
 * 5.2.2), and the choice between local delivery and forwarding.
 */
#include "router.h"

#include <string.h>

/* ipv4_parse()'s reasons as the router's counters. */
static const enum router_stat router_ipv4_drop[IPV4_CHECK_COUNT] = {
    [IPV4_ok] = STAT_ip_rx,
    [IPV4_truncated] = STAT_truncated,
    [IPV4_bad_version] = STAT_bad_version,
    [IPV4_bad_ihl] = STAT_bad_ihl,
    [IPV4_bad_total_length] = STAT_bad_total_length,
    [IPV4_bad_checksum] = STAT_bad_checksum,
};

/*
 * Validates one IPv4 datagram and sends it on its way; returns
 * STAT_ip_rx when it was delivered or forwarded, else the drop reason.
 */
static enum router_stat
router_ip_input(struct router *r, struct port *in,
		const struct ether_frame *eth, double now)
{
	bool link_multicast = ether_is_multicast(eth->dst);
	enum ipv4_check check;
	struct ipv4_pkt pkt;

	check = ipv4_parse(eth->payload, eth->payload_len, &pkt);
	if (check != IPV4_ok)
		return router_ipv4_drop[check];
	if (ipv4_martian_src(pkt.src) || router_is_subnet_broadcast(r, pkt.src))
		return STAT_martian_source;
	if (router_is_local(r, NULL, pkt.dst)) {
		router_local_input(r, &pkt, now);
		return STAT_ip_rx;
	}
	if (ipv4_is_multicast(pkt.dst))
		return STAT_multicast;
	if (ipv4_is_limited_broadcast(pkt.dst) ||
	    router_is_subnet_broadcast(r, pkt.dst))
		return STAT_broadcast;
	/* RFC 1812 5.3.4: a unicast datagram in a link-layer broadcast. */
	if (link_multicast)
		return STAT_link_broadcast;
	if (ipv4_martian_dst(pkt.dst))
		return STAT_martian_destination;
	router_forward(r, in, &pkt, link_multicast, now);
	return STAT_ip_rx;
}

static enum router_stat
router_demux(struct router *r, struct port *in, const uint8_t *frame,
	     size_t len, double now)
{
	struct ether_frame eth;

	if (!in->up)
		return STAT_port_down;
	if (len > port_frame_max(in))
		return STAT_oversize;
	switch (ether_parse(frame, len, &eth)) {
	case ETHER_TRUNCATED:
		return STAT_truncated;
	case ETHER_LENGTH_FIELD:
		return STAT_not_ethernet_ii;
	case ETHER_OK:
		break;
	}
	if (eth.vlan || eth.type == ETHERTYPE_VLAN)
		return STAT_vlan_tagged;
	if (!ether_is_multicast(eth.dst) &&
	    memcmp(eth.dst, in->mac, ETHER_ADDR_LEN) != 0)
		return STAT_other_host;
	switch (eth.type) {
	case ETHERTYPE_ARP:
		arp_cache_input(&r->arp, in, eth.payload, eth.payload_len, now);
		return STAT_rx_frames;
	case ETHERTYPE_IPV4:
		r->stats[STAT_ip_rx]++;
		return router_ip_input(r, in, &eth, now);
	default:
		return STAT_unknown_ethertype;
	}
}

void
router_input(struct router *r, struct port *in, const uint8_t *frame,
	     size_t len, double now)
{
	enum router_stat fate;

	r->stats[STAT_rx_frames]++;
	fate = router_demux(r, in, frame, len, now);
	if (fate != STAT_rx_frames && fate != STAT_ip_rx) {
		r->stats[fate]++;
		in->cnt.rx_dropped++;
	}
}
