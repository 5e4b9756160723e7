/* vpi_shim — the iSCSI root of a Pi whose kernel carries its own initramfs ([pi] initramfs =
 * none with root = iscsi). Such an initramfs reads its own words, not the initramfs-tools or
 * dracut words pinetboot renders into cmdline.txt, so the virtual Pi does not read those here.
 * The one such kernel the project has facts for is seed 002's scsipub shim; its guide says:
 *   - the kernel command line's iscsi.ip=, iscsi.target=, iscsi.port= and iscsi.mode= (pivot,
 *     kexec or usb) take precedence over DHCP;
 *   - from DHCP it reads option 17, the root path as iscsi:SERVER:PROTO:PORT:LUN:TARGET
 *     (RFC 4173), and option 224, the mode (pivot when absent);
 *   - pivot mounts the image's root partition (an ext4 one beside the FAT boot partition) and
 *     switch_roots into it.
 * Not documented, so assumed and logged: its initiator name (the profile's), CHAP (none: the
 * guide's target has authentication off), and the LUN when only the command line names the
 * target (the profile's). kexec and usb modes are not modelled: the boot stops saying so. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/server/bootfiles.h"
#include "core/site/profile.h"
#include "core/base/util.h"
#include "core/lab/vpi.h"

struct shim_words {
	char *ip, *target, *port, *mode; /* heap copies of the command line's values, or NULL */
};

static void shim_words_done(struct shim_words *w)
{
	free(w->ip);
	free(w->target);
	free(w->port);
	free(w->mode);
}

/* The shim's words of a kernel command line; the last of a repeated word wins, as a shell
 * loop over /proc/cmdline would have it. */
static void shim_words_parse(const char *cmdline, struct shim_words *w)
{
	static const char *const keys[] = {"iscsi.ip=", "iscsi.target=", "iscsi.port=",
					   "iscsi.mode="};
	char **slot[] = {&w->ip, &w->target, &w->port, &w->mode};
	memset(w, 0, sizeof(*w));
	for (const char *p = cmdline; *p;) {
		p += strspn(p, " \t\r\n");
		size_t n = strcspn(p, " \t\r\n");
		for (size_t k = 0; n && k < PNB_ARRAY_LEN(keys); k++) {
			size_t kl = strlen(keys[k]);
			if (n >= kl && !strncmp(p, keys[k], kl)) {
				free(*slot[k]);
				*slot[k] = xstrndup(p + kl, n - kl);
			}
		}
		p += n;
	}
}

static bool port_parse(const char *s, int *port)
{
	char *end;
	long v = strtol(s, &end, 10);
	if (!*s || *end || v < 1 || v > 65535)
		return false;
	*port = (int)v;
	return true;
}

/* Fills bp from option 17 and the command line (which wins); returns 0, or -1 with the boot
 * stopped. srcs names where each value came from, for the log. */
static int shim_params(struct vpi *v, const struct shim_words *w, struct boot_params *bp,
		       const char **mode, struct sbuf *srcs)
{
	const char *rp = v->dhcp_root_path;
	if (*rp) {
		if (strncmp(rp, "iscsi:", 6) != 0 || bootparams_parse_iscsi_path(rp + 6, bp) < 0)
			return vpi_fail(v, STAGE_ROOT_LOGIN, "root-path-malformed",
					"send option 17 as iscsi:SERVER:PROTO:PORT:LUN:TARGET-IQN",
					"DHCP option 17 \"%s\" is not an iSCSI root path the kernel's "
					"own initramfs can read",
					rp);
		sbuf_printf(srcs, "DHCP option 17 %s; ", rp);
	}
	uint32_t ip;
	if (w->ip) {
		if (!ipv4_parse(w->ip, &ip))
			return vpi_fail(v, STAGE_ROOT_LOGIN, "cmdline-malformed",
					"give iscsi.ip= an IPv4 address",
					"iscsi.ip=%s in cmdline.txt is not an IPv4 address", w->ip);
		free(bp->portal);
		bp->portal = xstrdup(w->ip);
	}
	if (w->port && !port_parse(w->port, &bp->port))
		return vpi_fail(v, STAGE_ROOT_LOGIN, "cmdline-malformed", "give iscsi.port= a port",
				"iscsi.port=%s in cmdline.txt is not a TCP port", w->port);
	if (w->target) {
		if (!iqn_valid(w->target))
			return vpi_fail(v, STAGE_ROOT_LOGIN, "cmdline-malformed",
					"give iscsi.target= the target's iSCSI name",
					"iscsi.target=%s in cmdline.txt is not an iSCSI name", w->target);
		free(bp->target);
		bp->target = xstrdup(w->target);
	}
	if (w->ip || w->target || w->port)
		sbuf_printf(srcs, "cmdline.txt%s%s%s; ", w->ip ? " iscsi.ip" : "",
			    w->target ? " iscsi.target" : "", w->port ? " iscsi.port" : "");
	if (!bp->target || !bp->portal)
		return vpi_fail(v, STAGE_ROOT_LOGIN, "no-iscsi-target",
				"give the kernel's initramfs its root in its own words: dhcp_option = "
				"17,iscsi:SERVER:::LUN:TARGET or cmdline_extra = iscsi.ip=SERVER "
				"iscsi.target=TARGET",
				"the kernel carries its own initramfs (initramfs = none), which reads "
				"iscsi.ip=/iscsi.target= on the command line or a DHCP option 17 root "
				"path (as seed 002's shim does), and %s; pinetboot's iscsi_* words are "
				"not its words",
				*rp ? "neither names both the target and its address"
				    : "the kernel's DHCP got no option 17 and cmdline.txt has no such "
				      "words");
	*mode = w->mode ? w->mode : *v->dhcp_opt224 ? v->dhcp_opt224 : "pivot";
	return 0;
}

int vpi_root_shim(struct vpi *v)
{
	struct shim_words w;
	shim_words_parse(v->cmdline_txt ? v->cmdline_txt : "", &w);
	struct boot_params bp;
	memset(&bp, 0, sizeof(bp));
	bp.port = 3260;
	bp.lun = -1;
	struct sbuf srcs;
	sbuf_init(&srcs);
	sbuf_add(&srcs, "");
	const char *mode = "pivot";
	int rc = shim_params(v, &w, &bp, &mode, &srcs);
	if (rc == 0 && strcmp(mode, "pivot") != 0)
		rc = vpi_fail(v, STAGE_ROOT_LOGIN, "mode-not-modelled",
			      "use iscsi.mode=pivot (or option 224 pivot) for a lab boot",
			      "mode %s (iscsi.mode= or option 224): the virtual Pi models only pivot "
			      "(mount the root partition and switch_root)",
			      mode);
	if (rc == 0) {
		bp.iscsi = true;
		bp.initiator = xstrdup(v->pi->initiator);
		bool lun_assumed = bp.lun < 0;
		if (lun_assumed)
			bp.lun = (int)site_pi_lun(v->site, v->pi);
		vpi_log(v, "the kernel's own initramfs (seed 002's shim words): %starget %s at "
			   "%s:%d LUN %d, mode %s; not documented, so assumed: initiator name %s "
			   "(the profile's)%s",
			srcs.buf, bp.target, bp.portal, bp.port, bp.lun, mode, bp.initiator,
			lun_assumed ? ", the LUN (the profile's: no option 17)" : "");
		rc = vpi_root_iscsi(v, &bp, "the shim's words");
	}
	sbuf_done(&srcs);
	bootparams_done(&bp);
	shim_words_done(&w);
	return rc;
}
