/* cmd_profile — `pinetboot profile SUBCOMMAND`: tools for the site profile. import-csv turns
 * a fleet inventory into [pi] sections on stdout. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/site/profile.h"
#include "core/site/profile_csv.h"

struct import_opts {
	const char *site;
};

static const struct cli_opt import_opts[] = {
    CLI_OPT_SITE(
     "check the rows against this profile too (duplicate names, MACs, serials, IQNs, backing "
     "files; addresses against its subnet)",
     CLIOPT_TO(STR, struct import_opts, site)),
    {0}};

static int import_csv(int argc, char **argv);
static int list_keys(int argc, char **argv);

static const struct cli_cmd import_spec = {
    .name = "profile import-csv",
    .run = import_csv,
    .usage = "Usage: pinetboot profile import-csv INVENTORY.csv [--site SITE]\n"
        "Turns a fleet inventory into [pi \"NAME\"] sections printed on stdout, so that\n"
        "  pinetboot profile import-csv inventory.csv --site site.conf >> site.conf\n"
        "adds them to a profile. The first row names the columns: name (required) and any\n"
        "[pi] key: model, serial, mac, tftp_prefix, image, backing, size, chap, ip, initiator,\n"
        "target, root_uuid, nfs_path, hostname. Empty fields take the default. Fields holding\n"
        "commas or quotes are written in double quotes, with \"\" for a quote. Headers ignore\n"
        "case and take ' ' or '-' for '_' (\"MAC Address\", \"Serial Number\" work); a UTF-8\n"
        "byte order mark and ';' separators (spreadsheet exports) are accepted.\n"
        "Every row is validated with the profile's own checks; problems read\n"
        "INVENTORY.csv:LINE: column KEY: what is wrong (what is accepted). When any row is\n"
        "invalid nothing is printed on stdout. (The operand is the inventory, so the profile is\n"
        "always --site here.)\n",
    .opts = import_opts,
    .after = "\n"
        "Example inventory:\n"
        "  name,model,serial,mac,tftp_prefix,size\n"
        "  kitchen,4B,10000000511e57f7,DC-A6-32-1C-6A-2A,mac,16G\n"
        "  garage,3B,2caf9c61,b8:27:eb:af:9c:61,,8G\n"
        "\n"
        "Exit status: 0 sections printed, 2 usage error, unreadable file or an invalid row.\n",
    .operand = "file",
};

struct keys_opts {
	bool man;
};

static const struct cli_opt keys_opts[] = {
    {"man", 0, NULL, "print them as pinetboot(1) source", CLIOPT_TO(SET, struct keys_opts, man)},
    {0}};

static const struct cli_cmd keys_spec = {
    .name = "profile keys",
    .run = list_keys,
    .usage = "Usage: pinetboot profile keys [--man]\n"
        "Lists every key of [server] and [pi \"NAME\"] with what it accepts.\n",
    .opts = keys_opts,
    .after = "\nExit status: 0 listed, 2 usage error.\n",
    .operand = "none",
};

static const struct cli_cmd *const profile_subs[] = {&import_spec, &keys_spec, NULL};
static const struct cli_opt profile_opts[] = {{0}};

const struct cli_cmd cmd_profile_spec = {
    .name = "profile",
    .summary = "site profile tools: import-csv (fleet inventory to [pi] sections)",
    .run = cmd_profile,
    .usage = "Usage: pinetboot profile import-csv INVENTORY.csv [--site SITE]\n"
        "       pinetboot profile keys [--man]\n"
        "Site profile tools. import-csv turns a fleet inventory (CSV) into [pi \"NAME\"]\n"
        "sections on stdout; keys lists every key of [server] and [pi \"NAME\"] with what it\n"
        "accepts. 'pinetboot profile import-csv|keys --help' lists each one's options.\n",
    .opts = profile_opts,
    .after = "\nExit status: 0 done, 2 usage error, unreadable file or an invalid row.\n",
    .operand = "none",
    .subs = profile_subs,
};

static int import_csv(int argc, char **argv)
{
	struct import_opts o = {0};
	int rc = cliopt_parse(&import_spec, argc, argv, &o);
	if (rc != CLIOPT_DONE)
		return rc;
	if (optind != argc - 1)
		return cli_usage_error("profile import-csv", "expected one CSV inventory");
	struct problems ps;
	problems_init(&ps);
	char *text = profile_csv_import(argv[optind], o.site, &ps);
	cli_problems("profile import-csv", &ps);
	rc = text ? EXIT_OK : EXIT_USAGE;
	if (text)
		fputs(text, stdout);
	free(text);
	problems_done(&ps);
	return rc;
}

/* The key tables of core/site/profile.h, as text or as man-page source (one source of truth). */
static int list_keys(int argc, char **argv)
{
	struct keys_opts o = {0};
	int rc = cliopt_parse(&keys_spec, argc, argv, &o);
	if (rc != CLIOPT_DONE)
		return rc;
	bool man = o.man;
	if (optind < argc)
		return cli_usage_error("profile keys", "expected no argument or --man");
	for (int sect = 0; sect < 2; sect++) {
		const char *const *names = sect ? profile_pi_key_names : profile_server_key_names;
		const char *const *help = sect ? profile_pi_key_help : profile_server_key_help;
		int n = sect ? PK_COUNT : SK_COUNT;
		const char *title = sect ? "[pi \"NAME\"]" : "[server]";
		if (man)
			printf(".SS %s\n", title);
		else
			printf("%s%s\n", sect ? "\n" : "", title);
		for (int i = 0; i < n; i++) {
			if (man)
				printf(".TP\n.B %s\n%s\n", names[i], help[i]);
			else
				printf("  %-13s %s\n", names[i], help[i]);
		}
	}
	return EXIT_OK;
}

int cmd_profile(int argc, char **argv)
{
	return cli_subcommand(&cmd_profile_spec, argc, argv);
}
