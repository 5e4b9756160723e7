/* render — turns a site profile into the server-side files (dnsmasq / ISC dhcpd / Kea, tftpd-hpa,
 * tgt / LIO JSON, NFS exports, and per Pi cmdline.txt, config.txt, fstab, bootconf.txt), as an
 * in-memory set that export writes atomically, apply installs, and the wizard shows. */
#ifndef PNB_CORE_RENDER_H
#define PNB_CORE_RENDER_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "core/base/problems.h"
#include "core/site/profile.h"

enum render_format { RENDER_FILES, RENDER_ANSIBLE };

struct render_opts {
	enum render_format format;
	const char *templates_dir; /* --templates DIR, or NULL for the built-in templates */
};

struct rendered_file {
	char *path;         /* relative to the output directory, e.g. "dnsmasq.d/pinetboot.conf" */
	char *content;      /* NUL-terminated; len excludes the NUL */
	size_t len;
	mode_t mode;        /* 0644, or 0600 for secrets */
	char *install_path; /* absolute system path `apply` installs it to, NULL if not installed */
	const char *daemon; /* "dnsmasq", "tftpd-hpa", "tgt", "lio", "nfs", "kea", "isc-dhcp", or
			     * NULL */
	bool merge_lines;   /* content is lines to add to the file at install_path (config.txt
			     * additions): install adds the missing ones and keeps the rest */
	bool merge_include; /* content is one line the file at install_path must hold (dhcpd.conf's
			     * include of the fragment): added once at its end, never a new file */
	char *lio_iqn_base; /* LIO: content is this site's storage objects and targets, merged into
			     * rtslib's saveconfig.json at install_path (core/server/lio_merge);
			     * the site's iqn_base tells its targets apart. NULL otherwise. */
};

struct render_set {
	struct rendered_file *files;
	size_t n;
};

/* Renders every file of the site. s must be valid (profile_load returned 0) and have its CHAP
 * secrets filled (secrets_ensure). Returns 0, or -1 with problems added (e.g. a template
 * override that does not parse). The caller owns out and releases it with render_set_done. */
int render_site(const struct site *s, const struct render_opts *o, struct render_set *out,
		struct problems *ps);
void render_set_done(struct render_set *rs);
/* The file at path in rs, or NULL. */
const struct rendered_file *render_set_find(const struct render_set *rs, const char *path);

/* Where apply installs the ISC dhcpd fragment, and the line dhcpd.conf includes it with. */
#define RENDER_DHCPD_FRAGMENT "/etc/dhcp/dhcpd-pinetboot.conf"
#define RENDER_DHCPD_CONF "/etc/dhcp/dhcpd.conf"
#define RENDER_DHCPD_INCLUDE "include \"" RENDER_DHCPD_FRAGMENT "\";"

/* The command that makes a daemon pick up its changed files ("systemctl restart dnsmasq",
 * "tgt-admin --update ALL", "exportfs -ra", …), or NULL for an unknown name. */
const char *render_daemon_reload(const char *daemon);
/* DHCP option 43 as the Pi firmware parses it: PXE sub-options 6 (discovery control 3),
 * 10 (prompt "PXE", timeout 0), 9 (boot menu type 0 with menu text), then 255 — the layout
 * dnsmasq's pxe-service produces. Writes at most cap bytes to out; returns the full length. */
size_t render_option43(const char *menu, unsigned char *out, size_t cap);
/* The menu text every generated DHCP configuration sends ("Raspberry Pi Boot" and the three
 * trailing spaces the Pi 3B ROM needs). */
extern const char render_pxe_menu[];
/* The kernel command-line words that put the Pi's root on iSCSI (in the site's initramfs
 * flavour, at the Pi's portal and LUN) or NFS, then the Pi's cmdline_extra. Heap string,
 * caller frees. */
char *render_root_args(const struct site *s, const struct pi *p);

#endif
