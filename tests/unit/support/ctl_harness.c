/* Control-socket unit test support: a server and clients on real sockets. */
#include "ctl_harness.h"

#include <errno.h>
#include <ftw.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define CTL_HARNESS_POLL_MS 5

static int64_t
ctl_harness_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int
ctl_harness_open(struct ctl_harness *h, const struct ctl_cmd *table, size_t n,
		 void *arg)
{
	const char *tmp = getenv("TMPDIR");
	char err[256];

	memset(h, 0, sizeof(*h));
	if (!tmp || !*tmp || strlen(tmp) > 64)
		tmp = "/tmp";
	snprintf(h->dir, sizeof(h->dir), "%s/hoplab-ctl-XXXXXX", tmp);
	if (!mkdtemp(h->dir)) {
		fprintf(stderr, "ctl_harness_open: %s: %s\n", h->dir,
			strerror(errno));
		return -1;
	}
	snprintf(h->path, sizeof(h->path), "%s/ctl.sock", h->dir);
	h->table = table;
	h->n = n;
	h->arg = arg;
	h->loop = ev_loop_new(EVFLAG_AUTO);
	h->srv = ctl_harness_reopen(h, err, sizeof(err));
	if (!h->srv) {
		fprintf(stderr, "ctl_harness_open: %s\n", err);
		return -1;
	}
	return 0;
}

struct ctl_server *
ctl_harness_reopen(struct ctl_harness *h, char *err, size_t errlen)
{
	return ctl_server_open(h->loop, h->path, h->table, h->n, h->arg, err,
			       errlen);
}

static int
ctl_harness_rm(const char *path, const struct stat *sb, int flag,
	       struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

void
ctl_harness_close(struct ctl_harness *h)
{
	ctl_server_close(h->srv);
	h->srv = NULL;
	if (h->dir[0])
		nftw(h->dir, ctl_harness_rm, 8, FTW_DEPTH | FTW_PHYS);
	if (h->loop)
		ev_loop_destroy(h->loop);
	h->loop = NULL;
}

void
ctl_harness_file(const struct ctl_harness *h, const char *name, char *path,
		 size_t len)
{
	snprintf(path, len, "%s/%s", h->dir, name);
}

struct ctl_client *
ctl_client_open(const struct ctl_harness *h)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	struct ctl_client *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	memcpy(sun.sun_path, h->path, sizeof(h->path));
	c->passed_fd = -1;
	c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (c->fd < 0 ||
	    connect(c->fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		if (c->fd >= 0)
			close(c->fd);
		free(c);
		return NULL;
	}
	return c;
}

void
ctl_client_close(struct ctl_client *c)
{
	if (!c)
		return;
	close(c->fd);
	if (c->passed_fd >= 0)
		close(c->passed_fd);
	free(c);
}

int
ctl_client_send(struct ctl_client *c, const void *data, size_t len)
{
	ssize_t n = send(c->fd, data, len, MSG_NOSIGNAL);

	return n == (ssize_t)len ? 0 : -1;
}

/* Takes what has arrived, and a descriptor that came with it. */
static void
ctl_client_read(struct ctl_client *c)
{
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(int))];
	} cbuf;
	struct iovec iov = {c->buf + c->len, sizeof(c->buf) - 1 - c->len};
	struct msghdr msg = {.msg_iov = &iov,
			     .msg_iovlen = 1,
			     .msg_control = cbuf.buf,
			     .msg_controllen = sizeof(cbuf.buf)};
	struct cmsghdr *cm;
	ssize_t n;

	if (iov.iov_len == 0)
		return; /* a line longer than any reply of the tests */
	n = recvmsg(c->fd, &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
		c->eof = true;
	if (n <= 0)
		return;
	c->len += (size_t)n;
	cm = CMSG_FIRSTHDR(&msg);
	if (cm && cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS) {
		if (c->passed_fd >= 0)
			close(c->passed_fd);
		memcpy(&c->passed_fd, CMSG_DATA(cm), sizeof(int));
	}
}

void
ctl_harness_pump(struct ctl_harness *h, struct ctl_client *c)
{
	struct pollfd p = {.fd = c ? c->fd : -1, .events = POLLIN};

	ev_run(h->loop, EVRUN_NOWAIT);
	poll(&p, 1, CTL_HARNESS_POLL_MS);
	if (c && !c->eof && (p.revents & (POLLIN | POLLHUP)))
		ctl_client_read(c);
}

void
ctl_harness_pump_for(struct ctl_harness *h, struct ctl_client *c, int ms)
{
	int64_t end = ctl_harness_now_ms() + ms;

	while (ctl_harness_now_ms() < end)
		ctl_harness_pump(h, c);
}

int
ctl_harness_pump_until(struct ctl_harness *h, struct ctl_client *c,
		       const int *counter, int want)
{
	int64_t deadline = ctl_harness_now_ms() + CTL_HARNESS_DEADLINE_MS;

	while (*counter < want && ctl_harness_now_ms() < deadline)
		ctl_harness_pump(h, c);
	return *counter;
}

json_t *
ctl_client_line(struct ctl_harness *h, struct ctl_client *c)
{
	int64_t deadline = ctl_harness_now_ms() + CTL_HARNESS_DEADLINE_MS;
	json_t *line;
	char *nl;

	while (!(nl = memchr(c->buf, '\n', c->len))) {
		if (c->eof || ctl_harness_now_ms() > deadline)
			return NULL;
		ctl_harness_pump(h, c);
	}
	line = json_loadb(c->buf, (size_t)(nl - c->buf), JSON_DECODE_ANY, NULL);
	c->len -= (size_t)(nl + 1 - c->buf);
	memmove(c->buf, nl + 1, c->len);
	return line;
}

json_t *
ctl_client_reply(struct ctl_harness *h, struct ctl_client *c)
{
	json_t *lines = json_array(), *line;

	while ((line = ctl_client_line(h, c))) {
		bool closing = json_object_get(line, "ok") != NULL;

		json_array_append_new(lines, line);
		if (closing)
			return lines;
	}
	json_decref(lines);
	return NULL;
}

json_t *
ctl_client_request(struct ctl_harness *h, struct ctl_client *c,
		   const char *text)
{
	if (ctl_client_send(c, text, strlen(text)) < 0)
		return NULL;
	return ctl_client_reply(h, c);
}

json_t *
ctl_harness_request(struct ctl_harness *h, const char *text)
{
	struct ctl_client *c = ctl_client_open(h);
	json_t *reply = c ? ctl_client_request(h, c, text) : NULL;

	ctl_client_close(c);
	return reply;
}

json_t *
ctl_reply_end(json_t *reply)
{
	return json_array_get(reply, json_array_size(reply) - 1);
}

bool
ctl_reply_ok(json_t *reply)
{
	return json_is_true(json_object_get(ctl_reply_end(reply), "ok"));
}

const char *
ctl_reply_error(json_t *reply)
{
	if (!json_is_false(json_object_get(ctl_reply_end(reply), "ok")))
		return NULL;
	return json_string_value(
	    json_object_get(ctl_reply_end(reply), "error"));
}

bool
ctl_reply_usage(json_t *reply)
{
	return json_is_true(json_object_get(ctl_reply_end(reply), "usage"));
}

const char *
ctl_reply_text(json_t *reply, size_t i)
{
	return json_string_value(
	    json_object_get(json_array_get(reply, i), "text"));
}
