/*
 * Impairments: what a bad link does to the frames that leave a port —
 * delay with jitter, loss, duplication, reordering, corruption and a rate
 * limit — as tc's netem does, but in the daemons' own port layer (the
 * ports bypass the kernel's queueing disciplines, and the kernel may not
 * have sch_netem at all).
 *
 * A spec is the words of `impair NODE:IF ...` in a topology file and of
 * `set impair PORT ...`, with units as tc writes them:
 *
 *   delay D [jitter J]   hold each frame D (50ms, 1.5s, 200us), give or
 *                        take a uniform J; never below zero, and frames
 *                        whose delays cross leave in their new order
 *   loss P%              drop a frame with probability P
 *   duplicate P%         send a frame twice
 *   reorder P%           send a frame at once, ahead of the frames still
 *                        held by the delay (nothing to overtake without one)
 *   corrupt P%           flip one random bit after the Ethernet header
 *   rate R               a token bucket (500kbit, 10mbit, 1gbit; bps is
 *                        bytes a second): frames wait for it, and one that
 *                        would wait more than IMPAIR_RATE_BACKLOG is dropped
 *   limit N              frames held at most (default 1000)
 *   seed N               the generator's seed (default: from the node's
 *                        and the port's names, so that the same spec on
 *                        the same port repeats, and two ports differ)
 *
 * Every frame draws the same six numbers from the stage's generator
 * (xoshiro256**, seeded through splitmix64), whatever the spec, so the
 * same seed and spec give the same decisions for the same sequence of
 * frames, and switching one impairment on never moves another's
 * decisions. A frame due at once leaves at once, as it came (no copy);
 * one that waits is copied into the delay queue (a binary heap by due
 * time, then arrival), which a libev timer serves.
 */
#ifndef HOPLAB_IMPAIR_H
#define HOPLAB_IMPAIR_H

#include <ev.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define IMPAIR_NS_PER_SEC 1000000000ULL
#define IMPAIR_TIME_MAX (3600 * IMPAIR_NS_PER_SEC) /* a delay or jitter */
#define IMPAIR_RATE_MAX 1000000000000000ULL	   /* bit/s */
#define IMPAIR_LIMIT_DEFAULT 1000
#define IMPAIR_LIMIT_MAX 1000000
#define IMPAIR_BYTES_MAX ((size_t)64 << 20) /* held, whatever the limit */
/* The longest a frame may wait for the rate's bucket before it is
 * dropped instead (as tbf's latency). */
#define IMPAIR_RATE_BACKLOG (200 * 1000000ULL)
/* A percentage's unit: 1e-7 %, so that 100% is 1e9 and text written
 * back reads the same. */
#define IMPAIR_PCT 10000000U
#define IMPAIR_TEXT_MAX 256 /* a spec as text, with its NUL */
#define IMPAIR_ERR_MAX 160

struct impair_spec {
	uint64_t delay;	 /* ns */
	uint64_t jitter; /* ns; only with a delay */
	/* Probabilities in IMPAIR_PCT units: 10% is 10 * IMPAIR_PCT. */
	uint32_t loss, duplicate, reorder, corrupt;
	uint64_t rate;	/* bit/s; 0: none */
	uint32_t limit; /* 0: IMPAIR_LIMIT_DEFAULT */
	bool has_seed;
	uint64_t seed;
};

/*
 * Reads the words argv[0..argc) as a spec into *spec (each keyword at most
 * once, at least one). -1 with a message in err when they are not one.
 */
int impair_spec_parse(int argc, char *const *argv, struct impair_spec *spec,
		      char *err, size_t errlen);
/*
 * The spec as words in a fixed order, units as tc writes them ("delay
 * 50ms jitter 5ms loss 10% rate 10mbit seed 7"), which read back give the
 * same spec. Returns the length, as snprintf.
 */
int impair_spec_format(const struct impair_spec *spec, char *buf, size_t size);
/* The seed a port called name gets when the spec names none. */
uint64_t impair_seed_of(const char *name);

/* What the stage did to the frames it was given, and why it dropped. */
struct impair_counters {
	uint64_t loss;	       /* lost (loss P%) */
	uint64_t delayed;      /* held before they left (delay, rate) */
	uint64_t duplicated;   /* sent twice */
	uint64_t reordered;    /* sent ahead of the delay (reorder P%) */
	uint64_t corrupted;    /* a bit flipped */
	uint64_t rate_dropped; /* would have waited too long for the rate */
	uint64_t queue_full;   /* the delay queue was full (limit, memory) */
};

/* How the stage sends a frame and tells the time. */
struct impair_io {
	/* Sends one frame now; -1 when it could not (the owner counts it). */
	int (*out)(void *arg, const uint8_t *frame, size_t len);
	/* Monotonic nanoseconds; NULL: CLOCK_MONOTONIC. */
	uint64_t (*now)(void *arg);
	void *arg;
};

/* What became of one frame. */
enum impair_fate {
	IMPAIR_SENT,	     /* left now (twice when duplicated) */
	IMPAIR_HELD,	     /* in the delay queue */
	IMPAIR_LOST,	     /* loss */
	IMPAIR_RATE_DROPPED, /* the rate's backlog was too long */
	IMPAIR_QUEUE_FULL,   /* no room to hold it */
	IMPAIR_OUT_FAILED,   /* io.out refused it */
};

struct impair;

/*
 * A stage that passes every frame on unchanged until impair_set(); with a
 * loop, a timer sends the held frames when they are due; without one (the
 * tests), impair_run() does, when called. NULL without memory.
 */
struct impair *impair_new(struct ev_loop *loop, const struct impair_io *io);
/* Stops the timer; the frames still held are dropped, as a cut wire's. */
void impair_free(struct impair *imp);
/*
 * Impairs from now on as spec says (which must name a seed), the
 * generator and the bucket starting afresh; frames already held leave
 * when they were due.
 */
void impair_set(struct impair *imp, const struct impair_spec *spec);
/* No more impairments: the frames held leave now, in their order. */
void impair_clear(struct impair *imp);
/* Is a spec set? */
bool impair_active(const struct impair *imp);
const struct impair_spec *impair_spec_of(const struct impair *imp);
const struct impair_counters *impair_counters_of(const struct impair *imp);
/* Frames in the delay queue. */
size_t impair_held(const struct impair *imp);

/*
 * Hands one frame to the stage, which sends it now (through io.out),
 * holds a copy for later, or drops it; *wait (may be NULL) is how long it
 * is held, in ns. The frame is the caller's again on return.
 */
enum impair_fate impair_frame(struct impair *imp, const uint8_t *frame,
			      size_t len, uint64_t *wait);
/* Sends the held frames that are due by now. */
void impair_run(struct impair *imp);
/* When the first held frame is due (ns), UINT64_MAX when none is held. */
uint64_t impair_next_due(const struct impair *imp);

#endif
