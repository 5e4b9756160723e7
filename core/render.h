/* render — turns a site profile into the server-side files (dnsmasq / ISC dhcpd / Kea, tftpd-hpa,
 * tgt / targetcli, NFS exports, and per Pi cmdline.txt, config.txt, fstab, bootconf.txt), as an
 * in-memory set that export writes atomically, apply installs, and the wizard shows. */
#ifndef PNB_CORE_RENDER_H
#define PNB_CORE_RENDER_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "core/problems.h"
#include "core/profile.h"

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
	const char *daemon; /* "dnsmasq", "tftpd-hpa", "tgt", "nfs", "kea", "isc-dhcp", or NULL */
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

#endif
