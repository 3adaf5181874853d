/*
 * AF_PACKET rings: the layout of slots and blocks, reading and releasing
 * what the kernel handed over, filling and marking transmit slots, and
 * setting the rings up on a socket.
 */
#include "port_ring.h"

#include <arpa/inet.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ether.h"

#define RING_V3_BLOCK_SIZE (128 * 1024) /* holds any frame up to 64 KiB */
#define RING_V3_BLOCK_NR 16
#define RING_V2_MEMORY (2 * 1024 * 1024) /* per receive ring, about */
#define RING_V2_MIN_FRAMES 64

/* The kernel's header word, which it and the daemon hand to each other. */
static inline uint32_t
ring_status_load(const uint32_t *status)
{
	return __atomic_load_n(status, __ATOMIC_ACQUIRE);
}

static inline void
ring_status_store(uint32_t *status, uint32_t value)
{
	__atomic_store_n(status, value, __ATOMIC_RELEASE);
}

bool
ring_slot_frame(const struct ring_slot *s, struct ring_frame *f)
{
	const struct sockaddr_ll *sll;
	uint8_t *frame;
	size_t len = s->snaplen;

	if (s->sll_offset + sizeof(*sll) > s->mac || s->mac > s->room ||
	    len > s->room - s->mac)
		return false;
	sll = (const struct sockaddr_ll *)(s->base + s->sll_offset);
	f->pkttype = sll->sll_pkttype;
	frame = s->base + s->mac;
	f->wire_len = s->len;
	if (s->status & TP_STATUS_VLAN_VALID) {
		uint16_t tpid = (s->status & TP_STATUS_VLAN_TPID_VALID)
				    ? s->vlan_tpid
				    : ETHERTYPE_VLAN;
		uint16_t tag[2] = {htons(tpid), htons(s->vlan_tci)};

		/* The tag goes between the source MAC and the EtherType,
		 * in room that the sockaddr_ll in front does not use. */
		if (s->mac - s->sll_offset - sizeof(*sll) <
			ETHER_VLAN_HDR_LEN ||
		    len < 2 * ETHER_ADDR_LEN)
			return false;
		memmove(frame - ETHER_VLAN_HDR_LEN, frame, 2 * ETHER_ADDR_LEN);
		frame -= ETHER_VLAN_HDR_LEN;
		memcpy(frame + 2 * ETHER_ADDR_LEN, tag, sizeof(tag));
		len += ETHER_VLAN_HDR_LEN;
		f->wire_len += ETHER_VLAN_HDR_LEN;
	}
	f->data = frame;
	f->len = len;
	return true;
}

void
ring_rx_init(struct ring_rx *rx, int version, uint8_t *map, size_t block_size,
	     unsigned block_nr, size_t frame_size)
{
	memset(rx, 0, sizeof(*rx));
	rx->version = version;
	rx->map = map;
	rx->map_len = block_size * block_nr;
	rx->block_size = block_size;
	rx->block_nr = block_nr;
	rx->frame_size = frame_size;
	rx->frame_nr = frame_size ? (unsigned)(rx->map_len / frame_size) : 0;
}

static struct tpacket_block_desc *
ring_block(const struct ring_rx *rx, unsigned i)
{
	return (struct tpacket_block_desc *)(rx->map +
					     (size_t)i * rx->block_size);
}

static struct tpacket2_hdr *
ring_v2_slot(const struct ring_rx *rx, unsigned i)
{
	return (struct tpacket2_hdr *)(rx->map + (size_t)i * rx->frame_size);
}

/* V3: block cur back to the kernel, and on to the next. */
static void
ring_v3_give_back(struct ring_rx *rx)
{
	ring_status_store(&ring_block(rx, rx->cur)->hdr.bh1.block_status,
			  TP_STATUS_KERNEL);
	rx->cur = (rx->cur + 1) % rx->block_nr;
	rx->pkt = NULL;
}

/* The V3 packet at rx->pkt as a slot, bounded by its block's end. */
static void
ring_v3_slot(const struct ring_rx *rx, struct ring_slot *s)
{
	struct tpacket3_hdr *h = (struct tpacket3_hdr *)rx->pkt;
	uint8_t *end = (uint8_t *)ring_block(rx, rx->cur) + rx->block_size;

	s->base = rx->pkt;
	s->room = (size_t)(end - rx->pkt);
	s->status = h->tp_status;
	s->len = h->tp_len;
	s->snaplen = h->tp_snaplen;
	s->mac = h->tp_mac;
	s->vlan_tci = (uint16_t)h->hv1.tp_vlan_tci;
	s->vlan_tpid = (uint16_t)h->hv1.tp_vlan_tpid;
	s->sll_offset = TPACKET_ALIGN(sizeof(struct tpacket3_hdr));
}

/* Starts reading block cur if the kernel handed it over; false if not.
 * An empty or garbled block is given back at once. */
static bool
ring_v3_open(struct ring_rx *rx)
{
	for (;;) {
		struct tpacket_block_desc *b = ring_block(rx, rx->cur);
		uint32_t first;

		if (!(ring_status_load(&b->hdr.bh1.block_status) &
		      TP_STATUS_USER))
			return false;
		first = b->hdr.bh1.offset_to_first_pkt;
		rx->left = b->hdr.bh1.num_pkts;
		rx->pkt = (uint8_t *)b + first;
		if (rx->left && first >= sizeof(*b) &&
		    first + sizeof(struct tpacket3_hdr) <= rx->block_size)
			return true;
		ring_v3_give_back(rx);
	}
}

static bool
ring_v3_next(struct ring_rx *rx, struct ring_frame *f, uint64_t *bad)
{
	if (!rx->pkt && !ring_v3_open(rx))
		return false;
	while (rx->left) {
		struct ring_slot s;
		uint32_t next;

		ring_v3_slot(rx, &s);
		next = ((struct tpacket3_hdr *)rx->pkt)->tp_next_offset;
		rx->left--;
		/* A broken chain ends the block here. */
		if (rx->left && (next < sizeof(struct tpacket3_hdr) ||
				 next + sizeof(struct tpacket3_hdr) > s.room))
			rx->left = 0;
		else
			rx->pkt += next;
		if (ring_slot_frame(&s, f))
			return true;
		(*bad)++;
	}
	return false;
}

static bool
ring_v2_next(struct ring_rx *rx, struct ring_frame *f, uint64_t *bad)
{
	while (rx->held < rx->frame_nr) {
		struct tpacket2_hdr *h = ring_v2_slot(rx, rx->cur);
		struct ring_slot s;

		s.status = ring_status_load(&h->tp_status);
		if (!(s.status & TP_STATUS_USER))
			return false;
		rx->cur = (rx->cur + 1) % rx->frame_nr;
		rx->held++;
		s.base = (uint8_t *)h;
		s.room = rx->frame_size;
		s.len = h->tp_len;
		s.snaplen = h->tp_snaplen;
		s.mac = h->tp_mac;
		s.vlan_tci = h->tp_vlan_tci;
		s.vlan_tpid = h->tp_vlan_tpid;
		s.sll_offset = TPACKET_ALIGN(sizeof(struct tpacket2_hdr));
		if (ring_slot_frame(&s, f))
			return true;
		(*bad)++;
	}
	return false;
}

bool
ring_rx_next(struct ring_rx *rx, struct ring_frame *f, uint64_t *bad)
{
	if (rx->version == TPACKET_V3)
		return ring_v3_next(rx, f, bad);
	return ring_v2_next(rx, f, bad);
}

void
ring_rx_release(struct ring_rx *rx)
{
	if (rx->version == TPACKET_V3) {
		if (rx->pkt && rx->left == 0)
			ring_v3_give_back(rx);
		return;
	}
	for (; rx->held; rx->held--) {
		unsigned i = (rx->cur + rx->frame_nr - rx->held) % rx->frame_nr;

		ring_status_store(&ring_v2_slot(rx, i)->tp_status,
				  TP_STATUS_KERNEL);
	}
}

bool
ring_rx_ready(const struct ring_rx *rx)
{
	if (rx->version == TPACKET_V3)
		return (rx->pkt && rx->left) ||
		       (!rx->pkt &&
			(ring_status_load(
			     &ring_block(rx, rx->cur)->hdr.bh1.block_status) &
			 TP_STATUS_USER));
	return rx->held < rx->frame_nr &&
	       (ring_status_load(&ring_v2_slot(rx, rx->cur)->tp_status) &
		TP_STATUS_USER);
}

/* --- over a socket ------------------------------------------------------ */

static size_t
ring_pow2_at_least(size_t n)
{
	size_t p = 2048;

	while (p < n)
		p <<= 1;
	return p;
}

static int
ring_map(int fd, size_t len, uint8_t **map)
{
	void *m = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_LOCKED | MAP_POPULATE, fd, 0);

	if (m == MAP_FAILED)
		m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (m == MAP_FAILED)
		return -1;
	*map = m;
	return 0;
}

int
ring_rx_setup(int fd, struct ring_rx *rx, int version, size_t frame_max)
{
	int reserve = RING_RX_RESERVE;
	uint8_t *map;

	if (setsockopt(fd, SOL_PACKET, PACKET_VERSION, &version,
		       sizeof(version)) < 0 ||
	    setsockopt(fd, SOL_PACKET, PACKET_RESERVE, &reserve,
		       sizeof(reserve)) < 0)
		return -1;
	if (version == TPACKET_V3) {
		struct tpacket_req3 req = {0};

		req.tp_block_size = RING_V3_BLOCK_SIZE;
		req.tp_block_nr = RING_V3_BLOCK_NR;
		req.tp_frame_size = 2048;
		req.tp_frame_nr =
		    req.tp_block_size / req.tp_frame_size * req.tp_block_nr;
		req.tp_retire_blk_tov = RING_BLOCK_TIMEOUT_MS;
		if (setsockopt(fd, SOL_PACKET, PACKET_RX_RING, &req,
			       sizeof(req)) < 0 ||
		    ring_map(fd, (size_t)req.tp_block_size * req.tp_block_nr,
			     &map) < 0)
			return -1;
		ring_rx_init(rx, version, map, req.tp_block_size,
			     req.tp_block_nr, 0);
	} else {
		struct tpacket_req req = {0};
		/* Header, address, reserve and alignment in front. */
		size_t frame = ring_pow2_at_least(frame_max + 128);
		size_t nframes = RING_V2_MEMORY / frame;

		if (nframes < RING_V2_MIN_FRAMES)
			nframes = RING_V2_MIN_FRAMES;
		req.tp_frame_size = (unsigned)frame;
		req.tp_block_size = (unsigned)(frame < 65536 ? 65536 : frame);
		req.tp_block_nr =
		    (unsigned)((nframes * frame + req.tp_block_size - 1) /
			       req.tp_block_size);
		req.tp_frame_nr =
		    req.tp_block_size / req.tp_frame_size * req.tp_block_nr;
		if (setsockopt(fd, SOL_PACKET, PACKET_RX_RING, &req,
			       sizeof(req)) < 0 ||
		    ring_map(fd, (size_t)req.tp_block_size * req.tp_block_nr,
			     &map) < 0)
			return -1;
		ring_rx_init(rx, version, map, req.tp_block_size,
			     req.tp_block_nr, req.tp_frame_size);
	}
	return 0;
}

void
ring_rx_unmap(struct ring_rx *rx)
{
	if (rx->map)
		munmap(rx->map, rx->map_len);
	rx->map = NULL;
}
