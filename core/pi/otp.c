/* otp — parse `vcgencmd otp_dump` and judge rows 17 (boot mode) and 28/29 (serial). */
#include "core/pi/otp.h"

#include <ctype.h>
#include <string.h>

#include "core/base/util.h"

#define OTP_FIRST_ROW 8
#define OTP_LAST_ROW 66

/* One line, without its end-of-line, as a NUL-terminated copy trimmed of white space. */
static size_t next_line(const char *text, size_t len, size_t pos, char *out, size_t outlen,
			bool *too_long)
{
	size_t end = pos;
	while (end < len && text[end] != '\n')
		end++;
	size_t n = end - pos;
	*too_long = n >= outlen;
	if (n >= outlen)
		n = outlen - 1;
	memcpy(out, text + pos, n);
	out[n] = '\0';
	for (size_t i = 0; i < n; i++)
		if (out[i] == '\0')
			out[i] = '?'; /* a NUL inside a line is garbage, not an end */
	char *t = str_trim(out);
	memmove(out, t, strlen(t) + 1);
	return end < len ? end + 1 : end;
}

static bool all_hex(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isxdigit((unsigned char)s[i]))
			return false;
	return true;
}

static uint32_t hex32(const char *s, size_t n)
{
	uint32_t v = 0;
	for (size_t i = 0; i < n; i++) {
		int c = tolower((unsigned char)s[i]);
		v = v << 4 | (uint32_t)(c <= '9' ? c - '0' : c - 'a' + 10);
	}
	return v;
}

/* "NN:xxxxxxxx" with optional spaces around the colon. Returns 1 for a row, 0 for a line that
 * is not a row at all (ignored), -1 for a row-shaped line with a bad value. */
static int parse_row(const char *s, int *rowno, uint32_t *val, size_t *digits)
{
	int r = 0;
	size_t i = 0;
	while (isdigit((unsigned char)s[i]) && i < 3)
		r = r * 10 + (s[i++] - '0');
	if (i == 0 || isdigit((unsigned char)s[i]))
		return 0;
	while (s[i] == ' ' || s[i] == '\t')
		i++;
	if (s[i] != ':')
		return 0;
	i++;
	while (s[i] == ' ' || s[i] == '\t')
		i++;
	if (s[i] == '0' && (s[i + 1] == 'x' || s[i + 1] == 'X'))
		i += 2;
	size_t n = strlen(s + i);
	*rowno = r;
	*digits = n;
	if (n == 0 || n > 8 || !all_hex(s + i, n))
		return -1;
	*val = hex32(s + i, n);
	return 1;
}

static void store_row(struct otp_dump *d, const char *file, int lineno, int r, uint32_t v,
		      size_t digits, struct problems *ps)
{
	if (r > OTP_LAST_ROW) {
		problems_add(ps, PROBLEM_WARNING, file, lineno, NULL, NULL,
			     "row %d is past the last OTP row (66); ignored", r);
		return;
	}
	if (d->have[r]) {
		problems_add(ps, PROBLEM_ERROR, file, lineno, NULL, NULL,
			     "row %d appears twice (first on line %d); is this two dumps pasted together?",
			     r, d->line[r]);
		return;
	}
	if (digits != 8)
		problems_add(ps, PROBLEM_ERROR, file, lineno, NULL, NULL,
			     "row %d has %zu hex digits, expected 8 (the line looks cut off)", r,
			     digits);
	else {
		d->have[r] = true;
		d->row[r] = v;
		d->line[r] = lineno;
		d->n_rows++;
	}
}

static void check_missing(const struct otp_dump *d, const char *file, struct problems *ps)
{
	int last = -1;
	for (int r = OTP_FIRST_ROW; r <= OTP_LAST_ROW; r++)
		if (d->have[r])
			last = r;
	if (last >= 0 && last < OTP_LAST_ROW)
		problems_add(ps, PROBLEM_WARNING, file, 0, NULL, NULL,
			     "the dump stops at row %d (otp_dump prints rows 8 to 66): truncated?",
			     last);
	static const int needed[] = {17, 28, 29};
	for (size_t i = 0; i < PNB_ARRAY_LEN(needed); i++)
		if (!d->have[needed[i]])
			problems_add(ps, PROBLEM_ERROR, file, 0, NULL, NULL,
				     "row %d is missing; paste the whole output of 'vcgencmd otp_dump' "
				     "(rows 08 to 66, one 'NN:xxxxxxxx' per line)",
				     needed[i]);
}

int otp_parse(const char *text, size_t len, const char *file, struct otp_dump *d,
	      struct problems *ps)
{
	memset(d, 0, sizeof(*d));
	size_t pos = 0, other = 0, before = ps->n;
	int lineno = 0;
	char line[128];
	while (pos < len) {
		bool too_long;
		pos = next_line(text, len, pos, line, sizeof(line), &too_long);
		lineno++;
		int r;
		uint32_t v = 0;
		size_t digits = 0;
		int k = too_long ? 0 : parse_row(line, &r, &v, &digits);
		if (k > 0)
			store_row(d, file, lineno, r, v, digits, ps);
		else if (k < 0)
			problems_add(ps, PROBLEM_ERROR, file, lineno, NULL, NULL,
				     "row %d: \"%s\" is not 8 hex digits", r,
				     strchr(line, ':') + 1);
		else if (line[0])
			other++;
	}
	if (d->n_rows == 0) {
		problems_add(ps, PROBLEM_ERROR, file, 0, NULL, NULL,
			     "no OTP rows found (%zu other lines): expected the output of 'vcgencmd "
			     "otp_dump', lines like '17:3020000a'",
			     other);
		return -1;
	}
	check_missing(d, file, ps);
	for (size_t i = before; i < ps->n; i++)
		if (ps->items[i].severity == PROBLEM_ERROR && !ps->items[i].line)
			return -1;
	return 0;
}

void otp_evaluate(const struct otp_dump *d, const char *file, struct otp_verdict *v,
		  struct problems *ps)
{
	memset(v, 0, sizeof(*v));
	if (d->have[17]) {
		v->row17 = d->row[17];
		v->boot = (v->row17 & OTP_ROW17_USB_HOST_BOOT) ? OTP_BOOT_ENABLED
							       : OTP_BOOT_NOT_ENABLED;
		if (v->boot == OTP_BOOT_NOT_ENABLED)
			problems_add(ps, PROBLEM_ERROR, file, d->line[17], NULL, "row 17",
				     "%08x: USB host (network) boot is not enabled (bit 29 clear; "
				     "0x%08x when enabled)",
				     v->row17, v->row17 | OTP_ROW17_USB_HOST_BOOT);
		if (d->have[18] && d->row[18] != d->row[17]) {
			v->row18_mismatch = true;
			problems_add(ps, PROBLEM_WARNING, file, d->line[18], NULL, "row 18",
				     "%08x differs from row 17 (%08x), its redundant copy: reprogram, "
				     "and suspect the hardware if it stays so",
				     d->row[18], d->row[17]);
		}
	}
	if (d->have[28]) {
		v->has_serial = true;
		v->serial = d->row[28];
		v->serial_ok = d->have[29] && d->row[29] == (uint32_t)~d->row[28];
		if (d->have[29] && !v->serial_ok)
			problems_add(ps, PROBLEM_ERROR, file, d->line[29], NULL, "row 29",
				     "%08x is not the complement of the serial in row 28 (%08x, so "
				     "expected %08x): the OTP is damaged or the dump was altered",
				     d->row[29], d->row[28], (uint32_t)~d->row[28]);
	}
	if (d->have[30]) {
		v->has_revision = true;
		v->revision = d->row[30];
	}
}
