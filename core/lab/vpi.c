/* vpi — the virtual Pi's boot sequence: the model's TFTP steps (firmware, config.txt, kernel
 * files), the kernel stage (root login and first read) and vpi_run, which strings them
 * together. Identity and stage bookkeeping live below, in vpi_core.c. */
#include "core/lab/vpi.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/server/bootfiles.h"
#include "core/site/tftp_dir.h"
#include "core/base/util.h"

/* ---- TFTP stages ---- */

static bool probe(struct vpi *v, const char *file)
{
	struct vpi_tftp_result r;
	vpi_tftp_get(v, file, TFTP_PROBE, false, &r);
	return r.found;
}

/* Probes a file under the prefix the firmware settled on. */
static void probe_in(struct vpi *v, const char *file)
{
	char *p = xasprintf("%s%s", v->prefix_used, file);
	probe(v, p);
	free(p);
}

/* Fetches prefix+file; on failure marks stage st failed (required files) with rule (the
 * monitor's rule id for a file the server does not have). */
static int fetch(struct vpi *v, enum boot_stage st, const char *file, bool keep, char **data,
		 const char *rule, const char *fix)
{
	char *path = xasprintf("%s%s", v->prefix_used, file);
	struct vpi_tftp_result r;
	int rc = vpi_tftp_get(v, path, TFTP_FETCH, keep, &r);
	if (rc == 0 && data)
		*data = r.data;
	else
		free(r.data);
	v->fetched_bytes = r.bytes;
	v->fetched_kept = r.kept;
	if (rc < 0) {
		char srv[16];
		ipv4_format(v->tftp_server, srv);
		if (r.timeout && !v->tftp_answered)
			vpi_fail(v, st, "tftp-no-answer",
				 "start the TFTP server (dnsmasq: enable-tftp) on the address the "
				 "offer names, and open UDP 69 and the transfer ports",
				 "nothing answers TFTP on %s: the read request for %s got no answer "
				 "in 5 tries",
				 srv, v->tftp_silent_file[0] ? v->tftp_silent_file : path);
		else if (r.timeout)
			vpi_fail(v, st, "tftp-stall", "check the TFTP server's log and load",
				 "TFTP %s from %s: no answer", path, srv);
		else
			vpi_fail(v, st, r.error_code == 1 ? rule : "tftp-access-violation", fix,
				 "TFTP %s from %s: error %u \"%s\"", path, srv, r.error_code,
				 r.error_msg);
	}
	free(path);
	return rc;
}

/* The board the firmware reads config.txt for: this Pi's model and serial. */
static struct config_board board_of(const struct vpi *v)
{
	return (struct config_board){v->model, v->serial[0] ? v->serial : NULL};
}

static void read_config(struct vpi *v)
{
	char *path = xasprintf("%sconfig.txt", v->prefix_used);
	struct vpi_tftp_result r;
	if (vpi_tftp_get(v, path, TFTP_FETCH, true, &r) == 0) {
		free(v->config_txt);
		v->config_txt = r.data;
	}
	free(path);
}

/* The Pi found no firmware under its prefix and cleared it (it now reads the TFTP root). */
static bool prefix_dropped(const struct vpi *v)
{
	return v->prefix_dir[0] && v->prefix_used && !v->prefix_used[0];
}

/* Why the Pi reads the TFTP root: its EEPROM's prefix is not the profile's layout (rule
 * tftp-prefix-mismatch), or its own directory is missing (tftp-prefix-dir-missing). Fills fix. */
static const char *prefix_lost(struct vpi *v, const char *probed, char *fix, size_t len)
{
	if (strcmp(v->prefix_dir, v->profile_dir) != 0) {
		const char *kind = v->pi->prefix == TFTP_PREFIX_MAC      ? "MAC"
				   : v->pi->prefix == TFTP_PREFIX_SERIAL ? "serial"
				   : v->pi->prefix == TFTP_PREFIX_NONE   ? "a flat layout"
									 : "name";
		vpi_log(v, "the Pi asks under %s but the profile lays it out by %s under %s",
			v->prefix_dir, kind, v->profile_dir);
		snprintf(fix, len, "set TFTP_PREFIX=%d in the Pi's EEPROM (pinetboot eeprom "
				   "bootstrap --site SITE --pi %s), or change tftp_prefix in the "
				   "profile to the Pi's and export again",
			 pi_tftp_prefix_setting(v->pi->prefix), v->name);
		return "tftp-prefix-mismatch";
	}
	const char *kind = model_is_pi3_family(v->model) || v->pi->prefix == TFTP_PREFIX_SERIAL
				   ? "serial "
			   : v->pi->prefix == TFTP_PREFIX_MAC ? "MAC "
							      : "";
	snprintf(fix, len, "create the Pi's %sdirectory %s in the TFTP root with the boot files "
			   "(pinetboot apply and provision)%s",
		 kind, v->prefix_dir, v->mi->tftp_prefix_settable ? "; the EEPROM's TFTP_PREFIX "
								     "must match the layout" : "");
	(void)probed;
	return "tftp-prefix-dir-missing";
}

/* A firmware file missing: after a dropped prefix the cause starts with why the Pi looked in
 * the TFTP root at all. */
static void firmware_cause(struct vpi *v, const char *probed)
{
	if (!prefix_dropped(v) || !v->cause || !v->tftp_answered)
		return; /* a silent server explains everything by itself */
	char *c;
	if (strcmp(v->prefix_dir, v->profile_dir) != 0)
		c = xasprintf("the Pi asks under %s (its EEPROM's TFTP_PREFIX) but the profile "
			      "lays its files out under %s; with no %s there it cleared its prefix: "
			      "%s",
			      v->prefix_dir, v->profile_dir, probed, v->cause);
	else
		c = xasprintf("the Pi's TFTP directory %s is missing or has no %s, so it cleared "
			      "its prefix and read the TFTP root: %s",
			      v->prefix_dir, probed, v->cause);
	free(v->cause);
	v->cause = c;
}

/* Pi 3: bootcode.bin from the root, then the serial probe decides the prefix (§5.4). */
static int firmware_pi3(struct vpi *v)
{
	v->prefix_used = xstrdup("");
	if (fetch(v, STAGE_TFTP_FIRMWARE, "bootcode.bin", false, NULL, "bootcode-missing",
		  "put bootcode.bin in the TFTP root (not only in the Pi's directory)") < 0)
		return -1;
	probe(v, "bootsig.bin");
	if (vpi_bootcode_dhcp(v) < 0)
		return -1;
	char *serial_probe = xasprintf("%sstart.elf", v->prefix_dir);
	if (probe(v, serial_probe)) {
		free(v->prefix_used);
		v->prefix_used = xstrdup(v->prefix_dir);
	} else {
		vpi_log(v, "no %s: bootcode.bin uses the TFTP root", serial_probe);
	}
	free(serial_probe);
	probe_in(v, "autoboot.txt");
	read_config(v);
	probe_in(v, "recovery.elf");
	return 0;
}

/* Pi 4: start4.elf / start.elf under the prefix, or the prefix is cleared (§5.6). */
static int firmware_pi4(struct vpi *v)
{
	char *a = xasprintf("%sstart4.elf", v->prefix_dir), *b = xasprintf("%sstart.elf", v->prefix_dir);
	bool found = probe(v, a) || probe(v, b);
	v->prefix_used = xstrdup(found ? v->prefix_dir : "");
	if (!found)
		vpi_log(v, "neither %s nor %s: the bootloader clears its TFTP prefix", a, b);
	free(a);
	free(b);
	read_config(v);
	probe_in(v, "recover4.elf");
	probe_in(v, "recovery.elf");
	return 0;
}

/* Pi 5: the firmware is in the EEPROM; <prefix>config.txt decides the prefix (§5.7). */
static int firmware_pi5(struct vpi *v)
{
	char *a = xasprintf("%sconfig.txt", v->prefix_dir);
	bool found = probe(v, a);
	v->prefix_used = xstrdup(found ? v->prefix_dir : "");
	if (!found)
		vpi_log(v, "no %s: the bootloader clears its TFTP prefix", a);
	free(a);
	read_config(v);
	if (!v->config_txt) {
		char fix[256] = "put config.txt and the boot files into the Pi's TFTP directory";
		const char *rule = found ? "firmware-not-found" : prefix_lost(v, "config.txt", fix,
									     sizeof(fix));
		if (!v->tftp_answered)
			return fetch(v, STAGE_TFTP_FIRMWARE, "config.txt", false, NULL, rule, fix);
		vpi_fail(v, STAGE_TFTP_FIRMWARE, rule, fix,
			 "no config.txt in the TFTP root either: the Pi 5 finds nothing bootable");
		firmware_cause(v, "config.txt");
		return -1;
	}
	probe_in(v, "pieeprom.sig");
	vpi_stage_done(v, STAGE_TFTP_FIRMWARE, "config.txt from \"%s\" (firmware in the EEPROM)",
		       v->prefix_used);
	return 0;
}

static int firmware(struct vpi *v)
{
	bool pi5 = !strcmp(v->mi->soc, "BCM2712");
	if (pi5)
		return firmware_pi5(v);
	if ((v->mi->fetches_bootcode ? firmware_pi3 : firmware_pi4)(v) < 0)
		return -1;
	struct config_txt ct;
	struct config_board b = board_of(v);
	config_txt_parse(v->config_txt ? v->config_txt : "", &b, &ct);
	char start[64], fixup[64];
	bool pi3 = v->mi->fetches_bootcode;
	snprintf(start, sizeof(start), "%s", ct.start_file ? ct.start_file : pi3 ? "start.elf" : "start4.elf");
	snprintf(fixup, sizeof(fixup), "%s", pi3 ? "fixup.dat" : "fixup4.dat");
	config_txt_done(&ct);
	char fix[256] = "copy the firmware (start*.elf, fixup*.dat) from the image's boot "
			"partition into the Pi's TFTP directory (pinetboot apply)";
	const char *rule = prefix_dropped(v) ? prefix_lost(v, start, fix, sizeof(fix))
					     : "firmware-not-found";
	if (fetch(v, STAGE_TFTP_FIRMWARE, start, false, NULL, rule, fix) < 0 ||
	    fetch(v, STAGE_TFTP_FIRMWARE, fixup, false, NULL, rule, fix) < 0) {
		firmware_cause(v, pi3 ? "start.elf" : "start4.elf");
		return -1;
	}
	vpi_stage_done(v, STAGE_TFTP_FIRMWARE, "%s%s and %s", v->prefix_used, start, fixup);
	return 0;
}

/* auto_initramfs=1 and no file by that name: the firmware starts the kernel without an
 * initramfs, which an iSCSI root cannot survive (the kernel alone has no iSCSI initiator).
 * Returns -1 when that stops the boot. */
static int auto_initramfs_absent(struct vpi *v, const char *file)
{
	struct boot_params bp;
	char *err = NULL;
	bootparams_parse(v->cmdline_txt ? v->cmdline_txt : "", &bp, &err);
	bool iscsi = bp.iscsi;
	bootparams_done(&bp);
	free(err);
	vpi_log(v, "auto_initramfs=1 but no %s%s: the firmware starts the kernel without an initramfs",
		v->prefix_used, file);
	if (!iscsi)
		return 0;
	return vpi_fail(v, STAGE_TFTP_KERNEL, "initramfs-missing",
			"build the initramfs with the iSCSI hooks (update-initramfs -u) and copy it "
			"next to the kernel",
			"config.txt has auto_initramfs=1 but there is no %s%s next to the kernel: "
			"without an initramfs the kernel cannot log in to its iSCSI root",
			v->prefix_used, file);
}

/* The kernel the firmware takes: the first of config.txt's candidates that is there (the
 * firmware probes them in that order); the first when none is. */
static const char *pick_kernel(struct vpi *v, const char *const *k, size_t n)
{
	for (size_t i = 0; i + 1 < n; i++) {
		char *p = xasprintf("%s%s", v->prefix_used, k[i]);
		bool there = probe(v, p);
		free(p);
		if (there)
			return k[i];
	}
	return k[n - 1];
}

static int kernel_files(struct vpi *v)
{
	read_config(v); /* start*.elf reads it again */
	struct config_txt ct;
	struct config_board b = board_of(v);
	config_txt_parse(v->config_txt ? v->config_txt : "", &b, &ct);
	int rc = -1;
	char *initramfs = NULL;
	if (fetch(v, STAGE_TFTP_KERNEL, v->mi->dtb, false, NULL, "kernel-files-missing",
		  "copy the device tree from the image's boot partition") < 0 ||
	    fetch(v, STAGE_TFTP_KERNEL, "cmdline.txt", true, &v->cmdline_txt,
		  "kernel-files-missing", "write the Pi's cmdline.txt (pinetboot export renders it)") < 0)
		goto out;
	const char *names[4];
	size_t n = config_txt_kernels(&ct, v->model, names);
	const char *kernel = pick_kernel(v, names, n);
	if (fetch(v, STAGE_TFTP_KERNEL, kernel, false, NULL, "kernel-files-missing",
		  "copy the kernel from the image's boot partition") < 0)
		goto out;
	bool automatic;
	initramfs = config_txt_initramfs(&ct, kernel, &automatic);
	if (initramfs && automatic) {
		char *p = xasprintf("%s%s", v->prefix_used, initramfs);
		bool there = probe(v, p);
		free(p);
		if (!there) {
			if (auto_initramfs_absent(v, initramfs) < 0)
				goto out;
			free(initramfs);
			initramfs = NULL;
		}
	}
	char *ird = NULL;
	if (initramfs &&
	    fetch(v, STAGE_TFTP_KERNEL, initramfs, true, &ird, "initramfs-missing",
		  "build the initramfs (update-initramfs) and copy it next to the kernel, or fix "
		  "the initramfs line in config.txt") < 0) {
		if (!strcmp(v->rule, "initramfs-missing")) {
			free(v->cause);
			v->cause = xasprintf("config.txt names initramfs %s but it is not there: %s",
					     initramfs, v->st[STAGE_TFTP_KERNEL].detail);
		}
		goto out;
	}
	if (ird) {
		/* what the kernel will unpack: later, the root stage asks it for iSCSI or NFS */
		char err[256];
		v->initramfs_name = xstrdup(initramfs);
		v->initramfs_ok = initramfs_inspect(ird, v->fetched_kept, &v->initramfs, err,
						    sizeof(err)) == 0;
		vpi_log(v, "initramfs %s: %s", initramfs,
			v->initramfs_ok ? (v->initramfs.iscsi ? "can log in to iSCSI"
							      : "has no iSCSI initiator")
					: err);
		free(ird);
	}
	vpi_stage_done(v, STAGE_TFTP_KERNEL, "%s, %s, cmdline.txt%s%s", kernel, v->mi->dtb,
		       initramfs ? ", " : "", initramfs ? initramfs : "");
	rc = 0;
out:
	free(initramfs);
	config_txt_done(&ct);
	return rc;
}

int vpi_tftp_boot(struct vpi *v)
{
	if (firmware(v) < 0)
		return -1;
	return kernel_files(v);
}

/* ---- kernel stage: root ---- */

int vpi_root_iscsi(struct vpi *v, const struct boot_params *bp, const char *from)
{
	struct iscsi_check_opts o = {0};
	char addr[16];
	uint32_t ip;
	uint16_t port;
	site_pi_portal(v->site, v->pi, &ip, &port);
	ipv4_format(ip, addr);
	o.host = bp->portal ? bp->portal : addr;
	o.port = bp->port;
	o.target = bp->target;
	o.initiator = bp->initiator ? bp->initiator : v->pi->initiator;
	o.lun = bootparams_root_lun(bp);
	o.chap_user = bp->chap_user;
	o.chap_secret = bp->chap_password;
	o.root_spec = bp->root;
	o.root_from = from;
	o.profile_initiator = v->pi->initiator;
	o.profile_target = v->pi->target;
	o.target_kind = (int)v->site->iscsi_target;
	long left = vpi_time_left_ms(v) / 1000; /* the check's whole budget: what is left of ours */
	o.timeout = left < 1 ? 1 : left > INT_MAX ? INT_MAX : (int)left;
	if (!bp->target)
		return vpi_fail(v, STAGE_ROOT_LOGIN, "no-iscsi-target",
				"add the target name to cmdline.txt", "cmdline.txt names no iSCSI target");
	if (!bp->initiator)
		vpi_log(v, "cmdline.txt names no initiator: assuming the initramfs's "
			   "/etc/initiatorname.iscsi holds the profile's %s", o.initiator);
	if (!bp->portal)
		vpi_log(v, "cmdline.txt names no portal: trying the boot server %s", addr);
	v->ic = iscsi_check_new(&o);
	v->ic->ok = true;
	if (iscsi_check_login(v->ic) < 0)
		return vpi_fail(v, STAGE_ROOT_LOGIN, "iscsi-login", v->ic->fix, "%s", v->ic->cause);
	vpi_stage_done(v, STAGE_ROOT_LOGIN, "iSCSI login to %s as %s accepted", o.target, o.initiator);
	if (iscsi_check_disk(v->ic) < 0 || iscsi_check_root(v->ic) < 0)
		return vpi_fail(v, STAGE_ROOT_IN_USE, "root-not-found", v->ic->fix, "%s", v->ic->cause);
	const struct disk_part *rp = v->ic->root_part;
	/* mounting reads the filesystem's metadata: enough READs for a monitor to see the root used */
	if (iscsi_check_use_root(v->ic, 40) < 0)
		return vpi_fail(v, STAGE_ROOT_IN_USE, "root-read", NULL,
				"reading the root filesystem on LUN %d failed", v->ic->lun);
	if (iscsi_check_fstab(v->ic) < 0) {
		/* name the entries, with what the disk has instead: the summary alone hides them */
		struct sbuf w;
		sbuf_init(&w);
		for (size_t i = 0; i < v->ic->n_lines; i++)
			if (v->ic->lines[i].step == IC_FSTAB && v->ic->lines[i].level == IC_FAIL)
				sbuf_printf(&w, "%s; ", v->ic->lines[i].text);
		vpi_log(v, "then: %s", v->ic->cause);
		vpi_stage_done(v, STAGE_ROOT_IN_USE, "read the %s superblock of partition %d "
				"(UUID=%s) on LUN %d; warning: %s%s", rp->fs.type, rp->number,
			       rp->fs.uuid, v->ic->lun, w.buf ? w.buf : "", v->ic->cause);
		sbuf_done(&w);
		return 0;
	}
	vpi_stage_done(v, STAGE_ROOT_IN_USE, "read the %s superblock of partition %d (UUID=%s) on LUN %d",
		       rp->fs.type, rp->number, rp->fs.uuid, v->ic->lun);
	return 0;
}

/* The kernel hands the root to the initramfs: without one that can log in (or with none at
 * all) no iSCSI login ever leaves the Pi, which the monitor sees as no SYN after the kernel's
 * DHCP (stage 7, no-iscsi-syn). */
static int initramfs_iscsi(struct vpi *v)
{
	if (!v->initramfs_name) {
		if (v->pi->initramfs_none)
			return 0; /* initramfs = none: the kernel carries its own initiator */
		return vpi_fail(v, STAGE_ROOT_LOGIN, "no-iscsi-syn",
				"build an initramfs with the iSCSI hooks and name it in config.txt "
				"(or [pi] initramfs = FILE); initramfs = none when the kernel carries "
				"its own",
				"config.txt loads no initramfs: the kernel alone has no iSCSI "
				"initiator, so no login to the root is ever sent");
	}
	if (!v->initramfs_ok)
		return vpi_fail(v, STAGE_ROOT_LOGIN, "no-iscsi-syn",
				"rebuild the initramfs (update-initramfs or dracut) and copy it again",
				"the initramfs %s is not a cpio archive the kernel can unpack, so no "
				"login to the root is ever sent",
				v->initramfs_name);
	if (v->initramfs.iscsi)
		return 0;
	char *gap = initramfs_iscsi_gap(&v->initramfs);
	int rc = vpi_fail(v, STAGE_ROOT_LOGIN, "no-iscsi-syn", initramfs_iscsi_fix(&v->initramfs),
			  "the initramfs %s cannot log in to iSCSI: %s", v->initramfs_name, gap);
	free(gap);
	return rc;
}

int vpi_root(struct vpi *v)
{
	struct boot_params bp;
	char *err = NULL;
	int rc;
	if (bootparams_parse(v->cmdline_txt ? v->cmdline_txt : "", &bp, &err) < 0) {
		rc = vpi_fail(v, STAGE_ROOT_LOGIN, "cmdline-malformed", "fix cmdline.txt", "%s", err);
	} else if (v->site->root == ROOT_ISCSI && v->pi->initramfs_none && !v->initramfs_name) {
		/* its own initramfs, its own words: pinetboot's are not read there */
		rc = vpi_root_shim(v);
	} else if (bp.iscsi) {
		rc = initramfs_iscsi(v) < 0 ? -1 : vpi_root_iscsi(v, &bp, "cmdline.txt");
	} else if (bp.nfsroot || (bp.root && !strcmp(bp.root, "/dev/nfs"))) {
		if (!bp.nfsroot)
			rc = vpi_fail(v, STAGE_ROOT_LOGIN, "no-nfsroot",
				      "add nfsroot=SERVER:/PATH,vers=3 to cmdline.txt",
				      "root=/dev/nfs without nfsroot=");
		else
			rc = vpi_root_nfs(v, bp.nfsroot);
	} else {
		rc = vpi_fail(v, STAGE_ROOT_LOGIN, "no-network-root",
			      "render cmdline.txt for iSCSI or NFS root (pinetboot export)",
			      "cmdline.txt has no network root (root=%s): a diskless Pi waits for a "
			      "local disk forever",
			      bp.root ? bp.root : "none");
	}
	bootparams_done(&bp);
	free(err);
	return rc;
}

/* ip=<client>:<server>:<gw>:<netmask>:… (kernel Documentation/admin-guide/nfs/nfsroot.rst)
 * configures the address without DHCP; ip=dhcp, on, any or none given means DHCP. */
int vpi_kernel_net(struct vpi *v)
{
	if (vpi_time_left_ms(v) <= 0)
		return vpi_fail(v, STAGE_KERNEL_NET, "timeout", "raise --timeout",
				"the --timeout of %d s ran out before the kernel started", v->o.timeout);
	struct boot_params bp;
	char *err = NULL;
	bootparams_parse(v->cmdline_txt ? v->cmdline_txt : "", &bp, &err);
	free(err);
	uint32_t ip = 0, gw = 0, mask = 0;
	char f[4][40] = {{0}};
	for (int i = 0, k = 0; bp.ip && k < 4; i++) {
		const char *colon = strchr(bp.ip + i, ':');
		size_t n = colon ? (size_t)(colon - bp.ip - i) : strlen(bp.ip + i);
		snprintf(f[k++], sizeof(f[0]), "%.*s", (int)n, bp.ip + i);
		if (!colon)
			break;
		i += (int)n;
	}
	ipv4_parse(f[0], &ip);
	int rc;
	if (!ip) {
		rc = vpi_kernel_dhcp(v);
	} else if (!ipv4_parse(f[3], &mask) || (f[2][0] && !ipv4_parse(f[2], &gw))) {
		rc = vpi_fail(v, STAGE_KERNEL_NET, "bad-static-ip",
			      "write ip=CLIENT:SERVER:GATEWAY:NETMASK:HOSTNAME:eth0:off",
			      "ip=%s in cmdline.txt has no usable netmask or gateway", bp.ip);
	} else if (vpi_set_address(v, ip, mask, gw, &err) < 0) {
		rc = vpi_fail(v, STAGE_KERNEL_NET, "local", NULL, "%s", err);
		free(err);
	} else {
		vpi_stage_done(v, STAGE_KERNEL_NET, "static ip=%s from cmdline.txt (no DHCP)", f[0]);
		rc = 0;
	}
	bootparams_done(&bp);
	return rc;
}

int vpi_run(struct vpi *v)
{
	if (vpi_rom_dhcp(v) == 0 && vpi_tftp_boot(v) == 0 && vpi_kernel_net(v) == 0)
		vpi_root(v);
	if (vpi_cancelled(v) && v->failed) {
		free(v->rule);
		free(v->cause);
		free(v->fix);
		v->rule = xstrdup("cancelled");
		v->cause = xstrdup("cancelled by the user before the boot was over");
		v->fix = NULL;
	}
	/* No DHCP after this. Closing a packet socket waits out an RCU grace period (~15 ms): here
	 * a fleet's Pis do it in parallel, each in its thread, rather than one after another in
	 * vpi_free (1.5 s for 100 Pis). */
	if (v->raw >= 0) {
		close(v->raw);
		v->raw = -1;
	}
	return v->reached == STAGE_ROOT_IN_USE ? 0 : 1;
}
