/* diagnose_time — silence as evidence. Each model retries for a known time (Pi 3 ROM: 5
 * DISCOVERs 5 s apart; Pi 4/5: DHCP_TIMEOUT 45 s; TFTP_FILE_TIMEOUT 30 s per file), so "nothing
 * after stage N" for longer than that is a verdict: live from diag_tick, and at the end of a
 * file from diag_finish (where a Pi still inside its retry window is only "in progress").
 * Also the end-of-capture site rules: expected Pis never seen, Pis the profile lacks. */
#include "core/monitor/diagnose_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const stall_fix[STAGE_COUNT] = {
    "",
    ("check power, link and the capture interface; Pi 3B: OTP row 17 = 3020000a; Pi 4/5: "
     "BOOT_ORDER with 2"),
    "check that a DHCP server (or dnsmasq proxy) answers this MAC with option 43",
    "check the DHCP server's log for this MAC",
    "check the TFTP server is reachable from the Pi's address and its log for this Pi",
    "check the TFTP server's log and the files the Pi asked for last",
    "check cmdline.txt (ip=dhcp) and attach a screen or NETCONSOLE for the kernel messages",
    "check the root= / iSCSI / nfsroot parameters in cmdline.txt and the initramfs",
    "check the root device (root=UUID, LUN) and the kernel modules match",
};

static void stage_timeout(struct diag *d, struct pistate *ps, int stage, double quiet,
			  uint64_t frame, struct timeval ts)
{
	struct sbuf e;
	sbuf_init(&e);
	sbuf_printf(&e, "last packet of this Pi ");
	ev_ref(d, &e, ps->last_frame ? ps->last_frame : frame, ps->last_frame ? ps->last_ts : ts);
	sbuf_printf(&e, "; stage %d (%s) reached ", stage - 1, boot_stage_names[stage - 1]);
	ev_ref(d, &e, frame, ts);
	pi_report(ps, R_STAGE_TIMEOUT, stage, frame,
		  xasprintf("nothing after stage %d (%s) for %.0f s, longer than the Pi waits",
			    stage - 1, boot_stage_names[stage - 1], quiet),
		  sbuf_take(&e), xstrdup(stall_fix[stage]));
}

static void no_offer(struct diag *d, struct pistate *ps)
{
	struct sbuf e;
	sbuf_init(&e);
	sbuf_printf(&e, "%u DISCOVER%s from ", ps->n_discover, ps->n_discover == 1 ? "" : "s");
	ev_ref(d, &e, ps->first_disc_frame, ps->first_disc_ts);
	sbuf_add(&e, " to ");
	ev_ref(d, &e, ps->last_disc_frame, ps->last_disc_ts);
	sbuf_add(&e, ", no OFFER");
	if (d->n_bpdu)
		sbuf_add(&e, "; spanning-tree BPDUs on the segment");
	pi_report(ps, R_NO_OFFER, 0, ps->first_disc_frame,
		  xstrdup("no DHCP server answered the Pi's DISCOVERs"), sbuf_take(&e),
		  xstrdup(d->n_bpdu
			      ? "start dnsmasq (proxy or full DHCP) for this MAC, and set the "
				"switch port to portfast/edge"
			      : "start dnsmasq (proxy or full DHCP) on this segment; check "
				"that it serves this MAC (dhcp-host/tags) and nothing filters "
				"DHCP"));
}

/* Before any TFTP: the model's DHCP retry window decides. */
static void check_dhcp(struct diag *d, struct pistate *ps, struct timeval now, bool at_end)
{
	if (!ps->n_discover && !ps->n_request)
		return;
	bool pi3 = model_info(ps->pub.model)->rom_dhcp_no_request;
	struct timeval start = ps->n_discover ? ps->first_disc_ts : ps->first_req_ts;
	double since = tv_diff(now, start);
	bool out;
	if (pi3)
		out = (ps->n_discover >= T_PI3_DISCOVERS &&
		       tv_diff(now, ps->last_disc_ts) >= T_PI3_INTERVAL) ||
		      since >= T_PI3_DISCOVERS * T_PI3_INTERVAL + T_PI3_INTERVAL;
	else
		out = since >= T_DHCP;
	/* At the end of a file, offers with a defect are evidence enough. */
	bool evidence =
	    at_end && ps->n_offers && tv_diff(now, ps->offers[ps->n_offers - 1].ts) >= 2.0;
	/* DISCOVERing again after offers, however soon the capture ends, is the ROM saying no. */
	bool ignored = ps->n_disc_after_offer >= T_IGNORED && !ps->n_request && !ps->n_rrq;
	if (!out && !evidence && !ignored)
		return;
	if (dhcp_explain(d, ps, at_end))
		return;
	if (ignored) {
		offers_ignored(d, ps);
		return;
	}
	if (!out)
		return;
	if (!ps->n_offers) {
		no_offer(d, ps);
		return;
	}
	int next = ps->pub.reached + 1;
	stage_timeout(d, ps, next, since, ps->pub.stage_frame[next - 1],
		      ps->pub.stage_time[next - 1]);
}

static void no_root(struct diag *d, struct pistate *ps, struct timeval ref, double quiet)
{
	bool nfs = d->site && d->site->root == ROOT_NFS;
	struct sbuf e;
	sbuf_init(&e);
	sbuf_add(&e, "kernel DHCP ");
	ev_ref(d, &e, ps->kack_frame ? ps->kack_frame : ps->kdhcp_frame, ref);
	sbuf_printf(&e, ", then %.0f s without %s", quiet,
		    nfs ? "portmap/MOUNT/NFS calls" : "a TCP SYN to port 3260 (or NFS calls)");
	if (nfs)
		pi_report(ps, R_NO_NFS, 0, ps->kdhcp_frame,
			  xstrdup("the kernel got its address but never asked for an NFS mount"),
			  sbuf_take(&e),
			  xstrdup("check cmdline.txt: root=/dev/nfs nfsroot=SERVER:/path,vers=3 "
				  "ip=dhcp rw"));
	else
		pi_report(
		    ps, R_NO_ISCSI, 0, ps->kdhcp_frame,
		    xstrdup("the initramfs never tried iSCSI (no TCP SYN to 3260): no iSCSI "
			    "support in it, or no root=/ISCSI_* parameters"),
		    sbuf_take(&e),
		    xstrdup("touch /etc/iscsi/iscsi.initramfs, update-initramfs -u, copy the "
			    "new initramfs to TFTP, and check cmdline.txt's iSCSI parameters"));
}

static void check_root(struct diag *d, struct pistate *ps, struct timeval now)
{
	bool nfs = ps->nfs_seen;
	struct sbuf e;
	sbuf_init(&e);
	double quiet = tv_diff(now, ps->last_root_ts);
	if (!ps->n_io && !ps->n_nfs_read) {
		struct timeval ok = ps->pub.stage_time[STAGE_ROOT_LOGIN];
		if (tv_diff(now, ok) < T_READS) {
			sbuf_done(&e);
			return;
		}
		sbuf_add(&e, nfs ? "MOUNT ok " : "login accepted ");
		ev_ref(d, &e, ps->pub.stage_frame[STAGE_ROOT_LOGIN], ok);
		sbuf_printf(&e, ", then no %s for %.0f s", nfs ? "NFS READ" : "SCSI READ/WRITE",
			    tv_diff(now, ok));
		bool tgt = !d->site || d->site->iscsi_target == TARGET_TGT;
		char *fix = NULL, *cause = nfs ? NULL : root_explain(d, ps, &fix);
		pi_report(
		    ps, R_ROOT_NO_READS, 0, ps->pub.stage_frame[STAGE_ROOT_LOGIN],
		    cause ? cause
		    : nfs ? xstrdup("the root was mounted but never read")
			  : xstrdup("the iSCSI session has no disk the initramfs uses (wrong LUN, "
				    "or a target without a backing store)"),
		    sbuf_take(&e),
		    fix ? fix
		    : tgt && !nfs ? xstrdup("tgt numbers the first backing store LUN 1: use "
					    "LUN 1 in root=iscsi:…:1:TARGET, or check the "
					    "backing-store line")
				  : xstrdup("check the export/target has the root filesystem"));
		return;
	}
	if (quiet < T_READS) {
		sbuf_done(&e);
		return;
	}
	sbuf_printf(&e, "%u %s from ", nfs ? ps->n_nfs_read : ps->n_io,
		    nfs ? "NFS READs" : "SCSI READ/WRITE commands");
	ev_ref(d, &e, ps->first_io_frame, ps->first_io_ts);
	sbuf_printf(&e, ", then %.0f s of silence", quiet);
	const char *uuid = ps->prof && ps->prof->root_uuid ? ps->prof->root_uuid : NULL;
	char *fix = NULL, *cause = nfs ? NULL : root_explain(d, ps, &fix);
	pi_report(ps, R_ROOT_READS_STOP, 0, ps->first_io_frame,
		  cause ? cause
			: xstrdup("the kernel read a few blocks of the root disk and stopped: it "
				  "did not find the root filesystem it was told to mount"),
		  sbuf_take(&e),
		  fix ? fix
		  : uuid ? xasprintf("check root=UUID=%s in cmdline.txt matches the disk (the UUID "
				   "changes on re-imaging), the LUN, and the kernel modules",
				   uuid)
		       : xstrdup("check root= in cmdline.txt (the UUID/PARTUUID changes on "
				 "re-imaging), the LUN, and that the kernel matches /lib/modules"));
}

static void check_root_lost(struct diag *d, struct pistate *ps, struct timeval now)
{
	if (!ps->late_dhcp_frame || tv_diff(ps->last_root_ts, ps->late_dhcp_ts) > 1.0 ||
	    tv_diff(now, ps->late_dhcp_ts) < T_READS)
		return;
	struct sbuf e;
	sbuf_init(&e);
	sbuf_add(&e, "DHCP from the running Pi ");
	ev_ref(d, &e, ps->late_dhcp_frame, ps->late_dhcp_ts);
	sbuf_printf(&e, ", no root traffic in the %.0f s after", tv_diff(now, ps->late_dhcp_ts));
	pi_report(ps, R_ROOT_LOST, 0, ps->late_dhcp_frame,
		  xstrdup("root traffic stopped after a new DHCP exchange: a network manager "
			  "reconfigured eth0 under the network root"),
		  sbuf_take(&e),
		  xstrdup("keep eth0 out of the network manager's hands (dhcpcd: denyinterfaces "
			  "eth0 / nolink; NetworkManager: unmanaged)"));
}

/* pi_check_time for a Pi that is network booting and has no active failure. Not inlined:
 * its long body's register saves would then be paid by every Pi of every sweep. */
__attribute__((noinline)) static void check_booting(struct diag *d, struct pistate *ps,
						  struct timeval now, bool at_end)
{
	if (st_is_done(ps, STAGE_ROOT_IN_USE)) {
		check_root_lost(d, ps, now);
		return;
	}
	if (!ps->n_rrq && !ps->kernel_started && !ps->root_started) {
		check_dhcp(d, ps, now, at_end);
		return;
	}
	if (ps->n_rrq && !ps->tftp_answered) {
		tftp_unanswered(d, ps, now);
		return;
	}
	if (!ps->root_started && !ps->kdhcp_frame && !st_is_done(ps, STAGE_TFTP_KERNEL)) {
		double q = tv_diff(now, ps->last_tftp_ts);
		int stage = ps->kernel_started ? STAGE_TFTP_KERNEL : STAGE_TFTP_FIRMWARE;
		if (q >= T_TFTP_FILE)
			stage_timeout(d, ps, stage, q, ps->pub.stage_frame[stage - 1],
				      ps->pub.stage_time[stage - 1]);
		return;
	}
	if (!ps->kdhcp_frame && !ps->root_started) {
		double q = tv_diff(now, ps->kernel_done_ts);
		if (q < T_KERNEL_DHCP)
			return;
		struct sbuf e;
		sbuf_init(&e);
		sbuf_add(&e, "kernel files loaded ");
		ev_ref(d, &e, ps->pub.stage_frame[STAGE_TFTP_KERNEL], ps->kernel_done_ts);
		sbuf_printf(&e, ", then no DHCP from this MAC for %.0f s", q);
		pi_report(
		    ps, R_NO_KERNEL_DHCP, 0, ps->pub.stage_frame[STAGE_TFTP_KERNEL],
		    xstrdup("the kernel was loaded but never asked for an address: it "
			    "panicked before the network came up, or ip= is wrong"),
		    sbuf_take(&e),
		    xstrdup("check cmdline.txt (ip=dhcp, console=), the dtb and initramfs match "
			    "the kernel; NETCONSOLE or a screen shows the panic"));
		return;
	}
	if (!ps->root_started) {
		struct timeval ref = ps->pub.stage_time[STAGE_KERNEL_NET];
		if (!ps->kack_frame) {
			double q = tv_diff(now, ps->kdhcp_ts);
			if (q >= T_DHCP)
				stage_timeout(d, ps, STAGE_KERNEL_NET, q, ps->kdhcp_frame,
					      ps->kdhcp_ts);
			return;
		}
		if (tv_diff(now, ref) >= T_ROOT)
			no_root(d, ps, ref, tv_diff(now, ref));
		return;
	}
	if (!st_is_done(ps, STAGE_ROOT_LOGIN)) {
		double q = tv_diff(now, ps->last_root_ts);
		if (q >= T_READS)
			stage_timeout(d, ps, STAGE_ROOT_LOGIN, q,
				      ps->pub.stage_frame[STAGE_KERNEL_NET],
				      ps->pub.stage_time[STAGE_KERNEL_NET]);
		return;
	}
	check_root(d, ps, now);
}

void pi_check_time(struct diag *d, struct pistate *ps, struct timeval now, bool at_end)
{
	/* The sweep asks this of every Pi each second of capture time; most return here. */
	if (ps->pub.os_dhcp)
		return; /* not network booting: no stage can time out */
	if (pi_has_failure(ps))
		return; /* an active failure already says why the Pi stopped */
	check_booting(d, ps, now, at_end);
}

/* ---- end of capture ---- */

static bool seen_profile_pi(const struct diag *d, const struct pi *p)
{
	for (size_t i = 0; i < d->n_pis; i++)
		if (d->pis[i]->prof == p)
			return true;
	return false;
}

static void expected_missing(struct diag *d, const struct pi *p)
{
	if (!p->has_mac)
		return; /* keyed by MAC: a profile entry without one cannot be told apart */
	struct pnb_event ev = {.frame = 0, .ts = d->now};
	struct pistate *ps = diag_pi_add(d, p->mac, &ev);
	ps->prof = p;
	if (!ps->pub.name)
		ps->pub.name = xstrdup(p->name);
	ps->pub.model = p->model;
	if (p->has_serial) {
		memcpy(ps->pub.serial, p->serial, sizeof(ps->pub.serial));
		ps->pub.has_serial = true;
	}
	char mac[18];
	mac_format(p->mac, ':', mac);
	const struct pi_model_info *mi = model_info(p->model);
	pi_report(ps, R_NO_DISCOVER, 0, 0,
		  xasprintf("the profile's Pi \"%s\" (%s) sent no DHCP DISCOVER", p->name, mac),
		  xasprintf("no DHCP from %s in %.0f s of capture%s", mac, tv_diff(d->now, d->t0),
			    d->n_bpdu ? "; spanning-tree BPDUs on the segment" : ""),
		  xasprintf("check power and link, %s, and that the capture runs on the Pis' "
			    "segment%s",
			    mi->enable == NETBOOT_OTP ? "the OTP bit (vcgencmd otp_dump | grep 17: "
							"→ 3020000a)"
			    : mi->enable == NETBOOT_EEPROM ? "BOOT_ORDER with a 2 in the EEPROM "
							     "(pinetboot check)"
							   : "that netboot is enabled",
			    d->n_bpdu ? "; set the switch port to portfast" : ""));
}

void diag_finish_site(struct diag *d)
{
	const struct site *s = d->site;
	size_t seen = d->n_pis;
	for (size_t i = 0; s && i < s->n_pis; i++)
		if (!seen_profile_pi(d, &s->pis[i]))
			expected_missing(d, &s->pis[i]);
	for (size_t i = 0; s && s->n_pis && i < seen; i++) {
		struct pistate *ps = d->pis[i];
		if (ps->prof || ps->pub.os_dhcp)
			continue;
		char mac[18];
		mac_format(ps->pub.mac, ':', mac);
		pi_report(ps, R_NOT_IN_PROFILE, 0, ps->first_frame,
			  xasprintf("Pi %s%s%s is not in the site profile", mac,
				    ps->pub.has_serial ? " serial " : "",
				    ps->pub.has_serial ? ps->pub.serial : ""),
			  xasprintf("first seen in %s", frame_name(d, ps->first_frame, (char[160]){0})),
			  xasprintf("add [pi \"NAME\"] with mac = %s to the profile", mac));
	}
	size_t netbooting = 0;
	for (size_t i = 0; i < d->n_pis; i++)
		netbooting += !d->pis[i]->pub.os_dhcp;
	if (!netbooting && !(s && s->n_pis))
		site_report(d, R_NO_PI_SEEN, 0,
			    xstrdup("no Raspberry Pi DHCP DISCOVER in the capture"),
			    xasprintf("%.0f s of capture without a PXEClient DISCOVER from a Pi",
				      d->have_t0 ? tv_diff(d->now, d->t0) : 0.0),
			    xstrdup("check the capture interface, the Pis' power and link, and "
				    "netboot enablement (pinetboot check)"));
}
