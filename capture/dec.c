/* dec — what every protocol decoder calls: the per-packet arena, filling an event's common
 * header, emitting it, and marking a packet truncated. decode.c dispatches into the decoders;
 * they call down into this file only. */
#include "capture/dec.h"

#include <stddef.h>
#include <string.h>

void *arena_alloc(struct dec_arena *a, size_t n)
{
	n = (n + 7) & ~(size_t)7;
	if (n > DEC_ARENA_SIZE - a->used)
		return NULL;
	void *p = a->buf + a->used;
	a->used += n;
	return p;
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

void *dec_flow_add(struct dctx *c, struct flow_table *t, const struct flow_key *k)
{
	bool evicted = false;
	void *e = flow_add(t, k, &evicted);
	if (evicted)
		c->stats->flows_evicted++;
	return e;
}

void *dec_flow(struct dctx *c, struct flow_table *t, const struct flow_key *k)
{
	void *e = flow_get(t, k);
	return e ? e : dec_flow_add(c, t, k);
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
	if (c->trunc_emitted)
		return;
	c->trunc_emitted = true;
	c->pkt.trunc_why = why;
	c->stats->truncated++;
	struct pnb_event ev;
	dec_event_init(c, &ev, EV_TRUNCATED);
	ev.why = why;
	dec_emit(c, &ev);
}
