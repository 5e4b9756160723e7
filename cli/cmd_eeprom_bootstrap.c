/* eeprom bootstrap — the command line of core/bootstrap: the files of an SD card that switches
 * one Pi to network boot. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/cmd_eeprom.h"
#include "cli/site_arg.h"
#include "core/pi/bootstrap.h"
#include "core/pi/eeprom.h"
#include "core/site/profile.h"
#include "core/base/util.h"

#define CMD "eeprom bootstrap"

struct bs_opts {
	const char *model, *site, *pi, *eeprom, *out;
	long long timestamp;
};

static int set_timestamp(void *opts, const char *arg)
{
	if (eeprom_parse_timestamp(arg, &((struct bs_opts *)opts)->timestamp) < 0)
		return cli_usage_error(CMD, "--timestamp \"%s\" is not unix seconds", arg);
	return CLIOPT_DONE;
}

#define TO(KIND, FIELD) CLIOPT_TO(KIND, struct bs_opts, FIELD)
static const struct cli_opt bootstrap_opts[] = {
    {"model", 0, "M", "the Pi's model (4B, 5, 3B...; taken from the profile with --site)",
     TO(STR, model)},
    CLI_OPT_SITE(CLI_SITE_OPERAND ": the Pi's model and TFTP_PREFIX", TO(STR, site)),
    CLI_OPT_PI(CLI_PI_OF_SITE, TO(STR, pi)),
    {"eeprom", 0, "IMAGE",
     "the bootloader image to start from (default: the newest under "
     "/lib/firmware/raspberrypi/bootloader-2711|2712/ or $PINETBOOT_FIRMWARE_DIR)",
     TO(STR, eeprom)},
    {"timestamp", 0, "N",
     "the update timestamp (unix seconds; default $SOURCE_DATE_EPOCH, else now)",
     CLIOPT_TO_FN(set_timestamp)},
    {"out", 'o', "DIR", "where to write the card's files (required)", TO(STR, out)},
    {0}};

const struct cli_cmd eeprom_bootstrap_spec = {
    .name = "eeprom bootstrap",
    .run = eeprom_bootstrap_main,
    .usage = "Usage: pinetboot eeprom bootstrap --model M [--site SITE --pi NAME] [--eeprom IMAGE]\n"
        "                                  [--timestamp N] -o DIR\n"
        "Writes the files of an SD card that switches a Pi to network boot:\n"
        "Pi 4/400/CM4, 5/500/CM5: recovery.bin, pieeprom.upd, pieeprom.sig, README.txt;\n"
        "Pi 3B/2B/CM3/CM3+: config.txt with program_usb_boot_mode=1, README.txt.\n",
    .opts = bootstrap_opts,
    .after = "\nExample:\n  pinetboot eeprom bootstrap --model 4B --site site.conf --pi kitchen -o card/\n"
        "\nExit status: 0 written; 1 the Pi cannot network boot; 2 bad usage or input.\n",
    .operand = "file",
};

static int parse_opts(int argc, char **argv, struct bs_opts *o)
{
	int rc = cli_parse(&eeprom_bootstrap_spec, argc, argv, o, &o->site, false);
	if (rc != CLIOPT_DONE)
		return rc;
	if (!o->out)
		return cli_usage_error(CMD, "needs -o DIR");
	if (!o->model && !o->pi)
		return cli_usage_error(CMD, "needs --model M (%s) or --site SITE --pi NAME",
				       model_names_list());
	if (!!o->site != !!o->pi)
		return cli_usage_error(CMD, "--site and --pi go together");
	return CLIOPT_DONE;
}

static int run(const struct bs_opts *o, const struct pi *p)
{
	enum pi_model m = o->model ? model_from_name(o->model) : p->model;
	if (m == PI_MODEL_UNKNOWN)
		return cli_usage_error(CMD, "\"%s\" is not a model (%s)", o->model,
				       model_names_list());
	if (p && o->model && p->model != m)
		return cli_usage_error(CMD, "--model %s but the profile says Pi \"%s\" is a %s",
				       o->model, p->name, model_info(p->model)->name);
	struct bootstrap_opts bo = {m, p, o->eeprom, NULL, eeprom_sig_timestamp(o->timestamp), o->out};
	struct bootstrap_result res;
	struct problems ps;
	problems_init(&ps);
	enum bootstrap_status st = bootstrap_card(&bo, &res, &ps);
	for (size_t i = 0; i < res.n; i++)
		printf("wrote %s (%zu bytes)\n", res.files[i], res.sizes[i]);
	cli_problems(CMD, &ps);
	int rc = st == BOOTSTRAP_WRITTEN || st == BOOTSTRAP_NOT_NEEDED ? EXIT_OK
		 : st == BOOTSTRAP_IMPOSSIBLE			       ? EXIT_PROBLEMS
								       : EXIT_USAGE;
	if (res.message)
		(rc == EXIT_PROBLEMS ? fprintf(stderr, "pinetboot %s: %s\n", CMD, res.message)
				     : printf("%s\n", res.message));
	bootstrap_result_done(&res);
	problems_done(&ps);
	return rc;
}

int eeprom_bootstrap_main(int argc, char **argv)
{
	struct bs_opts o = {.timestamp = -1};
	int rc = parse_opts(argc, argv, &o);
	if (rc != CLIOPT_DONE)
		return rc;
	struct site site;
	const struct pi *p = NULL;
	if (o.site && !(p = cli_profile_pi(CMD, o.site, o.pi, &site)))
		return EXIT_USAGE;
	rc = run(&o, p);
	if (o.site)
		site_done(&site);
	return rc;
}
