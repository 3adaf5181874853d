/* A journey rendered as text, JSON and graphviz; rows from captures on
 * Linux nodes; the command line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <pcap/pcap.h>

#include "frame.h"
#include "icmp.h"
#include "ipv4.h"
#include "journey.h"
#include "journey_cli.h"
#include "journey_harness.h"
#include "journey_pcap.h"
#include "journey_render.h"

#define ECHO_REQ                                                               \
	"IP 10.0.1.10 > 10.0.2.20: ICMP echo request, id 7, seq 1, length 64"
#define ARP_REQ "ARP, Request who-has 10.0.1.1 tell 10.0.1.10, length 28"

/* The seed lab with hA a Linux node, captured on eth0. */
#define TOPO_LINUX                                                             \
	"{\"lab\":\"lx\",\"nodes\":[{\"name\":\"hA\",\"kind\":\"linux\"},"     \
	"{\"name\":\"sw1\",\"kind\":\"switch\"},"                              \
	"{\"name\":\"r1\",\"kind\":\"router\"},"                               \
	"{\"name\":\"sw2\",\"kind\":\"switch\"},"                              \
	"{\"name\":\"hB\",\"kind\":\"host\"}],"                                \
	"\"links\":[" SEED_LINKS                                               \
	"],\"macs\":{\"hA:eth0\":\"02:00:00:00:00:0A\"}}"

/* A flooded ARP request, an echo request and reply, and a frame hB
 * dropped with odd words (TOPO_WIDE). */
static void
sample(struct journey *j)
{
	struct trow rows[14];

	seed_path(rows, true, 100.0, "00000000000000aa", ECHO_REQ, "icmp", "");
	seed_path(rows + 5, false, 100.001, "00000000000000bb",
		  "IP 10.0.2.20 > 10.0.1.10: ICMP echo reply, id 7, seq 1, "
		  "length 64",
		  "icmp", "");
	rows[10] = (struct trow){99.0,
				 "hA",
				 NULL,
				 "eth0",
				 "00a1",
				 ARP_REQ,
				 "arp",
				 "",
				 "10.0.1.10",
				 "10.0.1.1",
				 NULL,
				 NULL,
				 MAC_A,
				 MAC_BCAST,
				 0,
				 0,
				 "ARP request for 10.0.1.1"};
	rows[11] = rows[10];
	rows[11].t = 99.00001, rows[11].node = "sw1", rows[11].in = "p1";
	rows[11].out = "p2,p3", rows[11].in_src = MAC_A;
	rows[11].in_dst = MAC_BCAST, rows[11].decision = "flooded: broadcast";
	rows[12] = rows[11];
	rows[12].t = 99.00002, rows[12].node = "hC", rows[12].in = "eth0";
	rows[12].out = rows[12].out_src = rows[12].out_dst = NULL;
	rows[12].decision = "dropped: not for this host\n";
	rows[13] = (struct trow){.t = 101.0,
				 .node = "hB",
				 .in = "eth0",
				 .key = "00bad",
				 .summary = "IP \"odd\" {frame} <1>",
				 .proto = "ipv4",
				 .decision = "dropped: \"bad\" \\checksum\\"};
	journey_on(j, TOPO_WIDE);
	assert_int_equal(load_nodes(j, rows, 14, seed_nodes), 0);
	assert_int_equal(journey_match(j), 0);
	assert_int_equal(j->n_packets, 4);
}

typedef int (*render_fn)(FILE *, const struct journey *);

/* What render wrote for j; free it. */
static char *
rendered(render_fn render, const struct journey *j)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	assert_int_equal(render(f, j), 0);
	fclose(f);
	return buf;
}

/* The line of s that starts with prefix (after blanks); NULL if none. */
static char *
line_of(char *s, const char *prefix, char *buf, size_t size)
{
	for (char *line = s; line && *line;) {
		char *nl = strchr(line, '\n'), *p = line;

		while (*p == ' ')
			p++;
		if (strncmp(p, prefix, strlen(prefix)) == 0) {
			size_t n = nl ? (size_t)(nl - line) : strlen(line);

			snprintf(buf, size, "%.*s", (int)n, line);
			return buf;
		}
		line = nl ? nl + 1 : NULL;
	}
	return NULL;
}

static void
test_text_lines(void **state)
{
	struct journey j;
	char *s, *echo, a[512], b[512];

	(void)state;
	sample(&j);
	s = rendered(journey_render_text, &j);
	assert_non_null(strstr(s, "1  " ARP_REQ "\n"));
	assert_non_null(echo = strstr(s, "\n2  " ECHO_REQ "\n"));
	assert_non_null(line_of(echo, "r1   eth0 \u2192 eth1", a, sizeof(a)));
	assert_non_null(strstr(a, MAC_R1 " > " MAC_B "  "));
	assert_non_null(strstr(a, IP_A " > " IP_B "  ttl 63  routed; TTL"));
	assert_non_null(line_of(echo, "hA   -    \u2192 eth0", b, sizeof(b)));
	assert_non_null(strstr(b, MAC_A " > " MAC_R0));
	assert_non_null(strstr(b, "ttl 64  sent by the test"));
	/* Columns line up: the arrow and the MACs start where r1's do. */
	assert_int_equal(strstr(a, "\u2192") - a, strstr(b, "\u2192") - b);
	assert_int_equal(strstr(a, MAC_R1) - a, strstr(b, MAC_A) - b);
	/* A flood shows its ports; a control character cannot break the
	 * layout. */
	assert_non_null(line_of(s, "sw1  p1   \u2192 p2,p3", a, sizeof(a)));
	assert_non_null(strstr(s, "dropped: not for this host?\n"));
	free(s);
	journey_free(&j);
}

static void
assert_keys(json_t *o, const char *const *keys, size_t n)
{
	assert_true(json_is_object(o));
	assert_int_equal(json_object_size(o), n);
	for (size_t i = 0; i < n; i++)
		assert_non_null(json_object_get(o, keys[i]));
}

static void
test_json_objects(void **state)
{
	static const char *const packet_keys[] = {"summary", "proto", "flags",
						  "key",     "time",  "hops"};
	static const char *const hop_keys[] = {
	    "node",   "in",	"out", "src_mac", "dst_mac",
	    "src_ip", "dst_ip", "ttl", "decision"};
	struct journey j;
	json_t *p[4], *h;
	char *s, *line;
	size_t i = 0;

	(void)state;
	sample(&j);
	s = rendered(journey_render_json, &j);
	for (line = strtok(s, "\n"); line; line = strtok(NULL, "\n")) {
		assert_true(i < 4);
		p[i] = json_loads(line, 0, NULL);
		assert_keys(p[i], packet_keys, 6);
		for (size_t k = 0;
		     k < json_array_size(json_object_get(p[i], "hops")); k++)
			assert_keys(
			    json_array_get(json_object_get(p[i], "hops"), k),
			    hop_keys, 9);
		i++;
	}
	assert_int_equal(i, 4);
	/* The flooded ARP request: no TTL, no flags, ports listed. */
	assert_string_equal(json_string_value(json_object_get(p[0], "flags")),
			    "");
	h = json_array_get(json_object_get(p[0], "hops"), 1);
	assert_string_equal(json_string_value(json_object_get(h, "out")),
			    "p2,p3");
	assert_true(json_is_null(json_object_get(h, "ttl")));
	/* The echo request: new MACs and TTL 63 from r1 on; as it arrived
	 * at hB, where it ended. */
	assert_true(json_real_value(json_object_get(p[1], "time")) == 100.0);
	h = json_array_get(json_object_get(p[1], "hops"), 1);
	assert_string_equal(json_string_value(json_object_get(h, "src_mac")),
			    MAC_A);
	assert_int_equal(json_integer_value(json_object_get(h, "ttl")), 64);
	h = json_array_get(json_object_get(p[1], "hops"), 2);
	assert_string_equal(json_string_value(json_object_get(h, "node")),
			    "r1");
	assert_string_equal(json_string_value(json_object_get(h, "src_mac")),
			    MAC_R1);
	assert_string_equal(json_string_value(json_object_get(h, "dst_mac")),
			    MAC_B);
	assert_int_equal(json_integer_value(json_object_get(h, "ttl")), 63);
	h = json_array_get(json_object_get(p[1], "hops"), 4);
	assert_true(json_is_null(json_object_get(h, "out")));
	assert_int_equal(json_integer_value(json_object_get(h, "ttl")), 63);
	for (i = 0; i < 4; i++)
		json_decref(p[i]);
	free(s);
	journey_free(&j);
}

/* Graphviz accepts the diagram, lifelines in path order, the router's
 * new MACs and TTL on its arrow, labels with quotes and backslashes. */
static void
test_dot_accepted(void **state)
{
	char path[] = "/tmp/journey-dot-XXXXXX", cmd[128];
	struct journey j;
	char *s;
	FILE *f;
	int fd;

	(void)state;
	sample(&j);
	s = rendered(journey_render_dot, &j);
	assert_non_null(strstr(s, "c0 [shape=box"));
	assert_true(strstr(s, "label=\"hA\"") < strstr(s, "label=\"sw1\""));
	assert_true(strstr(s, "label=\"sw1\"") < strstr(s, "label=\"r1\""));
	assert_true(strstr(s, "label=\"r1\"") < strstr(s, "label=\"sw2\""));
	assert_true(strstr(s, "label=\"sw2\"") < strstr(s, "label=\"hB\""));
	assert_true(strstr(s, "label=\"hB\"") < strstr(s, "label=\"hC\""));
	assert_non_null(strstr(s, "2. ICMP echo request, id 7, seq 1\\n" MAC_R1
				  " > " MAC_B ", ttl 63\""));
	/* The frame hB dropped is a note, its words escaped. */
	assert_non_null(strstr(s, "4. IP \\\"odd\\\" {frame} <1>\\n"
				  "dropped: \\\"bad\\\" \\\\checksum"));
	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	fputs(s, f);
	fclose(f);
	snprintf(cmd, sizeof(cmd), "dot -Tsvg -o /dev/null %s", path);
	assert_int_equal(system(cmd), 0);
	unlink(path);
	free(s);
	journey_free(&j);
}

static void
test_short_summaries(void **state)
{
	static const struct {
		const char *summary, *proto, *flags, *want;
	} cases[] = {
	    {ECHO_REQ, "icmp", "", "ICMP echo request, id 7, seq 1"},
	    {"IP 10.0.1.10.49152 > 10.0.2.20.80: Flags [S], seq 1, win 64240, "
	     "length 0",
	     "tcp", "S", "TCP [S]"},
	    {"IP 10.0.1.10.49152 > 10.0.2.20.80: Flags [P.], seq 1:79, ack 1, "
	     "win 502, length 78",
	     "tcp", "P.", "TCP [P.] 78 bytes"},
	    {ARP_REQ, "arp", "",
	     "ARP, Request who-has 10.0.1.1 tell 10.0.1.10"},
	    {"IP 10.0.1.10.5 > 10.0.2.20.7: UDP, length 5", "udp", "", "UDP"},
	};
	char buf[JOURNEY_SHORT_MAX];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct journey_row r = {.summary = cases[i].summary,
					.proto = cases[i].proto,
					.flags = cases[i].flags};

		journey_short(&r, buf, sizeof(buf));
		assert_string_equal(buf, cases[i].want);
	}
}

/* An ICMP echo frame between hA and r1's eth0 (to_a: the reply). */
static size_t
echo_frame(uint8_t *f, bool to_a, uint8_t ttl)
{
	static const uint8_t a[6] = {2, 0, 0, 0, 0, 0xa},
			     r0[6] = {2, 0, 0, 0, 0, 1};
	uint32_t ia = 0x0a00010a, ib = 0x0a000214;
	size_t n;

	ether_build(f, to_a ? a : r0, to_a ? r0 : a, ETHERTYPE_IPV4);
	n = icmp_build_echo(f + 34, to_a ? 0 : 8, 7, 1, (const uint8_t *)"ab",
			    2);
	ipv4_build(f + 14, 0, to_a ? 2 : 1, 0, ttl, IPV4_PROTO_ICMP,
		   to_a ? ib : ia, to_a ? ia : ib, n);
	return 14 + 20 + n;
}

/* Writes frames[i] of lens[i] bytes at times[i] into a pcap at path. */
static void
write_pcap(const char *path, uint8_t frames[][128], const size_t *lens,
	   const double *times, size_t n)
{
	pcap_t *p = pcap_open_dead(DLT_EN10MB, 65535);
	pcap_dumper_t *d = pcap_dump_open(p, path);

	assert_non_null(d);
	for (size_t i = 0; i < n; i++) {
		struct pcap_pkthdr h = {.caplen = (bpf_u_int32)lens[i],
					.len = (bpf_u_int32)lens[i]};

		h.ts.tv_sec = (time_t)times[i];
		h.ts.tv_usec =
		    (suseconds_t)((times[i] - (double)h.ts.tv_sec) * 1e6 + 0.5);
		pcap_dump((u_char *)d, &h, frames[i]);
	}
	pcap_dump_close(d);
	pcap_close(p);
}

/* hA is a Linux node: its capture's frames become rows, the request it
 * sent and the reply it received, matched with the daemons' rows. */
static void
test_pcap_rows_matched(void **state)
{
	char path[] = "/tmp/journey-pcap-XXXXXX", key[2][FRAME_KEY_STRLEN];
	uint8_t frames[2][128];
	size_t lens[2];
	const double times[2] = {100.0, 100.001};
	struct trow rows[10];
	struct journey j;
	struct journey_view v;
	char buf[128];
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	lens[0] = echo_frame(frames[0], false, 64);
	lens[1] = echo_frame(frames[1], true, 63);
	write_pcap(path, frames, lens, times, 2);
	frame_key_str(frame_key(frames[0], lens[0]), key[0]);
	frame_key_str(frame_key(frames[1], lens[1]), key[1]);
	seed_path(rows, true, 100.0, key[0], ECHO_REQ, "icmp", "");
	seed_path(rows + 5, false, 100.001 - 40e-6, key[1], "reply", "icmp",
		  "");
	journey_on(&j, TOPO_LINUX);
	assert_int_equal(
	    load_nodes(&j, rows, 10,
		       (const char *const[]){"sw1", "r1", "sw2", "hB", NULL}),
	    0);
	assert_int_equal(journey_load_pcap(&j, "hA", "eth0", path), 0);
	unlink(path);
	assert_int_equal(journey_match(&j), 0);
	assert_int_equal(j.n_packets, 2);
	assert_string_equal(hop_nodes(&j, 0, buf, sizeof(buf)),
			    "hA sw1 r1 sw2 hB");
	assert_string_equal(hop_nodes(&j, 1, buf, sizeof(buf)),
			    "hB sw2 r1 sw1 hA");
	journey_view(j.packets[0].hops[0].row, &v);
	assert_null(v.in);
	assert_string_equal(v.out, "eth0");
	assert_string_equal(v.src_mac, MAC_A);
	assert_int_equal(v.ttl, 64);
	assert_string_equal(v.decision, JOURNEY_DECISION_SENT);
	assert_string_equal(
	    j.packets[0].hops[0].row->summary,
	    "IP 10.0.1.10 > 10.0.2.20: ICMP echo request, id 7, "
	    "seq 1, length 10");
	journey_view(j.packets[1].hops[4].row, &v);
	assert_string_equal(v.in, "eth0");
	assert_null(v.out);
	assert_string_equal(v.src_mac, MAC_R0);
	assert_int_equal(v.ttl, 63);
	assert_string_equal(v.decision, JOURNEY_DECISION_RECEIVED);
	journey_free(&j);
}

static void
test_pcap_errors(void **state)
{
	struct journey j;

	(void)state;
	journey_on(&j, TOPO_LINUX);
	assert_int_equal(journey_load_pcap(&j, "hA", "eth1", "x.pcap"), -1);
	assert_non_null(strstr(j.err, "no MAC for hA:eth1"));
	assert_int_equal(
	    journey_load_pcap(&j, "hA", "eth0", "/nonexistent/x.pcap"), -1);
	assert_non_null(strstr(j.err, "/nonexistent/x.pcap"));
	journey_free(&j);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_text_lines),
	    cmocka_unit_test(test_json_objects),
	    cmocka_unit_test(test_dot_accepted),
	    cmocka_unit_test(test_short_summaries),
	    cmocka_unit_test(test_pcap_rows_matched),
	    cmocka_unit_test(test_pcap_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
