/* The MAC address table: a chained hash over a preallocated pool. */
#include "mactable.h"

#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

/*
 * FNV-1a over the address, VLAN and a random seed: a station cannot choose
 * addresses that all land in one chain without knowing the seed.
 */
static size_t
mactable_hash(const struct mactable *t, const uint8_t *mac, uint16_t vlan)
{
	uint32_t h = 2166136261u ^ t->seed;

	for (int i = 0; i < ETHER_ADDR_LEN; i++)
		h = (h ^ mac[i]) * 16777619u;
	h = (h ^ (vlan & 0xff)) * 16777619u;
	h = (h ^ (vlan >> 8)) * 16777619u;
	return h & (t->nbuckets - 1);
}

int
mactable_init(struct mactable *t, size_t capacity, double aging)
{
	memset(t, 0, sizeof(*t));
	t->nbuckets = 16;
	while (t->nbuckets < capacity)
		t->nbuckets <<= 1;
	t->buckets = calloc(t->nbuckets, sizeof(*t->buckets));
	t->pool = calloc(capacity ? capacity : 1, sizeof(*t->pool));
	if (!t->buckets || !t->pool) {
		mactable_destroy(t);
		return -1;
	}
	for (size_t i = 0; i < capacity; i++) {
		t->pool[i].next = t->free;
		t->free = &t->pool[i];
	}
	t->capacity = capacity;
	t->aging = aging;
	if (getrandom(&t->seed, sizeof(t->seed), GRND_NONBLOCK) !=
	    sizeof(t->seed))
		t->seed = (uint32_t)(uintptr_t)t;
	return 0;
}

void
mactable_destroy(struct mactable *t)
{
	free(t->buckets);
	free(t->pool);
	memset(t, 0, sizeof(*t));
}

static int
mactable_expired(const struct mactable *t, const struct mac_entry *e,
		 double now)
{
	return t->aging > 0 && now - e->last_seen >= t->aging;
}

/* The link that points at the entry for mac, or at the chain's end. */
static struct mac_entry **
mactable_find(struct mactable *t, const uint8_t *mac, uint16_t vlan)
{
	struct mac_entry **pp = &t->buckets[mactable_hash(t, mac, vlan)];

	while (*pp && (memcmp((*pp)->mac, mac, ETHER_ADDR_LEN) != 0 ||
		       (*pp)->vlan != vlan))
		pp = &(*pp)->next;
	return pp;
}

static void
mactable_unlink(struct mactable *t, struct mac_entry **pp)
{
	struct mac_entry *e = *pp;

	*pp = e->next;
	e->next = t->free;
	t->free = e;
	t->count--;
}

enum mactable_learn_result
mactable_learn(struct mactable *t, const uint8_t *mac, uint16_t vlan, int port,
	       double now)
{
	struct mac_entry **pp = mactable_find(t, mac, vlan);
	struct mac_entry *e = *pp;

	if (e) {
		int moved = e->port != port;

		e->port = port;
		e->last_seen = now;
		return moved ? MACTABLE_MOVED : MACTABLE_REFRESHED;
	}
	if (!t->free)
		return MACTABLE_FULL;
	e = t->free;
	t->free = e->next;
	memcpy(e->mac, mac, ETHER_ADDR_LEN);
	e->vlan = vlan;
	e->port = port;
	e->last_seen = now;
	e->next = NULL;
	*pp = e;
	t->count++;
	return MACTABLE_NEW;
}

int
mactable_lookup(struct mactable *t, const uint8_t *mac, uint16_t vlan,
		double now)
{
	struct mac_entry **pp = mactable_find(t, mac, vlan);

	if (!*pp)
		return -1;
	if (mactable_expired(t, *pp, now)) {
		mactable_unlink(t, pp);
		return -1;
	}
	return (*pp)->port;
}

/* Removes the entries for which drop(entry) holds; returns how many. */
static size_t
mactable_remove_if(struct mactable *t,
		   int (*drop)(const struct mactable *,
			       const struct mac_entry *, const void *),
		   const void *arg)
{
	size_t removed = 0;

	for (size_t b = 0; b < t->nbuckets && t->count > 0; b++) {
		struct mac_entry **pp = &t->buckets[b];

		while (*pp) {
			if (drop(t, *pp, arg)) {
				mactable_unlink(t, pp);
				removed++;
			} else {
				pp = &(*pp)->next;
			}
		}
	}
	return removed;
}

static int
mactable_drop_expired(const struct mactable *t, const struct mac_entry *e,
		      const void *arg)
{
	return mactable_expired(t, e, *(const double *)arg);
}

static int
mactable_drop_port(const struct mactable *t, const struct mac_entry *e,
		   const void *arg)
{
	int port = *(const int *)arg;

	(void)t;
	return port < 0 || e->port == port;
}

size_t
mactable_age(struct mactable *t, double now)
{
	if (t->aging <= 0)
		return 0;
	return mactable_remove_if(t, mactable_drop_expired, &now);
}

size_t
mactable_flush(struct mactable *t, int port)
{
	return mactable_remove_if(t, mactable_drop_port, &port);
}

static int
mactable_cmp(const void *a, const void *b)
{
	const struct mac_entry *x = *(const struct mac_entry *const *)a;
	const struct mac_entry *y = *(const struct mac_entry *const *)b;

	if (x->port != y->port)
		return x->port < y->port ? -1 : 1;
	if (x->vlan != y->vlan)
		return x->vlan < y->vlan ? -1 : 1;
	return memcmp(x->mac, y->mac, ETHER_ADDR_LEN);
}

size_t
mactable_list(const struct mactable *t, const struct mac_entry **out,
	      size_t max)
{
	size_t n = 0;

	for (size_t b = 0; b < t->nbuckets && n < max; b++)
		for (const struct mac_entry *e = t->buckets[b]; e && n < max;
		     e = e->next)
			out[n++] = e;
	qsort(out, n, sizeof(*out), mactable_cmp);
	return n;
}
