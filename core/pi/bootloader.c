/* bootloader — `vcgencmd bootloader_version` and minimum releases for network features. */
#include "core/pi/bootloader.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/base/util.h"

/* A release is built a few days before its release-notes date; a build this much older than a
 * date still counts as that release. */
#define RELEASE_SLACK_S (7 * 86400)

void bootloader_date(int64_t ts, char out[11])
{
	time_t t = (time_t)ts;
	struct tm tm;
	if (!gmtime_r(&t, &tm) || !strftime(out, 11, "%Y-%m-%d", &tm))
		snprintf(out, 11, "?");
}

static int64_t date_ts(const char *ymd)
{
	struct tm tm = {0};
	if (sscanf(ymd, "%d-%d-%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday) != 3)
		return 0;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	return (int64_t)timegm(&tm);
}

static bool parse_i64(const char *s, int64_t *out)
{
	char *end;
	long long v = strtoll(s, &end, 0);
	while (isspace((unsigned char)*end))
		end++;
	if (end == s || *end)
		return false;
	*out = v;
	return true;
}

int bootloader_version_parse(const char *text, size_t len, const char *file,
			     struct bootloader_version *bv, struct problems *ps)
{
	memset(bv, 0, sizeof(*bv));
	bv->update_time = -1;
	char *copy = xstrndup(text, len), *save = NULL;
	bool have_ts = false;
	for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		line = str_trim(line);
		int64_t v;
		if (str_startswith(line, "timestamp ") && parse_i64(line + 10, &v)) {
			/* old firmware prints 0 for the first production release */
			bv->timestamp = v ? v : BOOTLOADER_FIRST_VERSION;
			have_ts = true;
		} else if (str_startswith(line, "update-time ") && parse_i64(line + 12, &v))
			bv->update_time = v;
		else if (str_startswith(line, "capabilities ") && parse_i64(line + 13, &v)) {
			bv->capabilities = (uint32_t)v;
			bv->has_caps = true;
		} else if (str_startswith(line, "version "))
			sscanf(line + 8, "%47s", bv->hash);
		else if (isdigit((unsigned char)line[0]) && strlen(line) >= 10 && line[4] == '/' &&
			 !bv->date[0])
			snprintf(bv->date, sizeof(bv->date), "%.19s", line);
	}
	free(copy);
	if (!have_ts) {
		problems_add(ps, PROBLEM_ERROR, file, 0, NULL, NULL,
			     "no 'timestamp N' line: expected the output of 'vcgencmd "
			     "bootloader_version'");
		return -1;
	}
	return 0;
}

enum trigger { TR_NETBOOT, TR_HTTP, TR_KEY_SET, TR_KEY_NONZERO, TR_KEY_ONE };

struct feature {
	const char *name;
	enum trigger trig;
	const char *key; /* for TR_KEY_*: the key, or several separated by ',' */
	const char *first_2711, *rec_2711, *first_2712, *rec_2712;
};

static const struct feature features[] = {
	{"network boot", TR_NETBOOT, NULL, "2019-09-23", "2020-04-16", "2023-09-13", "2023-10-18"},
	{"TFTP_PREFIX", TR_KEY_NONZERO, "TFTP_PREFIX", "2019-10-08", "2020-04-16", NULL, NULL},
	{"MAC_ADDRESS", TR_KEY_SET, "MAC_ADDRESS", "2019-11-18", "2020-04-16", NULL, NULL},
	{"static IP / TFTP_IP / PXE_OPTION43 / DHCP_OPTION97", TR_KEY_SET,
	 "TFTP_IP,CLIENT_IP,SUBNET,GATEWAY,PXE_OPTION43,DHCP_OPTION97", "2020-03-04", "2020-04-16",
	 NULL, NULL},
	{"IPv6 network boot (USE_IPV6)", TR_KEY_ONE, "USE_IPV6", "2021-09-23", "2022-03-10", NULL,
	 NULL},
	{"HTTP boot", TR_HTTP, NULL, "2022-03-10", "2022-04-26", "2024-01-15", "2024-01-15"},
	{"HTTP_CACERT_HASH", TR_KEY_SET, "HTTP_CACERT_HASH", NULL, NULL, "2024-04-05", "2024-04-05"},
	{"MAC_ADDRESS_OTP", TR_KEY_SET, "MAC_ADDRESS_OTP", "2022-11-02", "2022-11-25", NULL, NULL},
	{"TFTP files over 65535 blocks (about 64 MiB)", TR_NETBOOT, NULL, NULL, "2025-09-23", NULL,
	 "2025-09-23"},
};

static bool order_reaches(const struct bootconf *bc, const struct bootconf_target *t,
			  unsigned mode)
{
	const struct bootconf_entry *e = bootconf_lookup(bc, t, "BOOT_ORDER");
	struct boot_order bo;
	if (!boot_order_parse(e && e->value[0] ? e->value : BOOT_ORDER_DEFAULT, &bo))
		return false;
	return boot_order_reaches(&bo, mode);
}

static const struct bootconf_entry *triggered(const struct feature *f, const struct bootconf *bc,
					      const struct bootconf_target *t, bool *on)
{
	*on = false;
	if (f->trig == TR_NETBOOT || f->trig == TR_HTTP) {
		*on = order_reaches(bc, t, f->trig == TR_NETBOOT ? 2 : 7);
		return bootconf_lookup(bc, t, "BOOT_ORDER");
	}
	char keys[128];
	snprintf(keys, sizeof(keys), "%s", f->key);
	char *save = NULL;
	for (char *k = strtok_r(keys, ",", &save); k; k = strtok_r(NULL, ",", &save)) {
		const struct bootconf_entry *e = bootconf_lookup(bc, t, k);
		if (!e || !e->value[0])
			continue;
		if (f->trig == TR_KEY_SET || (f->trig == TR_KEY_ONE && strcmp(e->value, "1") == 0) ||
		    (f->trig == TR_KEY_NONZERO && strtol(e->value, NULL, 0) != 0)) {
			*on = true;
			return e;
		}
	}
	return NULL;
}

int bootloader_check_features(const struct bootconf *bc, const struct bootconf_target *t,
			      const char *family, int64_t build_ts, const char *file,
			      struct problems *ps)
{
	if (build_ts <= 0 || !family)
		return 0;
	bool is2712 = strcmp(family, "2712") == 0;
	char have[11];
	bootloader_date(build_ts, have);
	int errors = 0;
	for (size_t i = 0; i < PNB_ARRAY_LEN(features); i++) {
		const struct feature *f = &features[i];
		const char *first = is2712 ? f->first_2712 : f->first_2711;
		const char *rec = is2712 ? f->rec_2712 : f->rec_2711;
		bool on;
		const struct bootconf_entry *e = triggered(f, bc, t, &on);
		if (!on)
			continue;
		const char *k = e ? e->key : NULL;
		int line = e ? e->line : 0;
		const char *where = e ? bc->file : file; /* the line that asks for the feature */
		if (first && build_ts + RELEASE_SLACK_S < date_ts(first)) {
			problems_add(ps, PROBLEM_ERROR, where, line, NULL, k,
				     "%s needs a bootloader from %s or later; this one is from %s",
				     f->name, first, have);
			errors++;
		} else if (rec && build_ts + RELEASE_SLACK_S < date_ts(rec))
			problems_add(ps, PROBLEM_WARNING, where, line, NULL, k,
				     "%s: fixed in the bootloader of %s; this one is from %s "
				     "(update it: sudo rpi-eeprom-update -a)",
				     f->name, rec, have);
	}
	return errors;
}
