/* Unit tests: core/pi/adopt_verify — the room a root's copy needs on the server, and the copy
 * compared with the manifest a Pi makes of its root (find -printf and sha256sum -z). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include "unit.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/base/fsutil.h"
#include "core/base/util.h"
#include "core/pi/adopt_verify.h"

#define MIB (1024ull * 1024)
#define GIB (1024 * MIB)

static void test_space_one(void **state)
{
	(void)state;
	/* a margin of a tenth, at least 256 MiB */
	assert_true(adopt_space_one(100 * MIB) == 356 * MIB);
	assert_true(adopt_space_one(10 * GIB) == 11 * GIB);
	assert_true(adopt_space_one(0) == 256 * MIB);
}

static void test_space_format(void **state)
{
	(void)state;
	char t[24];
	adopt_space_format(32 * MIB, t);
	assert_string_equal(t, "32 MiB");
	adopt_space_format(3 * GIB / 2, t);
	assert_string_equal(t, "1.5 GiB");
}

static void test_space_check(void **state)
{
	(void)state;
	uint64_t used = 4 * GIB, one = adopt_space_one(used);
	/* backing and staging on their own file systems: one copy there, two here */
	struct adopt_place pl[2] = {{"the backing's", "/srv/iscsi/k.img", 1, one, 1},
				    {"adopt's staging", "/etc/site.conf.adopt/k", 2, 2 * one, 2}};
	assert_null(adopt_space_check(used, pl, 2));
	pl[0].avail = one - 1;
	char *why = adopt_space_check(used, pl, 2);
	assert_non_null(why);
	/* both numbers and the place are named */
	assert_non_null(strstr(why, "the backing's file system (/srv/iscsi/k.img)"));
	char fr[24], nd[24];
	adopt_space_format(one - 1, fr);
	adopt_space_format(one, nd);
	assert_string_equal(nd, "4.4 GiB");
	assert_non_null(strstr(why, fr));
	assert_non_null(strstr(why, nd));
	free(why);
	/* on one file system: three copies at once */
	pl[0].avail = pl[1].avail = 3 * one;
	pl[1].dev = 1;
	assert_null(adopt_space_check(used, pl, 2));
	pl[0].avail = pl[1].avail = 3 * one - 1;
	why = adopt_space_check(used, pl, 2);
	assert_non_null(why);
	assert_non_null(strstr(why, "3 copies at once"));
	free(why);
}

/* ---- the manifest ---- */

static char *dir;

static void put(const char *rel, const char *data, mode_t mode)
{
	char *p = xasprintf("%s/%s", dir, rel);
	assert_int_equal(fs_write_file(p, data, strlen(data), mode), 0);
	assert_int_equal(chmod(p, mode), 0);
	free(p);
}

/* "hello\n" and "other\n" */
#define H_HELLO "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03"

struct mf {
	struct sbuf b;
};

static void mf_start(struct mf *m, const char *start)
{
	sbuf_init(&m->b);
	sbuf_printf(&m->b, "%s\n", start);
}

static void mf_entry(struct mf *m, char type, unsigned mode, unsigned long long size, const char *ctime,
		     const char *path, const char *target)
{
	sbuf_printf(&m->b, "%c %o %u %u %llu %s %s", type, mode, (unsigned)getuid(), (unsigned)getgid(),
		    size, ctime, path);
	sbuf_addc(&m->b, '\0');
	sbuf_add(&m->b, target);
	sbuf_addc(&m->b, '\0');
}

static void mf_hashes(struct mf *m, const char *const *lines, size_t n)
{
	sbuf_add(&m->b, "@@pnb sha256");
	sbuf_addc(&m->b, '\0');
	for (size_t i = 0; i < n; i++) {
		sbuf_add(&m->b, lines[i]);
		sbuf_addc(&m->b, '\0');
	}
}

static int run(struct mf *m, struct adopt_verify *v)
{
	char err[256] = "";
	int rc = adopt_verify_tree(m->b.buf, m->b.len, dir, v, err, sizeof(err));
	sbuf_done(&m->b);
	return rc;
}

static int setup(void **state)
{
	(void)state;
	dir = xasprintf("%s/pnb-adopt-verify.XXXXXX", fs_tmpdir());
	if (!mkdtemp(dir))
		return -1;
	return 0;
}

static void fresh(void)
{
	fs_remove_tree(dir);
	assert_int_equal(mkdir(dir, 0755), 0);
	char *d = xasprintf("%s/etc", dir);
	assert_int_equal(mkdir(d, 0755), 0);
	assert_int_equal(chmod(d, 0755), 0);
	free(d);
	put("etc/hello", "hello\n", 0644);
	char *l = xasprintf("%s/etc/link", dir);
	assert_int_equal(symlink("hello", l), 0);
	free(l);
}

static const char *const hashes[] = {H_HELLO "  ./etc/hello"};

static void standard(struct mf *m, const char *file_ctime)
{
	mf_start(m, "1000");
	mf_entry(m, 'd', 0755, 4096, "10.5", ".", "");
	mf_entry(m, 'd', 0755, 4096, "10.5", "./etc", "");
	mf_entry(m, 'f', 0644, 6, file_ctime, "./etc/hello", "");
	mf_entry(m, 'l', 0777, 5, "10.5", "./etc/link", "hello");
	mf_hashes(m, hashes, 1);
}

static void test_matches(void **state)
{
	(void)state;
	fresh();
	struct mf m;
	struct adopt_verify v;
	standard(&m, "10.5");
	assert_int_equal(run(&m, &v), 0);
	assert_int_equal(v.bad, 0);
	assert_int_equal(v.live, 0);
	assert_int_equal(v.files, 1);
	assert_int_equal(v.dirs, 1);
	assert_int_equal(v.links, 1);
	assert_true(v.bytes == 6);
	adopt_verify_done(&v);
}

/* etc/hello of the copy as data with mode: the standard manifest finds one difference, why */
static void one_bad(const char *data, mode_t mode, const char *why)
{
	struct mf m;
	struct adopt_verify v;
	fresh();
	put("etc/hello", data, mode);
	standard(&m, "10.5");
	assert_int_equal(run(&m, &v), 0);
	assert_int_equal(v.bad, 1);
	assert_non_null(strstr(v.bad_text, why));
	adopt_verify_done(&v);
}

static void test_differences(void **state)
{
	(void)state;
	struct mf m;
	struct adopt_verify v;
	one_bad("HELLO\n", 0644, "./etc/hello: other content in the copy (SHA-256)");
	/* the same, changed on the Pi after the copy began: a live file, not a failure */
	standard(&m, "1000.25");
	assert_int_equal(run(&m, &v), 0);
	assert_int_equal(v.bad, 0);
	assert_int_equal(v.live, 1);
	adopt_verify_done(&v);
	one_bad("hello\n", 0600, "another mode or owner");
	one_bad("hello!\n", 0644, "another size");
	/* missing, and a link that points elsewhere */
	fresh();
	char *p = xasprintf("%s/etc/hello", dir), *l = xasprintf("%s/etc/link", dir);
	unlink(p);
	unlink(l);
	assert_int_equal(symlink("elsewhere", l), 0);
	standard(&m, "10.5");
	assert_int_equal(run(&m, &v), 0);
	assert_int_equal(v.bad, 2);
	assert_non_null(strstr(v.bad_text, "./etc/hello: missing in the copy"));
	assert_non_null(strstr(v.bad_text, "./etc/link: the link points elsewhere"));
	adopt_verify_done(&v);
	free(p);
	free(l);
}

/* The Pi's paths are not trusted: none climbs out, none is followed through a link. */
static void test_hostile_paths(void **state)
{
	(void)state;
	fresh();
	char *l = xasprintf("%s/up", dir);
	assert_int_equal(symlink("/etc", l), 0);
	free(l);
	struct mf m;
	struct adopt_verify v;
	static const char *const h[] = {H_HELLO "  ./../etc/passwd", H_HELLO "  ./up/passwd"};
	mf_start(&m, "1000");
	mf_entry(&m, 'f', 0644, 6, "10.5", "./../etc/passwd", "");
	mf_entry(&m, 'f', 0644, 6, "10.5", "./up/passwd", "");
	mf_entry(&m, 'f', 0644, 6, "10.5", "/etc/passwd", "");
	mf_entry(&m, 'f', 0644, 6, "10.5", "./etc//hello", "");
	mf_hashes(&m, h, 2);
	assert_int_equal(run(&m, &v), 0);
	assert_int_equal(v.bad, 4);
	assert_int_equal(v.files, 0);
	assert_non_null(strstr(v.bad_text, "./../etc/passwd: not a path beneath the root"));
	assert_non_null(strstr(v.bad_text, "./up/passwd: reached through a link in the copy"));
	adopt_verify_done(&v);
	/* a manifest cut short or without its start time is an error, not a match */
	mf_start(&m, "x");
	assert_int_equal(run(&m, &v), -1);
	mf_start(&m, "1000");
	mf_entry(&m, 'f', 0644, 6, "10.5", "./etc/hello", "");
	assert_int_equal(run(&m, &v), -1);
	fs_remove_tree(dir);
	free(dir);
}

/* ifupdown in the copy: eth0's stanza manual, its options commented, the rest as it was. */
static void test_ifupdown(void **state)
{
	(void)state;
	const char *in = "auto lo\niface lo inet loopback\n\nauto eth0\niface eth0 inet static\n"
			 "  address 10.0.0.7/24\n  gateway 10.0.0.1\n\niface wlan0 inet dhcp\n  wpa-conf x\n";
	char *out = adopt_ifupdown_manual(in);
	assert_non_null(out);
	assert_string_equal(out, "auto lo\niface lo inet loopback\n\nauto eth0\n"
				 "# pinetboot adopt: was \"iface eth0 inet static\"; eth0 carries the root\n"
				 "iface eth0 inet manual\n#pinetboot#   address 10.0.0.7/24\n"
				 "#pinetboot#   gateway 10.0.0.1\n\niface wlan0 inet dhcp\n  wpa-conf x\n");
	/* already manual, or no eth0: nothing to change */
	assert_null(adopt_ifupdown_manual(out));
	assert_null(adopt_ifupdown_manual("auto wlan0\niface wlan0 inet dhcp"));
	free(out);
}

UNIT_MAIN_SETUP(setup,
	cmocka_unit_test(test_space_one),
	cmocka_unit_test(test_space_format),
	cmocka_unit_test(test_space_check),
	cmocka_unit_test(test_matches),
	cmocka_unit_test(test_differences),
	cmocka_unit_test(test_hostile_paths),
	cmocka_unit_test(test_ifupdown))
