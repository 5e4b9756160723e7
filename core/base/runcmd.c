/* runcmd — posix_spawn with captured or inherited output, and an optional deadline. */
#include "core/base/runcmd.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/base/deadline.h"
#include "core/base/util.h"

extern char **environ;

/* Starts argv with stdin from `in` (NULL: /dev/null; "-": inherited), stdout to out_fd and
 * stderr to err_fd (-1: inherited), in cwd (NULL: here). Returns the pid, or -1 with errno. */
static pid_t spawn(char *const argv[], const char *in, const char *cwd, int out_fd, int err_fd)
{
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	if (!in || strcmp(in, "-") != 0)
		posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, in ? in : "/dev/null", O_RDONLY,
						 0);
	if (out_fd >= 0)
		posix_spawn_file_actions_adddup2(&fa, out_fd, STDOUT_FILENO);
	if (err_fd >= 0)
		posix_spawn_file_actions_adddup2(&fa, err_fd, STDERR_FILENO);
	if (cwd)
		posix_spawn_file_actions_addchdir_np(&fa, cwd);
	pid_t pid;
	int rc = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (rc != 0) {
		errno = rc;
		return -1;
	}
	return pid;
}

static int reap(pid_t pid)
{
	int st = 0;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return 127;
	return WIFSIGNALED(st) ? 128 + WTERMSIG(st) : WEXITSTATUS(st);
}

/* reap within a budget (NULL: none): a child still running at the deadline is killed
 * (SIGKILL) and reaped, and *timed_out set. A child that closed its output but goes on running
 * ends here too, not in a waitpid without end. */
static int reap_by(pid_t pid, const struct deadline *dl, bool *timed_out)
{
	if (!dl)
		return reap(pid);
	int st = 0;
	for (;;) {
		pid_t r = waitpid(pid, &st, WNOHANG);
		if (r == pid)
			return WIFSIGNALED(st) ? 128 + WTERMSIG(st) : WEXITSTATUS(st);
		if (r < 0 && errno != EINTR)
			return 127;
		int ms = deadline_poll_ms(dl, 20);
		if (ms == 0) {
			*timed_out = true;
			kill(pid, SIGKILL);
			return reap(pid);
		}
		poll(NULL, 0, ms); /* a 20 ms nap: a child that ends is seen soon enough */
	}
}

/* Appends n bytes of tmp to dst (capacity cap, NUL-terminated, *len used), dropping the rest. */
static void keep(char *dst, size_t cap, size_t *len, const char *tmp, size_t n)
{
	if (!dst || *len + 1 >= cap)
		return;
	size_t k = n < cap - 1 - *len ? n : cap - 1 - *len;
	memcpy(dst + *len, tmp, k);
	*len += k;
	dst[*len] = 0;
}

static int run(char *const argv[], const char *in, char *out, size_t outlen, char *err,
	       size_t errlen, bool split)
{
	int po[2], pe[2] = {-1, -1};
	if (out && outlen)
		out[0] = 0;
	if (pipe2(po, O_CLOEXEC) < 0)
		return 127;
	if (split && pipe2(pe, O_CLOEXEC) < 0) {
		close(po[0]);
		close(po[1]);
		return 127;
	}
	pid_t pid = spawn(argv, in, NULL, po[1], split ? pe[1] : po[1]);
	close(po[1]);
	if (split)
		close(pe[1]);
	size_t ol = 0, el = err ? strlen(err) : 0;
	/* read both without deadlocking: poll until both are closed */
	struct pollfd p[2] = {{po[0], POLLIN, 0}, {pe[0], POLLIN, 0}};
	int open_fds = split ? 2 : 1;
	while (pid >= 0 && open_fds > 0 && poll(p, (nfds_t)(split ? 2 : 1), -1) >= 0) {
		for (int i = 0; i < 2; i++) {
			if (p[i].fd < 0 || !(p[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			char tmp[4096];
			ssize_t n = read(p[i].fd, tmp, sizeof(tmp));
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0) {
				close(p[i].fd);
				p[i].fd = -1;
				open_fds--;
				continue;
			}
			if (i == 0)
				keep(out, outlen, &ol, tmp, (size_t)n);
			else
				keep(err, errlen, &el, tmp, (size_t)n);
		}
	}
	for (int i = 0; i < 2; i++)
		if (p[i].fd >= 0)
			close(p[i].fd);
	return pid < 0 ? 127 : reap(pid);
}

int runcmd(char *const argv[], const char *in, char *out, size_t outlen)
{
	return run(argv, in, out, outlen, NULL, 0, false);
}

int runcmd_err(char *const argv[], const char *in, char *err, size_t errlen)
{
	char out[2048];
	int r = runcmd(argv, in, out, sizeof(out));
	if (r != 0) {
		size_t n = strlen(out);
		while (n && (out[n - 1] == '\n' || out[n - 1] == ' '))
			out[--n] = '\0';
		snprintf(err, errlen, "%s failed (exit %d): %s", argv[0], r, out);
	}
	return r;
}

int runcmd_split(char *const argv[], char *out, size_t outlen, char *err, size_t errlen)
{
	return run(argv, NULL, out, outlen, err, errlen, true);
}

int runcmd_capture(char *const argv[], const char *cwd, int timeout_s, char **out, size_t *len)
{
	struct sbuf b;
	sbuf_init(&b);
	*len = 0;
	int pfd[2];
	if (pipe2(pfd, O_CLOEXEC) < 0) {
		*out = sbuf_take(&b);
		return 127;
	}
	pid_t pid = spawn(argv, NULL, cwd, pfd[1], pfd[1]);
	int saved = errno;
	close(pfd[1]);
	if (pid < 0) {
		close(pfd[0]);
		*out = sbuf_take(&b);
		errno = saved;
		return 127;
	}
	struct deadline dl;
	deadline_start(&dl, (int64_t)timeout_s * 1000);
	bool timed_out = false;
	for (;;) {
		struct pollfd p = {pfd[0], POLLIN, 0};
		int wait_ms = timeout_s > 0 ? deadline_poll_ms(&dl, 0) : -1;
		/* checked before reading too: endless output must not outrun the deadline */
		int pr = wait_ms == 0 ? 0 : poll(&p, 1, wait_ms);
		if (pr < 0 && errno == EINTR)
			continue;
		if (pr == 0) {
			timed_out = true;
			kill(pid, SIGKILL);
			break;
		}
		char buf[4096];
		ssize_t r = read(pfd[0], buf, sizeof(buf));
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		if (b.len < RUNCMD_CAPTURE_MAX)
			sbuf_addn(&b, buf, (size_t)r);
	}
	close(pfd[0]);
	int rc = reap_by(pid, timeout_s > 0 ? &dl : NULL, &timed_out);
	*len = b.len;
	*out = sbuf_take(&b);
	return timed_out ? -1 : rc;
}

int runcmd_inherit(char *const argv[], const char *cwd, int timeout_s)
{
	fflush(stdout);
	fflush(stderr);
	pid_t pid = spawn(argv, "-", cwd, -1, -1);
	if (pid < 0)
		return 127;
	struct deadline dl;
	deadline_start(&dl, (int64_t)timeout_s * 1000);
	bool timed_out = false;
	int rc = reap_by(pid, timeout_s > 0 ? &dl : NULL, &timed_out);
	return timed_out ? -1 : rc;
}

int runcmd_spawn_reader(char *const argv[], const char *in, const char *errpath, int *pid)
{
	int po[2];
	if (pipe2(po, O_CLOEXEC) < 0)
		return -1;
	int ef = open(errpath ? errpath : "/dev/null", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	pid_t c = ef < 0 ? -1 : spawn(argv, in, NULL, po[1], ef);
	if (ef >= 0)
		close(ef);
	close(po[1]);
	if (c < 0) {
		close(po[0]);
		return -1;
	}
	*pid = (int)c;
	return po[0];
}

/* The environment of a child run as pw: this one's, with HOME, USER and LOGNAME its. The
 * strings are allocated here (before fork: the child only calls what is safe after it); the
 * caller frees with env_free. */
static char **env_for(const struct passwd *pw)
{
	size_t n = 0;
	while (environ[n])
		n++;
	char **e = xcalloc(n + 4, sizeof(*e));
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (strncmp(environ[i], "HOME=", 5) && strncmp(environ[i], "USER=", 5) &&
		    strncmp(environ[i], "LOGNAME=", 8))
			e[k++] = xstrdup(environ[i]);
	e[k++] = xasprintf("HOME=%s", pw->pw_dir);
	e[k++] = xasprintf("USER=%s", pw->pw_name);
	e[k++] = xasprintf("LOGNAME=%s", pw->pw_name);
	return e;
}

static void env_free(char **e)
{
	for (size_t i = 0; e && e[i]; i++)
		free(e[i]);
	free(e);
}

int runcmd_spawn_reader_as(char *const argv[], const char *errpath, uid_t uid, gid_t gid,
			   int *pid)
{
	char **env = NULL;
	gid_t groups[256];
	int ngroups = 0;
	if (uid != (uid_t)-1) {
		struct passwd *pw = getpwuid(uid);
		if (!pw)
			return -1; /* no such user: no name, no home to run as */
		ngroups = (int)PNB_ARRAY_LEN(groups);
		if (getgrouplist(pw->pw_name, gid, groups, &ngroups) < 0)
			ngroups = 0; /* more than 256: only its primary group */
		env = env_for(pw);
	}
	int po[2];
	if (pipe2(po, O_CLOEXEC) < 0) {
		env_free(env);
		return -1;
	}
	int ef = open(errpath ? errpath : "/dev/null", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	int in = open("/dev/null", O_RDONLY | O_CLOEXEC);
	pid_t parent = getpid();
	pid_t c = ef < 0 || in < 0 ? -1 : fork();
	if (c == 0) {
		if (dup2(in, STDIN_FILENO) < 0 || dup2(po[1], STDOUT_FILENO) < 0 ||
		    dup2(ef, STDERR_FILENO) < 0)
			_exit(127);
		if (env && (setgroups((size_t)ngroups, groups) < 0 || setresgid(gid, gid, gid) < 0 ||
			    setresuid(uid, uid, uid) < 0))
			_exit(126);
		/* After the switch: a change of credentials clears the death signal. */
		if (prctl(PR_SET_PDEATHSIG, SIGTERM) < 0 || getppid() != parent)
			_exit(127); /* the parent is already gone */
		if (env)
			execvpe(argv[0], argv, env);
		else
			execvp(argv[0], argv);
		_exit(127);
	}
	if (ef >= 0)
		close(ef);
	if (in >= 0)
		close(in);
	close(po[1]);
	env_free(env);
	if (c < 0) {
		close(po[0]);
		return -1;
	}
	*pid = (int)c;
	return po[0];
}

int runcmd_wait(int pid)
{
	return reap((pid_t)pid);
}

bool runcmd_available(const char *prog)
{
	if (strchr(prog, '/'))
		return access(prog, X_OK) == 0;
	const char *path = getenv("PATH");
	if (!path || !*path)
		path = "/usr/local/bin:/usr/bin:/bin";
	for (const char *p = path; *p;) {
		size_t n = strcspn(p, ":");
		char full[4096];
		if (n && n + strlen(prog) + 2 < sizeof(full)) {
			snprintf(full, sizeof(full), "%.*s/%s", (int)n, p, prog);
			if (access(full, X_OK) == 0)
				return true;
		}
		p += n + (p[n] == ':');
	}
	return false;
}
