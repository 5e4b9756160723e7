/* Unit tests: core/pi/adopt_net — a copied root's netplan and systemd-networkd keep eth0 (the
 * root's link): netplan gets critical: true on its eth0 entries, each .network that can match
 * eth0 a KeepConfiguration=yes drop-in (CriticalConnection= before systemd 243); nothing else
 * is touched, a link in the tree is never followed, and a second run changes nothing. */
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
#include <time.h>
#include <unistd.h>

#include "core/base/fsutil.h"
#include "core/base/runcmd.h"
#include "core/base/util.h"
#include "core/pi/adopt_net.h"

static char *dir;
static struct sbuf said;

static void say(void *ud, bool warn, const char *text)
{
	(void)ud;
	sbuf_printf(&said, "%s%s\n", warn ? "warning: " : "", text);
}

static void put(const char *rel, const char *data)
{
	char *p = xasprintf("%s/%s", dir, rel);
	char *d = xstrdup(p);
	*strrchr(d, '/') = '\0';
	assert_int_equal(fs_mkdir_p(d, 0755), 0);
	assert_int_equal(fs_write_file(p, data, strlen(data), 0644), 0);
	free(d);
	free(p);
}

static void link_at(const char *rel, const char *target)
{
	char *p = xasprintf("%s/%s", dir, rel);
	char *d = xstrdup(p);
	*strrchr(d, '/') = '\0';
	assert_int_equal(fs_mkdir_p(d, 0755), 0);
	assert_int_equal(symlink(target, p), 0);
	free(d);
	free(p);
}

/* rel's text (heap), or NULL when there is none. */
static char *get(const char *rel)
{
	char *p = xasprintf("%s/%s", dir, rel);
	size_t len;
	char *t = fs_read_file_max(p, 1 << 20, &len);
	free(p);
	return t;
}

/* The file REL below the copy holds HAS and, when LACKS is given, not LACKS. */
static void expect_file(const char *rel, const char *has, const char *lacks)
{
	char *t = get(rel);
	assert_non_null(t);
	assert_non_null(strstr(t, has));
	if (lacks)
		assert_null(strstr(t, lacks));
	free(t);
}

static bool exists(const char *rel)
{
	char *p = xasprintf("%s/%s", dir, rel);
	struct stat st;
	bool r = lstat(p, &st) == 0;
	free(p);
	return r;
}

static void fresh(void)
{
	fs_remove_tree(dir);
	assert_int_equal(mkdir(dir, 0755), 0);
	sbuf_reset(&said);
}

/* Runs the edits twice: the second run must leave every file as the first wrote it. */
static int keep_twice(const char *const *files, size_t n)
{
	int r = adopt_net_keep_eth0(dir, say, NULL);
	char **first = xcalloc(n, sizeof(*first));
	for (size_t i = 0; i < n; i++)
		first[i] = get(files[i]);
	assert_int_equal(adopt_net_keep_eth0(dir, say, NULL), r);
	for (size_t i = 0; i < n; i++) {
		char *again = get(files[i]);
		assert_true((!first[i] && !again) ||
			    (first[i] && again && !strcmp(first[i], again)));
		free(again);
		free(first[i]);
	}
	free(first);
	return r;
}

#define KEEP_DROPIN                                                                                \
	"# pinetboot adopt: the root is on the network over eth0; systemd-networkd must keep\n"    \
	"# the address and routes the initramfs gave it (dropping them hangs the root).\n"         \
	"[Network]\nKeepConfiguration=yes\n"

/* Ubuntu for the Pi: cloud-init's netplan (eth0 dhcp4) rendered for networkd; systemd's own
 * .network files match other links only. */
static void test_ubuntu_netplan(void **state)
{
	(void)state;
	fresh();
	const char *cloud = "# written by cloud-init\nnetwork:\n    ethernets:\n        eth0:\n"
			    "            dhcp4: true\n            optional: true\n    version: 2\n"
			    "    wifis:\n        wlan0:\n            dhcp4: true\n";
	put("etc/netplan/50-cloud-init.yaml", cloud);
	put("usr/lib/systemd/network/80-container-host0.network",
	    "[Match]\nVirtualization=container\nName=host0\n\n"
	    "[Network]\nDHCP=yes\n");
	put("usr/lib/systemd/network/80-wifi-station.network",
	    "[Match]\nType=wlan\nWLANInterfaceType=station\n");
	put("usr/lib/systemd/libsystemd-shared-255.so", "");
	link_at("etc/systemd/system/multi-user.target.wants/systemd-networkd.service",
		"/usr/lib/systemd/system/systemd-networkd.service");
	const char *files[] = {ADOPT_NET_NETPLAN_FILE, "etc/netplan/50-cloud-init.yaml"};
	assert_int_equal(keep_twice(files, 2), 1);
	expect_file(ADOPT_NET_NETPLAN_FILE,
		    "\nnetwork:\n  version: 2\n  ethernets:\n    eth0:\n      critical: true\n", "wlan0");
	/* netplan wants its files unreadable to others */
	char *p = xasprintf("%s/%s", dir, ADOPT_NET_NETPLAN_FILE);
	struct stat st;
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	free(p);
	char *t = get("etc/netplan/50-cloud-init.yaml");
	assert_string_equal(t, cloud);
	free(t);
	/* no drop-in for systemd's own files (host0, wifi) */
	assert_false(exists("etc/systemd/network"));
	assert_non_null(
	    strstr(said.buf, "netplan in the copy keeps eth0's address (critical: true for eth0)"));
}

/* The real netplan generator (netplan.io, when installed) merges the drop-in into cloud-init's
 * eth0: the .network it renders for networkd still asks for DHCP and now keeps the address
 * (CriticalConnection=true from netplan 0.106, KeepConfiguration= from later ones). */
static void test_netplan_generate(void **state)
{
	(void)state;
	const char *gen = "/usr/libexec/netplan/generate";
	if (access(gen, X_OK) != 0) {
		printf("(skipped: %s not installed)\n", gen);
		return;
	}
	fresh();
	put("etc/netplan/50-cloud-init.yaml",
	    "network:\n    ethernets:\n        eth0:\n            dhcp4: true\n"
	    "            optional: true\n    version: 2\n");
	char *p = xasprintf("%s/etc/netplan/50-cloud-init.yaml", dir);
	assert_int_equal(chmod(p, 0600), 0);
	free(p);
	assert_int_equal(adopt_net_keep_eth0(dir, say, NULL), 1);
	char out[4096];
	char *argv[] = {(char *)gen, "--root-dir", dir, NULL};
	assert_int_equal(runcmd(argv, NULL, out, sizeof(out)), 0);
	/* the drop-in was read without a complaint about it */
	assert_null(strstr(out, "90-pinetboot"));
	char *t = get("run/systemd/network/10-netplan-eth0.network");
	assert_non_null(t);
	assert_non_null(strstr(t, "Name=eth0\n"));
	assert_non_null(strstr(t, "DHCP=ipv4\n"));
	assert_true(strstr(t, "CriticalConnection=true\n") ||
		    strstr(t, "KeepConfiguration=true\n") || strstr(t, "KeepConfiguration=yes\n"));
	free(t);
}

/* netplan entries that are eth0 under another id: by set-name or by a match on the name. */
static void test_netplan_ids(void **state)
{
	(void)state;
	fresh();
	put("etc/netplan/01-lan.yaml",
	    "network:\n  version: 2\n  renderer: networkd\n  ethernets:\n"
	    "    lan:\n      match:\n        name: eth*\n      dhcp4: true\n"
	    "    wired:\n      match:\n        macaddress: dc:a6:32:2e:f8:ed\n"
	    "      set-name: eth0\n"
	    "    usb:\n      match:\n        name: enx*\n      dhcp4: true\n");
	assert_int_equal(adopt_net_keep_eth0(dir, say, NULL), 1);
	expect_file(ADOPT_NET_NETPLAN_FILE,
		    "    lan:\n      critical: true\n    wired:\n      critical: true\n", "usb");
	/* no entry for eth0: nothing written, and said */
	fresh();
	put("etc/netplan/01-usb.yaml",
	    "network:\n  ethernets:\n    usb:\n      match:\n        name: enx*\n");
	put("etc/netplan/02-bad.yaml", "network: [unclosed\n");
	assert_int_equal(adopt_net_keep_eth0(dir, say, NULL), 0);
	assert_false(exists(ADOPT_NET_NETPLAN_FILE));
	assert_non_null(strstr(
	    said.buf, "warning: netplan: /etc/netplan/02-bad.yaml in the copy could not be read"));
	assert_non_null(
	    strstr(said.buf, "warning: netplan in the copy has no ethernets entry for eth0"));
}

/* Plain systemd-networkd (DietPi, Arch, Debian with networkd): drop-ins for every .network
 * that can match eth0, none for the others; /etc's replaces /usr/lib's of the same name, a
 * masked one is no configuration. */
static void test_plain_networkd(void **state)
{
	(void)state;
	fresh();
	const char *eth = "[Match]\nName=eth* en*\n\n[Network]\nDHCP=ipv4\n";
	put("etc/systemd/network/10-eth.network", eth);
	put("etc/systemd/network/20-wlan.network", "[Match]\nName=wlan0\n[Network]\nDHCP=yes\n");
	put("etc/systemd/network/25-wired.network",
	    "# any wired link\n[Match]\nType=ether\n[Network]\nDHCP=yes\n");
	put("etc/systemd/network/30-vlan.network", "[Match]\nKind=vlan\n");
	put("etc/systemd/network/40-not-eth0.network", "[Match]\nName=!eth0\n");
	put("etc/systemd/network/50-mac.network", "[Match]\nMACAddress=dc:a6:32:2e:f8:ed\n");
	put("etc/systemd/network/README", "not a .network file\n");
	link_at("etc/systemd/network/60-masked.network", "/dev/null");
	put("usr/lib/systemd/network/60-masked.network", "[Match]\nName=*\n");
	put("usr/lib/systemd/network/10-eth.network", "[Match]\nName=eth0\n");
	put("usr/lib/systemd/network/70-empty.network", "");
	put("usr/lib/systemd/libsystemd-shared-252.so", "");
	const char *files[] = {"etc/systemd/network/10-eth.network.d/" ADOPT_NET_DROPIN,
			       "etc/systemd/network/25-wired.network.d/" ADOPT_NET_DROPIN,
			       "etc/systemd/network/50-mac.network.d/" ADOPT_NET_DROPIN,
			       "etc/systemd/network/10-eth.network"};
	assert_int_equal(keep_twice(files, 4), 1);
	for (size_t i = 0; i < 3; i++) {
		char *t = get(files[i]);
		assert_non_null(t);
		assert_string_equal(t, KEEP_DROPIN);
		free(t);
	}
	char *t = get("etc/systemd/network/10-eth.network");
	assert_string_equal(t, eth);
	free(t);
	const char *none[] = {"20-wlan", "30-vlan", "40-not-eth0", "60-masked", "70-empty"};
	for (size_t i = 0; i < 5; i++) {
		char *d = xasprintf("etc/systemd/network/%s.network.d", none[i]);
		assert_false(exists(d));
		free(d);
	}
	assert_false(exists("etc/netplan"));
	assert_non_null(strstr(
	    said.buf, "systemd-networkd in the copy keeps eth0's address "
		      "(KeepConfiguration=yes in a drop-in for 10-eth.network and the other"));
}

/* systemd before 243 (Debian buster, Ubuntu 18.04) has no KeepConfiguration=. */
static void test_old_systemd(void **state)
{
	(void)state;
	fresh();
	put("lib/systemd/network/99-eth0.network", "[Match]\nName=eth0\n[Network]\nDHCP=yes\n");
	put("lib/systemd/libsystemd-shared-241.so", "");
	assert_int_equal(adopt_net_keep_eth0(dir, say, NULL), 1);
	char *t = get("etc/systemd/network/99-eth0.network.d/" ADOPT_NET_DROPIN);
	assert_non_null(t);
	assert_non_null(strstr(t, "\n[DHCP]\nCriticalConnection=yes\n"));
	assert_null(strstr(t, "KeepConfiguration"));
	free(t);
}

/* Links in the copy (from the Pi) are never followed: not to read, not to write through. */
static void test_links(void **state)
{
	(void)state;
	fresh();
	char *outside = xasprintf("%s.outside", dir);
	fs_remove_tree(outside);
	assert_int_equal(mkdir(outside, 0755), 0);
	char *o_net = xasprintf("%s/eth0.network", outside),
	     *o_yaml = xasprintf("%s/x.yaml", outside);
	assert_int_equal(fs_write_file(o_net, "[Match]\nName=eth0\n", 18, 0644), 0);
	assert_int_equal(fs_write_file(o_yaml, "kept\n", 5, 0644), 0);
	link_at("etc/systemd/network", outside);
	put("etc/netplan/50-cloud-init.yaml",
	    "network:\n  ethernets:\n    eth0:\n      dhcp4: true\n");
	/* a planted link where the netplan file goes is replaced, not written through */
	link_at(ADOPT_NET_NETPLAN_FILE, o_yaml);
	assert_int_equal(adopt_net_keep_eth0(dir, say, NULL), 1);
	struct stat st;
	char *p = xasprintf("%s/%s", dir, ADOPT_NET_NETPLAN_FILE);
	assert_int_equal(lstat(p, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	free(p);
	size_t len;
	char *t = fs_read_file_max(o_yaml, 64, &len);
	assert_string_equal(t, "kept\n");
	free(t);
	char *d = xasprintf("%s/eth0.network.d", outside);
	assert_int_equal(lstat(d, &st), -1);
	free(d);
	fs_remove_tree(outside);
	free(outside);
	free(o_net);
	free(o_yaml);
}

/* rel: head, open n times, close n times, tail. */
static void put_repeated(const char *rel, const char *head, const char *open, const char *close,
			 size_t n, const char *tail)
{
	struct sbuf b;
	sbuf_init(&b);
	sbuf_add(&b, head);
	for (size_t i = 0; i < n; i++)
		sbuf_add(&b, open);
	for (size_t i = 0; i < n; i++)
		sbuf_add(&b, close);
	sbuf_add(&b, tail);
	put(rel, b.buf);
	sbuf_done(&b);
}

/* Hostile YAML and globs end quickly: half a million nested brackets (libyaml scans them in
 * quadratic time), a match name of 800,000 wildcards, a .network Name= of as many. */
static void test_hostile(void **state)
{
	(void)state;
	fresh();
	put_repeated("etc/netplan/10-deep.yaml", "network:\n  ethernets:\n    eth0: ", "[", "]",
		     500000, "\n");
	put_repeated("etc/netplan/20-glob.yaml",
		     "network:\n  ethernets:\n    lan:\n      match:\n        name: \"", "*?", "",
		     400000, "x\"\n");
	put_repeated("etc/systemd/network/10-glob.network", "[Match]\nName=", "*?", "", 400000,
		     "x\n");
	time_t t0 = time(NULL);
	assert_int_equal(adopt_net_keep_eth0(dir, say, NULL), 0);
	assert_true(time(NULL) - t0 < 10);
	assert_non_null(strstr(
	    said.buf, "warning: netplan: /etc/netplan/10-deep.yaml in the copy could not be read"));
	assert_false(exists(ADOPT_NET_NETPLAN_FILE));
	assert_false(exists("etc/systemd/network/10-glob.network.d"));
}

/* Raspberry Pi OS: NetworkManager (bookworm), dhcpcd (bullseye) and ifupdown files. */
static void test_raspios(void **state)
{
	(void)state;
	fresh();
	put("etc/NetworkManager/NetworkManager.conf", "[main]\nplugins=ifupdown,keyfile\n");
	put("etc/dhcpcd.conf", "hostname\nclientid\n");
	put("etc/network/interfaces.d/eth0", "auto eth0\niface eth0 inet dhcp\n");
	const char *files[] = {ADOPT_NET_NM_FILE, "etc/dhcpcd.conf",
			       "etc/network/interfaces.d/eth0"};
	assert_int_equal(keep_twice(files, 3), 3);
	char *t = get(ADOPT_NET_NM_FILE);
	assert_non_null(strstr(t, "[keyfile]\nunmanaged-devices=interface-name:eth0\n"));
	free(t);
	t = get("etc/dhcpcd.conf");
	assert_string_equal(t, "hostname\nclientid\n\n# pinetboot adopt: eth0 carries the "
			       "root\ndenyinterfaces eth0\n");
	free(t);
	t = get("etc/network/interfaces.d/eth0");
	assert_non_null(strstr(t, "\niface eth0 inet manual\n"));
	free(t);
	assert_false(exists(ADOPT_NET_NETPLAN_FILE));
}

static void test_change(void **state)
{
	(void)state;
	assert_non_null(strstr(adopt_net_change("netplan"), "critical: true"));
	assert_non_null(strstr(adopt_net_change("systemd-networkd"), "KeepConfiguration=yes"));
	assert_null(adopt_net_change("wicked"));
}

static int setup(void **state)
{
	(void)state;
	sbuf_init(&said);
	dir = xasprintf("%s/pnb-adopt-net.XXXXXX", fs_tmpdir());
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	fs_remove_tree(dir);
	free(dir);
	sbuf_done(&said);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ubuntu_netplan), cmocka_unit_test(test_netplan_ids),
	    cmocka_unit_test(test_plain_networkd), cmocka_unit_test(test_old_systemd),
	    cmocka_unit_test(test_links),	   cmocka_unit_test(test_hostile),
	    cmocka_unit_test(test_raspios),	   cmocka_unit_test(test_netplan_generate),
	    cmocka_unit_test(test_change),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
