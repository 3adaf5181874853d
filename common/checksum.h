/*
 * The Internet checksum (RFC 1071) and its incremental update (RFC 1624).
 *
 * Values are host-order numbers: the sum treats the data as a sequence of
 * big-endian 16-bit words, so a result is stored into a header with a
 * big-endian write (htons), and data whose checksum field is correct sums
 * to zero under checksum().
 */
#ifndef HOPLAB_CHECKSUM_H
#define HOPLAB_CHECKSUM_H

#include <stddef.h>
#include <stdint.h>

/*
 * Adds len bytes of data to a running 32-bit sum and returns it; an odd
 * final byte is padded with zero. Chain calls for data in pieces (each
 * piece but the last of even length), then finish with checksum_fold().
 */
uint32_t checksum_add(uint32_t sum, const void *data, size_t len);
/* Folds a running sum to 16 bits and complements it. */
uint16_t checksum_fold(uint32_t sum);
/* checksum_fold(checksum_add(0, data, len)): 0 for data that checks. */
uint16_t checksum(const void *data, size_t len);

/*
 * The checksum of a transport segment (UDP, TCP) of len bytes from src to
 * dst (host order) with the IPv4 pseudo-header of protocol proto in front.
 */
uint16_t checksum_pseudo(uint32_t src, uint32_t dst, uint8_t proto,
			 const void *data, size_t len);

/*
 * RFC 1624 eqn. 3: the checksum after one 16-bit word of the covered data
 * changed from old_word to new_word, HC' = ~(~HC + ~m + m').
 */
uint16_t checksum_update16(uint16_t check, uint16_t old_word,
			   uint16_t new_word);
/* The same for a 32-bit field (an address), as two 16-bit words. */
uint16_t checksum_update32(uint16_t check, uint32_t old_word,
			   uint32_t new_word);

#endif
