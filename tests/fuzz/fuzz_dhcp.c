/* fuzz_dhcp — the BOOTP/DHCP decoder (options, overload, PXE sub-options, option 97) and its
 * printers: the input is one UDP payload sent to port 67, then to 4011. */
#include <stdlib.h>
#include <time.h>

#include "frame.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f;
	fz_init(&f);
	fz_send(&f, 17, 0, 68, 0xffffffffu, 67, 0, 0, data, size);
	fz_send(&f, 17, FZ_PI, 68, FZ_SRV, 4011, 0, 0, data, size);
	fz_done(&f);
	return 0;
}
