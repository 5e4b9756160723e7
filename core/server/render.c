/* render — the site profile as template fields, and the set of generated files. The facts the
 * files encode (menu text, option 43 layout, LUN numbering, initramfs parameters) are in
 * shared/spec/netboot-servers-and-failures.md §3–5 and eeprom-otp.md §2, §5.2. */
#include "core/server/render.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/base/fsutil.h"
#include "core/server/bootfiles.h"
#include "core/server/render_fields.h"
#include "core/server/template.h"
#include "core/server/templates.h"
#include "core/base/util.h"
#include "core/site/dhcp_option.h"
#include "core/site/tftp_dir.h"

const char render_pxe_menu[] = "Raspberry Pi Boot   ";

size_t render_option43(const char *menu, unsigned char *out, size_t cap)
{
	size_t ml = strlen(menu);
	if (ml > 250 - 3)
		ml = 250 - 3;
	unsigned char buf[300];
	size_t n = 0;
	const unsigned char head[] = {6, 1, 3, 10, 4, 0, 'P', 'X', 'E'};
	memcpy(buf, head, sizeof(head));
	n = sizeof(head);
	buf[n++] = 9;
	buf[n++] = (unsigned char)(3 + ml);
	buf[n++] = 0; /* boot server type 0, big-endian */
	buf[n++] = 0;
	buf[n++] = (unsigned char)ml;
	memcpy(buf + n, menu, ml);
	n += ml;
	buf[n++] = 255;
	memcpy(out, buf, n < cap ? n : cap);
	return n;
}

/* ---- per-Pi facts ---- */

/* The portal as the initramfs takes it: "192.168.1.10" and the port apart. */
static void portal_of(const struct site *s, const struct pi *p, char a[16], unsigned *port)
{
	uint32_t ip;
	uint16_t pt;
	site_pi_portal(s, p, &ip, &pt);
	ipv4_format(ip, a);
	*port = pt;
}

static char *by_path(const struct site *s, const struct pi *p, int part)
{
	char a[16];
	unsigned port;
	portal_of(s, p, a, &port);
	return xasprintf("/dev/disk/by-path/ip-%s:%u-iscsi-%s-lun-%u-part%d", a, port, p->target,
			 site_pi_lun(s, p), part);
}

static char *root_dev(const struct site *s, const struct pi *p)
{
	if (p->root_uuid)
		return xasprintf("UUID=%s", p->root_uuid);
	return by_path(s, p, 2);
}

char *render_root_args(const struct site *s, const struct pi *p)
{
	char a[16];
	unsigned port;
	struct sbuf b;
	sbuf_init(&b);
	if (s->root == ROOT_NFS) {
		ipv4_format(s->address, a);
		sbuf_printf(&b, "root=/dev/nfs nfsroot=%s:%s,vers=3 rw", a, p->nfs_path);
		if (p->cmdline_extra)
			sbuf_printf(&b, " %s", p->cmdline_extra);
		return sbuf_take(&b);
	}
	portal_of(s, p, a, &port);
	bool chap = p->chap && p->chap_secret;
	const char *u = p->chap_user ? p->chap_user : p->name;
	char *dev = root_dev(s, p);
	switch (s->initramfs) {
	case INITRAMFS_TOOLS:
		sbuf_printf(&b,
			    "iscsi_initiator=%s iscsi_target_name=%s iscsi_target_ip=%s "
			    "iscsi_target_port=%u",
			    p->initiator, p->target, a, port);
		if (chap)
			sbuf_printf(&b, " iscsi_username=%s iscsi_password=%s", u, p->chap_secret);
		sbuf_printf(&b, " root=%s rw", dev);
		break;
	case INITRAMFS_DRACUT:
		sbuf_printf(&b, "rd.iscsi.initiator=%s", p->initiator);
		if (chap)
			sbuf_printf(&b, " rd.iscsi.username=%s rd.iscsi.password=%s", u,
				    p->chap_secret);
		sbuf_printf(&b, " netroot=iscsi:%s::%u:%u:%s root=%s rw rd.neednet=1", a, port,
			    site_pi_lun(s, p), p->target, dev);
		break;
	case INITRAMFS_RFC4173:
		sbuf_printf(&b, "iscsi_initiator=%s root=iscsi:", p->initiator);
		if (chap)
			sbuf_printf(&b, "%s:%s@", u, p->chap_secret);
		sbuf_printf(&b, "%s:6:%u:%u:%s", a, port, site_pi_lun(s, p), p->target);
		if (p->root_uuid)
			sbuf_printf(&b, " root=UUID=%s", p->root_uuid);
		sbuf_add(&b, " rw");
		break;
	}
	free(dev);
	if (p->cmdline_extra) /* after the root words: export and provision both take them here */
		sbuf_printf(&b, " %s", p->cmdline_extra);
	return sbuf_take(&b);
}

/* The Pi's TFTP directory name ("" when the profile lacks what the prefix needs). */
static char *tftp_dir(const struct pi *p)
{
	char d[PI_TFTP_DIR_MAX];
	pi_tftp_dir_name(p, d);
	return xstrdup(d);
}

static char *yes(bool v)
{
	return xstrdup(v ? "yes" : "");
}

/* The Pi's dhcp_option keys (validated "CODE,VALUE": no quote, backslash or control
 * character) as dnsmasq lines for its own tag, dhcpd host-block lines and Kea reservation
 * option-data (the text as hex bytes, csv-format false). ISC and Kea get only the codes
 * dhcp_option_isc_name knows; profile validation refuses the others there. */
static void dhcp_option_lines(const struct pi *p, char **v)
{
	struct sbuf d, i, k;
	sbuf_init(&d);
	sbuf_init(&i);
	sbuf_init(&k);
	for (int n = 0; n < p->n_dhcp_options; n++) {
		const char *o = p->dhcp_option[n], *val = strchr(o, ',') + 1;
		int code = atoi(o);
		char isc[32];
		sbuf_printf(&d, "dhcp-option-force=tag:pnb-%s,%d,\"%s\"\n", p->name, code, val);
		if (!dhcp_option_isc_name(code, isc, sizeof(isc)))
			continue;
		sbuf_printf(&i, "    option %s \"%s\";\n", isc, val);
		sbuf_printf(&k, "%s{ \"code\": %d, \"csv-format\": false, \"data\": \"", k.len ? ", " : "",
			    code);
		for (const char *c = val; *c; c++)
			sbuf_printf(&k, "%02X", (unsigned char)*c);
		sbuf_add(&k, "\" }");
	}
	v[P_DHCP_OPTS] = yes(p->n_dhcp_options > 0);
	v[P_DNSMASQ_OPTS] = d.len ? sbuf_take(&d) : xstrdup("");
	v[P_DHCPD_OPTS] = i.len ? sbuf_take(&i) : xstrdup("");
	v[P_KEA_OPTS] = k.len ? sbuf_take(&k) : xstrdup("");
	sbuf_done(&d);
	sbuf_done(&i);
	sbuf_done(&k);
}

static char *ip_or_empty(uint32_t ip)
{
	char b[16];
	if (!ip)
		return xstrdup("");
	ipv4_format(ip, b);
	return xstrdup(b);
}

/* The size LIO's fileio needs in bytes: the profile's, else that of a backing file already
 * there (rtslib refuses a file without one); empty for a block device or an unknown size. */
static char *size_bytes(const struct pi *p, bool block)
{
	struct stat st;
	if (block)
		return xstrdup("");
	if (p->size)
		return xasprintf("%llu", (unsigned long long)p->size);
	if (p->backing && stat(p->backing, &st) == 0 && S_ISREG(st.st_mode))
		return xasprintf("%lld", (long long)st.st_size);
	return xstrdup("");
}

static void pi_values(const struct site *s, const struct pi *p, bool last_mac, bool last,
		      char **v)
{
	const struct pi_model_info *mi = model_info(p->model);
	char m[18], sz[24];
	v[P_NAME] = xstrdup(p->name);
	v[P_HOSTNAME] = xstrdup(p->hostname ? p->hostname : p->name);
	v[P_MODEL] = xstrdup(mi->name);
	v[P_MODEL_LONG] = xstrdup(mi->long_name);
	v[P_PI3] = yes(model_is_pi3_family(p->model));
	v[P_EEPROM] = yes(model_uses_eeprom(p->model));
	v[P_SERIAL] = xstrdup(p->has_serial ? p->serial : "");
	mac_format(p->mac, ':', m);
	v[P_MAC] = xstrdup(p->has_mac ? m : "");
	mac_format(p->mac, '-', m);
	v[P_MAC_DASH] = xstrdup(p->has_mac ? m : "");
	v[P_IP] = ip_or_empty(p->ip);
	v[P_TFTP_DIR] = tftp_dir(p);
	v[P_TFTP_FLAT] = yes(p->prefix == TFTP_PREFIX_NONE);
	v[P_TFTP_PATH] = *v[P_TFTP_DIR] ? xasprintf("%s/%s", s->tftp_root, v[P_TFTP_DIR])
			 : *v[P_TFTP_FLAT] ? xstrdup(site_tftp_root(s))
					   : xstrdup("");
	v[P_TFTP_PREFIX] = xstrdup(pi_tftp_prefix_word(p->prefix));
	v[P_BOOTCONF_PREFIX] = xasprintf("%d", pi_tftp_prefix_setting(p->prefix));
	v[P_PREFIX_STR] =
	    xstrdup(p->prefix == TFTP_PREFIX_STRING && p->prefix_str ? p->prefix_str : "");
	v[P_BOOT_ORDER] = xstrdup("0xf21");
	v[P_TFTP_IP] = s->dhcp == DHCP_NONE ? ip_or_empty(s->address) : xstrdup("");
	v[P_INITIATOR] = xstrdup(p->initiator ? p->initiator : "");
	v[P_TARGET] = xstrdup(p->target ? p->target : "");
	v[P_BACKING] = xstrdup(p->backing ? p->backing : "");
	v[P_BACKSTORE] = xstrdup(p->name);
	if (p->size)
		size_format(p->size, sz);
	v[P_SIZE] = xstrdup(p->size ? sz : "");
	v[P_CHAP] = yes(p->chap);
	v[P_CHAP_USER] =
	    xstrdup(p->chap && p->chap_secret ? (p->chap_user ? p->chap_user : p->name) : "");
	v[P_CHAP_SECRET] = xstrdup(p->chap && p->chap_secret ? p->chap_secret : "");
	v[P_LUN] = xasprintf("%u", site_pi_lun(s, p));
	v[P_LUN_SET] = yes(p->lun >= 0);
	v[P_BOOT_MOUNT] = xstrdup(p->boot_mount_old ? "/boot" : "/boot/firmware");
	/* the boot files the Pi updates are its TFTP directory, over NFS (NFS roots always) */
	v[P_BOOT_NFS] = yes((s->root == ROOT_NFS || s->boot_writeback) && *v[P_TFTP_DIR]);
	char pa[16];
	unsigned pport;
	portal_of(s, p, pa, &pport);
	v[P_PORTAL] = xasprintf("%s:%u", pa, pport);
	v[P_ROOT_UUID] = xstrdup(p->root_uuid ? p->root_uuid : "");
	v[P_ROOT_DEV] = root_dev(s, p);
	v[P_BOOT_DEV] = by_path(s, p, 1);
	v[P_NFS_PATH] = xstrdup(p->nfs_path ? p->nfs_path : "");
	v[P_KERNEL] = xstrdup(mi->kernel);
	/* auto: the OS's own config.txt names its kernel and initramfs (or says auto_initramfs=1);
	 * pinetboot adds a line only for a name the profile gives */
	v[P_INITRAMFS_FILE] = xstrdup(p->initramfs ? p->initramfs : "");
	v[P_KERNEL_FILE] = xstrdup(p->kernel ? p->kernel : "");
	v[P_CONFIG_LINES] = config_txt_profile_lines(p);
	dhcp_option_lines(p, v);
	v[P_ROOT_ARGS] = render_root_args(s, p);
	v[P_JSON_SEP] = xstrdup(last_mac ? "" : ",");
	v[P_SEP] = xstrdup(last ? "" : ",");
	bool block = p->backing && str_startswith(p->backing, "/dev/");
	v[P_SIZE_BYTES] = size_bytes(p, block);
	v[P_LIO_PLUGIN] = xstrdup(block ? "block" : "fileio");
	v[P_LIO_SO_PATH] = xasprintf("/backstores/%s/%s", block ? "block" : "fileio", p->name);
	v[P_PORTAL_IP] = xstrdup(pa);
	v[P_PORTAL_PORT] = xasprintf("%u", pport);
}

/* ---- site facts ---- */

static char *kea_test(const struct site *s)
{
	struct sbuf b;
	sbuf_init(&b);
	sbuf_add(&b, "substring(option[60].hex,0,9) == 'PXEClient' and (");
	size_t n = 0;
	for (size_t i = 0; i < s->n_pis; i++) {
		const uint8_t *m = s->pis[i].mac;
		if (!s->pis[i].has_mac)
			continue;
		sbuf_printf(&b, "%spkt4.mac == 0x%02x%02x%02x%02x%02x%02x", n++ ? " or " : "", m[0],
			    m[1], m[2], m[3], m[4], m[5]);
	}
	if (n == 0)
		sbuf_add(&b, "pkt4.mac == 0x000000000000");
	sbuf_add(&b, ")");
	return sbuf_take(&b);
}

static int reply_delay(const struct site *s)
{
	if (s->dhcp != DHCP_PROXY)
		return 0;
	if (s->reply_delay >= 0)
		return s->reply_delay;
	for (size_t i = 0; i < s->n_pis; i++)
		if (model_is_pi3_family(s->pis[i].model))
			return 1;
	return 0;
}

static void site_values(const struct site *s, char **v)
{
	char a[16];
	uint32_t mask = ipv4_netmask(s->prefix_len), lo, hi;
	const char *prof = s->path ? strrchr(s->path, '/') : NULL;
	v[R_PROFILE] = xstrdup(prof ? prof + 1 : s->path ? s->path : "site.conf");
	v[R_PI_COUNT] = xasprintf("%zu", s->n_pis);
	v[R_FORMAT] = xstrdup("files");
	v[R_INTERFACE] = xstrdup(s->interface);
	v[R_ADDRESS] = ip_or_empty(s->address);
	v[R_PREFIX_LEN] = xasprintf("%u", s->prefix_len);
	v[R_NETMASK] = ip_or_empty(mask);
	ipv4_format(s->address & mask, a);
	v[R_NETWORK] = xstrdup(a);
	v[R_BROADCAST] = ip_or_empty((s->address & mask) | ~mask);
	v[R_CIDR] = xasprintf("%s/%u", a, s->prefix_len);
	v[R_DHCP] = xstrdup(dhcp_mode_names[s->dhcp]);
	v[R_DHCP_DNSMASQ] = yes(s->dhcp == DHCP_PROXY || s->dhcp == DHCP_FULL);
	v[R_TFTP] = xstrdup(tftp_server_names[s->tftp]);
	v[R_TFTP_ROOT] = xstrdup(s->tftp_root);
	v[R_ROOT] = xstrdup(root_kind_names[s->root]);
	v[R_TARGET] = xstrdup(iscsi_target_names[s->iscsi_target]);
	v[R_IQN_BASE] = xstrdup(s->iqn_base ? s->iqn_base : "");
	v[R_INITRAMFS] = xstrdup(initramfs_names[s->initramfs]);
	v[R_NFS_ROOT] = xstrdup(s->nfs_root);
	site_dhcp_range(s, &lo, &hi);
	v[R_RANGE_START] = ip_or_empty(lo);
	v[R_RANGE_END] = ip_or_empty(hi);
	v[R_ROUTER] = ip_or_empty(s->router);
	v[R_DNS] = ip_or_empty(s->dns);
	int d = reply_delay(s);
	v[R_REPLY_DELAY] = d > 0 ? xasprintf("%d", d) : xstrdup("");
	v[R_PXE_MENU] = xstrdup(render_pxe_menu);
	unsigned char o43[300];
	size_t n = render_option43(render_pxe_menu, o43, sizeof(o43));
	struct sbuf hex, data;
	sbuf_init(&hex);
	sbuf_init(&data);
	for (size_t i = 0; i < n; i++) {
		sbuf_printf(&hex, "%s%02x", i ? ":" : "", o43[i]);
		sbuf_printf(&data, "%02X", o43[i]);
	}
	v[R_OPT43_HEX] = sbuf_take(&hex);
	v[R_OPT43_DATA] = sbuf_take(&data);
	v[R_LUN] = xasprintf("%u", site_pi_lun(s, NULL));
	v[R_KEA_TEST] = kea_test(s);
}

/* ---- the render run ---- */

static void values_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
}

int render_site(const struct site *s, const struct render_opts *o, struct render_set *out,
		struct problems *ps)
{
	memset(out, 0, sizeof(*out));
	struct render_ctx c;
	render_ctx_init(&c, s, o, ps);
	site_values(s, c.root);
	if (o->format == RENDER_ANSIBLE) {
		free(c.root[R_FORMAT]);
		c.root[R_FORMAT] = xstrdup("ansible");
	}
	size_t last_mac = SIZE_MAX;
	for (size_t i = 0; i < s->n_pis; i++)
		if (s->pis[i].has_mac)
			last_mac = i;
	for (size_t i = 0; i < s->n_pis; i++)
		pi_values(s, &s->pis[i], i == last_mac, i + 1 == s->n_pis, &c.pis[i * P_COUNT]);
	int rc = render_files(&c, out);
	values_free(c.root, R_COUNT);
	values_free(c.pis, s->n_pis * P_COUNT);
	render_ctx_done(&c);
	if (rc != 0)
		render_set_done(out);
	return rc;
}

void render_set_done(struct render_set *rs)
{
	for (size_t i = 0; i < rs->n; i++) {
		free(rs->files[i].path);
		free(rs->files[i].content);
		free(rs->files[i].install_path);
		free(rs->files[i].lio_iqn_base);
	}
	free(rs->files);
	memset(rs, 0, sizeof(*rs));
}

const struct rendered_file *render_set_find(const struct render_set *rs, const char *path)
{
	for (size_t i = 0; i < rs->n; i++)
		if (strcmp(rs->files[i].path, path) == 0)
			return &rs->files[i];
	return NULL;
}
