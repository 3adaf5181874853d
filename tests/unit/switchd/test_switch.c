/* The bridge's forwarding decisions, through in-memory ports. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "mem_port.h"
#include "switch.h"
#include "trace.h"

#define NPORTS 3

struct fixture {
	struct switch_state sw;
	struct trace tr; /* off unless a test starts it */
	struct port_set ports;
	struct mem_port *mp[NPORTS];
};

/* The port layer's hand-over to the switch, as switchd wires it. */
static bool
rx_to_switch(struct port *port, const uint8_t *frame, size_t len, void *arg)
{
	struct fixture *f = arg;

	return switch_input(&f->sw, port, frame, len, 0);
}

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	trace_init(&f->tr, "sw1", 16);
	f->ports.trace = &f->tr;
	if (switch_init(&f->sw, &f->ports, 8, 300) < 0)
		return -1;
	for (int i = 0; i < NPORTS; i++) {
		char name[16];

		snprintf(name, sizeof(name), "p%d", i + 1);
		f->mp[i] = mem_port_new(name, (uint8_t)(0x10 + i));
		f->mp[i]->port.rx = rx_to_switch;
		f->mp[i]->port.rx_arg = f;
		port_set_add(&f->ports, &f->mp[i]->port);
	}
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	switch_destroy(&f->sw);
	trace_destroy(&f->tr);
	for (int i = 0; i < NPORTS; i++)
		mem_port_free(f->mp[i]);
	free(f);
	return 0;
}

static void
station(uint8_t *mac, int n)
{
	static const uint8_t base[6] = {0x02, 0xaa, 0, 0, 0, 0};

	memcpy(mac, base, 6);
	mac[5] = (uint8_t)n;
}

/* Feeds a 60-byte frame dst <- src into port in at time now; false when
 * the switch dropped it. */
static bool
feed(struct fixture *f, int in, const uint8_t *dst, const uint8_t *src,
     double now)
{
	uint8_t frame[60] = {0};

	ether_build(frame, dst, src, ETHERTYPE_IPV4);
	for (int i = 0; i < NPORTS; i++)
		mem_port_clear(f->mp[i]);
	return switch_input(&f->sw, &f->mp[in]->port, frame, sizeof(frame),
			    now);
}

static size_t
sent(struct fixture *f, int port)
{
	return f->mp[port]->nsent;
}

static void
test_unknown_unicast_floods(void **state)
{
	struct fixture *f = *state;
	uint8_t a[6], b[6];

	station(a, 1);
	station(b, 2);
	feed(f, 0, b, a, 0);
	assert_int_equal(sent(f, 0), 0);
	assert_int_equal(sent(f, 1), 1);
	assert_int_equal(sent(f, 2), 1);
	assert_int_equal(f->sw.stats[STAT_flooded], 1);
	assert_int_equal(f->sw.stats[STAT_mac_learned], 1);
}

static void
test_known_unicast_forwarded_once(void **state)
{
	struct fixture *f = *state;
	uint8_t a[6], b[6];

	station(a, 1);
	station(b, 2);
	feed(f, 1, a, b, 0); /* b learned on port 1 */
	feed(f, 0, b, a, 1);
	assert_int_equal(sent(f, 0), 0);
	assert_int_equal(sent(f, 1), 1);
	assert_int_equal(sent(f, 2), 0);
	assert_memory_equal(mem_port_frame(f->mp[1], 0)->data, b, 6);
	assert_int_equal(f->sw.stats[STAT_forwarded], 1);
}

static void
test_never_back_out_ingress(void **state)
{
	struct fixture *f = *state;
	uint8_t a[6], b[6];

	station(a, 1);
	station(b, 2);
	feed(f, 0, a, b, 0);		   /* b on port 0 */
	assert_false(feed(f, 0, b, a, 1)); /* a to b, both on port 0 */
	for (int i = 0; i < NPORTS; i++)
		assert_int_equal(sent(f, i), 0);
	assert_int_equal(f->sw.stats[STAT_same_port], 1);
}

static void
test_broadcast_and_multicast_flood(void **state)
{
	struct fixture *f = *state;
	const uint8_t mcast[6] = {0x01, 0x00, 0x5e, 0x00, 0x00, 0x05};
	uint8_t a[6];

	station(a, 1);
	feed(f, 2, ether_broadcast, a, 0);
	assert_int_equal(sent(f, 0) + sent(f, 1), 2);
	assert_int_equal(sent(f, 2), 0);
	feed(f, 2, mcast, a, 0);
	assert_int_equal(sent(f, 0) + sent(f, 1), 2);
}

static void
test_multicast_source_never_learned(void **state)
{
	struct fixture *f = *state;
	const uint8_t msrc[6] = {0x03, 0xaa, 0, 0, 0, 9};
	uint8_t b[6];

	station(b, 2);
	feed(f, 0, b, msrc, 0);
	feed(f, 0, b, ether_broadcast, 0);
	feed(f, 0, b, ether_zero, 0);
	assert_int_equal(f->sw.macs.count, 0);
	assert_int_equal(f->sw.stats[STAT_invalid_source_mac], 3);
	for (int i = 0; i < NPORTS; i++)
		assert_int_equal(sent(f, i), 0);
}

static void
test_link_local_not_relayed(void **state)
{
	struct fixture *f = *state;
	const uint8_t stp[6] = {0x01, 0x80, 0xc2, 0, 0, 0};
	uint8_t a[6];

	station(a, 1);
	feed(f, 0, stp, a, 0);
	assert_int_equal(sent(f, 1) + sent(f, 2), 0);
	assert_int_equal(f->sw.stats[STAT_link_local], 1);
}

static void
test_station_move_followed(void **state)
{
	struct fixture *f = *state;
	uint8_t a[6], b[6];

	station(a, 1);
	station(b, 2);
	feed(f, 0, b, a, 0);
	feed(f, 2, b, a, 1); /* a moved to port 2 */
	assert_int_equal(f->sw.stats[STAT_station_moves], 1);
	feed(f, 1, a, b, 2);
	assert_int_equal(sent(f, 2), 1);
	assert_int_equal(sent(f, 0), 0);
}

static void
test_port_down(void **state)
{
	struct fixture *f = *state;
	uint8_t a[6], b[6], c[6];

	station(a, 1);
	station(b, 2);
	station(c, 3);
	feed(f, 0, b, a, 0);
	feed(f, 2, b, c, 0);
	f->mp[2]->port.up = false;
	switch_port_changed(&f->sw, &f->mp[2]->port, 0);
	assert_int_equal(f->sw.macs.count, 1);
	/* c is forgotten, and floods skip the port that is down. */
	feed(f, 0, c, a, 1);
	assert_int_equal(sent(f, 1), 1);
	assert_int_equal(sent(f, 2), 0);
	f->mp[2]->port.up = true;
	switch_port_changed(&f->sw, &f->mp[2]->port, 0);
	feed(f, 0, c, a, 2);
	assert_int_equal(sent(f, 2), 1);
}

static void
test_bad_frames_counted(void **state)
{
	struct fixture *f = *state;
	uint8_t big[1600] = {0}, a[6], b[6];

	station(a, 1);
	station(b, 2);
	port_deliver(&f->mp[0]->port, big, 13);
	assert_int_equal(f->sw.stats[STAT_truncated], 1);
	/* Too long for the MTU: the port refuses it, the switch never
	 * sees it. */
	ether_build(big, b, a, ETHERTYPE_IPV4);
	port_deliver(&f->mp[0]->port, big, 1500 + 18 + 1);
	assert_int_equal(f->mp[0]->port.cnt.rx_oversize, 1);
	assert_int_equal(f->sw.stats[STAT_flooded], 0);
	assert_int_equal(f->sw.macs.count, 0);
	assert_int_equal(f->mp[0]->port.cnt.rx_packets, 2);
	assert_int_equal(f->mp[0]->port.cnt.rx_dropped, 2);
	assert_int_equal(sent(f, 1) + sent(f, 2), 0);
}

static void
test_table_full_still_floods(void **state)
{
	struct fixture *f = *state;
	uint8_t a[6], b[6];

	station(b, 200);
	for (int i = 0; i < 9; i++) {
		station(a, i);
		feed(f, 0, b, a, 0);
	}
	assert_int_equal(f->sw.macs.count, 8);
	assert_int_equal(f->sw.stats[STAT_mac_table_full], 1);
	assert_int_equal(sent(f, 1), 1);
}

/* --- traces ------------------------------------------------------------ */

/* Feeds a frame dst <- src through port in's port layer, as switchd does:
 * the trace sees it. */
static void
deliver(struct fixture *f, int in, const uint8_t *dst, const uint8_t *src)
{
	uint8_t frame[60] = {0};

	ether_build(frame, dst, src, ETHERTYPE_IPV4);
	port_deliver(&f->mp[in]->port, frame, sizeof(frame));
}

/* Field key of the i-th row of the trace. */
static const char *
row_field(struct fixture *f, size_t i, const char *key, char *buf, size_t len)
{
	json_t *rows = trace_json(&f->tr), *v;

	v = json_object_get(json_array_get(rows, i), key);
	assert_non_null(v);
	snprintf(buf, len, "%s",
		 json_is_null(v) ? "(null)" : json_string_value(v));
	json_decref(rows);
	return buf;
}

static void
test_trace_learned_flooded_forwarded(void **state)
{
	struct fixture *f = *state;
	char err[CAPTURE_ERR_MAX], buf[TRACE_DECISION_MAX];
	uint8_t a[6], b[6];

	station(a, 1);
	station(b, 2);
	assert_int_equal(trace_start(&f->tr, "", err, sizeof(err)), 0);
	deliver(f, 0, b, a);		   /* a learned, b unknown */
	deliver(f, 1, a, b);		   /* b learned, a known */
	deliver(f, 0, ether_broadcast, a); /* a broadcast */
	deliver(f, 0, a, a);		   /* back where it came from */
	assert_int_equal(f->tr.rows, 4);
	assert_string_equal(row_field(f, 0, "decision", buf, sizeof(buf)),
			    "learned 02:aa:00:00:00:01 on p1; flooded: "
			    "02:aa:00:00:00:02 not in the MAC table");
	assert_string_equal(row_field(f, 0, "in", buf, sizeof(buf)), "p1");
	assert_string_equal(row_field(f, 0, "out", buf, sizeof(buf)), "p2,p3");
	assert_string_equal(row_field(f, 1, "decision", buf, sizeof(buf)),
			    "learned 02:aa:00:00:00:02 on p2; forwarded to p1 "
			    "by the MAC table");
	assert_string_equal(row_field(f, 1, "out", buf, sizeof(buf)), "p1");
	assert_string_equal(row_field(f, 1, "out_src_mac", buf, sizeof(buf)),
			    "02:aa:00:00:00:02");
	assert_string_equal(row_field(f, 2, "decision", buf, sizeof(buf)),
			    "flooded: broadcast");
	assert_string_equal(row_field(f, 2, "out", buf, sizeof(buf)), "p2,p3");
	assert_string_equal(row_field(f, 3, "decision", buf, sizeof(buf)),
			    "dropped: destination is on the port it came from");
	assert_string_equal(row_field(f, 3, "out", buf, sizeof(buf)), "(null)");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	    T(test_unknown_unicast_floods),
	    T(test_known_unicast_forwarded_once),
	    T(test_never_back_out_ingress),
	    T(test_broadcast_and_multicast_flood),
	    T(test_multicast_source_never_learned),
	    T(test_link_local_not_relayed),
	    T(test_station_move_followed),
	    T(test_port_down),
	    T(test_bad_frames_counted),
	    T(test_table_full_still_floods),
	    T(test_trace_learned_flooded_forwarded),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
