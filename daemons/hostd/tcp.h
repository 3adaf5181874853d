/*
 * TCP (RFC 9293) of the host, in one file per concern:
 *
 *   tcp_seg.c     the segment: parsing with its options, building
 *   tcp_fsm.c     the eleven states as a table of transitions
 *   tcp_conn.c    connections: the table, opening, listening, accepting,
 *                 the user calls (send, receive, shutdown, close), ISNs
 *                 (RFC 6528) and ephemeral ports (RFC 6056)
 *   tcp_input.c   segment arrival (RFC 9293 3.10.7) with PAWS (RFC 7323)
 *                 and the hardening of RFC 5961
 *   tcp_output.c  what to send and when: Nagle, silly-window avoidance,
 *                 window updates, delayed ACKs, retransmissions, RSTs
 *   tcp_timer.c   retransmission (RFC 6298), persist, delayed ACK,
 *                 TIME-WAIT, as deadlines the stack's one timer serves
 *   tcp_sack.c    the receiver's out-of-order queue and SACK blocks, the
 *                 sender's scoreboard and loss recovery (RFC 2018, 6675)
 *   tcp_cc.c      congestion control: NewReno (RFC 5681, 6582) and CUBIC
 *                 (RFC 9438)
 *
 * A connection is a struct sock of the node's socket table (its owner is
 * told through the stream callbacks of sock_ops) with the TCB around it.
 * The stack runs without a loop in unit tests: time is the node's clock
 * and tcp_timer_run() fires what fell due.
 */
#ifndef HOPLAB_TCP_H
#define HOPLAB_TCP_H

#include <ev.h>
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ipnode.h"
#include "sock.h"
#include "stats.h"

#define TCP_HDR_LEN 20
#define TCP_HDR_MAX 60
#define TCP_OPT_MAX 40

#define TCP_FLAG_FIN 0x01
#define TCP_FLAG_SYN 0x02
#define TCP_FLAG_RST 0x04
#define TCP_FLAG_PSH 0x08
#define TCP_FLAG_ACK 0x10
#define TCP_FLAG_URG 0x20

#define TCP_DEFAULT_MSS 536 /* without an MSS option (RFC 9293 3.7.1) */
#define TCP_WSCALE 7	    /* the window scale we offer, as Linux */
#define TCP_WSCALE_MAX 14
#define TCP_SACK_BLOCKS 4
#define TCP_OOO_RANGES 32 /* holes the receiver keeps track of */
#define TCP_BACKLOG_DEFAULT 16
#define TCP_BUF_DEFAULT (1024 * 1024) /* send and receive buffers */
#define TCP_INIT_CWND 10	      /* segments (RFC 6928) */
#define TCP_RTO_INIT 1.0	      /* seconds (RFC 6298 2.1) */
#define TCP_RTO_MIN 0.2		      /* as Linux */
#define TCP_RTO_MAX 120.0
#define TCP_SYN_RETRIES 6	  /* 1+2+4+8+16+32+64 = 127 s, as Linux */
#define TCP_SYNACK_RETRIES 5	  /* as Linux */
#define TCP_DATA_RETRIES 15	  /* as Linux's tcp_retries2 */
#define TCP_DELACK 0.04		  /* seconds: Linux's minimum, below 200 ms */
#define TCP_MSL_DEFAULT 30.0	  /* seconds: TIME-WAIT is 2 MSL, 60 s */
#define TCP_CHALLENGE_RATE 1000.0 /* challenge ACKs a second (RFC 5961) */
/* Seconds between answers to stray pure ACKs, as Linux's
 * tcp_invalid_ratelimit. */
#define TCP_STRAY_ACK_GAP 0.5

/* seq arithmetic modulo 2^32 (RFC 9293 3.4) */
#define SEQ_LT(a, b) ((int32_t)((uint32_t)(a) - (uint32_t)(b)) < 0)
#define SEQ_LEQ(a, b) ((int32_t)((uint32_t)(a) - (uint32_t)(b)) <= 0)
#define SEQ_GT(a, b) SEQ_LT(b, a)
#define SEQ_GEQ(a, b) SEQ_LEQ(b, a)

/* The header on the wire: multi-byte fields in network byte order. */
struct tcp_hdr {
	uint16_t sport;
	uint16_t dport;
	uint32_t seq;
	uint32_t ack;
	uint8_t off; /* data offset in 32-bit words, high nibble */
	uint8_t flags;
	uint16_t win;
	uint16_t check;
	uint16_t urg;
} __attribute__((packed));

/* The options of a segment, as parsed or to be built. */
struct tcp_opts {
	bool mss_ok, ws_ok, sack_ok, ts_ok;
	uint16_t mss;
	uint8_t ws;
	uint32_t tsval, tsecr;
	int nsack;
	uint32_t sack[TCP_SACK_BLOCKS][2]; /* [start, end) */
};

/* A segment received, fields in host order. */
struct tcp_seg {
	uint32_t src, dst;
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint8_t flags;
	uint16_t win; /* as on the wire, not scaled */
	struct tcp_opts opt;
	const uint8_t *data;
	size_t len;
	uint8_t tos;
};

#define TCP_CHECKS(X)                                                          \
	X(ok)                                                                  \
	X(truncated)                                                           \
	X(bad_offset)                                                          \
	X(bad_checksum)                                                        \
	X(bad_options)

#define TCP_CHECK_ENUM(name) TCP_##name,
enum tcp_check { TCP_CHECKS(TCP_CHECK_ENUM) TCP_CHECK_COUNT };
#undef TCP_CHECK_ENUM

extern const char *const tcp_check_names[TCP_CHECK_COUNT];

/* tcp_seg.c */

/*
 * Validates the TCP segment in pkt (checksum, data offset, options) and
 * fills s; s->data points into pkt.
 */
enum tcp_check tcp_parse(const struct ipv4_pkt *pkt, struct tcp_seg *s);
/* Writes the options o asks for (padded to 4 bytes) at buf, which holds
 * TCP_OPT_MAX bytes; returns their length. */
size_t tcp_opts_build(uint8_t *buf, const struct tcp_opts *o);
/* The checksum of a segment of len bytes from src to dst. */
uint16_t tcp_checksum(uint32_t src, uint32_t dst, const uint8_t *seg,
		      size_t len);

/* tcp_fsm.c: the states and what moves a connection between them. */

#define TCP_STATES(X)                                                          \
	X(CLOSED, "CLOSED")                                                    \
	X(LISTEN, "LISTEN")                                                    \
	X(SYN_SENT, "SYN-SENT")                                                \
	X(SYN_RECEIVED, "SYN-RECEIVED")                                        \
	X(ESTABLISHED, "ESTABLISHED")                                          \
	X(FIN_WAIT_1, "FIN-WAIT-1")                                            \
	X(FIN_WAIT_2, "FIN-WAIT-2")                                            \
	X(CLOSE_WAIT, "CLOSE-WAIT")                                            \
	X(CLOSING, "CLOSING")                                                  \
	X(LAST_ACK, "LAST-ACK")                                                \
	X(TIME_WAIT, "TIME-WAIT")

#define TCP_EVENTS(X)                                                          \
	X(open_active)	  /* connect: SYN sent */                              \
	X(open_passive)	  /* listen */                                         \
	X(rcv_syn)	  /* a SYN, for a listener or a simultaneous open */   \
	X(rcv_syn_ack)	  /* the SYN-ACK to our SYN */                         \
	X(rcv_ack_of_syn) /* our SYN acknowledged */                           \
	X(close)	  /* the user is done sending: FIN */                  \
	X(rcv_fin)	  /* the peer is done sending */                       \
	X(rcv_ack_of_fin) /* our FIN acknowledged */                           \
	X(timeout)	  /* 2 MSL in TIME-WAIT, or retransmissions gave up */ \
	X(reset)	  /* a valid RST, or an abort */

#define TCP_STATE_ENUM(name, text) TCP_##name,
#define TCP_EVENT_ENUM(name) TCP_EV_##name,
enum tcp_state { TCP_STATES(TCP_STATE_ENUM) TCP_STATE_COUNT };
enum tcp_event { TCP_EVENTS(TCP_EVENT_ENUM) TCP_EVENT_COUNT };
#undef TCP_STATE_ENUM
#undef TCP_EVENT_ENUM

extern const char *const tcp_state_names[TCP_STATE_COUNT];
extern const char *const tcp_event_names[TCP_EVENT_COUNT];

/* The state event takes a connection in state to, or -1 when it does not
 * apply there. */
int tcp_fsm_next(enum tcp_state state, enum tcp_event event);

/* Counters of the whole stack: `show tcp`, netstat -s style. */
#define TCP_COUNTERS(X)                                                        \
	X(active_opens)                                                        \
	X(passive_opens)                                                       \
	X(attempt_fails)                                                       \
	X(estab_resets)                                                        \
	X(in_segs)                                                             \
	X(out_segs)                                                            \
	X(retrans_segs)                                                        \
	X(fast_retrans)                                                        \
	X(timeouts)                                                            \
	X(sack_recoveries)                                                     \
	X(reno_recoveries)                                                     \
	X(challenge_acks)                                                      \
	X(challenge_acks_limited)                                              \
	X(in_errs)                                                             \
	X(bad_checksum)                                                        \
	X(truncated)                                                           \
	X(bad_offset)                                                          \
	X(bad_options)                                                         \
	X(in_rsts)                                                             \
	X(out_rsts)                                                            \
	X(out_of_window)                                                       \
	X(paws_rejected)                                                       \
	X(ack_too_old)                                                         \
	X(ack_unsent)                                                          \
	X(no_socket)                                                           \
	X(syn_queue_overflow)                                                  \
	X(accept_queue_overflow)                                               \
	X(listen_drops)                                                        \
	X(delayed_acks)                                                        \
	X(dup_acks)                                                            \
	X(ooo_segs)                                                            \
	X(ooo_dropped)                                                         \
	X(persist_probes)                                                      \
	X(zero_window_sent)                                                    \
	X(pmtu_updates)                                                        \
	X(syn_retrans)                                                         \
	X(rcvbuf_full)                                                         \
	X(time_wait_reused)

enum tcp_stat { TCP_COUNTERS(STATS_ENUM) TCP_STAT_COUNT };

extern const char *const tcp_stat_names[TCP_STAT_COUNT];

/* A byte ring: the send and the receive buffer. */
struct tcp_ring {
	uint8_t *buf;
	size_t size;
	size_t head; /* the first byte */
	size_t len;
};

/* A segment sent and not yet acknowledged, for retransmission, SACK and
 * RTT samples. */
struct tcp_sent {
	uint32_t seq;
	uint32_t len;  /* sequence space, SYN and FIN counted */
	uint8_t flags; /* TCP_FLAG_SYN, TCP_FLAG_FIN */
	uint8_t sacked : 1, lost : 1, retrans : 1;
	double xmit; /* when it last left (tcp_clock) */
};

struct tcp_stack;

enum tcp_cc_algo { TCP_CC_RENO, TCP_CC_CUBIC };

struct tcp_conn {
	struct sock sock; /* first: the table holds the connection */
	struct tcp_stack *stack;
	struct tcp_conn *next_conn; /* every connection of the stack */
	enum tcp_state state;

	/* a listener's queues; a child's listener until it is accepted */
	struct tcp_conn *listener;
	struct tcp_conn *accept_next;
	struct tcp_conn *accept_head, *accept_tail;
	int backlog, syn_count, accept_count;
	double born; /* for evicting the oldest half-open connection */

	/* send sequence space (RFC 9293 3.3.1) */
	uint32_t iss, snd_una, snd_nxt, snd_max;
	uint32_t snd_sml; /* the end of the last short segment sent */
	uint32_t snd_wnd; /* bytes, scaled */
	uint32_t snd_wl1, snd_wl2, max_snd_wnd;
	uint8_t snd_wscale, rcv_wscale;
	bool ws_ok, ts_ok, sack_ok, nodelay;
	uint16_t mss;	   /* payload bytes a segment carries, options
			      counted out */
	uint16_t peer_mss; /* as offered */
	struct tcp_ring snd;
	bool fin_queued; /* the user closed: FIN after the data */
	bool fin_sent;	 /* and it left, at fin_seq */
	uint32_t fin_seq;

	/* what is in flight */
	struct tcp_sent *sent;
	size_t sent_cap, sent_head, sent_len;

	/* receive sequence space */
	uint32_t irs, rcv_nxt;
	uint32_t rcv_adv;    /* the right edge last advertised */
	struct tcp_ring rcv; /* data received beyond rcv_nxt waits in place,
				past rcv.len, until the holes fill */
	bool fin_rcvd;
	uint32_t ooo[TCP_OOO_RANGES][2]; /* what arrived beyond rcv_nxt,
					    [start, end), by seq */
	int nooo;
	uint32_t sack_recent; /* a byte of the block received last */

	/* timestamps (RFC 7323) */
	uint32_t ts_recent, last_ack_sent;

	/* round trip (RFC 6298) */
	double srtt, rttvar, rto;
	bool rtt_valid;
	int backoff; /* retransmissions of the oldest segment in a row */
	int probes;  /* window probes the peer left unanswered in a row */

	/* deadlines, INFINITY when off */
	double rto_at, dack_at, tw_at;
	bool persist; /* rto_at probes a zero window */

	/* delayed ACK */
	int segs_unacked;
	bool ack_now;
	double stray_acked; /* when a stray pure ACK was last answered */

	/* congestion control */
	uint32_t cwnd, ssthresh;
	uint32_t bytes_acked; /* toward the next cwnd increase */
	uint32_t dupacks;
	bool in_recovery;
	uint32_t recover;  /* snd_max when recovery began */
	uint32_t high_rxt; /* RFC 6675 HighRxt */
	double cubic_wmax, cubic_k, cubic_epoch, cubic_west;

	uint32_t retrans;
	int err; /* why the connection went: ECONNRESET, ETIMEDOUT, ... */
	bool user_closed; /* the owner is gone: free when the state allows */
	bool told_closed;
};

/* The stack: settings, counters, and every connection. */
struct tcp_stack {
	struct ipnode *node;
	struct tcp_conn *conns;
	enum tcp_cc_algo cc;
	double msl;
	size_t sndbuf, rcvbuf;
	uint8_t secret[16];   /* for ISNs and ephemeral ports */
	uint32_t port_offset; /* RFC 6056 algorithm 3's counter */
	double challenge_tokens, challenge_last;
	ev_timer timer;
	double timer_at;
	uint64_t stats[TCP_STAT_COUNT];
};

/* tcp_conn.c: the stack and its connections. */

void tcp_stack_init(struct tcp_stack *st, struct ipnode *node);
/* Frees every connection (at shutdown). */
void tcp_stack_destroy(struct tcp_stack *st);
/* TCP as a protocol of the node; the node's stack is found through it. */
extern const struct ipnode_proto tcp_proto;
/* The time now, from the node (the loop's time: for timers). */
double tcp_now(const struct tcp_stack *st);
/*
 * The time at this moment, for timing the path (RTT samples): the loop's
 * time stands still while one pass handles a ring of frames, and a peer
 * on the same machine can acknowledge a segment within the pass that sent
 * it. The node's clock when it has no loop (tests).
 */
double tcp_clock(const struct tcp_stack *st);

/*
 * Opens a connection from laddr:lport (0, 0: the node's address towards
 * raddr, an ephemeral port) to raddr:rport for the owner of ops; the SYN
 * leaves at once. NULL with errno (EADDRINUSE, EADDRNOTAVAIL, ENETUNREACH,
 * ENOMEM).
 */
struct tcp_conn *tcp_connect(struct tcp_stack *st, uint32_t laddr,
			     uint16_t lport, uint32_t raddr, uint16_t rport,
			     const struct sock_ops *ops, void *owner);
/* A listening socket on laddr:lport (laddr 0: any); NULL with errno. */
struct tcp_conn *tcp_listen(struct tcp_stack *st, uint32_t laddr,
			    uint16_t lport, int backlog,
			    const struct sock_ops *ops, void *owner);
/*
 * The next established connection waiting on listener l, now the
 * caller's (ops and owner set), or NULL when none waits.
 */
struct tcp_conn *tcp_accept(struct tcp_conn *l, const struct sock_ops *ops,
			    void *owner);

/* Appends data to the send buffer; returns how much fitted. */
size_t tcp_send(struct tcp_conn *c, const uint8_t *data, size_t len);
/*
 * The same without a copy: where the next bytes to send go (up to *room,
 * contiguous), then tcp_send_commit() with how many were written there.
 */
uint8_t *tcp_send_reserve(struct tcp_conn *c, size_t *room);
void tcp_send_commit(struct tcp_conn *c, size_t len);
/* Room left in the send buffer. */
size_t tcp_send_space(const struct tcp_conn *c);
/* Takes up to len bytes of what arrived in order; may open the window. */
size_t tcp_recv(struct tcp_conn *c, uint8_t *buf, size_t len);
/*
 * The same without a copy: the next readable bytes (contiguous, up to
 * *len), then tcp_recv_consume() with how many were used.
 */
const uint8_t *tcp_recv_peek(const struct tcp_conn *c, size_t *len);
void tcp_recv_consume(struct tcp_conn *c, size_t len);
/* Bytes waiting to be read. */
size_t tcp_recv_avail(const struct tcp_conn *c);
/* True once everything before the peer's FIN has been read. */
bool tcp_recv_eof(const struct tcp_conn *c);
/* No more data from this side: FIN after what is queued. */
void tcp_shutdown(struct tcp_conn *c);
/*
 * The owner is done with c: shuts down (or resets, when data it never read
 * is left), and the stack frees c when the connection has ended. The owner
 * hears nothing more.
 */
void tcp_close(struct tcp_conn *c);
/* Resets the connection (RST) and frees it; the owner hears nothing. */
void tcp_abort(struct tcp_conn *c);

/* Rows of `show sockets` for TCP come from here. */
void tcp_sock_json(const struct sock *s, json_t *row);
/* `show tcp`. */
json_t *tcp_stats_json(const struct tcp_stack *st);

/* Internal to the tcp_*.c files. */
struct tcp_conn *tcp_conn_new(struct tcp_stack *st);
int tcp_conn_buffers(struct tcp_conn *c);
void tcp_conn_free(struct tcp_conn *c);
void tcp_set_state(struct tcp_conn *c, enum tcp_event event);
void tcp_conn_ended(struct tcp_conn *c, int err);
struct tcp_conn *tcp_lookup(struct tcp_stack *st, uint32_t laddr,
			    uint16_t lport, uint32_t raddr, uint16_t rport);
uint32_t tcp_isn(const struct tcp_stack *st, uint32_t laddr, uint16_t lport,
		 uint32_t raddr, uint16_t rport);
void tcp_mss_init(struct tcp_conn *c);
size_t tcp_rcv_window(const struct tcp_conn *c);

/* tcp_input.c */
void tcp_input(struct ipnode *n, const struct ipv4_pkt *pkt,
	       bool link_multicast);
int tcp_icmp_error(struct ipnode *n, const struct sock_error *e);

/* tcp_output.c */
/* Sends what the windows, Nagle and the timers allow now. */
void tcp_output(struct tcp_conn *c);
/* Sends an ACK now (with SACK blocks and the current window). */
void tcp_send_ack(struct tcp_conn *c);
/* Sends a segment of c's with flags and no data at seq. */
void tcp_send_ctl(struct tcp_conn *c, uint8_t flags, uint32_t seq);
/* A RST answering seg, which found no connection (RFC 9293 3.10.7.1). */
void tcp_send_reset(struct tcp_stack *st, const struct tcp_seg *seg);
/* Notes, for a trace, the connection a segment being sent is from. */
void tcp_describe_tx(struct ipnode *n, const struct ipv4_pkt *pkt);
/*
 * Probes a window that keeps waiting data back: sends what it takes, small
 * as it is, or, when it is shut, a segment the peer must answer. True
 * when data left.
 */
bool tcp_persist_probe(struct tcp_conn *c);
/* Retransmits the oldest unacknowledged segment. */
void tcp_retransmit_head(struct tcp_conn *c);
/* Retransmits what RFC 6675 NextSeg() picks while the pipe allows. */
void tcp_sack_retransmit(struct tcp_conn *c);

/* tcp_timer.c */
void tcp_timer_init(struct tcp_stack *st);
/* Fires whatever fell due by now; the loop's timer calls it. */
void tcp_timer_run(struct tcp_stack *st);
/* The earliest of c's deadlines, INFINITY when none is set. */
double tcp_next_deadline(const struct tcp_conn *c);
/* A deadline of c changed: re-arm the stack's timer. */
void tcp_timer_update(struct tcp_stack *st);
/* Arms the retransmission timer from now with the current RTO. */
void tcp_rto_arm(struct tcp_conn *c);
/* A new RTT sample in seconds (RFC 6298 2.2, 2.3). */
void tcp_rtt_sample(struct tcp_conn *c, double rtt);
/* Schedules a delayed ACK, or sends one now when two full segments wait. */
void tcp_ack_later(struct tcp_conn *c);

/* tcp_sack.c */
/* Data received: in order onto the ring, else into the out-of-order
 * queue; returns the bytes that became readable. */
size_t tcp_rcv_data(struct tcp_conn *c, uint32_t seq, const uint8_t *data,
		    size_t len);
/* The SACK blocks to send (RFC 2018 4): the most recent first. */
int tcp_sack_blocks(const struct tcp_conn *c, uint32_t blocks[][2], int max);
/* Marks what the peer's SACK blocks cover; returns newly SACKed bytes. */
uint32_t tcp_sack_mark(struct tcp_conn *c, const struct tcp_opts *o);
/* RFC 6675's pipe: bytes thought to be in the network. */
uint32_t tcp_pipe(const struct tcp_conn *c);
/* Marks lost what RFC 6675 IsLost() says; true when any is. */
bool tcp_sack_detect_loss(struct tcp_conn *c);
struct tcp_sent *tcp_sent_at(const struct tcp_conn *c, size_t i);

/* tcp_cc.c */
void tcp_cc_init(struct tcp_conn *c);
/* acked new bytes outside recovery */
void tcp_cc_ack(struct tcp_conn *c, uint32_t acked);
/* Loss found by duplicate ACKs or SACK: enters recovery. */
void tcp_cc_enter_recovery(struct tcp_conn *c);
void tcp_cc_exit_recovery(struct tcp_conn *c);
/* The retransmission timer expired. */
void tcp_cc_timeout(struct tcp_conn *c);

#endif
