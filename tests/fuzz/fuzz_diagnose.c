/* fuzz_diagnose — the diagnosis engine on arbitrary event sequences: the fuzz bytes choose each
 * event's kind, its Pi (three Pi MACs and a server), the clock step and every field, with byte
 * ranges pointing into the input. The engine must never crash, leak or read past a range, and
 * every Pi must end with a verdict sentence. A site profile is loaded so the cross-checks run. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/monitor/diagnose.h"
#include "core/site/profile.h"

struct rd {
	const uint8_t *p;
	size_t n, i;
};

static uint8_t u8(struct rd *r)
{
	return r->i < r->n ? r->p[r->i++] : 0;
}

static uint32_t u32(struct rd *r)
{
	return (uint32_t)u8(r) << 24 | (uint32_t)u8(r) << 16 | (uint32_t)u8(r) << 8 | u8(r);
}

static struct pnb_bytes bytes(struct rd *r)
{
	struct pnb_bytes b = {NULL, 0};
	uint8_t len = u8(r) % 48;
	if (len && r->i + len <= r->n) {
		b.p = r->p + r->i;
		b.len = len;
		r->i += len;
	}
	return b;
}

static const uint8_t MACS[4][6] = {{0xdc, 0xa6, 0x32, 0x1c, 0x6a, 0x2a},
				   {0xb8, 0x27, 0xeb, 0xaf, 0x9c, 0x61},
				   {0x2c, 0xcf, 0x67, 0x01, 0x02, 0x03},
				   {0x52, 0x54, 0x00, 0x00, 0x00, 0x01}};

static void fill(struct rd *r, struct pnb_event *ev, char *name, size_t name_len)
{
	struct pnb_bytes nb;
	switch (ev->kind) {
	case EV_DHCP: {
		struct ev_dhcp *h = &ev->u.dhcp;
		h->op = u8(r) & 1 ? 1 : 2;
		h->msg_type = u8(r) % 9;
		h->hops = u8(r) & 1;
		h->secs = u8(r);
		h->yiaddr = u32(r);
		h->siaddr = u32(r);
		h->giaddr = u8(r) & 1 ? u32(r) : 0;
		h->server_id = u32(r);
		h->subnet_mask = u8(r) & 1 ? 0xffffff00 : 0;
		memcpy(h->chaddr, MACS[u8(r) % 4], 6);
		h->vendor_class = bytes(r);
		if (u8(r) & 1) {
			h->vendor_class.p = (const uint8_t *)"PXEClient:Arch:00000:UNDI:002001";
			h->vendor_class.len = 32;
		}
		h->vendor_opts = bytes(r);
		h->pxe_valid = u8(r) & 1;
		h->tftp_server = bytes(r);
		h->bootfile = bytes(r);
		h->client_guid = bytes(r);
		h->pi_guid = u8(r) & 1;
		memcpy(h->pi_fourcc, u8(r) & 1 ? "RPi5" : "RPi4", 5);
		h->pi_revision = u32(r);
		h->pi_serial = u32(r);
		h->n_opts_stored = u8(r) % 3;
		for (unsigned i = 0; i < h->n_opts_stored; i++) {
			h->opts[i].code = u8(r);
			h->opts[i].val = bytes(r);
		}
		break;
	}
	case EV_ARP:
		ev->u.arp.op = u8(r) % 3;
		memcpy(ev->u.arp.sha, ev->src_mac, 6);
		ev->u.arp.spa = u32(r);
		ev->u.arp.tpa = u32(r);
		break;
	case EV_TFTP:
		ev->u.tftp.opcode = u8(r) % 7;
		ev->u.tftp.filename = bytes(r);
		ev->u.tftp.error_code = u8(r) % 9;
		nb = bytes(r);
		memcpy(name, nb.p ? (const char *)nb.p : "", nb.len < name_len ? nb.len : 0);
		name[nb.len < name_len ? nb.len : 0] = '\0';
		ev->u.tftp.transfer_file = u8(r) & 1 ? name : NULL;
		break;
	case EV_TFTP_XFER:
		nb = bytes(r);
		memcpy(name, nb.p ? (const char *)nb.p : "", nb.len < name_len ? nb.len : 0);
		name[nb.len < name_len ? nb.len : 0] = '\0';
		ev->u.xfer.filename = u8(r) & 1 ? name : NULL;
		memcpy(ev->u.xfer.client_mac, MACS[u8(r) % 4], 6);
		ev->u.xfer.end = (enum tftp_xfer_end)(u8(r) % 4);
		ev->u.xfer.error_code = u8(r) % 9;
		ev->u.xfer.error_from_client = u8(r) & 1;
		ev->u.xfer.probe = u8(r) & 1;
		ev->u.xfer.blocks = u32(r) % 70000;
		ev->u.xfer.retransmissions = u8(r);
		ev->u.xfer.blksize = (int32_t)(u8(r) * 8) - 8;
		ev->u.xfer.tsize = (int64_t)u32(r) - 1;
		ev->u.xfer.duration = u8(r) / 4.0;
		break;
	case EV_TCP:
		ev->u.tcp.syn = u8(r) & 1;
		ev->u.tcp.ack = u8(r) & 1;
		ev->u.tcp.rst = u8(r) & 1;
		break;
	case EV_ISCSI:
		ev->u.iscsi.opcode = u8(r) & 0x3f;
		ev->u.iscsi.transit = u8(r) & 1;
		ev->u.iscsi.nsg = u8(r) % 4;
		ev->u.iscsi.status_class = u8(r) % 4;
		ev->u.iscsi.status_detail = u8(r) % 4;
		ev->u.iscsi.initiator_name = bytes(r);
		ev->u.iscsi.target_name = bytes(r);
		ev->u.iscsi.session_type = bytes(r);
		ev->u.iscsi.cdb_opcode = u8(r);
		break;
	case EV_RPC:
		ev->u.rpc.reply = u8(r) & 1;
		ev->u.rpc.prog = 100000 + u8(r) % 6;
		ev->u.rpc.vers = u8(r) % 5;
		ev->u.rpc.proc = u8(r) % 8;
		ev->u.rpc.accept_stat = u8(r) % 3;
		ev->u.rpc.has_status = u8(r) & 1;
		ev->u.rpc.status = u8(r) % 32;
		ev->u.rpc.path = bytes(r);
		break;
	case EV_STP:
		ev->u.stp.version = u8(r);
		ev->u.stp.flags = u8(r);
		ev->u.stp.forward_delay = u8(r);
		break;
	default:
		ev->why = u8(r) & 1 ? "fuzz" : NULL;
		break;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct site site;
	static int loaded;
	if (!loaded) {
		struct problems ps;
		problems_init(&ps);
		profile_load_string(
		    "fuzz.conf",
		    "[server]\ninterface = eth0\naddress = 192.168.20.1/24\n"
		    "iqn_base = iqn.2026-11.lan.example\n[pi \"kitchen\"]\nmodel = 4B\n"
		    "serial = 511e57f7\nmac = dc:a6:32:1c:6a:2a\ntftp_prefix = serial\n"
		    "[pi \"garage\"]\nmodel = 3B\nmac = b8:27:eb:af:9c:61\n",
		    &site, &ps);
		problems_done(&ps);
		loaded = 1;
	}
	struct rd r = {data, size, 0};
	struct diag *d = diag_new(u8(&r) & 1 ? &site : NULL);
	struct timeval t = {1700000000, 0};
	char name[64];
	for (uint64_t frame = 1; r.i < r.n && frame < 4096; frame++) {
		struct pnb_event ev;
		memset(&ev, 0, sizeof(ev));
		ev.kind = (enum pnb_event_kind)(u8(&r) % EV_KIND_COUNT);
		ev.frame = frame;
		uint8_t step = u8(&r);
		t.tv_sec += step >> 4;
		t.tv_usec = (t.tv_usec + (step & 15) * 60000) % 1000000;
		ev.ts = t;
		uint8_t who = u8(&r);
		memcpy(ev.src_mac, MACS[who % 4], 6);
		memcpy(ev.dst_mac, MACS[(who >> 2) % 4], 6);
		ev.src_ip = u32(&r);
		ev.dst_ip = u32(&r);
		ev.sport = u8(&r) & 1 ? 3260 : 69;
		ev.dport = u8(&r) & 1 ? 3260 : 68;
		fill(&r, &ev, name, sizeof(name));
		diag_event(d, &ev);
		if ((frame & 15) == 0) {
			t.tv_sec += 20;
			diag_tick(d, t);
		}
	}
	diag_finish(d);
	size_t total = 0;
	for (size_t i = 0; i < diag_pi_count(d); i++) {
		const struct diag_pi *p = diag_pi_at(d, i);
		if (!p->verdict)
			abort();
		total += strlen(p->verdict);
		for (size_t k = 0; k < p->n_verdicts; k++)
			total += strlen(p->verdicts[k].cause) + strlen(p->verdicts[k].evidence) +
				 strlen(p->verdicts[k].fix);
	}
	for (size_t i = 0; i < diag_site_verdict_count(d); i++)
		total += strlen(diag_site_verdict_at(d, i)->cause);
	diag_free(d);
	return total == (size_t)-1;
}
