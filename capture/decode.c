/* decode — the decoder object: per-packet context, event emission, link-type dispatch and the
 * lifetime of the flow state the protocol decoders keep. */
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
	bool trunc_emitted;
};

void *arena_alloc(struct dec_arena *a, size_t n)
{
	n = (n + 7) & ~(size_t)7;
	if (n > DEC_ARENA_SIZE - a->used)
		return NULL;
	void *p = a->buf + a->used;
	a->used += n;
	return p;
}

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
	return dlt == PNB_DLT_EN10MB || dlt == PNB_DLT_LINUX_SLL || dlt == PNB_DLT_LINUX_SLL2;
}

void dec_event_init(struct dctx *c, struct pnb_event *ev, enum pnb_event_kind kind)
{
	const struct pnb_packet *p = &c->pkt;
	memset(ev, 0, offsetof(struct pnb_event, u));
	ev->kind = kind;
	ev->frame = p->frame;
	ev->ts = p->ts;
	memcpy(ev->src_mac, p->src_mac, 6);
	memcpy(ev->dst_mac, p->dst_mac, 6);
	ev->vlan = p->vlan;
	ev->src_ip = p->src_ip;
	ev->dst_ip = p->dst_ip;
	ev->sport = p->sport;
	ev->dport = p->dport;
	ev->why = NULL;
}

void dec_emit(struct dctx *c, struct pnb_event *ev)
{
	c->pkt.n_events++;
	c->stats->events[ev->kind]++;
	if (c->ev_fn)
		c->ev_fn(ev, c->user);
}

void dec_truncated(struct dctx *c, const char *why)
{
	if (c->dec->trunc_emitted)
		return;
	c->dec->trunc_emitted = true;
	c->pkt.trunc_why = why;
	c->stats->truncated++;
	struct pnb_event ev;
	dec_event_init(c, &ev, EV_TRUNCATED);
	ev.why = why;
	dec_emit(c, &ev);
}

void decoder_packet(struct pnb_decoder *d, int dlt, const struct timeval *ts, uint32_t caplen,
		    uint32_t wirelen, const uint8_t *bytes)
{
	struct dctx *c = &d->ctx;
	memset(&c->pkt, 0, sizeof(c->pkt));
	d->trunc_emitted = false;
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
