/*
 * Memory-mapped rings of an AF_PACKET socket (Linux
 * Documentation/networking/packet_mmap.rst): the kernel writes received
 * frames straight into memory shared with the daemon, and sends frames
 * the daemon wrote into shared memory, so that no system call copies a
 * frame and one call sends a whole batch.
 *
 *   receive   TPACKET_V3 by default: frames packed into blocks that the
 *             kernel hands over when a block is full or its timeout
 *             (RING_BLOCK_TIMEOUT_MS) expires, one wake-up per block.
 *             TPACKET_V2 for low latency: one slot per frame, handed over
 *             as soon as it is written, so a daemon that busy-polls sees
 *             it at once (a V3 block stays hidden until it is retired).
 *
 * Frames are handed out in place and stay the daemon's until
 * ring_rx_release(): a daemon may send them on (sendmmsg pointing into the
 * ring) or rewrite them, and give them back once those sends are done.
 * (A transmit ring is no gain on veth: the kernel sends its slots as
 * zero-copy pages, which a veth must then copy into freshly allocated
 * ones.)
 *
 * The kernel strips an 802.1Q tag into the ring header; the frame a
 * daemon sees has it put back. Everything but setting a ring up and the
 * kick works on plain memory, so unit tests drive it with rings they lay
 * out themselves.
 */
#ifndef HOPLAB_PORT_RING_H
#define HOPLAB_PORT_RING_H

#include <linux/if_packet.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RING_BLOCK_TIMEOUT_MS 1 /* the kernel's shortest */
/* Bytes the kernel leaves before each received frame, so that a
 * stripped VLAN tag can be put back in front of it. */
#define RING_RX_RESERVE 16

/* One received frame, as the daemon is to see it. */
struct ring_frame {
	uint8_t *data;
	size_t len;	 /* bytes at data */
	size_t wire_len; /* length on the wire (with any tag put back) */
	uint8_t pkttype; /* PACKET_HOST, PACKET_OUTGOING, ... */
};

/* What a received slot's header says, whichever version laid it out. */
struct ring_slot {
	uint8_t *base; /* the slot (V2) or the packet's header (V3) */
	size_t room;   /* bytes from base that belong to it */
	uint32_t status;
	uint32_t len, snaplen;
	uint32_t mac; /* offset of the frame from base */
	uint16_t vlan_tci, vlan_tpid;
	size_t sll_offset; /* where its struct sockaddr_ll is */
};

/*
 * Turns a slot into a frame, putting back a VLAN tag the kernel stripped
 * (TP_STATUS_VLAN_VALID; TPID 0x8100 unless TP_STATUS_VLAN_TPID_VALID
 * says otherwise) in the room in front of it. False when the header does
 * not describe a frame inside the slot, or there is no room for the tag.
 */
bool ring_slot_frame(const struct ring_slot *s, struct ring_frame *f);

/* A receive ring, V2 or V3, and where the daemon is in it. */
struct ring_rx {
	int version; /* TPACKET_V2 or TPACKET_V3 */
	uint8_t *map;
	size_t map_len;
	size_t block_size;
	unsigned block_nr;
	size_t frame_size; /* V2: bytes per slot */
	unsigned frame_nr; /* V2: slots */
	unsigned cur;	   /* V3: the block; V2: the next slot */
	/* V3: the packet to read next in block cur, and how many are left;
	 * NULL when block cur is not being read. */
	uint8_t *pkt;
	uint32_t left;
	/* V2: slots handed out and not given back, the ones before cur. */
	unsigned held;
};

/*
 * Lays a ring over map (the V3 blocks or V2 slots, as the kernel does):
 * for tests, and by ring_rx_setup() after mmap.
 */
void ring_rx_init(struct ring_rx *rx, int version, uint8_t *map,
		  size_t block_size, unsigned block_nr, size_t frame_size);
/*
 * The next frame the kernel handed over, or false when there is none now
 * or a V3 block is finished (ring_rx_release() goes on to the next). The
 * frame stays valid until ring_rx_release(). Slots whose header is not a
 * frame (ring_slot_frame) are skipped and counted in *bad.
 */
bool ring_rx_next(struct ring_rx *rx, struct ring_frame *f, uint64_t *bad);
/* Gives back every frame read so far: the V2 slots, and the V3 block once
 * it is finished (a block read in part stays the daemon's). */
void ring_rx_release(struct ring_rx *rx);
/* Is there a frame ring_rx_next() would hand out, after a release? */
bool ring_rx_ready(const struct ring_rx *rx);

/* --- over a socket ---------------------------------------------------- */

/*
 * Sets up and maps fd's receive ring for frames up to frame_max bytes
 * (V2 sizes its slots for them; V3 blocks hold any frame); -1 with errno.
 */
int ring_rx_setup(int fd, struct ring_rx *rx, int version, size_t frame_max);
void ring_rx_unmap(struct ring_rx *rx);

#endif
