/*
 * `http get` through hostsock, like curl: one request over one of
 * hostd's TCP connections, the response parsed by common/http.c and its
 * body streamed to stdout or a file as it arrives (Content-Length,
 * chunked, or until the connection closes), never held whole. -v shows
 * the request and the response heads on stderr as curl -v does, -I asks
 * with HEAD and prints the response head, -m bounds the whole transfer.
 * Failures are worded as curl words them.
 */
#include "hopctl_http.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "ctl_opt.h"
#include "hopctl.h"
#include "hostsock.h"
#include "http.h"

#define HOPCTL_HTTP_BUF 65536
#define HOPCTL_HTTP_MAX_TIME 86400 /* -m SECONDS */
#define HOPCTL_HTTP_USAGE                                                      \
	"usage: http get [-o FILE] [-v] [-I] [-m SECONDS] URL\n"               \
	"Fetches URL (http://HOST[:PORT]/PATH, HOST an IPv4 address or a "     \
	"name)\nthrough the node's TCP, like curl.\n"                          \
	"  -o FILE     write the body to FILE instead of stdout\n"             \
	"  -v          show the request and response headers on stderr\n"      \
	"  -I          ask with HEAD and print the response headers\n"         \
	"  -m SECONDS  give up after this long\n"                              \
	"Exit status: 0 for a 2xx response, 1 for any other (its status "      \
	"line on\nstderr) or a failure, 2 for a usage error."

struct hopctl_url {
	char host[256];
	uint16_t port;
	const char *path;
	struct sockaddr_in addr;
	char ip[INET_ADDRSTRLEN];
};

struct hopctl_get {
	const char *out_name; /* -o */
	bool verbose, head;   /* -v, -I */
	double max_time;      /* -m, 0 for none */
	double deadline;
	double start;
	int conn, status_fd;
	int out; /* the body's destination once known, else -1 */
	struct http_parser p;
	uint64_t received; /* body bytes */
	int status;
};

bool
hopctl_http_wants(int argc, char **argv)
{
	return argc >= 2 && !strcmp(argv[0], "http") && !strcmp(argv[1], "get");
}

static double
hopctl_http_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* http://HOST[:PORT][/PATH] into u; -1 when it is not one. */
static int
hopctl_http_parse_url(const char *url, struct hopctl_url *u)
{
	const char *auth, *colon, *end;
	size_t hlen;

	if (strncasecmp(url, "http://", 7))
		return -1;
	auth = url + 7;
	end = auth + strcspn(auth, "/?#");
	colon = memchr(auth, ':', (size_t)(end - auth));
	hlen = (size_t)((colon ? colon : end) - auth);
	if (hlen == 0 || hlen >= sizeof(u->host) || auth[0] == '[')
		return -1;
	memcpy(u->host, auth, hlen);
	u->host[hlen] = '\0';
	u->port = 80;
	if (colon) {
		double port;
		char digits[8];
		size_t n = (size_t)(end - colon - 1);

		if (n == 0 || n >= sizeof(digits))
			return -1;
		memcpy(digits, colon + 1, n);
		digits[n] = '\0';
		if (ctl_opt_number(digits, 1, 65535, true, &port) < 0)
			return -1;
		u->port = (uint16_t)port;
	}
	u->path = *end == '/' ? end : "/";
	for (const char *c = u->path; *c; c++)
		if ((unsigned char)*c <= 0x20 || (unsigned char)*c >= 0x7f)
			return -1;
	return 0;
}

/* The host's IPv4 address: a literal, or what getaddrinfo says. */
static int
hopctl_http_resolve(struct hopctl_url *u)
{
	struct addrinfo hints = {.ai_family = AF_INET,
				 .ai_socktype = SOCK_STREAM};
	struct addrinfo *res;

	memset(&u->addr, 0, sizeof(u->addr));
	u->addr.sin_family = AF_INET;
	u->addr.sin_port = htons(u->port);
	if (inet_pton(AF_INET, u->host, &u->addr.sin_addr) != 1) {
		if (getaddrinfo(u->host, NULL, &hints, &res) != 0 || !res)
			return -1;
		u->addr.sin_addr =
		    ((struct sockaddr_in *)res->ai_addr)->sin_addr;
		freeaddrinfo(res);
	}
	inet_ntop(AF_INET, &u->addr.sin_addr, u->ip, sizeof(u->ip));
	return 0;
}

static int
hopctl_http_write(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Sends the request, shown line by line with -v. */
static int
hopctl_http_request(struct hopctl_get *g, const struct hopctl_url *u)
{
	char req[HTTP_LINE_MAX + 512], host[300];
	int n;

	if (u->port == 80)
		snprintf(host, sizeof(host), "%s", u->host);
	else
		snprintf(host, sizeof(host), "%s:%u", u->host, u->port);
	n = snprintf(req, sizeof(req),
		     "%s %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: hopctl\r\n"
		     "Accept: */*\r\nConnection: close\r\n\r\n",
		     g->head ? "HEAD" : "GET", u->path, host);
	if (n < 0 || (size_t)n >= sizeof(req))
		return hopctl_error(HOPCTL_EXIT_USAGE, "URL too long");
	if (g->verbose) {
		for (char *line = req; *line && strncmp(line, "\r\n", 2);) {
			char *eol = strstr(line, "\r\n");

			fprintf(stderr, "> %.*s\n", (int)(eol - line), line);
			line = eol + 2;
		}
		fputs("> \n", stderr);
	}
	if (hopctl_http_write(g->conn, req, (size_t)n) < 0)
		return hopctl_error(HOPCTL_EXIT_FAIL, "Send failure: %s",
				    strerror(errno));
	return 0;
}

/* A complete head: shown, printed (-I), and the body's way decided. */
static int
hopctl_http_head(struct hopctl_get *g)
{
	const struct http_msg *m = &g->p.msg;

	if (g->verbose) {
		fprintf(stderr, "< HTTP/%d.%d %d %s\n", m->major, m->minor,
			m->status, m->reason);
		for (size_t i = 0; i < m->nheaders; i++)
			fprintf(stderr, "< %s: %s\n", m->headers[i].name,
				m->headers[i].value);
		fputs("< \n", stderr);
	}
	if (m->status < 200)
		return 0;
	g->status = m->status;
	if (g->head) {
		printf("HTTP/%d.%d %d %s\r\n", m->major, m->minor, m->status,
		       m->reason);
		for (size_t i = 0; i < m->nheaders; i++)
			printf("%s: %s\r\n", m->headers[i].name,
			       m->headers[i].value);
		printf("\r\n");
		fflush(stdout);
	}
	if (g->head || m->status >= 300)
		return 0;
	if (!g->out_name) {
		g->out = STDOUT_FILENO;
		return 0;
	}
	g->out =
	    open(g->out_name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	if (g->out < 0)
		return hopctl_error(HOPCTL_EXIT_FAIL,
				    "Failed to open the file %s: %s",
				    g->out_name, strerror(errno));
	return 0;
}

/* The input ended before the message did: why, as curl says it. */
static int
hopctl_http_cut_short(struct hopctl_get *g)
{
	const struct http_msg *m = &g->p.msg;

	if (hostsock_tcp_status(g->status_fd) == ECONNRESET)
		return hopctl_error(HOPCTL_EXIT_FAIL,
				    "Recv failure: Connection reset by peer");
	if (!http_parser_started(&g->p))
		return hopctl_error(HOPCTL_EXIT_FAIL,
				    "Empty reply from server");
	if (g->p.head_given && m->content_length >= 0 && !m->chunked)
		return hopctl_error(HOPCTL_EXIT_FAIL,
				    "transfer closed with %" PRIu64
				    " bytes remaining to read",
				    (uint64_t)m->content_length - g->received);
	return hopctl_error(HOPCTL_EXIT_FAIL,
			    "transfer closed with outstanding read data "
			    "remaining");
}

/*
 * Takes what arrived through the parser: heads, body bytes out. 1 when
 * the response is complete, 0 for more, else an exit status (> 1 is
 * never returned; failures are HOPCTL_EXIT_FAIL with -1 to tell).
 */
static int
hopctl_http_feed(struct hopctl_get *g, const uint8_t *buf, size_t len,
		 bool *complete)
{
	size_t off = 0;

	for (;;) {
		size_t used, dlen;
		const uint8_t *data;
		enum http_result r = http_parse(&g->p, buf + off, len - off,
						&used, &data, &dlen);

		off += used;
		switch (r) {
		case HTTP_AGAIN:
			return 0;
		case HTTP_HEAD:
			if (hopctl_http_head(g))
				return HOPCTL_EXIT_FAIL;
			break;
		case HTTP_DATA:
			g->received += dlen;
			if (g->out >= 0 &&
			    hopctl_http_write(g->out, data, dlen) < 0)
				return hopctl_error(
				    HOPCTL_EXIT_FAIL,
				    "Failure writing output to destination: "
				    "%s",
				    strerror(errno));
			break;
		case HTTP_DONE:
			if (g->p.msg.status < 200) {
				/* An interim response: the real one
				 * follows. */
				http_parser_reset(&g->p, g->head);
				break;
			}
			*complete = true;
			return 0;
		case HTTP_FAIL:
			return hopctl_error(HOPCTL_EXIT_FAIL,
					    "Weird server reply (%s)",
					    http_error_names[g->p.error]);
		}
	}
}

/* Reads the response to its end; 0, or an exit status. */
static int
hopctl_http_response(struct hopctl_get *g)
{
	static uint8_t buf[HOPCTL_HTTP_BUF];
	bool complete = false;

	while (!complete) {
		struct pollfd pfd = {.fd = g->conn, .events = POLLIN};
		int timeout = -1, rc;
		ssize_t n;

		if (g->max_time > 0) {
			double left = g->deadline - hopctl_http_now();

			timeout = left > 0 ? (int)ceil(left * 1000) : 0;
		}
		rc = poll(&pfd, 1, timeout);
		if (rc < 0 && errno == EINTR)
			continue;
		if (rc == 0)
			return hopctl_error(
			    HOPCTL_EXIT_FAIL,
			    "Operation timed out after %.0f milliseconds with "
			    "%" PRIu64 " bytes received",
			    (hopctl_http_now() - g->start) * 1000, g->received);
		n = read(g->conn, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return hopctl_error(HOPCTL_EXIT_FAIL,
					    "Recv failure: %s",
					    strerror(errno));
		if (n == 0) {
			if (http_parse_eof(&g->p) == HTTP_DONE &&
			    hostsock_tcp_status(g->status_fd) != ECONNRESET)
				return 0;
			return hopctl_http_cut_short(g);
		}
		rc = hopctl_http_feed(g, buf, (size_t)n, &complete);
		if (rc)
			return rc;
	}
	return 0;
}

static int
hopctl_http_run(struct hopctl_get *g, const char *node, const char *path,
		const struct hopctl_url *u)
{
	int rc;

	close(hopctl_connect(node, path)); /* hostd is there at all */
	if (g->verbose)
		fprintf(stderr, "*   Trying %s:%u...\n", u->ip, u->port);
	g->conn = hostsock_tcp_connect(
	    path, NULL, &u->addr,
	    g->max_time > 0 ? (int)ceil(g->max_time * 1000) : 0, NULL,
	    &g->status_fd);
	if (g->conn < 0)
		return hopctl_error(errno == EINVAL ? HOPCTL_EXIT_USAGE
						    : HOPCTL_EXIT_FAIL,
				    "Failed to connect to %s port %u: %s",
				    u->host, u->port, strerror(errno));
	if (g->verbose)
		fprintf(stderr, "* Connected to %s (%s) port %u\n", u->host,
			u->ip, u->port);
	http_parser_init(&g->p, true);
	http_parser_reset(&g->p, g->head);
	rc = hopctl_http_request(g, u);
	if (!rc)
		rc = hopctl_http_response(g);
	http_parser_free(&g->p);
	close(g->conn);
	close(g->status_fd);
	if (g->out >= 0 && g->out != STDOUT_FILENO && close(g->out) < 0 && !rc)
		rc = hopctl_error(HOPCTL_EXIT_FAIL,
				  "Failure writing output to destination: %s",
				  strerror(errno));
	if (rc)
		return rc;
	if (g->status < 200 || g->status >= 300) {
		const struct http_msg *m = &g->p.msg;

		return hopctl_error(HOPCTL_EXIT_FAIL, "HTTP/%d.%d %d %s",
				    m->major, m->minor, g->status,
				    http_reason(g->status));
	}
	return 0;
}

int
hopctl_http(const char *node, const char *path, int argc, char **argv)
{
	static struct hopctl_get g;
	const struct ctl_opt opts[] = {
	    {'o', CTL_OPT_STRING, 0, 0, &g.out_name},
	    {'v', CTL_OPT_FLAG, 0, 0, &g.verbose},
	    {'I', CTL_OPT_FLAG, 0, 0, &g.head},
	    {'m', CTL_OPT_REAL, 0.001, HOPCTL_HTTP_MAX_TIME, &g.max_time},
	};
	struct hopctl_url u;
	char err[128];
	int n;

	argc -= 2;
	argv += 2;
	for (int i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			puts(HOPCTL_HTTP_USAGE);
			return 0;
		}
	}
	g.out = g.conn = g.status_fd = -1;
	n = ctl_opt_parse(argc, argv, opts, sizeof(opts) / sizeof(opts[0]), err,
			  sizeof(err));
	if (n < 0)
		return hopctl_error(HOPCTL_EXIT_USAGE, "http get: %s\n%s", err,
				    HOPCTL_HTTP_USAGE);
	if (n != 1 || hopctl_http_parse_url(argv[0], &u) < 0)
		return hopctl_error(HOPCTL_EXIT_USAGE, "%s", HOPCTL_HTTP_USAGE);
	if (hopctl_http_resolve(&u) < 0)
		return hopctl_error(HOPCTL_EXIT_FAIL,
				    "Could not resolve host: %s", u.host);
	g.start = hopctl_http_now();
	g.deadline = g.start + g.max_time;
	return hopctl_http_run(&g, node, path, &u);
}
