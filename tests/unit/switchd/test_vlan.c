/* 802.1Q on the bridge: classification, membership and tagging, through
 * in-memory ports; and the VLAN list syntax of `set port`. */
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
#include "vlan.h"

#define NPORTS 4
#define TAGGED 0x10000 /* in a tci argument: the frame carries a tag */

struct fixture {
	struct switch_state sw;
	struct port_set ports;
	struct mem_port *mp[NPORTS];
};

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

	if (!f || switch_init(&f->sw, &f->ports, 64, 300) < 0)
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
	for (int i = 0; i < NPORTS; i++)
		mem_port_free(f->mp[i]);
	free(f);
	return 0;
}

static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

static void
station(uint8_t *mac, int n)
{
	static const uint8_t base[6] = {0x02, 0xaa, 0, 0, 0, 0};

	memcpy(mac, base, 6);
	mac[5] = (uint8_t)n;
}

/* Feeds a 60-byte IPv4 frame dst <- src into port in, with the 802.1Q tag
 * tci when tci has TAGGED; false when the switch dropped it. */
static bool
feed(struct fixture *f, int in, const uint8_t *dst, const uint8_t *src,
     uint32_t tci)
{
	uint8_t frame[64] = {0};
	size_t off = 12;

	memcpy(frame, dst, 6);
	memcpy(frame + 6, src, 6);
	if (tci & TAGGED) {
		frame[off++] = 0x81;
		frame[off++] = 0x00;
		frame[off++] = (uint8_t)(tci >> 8);
		frame[off++] = (uint8_t)tci;
	}
	frame[off] = 0x08;
	frame[off + 2] = 0x45; /* the payload, to see it survive */
	for (int i = 0; i < NPORTS; i++)
		mem_port_clear(f->mp[i]);
	return switch_input(&f->sw, &f->mp[in]->port, frame,
			    tci & TAGGED ? 64 : 60, 0);
}

static size_t
sent(struct fixture *f, int port)
{
	return f->mp[port]->nsent;
}

/* The TCI of the one frame sent on port, or -1 when it left untagged. */
static long
sent_tci(struct fixture *f, int port)
{
	const struct mem_frame *m = mem_port_frame(f->mp[port], 0);

	assert_non_null(m);
	if (m->data[12] != 0x81 || m->data[13] != 0x00)
		return -1;
	return m->data[14] << 8 | m->data[15];
}

/* The payload of the one frame sent on port is where its tag says. */
static void
assert_payload_intact(struct fixture *f, int port)
{
	const struct mem_frame *m = mem_port_frame(f->mp[port], 0);
	size_t off = sent_tci(f, port) < 0 ? 12 : 16;

	assert_true(m->len >= off + 3 && m->len >= 60);
	assert_int_equal(m->data[off], 0x08);
	assert_int_equal(m->data[off + 1], 0x00);
	assert_int_equal(m->data[off + 2], 0x45);
}

static void
set_trunk(struct fixture *f, int port, const char *list, uint16_t native)
{
	uint8_t member[VLAN_MEMBER_BYTES];

	assert_int_equal(vlan_parse_list(list, member), 0);
	vlan_set_trunk(&f->sw.vlans, port, member, native);
}

static void
test_unaware_by_default(void **state)
{
	struct fixture *f = *state;
	uint8_t a[6], b[6];

	station(a, 1);
	station(b, 2);
	assert_false(f->sw.vlans.aware);
	/* Untagged frames are in VLAN 1. */
	assert_true(feed(f, 0, bcast, a, 0));
	assert_int_equal(mactable_lookup(&f->sw.macs, a, 1, 0), 0);
	/* A tagged frame leaves every port exactly as it came. */
	assert_true(feed(f, 1, bcast, b, TAGGED | 0xa064));
	for (int i = 0; i < NPORTS; i++)
		assert_int_equal(sent(f, i), i == 1 ? 0 : 1);
	assert_int_equal(sent_tci(f, 0), 0xa064);
	assert_int_equal(mem_port_frame(f->mp[0], 0)->len, 64);
	assert_int_equal(mactable_lookup(&f->sw.macs, b, 100, 0), 1);
	assert_int_equal(f->sw.stats[STAT_vlan_not_allowed], 0);
}

static void
test_access_ports_isolated(void **state)
{
	struct fixture *f = *state;
	uint8_t a[6], b[6], c[6];

	station(a, 1);
	station(b, 2);
	station(c, 3);
	vlan_set_access(&f->sw.vlans, 0, 10);
	vlan_set_access(&f->sw.vlans, 1, 10);
	vlan_set_access(&f->sw.vlans, 2, 20);
	vlan_set_access(&f->sw.vlans, 3, 20);
	assert_true(f->sw.vlans.aware);
	assert_true(feed(f, 0, bcast, a, 0));
	assert_int_equal(sent(f, 1), 1);
	assert_int_equal(sent(f, 2) + sent(f, 3), 0);
	assert_int_equal(sent_tci(f, 1), -1);
	/* c is known, but in VLAN 20: a frame to it from VLAN 10 never
	 * crosses, it floods VLAN 10 alone. */
	assert_true(feed(f, 2, bcast, c, 0));
	assert_int_equal(sent(f, 0) + sent(f, 1), 0);
	assert_true(feed(f, 0, c, a, 0));
	assert_int_equal(f->sw.stats[STAT_flooded], 3);
	assert_int_equal(sent(f, 1), 1);
	assert_int_equal(sent(f, 2) + sent(f, 3), 0);
	/* b in VLAN 10 is reached directly. */
	assert_true(feed(f, 1, a, b, 0));
	assert_int_equal(sent(f, 0), 1);
	assert_int_equal(sent(f, 2) + sent(f, 3), 0);
	assert_int_equal(f->sw.stats[STAT_forwarded], 1);
}

static void
test_mac_table_per_vlan(void **state)
{
	struct fixture *f = *state;
	uint8_t a[6];

	station(a, 1);
	vlan_set_access(&f->sw.vlans, 0, 10);
	vlan_set_access(&f->sw.vlans, 1, 20);
	/* The same station in two VLANs is two entries, not a move. */
	assert_true(feed(f, 0, bcast, a, 0));
	assert_true(feed(f, 1, bcast, a, 0));
	assert_int_equal(f->sw.stats[STAT_station_moves], 0);
	assert_int_equal(mactable_lookup(&f->sw.macs, a, 10, 0), 0);
	assert_int_equal(mactable_lookup(&f->sw.macs, a, 20, 0), 1);
	assert_int_equal(f->sw.macs.count, 2);
}

static void
test_trunk_tags_and_untags(void **state)
{
	struct fixture *f = *state;
	uint8_t a[6], t[6];

	station(a, 1);
	station(t, 9);
	vlan_set_access(&f->sw.vlans, 0, 10);
	vlan_set_access(&f->sw.vlans, 1, 20);
	set_trunk(f, 3, "10,20", 0);
	/* Out of the trunk with the VLAN's tag, priority 0. */
	assert_true(feed(f, 0, bcast, a, 0));
	assert_int_equal(sent(f, 1), 0);
	assert_int_equal(sent(f, 3), 1);
	assert_int_equal(sent_tci(f, 3), 10);
	assert_int_equal(mem_port_frame(f->mp[3], 0)->len, 64);
	assert_payload_intact(f, 3);
	/* Into an access port without it, padded to the minimum. */
	assert_true(feed(f, 3, a, t, TAGGED | 10));
	assert_int_equal(sent(f, 0), 1);
	assert_int_equal(sent(f, 1), 0);
	assert_int_equal(sent_tci(f, 0), -1);
	assert_int_equal(mem_port_frame(f->mp[0], 0)->len, 60);
	assert_payload_intact(f, 0);
	assert_int_equal(mactable_lookup(&f->sw.macs, t, 10, 0), 3);
	/* VLAN 20 from the trunk reaches VLAN 20 alone. */
	assert_true(feed(f, 3, bcast, t, TAGGED | 20));
	assert_int_equal(sent(f, 0), 0);
	assert_int_equal(sent(f, 1), 1);
}

static void
test_priority_bits_kept(void **state)
{
	struct fixture *f = *state;
	uint8_t a[6], t[6];

	station(a, 1);
	station(t, 9);
	vlan_set_access(&f->sw.vlans, 0, 10);
	set_trunk(f, 2, "10", 0);
	set_trunk(f, 3, "10", 0);
	/* Trunk to trunk: priority 5 and DEI stay, the frame is unchanged. */
	assert_true(feed(f, 2, bcast, t, TAGGED | 0xb000 | 10));
	assert_int_equal(sent_tci(f, 3), 0xb000 | 10);
	assert_int_equal(sent_tci(f, 0), -1);
	/* A priority tag (VLAN 0) on an access port: the frame is in the
	 * port's VLAN and leaves the trunk with that VLAN and priority 6. */
	assert_true(feed(f, 0, bcast, a, TAGGED | 0xc000));
	assert_int_equal(sent_tci(f, 3), 0xc000 | 10);
	assert_int_equal(sent_tci(f, 2), 0xc000 | 10);
	assert_payload_intact(f, 3);
}

static void
test_trunk_allowed_list(void **state)
{
	struct fixture *f = *state;
	uint8_t t[6];

	station(t, 9);
	vlan_set_access(&f->sw.vlans, 0, 10);
	vlan_set_access(&f->sw.vlans, 1, 30);
	set_trunk(f, 3, "10,20", 0);
	assert_false(feed(f, 3, bcast, t, TAGGED | 30));
	assert_int_equal(f->sw.stats[STAT_vlan_not_allowed], 1);
	assert_int_equal(sent(f, 1), 0);
	assert_false(feed(f, 3, bcast, t, 0));
	assert_int_equal(f->sw.stats[STAT_vlan_no_native], 1);
	assert_false(feed(f, 3, bcast, t, TAGGED | 0x0fff));
	assert_int_equal(f->sw.stats[STAT_vlan_bad_tag], 1);
	/* An access port takes no other VLAN's tag, but its own. */
	assert_false(feed(f, 0, bcast, t, TAGGED | 20));
	assert_int_equal(f->sw.stats[STAT_vlan_not_allowed], 2);
	assert_true(feed(f, 0, bcast, t, TAGGED | 10));
	assert_int_equal(sent_tci(f, 3), 10);
	/* VLAN 30 is not on the trunk: nothing of it leaves there. */
	assert_true(feed(f, 1, bcast, t, 0));
	assert_int_equal(sent(f, 3), 0);
	assert_int_equal(f->sw.macs.count, 2);
}

static void
test_native_vlan(void **state)
{
	struct fixture *f = *state;
	uint8_t a[6], b[6], t[6];

	station(a, 1);
	station(b, 2);
	station(t, 9);
	vlan_set_access(&f->sw.vlans, 0, 10);
	vlan_set_access(&f->sw.vlans, 1, 20);
	set_trunk(f, 3, "10", 20); /* the native VLAN is carried too */
	assert_true(feed(f, 3, bcast, t, 0));
	assert_int_equal(sent(f, 0), 0);
	assert_int_equal(sent(f, 1), 1);
	assert_int_equal(mactable_lookup(&f->sw.macs, t, 20, 0), 3);
	/* VLAN 20 leaves the trunk untagged, VLAN 10 tagged. */
	assert_true(feed(f, 1, t, b, 0));
	assert_int_equal(sent_tci(f, 3), -1);
	assert_true(feed(f, 0, bcast, a, 0));
	assert_int_equal(sent_tci(f, 3), 10);
	/* The native VLAN's own tag is taken, and dropped on the way out. */
	assert_true(feed(f, 3, b, t, TAGGED | 0x2000 | 20));
	assert_int_equal(sent(f, 1), 1);
	assert_int_equal(sent_tci(f, 1), -1);
}

static void
test_untagged_copy_padded(void **state)
{
	struct fixture *f = *state;
	uint8_t frame[60] = {0}, t[6];

	station(t, 9);
	vlan_set_access(&f->sw.vlans, 0, 10);
	set_trunk(f, 3, "10", 0);
	/* A minimum-size tagged frame is 56 bytes without its tag. */
	memcpy(frame, bcast, 6);
	memcpy(frame + 6, t, 6);
	frame[12] = 0x81;
	frame[15] = 10;
	frame[16] = 0x08;
	memset(frame + 18, 0xee, 42);
	assert_true(switch_input(&f->sw, &f->mp[3]->port, frame, 60, 0));
	assert_int_equal(mem_port_frame(f->mp[0], 0)->len, 60);
	assert_int_equal(mem_port_frame(f->mp[0], 0)->data[55], 0xee);
	assert_int_equal(mem_port_frame(f->mp[0], 0)->data[56], 0);
}

static void
test_set_port_forgets_stations(void **state)
{
	struct fixture *f = *state;
	uint8_t a[6];

	station(a, 1);
	assert_true(feed(f, 0, bcast, a, 0));
	vlan_set_access(&f->sw.vlans, 0, 10);
	switch_vlan_changed(&f->sw, &f->mp[0]->port);
	assert_int_equal(mactable_lookup(&f->sw.macs, a, 1, 0), -1);
	assert_int_equal(f->sw.stats[STAT_mac_flushed], 1);
}

static void
test_vlan_list_syntax(void **state)
{
	static const char *const bad[] = {
	    "",	   "0",	 "4095",  "10-5",  "1,,2", "abc", "10-",
	    "-10", "1,", "12345", "1-2-3", " 1",   "+1",  "10,4096"};
	uint8_t member[VLAN_MEMBER_BYTES];
	char buf[64];
	uint16_t vid;

	(void)state;
	assert_int_equal(vlan_parse_list("20,10,30-39,41,42,4094", member), 0);
	vlan_format_list(member, buf, sizeof(buf));
	assert_string_equal(buf, "10,20,30-39,41,42,4094");
	assert_int_equal(vlan_parse_list("1-4094", member), 0);
	vlan_format_list(member, buf, sizeof(buf));
	assert_string_equal(buf, "1-4094");
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(vlan_parse_list(bad[i], member), -1);
	assert_int_equal(vlan_parse_id("4094", &vid), 0);
	assert_int_equal(vid, 4094);
	assert_int_equal(vlan_parse_id("0", &vid), -1);
	assert_int_equal(vlan_parse_id("1x", &vid), -1);
	/* A short buffer is cut, never overrun. */
	assert_int_equal(vlan_parse_list("1,3,5,7,9,11,13", member), 0);
	vlan_format_list(member, buf, 6);
	assert_string_equal(buf, "1,3,5");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	    T(test_unaware_by_default),
	    T(test_access_ports_isolated),
	    T(test_mac_table_per_vlan),
	    T(test_trunk_tags_and_untags),
	    T(test_priority_bits_kept),
	    T(test_trunk_allowed_list),
	    T(test_native_vlan),
	    T(test_untagged_copy_padded),
	    T(test_set_port_forgets_stations),
	    cmocka_unit_test(test_vlan_list_syntax),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
