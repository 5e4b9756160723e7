/* simulate — boot a virtual Pi of the profile's model against the real server; or a fleet of
 * them at once (--all, a repeated or glob --pi), one thread and network namespace each. */
#include <fnmatch.h>
#include <signal.h>
#include <net/if.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>

#include "cli/cli.h"
#include "cli/cli_json.h"
#include "cli/site_arg.h"
#include "core/base/sigflag.h"
#include "core/base/util.h"
#include "core/lab/vpi.h"

struct args {
	const char *site, *iface;
	struct cliopt_list pis; /* --pi values, names or globs */
	struct vpi_opts o;
	bool json, verbose, all;
};

/* --tftp-prefix: the profile's spellings (serial, mac, none, string:NAME). */
static int tftp_prefix(void *opts, const char *val)
{
	struct vpi_opts *o = &((struct args *)opts)->o;
	o->prefix_set = true;
	if (!strcmp(val, "serial")) {
		o->prefix = TFTP_PREFIX_SERIAL;
	} else if (!strcmp(val, "mac")) {
		o->prefix = TFTP_PREFIX_MAC;
	} else if (!strcmp(val, "none")) {
		o->prefix = TFTP_PREFIX_NONE;
	} else if (!strncmp(val, "string:", 7) && val[7] && val[7] != '/') {
		o->prefix = TFTP_PREFIX_STRING;
		o->prefix_str = val + 7;
	} else {
		return cli_usage_error("simulate", "--tftp-prefix %s: expected serial, mac, "
						   "none or string:NAME",
				       val);
	}
	return CLIOPT_DONE;
}

#define TO(KIND, FIELD) CLIOPT_TO(KIND, struct args, FIELD)
#define SECONDS(FIELD, NAME)                                                                       \
	CLIOPT_TO_INT(struct args, FIELD, 1, 3600, NAME " %s: expected seconds, 1 to 3600")
static const struct cli_opt cmd_simulate_opts[] = {
    CLI_OPT_SITE("site profile (or give it as the operand)", TO(STR, site)),
    CLI_OPT_PI("the Pi to be; repeat it, or give a glob (*, ?, [..]), for a fleet",
	       CLIOPT_TO_LIST(struct args, pis, 0, NULL)),
    {"all", 'a', NULL, "every Pi of the profile at once", TO(SET, all)},
    {"interface", 'i', "IFACE", "the interface the Pis are on", TO(STR, iface)},
    {"timeout", 0, "S", "give up after S seconds (default 90)", SECONDS(o.timeout, "--timeout")},
    {"attach", 0, "auto|macvlan|local", /* in enum vpi_attach's order */
     "how the virtual Pi is attached to IFACE (see above; default auto)",
     CLIOPT_TO_CHOICE(struct args, o.attach, "--attach %s: expected auto, macvlan or local")},
    {"dhcp-timeout", 0, "S",
     "how long the ROM keeps DISCOVERing (default: the model's rule, 25 s for a Pi 3, 45 s for a "
     "Pi 4/5)",
     SECONDS(o.dhcp_timeout, "--dhcp-timeout")},
    {"tftp-prefix", 0, "serial|mac|none|string:NAME",
     "the Pi's EEPROM TFTP_PREFIX when it is not the profile's tftp_prefix (Pi 4/5): what happens "
     "to a Pi whose EEPROM was never set",
     CLIOPT_TO_FN(tftp_prefix)},
    {"verbose", 'v', NULL, "print every exchange (DHCP, TFTP, iSCSI) with its time",
     TO(SET, verbose)},
    CLI_OPT_JSON(CLI_JSON_OBJECT, TO(SET, json)),
    {0}};
#undef SECONDS

const struct cli_cmd cmd_simulate_spec = {
    .name = "simulate",
    .summary = "boot a virtual Pi of a profile's Pi against the real server",
    .run = cmd_simulate,
    .usage = "Usage: pinetboot simulate [--site] SITE --pi NAME -i IFACE [OPTIONS]\n"
        "       pinetboot simulate [--site] SITE (--all | --pi PATTERN...) -i IFACE [OPTIONS]\n"
        "Boots a virtual Pi of that Pi's model (its MAC, serial and TFTP prefix from the profile)\n"
        "on IFACE against the real boot server, the way the model's boot ROM / EEPROM bootloader,\n"
        "firmware and initramfs do: the PXE DHCP DISCOVER with the model's options; its rules for\n"
        "accepting an offer (Pi 3B: the menu text needs three trailing spaces; an address offer\n"
        "and a boot offer less than 0.75 s apart trip the Pi 3 ROM's firmware bug; the Pi 3 ROM\n"
        "never REQUESTs); the TFTP requests in the model's order with its prefix rule; config.txt\n"
        "and cmdline.txt; then the kernel's DHCP (or a static ip=), the iSCSI login with\n"
        "cmdline.txt's parameters and the root filesystem on the LUN, or the NFS MOUNT (portmap,\n"
        "MOUNT v3, NFS v3 GETATTR of the root, READs of its /etc/fstab).\n"
        "The virtual Pi runs in a network namespace of its own with an eth0 carrying the Pi's MAC:\n"
        "the host's addresses and routes are not touched. Needs root. How it is attached to IFACE:\n"
        "  macvlan  a macvlan of IFACE: the Pi is one more station on that wire. A macvlan cannot\n"
        "           talk to IFACE's own host, so this is for testing a server elsewhere.\n"
        "  local    for the boot server itself (IFACE holds an address of this host): a veth pair\n"
        "           spliced onto IFACE with tc (clsact, u32, mirred; needs ip and tc): frames from\n"
        "           the Pi go into this host's stack and out on the wire, frames to the Pi's MAC\n"
        "           and broadcasts come back, so the local dnsmasq/tgtd, the site's router and a\n"
        "           capture on IFACE (pinetboot monitor -i IFACE) see it as if it were plugged in.\n"
        "           An existing clsact qdisc and its filters are left as they are; the filters\n"
        "           (preferences 0x7100-0x71ff) and the veth are removed when simulate ends, also\n"
        "           on Ctrl-C or SIGTERM.\n"
        "  auto     (default) local when IFACE holds an IPv4 address here, macvlan otherwise.\n"
        "\n"
        "A fleet: --all, several --pi, or a --pi glob (quote it: --pi 'rack1-*') boots all those\n"
        "Pis at the same moment, as a power cut coming back does, each in a thread and namespace\n"
        "of its own. It prints one line per Pi as it finishes (the stage it reached, its time, and\n"
        "for a Pi that stopped the cause and the fix) and a summary line with the wall time;\n"
        "--json gives one object with every Pi's full report and the summary.\n",
    .opts = cmd_simulate_opts,
    .after = "\n"
        "Examples:\n"
        "  pinetboot simulate --site site.conf --pi kitchen -i eth0\n"
        "      on the boot server: a virtual kitchen boots from this host's own daemons\n"
        "  pinetboot simulate --site site.conf --all -i eth0\n"
        "  pinetboot simulate --site site.conf --pi 'rack1-*' --pi kitchen -i eth0 --json\n"
        "  pinetboot simulate --site site.conf --pi kitchen -i eth0 --tftp-prefix serial\n"
        "\n"
        "Exit status: 0 the Pi (every Pi of a fleet) reached stage 8 \"root in use\" (it read its\n"
        "root filesystem's superblock), 1 a Pi stopped earlier (the output names the stage and the\n"
        "cause), 2 bad input (no such Pi or interface, a Pi without mac or serial).\n",
    .operand = "file",
};

static const char *const state_names[] = {"-", "running", "ok", "FAILED"};

static void print_text(const struct vpi *v, bool verbose)
{
	char mac[18];
	mac_format(v->mac, ':', mac);
	printf("simulate: %s (%s, %s, serial %s) on %s (%s)\n", v->name, v->mi->long_name, mac,
	       v->serial, v->lower, v->local ? "local attachment" : "macvlan");
	if (verbose) {
		for (size_t i = 0; i < v->n_log; i++)
			printf("  %s\n", v->log[i]);
		for (size_t i = 0; v->ic && i < v->ic->n_lines; i++)
			printf("  iscsi %-8s %-11s %s\n", icheck_level_names[v->ic->lines[i].level],
			       icheck_step_names[v->ic->lines[i].step], v->ic->lines[i].text);
	}
	for (int s = 1; s < STAGE_COUNT; s++)
		printf("  %d %-18s %-7s %s\n", s, boot_stage_names[s], state_names[v->st[s].state],
		       v->st[s].detail ? v->st[s].detail : "");
	if (v->reached == STAGE_ROOT_IN_USE) {
		printf("Result: reached stage 8 \"root in use\".\n");
		return;
	}
	printf("Result: stopped at stage %d \"%s\": %s [%s]\n", v->failed,
	       boot_stage_names[v->failed], v->cause ? v->cause : "no cause recorded",
	       v->rule ? v->rule : "?");
	if (v->fix)
		printf("Fix: %s\n", v->fix);
}

/* One Pi's report as a JSON object (no newline). */
static void json_pi(FILE *f, const struct vpi *v)
{
	char mac[18];
	mac_format(v->mac, ':', mac);
	fputc('{', f);
	cli_json_kvs(f, "pi", v->name, "model", v->mi->name, "mac", mac, NULL);
	fprintf(f, ",\"reached\":%d,\"failed\":%d,", v->reached, v->failed);
	cli_json_kvs(f, "failed_stage", v->failed ? boot_stage_names[v->failed] : NULL, "rule",
		     v->rule, "cause", v->cause, "fix", v->fix, "tftp_prefix", v->prefix_used, NULL);
	fputs(",\"stages\":[", f);
	for (int s = 1; s < STAGE_COUNT; s++) {
		fprintf(f, "%s{\"stage\":%d,", s > 1 ? "," : "", s);
		cli_json_kvs(f, "name", boot_stage_names[s], "state", state_names[v->st[s].state],
			     "detail", v->st[s].detail, NULL);
		fputc('}', f);
	}
	fputs("],\"root_check\":", f);
	cli_json_icheck_lines(f, v->ic);
	fputs(",\"log\":[", f);
	for (size_t i = 0; i < v->n_log; i++) {
		if (i)
			fputc(',', f);
		cli_json_str(f, v->log[i]);
	}
	fputs("]}", f);
}

static int parse_args(int argc, char **argv, struct args *a)
{
	int rc = cli_parse(&cmd_simulate_spec, argc, argv, a, &a->site, false);
	if (rc != CLIOPT_DONE)
		return rc;
	if (a->all && a->pis.n)
		return cli_usage_error("simulate", "--all and --pi exclude each other");
	if (!a->site || !(a->pis.n || a->all) || !a->iface)
		return cli_usage_error("simulate", "SITE (or --site SITE), --pi NAME (or --all) and -i IFACE "
						   "are all needed");
	return CLIOPT_DONE;
}

static volatile sig_atomic_t cancel_flag;

static bool is_glob(const char *pat)
{
	return strpbrk(pat, "*?[") != NULL;
}

/* ---- a fleet: every selected Pi at once, a thread (and so a network namespace) each ---- */

struct fleet;

struct fleet_pi {
	const struct pi *p;
	struct fleet *fl;
	struct vpi *v;
	char *err;       /* the Pi could not be started (namespace, macvlan) */
	double secs;     /* from the start of the storm to this Pi's end */
};

struct fleet {
	const struct site *s;
	const struct args *a;
	struct fleet_pi *pis;
	size_t n;
	int name_w;
	struct timeval t0;
	pthread_mutex_t out; /* one Pi's lines at a time */
};

static double since(const struct timeval *t0)
{
	struct timeval t;
	gettimeofday(&t, NULL);
	return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_usec - t0->tv_usec) / 1e6;
}

/* The Pi's line (and for a stopped Pi the cause and the fix), as it finishes. */
static void fleet_line(const struct fleet *fl, const struct fleet_pi *j)
{
	char mac[18];
	mac_format(j->p->mac, ':', mac);
	int w = fl->name_w;
	if (j->err) {
		printf("  %-*s %-3s %s  error: %s\n", w, j->p->name, model_info(j->p->model)->name, mac,
		       j->err);
		return;
	}
	const struct vpi *v = j->v;
	if (v->reached == STAGE_ROOT_IN_USE) {
		printf("  %-*s %-3s %s  reached 8 \"root in use\"  %.2f s\n", w, v->name, v->mi->name,
		       mac, j->secs);
		return;
	}
	printf("  %-*s %-3s %s  stopped at %d \"%s\"  %.2f s: %s\n", w, v->name, v->mi->name, mac,
	       v->failed, boot_stage_names[v->failed], j->secs, v->cause ? v->cause : "no cause");
	if (v->fix)
		printf("  %-*s fix: %s\n", w, "", v->fix);
}

static void *fleet_run_one(void *arg)
{
	struct fleet_pi *j = arg;
	struct fleet *fl = j->fl;
	j->v = vpi_new(fl->s, j->p, fl->a->iface, &fl->a->o, &j->err);
	if (j->v && vpi_net_up(j->v, &j->err) == 0)
		vpi_run(j->v);
	j->secs = since(&fl->t0);
	if (!fl->a->json) {
		pthread_mutex_lock(&fl->out);
		fleet_line(fl, j);
		if (fl->a->verbose && j->v && !j->err)
			print_text(j->v, true);
		fflush(stdout);
		pthread_mutex_unlock(&fl->out);
	}
	return NULL;
}

/* Picks the Pis of --all / --pi NAME|GLOB (each once, in profile order) into fl->pis. Returns 0,
 * or EXIT_USAGE after saying which pattern matched nothing or which Pi cannot be simulated. */
static int fleet_select(struct fleet *fl)
{
	const struct site *s = fl->s;
	const struct args *a = fl->a;
	bool *take = xcalloc(s->n_pis ? s->n_pis : 1, sizeof(bool));
	int rc = 0;
	for (size_t k = 0; k < a->pis.n && rc == 0; k++) {
		bool any = false;
		for (size_t i = 0; i < s->n_pis; i++)
			if (!fnmatch(a->pis.v[k], s->pis[i].name, 0))
				any = take[i] = true;
		if (!any) {
			cli_error("simulate", "no Pi of %s is called \"%s\"", a->site, a->pis.v[k]);
			rc = EXIT_USAGE;
		}
	}
	fl->pis = xcalloc(s->n_pis ? s->n_pis : 1, sizeof(*fl->pis));
	for (size_t i = 0; i < s->n_pis && rc == 0; i++) {
		const struct pi *p = &s->pis[i];
		if (!a->all && !take[i])
			continue;
		if (!p->has_mac || !p->has_serial) {
			cli_error("simulate", "Pi \"%s\" needs mac and serial in the profile to be "
					      "simulated", p->name);
			rc = EXIT_USAGE;
		}
		fl->pis[fl->n++] = (struct fleet_pi){.p = p, .fl = fl};
		int w = (int)strlen(p->name);
		if (w > fl->name_w)
			fl->name_w = w;
	}
	if (rc == 0 && fl->n == 0) {
		cli_error("simulate", "%s has no Pis", a->site);
		rc = EXIT_USAGE;
	}
	free(take);
	return rc;
}

static void fleet_json(const struct fleet *fl, size_t ok, double wall)
{
	FILE *f = stdout;
	fputs("{\"pis\":[", f);
	for (size_t i = 0; i < fl->n; i++) {
		const struct fleet_pi *j = &fl->pis[i];
		if (i)
			fputc(',', f);
		if (j->err) {
			fputc('{', f);
			cli_json_kv(f, "pi", j->p->name);
			fputc(',', f);
			cli_json_kv(f, "error", j->err);
			fputc('}', f);
		} else {
			json_pi(f, j->v);
		}
	}
	fprintf(f, "],\"summary\":{\"pis\":%zu,\"reached_root\":%zu,\"failed\":%zu,"
		   "\"wall_s\":%.3f}}\n", fl->n, ok, fl->n - ok, wall);
}

/* Boots the selected Pis at once. Exit 0 when every one reached stage 8, 1 otherwise. */
static int fleet_run(const struct site *s, const struct args *a)
{
	struct fleet fl = {.s = s, .a = a};
	int rc = fleet_select(&fl);
	if (rc == 0 && if_nametoindex(a->iface) == 0) {
		cli_error("simulate", "no interface called \"%s\" here", a->iface);
		rc = EXIT_USAGE;
	}
	if (rc) {
		free(fl.pis);
		return rc;
	}
	/* each Pi holds a few sockets at once (packet, TFTP, iSCSI): past ~250 Pis the usual soft
	 * limit of 1024 descriptors would fail the last ones */
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	pthread_mutex_init(&fl.out, NULL);
	pthread_t *th = xcalloc(fl.n, sizeof(*th));
	if (!a->json)
		printf("simulate: %zu Pis of %s on %s, all at once\n", fl.n, a->site, a->iface);
	fflush(stdout);
	gettimeofday(&fl.t0, NULL);
	for (size_t i = 0; i < fl.n; i++)
		if (pthread_create(&th[i], NULL, fleet_run_one, &fl.pis[i]) != 0) {
			fl.pis[i].err = xstrdup("cannot start a thread for it");
			th[i] = 0;
		}
	size_t ok = 0;
	for (size_t i = 0; i < fl.n; i++) {
		if (th[i])
			pthread_join(th[i], NULL);
		ok += !fl.pis[i].err && fl.pis[i].v->reached == STAGE_ROOT_IN_USE;
	}
	double wall = since(&fl.t0);
	if (a->json)
		fleet_json(&fl, ok, wall);
	else
		printf("%zu Pis: %zu reached root in use, %zu failed, wall %.2f s\n", fl.n, ok,
		       fl.n - ok, wall);
	for (size_t i = 0; i < fl.n; i++) {
		vpi_free(fl.pis[i].v);
		free(fl.pis[i].err);
	}
	pthread_mutex_destroy(&fl.out);
	free(th);
	free(fl.pis);
	return ok == fl.n ? EXIT_OK : EXIT_PROBLEMS;
}

/* One named Pi: the full stage report. */
static int single_run(const struct site *s, const struct pi *p, const struct args *a)
{
	char *err = NULL;
	int rc;
	struct vpi *v = vpi_new(s, p, a->iface, &a->o, &err);
	if (!v || vpi_net_up(v, &err) < 0) {
		cli_error("simulate", "%s", err);
		rc = EXIT_USAGE;
	} else {
		rc = vpi_run(v) == 0 ? EXIT_OK : EXIT_PROBLEMS;
		if (a->json) {
			json_pi(stdout, v);
			putchar('\n');
		} else {
			print_text(v, a->verbose);
		}
	}
	free(err);
	vpi_free(v);
	return rc;
}

int cmd_simulate(int argc, char **argv)
{
	struct args a = {0};
	int rc = parse_args(argc, argv, &a);
	if (rc != CLIOPT_DONE) {
		free(a.pis.v);
		return rc;
	}
	struct site s;
	a.o.cancel = &cancel_flag;
	/* Ctrl-C / SIGTERM stop the boot at its next wait, so the local attachment is undone. */
	static const int stop[] = {SIGINT, SIGTERM};
	sigflag_catch(&cancel_flag, stop, PNB_ARRAY_LEN(stop));
	if (!a.all && a.pis.n == 1 && !is_glob(a.pis.v[0])) {
		const struct pi *p = cli_load_site_pi("simulate", a.site, a.pis.v[0], &s);
		if (!p)
			rc = EXIT_USAGE;
		else {
			rc = single_run(&s, p, &a);
			site_done(&s);
		}
	} else if (cli_site_read("simulate", a.site, &s) < 0) {
		rc = EXIT_USAGE;
	} else {
		rc = fleet_run(&s, &a);
		site_done(&s);
	}
	free(a.pis.v);
	return rc;
}
