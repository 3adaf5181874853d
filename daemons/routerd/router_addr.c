/* The router's addresses, connected routes, and static routes. */
#include "router.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "log.h"

static bool
router_addr_holds(const struct router_addr *a, uint32_t addr)
{
	return ((a->addr ^ addr) & ipv4_mask(a->len)) == 0;
}

bool
router_is_local(const struct router *r, const struct port *port, uint32_t addr)
{
	for (int i = 0; i < r->naddrs; i++)
		if (r->addrs[i].addr == addr &&
		    (!port || r->addrs[i].port == port))
			return true;
	return false;
}

bool
router_is_subnet_broadcast(const struct router *r, uint32_t addr)
{
	for (int i = 0; i < r->naddrs; i++) {
		const struct router_addr *a = &r->addrs[i];

		if (a->len < 31 && router_addr_holds(a, addr) &&
		    (addr | ipv4_mask(a->len)) == 0xffffffffu)
			return true;
	}
	return false;
}

bool
router_on_link(const struct router *r, const struct port *port, uint32_t addr)
{
	for (int i = 0; i < r->naddrs; i++)
		if (r->addrs[i].port == port &&
		    router_addr_holds(&r->addrs[i], addr))
			return true;
	return false;
}

uint32_t
router_port_addr(const struct router *r, const struct port *port, uint32_t peer)
{
	uint32_t first = 0;

	for (int i = 0; i < r->naddrs; i++) {
		if (r->addrs[i].port != port)
			continue;
		if (router_addr_holds(&r->addrs[i], peer))
			return r->addrs[i].addr;
		if (!first)
			first = r->addrs[i].addr;
	}
	return first;
}

/* The port whose subnet holds addr, or NULL. */
static struct port *
router_link_of(const struct router *r, uint32_t addr)
{
	for (int i = 0; i < r->naddrs; i++)
		if (router_addr_holds(&r->addrs[i], addr))
			return r->addrs[i].port;
	return NULL;
}

int
router_addr_add(struct router *r, struct port *port, uint32_t addr,
		unsigned len, char *err, size_t errlen)
{
	uint32_t net = addr & ipv4_mask(len);
	struct route route = {
	    .prefix = net, .len = len, .port = port, .kind = ROUTE_connected};
	const struct route *old;

	if (len == 0 || ipv4_martian_src(addr)) {
		snprintf(err, errlen, "not a host address");
		return -1;
	}
	if (len < 31 && (addr == net || (addr | ipv4_mask(len)) == ~0u)) {
		snprintf(err, errlen,
			 "the subnet's network or broadcast "
			 "address is no host address");
		return -1;
	}
	if (router_is_local(r, NULL, addr)) {
		snprintf(err, errlen, "address already in use");
		return -1;
	}
	if (r->naddrs == ROUTER_ADDRS_MAX) {
		snprintf(err, errlen, "too many addresses");
		return -1;
	}
	old = route_get(r->routes, net, len);
	if (old && (old->kind != ROUTE_connected || old->port != port)) {
		snprintf(err, errlen, "a route for that subnet exists");
		return -1;
	}
	if (!old && route_add(r->routes, &route) < 0) {
		snprintf(err, errlen, "cannot add the route: %s",
			 strerror(errno));
		return -1;
	}
	r->addrs[r->naddrs++] = (struct router_addr){addr, len, port};
	if (port->up)
		arp_cache_announce(&r->arp, port, addr);
	return 0;
}

struct router_stale_routes {
	const struct router *r;
	uint32_t prefixes[64];
	unsigned lens[64];
	int n;
};

/* Collects static routes whose gateway is on no subnet any more. */
static int
router_stale_route(const struct route *rt, void *arg)
{
	struct router_stale_routes *s = arg;

	if (rt->kind == ROUTE_static && rt->gateway &&
	    !router_link_of(s->r, rt->gateway) && s->n < 64) {
		s->prefixes[s->n] = rt->prefix;
		s->lens[s->n++] = rt->len;
	}
	return 0;
}

int
router_addr_del(struct router *r, struct port *port, uint32_t addr,
		unsigned len, char *err, size_t errlen)
{
	struct router_stale_routes stale = {.r = r};
	uint32_t net = addr & ipv4_mask(len);
	int i, j;

	for (i = 0; i < r->naddrs; i++)
		if (r->addrs[i].port == port && r->addrs[i].addr == addr &&
		    r->addrs[i].len == len)
			break;
	if (i == r->naddrs) {
		snprintf(err, errlen, "no such address on %s", port->name);
		return -1;
	}
	r->addrs[i] = r->addrs[--r->naddrs];
	for (j = 0; j < r->naddrs; j++)
		if (r->addrs[j].port == port && r->addrs[j].len == len &&
		    (r->addrs[j].addr & ipv4_mask(len)) == net)
			break;
	if (j == r->naddrs)
		route_del(r->routes, net, len);
	route_walk(r->routes, router_stale_route, &stale);
	for (i = 0; i < stale.n; i++)
		route_del(r->routes, stale.prefixes[i], stale.lens[i]);
	arp_cache_flush(&r->arp, port);
	return 0;
}

int
router_route_add(struct router *r, uint32_t prefix, unsigned len,
		 uint32_t gateway, struct port *port, char *err, size_t errlen)
{
	struct route route = {.prefix = prefix,
			      .len = len,
			      .gateway = gateway,
			      .port = port,
			      .kind = ROUTE_static};

	if (prefix & ~ipv4_mask(len)) {
		snprintf(err, errlen, "bad prefix: host bits set");
		return -1;
	}
	if (gateway) {
		if (router_is_local(r, NULL, gateway)) {
			snprintf(err, errlen,
				 "the gateway is one of the router's own "
				 "addresses");
			return -1;
		}
		route.port = router_link_of(r, gateway);
		if (!route.port) {
			snprintf(err, errlen,
				 "gateway not on a connected subnet");
			return -1;
		}
	}
	if (route_add(r->routes, &route) < 0) {
		snprintf(err, errlen, "%s",
			 errno == EEXIST ? "a route for that prefix exists"
					 : strerror(errno));
		return -1;
	}
	return 0;
}

int
router_route_del(struct router *r, uint32_t prefix, unsigned len, char *err,
		 size_t errlen)
{
	const struct route *rt = route_get(r->routes, prefix, len);

	if (!rt || rt->prefix != prefix) {
		snprintf(err, errlen, "no such route");
		return -1;
	}
	if (rt->kind == ROUTE_connected) {
		snprintf(err, errlen,
			 "a connected route goes with its address "
			 "(addr del)");
		return -1;
	}
	route_del(r->routes, prefix, len);
	return 0;
}
