/* doorbell — see doorbell.h. */
#include "core/base/doorbell.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

int doorbell_open(struct doorbell *d)
{
	if (pipe2(d->fd, O_CLOEXEC | O_NONBLOCK) == 0)
		return 0;
	d->fd[0] = d->fd[1] = -1;
	return -1;
}

void doorbell_ring(struct doorbell *d)
{
	char c = 1;
	while (write(d->fd[1], &c, 1) < 0 && errno == EINTR) /* EAGAIN: full, so it rings */
		;
}

void doorbell_drain(struct doorbell *d)
{
	char buf[256];
	while (read(d->fd[0], buf, sizeof(buf)) > 0)
		;
}

void doorbell_close(struct doorbell *d)
{
	for (int i = 0; i < 2; i++)
		if (d->fd[i] >= 0)
			close(d->fd[i]);
	d->fd[0] = d->fd[1] = -1;
}
