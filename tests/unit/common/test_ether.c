/* Ethernet parsing and building. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "ether.h"

static const uint8_t dst[6] = {0x02, 0, 0, 0, 0, 0x01};
static const uint8_t src[6] = {0x02, 0, 0, 0, 0, 0x02};

static void
test_parse_untagged(void **state)
{
	uint8_t frame[60] = {0};
	struct ether_frame eth;

	(void)state;
	ether_build(frame, dst, src, ETHERTYPE_IPV4);
	assert_int_equal(ether_parse(frame, sizeof(frame), &eth), ETHER_OK);
	assert_memory_equal(eth.dst, dst, 6);
	assert_memory_equal(eth.src, src, 6);
	assert_int_equal(eth.type, ETHERTYPE_IPV4);
	assert_int_equal(eth.vlan, 0);
	assert_ptr_equal(eth.payload, frame + ETHER_HDR_LEN);
	assert_int_equal(eth.payload_len, sizeof(frame) - ETHER_HDR_LEN);
}

static void
test_parse_vlan(void **state)
{
	uint8_t frame[64] = {0};
	struct ether_frame eth;

	(void)state;
	ether_build(frame, dst, src, ETHERTYPE_VLAN);
	frame[14] = 0x20; /* PCP 1, VID 0x064 */
	frame[15] = 0x64;
	frame[16] = 0x08;
	frame[17] = 0x06;
	assert_int_equal(ether_parse(frame, sizeof(frame), &eth), ETHER_OK);
	assert_int_equal(eth.vlan, 0x064);
	assert_int_equal(eth.type, ETHERTYPE_ARP);
	assert_int_equal(eth.payload_len, sizeof(frame) - 18);
}

static void
test_parse_truncated(void **state)
{
	uint8_t frame[18] = {0};
	struct ether_frame eth;

	(void)state;
	for (size_t len = 0; len < ETHER_HDR_LEN; len++)
		assert_int_equal(ether_parse(frame, len, &eth),
				 ETHER_TRUNCATED);
	ether_build(frame, dst, src, ETHERTYPE_VLAN);
	for (size_t len = ETHER_HDR_LEN; len < 18; len++)
		assert_int_equal(ether_parse(frame, len, &eth),
				 ETHER_TRUNCATED);
	assert_int_equal(ether_parse(frame, 14, &eth), ETHER_TRUNCATED);
}

static void
test_parse_length_field(void **state)
{
	uint8_t frame[60] = {0};
	struct ether_frame eth;

	(void)state;
	ether_build(frame, dst, src, 46);
	assert_int_equal(ether_parse(frame, sizeof(frame), &eth),
			 ETHER_LENGTH_FIELD);
}

static void
test_mac_text(void **state)
{
	char buf[ETHER_ADDR_STRLEN];
	uint8_t mac[6];

	(void)state;
	assert_int_equal(ether_aton_buf("AA:bb:0c:d0:0e:ff", mac), 0);
	assert_string_equal(ether_ntoa_buf(mac, buf), "aa:bb:0c:d0:0e:ff");
	assert_int_equal(ether_aton_buf("aa:bb:cc:dd:ee", mac), -1);
	assert_int_equal(ether_aton_buf("aa:bb:cc:dd:ee:ff:00", mac), -1);
	assert_int_equal(ether_aton_buf("aa-bb-cc-dd-ee-ff", mac), -1);
	assert_int_equal(ether_aton_buf("gg:bb:cc:dd:ee:ff", mac), -1);
	assert_int_equal(ether_aton_buf("", mac), -1);
}

static void
test_mac_classes(void **state)
{
	const uint8_t stp[6] = {0x01, 0x80, 0xc2, 0x00, 0x00, 0x00};
	const uint8_t lldp[6] = {0x01, 0x80, 0xc2, 0x00, 0x00, 0x0e};
	const uint8_t not_ll[6] = {0x01, 0x80, 0xc2, 0x00, 0x00, 0x10};
	const uint8_t mcast[6] = {0x01, 0x00, 0x5e, 0x00, 0x00, 0x01};

	(void)state;
	assert_true(ether_is_link_local(stp));
	assert_true(ether_is_link_local(lldp));
	assert_false(ether_is_link_local(not_ll));
	assert_true(ether_is_multicast(mcast));
	assert_true(ether_is_multicast(ether_broadcast));
	assert_true(ether_is_broadcast(ether_broadcast));
	assert_false(ether_is_broadcast(mcast));
	assert_false(ether_is_multicast(src));
	assert_true(ether_is_zero(ether_zero));
	assert_false(ether_is_zero(src));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parse_untagged),
	    cmocka_unit_test(test_parse_vlan),
	    cmocka_unit_test(test_parse_truncated),
	    cmocka_unit_test(test_parse_length_field),
	    cmocka_unit_test(test_mac_text),
	    cmocka_unit_test(test_mac_classes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
