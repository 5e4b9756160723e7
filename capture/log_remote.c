/* log_remote — logs read from a command rather than a file: a unit's journal on this machine
 * ("journal:UNIT", journalctl -f there) or on the boot server (ssh://USER@HOST[:PORT]/journal/
 * UNIT: the same journalctl over ssh, no shell here; every part validated, since the remote
 * side runs it through a shell). The command's stderr is kept, so a source that fails (ssh
 * refused, host key unknown, no such unit) says why instead of just ending. */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capture/log_int.h"
#include "capture/remote.h"
#include "core/base/runcmd.h"
#include "core/base/util.h"

#define JOURNAL_BACKLOG "2000" /* lines of the journal before following it */

bool log_remote_is(const char *spec)
{
	return remote_is(spec) || strncmp(spec, LOG_JOURNAL_PREFIX, strlen(LOG_JOURNAL_PREFIX)) == 0;
}

bool log_journal_available(void)
{
	return runcmd_available("journalctl");
}

/* The command's output becomes one more log; the set ends the child (log_remote_close). */
static int add_child(struct log_set *set, const char *spec, int fd, int pid, int errfd,
		     char *err, size_t errlen)
{
	FILE *f = fdopen(fd, "r");
	if (!f || log_set_add_stream(set, f, spec, true) < 0) {
		if (!f)
			close(fd);
		kill(pid, SIGTERM);
		runcmd_wait(pid);
		close(errfd);
		snprintf(err, errlen, "%s: %s", spec, f ? "too many logs" : "out of memory");
		return -1;
	}
	struct log_src *r = set->src[set->n - 1];
	r->child = pid;
	r->errfd = errfd;
	return 0;
}

int log_remote_check(const char *spec, char *err, size_t errlen)
{
	if (remote_is(spec)) {
		struct remote_addr ra;
		char unit[128];
		return remote_parse_journal(spec, &ra, unit, sizeof(unit), err, errlen) ? 0 : -1;
	}
	if (!remote_unit_ok(spec + strlen(LOG_JOURNAL_PREFIX))) {
		snprintf(err, errlen,
			 "%s: expected journal:UNIT, a systemd unit (letters, digits and . _ - @ :)",
			 spec);
		return -1;
	}
	if (!log_journal_available()) {
		snprintf(err, errlen, "%s: journalctl is not installed here (no systemd journal)",
			 spec);
		return -1;
	}
	return 0;
}

static int open_local(struct log_set *set, const char *spec, char *err, size_t errlen)
{
	const char *unit = spec + strlen(LOG_JOURNAL_PREFIX);
	if (log_remote_check(spec, err, errlen) < 0)
		return -1;
	char errpath[] = "/tmp/pinetboot-journal-XXXXXX";
	int errfd = mkostemp(errpath, O_CLOEXEC);
	if (errfd < 0) {
		snprintf(err, errlen, "%s: cannot make a temporary file", spec);
		return -1;
	}
	char *argv[] = {"journalctl", "--no-pager", "-n", JOURNAL_BACKLOG, "-f", "-o",
			"short-iso", "-u", (char *)unit, NULL};
	int pid, fd = runcmd_spawn_reader(argv, NULL, errpath, &pid);
	unlink(errpath);
	if (fd < 0) {
		close(errfd);
		snprintf(err, errlen, "%s: cannot start journalctl", spec);
		return -1;
	}
	return add_child(set, spec, fd, pid, errfd, err, errlen);
}

int log_remote_open(struct log_set *set, const char *spec, char *err, size_t errlen)
{
	if (!remote_is(spec))
		return open_local(set, spec, err, errlen);
	struct remote_addr ra;
	char unit[128];
	if (!remote_parse_journal(spec, &ra, unit, sizeof(unit), err, errlen))
		return -1;
	char *cmd[] = {"journalctl", "--no-pager", "-n",	JOURNAL_BACKLOG, "-f",
		       "-o",	     "short-iso",   "-u", unit,		NULL};
	int pid, errfd, fd = remote_spawn(&ra, spec, cmd, &pid, &errfd, err, errlen);
	return fd < 0 ? -1 : add_child(set, spec, fd, pid, errfd, err, errlen);
}

void log_remote_ended(struct log_src *r)
{
	if (r->child <= 0)
		return;
	int st = runcmd_wait(r->child);
	r->child = 0;
	if (st == 0)
		return;
	char msg[768];
	if (remote_is(r->name)) {
		remote_failure(r->name, "the remote journal", st, r->errfd, msg, sizeof(msg));
	} else {
		char *why = remote_stderr_line(r->errfd);
		snprintf(msg, sizeof(msg), "%s: journalctl failed (exit %d)%s%s", r->name, st,
			 *why ? ": " : "", why);
		free(why);
	}
	free(r->err);
	r->err = xstrdup(msg);
}

void log_remote_close(struct log_src *r)
{
	if (r->child > 0) {
		kill(r->child, SIGTERM); /* journalctl -f follows for ever */
		runcmd_wait(r->child);
		r->child = 0;
	}
	if (r->errfd > 0)
		close(r->errfd);
	r->errfd = 0;
	free(r->err);
	r->err = NULL;
}
