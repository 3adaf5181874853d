/*
 * `udp send` and `udp listen` through hostsock: hopctl gets a UDP socket of
 * the node's stack as a descriptor and uses it like any other.
 */
#include "hopctl_udp.h"

#include <arpa/inet.h>
#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hopctl.h"
#include "ctl_opt.h"
#include "hostsock.h"

#define HOPCTL_UDP_FAIL 1
#define HOPCTL_UDP_USAGE 2

bool
hopctl_udp_wants(int argc, char **argv)
{
	return argc >= 2 && !strcmp(argv[0], "udp") &&
	       (!strcmp(argv[1], "send") || !strcmp(argv[1], "listen"));
}

/* The message: the words joined by blanks with a newline, or stdin. */
static ssize_t
hopctl_udp_message(int argc, char **argv, char *buf, size_t cap)
{
	size_t len = 0;

	if (argc == 0) {
		ssize_t n;

		while ((n = read(STDIN_FILENO, buf + len, cap - len)) > 0)
			len += (size_t)n;
		if (n < 0 || (len == cap && read(STDIN_FILENO, buf, 1) > 0))
			return -1;
		return (ssize_t)len;
	}
	for (int i = 0; i < argc; i++) {
		int n = snprintf(buf + len, cap - len, "%s%s", argv[i],
				 i + 1 < argc ? " " : "\n");

		if (n < 0 || (size_t)n >= cap - len)
			return -1;
		len += (size_t)n;
	}
	return (ssize_t)len;
}

static int
hopctl_udp_send(const char *node, const char *path, int argc, char **argv)
{
	static char msg[HOSTSOCK_PAYLOAD_MAX + 1];
	struct sockaddr_in dst;
	char spec[64];
	ssize_t len;
	int fd;

	snprintf(spec, sizeof(spec), "%s:%s", argc >= 1 ? argv[0] : "",
		 argc >= 2 ? argv[1] : "");
	if (argc < 2 || hostsock_parse_addr(spec, &dst) < 0 || !dst.sin_port)
		return hopctl_error(HOPCTL_UDP_USAGE,
				    "usage: udp send A.B.C.D PORT "
				    "[MESSAGE...]");
	len = hopctl_udp_message(argc - 2, argv + 2, msg, HOSTSOCK_PAYLOAD_MAX);
	if (len < 0)
		return hopctl_error(HOPCTL_UDP_FAIL,
				    "message longer than %d bytes",
				    HOSTSOCK_PAYLOAD_MAX);
	fd = hostsock_udp(path, NULL, &dst, 0, NULL);
	if (fd < 0)
		return hopctl_error(errno == ECONNREFUSED ? HOPCTL_UDP_FAIL
							  : HOPCTL_UDP_USAGE,
				    "%s: %s", node, hostsock_error());
	if (write(fd, msg, (size_t)len) != len) {
		close(fd);
		return hopctl_error(HOPCTL_UDP_FAIL, "%s: send: %s", node,
				    strerror(errno));
	}
	close(fd);
	return 0;
}

static void
hopctl_udp_print(const struct sockaddr_in *from, const char *data, size_t len,
		 bool json)
{
	char ip[INET_ADDRSTRLEN], peer[32];
	json_t *v, *text;

	if (!json) {
		fwrite(data, 1, len, stdout);
		fflush(stdout);
		return;
	}
	inet_ntop(AF_INET, &from->sin_addr, ip, sizeof(ip));
	snprintf(peer, sizeof(peer), "%s:%u", ip, ntohs(from->sin_port));
	v = json_pack("{s:s, s:I}", "from", peer, "len", (json_int_t)len);
	text = json_stringn(data, len);

	if (text)
		json_object_set_new(v, "data", text);
	json_dumpf(v, stdout, JSON_COMPACT);
	json_decref(v);
	fputc('\n', stdout);
	fflush(stdout);
}

static int
hopctl_udp_listen(const char *node, const char *path, int argc, char **argv,
		  bool json)
{
	static char buf[HOSTSOCK_PAYLOAD_MAX];
	struct sockaddr_in local;
	char spec[64];
	long count = 0, seen = 0;
	const struct ctl_opt opts[] = {{'c', CTL_OPT_INT, 1, 1e9, &count}};
	char err[128];
	int fd;

	argc = ctl_opt_parse(argc, argv, opts, 1, err, sizeof(err));
	if (argc < 0)
		return hopctl_error(HOPCTL_UDP_USAGE, "udp listen: %s", err);
	if (argc != 1)
		return hopctl_error(HOPCTL_UDP_USAGE,
				    "usage: udp listen PORT [-c N]");
	snprintf(spec, sizeof(spec), "0.0.0.0:%s", argv[0]);
	if (hostsock_parse_addr(spec, &local) < 0 || !local.sin_port)
		return hopctl_error(HOPCTL_UDP_USAGE, "bad port '%s'", argv[0]);
	fd = hostsock_udp(path, &local, NULL, HOSTSOCK_FRAMED, NULL);
	if (fd < 0)
		return hopctl_error(errno == ECONNREFUSED ? HOPCTL_UDP_FAIL
							  : HOPCTL_UDP_USAGE,
				    "%s: %s", node, hostsock_error());
	while (!count || seen < count) {
		struct hostsock_hdr hdr;
		struct sockaddr_in from;
		ssize_t n =
		    hostsock_recvfrom(fd, buf, sizeof(buf), &from, &hdr);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			close(fd);
			return hopctl_error(HOPCTL_UDP_FAIL, "%s: %s", node,
					    hostsock_error());
		}
		if (hdr.kind != HOSTSOCK_DATA)
			continue;
		hopctl_udp_print(&from, buf, (size_t)n, json);
		seen++;
	}
	close(fd);
	return 0;
}

int
hopctl_udp(const char *node, const char *path, int argc, char **argv, bool json)
{
	if (!strcmp(argv[1], "send"))
		return hopctl_udp_send(node, path, argc - 2, argv + 2);
	return hopctl_udp_listen(node, path, argc - 2, argv + 2, json);
}
