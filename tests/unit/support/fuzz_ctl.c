/* Control-socket fuzzing support: clients of a real control server. */
#include "fuzz_ctl.h"

#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

/* Turns of the loop a request gets to answer before it counts as
 * streaming: accepting, reading and replying take one each. */
#define FUZZ_CTL_ROUNDS 6
#define FUZZ_CTL_FDS_MAX 4 /* descriptors taken from one reply */
#define FUZZ_CTL_READ_CHUNK 65536
/* Time given to requests still streaming at the end: short timers (ping
 * -i 0.001, traceroute -w 0.01) fire, long ones never make an input slow. */
#define FUZZ_CTL_WAITS 3
#define FUZZ_CTL_WAIT 0.004

struct fuzz_client {
	int fd; /* -1: a free slot */
	char *in;
	size_t len, cap;
	unsigned answers; /* closing lines seen */
	bool eof;
};

static char fuzz_dir[96];
static char fuzz_sock[sizeof(((struct sockaddr_un *)0)->sun_path)];
static struct fuzz_client fuzz_clients[FUZZ_CTL_CLIENTS_MAX];

static int
fuzz_ctl_rm(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void
fuzz_ctl_cleanup(void)
{
	nftw(fuzz_dir, fuzz_ctl_rm, 8, FTW_DEPTH | FTW_PHYS);
}

const char *
fuzz_ctl_dir(void)
{
	const char *tmp = getenv("TMPDIR");

	if (fuzz_dir[0])
		return fuzz_dir;
	/* The socket's path must fit in sun_path. */
	if (!tmp || !*tmp || strlen(tmp) > 64)
		tmp = "/tmp";
	snprintf(fuzz_dir, sizeof(fuzz_dir), "%s/hoplab-fuzz-XXXXXX", tmp);
	if (!mkdtemp(fuzz_dir))
		abort();
	snprintf(fuzz_sock, sizeof(fuzz_sock), "%s/ctl.sock", fuzz_dir);
	atexit(fuzz_ctl_cleanup);
	for (int i = 0; i < FUZZ_CTL_CLIENTS_MAX; i++)
		fuzz_clients[i].fd = -1;
	return fuzz_dir;
}

int
fuzz_ctl_open_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	if (!d)
		return 0;
	while ((e = readdir(d))) {
		char link[64], target[PATH_MAX];
		struct stat st;
		int fd = atoi(e->d_name);
		ssize_t len;

		if (e->d_name[0] == '.' || fd == dirfd(d) || fstat(fd, &st) < 0)
			continue;
		snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
		len = readlink(link, target, sizeof(target) - 1);
		target[len > 0 ? len : 0] = '\0';
		/* Not the pipes and event descriptors of the fuzzer and the
		 * loop, which come and go on their own. */
		if (S_ISSOCK(st.st_mode) ||
		    !strncmp(target, fuzz_dir, strlen(fuzz_dir)))
			n++;
	}
	closedir(d);
	return n;
}

/* One reply line: always JSON; the one that ends a request has "ok". */
static void
fuzz_client_line(struct fuzz_client *c, const char *line)
{
	json_t *v = json_loads(line, JSON_DECODE_ANY, NULL);

	if (!v)
		__builtin_trap();
	if (json_is_boolean(json_object_get(v, "ok")))
		c->answers++;
	json_decref(v);
}

/* A descriptor passed with a reply: one message written, then closed. */
static void
fuzz_client_fds(struct msghdr *msg)
{
	for (struct cmsghdr *cm = CMSG_FIRSTHDR(msg); cm;
	     cm = CMSG_NXTHDR(msg, cm)) {
		size_t n;

		if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS)
			continue;
		n = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (size_t i = 0; i < n; i++) {
			int fd;

			memcpy(&fd, CMSG_DATA(cm) + i * sizeof(int),
			       sizeof(fd));
			send(fd, "fuzz\n", 5, MSG_DONTWAIT | MSG_NOSIGNAL);
			close(fd);
		}
	}
}

bool
fuzz_ctl_read(int i)
{
	struct fuzz_client *c = &fuzz_clients[i];

	while (c->fd >= 0 && !c->eof) {
		union {
			struct cmsghdr align;
			char buf[CMSG_SPACE(FUZZ_CTL_FDS_MAX * sizeof(int))];
		} cbuf;
		struct iovec iov;
		struct msghdr msg = {.msg_iov = &iov,
				     .msg_iovlen = 1,
				     .msg_control = cbuf.buf,
				     .msg_controllen = sizeof(cbuf.buf)};
		char *nl;
		ssize_t n;

		if (c->cap - c->len < FUZZ_CTL_READ_CHUNK / 2) {
			char *in = realloc(c->in, c->cap + FUZZ_CTL_READ_CHUNK);

			if (!in)
				abort();
			c->in = in;
			c->cap += FUZZ_CTL_READ_CHUNK;
		}
		iov.iov_base = c->in + c->len;
		iov.iov_len = c->cap - c->len - 1;
		n = recvmsg(c->fd, &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			break;
		if (n <= 0) {
			c->eof = true;
			break;
		}
		fuzz_client_fds(&msg);
		c->len += (size_t)n;
		c->in[c->len] = '\0';
		while ((nl = memchr(c->in, '\n', c->len))) {
			*nl = '\0';
			fuzz_client_line(c, c->in);
			c->len -= (size_t)(nl + 1 - c->in);
			memmove(c->in, nl + 1, c->len + 1);
		}
	}
	return c->fd >= 0 && !c->eof;
}

unsigned
fuzz_ctl_answers(int i)
{
	return fuzz_clients[i].answers;
}

void
fuzz_ctl_hang_up(int i)
{
	struct fuzz_client *c = &fuzz_clients[i];

	if (c->fd >= 0)
		close(c->fd);
	free(c->in);
	*c = (struct fuzz_client){.fd = -1};
}

void
fuzz_ctl_turn(void)
{
	ev_run(EV_DEFAULT, EVRUN_NOWAIT);
}

/* A turn of the loop, and every client reads what came. */
static void
fuzz_ctl_pump(void)
{
	fuzz_ctl_turn();
	for (int i = 0; i < FUZZ_CTL_CLIENTS_MAX; i++)
		fuzz_ctl_read(i);
}

int
fuzz_ctl_connect(void)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};

	memcpy(sun.sun_path, fuzz_sock, strlen(fuzz_sock) + 1);
	for (int i = 0; i < FUZZ_CTL_CLIENTS_MAX; i++) {
		struct fuzz_client *c = &fuzz_clients[i];

		if (c->fd >= 0)
			continue;
		c->fd = socket(AF_UNIX,
			       SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		if (c->fd < 0)
			abort();
		/* A full backlog waits for the server to accept. */
		for (int k = 0; k < FUZZ_CTL_ROUNDS; k++) {
			if (connect(c->fd, (struct sockaddr *)&sun,
				    sizeof(sun)) == 0)
				return i;
			if (errno != EAGAIN)
				abort();
			fuzz_ctl_turn();
		}
		fuzz_ctl_hang_up(i);
		return -1;
	}
	return -1;
}

void
fuzz_ctl_send(int i, const void *buf, size_t len)
{
	if (fuzz_clients[i].fd >= 0)
		send(fuzz_clients[i].fd, buf, len, MSG_DONTWAIT | MSG_NOSIGNAL);
}

void
fuzz_ctl_shutdown(int i)
{
	if (fuzz_clients[i].fd >= 0)
		shutdown(fuzz_clients[i].fd, SHUT_WR);
}

struct ctl_server *
fuzz_ctl_open(const struct ctl_cmd *table, size_t n, void *arg)
{
	struct ctl_server *srv;
	char err[256];

	fuzz_ctl_dir();
	srv = ctl_server_open(EV_DEFAULT, fuzz_sock, table, n, arg, err,
			      sizeof(err));
	if (!srv)
		abort();
	return srv;
}

void
fuzz_ctl_close(struct ctl_server *srv)
{
	for (int i = 0; i < FUZZ_CTL_CLIENTS_MAX; i++)
		fuzz_ctl_hang_up(i);
	/* The server sees them go and cancels their requests. */
	fuzz_ctl_turn();
	fuzz_ctl_turn();
	ctl_server_close(srv);
}

/*
 * Sends one request; a last line without a newline is sent as it is and
 * followed by the end of the client's input, as `printf CMD | nc -U`.
 */
static void
fuzz_ctl_request(const char *line, size_t len, bool last)
{
	int c = fuzz_ctl_connect();

	if (c < 0) {
		/* Every client streams: they go, and make room. */
		for (int i = 0; i < FUZZ_CTL_CLIENTS_MAX; i++)
			fuzz_ctl_hang_up(i);
		fuzz_ctl_turn();
		c = fuzz_ctl_connect();
		if (c < 0)
			abort();
	}
	fuzz_ctl_send(c, line, len);
	if (last)
		fuzz_ctl_shutdown(c);
	else
		fuzz_ctl_send(c, "\n", 1);
	for (int i = 0;
	     i < FUZZ_CTL_ROUNDS && fuzz_ctl_read(c) && !fuzz_ctl_answers(c);
	     i++)
		fuzz_ctl_pump();
	if (fuzz_ctl_answers(c) || !fuzz_ctl_read(c))
		fuzz_ctl_hang_up(c);
}

static bool
fuzz_ctl_streaming(void)
{
	for (int i = 0; i < FUZZ_CTL_CLIENTS_MAX; i++)
		if (fuzz_clients[i].fd >= 0 && !fuzz_clients[i].eof &&
		    !fuzz_clients[i].answers)
			return true;
	return false;
}

static void
fuzz_ctl_wake(struct ev_loop *loop, ev_timer *w, int revents)
{
	(void)loop;
	(void)w;
	(void)revents;
}

/* Lets the loop wait for its next event, FUZZ_CTL_WAIT at most. */
static void
fuzz_ctl_wait(void)
{
	ev_timer wake;

	ev_timer_init(&wake, fuzz_ctl_wake, FUZZ_CTL_WAIT, 0.0);
	ev_timer_start(EV_DEFAULT, &wake);
	ev_run(EV_DEFAULT, EVRUN_ONCE);
	ev_timer_stop(EV_DEFAULT, &wake);
	for (int i = 0; i < FUZZ_CTL_CLIENTS_MAX; i++)
		fuzz_ctl_read(i);
}

void
fuzz_ctl_run(const struct ctl_cmd *table, size_t n, void *arg,
	     const uint8_t *data, size_t size)
{
	fuzz_ctl_serve(fuzz_ctl_open(table, n, arg), data, size);
}

const char *
fuzz_ctl_path(void)
{
	fuzz_ctl_dir();
	return fuzz_sock;
}

void
fuzz_ctl_serve(struct ctl_server *srv, const uint8_t *data, size_t size)
{
	const char *line = (const char *)data;
	int lines = 0;

	while (size > 0 && lines++ < FUZZ_CTL_LINES_MAX) {
		const char *nl = memchr(line, '\n', size);
		size_t len = nl ? (size_t)(nl - line) : size;

		fuzz_ctl_request(line, len, !nl);
		if (!nl)
			break;
		size -= len + 1;
		line = nl + 1;
	}
	/* Streams get a few more turns before their clients go. */
	for (int i = 0; i < FUZZ_CTL_ROUNDS; i++)
		fuzz_ctl_pump();
	for (int i = 0; i < FUZZ_CTL_WAITS && fuzz_ctl_streaming(); i++)
		fuzz_ctl_wait();
	fuzz_ctl_close(srv);
}
