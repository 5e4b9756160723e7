/* loop — one poll() over every registered descriptor. */
#include "tui/loop.h"

#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/base/util.h"

void loop_init(struct loop *l)
{
	l->src = NULL;
	l->n = l->cap = 0;
	l->pfd = NULL;
}

void loop_done(struct loop *l)
{
	free(l->src);
	free(l->pfd);
	loop_init(l);
}

void loop_add(struct loop *l, int fd, short events, loop_fd_fn fn, void *ctx)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 4;
		l->src = xrealloc(l->src, l->cap * sizeof(*l->src));
		l->pfd = xrealloc(l->pfd, l->cap * sizeof(*l->pfd));
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

/* A callback may have removed a later source (and freed its ctx): skip those. */
static bool registered(const struct loop *l, const struct loop_source *s)
{
	for (unsigned i = 0; i < l->n; i++)
		if (l->src[i].fd == s->fd && l->src[i].fn == s->fn && l->src[i].ctx == s->ctx)
			return true;
	return false;
}

int loop_poll(struct loop *l, struct wiz *w, int timeout_ms)
{
	unsigned n = l->n;
	for (unsigned i = 0; i < n; i++)
		l->pfd[i] = (struct pollfd){.fd = l->src[i].fd, .events = l->src[i].events};
	int rc = poll(l->pfd, n, timeout_ms);
	if (rc <= 0)
		return 0; /* timeout, or EINTR from SIGWINCH/SIGINT: the caller checks its flags */
	/* Callbacks may add or remove sources (reallocating both arrays): work from copies. */
	struct pollfd *ready = xmalloc(n * sizeof(*ready));
	memcpy(ready, l->pfd, n * sizeof(*ready));
	struct loop_source *snap = xmalloc(n * sizeof(*snap));
	memcpy(snap, l->src, n * sizeof(*snap));
	int flags = 0;
	for (unsigned i = 0; i < n; i++)
		if (ready[i].revents && registered(l, &snap[i]))
			flags |= snap[i].fn(w, snap[i].fd, ready[i].revents, snap[i].ctx);
	free(ready);
	free(snap);
	return flags;
}

int64_t loop_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
