/*
 * A forwarding index for longest-prefix match, after DIR-24-8 (Gupta,
 * Lin and McKeown, "Routing lookups in hardware at memory access
 * speeds", 1998): one entry for each /24 of the address space (2^24 of
 * them), and for a /24 that holds prefixes longer than 24 bits an
 * extension table of 256 entries, one per address. A lookup reads one
 * entry, or two; it never walks.
 *
 * The index maps addresses to values (1..FIB_VALUE_MAX) that the caller
 * gives with each prefix; an address no prefix holds maps to 0, where a
 * caller keeps its default route. Prefixes are added and removed one at
 * a time: an entry remembers the length of the prefix that wrote it, so
 * an addition only overwrites shorter ones, and a removal hands its
 * entries to the prefix the caller names as the next longest. The index
 * does not know the prefixes themselves: the caller (route.c) keeps them.
 *
 * Memory: the /24 table is 64 MiB of address space mapped with
 * MAP_NORESERVE, of which only the 4 KiB pages ever written take memory
 * (fib_bytes() counts them), until half of them are: then all of it, on
 * 2 MiB pages, which spare lookups the page walks. Extension tables take
 * 1 KiB each, one per /24 that holds a longer prefix, and are given back
 * when the last such prefix goes.
 */
#ifndef HOPLAB_FIB_H
#define HOPLAB_FIB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FIB_VALUE_BITS 25
#define FIB_VALUE_MAX ((1u << FIB_VALUE_BITS) - 1)
#define FIB_EXTENDED 0x80000000u /* a /24 entry naming an extension table */

struct fib {
	/* Entries: bit 31 FIB_EXTENDED (the /24 table only), bits 25..30
	 * the length of the prefix that wrote it, bits 0..24 the value or
	 * the extension table's number. */
	uint32_t *tbl24;
	uint32_t *tbl8;	       /* extension tables, 256 entries each */
	uint32_t *tbl8_longer; /* per table: its prefixes longer than /24;
				  for a free table, the next free one */
	uint32_t tbl8_cap;     /* tables allocated */
	uint32_t tbl8_used;    /* tables ever handed out (below cap) */
	uint32_t tbl8_live;    /* tables in use */
	uint32_t tbl8_free;    /* first free table, or UINT32_MAX */
	uint64_t touched[256]; /* pages of tbl24 written, one bit each */
	size_t pages;	       /* how many */
	bool huge;	       /* tbl24 is on 2 MiB pages */
};

/* An empty index (every address maps to 0), or NULL with errno. */
struct fib *fib_new(void);
void fib_free(struct fib *f);

/*
 * prefix/len (len 1..32, host bits ignored) maps to value (1..
 * FIB_VALUE_MAX) wherever no longer prefix is in the index. -1 with
 * errno EINVAL for a bad length or value, ENOMEM when an extension table
 * was needed and none could be had; the index is then unchanged.
 */
int fib_add(struct fib *f, uint32_t prefix, unsigned len, uint32_t value);
/*
 * Removes prefix/len, which was added with value: its addresses go to
 * next_value, the value of the next longest prefix holding it, of length
 * next_len (0 and 0 when there is none).
 */
void fib_del(struct fib *f, uint32_t prefix, unsigned len, uint32_t value,
	     uint32_t next_value, unsigned next_len);
/* The value of the longest prefix in the index holding addr, or 0. */
static inline uint32_t
fib_lookup(const struct fib *f, uint32_t addr)
{
	uint32_t e = f->tbl24[addr >> 8];

	if (e & FIB_EXTENDED)
		e = f->tbl8[(size_t)(e & FIB_VALUE_MAX) << 8 | (addr & 0xff)];
	return e & FIB_VALUE_MAX;
}
/* Bytes of memory the index takes: the pages of the /24 table written,
 * the extension tables and their bookkeeping. */
size_t fib_bytes(const struct fib *f);
/* Extension tables in use. */
size_t fib_tbl8_count(const struct fib *f);
/* Asks for 2 MiB pages for the mapping at addr: at once where the kernel
 * can (MADV_COLLAPSE, Linux 6.1), else for the pages touched from now on
 * (for the index, and for route.c's routes, which a lookup reads next). */
void fib_hugepages(void *addr, size_t len);

#endif
