/* DIR-24-8: a /24 table and extension tables, updated prefix by prefix. */
#include "fib.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define FIB_TBL24_ENTRIES (1u << 24)
#define FIB_TBL24_BYTES ((size_t)FIB_TBL24_ENTRIES * sizeof(uint32_t))
#define FIB_PAGE_BYTES 4096u
#define FIB_PAGE_ENTRIES (FIB_PAGE_BYTES / sizeof(uint32_t))
#ifndef MADV_COLLAPSE
#define MADV_COLLAPSE 25
#endif
#define FIB_LEN_SHIFT FIB_VALUE_BITS
#define FIB_NONE UINT32_MAX

/*
 * A change to the entries of one range: an addition writes entry over
 * those written by prefixes no longer than len; a removal writes it over
 * those that hold the removed prefix's value.
 */
struct fib_change {
	uint32_t entry;
	unsigned len;
	bool removal;
	uint32_t value;
};

static uint32_t
fib_entry(uint32_t value, unsigned len)
{
	return (uint32_t)len << FIB_LEN_SHIFT | value;
}

static unsigned
fib_entry_len(uint32_t e)
{
	return (e >> FIB_LEN_SHIFT) & 0x3f;
}

/* Does the change apply to entry e (not an extended one)? */
static bool
fib_applies(const struct fib_change *c, uint32_t e)
{
	if (c->removal)
		return (e & FIB_VALUE_MAX) == c->value;
	return fib_entry_len(e) <= c->len;
}

struct fib *
fib_new(void)
{
	struct fib *f = calloc(1, sizeof(*f));

	if (!f)
		return NULL;
	/* Pages never written cost nothing; read, they are the zero page. */
	f->tbl24 = mmap(NULL, FIB_TBL24_BYTES, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (f->tbl24 == MAP_FAILED) {
		free(f);
		return NULL;
	}
	f->tbl8_free = FIB_NONE;
	return f;
}

static void
fib_tbl8_release_all(struct fib *f)
{
	free(f->tbl8);
	free(f->tbl8_longer);
	f->tbl8 = NULL;
	f->tbl8_longer = NULL;
	f->tbl8_cap = f->tbl8_used = f->tbl8_live = 0;
	f->tbl8_free = FIB_NONE;
}

void
fib_free(struct fib *f)
{
	if (!f)
		return;
	munmap(f->tbl24, FIB_TBL24_BYTES);
	fib_tbl8_release_all(f);
	free(f);
}

static void
fib_set24(struct fib *f, uint32_t i, uint32_t e)
{
	uint64_t *word = &f->touched[i / FIB_PAGE_ENTRIES / 64];
	uint64_t bit = 1ull << (i / FIB_PAGE_ENTRIES % 64);

	f->tbl24[i] = e;
	if (!(*word & bit)) {
		*word |= bit;
		f->pages++;
	}
}

/*
 * Once half the pages of the /24 table are written, the rest costs
 * little more: it goes on 2 MiB pages, so that a lookup needs no page
 * walk (with 4 KiB pages, a random address misses the TLB nearly every
 * time).
 */
static void
fib_tbl24_huge(struct fib *f)
{
	if (f->huge || f->pages < FIB_TBL24_BYTES / FIB_PAGE_BYTES / 2)
		return;
	f->huge = true;
	fib_hugepages(f->tbl24, FIB_TBL24_BYTES);
}

void
fib_hugepages(void *addr, size_t len)
{
	madvise(addr, len, MADV_HUGEPAGE);
	madvise(addr, len, MADV_COLLAPSE);
}

/* Makes room for one more extension table; -1 when memory ran out. */
static int
fib_tbl8_grow(struct fib *f)
{
	uint32_t cap = f->tbl8_cap ? f->tbl8_cap * 2 : 64;
	uint32_t *tbl8, *longer;

	if (f->tbl8_cap > FIB_VALUE_MAX / 2)
		cap = FIB_VALUE_MAX + 1;
	if (cap <= f->tbl8_cap)
		return -1;
	tbl8 = realloc(f->tbl8, (size_t)cap * 256 * sizeof(uint32_t));
	if (!tbl8)
		return -1;
	f->tbl8 = tbl8;
	longer = realloc(f->tbl8_longer, (size_t)cap * sizeof(uint32_t));
	if (!longer)
		return -1;
	f->tbl8_longer = longer;
	f->tbl8_cap = cap;
	return 0;
}

/*
 * Gives /24 number i an extension table whose entries all take its
 * present entry; the table's number, or FIB_NONE when memory ran out.
 */
static uint32_t
fib_tbl8_take(struct fib *f, uint32_t i)
{
	uint32_t g, *tbl;

	if (f->tbl8_free != FIB_NONE) {
		g = f->tbl8_free;
		f->tbl8_free = f->tbl8_longer[g];
	} else {
		if (f->tbl8_used == f->tbl8_cap && fib_tbl8_grow(f) < 0)
			return FIB_NONE;
		g = f->tbl8_used++;
	}
	tbl = &f->tbl8[(size_t)g << 8];
	for (unsigned k = 0; k < 256; k++)
		tbl[k] = f->tbl24[i];
	f->tbl8_longer[g] = 0;
	f->tbl8_live++;
	fib_set24(f, i, FIB_EXTENDED | g);
	return g;
}

/* /24 number i no longer holds a longer prefix: all the entries of its
 * table are the same, and go back into the /24 table. */
static void
fib_tbl8_give_back(struct fib *f, uint32_t i)
{
	uint32_t g = f->tbl24[i] & FIB_VALUE_MAX;

	fib_set24(f, i, f->tbl8[(size_t)g << 8]);
	f->tbl8_longer[g] = f->tbl8_free;
	f->tbl8_free = g;
	if (--f->tbl8_live == 0)
		fib_tbl8_release_all(f);
}

static void
fib_change_tbl8(struct fib *f, uint32_t g, unsigned first, unsigned n,
		const struct fib_change *c)
{
	uint32_t *tbl = &f->tbl8[(size_t)g << 8];

	for (unsigned k = first; k < first + n; k++)
		if (fib_applies(c, tbl[k]))
			tbl[k] = c->entry;
}

/* Applies c to /24s first .. first + n - 1. */
static void
fib_change_tbl24(struct fib *f, uint32_t first, uint32_t n,
		 const struct fib_change *c)
{
	for (uint32_t i = first; i < first + n; i++) {
		uint32_t e = f->tbl24[i];

		if (e & FIB_EXTENDED)
			fib_change_tbl8(f, e & FIB_VALUE_MAX, 0, 256, c);
		else if (fib_applies(c, e) && e != c->entry)
			fib_set24(f, i, c->entry);
	}
}

int
fib_add(struct fib *f, uint32_t prefix, unsigned len, uint32_t value)
{
	struct fib_change c = {fib_entry(value, len), len, false, value};
	uint32_t i = prefix >> 8, e;

	if (len == 0 || len > 32 || value == 0 || value > FIB_VALUE_MAX) {
		errno = EINVAL;
		return -1;
	}
	if (len <= 24) {
		fib_change_tbl24(f, i & ~((1u << (24 - len)) - 1),
				 1u << (24 - len), &c);
		fib_tbl24_huge(f);
		return 0;
	}
	e = f->tbl24[i];
	if (!(e & FIB_EXTENDED) && fib_tbl8_take(f, i) == FIB_NONE) {
		errno = ENOMEM;
		return -1;
	}
	e = f->tbl24[i] & FIB_VALUE_MAX;
	fib_change_tbl8(f, e, prefix & 0xff & ~((1u << (32 - len)) - 1),
			1u << (32 - len), &c);
	f->tbl8_longer[e]++;
	return 0;
}

void
fib_del(struct fib *f, uint32_t prefix, unsigned len, uint32_t value,
	uint32_t next_value, unsigned next_len)
{
	struct fib_change c = {fib_entry(next_value, next_len), len, true,
			       value};
	uint32_t i = prefix >> 8, g;

	if (len == 0 || len > 32 || value == 0)
		return;
	if (len <= 24) {
		fib_change_tbl24(f, i & ~((1u << (24 - len)) - 1),
				 1u << (24 - len), &c);
		return;
	}
	if (!(f->tbl24[i] & FIB_EXTENDED))
		return;
	g = f->tbl24[i] & FIB_VALUE_MAX;
	fib_change_tbl8(f, g, prefix & 0xff & ~((1u << (32 - len)) - 1),
			1u << (32 - len), &c);
	if (--f->tbl8_longer[g] == 0)
		fib_tbl8_give_back(f, i);
}

size_t
fib_bytes(const struct fib *f)
{
	size_t tbl24 = f->huge ? FIB_TBL24_BYTES : f->pages * FIB_PAGE_BYTES;

	return sizeof(*f) + tbl24 +
	       (size_t)f->tbl8_cap * (256 + 1) * sizeof(uint32_t);
}

size_t
fib_tbl8_count(const struct fib *f)
{
	return f->tbl8_live;
}
