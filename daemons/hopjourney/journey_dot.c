/*
 * A journey as a graphviz sequence diagram. dot has no sequence diagrams,
 * so one is built of what it has: a column of invisible points per node
 * (its lifeline), one row of points per moment, rows kept in order by
 * rank=same and the lifelines kept straight by heavy dashed edges. A
 * transfer from one node to the next is an arrow from the sender's point
 * at one moment to the receiver's at the next; polyline arrows go around
 * their labels instead of through them.
 */
#include <stdlib.h>
#include <string.h>

#include "journey_render.h"

/* An arrow (from_col >= 0) or, for a packet of one hop, a note. */
struct dot_event {
	size_t pkt;
	const struct journey_row *from, *to;
	long from_col;
	size_t col;
	size_t step;
};

struct dot {
	FILE *f;
	const struct journey *j;
	const char **cols;
	size_t n_cols;
	struct dot_event *ev;
	size_t n_ev;
	size_t steps;
};

static long
col_of(const struct dot *d, const char *node)
{
	for (size_t c = 0; c < d->n_cols; c++)
		if (strcmp(d->cols[c], node) == 0)
			return (long)c;
	return -1;
}

/* Whether node appears among names[0 .. n). */
static bool
listed(const char **names, size_t n, const char *node)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(names[i], node) == 0)
			return true;
	return false;
}

/* Adds the nodes seen, along the lab's links depth first from the node
 * where the first packet starts, so that the columns read like the path
 * (hA sw1 r1 sw2 hB); nodes seen but not reached follow. */
static void
dot_columns(struct dot *d, const char **seen, size_t n_seen)
{
	const struct journey *j = d->j;
	size_t *stack = malloc((j->n_links * 2 + 2) * sizeof(*stack)),
	       depth = 0;
	bool *done = calloc(j->n_nodes + 1, sizeof(*done));
	const struct journey_node *start =
	    n_seen ? journey_node(j, seen[0]) : NULL;

	if (stack && done && start)
		stack[depth++] = (size_t)(start - j->nodes);
	while (depth) {
		size_t u = stack[--depth];
		const char *name = j->nodes[u].name;

		if (done[u])
			continue;
		done[u] = true;
		if (listed(seen, n_seen, name))
			d->cols[d->n_cols++] = name;
		for (size_t l = j->n_links; l-- > 0;) {
			const char *v =
			    strcmp(j->links[l].a, name) == 0   ? j->links[l].b
			    : strcmp(j->links[l].b, name) == 0 ? j->links[l].a
							       : NULL;
			const struct journey_node *n =
			    v ? journey_node(j, v) : NULL;

			if (n && !done[n - j->nodes])
				stack[depth++] = (size_t)(n - j->nodes);
		}
	}
	for (size_t i = 0; i < n_seen; i++)
		if (!listed(d->cols, d->n_cols, seen[i]))
			d->cols[d->n_cols++] = seen[i];
	free(stack);
	free(done);
}

/* The moments: each transfer one step down from where the last ended,
 * and a step of space between packets. */
static void
dot_events(struct dot *d)
{
	size_t step = 0;

	for (size_t p = 0; p < d->j->n_packets; p++) {
		const struct journey_packet *pk = &d->j->packets[p];

		if (pk->n_hops == 1)
			d->ev[d->n_ev++] = (struct dot_event){
			    p,
			    NULL,
			    pk->hops[0].row,
			    -1,
			    (size_t)col_of(d, pk->hops[0].row->node),
			    step++};
		for (size_t h = 1; h < pk->n_hops; h++) {
			const struct journey_row *from =
			    pk->hops[pk->hops[h].parent].row;

			d->ev[d->n_ev++] = (struct dot_event){
			    p,
			    from,
			    pk->hops[h].row,
			    col_of(d, from->node),
			    (size_t)col_of(d, pk->hops[h].row->node),
			    step++};
		}
		step++;
	}
	d->steps = step + 1;
}

/* s inside a quoted DOT string: quotes and backslashes escaped, control
 * characters as spaces. */
static void
dot_put(FILE *f, const char *s)
{
	for (; s && *s; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', f);
		fputc((unsigned char)*s < 0x20 || *s == 0x7f ? ' ' : *s, f);
	}
}

static bool
same(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

/* The label of an arrow: the packet's number and short summary, and the
 * MACs and TTL the sender set, when it set them (it originated the frame
 * or rewrote it, as a router does). */
static void
dot_label(FILE *f, const struct dot_event *e)
{
	const struct journey_row *r = e->from ? e->from : e->to;
	char shrt[JOURNEY_SHORT_MAX];
	struct journey_view v;

	journey_short(r, shrt, sizeof(shrt));
	fprintf(f, "%zu. ", e->pkt + 1);
	dot_put(f, shrt);
	if (!e->from) {
		fputs("\\n", f);
		dot_put(f, r->decision);
		return;
	}
	journey_view(r, &v);
	if (r->in && same(r->in_src_mac, r->out_src_mac) &&
	    same(r->in_dst_mac, r->out_dst_mac) && r->in_ttl == r->out_ttl)
		return;
	if (v.src_mac || v.dst_mac) {
		fputs("\\n", f);
		dot_put(f, v.src_mac ? v.src_mac : "?");
		fputs(" > ", f);
		dot_put(f, v.dst_mac ? v.dst_mac : "?");
	}
	if (v.ttl >= 0)
		fprintf(f, "%sttl %d", v.src_mac || v.dst_mac ? ", " : "\\n",
			v.ttl);
}

static void
dot_heads(const struct dot *d)
{
	fputs("\t{ rank=same;", d->f);
	for (size_t c = 0; c < d->n_cols; c++) {
		fprintf(d->f,
			" c%zu [shape=box, style=solid, width=0.9, height=0.4, "
			"label=\"",
			c);
		dot_put(d->f, d->cols[c]);
		fputs("\"];", d->f);
	}
	fputs(" }\n", d->f);
	for (size_t c = 1; c < d->n_cols; c++)
		fprintf(d->f, "\tc%zu -> c%zu [style=invis];\n", c - 1, c);
}

/* The rows of points, each in column order, notes in place of points. */
static void
dot_rows(const struct dot *d)
{
	for (size_t s = 0; s < d->steps; s++) {
		fputs("\t{ rank=same;", d->f);
		for (size_t c = 0; c < d->n_cols; c++)
			fprintf(d->f, " p%zu_%zu;", c, s);
		fputs(" }\n", d->f);
		for (size_t c = 1; c < d->n_cols; c++)
			fprintf(d->f, "\tp%zu_%zu -> p%zu_%zu [style=invis];\n",
				c - 1, s, c, s);
	}
	for (size_t i = 0; i < d->n_ev; i++) {
		if (d->ev[i].from_col >= 0)
			continue;
		fprintf(
		    d->f,
		    "\tp%zu_%zu [shape=note, style=solid, width=0, height=0, "
		    "fontsize=9, label=\"",
		    d->ev[i].col, d->ev[i].step);
		dot_label(d->f, &d->ev[i]);
		fputs("\"];\n", d->f);
	}
	for (size_t c = 0; c < d->n_cols; c++) {
		fprintf(d->f, "\tc%zu -> p%zu_0", c, c);
		for (size_t s = 1; s < d->steps; s++)
			fprintf(d->f, " -> p%zu_%zu", c, s);
		fputs(" [style=dashed, arrowhead=none, color=gray50, "
		      "weight=100];\n",
		      d->f);
	}
}

static void
dot_arrows(const struct dot *d)
{
	for (size_t i = 0; i < d->n_ev; i++) {
		const struct dot_event *e = &d->ev[i];

		if (e->from_col < 0)
			continue;
		fprintf(d->f, "\tp%ld_%zu -> p%zu_%zu [label=\"", e->from_col,
			e->step, e->col, e->step + 1);
		dot_label(d->f, e);
		fprintf(d->f, "\"%s];\n",
			e->from->inferred || e->to->inferred ? ", style=dashed"
							     : "");
	}
}

int
journey_render_dot(FILE *f, const struct journey *j)
{
	struct dot d = {.f = f, .j = j};
	size_t n_hops = 0, n_seen = 0;
	const char **seen;
	int rc = -1;

	for (size_t p = 0; p < j->n_packets; p++)
		n_hops += j->packets[p].n_hops;
	seen = malloc((n_hops + 1) * sizeof(*seen));
	d.cols = malloc((n_hops + 1) * sizeof(*d.cols));
	d.ev = malloc((n_hops + 1) * sizeof(*d.ev));
	if (!seen || !d.cols || !d.ev)
		goto out;
	for (size_t p = 0; p < j->n_packets; p++)
		for (size_t h = 0; h < j->packets[p].n_hops; h++) {
			const char *node = j->packets[p].hops[h].row->node;

			if (!listed(seen, n_seen, node))
				seen[n_seen++] = node;
		}
	dot_columns(&d, seen, n_seen);
	dot_events(&d);
	fputs("digraph journey {\n\tgraph [label=\"", f);
	dot_put(f, j->lab ? j->lab : "journey");
	fputs("\", labelloc=t, fontname=\"Helvetica\", splines=polyline, "
	      "nodesep=0.9, ranksep=0.2];\n"
	      "\tnode [shape=point, style=invis, width=0.03, height=0.03, "
	      "label=\"\", "
	      "fontname=\"Helvetica\", fontsize=10];\n"
	      "\tedge [fontname=\"Helvetica\", fontsize=9];\n",
	      f);
	dot_heads(&d);
	dot_rows(&d);
	dot_arrows(&d);
	fputs("}\n", f);
	rc = ferror(f) ? -1 : 0;
out:
	free(seen);
	free(d.cols);
	free(d.ev);
	return rc;
}
