/* flow — bounded flow table: chained hash + intrusive LRU list over a fixed entry pool. */
#include "capture/flow.h"

#include <stdlib.h>
#include <string.h>

#include "core/base/util.h"

#define NIL UINT32_MAX

struct entry {
	struct flow_key key;
	uint32_t hnext;          /* hash chain */
	uint32_t prev, next;     /* LRU list: head = most recent */
	bool used;
};

struct flow_table {
	size_t cap, psize, nbuckets, count;
	struct entry *e;
	uint8_t *payload;
	uint32_t *bucket;
	uint32_t head, tail, free_head;
	flow_drop_fn drop;
	void *user;
};

static uint32_t key_hash(const struct flow_key *k)
{
	uint64_t h = (uint64_t)k->a * 0x9e3779b97f4a7c15ULL;
	h ^= ((uint64_t)k->b << 32 | (uint64_t)k->pa << 16 | k->pb) * 0xc2b2ae3d27d4eb4fULL;
	h ^= (uint64_t)k->x * 0x165667b19e3779f9ULL;
	h ^= h >> 29;
	return (uint32_t)(h ^ (h >> 32));
}

static bool key_eq(const struct flow_key *x, const struct flow_key *y)
{
	return x->a == y->a && x->b == y->b && x->pa == y->pa && x->pb == y->pb && x->x == y->x;
}

struct flow_table *flow_table_new(size_t cap, size_t payload_size, flow_drop_fn drop, void *user)
{
	struct flow_table *t = xcalloc(1, sizeof(*t));
	t->cap = cap;
	t->psize = (payload_size + 15) & ~(size_t)15;
	t->nbuckets = 16;
	while (t->nbuckets < cap * 2)
		t->nbuckets <<= 1;
	t->e = xcalloc(cap, sizeof(*t->e));
	t->payload = xcalloc(cap, t->psize);
	t->bucket = xmalloc(t->nbuckets * sizeof(*t->bucket));
	for (size_t i = 0; i < t->nbuckets; i++)
		t->bucket[i] = NIL;
	for (size_t i = 0; i < cap; i++)
		t->e[i].hnext = i + 1 < cap ? (uint32_t)(i + 1) : NIL;
	t->free_head = cap ? 0 : NIL;
	t->head = t->tail = NIL;
	t->drop = drop;
	t->user = user;
	return t;
}

void flow_table_free(struct flow_table *t)
{
	if (!t)
		return;
	if (t->drop)
		for (size_t i = 0; i < t->cap; i++)
			if (t->e[i].used)
				t->drop(t->payload + i * t->psize, t->user);
	free(t->e);
	free(t->payload);
	free(t->bucket);
	free(t);
}

static void lru_unlink(struct flow_table *t, uint32_t i)
{
	struct entry *e = &t->e[i];
	if (e->prev != NIL)
		t->e[e->prev].next = e->next;
	else
		t->head = e->next;
	if (e->next != NIL)
		t->e[e->next].prev = e->prev;
	else
		t->tail = e->prev;
}

static void lru_push(struct flow_table *t, uint32_t i)
{
	struct entry *e = &t->e[i];
	e->prev = NIL;
	e->next = t->head;
	if (t->head != NIL)
		t->e[t->head].prev = i;
	t->head = i;
	if (t->tail == NIL)
		t->tail = i;
}

void *flow_get(struct flow_table *t, const struct flow_key *k)
{
	uint32_t i = t->bucket[key_hash(k) & (t->nbuckets - 1)];
	for (; i != NIL; i = t->e[i].hnext) {
		if (key_eq(&t->e[i].key, k)) {
			if (t->head != i) {
				lru_unlink(t, i);
				lru_push(t, i);
			}
			return t->payload + (size_t)i * t->psize;
		}
	}
	return NULL;
}

static void remove_index(struct flow_table *t, uint32_t i)
{
	uint32_t *pp = &t->bucket[key_hash(&t->e[i].key) & (t->nbuckets - 1)];
	while (*pp != i)
		pp = &t->e[*pp].hnext;
	*pp = t->e[i].hnext;
	lru_unlink(t, i);
	t->e[i].used = false;
	t->e[i].hnext = t->free_head;
	t->free_head = i;
	t->count--;
}

void *flow_add(struct flow_table *t, const struct flow_key *k, bool *evicted)
{
	if (t->free_head == NIL) {
		uint32_t old = t->tail;
		if (t->drop)
			t->drop(t->payload + (size_t)old * t->psize, t->user);
		remove_index(t, old);
		if (evicted)
			*evicted = true;
	}
	uint32_t i = t->free_head;
	t->free_head = t->e[i].hnext;
	struct entry *e = &t->e[i];
	e->key = *k;
	e->used = true;
	uint32_t *b = &t->bucket[key_hash(k) & (t->nbuckets - 1)];
	e->hnext = *b;
	*b = i;
	lru_push(t, i);
	t->count++;
	void *p = t->payload + (size_t)i * t->psize;
	memset(p, 0, t->psize);
	return p;
}

void flow_del(struct flow_table *t, void *payload)
{
	size_t i = (size_t)((uint8_t *)payload - t->payload) / t->psize;
	if (i < t->cap && t->e[i].used)
		remove_index(t, (uint32_t)i);
}

void *flow_oldest(struct flow_table *t)
{
	return t->tail == NIL ? NULL : t->payload + (size_t)t->tail * t->psize;
}

void *flow_next(struct flow_table *t, size_t *it)
{
	while (*it < t->cap) {
		size_t i = (*it)++;
		if (t->e[i].used)
			return t->payload + i * t->psize;
	}
	return NULL;
}

size_t flow_count(const struct flow_table *t)
{
	return t->count;
}
