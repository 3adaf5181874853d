/*
 * Longest-prefix match over a path-compressed binary trie, the authority,
 * with a DIR-24-8 index (fib.c) for lookups once the table is large.
 */
#include "route.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "fib.h"

#define ROUTE_KIND_NAME(name) #name,
const char *const route_kind_names[ROUTE_KIND_COUNT] = {
    ROUTE_KINDS(ROUTE_KIND_NAME)};
#undef ROUTE_KIND_NAME

/*
 * A node stands for the prefix key/len. It holds a route, or it is a
 * branch node where two subtrees part; a node without a route always has
 * two children, so the trie never holds more than twice as many nodes as
 * routes.
 */
struct route_node {
	uint32_t key;
	uint8_t len;
	bool has_route;
	uint32_t slot; /* where its route is */
	struct route_node *child[2];
};

/*
 * The routes themselves live in slots, in chunks that never move, so
 * that a lookup in the index goes from its entry straight to the route,
 * and a route stays where it is until it is deleted. A route's slot is
 * the value the index maps its addresses to; slot 0 is the default
 * route's, what addresses no other prefix holds map to. Slots are reused.
 */
#define ROUTE_CHUNK 65536u
#define ROUTE_CHUNK_BYTES (ROUTE_CHUNK * sizeof(struct route)) /* 2 MiB */

struct route_table {
	struct route_node *root;
	size_t count;
	size_t nodes;
	struct route **chunks; /* ROUTE_CHUNK slots each */
	uint32_t nchunks;
	uint32_t chunks_cap;
	uint32_t *free_slots; /* a stack of slots given back */
	uint32_t nfree;
	uint32_t free_cap;
	uint32_t slots_used; /* slots ever handed out, 0 included */
	bool has_default;    /* slot 0 holds a route */
	struct fib *fib;     /* NULL while the trie serves lookups */
	size_t fib_min;	     /* build the index past this many routes */
	bool fib_failed;     /* it could not be built: the trie serves */
};

static struct route *
route_slot(const struct route_table *t, uint32_t slot)
{
	return &t->chunks[slot / ROUTE_CHUNK][slot % ROUTE_CHUNK];
}

static uint32_t
route_mask(unsigned len)
{
	return len == 0 ? 0 : 0xffffffffu << (32 - len);
}

/* Bit i of addr, counting from the most significant (i < 32). */
static int
route_bit(uint32_t addr, unsigned i)
{
	return (int)((addr >> (31 - i)) & 1);
}

/* The length of the prefix that key/len and addr/alen share. */
static unsigned
route_common(uint32_t key, unsigned len, uint32_t addr, unsigned alen)
{
	unsigned n = len < alen ? len : alen;
	uint32_t diff = key ^ addr;
	unsigned same = diff ? (unsigned)__builtin_clz(diff) : 32;

	return same < n ? same : n;
}

static bool
route_node_holds(const struct route_node *n, uint32_t addr)
{
	return ((addr ^ n->key) & route_mask(n->len)) == 0;
}

/* --- slots ------------------------------------------------------------ */

/*
 * A chunk of slots: 2 MiB of address space of which a small table
 * touches a page or two. Past one chunk, the routes go on 2 MiB pages,
 * as the index does, so that reading the route after the index costs no
 * page walk either.
 */
static struct route *
route_chunk_new(struct route_table *t)
{
	struct route *c =
	    mmap(NULL, ROUTE_CHUNK_BYTES, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (c == MAP_FAILED)
		return NULL;
	if (t->nchunks == 1)
		fib_hugepages(t->chunks[0], ROUTE_CHUNK_BYTES);
	if (t->nchunks >= 1)
		fib_hugepages(c, ROUTE_CHUNK_BYTES);
	return c;
}

/* Makes sure a slot can be taken; -1 with errno when none can be. */
static int
route_slot_reserve(struct route_table *t)
{
	uint32_t *free_slots, free_cap = t->free_cap ? t->free_cap * 2 : 64;
	struct route **chunks;

	if (t->nfree > 0)
		return 0;
	/* Each slot handed out may come back: room for all of them. */
	if (t->slots_used >= t->free_cap) {
		free_slots =
		    realloc(t->free_slots, free_cap * sizeof(*free_slots));
		if (!free_slots)
			goto nomem;
		t->free_slots = free_slots;
		t->free_cap = free_cap;
	}
	if (t->slots_used < t->nchunks * ROUTE_CHUNK)
		return 0;
	if ((t->nchunks + 1) * ROUTE_CHUNK > FIB_VALUE_MAX + 1) {
		errno = ENOSPC;
		return -1;
	}
	if (t->nchunks == t->chunks_cap) {
		chunks = realloc(t->chunks,
				 (t->chunks_cap * 2 + 1) * sizeof(*chunks));
		if (!chunks)
			goto nomem;
		t->chunks = chunks;
		t->chunks_cap = t->chunks_cap * 2 + 1;
	}
	t->chunks[t->nchunks] = route_chunk_new(t);
	if (!t->chunks[t->nchunks])
		goto nomem;
	t->nchunks++;
	return 0;
nomem:
	errno = ENOMEM;
	return -1;
}

static uint32_t
route_slot_take(struct route_table *t)
{
	return t->nfree > 0 ? t->free_slots[--t->nfree] : t->slots_used++;
}

static void
route_slot_give(struct route_table *t, uint32_t slot)
{
	if (slot == 0)
		t->has_default = false;
	else
		t->free_slots[t->nfree++] = slot;
}

struct route_table *
route_table_new(void)
{
	struct route_table *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->fib_min = ROUTE_FIB_MIN;
	if (route_slot_reserve(t) < 0) {
		route_table_free(t);
		return NULL;
	}
	t->slots_used = 1;
	return t;
}

static void
route_node_free(struct route_node *n)
{
	if (!n)
		return;
	route_node_free(n->child[0]);
	route_node_free(n->child[1]);
	free(n);
}

void
route_table_free(struct route_table *t)
{
	if (!t)
		return;
	route_node_free(t->root);
	for (uint32_t k = 0; k < t->nchunks; k++)
		munmap(t->chunks[k], ROUTE_CHUNK_BYTES);
	free(t->chunks);
	free(t->free_slots);
	fib_free(t->fib);
	free(t);
}

/* --- the trie ------------------------------------------------------------ */

static struct route_node *
route_node_new(struct route_table *t, uint32_t key, unsigned len)
{
	struct route_node *n = calloc(1, sizeof(*n));

	if (n) {
		n->key = key & route_mask(len);
		n->len = len;
		t->nodes++;
	}
	return n;
}

/*
 * Splits the subtree at *link, whose prefix and key/len part after common
 * bits, by a node for key/len (when common == len) or a branch node.
 * Returns the node for key/len, or NULL when out of memory.
 */
static struct route_node *
route_split(struct route_table *t, struct route_node **link, uint32_t key,
	    unsigned len, unsigned common)
{
	struct route_node *old = *link, *n, *branch;

	n = route_node_new(t, key, len);
	if (!n)
		return NULL;
	if (common == len) {
		n->child[route_bit(old->key, len)] = old;
		*link = n;
		return n;
	}
	branch = route_node_new(t, key, common);
	if (!branch) {
		free(n);
		t->nodes--;
		return NULL;
	}
	branch->child[route_bit(old->key, common)] = old;
	branch->child[route_bit(key, common)] = n;
	*link = branch;
	return n;
}

/* The node for key/len, made if need be (without a route); NULL with
 * errno ENOMEM. */
static struct route_node *
route_trie_insert(struct route_table *t, uint32_t key, unsigned len)
{
	struct route_node **link = &t->root, *n;

	while ((n = *link) != NULL) {
		unsigned common = route_common(n->key, n->len, key, len);

		if (common < n->len) {
			n = route_split(t, link, key, len, common);
			break;
		}
		if (n->len == len)
			break;
		link = &n->child[route_bit(key, n->len)];
	}
	if (!n)
		n = *link = route_node_new(t, key, len);
	if (!n)
		errno = ENOMEM;
	return n;
}

/* Removes the node at *link if it no longer earns its place. */
static void
route_prune(struct route_table *t, struct route_node **link)
{
	struct route_node *n = *link;

	if (n->has_route || (n->child[0] && n->child[1]))
		return;
	*link = n->child[0] ? n->child[0] : n->child[1];
	free(n);
	t->nodes--;
}

/* Takes the route off the node for key/len, which has one, and prunes. */
static void
route_trie_remove(struct route_table *t, uint32_t key, unsigned len)
{
	struct route_node **link = &t->root, **parent = NULL;

	while ((*link)->len != len) {
		parent = link;
		link = &(*link)->child[route_bit(key, (*link)->len)];
	}
	(*link)->has_route = false;
	route_prune(t, link);
	if (parent)
		route_prune(t, parent);
}

static struct route_node *
route_node_get(const struct route_table *t, uint32_t prefix, unsigned len)
{
	struct route_node *n = t->root;
	uint32_t key = prefix & route_mask(len > 32 ? 32 : len);

	while (n && n->len <= len && route_node_holds(n, key)) {
		if (n->len == len)
			return n->has_route ? n : NULL;
		n = n->child[route_bit(key, n->len)];
	}
	return NULL;
}

/* The node of the longest route shorter than len holding key, or NULL. */
static const struct route_node *
route_node_above(const struct route_table *t, uint32_t key, unsigned len)
{
	const struct route_node *n = t->root, *best = NULL;

	while (n && n->len < len && route_node_holds(n, key)) {
		if (n->has_route)
			best = n;
		n = n->child[route_bit(key, n->len)];
	}
	return best;
}

/* --- the index ----------------------------------------------------------- */

static int
route_fib_add_node(struct fib *f, const struct route_node *n)
{
	if (!n)
		return 0;
	if (n->has_route && n->len > 0 &&
	    fib_add(f, n->key, n->len, n->slot) < 0)
		return -1;
	if (route_fib_add_node(f, n->child[0]) < 0)
		return -1;
	return route_fib_add_node(f, n->child[1]);
}

/*
 * Builds the index once the table has grown past fib_min routes, and
 * drops it when the table has shrunk below half that, so that small
 * tables cost no more than their trie. When it cannot be built, the
 * trie serves until the table shrinks and grows again.
 */
static void
route_fib_update(struct route_table *t)
{
	if (t->fib && t->count < t->fib_min / 2) {
		fib_free(t->fib);
		t->fib = NULL;
	}
	if (t->count < t->fib_min / 2)
		t->fib_failed = false;
	if (t->fib || t->fib_failed || t->count <= t->fib_min)
		return;
	t->fib = fib_new();
	if (t->fib && route_fib_add_node(t->fib, t->root) == 0)
		return;
	fib_free(t->fib);
	t->fib = NULL;
	t->fib_failed = true;
}

void
route_table_set_fib_min(struct route_table *t, size_t routes)
{
	t->fib_min = routes;
	route_fib_update(t);
}

/* --- the table ----------------------------------------------------------- */

int
route_add(struct route_table *t, const struct route *r)
{
	struct route_node *n;
	uint32_t key;

	if (r->len > 32) {
		errno = EINVAL;
		return -1;
	}
	key = r->prefix & route_mask(r->len);
	if (route_slot_reserve(t) < 0 ||
	    (n = route_trie_insert(t, key, r->len)) == NULL)
		return -1;
	if (n->has_route) {
		errno = EEXIST;
		return -1;
	}
	n->has_route = true;
	n->slot = r->len ? route_slot_take(t) : 0;
	if (t->fib && n->slot && fib_add(t->fib, key, r->len, n->slot) < 0) {
		route_slot_give(t, n->slot);
		route_trie_remove(t, key, r->len);
		errno = ENOMEM;
		return -1;
	}
	*route_slot(t, n->slot) = *r;
	route_slot(t, n->slot)->prefix = key;
	if (n->slot == 0)
		t->has_default = true;
	t->count++;
	route_fib_update(t);
	return 0;
}

int
route_replace(struct route_table *t, const struct route *r)
{
	struct route_node *n =
	    r->len > 32 ? NULL : route_node_get(t, r->prefix, r->len);

	if (!n)
		return route_add(t, r);
	route_slot(t, n->slot)->gateway = r->gateway;
	route_slot(t, n->slot)->port = r->port;
	route_slot(t, n->slot)->kind = r->kind;
	return 0;
}

int
route_del(struct route_table *t, uint32_t prefix, unsigned len)
{
	struct route_node *n = route_node_get(t, prefix, len);
	const struct route_node *above;

	if (!n) {
		errno = ENOENT;
		return -1;
	}
	if (t->fib && n->slot) {
		above = route_node_above(t, n->key, len);
		fib_del(t->fib, n->key, len, n->slot, above ? above->slot : 0,
			above ? above->len : 0);
	}
	route_slot_give(t, n->slot);
	route_trie_remove(t, n->key, len);
	t->count--;
	route_fib_update(t);
	return 0;
}

const struct route *
route_get(const struct route_table *t, uint32_t prefix, unsigned len)
{
	const struct route_node *n = route_node_get(t, prefix, len);

	return n ? route_slot(t, n->slot) : NULL;
}

const struct route *
route_lookup(const struct route_table *t, uint32_t addr)
{
	const struct route_node *n = t->root, *best = NULL;
	uint32_t slot;

	if (t->fib) {
		slot = fib_lookup(t->fib, addr);
		return slot || t->has_default ? route_slot(t, slot) : NULL;
	}
	while (n && route_node_holds(n, addr)) {
		if (n->has_route)
			best = n;
		if (n->len == 32)
			break;
		n = n->child[route_bit(addr, n->len)];
	}
	return best ? route_slot(t, best->slot) : NULL;
}

void
route_prefetch(const struct route_table *t, uint32_t addr)
{
	/* Nothing waits for these loads: the work after the call goes on
	 * while they miss, and by the lookup the route is on its way. */
	if (t->fib)
		__builtin_prefetch(route_slot(t, fib_lookup(t->fib, addr)));
}

size_t
route_count(const struct route_table *t)
{
	return t->count;
}

size_t
route_bytes(const struct route_table *t)
{
	/* One chunk: the pages its slots have touched; more: all of them. */
	size_t slots =
	    t->nchunks > 1
		? (size_t)t->nchunks * ROUTE_CHUNK_BYTES
		: ((size_t)t->slots_used * sizeof(struct route) + 4095) / 4096 *
		      4096;

	return sizeof(*t) + t->nodes * sizeof(struct route_node) +
	       t->chunks_cap * sizeof(*t->chunks) + slots +
	       (size_t)t->free_cap * sizeof(*t->free_slots);
}

size_t
route_fib_bytes(const struct route_table *t)
{
	return t->fib ? fib_bytes(t->fib) : 0;
}

size_t
route_fib_tbl8(const struct route_table *t)
{
	return t->fib ? fib_tbl8_count(t->fib) : 0;
}

static int
route_walk_node(const struct route_table *t, const struct route_node *n,
		route_walk_fn fn, void *arg)
{
	int rc;

	if (!n)
		return 0;
	if (n->has_route && (rc = fn(route_slot(t, n->slot), arg)) != 0)
		return rc;
	if ((rc = route_walk_node(t, n->child[0], fn, arg)) != 0)
		return rc;
	return route_walk_node(t, n->child[1], fn, arg);
}

int
route_walk(const struct route_table *t, route_walk_fn fn, void *arg)
{
	return route_walk_node(t, t->root, fn, arg);
}
