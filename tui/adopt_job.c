/* adopt_job — an adoption on a thread, progress per step. */
#include "tui/adopt_job.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/base/bgjob.h"
#include "core/base/doorbell.h"
#include "core/base/util.h"
#include "core/pi/adopt.h"
#include "tui/overlay.h"

enum { JS_WAIT, JS_RUN, JS_DONE, JS_SKIP, JS_FAIL };
static const char *const js_names[] = {"", "running", "done", "skipped", "FAILED"};

struct job_step {
	int state;
	unsigned long long done, total;
	char text[200];
};

/* The boot order step's question, from the adopting thread to the wizard's loop and back. */
enum { ASK_NONE, ASK_PENDING, ASK_SHOWN, ASK_ANSWERED };

struct adopt_job {
	char *pi, *dest, *site_path;
	struct bgjob *job; /* non-NULL while the thread runs */
	struct doorbell bell; /* rung on every event */
	pthread_mutex_t mu; /* guards s[], rc and the question between the thread and the loop */
	pthread_cond_t answered;
	struct job_step s[ADOPT_NSTEPS];
	int rc;
	int ask;               /* ASK_* */
	char question[160];
	bool permanent, yes;
	const void *viewer;    /* the box that asks (compared only: it is gone when closed) */
};

/* The engine asks (on the job's thread): the wizard's loop shows the question in a box over
 * the screen; y is yes, anything that closes the box otherwise is no. The thread waits,
 * ringing the loop now and then so it sees a box closed without an answer. */
static bool job_confirm(const char *question, bool permanent, void *ud)
{
	struct adopt_job *j = ud;
	pthread_mutex_lock(&j->mu);
	snprintf(j->question, sizeof(j->question), "%s", question);
	j->permanent = permanent;
	j->yes = false;
	j->ask = ASK_PENDING;
	while (j->ask != ASK_ANSWERED) {
		doorbell_ring(&j->bell);
		struct timespec t;
		clock_gettime(CLOCK_REALTIME, &t);
		t.tv_nsec += 250 * 1000 * 1000;
		if (t.tv_nsec >= 1000000000L) {
			t.tv_sec++;
			t.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&j->answered, &j->mu, &t);
	}
	bool yes = j->yes;
	j->ask = ASK_NONE;
	pthread_mutex_unlock(&j->mu);
	return yes;
}

static void answer(struct adopt_job *j, bool yes)
{
	pthread_mutex_lock(&j->mu);
	if (j->ask == ASK_PENDING || j->ask == ASK_SHOWN) {
		j->yes = yes;
		j->ask = ASK_ANSWERED;
		pthread_cond_broadcast(&j->answered);
	}
	pthread_mutex_unlock(&j->mu);
}

static int said_yes(struct wiz *w, void *ctx, const char *typed)
{
	(void)w, (void)typed;
	answer(ctx, true);
	return WIZ_REDRAW;
}

/* On the loop: opens the box for a question waiting (once nothing else is over the screen),
 * or takes a box closed without y as no. */
static void ask_tick(struct wiz *w, struct adopt_job *j)
{
	pthread_mutex_lock(&j->mu);
	int ask = j->ask;
	bool closed = ask == ASK_SHOWN && (const void *)w->viewer != j->viewer;
	pthread_mutex_unlock(&j->mu);
	if (closed) {
		answer(j, false);
		return;
	}
	if (ask != ASK_PENDING || overlay_up(w) || w->popup)
		return;
	pthread_mutex_lock(&j->mu);
	char *text = xasprintf(
	    "%s\n\n%s\n\n%s\n\nThe new root has been checked (step 5). y does it; n or Esc leaves "
	    "the Pi's boot order as it is (A asks again).",
	    j->question, j->s[ADOPT_ORDER].text,
	    j->permanent ? "This is PERMANENT: the OTP bit can never be cleared again. The SD card "
			   "keeps booting after it."
			 : "The SD card stays in the boot order after the network; rpi-eeprom-config "
			   "can set it back.");
	char *title = xasprintf("Adopt %s: boot order", j->pi);
	char *q = xasprintf("%s y/N", j->permanent ? "PERMANENT, cannot be undone: go on?"
						   : "Change the boot order now?");
	pthread_mutex_unlock(&j->mu);
	wiz_viewer_open(w, title, text);
	wiz_viewer_ask(w, q, said_yes, j);
	pthread_mutex_lock(&j->mu);
	j->viewer = w->viewer;
	j->ask = ASK_SHOWN;
	pthread_mutex_unlock(&j->mu);
	free(text);
	free(title);
	free(q);
}

static void on_event(const struct adopt_event *e, void *ud)
{
	struct adopt_job *j = ud;
	pthread_mutex_lock(&j->mu);
	struct job_step *s = &j->s[e->step];
	switch (e->kind) {
	case ADOPT_EV_STEP: s->state = JS_RUN; break;
	case ADOPT_EV_PROGRESS:
		s->done = e->done;
		s->total = e->total;
		break;
	case ADOPT_EV_DONE: s->state = JS_DONE; break;
	case ADOPT_EV_SKIP: s->state = JS_SKIP; break;
	case ADOPT_EV_FAIL: s->state = JS_FAIL; break;
	default: break;
	}
	if (e->kind != ADOPT_EV_PROGRESS && e->kind != ADOPT_EV_DONE)
		snprintf(s->text, sizeof(s->text), "%s", e->text);
	pthread_mutex_unlock(&j->mu);
	doorbell_ring(&j->bell);
}

static void run(void *arg)
{
	struct adopt_job *j = arg;
	struct adopt_opts o = {.dest = j->dest, .site_path = j->site_path, .pi_name = j->pi,
			       .timeout = 10, .event = on_event, .confirm = job_confirm, .ud = j};
	int rc = adopt_run(&o);
	pthread_mutex_lock(&j->mu);
	j->rc = rc;
	pthread_mutex_unlock(&j->mu);
}

static int on_wake(struct wiz *w, int fd, short revents, void *ctx)
{
	struct adopt_job *j = ctx;
	(void)fd, (void)revents;
	doorbell_drain(&j->bell);
	ask_tick(w, j);
	return WIZ_REDRAW;
}

static int on_done(struct wiz *w, int fd, short revents, void *ctx)
{
	(void)revents;
	struct adopt_job *j = ctx;
	loop_remove(&w->loop, fd);
	loop_remove(&w->loop, j->bell.fd[0]);
	bgjob_join(j->job);
	j->job = NULL;
	wiz_status(w, j->rc == 0 ? MSG_OK : MSG_ERROR, "adopt %s: %s", j->pi,
		   j->rc == 0 ? "done; reboot the Pi"
		   : j->rc == 1 ? "stopped (see the step); A goes on from there"
				: "failed (see the step)");
	return WIZ_REDRAW;
}

struct adopt_job *adopt_job_start(struct wiz *w, const char *pi, const char *dest)
{
	if (w->dirty) {
		wiz_status(w, MSG_ERROR, "adopt reads the saved profile: save it first (s)");
		return NULL;
	}
	struct adopt_job *j = xcalloc(1, sizeof(*j));
	if (doorbell_open(&j->bell) < 0) {
		wiz_status(w, MSG_ERROR, "adopt: %s", strerror(errno));
		free(j);
		return NULL;
	}
	pthread_mutex_init(&j->mu, NULL);
	pthread_cond_init(&j->answered, NULL);
	j->pi = xstrdup(pi);
	j->dest = xstrdup(dest);
	j->site_path = xstrdup(w->site_path);
	j->job = bgjob_start(run, j);
	if (!j->job) {
		wiz_status(w, MSG_ERROR, "adopt: cannot start a thread");
		adopt_job_free(w, j);
		return NULL;
	}
	loop_add(&w->loop, j->bell.fd[0], POLLIN, on_wake, j);
	loop_add(&w->loop, bgjob_fd(j->job), POLLIN, on_done, j);
	wiz_status(w, MSG_INFO, "adopting %s over ssh to %s", pi, dest);
	return j;
}

bool adopt_job_running(const struct adopt_job *j)
{
	return j && j->job;
}

const char *adopt_job_pi(const struct adopt_job *j)
{
	return j ? j->pi : NULL;
}

int adopt_job_draw(const struct adopt_job *j, struct rect r, int y)
{
	struct adopt_job *m = (struct adopt_job *)j; /* the lock only */
	pthread_mutex_lock(&m->mu);
	for (int i = 0; i < ADOPT_NSTEPS && y < r.y + r.h - 1; i++) {
		const struct job_step *s = &j->s[i];
		char bar[21];
		int fill = s->state == JS_DONE || s->state == JS_SKIP ? 20
			   : s->total ? (int)(s->done * 20 / s->total) : 0;
		for (int k = 0; k < 20; k++)
			bar[k] = k < fill ? '#' : s->state == JS_RUN && !s->total && k == (int)(s->done >> 22) % 20 ? '>' : '.';
		bar[20] = '\0';
		draw_textf(y++, r.x + 1, r.w - 2,
			   s->state == JS_FAIL ? CP_ERROR : s->state == JS_DONE || s->state == JS_SKIP ? CP_OK
			   : s->state == JS_RUN ? CP_NORMAL : CP_DIM,
			   "%d %-15s [%s] %-8s %s", i + 1, adopt_step_names[i], bar, js_names[s->state], s->text);
	}
	pthread_mutex_unlock(&m->mu);
	return y;
}

void adopt_job_free(struct wiz *w, struct adopt_job *j)
{
	if (!j)
		return;
	if (j->job) {
		if (w) {
			loop_remove(&w->loop, bgjob_fd(j->job));
			loop_remove(&w->loop, j->bell.fd[0]);
			pthread_mutex_lock(&j->mu);
			bool asking = j->ask == ASK_SHOWN && (const void *)w->viewer == j->viewer;
			pthread_mutex_unlock(&j->mu);
			if (asking)
				overlay_close(w); /* its y would answer a job that is gone */
		}
		answer(j, false); /* a question nobody will see now is a no */
		bgjob_join(j->job);
	}
	doorbell_close(&j->bell);
	pthread_mutex_destroy(&j->mu);
	pthread_cond_destroy(&j->answered);
	free(j->pi);
	free(j->dest);
	free(j->site_path);
	free(j);
}
