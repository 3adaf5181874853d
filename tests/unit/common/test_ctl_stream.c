/*
 * The control server's long-lived side over a real Unix socket: a request
 * that streams (CTL_ASYNC) replies as it goes and ends with ctl_finish; a
 * client that leaves, a server that closes and a client that never reads
 * each cancel it exactly once; ctl_reply_fd passes a descriptor.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "ctl.h"
#include "ctl_harness.h"

#define PIPE_MESSAGE "through the pipe"
#define FLOOD_LINE 8192
#define FLOOD_LINES 4096 /* twice what the server lets pile up */

struct fixture {
	struct ctl_harness h;
	struct ctl_req *running; /* the `watch` request, until it ends */
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
	struct fixture *f = arg;

	f->cancels++;
	f->running = NULL;
}

/* A stream the test replies to and ends itself, through f->running. */
static int
cmd_watch(struct ctl_req *req, int argc, char **argv, void *arg)
{
	struct fixture *f = arg;

	(void)argc;
	(void)argv;
	f->running = req;
	f->streams++;
	ctl_set_cancel(req, watch_cancel, f);
	return CTL_ASYNC;
}

/* Passes the read end of a pipe; "late" queues a line before it. */
static int
cmd_pipe(struct ctl_req *req, int argc, char **argv, void *arg)
{
	int p[2], rc;

	(void)argv;
	(void)arg;
	if (pipe(p) < 0)
		return ctl_fail(req, "pipe: %s", strerror(errno));
	if (write(p[1], PIPE_MESSAGE, strlen(PIPE_MESSAGE)) < 0)
		return ctl_fail(req, "write: %s", strerror(errno));
	if (argc > 0)
		ctl_printf(req, "first");
	rc = ctl_reply_fd(req, json_pack("{s:s}", "local", "pipe"), p[0]);
	close(p[0]);
	close(p[1]);
	if (rc < 0)
		return ctl_fail(req, "cannot pass the descriptor");
	return CTL_DONE;
}

/* A stream whose first reply ends it before the handler returns, as an
 * answer that comes back at once would. */
static int
cmd_quick(struct ctl_req *req, int argc, char **argv, void *arg)
{
	(void)argc;
	(void)argv;
	(void)arg;
	ctl_printf(req, "done already");
	ctl_finish(req);
	return CTL_ASYNC;
}

static const struct ctl_cmd commands[] = {
    {"hello", "", "greets", cmd_hello, 0},
    {"quick", "", "ends inside its handler", cmd_quick, 1},
    {"watch", "", "streams until ended", cmd_watch, 1},
    {"pipe", "[late]", "passes a pipe", cmd_pipe, 0},
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	*state = f;
	return ctl_harness_open(&f->h, commands,
				sizeof(commands) / sizeof(commands[0]), f);
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
expect_ok(json_t *reply)
{
	assert_non_null(reply);
	assert_true(ctl_reply_ok(reply));
	json_decref(reply);
}

static void
expect_hello(json_t *reply)
{
	assert_non_null(reply);
	assert_string_equal(ctl_reply_text(reply, 0), "hello");
	expect_ok(reply);
}

/* Sends "watch" then more on c, and waits for the stream to start. */
static void
start_watch(struct fixture *f, struct ctl_client *c, const char *more)
{
	int before = f->streams;
	char text[64];

	snprintf(text, sizeof(text), "watch\n%s", more);
	assert_int_equal(ctl_client_send(c, text, strlen(text)), 0);
	assert_int_equal(
	    ctl_harness_pump_until(&f->h, c, &f->streams, before + 1),
	    before + 1);
	assert_non_null(f->running);
}

static void
expect_text_line(struct fixture *f, struct ctl_client *c, const char *text)
{
	json_t *line = ctl_client_line(&f->h, c);

	assert_non_null(line);
	assert_string_equal(json_string_value(json_object_get(line, "text")),
			    text);
	json_decref(line);
}

static void
test_stream_replies_as_it_goes(void **state)
{
	struct fixture *f = *state;
	struct ctl_client *c = client(f);

	start_watch(f, c, "hello\n");
	ctl_printf(f->running, "tick %d", 1);
	expect_text_line(f, c, "tick 1");
	ctl_printf(f->running, "tick %d", 2);
	expect_text_line(f, c, "tick 2");
	assert_int_equal(c->len, 0); /* the queued hello waits its turn */
	ctl_finish(f->running);
	f->running = NULL;
	expect_ok(ctl_client_reply(&f->h, c));
	expect_hello(ctl_client_reply(&f->h, c));
	assert_int_equal(f->cancels, 0);
	ctl_client_close(c);
}

static void
test_stream_can_fail(void **state)
{
	struct fixture *f = *state;
	struct ctl_client *c = client(f);
	json_t *reply;

	start_watch(f, c, "");
	ctl_fail(f->running, "lost after %d", 3);
	ctl_finish(f->running);
	reply = ctl_client_reply(&f->h, c);
	assert_non_null(reply);
	assert_string_equal(ctl_reply_error(reply), "lost after 3");
	assert_false(ctl_reply_usage(reply));
	json_decref(reply);
	ctl_client_close(c);
}

static void
test_client_leaving_mid_stream_cancels_once(void **state)
{
	struct fixture *f = *state;
	struct ctl_client *c = client(f);

	start_watch(f, c, "");
	ctl_printf(f->running, "tick");
	expect_text_line(f, c, "tick");
	ctl_client_close(c);
	assert_int_equal(ctl_harness_pump_until(&f->h, NULL, &f->cancels, 1),
			 1);
	ctl_harness_pump_for(&f->h, NULL, 20);
	assert_null(f->running);
	ctl_server_close(f->h.srv);
	f->h.srv = NULL;
	assert_int_equal(f->cancels, 1);
}

static void
test_closing_server_cancels_stream(void **state)
{
	struct fixture *f = *state;
	struct ctl_client *c = client(f);

	start_watch(f, c, "");
	ctl_server_close(f->h.srv);
	f->h.srv = NULL;
	assert_int_equal(f->cancels, 1);
	assert_null(ctl_client_line(&f->h, c));
	assert_true(c->eof);
	ctl_client_close(c);
}

/* Reads to end of file: the bytes, and whether the last line closed. */
static size_t
read_to_eof(struct fixture *f, struct ctl_client *c, bool *closed)
{
	size_t total = 0;

	for (int i = 0; i < 1000 && !c->eof; i++) {
		char *last;

		ctl_harness_pump(&f->h, c);
		total += c->len;
		c->buf[c->len] = '\0';
		last = c->len ? strrchr(c->buf, '{') : NULL;
		if (last)
			*closed = strncmp(last, "{\"ok\"", 5) == 0;
		c->len = 0;
	}
	return total;
}

static void
test_client_that_never_reads_is_cut(void **state)
{
	struct fixture *f = *state;
	struct ctl_client *c = client(f);
	char *text = malloc(FLOOD_LINE + 1);
	bool closed = false;

	memset(text, 'x', FLOOD_LINE);
	text[FLOOD_LINE] = '\0';
	start_watch(f, c, "");
	for (int i = 0; f->running && i < FLOOD_LINES; i++) {
		ctl_reply(f->running, json_pack("{s:s}", "text", text));
		if (i % 64 == 0)
			ev_run(f->h.loop, EVRUN_NOWAIT);
	}
	free(text);
	assert_int_equal(f->cancels, 1);
	assert_true(read_to_eof(f, c, &closed) > 0);
	assert_true(c->eof);
	assert_false(closed);
	ctl_client_close(c);
	expect_hello(ctl_harness_request(&f->h, "hello\n"));
}

static void
test_reply_fd_passes_a_working_descriptor(void **state)
{
	struct fixture *f = *state;
	struct ctl_client *c = client(f);
	json_t *reply = ctl_client_request(&f->h, c, "pipe\n");
	char got[64] = "";

	assert_non_null(reply);
	assert_string_equal(json_string_value(json_object_get(
				json_array_get(reply, 0), "local")),
			    "pipe");
	expect_ok(reply);
	assert_true(c->passed_fd >= 0);
	assert_int_equal(read(c->passed_fd, got, sizeof(got) - 1),
			 strlen(PIPE_MESSAGE));
	assert_string_equal(got, PIPE_MESSAGE);
	ctl_client_close(c);
}

static void
test_reply_fd_refused_once_a_line_is_queued(void **state)
{
	struct fixture *f = *state;
	struct ctl_client *c = client(f);
	json_t *reply = ctl_client_request(&f->h, c, "pipe late\n");

	assert_non_null(reply);
	assert_string_equal(ctl_reply_text(reply, 0), "first");
	assert_string_equal(ctl_reply_error(reply),
			    "cannot pass the descriptor");
	assert_int_equal(c->passed_fd, -1);
	json_decref(reply);
	ctl_client_close(c);
}

static void
test_reply_fd_without_a_client_fails(void **state)
{
	struct fixture *f = *state;
	char err[256] = "";

	assert_int_equal(ctl_exec(f->h.srv, "pipe", 4, err, sizeof(err)), -1);
	assert_string_equal(err, "cannot pass the descriptor");
}

static void
test_stream_ended_inside_its_handler(void **state)
{
	struct fixture *f = *state;
	struct ctl_client *c = client(f);
	json_t *reply;

	/* The next request on the connection still runs after it ... */
	assert_int_equal(ctl_client_send(c, "quick\nhello\n", 12), 0);
	reply = ctl_client_reply(&f->h, c);
	assert_non_null(reply);
	assert_string_equal(ctl_reply_text(reply, 0), "done already");
	expect_ok(reply);
	expect_hello(ctl_client_reply(&f->h, c));
	ctl_client_close(c);

	/* ... and a client whose input ended with it is served and closed
	 * without the server touching it afterwards. */
	c = client(f);
	assert_int_equal(ctl_client_send(c, "quick", 5), 0);
	shutdown(c->fd, SHUT_WR);
	expect_ok(ctl_client_reply(&f->h, c));
	ctl_client_close(c);
}

#define TEST(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    TEST(test_stream_replies_as_it_goes),
	    TEST(test_stream_can_fail),
	    TEST(test_stream_ended_inside_its_handler),
	    TEST(test_client_leaving_mid_stream_cancels_once),
	    TEST(test_closing_server_cancels_stream),
	    TEST(test_client_that_never_reads_is_cut),
	    TEST(test_reply_fd_passes_a_working_descriptor),
	    TEST(test_reply_fd_refused_once_a_line_is_queued),
	    TEST(test_reply_fd_without_a_client_fails),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
