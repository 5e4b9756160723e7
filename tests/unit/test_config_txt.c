/* Unit tests: config.txt read the way the firmware reads it (core/server/bootfiles.c) — the
 * last value wins, conditional sections, arm_64bit and the kernel a model looks for, the
 * initramfs line and auto_initramfs, and the lines pinetboot adds landing where every board
 * applies them. The texts are shaped like the config.txt files of the OSes the seed setups run:
 * Raspbian 2016/2019 (32-bit), Ubuntu 24.04, Raspberry Pi OS Bookworm (64-bit), Buster (NFS, no
 * initramfs). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include "unit.h"
#include <stdlib.h>
#include <string.h>

#include "core/server/bootfiles.h"

static const struct config_board pi3 = {PI_3B, "a1b2c3d4"}, pi4 = {PI_4B, "511e57f7"},
				 cm4 = {PI_CM4, NULL}, pi5 = {PI_5, NULL};

/* kernels of text for board b, joined by spaces, into out */
static void kernels(const char *text, const struct config_board *b, char *out, size_t cap)
{
	struct config_txt ct;
	config_txt_parse(text, b, &ct);
	const char *k[4];
	size_t n = config_txt_kernels(&ct, b->model, k);
	out[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		strncat(out, i ? " " : "", cap - strlen(out) - 1);
		strncat(out, k[i], cap - strlen(out) - 1);
	}
	config_txt_done(&ct);
}

static void test_kernel_by_model_and_arm_64bit(void **state)
{
	(void)state;
	static const struct {
		const char *text;
		const struct config_board *b;
		const char *want;
	} rows[] = {
	    /* Raspbian 2019 on a Pi 3: no arm_64bit line, 32-bit first */
	    {"dtparam=audio=on\n", &pi3, "kernel7.img kernel8.img kernel.img"},
	    {"arm_64bit=1\n", &pi3, "kernel8.img"},
	    /* Buster on a Pi 4: the firmware of its age prefers kernel7l.img, today's kernel8.img */
	    {"", &pi4, "kernel8.img kernel7l.img kernel7.img"},
	    {"arm_64bit=0\n", &pi4, "kernel7l.img kernel7.img"},
	    /* Bookworm 64-bit: arm_64bit=1 in [all]; a Pi 5 is 64-bit whatever it says */
	    {"[all]\narm_64bit=1\n", &pi4, "kernel8.img"},
	    {"arm_64bit=0\n", &pi5, "kernel_2712.img kernel8.img"},
	    /* Ubuntu: kernel= decides */
	    {"[all]\nkernel=vmlinuz\ncmdline=cmdline.txt\n", &pi5, "vmlinuz"},
	};
	char k[128];
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		kernels(rows[i].text, rows[i].b, k, sizeof(k));
		assert_string_equal(k, rows[i].want);
	}
}

static void test_sections(void **state)
{
	(void)state;
	const char *text = "kernel=a.img\n[pi4]\nkernel=b.img\n[cm4]\nkernel=c.img\n[pi3]\n"
			   "arm_64bit=1\n[none]\nkernel=never.img\n[all]\ninitramfs x followkernel\n"
			   "[0x511e57f7]\ninitramfs mine followkernel\n[all]\n[gpio4=1]\nkernel=g.img\n";
	struct config_txt ct;
	config_txt_parse(text, &pi4, &ct);
	assert_string_equal(ct.kernel, "b.img");
	assert_string_equal(ct.initramfs, "mine"); /* the serial filter matches this Pi */
	assert_int_equal(ct.arm_64bit, -1);
	assert_true(ct.ends_filtered);
	config_txt_done(&ct);
	config_txt_parse(text, &cm4, &ct); /* [cm4] after [pi4]: the CM4 answers to both */
	assert_string_equal(ct.kernel, "c.img");
	assert_string_equal(ct.initramfs, "x");
	config_txt_done(&ct);
	config_txt_parse(text, &pi3, &ct);
	assert_string_equal(ct.kernel, "a.img");
	assert_int_equal(ct.arm_64bit, 1);
	config_txt_done(&ct);
	/* [pi3+] is not a 3B; [pi3] is a 3B+ as well */
	struct config_board p3p = {PI_3BPLUS, NULL};
	config_txt_parse("[pi3+]\nkernel=plus.img\n", &pi3, &ct);
	assert_null(ct.kernel);
	config_txt_done(&ct);
	config_txt_parse("[pi3]\nkernel=three.img\n", &p3p, &ct);
	assert_string_equal(ct.kernel, "three.img");
	config_txt_done(&ct);
	/* the last value wins, also for the initramfs line; ramfsfile= is the old spelling */
	config_txt_parse("initramfs one followkernel\nramfsfile=two\n", &pi3, &ct);
	assert_string_equal(ct.initramfs, "two");
	assert_false(ct.ends_filtered);
	config_txt_done(&ct);
}

static void test_initramfs_names(void **state)
{
	(void)state;
	struct config_txt ct;
	bool a;
	char *f;
	/* Bookworm: auto_initramfs=1 names it after the kernel */
	config_txt_parse("auto_initramfs=1\n", &pi5, &ct);
	f = config_txt_initramfs(&ct, "kernel_2712.img", &a);
	assert_string_equal(f, "initramfs_2712");
	assert_true(a);
	free(f);
	f = config_txt_initramfs(&ct, "kernel7l.img", &a);
	assert_string_equal(f, "initramfs7l");
	free(f);
	f = config_txt_initramfs(&ct, "vmlinuz", &a); /* no name follows from it */
	assert_null(f);
	config_txt_done(&ct);
	/* Raspbian 2016 with the guide's line: the line wins over auto_initramfs */
	config_txt_parse("auto_initramfs=1\ninitramfs initrd.img-4.4.27-v7+ followkernel\n", &pi3, &ct);
	f = config_txt_initramfs(&ct, "kernel7.img", &a);
	assert_string_equal(f, "initrd.img-4.4.27-v7+");
	assert_false(a);
	free(f);
	config_txt_done(&ct);
	/* Buster NFS: none at all */
	config_txt_parse("dtoverlay=vc4-fkms-v3d\n[pi4]\nmax_framebuffers=2\n", &pi4, &ct);
	f = config_txt_initramfs(&ct, "kernel7l.img", &a);
	assert_null(f);
	config_txt_done(&ct);
}

static char *merge(const char *old, const char *add)
{
	size_t n;
	char *m = config_txt_merge(old, strlen(old), add, &n);
	assert_int_equal(n, strlen(m));
	return m;
}

static void test_merge(void **state)
{
	(void)state;
	const char *add = "# pinetboot: why\ninitramfs initrd.img followkernel\n";
	/* Ubuntu 24.04 ends inside [cm4]: the line goes after an [all] of its own */
	char *m = merge("[all]\nkernel=vmlinuz\n[cm4]\ndtoverlay=dwc2,dr_mode=host\n", add);
	assert_string_equal(m, "[all]\nkernel=vmlinuz\n[cm4]\ndtoverlay=dwc2,dr_mode=host\n[all]\n"
			       "# pinetboot: why\ninitramfs initrd.img followkernel\n");
	struct config_txt ct;
	config_txt_parse(m, &pi4, &ct);
	assert_string_equal(ct.initramfs, "initrd.img");
	config_txt_done(&ct);
	/* a second merge adds nothing, not even the comment */
	char *m2 = merge(m, add);
	assert_string_equal(m2, m);
	free(m2);
	free(m);
	/* no open filter: no [all]; a missing final newline is supplied */
	m = merge("arm_64bit=1", add);
	assert_string_equal(m, "arm_64bit=1\n# pinetboot: why\ninitramfs initrd.img followkernel\n");
	free(m);
	/* nothing to add (kernel and initramfs left to the OS): the file is unchanged */
	m = merge("[pi4]\nx=1\n", "# only a comment\n");
	assert_string_equal(m, "[pi4]\nx=1\n");
	free(m);
}

UNIT_MAIN(
	cmocka_unit_test(test_kernel_by_model_and_arm_64bit),
	cmocka_unit_test(test_sections),
	cmocka_unit_test(test_initramfs_names),
	cmocka_unit_test(test_merge))
