/* log_source — reading logs: one source per file or stream, the line prefix every format puts
 * before its message (classic syslog with or without host and PID, journalctl short /
 * short-precise / short-iso / json, the kernel's "[ 1.234]", the bootloader's "  2.52",
 * start.elf's "MESS:", tcpdump's time of day), the dispatch to the parser of the program that
 * wrote the line, and the merge of several sources by time. */

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "capture/log_int.h"
#include "core/base/util.h"

/* ---- the set ---- */

struct log_set *log_set_new(pnb_event_fn fn, void *user, const char *tftp_root)
{
	struct log_set *s = xcalloc(1, sizeof(*s));
	s->fn = fn;
	s->user = user;
	if (tftp_root && *tftp_root) {
		s->tftp_root = xstrdup(tftp_root);
		s->root_len = strlen(s->tftp_root);
		while (s->root_len > 1 && s->tftp_root[s->root_len - 1] == '/')
			s->tftp_root[--s->root_len] = '\0';
	}
	return s;
}

void log_set_free(struct log_set *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++) {
		struct log_src *r = s->src[i];
		if (r->close_it && r->f)
			fclose(r->f);
		free(r->buf);
		free(r->name);
		free(r);
	}
	for (size_t i = 0; i < s->n_notes; i++)
		free(s->notes[i]);
	free(s->tftp_root);
	free(s);
}

int log_set_add_stream(struct log_set *s, FILE *f, const char *name, bool close_it)
{
	if (s->n == LOG_MAX_SOURCES) {
		if (close_it)
			fclose(f);
		return -1;
	}
	struct log_src *r = xcalloc(1, sizeof(*r));
	r->set = s;
	r->idx = (unsigned)s->n;
	r->name = xstrdup(name);
	r->f = f;
	r->close_it = close_it;
	s->src[s->n++] = r;
	return 0;
}

int log_set_add(struct log_set *s, const char *path, char *err, size_t errlen)
{
	if (s->n == LOG_MAX_SOURCES) {
		snprintf(err, errlen, "%s: at most %d logs", path, LOG_MAX_SOURCES);
		return -1;
	}
	if (strcmp(path, "-") == 0)
		return log_set_add_stream(s, stdin, "stdin", false);
	FILE *f = fopen(path, "re");
	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	return log_set_add_stream(s, f, path, true);
}

size_t log_set_count(const struct log_set *s)
{
	return s ? s->n : 0;
}

const char *log_set_name(const struct log_set *s, size_t i)
{
	return s && i < s->n ? s->src[i]->name : NULL;
}

const struct log_stats *log_set_source_stats(const struct log_set *s, size_t i)
{
	return s && i < s->n ? &s->src[i]->st : NULL;
}

int log_set_fd(const struct log_set *s, size_t i)
{
	return s && i < s->n && !s->src[i]->eof ? fileno(s->src[i]->f) : -1;
}

void log_set_stats(const struct log_set *s, struct log_stats *out)
{
	memset(out, 0, sizeof(*out));
	for (size_t i = 0; s && i < s->n; i++) {
		out->lines += s->src[i]->st.lines;
		out->understood += s->src[i]->st.understood;
		out->skipped += s->src[i]->st.skipped;
		out->events += s->src[i]->st.events;
	}
}

bool log_frame_ref(const struct log_set *s, uint64_t frame, char *out, size_t n)
{
	if (!s || !(frame & LOG_FRAME_BIT))
		return false;
	size_t idx = (size_t)((frame >> 40) & 0x3fffff);
	uint64_t line = frame & ((1ULL << 40) - 1);
	if (idx >= s->n)
		return false;
	snprintf(out, n, "%s:%llu", s->src[idx]->name, (unsigned long long)line);
	return true;
}

void log_note(struct log_set *set, const char *fmt, ...)
{
	if (set->n_notes == PNB_ARRAY_LEN(set->notes))
		return;
	va_list ap;
	va_start(ap, fmt);
	char *m = NULL;
	if (vasprintf(&m, fmt, ap) < 0)
		m = NULL;
	va_end(ap);
	if (m)
		set->notes[set->n_notes++] = m;
}

size_t log_set_note_count(const struct log_set *s)
{
	return s ? s->n_notes : 0;
}

const char *log_set_note(const struct log_set *s, size_t i)
{
	return s && i < s->n_notes ? s->notes[i] : NULL;
}

static struct log_ipmap *ip_slot(struct log_set *set, uint32_t ip)
{
	size_t h = (ip * 2654435761u) & (LOG_IPMAP - 1);
	while (set->ipmap[h].ip && set->ipmap[h].ip != ip)
		h = (h + 1) & (LOG_IPMAP - 1);
	return &set->ipmap[h];
}

void log_ip_learn(struct log_set *set, uint32_t ip, const uint8_t mac[6])
{
	if (!ip)
		return;
	struct log_ipmap *m = ip_slot(set, ip);
	if (!m->ip) {
		if (set->n_ip >= LOG_IPMAP / 4 * 3) { /* a huge network: forget, stay bounded */
			memset(set->ipmap, 0, sizeof(set->ipmap));
			set->n_ip = 0;
			m = ip_slot(set, ip);
		}
		set->n_ip++;
		m->ip = ip;
	}
	memcpy(m->mac, mac, 6);
}

bool log_ip_mac(struct log_set *set, uint32_t ip, uint8_t mac[6])
{
	struct log_ipmap *m = ip ? ip_slot(set, ip) : NULL;
	if (m && m->ip) {
		memcpy(mac, m->mac, 6);
		return true;
	}
	if (!set->has_last_boot)
		return false;
	/* A proxy DHCP server's log names the Pi by MAC and its TFTP log by IP; the address came
	 * from another server. The Pi that got the last boot offer is the best guess: say so. */
	memcpy(mac, set->last_boot_mac, 6);
	log_ip_learn(set, ip, mac);
	char a[16], ms[18];
	ipv4_format(ip, a);
	mac_format(mac, ':', ms);
	log_note(set,
		 "no DHCP line names the MAC of %s: taken as %s, the Pi that got the last boot "
		 "offer (add the address server's log to be sure)",
		 a, ms);
	return true;
}

const char *log_tftp_rel(struct log_set *set, const char *path)
{
	if (set->tftp_root && strncmp(path, set->tftp_root, set->root_len) == 0 &&
	    path[set->root_len] == '/')
		return path + set->root_len + 1;
	if (path[0] != '/')
		return path;
	/* Not given: the root is what comes before the Pi's directory (8 hex digits, or a MAC
	 * with dashes) or before a file the loaders ask for in the root. */
	static const char *const top[] = {"bootcode.bin", "bootsig.bin", "start.elf", "start4.elf",
					  "config.txt", "autoboot.txt", "recovery.elf",
					  "recover4.elf", "fixup.dat", "fixup4.dat", "pieeprom.sig"};
	const char *best = NULL;
	for (const char *p = path; (p = strchr(p, '/')); p++) {
		const char *c = p + 1, *e = strchr(c, '/');
		size_t n = e ? (size_t)(e - c) : strlen(c);
		bool hex8 = n == 8, macd = n == 17;
		for (size_t i = 0; i < n && (hex8 || macd); i++) {
			bool hx = (c[i] >= '0' && c[i] <= '9') || (c[i] >= 'a' && c[i] <= 'f');
			hex8 = hex8 && hx;
			macd = macd && (i % 3 == 2 ? c[i] == '-' : hx);
		}
		if (e && (hex8 || macd)) {
			best = c;
			break;
		}
		if (!e)
			for (size_t i = 0; i < PNB_ARRAY_LEN(top); i++)
				if (strcmp(c, top[i]) == 0)
					best = c;
	}
	if (!best)
		return path;
	if (!set->noted_root) {
		set->noted_root = true;
		log_note(set, "TFTP root taken as %.*s (from the file names; --site gives it)",
			 (int)(best - path - 1), path);
	}
	return best;
}

void log_kernel_sent(struct log_set *set, const uint8_t mac[6], const char *file)
{
	const char *b = strrchr(file, '/');
	b = b ? b + 1 : file;
	if (strncmp(b, "kernel", 6) != 0 && strncmp(b, "vmlinuz", 7) != 0 &&
	    strncmp(b, "zImage", 6) != 0 && strcmp(b, "Image") != 0)
		return;
	for (size_t i = 0; i < set->n_ksent; i++)
		if (memcmp(set->ksent[i], mac, 6) == 0)
			return;
	if (set->n_ksent < PNB_ARRAY_LEN(set->ksent))
		memcpy(set->ksent[set->n_ksent++], mac, 6);
}

void log_guess_class(struct log_src *s, struct ev_dhcp *h)
{
	struct log_set *set = s->set;
	for (size_t i = 0; i < set->n_ksent; i++)
		if (memcmp(set->ksent[i], h->chaddr, 6) == 0)
			return; /* Linux's own DHCP: no class */
	h->vendor_class = log_keep(s, "PXEClient", 9);
	if (!set->noted_class) {
		set->noted_class = true;
		log_note(set, "%s: the DHCP lines do not show the vendor class (dnsmasq without "
			      "log-dhcp, dhcpd, Kea): a request before the Pi's kernel was sent is taken as its "
			      "boot ROM's",
			 s->name);
	}
}

/* ---- events ---- */

struct pnb_event *log_ev(struct log_src *s, enum pnb_event_kind kind)
{
	if (s->nq == LOG_QMAX)
		return NULL;
	struct pnb_event *ev = &s->q[s->nq++];
	memset(ev, 0, sizeof(*ev));
	ev->kind = kind;
	ev->frame = s->frame;
	ev->ts = s->ts;
	return ev;
}

struct pnb_bytes log_keep(struct log_src *s, const void *p, size_t n)
{
	struct pnb_bytes b = {NULL, 0};
	if (!n || n > 65535 || s->scratch_used + n > LOG_SCRATCH)
		return b;
	memcpy(s->scratch + s->scratch_used, p, n);
	b.p = s->scratch + s->scratch_used;
	b.len = (uint16_t)n;
	s->scratch_used += n;
	return b;
}

static const char *keep_str(struct log_src *s, const char *str)
{
	struct pnb_bytes b = log_keep(s, str, strlen(str) + 1);
	return b.p ? (const char *)b.p : "";
}

static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

static bool dhcp_is_request(uint8_t type)
{
	return type == 1 || type == 3 || type == 4 || type == 7 || type == 8 || type == 0;
}

struct pnb_event *log_ev_dhcp(struct log_src *s, uint8_t type, const uint8_t mac[6],
			      uint32_t yiaddr, uint32_t server)
{
	struct pnb_event *ev = log_ev(s, EV_DHCP);
	if (!ev)
		return NULL;
	struct ev_dhcp *h = &ev->u.dhcp;
	h->msg_type = type;
	h->op = dhcp_is_request(type) ? 1 : 2;
	h->htype = 1;
	h->hlen = 6;
	h->cookie = true;
	memcpy(h->chaddr, mac, 6);
	h->yiaddr = yiaddr;
	h->server_id = h->op == 2 ? server : 0;
	if (h->op == 1) {
		memcpy(ev->src_mac, mac, 6);
		memcpy(ev->dst_mac, bcast, 6);
		ev->dst_ip = 0xffffffffu;
		ev->sport = 68;
		ev->dport = 67;
	} else {
		memcpy(ev->dst_mac, mac, 6);
		ev->src_ip = server;
		ev->dst_ip = yiaddr ? yiaddr : 0xffffffffu;
		ev->sport = 67;
		ev->dport = 68;
	}
	return ev;
}

void log_ev_dhcp_flush(struct log_src *s)
{
	struct log_dhcp_acc *a = &s->acc;
	if (!a->open)
		return;
	a->open = false;
	uint64_t f = s->frame;
	struct timeval t = s->ts;
	s->frame = a->frame;
	s->ts = a->ts;
	struct pnb_event *ev = log_ev(s, EV_DHCP);
	s->frame = f;
	s->ts = t;
	if (!ev)
		return;
	ev->u.dhcp = a->h;
	struct ev_dhcp *h = &ev->u.dhcp;
	h->op = dhcp_is_request(h->msg_type) ? 1 : 2;
	h->htype = 1;
	h->hlen = 6;
	h->cookie = true;
	memcpy(ev->src_mac, a->src_mac, 6);
	memcpy(ev->dst_mac, a->dst_mac, 6);
	ev->src_ip = a->src_ip;
	ev->dst_ip = a->dst_ip;
	ev->sport = h->op == 1 ? 68 : 67;
	ev->dport = h->op == 1 ? 67 : 68;
	if (a->vclass_len)
		h->vendor_class = log_keep(s, a->vclass, a->vclass_len);
	else if (h->op == 1 && h->log_partial)
		log_guess_class(s, h);
	if (a->opt43_len) {
		h->vendor_opts = log_keep(s, a->opt43, a->opt43_len);
		h->pxe_valid = !a->opt43_cut;
	}
	if (a->menu_len) {
		/* The menu text as the Pi (or the server) printed it: sub-option 9 is there. */
		h->has_pxe_menu = true;
		h->pxe_menu_text = log_keep(s, a->menu, a->menu_len);
		if (!a->opt43_len) {
			h->vendor_opts = h->pxe_menu_text;
			h->pxe_valid = true;
		}
	}
	h->log_partial = a->opt43_cut || h->log_partial;
	if (h->op == 2 && h->yiaddr)
		log_ip_learn(s->set, h->yiaddr, h->chaddr);
}

void log_ev_rrq(struct log_src *s, const uint8_t mac[6], uint32_t cip, uint32_t sip,
		const char *file)
{
	struct pnb_event *ev = log_ev(s, EV_TFTP);
	if (!ev)
		return;
	memcpy(ev->src_mac, mac, 6);
	ev->src_ip = cip;
	ev->dst_ip = sip;
	ev->dport = 69;
	ev->u.tftp.opcode = TFTP_RRQ;
	ev->u.tftp.filename = log_keep(s, file, strlen(file));
	ev->u.tftp.mode = log_keep(s, "octet", 5);
	ev->u.tftp.tsize = -1;
	ev->u.tftp.blksize = ev->u.tftp.timeout = ev->u.tftp.windowsize = -1;
	ev->u.tftp.to_server = true;
}

void log_ev_xfer(struct log_src *s, const uint8_t mac[6], uint32_t cip, uint32_t sip,
		 const char *file, enum tftp_xfer_end end, uint16_t code, const char *msg,
		 bool from_client, uint64_t bytes)
{
	struct pnb_event *ev = log_ev(s, EV_TFTP_XFER);
	if (!ev)
		return;
	struct ev_tftp_xfer *x = &ev->u.xfer;
	memcpy(ev->dst_mac, mac, 6);
	ev->src_ip = sip;
	ev->dst_ip = cip;
	x->filename = keep_str(s, file);
	memcpy(x->client_mac, mac, 6);
	x->client_ip = cip;
	x->server_ip = sip;
	x->end = end;
	x->error_code = code;
	x->error_msg = msg ? keep_str(s, msg) : NULL;
	x->error_from_client = from_client;
	x->bytes = bytes;
	x->blocks = (uint32_t)(bytes / 512 + 1);
	x->blksize = -1;
	x->tsize = -1;
	/* An existence probe the client broke off is how every Pi loader asks for a file. */
	x->probe = end == XFER_ABORTED && from_client;
}

/* ---- scanners ---- */

const char *log_skip_ws(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

bool log_word(const char **p, const char *w)
{
	if (**p != *w) /* most tries fail on the first byte: skip strlen and strncmp */
		return false;
	size_t n = strlen(w);
	if (strncmp(*p, w, n) != 0)
		return false;
	*p += n;
	return true;
}

static int hexv(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

bool log_mac(const char **p, uint8_t mac[6])
{
	const char *q = *p;
	for (int i = 0; i < 6; i++) {
		int a = hexv(q[0]);
		if (a < 0)
			return false;
		int b = hexv(q[1]);
		if (b >= 0) {
			mac[i] = (uint8_t)(a << 4 | b);
			q += 2;
		} else {
			mac[i] = (uint8_t)a;
			q++;
		}
		if (i < 5) {
			if (*q != ':' && *q != '-')
				return false;
			q++;
		}
	}
	if (hexv(*q) >= 0 || *q == ':')
		return false;
	*p = q;
	return true;
}

bool log_ip(const char **p, uint32_t *ip)
{
	const char *q = *p;
	uint32_t v = 0;
	for (int i = 0; i < 4; i++) {
		if (*q < '0' || *q > '9')
			return false;
		unsigned o = 0;
		int d = 0;
		while (*q >= '0' && *q <= '9' && d < 4) {
			o = o * 10 + (unsigned)(*q++ - '0');
			d++;
		}
		if (o > 255 || d > 3)
			return false;
		v = v << 8 | o;
		if (i < 3 && *q++ != '.')
			return false;
	}
	if (*q >= '0' && *q <= '9')
		return false;
	*ip = v;
	*p = q;
	return true;
}

bool log_uint(const char **p, uint64_t *v)
{
	const char *q = *p;
	uint64_t x = 0;
	if (*q < '0' || *q > '9')
		return false;
	while (*q >= '0' && *q <= '9') {
		if (x > UINT64_MAX / 10 - 10)
			return false;
		x = x * 10 + (uint64_t)(*q++ - '0');
	}
	*v = x;
	*p = q;
	return true;
}

const char *log_find(const char *hay, const char *needle)
{
	return strstr(hay, needle);
}

size_t log_token(const char **p, char *out, size_t n, const char *stop)
{
	const char *q = *p;
	size_t k = 0;
	while (*q && *q != ' ' && *q != '\t' && !(stop && strchr(stop, *q))) {
		if (k + 1 < n)
			out[k++] = *q;
		q++;
	}
	if (n)
		out[k] = '\0';
	*p = q;
	return k;
}

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
		if (p[i] < '0' || p[i] > '9')
			return -1;
		v = v * 10 + (p[i] - '0');
	}
	return v;
}

/* ".123456" after seconds: microseconds; advances *p. */
static long frac_us(const char **p)
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
	static const char m[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	if (p[0] < 'A' || p[0] > 'S')
		return 0;
	for (int i = 0; i < 12; i++)
		if (strncmp(p, m + i * 3, 3) == 0)
			return i + 1;
	return 0;
}

static void note_year(struct log_src *s)
{
	struct log_set *set = s->set;
	if (set->noted_year)
		return;
	set->noted_year = true;
	const char *tz = getenv("TZ");
	log_note(set,
		 "%s: syslog times carry no year or time zone: read as %d, local time (%s); set TZ "
		 "to the server's zone when merging with a capture from elsewhere",
		 s->name, s->year, tz && *tz ? tz : "the system zone");
}

/* "Dec  7 12:42:35[.frac] " → local time; the year is guessed once per source. */
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
	long us = frac_us(&p);
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
		note_year(s);
	}
	if (mon != s->c_mon || day != s->c_day || hh != s->c_hour || mm != s->c_min) {
		struct tm tm;
		memset(&tm, 0, sizeof(tm));
		tm.tm_year = s->year - 1900;
		tm.tm_mon = mon - 1;
		tm.tm_mday = day;
		tm.tm_hour = hh;
		tm.tm_min = mm;
		tm.tm_isdst = -1;
		s->c_base = mktime(&tm);
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
	long us = frac_us(&p);
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
	if (zone) {
		tv->tv_sec = (time_t)(days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 +
				      hh * 3600 + mm * 60 + ss - off);
	} else {
		struct tm tm;
		memset(&tm, 0, sizeof(tm));
		tm.tm_year = y - 1900;
		tm.tm_mon = mo - 1;
		tm.tm_mday = d;
		tm.tm_hour = hh;
		tm.tm_min = mm;
		tm.tm_sec = ss;
		tm.tm_isdst = -1;
		tv->tv_sec = mktime(&tm);
	}
	tv->tv_usec = us;
	*pp = p + 1;
	return true;
}

/* "prog[pid]: " or "prog: " (a tag is one word ending in a colon). */
static bool tag(const char **pp, char prog[32])
{
	const char *p = *pp, *q = p;
	while (*q && *q != ' ' && *q != ':' && *q != '[')
		q++;
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
	const char *p = *pp;
	if (tag(&p, l->prog)) {
		*pp = p;
		return;
	}
	const char *h = p;
	while (*h && *h != ' ')
		h++;
	if (*h == ' ') {
		h++;
		if (tag(&h, l->prog)) {
			*pp = h;
			return;
		}
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
static void split(struct log_src *s, char *line, struct log_line *l, char *msgbuf, size_t mlen)
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
				l->has_ts = true;
			}
			return;
		}
	}
	if (syslog_time(s, &p, &l->ts) || iso_time(s, &p, &l->ts)) {
		l->has_ts = true;
		if (p[-1] == ' ' && (p - line) >= 19 && line[10] == ' ' && line[4] == '-') {
			/* tcpdump -tttt: no host, no tag */
		} else {
			host_tag(&p, l);
		}
	}
	l->msg = (char *)p;
}

/* Seconds since boot in front of a console line: "[    1.234567] " (kernel), "  2.52 "
 * (bootloader since 2024), "MESS:00:00:19.050536:0: " (start.elf). */
static bool rel_time(char **pp, struct timeval *tv)
{
	char *p = *pp;
	if (*p == '<' && p[1] >= '0' && p[1] <= '9' && p[2] == '>')
		p += 3; /* printk level */
	if (*p == '[') {
		const char *q = log_skip_ws(p + 1);
		uint64_t sec;
		if (!log_uint(&q, &sec) || *q != '.')
			return false;
		long us = frac_us(&q);
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
		long us = frac_us(&q);
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
static bool tod_time(struct log_src *s, char **pp, struct timeval *tv)
{
	char *p = *pp;
	int hh = digits(p, 2), mm = digits(p + 3, 2), ss = digits(p + 6, 2);
	if (hh < 0 || mm < 0 || ss < 0 || p[2] != ':' || p[5] != ':' || p[8] != '.')
		return false;
	const char *q = p + 8;
	long us = frac_us(&q);
	if (*q != ' ')
		return false;
	time_t now = time(NULL);
	struct tm tm;
	localtime_r(&now, &tm);
	tm.tm_hour = hh;
	tm.tm_min = mm;
	tm.tm_sec = ss;
	tm.tm_isdst = -1;
	tv->tv_sec = mktime(&tm);
	tv->tv_usec = us;
	if (!s->set->noted_tod) {
		s->set->noted_tod = true;
		log_note(s->set, "%s: times of day without a date: read as today, local time",
			 s->name);
	}
	*pp = (char *)q + 1;
	return true;
}

static bool prog_is(const char *prog, const char *p)
{
	return strncmp(prog, p, strlen(p)) == 0;
}

/* Which parser: by the program that wrote the line, else by what the message looks like. */
static bool dispatch(struct log_src *s, struct log_line *l)
{
	const char *pg = l->prog;
	if (pg[0]) {
		if (prog_is(pg, "dnsmasq"))
			return log_parse_dnsmasq(s, l);
		if (prog_is(pg, "dhcpd"))
			return log_parse_dhcpd(s, l);
		if (prog_is(pg, "kea-dhcp4") || prog_is(pg, "kea"))
			return log_parse_kea(s, l);
		if (prog_is(pg, "in.tftpd") || prog_is(pg, "tftpd") || prog_is(pg, "tftp"))
			return log_parse_tftpd(s, l);
		if (prog_is(pg, "tgtd"))
			return log_parse_tgtd(s, l);
		if (prog_is(pg, "ganesha") || prog_is(pg, "nfs-ganesha") ||
		    prog_is(pg, "rpc.mountd") || prog_is(pg, "mountd"))
			return log_parse_nfsd(s, l);
		if (prog_is(pg, "kernel") || prog_is(pg, "iscsistart") || prog_is(pg, "nfsmount") ||
		    prog_is(pg, "ipconfig"))
			return log_parse_kernel(s, l);
		/* A journal of a tool we do not parse; its message may still be ours (a pasted
		 * bootloader log with a serial console's own prefix, …). */
	}
	if (log_parse_dnsmasq(s, l))
		return true;
	if (!l->has_ts) {
		struct timeval rt;
		char *m = l->msg;
		if (rel_time(&m, &rt)) {
			l->msg = m;
			l->ts = s->ts = rt;
			l->has_ts = true;
			if (!s->set->noted_rel) {
				s->set->noted_rel = true;
				log_note(s->set,
					 "%s: times are seconds since the Pi started, not wall-clock: "
					 "merged as if it started at the epoch",
					 s->name);
			}
		} else if (tod_time(s, &m, &rt)) {
			l->msg = m;
			l->ts = s->ts = rt;
			l->has_ts = true;
		}
	}
	if (log_parse_uart(s, l) || log_parse_kernel(s, l) || log_parse_tcpdump(s, l))
		return true;
	return log_parse_kea(s, l);
}

/* Reads lines until one produced events (or the end). */
static bool fill(struct log_src *s)
{
	static char msgbuf[65536];
	while (s->qhead >= s->nq && !s->eof) {
		s->nq = s->qhead = 0;
		s->scratch_used = 0;
		ssize_t n = getline(&s->buf, &s->cap, s->f);
		if (n < 0) {
			if (ferror(s->f) && errno == EAGAIN) {
				clearerr(s->f);
				return false;
			}
			s->eof = true;
			s->frame = LOG_FRAME_BIT | (uint64_t)s->idx << 40 | s->lineno;
			log_ev_dhcp_flush(s);
			break;
		}
		while (n > 0 && (s->buf[n - 1] == '\n' || s->buf[n - 1] == '\r'))
			s->buf[--n] = '\0';
		s->lineno++;
		s->st.lines++;
		if (memchr(s->buf, '\0', (size_t)n)) /* binary junk: not a log line */
		{
			s->st.skipped++;
			continue;
		}
		struct log_line l;
		split(s, s->buf, &l, msgbuf, sizeof(msgbuf));
		s->frame = LOG_FRAME_BIT | (uint64_t)s->idx << 40 | (s->lineno & ((1ULL << 40) - 1));
		s->ts = s->last_ts;
		if (l.has_ts)
			s->ts = l.ts;
		bool ok = dispatch(s, &l);
		if (l.has_ts) {
			s->last_ts = l.ts;
			s->have_ts = true;
		}
		if (ok)
			s->st.understood++;
		else
			s->st.skipped++;
	}
	return s->qhead < s->nq;
}

static uint64_t deliver_head(struct log_src *s)
{
	uint64_t n = 0;
	while (s->qhead < s->nq) {
		s->set->fn(&s->q[s->qhead++], s->set->user);
		s->st.events++;
		n++;
	}
	return n;
}

static int tv_cmp(const struct timeval *a, const struct timeval *b)
{
	if (a->tv_sec != b->tv_sec)
		return a->tv_sec < b->tv_sec ? -1 : 1;
	return a->tv_usec < b->tv_usec ? -1 : a->tv_usec > b->tv_usec;
}

uint64_t log_set_pump(struct log_set *s, const struct timeval *until)
{
	uint64_t n = 0;
	if (!s)
		return 0;
	for (;;) {
		struct log_src *best = NULL;
		for (size_t i = 0; i < s->n; i++) {
			struct log_src *r = s->src[i];
			if (!fill(r))
				continue;
			if (!best || tv_cmp(&r->q[r->qhead].ts, &best->q[best->qhead].ts) < 0)
				best = r;
		}
		if (!best || (until && tv_cmp(&best->q[best->qhead].ts, until) > 0))
			return n;
		n += deliver_head(best);
	}
}

uint64_t log_set_pump_ready(struct log_set *s)
{
	uint64_t n = 0;
	for (size_t i = 0; s && i < s->n; i++) {
		struct log_src *r = s->src[i];
		int fd = fileno(r->f);
		int fl = fcntl(fd, F_GETFL);
		if (fl >= 0 && !(fl & O_NONBLOCK))
			fcntl(fd, F_SETFL, fl | O_NONBLOCK);
		for (int k = 0; k < 4096 && fill(r); k++)
			n += deliver_head(r);
	}
	return n;
}

void log_set_finish(struct log_set *s)
{
	for (size_t i = 0; s && i < s->n; i++) {
		struct log_src *r = s->src[i];
		log_ev_dhcp_flush(r);
		deliver_head(r);
	}
}
