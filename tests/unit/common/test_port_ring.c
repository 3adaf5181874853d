/*
 * The receive rings of AF_PACKET ports, laid out in memory as the kernel
 * lays them out: walking V3 blocks and V2 slots, giving them back only
 * when released, skipping garbled headers, and putting back the VLAN tag
 * the kernel stripped.
 */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ether.h"
#include "port_ring.h"

#define BLOCK 4096
#define V3_HDR TPACKET_ALIGN(sizeof(struct tpacket3_hdr))
/* Where the kernel would put a frame: header, address, room in front. */
#define MAC_OFF (V3_HDR + sizeof(struct sockaddr_ll) + RING_RX_RESERVE + 2)

static uint8_t *
ring_memory(size_t len)
{
	uint8_t *m = aligned_alloc(4096, len);

	assert_non_null(m);
	memset(m, 0, len);
	return m;
}

/* A frame of len bytes whose byte i is (seed + i), with its MACs. */
static void
fill_frame(uint8_t *p, size_t len, uint8_t seed)
{
	for (size_t i = 0; i < len; i++)
		p[i] = (uint8_t)(seed + i);
}

/* Writes packets of the given lengths into V3 block b, handed over. */
static void
v3_block(uint8_t *b, const size_t *lens, int n, uint8_t seed)
{
	struct tpacket_block_desc *d = (struct tpacket_block_desc *)b;
	uint32_t off = TPACKET_ALIGN(sizeof(*d));

	d->hdr.bh1.offset_to_first_pkt = off;
	d->hdr.bh1.num_pkts = (uint32_t)n;
	for (int i = 0; i < n; i++) {
		struct tpacket3_hdr *h = (struct tpacket3_hdr *)(b + off);
		struct sockaddr_ll *sll =
		    (struct sockaddr_ll *)((uint8_t *)h + V3_HDR);
		uint32_t next = TPACKET_ALIGN(MAC_OFF + lens[i]);

		memset(h, 0, sizeof(*h));
		h->tp_next_offset = i + 1 < n ? next : 0;
		h->tp_len = h->tp_snaplen = (uint32_t)lens[i];
		h->tp_mac = MAC_OFF;
		h->tp_status = TP_STATUS_USER;
		sll->sll_pkttype = PACKET_HOST;
		fill_frame((uint8_t *)h + MAC_OFF, lens[i],
			   (uint8_t)(seed + i));
		off += next;
	}
	d->hdr.bh1.block_status = TP_STATUS_USER;
}

static uint32_t
block_status(const uint8_t *b)
{
	return ((const struct tpacket_block_desc *)b)->hdr.bh1.block_status;
}

static void
test_v3_blocks_walked_and_given_back(void **state)
{
	uint8_t *m = ring_memory(3 * BLOCK);
	static const size_t lens[] = {60, 1514, 64};
	struct ring_rx rx;
	struct ring_frame f;
	uint64_t bad = 0;

	(void)state;
	ring_rx_init(&rx, TPACKET_V3, m, BLOCK, 3, 0);
	assert_false(ring_rx_ready(&rx));
	assert_false(ring_rx_next(&rx, &f, &bad));
	v3_block(m, lens, 3, 10);
	assert_true(ring_rx_ready(&rx));
	for (int i = 0; i < 3; i++) {
		assert_true(ring_rx_next(&rx, &f, &bad));
		assert_int_equal(f.len, lens[i]);
		assert_int_equal(f.wire_len, lens[i]);
		assert_int_equal(f.pkttype, PACKET_HOST);
		assert_int_equal(f.data[0], 10 + i);
		assert_int_equal(f.data[f.len - 1],
				 (uint8_t)(10 + i + lens[i] - 1));
	}
	/* The block is finished but still the daemon's until released:
	 * frames sent on from it may still point into it. */
	assert_false(ring_rx_next(&rx, &f, &bad));
	assert_int_equal(block_status(m), TP_STATUS_USER);
	ring_rx_release(&rx);
	assert_int_equal(block_status(m), TP_STATUS_KERNEL);
	assert_false(ring_rx_ready(&rx));
	/* The next block, then around the ring back to the first. */
	v3_block(m + BLOCK, lens, 1, 50);
	assert_true(ring_rx_next(&rx, &f, &bad));
	assert_int_equal(f.data[0], 50);
	ring_rx_release(&rx);
	v3_block(m + 2 * BLOCK, lens, 1, 60);
	v3_block(m, lens + 2, 1, 70);
	assert_true(ring_rx_next(&rx, &f, &bad));
	assert_int_equal(f.data[0], 60);
	assert_false(ring_rx_next(&rx, &f, &bad));
	ring_rx_release(&rx);
	assert_true(ring_rx_next(&rx, &f, &bad));
	assert_int_equal(f.data[0], 70);
	assert_int_equal(f.len, 64);
	assert_int_equal(bad, 0);
	free(m);
}

static void
test_v3_partly_read_block_kept(void **state)
{
	uint8_t *m = ring_memory(2 * BLOCK);
	static const size_t lens[] = {60, 60, 60};
	struct ring_rx rx;
	struct ring_frame f;
	uint64_t bad = 0;

	(void)state;
	ring_rx_init(&rx, TPACKET_V3, m, BLOCK, 2, 0);
	v3_block(m, lens, 3, 0);
	assert_true(ring_rx_next(&rx, &f, &bad));
	/* A budget ran out after one frame: the block stays the daemon's. */
	ring_rx_release(&rx);
	assert_int_equal(block_status(m), TP_STATUS_USER);
	assert_true(ring_rx_ready(&rx));
	assert_true(ring_rx_next(&rx, &f, &bad));
	assert_int_equal(f.data[0], 1);
	assert_true(ring_rx_next(&rx, &f, &bad));
	assert_false(ring_rx_next(&rx, &f, &bad));
	ring_rx_release(&rx);
	assert_int_equal(block_status(m), TP_STATUS_KERNEL);
	free(m);
}

static void
test_v3_garbled_headers_skipped(void **state)
{
	uint8_t *m = ring_memory(2 * BLOCK);
	static const size_t lens[] = {60, 60, 60};
	struct tpacket3_hdr *h;
	struct ring_rx rx;
	struct ring_frame f;
	uint64_t bad = 0;

	(void)state;
	ring_rx_init(&rx, TPACKET_V3, m, BLOCK, 2, 0);
	v3_block(m, lens, 3, 0);
	/* The first frame claims to run past the block's end. */
	h = (struct tpacket3_hdr *)(m + TPACKET_ALIGN(
					    sizeof(struct tpacket_block_desc)));
	h->tp_snaplen = BLOCK;
	/* The second points to its next one outside the block. */
	((struct tpacket3_hdr *)((uint8_t *)h + h->tp_next_offset))
	    ->tp_next_offset = 10 * BLOCK;
	assert_true(ring_rx_next(&rx, &f, &bad));
	assert_int_equal(bad, 1);
	assert_int_equal(f.data[0], 1);
	/* The broken chain ends the block there. */
	assert_false(ring_rx_next(&rx, &f, &bad));
	ring_rx_release(&rx);
	assert_int_equal(block_status(m), TP_STATUS_KERNEL);
	/* A block that says it holds no packet goes straight back. */
	v3_block(m + BLOCK, lens, 0, 0);
	assert_false(ring_rx_next(&rx, &f, &bad));
	assert_int_equal(block_status(m + BLOCK), TP_STATUS_KERNEL);
	free(m);
}

/* Hands V2 slot i over with a frame of len bytes. */
static void
v2_slot(uint8_t *m, size_t frame_size, unsigned i, size_t len, uint8_t seed)
{
	struct tpacket2_hdr *h = (struct tpacket2_hdr *)(m + i * frame_size);
	size_t mac = TPACKET_ALIGN(sizeof(*h)) + sizeof(struct sockaddr_ll) +
		     RING_RX_RESERVE + 2;

	h->tp_len = h->tp_snaplen = (uint32_t)len;
	h->tp_mac = (uint16_t)mac;
	fill_frame((uint8_t *)h + mac, len, seed);
	h->tp_status = TP_STATUS_USER;
}

static uint32_t
v2_status(const uint8_t *m, size_t frame_size, unsigned i)
{
	return ((const struct tpacket2_hdr *)(m + i * frame_size))->tp_status;
}

static void
test_v2_slots_held_until_release(void **state)
{
	uint8_t *m = ring_memory(BLOCK);
	struct ring_rx rx;
	struct ring_frame f;
	uint64_t bad = 0;

	(void)state;
	/* Four slots of 1024 bytes in one block. */
	ring_rx_init(&rx, TPACKET_V2, m, BLOCK, 1, 1024);
	assert_int_equal(rx.frame_nr, 4);
	v2_slot(m, 1024, 0, 60, 1);
	v2_slot(m, 1024, 1, 100, 2);
	assert_true(ring_rx_next(&rx, &f, &bad));
	assert_int_equal(f.data[0], 1);
	assert_true(ring_rx_next(&rx, &f, &bad));
	assert_int_equal(f.len, 100);
	assert_false(ring_rx_next(&rx, &f, &bad));
	/* Both still the daemon's until released. */
	assert_int_equal(v2_status(m, 1024, 0), TP_STATUS_USER);
	ring_rx_release(&rx);
	assert_int_equal(v2_status(m, 1024, 0), TP_STATUS_KERNEL);
	assert_int_equal(v2_status(m, 1024, 1), TP_STATUS_KERNEL);
	/* Around the end of the ring. */
	v2_slot(m, 1024, 2, 60, 3);
	v2_slot(m, 1024, 3, 60, 4);
	v2_slot(m, 1024, 0, 60, 5);
	assert_true(ring_rx_ready(&rx));
	for (uint8_t seed = 3; seed <= 5; seed++) {
		assert_true(ring_rx_next(&rx, &f, &bad));
		assert_int_equal(f.data[0], seed);
	}
	ring_rx_release(&rx);
	for (unsigned i = 0; i < 4; i++)
		assert_int_equal(v2_status(m, 1024, i), TP_STATUS_KERNEL);
	/* A slot cut short by the ring: its length on the wire says so. */
	v2_slot(m, 1024, 1, 60, 6);
	((struct tpacket2_hdr *)(m + 1024))->tp_len = 3000;
	assert_true(ring_rx_next(&rx, &f, &bad));
	assert_int_equal(f.len, 60);
	assert_int_equal(f.wire_len, 3000);
	assert_int_equal(bad, 0);
	free(m);
}

/* A slot over buf whose frame is a tagged frame with its tag stripped. */
static struct ring_slot
stripped_slot(uint8_t *buf, size_t mac, const uint8_t *untagged, size_t len,
	      uint32_t status, uint16_t tci, uint16_t tpid)
{
	struct ring_slot s = {0};

	memset(buf, 0, 256);
	memcpy(buf + mac, untagged, len);
	s.base = buf;
	s.room = 256;
	s.status = TP_STATUS_USER | status;
	s.len = s.snaplen = (uint32_t)len;
	s.mac = (uint32_t)mac;
	s.vlan_tci = tci;
	s.vlan_tpid = tpid;
	s.sll_offset = 0;
	return s;
}

static void
test_vlan_tag_put_back(void **state)
{
	static const uint8_t dst[6] = {0x02, 0, 0, 0, 0, 1};
	static const uint8_t src[6] = {0x02, 0, 0, 0, 0, 2};
	uint8_t untagged[64], buf[256];
	size_t mac = sizeof(struct sockaddr_ll) + 8;
	struct ring_frame f;
	struct ring_slot s;

	(void)state;
	ether_build(untagged, dst, src, ETHERTYPE_IPV4);
	fill_frame(untagged + ETHER_HDR_LEN, 50, 0x40);
	/* No tag: the frame as it is, where it is. */
	s = stripped_slot(buf, mac, untagged, 64, 0, 0, 0);
	assert_true(ring_slot_frame(&s, &f));
	assert_ptr_equal(f.data, buf + mac);
	assert_memory_equal(f.data, untagged, 64);
	/* VLAN 291, priority 5: 802.1Q tag back between MACs and type. */
	s = stripped_slot(buf, mac, untagged, 64, TP_STATUS_VLAN_VALID,
			  5 << 13 | 291, 0);
	assert_true(ring_slot_frame(&s, &f));
	assert_int_equal(f.len, 68);
	assert_int_equal(f.wire_len, 68);
	assert_memory_equal(f.data, dst, 6);
	assert_memory_equal(f.data + 6, src, 6);
	assert_int_equal(f.data[12] << 8 | f.data[13], ETHERTYPE_VLAN);
	assert_int_equal(f.data[14] << 8 | f.data[15], 5 << 13 | 291);
	assert_memory_equal(f.data + 16, untagged + 12, 52);
	/* A priority tag (VLAN 0) is a tag too. */
	s = stripped_slot(buf, mac, untagged, 64, TP_STATUS_VLAN_VALID, 0, 0);
	assert_true(ring_slot_frame(&s, &f));
	assert_int_equal(f.len, 68);
	assert_int_equal(f.data[14] << 8 | f.data[15], 0);
	/* An 802.1ad outer tag keeps its TPID. */
	s = stripped_slot(buf, mac, untagged, 64,
			  TP_STATUS_VLAN_VALID | TP_STATUS_VLAN_TPID_VALID, 7,
			  0x88a8);
	assert_true(ring_slot_frame(&s, &f));
	assert_int_equal(f.data[12] << 8 | f.data[13], 0x88a8);
	assert_int_equal(f.data[14] << 8 | f.data[15], 7);
	/* No room in front of the frame for the tag: refused. */
	s = stripped_slot(buf, sizeof(struct sockaddr_ll) + 2, untagged, 64,
			  TP_STATUS_VLAN_VALID, 7, 0);
	assert_false(ring_slot_frame(&s, &f));
	/* A frame that would end past its slot: refused. */
	s = stripped_slot(buf, mac, untagged, 64, 0, 0, 0);
	s.snaplen = 256;
	assert_false(ring_slot_frame(&s, &f));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_v3_blocks_walked_and_given_back),
	    cmocka_unit_test(test_v3_partly_read_block_kept),
	    cmocka_unit_test(test_v3_garbled_headers_skipped),
	    cmocka_unit_test(test_v2_slots_held_until_release),
	    cmocka_unit_test(test_vlan_tag_put_back),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
