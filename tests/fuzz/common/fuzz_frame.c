/*
 * Fuzz target: describing a frame (common/frame.c). Input: a frame. The
 * description is made twice, into a roomy and a tiny summary buffer; both
 * must be terminated within their size and agree on every field.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "frame.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char sum[FRAME_SUMMARY_MAX], tiny[16];
	struct frame_desc d, e;

	frame_describe(data, size, &d, sum, sizeof(sum));
	frame_describe(data, size, &e, tiny, sizeof(tiny));
	if (strnlen(sum, sizeof(sum)) == sizeof(sum) ||
	    strnlen(tiny, sizeof(tiny)) == sizeof(tiny) ||
	    strncmp(sum, tiny, strlen(tiny)) != 0)
		__builtin_trap();
	if (d.key != frame_key(data, size) || d.key != e.key ||
	    d.ttl != e.ttl || d.has_ip != e.has_ip || d.src_ip != e.src_ip ||
	    strcmp(d.proto, e.proto) != 0 || strcmp(d.flags, e.flags) != 0 ||
	    strnlen(d.flags, FRAME_FLAGS_MAX) == FRAME_FLAGS_MAX)
		__builtin_trap();
	return 0;
}
