/* print_text — one line per packet, like `tcpdump -nn -v` but Pi-aware: DHCP with the PXE
 * menu and the Pi's option 97, TFTP on the transfer ports with the file each block belongs to,
 * iSCSI PDUs, RPC calls and replies; plus one line per ended TFTP transfer. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "capture/print.h"
#include "core/base/util.h"

struct text_printer {
	struct pnb_out out;
	struct line l;      /* the current packet's line (summaries so far) */
	struct line tail;   /* transfer-end lines to write after it */
	unsigned n_summaries;
};

static void file_write(const char *s, size_t n, void *user)
{
	fwrite_unlocked(s, 1, n, (FILE *)user);
}

struct pnb_out pnb_out_file(void *file)
{
	struct pnb_out o = {file_write, file};
	return o;
}

struct text_printer *text_printer_new(const struct pnb_out *out)
{
	struct text_printer *tp = xcalloc(1, sizeof(*tp));
	tp->out = *out;
	return tp;
}

void text_printer_free(struct text_printer *tp)
{
	free(tp);
}

static void put_b(struct line *l, const char *label, struct pnb_bytes b)
{
	if (!b.len)
		return;
	put_ch(l, ' ');
	put_str(l, label);
	put_ch(l, ' ');
	put_quoted(l, b.p, b.len);
}

static void put_ipf(struct line *l, const char *label, uint32_t ip)
{
	if (!ip)
		return;
	put_ch(l, ' ');
	put_str(l, label);
	put_ch(l, ' ');
	put_ip(l, ip);
}

static uint32_t opt_u32(struct pnb_bytes b);

static void dhcp_summary(struct line *l, const struct ev_dhcp *d)
{
	if (d->msg_type) {
		put_str(l, "DHCP ");
		put_str(l, dhcp_msg_name(d->msg_type));
	} else {
		put_str(l, d->op == 1 ? "BOOTP Request" : "BOOTP Reply");
	}
	put_str(l, " xid 0x");
	put_hex(l, d->xid, 8);
	put_str(l, " chaddr ");
	put_mac(l, d->chaddr);
	put_ipf(l, "ciaddr", d->ciaddr);
	put_ipf(l, "yiaddr", d->yiaddr);
	put_ipf(l, "siaddr", d->siaddr);
	put_ipf(l, "giaddr", d->giaddr);
	put_ipf(l, "server-id", d->server_id);
	put_ipf(l, "requested", d->requested_ip);
	if (d->hops) {
		put_str(l, " hops ");
		put_u64(l, d->hops);
	}
	put_b(l, "vendor", d->vendor_class);
	if (d->has_arch) {
		put_str(l, " arch ");
		put_u64(l, d->client_arch);
	}
	if (d->has_pxe_menu) {
		put_b(l, "pxe-menu", d->pxe_menu_text);
	} else if (d->vendor_opts.len) {
		put_str(l, " opt43 ");
		put_hexbytes(l, d->vendor_opts.p, d->vendor_opts.len);
	}
	if (d->has_pxe_discovery) {
		put_str(l, " pxe-discovery ");
		put_u64(l, d->pxe_discovery);
	}
	put_b(l, "tftp-server", d->tftp_server);
	put_b(l, "bootfile", d->bootfile);
	put_b(l, "hostname", dhcp_option(d, 12));
	put_b(l, "root-path", dhcp_option(d, 17));
	put_b(l, "message", dhcp_option(d, 56));
	struct pnb_bytes lease = dhcp_option(d, 51);
	if (lease.len == 4) {
		put_str(l, " lease ");
		put_u64(l, opt_u32(lease));
	}
	put_b(l, "sname", d->sname);
	put_b(l, "file", d->file);
	if (d->pi_guid) {
		put_str(l, " pi-guid");
		if (d->pi_fourcc[0]) {
			put_ch(l, ' ');
			put_safe(l, d->pi_fourcc);
			put_str(l, " rev ");
			put_hex(l, d->pi_revision, 6);
		}
		put_str(l, " serial ");
		put_hex(l, d->pi_serial, 8);
	} else if (d->client_guid.len) {
		put_str(l, " guid ");
		put_hexbytes(l, d->client_guid.p, d->client_guid.len);
	}
	if (d->overload_used)
		put_str(l, " (overload)");
}

static void tftp_opts(struct line *l, const struct ev_tftp *t)
{
	if (t->tsize >= 0) {
		put_str(l, " tsize=");
		put_i64(l, t->tsize);
	}
	if (t->blksize >= 0) {
		put_str(l, " blksize=");
		put_i64(l, t->blksize);
	}
	if (t->timeout >= 0) {
		put_str(l, " timeout=");
		put_i64(l, t->timeout);
	}
	if (t->windowsize >= 0) {
		put_str(l, " windowsize=");
		put_i64(l, t->windowsize);
	}
}

static void tftp_summary(struct line *l, const struct ev_tftp *t)
{
	static const char *const ops[] = {"", "RRQ", "WRQ", "DATA", "ACK", "ERROR", "OACK"};
	put_str(l, "TFTP ");
	if (t->opcode >= 1 && t->opcode <= 6) {
		put_str(l, ops[t->opcode]);
	} else {
		put_str(l, "opcode ");
		put_u64(l, t->opcode);
	}
	switch (t->opcode) {
	case TFTP_RRQ:
	case TFTP_WRQ:
		put_ch(l, ' ');
		put_quoted(l, t->filename.p, t->filename.len);
		put_ch(l, ' ');
		put_mem(l, (const char *)t->mode.p, t->mode.len);
		tftp_opts(l, t);
		return;
	case TFTP_DATA:
	case TFTP_ACK:
		put_str(l, " block ");
		put_u64(l, t->block);
		if (t->opcode == TFTP_DATA) {
			put_str(l, ", ");
			put_u64(l, t->data_len);
			put_str(l, " bytes");
		}
		if (t->retransmission)
			put_str(l, " (retransmission)");
		break;
	case TFTP_ERROR:
		put_ch(l, ' ');
		put_u64(l, t->error_code);
		put_ch(l, ' ');
		put_str(l, tftp_error_name(t->error_code));
		if (t->error_msg.len && (t->error_msg.len != strlen(tftp_error_name(t->error_code)) ||
					 strncasecmp((const char *)t->error_msg.p,
						     tftp_error_name(t->error_code), t->error_msg.len))) {
			put_ch(l, ' ');
			put_quoted(l, t->error_msg.p, t->error_msg.len);
		}
		break;
	case TFTP_OACK:
		tftp_opts(l, t);
		break;
	default:
		break;
	}
	if (t->transfer_file) {
		put_str(l, " [");
		put_safe(l, t->transfer_file);
		put_ch(l, ']');
	}
}

static void xfer_summary(struct line *l, const struct ev_tftp_xfer *x)
{
	put_str(l, "TFTP transfer ");
	put_quoted(l, (const uint8_t *)x->filename, strlen(x->filename));
	put_str(l, " to ");
	put_ip(l, x->client_ip);
	put_ch(l, ' ');
	put_str(l, xfer_end_name(x->end));
	if (x->probe)
		put_str(l, " (tsize probe, normal)");
	if (x->end == XFER_ERROR) {
		put_str(l, x->error_from_client ? " by the client: " : ": ");
		put_u64(l, x->error_code);
		put_ch(l, ' ');
		put_str(l, tftp_error_name(x->error_code));
	}
	put_str(l, ", ");
	put_u64(l, x->bytes);
	put_str(l, " bytes in ");
	put_u64(l, x->blocks);
	put_str(l, " blocks");
	if (x->tsize >= 0) {
		put_str(l, " of ");
		put_i64(l, x->tsize);
	}
	put_str(l, ", ");
	put_u64(l, (uint64_t)(x->duration * 1000));
	put_str(l, " ms");
	if (x->retransmissions) {
		put_str(l, ", ");
		put_u64(l, x->retransmissions);
		put_str(l, " retransmissions");
	}
}

/* key=value\0… as "key=value, key=value" (at most 160 bytes of it). */
static void put_keys(struct line *l, struct pnb_bytes t)
{
	size_t n = t.len < 160 ? t.len : 160;
	bool first = true;
	put_ch(l, ' ');
	for (size_t i = 0; i < n;) {
		const uint8_t *z = memchr(t.p + i, 0, n - i);
		size_t e = z ? (size_t)(z - t.p) : n;
		if (e > i) {
			if (!first)
				put_str(l, ", ");
			first = false;
			for (size_t k = i; k < e; k++)
				put_ch(l, t.p[k] >= 0x20 && t.p[k] < 0x7f ? (char)t.p[k] : '?');
		}
		i = e + 1;
	}
	if (t.len > n)
		put_str(l, ", ...");
}

static void iscsi_summary(struct line *l, const struct ev_iscsi *s)
{
	put_str(l, "iSCSI ");
	put_str(l, iscsi_opcode_name(s->opcode));
	if (s->resynced)
		put_str(l, " (resynchronised)");
	put_str(l, " ITT 0x");
	put_hex(l, s->itt, 8);
	switch (s->opcode) {
	case 0x03:
	case 0x23:
		put_str(l, " CSG ");
		put_u64(l, s->csg);
		if (s->transit) {
			put_str(l, " NSG ");
			put_u64(l, s->nsg);
		}
		if (s->opcode == 0x23) {
			put_str(l, " status 0x");
			put_hex(l, (uint32_t)s->status_class << 8 | s->status_detail, 4);
			put_ch(l, ' ');
			put_str(l, iscsi_login_status_name(s->status_class, s->status_detail));
		}
		put_b(l, "InitiatorName", s->initiator_name);
		put_b(l, "TargetName", s->target_name);
		put_b(l, "AuthMethod", s->auth_method);
		put_b(l, "SessionType", s->session_type);
		break;
	case 0x01:
		put_ch(l, ' ');
		put_str(l, scsi_opcode_name(s->cdb_opcode));
		put_str(l, " LUN ");
		put_u64(l, s->lun >> 48 & 0x3fff);
		if (s->blocks) {
			put_str(l, " LBA ");
			put_u64(l, s->lba);
			put_str(l, " blocks ");
			put_u64(l, s->blocks);
		}
		break;
	case 0x21:
		put_str(l, " response ");
		put_u64(l, s->response);
		put_str(l, " status 0x");
		put_hex(l, s->scsi_status, 2);
		if (s->has_sense) {
			put_str(l, " sense ");
			put_hex(l, s->sense_key, 2);
			put_ch(l, '/');
			put_hex(l, s->asc, 2);
			put_ch(l, '/');
			put_hex(l, s->ascq, 2);
		}
		break;
	case 0x04:
	case 0x24:
		if (s->text.len)
			put_keys(l, s->text);
		break;
	case 0x06:
		put_str(l, " reason ");
		put_u64(l, s->logout_reason);
		break;
	case 0x26:
		put_str(l, " response ");
		put_u64(l, s->logout_response);
		break;
	case 0x3f:
		put_str(l, " reason 0x");
		put_hex(l, s->reject_reason, 2);
		break;
	case 0x25:
	case 0x05:
		put_str(l, ", ");
		put_u64(l, s->data_len);
		put_str(l, " bytes");
		break;
	default:
		break;
	}
}

static void rpc_summary(struct line *l, const struct ev_rpc *r)
{
	put_str(l, "RPC ");
	put_str(l, r->reply ? "reply " : "call ");
	if (!r->reply || r->matched) {
		put_str(l, rpc_prog_name(r->prog));
		put_str(l, " v");
		put_u64(l, r->vers);
		put_ch(l, ' ');
		put_str(l, rpc_proc_name(r->prog, r->vers, r->proc));
	}
	put_str(l, " xid 0x");
	put_hex(l, r->xid, 8);
	put_b(l, "path", r->path);
	if (r->reply) {
		if (r->reply_stat) {
			put_str(l, " denied");
		} else if (r->accept_stat) {
			put_str(l, " accept_stat ");
			put_u64(l, r->accept_stat);
		}
		if (r->has_status) {
			put_str(l, " status ");
			put_u64(l, r->status);
			put_ch(l, ' ');
			put_str(l, nfs_status_name(r->status));
		}
	}
}

void text_event_summary(struct line *l, const struct pnb_event *ev)
{
	switch (ev->kind) {
	case EV_DHCP:
		dhcp_summary(l, &ev->u.dhcp);
		break;
	case EV_ARP:
		if (ev->u.arp.op == 1) {
			put_str(l, "ARP who-has ");
			put_ip(l, ev->u.arp.tpa);
			put_str(l, " tell ");
			put_ip(l, ev->u.arp.spa);
		} else {
			put_str(l, "ARP reply ");
			put_ip(l, ev->u.arp.spa);
			put_str(l, " is-at ");
			put_mac(l, ev->u.arp.sha);
		}
		break;
	case EV_TFTP:
		tftp_summary(l, &ev->u.tftp);
		break;
	case EV_TFTP_XFER:
		xfer_summary(l, &ev->u.xfer);
		break;
	case EV_TCP:
		put_str(l, "TCP");
		if (ev->u.tcp.syn)
			put_str(l, ev->u.tcp.ack ? " SYN-ACK" : " SYN");
		if (ev->u.tcp.rst)
			put_str(l, " RST");
		if (ev->u.tcp.fin)
			put_str(l, " FIN");
		break;
	case EV_ISCSI:
		iscsi_summary(l, &ev->u.iscsi);
		break;
	case EV_RPC:
		rpc_summary(l, &ev->u.rpc);
		break;
	case EV_NETCONSOLE:
		put_str(l, "NETCONSOLE ");
		put_quoted(l, ev->u.netconsole.line.p, ev->u.netconsole.line.len);
		break;
	case EV_STP:
		put_str(l, ev->u.stp.version >= 3 ? "STP BPDU (MSTP)"
			   : ev->u.stp.version == 2 ? "STP BPDU (RSTP)"
						    : "STP BPDU");
		if (ev->u.stp.forward_delay) {
			put_str(l, " forward-delay ");
			put_u64(l, ev->u.stp.forward_delay);
			put_ch(l, 's');
		}
		break;
	case EV_TRUNCATED:
		put_str(l, "[|");
		put_str(l, ev->why ? ev->why : "truncated");
		put_ch(l, ']');
		break;
	default:
		break;
	}
}

static void put_endpoint(struct line *l, uint32_t ip, uint16_t port, bool has_port)
{
	put_ip(l, ip);
	if (has_port) {
		put_ch(l, '.');
		put_u64(l, port);
	}
}

static void packet_head(struct line *l, const struct pnb_packet *p)
{
	put_time(l, &p->ts);
	put_str(l, " #");
	put_u64(l, p->frame);
	put_ch(l, ' ');
	if (p->vlan) {
		put_str(l, "vlan ");
		put_u64(l, p->vlan);
		put_ch(l, ' ');
	}
	if (p->ip) {
		bool ports = !p->fragment && (p->ipproto == 6 || p->ipproto == 17);
		put_endpoint(l, p->src_ip, p->sport, ports);
		put_str(l, " > ");
		put_endpoint(l, p->dst_ip, p->dport, ports);
	} else if (!p->dlt_unknown && !p->raw) {
		put_mac(l, p->src_mac);
		put_str(l, " > ");
		put_mac(l, p->dst_mac);
	} else {
		put_ch(l, '-'); /* no addresses were decoded: none are made up */
	}
	put_str(l, ": ");
}

static void generic_summary(struct line *l, const struct pnb_packet *p)
{
	if (p->dlt_unknown) {
		put_str(l, p->dlt_unknown);
	} else if (p->fragment) {
		put_str(l, "IPv4 fragment");
	} else if (p->ip && p->ipproto == 17) {
		put_str(l, "UDP, length ");
		put_u64(l, p->payload_len);
	} else if (p->ip && p->ipproto == 6) {
		static const char fl[] = "FSRP.";
		put_str(l, "TCP [");
		for (int i = 0; i < 5; i++)
			if (p->tcp_flags & (1u << i))
				put_ch(l, fl[i]);
		put_str(l, "], length ");
		put_u64(l, p->payload_len);
	} else if (p->ip) {
		put_str(l, "IPv4 protocol ");
		put_u64(l, p->ipproto);
	} else if (p->ethertype == 0x86dd && p->raw) {
		put_str(l, "IPv6 (not decoded)");
	} else if (p->ethertype) {
		put_str(l, "ethertype 0x");
		put_hex(l, p->ethertype, 4);
	} else {
		put_str(l, "802.3 LLC");
	}
	put_str(l, ", ");
	put_u64(l, p->wirelen);
	put_str(l, " bytes");
}

void text_printer_event(struct text_printer *tp, const struct pnb_event *ev)
{
	if (ev->kind == EV_TFTP_XFER) {
		struct line *t = &tp->tail;
		if (t->n)
			put_ch(t, '\n');
		put_time(t, &ev->ts);
		put_str(t, "    ");
		xfer_summary(t, &ev->u.xfer);
		return;
	}
	if (tp->n_summaries++)
		put_str(&tp->l, "; ");
	text_event_summary(&tp->l, ev);
}

void text_printer_packet(struct text_printer *tp, const struct pnb_packet *pkt)
{
	struct line head;
	line_reset(&head);
	packet_head(&head, pkt);
	if (tp->n_summaries)
		put_mem(&head, tp->l.b, tp->l.n);
	else
		generic_summary(&head, pkt);
	head.cut |= tp->l.cut;
	line_emit(&head, &tp->out);
	line_reset(&tp->l);
	tp->n_summaries = 0;
	text_printer_flush(tp);
}

void text_printer_event_line(struct text_printer *tp, const struct pnb_event *ev,
			     const char *origin)
{
	struct line l;
	line_reset(&l);
	put_time(&l, &ev->ts);
	put_ch(&l, ' ');
	put_str(&l, origin && *origin ? origin : "event");
	put_ch(&l, ' ');
	text_event_summary(&l, ev);
	text_printer_flush(tp); /* transfer ends already found come first */
	line_emit(&l, &tp->out);
}

void text_printer_flush(struct text_printer *tp)
{
	if (tp->tail.n)
		line_emit(&tp->tail, &tp->out);
}

struct pnb_bytes dhcp_option(const struct ev_dhcp *d, uint8_t code)
{
	for (unsigned i = 0; i < d->n_opts_stored; i++)
		if (d->opts[i].code == code)
			return d->opts[i].val;
	struct pnb_bytes none = {NULL, 0};
	return none;
}

static uint32_t opt_u32(struct pnb_bytes b)
{
	return b.len == 4 ? (uint32_t)b.p[0] << 24 | (uint32_t)b.p[1] << 16 |
				    (uint32_t)b.p[2] << 8 | b.p[3]
			  : 0;
}

const char *event_kind_name(enum pnb_event_kind k)
{
	static const char *const names[EV_KIND_COUNT] = {
		"dhcp", "arp", "tftp", "tftp_xfer", "tcp", "iscsi", "rpc", "netconsole", "stp",
		"truncated"};
	return (unsigned)k < EV_KIND_COUNT ? names[k] : "unknown";
}

const char *xfer_end_name(enum tftp_xfer_end e)
{
	static const char *const names[] = {"complete", "error", "aborted", "timeout"};
	return (unsigned)e < PNB_ARRAY_LEN(names) ? names[e] : "unknown";
}
