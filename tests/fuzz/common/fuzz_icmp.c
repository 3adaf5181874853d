/*
 * Fuzz target: ICMP parsing, and the error a router would build about
 * any valid datagram (never longer than 576 bytes, always valid itself).
 */
#include <stddef.h>
#include <stdint.h>

#include "icmp.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t err[ICMP_ERROR_MAX_LEN];
	struct ipv4_pkt p, q;
	struct icmp_msg m;
	size_t len;

	if (icmp_parse(data, size, &m) == ICMP_ok &&
	    m.body + m.body_len != data + size)
		__builtin_trap();
	if (ipv4_parse(data, size, &p) != IPV4_ok)
		return 0;
	if (p.proto == IPV4_PROTO_ICMP)
		icmp_parse(p.payload, p.payload_len, &m);
	icmp_error_allowed(&p, false);
	len = icmp_build_error(err, 0x0a000001, 1, ICMP_TYPE_DEST_UNREACH,
			       ICMP_CODE_FRAG_NEEDED, 1000, &p);
	if (len > sizeof(err) || ipv4_parse(err, len, &q) != IPV4_ok ||
	    icmp_parse(q.payload, q.payload_len, &m) != ICMP_ok ||
	    m.mtu != 1000)
		__builtin_trap();
	return 0;
}
