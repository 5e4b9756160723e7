/* log_remote — a log on the boot server, read from the operator's machine: ssh://USER@HOST
 * [:PORT]/journal/UNIT runs `journalctl -f -o short-iso -u UNIT` there over ssh (no shell here;
 * every part validated, since the remote side runs it through a shell) and reads its output as
 * one more log. PINETBOOT_SSH names another ssh program (a wrapper with its own -F/-i), as
 * GIT_SSH does. */
#include <ctype.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capture/log_int.h"
#include "core/base/runcmd.h"
#include "core/base/util.h"

#define REMOTE_BACKLOG "2000" /* lines of the journal before following it */

static bool word_ok(const char *s, size_t n, const char *extra)
{
	if (!n || s[0] == '-')
		return false; /* never an option to ssh or journalctl */
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && !strchr(extra, s[i]))
			return false;
	return true;
}

bool log_remote_is(const char *spec)
{
	return strncmp(spec, "ssh://", 6) == 0;
}

int log_remote_open(struct log_set *set, const char *spec, char *err, size_t errlen)
{
	char user[64], host[256], port[8] = "22", unit[128];
	const char *p = spec + 6, *at = strchr(p, '@'), *slash = at ? strchr(at, '/') : NULL;
	if (!at || !slash || !word_ok(p, (size_t)(at - p), "._-") || (size_t)(at - p) >= sizeof(user))
		goto bad;
	snprintf(user, sizeof(user), "%.*s", (int)(at - p), p);
	const char *h = at + 1, *colon = memchr(h, ':', (size_t)(slash - h));
	const char *hend = colon ? colon : slash;
	if (!word_ok(h, (size_t)(hend - h), ".-") || (size_t)(hend - h) >= sizeof(host))
		goto bad;
	snprintf(host, sizeof(host), "%.*s", (int)(hend - h), h);
	if (colon) {
		size_t n = (size_t)(slash - colon - 1);
		if (!n || n > 5 || strspn(colon + 1, "0123456789") < n || atoi(colon + 1) > 65535 ||
		    atoi(colon + 1) < 1)
			goto bad;
		snprintf(port, sizeof(port), "%.*s", (int)n, colon + 1);
	}
	if (strncmp(slash, "/journal/", 9) != 0)
		goto bad;
	const char *u = slash + 9;
	if (!word_ok(u, strlen(u), "@._:-") || strlen(u) >= sizeof(unit))
		goto bad;
	snprintf(unit, sizeof(unit), "%s", u);
	const char *ssh = getenv("PINETBOOT_SSH");
	char target[330];
	snprintf(target, sizeof(target), "%s@%s", user, host);
	char *argv[] = {(char *)(ssh && *ssh ? ssh : "ssh"), "-o", "BatchMode=yes", "-p", port, "--",
			target, "journalctl", "--no-pager", "-n", REMOTE_BACKLOG, "-f", "-o",
			"short-iso", "-u", unit, NULL};
	int pid;
	int fd = runcmd_spawn_reader(argv, NULL, NULL, &pid);
	if (fd < 0) {
		snprintf(err, errlen, "%s: cannot start %s", spec, argv[0]);
		return -1;
	}
	FILE *f = fdopen(fd, "r");
	if (!f) {
		close(fd);
		kill(pid, SIGTERM);
		runcmd_wait(pid);
		snprintf(err, errlen, "%s: out of memory", spec);
		return -1;
	}
	if (log_set_add_stream(set, f, spec, true) < 0) {
		kill(pid, SIGTERM);
		runcmd_wait(pid);
		snprintf(err, errlen, "%s: too many logs", spec);
		return -1;
	}
	set->src[set->n - 1]->child = pid;
	return 0;
bad:
	snprintf(err, errlen,
		 "%s: expected ssh://USER@HOST[:PORT]/journal/UNIT (letters, digits and . _ - @ :)",
		 spec);
	return -1;
}

void log_remote_close(struct log_src *r)
{
	if (r->child <= 0)
		return;
	kill(r->child, SIGTERM); /* journalctl -f follows for ever */
	runcmd_wait(r->child);
	r->child = 0;
}
