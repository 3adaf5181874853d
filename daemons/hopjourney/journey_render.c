/* Rendering a journey: aligned text and JSON lines. */
#include <stdlib.h>
#include <string.h>

#include "journey_render.h"

#define CELL_MAX 128

enum cell {
	CELL_NODE,
	CELL_IN,
	CELL_OUT,
	CELL_MACS,
	CELL_IPS,
	CELL_TTL,
	N_CELLS
};

void
journey_view(const struct journey_row *r, struct journey_view *v)
{
	bool left = r->out != NULL;

	*v = (struct journey_view){
	    .node = r->node,
	    .in = r->in,
	    .out = r->out,
	    .src_mac = left ? r->out_src_mac : r->in_src_mac,
	    .dst_mac = left ? r->out_dst_mac : r->in_dst_mac,
	    .src_ip = r->src_ip,
	    .dst_ip = r->dst_ip,
	    .ttl = left ? r->out_ttl : r->in_ttl,
	    .decision = r->decision,
	};
}

/* Copies at most size - 1 bytes of the n at s, never cutting a UTF-8
 * character in two. */
static void
copy_cut(char *buf, size_t size, const char *s, size_t n)
{
	if (n >= size) {
		n = size - 1;
		while (n && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
	}
	memcpy(buf, s, n);
	buf[n] = '\0';
}

void
journey_short(const struct journey_row *r, char *buf, size_t size)
{
	const char *s = r->summary, *colon = strstr(s, ": "), *len;
	unsigned long bytes = 0;

	if (size == 0)
		return;
	if (strncmp(s, "IP ", 3) == 0 && colon)
		s = colon + 2;
	len = strstr(s, ", length ");
	if (strcmp(r->proto, "tcp") == 0 && *r->flags) {
		if (len)
			bytes = strtoul(len + 9, NULL, 10);
		if (bytes)
			snprintf(buf, size, "TCP [%s] %lu bytes", r->flags,
				 bytes);
		else
			snprintf(buf, size, "TCP [%s]", r->flags);
		return;
	}
	copy_cut(buf, size, s, len ? (size_t)(len - s) : strlen(s));
}

/* "a > b", "a > ?", or "-" when neither is known. */
static void
pair_cell(char *buf, const char *a, const char *b)
{
	if (!a && !b)
		snprintf(buf, CELL_MAX, "-");
	else
		snprintf(buf, CELL_MAX, "%s > %s", a ? a : "?", b ? b : "?");
}

static void
hop_cells(const struct journey_row *r, char cells[N_CELLS][CELL_MAX])
{
	struct journey_view v;

	journey_view(r, &v);
	snprintf(cells[CELL_NODE], CELL_MAX, "%s", v.node);
	snprintf(cells[CELL_IN], CELL_MAX, "%s", v.in ? v.in : "-");
	snprintf(cells[CELL_OUT], CELL_MAX, "%s", v.out ? v.out : "-");
	pair_cell(cells[CELL_MACS], v.src_mac, v.dst_mac);
	pair_cell(cells[CELL_IPS], v.src_ip, v.dst_ip);
	if (v.ttl >= 0)
		snprintf(cells[CELL_TTL], CELL_MAX, "ttl %d", v.ttl);
	else
		snprintf(cells[CELL_TTL], CELL_MAX, "-");
}

/* Writes s with control characters, which would break the layout, as
 * '?'. */
static void
put_clean(FILE *f, const char *s)
{
	for (; *s; s++)
		fputc((unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s, f);
}

static void
put_padded(FILE *f, const char *s, size_t width)
{
	size_t n = strlen(s);

	put_clean(f, s);
	while (n++ < width)
		fputc(' ', f);
}

int
journey_render_text(FILE *f, const struct journey *j)
{
	char cells[N_CELLS][CELL_MAX];
	size_t width[N_CELLS] = {0}, numw;
	char num[32];

	for (size_t p = 0; p < j->n_packets; p++)
		for (size_t h = 0; h < j->packets[p].n_hops; h++) {
			hop_cells(j->packets[p].hops[h].row, cells);
			for (int c = 0; c < N_CELLS; c++)
				if (strlen(cells[c]) > width[c])
					width[c] = strlen(cells[c]);
		}
	numw = (size_t)snprintf(num, sizeof(num), "%zu", j->n_packets) + 2;
	for (size_t p = 0; p < j->n_packets; p++) {
		const struct journey_packet *pk = &j->packets[p];

		snprintf(num, sizeof(num), "%zu", p + 1);
		if (p)
			fputc('\n', f);
		put_padded(f, num, numw);
		put_clean(f, pk->hops[0].row->summary);
		fputc('\n', f);
		for (size_t h = 0; h < pk->n_hops; h++) {
			hop_cells(pk->hops[h].row, cells);
			fprintf(f, "%*s", (int)numw, "");
			put_padded(f, cells[CELL_NODE], width[CELL_NODE] + 2);
			put_padded(f, cells[CELL_IN], width[CELL_IN] + 1);
			fputs("\u2192 ", f);
			for (int c = CELL_OUT; c < N_CELLS; c++)
				put_padded(f, cells[c], width[c] + 2);
			put_clean(f, pk->hops[h].row->decision);
			fputc('\n', f);
		}
	}
	return ferror(f) ? -1 : 0;
}

/* A string, or null for NULL (or for text that is not UTF-8). */
static json_t *
str_or_null(const char *s)
{
	json_t *v = s ? json_string(s) : NULL;

	return v ? v : json_null();
}

static json_t *
hop_json(const struct journey_row *r)
{
	struct journey_view v;
	json_t *o = json_object();

	journey_view(r, &v);
	if (!o)
		return NULL;
	json_object_set_new(o, "node", str_or_null(v.node));
	json_object_set_new(o, "in", str_or_null(v.in));
	json_object_set_new(o, "out", str_or_null(v.out));
	json_object_set_new(o, "src_mac", str_or_null(v.src_mac));
	json_object_set_new(o, "dst_mac", str_or_null(v.dst_mac));
	json_object_set_new(o, "src_ip", str_or_null(v.src_ip));
	json_object_set_new(o, "dst_ip", str_or_null(v.dst_ip));
	json_object_set_new(o, "ttl",
			    v.ttl >= 0 ? json_integer(v.ttl) : json_null());
	json_object_set_new(o, "decision", str_or_null(v.decision));
	return o;
}

static json_t *
packet_json(const struct journey_packet *pk)
{
	const struct journey_row *first = pk->hops[0].row;
	json_t *o = json_object(), *hops = json_array();

	if (!o || !hops) {
		json_decref(o);
		json_decref(hops);
		return NULL;
	}
	json_object_set_new(o, "summary", str_or_null(first->summary));
	json_object_set_new(o, "proto", str_or_null(first->proto));
	json_object_set_new(o, "flags", str_or_null(first->flags));
	json_object_set_new(o, "key", str_or_null(first->key));
	json_object_set_new(o, "time", json_real(pk->time));
	for (size_t h = 0; h < pk->n_hops; h++)
		json_array_append_new(hops, hop_json(pk->hops[h].row));
	json_object_set_new(o, "hops", hops);
	return o;
}

int
journey_render_json(FILE *f, const struct journey *j)
{
	for (size_t p = 0; p < j->n_packets; p++) {
		json_t *o = packet_json(&j->packets[p]);
		int rc;

		if (!o)
			return -1;
		/* Sixteen digits keep the microseconds of today's times. */
		rc = json_dumpf(o, f, JSON_COMPACT | JSON_REAL_PRECISION(16));
		json_decref(o);
		if (rc < 0)
			return -1;
		fputc('\n', f);
	}
	return ferror(f) ? -1 : 0;
}
