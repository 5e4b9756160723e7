/* Unit tests: core/parttable over synthetic disks in memory — MBR with FAT32 and ext4
 * signatures, extended and empty slots, partitions past the end, a whole-disk FAT, GPT with
 * real CRC32s (zlib), a damaged primary GPT read from its backup, both copies damaged, bad
 * entry arrays, truncated disks, failing reads, 4 KiB sectors, and the file-path reader. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include "unit.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "core/disk/parttable.h"
#include "core/base/util.h"

#define DISK (4u << 20)
#define SECTORS (DISK / 512)

static uint8_t disk[DISK];

static void put64(uint8_t *p, uint64_t v)
{
	le32_store(p, (uint32_t)v);
	le32_store(p + 4, (uint32_t)(v >> 32));
}

static int read_disk(struct part_table *pt, size_t size, uint32_t sector)
{
	struct disk_mem m = {disk, size};
	return part_table_read(disk_mem_read, &m, size, sector, pt);
}

static void mbr_entry(int slot, uint8_t type, uint32_t first, uint32_t count)
{
	uint8_t *e = disk + 446 + 16 * slot;
	e[4] = type;
	le32_store(e + 8, first);
	le32_store(e + 12, count);
	disk[510] = 0x55, disk[511] = 0xaa;
}

/* FAT32 boot sector with volume id and label at byte off. */
static void fat32_at(size_t off)
{
	uint8_t *b = disk + off;
	b[0] = 0xeb, b[12] = 0x02, b[13] = 1;
	b[0x42] = 0x29, le32_store(b + 0x43, 0x1a2b3c4d);
	memcpy(b + 0x47, "BOOTFS     ", 11);
	b[510] = 0x55, b[511] = 0xaa;
}

static void ext4_at(size_t off)
{
	uint8_t *sb = disk + off + 1024;
	sb[0x38] = 0x53, sb[0x39] = 0xef, sb[0x60] = 0x40;
	for (int i = 0; i < 16; i++)
		sb[0x68 + i] = (uint8_t)(0x10 + i);
	memcpy(sb + 0x78, "rootfs", 6);
}

static void test_mbr_fat_ext(void **state)
{
	(void)state;
	memset(disk, 0, sizeof(disk));
	le32_store(disk + 440, 0x5eed1234);
	mbr_entry(0, 0x0c, 2048, 2048);
	mbr_entry(1, 0x83, 4096, 4096);
	fat32_at(1 << 20);
	ext4_at(2 << 20);
	struct part_table pt;
	assert_int_equal(read_disk(&pt, DISK, 512), 0);
	assert_int_equal(pt.kind, PT_MBR);
	assert_int_equal(pt.mbr_id, 0x5eed1234);
	assert_string_equal(pt.disk_id, "5eed1234");
	assert_int_equal(pt.n, 2);
	assert_int_equal(pt.parts[0].fs.kind, FS_FAT);
	assert_string_equal(pt.parts[0].fs.type, "vfat");
	assert_string_equal(pt.parts[0].fs.uuid, "1A2B-3C4D");
	assert_string_equal(pt.parts[0].fs.label, "BOOTFS");
	assert_int_equal(pt.parts[1].start, 2 << 20);
	assert_int_equal(pt.parts[1].size, 2 << 20);
	assert_string_equal(pt.parts[1].fs.type, "ext4");
	assert_string_equal(pt.parts[1].fs.uuid, "10111213-1415-1617-1819-1a1b1c1d1e1f");
	assert_string_equal(pt.parts[1].partuuid, "5eed1234-02");
	assert_string_equal(pt.error, "");
	assert_ptr_equal(part_table_find(&pt, "UUID=10111213-1415-1617-1819-1A1B1C1D1E1F"),
			 &pt.parts[1]);
	assert_ptr_equal(part_table_find(&pt, "uuid=1a2b-3c4d"), &pt.parts[0]);
	assert_ptr_equal(part_table_find(&pt, "PARTUUID=5eed1234-02"), &pt.parts[1]);
	assert_ptr_equal(part_table_find(&pt, "LABEL=rootfs"), &pt.parts[1]);
	assert_null(part_table_find(&pt, "UUID=nope"));
	assert_null(part_table_find(&pt, "UUID="));
	assert_null(part_table_find(&pt, "/dev/sda2"));
	assert_string_equal(part_fs_name(pt.parts[0].fs.kind), "fat");
}

/* Empty slots are skipped, an extended partition is listed without a filesystem, a partition
 * past the end is kept (marked) until dropped, and an old FAT16 formatter's boot sector (type
 * string, no extended signature) is still FAT. */
static void test_mbr_extended_empty_past_end(void **state)
{
	(void)state;
	memset(disk, 0, sizeof(disk));
	mbr_entry(0, 0x06, 2048, 2048);
	mbr_entry(1, 0x00, 4096, 100);    /* empty type */
	mbr_entry(2, 0x05, 4096, 2048);   /* extended */
	mbr_entry(3, 0x83, 6144, 100000); /* runs past the 4 MiB disk */
	uint8_t *b = disk + (1 << 20);
	b[0] = 0xeb, b[12] = 0x02, b[13] = 4;
	memcpy(b + 54, "FAT16   ", 8);
	b[510] = 0x55, b[511] = 0xaa;
	ext4_at(4096 * 512); /* inside the extended partition: must not be read as its fs */
	struct part_table pt;
	assert_int_equal(read_disk(&pt, DISK, 512), 0);
	assert_int_equal(pt.n, 3);
	assert_int_equal(pt.parts[0].fs.kind, FS_FAT);
	assert_string_equal(pt.parts[0].fs.uuid, ""); /* no volume id without the signature */
	assert_int_equal(pt.parts[1].number, 3);
	assert_int_equal(pt.parts[1].mbr_type, 0x05);
	assert_int_equal(pt.parts[1].fs.kind, FS_UNKNOWN);
	assert_int_equal(pt.parts[2].number, 4);
	assert_true(pt.parts[2].past_end);
	assert_false(pt.parts[0].past_end);
	part_table_drop_past_end(&pt);
	assert_int_equal(pt.n, 2);
	/* a slot with a type but no sectors is empty too */
	mbr_entry(0, 0x06, 2048, 0);
	assert_int_equal(read_disk(&pt, DISK, 512), 0);
	assert_int_equal(pt.n, 2);
	assert_int_equal(pt.parts[0].number, 3);
}

static void test_no_table(void **state)
{
	(void)state;
	memset(disk, 0, sizeof(disk));
	struct part_table pt;
	assert_int_equal(read_disk(&pt, DISK, 512), 0);
	assert_int_equal(pt.kind, PT_NONE);
	assert_non_null(strstr(pt.error, "55 AA"));
	/* a FAT filesystem on the whole disk ends in 55 AA too, but is not a table */
	fat32_at(0);
	mbr_entry(0, 0x0c, 1, 2); /* whatever its boot code says */
	disk[0] = 0xeb;
	assert_int_equal(read_disk(&pt, DISK, 512), 0);
	assert_int_equal(pt.kind, PT_NONE);
	assert_int_equal(pt.n, 0);
	assert_non_null(strstr(pt.error, "FAT"));
}

/* ---- GPT: written as sfdisk would, with both CRCs ---- */

static void gpt_header(uint64_t lba, uint64_t alt, uint64_t array_lba, uint32_t n)
{
	uint8_t *h = disk + lba * 512;
	memset(h, 0, 512);
	memcpy(h, "EFI PART", 8);
	le32_store(h + 8, 0x00010000);
	le32_store(h + 12, 92);
	put64(h + 24, lba);
	put64(h + 32, alt);
	put64(h + 40, 34);
	put64(h + 48, SECTORS - 34);
	for (int i = 0; i < 16; i++)
		h[56 + i] = (uint8_t)(0xa0 + i);
	put64(h + 72, array_lba);
	le32_store(h + 80, n);
	le32_store(h + 84, 128);
	le32_store(h + 88, (uint32_t)crc32(0, disk + array_lba * 512, n * 128));
	le32_store(h + 16, (uint32_t)crc32(0, h, 92));
}

static void gpt_make(void)
{
	memset(disk, 0, sizeof(disk));
	mbr_entry(0, 0xee, 1, SECTORS - 1);
	uint8_t *e = disk + 2 * 512 + 128; /* entry 2; entry 1 stays unused */
	e[0] = 1;                          /* any non-zero type GUID */
	for (int i = 0; i < 16; i++)
		e[16 + i] = (uint8_t)i;
	put64(e + 32, 2048);
	put64(e + 40, 4095);
	e += 128; /* entry 3: last before first, nonsense */
	e[0] = 1;
	put64(e + 32, 4096);
	put64(e + 40, 4000);
	ext4_at(2048 * 512);
	memcpy(disk + (SECTORS - 33) * 512, disk + 2 * 512, 128 * 128);
	gpt_header(1, SECTORS - 1, 2, 128);
	gpt_header(SECTORS - 1, 1, SECTORS - 33, 128);
}

static void test_gpt(void **state)
{
	(void)state;
	gpt_make();
	struct part_table pt;
	assert_int_equal(read_disk(&pt, DISK, 512), 0);
	assert_int_equal(pt.kind, PT_GPT);
	assert_string_equal(pt.error, "");
	assert_string_equal(pt.disk_id, "a3a2a1a0-a5a4-a7a6-a8a9-aaabacadaeaf");
	assert_int_equal(pt.mbr_id, 0);
	assert_int_equal(pt.n, 1);
	assert_int_equal(pt.parts[0].number, 2);
	assert_int_equal(pt.parts[0].start, 1u << 20);
	assert_int_equal(pt.parts[0].size, 1u << 20);
	assert_int_equal(pt.parts[0].mbr_type, 0);
	assert_string_equal(pt.parts[0].partuuid, "03020100-0504-0706-0809-0a0b0c0d0e0f");
	assert_int_equal(pt.parts[0].fs.kind, FS_EXT);
	assert_ptr_equal(part_table_find(&pt, "PARTUUID=03020100-0504-0706-0809-0A0B0C0D0E0F"),
			 &pt.parts[0]);
}

static void test_gpt_corrupt_primary_uses_backup(void **state)
{
	(void)state;
	gpt_make();
	disk[512 + 60] ^= 0xff; /* the disk GUID changes under the header CRC */
	struct part_table pt;
	assert_int_equal(read_disk(&pt, DISK, 512), 0);
	assert_int_equal(pt.kind, PT_GPT);
	assert_int_equal(pt.n, 1);
	assert_non_null(strstr(pt.error, "LBA 1 fails its CRC"));
	assert_non_null(strstr(pt.error, "backup GPT at LBA 8191 is used"));
	assert_string_equal(pt.disk_id, "a3a2a1a0-a5a4-a7a6-a8a9-aaabacadaeaf");
	/* an entry changed under the primary array's CRC: the backup again */
	gpt_make();
	disk[2 * 512 + 128 + 32] = 0x10;
	assert_int_equal(read_disk(&pt, DISK, 512), 0);
	assert_int_equal(pt.kind, PT_GPT);
	assert_non_null(strstr(pt.error, "entry array of LBA 1 fails its CRC"));
	assert_int_equal(pt.parts[0].start, 1u << 20);
}

static void test_gpt_both_bad(void **state)
{
	(void)state;
	gpt_make();
	disk[512 + 60] ^= 0xff;
	memset(disk + (SECTORS - 1) * 512, 0, 512);
	struct part_table pt;
	assert_int_equal(read_disk(&pt, DISK, 512), 0);
	assert_int_equal(pt.kind, PT_NONE);
	assert_int_equal(pt.n, 0);
	assert_non_null(strstr(pt.error, "no usable GPT: the GPT header at LBA 1 fails its CRC"));
	/* a header that lies about its own LBA, or an absurd entry size, is not used either */
	gpt_make();
	memset(disk + (SECTORS - 1) * 512, 0, 512);
	put64(disk + 512 + 24, 7);
	le32_store(disk + 512 + 16, 0);
	le32_store(disk + 512 + 16, (uint32_t)crc32(0, disk + 512, 92));
	assert_int_equal(read_disk(&pt, DISK, 512), 0);
	assert_non_null(strstr(pt.error, "says it is at LBA 7"));
	gpt_make();
	memset(disk + (SECTORS - 1) * 512, 0, 512);
	gpt_header(1, SECTORS - 1, 2, 0x40000000u);
	assert_int_equal(read_disk(&pt, DISK, 512), 0);
	assert_int_equal(pt.kind, PT_NONE);
	assert_non_null(strstr(pt.error, "entries of 128 bytes"));
}

/* Cut short: a disk too small for a sector, a GPT whose array is past the end, a table whose
 * partitions lie beyond what is there (not read: no error), and a reader that fails. */
static int failing_read(void *ctx, uint64_t off, void *buf, size_t len)
{
	(void)ctx, (void)buf, (void)len;
	return off == 0 ? disk_mem_read(&(struct disk_mem){disk, DISK}, off, buf, len) : -1;
}

static void test_truncated(void **state)
{
	(void)state;
	struct part_table pt;
	memset(disk, 0, sizeof(disk));
	assert_int_equal(read_disk(&pt, 100, 512), -1);
	assert_non_null(strstr(pt.error, "first sector"));
	gpt_make();
	assert_int_equal(read_disk(&pt, 8 * 512, 512), 0); /* header fine, array cut off */
	assert_int_equal(pt.kind, PT_NONE);
	assert_non_null(strstr(pt.error, "past the end of the disk"));
	assert_int_equal(read_disk(&pt, 600, 512), 0); /* not even LBA 1 */
	assert_int_equal(pt.kind, PT_NONE);
	assert_non_null(strstr(pt.error, "ends before LBA 1"));
	memset(disk, 0, sizeof(disk));
	mbr_entry(0, 0x83, 2048, 2048);
	assert_int_equal(read_disk(&pt, (1 << 20) + 1000, 512), 0);
	assert_int_equal(pt.n, 1);
	assert_true(pt.parts[0].past_end);
	assert_int_equal(pt.parts[0].fs.kind, FS_UNKNOWN);
	assert_int_equal(part_table_read(failing_read, NULL, DISK, 512, &pt), -1);
	assert_non_null(strstr(pt.error, "partition 1 at byte 1048576"));
	gpt_make();
	assert_int_equal(part_table_read(failing_read, NULL, DISK, 512, &pt), -1);
	assert_non_null(strstr(pt.error, "could not read the GPT"));
	assert_int_equal(read_disk(&pt, DISK, 3000), -1); /* not a sector size */
}

static void test_4k_sectors(void **state)
{
	(void)state;
	memset(disk, 0, sizeof(disk));
	mbr_entry(0, 0x83, 256, 256);
	ext4_at(1 << 20);
	struct part_table pt;
	assert_int_equal(read_disk(&pt, DISK, 4096), 0);
	assert_int_equal(pt.parts[0].start, 1u << 20);
	assert_int_equal(pt.parts[0].size, 1u << 20);
	assert_int_equal(pt.parts[0].fs.kind, FS_EXT);
}

static void test_path(void **state)
{
	(void)state;
	memset(disk, 0, sizeof(disk));
	mbr_entry(0, 0x0c, 2048, 2048);
	mbr_entry(1, 0x83, 4096, 100000);
	fat32_at(1 << 20);
	char path[] = "/tmp/pnb-unit-parttable.XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, disk, DISK), (ssize_t)DISK);
	close(fd);
	struct part_table pt;
	assert_int_equal(part_table_read_path(path, &pt), 0);
	assert_int_equal(pt.n, 1); /* the one past the end of the file is dropped */
	assert_int_equal(pt.parts[0].fs.kind, FS_FAT);
	unlink(path);
	assert_int_equal(part_table_read_path(path, &pt), -1);
	assert_non_null(strstr(pt.error, "No such file"));
}

UNIT_MAIN(
	cmocka_unit_test(test_mbr_fat_ext),
	cmocka_unit_test(test_mbr_extended_empty_past_end),
	cmocka_unit_test(test_no_table),
	cmocka_unit_test(test_gpt),
	cmocka_unit_test(test_gpt_corrupt_primary_uses_backup),
	cmocka_unit_test(test_gpt_both_bad),
	cmocka_unit_test(test_truncated),
	cmocka_unit_test(test_4k_sectors),
	cmocka_unit_test(test_path))
