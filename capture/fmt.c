/* fmt — line building helpers for the printers. */
#include "capture/fmt.h"

#include <string.h>

static const char hexd[] = "0123456789abcdef";

/* "00".."99": two digits per division (the per-packet numbers are most of a line). */
static const char digits2[201] = "00010203040506070809101112131415161718192021222324252627282930313233"
				 "34353637383940414243444546474849505152535455565758596061626364656667"
				 "6869707172737475767778798081828384858687888990919293949596979899";

void put_u64(struct line *l, uint64_t v)
{
	char t[24];
	int i = 24;
	while (v >= 100) {
		unsigned r = (unsigned)(v % 100);
		v /= 100;
		t[--i] = digits2[r * 2 + 1];
		t[--i] = digits2[r * 2];
	}
	if (v >= 10) {
		t[--i] = digits2[v * 2 + 1];
		t[--i] = digits2[v * 2];
	} else {
		t[--i] = (char)('0' + v);
	}
	put_mem(l, t + i, (size_t)(24 - i));
}

void put_i64(struct line *l, int64_t v)
{
	if (v < 0) {
		put_ch(l, '-');
		put_u64(l, (uint64_t)0 - (uint64_t)v);
	} else {
		put_u64(l, (uint64_t)v);
	}
}

void put_hex(struct line *l, uint64_t v, int min_digits)
{
	char t[16];
	int i = 16;
	do {
		t[--i] = hexd[v & 15];
		v >>= 4;
	} while (v || 16 - i < min_digits);
	put_mem(l, t + i, (size_t)(16 - i));
}

void put_ip(struct line *l, uint32_t ip)
{
	char t[16];
	size_t n = 0;
	for (int sh = 24; sh >= 0; sh -= 8) {
		unsigned o = (ip >> sh) & 0xff;
		if (o >= 100) {
			t[n++] = (char)('0' + o / 100);
			t[n++] = digits2[(o % 100) * 2];
			t[n++] = digits2[(o % 100) * 2 + 1];
		} else if (o >= 10) {
			t[n++] = digits2[o * 2];
			t[n++] = digits2[o * 2 + 1];
		} else {
			t[n++] = (char)('0' + o);
		}
		t[n++] = '.';
	}
	put_mem(l, t, n - 1);
}

void put_mac(struct line *l, const uint8_t mac[6])
{
	char t[17];
	for (int i = 0; i < 6; i++) {
		t[i * 3] = hexd[mac[i] >> 4];
		t[i * 3 + 1] = hexd[mac[i] & 15];
		if (i < 5)
			t[i * 3 + 2] = ':';
	}
	put_mem(l, t, 17);
}

/* Quotes p[0..n) with " and \\ escaped; other bytes outside printable ASCII become \\xHH, or
 * \\u00HH in JSON. */
static void put_escaped(struct line *l, const uint8_t *p, size_t n, bool json)
{
	put_ch(l, '"');
	for (size_t i = 0; i < n && !l->cut; i++) {
		uint8_t c = p[i];
		if (c == '"' || c == '\\') {
			put_ch(l, '\\');
			put_ch(l, (char)c);
		} else if (c >= 0x20 && c < 0x7f) {
			put_ch(l, (char)c);
		} else if (json) {
			char e[6] = {'\\', 'u', '0', '0', hexd[c >> 4], hexd[c & 15]};
			put_mem(l, e, 6);
		} else {
			char e[4] = {'\\', 'x', hexd[c >> 4], hexd[c & 15]};
			put_mem(l, e, 4);
		}
	}
	put_ch(l, '"');
}

void put_safe(struct line *l, const char *s)
{
	struct line *t = l;
	size_t start = t->n;
	put_escaped(t, (const uint8_t *)s, strlen(s), false);
	/* drop the quotes put_escaped adds: the caller frames the text itself */
	if (t->n >= start + 2 && !t->cut) {
		memmove(t->b + start, t->b + start + 1, t->n - start - 2);
		t->n -= 2;
	}
}

void put_quoted(struct line *l, const uint8_t *p, size_t n)
{
	put_escaped(l, p, n, false);
}

void put_json_str(struct line *l, const uint8_t *p, size_t n)
{
	put_escaped(l, p, n, true);
}

void put_json_cstr(struct line *l, const char *s)
{
	put_json_str(l, (const uint8_t *)s, strlen(s));
}

void put_hexbytes(struct line *l, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n && !l->cut; i++) {
		put_ch(l, hexd[p[i] >> 4]);
		put_ch(l, hexd[p[i] & 15]);
	}
}

void put_time(struct line *l, const struct timeval *tv)
{
	int64_t s = (int64_t)tv->tv_sec % 86400;
	if (s < 0)
		s += 86400;
	long us = (long)tv->tv_usec;
	if (us < 0 || us > 999999)
		us = 0;
	unsigned h = (unsigned)(s / 3600), m = (unsigned)(s / 60 % 60), sec = (unsigned)(s % 60);
	char t[15] = {digits2[h * 2], digits2[h * 2 + 1], ':', digits2[m * 2], digits2[m * 2 + 1],
		      ':', digits2[sec * 2], digits2[sec * 2 + 1], '.'};
	for (int i = 14; i >= 9; i--, us /= 10)
		t[i] = (char)('0' + us % 10);
	put_mem(l, t, 15);
}

void put_epoch(struct line *l, const struct timeval *tv)
{
	put_i64(l, (int64_t)tv->tv_sec);
	put_ch(l, '.');
	char t[6];
	long us = (long)tv->tv_usec;
	if (us < 0 || us > 999999)
		us = 0;
	for (int i = 5; i >= 0; i--, us /= 10)
		t[i] = (char)('0' + us % 10);
	put_mem(l, t, 6);
}

void line_emit(struct line *l, const struct pnb_out *out)
{
	if (l->cut) {
		memcpy(l->b + l->n, "\xe2\x80\xa6", 3); /* … */
		l->n += 3;
	}
	l->b[l->n++] = '\n';
	out->write(l->b, l->n, out->user);
	line_reset(l);
}
