/*
 * Fuzz target: the routing table and its DIR-24-8 index, driven by
 * additions, replacements, deletions and lookups, every answer checked
 * against a naive scan of the routes for the longest match.
 *
 * Input: a settings byte (bits 0-1: the index comes past 0, 2, 8 or 256
 * routes, as ROUTE_FIB_MIN), then records of 6 bytes: an operation byte,
 * an address (4 bytes, network order) and a length byte: 224..255 are
 * /0 to /31, any other value B is /(16 + B % 17) (a prefix shorter than
 * /16 rewrites from 512 to 8 million entries, so they come rarely, not to
 * slow the fuzzer down). Operation modulo 4: 0 and 1 add ADDRESS/LEN, 2 deletes
 * it, 3 replaces it (or adds it). After each record the address itself, the
 * prefix's first and last address and their neighbours are looked up; at
 * the end every route's edges, and the table must count and walk as many
 * routes as the naive list holds.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "route.h"

#define FZ_ROUTES 1024

struct fz_naive {
	uint32_t prefix[FZ_ROUTES];
	unsigned len[FZ_ROUTES];
	uint32_t gateway[FZ_ROUTES];
	int n;
};

static uint32_t
fz_mask(unsigned len)
{
	return len == 0 ? 0 : 0xffffffffu << (32 - len);
}

static int
fz_find(const struct fz_naive *nv, uint32_t prefix, unsigned len)
{
	for (int i = 0; i < nv->n; i++)
		if (nv->prefix[i] == prefix && nv->len[i] == len)
			return i;
	return -1;
}

static void
fz_check(const struct route_table *t, const struct fz_naive *nv, uint32_t addr)
{
	const struct route *r = route_lookup(t, addr);
	int best = -1;

	for (int i = 0; i < nv->n; i++)
		if (((addr ^ nv->prefix[i]) & fz_mask(nv->len[i])) == 0 &&
		    (best < 0 || nv->len[i] > nv->len[best]))
			best = i;
	if (best < 0 ? r != NULL
		     : !r || r->prefix != nv->prefix[best] ||
			   r->len != nv->len[best] ||
			   r->gateway != nv->gateway[best])
		__builtin_trap();
}

static void
fz_check_around(const struct route_table *t, const struct fz_naive *nv,
		uint32_t prefix, unsigned len)
{
	uint32_t last = prefix | ~fz_mask(len);

	fz_check(t, nv, prefix);
	fz_check(t, nv, prefix - 1);
	fz_check(t, nv, last);
	fz_check(t, nv, last + 1);
}

/* One record: the table and the naive list must agree on its outcome. */
static void
fz_op(struct route_table *t, struct fz_naive *nv, uint8_t op, uint32_t addr,
      unsigned len, uint32_t gateway)
{
	struct route r = {.prefix = addr & fz_mask(len),
			  .len = len,
			  .gateway = gateway,
			  .kind = ROUTE_static};
	int i = fz_find(nv, r.prefix, len), rc;

	switch (op % 4) {
	case 2:
		rc = route_del(t, addr, len);
		if ((rc == 0) != (i >= 0) || (rc < 0 && errno != ENOENT))
			__builtin_trap();
		if (i >= 0) {
			nv->n--;
			nv->prefix[i] = nv->prefix[nv->n];
			nv->len[i] = nv->len[nv->n];
			nv->gateway[i] = nv->gateway[nv->n];
		}
		return;
	case 3:
		if (i < 0 && nv->n == FZ_ROUTES)
			return;
		if (route_replace(t, &r) < 0)
			__builtin_trap();
		break;
	default:
		if (i < 0 && nv->n == FZ_ROUTES)
			return;
		rc = route_add(t, &r);
		if ((rc == 0) != (i < 0) || (rc < 0 && errno != EEXIST))
			__builtin_trap();
		if (i >= 0)
			return;
	}
	if (i < 0)
		i = nv->n++;
	nv->prefix[i] = r.prefix;
	nv->len[i] = len;
	nv->gateway[i] = gateway;
}

static int
fz_count(const struct route *r, void *arg)
{
	(void)r;
	++*(int *)arg;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const size_t fib_min[] = {0, 2, 8, ROUTE_FIB_MIN};
	static struct fz_naive nv;
	struct route_table *t;
	uint32_t gateway = 0;
	int walked = 0;

	if (size < 1)
		return 0;
	t = route_table_new();
	if (!t)
		return 0;
	route_table_set_fib_min(t, fib_min[data[0] & 3]);
	nv.n = 0;
	for (size_t at = 1; at + 6 <= size; at += 6) {
		const uint8_t *rec = data + at;
		uint32_t addr = (uint32_t)rec[1] << 24 |
				(uint32_t)rec[2] << 16 | (uint32_t)rec[3] << 8 |
				rec[4];
		unsigned len =
		    rec[5] >= 224 ? rec[5] - 224u : 16 + rec[5] % 17u;

		fz_op(t, &nv, rec[0], addr, len, ++gateway);
		fz_check(t, &nv, addr);
		fz_check_around(t, &nv, addr & fz_mask(len), len);
	}
	for (int i = 0; i < nv.n; i++)
		fz_check_around(t, &nv, nv.prefix[i], nv.len[i]);
	route_walk(t, fz_count, &walked);
	if (route_count(t) != (size_t)nv.n || walked != nv.n)
		__builtin_trap();
	route_table_free(t);
	return 0;
}
