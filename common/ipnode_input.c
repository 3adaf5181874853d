/*
 * Frames in: Ethernet demultiplexing, ARP, IPv4 validation (RFC 1122
 * 3.2.1, RFC 1812 5.2.2), and the choice between local delivery, with
 * reassembly, and the forward hook. The loopback's datagrams come in here
 * too, from the event loop.
 */
#include "ipnode.h"

#include <string.h>

/* ipv4_parse()'s reasons, in its order, as the node counts them. */
static const enum ipnode_stat ipnode_ip_check_stat[IPV4_CHECK_COUNT] = {
    [IPV4_ok] = IPNODE_ip_rx,
    [IPV4_truncated] = IPNODE_ip_truncated,
    [IPV4_bad_version] = IPNODE_ip_bad_version,
    [IPV4_bad_ihl] = IPNODE_ip_bad_ihl,
    [IPV4_bad_total_length] = IPNODE_ip_bad_total_length,
    [IPV4_bad_checksum] = IPNODE_ip_bad_checksum,
};

/* Hands a whole datagram for the node to its protocol. */
static void
ipnode_deliver(struct ipnode *n, const struct ipv4_pkt *pkt,
	       bool link_multicast)
{
	n->stats[IPNODE_ip_delivered]++;
	for (int i = 0; i < n->nprotos; i++) {
		if (n->protos[i]->num == pkt->proto) {
			n->protos[i]->input(n, pkt, link_multicast);
			return;
		}
	}
	n->stats[IPNODE_ip_unknown_proto]++;
	trace_note(n->trace, "no protocol %u here:", pkt->proto);
	ipnode_icmp_error(n, pkt, link_multicast, ICMP_TYPE_DEST_UNREACH,
			  ICMP_CODE_PROTO_UNREACH, 0);
}

/* A fragment for the node: delivered once its datagram is whole. */
static void
ipnode_reassemble(struct ipnode *n, const struct ipv4_pkt *pkt,
		  bool link_multicast)
{
	struct ipv4_pkt whole;
	struct pbuf *p;

	if (ip_reass_input(&n->reass, pkt, ipnode_now(n), &p) != 1) {
		trace_note(n->trace, "fragment kept for reassembly");
		return;
	}
	trace_note(n->trace, "last fragment: datagram reassembled");
	if (ipv4_parse(p->data, p->len, &whole) == IPV4_ok)
		ipnode_deliver(n, &whole, link_multicast);
	pbuf_free(p);
}

/*
 * A datagram received on port, or looped back (port NULL), in a frame to
 * a broadcast or multicast MAC when link_multicast; false when dropped.
 */
static bool
ipnode_ip_input(struct ipnode *n, struct port *port, const uint8_t *buf,
		size_t len, bool link_multicast)
{
	enum ipv4_check check;
	struct ipv4_pkt pkt;

	check = ipv4_parse(buf, len, &pkt);
	if (check != IPV4_ok)
		return ipnode_drop(n, ipnode_ip_check_stat[check]);
	/* A forwarded datagram's route is looked up after the checks below. */
	if (n->forward)
		route_prefetch(n->routes, pkt.dst);
	n->stats[IPNODE_ip_rx]++;
	/* 127.0.0.0/8 is a martian on a wire, not on the loopback. */
	if (port &&
	    (ipv4_martian_src(pkt.src) || ipnode_is_broadcast(n, pkt.src)))
		return ipnode_drop(n, IPNODE_ip_martian_src);
	if (port && !ipnode_addr_find(n, NULL, pkt.dst)) {
		if (n->forward)
			return n->forward(n, port, &pkt, link_multicast);
		if (!ipnode_is_broadcast(n, pkt.dst))
			return ipnode_drop(n, IPNODE_ip_not_for_us);
	}
	/* A router says so; on a host it goes without saying. */
	if (n->forward)
		trace_note(n->trace, "for this router:");
	if (ipv4_is_fragment(&pkt))
		ipnode_reassemble(n, &pkt, link_multicast);
	else
		ipnode_deliver(n, &pkt, link_multicast);
	return true;
}

bool
ipnode_ether_input(struct ipnode *n, struct port *port, const uint8_t *frame,
		   size_t len)
{
	struct ether_frame eth;
	bool link_multicast;

	switch (ether_parse(frame, len, &eth)) {
	case ETHER_OK:
		break;
	case ETHER_TRUNCATED:
		return ipnode_drop(n, IPNODE_eth_truncated);
	default:
		return ipnode_drop(n, IPNODE_eth_length_field);
	}
	if (eth.vlan || eth.type == ETHERTYPE_VLAN)
		return ipnode_drop(n, IPNODE_eth_vlan_tagged);
	link_multicast = ether_is_multicast(eth.dst);
	/* The node joins no multicast group: of group addresses, only the
	 * broadcast is for it. */
	if (link_multicast ? !ether_is_broadcast(eth.dst)
			   : memcmp(eth.dst, port->mac, ETHER_ADDR_LEN) != 0)
		return ipnode_drop(n, IPNODE_eth_other_host);
	switch (eth.type) {
	case ETHERTYPE_ARP:
		arp_cache_input(&n->arp, port, eth.payload, eth.payload_len,
				ipnode_now(n));
		return true;
	case ETHERTYPE_IPV4:
		return ipnode_ip_input(n, port, eth.payload, eth.payload_len,
				       link_multicast);
	default:
		return ipnode_drop(n, IPNODE_eth_unknown_type);
	}
}

void
ipnode_loopback_run(struct ipnode *n)
{
	struct pbuf_queue batch;
	struct pbuf *p;

	/* What input sends back to the node waits for the next turn. */
	pbuf_queue_move(&batch, &n->loopback);
	while ((p = pbuf_queue_pop(&batch))) {
		ipnode_ip_input(n, NULL, p->data, p->len, false);
		pbuf_free(p);
	}
	if (n->loopback.count && n->loop) {
		ev_timer_set(&n->loopback_timer, 0, 0);
		ev_timer_start(n->loop, &n->loopback_timer);
	}
}
