/* pnb_parttable — prints what core/parttable reads from an image file, one line per partition
 * in sfdisk's own words, so tests/flash/t_parttable.sh can compare it with `sfdisk -d`:
 *   label: dos|gpt|none
 *   label-id: 0x5e3da3da | GUID (uppercase)
 *   N : start=S, size=S, type=T[, uuid=GUID] [fs=KIND]
 *   error: … (when the reader had something to say) */
#include <ctype.h>
#include <stdio.h>

#include "core/disk/parttable.h"

static void upper(char *s)
{
	for (; *s; s++)
		*s = (char)toupper((unsigned char)*s);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: pnb_parttable IMAGE\n");
		return 2;
	}
	struct part_table pt;
	int r = part_table_read_path(argv[1], &pt);
	printf("label: %s\n", pt.kind == PT_GPT ? "gpt" : pt.kind == PT_MBR ? "dos" : "none");
	upper(pt.disk_id);
	if (pt.kind == PT_MBR)
		printf("label-id: 0x%08x\n", pt.mbr_id);
	else if (pt.kind == PT_GPT)
		printf("label-id: %s\n", pt.disk_id);
	for (int i = 0; i < pt.n; i++) {
		struct disk_part *p = &pt.parts[i];
		printf("%d : start=%llu, size=%llu", p->number, (unsigned long long)(p->start / 512),
		       (unsigned long long)(p->size / 512));
		if (pt.kind == PT_MBR)
			printf(", type=%x", p->mbr_type);
		else {
			upper(p->partuuid);
			printf(", uuid=%s", p->partuuid);
		}
		printf(" fs=%s\n", part_fs_name(p->fs.kind));
	}
	if (pt.error[0])
		printf("error: %s\n", pt.error);
	return r < 0 ? 1 : 0;
}
