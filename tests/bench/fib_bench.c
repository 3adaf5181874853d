/*
 * fib_bench: how fast the routing table answers longest-prefix-match
 * lookups with a table the size of the Internet's.
 *
 *   fib_bench [-n ROUTES] [-s SECONDS] [-r SEED]
 *   fib_bench -w FILE [-g GATEWAY[,GATEWAY...]] [-n ROUTES] [-r SEED]
 *
 * It builds a table of ROUTES (1,000,000) prefixes with the mix of
 * lengths of the global IPv4 BGP table (fib_mix below), then looks up, on
 * one core for SECONDS (2) each, addresses drawn at random from the whole
 * space and addresses drawn from the table's prefixes, and prints one
 * JSON object:
 *
 *   {"routes", "build_seconds", "memory_bytes", "rss_bytes",
 *    "lookups_per_sec" (the lower of the two), "lookups_per_sec_random",
 *    "lookups_per_sec_table", "lookup_latency_ns_table",
 *    "trie_lookups_per_sec_table", "kernel_lookups_per_sec": null}
 *
 * Each lookup is route_lookup() and a read of the route's gateway, as
 * forwarding does. The kernel's figure is null: its fib_lookup() cannot
 * be called from user space, and `ip route get` measures netlink, not the
 * lookup. The latency is that of one lookup waiting for the one before,
 * as in a router that forwards one packet at a time, where independent
 * lookups overlap their cache misses. The trie's figure is the same
 * table with the DIR-24-8 index dropped.
 *
 * With -w it writes the same table as `route load` lines (PREFIX GATEWAY,
 * the gateways taken in turn) instead, for loading into a routerd.
 */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ipv4.h"
#include "route.h"

/*
 * Shares of prefix lengths, per 100,000 routes: roughly the global IPv4
 * table of 2023-2024 (about 950,000 prefixes; the prefix-length
 * distribution published by bgp.potaroo.net and the CIDR Report): /24
 * about 60%, /22 and /23 together about 22%, /16 to /21 about 15%,
 * shorter ones well under 1%. That table carries no prefix longer than
 * /24; 1% of /25 to /32 stands for the longer routes of an operator's
 * own network, so that extension tables are exercised too.
 */
static const struct {
	unsigned len;
	unsigned share;
} fib_mix[] = {
    {8, 2},	{9, 2},	    {10, 4},	 {11, 10},   {12, 30},	  {13, 60},
    {14, 110},	{15, 180},  {16, 1350},	 {17, 830},  {18, 1300},  {19, 2800},
    {20, 4300}, {21, 4700}, {22, 11900}, {23, 9900}, {24, 61522}, {25, 300},
    {26, 250},	{27, 150},  {28, 120},	 {29, 100},  {30, 60},	  {32, 20},
};
#define FIB_MIX_TOTAL 100000

static uint64_t rng_state;

static uint32_t
rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)(rng_state >> 16);
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Public unicast space only: no 0/8, 10/8, 100.64/10, 127/8, 169.254/16,
 * 172.16/12, 192.168/16 or 224/3, so that a lab's own addresses stay
 * outside the table. */
static int
public_prefix(uint32_t p)
{
	return (p >> 24) != 0 && (p >> 24) != 10 && (p >> 24) != 127 &&
	       (p >> 22) != (100u << 2 | 1) && (p >> 16) != (169u << 8 | 254) &&
	       (p >> 20) != (172u << 4 | 1) && (p >> 16) != (192u << 8 | 168) &&
	       (p >> 29) != 7;
}

struct bench_table {
	struct route_table *t;
	uint32_t *prefix;
	unsigned *len;
	size_t n;
};

/* Adds routes prefixes of the mix to b, gateways from gw in turn. */
static int
bench_build(struct bench_table *b, size_t routes, const uint32_t *gw,
	    size_t ngw)
{
	b->t = route_table_new();
	b->prefix = calloc(routes + 64, sizeof(*b->prefix));
	b->len = calloc(routes + 64, sizeof(*b->len));
	if (!b->t || !b->prefix || !b->len)
		return -1;
	for (size_t m = 0; m < sizeof(fib_mix) / sizeof(fib_mix[0]); m++) {
		size_t want = (routes * fib_mix[m].share + FIB_MIX_TOTAL / 2) /
			      FIB_MIX_TOTAL;

		for (size_t k = 0; k < want && b->n < routes + 64;) {
			struct route r = {.len = fib_mix[m].len,
					  .gateway = gw[b->n % ngw],
					  .kind = ROUTE_static};

			r.prefix = rng() & ipv4_mask(r.len);
			if (!public_prefix(r.prefix))
				continue;
			if (route_add(b->t, &r) < 0) {
				if (errno != EEXIST)
					return -1;
				continue;
			}
			b->prefix[b->n] = r.prefix;
			b->len[b->n++] = r.len;
			k++;
		}
	}
	return 0;
}

/* Lookups a second over addrs[0 .. n-1], again and again for seconds. */
static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/*
 * Lookups a second: rounds of BENCH_ROUND addresses of addrs[0 .. n-1]
 * (n a multiple of it) for seconds, the median round's rate, which a
 * neighbour's burst on a shared machine moves less than the mean.
 */
#define BENCH_ROUND ((size_t)1 << 16)
#define BENCH_ROUNDS_MAX 4096

static double
bench_lookups(const struct route_table *t, const uint32_t *addrs, size_t n,
	      double seconds, bool chained)
{
	static double rate[BENCH_ROUNDS_MAX];
	double start = now(), t0 = start, t1;
	const struct route *r = NULL;
	uint64_t sum = 0;
	size_t rounds = 0, at = 0;

	do {
		for (size_t i = at; i < at + BENCH_ROUND; i++) {
			/* Chained, a lookup waits for the one before, as a
			 * router that forwards one packet at a time does. */
			uint32_t dep = chained && r == (const void *)&sum;

			r = route_lookup(t, addrs[i] ^ dep);
			sum += r ? r->gateway : 0;
		}
		at = (at + BENCH_ROUND) % n;
		t1 = now();
		rate[rounds++] = (double)BENCH_ROUND / (t1 - t0);
		t0 = t1;
	} while (t1 - start < seconds && rounds < BENCH_ROUNDS_MAX);
	/* The sum keeps the compiler from dropping the lookups. */
	if (sum == 42)
		fputc('\n', stderr);
	qsort(rate, rounds, sizeof(rate[0]), cmp_double);
	return rate[rounds / 2];
}

static long
rss_bytes(void)
{
	char line[256];
	long kb = -1;
	FILE *f = fopen("/proc/self/status", "r");

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "VmRSS: %ld kB", &kb) == 1)
			break;
	if (f)
		fclose(f);
	return kb < 0 ? -1 : kb * 1024;
}

static int
bench_write(const struct bench_table *b, const char *path)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return -1;
	for (size_t i = 0; i < b->n; i++) {
		const struct route *r =
		    route_get(b->t, b->prefix[i], b->len[i]);
		char prefix[IPV4_CIDR_STRLEN], via[IPV4_ADDR_STRLEN];

		fprintf(f, "%s %s\n", ipv4_cidr_ntoa(r->prefix, r->len, prefix),
			ipv4_ntoa(r->gateway, via));
	}
	return fclose(f);
}

static void
usage(void)
{
	fprintf(
	    stderr,
	    "usage: fib_bench [-n ROUTES] [-s SECONDS] [-r SEED]\n"
	    "       fib_bench -w FILE [-g GATEWAY[,GATEWAY...]] [-n ROUTES] "
	    "[-r SEED]\n");
	exit(2);
}

/* -g A,B,...: the gateways; 64 made-up ones by default. */
static size_t
parse_gateways(char *list, uint32_t *gw, size_t max)
{
	size_t n = 0;

	if (!list) {
		for (n = 0; n < max; n++)
			gw[n] = 0xc6120001 + (uint32_t)n; /* 198.18.0.1 ... */
		return n;
	}
	for (char *s = strtok(list, ","); s && n < max; s = strtok(NULL, ","))
		if (ipv4_aton(s, &gw[n++]) < 0 || gw[n - 1] == 0)
			usage();
	return n;
}

static void
bench_run(struct bench_table *b, double seconds, double build)
{
	size_t n = (size_t)1 << 22;
	uint32_t *rand_addrs = malloc(n * sizeof(uint32_t));
	uint32_t *table_addrs = malloc(n * sizeof(uint32_t));
	double random_rate, table_rate, chained_rate, trie_rate;
	size_t memory;

	if (!rand_addrs || !table_addrs) {
		perror("fib_bench");
		exit(1);
	}
	for (size_t i = 0; i < n; i++) {
		size_t k = rng() % b->n;

		rand_addrs[i] = rng() ^ rng() << 16;
		table_addrs[i] = b->prefix[k] | (rng() & ~ipv4_mask(b->len[k]));
	}
	memory = route_bytes(b->t) + route_fib_bytes(b->t);
	random_rate = bench_lookups(b->t, rand_addrs, n, seconds, false);
	table_rate = bench_lookups(b->t, table_addrs, n, seconds, false);
	chained_rate = bench_lookups(b->t, table_addrs, n, seconds, true);
	printf("{\"routes\": %zu, \"build_seconds\": %.3f, "
	       "\"memory_bytes\": %zu, \"fib_bytes\": %zu, "
	       "\"rss_bytes\": %ld, ",
	       route_count(b->t), build, memory, route_fib_bytes(b->t),
	       rss_bytes());
	route_table_set_fib_min(b->t, SIZE_MAX);
	trie_rate = bench_lookups(b->t, table_addrs, n, seconds, false);
	printf("\"lookups_per_sec\": %.0f, \"lookups_per_sec_random\": %.0f, "
	       "\"lookups_per_sec_table\": %.0f, "
	       "\"lookup_latency_ns_table\": %.1f, "
	       "\"trie_lookups_per_sec_table\": %.0f, "
	       "\"kernel_lookups_per_sec\": null}\n",
	       random_rate < table_rate ? random_rate : table_rate, random_rate,
	       table_rate, 1e9 / chained_rate, trie_rate);
	free(rand_addrs);
	free(table_addrs);
}

int
main(int argc, char **argv)
{
	size_t routes = 1000000, ngw;
	double seconds = 2, start;
	const char *out = NULL;
	char *gateways = NULL;
	uint32_t gw[64];
	struct bench_table b = {0};
	int c;

	rng_state = 88172645463325252ull;
	while ((c = getopt(argc, argv, "n:s:r:w:g:h")) != -1) {
		switch (c) {
		case 'n':
			routes = strtoul(optarg, NULL, 10);
			break;
		case 's':
			seconds = strtod(optarg, NULL);
			break;
		case 'r':
			rng_state ^=
			    strtoull(optarg, NULL, 10) * 0x9e3779b97f4a7c15ull;
			break;
		case 'w':
			out = optarg;
			break;
		case 'g':
			gateways = optarg;
			break;
		default:
			usage();
		}
	}
	if (optind != argc || routes == 0 || (gateways && !out))
		usage();
	ngw = parse_gateways(gateways, gw, 64);
	start = now();
	if (bench_build(&b, routes, gw, ngw) < 0) {
		perror("fib_bench: building the table");
		return 1;
	}
	if (out) {
		if (bench_write(&b, out) < 0) {
			perror(out);
			return 1;
		}
	} else {
		bench_run(&b, seconds, now() - start);
	}
	route_table_free(b.t);
	free(b.prefix);
	free(b.len);
	return 0;
}
