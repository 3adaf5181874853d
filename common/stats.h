/*
 * Named counters. A daemon lists its counters once in an X-macro,
 *
 *   #define SWITCH_COUNTERS(X) X(rx_frames) X(truncated) ...
 *
 * and gets an enum of indices and an array of names from it, so every drop
 * reason is counted under a name that `show stats` reports as it is.
 */
#ifndef HOPLAB_STATS_H
#define HOPLAB_STATS_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#define STATS_ENUM(name) STAT_##name,
#define STATS_NAME(name) #name,

/* A JSON object {name: value, ...} of n counters. */
json_t *stats_json(const uint64_t *values, const char *const *names, size_t n);
/* Adds n more counters to the object obj. */
void stats_json_add(json_t *obj, const uint64_t *values,
		    const char *const *names, size_t n);

#endif
