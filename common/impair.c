/* Impairments on a port's egress: the spec, the generator, the stage. */
#include "impair.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "ether.h"

/* A full-size frame: 1500 bytes of payload, a header and a VLAN tag. */
#define IMPAIR_FULL_FRAME (1500 + ETHER_HDR_LEN + ETHER_VLAN_HDR_LEN)

/* --- the spec ------------------------------------------------------------ */

struct impair_unit {
	const char *suffix;
	double scale;
};

static const struct impair_unit impair_time_units[] = {
    {"s", 1e9},	    {"sec", 1e9}, {"secs", 1e9}, {"ms", 1e6},	 {"msec", 1e6},
    {"msecs", 1e6}, {"us", 1e3},  {"usec", 1e3}, {"usecs", 1e3}, {NULL, 0},
};

/* tc's units: bit and its multiples, bps (bytes) and theirs, SI or IEC. */
static const struct impair_unit impair_rate_units[] = {
    {"bit", 1},
    {"kbit", 1e3},
    {"mbit", 1e6},
    {"gbit", 1e9},
    {"tbit", 1e12},
    {"kibit", 1024.0},
    {"mibit", 1024.0 * 1024},
    {"gibit", 1024.0 * 1024 * 1024},
    {"tibit", 1024.0 * 1024 * 1024 * 1024},
    {"bps", 8},
    {"kbps", 8e3},
    {"mbps", 8e6},
    {"gbps", 8e9},
    {"tbps", 8e12},
    {"kibps", 8 * 1024.0},
    {"mibps", 8 * 1024.0 * 1024},
    {"gibps", 8 * 1024.0 * 1024 * 1024},
    {"tibps", 8 * 1024.0 * 1024 * 1024 * 1024},
    {NULL, 0},
};

static const struct impair_unit impair_pct_units[] = {
    {"%", IMPAIR_PCT},
    {"", IMPAIR_PCT},
    {NULL, 0},
};

/*
 * A decimal number (digits, at most one '.', at least one digit: no sign,
 * exponent, hex, inf or nan, which strtod alone would take) followed by
 * one of units' suffixes (matched ignoring case), scaled and rounded to a
 * whole number of at most max. -1 when it is not one.
 */
static int
impair_scaled(const char *s, const struct impair_unit *units, double max,
	      uint64_t *out)
{
	size_t n = 0, digits = 0;
	bool dot = false;
	double v;

	for (;; n++) {
		if (s[n] >= '0' && s[n] <= '9')
			digits++;
		else if (s[n] == '.' && !dot)
			dot = true;
		else
			break;
	}
	if (digits == 0 || n > 64)
		return -1;
	v = strtod(s, NULL);
	for (; units->suffix; units++) {
		if (strcasecmp(s + n, units->suffix) != 0)
			continue;
		v = v * units->scale + 0.5;
		if (!(v >= 0 && v < max + 1))
			return -1;
		*out = (uint64_t)v;
		return 0;
	}
	return -1;
}

/* A whole decimal number in [min, max]. */
static int
impair_whole(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	unsigned long long v;
	char *end;

	if (!(*s >= '0' && *s <= '9'))
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (*end || errno || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

static int __attribute__((format(printf, 3, 4)))
impair_error(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

enum {
	IMPAIR_KW_DELAY,
	IMPAIR_KW_JITTER,
	IMPAIR_KW_LOSS,
	IMPAIR_KW_DUPLICATE,
	IMPAIR_KW_REORDER,
	IMPAIR_KW_CORRUPT,
	IMPAIR_KW_RATE,
	IMPAIR_KW_LIMIT,
	IMPAIR_KW_SEED,
	IMPAIR_KW_COUNT,
};

static const char *const impair_keywords[IMPAIR_KW_COUNT] = {
    "delay",   "jitter", "loss",  "duplicate", "reorder",
    "corrupt", "rate",	 "limit", "seed",
};

/* One keyword's value into spec; -1 with a message. */
static int
impair_value(int kw, const char *v, struct impair_spec *spec, char *err,
	     size_t errlen)
{
	uint32_t *pct[] = {
	    [IMPAIR_KW_LOSS] = &spec->loss,
	    [IMPAIR_KW_DUPLICATE] = &spec->duplicate,
	    [IMPAIR_KW_REORDER] = &spec->reorder,
	    [IMPAIR_KW_CORRUPT] = &spec->corrupt,
	};
	uint64_t x;

	switch (kw) {
	case IMPAIR_KW_DELAY:
	case IMPAIR_KW_JITTER:
		if (impair_scaled(v, impair_time_units, (double)IMPAIR_TIME_MAX,
				  &x) < 0)
			return impair_error(
			    err, errlen,
			    "%s: bad time '%s' (such as 50ms, 1.5s or 200us; "
			    "at most 1h)",
			    impair_keywords[kw], v);
		*(kw == IMPAIR_KW_DELAY ? &spec->delay : &spec->jitter) = x;
		return 0;
	case IMPAIR_KW_LOSS:
	case IMPAIR_KW_DUPLICATE:
	case IMPAIR_KW_REORDER:
	case IMPAIR_KW_CORRUPT:
		if (impair_scaled(v, impair_pct_units, 100.0 * IMPAIR_PCT, &x) <
		    0)
			return impair_error(
			    err, errlen,
			    "%s: bad percentage '%s' (0%% to 100%%, such as "
			    "10%%)",
			    impair_keywords[kw], v);
		*pct[kw] = (uint32_t)x;
		return 0;
	case IMPAIR_KW_RATE:
		if (impair_scaled(v, impair_rate_units, (double)IMPAIR_RATE_MAX,
				  &x) < 0 ||
		    x == 0)
			return impair_error(err, errlen,
					    "rate: bad rate '%s' (such as "
					    "500kbit, 10mbit or 1gbit)",
					    v);
		spec->rate = x;
		return 0;
	case IMPAIR_KW_LIMIT:
		if (impair_whole(v, 1, IMPAIR_LIMIT_MAX, &x) < 0)
			return impair_error(err, errlen,
					    "limit: bad number of frames '%s' "
					    "(1 to %d)",
					    v, IMPAIR_LIMIT_MAX);
		spec->limit = (uint32_t)x;
		return 0;
	default:
		if (impair_whole(v, 0, UINT64_MAX, &x) < 0)
			return impair_error(err, errlen,
					    "seed: bad seed '%s' (a whole "
					    "number, 0 to 2^64-1)",
					    v);
		spec->seed = x;
		spec->has_seed = true;
		return 0;
	}
}

int
impair_spec_parse(int argc, char *const *argv, struct impair_spec *spec,
		  char *err, size_t errlen)
{
	bool seen[IMPAIR_KW_COUNT] = {false};
	int kw;

	memset(spec, 0, sizeof(*spec));
	if (argc == 0)
		return impair_error(err, errlen,
				    "no impairment given (delay, jitter, loss, "
				    "duplicate, reorder, corrupt, rate, limit, "
				    "seed)");
	for (int i = 0; i < argc; i += 2) {
		for (kw = 0; kw < IMPAIR_KW_COUNT; kw++)
			if (strcmp(argv[i], impair_keywords[kw]) == 0)
				break;
		if (kw == IMPAIR_KW_COUNT)
			return impair_error(
			    err, errlen,
			    "unknown impairment '%s' (delay, jitter, loss, "
			    "duplicate, reorder, corrupt, rate, limit, seed)",
			    argv[i]);
		if (seen[kw])
			return impair_error(err, errlen, "%s given twice",
					    argv[i]);
		seen[kw] = true;
		if (i + 1 == argc)
			return impair_error(err, errlen, "%s needs a value",
					    argv[i]);
		if (impair_value(kw, argv[i + 1], spec, err, errlen) < 0)
			return -1;
	}
	if (seen[IMPAIR_KW_JITTER] && !seen[IMPAIR_KW_DELAY])
		return impair_error(err, errlen,
				    "jitter needs a delay (delay D jitter J)");
	return 0;
}

/* ns as tc writes a time: 50ms, 1.5s, 200us, 0.5us. */
static int
impair_time_text(char *buf, size_t size, uint64_t ns)
{
	uint64_t unit = ns >= IMPAIR_NS_PER_SEC ? IMPAIR_NS_PER_SEC
			: ns >= 1000000		? 1000000
						: 1000;
	const char *suffix = unit == IMPAIR_NS_PER_SEC ? "s"
			     : unit == 1000000	       ? "ms"
						       : "us";
	uint64_t frac = ns % unit;
	int width = unit == IMPAIR_NS_PER_SEC ? 9 : unit == 1000000 ? 6 : 3;
	char digits[16];
	int n;

	if (!frac)
		return snprintf(buf, size, "%" PRIu64 "%s", ns / unit, suffix);
	n = snprintf(digits, sizeof(digits), "%0*" PRIu64, width, frac);
	while (n > 0 && digits[n - 1] == '0')
		digits[--n] = '\0';
	return snprintf(buf, size, "%" PRIu64 ".%s%s", ns / unit, digits,
			suffix);
}

/* A percentage in IMPAIR_PCT units: 10%, 0.5%. */
static int
impair_pct_text(char *buf, size_t size, uint32_t v)
{
	char digits[16];
	int n;

	if (v % IMPAIR_PCT == 0)
		return snprintf(buf, size, "%u%%", v / IMPAIR_PCT);
	n = snprintf(digits, sizeof(digits), "%07u", v % IMPAIR_PCT);
	while (n > 0 && digits[n - 1] == '0')
		digits[--n] = '\0';
	return snprintf(buf, size, "%u.%s%%", v / IMPAIR_PCT, digits);
}

static int
impair_rate_text(char *buf, size_t size, uint64_t bps)
{
	static const struct {
		uint64_t scale;
		const char *suffix;
	} units[] = {
	    {1000000000000ULL, "tbit"},
	    {1000000000ULL, "gbit"},
	    {1000000ULL, "mbit"},
	    {1000ULL, "kbit"},
	};

	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (bps % units[i].scale == 0)
			return snprintf(buf, size, "%" PRIu64 "%s",
					bps / units[i].scale, units[i].suffix);
	return snprintf(buf, size, "%" PRIu64 "bit", bps);
}

/* Appends to the text being built in out[size] at *n, cut at its end. */
static void __attribute__((format(printf, 4, 5)))
impair_add(char *out, size_t size, size_t *n, const char *fmt, ...)
{
	va_list ap;
	int k;

	if (*n >= size - 1)
		return;
	va_start(ap, fmt);
	k = vsnprintf(out + *n, size - *n, fmt, ap);
	va_end(ap);
	if (k > 0)
		*n = *n + (size_t)k < size ? *n + (size_t)k : size - 1;
}

int
impair_spec_format(const struct impair_spec *spec, char *buf, size_t size)
{
	const struct {
		const char *name;
		uint32_t v;
	} pcts[] = {
	    {"loss", spec->loss},
	    {"duplicate", spec->duplicate},
	    {"reorder", spec->reorder},
	    {"corrupt", spec->corrupt},
	};
	char out[IMPAIR_TEXT_MAX], v[48];
	size_t n = 0;

	out[0] = '\0';
	/* A jitter around no delay is a delay of 0 to the jitter. */
	if (spec->delay || spec->jitter) {
		impair_time_text(v, sizeof(v), spec->delay);
		impair_add(out, sizeof(out), &n, " delay %s", v);
		if (spec->jitter) {
			impair_time_text(v, sizeof(v), spec->jitter);
			impair_add(out, sizeof(out), &n, " jitter %s", v);
		}
	}
	for (size_t i = 0; i < sizeof(pcts) / sizeof(pcts[0]); i++) {
		if (!pcts[i].v)
			continue;
		impair_pct_text(v, sizeof(v), pcts[i].v);
		impair_add(out, sizeof(out), &n, " %s %s", pcts[i].name, v);
	}
	if (spec->rate) {
		impair_rate_text(v, sizeof(v), spec->rate);
		impair_add(out, sizeof(out), &n, " rate %s", v);
	}
	if (spec->limit)
		impair_add(out, sizeof(out), &n, " limit %" PRIu32,
			   spec->limit);
	if (spec->has_seed)
		impair_add(out, sizeof(out), &n, " seed %" PRIu64, spec->seed);
	return snprintf(buf, size, "%s", out[0] ? out + 1 : "");
}

uint64_t
impair_seed_of(const char *name)
{
	uint64_t h = 0xcbf29ce484222325ULL; /* FNV-1a */

	for (; *name; name++)
		h = (h ^ (uint8_t)*name) * 0x100000001b3ULL;
	/* Short enough to read and type again. */
	return h % 1000000;
}

/* --- the generator --------------------------------------------------- */

struct impair_rng {
	uint64_t s[4];
};

static uint64_t
impair_splitmix(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static void
impair_rng_seed(struct impair_rng *g, uint64_t seed)
{
	for (int i = 0; i < 4; i++)
		g->s[i] = impair_splitmix(&seed);
}

static uint64_t
impair_rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

/* xoshiro256**: small, fast, and the same everywhere for a given seed. */
static uint64_t
impair_rng_next(struct impair_rng *g)
{
	uint64_t *s = g->s, result = impair_rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = impair_rotl(s[3], 45);
	return result;
}

/* What one frame drew, in a fixed order, whatever the spec. */
struct impair_draws {
	uint64_t loss, corrupt, duplicate, reorder, jitter, bit;
};

static void
impair_draw(struct impair_rng *g, struct impair_draws *x)
{
	x->loss = impair_rng_next(g);
	x->corrupt = impair_rng_next(g);
	x->duplicate = impair_rng_next(g);
	x->reorder = impair_rng_next(g);
	x->jitter = impair_rng_next(g);
	x->bit = impair_rng_next(g);
}

/* Does a draw fall below a probability in IMPAIR_PCT units? 100% always
 * does, 0% never; exact, in whole numbers. */
static bool
impair_hit(uint64_t draw, uint32_t pct)
{
	return (draw >> 32) * (100ULL * IMPAIR_PCT) < (uint64_t)pct << 32;
}

/* --- held frames --------------------------------------------------- */

struct impair_held {
	uint64_t due; /* ns */
	uint64_t seq; /* frames due at the same time keep their order */
	uint8_t *data;
	size_t len;
};

struct impair {
	struct impair_io io;
	struct ev_loop *loop;
	ev_timer timer;
	bool active;
	struct impair_spec spec;
	struct impair_counters cnt;
	struct impair_rng rng;
	uint64_t tat; /* the bucket's theoretical arrival time, ns */
	struct impair_held *heap;
	size_t n, cap;
	size_t bytes;
	uint64_t seq;
	uint8_t *scratch; /* a corrupted frame that leaves at once */
	size_t scratch_len;
};

static bool
impair_before(const struct impair_held *x, const struct impair_held *y)
{
	return x->due < y->due || (x->due == y->due && x->seq < y->seq);
}

static void
impair_swap(struct impair *imp, size_t i, size_t j)
{
	struct impair_held t = imp->heap[i];

	imp->heap[i] = imp->heap[j];
	imp->heap[j] = t;
}

static size_t
impair_limit(const struct impair *imp)
{
	return imp->spec.limit ? imp->spec.limit : IMPAIR_LIMIT_DEFAULT;
}

/* Copies the frame into the queue; -1 when the limits or memory say no. */
static int
impair_push(struct impair *imp, uint64_t due, const uint8_t *frame, size_t len)
{
	size_t i = imp->n;
	uint8_t *data;

	if (imp->n >= impair_limit(imp) || len > IMPAIR_BYTES_MAX - imp->bytes)
		return -1;
	if (imp->n == imp->cap) {
		size_t cap = imp->cap ? imp->cap * 2 : 64;
		struct impair_held *heap =
		    realloc(imp->heap, cap * sizeof(*heap));

		if (!heap)
			return -1;
		imp->heap = heap;
		imp->cap = cap;
	}
	data = malloc(len ? len : 1);
	if (!data)
		return -1;
	memcpy(data, frame, len);
	imp->heap[i] = (struct impair_held){
	    .due = due, .seq = imp->seq++, .data = data, .len = len};
	imp->n++;
	imp->bytes += len;
	while (i > 0 && impair_before(&imp->heap[i], &imp->heap[(i - 1) / 2])) {
		impair_swap(imp, i, (i - 1) / 2);
		i = (i - 1) / 2;
	}
	return 0;
}

/* Takes the earliest frame out; the caller owns its data. */
static void
impair_pop(struct impair *imp, struct impair_held *out)
{
	size_t i = 0;

	*out = imp->heap[0];
	imp->bytes -= out->len;
	imp->heap[0] = imp->heap[--imp->n];
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;

		if (l < imp->n && impair_before(&imp->heap[l], &imp->heap[m]))
			m = l;
		if (r < imp->n && impair_before(&imp->heap[r], &imp->heap[m]))
			m = r;
		if (m == i)
			return;
		impair_swap(imp, i, m);
		i = m;
	}
}

/* --- the stage ------------------------------------------------------ */

static uint64_t
impair_now(const struct impair *imp)
{
	struct timespec ts;

	if (imp->io.now)
		return imp->io.now(imp->io.arg);
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * IMPAIR_NS_PER_SEC + (uint64_t)ts.tv_nsec;
}

uint64_t
impair_next_due(const struct impair *imp)
{
	return imp->n ? imp->heap[0].due : UINT64_MAX;
}

/* The timer fires when the first held frame is due. */
static void
impair_arm(struct impair *imp, uint64_t now)
{
	uint64_t due = impair_next_due(imp);

	if (!imp->loop)
		return;
	ev_timer_stop(imp->loop, &imp->timer);
	if (due == UINT64_MAX)
		return;
	ev_timer_set(&imp->timer,
		     due > now ? (double)(due - now) / IMPAIR_NS_PER_SEC : 0.0,
		     0.0);
	ev_timer_start(imp->loop, &imp->timer);
}

/* Sends what is due by now; a frame that cannot leave is gone, as on a
 * wire (the owner's out counts it). */
static void
impair_release(struct impair *imp, uint64_t now)
{
	while (imp->n && imp->heap[0].due <= now) {
		struct impair_held h;

		impair_pop(imp, &h);
		imp->io.out(imp->io.arg, h.data, h.len);
		free(h.data);
	}
}

void
impair_run(struct impair *imp)
{
	uint64_t now = impair_now(imp);

	impair_release(imp, now);
	impair_arm(imp, now);
}

static void
impair_timer_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	(void)loop;
	(void)revents;
	impair_run(w->data);
}

struct impair *
impair_new(struct ev_loop *loop, const struct impair_io *io)
{
	struct impair *imp = calloc(1, sizeof(*imp));

	if (!imp)
		return NULL;
	imp->io = *io;
	imp->loop = loop;
	ev_init(&imp->timer, impair_timer_cb);
	imp->timer.data = imp;
	return imp;
}

void
impair_free(struct impair *imp)
{
	if (!imp)
		return;
	if (imp->loop)
		ev_timer_stop(imp->loop, &imp->timer);
	for (size_t i = 0; i < imp->n; i++)
		free(imp->heap[i].data);
	free(imp->heap);
	free(imp->scratch);
	free(imp);
}

void
impair_set(struct impair *imp, const struct impair_spec *spec)
{
	imp->spec = *spec;
	imp->active = true;
	imp->tat = 0;
	impair_rng_seed(&imp->rng, spec->seed);
}

void
impair_clear(struct impair *imp)
{
	imp->active = false;
	impair_release(imp, UINT64_MAX);
	impair_arm(imp, 0);
}

bool
impair_active(const struct impair *imp)
{
	return imp->active;
}

const struct impair_spec *
impair_spec_of(const struct impair *imp)
{
	return &imp->spec;
}

const struct impair_counters *
impair_counters_of(const struct impair *imp)
{
	return &imp->cnt;
}

size_t
impair_held(const struct impair *imp)
{
	return imp->n;
}

/* ns that len bytes take at the rate. */
static uint64_t
impair_rate_ns(const struct impair *imp, size_t len)
{
	return (uint64_t)((double)len * 8 * IMPAIR_NS_PER_SEC /
			  (double)imp->spec.rate);
}

/*
 * The bucket as its virtual-scheduling twin: a frame may leave once the
 * bucket's theoretical arrival time is no more than a bucket's depth
 * ahead of the clock. The depth is one full-size frame or a millisecond
 * of the rate, whichever is more, so a slow rate passes no long bursts.
 */
static uint64_t
impair_rate_start(const struct impair *imp, uint64_t now)
{
	uint64_t depth;

	if (!imp->spec.rate)
		return now;
	depth = impair_rate_ns(imp, IMPAIR_FULL_FRAME);
	if (depth < IMPAIR_NS_PER_SEC / 1000)
		depth = IMPAIR_NS_PER_SEC / 1000;
	return imp->tat > now + depth ? imp->tat - depth : now;
}

static void
impair_rate_charge(struct impair *imp, size_t len, uint64_t now)
{
	if (imp->spec.rate)
		imp->tat = (imp->tat > now ? imp->tat : now) +
			   impair_rate_ns(imp, len);
}

/*
 * When a frame leaves: once the bucket lets it, plus the delay and its
 * jitter; a frame picked by reorder skips the delay, so it overtakes the
 * frames still held (*skipped says whether there was a delay to skip).
 */
static uint64_t
impair_due(const struct impair *imp, const struct impair_draws *x,
	   uint64_t start, bool *skipped)
{
	int64_t jitter = (int64_t)imp->spec.jitter;
	int64_t wait = (int64_t)imp->spec.delay;

	if (jitter)
		wait +=
		    (int64_t)(x->jitter % (uint64_t)(2 * jitter + 1)) - jitter;
	if (wait < 0)
		wait = 0;
	*skipped = wait > 0 && impair_hit(x->reorder, imp->spec.reorder);
	return *skipped ? start : start + (uint64_t)wait;
}

/* Where to flip one bit after the Ethernet header; false for a frame
 * that is a header alone. */
static bool
impair_corrupt_spot(size_t len, uint64_t bit, size_t *at, uint8_t *mask)
{
	if (len <= ETHER_HDR_LEN)
		return false;
	bit %= (uint64_t)(len - ETHER_HDR_LEN) * 8;
	*at = ETHER_HDR_LEN + (size_t)(bit / 8);
	*mask = (uint8_t)(1u << (bit % 8));
	return true;
}

/* Room for a corrupted copy of a frame of len bytes. */
static int
impair_scratch(struct impair *imp, size_t len)
{
	uint8_t *p;

	if (len <= imp->scratch_len)
		return 0;
	p = realloc(imp->scratch, len);
	if (!p)
		return -1;
	imp->scratch = p;
	imp->scratch_len = len;
	return 0;
}

/* One copy of the frame, now or later; -1 when it could not be. */
static int
impair_emit(struct impair *imp, uint64_t due, uint64_t now,
	    const uint8_t *frame, size_t len)
{
	if (due > now) {
		if (impair_push(imp, due, frame, len) < 0)
			return -1;
		impair_arm(imp, now);
		return 0;
	}
	return imp->io.out(imp->io.arg, frame, len) < 0 ? -2 : 0;
}

/*
 * A lost frame draws too, so that the n-th frame meets the same numbers
 * whatever became of those before it. The duplicate is the frame as it
 * came, right after the original, which alone may be corrupted (as netem
 * does).
 */
enum impair_fate
impair_frame(struct impair *imp, const uint8_t *frame, size_t len,
	     uint64_t *wait)
{
	struct impair_draws x;
	uint64_t now, start, due;
	const uint8_t *first = frame;
	size_t at = 0;
	uint8_t mask = 0;
	bool corrupt, skipped;
	int rc;

	if (wait)
		*wait = 0;
	if (!imp->active)
		return imp->io.out(imp->io.arg, frame, len) < 0
			   ? IMPAIR_OUT_FAILED
			   : IMPAIR_SENT;
	now = impair_now(imp);
	/* What is due goes first, so a frame due at once overtakes none. */
	if (imp->n && imp->heap[0].due <= now)
		impair_release(imp, now);
	impair_draw(&imp->rng, &x);
	if (impair_hit(x.loss, imp->spec.loss)) {
		imp->cnt.loss++;
		return IMPAIR_LOST;
	}
	start = impair_rate_start(imp, now);
	if (start - now > IMPAIR_RATE_BACKLOG) {
		imp->cnt.rate_dropped++;
		return IMPAIR_RATE_DROPPED;
	}
	due = impair_due(imp, &x, start, &skipped);
	corrupt = impair_hit(x.corrupt, imp->spec.corrupt) &&
		  impair_corrupt_spot(len, x.bit, &at, &mask);
	if (corrupt && impair_scratch(imp, len) == 0) {
		memcpy(imp->scratch, frame, len);
		imp->scratch[at] ^= mask;
		first = imp->scratch;
	} else {
		corrupt = false;
	}
	rc = impair_emit(imp, due, now, first, len);
	if (rc == -1) {
		imp->cnt.queue_full++;
		return IMPAIR_QUEUE_FULL;
	}
	impair_rate_charge(imp, len, now);
	if (rc == -2)
		return IMPAIR_OUT_FAILED;
	imp->cnt.delayed += due > now;
	imp->cnt.reordered += skipped;
	imp->cnt.corrupted += corrupt;
	if (impair_hit(x.duplicate, imp->spec.duplicate) &&
	    impair_emit(imp, due, now, frame, len) == 0) {
		impair_rate_charge(imp, len, now);
		imp->cnt.duplicated++;
	}
	if (wait)
		*wait = due - now;
	return due > now ? IMPAIR_HELD : IMPAIR_SENT;
}
