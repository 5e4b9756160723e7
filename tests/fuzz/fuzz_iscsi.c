/* fuzz_iscsi — iSCSI reassembly and PDU decoding: records are TCP segments on one connection;
 * the selector picks the direction, SYN/RST, and sequence jumps (gaps, retransmissions), so
 * splitting, coalescing and resynchronisation all get exercised. */
#include <stdlib.h>
#include <time.h>

#include "frame.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f;
	fz_init(&f);
	const uint32_t pi = 0xc0a81465u, srv = 0xc0a81401u;
	uint32_t seq[2] = {1000, 9000};
	size_t fz_i = 0, n;
	uint8_t sel;
	const uint8_t *rec;
	while (fz_record(data, size, &fz_i, &sel, &rec, &n)) {
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
			fz_send(&f, 6, pi, 40001, srv, 3260, seq[0], flags, rec, n);
		else
			fz_send(&f, 6, srv, 3260, pi, 40001, seq[1], flags, rec, n);
		seq[dir] += (uint32_t)n + (flags == 0x02 ? 1u : 0u);
	}
	fz_done(&f);
	return 0;
}
