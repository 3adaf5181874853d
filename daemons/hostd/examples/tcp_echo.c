/*
 * tcp_echo: an example of hostsock's TCP. It gets its connections from a
 * hostd node and then uses nothing but poll, read, write, shutdown and
 * close on them:
 *
 *   tcp_echo NODE server PORT           echo every connection, several
 *                                       at once, until hostd goes away
 *   tcp_echo NODE client A.B.C.D PORT   send stdin, print what comes back
 *
 * Both sides keep reading while they write: an echo that is not read
 * fills the connection's buffers, and a writer that waits for room then
 * waits for ever. A reset reads as end of file, like the peer's FIN: both
 * sides learn which it was from the connection's status channel.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "hostsock.h"

#define ECHO_CONNS 64
#define ECHO_BUF 4096
#define ECHO_CONNECT_MS 10000

/* A connection being echoed: what was read and is not yet written back. */
struct echo_conn {
	int fd;	       /* -1 once our end is closed */
	int status_fd; /* -1: a free slot */
	char buf[ECHO_BUF];
	size_t off, len;
	char peer[32];
};

static void
echo_name(const struct sockaddr_in *sin, char *buf, size_t len)
{
	char ip[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &sin->sin_addr, ip, sizeof(ip));
	snprintf(buf, len, "%s:%u", ip, ntohs(sin->sin_port));
}

/* Closes our end: a FIN once what was written back is sent. */
static void
echo_done(struct echo_conn *c)
{
	close(c->fd);
	c->fd = -1;
	c->off = c->len = 0;
}

/* The status channel spoke: the connection has ended, in order or not. */
static void
echo_ended(struct echo_conn *c)
{
	int status = hostsock_tcp_status(c->status_fd);

	printf("%s %s\n", c->peer, status == 0 ? "closed" : hostsock_error());
	fflush(stdout);
	if (c->fd >= 0)
		echo_done(c);
	close(c->status_fd);
	c->status_fd = -1;
}

/* One poll round's work for c: write back what it holds, or read more. */
static void
echo_serve(struct echo_conn *c, short revents)
{
	ssize_t n;

	if (c->len) {
		n = write(c->fd, c->buf + c->off, c->len - c->off);
		if (n < 0 && errno != EAGAIN && errno != EINTR)
			echo_done(c);
		else if (n > 0 && (c->off += (size_t)n) == c->len)
			c->off = c->len = 0;
		return;
	}
	if (!(revents & (POLLIN | POLLHUP | POLLERR)))
		return;
	n = read(c->fd, c->buf, sizeof(c->buf));
	if (n > 0)
		c->len = (size_t)n;
	else if (n == 0 || (errno != EAGAIN && errno != EINTR))
		echo_done(c); /* the peer's FIN, or a reset */
}

/* Takes the connection waiting on lfd into a free slot. */
static int
echo_accept(int lfd, struct echo_conn *conns)
{
	struct sockaddr_in peer;
	int status_fd, fd = hostsock_accept(lfd, &peer, NULL, &status_fd);
	struct echo_conn *c = NULL;

	if (fd < 0)
		return errno == ECONNABORTED ? -1 : 0;
	for (int i = 0; i < ECHO_CONNS && !c; i++)
		if (conns[i].status_fd < 0)
			c = &conns[i];
	if (!c) {
		close(fd);
		close(status_fd);
		return 0;
	}
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	*c = (struct echo_conn){.fd = fd, .status_fd = status_fd};
	echo_name(&peer, c->peer, sizeof(c->peer));
	printf("%s connected\n", c->peer);
	fflush(stdout);
	return 0;
}

static int
server(const char *node, const char *port)
{
	static struct echo_conn conns[ECHO_CONNS];
	struct sockaddr_in local;
	char spec[32], name[32];
	int lfd;

	snprintf(spec, sizeof(spec), "0.0.0.0:%s", port);
	if (hostsock_parse_addr(spec, &local) < 0 || !local.sin_port) {
		fprintf(stderr, "tcp_echo: bad port '%s'\n", port);
		return 2;
	}
	lfd = hostsock_tcp_listen(node, &local, 0, &local);
	if (lfd < 0) {
		fprintf(stderr, "tcp_echo: %s\n", hostsock_error());
		return 1;
	}
	echo_name(&local, name, sizeof(name));
	printf("listening on %s\n", name);
	fflush(stdout);
	for (int i = 0; i < ECHO_CONNS; i++)
		conns[i].fd = conns[i].status_fd = -1;
	for (;;) {
		/* The listener, then each slot's connection and status. */
		struct pollfd p[1 + 2 * ECHO_CONNS];

		p[0] = (struct pollfd){.fd = lfd, .events = POLLIN};
		for (int i = 0; i < ECHO_CONNS; i++) {
			p[1 + 2 * i] = (struct pollfd){
			    .fd = conns[i].fd,
			    .events = conns[i].len ? POLLOUT : POLLIN};
			p[2 + 2 * i] = (struct pollfd){.fd = conns[i].status_fd,
						       .events = POLLIN};
		}
		if (poll(p, 1 + 2 * ECHO_CONNS, -1) < 0 && errno != EINTR)
			return 1;
		for (int i = 0; i < ECHO_CONNS; i++) {
			if (conns[i].fd >= 0 && p[1 + 2 * i].revents)
				echo_serve(&conns[i], p[1 + 2 * i].revents);
			if (conns[i].status_fd >= 0 && p[2 + 2 * i].revents)
				echo_ended(&conns[i]);
		}
		if (p[0].revents && echo_accept(lfd, conns) < 0) {
			fprintf(stderr, "tcp_echo: %s\n", hostsock_error());
			return 1;
		}
	}
}

/* Writes all of buf to stdout; -1 when it cannot. */
static int
put_all(const char *buf, size_t len)
{
	return fwrite(buf, 1, len, stdout) == len && fflush(stdout) == 0 ? 0
									 : -1;
}

static int
client(const char *node, const char *addr, const char *port)
{
	char spec[64], out[ECHO_BUF], in[ECHO_BUF];
	size_t off = 0, len = 0;
	bool stdin_done = false;
	struct sockaddr_in peer;
	int fd, status_fd, status;

	snprintf(spec, sizeof(spec), "%s:%s", addr, port);
	if (hostsock_parse_addr(spec, &peer) < 0 || !peer.sin_port) {
		fprintf(stderr, "tcp_echo: bad peer '%s'\n", spec);
		return 2;
	}
	fd = hostsock_tcp_connect(node, NULL, &peer, ECHO_CONNECT_MS, NULL,
				  &status_fd);
	if (fd < 0) {
		fprintf(stderr, "tcp_echo: %s\n", hostsock_error());
		return 1;
	}
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	for (;;) {
		struct pollfd p[2] = {
		    {.fd = stdin_done || len ? -1 : STDIN_FILENO,
		     .events = POLLIN},
		    {.fd = fd, .events = POLLIN | (len ? POLLOUT : 0)},
		};
		ssize_t n;

		if (poll(p, 2, -1) < 0 && errno != EINTR)
			break;
		if (p[0].revents) {
			n = read(STDIN_FILENO, out, sizeof(out));
			if (n > 0) {
				off = 0;
				len = (size_t)n;
			} else if (n == 0 || errno != EINTR) {
				stdin_done = true;
				shutdown(fd, SHUT_WR); /* our FIN */
			}
		}
		if ((p[1].revents & POLLOUT) && len) {
			n = write(fd, out + off, len - off);
			if (n > 0 && (off += (size_t)n) == len)
				off = len = 0;
			else if (n < 0 && errno != EAGAIN && errno != EINTR)
				len =
				    0; /* reset: the read below sees the end */
		}
		if (p[1].revents & (POLLIN | POLLHUP | POLLERR)) {
			n = read(fd, in, sizeof(in));
			if (n == 0 ||
			    (n < 0 && errno != EAGAIN && errno != EINTR))
				break; /* the peer's FIN, or a reset */
			if (n > 0 && put_all(in, (size_t)n) < 0)
				break;
		}
	}
	close(fd);
	/* Only the status channel tells a reset from an orderly close. */
	status = hostsock_tcp_status(status_fd);
	close(status_fd);
	if (status) {
		fprintf(stderr, "tcp_echo: %s\n", hostsock_error());
		return 1;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	signal(SIGPIPE, SIG_IGN); /* a reset then fails a write with EPIPE */
	if (argc == 4 && !strcmp(argv[2], "server"))
		return server(argv[1], argv[3]);
	if (argc == 5 && !strcmp(argv[2], "client"))
		return client(argv[1], argv[3], argv[4]);
	fprintf(stderr, "usage: tcp_echo NODE server PORT\n"
			"       tcp_echo NODE client A.B.C.D PORT\n");
	return 2;
}
