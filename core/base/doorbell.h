/* doorbell — a worker thread tells a poll() loop "there is news" (progress, an event, the end)
 * without ever blocking: a byte on a non-blocking pipe, where a full pipe already means "ring".
 * The loop drains it, then reads the news itself under the lock that guards it. */
#ifndef PNB_BASE_DOORBELL_H
#define PNB_BASE_DOORBELL_H

struct doorbell {
	int fd[2]; /* fd[0]: poll it for POLLIN; fd[1]: rung by the thread */
};

/* Makes the pipe (close-on-exec, non-blocking). 0, or -1 with errno set and both ends -1. */
int doorbell_open(struct doorbell *d);
/* From any thread: the loop's poll() wakes. Never blocks. */
void doorbell_ring(struct doorbell *d);
/* Empties it, so the next poll() waits for the next ring. */
void doorbell_drain(struct doorbell *d);
/* Closes both ends (after doorbell_open, failed or not). */
void doorbell_close(struct doorbell *d);

#endif
