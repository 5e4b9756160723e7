/* vpi_shim — the iSCSI root of a Pi whose kernel carries its own initramfs ([pi] initramfs =
 * none with root = iscsi). Such an initramfs reads its own words, not the initramfs-tools or
 * dracut words pinetboot renders into cmdline.txt, so the virtual Pi does not read those here.
 * The one such kernel the project has facts for is seed 002's scsipub shim (core/server/
 * shim_words.h): the command line's iscsi.* words over the kernel DHCP's options 17 and 224.
 * In pivot mode it mounts the image's root partition (the ext4 one beside the FAT boot
 * partition) and switch_roots into it. Not documented, so assumed and logged: its initiator
 * name (the profile's), CHAP (none: the guide's target has authentication off), and the LUN
 * when option 17 names none (the profile's). kexec and usb modes are not modelled: the boot
 * stops saying so. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/server/bootfiles.h"
#include "core/server/shim_words.h"
#include "core/site/profile.h"
#include "core/base/util.h"
#include "core/lab/vpi.h"

int vpi_root_shim(struct vpi *v)
{
	struct shim_root r;
	char *err = NULL;
	int rc;
	if (shim_root_parse(v->cmdline_txt, v->dhcp_root_path, v->dhcp_opt224, &r, &err) < 0)
		rc = vpi_fail(
		    v, STAGE_ROOT_LOGIN, "shim-words-malformed",
		    "fix the kernel's own root words (cmdline_extra iscsi.*, dhcp_option 17)", "%s",
		    err);
	else if (!r.target || !r.portal)
		rc = vpi_fail(
		    v, STAGE_ROOT_LOGIN, "no-iscsi-target",
		    "give the kernel's initramfs its root in its own words: dhcp_option = "
		    "17,iscsi:SERVER:::LUN:TARGET or cmdline_extra = iscsi.ip=SERVER "
		    "iscsi.target=TARGET",
		    "the kernel carries its own initramfs (initramfs = none), which reads "
		    "iscsi.ip=/iscsi.target= on the command line or a DHCP option 17 root "
		    "path (as seed 002's shim does), and %s; pinetboot's iscsi_* words are "
		    "not its words",
		    *v->dhcp_root_path ? "neither names both the target and its address"
				       : "the kernel's DHCP got no option 17 and cmdline.txt "
					 "has no such words");
	else if (strcmp(r.mode, "pivot") != 0)
		rc = vpi_fail(
		    v, STAGE_ROOT_LOGIN, "mode-not-modelled",
		    "use iscsi.mode=pivot (or option 224 pivot) for a lab boot",
		    "mode %s (iscsi.mode= or option 224): the virtual Pi models only pivot "
		    "(mount the root partition and switch_root)",
		    r.mode);
	else
		rc = 0;
	if (rc == 0) {
		struct boot_params bp;
		memset(&bp, 0, sizeof(bp));
		bp.iscsi = true;
		bp.portal = xstrdup(r.portal);
		bp.target = xstrdup(r.target);
		bp.port = r.port;
		bp.initiator = xstrdup(v->pi->initiator);
		bool lun_assumed = r.lun < 0;
		bp.lun = lun_assumed ? (int)site_pi_lun(v->site, v->pi) : r.lun;
		vpi_log(v,
			"the kernel's own initramfs (seed 002's shim words) from %s: target %s at "
			"%s:%d LUN %d, mode %s; not documented, so assumed: initiator name %s "
			"(the profile's)%s",
			r.from, bp.target, bp.portal, bp.port, bp.lun, r.mode, bp.initiator,
			lun_assumed ? ", the LUN (the profile's: no option 17)" : "");
		rc = vpi_root_iscsi(v, &bp, "the shim's words");
		bootparams_done(&bp);
	}
	shim_root_done(&r);
	free(err);
	return rc;
}
