/*
 * Fuzz target: the control socket's framing, what ctl.c makes of the bytes
 * that arrive on client connections: partial lines, several lines in one
 * read, over-long lines, NUL and control characters, invalid UTF-8, input
 * that ends without a newline or while a request still runs, clients that
 * do not read their replies. Every reply line must be JSON.
 *
 * The input is a sequence of operations, each a byte whose low bits say
 * what to do and whose high bit which of two clients does it:
 *   0 send: the next byte is a length, then that many bytes to send
 *   1 one turn of the server's loop
 *   2 the client reads what came
 *   3 the client's input ends
 *   4 the client hangs up; the next operation on it connects again
 *   5 eight turns of the loop, both clients reading
 *   6 a copy of the last bytes sent, sent again many times
 * The server knows `echo WORDS...`, `rows N`, `fail`, `none` (takes no
 * arguments), and two streaming commands: `later` (ends on the next turn)
 * and `forever` (ends when its client goes).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_ctl.h"

struct fuzz_stream {
	struct ctl_req *req;
	ev_timer timer;
	bool running;
};

static struct fuzz_stream fuzz_streams[FUZZ_CTL_CLIENTS_MAX];

static int
cmd_echo(struct ctl_req *req, int argc, char **argv, void *arg)
{
	(void)arg;
	for (int i = 0; i < argc; i++)
		ctl_printf(req, "%s", argv[i]);
	return CTL_DONE;
}

static int
cmd_rows(struct ctl_req *req, int argc, char **argv, void *arg)
{
	json_t *rows = json_array();
	long n = argc == 1 ? strtol(argv[0], NULL, 10) : 0;

	(void)arg;
	for (long i = 0; i < n && i < 256; i++)
		json_array_append_new(rows, json_pack("{s:I, s:s}", "row",
						      (json_int_t)i, "text",
						      argv[0]));
	ctl_reply(req, rows);
	return CTL_DONE;
}

static int
cmd_fail(struct ctl_req *req, int argc, char **argv, void *arg)
{
	(void)arg;
	return ctl_fail(req, "%s", argc ? argv[0] : "failed");
}

static int
cmd_none(struct ctl_req *req, int argc, char **argv, void *arg)
{
	(void)req;
	(void)argc;
	(void)argv;
	(void)arg;
	return CTL_DONE;
}

static void
fuzz_stream_end(struct fuzz_stream *s)
{
	ev_timer_stop(EV_DEFAULT, &s->timer);
	s->running = false;
}

static void
fuzz_stream_cancel(void *arg)
{
	fuzz_stream_end(arg);
}

static void
fuzz_stream_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct fuzz_stream *s = w->data;
	struct ctl_req *req = s->req;

	(void)loop;
	(void)revents;
	ctl_printf(req, "later");
	fuzz_stream_end(s);
	ctl_finish(req);
}

static int
fuzz_stream_start(struct ctl_req *req, bool ends)
{
	struct fuzz_stream *s = NULL;

	for (int i = 0; i < FUZZ_CTL_CLIENTS_MAX && !s; i++)
		if (!fuzz_streams[i].running)
			s = &fuzz_streams[i];
	if (!s)
		__builtin_trap(); /* a stream outlived its client */
	s->req = req;
	s->running = true;
	ev_timer_init(&s->timer, fuzz_stream_cb, 0.0, 0.0);
	s->timer.data = s;
	if (ends)
		ev_timer_start(EV_DEFAULT, &s->timer);
	ctl_set_cancel(req, fuzz_stream_cancel, s);
	ctl_printf(req, "started");
	return CTL_ASYNC;
}

static int
cmd_later(struct ctl_req *req, int argc, char **argv, void *arg)
{
	(void)argc;
	(void)argv;
	(void)arg;
	return fuzz_stream_start(req, true);
}

static int
cmd_forever(struct ctl_req *req, int argc, char **argv, void *arg)
{
	(void)argc;
	(void)argv;
	(void)arg;
	return fuzz_stream_start(req, false);
}

static const struct ctl_cmd fuzz_cmds[] = {
    {"echo", "[WORDS...]", "each word as a line of text", cmd_echo, 0},
    {"rows", "N", "a table of N rows", cmd_rows, 0},
    {"fail", "[MESSAGE]", "fails", cmd_fail, 0},
    {"none", "", "takes no arguments", cmd_none, 0},
    {"later", "", "streams, and ends on the next turn", cmd_later, 1},
    {"forever", "", "streams until its client goes", cmd_forever, 1},
};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ctl_server *srv = fuzz_ctl_open(
	    fuzz_cmds, sizeof(fuzz_cmds) / sizeof(fuzz_cmds[0]), NULL);
	const uint8_t *last = NULL;
	size_t last_len = 0;
	int client[2];

	client[0] = fuzz_ctl_connect();
	client[1] = fuzz_ctl_connect();
	while (size > 0) {
		uint8_t op = data[0];
		int *c = &client[op >> 7];
		size_t len;

		data++;
		size--;
		if (*c < 0 && (*c = fuzz_ctl_connect()) < 0)
			continue;
		switch (op & 0x7f) {
		case 0:
			len = size ? data[0] : 0;
			data += size ? 1 : 0;
			size -= size ? 1 : 0;
			len = len < size ? len : size;
			fuzz_ctl_send(*c, data, len);
			last = data;
			last_len = len;
			data += len;
			size -= len;
			break;
		case 1:
			fuzz_ctl_turn();
			break;
		case 2:
			fuzz_ctl_read(*c);
			break;
		case 3:
			fuzz_ctl_shutdown(*c);
			break;
		case 4:
			fuzz_ctl_hang_up(*c);
			*c = -1;
			break;
		case 5:
			for (int i = 0; i < 8; i++) {
				fuzz_ctl_turn();
				for (int k = 0; k < 2; k++)
					if (client[k] >= 0)
						fuzz_ctl_read(client[k]);
			}
			break;
		case 6:
			for (int i = 0; i < 64 && last_len; i++)
				fuzz_ctl_send(*c, last, last_len);
			break;
		default:
			break;
		}
	}
	for (int i = 0; i < 4; i++) {
		fuzz_ctl_turn();
		for (int k = 0; k < 2; k++)
			if (client[k] >= 0)
				fuzz_ctl_read(client[k]);
	}
	fuzz_ctl_close(srv);
	for (int i = 0; i < FUZZ_CTL_CLIENTS_MAX; i++)
		if (fuzz_streams[i].running)
			__builtin_trap(); /* not cancelled with its client */
	return 0;
}
