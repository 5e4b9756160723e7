/* simulate — boot a virtual Pi of the profile's model against the real server. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/jsonw.h"
#include "cli/site_arg.h"
#include "core/util.h"
#include "core/vpi.h"

static const char usage_text[] =
	"Usage: pinetboot simulate --site SITE --pi NAME -i IFACE [OPTIONS]\n"
	"Boots a virtual Pi of that Pi's model (its MAC, serial and TFTP prefix from the profile)\n"
	"on IFACE against the real boot server, the way the model's boot ROM / EEPROM bootloader,\n"
	"firmware and initramfs do: the PXE DHCP DISCOVER with the model's options; its rules for\n"
	"accepting an offer (Pi 3B: the menu text needs three trailing spaces; an address offer\n"
	"and a boot offer less than 0.75 s apart trip the Pi 3 ROM's firmware bug; the Pi 3 ROM\n"
	"never REQUESTs); the TFTP requests in the model's order with its prefix rule; config.txt\n"
	"and cmdline.txt; then the kernel's DHCP (or a static ip=), the iSCSI login with\n"
	"cmdline.txt's parameters and the root filesystem on the LUN, or the NFS MOUNT (portmap,\n"
	"MOUNT v3, NFS v3 GETATTR of the root, READs of its /etc/fstab).\n"
	"The virtual Pi runs in a network namespace of its own with a macvlan on IFACE carrying the\n"
	"Pi's MAC: the host's addresses and routes are not touched. Needs root.\n"
	"\n"
	"Options:\n"
	"  --site SITE      site profile\n"
	"  --pi NAME        the Pi to be\n"
	"  -i, --interface IFACE  the interface the Pis are on\n"
	"  --timeout S      give up after S seconds (default 90)\n"
	"  --dhcp-timeout S how long the ROM keeps DISCOVERing (default: the model's rule,\n"
	"                   25 s for a Pi 3, 45 s for a Pi 4/5)\n"
	"  -v, --verbose    print every exchange (DHCP, TFTP, iSCSI) with its time\n"
	"  --json           one JSON object instead of text\n"
	"  -h, --help       this help\n"
	"\n"
	"Example:\n"
	"  pinetboot simulate --site site.conf --pi kitchen -i eth0\n"
	"\n"
	"Exit status: 0 the Pi reached stage 8 \"root in use\" (it read its root filesystem's\n"
	"superblock), 1 it stopped earlier (the output names the stage and the cause), 2 bad input.\n";

enum { O_SITE = 256, O_PI, O_TIMEOUT, O_DHCP_TIMEOUT, O_JSON };

static const struct option longopts[] = {
	{"site", required_argument, NULL, O_SITE},
	{"pi", required_argument, NULL, O_PI},
	{"interface", required_argument, NULL, 'i'},
	{"timeout", required_argument, NULL, O_TIMEOUT},
	{"dhcp-timeout", required_argument, NULL, O_DHCP_TIMEOUT},
	{"verbose", no_argument, NULL, 'v'},
	{"json", no_argument, NULL, O_JSON},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0},
};

static const char *const state_names[] = {"-", "running", "ok", "FAILED"};

static void print_text(const struct vpi *v, bool verbose)
{
	char mac[18];
	mac_format(v->mac, ':', mac);
	printf("simulate: %s (%s, %s, serial %s) on %s\n", v->name, v->mi->long_name, mac,
	       v->serial, v->lower);
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
	printf("Result: stopped at stage %d \"%s\": %s\n", v->failed, boot_stage_names[v->failed],
	       v->cause ? v->cause : "no cause recorded");
	if (v->fix)
		printf("Fix: %s\n", v->fix);
}

static void print_json(const struct vpi *v)
{
	FILE *f = stdout;
	char mac[18];
	mac_format(v->mac, ':', mac);
	fputc('{', f);
	jsonw_kv(f, "pi", v->name);
	fputc(',', f);
	jsonw_kv(f, "model", v->mi->name);
	fputc(',', f);
	jsonw_kv(f, "mac", mac);
	fprintf(f, ",\"reached\":%d,\"failed\":%d,", v->reached, v->failed);
	jsonw_kv(f, "failed_stage", v->failed ? boot_stage_names[v->failed] : NULL);
	fputc(',', f);
	jsonw_kv(f, "rule", v->rule);
	fputc(',', f);
	jsonw_kv(f, "cause", v->cause);
	fputc(',', f);
	jsonw_kv(f, "fix", v->fix);
	fputc(',', f);
	jsonw_kv(f, "tftp_prefix", v->prefix_used);
	fputs(",\"stages\":[", f);
	for (int s = 1; s < STAGE_COUNT; s++) {
		fprintf(f, "%s{\"stage\":%d,", s > 1 ? "," : "", s);
		jsonw_kv(f, "name", boot_stage_names[s]);
		fputc(',', f);
		jsonw_kv(f, "state", state_names[v->st[s].state]);
		fputc(',', f);
		jsonw_kv(f, "detail", v->st[s].detail);
		fputc('}', f);
	}
	fputs("],\"root_check\":", f);
	jsonw_icheck_lines(f, v->ic);
	fputs(",\"log\":[", f);
	for (size_t i = 0; i < v->n_log; i++) {
		if (i)
			fputc(',', f);
		jsonw_str(f, v->log[i]);
	}
	fputs("]}\n", f);
}

struct args {
	const char *site, *pi, *iface;
	struct vpi_opts o;
	bool json, verbose;
};

static int seconds(const char *opt, const char *val, int *out)
{
	char *end;
	long n = strtol(val, &end, 10);
	if (*end || n <= 0 || n > 3600)
		return cli_usage_error("simulate", "%s %s: expected seconds, 1 to 3600", opt, val);
	*out = (int)n;
	return 0;
}

static int parse_args(int argc, char **argv, struct args *a)
{
	int ch;
	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "hi:v", longopts, NULL)) != -1) {
		int rc = 0;
		switch (ch) {
		case O_SITE: a->site = optarg; break;
		case O_PI: a->pi = optarg; break;
		case 'i': a->iface = optarg; break;
		case O_TIMEOUT: rc = seconds("--timeout", optarg, &a->o.timeout); break;
		case O_DHCP_TIMEOUT: rc = seconds("--dhcp-timeout", optarg, &a->o.dhcp_timeout); break;
		case 'v': a->verbose = true; break;
		case O_JSON: a->json = true; break;
		case 'h': fputs(usage_text, stdout); return -1;
		default:
			return cli_usage_error("simulate", "unknown option '%s'", argv[optind - 1]);
		}
		if (rc)
			return rc;
	}
	if (optind < argc)
		return cli_usage_error("simulate", "unexpected argument '%s'", argv[optind]);
	if (!a->site || !a->pi || !a->iface)
		return cli_usage_error("simulate", "--site SITE, --pi NAME and -i IFACE are all "
						   "needed");
	return 0;
}

int cmd_simulate(int argc, char **argv)
{
	struct args a = {0};
	int rc = parse_args(argc, argv, &a);
	if (rc != 0)
		return rc < 0 ? EXIT_OK : rc;
	struct site s;
	const struct pi *p = cli_load_site_pi("simulate", a.site, a.pi, &s);
	if (!p)
		return EXIT_USAGE;
	char *err = NULL;
	struct vpi *v = vpi_new(&s, p, a.iface, &a.o, &err);
	if (!v || vpi_net_up(v, &err) < 0) {
		cli_error("simulate", "%s", err);
		rc = EXIT_USAGE;
	} else {
		rc = vpi_run(v) == 0 ? EXIT_OK : EXIT_PROBLEMS;
		if (a.json)
			print_json(v);
		else
			print_text(v, a.verbose);
	}
	free(err);
	vpi_free(v);
	site_done(&s);
	return rc;
}
