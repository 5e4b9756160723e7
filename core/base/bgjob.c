/* bgjob — blocking core work on a thread, finished-signal through a pipe. */
#include "core/base/bgjob.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

#include "core/base/util.h"

struct bgjob {
	pthread_t thread;
	int pipe[2];
	void (*fn)(void *);
	void *arg;
};

static void *trampoline(void *p)
{
	struct bgjob *j = p;
	j->fn(j->arg);
	char one = 1;
	while (write(j->pipe[1], &one, 1) < 0 && errno == EINTR)
		;
	return NULL;
}

struct bgjob *bgjob_start(void (*fn)(void *arg), void *arg)
{
	struct bgjob *j = xcalloc(1, sizeof(*j));
	j->fn = fn;
	j->arg = arg;
	if (pipe2(j->pipe, O_CLOEXEC) < 0) {
		free(j);
		return NULL;
	}
	int e = pthread_create(&j->thread, NULL, trampoline, j);
	if (e) {
		close(j->pipe[0]);
		close(j->pipe[1]);
		free(j);
		errno = e;
		return NULL;
	}
	return j;
}

int bgjob_fd(const struct bgjob *j)
{
	return j->pipe[0];
}

bool bgjob_done(const struct bgjob *j)
{
	struct pollfd p = {.fd = j->pipe[0], .events = POLLIN};
	return poll(&p, 1, 0) == 1;
}

void bgjob_join(struct bgjob *j)
{
	if (!j)
		return;
	pthread_join(j->thread, NULL);
	close(j->pipe[0]);
	close(j->pipe[1]);
	free(j);
}
