/* HTTP/1.1 messages: the parser's table, its actions and its driver. */
#include "http.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "log.h"

#define HTTP_NAME(name) #name,
#define HTTP_ERROR_NAME(name, status) #name,
#define HTTP_ERROR_STATUS(name, status) status,
const char *const http_state_names[HTTP_STATE_COUNT] = {HTTP_STATES(HTTP_NAME)};
const char *const http_event_names[HTTP_EVENT_COUNT] = {HTTP_EVENTS(HTTP_NAME)};
const char *const http_error_names[HTTP_ERROR_COUNT] = {
    HTTP_ERRORS(HTTP_ERROR_NAME)};
static const int http_error_statuses[HTTP_ERROR_COUNT] = {
    HTTP_ERRORS(HTTP_ERROR_STATUS)};
#undef HTTP_NAME
#undef HTTP_ERROR_NAME
#undef HTTP_ERROR_STATUS

#define HTTP_BUF_INIT 1024
#define HTTP_BUF_MAX (HTTP_LINE_MAX + HTTP_HEADER_BYTES_MAX + 2)
#define HTTP_S_ANY HTTP_STATE_COUNT   /* a row for every state */
#define HTTP_EV_NONE HTTP_EVENT_COUNT /* an action with nothing to add */
#define HTTP_LENGTH_DIGITS 18	      /* below 2^63 whatever the digits */

/* Returns the next event, HTTP_EV_NONE, or HTTP_EV_fail with p->error. */
typedef enum http_event (*http_action)(struct http_parser *p, char *line,
				       size_t len);

struct http_transition {
	enum http_state state; /* HTTP_S_ANY: any state */
	enum http_event event;
	http_action action;
	enum http_state next;
};

static const struct {
	int status;
	const char *reason;
} http_reasons[] = {
    {100, "Continue"},
    {101, "Switching Protocols"},
    {200, "OK"},
    {201, "Created"},
    {204, "No Content"},
    {206, "Partial Content"},
    {301, "Moved Permanently"},
    {302, "Found"},
    {304, "Not Modified"},
    {307, "Temporary Redirect"},
    {308, "Permanent Redirect"},
    {400, "Bad Request"},
    {403, "Forbidden"},
    {404, "Not Found"},
    {405, "Method Not Allowed"},
    {408, "Request Timeout"},
    {411, "Length Required"},
    {413, "Content Too Large"},
    {414, "URI Too Long"},
    {431, "Request Header Fields Too Large"},
    {500, "Internal Server Error"},
    {501, "Not Implemented"},
    {502, "Bad Gateway"},
    {503, "Service Unavailable"},
    {505, "HTTP Version Not Supported"},
};

const char *
http_reason(int status)
{
	for (size_t i = 0; i < sizeof(http_reasons) / sizeof(http_reasons[0]);
	     i++)
		if (http_reasons[i].status == status)
			return http_reasons[i].reason;
	return "";
}

int
http_error_status(enum http_error e)
{
	return (unsigned)e < HTTP_ERROR_COUNT ? http_error_statuses[e] : 400;
}

/* --- characters ----------------------------------------------------------- */

static bool
http_tchar(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	       (c >= 'A' && c <= 'Z') || (c && strchr("!#$%&'*+-.^_`|~", c));
}

bool
http_is_token(const char *s, size_t len)
{
	if (len == 0)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!http_tchar((unsigned char)s[i]))
			return false;
	return true;
}

/* A field value's byte: visible, blank or obs-text; never a control. */
static bool
http_vchar_or_blank(unsigned char c)
{
	return c == ' ' || c == '\t' || (c >= 0x21 && c != 0x7f);
}

static bool
http_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int
http_hex(char c)
{
	if (http_digit(c))
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* "HTTP/D.D" at s; the digits into major, minor. */
static bool
http_version(const char *s, size_t len, int *major, int *minor)
{
	if (len != 8 || memcmp(s, "HTTP/", 5) || !http_digit(s[5]) ||
	    s[6] != '.' || !http_digit(s[7]))
		return false;
	*major = s[5] - '0';
	*minor = s[7] - '0';
	return true;
}

static enum http_event
http_fail(struct http_parser *p, enum http_error e)
{
	p->error = e;
	return HTTP_EV_fail;
}

/* --- actions ------------------------------------------------------------ */

/* method SP request-target SP HTTP-version (RFC 9112 3) */
static enum http_event
http_act_request_line(struct http_parser *p, char *line, size_t len)
{
	char *sp1 = memchr(line, ' ', len), *sp2;
	size_t target_len;

	if (!sp1 || !http_is_token(line, (size_t)(sp1 - line)))
		return http_fail(p, HTTP_E_bad_request_line);
	sp2 = memchr(sp1 + 1, ' ', len - (size_t)(sp1 + 1 - line));
	if (!sp2)
		return http_fail(p, HTTP_E_bad_request_line);
	target_len = (size_t)(sp2 - sp1 - 1);
	if (target_len == 0)
		return http_fail(p, HTTP_E_bad_request_line);
	for (size_t i = 0; i < target_len; i++) {
		unsigned char c = (unsigned char)sp1[1 + i];

		if (c <= 0x20 || c >= 0x7f)
			return http_fail(p, HTTP_E_bad_request_line);
	}
	if (!http_version(sp2 + 1, len - (size_t)(sp2 + 1 - line),
			  &p->msg.major, &p->msg.minor))
		return http_fail(p, HTTP_E_bad_version);
	if (p->msg.major != 1 || p->msg.minor > 1)
		return http_fail(p, HTTP_E_version_not_supported);
	*sp1 = *sp2 = '\0';
	/* Offsets for now: the buffer may move until the head is whole. */
	p->start_off[0] = (uint32_t)(line - p->buf);
	p->start_off[1] = (uint32_t)(sp1 + 1 - p->buf);
	return HTTP_EV_NONE;
}

/* HTTP-version SP 3DIGIT SP [reason-phrase] (RFC 9112 4) */
static enum http_event
http_act_status_line(struct http_parser *p, char *line, size_t len)
{
	if (len < 12 || line[8] != ' ' ||
	    !http_version(line, 8, &p->msg.major, &p->msg.minor))
		return http_fail(p, HTTP_E_bad_status_line);
	if (p->msg.major != 1)
		return http_fail(p, HTTP_E_version_not_supported);
	if (!http_digit(line[9]) || !http_digit(line[10]) ||
	    !http_digit(line[11]) || line[9] < '1' || line[9] > '5' ||
	    (len > 12 && line[12] != ' '))
		return http_fail(p, HTTP_E_bad_status_line);
	for (size_t i = 13; i < len; i++)
		if (!http_vchar_or_blank((unsigned char)line[i]))
			return http_fail(p, HTTP_E_bad_status_line);
	p->msg.status =
	    (line[9] - '0') * 100 + (line[10] - '0') * 10 + line[11] - '0';
	p->start_off[0] = (uint32_t)(line + (len > 12 ? 13 : len) - p->buf);
	return HTTP_EV_NONE;
}

static enum http_event
http_act_start_line(struct http_parser *p, char *line, size_t len)
{
	return p->response ? http_act_status_line(p, line, len)
			   : http_act_request_line(p, line, len);
}

/*
 * field-name ":" OWS field-value OWS (RFC 9112 5): name and value
 * NUL-terminated in place. Folded lines (obs-fold) are refused, as RFC
 * 9112 5.2 allows.
 */
static int
http_field(char *line, size_t len, size_t *value, size_t *value_end)
{
	char *colon = memchr(line, ':', len);
	size_t v, end;

	if (!colon || !http_is_token(line, (size_t)(colon - line)))
		return -1;
	for (size_t i = (size_t)(colon - line) + 1; i < len; i++)
		if (!http_vchar_or_blank((unsigned char)line[i]))
			return -1;
	v = (size_t)(colon - line) + 1;
	while (v < len && (line[v] == ' ' || line[v] == '\t'))
		v++;
	end = len;
	while (end > v && (line[end - 1] == ' ' || line[end - 1] == '\t'))
		end--;
	*colon = '\0';
	line[end] = '\0';
	*value = v;
	*value_end = end;
	return 0;
}

static enum http_event
http_act_header(struct http_parser *p, char *line, size_t len)
{
	size_t v, end;

	if (p->nhdr == HTTP_HEADERS_MAX)
		return http_fail(p, HTTP_E_too_many_headers);
	if (http_field(line, len, &v, &end) < 0)
		return http_fail(p, HTTP_E_bad_header);
	p->hdr_off[p->nhdr][0] = (uint32_t)(line - p->buf);
	p->hdr_off[p->nhdr][1] = (uint32_t)(line + v - p->buf);
	p->nhdr++;
	return HTTP_EV_NONE;
}

/* Trailer fields are checked, counted and let go (RFC 9112 7.1.2). */
static enum http_event
http_act_trailer(struct http_parser *p, char *line, size_t len)
{
	size_t v, end;

	if (++p->nhdr > HTTP_HEADERS_MAX)
		return http_fail(p, HTTP_E_too_many_headers);
	if (http_field(line, len, &v, &end) < 0)
		return http_fail(p, HTTP_E_bad_header);
	return HTTP_EV_NONE;
}

static bool
http_list_has(const char *list, const char *token)
{
	size_t tl = strlen(token);

	while (*list) {
		size_t n;

		list += strspn(list, " \t,");
		n = strcspn(list, ",");
		while (n > 0 && (list[n - 1] == ' ' || list[n - 1] == '\t'))
			n--;
		if (n == tl && !strncasecmp(list, token, tl))
			return true;
		list += strcspn(list, ",");
	}
	return false;
}

/* The last coding of a Transfer-Encoding list is chunked, and (when only)
 * it is the only one. */
static void
http_codings(const char *list, bool *last_chunked, bool *only_chunked)
{
	const char *last = NULL;
	size_t last_len = 0, count = 0;

	while (*list) {
		size_t n;

		list += strspn(list, " \t,");
		n = strcspn(list, ",");
		if (n == 0)
			break;
		last = list;
		last_len = n;
		while (last_len > 0 && (last[last_len - 1] == ' ' ||
					last[last_len - 1] == '\t'))
			last_len--;
		count++;
		list += n;
	}
	*last_chunked =
	    last && last_len == 7 && !strncasecmp(last, "chunked", 7);
	*only_chunked = *last_chunked && count == 1;
}

static int64_t
http_length(const char *s)
{
	int64_t n = 0;
	size_t len = strlen(s);

	if (len == 0 || len > HTTP_LENGTH_DIGITS)
		return -1;
	for (size_t i = 0; i < len; i++) {
		if (!http_digit(s[i]))
			return -1;
		n = n * 10 + (s[i] - '0');
	}
	return n;
}

/* What the head says of the message's framing (RFC 9112 6.3). */
static enum http_event
http_framing(struct http_parser *p)
{
	struct http_msg *m = &p->msg;
	bool te = false, last_chunked = false, only_chunked = false;
	int hosts = 0;

	m->content_length = -1;
	for (size_t i = 0; i < m->nheaders; i++) {
		const char *name = m->headers[i].name;
		const char *value = m->headers[i].value;

		if (!strcasecmp(name, "host")) {
			hosts++;
		} else if (!strcasecmp(name, "content-length")) {
			int64_t n = http_length(value);

			if (n < 0 ||
			    (m->content_length >= 0 && n != m->content_length))
				return http_fail(p, HTTP_E_bad_content_length);
			m->content_length = n;
		} else if (!strcasecmp(name, "transfer-encoding")) {
			/* Several fields make one list; the last counts. */
			te = true;
			http_codings(value, &last_chunked, &only_chunked);
		}
	}
	if (!p->response && hosts > 1)
		return http_fail(p, HTTP_E_duplicate_host);
	if (!p->response && hosts == 0 && m->minor == 1)
		return http_fail(p, HTTP_E_missing_host);
	if (!p->response && te && m->content_length >= 0)
		return http_fail(p, HTTP_E_length_and_chunked);
	if (!p->response && te && !only_chunked)
		return http_fail(p, HTTP_E_unsupported_coding);
	if (p->response && (p->head_request || m->status < 200 ||
			    m->status == 204 || m->status == 304))
		return HTTP_EV_no_body;
	if (te && last_chunked) {
		m->chunked = true;
		return HTTP_EV_chunked;
	}
	if (te && p->response) {
		m->content_length = -1; /* overridden (RFC 9112 6.3 3) */
		return HTTP_EV_until_close;
	}
	if (m->content_length > 0)
		return HTTP_EV_length;
	if (m->content_length < 0 && p->response)
		return HTTP_EV_until_close;
	return HTTP_EV_no_body;
}

/* The head is complete: its fields become pointers, its framing is
 * decided. */
static enum http_event
http_act_head_end(struct http_parser *p, char *line, size_t len)
{
	struct http_msg *m = &p->msg;
	const char *conn;

	(void)line;
	(void)len;
	if (p->response) {
		m->reason = p->buf + p->start_off[0];
	} else {
		m->method = p->buf + p->start_off[0];
		m->target = p->buf + p->start_off[1];
	}
	for (size_t i = 0; i < p->nhdr; i++) {
		m->headers[i].name = p->buf + p->hdr_off[i][0];
		m->headers[i].value = p->buf + p->hdr_off[i][1];
	}
	m->nheaders = p->nhdr;
	p->framing = http_framing(p);
	if (p->framing == HTTP_EV_fail)
		return HTTP_EV_fail;
	m->has_body = p->framing != HTTP_EV_no_body;
	conn = http_header_get(m, "connection");
	if (m->minor == 0)
		m->keep_alive = conn && http_list_has(conn, "keep-alive") &&
				!http_list_has(conn, "close");
	else
		m->keep_alive = !conn || !http_list_has(conn, "close");
	if (p->framing == HTTP_EV_until_close)
		m->keep_alive = false;
	p->remaining = m->content_length > 0 ? (uint64_t)m->content_length : 0;
	return HTTP_EV_NONE;
}

/* chunk-size [ chunk-ext ] (RFC 9112 7.1) */
static enum http_event
http_act_chunk_size(struct http_parser *p, char *line, size_t len)
{
	uint64_t n = 0;
	size_t i = 0;

	for (; i < len && http_hex(line[i]) >= 0; i++) {
		if (i == 15)
			return http_fail(p, HTTP_E_bad_chunk);
		n = n << 4 | (uint64_t)http_hex(line[i]);
	}
	if (i == 0)
		return http_fail(p, HTTP_E_bad_chunk);
	while (i < len && (line[i] == ' ' || line[i] == '\t'))
		i++;
	if (i < len && line[i] != ';')
		return http_fail(p, HTTP_E_bad_chunk);
	for (; i < len; i++)
		if (!http_vchar_or_blank((unsigned char)line[i]))
			return http_fail(p, HTTP_E_bad_chunk);
	p->remaining = n;
	p->nhdr = 0; /* trailers count from here */
	p->header_bytes = 0;
	return n ? HTTP_EV_chunk : HTTP_EV_last_chunk;
}

static enum http_event
http_act_bad_chunk(struct http_parser *p, char *line, size_t len)
{
	(void)line;
	(void)len;
	return http_fail(p, HTTP_E_bad_chunk);
}

static enum http_event
http_act_truncated(struct http_parser *p, char *line, size_t len)
{
	(void)line;
	(void)len;
	return http_fail(p, HTTP_E_truncated);
}

/* Every transition there is, matched in order. */
static const struct http_transition http_fsm[] = {
    {HTTP_S_start, HTTP_EV_line, http_act_start_line, HTTP_S_header},
    {HTTP_S_start, HTTP_EV_blank, NULL, HTTP_S_start},
    {HTTP_S_header, HTTP_EV_line, http_act_header, HTTP_S_header},
    {HTTP_S_header, HTTP_EV_blank, http_act_head_end, HTTP_S_head_end},
    {HTTP_S_head_end, HTTP_EV_no_body, NULL, HTTP_S_done},
    {HTTP_S_head_end, HTTP_EV_length, NULL, HTTP_S_body},
    {HTTP_S_head_end, HTTP_EV_chunked, NULL, HTTP_S_chunk_size},
    {HTTP_S_head_end, HTTP_EV_until_close, NULL, HTTP_S_body_close},
    {HTTP_S_body, HTTP_EV_data_end, NULL, HTTP_S_done},
    {HTTP_S_body_close, HTTP_EV_eof, NULL, HTTP_S_done},
    {HTTP_S_chunk_size, HTTP_EV_line, http_act_chunk_size, HTTP_S_chunk_size},
    {HTTP_S_chunk_size, HTTP_EV_blank, http_act_bad_chunk, HTTP_S_failed},
    {HTTP_S_chunk_size, HTTP_EV_chunk, NULL, HTTP_S_chunk_data},
    {HTTP_S_chunk_size, HTTP_EV_last_chunk, NULL, HTTP_S_trailer},
    {HTTP_S_chunk_data, HTTP_EV_data_end, NULL, HTTP_S_chunk_end},
    {HTTP_S_chunk_end, HTTP_EV_blank, NULL, HTTP_S_chunk_size},
    {HTTP_S_chunk_end, HTTP_EV_line, http_act_bad_chunk, HTTP_S_failed},
    {HTTP_S_trailer, HTTP_EV_line, http_act_trailer, HTTP_S_trailer},
    {HTTP_S_trailer, HTTP_EV_blank, NULL, HTTP_S_done},
    {HTTP_S_ANY, HTTP_EV_eof, http_act_truncated, HTTP_S_failed},
    {HTTP_S_ANY, HTTP_EV_fail, NULL, HTTP_S_failed},
};

/* Runs event and whatever its actions add; the state changes before an
 * action runs, so that the events it adds belong to the next state. */
static void
http_fsm_run(struct http_parser *p, enum http_event event, char *line,
	     size_t len)
{
	while (event != HTTP_EV_NONE) {
		const struct http_transition *t = NULL;

		for (size_t i = 0; i < sizeof(http_fsm) / sizeof(http_fsm[0]);
		     i++) {
			if ((http_fsm[i].state == p->state ||
			     http_fsm[i].state == HTTP_S_ANY) &&
			    http_fsm[i].event == event) {
				t = &http_fsm[i];
				break;
			}
		}
		if (!t)
			fatalx("http_fsm_run: no transition from %s on %s",
			       http_state_names[p->state],
			       http_event_names[event]);
		p->state = t->next;
		event = t->action ? t->action(p, line, len) : HTTP_EV_NONE;
	}
}

/* --- lines -------------------------------------------------------------- */

static bool
http_in_head(const struct http_parser *p)
{
	return p->state == HTTP_S_start || p->state == HTTP_S_header;
}

/* The error for a line that grew past its limit. */
static enum http_error
http_line_error(const struct http_parser *p)
{
	switch (p->state) {
	case HTTP_S_start:
		return HTTP_E_line_too_long;
	case HTTP_S_header:
	case HTTP_S_trailer:
		return HTTP_E_header_too_large;
	default:
		return HTTP_E_bad_chunk;
	}
}

/* Room for the line being read to grow to want bytes (and a NUL). */
static int
http_reserve(struct http_parser *p, size_t want)
{
	size_t cap = p->cap ? p->cap : HTTP_BUF_INIT;
	char *b;

	if (want + 1 <= p->cap)
		return 0;
	while (cap < want + 1)
		cap *= 2;
	if (cap > HTTP_BUF_MAX + 1)
		cap = HTTP_BUF_MAX + 1;
	if (want + 1 > cap || !(b = realloc(p->buf, cap)))
		return -1;
	p->buf = b;
	p->cap = cap;
	return 0;
}

/*
 * Takes input into the line being read, up to its LF; returns how much
 * it took, with *line and *len set once the line is complete (its CR LF
 * cut off), or -1 after a failure.
 */
static long
http_take_line(struct http_parser *p, const uint8_t *in, size_t len,
	       char **line, size_t *line_len)
{
	const uint8_t *lf = memchr(in, '\n', len);
	size_t n = lf ? (size_t)(lf - in) : len;
	size_t have = http_in_head(p) ? p->len - p->line : p->aux_len;
	size_t limit;
	char *dst;

	if (p->state == HTTP_S_start)
		limit = HTTP_LINE_MAX;
	else if (p->state == HTTP_S_header)
		limit = HTTP_HEADER_BYTES_MAX - p->header_bytes;
	else
		limit = HTTP_CHUNK_LINE_MAX;
	/* The CR before the LF does not count. */
	if (have + n > limit + (lf && n > 0 && in[n - 1] == '\r')) {
		p->error = http_line_error(p);
		p->state = HTTP_S_failed;
		return -1;
	}
	if (http_in_head(p)) {
		if (http_reserve(p, p->len + n) < 0) {
			p->error = http_line_error(p);
			p->state = HTTP_S_failed;
			return -1;
		}
		dst = p->buf + p->len;
		p->len += n;
	} else {
		dst = p->aux + p->aux_len;
		p->aux_len += n;
	}
	memcpy(dst, in, n);
	*line = NULL;
	if (!lf)
		return (long)n;
	if (http_in_head(p)) {
		*line = p->buf + p->line;
		*line_len = p->len - p->line;
	} else {
		*line = p->aux;
		*line_len = p->aux_len;
		p->aux_len = 0;
	}
	if (*line_len > 0 && (*line)[*line_len - 1] == '\r')
		(*line_len)--;
	(*line)[*line_len] = '\0';
	return (long)n + 1;
}

/* A complete line: the event it makes, and where the next one goes. */
static void
http_line(struct http_parser *p, char *line, size_t len)
{
	if (p->state == HTTP_S_header)
		p->header_bytes += len + 2;
	if (http_in_head(p)) {
		/* Kept, NUL-terminated; blank lines before the start line
		 * are not. */
		p->len =
		    p->line + (len || p->state != HTTP_S_start ? len + 1 : 0);
		p->line = p->len;
	}
	http_fsm_run(p, len ? HTTP_EV_line : HTTP_EV_blank, line, len);
}

/* --- the owner's calls --------------------------------------------------- */

void
http_parser_init(struct http_parser *p, bool response)
{
	memset(p, 0, sizeof(*p));
	p->response = response;
	http_parser_reset(p, false);
}

void
http_parser_free(struct http_parser *p)
{
	free(p->buf);
	p->buf = NULL;
	p->cap = 0;
}

void
http_parser_reset(struct http_parser *p, bool head_request)
{
	p->head_request = head_request;
	p->state = HTTP_S_start;
	p->error = HTTP_E_none;
	memset(&p->msg, 0, sizeof(p->msg));
	p->msg.content_length = -1;
	p->head_given = false;
	p->len = p->line = 0;
	p->header_bytes = 0;
	p->nhdr = 0;
	p->aux_len = 0;
	p->remaining = 0;
	p->body_bytes = 0;
}

bool
http_parser_started(const struct http_parser *p)
{
	return p->state != HTTP_S_start || p->len > 0;
}

enum http_result
http_parse(struct http_parser *p, const uint8_t *in, size_t len, size_t *used,
	   const uint8_t **data, size_t *dlen)
{
	size_t off = 0;

	*data = NULL;
	*dlen = 0;
	for (;;) {
		*used = off;
		switch (p->state) {
		case HTTP_S_done:
			return HTTP_DONE;
		case HTTP_S_failed:
			return HTTP_FAIL;
		case HTTP_S_head_end:
			if (!p->head_given) {
				p->head_given = true;
				return HTTP_HEAD;
			}
			http_fsm_run(p, p->framing, NULL, 0);
			continue;
		case HTTP_S_body:
		case HTTP_S_chunk_data:
		case HTTP_S_body_close: {
			size_t n = len - off;

			if (n == 0)
				return HTTP_AGAIN;
			if (p->state != HTTP_S_body_close && n > p->remaining)
				n = (size_t)p->remaining;
			*data = in + off;
			*dlen = n;
			*used = off + n;
			p->body_bytes += n;
			if (p->state != HTTP_S_body_close) {
				p->remaining -= n;
				if (p->remaining == 0)
					http_fsm_run(p, HTTP_EV_data_end, NULL,
						     0);
			}
			return HTTP_DATA;
		}
		default: {
			char *line;
			size_t line_len;
			long n;

			if (off == len)
				return HTTP_AGAIN;
			n = http_take_line(p, in + off, len - off, &line,
					   &line_len);
			if (n < 0)
				return HTTP_FAIL;
			off += (size_t)n;
			if (line)
				http_line(p, line, line_len);
		}
		}
	}
}

enum http_result
http_parse_eof(struct http_parser *p)
{
	if (p->state == HTTP_S_done)
		return HTTP_DONE;
	if (p->state == HTTP_S_failed)
		return HTTP_FAIL;
	if (!http_parser_started(p))
		return HTTP_AGAIN;
	http_fsm_run(p, HTTP_EV_eof, NULL, 0);
	return p->state == HTTP_S_done ? HTTP_DONE : HTTP_FAIL;
}

const char *
http_header_get(const struct http_msg *m, const char *name)
{
	for (size_t i = 0; i < m->nheaders; i++)
		if (!strcasecmp(m->headers[i].name, name))
			return m->headers[i].value;
	return NULL;
}
