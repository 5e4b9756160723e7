/* iscsi_site — the iSCSI login a Pi of the site profile will make, taken from what the server
 * really serves it (cmdline.txt in its TFTP directory) with the profile as the fallback. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/server/bootfiles.h"
#include "core/server/shim_words.h"
#include "core/lab/iscsi_check.h"
#include "core/base/util.h"
#include "core/site/tftp_dir.h"

static char *slurp(const char *path, size_t max)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return NULL;
	char *buf = xmalloc(max + 1);
	size_t n = fread(buf, 1, max, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* Stores a heap string in the caller's hold list (freed by the caller) and returns it. */
static char *keep(char *hold[ICHECK_HOLD], char *str)
{
	for (int i = 0; i < ICHECK_HOLD; i++)
		if (!hold[i])
			return hold[i] = str;
	abort(); /* more strings than slots: a programming error */
}

/* Takes the Pi's own login parameters from its cmdline.txt: that, not the profile, is what the
 * initramfs will send. */
static void from_cmdline(const struct boot_params *bp, struct iscsi_check_opts *o,
			 char *hold[ICHECK_HOLD])
{
	if (bp->initiator)
		o->initiator = keep(hold, xstrdup(bp->initiator));
	if (bp->target)
		o->target = keep(hold, xstrdup(bp->target));
	if (bp->portal)
		o->host = keep(hold, xstrdup(bp->portal));
	o->port = bp->port;
	o->lun = bootparams_root_lun(bp);
	/* the initramfs offers CHAP only with credentials on its command line: without them the
	 * Pi logs in with AuthMethod=None whatever the profile says */
	o->chap_user = o->chap_secret = NULL;
	if (bp->chap_user) {
		o->chap_user = keep(hold, xstrdup(bp->chap_user));
		o->chap_secret = keep(hold, xstrdup(bp->chap_password ? bp->chap_password : ""));
	}
}

/* The text of the Pi's dhcp_option CODE, or NULL. */
static const char *dhcp_option_value(const struct pi *p, int code)
{
	for (int i = 0; i < p->n_dhcp_options; i++) {
		const char *comma = strchr(p->dhcp_option[i], ',');
		if (comma && atoi(p->dhcp_option[i]) == code)
			return comma + 1;
	}
	return NULL;
}

/* A kernel that carries its own initramfs (initramfs = none) logs in with its own words, not
 * pinetboot's: seed 002's shim's (core/server/shim_words.h), the served command line's iscsi.*
 * over what the profile's dhcp_option 17 and 224 send. It offers no documented CHAP and mounts
 * the root partition it finds rather than root=. */
static int from_shim(const struct pi *p, const char *path, const char *cmdline,
		     struct iscsi_check_opts *o, char *hold[ICHECK_HOLD], char **err)
{
	struct shim_root r;
	char *perr = NULL;
	int rc = shim_root_parse(cmdline, dhcp_option_value(p, 17), dhcp_option_value(p, 224), &r,
				 &perr);
	if (rc < 0) {
		*err = xasprintf("%s: %s", path, perr);
		free(perr);
	} else if (!r.target || !r.portal) {
		*err = xasprintf("[pi \"%s\"] has initramfs = none: its kernel's own initramfs reads "
				 "iscsi.ip=/iscsi.target= (%s) or DHCP option 17 (dhcp_option), as "
				 "seed 002's shim does, and neither names its root; pinetboot's "
				 "iscsi_* words are not its words",
				 p->name, path);
		rc = -1;
	} else {
		if (r.portal)
			o->host = keep(hold, xstrdup(r.portal));
		if (r.target)
			o->target = keep(hold, xstrdup(r.target));
		o->port = r.port;
		if (r.lun >= 0)
			o->lun = r.lun;
		o->chap_user = o->chap_secret = NULL;
	}
	shim_root_done(&r);
	return rc;
}

/* Reads the served cmdline.txt when there is one; fills root= and the login parameters. */
static int read_served_cmdline(const struct site *s, const struct pi *p, const char *path,
			       struct iscsi_check_opts *o, char *hold[ICHECK_HOLD], char **err)
{
	char *text = slurp(path, 4096);
	if (!text) {
		if (errno == ENOENT)
			return 0;
		*err = xasprintf("cannot read %s: %s", path, strerror(errno));
		return -1;
	}
	struct boot_params bp;
	char *perr = NULL;
	int rc = 0;
	if (s->root == ROOT_ISCSI && p->initramfs_none) {
		rc = from_shim(p, path, text, o, hold, err);
		free(text);
		return rc;
	}
	if (bootparams_parse(text, &bp, &perr) < 0) {
		*err = xasprintf("%s: %s", path, perr);
		free(perr);
		rc = -1;
	} else {
		if (bp.iscsi)
			from_cmdline(&bp, o, hold);
		struct iscsi_by_path byp;
		if (bp.root && (strncmp(bp.root, "/dev/", 5) != 0 ||
				bootparams_by_path(bp.root, &byp))) {
			o->root_spec = keep(hold, xstrdup(bp.root));
			o->root_from = keep(hold, xstrdup(path));
		}
	}
	bootparams_done(&bp);
	free(text);
	return rc;
}

int iscsi_check_opts_from_site(const struct site *s, const struct pi *p,
			       struct iscsi_check_opts *o, char *hold[ICHECK_HOLD], char **err)
{
	char addr[16];
	memset(o, 0, sizeof(*o));
	for (int i = 0; i < ICHECK_HOLD; i++)
		hold[i] = NULL;
	*err = NULL;
	uint32_t ip;
	uint16_t port;
	site_pi_portal(s, p, &ip, &port); /* an external target is checked where the Pi logs in */
	ipv4_format(ip, addr);
	o->host = keep(hold, xstrdup(addr));
	o->port = port;
	o->target = p->target;
	o->initiator = p->initiator;
	o->profile_initiator = p->initiator;
	o->profile_target = p->target;
	o->target_kind = (int)s->iscsi_target;
	o->lun = (int)site_pi_lun(s, p);
	o->expect_size = p->size;
	if (p->chap) {
		o->chap_user = p->chap_user;
		o->chap_secret = p->chap_secret;
	}
	char *dir = pi_tftp_dir_path(s, p);
	int rc = 0;
	if (dir) {
		char *path = xasprintf("%s/cmdline.txt", dir);
		rc = read_served_cmdline(s, p, path, o, hold, err);
		free(path);
		free(dir);
	}
	if (!o->root_spec && p->root_uuid) {
		o->root_spec = keep(hold, xasprintf("UUID=%s", p->root_uuid));
		o->root_from = "the profile's root_uuid";
	}
	return rc;
}
