/*
 * The control server's request side over a real Unix socket: replies and
 * their closing line, usage errors, help, framing of requests across and
 * within writes, input it refuses, the socket file, and config files.
 * Streams and passed descriptors: test_ctl_stream.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "ctl.h"
#include "ctl_harness.h"

#define CONNECTIONS_MAX 64 /* what the server takes at once */

struct fixture {
	struct ctl_harness h;
	int streams;
	char log[256]; /* the words `echo` ran with, as "a b;c;" */
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

/* Appends to the log, cut short when full. */
static void
log_add(struct fixture *f, const char *sep, const char *word)
{
	size_t used = strlen(f->log);

	snprintf(f->log + used, sizeof(f->log) - used, "%s%s", sep, word);
}

/* Replies with its words and logs them, so a replayed file leaves a trace. */
static int
cmd_echo(struct ctl_req *req, int argc, char **argv, void *arg)
{
	struct fixture *f = arg;
	json_t *words = json_array();

	for (int i = 0; i < argc; i++) {
		json_array_append_new(words, json_string(argv[i]));
		log_add(f, i ? " " : "", argv[i]);
	}
	log_add(f, "", ";");
	ctl_reply(req, json_pack("{s:o}", "words", words));
	return CTL_DONE;
}

static int
cmd_fail(struct ctl_req *req, int argc, char **argv, void *arg)
{
	(void)argc;
	(void)argv;
	(void)arg;
	return ctl_fail(req, "the %s broke", "widget");
}

/* A stream that never ends on its own; here only to be refused. */
static int
cmd_watch(struct ctl_req *req, int argc, char **argv, void *arg)
{
	struct fixture *f = arg;

	(void)req;
	(void)argc;
	(void)argv;
	f->streams++;
	return CTL_ASYNC;
}

static const struct ctl_cmd commands[] = {
    {"hello", "", "greets", cmd_hello, 0},
    {"echo", "WORD...", "repeats its words", cmd_echo, 0},
    {"fail", "", "always fails", cmd_fail, 0},
    {"watch", "", "streams", cmd_watch, 1},
};
#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	*state = f;
	return ctl_harness_open(&f->h, commands, NCOMMANDS, f);
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	ctl_harness_close(&f->h);
	free(f);
	return 0;
}

/* The expect_ helpers check a reply, then free it. */
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
	assert_int_equal(json_array_size(reply), 2);
	assert_string_equal(ctl_reply_text(reply, 0), "hello");
	expect_ok(reply);
}

/* The reply failed with why in its error, flagged as usage or not. */
static void
expect_refused(json_t *reply, const char *why, bool usage)
{
	assert_non_null(reply);
	assert_non_null(ctl_reply_error(reply));
	assert_non_null(strstr(ctl_reply_error(reply), why));
	assert_int_equal(ctl_reply_usage(reply), usage);
	json_decref(reply);
}

/* The words `echo` replied with. */
static json_t *
words_of(json_t *reply)
{
	return json_object_get(json_array_get(reply, 0), "words");
}

static struct ctl_client *
client(struct fixture *f)
{
	struct ctl_client *c = ctl_client_open(&f->h);

	assert_non_null(c);
	return c;
}

static void
test_request_gets_its_lines_then_ok(void **state)
{
	struct fixture *f = *state;
	struct ctl_client *c = client(f);
	json_t *reply = ctl_client_request(&f->h, c, "echo a b\n");

	assert_non_null(reply);
	assert_int_equal(json_array_size(reply), 2);
	assert_int_equal(json_array_size(words_of(reply)), 2);
	assert_string_equal(
	    json_string_value(json_array_get(words_of(reply), 1)), "b");
	assert_int_equal(json_object_size(ctl_reply_end(reply)), 1);
	expect_ok(reply);
	expect_hello(ctl_client_request(&f->h, c, "hello\n"));
	ctl_client_close(c);
}

static void
test_unknown_command_is_a_usage_error(void **state)
{
	struct fixture *f = *state;

	expect_refused(ctl_harness_request(&f->h, "frobnicate now\n"),
		       "unknown command 'frobnicate'", true);
}

static void
test_failure_is_not_a_usage_error(void **state)
{
	struct fixture *f = *state;

	expect_refused(ctl_harness_request(&f->h, "fail\n"), "the widget broke",
		       false);
}

static const char *
row_field(json_t *rows, size_t i, const char *key)
{
	return json_string_value(json_object_get(json_array_get(rows, i), key));
}

static void
test_help_lists_the_table(void **state)
{
	struct fixture *f = *state;
	json_t *reply = ctl_harness_request(&f->h, "help\n"), *rows;

	assert_non_null(reply);
	rows = json_array_get(reply, 0);
	assert_int_equal(json_array_size(rows), NCOMMANDS + 1);
	assert_string_equal(row_field(rows, 0, "command"), "hello");
	assert_string_equal(row_field(rows, 1, "command"), "echo WORD...");
	assert_string_equal(row_field(rows, 1, "help"), "repeats its words");
	assert_string_equal(row_field(rows, NCOMMANDS, "command"), "help");
	expect_ok(reply);
}

static void
test_command_without_arguments_refuses_extras(void **state)
{
	struct fixture *f = *state;

	expect_refused(ctl_harness_request(&f->h, "hello there\n"),
		       "usage: hello", true);
	expect_hello(ctl_harness_request(&f->h, "hello\n"));
}

static void
test_requests_in_one_write_answered_in_order(void **state)
{
	struct fixture *f = *state;
	struct ctl_client *c = client(f);

	expect_hello(
	    ctl_client_request(&f->h, c, "hello\necho x\r\nfrobnicate\n"));
	expect_ok(ctl_client_reply(&f->h, c));
	assert_string_equal(f->log, "x;"); /* the CR is not part of the word */
	expect_refused(ctl_client_reply(&f->h, c), "unknown command", true);
	ctl_client_close(c);
}

static void
test_request_split_over_writes(void **state)
{
	struct fixture *f = *state;
	struct ctl_client *c = client(f);

	assert_int_equal(ctl_client_send(c, "ec", 2), 0);
	ctl_harness_pump_for(&f->h, c, 20);
	assert_int_equal(ctl_client_send(c, "ho sp", 5), 0);
	ctl_harness_pump_for(&f->h, c, 20);
	assert_int_equal(c->len, 0); /* nothing runs before the line ends */
	expect_ok(ctl_client_request(&f->h, c, "lit\n"));
	assert_string_equal(f->log, "split;");
	ctl_client_close(c);
}

/* "echo " and padding to total bytes, then a newline. */
static char *
long_request(size_t total)
{
	char *s = malloc(total + 2);

	memset(s, 'a', total);
	memcpy(s, "echo ", 5);
	s[total] = '\n';
	s[total + 1] = '\0';
	return s;
}

static void
test_request_of_line_max_is_served(void **state)
{
	struct fixture *f = *state;
	char *text = long_request(CTL_LINE_MAX);
	json_t *reply = ctl_harness_request(&f->h, text);

	assert_non_null(reply);
	assert_int_equal(
	    strlen(json_string_value(json_array_get(words_of(reply), 0))),
	    CTL_LINE_MAX - strlen("echo "));
	expect_ok(reply);
	free(text);
}

static void
test_overlong_request_refused_server_goes_on(void **state)
{
	struct fixture *f = *state;
	struct ctl_client *c = client(f);
	char *text = long_request(CTL_LINE_MAX + 1);

	expect_refused(ctl_client_request(&f->h, c, text),
		       "longer than 4096 bytes", true);
	assert_null(ctl_client_line(&f->h, c));
	assert_true(c->eof);
	assert_string_equal(f->log, "");
	ctl_client_close(c);
	free(text);
	expect_hello(ctl_harness_request(&f->h, "hello\n"));
}

static void
test_bad_text_refused_connection_goes_on(void **state)
{
	struct fixture *f = *state;
	struct ctl_client *c = client(f);

	expect_refused(ctl_client_request(&f->h, c, "echo \xff\n"),
		       "not valid text", true);
	expect_refused(ctl_client_request(&f->h, c, "echo a\x01z\n"),
		       "not valid text", true);
	assert_int_equal(ctl_client_send(c, "echo a\0z\n", 9), 0);
	expect_refused(ctl_client_reply(&f->h, c), "NUL byte", true);
	expect_hello(ctl_client_request(&f->h, c, "hello\n"));
	assert_string_equal(f->log, "");
	ctl_client_close(c);
}

static void
test_empty_request_is_a_usage_error(void **state)
{
	struct fixture *f = *state;

	expect_refused(ctl_harness_request(&f->h, " \t\n"), "empty request",
		       true);
}

/* 'a' then 40 two-byte characters: the name is clipped to 64 bytes. */
static void
test_long_unknown_name_clipped_to_whole_characters(void **state)
{
	struct fixture *f = *state;
	char name[128] = "a", want[128] = "unknown command 'a";
	json_t *reply;

	for (int i = 0; i < 40; i++)
		strcat(name, "\xc3\xa9");
	for (int i = 0; i < 31; i++)
		strcat(want, "\xc3\xa9");
	strcat(name, "\n");
	strcat(want, "' (try 'help')");
	reply = ctl_harness_request(&f->h, name);
	assert_non_null(reply);
	assert_string_equal(ctl_reply_error(reply), want);
	json_decref(reply);
}

static void
test_last_request_served_at_end_of_input(void **state)
{
	struct fixture *f = *state;
	struct ctl_client *c = client(f);

	assert_int_equal(ctl_client_send(c, "echo last", 9), 0);
	assert_int_equal(shutdown(c->fd, SHUT_WR), 0);
	expect_ok(ctl_client_reply(&f->h, c));
	assert_string_equal(f->log, "last;");
	assert_null(ctl_client_line(&f->h, c));
	assert_true(c->eof);
	ctl_client_close(c);
}

/* A full server drops the connection that has waited longest for a
 * request to take a new one (test_ctl_limits.c has the rest). */
static void
test_connections_past_the_limit_evict_the_oldest(void **state)
{
	struct fixture *f = *state;
	struct ctl_client *c[CONNECTIONS_MAX + 1];

	for (int i = 0; i <= CONNECTIONS_MAX; i++) {
		c[i] = client(f);
		ctl_harness_pump(&f->h, c[i]);
	}
	assert_null(ctl_client_line(&f->h, c[0]));
	assert_true(c[0]->eof);
	expect_hello(ctl_client_request(&f->h, c[CONNECTIONS_MAX], "hello\n"));
	expect_hello(ctl_client_request(&f->h, c[1], "hello\n"));
	for (int i = 0; i <= CONNECTIONS_MAX; i++)
		ctl_client_close(c[i]);
	expect_hello(ctl_harness_request(&f->h, "hello\n"));
}

static void
test_socket_is_private_umask_kept(void **state)
{
	struct fixture *f = *state;
	struct stat st;
	char err[256];
	mode_t before;

	ctl_server_close(f->h.srv);
	before = umask(022);
	f->h.srv = ctl_harness_reopen(&f->h, err, sizeof(err));
	assert_int_equal(umask(before), 022);
	assert_non_null(f->h.srv);
	assert_int_equal(stat(f->h.path, &st), 0);
	assert_true(S_ISSOCK(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0600);
}

static void
test_stale_socket_replaced(void **state)
{
	struct fixture *f = *state;
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	char err[256];
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	ctl_server_close(f->h.srv);
	memcpy(sun.sun_path, f->h.path, sizeof(f->h.path));
	assert_int_equal(bind(fd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	close(fd); /* the file stays, with nobody listening */
	f->h.srv = ctl_harness_reopen(&f->h, err, sizeof(err));
	assert_non_null(f->h.srv);
	expect_hello(ctl_harness_request(&f->h, "hello\n"));
}

static void
test_open_reports_why_it_failed(void **state)
{
	struct fixture *f = *state;
	char path[256], err[256] = "";

	memset(path, 'p', sizeof(f->h.path));
	path[sizeof(f->h.path)] = '\0';
	assert_null(ctl_server_open(f->h.loop, path, commands, NCOMMANDS, f,
				    err, sizeof(err)));
	assert_non_null(strstr(err, "socket path too long"));
	ctl_harness_file(&f->h, "missing/ctl.sock", path, sizeof(path));
	assert_null(ctl_server_open(f->h.loop, path, commands, NCOMMANDS, f,
				    err, sizeof(err)));
	assert_non_null(strstr(err, path));
}

/* Writes text as DIR/config, whose path goes into path. */
static void
write_config(const struct fixture *f, const char *text, char *path, size_t len)
{
	FILE *fp;

	ctl_harness_file(&f->h, "config", path, len);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
}

static void
test_run_file_skips_blanks_and_comments(void **state)
{
	struct fixture *f = *state;
	char path[256], err[256] = "";

	write_config(f,
		     "# set up\n\necho one\r\n \t\n\t# indented\n"
		     "  echo two three\n",
		     path, sizeof(path));
	assert_int_equal(ctl_run_file(f->h.srv, path, err, sizeof(err)), 0);
	assert_string_equal(f->log, "one;two three;");
}

static void
test_run_file_stops_at_error_with_file_and_line(void **state)
{
	struct fixture *f = *state;
	char path[256], want[512], err[512] = "";

	write_config(f, "echo one\n\n# note\nfrobnicate\necho never\n", path,
		     sizeof(path));
	assert_int_equal(ctl_run_file(f->h.srv, path, err, sizeof(err)), -1);
	snprintf(want, sizeof(want),
		 "%s:4: unknown command 'frobnicate' (try 'help')", path);
	assert_string_equal(err, want);
	assert_string_equal(f->log, "one;");
	ctl_harness_file(&f->h, "absent", path, sizeof(path));
	assert_int_equal(ctl_run_file(f->h.srv, path, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "No such file"));
}

static void
test_exec_runs_without_a_client(void **state)
{
	struct fixture *f = *state;
	char err[256] = "", *text = long_request(CTL_LINE_MAX + 1);

	assert_int_equal(ctl_exec(f->h.srv, "echo x", 6, err, sizeof(err)), 0);
	assert_string_equal(f->log, "x;");
	assert_int_equal(ctl_exec(f->h.srv, "fail", 4, err, sizeof(err)), -1);
	assert_string_equal(err, "the widget broke");
	assert_int_equal(ctl_exec(f->h.srv, "watch", 5, err, sizeof(err)), -1);
	assert_string_equal(err, "'watch' cannot run from a config file");
	assert_int_equal(f->streams, 0);
	assert_int_equal(
	    ctl_exec(f->h.srv, text, CTL_LINE_MAX + 1, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "longer than"));
	free(text);
}

#define TEST(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    TEST(test_request_gets_its_lines_then_ok),
	    TEST(test_unknown_command_is_a_usage_error),
	    TEST(test_failure_is_not_a_usage_error),
	    TEST(test_help_lists_the_table),
	    TEST(test_command_without_arguments_refuses_extras),
	    TEST(test_requests_in_one_write_answered_in_order),
	    TEST(test_request_split_over_writes),
	    TEST(test_request_of_line_max_is_served),
	    TEST(test_overlong_request_refused_server_goes_on),
	    TEST(test_bad_text_refused_connection_goes_on),
	    TEST(test_empty_request_is_a_usage_error),
	    TEST(test_long_unknown_name_clipped_to_whole_characters),
	    TEST(test_last_request_served_at_end_of_input),
	    TEST(test_connections_past_the_limit_evict_the_oldest),
	    TEST(test_socket_is_private_umask_kept),
	    TEST(test_stale_socket_replaced),
	    TEST(test_open_reports_why_it_failed),
	    TEST(test_run_file_skips_blanks_and_comments),
	    TEST(test_run_file_stops_at_error_with_file_and_line),
	    TEST(test_exec_runs_without_a_client),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
