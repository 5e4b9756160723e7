/* iscsi-check — check a Pi's iSCSI root target the way the Pi will use it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/cli_json.h"
#include "cli/site_arg.h"
#include "core/lab/iscsi_check.h"
#include "core/base/util.h"

struct args {
	const char *site, *pi, *initiator, *chap_user, *chap_file, *size, *root, *kind, *url;
	int timeout;
	bool json;
};

#define TO(KIND, FIELD) CLIOPT_TO(KIND, struct args, FIELD)
static const struct cli_opt cmd_iscsi_check_opts[] = {
    CLI_OPT_SITE(
     "site profile (or give it as the operand); with --pi, every parameter comes from it and from "
     "the Pi's served cmdline.txt under tftp_root",
     TO(STR, site)),
    CLI_OPT_PI("the Pi of the site to check as", TO(STR, pi)),
    {"initiator", 0, "IQN", "the initiator name to log in with (URL form: required)",
     TO(STR, initiator)},
    {"chap-user", 0, "USER", "CHAP user name", TO(STR, chap_user)},
    {"chap-secret-file", 0, "FILE", "file whose first line is the CHAP secret",
     TO(STR, chap_file)},
    {"size", 0, "SIZE", "expected LUN size, e.g. 16G", TO(STR, size)},
    {"root", 0, "SPEC", "the root= the Pi gets, e.g. UUID=... or PARTUUID=...", TO(STR, root)},
    {"target-kind", 0, "tgt|lio", "which target software answers (explains login statuses)",
     TO(STR, kind)},
    {"timeout", 0, "S",
     "seconds for the whole check (default 30): every connect, login and SCSI command gets "
     "what is left, and a target that stops answering ends the check naming the step",
     CLIOPT_TO_INT(struct args, timeout, 1, 3600, "--timeout %s: expected seconds, 1 to 3600")},
    CLI_OPT_JSON(CLI_JSON_OBJECT, TO(SET, json)),
    {0}};

const struct cli_cmd cmd_iscsi_check_spec = {
    .name = "iscsi-check",
    .summary = "check a Pi's iSCSI root target as the Pi will use it",
    .run = cmd_iscsi_check,
    .usage = "Usage: pinetboot iscsi-check [--site] SITE --pi NAME [OPTIONS]\n"
        "       pinetboot iscsi-check iscsi://HOST[:PORT]/TARGET-IQN/LUN --initiator IQN [OPTIONS]\n"
        "Checks an iSCSI root target as the Pi's initramfs will use it: TCP 3260, discovery\n"
        "(SendTargets) with the Pi's initiator name, login (CHAP when configured), REPORT LUNS,\n"
        "READ CAPACITY against the profile size, the partition table (MBR or GPT), partition 1's\n"
        "FAT volume and partition 2's root filesystem, and whether the root= the Pi gets (its served\n"
        "cmdline.txt, or the profile's root_uuid) names what is really on the LUN.\n"
        "Login refusals are explained in the target's terms: tgt answers an initiator outside its\n"
        "ACL with 0x0203 (target not found), LIO with 0x0202; CHAP failures are 0x0201.\n",
    .opts = cmd_iscsi_check_opts,
    .after = "\n"
        "Examples:\n"
        "  pinetboot iscsi-check --site site.conf --pi kitchen\n"
        "  pinetboot iscsi-check iscsi://10.0.0.1/iqn.2026-11.lan.example:root-kitchen/1 \\\n"
        "      --initiator iqn.2026-11.lan.example:kitchen --chap-user kitchen --chap-secret-file s\n"
        "\n"
        "Exit status: 0 the Pi would find its root, 1 it would not (the output says why),\n"
        "2 bad input.\n",
    .operand = "file",
};

static void print_text(const struct iscsi_check *c)
{
	printf("iscsi-check: %s on %s:%d as %s\n", c->o.target, c->o.host, c->o.port,
	       c->o.initiator);
	for (size_t i = 0; i < c->n_lines; i++)
		printf("  %-8s %-11s %s\n", icheck_level_names[c->lines[i].level],
		       icheck_step_names[c->lines[i].step], c->lines[i].text);
	if (c->ok) {
		printf("Result: the Pi would find its root (LUN %d, partition %d).\n", c->lun,
		       c->root_part ? c->root_part->number : 0);
		return;
	}
	if (c->failed_step == IC_FSTAB)
		printf("Result: the Pi would find its root but not finish booting: %s\n", c->cause);
	else if (c->failed_step == IC_CAPACITY && c->root_part)
		printf("Result: the Pi would find its root, but its disk is not the profile's: %s\n",
		       c->cause);
	else
		printf("Result: the Pi would NOT find its root: %s\n", c->cause);
	if (c->fix)
		printf("Fix: %s\n", c->fix);
}

static void print_json(const struct iscsi_check *c)
{
	FILE *f = stdout;
	char st[8];
	snprintf(st, sizeof(st), "0x%04x", c->login_status);
	fprintf(f, "{\"ok\":%s,", c->ok ? "true" : "false");
	cli_json_kv(f, "portal", c->o.host);
	fprintf(f, ",\"port\":%d,", c->o.port);
	cli_json_kvs(f, "target", c->o.target, "initiator", c->o.initiator, "login_status",
		     c->login_status >= 0 ? st : NULL, NULL);
	fprintf(f, ",\"lun\":%d,\"capacity\":%llu,", c->lun, (unsigned long long)c->capacity);
	cli_json_kvs(f, "failed_step", c->ok ? NULL : icheck_step_names[c->failed_step], "cause",
		     c->cause, "fix", c->fix, NULL);
	fputs(",\"partitions\":[", f);
	for (int i = 0; c->have_disk && i < c->disk.n; i++) {
		const struct disk_part *p = &c->disk.parts[i];
		fprintf(f, "%s{\"number\":%d,\"start\":%llu,\"size\":%llu,", i ? "," : "",
			p->number, (unsigned long long)p->start, (unsigned long long)p->size);
		cli_json_kvs(f, "type", p->fs.type, "uuid", p->fs.uuid, "label", p->fs.label,
			     "partuuid", p->partuuid, NULL);
		fputc('}', f);
	}
	fputs("],\"steps\":", f);
	cli_json_icheck_lines(f, c);
	fputs("}\n", f);
}

static int parse_args(int argc, char **argv, struct args *a)
{
	int rc = cliopt_parse(&cmd_iscsi_check_spec, argc, argv, a);
	if (rc != CLIOPT_DONE)
		return rc;
	/* the operand is the URL form, or the site profile as the other commands take it */
	if (!a->site && optind < argc && !strstr(argv[optind], "://"))
		a->site = argv[optind++];
	if (optind < argc)
		a->url = argv[optind++];
	if (optind < argc)
		return cli_usage_error("iscsi-check", "unexpected argument '%s'", argv[optind]);
	if (!a->url == !(a->site || a->pi))
		return cli_usage_error("iscsi-check", "give either --site SITE --pi NAME or an "
						      "iscsi://HOST/TARGET-IQN/LUN URL");
	if (a->site && !a->pi)
		return cli_usage_error("iscsi-check", "--site needs --pi NAME");
	if (a->pi && !a->site)
		return cli_usage_error("iscsi-check", "--pi needs --site SITE");
	if (a->url && !a->initiator)
		return cli_usage_error("iscsi-check", "the URL form needs --initiator IQN (the "
						      "Pi's initiator name)");
	if (a->chap_file && !a->chap_user && a->url)
		return cli_usage_error("iscsi-check", "--chap-secret-file needs --chap-user");
	if (a->kind && strcmp(a->kind, "tgt") && strcmp(a->kind, "lio"))
		return cli_usage_error("iscsi-check", "--target-kind %s: expected tgt or lio",
				       a->kind);
	return CLIOPT_DONE;
}

/* Options common to both forms; returns EXIT_OK or EXIT_USAGE. secret is owned by the caller. */
static int apply_common(const struct args *a, struct iscsi_check_opts *o, char **secret)
{
	if (a->chap_file) {
		*secret = cli_read_secret("iscsi-check", a->chap_file);
		if (!*secret)
			return EXIT_USAGE;
		o->chap_secret = *secret;
		if (a->chap_user)
			o->chap_user = a->chap_user;
	}
	if (a->initiator)
		o->initiator = a->initiator;
	if (a->size && !size_parse(a->size, &o->expect_size))
		return cli_usage_error("iscsi-check", "--size %s: expected a size such as 16G",
				       a->size);
	if (a->root) {
		o->root_spec = a->root;
		o->root_from = "--root";
	}
	if (a->kind)
		o->target_kind = strcmp(a->kind, "tgt") == 0 ? TARGET_TGT : TARGET_LIO;
	o->timeout = a->timeout;
	return EXIT_OK;
}

static int run(const struct args *a, const struct iscsi_check_opts *o)
{
	if (!iqn_valid(o->initiator))
		return cli_usage_error("iscsi-check", "initiator \"%s\" is not an IQN (expected "
						      "iqn.YYYY-MM.reversed.domain[:id])", o->initiator);
	struct iscsi_check *c = iscsi_check_new(o);
	int rc = iscsi_check_run(c); /* ends within --timeout, whatever the target does */
	if (a->json)
		print_json(c);
	else
		print_text(c);
	iscsi_check_free(c);
	return rc == 0 ? EXIT_OK : EXIT_PROBLEMS;
}

int cmd_iscsi_check(int argc, char **argv)
{
	struct args a = {0};
	int rc = parse_args(argc, argv, &a);
	if (rc != CLIOPT_DONE)
		return rc;
	struct iscsi_check_opts o = {.target_kind = -1, .lun = -1};
	char *secret = NULL, *host = NULL, *target = NULL, *err = NULL;
	char *hold[ICHECK_HOLD] = {0};
	struct site s;
	bool have_site = false;
	if (a.url) {
		if (iscsi_url_parse(a.url, &host, &o.port, &target, &o.lun, &err) < 0) {
			rc = cli_usage_error("iscsi-check", "%s", err);
			goto out;
		}
		o.host = host;
		o.target = target;
	} else {
		const struct pi *p = cli_load_site_pi("iscsi-check", a.site, a.pi, &s);
		if (!p) {
			rc = EXIT_USAGE;
			goto out;
		}
		have_site = true;
		if (s.root != ROOT_ISCSI) {
			rc = cli_usage_error("iscsi-check", "%s has root = %s: its Pis do not boot "
							    "from iSCSI (pinetboot simulate checks an NFS root)",
					     a.site, root_kind_names[s.root]);
			goto out;
		}
		if (iscsi_check_opts_from_site(&s, p, &o, hold, &err) < 0) {
			cli_error("iscsi-check", "%s", err);
			rc = EXIT_USAGE;
			goto out;
		}
	}
	rc = apply_common(&a, &o, &secret);
	if (rc == EXIT_OK)
		rc = run(&a, &o);
out:
	for (int i = 0; i < ICHECK_HOLD; i++)
		free(hold[i]);
	if (have_site)
		site_done(&s);
	free(secret);
	free(host);
	free(target);
	free(err);
	return rc;
}
