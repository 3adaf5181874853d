/*
 * hopctl: the control client of every hoplab daemon. It sends one line of
 * words to a daemon's control socket and renders the newline-delimited JSON
 * that comes back: arrays of flat objects as tables, objects as key: value
 * lines, {"text": ...} lines as they are; with -j, the JSON itself.
 */
#include <errno.h>
#include <getopt.h>
#include <glob.h>
#include <jansson.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "ctl_parse.h"
#include "hopctl.h"
#include "hopctl_udp.h"

#define HOPCTL_RUN_DIR "/run/hoplab"
#define HOPCTL_EXIT_FAIL 1
#define HOPCTL_EXIT_USAGE 2

static int hopctl_json;

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
hopctl_error(int status, const char *fmt, ...)
{
	va_list ap;

	fputs("hopctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return status;
}

/* Prints the message and exits with status. */
#define die(status, ...) exit(hopctl_error(status, __VA_ARGS__))

/* Turns NODE into the path of its control socket. */
static void
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

static int
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

/* One value of a table cell or key: value line, as text. */
static char *
hopctl_cell(json_t *v)
{
	char buf[64];

	if (!v)
		return strdup("-");
	switch (json_typeof(v)) {
	case JSON_STRING:
		return strdup(json_string_value(v));
	case JSON_INTEGER:
		snprintf(buf, sizeof(buf), "%" JSON_INTEGER_FORMAT,
			 json_integer_value(v));
		return strdup(buf);
	case JSON_REAL:
		snprintf(buf, sizeof(buf), "%g", json_real_value(v));
		return strdup(buf);
	case JSON_TRUE:
		return strdup("true");
	case JSON_FALSE:
		return strdup("false");
	case JSON_NULL:
		return strdup("-");
	default:
		return json_dumps(v, JSON_COMPACT);
	}
}

/* An array of objects as a table; the first object's keys are the columns. */
static void
hopctl_table(json_t *rows)
{
	json_t *first = json_array_get(rows, 0), *row, *v;
	size_t ncols = json_object_size(first), i, c;
	const char **keys;
	size_t *width;
	const char *key;

	if (!json_is_object(first) || ncols == 0) {
		json_array_foreach(rows, i, row)
		{
			char *cell = hopctl_cell(row);

			puts(cell ? cell : "");
			free(cell);
		}
		return;
	}
	keys = calloc(ncols, sizeof(*keys));
	width = calloc(ncols, sizeof(*width));
	if (!keys || !width)
		die(HOPCTL_EXIT_FAIL, "out of memory");
	c = 0;
	json_object_foreach(first, key, v)
	{
		keys[c] = key;
		width[c++] = strlen(key);
	}
	json_array_foreach(rows, i, row)
	{
		for (c = 0; c < ncols; c++) {
			char *cell = hopctl_cell(json_object_get(row, keys[c]));

			if (cell && strlen(cell) > width[c])
				width[c] = strlen(cell);
			free(cell);
		}
	}
	for (c = 0; c < ncols; c++)
		printf("%-*s%s", c + 1 < ncols ? (int)width[c] : 0, keys[c],
		       c + 1 < ncols ? "  " : "\n");
	json_array_foreach(rows, i, row)
	{
		for (c = 0; c < ncols; c++) {
			char *cell = hopctl_cell(json_object_get(row, keys[c]));

			printf("%-*s%s", c + 1 < ncols ? (int)width[c] : 0,
			       cell ? cell : "", c + 1 < ncols ? "  " : "\n");
			free(cell);
		}
	}
	free(keys);
	free(width);
}

static void
hopctl_render(json_t *v)
{
	const char *key;
	json_t *val;

	if (json_is_array(v)) {
		hopctl_table(v);
	} else if (json_is_object(v) && json_object_size(v) == 1 &&
		   json_is_string(json_object_get(v, "text"))) {
		puts(json_string_value(json_object_get(v, "text")));
	} else if (json_is_object(v)) {
		json_object_foreach(v, key, val)
		{
			char *cell = hopctl_cell(val);

			printf("%s: %s\n", key, cell ? cell : "");
			free(cell);
		}
	} else {
		char *cell = hopctl_cell(v);

		puts(cell ? cell : "");
		free(cell);
	}
	fflush(stdout);
}

/* Handles one reply line; returns -1 to go on, else the exit status. */
static int
hopctl_line(const char *node, const char *line)
{
	json_error_t jerr;
	json_t *v = json_loads(line, JSON_DECODE_ANY, &jerr);
	json_t *ok;
	int status = -1;

	if (!v)
		die(HOPCTL_EXIT_FAIL, "%s: bad reply: %s", node, jerr.text);
	if (hopctl_json) {
		puts(line);
		fflush(stdout);
	}
	ok = json_is_object(v) ? json_object_get(v, "ok") : NULL;
	if (json_is_boolean(ok)) {
		json_t *err = json_object_get(v, "error");

		status = 0;
		if (!json_is_true(ok)) {
			fprintf(stderr, "hopctl: %s: %s\n", node,
				json_is_string(err) ? json_string_value(err)
						    : "command failed");
			status = json_is_true(json_object_get(v, "usage"))
				     ? HOPCTL_EXIT_USAGE
				     : HOPCTL_EXIT_FAIL;
		}
	} else if (!hopctl_json) {
		hopctl_render(v);
	}
	json_decref(v);
	return status;
}

/* Reads reply lines until the closing one; returns the exit status. */
static int
hopctl_read(const char *node, int fd)
{
	size_t cap = 65536, len = 0;
	char *buf = malloc(cap);

	if (!buf)
		die(HOPCTL_EXIT_FAIL, "out of memory");
	for (;;) {
		char *nl;
		ssize_t n;

		while ((nl = memchr(buf, '\n', len))) {
			int status;

			*nl = '\0';
			status = hopctl_line(node, buf);
			len -= (size_t)(nl + 1 - buf);
			memmove(buf, nl + 1, len);
			if (status >= 0) {
				free(buf);
				return status;
			}
		}
		if (len == cap) {
			char *bigger = realloc(buf, cap * 2);

			if (!bigger)
				die(HOPCTL_EXIT_FAIL, "out of memory");
			buf = bigger;
			cap *= 2;
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			die(HOPCTL_EXIT_FAIL,
			    "%s: connection closed before the "
			    "reply ended",
			    node);
		len += (size_t)n;
	}
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"json", no_argument, NULL, 'j'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	char path[PATH_MAX], line[CTL_LINE_MAX + 2];
	size_t len = 0;
	int opt, fd;

	while ((opt = getopt_long(argc, argv, "+jh", longopts, NULL)) != -1) {
		switch (opt) {
		case 'j':
			hopctl_json = 1;
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
	if (hopctl_udp_wants(argc - optind - 1, argv + optind + 1))
		return hopctl_udp(argv[optind], path, argc - optind - 1,
				  argv + optind + 1, hopctl_json);
	fd = hopctl_connect(argv[optind], path);
	if (write(fd, line, len) != (ssize_t)len)
		die(HOPCTL_EXIT_USAGE, "cannot reach %s: %s", argv[optind],
		    strerror(errno));
	return hopctl_read(argv[optind], fd);
}
