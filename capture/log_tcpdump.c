/* log_tcpdump — packet text as people paste it into bug reports: tcpdump -n / -e / -v lines
 * (with or without name resolution: "bootps", "tftp", host names) and their -v continuation
 * lines. Understood: BOOTP/DHCP requests and replies ("Request from MAC", "Reply", and -v's
 * "DHCP-Message (53), length 1: Offer", "Vendor-Class (60) … "PXEClient…"", "Your-IP"),
 * TFTP read requests ("RRQ "file" octet tsize 0") and ERRORs, ARP who-has. A host name in
 * place of an address is kept as unknown (0.0.0.0). */
#include <string.h>

#include "capture/log_int.h"
#include "core/base/util.h"

/* "10.0.0.5.49152" → address and port; names ("pi.lan.bootpc") give 0 and the port name. */
static bool endpoint(const char **pp, uint32_t *ip, uint16_t *port)
{
	const char *p = *pp;
	char tok[128];
	log_token(&p, tok, sizeof(tok), ":,");
	*ip = 0;
	*port = 0;
	char *dot = strrchr(tok, '.');
	if (!dot)
		return false;
	*dot = '\0';
	const char *a = tok;
	log_ip(&a, ip);
	const char *pn = dot + 1;
	uint64_t v;
	if (log_uint(&pn, &v) && v < 65536)
		*port = (uint16_t)v;
	else if (!strcmp(dot + 1, "bootps"))
		*port = 67;
	else if (!strcmp(dot + 1, "bootpc"))
		*port = 68;
	else if (!strcmp(dot + 1, "tftp"))
		*port = 69;
	*pp = p;
	return true;
}

bool log_parse_tcpdump(struct log_src *s, struct log_line *l)
{
	const char *p = log_skip_ws(l->msg);
	uint8_t mac[6], smac[6];
	bool have_smac = false;
	uint32_t sip, dip;
	uint16_t sp, dp;
	struct log_dhcp_acc *a = &s->acc;
	/* -v continuation lines of a BOOTP packet */
	if (a->open && l->msg[0] == ' ') {
		const char *q;
		if ((q = strstr(p, "DHCP-Message (53), length 1: "))) {
			q += 29;
			static const char *const t[] = {"", "Discover", "Offer", "Request", "Decline",
							"ACK", "NACK", "Release", "Inform"};
			for (unsigned i = 1; i < PNB_ARRAY_LEN(t); i++)
				if (strncmp(q, t[i], strlen(t[i])) == 0)
					a->h.msg_type = (uint8_t)i;
			return true;
		}
		if ((q = strstr(p, "Vendor-Class (60)")) && (q = strchr(q, '"'))) {
			q++;
			const char *e = strchr(q, '"');
			size_t n = e ? (size_t)(e - q) : 0;
			if (n > sizeof(a->vclass))
				n = sizeof(a->vclass);
			memcpy(a->vclass, q, n);
			a->vclass_len = (uint8_t)n;
			return true;
		}
		if ((q = strstr(p, "Your-IP "))) {
			q += 8;
			log_ip(&q, &a->h.yiaddr);
			return true;
		}
		if ((q = strstr(p, "Server-ID (54), length 4: "))) {
			q += 26;
			log_ip(&q, &a->h.server_id);
			return true;
		}
		if ((q = strstr(p, "Client-Ethernet-Address "))) {
			q += 24;
			if (log_mac(&q, mac)) {
				memcpy(a->h.chaddr, mac, 6);
				if (a->h.op == 2)
					memcpy(a->dst_mac, mac, 6);
				else
					memcpy(a->src_mac, mac, 6);
			}
			return true;
		}
		if (strstr(p, "Vendor-Option (43)")) {
			a->h.log_partial = true; /* tcpdump prints its length, not the bytes */
			a->opt43_len = 0;
			return true;
		}
		return strchr(p, ':') != NULL || strchr(p, '(') != NULL;
	}
	/* -e: "b8:27:eb:aa:bb:cc > ff:ff:ff:ff:ff:ff, ethertype IPv4 (0x0800), length 342: IP …" */
	const char *q = p;
	if (log_mac(&q, smac) && log_word(&q, " > ")) {
		have_smac = true;
		q = strstr(q, ": ");
		if (!q)
			return false;
		p = q + 2;
	}
	if (log_word(&p, "ARP, Request who-has ")) {
		uint32_t tpa, spa;
		if (!log_ip(&p, &tpa))
			return false;
		const char *t = strstr(p, " tell ");
		if (!t)
			return false;
		t += 6;
		if (!log_ip(&t, &spa))
			return false;
		if (!have_smac && !log_ip_mac(s->set, spa, smac))
			return true;
		struct pnb_event *ev = log_ev(s, EV_ARP);
		if (ev) {
			memcpy(ev->src_mac, smac, 6);
			ev->u.arp.op = 1;
			memcpy(ev->u.arp.sha, smac, 6);
			ev->u.arp.spa = spa;
			ev->u.arp.tpa = tpa;
		}
		return true;
	}
	if (!log_word(&p, "IP "))
		return false;
	if (*p == '(') { /* -v: the IP header, then the addresses on the next line */
		return true;
	}
	if (!endpoint(&p, &sip, &sp) || !log_word(&p, " > ") || !endpoint(&p, &dip, &dp))
		return false;
	if (*p == ':')
		p++;
	p = log_skip_ws(p);
	if ((sp == 68 && dp == 67) || (sp == 67 && dp == 68) || strncmp(p, "BOOTP/DHCP", 10) == 0) {
		log_ev_dhcp_flush(s);
		bool req = strstr(p, "Request") != NULL;
		memset(a, 0, sizeof(*a));
		a->open = true;
		a->frame = s->frame;
		a->ts = s->ts;
		a->h.msg_type = req ? 1 : 2;
		a->h.op = req ? 1 : 2;
		a->src_ip = sip;
		a->dst_ip = dip;
		a->h.log_partial = true;
		const char *f = strstr(p, "from ");
		if (f) {
			f += 5;
			if (log_mac(&f, mac)) {
				memcpy(a->h.chaddr, mac, 6);
				memcpy(a->src_mac, mac, 6);
			}
		}
		if (have_smac && req)
			memcpy(a->src_mac, smac, 6);
		if (!req)
			a->h.server_id = sip;
		return true;
	}
	const char *r = strstr(p, "RRQ \"");
	if (r) {
		log_ev_dhcp_flush(s);
		r += 5;
		const char *e = strchr(r, '"');
		if (!e || e - r > 255)
			return false;
		char name[256];
		snprintf(name, sizeof(name), "%.*s", (int)(e - r), r);
		if (!have_smac && !log_ip_mac(s->set, sip, smac))
			return true;
		log_ev_rrq(s, smac, sip, dip, name);
		return true;
	}
	return strstr(p, "UDP, length") != NULL || strstr(p, "TFTP") != NULL;
}
