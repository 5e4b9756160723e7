/* tftp — TFTP (RFC 1350) with options (RFC 2347 OACK, 2348 blksize, 2349 timeout/tsize, 7440
 * windowsize), and transfer tracking across the TID port change: the request goes to port 69,
 * the server answers from a new port, and every later packet flows between the two TIDs. A
 * transfer ends complete (short DATA block), with an ERROR, aborted (the client's ERROR after
 * an OACK before any data: a tsize probe, normal for Pis), or idle; then EV_TFTP_XFER.
 *
 *  RRQ/WRQ 1|2: file\0 mode\0 [opt\0 value\0]*     DATA 3: block(2) data
 *  ACK 4: block(2)     ERROR 5: code(2) msg\0      OACK 6: [opt\0 value\0]*
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "capture/dec.h"
#include "capture/flow.h"
#include "capture/tftp_count.h"
#include "core/base/util.h"

#define TFTP_FLOWS 1024
#define TFTP_IDLE_OPEN 30   /* seconds: an open transfer with no packet is over */
#define TFTP_IDLE_ENDED 5   /* seconds an ended transfer stays to claim late packets */

struct xfer {
	uint32_t cip, sip;
	uint16_t cport, sport;     /* sport = server TID, 0 until the server answers */
	uint8_t cmac[6];
	uint16_t op;
	bool ended;
	struct tftp_count cnt;
	uint32_t epoch;            /* how often the block number wrapped */
	char file[256];
};

/* An end decided while decoding a packet, emitted after the packet's own event. */
struct pending_end {
	struct xfer *x;
	enum tftp_xfer_end end;
	uint16_t code;
	bool from_client;
};

struct tftp_state {
	struct flow_table *t;
	struct xfer *cur;          /* the transfer tftp_claims found for this packet */
	struct pending_end pend;
};

static struct tftp_state *state(struct dctx *c)
{
	if (!c->tftp) {
		c->tftp = xcalloc(1, sizeof(*c->tftp));
		c->tftp->t = flow_table_new(TFTP_FLOWS, sizeof(struct xfer), NULL, NULL);
	}
	return c->tftp;
}

void tftp_state_free(struct tftp_state *s)
{
	if (!s)
		return;
	flow_table_free(s->t);
	free(s);
}

static struct flow_key xkey(uint32_t cip, uint16_t cport, uint32_t sip)
{
	struct flow_key k = {cip, sip, cport, 0, 69};
	return k;
}

bool tftp_claims(struct dctx *c)
{
	if (!c->tftp)
		return false;
	const struct pnb_packet *p = &c->pkt;
	struct flow_key k = xkey(p->src_ip, p->sport, p->dst_ip);
	struct xfer *x = flow_get(c->tftp->t, &k);
	if (x && (!x->sport || x->sport == p->dport || p->dport == 69))
		return (c->tftp->cur = x) != NULL;
	k = xkey(p->dst_ip, p->dport, p->src_ip);
	x = flow_get(c->tftp->t, &k);
	if (x && (!x->sport || x->sport == p->sport || p->sport == 69))
		return (c->tftp->cur = x) != NULL;
	c->tftp->cur = NULL;
	return false;
}

static void xfer_end(struct dctx *c, struct xfer *x, enum tftp_xfer_end end, uint16_t code,
		     bool from_client, const char *msg)
{
	struct pnb_event ev;
	dec_event_init(c, &ev, EV_TFTP_XFER);
	struct ev_tftp_xfer *e = &ev.u.xfer;
	memset(e, 0, sizeof(*e));
	ev.src_ip = x->cip;
	ev.dst_ip = x->sip;
	ev.sport = x->cport;
	ev.dport = x->sport;
	memcpy(ev.src_mac, x->cmac, 6);
	e->filename = x->file;
	e->error_msg = msg;
	memcpy(e->client_mac, x->cmac, 6);
	e->client_ip = x->cip;
	e->server_ip = x->sip;
	tftp_count_end(&x->cnt, e, end, code, from_client);
	x->ended = true;
	dec_emit(c, &ev);
}

/* An open transfer that got its OACK and no data is a probe the client walked away from. */
static void xfer_close_idle(struct dctx *c, struct xfer *x)
{
	if (x->ended)
		return;
	if (x->cnt.oack && !x->cnt.any_data)
		xfer_end(c, x, XFER_ABORTED, 0, true, NULL);
	else
		xfer_end(c, x, XFER_TIMEOUT, 0, false, NULL);
}

void tftp_expire(struct dctx *c, const struct timeval *now, bool all)
{
	if (!c->tftp)
		return;
	struct xfer *x;
	while ((x = flow_oldest(c->tftp->t))) {
		double idle = pnb_tv_sub(*now, x->cnt.last);
		if (!all && idle < (x->ended ? TFTP_IDLE_ENDED : TFTP_IDLE_OPEN))
			break;
		xfer_close_idle(c, x);
		flow_del(c->tftp->t, x);
	}
}

/* Length of a NUL-terminated string at k (the NUL not counted); -1 when unterminated. */
static long zstr(struct cur *k, struct pnb_bytes *out)
{
	const uint8_t *nul = memchr(k->p, 0, cur_left(k));
	if (!nul) {
		out->p = cur_left(k) ? k->p : NULL;
		out->len = (uint16_t)(cur_left(k) > 65535 ? 65535 : cur_left(k));
		k->p = k->end;
		return -1;
	}
	long n = nul - k->p;
	out->p = n ? k->p : NULL;
	out->len = (uint16_t)(n > 65535 ? 65535 : n);
	k->p = nul + 1;
	return n;
}

static int64_t num(struct pnb_bytes v)
{
	if (!v.len || v.len > 18)
		return -1;
	int64_t n = 0;
	for (unsigned i = 0; i < v.len; i++) {
		if (v.p[i] < '0' || v.p[i] > '9')
			return -1;
		n = n * 10 + (v.p[i] - '0');
	}
	return n;
}

static bool name_is(struct pnb_bytes n, const char *s)
{
	return n.len == strlen(s) && !strncasecmp((const char *)n.p, s, n.len);
}

/* Option pairs (RFC 2347); an odd trailing name is tolerated. Returns false if unterminated. */
static bool options_parse(struct cur *k, struct ev_tftp *t)
{
	t->options.p = cur_left(k) ? k->p : NULL;
	t->options.len = (uint16_t)(cur_left(k) > 65535 ? 65535 : cur_left(k));
	while (cur_left(k) > 0) {
		struct pnb_bytes n, v = {NULL, 0};
		if (zstr(k, &n) < 0)
			return false;
		if (cur_left(k) == 0)
			break;
		if (zstr(k, &v) < 0)
			return false;
		int64_t x = num(v);
		if (name_is(n, "tsize"))
			t->tsize = x;
		else if (name_is(n, "blksize"))
			t->blksize = (int32_t)(x > INT32_MAX ? -1 : x);
		else if (name_is(n, "timeout"))
			t->timeout = (int32_t)(x > INT32_MAX ? -1 : x);
		else if (name_is(n, "windowsize"))
			t->windowsize = (int32_t)(x > INT32_MAX ? -1 : x);
	}
	return true;
}

static struct xfer *xfer_start(struct dctx *c, const struct ev_tftp *t)
{
	struct tftp_state *s = state(c);
	const struct pnb_packet *p = &c->pkt;
	tftp_expire(c, &p->ts, false);
	char file[256];
	size_t n = t->filename.len < sizeof(file) - 1 ? t->filename.len : sizeof(file) - 1;
	if (n)
		memcpy(file, t->filename.p, n);
	file[n] = 0;
	/* The same client asking again for a file whose earlier transfer got an OACK and no
	 * data: the earlier one was a tsize probe (Pi 4/5 do this for every file). */
	size_t it = 0;
	struct xfer *o;
	while ((o = flow_next(s->t, &it)))
		if (!o->ended && o->cip == p->src_ip && o->cnt.oack && !o->cnt.any_data &&
		    !strcmp(o->file, file))
			xfer_end(c, o, XFER_ABORTED, 0, true, NULL);
	struct flow_key k = xkey(p->src_ip, p->sport, p->dst_ip);
	struct xfer *x = flow_get(s->t, &k);
	if (x && !x->ended && !x->sport && !strcmp(x->file, file))
		return x; /* the client repeating its request */
	if (x) {
		xfer_close_idle(c, x);
		flow_del(s->t, x);
	}
	x = dec_flow_add(c, s->t, &k);
	x->cip = p->src_ip;
	x->sip = p->dst_ip;
	x->cport = p->sport;
	memcpy(x->cmac, p->src_mac, 6);
	x->op = t->opcode;
	tftp_count_start(&x->cnt, p->ts);
	if (t->opcode == TFTP_WRQ)
		x->cnt.tsize = t->tsize; /* an RRQ's tsize=0 asks, it does not tell */
	memcpy(x->file, file, n + 1);
	return x;
}

static void end_later(struct dctx *c, struct xfer *x, enum tftp_xfer_end end, uint16_t code,
		      bool from_client)
{
	struct pending_end pe = {x, end, code, from_client};
	c->tftp->pend = pe;
}

static void data_track(struct dctx *c, struct xfer *x, struct ev_tftp *t)
{
	if (x->ended) {
		t->retransmission = true; /* a last block sent again after the end */
		t->block_full = x->epoch * 65536u + t->block;
		return;
	}
	uint32_t last = x->epoch * 65536u + x->cnt.last_block;
	if (x->cnt.any_data && x->cnt.last_block == 65535 && t->block <= 1)
		x->epoch++; /* the block number wrapped (to 0 or 1, servers differ) */
	uint32_t full = x->epoch * 65536u + t->block;
	t->block_full = full;
	if (x->cnt.any_data && full <= last) {
		t->retransmission = true;
		x->cnt.retrans++;
		return;
	}
	x->cnt.any_data = true;
	x->cnt.last_block = t->block;
	x->cnt.blocks++;
	x->cnt.bytes += t->data_len;
	if (t->data_len < (uint32_t)x->cnt.blksize)
		end_later(c, x, XFER_COMPLETE, 0, false);
}

static void packet_track(struct dctx *c, struct xfer *x, struct ev_tftp *t)
{
	const struct pnb_packet *p = &c->pkt;
	bool from_client = p->src_ip == x->cip && p->sport == x->cport;
	t->to_server = from_client;
	if (!from_client && !x->sport && p->sport != 69)
		x->sport = p->sport;
	x->cnt.last = p->ts;
	t->transfer_file = x->file;
	switch (t->opcode) {
	case TFTP_DATA:
		data_track(c, x, t);
		break;
	case TFTP_ACK: {
		/* an ACK just past a wrap belongs to the next epoch already */
		bool wrapped = x->cnt.any_data && t->block < 2 && x->cnt.last_block > 65000;
		t->block_full = (wrapped ? x->epoch + 1 : x->epoch) * 65536u + t->block;
		break;
	}
	case TFTP_OACK:
		tftp_count_oack(&x->cnt, t->blksize, t->tsize);
		break;
	case TFTP_ERROR:
		if (x->ended)
			break;
		if (from_client && x->cnt.oack && !x->cnt.any_data)
			end_later(c, x, XFER_ABORTED, t->error_code, true);
		else
			end_later(c, x, XFER_ERROR, t->error_code, from_client);
		break;
	default:
		break;
	}
}

void tftp_decode(struct dctx *c, const uint8_t *p, size_t len)
{
	struct xfer *x = c->tftp ? c->tftp->cur : NULL;
	if (c->tftp)
		c->tftp->cur = NULL;
	struct cur k = cur_make(p, len);
	struct pnb_event ev;
	dec_event_init(c, &ev, EV_TFTP);
	struct ev_tftp *t = &ev.u.tftp;
	memset(t, 0, sizeof(*t));
	t->tsize = -1;
	t->blksize = t->timeout = t->windowsize = -1;
	t->opcode = cur_be16(&k);
	if (k.trunc) {
		dec_truncated(c, "TFTP opcode cut short");
		return;
	}
	const char *why = NULL;
	switch (t->opcode) {
	case TFTP_RRQ:
	case TFTP_WRQ:
		if (zstr(&k, &t->filename) < 0 || zstr(&k, &t->mode) < 0 || !options_parse(&k, t))
			why = "TFTP request: string not terminated";
		if (c->pkt.dport != 69)
			break; /* a request not sent to port 69: decoded, not tracked */
		x = xfer_start(c, t);
		t->transfer_file = x->file;
		t->to_server = true;
		dec_emit(c, &ev);
		if (why)
			dec_truncated(c, why);
		return;
	case TFTP_DATA:
	case TFTP_ACK:
		t->block = cur_be16(&k);
		{ /* DATA cut by the snaplen still counts its full length */
			size_t dl = cur_left(&k);
			if (c->pkt.payload_len >= 4 && c->pkt.payload_len - 4u > dl)
				dl = c->pkt.payload_len - 4u;
			t->data_len = (uint16_t)(dl > 65535 ? 65535 : dl);
		}
		if (k.trunc)
			why = "TFTP block number cut short";
		break;
	case TFTP_ERROR:
		t->error_code = cur_be16(&k);
		if (k.trunc || zstr(&k, &t->error_msg) < 0)
			why = "TFTP error message cut short";
		break;
	case TFTP_OACK:
		if (!options_parse(&k, t))
			why = "TFTP OACK: string not terminated";
		break;
	default:
		if (!x && c->pkt.dport != 69 && c->pkt.sport != 69)
			return;
		why = "TFTP opcode unknown";
		break;
	}
	if (x && !why)
		packet_track(c, x, t);
	else if (x)
		t->transfer_file = x->file;
	dec_emit(c, &ev);
	struct pending_end *pe = c->tftp ? &c->tftp->pend : NULL;
	if (pe && pe->x) {
		/* the message as a C string, in the per-packet arena (valid for the callback) */
		char *msg = NULL;
		if ((pe->end == XFER_ERROR || pe->end == XFER_ABORTED) &&
		    (msg = arena_alloc(c->arena, (size_t)t->error_msg.len + 1))) {
			if (t->error_msg.len)
				memcpy(msg, t->error_msg.p, t->error_msg.len);
			msg[t->error_msg.len] = 0;
		}
		xfer_end(c, pe->x, pe->end, pe->code, pe->from_client, msg ? msg : "");
		pe->x = NULL;
	}
	if (why)
		dec_truncated(c, why);
}

const char *tftp_error_name(uint16_t code)
{
	static const char *const names[TFTP_ERROR_CODES] = {"Not defined",
							    "File not found",
							    "Access violation",
							    "Disk full or allocation exceeded",
							    "Illegal TFTP Operation",
							    "Unknown transfer ID",
							    "File already exists",
							    "No such user",
							    "Option negotiation failed"};
	return code < PNB_ARRAY_LEN(names) ? names[code] : "Unknown error";
}
