/* libFuzzer harness: what a Pi sends back — `vcgencmd otp_dump` parsing and verdicts,
 * /proc/cpuinfo, `vcgencmd bootloader_version`, and the sections of the ssh script's output,
 * then the whole readiness evaluation over them. */
#include <stddef.h>
#include <stdint.h>

#include "core/pi/otp.h"
#include "core/pi/readiness.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	struct otp_dump d;
	struct otp_verdict v;
	struct problems ps;
	problems_init(&ps);
	otp_parse(text, size, "fuzz", &d, &ps);
	otp_evaluate(&d, "fuzz", &v, &ps);
	struct cpuinfo ci;
	cpuinfo_parse(text, size, "fuzz", &ci, &ps);
	struct bootloader_version bv;
	bootloader_version_parse(text, size, "fuzz", &bv, &ps);
	problems_done(&ps);
	struct pi_facts f;
	pi_facts_init(&f);
	pi_facts_parse_remote(&f, "pi@fuzz", text, size);
	struct readiness r;
	readiness_evaluate(&f, NULL, NULL, &r);
	readiness_done(&r);
	pi_facts_done(&f);
	return 0;
}
