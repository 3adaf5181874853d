/*
 * Fuzz target: the HTTP/1.1 parser, over requests or responses, fed in
 * pieces of varying size, message after message on one connection as
 * pipelining does, then the end of the input.
 *
 * Input: one settings byte (bit 0: responses, bit 1: each response
 * answers HEAD, bits 2-7: the size of the pieces, 0 for the whole rest),
 * then the bytes of the connection.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "http.h"

/* Checks what a complete head says. */
static void
fz_check_head(const struct http_parser *p)
{
	const struct http_msg *m = &p->msg;

	if (m->nheaders > HTTP_HEADERS_MAX || m->major != 1)
		__builtin_trap();
	if (p->response
		? !m->reason || m->status < 100 || m->status > 599
		: !m->method || !m->target || !*m->method || !*m->target)
		__builtin_trap();
	for (size_t i = 0; i < m->nheaders; i++)
		if (!m->headers[i].name || !m->headers[i].value ||
		    !http_is_token(m->headers[i].name,
				   strlen(m->headers[i].name)))
			__builtin_trap();
	if (m->chunked && !m->has_body)
		__builtin_trap();
	http_header_get(m, "content-type");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct http_parser p;
	size_t step, off = 1;
	uint64_t body = 0;
	enum http_result r = HTTP_AGAIN;

	if (size < 1)
		return 0;
	step = data[0] >> 2;
	http_parser_init(&p, data[0] & 1);
	http_parser_reset(&p, data[0] & 2);
	while (off <= size) {
		size_t avail = size - off, used, dlen;
		const uint8_t *d;

		if (step && avail > step)
			avail = step;
		r = http_parse(&p, data + off, avail, &used, &d, &dlen);
		if (used > avail)
			__builtin_trap();
		off += used;
		switch (r) {
		case HTTP_HEAD:
			fz_check_head(&p);
			break;
		case HTTP_DATA:
			if (d < data || d + dlen > data + size || dlen == 0)
				__builtin_trap();
			body += dlen;
			if (p.msg.content_length >= 0 && !p.msg.chunked &&
			    body > (uint64_t)p.msg.content_length)
				__builtin_trap();
			break;
		case HTTP_DONE:
			if (p.error != HTTP_E_none)
				__builtin_trap();
			http_parser_reset(&p, data[0] & 2);
			body = 0;
			break;
		case HTTP_FAIL:
			if (p.error == HTTP_E_none ||
			    http_error_status(p.error) < 400)
				__builtin_trap();
			off = size + 1;
			break;
		case HTTP_AGAIN:
			if (off == size)
				off = size + 1;
			break;
		}
	}
	if (r != HTTP_FAIL)
		http_parse_eof(&p);
	http_parser_free(&p);
	return 0;
}
