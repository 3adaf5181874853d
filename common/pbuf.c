/* Packet buffers and their queues. */
#include "pbuf.h"

#include <stdlib.h>
#include <string.h>

struct pbuf *
pbuf_alloc(size_t headroom, size_t len)
{
	struct pbuf *p;

	if (headroom > SIZE_MAX / 2 || len > SIZE_MAX / 2)
		return NULL;
	p = malloc(sizeof(*p) + headroom + len);
	if (!p)
		return NULL;
	p->next = NULL;
	p->trace_row = 0;
	p->size = headroom + len;
	p->data = p->buf + headroom;
	p->len = len;
	return p;
}

struct pbuf *
pbuf_copy(const uint8_t *data, size_t len, size_t headroom)
{
	struct pbuf *p = pbuf_alloc(headroom, len);

	if (p && len)
		memcpy(p->data, data, len);
	return p;
}

struct pbuf *
pbuf_resize(struct pbuf *p, size_t len)
{
	size_t headroom = pbuf_headroom(p);
	struct pbuf *q;

	if (len > SIZE_MAX / 2)
		return NULL;
	q = realloc(p, sizeof(*q) + headroom + len);
	if (!q)
		return NULL;
	q->size = headroom + len;
	q->data = q->buf + headroom;
	q->len = len;
	return q;
}

uint8_t *
pbuf_push(struct pbuf *p, size_t n)
{
	if (n > pbuf_headroom(p))
		return NULL;
	p->data -= n;
	p->len += n;
	return p->data;
}

void
pbuf_pull(struct pbuf *p, size_t n)
{
	if (n > p->len)
		n = p->len;
	p->data += n;
	p->len -= n;
}

void
pbuf_trim(struct pbuf *p, size_t len)
{
	if (len < p->len)
		p->len = len;
}

size_t
pbuf_headroom(const struct pbuf *p)
{
	return (size_t)(p->data - p->buf);
}

void
pbuf_free(struct pbuf *p)
{
	free(p);
}

void
pbuf_queue_init(struct pbuf_queue *q)
{
	q->head = NULL;
	q->tail = &q->head;
	q->count = 0;
	q->bytes = 0;
}

void
pbuf_queue_push(struct pbuf_queue *q, struct pbuf *p)
{
	p->next = NULL;
	*q->tail = p;
	q->tail = &p->next;
	q->count++;
	q->bytes += p->len;
}

struct pbuf *
pbuf_queue_pop(struct pbuf_queue *q)
{
	struct pbuf *p = q->head;

	if (!p)
		return NULL;
	q->head = p->next;
	if (!q->head)
		q->tail = &q->head;
	p->next = NULL;
	q->count--;
	q->bytes -= p->len;
	return p;
}

void
pbuf_queue_move(struct pbuf_queue *dst, struct pbuf_queue *src)
{
	*dst = *src;
	if (!dst->head)
		dst->tail = &dst->head;
	pbuf_queue_init(src);
}

void
pbuf_queue_clear(struct pbuf_queue *q)
{
	struct pbuf *p;

	while ((p = pbuf_queue_pop(q)))
		pbuf_free(p);
}
