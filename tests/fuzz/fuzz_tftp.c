/* fuzz_tftp — TFTP decoding and transfer tracking: the input is a sequence of records
 * (length, selector, bytes); the selector picks the direction and port (request to 69, server
 * TID to client, client to server TID), so the tracker sees requests, OACKs, data, errors and
 * retransmissions in any order. */
#include <stdlib.h>
#include <time.h>

#include "frame.h"

static void tftp_record(struct fz *f, uint8_t sel, const uint8_t *rec, size_t n, void *state)
{
	(void)state;
	uint16_t cport = (uint16_t)(49152 + (sel >> 4));
	switch (sel & 3) {
	case 0: fz_send(f, 17, FZ_PI, cport, FZ_SRV, 69, 0, 0, rec, n); break;
	case 1: fz_send(f, 17, FZ_SRV, 40000, FZ_PI, cport, 0, 0, rec, n); break;
	case 2: fz_send(f, 17, FZ_PI, cport, FZ_SRV, 40000, 0, 0, rec, n); break;
	default: fz_send(f, 17, FZ_SRV, 69, FZ_PI, cport, 0, 0, rec, n); break;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fz_run_records(data, size, tftp_record, NULL);
	return 0;
}
