/* The router's state: ports, the neighbour cache and its timer. */
#include "router.h"

#include <math.h>
#include <string.h>

#include "log.h"

const char *const router_stat_names[ROUTER_STAT_COUNT] = {
    ROUTER_COUNTERS(STATS_NAME)};

static void
router_arp_send_frame(void *arg, struct port *port, const uint8_t *frame,
		      size_t len)
{
	(void)arg;
	port_send(port, frame, len);
}

static void
router_arp_xmit(void *arg, struct port *port, const uint8_t *mac,
		const uint8_t *pkt, size_t len)
{
	uint8_t frame[PORT_FRAME_MAX];
	size_t flen = ETHER_HDR_LEN + len;

	(void)arg;
	if (flen > sizeof(frame)) {
		port->cnt.tx_dropped++;
		return;
	}
	ether_build(frame, mac, port->mac, ETHERTYPE_IPV4);
	memcpy(frame + ETHER_HDR_LEN, pkt, len);
	if (flen < ETHER_MIN_FRAME) {
		memset(frame + flen, 0, ETHER_MIN_FRAME - flen);
		flen = ETHER_MIN_FRAME;
	}
	port_send(port, frame, flen);
}

static void
router_arp_unreachable(void *arg, struct port *port, const uint8_t *pkt,
		       size_t len)
{
	struct router *r = arg;
	struct ipv4_pkt ip;

	(void)port;
	r->stats[STAT_arp_failed]++;
	if (ipv4_parse(pkt, len, &ip) != IPV4_ok)
		return;
	router_icmp_error(r, &ip, false, ICMP_TYPE_DEST_UNREACH,
			  ICMP_CODE_HOST_UNREACH, 0, router_now(r));
}

static bool
router_arp_is_local(void *arg, struct port *port, uint32_t ip)
{
	return router_is_local(arg, port, ip);
}

static bool
router_arp_on_link(void *arg, struct port *port, uint32_t ip)
{
	return router_on_link(arg, port, ip);
}

static uint32_t
router_arp_source(void *arg, struct port *port, uint32_t peer)
{
	return router_port_addr(arg, port, peer);
}

static void
router_arp_schedule(void *arg, double when)
{
	struct router *r = arg;
	double after;

	if (!r->loop)
		return;
	after = when - ev_now(r->loop);
	ev_timer_stop(r->loop, &r->arp_timer);
	ev_timer_set(&r->arp_timer, after > 0 ? after : 0, 0);
	ev_timer_start(r->loop, &r->arp_timer);
}

static void
router_arp_timer_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct router *r = w->data;

	(void)revents;
	arp_cache_expire(&r->arp, ev_now(loop));
}

static void
router_tick_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct router *r = w->data;

	(void)revents;
	ip_reass_expire(&r->reass, ev_now(loop));
}

static const struct arp_ops router_arp_ops = {
    .send_frame = router_arp_send_frame,
    .xmit = router_arp_xmit,
    .unreachable = router_arp_unreachable,
    .is_local = router_arp_is_local,
    .on_link = router_arp_on_link,
    .source_addr = router_arp_source,
    .schedule = router_arp_schedule,
};

int
router_init(struct router *r, struct ev_loop *loop)
{
	memset(r, 0, sizeof(*r));
	r->loop = loop;
	r->routes = route_table_new();
	if (!r->routes)
		return -1;
	if (arp_cache_init(&r->arp, NULL, &router_arp_ops, r) < 0) {
		route_table_free(r->routes);
		return -1;
	}
	ev_init(&r->arp_timer, router_arp_timer_cb);
	r->arp_timer.data = r;
	ip_reass_init(&r->reass);
	r->reass.on_timeout = router_reass_timeout;
	r->reass.arg = r;
	ev_timer_init(&r->tick, router_tick_cb, 1.0, 1.0);
	r->tick.data = r;
	if (loop)
		ev_timer_start(loop, &r->tick);
	icmp_ratelimit_init(&r->icmp_rl, ROUTER_ICMP_RATE, ROUTER_ICMP_BURST);
	return 0;
}

void
router_destroy(struct router *r)
{
	if (r->loop) {
		ev_timer_stop(r->loop, &r->arp_timer);
		ev_timer_stop(r->loop, &r->tick);
	}
	arp_cache_destroy(&r->arp);
	ip_reass_destroy(&r->reass);
	route_table_free(r->routes);
	for (int i = 0; i < r->nports; i++)
		port_close(r->ports[i]);
}

int
router_add_port(struct router *r, struct port *port)
{
	if (r->nports == ROUTER_PORTS_MAX)
		return -1;
	port->index = r->nports;
	r->ports[r->nports++] = port;
	return 0;
}

struct port *
router_port_by_name(struct router *r, const char *name)
{
	for (int i = 0; i < r->nports; i++)
		if (strcmp(r->ports[i]->name, name) == 0)
			return r->ports[i];
	return NULL;
}

void
router_port_changed(struct router *r, struct port *port)
{
	log_info("router_port_changed: %s is %s", port->name,
		 port->up ? "up" : "down");
	if (!port->up) {
		arp_cache_flush(&r->arp, port);
		return;
	}
	for (int i = 0; i < r->naddrs; i++)
		if (r->addrs[i].port == port)
			arp_cache_announce(&r->arp, port, r->addrs[i].addr);
}

double
router_now(const struct router *r)
{
	return r->loop ? ev_now(r->loop) : r->clock;
}
