/* hopjourney's options, files and exit statuses. */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "journey_cli.h"
#include "journey_pcap.h"
#include "journey_render.h"

/* A topology is small; a file larger than this is not one. */
#define TOPO_MAX (16u << 20)
/* A line of a trace holds every row of one daemon: generous. */
#define LINE_MAX_BYTES (256u << 20)
/* Node and interface names are short (an interface's, 15 bytes). */
#define NAME_MAX_BYTES 64

enum format { FORMAT_TEXT, FORMAT_JSON, FORMAT_DOT };

struct cli {
	FILE *out, *err;
	enum format format;
	const char *topo;
	char **pcaps;
	size_t n_pcaps;
	unsigned warnings;
};

static const char usage_text[] =
    "usage: hopjourney [-j | --dot] -t TOPO.json [-p NODE:IF:FILE]... "
    "[TRACE]...\n"
    "Matches the frames traced by every daemon of a lab into packets and "
    "shows\neach packet hop by hop: node, ports, MACs, addresses, TTL and "
    "what the node\ndid with it.\n\n"
    "  -t, --topology FILE   the lab, as JSON:\n"
    "        {\"lab\":\"seed\",\n"
    "         \"nodes\":[{\"name\":\"hA\",\"kind\":\"host\"},...],\n"
    "         \"links\":[{\"a\":\"hA\",\"a_if\":\"eth0\",\"b\":\"sw1\","
    "\"b_if\":\"p1\"},...],\n"
    "         \"macs\":{\"hL:eth0\":\"02:00:00:00:00:0c\",...}}\n"
    "        kinds: host, switch, router, linux; \"macs\" gives the MAC "
    "of each\n        interface of a Linux node that has a capture\n"
    "  -p, --pcap NODE:IF:FILE  a capture (tcpdump -w) on interface IF "
    "of the\n        Linux node NODE; frames from IF's own MAC were sent, "
    "others received\n"
    "  -j, --json            one JSON object per packet and line: "
    "summary, proto,\n        flags, key, time, hops [{node, in, out, "
    "src_mac, dst_mac, src_ip,\n        dst_ip, ttl, decision}]\n"
    "      --dot             a graphviz sequence diagram (dot -Tsvg)\n"
    "  -h, --help            show this help\n\n"
    "Each TRACE is what 'hopctl -j NODE show trace' printed. A hop shows "
    "the frame\nas it left the node, or as it arrived where it ended. "
    "Exit status: 0 done,\n1 a file is missing or bad, 2 usage error.\n";

static int
usage_error(struct cli *c, const char *msg, const char *arg)
{
	fprintf(c->err, "hopjourney: %s%s\n%s", msg, arg ? arg : "",
		"usage: hopjourney [-j | --dot] -t TOPO.json "
		"[-p NODE:IF:FILE]... [TRACE]...\n"
		"'hopjourney --help' tells more.\n");
	return JOURNEY_EXIT_USAGE;
}

static void
warn_cb(void *arg, const char *msg)
{
	struct cli *c = arg;

	if (c->warnings++ < JOURNEY_WARN_MAX)
		fprintf(c->err, "hopjourney: warning: %s\n", msg);
}

/* The whole of a small file, NUL-terminated; NULL with j->err. */
static char *
read_small(struct journey *j, const char *path, size_t *len)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t n;

	if (!f) {
		journey_fail(j, "%s: %s", path, strerror(errno));
		return NULL;
	}
	buf = malloc(TOPO_MAX + 1);
	if (!buf) {
		journey_fail(j, "%s: out of memory", path);
	} else if ((n = fread(buf, 1, TOPO_MAX + 1, f)) > TOPO_MAX ||
		   ferror(f)) {
		journey_fail(j, "%s: %s", path,
			     ferror(f) ? "read error" : "larger than 16 MiB");
		free(buf);
		buf = NULL;
	} else {
		buf[n] = '\0';
		*len = n;
	}
	fclose(f);
	return buf;
}

static int
load_topology(struct journey *j, const char *path)
{
	size_t len = 0;
	char *text = read_small(j, path, &len);
	int rc;

	if (!text)
		return -1;
	rc = journey_load_topology(j, path, text, len);
	free(text);
	return rc;
}

/* A trace, line by line: it may be large. */
static int
load_trace(struct journey *j, const char *path)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	unsigned lineno = 0;
	ssize_t n;
	int rc = 0;

	if (!f)
		return journey_fail(j, "%s: %s", path, strerror(errno));
	while (rc == 0 && (n = getline(&line, &cap, f)) >= 0) {
		if ((size_t)n > LINE_MAX_BYTES)
			rc = journey_fail(j, "%s:%u: line longer than %u bytes",
					  path, lineno + 1, LINE_MAX_BYTES);
		else
			rc = journey_add_line(j, path, ++lineno, line,
					      (size_t)n);
	}
	if (rc == 0 && ferror(f))
		rc = journey_fail(j, "%s: read error", path);
	free(line);
	fclose(f);
	return rc;
}

/* NODE:IF:FILE, the file's name being everything after the second
 * colon. */
static int
load_pcap(struct journey *j, const char *spec)
{
	const char *colon1 = strchr(spec, ':'), *colon2, *file;
	char node[NAME_MAX_BYTES], ifname[NAME_MAX_BYTES];

	colon2 = colon1 ? strchr(colon1 + 1, ':') : NULL;
	if (!colon1 || !colon2 || colon1 == spec || colon2 == colon1 + 1 ||
	    !colon2[1] || colon1 - spec >= NAME_MAX_BYTES ||
	    colon2 - colon1 > NAME_MAX_BYTES)
		return journey_fail(j, "--pcap %s: not NODE:IF:FILE", spec);
	snprintf(node, sizeof(node), "%.*s", (int)(colon1 - spec), spec);
	snprintf(ifname, sizeof(ifname), "%.*s", (int)(colon2 - colon1 - 1),
		 colon1 + 1);
	file = colon2 + 1;
	if (!journey_node(j, node))
		return journey_fail(j, "%s: node '%s' is not in the topology",
				    file, node);
	return journey_load_pcap(j, node, ifname, file);
}

static int
render(struct cli *c, const struct journey *j)
{
	switch (c->format) {
	case FORMAT_JSON:
		return journey_render_json(c->out, j);
	case FORMAT_DOT:
		return journey_render_dot(c->out, j);
	default:
		return journey_render_text(c->out, j);
	}
}

/* Loads every file, matches and renders; an exit status. */
static int
run(struct cli *c, int nfiles, char **files)
{
	struct journey j;
	int rc = -1;

	journey_init(&j);
	j.warn = warn_cb;
	j.warn_arg = c;
	if (load_topology(&j, c->topo) < 0)
		goto out;
	for (size_t i = 0; i < c->n_pcaps; i++)
		if (load_pcap(&j, c->pcaps[i]) < 0)
			goto out;
	for (int i = 0; i < nfiles; i++)
		if (load_trace(&j, files[i]) < 0)
			goto out;
	if (journey_match(&j) < 0)
		goto out;
	if (render(c, &j) < 0 || fflush(c->out) != 0)
		journey_fail(&j, "cannot write the output");
	else
		rc = 0;
out:
	if (c->warnings > JOURNEY_WARN_MAX)
		fprintf(c->err, "hopjourney: %u more warnings\n",
			c->warnings - JOURNEY_WARN_MAX);
	if (rc < 0)
		fprintf(c->err, "hopjourney: %s\n", j.err);
	journey_free(&j);
	return rc < 0 ? JOURNEY_EXIT_FAIL : 0;
}

int
journey_cli(int argc, char **argv, FILE *out, FILE *err)
{
	static const struct option longopts[] = {
	    {"json", no_argument, NULL, 'j'},
	    {"dot", no_argument, NULL, 'd'},
	    {"topology", required_argument, NULL, 't'},
	    {"pcap", required_argument, NULL, 'p'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct cli c = {.out = out, .err = err};
	int opt, status;

	c.pcaps = calloc((size_t)argc + 1, sizeof(*c.pcaps));
	if (!c.pcaps)
		return JOURNEY_EXIT_FAIL;
	optind = 0; /* GNU getopt starts afresh, as tests call this often */
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "jt:p:h", longopts, NULL)) !=
	       -1) {
		switch (opt) {
		case 'j':
		case 'd':
			if (c.format != FORMAT_TEXT) {
				free(c.pcaps);
				return usage_error(&c,
						   "-j and --dot exclude "
						   "each other",
						   NULL);
			}
			c.format = opt == 'j' ? FORMAT_JSON : FORMAT_DOT;
			break;
		case 't':
			c.topo = optarg;
			break;
		case 'p':
			c.pcaps[c.n_pcaps++] = optarg;
			break;
		case 'h':
			fputs(usage_text, out);
			free(c.pcaps);
			return 0;
		default:
			free(c.pcaps);
			return usage_error(&c,
					   "unknown option or missing "
					   "argument: ",
					   argv[optind - 1]);
		}
	}
	if (!c.topo)
		status = usage_error(&c, "no topology (-t TOPO.json)", NULL);
	else if (optind == argc && c.n_pcaps == 0)
		status = usage_error(&c, "no trace and no capture", NULL);
	else
		status = run(&c, argc - optind, argv + optind);
	free(c.pcaps);
	return status;
}
