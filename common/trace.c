/* The trace recorder: a filter, a ring of rows, and what is handled now. */
#include "trace.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ipv4.h"

void
trace_init(struct trace *tr, const char *node, size_t capacity)
{
	memset(tr, 0, sizeof(*tr));
	tr->node = node;
	tr->capacity = capacity ? capacity : TRACE_ROWS_DEFAULT;
}

void
trace_destroy(struct trace *tr)
{
	capture_filter_free(tr->filter);
	free(tr->ring);
	tr->filter = NULL;
	tr->ring = NULL;
	tr->on = false;
	tr->ctx = (struct trace_ctx){0};
}

int
trace_start(struct trace *tr, const char *filter, char *err, size_t errlen)
{
	struct capture_filter *f = NULL;

	/* No filter: no BPF program to run on every frame. */
	if (*filter && !(f = capture_filter_new(filter, err, errlen)))
		return -1;
	if (!tr->ring) {
		tr->ring = calloc(tr->capacity, sizeof(*tr->ring));
		if (!tr->ring) {
			capture_filter_free(f);
			snprintf(err, errlen, "out of memory");
			return -1;
		}
	}
	capture_filter_free(tr->filter);
	tr->filter = f;
	tr->base = tr->next_id;
	tr->rows = tr->overwritten = 0;
	tr->on = true;
	return 0;
}

void
trace_stop(struct trace *tr)
{
	tr->on = false;
}

static double
trace_clock(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)(ts.tv_nsec / 1000) / 1e6;
}

/* The row of id while it is still in the ring, else NULL. */
static struct trace_row *
trace_row_get(const struct trace *tr, uint64_t id)
{
	struct trace_row *r;

	if (!tr->ring || id <= tr->base || id == TRACE_UNTRACED)
		return NULL;
	r = &tr->ring[id % tr->capacity];
	return r->id == id ? r : NULL;
}

static struct trace_row *
trace_row_new(struct trace *tr)
{
	uint64_t id = ++tr->next_id;
	struct trace_row *r = &tr->ring[id % tr->capacity];

	if (r->id > tr->base)
		tr->overwritten++;
	memset(r, 0, sizeof(*r));
	r->id = id;
	r->time = trace_clock();
	r->in_ttl = r->out_ttl = -1;
	tr->rows++;
	return r;
}

/* The frame's identity and header fields, as it arrived or left. */
static void
trace_row_describe(struct trace_row *r, const uint8_t *frame, size_t len,
		   struct frame_desc *d)
{
	frame_describe(frame, len, d, r->summary, sizeof(r->summary));
	r->key = d->key;
	r->proto = d->proto;
	memcpy(r->flags, d->flags, sizeof(r->flags));
	r->has_ip = d->has_ip;
	r->src_ip = d->src_ip;
	r->dst_ip = d->dst_ip;
}

/* Appends fmt to buf (holding *len of size bytes), never past its end. */
static void
trace_vprintf(char *buf, size_t size, size_t *len, const char *fmt, va_list ap)
{
	int n;

	if (*len + 1 >= size)
		return;
	n = vsnprintf(buf + *len, size - *len, fmt, ap);
	if (n > 0)
		*len += (size_t)n < size - *len ? (size_t)n : size - *len - 1;
}

static void
trace_printf(char *buf, size_t size, size_t *len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	trace_vprintf(buf, size, len, fmt, ap);
	va_end(ap);
}

void
trace_add(struct trace *tr, bool clause, const char *fmt, ...)
{
	struct trace_row *r = trace_row_get(tr, tr->ctx.row);
	char *buf;
	size_t size, len, start;
	va_list ap;

	if (r) {
		buf = r->decision;
		size = sizeof(r->decision);
		start = 0;
	} else if (tr->ctx.origin && !tr->ctx.row) {
		buf = tr->pending;
		size = sizeof(tr->pending);
		start = tr->ctx.mark;
	} else {
		return;
	}
	len = start + strlen(buf + start);
	if (clause && len > start)
		trace_printf(buf, size, &len, buf[len - 1] == ':' ? " " : "; ");
	va_start(ap, fmt);
	trace_vprintf(buf, size, &len, fmt, ap);
	va_end(ap);
	if (buf == tr->pending)
		tr->pending_len = len;
}

struct trace_ctx
trace_rx_begin(struct trace *tr, const struct port *port, const uint8_t *frame,
	       size_t len)
{
	struct trace_ctx saved;
	struct trace_row *r;
	struct frame_desc d;

	if (!tr)
		return (struct trace_ctx){0};
	saved = tr->ctx;
	tr->ctx = (struct trace_ctx){0, false, tr->pending_len};
	if (!tr->on || !capture_filter_match(tr->filter, frame, len))
		return saved;
	r = trace_row_new(tr);
	snprintf(r->in, sizeof(r->in), "%s", port->name);
	r->has_in = true;
	r->described_from_wire = true;
	trace_row_describe(r, frame, len, &d);
	memcpy(r->in_src_mac, d.src_mac, ETHER_ADDR_LEN);
	memcpy(r->in_dst_mac, d.dst_mac, ETHER_ADDR_LEN);
	r->in_ttl = d.ttl;
	tr->ctx.row = r->id;
	return saved;
}

void
trace_rx_end(struct trace *tr, struct trace_ctx saved, bool kept)
{
	struct trace_row *r;

	if (!tr)
		return;
	r = trace_row_get(tr, tr->ctx.row);
	if (r && !r->decision[0])
		snprintf(r->decision, sizeof(r->decision), "%s",
			 kept ? "received" : "dropped");
	trace_restore(tr, saved);
}

/* A row for a frame the node originates, with the words noted for it. */
static struct trace_row *
trace_row_origin(struct trace *tr, const uint8_t *frame, size_t len)
{
	struct trace_row *r = trace_row_new(tr);
	struct frame_desc d;

	trace_row_describe(r, frame, len, &d);
	snprintf(r->decision, sizeof(r->decision), "%s",
		 tr->pending + tr->ctx.mark);
	tr->pending_len = tr->ctx.mark;
	tr->pending[tr->pending_len] = '\0';
	tr->ctx.row = r->id;
	return r;
}

/* Adds name to the comma-separated list of ports out, once. */
static void
trace_out_add(char *out, size_t size, const char *name)
{
	size_t len = strlen(out), n = strlen(name);

	for (const char *p = out; *p;) {
		size_t w = strcspn(p, ",");

		if (w == n && !strncmp(p, name, n))
			return;
		p += w + (p[w] == ',');
	}
	trace_printf(out, size, &len, "%s%s", len ? "," : "", name);
}

void
trace_tx(struct trace *tr, const struct port *port, const uint8_t *frame,
	 size_t len)
{
	struct trace_row *r;
	struct frame_desc d;

	if (!tr)
		return;
	if (tr->ctx.origin && !tr->ctx.row && tr->on &&
	    capture_filter_match(tr->filter, frame, len)) {
		r = trace_row_origin(tr, frame, len);
		r->described_from_wire = true;
	}
	r = trace_row_get(tr, tr->ctx.row);
	if (!r)
		return;
	trace_out_add(r->out, sizeof(r->out), port->name);
	if (r->has_out)
		return;
	r->has_out = true;
	if (!r->described_from_wire) {
		/* Waited for ARP: now the frame is what it is. */
		trace_row_describe(r, frame, len, &d);
		r->described_from_wire = true;
		r->time = trace_clock();
	} else {
		frame_describe(frame, len, &d, NULL, 0);
	}
	memcpy(r->out_src_mac, d.src_mac, ETHER_ADDR_LEN);
	memcpy(r->out_dst_mac, d.dst_mac, ETHER_ADDR_LEN);
	r->out_ttl = d.ttl;
}

struct trace_ctx
trace_origin_begin(struct trace *tr)
{
	struct trace_ctx saved;

	if (!tr)
		return (struct trace_ctx){0};
	saved = tr->ctx;
	tr->ctx = (struct trace_ctx){0, tr->on, tr->pending_len};
	return saved;
}

void
trace_restore(struct trace *tr, struct trace_ctx saved)
{
	if (!tr)
		return;
	/* Words for an originated frame that never left are forgotten. */
	if (tr->pending_len > tr->ctx.mark) {
		tr->pending_len = tr->ctx.mark;
		tr->pending[tr->pending_len] = '\0';
	}
	tr->ctx = saved;
}

uint64_t
trace_hold(struct trace *tr, const struct port *port, const uint8_t *dgram,
	   size_t len)
{
	uint8_t *frame;

	if (!tr)
		return TRACE_UNTRACED;
	if (tr->ctx.row)
		return tr->ctx.row;
	if (!tr->ctx.origin || !tr->on)
		return TRACE_UNTRACED;
	frame = malloc(ETHER_HDR_LEN + len);
	if (!frame)
		return TRACE_UNTRACED;
	ether_build(frame, ether_zero, port->mac, ETHERTYPE_IPV4);
	memcpy(frame + ETHER_HDR_LEN, dgram, len);
	if (capture_filter_match(tr->filter, frame, ETHER_HDR_LEN + len))
		trace_row_origin(tr, frame, ETHER_HDR_LEN + len);
	free(frame);
	return tr->ctx.row ? tr->ctx.row : TRACE_UNTRACED;
}

struct trace_ctx
trace_enter(struct trace *tr, uint64_t id)
{
	struct trace_ctx saved;

	if (!tr)
		return (struct trace_ctx){0};
	saved = tr->ctx;
	if (id == 0)
		return saved;
	tr->ctx = (struct trace_ctx){trace_row_get(tr, id) ? id : 0, false,
				     tr->pending_len};
	return saved;
}

/* --- the rows as JSON ------------------------------------------------ */

static json_t *
trace_mac_json(bool has, const uint8_t *mac)
{
	char buf[ETHER_ADDR_STRLEN];

	return has ? json_string(ether_ntoa_buf(mac, buf)) : json_null();
}

static json_t *
trace_int_json(bool has, int v)
{
	return has && v >= 0 ? json_integer(v) : json_null();
}

static json_t *
trace_ip_json(bool has, uint32_t ip)
{
	char buf[IPV4_ADDR_STRLEN];

	return has ? json_string(ipv4_ntoa(ip, buf)) : json_null();
}

static json_t *
trace_row_json(const struct trace *tr, const struct trace_row *r)
{
	char key[FRAME_KEY_STRLEN];
	json_t *row = json_object();

	frame_key_str(r->key, key);
	json_object_set_new(row, "seq",
			    json_integer((json_int_t)(r->id - tr->base)));
	json_object_set_new(row, "time", json_real(r->time));
	json_object_set_new(row, "node", json_string(tr->node ? tr->node : ""));
	json_object_set_new(row, "in",
			    r->has_in ? json_string(r->in) : json_null());
	json_object_set_new(row, "out",
			    r->out[0] ? json_string(r->out) : json_null());
	json_object_set_new(row, "key", json_string(key));
	json_object_set_new(row, "summary", json_string(r->summary));
	json_object_set_new(row, "proto",
			    json_string(r->proto ? r->proto : "ether"));
	json_object_set_new(row, "flags", json_string(r->flags));
	json_object_set_new(row, "src_ip", trace_ip_json(r->has_ip, r->src_ip));
	json_object_set_new(row, "dst_ip", trace_ip_json(r->has_ip, r->dst_ip));
	json_object_set_new(row, "in_src_mac",
			    trace_mac_json(r->has_in, r->in_src_mac));
	json_object_set_new(row, "in_dst_mac",
			    trace_mac_json(r->has_in, r->in_dst_mac));
	json_object_set_new(row, "in_ttl",
			    trace_int_json(r->has_in, r->in_ttl));
	json_object_set_new(row, "out_src_mac",
			    trace_mac_json(r->has_out, r->out_src_mac));
	json_object_set_new(row, "out_dst_mac",
			    trace_mac_json(r->has_out, r->out_dst_mac));
	json_object_set_new(row, "out_ttl",
			    trace_int_json(r->has_out, r->out_ttl));
	json_object_set_new(row, "decision",
			    json_string(r->decision[0] ? r->decision
					: r->has_in    ? "received"
						       : "sent"));
	return row;
}

json_t *
trace_json(const struct trace *tr)
{
	json_t *rows = json_array();
	uint64_t first = tr->base + 1;

	if (!tr->ring)
		return rows;
	if (tr->next_id > tr->base + tr->capacity)
		first = tr->next_id - tr->capacity + 1;
	for (uint64_t id = first; id <= tr->next_id; id++) {
		const struct trace_row *r = trace_row_get(tr, id);

		if (r)
			json_array_append_new(rows, trace_row_json(tr, r));
	}
	return rows;
}

void
trace_stats_json(const struct trace *tr, json_t *obj)
{
	json_object_set_new(obj, "trace_rows",
			    json_integer((json_int_t)tr->rows));
	json_object_set_new(obj, "trace_overwritten",
			    json_integer((json_int_t)tr->overwritten));
}
