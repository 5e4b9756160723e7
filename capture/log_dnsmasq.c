/* log_dnsmasq — dnsmasq's DHCP and TFTP messages (dnsmasq, dnsmasq-dhcp, dnsmasq-tftp tags).
 *   DHCPDISCOVER(eth0) [IP] MAC [text]      a request; OFFER/ACK/NAK name IP then MAC
 *   PXE(eth0) [IP] MAC proxy|FILE           a proxy (or port 4011) boot reply to a DISCOVER
 * With log-dhcp every line of a transaction starts with its xid and the reply's options are
 * dumped one per line ("sent size: 35 option: 43 vendor-encap  06:01:03:…") — shortened to
 * the first bytes with "..." — after the client's ("vendor class: PXEClient…", "client provides
 * name: …" before the request's line, "requested options: 1:netmask, …" after the reply's): a
 * request is held until those end (struct log_dhcp_req). TFTP:
 *   sent PATH to IP | file PATH not found [for IP] | error N TEXT received from IP |
 *   failed sending PATH to IP | cannot access PATH: REASON | TFTP root is PATH */
#include <stdlib.h>
#include <string.h>

#include "capture/log_int.h"
#include "core/base/deadline.h"
#include "core/base/util.h"

/* The DHCP message names after "DHCP" (compared once), and their types. */
static const struct {
	const char *name;
	uint8_t type;
} msgs[] = {{"DISCOVER", 1}, {"OFFER", 2}, {"REQUEST", 3}, {"DECLINE", 4},
	    {"ACK", 5},      {"NAK", 6},   {"RELEASE", 7}, {"INFORM", 8}};

/* "aa:bb:cc..." → bytes; cut set when dnsmasq shortened it. Returns the count. */
static size_t hexbytes(const char *p, uint8_t *out, size_t n, bool *cut)
{
	size_t k = 0;
	*cut = false;
	while (*p && k < n) {
		int a = -1, b = -1;
		char c0 = p[0], c1 = p[1];
		if (c0 >= '0' && c0 <= '9')
			a = c0 - '0';
		else if (c0 >= 'a' && c0 <= 'f')
			a = c0 - 'a' + 10;
		if (c1 >= '0' && c1 <= '9')
			b = c1 - '0';
		else if (c1 >= 'a' && c1 <= 'f')
			b = c1 - 'a' + 10;
		if (a < 0 || b < 0)
			break;
		out[k++] = (uint8_t)(a << 4 | b);
		p += 2;
		if (*p == ':')
			p++;
		else
			break;
	}
	if (strncmp(p, "...", 3) == 0)
		*cut = true;
	return k;
}

void log_dnsmasq_req_flush(struct log_src *s)
{
	struct log_dhcp_req *r = &s->req;
	if (!r->open)
		return;
	r->open = false;
	struct pnb_event *ev = log_ev_dhcp(s, r->type, r->mac, 0, 0);
	if (!ev)
		return;
	ev->frame = r->frame; /* the request line's, as log_ev_at stamps */
	ev->ts = r->ts;
	struct ev_dhcp *h = &ev->u.dhcp;
	h->xid = r->xid;
	h->requested_ip = r->ip;
	/* log-dhcp names the vendor class whenever one was sent: none shown is none sent */
	if (r->vclass_len)
		h->vendor_class = log_keep(s, r->vclass, r->vclass_len);
	if (r->host_len) {
		h->opts[h->n_opts_stored].code = 12;
		h->opts[h->n_opts_stored++].val = log_keep(s, r->host, r->host_len);
		h->n_options++;
	}
	if (r->n_params) {
		h->param_list = log_keep(s, r->params, r->n_params);
		h->opts[h->n_opts_stored].code = 55;
		h->opts[h->n_opts_stored++].val = h->param_list;
		h->n_options++;
	}
	/* The client identifier (61) and maximum message size (57) are never logged. */
	h->log_partial = true;
}

/* "requested options: 1:netmask, 121:classless-static-route, 3:router, " — one of the lines the
 * parameter list is split over; codes without a name in dnsmasq's table come bare ("249, "). */
static void req_params(struct log_dhcp_req *r, const char *p)
{
	while (*p && r->n_params < sizeof(r->params)) {
		while (*p == ' ' || *p == ',')
			p++;
		uint64_t code;
		if (!log_uint(&p, &code) || code > 255)
			return;
		r->params[r->n_params++] = (uint8_t)code;
		while (*p && *p != ',')
			p++; /* ":name" */
	}
}

/* A request line with log-dhcp: held until the reply's dump (if any) shows the parameter list
 * (struct log_dhcp_req), with the client's facts logged before it. */
static void hold_request(struct log_src *s, uint8_t type, const uint8_t mac[6], uint32_t ip,
			 uint32_t xid)
{
	struct log_dhcp_req *r = &s->req;
	memset(r, 0, sizeof(*r));
	r->open = true;
	r->frame = s->frame;
	r->ts = s->ts;
	r->xid = xid;
	r->ip = ip;
	r->type = type;
	memcpy(r->mac, mac, 6);
	if (s->client_xid == xid && s->client_vclass_len) {
		memcpy(r->vclass, s->client_vclass, s->client_vclass_len);
		r->vclass_len = s->client_vclass_len;
	}
	if (s->host_xid == xid && s->client_host_len) {
		memcpy(r->host, s->client_host, s->client_host_len);
		r->host_len = s->client_host_len;
	}
	s->client_host_len = 0; /* each message logs its own */
	s->held_ms = deadline_now_ms();
}

static void open_reply(struct log_src *s, uint8_t type, const uint8_t mac[6], uint32_t yiaddr,
		       uint32_t xid, bool dump)
{
	struct log_dhcp_req *r = &s->req;
	if (dump && r->open && r->xid == xid && !memcmp(r->mac, mac, 6)) {
		log_ev_reply_flush(s); /* the request stays held for the lines after this one */
		r->replied = true;
	} else {
		log_ev_dhcp_flush(s);
	}
	struct log_dhcp_acc *a = &s->acc;
	memset(a, 0, sizeof(*a));
	a->open = true;
	a->frame = s->frame;
	a->ts = s->ts;
	a->xid = xid;
	a->h.msg_type = type;
	a->h.xid = xid;
	a->h.yiaddr = yiaddr;
	memcpy(a->h.chaddr, mac, 6);
	memcpy(a->dst_mac, mac, 6);
	a->dst_ip = yiaddr ? yiaddr : 0xffffffffu;
	/* Without log-dhcp no option is shown: say the options are unknown, not absent. */
	a->h.log_partial = !dump;
}

/* One "sent size: N option: K name  value" line into the open reply. */
static void reply_option(struct log_src *s, const char *p)
{
	struct log_dhcp_acc *a = &s->acc;
	uint64_t size, code;
	p = log_skip_ws(p);
	if (!log_uint(&p, &size) || !log_word(&p, " option: "))
		return;
	p = log_skip_ws(p);
	if (!log_uint(&p, &code) || code > 255)
		return;
	p = log_skip_ws(p);
	while (*p && *p != ' ')
		p++; /* the option's name */
	p = log_skip_ws(p);
	const char *q = p;
	uint32_t *addr = log_dhcp_addr(&a->h, (unsigned)code);
	if (addr && log_ip(&q, addr) && code == 54)
		a->src_ip = *addr; /* the reply leaves from the server it names */
	bool cut;
	switch (code) {
	case 43:
		a->opt43_len = (uint8_t)hexbytes(p, a->opt43, sizeof(a->opt43), &cut);
		if (cut || a->opt43_len < size) {
			a->opt43_cut = 1;
			a->h.log_opt43 = true;
			/* The PXE sub-options as far as shown: sub-option 9 is type(2), text
			 * length, text; its length byte is often among the first 14 shown. */
			for (size_t i = 0; i + 1 < a->opt43_len;) {
				uint8_t c = a->opt43[i], n = a->opt43[i + 1];
				if (c == 255 || c == 0)
					break;
				if (c == 9 && n >= 3)
					a->h.log_menu_len = (uint8_t)(n - 3);
				i += 2u + n;
			}
		}
		break;
	case 60:
		a->vclass_len = (uint8_t)hexbytes(p, a->vclass, sizeof(a->vclass), &cut);
		break;
	default:
		break;
	}
	a->h.n_options++;
}

/* The n bytes at p (no NUL among them) as a string in out[size], cut to fit: what
 * snprintf "%.*s" does, without formatting on every TFTP line. */
static void copy_cut(char *out, size_t size, const char *p, size_t n)
{
	if (n >= size)
		n = size - 1;
	memcpy(out, p, n);
	out[n] = '\0';
}

static bool tftp_line(struct log_src *s, const char *p)
{
	char path[512];
	uint32_t ip = 0;
	uint8_t mac[6];
	const char *rel;
	uint64_t code;
	if (log_word(&p, "TFTP root is ")) {
		if (!s->set->tftp_root) {
			log_token(&p, path, sizeof(path), NULL);
			s->set->tftp_root = xstrdup(path);
			s->set->root_len = strlen(path);
		}
		return true;
	}
	if (log_word(&p, "error ")) {
		/* The client's ERROR (a Pi's "Early terminate" after the tsize probe): its file is
		 * on the "sent"/"failed sending" line that follows. */
		if (!log_uint(&p, &code))
			return false;
		const char *from = strstr(p, " received from ");
		if (!from)
			return false;
		const char *q = from + 15;
		if (!log_ip(&q, &ip))
			return false;
		size_t n = (size_t)(from - p);
		while (n && *p == ' ')
			p++, n--;
		copy_cut(s->err_msg, sizeof(s->err_msg), p, n);
		s->err_ip = ip;
		s->err_code = (uint16_t)code;
		return true;
	}
	bool sent = log_word(&p, "sent "), failed = !sent && log_word(&p, "failed sending ");
	if (sent || failed) {
		const char *to = strstr(p, " to ");
		if (!to)
			return false;
		const char *q = to + 4;
		if (!log_ip(&q, &ip) || (size_t)(to - p) >= sizeof(path))
			return false;
		copy_cut(path, sizeof(path), p, (size_t)(to - p));
		rel = log_tftp_rel(s->set, path);
		log_mac_later(s, ip, mac);
		bool client_err = s->err_ip == ip;
		if (sent)
			log_kernel_sent(s->set, mac, rel);
		log_ev_rrq(s, mac, ip, 0, rel);
		if (client_err) {
			log_ev_xfer(s, mac, ip, 0, rel, XFER_ABORTED, s->err_code, s->err_msg, true,
				    0);
			/* dnsmasq logs a transfer only when it ends. A Pi breaks off its tsize
			 * probe at once; one broken off long after the client's previous file
			 * was a transfer under way (TFTP_FILE_TIMEOUT): the time between is the
			 * longest it can have run, and it had sent more than one block. */
			double since =
			    s->prev_tftp_ip == ip ? pnb_tv_sub(s->ts, s->prev_tftp_ts) : 0;
			struct pnb_event *x = &s->q[s->nq - 1];
			if (since >= 5 && x->kind == EV_TFTP_XFER) {
				x->u.xfer.probe = false;
				x->u.xfer.duration = since;
				x->u.xfer.blocks = 2;
			}
		}
		else
			log_ev_xfer(s, mac, ip, 0, rel, sent ? XFER_COMPLETE : XFER_TIMEOUT, 0, NULL,
				    false, 0);
		s->err_ip = 0;
		s->pi_ip = ip;
		s->prev_tftp_ip = ip;
		s->prev_tftp_ts = s->ts;
		return true;
	}
	if (log_word(&p, "file ")) {
		const char *nf = strstr(p, " not found");
		if (!nf || (size_t)(nf - p) >= sizeof(path))
			return false;
		copy_cut(path, sizeof(path), p, (size_t)(nf - p));
		const char *q = nf + 10;
		if (log_word(&q, " for ") && !log_ip(&q, &ip))
			return false;
		if (!ip)
			ip = s->pi_ip; /* dnsmasq before 2.86 did not name the client */
		rel = log_tftp_rel(s->set, path);
		if (!ip)
			return true;
		log_mac_later(s, ip, mac);
		s->pi_ip = ip;
		s->prev_tftp_ip = ip;
		s->prev_tftp_ts = s->ts;
		log_ev_rrq(s, mac, ip, 0, rel);
		log_ev_xfer(s, mac, ip, 0, rel, XFER_ERROR, 1, "File not found", false, 0);
		return true;
	}
	if (log_word(&p, "cannot access ") || log_word(&p, "cannot read ")) {
		const char *c = strstr(p, ": ");
		if (!c || (size_t)(c - p) >= sizeof(path) || !s->pi_ip)
			return c != NULL;
		log_mac_later(s, s->pi_ip, mac);
		copy_cut(path, sizeof(path), p, (size_t)(c - p));
		rel = log_tftp_rel(s->set, path);
		log_ev_rrq(s, mac, s->pi_ip, 0, rel);
		log_ev_xfer(s, mac, s->pi_ip, 0, rel, XFER_ERROR, 2, c + 2, false, 0);
		return true;
	}
	return false;
}

/* "DHCPxxx(iface) [IP] MAC …" or "PXE(iface) …". */
static bool message_line(struct log_src *s, const char *p, uint32_t xid, bool dump)
{
	int type = -1;
	bool pxe = false;
	if (log_word(&p, "DHCP")) {
		for (size_t i = 0; type < 0 && i < PNB_ARRAY_LEN(msgs); i++)
			if (log_word(&p, msgs[i].name))
				type = msgs[i].type;
		if (type < 0)
			return false;
	} else if (log_word(&p, "BOOTP")) {
		type = 0;
	} else if (log_word(&p, "PXE")) {
		pxe = true;
	} else {
		return false;
	}
	if (*p == '(') {
		const char *e = strchr(p, ')');
		if (!e)
			return false;
		p = e + 1;
	}
	p = log_skip_ws(p);
	uint32_t ip = 0;
	uint8_t mac[6];
	const char *q = p;
	if (log_ip(&q, &ip))
		p = log_skip_ws(q);
	if (!log_mac(&p, mac)) {
		/* "DHCPINFORM(eth0) 10.0.0.5 01:..." client-id forms and "no address" lines
		 * without a MAC: understood, nothing to say per Pi. */
		return true;
	}
	p = log_skip_ws(p);
	if (pxe) {
		/* dnsmasq answers a PXE DISCOVER (proxy on 67, or the boot server on 4011). */
		struct pnb_event *ev;
		log_ev_dhcp_flush(s);
		if ((ev = log_ev_dhcp(s, ip ? 3 : 1, mac, 0, 0))) {
			ev->u.dhcp.xid = xid;
			ev->u.dhcp.requested_ip = ip;
			ev->u.dhcp.vendor_class = log_keep(s, "PXEClient", 9);
			if (s->client_xid == xid && s->client_vclass_len)
				ev->u.dhcp.vendor_class =
				    log_keep(s, s->client_vclass, s->client_vclass_len);
			ev->u.dhcp.log_partial = true;
		}
		open_reply(s, ip ? 5 : 2, mac, ip, xid, dump);
		s->acc.h.siaddr = 0;
		s->acc.h.log_opt43 = true; /* dnsmasq answers PXE only with its PXE menu */
		s->acc.h.log_partial = true;
		memcpy(s->set->last_boot_mac, mac, 6);
		s->set->has_last_boot = true;
		if (ip)
			log_ip_learn(s->set, ip, mac);
		return true;
	}
	if (type == 1 || type == 3 || type == 4 || type == 7 || type == 8 || type == 0) {
		log_ev_dhcp_flush(s);
		if (dump) {
			hold_request(s, (uint8_t)type, mac, ip, xid);
		} else {
			/* "DHCPDISCOVER(eth0) MAC ignored" / "no address available": no reply
			 * follows. */
			struct pnb_event *ev = log_ev_dhcp(s, (uint8_t)type, mac, 0, 0);
			if (ev) {
				ev->u.dhcp.xid = xid;
				ev->u.dhcp.requested_ip = ip;
				if (type == 3 || type == 8)
					ev->u.dhcp.ciaddr = 0;
				log_guess_class(s, &ev->u.dhcp);
				ev->u.dhcp.log_partial = true;
			}
		}
		if (ip && (type == 3 || type == 8))
			log_ip_learn(s->set, ip, mac);
		return true;
	}
	open_reply(s, (uint8_t)type, mac, ip, xid, dump);
	if (!dump && (type == 2 || type == 5))
		log_note_undumped(s);
	if (ip)
		log_ip_learn(s->set, ip, mac);
	return true;
}

/* dnsmasq's DNS lines, most of a busy journal: nothing about a boot. */
static bool dns_line(const char *p)
{
	const char *q = p;
	switch (p[0]) {
	case 'q': return log_word(&q, "query[");
	case 'f': return log_word(&q, "forwarded ");
	case 'r': return log_word(&q, "reply ");
	case 'c': return log_word(&q, "cached ") || log_word(&q, "config ");
	default: return false;
	}
}

bool log_parse_dnsmasq(struct log_src *s, struct log_line *l)
{
	const char *p = l->msg;
	if (l->prog[0] && dns_line(p))
		return false;
	/* prog is a zero-filled char[32]: fixed-size compares (the second with its NUL) */
	bool tftp = memcmp(l->prog, "dnsmasq-tftp", 12) == 0;
	if (tftp || !l->prog[0] || memcmp(l->prog, "dnsmasq", 8) == 0) {
		const char *q = p;
		if (tftp)
			log_ev_dhcp_flush(s); /* the reply went out before this file was asked for */
		if (tftp_line(s, q))
			return true;
		if (tftp)
			return false;
	}
	/* log-dhcp: "<xid> …" */
	uint64_t xid64 = 0;
	const char *q = p;
	bool dump = false;
	if (log_uint(&q, &xid64) && *q == ' ' && xid64 <= 0xffffffffu) {
		p = q + 1;
		dump = true;
	}
	uint32_t xid = (uint32_t)xid64;
	struct log_dhcp_req *r = &s->req;
	if (r->open && dump && r->xid == xid && r->replied && log_word(&p, "requested options: ")) {
		req_params(r, p);
		return true;
	}
	/* Any other line after the reply's, or of another transaction, ends the held request's
	 * dump. */
	if (r->open && (!dump || r->xid != xid || r->replied))
		log_dnsmasq_req_flush(s);
	struct log_dhcp_acc *a = &s->acc;
	bool same = a->open && dump && a->xid == xid;
	if (log_word(&p, "sent size:")) {
		if (!same)
			return true;
		if (!a->sent_seen)
			a->ts = s->ts;
		a->sent_seen = true;
		reply_option(s, p);
		return true;
	}
	if (log_word(&p, "broadcast response") || log_word(&p, "reply delay:")) {
		if (same) {
			a->ts = s->ts; /* the reply leaves now (after dhcp-reply-delay) */
			a->sent_seen = true;
		}
		return dump;
	}
	if (log_word(&p, "next server: ")) {
		uint32_t ip;
		if (same && log_ip(&p, &ip))
			a->h.siaddr = ip;
		return dump;
	}
	if (log_word(&p, "client provides name: ")) {
		/* before the request line of this xid: a new message of the client */
		log_ev_dhcp_flush(s);
		size_t n = strlen(p);
		while (n && p[n - 1] == ' ')
			n--;
		if (n > sizeof(s->client_host))
			n = sizeof(s->client_host);
		memcpy(s->client_host, p, n);
		s->client_host_len = (uint8_t)n;
		s->host_xid = xid;
		return dump;
	}
	if (log_word(&p, "available DHCP ") || log_word(&p, "user class: ")) {
		log_ev_dhcp_flush(s); /* the first lines of the client's next message */
		return dump;
	}
	if (log_word(&p, "tags: ") || log_word(&p, "bootfile name: ") ||
	    log_word(&p, "server name: ") || log_word(&p, "requested options: "))
		return dump;
	if (log_word(&p, "vendor class: ")) {
		log_ev_dhcp_flush(s);
		size_t n = strlen(p);
		if (n > sizeof(s->client_vclass))
			n = sizeof(s->client_vclass);
		memcpy(s->client_vclass, p, n);
		s->client_vclass_len = (uint8_t)n;
		s->client_xid = xid;
		return true;
	}
	if (message_line(s, p, xid, dump))
		return true;
	/* Startup and DNS lines of dnsmasq: not about a boot. */
	return false;
}
