/*
 * A matched journey for people and programs: aligned text, one JSON object
 * per packet, or a graphviz sequence diagram.
 *
 * Every rendering shows a hop's header fields as the frame left that node
 * (the row's out_* fields); at a node where the packet ended, as it
 * arrived (in_* fields). So the source MAC changes at a router's hop and
 * the TTL there is one lower.
 */
#ifndef HOPLAB_JOURNEY_RENDER_H
#define HOPLAB_JOURNEY_RENDER_H

#include <stddef.h>
#include <stdio.h>

#include "journey.h"

#define JOURNEY_SHORT_MAX 64

/* A hop's fields as rendered; NULL and -1 for none. */
struct journey_view {
	const char *node, *in, *out;
	const char *src_mac, *dst_mac;
	const char *src_ip, *dst_ip;
	int ttl;
	const char *decision;
};

void journey_view(const struct journey_row *r, struct journey_view *v);

/* The packet in a few words, for arrows: "ICMP echo request, id 7, seq
 * 1", "TCP [S.]", "ARP, Request who-has 10.0.1.1 tell 10.0.1.10". */
void journey_short(const struct journey_row *r, char *buf, size_t size);

/*
 * Per packet a line "N  SUMMARY", then a line per hop, aligned: node,
 * in → out, src MAC > dst MAC, src IP > dst IP, TTL, decision.
 */
int journey_render_text(FILE *f, const struct journey *j);

/*
 * One JSON object per line per packet: summary, proto, flags, key, time,
 * hops: [{node, in, out, src_mac, dst_mac, src_ip, dst_ip, ttl,
 * decision}]; out is "p2,p3" for a flood, null where the packet ended.
 */
int journey_render_json(FILE *f, const struct journey *j);

/*
 * A graphviz digraph drawn as a sequence diagram: a lifeline per node, in
 * the order of the lab's path from the first packet's first node; time
 * flows down; an arrow per hop-to-hop transfer labelled "N. SHORT", with
 * the MACs and TTL wherever the sender set them.
 */
int journey_render_dot(FILE *f, const struct journey *j);

#endif
