/* Unit tests: core/disk/rootcopy — a tar stream from a Pi (not trusted) unpacked into a copy:
 * what it keeps, and the members it refuses. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include "unit.h"
#include <archive.h>
#include <archive_entry.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/base/fsutil.h"
#include "core/base/util.h"
#include "core/disk/rootcopy.h"

struct member {
	const char *name;
	mode_t type;
	const char *data; /* regular file contents, or the link target */
};

/* A tar of the members in a temporary file, opened for reading. */
static int tar_of(const struct member *m, size_t n)
{
	char *path = fs_temp_file("tartest", "", 0);
	assert_non_null(path);
	struct archive *a = archive_write_new();
	archive_write_set_format_pax_restricted(a);
	assert_int_equal(archive_write_open_filename(a, path), ARCHIVE_OK);
	for (size_t i = 0; i < n; i++) {
		struct archive_entry *e = archive_entry_new();
		archive_entry_set_pathname(e, m[i].name);
		archive_entry_set_filetype(e, m[i].type);
		archive_entry_set_perm(e, m[i].type == AE_IFDIR ? 0755 : 0640);
		if (m[i].type == AE_IFLNK)
			archive_entry_set_symlink(e, m[i].data);
		else if (m[i].type == AE_IFREG)
			archive_entry_set_size(e, (la_int64_t)strlen(m[i].data));
		archive_write_header(a, e);
		if (m[i].type == AE_IFREG)
			archive_write_data(a, m[i].data, strlen(m[i].data));
		archive_entry_free(e);
	}
	archive_write_free(a);
	FILE *f = fopen(path, "re");
	unlink(path);
	free(path);
	assert_non_null(f);
	int fd = dup(fileno(f));
	fclose(f);
	return fd;
}

static char *temp_dir(void)
{
	char *d = xasprintf("%s/pnb-rootcopy.XXXXXX", fs_tmpdir());
	assert_non_null(mkdtemp(d));
	return d;
}

static void test_keeps_tree(void **state)
{
	(void)state;
	const struct member m[] = {{"./", AE_IFDIR, NULL},
				   {"./etc/", AE_IFDIR, NULL},
				   {"./etc/hostname", AE_IFREG, "pi\n"},
				   {"./etc/link", AE_IFLNK, "hostname"}};
	char *d = temp_dir(), err[256];
	int fd = tar_of(m, 4);
	assert_int_equal(rootcopy_untar(fd, d, false, NULL, NULL, err, sizeof(err)), 0);
	close(fd);
	char *p = xasprintf("%s/etc/hostname", d), *l = xasprintf("%s/etc/link", d);
	size_t len;
	char *t = fs_read_file(p, &len);
	assert_string_equal(t, "pi\n");
	struct stat st;
	assert_int_equal(lstat(l, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	assert_true(rootcopy_tree_bytes(d) > 0);
	free(t);
	free(p);
	free(l);
	fs_remove_tree(d);
	free(d);
}

static void refused(const struct member *m, size_t n, bool plain_only, const char *why)
{
	char *d = temp_dir(), err[256] = "";
	char *outside = xasprintf("%s-evil", d);
	int fd = tar_of(m, n);
	int got = rootcopy_untar(fd, d, plain_only, NULL, NULL, err, sizeof(err));
	if (got != -1)
		fail_msg("%s: unpacked (%d), expected refused", m[n - 1].name, got);
	close(fd);
	if (!strstr(err, why))
		fail_msg("error \"%s\" lacks \"%s\"", err, why);
	assert_int_not_equal(access(outside, F_OK), 0);
	fs_remove_tree(d);
	free(d);
	free(outside);
}

static void test_refuses(void **state)
{
	(void)state;
	/* climbing out by name, by an absolute name, through a symlink it made */
	const struct member up[] = {{"../x-evil", AE_IFREG, "x"}};
	refused(up, 1, false, "points outside the copy");
	const struct member abs[] = {{"/tmp/x-evil", AE_IFREG, "x"}};
	refused(abs, 1, false, "points outside the copy");
	/* boot files: plain only */
	const struct member link[] = {{"./config.txt", AE_IFLNK, "/etc/shadow"}};
	refused(link, 1, true, "boot files are plain files");
}

/* A member under a symlink the stream made lands inside: the link is replaced by a directory
 * (libarchive's SECURE_SYMLINKS with UNLINK), never followed. */
static void test_no_follow(void **state)
{
	(void)state;
	char *d = temp_dir(), *out = temp_dir(), err[256];
	const struct member via[] = {{"./l", AE_IFLNK, out}, {"./l/x-evil", AE_IFREG, "x"}};
	int fd = tar_of(via, 2);
	assert_int_equal(rootcopy_untar(fd, d, false, NULL, NULL, err, sizeof(err)), 0);
	close(fd);
	char *in = xasprintf("%s/l/x-evil", d), *ev = xasprintf("%s/x-evil", out);
	struct stat st;
	assert_int_equal(lstat(in, &st), 0);
	assert_int_not_equal(access(ev, F_OK), 0);
	free(in);
	free(ev);
	fs_remove_tree(d);
	fs_remove_tree(out);
	free(d);
	free(out);
}

UNIT_MAIN(
	cmocka_unit_test(test_keeps_tree),
	cmocka_unit_test(test_refuses),
	cmocka_unit_test(test_no_follow))
