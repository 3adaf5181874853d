/* The commands every daemon has, over the ports its shell owns. */
#include <errno.h>
#include <string.h>

#include "capture.h"
#include "ctl_opt.h"
#include "daemon.h"
#include "port_packet.h"

static int
cmd_show_ports(struct ctl_req *req, int argc, char **argv, void *arg)
{
	struct daemon *d = arg;

	(void)argc;
	(void)argv;
	ctl_reply(req, port_set_json(&d->ports));
	return CTL_DONE;
}

/*
 * capture start [PORT] [FILTER]: the first word is a port when it names
 * one; everything else is the filter, in tcpdump's syntax.
 */
static int
cmd_capture_start(struct ctl_req *req, int argc, char **argv, void *arg)
{
	struct daemon *d = arg;
	struct capture_filter *check;
	struct port *only = NULL;
	char filter[CAPTURE_FILTER_MAX], err[CAPTURE_ERR_MAX];
	json_t *rows;

	if (argc >= 1 && (only = port_set_find(&d->ports, argv[0]))) {
		argc--;
		argv++;
	}
	if (ctl_opt_join(argc, argv, filter, sizeof(filter)) < 0)
		return ctl_usage(req, "capture start: filter too long");
	check = capture_filter_new(filter, err, sizeof(err));
	if (!check && !only && argc == 1)
		return ctl_fail(req, "no port '%s', and not a filter: %s",
				argv[0], err);
	if (!check)
		return ctl_usage(req, "capture start: bad filter: %s", err);
	capture_filter_free(check);
	rows = json_array();
	for (int i = 0; i < d->ports.n; i++) {
		struct port *port = d->ports.port[i];
		char path[PATH_MAX + 64];

		if (only && port != only)
			continue;
		if (capture_start(port, d->opts.capture_dir, d->opts.name,
				  filter, path, sizeof(path), err,
				  sizeof(err)) < 0) {
			json_decref(rows);
			return ctl_fail(req, "%s: %s", path, err);
		}
		json_array_append_new(
		    rows,
		    json_pack("{s:s, s:s}", "port", port->name, "file", path));
	}
	ctl_reply(req, rows);
	return CTL_DONE;
}

static int
cmd_capture_stop(struct ctl_req *req, int argc, char **argv, void *arg)
{
	struct daemon *d = arg;

	(void)req;
	(void)argc;
	(void)argv;
	for (int i = 0; i < d->ports.n; i++)
		capture_stop(d->ports.port[i]);
	return CTL_DONE;
}

/* trace start [FILTER]: the filter is every word, as tcpdump takes it. */
static int
cmd_trace_start(struct ctl_req *req, int argc, char **argv, void *arg)
{
	struct daemon *d = arg;
	char filter[CAPTURE_FILTER_MAX], err[CAPTURE_ERR_MAX];

	if (ctl_opt_join(argc, argv, filter, sizeof(filter)) < 0)
		return ctl_usage(req, "trace start: filter too long");
	if (trace_start(&d->trace, filter, err, sizeof(err)) < 0)
		return ctl_usage(req, "trace start: bad filter: %s", err);
	ctl_reply(req, json_pack("{s:s}", "filter", filter));
	return CTL_DONE;
}

static int
cmd_trace_stop(struct ctl_req *req, int argc, char **argv, void *arg)
{
	struct daemon *d = arg;

	(void)argc;
	(void)argv;
	trace_stop(&d->trace);
	ctl_reply(req, json_pack("{s:I}", "rows", (json_int_t)d->trace.rows));
	return CTL_DONE;
}

static int
cmd_show_trace(struct ctl_req *req, int argc, char **argv, void *arg)
{
	struct daemon *d = arg;

	(void)argc;
	(void)argv;
	ctl_reply(req, trace_json(&d->trace));
	return CTL_DONE;
}

/* set busy-poll USEC: low latency for the ports, or (0) not. */
static int
cmd_set_busy_poll(struct ctl_req *req, int argc, char **argv, void *arg)
{
	struct daemon *d = arg;
	double usec;

	if (argc != 1)
		return ctl_usage(req, "usage: set busy-poll USEC");
	if (ctl_opt_number(argv[0], 0, DAEMON_BUSY_POLL_MAX, true, &usec) < 0)
		return ctl_usage(req,
				 "busy-poll must be 0 (off) to %d microseconds",
				 DAEMON_BUSY_POLL_MAX);
	d->opts.busy_poll = usec;
	if (port_packet_busy_poll((unsigned)usec) < 0)
		return ctl_fail(req, "a port's receive ring could not change");
	ctl_reply(req, json_pack("{s:I}", "busy_poll_usec", (json_int_t)usec));
	return CTL_DONE;
}

/*
 * set impair PORT SPEC...|clear: impair what leaves PORT (common/impair.h
 * has the words), or stop. A spec without a seed gets impair_seed_of()
 * "NODE:PORT". The reply is the spec as the port now applies it, with its
 * seed, or null.
 */
static int
cmd_set_impair(struct ctl_req *req, int argc, char **argv, void *arg)
{
	struct daemon *d = arg;
	struct impair_spec spec;
	struct port *port;
	char err[IMPAIR_ERR_MAX], text[IMPAIR_TEXT_MAX];
	bool clear;

	if (argc < 2)
		return ctl_usage(req, "usage: set impair PORT SPEC...|clear");
	port = port_set_find(&d->ports, argv[0]);
	if (!port)
		return ctl_fail(req, "no port '%s'", argv[0]);
	clear = argc == 2 && strcmp(argv[1], "clear") == 0;
	if (!clear &&
	    impair_spec_parse(argc - 1, argv + 1, &spec, err, sizeof(err)) < 0)
		return ctl_usage(req, "set impair: %s", err);
	if (!clear && !spec.has_seed) {
		/* NODE:PORT, the same in every run of a lab, and another
		 * for each interface of the lab. */
		char key[256];

		snprintf(key, sizeof(key), "%s:%s", d->opts.name, port->name);
		spec.seed = impair_seed_of(key);
		spec.has_seed = true;
	}
	if (port_impair(port, d->loop, clear ? NULL : &spec) < 0)
		return ctl_fail(req, "out of memory");
	if (clear) {
		ctl_reply(
		    req, json_pack("{s:s, s:n}", "port", port->name, "impair"));
		return CTL_DONE;
	}
	impair_spec_format(impair_spec_of(port->impair), text, sizeof(text));
	ctl_reply(req,
		  json_pack("{s:s, s:s}", "port", port->name, "impair", text));
	return CTL_DONE;
}

const struct ctl_cmd daemon_cmds[] = {
    {"show ports", "", "ports with their counters", cmd_show_ports, 0},
    {"capture start", "[PORT] [FILTER]",
     "write each port's frames (that FILTER matches) to a pcap file",
     cmd_capture_start, 0},
    {"capture stop", "", "close the capture files", cmd_capture_stop, 0},
    {"trace start", "[FILTER]",
     "record what becomes of each frame FILTER matches (tcpdump syntax)",
     cmd_trace_start, 0},
    {"trace stop", "", "stop recording; the rows stay", cmd_trace_stop, 0},
    {"show trace", "", "the rows recorded since trace start", cmd_show_trace,
     0},
    {"set busy-poll", "USEC",
     "poll the ports USEC microseconds after a frame before sleeping (0: "
     "off)",
     cmd_set_busy_poll, 0},
    {"set impair", "PORT SPEC...|clear",
     "impair what leaves PORT: delay D [jitter J] loss P% duplicate P% "
     "reorder P% corrupt P% rate R limit N seed N; clear: no more",
     cmd_set_impair, 0},
};

const size_t daemon_ncmds = sizeof(daemon_cmds) / sizeof(daemon_cmds[0]);
