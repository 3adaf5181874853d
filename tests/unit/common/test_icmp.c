/* ICMP: parsing, echo, the RFC 1812 rules for errors, their construction
 * and the rate limiter. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "checksum.h"
#include "icmp.h"

#define A(a, b, c, d) ((uint32_t)(a) << 24 | (b) << 16 | (c) << 8 | (d))

static uint8_t dgram[1600];

/* A datagram src -> dst of proto with len bytes of payload, parsed. */
static struct ipv4_pkt
make(uint32_t src, uint32_t dst, uint8_t proto, uint16_t frag, size_t len)
{
	struct ipv4_pkt pkt;

	ipv4_build(dgram, 0, 7, frag, 64, proto, src, dst, len);
	for (size_t i = 0; i < len; i++)
		dgram[IPV4_HDR_LEN + i] = (uint8_t)i;
	assert_int_equal(ipv4_parse(dgram, IPV4_HDR_LEN + len, &pkt), IPV4_ok);
	return pkt;
}

static void
test_echo_roundtrip(void **state)
{
	uint8_t buf[64], data[16];
	struct icmp_msg m;
	size_t len;

	(void)state;
	memset(data, 0xab, sizeof(data));
	len =
	    icmp_build_echo(buf, ICMP_TYPE_ECHO, 0x1234, 7, data, sizeof(data));
	assert_int_equal(len, ICMP_HDR_LEN + sizeof(data));
	assert_int_equal(checksum(buf, len), 0);
	assert_int_equal(icmp_parse(buf, len, &m), ICMP_ok);
	assert_int_equal(m.type, ICMP_TYPE_ECHO);
	assert_int_equal(m.id, 0x1234);
	assert_int_equal(m.seq, 7);
	assert_int_equal(m.body_len, sizeof(data));
	assert_memory_equal(m.body, data, sizeof(data));
	buf[9] ^= 1;
	assert_int_equal(icmp_parse(buf, len, &m), ICMP_bad_checksum);
	for (size_t cut = 0; cut < ICMP_HDR_LEN; cut++)
		assert_int_equal(icmp_parse(buf, cut, &m), ICMP_truncated);
}

static void
test_error_rules(void **state)
{
	const uint32_t a = A(10, 0, 1, 10), b = A(10, 0, 2, 20);
	struct ipv4_pkt pkt;
	uint8_t icmp[8];

	(void)state;
	pkt = make(a, b, IPV4_PROTO_UDP, 0, 32);
	assert_true(icmp_error_allowed(&pkt, false));
	/* Not when the frame went to a link broadcast or multicast. */
	assert_false(icmp_error_allowed(&pkt, true));
	/* Not about a fragment other than the first; yes about the first. */
	pkt = make(a, b, IPV4_PROTO_UDP, 185, 32);
	assert_false(icmp_error_allowed(&pkt, false));
	pkt = make(a, b, IPV4_PROTO_UDP, IPV4_FLAG_MF, 32);
	assert_true(icmp_error_allowed(&pkt, false));
	/* Not to an IP broadcast or multicast, nor from a non-unique source. */
	pkt = make(a, A(255, 255, 255, 255), IPV4_PROTO_UDP, 0, 32);
	assert_false(icmp_error_allowed(&pkt, false));
	pkt = make(a, A(224, 0, 0, 5), IPV4_PROTO_UDP, 0, 32);
	assert_false(icmp_error_allowed(&pkt, false));
	pkt = make(0, b, IPV4_PROTO_UDP, 0, 32);
	assert_false(icmp_error_allowed(&pkt, false));
	pkt = make(A(224, 1, 2, 3), b, IPV4_PROTO_UDP, 0, 32);
	assert_false(icmp_error_allowed(&pkt, false));
	pkt = make(A(240, 0, 0, 1), b, IPV4_PROTO_UDP, 0, 32);
	assert_false(icmp_error_allowed(&pkt, false));
	/* Never about an ICMP error; an echo request is fine. */
	icmp_build_echo(icmp, ICMP_TYPE_ECHO, 1, 1, NULL, 0);
	pkt = make(a, b, IPV4_PROTO_ICMP, 0, 8);
	memcpy(dgram + IPV4_HDR_LEN, icmp, sizeof(icmp));
	assert_true(icmp_error_allowed(&pkt, false));
	for (uint8_t t = 0; t < 20; t++) {
		dgram[IPV4_HDR_LEN] = t;
		assert_int_equal(icmp_error_allowed(&pkt, false),
				 !icmp_type_is_error(t));
	}
}

static void
test_build_error(void **state)
{
	const uint32_t a = A(10, 0, 1, 10), b = A(10, 0, 2, 20),
		       r = A(10, 0, 1, 1);
	uint8_t buf[ICMP_ERROR_MAX_LEN];
	struct ipv4_pkt orig, err;
	struct icmp_msg m;
	size_t len;

	(void)state;
	orig = make(a, b, IPV4_PROTO_UDP, IPV4_FLAG_DF, 1400);
	len = icmp_build_error(buf, r, 99, ICMP_TYPE_DEST_UNREACH,
			       ICMP_CODE_FRAG_NEEDED, 1000, &orig);
	/* Within 576 bytes, quoting as much of the original as fits. */
	assert_int_equal(len, ICMP_ERROR_MAX_LEN);
	assert_int_equal(ipv4_parse(buf, len, &err), IPV4_ok);
	assert_int_equal(err.src, r);
	assert_int_equal(err.dst, a);
	assert_int_equal(err.proto, IPV4_PROTO_ICMP);
	assert_int_equal(err.tos, 0xc0);
	assert_int_equal(icmp_parse(err.payload, err.payload_len, &m), ICMP_ok);
	assert_int_equal(m.type, ICMP_TYPE_DEST_UNREACH);
	assert_int_equal(m.code, ICMP_CODE_FRAG_NEEDED);
	assert_int_equal(m.mtu, 1000);
	assert_int_equal(m.body_len, len - IPV4_HDR_LEN - ICMP_HDR_LEN);
	assert_memory_equal(m.body, orig.data, m.body_len);

	/* A small original is quoted whole. */
	orig = make(a, b, IPV4_PROTO_UDP, 0, 12);
	len = icmp_build_error(buf, r, 100, ICMP_TYPE_TIME_EXCEEDED,
			       ICMP_CODE_TTL_EXCEEDED, 0, &orig);
	assert_int_equal(len, IPV4_HDR_LEN + ICMP_HDR_LEN + orig.len);
	assert_int_equal(ipv4_parse(buf, len, &err), IPV4_ok);
	assert_int_equal(icmp_parse(err.payload, err.payload_len, &m), ICMP_ok);
	assert_int_equal(m.type, ICMP_TYPE_TIME_EXCEEDED);
	assert_int_equal(m.mtu, 0);
	assert_memory_equal(m.body, orig.data, orig.len);
}

static void
test_ratelimit(void **state)
{
	struct icmp_ratelimit rl;
	int allowed = 0;

	(void)state;
	icmp_ratelimit_init(&rl, 10, 5);
	/* A burst of 5, then nothing more at the same instant. */
	for (int i = 0; i < 20; i++)
		allowed += icmp_ratelimit_allow(&rl, 100.0);
	assert_int_equal(allowed, 5);
	/* 10 a second: one more after 0.1 s, not before. */
	assert_false(icmp_ratelimit_allow(&rl, 100.05));
	assert_true(icmp_ratelimit_allow(&rl, 100.15));
	assert_false(icmp_ratelimit_allow(&rl, 100.16));
	/* A long pause saves up no more than the burst. */
	allowed = 0;
	for (int i = 0; i < 20; i++)
		allowed += icmp_ratelimit_allow(&rl, 200.0);
	assert_int_equal(allowed, 5);
	/* Over 10 seconds at a steady 1000 a second: about 10 a second. */
	allowed = 0;
	for (int i = 0; i < 10000; i++)
		allowed += icmp_ratelimit_allow(&rl, 300.0 + i / 1000.0);
	assert_in_range(allowed, 100, 106);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_echo_roundtrip),
	    cmocka_unit_test(test_error_rules),
	    cmocka_unit_test(test_build_error),
	    cmocka_unit_test(test_ratelimit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
