/*
 * switchd: a learning Ethernet switch. It owns the interfaces named on its
 * command line, learns which station sits behind which port, forwards known
 * unicast to its one port and floods the rest.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "port_packet.h"
#include "switch_cmd.h"

static void
usage(FILE *f, int status)
{
	fprintf(
	    f, "usage: switchd [OPTIONS] -i IF [-i IF ...]\n"
	       "A learning Ethernet switch over the interfaces "
	       "given.\n\n" DAEMON_USAGE
	       "  -a, --aging SECONDS    MAC entry aging time (default 300; 0: "
	       "never)\n"
	       "  -m, --max-macs N       MAC table size (default 65536)\n");
	exit(status);
}

static void
switchd_parse(struct switchd *sd, int argc, char **argv, double *aging,
	      long *max_macs)
{
	static const struct option longopts[] = {
	    DAEMON_LONG_OPTIONS,
	    {"aging", required_argument, NULL, 'a'},
	    {"max-macs", required_argument, NULL, 'm'},
	    {NULL, 0, NULL, 0},
	};
	int opt;

	while ((opt = getopt_long(argc, argv, DAEMON_SHORT_OPTIONS "a:m:",
				  longopts, NULL)) != -1) {
		char *end;

		if (daemon_option(&sd->opts, opt, optarg))
			continue;
		switch (opt) {
		case 'a':
			*aging = strtod(optarg, &end);
			if (*end || *aging < 0)
				usage(stderr, 2);
			break;
		case 'm':
			*max_macs = strtol(optarg, &end, 10);
			if (*end || *max_macs < 1 || *max_macs > 1 << 24)
				usage(stderr, 2);
			break;
		case 'h':
			usage(stdout, 0);
			break;
		default:
			usage(stderr, 2);
		}
	}
	if (optind != argc)
		usage(stderr, 2);
	daemon_opts_finish(&sd->opts, "switchd");
}

int
main(int argc, char **argv)
{
	static struct switchd sd;
	double aging = MACTABLE_DEFAULT_AGING;
	long max_macs = MACTABLE_DEFAULT_CAPACITY;
	char err[512];

	log_init("switchd", LOG_LVL_INFO);
	switchd_parse(&sd, argc, argv, &aging, &max_macs);
	log_init(sd.opts.name, sd.opts.verbose ? LOG_LVL_DEBUG : LOG_LVL_INFO);
	sd.loop = EV_DEFAULT;
	if (switch_init(&sd.sw, (size_t)max_macs, aging) < 0)
		fatalx("cannot allocate a MAC table of %ld entries", max_macs);
	for (int i = 0; i < sd.opts.nifs; i++) {
		struct port *port =
		    port_packet_open(sd.loop, sd.opts.ifnames[i], true,
				     switchd_rx, &sd, err, sizeof(err));

		if (!port)
			fatalx("%s", err);
		if (switch_port_by_name(&sd.sw, port->name))
			fatalx("interface %s given twice", port->name);
		switch_add_port(&sd.sw, port);
	}
	sd.nl = nl_monitor_open(sd.loop, switchd_link, &sd);
	if (!sd.nl)
		fatal("link monitor");
	/* The aging timer exists before the config file may `set aging`. */
	ev_init(&sd.aging_timer, switchd_aging_cb);
	sd.aging_timer.data = &sd;
	sd.ctl = daemon_control_start(sd.loop, &sd.opts, switch_cmds,
				      switch_ncmds, &sd);
	switchd_aging_changed(&sd);
	log_info("switching between %d ports, control socket %s", sd.sw.nports,
		 sd.opts.socket);
	ev_run(sd.loop, 0);
	daemon_control_stop(sd.ctl, &sd.opts);
	ev_timer_stop(sd.loop, &sd.aging_timer);
	nl_monitor_close(sd.nl);
	switch_destroy(&sd.sw);
	log_info("stopped");
	return 0;
}
