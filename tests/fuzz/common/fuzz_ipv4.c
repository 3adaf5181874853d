/*
 * Fuzz target: IPv4 header validation, fragmentation of whatever passes
 * it, and reassembly of the fragments. Every fragment must itself be valid
 * and fit the MTU, and a datagram cut up and put back together must come
 * out as it went in.
 *
 * The input is a byte of repairs (fuzz_pkt.h), a byte that chooses the
 * MTU (68 + 8 * value), and the datagram.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_pkt.h"
#include "ip_reass.h"
#include "ipv4.h"

struct fuzz_frags {
	unsigned mtu;
	bool cut;    /* the datagram did not fit: these are new fragments */
	size_t next; /* where the next new fragment must start */
	size_t end;  /* and where the last must end */
	bool more;   /* whether the last must say more follow */
	struct ip_reass reass;
	struct pbuf *whole; /* the reassembled datagram, once complete */
	unsigned n;
};

static int
check_fragment(const uint8_t *frag, size_t len, void *arg)
{
	struct fuzz_frags *f = arg;
	struct ipv4_pkt p;
	struct pbuf *out;

	if (ipv4_parse(frag, len, &p) != IPV4_ok || p.len != len ||
	    len > f->mtu)
		__builtin_trap();
	if (f->cut) {
		/* In order, without gaps, each but the last a multiple of 8
		 * bytes, the last where the datagram ended. */
		size_t off = (size_t)(p.frag & IPV4_OFFSET_MASK) * 8;
		bool more = p.frag & IPV4_FLAG_MF;

		if (off != f->next || off + p.payload_len > f->end ||
		    (off + p.payload_len < f->end &&
		     (!more || p.payload_len % 8)) ||
		    (off + p.payload_len == f->end && more != f->more))
			__builtin_trap();
		f->next = off + p.payload_len;
	}
	f->n++;
	if (!ipv4_is_fragment(&p))
		return 0;
	if (ip_reass_input(&f->reass, &p, 0, &out) == 1) {
		if (f->whole)
			__builtin_trap();
		f->whole = out;
	}
	return 0;
}

/* The reassembled datagram is the original: header fields and payload. */
static void
check_whole(const struct ipv4_pkt *p, const struct fuzz_frags *f)
{
	struct ipv4_pkt q;

	if (!f->whole)
		__builtin_trap();
	if (ipv4_parse(f->whole->data, f->whole->len, &q) != IPV4_ok ||
	    q.len != p->len || q.hdr_len != p->hdr_len ||
	    memcmp(q.data, p->data, 2) != 0 ||
	    memcmp(q.data + 4, p->data + 4, 2) != 0 ||
	    memcmp(q.data + 8, p->data + 8, 2) != 0 ||
	    memcmp(q.data + 12, p->data + 12, p->hdr_len - 12) != 0 ||
	    memcmp(q.payload, p->payload, p->payload_len) != 0)
		__builtin_trap();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_frags f = {0};
	struct ipv4_pkt p;
	uint8_t *buf;
	int rc;

	if (size < 2)
		return 0;
	buf = malloc(size - 2 ? size - 2 : 1);
	if (!buf)
		return 0;
	memcpy(buf, data + 2, size - 2);
	fuzz_fix_ipv4(buf, size - 2, data[0]);
	f.mtu = IPV4_MIN_MTU + 8u * data[1];
	if (ipv4_parse(buf, size - 2, &p) != IPV4_ok) {
		free(buf);
		return 0;
	}
	if (p.hdr_len < IPV4_HDR_LEN || p.len > size - 2 ||
	    p.payload + p.payload_len != buf + p.len)
		__builtin_trap();
	f.cut = p.len > f.mtu;
	f.next = (size_t)(p.frag & IPV4_OFFSET_MASK) * 8;
	f.end = f.next + p.payload_len;
	f.more = p.frag & IPV4_FLAG_MF;
	ip_reass_init(&f.reass);
	rc = ipv4_fragment(&p, f.mtu, check_fragment, &f);
	if (rc == 0 && f.cut && f.next != f.end)
		__builtin_trap();
	if (rc == 0 && f.n > 1 && !ipv4_is_fragment(&p))
		check_whole(&p, &f);
	if (rc < 0 && f.n > 0)
		__builtin_trap();
	if (f.whole)
		pbuf_free(f.whole);
	ip_reass_destroy(&f.reass);
	free(buf);
	return 0;
}
