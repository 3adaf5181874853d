/* The IPv4 node: its timers, its addresses and the routes they imply. */
#include "ipnode.h"

#include <arpa/inet.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

#define IPNODE_STAT_NAME(name) #name,
const char *const ipnode_stat_names[IPNODE_STAT_COUNT] = {
    IPNODE_COUNTERS(IPNODE_STAT_NAME)};

extern const struct ipnode_proto ipnode_icmp_proto;

/* Drops in words, for traces; the others read as their counter's name. */
static const char *const ipnode_drop_words[IPNODE_STAT_COUNT] = {
    [IPNODE_eth_truncated] = "truncated Ethernet header",
    [IPNODE_eth_length_field] = "802.3 length field, not an EtherType",
    [IPNODE_eth_vlan_tagged] = "VLAN-tagged frame",
    [IPNODE_eth_other_host] = "not for this host",
    [IPNODE_eth_unknown_type] = "unknown EtherType",
    [IPNODE_ip_truncated] = "truncated IPv4 header",
    [IPNODE_ip_bad_version] = "not IPv4",
    [IPNODE_ip_bad_ihl] = "bad IPv4 header length",
    [IPNODE_ip_bad_total_length] = "bad IPv4 total length",
    [IPNODE_ip_bad_checksum] = "bad checksum",
    [IPNODE_ip_martian_src] = "martian source address",
    [IPNODE_ip_not_for_us] = "not for this host",
    [IPNODE_icmp_truncated] = "truncated ICMP message",
    [IPNODE_icmp_bad_checksum] = "bad ICMP checksum",
    [IPNODE_icmp_echo_to_broadcast] = "echo request to a broadcast",
    [IPNODE_icmp_unknown_type] = "unknown ICMP type",
};

bool
ipnode_drop(struct ipnode *n, enum ipnode_stat stat)
{
	n->stats[stat]++;
	trace_drop(n->trace, ipnode_drop_words[stat] ? ipnode_drop_words[stat]
						     : ipnode_stat_names[stat]);
	return false;
}

/* --- the ARP cache's view of the node ------------------------------------ */

/* Words for an ARP packet the node sends. */
static void
ipnode_arp_describe(struct ipnode *n, const uint8_t *frame, size_t len)
{
	char spa[IPV4_ADDR_STRLEN], tpa[IPV4_ADDR_STRLEN];
	struct arp_msg m;

	if (len < ETHER_HDR_LEN ||
	    arp_parse(frame + ETHER_HDR_LEN, len - ETHER_HDR_LEN, &m) != ARP_ok)
		return;
	ipv4_ntoa(m.spa, spa);
	ipv4_ntoa(m.tpa, tpa);
	if (m.op == ARP_OP_REPLY)
		trace_note(n->trace, "ARP reply to %s: %s is here", tpa, spa);
	else if (m.spa == m.tpa)
		trace_note(n->trace, "ARP announcement of %s", spa);
	else
		trace_note(n->trace, "ARP request for %s", tpa);
}

static void
ipnode_arp_send_frame(void *arg, struct port *port, const uint8_t *frame,
		      size_t len)
{
	struct ipnode *n = arg;
	struct trace_ctx saved = trace_origin_begin(n->trace);

	if (trace_noting(n->trace))
		ipnode_arp_describe(n, frame, len);
	if (port_send(port, frame, len) < 0)
		n->stats[IPNODE_tx_failed]++;
	trace_restore(n->trace, saved);
}

static void
ipnode_arp_xmit(void *arg, struct port *port, uint32_t ip, const uint8_t *mac,
		struct pbuf *pkt)
{
	struct ipnode *n = arg;
	struct trace_ctx saved = trace_enter(n->trace, pkt->trace_row);

	if (trace_noting(n->trace)) {
		char addr[IPV4_ADDR_STRLEN], hw[ETHER_ADDR_STRLEN];

		trace_note(n->trace, "next hop %s is %s (ARP)",
			   ipv4_ntoa(ip, addr), ether_ntoa_buf(mac, hw));
	}
	ipnode_ether_output(n, port, mac, pkt);
	trace_restore(n->trace, saved);
}

static void
ipnode_arp_discard(void *arg, struct port *port, const struct pbuf *pkt,
		   const char *why)
{
	struct ipnode *n = arg;
	struct trace_ctx saved = trace_enter(n->trace, pkt->trace_row);

	(void)port;
	trace_note(n->trace, "never sent: %s", why);
	trace_restore(n->trace, saved);
}

/*
 * A datagram that waited for a next hop nobody resolved: the node's own
 * is reported to whoever sent it; another's (a router's) gets a host
 * unreachable back to its source.
 */
static void
ipnode_arp_unreachable(void *arg, struct port *port, const struct pbuf *pkt)
{
	struct ipnode *n = arg;
	struct trace_ctx saved = trace_enter(n->trace, pkt->trace_row);
	struct ipv4_pkt ip;

	(void)port;
	n->stats[IPNODE_ip_unresolved]++;
	trace_note(n->trace, "never sent: the next hop did not answer ARP:");
	if (ipv4_parse(pkt->data, pkt->len, &ip) != IPV4_ok) {
		trace_restore(n->trace, saved);
		return;
	}
	if (ipnode_addr_find(n, NULL, ip.src))
		ipnode_icmp_notify(n, ICMP_TYPE_DEST_UNREACH,
				   ICMP_CODE_HOST_UNREACH, 0, ip.src, pkt->data,
				   pkt->len);
	else
		ipnode_icmp_error(n, &ip, false, ICMP_TYPE_DEST_UNREACH,
				  ICMP_CODE_HOST_UNREACH, 0);
	trace_restore(n->trace, saved);
}

static bool
ipnode_arp_is_local(void *arg, struct port *port, uint32_t ip)
{
	return ipnode_addr_find(arg, port, ip) != NULL;
}

static bool
ipnode_arp_on_link(void *arg, struct port *port, uint32_t ip)
{
	return ipnode_on_link(arg, port, ip);
}

static uint32_t
ipnode_arp_source(void *arg, struct port *port, uint32_t peer)
{
	return ipnode_port_addr(arg, port, peer);
}

static void
ipnode_arp_schedule(void *arg, double when)
{
	struct ipnode *n = arg;
	double after;

	if (!n->loop)
		return;
	ev_timer_stop(n->loop, &n->arp_timer);
	if (isinf(when))
		return;
	after = when - ev_now(n->loop);
	ev_timer_set(&n->arp_timer, after > 0 ? after : 0, 0);
	ev_timer_start(n->loop, &n->arp_timer);
}

static const struct arp_ops ipnode_arp_ops = {
    .send_frame = ipnode_arp_send_frame,
    .xmit = ipnode_arp_xmit,
    .unreachable = ipnode_arp_unreachable,
    .is_local = ipnode_arp_is_local,
    .on_link = ipnode_arp_on_link,
    .source_addr = ipnode_arp_source,
    .schedule = ipnode_arp_schedule,
    .discard = ipnode_arp_discard,
};

/* --- timers ------------------------------------------------------------ */

static void
ipnode_arp_timer_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct ipnode *n = w->data;

	(void)revents;
	arp_cache_expire(&n->arp, ev_now(loop));
}

static void
ipnode_tick_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct ipnode *n = w->data;

	(void)revents;
	ip_reass_expire(&n->reass, ev_now(loop));
}

static void
ipnode_loopback_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	(void)loop;
	(void)revents;
	ipnode_loopback_run(w->data);
}

/* ip_reass's timeout: RFC 1122 3.3.2, time exceeded in reassembly. */
static void
ipnode_reass_timeout(const struct ipv4_pkt *first, void *arg)
{
	ipnode_icmp_error(arg, first, false, ICMP_TYPE_TIME_EXCEEDED,
			  ICMP_CODE_REASSEMBLY_EXCEEDED, 0);
}

/* --- the node ------------------------------------------------------------ */

int
ipnode_init(struct ipnode *n, struct ev_loop *loop, struct port_set *ports)
{
	memset(n, 0, sizeof(*n));
	n->loop = loop;
	n->ports = ports;
	n->routes = route_table_new();
	if (!n->routes)
		return -1;
	if (arp_cache_init(&n->arp, NULL, &ipnode_arp_ops, n) < 0) {
		route_table_free(n->routes);
		return -1;
	}
	n->trace = ports->trace;
	n->arp.trace = n->trace;
	ip_reass_init(&n->reass);
	n->reass.on_timeout = ipnode_reass_timeout;
	n->reass.arg = n;
	icmp_ratelimit_init(&n->icmp_rl, IPNODE_ICMP_RATE, IPNODE_ICMP_BURST);
	sock_table_init(&n->socks);
	pbuf_queue_init(&n->loopback);
	n->ip_id = (uint16_t)random();
	ev_init(&n->arp_timer, ipnode_arp_timer_cb);
	n->arp_timer.data = n;
	ev_timer_init(&n->tick, ipnode_tick_cb, 1.0, 1.0);
	n->tick.data = n;
	ev_init(&n->loopback_timer, ipnode_loopback_cb);
	n->loopback_timer.data = n;
	if (loop)
		ev_timer_start(loop, &n->tick);
	ipnode_register(n, &ipnode_icmp_proto);
	return 0;
}

void
ipnode_destroy(struct ipnode *n)
{
	if (n->loop) {
		ev_timer_stop(n->loop, &n->arp_timer);
		ev_timer_stop(n->loop, &n->tick);
		ev_timer_stop(n->loop, &n->loopback_timer);
	}
	pbuf_queue_clear(&n->loopback);
	arp_cache_destroy(&n->arp);
	ip_reass_destroy(&n->reass);
	route_table_free(n->routes);
}

double
ipnode_now(const struct ipnode *n)
{
	return n->loop ? ev_now(n->loop) : n->clock;
}

int
ipnode_register(struct ipnode *n, const struct ipnode_proto *proto)
{
	if (n->nprotos == IPNODE_PROTOS_MAX)
		return -1;
	n->protos[n->nprotos++] = proto;
	return 0;
}

/* Deletes the connected route of net/len if it is port's. */
static void
ipnode_connected_del(struct ipnode *n, struct port *port, uint32_t net,
		     unsigned len)
{
	const struct route *old = route_get(n->routes, net, len);

	if (old && old->kind == ROUTE_connected && old->port == port)
		route_del(n->routes, net, len);
}

/*
 * A port without carrier takes its connected routes with it, as a pulled
 * cable does on a router: traffic for those subnets then follows any
 * other route instead of vanishing into a dead port. They come back with
 * the carrier, unless a static route took the prefix meanwhile.
 */
void
ipnode_port_changed(struct ipnode *n, struct port *port)
{
	for (int i = 0; i < n->naddrs; i++) {
		const struct ipnode_addr *a = &n->addrs[i];
		uint32_t net = a->addr & ipv4_mask(a->len);
		struct route route = {.prefix = net,
				      .len = a->len,
				      .port = port,
				      .kind = ROUTE_connected};

		if (a->port != port)
			continue;
		if (!port->up)
			ipnode_connected_del(n, port, net, a->len);
		else if (!route_get(n->routes, net, a->len) &&
			 route_add(n->routes, &route) < 0)
			log_warn("ipnode_port_changed: connected route on %s",
				 port->name);
	}
	if (!port->up) {
		arp_cache_flush(&n->arp, port);
		return;
	}
	for (int i = 0; i < n->naddrs; i++)
		if (n->addrs[i].port == port)
			arp_cache_announce(&n->arp, port, n->addrs[i].addr);
}

/* --- addresses ------------------------------------------------------------ */

static bool
ipnode_addr_holds(const struct ipnode_addr *a, uint32_t addr)
{
	return ((a->addr ^ addr) & ipv4_mask(a->len)) == 0;
}

const struct ipnode_addr *
ipnode_addr_find(const struct ipnode *n, const struct port *port, uint32_t addr)
{
	for (int i = 0; i < n->naddrs; i++)
		if (n->addrs[i].addr == addr &&
		    (!port || n->addrs[i].port == port))
			return &n->addrs[i];
	return NULL;
}

bool
ipnode_is_broadcast(const struct ipnode *n, uint32_t addr)
{
	if (ipv4_is_limited_broadcast(addr))
		return true;
	for (int i = 0; i < n->naddrs; i++) {
		const struct ipnode_addr *a = &n->addrs[i];

		if (a->len < 31 && ipnode_addr_holds(a, addr) &&
		    (addr | ipv4_mask(a->len)) == 0xffffffffu)
			return true;
	}
	return false;
}

bool
ipnode_on_link(const struct ipnode *n, const struct port *port, uint32_t addr)
{
	for (int i = 0; i < n->naddrs; i++)
		if (n->addrs[i].port == port &&
		    ipnode_addr_holds(&n->addrs[i], addr))
			return true;
	return false;
}

uint32_t
ipnode_port_addr(const struct ipnode *n, const struct port *port, uint32_t peer)
{
	uint32_t first = 0;

	for (int i = 0; i < n->naddrs; i++) {
		if (n->addrs[i].port != port)
			continue;
		if (ipnode_addr_holds(&n->addrs[i], peer))
			return n->addrs[i].addr;
		if (!first)
			first = n->addrs[i].addr;
	}
	return first;
}

bool
ipnode_is_self(const struct ipnode *n, uint32_t dst)
{
	return ipnode_addr_find(n, NULL, dst) || (dst >> 24) == 127;
}

uint32_t
ipnode_source(const struct ipnode *n, uint32_t dst)
{
	const struct route *r;

	/* To itself, the node speaks from the address it speaks to. */
	if (ipnode_is_self(n, dst))
		return dst;
	r = route_lookup(n->routes, dst);
	if (!r)
		return 0;
	return ipnode_port_addr(n, r->port, r->gateway ? r->gateway : dst);
}

/* The port whose subnet holds addr, or NULL. */
static struct port *
ipnode_link_of(const struct ipnode *n, uint32_t addr)
{
	for (int i = 0; i < n->naddrs; i++)
		if (ipnode_addr_holds(&n->addrs[i], addr))
			return n->addrs[i].port;
	return NULL;
}

int
ipnode_addr_add(struct ipnode *n, struct port *port, uint32_t addr,
		unsigned len, char *err, size_t errlen)
{
	uint32_t net = addr & ipv4_mask(len);
	struct route route = {
	    .prefix = net, .len = len, .port = port, .kind = ROUTE_connected};
	const struct route *old;

	if (len == 0 || len > 32 || ipv4_martian_src(addr)) {
		snprintf(err, errlen, "not a host address");
		return -1;
	}
	if (len < 31 && (addr == net || (addr | ipv4_mask(len)) == ~0u)) {
		snprintf(err, errlen,
			 "the subnet's network or broadcast address is no "
			 "host address");
		return -1;
	}
	if (ipnode_addr_find(n, NULL, addr)) {
		snprintf(err, errlen, "address already in use");
		return -1;
	}
	if (n->naddrs == IPNODE_ADDRS_MAX) {
		snprintf(err, errlen, "too many addresses");
		return -1;
	}
	old = route_get(n->routes, net, len);
	if (old && (old->kind != ROUTE_connected || old->port != port)) {
		snprintf(err, errlen, "a route for that subnet exists");
		return -1;
	}
	if (!old && port->up && route_add(n->routes, &route) < 0) {
		snprintf(err, errlen, "cannot add the route: %s",
			 strerror(errno));
		return -1;
	}
	n->addrs[n->naddrs++] = (struct ipnode_addr){port, addr, len};
	if (port->up)
		arp_cache_announce(&n->arp, port, addr);
	return 0;
}

struct ipnode_stale_routes {
	const struct ipnode *n;
	struct route *routes; /* prefix and len of each */
	size_t count, cap;
};

/* Collects static routes whose gateway is on no subnet any more; stops
 * the walk when there is no memory for more. */
static int
ipnode_stale_route(const struct route *rt, void *arg)
{
	struct ipnode_stale_routes *s = arg;
	struct route *more;

	if (rt->kind != ROUTE_static || !rt->gateway ||
	    ipnode_link_of(s->n, rt->gateway))
		return 0;
	if (s->count == s->cap) {
		more = realloc(s->routes, (s->cap * 2 + 64) * sizeof(*more));
		if (!more)
			return 1;
		s->routes = more;
		s->cap = s->cap * 2 + 64;
	}
	s->routes[s->count++] = *rt;
	return 0;
}

/* Deletes the static routes whose gateway is on no subnet any more. */
static void
ipnode_prune_static(struct ipnode *n)
{
	struct ipnode_stale_routes stale = {.n = n};
	int stopped;

	do {
		stale.count = 0;
		stopped = route_walk(n->routes, ipnode_stale_route, &stale);
		for (size_t i = 0; i < stale.count; i++)
			route_del(n->routes, stale.routes[i].prefix,
				  stale.routes[i].len);
	} while (stopped && stale.count > 0);
	free(stale.routes);
}

int
ipnode_addr_del(struct ipnode *n, struct port *port, uint32_t addr,
		unsigned len, char *err, size_t errlen)
{
	uint32_t net = addr & ipv4_mask(len);
	int i, j;

	for (i = 0; i < n->naddrs; i++)
		if (n->addrs[i].port == port && n->addrs[i].addr == addr &&
		    n->addrs[i].len == len)
			break;
	if (i == n->naddrs) {
		snprintf(err, errlen, "no such address on %s", port->name);
		return -1;
	}
	n->addrs[i] = n->addrs[--n->naddrs];
	for (j = 0; j < n->naddrs; j++)
		if (n->addrs[j].port == port && n->addrs[j].len == len &&
		    (n->addrs[j].addr & ipv4_mask(len)) == net)
			break;
	if (j == n->naddrs)
		ipnode_connected_del(n, port, net, len);
	ipnode_prune_static(n);
	arp_cache_flush(&n->arp, port);
	return 0;
}

/* --- static routes ------------------------------------------------------- */

/* A static route's checks; the port of its gateway goes into r. */
static int
ipnode_route_check(const struct ipnode *n, struct route *r, char *err,
		   size_t errlen)
{
	if (r->prefix & ~ipv4_mask(r->len)) {
		snprintf(err, errlen, "bad prefix: host bits set");
		return -1;
	}
	if (!r->gateway)
		return 0;
	if (ipnode_addr_find(n, NULL, r->gateway)) {
		snprintf(err, errlen,
			 "the gateway is one of the node's own addresses");
		return -1;
	}
	r->port = ipnode_link_of(n, r->gateway);
	if (!r->port) {
		snprintf(err, errlen, "gateway not on a connected subnet");
		return -1;
	}
	return 0;
}

int
ipnode_route_add(struct ipnode *n, uint32_t prefix, unsigned len,
		 uint32_t gateway, struct port *port, char *err, size_t errlen)
{
	struct route route = {.prefix = prefix,
			      .len = len,
			      .gateway = gateway,
			      .port = port,
			      .kind = ROUTE_static};

	if (ipnode_route_check(n, &route, err, errlen) < 0)
		return -1;
	if (route_add(n->routes, &route) < 0) {
		snprintf(err, errlen, "%s",
			 errno == EEXIST ? "a route for that prefix exists"
					 : strerror(errno));
		return -1;
	}
	return 0;
}

int
ipnode_route_replace(struct ipnode *n, uint32_t prefix, unsigned len,
		     uint32_t gateway, struct port *port, char *err,
		     size_t errlen)
{
	struct route route = {.prefix = prefix,
			      .len = len,
			      .gateway = gateway,
			      .port = port,
			      .kind = ROUTE_static};
	const struct route *old;

	if (ipnode_route_check(n, &route, err, errlen) < 0)
		return -1;
	old = route_get(n->routes, prefix, len);
	if (old && old->kind == ROUTE_connected) {
		snprintf(err, errlen,
			 "a connected route goes with its address (addr del)");
		return -1;
	}
	if (route_replace(n->routes, &route) < 0) {
		snprintf(err, errlen, "%s", strerror(errno));
		return -1;
	}
	return 0;
}

int
ipnode_route_del(struct ipnode *n, uint32_t prefix, unsigned len, char *err,
		 size_t errlen)
{
	const struct route *rt = route_get(n->routes, prefix, len);

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
	route_del(n->routes, prefix, len);
	return 0;
}
