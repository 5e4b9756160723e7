/* bootconf — parse and validate bootconf.txt (spec eeprom-otp.md §2.1–2.5); evaluate it for one
 * Pi. The key table below is the one source for types, ranges and help text. */
#include "core/pi/bootconf.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/base/place.h"
#include "core/base/util.h"

enum bc_type {
	BT_BOOL, BT_INT, BT_HEX32, BT_ORDER, BT_IPV4, BT_MAC, BT_STR, BT_OTPPAIR, BT_HOST,
	BT_SHA256, BT_NETCONSOLE, BT_COUNT
};

struct bc_key {
	const char *name;
	enum bc_type type;
	long min, max; /* BT_INT range; BT_STR/BT_NETCONSOLE: max = length limit (0 = none) */
};

#define NOMAX LONG_MAX
/* A row names only the bounds its type reads (check_value): K for a type without bounds, K_INT
 * for a number's range, K_LEN for the longest value of a string. */
#define K(name, type) {name, type, 0, 0}
#define K_INT(name, min, max) {name, BT_INT, min, max}
#define K_LEN(name, type, len) {name, type, 0, len}

/* Network keys from §2.3 first, then the other documented keys, then keys found in the 2026
 * binaries (§2.3 "present in the binaries") so real configs do not draw warnings. */
static const struct bc_key keys[] = {
	K("BOOT_ORDER", BT_ORDER),
	K_INT("TFTP_PREFIX", 0, 2),
	K_LEN("TFTP_PREFIX_STR", BT_STR, 32),
	K("TFTP_IP", BT_IPV4),
	K_INT("TFTP_FILE_TIMEOUT", 5000, NOMAX),
	K_INT("DHCP_TIMEOUT", 5000, NOMAX),
	K_INT("DHCP_REQ_TIMEOUT", 500, NOMAX),
	K_INT("NET_BOOT_MAX_RETRIES", -1, NOMAX),
	K_INT("SD_BOOT_MAX_RETRIES", -1, NOMAX),
	K("CLIENT_IP", BT_IPV4),
	K("SUBNET", BT_IPV4),
	K("GATEWAY", BT_IPV4),
	K("MAC_ADDRESS", BT_MAC),
	K("MAC_ADDRESS_OTP", BT_OTPPAIR),
	K("PXE_OPTION43", BT_STR),
	K("DHCP_OPTION97", BT_HEX32),
	K("USE_IPV6", BT_BOOL),
	K_LEN("NETCONSOLE", BT_NETCONSOLE, 32),
	K("NET_INSTALL_ENABLED", BT_BOOL),
	K("NET_INSTALL_AT_POWER_ON", BT_BOOL),
	K_INT("NET_INSTALL_KEYBOARD_WAIT", 0, NOMAX),
	K("HTTP_HOST", BT_HOST),
	K_INT("HTTP_PORT", 1, 65535),
	K("HTTP_PATH", BT_STR),
	K("HTTP_CACERT_HASH", BT_SHA256),
	K("IMAGER_REPO_URL", BT_STR),
	K("BOOT_UART", BT_BOOL),
	K_INT("UART_BAUD", 9600, 921600),
	K("ENABLE_SELF_UPDATE", BT_BOOL),
	K("FREEZE_VERSION", BT_BOOL),
	K("DISABLE_HDMI", BT_BOOL),
	K_INT("HDMI_DELAY", 0, NOMAX),
	K_INT("MAX_RESTARTS", -1, NOMAX),
	K_INT("PARTITION", 0, NOMAX),
	K("PARTITION_WALK", BT_BOOL),
	K_INT("BOOT_WATCHDOG_TIMEOUT", 0, NOMAX),
	K_INT("BOOT_WATCHDOG_PARTITION", 0, NOMAX),
	K("BOOTVAR0", BT_HEX32),
	K("WAKE_ON_GPIO", BT_BOOL),
	K("POWER_OFF_ON_HALT", BT_BOOL),
	K_INT("USB_MSD_DISCOVER_TIMEOUT", 0, NOMAX),
	K_INT("USB_MSD_LUN_TIMEOUT", 0, NOMAX),
	K_INT("USB_MSD_PWR_OFF_TIME", 0, NOMAX),
	K_INT("USB_MSD_STARTUP_DELAY", 0, NOMAX),
	K_INT("USB_MSD_BOOT_MAX_RETRIES", -1, NOMAX),
	K("USB_MSD_EXCLUDE_VID_PID", BT_STR),
	K("VL805", BT_BOOL),
	K("XHCI_DEBUG", BT_HEX32),
	K("SD_QUIRKS", BT_HEX32),
	K_INT("PSU_MAX_CURRENT", 0, NOMAX),
	K("PCIE_PROBE", BT_BOOL),
	K("DNS_IP", BT_IPV4),
	K("BOOT_MENU_OPTIONS", BT_STR),
	K("BOOT_MENU_ENABLED", BT_BOOL),
	K("ETHERNET_PHY", BT_STR),
	K("NETWORK_CONTROL", BT_STR),
	K_INT("USB_DEV_BOOT_MAX_RETRIES", -1, NOMAX),
	K("REBOOT_ON_FATAL_ERROR", BT_BOOL),
	K("SIGNED_BOOT", BT_BOOL),
};
#undef K
#undef K_INT
#undef K_LEN

/* Keys people write that the bootloader does not have (§2.3, rpi-eeprom issue #826). */
static const char *const bogus_keys[] = {"ENABLE_NETWORK_INSTALL", "NET_WAIT", "NETWORK_TIMEOUT",
					 "DISABLE_SELF_UPDATE", "TFTP_BLOCK_SIZE"};

static const struct bc_key *key_find(const char *name)
{
	for (size_t i = 0; i < PNB_ARRAY_LEN(keys); i++)
		if (strcmp(keys[i].name, name) == 0)
			return &keys[i];
	return NULL;
}

/* ---- BOOT_ORDER -------------------------------------------------------------------------- */

const char *boot_order_mode_name(unsigned nibble)
{
	static const char *const names[16] = {
		"SD card (then wait for a card change)", "SD card", "network", "USB device boot (rpiboot)",
		"USB mass storage", "USB 2.0 mass storage (BCM USB port)", "NVMe", "HTTP",
		NULL, NULL, NULL, NULL, NULL, NULL, "stop", "restart"};
	return nibble < 16 && names[nibble] ? names[nibble] : "an unknown mode (skipped)";
}

bool boot_order_parse(const char *s, struct boot_order *bo)
{
	memset(bo, 0, sizeof(*bo));
	if (!s || s[0] != '0' || (s[1] != 'x' && s[1] != 'X'))
		return false;
	s += 2;
	size_t n = strlen(s);
	if (n == 0 || n > 8)
		return false;
	for (size_t i = 0; i < n; i++) {
		int c = tolower((unsigned char)s[i]);
		if (!isxdigit(c))
			return false;
		bo->digits[i] = (char)c;
		bo->value = bo->value << 4 | (uint32_t)(c <= '9' ? c - '0' : c - 'a' + 10);
	}
	return true;
}

static unsigned digit_at(const struct boot_order *bo, size_t i_from_right)
{
	size_t n = strlen(bo->digits);
	int c = bo->digits[n - 1 - i_from_right];
	return (unsigned)(c <= '9' ? c - '0' : c - 'a' + 10);
}

char *boot_order_describe(const struct boot_order *bo)
{
	struct sbuf b;
	sbuf_init(&b);
	size_t n = strlen(bo->digits);
	for (size_t i = 0; i < n; i++) {
		if (i)
			sbuf_add(&b, ", then ");
		sbuf_add(&b, boot_order_mode_name(digit_at(bo, i)));
	}
	if (!n)
		sbuf_add(&b, "(empty)");
	return sbuf_take(&b);
}

bool boot_order_reaches(const struct boot_order *bo, unsigned mode)
{
	size_t n = strlen(bo->digits);
	for (size_t i = 0; i < n; i++) {
		unsigned d = digit_at(bo, i);
		if (d == mode)
			return true;
		/* stop, restart, rpiboot (no timeout) and SD-detect (waits) end the walk */
		if (d == 0xe || d == 0xf || d == 0x3 || d == 0x0)
			return false;
	}
	return false;
}

/* ---- value checks ------------------------------------------------------------------------ */

static bool parse_long(const char *v, long *out)
{
	if (!*v)
		return false;
	errno = 0;
	char *end;
	long x = strtol(v, &end, 0);
	if (errno || *end)
		return false;
	*out = x;
	return true;
}

static bool host_ok(const char *v)
{
	for (const char *p = v; *p; p++)
		if (!(islower((unsigned char)*p) || isdigit((unsigned char)*p) || *p == '-' ||
		      *p == '.'))
			return false;
	return *v != '\0';
}

static bool hex_ok(const char *v, size_t want)
{
	size_t n = strlen(v);
	for (size_t i = 0; i < n; i++)
		if (!isxdigit((unsigned char)v[i]))
			return false;
	return n == want;
}

static bool otppair_ok(const char *v)
{
	return strlen(v) == 3 && v[0] >= '0' && v[0] <= '7' && v[1] == ',' && v[2] >= '0' &&
	       v[2] <= '7' && v[0] != v[2];
}

static bool netconsole_ok(const char *v)
{
	const char *comma = strchr(v, ',');
	if (!comma)
		return false;
	const char *at1 = strchr(v, '@'), *sl1 = strchr(v, '/');
	const char *at2 = strchr(comma, '@'), *sl2 = strchr(comma, '/');
	return at1 && at1 < comma && sl1 && sl1 < comma && at1 < sl1 && at2 && sl2 && at2 < sl2 &&
	       at1 + 1 < sl1; /* src_ip is required */
}

static bool order_ok(const char *v)
{
	struct boot_order bo;
	return boot_order_parse(v, &bo);
}

static bool ipv4_ok(const char *v)
{
	uint32_t ip;
	return ipv4_parse(v, &ip);
}

static bool mac_ok(const char *v)
{
	uint8_t mac[6];
	return mac_parse(v, mac);
}

static bool sha256_ok(const char *v)
{
	return hex_ok(v, 64);
}

/* The types whose empty value leaves the bootloader's default (BOOT_ORDER's is 0xf41) and whose
 * other values must pass ok; what completes "\"VALUE\" is not …". */
static const struct {
	bool (*ok)(const char *v);
	const char *what;
} syntax[BT_COUNT] = {
	[BT_ORDER] = {order_ok, "a boot order: 0x followed by 1 to 8 hex digits, one mode each, "
				"tried right to left (e.g. 0xf21)"},
	[BT_IPV4] = {ipv4_ok, "an IPv4 address (e.g. 192.168.20.1)"},
	[BT_MAC] = {mac_ok, "a MAC address (e.g. dc:a6:32:01:36:c2)"},
	[BT_OTPPAIR] = {otppair_ok, "two different customer OTP rows 0-7 as A,B (e.g. 0,1)"},
	[BT_HOST] = {host_ok, "a host name: lowercase letters, digits, '-' and '.' only, no scheme "
			      "or '/'"},
	[BT_SHA256] = {sha256_ok, "a SHA-256 (64 hex digits)"},
	[BT_NETCONSOLE] = {netconsole_ok, "src_port@src_ip/dev,dst_port@dst_ip/dst_mac (e.g. "
					  "6665@169.254.1.1/,6666@/)"},
};

/* Returns NULL when value suits k, else a heap message saying what is accepted. */
static char *check_value(const struct bc_key *k, const char *v)
{
	long x;
	/* K_LEN rows (strings; 0 = any length): the one length rule before each type's syntax */
	if ((k->type == BT_STR || k->type == BT_NETCONSOLE) && k->max &&
	    strlen(v) > (size_t)k->max)
		return xasprintf("is %zu characters long; at most %ld are allowed", strlen(v), k->max);
	if (syntax[k->type].ok) {
		if (*v && !syntax[k->type].ok(v))
			return xasprintf("\"%s\" is not %s", v, syntax[k->type].what);
		return NULL;
	}
	switch (k->type) {
	case BT_BOOL:
		if (strcmp(v, "0") && strcmp(v, "1"))
			return xasprintf("\"%s\" is not 0 or 1", v);
		return NULL;
	case BT_INT:
		if (!parse_long(v, &x))
			return xasprintf("\"%s\" is not a number", v);
		if (x < k->min || x > k->max) {
			if (k->max == NOMAX)
				return xasprintf("%ld is out of range (at least %ld)", x, k->min);
			return xasprintf("%ld is out of range (%ld to %ld)", x, k->min, k->max);
		}
		return NULL;
	case BT_HEX32:
		if (!parse_long(v, &x) || x < 0 || x > (long)UINT32_MAX)
			return xasprintf("\"%s\" is not a 32-bit number (e.g. 0x34695052)", v);
		return NULL;
	default:
		return NULL; /* BT_STR: any text, within its K_LEN above */
	}
}

static void check_boot_order_modes(const char *file, int line, const char *sec, const char *v,
				   struct problems *ps)
{
	struct boot_order bo;
	if (!boot_order_parse(v, &bo))
		return;
	for (size_t i = 0; i < strlen(bo.digits); i++) {
		unsigned d = digit_at(&bo, i);
		if (d >= 8 && d <= 0xd)
			problems_add(ps, PROBLEM_WARNING, file, line, sec, "BOOT_ORDER",
				     "mode 0x%x does not exist; the bootloader skips it", d);
	}
}

/* ---- section filters --------------------------------------------------------------------- */

static const char *const model_filters[] = {"pi4", "pi400", "cm4", "cm4s", "pi5", "cm5", "pi500"};

/* Applies one "[...]" line to the filter state. Returns false for a filter the bootloader does
 * not know (the state then never matches until [all]). */
static bool filter_apply(struct bootconf_filter *f, const char *inner)
{
	char *end;
	if (strcasecmp(inner, "all") == 0) {
		memset(f, 0, sizeof(*f));
		f->board_type = -1;
		return true;
	}
	if (strcasecmp(inner, "none") == 0) {
		f->none = true;
		return true;
	}
	for (size_t i = 0; i < PNB_ARRAY_LEN(model_filters); i++)
		if (strcasecmp(inner, model_filters[i]) == 0) {
			snprintf(f->model, sizeof(f->model), "%s", model_filters[i]);
			return true;
		}
	if (strncasecmp(inner, "board-type=", 11) == 0) {
		long t = strtol(inner + 11, &end, 0);
		if (*end || t < 0 || t > 0xff || end == inner + 11)
			return false;
		f->board_type = (int)t;
		return true;
	}
	if ((inner[0] == '0' && (inner[1] == 'x' || inner[1] == 'X')) && hex_ok(inner + 2, 8)) {
		f->has_serial = true;
		f->serial = (uint32_t)strtoul(inner + 2, NULL, 16);
		return true;
	}
	if (strncasecmp(inner, "gpio", 4) == 0 || strcasecmp(inner, "tryboot") == 0 ||
	    strncasecmp(inner, "partition=", 10) == 0 ||
	    strncasecmp(inner, "boot_partition=", 15) == 0) {
		f->runtime = true;
		return true;
	}
	f->unsupported = true;
	return false;
}

static bool model_filter_matches(const char *filter, enum pi_model m)
{
	if (!filter[0])
		return true;
	if (strcmp(filter, "pi4") == 0)
		return m == PI_4B || m == PI_400 || m == PI_CM4;
	if (strcmp(filter, "pi5") == 0)
		return m == PI_5 || m == PI_500 || m == PI_CM5;
	const char *mf = model_info(m)->bootconf_filter;
	return mf && strcmp(mf, filter) == 0;
}

bool bootconf_filter_matches(const struct bootconf_filter *f, const struct bootconf_target *t)
{
	if (f->none || f->runtime || f->unsupported)
		return false;
	if (!model_filter_matches(f->model, t->model))
		return false;
	int bt = t->board_type >= 0 ? t->board_type : model_info(t->model)->rev_type;
	if (f->board_type >= 0 && f->board_type != bt)
		return false;
	if (f->has_serial && (!t->has_serial || t->serial != f->serial))
		return false;
	return true;
}

/* ---- parsing ----------------------------------------------------------------------------- */

static void entry_add(struct bootconf *bc, const char *key, const char *value, int line,
		      bool known, const struct bootconf_filter *f)
{
	if (bc->n == bc->cap) {
		bc->cap = bc->cap ? bc->cap * 2 : 16;
		bc->entries = xrealloc(bc->entries, bc->cap * sizeof(*bc->entries));
	}
	struct bootconf_entry *e = &bc->entries[bc->n++];
	e->key = xstrdup(key);
	e->value = xstrdup(value);
	e->line = line;
	e->known = known;
	e->filter = *f;
}

static const char *sec_name(const struct bootconf_filter *f)
{
	return f->text[0] ? f->text : NULL;
}

static void parse_key_line(struct bootconf *bc, char *line, int lineno,
			   const struct bootconf_filter *f, struct problems *ps)
{
	const char *file = bc->file, *sec = sec_name(f);
	char *eq = strchr(line, '=');
	if (!eq) {
		problems_add(ps, PROBLEM_WARNING, file, lineno, sec, NULL,
			     "\"%s\" is not KEY=value; the bootloader ignores it", line);
		return;
	}
	*eq = '\0';
	char *key = str_trim(line), *value = str_trim(eq + 1);
	const struct bc_key *k = key_find(key);
	if (!k) {
		bool bogus = false;
		for (size_t i = 0; i < PNB_ARRAY_LEN(bogus_keys); i++)
			bogus |= strcmp(bogus_keys[i], key) == 0;
		char up[64];
		size_t i = 0;
		for (; key[i] && i + 1 < sizeof(up); i++)
			up[i] = (char)toupper((unsigned char)key[i]);
		up[i] = '\0';
		if (bogus)
			problems_add(ps, PROBLEM_WARNING, file, lineno, sec, key,
				     "this key does not exist in the bootloader; it is ignored");
		else if (key_find(up))
			problems_add(ps, PROBLEM_WARNING, file, lineno, sec, key,
				     "unknown key; keys are upper case: did you mean %s?", up);
		else
			problems_add(ps, PROBLEM_WARNING, file, lineno, sec, key,
				     "unknown key; the bootloader ignores it");
	} else {
		char *msg = check_value(k, value);
		if (msg) {
			problems_add(ps, PROBLEM_ERROR, file, lineno, sec, key, "%s", msg);
			free(msg);
		} else if (k->type == BT_ORDER)
			check_boot_order_modes(file, lineno, sec, value, ps);
	}
	entry_add(bc, key, value, lineno, k != NULL, f);
}

/* Copies line lineno (without the end of line) into a heap string; *next is the next start. */
static char *take_line(const char *text, size_t len, size_t *pos)
{
	size_t start = *pos, end = start;
	while (end < len && text[end] != '\n')
		end++;
	*pos = end < len ? end + 1 : end;
	size_t n = end - start;
	if (n && text[start + n - 1] == '\r')
		n--;
	char *s = xstrndup(text + start, n);
	for (size_t i = 0; i < n && s[i]; i++)
		if ((unsigned char)s[i] < 0x20 && s[i] != '\t')
			s[i] = '?'; /* control bytes are garbage; keep them visible */
	return s;
}

static void cross_checks(const struct bootconf *bc, struct problems *ps)
{
	const struct bootconf_entry *prefix = NULL, *prefix_str = NULL;
	for (size_t i = 0; i < bc->n; i++) {
		if (strcmp(bc->entries[i].key, "TFTP_PREFIX") == 0)
			prefix = &bc->entries[i];
		if (strcmp(bc->entries[i].key, "TFTP_PREFIX_STR") == 0)
			prefix_str = &bc->entries[i];
	}
	if (prefix && strcmp(prefix->value, "1") == 0 && (!prefix_str || !prefix_str->value[0]))
		problems_add(ps, PROBLEM_WARNING, bc->file, prefix->line, sec_name(&prefix->filter),
			     "TFTP_PREFIX",
			     "1 uses TFTP_PREFIX_STR, which is not set: the prefix will be empty");
}

int bootconf_parse(const char *text, size_t len, const char *file, struct bootconf *bc,
		   struct problems *ps)
{
	memset(bc, 0, sizeof(*bc));
	bc->file = file ? xstrdup(file) : NULL;
	struct bootconf_filter f;
	filter_apply(memset(&f, 0, sizeof(f)), "all");
	size_t pos = 0, errors_before = problems_count(ps, PROBLEM_ERROR);
	int lineno = 0;
	while (pos < len) {
		char *raw = take_line(text, len, &pos);
		lineno++;
		if (strlen(raw) > BOOTCONF_LINE_MAX) {
			problems_add(ps, PROBLEM_WARNING, file, lineno, NULL, NULL,
				     "line is %zu characters; the bootloader ignores everything past "
				     "%d",
				     strlen(raw), BOOTCONF_LINE_MAX);
			raw[BOOTCONF_LINE_MAX] = '\0';
		}
		char *line = str_trim(raw);
		if (!line[0] || line[0] == '#') {
			free(raw);
			continue;
		}
		if (line[0] == '[') {
			char *close = strchr(line, ']');
			if (close)
				*close = '\0';
			char *inner = str_trim(line + 1);
			if (strcasecmp(inner, "config.txt") == 0) {
				bc->config_txt_line = lineno; /* the rest belongs to config.txt */
				free(raw);
				break;
			}
			if (!close || !filter_apply(&f, inner))
				problems_add(ps, PROBLEM_WARNING, file, lineno, NULL, NULL,
					     "[%s] is not a filter the bootloader supports; the lines "
					     "under it never apply (supported: all, none, pi4, pi400, "
					     "cm4, cm4s, pi5, cm5, pi500, board-type=0xNN, 0xSERIAL, "
					     "gpioN=0/1, tryboot, partition=N)",
					     inner);
			snprintf(f.text, sizeof(f.text), "[%s]", inner);
			free(raw);
			continue;
		}
		parse_key_line(bc, line, lineno, &f, ps);
		free(raw);
	}
	cross_checks(bc, ps);
	return problems_count(ps, PROBLEM_ERROR) > errors_before ? -1 : 0;
}

void bootconf_done(struct bootconf *bc)
{
	for (size_t i = 0; i < bc->n; i++) {
		free(bc->entries[i].key);
		free(bc->entries[i].value);
	}
	free(bc->entries);
	free(bc->file);
	memset(bc, 0, sizeof(*bc));
}

const struct bootconf_entry *bootconf_lookup(const struct bootconf *bc,
					     const struct bootconf_target *t, const char *key)
{
	const struct bootconf_entry *found = NULL;
	for (size_t i = 0; i < bc->n; i++)
		if (strcmp(bc->entries[i].key, key) == 0 &&
		    bootconf_filter_matches(&bc->entries[i].filter, t))
			found = &bc->entries[i];
	return found;
}

/* ---- editing ----------------------------------------------------------------------------- */

char *bootconf_check_value(const char *key, const char *value)
{
	const struct bc_key *k = key_find(key);
	if (!k)
		return xasprintf("unknown key \"%s\" (the bootloader keys are upper case, e.g. "
				 "BOOT_ORDER, TFTP_PREFIX, TFTP_IP)",
				 key);
	/* a value is one line of bootconf.txt: a line break would add a key of its own */
	if (!place_line_ok(value))
		return xstrdup("holds a line break, a control character or bytes that are not "
			       "UTF-8 (expected one line)");
	return check_value(k, value);
}

struct text_lines {
	char **v;
	size_t n;
};

static void lines_split(const char *text, size_t len, struct text_lines *tl)
{
	size_t pos = 0, cap = 0;
	tl->v = NULL;
	tl->n = 0;
	while (pos < len) {
		size_t start = pos;
		while (pos < len && text[pos] != '\n')
			pos++;
		if (tl->n == cap) {
			cap = cap ? cap * 2 : 32;
			tl->v = xrealloc(tl->v, cap * sizeof(char *));
		}
		tl->v[tl->n++] = xstrndup(text + start, pos - start);
		if (pos < len)
			pos++;
	}
}

static bool is_key_line(const char *line, const char *key)
{
	while (*line == ' ' || *line == '\t')
		line++;
	size_t n = strlen(key);
	if (strncmp(line, key, n) != 0)
		return false;
	line += n;
	while (*line == ' ' || *line == '\t')
		line++;
	return *line == '=';
}

static bool blank_line(const char *l)
{
	while (*l == ' ' || *l == '\t' || *l == '\r')
		l++;
	return !*l;
}

static void edit_one(struct text_lines *tl, const char *key, const char *value)
{
	bool global = true;
	ssize_t last = -1;
	size_t boundary = tl->n; /* the first line that leaves the unfiltered part */
	for (size_t i = 0; i < tl->n; i++) {
		const char *l = tl->v[i];
		while (*l == ' ' || *l == '\t')
			l++;
		if (*l == '[') {
			if (strncasecmp(l, "[config.txt]", 12) == 0) {
				if (boundary > i)
					boundary = i;
				break;
			}
			global = strncasecmp(l, "[all]", 5) == 0;
			if (!global && boundary == tl->n)
				boundary = i;
		} else if (global && is_key_line(l, key))
			last = (ssize_t)i;
	}
	char *nl = xasprintf("%s=%s", key, value);
	if (last >= 0) {
		free(tl->v[last]);
		tl->v[last] = nl;
		return;
	}
	size_t at = boundary;
	while (at > 0 && blank_line(tl->v[at - 1]))
		at--;
	tl->v = xrealloc(tl->v, (tl->n + 1) * sizeof(char *));
	memmove(tl->v + at + 1, tl->v + at, (tl->n - at) * sizeof(char *));
	tl->v[at] = nl;
	tl->n++;
}

char *bootconf_edit(const char *text, size_t len, char *const *assign, size_t n,
		    struct problems *ps)
{
	for (size_t i = 0; i < n; i++) {
		const char *eq = strchr(assign[i], '=');
		if (!eq || eq == assign[i]) {
			problems_add(ps, PROBLEM_ERROR, NULL, 0, NULL, NULL,
				     "\"%s\" is not KEY=value (e.g. BOOT_ORDER=0xf21)", assign[i]);
			return NULL;
		}
		char *key = xstrndup(assign[i], (size_t)(eq - assign[i]));
		/* BOOT_ORDER= sets no boot mode at all: a mistake, not a request for the default */
		char *msg = !eq[1] && !strcmp(key, "BOOT_ORDER")
				? xstrdup("is empty (expected boot modes, e.g. BOOT_ORDER=0xf21)")
				: bootconf_check_value(key, eq + 1);
		if (msg)
			problems_add(ps, PROBLEM_ERROR, NULL, 0, NULL, key, "%s", msg);
		free(key);
		if (msg) {
			free(msg);
			return NULL;
		}
	}
	struct text_lines tl;
	lines_split(text, len, &tl);
	for (size_t i = 0; i < n; i++) {
		const char *eq = strchr(assign[i], '=');
		char *key = xstrndup(assign[i], (size_t)(eq - assign[i]));
		edit_one(&tl, key, eq + 1);
		free(key);
	}
	struct sbuf b;
	sbuf_init(&b);
	for (size_t i = 0; i < tl.n; i++) {
		sbuf_add(&b, tl.v[i]);
		sbuf_addc(&b, '\n');
		free(tl.v[i]);
	}
	free(tl.v);
	if (!b.len)
		sbuf_add(&b, "");
	return sbuf_take(&b);
}
