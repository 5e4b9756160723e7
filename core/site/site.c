/* site — the site in memory, below the loader, the checks and the saver that all use it: the
 * key and value-name tables, defaults, the Pi list, the DHCP range rule, and every value as
 * profile text. */
#include "core/site/profile.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/site/profile_priv.h"
#include "core/base/util.h"
#include "core/site/tftp_dir.h"

#define KEY_NAME(id, name, help) name,
#define KEY_HELP(id, name, help) help,
const char *const profile_server_key_names[SK_COUNT] = {PROFILE_KEYS(KEY_NAME, PROFILE_KEY_SKIP)};
const char *const profile_server_key_help[SK_COUNT] = {PROFILE_KEYS(KEY_HELP, PROFILE_KEY_SKIP)};
const char *const profile_pi_key_names[PK_COUNT] = {PROFILE_KEYS(PROFILE_KEY_SKIP, KEY_NAME)};
const char *const profile_pi_key_help[PK_COUNT] = {PROFILE_KEYS(PROFILE_KEY_SKIP, KEY_HELP)};
#undef KEY_NAME
#undef KEY_HELP

const char *const dhcp_mode_names[] = {"proxy", "full", "isc", "kea", "none", NULL};
const char *const tftp_server_names[] = {"dnsmasq", "tftpd-hpa", NULL};
const char *const root_kind_names[] = {"iscsi", "nfs", NULL};
const char *const iscsi_target_names[] = {"tgt", "lio", "external", NULL};
const char *const initramfs_names[] = {"initramfs-tools", "dracut", "rfc4173", NULL};

void site_init(struct site *s)
{
	memset(s, 0, sizeof(*s));
	s->prefix_len = 24;
	s->dhcp = DHCP_PROXY;
	s->tftp = TFTP_DNSMASQ;
	s->tftp_root = xstrdup(SITE_DEFAULT_TFTP_ROOT);
	s->root = ROOT_ISCSI;
	s->iscsi_target = TARGET_TGT;
	s->iqn_base = xstrdup("iqn.2026-11.lan.pinetboot");
	s->initramfs = INITRAMFS_TOOLS;
	s->nfs_root = xstrdup("/srv/nfs");
	s->reply_delay = -1;
	s->boot_writeback = true;
}

/* The field that holds a key's value as the profile text says it (NULL: the key is absent), or
 * NULL for a key kept in another form: one list for the value text and for pi_done. */
static char *const *pi_text_field(const struct pi *p, enum profile_pi_key key)
{
	switch (key) {
	case PK_IMAGE: return &p->image;
	case PK_BACKING: return &p->backing;
	case PK_INITIATOR: return &p->initiator;
	case PK_TARGET: return &p->target;
	case PK_ROOT_UUID: return &p->root_uuid;
	case PK_NFS_PATH: return &p->nfs_path;
	case PK_HOSTNAME: return &p->hostname;
	case PK_CMDLINE_EXTRA: return &p->cmdline_extra;
	case PK_CONFIG_EXTRA: return &p->config_extra;
	case PK_KERNEL: return &p->kernel;
	default: return NULL;
	}
}

static void pi_done(struct pi *p)
{
	for (int k = 0; k < PK_COUNT; k++) {
		char *const *field = pi_text_field(p, (enum profile_pi_key)k);
		if (field)
			free(*field);
	}
	for (int i = 0; i < p->n_dhcp_options; i++)
		free(p->dhcp_option[i]);
	/* the fields no key holds as text */
	free(p->name);
	free(p->prefix_str);
	free(p->initramfs);
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
	/* The array doubles when n_pis reaches a power of two (struct site keeps no capacity):
	 * a 1,000-Pi import does ten reallocs, not a thousand. */
	size_t n = s->n_pis;
	if (n == 0 || (n & (n - 1)) == 0)
		s->pis = xrealloc(s->pis, (n ? 2 * n : 1) * sizeof(*s->pis));
	struct pi *p = &s->pis[s->n_pis++];
	memset(p, 0, sizeof(*p));
	p->name = xstrdup(name);
	p->model = PI_MODEL_UNKNOWN;
	p->prefix = TFTP_PREFIX_SERIAL;
	p->chap = true;
	p->lun = -1;
	return p;
}

void site_remove_pi(struct site *s, size_t index)
{
	if (index >= s->n_pis)
		return;
	pi_done(&s->pis[index]);
	array_erase(s->pis, s->n_pis--, sizeof(*s->pis), index);
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

void site_dhcp_range(const struct site *s, uint32_t *lo, uint32_t *hi)
{
	uint32_t mask = ipv4_netmask(s->prefix_len);
	uint32_t net = s->address & mask, bc = net | ~mask;
	uint32_t hosts = bc - net - 1;
	if (s->range_start) {
		*lo = s->range_start;
		*hi = s->range_end;
	} else if (hosts >= 200) {
		*lo = net + 100;
		*hi = net + 199;
	} else {
		*lo = net + hosts / 2 + 1;
		*hi = bc - 1;
	}
}

/* iSCSI names are lower case (RFC 3722), Pi names need not be. */
static char *lower_dup(const char *v)
{
	char *r = xstrdup(v);
	for (char *p = r; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return r;
}

void site_apply_defaults(struct site *s)
{
	for (size_t i = 0; i < s->n_pis; i++) {
		struct pi *p = &s->pis[i];
		char *lname = lower_dup(p->name);
		set_default(&p->initiator, xasprintf("%s:%s", s->iqn_base, lname));
		set_default(&p->target, xasprintf("%s:root-%s", s->iqn_base, lname));
		free(lname);
		set_default(&p->backing, xasprintf("/srv/iscsi/%s.img", p->name));
		set_default(&p->nfs_path, xasprintf("%s/%s", s->nfs_root, p->name));
		set_default(&p->hostname, xstrdup(p->name));
	}
}

char *profile_pi_label(const char *name)
{
	return xasprintf("[pi \"%s\"]", name);
}

static char *portal_text(uint32_t ip, uint16_t port)
{
	char a[16];
	if (!ip)
		return NULL;
	ipv4_format(ip, a);
	return port ? xasprintf("%s:%u", a, (unsigned)port) : xstrdup(a);
}

void site_pi_portal(const struct site *s, const struct pi *p, uint32_t *ip, uint16_t *port)
{
	*ip = p && p->portal_ip ? p->portal_ip : s->portal_ip ? s->portal_ip : s->address;
	*port = p && p->portal_ip ? p->portal_port : s->portal_ip ? s->portal_port : 0;
	if (!*port)
		*port = 3260;
}

unsigned site_pi_lun(const struct site *s, const struct pi *p)
{
	if (p && p->lun >= 0)
		return (unsigned)p->lun;
	return s->iscsi_target == TARGET_TGT ? 1 : 0; /* tgt: LUN 0 is its controller */
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
	case SK_ISCSI_PORTAL: return portal_text(s->portal_ip, s->portal_port);
	case SK_BOOT_WRITEBACK: return xstrdup(s->boot_writeback ? "nfs" : "none");
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
	char *const *text = pi_text_field(p, key);
	if (text)
		return *text ? xstrdup(*text) : NULL;
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
		return p->prefix == TFTP_PREFIX_STRING ? xasprintf("string:%s", p->prefix_str)
						       : xstrdup(pi_tftp_prefix_word(p->prefix));
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
	case PK_ISCSI_PORTAL: return portal_text(p->portal_ip, p->portal_port);
	case PK_LUN: return p->lun >= 0 ? xasprintf("%d", p->lun) : NULL;
	case PK_DHCP_OPTION: {
		/* a repeated key: the saver writes "dhcp_option = " before the first value, the
		 * joint carries the key for the others */
		if (!p->n_dhcp_options)
			return NULL;
		struct sbuf b;
		sbuf_init(&b);
		for (int i = 0; i < p->n_dhcp_options; i++)
			sbuf_printf(&b, "%s%s", i ? "\ndhcp_option = " : "", p->dhcp_option[i]);
		return sbuf_take(&b);
	}
	case PK_BOOT_MOUNT: return xstrdup(p->boot_mount_old ? "/boot" : "/boot/firmware");
	case PK_INITRAMFS:
		return p->initramfs_none ? xstrdup("none") : p->initramfs ? xstrdup(p->initramfs) : NULL;
	case PK_IMAGE: case PK_BACKING: case PK_INITIATOR: case PK_TARGET: case PK_ROOT_UUID:
	case PK_NFS_PATH: case PK_HOSTNAME: case PK_CMDLINE_EXTRA: case PK_CONFIG_EXTRA:
	case PK_KERNEL: /* pi_text_field's, answered above */
	case PK_COUNT: break;
	}
	return NULL;
}
