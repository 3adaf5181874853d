/*
 * relay: a wire between two interfaces that can lose, delay, reorder,
 * duplicate, corrupt and rate-limit the frames it carries, so that tests
 * get a bad path on kernels without sch_netem.
 *
 * Every frame read whole on one interface is sent out of the other. Each
 * direction has its own seeded generator and draws the same six numbers
 * for every frame, whatever the options, so the same seed and options give
 * the same decisions for the same sequence of frames in a direction, and a
 * decision of one impairment does not move when another is switched on.
 *
 * Every frame, even one due at once, goes through one binary heap ordered
 * by when it is due and then by arrival, and leaves from the loop: the
 * bucket of --rate and the delay set when it is due, and a frame picked by
 * --reorder skips the delay (as netem's reorder does), so it overtakes the
 * frames still held; without a delay there is nothing to overtake.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "ether.h"
#include "log.h"

#ifndef PACKET_IGNORE_OUTGOING
#define PACKET_IGNORE_OUTGOING 23
#endif

/* The largest veth MTU with its header and two VLAN tags. */
#define RELAY_FRAME_MAX (65535 + ETHER_HDR_LEN + 2 * ETHER_VLAN_HDR_LEN)
#define RELAY_BATCH 64
#define RELAY_LIMIT_DEFAULT 10000
#define RELAY_LIMIT_MAX 1000000
#define RELAY_BYTES_MAX ((size_t)64 << 20)
#define RELAY_SOCKBUF (4 << 20)
#define RELAY_TIME_MAX (3600 * NS_PER_SEC)
#define RELAY_RATE_MAX 1000000000000000ULL
#define NS_PER_SEC 1000000000ULL

enum { DIR_AB, DIR_BA, DIR_COUNT };
static const char *const dir_names[DIR_COUNT] = {"a>b", "b>a"};

enum relay_counter {
	RC_RECEIVED,
	RC_FORWARDED,
	RC_LOST,
	RC_DUPLICATED,
	RC_REORDERED,
	RC_CORRUPTED,
	RC_DELAYED,
	RC_DROPPED_QUEUE_FULL,
	RC_TRUNCATED,
	RC_SEND_ERRORS,
	RC_SOCKET_DROPS,
	RC_COUNT,
};
static const char *const relay_counter_names[RC_COUNT] = {
    "received",	 "forwarded",	"lost",		"duplicated",
    "reordered", "corrupted",	"delayed",	"dropped_queue_full",
    "truncated", "send_errors", "socket_drops",
};

/* xoshiro256**: small, fast, and the same everywhere for a given seed. */
struct rng {
	uint64_t s[4];
};

/* What one frame drew, in a fixed order. */
struct draws {
	double loss, corrupt, duplicate, reorder, jitter;
	uint64_t bit;
};

struct held {
	uint64_t due; /* CLOCK_MONOTONIC, ns */
	uint64_t seq; /* keeps frames due at the same time in order */
	uint8_t *data;
	size_t len;
	int dir;
};

struct heap {
	struct held *v;
	size_t n, cap;
	size_t bytes;
};

struct relay_opts {
	const char *ifname[DIR_COUNT];
	double loss, duplicate, reorder, corrupt; /* probabilities */
	uint64_t delay, jitter;			  /* ns */
	uint64_t rate;				  /* bits/s, 0: unlimited */
	uint64_t seed;
	size_t limit;
	const char *stats_path;
};

struct relay_dir {
	struct rng rng;
	uint64_t c[RC_COUNT];
	uint64_t tat; /* the rate's theoretical arrival time, ns */
};

struct relay {
	struct relay_opts o;
	int fd[DIR_COUNT]; /* fd[d] reads direction d and sends the other */
	int sigfd;
	struct relay_dir dir[DIR_COUNT];
	struct heap q;
	uint64_t seq;
	char *stats_tmp;
	uint64_t next_stats;
	bool stats_warned;
	/* Room before the frame for a VLAN tag the kernel took out. */
	uint8_t buf[ETHER_VLAN_HDR_LEN + RELAY_FRAME_MAX];
};

/* --- arguments ------------------------------------------------------- */

static void
usage(FILE *f, int status)
{
	static const char *const lines[] = {
	    "usage: relay -a IF_A -b IF_B [OPTIONS]",
	    "Forwards every frame of IF_A out of IF_B and back, like a wire,",
	    "with impairments drawn from a seeded generator per direction.",
	    "",
	    "  -a IF, -b IF     the two interfaces (brought up)",
	    "  --loss P%        drop a frame with probability P",
	    "  --delay D        hold each frame D (50ms, 1.5s, 200us;",
	    "                   a bare number is milliseconds)",
	    "  --jitter J       add uniform noise in [-J, +J] to the delay,",
	    "                   never below zero; frames may then reorder",
	    "  --reorder P%     send a frame at once with probability P,",
	    "                   ahead of the frames still held by --delay",
	    "  --duplicate P%   send a frame twice with probability P",
	    "  --corrupt P%     flip one random bit after the Ethernet",
	    "                   header with probability P",
	    "  --rate R         a token bucket: 500kbit, 10mbit, 1gbit,",
	    "                   1mbps; a bare number is bit/s",
	    "  --limit N        frames held at most (default 10000; and",
	    "                   64 MiB whatever N)",
	    "  --seed N         seed of the generators (default 1)",
	    "  --stats FILE     write the counters to FILE at start, every",
	    "                   second and at exit",
	    "  -h, --help       show this help",
	    "",
	    "On SIGTERM or SIGINT the counters of each direction go to",
	    "stdout, one 'DIR NAME VALUE' line each, and relay exits 0.",
	};

	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++)
		fprintf(f, "%s\n", lines[i]);
	exit(status);
}

static void __attribute__((format(printf, 1, 2), noreturn))
usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("relay: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\nTry 'relay --help'.\n", stderr);
	exit(2);
}

struct unit {
	const char *suffix;
	double scale;
};

/*
 * A non-negative number with one of units' suffixes (matched ignoring
 * case), scaled, at most max. strtod alone would take signs, blanks,
 * "inf" and "nan".
 */
static int
parse_scaled(const char *s, const struct unit *units, double max, double *out)
{
	char *end;
	double v;

	if (!((*s >= '0' && *s <= '9') || *s == '.'))
		return -1;
	errno = 0;
	v = strtod(s, &end);
	if (end == s || errno)
		return -1;
	for (; units->suffix; units++) {
		if (strcasecmp(end, units->suffix) == 0) {
			v *= units->scale;
			if (!(v >= 0 && v <= max))
				return -1;
			*out = v;
			return 0;
		}
	}
	return -1;
}

static double
arg_percent(const char *opt, const char *s)
{
	static const struct unit units[] = {{"%", 0.01}, {"", 0.01}, {NULL, 0}};
	double v;

	if (parse_scaled(s, units, 1.0, &v) < 0)
		usage_error("--%s: bad percentage '%s' (0%% to 100%%)", opt, s);
	return v;
}

static uint64_t
arg_time(const char *opt, const char *s)
{
	static const struct unit units[] = {
	    {"ns", 1}, {"us", 1e3}, {"usec", 1e3}, {"ms", 1e6}, {"msec", 1e6},
	    {"", 1e6}, {"s", 1e9},  {"sec", 1e9},  {NULL, 0},
	};
	double v;

	if (parse_scaled(s, units, (double)RELAY_TIME_MAX, &v) < 0)
		usage_error("--%s: bad time '%s' (such as 20ms, at most 1h)",
			    opt, s);
	return (uint64_t)v;
}

static uint64_t
arg_rate(const char *s)
{
	static const struct unit units[] = {
	    {"", 1},	   {"bit", 1},	   {"kbit", 1e3}, {"mbit", 1e6},
	    {"gbit", 1e9}, {"tbit", 1e12}, {"bps", 8},	  {"kbps", 8e3},
	    {"mbps", 8e6}, {"gbps", 8e9},  {NULL, 0},
	};
	double v;

	if (parse_scaled(s, units, (double)RELAY_RATE_MAX, &v) < 0 || v < 1)
		usage_error("--rate: bad rate '%s' (such as 10mbit)", s);
	return (uint64_t)v;
}

static uint64_t
arg_unsigned(const char *opt, const char *s, uint64_t min, uint64_t max)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (!(*s >= '0' && *s <= '9') || *end || errno || v < min || v > max)
		usage_error("--%s: bad number '%s'", opt, s);
	return v;
}

static const char *
arg_ifname(const char *s)
{
	if (*s == '\0' || strlen(s) >= IFNAMSIZ)
		usage_error("bad interface name '%s'", s);
	return s;
}

enum {
	OPT_LOSS = 256,
	OPT_DELAY,
	OPT_JITTER,
	OPT_REORDER,
	OPT_DUPLICATE,
	OPT_CORRUPT,
	OPT_RATE,
	OPT_LIMIT,
	OPT_SEED,
	OPT_STATS,
};

static void
relay_parse_args(int argc, char **argv, struct relay_opts *o)
{
	static const struct option longopts[] = {
	    {"loss", required_argument, NULL, OPT_LOSS},
	    {"delay", required_argument, NULL, OPT_DELAY},
	    {"jitter", required_argument, NULL, OPT_JITTER},
	    {"reorder", required_argument, NULL, OPT_REORDER},
	    {"duplicate", required_argument, NULL, OPT_DUPLICATE},
	    {"corrupt", required_argument, NULL, OPT_CORRUPT},
	    {"rate", required_argument, NULL, OPT_RATE},
	    {"limit", required_argument, NULL, OPT_LIMIT},
	    {"seed", required_argument, NULL, OPT_SEED},
	    {"stats", required_argument, NULL, OPT_STATS},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	int opt;

	o->seed = 1;
	o->limit = RELAY_LIMIT_DEFAULT;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":a:b:h", longopts, NULL)) !=
	       -1) {
		switch (opt) {
		case 'a':
			o->ifname[DIR_AB] = arg_ifname(optarg);
			break;
		case 'b':
			o->ifname[DIR_BA] = arg_ifname(optarg);
			break;
		case OPT_LOSS:
			o->loss = arg_percent("loss", optarg);
			break;
		case OPT_DELAY:
			o->delay = arg_time("delay", optarg);
			break;
		case OPT_JITTER:
			o->jitter = arg_time("jitter", optarg);
			break;
		case OPT_REORDER:
			o->reorder = arg_percent("reorder", optarg);
			break;
		case OPT_DUPLICATE:
			o->duplicate = arg_percent("duplicate", optarg);
			break;
		case OPT_CORRUPT:
			o->corrupt = arg_percent("corrupt", optarg);
			break;
		case OPT_RATE:
			o->rate = arg_rate(optarg);
			break;
		case OPT_LIMIT:
			o->limit =
			    arg_unsigned("limit", optarg, 1, RELAY_LIMIT_MAX);
			break;
		case OPT_SEED:
			o->seed = arg_unsigned("seed", optarg, 0, UINT64_MAX);
			break;
		case OPT_STATS:
			if (*optarg == '\0')
				usage_error("--stats: empty file name");
			o->stats_path = optarg;
			break;
		case 'h':
			usage(stdout, 0);
			break;
		case ':':
			usage_error("%s needs a value", argv[optind - 1]);
		default:
			if (optopt)
				usage_error("unknown option '-%c'", optopt);
			usage_error("unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		usage_error("unexpected argument '%s'", argv[optind]);
	if (!o->ifname[DIR_AB] || !o->ifname[DIR_BA])
		usage_error("both -a IF_A and -b IF_B are needed");
	if (strcmp(o->ifname[DIR_AB], o->ifname[DIR_BA]) == 0)
		usage_error("-a and -b name the same interface '%s'",
			    o->ifname[DIR_AB]);
}

/* --- the generator ------------------------------------------------------ */

static uint64_t
splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Each direction gets a stream of its own, so one's traffic never moves
 * the other's decisions. */
static void
rng_seed(struct rng *g, uint64_t seed, int stream)
{
	uint64_t x = seed + (uint64_t)stream * 0x632be59bd9b4e019ULL;

	for (int i = 0; i < 4; i++)
		g->s[i] = splitmix64(&x);
}

static uint64_t
rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static uint64_t
rng_next(struct rng *g)
{
	uint64_t *s = g->s, result = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return result;
}

/* Uniform in [0, 1): the top 53 bits are a double's whole mantissa. */
static double
rng_unit(struct rng *g)
{
	return (double)(rng_next(g) >> 11) * 0x1.0p-53;
}

static void
draws_take(struct rng *g, struct draws *x)
{
	x->loss = rng_unit(g);
	x->corrupt = rng_unit(g);
	x->duplicate = rng_unit(g);
	x->reorder = rng_unit(g);
	x->jitter = rng_unit(g);
	x->bit = rng_next(g);
}

/* --- held frames ------------------------------------------------------ */

static bool
held_before(const struct held *x, const struct held *y)
{
	return x->due < y->due || (x->due == y->due && x->seq < y->seq);
}

static void
heap_swap(struct heap *h, size_t i, size_t j)
{
	struct held t = h->v[i];

	h->v[i] = h->v[j];
	h->v[j] = t;
}

/* Copies frame into the heap; -1 when the limits or memory say no. */
static int
heap_push(struct heap *h, const struct held *e, const uint8_t *frame)
{
	size_t i = h->n;

	if (h->n == h->cap || e->len > RELAY_BYTES_MAX - h->bytes)
		return -1;
	h->v[i] = *e;
	h->v[i].data = malloc(e->len);
	if (!h->v[i].data)
		return -1;
	memcpy(h->v[i].data, frame, e->len);
	h->n++;
	h->bytes += e->len;
	while (i > 0 && held_before(&h->v[i], &h->v[(i - 1) / 2])) {
		heap_swap(h, i, (i - 1) / 2);
		i = (i - 1) / 2;
	}
	return 0;
}

/* Takes the earliest frame out; the caller owns its data. */
static void
heap_pop(struct heap *h, struct held *out)
{
	size_t i = 0;

	*out = h->v[0];
	h->bytes -= out->len;
	h->v[0] = h->v[--h->n];
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;

		if (l < h->n && held_before(&h->v[l], &h->v[m]))
			m = l;
		if (r < h->n && held_before(&h->v[r], &h->v[m]))
			m = r;
		if (m == i)
			return;
		heap_swap(h, i, m);
		i = m;
	}
}

/* --- impairments ---------------------------------------------------------- */

static uint64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * NS_PER_SEC + (uint64_t)ts.tv_nsec;
}

static uint64_t
rate_ns(const struct relay *r, size_t bytes)
{
	return (uint64_t)bytes * 8 * NS_PER_SEC / r->o.rate;
}

/*
 * A token bucket as its virtual-scheduling twin: a frame may leave once the
 * bucket's theoretical arrival time is no more than a bucket's depth ahead
 * of the clock. The depth is one full-size frame or a millisecond of the
 * rate, whichever is more, so a slow rate does not pass long bursts.
 */
static uint64_t
rate_start(const struct relay *r, const struct relay_dir *dir, uint64_t now)
{
	uint64_t depth;

	if (!r->o.rate)
		return now;
	depth = rate_ns(r, 1518);
	if (depth < NS_PER_SEC / 1000)
		depth = NS_PER_SEC / 1000;
	return dir->tat > now + depth ? dir->tat - depth : now;
}

static void
rate_charge(const struct relay *r, struct relay_dir *dir, size_t len,
	    uint64_t now)
{
	if (r->o.rate)
		dir->tat = (dir->tat > now ? dir->tat : now) + rate_ns(r, len);
}

/*
 * When a frame leaves: after the bucket lets it, plus the delay and its
 * jitter. A frame picked by --reorder skips the delay, so it overtakes the
 * frames still held; *skipped says whether there was a delay to skip.
 */
static uint64_t
relay_due(const struct relay *r, int d, const struct draws *x, uint64_t now,
	  bool *skipped)
{
	uint64_t start = rate_start(r, &r->dir[d], now);
	int64_t jitter = (int64_t)r->o.jitter;
	int64_t wait = (int64_t)r->o.delay - jitter +
		       (int64_t)(x->jitter * (double)(2 * jitter + 1));

	if (wait < 0)
		wait = 0;
	*skipped = wait > 0 && x->reorder < r->o.reorder;
	return *skipped ? start : start + (uint64_t)wait;
}

/*
 * Where to flip one random bit after the Ethernet header; false for a
 * frame that is a header alone.
 */
static bool
corrupt_spot(size_t len, uint64_t bit, size_t *at, uint8_t *mask)
{
	if (len <= ETHER_HDR_LEN)
		return false;
	bit %= (uint64_t)(len - ETHER_HDR_LEN) * 8;
	*at = ETHER_HDR_LEN + bit / 8;
	*mask = (uint8_t)(1u << (bit % 8));
	return true;
}

static int
relay_hold(struct relay *r, int d, uint64_t due, const uint8_t *frame,
	   size_t len, uint64_t now)
{
	struct held e = {.due = due, .seq = r->seq++, .len = len, .dir = d};

	if (heap_push(&r->q, &e, frame) < 0) {
		r->dir[d].c[RC_DROPPED_QUEUE_FULL]++;
		return -1;
	}
	rate_charge(r, &r->dir[d], len, now);
	return 0;
}

/*
 * Lost frames draw too, so that the n-th frame of a direction meets the
 * same numbers whatever happened to the frames before it. The duplicate is
 * the frame as it arrived, sent right after the original, which alone may
 * be corrupted (as netem does): the bit is flipped in the receive buffer
 * for the original's copy and flipped back for the duplicate's.
 */
static void
relay_frame(struct relay *r, int d, uint8_t *frame, size_t len, uint64_t now)
{
	struct relay_dir *dir = &r->dir[d];
	struct draws x;
	uint64_t due;
	size_t at = 0;
	uint8_t mask = 0;
	bool corrupt, skipped;
	int held;

	draws_take(&dir->rng, &x);
	if (x.loss < r->o.loss) {
		dir->c[RC_LOST]++;
		return;
	}
	due = relay_due(r, d, &x, now, &skipped);
	corrupt =
	    x.corrupt < r->o.corrupt && corrupt_spot(len, x.bit, &at, &mask);
	if (corrupt)
		frame[at] ^= mask;
	held = relay_hold(r, d, due, frame, len, now);
	if (corrupt)
		frame[at] ^= mask;
	if (held < 0)
		return;
	dir->c[RC_DELAYED] += due > now;
	dir->c[RC_REORDERED] += skipped;
	dir->c[RC_CORRUPTED] += corrupt;
	if (x.duplicate < r->o.duplicate &&
	    relay_hold(r, d, due, frame, len, now) == 0)
		dir->c[RC_DUPLICATED]++;
}

/* --- the wire ------------------------------------------------------------- */

/*
 * The kernel may have moved an 802.1Q tag out of the frame into the
 * auxiliary data; a wire carries it, so it goes back in, into the room
 * kept before the frame.
 */
static uint8_t *
relay_vlan_restore(uint8_t *frame, size_t *len, struct msghdr *msg)
{
	for (struct cmsghdr *c = CMSG_FIRSTHDR(msg); c;
	     c = CMSG_NXTHDR(msg, c)) {
		struct tpacket_auxdata aux;
		uint16_t tag[2];

		if (c->cmsg_level != SOL_PACKET ||
		    c->cmsg_type != PACKET_AUXDATA ||
		    c->cmsg_len < CMSG_LEN(sizeof(aux)))
			continue;
		memcpy(&aux, CMSG_DATA(c), sizeof(aux));
		if (!(aux.tp_status & TP_STATUS_VLAN_VALID) ||
		    *len < 2 * ETHER_ADDR_LEN)
			return frame;
		tag[0] = htons(aux.tp_status & TP_STATUS_VLAN_TPID_VALID
				   ? aux.tp_vlan_tpid
				   : ETHERTYPE_VLAN);
		tag[1] = htons(aux.tp_vlan_tci);
		frame -= ETHER_VLAN_HDR_LEN;
		memmove(frame, frame + ETHER_VLAN_HDR_LEN, 2 * ETHER_ADDR_LEN);
		memcpy(frame + 2 * ETHER_ADDR_LEN, tag, sizeof(tag));
		*len += ETHER_VLAN_HDR_LEN;
		return frame;
	}
	return frame;
}

/*
 * A frame longer than the buffer would arrive cut short, and a cut frame
 * is not what the sender sent: it is counted and never forwarded.
 */
static void
relay_read(struct relay *r, int d, uint64_t now)
{
	for (int i = 0; i < RELAY_BATCH; i++) {
		union {
			struct cmsghdr align;
			char b[CMSG_SPACE(sizeof(struct tpacket_auxdata))];
		} ctl;
		struct sockaddr_ll from = {0};
		uint8_t *frame = r->buf + ETHER_VLAN_HDR_LEN;
		struct iovec iov = {.iov_base = frame,
				    .iov_len = RELAY_FRAME_MAX};
		struct msghdr msg = {
		    .msg_name = &from,
		    .msg_namelen = sizeof(from),
		    .msg_iov = &iov,
		    .msg_iovlen = 1,
		    .msg_control = &ctl,
		    .msg_controllen = sizeof(ctl),
		};
		ssize_t n = recvmsg(r->fd[d], &msg, MSG_TRUNC | MSG_DONTWAIT);
		size_t len;

		if (n < 0) {
			if (errno != EAGAIN && errno != EWOULDBLOCK &&
			    errno != EINTR)
				log_warn("relay_read: %s", r->o.ifname[d]);
			return;
		}
		/* Older kernels lack PACKET_IGNORE_OUTGOING. */
		if (from.sll_pkttype == PACKET_OUTGOING)
			continue;
		r->dir[d].c[RC_RECEIVED]++;
		if ((size_t)n > RELAY_FRAME_MAX ||
		    (msg.msg_flags & MSG_TRUNC)) {
			r->dir[d].c[RC_TRUNCATED]++;
			continue;
		}
		len = (size_t)n;
		frame = relay_vlan_restore(frame, &len, &msg);
		relay_frame(r, d, frame, len, now);
	}
}

/*
 * A frame the kernel will not take (a full socket buffer, a frame over
 * the other side's MTU, a link down) is gone, as on a wire: counted, not
 * retried.
 */
static void
relay_flush(struct relay *r, uint64_t now)
{
	while (r->q.n > 0 && r->q.v[0].due <= now) {
		struct held h;
		int out;

		heap_pop(&r->q, &h);
		out = r->fd[h.dir == DIR_AB ? DIR_BA : DIR_AB];
		if (send(out, h.data, h.len, MSG_DONTWAIT) == (ssize_t)h.len)
			r->dir[h.dir].c[RC_FORWARDED]++;
		else
			r->dir[h.dir].c[RC_SEND_ERRORS]++;
		free(h.data);
	}
}

/* --- counters --------------------------------------------------------- */

/* Frames the kernel dropped for want of socket buffer never reach us:
 * the kernel counts them, and reading the count resets it. */
static void
relay_collect_drops(struct relay *r)
{
	for (int d = 0; d < DIR_COUNT; d++) {
		struct tpacket_stats st;
		socklen_t len = sizeof(st);

		if (getsockopt(r->fd[d], SOL_PACKET, PACKET_STATISTICS, &st,
			       &len) == 0)
			r->dir[d].c[RC_SOCKET_DROPS] += st.tp_drops;
	}
}

static void
relay_print(const struct relay *r, FILE *f)
{
	for (int d = 0; d < DIR_COUNT; d++)
		for (int i = 0; i < RC_COUNT; i++)
			fprintf(f, "%s %s %" PRIu64 "\n", dir_names[d],
				relay_counter_names[i], r->dir[d].c[i]);
}

/* Written beside FILE and renamed over it, so a reader never sees half. */
static void
relay_stats_write(struct relay *r)
{
	FILE *f;

	if (!r->o.stats_path)
		return;
	f = fopen(r->stats_tmp, "w");
	if (f) {
		relay_print(r, f);
		if (fclose(f) == 0 &&
		    rename(r->stats_tmp, r->o.stats_path) == 0)
			return;
	}
	if (!r->stats_warned)
		log_warn("relay_stats_write: %s", r->o.stats_path);
	r->stats_warned = true;
}

/* --- set-up and the loop -------------------------------------------------- */

static void
relay_link_up(int fd, const char *ifname)
{
	struct ifreq ifr = {0};

	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0)
		fatal("relay_link_up: %s", ifname);
	if (ifr.ifr_flags & IFF_UP)
		return;
	ifr.ifr_flags |= IFF_UP;
	if (ioctl(fd, SIOCSIFFLAGS, &ifr) < 0)
		fatal("relay_link_up: %s", ifname);
}

static void
relay_sockbuf(int fd, int force, int plain)
{
	int size = RELAY_SOCKBUF;

	if (setsockopt(fd, SOL_SOCKET, force, &size, sizeof(size)) < 0)
		setsockopt(fd, SOL_SOCKET, plain, &size, sizeof(size));
}

static int
relay_open_side(const char *ifname)
{
	struct sockaddr_ll sll = {0};
	struct packet_mreq mr = {0};
	int one = 1, fd, ifindex = (int)if_nametoindex(ifname);

	if (ifindex == 0)
		fatal("relay_open_side: %s", ifname);
	/* Protocol 0 until bound, so no frame of another interface arrives. */
	fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		fatal("relay_open_side: %s: socket", ifname);
	relay_link_up(fd, ifname);
	/* Our own sends would come back as frames to forward. */
	setsockopt(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof(one));
	if (setsockopt(fd, SOL_PACKET, PACKET_AUXDATA, &one, sizeof(one)) < 0)
		fatal("relay_open_side: %s: PACKET_AUXDATA", ifname);
	relay_sockbuf(fd, SO_RCVBUFFORCE, SO_RCVBUF);
	relay_sockbuf(fd, SO_SNDBUFFORCE, SO_SNDBUF);
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htons(ETH_P_ALL);
	sll.sll_ifindex = ifindex;
	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll)) < 0)
		fatal("relay_open_side: %s: bind", ifname);
	mr.mr_ifindex = ifindex;
	mr.mr_type = PACKET_MR_PROMISC;
	if (setsockopt(fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mr, sizeof(mr)) <
	    0)
		fatal("relay_open_side: %s: promiscuous mode", ifname);
	return fd;
}

/*
 * A background job of a non-interactive shell starts with SIGINT ignored,
 * and an ignored signal never reaches a signalfd: both get their default
 * back before they are blocked.
 */
static int
relay_signals(void)
{
	sigset_t set;
	int fd;

	signal(SIGPIPE, SIG_IGN);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		fatal("relay_signals: sigprocmask");
	fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	if (fd < 0)
		fatal("relay_signals: signalfd");
	return fd;
}

static void
relay_open(struct relay *r)
{
	r->sigfd = relay_signals();
	for (int d = 0; d < DIR_COUNT; d++) {
		r->fd[d] = relay_open_side(r->o.ifname[d]);
		rng_seed(&r->dir[d].rng, r->o.seed, d);
	}
	r->q.cap = r->o.limit;
	r->q.v = calloc(r->q.cap, sizeof(*r->q.v));
	if (!r->q.v)
		fatal("relay_open: queue of %zu frames", r->q.cap);
	if (r->o.stats_path) {
		size_t n = strlen(r->o.stats_path) + sizeof(".tmp");

		r->stats_tmp = malloc(n);
		if (!r->stats_tmp)
			fatal("relay_open: malloc");
		snprintf(r->stats_tmp, n, "%s.tmp", r->o.stats_path);
	}
}

/* Until the next held frame is due or the stats file is to be written. */
static struct timespec *
relay_timeout(const struct relay *r, uint64_t now, struct timespec *ts)
{
	uint64_t next = UINT64_MAX, wait;

	if (r->q.n > 0)
		next = r->q.v[0].due;
	if (r->o.stats_path && r->next_stats < next)
		next = r->next_stats;
	if (next == UINT64_MAX)
		return NULL;
	wait = next > now ? next - now : 0;
	ts->tv_sec = (time_t)(wait / NS_PER_SEC);
	ts->tv_nsec = (long)(wait % NS_PER_SEC);
	return ts;
}

static void
relay_loop(struct relay *r)
{
	struct pollfd pfd[DIR_COUNT + 1] = {
	    {.fd = r->fd[DIR_AB], .events = POLLIN},
	    {.fd = r->fd[DIR_BA], .events = POLLIN},
	    {.fd = r->sigfd, .events = POLLIN},
	};

	for (;;) {
		struct timespec ts;
		uint64_t now = now_ns();

		if (ppoll(pfd, DIR_COUNT + 1, relay_timeout(r, now, &ts),
			  NULL) < 0) {
			if (errno != EINTR)
				fatal("relay_loop: ppoll");
			continue;
		}
		if (pfd[DIR_COUNT].revents)
			return;
		now = now_ns();
		for (int d = 0; d < DIR_COUNT; d++)
			if (pfd[d].revents)
				relay_read(r, d, now);
		now = now_ns();
		relay_flush(r, now);
		if (r->o.stats_path && now >= r->next_stats) {
			relay_collect_drops(r);
			relay_stats_write(r);
			r->next_stats = now + NS_PER_SEC;
		}
	}
}

/* Frames still held at the end are dropped with the relay, as a cut wire
 * drops what is on it. */
static void
relay_close(struct relay *r)
{
	relay_collect_drops(r);
	relay_print(r, stdout);
	fflush(stdout);
	relay_stats_write(r);
	while (r->q.n > 0) {
		struct held h;

		heap_pop(&r->q, &h);
		free(h.data);
	}
	free(r->q.v);
	free(r->stats_tmp);
	for (int d = 0; d < DIR_COUNT; d++)
		close(r->fd[d]);
	close(r->sigfd);
}

int
main(int argc, char **argv)
{
	struct relay *r = calloc(1, sizeof(*r));

	if (!r)
		fatal("main: calloc");
	relay_parse_args(argc, argv, &r->o);
	log_init("relay", LOG_LVL_INFO);
	relay_open(r);
	log_info("main: relaying %s <-> %s, seed %" PRIu64, r->o.ifname[DIR_AB],
		 r->o.ifname[DIR_BA], r->o.seed);
	relay_loop(r);
	relay_close(r);
	free(r);
	return 0;
}
