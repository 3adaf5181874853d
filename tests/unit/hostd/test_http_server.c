/*
 * hostd's HTTP server: what a target resolves to beneath the served
 * directory (http_file.c), and the server itself driven through TCP
 * segments on an in-memory port with a test clock: the status it picks
 * for each request, keep-alive and pipelining, HEAD, a file larger than
 * the window, the header timeout, the connection limit, and stopping.
 */
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "http_file.h"
#include "http_server.h"
/* Not every helper of the harness is used here. */
#pragma GCC diagnostic ignored "-Wunused-function"
#include "tcp_harness.h"

#define BIG_LEN 200000

struct http_fixture {
	struct fixture *f;
	char dir[64];
	char outside[96];
};

static struct http_fixture hx;

static void
write_file(const char *path, const char *text, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, len), (ssize_t)len);
	close(fd);
}

static void
make_tree(void)
{
	char p[160];
	static char big[BIG_LEN];

	snprintf(hx.dir, sizeof(hx.dir), "/tmp/hoplab-http-XXXXXX");
	assert_non_null(mkdtemp(hx.dir));
	snprintf(hx.outside, sizeof(hx.outside), "%s.secret", hx.dir);
	write_file(hx.outside, "secret", 6);
	snprintf(p, sizeof(p), "%s/www", hx.dir);
	assert_int_equal(mkdir(p, 0755), 0);
	snprintf(p, sizeof(p), "%s/www/a.txt", hx.dir);
	write_file(p, "hello\n", 6);
	snprintf(p, sizeof(p), "%s/www/sub", hx.dir);
	assert_int_equal(mkdir(p, 0755), 0);
	snprintf(p, sizeof(p), "%s/www/sub/index.html", hx.dir);
	write_file(p, "<p>sub</p>\n", 11);
	snprintf(p, sizeof(p), "%s/www/bare", hx.dir);
	assert_int_equal(mkdir(p, 0755), 0);
	snprintf(p, sizeof(p), "%s/www/big.bin", hx.dir);
	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (char)(i % 253);
	write_file(p, big, sizeof(big));
	snprintf(p, sizeof(p), "%s/www/fifo", hx.dir);
	assert_int_equal(mkfifo(p, 0644), 0);
	snprintf(p, sizeof(p), "%s/www/out-abs", hx.dir);
	assert_int_equal(symlink(hx.outside, p), 0);
	snprintf(p, sizeof(p), "%s/www/out-rel", hx.dir);
	assert_int_equal(symlink("../../hoplab-secret-none", p), 0);
	snprintf(p, sizeof(p), "%s/www/in", hx.dir);
	assert_int_equal(symlink("a.txt", p), 0);
}

static void
remove_tree(void)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s' '%s'", hx.dir, hx.outside);
	assert_int_equal(system(cmd), 0);
}

static int
setup(void **state)
{
	char www[128], err[128];

	if (harness_setup(state) < 0)
		return -1;
	hx.f = *state;
	make_tree();
	snprintf(www, sizeof(www), "%s/www", hx.dir);
	return http_server_start(&hx.f->h, 80, www, err, sizeof(err));
}

static int
teardown(void **state)
{
	remove_tree();
	return harness_teardown(state);
}

/* --- path resolution -------------------------------------------------- */

static enum http_file_result
resolve(const char *target, struct http_file *f)
{
	char www[128];
	int dirfd;
	enum http_file_result r;

	snprintf(www, sizeof(www), "%s/www", hx.dir);
	dirfd = open(www, O_PATH | O_DIRECTORY);
	assert_true(dirfd >= 0);
	r = http_file_open(dirfd, target, f);
	close(dirfd);
	if (r != HTTP_FILE_ok)
		assert_int_equal(f->fd, -1);
	return r;
}

static void
test_resolution(void **state)
{
	static const struct {
		const char *target;
		enum http_file_result r;
	} cases[] = {
	    {"/a.txt", HTTP_FILE_ok},
	    {"/a.txt?x=/../y", HTTP_FILE_ok},
	    {"/%61.txt", HTTP_FILE_ok},
	    {"//./a.txt", HTTP_FILE_ok},
	    {"/in", HTTP_FILE_ok},
	    {"http://example/a.txt", HTTP_FILE_ok},
	    {"/", HTTP_FILE_no_index},
	    {"/sub/", HTTP_FILE_ok},
	    {"/sub", HTTP_FILE_redirect},
	    {"/bare/", HTTP_FILE_no_index},
	    {"/missing", HTTP_FILE_not_found},
	    {"/a.txt/x", HTTP_FILE_not_found},
	    {"/..", HTTP_FILE_dot_dot},
	    {"/../a.txt", HTTP_FILE_dot_dot},
	    {"/sub/../../x", HTTP_FILE_dot_dot},
	    {"/%2e%2e/x", HTTP_FILE_dot_dot},
	    {"/%2E%2e%2fx", HTTP_FILE_dot_dot},
	    {"/sub%2f..%2f..", HTTP_FILE_dot_dot},
	    {"/a.txt%00.html", HTTP_FILE_nul},
	    {"/a%2", HTTP_FILE_bad_escape},
	    {"/a%zz", HTTP_FILE_bad_escape},
	    {"*", HTTP_FILE_bad_target},
	    {"a.txt", HTTP_FILE_bad_target},
	    {"/out-abs", HTTP_FILE_escape},
	    {"/out-rel", HTTP_FILE_escape},
	    {"/fifo", HTTP_FILE_not_regular},
	};
	struct http_file f;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		enum http_file_result r = resolve(cases[i].target, &f);

		if (r != cases[i].r)
			fail_msg("%s: %s, not %s", cases[i].target,
				 http_file_names[r],
				 http_file_names[cases[i].r]);
		if (f.fd >= 0)
			close(f.fd);
	}
	assert_int_equal(resolve("/a.txt", &f), HTTP_FILE_ok);
	assert_int_equal(f.size, 6);
	assert_string_equal(f.type, "text/plain; charset=utf-8");
	close(f.fd);
	assert_int_equal(resolve("/sub/", &f), HTTP_FILE_ok);
	assert_string_equal(f.type, "text/html; charset=utf-8");
	close(f.fd);
	assert_string_equal(http_file_type("x.PNG"), "image/png");
	assert_string_equal(http_file_type("x.wasm"), "application/wasm");
	assert_string_equal(http_file_type("a.b/noext"),
			    "application/octet-stream");
	assert_int_equal(http_file_status(HTTP_FILE_escape), 404);
	assert_int_equal(http_file_status(HTTP_FILE_dot_dot), 400);
	assert_int_equal(http_file_status(HTTP_FILE_not_regular), 403);
}

/* --- the server through segments ------------------------------------------ */

struct client {
	uint16_t port;
	uint32_t seq, ack;
	bool fin, rst;
	char got[BIG_LEN + 4096];
	size_t len;
};

static struct client cl[2];

static void
client_open(struct client *c, uint16_t port)
{
	struct fixture *f = hx.f;
	struct tcp_opts o = {.mss_ok = true, .mss = 1460};
	struct tcp_seg s;

	memset(c, 0, sizeof(*c));
	mem_port_clear(f->mp);
	f->seen = 0;
	c->port = port;
	f->pport = port;
	f->uport = 80;
	peer_send_opts(f, TCP_FLAG_SYN, PEER_ISS, 0, 65535, NULL, 0, &o);
	s = next_seg(f);
	assert_int_equal(s.flags, TCP_FLAG_SYN | TCP_FLAG_ACK);
	c->seq = PEER_ISS + 1;
	c->ack = s.seq + 1;
	peer_send(f, TCP_FLAG_ACK, c->seq, c->ack, 65535, 0);
	http_service_run(&f->h);
}

/* Takes what the host sent to c, acknowledging it, until it stops. */
static void
client_read(struct client *c)
{
	struct fixture *f = hx.f;

	for (int round = 0; round < 1000; round++) {
		bool any = false;

		while (news(f)) {
			struct tcp_seg s = next_seg(f);

			if (s.dport != c->port)
				continue;
			if (s.flags & TCP_FLAG_RST)
				c->rst = true;
			if (s.len && s.seq == c->ack) {
				assert_true(c->len + s.len <= sizeof(c->got));
				memcpy(c->got + c->len, s.data, s.len);
				c->len += s.len;
				c->ack += (uint32_t)s.len;
				any = true;
			}
			if ((s.flags & TCP_FLAG_FIN) &&
			    s.seq + s.len == c->ack) {
				c->fin = true;
				c->ack++;
				any = true;
			}
		}
		mem_port_clear(f->mp);
		f->seen = 0;
		if (!any)
			break;
		f->pport = c->port;
		peer_send(f, TCP_FLAG_ACK, c->seq, c->ack, 65535, 0);
		http_service_run(&f->h);
		advance(f, 0.05);
		http_service_run(&f->h);
	}
	c->got[c->len] = '\0';
}

static void
client_send(struct client *c, const char *text)
{
	struct fixture *f = hx.f;
	size_t len = strlen(text);

	f->pport = c->port;
	peer_send_opts(f, TCP_FLAG_ACK | TCP_FLAG_PSH, c->seq, c->ack, 65535,
		       (const uint8_t *)text, len, NULL);
	c->seq += (uint32_t)len;
	http_service_run(&f->h);
	client_read(c);
}

/* The status of the response to request on a new connection. */
static int
status_of(const char *request)
{
	static uint16_t port = 30000;
	int status = 0;

	client_open(&cl[0], port++);
	client_send(&cl[0], request);
	sscanf(cl[0].got, "HTTP/1.1 %d", &status);
	return status;
}

static uint64_t
stat_of(enum http_stat s)
{
	return hx.f->h.http.stats[s];
}

static void
test_statuses(void **state)
{
	static const struct {
		const char *request;
		int status;
	} cases[] = {
	    {"GET /a.txt HTTP/1.1\r\nHost: x\r\n\r\n", 200},
	    {"GET /sub HTTP/1.1\r\nHost: x\r\n\r\n", 301},
	    {"GET /missing HTTP/1.1\r\nHost: x\r\n\r\n", 404},
	    {"GET /../x HTTP/1.1\r\nHost: x\r\n\r\n", 400},
	    {"GET /out-abs HTTP/1.1\r\nHost: x\r\n\r\n", 404},
	    {"GET /fifo HTTP/1.1\r\nHost: x\r\n\r\n", 403},
	    {"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nab", 405},
	    {"OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n", 405},
	    {"BREW / HTTP/1.1\r\nHost: x\r\n\r\n", 501},
	    {"GET / HTTP/2.0\r\nHost: x\r\n\r\n", 505},
	    {"GET / HTTP/1.1\r\n\r\n", 400},
	    {"GET / HTTP/1.1\r\nHost: x\r\nA : b\r\n\r\n", 400},
	    {"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n",
	     501},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int status = status_of(cases[i].request);

		if (status != cases[i].status)
			fail_msg("%s: %d, not %d", cases[i].request, status,
				 cases[i].status);
	}
	assert_int_equal(stat_of(STAT_requests), 9);
	assert_int_equal(stat_of(STAT_method_not_allowed), 2);
	assert_int_equal(stat_of(STAT_not_implemented), 2);
	assert_int_equal(stat_of(STAT_version_not_supported), 1);
	assert_int_equal(hx.f->h.http.parse_errors[HTTP_E_missing_host], 1);
	assert_int_equal(hx.f->h.http.path_results[HTTP_FILE_escape], 1);
	assert_int_equal(stat_of(STAT_responses_2xx), 1);
	/* The 405 says what is allowed; the 301 where to go. */
	status_of("DELETE /a.txt HTTP/1.1\r\nHost: x\r\n\r\n");
	assert_non_null(strstr(cl[0].got, "\r\nAllow: GET, HEAD\r\n"));
	status_of("GET /sub?q=1 HTTP/1.1\r\nHost: x\r\n\r\n");
	assert_non_null(strstr(cl[0].got, "\r\nLocation: /sub/?q=1\r\n"));
}

static void
test_keep_alive_pipelining_and_head(void **state)
{
	struct client *c = &cl[0];

	(void)state;
	client_open(c, 40001);
	client_send(c, "GET /a.txt HTTP/1.1\r\nHost: x\r\n\r\n");
	assert_non_null(strstr(c->got, "Content-Length: 6\r\n"));
	assert_non_null(strstr(c->got, "\r\n\r\nhello\n"));
	assert_false(c->fin);
	c->len = 0;
	/* Three at once: answered in order, the last closes. */
	client_send(c, "HEAD /a.txt HTTP/1.1\r\nHost: x\r\n\r\n"
		       "GET /missing HTTP/1.1\r\nHost: x\r\n\r\n"
		       "GET /sub/ HTTP/1.1\r\nHost: x\r\n"
		       "Connection: close\r\n\r\n");
	assert_true(c->fin);
	assert_false(c->rst);
	assert_true(strstr(c->got, "200 OK") < strstr(c->got, "404 Not Found"));
	assert_true(strstr(c->got, "404 Not Found") <
		    strstr(c->got, "<p>sub</p>"));
	/* HEAD: the length of GET, and no body. */
	assert_non_null(strstr(c->got, "Content-Length: 6\r\n"));
	assert_null(strstr(c->got, "hello"));
	assert_non_null(strstr(c->got, "Connection: close\r\n"));
	assert_int_equal(stat_of(STAT_keepalive_requests), 3);
}

static void
test_file_larger_than_the_window(void **state)
{
	struct client *c = &cl[1];
	char *body;

	(void)state;
	client_open(c, 40002);
	client_send(c, "GET /big.bin HTTP/1.0\r\n\r\n");
	assert_true(c->fin);
	body = strstr(c->got, "\r\n\r\n");
	assert_non_null(body);
	body += 4;
	assert_int_equal(c->len - (size_t)(body - c->got), BIG_LEN);
	for (size_t i = 0; i < BIG_LEN; i++)
		if ((uint8_t)body[i] != i % 253)
			fail_msg("byte %zu differs", i);
	assert_int_equal(stat_of(STAT_bytes_sent), BIG_LEN);
}

static void
test_header_timeout_and_idle(void **state)
{
	struct fixture *f = hx.f;
	struct client *c = &cl[0];

	(void)state;
	client_open(c, 40003);
	client_send(c, "GET /a.txt HTTP/1.1\r\nHo");
	assert_int_equal(c->len, 0);
	advance(f, HTTP_HEADER_TIMEOUT - 1);
	http_service_run(&f->h);
	client_read(c);
	assert_int_equal(c->len, 0);
	advance(f, 2);
	http_service_run(&f->h);
	client_read(c);
	assert_non_null(strstr(c->got, "HTTP/1.1 408 Request Timeout\r\n"));
	assert_true(c->fin);
	assert_int_equal(stat_of(STAT_header_timeouts), 1);
	/* A connection that says nothing is closed quietly. */
	client_open(&cl[1], 40004);
	advance(f, HTTP_HEADER_TIMEOUT + 1);
	http_service_run(&f->h);
	client_read(&cl[1]);
	assert_int_equal(cl[1].len, 0);
	assert_true(cl[1].fin);
	assert_int_equal(stat_of(STAT_idle_timeouts), 1);
}

static void
test_connection_limit(void **state)
{
	struct client *c = &cl[0];
	const struct http_server *srv;

	(void)state;
	for (int i = 0; i < HTTP_CONN_MAX; i++) {
		client_open(c, (uint16_t)(41000 + i));
		assert_int_equal(news(hx.f), 0);
	}
	client_open(c, 41000 + HTTP_CONN_MAX);
	client_read(c);
	assert_non_null(strstr(c->got, "HTTP/1.1 503 Service Unavailable"));
	assert_int_equal(stat_of(STAT_connections_refused), 1);
	assert_int_equal(stat_of(STAT_connections), HTTP_CONN_MAX);
	srv = hx.f->h.http.servers;
	assert_non_null(srv);
	/* Stopping closes the listener and every connection. */
	assert_int_equal(http_server_stop(&hx.f->h, 0), 1);
	assert_null(hx.f->h.http.servers);
}

static void
test_serve_twice_and_bad_dir(void **state)
{
	char err[256], www[128];

	(void)state;
	snprintf(www, sizeof(www), "%s/www", hx.dir);
	assert_int_equal(http_server_start(&hx.f->h, 80, www, err, sizeof(err)),
			 -1);
	assert_non_null(strstr(err, "served already"));
	assert_int_equal(
	    http_server_start(&hx.f->h, 81, "/nonexistent", err, sizeof(err)),
	    -1);
	snprintf(www, sizeof(www), "%s/www/a.txt", hx.dir);
	assert_int_equal(http_server_start(&hx.f->h, 81, www, err, sizeof(err)),
			 -1);
	assert_int_equal(http_server_stop(&hx.f->h, 81), 0);
	assert_int_equal(http_server_stop(&hx.f->h, 80), 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_resolution, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_statuses, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_keep_alive_pipelining_and_head,
					    setup, teardown),
	    cmocka_unit_test_setup_teardown(test_file_larger_than_the_window,
					    setup, teardown),
	    cmocka_unit_test_setup_teardown(test_header_timeout_and_idle, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_connection_limit, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_serve_twice_and_bad_dir, setup,
					    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
