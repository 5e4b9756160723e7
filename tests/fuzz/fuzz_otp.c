/* libFuzzer harness: `vcgencmd otp_dump` parsing and verdicts, and /proc/cpuinfo. */
#include <stddef.h>
#include <stdint.h>

#include "core/otp.h"
#include "core/readiness.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct otp_dump d;
	struct otp_verdict v;
	struct problems ps;
	problems_init(&ps);
	otp_parse((const char *)data, size, "fuzz", &d, &ps);
	otp_evaluate(&d, "fuzz", &v, &ps);
	struct cpuinfo ci;
	cpuinfo_parse((const char *)data, size, "fuzz", &ci, &ps);
	problems_done(&ps);
	return 0;
}
