/*
 * hopctl: the control client of every hoplab daemon. It sends one line of
 * words to a daemon's control socket and renders the newline-delimited JSON
 * that comes back: arrays of flat objects as tables, objects as key: value
 * lines, {"text": ...} lines as they are; with -j, the JSON itself.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctl_parse.h"
#include "hopctl.h"
#include "hopctl_http.h"
#include "hopctl_render.h"
#include "hopctl_tcp.h"
#include "hopctl_udp.h"

static void
usage(FILE *f, int status)
{
	fprintf(
	    f,
	    "usage: hopctl [-j|--json] NODE COMMAND [ARGS...]\n"
	    "Runs COMMAND on a hoplab daemon and prints its reply.\n\n"
	    "  NODE       LAB/NODE, or NODE when one lab has it, or the path "
	    "of a control socket\n"
	    "  -j, --json print the daemon's JSON reply as it is\n"
	    "  -h, --help show this help\n\n"
	    "'hopctl NODE help' lists the node's commands. Exit status: 0 "
	    "success,\n1 the command failed, 2 usage error, unknown command "
	    "or node unreachable.\n"
	    "The run directory is $HOPLAB_RUN_DIR, or " HOPCTL_RUN_DIR ".\n");
	exit(status);
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"json", no_argument, NULL, 'j'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct hopctl_out o = {.out = stdout, .err = stderr};
	char path[PATH_MAX], line[CTL_LINE_MAX + 2];
	size_t len = 0;
	int opt, fd;

	while ((opt = getopt_long(argc, argv, "+jh", longopts, NULL)) != -1) {
		switch (opt) {
		case 'j':
			o.json = true;
			break;
		case 'h':
			usage(stdout, 0);
			break;
		default:
			usage(stderr, HOPCTL_EXIT_USAGE);
		}
	}
	if (argc - optind < 2)
		usage(stderr, HOPCTL_EXIT_USAGE);
	for (int i = optind + 1; i < argc; i++) {
		size_t wl = strlen(argv[i]);

		if (strpbrk(argv[i], "\r\n"))
			die(HOPCTL_EXIT_USAGE,
			    "arguments cannot hold newlines");
		if (len + wl + 2 > CTL_LINE_MAX)
			die(HOPCTL_EXIT_USAGE, "command longer than %d bytes",
			    CTL_LINE_MAX);
		if (len)
			line[len++] = ' ';
		memcpy(line + len, argv[i], wl);
		len += wl;
	}
	line[len++] = '\n';
	signal(SIGPIPE, SIG_IGN);
	hopctl_resolve(argv[optind], path, sizeof(path));
	if (hopctl_tcp_wants(argc - optind - 1, argv + optind + 1))
		return hopctl_tcp(argv[optind], path, argc - optind - 1,
				  argv + optind + 1);
	if (hopctl_http_wants(argc - optind - 1, argv + optind + 1))
		return hopctl_http(argv[optind], path, argc - optind - 1,
				   argv + optind + 1);
	if (hopctl_udp_wants(argc - optind - 1, argv + optind + 1))
		return hopctl_udp(argv[optind], path, argc - optind - 1,
				  argv + optind + 1, o.json);
	fd = hopctl_connect(argv[optind], path);
	if (write(fd, line, len) != (ssize_t)len)
		die(HOPCTL_EXIT_USAGE, "cannot reach %s: %s", argv[optind],
		    strerror(errno));
	o.node = argv[optind];
	return hopctl_read(&o, fd);
}
