/*
 * udp_echo: an example of hostsock. It opens a UDP socket on a hostd node
 * and then uses nothing but poll, read and write on the descriptor:
 *
 *   udp_echo NODE serve PORT [N]     echo N datagrams (default: forever)
 *                                    back to their senders
 *   udp_echo NODE ask A.B.C.D PORT MESSAGE
 *                                    send MESSAGE, print the answer
 *
 * `serve` uses a framed descriptor (each message starts with a struct
 * hostsock_hdr naming the peer); `ask` a connected one, where a message is
 * just the datagram.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hostsock.h"

static int
serve(const char *node, const char *port, long count)
{
	static char msg[HOSTSOCK_MSG_MAX];
	struct sockaddr_in local;
	char spec[32];
	int fd;

	snprintf(spec, sizeof(spec), "0.0.0.0:%s", port);
	if (hostsock_parse_addr(spec, &local) < 0) {
		fprintf(stderr, "udp_echo: bad port '%s'\n", port);
		return 2;
	}
	fd = hostsock_udp(node, &local, NULL, HOSTSOCK_FRAMED, NULL);
	if (fd < 0) {
		fprintf(stderr, "udp_echo: %s\n", hostsock_error());
		return 1;
	}
	printf("listening on port %s\n", port);
	fflush(stdout);
	for (long served = 0; !count || served < count;) {
		struct hostsock_hdr hdr;
		ssize_t n = read(fd, msg, sizeof(msg));

		if (n <= 0)
			return n < 0 && errno == EINTR ? 0 : 1;
		if ((size_t)n < HOSTSOCK_HDR_LEN)
			continue;
		memcpy(&hdr, msg, sizeof(hdr));
		if (hdr.kind != HOSTSOCK_DATA)
			continue;
		/* The same header names the peer to answer. */
		if (write(fd, msg, (size_t)n) != n)
			return 1;
		served++;
	}
	close(fd);
	return 0;
}

static int
ask(const char *node, const char *addr, const char *port, const char *text)
{
	char spec[64], answer[HOSTSOCK_PAYLOAD_MAX + 1];
	struct sockaddr_in peer;
	struct pollfd p;
	ssize_t n;
	int fd;

	snprintf(spec, sizeof(spec), "%s:%s", addr, port);
	if (hostsock_parse_addr(spec, &peer) < 0 || !peer.sin_port) {
		fprintf(stderr, "udp_echo: bad peer '%s'\n", spec);
		return 2;
	}
	fd = hostsock_udp(node, NULL, &peer, 0, NULL);
	if (fd < 0) {
		fprintf(stderr, "udp_echo: %s\n", hostsock_error());
		return 1;
	}
	if (write(fd, text, strlen(text)) < 0)
		return 1;
	p = (struct pollfd){.fd = fd, .events = POLLIN};
	if (poll(&p, 1, 5000) != 1) {
		fprintf(stderr, "udp_echo: no answer\n");
		return 1;
	}
	n = read(fd, answer, sizeof(answer) - 1);
	if (n < 0)
		return 1;
	answer[n] = '\0';
	printf("%s\n", answer);
	close(fd);
	return 0;
}

int
main(int argc, char **argv)
{
	if (argc >= 4 && !strcmp(argv[2], "serve"))
		return serve(argv[1], argv[3], argc > 4 ? atol(argv[4]) : 0);
	if (argc == 6 && !strcmp(argv[2], "ask"))
		return ask(argv[1], argv[3], argv[4], argv[5]);
	fprintf(stderr, "usage: udp_echo NODE serve PORT [N]\n"
			"       udp_echo NODE ask A.B.C.D PORT MESSAGE\n");
	return 2;
}
