/* flow — a bounded hash table of flows (TFTP transfers, TCP streams, RPC calls) with
 * least-recently-used eviction, so a capture of any length runs in fixed memory. Entries hold
 * a caller-defined payload, zeroed on insertion. Internal to capture/. */
#ifndef PNB_CAPTURE_FLOW_H
#define PNB_CAPTURE_FLOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct flow_key {
	uint32_t a, b;   /* addresses (or an xid) */
	uint16_t pa, pb; /* ports */
	uint32_t x;      /* anything else that tells flows apart */
};

/* Called for an entry's payload before it is evicted or the table is freed. */
typedef void (*flow_drop_fn)(void *payload, void *user);

struct flow_table;

/* A table of at most cap entries of payload_size bytes each. Caller owns it; free with
 * flow_table_free (which calls drop on every live entry). */
struct flow_table *flow_table_new(size_t cap, size_t payload_size, flow_drop_fn drop, void *user);
void flow_table_free(struct flow_table *t);
/* The payload for key, or NULL; a hit makes the entry the most recently used. */
void *flow_get(struct flow_table *t, const struct flow_key *k);
/* Inserts key (which must not be present) and returns its zeroed payload. When the table is
 * full the least recently used entry is dropped first and *evicted is set. */
void *flow_add(struct flow_table *t, const struct flow_key *k, bool *evicted);
void flow_del(struct flow_table *t, void *payload);
/* The least recently used payload, or NULL when empty (for expiry loops). */
void *flow_oldest(struct flow_table *t);
/* Iteration in no particular order: start with *it = 0; NULL at the end. */
void *flow_next(struct flow_table *t, size_t *it);
size_t flow_count(const struct flow_table *t);

#endif
