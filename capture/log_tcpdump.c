/* log_tcpdump — packet text as people paste it into bug reports: tcpdump -n / -e / -v lines
 * (with or without name resolution: "bootps", "tftp", host names) and their -v continuation
 * lines. Understood: BOOTP/DHCP requests and replies ("Request from MAC", "Reply", and -v's
 * "DHCP-Message (53), length 1: Offer", "Vendor-Class (60) … "PXEClient…"", "Your-IP"),
 * TFTP read requests ("RRQ "file" octet tsize 0") and ERRORs, ARP who-has. A host name in
 * place of an address is kept as unknown (0.0.0.0). */
#include <string.h>
#include <strings.h>

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

/* The DHCP message type named at q ("Offer" in 4.x, "OFFER" in 3.x), if it is one. */
static void msg_type_named(struct log_dhcp_acc *a, const char *q)
{
	static const char *const t[] = {"",    "Discover", "Offer",   "Request", "Decline",
					"ACK", "NACK",     "Release", "Inform"};
	for (unsigned i = 1; i < PNB_ARRAY_LEN(t); i++)
		if (strncasecmp(q, t[i], strlen(t[i])) == 0)
			a->h.msg_type = (uint8_t)i;
}

/* The length of the text after an opening quote, up to the closing one (0 without one). */
static size_t quoted_len(const char *q)
{
	const char *e = strchr(q, '"');
	return e ? (size_t)(e - q) : 0;
}

/* The client's MAC of a -v BOOTP packet: chaddr, and the frame's source (a request) or
 * destination (a reply). */
static void client_mac(struct log_dhcp_acc *a, const char *q)
{
	uint8_t mac[6];
	if (!log_mac(&q, mac))
		return;
	memcpy(a->h.chaddr, mac, 6);
	memcpy(a->h.op == 2 ? a->dst_mac : a->src_mac, mac, 6);
}

bool log_parse_tcpdump(struct log_src *s, struct log_line *l)
{
	const char *p = log_skip_ws(l->msg);
	uint8_t mac[6], smac[6];
	bool have_smac = false;
	uint32_t sip, dip;
	uint16_t sp, dp;
	struct log_dhcp_acc *a = &s->acc;
	bool cont = l->msg[0] == ' ' || l->msg[0] == '\t';
	/* an address line of its own (after "IP (tos …)" with -v) starts a packet */
	const char *gt = strstr(p, " > ");
	bool addr_line = gt && gt > p && (gt[-1] >= '0' && gt[-1] <= '9' ? true : strchr(p, '.') < gt);
	/* -v continuation lines of a BOOTP packet */
	if (a->open && cont && !addr_line) {
		const char *q;
		/* "DHCP-Message (53), length 1: Offer" (tcpdump 4.9+), "DHCP-Message Option 53,
		 * length 1: Discover" (4.x), "DHCP:OFFER" (3.x). */
		if ((q = strstr(p, "DHCP-Message (53), length 1: ")) ||
		    (q = strstr(p, "DHCP-Message Option 53, length 1: "))) {
			msg_type_named(a, strstr(q, ": ") + 2);
			return true;
		}
		if ((q = log_after(p, "DHCP:"))) {
			msg_type_named(a, q);
			return true;
		}
		if ((q = strstr(p, "VO:")) || (q = strstr(p, "Vendor-Option Option 43, length "))) {
			/* 3.x and 4.x print option 43 in full, as dotted decimal bytes */
			q = *q == 'V' && q[1] == 'O' ? q + 3 : strstr(q, ": ");
			if (!q)
				return true;
			if (*q == ':')
				q += 2;
			uint64_t v;
			a->opt43_len = 0;
			while (log_uint(&q, &v) && v < 256 && a->opt43_len < sizeof(a->opt43)) {
				a->opt43[a->opt43_len++] = (uint8_t)v;
				if (*q != '.')
					break;
				q++;
			}
			a->h.log_partial = false;
			return true;
		}
		if (((q = strstr(p, "VC:\"")) || (q = strstr(p, "Vendor-Class Option 60"))) &&
		    (q = strchr(q, '"'))) {
			a->vclass_len =
			    log_field_set(a->vclass, sizeof(a->vclass), q + 1, quoted_len(q + 1));
			return true;
		}
		/* the BOOTP header's addresses: "Your-IP 1.2.3.4" (4.x), "Your IP: …" (3.x) */
		static const char *const addr_labels[][2] = {{"Your-IP ", "Your IP: "},
							     {"Server-IP ", "Server IP: "},
							     {"Gateway-IP ", "Gateway IP: "}};
		uint32_t *addr[] = {&a->h.yiaddr, &a->h.siaddr, &a->h.giaddr};
		for (size_t i = 0; i < PNB_ARRAY_LEN(addr); i++) {
			const char *v4 = log_after(p, addr_labels[i][0]);
			const char *v3 = log_after(p, addr_labels[i][1]);
			if (v4 || v3) {
				q = log_skip_ws(v3 ? v3 : v4);
				log_ip(&q, addr[i]);
				return true;
			}
		}
		if ((q = log_after(p, "SID:"))) {
			log_ip(&q, &a->h.server_id);
			return true;
		}
		if ((q = strstr(p, "Server-ID Option 54, length 4: ")) ||
		    (q = strstr(p, "Server-ID (54), length 4: "))) {
			q = strstr(q, ": ") + 2;
			log_ip(&q, &a->h.server_id); /* a host name stays unknown */
			return true;
		}
		if ((q = strstr(p, "Subnet-Mask Option 1, length 4: ")) ||
		    (q = strstr(p, "Subnet-Mask (1), length 4: ")) || (q = strstr(p, "SM:"))) {
			q = q[0] == 'S' && q[1] == 'M' ? q + 3 : strstr(q, ": ") + 2;
			log_ip(&q, &a->h.subnet_mask);
			return true;
		}
		if ((q = strstr(p, "Client Ethernet Address: "))) {
			client_mac(a, q + 25);
			return true;
		}
		/* (Your-IP and Server-ID (54) lines were taken above) */
		if ((q = strstr(p, "Vendor-Class (60)")) && (q = strchr(q, '"'))) {
			a->vclass_len =
			    log_field_set(a->vclass, sizeof(a->vclass), q + 1, quoted_len(q + 1));
			return true;
		}
		if ((q = strstr(p, "Client-Ethernet-Address "))) {
			client_mac(a, q + 24);
			return true;
		}
		if (strstr(p, "Vendor-Option (43)") || strstr(p, "Vendor-Option Option 43")) {
			/* tcpdump -v prints its length, not the bytes */
			a->h.log_partial = a->h.log_opt43 = true;
			return true;
		}
		if (((q = strstr(p, "TFTP (66)")) || (q = strstr(p, "TFTP Option 66")) ||
		     (q = strstr(p, "TFTP:\""))) &&
		    (q = strchr(q, '"'))) {
			a->opt66_len =
			    log_field_set(a->opt66, sizeof(a->opt66), q + 1, quoted_len(q + 1));
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
		if (!log_ip(&p, &tpa) || !log_ip_after(&p, " tell ", &spa))
			return false;
		if (!have_smac)
			log_mac_later(s, spa, smac);
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
	bool ip = log_word(&p, "IP ");
	if (*p == '(') { /* -v: the IP header, then the addresses here or on the next line */
		const char *e = strstr(p, ") ");
		if (!e || !strstr(e, " > "))
			return strncmp(p, "(tos", 4) == 0;
		p = e + 2;
		ip = true;
	}
	if (!ip && !(cont && addr_line))
		return false;
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
		const char *hp = strstr(p, "hops:");
		if (!hp)
			hp = strstr(p, "hops ");
		uint64_t hv;
		if (hp) {
			hp = log_skip_ws(hp + 5);
			if (log_uint(&hp, &hv) && hv < 256)
				a->h.hops = (uint8_t)hv;
		}
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
		if (!have_smac)
			log_mac_later(s, sip, smac);
		log_ev_rrq(s, smac, sip, dip, name);
		return true;
	}
	return strstr(p, "UDP, length") != NULL || strstr(p, "TFTP") != NULL;
}
