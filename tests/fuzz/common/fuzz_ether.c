/* Fuzz target: Ethernet header parsing. */
#include <stddef.h>
#include <stdint.h>

#include "ether.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ether_frame eth;

	if (ether_parse(data, size, &eth) != ETHER_TRUNCATED &&
	    eth.payload + eth.payload_len != data + size)
		__builtin_trap();
	return 0;
}
