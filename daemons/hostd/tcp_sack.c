/*
 * Selective acknowledgment (RFC 2018) on both sides, and SACK-based loss
 * recovery (RFC 6675).
 *
 * Receiver: data beyond rcv_nxt is written straight into its place in the
 * receive ring, past what is readable (the window never offers more than
 * the ring has free), and the ranges received are kept; when a hole
 * fills, the ring grows over them. The SACK blocks are those ranges, the
 * one received last first.
 *
 * Sender: every segment in flight carries flags (SACKed, lost,
 * retransmitted) from which the pipe and IsLost() follow.
 */
#include "tcp.h"

#include <string.h>

/* Writes len bytes of data at seq (within the window) into the ring. */
static void
tcp_ring_place(struct tcp_conn *c, uint32_t seq, const uint8_t *data,
	       size_t len)
{
	struct tcp_ring *r = &c->rcv;
	size_t pos = (r->head + r->len + (seq - c->rcv_nxt)) % r->size;

	while (len > 0) {
		size_t chunk = r->size - pos;

		if (chunk > len)
			chunk = len;
		memcpy(r->buf + pos, data, chunk);
		data += chunk;
		len -= chunk;
		pos = 0;
	}
}

/* Adds [s, e) to the ranges received out of order, merging; false when
 * there is no room for another range. */
static bool
tcp_ooo_add(struct tcp_conn *c, uint32_t s, uint32_t e)
{
	int i = 0, j;

	while (i < c->nooo && SEQ_LT(c->ooo[i][1], s))
		i++;
	/* Ranges i..j-1 touch [s, e): they merge into one. */
	for (j = i; j < c->nooo && SEQ_LEQ(c->ooo[j][0], e); j++) {
		if (SEQ_LT(c->ooo[j][0], s))
			s = c->ooo[j][0];
		if (SEQ_GT(c->ooo[j][1], e))
			e = c->ooo[j][1];
	}
	if (j == i) {
		if (c->nooo == TCP_OOO_RANGES)
			return false;
		memmove(&c->ooo[i + 1], &c->ooo[i],
			(size_t)(c->nooo - i) * sizeof(c->ooo[0]));
		c->nooo++;
	} else if (j > i + 1) {
		memmove(&c->ooo[i + 1], &c->ooo[j],
			(size_t)(c->nooo - j) * sizeof(c->ooo[0]));
		c->nooo -= j - i - 1;
	}
	c->ooo[i][0] = s;
	c->ooo[i][1] = e;
	return true;
}

size_t
tcp_rcv_data(struct tcp_conn *c, uint32_t seq, const uint8_t *data, size_t len)
{
	size_t readable = 0;

	if (len == 0)
		return 0;
	if (seq != c->rcv_nxt) {
		if (!tcp_ooo_add(c, seq, seq + (uint32_t)len)) {
			c->stack->stats[STAT_ooo_dropped]++;
			return 0;
		}
		tcp_ring_place(c, seq, data, len);
		c->sack_recent = seq;
		c->stack->stats[STAT_ooo_segs]++;
		return 0;
	}
	tcp_ring_place(c, seq, data, len);
	c->rcv.len += len;
	c->rcv_nxt += (uint32_t)len;
	readable = len;
	/* The holes this filled: what waited behind them is readable. */
	while (c->nooo > 0 && SEQ_LEQ(c->ooo[0][0], c->rcv_nxt)) {
		if (SEQ_GT(c->ooo[0][1], c->rcv_nxt)) {
			uint32_t more = c->ooo[0][1] - c->rcv_nxt;

			c->rcv.len += more;
			c->rcv_nxt += more;
			readable += more;
		}
		memmove(&c->ooo[0], &c->ooo[1],
			(size_t)(c->nooo - 1) * sizeof(c->ooo[0]));
		c->nooo--;
	}
	return readable;
}

int
tcp_sack_blocks(const struct tcp_conn *c, uint32_t blocks[][2], int max)
{
	int n = 0, recent = -1;

	for (int i = 0; i < c->nooo; i++)
		if (SEQ_LEQ(c->ooo[i][0], c->sack_recent) &&
		    SEQ_LT(c->sack_recent, c->ooo[i][1]))
			recent = i;
	if (recent >= 0 && n < max) {
		blocks[n][0] = c->ooo[recent][0];
		blocks[n][1] = c->ooo[recent][1];
		n++;
	}
	for (int i = 0; i < c->nooo && n < max; i++) {
		if (i == recent)
			continue;
		blocks[n][0] = c->ooo[i][0];
		blocks[n][1] = c->ooo[i][1];
		n++;
	}
	return n;
}

uint32_t
tcp_sack_mark(struct tcp_conn *c, const struct tcp_opts *o)
{
	uint32_t newly = 0;

	for (int b = 0; b < o->nsack; b++) {
		uint32_t s = o->sack[b][0], e = o->sack[b][1];

		/* Only blocks inside what is outstanding mean anything
		 * (RFC 2018 3; RFC 6675 leaves the rest alone). */
		if (!SEQ_LT(s, e) || SEQ_LEQ(s, c->snd_una) ||
		    SEQ_GT(e, c->snd_max))
			continue;
		for (size_t i = 0; i < c->sent_len; i++) {
			struct tcp_sent *x = tcp_sent_at(c, i);

			if (x->sacked || SEQ_LT(x->seq, s) ||
			    SEQ_GT(x->seq + x->len, e))
				continue;
			x->sacked = 1;
			newly += x->len;
		}
	}
	return newly;
}

uint32_t
tcp_pipe(const struct tcp_conn *c)
{
	uint32_t pipe = 0;

	/* RFC 6675 SetPipe(): a byte counts once if not thought lost, and
	 * once more if it was retransmitted. */
	for (size_t i = 0; i < c->sent_len; i++) {
		const struct tcp_sent *x = tcp_sent_at(c, i);

		if (x->sacked)
			continue;
		if (!x->lost)
			pipe += x->len;
		if (x->retrans)
			pipe += x->len;
	}
	return pipe;
}

bool
tcp_sack_detect_loss(struct tcp_conn *c)
{
	uint32_t sacked_segs = 0, sacked_bytes = 0;
	bool any = false;

	/* RFC 6675 IsLost(): DupThresh (3) SACKed segments above, or more
	 * than (DupThresh - 1) segments' worth of SACKed bytes. */
	for (size_t i = c->sent_len; i-- > 0;) {
		struct tcp_sent *x = tcp_sent_at(c, i);

		if (x->sacked) {
			sacked_segs++;
			sacked_bytes += x->len;
			continue;
		}
		if (!x->lost &&
		    (sacked_segs >= 3 || sacked_bytes > 2u * c->mss)) {
			x->lost = 1;
			any = true;
		}
	}
	return any;
}
