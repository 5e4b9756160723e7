/* log_dhcpdump — dhcpdump's packet blocks, as pasted into bug reports:
 *     TIME: 2018-02-04 18:44:04.141
 *       IP: 192.168.1.80 (8:0:27:b1:5f:9b) > 192.168.1.12 (b8:27:eb:ac:1c:1)
 *       OP: 2 (BOOTPREPLY)   … YIADDR: … SIADDR: … GIADDR: … CHADDR: b8:27:eb:ac:1c:01:00:…
 *   OPTION:  53 (  1) DHCP message type         2 (DHCPOFFER)
 *   OPTION:  43 ( 20) Vendor specific info      5261737062657272 Raspberr
 *                                               7920506920426f6f y Pi Boo
 *   -----------------------------------------------------------------
 * One block is one DHCP message; option 43 is shown in full (hex), so its menu is known. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "capture/log_int.h"
#include "core/base/util.h"

static void hex_into(struct log_dhcp_acc *a, const char *p)
{
	p = log_skip_ws(p);
	while (p[0] && p[1] && a->opt43_len < sizeof(a->opt43)) {
		int hi = p[0] >= 'a' ? p[0] - 'a' + 10 : p[0] >= 'A' ? p[0] - 'A' + 10 : p[0] - '0';
		int lo = p[1] >= 'a' ? p[1] - 'a' + 10 : p[1] >= 'A' ? p[1] - 'A' + 10 : p[1] - '0';
		if (hi < 0 || hi > 15 || lo < 0 || lo > 15)
			break;
		a->opt43[a->opt43_len++] = (uint8_t)(hi << 4 | lo);
		p += 2;
	}
}

bool log_parse_dhcpdump(struct log_src *s, struct log_line *l)
{
	const char *p = log_skip_ws(l->msg);
	struct log_dhcp_acc *a = &s->acc;
	uint32_t ip;
	uint8_t mac[6];
	if (log_word(&p, "TIME: ")) {
		int y, mo, d, h, mi, sec, ms = 0;
		if (sscanf(p, "%d-%d-%d %d:%d:%d.%d", &y, &mo, &d, &h, &mi, &sec, &ms) < 6)
			return false;
		log_ev_dhcp_flush(s);
		if (!s->set->year_hint)
			s->set->year_hint = y;
		s->ts.tv_sec = log_local_time(y, mo, d, h, mi, sec);
		s->ts.tv_usec = ms >= 0 && ms < 1000 ? ms * 1000 : 0;
		l->ts = s->ts;
		l->has_ts = l->abs_ts = true; /* a dated line like syslog's */
		memset(a, 0, sizeof(*a));
		a->open = true;
		a->frame = s->frame;
		a->ts = s->ts;
		a->dump43 = true;
		return true;
	}
	if (!a->open || !a->dump43)
		return false;
	if (log_word(&p, "IP: ")) {
		if (log_ip(&p, &ip))
			a->src_ip = ip;
		const char *m = strchr(p, '(');
		if (m && (m++, log_mac(&m, mac)))
			memcpy(a->src_mac, mac, 6);
		const char *g = strstr(p, "> ");
		if (g) {
			g += 2;
			if (log_ip(&g, &ip))
				a->dst_ip = ip;
			m = strchr(g, '(');
			if (m && (m++, log_mac(&m, mac)))
				memcpy(a->dst_mac, mac, 6);
		}
		return true;
	}
	uint64_t v;
	if (log_word(&p, "OP: ")) {
		if (log_uint(&p, &v))
			a->h.msg_type = v == 1 ? 1 : 2; /* refined by option 53 */
		return true;
	}
	if (log_word(&p, "HOPS: ")) {
		if (log_uint(&p, &v) && v < 256)
			a->h.hops = (uint8_t)v;
		return true;
	}
	if (log_word(&p, "YIADDR: ") || log_word(&p, "SIADDR: ") || log_word(&p, "GIADDR: ") ||
	    log_word(&p, "CIADDR: ")) {
		char k = l->msg[strspn(l->msg, " ")];
		if (log_ip(&p, &ip))
			*(k == 'Y' ? &a->h.yiaddr : k == 'S' ? &a->h.siaddr : k == 'G' ? &a->h.giaddr
										 : &a->h.ciaddr) = ip;
		return true;
	}
	if (log_word(&p, "CHADDR: ")) {
		if (log_mac(&p, mac) || (p[17] == ':' && log_mac(&p, mac)))
			memcpy(a->h.chaddr, mac, 6);
		else {
			/* "b8:27:eb:ac:1c:01:00:00:…": the first six bytes */
			char six[18];
			snprintf(six, sizeof(six), "%.17s", p);
			const char *q = six;
			if (log_mac(&q, mac))
				memcpy(a->h.chaddr, mac, 6);
		}
		return true;
	}
	if (log_word(&p, "OPTION:")) {
		p = log_skip_ws(p);
		if (!log_uint(&p, &v))
			return false;
		const char *val = strchr(p, ')');
		if (!val)
			return true;
		val = log_skip_ws(val + 1);
		/* the value starts after the option's name: two or more blanks */
		const char *gap = strstr(val, "  ");
		if (gap)
			val = log_skip_ws(gap);
		const char *q = val;
		a->h.n_options++;
		uint32_t *addr = v < 256 ? log_dhcp_addr(&a->h, (unsigned)v) : NULL;
		if (addr)
			log_ip(&q, addr);
		switch (v) {
		case 53: {
			uint64_t t;
			if (log_uint(&q, &t) && t < 256)
				a->h.msg_type = (uint8_t)t;
			break;
		}
		case 60:
			a->vclass_len =
			    log_field_set(a->vclass, sizeof(a->vclass), val, strcspn(val, " "));
			break;
		case 66:
			a->opt66_len =
			    log_field_set(a->opt66, sizeof(a->opt66), val, strcspn(val, " "));
			break;
		case 43:
			a->in43 = true;
			a->opt43_len = 0;
			hex_into(a, val);
			return true;
		default:
			break;
		}
		a->in43 = false;
		return true;
	}
	if (strncmp(p, "---", 3) == 0) {
		log_ev_dhcp_flush(s);
		return true;
	}
	if (a->in43 && (l->msg[0] == '\t' || l->msg[0] == ' ')) {
		hex_into(a, p); /* a continuation of option 43's hex */
		return true;
	}
	/* HTYPE, HLEN, XID, SECS, FLAGS, SNAME, FNAME */
	return strchr(p, ':') != NULL && p[0] >= 'A' && p[0] <= 'Z';
}
