/* iscsi — iSCSI over TCP (RFC 7143, formerly RFC 3720). PDUs do not line up with segments:
 * one PDU may span many segments and one segment may carry several PDUs, so each direction of
 * a connection is reassembled (bounded buffer: headers plus the text of Login/Text PDUs; bulk
 * data is counted, not kept). A capture that joins mid-stream, or a gap, loses the framing;
 * it is found again by scanning for a plausible header whose successor also parses.
 *
 *  BHS (48 bytes): I|opcode(1) flags(1) (2) TotalAHSLength(1) DataSegmentLength(3) LUN/ISID(8)
 *                  ITT(4) opcode-specific(28); then AHS, HeaderDigest, data (padded to 4),
 *                  DataDigest.
 */
#include <stdlib.h>
#include <string.h>

#include "capture/dec.h"
#include "capture/flow.h"
#include "core/base/util.h"

#define ISCSI_FLOWS 512
#define BHS 48
#define TEXT_KEEP 65536u         /* data kept for Login/Text/Reject PDUs */
#define PLAUSIBLE_DATA (16u << 20)

struct stream {
	bool seq_known, synced, resync, hdr_digest, data_digest;
	uint32_t next_seq;
	uint32_t pdu_len, got;     /* current PDU: total length once the BHS is in, bytes seen */
	uint32_t keep;             /* bytes of the current PDU to keep in buf */
	uint8_t *buf;
	uint32_t cap;
	/* Login/Text key=value data continued over PDUs (C bit), joined before parsing */
	uint8_t *txt;
	uint32_t txt_len, txt_cap;
};

struct iscsi_state {
	struct flow_table *t;
};

static void stream_drop(void *payload, void *user)
{
	(void)user;
	free(((struct stream *)payload)->buf);
	free(((struct stream *)payload)->txt);
}

void iscsi_state_free(struct iscsi_state *s)
{
	if (!s)
		return;
	flow_table_free(s->t);
	free(s);
}

static bool initiator_op(uint8_t op)
{
	return op <= 0x06 || op == 0x10;
}

static bool target_op(uint8_t op)
{
	return (op >= 0x20 && op <= 0x26) || op == 0x31 || op == 0x32 || op == 0x3f;
}

/* RFC 7143 reserved-field and flag rules, as Wireshark's heuristic applies them. */
static bool bhs_plausible(const uint8_t *h, bool to_target)
{
	uint8_t op = h[0] & 0x3f;
	if (h[0] & 0x80 || h[4] != 0)
		return false;
	if (to_target ? !initiator_op(op) : !target_op(op))
		return false;
	uint32_t dlen = (uint32_t)h[5] << 16 | (uint32_t)h[6] << 8 | h[7];
	if (dlen > PLAUSIBLE_DATA)
		return false;
	switch (op) {
	case 0x03:
	case 0x23:
		if ((h[1] & 0xc0) == 0xc0 || ((h[1] >> 2) & 3) == 2 ||
		    ((h[1] & 0x80) && ((h[1] & 3) == 2 || (h[1] & 3) == 0)))
			return false;
		return op == 0x03 || h[36] <= 3;
	case 0x04:
	case 0x24:
		return ((h[1] & 0x80) != 0) != ((h[1] & 0x40) != 0);
	case 0x01:
		return (h[1] & 0x18) == 0 && h[2] == 0 && h[3] == 0;
	case 0x21:
		return (h[1] & 0x80) && h[2] <= 1;
	case 0x25:
		return (h[1] & 0x38) == 0 && h[2] == 0;
	case 0x05:
		return (h[1] & 0x7f) == 0;
	case 0x31:
		return at_be32(h, BHS, 44) != 0;
	case 0x32:
	case 0x3f:
		return at_be32(h, BHS, 16) == 0xffffffffu;
	default:
		return true;
	}
}

static uint32_t pdu_length(const struct stream *s, const uint8_t *h)
{
	uint32_t dlen = (uint32_t)h[5] << 16 | (uint32_t)h[6] << 8 | h[7];
	uint8_t op = h[0] & 0x3f;
	bool login = op == 0x03 || op == 0x23;
	uint32_t n = BHS + 4u * h[4] + ((dlen + 3) & ~3u);
	if (!login && s->hdr_digest)
		n += 4;
	if (!login && s->data_digest && dlen)
		n += 4;
	return n;
}

static struct pnb_bytes text_value(const uint8_t *p, size_t n, const char *k)
{
	size_t kl = strlen(k);
	struct pnb_bytes r = {NULL, 0};
	size_t i = 0;
	while (i < n) {
		const uint8_t *z = memchr(p + i, 0, n - i);
		if (!z)
			break; /* a pair cut by the capture is not a value */
		size_t e = (size_t)(z - p);
		if (e - i > kl && p[i + kl] == '=' && !memcmp(p + i, k, kl)) {
			r.p = p + i + kl + 1;
			r.len = (uint16_t)(e - i - kl - 1);
			if (!r.len)
				r.p = NULL;
			return r;
		}
		i = e + 1;
	}
	return r;
}

static bool text_has(const uint8_t *p, size_t n, const char *kv)
{
	size_t l = strlen(kv);
	for (size_t i = 0; i + l <= n; i++)
		if (!memcmp(p + i, kv, l) && (i == 0 || p[i - 1] == 0))
			return true;
	return false;
}

static struct stream *reverse_stream(struct dctx *c)
{
	const struct pnb_packet *p = &c->pkt;
	struct flow_key k = {p->dst_ip, p->src_ip, p->dport, p->sport, 3260};
	return flow_get(c->iscsi->t, &k);
}

/* READ/WRITE CDBs (SBC-3): where and how much. */
static void cdb_decode(struct ev_iscsi *e, const uint8_t *cdb)
{
	switch (cdb[0]) {
	case 0x08: /* READ(6) / WRITE(6) */
	case 0x0a:
		e->lba = (uint32_t)(cdb[1] & 0x1f) << 16 | (uint32_t)cdb[2] << 8 | cdb[3];
		e->blocks = cdb[4] ? cdb[4] : 256;
		break;
	case 0x28: /* READ(10) / WRITE(10) */
	case 0x2a:
		e->lba = at_be32(cdb, 16, 2);
		e->blocks = at_be16(cdb, 16, 7);
		break;
	case 0xa8: /* READ(12) / WRITE(12) */
	case 0xaa:
		e->lba = at_be32(cdb, 16, 2);
		e->blocks = at_be32(cdb, 16, 6);
		break;
	case 0x88: /* READ(16) / WRITE(16) */
	case 0x8a:
		e->lba = (uint64_t)at_be32(cdb, 16, 2) << 32 | at_be32(cdb, 16, 6);
		e->blocks = at_be32(cdb, 16, 10);
		break;
	default:
		break;
	}
}

/* SCSI Response data: SenseLength(2) then fixed (0x70/0x71) or descriptor (0x72/0x73) sense. */
static void sense_decode(struct ev_iscsi *e, const uint8_t *d, size_t n)
{
	size_t sl = at_be16(d, n, 0);
	if (sl < 4 || n < 2 + 4)
		return;
	const uint8_t *s = d + 2;
	size_t m = n - 2 < sl ? n - 2 : sl;
	uint8_t code = s[0] & 0x7f;
	if ((code == 0x70 || code == 0x71) && m >= 14) {
		e->sense_key = s[2] & 0x0f;
		e->asc = s[12];
		e->ascq = s[13];
		e->has_sense = true;
	} else if (code == 0x72 || code == 0x73) {
		e->sense_key = s[1] & 0x0f;
		e->asc = s[2];
		e->ascq = s[3];
		e->has_sense = true;
	}
}

/* Text split over PDUs (C = 1) is joined first (RFC 7143 §6.1): a PDU with C set reports its
 * own bytes and no keys; the last one reports the keys of the whole text. */
static void text_join(struct stream *s, struct ev_iscsi *e, bool cont, const uint8_t *d,
		      size_t n)
{
	if (cont || s->txt_len) {
		if (s->txt_len + n > s->txt_cap && s->txt_len + n <= TEXT_KEEP) {
			s->txt_cap = (uint32_t)(s->txt_len + n) * 2;
			s->txt = xrealloc(s->txt, s->txt_cap);
		}
		if (s->txt_len + n <= s->txt_cap) {
			if (n)
				memcpy(s->txt + s->txt_len, d, n);
			s->txt_len += (uint32_t)n;
		}
		if (cont) {
			e->text.p = n ? d : NULL;
			e->text.len = (uint16_t)(n > 65535 ? 65535 : n);
			return;
		}
		d = s->txt;
		n = s->txt_len;
		s->txt_len = 0; /* the keys below point into txt, valid during the callback */
	}
	e->text.p = n ? d : NULL;
	e->text.len = (uint16_t)(n > 65535 ? 65535 : n);
	e->initiator_name = text_value(d, n, "InitiatorName");
	e->target_name = text_value(d, n, "TargetName");
	e->auth_method = text_value(d, n, "AuthMethod");
	e->session_type = text_value(d, n, "SessionType");
}

static void pdu_emit(struct dctx *c, struct stream *s)
{
	const uint8_t *h = s->buf;
	struct pnb_event ev;
	dec_event_init(c, &ev, EV_ISCSI);
	struct ev_iscsi *e = &ev.u.iscsi;
	memset(e, 0, sizeof(*e));
	e->opcode = h[0] & 0x3f;
	e->immediate = h[0] & 0x40;
	e->final = h[1] & 0x80;
	e->data_len = (uint32_t)h[5] << 16 | (uint32_t)h[6] << 8 | h[7];
	e->lun = (uint64_t)at_be32(h, BHS, 8) << 32 | at_be32(h, BHS, 12);
	e->itt = at_be32(h, BHS, 16);
	e->resynced = s->resync;
	s->resync = false;
	uint32_t doff = BHS + 4u * h[4];
	const uint8_t *data = h + doff;
	size_t dn = s->keep > doff ? s->keep - doff : 0;
	if (dn > e->data_len)
		dn = e->data_len;
	switch (e->opcode) {
	case 0x23:
		e->status_class = h[36];
		e->status_detail = h[37];
		/* fall through */
	case 0x03:
		e->transit = h[1] & 0x80;
		e->csg = (h[1] >> 2) & 3;
		e->nsg = h[1] & 3;
		/* fall through */
	case 0x04:
	case 0x24:
		text_join(s, e, h[1] & 0x40, data, dn);
		break;
	case 0x01:
		e->cdb_opcode = h[32];
		e->expected_len = at_be32(h, BHS, 20);
		cdb_decode(e, h + 32);
		break;
	case 0x21:
		e->response = h[2];
		e->scsi_status = h[3];
		sense_decode(e, data, dn);
		break;
	case 0x06:
		e->logout_reason = h[1] & 0x7f;
		break;
	case 0x26:
		e->logout_response = h[2];
		break;
	case 0x3f:
		e->reject_reason = h[2];
		break;
	case 0x25:
		if (h[1] & 0x01)
			e->scsi_status = h[3];
		break;
	default:
		break;
	}
	/* Digests start after a login that agreed on them (the target's answer decides). */
	if (e->opcode == 0x23 && e->transit && e->nsg == 3 && e->status_class == 0) {
		struct stream *r = reverse_stream(c);
		bool hd = text_has(data, dn, "HeaderDigest=CRC32C");
		bool dd = text_has(data, dn, "DataDigest=CRC32C");
		s->hdr_digest = hd;
		s->data_digest = dd;
		if (r) {
			r->hdr_digest = hd;
			r->data_digest = dd;
		}
	}
	dec_emit(c, &ev);
}

static bool buf_fit(struct stream *s, uint32_t n)
{
	if (n <= s->cap)
		return true;
	uint32_t cap = s->cap ? s->cap : 256;
	while (cap < n)
		cap *= 2;
	s->buf = xrealloc(s->buf, cap);
	s->cap = cap;
	return true;
}

/* Looks for a PDU start in p[0..n): a plausible header whose successor is plausible too (or
 * lies beyond this segment). Returns the offset or -1. */
static long resync_scan(struct stream *s, const uint8_t *p, size_t n, bool to_target)
{
	for (size_t off = 0; off + BHS <= n; off++) {
		if (!bhs_plausible(p + off, to_target))
			continue;
		uint32_t len = pdu_length(s, p + off);
		size_t next = off + len;
		if (next == n || (off == 0 && next > n))
			return (long)off;
		if (next < n && next + BHS <= n && bhs_plausible(p + next, to_target))
			return (long)off;
	}
	return -1;
}

static void stream_feed(struct dctx *c, struct stream *s, const uint8_t *p, size_t n,
			bool to_target)
{
	while (n > 0) {
		if (!s->synced) {
			long off = resync_scan(s, p, n, to_target);
			if (off < 0)
				return;
			p += off;
			n -= (size_t)off;
			s->synced = s->resync = true;
			s->got = s->pdu_len = s->keep = 0;
		}
		if (s->got < BHS) { /* collect the BHS */
			uint32_t take = BHS - s->got < n ? BHS - s->got : (uint32_t)n;
			buf_fit(s, BHS);
			memcpy(s->buf + s->got, p, take);
			s->got += take;
			p += take;
			n -= take;
			if (s->got < BHS)
				return;
			if (!bhs_plausible(s->buf, to_target)) {
				s->synced = false; /* lost the framing: find it again */
				s->got = 0;
				continue;
			}
			s->pdu_len = pdu_length(s, s->buf);
			uint8_t op = s->buf[0] & 0x3f;
			bool keep_data = op == 0x03 || op == 0x23 || op == 0x04 || op == 0x24 ||
					 op == 0x3f || op == 0x21;
			uint32_t hdr = BHS + 4u * s->buf[4];
			s->keep = keep_data ? s->pdu_len : hdr;
			if (s->keep > hdr + TEXT_KEEP)
				s->keep = hdr + TEXT_KEEP;
			if (s->keep > s->pdu_len)
				s->keep = s->pdu_len;
			buf_fit(s, s->keep);
		}
		uint32_t want = s->pdu_len - s->got;
		uint32_t take = want < n ? want : (uint32_t)n;
		if (s->got < s->keep) {
			uint32_t k = s->keep - s->got < take ? s->keep - s->got : take;
			memcpy(s->buf + s->got, p, k);
		}
		s->got += take;
		p += take;
		n -= take;
		if (s->got == s->pdu_len) {
			pdu_emit(c, s);
			s->got = s->pdu_len = s->keep = 0;
		}
	}
}

/* Bytes of a segment the capture did not keep (snaplen): fine inside bulk data we do not keep;
 * anywhere else the framing is lost. */
static void stream_skip(struct dctx *c, struct stream *s, uint32_t n)
{
	if (!n || !s->synced)
		return;
	if (s->got >= BHS && s->pdu_len - s->got >= n) {
		if (s->keep > s->got)
			s->keep = s->got; /* the text is cut here: decode what was captured */
		s->got += n;
		if (s->got == s->pdu_len) {
			pdu_emit(c, s);
			s->got = s->pdu_len = s->keep = 0;
		}
		return;
	}
	s->synced = false;
	s->got = s->pdu_len = s->keep = 0;
}

void iscsi_decode(struct dctx *c, const uint8_t *p, size_t len)
{
	const struct pnb_packet *pk = &c->pkt;
	if (!c->iscsi) {
		c->iscsi = xcalloc(1, sizeof(*c->iscsi));
		c->iscsi->t = flow_table_new(ISCSI_FLOWS, sizeof(struct stream), stream_drop, NULL);
	}
	bool to_target = pk->dport == 3260 || pk->dport == 860;
	struct flow_key k = {pk->src_ip, pk->dst_ip, pk->sport, pk->dport, 3260};
	struct stream *s = flow_get(c->iscsi->t, &k);
	if (pk->tcp_flags & 0x04) { /* RST: the connection is gone */
		if (s) {
			stream_drop(s, NULL);
			flow_del(c->iscsi->t, s);
		}
		return;
	}
	if (!s)
		s = dec_flow_add(c, c->iscsi->t, &k);
	uint32_t seq = pk->tcp_seq;
	if (pk->tcp_flags & 0x02) { /* SYN: a new connection, framed from its first byte */
		free(s->buf);
		free(s->txt);
		memset(s, 0, sizeof(*s));
		s->seq_known = s->synced = true;
		s->next_seq = seq + 1;
		seq++;
	}
	uint32_t wire = pk->payload_len > len ? pk->payload_len : (uint32_t)len;
	if (!wire)
		return;
	if (!s->seq_known) {
		s->seq_known = true; /* joined mid-stream */
		s->synced = false;
		s->next_seq = seq;
	}
	int32_t off = (int32_t)(seq - s->next_seq);
	if (off < 0) { /* retransmitted bytes we have already seen */
		uint32_t dup = (uint32_t)-(int64_t)off;
		if (dup >= wire)
			return;
		wire -= dup;
		if (dup >= len) {
			len = 0;
		} else {
			p += dup;
			len -= dup;
		}
		seq = s->next_seq;
	} else if (off > 0) { /* a gap: the framing is lost */
		s->synced = false;
		s->got = s->pdu_len = s->keep = 0;
	}
	s->next_seq = seq + wire;
	stream_feed(c, s, p, len, to_target);
	stream_skip(c, s, wire - (uint32_t)len);
}

const char *iscsi_opcode_name(uint8_t op)
{
	switch (op) {
	case 0x00: return "NOP-Out";
	case 0x01: return "SCSI Command";
	case 0x02: return "Task Management Request";
	case 0x03: return "Login Request";
	case 0x04: return "Text Request";
	case 0x05: return "SCSI Data-Out";
	case 0x06: return "Logout Request";
	case 0x10: return "SNACK Request";
	case 0x20: return "NOP-In";
	case 0x21: return "SCSI Response";
	case 0x22: return "Task Management Response";
	case 0x23: return "Login Response";
	case 0x24: return "Text Response";
	case 0x25: return "SCSI Data-In";
	case 0x26: return "Logout Response";
	case 0x31: return "R2T";
	case 0x32: return "Async Message";
	case 0x3f: return "Reject";
	default: return "Unknown PDU";
	}
}

const char *iscsi_login_status_name(uint8_t cls, uint8_t detail)
{
	static const char *const c1[] = {"Target moved (unspecified)", "Target moved temporarily",
					 "Target moved permanently"};
	static const char *const c2[] = {
		"Initiator error",         "Authentication failure",
		"Authorization failure",   "Target not found",
		"Target removed",          "Unsupported version",
		"Too many connections",    "Missing parameter",
		"Can't include in session", "Session type not supported",
		"Session does not exist",  "Invalid request during login"};
	static const char *const c3[] = {"Target error", "Service unavailable",
					 "Out of resources"};
	switch (cls) {
	case 0: return detail == 0 ? "Success" : "Success (unknown detail)";
	case 1: return detail < PNB_ARRAY_LEN(c1) ? c1[detail] : "Redirection";
	case 2: return detail < PNB_ARRAY_LEN(c2) ? c2[detail] : "Initiator error";
	case 3: return detail < PNB_ARRAY_LEN(c3) ? c3[detail] : "Target error";
	default: return "Unknown status";
	}
}

const char *scsi_opcode_name(uint8_t op)
{
	switch (op) {
	case 0x00: return "TEST UNIT READY";
	case 0x03: return "REQUEST SENSE";
	case 0x12: return "INQUIRY";
	case 0x1a: return "MODE SENSE(6)";
	case 0x25: return "READ CAPACITY(10)";
	case 0x28: return "READ(10)";
	case 0x2a: return "WRITE(10)";
	case 0x35: return "SYNCHRONIZE CACHE(10)";
	case 0x5a: return "MODE SENSE(10)";
	case 0x88: return "READ(16)";
	case 0x8a: return "WRITE(16)";
	case 0x9e: return "READ CAPACITY(16)";
	case 0xa0: return "REPORT LUNS";
	default: return "SCSI opcode";
	}
}
