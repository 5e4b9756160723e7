/* profile — loading and validating the site profile (inih), with file:line:key problems. */
#include "core/profile.h"

#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/util.h"

#define KEY_NAME(id, name, help) name,
#define KEY_HELP(id, name, help) help,
const char *const profile_server_key_names[SK_COUNT] = {PROFILE_SERVER_KEYS(KEY_NAME)};
const char *const profile_server_key_help[SK_COUNT] = {PROFILE_SERVER_KEYS(KEY_HELP)};
const char *const profile_pi_key_names[PK_COUNT] = {PROFILE_PI_KEYS(KEY_NAME)};
const char *const profile_pi_key_help[PK_COUNT] = {PROFILE_PI_KEYS(KEY_HELP)};
#undef KEY_NAME
#undef KEY_HELP

const char *const dhcp_mode_names[] = {"proxy", "full", "isc", "kea", "none", NULL};
const char *const tftp_server_names[] = {"dnsmasq", "tftpd-hpa", NULL};
const char *const root_kind_names[] = {"iscsi", "nfs", NULL};
const char *const iscsi_target_names[] = {"tgt", "lio", NULL};
const char *const initramfs_names[] = {"initramfs-tools", "dracut", "rfc4173", NULL};

void site_init(struct site *s)
{
	memset(s, 0, sizeof(*s));
	s->prefix_len = 24;
	s->dhcp = DHCP_PROXY;
	s->tftp = TFTP_DNSMASQ;
	s->tftp_root = xstrdup("/srv/tftp");
	s->root = ROOT_ISCSI;
	s->iscsi_target = TARGET_TGT;
	s->iqn_base = xstrdup("iqn.2026-11.lan.pinetboot");
	s->initramfs = INITRAMFS_TOOLS;
	s->nfs_root = xstrdup("/srv/nfs");
	s->reply_delay = -1;
}

static void pi_done(struct pi *p)
{
	free(p->name);
	free(p->prefix_str);
	free(p->image);
	free(p->backing);
	free(p->initiator);
	free(p->target);
	free(p->root_uuid);
	free(p->nfs_path);
	free(p->hostname);
	free(p->chap_user);
	free(p->chap_secret);
	memset(p, 0, sizeof(*p));
}

void site_done(struct site *s)
{
	for (size_t i = 0; i < s->n_pis; i++)
		pi_done(&s->pis[i]);
	free(s->pis);
	free(s->path);
	free(s->tftp_root);
	free(s->iqn_base);
	free(s->nfs_root);
	memset(s, 0, sizeof(*s));
}

struct pi *site_add_pi(struct site *s, const char *name)
{
	s->pis = xrealloc(s->pis, (s->n_pis + 1) * sizeof(*s->pis));
	struct pi *p = &s->pis[s->n_pis++];
	memset(p, 0, sizeof(*p));
	p->name = xstrdup(name);
	p->model = PI_MODEL_UNKNOWN;
	p->prefix = TFTP_PREFIX_SERIAL;
	p->chap = true;
	return p;
}

void site_remove_pi(struct site *s, size_t index)
{
	if (index >= s->n_pis)
		return;
	pi_done(&s->pis[index]);
	memmove(&s->pis[index], &s->pis[index + 1], (s->n_pis - index - 1) * sizeof(*s->pis));
	s->n_pis--;
}

struct pi *site_find_pi(const struct site *s, const char *name)
{
	for (size_t i = 0; i < s->n_pis; i++)
		if (strcmp(s->pis[i].name, name) == 0)
			return &s->pis[i];
	return NULL;
}

static void set_default(char **field, char *value)
{
	if (*field)
		free(value);
	else
		*field = value;
}

void site_apply_defaults(struct site *s)
{
	for (size_t i = 0; i < s->n_pis; i++) {
		struct pi *p = &s->pis[i];
		set_default(&p->initiator, xasprintf("%s:%s", s->iqn_base, p->name));
		set_default(&p->target, xasprintf("%s:root-%s", s->iqn_base, p->name));
		set_default(&p->backing, xasprintf("/srv/iscsi/%s.img", p->name));
		set_default(&p->nfs_path, xasprintf("%s/%s", s->nfs_root, p->name));
		set_default(&p->hostname, xstrdup(p->name));
	}
}

/* ---- value checks: each returns NULL or a heap message ---- */

static int enum_lookup(const char *const *names, const char *v)
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

bool size_parse(const char *s, uint64_t *bytes)
{
	char *end;
	if (!isdigit((unsigned char)*s))
		return false;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno)
		return false;
	unsigned shift = 0;
	switch (toupper((unsigned char)*end)) {
	case '\0': break;
	case 'K': shift = 10; break;
	case 'M': shift = 20; break;
	case 'G': shift = 30; break;
	case 'T': shift = 40; break;
	default: return false;
	}
	if (*end) {
		end++;
		if (*end == 'i' || *end == 'I')
			end++;
		if (*end == 'B' || *end == 'b')
			end++;
		if (*end)
			return false;
	}
	if (shift && v > (UINT64_MAX >> shift))
		return false;
	*bytes = (uint64_t)v << shift;
	return true;
}

void size_format(uint64_t b, char out[24])
{
	static const char units[] = "KMGT";
	int u = -1;
	while (u < 3 && b && (b & 1023) == 0) {
		b >>= 10;
		u++;
	}
	if (u < 0)
		snprintf(out, 24, "%llu", (unsigned long long)b);
	else
		snprintf(out, 24, "%llu%c", (unsigned long long)b, units[u]);
}

bool iqn_valid(const char *iqn)
{
	/* iqn.yyyy-mm.reversed.domain[:anything printable] */
	if (strncmp(iqn, "iqn.", 4) != 0)
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
	for (size_t i = 0; i < dlen; i++) {
		char c = p[i];
		if (!(islower((unsigned char)c) || isdigit((unsigned char)c) || c == '.' || c == '-'))
			return false;
	}
	if (colon) {
		if (colon[1] == '\0')
			return false;
		for (const char *q = colon + 1; *q; q++)
			if (!isgraph((unsigned char)*q))
				return false;
	}
	return strlen(iqn) <= 223;
}

static char *check_cidr(const char *v, uint32_t *addr, unsigned *plen)
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
	if (!slash || !ipv4_parse(buf, &a))
		return xasprintf("\"%s\" is not an IPv4 address with prefix (expected e.g. "
				 "192.168.20.1/24)",
				 v);
	uint32_t mask = ipv4_netmask((unsigned)pl);
	if ((a & ~mask) == 0 || (a & ~mask) == ~mask)
		return xasprintf("\"%s\" is the network or broadcast address of its subnet (expected "
				 "a host address, e.g. 192.168.20.1/24)",
				 v);
	if (addr)
		*addr = a;
	if (plen)
		*plen = (unsigned)pl;
	return NULL;
}

static char *check_abs_path(const char *v)
{
	if (v[0] != '/')
		return xasprintf("\"%s\" is not an absolute path (expected e.g. /srv/tftp)", v);
	if (strstr(v, "/../") || str_endswith(v, "/.."))
		return xasprintf("\"%s\" contains \"..\" (expected a plain absolute path)", v);
	for (const char *p = v; *p; p++)
		if (iscntrl((unsigned char)*p) || *p == '"' || *p == '\'' || *p == '$' || *p == '`' ||
		    *p == '\\')
			return xasprintf("\"%s\" contains characters a config file cannot carry safely "
					 "(quotes, $, `, \\, control characters)",
					 v);
	return NULL;
}

static char *check_ipv4(const char *v)
{
	uint32_t a;
	if (!ipv4_parse(v, &a))
		return xasprintf("\"%s\" is not an IPv4 address (expected e.g. 192.168.20.1)", v);
	return NULL;
}

static char *check_range(const char *v, uint32_t *lo, uint32_t *hi)
{
	char buf[64];
	snprintf(buf, sizeof(buf), "%s", v);
	char *dash = strchr(buf, '-');
	uint32_t a, b;
	if (!dash)
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

char *profile_check_server_value(enum profile_server_key key, const char *v)
{
	switch (key) {
	case SK_INTERFACE:
		if (!*v || strlen(v) > 15 || strchr(v, '/') || strchr(v, ' ') || !strcmp(v, ".") ||
		    !strcmp(v, ".."))
			return xasprintf("\"%s\" is not an interface name (expected 1 to 15 characters "
					 "without / or spaces, e.g. eth0)",
					 v);
		for (const char *p = v; *p; p++)
			if (!isgraph((unsigned char)*p) || *p == ':' || *p == '"')
				return xasprintf("\"%s\" is not an interface name (expected 1 to 15 "
						 "characters without / or spaces, e.g. eth0)",
						 v);
		return NULL;
	case SK_ADDRESS: return check_cidr(v, NULL, NULL);
	case SK_DHCP: return enum_lookup(dhcp_mode_names, v) < 0 ? enum_message(dhcp_mode_names, v) : NULL;
	case SK_TFTP: return enum_lookup(tftp_server_names, v) < 0 ? enum_message(tftp_server_names, v) : NULL;
	case SK_ROOT: return enum_lookup(root_kind_names, v) < 0 ? enum_message(root_kind_names, v) : NULL;
	case SK_ISCSI_TARGET:
		return enum_lookup(iscsi_target_names, v) < 0 ? enum_message(iscsi_target_names, v) : NULL;
	case SK_INITRAMFS:
		return enum_lookup(initramfs_names, v) < 0 ? enum_message(initramfs_names, v) : NULL;
	case SK_TFTP_ROOT:
	case SK_NFS_ROOT: return check_abs_path(v);
	case SK_IQN_BASE:
		if (!iqn_valid(v) || strchr(v, ':'))
			return xasprintf("\"%s\" is not an IQN prefix (expected "
					 "iqn.yyyy-mm.reversed.domain in lowercase, e.g. "
					 "iqn.2026-11.lan.example)",
					 v);
		return NULL;
	case SK_RANGE: return check_range(v, NULL, NULL);
	case SK_ROUTER:
	case SK_DNS: return check_ipv4(v);
	case SK_REPLY_DELAY: {
		if (!strcasecmp(v, "auto"))
			return NULL;
		char *end;
		long d = strtol(v, &end, 10);
		if (!*v || *end || d < 0 || d > 5)
			return xasprintf("\"%s\" is not a delay (expected auto or 0 to 5 seconds)", v);
		return NULL;
	}
	case SK_COUNT: break;
	}
	return xstrdup("unknown key");
}

static bool yes_no(const char *v, bool *out)
{
	if (!strcasecmp(v, "yes") || !strcasecmp(v, "true") || !strcasecmp(v, "on") || !strcmp(v, "1")) {
		*out = true;
		return true;
	}
	if (!strcasecmp(v, "no") || !strcasecmp(v, "false") || !strcasecmp(v, "off") || !strcmp(v, "0")) {
		*out = false;
		return true;
	}
	return false;
}

static char *check_prefix(const char *v, enum tftp_prefix_kind *kind, const char **str)
{
	if (!strcasecmp(v, "serial")) {
		*kind = TFTP_PREFIX_SERIAL;
		return NULL;
	}
	if (!strcasecmp(v, "mac")) {
		*kind = TFTP_PREFIX_MAC;
		return NULL;
	}
	if (!strncasecmp(v, "string:", 7)) {
		const char *s = v + 7;
		size_t n = strlen(s);
		if (n > 0 && s[n - 1] == '/')
			n--;
		if (n == 0 || n > 31)
			return xasprintf("\"%s\" has no usable directory name (expected string:NAME with "
					 "1 to 31 characters)",
					 v);
		for (size_t i = 0; i < n; i++)
			if (!(isalnum((unsigned char)s[i]) || s[i] == '-' || s[i] == '_' || s[i] == '.'))
				return xasprintf("\"%s\": the directory name may hold only letters, "
						 "digits, '-', '_' and '.'",
						 v);
		*kind = TFTP_PREFIX_STRING;
		*str = s;
		return NULL;
	}
	return xasprintf("\"%s\" is not accepted (expected serial, mac or string:NAME)", v);
}

static char *check_name_like(const char *what, const char *v)
{
	if (!*v || strlen(v) > 63)
		return xasprintf("\"%s\" is not a %s (expected 1 to 63 letters, digits or '-')", v, what);
	for (const char *p = v; *p; p++)
		if (!(isalnum((unsigned char)*p) || *p == '-'))
			return xasprintf("\"%s\" is not a %s (expected 1 to 63 letters, digits or '-')",
					 v, what);
	if (v[0] == '-' || v[strlen(v) - 1] == '-')
		return xasprintf("\"%s\" is not a %s (it may not start or end with '-')", v, what);
	return NULL;
}

char *profile_check_pi_value(enum profile_pi_key key, const char *v)
{
	uint8_t mac[6];
	char serial[9];
	uint64_t sz;
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
	case PK_MAC:
		if (!mac_parse(v, mac))
			return xasprintf("\"%s\" is not a MAC address (expected 6 hex pairs, e.g. "
					 "dc:a6:32:1c:6a:2a)",
					 v);
		if (mac[0] & 1)
			return xasprintf("\"%s\" is a multicast address (expected the Pi's own "
					 "Ethernet MAC)",
					 v);
		return NULL;
	case PK_TFTP_PREFIX: return check_prefix(v, &k, &str);
	case PK_IMAGE:
	case PK_BACKING:
	case PK_NFS_PATH: return check_abs_path(v);
	case PK_SIZE:
		if (!size_parse(v, &sz) || sz < (64ull << 20))
			return xasprintf("\"%s\" is not a disk size (expected a number with K, M, G or "
					 "T, at least 64M, e.g. 16G)",
					 v);
		return NULL;
	case PK_CHAP:
		if (!yes_no(v, &b))
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
	case PK_ROOT_UUID: {
		size_t n = strlen(v);
		bool ok = n == 36 || n == 9 || n == 8;
		for (size_t i = 0; ok && i < n; i++)
			ok = isxdigit((unsigned char)v[i]) || v[i] == '-';
		if (!ok)
			return xasprintf("\"%s\" is not a filesystem UUID (expected e.g. "
					 "3b1c7e36-9d2f-4a5e-8a41-6c0d2f7b9e10 or a FAT id like "
					 "1a2b-3c4d)",
					 v);
		return NULL;
	}
	case PK_HOSTNAME: return check_name_like("host name", v);
	case PK_COUNT: break;
	}
	return xstrdup("unknown key");
}

/* ---- loading ---- */

struct load_ctx {
	const char *file;
	struct site *s;
	struct problems *ps;
	int line;              /* line of the text inih is handling now */
	const char *text;      /* for load from string */
	size_t pos;
	FILE *fp;
	char cur_section[256];
	int cur_section_line;
	bool section_ok;
	struct pi *cur_pi;
	bool seen_server;
};

static void problem(struct load_ctx *c, int line, const char *section, const char *key,
		    char *msg_owned)
{
	problems_add(c->ps, PROBLEM_ERROR, c->file, line, section, key, "%s", msg_owned);
	free(msg_owned);
}

static char *section_label(const char *section)
{
	return xasprintf("[%s]", section);
}

/* Parses `pi "NAME"` → NAME (heap), or NULL. */
static char *pi_section_name(const char *section)
{
	if (strncmp(section, "pi", 2) != 0 || !isspace((unsigned char)section[2]))
		return NULL;
	const char *p = section + 2;
	while (isspace((unsigned char)*p))
		p++;
	size_t n = strlen(p);
	if (n < 2 || p[0] != '"' || p[n - 1] != '"')
		return NULL;
	return xstrndup(p + 1, n - 2);
}

static void begin_section(struct load_ctx *c, const char *section)
{
	snprintf(c->cur_section, sizeof(c->cur_section), "%s", section);
	c->cur_section_line = c->line;
	c->cur_pi = NULL;
	c->section_ok = false;
	char *label = section_label(section);
	if (strcmp(section, "server") == 0) {
		if (c->seen_server)
			problem(c, c->line, label, NULL,
				xstrdup("appears twice (expected one [server] section)"));
		c->seen_server = true;
		c->section_ok = true;
	} else {
		char *name = pi_section_name(section);
		char *bad = name ? check_name_like("Pi name", name) : NULL;
		if (!name) {
			problem(c, c->line, label, NULL,
				xstrdup("is not a known section (expected [server] or [pi \"NAME\"])"));
		} else if (bad) {
			problem(c, c->line, label, NULL, bad);
		} else if (site_find_pi(c->s, name)) {
			problem(c, c->line, label, NULL,
				xasprintf("the name \"%s\" is used by an earlier [pi] section", name));
		} else {
			c->cur_pi = site_add_pi(c->s, name);
			c->cur_pi->line = c->line;
			c->section_ok = true;
		}
		free(name);
	}
	free(label);
}

static void set_str(char **field, const char *v)
{
	free(*field);
	*field = xstrdup(v);
}

static void store_server(struct site *s, enum profile_server_key k, const char *v)
{
	switch (k) {
	case SK_INTERFACE: snprintf(s->interface, sizeof(s->interface), "%s", v); break;
	case SK_ADDRESS: check_cidr(v, &s->address, &s->prefix_len); break;
	case SK_DHCP: s->dhcp = (enum dhcp_mode)enum_lookup(dhcp_mode_names, v); break;
	case SK_TFTP: s->tftp = (enum tftp_server)enum_lookup(tftp_server_names, v); break;
	case SK_TFTP_ROOT: set_str(&s->tftp_root, v); break;
	case SK_ROOT: s->root = (enum root_kind)enum_lookup(root_kind_names, v); break;
	case SK_ISCSI_TARGET:
		s->iscsi_target = (enum iscsi_target_kind)enum_lookup(iscsi_target_names, v);
		break;
	case SK_IQN_BASE: set_str(&s->iqn_base, v); break;
	case SK_INITRAMFS: s->initramfs = (enum initramfs_kind)enum_lookup(initramfs_names, v); break;
	case SK_NFS_ROOT: set_str(&s->nfs_root, v); break;
	case SK_RANGE: check_range(v, &s->range_start, &s->range_end); break;
	case SK_ROUTER: ipv4_parse(v, &s->router); break;
	case SK_DNS: ipv4_parse(v, &s->dns); break;
	case SK_REPLY_DELAY: s->reply_delay = strcasecmp(v, "auto") ? atoi(v) : -1; break;
	case SK_COUNT: break;
	}
}

static void store_pi(struct pi *p, enum profile_pi_key k, const char *v)
{
	const char *str = NULL;
	switch (k) {
	case PK_MODEL: p->model = model_from_name(v); break;
	case PK_SERIAL: p->has_serial = serial_normalise(v, p->serial); break;
	case PK_MAC: p->has_mac = mac_parse(v, p->mac); break;
	case PK_TFTP_PREFIX:
		check_prefix(v, &p->prefix, &str);
		if (str) {
			free(p->prefix_str);
			p->prefix_str = xstrdup(str);
			size_t n = strlen(p->prefix_str);
			if (n && p->prefix_str[n - 1] == '/')
				p->prefix_str[n - 1] = '\0';
		}
		break;
	case PK_IMAGE: set_str(&p->image, v); break;
	case PK_BACKING: set_str(&p->backing, v); break;
	case PK_SIZE: size_parse(v, &p->size); break;
	case PK_CHAP: yes_no(v, &p->chap); break;
	case PK_IP: ipv4_parse(v, &p->ip); break;
	case PK_INITIATOR: set_str(&p->initiator, v); break;
	case PK_TARGET: set_str(&p->target, v); break;
	case PK_ROOT_UUID: set_str(&p->root_uuid, v); break;
	case PK_NFS_PATH: set_str(&p->nfs_path, v); break;
	case PK_HOSTNAME: set_str(&p->hostname, v); break;
	case PK_COUNT: break;
	}
}

static char *accepted_keys(const char *const *names, int n)
{
	struct sbuf b;
	sbuf_init(&b);
	for (int i = 0; i < n; i++)
		sbuf_printf(&b, "%s%s", i ? ", " : "", names[i]);
	return sbuf_take(&b);
}

static int on_key(void *user, const char *section, const char *name, const char *value)
{
	struct load_ctx *c = user;
	if (strcmp(section, c->cur_section) != 0 || c->cur_section_line == 0)
		begin_section(c, section); /* keys before any header land here with section "" */
	if (!c->section_ok)
		return 1;
	char *label = section_label(section);
	bool server = c->cur_pi == NULL;
	const char *const *names = server ? profile_server_key_names : profile_pi_key_names;
	int count = server ? SK_COUNT : PK_COUNT;
	int k = -1;
	for (int i = 0; i < count; i++)
		if (strcmp(names[i], name) == 0)
			k = i;
	if (k < 0) {
		char *keys = accepted_keys(names, count);
		problem(c, c->line, label, name,
			xasprintf("is not a known key (accepted: %s)", keys));
		free(keys);
		free(label);
		return 1;
	}
	int *lines = server ? c->s->key_line : c->cur_pi->key_line;
	if (lines[k]) {
		problem(c, c->line, label, name,
			xasprintf("is set twice (first on line %d)", lines[k]));
		free(label);
		return 1;
	}
	lines[k] = c->line;
	char *err = server ? profile_check_server_value((enum profile_server_key)k, value)
			   : profile_check_pi_value((enum profile_pi_key)k, value);
	if (err)
		problem(c, c->line, label, name, err);
	else if (server)
		store_server(c->s, (enum profile_server_key)k, value);
	else
		store_pi(c->cur_pi, (enum profile_pi_key)k, value);
	free(label);
	return 1;
}

/* inih reads line by line through this reader, so the line number of the text being handled is
 * the count of lines read so far. Section headers are noticed here too, because inih does not
 * tell the handler about a section that has no keys. */
static char *reader(char *str, int num, void *stream)
{
	struct load_ctx *c = stream;
	char *r;
	if (c->fp) {
		r = fgets(str, num, c->fp);
	} else {
		if (!c->text[c->pos])
			return NULL;
		size_t i = 0;
		while (c->text[c->pos] && i + 1 < (size_t)num) {
			char ch = c->text[c->pos++];
			str[i++] = ch;
			if (ch == '\n')
				break;
		}
		str[i] = '\0';
		r = str;
	}
	if (!r)
		return NULL;
	c->line++;
	const char *p = str;
	while (isspace((unsigned char)*p))
		p++;
	if (*p == '[') {
		const char *e = strchr(p, ']');
		if (e) {
			char sect[256];
			snprintf(sect, sizeof(sect), "%.*s", (int)(e - p - 1), p + 1);
			char *t = str_trim(sect);
			memmove(sect, t, strlen(t) + 1);
			begin_section(c, sect);
		}
	}
	return r;
}

static int finish_load(struct load_ctx *c, int rc)
{
	if (rc > 0)
		problems_add(c->ps, PROBLEM_ERROR, c->file, rc, NULL, NULL,
			     "cannot be parsed (expected [section] or key = value)");
	if (!c->seen_server)
		problems_add(c->ps, PROBLEM_ERROR, c->file, 0, "[server]", NULL,
			     "is missing (expected a [server] section with interface and address)");
	site_apply_defaults(c->s);
	profile_validate(c->s, c->ps);
	problems_sort(c->ps);
	return problems_has_errors(c->ps) ? -1 : 0;
}

int profile_load(const char *path, struct site *s, struct problems *ps)
{
	site_init(s);
	s->path = xstrdup(path);
	struct load_ctx c = {.file = path, .s = s, .ps = ps};
	c.fp = fopen(path, "r");
	if (!c.fp) {
		problems_add(ps, PROBLEM_ERROR, path, 0, NULL, NULL, "cannot be read: %s",
			     strerror(errno));
		return -1;
	}
	int rc = ini_parse_stream(reader, &c, on_key, &c);
	fclose(c.fp);
	return finish_load(&c, rc);
}

int profile_load_string(const char *name, const char *text, struct site *s, struct problems *ps)
{
	site_init(s);
	s->path = xstrdup(name);
	struct load_ctx c = {.file = name, .s = s, .ps = ps, .text = text};
	int rc = ini_parse_stream(reader, &c, on_key, &c);
	return finish_load(&c, rc);
}

/* ---- cross-key validation ---- */

static void dup_check(const struct site *s, struct problems *ps, enum profile_pi_key k,
		      const char *(*get)(const struct pi *, char buf[64]))
{
	for (size_t i = 0; i < s->n_pis; i++) {
		char a[64];
		const char *va = get(&s->pis[i], a);
		if (!va)
			continue;
		for (size_t j = 0; j < i; j++) {
			char b[64];
			const char *vb = get(&s->pis[j], b);
			if (vb && strcmp(va, vb) == 0) {
				char *label = xasprintf("[pi \"%s\"]", s->pis[i].name);
				int line = s->pis[i].key_line[k] ? s->pis[i].key_line[k] : s->pis[i].line;
				problems_add(ps, PROBLEM_ERROR, s->path, line, label,
					     profile_pi_key_names[k],
					     "\"%s\" is also used by [pi \"%s\"] (expected each Pi to "
					     "have its own)",
					     va, s->pis[j].name);
				free(label);
				break;
			}
		}
	}
}

static const char *get_mac(const struct pi *p, char buf[64])
{
	if (!p->has_mac)
		return NULL;
	mac_format(p->mac, ':', buf);
	return buf;
}
static const char *get_serial(const struct pi *p, char buf[64])
{
	(void)buf;
	return p->has_serial ? p->serial : NULL;
}
static const char *get_initiator(const struct pi *p, char buf[64])
{
	(void)buf;
	return p->initiator;
}
static const char *get_target(const struct pi *p, char buf[64])
{
	(void)buf;
	return p->target;
}
static const char *get_backing(const struct pi *p, char buf[64])
{
	(void)buf;
	return p->backing;
}
static const char *get_ip(const struct pi *p, char buf[64])
{
	if (!p->ip)
		return NULL;
	ipv4_format(p->ip, buf);
	return buf;
}

void profile_validate(const struct site *s, struct problems *ps)
{
	if (s->key_line[SK_INTERFACE] == 0 && s->interface[0] == '\0')
		problems_add(ps, PROBLEM_ERROR, s->path, 0, "[server]", "interface",
			     "is missing (expected the interface the Pis are on, e.g. eth0)");
	if (s->address == 0)
		problems_add(ps, PROBLEM_ERROR, s->path, 0, "[server]", "address",
			     "is missing (expected e.g. 192.168.20.1/24)");
	for (size_t i = 0; i < s->n_pis; i++) {
		const struct pi *p = &s->pis[i];
		char *label = xasprintf("[pi \"%s\"]", p->name);
		const struct pi_model_info *mi = model_info(p->model);
		if (!p->key_line[PK_MODEL])
			problems_add(ps, PROBLEM_ERROR, s->path, p->line, label, "model",
				     "is missing (expected one of %s)", model_names_list());
		else if (p->model != PI_MODEL_UNKNOWN && mi->enable == NETBOOT_NEVER)
			problems_add(ps, PROBLEM_ERROR, s->path, p->key_line[PK_MODEL], label, "model",
				     "the %s has no Ethernet and cannot boot from the network",
				     mi->long_name);
		if (!p->key_line[PK_MAC] && !p->key_line[PK_SERIAL])
			problems_add(ps, PROBLEM_ERROR, s->path, p->line, label, NULL,
				     "has neither mac nor serial (expected at least one, to "
				     "recognise the Pi)");
		if (p->key_line[PK_TFTP_PREFIX] || p->model != PI_MODEL_UNKNOWN) {
			if (p->prefix == TFTP_PREFIX_SERIAL && !p->key_line[PK_SERIAL] && p->has_mac &&
			    model_info(p->model)->tftp_prefix_settable)
				problems_add(ps, PROBLEM_ERROR, s->path,
					     p->key_line[PK_TFTP_PREFIX] ? p->key_line[PK_TFTP_PREFIX]
									 : p->line,
					     label, "tftp_prefix",
					     "is serial but the Pi has no serial (add serial = … "
					     "or set tftp_prefix = mac)");
			if (p->prefix == TFTP_PREFIX_MAC && !p->key_line[PK_MAC])
				problems_add(ps, PROBLEM_ERROR, s->path, p->key_line[PK_TFTP_PREFIX],
					     label, "tftp_prefix",
					     "is mac but the Pi has no mac (add mac = …)");
			if (p->prefix != TFTP_PREFIX_SERIAL && p->model != PI_MODEL_UNKNOWN &&
			    !mi->tftp_prefix_settable)
				problems_add(ps, PROBLEM_ERROR, s->path, p->key_line[PK_TFTP_PREFIX],
					     label, "tftp_prefix",
					     "the %s always looks for its serial directory (expected "
					     "serial)",
					     mi->long_name);
		}
		if (p->ip && s->address &&
		    (p->ip & ipv4_netmask(s->prefix_len)) != (s->address & ipv4_netmask(s->prefix_len)))
			problems_add(ps, PROBLEM_ERROR, s->path, p->key_line[PK_IP], label, "ip",
				     "is outside the server's subnet (expected an address in the "
				     "subnet of [server] address)");
		free(label);
	}
	dup_check(s, ps, PK_MAC, get_mac);
	dup_check(s, ps, PK_SERIAL, get_serial);
	dup_check(s, ps, PK_INITIATOR, get_initiator);
	dup_check(s, ps, PK_TARGET, get_target);
	dup_check(s, ps, PK_BACKING, get_backing);
	dup_check(s, ps, PK_IP, get_ip);
}

char *profile_server_value(const struct site *s, enum profile_server_key key)
{
	char a[16], b[16];
	switch (key) {
	case SK_INTERFACE: return s->interface[0] ? xstrdup(s->interface) : NULL;
	case SK_ADDRESS:
		if (!s->address)
			return NULL;
		ipv4_format(s->address, a);
		return xasprintf("%s/%u", a, s->prefix_len);
	case SK_DHCP: return xstrdup(dhcp_mode_names[s->dhcp]);
	case SK_TFTP: return xstrdup(tftp_server_names[s->tftp]);
	case SK_TFTP_ROOT: return xstrdup(s->tftp_root);
	case SK_ROOT: return xstrdup(root_kind_names[s->root]);
	case SK_ISCSI_TARGET: return xstrdup(iscsi_target_names[s->iscsi_target]);
	case SK_IQN_BASE: return xstrdup(s->iqn_base);
	case SK_INITRAMFS: return xstrdup(initramfs_names[s->initramfs]);
	case SK_NFS_ROOT: return xstrdup(s->nfs_root);
	case SK_RANGE:
		if (!s->range_start)
			return NULL;
		ipv4_format(s->range_start, a);
		ipv4_format(s->range_end, b);
		return xasprintf("%s-%s", a, b);
	case SK_ROUTER:
		if (!s->router)
			return NULL;
		ipv4_format(s->router, a);
		return xstrdup(a);
	case SK_DNS:
		if (!s->dns)
			return NULL;
		ipv4_format(s->dns, a);
		return xstrdup(a);
	case SK_REPLY_DELAY:
		return s->reply_delay < 0 ? xstrdup("auto") : xasprintf("%d", s->reply_delay);
	case SK_COUNT: break;
	}
	return NULL;
}

char *profile_pi_value(const struct pi *p, enum profile_pi_key key)
{
	char buf[24];
	switch (key) {
	case PK_MODEL: return p->model ? xstrdup(model_info(p->model)->name) : NULL;
	case PK_SERIAL: return p->has_serial ? xstrdup(p->serial) : NULL;
	case PK_MAC:
		if (!p->has_mac)
			return NULL;
		mac_format(p->mac, ':', buf);
		return xstrdup(buf);
	case PK_TFTP_PREFIX:
		return p->prefix == TFTP_PREFIX_MAC    ? xstrdup("mac")
		       : p->prefix == TFTP_PREFIX_STRING ? xasprintf("string:%s", p->prefix_str)
							 : xstrdup("serial");
	case PK_IMAGE: return p->image ? xstrdup(p->image) : NULL;
	case PK_BACKING: return p->backing ? xstrdup(p->backing) : NULL;
	case PK_SIZE:
		if (!p->size)
			return NULL;
		size_format(p->size, buf);
		return xstrdup(buf);
	case PK_CHAP: return xstrdup(p->chap ? "yes" : "no");
	case PK_IP:
		if (!p->ip)
			return NULL;
		ipv4_format(p->ip, buf);
		return xstrdup(buf);
	case PK_INITIATOR: return p->initiator ? xstrdup(p->initiator) : NULL;
	case PK_TARGET: return p->target ? xstrdup(p->target) : NULL;
	case PK_ROOT_UUID: return p->root_uuid ? xstrdup(p->root_uuid) : NULL;
	case PK_NFS_PATH: return p->nfs_path ? xstrdup(p->nfs_path) : NULL;
	case PK_HOSTNAME: return p->hostname ? xstrdup(p->hostname) : NULL;
	case PK_COUNT: break;
	}
	return NULL;
}
