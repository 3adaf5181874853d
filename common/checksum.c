/* The Internet checksum, RFC 1071, with RFC 1624 incremental updates. */
#include "checksum.h"

uint32_t
checksum_add(uint32_t sum, const void *data, size_t len)
{
	const uint8_t *p = data;
	uint64_t acc = sum;

	while (len >= 2) {
		acc += (uint32_t)(p[0] << 8 | p[1]);
		p += 2;
		len -= 2;
	}
	if (len)
		acc += (uint32_t)(p[0] << 8);
	/* Keep the carries: folding now leaves a 32-bit sum to go on with. */
	while (acc >> 32)
		acc = (acc & 0xffffffffu) + (acc >> 32);
	return (uint32_t)acc;
}

uint16_t
checksum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

uint16_t
checksum(const void *data, size_t len)
{
	return checksum_fold(checksum_add(0, data, len));
}

uint16_t
checksum_pseudo(uint32_t src, uint32_t dst, uint8_t proto, const void *data,
		size_t len)
{
	const uint8_t pseudo[12] = {(uint8_t)(src >> 24),
				    (uint8_t)(src >> 16),
				    (uint8_t)(src >> 8),
				    (uint8_t)src,
				    (uint8_t)(dst >> 24),
				    (uint8_t)(dst >> 16),
				    (uint8_t)(dst >> 8),
				    (uint8_t)dst,
				    0,
				    proto,
				    (uint8_t)(len >> 8),
				    (uint8_t)len};

	return checksum_fold(
	    checksum_add(checksum_add(0, pseudo, sizeof(pseudo)), data, len));
}

uint16_t
checksum_update16(uint16_t check, uint16_t old_word, uint16_t new_word)
{
	uint32_t sum = (uint16_t)~check;

	sum += (uint16_t)~old_word;
	sum += new_word;
	return checksum_fold(sum);
}

uint16_t
checksum_update32(uint16_t check, uint32_t old_word, uint32_t new_word)
{
	check = checksum_update16(check, (uint16_t)(old_word >> 16),
				  (uint16_t)(new_word >> 16));
	return checksum_update16(check, (uint16_t)old_word, (uint16_t)new_word);
}
