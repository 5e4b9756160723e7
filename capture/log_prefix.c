/* log_prefix — what every format puts before its message: classic syslog with or without
 * host and PID, journalctl short / short-precise / short-iso / json, the kernel's
 * "[ 1.234]", the bootloader's "  2.52", start.elf's "MESS:", tcpdump's time of day; and
 * the times in them (syslog's without year or zone read as this year, local time, said once). */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "capture/log_int.h"
#include "core/base/util.h"

/* ---- time ---- */

static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	const int64_t era = (y >= 0 ? y : y - 399) / 400;
	const unsigned yoe = (unsigned)(y - era * 400);
	const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static int digits(const char *p, int n)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		unsigned d = (unsigned)((unsigned char)p[i] - '0'); /* one compare: below '0' wraps */
		if (d > 9)
			return -1;
		v = v * 10 + (int)d;
	}
	return v;
}

long log_frac_us(const char **p)
{
	const char *q = *p;
	if (*q != '.' && *q != ',')
		return 0;
	q++;
	long us = 0;
	int n = 0;
	while (*q >= '0' && *q <= '9') {
		if (n < 6) {
			us = us * 10 + (*q - '0');
			n++;
		}
		q++;
	}
	while (n++ < 6)
		us *= 10;
	*p = q;
	return us;
}

static int month_of(const char *p)
{
	/* Every syslog line starts with one: a switch on the first letter, then two bytes. */
	switch (p[0]) {
	case 'J':
		return p[1] == 'a' && p[2] == 'n'   ? 1
		       : p[1] == 'u' && p[2] == 'n' ? 6
		       : p[1] == 'u' && p[2] == 'l' ? 7
						    : 0;
	case 'F': return p[1] == 'e' && p[2] == 'b' ? 2 : 0;
	case 'M':
		return p[1] == 'a' && p[2] == 'r'   ? 3
		       : p[1] == 'a' && p[2] == 'y' ? 5
						    : 0;
	case 'A':
		return p[1] == 'p' && p[2] == 'r'   ? 4
		       : p[1] == 'u' && p[2] == 'g' ? 8
						    : 0;
	case 'S': return p[1] == 'e' && p[2] == 'p' ? 9 : 0;
	case 'O': return p[1] == 'c' && p[2] == 't' ? 10 : 0;
	case 'N': return p[1] == 'o' && p[2] == 'v' ? 11 : 0;
	case 'D': return p[1] == 'e' && p[2] == 'c' ? 12 : 0;
	default: return 0;
	}
}

static void note_year(struct log_src *s)
{
	struct log_set *set = s->set;
	if (set->noted_year)
		return;
	set->noted_year = true;
	const char *tz = getenv("TZ");
	log_note(set,
		 "%s: syslog times carry no year or time zone: read as %d%s, local time (%s); set "
		 "TZ to the server's zone when merging with a capture from elsewhere",
		 s->name, s->year, set->year_hint == s->year ? " (the year of the other logs)" : "",
		 tz && *tz ? tz : "the system zone");
}

/* "Dec  7 12:42:35[.frac] " → local time; the year is guessed once per source. */
time_t log_local_time(int year, int mon, int day, int hour, int min, int sec)
{
	struct tm tm;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = year - 1900;
	tm.tm_mon = mon - 1;
	tm.tm_mday = day;
	tm.tm_hour = hour;
	tm.tm_min = min;
	tm.tm_sec = sec;
	tm.tm_isdst = -1;
	return mktime(&tm);
}

static bool syslog_time(struct log_src *s, const char **pp, struct timeval *tv)
{
	const char *p = *pp;
	int mon = month_of(p);
	if (!mon || p[3] != ' ')
		return false;
	p += 4;
	if (*p == ' ')
		p++;
	int day = (p[1] >= '0' && p[1] <= '9') ? digits(p, 2) : digits(p, 1);
	if (day < 1 || day > 31)
		return false;
	p += day >= 10 || p[0] == '0' ? 2 : 1;
	if (*p++ != ' ')
		return false;
	int hh = digits(p, 2), mm = digits(p + 3, 2), ss = digits(p + 6, 2);
	if (hh < 0 || mm < 0 || ss < 0 || p[2] != ':' || p[5] != ':' || hh > 23 || mm > 59 ||
	    ss > 60)
		return false;
	p += 8;
	long us = log_frac_us(&p);
	if (*p != ' ')
		return false;
	if (!s->year) {
		time_t now = time(NULL);
		struct tm tm;
		localtime_r(&now, &tm);
		s->year = tm.tm_year + 1900;
		/* A December log read in January is last year's. */
		if (mon > tm.tm_mon + 2)
			s->year--;
		/* Read beside a log whose lines carry a year (journalctl -o short-iso, dhcpdump,
		 * tcpdump -tttt): that year, so the two merge. */
		if (s->set->year_hint)
			s->year = s->set->year_hint;
		note_year(s);
	}
	if (mon != s->c_mon || day != s->c_day || hh != s->c_hour || mm != s->c_min) {
		s->c_base = log_local_time(s->year, mon, day, hh, mm, 0);
		s->c_mon = mon;
		s->c_day = day;
		s->c_hour = hh;
		s->c_min = mm;
	}
	tv->tv_sec = s->c_base + ss;
	tv->tv_usec = us;
	*pp = p + 1;
	return true;
}

/* "2026-12-07T12:42:35[.frac](Z|+0000|+00:00) " or "2026-12-07 12:42:35.frac " (tcpdump
 * -tttt, no zone: local time). */
static bool iso_time(struct log_src *s, const char **pp, struct timeval *tv)
{
	const char *p = *pp;
	int y = digits(p, 4), mo = digits(p + 5, 2), d = digits(p + 8, 2);
	if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > 31 || p[4] != '-' || p[7] != '-' ||
	    (p[10] != 'T' && p[10] != ' '))
		return false;
	int hh = digits(p + 11, 2), mm = digits(p + 14, 2), ss = digits(p + 17, 2);
	if (hh < 0 || hh > 23 || mm < 0 || mm > 59 || ss < 0 || ss > 60 || p[13] != ':' ||
	    p[16] != ':')
		return false;
	p += 19;
	long us = log_frac_us(&p);
	int64_t off = 0;
	bool zone = false;
	if (*p == 'Z') {
		zone = true;
		p++;
	} else if ((*p == '+' || *p == '-') && digits(p + 1, 2) >= 0) {
		int oh = digits(p + 1, 2), om = p[3] == ':' ? digits(p + 4, 2) : digits(p + 3, 2);
		if (om < 0)
			return false;
		off = (int64_t)(oh * 3600 + om * 60) * (*p == '-' ? -1 : 1);
		p += p[3] == ':' ? 6 : 5;
		zone = true;
	}
	if (*p != ' ')
		return false;
	if (!s->set->year_hint)
		s->set->year_hint = y;
	if (zone) {
		tv->tv_sec = (time_t)(days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 +
				      hh * 3600 + mm * 60 + ss - off);
	} else {
		tv->tv_sec = log_local_time(y, mo, d, hh, mm, ss);
	}
	tv->tv_usec = us;
	*pp = p + 1;
	return true;
}

/* The bytes that end a tag's name: NUL, space, ':' and '['. A table, because every line's
 * tag (and host name) is scanned with it. */
static const bool tag_end[256] = {['\0'] = true, [' '] = true, [':'] = true, ['['] = true};

/* "prog[pid]: " or "prog: " (a tag is one word ending in a colon). *stop: where its name
 * ended (a host name's space, when it was not a tag). */
static bool tag(const char **pp, char prog[32], const char **stop)
{
	const char *p = *pp, *q = p;
	while (!tag_end[(unsigned char)*q])
		q++;
	*stop = q;
	if (q == p || q - p >= 32)
		return false;
	size_t n = (size_t)(q - p);
	if (*q == '[') {
		while (*q && *q != ']' && *q != ' ')
			q++;
		if (*q++ != ']')
			return false;
	}
	if (q[0] != ':' || (q[1] != ' ' && q[1] != '\0'))
		return false;
	memcpy(prog, p, n);
	prog[n] = '\0';
	*pp = q[1] ? q + 2 : q + 1;
	return true;
}

/* After a syslog/ISO time: [host] tag message. */
static void host_tag(const char **pp, struct log_line *l)
{
	const char *p = *pp, *h;
	if (tag(&p, l->prog, &h)) {
		*pp = p;
		return;
	}
	while (*h && *h != ' ') /* no space before where tag stopped */
		h++;
	if (*h == ' ') {
		h++;
		const char *stop;
		if (tag(&h, l->prog, &stop)) {
			*pp = h;
			return;
		}
	}
}

/* host_tag, remembering its answer: what host_tag makes of a line depends only on the bytes
 * it consumes when they end in ": " (it looks no further), so a line that starts with the same
 * bytes as the one before gets the same program without a scan. */
static void host_tag_again(struct log_src *s, const char **pp, struct log_line *l)
{
	const char *p = *pp;
	size_t n = s->tag_len;
	if (n && strncmp(p, s->tag_text, n) == 0) {
		memcpy(l->prog, s->tag_prog, sizeof(l->prog));
		*pp = p + n;
		return;
	}
	host_tag(pp, l);
	n = (size_t)(*pp - p);
	s->tag_len = 0;
	if (l->prog[0] && n >= 2 && n <= sizeof(s->tag_text) && p[n - 2] == ':' && p[n - 1] == ' ') {
		memcpy(s->tag_text, p, n);
		memcpy(s->tag_prog, l->prog, sizeof(s->tag_prog));
		s->tag_len = n;
	}
}

/* JSON string value of key in a journal export object, unescaped into out. */
static bool json_field(const char *line, const char *key, char *out, size_t n)
{
	char k[48];
	snprintf(k, sizeof(k), "\"%s\"", key);
	const char *p = strstr(line, k);
	if (!p)
		return false;
	p = log_skip_ws(p + strlen(k));
	if (*p++ != ':')
		return false;
	p = log_skip_ws(p);
	if (*p++ != '"')
		return false;
	size_t o = 0;
	while (*p && *p != '"') {
		char c = *p++;
		if (c == '\\') {
			c = *p++;
			switch (c) {
			case 'n': c = ' '; break;
			case 't': c = '\t'; break;
			case 'r': c = ' '; break;
			case 'u':
				/* Non-ASCII is not in any message we parse: keep a placeholder. */
				for (int i = 0; i < 4 && *p; i++)
					p++;
				c = '?';
				break;
			case '\0': p--; c = ' '; break;
			default: break;
			}
		}
		if (o + 1 < n)
			out[o++] = c;
	}
	out[o] = '\0';
	return *p == '"';
}

/* Splits one line into time, program and message. msgbuf holds a JSON message. */
void log_split(struct log_src *s, char *line, struct log_line *l, char *msgbuf, size_t mlen)
{
	memset(l, 0, sizeof(*l));
	const char *p = line;
	if (*p == '{') {
		char t[32];
		if (json_field(line, "MESSAGE", msgbuf, mlen)) {
			l->msg = msgbuf;
			if (!json_field(line, "SYSLOG_IDENTIFIER", l->prog, sizeof(l->prog)))
				json_field(line, "_COMM", l->prog, sizeof(l->prog));
			if (json_field(line, "__REALTIME_TIMESTAMP", t, sizeof(t))) {
				unsigned long long us = strtoull(t, NULL, 10);
				l->ts.tv_sec = (time_t)(us / 1000000);
				l->ts.tv_usec = (suseconds_t)(us % 1000000);
				l->has_ts = l->abs_ts = true;
			}
			return;
		}
	}
	if (syslog_time(s, &p, &l->ts) || iso_time(s, &p, &l->ts)) {
		l->has_ts = l->abs_ts = true;
		if (p[-1] == ' ' && (p - line) >= 19 && line[10] == ' ' && line[4] == '-') {
			/* tcpdump -tttt: no host, no tag */
		} else {
			host_tag_again(s, &p, l);
		}
	}
	l->msg = (char *)p;
}

/* Seconds since boot in front of a console line: "[    1.234567] " (kernel), "  2.52 "
 * (bootloader since 2024), "MESS:00:00:19.050536:0: " (start.elf). */
bool log_rel_time(char **pp, struct timeval *tv)
{
	char *p = *pp;
	if (*p == '<' && p[1] >= '0' && p[1] <= '9' && p[2] == '>')
		p += 3; /* printk level */
	if (*p == '[') {
		const char *q = log_skip_ws(p + 1);
		uint64_t sec;
		if (!log_uint(&q, &sec) || *q != '.')
			return false;
		long us = log_frac_us(&q);
		if (*q != ']')
			return false;
		tv->tv_sec = (time_t)sec;
		tv->tv_usec = us;
		*pp = (char *)log_skip_ws(q + 1);
		return true;
	}
	if (strncmp(p, "MESS:", 5) == 0) {
		int h = digits(p + 5, 2), m = digits(p + 8, 2), sec = digits(p + 11, 2);
		if (h < 0 || m < 0 || sec < 0)
			return false;
		const char *q = p + 13;
		long us = log_frac_us(&q);
		if (*q == ':')
			q++;
		while (*q >= '0' && *q <= '9')
			q++;
		if (*q == ':')
			q++;
		tv->tv_sec = h * 3600 + m * 60 + sec;
		tv->tv_usec = us;
		*pp = (char *)log_skip_ws(q);
		return true;
	}
	const char *q = log_skip_ws(p);
	uint64_t sec;
	if (q != p || (*q >= '0' && *q <= '9')) {
		if (log_uint(&q, &sec) && *q == '.' && q[1] >= '0' && q[1] <= '9' && q[2] >= '0' &&
		    q[2] <= '9' && q[3] == ' ' && sec < 100000) {
			tv->tv_sec = (time_t)sec;
			tv->tv_usec = (q[1] - '0') * 100000 + (q[2] - '0') * 10000;
			*pp = (char *)q + 4;
			return true;
		}
	}
	return false;
}

/* "12:42:35.123456 " at the start of tcpdump text: today's date, local time. */
bool log_tod_time(struct log_src *s, char **pp, struct timeval *tv)
{
	char *p = *pp;
	int hh = digits(p, 2), mm = digits(p + 3, 2), ss = digits(p + 6, 2);
	if (hh < 0 || mm < 0 || ss < 0 || p[2] != ':' || p[5] != ':' || p[8] != '.')
		return false;
	const char *q = p + 8;
	long us = log_frac_us(&q);
	if (*q != ' ')
		return false;
	time_t now = time(NULL);
	struct tm today;
	localtime_r(&now, &today);
	tv->tv_sec =
	    log_local_time(today.tm_year + 1900, today.tm_mon + 1, today.tm_mday, hh, mm, ss);
	tv->tv_usec = us;
	if (!s->set->noted_tod) {
		s->set->noted_tod = true;
		log_note(s->set, "%s: times of day without a date: read as today, local time",
			 s->name);
	}
	*pp = (char *)q + 1;
	return true;
}
