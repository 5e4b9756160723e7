/* frame.h — helpers shared by the capture fuzz harnesses: wrap fuzz bytes into Ethernet/IPv4/
 * UDP or TCP frames and feed them to a decoder with every event printed (text and JSON) to a
 * null sink, so the printers are fuzzed too. Header-only: each harness is one binary. */
#ifndef PNB_FUZZ_FRAME_H
#define PNB_FUZZ_FRAME_H

#include <stdint.h>
#include <string.h>

#include "capture/decode.h"
#include "capture/print.h"

static inline void fz_sink(const char *s, size_t n, void *user)
{
	(void)s;
	(void)n;
	(void)user;
}

struct fz {
	struct pnb_decoder *d;
	struct text_printer *tp;
	struct json_printer *jp;
	uint64_t frames;
	uint8_t buf[70000];
};

static inline void fz_event(const struct pnb_event *ev, void *user)
{
	struct fz *f = user;
	text_printer_event(f->tp, ev);
	json_printer_event(f->jp, ev);
}

static inline void fz_packet(const struct pnb_packet *p, void *user)
{
	struct fz *f = user;
	text_printer_packet(f->tp, p);
}

static inline void fz_init(struct fz *f)
{
	struct pnb_out o = {fz_sink, NULL};
	f->tp = text_printer_new(&o);
	f->jp = json_printer_new(&o);
	f->d = decoder_new(fz_event, fz_packet, f);
	f->frames = 0;
}

static inline void fz_done(struct fz *f)
{
	decoder_finish(f->d);
	text_printer_flush(f->tp);
	decoder_free(f->d);
	text_printer_free(f->tp);
	json_printer_free(f->jp);
}

static inline void fz_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void fz_put32(uint8_t *p, uint32_t v)
{
	fz_put16(p, (uint16_t)(v >> 16));
	fz_put16(p + 2, (uint16_t)v);
}

/* Sends payload as UDP (proto 17) or TCP (proto 6, with seq and flags) from a to b. The
 * frame is copied into a buffer of exactly its size, so ASan sees any read past it. */
static inline void fz_send(struct fz *f, uint8_t proto, uint32_t sip, uint16_t sport, uint32_t dip,
		    uint16_t dport, uint32_t seq, uint8_t flags, const uint8_t *pl, size_t n)
{
	size_t l4 = proto == 17 ? 8 : 20;
	if (n > sizeof(f->buf) - 14 - 20 - l4)
		n = sizeof(f->buf) - 14 - 20 - l4;
	uint8_t *p = f->buf;
	memset(p, 0, 14 + 20 + l4);
	memcpy(p, "\xdc\xa6\x32\x00\x00\x01\x52\x54\x00\x12\x34\x56\x08\x00", 14);
	uint8_t *ip = p + 14;
	ip[0] = 0x45;
	fz_put16(ip + 2, (uint16_t)(20 + l4 + n));
	ip[8] = 64;
	ip[9] = proto;
	fz_put32(ip + 12, sip);
	fz_put32(ip + 16, dip);
	uint8_t *t = ip + 20;
	fz_put16(t, sport);
	fz_put16(t + 2, dport);
	if (proto == 17) {
		fz_put16(t + 4, (uint16_t)(8 + n));
	} else {
		fz_put32(t + 4, seq);
		t[12] = 5 << 4;
		t[13] = flags;
	}
	memcpy(t + l4, pl, n);
	size_t total = 14 + 20 + l4 + n;
	uint8_t *copy = malloc(total);
	memcpy(copy, p, total);
	struct timeval tv = {1795000000 + (time_t)f->frames, 0};
	f->frames++;
	decoder_packet(f->d, PNB_DLT_EN10MB, &tv, (uint32_t)total, (uint32_t)total, copy);
	free(copy);
}

/* Splits data into records: length (1 byte), selector (1 byte), then that many bytes (clamped
 * to what is left). Returns false at the end. */
static inline int fz_record(const uint8_t *data, size_t size, size_t *i, uint8_t *sel,
		     const uint8_t **rec, size_t *n)
{
	if (*i + 1 >= size)
		return 0;
	*n = data[*i];
	*sel = data[*i + 1];
	*i += 2;
	if (*n > size - *i)
		*n = size - *i;
	*rec = data + *i;
	*i += *n;
	return 1;
}

/* The Pi and the server in the record-driven harnesses' frames: 192.168.20.101 and .1. */
#define FZ_PI 0xc0a81465u
#define FZ_SRV 0xc0a81401u

/* What a record-driven harness does with one record: turn it into frames with fz_send. */
typedef void (*fz_record_fn)(struct fz *f, uint8_t sel, const uint8_t *rec, size_t n, void *state);

/* The body of a record-driven harness: a decoder with its printers, each record of data handed
 * to fn (with the harness's state, e.g. TCP sequence numbers), then the decoder finished. */
static inline void fz_run_records(const uint8_t *data, size_t size, fz_record_fn fn, void *state)
{
	struct fz f;
	fz_init(&f);
	size_t i = 0, n;
	uint8_t sel;
	const uint8_t *rec;
	while (fz_record(data, size, &i, &sel, &rec, &n))
		fn(&f, sel, rec, n, state);
	fz_done(&f);
}

#endif
