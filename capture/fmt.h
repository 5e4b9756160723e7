/* fmt — fast line building for the printers: no printf on the per-packet path (formatting is
 * what costs in tcpdump and tshark). A line buffer never overflows: appends past its size are
 * cut and the line ends with "…". */
#ifndef PNB_CAPTURE_FMT_H
#define PNB_CAPTURE_FMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/time.h>

#define LINE_MAX_BYTES 8192

struct line {
	size_t n;
	bool cut;
	char b[LINE_MAX_BYTES];
};

/* Where printers write: one call per finished line (or JSON object), with its newline. */
struct pnb_out {
	void (*write)(const char *s, size_t n, void *user);
	void *user;
};

static inline void line_reset(struct line *l)
{
	l->n = 0;
	l->cut = false;
}

/* Inline: a text line is dozens of these per packet. */
static inline void put_mem(struct line *l, const char *s, size_t n)
{
	if (!n)
		return;
	size_t room = LINE_MAX_BYTES - 8 - l->n; /* keep space for "…" and the newline */
	if (n > room) {
		n = room;
		l->cut = true;
	}
	memcpy(l->b + l->n, s, n);
	l->n += n;
}

static inline void put_str(struct line *l, const char *s)
{
	put_mem(l, s, strlen(s));
}

static inline void put_ch(struct line *l, char c)
{
	if (l->n < LINE_MAX_BYTES - 8)
		l->b[l->n++] = c;
	else
		l->cut = true;
}
void put_u64(struct line *l, uint64_t v);
void put_i64(struct line *l, int64_t v);
void put_hex(struct line *l, uint64_t v, int min_digits); /* "0x" not included */
void put_ip(struct line *l, uint32_t ip);
void put_mac(struct line *l, const uint8_t mac[6]);
/* Bytes as a quoted C-like string: printable ASCII kept, \" \\ and \xNN escapes. */
void put_quoted(struct line *l, const uint8_t *p, size_t n);
/* A peer-supplied C string without quotes: printable ASCII kept, \\ and \" escaped, other
 * bytes as \xNN (control characters never reach the terminal). */
void put_safe(struct line *l, const char *s);
/* Bytes as a JSON string (with quotes): control and non-ASCII bytes as \u00NN. */
void put_json_str(struct line *l, const uint8_t *p, size_t n);
void put_json_cstr(struct line *l, const char *s);
void put_hexbytes(struct line *l, const uint8_t *p, size_t n); /* "0a1b…" */
/* HH:MM:SS.uuuuuu in UTC (what tcpdump prints with TZ=UTC). */
void put_time(struct line *l, const struct timeval *tv);
/* Seconds.microseconds since the epoch. */
void put_epoch(struct line *l, const struct timeval *tv);
/* Ends the line with '\n' and hands it to out. */
void line_emit(struct line *l, const struct pnb_out *out);

#endif
