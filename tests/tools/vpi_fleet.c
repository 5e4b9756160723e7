/* vpi_fleet — boots several virtual Pis of a site at once, one thread (and so one network
 * namespace) each, and prints one line per Pi plus the wall time. The seed of the lab's fleet
 * storm. Usage: vpi_fleet SITE IFACE [PI...]   (all Pis of the site when none is named)
 * Exit 0 when every Pi reached stage 8, 1 otherwise, 2 on bad input. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#include "core/profile.h"
#include "core/vpi.h"

struct job {
	const struct site *s;
	const struct pi *p;
	const char *iface;
	struct vpi *v;
	char *err;
	int rc;
};

static void *run(void *arg)
{
	struct job *j = arg;
	struct vpi_opts o = {.timeout = 60, .dhcp_timeout = 20};
	j->v = vpi_new(j->s, j->p, j->iface, &o, &j->err);
	if (!j->v || vpi_net_up(j->v, &j->err) < 0) {
		j->rc = 2;
		return NULL;
	}
	j->rc = vpi_run(j->v);
	return NULL;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fputs("usage: vpi_fleet SITE IFACE [PI...]\n", stderr);
		return 2;
	}
	struct site s;
	struct problems ps;
	problems_init(&ps);
	if (profile_load(argv[1], &s, &ps) < 0) {
		problems_print(&ps, stderr);
		return 2;
	}
	problems_done(&ps);
	size_t n = argc > 3 ? (size_t)(argc - 3) : s.n_pis;
	struct job *jobs = calloc(n, sizeof(*jobs));
	pthread_t *th = calloc(n, sizeof(*th));
	for (size_t i = 0; i < n; i++) {
		jobs[i].s = &s;
		jobs[i].p = argc > 3 ? site_find_pi(&s, argv[3 + i]) : &s.pis[i];
		jobs[i].iface = argv[2];
		if (!jobs[i].p) {
			fprintf(stderr, "vpi_fleet: no Pi \"%s\"\n", argv[3 + i]);
			return 2;
		}
	}
	struct timeval t0, t1;
	gettimeofday(&t0, NULL);
	for (size_t i = 0; i < n; i++)
		pthread_create(&th[i], NULL, run, &jobs[i]);
	int bad = 0;
	for (size_t i = 0; i < n; i++) {
		pthread_join(th[i], NULL);
		struct job *j = &jobs[i];
		if (j->rc == 2) {
			printf("%s: error: %s\n", j->p->name, j->err ? j->err : "?");
			bad++;
		} else {
			printf("%s: reached %d%s%s\n", j->p->name, j->v->reached,
			       j->v->failed ? ", stopped: " : "", j->v->failed ? j->v->cause : "");
			bad += j->rc != 0;
		}
		vpi_free(j->v);
		free(j->err);
	}
	gettimeofday(&t1, NULL);
	printf("%zu Pis, %d failed, %.2f s\n", n, bad,
	       (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_usec - t0.tv_usec) / 1e6);
	free(jobs);
	free(th);
	site_done(&s);
	return bad ? 1 : 0;
}
