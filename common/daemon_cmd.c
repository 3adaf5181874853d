/* The commands every daemon has, over the ports its shell owns. */
#include <errno.h>
#include <string.h>

#include "capture.h"
#include "ctl_opt.h"
#include "daemon.h"

static int
cmd_show_ports(struct ctl_req *req, int argc, char **argv, void *arg)
{
	struct daemon *d = arg;

	(void)argc;
	(void)argv;
	ctl_reply(req, port_set_json(&d->ports));
	return CTL_DONE;
}

static int
cmd_capture_start(struct ctl_req *req, int argc, char **argv, void *arg)
{
	struct daemon *d = arg;
	struct port *only = NULL;
	char err[128];
	json_t *rows;

	argc = ctl_opt_parse(argc, argv, NULL, 0, err, sizeof(err));
	if (argc < 0)
		return ctl_usage(req, "capture start: %s", err);
	if (argc > 1)
		return ctl_usage(req, "usage: capture start [PORT]");
	if (argc == 1 && !(only = port_set_find(&d->ports, argv[0])))
		return ctl_fail(req, "no port '%s'", argv[0]);
	rows = json_array();
	for (int i = 0; i < d->ports.n; i++) {
		struct port *port = d->ports.port[i];
		char path[PATH_MAX + 64];

		if (only && port != only)
			continue;
		if (capture_start(port, d->opts.capture_dir, d->opts.name, path,
				  sizeof(path)) < 0) {
			json_decref(rows);
			return ctl_fail(req, "%s: %s", path, strerror(errno));
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

const struct ctl_cmd daemon_cmds[] = {
    {"show ports", "", "ports with their counters", cmd_show_ports, 0},
    {"capture start", "[PORT]", "write each port's frames to a pcap file",
     cmd_capture_start, 0},
    {"capture stop", "", "close the capture files", cmd_capture_stop, 0},
};

const size_t daemon_ncmds = sizeof(daemon_cmds) / sizeof(daemon_cmds[0]);
