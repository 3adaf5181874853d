/* IPv4 input: validation, local delivery, reassembly. A host does not
 * forward. */
#include "ip.h"

#include <arpa/inet.h>
#include <stdlib.h>

#include "host.h"
#include "host_icmp.h"
#include "udp.h"

/* ipv4_parse's reasons, in its order, as the host counts them. */
static const enum host_stat ip_input_check_stat[IPV4_CHECK_COUNT] = {
    [IPV4_ok] = STAT_ip_rx,
    [IPV4_truncated] = STAT_ip_truncated,
    [IPV4_bad_version] = STAT_ip_bad_version,
    [IPV4_bad_ihl] = STAT_ip_bad_ihl,
    [IPV4_bad_total_length] = STAT_ip_bad_total_length,
    [IPV4_bad_checksum] = STAT_ip_bad_checksum,
};

/* Is dst ours: one of our addresses or a broadcast of our subnets? */
static bool
ip_input_for_us(const struct host *h, uint32_t dst)
{
	return host_addr_find(h, dst) || host_addr_is_broadcast(h, dst);
}

/* Hands a whole datagram to its protocol. */
static void
ip_input_deliver(struct host *h, const struct ipv4_pkt *pkt,
		 bool link_multicast)
{
	h->stats[STAT_ip_delivered]++;
	switch (pkt->proto) {
	case IPV4_PROTO_ICMP:
		host_icmp_input(h, pkt, link_multicast);
		break;
	case IPV4_PROTO_UDP:
		udp_input(h, pkt, link_multicast);
		break;
	default:
		h->stats[STAT_ip_unknown_proto]++;
		host_icmp_send_error(h, ICMP_TYPE_DEST_UNREACH,
				     ICMP_CODE_PROTO_UNREACH, pkt,
				     link_multicast);
	}
}

static void
ip_input_fragment(struct host *h, const struct ipv4_pkt *pkt,
		  bool link_multicast)
{
	uint8_t *whole;
	size_t len;
	struct ipv4_pkt full;

	if (ip_reass_input(&h->reass, pkt, host_now(h), &whole, &len) != 1)
		return;
	if (ipv4_parse(whole, len, &full) == IPV4_ok)
		ip_input_deliver(h, &full, link_multicast);
	free(whole);
}

void
ip_input(struct host *h, struct port *port, const uint8_t *buf, size_t len,
	 bool link_multicast)
{
	struct ipv4_pkt pkt;
	enum ipv4_check check = ipv4_parse(buf, len, &pkt);
	bool loopback = port == NULL;

	h->stats[ip_input_check_stat[check]]++;
	if (check != IPV4_ok)
		return;
	/* 127.0.0.0/8 is a martian on a wire, not on the loopback. */
	if (!loopback &&
	    (ipv4_martian_src(pkt.src) || host_addr_is_broadcast(h, pkt.src))) {
		h->stats[STAT_ip_martian_src]++;
		return;
	}
	if (!loopback && !ip_input_for_us(h, pkt.dst)) {
		h->stats[STAT_ip_not_for_us]++;
		return;
	}
	if (ipv4_is_fragment(&pkt))
		ip_input_fragment(h, &pkt, link_multicast);
	else
		ip_input_deliver(h, &pkt, link_multicast);
}

void
ip_input_reass_timeout(const struct ipv4_pkt *first, void *arg)
{
	struct host *h = arg;

	host_icmp_send_error(h, ICMP_TYPE_TIME_EXCEEDED,
			     ICMP_CODE_REASSEMBLY_EXCEEDED, first, false);
}
