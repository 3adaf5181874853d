/* Ethernet in and out of the host's ports. */
#include "host.h"

#include <string.h>

#include "ip.h"

void
host_ether_input(struct host *h, struct port *port, const uint8_t *frame,
		 size_t len)
{
	struct ether_frame eth;
	bool link_multicast;

	h->stats[STAT_rx_frames]++;
	switch (ether_parse(frame, len, &eth)) {
	case ETHER_OK:
		break;
	case ETHER_TRUNCATED:
		h->stats[STAT_eth_truncated]++;
		return;
	default:
		h->stats[STAT_eth_length_field]++;
		return;
	}
	link_multicast = ether_is_multicast(eth.dst);
	if (!link_multicast && memcmp(eth.dst, port->mac, ETHER_ADDR_LEN)) {
		h->stats[STAT_eth_not_for_us]++;
		return;
	}
	if (link_multicast && !ether_is_broadcast(eth.dst)) {
		h->stats[STAT_eth_not_for_us]++;
		return;
	}
	if (eth.vlan) {
		h->stats[STAT_eth_vlan_tagged]++;
		return;
	}
	switch (eth.type) {
	case ETHERTYPE_ARP:
		host_arp_input(h, port, eth.payload, eth.payload_len);
		break;
	case ETHERTYPE_IPV4:
		ip_input(h, port, eth.payload, eth.payload_len, link_multicast);
		break;
	default:
		h->stats[STAT_eth_unknown_type]++;
	}
}

int
host_ether_output(struct host *h, struct port *port, const uint8_t *dst_mac,
		  uint16_t type, const uint8_t *payload, size_t len)
{
	size_t flen = ETHER_HDR_LEN + len;

	if (flen > sizeof(h->frame)) {
		h->stats[STAT_tx_failed]++;
		return -1;
	}
	ether_build(h->frame, dst_mac, port->mac, type);
	memcpy(h->frame + ETHER_HDR_LEN, payload, len);
	if (flen < ETHER_MIN_FRAME) {
		memset(h->frame + flen, 0, ETHER_MIN_FRAME - flen);
		flen = ETHER_MIN_FRAME;
	}
	if (port_send(port, h->frame, flen) < 0) {
		h->stats[STAT_tx_failed]++;
		return -1;
	}
	return 0;
}
