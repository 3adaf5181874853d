/* Port bookkeeping shared by every kind of port. */
#include "port.h"

#include <string.h>

#include "capture.h"
#include "trace.h"

/* Counts a frame that could not be sent, and says why. */
static int
port_refuse(struct port *port, const char *why)
{
	port->cnt.tx_dropped++;
	trace_note(port->trace, "not sent by %s: %s", port->name, why);
	return -1;
}

/* Sends a frame now, counting it and capturing it; -1 when refused. */
static int
port_wire(struct port *port, const uint8_t *frame, size_t len)
{
	if (port->ops->send(port, frame, len) < 0)
		return port_refuse(port, "the port refused it");
	port->cnt.tx_packets++;
	port->cnt.tx_bytes += len;
	if (port->capture)
		capture_write(port, frame, len);
	return 0;
}

int
port_impair_out(void *arg, const uint8_t *frame, size_t len)
{
	struct port *port = arg;

	/* A held frame may find its port gone down. */
	if (!port->up)
		return port_refuse(port, "the port is down");
	return port_wire(port, frame, len);
}

/* Through the impairments: the trace row says what they did. */
static int
port_send_impaired(struct port *port, const uint8_t *frame, size_t len)
{
	uint64_t wait;

	switch (impair_frame(port->impair, frame, len, &wait)) {
	case IMPAIR_SENT:
		break;
	case IMPAIR_HELD:
		trace_note(port->trace, "held %.3f ms by %s's impairments",
			   (double)wait / 1e6, port->name);
		break;
	case IMPAIR_LOST:
		trace_note(port->trace, "lost by %s's impairments (loss)",
			   port->name);
		return 0;
	case IMPAIR_RATE_DROPPED:
		trace_note(port->trace,
			   "dropped by %s's impairments: the rate's backlog "
			   "is full",
			   port->name);
		return 0;
	case IMPAIR_QUEUE_FULL:
		trace_note(port->trace,
			   "dropped by %s's impairments: the delay queue is "
			   "full",
			   port->name);
		return 0;
	case IMPAIR_OUT_FAILED:
		return -1;
	}
	if (port->trace)
		trace_tx(port->trace, port, frame, len);
	return 0;
}

int
port_send(struct port *port, const uint8_t *frame, size_t len)
{
	if (!port->up)
		return port_refuse(port, "the port is down");
	if (len > port_frame_max(port))
		return port_refuse(port, "longer than the MTU");
	if (port->impair && impair_active(port->impair))
		return port_send_impaired(port, frame, len);
	if (port_wire(port, frame, len) < 0)
		return -1;
	if (port->trace)
		trace_tx(port->trace, port, frame, len);
	return 0;
}

int
port_impair(struct port *port, struct ev_loop *loop,
	    const struct impair_spec *spec)
{
	struct impair_spec s;

	if (!spec) {
		if (port->impair)
			impair_clear(port->impair);
		return 0;
	}
	if (!port->impair) {
		struct impair_io io = {.out = port_impair_out, .arg = port};

		port->impair = impair_new(loop, &io);
		if (!port->impair)
			return -1;
	}
	s = *spec;
	if (!s.has_seed) {
		s.seed = impair_seed_of(port->name);
		s.has_seed = true;
	}
	impair_set(port->impair, &s);
	return 0;
}

void
port_deliver(struct port *port, const uint8_t *frame, size_t len)
{
	struct trace_ctx saved;
	bool kept = false;

	port->cnt.rx_packets++;
	port->cnt.rx_bytes += len;
	if (port->capture)
		capture_write(port, frame, len);
	saved = trace_rx_begin(port->trace, port, frame, len);
	if (!port->up) {
		port->cnt.rx_port_down++;
		port->cnt.rx_dropped++;
		trace_drop(port->trace, "the port is down");
	} else if (len > port_frame_max(port)) {
		port->cnt.rx_oversize++;
		port->cnt.rx_dropped++;
		trace_drop(port->trace, "longer than the port's MTU allows");
	} else if (!port->rx(port, frame, len, port->rx_arg)) {
		port->cnt.rx_dropped++;
	} else {
		kept = true;
	}
	trace_rx_end(port->trace, saved, kept);
}

void
port_deliver_mut(struct port *port, uint8_t *frame, size_t len)
{
	uint8_t *outer = port->rx_frame;
	size_t outer_len = port->rx_len;

	port->rx_frame = frame;
	port->rx_len = len;
	port_deliver(port, frame, len);
	port->rx_frame = outer;
	port->rx_len = outer_len;
}

uint8_t *
port_rx_writable(struct port *port, const uint8_t *at, size_t len)
{
	const uint8_t *frame = port->rx_frame;

	if (!frame || at < frame || len > port->rx_len ||
	    (size_t)(at - frame) > port->rx_len - len)
		return NULL;
	return port->rx_frame + (at - frame);
}

void
port_close(struct port *port)
{
	capture_stop(port);
	impair_free(port->impair);
	port->impair = NULL;
	if (port->ops && port->ops->close)
		port->ops->close(port);
}

size_t
port_frame_max(const struct port *port)
{
	return port->mtu + ETHER_HDR_LEN + ETHER_VLAN_HDR_LEN;
}

static void
port_impair_json(const struct impair *imp, json_t *obj)
{
	const struct impair_counters *c = impair_counters_of(imp);
	char text[IMPAIR_TEXT_MAX];
	const struct {
		const char *key;
		uint64_t v;
	} counters[] = {
	    {"impair_held", impair_held(imp)},
	    {"impair_loss", c->loss},
	    {"impair_delayed", c->delayed},
	    {"impair_duplicated", c->duplicated},
	    {"impair_reordered", c->reordered},
	    {"impair_corrupted", c->corrupted},
	    {"impair_rate_dropped", c->rate_dropped},
	    {"impair_queue_full", c->queue_full},
	};

	impair_spec_format(impair_spec_of(imp), text, sizeof(text));
	json_object_set_new(obj, "impair",
			    impair_active(imp) ? json_string(text)
					       : json_null());
	for (size_t i = 0; i < sizeof(counters) / sizeof(counters[0]); i++)
		json_object_set_new(obj, counters[i].key,
				    json_integer((json_int_t)counters[i].v));
}

json_t *
port_json(const struct port *port)
{
	char mac[ETHER_ADDR_STRLEN];
	const struct port_counters *c = &port->cnt;
	json_t *obj;

	obj = json_pack(
	    "{s:s, s:s, s:I, s:b, s:I, s:I, s:I, s:I, s:I, s:I}", "name",
	    port->name, "mac", ether_ntoa_buf(port->mac, mac), "mtu",
	    (json_int_t)port->mtu, "up", port->up, "rx_packets",
	    (json_int_t)c->rx_packets, "rx_bytes", (json_int_t)c->rx_bytes,
	    "tx_packets", (json_int_t)c->tx_packets, "tx_bytes",
	    (json_int_t)c->tx_bytes, "rx_dropped", (json_int_t)c->rx_dropped,
	    "tx_dropped", (json_int_t)c->tx_dropped);
	if (obj && port->rx_ring)
		json_object_set_new(obj, "rx_ring", json_string(port->rx_ring));
	if (obj && port->impair)
		port_impair_json(port->impair, obj);
	return obj;
}

int
port_set_add(struct port_set *set, struct port *port)
{
	if (set->n == PORT_SET_MAX || port_set_find(set, port->name))
		return -1;
	port->index = set->n;
	port->trace = set->trace;
	set->port[set->n++] = port;
	return 0;
}

struct port *
port_set_find(const struct port_set *set, const char *name)
{
	for (int i = 0; i < set->n; i++)
		if (strcmp(set->port[i]->name, name) == 0)
			return set->port[i];
	return NULL;
}

void
port_set_close(struct port_set *set)
{
	for (int i = 0; i < set->n; i++)
		port_close(set->port[i]);
	set->n = 0;
}

json_t *
port_set_json(const struct port_set *set)
{
	json_t *rows = json_array();

	for (int i = 0; i < set->n; i++)
		json_array_append_new(rows, port_json(set->port[i]));
	return rows;
}

void
port_set_stats_json(const struct port_set *set, json_t *obj)
{
	uint64_t rx = 0, down = 0, oversize = 0, ring_full = 0;

	for (int i = 0; i < set->n; i++) {
		rx += set->port[i]->cnt.rx_packets;
		down += set->port[i]->cnt.rx_port_down;
		oversize += set->port[i]->cnt.rx_oversize;
		ring_full += set->port[i]->cnt.rx_ring_full;
	}
	json_object_set_new(obj, "rx_frames", json_integer((json_int_t)rx));
	json_object_set_new(obj, "port_down", json_integer((json_int_t)down));
	json_object_set_new(obj, "oversize",
			    json_integer((json_int_t)oversize));
	json_object_set_new(obj, "rx_ring_full",
			    json_integer((json_int_t)ring_full));
}
