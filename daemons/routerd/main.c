/*
 * routerd: an IPv4 router. It owns the interfaces named on its command
 * line, answers ARP for its addresses, and forwards datagrams between its
 * subnets by longest-prefix match, sending ICMP errors as RFC 1812 asks.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "port_packet.h"
#include "router_cmd.h"

static void
usage(FILE *f, int status)
{
	fprintf(
	    f, "usage: routerd [OPTIONS] -i IF [-i IF ...]\n"
	       "An IPv4 router between the interfaces given.\n\n" DAEMON_USAGE);
	exit(status);
}

static void
routerd_rx(struct port *port, const uint8_t *frame, size_t len, void *arg)
{
	struct routerd *rd = arg;

	router_input(&rd->r, port, frame, len, ev_now(rd->loop));
}

static void
routerd_port_changed(struct port *port, void *arg)
{
	struct routerd *rd = arg;

	router_port_changed(&rd->r, port);
}

static void
routerd_link(const struct nl_link *link, bool deleted, void *arg)
{
	struct routerd *rd = arg;

	port_packet_link_apply(rd->r.ports, rd->r.nports, link, deleted,
			       routerd_port_changed, rd);
}

int
main(int argc, char **argv)
{
	static struct routerd rd;
	char err[512];

	log_init("routerd", LOG_LVL_INFO);
	daemon_parse(&rd.opts, argc, argv, "routerd", usage);
	log_init(rd.opts.name, rd.opts.verbose ? LOG_LVL_DEBUG : LOG_LVL_INFO);
	rd.loop = EV_DEFAULT;
	if (router_init(&rd.r, rd.loop) < 0)
		fatalx("out of memory");
	for (int i = 0; i < rd.opts.nifs; i++) {
		/* Not promiscuous: frames a switch floods for other
		 * stations still show up on a veth; they count as
		 * other_host. */
		struct port *port =
		    port_packet_open(rd.loop, rd.opts.ifnames[i], false,
				     routerd_rx, &rd, err, sizeof(err));

		if (!port)
			fatalx("%s", err);
		if (router_port_by_name(&rd.r, port->name))
			fatalx("interface %s given twice", port->name);
		if (router_add_port(&rd.r, port) < 0)
			fatalx("too many interfaces");
	}
	rd.nl = nl_monitor_open(rd.loop, routerd_link, &rd);
	if (!rd.nl)
		fatal("link monitor");
	rd.ctl = daemon_control_start(rd.loop, &rd.opts, router_cmds,
				      router_ncmds, &rd);
	log_info("routing between %d ports, control socket %s", rd.r.nports,
		 rd.opts.socket);
	ev_run(rd.loop, 0);
	daemon_control_stop(rd.ctl, &rd.opts);
	nl_monitor_close(rd.nl);
	router_destroy(&rd.r);
	log_info("stopped");
	return 0;
}
