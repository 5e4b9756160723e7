/* check — is this Pi ready to network boot? Locally, through ssh, or from pasted outputs. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/cli_json.h"
#include "cli/site_arg.h"
#include "core/base/fsutil.h"
#include "core/pi/readiness.h"
#include "core/base/util.h"

struct check_opts {
	const char *ssh, *ssh_config, *site, *pi, *mac, *save, *facts;
	bool save_default;
	const char *file[FACT_COUNT];
	int timeout;
	bool json;
};

/* --save with or without DIR (without: pis/NAME/ next to the profile) */
static int set_save(void *opts, const char *dir)
{
	struct check_opts *o = opts;
	o->save = dir;
	o->save_default = !dir;
	return CLIOPT_DONE;
}

#define TO(KIND, FIELD) CLIOPT_TO(KIND, struct check_opts, FIELD)
static const struct cli_opt check_opts[] = {
    CLIOPT_HEADING("Where the facts come from (no option: this machine's /proc/cpuinfo, eth0 MAC, "
		   "'vcgencmd otp_dump', 'vcgencmd bootloader_version' and "
		   "'vcgencmd bootloader_config'):"),
    {"ssh", 0, "USER@HOST",
     "the same on a Pi, through the system ssh client (BatchMode=yes, key authentication only, "
     "--timeout seconds to connect)",
     TO(STR, ssh)},
    {"ssh-config", 0, "FILE", "passed to ssh as -F FILE (port, identity, known hosts)",
     TO(STR, ssh_config)},
    {"otp", 0, "FILE",
     "saved 'vcgencmd otp_dump' output instead (offline: nothing is run; with --ssh it replaces "
     "what the Pi would say)",
     TO(STR, file[FACT_OTP])},
    {"cpuinfo", 0, "FILE", "saved /proc/cpuinfo", TO(STR, file[FACT_CPUINFO])},
    {"bootconf", 0, "FILE", "saved 'vcgencmd bootloader_config' output",
     TO(STR, file[FACT_BOOTCONF])},
    {"bootloader-version", 0, "FILE", "saved 'vcgencmd bootloader_version' output",
     TO(STR, file[FACT_BLVERSION])},
    {"mac", 0, "MAC", "the Pi's eth0 MAC", TO(STR, mac)},
    {"facts", 0, "DIR", "saved outputs from a directory written by --save", TO(STR, facts)},
    CLIOPT_HEADING("Other options:"),
    CLI_OPT_SITE(
     "also check against the profile (or give it as the operand): model, serial, MAC, TFTP_PREFIX "
     "vs the Pi's tftp_prefix, TFTP_IP vs the server address; needs --pi",
     TO(STR, site)),
    CLI_OPT_PI(CLI_PI_OF_SITE, TO(STR, pi)),
    {"timeout", 0, "N",
     "ssh connect timeout in seconds (default 10); the whole ssh run is stopped after N + 30 s",
     CLIOPT_TO_INT(struct check_opts, timeout, 1, 600, "--timeout %s: give 1 to 600 seconds")},
    CLI_OPT_JSON("one JSON object", TO(SET, json)),
    {"save", 0, "[DIR]",
     "keep what the Pi said in DIR (default: pis/NAME/ next to the profile, where the wizard's Pi "
     "readiness step reads it)",
     CLIOPT_TO_FN(set_save)},
    {0}};

const struct cli_cmd cmd_check_spec = {
    .name = "check",
    .summary = "is this Pi ready to network boot? (local, --ssh, or saved outputs)",
    .run = cmd_check,
    .usage = "Usage: pinetboot check [--ssh USER@HOST [--ssh-config FILE]] [--site SITE --pi NAME]\n"
        "                       [--json]\n"
        "       pinetboot check --otp FILE --cpuinfo FILE --bootconf FILE\n"
        "                       [--bootloader-version FILE] [--mac MAC] [--site SITE --pi NAME]\n"
        "Tells whether a Raspberry Pi is ready to boot from the network, and if not, why and the\n"
        "one action that fixes it.\n",
    .opts = check_opts,
    .after = "\nExamples:\n"
        "  pinetboot check\n"
        "  pinetboot check --ssh pi@10.0.0.7 --site site.conf --pi kitchen\n"
        "  pinetboot check --otp otp.txt --cpuinfo cpuinfo.txt --bootconf bootconf.txt\n\n"
        "Exit status: 0 ready to network boot; 1 not ready (the reason and the fix are printed);\n"
        "2 bad usage or input (unreadable file, garbage output, ssh failed).\n",
    .operand = "file",
};

static int parse_opts(int argc, char **argv, struct check_opts *o)
{
	int rc = cli_parse(&cmd_check_spec, argc, argv, o, &o->site, false);
	if (rc != CLIOPT_DONE)
		return rc;
	if (!!o->site != !!o->pi)
		return cli_usage_error("check", "--site and --pi go together");
	if (o->save_default && !o->site)
		return cli_usage_error("check", "--save without DIR needs --site and --pi (it saves "
						"next to the profile, in pis/NAME/)");
	if (o->ssh && (o->ssh[0] == '-' || !*o->ssh))
		return cli_usage_error("check", "--ssh \"%s\" is not USER@HOST", o->ssh);
	return CLIOPT_DONE;
}

/* Reads the given files into f. Returns -1 (after printing) when one cannot be read. */
static int load_files(const struct check_opts *o, struct pi_facts *f)
{
	for (int k = 0; k < FACT_COUNT; k++) {
		if (!o->file[k])
			continue;
		size_t len;
		char *t = fs_read_file_max(o->file[k], 1 << 20, &len);
		if (!t) {
			cli_error("check", "%s: %s", o->file[k], strerror(errno));
			return -1;
		}
		pi_facts_set(f, (enum pi_fact)k, t, len, o->file[k]);
	}
	if (o->mac)
		pi_facts_set(f, FACT_MAC, xstrdup(o->mac), strlen(o->mac), "--mac");
	return 0;
}

static void print_text(const struct readiness *r)
{
	if (r->has_revision) {
		const struct pi_revision *v = &r->rev;
		printf("Pi:          %s%s rev %s, %u MB, %s, %s (revision %06x)\n",
		       r->model != PI_MODEL_UNKNOWN ? model_info(r->model)->long_name : "Raspberry Pi ",
		       r->model != PI_MODEL_UNKNOWN ? "" : v->board, v->pcb_revision, v->ram_mb, v->soc,
		       v->manufacturer, v->code);
	} else if (r->model != PI_MODEL_UNKNOWN)
		printf("Pi:          %s (from the profile)\n", model_info(r->model)->long_name);
	else
		printf("Pi:          unknown\n");
	printf("serial:      %s\n", r->has_serial ? r->serial : "unknown");
	char mac[18] = "unknown";
	if (r->has_mac)
		mac_format(r->mac, ':', mac);
	printf("MAC:         %s\n", mac);
	if (r->has_blv) {
		char d[11];
		bootloader_date(r->blv.timestamp, d);
		printf("bootloader:  %s (%.8s)%s\n", d, r->blv.hash[0] ? r->blv.hash : "?",
		       r->blv.has_caps && (r->blv.capabilities & BOOTLOADER_CAP_NETWORK)
			       ? ", network boot capable" : "");
	}
	if (r->has_bootconf) {
		printf("boot order:  %s (%s)\n", r->boot_order_words ? r->boot_order_words : "?",
		       r->boot_order);
		printf("TFTP prefix: %s\n", r->tftp_prefix == 2   ? "MAC address (TFTP_PREFIX=2)"
					    : r->tftp_prefix == 1 ? "TFTP_PREFIX_STR (TFTP_PREFIX=1)"
								  : "serial number (TFTP_PREFIX=0)");
	}
	if (r->has_otp && !model_uses_eeprom(r->model))
		printf("OTP row 17:  %08x (%s)\n", r->otp.row17,
		       r->otp.boot == OTP_BOOT_ENABLED ? "network boot enabled" : "network boot off");
	for (size_t i = 0; i < r->ps.n; i++) {
		char *s = problem_format(&r->ps.items[i]);
		printf("  %s\n", s);
		free(s);
	}
	printf("verdict:     %s%s\n", r->ready ? "READY: " : "NOT READY: ", r->verdict);
	if (r->action)
		printf("action:      %s\n", r->action);
}

static void print_json(const struct readiness *r, int rc)
{
	printf("{\"ready\":%s,\"exit\":%d,\"model\":", r->ready ? "true" : "false", rc);
	if (r->model != PI_MODEL_UNKNOWN)
		cli_json_str(stdout, model_info(r->model)->name);
	else
		printf("null");
	if (r->has_revision) {
		printf(",\"revision\":\"%06x\",\"board\":", r->rev.code);
		cli_json_str(stdout, r->rev.board);
		printf(",\"ram_mb\":%u,\"soc\":\"%s\",\"manufacturer\":", r->rev.ram_mb, r->rev.soc);
		cli_json_str(stdout, r->rev.manufacturer);
	}
	printf(",\"serial\":");
	cli_json_str(stdout, r->has_serial ? r->serial : NULL);
	char mac[18];
	printf(",\"mac\":");
	if (r->has_mac) {
		mac_format(r->mac, ':', mac);
		cli_json_str(stdout, mac);
	} else
		printf("null");
	if (r->has_blv)
		printf(",\"bootloader_timestamp\":%lld", (long long)r->blv.timestamp);
	if (r->has_bootconf) {
		printf(",\"boot_order\":\"%s\",\"boot_order_words\":", r->boot_order);
		cli_json_str(stdout, r->boot_order_words);
		printf(",\"tftp_prefix\":%d", r->tftp_prefix);
	}
	if (r->has_otp)
		printf(",\"otp_row17\":\"%08x\",\"otp_netboot\":%s", r->otp.row17,
		       r->otp.boot == OTP_BOOT_ENABLED ? "true" : "false");
	printf(",\"verdict\":");
	cli_json_str(stdout, r->verdict);
	printf(",\"action\":");
	cli_json_str(stdout, r->action);
	printf(",\"problems\":");
	cli_json_problems(stdout, &r->ps);
	printf("}\n");
}

static int gather(const struct check_opts *o, struct pi_facts *f)
{
	if (load_files(o, f) < 0)
		return -1;
	bool offline = o->facts != NULL;
	for (int k = 0; k < FACT_COUNT; k++)
		offline |= o->file[k] != NULL;
	if (o->facts && pi_facts_load_dir(f, o->facts) == 0) {
		cli_error("check", "%s: no saved outputs there (cpuinfo, otp_dump, "
				   "bootloader_version, bootloader_config, mac)",
			  o->facts);
		return -1;
	}
	if (o->ssh) {
		char *err = NULL;
		if (pi_facts_collect_ssh(f, o->ssh, o->ssh_config, o->timeout, &err) < 0) {
			cli_error("check", "%s", err);
			free(err);
			return -1;
		}
	} else if (!offline)
		pi_facts_collect_local(f);
	return 0;
}

int cmd_check(int argc, char **argv)
{
	struct check_opts o = {.timeout = 10};
	int rc = parse_opts(argc, argv, &o);
	if (rc != CLIOPT_DONE)
		return rc;
	struct site site;
	const struct pi *p = NULL;
	bool have_site = o.site != NULL;
	if (have_site && !(p = cli_profile_pi("check", o.site, o.pi, &site)))
		return EXIT_USAGE;
	struct pi_facts f;
	pi_facts_init(&f);
	rc = EXIT_USAGE;
	if (gather(&o, &f) == 0) {
		char *dir = o.save ? xstrdup(o.save)
			    : o.save_default ? pi_facts_default_dir(o.site, o.pi) : NULL;
		if (dir && (pi_facts_save_dir(&f, dir) < 0 || (o.ssh && pi_facts_save_ssh(dir, o.ssh) < 0)))
			cli_error("check", "%s: %s", dir, strerror(errno));
		free(dir);
		struct readiness r;
		rc = readiness_evaluate(&f, have_site ? &site : NULL, p, &r);
		if (o.json)
			print_json(&r, rc);
		else
			print_text(&r);
		readiness_done(&r);
	}
	pi_facts_done(&f);
	if (have_site)
		site_done(&site);
	return rc;
}
