/* dec — what the per-protocol decoder files share: the per-packet context and the entry points
 * of each decoder. Every decoder has one signature (context, bytes, length), reads only
 * through capture/bytes.h and emits events through dec_emit. Internal to capture/. */
#ifndef PNB_CAPTURE_DEC_H
#define PNB_CAPTURE_DEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "capture/bytes.h"
#include "capture/decode.h"
#include "capture/event.h"
#include "capture/flow.h"

/* Per-packet bump allocator: reset after every packet, so nothing per packet reaches malloc. */
#define DEC_ARENA_SIZE 65536
struct dec_arena {
	size_t used;
	uint8_t buf[DEC_ARENA_SIZE];
};
/* Returns n bytes valid until the end of the current packet, or NULL when full. */
void *arena_alloc(struct dec_arena *a, size_t n);

struct tftp_state;
struct iscsi_state;
struct rpc_state;

struct dctx {
	struct pnb_decoder *dec;
	struct pnb_packet pkt;      /* what we learned so far about the packet */
	struct dec_arena *arena;
	struct tftp_state *tftp;
	struct iscsi_state *iscsi;
	struct rpc_state *rpc;
	pnb_event_fn ev_fn;
	void *user;
	struct decoder_stats *stats;
	bool trunc_emitted; /* EV_TRUNCATED already sent for this packet */
};

/* Fills an event's common header (frame, time, addresses, ports) from the packet so far. */
void dec_event_init(struct dctx *c, struct pnb_event *ev, enum pnb_event_kind kind);
void dec_emit(struct dctx *c, struct pnb_event *ev);
/* A new zeroed entry for k in t (k must not be there); when t is full its least recently used
 * entry makes room, counted in the decoder's flows_evicted. */
void *dec_flow_add(struct dctx *c, struct flow_table *t, const struct flow_key *k);
/* The entry for k in t, added (zeroed) by dec_flow_add when there is none. */
void *dec_flow(struct dctx *c, struct flow_table *t, const struct flow_key *k);
/* Marks the packet truncated / malformed and emits EV_TRUNCATED once per packet. */
void dec_truncated(struct dctx *c, const char *why);

/* One decoder per protocol: (context, bytes, length). */
void ether_decode(struct dctx *c, const uint8_t *p, size_t len);
void sll_decode(struct dctx *c, const uint8_t *p, size_t len);
void sll2_decode(struct dctx *c, const uint8_t *p, size_t len);
void ethertype_decode(struct dctx *c, uint16_t type, const uint8_t *p, size_t len);
void arp_decode(struct dctx *c, const uint8_t *p, size_t len);
void stp_decode(struct dctx *c, const uint8_t *p, size_t len);
void ipv4_decode(struct dctx *c, const uint8_t *p, size_t len);
void udp_decode(struct dctx *c, const uint8_t *p, size_t len);
void tcp_decode(struct dctx *c, const uint8_t *p, size_t len);
void dhcp_decode(struct dctx *c, const uint8_t *p, size_t len);
/* Option 43 as PXE sub-options (menu, discovery control, prompt) and option 97 the Pi way,
 * from the bytes d->vendor_opts / d->client_guid point at (also for a message read from a
 * text that shows them: tshark -V). */
void dhcp_pxe_decode(struct ev_dhcp *d);
void dhcp_pi_guid_decode(struct ev_dhcp *d);
void tftp_decode(struct dctx *c, const uint8_t *p, size_t len);
void iscsi_decode(struct dctx *c, const uint8_t *p, size_t len);
void rpc_decode(struct dctx *c, const uint8_t *p, size_t len);      /* one RPC message (UDP) */
void rpc_tcp_decode(struct dctx *c, const uint8_t *p, size_t len);  /* record-marked stream */
void netconsole_decode(struct dctx *c, const uint8_t *p, size_t len);

/* Flow state owned by the decoders that need it (created lazily, freed by decoder_free). */
bool tftp_claims(struct dctx *c);  /* the UDP packet belongs to a tracked transfer */
void tftp_expire(struct dctx *c, const struct timeval *now, bool all);
void tftp_state_free(struct tftp_state *s);
void iscsi_state_free(struct iscsi_state *s);
bool rpc_claims(struct dctx *c, const uint8_t *p, size_t len);
void rpc_state_free(struct rpc_state *s);

#endif
