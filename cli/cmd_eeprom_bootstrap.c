/* eeprom bootstrap — the command line of core/bootstrap: the files of an SD card that switches
 * one Pi to network boot. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/cmd_eeprom.h"
#include "core/pi/bootstrap.h"
#include "core/site/profile.h"
#include "core/base/util.h"

#define CMD "eeprom bootstrap"

struct bs_opts {
	const char *model, *site, *pi, *eeprom, *out;
	long long timestamp;
};

static int parse_opts(int argc, char **argv, struct bs_opts *o)
{
	static const struct option opts[] = {{"model", required_argument, NULL, 'm'},
					     {"site", required_argument, NULL, 's'},
					     {"pi", required_argument, NULL, 'p'},
					     {"eeprom", required_argument, NULL, 'e'},
					     {"timestamp", required_argument, NULL, 't'},
					     {"out", required_argument, NULL, 'o'},
					     {"help", no_argument, NULL, 'h'},
					     {NULL, 0, NULL, 0}};
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
		switch (c) {
		case 'm': o->model = optarg; break;
		case 's': o->site = optarg; break;
		case 'p': o->pi = optarg; break;
		case 'e': o->eeprom = optarg; break;
		case 'o': o->out = optarg; break;
		case 't':
			if (eeprom_cli_parse_ts(optarg, &o->timestamp) < 0)
				return cli_usage_error(CMD, "--timestamp \"%s\" is not unix seconds",
						       optarg);
			break;
		case 'h': fputs(eeprom_usage_text, stdout); return -1;
		default: return cli_usage_error(CMD, "unknown option");
		}
	}
	if (optind != argc)
		return cli_usage_error(CMD, "unexpected argument \"%s\"", argv[optind]);
	if (!o->out)
		return cli_usage_error(CMD, "needs -o DIR");
	if (!o->model && !o->pi)
		return cli_usage_error(CMD, "needs --model M (%s) or --site SITE --pi NAME",
				       model_names_list());
	if (!!o->site != !!o->pi)
		return cli_usage_error(CMD, "--site and --pi go together");
	return 0;
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
	struct bootstrap_opts bo = {m, p, o->eeprom, NULL, eeprom_cli_sig_ts(o->timestamp), o->out};
	struct bootstrap_result res;
	struct problems ps;
	problems_init(&ps);
	enum bootstrap_status st = bootstrap_card(&bo, &res, &ps);
	for (size_t i = 0; i < res.n; i++)
		printf("wrote %s (%zu bytes)\n", res.files[i], res.sizes[i]);
	problems_print(&ps, stderr);
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
	if (rc)
		return rc < 0 ? EXIT_OK : rc;
	struct site site;
	struct problems ps;
	problems_init(&ps);
	const struct pi *p = NULL;
	if (o.site) {
		if (profile_load(o.site, &site, &ps) < 0) {
			problems_print(&ps, stderr);
			site_done(&site);
			problems_done(&ps);
			return EXIT_USAGE;
		}
		if (!(p = site_find_pi(&site, o.pi))) {
			cli_error(CMD, "%s has no [pi \"%s\"]", o.site, o.pi);
			site_done(&site);
			problems_done(&ps);
			return EXIT_USAGE;
		}
	}
	rc = run(&o, p);
	if (o.site)
		site_done(&site);
	problems_done(&ps);
	return rc;
}
