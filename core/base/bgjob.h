/* bgjob — run one blocking piece of core work (an iscsi_check_run, a virtual Pi's vpi_net_up +
 * vpi_run) on a thread of its own and tell a poll() loop when it is done: the wizard adds
 * bgjob_fd() to its poll set and reads the result, plain data, after bgjob_join(). The thread
 * gets its own network namespace if the work makes one (namespaces are per thread), so the
 * wizard's own sockets are never moved. */
#ifndef PNB_CORE_BGJOB_H
#define PNB_CORE_BGJOB_H

#include <stdbool.h>

struct bgjob;

/* Starts fn(arg) on a new thread. Returns NULL (errno set) when no thread could be made. The
 * caller owns the job and must bgjob_join it. arg must stay valid until then. */
struct bgjob *bgjob_start(void (*fn)(void *arg), void *arg);
/* Readable (POLLIN) once fn has returned. */
int bgjob_fd(const struct bgjob *j);
bool bgjob_done(const struct bgjob *j);
/* Waits for fn to return and frees the job. */
void bgjob_join(struct bgjob *j);

#endif
