/* libFuzzer harness: bootconf.txt parsing, evaluation for every model, and KEY=VALUE editing. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/pi/bootconf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bootconf bc;
	struct problems ps;
	problems_init(&ps);
	bootconf_parse((const char *)data, size, "fuzz", &bc, &ps);
	for (int m = 0; m < PI_MODEL_COUNT; m++) {
		struct bootconf_target t = {(enum pi_model)m, -1, true, 0x12345678};
		const struct bootconf_entry *e = bootconf_lookup(&bc, &t, "BOOT_ORDER");
		struct boot_order bo;
		if (e && boot_order_parse(e->value, &bo)) {
			free(boot_order_describe(&bo));
			(void)boot_order_reaches(&bo, 2);
		}
	}
	bootconf_done(&bc);
	char *set[] = {"BOOT_ORDER=0xf21", "TFTP_PREFIX=2"};
	free(bootconf_edit((const char *)data, size, set, 2, &ps));
	problems_done(&ps);
	return 0;
}
