/*
 * hostd: a host's network stack in user space. It owns the interfaces named
 * on its command line and runs ARP, IPv4, ICMP and UDP over them, with
 * built-in applications and sockets handed to programs through hostsock.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "hostd.h"
#include "log.h"
#include "port_packet.h"
#include "sock_pair.h"

static void
usage(FILE *f, int status)
{
	fprintf(
	    f,
	    "usage: hostd [OPTIONS] -i IF [-i IF ...]\n"
	    "A host's IPv4 stack over the interfaces given.\n\n" DAEMON_USAGE);
	exit(status);
}

static void
hostd_rx(struct port *port, const uint8_t *frame, size_t len, void *arg)
{
	struct hostd *hd = arg;

	host_ether_input(&hd->host, port, frame, len);
}

/* A port that goes down forgets the neighbours learned on it. */
static void
hostd_port_changed(struct port *port, void *arg)
{
	struct hostd *hd = arg;

	if (!port->up)
		arp_cache_flush(&hd->host.arp, port);
}

static void
hostd_link(const struct nl_link *link, bool deleted, void *arg)
{
	struct hostd *hd = arg;

	port_packet_link_apply(hd->host.ports, hd->host.nports, link, deleted,
			       hostd_port_changed, hd);
}

static void
hostd_open_ports(struct hostd *hd)
{
	char err[512];

	for (int i = 0; i < hd->opts.nifs; i++) {
		struct port *port =
		    port_packet_open(hd->loop, hd->opts.ifnames[i], false,
				     hostd_rx, hd, err, sizeof(err));

		if (!port)
			fatalx("%s", err);
		if (host_port_by_name(&hd->host, port->name))
			fatalx("interface %s given twice", port->name);
		if (host_add_port(&hd->host, port) < 0)
			fatalx("too many interfaces");
	}
}

int
main(int argc, char **argv)
{
	static struct hostd hd;

	log_init("hostd", LOG_LVL_INFO);
	daemon_parse(&hd.opts, argc, argv, "hostd", usage);
	log_init(hd.opts.name, hd.opts.verbose ? LOG_LVL_DEBUG : LOG_LVL_INFO);
	srandom((unsigned)time(NULL) ^ (unsigned)getpid());
	hd.loop = EV_DEFAULT;
	if (host_init(&hd.host, hd.loop) < 0)
		fatalx("out of memory");
	hostd_open_ports(&hd);
	hd.nl = nl_monitor_open(hd.loop, hostd_link, &hd);
	if (!hd.nl)
		fatal("link monitor");
	hd.ctl =
	    daemon_control_start(hd.loop, &hd.opts, host_cmds, host_ncmds, &hd);
	log_info("host stack on %d ports, control socket %s", hd.host.nports,
		 hd.opts.socket);
	ev_run(hd.loop, 0);
	daemon_control_stop(hd.ctl, &hd.opts);
	sock_pair_close_all(&hd.host);
	nl_monitor_close(hd.nl);
	for (int i = 0; i < hd.host.nports; i++)
		port_close(hd.host.ports[i]);
	host_destroy(&hd.host);
	log_info("stopped");
	return 0;
}
