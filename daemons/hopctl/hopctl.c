/*
 * hopctl's way to a daemon: from the node's name to its control socket,
 * and the messages it prints when that fails.
 */
#include "hopctl.h"

#include <errno.h>
#include <glob.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>

static void
hopctl_verror(FILE *f, const char *fmt, va_list ap)
{
	fputs("hopctl: ", f);
	vfprintf(f, fmt, ap);
	fputc('\n', f);
}

int
hopctl_error(int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	hopctl_verror(stderr, fmt, ap);
	va_end(ap);
	return status;
}

int
hopctl_ferror(FILE *f, int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	hopctl_verror(f, fmt, ap);
	va_end(ap);
	return status;
}

void
hopctl_resolve(const char *node, char *path, size_t len)
{
	const char *root = getenv("HOPLAB_RUN_DIR");
	const char *slash = strchr(node, '/');
	char pattern[PATH_MAX];
	glob_t g;

	if (!root || !*root)
		root = HOPCTL_RUN_DIR;
	if (node[0] == '/' || node[0] == '.' ||
	    (strlen(node) > 5 && !strcmp(node + strlen(node) - 5, ".sock"))) {
		snprintf(path, len, "%s", node);
		return;
	}
	if (slash) {
		if (slash == node || !slash[1] || strchr(slash + 1, '/'))
			die(HOPCTL_EXIT_USAGE, "bad node name '%s'", node);
		snprintf(path, len, "%s/%.*s/%s.sock", root,
			 (int)(slash - node), node, slash + 1);
		return;
	}
	snprintf(pattern, sizeof(pattern), "%s/*/%s.sock", root, node);
	if (glob(pattern, 0, NULL, &g) != 0)
		die(HOPCTL_EXIT_USAGE,
		    "cannot reach %s: no lab has a node '%s'", node, node);
	if (g.gl_pathc > 1) {
		fprintf(stderr, "hopctl: node '%s' is in several labs:", node);
		for (size_t i = 0; i < g.gl_pathc; i++) {
			char *lab = g.gl_pathv[i] + strlen(root) + 1;

			fprintf(stderr, " %.*s/%s", (int)strcspn(lab, "/"), lab,
				node);
		}
		fputs("\n", stderr);
		exit(HOPCTL_EXIT_USAGE);
	}
	snprintf(path, len, "%s", g.gl_pathv[0]);
	globfree(&g);
}

int
hopctl_connect(const char *node, const char *path)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	int fd;

	if (strlen(path) >= sizeof(sun.sun_path))
		die(HOPCTL_EXIT_USAGE, "%s: socket path too long", path);
	memcpy(sun.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0)
		die(HOPCTL_EXIT_USAGE, "cannot reach %s (%s): %s", node, path,
		    strerror(errno));
	return fd;
}
