/* runcmd — fork/exec with captured output. */
#include "core/base/runcmd.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void drain(int fd, char *out, size_t outlen, size_t *len)
{
	char tmp[4096];
	ssize_t n;
	while ((n = read(fd, tmp, sizeof(tmp))) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (out && *len + 1 < outlen) {
			size_t k = (size_t)n < outlen - 1 - *len ? (size_t)n : outlen - 1 - *len;
			memcpy(out + *len, tmp, k);
			*len += k;
			out[*len] = 0;
		}
	}
}

static int run(char *const argv[], const char *in, char *out, size_t outlen, char *err,
	       size_t errlen, int split)
{
	int po[2], pe[2] = {-1, -1};
	if (out && outlen)
		out[0] = 0;
	if (pipe2(po, O_CLOEXEC) < 0 || (split && pipe2(pe, O_CLOEXEC) < 0))
		return 127;
	pid_t pid = fork();
	if (pid < 0)
		return 127;
	if (pid == 0) {
		int fd = open(in ? in : "/dev/null", O_RDONLY);
		if (fd >= 0)
			dup2(fd, 0);
		dup2(po[1], 1);
		dup2(split ? pe[1] : po[1], 2);
		execvp(argv[0], argv);
		_exit(127);
	}
	close(po[1]);
	if (split)
		close(pe[1]);
	size_t ol = 0, el = err ? strlen(err) : 0;
	if (split) {
		/* read both without deadlocking: poll until both are closed */
		struct pollfd p[2] = {{po[0], POLLIN, 0}, {pe[0], POLLIN, 0}};
		int open_fds = 2;
		while (open_fds > 0 && poll(p, 2, -1) >= 0) {
			for (int i = 0; i < 2; i++) {
				if (p[i].fd < 0 || !(p[i].revents & (POLLIN | POLLHUP | POLLERR)))
					continue;
				char tmp[4096];
				ssize_t n = read(p[i].fd, tmp, sizeof(tmp));
				if (n <= 0) {
					close(p[i].fd);
					p[i].fd = -1;
					open_fds--;
					continue;
				}
				char *dst = i == 0 ? out : err;
				size_t cap = i == 0 ? outlen : errlen, *len = i == 0 ? &ol : &el;
				if (dst && *len + 1 < cap) {
					size_t k = (size_t)n < cap - 1 - *len ? (size_t)n : cap - 1 - *len;
					memcpy(dst + *len, tmp, k);
					*len += k;
					dst[*len] = 0;
				}
			}
		}
	} else {
		drain(po[0], out, outlen, &ol);
		close(po[0]);
	}
	int st;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (WIFSIGNALED(st))
		return 128 + WTERMSIG(st);
	return WEXITSTATUS(st);
}

int runcmd(char *const argv[], const char *in, char *out, size_t outlen)
{
	return run(argv, in, out, outlen, NULL, 0, 0);
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
	return run(argv, NULL, out, outlen, err, errlen, 1);
}

int runcmd_spawn_reader(char *const argv[], const char *in, const char *errpath, int *pid)
{
	int po[2];
	if (pipe2(po, O_CLOEXEC) < 0)
		return -1;
	pid_t c = fork();
	if (c < 0) {
		close(po[0]);
		close(po[1]);
		return -1;
	}
	if (c == 0) {
		int fd = open(in ? in : "/dev/null", O_RDONLY);
		int ef = errpath ? open(errpath, O_WRONLY | O_CREAT | O_TRUNC, 0600)
				 : open("/dev/null", O_WRONLY);
		if (fd < 0 || ef < 0)
			_exit(127);
		dup2(fd, 0);
		dup2(po[1], 1);
		dup2(ef, 2);
		execvp(argv[0], argv);
		_exit(127);
	}
	close(po[1]);
	*pid = (int)c;
	return po[0];
}

int runcmd_wait(int pid)
{
	int st;
	while (waitpid((pid_t)pid, &st, 0) < 0)
		if (errno != EINTR)
			return 127;
	if (WIFSIGNALED(st))
		return 128 + WTERMSIG(st);
	return WEXITSTATUS(st);
}
