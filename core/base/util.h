/* util — small helpers every module uses: a growable string buffer, checked allocation,
 * and MAC / IPv4 text forms. No I/O to the terminal here. */
#ifndef PNB_CORE_UTIL_H
#define PNB_CORE_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PNB_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* Little- and big-endian fields of on-disk and on-wire structures; p must hold the bytes. */
static inline uint16_t le16_at(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}
static inline uint32_t le32_at(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static inline uint64_t le64_at(const uint8_t *p)
{
	return (uint64_t)le32_at(p) | (uint64_t)le32_at(p + 4) << 32;
}
static inline uint32_t be32_at(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
}
static inline void le32_store(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v, p[1] = (uint8_t)(v >> 8), p[2] = (uint8_t)(v >> 16), p[3] = (uint8_t)(v >> 24);
}
static inline void be32_store(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24), p[1] = (uint8_t)(v >> 16), p[2] = (uint8_t)(v >> 8), p[3] = (uint8_t)v;
}

/* Allocation that cannot fail quietly: on out-of-memory the process prints one line and
 * exits with status 2. Callers own what they get and release it with free(). */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* Returns a heap string the caller frees. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *xvasprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

/* Removes element i of the n elements (each size bytes) at base by moving the later ones down;
 * the caller releases what element i owned before and lowers its count after. */
void array_erase(void *base, size_t n, size_t size, size_t i);

/* A growable NUL-terminated byte buffer. sbuf_init on an embedded struct, sbuf_done to
 * release; sbuf_take hands the heap string to the caller (who frees it) and resets the buffer. */
struct sbuf {
	char *buf;
	size_t len;
	size_t cap;
};
void sbuf_init(struct sbuf *b);
void sbuf_done(struct sbuf *b);
void sbuf_reset(struct sbuf *b);
void sbuf_add(struct sbuf *b, const char *s);
void sbuf_addn(struct sbuf *b, const char *s, size_t n);
void sbuf_addc(struct sbuf *b, char c);
void sbuf_printf(struct sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sbuf_vprintf(struct sbuf *b, const char *fmt, va_list ap);
char *sbuf_take(struct sbuf *b);
/* Appends s[0..n) as a JSON string literal, quotes included: " and \\ escaped, \\n and \\t by
 * name, other control bytes and DEL as \\u00XX; UTF-8 passes through, bytes that are not UTF-8 become
 * \\ufffd. The one JSON escaper of
 * the CLI and the templates (capture/fmt.c escapes packet bytes, which are not UTF-8). */
void sbuf_add_json(struct sbuf *b, const char *s, size_t n);

/* MAC: parse "dc:a6:32:1c:6a:2a", "DC-A6-32-1C-6A-2A" or "dca6321c6a2a". */
bool mac_parse(const char *s, uint8_t mac[6]);
/* Writes "dc:a6:32:1c:6a:2a" (sep ':') or "dc-a6-32-1c-6a-2a" (sep '-') into out[18]. */
void mac_format(const uint8_t mac[6], char sep, char out[18]);

/* IPv4 in host byte order. ipv4_parse accepts only dotted quads of four decimal octets. */
bool ipv4_parse(const char *s, uint32_t *addr);
void ipv4_format(uint32_t addr, char out[16]);
uint32_t ipv4_netmask(unsigned prefix);

/* Trims ASCII white space at both ends, in place; returns s. */
char *str_trim(char *s);
bool str_startswith(const char *s, const char *prefix);
bool str_endswith(const char *s, const char *suffix);
/* Levenshtein distance between a and b, ASCII case folded when fold_case: enough to tell a typo
 * from another name for every "did you mean". A string longer than 255 bytes counts as 99 away. */
size_t str_distance(const char *a, const char *b, bool fold_case);
/* Frees the n strings of v, then v (either may be NULL when n is 0). */
void strv_free(char **v, size_t n);

/* Parses "16G", "512M", "1T", "1048576" (bytes). */
bool size_parse(const char *s, uint64_t *bytes);
/* "16G" style, exact when possible; out must hold 24 bytes. */
void size_format(uint64_t bytes, char out[24]);

#endif
