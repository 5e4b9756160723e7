/* log_tshark — tshark's one-line packet summaries as people paste them into bug reports:
 *     1 0.000000 0.0.0.0 → 255.255.255.255 DHCP 342 DHCP Discover - Transaction ID 0x6d2a1f3c
 * ("->" for "→" in ASCII output, no arrow in Wireshark's "export as plain text"; the time as
 * seconds since the first packet, "-t ad" date and time, "-t a"/"-t u" time of day or "-t e"
 * epoch seconds). Understood: TFTP (Read Request, Option Acknowledgement, Data Packet "(last)",
 * Acknowledgement, Error Code; older releases' "\000" kept out), ARP who-has / is-at, TCP
 * SYN/RST/FIN, iSCSI Login Command / Login Response (STATUS) / SCSI Read/Write / Logout.
 * A summary line names no MAC for IP packets: TFTP and iSCSI are tied to a Pi by address
 * (another log's DHCP, or the -V detail), and DHCP summaries, which show only the transaction
 * ID, are tied to none (said once in the notes).
 *
 * Also here, for both this and the -V detail (log_tshark_v.c): a packet into the decoders'
 * events, with the TFTP transfers followed the way capture/tftp.c follows them on the wire. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "capture/decode.h"
#include "capture/log_int.h"
#include "core/base/util.h"

#define TFTP_IDLE_OPEN 30 /* seconds, as capture/tftp.c */

struct log_tshark *log_tshark_state(struct log_src *s)
{
	if (!s->tsk)
		s->tsk = xcalloc(1, sizeof(*s->tsk));
	return s->tsk;
}

/* ---- events ---- */

/* The Pi's MAC: the one the text shows, else the address's as another log named it. */
static void pi_mac(struct log_src *s, const uint8_t shown[6], uint32_t ip, uint8_t out[6])
{
	static const uint8_t zero[6];
	s->defer_ip = 0; /* this event's own address decides, not an earlier one of the line */
	if (memcmp(shown, zero, 6))
		memcpy(out, shown, 6);
	else
		log_mac_later(s, ip, out);
}

static void xfer_end(struct log_src *s, struct log_txfer *x, enum tftp_xfer_end end, uint16_t code,
		     bool from_client, const char *msg)
{
	x->ended = true;
	uint8_t mac[6];
	pi_mac(s, x->mac, x->cip, mac);
	struct pnb_event *ev = log_ev(s, EV_TFTP_XFER);
	if (!ev)
		return;
	struct ev_tftp_xfer *e = &ev->u.xfer;
	memcpy(ev->src_mac, mac, 6);
	ev->src_ip = x->cip;
	ev->dst_ip = x->sip;
	ev->sport = x->cport;
	ev->dport = 69;
	struct pnb_bytes f = log_keep(s, x->file, strlen(x->file) + 1);
	e->filename = f.p ? (const char *)f.p : "";
	if (msg) {
		struct pnb_bytes m = log_keep(s, msg, strlen(msg) + 1);
		e->error_msg = m.p ? (const char *)m.p : NULL;
	}
	memcpy(e->client_mac, mac, 6);
	e->client_ip = x->cip;
	e->server_ip = x->sip;
	tftp_count_end(&x->cnt, e, end, code, from_client);
}

/* An open transfer with no more packets: a probe the client walked away from, or timed out. */
static void xfer_idle(struct log_src *s, struct log_txfer *x)
{
	if (!x->ended)
		xfer_end(s, x, x->cnt.oack && !x->cnt.any_data ? XFER_ABORTED : XFER_TIMEOUT, 0,
			 true, NULL);
	x->used = false;
}

static struct log_txfer *xfer_find(struct log_tshark *t, const struct log_tpkt *p, bool *client)
{
	struct log_txfer *best = NULL;
	for (unsigned i = 0; i < LOG_TXFERS; i++) {
		struct log_txfer *x = &t->xf[i];
		if (!x->used)
			continue;
		bool c = x->cip == p->src_ip && x->sip == p->dst_ip &&
			 (!x->cport || !p->sport || x->cport == p->sport);
		bool sv = x->cip == p->dst_ip && x->sip == p->src_ip &&
			  (!x->cport || !p->dport || x->cport == p->dport);
		if (!c && !sv)
			continue;
		/* the open one first, then the latest */
		if (!best || (best->ended && !x->ended) ||
		    (best->ended == x->ended && pnb_tv_sub(x->cnt.start, best->cnt.start) > 0)) {
			best = x;
			*client = c;
		}
	}
	return best;
}

static void xfer_start(struct log_src *s, struct log_tshark *t, const struct log_tpkt *p,
		       const uint8_t mac[6])
{
	struct log_txfer *slot = NULL;
	for (unsigned i = 0; i < LOG_TXFERS; i++) {
		struct log_txfer *x = &t->xf[i];
		if (!x->used)
			continue;
		/* the same client asking again: its probe (OACK, no data) is over */
		if (!x->ended && x->cip == p->src_ip && x->cnt.oack && !x->cnt.any_data &&
		    !strcmp(x->file, p->file))
			xfer_end(s, x, XFER_ABORTED, 0, true, NULL);
		/* a transfer that went quiet long ago has ended */
		if (pnb_tv_sub(p->ts, x->cnt.last) > (x->ended ? 5 : TFTP_IDLE_OPEN))
			xfer_idle(s, x);
		/* one transfer per client and port: the earlier one is over */
		else if (x->cip == p->src_ip && x->sip == p->dst_ip && x->cport == p->sport &&
			 !(!x->ended && x->cnt.blocks == 0 && !x->cnt.oack &&
			   !strcmp(x->file, p->file)))
			xfer_idle(s, x);
	}
	for (unsigned i = 0; i < LOG_TXFERS; i++) {
		struct log_txfer *x = &t->xf[i];
		if (x->used && !x->ended && x->cip == p->src_ip && x->cport == p->sport &&
		    !x->cnt.oack && !x->cnt.blocks && !strcmp(x->file, p->file))
			return; /* the client repeating its request */
		if (!x->used && !slot)
			slot = x;
	}
	if (!slot) { /* full: the oldest goes */
		slot = &t->xf[0];
		for (unsigned i = 1; i < LOG_TXFERS; i++)
			if (pnb_tv_sub(t->xf[i].cnt.last, slot->cnt.last) < 0)
				slot = &t->xf[i];
		xfer_idle(s, slot);
	}
	memset(slot, 0, sizeof(*slot));
	slot->used = true;
	slot->cip = p->src_ip;
	slot->sip = p->dst_ip;
	slot->cport = p->sport;
	memcpy(slot->mac, mac, 6);
	tftp_count_start(&slot->cnt, p->ts);
	snprintf(slot->file, sizeof(slot->file), "%s", p->file);
}

static void tftp_packet(struct log_src *s, struct log_tshark *t, const struct log_tpkt *p)
{
	uint8_t mac[6];
	bool client = true;
	struct log_txfer *x = p->opcode == TFTP_RRQ ? NULL : xfer_find(t, p, &client);
	pi_mac(s, client ? p->src_mac : p->dst_mac, client ? p->src_ip : p->dst_ip, mac);
	if (p->opcode == TFTP_RRQ) {
		xfer_start(s, t, p, mac);
		log_ev_rrq(s, mac, p->src_ip, p->dst_ip, p->file);
		struct pnb_event *ev = s->nq ? &s->q[s->nq - 1] : NULL;
		if (ev && ev->kind == EV_TFTP) {
			ev->sport = p->sport;
			ev->u.tftp.tsize = p->tsize;
			ev->u.tftp.blksize = p->blksize;
		}
		log_kernel_sent(s->set, mac, p->file);
		return;
	}
	struct pnb_event *ev = log_ev(s, EV_TFTP);
	if (ev) {
		memcpy(client ? ev->src_mac : ev->dst_mac, mac, 6);
		ev->src_ip = p->src_ip;
		ev->dst_ip = p->dst_ip;
		ev->sport = p->sport;
		ev->dport = p->dport;
		struct ev_tftp *e = &ev->u.tftp;
		e->opcode = p->opcode;
		e->block = e->block_full = p->block;
		e->error_code = p->code;
		e->error_msg = log_keep(s, p->msg, strlen(p->msg));
		e->tsize = p->tsize;
		e->blksize = p->blksize;
		e->timeout = e->windowsize = -1;
		e->to_server = client;
		if (x) {
			struct pnb_bytes f = log_keep(s, x->file, strlen(x->file) + 1);
			e->transfer_file = f.p ? (const char *)f.p : NULL;
		}
	}
	if (!x)
		return;
	x->cnt.last = p->ts;
	switch (p->opcode) {
	case TFTP_OACK:
		tftp_count_oack(&x->cnt, p->blksize, p->tsize);
		break;
	case TFTP_DATA: {
		if (x->ended)
			break;
		if (x->cnt.any_data && p->block <= x->cnt.last_block &&
		    !(x->cnt.last_block == 65535)) {
			x->cnt.retrans++;
			if (ev)
				ev->u.tftp.retransmission = true;
			break;
		}
		int32_t n = p->data_len >= 0 ? p->data_len : 0;
		if (ev)
			ev->u.tftp.data_len = (uint16_t)n;
		x->cnt.any_data = true;
		x->cnt.last_block = p->block;
		x->cnt.blocks++;
		x->cnt.bytes += (uint64_t)n;
		if (p->last || (p->data_len >= 0 && p->data_len < x->cnt.blksize))
			xfer_end(s, x, XFER_COMPLETE, 0, false, NULL);
		break;
	}
	case TFTP_ERROR:
		if (x->ended)
			break;
		if (client && x->cnt.oack && !x->cnt.any_data)
			xfer_end(s, x, XFER_ABORTED, p->code, true, p->msg[0] ? p->msg : NULL);
		else
			xfer_end(s, x, XFER_ERROR, p->code, client, p->msg[0] ? p->msg : NULL);
		break;
	default:
		break;
	}
}

static void arp_packet(struct log_src *s, const struct log_tpkt *p)
{
	uint8_t mac[6];
	pi_mac(s, p->src_mac, p->spa, mac);
	struct pnb_event *ev = log_ev(s, EV_ARP);
	if (!ev)
		return;
	memcpy(ev->src_mac, mac, 6);
	memcpy(ev->dst_mac, p->dst_mac, 6);
	ev->u.arp.op = p->arp_op;
	memcpy(ev->u.arp.sha, mac, 6);
	ev->u.arp.spa = p->spa;
	ev->u.arp.tpa = p->tpa;
}

/* An event of packet p (its frame and time, not the line's being read) between a Pi and a
 * server: pi_is_dst says which end the Pi is. The Pi's MAC is the one its address was seen
 * with when the text shows none (pi_mac); the server's is as shown. TCP, iSCSI and RPC packets
 * all start so. */
static struct pnb_event *pi_end_ev(struct log_src *s, const struct log_tpkt *p,
				   enum pnb_event_kind kind, bool pi_is_dst)
{
	uint8_t mac[6];
	pi_mac(s, pi_is_dst ? p->dst_mac : p->src_mac, pi_is_dst ? p->dst_ip : p->src_ip, mac);
	struct pnb_event *ev = log_ev_at(s, kind, p->frame, p->ts);
	if (!ev)
		return NULL;
	memcpy(pi_is_dst ? ev->dst_mac : ev->src_mac, mac, 6);
	memcpy(pi_is_dst ? ev->src_mac : ev->dst_mac, pi_is_dst ? p->src_mac : p->dst_mac, 6);
	ev->src_ip = p->src_ip;
	ev->dst_ip = p->dst_ip;
	ev->sport = p->sport;
	ev->dport = p->dport;
	return ev;
}

/* SYN, RST and FIN only, as the decoder (the diagnosis follows connections, not data). */
static void tcp_packet(struct log_src *s, const struct log_tpkt *p)
{
	if (!p->syn && !p->rst && !p->fin)
		return;
	bool to_pi = p->sport == 3260 || p->sport == 2049 || p->sport == 111;
	struct pnb_event *ev = pi_end_ev(s, p, EV_TCP, to_pi);
	if (!ev)
		return;
	ev->u.tcp.syn = p->syn;
	ev->u.tcp.ack = p->ack;
	ev->u.tcp.rst = p->rst;
	ev->u.tcp.fin = p->fin;
	ev->u.tcp.seq = p->seq;
}

static void stp_packet(struct log_src *s, const struct log_tpkt *p)
{
	struct pnb_event *ev = log_ev(s, EV_STP);
	if (!ev)
		return;
	memcpy(ev->src_mac, p->src_mac, 6);
	memcpy(ev->dst_mac, p->dst_mac, 6);
	ev->u.stp.version = p->stp_version;
	ev->u.stp.bpdu_type = p->bpdu_type;
	ev->u.stp.flags = p->bpdu_flags;
	ev->u.stp.forward_delay = p->forward_delay;
}

void log_tshark_packet(struct log_src *s, const struct log_tpkt *p)
{
	uint64_t f = s->frame;
	struct timeval t = s->ts;
	s->frame = p->frame;
	s->ts = p->ts;
	switch (p->proto) {
	case TP_TFTP:
		tftp_packet(s, log_tshark_state(s), p);
		break;
	case TP_ARP:
		arp_packet(s, p);
		break;
	case TP_TCP:
		tcp_packet(s, p);
		break;
	case TP_STP:
		stp_packet(s, p);
		break;
	case TP_NONE:
		break;
	}
	s->frame = f;
	s->ts = t;
}

static struct pnb_bytes keep_text(struct log_src *s, const char *t)
{
	return t[0] ? log_keep(s, t, strlen(t)) : (struct pnb_bytes){NULL, 0};
}

void log_tshark_iscsi(struct log_src *s, const struct log_tpkt *p, const struct log_tpdu *u)
{
	bool resp = u->op & 0x20;
	struct pnb_event *ev = pi_end_ev(s, p, EV_ISCSI, resp);
	if (!ev)
		return;
	/* ports the text does not show: the target's is iSCSI's own (3260) */
	ev->sport = p->sport ? p->sport : resp ? 3260 : 0;
	ev->dport = p->dport ? p->dport : resp ? 0 : 3260;
	struct ev_iscsi *e = &ev->u.iscsi;
	e->opcode = u->op;
	e->final = true;
	e->transit = u->transit;
	e->csg = u->csg;
	e->nsg = u->nsg;
	e->status_class = (uint8_t)(u->status >> 8);
	e->status_detail = (uint8_t)u->status;
	e->cdb_opcode = u->cdb;
	e->lun = u->lun;
	e->initiator_name = keep_text(s, u->ini);
	e->target_name = keep_text(s, u->tgt);
	e->auth_method = keep_text(s, u->auth);
	e->session_type = keep_text(s, u->stype);
}

void log_tshark_rpc(struct log_src *s, const struct log_tpkt *p, const struct log_trpc *r)
{
	struct pnb_event *ev = pi_end_ev(s, p, EV_RPC, r->e.reply);
	if (!ev)
		return;
	struct ev_rpc *e = &ev->u.rpc;
	*e = r->e;
	e->matched = r->e.reply; /* tshark shows a reply's call ("[Program: …]") */
	e->path = keep_text(s, r->path);
}

void log_tshark_finish(struct log_src *s)
{
	struct log_tshark *t = s->tsk;
	if (!t)
		return;
	log_tshark_v_end(s);
	if (t->have_held) {
		t->have_held = false;
		log_tshark_packet(s, &t->held);
		for (unsigned i = 0; i < t->n_held_pdu; i++)
			log_tshark_iscsi(s, &t->held, &t->held_pdu[i]);
	}
	for (unsigned i = 0; i < LOG_TXFERS; i++)
		if (t->xf[i].used)
			xfer_idle(s, &t->xf[i]);
}

/* ---- the summary line ---- */

/* An address column: dotted quad, a MAC (with -n), or a name (kept as unknown). */
static void column_addr(const char *tok, uint32_t *ip, uint8_t mac[6])
{
	const char *q = tok;
	if (log_ip(&q, ip) && !*q)
		return;
	*ip = 0;
	q = tok;
	if (!(log_mac(&q, mac) && !*q))
		memset(mac, 0, 6);
	if (!strcmp(tok, "Broadcast"))
		memset(mac, 0xff, 6);
}

/* "2025-11-24 16:00:00.004500" / "16:00:00.004500" / "0.004500" / "1764000000.004500". */
static bool column_time(struct log_src *s, const char **pp, struct log_line *l)
{
	const char *p = *pp;
	int y, mo, d, h, mi, sec, n = 0;
	struct timeval tv = {0, 0};
	bool abs = true;
	if (sscanf(p, "%4d-%2d-%2d %2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &sec, &n) == 6 &&
	    n == 19 && y >= 1970 && mo >= 1 && mo <= 12 && d >= 1 && d <= 31 && h < 24 && mi < 60 &&
	    sec <= 60) {
		tv.tv_sec = log_local_time(y, mo, d, h, mi, sec);
		if (!s->set->year_hint)
			s->set->year_hint = y;
		p += n;
	} else if (p[2] == ':' && p[5] == ':') {
		char *m = (char *)p;
		if (!log_tod_time(s, &m, &tv))
			return false;
		*pp = m;
		goto done;
	} else {
		uint64_t v;
		if (!log_uint(&p, &v) || v > (uint64_t)1 << 40)
			return false;
		tv.tv_sec = (time_t)v;
		/* seconds since the first packet, or (-t e) since 1970 */
		abs = v > 100000000;
	}
	if (*p != '.' || p[1] < '0' || p[1] > '9')
		return false; /* tshark always prints the fraction: not a number of another log */
	tv.tv_usec = log_frac_us(&p);
	if (*p != ' ' && *p != '\t')
		return false;
	*pp = p;
done:
	l->ts = s->ts = tv;
	l->has_ts = true;
	l->abs_ts = abs;
	return true;
}

/* Copies text up to the first of stop (or the end) into out, without tshark's "\000". */
static void text_until(const char *p, const char *stop, char *out, size_t n)
{
	const char *e = stop ? strstr(p, stop) : NULL;
	size_t len = e ? (size_t)(e - p) : strlen(p), k = 0;
	for (size_t i = 0; i < len && k + 1 < n; i++) {
		if (!strncmp(p + i, "\\000", 4)) {
			i += 3;
			continue;
		}
		out[k++] = p[i];
	}
	out[k] = '\0';
	while (k && out[k - 1] == ' ')
		out[--k] = '\0';
}

static int64_t opt_num(const char *info, const char *name)
{
	const char *q = strstr(info, name);
	uint64_t v;
	if (!q)
		return -1;
	q += strlen(name);
	while (*q == '\\' || *q == '0' || *q == '=') { /* "tsize\000=0\000" (before 1.12) */
		if (*q == '=') {
			q++;
			break;
		}
		q += *q == '\\' ? 4 : 1;
	}
	return log_uint(&q, &v) && v < ((uint64_t)1 << 40) ? (int64_t)v : -1;
}

static bool tftp_info(struct log_tpkt *p, const char *info)
{
	const char *q;
	p->blksize = -1;
	p->tsize = -1;
	p->data_len = -1;
	if (log_word(&info, "Read Request, File: ")) {
		p->opcode = TFTP_RRQ;
		text_until(info, ", Transfer type:", p->file, sizeof(p->file));
		p->tsize = opt_num(info, "tsize");
		p->blksize = (int32_t)opt_num(info, "blksize");
	} else if (log_word(&info, "Option Acknowledgement")) {
		p->opcode = TFTP_OACK;
		p->tsize = opt_num(info, "tsize");
		p->blksize = (int32_t)opt_num(info, "blksize");
	} else if (log_word(&info, "Data Packet, Block: ") ||
		   (p->opcode = TFTP_ACK, log_word(&info, "Acknowledgement, Block: "))) {
		if (p->opcode != TFTP_ACK)
			p->opcode = TFTP_DATA;
		uint64_t v;
		if (!log_uint(&info, &v) || v > 65535)
			return false;
		p->block = (uint16_t)v;
		p->last = strstr(info, "(last)") != NULL;
		/* the payload: the frame less Ethernet, IPv4, UDP and TFTP headers */
		if (p->opcode == TFTP_DATA && p->len >= 46)
			p->data_len = (int32_t)(p->len - 46);
	} else if (log_word(&info, "Error Code, Code: ")) {
		p->opcode = TFTP_ERROR;
		/* tshark names the code as the decoder does */
		for (uint16_t i = 0; i < TFTP_ERROR_CODES; i++)
			if (!strncmp(info, tftp_error_name(i), strlen(tftp_error_name(i))))
				p->code = i;
		if ((q = strstr(info, ", Message: ")))
			text_until(q + 11, NULL, p->msg, sizeof(p->msg));
	} else {
		return false;
	}
	return true;
}

/* iSCSI login status names as Wireshark prints them (RFC 7143 §11.13.5). */
static const struct {
	const char *name;
	uint16_t code;
} login_status[] = {
    {"Success", 0x0000},
    {"Target moved temporarily", 0x0101},
    {"Target moved permanently", 0x0102},
    {"Initiator error", 0x0200},
    {"Authentication failed", 0x0201},
    {"Authorisation failure", 0x0202},
    {"Target not found", 0x0203},
    {"Target removed", 0x0204},
    {"Unsupported version", 0x0205},
    {"Too many connections", 0x0206},
    {"Missing parameter", 0x0207},
    {"Can't include in session", 0x0208},
    {"Session type not supported", 0x0209},
    {"Session does not exist", 0x020a},
    {"Invalid request during login", 0x020b},
    {"Target error", 0x0300},
    {"Service unavailable", 0x0301},
    {"Out of resources", 0x0302},
};

static const struct {
	const char *name;
	uint8_t op;
} scsi_ops[] = {
    {"Read(6)", 0x08},	{"Read(10)", 0x28},  {"Read(12)", 0xa8},  {"Read(16)", 0x88},
    {"Write(6)", 0x0a}, {"Write(10)", 0x2a}, {"Write(12)", 0xaa}, {"Write(16)", 0x8a},
};

/* The PDUs of an iSCSI summary ("Login Command", "Login Response (Success)", "SCSI: Read(10)
 * LUN: 0x01 (LBA: …)", "Logout Command (Close session)"); returns how many. */
static unsigned iscsi_info(const char *info, struct log_tpdu *out, unsigned max)
{
	unsigned n = 0;
	const char *q;
	if (n < max && !strncmp(info, "Login Command", 13)) {
		memset(&out[n], 0, sizeof(out[n]));
		out[n].op = 0x03;
		out[n++].transit = true;
	}
	if (n < max && (q = strstr(info, "Login Response (")) != NULL) {
		memset(&out[n], 0, sizeof(out[n]));
		out[n].op = 0x23;
		q += 16;
		out[n].status = 0xffff;
		for (unsigned i = 0; i < PNB_ARRAY_LEN(login_status); i++)
			if (!strncmp(q, login_status[i].name, strlen(login_status[i].name)))
				out[n].status = login_status[i].code;
		if (out[n].status == 0xffff)
			out[n].status = 0x0200; /* a failure whose name this list lacks */
		/* the summary shows no stages: a success is taken as the login's last step */
		out[n].transit = true;
		out[n].csg = 1;
		out[n].nsg = 3;
		out[n].has_status = true;
		n++;
	}
	for (q = info; n < max && (q = strstr(q, "SCSI: ")); q += 6) {
		const char *c = q + 6;
		for (unsigned i = 0; i < PNB_ARRAY_LEN(scsi_ops); i++) {
			if (strncmp(c, scsi_ops[i].name, strlen(scsi_ops[i].name)))
				continue;
			memset(&out[n], 0, sizeof(out[n]));
			out[n].op = 0x01;
			out[n].cdb = scsi_ops[i].op;
			const char *l = strstr(c, "LUN: 0x");
			if (l) {
				l += 7;
				out[n].lun = (uint64_t)strtoul(l, NULL, 16) << 48;
			}
			n++;
			break;
		}
	}
	if (n < max && !strncmp(info, "Logout Command", 14)) {
		memset(&out[n], 0, sizeof(out[n]));
		out[n++].op = 0x06;
	}
	return n;
}

static bool tcp_info(struct log_tpkt *p, const char *info)
{
	uint64_t a, b;
	/* "[TCP Retransmission] 49166 → 3260 [SYN] …": the flags decide, not the expert note */
	if (*info == '[') {
		const char *e = strchr(info, ']');
		if (!e)
			return false;
		info = log_skip_ws(e + 1);
	}
	if (!log_uint(&info, &a) || a > 65535)
		return false;
	info = log_skip_ws(info);
	if (!log_word(&info, "\xe2\x86\x92") && !log_word(&info, ">") && !log_word(&info, "->"))
		return false;
	info = log_skip_ws(info);
	if (log_word(&info, "iscsi-target"))
		b = 3260;
	else if (!log_uint(&info, &b) || b > 65535)
		return false;
	p->sport = (uint16_t)a;
	p->dport = (uint16_t)b;
	const char *fl = strchr(info, '[');
	const char *fe = fl ? strchr(fl, ']') : NULL;
	if (!fe)
		return false;
	size_t n = (size_t)(fe - fl);
	p->syn = memmem(fl, n, "SYN", 3) != NULL;
	p->ack = memmem(fl, n, "ACK", 3) != NULL;
	p->rst = memmem(fl, n, "RST", 3) != NULL;
	p->fin = memmem(fl, n, "FIN", 3) != NULL;
	const char *sq = strstr(fe, "Seq=");
	uint64_t v;
	if (sq && (sq += 4, log_uint(&sq, &v)))
		p->seq = (uint32_t)v;
	return true;
}

static bool arp_info(struct log_tpkt *p, const char *info)
{
	const char *q = info;
	if (log_word(&q, "Who has ")) {
		p->arp_op = 1;
		if (!log_ip(&q, &p->tpa))
			return false;
		const char *t = strstr(q, "Tell ");
		return t && (t += 5, log_ip(&t, &p->spa));
	}
	if (log_ip(&q, &p->spa) && log_word(&q, " is at ")) {
		p->arp_op = 2;
		uint8_t m[6];
		if (log_mac(&q, m) && !memcmp(p->src_mac, (uint8_t[6]){0}, 6))
			memcpy(p->src_mac, m, 6);
		return true;
	}
	return false;
}

static bool is_header(const char *p)
{
	return log_word(&p, "No.") && strstr(p, "Source") && strstr(p, "Protocol");
}

bool log_parse_tshark(struct log_src *s, struct log_line *l)
{
	const char *p = log_skip_ws(l->msg);
	struct log_tshark *t = s->tsk;
	if (*p < '0' || *p > '9') {
		if (*p == 'N' && is_header(p)) {
			log_tshark_state(s)->after_header = true;
			return true;
		}
		return false;
	}
	uint64_t no;
	if (!log_uint(&p, &no) || (*p != ' ' && *p != '\t'))
		return false;
	p = log_skip_ws(p);
	struct log_tpkt k;
	memset(&k, 0, sizeof(k));
	if (!column_time(s, &p, l))
		return false;
	char src[64], dst[64], proto[16];
	p = log_skip_ws(p);
	log_token(&p, src, sizeof(src), NULL);
	p = log_skip_ws(p);
	if (log_word(&p, "\xe2\x86\x92") || log_word(&p, "->"))
		p = log_skip_ws(p);
	log_token(&p, dst, sizeof(dst), NULL);
	p = log_skip_ws(p);
	log_token(&p, proto, sizeof(proto), NULL);
	p = log_skip_ws(p);
	uint64_t len;
	if (!src[0] || !dst[0] || !((proto[0] >= 'A' && proto[0] <= 'Z') || proto[0] == 'i') ||
	    !log_uint(&p, &len) || (*p != ' ' && *p != '\t'))
		return false;
	const char *info = log_skip_ws(p);
	t = log_tshark_state(s);
	k.frame = s->frame;
	k.ts = s->ts;
	k.len = (uint32_t)(len < 65536 ? len : 65535);
	column_addr(src, &k.src_ip, k.src_mac);
	column_addr(dst, &k.dst_ip, k.dst_mac);
	struct log_tpdu pdu[4];
	unsigned npdu = 0;
	if (!strcmp(proto, "TFTP")) {
		k.proto = tftp_info(&k, info) ? TP_TFTP : TP_NONE;
	} else if (!strcmp(proto, "ARP")) {
		k.proto = arp_info(&k, info) ? TP_ARP : TP_NONE;
	} else if (!strcmp(proto, "TCP")) {
		k.proto = tcp_info(&k, info) ? TP_TCP : TP_NONE;
	} else if (!strcmp(proto, "iSCSI")) {
		npdu = iscsi_info(info, pdu, PNB_ARRAY_LEN(pdu));
	} else if ((!strcmp(proto, "DHCP") || !strcmp(proto, "BOOTP")) && !t->noted_nomac) {
		t->noted_nomac = true;
		log_note(s->set,
			 "%s: tshark's summary lines show a DHCP message's transaction ID, not the "
			 "client's MAC: they are tied to no Pi (tshark -V shows it)",
			 s->name);
	}
	if (t->after_header) {
		/* the details may follow: hold the packet until the next line says */
		t->after_header = false;
		t->held = k;
		t->have_held = true;
		memcpy(t->held_pdu, pdu, sizeof(pdu));
		t->n_held_pdu = npdu;
		return true;
	}
	log_tshark_packet(s, &k);
	for (unsigned i = 0; i < npdu; i++)
		log_tshark_iscsi(s, &k, &pdu[i]);
	return true;
}
