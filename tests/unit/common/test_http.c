/*
 * The HTTP/1.1 parser: requests and responses whole and a byte at a time,
 * every framing (none, Content-Length, chunked with trailers, until
 * close), pipelined messages, keep-alive, and each error with the status
 * a server answers for it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "http.h"

/* What feeding a message gave. */
struct outcome {
	enum http_result last; /* HTTP_DONE, HTTP_FAIL or HTTP_AGAIN */
	int heads;
	char body[4096];
	size_t body_len;
	size_t used; /* of the input */
};

/* Feeds text in pieces of step bytes (0: whole) until the message is
 * done or failed, or the input is all taken. */
static struct outcome
feed(struct http_parser *p, const char *text, size_t len, size_t step)
{
	struct outcome o = {.last = HTTP_AGAIN};
	size_t off = 0;

	for (;;) {
		size_t avail = len - off, used, dlen;
		const uint8_t *data;
		enum http_result r;

		if (step && avail > step)
			avail = step;
		r = http_parse(p, (const uint8_t *)text + off, avail, &used,
			       &data, &dlen);
		assert_true(used <= avail);
		off += used;
		if (r == HTTP_HEAD) {
			o.heads++;
		} else if (r == HTTP_DATA) {
			assert_true(o.body_len + dlen <= sizeof(o.body));
			memcpy(o.body + o.body_len, data, dlen);
			o.body_len += dlen;
		} else if (r == HTTP_DONE || r == HTTP_FAIL) {
			o.last = r;
			break;
		} else if (off == len) {
			break;
		}
	}
	o.used = off;
	return o;
}

static struct outcome
feed_str(struct http_parser *p, const char *text)
{
	return feed(p, text, strlen(text), 0);
}

/* The error a request gets, fed whole and fed a byte at a time. */
static enum http_error
request_error(const char *text, size_t len)
{
	struct http_parser p;
	enum http_error e1, e2;
	struct outcome o;

	http_parser_init(&p, false);
	o = feed(&p, text, len, 0);
	assert_int_equal(o.last, HTTP_FAIL);
	e1 = p.error;
	http_parser_free(&p);
	http_parser_init(&p, false);
	o = feed(&p, text, len, 1);
	assert_int_equal(o.last, HTTP_FAIL);
	e2 = p.error;
	http_parser_free(&p);
	assert_int_equal(e1, e2);
	return e1;
}

static enum http_error
request_error_str(const char *text)
{
	return request_error(text, strlen(text));
}

static void
test_request_whole_and_bytewise(void **state)
{
	static const char req[] = "\r\nGET /a/b?c=d HTTP/1.1\r\n"
				  "Host: example\r\n"
				  "X-Empty:\r\n"
				  "User-Agent:  curl/7.88 \t\r\n\r\n";
	(void)state;
	for (size_t step = 0; step < 3; step++) {
		struct http_parser p;
		struct outcome o;

		http_parser_init(&p, false);
		assert_false(http_parser_started(&p));
		o = feed(&p, req, sizeof(req) - 1, step);
		assert_int_equal(o.last, HTTP_DONE);
		assert_int_equal(o.heads, 1);
		assert_int_equal(o.used, sizeof(req) - 1);
		assert_string_equal(p.msg.method, "GET");
		assert_string_equal(p.msg.target, "/a/b?c=d");
		assert_int_equal(p.msg.major, 1);
		assert_int_equal(p.msg.minor, 1);
		assert_int_equal(p.msg.nheaders, 3);
		assert_string_equal(http_header_get(&p.msg, "HOST"), "example");
		assert_string_equal(http_header_get(&p.msg, "x-empty"), "");
		assert_string_equal(http_header_get(&p.msg, "user-agent"),
				    "curl/7.88");
		assert_null(http_header_get(&p.msg, "accept"));
		assert_false(p.msg.has_body);
		assert_true(p.msg.keep_alive);
		assert_int_equal(p.msg.content_length, -1);
		http_parser_free(&p);
	}
}

static void
test_bare_lf_lines(void **state)
{
	struct http_parser p;

	(void)state;
	http_parser_init(&p, false);
	assert_int_equal(feed_str(&p, "GET / HTTP/1.0\nA: b\n\n").last,
			 HTTP_DONE);
	assert_string_equal(http_header_get(&p.msg, "a"), "b");
	http_parser_free(&p);
}

static void
test_keep_alive_rules(void **state)
{
	static const struct {
		const char *req;
		bool keep;
	} cases[] = {
	    {"GET / HTTP/1.1\r\nHost: h\r\n\r\n", true},
	    {"GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n", false},
	    {"GET / HTTP/1.1\r\nHost: h\r\nConnection: x, Close\r\n\r\n",
	     false},
	    {"GET / HTTP/1.0\r\n\r\n", false},
	    {"GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", true},
	    {"GET / HTTP/1.0\r\nConnection: Keep-Alive, close\r\n\r\n", false},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct http_parser p;

		http_parser_init(&p, false);
		assert_int_equal(feed_str(&p, cases[i].req).last, HTTP_DONE);
		assert_int_equal(p.msg.keep_alive, cases[i].keep);
		http_parser_free(&p);
	}
}

static void
test_pipelined_requests(void **state)
{
	static const char two[] = "GET /1 HTTP/1.1\r\nHost: h\r\n\r\n"
				  "HEAD /2 HTTP/1.1\r\nHost: h\r\n\r\n";
	struct http_parser p;
	struct outcome o;

	(void)state;
	http_parser_init(&p, false);
	o = feed_str(&p, two);
	assert_int_equal(o.last, HTTP_DONE);
	assert_string_equal(p.msg.target, "/1");
	http_parser_reset(&p, false);
	o = feed(&p, two + o.used, strlen(two) - o.used, 0);
	assert_int_equal(o.last, HTTP_DONE);
	assert_string_equal(p.msg.method, "HEAD");
	assert_string_equal(p.msg.target, "/2");
	assert_int_equal(http_parse_eof(&p), HTTP_DONE);
	http_parser_reset(&p, false);
	/* Closed between messages: nothing lost. */
	assert_int_equal(http_parse_eof(&p), HTTP_AGAIN);
	http_parser_free(&p);
}

static void
test_request_bodies(void **state)
{
	static const char len_req[] = "POST /x HTTP/1.1\r\nHost: h\r\n"
				      "Content-Length: 5\r\n"
				      "Content-Length: 5\r\n\r\nhelloGET";
	static const char chunked[] = "PUT /x HTTP/1.1\r\nHost: h\r\n"
				      "Transfer-Encoding: chunked\r\n\r\n"
				      "5;ext=1\r\nhello\r\n"
				      "6\r\n world\r\n0\r\nT: v\r\n\r\n";
	struct http_parser p;
	struct outcome o;

	(void)state;
	for (size_t step = 0; step < 2; step++) {
		http_parser_init(&p, false);
		o = feed(&p, len_req, sizeof(len_req) - 1, step);
		assert_int_equal(o.last, HTTP_DONE);
		assert_int_equal(o.body_len, 5);
		assert_memory_equal(o.body, "hello", 5);
		/* The next request's bytes are left alone. */
		assert_int_equal(o.used, sizeof(len_req) - 4);
		assert_true(p.msg.has_body);
		assert_int_equal(p.msg.content_length, 5);
		http_parser_free(&p);

		http_parser_init(&p, false);
		o = feed(&p, chunked, sizeof(chunked) - 1, step);
		assert_int_equal(o.last, HTTP_DONE);
		assert_int_equal(o.body_len, 11);
		assert_memory_equal(o.body, "hello world", 11);
		assert_true(p.msg.chunked);
		assert_int_equal(o.used, sizeof(chunked) - 1);
		http_parser_free(&p);
	}
}

static void
test_responses(void **state)
{
	static const char len_resp[] = "HTTP/1.1 200 OK\r\n"
				       "Content-Length: 3\r\n\r\nabc";
	static const char chunked[] = "HTTP/1.1 404 Not Found\r\n"
				      "Transfer-Encoding: gzip, chunked\r\n"
				      "\r\n3\r\nabc\r\n0\r\n\r\n";
	static const char close_resp[] = "HTTP/1.0 200\r\n\r\nuntil the end";
	static const char no_body[] = "HTTP/1.1 304 Not Modified\r\n"
				      "Content-Length: 10\r\n\r\n";
	struct http_parser p;
	struct outcome o;

	(void)state;
	http_parser_init(&p, true);
	o = feed_str(&p, len_resp);
	assert_int_equal(o.last, HTTP_DONE);
	assert_int_equal(p.msg.status, 200);
	assert_string_equal(p.msg.reason, "OK");
	assert_memory_equal(o.body, "abc", 3);
	assert_true(p.msg.keep_alive);

	/* The same to a HEAD request: no body, whatever it says. */
	http_parser_reset(&p, true);
	o = feed_str(&p, len_resp);
	assert_int_equal(o.last, HTTP_DONE);
	assert_int_equal(o.body_len, 0);
	assert_int_equal(o.used, sizeof(len_resp) - 4);

	http_parser_reset(&p, false);
	o = feed_str(&p, chunked);
	assert_int_equal(o.last, HTTP_DONE);
	assert_int_equal(p.msg.status, 404);
	assert_string_equal(p.msg.reason, "Not Found");
	assert_memory_equal(o.body, "abc", 3);

	http_parser_reset(&p, false);
	o = feed_str(&p, close_resp);
	assert_int_equal(o.last, HTTP_AGAIN);
	assert_string_equal(p.msg.reason, "");
	assert_false(p.msg.keep_alive);
	assert_int_equal(o.body_len, strlen("until the end"));
	assert_int_equal(http_parse_eof(&p), HTTP_DONE);

	http_parser_reset(&p, false);
	o = feed_str(&p, no_body);
	assert_int_equal(o.last, HTTP_DONE);
	assert_int_equal(o.body_len, 0);
	http_parser_free(&p);
}

static void
test_large_body_streams(void **state)
{
	static const char head[] = "HTTP/1.1 200 OK\r\n"
				   "Content-Length: 1000000000\r\n\r\n";
	static uint8_t chunk[65536];
	struct http_parser p;
	uint64_t got = 0;
	size_t used, dlen;
	const uint8_t *data;

	(void)state;
	http_parser_init(&p, true);
	assert_int_equal(http_parse(&p, (const uint8_t *)head, strlen(head),
				    &used, &data, &dlen),
			 HTTP_HEAD);
	assert_int_equal(used, strlen(head));
	while (got < 1000000000) {
		enum http_result r =
		    http_parse(&p, chunk, sizeof(chunk), &used, &data, &dlen);

		assert_int_equal(r, HTTP_DATA);
		assert_int_equal(used, dlen);
		got += dlen;
	}
	assert_int_equal(got, 1000000000);
	assert_int_equal(http_parse(&p, chunk, 0, &used, &data, &dlen),
			 HTTP_DONE);
	/* Never more than the head is kept. */
	assert_true(p.cap <= 2048);
	http_parser_free(&p);
}

/* --- each error --------------------------------------------------------- */

static void
test_error_bad_request_line(void **state)
{
	static const char *const bad[] = {
	    "GET\r\n\r\n",
	    "GET /\r\n\r\n",
	    "GET  / HTTP/1.1\r\n\r\n",
	    " GET / HTTP/1.1\r\n\r\n",
	    "G(T / HTTP/1.1\r\n\r\n",
	    "GET /\x7f HTTP/1.1\r\n\r\n",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(request_error_str(bad[i]),
				 HTTP_E_bad_request_line);
	assert_int_equal(request_error("GET /\0 HTTP/1.1\r\n\r\n", 19),
			 HTTP_E_bad_request_line);
	assert_int_equal(http_error_status(HTTP_E_bad_request_line), 400);
}

static void
test_error_line_too_long(void **state)
{
	char *req = malloc(HTTP_LINE_MAX + 64);

	(void)state;
	memcpy(req, "GET /", 5);
	memset(req + 5, 'a', HTTP_LINE_MAX);
	assert_int_equal(request_error(req, HTTP_LINE_MAX + 5),
			 HTTP_E_line_too_long);
	assert_int_equal(http_error_status(HTTP_E_line_too_long), 414);
	/* Just at the limit, it is fine. */
	snprintf(req + HTTP_LINE_MAX - 9, 64, " HTTP/1.0\r\n\r\n");
	{
		struct http_parser p;

		http_parser_init(&p, false);
		assert_int_equal(feed_str(&p, req).last, HTTP_DONE);
		http_parser_free(&p);
	}
	free(req);
}

static void
test_error_bad_version(void **state)
{
	(void)state;
	assert_int_equal(request_error_str("GET / HTTP/1\r\n\r\n"),
			 HTTP_E_bad_version);
	assert_int_equal(request_error_str("GET / http/1.1\r\n\r\n"),
			 HTTP_E_bad_version);
	assert_int_equal(request_error_str("GET / HTTP/1.1 x\r\n\r\n"),
			 HTTP_E_bad_version);
	assert_int_equal(http_error_status(HTTP_E_bad_version), 400);
}

static void
test_error_version_not_supported(void **state)
{
	(void)state;
	assert_int_equal(request_error_str("GET / HTTP/2.0\r\n\r\n"),
			 HTTP_E_version_not_supported);
	assert_int_equal(request_error_str("GET / HTTP/1.2\r\n\r\n"),
			 HTTP_E_version_not_supported);
	assert_int_equal(request_error_str("GET / HTTP/0.9\r\n\r\n"),
			 HTTP_E_version_not_supported);
	assert_int_equal(http_error_status(HTTP_E_version_not_supported), 505);
}

static void
test_error_bad_status_line(void **state)
{
	static const char *const bad[] = {
	    "HTTP/1.1 20 OK\r\n\r\n",	  "HTTP/1.1 600 X\r\n\r\n",
	    "HTTP/1.1 200OK\r\n\r\n",	  "HTTP/1.1  200 OK\r\n\r\n",
	    "HTTP/1.x 200 OK\r\n\r\n",	  "ICY 200 OK\r\n\r\n",
	    "HTTP/1.1 200 O\001\r\n\r\n",
	};
	struct http_parser p;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		http_parser_init(&p, true);
		assert_int_equal(feed_str(&p, bad[i]).last, HTTP_FAIL);
		assert_int_equal(p.error, HTTP_E_bad_status_line);
		http_parser_free(&p);
	}
	http_parser_init(&p, true);
	assert_int_equal(feed_str(&p, "HTTP/2.0 200 OK\r\n\r\n").last,
			 HTTP_FAIL);
	assert_int_equal(p.error, HTTP_E_version_not_supported);
	http_parser_free(&p);
}

static void
test_error_bad_header(void **state)
{
	static const char *const bad[] = {
	    "GET / HTTP/1.1\r\nHost: h\r\nNo colon\r\n\r\n",
	    "GET / HTTP/1.1\r\nHost: h\r\nName : v\r\n\r\n",
	    "GET / HTTP/1.1\r\nHost: h\r\n: v\r\n\r\n",
	    "GET / HTTP/1.1\r\nHost: h\r\nA: b\r\n folded\r\n\r\n",
	    "GET / HTTP/1.1\r\nHost: h\r\nA: b\rc\r\n\r\n",
	    "GET / HTTP/1.1\r\nHost: h\r\nA: b\001\r\n\r\n",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(request_error_str(bad[i]), HTTP_E_bad_header);
	assert_int_equal(
	    request_error("GET / HTTP/1.1\r\nHost: h\r\nA: \0\r\n\r\n", 33),
	    HTTP_E_bad_header);
}

static void
test_error_header_too_large(void **state)
{
	size_t cap = HTTP_HEADER_BYTES_MAX + 256, len;
	char *req = malloc(cap);

	(void)state;
	len = (size_t)snprintf(req, cap, "GET / HTTP/1.1\r\nHost: h\r\nX: ");
	memset(req + len, 'v', HTTP_HEADER_BYTES_MAX);
	len += HTTP_HEADER_BYTES_MAX;
	memcpy(req + len, "\r\n\r\n", 4);
	assert_int_equal(request_error(req, len + 4), HTTP_E_header_too_large);
	assert_int_equal(http_error_status(HTTP_E_header_too_large), 431);
	free(req);
}

static void
test_error_too_many_headers(void **state)
{
	char req[4096];
	size_t len = (size_t)snprintf(req, sizeof(req), "GET / HTTP/1.1\r\n");
	struct http_parser p;

	(void)state;
	for (int i = 0; i < HTTP_HEADERS_MAX; i++)
		len += (size_t)snprintf(req + len, sizeof(req) - len,
					i ? "H%d: v\r\n" : "Host: %d\r\n", i);
	/* A hundred are fine (one is Host)... */
	http_parser_init(&p, false);
	assert_int_equal(feed(&p, req, len, 0).last, HTTP_AGAIN);
	assert_int_equal(feed(&p, "\r\n", 2, 0).last, HTTP_DONE);
	assert_int_equal(p.msg.nheaders, HTTP_HEADERS_MAX);
	http_parser_free(&p);
	/* ...a hundred and one are not. */
	len += (size_t)snprintf(req + len, sizeof(req) - len, "X: y\r\n\r\n");
	assert_int_equal(request_error(req, len), HTTP_E_too_many_headers);
	assert_int_equal(http_error_status(HTTP_E_too_many_headers), 431);
}

static void
test_error_host(void **state)
{
	struct http_parser p;

	(void)state;
	assert_int_equal(request_error_str("GET / HTTP/1.1\r\n\r\n"),
			 HTTP_E_missing_host);
	assert_int_equal(
	    request_error_str("GET / HTTP/1.1\r\nHost: a\r\nhost: b\r\n\r\n"),
	    HTTP_E_duplicate_host);
	assert_int_equal(http_error_status(HTTP_E_missing_host), 400);
	/* HTTP/1.0 needs none. */
	http_parser_init(&p, false);
	assert_int_equal(feed_str(&p, "GET / HTTP/1.0\r\n\r\n").last,
			 HTTP_DONE);
	http_parser_free(&p);
}

static void
test_error_bad_content_length(void **state)
{
	static const char *const bad[] = {
	    "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: -1\r\n\r\n",
	    "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 1x\r\n\r\n",
	    "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: \r\n\r\n",
	    "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5, 5\r\n\r\n",
	    "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: "
	    "9999999999999999999\r\n\r\n",
	    "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 1\r\n"
	    "Content-Length: 2\r\n\r\n",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(request_error_str(bad[i]),
				 HTTP_E_bad_content_length);
}

static void
test_error_length_and_chunked(void **state)
{
	(void)state;
	assert_int_equal(
	    request_error_str("POST / HTTP/1.1\r\nHost: h\r\n"
			      "Content-Length: 3\r\n"
			      "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
	    HTTP_E_length_and_chunked);
}

static void
test_error_unsupported_coding(void **state)
{
	(void)state;
	assert_int_equal(
	    request_error_str("POST / HTTP/1.1\r\nHost: h\r\n"
			      "Transfer-Encoding: gzip, chunked\r\n\r\n"),
	    HTTP_E_unsupported_coding);
	assert_int_equal(request_error_str("POST / HTTP/1.1\r\nHost: h\r\n"
					   "Transfer-Encoding: gzip\r\n\r\n"),
			 HTTP_E_unsupported_coding);
	assert_int_equal(http_error_status(HTTP_E_unsupported_coding), 501);
}

static void
test_error_bad_chunk(void **state)
{
	static const char *const bad[] = {
	    "x\r\n",	     "\r\n",
	    "5 junk\r\n",    "1234567890abcdef0\r\n",
	    "3\r\nabcX\r\n", "3\r\nabc\r\n0\r\nbad trailer\r\n\r\n",
	};
	char req[256], longline[HTTP_CHUNK_LINE_MAX + 64];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(req, sizeof(req),
			 "POST / HTTP/1.1\r\nHost: h\r\n"
			 "Transfer-Encoding: chunked\r\n\r\n%s",
			 bad[i]);
		assert_int_equal(request_error_str(req),
				 i == 5 ? HTTP_E_bad_header : HTTP_E_bad_chunk);
	}
	memset(longline, '0', sizeof(longline) - 1);
	longline[sizeof(longline) - 1] = '\0';
	memcpy(longline, "1;", 2);
	snprintf(req, sizeof(req),
		 "POST / HTTP/1.1\r\nHost: h\r\n"
		 "Transfer-Encoding: chunked\r\n\r\n");
	{
		struct http_parser p;

		http_parser_init(&p, false);
		assert_int_equal(feed_str(&p, req).last, HTTP_AGAIN);
		assert_int_equal(feed_str(&p, longline).last, HTTP_FAIL);
		assert_int_equal(p.error, HTTP_E_bad_chunk);
		http_parser_free(&p);
	}
}

static void
test_error_truncated(void **state)
{
	static const char *const cut[] = {
	    "GET / HTTP/1.1\r\nHost: h\r\n",
	    "GET / HT",
	    "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\nabc",
	    "POST / HTTP/1.1\r\nHost: h\r\n"
	    "Transfer-Encoding: chunked\r\n\r\n5\r\nab",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cut) / sizeof(cut[0]); i++) {
		struct http_parser p;

		http_parser_init(&p, false);
		assert_int_equal(feed_str(&p, cut[i]).last, HTTP_AGAIN);
		assert_true(http_parser_started(&p));
		assert_int_equal(http_parse_eof(&p), HTTP_FAIL);
		assert_int_equal(p.error, HTTP_E_truncated);
		/* Failed for good. */
		assert_int_equal(feed_str(&p, "\r\n").last, HTTP_FAIL);
		http_parser_free(&p);
	}
}

static void
test_names_and_reasons(void **state)
{
	(void)state;
	assert_string_equal(http_state_names[HTTP_S_chunk_size], "chunk_size");
	assert_string_equal(http_event_names[HTTP_EV_last_chunk], "last_chunk");
	assert_string_equal(http_error_names[HTTP_E_too_many_headers],
			    "too_many_headers");
	assert_string_equal(http_reason(404), "Not Found");
	assert_string_equal(http_reason(431),
			    "Request Header Fields Too Large");
	assert_string_equal(http_reason(299), "");
	for (int e = 1; e < HTTP_ERROR_COUNT; e++)
		assert_true(http_error_status(e) >= 400);
	assert_true(http_is_token("GET", 3));
	assert_false(http_is_token("G T", 3));
	assert_false(http_is_token("", 0));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_request_whole_and_bytewise),
	    cmocka_unit_test(test_bare_lf_lines),
	    cmocka_unit_test(test_keep_alive_rules),
	    cmocka_unit_test(test_pipelined_requests),
	    cmocka_unit_test(test_request_bodies),
	    cmocka_unit_test(test_responses),
	    cmocka_unit_test(test_large_body_streams),
	    cmocka_unit_test(test_error_bad_request_line),
	    cmocka_unit_test(test_error_line_too_long),
	    cmocka_unit_test(test_error_bad_version),
	    cmocka_unit_test(test_error_version_not_supported),
	    cmocka_unit_test(test_error_bad_status_line),
	    cmocka_unit_test(test_error_bad_header),
	    cmocka_unit_test(test_error_header_too_large),
	    cmocka_unit_test(test_error_too_many_headers),
	    cmocka_unit_test(test_error_host),
	    cmocka_unit_test(test_error_bad_content_length),
	    cmocka_unit_test(test_error_length_and_chunked),
	    cmocka_unit_test(test_error_unsupported_coding),
	    cmocka_unit_test(test_error_bad_chunk),
	    cmocka_unit_test(test_error_truncated),
	    cmocka_unit_test(test_names_and_reasons),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
