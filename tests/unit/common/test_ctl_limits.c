/*
 * The control server's limits over a real Unix socket: a connection that
 * sends no complete request in time is told so and closed; when the
 * server is full the connection that has waited longest for a request
 * gives way to a new one; streams are neither cut nor evicted, and only
 * when every connection runs one is a new connection refused. Each is
 * counted in ctl_server_stats.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "ctl.h"
#include "ctl_harness.h"

#define CONNECTIONS_MAX 64 /* what the server holds at once */
#define IDLE 0.3	   /* seconds, instead of the daemons' 5 */
#define IDLE_MS 300

struct fixture {
	struct ctl_harness h;
	struct ctl_req *running[CONNECTIONS_MAX + 1];
	int streams, cancels;
};

static int
cmd_hello(struct ctl_req *req, int argc, char **argv, void *arg)
{
	(void)argc;
	(void)argv;
	(void)arg;
	ctl_printf(req, "hello");
	return CTL_DONE;
}

static void
watch_cancel(void *arg)
{
	int *cancels = arg;

	(*cancels)++;
}

/* A stream that runs until the test ends it. */
static int
cmd_watch(struct ctl_req *req, int argc, char **argv, void *arg)
{
	struct fixture *f = arg;

	(void)argc;
	(void)argv;
	if (f->streams <= CONNECTIONS_MAX)
		f->running[f->streams] = req;
	f->streams++;
	ctl_set_cancel(req, watch_cancel, &f->cancels);
	return CTL_ASYNC;
}

static const struct ctl_cmd commands[] = {
    {"hello", "", "greets", cmd_hello, 0},
    {"watch", "", "streams until ended", cmd_watch, 1},
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	*state = f;
	if (ctl_harness_open(&f->h, commands,
			     sizeof(commands) / sizeof(commands[0]), f) < 0)
		return -1;
	ctl_server_set_idle(f->h.srv, IDLE);
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	ctl_harness_close(&f->h);
	free(f);
	return 0;
}

static struct ctl_client *
client(struct fixture *f)
{
	struct ctl_client *c = ctl_client_open(&f->h);

	assert_non_null(c);
	return c;
}

static void
expect_hello(json_t *reply)
{
	assert_non_null(reply);
	assert_string_equal(ctl_reply_text(reply, 0), "hello");
	assert_true(ctl_reply_ok(reply));
	json_decref(reply);
}

/* Reads what c gets until it is closed; the last line, or NULL. */
static json_t *
until_closed(struct fixture *f, struct ctl_client *c)
{
	json_t *last = NULL, *line;

	while ((line = ctl_client_line(&f->h, c))) {
		json_decref(last);
		last = line;
	}
	assert_true(c->eof);
	return last;
}

static void
test_silent_connection_told_and_closed(void **state)
{
	struct fixture *f = *state;
	struct ctl_client *c = client(f);
	json_t *last;

	ctl_harness_pump_for(&f->h, c, IDLE_MS / 2);
	assert_false(c->eof);
	last = until_closed(f, c);
	assert_non_null(last);
	assert_non_null(
	    strstr(json_string_value(json_object_get(last, "error")),
		   "no complete request"));
	json_decref(last);
	assert_int_equal(ctl_server_stats(f->h.srv).idle_closed, 1);
	ctl_client_close(c);
}

/* Bytes without a line end are no request: they do not keep it open. */
static void
test_unfinished_request_does_not_keep_it_open(void **state)
{
	struct fixture *f = *state;
	struct ctl_client *c = client(f);

	for (int i = 0; i < 8 && !c->eof; i++) {
		assert_int_equal(ctl_client_send(c, "h", 1), 0);
		ctl_harness_pump_for(&f->h, c, IDLE_MS / 4);
	}
	json_decref(until_closed(f, c));
	assert_int_equal(ctl_server_stats(f->h.srv).idle_closed, 1);
	ctl_client_close(c);
}

/* The wait starts again after each request. */
static void
test_each_request_restarts_the_wait(void **state)
{
	struct fixture *f = *state;
	struct ctl_client *c = client(f);

	for (int i = 0; i < 4; i++) {
		ctl_harness_pump_for(&f->h, c, IDLE_MS * 2 / 3);
		assert_false(c->eof);
		expect_hello(ctl_client_request(&f->h, c, "hello\n"));
	}
	assert_int_equal(ctl_server_stats(f->h.srv).idle_closed, 0);
	ctl_client_close(c);
}

static void
test_stream_outlives_the_idle_time(void **state)
{
	struct fixture *f = *state;
	struct ctl_client *c = client(f);
	json_t *reply;

	assert_int_equal(ctl_client_send(c, "watch\n", 6), 0);
	assert_int_equal(ctl_harness_pump_until(&f->h, c, &f->streams, 1), 1);
	ctl_harness_pump_for(&f->h, c, IDLE_MS * 3);
	assert_false(c->eof);
	assert_int_equal(f->cancels, 0);
	ctl_printf(f->running[0], "still here");
	ctl_finish(f->running[0]);
	reply = ctl_client_reply(&f->h, c);
	assert_non_null(reply);
	assert_string_equal(ctl_reply_text(reply, 0), "still here");
	assert_true(ctl_reply_ok(reply));
	json_decref(reply);
	/* Once the stream ended, it waits for a request like any other. */
	json_decref(until_closed(f, c));
	assert_int_equal(ctl_server_stats(f->h.srv).idle_closed, 1);
	ctl_client_close(c);
}

static void
test_full_server_drops_the_longest_waiting(void **state)
{
	struct fixture *f = *state;
	struct ctl_client *c[CONNECTIONS_MAX + 2];

	ctl_server_set_idle(f->h.srv, 60);
	for (int i = 0; i < CONNECTIONS_MAX; i++) {
		c[i] = client(f);
		ctl_harness_pump(&f->h, c[i]);
	}
	/* c[0] answers a request: now c[1] has waited longest. */
	expect_hello(ctl_client_request(&f->h, c[0], "hello\n"));
	c[CONNECTIONS_MAX] = client(f);
	ctl_harness_pump(&f->h, c[1]);
	assert_null(ctl_client_line(&f->h, c[1]));
	assert_true(c[1]->eof);
	expect_hello(ctl_client_request(&f->h, c[CONNECTIONS_MAX], "hello\n"));
	expect_hello(ctl_client_request(&f->h, c[0], "hello\n"));
	/* The next one to go is c[2]. */
	c[CONNECTIONS_MAX + 1] = client(f);
	ctl_harness_pump(&f->h, c[2]);
	assert_null(ctl_client_line(&f->h, c[2]));
	assert_true(c[2]->eof);
	expect_hello(
	    ctl_client_request(&f->h, c[CONNECTIONS_MAX + 1], "hello\n"));
	assert_int_equal(ctl_server_stats(f->h.srv).evicted, 2);
	assert_int_equal(ctl_server_stats(f->h.srv).refused, 0);
	assert_int_equal(ctl_server_stats(f->h.srv).connections,
			 CONNECTIONS_MAX);
	for (int i = 0; i < CONNECTIONS_MAX + 2; i++)
		ctl_client_close(c[i]);
}

static void
test_streams_never_give_way(void **state)
{
	struct fixture *f = *state;
	struct ctl_client *c[CONNECTIONS_MAX + 1];

	for (int i = 0; i < CONNECTIONS_MAX; i++) {
		c[i] = client(f);
		assert_int_equal(ctl_client_send(c[i], "watch\n", 6), 0);
		assert_int_equal(
		    ctl_harness_pump_until(&f->h, c[i], &f->streams, i + 1),
		    i + 1);
	}
	c[CONNECTIONS_MAX] = client(f);
	ctl_harness_pump(&f->h, c[CONNECTIONS_MAX]);
	assert_null(ctl_client_line(&f->h, c[CONNECTIONS_MAX]));
	assert_true(c[CONNECTIONS_MAX]->eof);
	ctl_harness_pump_for(&f->h, NULL, IDLE_MS * 2);
	assert_int_equal(f->cancels, 0);
	assert_int_equal(ctl_server_stats(f->h.srv).refused, 1);
	assert_int_equal(ctl_server_stats(f->h.srv).evicted, 0);
	assert_int_equal(ctl_server_stats(f->h.srv).idle_closed, 0);
	for (int i = 0; i <= CONNECTIONS_MAX; i++)
		ctl_client_close(c[i]);
	assert_int_equal(
	    ctl_harness_pump_until(&f->h, NULL, &f->cancels, CONNECTIONS_MAX),
	    CONNECTIONS_MAX);
}

#define TEST(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    TEST(test_silent_connection_told_and_closed),
	    TEST(test_unfinished_request_does_not_keep_it_open),
	    TEST(test_each_request_restarts_the_wait),
	    TEST(test_stream_outlives_the_idle_time),
	    TEST(test_full_server_drops_the_longest_waiting),
	    TEST(test_streams_never_give_way),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
