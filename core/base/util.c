/* util — checked allocation, string buffers, address text forms. */
#include "core/base/util.h"

#include "core/base/place.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void oom(void)
{
	fputs("pinetboot: out of memory\n", stderr);
	exit(2);
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		oom();
	return p;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		oom();
	return p;
}

void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q)
		oom();
	return q;
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
	size_t len = strnlen(s, n);
	char *p = xmalloc(len + 1);
	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

char *xvasprintf(const char *fmt, va_list ap)
{
	struct sbuf b;
	sbuf_init(&b);
	sbuf_vprintf(&b, fmt, ap);
	return sbuf_take(&b);
}

void array_erase(void *base, size_t n, size_t size, size_t i)
{
	if (i + 1 < n)
		memmove((char *)base + i * size, (char *)base + (i + 1) * size, (n - i - 1) * size);
}

char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = xvasprintf(fmt, ap);
	va_end(ap);
	return s;
}

void sbuf_init(struct sbuf *b)
{
	b->buf = NULL;
	b->len = 0;
	b->cap = 0;
}

void sbuf_done(struct sbuf *b)
{
	free(b->buf);
	sbuf_init(b);
}

void sbuf_reset(struct sbuf *b)
{
	b->len = 0;
	if (b->buf)
		b->buf[0] = '\0';
}

static void sbuf_grow(struct sbuf *b, size_t extra)
{
	size_t need = b->len + extra + 1;
	if (need <= b->cap)
		return;
	size_t cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap *= 2;
	b->buf = xrealloc(b->buf, cap);
	b->cap = cap;
}

void sbuf_addn(struct sbuf *b, const char *s, size_t n)
{
	sbuf_grow(b, n);
	memcpy(b->buf + b->len, s, n);
	b->len += n;
	b->buf[b->len] = '\0';
}

void sbuf_add(struct sbuf *b, const char *s)
{
	sbuf_addn(b, s, strlen(s));
}

void sbuf_addc(struct sbuf *b, char c)
{
	sbuf_addn(b, &c, 1);
}

void sbuf_vprintf(struct sbuf *b, const char *fmt, va_list ap)
{
	va_list aq;
	va_copy(aq, ap);
	int n = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	if (n < 0)
		return;
	sbuf_grow(b, (size_t)n);
	vsnprintf(b->buf + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
}

void sbuf_printf(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	sbuf_vprintf(b, fmt, ap);
	va_end(ap);
}

void sbuf_add_json(struct sbuf *b, const char *s, size_t n)
{
	sbuf_addc(b, '"');
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"' || c == '\\') {
			sbuf_addc(b, '\\');
			sbuf_addc(b, (char)c);
		} else if (c == '\n') {
			sbuf_add(b, "\\n");
		} else if (c == '\t') {
			sbuf_add(b, "\\t");
		} else if (c < 0x20 || c == 0x7f) {
			sbuf_printf(b, "\\u%04x", c);
		} else if (c < 0x80) {
			sbuf_addc(b, (char)c);
		} else {
			/* JSON is UTF-8: a byte that is not (a file name, a profile value) becomes
			 * U+FFFD instead of making the whole document unreadable */
			size_t l = place_utf8_seq((const unsigned char *)s + i, n - i);
			if (l) {
				sbuf_addn(b, s + i, l);
				i += l - 1;
			} else {
				sbuf_add(b, "\\ufffd");
			}
		}
	}
	sbuf_addc(b, '"');
}

char *sbuf_take(struct sbuf *b)
{
	char *s = b->buf ? b->buf : xstrdup("");
	sbuf_init(b);
	return s;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

bool mac_parse(const char *s, uint8_t mac[6])
{
	size_t len = strlen(s);
	char sep = 0;
	if (len == 17) {
		sep = s[2];
		if (sep != ':' && sep != '-')
			return false;
	} else if (len != 12) {
		return false;
	}
	const char *p = s;
	for (int i = 0; i < 6; i++) {
		int hi = hexval((unsigned char)p[0]), lo = hexval((unsigned char)p[1]);
		if (hi < 0 || lo < 0)
			return false;
		mac[i] = (uint8_t)(hi << 4 | lo);
		p += 2;
		if (sep && i < 5) {
			if (*p != sep)
				return false;
			p++;
		}
	}
	return *p == '\0';
}

void mac_format(const uint8_t mac[6], char sep, char out[18])
{
	snprintf(out, 18, "%02x%c%02x%c%02x%c%02x%c%02x%c%02x", mac[0], sep, mac[1], sep, mac[2],
		 sep, mac[3], sep, mac[4], sep, mac[5]);
}

bool ipv4_parse(const char *s, uint32_t *addr)
{
	uint32_t a = 0;
	for (int i = 0; i < 4; i++) {
		if (!isdigit((unsigned char)*s))
			return false;
		unsigned v = 0;
		int digits = 0;
		while (isdigit((unsigned char)*s)) {
			v = v * 10 + (unsigned)(*s - '0');
			if (++digits > 3 || v > 255)
				return false;
			s++;
		}
		a = a << 8 | v;
		if (i < 3) {
			if (*s != '.')
				return false;
			s++;
		}
	}
	if (*s != '\0')
		return false;
	*addr = a;
	return true;
}

void ipv4_format(uint32_t a, char out[16])
{
	snprintf(out, 16, "%u.%u.%u.%u", a >> 24 & 255, a >> 16 & 255, a >> 8 & 255, a & 255);
}

uint32_t ipv4_netmask(unsigned prefix)
{
	return prefix == 0 ? 0 : prefix >= 32 ? 0xffffffffu : ~((1u << (32 - prefix)) - 1);
}

char *str_trim(char *s)
{
	char *e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	while (isspace((unsigned char)*s))
		s++;
	return s;
}

bool str_startswith(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

bool str_endswith(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);
	return a >= b && memcmp(s + a - b, suffix, b) == 0;
}

size_t str_distance(const char *a, const char *b, bool fold_case)
{
	size_t la = strlen(a), lb = strlen(b), row[256];
	if (la > 255 || lb > 255)
		return 99;
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t diag = row[0];
		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			unsigned char ca = (unsigned char)a[i - 1], cb = (unsigned char)b[j - 1];
			if (fold_case)
				ca = (unsigned char)tolower(ca), cb = (unsigned char)tolower(cb);
			size_t up = row[j], best = diag + (ca != cb);
			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			diag = up;
			row[j] = best;
		}
	}
	return row[lb];
}

void strv_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

bool size_parse(const char *s, uint64_t *bytes)
{
	char *end;
	if (!isdigit((unsigned char)*s))
		return false;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno)
		return false;
	unsigned shift = 0;
	switch (toupper((unsigned char)*end)) {
	case '\0': break;
	case 'K': shift = 10; break;
	case 'M': shift = 20; break;
	case 'G': shift = 30; break;
	case 'T': shift = 40; break;
	default: return false;
	}
	if (*end) {
		end++;
		if (*end == 'i' || *end == 'I')
			end++;
		if (*end == 'B' || *end == 'b')
			end++;
		if (*end)
			return false;
	}
	if (shift && v > (UINT64_MAX >> shift))
		return false;
	*bytes = (uint64_t)v << shift;
	return true;
}

void size_format(uint64_t b, char out[24])
{
	static const char units[] = "KMGT";
	int u = -1;
	while (u < 3 && b && (b & 1023) == 0) {
		b >>= 10;
		u++;
	}
	if (u < 0)
		snprintf(out, 24, "%llu", (unsigned long long)b);
	else
		snprintf(out, 24, "%llu%c", (unsigned long long)b, units[u]);
}
