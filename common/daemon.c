/* The shell of every daemon: command line, ports, control socket, loop. */
#include "daemon.h"

#include <errno.h>
#include <libgen.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "ipnode.h"
#include "ipnode_cmd.h"
#include "ctl_opt.h"
#include "log.h"
#include "port_packet.h"

#define DAEMON_SHORTOPTS "n:s:p:c:i:vh"
#define DAEMON_OPTS_MAX 32
#define DAEMON_OPT_BUSY_POLL 0x100 /* long only */
#define DAEMON_OPT_BULK_RINGS 0x101

static const struct option daemon_longopts[] = {
    {"name", required_argument, NULL, 'n'},
    {"socket", required_argument, NULL, 's'},
    {"pidfile", required_argument, NULL, 'p'},
    {"config", required_argument, NULL, 'c'},
    {"interface", required_argument, NULL, 'i'},
    {"verbose", no_argument, NULL, 'v'},
    {"busy-poll", required_argument, NULL, DAEMON_OPT_BUSY_POLL},
    {"bulk-rings", no_argument, NULL, DAEMON_OPT_BULK_RINGS},
    {"help", no_argument, NULL, 'h'},
};

static ev_signal daemon_sig[3];

static void
daemon_usage(const struct daemon_spec *spec, FILE *f, int status)
{
	fprintf(
	    f,
	    "usage: %s [OPTIONS] -i IF [-i IF ...]\n%s\n\n"
	    "  -n, --name NAME        node name (default: the program's "
	    "name)\n"
	    "  -s, --socket PATH      control socket (default: " DAEMON_RUN_DIR
	    "/local/NAME.sock)\n"
	    "  -p, --pidfile PATH     write the pid here\n"
	    "  -c, --config FILE      replay these command lines at "
	    "start-up\n"
	    "  -i, --interface IF     own interface IF (repeat for each "
	    "port)\n"
	    "  -v, --verbose          log debug messages\n"
	    "      --busy-poll USEC   low latency: poll the ports for USEC "
	    "microseconds\n"
	    "                         after a frame before sleeping (0 "
	    "to " DAEMON_BUSY_POLL_MAX_STR ",\n"
	    "                         default 0: off; costs a CPU while "
	    "traffic flows)\n"
	    "      --bulk-rings       receive in TPACKET_V3 blocks: fewer "
	    "wake-ups under\n"
	    "                         load, but a lone frame waits up to "
	    "1 ms\n"
	    "  -h, --help             show this help\n%s",
	    spec->prog, spec->about,
	    spec->options_help ? spec->options_help : "");
	exit(status);
}

/* One of the shell's own options; 0 when opt is not one of them. */
static int
daemon_option(struct daemon_opts *o, int opt, const char *arg)
{
	switch (opt) {
	case 'n':
		o->name = arg;
		return 1;
	case 's':
		o->socket = arg;
		return 1;
	case 'p':
		o->pidfile = arg;
		return 1;
	case 'c':
		o->config = arg;
		return 1;
	case 'i':
		if (o->nifs == DAEMON_IFS_MAX) {
			fprintf(stderr, "at most %d interfaces\n",
				DAEMON_IFS_MAX);
			exit(2);
		}
		o->ifnames[o->nifs++] = arg;
		return 1;
	case 'v':
		o->verbose = 1;
		return 1;
	case DAEMON_OPT_BULK_RINGS:
		o->bulk_rings = true;
		return 1;
	case DAEMON_OPT_BUSY_POLL:
		if (ctl_opt_number(arg, 0, DAEMON_BUSY_POLL_MAX, true,
				   &o->busy_poll) < 0) {
			fprintf(stderr,
				"--busy-poll wants 0 to %d "
				"microseconds\n",
				DAEMON_BUSY_POLL_MAX);
			exit(2);
		}
		return 1;
	}
	return 0;
}

/* The shell's long options followed by the daemon's, zero-terminated. */
static void
daemon_longopts_join(const struct daemon_spec *spec, struct option *all)
{
	size_t n = sizeof(daemon_longopts) / sizeof(daemon_longopts[0]);

	memcpy(all, daemon_longopts, sizeof(daemon_longopts));
	for (const struct option *o = spec->longopts; o && o->name; o++)
		if (n < DAEMON_OPTS_MAX - 1)
			all[n++] = *o;
	memset(&all[n], 0, sizeof(all[n]));
}

static void
daemon_parse(struct daemon *d, int argc, char **argv)
{
	const struct daemon_spec *spec = d->spec;
	struct option longopts[DAEMON_OPTS_MAX];
	char shortopts[64];
	int opt;

	daemon_longopts_join(spec, longopts);
	snprintf(shortopts, sizeof(shortopts), "%s%s", DAEMON_SHORTOPTS,
		 spec->shortopts ? spec->shortopts : "");
	while ((opt = getopt_long(argc, argv, shortopts, longopts, NULL)) !=
	       -1) {
		if (daemon_option(&d->opts, opt, optarg))
			continue;
		if (opt == 'h')
			daemon_usage(spec, stdout, 0);
		if (opt == '?' || !spec->option ||
		    spec->option(d, opt, optarg) < 0)
			daemon_usage(spec, stderr, 2);
	}
	if (optind != argc)
		daemon_usage(spec, stderr, 2);
	if (d->opts.nifs == 0) {
		fprintf(stderr, "%s: no interface given (-i IF)\n", spec->prog);
		exit(2);
	}
}

/* mkdir -p for the directory part of path. */
static void
daemon_mkdirs(const char *path)
{
	char buf[PATH_MAX];

	snprintf(buf, sizeof(buf), "%s", path);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		mkdir(buf, 0755);
		*p = '/';
	}
}

/* Defaults that depend on other options: name, socket, capture folder. */
static void
daemon_opts_finish(struct daemon_opts *o, const char *prog)
{
	char dir[PATH_MAX];

	if (!o->name)
		o->name = prog;
	if (!o->socket) {
		snprintf(o->socket_buf, sizeof(o->socket_buf),
			 DAEMON_RUN_DIR "/local/%s.sock", o->name);
		o->socket = o->socket_buf;
	}
	daemon_mkdirs(o->socket);
	snprintf(dir, sizeof(dir), "%s", o->socket);
	snprintf(o->capture_dir, sizeof(o->capture_dir), "%s/capture",
		 dirname(dir));
}

static bool
daemon_rx(struct port *port, const uint8_t *frame, size_t len, void *arg)
{
	struct daemon *d = arg;

	if (!d->spec->rx)
		return ipnode_ether_input(d->ipnode, port, frame, len);
	return d->spec->rx(d, port, frame, len);
}

static void
daemon_open_ports(struct daemon *d)
{
	char err[512];

	for (int i = 0; i < d->opts.nifs; i++) {
		struct port *port = port_packet_open(
		    d->loop, d->opts.ifnames[i], d->spec->promisc, daemon_rx, d,
		    err, sizeof(err));

		if (!port)
			fatalx("%s", err);
		if (port_set_add(&d->ports, port) < 0)
			fatalx("interface %s given twice", port->name);
	}
}

static void
daemon_port_changed(struct port *port, void *arg)
{
	struct daemon *d = arg;

	log_info("daemon_port_changed: %s is %s", port->name,
		 port->up ? "up" : "down");
	if (d->ipnode)
		ipnode_port_changed(d->ipnode, port);
	if (d->spec->port_changed)
		d->spec->port_changed(d, port);
}

static void
daemon_link(const struct nl_link *link, bool deleted, void *arg)
{
	struct daemon *d = arg;

	port_packet_link_apply(d->ports.port, d->ports.n, link, deleted,
			       daemon_port_changed, d);
}

static void
daemon_signal_cb(struct ev_loop *loop, ev_signal *w, int revents)
{
	(void)revents;
	log_info("signal %d: shutting down", w->signum);
	ev_break(loop, EVBREAK_ALL);
}

static void
daemon_signals(struct ev_loop *loop)
{
	static const int sigs[] = {SIGTERM, SIGINT, SIGHUP};

	signal(SIGPIPE, SIG_IGN);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		ev_signal_init(&daemon_sig[i], daemon_signal_cb, sigs[i]);
		ev_signal_start(loop, &daemon_sig[i]);
	}
}

static void
daemon_pidfile_write(const struct daemon_opts *o)
{
	FILE *f;

	if (!o->pidfile)
		return;
	f = fopen(o->pidfile, "w");
	if (!f || fprintf(f, "%ld\n", (long)getpid()) < 0 || fclose(f) != 0)
		fatal("pid file %s", o->pidfile);
}

struct ctl_server *
daemon_ctl_open(struct daemon *d, const char *path, char *err, size_t errlen)
{
	struct ctl_server *ctl;

	ctl = ctl_server_open(d->loop, path, d->spec->cmds, *d->spec->ncmds, d,
			      err, errlen);
	if (!ctl)
		return NULL;
	if (d->ipnode)
		ctl_server_add(ctl, ipnode_cmds, ipnode_ncmds, d->ipnode);
	ctl_server_add(ctl, daemon_cmds, daemon_ncmds, d);
	return ctl;
}

/* The control socket with the shell's commands and the daemon's, then
 * the config file. */
static void
daemon_control_start(struct daemon *d)
{
	char err[512];

	d->ctl = daemon_ctl_open(d, d->opts.socket, err, sizeof(err));
	if (!d->ctl)
		fatalx("control socket %s", err);
	if (d->opts.config &&
	    ctl_run_file(d->ctl, d->opts.config, err, sizeof(err)) < 0) {
		ctl_server_close(d->ctl);
		fatalx("%s", err);
	}
}

struct daemon *
daemon_new(const struct daemon_spec *spec)
{
	struct daemon *d = calloc(1, spec->size);

	if (!d)
		return NULL;
	d->spec = spec;
	trace_init(&d->trace, spec->prog, 0);
	d->ports.trace = &d->trace;
	return d;
}

void
daemon_free(struct daemon *d)
{
	if (d)
		trace_destroy(&d->trace);
	free(d);
}

/*
 * Descriptors run out before anything else: every control connection,
 * passed socket and port holds one. The soft limit goes up to the hard.
 */
static void
daemon_raise_nofile(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur >= rl.rlim_max)
		return;
	rl.rlim_cur = rl.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
		log_warn("daemon_raise_nofile: setrlimit");
}

int
daemon_main(const struct daemon_spec *spec, int argc, char **argv)
{
	struct daemon *d = daemon_new(spec);

	if (!d)
		fatalx("out of memory");
	log_init(spec->prog, LOG_LVL_INFO);
	daemon_parse(d, argc, argv);
	daemon_opts_finish(&d->opts, spec->prog);
	d->trace.node = d->opts.name;
	log_init(d->opts.name, d->opts.verbose ? LOG_LVL_DEBUG : LOG_LVL_INFO);
	srandom((unsigned)time(NULL) ^ (unsigned)getpid());
	daemon_raise_nofile();
	d->loop = EV_DEFAULT;
	if (spec->init(d) < 0)
		fatalx("cannot set up: out of memory");
	port_packet_bulk_rings(d->opts.bulk_rings);
	port_packet_busy_poll((unsigned)d->opts.busy_poll);
	daemon_open_ports(d);
	d->nl = nl_monitor_open(d->loop, daemon_link, d);
	if (!d->nl)
		fatal("link monitor");
	daemon_control_start(d);
	daemon_signals(d->loop);
	if (spec->start)
		spec->start(d);
	daemon_pidfile_write(&d->opts);
	log_info("%s on %d ports, control socket %s", spec->prog, d->ports.n,
		 d->opts.socket);
	ev_run(d->loop, 0);

	ctl_server_close(d->ctl);
	if (d->opts.pidfile)
		unlink(d->opts.pidfile);
	nl_monitor_close(d->nl);
	spec->stop(d);
	port_set_close(&d->ports);
	daemon_free(d);
	log_info("stopped");
	return 0;
}

void
daemon_stats_json(const struct daemon *d, json_t *obj)
{
	port_set_stats_json(&d->ports, obj);
	json_object_set_new(obj, "busy_poll_usec",
			    json_integer((json_int_t)d->opts.busy_poll));
	if (d->ctl) {
		struct ctl_stats s = ctl_server_stats(d->ctl);

		json_object_set_new(obj, "ctl_accepted",
				    json_integer((json_int_t)s.accepted));
		json_object_set_new(obj, "ctl_idle_closed",
				    json_integer((json_int_t)s.idle_closed));
		json_object_set_new(obj, "ctl_evicted",
				    json_integer((json_int_t)s.evicted));
		json_object_set_new(obj, "ctl_refused",
				    json_integer((json_int_t)s.refused));
		json_object_set_new(obj, "ctl_connections",
				    json_integer((json_int_t)s.connections));
		json_object_set_new(
		    obj, "ctl_connections_max",
		    json_integer((json_int_t)s.connections_max));
	}
}

double
daemon_now(const struct daemon *d)
{
	return ev_now(d->loop);
}
