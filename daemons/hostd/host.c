/* The host: its ports, addresses and connected routes. */
#include "host.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ip.h"

#define HOST_STAT_NAME(name) #name,
const char *const host_stat_names[HOST_STAT_COUNT] = {
    HOST_COUNTERS(HOST_STAT_NAME)};

static void
host_tick_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct host *h = w->data;

	(void)loop;
	(void)revents;
	ip_reass_expire(&h->reass, host_now(h));
}

int
host_init(struct host *h, struct ev_loop *loop)
{
	memset(h, 0, sizeof(*h));
	h->loop = loop;
	h->routes = route_table_new();
	if (!h->routes)
		return -1;
	ip_reass_init(&h->reass);
	h->reass.on_timeout = ip_input_reass_timeout;
	h->reass.arg = h;
	icmp_ratelimit_init(&h->icmp_rl, HOST_ICMP_RATE, HOST_ICMP_BURST);
	sock_table_init(&h->socks);
	h->ip_id = (uint16_t)random();
	if (host_arp_init(h) < 0) {
		route_table_free(h->routes);
		return -1;
	}
	ev_timer_init(&h->tick, host_tick_cb, 1.0, 1.0);
	h->tick.data = h;
	if (loop)
		ev_timer_start(loop, &h->tick);
	return 0;
}

void
host_destroy(struct host *h)
{
	if (h->loop) {
		ev_timer_stop(h->loop, &h->tick);
		ev_timer_stop(h->loop, &h->arp_timer);
	}
	arp_cache_destroy(&h->arp);
	ip_reass_destroy(&h->reass);
	route_table_free(h->routes);
}

double
host_now(const struct host *h)
{
	return h->loop ? ev_now(h->loop) : h->now;
}

int
host_add_port(struct host *h, struct port *port)
{
	if (h->nports == HOST_PORTS_MAX)
		return -1;
	port->index = h->nports;
	h->ports[h->nports++] = port;
	return 0;
}

struct port *
host_port_by_name(struct host *h, const char *name)
{
	for (int i = 0; i < h->nports; i++)
		if (!strcmp(h->ports[i]->name, name))
			return h->ports[i];
	return NULL;
}

const struct host_addr *
host_addr_find(const struct host *h, uint32_t addr)
{
	for (int i = 0; i < h->naddrs; i++)
		if (h->addrs[i].addr == addr)
			return &h->addrs[i];
	return NULL;
}

const struct host_addr *
host_addr_of_port(const struct host *h, const struct port *port)
{
	for (int i = 0; i < h->naddrs; i++)
		if (h->addrs[i].port == port)
			return &h->addrs[i];
	return NULL;
}

bool
host_addr_is_broadcast(const struct host *h, uint32_t addr)
{
	if (ipv4_is_limited_broadcast(addr))
		return true;
	for (int i = 0; i < h->naddrs; i++) {
		uint32_t mask = ipv4_mask(h->addrs[i].len);

		if (h->addrs[i].len < 31 &&
		    (addr & mask) == (h->addrs[i].addr & mask) &&
		    (addr | mask) == 0xffffffffu)
			return true;
	}
	return false;
}

int
host_addr_add(struct host *h, struct port *port, uint32_t addr, unsigned len,
	      char *err, size_t errlen)
{
	struct route r = {.prefix = addr & ipv4_mask(len),
			  .len = len,
			  .port = port,
			  .kind = ROUTE_connected};
	char ip[IPV4_ADDR_STRLEN];

	if (len > 32 || ipv4_martian_src(addr) || ipv4_martian_dst(addr) ||
	    (len < 31 && ((addr & ~ipv4_mask(len)) == 0 ||
			  (addr | ipv4_mask(len)) == 0xffffffffu))) {
		snprintf(err, errlen, "%s/%u is not a host address",
			 ipv4_ntoa(addr, ip), len);
		return -1;
	}
	if (host_addr_find(h, addr)) {
		snprintf(err, errlen, "%s is already in use",
			 ipv4_ntoa(addr, ip));
		return -1;
	}
	if (h->naddrs == HOST_ADDRS_MAX) {
		snprintf(err, errlen, "too many addresses");
		return -1;
	}
	if (route_add(h->routes, &r) < 0 && errno != EEXIST) {
		snprintf(err, errlen, "cannot add route: %s", strerror(errno));
		return -1;
	}
	h->addrs[h->naddrs++] = (struct host_addr){port, addr, len};
	arp_cache_announce(&h->arp, port, addr);
	return 0;
}

/* Is another address still holding the connected route of prefix/len? */
static bool
host_prefix_in_use(const struct host *h, uint32_t prefix, unsigned len)
{
	for (int i = 0; i < h->naddrs; i++)
		if (h->addrs[i].len == len &&
		    (h->addrs[i].addr & ipv4_mask(len)) == prefix)
			return true;
	return false;
}

int
host_addr_del(struct host *h, struct port *port, uint32_t addr, unsigned len,
	      char *err, size_t errlen)
{
	uint32_t prefix = addr & ipv4_mask(len);
	const struct route *r;
	char ip[IPV4_ADDR_STRLEN];
	int i;

	for (i = 0; i < h->naddrs; i++)
		if (h->addrs[i].port == port && h->addrs[i].addr == addr &&
		    h->addrs[i].len == len)
			break;
	if (i == h->naddrs) {
		snprintf(err, errlen, "%s/%u is not on %s", ipv4_ntoa(addr, ip),
			 len, port->name);
		return -1;
	}
	h->addrs[i] = h->addrs[--h->naddrs];
	r = route_get(h->routes, prefix, len);
	if (r && r->kind == ROUTE_connected &&
	    !host_prefix_in_use(h, prefix, len))
		route_del(h->routes, prefix, len);
	arp_cache_flush(&h->arp, port);
	return 0;
}
