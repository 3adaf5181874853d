/* The Internet checksum and its incremental update (RFC 1071, RFC 1624). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "checksum.h"

static void
test_rfc1071_example(void **state)
{
	/* RFC 1071 section 3: the sum of these words is 0xddf2. */
	static const uint8_t data[] = {0x00, 0x01, 0xf2, 0x03,
				       0xf4, 0xf5, 0xf6, 0xf7};

	(void)state;
	assert_int_equal(checksum(data, sizeof(data)), (uint16_t)~0xddf2);
}

static void
test_ipv4_header(void **state)
{
	uint8_t hdr[] = {0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40,
			 0x00, 0x40, 0x11, 0x00, 0x00, 0xc0, 0xa8,
			 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7};
	uint16_t sum;

	(void)state;
	sum = checksum(hdr, sizeof(hdr));
	assert_int_equal(sum, 0xb861);
	hdr[10] = (uint8_t)(sum >> 8);
	hdr[11] = (uint8_t)sum;
	assert_int_equal(checksum(hdr, sizeof(hdr)), 0);
}

static void
test_odd_length_and_pieces(void **state)
{
	uint8_t data[101];

	(void)state;
	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 37 + 11);
	/* An odd tail is padded with a zero byte. */
	assert_int_equal(checksum(data, 1), (uint16_t) ~(data[0] << 8));
	/* Summing in even pieces gives the same result. */
	assert_int_equal(checksum_fold(checksum_add(checksum_add(0, data, 40),
						    data + 40, 61)),
			 checksum(data, sizeof(data)));
}

/* Sets the checksum field (bytes 10-11) of a 20-byte header. */
static void
set_checksum(uint8_t *hdr)
{
	uint16_t sum;

	hdr[10] = hdr[11] = 0;
	sum = checksum(hdr, 20);
	hdr[10] = (uint8_t)(sum >> 8);
	hdr[11] = (uint8_t)sum;
}

static void
test_incremental_matches_recompute(void **state)
{
	(void)state;
	srandom(1624);
	for (int n = 0; n < 20000; n++) {
		uint8_t hdr[20];
		uint16_t old_word, new_word, check;
		uint32_t old_addr, new_addr;

		for (int i = 0; i < 20; i++)
			hdr[i] = (uint8_t)random();
		/* Headers whose words sum to zero are the corner case. */
		if (n < 16)
			memset(hdr, n & 1 ? 0xff : 0, sizeof(hdr));
		set_checksum(hdr);
		/* The TTL decrement: TTL and protocol share a word. */
		old_word = (uint16_t)(hdr[8] << 8 | hdr[9]);
		hdr[8]--;
		new_word = (uint16_t)(hdr[8] << 8 | hdr[9]);
		check = checksum_update16((uint16_t)(hdr[10] << 8 | hdr[11]),
					  old_word, new_word);
		hdr[10] = (uint8_t)(check >> 8);
		hdr[11] = (uint8_t)check;
		assert_int_equal(checksum(hdr, 20), 0);
		/* A 32-bit field: the destination address. */
		old_addr = (uint32_t)hdr[16] << 24 | (uint32_t)hdr[17] << 16 |
			   (uint32_t)hdr[18] << 8 | hdr[19];
		new_addr = (uint32_t)random();
		check = checksum_update32((uint16_t)(hdr[10] << 8 | hdr[11]),
					  old_addr, new_addr);
		hdr[16] = (uint8_t)(new_addr >> 24);
		hdr[17] = (uint8_t)(new_addr >> 16);
		hdr[18] = (uint8_t)(new_addr >> 8);
		hdr[19] = (uint8_t)new_addr;
		hdr[10] = (uint8_t)(check >> 8);
		hdr[11] = (uint8_t)check;
		assert_int_equal(checksum(hdr, 20), 0);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_rfc1071_example),
	    cmocka_unit_test(test_ipv4_header),
	    cmocka_unit_test(test_odd_length_and_pieces),
	    cmocka_unit_test(test_incremental_matches_recompute),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
