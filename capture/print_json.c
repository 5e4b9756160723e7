/* print_json — JSON lines: one object per event. Field names are a contract (pinetboot(1),
 * JSON OUTPUT): add fields, never rename or remove them. */
#include <stdlib.h>
#include <string.h>

#include "capture/print.h"
#include "core/base/util.h"

struct json_printer {
	struct pnb_out out;
	struct line l;
};

struct json_printer *json_printer_new(const struct pnb_out *out)
{
	struct json_printer *jp = xcalloc(1, sizeof(*jp));
	jp->out = *out;
	return jp;
}

void json_printer_free(struct json_printer *jp)
{
	free(jp);
}

static void key(struct line *l, const char *k)
{
	put_str(l, ",\"");
	put_str(l, k);
	put_str(l, "\":");
}

static void kstr(struct line *l, const char *k, const char *v)
{
	key(l, k);
	put_json_cstr(l, v);
}

static void kbytes(struct line *l, const char *k, struct pnb_bytes b)
{
	if (!b.len)
		return;
	key(l, k);
	put_json_str(l, b.p, b.len);
}

static void kint(struct line *l, const char *k, int64_t v)
{
	key(l, k);
	put_i64(l, v);
}

static void kbool(struct line *l, const char *k, bool v)
{
	key(l, k);
	put_str(l, v ? "true" : "false");
}

static void kip(struct line *l, const char *k, uint32_t ip)
{
	key(l, k);
	put_ch(l, '"');
	put_ip(l, ip);
	put_ch(l, '"');
}

static void kmac(struct line *l, const char *k, const uint8_t mac[6])
{
	key(l, k);
	put_ch(l, '"');
	put_mac(l, mac);
	put_ch(l, '"');
}

static void khex(struct line *l, const char *k, uint64_t v, int digits)
{
	key(l, k);
	put_str(l, "\"0x");
	put_hex(l, v, digits);
	put_ch(l, '"');
}

static void khexbytes(struct line *l, const char *k, struct pnb_bytes b)
{
	if (!b.len)
		return;
	key(l, k);
	put_ch(l, '"');
	put_hexbytes(l, b.p, b.len);
	put_ch(l, '"');
}

static void dhcp_json(struct line *l, const struct ev_dhcp *d)
{
	kint(l, "op", d->op);
	kint(l, "msg_type", d->msg_type);
	kstr(l, "msg", d->msg_type ? dhcp_msg_name(d->msg_type) : "BOOTP");
	khex(l, "xid", d->xid, 8);
	kmac(l, "chaddr", d->chaddr);
	kint(l, "hops", d->hops);
	kip(l, "ciaddr", d->ciaddr);
	kip(l, "yiaddr", d->yiaddr);
	kip(l, "siaddr", d->siaddr);
	kip(l, "giaddr", d->giaddr);
	if (d->server_id)
		kip(l, "server_id", d->server_id);
	if (d->requested_ip)
		kip(l, "requested_ip", d->requested_ip);
	kbytes(l, "vendor_class", d->vendor_class);
	khexbytes(l, "option43", d->vendor_opts);
	if (d->has_pxe_menu) {
		kbytes(l, "pxe_menu", d->pxe_menu_text);
		kint(l, "pxe_menu_type", d->pxe_menu_type);
	}
	if (d->has_pxe_discovery)
		kint(l, "pxe_discovery", d->pxe_discovery);
	kbytes(l, "pxe_prompt", d->pxe_prompt);
	kbytes(l, "tftp_server", d->tftp_server);
	kbytes(l, "bootfile", d->bootfile);
	kbytes(l, "hostname", dhcp_option(d, 12));
	kbytes(l, "root_path", dhcp_option(d, 17));
	kbytes(l, "message", dhcp_option(d, 56));
	khexbytes(l, "client_id", dhcp_option(d, 61));
	struct pnb_bytes lease = dhcp_option(d, 51);
	if (lease.len == 4)
		kint(l, "lease_time", (uint32_t)lease.p[0] << 24 | (uint32_t)lease.p[1] << 16 |
					       (uint32_t)lease.p[2] << 8 | lease.p[3]);
	struct pnb_bytes prl = dhcp_option(d, 55);
	if (prl.len) {
		key(l, "param_list");
		put_ch(l, '[');
		for (unsigned i = 0; i < prl.len; i++) {
			if (i)
				put_ch(l, ',');
			put_u64(l, prl.p[i]);
		}
		put_ch(l, ']');
	}
	kbytes(l, "sname", d->sname);
	kbytes(l, "file", d->file);
	if (d->has_arch)
		kint(l, "arch", d->client_arch);
	khexbytes(l, "option97", d->client_guid);
	if (d->pi_guid) {
		if (d->pi_fourcc[0]) {
			kstr(l, "pi_fourcc", d->pi_fourcc);
			khex(l, "pi_revision", d->pi_revision, 6);
		}
		key(l, "pi_serial");
		put_ch(l, '"');
		put_hex(l, d->pi_serial, 8);
		put_ch(l, '"');
	}
	kbool(l, "overload", d->overload_used);
	key(l, "options");
	put_ch(l, '[');
	for (unsigned i = 0; i < d->n_opts_stored; i++) {
		if (i)
			put_ch(l, ',');
		put_u64(l, d->opts[i].code);
	}
	put_ch(l, ']');
}

static void tftp_json(struct line *l, const struct ev_tftp *t)
{
	static const char *const ops[] = {"", "RRQ", "WRQ", "DATA", "ACK", "ERROR", "OACK"};
	kint(l, "opcode", t->opcode);
	kstr(l, "op", t->opcode >= 1 && t->opcode <= 6 ? ops[t->opcode] : "unknown");
	kbytes(l, "file", t->filename);
	kbytes(l, "mode", t->mode);
	if (t->opcode == TFTP_DATA || t->opcode == TFTP_ACK) {
		kint(l, "block", t->block);
		kint(l, "block_full", t->block_full);
	}
	if (t->opcode == TFTP_DATA)
		kint(l, "data_len", t->data_len);
	if (t->opcode == TFTP_ERROR) {
		kint(l, "error_code", t->error_code);
		kstr(l, "error", tftp_error_name(t->error_code));
		kbytes(l, "error_msg", t->error_msg);
	}
	if (t->tsize >= 0)
		kint(l, "tsize", t->tsize);
	if (t->blksize >= 0)
		kint(l, "blksize", t->blksize);
	if (t->timeout >= 0)
		kint(l, "timeout", t->timeout);
	if (t->windowsize >= 0)
		kint(l, "windowsize", t->windowsize);
	if (t->transfer_file)
		kstr(l, "transfer_file", t->transfer_file);
	if (t->retransmission)
		kbool(l, "retransmission", true);
}

static void xfer_json(struct line *l, const struct ev_tftp_xfer *x)
{
	kstr(l, "file", x->filename);
	kmac(l, "client_mac", x->client_mac);
	kip(l, "client", x->client_ip);
	kip(l, "server", x->server_ip);
	kstr(l, "end", xfer_end_name(x->end));
	if (x->end == XFER_ERROR || (x->end == XFER_ABORTED && x->error_code)) {
		kint(l, "error_code", x->error_code);
		kstr(l, "error", tftp_error_name(x->error_code));
		kbool(l, "error_from_client", x->error_from_client);
		if (x->error_msg && *x->error_msg)
			kstr(l, "error_msg", x->error_msg);
	}
	kint(l, "bytes", (int64_t)x->bytes);
	kint(l, "blocks", x->blocks);
	kint(l, "retransmissions", x->retransmissions);
	kint(l, "blksize", x->blksize);
	if (x->tsize >= 0)
		kint(l, "tsize", x->tsize);
	kbool(l, "probe", x->probe);
	key(l, "duration");
	put_u64(l, (uint64_t)(x->duration * 1e6) / 1000000);
	put_ch(l, '.');
	uint64_t us = (uint64_t)(x->duration * 1e6) % 1000000;
	char t[6];
	for (int i = 5; i >= 0; i--, us /= 10)
		t[i] = (char)('0' + us % 10);
	put_mem(l, t, 6);
}

static void iscsi_json(struct line *l, const struct ev_iscsi *s)
{
	khex(l, "opcode", s->opcode, 2);
	kstr(l, "pdu", iscsi_opcode_name(s->opcode));
	khex(l, "itt", s->itt, 8);
	kint(l, "data_len", s->data_len);
	if (s->opcode == 0x03 || s->opcode == 0x23) {
		kint(l, "csg", s->csg);
		if (s->transit)
			kint(l, "nsg", s->nsg);
		kbool(l, "transit", s->transit);
	}
	if (s->opcode == 0x23) {
		khex(l, "status", (uint32_t)s->status_class << 8 | s->status_detail, 4);
		kstr(l, "status_text", iscsi_login_status_name(s->status_class, s->status_detail));
	}
	kbytes(l, "initiator_name", s->initiator_name);
	kbytes(l, "target_name", s->target_name);
	kbytes(l, "auth_method", s->auth_method);
	kbytes(l, "session_type", s->session_type);
	if (s->opcode == 0x01) {
		khex(l, "cdb_opcode", s->cdb_opcode, 2);
		kstr(l, "scsi_command", scsi_opcode_name(s->cdb_opcode));
		kint(l, "lun", (int64_t)(s->lun >> 48 & 0x3fff));
		kint(l, "expected_len", s->expected_len);
		if (s->blocks) {
			kint(l, "lba", (int64_t)s->lba);
			kint(l, "blocks", s->blocks);
		}
	}
	if (s->opcode == 0x21) {
		kint(l, "response", s->response);
		khex(l, "scsi_status", s->scsi_status, 2);
		if (s->has_sense) {
			khex(l, "sense_key", s->sense_key, 2);
			khex(l, "asc", s->asc, 2);
			khex(l, "ascq", s->ascq, 2);
		}
	}
	if (s->opcode == 0x06)
		kint(l, "logout_reason", s->logout_reason);
	if (s->opcode == 0x26)
		kint(l, "logout_response", s->logout_response);
	if (s->opcode == 0x3f)
		khex(l, "reject_reason", s->reject_reason, 2);
	if (s->resynced)
		kbool(l, "resynced", true);
}

static void rpc_json(struct line *l, const struct ev_rpc *r)
{
	khex(l, "xid", r->xid, 8);
	kbool(l, "reply", r->reply);
	if (!r->reply || r->matched) {
		kint(l, "prog", r->prog);
		kstr(l, "program", rpc_prog_name(r->prog));
		kint(l, "vers", r->vers);
		kint(l, "proc", r->proc);
		kstr(l, "procedure", rpc_proc_name(r->prog, r->vers, r->proc));
	}
	if (r->reply) {
		kbool(l, "matched", r->matched);
		kint(l, "reply_stat", r->reply_stat);
		kint(l, "accept_stat", r->accept_stat);
		if (r->has_status) {
			kint(l, "status", r->status);
			kstr(l, "status_text", nfs_status_name(r->status));
		}
	}
	kbytes(l, "path", r->path);
}

static void arp_json(struct line *l, const struct ev_arp *a)
{
	kstr(l, "op", a->op == 1 ? "request" : a->op == 2 ? "reply" : "other");
	kmac(l, "sha", a->sha);
	kip(l, "spa", a->spa);
	kmac(l, "tha", a->tha);
	kip(l, "tpa", a->tpa);
}

static void tcp_json(struct line *l, const struct ev_tcp *t)
{
	kbool(l, "syn", t->syn);
	kbool(l, "ack", t->ack);
	kbool(l, "rst", t->rst);
	kbool(l, "fin", t->fin);
}

static void stp_json(struct line *l, const struct ev_stp *b)
{
	kint(l, "version", b->version);
	kint(l, "bpdu_type", b->bpdu_type);
	kint(l, "flags", b->flags);
	kint(l, "forward_delay", b->forward_delay);
}

/* One writer per kind, each taking its own part of the union: the switch only picks. */
static void event_body(struct line *l, const struct pnb_event *ev)
{
	switch (ev->kind) {
	case EV_DHCP:
		dhcp_json(l, &ev->u.dhcp);
		break;
	case EV_ARP:
		arp_json(l, &ev->u.arp);
		break;
	case EV_TFTP:
		tftp_json(l, &ev->u.tftp);
		break;
	case EV_TFTP_XFER:
		xfer_json(l, &ev->u.xfer);
		break;
	case EV_TCP:
		tcp_json(l, &ev->u.tcp);
		break;
	case EV_ISCSI:
		iscsi_json(l, &ev->u.iscsi);
		break;
	case EV_RPC:
		rpc_json(l, &ev->u.rpc);
		break;
	case EV_NETCONSOLE:
		kbytes(l, "line", ev->u.netconsole.line);
		break;
	case EV_STP:
		stp_json(l, &ev->u.stp);
		break;
	case EV_TRUNCATED:
		kstr(l, "why", ev->why ? ev->why : "truncated");
		break;
	default:
		break;
	}
}

void json_printer_event(struct json_printer *jp, const struct pnb_event *ev)
{
	struct line *l = &jp->l;
	line_reset(l);
	put_str(l, "{\"frame\":");
	put_u64(l, ev->frame);
	put_str(l, ",\"time\":");
	put_epoch(l, &ev->ts);
	kstr(l, "kind", event_kind_name(ev->kind));
	static const uint8_t none[6];
	if (memcmp(ev->src_mac, none, 6)) /* raw IP and most log lines carry no MAC: none is made up */
		kmac(l, "src_mac", ev->src_mac);
	if (ev->src_ip || ev->dst_ip) {
		kip(l, "src", ev->src_ip);
		kip(l, "dst", ev->dst_ip);
		kint(l, "sport", ev->sport);
		kint(l, "dport", ev->dport);
	}
	if (ev->vlan)
		kint(l, "vlan", ev->vlan);
	event_body(l, ev);
	if (l->cut) { /* never emit broken JSON: drop the body, keep what identifies it */
		line_reset(l);
		put_str(l, "{\"frame\":");
		put_u64(l, ev->frame);
		kstr(l, "kind", event_kind_name(ev->kind));
		kbool(l, "cut", true);
	}
	put_ch(l, '}');
	line_emit(l, &jp->out);
}
