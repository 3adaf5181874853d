/*
 * linkrelay: each frame that arrives on one port leaves by the other,
 * through that port's impairments; one the other port will not take is
 * counted.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "linkrelay.h"
#include "mem_port.h"

struct rig {
	struct linkrelay *lr;
	struct mem_port *a, *b;
};

static bool
rig_rx(struct port *port, const uint8_t *frame, size_t len, void *arg)
{
	return linkrelay_input(arg, port, frame, len);
}

static void
rig_up(struct rig *r)
{
	r->lr = (struct linkrelay *)daemon_new(&linkrelay_spec);
	assert_non_null(r->lr);
	r->a = mem_port_new("eth0", 1);
	r->b = mem_port_new("node", 2);
	port_set_add(&r->lr->d.ports, &r->a->port);
	port_set_add(&r->lr->d.ports, &r->b->port);
	r->a->port.rx = r->b->port.rx = rig_rx;
	r->a->port.rx_arg = r->b->port.rx_arg = r->lr;
}

static void
rig_down(struct rig *r)
{
	port_set_close(&r->lr->d.ports);
	mem_port_free(r->a);
	mem_port_free(r->b);
	daemon_free(&r->lr->d);
}

static void
test_relays_both_ways(void **state)
{
	struct rig r;
	uint8_t frame[60];

	(void)state;
	rig_up(&r);
	memset(frame, 0xab, sizeof(frame));
	port_deliver(&r.a->port, frame, sizeof(frame));
	frame[0] = 1;
	port_deliver(&r.b->port, frame, 42);
	assert_int_equal(r.b->nsent, 1);
	assert_int_equal(r.b->sent[0].len, 60);
	assert_int_equal(r.b->sent[0].data[0], 0xab);
	assert_int_equal(r.a->nsent, 1);
	assert_int_equal(r.a->sent[0].len, 42);
	assert_int_equal(r.a->sent[0].data[0], 1);
	assert_int_equal(r.lr->stats[STAT_relayed], 2);
	/* The other port down: the frame is not relayed, and counted. */
	r.b->port.up = false;
	port_deliver(&r.a->port, frame, sizeof(frame));
	assert_int_equal(r.lr->stats[STAT_not_relayed], 1);
	assert_int_equal(r.a->port.cnt.rx_dropped, 1);
	rig_down(&r);
}

/* What leaves by an impaired port is impaired; the other way is not. */
static void
test_impairs_one_way(void **state)
{
	struct rig r;
	struct impair_spec spec = {.loss = 100 * IMPAIR_PCT};
	uint8_t frame[60] = {0};

	(void)state;
	rig_up(&r);
	assert_int_equal(port_impair(&r.a->port, NULL, &spec), 0);
	for (int i = 0; i < 5; i++) {
		port_deliver(&r.b->port, frame, sizeof(frame));
		port_deliver(&r.a->port, frame, sizeof(frame));
	}
	assert_int_equal(r.a->nsent, 0);
	assert_int_equal(r.b->nsent, 5);
	assert_int_equal(impair_counters_of(r.a->port.impair)->loss, 5);
	rig_down(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_relays_both_ways),
	    cmocka_unit_test(test_impairs_one_way),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
