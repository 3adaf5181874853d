/*
 * The port layer every daemon shares: what it counts and refuses before
 * a frame reaches the daemon, and the port set.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "mem_port.h"
#include "port.h"

struct owner {
	int frames;
	bool keep; /* what rx answers */
};

static bool
owner_rx(struct port *port, const uint8_t *frame, size_t len, void *arg)
{
	struct owner *o = arg;

	(void)port;
	(void)frame;
	(void)len;
	o->frames++;
	return o->keep;
}

static void
test_deliver_counts_and_refuses(void **state)
{
	struct mem_port *mp = mem_port_new("p1", 1);
	struct owner o = {.keep = true};
	static uint8_t frame[2000];

	(void)state;
	mp->port.rx = owner_rx;
	mp->port.rx_arg = &o;
	port_deliver(&mp->port, frame, 60);
	assert_int_equal(o.frames, 1);
	/* The owner drops it: the port counts it dropped. */
	o.keep = false;
	port_deliver(&mp->port, frame, 60);
	assert_int_equal(o.frames, 2);
	assert_int_equal(mp->port.cnt.rx_dropped, 1);
	/* Longer than the MTU allows (with a VLAN tag): never handed on. */
	port_deliver(&mp->port, frame, 1500 + 18);
	assert_int_equal(o.frames, 3);
	port_deliver(&mp->port, frame, 1500 + 18 + 1);
	assert_int_equal(o.frames, 3);
	assert_int_equal(mp->port.cnt.rx_oversize, 1);
	/* A port that is down hands nothing on either. */
	mp->port.up = false;
	port_deliver(&mp->port, frame, 60);
	assert_int_equal(o.frames, 3);
	assert_int_equal(mp->port.cnt.rx_port_down, 1);
	assert_int_equal(mp->port.cnt.rx_packets, 5);
	assert_int_equal(mp->port.cnt.rx_bytes, 60 * 3 + 1518 + 1519);
	assert_int_equal(mp->port.cnt.rx_dropped, 4);
	mem_port_free(mp);
}

static void
test_send_refuses_down_and_oversize(void **state)
{
	struct mem_port *mp = mem_port_new("p1", 1);
	static uint8_t frame[2000];

	(void)state;
	assert_int_equal(port_send(&mp->port, frame, 1518), 0);
	assert_int_equal(port_send(&mp->port, frame, 1519), -1);
	mp->port.up = false;
	assert_int_equal(port_send(&mp->port, frame, 60), -1);
	assert_int_equal(mp->nsent, 1);
	assert_int_equal(mp->port.cnt.tx_packets, 1);
	assert_int_equal(mp->port.cnt.tx_dropped, 2);
	mem_port_free(mp);
}

static void
test_port_set(void **state)
{
	struct mem_port *a = mem_port_new("eth0", 1),
			*b = mem_port_new("eth1", 2);
	struct mem_port *again = mem_port_new("eth0", 3);
	struct port_set set = {0};
	json_t *obj = json_object();

	(void)state;
	assert_int_equal(port_set_add(&set, &a->port), 0);
	assert_int_equal(port_set_add(&set, &b->port), 0);
	assert_int_equal(port_set_add(&set, &again->port), -1);
	assert_int_equal(b->port.index, 1);
	assert_ptr_equal(port_set_find(&set, "eth1"), &b->port);
	assert_null(port_set_find(&set, "eth2"));
	a->port.cnt.rx_packets = 3;
	b->port.cnt.rx_packets = 4;
	b->port.cnt.rx_oversize = 2;
	a->port.cnt.rx_port_down = 1;
	port_set_stats_json(&set, obj);
	assert_int_equal(json_integer_value(json_object_get(obj, "rx_frames")),
			 7);
	assert_int_equal(json_integer_value(json_object_get(obj, "oversize")),
			 2);
	assert_int_equal(json_integer_value(json_object_get(obj, "port_down")),
			 1);
	json_decref(obj);
	port_set_close(&set);
	assert_int_equal(set.n, 0);
	mem_port_free(a);
	mem_port_free(b);
	mem_port_free(again);
}

/* Frames the kernel dropped for want of ring room: named in show stats,
 * and among the port's rx_dropped as before. */
static void
test_ring_full_in_stats(void **state)
{
	struct port_set set = {0};
	struct mem_port *a = mem_port_new("eth0", 1),
			*b = mem_port_new("eth1", 2);
	json_t *obj = json_object();

	(void)state;
	port_set_add(&set, &a->port);
	port_set_add(&set, &b->port);
	a->port.cnt.rx_ring_full = 5;
	b->port.cnt.rx_ring_full = 6;
	port_set_stats_json(&set, obj);
	assert_int_equal(
	    json_integer_value(json_object_get(obj, "rx_ring_full")), 11);
	json_decref(obj);
	mem_port_free(a);
	mem_port_free(b);
}

/* A port row says how its frames come in only when its port knows. */
static void
test_rx_ring_in_row(void **state)
{
	struct mem_port *mp = mem_port_new("p1", 1);
	json_t *row;

	(void)state;
	row = port_json(&mp->port);
	assert_null(json_object_get(row, "rx_ring"));
	json_decref(row);
	mp->port.rx_ring = "tpacket_v3";
	row = port_json(&mp->port);
	assert_string_equal(json_string_value(json_object_get(row, "rx_ring")),
			    "tpacket_v3");
	assert_string_equal(json_string_value(json_object_get(row, "name")),
			    "p1");
	json_decref(row);
	mem_port_free(mp);
}

struct writable_owner {
	uint8_t *at_start, *at_end, *past_end, *before, *too_long;
};

static bool
writable_rx(struct port *port, const uint8_t *frame, size_t len, void *arg)
{
	struct writable_owner *o = arg;

	o->at_start = port_rx_writable(port, frame, 14);
	o->at_end = port_rx_writable(port, frame + len - 4, 4);
	o->past_end = port_rx_writable(port, frame + len - 4, 5);
	o->before = port_rx_writable(port, frame + 1, len);
	o->too_long = port_rx_writable(port, frame, len + 1);
	return true;
}

/* Only a frame handed over by port_deliver_mut is lent writable, only
 * within its bytes, and only while the owner handles it. */
static void
test_rx_writable(void **state)
{
	struct mem_port *mp = mem_port_new("p1", 1);
	struct writable_owner o = {0};
	uint8_t frame[64] = {0};

	(void)state;
	mp->port.rx = writable_rx;
	mp->port.rx_arg = &o;
	port_deliver(&mp->port, frame, sizeof(frame));
	assert_null(o.at_start);
	assert_null(o.at_end);
	port_deliver_mut(&mp->port, frame, sizeof(frame));
	assert_ptr_equal(o.at_start, frame);
	assert_ptr_equal(o.at_end, frame + 60);
	assert_null(o.past_end);
	assert_null(o.before);
	assert_null(o.too_long);
	assert_null(port_rx_writable(&mp->port, frame, 14));
	mem_port_free(mp);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_deliver_counts_and_refuses),
	    cmocka_unit_test(test_send_refuses_down_and_oversize),
	    cmocka_unit_test(test_port_set),
	    cmocka_unit_test(test_ring_full_in_stats),
	    cmocka_unit_test(test_rx_writable),
	    cmocka_unit_test(test_rx_ring_in_row),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
