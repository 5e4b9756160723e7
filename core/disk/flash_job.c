/* flash_job — one thread per flash, a doorbell for its news. */
#include "core/disk/flash_job.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "core/base/doorbell.h"
#include "core/base/util.h"

struct flash_job {
	char *image, *target, *sha256;
	bool verify;
	pthread_t th;
	struct doorbell bell;
	pthread_mutex_t mu;
	struct flash_progress snap;
	atomic_bool cancel;
	atomic_bool ended;
	int rc;
	struct flash_result res;
};

static void on_progress(const struct flash_progress *p, void *ud)
{
	struct flash_job *j = ud;
	pthread_mutex_lock(&j->mu);
	j->snap = *p;
	pthread_mutex_unlock(&j->mu);
	doorbell_ring(&j->bell);
}

static void *worker(void *arg)
{
	struct flash_job *j = arg;
	struct flash_opts o = {j->image, j->target, j->verify, j->sha256, on_progress, j, &j->cancel};
	j->rc = flash_run(&o, &j->res);
	atomic_store(&j->ended, true);
	doorbell_ring(&j->bell);
	return NULL;
}

/* What a job owns besides its thread: released once the worker is joined, or never ran. */
static void job_release(struct flash_job *j)
{
	doorbell_close(&j->bell);
	pthread_mutex_destroy(&j->mu);
	free(j->image);
	free(j->target);
	free(j->sha256);
	free(j);
}

struct flash_job *flash_job_start(const char *image, const char *target, bool verify,
				  const char *sha256)
{
	struct flash_job *j = xcalloc(1, sizeof(*j));
	j->image = xstrdup(image);
	j->target = xstrdup(target);
	j->sha256 = sha256 ? xstrdup(sha256) : NULL;
	j->verify = verify;
	pthread_mutex_init(&j->mu, NULL);
	if (doorbell_open(&j->bell) < 0 || pthread_create(&j->th, NULL, worker, j) != 0) {
		job_release(j);
		return NULL;
	}
	return j;
}

int flash_job_fd(const struct flash_job *j) { return j->bell.fd[0]; }

bool flash_job_poll(struct flash_job *j, struct flash_progress *p)
{
	doorbell_drain(&j->bell);
	pthread_mutex_lock(&j->mu);
	*p = j->snap;
	pthread_mutex_unlock(&j->mu);
	return atomic_load(&j->ended);
}

void flash_job_cancel(struct flash_job *j) { atomic_store(&j->cancel, true); }

const struct flash_result *flash_job_result(const struct flash_job *j, int *rc)
{
	if (rc)
		*rc = j->rc;
	return &j->res;
}

void flash_job_free(struct flash_job *j)
{
	if (!j)
		return;
	atomic_store(&j->cancel, true);
	pthread_join(j->th, NULL);
	job_release(j);
}
