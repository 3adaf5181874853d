/*
 * IEEE 802.1D (1998) spanning tree for switchd: the BPDUs on the wire and
 * the protocol's state machine.
 *
 * The bridges elect the one with the lowest bridge ID (priority, then MAC)
 * as root; every other bridge keeps the port with the cheapest path to the
 * root (its root port), and on each link the bridge with the cheapest path
 * forwards (the designated port). Every other port blocks, so the active
 * topology is a tree. A port that is to forward first listens, then learns,
 * each for forward_delay, so that no loop forms while the news spreads.
 * The root sends configuration BPDUs every hello time; a bridge that hears
 * nothing on its root port for max_age takes the root's place on it. A
 * bridge whose port starts or stops forwarding tells the root with TCN
 * BPDUs; the root then sets the topology change flag in its BPDUs for
 * max_age + forward_delay, and every bridge ages its MAC table out after
 * forward_delay meanwhile.
 *
 * The machine does no I/O and reads no clock: the owner passes `now` (in
 * seconds) to every call, sends what ops->send hands it, and keeps one
 * timer that it sets whenever ops->schedule asks, calling stp_tick() when
 * it fires. A unit test drives it with its own clock.
 */
#ifndef HOPLAB_STP_H
#define HOPLAB_STP_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ether.h"

#define STP_PORTS_MAX 64

/* 802.1D timer defaults and ranges, in seconds. */
#define STP_HELLO_DEFAULT 2.0
#define STP_HELLO_MIN 1.0
#define STP_HELLO_MAX 10.0
#define STP_MAX_AGE_DEFAULT 20.0
#define STP_MAX_AGE_MIN 6.0
#define STP_MAX_AGE_MAX 40.0
#define STP_FWD_DELAY_DEFAULT 15.0
#define STP_FWD_DELAY_MIN 4.0
#define STP_FWD_DELAY_MAX 30.0
#define STP_HOLD_TIME 1.0
#define STP_PRIORITY_DEFAULT 32768
#define STP_PORT_PRIORITY 128
/* 802.1D-1998's cost for 100 Mb/s: a veth tells no speed. */
#define STP_PATH_COST_DEFAULT 19
#define STP_PATH_COST_MAX 65535

/* A BPDU in a frame: 802.3 header, LLC 42 42 03, then the BPDU. */
#define STP_LLC_LEN 3
#define STP_CONFIG_LEN 35
#define STP_TCN_LEN 4
/* The longest BPDU frame is shorter than the Ethernet minimum. */
#define STP_FRAME_MAX ETHER_MIN_FRAME
_Static_assert(ETHER_HDR_LEN + STP_LLC_LEN + STP_CONFIG_LEN <= STP_FRAME_MAX,
	       "a configuration BPDU fits the minimum frame");
#define STP_TYPE_CONFIG 0x00
#define STP_TYPE_RST 0x02 /* RSTP's BPDU, read as a configuration one */
#define STP_TYPE_TCN 0x80
#define STP_FLAG_TC 0x01
#define STP_FLAG_TCA 0x80

extern const uint8_t stp_group_mac[ETHER_ADDR_LEN];

#define STP_ROLES(X)                                                           \
	X(disabled)                                                            \
	X(root)                                                                \
	X(designated)                                                          \
	X(alternate)

#define STP_STATES(X)                                                          \
	X(disabled)                                                            \
	X(blocking)                                                            \
	X(listening)                                                           \
	X(learning)                                                            \
	X(forwarding)

/* What a received frame to the group address was, for the counters. */
#define STP_RESULTS(X)                                                         \
	X(ok)                                                                  \
	X(truncated)                                                           \
	X(not_llc)                                                             \
	X(bad_protocol)                                                        \
	X(bad_type)                                                            \
	X(bad_timers)                                                          \
	X(own)

#define STP_ROLE_ENUM(name) STP_ROLE_##name,
#define STP_STATE_ENUM(name) STP_##name,
#define STP_RESULT_ENUM(name) STP_BPDU_##name,
enum stp_role { STP_ROLES(STP_ROLE_ENUM) STP_ROLE_COUNT };
enum stp_state { STP_STATES(STP_STATE_ENUM) STP_STATE_COUNT };
enum stp_result { STP_RESULTS(STP_RESULT_ENUM) STP_RESULT_COUNT };
#undef STP_ROLE_ENUM
#undef STP_STATE_ENUM
#undef STP_RESULT_ENUM

extern const char *const stp_role_names[STP_ROLE_COUNT];
extern const char *const stp_state_names[STP_STATE_COUNT];
extern const char *const stp_result_names[STP_RESULT_COUNT];

/* A BPDU's fields in host order, times in seconds. */
struct stp_bpdu {
	uint8_t type; /* STP_TYPE_CONFIG or STP_TYPE_TCN */
	uint8_t flags;
	uint64_t root_id;
	uint32_t root_cost;
	uint64_t bridge_id;
	uint16_t port_id;
	double message_age;
	double max_age;
	double hello_time;
	double forward_delay;
};

/* Reads the BPDU of a frame to the group address. */
enum stp_result stp_bpdu_parse(const uint8_t *frame, size_t len,
			       struct stp_bpdu *out);
/* Writes the frame of b from src into buf (STP_FRAME_MAX bytes, padded to
 * the 60-byte minimum); returns its length. */
size_t stp_bpdu_build(uint8_t *buf, const uint8_t *src,
		      const struct stp_bpdu *b);

struct stp_port {
	bool enabled; /* the link is up */
	enum stp_state state;
	uint16_t port_id;
	uint32_t path_cost;
	/* The best information heard or sent on the link. */
	uint64_t designated_root;
	uint32_t designated_cost;
	uint64_t designated_bridge;
	uint16_t designated_port;
	bool topology_change_ack; /* to set in the next BPDU sent */
	bool config_pending;	  /* a BPDU waits for the hold timer */
	double info_since; /* when the root sent the information, locally */
	double info_max_age;
	/* Deadlines; 0 when the timer is not running. */
	double message_age_timer;
	double forward_delay_timer;
	double hold_timer;
	uint64_t transitions; /* into forwarding */
};

struct stp_ops {
	/* Sends a BPDU frame out of port. */
	void (*send)(void *arg, int port, const uint8_t *frame, size_t len);
	/* A port's state changed (a port that stops learning loses its
	 * stations). May be NULL. */
	void (*state_changed)(void *arg, int port, enum stp_state state);
	/* The topology change flag went on or off: age MACs out after
	 * forward_delay, or the usual time again. May be NULL. */
	void (*topology_change)(void *arg, bool on, double forward_delay);
	/* Call stp_tick() at `when` (0: no timer is running). */
	void (*schedule)(void *arg, double when);
};

struct stp {
	bool enabled;
	uint16_t priority;
	uint8_t mac[ETHER_ADDR_LEN]; /* the bridge's: its lowest port MAC */
	uint64_t bridge_id;
	uint64_t designated_root;
	uint32_t root_path_cost;
	int root_port; /* -1: this bridge is root */
	/* The timers in use (the root's) and those configured here. */
	double max_age, hello_time, forward_delay;
	double bridge_max_age, bridge_hello_time, bridge_forward_delay;
	bool topology_change_detected;
	bool topology_change; /* the flag, as the root sets it */
	double hello_timer, tcn_timer, topology_change_timer;
	double topology_change_since; /* last time the flag went on */
	uint64_t topology_changes;
	struct stp_port port[STP_PORTS_MAX];
	int nports;
	const struct stp_ops *ops;
	void *arg;
	uint64_t results[STP_RESULT_COUNT]; /* BPDUs received, by fate */
	uint64_t tcn_sent, config_sent;
};

/* A machine with default settings, off, over no ports yet. */
void stp_init(struct stp *s, const struct stp_ops *ops, void *arg);
/* Adds port (its number is its index, which must be nports), down. */
int stp_port_add(struct stp *s, int port);
/* Sets the bridge's MAC (it changes the bridge ID). */
void stp_set_mac(struct stp *s, const uint8_t *mac, double now);
void stp_set_priority(struct stp *s, uint16_t priority, double now);
/* Sets the timers the bridge uses when it is root; -1 when out of
 * 802.1D's ranges. */
int stp_set_timers(struct stp *s, double hello, double max_age,
		   double forward_delay, double now);
int stp_set_path_cost(struct stp *s, int port, uint32_t cost, double now);
/* Turns the protocol on (every port starts blocking) or off (every port
 * that is up forwards). */
void stp_enable(struct stp *s, bool on, double now);
/* The link of port went up or down. */
void stp_port_link(struct stp *s, int port, bool up, double now);
/* A frame to the group address arrived on port. */
enum stp_result stp_input(struct stp *s, int port, const uint8_t *frame,
			  size_t len, double now);
/* Runs the timers that expired by now. */
void stp_tick(struct stp *s, double now);
/* The earliest running timer, 0 when none. */
double stp_next_deadline(const struct stp *s);

enum stp_role stp_port_role(const struct stp *s, int port);
/* Whether frames of port are learned from, and forwarded. */
bool stp_port_learns(const struct stp *s, int port);
bool stp_port_forwards(const struct stp *s, int port);
bool stp_is_root(const struct stp *s);
/* "8000.aabbccddeeff", as the Linux bridge writes bridge IDs. */
char *stp_id_str(uint64_t id, char *buf, size_t len);
/* `show stp`: the bridge, and a row per port named by names[i]. */
json_t *stp_bridge_json(const struct stp *s, const char *const *names);
json_t *stp_ports_json(const struct stp *s, const char *const *names);

#endif
