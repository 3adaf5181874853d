/*
 * The DIR-24-8 index behind route_lookup: edge cases of prefix lengths
 * around its /24 split, extension tables given back, the index built and
 * dropped as the table grows and shrinks, and random sequences of
 * additions and deletions checked against a naive scan after every one.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fib.h"
#include "ipv4.h"
#include "route.h"

#define NAIVE_MAX 4096

/* The routes as a list; the longest match by scanning them all. */
struct naive {
	uint32_t prefix[NAIVE_MAX];
	unsigned len[NAIVE_MAX];
	uint32_t gw[NAIVE_MAX];
	int n;
};

static int
naive_lookup(const struct naive *nv, uint32_t addr)
{
	int best = -1;

	for (int i = 0; i < nv->n; i++)
		if (((addr ^ nv->prefix[i]) & ipv4_mask(nv->len[i])) == 0 &&
		    (best < 0 || nv->len[i] > nv->len[best]))
			best = i;
	return best;
}

static void
check_addr(const struct route_table *t, const struct naive *nv, uint32_t addr)
{
	const struct route *got = route_lookup(t, addr);
	int best = naive_lookup(nv, addr);

	if (best < 0) {
		assert_null(got);
		return;
	}
	assert_non_null(got);
	assert_int_equal(got->gateway, nv->gw[best]);
	assert_int_equal(got->len, nv->len[best]);
}

/* The edges of prefix/len and just past them, and some addresses inside. */
static void
check_around(const struct route_table *t, const struct naive *nv,
	     uint32_t prefix, unsigned len)
{
	uint32_t last = prefix | ~ipv4_mask(len);

	check_addr(t, nv, prefix);
	check_addr(t, nv, last);
	check_addr(t, nv, prefix - 1);
	check_addr(t, nv, last + 1);
	for (int k = 0; k < 8; k++)
		check_addr(t, nv,
			   prefix | ((uint32_t)random() & ~ipv4_mask(len)));
}

static void
naive_add(struct route_table *t, struct naive *nv, uint32_t prefix,
	  unsigned len, uint32_t gw)
{
	struct route r = {
	    .prefix = prefix, .len = len, .gateway = gw, .kind = ROUTE_static};

	assert_int_equal(route_add(t, &r), 0);
	nv->prefix[nv->n] = prefix & ipv4_mask(len);
	nv->len[nv->n] = len;
	nv->gw[nv->n++] = gw;
}

static void
naive_del(struct route_table *t, struct naive *nv, int i)
{
	assert_int_equal(route_del(t, nv->prefix[i], nv->len[i]), 0);
	nv->n--;
	nv->prefix[i] = nv->prefix[nv->n];
	nv->len[i] = nv->len[nv->n];
	nv->gw[i] = nv->gw[nv->n];
}

static void
naive_del_prefix(struct route_table *t, struct naive *nv, uint32_t prefix,
		 unsigned len)
{
	for (int i = 0; i < nv->n; i++)
		if (nv->prefix[i] == prefix && nv->len[i] == len) {
			naive_del(t, nv, i);
			return;
		}
	fail();
}

static struct route_table *
fib_table(void)
{
	struct route_table *t = route_table_new();

	assert_non_null(t);
	route_table_set_fib_min(t, 0);
	return t;
}

static void
test_edges(void **state)
{
	static struct naive nv;
	struct route_table *t = fib_table();
	/* Nested around 10.1.2.0/24: what each deletion must restore. */
	static const struct {
		uint32_t prefix;
		unsigned len;
	} nest[] = {{0, 0},	      {0x0a000000, 8},	{0x0a010000, 16},
		    {0x0a010200, 23}, {0x0a010200, 24}, {0x0a010200, 25},
		    {0x0a010240, 26}, {0x0a010241, 32}, {0x0a0102ff, 32},
		    {0x0a010300, 24}, {0x0a010380, 25}, {0xffffffff, 32},
		    {0x00000000, 32}, {0x80000000, 1}};
	size_t count = sizeof(nest) / sizeof(nest[0]);

	(void)state;
	memset(&nv, 0, sizeof(nv));
	assert_null(route_lookup(t, 0x0a010203));
	for (size_t i = 0; i < count; i++) {
		naive_add(t, &nv, nest[i].prefix, nest[i].len, 100 + i);
		for (size_t j = 0; j <= i; j++)
			check_around(t, &nv, nest[j].prefix, nest[j].len);
	}
	/* Deleting from the middle out hands each range to the next
	 * longest prefix that holds it. */
	while (nv.n > 0) {
		int i = (int)(random() % nv.n);
		uint32_t prefix = nv.prefix[i];
		unsigned len = nv.len[i];

		naive_del(t, &nv, i);
		check_around(t, &nv, prefix, len);
		for (int j = 0; j < nv.n; j++)
			check_around(t, &nv, nv.prefix[j], nv.len[j]);
	}
	assert_null(route_lookup(t, 0x0a010241));
	assert_int_equal(route_fib_tbl8(t), 0);
	route_table_free(t);
}

/* Extension tables exist only for /24s that hold a longer prefix. */
static void
test_tbl8_given_back(void **state)
{
	static struct naive nv;
	struct route_table *t = fib_table();
	size_t empty;

	(void)state;
	memset(&nv, 0, sizeof(nv));
	naive_add(t, &nv, 0x0a000000, 8, 1);
	empty = route_fib_bytes(t);
	assert_true(empty > 0);
	assert_int_equal(route_fib_tbl8(t), 0);
	naive_add(t, &nv, 0x0a010280, 25, 2);
	assert_int_equal(route_fib_tbl8(t), 1);
	naive_add(t, &nv, 0x0a0102c0, 26, 3);
	naive_add(t, &nv, 0x0a010200, 24, 4);
	assert_int_equal(route_fib_tbl8(t), 1);
	naive_add(t, &nv, 0x0a010301, 32, 5);
	assert_int_equal(route_fib_tbl8(t), 2);
	assert_true(route_fib_bytes(t) > empty);
	check_around(t, &nv, 0x0a010200, 23);

	naive_del_prefix(t, &nv, 0x0a010280, 25);
	assert_int_equal(route_fib_tbl8(t), 2);
	check_around(t, &nv, 0x0a010200, 24);
	naive_del_prefix(t, &nv, 0x0a010301, 32);
	assert_int_equal(route_fib_tbl8(t), 1);
	naive_del_prefix(t, &nv, 0x0a0102c0, 26);
	assert_int_equal(route_fib_tbl8(t), 0);
	/* The /24 and the /8 are back in the /24 table. */
	check_around(t, &nv, 0x0a010200, 23);
	assert_int_equal(route_lookup(t, 0x0a0102c1)->gateway, 4);
	assert_int_equal(route_lookup(t, 0x0a010301)->gateway, 1);
	assert_true(route_fib_bytes(t) < empty + 4096 * 2);
	route_table_free(t);
}

static void
test_default_and_replace(void **state)
{
	struct route_table *t = fib_table();
	struct route r = {.prefix = 0xc0000200, .len = 24, .gateway = 7};
	size_t bytes;

	(void)state;
	assert_int_equal(route_add(t, &r), 0);
	bytes = route_fib_bytes(t);
	/* A default route is slot 0: no page of the index is written. */
	r = (struct route){.prefix = 0, .len = 0, .gateway = 9};
	assert_int_equal(route_add(t, &r), 0);
	assert_int_equal(route_fib_bytes(t), bytes);
	assert_int_equal(route_lookup(t, 0x01020304)->gateway, 9);
	assert_int_equal(route_lookup(t, 0xc0000201)->gateway, 7);
	r = (struct route){.prefix = 0xc0000200, .len = 24, .gateway = 7};
	r.gateway = 8;
	assert_int_equal(route_add(t, &r), -1);
	assert_int_equal(errno, EEXIST);
	assert_int_equal(route_replace(t, &r), 0);
	assert_int_equal(route_lookup(t, 0xc0000201)->gateway, 8);
	assert_int_equal(route_count(t), 2);
	r = (struct route){.prefix = 0xc0000280, .len = 25, .gateway = 6};
	assert_int_equal(route_replace(t, &r), 0); /* none: added */
	assert_int_equal(route_lookup(t, 0xc0000281)->gateway, 6);
	assert_int_equal(route_del(t, 0, 0), 0);
	assert_null(route_lookup(t, 0x01020304));
	assert_int_equal(route_lookup(t, 0xc0000201)->gateway, 8);
	r = (struct route){.prefix = 0, .len = 0, .gateway = 5};
	assert_int_equal(route_replace(t, &r), 0);
	assert_int_equal(route_lookup(t, 0x01020304)->gateway, 5);
	route_table_free(t);
}

/* The index comes past fib_min routes and goes below half of it; the
 * answers stay the same throughout. */
static void
test_built_and_dropped(void **state)
{
	static struct naive nv;
	struct route_table *t = route_table_new();

	(void)state;
	memset(&nv, 0, sizeof(nv));
	route_table_set_fib_min(t, 16);
	for (uint32_t i = 0; i < 16; i++)
		naive_add(t, &nv, 0x0a000000 | i << 12, 20 + i % 13, i + 1);
	assert_int_equal(route_fib_bytes(t), 0);
	naive_add(t, &nv, 0x0b000000, 8, 99);
	assert_true(route_fib_bytes(t) > 0);
	for (int i = 0; i < nv.n; i++)
		check_around(t, &nv, nv.prefix[i], nv.len[i]);
	while (nv.n > 8)
		naive_del(t, &nv, 0);
	assert_true(route_fib_bytes(t) > 0);
	naive_del(t, &nv, 0);
	assert_int_equal(route_fib_bytes(t), 0);
	for (int i = 0; i < nv.n; i++)
		check_around(t, &nv, nv.prefix[i], nv.len[i]);
	route_table_set_fib_min(t, 0);
	assert_true(route_fib_bytes(t) > 0);
	for (int i = 0; i < nv.n; i++)
		check_around(t, &nv, nv.prefix[i], nv.len[i]);
	route_table_free(t);
}

/* A random prefix from a small part of the space, so that they nest. */
static void
random_prefix(uint32_t *prefix, unsigned *len)
{
	static const unsigned lens[] = {0,  8,	12, 16, 20, 22, 23, 24, 24,
					24, 24, 25, 26, 28, 30, 31, 32};

	*len = random() % 4 == 0
		   ? (unsigned)(random() % 33)
		   : lens[random() % (sizeof(lens) / sizeof(lens[0]))];
	*prefix = (0x0a000000 | ((uint32_t)random() & 0x0003ffff) << 6) &
		  ipv4_mask(*len);
}

static void
test_random_sequences(void **state)
{
	static struct naive nv;

	(void)state;
	for (unsigned seed = 1; seed <= 4; seed++) {
		struct route_table *t = fib_table();
		uint32_t gw = 1;

		srandom(seed);
		memset(&nv, 0, sizeof(nv));
		for (int step = 0; step < 3000; step++) {
			uint32_t prefix;
			unsigned len;

			if (nv.n > 0 && random() % 5 < 2) {
				int i = (int)(random() % nv.n);

				prefix = nv.prefix[i];
				len = nv.len[i];
				naive_del(t, &nv, i);
			} else {
				random_prefix(&prefix, &len);
				if (route_get(t, prefix, len))
					continue;
				naive_add(t, &nv, prefix, len, gw++);
			}
			check_around(t, &nv, prefix, len);
			for (int k = 0; k < 8; k++)
				check_addr(t, &nv,
					   0x0a000000 | ((uint32_t)random() &
							 0x00ffffff));
		}
		assert_int_equal(route_count(t), (size_t)nv.n);
		while (nv.n > 0)
			naive_del(t, &nv, 0);
		assert_int_equal(route_fib_tbl8(t), 0);
		route_table_free(t);
	}
}

static void
test_fib_bad_args(void **state)
{
	struct fib *f = fib_new();

	(void)state;
	assert_non_null(f);
	assert_int_equal(fib_add(f, 0, 0, 1), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(fib_add(f, 0, 33, 1), -1);
	assert_int_equal(fib_add(f, 0x0a000000, 8, 0), -1);
	assert_int_equal(fib_add(f, 0x0a000000, 8, FIB_VALUE_MAX + 1), -1);
	assert_int_equal(fib_add(f, 0x0a000000, 8, FIB_VALUE_MAX), 0);
	assert_int_equal(fib_lookup(f, 0x0affffff), FIB_VALUE_MAX);
	assert_int_equal(fib_lookup(f, 0x0b000000), 0);
	fib_free(f);
}

/* More routes than one chunk of slots holds (65536): the second chunk,
 * slots given back and taken again. */
static void
test_many_routes(void **state)
{
	struct route_table *t = route_table_new();
	const uint32_t n = 70000;
	struct route r = {.len = 24, .kind = ROUTE_static};

	(void)state;
	for (uint32_t i = 0; i < n; i++) {
		r.prefix = 0x0b000000 + (i << 8);
		r.gateway = i + 1;
		assert_int_equal(route_add(t, &r), 0);
	}
	for (uint32_t i = 0; i < n; i += 2)
		assert_int_equal(route_del(t, 0x0b000000 + (i << 8), 24), 0);
	for (uint32_t i = 0; i < n; i += 2) {
		r.prefix = 0x0b000000 + (i << 8);
		r.gateway = n + i;
		assert_int_equal(route_add(t, &r), 0);
	}
	assert_int_equal(route_count(t), n);
	for (uint32_t i = 0; i < n; i++)
		assert_int_equal(
		    route_lookup(t, 0x0b000000 + (i << 8) + 77)->gateway,
		    i % 2 ? i + 1 : n + i);
	assert_null(route_lookup(t, 0x0b000000 + (n << 8)));
	assert_true(route_bytes(t) > 2 * 65536 * sizeof(struct route));
	route_table_free(t);
}

/* Past half its pages written, the /24 table is counted whole (it goes on
 * 2 MiB pages), and answers the same. */
static void
test_fib_hugepages(void **state)
{
	struct fib *f = fib_new();
	size_t small;

	(void)state;
	assert_non_null(f);
	assert_int_equal(fib_add(f, 0x40000000, 2, 1), 0);
	small = fib_bytes(f);
	assert_true(small >= ((size_t)16 << 20) && small < ((size_t)17 << 20));
	assert_int_equal(fib_add(f, 0x80000000, 2, 2), 0);
	assert_true(fib_bytes(f) >= ((size_t)64 << 20));
	assert_int_equal(fib_lookup(f, 0x7fffffff), 1);
	assert_int_equal(fib_lookup(f, 0x80000000), 2);
	assert_int_equal(fib_lookup(f, 0x3fffffff), 0);
	fib_del(f, 0x80000000, 2, 2, 0, 0);
	assert_int_equal(fib_lookup(f, 0x80000000), 0);
	fib_free(f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_edges),
	    cmocka_unit_test(test_tbl8_given_back),
	    cmocka_unit_test(test_default_and_replace),
	    cmocka_unit_test(test_built_and_dropped),
	    cmocka_unit_test(test_random_sequences),
	    cmocka_unit_test(test_fib_bad_args),
	    cmocka_unit_test(test_fib_hugepages),
	    cmocka_unit_test(test_many_routes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
