/* A fake hostd in a child process, for tests of hostsock's clients. */
#include "fake_hostd.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "hostsock.h"

/* Sends len bytes of buf on sock, with the n descriptors of fds. */
static void
fake_send(int sock, const void *buf, size_t len, const int *fds, int n)
{
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(3 * sizeof(int))];
	} cbuf;
	struct iovec iov = {(void *)buf, len};
	struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1};
	struct cmsghdr *c;

	if (n > 0) {
		msg.msg_control = cbuf.buf;
		msg.msg_controllen = CMSG_SPACE((size_t)n * sizeof(int));
		c = CMSG_FIRSTHDR(&msg);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN((size_t)n * sizeof(int));
		memcpy(CMSG_DATA(c), fds, (size_t)n * sizeof(int));
	}
	sendmsg(sock, &msg, MSG_NOSIGNAL);
}

/* Waits for fd to be readable and reads it: what read() gave, or -2. */
static ssize_t
fake_wait_read(int fd, char *buf, size_t len)
{
	struct pollfd p = {.fd = fd, .events = POLLIN};

	if (poll(&p, 1, FAKE_WAIT_MS) != 1)
		return -2;
	return read(fd, buf, len);
}

/* The child's state: its control connection and its listener. */
struct fake_child {
	struct fake_hostd *f;
	int ctl;
	int lfd;     /* our end of the listener, -1 before FAKE_LISTEN */
	int backlog; /* the request's -q */
	int unacked; /* connections passed and not yet acknowledged */
	int acks;
	bool unlistened; /* the client closed the listener */
};

/* Tells the test the acknowledgements read, and exits with status. */
static void __attribute__((noreturn))
fake_exit(struct fake_child *c, int status)
{
	if (write(c->f->acks_pipe[1], &c->acks, sizeof(c->acks)) < 0)
		status = 1;
	_exit(status); /* not exit: the parent's buffered output is not ours */
}

/* Reads one acknowledgement (or the end) from the listener, or exits. */
static void
fake_read_ack(struct fake_child *c)
{
	char acks[64];
	ssize_t n = c->lfd < 0 || c->unlistened
			? -2
			: fake_wait_read(c->lfd, acks, sizeof(acks));

	if (n < 0)
		fake_exit(c, FAKE_TIMED_OUT);
	if (n == 0)
		c->unlistened = true;
	c->acks += (int)n;
	c->unacked -= (int)n;
}

/* FAKE_ACCEPT: passes connection s->pass as s says, room permitting. */
static void
fake_pass(struct fake_child *c, const struct fake_step *s)
{
	struct fake_hostd *f = c->f;
	int i = s->pass - 1;
	int fds[3] = {f->conn[i][1], f->status_ch[i][1],
		      f->conn[(i + 1) % FAKE_CONNS][1]};
	struct sockaddr_in local, remote;
	struct hostsock_accepted a;
	char addrs[64], *space, msg[64] = {0};

	snprintf(addrs, sizeof(addrs), "%s", s->text);
	space = strchr(addrs, ' ');
	if (!space || s->len > sizeof(msg) || s->fds > 3)
		abort();
	*space = '\0';
	local = fake_addr(addrs);
	remote = fake_addr(space + 1);
	a = (struct hostsock_accepted){
	    .laddr = local.sin_addr.s_addr,
	    .raddr = remote.sin_addr.s_addr,
	    .lport = local.sin_port,
	    .rport = remote.sin_port,
	};
	memcpy(msg, &a, sizeof(a));
	while (c->unacked >= c->backlog)
		fake_read_ack(c);
	fake_send(c->lfd, msg, s->len, fds, s->fds);
	c->unacked++;
}

/* FAKE_LISTEN: a listener as hostd makes it, its end passed with text. */
static void
fake_listen(struct fake_child *c, const char *text)
{
	int pair[2];

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) < 0)
		fake_exit(c, 1);
	fake_send(c->ctl, text, strlen(text), &pair[1], 1);
	close(pair[1]);
	c->lfd = pair[0];
}

/* Plays step s. */
static void
fake_play(struct fake_child *c, const struct fake_step *s)
{
	struct timespec pause = {0, 50 * 1000 * 1000};
	struct fake_hostd *f = c->f;
	ssize_t n;
	char ch;

	switch (s->act) {
	case FAKE_SEND:
		fake_send(c->ctl, s->text, strlen(s->text),
			  s->pass ? &f->conn[s->pass - 1][1] : NULL,
			  s->pass ? 1 : 0);
		break;
	case FAKE_GO:
		if (fake_wait_read(f->go_pipe[0], &ch, 1) != 1)
			fake_exit(c, FAKE_TIMED_OUT);
		break;
	case FAKE_PAUSE:
		nanosleep(&pause, NULL);
		break;
	case FAKE_CLOSED:
		do
			n = fake_wait_read(c->ctl, &ch, 1);
		while (n > 0);
		if (n != 0)
			fake_exit(c, FAKE_TIMED_OUT);
		break;
	case FAKE_LISTEN:
		fake_listen(c, s->text);
		break;
	case FAKE_ACCEPT:
		fake_pass(c, s);
		break;
	case FAKE_ACKED:
		while (c->unacked > 0)
			fake_read_ack(c);
		break;
	case FAKE_UNLISTENED:
		while (!c->unlistened)
			fake_read_ack(c);
		break;
	case FAKE_END:
		break;
	}
}

/* The request's backlog: its -q, or hostd's default. */
static int
fake_backlog(const char *req)
{
	const char *q = strstr(req, " -q ");

	return q ? atoi(q + 4) : 16;
}

/* The child: one connection, one request, the script, then gone. */
static void __attribute__((noreturn))
fake_serve(struct fake_hostd *f, const struct fake_step *steps)
{
	struct fake_child c = {.f = f, .lfd = -1};
	char req[sizeof(f->request)];
	size_t len = 0;
	ssize_t n;

	c.ctl = accept(f->listen_fd, NULL, NULL);
	while (c.ctl >= 0 && len < sizeof(req) - 1 && !memchr(req, '\n', len)) {
		n = read(c.ctl, req + len, sizeof(req) - 1 - len);
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	req[len] = '\0';
	if (write(f->request_pipe[1], req, len) < 0)
		fake_exit(&c, 1);
	c.backlog = fake_backlog(req);
	for (const struct fake_step *s = steps; s->act != FAKE_END; s++)
		fake_play(&c, s);
	fake_exit(&c, 0);
}

int
fake_hostd_start(struct fake_hostd *f, const struct fake_step *steps)
{
	f->pid = fork();
	if (f->pid == 0)
		fake_serve(f, steps);
	return f->pid < 0 ? -1 : 0;
}

void
fake_hostd_go(struct fake_hostd *f)
{
	if (write(f->go_pipe[1], "g", 1) != 1)
		abort();
}

void
fake_hostd_finish(struct fake_hostd *f)
{
	struct timespec pause = {0, 5 * 1000 * 1000};
	pid_t done = 0;
	int status = 0;
	ssize_t n;

	if (f->pid <= 0)
		return;
	for (int i = 0; i < 2 * FAKE_WAIT_MS / 5 && done == 0; i++) {
		done = waitpid(f->pid, &status, WNOHANG);
		if (done == 0)
			nanosleep(&pause, NULL);
	}
	if (done == 0) {
		kill(f->pid, SIGKILL);
		waitpid(f->pid, NULL, 0);
	}
	f->status = done && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
	f->pid = 0;
	if (read(f->acks_pipe[0], &f->acks, sizeof(f->acks)) != sizeof(f->acks))
		f->acks = -1;
	n = read(f->request_pipe[0], f->request, sizeof(f->request) - 1);
	f->request[n > 0 ? n : 0] = '\0';
}

int
fake_hostd_open(struct fake_hostd *f, int conn_type)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	const char *tmp = getenv("TMPDIR");
	char lab[sizeof(f->dir) + 8];

	memset(f, 0, sizeof(*f));
	f->listen_fd = f->request_pipe[0] = f->request_pipe[1] = -1;
	f->go_pipe[0] = f->go_pipe[1] = -1;
	f->acks_pipe[0] = f->acks_pipe[1] = -1;
	for (int i = 0; i < FAKE_CONNS; i++)
		f->conn[i][0] = f->conn[i][1] = f->status_ch[i][0] =
		    f->status_ch[i][1] = -1;
	if (!tmp || !*tmp || strlen(tmp) > 48)
		tmp = "/tmp";
	snprintf(f->dir, sizeof(f->dir), "%s/fake-hostd-XXXXXX", tmp);
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(lab, sizeof(lab), "%s/lab1", f->dir);
	snprintf(f->path, sizeof(f->path), "%s/lab1/h1.sock", f->dir);
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", f->path);
	f->listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (mkdir(lab, 0700) < 0 ||
	    bind(f->listen_fd, (struct sockaddr *)&sun, sizeof(sun)) < 0 ||
	    listen(f->listen_fd, 4) < 0 ||
	    pipe2(f->request_pipe, O_NONBLOCK | O_CLOEXEC) < 0 ||
	    pipe2(f->go_pipe, O_CLOEXEC) < 0 ||
	    pipe2(f->acks_pipe, O_NONBLOCK | O_CLOEXEC) < 0)
		return -1;
	for (int i = 0; i < FAKE_CONNS; i++)
		if (socketpair(AF_UNIX, conn_type | SOCK_CLOEXEC, 0,
			       f->conn[i]) < 0 ||
		    socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0,
			       f->status_ch[i]) < 0)
			return -1;
	setenv("HOPLAB_RUN_DIR", f->dir, 1);
	return 0;
}

static void
fake_close(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

void
fake_hostd_close(struct fake_hostd *f)
{
	char lab[sizeof(f->dir) + 8];

	fake_hostd_finish(f);
	fake_close(&f->listen_fd);
	for (int i = 0; i < 2; i++) {
		fake_close(&f->request_pipe[i]);
		fake_close(&f->go_pipe[i]);
		fake_close(&f->acks_pipe[i]);
		for (int c = 0; c < FAKE_CONNS; c++) {
			fake_close(&f->conn[c][i]);
			fake_close(&f->status_ch[c][i]);
		}
	}
	unlink(f->path);
	snprintf(lab, sizeof(lab), "%s/lab1", f->dir);
	rmdir(lab);
	rmdir(f->dir);
	unsetenv("HOPLAB_RUN_DIR");
}

int
fake_hostd_open_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;

	if (!d)
		return -1;
	while (readdir(d))
		n++;
	closedir(d);
	return n;
}

struct sockaddr_in
fake_addr(const char *text)
{
	struct sockaddr_in sin;

	if (hostsock_parse_addr(text, &sin) < 0)
		abort();
	return sin;
}

const char *
fake_addr_text(const struct sockaddr_in *sin)
{
	static char bufs[4][32];
	static int next;
	char *b = bufs[next++ % 4], ip[INET_ADDRSTRLEN];

	if (sin->sin_family != AF_INET)
		return "(not AF_INET)";
	inet_ntop(AF_INET, &sin->sin_addr, ip, sizeof(ip));
	snprintf(b, sizeof(bufs[0]), "%s:%u", ip, ntohs(sin->sin_port));
	return b;
}

/* Writes text into from and reads it back out of to. */
static bool
fake_passes(int from, int to, const char *text)
{
	char got[32] = "";
	ssize_t len = (ssize_t)strlen(text);

	return write(from, text, (size_t)len) == len &&
	       recv(to, got, sizeof(got) - 1, MSG_DONTWAIT) == len &&
	       !strcmp(got, text);
}

bool
fake_joined(int fd, int other)
{
	return fake_passes(fd, other, "to peer") &&
	       fake_passes(other, fd, "from peer");
}
