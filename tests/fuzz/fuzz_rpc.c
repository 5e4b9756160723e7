/* fuzz_rpc — ONC RPC (portmap, MOUNT, NFS): records are UDP datagrams to/from 111, 2049 and
 * a learned MOUNT port, or TCP segments of a record-marked NFS stream. */
#include <stdlib.h>
#include <time.h>

#include "frame.h"

/* state: the TCP sequence numbers, Pi to server and back */
static void rpc_record(struct fz *f, uint8_t sel, const uint8_t *rec, size_t n, void *state)
{
	uint32_t *seq = state;
	static const uint16_t ports[] = {111, 2049, 20048, 800};
	uint16_t port = ports[(sel >> 1) & 3];
	switch (sel & 0x31) {
	case 0x00: fz_send(f, 17, FZ_PI, 801, FZ_SRV, port, 0, 0, rec, n); break;
	case 0x01: fz_send(f, 17, FZ_SRV, port, FZ_PI, 801, 0, 0, rec, n); break;
	case 0x10:
		fz_send(f, 6, FZ_PI, 50802, FZ_SRV, 2049, seq[0], 0x18, rec, n);
		seq[0] += (uint32_t)n;
		break;
	default:
		fz_send(f, 6, FZ_SRV, 2049, FZ_PI, 50802, seq[1], 0x18, rec, n);
		seq[1] += (uint32_t)n;
		break;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint32_t seq[2] = {1, 1};
	fz_run_records(data, size, rpc_record, seq);
	return 0;
}
