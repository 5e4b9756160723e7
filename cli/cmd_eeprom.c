/* eeprom — show and edit a Pi 4/5 bootloader image, and build bootstrap SD card files. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cli/cli.h"
#include "cli/cli_json.h"
#include "cli/cmd_eeprom.h"
#include "core/pi/bootconf.h"
#include "core/pi/bootloader.h"
#include "core/pi/eeprom.h"
#include "core/base/fsutil.h"
#include "core/base/util.h"

#define EEPROM_EXIT                                                                                \
	"\nExit status: 0 done; 1 the config does not fit in the image, or the Pi cannot "         \
	"network\n"                                                                                \
	"boot; 2 bad usage, an unreadable or invalid image, config or value.\n"

struct show_opts {
	bool only_conf, json;
};

static const struct cli_opt show_opts[] = {
    {"config", 0, NULL, "print only bootconf.txt (like rpi-eeprom-config IMAGE)",
     CLIOPT_TO(SET, struct show_opts, only_conf)},
    CLI_OPT_JSON("one JSON object", CLIOPT_TO(SET, struct show_opts, json)),
    {0}};

static int eeprom_show(int argc, char **argv);
static int eeprom_set(int argc, char **argv);

static const struct cli_cmd show_spec = {
    .name = "eeprom show",
    .run = eeprom_show,
    .usage = "Usage: pinetboot eeprom show IMAGE [--config] [--json]\n"
        "Shows a Pi 4/5 bootloader image: version, build date, update timestamp, sections and\n"
        "bootconf.txt.\n",
    .opts = show_opts,
    .after = "\nExample:\n  pinetboot eeprom show pieeprom.bin\n" EEPROM_EXIT,
    .operand = "file",
};

struct set_opts {
	const char *out, *config, *sig;
	long long timestamp;
	bool force;
};

static int set_timestamp(void *opts, const char *arg)
{
	if (eeprom_parse_timestamp(arg, &((struct set_opts *)opts)->timestamp) < 0)
		return cli_usage_error("eeprom",
				       "--timestamp \"%s\" is not unix seconds (0 to 4294967294)", arg);
	return CLIOPT_DONE;
}

#define TO(KIND, FIELD) CLIOPT_TO(KIND, struct set_opts, FIELD)
static const struct cli_opt set_opts[] = {
    {"out", 'o', "OUT", "the new image, written atomically (required)", TO(STR, out)},
    {"config", 0, "FILE", "the new config, replacing the image's own whole", TO(STR, config)},
    {"timestamp", 0, "N", "set the update timestamp (unix seconds) as rpi-eeprom-config does",
     CLIOPT_TO_FN(set_timestamp)},
    {"sig", 0, "FILE", "also write FILE: sha256, 'ts: N' and 'target-soc:' lines", TO(STR, sig)},
    {"force", 0, NULL, "write even when the config has errors", TO(SET, force)},
    {0}};

static const struct cli_cmd set_spec = {
    .name = "eeprom set",
    .run = eeprom_set,
    .usage = "Usage: pinetboot eeprom set IMAGE KEY=VALUE... -o OUT [--timestamp N] [--sig FILE]\n"
        "       pinetboot eeprom set IMAGE --config FILE -o OUT [--timestamp N] [--sig FILE]\n"
        "Replaces bootconf.txt in a Pi 4/5 bootloader image exactly as rpi-eeprom-config\n"
        "--config/--out does (same bytes for the same inputs). KEY=VALUE pairs edit the image's\n"
        "own config; --config FILE replaces it whole. Values are checked first.\n",
    .opts = set_opts,
    .after = "\nExamples:\n"
        "  pinetboot eeprom set pieeprom.bin BOOT_ORDER=0xf21 TFTP_PREFIX=2 -o new.bin\n"
        "  pinetboot eeprom set pieeprom.bin --config bootconf.txt --timestamp 1700000000 -o "
        "new.bin\n" EEPROM_EXIT,
    .operand = "file",
};

static const struct cli_cmd *const eeprom_subs[] = {&show_spec, &set_spec, &eeprom_bootstrap_spec,
						    NULL};
static const struct cli_opt eeprom_opts[] = {{0}};

const struct cli_cmd cmd_eeprom_spec = {
    .name = "eeprom",
    .summary = "show/edit a Pi 4/5 bootloader image; make a bootstrap SD card",
    .run = cmd_eeprom,
    .usage = "Usage: pinetboot eeprom show IMAGE [--config] [--json]\n"
        "       pinetboot eeprom set IMAGE KEY=VALUE... -o OUT [--timestamp N] [--sig FILE]\n"
        "       pinetboot eeprom set IMAGE --config FILE -o OUT [--timestamp N] [--sig FILE]\n"
        "       pinetboot eeprom bootstrap --model M [--site SITE --pi NAME] [--eeprom IMAGE]\n"
        "                                  [--timestamp N] -o DIR\n"
        "Reads and edits the Raspberry Pi 4/5 bootloader EEPROM image (pieeprom.bin).\n\n"
        "  show       version, build date, update timestamp, sections and bootconf.txt;\n"
        "             --config prints only bootconf.txt (like rpi-eeprom-config IMAGE)\n"
        "  set        replaces bootconf.txt in place exactly as rpi-eeprom-config --config/--out\n"
        "             does (same bytes for the same inputs). KEY=VALUE pairs edit the image's own\n"
        "             config; --config FILE replaces it whole. Values are checked first.\n"
        "  bootstrap  the files of an SD card that switches a Pi to network boot:\n"
        "             Pi 4/400/CM4, 5/500/CM5: recovery.bin, pieeprom.upd, pieeprom.sig, README.txt\n"
        "             Pi 3B/2B/CM3/CM3+: config.txt with program_usb_boot_mode=1, README.txt\n"
        "'pinetboot eeprom show|set|bootstrap --help' lists each one's options.\n",
    .opts = eeprom_opts,
    .after = "\nExamples:\n"
        "  pinetboot eeprom show pieeprom.bin\n"
        "  pinetboot eeprom set pieeprom.bin BOOT_ORDER=0xf21 TFTP_PREFIX=2 -o new.bin\n"
        "  pinetboot eeprom set pieeprom.bin --config bootconf.txt --timestamp 1700000000 -o new.bin\n"
        "  pinetboot eeprom bootstrap --model 4B --site site.conf --pi kitchen -o card/\n" EEPROM_EXIT,
    .operand = "none",
    .subs = eeprom_subs,
};

/* The unfiltered BOOT_ORDER in words, and what the validator says about the config. */
static void show_config_summary(const uint8_t *conf, size_t conf_len)
{
	struct bootconf bc;
	struct problems ps;
	problems_init(&ps);
	bootconf_parse((const char *)conf, conf_len, "bootconf.txt", &bc, &ps);
	struct bootconf_target any = {PI_MODEL_UNKNOWN, -1, false, 0};
	const struct bootconf_entry *e = bootconf_lookup(&bc, &any, "BOOT_ORDER");
	struct boot_order bo;
	if (boot_order_parse(e && e->value[0] ? e->value : BOOT_ORDER_DEFAULT, &bo)) {
		char *w = boot_order_describe(&bo);
		printf("boot order:  %s (0x%s%s)\n", w, bo.digits, e ? "" : ", the default");
		free(w);
	}
	for (size_t i = 0; i < ps.n; i++) {
		char *m = problem_format(&ps.items[i]);
		printf("  %s\n", m);
		free(m);
	}
	bootconf_done(&bc);
	problems_done(&ps);
}

static void show_text(const struct eeprom_image *img, const char *path, const uint8_t *conf,
		      size_t conf_len)
{
	struct eeprom_version v;
	eeprom_get_version(img, &v);
	char date[11];
	uint32_t ts;
	printf("image:       %s\n", path);
	printf("family:      BCM%s (%s), %zu bytes%s\n", eeprom_family(img),
	       img->size == EEPROM_SIZE_2712 ? "Pi 5, 500, CM5" : "Pi 4, 400, CM4", img->size,
	       img->ab ? ", A/B layout" : "");
	if (v.build_timestamp) {
		bootloader_date(v.build_timestamp, date);
		printf("build:       %s (BUILD_TIMESTAMP=%lld)\n", date, (long long)v.build_timestamp);
	}
	if (v.version[0])
		printf("version:     %s\n", v.version);
	if (v.mfg_ver >= 0)
		printf("MFG_VER:     %d\n", v.mfg_ver);
	if (eeprom_get_timestamp(img, &ts)) {
		bootloader_date(ts, date);
		printf("update ts:   %u (%s)\n", ts, date);
	} else
		printf("update ts:   not set\n");
	printf("sections:\n");
	for (size_t i = 0; i < img->n_sections; i++) {
		const struct eeprom_section *s = &img->sections[i];
		printf("  0x%06zx  %08x  %-9s %8u  %s\n", s->offset, s->magic,
		       eeprom_magic_name(s->magic), s->length, s->name);
	}
	printf("bootconf.txt (%zu bytes):\n", conf_len);
	fwrite(conf, 1, conf_len, stdout);
	if (conf_len && conf[conf_len - 1] != '\n')
		putchar('\n');
	show_config_summary(conf, conf_len);
}

static void show_json(const struct eeprom_image *img, const uint8_t *conf, size_t conf_len)
{
	struct eeprom_version v;
	eeprom_get_version(img, &v);
	uint32_t ts;
	bool has_ts = eeprom_get_timestamp(img, &ts);
	printf("{\"family\":\"%s\",\"size\":%zu,\"ab\":%s,\"build_timestamp\":%lld,\"version\":",
	       eeprom_family(img), img->size, img->ab ? "true" : "false",
	       (long long)v.build_timestamp);
	cli_json_strn(stdout, v.version, strlen(v.version));
	printf(",\"mfg_ver\":%d,\"update_timestamp\":", v.mfg_ver);
	if (has_ts)
		printf("%u", ts);
	else
		printf("null");
	printf(",\"sections\":[");
	for (size_t i = 0; i < img->n_sections; i++) {
		const struct eeprom_section *s = &img->sections[i];
		printf("%s{\"offset\":%zu,\"magic\":\"%08x\",\"kind\":\"%s\",\"length\":%u,\"name\":",
		       i ? "," : "", s->offset, s->magic, eeprom_magic_name(s->magic), s->length);
		cli_json_strn(stdout, s->name, strlen(s->name));
		putchar('}');
	}
	printf("],\"bootconf\":");
	cli_json_strn(stdout, (const char *)conf, conf_len);
	printf("}\n");
}

/* Loads an image and its bootconf.txt; prints the error and returns -1 on failure. */
static int load_image(const char *cmd, const char *path, struct eeprom_image *img,
		      const uint8_t **conf, size_t *conf_len)
{
	if (eeprom_load_file(img, path) < 0) {
		cli_error(cmd, "%s", img->err);
		return -1;
	}
	const struct eeprom_section *s = eeprom_find_file(img, "bootconf.txt");
	if (!s || !(*conf = eeprom_file_content(img, s, conf_len))) {
		cli_error(cmd, "%s: the image has no bootconf.txt section", path);
		return -1;
	}
	return 0;
}

static int eeprom_show(int argc, char **argv)
{
	struct show_opts o = {0};
	int rc = cliopt_parse(&show_spec, argc, argv, &o);
	if (rc != CLIOPT_DONE)
		return rc;
	if (argc - optind != 1)
		return cli_usage_error("eeprom", "show takes one IMAGE");
	struct eeprom_image img;
	const uint8_t *conf;
	size_t conf_len;
	if (load_image("eeprom", argv[optind], &img, &conf, &conf_len) < 0) {
		eeprom_done(&img);
		return EXIT_USAGE;
	}
	if (o.only_conf)
		fwrite(conf, 1, conf_len, stdout);
	else if (o.json)
		show_json(&img, conf, conf_len);
	else
		show_text(&img, argv[optind], conf, conf_len);
	eeprom_done(&img);
	return EXIT_OK;
}

/* The new config text: the --config file, or the image's config with KEY=VALUE edits. */
static char *new_config(const struct set_opts *o, const uint8_t *conf, size_t conf_len,
			char **assign, size_t n_assign, size_t *len)
{
	struct problems ps;
	problems_init(&ps);
	char *text;
	if (o->config) {
		text = fs_read_file_max(o->config, 1 << 20, len);
		if (!text)
			cli_error("eeprom", "%s: %s", o->config, fs_strerror(errno));
		else if (memchr(text, '\0', *len)) {
			/* the bootloader's parser would stop at the NUL; what follows is hidden */
			cli_error("eeprom", "%s: holds a NUL byte (expected text)", o->config);
			free(text);
			text = NULL;
		}
	} else {
		text = bootconf_edit((const char *)conf, conf_len, assign, n_assign, &ps);
		if (text)
			*len = strlen(text);
	}
	if (text) {
		struct bootconf bc;
		bootconf_parse(text, *len, o->config ? o->config : "bootconf.txt", &bc, &ps);
		bootconf_done(&bc);
	}
	cli_problems("eeprom", &ps);
	if (text && problems_has_errors(&ps) && !o->force) {
		cli_error("eeprom", "the new config has errors; nothing written (--force writes it "
				    "anyway)");
		free(text);
		text = NULL;
	}
	problems_done(&ps);
	return text;
}

static int write_outputs(struct eeprom_image *img, const struct set_opts *o)
{
	if (fs_write_atomic(o->out, img->data, img->size, 0644) < 0) {
		cli_error("eeprom", "%s: %s", o->out, strerror(errno));
		return EXIT_USAGE;
	}
	if (o->sig) {
		char *sig = eeprom_sig_text(img->data, img->size, eeprom_sig_timestamp(o->timestamp),
					    eeprom_family(img));
		int rc = sig ? fs_write_atomic(o->sig, sig, strlen(sig), 0644) : -1;
		free(sig);
		if (rc < 0) {
			cli_error("eeprom", "%s: %s", o->sig, strerror(errno));
			return EXIT_USAGE;
		}
	}
	return EXIT_OK;
}

static int eeprom_set(int argc, char **argv)
{
	struct set_opts o = {.timestamp = -1};
	int rc = cliopt_parse(&set_spec, argc, argv, &o);
	if (rc != CLIOPT_DONE)
		return rc;
	if (optind >= argc)
		return cli_usage_error("eeprom", "set needs an IMAGE");
	if (!o.out)
		return cli_usage_error("eeprom", "set needs -o OUT (the new image)");
	const char *path = argv[optind++];
	if (o.sig && (fs_same_file(o.sig, path) || fs_same_file(o.sig, o.out)))
		return cli_usage_error("eeprom", "--sig %s is the %s image (expected a file of its own, "
						 "e.g. pieeprom.sig)",
				       o.sig, fs_same_file(o.sig, path) ? "input" : "output");
	size_t n_assign = (size_t)(argc - optind);
	if (!o.config && n_assign == 0)
		return cli_usage_error("eeprom", "set needs KEY=VALUE pairs or --config FILE");
	if (o.config && n_assign)
		return cli_usage_error("eeprom", "give either KEY=VALUE pairs or --config, not both");
	struct eeprom_image img;
	const uint8_t *conf;
	size_t conf_len, len;
	rc = EXIT_USAGE;
	if (load_image("eeprom", path, &img, &conf, &conf_len) == 0) {
		char *text = new_config(&o, conf, conf_len, argv + optind, n_assign, &len);
		if (text && eeprom_replace_file(&img, "bootconf.txt", (const uint8_t *)text, len) < 0) {
			cli_error("eeprom", "%s: %s", path, img.err);
			rc = EXIT_PROBLEMS;
		}
		else if (text) {
			if (o.timestamp >= 0)
				eeprom_set_timestamp(&img, (uint32_t)o.timestamp);
			rc = write_outputs(&img, &o);
		}
		free(text);
	}
	eeprom_done(&img);
	return rc;
}

int cmd_eeprom(int argc, char **argv)
{
	return cli_subcommand(&cmd_eeprom_spec, argc, argv);
}
