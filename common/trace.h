/*
 * Frame tracing: what a daemon did with each frame that matches a filter,
 * recorded as rows in a bounded ring (`trace start [FILTER]`, `trace
 * stop`, `show trace`).
 *
 * `show trace` replies with the rows recorded since the last `trace
 * start`, in `seq` order, as an array of flat JSON objects (hopctl renders
 * it as a table; `hopctl -j` prints the JSON). One row = one frame event
 * at one daemon: a frame that arrived and what became of it, or a frame
 * the node originated.
 *
 *   seq          integer: 1, 2, ... per daemon since `trace start`
 *   time         number: seconds since the Unix epoch (CLOCK_REALTIME),
 *                microsecond precision: when the frame arrived, or when
 *                an originated frame left
 *   node         string: the daemon's node name
 *   in           string or null: port the frame arrived on; null for a
 *                frame the node originated
 *   out          string or null: port it left by; several ports
 *                comma-separated when flooded ("p2,p3"); null when it did
 *                not leave (delivered locally, dropped)
 *   key          string: 16 hex digits, frame_key() (frame.h) of the frame
 *                as it arrived, or as it left for an originated frame —
 *                the same packet has the same key at every hop
 *   summary      string: frame_describe()'s tcpdump-style line of that
 *                same frame
 *   proto        string: frame_desc.proto: tcp, udp, icmp, arp, ipv4,
 *                ipv6, ether
 *   flags        string: TCP flags as tcpdump writes them (S, S., ., P.,
 *                F., R), "" otherwise
 *   src_ip, dst_ip
 *                string or null: IPv4 addresses (ARP: sender and target
 *                protocol addresses); null when none
 *   in_src_mac, in_dst_mac
 *                string or null: as it arrived; null when originated
 *   in_ttl       integer or null: as it arrived; null when originated or
 *                not IPv4
 *   out_src_mac, out_dst_mac
 *                string or null: as it left (the first port's copy when
 *                flooded); null when it did not leave
 *   out_ttl      integer or null: as it left; null when it did not leave
 *                or not IPv4
 *   decision     string: what the daemon did, in words
 *
 * MACs are lower-case aa:bb:cc:dd:ee:ff. A frame a host or router sends
 * after waiting for ARP gets its row completed when it actually leaves
 * (out and the out_* fields filled then); one that is never sent (ARP
 * failed, queue overflow) gets out null and a decision that says why.
 *
 * A frame is recorded when the filter (tcpdump's syntax, compiled by
 * libpcap) matches it as it arrived, or, for an originated frame, as it
 * left. An originated datagram that has to wait for ARP is matched when
 * it starts waiting, with the Ethernet header it will have but the
 * destination MAC still zero; its row is described again from the frame
 * that leaves.
 *
 * How the code reports: the port layer opens a row for each frame it
 * hands to the daemon (trace_rx_begin/end) and fills the out fields of
 * the row being handled for each frame it sends (trace_tx). A frame the
 * node sends of its own accord is sent inside trace_origin_begin() /
 * trace_restore(): its own row, whatever the node was handling. Layers
 * add their words with trace_note() (a clause, after "; ", or after a
 * space when the row's words end with ':') and trace_append() (more of
 * the same clause); both cost one test when no row is open, which is
 * always the case while tracing is off. A packet that waits (for ARP)
 * carries the id of its row (pbuf's trace_row, from trace_hold()), and
 * whoever sends or drops it later enters that row with trace_enter().
 */
#ifndef HOPLAB_TRACE_H
#define HOPLAB_TRACE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "capture.h"
#include "frame.h"
#include "port.h"

#define TRACE_ROWS_DEFAULT 10000
#define TRACE_OUT_MAX 64
#define TRACE_DECISION_MAX 256
#define TRACE_PENDING_MAX 1024
/* The row id a waiting packet carries when it belongs to no row. */
#define TRACE_UNTRACED UINT64_MAX

struct trace_row {
	uint64_t id; /* 0: an empty slot */
	double time;
	char in[PORT_NAME_MAX];	 /* "" for an originated frame */
	char out[TRACE_OUT_MAX]; /* "" when it did not leave */
	bool has_in, has_out;
	bool described_from_wire; /* false while an originated datagram
				     waits for ARP */
	uint64_t key;
	char summary[FRAME_SUMMARY_MAX];
	const char *proto;
	char flags[FRAME_FLAGS_MAX];
	bool has_ip;
	uint32_t src_ip, dst_ip;
	uint8_t in_src_mac[ETHER_ADDR_LEN], in_dst_mac[ETHER_ADDR_LEN];
	uint8_t out_src_mac[ETHER_ADDR_LEN], out_dst_mac[ETHER_ADDR_LEN];
	int in_ttl, out_ttl; /* -1: none */
	char decision[TRACE_DECISION_MAX];
};

/* What the code is handling now: a row (or an untraced frame), or a frame
 * the node originates. */
struct trace_ctx {
	uint64_t row; /* the row notes go to; 0: none */
	bool origin;  /* sending of its own accord: a frame leaving opens
			 its own row, with the words noted so far */
	size_t mark;  /* where this context's pending words start */
};

struct trace {
	bool on; /* recording */
	const char *node;
	struct capture_filter *filter; /* NULL: every frame */
	struct trace_row *ring;	       /* capacity slots, made at start */
	size_t capacity;
	uint64_t next_id; /* ids never repeat, so a stale one finds nothing */
	uint64_t base;	  /* ids up to base are from before `trace start` */
	struct trace_ctx ctx;
	/* Words for an originated frame whose row does not exist yet. */
	char pending[TRACE_PENDING_MAX];
	size_t pending_len;
	uint64_t rows;	      /* recorded since `trace start` */
	uint64_t overwritten; /* of those, pushed out of the ring */
};

/* A recorder for node holding capacity rows (0: TRACE_ROWS_DEFAULT),
 * off. Nothing is allocated before trace_start(). */
void trace_init(struct trace *tr, const char *node, size_t capacity);
void trace_destroy(struct trace *tr);

/*
 * Starts recording the frames filter (tcpdump's syntax; "" for all)
 * matches, forgetting every row. -1 with libpcap's message in err when
 * the filter is bad (the recorder is then left as it was).
 */
int trace_start(struct trace *tr, const char *filter, char *err, size_t errlen);
/* Stops recording; the rows stay for trace_json(). */
void trace_stop(struct trace *tr);
/* The rows of `show trace`, oldest first. */
json_t *trace_json(const struct trace *tr);
/* trace_rows and trace_overwritten for `show stats`. */
void trace_stats_json(const struct trace *tr, json_t *obj);

/* --- the port layer ------------------------------------------------- */

/* A frame received on port is about to be handed to the daemon: its row
 * (when it matches) is the one being handled. Returns what to restore. */
struct trace_ctx trace_rx_begin(struct trace *tr, const struct port *port,
				const uint8_t *frame, size_t len);
/* The daemon is done with it (kept: not dropped). */
void trace_rx_end(struct trace *tr, struct trace_ctx saved, bool kept);
/* A frame left by port: the out fields of the row being handled, or a
 * new row for an originated frame that matches. */
void trace_tx(struct trace *tr, const struct port *port, const uint8_t *frame,
	      size_t len);

/* --- the code over the ports -------------------------------------- */

/* The node sends something of its own accord: until trace_restore(),
 * words and frames belong to a row of its own. */
struct trace_ctx trace_origin_begin(struct trace *tr);
/* Back to what was handled before trace_origin_begin or trace_enter. */
void trace_restore(struct trace *tr, struct trace_ctx saved);
/*
 * The IPv4 datagram dgram is to wait before it leaves port: the id of
 * its row for the packet to carry (for an originated datagram, the row
 * is made now if the filter matches), or TRACE_UNTRACED.
 */
uint64_t trace_hold(struct trace *tr, const struct port *port,
		    const uint8_t *dgram, size_t len);
/* A waiting packet with row id (0: none kept, stay as is) is handled
 * now: its row, if still recorded, becomes the one being handled. */
struct trace_ctx trace_enter(struct trace *tr, uint64_t id);

/* Is there a row (or an originated frame's words) to note for? */
static inline bool
trace_noting(const struct trace *tr)
{
	return tr && (tr->ctx.row || tr->ctx.origin);
}

void trace_add(struct trace *tr, bool clause, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Adds a clause of words to what is being handled; nothing when no row
 * is open. */
#define trace_note(tr, ...)                                                    \
	do {                                                                   \
		if (trace_noting(tr))                                          \
			trace_add((tr), true, __VA_ARGS__);                    \
	} while (0)
/* Continues the last clause. */
#define trace_append(tr, ...)                                                  \
	do {                                                                   \
		if (trace_noting(tr))                                          \
			trace_add((tr), false, __VA_ARGS__);                   \
	} while (0)
/* "dropped: why". */
#define trace_drop(tr, why) trace_note((tr), "dropped: %s", (why))

#endif
