/*
 * The shell every hoplab daemon lives in: the command line (name, control
 * socket, pid file, config file, interfaces, and the daemon's own
 * options), the event loop, the ports it owns over AF_PACKET, link events
 * from rtnetlink, the control socket with the commands every daemon has
 * (`show ports`, `capture start`, `capture stop`, `trace start`,
 * `trace stop`, `show trace`, `help`), the trace recorder, signals and the
 * pid file. A daemon describes itself in a struct daemon_spec and its
 * main() is one call to daemon_main().
 */
#ifndef HOPLAB_DAEMON_H
#define HOPLAB_DAEMON_H

#include <ev.h>
#include <getopt.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>

#include "ctl.h"
#include "netlink.h"
#include "port.h"
#include "trace.h"

#define DAEMON_IFS_MAX PORT_SET_MAX
#define DAEMON_RUN_DIR "/run/hoplab"
#define DAEMON_BUSY_POLL_MAX 1000000 /* microseconds */
#define DAEMON_BUSY_POLL_MAX_STR "1000000"

struct daemon_opts {
	const char *name;
	const char *socket;
	const char *pidfile;
	const char *config;
	const char *ifnames[DAEMON_IFS_MAX];
	int nifs;
	int verbose;
	double busy_poll; /* microseconds, 0: off */
	bool bulk_rings;  /* TPACKET_V3 receive rings */
	char socket_buf[PATH_MAX];
	char capture_dir[PATH_MAX];
};

struct daemon;
struct ipnode;

/* What a daemon is, for the shell. Every callback gets the daemon. */
struct daemon_spec {
	const char *prog;  /* "switchd" */
	const char *about; /* one line for --help */
	size_t size;	   /* of the daemon's struct, which starts with a
			      struct daemon */
	/* The daemon's own options, besides the shell's; may be NULL. */
	const char *shortopts;	       /* "a:m:" */
	const struct option *longopts; /* ends with a zero row */
	const char *options_help;      /* their lines in --help */
	/* One of those options; -1 when its value is bad. */
	int (*option)(struct daemon *d, int opt, const char *arg);
	bool promisc; /* ports see every frame on their link */
	/* Once options are parsed, before the ports open: the daemon's
	 * state over d->ports (empty yet); -1 when it cannot be made. */
	int (*init)(struct daemon *d);
	/* A frame received on a port; false when the daemon dropped it.
	 * NULL for a daemon that is an IPv4 node (init sets d->ipnode):
	 * the node takes it. */
	bool (*rx)(struct daemon *d, struct port *port, const uint8_t *frame,
		   size_t len);
	/* A port went up or down; may be NULL (an IPv4 node is told). */
	void (*port_changed)(struct daemon *d, struct port *port);
	/* The daemon's commands, besides the shell's (their count is
	 * known where the table is defined, hence the pointer). */
	const struct ctl_cmd *cmds;
	const size_t *ncmds;
	/* After the config file ran, before the loop; may be NULL. */
	void (*start)(struct daemon *d);
	/* After the loop, before the ports close: frees the state. */
	void (*stop)(struct daemon *d);
};

/*
 * The shell's state. A daemon's own struct starts with it, so that the
 * callbacks and command handlers (whose arg is the daemon) reach both.
 */
struct daemon {
	struct ev_loop *loop;
	struct daemon_opts opts;
	struct port_set ports;
	struct ctl_server *ctl;
	struct nl_monitor *nl;
	const struct daemon_spec *spec;
	/* A daemon that is an IPv4 node sets this in init: the shell then
	 * hands it frames and link changes, and adds its commands (show ip,
	 * show arp, show route, addr, route). */
	struct ipnode *ipnode;
	/* What the daemon did with each frame, while `trace start` runs;
	 * ports.trace points here from the start. */
	struct trace trace;
};

/*
 * The whole life of a daemon: makes its struct, parses argv (exiting 2
 * with usage on a bad command line, 0 after --help), opens the ports and
 * the control socket, replays the config file, runs the loop until
 * SIGTERM, SIGINT or SIGHUP, and tears everything down. Fatal on a
 * start-up failure: a daemon that cannot be reached or whose config is
 * wrong must not run. Returns the exit status.
 */
int daemon_main(const struct daemon_spec *spec, int argc, char **argv);

/* The daemon's struct, zeroed, with no options, ports or loop yet (for
 * tests that drive a daemon's parts); NULL without memory. */
struct daemon *daemon_new(const struct daemon_spec *spec);
void daemon_free(struct daemon *d);

/*
 * Opens a control server for d on path with all of d's commands: the
 * daemon's, an IPv4 node's, and the shell's. NULL with a message in err.
 * (daemon_main() does it; fuzz targets too.)
 */
struct ctl_server *daemon_ctl_open(struct daemon *d, const char *path,
				   char *err, size_t errlen);

/* The commands every daemon has, for a control server of d (arg = d). */
extern const struct ctl_cmd daemon_cmds[];
extern const size_t daemon_ncmds;

/*
 * Adds what every daemon counts to a `show stats` object: the ports'
 * counters (port_set_stats_json) and the low-latency mode
 * (busy_poll_usec, 0 when off).
 */
void daemon_stats_json(const struct daemon *d, json_t *obj);

/* The time of d's loop, in seconds. */
double daemon_now(const struct daemon *d);

#endif
