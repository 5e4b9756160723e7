/* loop — the wizard's one poll() loop: file descriptors register a callback (the terminal today;
 * pcap, the udev monitor and worker pipes later), and the caller passes the timeout that its
 * timers and redraw throttle need. */
#ifndef PNB_TUI_LOOP_H
#define PNB_TUI_LOOP_H

#include <poll.h>
#include <stdint.h>

struct wiz;

/* Called when fd is ready; returns wiz_result flags. */
typedef int (*loop_fd_fn)(struct wiz *w, int fd, short revents, void *ctx);

struct loop_source {
	int fd;
	short events;
	loop_fd_fn fn;
	void *ctx;
};

struct loop {
	struct loop_source *src;
	unsigned n, cap;
	struct pollfd *pfd; /* poll()'s array, sized with src */
};

void loop_init(struct loop *l);
void loop_done(struct loop *l);
void loop_add(struct loop *l, int fd, short events, loop_fd_fn fn, void *ctx);
void loop_remove(struct loop *l, int fd);
/* Waits up to timeout_ms (-1: no limit) and runs the callbacks of ready fds. Returns their
 * flags ORed; 0 on timeout or when a signal interrupted the wait. */
int loop_poll(struct loop *l, struct wiz *w, int timeout_ms);
/* Monotonic milliseconds. */
int64_t loop_now_ms(void);

#endif
