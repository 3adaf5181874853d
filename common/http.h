/*
 * HTTP/1.1 messages (RFC 9110, RFC 9112): an incremental parser of
 * requests and responses, shared by hostd's server and hopctl's client.
 *
 * The parser is a state machine written as a table of {state, event,
 * action, next} rows:
 *
 *   start       before the start line (request line or status line);
 *               empty lines before it are skipped (RFC 9112 2.2)
 *   header      header lines, until an empty one ends the head
 *   head_end    the head is complete (http_parse returned HTTP_HEAD);
 *               its framing event takes the message on: no body,
 *               Content-Length, chunked, or (responses) until close
 *   body        Content-Length bytes
 *   body_close  a response body that ends with the connection
 *   chunk_size  a chunk's size line; size 0 leads to the trailer
 *   chunk_data  a chunk's bytes
 *   chunk_end   the empty line after a chunk's bytes
 *   trailer     trailer lines, until an empty one
 *   done        the message is complete: http_parser_reset for the next
 *   failed      an error (p->error) ended parsing for good
 *
 * The head is kept in the parser's own buffer (bounded by the limits
 * below) and its fields point into it, NUL-terminated, until the next
 * reset. Bodies are not kept: http_parse hands them over in place, a
 * piece at a time, so a message of any size goes through in bounded
 * memory. No I/O, no clock: the owner feeds bytes as they come, and
 * times the peer out itself.
 */
#ifndef HOPLAB_HTTP_H
#define HOPLAB_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HTTP_LINE_MAX 8192	    /* a request line or a status line */
#define HTTP_HEADER_BYTES_MAX 16384 /* the header lines together */
#define HTTP_HEADERS_MAX 100
#define HTTP_CHUNK_LINE_MAX 1024 /* a chunk size or a trailer line */

#define HTTP_STATES(X)                                                         \
	X(start)                                                               \
	X(header)                                                              \
	X(head_end)                                                            \
	X(body)                                                                \
	X(body_close)                                                          \
	X(chunk_size)                                                          \
	X(chunk_data)                                                          \
	X(chunk_end)                                                           \
	X(trailer)                                                             \
	X(done)                                                                \
	X(failed)

#define HTTP_EVENTS(X)                                                         \
	X(line)	       /* a complete line that is not empty */                 \
	X(blank)       /* an empty line */                                     \
	X(no_body)     /* the head says: nothing follows */                    \
	X(length)      /* Content-Length bytes follow */                       \
	X(chunked)     /* chunks follow */                                     \
	X(until_close) /* the body ends with the connection */                 \
	X(chunk)       /* a chunk size line announced bytes */                 \
	X(last_chunk)  /* the chunk of size 0 */                               \
	X(data_end)    /* the body's or the chunk's last byte was taken */     \
	X(eof)	       /* the input ended */                                   \
	X(fail)	       /* an action found an error (p->error) */

/* Every way a message can be wrong, with the status a server answers. */
#define HTTP_ERRORS(X)                                                         \
	X(none, 0)                                                             \
	X(bad_request_line, 400)                                               \
	X(line_too_long, 414)                                                  \
	X(bad_version, 400)                                                    \
	X(version_not_supported, 505)                                          \
	X(bad_status_line, 502)                                                \
	X(bad_header, 400)                                                     \
	X(header_too_large, 431)                                               \
	X(too_many_headers, 431)                                               \
	X(missing_host, 400)                                                   \
	X(duplicate_host, 400)                                                 \
	X(bad_content_length, 400)                                             \
	X(length_and_chunked, 400)                                             \
	X(unsupported_coding, 501)                                             \
	X(bad_chunk, 400)                                                      \
	X(truncated, 400)

#define HTTP_STATE_ENUM(name) HTTP_S_##name,
#define HTTP_EVENT_ENUM(name) HTTP_EV_##name,
#define HTTP_ERROR_ENUM(name, status) HTTP_E_##name,
enum http_state { HTTP_STATES(HTTP_STATE_ENUM) HTTP_STATE_COUNT };
enum http_event { HTTP_EVENTS(HTTP_EVENT_ENUM) HTTP_EVENT_COUNT };
enum http_error { HTTP_ERRORS(HTTP_ERROR_ENUM) HTTP_ERROR_COUNT };
#undef HTTP_STATE_ENUM
#undef HTTP_EVENT_ENUM
#undef HTTP_ERROR_ENUM

extern const char *const http_state_names[HTTP_STATE_COUNT];
extern const char *const http_event_names[HTTP_EVENT_COUNT];
extern const char *const http_error_names[HTTP_ERROR_COUNT];

struct http_header {
	const char *name;  /* as sent */
	const char *value; /* without the whitespace around it */
};

/* A message's head, once http_parse returned HTTP_HEAD. */
struct http_msg {
	const char *method; /* requests */
	const char *target;
	int status; /* responses */
	const char *reason;
	int major, minor; /* HTTP/major.minor */
	struct http_header headers[HTTP_HEADERS_MAX];
	size_t nheaders;
	int64_t content_length; /* -1 when none was given */
	bool chunked;
	bool has_body;	 /* any framing but "no body" */
	bool keep_alive; /* the connection may carry another message */
};

enum http_result {
	HTTP_AGAIN, /* everything given was taken: more input, please */
	HTTP_HEAD,  /* the head is complete: p->msg */
	HTTP_DATA,  /* body bytes, in place in the input */
	HTTP_DONE,  /* the message is complete */
	HTTP_FAIL,  /* p->error says why; nothing more is parsed */
};

struct http_parser {
	bool response;	   /* parses responses, else requests */
	bool head_request; /* a response to HEAD: no body, whatever it says */
	enum http_state state;
	enum http_error error;
	struct http_msg msg;
	enum http_event framing; /* decided at the end of the head */
	bool head_given;	 /* HTTP_HEAD was returned */
	/* the head, lines NUL-terminated in place */
	char *buf;
	size_t cap, len;
	size_t line;	       /* where the line being read starts */
	size_t header_bytes;   /* of the header lines so far */
	uint32_t start_off[2]; /* method and target, or reason, in buf */
	uint32_t hdr_off[HTTP_HEADERS_MAX][2]; /* name, value in buf */
	size_t nhdr;
	/* chunk size and trailer lines */
	char aux[HTTP_CHUNK_LINE_MAX + 1];
	size_t aux_len;
	uint64_t remaining; /* of the body or of the chunk */
	uint64_t body_bytes;
};

/* A parser of requests, or of responses; nothing is allocated yet. */
void http_parser_init(struct http_parser *p, bool response);
void http_parser_free(struct http_parser *p);
/* Ready for the next message of the connection; for a response,
 * head_request says that it answers a HEAD request. */
void http_parser_reset(struct http_parser *p, bool head_request);
/* True when some of a message arrived (a peer to time out). */
bool http_parser_started(const struct http_parser *p);

/*
 * Parses in[0..len) and returns at the first thing to tell: *used is how
 * much of in was taken; for HTTP_DATA, (*data, *dlen) are body bytes
 * inside in. Call again with the rest until HTTP_AGAIN; after HTTP_HEAD
 * and HTTP_DATA, even with nothing left (len 0), as the message may be
 * complete. Once HTTP_DONE or HTTP_FAIL, it keeps returning that.
 */
enum http_result http_parse(struct http_parser *p, const uint8_t *in,
			    size_t len, size_t *used, const uint8_t **data,
			    size_t *dlen);
/*
 * The input ended (the peer closed): HTTP_DONE for a body that ends so,
 * HTTP_AGAIN when no message had begun, else HTTP_FAIL (truncated).
 */
enum http_result http_parse_eof(struct http_parser *p);

/* The value of the first header called name (any case), or NULL. */
const char *http_header_get(const struct http_msg *m, const char *name);
/* The status a server answers for e (400, 414, 431, 501, 505, ...). */
int http_error_status(enum http_error e);
/* The reason phrase of a status ("Not Found"), "" when unknown. */
const char *http_reason(int status);
/* True when s is an RFC 9110 token (a method, a header name). */
bool http_is_token(const char *s, size_t len);

#endif
