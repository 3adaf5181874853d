/* Matching trace rows into packets, each followed along the lab's links. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "journey.h"

#define PORT_MAX 64
#define OUT_MAX 1024
/* Hops inferred from one traced row at most: walking a mesh of untraced
 * nodes could otherwise try every path through it. */
#define INFER_BUDGET 64

/* What matching works with: the rows that can be found by what they
 * arrived with, sorted by (key, node, in, time). */
struct matcher {
	struct journey *j;
	size_t *index;
	size_t n_index;
	unsigned budget; /* inferred hops left for the row being followed */
};

static int
cmp_time(const struct journey_row *a, const struct journey_row *b)
{
	if (a->time != b->time)
		return a->time < b->time ? -1 : 1;
	return a->order < b->order ? -1 : a->order > b->order;
}

static int
cmp_by_time(const void *a, const void *b, void *arg)
{
	const struct journey_row *rows = arg;

	return cmp_time(&rows[*(const size_t *)a], &rows[*(const size_t *)b]);
}

/* Orders by what a successor is looked up by, then by time. */
static int
cmp_arrival(const struct journey_row *a, const struct journey_row *b)
{
	int c = strcmp(a->key, b->key);

	if (c == 0)
		c = strcmp(a->node, b->node);
	if (c == 0)
		c = strcmp(a->in, b->in);
	return c ? c : cmp_time(a, b);
}

static int
cmp_by_arrival(const void *a, const void *b, void *arg)
{
	const struct journey_row *rows = arg;

	return cmp_arrival(&rows[*(const size_t *)a],
			   &rows[*(const size_t *)b]);
}

/* Whether row a is row r or one r came from. */
static bool
is_ancestor(const struct journey *j, size_t a, size_t r)
{
	for (size_t steps = 0; steps <= j->n_rows; steps++) {
		if (r == a)
			return true;
		if (j->rows[r].pred < 0)
			return false;
		r = (size_t)j->rows[r].pred;
	}
	return true; /* a cycle, which claiming never makes: refuse */
}

/*
 * The row that continues row r at node:in: the same key, the earliest
 * time at or after r's (less the slack), claimed by no other row and not
 * one r came from. Returns its index, or -1.
 */
static long
find_next(const struct matcher *m, size_t r, const char *node, const char *in)
{
	const struct journey_row *rows = m->j->rows;
	struct journey_row probe = {.key = rows[r].key,
				    .node = node,
				    .in = in,
				    .time = rows[r].time - m->j->slack};
	size_t lo = 0, hi = m->n_index;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (cmp_arrival(&rows[m->index[mid]], &probe) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < m->n_index; lo++) {
		size_t s = m->index[lo];

		if (strcmp(rows[s].key, probe.key) != 0 ||
		    strcmp(rows[s].node, node) != 0 ||
		    strcmp(rows[s].in, in) != 0)
			break;
		if (rows[s].pred < 0 && !is_ancestor(m->j, s, r))
			return (long)s;
	}
	return -1;
}

static int follow_port(struct matcher *m, size_t r, const char *port,
		       long *next);

/* Appends port to the comma-separated list out (of OUT_MAX bytes). */
static void
out_append(char *out, const char *port)
{
	size_t len = strlen(out);

	snprintf(out + len, OUT_MAX - len, "%s%s", len ? "," : "", port);
}

/* A row for node, which left no trace, where row r sent the frame in by
 * port in; -1 with j->err, or its index. */
static long
inferred_row(struct journey *j, size_t r, const char *node, const char *in)
{
	struct journey_row *s, *from;

	if (journey_grow_rows(j) < 0)
		return -1;
	from = &j->rows[r];
	s = &j->rows[j->n_rows];
	*s = (struct journey_row){
	    .time = from->time,
	    .node = node,
	    .in = in,
	    .key = from->key,
	    .summary = from->summary,
	    .proto = from->proto,
	    .flags = from->flags,
	    .src_ip = from->src_ip,
	    .dst_ip = from->dst_ip,
	    .in_src_mac = from->out_src_mac,
	    .in_dst_mac = from->out_dst_mac,
	    .in_ttl = from->out_ttl,
	    .out_ttl = -1,
	    .decision = JOURNEY_UNTRACED_SENT,
	    .order = j->n_rows,
	    .pred = (long)r,
	    .inferred = true,
	};
	return (long)j->n_rows++;
}

/*
 * Walks through node, which left no trace, after row r sent the frame to
 * it by port in: the frame goes on by every other port where the
 * neighbour has the same key. Returns 1 with the inferred row in *made
 * when it stays, 0 when it led nowhere from another inferred hop, -1 on
 * failure.
 */
static int
infer(struct matcher *m, size_t r, const char *node, const char *in, long *made)
{
	struct journey *j = m->j;
	char out[OUT_MAX] = "";
	long s, next, first_real = -1;

	/* Once per node along a path of untraced nodes, or a loop of them
	 * would never end. */
	for (long a = (long)r; a >= 0 && j->rows[a].inferred;
	     a = j->rows[a].pred)
		if (strcmp(j->rows[a].node, node) == 0)
			return 0;
	if (m->budget == 0)
		return 0;
	m->budget--;
	if ((s = inferred_row(j, r, node, in)) < 0)
		return -1;
	*made = s;
	for (size_t i = 0; i < j->n_links; i++) {
		const struct journey_link *l = &j->links[i];
		const char *port = NULL;
		int rc;

		if (strcmp(l->a, node) == 0 && strcmp(l->a_if, in) != 0)
			port = l->a_if;
		else if (strcmp(l->b, node) == 0 && strcmp(l->b_if, in) != 0)
			port = l->b_if;
		if (!port || (rc = follow_port(m, (size_t)s, port, &next)) == 0)
			continue;
		if (rc < 0)
			return -1;
		out_append(out, port);
		if (first_real < 0 && !j->rows[next].inferred)
			first_real = next;
	}
	if (!*out) {
		j->rows[s].dead = j->rows[r].inferred;
		return !j->rows[s].dead;
	}
	if (!(j->rows[s].owned_out = strdup(out)))
		return journey_fail(j, "out of memory");
	j->rows[s].out = j->rows[s].owned_out;
	j->rows[s].decision = JOURNEY_UNTRACED_PASSED;
	/* As it left: as the next traced node saw it arrive. */
	if (first_real >= 0) {
		j->rows[s].out_src_mac = j->rows[first_real].in_src_mac;
		j->rows[s].out_dst_mac = j->rows[first_real].in_dst_mac;
		j->rows[s].out_ttl = j->rows[first_real].in_ttl;
	}
	return 1;
}

/* Follows row r out of port: 1 with *next when a row continues it there,
 * 0 when none does, -1 on failure. */
static int
follow_port(struct matcher *m, size_t r, const char *port, long *next)
{
	struct journey *j = m->j;
	const char *peer, *peer_if;
	const struct journey_node *n;
	long s;

	if (journey_peer(j, j->rows[r].node, port, &peer, &peer_if) < 0)
		return 0;
	n = journey_node(j, peer);
	if (n && !n->traced) {
		return infer(m, r, n->name, peer_if, next);
	}
	if ((s = find_next(m, r, peer, peer_if)) < 0)
		return 0;
	j->rows[s].pred = (long)r;
	*next = s;
	return 1;
}

/* Follows a traced row out of each port it left by. */
static int
follow(struct matcher *m, size_t r)
{
	char port[PORT_MAX];
	const char *p = m->j->rows[r].out;
	long next;

	m->budget = INFER_BUDGET;
	while (p && *p) {
		size_t n = strcspn(p, ",");
		const char *start = p;

		p += n + (p[n] == ',');
		while (n && *start == ' ')
			start++, n--;
		while (n && start[n - 1] == ' ')
			n--;
		if (n == 0 || n >= sizeof(port))
			continue;
		memcpy(port, start, n);
		port[n] = '\0';
		if (follow_port(m, r, port, &next) < 0)
			return -1;
	}
	return 0;
}

/* Claims every row's successors, taking rows in time order. */
static int
link_rows(struct journey *j)
{
	struct matcher m = {.j = j};
	size_t n = j->n_rows, *by_time;
	int rc = 0;

	by_time = malloc((n + 1) * sizeof(*by_time));
	m.index = malloc((n + 1) * sizeof(*m.index));
	if (!by_time || !m.index) {
		rc = journey_fail(j, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		by_time[i] = i;
		if (j->rows[i].in)
			m.index[m.n_index++] = i;
	}
	qsort_r(by_time, n, sizeof(*by_time), cmp_by_time, j->rows);
	qsort_r(m.index, m.n_index, sizeof(*m.index), cmp_by_arrival, j->rows);
	for (size_t i = 0; i < n && rc == 0; i++)
		rc = follow(&m, by_time[i]);
out:
	free(by_time);
	free(m.index);
	return rc;
}

/* The rows that continue each row: kids[first[r] .. first[r + 1]), in
 * time order. */
struct children {
	size_t *first;
	size_t *kids;
};

static int
children_build(struct journey *j, struct children *c)
{
	size_t n = j->n_rows, *fill;

	c->first = calloc(n + 2, sizeof(*c->first));
	c->kids = malloc((n + 1) * sizeof(*c->kids));
	fill = calloc(n + 1, sizeof(*fill));
	if (!c->first || !c->kids || !fill) {
		free(fill);
		return journey_fail(j, "out of memory");
	}
	for (size_t i = 0; i < n; i++)
		if (!j->rows[i].dead && j->rows[i].pred >= 0)
			c->first[j->rows[i].pred + 1]++;
	for (size_t i = 0; i < n; i++)
		c->first[i + 1] += c->first[i];
	for (size_t i = 0; i < n; i++) {
		long p = j->rows[i].pred;

		if (!j->rows[i].dead && p >= 0)
			c->kids[c->first[p] + fill[p]++] = i;
	}
	for (size_t i = 0; i < n; i++)
		qsort_r(c->kids + c->first[i], c->first[i + 1] - c->first[i],
			sizeof(*c->kids), cmp_by_time, j->rows);
	free(fill);
	return 0;
}

/* A stack entry of the walk: a row and the hop it came from. */
struct walk {
	size_t row;
	long parent;
};

/* The packet that starts at row start: its hops depth first, so that
 * each branch of a flood reads along its path. */
static int
packet_build(struct journey *j, const struct children *c, size_t start,
	     struct walk *stack, struct journey_packet *p)
{
	size_t depth = 0, cap = 0;

	*p = (struct journey_packet){.time = j->rows[start].time};
	stack[depth++] = (struct walk){start, -1};
	while (depth) {
		struct walk w = stack[--depth];

		if (p->n_hops == cap) {
			size_t ncap = cap ? cap * 2 : 8;
			struct journey_hop *h =
			    realloc(p->hops, ncap * sizeof(*h));

			if (!h)
				return journey_fail(j, "out of memory");
			p->hops = h;
			cap = ncap;
		}
		p->hops[p->n_hops] =
		    (struct journey_hop){&j->rows[w.row], w.parent};
		for (size_t k = c->first[w.row + 1]; k > c->first[w.row]; k--)
			stack[depth++] =
			    (struct walk){c->kids[k - 1], (long)p->n_hops};
		p->n_hops++;
	}
	return 0;
}

static int
packets_build(struct journey *j)
{
	struct children c = {0};
	struct walk *stack = malloc((j->n_rows + 1) * sizeof(*stack));
	size_t *starts = malloc((j->n_rows + 1) * sizeof(*starts)), n = 0;
	int rc = -1;

	if (!stack || !starts) {
		journey_fail(j, "out of memory");
		goto out;
	}
	if (children_build(j, &c) < 0)
		goto out;
	for (size_t i = 0; i < j->n_rows; i++)
		if (j->rows[i].pred < 0 && !j->rows[i].inferred)
			starts[n++] = i;
	qsort_r(starts, n, sizeof(*starts), cmp_by_time, j->rows);
	j->packets = calloc(n + 1, sizeof(*j->packets));
	if (!j->packets) {
		journey_fail(j, "out of memory");
		goto out;
	}
	for (rc = 0; j->n_packets < n && rc == 0; j->n_packets++)
		rc = packet_build(j, &c, starts[j->n_packets], stack,
				  &j->packets[j->n_packets]);
out:
	free(c.first);
	free(c.kids);
	free(stack);
	free(starts);
	return rc;
}

int
journey_match(struct journey *j)
{
	if (j->matched)
		return journey_fail(j, "rows are matched already");
	j->matched = true;
	if (link_rows(j) < 0)
		return -1;
	return packets_build(j);
}
