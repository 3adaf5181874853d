/*
 * A port: one network interface a daemon owns, whatever carries its frames.
 * The daemon code sees only this; common/port_packet.c implements it over
 * AF_PACKET, and the unit tests over memory, recording what was sent.
 */
#ifndef HOPLAB_PORT_H
#define HOPLAB_PORT_H

#include <jansson.h>
#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "ether.h"
#include "impair.h"

#define PORT_NAME_MAX IFNAMSIZ
#define PORT_FRAME_MAX 65600 /* an MTU of 65535 plus headers */
#define PORT_SET_MAX 64

/*
 * rx_dropped counts every received frame that was not used: those the port
 * itself refused (rx_port_down, rx_oversize), those the kernel could not
 * hand over because the receive ring was full (rx_ring_full), and those
 * its owner dropped.
 */
struct port_counters {
	uint64_t rx_packets;
	uint64_t rx_bytes;
	uint64_t tx_packets;
	uint64_t tx_bytes;
	uint64_t rx_dropped;
	uint64_t tx_dropped;
	uint64_t rx_port_down; /* arrived while the port was down */
	uint64_t rx_oversize;  /* longer than the port's MTU allows */
	uint64_t rx_ring_full; /* dropped by the kernel: no room to receive */
};

struct port;
struct capture;
struct trace;

/*
 * Called for each received frame that the port accepted; the frame is
 * valid until it returns. Returns false when the owner dropped the frame
 * (it counts it under a reason of its own; the port adds it to
 * rx_dropped).
 */
typedef bool (*port_rx_fn)(struct port *port, const uint8_t *frame, size_t len,
			   void *arg);

struct port_ops {
	/* Queues or sends one frame; -1 when it could not. */
	int (*send)(struct port *port, const uint8_t *frame, size_t len);
	void (*close)(struct port *port);
};

struct port {
	char name[PORT_NAME_MAX];
	int index;   /* position in the owning daemon's port table */
	int ifindex; /* 0 for ports that are not kernel interfaces */
	uint8_t mac[ETHER_ADDR_LEN];
	unsigned mtu;
	bool up; /* administratively up and with carrier */
	/* How frames come in ("tpacket_v2", "tpacket_v3"), NULL: not said. */
	const char *rx_ring;
	struct port_counters cnt;
	const struct port_ops *ops;
	port_rx_fn rx;
	void *rx_arg;
	struct capture *capture; /* while `capture start` runs */
	struct trace *trace;	 /* the owner's trace recorder, or NULL */
	/* What leaves is impaired (delay, loss, ...); NULL until the first
	 * port_impair(), and kept with its counters after a clear. */
	struct impair *impair;
	/* While port_deliver_mut() hands it on: the frame, writable. */
	uint8_t *rx_frame;
	size_t rx_len;
};

/*
 * Sends a frame out of a port, counting it. A port that is down or a frame
 * longer than the MTU allows counts as tx_dropped and returns -1. On an
 * impaired port the frame goes through the impairments first, which may
 * hold a copy to send later, or drop it (counted under impair_*; that
 * returns 0, as a wire that loses a frame says nothing). Captures see
 * frames when they leave, as they leave; the trace row of the frame being
 * handled says what the impairments did.
 */
int port_send(struct port *port, const uint8_t *frame, size_t len);
/*
 * Impairs what leaves port from now on as spec says (a spec that names no
 * seed gets impair_seed_of() the port's name), the held frames of an
 * earlier spec leaving when they were due; or, with spec NULL, impairs no
 * more and sends what is held at once. A timer of loop sends held frames
 * when they are due (NULL: only impair_run() does). -1 without memory.
 */
int port_impair(struct port *port, struct ev_loop *loop,
		const struct impair_spec *spec);
/*
 * How the impairment stage sends a frame out of port (a struct port *):
 * refused, and counted, when the port has gone down meanwhile. For tests
 * that make port->impair themselves, with a clock of their own.
 */
int port_impair_out(void *port, const uint8_t *frame, size_t len);
/*
 * Hands a received frame to the port's owner, counting it; a port that is
 * down, or a frame longer than the MTU allows, never reaches the owner.
 */
void port_deliver(struct port *port, const uint8_t *frame, size_t len);
/*
 * The same for a frame that the owner may rewrite while it handles it
 * (one in a receive ring, which no one reads after): port_rx_writable()
 * lends it. A frame sent on from there leaves without being copied.
 */
void port_deliver_mut(struct port *port, uint8_t *frame, size_t len);
/*
 * The bytes [at, at + len) of the frame being handed on by port, writable,
 * when port_deliver_mut() is handing it on and they lie inside it; NULL
 * otherwise (the caller then works on a copy).
 */
uint8_t *port_rx_writable(struct port *port, const uint8_t *at, size_t len);
void port_close(struct port *port);
/* The largest frame (without FCS) the port's MTU allows, tagged or not. */
size_t port_frame_max(const struct port *port);
/*
 * One row of `show ports`; a port that was ever impaired adds `impair`
 * (the spec, null once cleared), `impair_held` (frames in the delay
 * queue) and the stage's counters: impair_loss, impair_delayed,
 * impair_duplicated, impair_reordered, impair_corrupted,
 * impair_rate_dropped, impair_queue_full.
 */
json_t *port_json(const struct port *port);

/* The ports a daemon owns; a port's index is its place here. */
struct port_set {
	struct port *port[PORT_SET_MAX];
	int n;
	/* The daemon's trace recorder (NULL: none), which every port of the
	 * set and the code over them report to; set before ports are
	 * added. */
	struct trace *trace;
};

/* Adds port (setting its index and its trace recorder, the set's); -1
 * when the set is full or has a port of that name. */
int port_set_add(struct port_set *set, struct port *port);
/* The port called name, or NULL. */
struct port *port_set_find(const struct port_set *set, const char *name);
/* Closes every port and empties the set. */
void port_set_close(struct port_set *set);
/* The rows of `show ports`. */
json_t *port_set_json(const struct port_set *set);
/* Counters of the whole set for `show stats`: rx_frames (every frame
 * received), port_down and oversize (refused by the ports), and
 * rx_ring_full (dropped by the kernel, the receive rings being full). */
void port_set_stats_json(const struct port_set *set, json_t *obj);

#endif
