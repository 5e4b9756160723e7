/* loop — one poll() over every registered descriptor. */
#include "tui/loop.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <time.h>

#include "core/util.h"

void loop_init(struct loop *l)
{
	l->src = NULL;
	l->n = l->cap = 0;
}

void loop_done(struct loop *l)
{
	free(l->src);
	loop_init(l);
}

void loop_add(struct loop *l, int fd, short events, loop_fd_fn fn, void *ctx)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 4;
		l->src = xrealloc(l->src, l->cap * sizeof(*l->src));
	}
	l->src[l->n++] = (struct loop_source){fd, events, fn, ctx};
}

void loop_remove(struct loop *l, int fd)
{
	for (unsigned i = 0; i < l->n; i++)
		if (l->src[i].fd == fd) {
			l->src[i] = l->src[--l->n];
			return;
		}
}

int loop_poll(struct loop *l, struct wiz *w, int timeout_ms)
{
	struct pollfd pfd[16];
	unsigned n = l->n < 16 ? l->n : 16;
	for (unsigned i = 0; i < n; i++)
		pfd[i] = (struct pollfd){.fd = l->src[i].fd, .events = l->src[i].events};
	int rc = poll(pfd, n, timeout_ms);
	if (rc <= 0)
		return 0; /* timeout, or EINTR from SIGWINCH/SIGINT: the caller checks its flags */
	int flags = 0;
	/* Callbacks may add or remove sources: work from the snapshot taken above. */
	struct loop_source snap[16];
	for (unsigned i = 0; i < n; i++)
		snap[i] = l->src[i];
	for (unsigned i = 0; i < n; i++)
		if (pfd[i].revents)
			flags |= snap[i].fn(w, snap[i].fd, pfd[i].revents, snap[i].ctx);
	return flags;
}

int64_t loop_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
