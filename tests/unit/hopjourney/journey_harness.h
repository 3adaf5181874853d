/*
 * Synthetic trace rows for the journey's tests, on the seed lab:
 *
 *   hA eth0 -- p1 sw1 p2 -- eth0 r1 eth1 -- p1 sw2 p2 -- eth0 hB
 *
 * A test writes rows as struct trow, and they reach the journey as each
 * daemon's `hopctl -j NODE show trace` would print them: one file per
 * node, an array of rows, then {"ok":true}.
 */
#ifndef HOPLAB_JOURNEY_HARNESS_H
#define HOPLAB_JOURNEY_HARNESS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "journey.h"

#define MAC_A "02:00:00:00:00:0a"
#define MAC_R0 "02:00:00:00:00:01" /* r1 eth0 */
#define MAC_R1 "02:00:00:00:00:02" /* r1 eth1 */
#define MAC_B "02:00:00:00:00:0b"
#define MAC_C "02:00:00:00:00:0c"
#define MAC_BCAST "ff:ff:ff:ff:ff:ff"
#define IP_A "10.0.1.10"
#define IP_B "10.0.2.20"

#define SEED_NODES                                                             \
	"{\"name\":\"hA\",\"kind\":\"host\"},"                                 \
	"{\"name\":\"sw1\",\"kind\":\"switch\"},"                              \
	"{\"name\":\"r1\",\"kind\":\"router\"},"                               \
	"{\"name\":\"sw2\",\"kind\":\"switch\"},"                              \
	"{\"name\":\"hB\",\"kind\":\"host\"}"
#define SEED_LINKS                                                             \
	"{\"a\":\"hA\",\"a_if\":\"eth0\",\"b\":\"sw1\",\"b_if\":\"p1\"},"      \
	"{\"a\":\"sw1\",\"a_if\":\"p2\",\"b\":\"r1\",\"b_if\":\"eth0\"},"      \
	"{\"a\":\"r1\",\"a_if\":\"eth1\",\"b\":\"sw2\",\"b_if\":\"p1\"},"      \
	"{\"a\":\"sw2\",\"a_if\":\"p2\",\"b\":\"hB\",\"b_if\":\"eth0\"}"

/* conf/seed.lab. */
#define TOPO_SEED                                                              \
	"{\"lab\":\"seed\",\"nodes\":[" SEED_NODES "],\"links\":[" SEED_LINKS  \
	"]}"
/* The seed lab and hC, a host on sw1's third port. */
#define TOPO_WIDE                                                              \
	"{\"lab\":\"wide\",\"nodes\":[" SEED_NODES                             \
	",{\"name\":\"hC\",\"kind\":\"host\"}],\"links\":[" SEED_LINKS         \
	",{\"a\":\"sw1\",\"a_if\":\"p3\",\"b\":\"hC\",\"b_if\":\"eth0\"}]}"

/* One row; a NULL string is null, a TTL of 0 is null. */
struct trow {
	double t;
	const char *node, *in, *out;
	const char *key, *summary, *proto, *flags;
	const char *src_ip, *dst_ip;
	const char *in_src, *in_dst, *out_src, *out_dst;
	int in_ttl, out_ttl;
	const char *decision;
};

static inline json_t *
trow_str(const char *s)
{
	return s ? json_string(s) : json_null();
}

static inline json_t *
trow_json(const struct trow *r, unsigned seq)
{
	json_t *o = json_object();

	json_object_set_new(o, "seq", json_integer(seq));
	json_object_set_new(o, "time", json_real(r->t));
	json_object_set_new(o, "node", trow_str(r->node));
	json_object_set_new(o, "in", trow_str(r->in));
	json_object_set_new(o, "out", trow_str(r->out));
	json_object_set_new(o, "key", trow_str(r->key));
	json_object_set_new(o, "summary", trow_str(r->summary));
	json_object_set_new(o, "proto", trow_str(r->proto));
	json_object_set_new(o, "flags", trow_str(r->flags ? r->flags : ""));
	json_object_set_new(o, "src_ip", trow_str(r->src_ip));
	json_object_set_new(o, "dst_ip", trow_str(r->dst_ip));
	json_object_set_new(o, "in_src_mac", trow_str(r->in_src));
	json_object_set_new(o, "in_dst_mac", trow_str(r->in_dst));
	json_object_set_new(o, "in_ttl",
			    r->in_ttl ? json_integer(r->in_ttl) : json_null());
	json_object_set_new(o, "out_src_mac", trow_str(r->out_src));
	json_object_set_new(o, "out_dst_mac", trow_str(r->out_dst));
	json_object_set_new(
	    o, "out_ttl", r->out_ttl ? json_integer(r->out_ttl) : json_null());
	json_object_set_new(o, "decision", trow_str(r->decision));
	return o;
}

/* What `hopctl -j NODE show trace` prints for node's rows among rows;
 * free it. */
static inline char *
trace_text(const struct trow *rows, size_t n, const char *node)
{
	json_t *arr = json_array();
	unsigned seq = 0;
	char *line, *text;

	for (size_t i = 0; i < n; i++)
		if (strcmp(rows[i].node, node) == 0)
			json_array_append_new(arr, trow_json(&rows[i], ++seq));
	line = json_dumps(arr, JSON_COMPACT | JSON_REAL_PRECISION(17));
	json_decref(arr);
	if (!line || asprintf(&text, "%s\n{\"ok\":true}\n", line) < 0)
		abort();
	free(line);
	return text;
}

/* Loads rows as one trace file per node, the nodes in the order given
 * (NULL-terminated); returns what journey_load_trace returned last. */
static inline int
load_nodes(struct journey *j, const struct trow *rows, size_t n,
	   const char *const *nodes)
{
	for (; *nodes; nodes++) {
		char *text = trace_text(rows, n, *nodes), file[64];
		int rc;

		snprintf(file, sizeof(file), "%s.json", *nodes);
		rc = journey_load_trace(j, file, text, strlen(text));
		free(text);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static const char *const seed_nodes[]
    __attribute__((unused)) = {"hA", "sw1", "r1", "sw2", "hB", "hC", NULL};
static const char *const seed_nodes_reversed[]
    __attribute__((unused)) = {"hC", "hB", "sw2", "r1", "sw1", "hA", NULL};

/*
 * The five rows of one IPv4 packet through the seed lab, from hA to hB
 * (a_to_b) or back, leaving at t and taking 10 µs a hop; r1 gives it new
 * MACs and a TTL one lower. Returns the number of rows written.
 */
static inline size_t
seed_path(struct trow *r, bool a_to_b, double t, const char *key,
	  const char *summary, const char *proto, const char *flags)
{
	const char *h1 = a_to_b ? "hA" : "hB", *h2 = a_to_b ? "hB" : "hA";
	const char *s1 = a_to_b ? "sw1" : "sw2", *s2 = a_to_b ? "sw2" : "sw1";
	const char *m1 = a_to_b ? MAC_A : MAC_B;   /* the sender */
	const char *g1 = a_to_b ? MAC_R0 : MAC_R1; /* its gateway */
	const char *g2 = a_to_b ? MAC_R1 : MAC_R0; /* r1's other side */
	const char *m2 = a_to_b ? MAC_B : MAC_A;   /* the receiver */
	const char *src = a_to_b ? IP_A : IP_B, *dst = a_to_b ? IP_B : IP_A;
	const struct trow base = {.key = key,
				  .summary = summary,
				  .proto = proto,
				  .flags = flags,
				  .src_ip = src,
				  .dst_ip = dst};

	for (int i = 0; i < 5; i++) {
		r[i] = base;
		r[i].t = t + i * 10e-6;
	}
	r[0].node = h1, r[0].out = "eth0";
	r[0].out_src = m1, r[0].out_dst = g1, r[0].out_ttl = 64;
	r[0].decision = "sent by the test";
	r[1].node = s1, r[1].in = a_to_b ? "p1" : "p2";
	r[1].out = a_to_b ? "p2" : "p1";
	r[1].in_src = r[1].out_src = m1, r[1].in_dst = r[1].out_dst = g1;
	r[1].in_ttl = r[1].out_ttl = 64;
	r[1].decision = "forwarded by the MAC table";
	r[2].node = "r1", r[2].in = a_to_b ? "eth0" : "eth1";
	r[2].out = a_to_b ? "eth1" : "eth0";
	r[2].in_src = m1, r[2].in_dst = g1, r[2].in_ttl = 64;
	r[2].out_src = g2, r[2].out_dst = m2, r[2].out_ttl = 63;
	r[2].decision = "routed; TTL 64 -> 63";
	r[3].node = s2, r[3].in = a_to_b ? "p1" : "p2";
	r[3].out = a_to_b ? "p2" : "p1";
	r[3].in_src = r[3].out_src = g2, r[3].in_dst = r[3].out_dst = m2;
	r[3].in_ttl = r[3].out_ttl = 63;
	r[3].decision = "forwarded by the MAC table";
	r[4].node = h2, r[4].in = "eth0";
	r[4].in_src = g2, r[4].in_dst = m2, r[4].in_ttl = 63;
	r[4].decision = "delivered";
	return 5;
}

/* A journey on topo, failing the test if the topology does not load. */
static inline void
journey_on(struct journey *j, const char *topo)
{
	journey_init(j);
	if (journey_load_topology(j, "topo.json", topo, strlen(topo)) < 0) {
		fprintf(stderr, "%s\n", j->err);
		abort();
	}
}

/* The nodes of packet p's hops, space-separated, into buf. */
static inline const char *
hop_nodes(const struct journey *j, size_t p, char *buf, size_t size)
{
	size_t len = 0;

	buf[0] = '\0';
	for (size_t h = 0; h < j->packets[p].n_hops && len < size; h++)
		len += (size_t)snprintf(buf + len, size - len, "%s%s",
					h ? " " : "",
					j->packets[p].hops[h].row->node);
	return buf;
}

#endif
