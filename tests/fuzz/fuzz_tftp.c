/* fuzz_tftp — TFTP decoding and transfer tracking: the input is a sequence of records
 * (length, selector, bytes); the selector picks the direction and port (request to 69, server
 * TID to client, client to server TID), so the tracker sees requests, OACKs, data, errors and
 * retransmissions in any order. */
#include <stdlib.h>
#include <time.h>

#include "frame.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f;
	fz_init(&f);
	const uint32_t pi = 0xc0a81465u, srv = 0xc0a81401u;
	size_t fz_i = 0, n;
	uint8_t sel;
	const uint8_t *rec;
	while (fz_record(data, size, &fz_i, &sel, &rec, &n)) {
		uint16_t cport = (uint16_t)(49152 + (sel >> 4));
		switch (sel & 3) {
		case 0: fz_send(&f, 17, pi, cport, srv, 69, 0, 0, rec, n); break;
		case 1: fz_send(&f, 17, srv, 40000, pi, cport, 0, 0, rec, n); break;
		case 2: fz_send(&f, 17, pi, cport, srv, 40000, 0, 0, rec, n); break;
		default: fz_send(&f, 17, srv, 69, pi, cport, 0, 0, rec, n); break;
		}
	}
	fz_done(&f);
	return 0;
}
