/* review — diff(1) of generated files against installed ones, and preview preparation. */
#include "tui/review.h"

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/site/secrets.h"
#include "core/base/fsutil.h"
#include "core/base/util.h"

extern char **environ;

/* Runs argv with stdout and stderr into a pipe; returns the output (heap) and the exit status
 * in *status (-1 when it could not run). */
static char *run_capture(char *const argv[], int *status)
{
	int fds[2];
	*status = -1;
	if (pipe2(fds, O_CLOEXEC) != 0)
		return xasprintf("(cannot run %s: %s)", argv[0], strerror(errno));
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, fds[1], STDOUT_FILENO);
	posix_spawn_file_actions_adddup2(&fa, fds[1], STDERR_FILENO);
	posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
	pid_t pid;
	int rc = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(fds[1]);
	if (rc != 0) {
		close(fds[0]);
		return xasprintf("(cannot run %s: %s)", argv[0], strerror(rc));
	}
	struct sbuf b;
	sbuf_init(&b);
	char buf[4096];
	ssize_t n;
	while ((n = read(fds[0], buf, sizeof(buf))) > 0 || (n < 0 && errno == EINTR))
		if (n > 0)
			sbuf_addn(&b, buf, (size_t)n);
	close(fds[0]);
	int ws;
	while (waitpid(pid, &ws, 0) < 0 && errno == EINTR)
		;
	*status = WIFEXITED(ws) ? WEXITSTATUS(ws) : -1;
	if (!b.buf)
		sbuf_add(&b, "");
	return sbuf_take(&b);
}

char *review_diff(const char *installed, const char *content, size_t len, int *same)
{
	struct stat sb;
	if (stat(installed, &sb) != 0) {
		*same = -1;
		return xasprintf("(not installed: %s does not exist; the whole file is new)",
				 installed);
	}
	char *tmp = fs_temp_file("review", content, len);
	if (!tmp) {
		*same = 0;
		return xasprintf("(cannot write a temporary file in %s: %s)", fs_tmpdir(),
				 strerror(errno));
	}
	char *label_old = xasprintf("installed %s", installed);
	char *argv[] = {"diff",	   "-u",	"--label",	   label_old,
			"--label", "generated", (char *)installed, tmp,
			NULL};
	int status;
	char *out = run_capture(argv, &status);
	unlink(tmp);
	free(tmp);
	free(label_old);
	*same = status == 0;
	if (status == 0) {
		free(out);
		return xasprintf("(identical to %s)", installed);
	}
	return out;
}

void review_prepare_site(const char *site_path, struct site *s, struct problems *ps)
{
	char *sec = secrets_path_for(site_path);
	secrets_ensure(s, sec, false, ps);
	free(sec);
}
