/* Start-up and shutdown plumbing shared by the daemons. */
#include "daemon.h"

#include <errno.h>
#include <libgen.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"

static ev_signal daemon_sig[3];

int
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
		if (o->nifs == DAEMON_IFS_MAX)
			fatalx("at most %d interfaces", DAEMON_IFS_MAX);
		o->ifnames[o->nifs++] = arg;
		return 1;
	case 'v':
		o->verbose = 1;
		log_set_level(LOG_LVL_DEBUG);
		return 1;
	}
	return 0;
}

void
daemon_parse(struct daemon_opts *o, int argc, char **argv, const char *prog,
	     void (*usage)(FILE *f, int status))
{
	static const struct option longopts[] = {
	    DAEMON_LONG_OPTIONS,
	    {NULL, 0, NULL, 0},
	};
	int opt;

	while ((opt = getopt_long(argc, argv, DAEMON_SHORT_OPTIONS, longopts,
				  NULL)) != -1) {
		if (daemon_option(o, opt, optarg))
			continue;
		if (opt == 'h')
			usage(stdout, 0);
		usage(stderr, 2);
	}
	if (optind != argc)
		usage(stderr, 2);
	daemon_opts_finish(o, prog);
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

void
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
	if (o->nifs == 0) {
		fprintf(stderr, "%s: no interface given (-i IF)\n", prog);
		exit(2);
	}
	daemon_mkdirs(o->socket);
	snprintf(dir, sizeof(dir), "%s", o->socket);
	snprintf(o->capture_dir, sizeof(o->capture_dir), "%s/capture",
		 dirname(dir));
}

void
daemon_pidfile_write(const struct daemon_opts *o)
{
	FILE *f;

	if (!o->pidfile)
		return;
	f = fopen(o->pidfile, "w");
	if (!f || fprintf(f, "%ld\n", (long)getpid()) < 0 || fclose(f) != 0)
		fatal("pid file %s", o->pidfile);
}

void
daemon_pidfile_remove(const struct daemon_opts *o)
{
	if (o->pidfile)
		unlink(o->pidfile);
}

static void
daemon_signal_cb(struct ev_loop *loop, ev_signal *w, int revents)
{
	(void)revents;
	log_info("signal %d: shutting down", w->signum);
	ev_break(loop, EVBREAK_ALL);
}

void
daemon_signals(struct ev_loop *loop)
{
	static const int sigs[] = {SIGTERM, SIGINT, SIGHUP};

	signal(SIGPIPE, SIG_IGN);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		ev_signal_init(&daemon_sig[i], daemon_signal_cb, sigs[i]);
		ev_signal_start(loop, &daemon_sig[i]);
	}
}

struct ctl_server *
daemon_control_start(struct ev_loop *loop, const struct daemon_opts *o,
		     const struct ctl_cmd *table, size_t n, void *arg)
{
	struct ctl_server *ctl;
	char err[512];

	ctl = ctl_server_open(loop, o->socket, table, n, arg, err, sizeof(err));
	if (!ctl)
		fatalx("control socket %s", err);
	if (o->config && ctl_run_file(ctl, o->config, err, sizeof(err)) < 0) {
		ctl_server_close(ctl);
		fatalx("%s", err);
	}
	daemon_signals(loop);
	daemon_pidfile_write(o);
	return ctl;
}

void
daemon_control_stop(struct ctl_server *ctl, const struct daemon_opts *o)
{
	ctl_server_close(ctl);
	daemon_pidfile_remove(o);
}

double
daemon_now(struct ev_loop *loop)
{
	return ev_now(loop);
}
