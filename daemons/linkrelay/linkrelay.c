/* linkrelay in the daemon shell: two ports, each frame to the other. */
#include "linkrelay.h"

#include <stdio.h>
#include <stdlib.h>

#include "stats.h"
#include "trace.h"

static const char *const linkrelay_stat_names[] = {
    LINKRELAY_COUNTERS(STATS_NAME)};

static int
linkrelay_init(struct daemon *d)
{
	if (d->opts.nifs != 2) {
		fprintf(stderr, "linkrelay: two interfaces, no more, no less "
				"(-i IF_A -i IF_B)\n");
		exit(2);
	}
	return 0;
}

bool
linkrelay_input(struct linkrelay *lr, struct port *port, const uint8_t *frame,
		size_t len)
{
	struct port *out = lr->d.ports.port[port->index == 0 ? 1 : 0];

	trace_note(&lr->d.trace, "relayed to %s", out->name);
	if (port_send(out, frame, len) < 0) {
		lr->stats[STAT_not_relayed]++;
		return false;
	}
	lr->stats[STAT_relayed]++;
	return true;
}

static bool
linkrelay_rx(struct daemon *d, struct port *port, const uint8_t *frame,
	     size_t len)
{
	struct linkrelay *lr = (struct linkrelay *)d;

	/* Both ports exist before the first frame can arrive. */
	if (d->ports.n != 2)
		return false;
	return linkrelay_input(lr, port, frame, len);
}

static void
linkrelay_stop(struct daemon *d)
{
	(void)d;
}

static int
cmd_show_stats(struct ctl_req *req, int argc, char **argv, void *arg)
{
	struct linkrelay *lr = arg;
	json_t *obj = json_object();

	(void)argc;
	(void)argv;
	daemon_stats_json(&lr->d, obj);
	stats_json_add(obj, lr->stats, linkrelay_stat_names,
		       LINKRELAY_STAT_COUNT);
	trace_stats_json(&lr->d.trace, obj);
	ctl_reply(req, obj);
	return CTL_DONE;
}

const struct ctl_cmd linkrelay_cmds[] = {
    {"show stats", "",
     "frames relayed, and those the other port would not take", cmd_show_stats,
     0},
};
const size_t linkrelay_ncmds =
    sizeof(linkrelay_cmds) / sizeof(linkrelay_cmds[0]);

const struct daemon_spec linkrelay_spec = {
    .prog = "linkrelay",
    .about = "A wire between two interfaces: each frame that arrives on one\n"
	     "leaves by the other, impaired as `set impair PORT ...` says.",
    .size = sizeof(struct linkrelay),
    .options_help =
	"\nlinkrelay takes exactly two interfaces, -i IF_A -i IF_B.\n",
    .promisc = true,
    .init = linkrelay_init,
    .rx = linkrelay_rx,
    .cmds = linkrelay_cmds,
    .ncmds = &linkrelay_ncmds,
    .stop = linkrelay_stop,
};
