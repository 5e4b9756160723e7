/* fuzz_rpc — ONC RPC (portmap, MOUNT, NFS): records are UDP datagrams to/from 111, 2049 and
 * a learned MOUNT port, or TCP segments of a record-marked NFS stream. */
#include <stdlib.h>
#include <time.h>

#include "frame.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f;
	fz_init(&f);
	const uint32_t pi = 0xc0a81465u, srv = 0xc0a81401u;
	uint32_t seq[2] = {1, 1};
	size_t fz_i = 0, n;
	uint8_t sel;
	const uint8_t *rec;
	while (fz_record(data, size, &fz_i, &sel, &rec, &n)) {
		static const uint16_t ports[] = {111, 2049, 20048, 800};
		uint16_t port = ports[(sel >> 1) & 3];
		switch (sel & 0x31) {
		case 0x00: fz_send(&f, 17, pi, 801, srv, port, 0, 0, rec, n); break;
		case 0x01: fz_send(&f, 17, srv, port, pi, 801, 0, 0, rec, n); break;
		case 0x10:
			fz_send(&f, 6, pi, 50802, srv, 2049, seq[0], 0x18, rec, n);
			seq[0] += (uint32_t)n;
			break;
		default:
			fz_send(&f, 6, srv, 2049, pi, 50802, seq[1], 0x18, rec, n);
			seq[1] += (uint32_t)n;
			break;
		}
	}
	fz_done(&f);
	return 0;
}
