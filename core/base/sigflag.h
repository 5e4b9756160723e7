/* sigflag — signals as flags a poll loop reads: Ctrl-C, SIGTERM or a resize only record that
 * they came, and the loop acts on it at its next turn (nothing unsafe runs in a handler). */
#ifndef PNB_BASE_SIGFLAG_H
#define PNB_BASE_SIGFLAG_H

#include <signal.h>
#include <stddef.h>

/* From now on each of the n signals sigs stores its number in *flag when it arrives (flag must
 * outlive the process's use of it: a static). The handler is installed without SA_RESTART, so
 * a blocking poll() or read() returns with EINTR and the loop sees the flag at once. */
void sigflag_catch(volatile sig_atomic_t *flag, const int *sigs, size_t n);

#endif
