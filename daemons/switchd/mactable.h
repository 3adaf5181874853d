/*
 * The MAC address table of a learning bridge (IEEE 802.1D 7.8): which port
 * each station was last seen on, per VLAN. Bounded, with entries preallocated
 * so that learning never allocates; time is passed in, so tests control it.
 */
#ifndef HOPLAB_MACTABLE_H
#define HOPLAB_MACTABLE_H

#include <stddef.h>
#include <stdint.h>

#include "ether.h"

#define MACTABLE_DEFAULT_CAPACITY 65536
#define MACTABLE_DEFAULT_AGING 300.0

struct mac_entry {
	uint8_t mac[ETHER_ADDR_LEN];
	uint16_t vlan;
	int port;
	double last_seen;
	struct mac_entry *next; /* in a hash chain, or on the free list */
};

struct mactable {
	struct mac_entry **buckets;
	size_t nbuckets; /* a power of two */
	struct mac_entry *pool;
	struct mac_entry *free;
	size_t capacity;
	size_t count;
	double aging; /* seconds; 0 means entries never age */
	uint32_t seed;
};

enum mactable_learn_result {
	MACTABLE_NEW,
	MACTABLE_REFRESHED,
	MACTABLE_MOVED, /* the station now appears on another port */
	MACTABLE_FULL,	/* not learned: the table is full */
};

int mactable_init(struct mactable *t, size_t capacity, double aging);
void mactable_destroy(struct mactable *t);
/* Records that mac (on vlan) was seen on port at time now. */
enum mactable_learn_result mactable_learn(struct mactable *t,
					  const uint8_t *mac, uint16_t vlan,
					  int port, double now);
/* The port of mac, or -1 when unknown or aged out. */
int mactable_lookup(struct mactable *t, const uint8_t *mac, uint16_t vlan,
		    double now);
/* Removes every entry older than the aging time; returns how many. */
size_t mactable_age(struct mactable *t, double now);
/* Removes the entries of port, or all entries when port < 0. */
size_t mactable_flush(struct mactable *t, int port);
/*
 * Fills out with pointers to at most max entries, sorted by port, VLAN and
 * MAC; returns how many.
 */
size_t mactable_list(const struct mactable *t, const struct mac_entry **out,
		     size_t max);

#endif
