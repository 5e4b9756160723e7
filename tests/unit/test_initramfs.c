/* Unit tests: core/server/initramfs.c on initramfs images generated here with libarchive's
 * writer — newc cpio archives, plain and gzip/xz/zstd/lz4 compressed, several concatenated (a
 * plain early cpio, zero padding, then a compressed main one), shaped like what
 * initramfs-tools and dracut build with and without their iSCSI parts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include "unit.h"
#include <archive.h>
#include <archive_entry.h>
#include <stdlib.h>
#include <string.h>

#include "core/server/initramfs.h"

struct img {
	unsigned char *buf;
	size_t len, cap;
};

static void img_add(struct img *m, const void *p, size_t n)
{
	if (m->len + n > m->cap) {
		m->cap = (m->len + n) * 2;
		m->buf = realloc(m->buf, m->cap);
		assert_non_null(m->buf);
	}
	memcpy(m->buf + m->len, p, n);
	m->len += n;
}

/* Appends one newc archive holding files (NULL-terminated "name" or "name=text") to m,
 * compressed with filter (ARCHIVE_FILTER_NONE, _GZIP, _XZ, _ZSTD, _LZ4). */
static void cpio(struct img *m, int filter, const char *const *files)
{
	size_t cap = 1 << 20, used = 0;
	unsigned char *out = malloc(cap);
	struct archive *a = archive_write_new();
	assert_int_equal(archive_write_set_format_cpio_newc(a), ARCHIVE_OK);
	assert_int_equal(archive_write_add_filter(a, filter), ARCHIVE_OK);
	archive_write_set_bytes_per_block(a, 0);
	assert_int_equal(archive_write_open_memory(a, out, cap, &used), ARCHIVE_OK);
	for (; *files; files++) {
		const char *eq = strchr(*files, '=');
		char name[128];
		snprintf(name, sizeof(name), "%.*s", (int)(eq ? eq - *files : (long)strlen(*files)), *files);
		const char *text = eq ? eq + 1 : "#!/bin/sh\n";
		struct archive_entry *e = archive_entry_new();
		archive_entry_set_pathname(e, name);
		archive_entry_set_filetype(e, AE_IFREG);
		archive_entry_set_perm(e, 0755);
		archive_entry_set_size(e, (la_int64_t)strlen(text));
		assert_int_equal(archive_write_header(a, e), ARCHIVE_OK);
		assert_int_equal(archive_write_data(a, text, strlen(text)), (la_ssize_t)strlen(text));
		archive_entry_free(e);
	}
	assert_int_equal(archive_write_close(a), ARCHIVE_OK);
	archive_write_free(a);
	img_add(m, out, used);
	free(out);
}

static struct initramfs_info inspect(const struct img *m, int want_rc)
{
	struct initramfs_info in;
	char err[256] = "";
	assert_int_equal(initramfs_inspect(m->buf, m->len, &in, err, sizeof(err)), want_rc);
	return in;
}

static const char *const early[] = {"kernel/x86/microcode/GenuineIntel.bin", NULL};

/* Raspberry Pi OS after `apt install open-iscsi; touch /etc/iscsi/iscsi.initramfs;
 * update-initramfs -u`: the hook's files are in */
static void test_initramfs_tools_iscsi(void **state)
{
	(void)state;
	static const char *const files[] = {
	    "init", "scripts/functions", "conf/initramfs.conf", "scripts/local-top/iscsi",
	    "usr/sbin/iscsistart", "etc/iscsi.initramfs", "etc/initiatorname.iscsi",
	    "usr/lib/modules/6.6.31+rpt-rpi-v8/kernel/drivers/scsi/iscsi_tcp.ko.xz", NULL};
	int filters[] = {ARCHIVE_FILTER_NONE, ARCHIVE_FILTER_GZIP, ARCHIVE_FILTER_XZ,
			 ARCHIVE_FILTER_ZSTD, ARCHIVE_FILTER_LZ4};
	const char *names[] = {"none", "gzip", "xz", "zstd", "lz4"};
	for (size_t i = 0; i < sizeof(filters) / sizeof(filters[0]); i++) {
		struct img m = {0};
		cpio(&m, filters[i], files);
		struct initramfs_info in = inspect(&m, 0);
		assert_string_equal(in.compression, names[i]);
		assert_int_equal(in.segments, 1);
		assert_string_equal(in.generator, "initramfs-tools");
		assert_int_equal(in.files, 8);
		assert_true(in.iscsistart && in.iscsi_script && in.iscsi_marker && in.initiatorname);
		assert_true(in.iscsi_tcp_module && in.has_modules);
		assert_true(in.iscsi);
		assert_null(initramfs_iscsi_gap(&in));
		free(m.buf);
	}
}

/* the stock image: NFS yes (klibc nfsmount and scripts/nfs), iSCSI no; after an early
 * microcode cpio and zero padding, as the kernel accepts them */
static void test_stock_concatenated(void **state)
{
	(void)state;
	static const char *const files[] = {"scripts/functions", "scripts/nfs",
					    "usr/lib/klibc/bin/nfsmount", "scripts/local-top/iscsi",
					    NULL};
	struct img m = {0};
	cpio(&m, ARCHIVE_FILTER_NONE, early);
	static const unsigned char pad[512];
	img_add(&m, pad, sizeof(pad));
	cpio(&m, ARCHIVE_FILTER_ZSTD, files);
	struct initramfs_info in = inspect(&m, 0);
	assert_int_equal(in.segments, 2);
	assert_string_equal(in.compression, "none+zstd");
	assert_true(in.nfs);
	assert_false(in.iscsi);
	char *gap = initramfs_iscsi_gap(&in);
	assert_non_null(strstr(gap, "no iscsistart"));
	assert_non_null(strstr(gap, "iscsi.initramfs marker"));
	free(gap);
	assert_non_null(strstr(initramfs_iscsi_fix(&in), "update-initramfs"));
	free(m.buf);
	/* without open-iscsi at all */
	m = (struct img){0};
	static const char *const bare[] = {"scripts/functions", "init", NULL};
	cpio(&m, ARCHIVE_FILTER_GZIP, bare);
	in = inspect(&m, 0);
	assert_false(in.iscsi || in.nfs);
	gap = initramfs_iscsi_gap(&in);
	assert_non_null(strstr(gap, "without open-iscsi"));
	free(gap);
	free(m.buf);
}

/* dracut: its module list says iscsi; an lz4 main archive after the early cpio */
static void test_dracut(void **state)
{
	(void)state;
	static const char *const with[] = {"usr/lib/dracut/modules.txt=base\nnetwork\niscsi\nnfs\n",
					   "usr/sbin/iscsistart", "usr/sbin/iscsiroot", NULL};
	static const char *const without[] = {"usr/lib/dracut/modules.txt=base\nsystemd\n",
					      "usr/sbin/iscsistart", NULL};
	struct img m = {0};
	cpio(&m, ARCHIVE_FILTER_NONE, early);
	cpio(&m, ARCHIVE_FILTER_LZ4, with);
	struct initramfs_info in = inspect(&m, 0);
	assert_string_equal(in.generator, "dracut");
	assert_true(in.iscsi && in.nfs && in.dracut_iscsi);
	free(m.buf);
	m = (struct img){0};
	cpio(&m, ARCHIVE_FILTER_XZ, without);
	in = inspect(&m, 0);
	assert_false(in.iscsi || in.nfs);
	char *gap = initramfs_iscsi_gap(&in);
	assert_non_null(strstr(gap, "dracut image without the iscsi module"));
	free(gap);
	assert_non_null(strstr(initramfs_iscsi_fix(&in), "dracut --add iscsi"));
	free(m.buf);
}

static void test_not_an_initramfs(void **state)
{
	(void)state;
	struct img m = {0};
	unsigned char junk[4096];
	for (size_t i = 0; i < sizeof(junk); i++)
		junk[i] = (unsigned char)(i * 7 + 3);
	img_add(&m, junk, sizeof(junk));
	inspect(&m, -1);
	/* a truncated plain archive is not one either */
	struct img t = {0};
	cpio(&t, ARCHIVE_FILTER_NONE, early);
	t.len /= 2;
	inspect(&t, -1);
	free(t.buf);
	free(m.buf);
	struct initramfs_info in;
	char err[256];
	assert_int_equal(initramfs_inspect_file("/nonexistent/initrd.img", &in, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "cannot read"));
}

UNIT_MAIN(
	cmocka_unit_test(test_initramfs_tools_iscsi),
	cmocka_unit_test(test_stock_concatenated),
	cmocka_unit_test(test_dracut),
	cmocka_unit_test(test_not_an_initramfs))
