/*
 * Longest-prefix match: every lookup in random tables is checked against
 * a naive scan for the longest matching prefix.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ipv4.h"
#include "route.h"

static struct route
rt(uint32_t prefix, unsigned len, uint32_t gateway)
{
	return (struct route){.prefix = prefix,
			      .len = len,
			      .gateway = gateway,
			      .kind = ROUTE_static};
}

static void
test_basic(void **state)
{
	struct route_table *t = route_table_new();
	struct route r;

	(void)state;
	assert_null(route_lookup(t, 0x0a000001));
	r = rt(0x0a000000, 8, 1);
	assert_int_equal(route_add(t, &r), 0);
	r = rt(0x0a010000, 16, 2);
	assert_int_equal(route_add(t, &r), 0);
	r = rt(0, 0, 3);
	assert_int_equal(route_add(t, &r), 0);
	/* Host bits of the prefix are cleared. */
	r = rt(0x0a010203, 24, 4);
	assert_int_equal(route_add(t, &r), 0);
	assert_int_equal(route_get(t, 0x0a010200, 24)->gateway, 4);
	r = rt(0x0a010200, 24, 5);
	assert_int_equal(route_add(t, &r), -1);
	assert_int_equal(errno, EEXIST);
	assert_int_equal(route_count(t), 4);

	assert_int_equal(route_lookup(t, 0x0a010203)->gateway, 4);
	assert_int_equal(route_lookup(t, 0x0a010303)->gateway, 2);
	assert_int_equal(route_lookup(t, 0x0a020303)->gateway, 1);
	assert_int_equal(route_lookup(t, 0xc0000201)->gateway, 3);

	assert_int_equal(route_del(t, 0x0a010000, 16), 0);
	assert_int_equal(route_lookup(t, 0x0a010303)->gateway, 1);
	assert_int_equal(route_del(t, 0x0a010000, 16), -1);
	assert_int_equal(errno, ENOENT);
	assert_int_equal(route_del(t, 0, 0), 0);
	assert_null(route_lookup(t, 0xc0000201));
	assert_int_equal(route_count(t), 2);
	route_table_free(t);
}

static void
test_host_routes(void **state)
{
	struct route_table *t = route_table_new();
	struct route r = rt(0xc0a80001, 32, 7);

	(void)state;
	assert_int_equal(route_add(t, &r), 0);
	r = rt(0xc0a80000, 31, 8);
	assert_int_equal(route_add(t, &r), 0);
	assert_int_equal(route_lookup(t, 0xc0a80001)->gateway, 7);
	assert_int_equal(route_lookup(t, 0xc0a80000)->gateway, 8);
	assert_null(route_lookup(t, 0xc0a80002));
	route_table_free(t);
}

struct naive {
	uint32_t prefix[4096];
	unsigned len[4096];
	uint32_t gw[4096];
	bool live[4096];
	int n;
};

/* The longest prefix holding addr by scanning them all; its gateway. */
static bool
naive_lookup(const struct naive *nv, uint32_t addr, uint32_t *gw)
{
	int best = -1;

	for (int i = 0; i < nv->n; i++)
		if (nv->live[i] &&
		    ((addr ^ nv->prefix[i]) & ipv4_mask(nv->len[i])) == 0 &&
		    (best < 0 || nv->len[i] > nv->len[best]))
			best = i;
	if (best < 0)
		return false;
	*gw = nv->gw[best];
	return true;
}

static void
check_lookups(const struct route_table *t, const struct naive *nv)
{
	for (int k = 0; k < 20000; k++) {
		/* Half random, half close to a prefix in the table. */
		uint32_t addr = (uint32_t)random() << 1 ^ (uint32_t)random();
		const struct route *got;
		uint32_t gw = 0;

		if (k & 1) {
			int i = (int)(random() % nv->n);

			addr = nv->prefix[i] ^ (uint32_t)(random() & 0x3ff);
		}
		got = route_lookup(t, addr);
		if (naive_lookup(nv, addr, &gw)) {
			assert_non_null(got);
			assert_int_equal(got->gateway, gw);
		} else {
			assert_null(got);
		}
	}
}

static int
count_walk(const struct route *r, void *arg)
{
	int *n = arg;

	(void)r;
	(*n)++;
	return 0;
}

static void
test_random_tables(void **state)
{
	static struct naive nv;

	(void)state;
	for (unsigned seed = 1; seed <= 5; seed++) {
		struct route_table *t = route_table_new();
		int walked = 0;
		size_t live;

		srandom(seed);
		memset(&nv, 0, sizeof(nv));
		for (int i = 0; i < 4000; i++) {
			/* Few bits of variety so that prefixes nest. */
			unsigned len = (unsigned)(random() % 33);
			uint32_t prefix =
			    ((uint32_t)random() & 0xff0f00ff) & ipv4_mask(len);
			struct route r = rt(prefix, len, (uint32_t)i + 1);

			if (route_add(t, &r) == 0) {
				nv.prefix[nv.n] = prefix;
				nv.len[nv.n] = len;
				nv.gw[nv.n] = (uint32_t)i + 1;
				nv.live[nv.n++] = true;
			} else {
				assert_int_equal(errno, EEXIST);
			}
		}
		check_lookups(t, &nv);
		/* Delete about half, then check again. */
		live = (size_t)nv.n;
		for (int i = 0; i < nv.n; i++) {
			if (random() & 1)
				continue;
			assert_int_equal(route_del(t, nv.prefix[i], nv.len[i]),
					 0);
			nv.live[i] = false;
			live--;
		}
		assert_int_equal(route_count(t), live);
		route_walk(t, count_walk, &walked);
		assert_int_equal((size_t)walked, live);
		check_lookups(t, &nv);
		route_table_free(t);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_basic),
	    cmocka_unit_test(test_host_routes),
	    cmocka_unit_test(test_random_tables),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
