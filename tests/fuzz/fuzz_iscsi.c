/* fuzz_iscsi — iSCSI reassembly and PDU decoding: records are TCP segments on one connection;
 * the selector picks the direction, SYN/RST, and sequence jumps (gaps, retransmissions), so
 * splitting, coalescing and resynchronisation all get exercised. */
#include <stdlib.h>
#include <time.h>

#include "frame.h"

/* state: the TCP sequence numbers, Pi to server and back */
static void iscsi_record(struct fz *f, uint8_t sel, const uint8_t *rec, size_t n, void *state)
{
	uint32_t *seq = state;
	int dir = sel & 1;
	uint8_t flags = 0x18;
	if ((sel & 0x0e) == 0x02)
		flags = 0x02;
	else if ((sel & 0x0e) == 0x04)
		flags = 0x04;
	if (sel & 0x10)
		seq[dir] += (uint32_t)(sel >> 5) * 100u; /* a gap */
	if (sel & 0x20 && seq[dir] > 50)
		seq[dir] -= 50; /* overlap: retransmitted bytes */
	if (dir == 0)
		fz_send(f, 6, FZ_PI, 40001, FZ_SRV, 3260, seq[0], flags, rec, n);
	else
		fz_send(f, 6, FZ_SRV, 3260, FZ_PI, 40001, seq[1], flags, rec, n);
	seq[dir] += (uint32_t)n + (flags == 0x02 ? 1u : 0u);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint32_t seq[2] = {1000, 9000};
	fz_run_records(data, size, iscsi_record, seq);
	return 0;
}
