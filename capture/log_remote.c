/* log_remote — a log on the boot server, read from the operator's machine: ssh://USER@HOST
 * [:PORT]/journal/UNIT runs `journalctl -f -o short-iso -u UNIT` there over ssh (no shell here;
 * every part validated, since the remote side runs it through a shell) and reads its output as
 * one more log. PINETBOOT_SSH names another ssh program (a wrapper with its own -F/-i), as
 * GIT_SSH does. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capture/log_int.h"
#include "capture/remote.h"
#include "core/base/runcmd.h"
#include "core/base/util.h"

#define REMOTE_BACKLOG "2000" /* lines of the journal before following it */

bool log_remote_is(const char *spec)
{
	return remote_is(spec);
}

int log_remote_open(struct log_set *set, const char *spec, char *err, size_t errlen)
{
	struct remote_addr ra;
	char unit[128];
	if (!remote_parse(spec, &ra) || strncmp(ra.rest, "journal/", 8) != 0)
		goto bad;
	const char *u = ra.rest + 8;
	if (!remote_word_ok(u, strlen(u), "@._:-") || strlen(u) >= sizeof(unit))
		goto bad;
	snprintf(unit, sizeof(unit), "%s", u);
	char *argv[] = {(char *)remote_ssh(), "-o", "BatchMode=yes", "-p", ra.port, "--",
			ra.target, "journalctl", "--no-pager", "-n", REMOTE_BACKLOG, "-f", "-o",
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
