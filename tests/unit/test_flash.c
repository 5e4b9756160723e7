/* Unit tests: range lists and FAT maps from synthetic disks, image format
 * detection, the sidecar SHA-256 parser, and flash_job (worker thread + pipe). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include "unit.h"
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/disk/flash_job.h"
#include "core/disk/fsmap.h"
#include "core/disk/image.h"
#include "core/disk/parttable.h"
#include "core/base/util.h"

struct mem {
	uint8_t *b;
	size_t n;
};

static int mem_read(void *ctx, uint64_t off, void *buf, size_t len)
{
	struct mem *m = ctx;
	return disk_mem_read(&(struct disk_mem){m->b, m->n}, off, buf, len);
}

static void put16(uint8_t *p, unsigned v) { p[0] = (uint8_t)v, p[1] = (uint8_t)(v >> 8); }
static void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void test_range_list(void **state)
{
	(void)state;
	struct range_list l = {0};
	range_list_add(&l, 100, 10);
	range_list_add(&l, 0, 50);
	range_list_add(&l, 40, 20);
	range_list_add(&l, 110, 5);
	range_list_add(&l, 200, 0);
	range_list_normalise(&l);
	assert_int_equal(l.n, 2);
	assert_int_equal(l.r[0].off, 0);
	assert_int_equal(l.r[0].len, 60);
	assert_int_equal(l.r[1].off, 100);
	assert_int_equal(l.r[1].len, 15);
	assert_int_equal(range_list_bytes(&l), 75);
	range_list_done(&l);
}

/* A 16 MiB disk: MBR, p1 FAT16 at 1 MiB (8 MiB, 1 KiB clusters, clusters 2-4 and 10 used),
 * p2 of an unknown type at 9 MiB to the end. */
static struct mem make_disk(void)
{
	struct mem m = {xcalloc(1, 16u << 20), 16u << 20};
	uint8_t *mbr = m.b;
	put32(mbr + 440, 0x5e3da3da);
	mbr[446 + 4] = 0x0e;
	put32(mbr + 446 + 8, 2048);
	put32(mbr + 446 + 12, 16384);
	mbr[462 + 4] = 0x83;
	put32(mbr + 462 + 8, 18432);
	put32(mbr + 462 + 12, 14336);
	mbr[510] = 0x55, mbr[511] = 0xaa;
	uint8_t *bs = m.b + (1u << 20);
	bs[0] = 0xeb;
	put16(bs + 11, 512);
	bs[13] = 2; /* 1 KiB clusters: 8158 of them, FAT16 */
	put16(bs + 14, 4);
	bs[16] = 2;
	put16(bs + 17, 512);
	put16(bs + 19, 16384);
	put16(bs + 22, 16); /* sectors per FAT */
	memcpy(bs + 54, "FAT16   ", 8);
	bs[510] = 0x55, bs[511] = 0xaa;
	uint8_t *fat = bs + 4 * 512;
	put16(fat + 0, 0xfff8), put16(fat + 2, 0xffff);
	put16(fat + 4, 3), put16(fat + 6, 4), put16(fat + 8, 0xffff), put16(fat + 20, 0xffff);
	return m;
}

static void test_part_table_and_fat_map(void **state)
{
	(void)state;
	struct mem m = make_disk();
	struct part_table pt;
	assert_int_equal(part_table_read(mem_read, &m, m.n, 512, &pt), 0);
	assert_int_equal(pt.kind, PT_MBR);
	assert_int_equal(pt.mbr_id, 0x5e3da3da);
	assert_int_equal(pt.n, 2);
	assert_int_equal(pt.parts[0].start, 1u << 20);
	assert_int_equal(pt.parts[0].fs.kind, FS_FAT);
	assert_int_equal(pt.parts[1].fs.kind, FS_UNKNOWN);
	struct range_list need = {0};
	char note[256];
	assert_int_equal(fsmap_needed(mem_read, &m, m.n, &need, note, sizeof(note)), 0);
	range_list_normalise(&need);
	/* data area starts after 4 reserved + 2x16 FAT + 32 root sectors = 68 sectors */
	uint64_t data = (1u << 20) + 68 * 512;
	/* first MiB + metadata + clusters 2..4 in one run */
	assert_int_equal(need.r[0].off, 0);
	assert_int_equal(need.r[0].len, data + 3 * 1024);
	/* cluster 10 */
	assert_int_equal(need.r[1].off, data + 8 * 1024);
	assert_int_equal(need.r[1].len, 1024);
	/* unknown p2 in full, up to the end of the disk */
	assert_int_equal(need.r[2].off, 9u << 20);
	assert_int_equal(need.r[2].off + need.r[2].len, m.n);
	assert_non_null(strstr(note, "p1 fat"));
	assert_non_null(strstr(note, "p2 written in full"));
	range_list_done(&need);
	/* a partition pointing past the end of the disk is not followed: written as outside */
	put32(m.b + 462 + 12, 0x7fffffff);
	assert_int_equal(fsmap_needed(mem_read, &m, m.n, &need, note, sizeof(note)), 0);
	range_list_normalise(&need);
	assert_int_equal(need.r[need.n - 1].off + need.r[need.n - 1].len, m.n);
	assert_null(strstr(note, "p2"));
	range_list_done(&need);
	free(m.b);
}

static char *write_temp(const void *data, size_t n)
{
	char *p = xstrdup("/tmp/pnb-unit-flash.XXXXXX");
	int fd = mkstemp(p);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, n), (ssize_t)n);
	close(fd);
	return p;
}

static void test_sha256_sidecar(void **state)
{
	(void)state;
	char out[65];
	assert_false(image_sha256_parse("abc", out));
	const char *hex = "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855";
	assert_true(image_sha256_parse(hex, out));
	assert_string_equal(out, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	char *img = write_temp("", 0);
	char *side = xasprintf("%s.sha256", img);
	const char *base = strrchr(img, '/') + 1;
	char *text = xasprintf("%064d  other.img\n%s *%s\n", 0, hex, base);
	FILE *f = fopen(side, "w");
	fputs(text, f);
	fclose(f);
	assert_true(image_sidecar_sha256(img, out));
	assert_string_equal(out, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	/* the source hash of an empty raw image is the SHA-256 of nothing */
	char err[256], sha[65];
	struct image *im = image_open(img, err, sizeof(err));
	assert_non_null(im);
	assert_int_equal(image_format(im), IMAGE_RAW);
	char buf[16];
	assert_int_equal(image_read(im, buf, sizeof(buf)), 0);
	assert_int_equal(image_sha256_finish(im, sha), 0);
	assert_string_equal(sha, out);
	image_free(im);
	unlink(side);
	unlink(img);
	free(text);
	free(side);
	free(img);
}

static void test_flash_job(void **state)
{
	(void)state;
	struct mem m = make_disk();
	for (size_t i = 2u << 20; i < m.n; i += 4096)
		m.b[i] = (uint8_t)(i >> 12); /* some non-zero blocks */
	char *img = write_temp(m.b, m.n);
	char *out = xasprintf("%s.out", img);
	struct flash_job *j = flash_job_start(img, out, true, NULL);
	assert_non_null(j);
	struct flash_progress p;
	struct pollfd pfd = {flash_job_fd(j), POLLIN, 0};
	bool ended = false;
	for (int i = 0; i < 200 && !ended; i++) {
		poll(&pfd, 1, 50);
		ended = flash_job_poll(j, &p);
	}
	assert_true(ended);
	int rc;
	const struct flash_result *r = flash_job_result(j, &rc);
	assert_int_equal(rc, 0);
	assert_int_equal(r->image_size, m.n);
	assert_true(r->verified > 0);
	assert_int_equal(r->verified, r->written);
	flash_job_free(j);
	FILE *f = fopen(out, "rb");
	uint8_t *back = xmalloc(m.n);
	assert_int_equal(fread(back, 1, m.n, f), m.n);
	fclose(f);
	assert_memory_equal(back, m.b, m.n);
	/* cancelled at once: ends with a message saying what state the file is in */
	j = flash_job_start(img, out, true, NULL);
	flash_job_cancel(j);
	for (int i = 0; i < 200 && !flash_job_poll(j, &p); i++)
		poll(&pfd, 0, 20);
	r = flash_job_result(j, &rc);
	if (rc != 0) {
		assert_non_null(strstr(r->message, "cancelled"));
		assert_non_null(strstr(r->message, "no partition table"));
	}
	flash_job_free(j);
	unlink(out);
	unlink(img);
	free(back);
	free(out);
	free(img);
	free(m.b);
}

UNIT_MAIN(
	cmocka_unit_test(test_range_list),
	cmocka_unit_test(test_part_table_and_fat_map),
	cmocka_unit_test(test_sha256_sidecar),
	cmocka_unit_test(test_flash_job))
