/* log_tshark_v — tshark -V (and -O, and Wireshark's "export as plain text") packet detail,
 * as pasted into bug reports: a "Frame N:" block per packet, one protocol per unindented line,
 * its fields indented below:
 *     Frame 2: 310 bytes on wire (2480 bits), 310 bytes captured (2480 bits)
 *         Epoch Time: 1764000000.004500000 seconds
 *     Ethernet II, Src: RealtekU_ab:00:fe (52:54:00:ab:00:fe), Dst: Raspberr_1c:6a:2a (dc:…)
 *     Dynamic Host Configuration Protocol (Offer)
 *         Client MAC address: Raspberr_1c:6a:2a (dc:a6:32:1c:6a:2a)
 *         Option: (60) Vendor class identifier
 *             Vendor class identifier: PXEClient
 *         Option: (43) Vendor-Specific Information (PXEClient)
 *             Option 43 Suboption: (9) PXE boot menu
 *                 boot menu: 00001152617370626572727920506920426f6f74
 * Every field the diagnosis reads is shown, so a DHCP message is whole: option 43 is rebuilt
 * from its sub-options' values, option 97 from the UUID tshark prints. TFTP (Opcode, Source
 * File, Block, Data length, Error code), ARP, TCP flags, iSCSI (login stages, status, the
 * names, SCSI READ/WRITE), ONC RPC (portmap, MOUNT path and status, NFS status, version
 * mismatch) and spanning tree likewise. A frame ends at the next frame, the next summary line or
 * column header, or the end of the text (a blank line does not end it: the hex of a data block
 * follows one). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "capture/log_int.h"
#include "core/base/util.h"

enum {
	S_NONE,
	S_FRAME,
	S_ETH,
	S_IP,
	S_UDP,
	S_TCP,
	S_ARP,
	S_DHCP,
	S_TFTP,
	S_ISCSI,
	S_RPC,
	S_STP,
	S_OTHER
};

/* The text after "Name: " on a field line, or NULL. */
static const char *field(const char *p, const char *name)
{
	return log_word(&p, name) ? p : NULL;
}

/* tshark shows an address bare or after a resolved name, "NAME (ADDRESS)": where the
 * address in parentheses starts, or NULL. */
static const char *in_parens(const char *p)
{
	const char *q = strchr(p, '(');
	return q ? q + 1 : NULL;
}

/* "NAME (aa:bb:cc:dd:ee:ff)" or "aa:bb:cc:dd:ee:ff" */
static bool mac_in(const char *p, uint8_t mac[6])
{
	const char *q = p, *r = in_parens(p);
	return log_mac(&q, mac) || (r && log_mac(&r, mac));
}

/* "192.168.20.1" or "host (192.168.20.1)" */
static bool ip_in(const char *p, uint32_t *ip)
{
	const char *q = p, *r = in_parens(p);
	return log_ip(&q, ip) || (r && log_ip(&r, ip));
}

/* The number in the last "(…)" of a line: "DHCP: Offer (2)", "IA x86 PC (0)", "(0x0201)". */
static bool last_paren_num(const char *p, uint64_t *v)
{
	const char *o = strrchr(p, '(');
	if (!o)
		return false;
	o++;
	if (o[0] == '0' && o[1] == 'x') {
		char *e;
		unsigned long x = strtoul(o + 2, &e, 16);
		*v = x;
		return e != o + 2 && *e == ')';
	}
	return log_uint(&o, v) && *o == ')';
}

/* "67", or "bootps (67)" before Wireshark 2.0, up to the next comma. */
static void port_in(const char *p, uint16_t *port)
{
	char tok[48];
	size_t n = strcspn(p, ",");
	snprintf(tok, sizeof(tok), "%.*s", (int)(n < sizeof(tok) ? n : sizeof(tok) - 1), p);
	const char *q = strchr(tok, '(');
	q = q ? q + 1 : tok;
	uint64_t v;
	if (log_uint(&q, &v) && v < 65536)
		*port = (uint16_t)v;
}

static int hexval(char c)
{
	return c >= '0' && c <= '9'   ? c - '0'
	       : c >= 'a' && c <= 'f' ? c - 'a' + 10
	       : c >= 'A' && c <= 'F' ? c - 'A' + 10
				      : -1;
}

/* Hex digits (dashes and "0x" skipped) into out; returns the bytes read, stops at anything
 * else. */
static size_t hex_bytes(const char *p, uint8_t *out, size_t max)
{
	size_t n = 0;
	if (p[0] == '0' && p[1] == 'x')
		p += 2;
	while (n < max) {
		if (*p == '-') {
			p++;
			continue;
		}
		int a = hexval(p[0]), b = a >= 0 ? hexval(p[1]) : -1;
		if (b < 0)
			break;
		out[n++] = (uint8_t)(a << 4 | b);
		p += 2;
	}
	return n;
}

static void copy_text(char *out, size_t n, const char *p)
{
	snprintf(out, n, "%s", p);
}

static void pdu_flush(struct log_src *s, struct log_tshark *t)
{
	if (t->pdu_open)
		log_tshark_iscsi(s, &t->pkt, &t->pdu);
	t->pdu_open = false;
	if (t->rpc_open)
		log_tshark_rpc(s, &t->pkt, &t->rpc);
	t->rpc_open = false;
}

void log_tshark_v_end(struct log_src *s)
{
	struct log_tshark *t = s->tsk;
	if (!t || !t->in_frame)
		return;
	t->in_frame = false;
	pdu_flush(s, t);
	if (t->frame_dhcp)
		log_ev_dhcp_flush(s);
	t->frame_dhcp = false;
	log_tshark_packet(s, &t->pkt);
}

/* "Nov 24, 2025 16:00:00.004500000 UTC": tshark's local time unless it says UTC. */
static bool arrival(const char *p, struct timeval *tv)
{
	static const char mon[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	char m[4];
	int d, y, h, mi, sec, n = 0;
	if (sscanf(p, "%3s %d, %d %d:%d:%d%n", m, &d, &y, &h, &mi, &sec, &n) != 6)
		return false;
	const char *f = strstr(mon, m);
	if (!f || (f - mon) % 3 || y < 1970 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
		return false;
	int mo = (int)(f - mon) / 3 + 1;
	p += n;
	long us = log_frac_us(&p);
	if (!strncmp(p, " UTC", 4)) {
		struct tm tm = {.tm_year = y - 1900,
				.tm_mon = mo - 1,
				.tm_mday = d,
				.tm_hour = h,
				.tm_min = mi,
				.tm_sec = sec};
		tv->tv_sec = timegm(&tm);
	} else {
		tv->tv_sec = log_local_time(y, mo, d, h, mi, sec);
	}
	tv->tv_usec = us;
	return true;
}

static void frame_start(struct log_src *s, struct log_tshark *t, struct log_line *l)
{
	log_tshark_v_end(s);
	/* a summary line held under the column header: these are its details */
	t->have_held = false;
	memset(&t->pkt, 0, sizeof(t->pkt));
	t->pkt.frame = s->frame;
	t->pkt.ts = s->ts;
	t->pkt.data_len = -1;
	t->pkt.blksize = t->pkt.tsize = -1;
	t->in_frame = true;
	t->sect = S_FRAME;
	t->opt = t->sub = 0;
	(void)l;
}

static void set_time(struct log_src *s, struct log_tshark *t, struct log_line *l, struct timeval tv)
{
	t->pkt.ts = s->ts = l->ts = tv;
	l->has_ts = l->abs_ts = true;
	if (s->acc.open && t->frame_dhcp)
		s->acc.ts = tv;
}

static void dhcp_start(struct log_src *s, struct log_tshark *t)
{
	struct log_dhcp_acc *a = &s->acc;
	log_ev_dhcp_flush(s);
	memset(a, 0, sizeof(*a));
	a->open = a->detail = true;
	a->frame = t->pkt.frame;
	a->ts = t->pkt.ts;
	memcpy(a->src_mac, t->pkt.src_mac, 6);
	memcpy(a->dst_mac, t->pkt.dst_mac, 6);
	a->src_ip = t->pkt.src_ip;
	a->dst_ip = t->pkt.dst_ip;
	t->frame_dhcp = true;
	t->opt = t->sub = 0;
}

/* Option 43's sub-options: code, length, value bytes (the value line shows them in hex). */
static void sub_value(struct log_dhcp_acc *a, struct log_tshark *t, const char *v)
{
	uint8_t b[255];
	size_t n = hex_bytes(v, b, sizeof(b));
	if (t->sub_done || n != t->sub_len || (size_t)a->opt43_len + 2 + n > sizeof(a->opt43))
		return;
	a->opt43[a->opt43_len++] = t->sub;
	a->opt43[a->opt43_len++] = t->sub_len;
	memcpy(a->opt43 + a->opt43_len, b, n);
	a->opt43_len = (uint8_t)(a->opt43_len + n);
	t->sub_done = true;
}

static void dhcp_line(struct log_src *s, struct log_tshark *t, const char *p)
{
	struct log_dhcp_acc *a = &s->acc;
	struct ev_dhcp *h = &a->h;
	const char *v;
	uint64_t n;
	if ((v = field(p, "Message type: "))) {
		h->op = strstr(v, "Reply") ? 2 : 1;
		if (!h->msg_type)
			h->msg_type = h->op; /* plain BOOTP until option 53 says */
	} else if ((v = field(p, "Hops: "))) {
		if (log_uint(&v, &n) && n < 256)
			h->hops = (uint8_t)n;
	} else if ((v = field(p, "Transaction ID: 0x"))) {
		h->xid = (uint32_t)strtoul(v, NULL, 16);
	} else if ((v = field(p, "Seconds elapsed: "))) {
		if (log_uint(&v, &n) && n < 65536)
			h->secs = (uint16_t)n;
	} else if ((v = field(p, "Client IP address: "))) {
		ip_in(v, &h->ciaddr);
	} else if ((v = field(p, "Your (client) IP address: "))) {
		ip_in(v, &h->yiaddr);
	} else if ((v = field(p, "Next server IP address: "))) {
		ip_in(v, &h->siaddr);
	} else if ((v = field(p, "Relay agent IP address: "))) {
		ip_in(v, &h->giaddr);
	} else if ((v = field(p, "Client MAC address: "))) {
		mac_in(v, h->chaddr);
	} else if ((v = field(p, "Option: ("))) {
		if (log_uint(&v, &n) && n < 256 && *v == ')') {
			t->opt = (uint8_t)n;
			t->sub = 0;
			if (n != 255)
				h->n_options++;
		}
	} else if (t->opt == 53 && (v = field(p, "DHCP: "))) {
		if (last_paren_num(v, &n) && n < 256)
			h->msg_type = (uint8_t)n;
	} else if (t->opt == 54 && (v = field(p, "DHCP Server Identifier: "))) {
		ip_in(v, &h->server_id);
	} else if (t->opt == 50 && (v = field(p, "Requested IP Address: "))) {
		ip_in(v, &h->requested_ip);
	} else if (t->opt == 1 && (v = field(p, "Subnet Mask: "))) {
		ip_in(v, &h->subnet_mask);
	} else if (t->opt == 3 && (v = field(p, "Router: "))) {
		if (!h->router)
			ip_in(v, &h->router);
	} else if (t->opt == 60 && (v = field(p, "Vendor class identifier: "))) {
		a->vclass_len = log_field_set(a->vclass, sizeof(a->vclass), v, strlen(v));
	} else if (t->opt == 66 && (v = field(p, "TFTP Server Name: "))) {
		a->opt66_len = log_field_set(a->opt66, sizeof(a->opt66), v, strlen(v));
	} else if (t->opt == 67 && (v = field(p, "Bootfile name: "))) {
		copy_text(a->bootfile, sizeof(a->bootfile), v);
	} else if (t->opt == 93 && (v = field(p, "Client System Architecture: "))) {
		if (last_paren_num(v, &n) && n < 65536) {
			h->has_arch = true;
			h->client_arch = (uint16_t)n;
		}
	} else if (t->opt == 55 && (v = field(p, "Parameter Request List Item: ("))) {
		if (log_uint(&v, &n) && n < 256 && a->n_params < sizeof(a->params))
			a->params[a->n_params++] = (uint8_t)n;
	} else if (t->opt == 97 && (v = field(p, "Client Identifier (UUID): "))) {
		/* tshark prints the GUID's first three fields little-endian (as a GUID is stored
		   on the wire by PXE clients): undo that to get the bytes sent */
		uint8_t u[16];
		if (hex_bytes(v, u, 16) == 16) {
			static const uint8_t order[16] = {3, 2, 1,  0,	5,  4,	7,  6,
							  8, 9, 10, 11, 12, 13, 14, 15};
			a->guid[0] = 0;
			for (int i = 0; i < 16; i++)
				a->guid[1 + i] = u[order[i]];
			a->guid_len = 17;
		}
	} else if (t->opt == 43 && (v = field(p, "Option 43 Suboption: ("))) {
		if (log_uint(&v, &n) && n < 255) {
			t->sub = (uint8_t)n;
			t->sub_len = 0;
			t->sub_done = false;
		}
	} else if (t->opt == 43 && t->sub && (v = field(p, "Length: "))) {
		if (log_uint(&v, &n) && n < 256)
			t->sub_len = (uint8_t)n;
	} else if (t->opt == 43 && field(p, "PXE Client End: ")) {
		if (a->opt43_len < sizeof(a->opt43))
			a->opt43[a->opt43_len++] = 255;
		t->sub = 0;
	} else if (t->opt == 43 && !t->sub && (v = field(p, "Value: "))) {
		a->opt43_len = (uint8_t)hex_bytes(v, a->opt43, sizeof(a->opt43));
	} else if (t->opt == 43 && t->sub && (v = strstr(p, ": "))) {
		sub_value(a, t, v + 2); /* "boot menu: 0000…", "discovery control: 0x03, …" */
	}
}

static void tftp_line(struct log_tshark *t, const char *p)
{
	struct log_tpkt *k = &t->pkt;
	const char *v;
	uint64_t n;
	if ((v = field(p, "Opcode: "))) {
		if (last_paren_num(v, &n) && n >= 1 && n <= 6)
			k->opcode = (uint16_t)n;
	} else if ((v = field(p, "Source File: "))) {
		if (k->opcode == TFTP_RRQ)
			copy_text(k->file, sizeof(k->file), v);
	} else if ((v = field(p, "Block: "))) {
		if (log_uint(&v, &n) && n < 65536)
			k->block = (uint16_t)n;
	} else if ((v = field(p, "Error code: "))) {
		if (last_paren_num(v, &n) && n < 65536)
			k->code = (uint16_t)n;
	} else if ((v = field(p, "Error message: "))) {
		copy_text(k->msg, sizeof(k->msg), v);
	} else if ((v = field(p, "Option: tsize = "))) {
		if (log_uint(&v, &n) && n < ((uint64_t)1 << 40))
			k->tsize = (int64_t)n;
	} else if ((v = field(p, "Option: blksize = "))) {
		if (log_uint(&v, &n) && n < 65536)
			k->blksize = (int32_t)n;
	}
}

static void rpc_line(struct log_tshark *t, const char *p)
{
	struct log_trpc *r = &t->rpc;
	struct ev_rpc *e = &r->e;
	const char *v;
	uint64_t n;
	if (*p == '[') /* a reply shows its call's program, version and procedure in brackets */
		p++;
	if ((v = field(p, "Message Type: "))) {
		e->reply = strncmp(v, "Reply", 5) == 0;
	} else if ((v = field(p, "Program: "))) {
		if (last_paren_num(v, &n) && n < 0xffffffffu)
			e->prog = (uint32_t)n;
	} else if ((v = field(p, "Program Version: "))) {
		if (!e->vers && log_uint(&v, &n) && n < 0xffffffffu)
			e->vers = (uint32_t)n;
	} else if ((v = field(p, "Procedure: "))) {
		if (last_paren_num(v, &n) && n < 0xffffffffu)
			e->proc = (uint32_t)n;
	} else if ((v = field(p, "Reply State: "))) {
		if (last_paren_num(v, &n) && n < 0xffffffffu)
			e->reply_stat = (uint32_t)n;
	} else if ((v = field(p, "Accept State: "))) {
		if (last_paren_num(v, &n) && n < 0xffffffffu)
			e->accept_stat = (uint32_t)n;
	} else if ((v = field(p, "Program Version (Minimum): "))) {
		if (log_uint(&v, &n) && n < 0xffffffffu)
			e->low_vers = (uint32_t)n;
	} else if ((v = field(p, "Program Version (Maximum): "))) {
		if (log_uint(&v, &n) && n < 0xffffffffu)
			e->high_vers = (uint32_t)n;
	} else if ((v = field(p, "Status: "))) {
		if (last_paren_num(v, &n) && n < 0xffffffffu) {
			e->status = (uint32_t)n;
			e->has_status = true;
		}
	} else if ((v = field(p, "Path: "))) {
		copy_text(r->path, sizeof(r->path), v);
	}
}

static void stp_line(struct log_tshark *t, const char *p)
{
	const char *v;
	uint64_t n;
	if ((v = field(p, "Protocol Version Identifier: "))) {
		if (last_paren_num(v, &n) && n < 256)
			t->pkt.stp_version = (uint8_t)n;
	} else if ((v = field(p, "BPDU Type: "))) {
		if (last_paren_num(v, &n) && n < 256)
			t->pkt.bpdu_type = (uint8_t)n;
	} else if ((v = field(p, "BPDU flags: 0x"))) {
		t->pkt.bpdu_flags = (uint8_t)strtoul(v, NULL, 16);
	} else if ((v = field(p, "Forward Delay: "))) {
		if (log_uint(&v, &n) && n < 65536)
			t->pkt.forward_delay = (uint16_t)n;
	}
}

static void iscsi_line(struct log_tshark *t, const char *p)
{
	struct log_tpdu *u = &t->pdu;
	const char *v;
	uint64_t n;
	const char *eq = strstr(p, " = ");
	if (eq) /* "..10 0011 = Opcode: Login Response (0x23)": the name after the bits */
		p = eq + 3;
	if ((v = field(p, "Opcode: "))) {
		if (last_paren_num(v, &n) && n < 256) {
			if (u->op == 0x01 && n != 0x01)
				u->cdb = (uint8_t)n; /* the CDB's opcode, below the PDU's */
			else if (!u->op)
				u->op = (uint8_t)n;
		}
	} else if ((v = field(p, "T: "))) {
		u->transit = strncmp(v, "Transit", 7) == 0;
	} else if ((v = field(p, "CSG: "))) {
		if (last_paren_num(v, &n) && n < 4)
			u->csg = (uint8_t)n;
	} else if ((v = field(p, "NSG: "))) {
		if (last_paren_num(v, &n) && n < 4)
			u->nsg = (uint8_t)n;
	} else if ((v = field(p, "Status: "))) {
		if (u->op == 0x23 && last_paren_num(v, &n) && n < 65536) {
			u->status = (uint16_t)n;
			u->has_status = true;
		}
	} else if ((v = field(p, "[LUN: 0x"))) {
		u->lun = (uint64_t)strtoul(v, NULL, 16) << 48;
	} else if ((v = field(p, "KeyValue: "))) {
		const char *x;
		if ((x = field(v, "InitiatorName=")))
			copy_text(u->ini, sizeof(u->ini), x);
		else if ((x = field(v, "TargetName=")))
			copy_text(u->tgt, sizeof(u->tgt), x);
		else if ((x = field(v, "AuthMethod=")))
			copy_text(u->auth, sizeof(u->auth), x);
		else if ((x = field(v, "SessionType=")))
			copy_text(u->stype, sizeof(u->stype), x);
	}
}

/* A protocol's own line (unindented): which section the indented lines after it are in. */
static void section(struct log_src *s, struct log_tshark *t, const char *p)
{
	struct log_tpkt *k = &t->pkt;
	const char *v;
	if ((v = field(p, "Ethernet II, Src: "))) {
		t->sect = S_ETH;
		mac_in(v, k->src_mac);
		const char *d = strstr(v, ", Dst: ");
		if (d)
			mac_in(d + 7, k->dst_mac);
	} else if ((v = field(p, "Internet Protocol Version 4, Src: "))) {
		t->sect = S_IP;
		ip_in(v, &k->src_ip);
		const char *d = strstr(v, ", Dst: ");
		if (d)
			ip_in(d + 7, &k->dst_ip);
	} else if ((v = field(p, "User Datagram Protocol, Src Port: ")) ||
		   (v = field(p, "Transmission Control Protocol, Src Port: "))) {
		t->sect = p[0] == 'U' ? S_UDP : S_TCP;
		port_in(v, &k->sport);
		const char *d = strstr(v, "Dst Port: ");
		if (d)
			port_in(d + 10, &k->dport);
		if (t->sect == S_TCP) {
			uint64_t n;
			k->proto = TP_TCP;
			const char *sq = strstr(v, "Seq: ");
			if (sq && (sq += 5, log_uint(&sq, &n)))
				k->seq = (uint32_t)n;
		}
	} else if (!strncmp(p, "Address Resolution Protocol", 27)) {
		t->sect = S_ARP;
		k->proto = TP_ARP;
	} else if (!strncmp(p, "Dynamic Host Configuration Protocol", 35) ||
		   !strncmp(p, "Bootstrap Protocol", 18)) {
		t->sect = S_DHCP;
		dhcp_start(s, t);
	} else if (!strncmp(p, "Trivial File Transfer Protocol", 30)) {
		t->sect = S_TFTP;
		k->proto = TP_TFTP;
	} else if (!strncmp(p, "iSCSI (", 7)) {
		pdu_flush(s, t);
		memset(&t->pdu, 0, sizeof(t->pdu));
		t->pdu_open = true;
		t->sect = S_ISCSI;
	} else if ((v = field(p, "Remote Procedure Call"))) {
		pdu_flush(s, t);
		memset(&t->rpc, 0, sizeof(t->rpc));
		t->rpc_open = true;
		t->sect = S_RPC;
		const char *x = strstr(v, "XID:0x");
		if (x)
			t->rpc.e.xid = (uint32_t)strtoul(x + 6, NULL, 16);
	} else if (t->rpc_open &&
		   (!strncmp(p, "Mount Service", 13) || !strncmp(p, "Network File System", 19))) {
		t->sect = S_RPC; /* the program's own fields, same message */
	} else if (!strncmp(p, "Spanning Tree Protocol", 22)) {
		t->sect = S_STP;
		k->proto = TP_STP;
	} else if (!strncmp(p, "SCSI CDB ", 9) && t->sect == S_ISCSI) {
		/* the command's CDB, still the same PDU */
	} else if ((v = field(p, "Data (")) && t->sect == S_TFTP) {
		uint64_t n;
		if (log_uint(&v, &n) && n < 65536)
			k->data_len = (int32_t)n;
	} else if (strchr(p, ' ') && !strstr(p, ": ")) {
		t->sect = S_OTHER; /* a protocol this reader skips */
	}
}

bool log_parse_tshark_v(struct log_src *s, struct log_line *l)
{
	const char *p = l->msg;
	struct log_tshark *t = s->tsk;
	if (p[0] == 'F' && !strncmp(p, "Frame ", 6) && p[6] >= '0' && p[6] <= '9' &&
	    strstr(p, " bytes on wire")) {
		t = log_tshark_state(s);
		frame_start(s, t, l);
		return true;
	}
	if (!t)
		return false;
	if (!t->in_frame) {
		if (!p[strspn(p, " \t")])
			return true; /* tshark's layout: blank lines between its parts */
		if (t->have_held) {
			/* the summary under the header had no details after it: it is the packet */
			t->have_held = false;
			log_tshark_packet(s, &t->held);
			for (unsigned i = 0; i < t->n_held_pdu; i++)
				log_tshark_iscsi(s, &t->held, &t->held_pdu[i]);
			return false; /* and the line is read as what it is */
		}
		return false;
	}
	if (!p[strspn(p, " \t")]) {
		/* not the end: -V shows a data block's hex after a blank line, -x every frame's */
		t->blank = true;
		return true;
	}
	bool blank = t->blank;
	t->blank = false;
	if (blank && log_word(&p, "No.")) {
		/* Wireshark's "export as plain text": the next packet's column header */
		log_tshark_v_end(s);
		return false;
	}
	if (blank && (p[0] == ' ' || p[0] == '\t') && p[strspn(p, " \t")] >= '0' &&
	    p[strspn(p, " \t")] <= '9') {
		/* a summary line after the frame (-P, or an export of both) */
		log_tshark_v_end(s);
		return false;
	}
	if (p[0] != ' ' && p[0] != '\t') {
		section(s, t, p);
		return true;
	}
	p = log_skip_ws(p);
	const char *v;
	struct timeval tv;
	switch (t->sect) {
	case S_FRAME:
		if ((v = field(p, "Epoch Time: ")) || (v = field(p, "Epoch Arrival Time: "))) {
			uint64_t sec;
			if (log_uint(&v, &sec) && sec < ((uint64_t)1 << 40)) {
				tv.tv_sec = (time_t)sec;
				tv.tv_usec = log_frac_us(&v);
				set_time(s, t, l, tv);
			}
		} else if ((v = field(p, "Arrival Time: ")) && arrival(v, &tv)) {
			set_time(s, t, l, tv);
		} else if ((v = field(p, "Frame Length: "))) {
			uint64_t n;
			if (log_uint(&v, &n) && n < 65536)
				t->pkt.len = (uint32_t)n;
		}
		break;
	case S_TCP:
		if ((v = field(p, "Flags: 0x"))) {
			unsigned long f = strtoul(v, NULL, 16);
			t->pkt.fin = f & 1;
			t->pkt.syn = f & 2;
			t->pkt.rst = f & 4;
			t->pkt.ack = f & 16;
		}
		break;
	case S_ARP:
		if ((v = field(p, "Opcode: "))) {
			uint64_t n;
			if (last_paren_num(v, &n) && n < 65536)
				t->pkt.arp_op = (uint16_t)n;
		} else if ((v = field(p, "Sender MAC address: "))) {
			mac_in(v, t->pkt.src_mac);
		} else if ((v = field(p, "Sender IP address: "))) {
			ip_in(v, &t->pkt.spa);
		} else if ((v = field(p, "Target IP address: "))) {
			ip_in(v, &t->pkt.tpa);
		}
		break;
	case S_DHCP:
		dhcp_line(s, t, p);
		break;
	case S_TFTP:
		tftp_line(t, p);
		break;
	case S_ISCSI:
		iscsi_line(t, p);
		break;
	case S_RPC:
		rpc_line(t, p);
		break;
	case S_STP:
		stp_line(t, p);
		break;
	default:
		break;
	}
	return true;
}
