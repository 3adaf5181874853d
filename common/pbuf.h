/*
 * Packet buffers: the bytes of one packet that outlives the call that
 * received or built it (waiting for ARP, being reassembled, looping back,
 * and next TCP's queues), with room in front for the headers of the
 * layers below, so that each layer prepends its header in place instead
 * of copying the packet into a buffer of its own.
 *
 * Ownership is simple: a pbuf has exactly one owner. A function that is
 * given a `struct pbuf *` takes it (it sends, queues or frees it, also on
 * failure) unless its parameter is `const struct pbuf *`, which only lends
 * it for the call.
 */
#ifndef HOPLAB_PBUF_H
#define HOPLAB_PBUF_H

#include <stddef.h>
#include <stdint.h>

/* Room for Ethernet (with a VLAN tag), IPv4 with options and a TCP
 * header with options in front of a payload. */
#define PBUF_HEADROOM 160

struct pbuf {
	struct pbuf *next; /* in a pbuf_queue */
	uint8_t *data;	   /* the packet: len bytes inside buf */
	size_t len;
	uint64_t trace_row; /* while it waits: the id of its row in the
			       trace (trace.h), 0 when none was kept */
	size_t size;	    /* bytes of buf */
	uint8_t buf[];
};

/* A pbuf of len bytes (uninitialised) after headroom bytes; NULL when
 * memory ran out. */
struct pbuf *pbuf_alloc(size_t headroom, size_t len);
/* A pbuf holding a copy of len bytes of data after headroom bytes. */
struct pbuf *pbuf_copy(const uint8_t *data, size_t len, size_t headroom);
/*
 * Makes the packet len bytes long, keeping its headroom and its bytes
 * (new ones are uninitialised). Returns the pbuf, which may have moved,
 * or NULL, leaving p as it was, when memory ran out.
 */
struct pbuf *pbuf_resize(struct pbuf *p, size_t len);
/*
 * Prepends n bytes (a header to fill in) and returns where they start;
 * NULL, changing nothing, when the headroom is too small.
 */
uint8_t *pbuf_push(struct pbuf *p, size_t n);
/* Drops n bytes (at most len) from the front. */
void pbuf_pull(struct pbuf *p, size_t n);
/* Cuts the packet to len bytes (no longer than it is). */
void pbuf_trim(struct pbuf *p, size_t len);
/* Bytes free in front of the packet. */
size_t pbuf_headroom(const struct pbuf *p);
void pbuf_free(struct pbuf *p);

/* A FIFO of pbufs, which it owns. */
struct pbuf_queue {
	struct pbuf *head;
	struct pbuf **tail;
	size_t count;
	size_t bytes;
};

void pbuf_queue_init(struct pbuf_queue *q);
void pbuf_queue_push(struct pbuf_queue *q, struct pbuf *p);
/* The oldest pbuf, now the caller's; NULL when the queue is empty. */
struct pbuf *pbuf_queue_pop(struct pbuf_queue *q);
/* Moves every pbuf of src into dst (whose own are dropped from view:
 * dst must be empty or uninitialised); src is left empty. */
void pbuf_queue_move(struct pbuf_queue *dst, struct pbuf_queue *src);
/* Frees every pbuf in the queue. */
void pbuf_queue_clear(struct pbuf_queue *q);

#endif
