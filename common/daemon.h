/*
 * What every hoplab daemon does around its own work: command-line options
 * shared by all (name, control socket, pid file, config file, interfaces),
 * the pid file, signals, and following link events onto its ports.
 */
#ifndef HOPLAB_DAEMON_H
#define HOPLAB_DAEMON_H

#include <ev.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>

#include "ctl.h"
#include "netlink.h"
#include "port.h"

#define DAEMON_IFS_MAX 64
#define DAEMON_RUN_DIR "/run/hoplab"

struct daemon_opts {
	const char *name;
	const char *socket;
	const char *pidfile;
	const char *config;
	const char *ifnames[DAEMON_IFS_MAX];
	int nifs;
	int verbose;
	char socket_buf[PATH_MAX];
	char capture_dir[PATH_MAX];
};

/* The options every daemon takes; a daemon appends its own after these. */
#define DAEMON_LONG_OPTIONS                                                    \
	{"name", required_argument, NULL, 'n'},                                \
	    {"socket", required_argument, NULL, 's'},                          \
	    {"pidfile", required_argument, NULL, 'p'},                         \
	    {"config", required_argument, NULL, 'c'},                          \
	    {"interface", required_argument, NULL, 'i'},                       \
	    {"verbose", no_argument, NULL, 'v'},                               \
	{                                                                      \
		"help", no_argument, NULL, 'h'                                 \
	}
#define DAEMON_SHORT_OPTIONS "n:s:p:c:i:vh"
#define DAEMON_USAGE                                                           \
	"  -n, --name NAME        node name (default: the program's name)\n"   \
	"  -s, --socket PATH      control socket (default: " DAEMON_RUN_DIR    \
	"/local/NAME.sock)\n"                                                  \
	"  -p, --pidfile PATH     write the pid here\n"                        \
	"  -c, --config FILE      replay these command lines at start-up\n"    \
	"  -i, --interface IF     own interface IF (repeat for each port)\n"   \
	"  -v, --verbose          log debug messages\n"                        \
	"  -h, --help             show this help\n"

/*
 * Handles one of the shared options; returns 1 when it was one, 0 when the
 * daemon must handle it, and exits with usage text on a bad one.
 */
int daemon_option(struct daemon_opts *o, int opt, const char *arg);
/*
 * Parses a command line of the shared options alone (for daemons that have
 * no others); usage(f, status) prints the daemon's help and exits.
 */
void daemon_parse(struct daemon_opts *o, int argc, char **argv,
		  const char *prog, void (*usage)(FILE *f, int status));
/* Fills in defaults once options are parsed; exits when none names a port. */
void daemon_opts_finish(struct daemon_opts *o, const char *prog);
/* Writes the pid file (if asked for); fatal on failure. */
void daemon_pidfile_write(const struct daemon_opts *o);
void daemon_pidfile_remove(const struct daemon_opts *o);
/* SIGTERM, SIGINT and SIGHUP end the loop; SIGPIPE is ignored. */
void daemon_signals(struct ev_loop *loop);
/*
 * The end of every daemon's start-up: opens the control socket with the
 * daemon's commands, replays its config file, handles signals and writes
 * the pid file. Fatal on failure: a daemon that cannot be reached or whose
 * config is wrong must not run.
 */
struct ctl_server *daemon_control_start(struct ev_loop *loop,
					const struct daemon_opts *o,
					const struct ctl_cmd *table, size_t n,
					void *arg);
/* Closes the control socket and removes the pid file. */
void daemon_control_stop(struct ctl_server *ctl, const struct daemon_opts *o);
/* The current time of the loop, in seconds. */
double daemon_now(struct ev_loop *loop);

#endif
