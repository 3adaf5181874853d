/*
 * The spanning tree state machine (IEEE 802.1D-1998 clause 8), written
 * after the standard's procedures: each stp_ function below that names one
 * is that procedure (8.6 and 8.7).
 */
#include "stp.h"

#include <stdio.h>
#include <string.h>

#define STP_NAME(name) #name,
const char *const stp_role_names[STP_ROLE_COUNT] = {STP_ROLES(STP_NAME)};
const char *const stp_state_names[STP_STATE_COUNT] = {STP_STATES(STP_NAME)};
const char *const stp_result_names[STP_RESULT_COUNT] = {STP_RESULTS(STP_NAME)};
#undef STP_NAME

const uint8_t stp_group_mac[ETHER_ADDR_LEN] = {0x01, 0x80, 0xc2, 0, 0, 0};

/* Added to the message age of information sent on (8.10.2). */
#define STP_MESSAGE_AGE_INCREMENT 1.0

/* --- BPDUs on the wire ---------------------------------------------------- */

static uint64_t
stp_get64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

static void
stp_put64(uint8_t *p, uint64_t v)
{
	for (int i = 7; i >= 0; i--, v >>= 8)
		p[i] = (uint8_t)v;
}

static double
stp_get_time(const uint8_t *p)
{
	return (double)(p[0] << 8 | p[1]) / 256.0;
}

static void
stp_put_time(uint8_t *p, double secs)
{
	double t = secs * 256.0 + 0.5;
	unsigned v = t < 0 ? 0 : t > 65535 ? 65535 : (unsigned)t;

	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

enum stp_result
stp_bpdu_parse(const uint8_t *frame, size_t len, struct stp_bpdu *out)
{
	const uint8_t *p = frame + ETHER_HDR_LEN;
	size_t n;

	memset(out, 0, sizeof(*out));
	if (len < ETHER_HDR_LEN + STP_LLC_LEN + STP_TCN_LEN)
		return STP_BPDU_truncated;
	/* An 802.3 length, not an EtherType, and the LLC SAPs of STP. */
	n = (size_t)(frame[12] << 8 | frame[13]);
	if (n > 1500 || p[0] != 0x42 || p[1] != 0x42 || p[2] != 0x03)
		return STP_BPDU_not_llc;
	if (n < STP_LLC_LEN + STP_TCN_LEN)
		return STP_BPDU_truncated;
	/* Padding may follow; the length field bounds the BPDU. */
	if (n > len - ETHER_HDR_LEN)
		n = len - ETHER_HDR_LEN;
	p += STP_LLC_LEN;
	n -= STP_LLC_LEN;
	if (p[0] != 0 || p[1] != 0)
		return STP_BPDU_bad_protocol;
	out->type = p[3];
	if (out->type == STP_TYPE_TCN)
		return STP_BPDU_ok;
	if (out->type != STP_TYPE_CONFIG && out->type != STP_TYPE_RST)
		return STP_BPDU_bad_type;
	if (n < STP_CONFIG_LEN)
		return STP_BPDU_truncated;
	out->type = STP_TYPE_CONFIG;
	out->flags = p[4];
	out->root_id = stp_get64(p + 5);
	out->root_cost = (uint32_t)p[13] << 24 | (uint32_t)p[14] << 16 |
			 (uint32_t)p[15] << 8 | p[16];
	out->bridge_id = stp_get64(p + 17);
	out->port_id = (uint16_t)(p[25] << 8 | p[26]);
	out->message_age = stp_get_time(p + 27);
	out->max_age = stp_get_time(p + 29);
	out->hello_time = stp_get_time(p + 31);
	out->forward_delay = stp_get_time(p + 33);
	/* Information already too old, or timers that would stall us. */
	if (out->message_age >= out->max_age || out->hello_time <= 0 ||
	    out->forward_delay <= 0)
		return STP_BPDU_bad_timers;
	return STP_BPDU_ok;
}

size_t
stp_bpdu_build(uint8_t *buf, const uint8_t *src, const struct stp_bpdu *b)
{
	size_t bpdu_len =
	    b->type == STP_TYPE_TCN ? STP_TCN_LEN : STP_CONFIG_LEN;
	size_t n = STP_LLC_LEN + bpdu_len;
	uint8_t *p = buf + ETHER_HDR_LEN + STP_LLC_LEN;

	memset(buf, 0, STP_FRAME_MAX);
	memcpy(buf, stp_group_mac, ETHER_ADDR_LEN);
	memcpy(buf + 6, src, ETHER_ADDR_LEN);
	buf[12] = (uint8_t)(n >> 8);
	buf[13] = (uint8_t)n;
	buf[14] = buf[15] = 0x42;
	buf[16] = 0x03;
	p[3] = b->type;
	if (b->type == STP_TYPE_CONFIG) {
		p[4] = b->flags;
		stp_put64(p + 5, b->root_id);
		p[13] = (uint8_t)(b->root_cost >> 24);
		p[14] = (uint8_t)(b->root_cost >> 16);
		p[15] = (uint8_t)(b->root_cost >> 8);
		p[16] = (uint8_t)b->root_cost;
		stp_put64(p + 17, b->bridge_id);
		p[25] = (uint8_t)(b->port_id >> 8);
		p[26] = (uint8_t)b->port_id;
		stp_put_time(p + 27, b->message_age);
		stp_put_time(p + 29, b->max_age);
		stp_put_time(p + 31, b->hello_time);
		stp_put_time(p + 33, b->forward_delay);
	}
	n += ETHER_HDR_LEN;
	return n < ETHER_MIN_FRAME ? ETHER_MIN_FRAME : n;
}

/* --- small helpers -------------------------------------------------------- */

static void
stp_schedule(struct stp *s)
{
	if (s->ops && s->ops->schedule)
		s->ops->schedule(s->arg, stp_next_deadline(s));
}

static bool
stp_designated_port(const struct stp *s, int i)
{
	const struct stp_port *p = &s->port[i];

	return p->designated_bridge == s->bridge_id &&
	       p->designated_port == p->port_id;
}

bool
stp_is_root(const struct stp *s)
{
	return s->designated_root == s->bridge_id;
}

static void
stp_set_state(struct stp *s, int i, enum stp_state state)
{
	struct stp_port *p = &s->port[i];

	if (p->state == state)
		return;
	p->state = state;
	if (state == STP_forwarding)
		p->transitions++;
	if (s->ops && s->ops->state_changed)
		s->ops->state_changed(s->arg, i, state);
}

static void
stp_set_topology_change(struct stp *s, bool on)
{
	if (s->topology_change == on)
		return;
	s->topology_change = on;
	if (on) {
		s->topology_changes++;
		s->topology_change_since = 0;
	}
	if (s->ops && s->ops->topology_change)
		s->ops->topology_change(s->arg, on, s->forward_delay);
}

/* --- transmission (8.6.1, 8.6.6) ------------------------------------------ */

static void
stp_send(struct stp *s, int i, const struct stp_bpdu *b)
{
	uint8_t frame[STP_FRAME_MAX];
	size_t len = stp_bpdu_build(frame, s->mac, b);

	if (s->ops && s->ops->send)
		s->ops->send(s->arg, i, frame, len);
}

static void
stp_transmit_config(struct stp *s, int i, double now)
{
	struct stp_port *p = &s->port[i];
	struct stp_bpdu b = {.type = STP_TYPE_CONFIG};

	if (p->hold_timer) {
		p->config_pending = true;
		return;
	}
	b.root_id = s->designated_root;
	b.root_cost = s->root_path_cost;
	b.bridge_id = s->bridge_id;
	b.port_id = p->port_id;
	if (s->root_port >= 0)
		b.message_age = now - s->port[s->root_port].info_since +
				STP_MESSAGE_AGE_INCREMENT;
	b.max_age = s->max_age;
	b.hello_time = s->hello_time;
	b.forward_delay = s->forward_delay;
	if (p->topology_change_ack)
		b.flags |= STP_FLAG_TCA;
	if (s->topology_change)
		b.flags |= STP_FLAG_TC;
	/* Information that would arrive expired is not sent (8.6.1.3.1). */
	if (b.message_age >= b.max_age)
		return;
	stp_send(s, i, &b);
	s->config_sent++;
	p->topology_change_ack = false;
	p->config_pending = false;
	p->hold_timer = now + STP_HOLD_TIME;
}

static void
stp_config_bpdu_generation(struct stp *s, double now)
{
	for (int i = 0; i < s->nports; i++)
		if (s->port[i].enabled && stp_designated_port(s, i))
			stp_transmit_config(s, i, now);
}

static void
stp_transmit_tcn(struct stp *s)
{
	struct stp_bpdu b = {.type = STP_TYPE_TCN};

	if (s->root_port < 0)
		return;
	stp_send(s, s->root_port, &b);
	s->tcn_sent++;
}

/* --- topology change (8.6.14, 8.6.15) ------------------------------------- */

static void
stp_topology_change_detection(struct stp *s, double now)
{
	if (stp_is_root(s)) {
		stp_set_topology_change(s, true);
		s->topology_change_timer = now + s->max_age + s->forward_delay;
	} else if (!s->topology_change_detected) {
		stp_transmit_tcn(s);
		s->tcn_timer = now + s->bridge_hello_time;
	}
	s->topology_change_detected = true;
}

/* --- election (8.6.8 to 8.6.11) ------------------------------------------- */

/* Whether port i offers a better path to the root than port j. */
static bool
stp_better_root_path(const struct stp *s, int i, int j)
{
	const struct stp_port *a = &s->port[i], *b = &s->port[j];
	uint32_t ca = a->designated_cost + a->path_cost;
	uint32_t cb = b->designated_cost + b->path_cost;

	if (a->designated_root != b->designated_root)
		return a->designated_root < b->designated_root;
	if (ca != cb)
		return ca < cb;
	if (a->designated_bridge != b->designated_bridge)
		return a->designated_bridge < b->designated_bridge;
	if (a->designated_port != b->designated_port)
		return a->designated_port < b->designated_port;
	return a->port_id < b->port_id;
}

static void
stp_root_selection(struct stp *s)
{
	int root = -1;

	for (int i = 0; i < s->nports; i++) {
		const struct stp_port *p = &s->port[i];

		if (!p->enabled || stp_designated_port(s, i) ||
		    p->designated_root >= s->bridge_id)
			continue;
		if (root < 0 || stp_better_root_path(s, i, root))
			root = i;
	}
	s->root_port = root;
	if (root < 0) {
		s->designated_root = s->bridge_id;
		s->root_path_cost = 0;
	} else {
		s->designated_root = s->port[root].designated_root;
		s->root_path_cost =
		    s->port[root].designated_cost + s->port[root].path_cost;
	}
}

static void
stp_become_designated_port(struct stp *s, int i)
{
	struct stp_port *p = &s->port[i];

	p->designated_root = s->designated_root;
	p->designated_cost = s->root_path_cost;
	p->designated_bridge = s->bridge_id;
	p->designated_port = p->port_id;
}

/* Whether this bridge offers the link of port i a better path. */
static bool
stp_should_become_designated(const struct stp *s, int i)
{
	const struct stp_port *p = &s->port[i];

	if (stp_designated_port(s, i) ||
	    p->designated_root != s->designated_root)
		return true;
	if (s->root_path_cost != p->designated_cost)
		return s->root_path_cost < p->designated_cost;
	if (s->bridge_id != p->designated_bridge)
		return s->bridge_id < p->designated_bridge;
	return p->port_id < p->designated_port;
}

static void
stp_configuration_update(struct stp *s)
{
	stp_root_selection(s);
	for (int i = 0; i < s->nports; i++)
		if (s->port[i].enabled && stp_should_become_designated(s, i))
			stp_become_designated_port(s, i);
}

/* --- port states (8.6.11 to 8.6.13) --------------------------------------- */

static void
stp_make_forwarding(struct stp *s, int i, double now)
{
	if (s->port[i].state != STP_blocking)
		return;
	stp_set_state(s, i, STP_listening);
	s->port[i].forward_delay_timer = now + s->forward_delay;
}

static void
stp_make_blocking(struct stp *s, int i, double now)
{
	enum stp_state was = s->port[i].state;

	if (was == STP_disabled || was == STP_blocking)
		return;
	if (was == STP_forwarding || was == STP_learning)
		stp_topology_change_detection(s, now);
	stp_set_state(s, i, STP_blocking);
	s->port[i].forward_delay_timer = 0;
}

static void
stp_port_state_selection(struct stp *s, double now)
{
	for (int i = 0; i < s->nports; i++) {
		struct stp_port *p = &s->port[i];

		if (!p->enabled)
			continue;
		if (i == s->root_port) {
			p->config_pending = false;
			p->topology_change_ack = false;
			stp_make_forwarding(s, i, now);
		} else if (stp_designated_port(s, i)) {
			p->message_age_timer = 0;
			stp_make_forwarding(s, i, now);
		} else {
			p->config_pending = false;
			p->topology_change_ack = false;
			stp_make_blocking(s, i, now);
		}
	}
}

/* This bridge has just become root: its own timers rule, and it says so. */
static void
stp_become_root(struct stp *s, double now)
{
	s->max_age = s->bridge_max_age;
	s->hello_time = s->bridge_hello_time;
	s->forward_delay = s->bridge_forward_delay;
	stp_topology_change_detection(s, now);
	s->tcn_timer = 0;
	stp_config_bpdu_generation(s, now);
	s->hello_timer = now + s->hello_time;
}

/* Runs the election again after information changed (8.6.x "reselect"). */
static void
stp_reselect(struct stp *s, double now)
{
	bool was_root = stp_is_root(s);

	stp_configuration_update(s);
	stp_port_state_selection(s, now);
	if (stp_is_root(s) && !was_root)
		stp_become_root(s, now);
}

/* --- received BPDUs (8.7.1, 8.7.2) ---------------------------------------- */

/* Whether b is better than what port i holds (8.6.2.2). */
static bool
stp_supersedes(const struct stp *s, int i, const struct stp_bpdu *b)
{
	const struct stp_port *p = &s->port[i];

	if (b->root_id != p->designated_root)
		return b->root_id < p->designated_root;
	if (b->root_cost != p->designated_cost)
		return b->root_cost < p->designated_cost;
	if (b->bridge_id != p->designated_bridge)
		return b->bridge_id < p->designated_bridge;
	return b->bridge_id != s->bridge_id || b->port_id <= p->designated_port;
}

static void
stp_received_config(struct stp *s, int i, const struct stp_bpdu *b, double now)
{
	struct stp_port *p = &s->port[i];
	bool was_root = stp_is_root(s);

	if (!stp_supersedes(s, i, b)) {
		/* A worse bridge on our link: tell it better (8.6.4). */
		if (stp_designated_port(s, i))
			stp_transmit_config(s, i, now);
		return;
	}
	p->designated_root = b->root_id;
	p->designated_cost = b->root_cost;
	p->designated_bridge = b->bridge_id;
	p->designated_port = b->port_id;
	p->info_since = now - b->message_age;
	p->info_max_age = b->max_age;
	p->message_age_timer = p->info_since + b->max_age;
	stp_configuration_update(s);
	stp_port_state_selection(s, now);
	if (was_root && !stp_is_root(s)) {
		s->hello_timer = 0;
		if (s->topology_change_detected) {
			s->topology_change_timer = 0;
			stp_transmit_tcn(s);
			s->tcn_timer = now + s->bridge_hello_time;
		}
	}
	if (i == s->root_port) {
		s->max_age = b->max_age;
		s->hello_time = b->hello_time;
		s->forward_delay = b->forward_delay;
		stp_set_topology_change(s, b->flags & STP_FLAG_TC);
		stp_config_bpdu_generation(s, now);
		if (b->flags & STP_FLAG_TCA) {
			s->topology_change_detected = false;
			s->tcn_timer = 0;
		}
	}
}

static void
stp_received_tcn(struct stp *s, int i, double now)
{
	if (!stp_designated_port(s, i))
		return;
	stp_topology_change_detection(s, now);
	s->port[i].topology_change_ack = true;
	stp_transmit_config(s, i, now);
}

enum stp_result
stp_input(struct stp *s, int port, const uint8_t *frame, size_t len, double now)
{
	struct stp_bpdu b;
	enum stp_result r = stp_bpdu_parse(frame, len, &b);

	/* Our own BPDU reflected back to the port that sent it tells
	 * nothing; one that comes in on another of our ports (two ports on
	 * one link) is information like any other, and blocks one of them. */
	if (port < 0 || port >= s->nports)
		return r;
	if (r == STP_BPDU_ok && b.type == STP_TYPE_CONFIG &&
	    b.bridge_id == s->bridge_id && b.port_id == s->port[port].port_id)
		r = STP_BPDU_own;
	s->results[r]++;
	if (r != STP_BPDU_ok || !s->enabled || !s->port[port].enabled)
		return r;
	if (b.type == STP_TYPE_TCN)
		stp_received_tcn(s, port, now);
	else
		stp_received_config(s, port, &b, now);
	stp_schedule(s);
	return r;
}

/* --- timers (8.7.3 to 8.7.8) ---------------------------------------------- */

static bool
stp_expired(double deadline, double now)
{
	return deadline > 0 && deadline <= now;
}

static bool
stp_designated_for_some_port(const struct stp *s)
{
	for (int i = 0; i < s->nports; i++)
		if (s->port[i].enabled && stp_designated_port(s, i))
			return true;
	return false;
}

/* The forward delay timer moves a port one state on. */
static void
stp_forward_delay_expired(struct stp *s, int i, double now)
{
	struct stp_port *p = &s->port[i];

	p->forward_delay_timer = 0;
	if (p->state == STP_listening) {
		stp_set_state(s, i, STP_learning);
		p->forward_delay_timer = now + s->forward_delay;
	} else if (p->state == STP_learning) {
		stp_set_state(s, i, STP_forwarding);
		if (stp_designated_for_some_port(s))
			stp_topology_change_detection(s, now);
	}
}

static void
stp_message_age_expired(struct stp *s, int i, double now)
{
	s->port[i].message_age_timer = 0;
	stp_become_designated_port(s, i);
	stp_reselect(s, now);
}

static void
stp_port_tick(struct stp *s, int i, double now)
{
	struct stp_port *p = &s->port[i];

	if (!p->enabled)
		return;
	if (stp_expired(p->message_age_timer, now))
		stp_message_age_expired(s, i, now);
	if (stp_expired(p->forward_delay_timer, now))
		stp_forward_delay_expired(s, i, now);
	if (stp_expired(p->hold_timer, now)) {
		p->hold_timer = 0;
		if (p->config_pending)
			stp_transmit_config(s, i, now);
	}
}

void
stp_tick(struct stp *s, double now)
{
	if (!s->enabled)
		return;
	if (stp_expired(s->hello_timer, now)) {
		stp_config_bpdu_generation(s, now);
		s->hello_timer = now + s->hello_time;
	}
	if (stp_expired(s->tcn_timer, now)) {
		stp_transmit_tcn(s);
		s->tcn_timer = now + s->bridge_hello_time;
	}
	if (stp_expired(s->topology_change_timer, now)) {
		s->topology_change_timer = 0;
		s->topology_change_detected = false;
		stp_set_topology_change(s, false);
	}
	for (int i = 0; i < s->nports; i++)
		stp_port_tick(s, i, now);
	stp_schedule(s);
}

static double
stp_earlier(double a, double b)
{
	if (!a)
		return b;
	if (!b)
		return a;
	return a < b ? a : b;
}

double
stp_next_deadline(const struct stp *s)
{
	double t = 0;

	if (!s->enabled)
		return 0;
	t = stp_earlier(t, s->hello_timer);
	t = stp_earlier(t, s->tcn_timer);
	t = stp_earlier(t, s->topology_change_timer);
	for (int i = 0; i < s->nports; i++) {
		const struct stp_port *p = &s->port[i];

		if (!p->enabled)
			continue;
		t = stp_earlier(t, p->message_age_timer);
		t = stp_earlier(t, p->forward_delay_timer);
		t = stp_earlier(t, p->hold_timer);
	}
	return t;
}

/* --- management (8.8) ----------------------------------------------------- */

void
stp_init(struct stp *s, const struct stp_ops *ops, void *arg)
{
	memset(s, 0, sizeof(*s));
	s->ops = ops;
	s->arg = arg;
	s->priority = STP_PRIORITY_DEFAULT;
	s->root_port = -1;
	s->bridge_max_age = s->max_age = STP_MAX_AGE_DEFAULT;
	s->bridge_hello_time = s->hello_time = STP_HELLO_DEFAULT;
	s->bridge_forward_delay = s->forward_delay = STP_FWD_DELAY_DEFAULT;
}

int
stp_port_add(struct stp *s, int port)
{
	struct stp_port *p;

	if (port != s->nports || port >= STP_PORTS_MAX)
		return -1;
	p = &s->port[s->nports++];
	memset(p, 0, sizeof(*p));
	p->state = STP_disabled;
	p->port_id = (uint16_t)(STP_PORT_PRIORITY << 8 | ((port + 1) & 0xff));
	p->path_cost = STP_PATH_COST_DEFAULT;
	return 0;
}

/* A port starts afresh: it claims its link, and blocks (8.8.1). */
static void
stp_init_port(struct stp *s, int i)
{
	struct stp_port *p = &s->port[i];

	stp_become_designated_port(s, i);
	stp_set_state(s, i, STP_blocking);
	p->topology_change_ack = false;
	p->config_pending = false;
	p->message_age_timer = p->forward_delay_timer = p->hold_timer = 0;
}

void
stp_port_link(struct stp *s, int i, bool up, double now)
{
	struct stp_port *p;

	if (i < 0 || i >= s->nports || s->port[i].enabled == up)
		return;
	p = &s->port[i];
	p->enabled = up;
	if (!s->enabled) {
		stp_set_state(s, i, up ? STP_forwarding : STP_disabled);
		return;
	}
	if (up) {
		stp_init_port(s, i);
		stp_port_state_selection(s, now);
	} else {
		bool was_forwarding = p->state == STP_forwarding;

		stp_become_designated_port(s, i);
		stp_set_state(s, i, STP_disabled);
		p->topology_change_ack = p->config_pending = false;
		p->message_age_timer = p->forward_delay_timer = 0;
		p->hold_timer = 0;
		stp_reselect(s, now);
		/* Stations behind the lost link now sit elsewhere; the news
		 * goes out of the root port chosen without it. */
		if (was_forwarding)
			stp_topology_change_detection(s, now);
	}
	stp_schedule(s);
}

static uint64_t
stp_make_id(uint16_t priority, const uint8_t *mac)
{
	uint64_t id = priority;

	for (int i = 0; i < ETHER_ADDR_LEN; i++)
		id = id << 8 | mac[i];
	return id;
}

/* The bridge ID changed (8.8.4). */
static void
stp_change_bridge_id(struct stp *s, uint64_t id, double now)
{
	for (int i = 0; i < s->nports; i++)
		if (stp_designated_port(s, i))
			s->port[i].designated_bridge = id;
	if (stp_is_root(s))
		s->designated_root = id;
	s->bridge_id = id;
	if (!s->enabled)
		return;
	stp_reselect(s, now);
	stp_config_bpdu_generation(s, now);
	stp_schedule(s);
}

void
stp_set_mac(struct stp *s, const uint8_t *mac, double now)
{
	memcpy(s->mac, mac, ETHER_ADDR_LEN);
	stp_change_bridge_id(s, stp_make_id(s->priority, mac), now);
}

void
stp_set_priority(struct stp *s, uint16_t priority, double now)
{
	s->priority = priority;
	stp_change_bridge_id(s, stp_make_id(priority, s->mac), now);
}

int
stp_set_timers(struct stp *s, double hello, double max_age,
	       double forward_delay, double now)
{
	if (hello < STP_HELLO_MIN || hello > STP_HELLO_MAX ||
	    max_age < STP_MAX_AGE_MIN || max_age > STP_MAX_AGE_MAX ||
	    forward_delay < STP_FWD_DELAY_MIN ||
	    forward_delay > STP_FWD_DELAY_MAX)
		return -1;
	s->bridge_hello_time = hello;
	s->bridge_max_age = max_age;
	s->bridge_forward_delay = forward_delay;
	if (stp_is_root(s) || !s->enabled) {
		s->hello_time = hello;
		s->max_age = max_age;
		s->forward_delay = forward_delay;
	}
	if (s->enabled && s->hello_timer > now + hello)
		s->hello_timer = now + hello;
	stp_schedule(s);
	return 0;
}

int
stp_set_path_cost(struct stp *s, int i, uint32_t cost, double now)
{
	if (i < 0 || i >= s->nports || cost < 1 || cost > STP_PATH_COST_MAX)
		return -1;
	s->port[i].path_cost = cost;
	if (s->enabled) {
		stp_reselect(s, now);
		stp_schedule(s);
	}
	return 0;
}

void
stp_enable(struct stp *s, bool on, double now)
{
	if (s->enabled == on)
		return;
	s->enabled = on;
	s->root_port = -1;
	s->designated_root = s->bridge_id;
	s->root_path_cost = 0;
	s->max_age = s->bridge_max_age;
	s->hello_time = s->bridge_hello_time;
	s->forward_delay = s->bridge_forward_delay;
	s->topology_change_detected = false;
	stp_set_topology_change(s, false);
	s->hello_timer = s->tcn_timer = s->topology_change_timer = 0;
	for (int i = 0; i < s->nports; i++) {
		struct stp_port *p = &s->port[i];

		if (!on) {
			p->message_age_timer = p->forward_delay_timer = 0;
			p->hold_timer = 0;
			stp_set_state(
			    s, i, p->enabled ? STP_forwarding : STP_disabled);
		} else if (p->enabled) {
			stp_init_port(s, i);
		}
	}
	if (on) {
		stp_port_state_selection(s, now);
		stp_config_bpdu_generation(s, now);
		s->hello_timer = now + s->hello_time;
	}
	stp_schedule(s);
}

/* --- views ---------------------------------------------------------------- */

enum stp_role
stp_port_role(const struct stp *s, int i)
{
	if (!s->enabled || i < 0 || i >= s->nports || !s->port[i].enabled)
		return STP_ROLE_disabled;
	if (i == s->root_port)
		return STP_ROLE_root;
	if (stp_designated_port(s, i))
		return STP_ROLE_designated;
	return STP_ROLE_alternate;
}

bool
stp_port_learns(const struct stp *s, int i)
{
	if (!s->enabled)
		return true;
	if (i < 0 || i >= s->nports)
		return false;
	return s->port[i].state == STP_learning ||
	       s->port[i].state == STP_forwarding;
}

bool
stp_port_forwards(const struct stp *s, int i)
{
	if (!s->enabled)
		return true;
	if (i < 0 || i >= s->nports)
		return false;
	return s->port[i].state == STP_forwarding;
}

char *
stp_id_str(uint64_t id, char *buf, size_t len)
{
	snprintf(buf, len, "%04x.%012llx", (unsigned)(id >> 48),
		 (unsigned long long)(id & 0xffffffffffffull));
	return buf;
}

json_t *
stp_bridge_json(const struct stp *s, const char *const *names)
{
	char bridge[24], root[24];

	return json_pack(
	    "{s:b, s:s, s:i, s:s, s:s, s:i, s:b, s:f, s:f, s:f, s:f, s:f, "
	    "s:f, s:b, s:I, s:I, s:I, s:I}",
	    "enabled", s->enabled, "bridge_id",
	    stp_id_str(s->bridge_id, bridge, sizeof(bridge)), "priority",
	    (int)s->priority, "root_id",
	    stp_id_str(s->enabled ? s->designated_root : s->bridge_id, root,
		       sizeof(root)),
	    "root_port",
	    s->enabled && s->root_port >= 0 ? names[s->root_port] : "",
	    "root_cost", (int)s->root_path_cost, "is_root",
	    !s->enabled || stp_is_root(s), "hello", s->hello_time, "max_age",
	    s->max_age, "forward_delay", s->forward_delay, "bridge_hello",
	    s->bridge_hello_time, "bridge_max_age", s->bridge_max_age,
	    "bridge_forward_delay", s->bridge_forward_delay, "topology_change",
	    s->topology_change, "topology_changes",
	    (json_int_t)s->topology_changes, "tcn_sent",
	    (json_int_t)s->tcn_sent, "config_sent", (json_int_t)s->config_sent,
	    "bpdu_received", (json_int_t)s->results[STP_BPDU_ok]);
}

json_t *
stp_ports_json(const struct stp *s, const char *const *names)
{
	json_t *rows = json_array();

	for (int i = 0; i < s->nports; i++) {
		const struct stp_port *p = &s->port[i];
		char bridge[24];

		json_array_append_new(
		    rows, json_pack("{s:s, s:s, s:s, s:i, s:s, s:i, s:I}",
				    "port", names[i], "role",
				    stp_role_names[stp_port_role(s, i)],
				    "state", stp_state_names[p->state], "cost",
				    (int)p->path_cost, "designated_bridge",
				    stp_id_str(p->designated_bridge, bridge,
					       sizeof(bridge)),
				    "port_id", (int)p->port_id, "transitions",
				    (json_int_t)p->transitions));
	}
	return rows;
}
