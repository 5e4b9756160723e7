/* decode — the decoder object: link-type dispatch, the per-packet reset and the lifetime of
 * the flow state the protocol decoders keep. What the protocol decoders call back (event
 * emission, the arena) is in dec.c below it. */
#include "capture/decode.h"

#include <stdlib.h>
#include <string.h>

#include "capture/dec.h"
#include "core/base/util.h"

struct pnb_decoder {
	struct dctx ctx;
	struct dec_arena arena;
	struct decoder_stats stats;
	pnb_packet_fn pkt_fn;
};

struct pnb_decoder *decoder_new(pnb_event_fn ev_fn, pnb_packet_fn pkt_fn, void *user)
{
	struct pnb_decoder *d = xcalloc(1, sizeof(*d));
	d->ctx.dec = d;
	d->ctx.arena = &d->arena;
	d->ctx.ev_fn = ev_fn;
	d->ctx.user = user;
	d->ctx.stats = &d->stats;
	d->pkt_fn = pkt_fn;
	return d;
}

void decoder_free(struct pnb_decoder *d)
{
	if (!d)
		return;
	tftp_state_free(d->ctx.tftp);
	iscsi_state_free(d->ctx.iscsi);
	rpc_state_free(d->ctx.rpc);
	free(d);
}

bool decoder_dlt_supported(int dlt)
{
	return dlt == PNB_DLT_EN10MB || dlt == PNB_DLT_LINUX_SLL || dlt == PNB_DLT_LINUX_SLL2 ||
	       dlt == PNB_DLT_RAW || dlt == PNB_DLT_RAW_BSD || dlt == PNB_DLT_IPV4;
}

/* Raw IP, no link header (tcpdump -i on a tun device, some routers' exports): the version
 * nibble says what follows. There are no MAC addresses: the packet line shows IPs only. */
static void raw_decode(struct dctx *c, const uint8_t *p, size_t len)
{
	c->pkt.raw = true;
	if (len && p[0] >> 4 == 4)
		ethertype_decode(c, 0x0800, p, len);
	else if (len && p[0] >> 4 == 6)
		c->pkt.ethertype = 0x86dd; /* IPv6: counted, not decoded */
	else
		dec_truncated(c, "raw IP packet without an IPv4 or IPv6 header");
}

void decoder_packet(struct pnb_decoder *d, int dlt, const struct timeval *ts, uint32_t caplen,
		    uint32_t wirelen, const uint8_t *bytes)
{
	struct dctx *c = &d->ctx;
	memset(&c->pkt, 0, sizeof(c->pkt));
	d->ctx.trunc_emitted = false;
	d->arena.used = 0;
	d->stats.packets++;
	d->stats.bytes += wirelen;
	c->pkt.frame = d->stats.packets;
	c->pkt.ts = *ts;
	c->pkt.caplen = caplen;
	c->pkt.wirelen = wirelen;
	switch (dlt) {
	case PNB_DLT_EN10MB:
		ether_decode(c, bytes, caplen);
		break;
	case PNB_DLT_LINUX_SLL:
		sll_decode(c, bytes, caplen);
		break;
	case PNB_DLT_LINUX_SLL2:
		sll2_decode(c, bytes, caplen);
		break;
	case PNB_DLT_RAW:
	case PNB_DLT_RAW_BSD:
	case PNB_DLT_IPV4:
		raw_decode(c, bytes, caplen);
		break;
	default:
		c->pkt.dlt_unknown = "link type not decoded";
		break;
	}
	if (d->pkt_fn)
		d->pkt_fn(&c->pkt, c->user);
}

void decoder_tick(struct pnb_decoder *d, struct timeval now)
{
	memset(&d->ctx.pkt, 0, sizeof(d->ctx.pkt));
	d->ctx.pkt.ts = now;
	d->ctx.pkt.frame = d->stats.packets; /* events without a packet point at the last one */
	tftp_expire(&d->ctx, &now, false);
}

void decoder_finish(struct pnb_decoder *d)
{
	struct timeval last = d->ctx.pkt.ts;
	memset(&d->ctx.pkt, 0, sizeof(d->ctx.pkt));
	d->ctx.pkt.ts = last;
	d->ctx.pkt.frame = d->stats.packets;
	tftp_expire(&d->ctx, &last, true);
}

const struct decoder_stats *decoder_stats(const struct pnb_decoder *d)
{
	return &d->stats;
}
