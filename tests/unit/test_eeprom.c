/* Unit tests: pieeprom.bin on the real release images in tests/data/eeprom (walk, extract,
 * in-place replace, round trips, PAD sections, timestamp, version, .sig) and on damaged copies
 * (spec eeprom-otp.md §1). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include "unit.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/pi/eeprom.h"
#include "core/base/fsutil.h"

#define IMG_2711 "firmware-2711/pieeprom-2026-05-17.bin"
#define IMG_2712 "firmware-2712/pieeprom-2026-05-26.bin"

static uint8_t *raw(const char *name, size_t *len)
{
	char path[512];
	unit_path(path, sizeof(path), "tests/data/eeprom/", name);
	uint8_t *d = (uint8_t *)fs_read_file_max(path, 4u << 20, len);
	if (!d)
		skip();
	return d;
}

static void load(const char *name, struct eeprom_image *img, uint8_t **orig)
{
	size_t len;
	*orig = raw(name, &len);
	assert_int_equal(eeprom_load_buffer(img, *orig, len), 0);
}

/* A release image loaded for one test by its cmocka setup (the test finds it in *state); the
 * teardown releases it. */
struct loaded {
	struct eeprom_image img;
	uint8_t *orig; /* the file's bytes, untouched */
};

static int setup_image(void **state, const char *name)
{
	struct loaded *l = calloc(1, sizeof(*l));
	*state = l;
	load(name, &l->img, &l->orig);
	return 0;
}

static int setup_2711(void **state)
{
	return setup_image(state, IMG_2711);
}

static int setup_2712(void **state)
{
	return setup_image(state, IMG_2712);
}

static int teardown_image(void **state)
{
	struct loaded *l = *state;
	if (l) {
		eeprom_done(&l->img);
		free(l->orig);
		free(l);
	}
	return 0;
}

static const char *conf(const struct eeprom_image *img, size_t *len)
{
	const struct eeprom_section *s = eeprom_find_file(img, "bootconf.txt");
	assert_non_null(s);
	const uint8_t *c = eeprom_file_content(img, s, len);
	assert_non_null(c);
	return (const char *)c;
}

static void test_walk_2711(void **state)
{
	struct loaded *l = *state;
	struct eeprom_image *img = &l->img;
	assert_string_equal(eeprom_family(img), "2711");
	assert_false(img->ab);
	const struct eeprom_section *s = eeprom_find_file(img, "bootconf.txt");
	assert_int_equal(s->offset, 0x72e00);
	assert_int_equal(s->length, 95);
	assert_ptr_equal(s, &img->sections[img->n_sections - 1]); /* the last section */
	assert_int_equal(eeprom_find_file(img, "updatetime")->offset, 0x71c78);
	assert_int_equal(img->sections[0].magic, EEPROM_MAGIC);
	assert_int_equal(img->sections[0].length, 73120);
	size_t n;
	const char *c = conf(img, &n);
	assert_int_equal(n, 79);
	assert_memory_equal(c, "[all]\nBOOT_UART=0\nWAKE_ON_GPIO=1\n", 32);
	struct eeprom_version v;
	eeprom_get_version(img, &v);
	assert_int_equal(v.build_timestamp, 1779045198);
	assert_string_equal(v.version, "224877da");
	assert_int_equal(v.mfg_ver, 1);
	uint32_t ts;
	assert_false(eeprom_get_timestamp(img, &ts)); /* unset in release images */
}

static void test_walk_2712(void **state)
{
	struct loaded *l = *state;
	struct eeprom_image *img = &l->img;
	assert_string_equal(eeprom_family(img), "2712");
	assert_true(img->ab);
	assert_int_equal(eeprom_find_file(img, "bootsys")->offset, 0x10000);
	/* the RO-area updatetime is outside the edit window; partition A's is found */
	assert_int_equal(eeprom_find_file(img, "updatetime")->offset, 0xa1d10);
	size_t n;
	const char *c = conf(img, &n);
	assert_int_equal(n, 62);
	assert_memory_equal(c, "[all]\nBOOT_UART=1\nBOOT_ORDER=0xf461\nNET_INSTALL_AT_POWER_ON=1\n", 62);
}

/* Bytes that differ between a and b outside [from, to). */
static size_t diff_outside(const uint8_t *a, const uint8_t *b, size_t size, size_t from, size_t to)
{
	size_t d = 0;
	for (size_t i = 0; i < size; i++)
		if ((i < from || i >= to) && a[i] != b[i])
			d++;
	return d;
}

static void round_trip(const char *name, size_t limit)
{
	struct eeprom_image img;
	uint8_t *orig;
	load(name, &img, &orig);
	size_t n;
	const char *c0 = conf(&img, &n);
	char *old = strndup(c0, n);
	size_t off = eeprom_find_file(&img, "bootconf.txt")->offset;
	const char *nc = "[all]\nBOOT_UART=0\nBOOT_ORDER=0xf21\nTFTP_PREFIX=2\n"
			 "TFTP_IP=192.168.20.1\nDHCP_TIMEOUT=45000\nNET_INSTALL_AT_POWER_ON=1\n";
	assert_int_equal(eeprom_replace_file(&img, "bootconf.txt", (const uint8_t *)nc, strlen(nc)),
			 0);
	const char *c = conf(&img, &n);
	assert_int_equal(n, strlen(nc));
	assert_memory_equal(c, nc, n);
	/* nothing outside bootconf's own range changed */
	assert_int_equal(diff_outside(img.data, orig, img.size, off, limit), 0);
	/* the result walks cleanly from a fresh load */
	struct eeprom_image again;
	assert_int_equal(eeprom_load_buffer(&again, img.data, img.size), 0);
	eeprom_done(&again);
	/* the original config gives the original image back, byte for byte */
	assert_int_equal(eeprom_replace_file(&img, "bootconf.txt", (const uint8_t *)old, strlen(old)),
			 0);
	assert_memory_equal(img.data, orig, img.size);
	free(old);
	eeprom_done(&img);
	free(orig);
}

static void test_round_trip_2711(void **state)
{
	(void)state;
	round_trip(IMG_2711, EEPROM_SIZE_2711 - EEPROM_RESERVED);
}

static void test_round_trip_2712(void **state)
{
	(void)state;
	round_trip(IMG_2712, 0x107000);
}

static void test_pad_section_2712(void **state)
{
	struct loaded *l = *state;
	struct eeprom_image *img = &l->img;
	const char *nc = "[all]\nBOOT_ORDER=0xf21\n";
	assert_int_equal(eeprom_replace_file(img, "bootconf.txt", (const uint8_t *)nc, strlen(nc)),
			 0);
	size_t pad = (0xa3000 + 24 + strlen(nc) + 7) & ~(size_t)7;
	const uint8_t *p = img->data + pad;
	assert_int_equal(p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3], EEPROM_PAD_MAGIC);
	uint32_t len = (uint32_t)(p[4] << 24 | p[5] << 16 | p[6] << 8 | p[7]);
	assert_int_equal(pad + 8 + len, 0x107000); /* ends at partition A's end */
	for (size_t i = pad + 8; i < 0x107000; i++)
		assert_int_equal(img->data[i], 0xff);
}

static void test_limits(void **state)
{
	struct loaded *l = *state;
	struct eeprom_image *img = &l->img;
	char *big = malloc(4077);
	memset(big, '#', 4077);
	assert_int_equal(eeprom_replace_file(img, "bootconf.txt", (uint8_t *)big, 4077), -1);
	assert_non_null(strstr(img->err, "4076"));
	assert_memory_equal(img->data, l->orig, img->size); /* unchanged */
	assert_int_equal(eeprom_replace_file(img, "bootconf.txt", (uint8_t *)big, 4076), 0);
	assert_int_equal(eeprom_replace_file(img, "nosuch.txt", (uint8_t *)big, 4), -1);
	/* pubkey.bin is followed by a non-PAD section 0x2e8 bytes on: no room for 1000 bytes */
	assert_int_equal(eeprom_replace_file(img, "pubkey.bin", (uint8_t *)big, 1000), -1);
	assert_non_null(strstr(img->err, "larger than its section"));
	free(big);
}

static void test_damaged(void **state)
{
	(void)state;
	size_t len;
	uint8_t *d = raw(IMG_2711, &len);
	struct eeprom_image img;
	assert_int_equal(eeprom_load_buffer(&img, d, len - 1), -1);
	assert_non_null(strstr(img.err, "524288"));
	eeprom_done(&img);
	uint8_t *bad = malloc(len);
	memcpy(bad, d, len);
	bad[0x11fc0 + 2] = 0x12; /* a blob's magic */
	assert_int_equal(eeprom_load_buffer(&img, bad, len), -1);
	assert_non_null(strstr(img.err, "0x011fc0"));
	eeprom_done(&img);
	memcpy(bad, d, len);
	bad[0x72e00 + 4] = 0x7f; /* bootconf length past the end */
	assert_int_equal(eeprom_load_buffer(&img, bad, len), -1);
	eeprom_done(&img);
	memset(bad, 0xff, len);
	assert_int_equal(eeprom_load_buffer(&img, bad, len), -1); /* erased: no sections */
	eeprom_done(&img);
	free(bad);
	free(d);
}

static void test_timestamp_and_sig(void **state)
{
	(void)state;
	struct eeprom_image img;
	uint8_t *orig;
	load(IMG_2711, &img, &orig);
	char *sig = eeprom_sig_text(img.data, img.size, 1700000000, "2711");
	assert_string_equal(sig, "f1da1bda48c8f19d6eccd94f160a2c8da48fd0acdbfa47f0ac58353208d188c3\n"
				 "ts: 1700000000\ntarget-soc: 2711\n");
	free(sig);
	eeprom_set_timestamp(&img, 1700000000);
	static const uint8_t want[8] = {0xff, 0x0e, 0xac, 0x9a, 0x00, 0xf1, 0x53, 0x65};
	assert_memory_equal(img.data + img.size - 8, want, 8);
	uint32_t ts;
	assert_true(eeprom_get_timestamp(&img, &ts));
	assert_int_equal(ts, 1700000000);
	assert_int_equal(diff_outside(img.data, orig, img.size, img.size - 8, img.size), 0);
	eeprom_done(&img);
	free(orig);
	load(IMG_2712, &img, &orig);
	eeprom_set_timestamp(&img, 1700000000);
	assert_true(eeprom_get_timestamp(&img, &ts));
	assert_int_equal(ts, 1700000000);
	assert_memory_equal(img.data + 0x67a0 + 24, want, 8); /* RO area */
	assert_memory_equal(img.data + 0xa1d10 + 24, want, 8); /* partition A */
	assert_memory_equal(img.data + img.size - 8, orig + img.size - 8, 8);
	eeprom_done(&img);
	free(orig);
}

UNIT_MAIN(
	cmocka_unit_test_setup_teardown(test_walk_2711, setup_2711, teardown_image),
	cmocka_unit_test_setup_teardown(test_walk_2712, setup_2712, teardown_image),
	cmocka_unit_test(test_round_trip_2711),
	cmocka_unit_test(test_round_trip_2712),
	cmocka_unit_test_setup_teardown(test_pad_section_2712, setup_2712, teardown_image),
	cmocka_unit_test_setup_teardown(test_limits, setup_2711, teardown_image),
	cmocka_unit_test(test_damaged),
	cmocka_unit_test(test_timestamp_and_sig))
