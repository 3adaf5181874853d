/* routerd's own commands (those of an IPv4 node are in common/), and the
 * daemon it is to the shell. */
#include "router_cmd.h"

#include "ipnode_cmd.h"
#include "ping.h"
#include "router.h"

struct routerd {
	struct daemon d; /* first: the shell hands the daemon to callbacks */
	struct router r;
};

static int
cmd_show_stats(struct ctl_req *req, int argc, char **argv, void *arg)
{
	struct routerd *rd = arg;
	json_t *obj = json_object();

	(void)argc;
	(void)argv;
	daemon_stats_json(&rd->d, obj);
	ipnode_stats_json(&rd->r.node, obj);
	stats_json_add(obj, rd->r.stats, router_stat_names, ROUTER_STAT_COUNT);
	trace_stats_json(&rd->d.trace, obj);
	ctl_reply(req, obj);
	return CTL_DONE;
}

static int
cmd_ping(struct ctl_req *req, int argc, char **argv, void *arg)
{
	struct routerd *rd = arg;

	return ping_cmd(req, argc, argv, &rd->r.node);
}

static const struct ctl_cmd router_cmds[] = {
    {"show stats", "", "router counters and drop reasons", cmd_show_stats, 0},
    {"ping", "[-c N] [-i SEC] [-s SIZE] [-t TTL] [-W SEC] DEST",
     "send ICMP echo requests", cmd_ping, 1},
};

static const size_t router_ncmds = sizeof(router_cmds) / sizeof(router_cmds[0]);

static int
routerd_init(struct daemon *d)
{
	struct routerd *rd = (struct routerd *)d;

	d->ipnode = &rd->r.node;
	return router_init(&rd->r, d->loop, &d->ports);
}

static void
routerd_stop(struct daemon *d)
{
	router_destroy(&((struct routerd *)d)->r);
}

/* Not promiscuous: frames a switch floods for other stations still show
 * up on a veth; they count as eth_other_host. */
const struct daemon_spec routerd_spec = {
    .prog = "routerd",
    .about = "An IPv4 router between the interfaces given.",
    .size = sizeof(struct routerd),
    .init = routerd_init,
    .cmds = router_cmds,
    .ncmds = &router_ncmds,
    .stop = routerd_stop,
};
