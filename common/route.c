/* Longest-prefix match over a path-compressed binary trie. */
#include "route.h"

#include <errno.h>
#include <stdlib.h>

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
	unsigned len;
	bool has_route;
	struct route route;
	struct route_node *child[2];
};

struct route_table {
	struct route_node *root;
	size_t count;
};

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

struct route_table *
route_table_new(void)
{
	return calloc(1, sizeof(struct route_table));
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
	free(t);
}

static struct route_node *
route_node_new(uint32_t key, unsigned len)
{
	struct route_node *n = calloc(1, sizeof(*n));

	if (n) {
		n->key = key & route_mask(len);
		n->len = len;
	}
	return n;
}

/*
 * Splits the subtree at *link, whose prefix and key/len part after common
 * bits, by a node for key/len (when common == len) or a branch node.
 * Returns the node for key/len, or NULL when out of memory.
 */
static struct route_node *
route_split(struct route_node **link, uint32_t key, unsigned len,
	    unsigned common)
{
	struct route_node *old = *link, *n, *branch;

	n = route_node_new(key, len);
	if (!n)
		return NULL;
	if (common == len) {
		n->child[route_bit(old->key, len)] = old;
		*link = n;
		return n;
	}
	branch = route_node_new(key, common);
	if (!branch) {
		free(n);
		return NULL;
	}
	branch->child[route_bit(old->key, common)] = old;
	branch->child[route_bit(key, common)] = n;
	*link = branch;
	return n;
}

int
route_add(struct route_table *t, const struct route *r)
{
	struct route_node **link = &t->root, *n;
	uint32_t key;

	if (r->len > 32) {
		errno = EINVAL;
		return -1;
	}
	key = r->prefix & route_mask(r->len);
	while ((n = *link) != NULL) {
		unsigned common = route_common(n->key, n->len, key, r->len);

		if (common < n->len) {
			n = route_split(link, key, r->len, common);
			break;
		}
		if (n->len == r->len)
			break;
		link = &n->child[route_bit(key, n->len)];
	}
	if (!n)
		n = *link = route_node_new(key, r->len);
	if (!n) {
		errno = ENOMEM;
		return -1;
	}
	if (n->has_route) {
		errno = EEXIST;
		return -1;
	}
	n->has_route = true;
	n->route = *r;
	n->route.prefix = key;
	t->count++;
	return 0;
}

/* Removes the node at *link if it no longer earns its place. */
static void
route_prune(struct route_node **link)
{
	struct route_node *n = *link;

	if (n->has_route || (n->child[0] && n->child[1]))
		return;
	*link = n->child[0] ? n->child[0] : n->child[1];
	free(n);
}

int
route_del(struct route_table *t, uint32_t prefix, unsigned len)
{
	struct route_node **link = &t->root, **parent = NULL, *n;
	uint32_t key = prefix & route_mask(len > 32 ? 32 : len);

	while ((n = *link) != NULL && n->len <= len &&
	       route_node_holds(n, key)) {
		if (n->len == len)
			break;
		parent = link;
		link = &n->child[route_bit(key, n->len)];
	}
	if (!n || n->len != len || !n->has_route || !route_node_holds(n, key)) {
		errno = ENOENT;
		return -1;
	}
	n->has_route = false;
	t->count--;
	route_prune(link);
	if (parent)
		route_prune(parent);
	return 0;
}

const struct route *
route_get(const struct route_table *t, uint32_t prefix, unsigned len)
{
	const struct route_node *n = t->root;
	uint32_t key = prefix & route_mask(len > 32 ? 32 : len);

	while (n && n->len <= len && route_node_holds(n, key)) {
		if (n->len == len)
			return n->has_route ? &n->route : NULL;
		n = n->child[route_bit(key, n->len)];
	}
	return NULL;
}

const struct route *
route_lookup(const struct route_table *t, uint32_t addr)
{
	const struct route_node *n = t->root;
	const struct route *best = NULL;

	while (n && route_node_holds(n, addr)) {
		if (n->has_route)
			best = &n->route;
		if (n->len == 32)
			break;
		n = n->child[route_bit(addr, n->len)];
	}
	return best;
}

size_t
route_count(const struct route_table *t)
{
	return t->count;
}

static int
route_walk_node(const struct route_node *n, route_walk_fn fn, void *arg)
{
	int rc;

	if (!n)
		return 0;
	if (n->has_route && (rc = fn(&n->route, arg)) != 0)
		return rc;
	if ((rc = route_walk_node(n->child[0], fn, arg)) != 0)
		return rc;
	return route_walk_node(n->child[1], fn, arg);
}

int
route_walk(const struct route_table *t, route_walk_fn fn, void *arg)
{
	return route_walk_node(t->root, fn, arg);
}
