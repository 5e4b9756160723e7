/* Unit tests: capture/remote — the one parser of ssh:// source addresses (a capture's IFACE, a
 * journal's UNIT), whose every part reaches ssh's argv and the far side's shell; and the failure
 * text with its batch-mode advice. */
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

#include "capture/remote.h"

static bool iface_ok(const char *spec)
{
	struct remote_addr a;
	char err[512];
	return remote_parse_iface(spec, &a, err, sizeof(err));
}

static bool journal_ok(const char *spec)
{
	struct remote_addr a;
	char unit[128], err[512];
	return remote_parse_journal(spec, &a, unit, sizeof(unit), err, sizeof(err));
}

/* Captures and journals: what is taken, and what never reaches ssh. */
static void test_specs(void **state)
{
	(void)state;
	static const struct unit_verdict v[] = {
	    {"ssh://root@bootserver/eth0", true},
	    {"ssh://pi@10.0.0.1:2222/enp1s0.100", true},
	    {"ssh://a_b-c.d@h-1.example/br-lan", true},
	    {"ssh://root@h/eth0;id", false},	     /* a shell word */
	    {"ssh://root@h/eth0 x", false},
	    {"ssh://-oProxyCommand=id@h/eth0", false}, /* an option to ssh */
	    {"ssh://root@-h/eth0", false},
	    {"ssh://root@h/-i", false},
	    {"ssh://root@h:99999/eth0", false},
	    {"ssh://root@h:0/eth0", false},
	    {"ssh://root@h:/eth0", false},
	    {"ssh://root@h/waytoolonginterface0", false}, /* IFNAMSIZ */
	    {"ssh://root@h/", false},
	    {"ssh://h/eth0", false}, /* no user */
	    {"eth0", false},
	};
	UNIT_VERDICTS(iface_ok, v);
	struct remote_addr a;
	char err[512];
	assert_true(remote_parse_iface("ssh://pi@10.0.0.1:2222/eth1", &a, err, sizeof(err)));
	assert_string_equal(a.target, "pi@10.0.0.1");
	assert_string_equal(a.port, "2222");
	assert_string_equal(a.rest, "eth1");
	assert_false(remote_parse_iface("ssh://root@h/e;x", &a, err, sizeof(err)));
	assert_non_null(strstr(err, "expected ssh://USER@HOST[:PORT]/IFACE"));
	static const struct unit_verdict journals[] = {
	    {"ssh://root@h/journal/dnsmasq", true},
	    {"ssh://root@h:22/journal/tftpd-hpa.service", true},
	    {"ssh://root@h/journal/getty@tty1", true},
	    {"ssh://root@h/journal/dnsmasq;id", false},
	    {"ssh://root@h/journal/-x", false},
	    {"ssh://root@h/journal/", false},
	    {"ssh://root@h/file/etc/passwd", false},
	    {"ssh://root@h/eth0", false},
	};
	UNIT_VERDICTS(journal_ok, journals);
	static const struct unit_verdict units[] = {
	    {"dnsmasq", true}, {"a.b_c-d@e:f", true}, {"", false}, {"-u", false}, {"a b", false},
	    {"a'b", false},    {"$(id)", false},
	};
	UNIT_VERDICTS(remote_unit_ok, units);
}

/* ssh's own failure (255) carries what to set up; the far side's (1) only its line. */
static void test_failure(void **state)
{
	(void)state;
	char path[] = "/tmp/pnb-remote-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	unlink(path);
	const char line[] = "Warning: Permanently added\nHost key verification failed.\n";
	assert_int_equal(write(fd, line, sizeof(line) - 1), (ssize_t)sizeof(line) - 1);
	char out[768];
	remote_failure("ssh://r@h/journal/x", "the remote journal", 255, fd, out, sizeof(out));
	assert_non_null(strstr(out, "ssh://r@h/journal/x: the remote journal failed (ssh exit 255): "
				    "Host key verification failed. - "));
	assert_non_null(strstr(out, remote_batch_hint));
	remote_failure("ssh://r@h/eth9", "the remote capture", 1, fd, out, sizeof(out));
	assert_null(strstr(out, remote_batch_hint));
	close(fd);
}

UNIT_MAIN(cmocka_unit_test(test_specs), cmocka_unit_test(test_failure))
