/* devices — the drive list with each drive's class (safe / system / mounted / read-only). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/drives.h"
#include "core/profile.h"
#include "core/util.h"

static void usage(void)
{
	puts("Usage: pinetboot devices [--json] [--all]\n"
	     "Lists whole disks that an image could be written to: device, size, bus, model, and\n"
	     "whether it is safe to flash or why not (system disk, mounted, read-only).\n\n"
	     "Options:\n"
	     "  --json   one JSON object per drive, one per line\n"
	     "  --all    also list system disks and loop devices (hidden by default)\n"
	     "  -h, --help\n\n"
	     "Examples:\n"
	     "  pinetboot devices\n"
	     "  pinetboot devices --json | jq 'select(.class==\"safe\")'\n\n"
	     "Exit status: 0 listed (even when empty), 2 usage error or udev unavailable.");
}

static void json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
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

static void print_json(const struct drive *d)
{
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

int cmd_devices(int argc, char **argv)
{
	static const struct option opts[] = {{"json", no_argument, NULL, 'j'},
					     {"all", no_argument, NULL, 'a'},
					     {"help", no_argument, NULL, 'h'},
					     {0}};
	bool json = false, all = false;
	int c;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'j': json = true; break;
		case 'a': all = true; break;
		case 'h': usage(); return EXIT_OK;
		default: return cli_usage_error("devices", "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return cli_usage_error("devices", "unexpected argument '%s'", argv[optind]);
	struct drive_list l;
	char err[256];
	if (drives_scan(&l, err, sizeof(err)) < 0) {
		cli_error("devices", "%s", err);
		return EXIT_USAGE;
	}
	size_t shown = 0;
	if (!json)
		printf("%-14s %8s  %-6s %-30s %s\n", "DEVICE", "SIZE", "BUS", "MODEL", "STATUS");
	for (size_t i = 0; i < l.n; i++) {
		const struct drive *d = &l.d[i];
		if (!all && (d->system || d->bus == BUS_LOOP))
			continue;
		json ? print_json(d) : print_text(d);
		shown++;
	}
	if (!json && shown == 0)
		printf("(no drives; insert an SD card or USB disk, or use --all)\n");
	drive_list_done(&l);
	return EXIT_OK;
}
