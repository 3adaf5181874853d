/*
 * Fuzz target: the journey, from what daemons' `show trace` printed to
 * its three renderings. The lab is fixed: the seed lab, hC on sw1:p3, the
 * Linux node hL on sw2:p3, and a second cable between sw1:p4 and sw2:p4,
 * so that untraced nodes can form a loop. The input is trace text (JSON
 * lines, as one file), then optionally a NUL byte and frames captured on
 * hL's eth0 (MAC 02:00:00:00:00:0c), each a length byte and that many
 * bytes, 10 µs apart from time 100. Everything is loaded, matched and
 * rendered as text, JSON and DOT; a failure to load is fine, a crash or a
 * leak is not.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "journey.h"
#include "journey_pcap.h"
#include "journey_render.h"

#define LINK(a, ai, b, bi)                                                     \
	"{\"a\":\"" a "\",\"a_if\":\"" ai "\",\"b\":\"" b "\",\"b_if\":\"" bi  \
	"\"}"
#define NODE(n, k) "{\"name\":\"" n "\",\"kind\":\"" k "\"}"

static const char
    topo[] = "{\"lab\":\"fuzz\",\"nodes\":[" NODE("hA", "host") "," NODE("sw1", "swi"
										"tc"
										"h") "," NODE("r1", "router") "," NODE("sw2", "switch") "," NODE("hB", "host") "," NODE("hC", "host") "," NODE("hL", "linux") "],\"links\":[" LINK("hA", "eth0", "sw1", "p1") "," LINK("sw1",
																																       "p2", "r1", "eth0") "," LINK("r1",
																																				    "eth1", "sw2", "p1") "," LINK("sw2",
																																								  "p2",
																																								  "hB", "eth0") "," LINK("sw"
																																											 "1",
																																											 "p"
																																											 "3",
																																											 "h"
																																											 "C",
																																											 "et"
																																											 "h"
																																											 "0") "," LINK("sw2",
																																												       "p3",
																																												       "hL", "eth0") "," LINK("sw1", "p4", "sw2",
																																															      "p4") "],\"macs\":{\"hL:eth0\":\"02:00:00:00:00:0c\"}}";

static FILE *sink;

/* The frames after the NUL: a length byte, then the frame. */
static void
fuzz_frames(struct journey *j, const uint8_t *p, size_t size)
{
	unsigned seq = 0;

	while (size) {
		size_t len = p[0] < size - 1 ? p[0] : size - 1;

		seq++;
		if (journey_add_frame(j, "hL", "eth0", "02:00:00:00:00:0c", seq,
				      100.0 + seq * 1e-5, p + 1, len) < 0)
			return;
		p += 1 + len;
		size -= 1 + len;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nul = memchr(data, 0, size);
	size_t text_len = nul ? (size_t)(nul - data) : size;
	struct journey j;

	if (!sink && !(sink = fopen("/dev/null", "w")))
		abort();
	journey_init(&j);
	if (journey_load_topology(&j, "topo", topo, sizeof(topo) - 1) < 0)
		abort();
	if (journey_load_trace(&j, "fuzz", (const char *)data, text_len) == 0) {
		if (nul)
			fuzz_frames(&j, nul + 1, size - text_len - 1);
		if (journey_match(&j) == 0) {
			journey_render_text(sink, &j);
			journey_render_json(sink, &j);
			journey_render_dot(sink, &j);
		}
	}
	journey_free(&j);
	return 0;
}
