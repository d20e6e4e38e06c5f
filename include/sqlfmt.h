/*
 * sqlfmt.h: reading SQLite's file format: big-endian integers, varints
 * and the serial types of record headers (sqlite.org/fileformat2.html).
 *
 * The readers of raw database pages (filter_raw.c, dbcopy.c) share these;
 * they are small and called per cell and per value, so they are inline.
 */
#ifndef SQLFMT_H
#define SQLFMT_H

#include <stdint.h>

/* sqlfmt_get16, sqlfmt_get32: the big-endian integer at p. */
static inline uint32_t
sqlfmt_get16(const unsigned char *p)
{
	return (uint32_t)p[0] << 8 | p[1];
}

static inline uint32_t
sqlfmt_get32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

/*
 * sqlfmt_page_size: the page size a database header (its first 18 bytes
 * at head) gives: 1 stands for 65536.  Not checked.
 */
static inline uint32_t
sqlfmt_page_size(const unsigned char *head)
{
	uint32_t size = sqlfmt_get16(head + 16);

	return size == 1 ? 65536 : size;
}

/*
 * sqlfmt_varint: read the varint at p (before end) into *v; its length in
 * bytes (1 to 9), or 0 when it runs past end (*v is then 0).
 */
static inline int
sqlfmt_varint(const unsigned char *p, const unsigned char *end, uint64_t *v)
{
	uint64_t x = 0;
	int i;

	*v = 0;
	if (p < end && !(*p & 0x80)) {
		*v = *p;	/* the common case: one byte */
		return 1;
	}
	for (i = 0; i < 8; i++) {
		if (p + i >= end)
			return 0;
		x = x << 7 | (p[i] & 0x7f);
		if (!(p[i] & 0x80)) {
			*v = x;
			return i + 1;
		}
	}
	if (p + 8 >= end)
		return 0;
	*v = x << 8 | p[8];
	return 9;
}

/* sqlfmt_serial_len: the bytes a value of serial type t takes; -1 for the
 * reserved types. */
static inline int64_t
sqlfmt_serial_len(uint64_t t)
{
	static const int fixed[12] = { 0, 1, 2, 3, 4, 6, 8, 8, 0, 0, -1, -1 };

	if (t < 12)
		return fixed[t];
	if (t > (uint64_t)INT64_MAX)
		return -1;
	return (int64_t)((t - 12) / 2);
}

#endif
