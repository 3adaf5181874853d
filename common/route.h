/*
 * An IPv4 routing table with longest-prefix match. A path-compressed
 * binary trie holds the routes: insertions, deletions and walks cost at
 * most 33 node visits whatever the size of the table, and a full Internet
 * table (about a million prefixes) fits with one node per prefix plus as
 * many branch nodes. Past ROUTE_FIB_MIN routes, lookups go to a DIR-24-8
 * index (fib.h) kept in step with every change, which answers in one or
 * two memory reads; below half that, the index is dropped again, so a
 * small table costs no more than its trie.
 */
#ifndef HOPLAB_ROUTE_H
#define HOPLAB_ROUTE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct port;

#define ROUTE_KINDS(X)                                                         \
	X(connected)                                                           \
	X(static)

#define ROUTE_KIND_ENUM(name) ROUTE_##name,
enum route_kind { ROUTE_KINDS(ROUTE_KIND_ENUM) ROUTE_KIND_COUNT };
#undef ROUTE_KIND_ENUM

/* "connected", "static": the kind column of `show route`. */
extern const char *const route_kind_names[ROUTE_KIND_COUNT];

struct route {
	uint32_t prefix;  /* host order, host bits zero */
	unsigned len;	  /* 0..32 */
	uint32_t gateway; /* 0: the destination is on the link itself */
	struct port *port;
	enum route_kind kind;
};

struct route_table;

/* Routes past which lookups use the DIR-24-8 index. */
#define ROUTE_FIB_MIN 256

struct route_table *route_table_new(void);
void route_table_free(struct route_table *t);

/*
 * Adds r (host bits of the prefix are cleared); -1 with errno EEXIST when
 * the prefix is already there, ENOMEM when memory ran out, ENOSPC past
 * 2^25 - 1 routes, EINVAL for a length over 32.
 */
int route_add(struct route_table *t, const struct route *r);
/* Gives the route of r's prefix r's gateway, port and kind, or adds r
 * when there is none (then as route_add). */
int route_replace(struct route_table *t, const struct route *r);
/* Removes the route of exactly prefix/len; -1 with errno ENOENT if none. */
int route_del(struct route_table *t, uint32_t prefix, unsigned len);
/* The route of exactly prefix/len, or NULL. */
const struct route *route_get(const struct route_table *t, uint32_t prefix,
			      unsigned len);
/* The route with the longest prefix holding addr, or NULL. */
const struct route *route_lookup(const struct route_table *t, uint32_t addr);
/* Starts fetching what route_lookup(t, addr) will read first, so that
 * the cache miss of a large table overlaps the work done before it. */
void route_prefetch(const struct route_table *t, uint32_t addr);
size_t route_count(const struct route_table *t);
/* Bytes of memory the trie takes, and the index (0 while there is none),
 * and the index's extension tables in use. */
size_t route_bytes(const struct route_table *t);
size_t route_fib_bytes(const struct route_table *t);
size_t route_fib_tbl8(const struct route_table *t);
/* Uses the index past this many routes instead of ROUTE_FIB_MIN (0: at
 * once), as tests do. */
void route_table_set_fib_min(struct route_table *t, size_t routes);

/*
 * Calls fn for each route in prefix order (a shorter prefix before the
 * longer ones it holds); fn must not change the table. Stops when fn
 * returns non-zero and returns that value.
 */
typedef int (*route_walk_fn)(const struct route *r, void *arg);
int route_walk(const struct route_table *t, route_walk_fn fn, void *arg);

#endif
