/* libFuzzer harness for core/parttable: the input is a disk (its first byte picks the sector
 * size: 512 or 4096) read through disk_mem_read, so every offset the MBR or GPT names is
 * checked against the bytes really there. The found partitions are then looked up by spec. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/disk/parttable.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	struct disk_mem m = {data + 1, size - 1};
	struct part_table pt;
	if (part_table_read(disk_mem_read, &m, m.n, data[0] & 1 ? 4096 : 512, &pt) < 0)
		return 0;
	for (int i = 0; i < pt.n; i++) {
		const struct disk_part *p = &pt.parts[i];
		char spec[64];
		snprintf(spec, sizeof(spec), "PARTUUID=%s", p->partuuid);
		if (p->partuuid[0] && !part_table_find(&pt, spec))
			__builtin_trap();
		snprintf(spec, sizeof(spec), "UUID=%s", p->fs.uuid);
		part_table_find(&pt, spec);
	}
	part_table_drop_past_end(&pt);
	return 0;
}
