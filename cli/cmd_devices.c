/* devices — the drive list with each drive's class (safe / system / mounted / read-only). */
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <time.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/site_arg.h"
#include "cli/cli_json.h"
#include "core/disk/drives.h"
#include "core/site/profile.h"
#include "core/base/util.h"

struct devices_opts {
	bool json, all, watch;
	int seconds;
};

#define TO(KIND, FIELD) CLIOPT_TO(KIND, struct devices_opts, FIELD)
static const struct cli_opt cmd_devices_opts[] = {
    CLI_OPT_JSON("one JSON object per drive, one per line", TO(SET, json)),
    {"all", 0, NULL, "also list system disks and loop devices (hidden by default)",
     TO(SET, all)},
    {"watch", 0, NULL,
     "keep running: print a line for every drive that appears (+), goes (-) or changes (*), from "
     "the udev monitor",
     TO(SET, watch)},
    {"seconds", 0, "N", "with --watch: stop after N seconds",
     CLIOPT_TO_INT(struct devices_opts, seconds, 1, INT_MAX,
		   "--seconds wants a positive number, got '%s'")},
    {0}};

const struct cli_cmd cmd_devices_spec = {
    .name = "devices",
    .summary = "list drives that can be flashed, and which are unsafe",
    .run = cmd_devices,
    .usage = "Usage: pinetboot devices [--json] [--all] [--watch [--seconds N]]\n"
        "Lists whole disks that an image could be written to: device, size, bus, model, and\n"
        "whether it is safe to flash or why not (system disk, mounted, read-only).\n",
    .opts = cmd_devices_opts,
    .after = "\n"
        "Examples:\n"
        "  pinetboot devices\n"
        "  pinetboot devices --json | jq 'select(.class==\"safe\")'\n"
        "\n"
        "Exit status: 0 listed (even when empty), 2 usage error or udev unavailable.\n",
    .operand = "none",
};

/* Absent udev properties print as "" (not null): scripts filter on them as strings. */
static void json_str(FILE *f, const char *s)
{
	cli_json_str(f, s ? s : "");
}

static void json_strv(FILE *f, char **v, size_t n)
{
	fputc('[', f);
	for (size_t i = 0; i < n; i++) {
		if (i)
			fputc(',', f);
		json_str(f, v[i]);
	}
	fputc(']', f);
}

/* One object per line; event ("add", "change") is set by --watch. */
static void print_json(const struct drive *d, const char *event)
{
	if (event)
		printf("{\"event\":\"%s\",\"device\":", event);
	else
		printf("{\"device\":");
	json_str(stdout, d->devnode);
	printf(",\"size\":%llu,\"bus\":\"%s\",\"vendor\":", (unsigned long long)d->size,
	       drive_bus_names[d->bus]);
	json_str(stdout, d->vendor);
	printf(",\"model\":");
	json_str(stdout, d->model);
	printf(",\"serial\":");
	json_str(stdout, d->serial);
	printf(",\"removable\":%s,\"readonly\":%s,\"mounted\":%s,\"system\":%s,\"class\":\"%s\"",
	       d->removable ? "true" : "false", d->readonly ? "true" : "false",
	       d->mounted ? "true" : "false", d->system ? "true" : "false",
	       drive_class_names[drive_classify(d, 0)]);
	char *why = drive_class_reason(d, 0);
	printf(",\"reason\":");
	json_str(stdout, why);
	free(why);
	printf(",\"partitions\":");
	json_strv(stdout, d->parts, d->n_parts);
	printf(",\"holders\":");
	json_strv(stdout, d->holders, d->n_holders);
	printf(",\"mounts\":");
	json_strv(stdout, d->mounts, d->n_mounts);
	if (d->backing) {
		printf(",\"backing_file\":");
		json_str(stdout, d->backing);
	}
	printf("}\n");
}

static void print_text(const struct drive *d)
{
	char size[24];
	size_format(d->size, size);
	char *why = drive_class_reason(d, 0);
	char desc[160];
	snprintf(desc, sizeof(desc), "%s%s%s", d->vendor, *d->vendor ? " " : "", *d->model ? d->model : "-");
	printf("%-14s %8s  %-6s %-30.30s %s\n", d->devnode, size, drive_bus_names[d->bus], desc, why);
	free(why);
}

static bool shown_drive(const struct drive *d, bool all)
{
	return all || (!d->system && d->bus != BUS_LOOP);
}

/* One line per difference between two scans: + added, - removed, * class or size changed. */
static void print_changes(const struct drive_list *old, const struct drive_list *now, bool all, bool json)
{
	for (size_t i = 0; i < now->n; i++) {
		const struct drive *d = &now->d[i], *o = drive_list_find(old, d->devnode);
		if (!shown_drive(d, all))
			continue;
		bool changed = o && (o->size != d->size || drive_classify(o, 0) != drive_classify(d, 0));
		if (o && !changed)
			continue;
		if (json) {
			print_json(d, o ? "change" : "add");
		} else {
			printf("%c ", o ? '*' : '+');
			print_text(d);
		}
	}
	for (size_t i = 0; i < old->n; i++)
		if (shown_drive(&old->d[i], all) && !drive_list_find(now, old->d[i].devnode)) {
			if (json)
				printf("{\"event\":\"remove\",\"device\":\"%s\"}\n", old->d[i].devnode);
			else
				printf("- %s\n", old->d[i].devnode);
		}
	fflush(stdout);
}

/* PNB_TEST_WATCH_GATE=FILE: the test suite's hold between the printed list and the first
 * look at events (waits until FILE exists, at most a minute), so that a drive can come at
 * exactly that moment and must still be reported. */
static void test_watch_gate(void)
{
	const char *gate = getenv("PNB_TEST_WATCH_GATE");
	for (int i = 0; gate && *gate && i < 3000 && access(gate, F_OK) != 0; i++)
		nanosleep(&(struct timespec){0, 20 * 1000000}, NULL);
}

/* m was listening before l was scanned (drive_watch_start): each event batch rescans and
 * prints only the differences from the list shown last, so a drive both in l and in an early
 * event is not reported again. */
static int watch(struct drive_monitor *m, struct drive_list *l, bool all, bool json, int seconds)
{
	char err[256];
	time_t end = seconds > 0 ? time(NULL) + seconds : 0;
	struct pollfd p = {drive_monitor_fd(m), POLLIN, 0};
	while (!end || time(NULL) < end) {
		if (poll(&p, 1, 250) <= 0)
			continue;
		struct drive_event ev;
		bool any = false;
		while (drive_monitor_next(m, &ev))
			any = true;
		struct drive_list now;
		if (!any || drives_scan(&now, err, sizeof(err)) < 0)
			continue;
		print_changes(l, &now, all, json);
		drive_list_done(l);
		*l = now;
	}
	drive_monitor_free(m);
	return EXIT_OK;
}

int cmd_devices(int argc, char **argv)
{
	struct devices_opts o = {0};
	int rc = cli_parse(&cmd_devices_spec, argc, argv, &o, NULL, false);
	if (rc != CLIOPT_DONE)
		return rc;
	bool json = o.json, all = o.all;
	struct drive_list l;
	struct drive_monitor *m = NULL;
	char err[256];
	if (o.watch ? !(m = drive_watch_start(&l, err, sizeof(err)))
		    : drives_scan(&l, err, sizeof(err)) < 0) {
		cli_error("devices", "%s", err);
		return EXIT_USAGE;
	}
	size_t shown = 0;
	if (!json)
		printf("%-14s %8s  %-6s %-30s %s\n", "DEVICE", "SIZE", "BUS", "MODEL", "STATUS");
	for (size_t i = 0; i < l.n; i++) {
		const struct drive *d = &l.d[i];
		if (!shown_drive(d, all))
			continue;
		json ? print_json(d, NULL) : print_text(d);
		shown++;
	}
	if (!json && shown == 0)
		printf("(no drives; insert an SD card or USB disk, or use --all)\n");
	fflush(stdout);
	if (m)
		test_watch_gate();
	rc = m ? watch(m, &l, all, json, o.seconds) : EXIT_OK;
	drive_list_done(&l);
	return rc;
}
