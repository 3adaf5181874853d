/*
 * Impairments (common/impair.h): the spec's words, read and written back;
 * the stage under a test clock (no loop: the tests call impair_run), with
 * what leaves recorded in order; and the stage on a port.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "impair.h"
#include "mem_port.h"
#include "port.h"

#define MS 1000000ULL
#define OUT_MAX 4096

/* --- the spec --------------------------------------------------------- */

/* Splits text at blanks into argv (in buf); returns the count. */
static int
words(const char *text, char *buf, size_t size, char **argv, int max)
{
	int n = 0;

	snprintf(buf, size, "%s", text);
	for (char *w = strtok(buf, " "); w && n < max; w = strtok(NULL, " "))
		argv[n++] = w;
	return n;
}

static int
parse(const char *text, struct impair_spec *spec, char *err, size_t errlen)
{
	char buf[512], *argv[64];
	int argc = words(text, buf, sizeof(buf), argv, 64);

	return impair_spec_parse(argc, argv, spec, err, errlen);
}

/* text reads as a spec that is written back as want. */
static void
assert_reads_as(const char *text, const char *want)
{
	struct impair_spec spec, again;
	char err[IMPAIR_ERR_MAX] = "", out[IMPAIR_TEXT_MAX];

	if (parse(text, &spec, err, sizeof(err)) < 0)
		fail_msg("'%s' was refused: %s", text, err);
	impair_spec_format(&spec, out, sizeof(out));
	if (strcmp(out, want) != 0)
		fail_msg("'%s' reads as '%s', not '%s'", text, out, want);
	/* What is written reads back the same (nothing is no spec). */
	if (!*out)
		return;
	assert_int_equal(parse(out, &again, err, sizeof(err)), 0);
	assert_memory_equal(&spec, &again, sizeof(spec));
}

static void
test_spec_reads_tc_units(void **state)
{
	struct impair_spec spec;
	char err[IMPAIR_ERR_MAX];

	(void)state;
	assert_reads_as("delay 50ms", "delay 50ms");
	assert_reads_as("delay 1.5s jitter 200us", "delay 1.5s jitter 200us");
	assert_reads_as("delay 1500msec", "delay 1.5s");
	assert_reads_as("delay 0.5us", "delay 0.5us");
	assert_reads_as("delay 0ms", "");
	assert_reads_as("delay 0ms jitter 5ms", "delay 0us jitter 5ms");
	assert_reads_as("delay 2SECS", "delay 2s");
	assert_reads_as("loss 10%", "loss 10%");
	assert_reads_as("loss 10", "loss 10%");
	assert_reads_as("loss 0.0000001%", "loss 0.0000001%");
	assert_reads_as("loss 0%", "");
	assert_reads_as("corrupt 100% duplicate .5% reorder 25%",
			"duplicate 0.5% reorder 25% corrupt 100%");
	assert_reads_as("rate 10mbit", "rate 10mbit");
	assert_reads_as("rate 10Mbit", "rate 10mbit");
	assert_reads_as("rate 1.5mbit", "rate 1500kbit");
	assert_reads_as("rate 1mbps", "rate 8mbit");
	assert_reads_as("rate 1kibit", "rate 1024bit");
	assert_reads_as("seed 7 limit 4 loss 1%", "loss 1% limit 4 seed 7");
	assert_reads_as("seed 18446744073709551615",
			"seed 18446744073709551615");
	assert_reads_as(
	    "seed 0 rate 1gbit corrupt 1% reorder 2% duplicate 3% loss 4% "
	    "jitter 5ms delay 60ms limit 1000000",
	    "delay 60ms jitter 5ms loss 4% duplicate 3% reorder 2% corrupt 1% "
	    "rate 1gbit limit 1000000 seed 0");
	assert_int_equal(parse("delay 50ms", &spec, err, sizeof(err)), 0);
	assert_int_equal(spec.delay, 50 * MS);
	assert_false(spec.has_seed);
	assert_int_equal(parse("loss 10%", &spec, err, sizeof(err)), 0);
	assert_int_equal(spec.loss, 10 * IMPAIR_PCT);
}

static void
test_spec_refuses(void **state)
{
	static const struct {
		const char *text, *why;
	} bad[] = {
	    {"", "no impairment given"},
	    {"clear", "unknown impairment 'clear'"},
	    {"delay", "delay needs a value"},
	    {"delay 50", "delay: bad time '50'"},
	    {"delay -5ms", "delay: bad time"},
	    {"delay 5parsecs", "delay: bad time"},
	    {"delay 0x10ms", "delay: bad time"},
	    {"delay 1e3ms", "delay: bad time"},
	    {"delay 2h", "delay: bad time"},
	    {"delay 3601s", "delay: bad time"},
	    {"delay 1.2.3ms", "delay: bad time"},
	    {"delay .ms", "delay: bad time"},
	    {"delay 5ms delay 6ms", "delay given twice"},
	    {"jitter 5ms", "jitter needs a delay"},
	    {"loss 101%", "loss: bad percentage"},
	    {"loss 100.1", "loss: bad percentage"},
	    {"loss -1%", "loss: bad percentage"},
	    {"loss nan", "loss: bad percentage"},
	    {"loss inf%", "loss: bad percentage"},
	    {"loss 10%%", "loss: bad percentage"},
	    {"rate 0mbit", "rate: bad rate"},
	    {"rate 10", "rate: bad rate"},
	    {"rate 10mbitz", "rate: bad rate"},
	    {"rate 2000tbit", "rate: bad rate"},
	    {"rate 0.1bit", "rate: bad rate"},
	    {"limit 0", "limit: bad number"},
	    {"limit 1000001", "limit: bad number"},
	    {"limit 4.5", "limit: bad number"},
	    {"seed -1", "seed: bad seed"},
	    {"seed 18446744073709551616", "seed: bad seed"},
	    {"seed x", "seed: bad seed"},
	    {"Delay 5ms", "unknown impairment 'Delay'"},
	    {"loss 1% bogus 2", "unknown impairment 'bogus'"},
	};
	struct impair_spec spec;
	char err[IMPAIR_ERR_MAX];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		if (parse(bad[i].text, &spec, err, sizeof(err)) == 0)
			fail_msg("'%s' was taken", bad[i].text);
		if (!strstr(err, bad[i].why))
			fail_msg("'%s': said '%s', not '%s'", bad[i].text, err,
				 bad[i].why);
	}
}

static void
test_seed_of_names(void **state)
{
	(void)state;
	assert_int_equal(impair_seed_of("sw1:p1"), impair_seed_of("sw1:p1"));
	assert_int_not_equal(impair_seed_of("sw1:p1"),
			     impair_seed_of("sw1:p2"));
	assert_true(impair_seed_of("h1:eth0") < 1000000);
}

/* --- the stage under a test clock ------------------------------------- */

struct sent {
	uint64_t at; /* the clock when it left */
	size_t len;
	uint8_t data[64];
};

struct rig {
	uint64_t now;
	struct sent out[OUT_MAX];
	size_t nout;
	bool refuse;
	struct impair *imp;
};

static uint64_t
rig_now(void *arg)
{
	return ((struct rig *)arg)->now;
}

static int
rig_out(void *arg, const uint8_t *frame, size_t len)
{
	struct rig *r = arg;
	struct sent *s;

	if (r->refuse)
		return -1;
	if (r->nout < OUT_MAX) {
		s = &r->out[r->nout];
		s->at = r->now;
		s->len = len;
		memcpy(s->data, frame,
		       len < sizeof(s->data) ? len : sizeof(s->data));
	}
	r->nout++;
	return 0;
}

static struct rig *
rig_new(const char *spec_text)
{
	struct rig *r = calloc(1, sizeof(*r));
	struct impair_io io = {.out = rig_out, .now = rig_now};
	struct impair_spec spec;
	char err[IMPAIR_ERR_MAX];

	assert_non_null(r);
	io.arg = r;
	r->now = 1000 * MS;
	r->imp = impair_new(NULL, &io);
	assert_non_null(r->imp);
	if (spec_text) {
		if (parse(spec_text, &spec, err, sizeof(err)) < 0)
			fail_msg("%s: %s", spec_text, err);
		impair_set(r->imp, &spec);
	}
	return r;
}

static void
rig_free(struct rig *r)
{
	impair_free(r->imp);
	free(r);
}

/* A frame of len bytes (at least 2) numbered n in its first two bytes. */
static enum impair_fate
rig_frame(struct rig *r, unsigned n, size_t len)
{
	uint8_t frame[1600] = {0};

	frame[0] = (uint8_t)(n >> 8);
	frame[1] = (uint8_t)n;
	return impair_frame(r->imp, frame, len, NULL);
}

static unsigned
sent_n(const struct sent *s)
{
	return (unsigned)s->data[0] << 8 | s->data[1];
}

static void
test_inactive_passes_everything(void **state)
{
	struct rig *r = rig_new(NULL);

	(void)state;
	assert_false(impair_active(r->imp));
	for (unsigned i = 0; i < 10; i++)
		assert_int_equal(rig_frame(r, i, 60), IMPAIR_SENT);
	assert_int_equal(r->nout, 10);
	r->refuse = true;
	assert_int_equal(rig_frame(r, 10, 60), IMPAIR_OUT_FAILED);
	rig_free(r);
}

/* The fates of n frames under spec, as letters. */
static void
fates(const char *spec, unsigned n, char *out)
{
	static const char letters[] = "SHLRQF";
	struct rig *r = rig_new(spec);

	for (unsigned i = 0; i < n; i++)
		out[i] = letters[rig_frame(r, i, 100)];
	out[n] = '\0';
	rig_free(r);
}

static void
test_same_seed_same_drops(void **state)
{
	char a[1001], b[1001], c[1001], d[1001];

	(void)state;
	fates("loss 30% seed 7", 1000, a);
	fates("loss 30% seed 7", 1000, b);
	fates("loss 30% seed 8", 1000, c);
	assert_string_equal(a, b);
	assert_string_not_equal(a, c);
	/* Another impairment switched on moves no loss decision. */
	fates("loss 30% duplicate 50% corrupt 20% seed 7", 1000, d);
	assert_string_equal(a, d);
}

/* Over many frames the rates come out as asked, within a few standard
 * deviations, for several seeds. */
static void
test_loss_rate_within_bounds(void **state)
{
	(void)state;
	for (unsigned seed = 1; seed <= 5; seed++) {
		char text[64];
		struct rig *r;
		unsigned lost = 0;

		snprintf(text, sizeof(text), "loss 10%% seed %u", seed);
		r = rig_new(text);
		for (unsigned i = 0; i < 100000; i++)
			lost += rig_frame(r, i, 60) == IMPAIR_LOST;
		/* sigma = sqrt(100000 * 0.1 * 0.9) = 95 */
		assert_in_range(lost, 9500, 10500);
		assert_int_equal(impair_counters_of(r->imp)->loss, lost);
		assert_int_equal(r->nout, 100000 - lost);
		rig_free(r);
	}
	{
		struct rig *none = rig_new("loss 0%"),
			   *all = rig_new("loss 100%");

		for (unsigned i = 0; i < 1000; i++) {
			assert_int_equal(rig_frame(none, i, 60), IMPAIR_SENT);
			assert_int_equal(rig_frame(all, i, 60), IMPAIR_LOST);
		}
		rig_free(none);
		rig_free(all);
	}
}

static void
test_delay_holds_in_order(void **state)
{
	struct rig *r = rig_new("delay 50ms");
	uint64_t start = r->now;

	(void)state;
	for (unsigned i = 0; i < 5; i++) {
		assert_int_equal(rig_frame(r, i, 60), IMPAIR_HELD);
		r->now += MS;
	}
	assert_int_equal(impair_held(r->imp), 5);
	assert_int_equal(impair_next_due(r->imp), start + 50 * MS);
	r->now = start + 50 * MS - 1;
	impair_run(r->imp);
	assert_int_equal(r->nout, 0);
	r->now = start + 52 * MS;
	impair_run(r->imp);
	assert_int_equal(r->nout, 3);
	r->now = start + 60 * MS;
	impair_run(r->imp);
	assert_int_equal(r->nout, 5);
	for (unsigned i = 0; i < 5; i++) {
		assert_int_equal(sent_n(&r->out[i]), i);
		if (i < 3)
			assert_int_equal(r->out[i].at, start + 52 * MS);
	}
	assert_int_equal(impair_counters_of(r->imp)->delayed, 5);
	assert_int_equal(impair_next_due(r->imp), UINT64_MAX);
	rig_free(r);
}

/* A frame due at once waits for none that are due before it. */
static void
test_due_frames_leave_first(void **state)
{
	struct rig *r = rig_new("delay 10ms reorder 50% seed 3");
	unsigned held = 0;

	(void)state;
	for (unsigned i = 0; i < 200; i++) {
		held += rig_frame(r, i, 60) == IMPAIR_HELD;
		r->now += 20 * MS; /* every held frame is due by the next */
	}
	/* Nothing overtakes: each frame is due before the next comes. */
	for (size_t i = 0; i + 1 < r->nout; i++)
		assert_true(sent_n(&r->out[i]) < sent_n(&r->out[i + 1]));
	assert_int_equal(r->nout + impair_held(r->imp), 200);
	assert_int_equal(impair_counters_of(r->imp)->reordered, 200 - held);
	rig_free(r);
}

static void
test_jitter_spreads_and_reorders(void **state)
{
	struct rig *r = rig_new("delay 20ms jitter 10ms seed 5");
	uint64_t given[100];
	bool out_of_order = false;

	(void)state;
	for (unsigned i = 0; i < 100; i++) {
		given[i] = r->now;
		assert_int_equal(rig_frame(r, i, 60), IMPAIR_HELD);
		r->now += MS / 2;
		impair_run(r->imp);
	}
	while (impair_held(r->imp)) {
		r->now += MS / 2;
		impair_run(r->imp);
	}
	assert_int_equal(r->nout, 100);
	for (unsigned i = 0; i < 100; i++) {
		unsigned n = sent_n(&r->out[i]);
		uint64_t waited = r->out[i].at - given[n];

		/* Sent at the first run at or after it was due: at most half
		 * a millisecond late. */
		assert_in_range(waited, 10 * MS, 30 * MS + MS / 2);
		if (i && n < sent_n(&r->out[i - 1]))
			out_of_order = true;
	}
	assert_true(out_of_order);
	rig_free(r);
}

/* Reorder sends a frame at once, ahead of those the delay holds; without
 * a delay there is nothing to overtake and nothing is counted. */
static void
test_reorder_skips_the_delay(void **state)
{
	struct rig *r = rig_new("delay 50ms reorder 100%"),
		   *plain = rig_new("reorder 100%");

	(void)state;
	for (unsigned i = 0; i < 10; i++) {
		assert_int_equal(rig_frame(r, i, 60), IMPAIR_SENT);
		assert_int_equal(rig_frame(plain, i, 60), IMPAIR_SENT);
	}
	assert_int_equal(impair_counters_of(r->imp)->reordered, 10);
	assert_int_equal(impair_counters_of(plain->imp)->reordered, 0);
	assert_int_equal(impair_counters_of(r->imp)->delayed, 0);
	rig_free(r);
	rig_free(plain);
}

static void
test_duplicate_sends_twice(void **state)
{
	struct rig *r = rig_new("duplicate 100%");
	struct rig *held = rig_new("duplicate 100% delay 1ms");

	(void)state;
	for (unsigned i = 0; i < 10; i++) {
		assert_int_equal(rig_frame(r, i, 60), IMPAIR_SENT);
		assert_int_equal(rig_frame(held, i, 60), IMPAIR_HELD);
	}
	assert_int_equal(r->nout, 20);
	for (unsigned i = 0; i < 20; i++)
		assert_int_equal(sent_n(&r->out[i]), i / 2);
	assert_int_equal(impair_counters_of(r->imp)->duplicated, 10);
	assert_int_equal(impair_held(held->imp), 20);
	held->now += MS;
	impair_run(held->imp);
	assert_int_equal(held->nout, 20);
	rig_free(r);
	rig_free(held);
}

/* One bit flips, past the Ethernet header; the caller's frame is left as
 * it was, and the duplicate is the frame as it came. */
static void
test_corrupt_flips_one_bit(void **state)
{
	struct rig *r = rig_new("corrupt 100% duplicate 100% seed 11");
	uint8_t frame[64], copy[64];

	(void)state;
	for (unsigned k = 0; k < 50; k++) {
		size_t flipped = 0, where = 0;

		for (size_t i = 0; i < sizeof(frame); i++)
			frame[i] = (uint8_t)(i * 7 + k);
		memcpy(copy, frame, sizeof(frame));
		r->nout = 0;
		assert_int_equal(
		    impair_frame(r->imp, frame, sizeof(frame), NULL),
		    IMPAIR_SENT);
		assert_memory_equal(frame, copy, sizeof(frame));
		assert_int_equal(r->nout, 2);
		for (size_t i = 0; i < sizeof(frame); i++) {
			uint8_t x = r->out[0].data[i] ^ frame[i];

			if (x) {
				assert_true((x & (x - 1)) == 0);
				flipped++;
				where = i;
			}
		}
		assert_int_equal(flipped, 1);
		assert_true(where >= 14);
		assert_memory_equal(r->out[1].data, frame, sizeof(frame));
	}
	assert_int_equal(impair_counters_of(r->imp)->corrupted, 50);
	/* A header alone has nothing to corrupt. */
	r->nout = 0;
	assert_int_equal(impair_frame(r->imp, frame, 14, NULL), IMPAIR_SENT);
	assert_memory_equal(r->out[0].data, frame, 14);
	assert_int_equal(impair_counters_of(r->imp)->corrupted, 50);
	rig_free(r);
}

/* 1 Mbit/s: 1250-byte frames leave 10 ms apart, and those that would wait
 * past the backlog are dropped. */
static void
test_rate_paces_and_drops(void **state)
{
	struct rig *r = rig_new("rate 1mbit");
	unsigned held = 0, sent = 0, dropped = 0;
	uint64_t start = r->now;

	(void)state;
	for (unsigned i = 0; i < 40; i++) {
		switch (rig_frame(r, i, 1250)) {
		case IMPAIR_SENT:
			sent++;
			break;
		case IMPAIR_HELD:
			held++;
			break;
		case IMPAIR_RATE_DROPPED:
			dropped++;
			break;
		default:
			fail();
		}
	}
	/* The bucket's depth (a 1518-byte frame: 12.1 ms) lets the first
	 * two go at once; then one per 10 ms up to 200 ms of backlog. */
	assert_int_equal(sent, 2);
	assert_int_equal(held, 20);
	assert_int_equal(dropped, 18);
	assert_int_equal(impair_counters_of(r->imp)->rate_dropped, 18);
	r->now = start + 10 * 1000 * MS;
	impair_run(r->imp);
	assert_int_equal(r->nout, 22);
	for (unsigned i = 0; i < 22; i++)
		assert_int_equal(sent_n(&r->out[i]), i);
	rig_free(r);

	/* Time to spare: a frame every 10 ms leaves at once. */
	r = rig_new("rate 1mbit");
	for (unsigned i = 0; i < 50; i++) {
		assert_int_equal(rig_frame(r, i, 1250), IMPAIR_SENT);
		r->now += 10 * MS;
	}
	rig_free(r);
}

static void
test_queue_limit(void **state)
{
	struct rig *r = rig_new("delay 100ms limit 4");
	unsigned full = 0;

	(void)state;
	for (unsigned i = 0; i < 10; i++)
		full += rig_frame(r, i, 60) == IMPAIR_QUEUE_FULL;
	assert_int_equal(full, 6);
	assert_int_equal(impair_counters_of(r->imp)->queue_full, 6);
	assert_int_equal(impair_held(r->imp), 4);
	rig_free(r); /* the held frames go with the stage */
}

/* Clearing sends what is held at once, in order; a new spec keeps what
 * the old one held, due when it was. */
static void
test_clear_and_replace(void **state)
{
	struct rig *r = rig_new("delay 100ms");
	struct impair_spec spec;
	char err[IMPAIR_ERR_MAX];

	(void)state;
	for (unsigned i = 0; i < 3; i++)
		rig_frame(r, i, 60);
	assert_int_equal(parse("loss 0%", &spec, err, sizeof(err)), 0);
	impair_set(r->imp, &spec);
	assert_int_equal(impair_held(r->imp), 3);
	assert_int_equal(rig_frame(r, 3, 60), IMPAIR_SENT);
	impair_clear(r->imp);
	assert_false(impair_active(r->imp));
	assert_int_equal(r->nout, 4);
	for (unsigned i = 0; i < 3; i++)
		assert_int_equal(sent_n(&r->out[i + 1]), i);
	assert_int_equal(rig_frame(r, 4, 60), IMPAIR_SENT);
	rig_free(r);
}

/* --- on a port -------------------------------------------------------- */

static uint64_t port_clock;

static uint64_t
port_now(void *arg)
{
	(void)arg;
	return port_clock;
}

static void
test_port_through_impairments(void **state)
{
	struct mem_port *mp = mem_port_new("p1", 1);
	struct impair_io io = {.out = port_impair_out, .now = port_now};
	struct impair_spec spec;
	char err[IMPAIR_ERR_MAX];
	uint8_t frame[60] = {0};
	json_t *row;

	(void)state;
	io.arg = &mp->port;
	port_clock = 5 * MS;
	mp->port.impair = impair_new(NULL, &io);
	assert_int_equal(parse("delay 10ms", &spec, err, sizeof(err)), 0);
	assert_int_equal(port_impair(&mp->port, NULL, &spec), 0);
	/* The seed from the port's name, as no seed was given. */
	assert_int_equal(impair_spec_of(mp->port.impair)->seed,
			 impair_seed_of("p1"));
	assert_int_equal(port_send(&mp->port, frame, sizeof(frame)), 0);
	assert_int_equal(mp->nsent, 0);
	assert_int_equal(mp->port.cnt.tx_packets, 0);
	port_clock += 10 * MS;
	impair_run(mp->port.impair);
	assert_int_equal(mp->nsent, 1);
	assert_int_equal(mp->port.cnt.tx_packets, 1);
	/* A frame held while the port goes down is not sent. */
	assert_int_equal(port_send(&mp->port, frame, sizeof(frame)), 0);
	mp->port.up = false;
	port_clock += 10 * MS;
	impair_run(mp->port.impair);
	assert_int_equal(mp->nsent, 1);
	assert_int_equal(mp->port.cnt.tx_dropped, 1);
	mp->port.up = true;
	/* Lost: not sent, not an error, counted by the stage. */
	assert_int_equal(parse("loss 100%", &spec, err, sizeof(err)), 0);
	assert_int_equal(port_impair(&mp->port, NULL, &spec), 0);
	assert_int_equal(port_send(&mp->port, frame, sizeof(frame)), 0);
	assert_int_equal(mp->nsent, 1);
	row = port_json(&mp->port);
	snprintf(err, sizeof(err), "loss 100%% seed %llu",
		 (unsigned long long)impair_seed_of("p1"));
	assert_string_equal(json_string_value(json_object_get(row, "impair")),
			    err);
	assert_int_equal(
	    json_integer_value(json_object_get(row, "impair_loss")), 1);
	assert_int_equal(
	    json_integer_value(json_object_get(row, "impair_delayed")), 2);
	json_decref(row);
	/* Cleared: frames pass; the counters stay in the row. */
	assert_int_equal(port_impair(&mp->port, NULL, NULL), 0);
	assert_int_equal(port_send(&mp->port, frame, sizeof(frame)), 0);
	assert_int_equal(mp->nsent, 2);
	row = port_json(&mp->port);
	assert_true(json_is_null(json_object_get(row, "impair")));
	assert_int_equal(
	    json_integer_value(json_object_get(row, "impair_loss")), 1);
	json_decref(row);
	/* The oversize and down checks come first, as before. */
	assert_int_equal(port_impair(&mp->port, NULL, &spec), 0);
	assert_int_equal(port_send(&mp->port, frame, 1519), -1);
	port_close(&mp->port);
	assert_null(mp->port.impair);
	mem_port_free(mp);
}

/* A port never impaired has no impairment columns. */
static void
test_port_row_without_impairments(void **state)
{
	struct mem_port *mp = mem_port_new("p1", 1);
	json_t *row = port_json(&mp->port);

	(void)state;
	assert_null(json_object_get(row, "impair"));
	assert_null(json_object_get(row, "impair_loss"));
	json_decref(row);
	mem_port_free(mp);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_spec_reads_tc_units),
	    cmocka_unit_test(test_spec_refuses),
	    cmocka_unit_test(test_seed_of_names),
	    cmocka_unit_test(test_inactive_passes_everything),
	    cmocka_unit_test(test_same_seed_same_drops),
	    cmocka_unit_test(test_loss_rate_within_bounds),
	    cmocka_unit_test(test_delay_holds_in_order),
	    cmocka_unit_test(test_due_frames_leave_first),
	    cmocka_unit_test(test_jitter_spreads_and_reorders),
	    cmocka_unit_test(test_reorder_skips_the_delay),
	    cmocka_unit_test(test_duplicate_sends_twice),
	    cmocka_unit_test(test_corrupt_flips_one_bit),
	    cmocka_unit_test(test_rate_paces_and_drops),
	    cmocka_unit_test(test_queue_limit),
	    cmocka_unit_test(test_clear_and_replace),
	    cmocka_unit_test(test_port_through_impairments),
	    cmocka_unit_test(test_port_row_without_impairments),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
