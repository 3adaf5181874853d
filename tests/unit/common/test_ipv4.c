/* IPv4 header validation, addresses, martians and fragmentation. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "checksum.h"
#include "ipv4.h"

/* A valid datagram of len bytes (header 20 + payload pattern) in buf. */
static void
make_datagram(uint8_t *buf, size_t len, uint16_t frag)
{
	ipv4_build(buf, 0, 0x1234, frag, 64, IPV4_PROTO_UDP, 0x0a000001,
		   0x0a000002, len - IPV4_HDR_LEN);
	for (size_t i = IPV4_HDR_LEN; i < len; i++)
		buf[i] = (uint8_t)i;
}

static void
fix_checksum(uint8_t *buf)
{
	size_t hl = (size_t)(buf[0] & 0x0f) * 4;
	uint16_t sum;

	buf[10] = buf[11] = 0;
	sum = checksum(buf, hl);
	buf[10] = (uint8_t)(sum >> 8);
	buf[11] = (uint8_t)sum;
}

static void
test_parse_valid(void **state)
{
	uint8_t buf[64];
	struct ipv4_pkt p;

	(void)state;
	make_datagram(buf, 48, IPV4_FLAG_DF);
	/* Ethernet padding after the datagram is ignored. */
	assert_int_equal(ipv4_parse(buf, sizeof(buf), &p), IPV4_ok);
	assert_int_equal(p.len, 48);
	assert_int_equal(p.hdr_len, 20);
	assert_int_equal(p.payload_len, 28);
	assert_ptr_equal(p.payload, buf + 20);
	assert_int_equal(p.ttl, 64);
	assert_int_equal(p.proto, IPV4_PROTO_UDP);
	assert_int_equal(p.id, 0x1234);
	assert_int_equal(p.frag, IPV4_FLAG_DF);
	assert_int_equal(p.src, 0x0a000001);
	assert_int_equal(p.dst, 0x0a000002);
	assert_false(ipv4_is_fragment(&p));
}

static void
test_parse_reasons(void **state)
{
	uint8_t buf[64];
	struct ipv4_pkt p;

	(void)state;
	make_datagram(buf, 48, 0);
	assert_int_equal(ipv4_parse(buf, 19, &p), IPV4_truncated);
	assert_int_equal(ipv4_parse(buf, 47, &p), IPV4_truncated);

	buf[0] = 0x65;
	fix_checksum(buf);
	assert_int_equal(ipv4_parse(buf, 48, &p), IPV4_bad_version);

	buf[0] = 0x44;
	assert_int_equal(ipv4_parse(buf, 48, &p), IPV4_bad_ihl);

	buf[0] = 0x4f; /* 60 bytes of header in a 48-byte frame */
	assert_int_equal(ipv4_parse(buf, 48, &p), IPV4_truncated);

	make_datagram(buf, 48, 0);
	buf[2] = 0;
	buf[3] = 19;
	fix_checksum(buf);
	assert_int_equal(ipv4_parse(buf, 48, &p), IPV4_bad_total_length);

	make_datagram(buf, 48, 0);
	buf[11] ^= 1;
	assert_int_equal(ipv4_parse(buf, 48, &p), IPV4_bad_checksum);
	assert_string_equal(ipv4_check_names[IPV4_bad_checksum],
			    "bad_checksum");
}

static void
test_addresses(void **state)
{
	uint32_t a;
	unsigned len;
	char buf[IPV4_CIDR_STRLEN];

	(void)state;
	assert_int_equal(ipv4_aton("10.0.2.20", &a), 0);
	assert_int_equal(a, 0x0a000214);
	assert_string_equal(ipv4_ntoa(a, buf), "10.0.2.20");
	assert_int_equal(ipv4_aton("255.255.255.255", &a), 0);
	assert_int_equal(a, 0xffffffff);
	assert_int_equal(ipv4_aton("1.2.3", &a), -1);
	assert_int_equal(ipv4_aton("1.2.3.4.5", &a), -1);
	assert_int_equal(ipv4_aton("256.1.1.1", &a), -1);
	assert_int_equal(ipv4_aton("1.2.3.4 ", &a), -1);
	assert_int_equal(ipv4_aton("1..3.4", &a), -1);
	assert_int_equal(ipv4_aton("", &a), -1);

	assert_int_equal(ipv4_cidr_aton("10.0.1.1/24", &a, &len), 0);
	assert_int_equal(a, 0x0a000101);
	assert_int_equal(len, 24);
	assert_string_equal(ipv4_cidr_ntoa(a, len, buf), "10.0.1.1/24");
	assert_int_equal(ipv4_cidr_aton("default", &a, &len), 0);
	assert_int_equal(a, 0);
	assert_int_equal(len, 0);
	assert_int_equal(ipv4_cidr_aton("10.0.0.0/33", &a, &len), -1);
	assert_int_equal(ipv4_cidr_aton("10.0.0.0/", &a, &len), -1);
	assert_int_equal(ipv4_cidr_aton("10.0.0.0/-1", &a, &len), -1);
	assert_int_equal(ipv4_cidr_aton("10.0.0.0", &a, &len), -1);
	assert_int_equal(ipv4_cidr_aton("10.0.0.0/8x", &a, &len), -1);
	assert_int_equal(ipv4_mask(0), 0);
	assert_int_equal(ipv4_mask(24), 0xffffff00);
	assert_int_equal(ipv4_mask(32), 0xffffffff);
}

static void
test_martians(void **state)
{
	(void)state;
	assert_true(ipv4_martian_dst(0x00000001));  /* 0.0.0.1 */
	assert_true(ipv4_martian_dst(0x7f000001));  /* 127.0.0.1 */
	assert_true(ipv4_martian_dst(0xf0000001));  /* class E */
	assert_true(ipv4_martian_dst(0xffffffff));  /* broadcast */
	assert_false(ipv4_martian_dst(0x0a000001)); /* 10.0.0.1 */
	assert_false(ipv4_martian_dst(0xe0000001)); /* multicast */
	assert_true(ipv4_martian_src(0xe0000001));
	assert_false(ipv4_martian_src(0xc0000201));
}

struct frags {
	uint8_t data[8][2048];
	size_t len[8];
	int n;
};

static int
collect(const uint8_t *frag, size_t len, void *arg)
{
	struct frags *f = arg;

	assert_true(f->n < 8);
	memcpy(f->data[f->n], frag, len);
	f->len[f->n++] = len;
	return 0;
}

static void
test_fragment(void **state)
{
	static uint8_t buf[1428], joined[1428];
	static struct frags f;
	struct ipv4_pkt p, q;
	size_t off = 0;

	(void)state;
	make_datagram(buf, sizeof(buf), 0);
	assert_int_equal(ipv4_parse(buf, sizeof(buf), &p), IPV4_ok);
	assert_int_equal(ipv4_fragment(&p, 1000, collect, &f), 0);
	assert_int_equal(f.n, 2);
	for (int i = 0; i < f.n; i++) {
		assert_int_equal(ipv4_parse(f.data[i], f.len[i], &q), IPV4_ok);
		assert_true(q.len <= 1000);
		assert_int_equal(q.id, 0x1234);
		assert_int_equal((q.frag & IPV4_OFFSET_MASK) * 8, off);
		assert_int_equal((q.frag & IPV4_FLAG_MF) != 0, i < f.n - 1);
		if (i < f.n - 1)
			assert_int_equal(q.payload_len % 8, 0);
		memcpy(joined + off, q.payload, q.payload_len);
		off += q.payload_len;
	}
	assert_int_equal(off, p.payload_len);
	assert_memory_equal(joined, p.payload, p.payload_len);

	/* A datagram that fits goes whole; DF forbids cutting. */
	f.n = 0;
	assert_int_equal(ipv4_fragment(&p, 1500, collect, &f), 0);
	assert_int_equal(f.n, 1);
	make_datagram(buf, sizeof(buf), IPV4_FLAG_DF);
	assert_int_equal(ipv4_parse(buf, sizeof(buf), &p), IPV4_ok);
	f.n = 0;
	assert_int_equal(ipv4_fragment(&p, 1000, collect, &f), -1);
	assert_int_equal(errno, EMSGSIZE);
	assert_int_equal(f.n, 0);
}

static void
test_fragment_of_fragment_and_options(void **state)
{
	static uint8_t buf[1200];
	static struct frags f;
	struct ipv4_pkt p, q;
	/* Record route (not copied, 7 bytes), NOP, and a copied option
	 * (type 0x88, stream id, 4 bytes): 12 bytes of options. */
	static const uint8_t opts[12] = {0x07, 7,    4,	   0, 0,    0,
					 0,    0x01, 0x88, 4, 0xab, 0xcd};

	(void)state;
	memset(buf, 0x5a, sizeof(buf));
	ipv4_build(buf, 0, 7, IPV4_FLAG_MF | 100, 64, IPV4_PROTO_UDP, 1, 2,
		   sizeof(buf) - IPV4_HDR_LEN);
	/* Make room for the options: header of 32 bytes. */
	memmove(buf + 32, buf + 20, sizeof(buf) - 32);
	memcpy(buf + 20, opts, sizeof(opts));
	buf[0] = 0x48;
	fix_checksum(buf);
	assert_int_equal(ipv4_parse(buf, sizeof(buf), &p), IPV4_ok);
	assert_int_equal(ipv4_fragment(&p, 600, collect, &f), 0);
	assert_int_equal(f.n, 3);
	/* The first keeps every option; the others the copied one only. */
	assert_int_equal(ipv4_parse(f.data[0], f.len[0], &q), IPV4_ok);
	assert_int_equal(q.hdr_len, 32);
	assert_memory_equal(f.data[0] + 20, opts, sizeof(opts));
	assert_int_equal(q.frag & IPV4_OFFSET_MASK, 100);
	for (int i = 1; i < f.n; i++) {
		assert_int_equal(ipv4_parse(f.data[i], f.len[i], &q), IPV4_ok);
		assert_int_equal(q.hdr_len, 24);
		assert_memory_equal(f.data[i] + 20, opts + 8, 4);
		/* The original had MF: so does its last piece. */
		assert_true(q.frag & IPV4_FLAG_MF);
		assert_true((q.frag & IPV4_OFFSET_MASK) > 100);
	}
}

/* A fragment whose data reaches past 65535 bytes is not cut again: its
 * pieces' offsets would wrap around to the start of the datagram. */
static void
test_fragment_past_65535(void **state)
{
	static uint8_t buf[420];
	static struct frags f;
	struct ipv4_pkt p;

	(void)state;
	make_datagram(buf, sizeof(buf), 0x1ff0);
	assert_int_equal(ipv4_parse(buf, sizeof(buf), &p), IPV4_ok);
	assert_int_equal(ipv4_fragment(&p, 200, collect, &f), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(f.n, 0);
	/* Whole, it still goes on. */
	assert_int_equal(ipv4_fragment(&p, 500, collect, &f), 0);
	assert_int_equal(f.n, 1);
}

/*
 * The TTL decremented in place with an incremental checksum update (RFC
 * 1624) gives the checksum a full recomputation gives, over random
 * headers with options, every TTL and checksums near the edges.
 */
static void
test_ttl_decrement_incremental(void **state)
{
	uint32_t seed = 12345;

	(void)state;
	for (int i = 0; i < 200000; i++) {
		uint8_t hdr[60], full[60];
		size_t len = 20 + 4 * (size_t)(i % 11);
		uint16_t check;

		for (size_t j = 0; j < len; j++) {
			seed = seed * 1103515245 + 12345;
			hdr[j] = (uint8_t)(seed >> 16);
		}
		hdr[0] = (uint8_t)(0x40 | len / 4);
		hdr[8] = (uint8_t)(1 + i % 255);
		hdr[10] = hdr[11] = 0;
		check = checksum(hdr, len);
		hdr[10] = (uint8_t)(check >> 8);
		hdr[11] = (uint8_t)check;
		memcpy(full, hdr, len);
		ipv4_ttl_decrement(hdr);
		full[8]--;
		full[10] = full[11] = 0;
		check = checksum(full, len);
		full[10] = (uint8_t)(check >> 8);
		full[11] = (uint8_t)check;
		assert_int_equal(hdr[8], (uint8_t)(i % 255));
		assert_int_equal(checksum(hdr, len), 0);
		assert_memory_equal(hdr, full, len);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parse_valid),
	    cmocka_unit_test(test_ttl_decrement_incremental),
	    cmocka_unit_test(test_parse_reasons),
	    cmocka_unit_test(test_addresses),
	    cmocka_unit_test(test_martians),
	    cmocka_unit_test(test_fragment),
	    cmocka_unit_test(test_fragment_of_fragment_and_options),
	    cmocka_unit_test(test_fragment_past_65535),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
