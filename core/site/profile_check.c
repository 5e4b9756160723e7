/* profile_check — one value at a time: the checks behind every key of the site profile, with
 * the messages the loader, the wizard and the CSV import all print. Each check says what is
 * wrong and what is accepted. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/site/profile_priv.h"
#include "core/base/place.h"
#include "core/base/util.h"

#define MAC_EXAMPLE "dc:a6:32:1c:6a:2a"

int profile_enum_lookup(const char *const *names, const char *v)
{
	for (int i = 0; names[i]; i++)
		if (strcasecmp(names[i], v) == 0)
			return i;
	return -1;
}

static char *enum_message(const char *const *names, const char *v)
{
	struct sbuf b;
	sbuf_init(&b);
	sbuf_printf(&b, "\"%s\" is not accepted (expected ", v);
	for (int i = 0; names[i]; i++)
		sbuf_printf(&b, "%s%s", i ? (names[i + 1] ? ", " : " or ") : "", names[i]);
	sbuf_add(&b, ")");
	return sbuf_take(&b);
}

static char *check_enum(const char *const *names, const char *v)
{
	return profile_enum_lookup(names, v) < 0 ? enum_message(names, v) : NULL;
}

bool serial_normalise(const char *s, char out[9])
{
	size_t n = strlen(s);
	const char *p = s;
	if (n > 2 && (strncasecmp(s, "0x", 2) == 0)) {
		p += 2;
		n -= 2;
	}
	if (n != 8 && n != 16)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isxdigit((unsigned char)p[i]))
			return false;
	for (int i = 0; i < 8; i++)
		out[i] = (char)tolower((unsigned char)p[n - 8 + i]);
	out[8] = '\0';
	return true;
}

/* RFC 3720 §3.2.6.3.1 with the RFC 3722 profile: after stringprep an ASCII iSCSI name holds
 * only a-z, 0-9, '-', '.' and ':'. Upper case is what the stringprep step folds: NAS vendors
 * show names with it (iqn.2000-01.com.synology:BlackSyno.PiTarget), and the Pi must send the
 * name exactly as the target shows it, so it is taken as written. */
static bool iqn_char(char c)
{
	return isalnum((unsigned char)c) || c == '-' || c == '.';
}

bool iqn_equal(const char *a, const char *b)
{
	return a && b && strcasecmp(a, b) == 0;
}

bool portal_parse(const char *v, uint32_t *ip, uint16_t *port)
{
	char host[16];
	const char *colon = strchr(v, ':');
	size_t n = colon ? (size_t)(colon - v) : strlen(v);
	if (n == 0 || n >= sizeof(host))
		return false;
	memcpy(host, v, n);
	host[n] = '\0';
	uint32_t a;
	if (!ipv4_parse(host, &a) || !a)
		return false;
	unsigned long pt = 0;
	if (colon) {
		char *end;
		if (!colon[1] || colon[1] == '-' || colon[1] == '+')
			return false;
		pt = strtoul(colon + 1, &end, 10);
		if (*end || pt < 1 || pt > 65535)
			return false;
	}
	*ip = a;
	*port = (uint16_t)pt;
	return true;
}

/* "IPV4[:PORT]": it lands in cmdline.txt words (iscsi_target_ip=, netroot=iscsi:…), so only
 * a dotted quad and a decimal port get through. */
static char *check_portal(const char *v)
{
	uint32_t ip;
	uint16_t port;
	if (!portal_parse(v, &ip, &port))
		return xasprintf("\"%s\" is not an iSCSI portal (expected IPV4 or IPV4:PORT, e.g. "
				 "192.168.1.10 or 192.168.1.10:3260)",
				 v);
	return NULL;
}

/* Characters a cmdline.txt word or a config.txt value may hold here: the initramfs reads the
 * command line with shell scripts and config.txt has '#' comments, so no quote, '$', '`', '\\',
 * ';', '&', '|', '#', '<', '>' or control character gets through. */
static bool plain_char(char c)
{
	return isalnum((unsigned char)c) || strchr("._:/=,+@%-", c);
}

static char *check_cmdline_extra(const char *v)
{
	static const char *const owned[] = {"root=", "ip=", "nfsroot=", "netroot=", "iscsi_",
					    "ISCSI_", "rd.iscsi.", "rootwait", NULL};
	size_t n = strlen(v);
	bool ok = n > 0 && n <= 512;
	for (const char *c = v; ok && *c; c++)
		ok = plain_char(*c) || (*c == ' ' && c[1] != ' ');
	if (!ok)
		return xasprintf("\"%s\" is not a list of kernel command-line words (expected words "
				 "of letters, digits and ._:/=,+@%%- separated by single spaces, at "
				 "most 512 characters, e.g. console=ttyAMA0 earlycon)",
				 v);
	for (const char *w = v; *w; w += strcspn(w, " "), w += *w == ' ')
		for (size_t i = 0; owned[i]; i++)
			if (!strncmp(w, owned[i], strlen(owned[i])))
				return xasprintf("\"%s\" sets %s, which pinetboot writes from the "
						 "profile (expected other words; the root and network "
						 "words follow root, iscsi_target, initramfs and the Pi's "
						 "keys)",
						 v, owned[i]);
	return NULL;
}

/* "CODE,VALUE": the value goes into dnsmasq's dhcp-option-force and dhcpd's option lines as a
 * quoted string (Kea gets it as hex), so no quote, backslash or control character; the codes pinetboot (or DHCP
 * itself) sets are refused so the boot offer stays pinetboot's. */
static char *check_dhcp_option(const char *v)
{
	static const int owned[] = {0, 1, 3, 6, 12, 28, 43, 50, 51, 52, 53, 54, 55, 56, 57, 58,
				    59, 60, 61, 66, 67, 93, 94, 97, 255};
	char *end;
	long code = strtol(v, &end, 10);
	bool ok = isdigit((unsigned char)v[0]) && *end == ',' && code >= 1 && code <= 254 &&
		  end[1] && strlen(end + 1) <= 200;
	for (const char *c = ok ? end + 1 : ""; ok && *c; c++)
		ok = plain_char(*c) || *c == '|' || *c == ' ';
	if (!ok)
		return xasprintf("\"%s\" is not a DHCP option (expected CODE,VALUE with a code from 1 "
				 "to 254 and a text value of letters, digits, spaces and "
				 "._:/=,+@%%|-, e.g. 17,iscsi:192.168.1.10:::1:iqn.2024-01.local:pi4)",
				 v);
	for (size_t i = 0; i < sizeof(owned) / sizeof(owned[0]); i++)
		if (code == owned[i])
			return xasprintf("\"%s\": option %ld is set by pinetboot or by DHCP itself "
					 "(expected another code, e.g. 17 or 224-254)",
					 v, code);
	return NULL;
}

static char *check_config_extra(const char *v)
{
	size_t k = strspn(v, "abcdefghijklmnopqrstuvwxyz0123456789_");
	bool ok = k > 0 && v[k] == '=' && strlen(v) <= 200;
	for (const char *c = v + k + 1; ok && k && *c; c++)
		ok = plain_char(*c) || *c == ' ';
	if (!ok)
		return xasprintf("\"%s\" is not a config.txt setting (expected one KEY=VALUE line, "
				 "e.g. enable_uart=1; the value of letters, digits, spaces and "
				 "._:/=,+@%%-)",
				 v);
	if ((k == 6 && !strncmp(v, "kernel", 6)) || (k == 9 && !strncmp(v, "ramfsfile", 9)))
		return xasprintf("\"%s\": set the kernel and initramfs with the kernel and "
				 "initramfs keys",
				 v);
	return NULL;
}

static char *check_lun(const char *v)
{
	char *end;
	long n = strtol(v, &end, 10);
	if (!*v || *end || !isdigit((unsigned char)v[0]) || n < 0 || n > 16383)
		return xasprintf("\"%s\" is not a LUN (expected a number from 0 to 16383, e.g. 1)", v);
	return NULL;
}

bool iqn_valid(const char *iqn)
{
	if (strncmp(iqn, "iqn.", 4) != 0 || strlen(iqn) > 223)
		return false;
	const char *p = iqn + 4;
	for (int i = 0; i < 4; i++)
		if (!isdigit((unsigned char)p[i]))
			return false;
	if (p[4] != '-' || !isdigit((unsigned char)p[5]) || !isdigit((unsigned char)p[6]))
		return false;
	int month = (p[5] - '0') * 10 + (p[6] - '0');
	if (month < 1 || month > 12 || p[7] != '.')
		return false;
	p += 8;
	const char *colon = strchr(p, ':');
	size_t dlen = colon ? (size_t)(colon - p) : strlen(p);
	if (dlen == 0 || p[0] == '.' || p[dlen - 1] == '.')
		return false;
	for (size_t i = 0; i < dlen; i++)
		if (!iqn_char(p[i]) || (p[i] == '.' && p[i + 1] == '.'))
			return false;
	if (colon) {
		if (colon[1] == '\0')
			return false;
		for (const char *q = colon + 1; *q; q++)
			if (!iqn_char(*q) && *q != ':')
				return false;
	}
	return true;
}

char *profile_parse_cidr(const char *v, uint32_t *addr, unsigned *plen)
{
	char buf[64];
	snprintf(buf, sizeof(buf), "%s", v);
	char *slash = strchr(buf, '/');
	uint32_t a;
	unsigned long pl = 24;
	if (slash) {
		*slash = '\0';
		char *end;
		pl = strtoul(slash + 1, &end, 10);
		if (!isdigit((unsigned char)slash[1]) || *end || pl < 8 || pl > 30)
			return xasprintf("\"%s\" has no usable prefix length (expected /8 to /30, e.g. "
					 "192.168.20.1/24)",
					 v);
	}
	if (!slash || !ipv4_parse(buf, &a) || strlen(v) >= sizeof(buf))
		return xasprintf("\"%s\" is not an IPv4 address with prefix (expected e.g. "
				 "192.168.20.1/24)",
				 v);
	uint32_t mask = ipv4_netmask((unsigned)pl);
	if ((a & ~mask) == 0 || (a & ~mask) == ~mask)
		return xasprintf("\"%s\" is the network or broadcast address of its subnet (expected "
				 "a host address, e.g. 192.168.20.1/24)",
				 v);
	if ((a >> 24) == 0 || (a >> 24) == 127 || (a >> 28) >= 14)
		return xasprintf("\"%s\" is not a unicast address a Pi can reach (expected e.g. "
				 "192.168.20.1/24)",
				 v);
	if (addr)
		*addr = a;
	if (plen)
		*plen = (unsigned)pl;
	return NULL;
}

/* Paths are judged in their lexical normal form (so "//", "/./" and "/x/.." cannot slip past a
 * rule), with the characters every generated file can carry (core/base/place). The loader
 * stores the same normal form (profile_store_*), so comparisons between Pis see one spelling. */
static char *check_abs_path(const char *v)
{
	if (v[0] != '/')
		return xasprintf("\"%s\" is not an absolute path (expected e.g. /srv/tftp)", v);
	char *n = place_path_normalise(v);
	char *why = place_path_check(n);
	free(n);
	if (why) {
		char *m = xasprintf("\"%.80s%s\" %s", v, strlen(v) > 80 ? "…" : "", why);
		free(why);
		return m;
	}
	return NULL;
}

/* A directory pinetboot serves or exports (tftp_root, nfs_root, nfs_path) or a file it writes
 * (backing): never a system directory or inside one. */
static char *check_site_path(const char *v, bool allow_dev)
{
	char *err = check_abs_path(v);
	if (err)
		return err;
	char *n = place_path_normalise(v);
	const char *sys = place_path_system(n, allow_dev);
	if (sys) {
		err = strcmp(n, "/") == 0
			  ? xasprintf("\"%s\" is the whole file system (expected a directory of its "
				      "own, e.g. /srv/tftp)",
				      v)
		      : strcmp(n, sys) == 0
			  ? xasprintf("\"%s\" is the system directory %s (expected a directory of "
				      "its own, e.g. /srv/tftp or /srv/nfs/NAME)",
				      v, sys)
			  : xasprintf("\"%s\" lies inside %s, which belongs to the system (expected "
				      "a place of its own, e.g. under /srv)",
				      v, sys);
	}
	free(n);
	return err;
}

static char *check_image(const char *v)
{
	char *err = check_abs_path(v);
	if (err)
		return err;
	static const char *const ext[] = {".img", ".img.xz", ".img.gz", ".img.zst", ".zip", ".raw"};
	for (size_t i = 0; i < PNB_ARRAY_LEN(ext); i++)
		if (str_endswith(v, ext[i]) && strlen(v) > strlen(ext[i]) && v[strlen(v) - strlen(ext[i]) - 1] != '/')
			return NULL;
	return xasprintf("\"%s\" is not an OS image name (expected a file ending in .img, "
			 ".img.xz, .img.gz, .img.zst or .zip)",
			 v);
}

static char *check_ipv4(const char *v)
{
	uint32_t a;
	if (!ipv4_parse(v, &a))
		return xasprintf("\"%s\" is not an IPv4 address (expected e.g. 192.168.20.1)", v);
	if ((a >> 24) == 0 || (a >> 24) == 127 || (a >> 28) >= 14)
		return xasprintf("\"%s\" is not a unicast address a Pi can use (expected e.g. "
				 "192.168.20.1)",
				 v);
	return NULL;
}

char *profile_parse_range(const char *v, uint32_t *lo, uint32_t *hi)
{
	char buf[64];
	snprintf(buf, sizeof(buf), "%s", v);
	char *dash = strchr(buf, '-');
	uint32_t a, b;
	if (!dash || strlen(v) >= sizeof(buf))
		goto bad;
	*dash = '\0';
	if (!ipv4_parse(str_trim(buf), &a) || !ipv4_parse(str_trim(dash + 1), &b))
		goto bad;
	if (a > b)
		return xasprintf("\"%s\" starts after it ends (expected first-last)", v);
	if (lo)
		*lo = a;
	if (hi)
		*hi = b;
	return NULL;
bad:
	return xasprintf("\"%s\" is not an address range (expected first-last, e.g. "
			 "192.168.20.100-192.168.20.199)",
			 v);
}

static char *check_interface(const char *v)
{
	if (!place_ifname_ok(v))
		return xasprintf("\"%s\" is not an interface name (expected one name of 1 to 15 "
				 "letters, digits, '_', '.', '@' or '-', e.g. eth0; no lists or "
				 "wildcards)",
				 v);
	return NULL;
}

static char *check_reply_delay(const char *v)
{
	if (!strcasecmp(v, "auto"))
		return NULL;
	char *end;
	long d = strtol(v, &end, 10);
	if (!isdigit((unsigned char)*v) || *end || d < 0 || d > 5)
		return xasprintf("\"%s\" is not a delay (expected auto or 0 to 5 seconds)", v);
	return NULL;
}

char *profile_check_server_value(enum profile_server_key key, const char *v)
{
	switch (key) {
	case SK_INTERFACE: return check_interface(v);
	case SK_ADDRESS: return profile_parse_cidr(v, NULL, NULL);
	case SK_DHCP: return check_enum(dhcp_mode_names, v);
	case SK_TFTP: return check_enum(tftp_server_names, v);
	case SK_ROOT: return check_enum(root_kind_names, v);
	case SK_ISCSI_TARGET: return check_enum(iscsi_target_names, v);
	case SK_INITRAMFS: return check_enum(initramfs_names, v);
	case SK_TFTP_ROOT:
	case SK_NFS_ROOT: return check_site_path(v, false);
	case SK_IQN_BASE:
		if (!iqn_valid(v) || strchr(v, ':'))
			return xasprintf("\"%s\" is not an IQN prefix (expected "
					 "iqn.yyyy-mm.reversed.domain, e.g. "
					 "iqn.2026-11.lan.example)",
					 v);
		return NULL;
	case SK_ISCSI_PORTAL: return check_portal(v);
	case SK_BOOT_WRITEBACK:
		if (strcmp(v, "nfs") && strcmp(v, "none"))
			return xasprintf("\"%s\" is not accepted (expected nfs or none)", v);
		return NULL;
	case SK_RANGE: return profile_parse_range(v, NULL, NULL);
	case SK_ROUTER:
	case SK_DNS: return check_ipv4(v);
	case SK_REPLY_DELAY: return check_reply_delay(v);
	case SK_COUNT: break;
	}
	return xstrdup("unknown key");
}

bool profile_parse_yes_no(const char *v, bool *out)
{
	static const char *const yes[] = {"yes", "true", "on", "1", NULL};
	static const char *const no[] = {"no", "false", "off", "0", NULL};
	if (profile_enum_lookup(yes, v) >= 0)
		*out = true;
	else if (profile_enum_lookup(no, v) >= 0)
		*out = false;
	else
		return false;
	return true;
}

char *profile_parse_prefix(const char *v, enum tftp_prefix_kind *kind, const char **str)
{
	if (!strcasecmp(v, "serial")) {
		*kind = TFTP_PREFIX_SERIAL;
		return NULL;
	}
	if (!strcasecmp(v, "mac")) {
		*kind = TFTP_PREFIX_MAC;
		return NULL;
	}
	if (!strcasecmp(v, "none")) {
		*kind = TFTP_PREFIX_NONE;
		return NULL;
	}
	if (strncasecmp(v, "string:", 7) != 0)
		return xasprintf("\"%s\" is not accepted (expected serial, mac, none or string:NAME)", v);
	const char *s = v + 7;
	size_t n = strlen(s);
	if (n > 0 && s[n - 1] == '/')
		n--;
	/* EEPROM TFTP_PREFIX_STR holds at most 32 characters including the trailing '/'. */
	if (n == 0 || n > 31)
		return xasprintf("\"%s\" has no usable directory name (expected string:NAME with "
				 "1 to 31 characters)",
				 v);
	for (size_t i = 0; i < n; i++)
		if (!(isalnum((unsigned char)s[i]) || s[i] == '-' || s[i] == '_' || s[i] == '.'))
			return xasprintf("\"%s\": the directory name may hold only letters, "
					 "digits, '-', '_' and '.'",
					 v);
	if (s[0] == '.')
		return xasprintf("\"%s\": the directory name may not start with '.'", v);
	*kind = TFTP_PREFIX_STRING;
	*str = s;
	return NULL;
}

char *profile_check_name(const char *what, const char *v)
{
	bool ok = *v && strlen(v) <= 63;
	for (const char *p = v; ok && *p; p++)
		ok = isalnum((unsigned char)*p) || *p == '-';
	if (!ok)
		return xasprintf("\"%s\" is not a %s (expected 1 to 63 letters, digits or '-')", v, what);
	if (v[0] == '-' || v[strlen(v) - 1] == '-')
		return xasprintf("\"%s\" is not a %s (it may not start or end with '-')", v, what);
	return NULL;
}

static char *check_mac(const char *v)
{
	uint8_t mac[6];
	if (!mac_parse(v, mac))
		return xasprintf("\"%s\" is not a MAC address (expected 6 hex pairs, e.g. "
				 MAC_EXAMPLE ")",
				 v);
	if (mac[0] & 1)
		return xasprintf("\"%s\" is a multicast address (expected the Pi's own Ethernet MAC)", v);
	static const uint8_t zero[6];
	if (!memcmp(mac, zero, 6))
		return xasprintf("\"%s\" is all zeros (expected the Pi's own Ethernet MAC, e.g. "
				 MAC_EXAMPLE ")",
				 v);
	return NULL;
}

static bool hex_run(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isxdigit((unsigned char)s[i]))
			return false;
	return true;
}

static char *check_uuid(const char *v)
{
	size_t n = strlen(v);
	bool ok = false;
	if (n == 36)
		ok = hex_run(v, 8) && v[8] == '-' && hex_run(v + 9, 4) && v[13] == '-' &&
		     hex_run(v + 14, 4) && v[18] == '-' && hex_run(v + 19, 4) && v[23] == '-' &&
		     hex_run(v + 24, 12);
	else if (n == 9)
		ok = hex_run(v, 4) && v[4] == '-' && hex_run(v + 5, 4);
	if (!ok)
		return xasprintf("\"%s\" is not a filesystem UUID (expected e.g. "
				 "3b1c7e36-9d2f-4a5e-8a41-6c0d2f7b9e10 or a FAT id like 1A2B-3C4D)",
				 v);
	return NULL;
}

static char *check_size(const char *v)
{
	uint64_t sz;
	if (!size_parse(v, &sz))
		return xasprintf("\"%s\" is not a disk size (expected a number with K, M, G or T, "
				 "e.g. 16G)",
				 v);
	if (sz < (64ull << 20))
		return xasprintf("\"%s\" is too small for a root disk (expected at least 64M, e.g. 16G)", v);
	if (sz > (64ull << 40))
		return xasprintf("\"%s\" is larger than 64T (expected a root disk size, e.g. 16G)", v);
	return NULL;
}

/* kernel = / initramfs = land on a config.txt line as a file of the Pi's TFTP directory: a
 * relative name without "..", whitespace, '#' (a comment there), ',' (an initramfs list) or
 * anything outside the portable file-name characters. */
static char *check_boot_file(const char *v, bool none_ok)
{
	if (!strcasecmp(v, "auto") || (none_ok && !strcasecmp(v, "none")))
		return NULL;
	size_t n = strlen(v);
	bool ok = n > 0 && n <= 64 && v[0] != '/' && v[0] != '.' && !strstr(v, "..");
	for (const char *c = v; ok && *c; c++)
		ok = isalnum((unsigned char)*c) || strchr("._+-/", *c);
	if (!ok)
		return xasprintf("\"%s\" is not a boot file name (expected auto%s or a file of the "
				 "Pi's TFTP directory such as %s: letters, digits, '.', '_', '+', "
				 "'-', '/', no \"..\", at most 64 characters)",
				 v, none_ok ? ", none" : "",
				 none_ok ? "initrd.img-6.6.31-v7+" : "kernel7.img");
	return NULL;
}

char *profile_check_pi_value(enum profile_pi_key key, const char *v)
{
	char serial[9];
	bool b;
	enum tftp_prefix_kind k;
	const char *str;
	switch (key) {
	case PK_MODEL:
		if (model_from_name(v) == PI_MODEL_UNKNOWN)
			return xasprintf("\"%s\" is not a Raspberry Pi model (expected one of %s)", v,
					 model_names_list());
		return NULL;
	case PK_SERIAL:
		if (!serial_normalise(v, serial))
			return xasprintf("\"%s\" is not a serial number (expected 8 or 16 hex digits, "
					 "e.g. 511e57f7 or 10000000511e57f7)",
					 v);
		return NULL;
	case PK_MAC: return check_mac(v);
	case PK_TFTP_PREFIX: return profile_parse_prefix(v, &k, &str);
	case PK_IMAGE: return check_image(v);
	case PK_BACKING: return check_site_path(v, true);
	case PK_NFS_PATH: return check_site_path(v, false);
	case PK_SIZE: return check_size(v);
	case PK_CHAP:
		if (!profile_parse_yes_no(v, &b))
			return xasprintf("\"%s\" is not accepted (expected yes or no)", v);
		return NULL;
	case PK_IP: return check_ipv4(v);
	case PK_INITIATOR:
	case PK_TARGET:
		if (!iqn_valid(v))
			return xasprintf("\"%s\" is not an iSCSI name (expected "
					 "iqn.yyyy-mm.reversed.domain:identifier, e.g. "
					 "iqn.2026-11.lan.example:kitchen)",
					 v);
		return NULL;
	case PK_ROOT_UUID: return check_uuid(v);
	case PK_HOSTNAME: return profile_check_name("host name", v);
	case PK_ISCSI_PORTAL: return check_portal(v);
	case PK_LUN: return check_lun(v);
	case PK_DHCP_OPTION: return check_dhcp_option(v);
	case PK_CMDLINE_EXTRA: return check_cmdline_extra(v);
	case PK_CONFIG_EXTRA: return check_config_extra(v);
	case PK_BOOT_MOUNT:
		if (strcmp(v, "/boot") && strcmp(v, "/boot/firmware"))
			return xasprintf("\"%s\" is not accepted (expected /boot/firmware or /boot)", v);
		return NULL;
	case PK_KERNEL: return check_boot_file(v, false);
	case PK_INITRAMFS: return check_boot_file(v, true);
	case PK_COUNT: break;
	}
	return xstrdup("unknown key");
}
