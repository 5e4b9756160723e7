/* pnb_fields — prints, per frame, the fields pinetboot's decoders produced, named like tshark's
 * (-T fields) so tests/tools/tshark_diff.py can compare the two decoders packet by packet:
 *   FRAME<TAB>field=v1|v2<TAB>field=…
 * Only frames with DHCP, TFTP, iSCSI or RPC events are printed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture/decode.h"
#include "capture/fmt.h"
#include "capture/pcap_source.h"
#include "capture/print.h"

#define NF 16
struct frame_fields {
	uint64_t frame;
	struct line f[NF];
	bool any;
};

enum {
	F_DHCP_TYPE, F_DHCP_ID, F_DHCP_MAC, F_DHCP_OPTS, F_TFTP_OP, F_TFTP_FILE, F_TFTP_BLOCK,
	F_TFTP_ERR, F_TFTP_OPTN, F_TFTP_OPTV, F_ISCSI_OP, F_ISCSI_ITT, F_ISCSI_STATUS,
	F_ISCSI_KV, F_SCSI_CDB, F_RPC
};
static const char *const names[NF] = {
	"dhcp.option.dhcp", "dhcp.id", "dhcp.hw.mac_addr", "dhcp.opts", "tftp.opcode",
	"tftp.file", "tftp.block", "tftp.error.code", "tftp.option.name", "tftp.option.value",
	"iscsi.opcode", "iscsi.initiatortasktag", "iscsi.login.status", "iscsi.names",
	"scsi.cdb", "rpc"};

static struct frame_fields cur;
static unsigned cnt[NF];

/* Separator before every value but the first, even when values are empty strings. */
static struct line *field(int f)
{
	struct line *l = &cur.f[f];
	if (cnt[f]++)
		put_ch(l, '|');
	cur.any = true;
	return l;
}

static void add(int f, void (*fn)(struct line *, const void *), const void *arg)
{
	struct line *l = field(f);
	fn(l, arg);
	cur.any = true;
}

static void addstr(int f, const char *s)
{
	struct line *l = field(f);
	put_str(l, s);
	cur.any = true;
}

static void addbytes(int f, struct pnb_bytes b)
{
	struct line *l = field(f);
	put_mem(l, (const char *)b.p, b.len);
	cur.any = true;
}

static void addhex(int f, uint64_t v, int digits)
{
	char s[32];
	snprintf(s, sizeof(s), "0x%0*llx", digits, (unsigned long long)v);
	addstr(f, s);
}

static void addnum(int f, uint64_t v)
{
	char s[32];
	snprintf(s, sizeof(s), "%llu", (unsigned long long)v);
	addstr(f, s);
}

static void put_mac_v(struct line *l, const void *p)
{
	put_mac(l, p);
}

static void dhcp(const struct ev_dhcp *d)
{
	if (d->msg_type)
		addnum(F_DHCP_TYPE, d->msg_type);
	addhex(F_DHCP_ID, d->xid, 8);
	if (d->htype == 1 && d->hlen == 6)
		add(F_DHCP_MAC, put_mac_v, d->chaddr);
	for (unsigned i = 0; i < d->n_opts_stored; i++) {
		uint8_t c = d->opts[i].code;
		if (c != 43 && c != 54 && c != 60 && c != 66 && c != 67 && c != 97)
			continue;
		struct line *l = field(F_DHCP_OPTS);
		put_u64(l, c);
		put_ch(l, ':');
		put_hexbytes(l, d->opts[i].val.p, d->opts[i].val.len);
		cur.any = true;
	}
}

static void tftp_options(struct pnb_bytes o)
{
	size_t i = 0, k = 0;
	while (i < o.len) {
		const uint8_t *z = memchr(o.p + i, 0, o.len - i);
		if (!z)
			break;
		struct pnb_bytes s = {o.p + i, (uint16_t)(z - (o.p + i))};
		addbytes(k++ % 2 ? F_TFTP_OPTV : F_TFTP_OPTN, s);
		i = (size_t)(z - o.p) + 1;
	}
}

static void tftp(const struct ev_tftp *t)
{
	addnum(F_TFTP_OP, t->opcode);
	if (t->opcode == TFTP_RRQ || t->opcode == TFTP_WRQ)
		addbytes(F_TFTP_FILE, t->filename);
	if (t->opcode == TFTP_DATA || t->opcode == TFTP_ACK)
		addnum(F_TFTP_BLOCK, t->block);
	if (t->opcode == TFTP_ERROR)
		addnum(F_TFTP_ERR, t->error_code);
	if (t->options.len)
		tftp_options(t->options);
}

static void iscsi(const struct ev_iscsi *s)
{
	addhex(F_ISCSI_OP, s->opcode, 2);
	addhex(F_ISCSI_ITT, s->itt, 8);
	if (s->opcode == 0x23)
		addhex(F_ISCSI_STATUS, (uint32_t)s->status_class << 8 | s->status_detail, 4);
	/* every InitiatorName= / TargetName= pair of the (joined) text */
	for (size_t i = 0; i < s->text.len;) {
		const uint8_t *z = memchr(s->text.p + i, 0, s->text.len - i);
		size_t e = z ? (size_t)(z - s->text.p) : s->text.len;
		const char *kv = (const char *)s->text.p + i;
		if ((e - i > 14 && !strncmp(kv, "InitiatorName=", 14)) ||
		    (e - i > 11 && !strncmp(kv, "TargetName=", 11)))
			put_mem(field(F_ISCSI_KV), kv, e - i);
		i = e + 1;
	}
	if (s->opcode == 0x01)
		addhex(F_SCSI_CDB, s->cdb_opcode, 2);
}

static void rpc(const struct ev_rpc *r)
{
	char s[96];
	if (r->reply && !r->matched)
		snprintf(s, sizeof(s), "0x%08x/%u", r->xid, 1u);
	else
		snprintf(s, sizeof(s), "0x%08x/%u/%u/%u", r->xid, r->reply ? 1u : 0u, r->prog,
			 r->proc);
	addstr(F_RPC, s);
}

static void on_event(const struct pnb_event *ev, void *user)
{
	(void)user;
	cur.frame = ev->frame;
	switch (ev->kind) {
	case EV_DHCP: dhcp(&ev->u.dhcp); break;
	case EV_TFTP: tftp(&ev->u.tftp); break;
	case EV_ISCSI: iscsi(&ev->u.iscsi); break;
	case EV_RPC: rpc(&ev->u.rpc); break;
	default: break;
	}
}

static void on_packet(const struct pnb_packet *p, void *user)
{
	(void)user;
	if (cur.any) {
		printf("%llu", (unsigned long long)p->frame);
		for (int i = 0; i < NF; i++)
			if (cnt[i])
				printf("\t%s=%.*s", names[i], (int)cur.f[i].n, cur.f[i].b);
		putchar('\n');
	}
	for (int i = 0; i < NF; i++) {
		line_reset(&cur.f[i]);
		cnt[i] = 0;
	}
	cur.any = false;
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: pnb_fields FILE.pcap\n");
		return 2;
	}
	char err[512];
	struct source *s = source_open_file(argv[1], err, sizeof(err));
	if (!s) {
		fprintf(stderr, "%s\n", err);
		return 2;
	}
	struct pnb_decoder *d = decoder_new(on_event, on_packet, NULL);
	int rc;
	while ((rc = source_dispatch(s, d, 4096)) > 0)
		;
	decoder_finish(d);
	decoder_free(d);
	source_close(s);
	return 0;
}
