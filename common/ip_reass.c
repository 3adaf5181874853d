/* IPv4 reassembly: RFC 791 section 3.2, with RFC 815's bookkeeping. */
#include "ip_reass.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "checksum.h"

#define IP_REASS_BLOCKS (IP_REASS_DATAGRAM_MAX / 8 + 1)
#define IP_REASS_BITMAP_LEN ((IP_REASS_BLOCKS + 7) / 8)

#define IP_REASS_STAT_NAME(name) #name,
const char *const ip_reass_stat_names[IP_REASS_STAT_COUNT] = {
    IP_REASS_COUNTERS(IP_REASS_STAT_NAME)};

void
ip_reass_init(struct ip_reass *r)
{
	memset(r, 0, sizeof(*r));
	r->max_datagrams = IP_REASS_MAX_DATAGRAMS;
	r->max_bytes = IP_REASS_MAX_BYTES;
	r->timeout = IP_REASS_TIMEOUT;
}

static size_t
ip_reass_cost(const struct ip_reass_dgram *d)
{
	return sizeof(*d) + IP_REASS_BITMAP_LEN + d->cap;
}

/* Unlinks d (pp points at the link to it) and frees it. */
static void
ip_reass_free(struct ip_reass *r, struct ip_reass_dgram **pp)
{
	struct ip_reass_dgram *d = *pp;

	*pp = d->next;
	r->count--;
	r->bytes -= ip_reass_cost(d);
	if (d->data)
		pbuf_free(d->data);
	free(d->blocks);
	free(d);
}

void
ip_reass_destroy(struct ip_reass *r)
{
	while (r->list)
		ip_reass_free(r, &r->list);
}

/* Tells the owner about a datagram that never came whole. */
static void
ip_reass_timed_out(struct ip_reass *r, const struct ip_reass_dgram *d)
{
	const struct ipv4_hdr *ip = (const struct ipv4_hdr *)d->head;
	struct ipv4_pkt first = {
	    .data = d->head,
	    .len = d->head_len,
	    .hdr_len = (size_t)(d->head[0] & 0x0f) * 4,
	    .tos = ip->tos,
	    .id = ntohs(ip->id),
	    .ttl = ip->ttl,
	    .proto = ip->proto,
	    .src = ntohl(ip->src),
	    .dst = ntohl(ip->dst),
	};

	/* The head was stored from a fragment ipv4_parse had validated. */
	first.payload = d->head + first.hdr_len;
	first.payload_len = d->head_len - first.hdr_len;
	r->on_timeout(&first, r->arg);
}

void
ip_reass_expire(struct ip_reass *r, double now)
{
	struct ip_reass_dgram **pp = &r->list;

	while (*pp) {
		struct ip_reass_dgram *d = *pp;

		if (d->deadline > now) {
			pp = &d->next;
			continue;
		}
		r->stats[IP_REASS_reass_timeout]++;
		if (d->head_len && r->on_timeout)
			ip_reass_timed_out(r, d);
		ip_reass_free(r, pp);
	}
}

/* Evicts the oldest datagram other than keep; 0 when there was none. */
static int
ip_reass_evict(struct ip_reass *r, const struct ip_reass_dgram *keep)
{
	struct ip_reass_dgram **pp = &r->list;

	while (*pp && *pp == keep)
		pp = &(*pp)->next;
	if (!*pp)
		return 0;
	r->stats[IP_REASS_reass_evicted]++;
	ip_reass_free(r, pp);
	return 1;
}

static struct ip_reass_dgram **
ip_reass_find(struct ip_reass *r, const struct ipv4_pkt *pkt)
{
	struct ip_reass_dgram **pp;

	for (pp = &r->list; *pp; pp = &(*pp)->next) {
		struct ip_reass_dgram *d = *pp;

		if (d->src == pkt->src && d->dst == pkt->dst &&
		    d->id == pkt->id && d->proto == pkt->proto)
			return pp;
	}
	return NULL;
}

static struct ip_reass_dgram *
ip_reass_new(struct ip_reass *r, const struct ipv4_pkt *pkt, double now)
{
	struct ip_reass_dgram *d, **tail;

	while (r->count >= r->max_datagrams && ip_reass_evict(r, NULL))
		;
	d = calloc(1, sizeof(*d));
	if (!d || !(d->blocks = calloc(1, IP_REASS_BITMAP_LEN))) {
		free(d);
		return NULL;
	}
	d->src = pkt->src;
	d->dst = pkt->dst;
	d->id = pkt->id;
	d->proto = pkt->proto;
	d->deadline = now + r->timeout;
	for (tail = &r->list; *tail; tail = &(*tail)->next)
		;
	*tail = d;
	r->count++;
	r->bytes += ip_reass_cost(d);
	return d;
}

/* Makes room for end bytes of payload within the memory bound. */
static int
ip_reass_grow(struct ip_reass *r, struct ip_reass_dgram *d, size_t end)
{
	size_t cap = d->cap ? d->cap : 2048;
	struct pbuf *data;

	if (end <= d->cap)
		return 0;
	while (cap < end)
		cap *= 2;
	if (cap > IP_REASS_DATAGRAM_MAX)
		cap = IP_REASS_DATAGRAM_MAX;
	while (r->bytes + (cap - d->cap) > r->max_bytes)
		if (!ip_reass_evict(r, d))
			return -1;
	/* Room in front for the header it gets when whole, and for the
	 * headers below it if it is sent on. */
	data = d->data ? pbuf_resize(d->data, cap)
		       : pbuf_alloc(PBUF_HEADROOM + IPV4_HDR_MAX, cap);
	if (!data)
		return -1;
	r->bytes += cap - d->cap;
	d->data = data;
	d->cap = cap;
	return 0;
}

/* Marks blocks [first, last] received; -1 if any already was. */
static int
ip_reass_mark(struct ip_reass_dgram *d, size_t first, size_t last)
{
	for (size_t b = first; b <= last; b++)
		if (d->blocks[b / 8] & (1u << (b % 8)))
			return -1;
	for (size_t b = first; b <= last; b++)
		d->blocks[b / 8] |= (uint8_t)(1u << (b % 8));
	return 0;
}

/* The whole datagram of a complete d, taken from it, with a header fixed
 * for it in front of the data. */
static struct pbuf *
ip_reass_build(struct ip_reass_dgram *d)
{
	struct pbuf *p = d->data;
	struct ipv4_hdr *h;

	d->data = NULL;
	pbuf_trim(p, d->total);
	h = (struct ipv4_hdr *)pbuf_push(p, d->hdr_len);
	memcpy(h, d->hdr, d->hdr_len);
	h->total_len = htons((uint16_t)p->len);
	h->frag = 0;
	h->check = 0;
	h->check = htons(checksum((const uint8_t *)h, d->hdr_len));
	return p;
}

/* Checks the fragment's place in its datagram; -1 with a counted reason. */
static int
ip_reass_check(struct ip_reass *r, const struct ipv4_pkt *pkt, size_t off,
	       int more)
{
	size_t end = off + pkt->payload_len;

	if (pkt->payload_len == 0 || (more && pkt->payload_len % 8)) {
		r->stats[IP_REASS_reass_bad_fragment]++;
		return -1;
	}
	if (pkt->hdr_len + end > IP_REASS_DATAGRAM_MAX) {
		r->stats[IP_REASS_reass_too_long]++;
		return -1;
	}
	return 0;
}

/* Records the fragment in d; -1 when d must be dropped. */
static int
ip_reass_add(struct ip_reass *r, struct ip_reass_dgram *d,
	     const struct ipv4_pkt *pkt, size_t off, int more)
{
	size_t end = off + pkt->payload_len;

	if ((d->total && end > d->total) ||
	    (!more && (d->total || end < d->received))) {
		r->stats[IP_REASS_reass_overlap]++;
		return -1;
	}
	if (ip_reass_mark(d, off / 8, (end - 1) / 8) < 0) {
		r->stats[IP_REASS_reass_overlap]++;
		return -1;
	}
	if (ip_reass_grow(r, d, end) < 0) {
		r->stats[IP_REASS_reass_no_memory]++;
		return -1;
	}
	memcpy(d->data->data + off, pkt->payload, pkt->payload_len);
	d->received += pkt->payload_len;
	if (!more)
		d->total = end;
	if (off == 0) {
		d->hdr_len = pkt->hdr_len;
		memcpy(d->hdr, pkt->data, pkt->hdr_len);
		d->head_len = pkt->hdr_len +
			      (pkt->payload_len < 8 ? pkt->payload_len : 8);
		memcpy(d->head, pkt->data, d->head_len);
	}
	return 0;
}

int
ip_reass_input(struct ip_reass *r, const struct ipv4_pkt *pkt, double now,
	       struct pbuf **out)
{
	size_t off = (size_t)(pkt->frag & IPV4_OFFSET_MASK) * 8;
	int more = (pkt->frag & IPV4_FLAG_MF) != 0;
	struct ip_reass_dgram **pp, *d;

	r->stats[IP_REASS_reass_fragments]++;
	if (ip_reass_check(r, pkt, off, more) < 0)
		return -1;
	pp = ip_reass_find(r, pkt);
	d = pp ? *pp : ip_reass_new(r, pkt, now);
	if (!d) {
		r->stats[IP_REASS_reass_no_memory]++;
		return -1;
	}
	if (ip_reass_add(r, d, pkt, off, more) < 0) {
		/* The list may have changed while making room: find d anew. */
		pp = ip_reass_find(r, pkt);
		if (pp)
			ip_reass_free(r, pp);
		return -1;
	}
	if (!d->total || d->received != d->total || !d->hdr_len)
		return 0;
	*out = ip_reass_build(d);
	ip_reass_free(r, ip_reass_find(r, pkt));
	r->stats[IP_REASS_reass_ok]++;
	return 1;
}
