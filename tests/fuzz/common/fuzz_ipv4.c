/*
 * Fuzz target: IPv4 header validation, and fragmentation of whatever
 * passes it to a small MTU; every fragment must itself be valid.
 */
#include <stddef.h>
#include <stdint.h>

#include "ipv4.h"

static int
check_fragment(const uint8_t *frag, size_t len, void *arg)
{
	struct ipv4_pkt p;

	(void)arg;
	if (ipv4_parse(frag, len, &p) != IPV4_ok || p.len != len)
		__builtin_trap();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ipv4_pkt p;

	if (ipv4_parse(data, size, &p) != IPV4_ok)
		return 0;
	if (p.hdr_len < IPV4_HDR_LEN || p.len > size ||
	    p.payload + p.payload_len != data + p.len)
		__builtin_trap();
	ipv4_fragment(&p, 68 + (size % 64) * 8, check_fragment, NULL);
	return 0;
}
