/* drives under umockdev: enumeration, bus/model/serial, partitions, holders, mounts, swap,
 * classification, and hotplug add/remove through the udev monitor. The test re-executes
 * itself under umockdev-wrapper (LD_PRELOAD of the umockdev preload library). */
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <umockdev.h>

#include "core/disk/drives.h"

static UMockdevTestbed *tb;

static char *slurp(const char *name)
{
	char *path = NULL;
	const char *top = getenv("PNB_TOP") ? getenv("PNB_TOP") : ".";
	if (asprintf(&path, "%s/tests/data/%s", top, name) < 0)
		abort();
	char *text = NULL;
	GError *e = NULL;
	if (!g_file_get_contents(path, &text, NULL, &e))
		fail_msg("cannot read %s: %s", path, e->message);
	free(path);
	return text;
}

static void add(const char *file)
{
	char *text = slurp(file);
	GError *e = NULL;
	if (!umockdev_testbed_add_from_string(tb, text, &e))
		fail_msg("umockdev: %s: %s", file, e->message);
	g_free(text);
}

static const struct drive *find(const struct drive_list *l, const char *name)
{
	for (size_t i = 0; i < l->n; i++)
		if (!strcmp(l->d[i].name, name))
			return &l->d[i];
	return NULL;
}

static void test_enumerate_classify(void **state)
{
	(void)state;
	struct drive_list l;
	char err[256];
	assert_int_equal(drives_scan(&l, err, sizeof(err)), 0);
	assert_null(find(&l, "ram0"));
	assert_null(find(&l, "dm-0"));
	assert_null(find(&l, "sdc1"));

	const struct drive *sd = find(&l, "sdb"); /* USB SD reader with a card */
	assert_non_null(sd);
	assert_int_equal(sd->bus, BUS_USB);
	assert_true(sd->removable);
	assert_string_equal(sd->vendor, "Generic");
	assert_string_equal(sd->model, "STORAGE DEVICE");
	assert_string_equal(sd->serial, "000000000819");
	assert_int_equal(sd->size, 62333952ull * 512);
	assert_int_equal(drive_classify(sd, 2ull << 30), DRIVE_SAFE);
	assert_int_equal(drive_classify(sd, 64ull << 30), DRIVE_TOO_SMALL);
	/* the verdict both faces follow: safe → confirm, too small → refuse, else override */
	static const struct {
		const char *name;
		uint64_t size;
		enum drive_verdict v;
	} verdicts[] = {{"sdb", 2ull << 30, DRIVE_CONFIRM},
			{"sdb", 64ull << 30, DRIVE_REFUSE},
			{"sdc", 0, DRIVE_OVERRIDE},
			{NULL, 0, DRIVE_OVERRIDE}};
	for (size_t i = 0; i < sizeof(verdicts) / sizeof(verdicts[0]); i++) {
		char *reason;
		const struct drive *vd = verdicts[i].name ? find(&l, verdicts[i].name) : NULL;
		assert_int_equal(drive_verdict(vd, verdicts[i].size, &reason), verdicts[i].v);
		assert_non_null(reason);
		free(reason);
	}

	const struct drive *stick = find(&l, "sdc"); /* USB stick, partition mounted */
	assert_non_null(stick);
	assert_int_equal(stick->n_parts, 1);
	assert_string_equal(stick->parts[0], "sdc1");
	assert_true(stick->mounted);
	assert_false(stick->system);
	assert_int_equal(drive_classify(stick, 0), DRIVE_MOUNTED);
	char *why = drive_class_reason(stick, 0);
	assert_non_null(strstr(why, "sdc1 on /media/user/STICK ONE"));
	free(why);

	const struct drive *sys = find(&l, "sda"); /* root on LVM over sda1, swap on sda2 */
	assert_non_null(sys);
	assert_int_equal(sys->bus, BUS_ATA);
	assert_int_equal(sys->n_parts, 2);
	assert_int_equal(sys->n_holders, 1);
	assert_string_equal(sys->holders[0], "dm-0");
	assert_true(sys->system);
	assert_string_equal(sys->system_why, "dm-0 holds /");
	assert_int_equal(drive_classify(sys, 0), DRIVE_SYSTEM);

	const struct drive *card = find(&l, "mmcblk0"); /* write-protected card */
	assert_non_null(card);
	assert_int_equal(card->bus, BUS_MMC);
	assert_true(card->readonly);
	assert_string_equal(card->model, "SC32G");
	assert_string_equal(card->serial, "0x1a2b3c4d");
	assert_int_equal(drive_classify(card, 0), DRIVE_READONLY);

	const struct drive *nvme = find(&l, "nvme0n1");
	assert_non_null(nvme);
	assert_int_equal(nvme->bus, BUS_NVME);
	assert_string_equal(nvme->model, "Samsung SSD 980 1TB");
	assert_string_equal(nvme->serial, "S64DNX0R123456");
	assert_false(nvme->removable);
	assert_int_equal(drive_classify(nvme, 0), DRIVE_SAFE);
	drive_list_done(&l);
}

static int wait_event(struct drive_monitor *m, struct drive_event *ev)
{
	struct pollfd p = {drive_monitor_fd(m), POLLIN, 0};
	for (int i = 0; i < 50; i++) {
		if (poll(&p, 1, 100) > 0 && drive_monitor_next(m, ev))
			return 1;
	}
	return 0;
}

/* Sends the uevent action for sys and checks that m passes it on as kind for name. */
static void uevent_seen(struct drive_monitor *m, const char *sys, const char *action,
			enum drive_event_kind kind, const char *name)
{
	umockdev_testbed_uevent(tb, sys, action);
	struct drive_event ev;
	assert_int_equal(wait_event(m, &ev), 1);
	assert_int_equal(ev.kind, kind);
	assert_string_equal(ev.name, name);
}

static void test_hotplug(void **state)
{
	(void)state;
	char err[256];
	struct drive_monitor *m = drive_monitor_new(err, sizeof(err));
	assert_non_null(m);
	const char *sys = "/sys/devices/pci0000:00/0000:00:14.0/usb1/1-1/1-1:1.0/host6/target6:0:0/6:0:0:0/block/sdb";
	uevent_seen(m, sys, "remove", DRIVE_EVENT_REMOVE, "sdb");
	umockdev_testbed_remove_device(tb, sys);
	struct drive_list l;
	assert_int_equal(drives_scan(&l, err, sizeof(err)), 0);
	assert_null(find(&l, "sdb"));
	drive_list_done(&l);

	/* another reader is plugged in */
	const char *sys2 = "/sys/devices/pci0000:00/0000:00:14.0/usb1/1-3/1-3:1.0/host8/target8:0:0/8:0:0:0/block/sdd";
	GError *e = NULL;
	assert_true(umockdev_testbed_add_from_string(tb,
		"P: /devices/pci0000:00/0000:00:14.0/usb1/1-3/1-3:1.0/host8/target8:0:0/8:0:0:0/block/sdd\n"
		"N: sdd\nE: DEVNAME=/dev/sdd\nE: DEVTYPE=disk\nE: SUBSYSTEM=block\nE: MAJOR=8\nE: MINOR=48\n"
		"A: dev=8:48\nA: size=15523840\nA: removable=1\nA: ro=0\n\n"
		"P: /devices/pci0000:00/0000:00:14.0/usb1/1-3\nE: SUBSYSTEM=usb\nE: DEVTYPE=usb_device\n\n",
		&e));
	uevent_seen(m, sys2, "add", DRIVE_EVENT_ADD, "sdd");
	assert_int_equal(drives_scan(&l, err, sizeof(err)), 0);
	const struct drive *d = find(&l, "sdd");
	assert_non_null(d);
	assert_int_equal(d->bus, BUS_USB);
	assert_int_equal(drive_classify(d, 1ull << 30), DRIVE_SAFE);
	drive_list_done(&l);
	drive_monitor_free(m);
}

/* drive_watch_start: the list and a monitor already listening when it returns; an event for a
 * drive that is in the list (as when it came while the list was made) rescans to the same drive
 * and class, so a caller comparing lists reports nothing. Runs after test_hotplug (sdd). */
static void test_watch_start(void **state)
{
	(void)state;
	char err[256];
	struct drive_list l;
	struct drive_monitor *m = drive_watch_start(&l, err, sizeof(err));
	assert_non_null(m);
	const struct drive *d = find(&l, "sdd");
	assert_non_null(d);
	const char *sys = "/sys/devices/pci0000:00/0000:00:14.0/usb1/1-3/1-3:1.0/host8/target8:0:0/8:0:0:0/block/sdd";
	uevent_seen(m, sys, "add", DRIVE_EVENT_ADD, "sdd");
	struct drive_list now;
	assert_int_equal(drives_scan(&now, err, sizeof(err)), 0);
	const struct drive *n = find(&now, "sdd");
	assert_non_null(n);
	assert_int_equal(n->size, d->size);
	assert_int_equal(drive_classify(n, 0), drive_classify(d, 0));
	drive_list_done(&now);
	drive_list_done(&l);
	drive_monitor_free(m);
}

int main(int argc, char **argv)
{
	(void)argc;
	if (!getenv("PNB_UMOCKDEV_WRAPPED")) {
		/* the preload must be there from the start: run again under the wrapper */
		setenv("PNB_UMOCKDEV_WRAPPED", "1", 1);
		setenv("ASAN_OPTIONS", "verify_asan_link_order=0:detect_leaks=0", 1);
		execlp("umockdev-wrapper", "umockdev-wrapper", argv[0], (char *)NULL);
		printf("skip: umockdev-wrapper not found\n");
		return 0;
	}
	tb = umockdev_testbed_new();
	add("drives.umockdev");
	add("drives-more.umockdev");
	char *top = getenv("PNB_TOP");
	char *mi = NULL, *sw = NULL;
	if (asprintf(&mi, "%s/tests/data/drives.mountinfo", top ? top : ".") < 0 ||
	    asprintf(&sw, "%s/tests/data/drives.swaps", top ? top : ".") < 0)
		return 1;
	setenv("PNB_MOUNTINFO", mi, 1);
	setenv("PNB_SWAPS", sw, 1);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_enumerate_classify),
		cmocka_unit_test(test_hotplug),
		cmocka_unit_test(test_watch_start),
	};
	int r = cmocka_run_group_tests(tests, NULL, NULL);
	free(mi);
	free(sw);
	return r;
}
