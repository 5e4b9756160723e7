/* log_event — the events of a log line, in the decoders' shape (capture/event.h), and the
 * small scanners every parser reads its message with. */
#include <stdlib.h>
#include <string.h>

#include "capture/dec.h"
#include "capture/log_int.h"
#include "core/base/util.h"

/* ---- events ---- */

struct pnb_event *log_ev(struct log_src *s, enum pnb_event_kind kind)
{
	if (s->nq == LOG_QMAX)
		return NULL;
	s->q_ip[s->nq] = s->defer_ip;
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

struct pnb_event *log_ev_at(struct log_src *s, enum pnb_event_kind kind, uint64_t frame,
			    struct timeval ts)
{
	struct pnb_event *ev = log_ev(s, kind);
	if (ev) {
		ev->frame = frame;
		ev->ts = ts;
	}
	return ev;
}

void log_ev_dhcp_flush(struct log_src *s)
{
	log_dnsmasq_req_flush(s); /* the request goes before the reply to it */
	log_ev_reply_flush(s);
}

void log_ev_reply_flush(struct log_src *s)
{
	struct log_dhcp_acc *a = &s->acc;
	if (!a->open)
		return;
	a->open = false;
	struct pnb_event *ev = log_ev_at(s, EV_DHCP, a->frame, a->ts);
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
		/* PXE sub-options, or a raw string (ISC dhcpd's option 43 "Raspberry Pi Boot   ")? */
		size_t i = 0;
		while (i + 1 < a->opt43_len && a->opt43[i] != 255 && a->opt43[i] != 0)
			i += 2u + a->opt43[i + 1];
		h->pxe_valid = !a->opt43_cut && (i == a->opt43_len ||
						 (i < a->opt43_len && a->opt43[i] == 255));
	}
	if (a->opt66_len)
		h->tftp_server = log_keep(s, a->opt66, a->opt66_len);
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
	if (a->menu_len)
		h->log_opt43 = false; /* shown in full */
	if (h->log_opt43)
		h->pxe_valid = true; /* dnsmasq's PXE replies carry PXE sub-options */
	if (a->detail) {
		/* tshark -V: the options the decoder would have read, decoded the same way */
		if (a->guid_len)
			h->client_guid = log_keep(s, a->guid, a->guid_len);
		if (a->n_params)
			h->param_list = log_keep(s, a->params, a->n_params);
		if (a->bootfile[0])
			h->bootfile = log_keep(s, a->bootfile, strlen(a->bootfile));
		h->has_pxe_menu = false;
		h->pxe_menu_text = (struct pnb_bytes){NULL, 0};
		if (h->vendor_opts.len && h->vendor_class.len >= 9 &&
		    !memcmp(h->vendor_class.p, "PXEClient", 9))
			dhcp_pxe_decode(h);
		dhcp_pi_guid_decode(h);
	}
	if (h->op == 2 && h->yiaddr)
		log_ip_learn(s->set, h->yiaddr, h->chaddr);
	if (h->op == 1 && a->src_ip && a->src_ip != 0xffffffffu)
		log_ip_learn(s->set, a->src_ip, h->chaddr); /* a client that has its address */
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

uint32_t *log_dhcp_addr(struct ev_dhcp *h, unsigned code)
{
	switch (code) {
	case 50: return &h->requested_ip;
	case 54: return &h->server_id;
	case 1: return &h->subnet_mask;
	case 3: return &h->router;
	default: return NULL;
	}
}

const char *log_after(const char *hay, const char *marker)
{
	const char *m = strstr(hay, marker);
	return m ? m + strlen(marker) : NULL;
}

/* Finds marker in *p and reads the dotted quad after it (blanks skipped); *p moves past it. */
bool log_ip_after(const char **p, const char *marker, uint32_t *ip)
{
	const char *q = log_after(*p, marker);
	if (!q)
		return false;
	q = log_skip_ws(q);
	if (!log_ip(&q, ip))
		return false;
	*p = q;
	return true;
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

uint8_t log_field_set(uint8_t *field, size_t cap, const char *text, size_t n)
{
	if (n > cap)
		n = cap;
	memcpy(field, text, n);
	return (uint8_t)n;
}
