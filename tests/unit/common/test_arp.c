/*
 * The ARP cache's state machine, driven with a clock of the test's own and
 * an owner that records what the cache asks it to do.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "arp.h"
#include "mem_port.h"

#define MY_IP 0x0a000001   /* 10.0.0.1/24 on the port */
#define PEER_IP 0x0a000002 /* 10.0.0.2 */

static const uint8_t peer_mac[6] = {0x02, 0, 0, 0, 0, 0x22};

struct owner {
	struct mem_port *mp;
	int xmits;
	uint8_t last_pkt[64];
	uint8_t xmit_mac[6];
	int unreachable;
	int discarded;
	uint8_t discarded_first; /* the first byte of the last discarded */
	uint32_t xmit_ip;
	double wake;
};

static void
own_send_frame(void *arg, struct port *port, const uint8_t *frame, size_t len)
{
	(void)arg;
	port_send(port, frame, len);
}

static void
own_xmit(void *arg, struct port *port, uint32_t ip, const uint8_t *mac,
	 struct pbuf *pkt)
{
	struct owner *o = arg;

	(void)port;
	o->xmits++;
	o->xmit_ip = ip;
	memcpy(o->xmit_mac, mac, 6);
	memcpy(o->last_pkt, pkt->data, pkt->len < 64 ? pkt->len : 64);
	pbuf_free(pkt);
}

static void
own_unreachable(void *arg, struct port *port, const struct pbuf *pkt)
{
	struct owner *o = arg;

	(void)port;
	(void)pkt;
	o->unreachable++;
}

/* arp_cache_output() of a copy of len bytes at pkt. */
static int
arp_out(struct arp_cache *c, struct port *port, uint32_t ip, const uint8_t *pkt,
	size_t len, double now)
{
	return arp_cache_output(c, port, ip, pbuf_copy(pkt, len, 16), now);
}

static bool
own_is_local(void *arg, struct port *port, uint32_t ip)
{
	(void)arg;
	(void)port;
	return ip == MY_IP;
}

static bool
own_on_link(void *arg, struct port *port, uint32_t ip)
{
	(void)arg;
	(void)port;
	return (ip & 0xffffff00) == (MY_IP & 0xffffff00);
}

static uint32_t
own_source(void *arg, struct port *port, uint32_t peer)
{
	(void)arg;
	(void)port;
	(void)peer;
	return MY_IP;
}

static void
own_schedule(void *arg, double when)
{
	((struct owner *)arg)->wake = when;
}

static void
own_discard(void *arg, struct port *port, const struct pbuf *pkt,
	    const char *why)
{
	struct owner *o = arg;

	(void)port;
	assert_non_null(why);
	o->discarded++;
	o->discarded_first = pkt->data[0];
}

static const struct arp_ops ops = {
    .send_frame = own_send_frame,
    .xmit = own_xmit,
    .unreachable = own_unreachable,
    .is_local = own_is_local,
    .on_link = own_on_link,
    .source_addr = own_source,
    .schedule = own_schedule,
    .discard = own_discard,
};

struct fixture {
	struct owner o;
	struct arp_cache c;
};

static int
setup(void **state)
{
	static struct fixture f;

	memset(&f.o, 0, sizeof(f.o));
	f.o.mp = mem_port_new("eth0", 1);
	f.o.wake = INFINITY;
	assert_int_equal(arp_cache_init(&f.c, NULL, &ops, &f.o), 0);
	*state = &f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	arp_cache_destroy(&f->c);
	mem_port_free(f->o.mp);
	return 0;
}

/* The ARP packet of the i-th frame sent. */
static struct arp_msg
sent_arp(struct fixture *f, size_t i)
{
	const struct mem_frame *fr = mem_port_frame(f->o.mp, i);
	struct arp_msg m;

	assert_non_null(fr);
	assert_int_equal(fr->len, ETHER_MIN_FRAME);
	assert_int_equal(
	    arp_parse(fr->data + ETHER_HDR_LEN, fr->len - ETHER_HDR_LEN, &m),
	    ARP_ok);
	return m;
}

/* Feeds an ARP packet from a station into the cache. */
static void
feed(struct fixture *f, uint16_t op, const uint8_t *sha, uint32_t spa,
     uint32_t tpa, double now)
{
	uint8_t frame[ETHER_MIN_FRAME];

	arp_build(frame, f->o.mp->port.mac, op, sha, spa, NULL, tpa);
	arp_cache_input(&f->c, &f->o.mp->port, frame + ETHER_HDR_LEN,
			ETHER_MIN_FRAME - ETHER_HDR_LEN, now);
}

static enum arp_state
state_of(struct fixture *f, uint32_t ip)
{
	const struct arp_entry *e = arp_cache_find(&f->c, &f->o.mp->port, ip);

	return e ? e->state : ARP_S_none;
}

static void
test_resolve_and_queue(void **state)
{
	struct fixture *f = *state;
	struct port *port = &f->o.mp->port;
	struct arp_msg m;
	uint8_t pkt[20];

	for (int i = 0; i < 10; i++) {
		memset(pkt, i, sizeof(pkt));
		assert_int_equal(
		    arp_out(&f->c, port, PEER_IP, pkt, sizeof(pkt), 0.0), 0);
	}
	/* One broadcast request; ten packets, the oldest two dropped. */
	assert_int_equal(f->o.mp->nsent, 1);
	m = sent_arp(f, 0);
	assert_int_equal(m.op, ARP_OP_REQUEST);
	assert_int_equal(m.spa, MY_IP);
	assert_int_equal(m.tpa, PEER_IP);
	assert_memory_equal(mem_port_frame(f->o.mp, 0)->data, ether_broadcast,
			    6);
	assert_int_equal(state_of(f, PEER_IP), ARP_S_incomplete);
	assert_int_equal(f->c.stats[ARP_STAT_arp_queue_overflow], 2);
	/* The owner heard of each, the oldest first. */
	assert_int_equal(f->o.discarded, 2);
	assert_int_equal(f->o.discarded_first, 1);
	assert_true(f->o.wake <= 1.0);
	assert_int_equal(f->o.xmits, 0);

	feed(f, ARP_OP_REPLY, peer_mac, PEER_IP, MY_IP, 0.5);
	assert_int_equal(state_of(f, PEER_IP), ARP_S_reachable);
	assert_int_equal(f->o.xmits, 8);
	assert_memory_equal(f->o.xmit_mac, peer_mac, 6);
	assert_int_equal(f->o.xmit_ip, PEER_IP);
	assert_int_equal(f->o.last_pkt[0], 9); /* in order: the last last */

	/* Known now: straight out. */
	assert_int_equal(arp_out(&f->c, port, PEER_IP, pkt, sizeof(pkt), 1.0),
			 0);
	assert_int_equal(f->o.xmits, 9);
	assert_int_equal(f->o.mp->nsent, 1);
}

static void
test_give_up_after_three_tries(void **state)
{
	struct fixture *f = *state;
	uint8_t pkt[20] = {0};

	arp_out(&f->c, &f->o.mp->port, PEER_IP, pkt, sizeof(pkt), 0);
	arp_out(&f->c, &f->o.mp->port, PEER_IP, pkt, sizeof(pkt), 0);
	for (double t = 1; t <= 2; t++) {
		assert_true(f->o.wake <= t);
		arp_cache_expire(&f->c, t);
		assert_int_equal(state_of(f, PEER_IP), ARP_S_incomplete);
	}
	assert_int_equal(f->o.mp->nsent, 3);
	assert_int_equal(f->o.unreachable, 0);
	arp_cache_expire(&f->c, 3);
	/* About 3 s: each waiting packet is handed back, the entry goes. */
	assert_int_equal(f->o.unreachable, 2);
	assert_int_equal(state_of(f, PEER_IP), ARP_S_none);
	assert_int_equal(f->c.stats[ARP_STAT_arp_resolve_failed], 1);
	assert_int_equal(f->c.count, 0);
}

static void
test_aging_and_probe(void **state)
{
	struct fixture *f = *state;
	uint8_t pkt[20] = {0};
	struct arp_msg m;

	arp_out(&f->c, &f->o.mp->port, PEER_IP, pkt, sizeof(pkt), 0);
	feed(f, ARP_OP_REPLY, peer_mac, PEER_IP, MY_IP, 0);
	mem_port_clear(f->o.mp);
	arp_cache_expire(&f->c, 30);
	assert_int_equal(state_of(f, PEER_IP), ARP_S_stale);
	/* A stale entry is used at once and probed by unicast. */
	arp_out(&f->c, &f->o.mp->port, PEER_IP, pkt, sizeof(pkt), 31);
	assert_int_equal(f->o.xmits, 2);
	assert_int_equal(state_of(f, PEER_IP), ARP_S_probe);
	m = sent_arp(f, 0);
	assert_int_equal(m.tpa, PEER_IP);
	assert_memory_equal(mem_port_frame(f->o.mp, 0)->data, peer_mac, 6);
	/* A reply refreshes it. */
	feed(f, ARP_OP_REPLY, peer_mac, PEER_IP, MY_IP, 31.5);
	assert_int_equal(state_of(f, PEER_IP), ARP_S_reachable);
	/* Unused and unconfirmed, it ages out: reachable, stale, gone. */
	arp_cache_expire(&f->c, 61.5);
	assert_int_equal(state_of(f, PEER_IP), ARP_S_stale);
	arp_cache_expire(&f->c, 121.5);
	assert_int_equal(state_of(f, PEER_IP), ARP_S_none);
	assert_int_equal(f->c.stats[ARP_STAT_arp_aged], 1);
}

static void
test_probe_without_answer_removes(void **state)
{
	struct fixture *f = *state;
	uint8_t pkt[20] = {0};

	feed(f, ARP_OP_REQUEST, peer_mac, PEER_IP, MY_IP, 0);
	assert_int_equal(state_of(f, PEER_IP), ARP_S_stale);
	arp_out(&f->c, &f->o.mp->port, PEER_IP, pkt, sizeof(pkt), 1);
	assert_int_equal(state_of(f, PEER_IP), ARP_S_probe);
	for (double t = 2; t <= 4; t++)
		arp_cache_expire(&f->c, t);
	assert_int_equal(state_of(f, PEER_IP), ARP_S_none);
}

static void
test_answers_requests_and_learns(void **state)
{
	struct fixture *f = *state;
	struct arp_msg m;

	feed(f, ARP_OP_REQUEST, peer_mac, PEER_IP, MY_IP, 0);
	assert_int_equal(f->o.mp->nsent, 1);
	m = sent_arp(f, 0);
	assert_int_equal(m.op, ARP_OP_REPLY);
	assert_int_equal(m.spa, MY_IP);
	assert_memory_equal(m.sha, f->o.mp->port.mac, 6);
	assert_int_equal(m.tpa, PEER_IP);
	assert_memory_equal(m.tha, peer_mac, 6);
	assert_memory_equal(mem_port_frame(f->o.mp, 0)->data, peer_mac, 6);
	assert_int_equal(state_of(f, PEER_IP), ARP_S_stale);

	/* Not for us: neither answered nor learned. */
	feed(f, ARP_OP_REQUEST, peer_mac, 0x0a000003, 0x0a000009, 0);
	assert_int_equal(f->o.mp->nsent, 1);
	assert_int_equal(state_of(f, 0x0a000003), ARP_S_none);
}

static void
test_never_learns_from_bad_senders(void **state)
{
	struct fixture *f = *state;
	static const uint8_t group[6] = {0x01, 0, 0x5e, 0, 0, 1};

	feed(f, ARP_OP_REQUEST, ether_broadcast, PEER_IP, MY_IP, 0);
	feed(f, ARP_OP_REQUEST, group, PEER_IP, MY_IP, 0);
	assert_int_equal(f->c.stats[ARP_STAT_arp_bad_sender_mac], 2);
	feed(f, ARP_OP_REQUEST, peer_mac, 0xc0000201, MY_IP, 0);
	assert_int_equal(f->c.stats[ARP_STAT_arp_off_subnet], 1);
	feed(f, ARP_OP_REQUEST, peer_mac, MY_IP, MY_IP, 0);
	assert_int_equal(f->c.stats[ARP_STAT_arp_own_address], 1);
	/* An unsolicited reply creates nothing either. */
	feed(f, ARP_OP_REPLY, peer_mac, PEER_IP, MY_IP, 0);
	assert_int_equal(f->c.count, 0);
	assert_int_equal(f->o.mp->nsent, 0);
}

static void
test_resolves_off_subnet_address_it_asked_for(void **state)
{
	struct fixture *f = *state;
	uint8_t pkt[20] = {0};
	struct arp_msg m;

	/* A route to the port itself, without a gateway: the owner asks for
	 * an address outside its subnets, and takes the answer. */
	arp_out(&f->c, &f->o.mp->port, 0xc0000201, pkt, sizeof(pkt), 0);
	m = sent_arp(f, 0);
	assert_int_equal(m.tpa, 0xc0000201);
	feed(f, ARP_OP_REPLY, peer_mac, 0xc0000201, MY_IP, 0.5);
	assert_int_equal(state_of(f, 0xc0000201), ARP_S_reachable);
	assert_int_equal(f->o.xmits, 1);
	assert_int_equal(f->c.stats[ARP_STAT_arp_off_subnet], 0);
	/* Another off-subnet address it never asked for is still refused. */
	feed(f, ARP_OP_REPLY, peer_mac, 0xc0000202, MY_IP, 0.6);
	assert_int_equal(f->c.stats[ARP_STAT_arp_off_subnet], 1);
	assert_int_equal(state_of(f, 0xc0000202), ARP_S_none);
}

static void
test_bounded_cache(void **state)
{
	struct fixture *f = *state;
	struct arp_config cfg = ARP_DEFAULT_CONFIG;
	uint8_t pkt[20] = {0};

	arp_cache_destroy(&f->c);
	cfg.capacity = 4;
	assert_int_equal(arp_cache_init(&f->c, &cfg, &ops, &f->o), 0);
	for (uint32_t i = 0; i < 4; i++)
		assert_int_equal(arp_out(&f->c, &f->o.mp->port, 0x0a000010 + i,
					 pkt, sizeof(pkt), 0),
				 0);
	/* Full of entries still resolving: nothing gives way. */
	assert_int_equal(
	    arp_out(&f->c, &f->o.mp->port, 0x0a000020, pkt, sizeof(pkt), 0),
	    -1);
	assert_int_equal(f->c.stats[ARP_STAT_arp_cache_full], 1);
	/* A stale entry gives way to a new one. */
	arp_cache_flush(&f->c, NULL);
	assert_int_equal(f->c.count, 0);
	for (uint32_t i = 0; i < 4; i++) {
		uint8_t mac[6] = {0x02, 0, 0, 0, 1, (uint8_t)i};

		feed(f, ARP_OP_REQUEST, mac, 0x0a000010 + i, MY_IP, i);
	}
	assert_int_equal(f->c.count, 4);
	assert_int_equal(
	    arp_out(&f->c, &f->o.mp->port, 0x0a000020, pkt, sizeof(pkt), 5), 0);
	assert_int_equal(f->c.count, 4);
	assert_int_equal(state_of(f, 0x0a000010), ARP_S_none);
}

static void
test_gratuitous(void **state)
{
	struct fixture *f = *state;
	struct arp_msg m;

	arp_cache_announce(&f->c, &f->o.mp->port, MY_IP);
	m = sent_arp(f, 0);
	assert_int_equal(m.op, ARP_OP_REQUEST);
	assert_int_equal(m.spa, MY_IP);
	assert_int_equal(m.tpa, MY_IP);
	assert_memory_equal(mem_port_frame(f->o.mp, 0)->data, ether_broadcast,
			    6);
	assert_string_equal(arp_state_names[ARP_S_reachable], "reachable");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_resolve_and_queue, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_give_up_after_three_tries,
					    setup, teardown),
	    cmocka_unit_test_setup_teardown(test_aging_and_probe, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_probe_without_answer_removes,
					    setup, teardown),
	    cmocka_unit_test_setup_teardown(test_answers_requests_and_learns,
					    setup, teardown),
	    cmocka_unit_test_setup_teardown(test_never_learns_from_bad_senders,
					    setup, teardown),
	    cmocka_unit_test_setup_teardown(
		test_resolves_off_subnet_address_it_asked_for, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_bounded_cache, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_gratuitous, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
