/* routerd's own commands (those of an IPv4 node are in common/), and the
 * daemon it is to the shell. */
#include "router_cmd.h"

#include "ipnode_cmd.h"
#include "ping.h"

static int
cmd_show_stats(struct ctl_req *req, int argc, char **argv, void *arg)
{
	struct routerd *rd = arg;
	json_t *obj = json_object();

	(void)argc;
	(void)argv;
	port_set_stats_json(&rd->d.ports, obj);
	ipnode_stats_json(&rd->r.node, obj);
	stats_json_add(obj, rd->r.stats, router_stat_names, ROUTER_STAT_COUNT);
	ctl_reply(req, obj);
	return CTL_DONE;
}

static int
cmd_ping(struct ctl_req *req, int argc, char **argv, void *arg)
{
	struct routerd *rd = arg;

	return ping_cmd(req, argc, argv, &rd->r.node);
}

const struct ctl_cmd router_cmds[] = {
    {"show stats", "", "router counters and drop reasons", cmd_show_stats, 0},
    {"ping", "[-c N] [-i SEC] [-s SIZE] [-t TTL] [-W SEC] DEST",
     "send ICMP echo requests", cmd_ping, 1},
};

const size_t router_ncmds = sizeof(router_cmds) / sizeof(router_cmds[0]);

static int
routerd_init(struct daemon *d)
{
	return router_init(&((struct routerd *)d)->r, d->loop, &d->ports);
}

static bool
routerd_rx(struct daemon *d, struct port *port, const uint8_t *frame,
	   size_t len)
{
	return ipnode_ether_input(&((struct routerd *)d)->r.node, port, frame,
				  len);
}

static void
routerd_port_changed(struct daemon *d, struct port *port)
{
	ipnode_port_changed(&((struct routerd *)d)->r.node, port);
}

static void
routerd_more_cmds(struct daemon *d, struct ctl_server *ctl)
{
	ctl_server_add(ctl, ipnode_cmds, ipnode_ncmds,
		       &((struct routerd *)d)->r.node);
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
    .init = routerd_init,
    .rx = routerd_rx,
    .port_changed = routerd_port_changed,
    .cmds = router_cmds,
    .ncmds = &router_ncmds,
    .more_cmds = routerd_more_cmds,
    .stop = routerd_stop,
};
