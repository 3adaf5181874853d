/* ARP packets and the neighbour cache's state machine. */
#include "arp.h"

#include <arpa/inet.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ipv4.h"
#include "log.h"
#include "pbuf.h"
#include "port.h"
#include "trace.h"

#define ARP_NAME(name) #name,
const char *const arp_check_names[ARP_CHECK_COUNT] = {ARP_CHECKS(ARP_NAME)};
const char *const arp_state_names[ARP_STATE_COUNT] = {ARP_STATES(ARP_NAME)};
const char *const arp_event_names[ARP_EVENT_COUNT] = {ARP_EVENTS(ARP_NAME)};
const char *const arp_stat_names[ARP_STAT_COUNT] = {ARP_COUNTERS(ARP_NAME)};
#undef ARP_NAME

/* What came with an event. */
struct arp_event_ctx {
	const uint8_t *mac; /* reply, request: the sender's MAC */
	struct pbuf *pkt;   /* send: the packet; an action that takes it
			       sets this to NULL */
	double now;
};

/* Returns false when it removed the entry. */
typedef bool (*arp_action)(struct arp_cache *c, struct arp_entry *e,
			   struct arp_event_ctx *ev);

struct arp_transition {
	enum arp_state state;
	enum arp_event event;
	arp_action action;
	enum arp_state next;
};

static uint32_t
arp_read32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static void
arp_write32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

enum arp_check
arp_parse(const uint8_t *buf, size_t len, struct arp_msg *out)
{
	const struct arp_hdr *h = (const struct arp_hdr *)buf;

	if (len < ARP_PKT_LEN)
		return ARP_truncated;
	if (ntohs(h->htype) != ARP_HTYPE_ETHER || h->hlen != ETHER_ADDR_LEN)
		return ARP_bad_hardware;
	if (ntohs(h->ptype) != ETHERTYPE_IPV4 || h->plen != 4)
		return ARP_bad_protocol;
	out->op = ntohs(h->op);
	if (out->op != ARP_OP_REQUEST && out->op != ARP_OP_REPLY)
		return ARP_bad_opcode;
	memcpy(out->sha, h->sha, ETHER_ADDR_LEN);
	memcpy(out->tha, h->tha, ETHER_ADDR_LEN);
	out->spa = arp_read32(h->spa);
	out->tpa = arp_read32(h->tpa);
	return ARP_ok;
}

size_t
arp_build(uint8_t *frame, const uint8_t *eth_dst, uint16_t op,
	  const uint8_t *sha, uint32_t spa, const uint8_t *tha, uint32_t tpa)
{
	struct arp_hdr *h = (struct arp_hdr *)(frame + ETHER_HDR_LEN);

	memset(frame, 0, ETHER_MIN_FRAME);
	ether_build(frame, eth_dst, sha, ETHERTYPE_ARP);
	h->htype = htons(ARP_HTYPE_ETHER);
	h->ptype = htons(ETHERTYPE_IPV4);
	h->hlen = ETHER_ADDR_LEN;
	h->plen = 4;
	h->op = htons(op);
	memcpy(h->sha, sha, ETHER_ADDR_LEN);
	arp_write32(h->spa, spa);
	memcpy(h->tha, tha ? tha : ether_zero, ETHER_ADDR_LEN);
	arp_write32(h->tpa, tpa);
	return ETHER_MIN_FRAME;
}

/* --- the table of entries ---------------------------------------------- */

static size_t
arp_hash(const struct arp_cache *c, const struct port *port, uint32_t ip)
{
	uint32_t h = ip * 2654435761u ^ (uint32_t)(uintptr_t)port;

	return (h ^ h >> 16) % c->nbuckets;
}

int
arp_cache_init(struct arp_cache *c, const struct arp_config *cfg,
	       const struct arp_ops *ops, void *arg)
{
	memset(c, 0, sizeof(*c));
	c->cfg = cfg ? *cfg : ARP_DEFAULT_CONFIG;
	if (c->cfg.capacity == 0)
		c->cfg.capacity = 1;
	if (c->cfg.queue_len == 0)
		c->cfg.queue_len = 1;
	c->ops = *ops;
	c->arg = arg;
	c->nbuckets = c->cfg.capacity;
	c->entries = calloc(c->cfg.capacity, sizeof(*c->entries));
	c->buckets = calloc(c->nbuckets, sizeof(*c->buckets));
	c->scheduled = INFINITY;
	if (!c->entries || !c->buckets) {
		arp_cache_destroy(c);
		return -1;
	}
	return 0;
}

/* A waiting packet that will never leave: the owner hears why. */
static void
arp_discard(struct arp_cache *c, struct arp_entry *e, struct pbuf *p,
	    const char *why)
{
	if (c->ops.discard)
		c->ops.discard(c->arg, e->port, p, why);
	pbuf_free(p);
}

static void
arp_discard_all(struct arp_cache *c, struct arp_entry *e, const char *why)
{
	struct pbuf *p;

	while ((p = pbuf_queue_pop(&e->queue)))
		arp_discard(c, e, p, why);
}

/* Takes the entry out of the table; what waits in it moves to *waiting
 * (the caller's), or is freed when waiting is NULL. */
static void
arp_entry_remove(struct arp_cache *c, struct arp_entry *e,
		 struct pbuf_queue *waiting)
{
	struct arp_entry **link = &c->buckets[arp_hash(c, e->port, e->ip)];

	while (*link != e)
		link = &(*link)->hash_next;
	*link = e->hash_next;
	e->state = ARP_S_none;
	if (waiting)
		pbuf_queue_move(waiting, &e->queue);
	else
		arp_discard_all(c, e, "its ARP entry was removed");
	c->count--;
}

void
arp_cache_destroy(struct arp_cache *c)
{
	for (size_t i = 0; c->entries && i < c->cfg.capacity; i++)
		pbuf_queue_clear(&c->entries[i].queue);
	free(c->entries);
	free(c->buckets);
	c->entries = NULL;
	c->buckets = NULL;
}

static struct arp_entry *
arp_lookup(const struct arp_cache *c, const struct port *port, uint32_t ip)
{
	struct arp_entry *e = c->buckets[arp_hash(c, port, ip)];

	while (e && (e->ip != ip || e->port != port))
		e = e->hash_next;
	return e;
}

bool
arp_cache_known(const struct arp_cache *c, const struct port *port, uint32_t ip)
{
	const struct arp_entry *e = arp_lookup(c, port, ip);

	return e && e->state != ARP_S_incomplete;
}

const uint8_t *
arp_cache_ready(const struct arp_cache *c, const struct port *port, uint32_t ip)
{
	const struct arp_entry *e = arp_lookup(c, port, ip);

	/* As the table says: sending in these states is arp_act_xmit. */
	if (e && (e->state == ARP_S_reachable || e->state == ARP_S_probe))
		return e->mac;
	return NULL;
}

const struct arp_entry *
arp_cache_find(const struct arp_cache *c, const struct port *port, uint32_t ip)
{
	return arp_lookup(c, port, ip);
}

/* A free slot, or the stale entry unused longest when the cache is full. */
static struct arp_entry *
arp_entry_new(struct arp_cache *c, struct port *port, uint32_t ip)
{
	struct arp_entry *e = NULL, *victim = NULL;
	size_t h;

	for (size_t i = 0; i < c->cfg.capacity && !e; i++) {
		struct arp_entry *x = &c->entries[i];

		if (x->state == ARP_S_none)
			e = x;
		else if (x->state == ARP_S_stale &&
			 (!victim || x->updated < victim->updated))
			victim = x;
	}
	if (!e && victim) {
		arp_entry_remove(c, victim, NULL);
		e = victim;
	}
	if (!e)
		return NULL;
	memset(e, 0, sizeof(*e));
	pbuf_queue_init(&e->queue);
	e->ip = ip;
	e->port = port;
	e->deadline = INFINITY;
	h = arp_hash(c, port, ip);
	e->hash_next = c->buckets[h];
	c->buckets[h] = e;
	c->count++;
	return e;
}

static void
arp_set_timer(struct arp_cache *c, struct arp_entry *e, double when)
{
	e->deadline = when;
	if (when < c->scheduled) {
		c->scheduled = when;
		c->ops.schedule(c->arg, when);
	}
}

/* --- actions ---------------------------------------------------------- */

static void
arp_solicit(struct arp_cache *c, struct arp_entry *e, const uint8_t *dst,
	    double now)
{
	uint8_t frame[ETHER_MIN_FRAME];
	uint32_t src = c->ops.source_addr(c->arg, e->port, e->ip);

	arp_build(frame, dst, ARP_OP_REQUEST, e->port->mac, src, NULL, e->ip);
	c->ops.send_frame(c->arg, e->port, frame, sizeof(frame));
	c->stats[ARP_STAT_arp_requests_sent]++;
	e->tries++;
	arp_set_timer(c, e, now + c->cfg.retrans);
}

static bool
arp_act_queue(struct arp_cache *c, struct arp_entry *e,
	      struct arp_event_ctx *ev)
{
	if (e->queue.count == c->cfg.queue_len) {
		arp_discard(c, e, pbuf_queue_pop(&e->queue),
			    "the ARP queue overflowed");
		c->stats[ARP_STAT_arp_queue_overflow]++;
	}
	pbuf_queue_push(&e->queue, ev->pkt);
	ev->pkt = NULL;
	c->stats[ARP_STAT_arp_queued]++;
	return true;
}

static bool
arp_act_resolve(struct arp_cache *c, struct arp_entry *e,
		struct arp_event_ctx *ev)
{
	arp_act_queue(c, e, ev);
	arp_solicit(c, e, ether_broadcast, ev->now);
	return true;
}

static bool
arp_act_retry(struct arp_cache *c, struct arp_entry *e,
	      struct arp_event_ctx *ev)
{
	struct pbuf_queue waiting;
	struct pbuf *p;
	struct port *port = e->port;
	char ip[IPV4_ADDR_STRLEN];

	if (e->tries < c->cfg.tries) {
		arp_solicit(c, e,
			    e->state == ARP_S_probe ? e->mac : ether_broadcast,
			    ev->now);
		return true;
	}
	log_debug("arp_act_retry: no answer from %s on %s",
		  ipv4_ntoa(e->ip, ip), port->name);
	c->stats[ARP_STAT_arp_resolve_failed]++;
	/* Out of the table first: the owner may send (an ICMP error) now. */
	arp_entry_remove(c, e, &waiting);
	while ((p = pbuf_queue_pop(&waiting))) {
		c->ops.unreachable(c->arg, port, p);
		pbuf_free(p);
	}
	return false;
}

static bool
arp_act_learn(struct arp_cache *c, struct arp_entry *e,
	      struct arp_event_ctx *ev)
{
	if (e->state == ARP_S_none || memcmp(e->mac, ev->mac, ETHER_ADDR_LEN))
		c->stats[ARP_STAT_arp_learned]++;
	memcpy(e->mac, ev->mac, ETHER_ADDR_LEN);
	e->updated = ev->now;
	if (e->state == ARP_S_none)
		arp_set_timer(c, e, ev->now + c->cfg.stale);
	return true;
}

static bool
arp_act_confirm(struct arp_cache *c, struct arp_entry *e,
		struct arp_event_ctx *ev)
{
	struct pbuf_queue waiting;
	struct pbuf *p;

	pbuf_queue_move(&waiting, &e->queue);
	arp_act_learn(c, e, ev);
	e->tries = 0;
	arp_set_timer(c, e, ev->now + c->cfg.reachable);
	while ((p = pbuf_queue_pop(&waiting)))
		c->ops.xmit(c->arg, e->port, e->ip, e->mac, p);
	return true;
}

static bool
arp_act_xmit(struct arp_cache *c, struct arp_entry *e, struct arp_event_ctx *ev)
{
	c->ops.xmit(c->arg, e->port, e->ip, e->mac, ev->pkt);
	ev->pkt = NULL;
	return true;
}

static bool
arp_act_probe(struct arp_cache *c, struct arp_entry *e,
	      struct arp_event_ctx *ev)
{
	arp_act_xmit(c, e, ev);
	e->tries = 0;
	arp_solicit(c, e, e->mac, ev->now);
	return true;
}

static bool
arp_act_go_stale(struct arp_cache *c, struct arp_entry *e,
		 struct arp_event_ctx *ev)
{
	arp_set_timer(c, e, ev->now + c->cfg.stale);
	return true;
}

static bool
arp_act_expire(struct arp_cache *c, struct arp_entry *e,
	       struct arp_event_ctx *ev)
{
	(void)ev;
	c->stats[ARP_STAT_arp_aged]++;
	arp_entry_remove(c, e, NULL);
	return false;
}

/* Every transition there is; an event not listed for a state is ignored. */
static const struct arp_transition arp_fsm[] = {
    {ARP_S_none, ARP_EV_send, arp_act_resolve, ARP_S_incomplete},
    {ARP_S_none, ARP_EV_request, arp_act_learn, ARP_S_stale},
    {ARP_S_incomplete, ARP_EV_send, arp_act_queue, ARP_S_incomplete},
    {ARP_S_incomplete, ARP_EV_reply, arp_act_confirm, ARP_S_reachable},
    {ARP_S_incomplete, ARP_EV_request, arp_act_confirm, ARP_S_reachable},
    {ARP_S_incomplete, ARP_EV_timeout, arp_act_retry, ARP_S_incomplete},
    {ARP_S_reachable, ARP_EV_send, arp_act_xmit, ARP_S_reachable},
    {ARP_S_reachable, ARP_EV_reply, arp_act_confirm, ARP_S_reachable},
    {ARP_S_reachable, ARP_EV_request, arp_act_learn, ARP_S_reachable},
    {ARP_S_reachable, ARP_EV_timeout, arp_act_go_stale, ARP_S_stale},
    {ARP_S_stale, ARP_EV_send, arp_act_probe, ARP_S_probe},
    {ARP_S_stale, ARP_EV_reply, arp_act_confirm, ARP_S_reachable},
    {ARP_S_stale, ARP_EV_request, arp_act_learn, ARP_S_stale},
    {ARP_S_stale, ARP_EV_timeout, arp_act_expire, ARP_S_none},
    {ARP_S_probe, ARP_EV_send, arp_act_xmit, ARP_S_probe},
    {ARP_S_probe, ARP_EV_reply, arp_act_confirm, ARP_S_reachable},
    {ARP_S_probe, ARP_EV_request, arp_act_learn, ARP_S_probe},
    {ARP_S_probe, ARP_EV_timeout, arp_act_retry, ARP_S_probe},
};

static void
arp_fsm_run(struct arp_cache *c, struct arp_entry *e, enum arp_event event,
	    struct arp_event_ctx *ev)
{
	for (size_t i = 0; i < sizeof(arp_fsm) / sizeof(arp_fsm[0]); i++) {
		const struct arp_transition *t = &arp_fsm[i];
		char ip[IPV4_ADDR_STRLEN];

		if (t->state != e->state || t->event != event)
			continue;
		if (!t->action(c, e, ev))
			return;
		if (e->state != t->next)
			log_debug("arp_fsm: %s on %s: %s -> %s (%s)",
				  ipv4_ntoa(e->ip, ip), e->port->name,
				  arp_state_names[e->state],
				  arp_state_names[t->next],
				  arp_event_names[event]);
		e->state = t->next;
		return;
	}
}

/* --- the owner's calls ------------------------------------------------- */

static void
arp_reply(struct arp_cache *c, struct port *port, const struct arp_msg *m)
{
	uint8_t frame[ETHER_MIN_FRAME];

	arp_build(frame, m->sha, ARP_OP_REPLY, port->mac, m->tpa, m->sha,
		  m->spa);
	c->ops.send_frame(c->arg, port, frame, sizeof(frame));
	c->stats[ARP_STAT_arp_replies_sent]++;
}

/* Words for the trace: what an ARP packet that was kept did. */
static void
arp_trace_input(struct arp_cache *c, const struct arp_msg *m, bool for_us,
		bool learned)
{
	char spa[IPV4_ADDR_STRLEN], tpa[IPV4_ADDR_STRLEN],
	    mac[ETHER_ADDR_STRLEN];

	if (!trace_noting(c->trace))
		return;
	ipv4_ntoa(m->spa, spa);
	ipv4_ntoa(m->tpa, tpa);
	ether_ntoa_buf(m->sha, mac);
	if (m->op == ARP_OP_REPLY)
		trace_note(c->trace, "ARP reply: learned %s is %s", spa, mac);
	else if (for_us)
		trace_note(c->trace, "ARP request for %s: replied", tpa);
	else if (learned)
		trace_note(c->trace,
			   "ARP request for %s: not ours; %s is %s (noted)",
			   tpa, spa, mac);
	else
		trace_note(c->trace, "ARP request for %s: not for this node",
			   tpa);
}

void
arp_cache_input(struct arp_cache *c, struct port *port, const uint8_t *buf,
		size_t len, double now)
{
	struct arp_event_ctx ev = {.now = now};
	struct arp_entry *e;
	struct arp_msg m;
	enum arp_check check = arp_parse(buf, len, &m);
	bool for_us;

	c->stats[ARP_STAT_arp_rx]++;
	if (check == ARP_truncated) {
		c->stats[ARP_STAT_arp_truncated]++;
		trace_drop(c->trace, "truncated ARP packet");
		return;
	}
	if (check != ARP_ok) {
		c->stats[ARP_STAT_arp_bad_format]++;
		trace_drop(c->trace, "ARP for other than Ethernet and IPv4");
		return;
	}
	if (ether_is_multicast(m.sha) || ether_is_zero(m.sha)) {
		c->stats[ARP_STAT_arp_bad_sender_mac]++;
		trace_drop(c->trace, "ARP from a group or zero MAC");
		return;
	}
	for_us = m.op == ARP_OP_REQUEST && c->ops.is_local(c->arg, port, m.tpa);
	if (m.spa == 0) {
		/* An address probe (RFC 5227): nothing to learn; defend. */
		if (for_us)
			arp_reply(c, port, &m);
		trace_note(c->trace, "ARP probe: %s",
			   for_us ? "our address, defended" : "not ours");
		return;
	}
	if (c->ops.is_local(c->arg, port, m.spa)) {
		c->stats[ARP_STAT_arp_own_address]++;
		trace_drop(c->trace, "ARP from a station claiming our address");
		return;
	}
	/* An address outside the port's subnets is on the link all the same
	 * when the owner asked for it there (a route to the port itself). */
	e = arp_lookup(c, port, m.spa);
	if (!e && !c->ops.on_link(c->arg, port, m.spa)) {
		c->stats[ARP_STAT_arp_off_subnet]++;
		trace_drop(c->trace, "ARP sender outside this port's subnets");
		return;
	}
	ev.mac = m.sha;
	if (m.op == ARP_OP_REPLY) {
		if (!e) {
			c->stats[ARP_STAT_arp_unsolicited_reply]++;
			trace_drop(c->trace, "ARP reply nobody asked for");
			return;
		}
		arp_trace_input(c, &m, false, true);
		arp_fsm_run(c, e, ARP_EV_reply, &ev);
		return;
	}
	if (!e && for_us && !(e = arp_entry_new(c, port, m.spa)))
		c->stats[ARP_STAT_arp_cache_full]++;
	arp_trace_input(c, &m, for_us, e != NULL);
	if (e)
		arp_fsm_run(c, e, ARP_EV_request, &ev);
	if (for_us)
		arp_reply(c, port, &m);
	else if (!e)
		c->stats[ARP_STAT_arp_not_for_us]++;
}

int
arp_cache_output(struct arp_cache *c, struct port *port, uint32_t nexthop,
		 struct pbuf *pkt, double now)
{
	struct arp_event_ctx ev = {.pkt = pkt, .now = now};
	struct arp_entry *e = arp_lookup(c, port, nexthop);

	if (!e && !(e = arp_entry_new(c, port, nexthop))) {
		c->stats[ARP_STAT_arp_cache_full]++;
		pbuf_free(pkt);
		return -1;
	}
	arp_fsm_run(c, e, ARP_EV_send, &ev);
	pbuf_free(ev.pkt); /* when no action took it */
	return 0;
}

void
arp_cache_expire(struct arp_cache *c, double now)
{
	struct arp_event_ctx ev = {.now = now};
	double next = INFINITY;

	c->scheduled = INFINITY;
	for (size_t i = 0; i < c->cfg.capacity; i++) {
		struct arp_entry *e = &c->entries[i];

		/* A timer may fire a hair early against the deadline. */
		if (e->state != ARP_S_none && e->deadline <= now + 1e-3)
			arp_fsm_run(c, e, ARP_EV_timeout, &ev);
	}
	for (size_t i = 0; i < c->cfg.capacity; i++)
		if (c->entries[i].state != ARP_S_none &&
		    c->entries[i].deadline < next)
			next = c->entries[i].deadline;
	c->scheduled = next;
	if (next < INFINITY)
		c->ops.schedule(c->arg, next);
}

void
arp_cache_announce(struct arp_cache *c, struct port *port, uint32_t ip)
{
	uint8_t frame[ETHER_MIN_FRAME];

	arp_build(frame, ether_broadcast, ARP_OP_REQUEST, port->mac, ip, NULL,
		  ip);
	c->ops.send_frame(c->arg, port, frame, sizeof(frame));
	c->stats[ARP_STAT_arp_gratuitous_sent]++;
}

void
arp_cache_flush(struct arp_cache *c, struct port *port)
{
	for (size_t i = 0; i < c->cfg.capacity; i++) {
		struct arp_entry *e = &c->entries[i];

		if (e->state == ARP_S_none || (port && e->port != port))
			continue;
		arp_entry_remove(c, e, NULL);
	}
}

void
arp_cache_foreach(const struct arp_cache *c,
		  void (*fn)(const struct arp_entry *e, void *arg), void *arg)
{
	for (size_t i = 0; i < c->cfg.capacity; i++)
		if (c->entries[i].state != ARP_S_none)
			fn(&c->entries[i], arg);
}

json_t *
arp_entry_json(const struct arp_entry *e, double now)
{
	char ip[IPV4_ADDR_STRLEN], mac[ETHER_ADDR_STRLEN];
	bool known = e->state != ARP_S_incomplete;

	/* An entry still resolving has no MAC yet: null. */
	return json_pack("{s:s, s:s?, s:s, s:s, s:I}", "ip",
			 ipv4_ntoa(e->ip, ip), "mac",
			 known ? ether_ntoa_buf(e->mac, mac) : NULL, "port",
			 e->port->name, "state", arp_state_names[e->state],
			 "age", (json_int_t)(known ? now - e->updated : 0));
}
