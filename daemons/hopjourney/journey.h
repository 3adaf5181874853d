/*
 * The journey of packets through a lab: trace rows from every daemon (and
 * frames captured on Linux nodes) matched into packets, each followed hop
 * by hop along the lab's links.
 *
 * A row is one frame event at one node (see the trace rows of `show
 * trace`): the port it came in by (none when the node originated it), the
 * port or ports it left by, the frame's key, which no switch or router on
 * the way changes, and the header fields as it arrived and as it left.
 *
 * Matching. A row at node N that left by port P (each port of a flood)
 * continues at the other end (M, Q) of the link on N:P: at the row of M
 * with in == Q and the same key whose time is the nearest at or after
 * the row's own, less JOURNEY_SLACK for clocks read at slightly different
 * moments. Rows are taken in time order and a row is claimed by at most
 * one predecessor, so a key that comes again later (a retransmission
 * with the same bytes, a second ARP request) starts a packet of its own,
 * the first copy sent matching the first copy seen. A packet starts at a
 * row the node originated (in is null) or at a row no predecessor
 * claimed.
 *
 * Nodes that left no trace. A node of the topology with no rows at all (a
 * daemon whose trace was lost, a Linux node without a capture) is walked
 * through: the packet gets an inferred hop there, whose header fields
 * are those of its neighbours' rows, and goes on by every other port of
 * that node where a neighbour saw the same key. An inferred hop that led
 * nowhere is kept only when a traced node sent the frame to it. A node
 * that left rows, but none for this frame, ends the packet there: what
 * it sent on starts a packet of its own.
 *
 * Nothing here reads a file: the caller passes text in.
 */
#ifndef HOPLAB_JOURNEY_H
#define HOPLAB_JOURNEY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "ether.h"

/* Seconds a successor's clock may read earlier than its predecessor's. */
#define JOURNEY_SLACK 0.001
#define JOURNEY_ROWS_MAX 1000000
#define JOURNEY_NODES_MAX 4096
#define JOURNEY_ERR_MAX 512
/* The decisions of inferred hops. */
#define JOURNEY_UNTRACED_SENT                                                  \
	"no trace from this node; its neighbour sent the frame to it"
#define JOURNEY_UNTRACED_PASSED                                                \
	"no trace from this node; inferred from what its neighbours saw"

/* One frame event at one node: a trace row, or one inferred for a node
 * that left no trace. Strings belong to obj, or to the topology. */
struct journey_row {
	json_t *obj; /* NULL when inferred */
	double time;
	const char *node;
	const char *in;	 /* NULL: originated */
	const char *out; /* NULL: did not leave; "p2,p3" when flooded */
	const char *key;
	const char *summary;
	const char *proto;
	const char *flags;
	const char *src_ip, *dst_ip;
	const char *in_src_mac, *in_dst_mac;
	const char *out_src_mac, *out_dst_mac;
	int in_ttl, out_ttl; /* -1 when none */
	const char *decision;
	size_t order; /* load order, to break ties in time */
	/* Matching. */
	long pred;	 /* the row it came from, -1 when none */
	bool inferred;	 /* made for a node that left no trace */
	bool dead;	 /* an inferred row that led nowhere */
	char *owned_out; /* an inferred row's out */
};

/* A hop: the row, and the index in the packet's hops of the hop it came
 * from (-1 for the first). */
struct journey_hop {
	const struct journey_row *row;
	long parent;
};

struct journey_packet {
	struct journey_hop *hops; /* in path order: parents first */
	size_t n_hops;
	double time; /* of its first hop */
};

struct journey_node {
	const char *name;
	const char *kind; /* host, switch, router, linux */
	bool traced;	  /* some row names it */
};

struct journey_link {
	const char *a, *a_if, *b, *b_if;
};

struct journey_mac {
	const char *node, *ifname;
	char mac[ETHER_ADDR_STRLEN];
};

/* Told about a row or line that was skipped; loading goes on. */
typedef void (*journey_warn_fn)(void *arg, const char *msg);

struct journey {
	json_t *topo;
	const char *lab;
	struct journey_node *nodes;
	size_t n_nodes;
	struct journey_link *links;
	size_t n_links;
	struct journey_mac *macs;
	size_t n_macs;

	struct journey_row *rows;
	size_t n_rows, cap_rows;

	struct journey_packet *packets;
	size_t n_packets;
	bool matched;

	double slack;
	journey_warn_fn warn;
	void *warn_arg;
	char err[JOURNEY_ERR_MAX]; /* why the last call failed */
};

void journey_init(struct journey *j);
void journey_free(struct journey *j);

/*
 * The topology, from JSON text (see main.c's help for the format);
 * name is the file's name, for messages. Returns 0, or -1 with j->err.
 */
int journey_load_topology(struct journey *j, const char *name, const char *text,
			  size_t len);

/* The node called name, or NULL. */
const struct journey_node *journey_node(const struct journey *j,
					const char *name);
/* The MAC of node:ifname given by the topology, or NULL. */
const char *journey_mac(const struct journey *j, const char *node,
			const char *ifname);
/* The other end of the link on node:port: 0 with *peer and *peer_if,
 * or -1 when no link is there. */
int journey_peer(const struct journey *j, const char *node, const char *port,
		 const char **peer, const char **peer_if);

/*
 * One line of what `hopctl -j NODE show trace` printed (line number
 * lineno of file): an array of rows, one row, or the reply's last line.
 * Rows that are not rows are skipped with a warning. Returns 0, or -1
 * with j->err when the line is no JSON, the daemon replied with an
 * error, or there are too many rows.
 */
int journey_add_line(struct journey *j, const char *file, unsigned lineno,
		     const char *line, size_t len);
/* Every line of text, as journey_add_line. */
int journey_load_trace(struct journey *j, const char *file, const char *text,
		       size_t len);
/*
 * One row object (a reference is taken); where names it in warnings.
 * Returns 1 when added, 0 when skipped with a warning, -1 with j->err
 * when there are too many rows.
 */
int journey_add_row(struct journey *j, json_t *row, const char *where);

/* Matches every row loaded into packets, in the order of their first
 * hop. May be called once. Returns 0, or -1 with j->err (no memory). */
int journey_match(struct journey *j);

/* Room for one more row in j->rows; -1 with j->err when none. */
int journey_grow_rows(struct journey *j);

/* Tells about something skipped, through j->warn. */
void journey_warnf(struct journey *j, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Sets j->err and returns -1. */
int journey_fail(struct journey *j, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
