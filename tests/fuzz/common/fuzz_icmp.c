/*
 * Fuzz target: ICMP parsing; the echo reply a host builds for an echo
 * request (same identifier, sequence and data); the text ping prints for
 * an error; and the error a router builds about any valid datagram (never
 * longer than 576 bytes, always valid itself).
 *
 * The input is a control byte, then an IPv4 datagram. The control byte's
 * bits 0-2 are the repairs made to the datagram (fuzz_pkt.h: lengths and
 * checksums), bit 3 says it came in a link-layer broadcast, bits 5-7
 * choose the error to build.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_pkt.h"
#include "icmp.h"
#include "ping.h"

static const struct {
	uint8_t type, code;
} fuzz_errors[] = {
    {ICMP_TYPE_DEST_UNREACH, ICMP_CODE_FRAG_NEEDED},
    {ICMP_TYPE_DEST_UNREACH, ICMP_CODE_HOST_UNREACH},
    {ICMP_TYPE_DEST_UNREACH, ICMP_CODE_PORT_UNREACH},
    {ICMP_TYPE_DEST_UNREACH, ICMP_CODE_NET_UNREACH},
    {ICMP_TYPE_TIME_EXCEEDED, ICMP_CODE_TTL_EXCEEDED},
    {ICMP_TYPE_TIME_EXCEEDED, ICMP_CODE_REASSEMBLY_EXCEEDED},
    {ICMP_TYPE_DEST_UNREACH, ICMP_CODE_PROTO_UNREACH},
    {ICMP_TYPE_PARAM_PROBLEM, 0},
};

/* An echo request answered: the reply must carry what the request did. */
static void
fuzz_echo(const struct icmp_msg *req)
{
	uint8_t *reply = malloc(ICMP_HDR_LEN + req->body_len);
	struct icmp_msg m;
	size_t len;

	if (!reply)
		return;
	len = icmp_build_echo(reply, ICMP_TYPE_ECHO_REPLY, req->id, req->seq,
			      req->body, req->body_len);
	if (len != ICMP_HDR_LEN + req->body_len ||
	    icmp_parse(reply, len, &m) != ICMP_ok ||
	    m.type != ICMP_TYPE_ECHO_REPLY || m.id != req->id ||
	    m.seq != req->seq || m.body_len != req->body_len ||
	    memcmp(m.body, req->body, m.body_len) != 0)
		__builtin_trap();
	free(reply);
}

static void
fuzz_icmp_payload(const struct ipv4_pkt *p)
{
	struct icmp_msg m;
	char text[64];

	if (icmp_parse(p->payload, p->payload_len, &m) != ICMP_ok)
		return;
	if (m.type == ICMP_TYPE_ECHO)
		fuzz_echo(&m);
	else if (m.type != ICMP_TYPE_ECHO_REPLY)
		ping_error_text(m.type, m.code, m.mtu, text, sizeof(text));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t err[ICMP_ERROR_MAX_LEN], *buf;
	struct icmp_ratelimit rl;
	struct ipv4_pkt p, q;
	struct icmp_msg m;
	size_t len, n;
	unsigned kind;

	if (size < 1)
		return 0;
	n = size - 1;
	if (icmp_parse(data + 1, n, &m) == ICMP_ok &&
	    m.body + m.body_len != data + size)
		__builtin_trap();
	buf = malloc(n ? n : 1);
	if (!buf)
		return 0;
	memcpy(buf, data + 1, n);
	fuzz_fix_ipv4(buf, n, data[0]);
	if (ipv4_parse(buf, n, &p) != IPV4_ok) {
		free(buf);
		return 0;
	}
	if (p.proto == IPV4_PROTO_ICMP)
		fuzz_icmp_payload(&p);
	kind = data[0] >> 5;
	icmp_ratelimit_init(&rl, 1, 1);
	if (icmp_error_allowed(&p, data[0] & 0x08) &&
	    icmp_ratelimit_allow(&rl, 1.0) && icmp_ratelimit_allow(&rl, 1.0))
		__builtin_trap(); /* a bucket of one holds one token */
	len = icmp_build_error(err, 0x0a000001, 1, fuzz_errors[kind].type,
			       fuzz_errors[kind].code, 1000, &p);
	if (len > sizeof(err) || ipv4_parse(err, len, &q) != IPV4_ok ||
	    icmp_parse(q.payload, q.payload_len, &m) != ICMP_ok ||
	    m.type != fuzz_errors[kind].type ||
	    m.code != fuzz_errors[kind].code || q.dst != p.src ||
	    (kind == 0 && m.mtu != 1000) || icmp_error_allowed(&q, false))
		__builtin_trap();
	free(buf);
	return 0;
}
