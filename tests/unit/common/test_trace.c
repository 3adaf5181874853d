/*
 * The trace recorder through in-memory ports: the filter libpcap compiles
 * and its refusals, the ring and what it overwrites, start and stop, and
 * rows for frames handed in, sent on, originated and held.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "arp.h"
#include "capture.h"
#include "icmp.h"
#include "ipv4.h"
#include "mem_port.h"
#include "trace.h"

#define A_IP 0x0a00010au /* 10.0.1.10 */
#define B_IP 0x0a000214u /* 10.0.2.20 */

static const uint8_t mac_a[ETHER_ADDR_LEN] = {2, 0, 0, 0, 0, 0xa};
static const uint8_t mac_b[ETHER_ADDR_LEN] = {2, 0, 0, 0, 0, 0xb};

struct fixture {
	struct trace tr;
	struct port_set ports;
	struct mem_port *in, *out;
	bool forward; /* the receiver sends what it gets out of `out` */
	bool keep;    /* what the receiver returns */
};

/* The receiver behind the ports: notes, and forwards when asked. */
static bool
rx(struct port *port, const uint8_t *frame, size_t len, void *arg)
{
	struct fixture *f = arg;

	(void)port;
	trace_note(&f->tr, "seen");
	if (f->forward)
		port_send(&f->out->port, frame, len);
	return f->keep;
}

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	trace_init(&f->tr, "t1", 4);
	f->ports.trace = &f->tr;
	f->in = mem_port_new("in0", 1);
	f->out = mem_port_new("out0", 2);
	port_set_add(&f->ports, &f->in->port);
	port_set_add(&f->ports, &f->out->port);
	f->in->port.rx = f->out->port.rx = rx;
	f->in->port.rx_arg = f->out->port.rx_arg = f;
	f->keep = true;
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	trace_destroy(&f->tr);
	mem_port_free(f->in);
	mem_port_free(f->out);
	free(f);
	return 0;
}

/* An echo request from A to B with ttl and identification id. */
static size_t
echo_frame(uint8_t *frame, uint16_t id, uint8_t ttl)
{
	uint8_t data[16] = {0};

	ether_build(frame, mac_b, mac_a, ETHERTYPE_IPV4);
	icmp_build_echo(frame + ETHER_HDR_LEN + IPV4_HDR_LEN, ICMP_TYPE_ECHO, 7,
			id, data, sizeof(data));
	ipv4_build(frame + ETHER_HDR_LEN, 0, id, 0, ttl, IPV4_PROTO_ICMP, A_IP,
		   B_IP, ICMP_HDR_LEN + sizeof(data));
	return ETHER_HDR_LEN + IPV4_HDR_LEN + ICMP_HDR_LEN + sizeof(data);
}

static void
feed_echo(struct fixture *f, uint16_t id)
{
	uint8_t frame[128];

	port_deliver(&f->in->port, frame, echo_frame(frame, id, 64));
}

static void
feed_arp(struct fixture *f)
{
	uint8_t frame[ETHER_MIN_FRAME];

	arp_build(frame, ether_broadcast, ARP_OP_REQUEST, mac_a, A_IP, NULL,
		  B_IP);
	port_deliver(&f->in->port, frame, sizeof(frame));
}

static json_t *
row(json_t *rows, size_t i)
{
	json_t *r = json_array_get(rows, i);

	assert_non_null(r);
	return r;
}

static const char *
str(json_t *r, const char *key)
{
	json_t *v = json_object_get(r, key);

	assert_non_null(v);
	return json_is_null(v) ? NULL : json_string_value(v);
}

static json_int_t
num(json_t *r, const char *key)
{
	json_t *v = json_object_get(r, key);

	assert_true(json_is_integer(v));
	return json_integer_value(v);
}

static void
test_filter_matches_and_refuses(void **state)
{
	struct fixture *f = *state;
	char err[CAPTURE_ERR_MAX];
	json_t *rows;

	assert_int_equal(trace_start(&f->tr, "icmp", err, sizeof(err)), 0);
	feed_arp(f);
	feed_echo(f, 1);
	rows = trace_json(&f->tr);
	assert_int_equal(json_array_size(rows), 1);
	assert_string_equal(str(row(rows, 0), "proto"), "icmp");
	assert_int_equal(num(row(rows, 0), "seq"), 1);
	json_decref(rows);

	/* A bad filter is refused with libpcap's words; the old one stays. */
	err[0] = '\0';
	assert_int_equal(trace_start(&f->tr, "tcp port", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "syntax error"));
	assert_true(f->tr.on);
	feed_arp(f);
	assert_int_equal(f->tr.rows, 1);
}

static void
test_no_filter_records_every_frame(void **state)
{
	struct fixture *f = *state;
	char err[CAPTURE_ERR_MAX];

	assert_int_equal(trace_start(&f->tr, "", err, sizeof(err)), 0);
	feed_arp(f);
	feed_echo(f, 1);
	assert_int_equal(f->tr.rows, 2);
}

static void
test_capture_filter(void **state)
{
	uint8_t frame[128];
	size_t len = echo_frame(frame, 1, 64);
	char err[CAPTURE_ERR_MAX];
	struct capture_filter *cf;

	(void)state;
	cf = capture_filter_new("icmp and ip[8] = 64", err, sizeof(err));
	assert_non_null(cf);
	assert_true(capture_filter_match(cf, frame, len));
	len = echo_frame(frame, 1, 63);
	assert_false(capture_filter_match(cf, frame, len));
	assert_string_equal(capture_filter_expr(cf), "icmp and ip[8] = 64");
	capture_filter_free(cf);
	assert_null(
	    capture_filter_new("ether host nonsense!", err, sizeof(err)));
	assert_true(err[0] != '\0');
}

static void
test_ring_overwrites_the_oldest(void **state)
{
	struct fixture *f = *state;
	char err[CAPTURE_ERR_MAX];
	json_t *rows;

	assert_int_equal(trace_start(&f->tr, "", err, sizeof(err)), 0);
	for (uint16_t i = 1; i <= 6; i++)
		feed_echo(f, i);
	assert_int_equal(f->tr.rows, 6);
	assert_int_equal(f->tr.overwritten, 2);
	rows = trace_json(&f->tr);
	assert_int_equal(json_array_size(rows), 4);
	assert_int_equal(num(row(rows, 0), "seq"), 3);
	assert_int_equal(num(row(rows, 3), "seq"), 6);
	json_decref(rows);

	/* Start again: empty, counted from 1. */
	assert_int_equal(trace_start(&f->tr, "", err, sizeof(err)), 0);
	rows = trace_json(&f->tr);
	assert_int_equal(json_array_size(rows), 0);
	json_decref(rows);
	feed_echo(f, 7);
	rows = trace_json(&f->tr);
	assert_int_equal(num(row(rows, 0), "seq"), 1);
	assert_int_equal(f->tr.overwritten, 0);
	json_decref(rows);
}

static void
test_stop_keeps_rows(void **state)
{
	struct fixture *f = *state;
	char err[CAPTURE_ERR_MAX];
	json_t *rows;

	assert_int_equal(trace_start(&f->tr, "", err, sizeof(err)), 0);
	feed_echo(f, 1);
	trace_stop(&f->tr);
	feed_echo(f, 2);
	feed_arp(f);
	rows = trace_json(&f->tr);
	assert_int_equal(json_array_size(rows), 1);
	assert_string_equal(str(row(rows, 0), "decision"), "seen");
	json_decref(rows);
}

static void
test_forwarded_row(void **state)
{
	struct fixture *f = *state;
	char err[CAPTURE_ERR_MAX];
	json_t *rows, *r;

	assert_int_equal(trace_start(&f->tr, "", err, sizeof(err)), 0);
	f->forward = true;
	feed_echo(f, 1);
	rows = trace_json(&f->tr);
	r = row(rows, 0);
	assert_string_equal(str(r, "node"), "t1");
	assert_string_equal(str(r, "in"), "in0");
	assert_string_equal(str(r, "out"), "out0");
	assert_string_equal(str(r, "src_ip"), "10.0.1.10");
	assert_string_equal(str(r, "dst_ip"), "10.0.2.20");
	assert_string_equal(str(r, "in_src_mac"), "02:00:00:00:00:0a");
	assert_string_equal(str(r, "out_dst_mac"), "02:00:00:00:00:0b");
	assert_int_equal(num(r, "in_ttl"), 64);
	assert_int_equal(num(r, "out_ttl"), 64);
	assert_int_equal(strlen(str(r, "key")), 16);
	assert_string_equal(str(r, "flags"), "");
	assert_true(json_is_real(json_object_get(r, "time")));
	json_decref(rows);
}

static void
test_dropped_row_has_no_out(void **state)
{
	struct fixture *f = *state;
	char err[CAPTURE_ERR_MAX];
	json_t *rows, *r;

	assert_int_equal(trace_start(&f->tr, "", err, sizeof(err)), 0);
	f->keep = false;
	f->in->port.up = false;
	feed_echo(f, 1);
	rows = trace_json(&f->tr);
	r = row(rows, 0);
	assert_null(str(r, "out"));
	assert_null(str(r, "out_src_mac"));
	assert_true(json_is_null(json_object_get(r, "out_ttl")));
	assert_string_equal(str(r, "decision"), "dropped: the port is down");
	json_decref(rows);
}

/* An originated frame gets its own row, whatever row is open. */
static void
test_originated_frame_row(void **state)
{
	struct fixture *f = *state;
	struct trace_ctx saved;
	char err[CAPTURE_ERR_MAX];
	uint8_t frame[128];
	size_t len = echo_frame(frame, 9, 64);
	json_t *rows, *r;

	assert_int_equal(trace_start(&f->tr, "", err, sizeof(err)), 0);
	saved = trace_origin_begin(&f->tr);
	trace_note(&f->tr, "made here");
	port_send(&f->out->port, frame, len);
	trace_restore(&f->tr, saved);
	/* Words for a frame that never leaves are forgotten. */
	saved = trace_origin_begin(&f->tr);
	trace_note(&f->tr, "never sent");
	trace_restore(&f->tr, saved);
	rows = trace_json(&f->tr);
	assert_int_equal(json_array_size(rows), 1);
	r = row(rows, 0);
	assert_null(str(r, "in"));
	assert_null(str(r, "in_src_mac"));
	assert_true(json_is_null(json_object_get(r, "in_ttl")));
	assert_string_equal(str(r, "out"), "out0");
	assert_string_equal(str(r, "decision"), "made here");
	json_decref(rows);
	/* Nothing open: notes go nowhere. */
	trace_note(&f->tr, "lost");
	assert_int_equal(f->tr.pending_len, 0);
}

/* A held datagram's row is completed when it leaves, later. */
static void
test_held_row_completed_later(void **state)
{
	struct fixture *f = *state;
	struct trace_ctx saved;
	char err[CAPTURE_ERR_MAX];
	uint8_t frame[128];
	size_t len = echo_frame(frame, 9, 64);
	uint64_t id;
	json_t *rows, *r;

	assert_int_equal(trace_start(&f->tr, "icmp", err, sizeof(err)), 0);
	saved = trace_origin_begin(&f->tr);
	trace_note(&f->tr, "waiting");
	id = trace_hold(&f->tr, &f->out->port, frame + ETHER_HDR_LEN,
			len - ETHER_HDR_LEN);
	trace_restore(&f->tr, saved);
	assert_int_not_equal(id, TRACE_UNTRACED);
	rows = trace_json(&f->tr);
	assert_null(str(row(rows, 0), "out"));
	json_decref(rows);

	saved = trace_enter(&f->tr, id);
	trace_note(&f->tr, "left");
	port_send(&f->out->port, frame, len);
	trace_restore(&f->tr, saved);
	rows = trace_json(&f->tr);
	assert_int_equal(json_array_size(rows), 1);
	r = row(rows, 0);
	assert_string_equal(str(r, "out"), "out0");
	assert_string_equal(str(r, "out_dst_mac"), "02:00:00:00:00:0b");
	assert_string_equal(str(r, "decision"), "waiting; left");
	json_decref(rows);

	/* A row from before trace start is no more. */
	assert_int_equal(trace_start(&f->tr, "", err, sizeof(err)), 0);
	saved = trace_enter(&f->tr, id);
	assert_false(trace_noting(&f->tr));
	trace_restore(&f->tr, saved);
}

int
main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
	    T(test_filter_matches_and_refuses),
	    T(test_no_filter_records_every_frame),
	    T(test_capture_filter),
	    T(test_ring_overwrites_the_oldest),
	    T(test_stop_keeps_rows),
	    T(test_forwarded_row),
	    T(test_dropped_row_has_no_out),
	    T(test_originated_frame_row),
	    T(test_held_row_completed_later),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}
