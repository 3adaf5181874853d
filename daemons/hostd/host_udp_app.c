/*
 * `udp send` and `udp listen` inside hostd, for clients that speak the
 * control protocol only; hopctl runs the same commands over hostsock, which
 * also carries stdin and binary data.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "host.h"
#include "host_apps.h"
#include "udp.h"

struct host_udp_listen {
	struct sock sock; /* first: the socket's owner is the listener */
	struct host *h;
	struct ctl_req *req;
	long count; /* datagrams to print before ending; 0: no end */
	long seen;
};

static int
host_udp_port(const char *s, uint16_t *port)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (*end || end == s || v < 1 || v > 65535)
		return -1;
	*port = (uint16_t)v;
	return 0;
}

/* A socket that only sends: whatever comes back is discarded. */
static const struct sock_ops host_udp_send_ops = {0};

int
host_udp_send_cmd(struct host *h, struct ctl_req *req, int argc, char **argv)
{
	struct sock s = {.ops = &host_udp_send_ops};
	char msg[CTL_LINE_MAX + 2];
	size_t len = 0;
	uint32_t dst;
	uint16_t port;
	int rc;

	if (argc < 2 || ipv4_aton(argv[0], &dst) < 0 ||
	    host_udp_port(argv[1], &port) < 0)
		return ctl_usage(req,
				 "usage: udp send A.B.C.D PORT MESSAGE...");
	if (argc == 2)
		return ctl_usage(req, "no message: give one, or use hopctl, "
				      "which sends its stdin");
	for (int i = 2; i < argc; i++)
		len += (size_t)snprintf(msg + len, sizeof(msg) - len, "%s%s",
					argv[i], i + 1 < argc ? " " : "\n");
	if (udp_open(h, &s, 0, 0) < 0)
		return ctl_fail(req, "no free port: %s", strerror(errno));
	rc = udp_send(h, &s, dst, port, (const uint8_t *)msg, len);
	udp_close(h, &s);
	if (rc < 0)
		return ctl_fail(req, "%s: %s", argv[0], strerror(errno));
	return CTL_DONE;
}

static void
host_udp_listen_free(struct host_udp_listen *l)
{
	udp_close(l->h, &l->sock);
	free(l);
}

static void
host_udp_listen_cancel(void *arg)
{
	host_udp_listen_free(arg);
}

static void
host_udp_listen_recv(struct sock *s, uint32_t src, uint16_t sport,
		     const uint8_t *data, size_t len)
{
	struct host_udp_listen *l = (struct host_udp_listen *)s;
	char text[1024];
	size_t n = 0;

	(void)src;
	(void)sport;
	/* One line of text per datagram: the control socket carries text. */
	for (size_t i = 0; i < len && n + 1 < sizeof(text); i++) {
		if (data[i] == '\n' && i + 1 == len)
			break;
		text[n++] =
		    data[i] >= 0x20 && data[i] < 0x7f ? (char)data[i] : '.';
	}
	text[n] = '\0';
	ctl_printf(l->req, "%s", text);
	if (l->count && ++l->seen == l->count) {
		struct ctl_req *req = l->req;

		host_udp_listen_free(l);
		ctl_finish(req);
	}
}

static const struct sock_ops host_udp_listen_ops = {.recv =
							host_udp_listen_recv};

int
host_udp_listen_cmd(struct host *h, struct ctl_req *req, int argc, char **argv)
{
	struct host_udp_listen *l;
	long count = 0;
	uint16_t port;
	char *end;

	if (argc == 3 && !strcmp(argv[1], "-c")) {
		count = strtol(argv[2], &end, 10);
		if (*end || count < 1)
			return ctl_usage(req, "-c: a count of 1 or more");
	} else if (argc != 1) {
		return ctl_usage(req, "usage: udp listen PORT [-c N]");
	}
	if (host_udp_port(argv[0], &port) < 0)
		return ctl_usage(req, "bad port '%s'", argv[0]);
	l = calloc(1, sizeof(*l));
	if (!l)
		return ctl_fail(req, "out of memory");
	l->sock.ops = &host_udp_listen_ops;
	l->sock.owner = l;
	l->h = h;
	l->req = req;
	l->count = count;
	if (udp_open(h, &l->sock, 0, port) < 0) {
		free(l);
		return ctl_fail(req, "port %u: %s", port, strerror(errno));
	}
	ctl_set_cancel(req, host_udp_listen_cancel, l);
	return CTL_ASYNC;
}
