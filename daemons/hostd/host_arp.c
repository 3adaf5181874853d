/* The host's side of the shared ARP cache: sending, time, addresses. */
#include "host.h"

#include <arpa/inet.h>
#include <math.h>

#include "host_icmp.h"

static void
host_arp_send_frame(void *arg, struct port *port, const uint8_t *frame,
		    size_t len)
{
	struct host *h = arg;

	if (port_send(port, frame, len) < 0)
		h->stats[STAT_tx_failed]++;
}

static void
host_arp_xmit(void *arg, struct port *port, const uint8_t *mac,
	      const uint8_t *pkt, size_t len)
{
	host_ether_output(arg, port, mac, ETHERTYPE_IPV4, pkt, len);
}

/* Our own datagram to a neighbour that never answered: tell its socket. */
static void
host_arp_unreachable(void *arg, struct port *port, const uint8_t *pkt,
		     size_t len)
{
	struct host *h = arg;
	struct ipv4_pkt ip;

	(void)port;
	if (ipv4_parse(pkt, len, &ip) != IPV4_ok)
		return;
	host_icmp_notify(h, ICMP_TYPE_DEST_UNREACH, ICMP_CODE_HOST_UNREACH,
			 ip.src, pkt, len);
}

static bool
host_arp_is_local(void *arg, struct port *port, uint32_t ip)
{
	const struct host_addr *a = host_addr_find(arg, ip);

	return a && a->port == port;
}

static bool
host_arp_on_link(void *arg, struct port *port, uint32_t ip)
{
	const struct host *h = arg;

	for (int i = 0; i < h->naddrs; i++) {
		uint32_t mask = ipv4_mask(h->addrs[i].len);

		if (h->addrs[i].port == port &&
		    (ip & mask) == (h->addrs[i].addr & mask))
			return true;
	}
	return false;
}

static uint32_t
host_arp_source_addr(void *arg, struct port *port, uint32_t peer)
{
	const struct host *h = arg;
	const struct host_addr *first = NULL;

	for (int i = 0; i < h->naddrs; i++) {
		uint32_t mask = ipv4_mask(h->addrs[i].len);

		if (h->addrs[i].port != port)
			continue;
		if ((peer & mask) == (h->addrs[i].addr & mask))
			return h->addrs[i].addr;
		if (!first)
			first = &h->addrs[i];
	}
	return first ? first->addr : 0;
}

static void
host_arp_schedule(void *arg, double when)
{
	struct host *h = arg;

	if (!h->loop)
		return;
	ev_timer_stop(h->loop, &h->arp_timer);
	if (isinf(when))
		return;
	when -= ev_now(h->loop);
	ev_timer_set(&h->arp_timer, when > 0 ? when : 0.0, 0.0);
	ev_timer_start(h->loop, &h->arp_timer);
}

static void
host_arp_timer_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct host *h = w->data;

	(void)revents;
	arp_cache_expire(&h->arp, ev_now(loop));
}

static const struct arp_ops host_arp_ops = {
    .send_frame = host_arp_send_frame,
    .xmit = host_arp_xmit,
    .unreachable = host_arp_unreachable,
    .is_local = host_arp_is_local,
    .on_link = host_arp_on_link,
    .source_addr = host_arp_source_addr,
    .schedule = host_arp_schedule,
};

int
host_arp_init(struct host *h)
{
	ev_init(&h->arp_timer, host_arp_timer_cb);
	h->arp_timer.data = h;
	return arp_cache_init(&h->arp, NULL, &host_arp_ops, h);
}

void
host_arp_input(struct host *h, struct port *port, const uint8_t *buf,
	       size_t len)
{
	arp_cache_input(&h->arp, port, buf, len, host_now(h));
}

int
host_arp_output(struct host *h, struct port *port, uint32_t nexthop,
		const uint8_t *pkt, size_t len)
{
	return arp_cache_output(&h->arp, port, nexthop, pkt, len, host_now(h));
}
