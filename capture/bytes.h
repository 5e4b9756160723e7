/* bytes — bounds-checked reading of packet bytes (tcpdump's GET_* model without longjmp).
 * A cursor is tied to the end of the captured data; every get checks that the bytes exist.
 * A get past the end returns 0, sets `trunc` and leaves the cursor at the end, so a decoder
 * reads on without branching after every field and checks `trunc` once where it matters.
 * Nothing here ever reads past `end`. */
#ifndef PNB_CAPTURE_BYTES_H
#define PNB_CAPTURE_BYTES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct cur {
	const uint8_t *p;   /* next byte to read */
	const uint8_t *end; /* one past the last captured byte */
	bool trunc;         /* a read ran past the end */
};

static inline struct cur cur_make(const uint8_t *p, size_t len)
{
	struct cur c = {p, p + len, false};
	return c;
}

static inline size_t cur_left(const struct cur *c)
{
	return (size_t)(c->end - c->p);
}

/* Overflow-safe: compares against what is left, never computes p + n first. */
static inline bool cur_has(const struct cur *c, size_t n)
{
	return n <= cur_left(c);
}

static inline bool cur_need(struct cur *c, size_t n)
{
	if (cur_has(c, n))
		return true;
	c->trunc = true;
	c->p = c->end;
	return false;
}

static inline void cur_skip(struct cur *c, size_t n)
{
	if (cur_need(c, n))
		c->p += n;
}

static inline uint8_t cur_u8(struct cur *c)
{
	if (!cur_need(c, 1))
		return 0;
	return *c->p++;
}

/* The next n (1 to 8) bytes as one unsigned number, big- or little-endian: every fixed-size
 * field below is this with its size, so the bounds check lives in one place. Inline with a
 * constant n, the compiler unrolls it. */
static inline uint64_t cur_uint(struct cur *c, unsigned n, bool big_endian)
{
	if (!cur_need(c, n))
		return 0;
	uint64_t v = 0;
	for (unsigned i = 0; i < n; i++)
		v |= (uint64_t)c->p[i] << 8 * (big_endian ? n - 1 - i : i);
	c->p += n;
	return v;
}

static inline uint16_t cur_be16(struct cur *c)
{
	return (uint16_t)cur_uint(c, 2, true);
}

static inline uint32_t cur_be24(struct cur *c)
{
	return (uint32_t)cur_uint(c, 3, true);
}

static inline uint32_t cur_be32(struct cur *c)
{
	return (uint32_t)cur_uint(c, 4, true);
}

static inline uint32_t cur_le32(struct cur *c)
{
	return (uint32_t)cur_uint(c, 4, false);
}

static inline uint64_t cur_be64(struct cur *c)
{
	uint64_t hi = cur_be32(c);
	return hi << 32 | cur_be32(c);
}

/* Copies n bytes out; on truncation fills with zeros. */
static inline void cur_copy(struct cur *c, void *dst, size_t n)
{
	uint8_t *d = dst;
	if (!cur_need(c, n)) {
		for (size_t i = 0; i < n; i++)
			d[i] = 0;
		return;
	}
	for (size_t i = 0; i < n; i++)
		d[i] = c->p[i];
	c->p += n;
}

/* A sub-cursor over the next n bytes (clamped to what was captured; trunc set on the
 * sub-cursor when the field is longer than the capture). Advances the parent past them. */
static inline struct cur cur_sub(struct cur *c, size_t n)
{
	struct cur s = {c->p, c->end, false};
	if (cur_has(c, n)) {
		s.end = c->p + n;
		c->p += n;
	} else {
		s.trunc = true;
		c->p = c->end;
	}
	return s;
}

/* Reads at a fixed offset from base without moving anything; 0 when out of range. */
static inline uint8_t at_u8(const uint8_t *base, size_t len, size_t off)
{
	return off < len ? base[off] : 0;
}
static inline uint16_t at_be16(const uint8_t *base, size_t len, size_t off)
{
	return (len >= 2 && off <= len - 2) ? (uint16_t)(base[off] << 8 | base[off + 1]) : 0;
}
static inline uint32_t at_be32(const uint8_t *base, size_t len, size_t off)
{
	return (len >= 4 && off <= len - 4) ? ((uint32_t)base[off] << 24 |
					       (uint32_t)base[off + 1] << 16 |
					       (uint32_t)base[off + 2] << 8 | base[off + 3])
					    : 0;
}

#endif
