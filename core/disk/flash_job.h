/* flash_job — core/flash in a worker thread, for the wizard's poll loop: progress is kept in a
 * snapshot under a mutex and announced by a byte on a pipe, so the loop wakes up, reads the
 * latest state and never blocks on the write. */
#ifndef PNB_CORE_FLASH_JOB_H
#define PNB_CORE_FLASH_JOB_H

#include <stdbool.h>

#include "core/disk/flash.h"

struct flash_job;

/* Starts writing image to target (strings are copied; sha256 may be NULL). Returns the job,
 * which the caller releases with flash_job_free, or NULL when no thread could be started. */
struct flash_job *flash_job_start(const char *image, const char *target, bool verify,
				  const char *sha256);
/* Readable when there is news (progress or the end). */
int flash_job_fd(const struct flash_job *j);
/* Drains the pipe and copies the latest progress into p. Returns true once the job ended. */
bool flash_job_poll(struct flash_job *j, struct flash_progress *p);
/* Asks the job to stop; it ends soon after with a "cancelled" message. */
void flash_job_cancel(struct flash_job *j);
/* After the end: the result (owned by the job) and flash_run's return value. */
const struct flash_result *flash_job_result(const struct flash_job *j, int *rc);
/* Cancels if still running, waits for the thread, frees everything. */
void flash_job_free(struct flash_job *j);

#endif
